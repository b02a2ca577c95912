//! The drøftingsmøte: a meeting between the school and PPT in the concern phase
//! (seed 000). Cases go on its agenda in time slots of at most 30 minutes; the form
//! goes to PPT a week before, and never names a pupil.

use super::codes::coded;
use chrono::{Days, NaiveDate, NaiveTime, TimeDelta};
use serde::Serialize;
use uuid::Uuid;

use super::case::Case;

/// The longest a case may be discussed.
pub const MAX_SLOT_MINUTES: u32 = 30;
/// The form reaches PPT this many days before the meeting.
pub const FORM_DAYS_BEFORE: u64 = 7;
/// The start screen warns about an unsent form from this many days before.
pub const FORM_WARNING_DAYS: u64 = 8;
/// The points the school prepares for each case (seed 000); kept, never sent.
pub const PREPARATION_POINTS: usize = 13;

/// The kind of difficulty the form asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Difficulty {
    Academic,
    SocialBehaviour,
    Other,
}

coded!(Difficulty in "difficulty" {
    Academic => "academic",
    SocialBehaviour => "social_behaviour",
    Other => "other",
});

/// One case on the agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgendaItem {
    pub case_id: Uuid,
    pub starts_at: NaiveTime,
    pub minutes: u32,
    pub difficulty: Difficulty,
    /// The school's preparation, point by point (see `PREPARATION_POINTS`).
    pub preparation: Vec<String>,
    /// After the meeting: the advice given, and the next step.
    pub advice: String,
    pub next_step: String,
}

impl AgendaItem {
    pub fn ends_at(&self) -> NaiveTime {
        self.starts_at + TimeDelta::minutes(i64::from(self.minutes))
    }

    pub fn is_discussed(&self) -> bool {
        !self.advice.trim().is_empty() || !self.next_step.trim().is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiscussionMeeting {
    pub id: Uuid,
    pub date: NaiveDate,
    pub starts_at: NaiveTime,
    pub school: String,
    /// The school's contact person at PPT, who gets the form.
    pub ppt_contact: String,
    /// Someone from the school's leadership should attend.
    pub leader_attends: bool,
    pub form_sent_on: Option<NaiveDate>,
    pub items: Vec<AgendaItem>,
}

/// Where the form to PPT stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormState {
    /// More than 8 days before the meeting: nothing to do yet.
    NotYet,
    /// From 8 days before until a week before: send it now.
    DueSoon,
    /// Less than a week before the meeting and not sent.
    Overdue,
    Sent,
    /// The meeting is over.
    Past,
}

coded!(FormState in "form_state" {
    NotYet => "not_yet",
    DueSoon => "due_soon",
    Overdue => "overdue",
    Sent => "sent",
    Past => "past",
});

/// Why a change to a discussion meeting was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
// English fallback for logs; users see the catalogue's wording.
#[error("discussion meeting change refused: {self:?}")]
pub enum DiscussionError {
    Required(&'static str),
    /// A slot longer than 30 minutes (or of none).
    SlotLength {
        minutes: u32,
    },
    /// The slot overlaps the slot of another case.
    SlotOverlaps {
        other: NaiveTime,
    },
    /// Past midnight.
    SlotPastMidnight,
    /// A day before 1990 or more than ten years ahead.
    ImplausibleDate {
        date: NaiveDate,
    },
    /// A control character, or a line break in a field of one line.
    Text(super::TextError),
    AlreadyOnAgenda,
    NotOnAgenda,
    /// The form is per school: a case of another school goes to its own meeting.
    OtherSchool {
        school: String,
    },
    /// A closed case is not brought to PPT.
    CaseClosed,
    /// A form cannot be sent after the meeting it is for.
    SentAfterMeeting,
}

/// Where a paper due a week before a meeting on `date` stands: the form to PPT,
/// a team meeting's agenda.
pub fn sent_ahead_state(date: NaiveDate, sent_on: Option<NaiveDate>, today: NaiveDate) -> FormState {
    if sent_on.is_some() {
        FormState::Sent
    } else if today > date {
        FormState::Past
    } else if today > date - Days::new(FORM_DAYS_BEFORE) {
        FormState::Overdue
    } else if today >= date - Days::new(FORM_WARNING_DAYS) {
        FormState::DueSoon
    } else {
        FormState::NotYet
    }
}

impl DiscussionMeeting {
    pub fn new(
        id: Uuid,
        date: NaiveDate,
        starts_at: NaiveTime,
        school: &str,
        ppt_contact: &str,
        leader_attends: bool,
        today: NaiveDate,
    ) -> Result<DiscussionMeeting, DiscussionError> {
        if school.trim().is_empty() {
            return Err(DiscussionError::Required("school"));
        }
        if !super::dates::plausible(date, today) {
            return Err(DiscussionError::ImplausibleDate { date });
        }
        for line in [school, ppt_contact] {
            super::text::check_line(line).map_err(DiscussionError::Text)?;
        }
        Ok(DiscussionMeeting {
            id,
            date,
            starts_at,
            school: school.trim().to_string(),
            ppt_contact: ppt_contact.trim().to_string(),
            leader_attends,
            form_sent_on: None,
            items: Vec::new(),
        })
    }

