//! Every change to a case goes through `Case::apply`: the one place where the
//! order of the process and its dates are checked.

use super::ppt::{PptError, PptTrack, TrackContext};
use chrono::NaiveDate;
use uuid::Uuid;

use super::action::Action;
use super::case::{Case, CaseDetails, CaseKind, Closure, Decision, Meeting, MeetingNo};
use super::consent::{Consent, ConsentGiver, Identity, age_on};
use super::dates::plausible;
use super::text::{TextError, check_line, check_text};

/// A field of the case form that a rule can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    School,
    Grade,
    Reason,
    Name,
}

/// What a day said to be done records: a future one is refused in words of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    MeetingHeld,
    Decided,
    ReferralSent,
    Closed,
    Reopened,
    ConsentGiven,
    ConsentWithdrawn,
}

crate::domain::coded!(Done in "in_future" {
    MeetingHeld => "meeting_held",
    Decided => "decided",
    ReferralSent => "referral_sent",
    Closed => "closed",
    Reopened => "reopened",
    ConsentGiven => "consent_given",
    ConsentWithdrawn => "consent_withdrawn",
});

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
    /// Something done (a meeting held, a referral sent, a consent given, …)
    /// dated after today.
    InFuture {
        date: NaiveDate,
        done: Done,
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
    /// A step on PPT's track that its rules refuse.
    Ppt(PptError),
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
            ppt: None,
            individual_plan: None,
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
        // PPT's track is PPT's own: the school closing its case does not stop it.
        let always_allowed = matches!(
            action,
            Action::Reopen { .. }
                | Action::WithdrawConsent { .. }
                | Action::EraseIdentity
                | Action::PptReceived { .. }
                | Action::Ppt { .. }
        );
        if self.closure.is_some() && !always_allowed {
            return Err(RuleError::CaseClosed);
        }
        if let Some(date) = action.dates().into_iter().find(|d| !plausible(*d, today)) {
            return Err(RuleError::ImplausibleDate { date });
        }
        check_action_text(action)?;
        let next = self.clone();
        match action {
            Action::PlanMeeting { number, date } => self.plan_meeting(next, *number, *date, today),
            Action::RecordMeeting { number, date } => self.record_meeting(next, *number, *date, today),
            Action::Decide { decision, date } => self.decide(next, *decision, *date, today),
            Action::ReferralSent { date } => self.referral_sent(next, *date, today),
            Action::Close { date, reason } => {
                check_done_on(*date, self.created, today, Done::Closed)?;
                Ok(Case { closure: Some(Closure { date: *date, reason: required_reason(reason)? }), ..next })
            }
            Action::Reopen { date, reason } => self.reopen(next, *date, reason, today),
            Action::Edit(details) => {
                validate_details(details)?;
                let identifies = self.consent.is_some() || self.identity.is_some();
                if details.kind == CaseKind::System && identifies {
                    return Err(RuleError::ConsentOnlyForIndividual);
                }
                Ok(Case { details: trimmed(details.clone()), ..next })
            }
            Action::RecordConsent { consent, pupil, consent_age } => {
                self.record_consent(next, consent, pupil.as_ref(), *consent_age, today)
            }
            Action::WithdrawConsent { date } => {
                let consent = self.consent.as_ref().filter(|c| c.is_valid(today)).ok_or(RuleError::NoValidConsent)?;
                check_done_on(*date, consent.given_on, today, Done::ConsentWithdrawn)?;
                let withdrawn = Consent { withdrawn_on: Some(*date), ..consent.clone() };
                Ok(Case { consent: Some(withdrawn), identity: None, ..next })
            }
            Action::SetIdentity { identity, consent_age } => {
                if self.details.kind != CaseKind::Individual {
                    return Err(RuleError::ConsentOnlyForIndividual);
                }
                if !self.has_valid_consent(today) {
                    return Err(RuleError::NoValidConsent);
                }
                let next = Case { identity: Some(checked_identity(identity, today)?), ..next };
                next.check_pupil_consent_age(*consent_age)?;
                Ok(next)
            }
            Action::EraseIdentity => Ok(Case { identity: None, ..next }),
            Action::PptReceived { date } => {
                if self.ppt.is_some() {
                    return Err(RuleError::Ppt(PptError::AlreadyReceived));
                }
                let track = PptTrack::received(self.referral_sent, *date, today).map_err(RuleError::Ppt)?;
                Ok(Case { ppt: Some(track), ..next })
            }
            Action::Ppt { step, consent_age } => {
                let track = self.ppt.as_ref().ok_or(RuleError::Ppt(PptError::NotReceived))?;
                let context = TrackContext {
                    today,
                    pupil_born: self.identity.as_ref().and_then(|i| i.birth_date),
                    consent_age: *consent_age,
                };
                Ok(Case { ppt: Some(track.apply(step, &context).map_err(RuleError::Ppt)?), ..next })
            }
        }
    }

    fn plan_meeting(
        &self,
        mut next: Case,
        number: MeetingNo,
        date: NaiveDate,
        today: NaiveDate,
    ) -> Result<Case, RuleError> {
        self.check_meeting_change(number)?;
        if date < today {
            return Err(RuleError::PlannedInPast { date });
        }
        next.meetings[number.index()] = Some(Meeting { date, held: false });
        Ok(next)
    }

    fn record_meeting(
        &self,
        mut next: Case,
        number: MeetingNo,
        date: NaiveDate,
        today: NaiveDate,
    ) -> Result<Case, RuleError> {
        self.check_meeting_change(number)?;
        if date > today {
            return Err(RuleError::InFuture { date, done: Done::MeetingHeld });
        }
        // check_meeting_change found the meeting before held; should it not be,
        // the refusal is the same, never a panic.
        let previous = match number.previous() {
            Some(p) => self.held(p).ok_or(RuleError::PreviousNotHeld { number, previous: p })?,
            None => self.created,
        };
        if date < previous {
            return Err(RuleError::BeforePrevious { date, previous });
        }
        next.meetings[number.index()] = Some(Meeting { date, held: true });
        Ok(next)
    }

    fn decide(&self, mut next: Case, decision: Decision, date: NaiveDate, today: NaiveDate) -> Result<Case, RuleError> {
        let held3 = self.held(MeetingNo::ALL[2]).ok_or(RuleError::Meeting3NotHeld)?;
        if let Some((earlier, decided_on)) = self.decision {
            // Only "continue" awaits a follow-up decision.
            if earlier != Decision::Continue {
                return Err(RuleError::AlreadyDecided);
            }
            if date < decided_on {
                return Err(RuleError::BeforePrevious { date, previous: decided_on });
            }
        }
        check_done_on(date, held3, today, Done::Decided)?;
        next.decision = Some((decision, date));
        if decision == Decision::Close {
            next.closure = Some(Closure { date, reason: String::new() });
        }
        Ok(next)
    }

    fn referral_sent(&self, next: Case, date: NaiveDate, today: NaiveDate) -> Result<Case, RuleError> {
        if self.decision.map(|(d, _)| d) != Some(Decision::Refer) {
            return Err(RuleError::NoReferralDecided);
        }
        if self.referral_sent.is_some() {
            return Err(RuleError::ReferralAlreadySent);
        }
        // Only a damaged file holds a decision without meeting 3: refused, never a panic.
        let held3 = self.held(MeetingNo::ALL[2]).ok_or(RuleError::Meeting3NotHeld)?;
        check_done_on(date, held3, today, Done::ReferralSent)?;
        Ok(Case { referral_sent: Some(date), ..next })
    }

    fn reopen(&self, mut next: Case, date: NaiveDate, reason: &str, today: NaiveDate) -> Result<Case, RuleError> {
        let closure = self.closure.as_ref().ok_or(RuleError::CaseNotClosed)?;
        required_reason(reason)?;
        check_done_on(date, closure.date, today, Done::Reopened)?;
        next.closure = None;
        // A case closed by meeting 3 goes back to awaiting that decision.
        if matches!(self.decision, Some((Decision::Close, _))) {
            next.decision = None;
        }
        Ok(next)
    }

    fn record_consent(
        &self,
        mut next: Case,
        consent: &Consent,
        pupil: Option<&Identity>,
        consent_age: u32,
        today: NaiveDate,
    ) -> Result<Case, RuleError> {
        if self.details.kind != CaseKind::Individual {
            return Err(RuleError::ConsentOnlyForIndividual);
        }
        if consent.given_on > today {
            return Err(RuleError::InFuture { date: consent.given_on, done: Done::ConsentGiven });
        }
        if consent.expires_on.is_some_and(|e| e <= consent.given_on) {
            return Err(RuleError::ExpiresBeforeGiven);
        }
        next.consent = Some(Consent { scope: consent.scope.trim().to_string(), withdrawn_on: None, ..consent.clone() });
        if let Some(pupil) = pupil {
            next.identity = Some(checked_identity(pupil, today)?);
        }
        next.check_pupil_consent_age(consent_age)?;
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
fn check_done_on(date: NaiveDate, previous: NaiveDate, today: NaiveDate, done: Done) -> Result<(), RuleError> {
    if date > today {
        return Err(RuleError::InFuture { date, done });
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
mod tests;
