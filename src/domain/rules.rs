//! Every change to a case goes through `Case::apply`: the one place where the
//! order of the process and its dates are checked.

use chrono::NaiveDate;
use uuid::Uuid;

use super::case::{Case, CaseDetails, CaseKind, Closure, Decision, Meeting, MeetingNo};
use super::consent::{Consent, ConsentGiver, Identity, age_on};
use super::dates::plausible;
use super::text::{TextError, check_line, check_text};

/// A change a user asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Book a meeting for a future day.
    PlanMeeting {
        number: MeetingNo,
        date: NaiveDate,
    },
    /// Record that a meeting was held on a day.
    RecordMeeting {
        number: MeetingNo,
        date: NaiveDate,
    },
    /// The decision of meeting 3.
    Decide {
        decision: Decision,
        date: NaiveDate,
    },
    ReferralSent {
        date: NaiveDate,
    },
    Close {
        date: NaiveDate,
        reason: String,
    },
    Reopen {
        date: NaiveDate,
        reason: String,
    },
    Edit(CaseDetails),
    /// A new consent replaces the one before it. The pupil's own consent counts
    /// only from `consent_age`, judged from the birth date: `pupil` gives name and
    /// birth date with it where the case does not hold them yet.
    RecordConsent {
        consent: Consent,
        pupil: Option<Identity>,
        consent_age: u32,
    },
    /// Withdrawing consent erases the pupil's identity.
    WithdrawConsent {
        date: NaiveDate,
    },
    /// Name and birth date, allowed only under a valid consent (under the pupil's
    /// own, the birth date must stay one of a pupil of `consent_age`).
    SetIdentity {
        identity: Identity,
        consent_age: u32,
    },
    /// Erases name and birth date (done when a consent has expired).
    EraseIdentity,
}

impl Action {
    /// The days the action records, each to be a plausible day of a case.
    fn dates(&self) -> Vec<NaiveDate> {
        match self {
            Action::PlanMeeting { date, .. }
            | Action::RecordMeeting { date, .. }
            | Action::Decide { date, .. }
            | Action::ReferralSent { date }
            | Action::Close { date, .. }
            | Action::Reopen { date, .. }
            | Action::WithdrawConsent { date } => vec![*date],
            Action::RecordConsent { consent, .. } => {
                [Some(consent.given_on), consent.expires_on].into_iter().flatten().collect()
            }
            Action::Edit(_) | Action::SetIdentity { .. } | Action::EraseIdentity => Vec::new(),
        }
    }

    /// The consent given, by the guardians or by a pupil whose birth date the case
    /// holds, under the default consent age.
    pub fn consent(consent: Consent) -> Action {
        Action::RecordConsent { consent, pupil: None, consent_age: super::DEFAULT_CONSENT_AGE }
    }

    /// The pupil's name and birth date, under the default consent age.
    pub fn name(identity: Identity) -> Action {
        Action::SetIdentity { identity, consent_age: super::DEFAULT_CONSENT_AGE }
    }
}

/// A field of the case form that a rule can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    School,
    Grade,
    Reason,
    Name,
}

/// Why a change was refused. The UI words it in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
// English fallback for logs; users see the catalogue's wording.
#[error("change refused: {self:?}")]
pub enum RuleError {
    CaseClosed,
    CaseNotClosed,
    Required(Field),
    GenderOnlyForIndividual,
    CreatedInFuture {
        date: NaiveDate,
    },
    /// Meeting `number` cannot come before meeting `previous` is held.
    PreviousNotHeld {
        number: MeetingNo,
        previous: MeetingNo,
    },
    /// A date earlier than the step before it.
    BeforePrevious {
        date: NaiveDate,
        previous: NaiveDate,
    },
    /// A held meeting or a sent referral dated after today.
    InFuture {
        date: NaiveDate,
    },
    /// A planned meeting dated before today.
    PlannedInPast {
        date: NaiveDate,
    },
    /// A meeting cannot change once the next step is recorded.
    LaterStepRecorded {
        number: MeetingNo,
    },
    Meeting3NotHeld,
    AlreadyDecided,
    NoReferralDecided,
    ReferralAlreadySent,
    /// Consent and identity belong to individual cases.
    ConsentOnlyForIndividual,
    /// Identifying data needs a valid consent.
    NoValidConsent,
    /// An expiry on or before the day the consent was given.
    ExpiresBeforeGiven,
    /// The pupil's own consent needs the birth date, to judge the pupil's age.
    PupilBirthDateNeeded,
    /// The pupil is under the consent age: the guardians consent.
    PupilTooYoung {
        consent_age: u32,
    },
    /// A birth date after today.
    BornInFuture {
        date: NaiveDate,
    },
    /// A date no case can have: before 1990 or more than ten years ahead.
    ImplausibleDate {
        date: NaiveDate,
    },
    /// A control character, or a line break in a field of one line.
    Text(TextError),
}