    /// Whether the meeting is `school`'s, however its name is cased or spaced.
    pub fn is_for_school(&self, school: &str) -> bool {
        self.school.trim().to_lowercase() == school.trim().to_lowercase()
    }

    /// The last day the form should reach PPT.
    pub fn form_due(&self) -> NaiveDate {
        self.date - Days::new(FORM_DAYS_BEFORE)
    }

    pub fn form_state(&self, today: NaiveDate) -> FormState {
        sent_ahead_state(self.date, self.form_sent_on, today)
    }

    /// Where the next case's slot starts: right after the last one.
    pub fn next_slot(&self) -> NaiveTime {
        self.items.iter().map(AgendaItem::ends_at).max().unwrap_or(self.starts_at)
    }

    pub fn item(&self, case_id: Uuid) -> Option<&AgendaItem> {
        self.items.iter().find(|i| i.case_id == case_id)
    }

    /// The school and contact on one line; the preparation and outcome of each
    /// case on as many as needed.
    pub fn check_texts(&self) -> Result<(), DiscussionError> {
        use super::text::{check_line, check_text};
        let lines = [&self.school, &self.ppt_contact].into_iter().try_for_each(|t| check_line(t));
        let texts = self
            .items
            .iter()
            .flat_map(|i| i.preparation.iter().chain([&i.advice, &i.next_step]))
            .try_for_each(|t| check_text(t));
        lines.and(texts).map_err(DiscussionError::Text)
    }

    /// Puts `case` on the agenda at `starts_at` (or the next free slot) for
    /// `minutes`; the agenda stays in time order.
    pub fn add_case(
        &mut self,
        case: &Case,
        difficulty: Difficulty,
        starts_at: Option<NaiveTime>,
        minutes: u32,
    ) -> Result<(), DiscussionError> {
        if case.closure.is_some() {
            return Err(DiscussionError::CaseClosed);
        }
        if !self.is_for_school(&case.details.school) {
            return Err(DiscussionError::OtherSchool { school: case.details.school.clone() });
        }
        if self.item(case.id).is_some() {
            return Err(DiscussionError::AlreadyOnAgenda);
        }
        let item = AgendaItem {
            case_id: case.id,
            starts_at: starts_at.unwrap_or_else(|| self.next_slot()),
            minutes,
            difficulty,
            preparation: vec![String::new(); PREPARATION_POINTS],
            advice: String::new(),
            next_step: String::new(),
        };
        self.check_slot(&item)?;
        self.items.push(item);
        self.items.sort_by_key(|i| i.starts_at);
        Ok(())
    }

    /// A slot of 1 to 30 minutes, within the day, overlapping no other case's.
    pub fn check_slot(&self, item: &AgendaItem) -> Result<(), DiscussionError> {
        if item.minutes == 0 || item.minutes > MAX_SLOT_MINUTES {
            return Err(DiscussionError::SlotLength { minutes: item.minutes });
        }
        let (_, wrapped) = item.starts_at.overflowing_add_signed(TimeDelta::minutes(i64::from(item.minutes)));
        if wrapped != 0 {
            return Err(DiscussionError::SlotPastMidnight);
        }
        let others = self.items.iter().filter(|o| o.case_id != item.case_id);
        match others.into_iter().find(|o| item.starts_at < o.ends_at() && o.starts_at < item.ends_at()) {
            Some(other) => Err(DiscussionError::SlotOverlaps { other: other.starts_at }),
            None => Ok(()),
        }
    }

    pub fn remove_case(&mut self, case_id: Uuid) -> Result<(), DiscussionError> {
        let before = self.items.len();
        self.items.retain(|i| i.case_id != case_id);
        if self.items.len() == before { Err(DiscussionError::NotOnAgenda) } else { Ok(()) }
    }

