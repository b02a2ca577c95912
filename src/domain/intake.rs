//! What comes in from outside (a kit from another machine) passes the same rules
//! as what is typed: a case as a whole, and each entry of its log.

use super::{AuditAction, Coded};
use chrono::NaiveDate;
use serde_json::Value;

use super::case::{Case, CaseKind};
use super::consent::Identity;
use super::dates::plausible;
use super::merge::CaseSnapshot;
use super::record::RecordError;
use super::rules::{Done, RuleError, validate_details};
use super::text::{TextError, check_line, check_text};
use super::{MeetingNo, iso_date};

/// Why a case read in breaks the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Broken {
    /// A rule a typed case is held to (details, dates, consent, text).
    Rule(RuleError),
    /// The minutes of a meeting.
    Record(MeetingNo, RecordError),
    /// Steps that could not have been recorded in this order.
    StepsOutOfOrder,
    /// A step recorded after the case was closed.
    AfterClosure,
    /// A reference not of the form YEAR-NUMBER.
    Reference,
    /// A log entry of an action saksgang does not write, or with other facts than
    /// saksgang writes for it, or naming the pupil outside the identity fields.
    LogEntry { action: String },
}

impl From<RuleError> for Broken {
    fn from(error: RuleError) -> Broken {
        Broken::Rule(error)
    }
}

impl From<TextError> for Broken {
    fn from(error: TextError) -> Broken {
        Broken::Rule(RuleError::Text(error))
    }
}

/// Whether `reference` has the form saksgang gives: a year, a dash, a number.
pub fn reference_is_wellformed(reference: &str) -> bool {
    reference.split_once('-').is_some_and(|(year, number)| {
        year.len() == 4
            && year.bytes().all(|b| b.is_ascii_digit())
            && (1..=9).contains(&number.len())
            && number.bytes().all(|b| b.is_ascii_digit())
    })
}

impl Case {
    /// The whole case as the rules let it be typed, one action after another.
    pub fn check_whole(&self, today: NaiveDate, consent_age: u32) -> Result<(), Broken> {
        if !reference_is_wellformed(&self.reference) {
            return Err(Broken::Reference);
        }
        validate_details(&self.details)?;
        let mut days: Vec<NaiveDate> = vec![self.created];
        days.extend(self.meetings.iter().flatten().map(|m| m.date));
        days.extend(self.decision.map(|(_, on)| on));
        days.extend(self.referral_sent);
        days.extend(self.closure.as_ref().map(|c| c.date));
        if let Some(consent) = &self.consent {
            days.extend([Some(consent.given_on), consent.expires_on, consent.withdrawn_on].into_iter().flatten());
        }
        days.extend(self.ppt.iter().flat_map(super::ppt::PptTrack::days));
        if let Some(day) = days.into_iter().find(|d| !plausible(*d, today)) {
            return Err(RuleError::ImplausibleDate { date: day }.into());
        }
        if self.created > today {
            return Err(RuleError::CreatedInFuture { date: self.created }.into());
        }
        let done: Vec<(NaiveDate, Done)> = self
            .meetings
            .iter()
            .flatten()
            .filter(|m| m.held)
            .map(|m| (m.date, Done::MeetingHeld))
            .chain(self.decision.map(|(_, on)| (on, Done::Decided)))
            .chain(self.referral_sent.map(|on| (on, Done::ReferralSent)))
            .collect();
        if let Some(&(date, done)) = done.iter().find(|(d, _)| *d > today) {
            return Err(RuleError::InFuture { date, done }.into());
        }
        if !self.steps_in_order() {
            return Err(Broken::StepsOutOfOrder);
        }
        if let Some(closure) = &self.closure {
            check_text(&closure.reason)?;
            if done.iter().any(|(d, _)| *d > closure.date) || closure.date < self.created {
                return Err(Broken::AfterClosure);
            }
        }
        self.check_consent_and_identity(today, consent_age)?;
        if let Some(track) = &self.ppt {
            let pupil_born = self.identity.as_ref().and_then(|i| i.birth_date);
            let context = super::ppt::TrackContext { today, pupil_born, consent_age };
            track.check_whole(self.referral_sent, &context).map_err(RuleError::Ppt)?;
        }
        Ok(())
    }