impl From<TextError> for RuleError {
    fn from(error: TextError) -> RuleError {
        RuleError::Text(error)
    }
}

/// Checks the fields of a new or edited case.
pub fn validate_details(details: &CaseDetails) -> Result<(), RuleError> {
    if details.school.trim().is_empty() {
        return Err(RuleError::Required(Field::School));
    }
    if details.grade.trim().is_empty() {
        return Err(RuleError::Required(Field::Grade));
    }
    if details.kind == CaseKind::System && details.gender.is_some() {
        return Err(RuleError::GenderOnlyForIndividual);
    }
    for line in [&details.school, &details.grade, &details.teacher] {
        check_line(line)?;
    }
    check_text(&details.description)?;
    Ok(())
}

impl Case {
    /// A new case in internal sparring.
    pub fn new(
        id: Uuid,
        reference: String,
        details: CaseDetails,
        created: NaiveDate,
        today: NaiveDate,
    ) -> Result<Case, RuleError> {
        validate_details(&details)?;
        if created > today {
            return Err(RuleError::CreatedInFuture { date: created });
        }
        if !plausible(created, today) {
            return Err(RuleError::ImplausibleDate { date: created });
        }
        Ok(Case {
            id,
            reference,
            details: trimmed(details),
            created,
            meetings: [None; 3],
            decision: None,
            referral_sent: None,
            closure: None,
            consent: None,
            identity: None,
        })
    }

    /// Whether the recorded steps follow each other as the rules let them be
    /// recorded one by one: a held meeting only after the one before it was held
    /// and not earlier than it (meeting 1 not before the case was opened), a
    /// decision only after meeting 3, a referral only after a decision to refer.
    /// Every case made by `apply` passes; a case merged from two machines may not.
    pub fn steps_in_order(&self) -> bool {
        // The day the last held meeting was held; None once one is not held.
        let mut previous = Some(self.created);
        for number in MeetingNo::ALL {
            match (self.meeting(number), previous) {
                (Some(m), Some(before)) if m.held && m.date >= before => previous = Some(m.date),
                (Some(m), _) if m.held => return false,
                _ => previous = None,
            }
        }
        let held3 = self.held(MeetingNo::ALL[2]);
        let decided = match (self.decision, held3) {
            (Some((decision, on)), Some(held)) if on >= held => Some(decision),
            (Some(_), _) => return false,
            (None, _) => None,
        };
        match self.referral_sent {
            Some(sent) => decided == Some(Decision::Refer) && held3.is_some_and(|held| sent >= held),
            None => true,
        }
    }

