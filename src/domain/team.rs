//! The school's team meetings besides meetings 1–3 and the discussion meeting
//! (seed 002): the ressursteam, where the school brings its cases about once a
//! month; the samarbeidsmøte with a family and its helpers; and the
//! ansvarsgruppemøte of a child with an individual plan (IP). One kind of
//! meeting with three kinds, each with its consent rules, its agenda, its
//! minutes and the days they are due.

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::case::{Case, CaseKind};
use super::codes::coded;
use super::dates::{add_days, add_months, plausible};
use super::deadline::{DeadlineState, state_of};
use super::discussion::{FormState, sent_ahead_state};
use super::text::{TextError, check_line, check_text};

/// The minutes reach the participants within this many days of the meeting.
pub const MINUTES_DAYS_AFTER: u64 = 2;
/// An ansvarsgruppe meets at least this often unless the case sets otherwise.
pub const DEFAULT_GROUP_INTERVAL_MONTHS: u32 = 4;
/// The IP's revision date is pointed out from this many days before.
pub const REVISION_WARNING_DAYS: u64 = 30;
/// The most meetings one plan of a school year makes.
pub const MAX_SERIES: usize = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TeamKind {
    /// Ressursteam: the school's resource team, with an agenda of cases.
    ResourceTeam,
    /// Samarbeidsmøte: the family and its helpers, always with consent.
    Cooperation,
    /// Ansvarsgruppemøte: for a child with an individual plan.
    ResponsibilityGroup,
}

coded!(TeamKind in "team_kind" {
    ResourceTeam => "resource_team",
    Cooperation => "cooperation",
    ResponsibilityGroup => "responsibility_group",
});

impl TeamKind {
    /// A samarbeidsmøte and an ansvarsgruppe are about one case and its family.
    pub fn is_about_one_case(self) -> bool {
        self != TeamKind::ResourceTeam
    }

    /// The agenda goes out a week before: to the ressursteam's members, and to
    /// the ansvarsgruppe's.
    pub fn sends_agenda(self) -> bool {
        self != TeamKind::Cooperation
    }

    /// The parts of the minutes of one case, in the form's order.
    pub fn minutes_parts(self) -> &'static [MinutesPart] {
        use MinutesPart as P;
        match self {
            TeamKind::ResourceTeam => &[P::Discussed, P::Measures, P::NextStep],
            TeamKind::Cooperation => {
                &[P::Purpose, P::LastMinutes, P::Pupil, P::Family, P::Helpers, P::Measures, P::Informs, P::NextMeeting]
            }
            TeamKind::ResponsibilityGroup => {
                &[P::Discussed, P::Pupil, P::Family, P::Helpers, P::Measures, P::NextMeeting, P::PlanUpdated]
            }
        }
    }
}

/// Who takes part, by what they are: the school's fixed members, the family and
/// the helpers around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamRole {
    Leadership,
    Coordinator,
    ContactTeacher,
    HealthNurse,
    Ppt,
    Guardian,
    Pupil,
    School,
    Kindergarten,
    ChildWelfare,
    RefugeeService,
    Physiotherapist,
    Gp,
    ChildPsychiatry,
    /// Described in the participant's `role_text`.
    Other,
}

coded!(TeamRole in "team_role" {
    Leadership => "leadership",
    Coordinator => "coordinator",
    ContactTeacher => "contact_teacher",
    HealthNurse => "health_nurse",
    Ppt => "ppt",
    Guardian => "guardian",
    Pupil => "pupil",
    School => "school",
    Kindergarten => "kindergarten",
    ChildWelfare => "child_welfare",
    RefugeeService => "refugee_service",
    Physiotherapist => "physiotherapist",
    Gp => "gp",
    ChildPsychiatry => "child_psychiatry",
    Other => "other",
});

impl TeamRole {
    /// Named only while a consent covers the case they come for.
    pub fn is_family(self) -> bool {
        matches!(self, TeamRole::Guardian | TeamRole::Pupil)
    }

    /// The ressursteam's fixed members, kept per school.
    pub const FIXED_MEMBERS: [TeamRole; 4] =
        [TeamRole::Leadership, TeamRole::Coordinator, TeamRole::HealthNurse, TeamRole::Ppt];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamParticipant {
    pub name: String,
    pub role: TeamRole,
    pub role_text: String,
    /// The case they come for (a contact teacher, the guardians, a guest for
    /// part of a ressursteam); none for the whole meeting.
    pub for_case: Option<Uuid>,
}

/// A measure agreed, or looked at again, with who answers for it and by when.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TeamMeasure {
    pub what: String,
    pub status: MeasureStatus,
    pub responsible: String,
    pub by: Option<NaiveDate>,
}

/// A samarbeidsmøte looks at each measure: it goes on, it ends, or it is new.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MeasureStatus {
    #[default]
    New,
    Continue,
    End,
}