    fn check_consent_and_identity(&self, today: NaiveDate, consent_age: u32) -> Result<(), Broken> {
        let identifies = self.consent.is_some() || self.identity.is_some();
        if self.details.kind == CaseKind::System && identifies {
            return Err(RuleError::ConsentOnlyForIndividual.into());
        }
        if let Some(consent) = &self.consent {
            check_line(&consent.scope)?;
            if consent.expires_on.is_some_and(|e| e <= consent.given_on) {
                return Err(RuleError::ExpiresBeforeGiven.into());
            }
            if let Some(withdrawn) = consent.withdrawn_on.filter(|w| *w < consent.given_on) {
                return Err(RuleError::BeforePrevious { date: withdrawn, previous: consent.given_on }.into());
            }
        }
        if let Some(Identity { name, birth_date }) = &self.identity {
            check_line(name)?;
            if name.trim().is_empty() {
                return Err(RuleError::Required(super::Field::Name).into());
            }
            if let Some(born) = birth_date.filter(|b| *b > today) {
                return Err(RuleError::BornInFuture { date: born }.into());
            }
        }
        if self.identity.is_some() || self.has_valid_consent(today) {
            self.check_pupil_consent_age(consent_age)?;
        }
        Ok(())
    }
}

impl CaseSnapshot {
    /// The case and its minutes as the rules let them be typed.
    pub fn check_whole(&self, today: NaiveDate, consent_age: u32) -> Result<(), Broken> {
        self.case.check_whole(today, consent_age)?;
        let measures = self.records[1].as_ref().map(|r| r.measures.clone()).unwrap_or_default();
        for number in MeetingNo::ALL {
            if let Some(record) = &self.records[number.index()] {
                let meeting_on = self.case.meeting(number).map(|m| m.date);
                let checked = record.validate(number, &measures).and(record.check_days(meeting_on, today));
                checked.map_err(|e| Broken::Record(number, e))?;
            }
        }
        Ok(())
    }
}

/// A log entry from another machine, held to what saksgang itself writes: a known
/// action with its own facts, texts without control characters, a time, and no
/// trace of the pupil's name or birth date (`identity`, when the kit holds them).
pub fn check_log_entry(
    at: &str,
    actor: &str,
    action: &str,
    detail: &Value,
    identity: Option<&Identity>,
) -> Result<(), Broken> {
    let broken = || Broken::LogEntry { action: action.chars().take(40).collect() };
    let Some(keys) = AuditAction::from_code(action).map(AuditAction::fact_keys) else { return Err(broken()) };
    let Some(facts) = detail.as_object() else { return Err(broken()) };
    if facts.keys().any(|key| !keys.contains(&key.as_str())) {
        return Err(broken());
    }
    if chrono::DateTime::parse_from_rfc3339(at).is_err() || check_line(actor).is_err() {
        return Err(broken());
    }
    let mut texts = Vec::new();
    collect_texts(detail, &mut texts);
    if texts.iter().any(|t| check_text(t).is_err()) {
        return Err(broken());
    }
    if let Some(Identity { name, birth_date }) = identity {
        let mut traces: Vec<String> = vec![name.trim().to_lowercase()];
        traces.extend(birth_date.map(iso_date));
        traces.extend(birth_date.map(super::format_date));
        let names = |t: &str| traces.iter().any(|trace| !trace.is_empty() && t.to_lowercase().contains(trace));
        if texts.iter().any(|t| names(t)) || names(actor) {
            return Err(broken());
        }
    }
    Ok(())
}