    /// The case after `action`, or why the action is refused. `today` bounds what
    /// can be recorded as done and what can be planned.
    pub fn apply(&self, action: &Action, today: NaiveDate) -> Result<Case, RuleError> {
        // Withdrawing consent and erasing identity are never blocked by a closed case.
        let always_allowed =
            matches!(action, Action::Reopen { .. } | Action::WithdrawConsent { .. } | Action::EraseIdentity);
        if self.closure.is_some() && !always_allowed {
            return Err(RuleError::CaseClosed);
        }
        if let Some(date) = action.dates().into_iter().find(|d| !plausible(*d, today)) {
            return Err(RuleError::ImplausibleDate { date });
        }
        check_action_text(action)?;
        let mut next = self.clone();
        match action {
            Action::PlanMeeting { number, date } => {
                self.check_meeting_change(*number)?;
                if *date < today {
                    return Err(RuleError::PlannedInPast { date: *date });
                }
                next.meetings[number.index()] = Some(Meeting { date: *date, held: false });
            }
            Action::RecordMeeting { number, date } => {
                self.check_meeting_change(*number)?;
                if *date > today {
                    return Err(RuleError::InFuture { date: *date });
                }
                let previous = match number.previous() {
                    Some(p) => self.held(p).expect("checked above"),
                    None => self.created,
                };
                if *date < previous {
                    return Err(RuleError::BeforePrevious { date: *date, previous });
                }
                next.meetings[number.index()] = Some(Meeting { date: *date, held: true });
            }
            Action::Decide { decision, date } => {
                let held3 = self.held(MeetingNo::ALL[2]).ok_or(RuleError::Meeting3NotHeld)?;
                if let Some((earlier, decided_on)) = self.decision {
                    // Only "continue" awaits a follow-up decision.
                    if earlier != Decision::Continue {
                        return Err(RuleError::AlreadyDecided);
                    }
                    if *date < decided_on {
                        return Err(RuleError::BeforePrevious { date: *date, previous: decided_on });
                    }
                }
                check_done_on(*date, held3, today)?;
                next.decision = Some((*decision, *date));
                if *decision == Decision::Close {
                    next.closure = Some(Closure { date: *date, reason: String::new() });
                }
            }
            Action::ReferralSent { date } => {
                if self.decision.map(|(d, _)| d) != Some(Decision::Refer) {
                    return Err(RuleError::NoReferralDecided);
                }
                if self.referral_sent.is_some() {
                    return Err(RuleError::ReferralAlreadySent);
                }
                // Only a damaged file holds a decision without meeting 3: refused, never a panic.
                let held3 = self.held(MeetingNo::ALL[2]).ok_or(RuleError::Meeting3NotHeld)?;
                check_done_on(*date, held3, today)?;
                next.referral_sent = Some(*date);
            }
            Action::Close { date, reason } => {
                let reason = required_reason(reason)?;
                check_done_on(*date, self.created, today)?;
                next.closure = Some(Closure { date: *date, reason });
            }
            Action::Reopen { date, reason } => {
                let closure = self.closure.as_ref().ok_or(RuleError::CaseNotClosed)?;
                required_reason(reason)?;
                check_done_on(*date, closure.date, today)?;
                next.closure = None;
                // A case closed by meeting 3 goes back to awaiting that decision.
                if matches!(self.decision, Some((Decision::Close, _))) {
                    next.decision = None;
                }
            }
            Action::Edit(details) => {
                validate_details(details)?;
                let identifies = self.consent.is_some() || self.identity.is_some();
                if details.kind == CaseKind::System && identifies {
                    return Err(RuleError::ConsentOnlyForIndividual);
                }
                next.details = trimmed(details.clone());
            }
            Action::RecordConsent { consent, pupil, consent_age } => {
                if self.details.kind != CaseKind::Individual {
                    return Err(RuleError::ConsentOnlyForIndividual);
                }
                if consent.given_on > today {
                    return Err(RuleError::InFuture { date: consent.given_on });
                }
                if consent.expires_on.is_some_and(|e| e <= consent.given_on) {
                    return Err(RuleError::ExpiresBeforeGiven);
                }
                next.consent =
                    Some(Consent { scope: consent.scope.trim().to_string(), withdrawn_on: None, ..consent.clone() });
                if let Some(pupil) = pupil {
                    next.identity = Some(checked_identity(pupil, today)?);
                }
                next.check_pupil_consent_age(*consent_age)?;
            }
            Action::WithdrawConsent { date } => {
                let consent = self.consent.as_ref().filter(|c| c.is_valid(today)).ok_or(RuleError::NoValidConsent)?;
                check_done_on(*date, consent.given_on, today)?;
                next.consent = Some(Consent { withdrawn_on: Some(*date), ..consent.clone() });
                next.identity = None;
            }
            Action::SetIdentity { identity, consent_age } => {
                if self.details.kind != CaseKind::Individual {
                    return Err(RuleError::ConsentOnlyForIndividual);
                }
                if !self.has_valid_consent(today) {
                    return Err(RuleError::NoValidConsent);
                }
                next.identity = Some(checked_identity(identity, today)?);
                next.check_pupil_consent_age(*consent_age)?;
            }
            Action::EraseIdentity => next.identity = None,
        }
        Ok(next)
    }