    pub fn mark_form_sent(&mut self, on: NaiveDate) -> Result<(), DiscussionError> {
        if on > self.date {
            return Err(DiscussionError::SentAfterMeeting);
        }
        self.form_sent_on = Some(on);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::tests::{date, sample_case};
    use crate::domain::{CaseKind, Closure};
    use proptest::prelude::*;

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn meeting() -> DiscussionMeeting {
        DiscussionMeeting::new(
            Uuid::nil(),
            date(2026, 12, 10),
            time(9, 0),
            "Bjørkå skole",
            "Per PPT",
            true,
            date(2026, 11, 23),
        )
        .unwrap()
    }

    fn case(n: u128) -> Case {
        Case { id: Uuid::from_u128(n), ..sample_case() }
    }

    #[test]
    fn slots_follow_one_another_from_the_start() {
        let mut m = meeting();
        m.add_case(&case(1), Difficulty::Academic, None, 30).unwrap();
        m.add_case(&case(2), Difficulty::SocialBehaviour, None, 20).unwrap();
        assert_eq!(m.items[1].starts_at, time(9, 30));
        assert_eq!(m.next_slot(), time(9, 50));
    }

    #[test]
    fn a_slot_over_30_minutes_or_overlapping_is_refused() {
        let mut m = meeting();
        assert_eq!(m.add_case(&case(1), Difficulty::Other, None, 31), Err(DiscussionError::SlotLength { minutes: 31 }));
        assert_eq!(m.add_case(&case(1), Difficulty::Other, None, 0), Err(DiscussionError::SlotLength { minutes: 0 }));
        m.add_case(&case(1), Difficulty::Other, None, 30).unwrap();
        let overlapping = m.add_case(&case(2), Difficulty::Other, Some(time(9, 15)), 30);
        assert_eq!(overlapping, Err(DiscussionError::SlotOverlaps { other: time(9, 0) }));
        m.add_case(&case(2), Difficulty::Other, Some(time(8, 30)), 30).unwrap();
        assert_eq!(m.items[0].case_id, Uuid::from_u128(2), "kept in time order");
        assert_eq!(m.add_case(&case(2), Difficulty::Other, None, 10), Err(DiscussionError::AlreadyOnAgenda));
        let late = m.add_case(&case(3), Difficulty::Other, Some(time(23, 50)), 20);
        assert_eq!(late, Err(DiscussionError::SlotPastMidnight));
    }

    #[test]
    fn only_open_cases_of_the_meetings_school() {
        let mut m = meeting();
        let mut other = case(1);
        other.details.school = "Fjordtun skole".into();
        assert!(matches!(m.add_case(&other, Difficulty::Other, None, 10), Err(DiscussionError::OtherSchool { .. })));
        let mut same = case(2);
        same.details.school = "  BJØRKÅ SKOLE ".into();
        same.details.kind = CaseKind::System;
        same.details.gender = None;
        m.add_case(&same, Difficulty::Other, None, 10).unwrap();
        let mut closed = case(3);
        closed.closure = Some(Closure { date: date(2026, 11, 1), reason: "Flyttet".into() });
        assert_eq!(m.add_case(&closed, Difficulty::Other, None, 10), Err(DiscussionError::CaseClosed));
    }

    #[test]
    fn the_form_is_due_a_week_before_and_warned_about_from_8_days() {
        let mut m = meeting();
        assert_eq!(m.form_due(), date(2026, 12, 3));
        assert_eq!(m.form_state(date(2026, 12, 1)), FormState::NotYet);
        assert_eq!(m.form_state(date(2026, 12, 2)), FormState::DueSoon);
        assert_eq!(m.form_state(date(2026, 12, 3)), FormState::DueSoon);
        assert_eq!(m.form_state(date(2026, 12, 4)), FormState::Overdue);
        assert_eq!(m.form_state(date(2026, 12, 10)), FormState::Overdue);
        assert_eq!(m.form_state(date(2026, 12, 11)), FormState::Past);
        assert_eq!(m.mark_form_sent(date(2026, 12, 11)), Err(DiscussionError::SentAfterMeeting));
        m.mark_form_sent(date(2026, 12, 4)).unwrap();
        assert_eq!(m.form_state(date(2026, 12, 5)), FormState::Sent);
    }

    #[test]
    fn a_case_comes_off_the_agenda() {
        let mut m = meeting();
        m.add_case(&case(1), Difficulty::Academic, None, 30).unwrap();
        m.remove_case(Uuid::from_u128(1)).unwrap();
        assert_eq!(m.remove_case(Uuid::from_u128(1)), Err(DiscussionError::NotOnAgenda));
        assert_eq!(m.next_slot(), time(9, 0));
    }

    proptest! {
        #[test]
        fn slots_added_one_after_another_never_overlap(lengths in proptest::collection::vec(1u32..=30, 1..12)) {
            let mut m = meeting();
            for (n, minutes) in lengths.iter().enumerate() {
                m.add_case(&case(n as u128 + 1), Difficulty::Other, None, *minutes).unwrap();
            }
            for pair in m.items.windows(2) {
                prop_assert_eq!(pair[0].ends_at(), pair[1].starts_at);
            }
            let total: u32 = lengths.iter().sum();
            prop_assert_eq!(m.next_slot(), time(9, 0) + TimeDelta::minutes(i64::from(total)));
        }

        #[test]
        fn the_form_state_moves_forward_with_the_days(offset in -20i64..20) {
            let m = meeting();
            let today = m.date + TimeDelta::days(offset);
            let state = m.form_state(today);
            let expected = match offset {
                o if o > 0 => FormState::Past,
                o if o > -7 => FormState::Overdue,
                o if o >= -8 => FormState::DueSoon,
                _ => FormState::NotYet,
            };
            prop_assert_eq!(state, expected);
        }
    }
}