coded!(MeasureStatus in "measure_status" {
    New => "new",
    Continue => "continue",
    End => "end",
});

/// Where a case goes after the ressursteam: one key each, and a line in its log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// Back to the ressursteam at a later meeting.
    FollowUp,
    /// A samarbeidsmøte with the family and its helpers.
    Cooperation,
    /// On to meeting 1 of the concern process.
    Meeting1,
}

coded!(NextStep in "next_step" {
    FollowUp => "follow_up",
    Cooperation => "cooperation",
    Meeting1 => "meeting1",
});

/// The parts of one case's minutes; which a kind has, in order: `minutes_parts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MinutesPart {
    Purpose,
    LastMinutes,
    Discussed,
    Pupil,
    Family,
    Helpers,
    Measures,
    Informs,
    NextMeeting,
    NextStep,
    PlanUpdated,
}

coded!(MinutesPart in "minutes_part" {
    Purpose => "purpose",
    LastMinutes => "last_minutes",
    Discussed => "discussed",
    Pupil => "pupil",
    Family => "family",
    Helpers => "helpers",
    Measures => "measures",
    Informs => "informs",
    NextMeeting => "next_meeting",
    NextStep => "next_step",
    PlanUpdated => "plan_updated",
});

/// What the minutes hold about one case; the kind says which parts are used.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ItemMinutes {
    pub purpose: String,
    /// The last minutes, gone through first.
    pub last_minutes: String,
    /// What was discussed (ressursteam), the topics (ansvarsgruppe).
    pub discussed: String,
    /// The young person speaks first, then the family, then each helper.
    pub pupil: String,
    pub family: String,
    pub helpers: String,
    pub measures: Vec<TeamMeasure>,
    /// Who informs whom.
    pub informs: String,
    pub next_meeting: Option<NaiveDate>,
    pub next_called_by: String,
    pub next_step: Option<NextStep>,
    /// The individual plan was brought up to date after the meeting.
    pub plan_updated: bool,
}

/// One case on a meeting's agenda.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamItem {
    pub case_id: Uuid,
    /// On the agenda by name, under a consent valid the day it was put there.
    pub named: bool,
    /// Without consent: the coordinator confirmed the case can stay anonymous
    /// through the whole discussion.
    pub anonymity_confirmed: bool,
    pub minutes: ItemMinutes,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMeeting {
    pub id: Uuid,
    pub kind: TeamKind,
    pub date: NaiveDate,
    pub starts_at: Option<NaiveTime>,
    pub school: String,
    pub place: String,
    /// Who calls the meeting: the IP's coordinator (or child welfare) for an
    /// ansvarsgruppe.
    pub called_by: String,
    pub participants: Vec<TeamParticipant>,
    pub items: Vec<TeamItem>,
    pub agenda_sent_on: Option<NaiveDate>,
    pub minutes_sent_on: Option<NaiveDate>,
}

/// The individual plan (IP) of a child, as the case records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndividualPlan {
    /// The IP's coordinator: a name and the service they work in.
    pub coordinator: String,
    pub service: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub revision_on: Option<NaiveDate>,
    /// The ansvarsgruppe meets at least this often.
    pub interval_months: u32,
}

/// Why a change to a team meeting was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
// English fallback for logs; users see the catalogue's wording.
#[error("team meeting change refused: {self:?}")]
pub enum TeamError {
    Required(&'static str),
    ImplausibleDate {
        date: NaiveDate,
    },
    Text(TextError),
    CaseClosed,
    OtherSchool {
        school: String,
    },
    AlreadyOnAgenda,
    NotOnAgenda,
    /// A samarbeidsmøte or an ansvarsgruppe is about one case.
    OneCaseOnly,
    /// The family takes part: a samarbeidsmøte or an ansvarsgruppe needs a
    /// valid consent, and a case about a pupil.
    NeedsConsent,
    /// An individual case without consent goes on a ressursteam's agenda only
    /// once the coordinator has confirmed it can stay anonymous throughout.
    AnonymityNotConfirmed,
    /// An ansvarsgruppe is for a child with an individual plan.
    NoPlan,
    /// The agenda goes out before the meeting.
    AgendaAfterMeeting,
    /// Minutes are sent after the meeting, not before.
    MinutesBeforeMeeting,
    /// A ressursteam's next step, for another kind of meeting.
    NoNextStepHere,
    /// The series of a school year: its interval, its end.
    BadSeries,
    /// Someone from the family without a consent to name them.
    FamilyWithoutConsent,
}

/// How often the ressursteam meets over a school year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    /// Every n weeks on the weekday.
    Weeks(u32),
    /// The same weekday of each month, as the first date has it (2nd Tuesday…).
    Monthly,
}