    /// Under the pupil's own consent, the birth date shows a pupil of the consent age
    /// on the day the consent was given.
    pub fn check_pupil_consent_age(&self, consent_age: u32) -> Result<(), RuleError> {
        let Some(consent) = self.consent.as_ref().filter(|c| c.given_by == ConsentGiver::Pupil) else {
            return Ok(());
        };
        let birth = self.identity.as_ref().and_then(|i| i.birth_date).ok_or(RuleError::PupilBirthDateNeeded)?;
        if birth > consent.given_on || age_on(birth, consent.given_on) < consent_age {
            return Err(RuleError::PupilTooYoung { consent_age });
        }
        Ok(())
    }

    /// A meeting can be planned or (re)recorded when the one before it is held and
    /// nothing after it is recorded yet.
    fn check_meeting_change(&self, number: MeetingNo) -> Result<(), RuleError> {
        if let Some(previous) = number.previous()
            && self.held(previous).is_none()
        {
            return Err(RuleError::PreviousNotHeld { number, previous });
        }
        let later_recorded = match number.next() {
            Some(after) => self.meeting(after).is_some(),
            None => self.decision.is_some(),
        };
        if later_recorded {
            return Err(RuleError::LaterStepRecorded { number });
        }
        Ok(())
    }
}

/// A name is required, and a birth date cannot be after today.
fn checked_identity(identity: &Identity, today: NaiveDate) -> Result<Identity, RuleError> {
    let name = identity.name.trim();
    if name.is_empty() {
        return Err(RuleError::Required(Field::Name));
    }
    if let Some(birth) = identity.birth_date.filter(|b| *b > today) {
        return Err(RuleError::BornInFuture { date: birth });
    }
    Ok(Identity { name: name.to_string(), birth_date: identity.birth_date })
}

/// Texts the action brings, each held to the rule of its field.
fn check_action_text(action: &Action) -> Result<(), RuleError> {
    match action {
        Action::Close { reason, .. } | Action::Reopen { reason, .. } => check_text(reason)?,
        Action::RecordConsent { consent, pupil, .. } => {
            check_line(&consent.scope)?;
            if let Some(pupil) = pupil {
                check_line(&pupil.name)?;
            }
        }
        Action::SetIdentity { identity, .. } => check_line(&identity.name)?,
        _ => {}
    }
    Ok(())
}

/// Something done is dated between the step before it and today.
fn check_done_on(date: NaiveDate, previous: NaiveDate, today: NaiveDate) -> Result<(), RuleError> {
    if date > today {
        return Err(RuleError::InFuture { date });
    }
    if date < previous {
        return Err(RuleError::BeforePrevious { date, previous });
    }
    Ok(())
}

fn required_reason(reason: &str) -> Result<String, RuleError> {
    let reason = reason.trim();
    if reason.is_empty() { Err(RuleError::Required(Field::Reason)) } else { Ok(reason.to_string()) }
}

