//! The rules of the process, tried one by one: each a case and what it refuses.

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
    let case = case.apply(&Action::Decide { decision: Decision::Refer, date: date(2026, 11, 20) }, today()).unwrap();
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
    assert_eq!(new(details.clone(), date(2026, 11, 24)), Err(RuleError::CreatedInFuture { date: date(2026, 11, 24) }));
    let system = CaseDetails { kind: CaseKind::System, ..details.clone() };
    assert_eq!(new(system.clone(), today()), Err(RuleError::GenderOnlyForIndividual));
    assert!(new(CaseDetails { gender: None, ..system }, today()).is_ok());
    let padded = CaseDetails { school: "  Bjørkå skole ".into(), ..details };
    assert_eq!(new(padded, today()).unwrap().details.school, "Bjørkå skole");
}

#[test]
fn no_stage_can_be_skipped() {
    let case = sample_case();
    assert_eq!(record(&case, 2, date(2026, 10, 1)), Err(RuleError::PreviousNotHeld { number: m(2), previous: m(1) }));
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
    assert_eq!(
        record(&case, 1, date(2026, 11, 24)),
        Err(RuleError::InFuture { date: date(2026, 11, 24), done: Done::MeetingHeld })
    );
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
    let with_plan = corrected.apply(&Action::PlanMeeting { number: m(2), date: date(2026, 12, 1) }, today()).unwrap();
    assert_eq!(record(&with_plan, 1, date(2026, 10, 11)), Err(RuleError::LaterStepRecorded { number: m(1) }));
    let decided =
        through_meeting_3().apply(&Action::Decide { decision: Decision::Continue, date: today() }, today()).unwrap();
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
    let reopened = closed.apply(&Action::Reopen { date: today(), reason: "Flyttet tilbake".into() }, today()).unwrap();
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
    assert_eq!(withdrawn.apply(&Action::WithdrawConsent { date: today() }, today()), Err(RuleError::NoValidConsent));
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
        Err(RuleError::InFuture { date: date(2026, 11, 24), done: Done::ConsentGiven })
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
    let system_with_gender = CaseDetails { kind: CaseKind::System, gender: Some(Gender::Gutt), ..case.details.clone() };
    assert_eq!(case.apply(&Action::Edit(system_with_gender), today()), Err(RuleError::GenderOnlyForIndividual));
    let edited = CaseDetails { teacher: "Øystein Å".into(), ..case.details.clone() };
    assert_eq!(case.apply(&Action::Edit(edited), today()).unwrap().details.teacher, "Øystein Å");
}

#[test]
fn the_school_closing_its_case_does_not_stop_ppts_track() {
    let referred = through_meeting_3()
        .apply(&Action::Decide { decision: Decision::Refer, date: date(2026, 11, 20) }, today())
        .and_then(|c| c.apply(&Action::ReferralSent { date: date(2026, 11, 21) }, today()))
        .and_then(|c| c.apply(&Action::PptReceived { date: date(2026, 11, 22) }, today()))
        .unwrap();
    let closed = referred.apply(&Action::Close { date: today(), reason: "Henvist".into() }, today()).unwrap();
    let assign =
        crate::domain::ppt::PptStep::Assign(crate::domain::ppt::Assignment { adviser: "Per".into(), on: today() });
    let step = Action::Ppt { step: assign, consent_age: 15 };
    let after = closed.apply(&step, today()).unwrap();
    assert_eq!(after.ppt.and_then(|t| t.assigned).map(|a| a.adviser).as_deref(), Some("Per"));
    let edit = Action::Edit(closed.details.clone());
    assert_eq!(closed.apply(&edit, today()), Err(RuleError::CaseClosed), "the school's own part stays frozen");
}
