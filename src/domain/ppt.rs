//! The PPT adviser's track of a case after the referral: from the referral
//! received to the decision, dates and states only. The expert assessment's
//! text stays in PPT's own case system; saksgang never holds it.
//!
//! Each step is dated and checked against the steps before it; four deadlines
//! run from them (a preliminary reply, the start-up meeting, the assessment and
//! the revision), in the same states as the school's.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::codes::coded;
use super::consent::{ConsentGiver, age_on};
use super::dates::{add_days, add_months};
use super::deadline::{DeadlineState, state_of};
use super::text::{TextError, check_line, check_text};

/// The track as recorded, step by step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PptTrack {
    /// The day PPT registered the referral: it starts the clocks.
    pub received: NaiveDate,
    pub consent: Option<AssessmentConsent>,
    pub assigned: Option<Assignment>,
    pub startup: Option<StartupMeeting>,
    pub preliminary_reply: Option<PreliminaryReply>,
    pub assessment: Option<Assessment>,
    pub decision: Option<PptDecision>,
    pub complaint: Option<Complaint>,
    /// The day a reassessment before the decision's end was taken up.
    pub revised_on: Option<NaiveDate>,
    pub state: TrackState,
}

/// Consent to the expert assessment (sakkyndig vurdering).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentConsent {
    pub given_on: NaiveDate,
    pub by: ConsentGiver,
}

/// The adviser who holds the case at PPT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub adviser: String,
    pub on: NaiveDate,
}

/// The start-up meeting (oppstartsmøte) with the school and the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartupMeeting {
    pub date: NaiveDate,
    pub held: bool,
}

/// The family told why no decision came within a month, and when to expect
/// one (forvaltningsloven § 11 a).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreliminaryReply {
    pub sent_on: NaiveDate,
    pub reason: String,
    pub expected_by: NaiveDate,
}

/// The expert assessment finished, with its recommendation in one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub done_on: NaiveDate,
    pub hours_per_year: Option<u32>,
    pub assistant: bool,
    /// How the teaching is organised, in one line.
    pub organisation: String,
}

/// The decision (enkeltvedtak) of the school or municipality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PptDecision {
    pub on: NaiveDate,
    pub outcome: DecisionOutcome,
    /// Why the decision departs from the assessment, when it does.
    pub departure: Option<String>,
    pub valid_until: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionOutcome {
    Granted,
    PartlyGranted,
    /// A refusal is a decision too: the family can complain.
    Refused,
}