/// The days of a school year's meetings: the first `weekday` from `from`, then
/// every interval, up to and with `until`.
pub fn series(
    from: NaiveDate,
    weekday: Weekday,
    interval: Interval,
    until: NaiveDate,
) -> Result<Vec<NaiveDate>, TeamError> {
    if until < from || matches!(interval, Interval::Weeks(0)) {
        return Err(TeamError::BadSeries);
    }
    let first = (0..7).map(|d| add_days(from, d)).find(|d| d.weekday() == weekday).expect("a week has each day");
    let mut days = Vec::new();
    let mut month = 0;
    let nth = (first.day() - 1) / 7;
    let mut next = Some(first);
    while let Some(day) = next.filter(|d| *d <= until) {
        if days.len() == MAX_SERIES {
            return Err(TeamError::BadSeries);
        }
        days.push(day);
        next = match interval {
            Interval::Weeks(n) => Some(add_days(day, 7 * u64::from(n))),
            Interval::Monthly => {
                month += 1;
                Some(nth_weekday(add_months(first.with_day(1).expect("day 1"), month), weekday, nth))
            }
        };
    }
    Ok(days)
}

/// The `nth` (from 0) `weekday` of the month `first` opens, or its last one.
fn nth_weekday(first: NaiveDate, weekday: Weekday, nth: u32) -> NaiveDate {
    let offset = (7 + weekday.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
    let wanted = add_days(first, u64::from(offset + 7 * nth));
    if wanted.month() == first.month() { wanted } else { wanted - chrono::Days::new(7) }
}

impl TeamMeeting {
    pub fn new(
        id: Uuid,
        kind: TeamKind,
        date: NaiveDate,
        school: &str,
        today: NaiveDate,
    ) -> Result<TeamMeeting, TeamError> {
        if school.trim().is_empty() {
            return Err(TeamError::Required("school"));
        }
        if !plausible(date, today) {
            return Err(TeamError::ImplausibleDate { date });
        }
        check_line(school).map_err(TeamError::Text)?;
        Ok(TeamMeeting {
            id,
            kind,
            date,
            starts_at: None,
            school: school.trim().to_string(),
            place: String::new(),
            called_by: String::new(),
            participants: Vec::new(),
            items: Vec::new(),
            agenda_sent_on: None,
            minutes_sent_on: None,
        })
    }

    pub fn item(&self, case_id: Uuid) -> Option<&TeamItem> {
        self.items.iter().find(|i| i.case_id == case_id)
    }

    /// Puts `case` on the agenda, under the kind's consent rules on `today`:
    /// a samarbeidsmøte and an ansvarsgruppe need the family's valid consent
    /// (and the ansvarsgruppe an IP); a ressursteam names a case under consent
    /// and otherwise takes it only when its anonymity is confirmed.
    pub fn add_case(&mut self, case: &Case, anonymity_confirmed: bool, today: NaiveDate) -> Result<(), TeamError> {
        if case.closure.is_some() {
            return Err(TeamError::CaseClosed);
        }
        if case.details.school.trim().to_lowercase() != self.school.to_lowercase() {
            return Err(TeamError::OtherSchool { school: case.details.school.clone() });
        }
        if self.item(case.id).is_some() {
            return Err(TeamError::AlreadyOnAgenda);
        }
        if self.kind.is_about_one_case() && !self.items.is_empty() {
            return Err(TeamError::OneCaseOnly);
        }
        let individual = case.details.kind == CaseKind::Individual;
        let consented = individual && case.has_valid_consent(today);
        match self.kind {
            TeamKind::ResourceTeam if individual && !consented && !anonymity_confirmed => {
                return Err(TeamError::AnonymityNotConfirmed);
            }
            TeamKind::Cooperation | TeamKind::ResponsibilityGroup if !consented => return Err(TeamError::NeedsConsent),
            TeamKind::ResponsibilityGroup if case.individual_plan.is_none() => return Err(TeamError::NoPlan),
            _ => {}
        }
        self.items.push(TeamItem {
            case_id: case.id,
            named: consented,
            anonymity_confirmed: !consented && anonymity_confirmed,
            minutes: ItemMinutes::default(),
        });
        Ok(())
    }

    pub fn remove_case(&mut self, case_id: Uuid) -> Result<(), TeamError> {
        let before = self.items.len();
        self.items.retain(|i| i.case_id != case_id);
        self.participants.retain(|p| p.for_case != Some(case_id));
        if self.items.len() == before { Err(TeamError::NotOnAgenda) } else { Ok(()) }
    }

    /// Adds a participant; one from the family comes for a case on the agenda
    /// whose consent names them.
    pub fn add_participant(
        &mut self,
        participant: TeamParticipant,
        cases: &[Case],
        today: NaiveDate,
    ) -> Result<(), TeamError> {
        check_line(&participant.name).map_err(TeamError::Text)?;
        check_line(&participant.role_text).map_err(TeamError::Text)?;
        if participant.role.is_family() {
            let family_of = participant.for_case.or(self
                .items
                .first()
                .filter(|_| self.kind.is_about_one_case())
                .map(|i| i.case_id));
            let consented = family_of
                .and_then(|id| cases.iter().find(|c| c.id == id))
                .is_some_and(|c| self.item(c.id).is_some() && c.may_name_family(today));
            if !consented {
                return Err(TeamError::FamilyWithoutConsent);
            }
        }
        self.participants.push(participant);
        Ok(())
    }

    /// Writes a case's minutes, checked as the form's fields are.
    pub fn set_minutes(&mut self, case_id: Uuid, minutes: ItemMinutes, today: NaiveDate) -> Result<(), TeamError> {
        let texts = [
            &minutes.purpose,
            &minutes.last_minutes,
            &minutes.discussed,
            &minutes.pupil,
            &minutes.family,
            &minutes.helpers,
            &minutes.informs,
        ];
        texts.into_iter().try_for_each(|t| check_text(t)).map_err(TeamError::Text)?;
        check_line(&minutes.next_called_by).map_err(TeamError::Text)?;
        for measure in &minutes.measures {
            [&measure.what, &measure.responsible]
                .into_iter()
                .try_for_each(|t| check_line(t))
                .map_err(TeamError::Text)?;
        }
        for date in minutes.measures.iter().filter_map(|m| m.by).chain(minutes.next_meeting) {
            if !plausible(date, today) {
                return Err(TeamError::ImplausibleDate { date });
            }
        }
        if minutes.next_step.is_some() && self.kind != TeamKind::ResourceTeam {
            return Err(TeamError::NoNextStepHere);
        }
        let item = self.items.iter_mut().find(|i| i.case_id == case_id).ok_or(TeamError::NotOnAgenda)?;
        item.minutes = minutes;
        Ok(())
    }

    pub fn mark_agenda_sent(&mut self, on: NaiveDate) -> Result<(), TeamError> {
        if on > self.date {
            return Err(TeamError::AgendaAfterMeeting);
        }
        self.agenda_sent_on = Some(on);
        Ok(())
    }

    pub fn mark_minutes_sent(&mut self, on: NaiveDate) -> Result<(), TeamError> {
        if on < self.date {
            return Err(TeamError::MinutesBeforeMeeting);
        }
        self.minutes_sent_on = Some(on);
        Ok(())
    }

    /// Where the agenda stands: out a week before, warned about from 8 days.
    pub fn agenda_state(&self, today: NaiveDate) -> Option<FormState> {
        self.kind.sends_agenda().then(|| sent_ahead_state(self.date, self.agenda_sent_on, today))
    }

    /// The minutes reach the participants within 2 days of the meeting.
    pub fn minutes_state(&self, today: NaiveDate) -> Option<DeadlineState> {
        (self.date <= today).then(|| state_of(self.minutes_due(), self.minutes_sent_on, today, 0))
    }

    pub fn minutes_due(&self) -> NaiveDate {
        add_days(self.date, MINUTES_DAYS_AFTER)
    }

    /// The family is named in this meeting's papers only while the consent of
    /// the case they come for holds.
    pub fn may_name(&self, participant: &TeamParticipant, cases: &[Case], today: NaiveDate) -> bool {
        if !participant.role.is_family() {
            return true;
        }
        let case = participant.for_case.or(self.items.first().map(|i| i.case_id));
        case.and_then(|id| cases.iter().find(|c| c.id == id)).is_some_and(|c| c.may_name_family(today))
    }

    /// The names of the family among those present are erased: the case's
    /// consent no longer holds.
    pub fn erase_family_names(&mut self, case_id: Uuid) {
        let about_case = self.kind.is_about_one_case() && self.item(case_id).is_some();
        for p in self.participants.iter_mut().filter(|p| p.role.is_family()) {
            if p.for_case == Some(case_id) || (p.for_case.is_none() && about_case) {
                p.name.clear();
            }
        }
    }
}

/// What the start screen and the case view point out about team meetings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamWarning {
    /// The agenda of a meeting soon is not sent.
    AgendaDue { meeting: Uuid, kind: TeamKind, date: NaiveDate, state: FormState },
    /// A meeting held without its minutes sent after 2 days.
    MinutesLate { meeting: Uuid, kind: TeamKind, date: NaiveDate },
    /// A case's samarbeidsmøte series without a next date.
    NoNextCooperation { case_id: Uuid, last: NaiveDate },
    /// No ansvarsgruppe planned within the case's interval.
    GroupDue { case_id: Uuid, due: NaiveDate, state: DeadlineState },
    /// The IP's revision is near, or past.
    RevisionNear { case_id: Uuid, on: NaiveDate },
}

