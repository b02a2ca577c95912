//! What a user can ask of a case, and a case made with its history at once.

use chrono::NaiveDate;

use super::case::{CaseDetails, Decision, MeetingNo};
use super::consent::{Consent, Identity};
use super::ppt::PptStep;

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
    /// PPT registered the referral on `date`: its track starts.
    PptReceived {
        date: NaiveDate,
    },
    /// A step on PPT's track (the pupil's own consent counts from `consent_age`).
    Ppt {
        step: PptStep,
        consent_age: u32,
    },
}

impl Action {
    /// The days the action records, each to be a plausible day of a case.
    pub(super) fn dates(&self) -> Vec<NaiveDate> {
        match self {
            Action::PlanMeeting { date, .. }
            | Action::RecordMeeting { date, .. }
            | Action::Decide { date, .. }
            | Action::ReferralSent { date }
            | Action::Close { date, .. }
            | Action::Reopen { date, .. }
            | Action::WithdrawConsent { date }
            | Action::PptReceived { date } => vec![*date],
            Action::Ppt { step, .. } => step.dates(),
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

/// A case to create, and what happened to it since (demo data, imports): each
/// action passes the rules as if typed.
#[derive(Debug, Clone)]
pub struct CaseHistory {
    pub details: CaseDetails,
    pub created: NaiveDate,
    pub history: Vec<Action>,
}
