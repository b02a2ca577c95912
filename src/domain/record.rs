//! What the municipal møte 1, 2 and 3 forms hold (seed 001): the record of each
//! meeting, the tasks of meeting 1, the measures (tiltak) of meeting 2 and their
//! evaluation in meeting 3. The meeting's date is not here: it is the case's, set
//! through `Case::apply` like every other step of the process.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::case::MeetingNo;
use super::codes::coded;

/// Who speaks in a meeting, in the order the form asks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Party {
    /// The teacher in meeting 1, the school in meetings 2 and 3.
    School,
    Pupil,
    Guardians,
    /// Other partners (helpers, services).
    Partners,
}

coded!(Party in "party" {
    School => "school",
    Pupil => "pupil",
    Guardians => "guardians",
    Partners => "partners",
});

impl Party {
    /// Those who may ask PPT for services in a referral.
    pub const REQUESTERS: [Party; 3] = [Party::School, Party::Pupil, Party::Guardians];

    pub fn index(self) -> usize {
        self as usize
    }
}

/// A participant's role in the meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    ContactTeacher,
    Coordinator,
    SchoolLeader,
    Pupil,
    Guardian,
    Ppt,
    HealthNurse,
    /// Described in the participant's `role_text`.
    Other,
}

impl Role {
    /// The pupil and the guardians: named in the minutes only under a valid consent,
    /// like the pupil's own name.
    pub fn is_family(self) -> bool {
        matches!(self, Role::Pupil | Role::Guardian)
    }
}

coded!(Role in "role" {
    ContactTeacher => "contact_teacher",
    Coordinator => "coordinator",
    SchoolLeader => "school_leader",
    Pupil => "pupil",
    Guardian => "guardian",
    Ppt => "ppt",
    HealthNurse => "health_nurse",
    Other => "other",
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub name: String,
    pub role: Role,
    /// The role in words, for `Role::Other` (e.g. "barnevernet").
    pub role_text: String,
}

/// The four kinds of task of meeting 1's "responsibility for gathering information".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskKind {
    GatherInformation,
    ConsiderCooperation,
    ArrangeConsent,
    Other,
}

coded!(TaskKind in "task_kind" {
    GatherInformation => "gather_information",
    ConsiderCooperation => "consider_cooperation",
    ArrangeConsent => "arrange_consent",
    Other => "other",
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub kind: TaskKind,
    pub assigned_to: Party,
    /// The partner by name, when assigned to `Party::Partners`.
    pub partner: String,
    pub note: String,
    pub done: bool,
}

/// A measure agreed in meeting 2. Its `id` is stable within the case, so that
/// evaluations keep pointing at it when other measures are added or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    pub id: u32,
    pub content: String,
    pub scope: String,
    pub organisation: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub responsible: String,
}

impl Measure {
    /// A measure in use whose period is over.
    pub fn ended_by(&self, today: NaiveDate) -> bool {
        self.ends_on.is_some_and(|end| end < today)
    }
}

/// One party's view, in meeting 3, of how one measure worked.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Evaluation {
    pub how_it_worked: String,
    pub went_well: String,
    pub obstacles: String,
}

