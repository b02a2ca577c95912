//! The three deadlines of the process and their state on a given day.

use super::codes::coded;
use chrono::NaiveDate;

use super::case::{Case, Decision, MeetingNo};
use super::dates::{add_days, add_months};

/// Days before a deadline at which it counts as due soon, unless configured.
pub const DEFAULT_DUE_SOON_DAYS: u32 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineKind {
    /// Meeting 2 at the latest 1 calendar month after meeting 1.
    Meeting2,
    /// Meeting 3 at the latest 2 calendar months after meeting 2.
    Meeting3,
    /// Referral sent at the latest 14 days after a meeting 3 that decided referral.
    Referral,
}

coded!(DeadlineKind in "deadline" {
    Meeting2 => "meeting2",
    Meeting3 => "meeting3",
    Referral => "referral",
});

/// Ordered from most to least urgent, so sorting by state puts overdue first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeadlineState {
    Overdue,
    DueSoon,
    Ok,
    MetLate,
    Met,
}

coded!(DeadlineState in "state" {
    Overdue => "overdue",
    DueSoon => "due_soon",
    Ok => "ok",
    MetLate => "met_late",
    Met => "met",
});

/// One deadline of one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub kind: DeadlineKind,
    pub due: NaiveDate,
    /// When the step it waits for was recorded.
    pub met_on: Option<NaiveDate>,
    /// A planned (not yet held) meeting that would meet it.
    pub planned: Option<NaiveDate>,
}

impl Deadline {
    pub fn state(&self, today: NaiveDate, due_soon_days: u32) -> DeadlineState {
        state_of(self.due, self.met_on, today, due_soon_days)
    }

    /// A planned meeting dated after the deadline will miss it.
    pub fn planned_too_late(&self) -> bool {
        self.met_on.is_none() && self.planned.is_some_and(|p| p > self.due)
    }
}

/// The state of a deadline due on `due`, met on `met_on` if at all.
pub fn state_of(due: NaiveDate, met_on: Option<NaiveDate>, today: NaiveDate, due_soon_days: u32) -> DeadlineState {
    match met_on {
        Some(met) if met <= due => DeadlineState::Met,
        Some(_) => DeadlineState::MetLate,
        None if today > due => DeadlineState::Overdue,
        None if due <= add_days(today, u64::from(due_soon_days)) => DeadlineState::DueSoon,
        None => DeadlineState::Ok,
    }
}

impl Case {
    /// Every deadline the case has started, in process order. A closed case keeps
    /// the deadlines it met; the ones left open no longer apply.
    pub fn deadlines(&self) -> Vec<Deadline> {
        let [m1, m2, m3] = MeetingNo::ALL;
        let mut out = Vec::with_capacity(3);
        if let Some(held1) = self.held(m1) {
            out.push(Deadline {
                kind: DeadlineKind::Meeting2,
                due: add_months(held1, 1),
                met_on: self.held(m2),
                planned: self.planned(m2),
            });
        }
        if let Some(held2) = self.held(m2) {
            out.push(Deadline {
                kind: DeadlineKind::Meeting3,
                due: add_months(held2, 2),
                met_on: self.held(m3),
                planned: self.planned(m3),
            });
        }
        if let (Some(held3), Some((Decision::Refer, _))) = (self.held(m3), self.decision) {
            out.push(Deadline {
                kind: DeadlineKind::Referral,
                due: add_days(held3, 14),
                met_on: self.referral_sent,
                planned: None,
            });
        }
        if self.closure.is_some() {
            out.retain(|d| d.met_on.is_some());
        }
        out
    }