coded!(DecisionOutcome in "ppt_outcome" {
    Granted => "granted",
    PartlyGranted => "partly_granted",
    Refused => "refused",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    pub received_on: NaiveDate,
    pub outcome: Option<(ComplaintOutcome, NaiveDate)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintOutcome {
    Upheld,
    PartlyUpheld,
    Rejected,
}

coded!(ComplaintOutcome in "complaint_outcome" {
    Upheld => "upheld",
    PartlyUpheld => "partly_upheld",
    Rejected => "rejected",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrackState {
    Waiting,
    Active,
    /// An adviser still holds it, but nothing is happening.
    Dormant,
    Closed,
}

coded!(TrackState in "ppt_state" {
    Waiting => "waiting",
    Active => "active",
    Dormant => "dormant",
    Closed => "closed",
});

/// One step recorded on the track.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PptStep {
    Consent(AssessmentConsent),
    Assign(Assignment),
    Startup(StartupMeeting),
    PreliminaryReply(PreliminaryReply),
    Assessed(Assessment),
    Decision(PptDecision),
    Complaint(Complaint),
    Revised(NaiveDate),
    State(TrackState),
}

impl PptStep {
    /// The days the step records.
    pub fn dates(&self) -> Vec<NaiveDate> {
        match self {
            PptStep::Consent(c) => vec![c.given_on],
            PptStep::Assign(a) => vec![a.on],
            PptStep::Startup(m) => vec![m.date],
            PptStep::PreliminaryReply(r) => vec![r.sent_on, r.expected_by],
            PptStep::Assessed(a) => vec![a.done_on],
            PptStep::Decision(d) => [Some(d.on), d.valid_until].into_iter().flatten().collect(),
            PptStep::Complaint(c) => [Some(c.received_on), c.outcome.map(|(_, on)| on)].into_iter().flatten().collect(),
            PptStep::Revised(on) => vec![*on],
            PptStep::State(_) => Vec::new(),
        }
    }

    /// The step's name in the log and on the command line.
    pub fn code(&self) -> &'static str {
        match self {
            PptStep::Consent(_) => "consent",
            PptStep::Assign(_) => "assign",
            PptStep::Startup(_) => "startup",
            PptStep::PreliminaryReply(_) => "preliminary_reply",
            PptStep::Assessed(_) => "assessed",
            PptStep::Decision(_) => "decision",
            PptStep::Complaint(_) => "complaint",
            PptStep::Revised(_) => "revision",
            PptStep::State(_) => "state",
        }
    }
}

/// What the rules need to know of the case around the track.
#[derive(Debug, Clone, Copy)]
pub struct TrackContext {
    pub today: NaiveDate,
    /// The pupil's birth date, where the case holds it (for the pupil's own consent).
    pub pupil_born: Option<NaiveDate>,
    pub consent_age: u32,
}

/// Why a step cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PptError {
    /// The track starts when the school has sent its referral.
    NotReferred,
    /// A step comes after PPT has received the referral.
    NotReceived,
    AlreadyReceived,
    /// The referral cannot be received before it was sent.
    ReceivedBeforeSent {
        received: NaiveDate,
        sent: NaiveDate,
    },
    /// A date after today for something done.
    InFuture {
        date: NaiveDate,
    },
    /// A date before the step it follows.
    BeforeStep {
        date: NaiveDate,
        step: NaiveDate,
    },
    /// A date after a step recorded since, which it must come before.
    AfterLaterStep {
        date: NaiveDate,
        later: NaiveDate,
    },
    /// The assessment starts (the start-up meeting held, the assessment done)
    /// only with consent given on or before that day.
    NoConsent,
    /// The pupil consents from the consent age, known from the birth date.
    PupilTooYoung {
        consent_age: u32,
    },
    PupilBirthDateNeeded,
    NotAssigned,
    NoAdviser,
    /// A decision comes after the assessment.
    NotAssessed,
    NotDecided,
    /// A decision that departs from the assessment gives its reasons.
    DepartureWithoutReason,
    NoReason,
    /// A day that must come after another (expected by, valid until) does not.
    NotAfter {
        date: NaiveDate,
        after: NaiveDate,
    },
    /// A start-up meeting planned for a day already past.
    PlannedInPast {
        date: NaiveDate,
    },
    TooManyHours {
        hours: u32,
    },
    /// A closed track changes nothing until it is opened again (a new state).
    Closed,
    Text(TextError),
}

impl From<TextError> for PptError {
    fn from(error: TextError) -> PptError {
        PptError::Text(error)
    }
}

/// More hours a year than any timetable holds.
pub const MAX_HOURS_PER_YEAR: u32 = 2000;

impl PptTrack {
    /// The track started the day PPT received the referral sent on `sent`.
    pub fn received(sent: Option<NaiveDate>, received: NaiveDate, today: NaiveDate) -> Result<PptTrack, PptError> {
        let sent = sent.ok_or(PptError::NotReferred)?;
        if received > today {
            return Err(PptError::InFuture { date: received });
        }
        if received < sent {
            return Err(PptError::ReceivedBeforeSent { received, sent });
        }
        Ok(PptTrack {
            received,
            consent: None,
            assigned: None,
            startup: None,
            preliminary_reply: None,
            assessment: None,
            decision: None,
            complaint: None,
            revised_on: None,
            state: TrackState::Waiting,
        })
    }

    /// The track with `step` recorded, or why it cannot be.
    pub fn apply(&self, step: &PptStep, context: &TrackContext) -> Result<PptTrack, PptError> {
        if self.state == TrackState::Closed && !matches!(step, PptStep::State(s) if *s != TrackState::Closed) {
            return Err(PptError::Closed);
        }
        let done = |date: NaiveDate, step: NaiveDate| -> Result<(), PptError> {
            if date > context.today {
                Err(PptError::InFuture { date })
            } else if date < step {
                Err(PptError::BeforeStep { date, step })
            } else {
                Ok(())
            }
        };
        let mut next = self.clone();
        match step {
            PptStep::Consent(consent) => {
                done(consent.given_on, self.received)?;
                if consent.by == ConsentGiver::Pupil {
                    let born = context.pupil_born.ok_or(PptError::PupilBirthDateNeeded)?;
                    if age_on(born, consent.given_on) < context.consent_age {
                        return Err(PptError::PupilTooYoung { consent_age: context.consent_age });
                    }
                }
                // The assessment, once started, started under this consent.
                self.not_after(
                    consent.given_on,
                    [self.startup.filter(|m| m.held).map(|m| m.date), self.assessment.as_ref().map(|a| a.done_on)],
                )?;
                next.consent = Some(*consent);
            }
            PptStep::Assign(assignment) => {
                check_line(&assignment.adviser)?;
                if assignment.adviser.trim().is_empty() {
                    return Err(PptError::NoAdviser);
                }
                done(assignment.on, self.received)?;
                next.assigned = Some(assignment.clone());
                if next.state == TrackState::Waiting {
                    next.state = TrackState::Active;
                }
            }
            PptStep::Startup(meeting) => {
                let assigned = self.assigned.as_ref().ok_or(PptError::NotAssigned)?;
                if meeting.held {
                    done(meeting.date, assigned.on)?;
                    self.consented_by(meeting.date)?;
                } else if meeting.date < context.today {
                    return Err(PptError::PlannedInPast { date: meeting.date });
                } else if meeting.date < assigned.on {
                    return Err(PptError::BeforeStep { date: meeting.date, step: assigned.on });
                }
                next.startup = Some(*meeting);
            }
            PptStep::PreliminaryReply(reply) => {
                check_text(&reply.reason)?;
                if reply.reason.trim().is_empty() {
                    return Err(PptError::NoReason);
                }
                done(reply.sent_on, self.received)?;
                if reply.expected_by <= reply.sent_on {
                    return Err(PptError::NotAfter { date: reply.expected_by, after: reply.sent_on });
                }
                next.preliminary_reply = Some(reply.clone());
            }
            PptStep::Assessed(assessment) => {
                check_line(&assessment.organisation)?;
                if let Some(hours) = assessment.hours_per_year.filter(|h| *h > MAX_HOURS_PER_YEAR) {
                    return Err(PptError::TooManyHours { hours });
                }
                done(assessment.done_on, self.received)?;
                self.consented_by(assessment.done_on)?;
                self.not_after(assessment.done_on, [self.decision.as_ref().map(|d| d.on)])?;
                next.assessment = Some(assessment.clone());
            }
            PptStep::Decision(decision) => {
                let assessed = self.assessment.as_ref().ok_or(PptError::NotAssessed)?;
                done(decision.on, assessed.done_on)?;
                match &decision.departure {
                    Some(reason) if reason.trim().is_empty() => return Err(PptError::DepartureWithoutReason),
                    Some(reason) => check_text(reason)?,
                    None => {}
                }
                if let Some(until) = decision.valid_until.filter(|u| *u <= decision.on) {
                    return Err(PptError::NotAfter { date: until, after: decision.on });
                }
                self.not_after(decision.on, [self.complaint.map(|c| c.received_on), self.revised_on])?;
                next.decision = Some(decision.clone());
            }
            PptStep::Complaint(complaint) => {
                let decided = self.decision.as_ref().ok_or(PptError::NotDecided)?;
                done(complaint.received_on, decided.on)?;
                if let Some((_, on)) = complaint.outcome {
                    done(on, complaint.received_on)?;
                }
                next.complaint = Some(*complaint);
            }
            PptStep::Revised(on) => {
                let decided = self.decision.as_ref().ok_or(PptError::NotDecided)?;
                done(*on, decided.on)?;
                next.revised_on = Some(*on);
            }
            PptStep::State(state) => next.state = *state,
        }
        Ok(next)
    }

    /// The whole track as the rules let it be recorded step by step, for a track
    /// that comes in from outside (a kit): it is recorded again from the day it
    /// was received, in the order its steps follow each other. A start-up
    /// meeting planned is held only to come after the assignment (the day it
    /// was planned for may have passed since).
    pub fn check_whole(&self, sent: Option<NaiveDate>, context: &TrackContext) -> Result<(), PptError> {
        let mut track = PptTrack::received(sent, self.received, context.today)?;
        let held = |step: &PptStep| !matches!(step, PptStep::Startup(m) if !m.held);
        for step in self.steps().iter().filter(|s| held(s)) {
            track = track.apply(step, context)?;
        }
        if let Some(planned) = self.startup.filter(|m| !m.held) {
            let assigned = self.assigned.as_ref().ok_or(PptError::NotAssigned)?;
            if planned.date < assigned.on {
                return Err(PptError::BeforeStep { date: planned.date, step: assigned.on });
            }
        }
        Ok(())
    }

    /// Whether the steps follow each other as the rules let them be recorded,
    /// whatever the day: what a merge of two sides must keep.
    pub fn steps_in_order(&self, sent: Option<NaiveDate>) -> bool {
        let any_day = TrackContext {
            today: NaiveDate::MAX,
            // The pupil's age is judged where the track is read in, not here.
            pupil_born: NaiveDate::from_ymd_opt(1900, 1, 1),
            consent_age: 0,
        };
        self.check_whole(sent, &any_day).is_ok()
    }

    /// The steps recorded, in the order they follow each other.
    fn steps(&self) -> Vec<PptStep> {
        [
            self.consent.map(PptStep::Consent),
            self.assigned.clone().map(PptStep::Assign),
            self.startup.map(PptStep::Startup),
            self.preliminary_reply.clone().map(PptStep::PreliminaryReply),
            self.assessment.clone().map(PptStep::Assessed),
            self.decision.clone().map(PptStep::Decision),
            self.complaint.map(PptStep::Complaint),
            self.revised_on.map(PptStep::Revised),
            Some(PptStep::State(self.state)),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// Every day the track records.
    pub fn days(&self) -> Vec<NaiveDate> {
        std::iter::once(self.received).chain(self.steps().iter().flat_map(PptStep::dates)).collect()
    }

    /// `date` may not fall after any of the steps recorded since.
    fn not_after<const N: usize>(&self, date: NaiveDate, later: [Option<NaiveDate>; N]) -> Result<(), PptError> {
        match later.into_iter().flatten().filter(|l| *l < date).min() {
            Some(later) => Err(PptError::AfterLaterStep { date, later }),
            None => Ok(()),
        }
    }

    fn consented_by(&self, day: NaiveDate) -> Result<(), PptError> {
        match self.consent {
            Some(consent) if consent.given_on <= day => Ok(()),
            _ => Err(PptError::NoConsent),
        }
    }

    /// Days on the waiting list: from received to assigned, or to `today` while
    /// no adviser holds the case.
    pub fn days_waiting(&self, today: NaiveDate) -> i64 {
        let until = self.assigned.as_ref().map_or(today, |a| a.on);
        (until - self.received).num_days().max(0)
    }

    /// The family has waited more than two months for an adviser (until the
    /// adviser was assigned, or until `today`).
    pub fn waited_too_long(&self, today: NaiveDate) -> bool {
        waited_long(self.received, self.assigned.as_ref().map_or(today, |a| a.on))
    }

    /// The track's deadlines, in the order they start.
    pub fn deadlines(&self, periods: &PptPeriods) -> Vec<PptDeadline> {
        let mut deadlines = Vec::new();
        let reply_due = add_months(self.received, periods.preliminary_reply_months);
        // No reply is owed where the decision came within the month.
        let decided_in_time = self.decision.as_ref().is_some_and(|d| d.on <= reply_due);
        if !decided_in_time {
            let met_on = self.preliminary_reply.as_ref().map(|r| r.sent_on);
            deadlines.push(PptDeadline { kind: PptDeadlineKind::PreliminaryReply, due: reply_due, met_on });
        }
        if let Some(assigned) = &self.assigned {
            let met_on = self.startup.filter(|m| m.held).map(|m| m.date);
            let due = add_days(assigned.on, u64::from(periods.startup_days));
            deadlines.push(PptDeadline { kind: PptDeadlineKind::StartupMeeting, due, met_on });
        }
        let met_on = self.assessment.as_ref().map(|a| a.done_on);
        let due = add_months(self.received, periods.assessment_months);
        deadlines.push(PptDeadline { kind: PptDeadlineKind::Assessment, due, met_on });
        if let Some(until) = self.decision.as_ref().and_then(|d| d.valid_until) {
            let due = until.checked_sub_months(Months::new(periods.revision_months_before)).unwrap_or(until);
            deadlines.push(PptDeadline { kind: PptDeadlineKind::Revision, due, met_on: self.revised_on });
        }
        // A closed track keeps only the deadlines it met.
        if self.state == TrackState::Closed {
            deadlines.retain(|d| d.met_on.is_some());
        }
        deadlines
    }

    /// The deadline not yet met that falls first: what the adviser's start
    /// screen sorts by.
    pub fn next_deadline(&self, periods: &PptPeriods) -> Option<PptDeadline> {
        self.deadlines(periods).into_iter().filter(|d| d.met_on.is_none()).min_by_key(|d| d.due)
    }
}

/// A family waiting this many months for an adviser has waited too long: the
/// adviser's start screen marks it.
pub const LONG_WAIT_MONTHS: u32 = 2;

/// Whether a referral received on `received` and still without an adviser on
/// `day` (or assigned then) has waited too long.
pub fn waited_long(received: NaiveDate, day: NaiveDate) -> bool {
    add_months(received, LONG_WAIT_MONTHS) <= day
}

/// The last day a referral can have been received on and have waited too long
/// by `today`: what the database compares its days with.
pub fn long_wait_received_by(today: NaiveDate) -> NaiveDate {
    // Two months back, clamped to a month's end, then on while the later days
    // still count (from 31 December, two months reach 28 February too).
    let mut day = today.checked_sub_months(Months::new(LONG_WAIT_MONTHS)).unwrap_or(NaiveDate::MIN);
    while let Some(next) = day.succ_opt().filter(|next| waited_long(*next, today)) {
        day = next;
    }
    day
}

/// The periods the track's deadlines run for: settings (`ppt_*`), with these
/// defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PptPeriods {
    pub preliminary_reply_months: u32,
    pub startup_days: u32,
    pub assessment_months: u32,
    pub revision_months_before: u32,
}

impl Default for PptPeriods {
    fn default() -> PptPeriods {
        PptPeriods { preliminary_reply_months: 1, startup_days: 14, assessment_months: 3, revision_months_before: 3 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PptDeadlineKind {
    /// The family told why and when, 1 month after the referral was received,
    /// unless the decision came first.
    PreliminaryReply,
    /// The start-up meeting held 14 days after the adviser was assigned.
    StartupMeeting,
    /// The assessment done 3 months after the referral was received.
    Assessment,
    /// Reassessment taken up 3 months before the decision's period ends.
    Revision,
}

coded!(PptDeadlineKind in "ppt_deadline" {
    PreliminaryReply => "preliminary_reply",
    StartupMeeting => "startup_meeting",
    Assessment => "assessment",
    Revision => "revision",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PptDeadline {
    pub kind: PptDeadlineKind,
    pub due: NaiveDate,
    pub met_on: Option<NaiveDate>,
}

impl PptDeadline {
    pub fn state(&self, today: NaiveDate, due_soon_days: u32) -> DeadlineState {
        state_of(self.due, self.met_on, today, due_soon_days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn context(today: NaiveDate) -> TrackContext {
        TrackContext { today, pupil_born: Some(day(2013, 5, 1)), consent_age: 15 }
    }

    fn received() -> PptTrack {
        PptTrack::received(Some(day(2026, 9, 1)), day(2026, 9, 3), day(2026, 12, 4)).unwrap()
    }

    fn consent(on: NaiveDate) -> PptStep {
        PptStep::Consent(AssessmentConsent { given_on: on, by: ConsentGiver::Guardians })
    }

    fn assessed(on: NaiveDate) -> PptStep {
        PptStep::Assessed(Assessment {
            done_on: on,
            hours_per_year: Some(76),
            assistant: false,
            organisation: "liten gruppe, 2 t/uke".into(),
        })
    }

    fn decided(on: NaiveDate, departure: Option<&str>, until: Option<NaiveDate>) -> PptStep {
        PptStep::Decision(PptDecision {
            on,
            outcome: DecisionOutcome::PartlyGranted,
            departure: departure.map(String::from),
            valid_until: until,
        })
    }

    /// The track walked from received to a decision valid for a year.
    fn decided_track() -> PptTrack {
        let c = context(day(2026, 12, 4));
        let steps = [
            consent(day(2026, 9, 10)),
            PptStep::Assign(Assignment { adviser: "Rådgiver Rønning".into(), on: day(2026, 9, 20) }),
            PptStep::Startup(StartupMeeting { date: day(2026, 9, 30), held: true }),
            assessed(day(2026, 11, 20)),
            decided(day(2026, 12, 1), None, Some(day(2027, 6, 30))),
        ];
        steps.iter().fold(received(), |track, step| track.apply(step, &c).unwrap())
    }

    #[test]
    fn the_track_starts_when_a_sent_referral_is_received() {
        let today = day(2026, 12, 4);
        assert_eq!(PptTrack::received(None, today, today), Err(PptError::NotReferred));
        let early = PptTrack::received(Some(day(2026, 9, 5)), day(2026, 9, 3), today);
        assert_eq!(early, Err(PptError::ReceivedBeforeSent { received: day(2026, 9, 3), sent: day(2026, 9, 5) }));
        let ahead = PptTrack::received(Some(day(2026, 9, 5)), day(2026, 12, 5), today);
        assert_eq!(ahead, Err(PptError::InFuture { date: day(2026, 12, 5) }));
        assert_eq!(received().state, TrackState::Waiting);
    }

    #[test]
    fn the_assessment_starts_only_with_consent_given_by_then() {
        let c = context(day(2026, 12, 4));
        let assigned =
            received().apply(&PptStep::Assign(Assignment { adviser: "Per".into(), on: day(2026, 9, 20) }), &c).unwrap();
        assert_eq!(assigned.state, TrackState::Active, "an assigned case is active");
        let held = PptStep::Startup(StartupMeeting { date: day(2026, 9, 30), held: true });
        assert_eq!(assigned.apply(&held, &c), Err(PptError::NoConsent));
        assert_eq!(assigned.apply(&assessed(day(2026, 11, 1)), &c), Err(PptError::NoConsent));
        let late_consent = assigned.apply(&consent(day(2026, 10, 5)), &c).unwrap();
        assert_eq!(late_consent.apply(&held, &c), Err(PptError::NoConsent), "consent given after the meeting");
        assert!(late_consent.apply(&assessed(day(2026, 11, 1)), &c).is_ok());
    }

    #[test]
    fn the_pupils_own_consent_needs_the_consent_age() {
        let c = context(day(2026, 12, 4));
        let by_pupil = PptStep::Consent(AssessmentConsent { given_on: day(2026, 10, 1), by: ConsentGiver::Pupil });
        assert_eq!(received().apply(&by_pupil, &c), Err(PptError::PupilTooYoung { consent_age: 15 }));
        let unknown = TrackContext { pupil_born: None, ..c };
        assert_eq!(received().apply(&by_pupil, &unknown), Err(PptError::PupilBirthDateNeeded));
        let older = TrackContext { pupil_born: Some(day(2010, 1, 1)), ..c };
        assert!(received().apply(&by_pupil, &older).is_ok());
    }

    #[test]
    fn a_decision_follows_the_assessment_and_a_departure_gives_its_reasons() {
        let c = context(day(2026, 12, 4));
        let consented = received().apply(&consent(day(2026, 9, 10)), &c).unwrap();
        assert_eq!(consented.apply(&decided(day(2026, 12, 1), None, None), &c), Err(PptError::NotAssessed));
        let assessed = consented.apply(&assessed(day(2026, 11, 20)), &c).unwrap();
        let before = decided(day(2026, 11, 19), None, None);
        assert_eq!(
            assessed.apply(&before, &c),
            Err(PptError::BeforeStep { date: day(2026, 11, 19), step: day(2026, 11, 20) })
        );
        let unexplained = decided(day(2026, 12, 1), Some("  "), None);
        assert_eq!(assessed.apply(&unexplained, &c), Err(PptError::DepartureWithoutReason));
        let explained = decided(day(2026, 12, 1), Some("Færre timer: skolen har et gruppetilbud"), None);
        assert!(assessed.apply(&explained, &c).is_ok());
        let ends_first = decided(day(2026, 12, 1), None, Some(day(2026, 12, 1)));
        assert_eq!(
            assessed.apply(&ends_first, &c),
            Err(PptError::NotAfter { date: day(2026, 12, 1), after: day(2026, 12, 1) })
        );
        let refused = PptStep::Decision(PptDecision {
            on: day(2026, 12, 1),
            outcome: DecisionOutcome::Refused,
            departure: None,
            valid_until: None,
        });
        assert!(assessed.apply(&refused, &c).is_ok(), "a refusal is a decision too");
    }

    #[test]
    fn complaints_and_revision_come_after_the_decision() {
        let c = context(day(2026, 12, 4));
        let complaint = PptStep::Complaint(Complaint { received_on: day(2026, 12, 3), outcome: None });
        assert_eq!(received().apply(&complaint, &c), Err(PptError::NotDecided));
        assert_eq!(received().apply(&PptStep::Revised(day(2026, 12, 3)), &c), Err(PptError::NotDecided));
        let track = decided_track().apply(&complaint, &c).unwrap();
        let ruled = PptStep::Complaint(Complaint {
            received_on: day(2026, 12, 3),
            outcome: Some((ComplaintOutcome::Rejected, day(2026, 12, 2))),
        });
        assert_eq!(
            track.apply(&ruled, &c),
            Err(PptError::BeforeStep { date: day(2026, 12, 2), step: day(2026, 12, 3) })
        );
    }

    #[test]
    fn a_preliminary_reply_names_a_reason_and_a_later_day() {
        let c = context(day(2026, 12, 4));
        let reply = |reason: &str, expected_by| {
            PptStep::PreliminaryReply(PreliminaryReply {
                sent_on: day(2026, 10, 1),
                reason: reason.into(),
                expected_by,
            })
        };
        assert_eq!(received().apply(&reply("", day(2026, 12, 1)), &c), Err(PptError::NoReason));
        assert_eq!(
            received().apply(&reply("Venter på observasjon", day(2026, 10, 1)), &c),
            Err(PptError::NotAfter { date: day(2026, 10, 1), after: day(2026, 10, 1) })
        );
        assert_eq!(
            received().apply(&reply("Venter\u{1b}[2J", day(2026, 12, 1)), &c),
            Err(PptError::Text(TextError::ControlCharacter))
        );
        assert!(received().apply(&reply("Venter på observasjon i klassen", day(2026, 12, 1)), &c).is_ok());
    }

    #[test]
    fn deadlines_run_from_their_steps_and_are_met_by_them() {
        let periods = PptPeriods::default();
        let track = received();
        let kinds: Vec<_> = track.deadlines(&periods).iter().map(|d| (d.kind, d.due)).collect();
        assert_eq!(
            kinds,
            [(PptDeadlineKind::PreliminaryReply, day(2026, 10, 3)), (PptDeadlineKind::Assessment, day(2026, 12, 3))]
        );
        let track = decided_track();
        let deadlines = track.deadlines(&periods);
        let of = |kind| deadlines.iter().find(|d| d.kind == kind).copied();
        // Decided 01.12, after the month: the reply was owed and never sent.
        let reply = of(PptDeadlineKind::PreliminaryReply).unwrap();
        assert_eq!(reply.state(day(2026, 12, 4), 7), DeadlineState::Overdue);
        let startup = of(PptDeadlineKind::StartupMeeting).unwrap();
        assert_eq!((startup.due, startup.met_on), (day(2026, 10, 4), Some(day(2026, 9, 30))));
        assert_eq!(startup.state(day(2026, 12, 4), 7), DeadlineState::Met);
        let assessment = of(PptDeadlineKind::Assessment).unwrap();
        assert_eq!(assessment.state(day(2026, 12, 4), 7), DeadlineState::Met, "done 20.11, due 03.12");
        let revision = of(PptDeadlineKind::Revision).unwrap();
        assert_eq!(revision.due, day(2027, 3, 30));
        assert_eq!(revision.state(day(2027, 3, 25), 7), DeadlineState::DueSoon);
        assert_eq!(track.next_deadline(&periods).map(|d| d.kind), Some(PptDeadlineKind::PreliminaryReply));
    }

    #[test]
    fn a_decision_within_the_month_owes_no_preliminary_reply() {
        let c = context(day(2026, 12, 4));
        let steps = [consent(day(2026, 9, 4)), assessed(day(2026, 9, 20)), decided(day(2026, 10, 1), None, None)];
        let track = steps.iter().fold(received(), |t, s| t.apply(s, &c).unwrap());
        assert!(track.deadlines(&PptPeriods::default()).iter().all(|d| d.kind != PptDeadlineKind::PreliminaryReply));
    }

    #[test]
    fn the_waiting_list_counts_days_from_received_to_assigned() {
        let track = received();
        assert_eq!(track.days_waiting(day(2026, 11, 3)), 61);
        assert_eq!(decided_track().days_waiting(day(2027, 1, 1)), 17);
    }

    #[test]
    fn every_refusal_is_worded_in_both_languages() {
        let d = day(2026, 9, 1);
        let errors = [
            PptError::NotReferred,
            PptError::NotReceived,
            PptError::AlreadyReceived,
            PptError::ReceivedBeforeSent { received: d, sent: d },
            PptError::InFuture { date: d },
            PptError::BeforeStep { date: d, step: d },
            PptError::AfterLaterStep { date: d, later: d },
            PptError::NoConsent,
            PptError::PupilTooYoung { consent_age: 15 },
            PptError::PupilBirthDateNeeded,
            PptError::NotAssigned,
            PptError::NoAdviser,
            PptError::NotAssessed,
            PptError::NotDecided,
            PptError::DepartureWithoutReason,
            PptError::NoReason,
            PptError::NotAfter { date: d, after: d },
            PptError::PlannedInPast { date: d },
            PptError::TooManyHours { hours: 3000 },
            PptError::Closed,
            PptError::Text(TextError::LineBreak),
        ];
        for lang in [crate::i18n::Lang::Nb, crate::i18n::Lang::En] {
            let c = crate::i18n::Catalog::new(lang);
            for error in &errors {
                let text = c.ppt_error(error);
                assert!(!text.contains("ppt_rule.") && !text.contains('{'), "{error:?}: {text}");
            }
        }
    }

    fn any_step() -> impl Strategy<Value = PptStep> {
        let on = (0i64..200).prop_map(|n| day(2026, 9, 1) + chrono::Duration::days(n));
        prop_oneof![
            on.clone().prop_map(consent),
            on.clone().prop_map(|on| PptStep::Assign(Assignment { adviser: "Per".into(), on })),
            on.clone().prop_map(assessed),
            on.clone().prop_map(|on| decided(on, None, None)),
            on.clone().prop_map(PptStep::Revised),
            prop_oneof![Just(TrackState::Active), Just(TrackState::Dormant), Just(TrackState::Closed)]
                .prop_map(PptStep::State),
        ]
    }

    #[test]
    fn a_track_from_outside_is_held_to_the_rules_of_one_recorded_here() {
        let c = context(day(2026, 12, 4));
        let sent = Some(day(2026, 9, 1));
        assert_eq!(decided_track().check_whole(sent, &c), Ok(()));
        let mut without_consent = decided_track();
        without_consent.consent = None;
        assert_eq!(without_consent.check_whole(sent, &c), Err(PptError::NoConsent));
        let mut unexplained = decided_track();
        unexplained.decision.as_mut().unwrap().departure = Some(String::new());
        assert_eq!(unexplained.check_whole(sent, &c), Err(PptError::DepartureWithoutReason));
        assert_eq!(decided_track().check_whole(None, &c), Err(PptError::NotReferred));
        let mut planned =
            received().apply(&PptStep::Assign(Assignment { adviser: "Per".into(), on: day(2026, 9, 20) }), &c).unwrap();
        planned.startup = Some(StartupMeeting { date: day(2026, 10, 1), held: false });
        assert_eq!(planned.check_whole(sent, &c), Ok(()), "a planned day since passed is no fault");
    }

    proptest! {
        #[test]
        fn deadlines_follow_the_calendar(received_after in 0i64..2000, months in 1u32..12, days in 1u32..60) {
            let sent = day(2024, 1, 1) + chrono::Duration::days(received_after);
            let track = PptTrack::received(Some(sent), sent, day(2030, 1, 1)).unwrap();
            let periods = PptPeriods { preliminary_reply_months: months, startup_days: days, assessment_months: months, revision_months_before: months };
            for deadline in track.deadlines(&periods) {
                prop_assert!(deadline.due > track.received, "every deadline falls after the referral is received");
                prop_assert_eq!(deadline.due, add_months(track.received, months));
            }
            let until = add_months(sent, 24);
            let revision = until.checked_sub_months(Months::new(months)).unwrap();
            prop_assert!(revision < until && add_months(revision, months) <= until);
        }

        #[test]
        fn a_long_wait_is_the_same_counted_from_either_end(received_after in 0i64..1500, waited in 0i64..200) {
            let received = day(2024, 1, 1) + chrono::Duration::days(received_after);
            let today = received + chrono::Duration::days(waited);
            prop_assert_eq!(waited_long(received, today), received <= long_wait_received_by(today));
            prop_assert!(!waited_long(received, today) || waited >= 59, "two months are 59 days or more");
            prop_assert!(waited_long(received, today) || waited <= 62, "and never more than 62");
        }

        #[test]
        fn whatever_is_recorded_keeps_the_rules(steps in proptest::collection::vec(any_step(), 0..12)) {
            let c = context(day(2027, 6, 1));
            let mut track = received();
            for step in &steps {
                let before = track.clone();
                match track.apply(step, &c) {
                    Ok(next) => track = next,
                    Err(_) => prop_assert_eq!(&track, &before),
                }
                if before.state == TrackState::Closed && !matches!(step, PptStep::State(s) if *s != TrackState::Closed) {
                    prop_assert_eq!(&track, &before, "a closed track changes nothing");
                }
                if let Some(assessment) = &track.assessment {
                    let consent = track.consent.expect("no assessment without consent");
                    prop_assert!(consent.given_on <= assessment.done_on);
                }
                if let Some(decision) = &track.decision {
                    let assessment = track.assessment.as_ref().expect("no decision before the assessment");
                    prop_assert!(assessment.done_on <= decision.on);
                    prop_assert!(decision.departure.as_ref().is_none_or(|r| !r.trim().is_empty()));
                }
            }
        }
    }
}