impl Evaluation {
    pub fn is_empty(&self) -> bool {
        [&self.how_it_worked, &self.went_well, &self.obstacles].iter().all(|t| t.trim().is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureEvaluation {
    pub measure_id: u32,
    pub party: Party,
    pub evaluation: Evaluation,
}

/// Everything written down about one meeting.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MeetingRecord {
    pub time: Option<NaiveTime>,
    pub place: String,
    pub purpose: String,
    pub participants: Vec<Participant>,
    /// What each party said, by `Party::index`: the situation (meeting 1), the
    /// information gathered (meeting 2), the situation now (meeting 3).
    pub statements: [String; 4],
    pub other_agreements: String,
    pub approved_by: String,
    pub approved_on: Option<NaiveDate>,
    /// The day the minutes went home through the archive system (ePhorte).
    pub sent_home_on: Option<NaiveDate>,
    /// Meeting 1: who gathers what.
    pub tasks: Vec<Task>,
    /// Meeting 2: the measures agreed.
    pub measures: Vec<Measure>,
    /// Meeting 3: each party's evaluation of each measure.
    pub evaluations: Vec<MeasureEvaluation>,
    /// Meeting 3: who follows the decision up.
    pub decision_responsible: String,
    /// Meeting 3, with a referral: the services each requester asks of PPT, by
    /// `Party::index` (partners ask none).
    pub services: [String; 3],
    /// Items of the meeting agenda checked off, one bit each (see `AGENDA_ITEMS`).
    pub agenda_checked: u32,
}

/// The agenda checklist from the form's "tips for good meetings": items per part,
/// in order (before / welcome / the situation now / the way forward / summary).
pub const AGENDA_PARTS: [usize; 5] = [3, 3, 4, 3, 5];
pub const AGENDA_ITEMS: usize = 18;

/// Why a record cannot be stored as typed. The UI words it at the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
// English fallback for logs; users see the catalogue's wording.
#[error("meeting record refused: {self:?}")]
pub enum RecordError {
    /// A measure (by position in the list) whose period ends before it starts.
    PeriodEndsBeforeStart { measure: usize },
    /// Tasks belong to meeting 1, measures to meeting 2, evaluations and the
    /// decision's follow-up to meeting 3.
    NotInThisMeeting { number: MeetingNo },
    /// An evaluation of a measure that meeting 2 does not hold.
    UnknownMeasure { id: u32 },
    /// Two measures with the same id.
    DuplicateMeasure { id: u32 },
    /// A control character, or a line break in a field of one line.
    Text(super::TextError),
    /// The pupil or a guardian named on a case no valid consent covers: the family
    /// is recorded by role only.
    FamilyNamedWithoutConsent,
    /// The minutes approved or sent home on a day not yet come.
    DayInFuture { day: RecordDay },
    /// The minutes approved or sent home before the day of the meeting.
    DayBeforeMeeting { day: RecordDay, meeting_on: NaiveDate },
    /// Sent home before they were approved.
    SentHomeBeforeApproval { approved_on: NaiveDate },
}

/// The two days the minutes keep of their own: approved, and sent home.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordDay {
    Approved,
    SentHome,
}

/// A time of day as typed: `14:30`, `14.30` or `1430`, or `9` for a whole hour.
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let text = text.trim();
    let (hours, minutes) = match text.find([':', '.']) {
        Some(at) => (&text[..at], &text[at + 1..]),
        None if text.len() == 4 => text.split_at(2),
        None if text.len() <= 2 => (text, "0"),
        None => return None,
    };
    let number = |part: &str| part.chars().all(|c| c.is_ascii_digit()).then(|| part.parse::<u32>().ok()).flatten();
    if minutes.len() > 2 || (text.contains([':', '.']) && minutes.len() != 2) {
        return None;
    }
    NaiveTime::from_hms_opt(number(hours)?, number(minutes)?, 0)
}