    /// The deadline the case is waiting on, if any (at most one is open at a time).
    pub fn open_deadline(&self) -> Option<Deadline> {
        self.deadlines().into_iter().find(|d| d.met_on.is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::tests::{date, sample_case};
    use crate::domain::case::{Closure, Meeting};
    use proptest::prelude::*;

    fn held(date: NaiveDate) -> Option<Meeting> {
        Some(Meeting { date, held: true })
    }

    #[test]
    fn no_deadline_before_meeting_1_is_held() {
        let mut case = sample_case();
        assert!(case.deadlines().is_empty());
        case.meetings[0] = Some(Meeting { date: date(2026, 9, 10), held: false });
        assert!(case.deadlines().is_empty());
        assert!(case.open_deadline().is_none());
    }

    #[test]
    fn meeting_2_is_due_one_calendar_month_after_meeting_1() {
        let mut case = sample_case();
        case.meetings[0] = held(date(2026, 1, 31));
        let d = case.open_deadline().unwrap();
        assert_eq!(d.kind, DeadlineKind::Meeting2);
        assert_eq!(d.due, date(2026, 2, 28));
    }

    #[test]
    fn meeting_3_is_due_two_months_after_meeting_2_and_referral_14_days_after_meeting_3() {
        let mut case = sample_case();
        case.meetings = [held(date(2026, 9, 1)), held(date(2026, 9, 30)), None];
        let d = case.open_deadline().unwrap();
        assert_eq!((d.kind, d.due), (DeadlineKind::Meeting3, date(2026, 11, 30)));

        case.meetings[2] = held(date(2026, 12, 20));
        assert!(case.open_deadline().is_none(), "no decision yet: nothing due");
        case.decision = Some((Decision::Continue, date(2026, 12, 20)));
        assert!(case.open_deadline().is_none(), "continuing measures starts no deadline");
        case.decision = Some((Decision::Refer, date(2026, 12, 20)));
        let d = case.open_deadline().unwrap();
        assert_eq!((d.kind, d.due), (DeadlineKind::Referral, date(2027, 1, 3)));
        let all: Vec<_> = case.deadlines().iter().map(|d| d.kind).collect();
        assert_eq!(all, [DeadlineKind::Meeting2, DeadlineKind::Meeting3, DeadlineKind::Referral]);
    }

    #[test]
    fn states_on_either_side_of_the_deadline() {
        let due = date(2026, 12, 10);
        let soon = DEFAULT_DUE_SOON_DAYS;
        assert_eq!(state_of(due, None, date(2026, 12, 2), soon), DeadlineState::Ok);
        assert_eq!(state_of(due, None, date(2026, 12, 3), soon), DeadlineState::DueSoon);
        assert_eq!(state_of(due, None, due, soon), DeadlineState::DueSoon);
        assert_eq!(state_of(due, None, date(2026, 12, 11), soon), DeadlineState::Overdue);
        assert_eq!(state_of(due, Some(due), date(2027, 1, 1), soon), DeadlineState::Met);
        assert_eq!(state_of(due, Some(date(2026, 12, 11)), date(2027, 1, 1), soon), DeadlineState::MetLate);
        assert_eq!(state_of(due, None, date(2026, 12, 9), 0), DeadlineState::Ok);
        assert_eq!(state_of(due, None, due, 0), DeadlineState::DueSoon);
    }

    #[test]
    fn a_planned_meeting_after_the_deadline_is_flagged() {
        let mut case = sample_case();
        case.meetings[0] = held(date(2026, 10, 1));
        case.meetings[1] = Some(Meeting { date: date(2026, 11, 1), held: false });
        assert!(!case.open_deadline().unwrap().planned_too_late());
        case.meetings[1] = Some(Meeting { date: date(2026, 11, 2), held: false });
        assert!(case.open_deadline().unwrap().planned_too_late());
    }

    #[test]
    fn a_closed_case_keeps_only_met_deadlines() {
        let mut case = sample_case();
        case.meetings = [held(date(2026, 9, 1)), held(date(2026, 10, 15)), None];
        case.closure = Some(Closure { date: date(2026, 11, 1), reason: "flyttet".into() });
        let deadlines = case.deadlines();
        assert_eq!(deadlines.len(), 1);
        assert_eq!(deadlines[0].state(date(2027, 1, 1), 7), DeadlineState::MetLate);
        assert!(case.open_deadline().is_none());
    }

    proptest! {
        #[test]
        fn state_is_consistent_with_the_calendar(
            due_offset in -400i64..400, met_offset in proptest::option::of(-60i64..60), soon in 0u32..30
        ) {
            let today = date(2026, 11, 23);
            let due = today + chrono::Duration::days(due_offset);
            let met = met_offset.map(|o| due + chrono::Duration::days(o));
            let state = state_of(due, met, today, soon);
            match met {
                Some(m) => prop_assert_eq!(state, if m <= due { DeadlineState::Met } else { DeadlineState::MetLate }),
                None if due_offset < 0 => prop_assert_eq!(state, DeadlineState::Overdue),
                None if due_offset <= i64::from(soon) => prop_assert_eq!(state, DeadlineState::DueSoon),
                None => prop_assert_eq!(state, DeadlineState::Ok),
            }
        }
    }
}