/// Everything to point out about `meetings` and the `cases` they concern on `today`.
pub fn warnings(meetings: &[TeamMeeting], cases: &[Case], today: NaiveDate, due_soon_days: u32) -> Vec<TeamWarning> {
    let mut out = Vec::new();
    for m in meetings {
        if let Some(state @ (FormState::DueSoon | FormState::Overdue)) = m.agenda_state(today) {
            out.push(TeamWarning::AgendaDue { meeting: m.id, kind: m.kind, date: m.date, state });
        }
        if m.minutes_state(today) == Some(DeadlineState::Overdue) {
            out.push(TeamWarning::MinutesLate { meeting: m.id, kind: m.kind, date: m.date });
        }
    }
    for case in cases.iter().filter(|c| c.closure.is_none()) {
        let of_kind = |kind| meetings.iter().filter(move |m| m.kind == kind && m.item(case.id).is_some());
        let cooperation_last = of_kind(TeamKind::Cooperation).max_by_key(|m| m.date);
        if let Some(last) = cooperation_last.filter(|m| m.date <= today) {
            let next = last.item(case.id).and_then(|i| i.minutes.next_meeting);
            if next.is_none() {
                out.push(TeamWarning::NoNextCooperation { case_id: case.id, last: last.date });
            }
        }
        let Some(plan) = &case.individual_plan else { continue };
        let groups: Vec<&TeamMeeting> = of_kind(TeamKind::ResponsibilityGroup).collect();
        if !groups.iter().any(|m| m.date >= today) {
            // From the last meeting, else the plan's start; with neither, the
            // first meeting is to be planned now.
            let from = groups.iter().map(|m| m.date).max().or(plan.starts_on);
            let due = from.map_or(today, |from| add_months(from, plan.interval_months.max(1)));
            let state = state_of(due, None, today, due_soon_days);
            if state != DeadlineState::Ok {
                out.push(TeamWarning::GroupDue { case_id: case.id, due, state });
            }
        }
        if let Some(on) = plan.revision_on.filter(|on| *on <= add_days(today, REVISION_WARNING_DAYS)) {
            out.push(TeamWarning::RevisionNear { case_id: case.id, on });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::tests::{date, sample_case};
    use crate::domain::consent::{Consent, ConsentGiver};
    use crate::domain::{Closure, Identity};
    use proptest::prelude::*;

    const TODAY: (i32, u32, u32) = (2026, 11, 23);

    fn today() -> NaiveDate {
        date(TODAY.0, TODAY.1, TODAY.2)
    }

    fn meeting(kind: TeamKind) -> TeamMeeting {
        TeamMeeting::new(Uuid::from_u128(99), kind, date(2026, 12, 10), "Bjørkå skole", today()).unwrap()
    }

    fn case(n: u128) -> Case {
        Case { id: Uuid::from_u128(n), ..sample_case() }
    }

    fn consented(n: u128) -> Case {
        let mut case = case(n);
        case.consent = Some(Consent {
            given_on: date(2026, 9, 1),
            given_by: ConsentGiver::Guardians,
            scope: "Ressursteam".into(),
            expires_on: Some(date(2027, 6, 30)),
            withdrawn_on: None,
        });
        case.identity = Some(Identity { name: "Guro Løvås".into(), birth_date: None });
        case
    }

    fn plan() -> IndividualPlan {
        IndividualPlan {
            coordinator: "Kari Ås".into(),
            service: "Helsestasjonen".into(),
            starts_on: Some(date(2026, 8, 15)),
            ends_on: Some(date(2027, 8, 14)),
            revision_on: Some(date(2027, 2, 1)),
            interval_months: DEFAULT_GROUP_INTERVAL_MONTHS,
        }
    }

    fn participant(role: TeamRole, for_case: Option<u128>) -> TeamParticipant {
        TeamParticipant {
            name: "Mor Løvås".into(),
            role,
            role_text: String::new(),
            for_case: for_case.map(Uuid::from_u128),
        }
    }

    #[test]
    fn a_ressursteam_names_a_consented_case_and_takes_another_only_confirmed_anonymous() {
        let mut m = meeting(TeamKind::ResourceTeam);
        m.add_case(&consented(1), false, today()).unwrap();
        assert!(m.item(Uuid::from_u128(1)).unwrap().named);
        assert_eq!(m.add_case(&case(2), false, today()), Err(TeamError::AnonymityNotConfirmed));
        m.add_case(&case(2), true, today()).unwrap();
        let anonymous = m.item(Uuid::from_u128(2)).unwrap();
        assert!(!anonymous.named && anonymous.anonymity_confirmed, "on the agenda anonymously, the yes kept");
        let mut system = case(3);
        system.details.kind = CaseKind::System;
        m.add_case(&system, false, today()).unwrap();
        assert!(!m.item(Uuid::from_u128(3)).unwrap().anonymity_confirmed, "a system case names no pupil");
        assert_eq!(m.add_case(&case(2), true, today()), Err(TeamError::AlreadyOnAgenda));
    }

    #[test]
    fn an_expired_consent_counts_as_none() {
        let mut m = meeting(TeamKind::ResourceTeam);
        let mut expired = consented(1);
        expired.consent.as_mut().unwrap().expires_on = Some(date(2026, 11, 1));
        assert_eq!(m.add_case(&expired, false, today()), Err(TeamError::AnonymityNotConfirmed));
        let mut cooperation = meeting(TeamKind::Cooperation);
        assert_eq!(cooperation.add_case(&expired, true, today()), Err(TeamError::NeedsConsent));
    }

    #[test]
    fn a_samarbeidsmote_needs_consent_and_holds_one_case() {
        let mut m = meeting(TeamKind::Cooperation);
        assert_eq!(m.add_case(&case(1), true, today()), Err(TeamError::NeedsConsent), "it cannot be anonymous");
        let mut system = consented(2);
        system.details.kind = CaseKind::System;
        assert_eq!(m.add_case(&system, false, today()), Err(TeamError::NeedsConsent), "a family's meeting");
        m.add_case(&consented(3), false, today()).unwrap();
        assert_eq!(m.add_case(&consented(4), false, today()), Err(TeamError::OneCaseOnly));
    }

    #[test]
    fn an_ansvarsgruppe_needs_the_childs_individual_plan() {
        let mut m = meeting(TeamKind::ResponsibilityGroup);
        assert_eq!(m.add_case(&consented(1), false, today()), Err(TeamError::NoPlan));
        let with_plan = Case { individual_plan: Some(plan()), ..consented(1) };
        m.add_case(&with_plan, false, today()).unwrap();
    }

    #[test]
    fn only_open_cases_of_the_meetings_school() {
        let mut m = meeting(TeamKind::ResourceTeam);
        let mut other = consented(1);
        other.details.school = "Fjordtun skole".into();
        assert!(matches!(m.add_case(&other, false, today()), Err(TeamError::OtherSchool { .. })));
        let mut closed = consented(2);
        closed.closure = Some(Closure { date: date(2026, 11, 1), reason: "Flyttet".into() });
        assert_eq!(m.add_case(&closed, false, today()), Err(TeamError::CaseClosed));
        let mut spaced = consented(3);
        spaced.details.school = "  BJØRKÅ SKOLE ".into();
        m.add_case(&spaced, false, today()).unwrap();
    }

    #[test]
    fn the_family_takes_part_only_for_a_consented_case_on_the_agenda() {
        let mut m = meeting(TeamKind::ResourceTeam);
        let (named, anonymous) = (consented(1), case(2));
        m.add_case(&named, false, today()).unwrap();
        m.add_case(&anonymous, true, today()).unwrap();
        let cases = [named, anonymous];
        m.add_participant(participant(TeamRole::Guardian, Some(1)), &cases, today()).unwrap();
        let refused = m.add_participant(participant(TeamRole::Guardian, Some(2)), &cases, today());
        assert_eq!(refused, Err(TeamError::FamilyWithoutConsent));
        let nowhere = m.add_participant(participant(TeamRole::Pupil, None), &cases, today());
        assert_eq!(nowhere, Err(TeamError::FamilyWithoutConsent), "a ressursteam's family comes for a case");
        m.add_participant(participant(TeamRole::HealthNurse, None), &cases, today()).unwrap();
        let line_break = TeamParticipant { name: "Per\nPål".into(), ..participant(TeamRole::Ppt, None) };
        assert!(matches!(m.add_participant(line_break, &cases, today()), Err(TeamError::Text(_))));

        let mut cooperation = meeting(TeamKind::Cooperation);
        cooperation.add_case(&cases[0], false, today()).unwrap();
        cooperation.add_participant(participant(TeamRole::Pupil, None), &cases, today()).unwrap();
        cooperation.erase_family_names(Uuid::from_u128(1));
        assert_eq!(cooperation.participants[0].name, "", "an erasure reaches those present");
    }

    #[test]
    fn taking_a_case_off_takes_those_who_came_for_it() {
        let mut m = meeting(TeamKind::ResourceTeam);
        let cases = [consented(1)];
        m.add_case(&cases[0], false, today()).unwrap();
        m.add_participant(participant(TeamRole::ContactTeacher, Some(1)), &cases, today()).unwrap();
        m.add_participant(participant(TeamRole::Leadership, None), &cases, today()).unwrap();
        m.remove_case(Uuid::from_u128(1)).unwrap();
        assert_eq!(m.participants.len(), 1);
        assert_eq!(m.remove_case(Uuid::from_u128(1)), Err(TeamError::NotOnAgenda));
    }

    #[test]
    fn minutes_are_checked_and_a_next_step_is_the_ressursteams() {
        let mut m = meeting(TeamKind::Cooperation);
        m.add_case(&consented(1), false, today()).unwrap();
        let id = Uuid::from_u128(1);
        let stepped = ItemMinutes { next_step: Some(NextStep::Meeting1), ..ItemMinutes::default() };
        assert_eq!(m.set_minutes(id, stepped.clone(), today()), Err(TeamError::NoNextStepHere));
        let escape = ItemMinutes { family: "\u{1b}[2J".into(), ..ItemMinutes::default() };
        assert!(matches!(m.set_minutes(id, escape, today()), Err(TeamError::Text(_))));
        let far = ItemMinutes { next_meeting: Some(date(2099, 1, 1)), ..ItemMinutes::default() };
        assert!(matches!(m.set_minutes(id, far, today()), Err(TeamError::ImplausibleDate { .. })));
        let measure = TeamMeasure {
            what: "Leksehjelp".into(),
            status: MeasureStatus::Continue,
            responsible: "Kontaktlærer".into(),
            by: Some(date(2027, 1, 15)),
        };
        let minutes = ItemMinutes {
            family: "Mor: bedre søvn.\nFar: enig.".into(),
            measures: vec![measure],
            next_meeting: Some(date(2027, 1, 20)),
            ..ItemMinutes::default()
        };
        m.set_minutes(id, minutes.clone(), today()).unwrap();
        assert_eq!(m.item(id).unwrap().minutes, minutes);
        assert_eq!(m.set_minutes(Uuid::from_u128(2), minutes, today()), Err(TeamError::NotOnAgenda));
        let mut team = meeting(TeamKind::ResourceTeam);
        team.add_case(&consented(1), false, today()).unwrap();
        team.set_minutes(id, stepped, today()).unwrap();
    }

    #[test]
    fn the_agenda_goes_a_week_before_and_the_minutes_within_two_days() {
        let mut m = meeting(TeamKind::ResourceTeam);
        assert_eq!(m.agenda_state(date(2026, 12, 1)), Some(FormState::NotYet));
        assert_eq!(m.agenda_state(date(2026, 12, 2)), Some(FormState::DueSoon), "from 8 days before");
        assert_eq!(m.agenda_state(date(2026, 12, 4)), Some(FormState::Overdue));
        assert_eq!(meeting(TeamKind::Cooperation).agenda_state(date(2026, 12, 4)), None, "no agenda goes out");
        assert_eq!(m.mark_agenda_sent(date(2026, 12, 11)), Err(TeamError::AgendaAfterMeeting));
        m.mark_agenda_sent(date(2026, 12, 3)).unwrap();
        assert_eq!(m.agenda_state(date(2026, 12, 4)), Some(FormState::Sent));

        assert_eq!(m.minutes_state(date(2026, 12, 9)), None, "not held yet");
        assert_eq!(m.minutes_state(date(2026, 12, 12)), Some(DeadlineState::DueSoon));
        assert_eq!(m.minutes_state(date(2026, 12, 13)), Some(DeadlineState::Overdue));
        assert_eq!(m.mark_minutes_sent(date(2026, 12, 9)), Err(TeamError::MinutesBeforeMeeting));
        m.mark_minutes_sent(date(2026, 12, 14)).unwrap();
        assert_eq!(m.minutes_state(date(2026, 12, 20)), Some(DeadlineState::MetLate));
    }

    #[test]
    fn warnings_on_chosen_days() {
        let mut team = meeting(TeamKind::ResourceTeam);
        let child = Case { individual_plan: Some(plan()), ..consented(1) };
        team.add_case(&child, false, today()).unwrap();
        let mut cooperation = TeamMeeting { date: date(2026, 10, 1), ..meeting(TeamKind::Cooperation) };
        cooperation.add_case(&child, false, date(2026, 10, 1)).unwrap();
        cooperation.mark_minutes_sent(date(2026, 10, 2)).unwrap();
        let meetings = [team.clone(), cooperation.clone()];
        let cases = [child.clone()];
        let on = |y, m, d| warnings(&meetings, &cases, date(y, m, d), 7);

        let early = on(2026, 11, 23);
        assert!(early.contains(&TeamWarning::NoNextCooperation { case_id: child.id, last: date(2026, 10, 1) }));
        // No ansvarsgruppe yet: four months from the IP's start, 15.12, due soon from 08.12.
        assert!(!early.iter().any(|w| matches!(w, TeamWarning::GroupDue { .. })));
        assert!(!early.iter().any(|w| matches!(w, TeamWarning::AgendaDue { .. })));
        let week = on(2026, 12, 8);
        assert!(week.contains(&TeamWarning::GroupDue {
            case_id: child.id,
            due: date(2026, 12, 15),
            state: DeadlineState::DueSoon
        }));
        assert!(week.iter().any(|w| matches!(w, TeamWarning::AgendaDue { state: FormState::Overdue, .. })));
        let after = on(2026, 12, 13);
        assert!(after.contains(&TeamWarning::MinutesLate {
            meeting: team.id,
            kind: TeamKind::ResourceTeam,
            date: team.date
        }));
        assert!(on(2027, 1, 5).contains(&TeamWarning::RevisionNear { case_id: child.id, on: date(2027, 2, 1) }));
        assert!(!on(2026, 12, 31).iter().any(|w| matches!(w, TeamWarning::RevisionNear { .. })), "32 days before");

        // A next date set, and a group planned, leave nothing to point out about them.
        let minutes = ItemMinutes { next_meeting: Some(date(2027, 1, 10)), ..ItemMinutes::default() };
        cooperation.set_minutes(child.id, minutes, today()).unwrap();
        let mut group = TeamMeeting { date: date(2027, 1, 12), ..meeting(TeamKind::ResponsibilityGroup) };
        group.add_case(&child, false, today()).unwrap();
        let calm = warnings(&[cooperation, group], &cases, date(2026, 12, 20), 7);
        assert!(calm.is_empty(), "{calm:?}");
    }

    #[test]
    fn a_closed_case_is_not_pointed_out() {
        let mut cooperation = TeamMeeting { date: date(2026, 10, 1), ..meeting(TeamKind::Cooperation) };
        let mut child = Case { individual_plan: Some(plan()), ..consented(1) };
        cooperation.add_case(&child, false, date(2026, 10, 1)).unwrap();
        cooperation.mark_minutes_sent(date(2026, 10, 1)).unwrap();
        child.closure = Some(Closure { date: date(2026, 11, 1), reason: "Flyttet".into() });
        assert!(warnings(&[cooperation], &[child], date(2027, 1, 20), 7).is_empty());
    }

    #[test]
    fn a_school_year_is_planned_every_four_weeks_or_on_the_same_weekday_of_each_month() {
        let weekly = series(date(2026, 8, 17), Weekday::Tue, Interval::Weeks(4), date(2026, 12, 31)).unwrap();
        assert_eq!(weekly[..3], [date(2026, 8, 18), date(2026, 9, 15), date(2026, 10, 13)]);
        assert_eq!(weekly.last(), Some(&date(2026, 12, 8)));
        // The 3rd Tuesday of August 2026 is the 18th: the 3rd Tuesday of each month.
        let monthly = series(date(2026, 8, 17), Weekday::Tue, Interval::Monthly, date(2027, 6, 20)).unwrap();
        assert_eq!(monthly[..4], [date(2026, 8, 18), date(2026, 9, 15), date(2026, 10, 20), date(2026, 11, 17)]);
        assert_eq!(monthly.len(), 11);
        let fifth = series(date(2026, 9, 29), Weekday::Tue, Interval::Monthly, date(2026, 11, 30)).unwrap();
        assert_eq!(fifth, [date(2026, 9, 29), date(2026, 10, 27), date(2026, 11, 24)], "a 5th weekday: the last");
        assert_eq!(
            series(date(2026, 9, 1), Weekday::Mon, Interval::Weeks(0), date(2027, 1, 1)),
            Err(TeamError::BadSeries)
        );
        assert_eq!(
            series(date(2026, 9, 1), Weekday::Mon, Interval::Weeks(1), date(2026, 8, 1)),
            Err(TeamError::BadSeries)
        );
        assert_eq!(
            series(date(2026, 9, 1), Weekday::Mon, Interval::Weeks(1), date(2030, 1, 1)),
            Err(TeamError::BadSeries)
        );
    }

    proptest! {
        #[test]
        fn a_series_keeps_its_weekday_and_order_and_stays_in_its_span(
            offset in 0u64..400,
            weekday in 0u8..5,
            weeks in proptest::option::of(1u32..9),
            span in 1u64..330,
        ) {
            let from = add_days(date(2026, 1, 1), offset);
            let until = add_days(from, span);
            let weekday = Weekday::try_from(weekday).unwrap();
            let interval = weeks.map_or(Interval::Monthly, Interval::Weeks);
            let days = series(from, weekday, interval, until).unwrap();
            prop_assert!(days.iter().all(|d| d.weekday() == weekday && (from..=until).contains(d)));
            prop_assert!(days.windows(2).all(|w| w[0] < w[1]));
            if let Some(first) = days.first() {
                prop_assert!(*first < add_days(from, 7), "the first is the weekday's first from the start");
            }
            if matches!(interval, Interval::Monthly) {
                prop_assert!(days.windows(2).all(|w| w[0].month() != w[1].month()), "one a month");
            }
        }
    }
}