fn collect_texts<'a>(value: &'a Value, texts: &mut Vec<&'a str>) {
    match value {
        Value::String(text) => texts.push(text),
        Value::Array(items) => items.iter().for_each(|v| collect_texts(v, texts)),
        Value::Object(fields) => fields.iter().for_each(|(key, v)| {
            texts.push(key);
            collect_texts(v, texts);
        }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::tests::{date, sample_case};
    use crate::domain::{Closure, Decision, Meeting};
    use serde_json::json;

    fn today() -> NaiveDate {
        date(2026, 11, 23)
    }

    #[test]
    fn a_case_made_by_the_rules_passes() {
        assert_eq!(sample_case().check_whole(today(), 15), Ok(()));
    }

    #[test]
    fn what_no_user_could_type_is_found() {
        let mut system_with_gender = sample_case();
        system_with_gender.details.kind = CaseKind::System;
        assert_eq!(system_with_gender.check_whole(today(), 15), Err(Broken::Rule(RuleError::GenderOnlyForIndividual)));

        let mut no_school = sample_case();
        no_school.details.school = " ".into();
        assert!(matches!(no_school.check_whole(today(), 15), Err(Broken::Rule(RuleError::Required(_)))));

        let mut third_first = sample_case();
        third_first.meetings[2] = Some(Meeting { date: date(2026, 11, 1), held: true });
        assert_eq!(third_first.check_whole(today(), 15), Err(Broken::StepsOutOfOrder));

        let mut referred_undecided = sample_case();
        referred_undecided.referral_sent = Some(date(2026, 11, 1));
        assert_eq!(referred_undecided.check_whole(today(), 15), Err(Broken::StepsOutOfOrder));

        let mut far_future = sample_case();
        far_future.closure = Some(Closure { date: date(2026, 11, 1), reason: String::new() });
        far_future.meetings[0] = Some(Meeting { date: NaiveDate::from_ymd_opt(99999, 1, 1).unwrap(), held: false });
        assert!(matches!(far_future.check_whole(today(), 15), Err(Broken::Rule(RuleError::ImplausibleDate { .. }))));

        let mut after_closure = sample_case();
        after_closure.meetings[0] = Some(Meeting { date: date(2026, 11, 10), held: true });
        after_closure.closure = Some(Closure { date: date(2026, 11, 5), reason: "x".into() });
        assert_eq!(after_closure.check_whole(today(), 15), Err(Broken::AfterClosure));

        let mut odd_reference = sample_case();
        odd_reference.reference = "2026-1; DROP".into();
        assert_eq!(odd_reference.check_whole(today(), 15), Err(Broken::Reference));
        assert!(reference_is_wellformed("2026-1") && reference_is_wellformed("2026-001"));

        let mut decided = sample_case();
        decided.decision = Some((Decision::Refer, date(2026, 11, 1)));
        assert_eq!(decided.check_whole(today(), 15), Err(Broken::StepsOutOfOrder));
    }

    #[test]
    fn a_log_entry_is_held_to_what_saksgang_writes() {
        let at = "2026-11-20T10:00:00Z";
        let guro = Identity { name: "Guro Løvås".into(), birth_date: Some(date(2015, 3, 14)) };
        let ok = check_log_entry(at, "Kari", "meeting_held", &json!({"meeting": 1, "date": "2026-11-20"}), Some(&guro));
        assert_eq!(ok, Ok(()));
        let refused = |action: &str, detail: Value| check_log_entry(at, "Kari", action, &detail, Some(&guro)).is_err();
        assert!(refused("shell", json!({})), "an unknown action");
        assert!(refused("viewed", json!({"who": "Guro Løvås"})), "a fact saksgang never writes");
        assert!(refused("closed", json!({"date": "2026-11-20", "reason": "Guro løvås flyttet"})), "the name");
        assert!(refused("closed", json!({"date": "2026-11-20", "reason": "født 14.03.2015"})), "the birth date");
        assert!(refused("closed", json!({"date": "2026-11-20", "reason": "\u{1b}[2J"})), "an escape");
        assert!(refused("viewed", json!([])), "facts are an object");
        assert!(check_log_entry("i går", "Kari", "viewed", &json!({}), None).is_err(), "a time");
        assert!(check_log_entry(at, "Kari\u{7}", "viewed", &json!({}), None).is_err(), "the actor");
    }
}