/// A time as the form shows it: `14:30`.
pub fn format_time(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

impl MeetingRecord {
    /// The child's own voice was written down: what the service's quality strategy
    /// asks of every meeting.
    pub fn has_pupil_voice(&self) -> bool {
        let pupil = Party::Pupil;
        !self.statements[pupil.index()].trim().is_empty()
            || self.evaluations.iter().any(|e| e.party == pupil && !e.evaluation.is_empty())
            || !self.services[pupil.index()].trim().is_empty()
    }

    /// Nothing typed yet.
    pub fn is_blank(&self) -> bool {
        *self == MeetingRecord::default()
    }

    /// The evaluation of `measure_id` by `party`, empty when none is written.
    pub fn evaluation(&self, measure_id: u32, party: Party) -> Evaluation {
        self.evaluations
            .iter()
            .find(|e| e.measure_id == measure_id && e.party == party)
            .map(|e| e.evaluation.clone())
            .unwrap_or_default()
    }

    /// Sets one evaluation; an empty one is removed rather than kept.
    pub fn set_evaluation(&mut self, measure_id: u32, party: Party, evaluation: Evaluation) {
        self.evaluations.retain(|e| !(e.measure_id == measure_id && e.party == party));
        if !evaluation.is_empty() {
            self.evaluations.push(MeasureEvaluation { measure_id, party, evaluation });
            self.evaluations.sort_by_key(|e| (e.measure_id, e.party));
        }
    }

    /// An id for a new measure: one past the highest in use.
    pub fn next_measure_id(&self) -> u32 {
        self.measures.iter().map(|m| m.id).max().unwrap_or(0) + 1
    }

    pub fn agenda_item_checked(&self, item: usize) -> bool {
        item < AGENDA_ITEMS && self.agenda_checked & (1 << item) != 0
    }

    pub fn toggle_agenda_item(&mut self, item: usize) {
        if item < AGENDA_ITEMS {
            self.agenda_checked ^= 1 << item;
        }
    }

    /// Checks the record of meeting `number` against the measures of meeting 2
    /// (`measures`, which for meeting 2 itself are its own).
    pub fn validate(&self, number: MeetingNo, measures: &[Measure]) -> Result<(), RecordError> {
        let wrong_meeting = Err(RecordError::NotInThisMeeting { number });
        match number.get() {
            1 if !self.measures.is_empty() || !self.evaluations.is_empty() => return wrong_meeting,
            2 if !self.tasks.is_empty() || !self.evaluations.is_empty() => return wrong_meeting,
            3 if !self.tasks.is_empty() || !self.measures.is_empty() => return wrong_meeting,
            1 | 2 if !self.decision_responsible.is_empty() || self.services.iter().any(|s| !s.is_empty()) => {
                return wrong_meeting;
            }
            _ => {}
        }
        for (position, measure) in self.measures.iter().enumerate() {
            if let (Some(start), Some(end)) = (measure.starts_on, measure.ends_on)
                && end < start
            {
                return Err(RecordError::PeriodEndsBeforeStart { measure: position });
            }
            if self.measures[..position].iter().any(|m| m.id == measure.id) {
                return Err(RecordError::DuplicateMeasure { id: measure.id });
            }
        }
        if let Some(unknown) = self.evaluations.iter().find(|e| !measures.iter().any(|m| m.id == e.measure_id)) {
            return Err(RecordError::UnknownMeasure { id: unknown.measure_id });
        }
        self.check_texts().map_err(RecordError::Text)
    }

    /// The approval and the sending home come on or after the meeting's day
    /// (`meeting_on`, held or planned) and by `today`, the sending after the approval.
    pub fn check_days(&self, meeting_on: Option<NaiveDate>, today: NaiveDate) -> Result<(), RecordError> {
        let days = [(RecordDay::Approved, self.approved_on), (RecordDay::SentHome, self.sent_home_on)];
        for (day, date) in days.into_iter().filter_map(|(day, date)| Some((day, date?))) {
            if date > today {
                return Err(RecordError::DayInFuture { day });
            }
            if let Some(meeting_on) = meeting_on.filter(|meeting| date < *meeting) {
                return Err(RecordError::DayBeforeMeeting { day, meeting_on });
            }
        }
        match (self.approved_on, self.sent_home_on) {
            (Some(approved_on), Some(sent)) if sent < approved_on => {
                Err(RecordError::SentHomeBeforeApproval { approved_on })
            }
            _ => Ok(()),
        }
    }

    /// Whether the pupil or a guardian is named among those present.
    pub fn names_family(&self) -> bool {
        self.participants.iter().any(|p| p.role.is_family() && !p.name.trim().is_empty())
    }

    /// The pupil and the guardians by role only.
    pub fn erase_family_names(&mut self) {
        self.participants.iter_mut().filter(|p| p.role.is_family()).for_each(|p| p.name.clear());
    }

    /// On a case whose family may not be named (`may_name`, see
    /// `Case::may_name_family`), the pupil and guardians are present by role only.
    pub fn check_family_names(&self, may_name: bool) -> Result<(), RecordError> {
        if !may_name && self.names_family() {
            return Err(RecordError::FamilyNamedWithoutConsent);
        }
        Ok(())
    }

    /// Names, places and roles on one line; what was said on as many as needed.
    fn check_texts(&self) -> Result<(), super::TextError> {
        use super::text::{check_line, check_text};
        let lines = [&self.place, &self.approved_by, &self.decision_responsible]
            .into_iter()
            .chain(self.participants.iter().flat_map(|p| [&p.name, &p.role_text]))
            .chain(self.tasks.iter().map(|t| &t.partner));
        for line in lines {
            check_line(line)?;
        }
        let texts = [&self.purpose, &self.other_agreements]
            .into_iter()
            .chain(&self.statements)
            .chain(&self.services)
            .chain(self.tasks.iter().map(|t| &t.note))
            .chain(self.measures.iter().flat_map(|m| [&m.content, &m.scope, &m.organisation, &m.responsible]))
            .chain(
                self.evaluations
                    .iter()
                    .flat_map(|e| [&e.evaluation.how_it_worked, &e.evaluation.went_well, &e.evaluation.obstacles]),
            );
        for text in texts {
            check_text(text)?;
        }
        Ok(())
    }
}

/// A measure whose period has ended and that no party has evaluated yet: the case
/// view points it out.
pub fn unevaluated_ended<'a>(
    measures: &'a [Measure],
    meeting3: Option<&'a MeetingRecord>,
    today: NaiveDate,
) -> impl Iterator<Item = &'a Measure> {
    let evaluated = move |id: u32| meeting3.is_some_and(|r| r.evaluations.iter().any(|e| e.measure_id == id));
    measures.iter().filter(move |m| m.ended_by(today) && !evaluated(m.id))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn meeting(n: u8) -> MeetingNo {
        MeetingNo::new(n).unwrap()
    }

    pub(crate) fn measure(id: u32, starts_on: Option<NaiveDate>, ends_on: Option<NaiveDate>) -> Measure {
        Measure {
            id,
            content: "Lesekurs med Åse".into(),
            scope: "3 timer i uka".into(),
            organisation: "Liten gruppe".into(),
            starts_on,
            ends_on,
            responsible: "Kontaktlærer".into(),
        }
    }

    #[test]
    fn times_are_read_in_the_ways_people_type_them() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(parse_time("14:30"), t(14, 30));
        assert_eq!(parse_time(" 08.15 "), t(8, 15));
        assert_eq!(parse_time("0915"), t(9, 15));
        assert_eq!(parse_time("9"), t(9, 0));
        assert_eq!(parse_time("23:59"), t(23, 59));
        assert_eq!(parse_time("00:00"), t(0, 0));
    }

    #[test]
    fn times_that_do_not_exist_are_refused() {
        for typed in ["25:00", "24:00", "12:60", "12:5", "12:345", "", "kl 12", "-1:00", "12:3a", "12345", "1:2:3"] {
            assert_eq!(parse_time(typed), None, "{typed:?}");
        }
    }

    proptest! {
        #[test]
        fn every_time_reads_back_as_formatted(h in 0u32..24, m in 0u32..60) {
            let time = NaiveTime::from_hms_opt(h, m, 0).unwrap();
            prop_assert_eq!(parse_time(&format_time(time)), Some(time));
        }

        #[test]
        fn a_period_is_valid_exactly_when_it_does_not_end_before_it_starts(a in 0i64..2000, b in 0i64..2000) {
            let base = date(2026, 1, 1);
            let (start, end) = (base + chrono::Days::new(a as u64), base + chrono::Days::new(b as u64));
            let record = MeetingRecord { measures: vec![measure(1, Some(start), Some(end))], ..Default::default() };
            prop_assert_eq!(record.validate(meeting(2), &record.measures).is_ok(), end >= start);
        }
    }

    #[test]
    fn a_period_that_ends_before_it_starts_is_refused_with_its_position() {
        let record = MeetingRecord {
            measures: vec![
                measure(1, Some(date(2026, 9, 1)), None),
                measure(2, Some(date(2026, 10, 1)), Some(date(2026, 9, 30))),
            ],
            ..Default::default()
        };
        assert_eq!(
            record.validate(meeting(2), &record.measures),
            Err(RecordError::PeriodEndsBeforeStart { measure: 1 })
        );
    }

    #[test]
    fn each_part_of_the_record_belongs_to_its_meeting() {
        let task = Task {
            kind: TaskKind::ArrangeConsent,
            assigned_to: Party::Guardians,
            partner: String::new(),
            note: String::new(),
            done: false,
        };
        let with_task = MeetingRecord { tasks: vec![task], ..Default::default() };
        assert!(with_task.validate(meeting(1), &[]).is_ok());
        assert_eq!(with_task.validate(meeting(2), &[]), Err(RecordError::NotInThisMeeting { number: meeting(2) }));
        let with_measure = MeetingRecord { measures: vec![measure(1, None, None)], ..Default::default() };
        assert!(with_measure.validate(meeting(2), &with_measure.measures).is_ok());
        assert!(with_measure.validate(meeting(1), &[]).is_err());
        assert!(with_measure.validate(meeting(3), &[]).is_err());
        let with_services =
            MeetingRecord { services: ["".into(), "Utredning".into(), "".into()], ..Default::default() };
        assert!(with_services.validate(meeting(3), &[]).is_ok());
        assert!(with_services.validate(meeting(2), &[]).is_err());
    }

    #[test]
    fn evaluations_point_at_measures_of_meeting_2() {
        let measures = vec![measure(4, None, None)];
        let mut record = MeetingRecord::default();
        let words = Evaluation { how_it_worked: "Godt".into(), ..Default::default() };
        record.set_evaluation(4, Party::Pupil, words.clone());
        assert!(record.validate(meeting(3), &measures).is_ok());
        record.set_evaluation(5, Party::School, words);
        assert_eq!(record.validate(meeting(3), &measures), Err(RecordError::UnknownMeasure { id: 5 }));
    }

    #[test]
    fn measure_ids_stay_unique() {
        let mut record =
            MeetingRecord { measures: vec![measure(1, None, None), measure(3, None, None)], ..Default::default() };
        assert_eq!(record.next_measure_id(), 4);
        assert_eq!(MeetingRecord::default().next_measure_id(), 1);
        record.measures.push(measure(3, None, None));
        assert_eq!(record.validate(meeting(2), &record.measures), Err(RecordError::DuplicateMeasure { id: 3 }));
    }

    #[test]
    fn setting_an_evaluation_replaces_it_and_an_empty_one_removes_it() {
        let mut record = MeetingRecord::default();
        record.set_evaluation(1, Party::School, Evaluation { went_well: "Mye".into(), ..Default::default() });
        record.set_evaluation(1, Party::School, Evaluation { obstacles: "Fravær".into(), ..Default::default() });
        assert_eq!(record.evaluations.len(), 1);
        assert_eq!(record.evaluation(1, Party::School).obstacles, "Fravær");
        record.set_evaluation(1, Party::School, Evaluation::default());
        assert!(record.evaluations.is_empty());
        assert!(record.evaluation(1, Party::Pupil).is_empty());
    }

    #[test]
    fn the_pupils_voice_counts_wherever_it_is_written() {
        let mut record = MeetingRecord::default();
        assert!(!record.has_pupil_voice());
        record.statements[Party::School.index()] = "Læreren forteller".into();
        record.statements[Party::Pupil.index()] = "   ".into();
        assert!(!record.has_pupil_voice(), "blank text is not a voice");
        record.statements[Party::Pupil.index()] = "Jeg synes det er vanskelig å lese høyt".into();
        assert!(record.has_pupil_voice());

        let mut meeting3 = MeetingRecord::default();
        meeting3.set_evaluation(1, Party::Pupil, Evaluation { went_well: "Gruppa".into(), ..Default::default() });
        assert!(meeting3.has_pupil_voice());
        let asks = MeetingRecord { services: ["".into(), "Samtale".into(), "".into()], ..Default::default() };
        assert!(asks.has_pupil_voice());
    }

    #[test]
    fn an_ended_measure_without_evaluation_is_pointed_out() {
        let today = date(2026, 11, 24);
        let measures = vec![
            measure(1, Some(date(2026, 9, 1)), Some(date(2026, 11, 1))),
            measure(2, Some(date(2026, 9, 1)), Some(date(2026, 12, 1))),
            measure(3, Some(date(2026, 9, 1)), Some(date(2026, 11, 23))),
            measure(4, None, None),
        ];
        let ids =
            |m3: Option<&MeetingRecord>| unevaluated_ended(&measures, m3, today).map(|m| m.id).collect::<Vec<_>>();
        assert_eq!(ids(None), vec![1, 3]);
        let mut meeting3 = MeetingRecord::default();
        meeting3.set_evaluation(3, Party::Guardians, Evaluation { how_it_worked: "Bra".into(), ..Default::default() });
        assert_eq!(ids(Some(&meeting3)), vec![1]);
        assert!(!measures[1].ended_by(date(2026, 12, 1)), "the last day is still in the period");
    }

    #[test]
    fn agenda_items_toggle_one_at_a_time() {
        assert_eq!(AGENDA_PARTS.iter().sum::<usize>(), AGENDA_ITEMS);
        let mut record = MeetingRecord::default();
        record.toggle_agenda_item(0);
        record.toggle_agenda_item(17);
        record.toggle_agenda_item(18);
        assert!(record.agenda_item_checked(0) && record.agenda_item_checked(17));
        assert!(!record.agenda_item_checked(1) && !record.agenda_item_checked(18));
        record.toggle_agenda_item(0);
        assert!(!record.agenda_item_checked(0));
        assert!(!record.is_blank());
    }

    #[test]
    fn minutes_are_approved_and_sent_home_after_the_meeting_and_by_today() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let (meeting, today) = (Some(day(10)), day(24));
        let with = |approved: Option<u32>, sent: Option<u32>| MeetingRecord {
            approved_on: approved.map(day),
            sent_home_on: sent.map(day),
            ..MeetingRecord::default()
        };
        assert_eq!(with(None, None).check_days(meeting, today), Ok(()));
        assert_eq!(with(Some(10), Some(10)).check_days(meeting, today), Ok(()), "the same day is fine");
        assert_eq!(with(Some(12), Some(24)).check_days(meeting, today), Ok(()));
        assert_eq!(with(Some(12), None).check_days(None, today), Ok(()), "no meeting day to hold it to");
        let future = |day| Err(RecordError::DayInFuture { day });
        assert_eq!(with(Some(25), None).check_days(meeting, today), future(RecordDay::Approved));
        assert_eq!(with(None, Some(25)).check_days(meeting, today), future(RecordDay::SentHome));
        let before = |day| {
            Err(RecordError::DayBeforeMeeting { day, meeting_on: NaiveDate::from_ymd_opt(2026, 11, 10).unwrap() })
        };
        assert_eq!(with(Some(9), None).check_days(meeting, today), before(RecordDay::Approved));
        assert_eq!(with(None, Some(9)).check_days(meeting, today), before(RecordDay::SentHome));
        assert_eq!(
            with(Some(15), Some(12)).check_days(meeting, today),
            Err(RecordError::SentHomeBeforeApproval { approved_on: day(15) })
        );
    }
}