fn trimmed(details: CaseDetails) -> CaseDetails {
    CaseDetails {
        school: details.school.trim().to_string(),
        grade: details.grade.trim().to_string(),
        teacher: details.teacher.trim().to_string(),
        description: details.description.trim().to_string(),
        ..details
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::tests::{date, sample_case};
    use crate::domain::case::{Gender, Stage, Status};

    const TODAY: (i32, u32, u32) = (2026, 11, 23);

    fn today() -> NaiveDate {
        date(TODAY.0, TODAY.1, TODAY.2)
    }

    fn m(n: u8) -> MeetingNo {
        MeetingNo::new(n).unwrap()
    }

    fn record(case: &Case, n: u8, on: NaiveDate) -> Result<Case, RuleError> {
        case.apply(&Action::RecordMeeting { number: m(n), date: on }, today())
    }

    #[test]
    fn steps_out_of_order_are_found() {
        let case = through_meeting_3();
        assert!(case.steps_in_order() && sample_case().steps_in_order());
        let mut later_first = case.clone();
        later_first.meetings[0] = Some(Meeting { date: date(2026, 10, 20), held: true });
        assert!(!later_first.steps_in_order(), "meeting 1 after meeting 2");
        let mut gap = case.clone();
        gap.meetings[1] = Some(Meeting { date: date(2026, 12, 1), held: false });
        assert!(!gap.steps_in_order(), "meeting 3 held while 2 is only planned");
        let mut early = sample_case();
        early.meetings[0] = Some(Meeting { date: date(2026, 8, 1), held: true });
        assert!(!early.steps_in_order(), "before the case was opened");
        let mut undecided = case.clone();
        undecided.referral_sent = Some(date(2026, 11, 21));
        assert!(!undecided.steps_in_order(), "a referral without a decision to refer");
        let mut decided = case.apply(&Action::Decide { decision: Decision::Refer, date: today() }, today()).unwrap();
        assert!(decided.steps_in_order());
        decided.meetings[2] = None;
        assert!(!decided.steps_in_order(), "a decision without meeting 3");
    }

    proptest::proptest! {
        /// Whatever a user does, one action at a time, the steps stay in order.
        #[test]
        fn every_case_made_by_the_rules_has_its_steps_in_order(
            steps in proptest::collection::vec((0u8..6, 1u8..=3, -30i64..90), 0..24)
        ) {
            let mut case = sample_case();
            for (kind, number, offset) in steps {
                let on = date(2026, 9, 1) + chrono::Duration::days(offset);
                let action = match kind {
                    0 => Action::PlanMeeting { number: m(number), date: on },
                    1 | 2 => Action::RecordMeeting { number: m(number), date: on },
                    3 => Action::Decide { decision: [Decision::Refer, Decision::Continue, Decision::Close][usize::from(number - 1)], date: on },
                    4 => Action::ReferralSent { date: on },
                    _ => Action::Reopen { date: on, reason: "ny informasjon".into() },
                };
                if let Ok(next) = case.apply(&action, today()) {
                    case = next;
                }
                proptest::prop_assert!(case.steps_in_order(), "{case:?}");
            }
        }
    }

    fn through_meeting_3() -> Case {
        let case = sample_case();
        let case = record(&case, 1, date(2026, 9, 10)).unwrap();
        let case = record(&case, 2, date(2026, 10, 5)).unwrap();
        record(&case, 3, date(2026, 11, 20)).unwrap()
    }

    #[test]
    fn a_damaged_case_with_a_decision_but_no_meeting_3_is_refused_not_a_panic() {
        let mut case = through_meeting_3()
            .apply(&Action::Decide { decision: Decision::Refer, date: date(2026, 11, 20) }, today())
            .unwrap();
        case.meetings[2] = None;
        assert_eq!(case.apply(&Action::ReferralSent { date: today() }, today()), Err(RuleError::Meeting3NotHeld));
    }

    #[test]
    fn the_whole_process_to_a_sent_referral() {
        let case = through_meeting_3();
        assert_eq!(case.stage(), Stage::Meeting3);
        let case =
            case.apply(&Action::Decide { decision: Decision::Refer, date: date(2026, 11, 20) }, today()).unwrap();
        assert_eq!(case.open_deadline().unwrap().due, date(2026, 12, 4));
        let case = case.apply(&Action::ReferralSent { date: today() }, today()).unwrap();
        assert_eq!(case.stage(), Stage::Referred);
        assert_eq!(case.status(), Status::Open);
        assert!(case.open_deadline().is_none());
        assert_eq!(case.apply(&Action::ReferralSent { date: today() }, today()), Err(RuleError::ReferralAlreadySent));
    }

    #[test]
    fn a_new_case_needs_school_and_grade_and_no_future_date() {
        let details = sample_case().details;
        let new = |d: CaseDetails, created| Case::new(Uuid::nil(), "2026-001".into(), d, created, today());
        assert!(new(details.clone(), today()).is_ok());
        let blank_school = CaseDetails { school: "  ".into(), ..details.clone() };
        assert_eq!(new(blank_school, today()), Err(RuleError::Required(Field::School)));
        let blank_grade = CaseDetails { grade: "".into(), ..details.clone() };
        assert_eq!(new(blank_grade, today()), Err(RuleError::Required(Field::Grade)));
        assert_eq!(
            new(details.clone(), date(2026, 11, 24)),
            Err(RuleError::CreatedInFuture { date: date(2026, 11, 24) })
        );
        let system = CaseDetails { kind: CaseKind::System, ..details.clone() };
        assert_eq!(new(system.clone(), today()), Err(RuleError::GenderOnlyForIndividual));
        assert!(new(CaseDetails { gender: None, ..system }, today()).is_ok());
        let padded = CaseDetails { school: "  Bjørkå skole ".into(), ..details };
        assert_eq!(new(padded, today()).unwrap().details.school, "Bjørkå skole");
    }

    #[test]
    fn no_stage_can_be_skipped() {
        let case = sample_case();
        assert_eq!(
            record(&case, 2, date(2026, 10, 1)),
            Err(RuleError::PreviousNotHeld { number: m(2), previous: m(1) })
        );
        assert_eq!(
            case.apply(&Action::PlanMeeting { number: m(3), date: date(2026, 12, 1) }, today()),
            Err(RuleError::PreviousNotHeld { number: m(3), previous: m(2) })
        );
        assert_eq!(
            case.apply(&Action::Decide { decision: Decision::Refer, date: today() }, today()),
            Err(RuleError::Meeting3NotHeld)
        );
        assert_eq!(case.apply(&Action::ReferralSent { date: today() }, today()), Err(RuleError::NoReferralDecided));
    }

    #[test]
    fn a_planned_meeting_does_not_open_the_next_stage() {
        let case = sample_case();
        let planned = case.apply(&Action::PlanMeeting { number: m(1), date: date(2026, 12, 1) }, today()).unwrap();
        assert_eq!(planned.planned(m(1)), Some(date(2026, 12, 1)));
        assert_eq!(record(&planned, 2, today()), Err(RuleError::PreviousNotHeld { number: m(2), previous: m(1) }));
    }

    #[test]
    fn meeting_dates_follow_each_other() {
        let case = record(&sample_case(), 1, date(2026, 10, 10)).unwrap();
        assert_eq!(
            record(&case, 2, date(2026, 10, 9)),
            Err(RuleError::BeforePrevious { date: date(2026, 10, 9), previous: date(2026, 10, 10) })
        );
        assert!(record(&case, 2, date(2026, 10, 10)).is_ok(), "the same day is allowed");
        assert_eq!(
            record(&sample_case(), 1, date(2026, 8, 31)),
            Err(RuleError::BeforePrevious { date: date(2026, 8, 31), previous: date(2026, 9, 1) }),
            "meeting 1 not before the case was opened"
        );
    }

    #[test]
    fn held_is_not_in_the_future_and_planned_is_not_in_the_past() {
        let case = sample_case();
        assert_eq!(record(&case, 1, date(2026, 11, 24)), Err(RuleError::InFuture { date: date(2026, 11, 24) }));
        assert_eq!(
            case.apply(&Action::PlanMeeting { number: m(1), date: date(2026, 11, 22) }, today()),
            Err(RuleError::PlannedInPast { date: date(2026, 11, 22) })
        );
        assert!(case.apply(&Action::PlanMeeting { number: m(1), date: today() }, today()).is_ok());
    }

    #[test]
    fn a_meeting_can_be_corrected_until_the_next_is_recorded() {
        let case = record(&sample_case(), 1, date(2026, 10, 10)).unwrap();
        let corrected = record(&case, 1, date(2026, 10, 12)).unwrap();
        assert_eq!(corrected.held(m(1)), Some(date(2026, 10, 12)));
        let with_plan =
            corrected.apply(&Action::PlanMeeting { number: m(2), date: date(2026, 12, 1) }, today()).unwrap();
        assert_eq!(record(&with_plan, 1, date(2026, 10, 11)), Err(RuleError::LaterStepRecorded { number: m(1) }));
        let decided = through_meeting_3()
            .apply(&Action::Decide { decision: Decision::Continue, date: today() }, today())
            .unwrap();
        assert_eq!(record(&decided, 3, today()), Err(RuleError::LaterStepRecorded { number: m(3) }));
    }

    #[test]
    fn decisions_close_continue_or_refer() {
        let case = through_meeting_3();
        let closed = case.apply(&Action::Decide { decision: Decision::Close, date: today() }, today()).unwrap();
        assert_eq!(closed.status(), Status::Closed);
        assert!(closed.open_deadline().is_none());

        let continued = case.apply(&Action::Decide { decision: Decision::Continue, date: today() }, today()).unwrap();
        assert_eq!(continued.status(), Status::Open);
        assert!(continued.open_deadline().is_none());
        // A follow-up can still refer the case.
        let referred = continued.apply(&Action::Decide { decision: Decision::Refer, date: today() }, today()).unwrap();
        assert_eq!(referred.decision, Some((Decision::Refer, today())));
        assert_eq!(
            referred.apply(&Action::Decide { decision: Decision::Close, date: today() }, today()),
            Err(RuleError::AlreadyDecided)
        );
        assert_eq!(
            case.apply(&Action::Decide { decision: Decision::Refer, date: date(2026, 11, 19) }, today()),
            Err(RuleError::BeforePrevious { date: date(2026, 11, 19), previous: date(2026, 11, 20) })
        );
    }

    #[test]
    fn a_closed_case_is_frozen_until_reopened() {
        let case = record(&sample_case(), 1, date(2026, 10, 1)).unwrap();
        let close = Action::Close { date: today(), reason: "Eleven har flyttet".into() };
        let closed = case.apply(&close, today()).unwrap();
        assert_eq!(closed.status(), Status::Closed);
        assert!(closed.open_deadline().is_none(), "an overdue deadline no longer applies");
        assert_eq!(record(&closed, 2, today()), Err(RuleError::CaseClosed));
        assert_eq!(closed.apply(&close, today()), Err(RuleError::CaseClosed));
        let edit = Action::Edit(sample_case().details);
        assert_eq!(closed.apply(&edit, today()), Err(RuleError::CaseClosed));

        let blank = Action::Reopen { date: today(), reason: " ".into() };
        assert_eq!(closed.apply(&blank, today()), Err(RuleError::Required(Field::Reason)));
        let reopened =
            closed.apply(&Action::Reopen { date: today(), reason: "Flyttet tilbake".into() }, today()).unwrap();
        assert_eq!(reopened.status(), Status::Open);
        assert_eq!(reopened.open_deadline().unwrap().kind, crate::domain::DeadlineKind::Meeting2);
        assert_eq!(
            case.apply(&Action::Reopen { date: today(), reason: "x".into() }, today()),
            Err(RuleError::CaseNotClosed)
        );
    }

    #[test]
    fn closing_needs_a_reason() {
        let case = sample_case();
        assert_eq!(
            case.apply(&Action::Close { date: today(), reason: "".into() }, today()),
            Err(RuleError::Required(Field::Reason))
        );
        let closed = case.apply(&Action::Close { date: today(), reason: "  Løst  ".into() }, today()).unwrap();
        assert_eq!(closed.closure.unwrap().reason, "Løst");
    }

    #[test]
    fn reopening_a_case_closed_at_meeting_3_awaits_a_new_decision() {
        let closed =
            through_meeting_3().apply(&Action::Decide { decision: Decision::Close, date: today() }, today()).unwrap();
        let reopened = closed.apply(&Action::Reopen { date: today(), reason: "Ny bekymring".into() }, today()).unwrap();
        assert_eq!(reopened.decision, None);
        assert!(reopened.apply(&Action::Decide { decision: Decision::Refer, date: today() }, today()).is_ok());
    }

    fn consent_given(on: NaiveDate) -> Action {
        Action::consent(Consent {
            given_on: on,
            given_by: crate::domain::ConsentGiver::Guardians,
            scope: " Drøfting med PPT ".into(),
            expires_on: Some(date(2027, 6, 20)),
            withdrawn_on: None,
        })
    }

    fn kari() -> Action {
        Action::name(Identity { name: " Kari Nordmann ".into(), birth_date: Some(date(2015, 3, 1)) })
    }

    #[test]
    fn a_name_needs_a_valid_consent() {
        let case = sample_case();
        assert_eq!(case.apply(&kari(), today()), Err(RuleError::NoValidConsent));
        let consented = case.apply(&consent_given(date(2026, 11, 1)), today()).unwrap();
        assert_eq!(consented.consent.as_ref().unwrap().scope, "Drøfting med PPT");
        let named = consented.apply(&kari(), today()).unwrap();
        assert_eq!(named.identity.as_ref().unwrap().name, "Kari Nordmann");
        let blank = Action::name(Identity { name: "  ".into(), birth_date: None });
        assert_eq!(consented.apply(&blank, today()), Err(RuleError::Required(Field::Name)));
        let unborn = Action::name(Identity { name: "K".into(), birth_date: Some(date(2027, 1, 1)) });
        assert_eq!(consented.apply(&unborn, today()), Err(RuleError::BornInFuture { date: date(2027, 1, 1) }));
    }

    #[test]
    fn withdrawing_consent_erases_the_identity_even_on_a_closed_case() {
        let named =
            sample_case().apply(&consent_given(date(2026, 11, 1)), today()).unwrap().apply(&kari(), today()).unwrap();
        let closed = named.apply(&Action::Close { date: today(), reason: "Løst".into() }, today()).unwrap();
        let withdrawn = closed.apply(&Action::WithdrawConsent { date: today() }, today()).unwrap();
        assert_eq!(withdrawn.identity, None);
        assert_eq!(withdrawn.consent.as_ref().unwrap().withdrawn_on, Some(today()));
        assert!(!withdrawn.has_valid_consent(today()));
        assert_eq!(
            withdrawn.apply(&Action::WithdrawConsent { date: today() }, today()),
            Err(RuleError::NoValidConsent)
        );
    }

    #[test]
    fn consent_is_for_individual_cases_and_ends_after_it_begins() {
        let mut system = sample_case();
        system.details.kind = CaseKind::System;
        system.details.gender = None;
        assert_eq!(system.apply(&consent_given(today()), today()), Err(RuleError::ConsentOnlyForIndividual));
        let case = sample_case();
        assert_eq!(
            case.apply(&consent_given(date(2026, 11, 24)), today()),
            Err(RuleError::InFuture { date: date(2026, 11, 24) })
        );
        let backwards = Action::consent(Consent {
            given_on: today(),
            given_by: crate::domain::ConsentGiver::Pupil,
            scope: String::new(),
            expires_on: Some(today()),
            withdrawn_on: None,
        });
        assert_eq!(case.apply(&backwards, today()), Err(RuleError::ExpiresBeforeGiven));
        let consented = case.apply(&consent_given(today()), today()).unwrap();
        let to_system = CaseDetails { kind: CaseKind::System, gender: None, ..consented.details.clone() };
        assert_eq!(consented.apply(&Action::Edit(to_system), today()), Err(RuleError::ConsentOnlyForIndividual));
    }

    #[test]
    fn edits_are_validated_like_new_cases() {
        let case = sample_case();
        let system_with_gender =
            CaseDetails { kind: CaseKind::System, gender: Some(Gender::Gutt), ..case.details.clone() };
        assert_eq!(case.apply(&Action::Edit(system_with_gender), today()), Err(RuleError::GenderOnlyForIndividual));
        let edited = CaseDetails { teacher: "Øystein Å".into(), ..case.details.clone() };
        assert_eq!(case.apply(&Action::Edit(edited), today()).unwrap().details.teacher, "Øystein Å");
    }
}
