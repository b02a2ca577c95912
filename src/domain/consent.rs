//! Consent and anonymity: an individual case holds a pupil's name and birth date
//! only while a valid consent covers it.

use super::codes::coded;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::case::Case;
use super::dates::add_days;

/// The pupil's own consent replaces the guardians' from this age, unless the
/// settings say otherwise (municipal routines differ: 15 or 16).
pub const DEFAULT_CONSENT_AGE: u32 = 15;

/// Warnings look this many days ahead.
pub const CONSENT_WARNING_DAYS: u64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentGiver {
    Guardians,
    Pupil,
}

coded!(ConsentGiver in "giver" {
    Guardians => "guardians",
    Pupil => "pupil",
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub given_on: NaiveDate,
    pub given_by: ConsentGiver,
    /// What it covers: discussion with PPT, cooperation with named services.
    pub scope: String,
    /// The first day it no longer holds.
    pub expires_on: Option<NaiveDate>,
    pub withdrawn_on: Option<NaiveDate>,
}

impl Consent {
    pub fn is_valid(&self, today: NaiveDate) -> bool {
        self.given_on <= today
            && self.withdrawn_on.is_none_or(|w| w > today)
            && self.expires_on.is_none_or(|e| today < e)
    }

    /// Valid today, but not `days` from now.
    pub fn expires_within(&self, today: NaiveDate, days: u64) -> bool {
        self.is_valid(today) && self.expires_on.is_some_and(|e| e <= add_days(today, days))
    }
}

/// What identifies the pupil. Kept only under a valid consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub name: String,
    pub birth_date: Option<NaiveDate>,
}

/// Whole years from `birth` to `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

impl Case {
    pub fn has_valid_consent(&self, today: NaiveDate) -> bool {
        self.consent.as_ref().is_some_and(|c| c.is_valid(today))
    }

    /// Identifying data held without a valid consent: it must be erased.
    pub fn identity_must_be_erased(&self, today: NaiveDate) -> bool {
        self.identity.is_some() && !self.has_valid_consent(today)
    }

    /// Whether the pupil and the guardians may be named in the minutes: as the
    /// pupil's own name, only in a pupil's case under a valid consent.
    pub fn may_name_family(&self, today: NaiveDate) -> bool {
        self.details.kind == super::case::CaseKind::Individual && self.has_valid_consent(today)
    }

    /// The guardians consented, and the pupil reaches the age to consent for
    /// themself within the warning period (or already has).
    pub fn consent_moves_to_pupil(&self, today: NaiveDate, consent_age: u32) -> bool {
        let by_guardians =
            self.consent.as_ref().is_some_and(|c| c.is_valid(today) && c.given_by == ConsentGiver::Guardians);
        let birth = self.identity.as_ref().and_then(|i| i.birth_date);
        by_guardians && birth.is_some_and(|b| age_on(b, add_days(today, CONSENT_WARNING_DAYS)) >= consent_age)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::tests::{date, sample_case};
    use proptest::prelude::*;

    fn consent(given: NaiveDate) -> Consent {
        Consent {
            given_on: given,
            given_by: ConsentGiver::Guardians,
            scope: "Drøfting med PPT".into(),
            expires_on: None,
            withdrawn_on: None,
        }
    }

    #[test]
    fn a_consent_holds_from_the_day_given_until_withdrawn_or_expired() {
        let mut c = consent(date(2026, 9, 1));
        assert!(!c.is_valid(date(2026, 8, 31)));
        assert!(c.is_valid(date(2026, 9, 1)));
        c.expires_on = Some(date(2027, 6, 20));
        assert!(c.is_valid(date(2027, 6, 19)));
        assert!(!c.is_valid(date(2027, 6, 20)), "the expiry day is the first day without it");
        assert!(c.expires_within(date(2027, 5, 21), 30));
        assert!(!c.expires_within(date(2027, 5, 20), 30));
        c.withdrawn_on = Some(date(2026, 10, 1));
        assert!(c.is_valid(date(2026, 9, 30)));
        assert!(!c.is_valid(date(2026, 10, 1)));
    }

    #[test]
    fn ages_count_whole_years_and_leap_days() {
        assert_eq!(age_on(date(2011, 11, 23), date(2026, 11, 22)), 14);
        assert_eq!(age_on(date(2011, 11, 23), date(2026, 11, 23)), 15);
        assert_eq!(age_on(date(2012, 2, 29), date(2027, 2, 28)), 14);
        assert_eq!(age_on(date(2012, 2, 29), date(2027, 3, 1)), 15);
        assert_eq!(age_on(date(2026, 1, 1), date(2025, 1, 1)), 0);
    }

    #[test]
    fn identity_without_valid_consent_must_go() {
        let mut case = sample_case();
        let today = date(2026, 11, 23);
        case.identity = Some(Identity { name: "Kari".into(), birth_date: None });
        assert!(case.identity_must_be_erased(today));
        case.consent = Some(consent(date(2026, 9, 1)));
        assert!(!case.identity_must_be_erased(today));
        case.consent.as_mut().unwrap().expires_on = Some(today);
        assert!(case.identity_must_be_erased(today));
    }

    #[test]
    fn consent_moves_to_the_pupil_near_the_age_limit() {
        let mut case = sample_case();
        let today = date(2026, 11, 23);
        case.consent = Some(consent(date(2026, 9, 1)));
        case.identity = Some(Identity { name: "Kari".into(), birth_date: Some(date(2011, 12, 20)) });
        assert!(case.consent_moves_to_pupil(today, 15), "15 on 20.12, within 30 days");
        assert!(!case.consent_moves_to_pupil(today, 16));
        case.consent.as_mut().unwrap().given_by = ConsentGiver::Pupil;
        assert!(!case.consent_moves_to_pupil(today, 15), "the pupil has consented already");
    }

    proptest! {
        #[test]
        fn age_grows_by_one_each_birthday(year in 2000i32..2020, month in 1u32..=12, day in 1u32..=28, years in 0u32..20) {
            let birth = date(year, month, day);
            let birthday = date(year + years as i32, month, day);
            prop_assert_eq!(age_on(birth, birthday), years);
            if years > 0 {
                prop_assert_eq!(age_on(birth, birthday.pred_opt().unwrap()), years - 1);
            }
        }
    }
}
