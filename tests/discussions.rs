//! Discussion meetings with PPT: the store, the command line, and the form that
//! must never name a pupil.

use std::path::Path;

use chrono::{NaiveDate, NaiveTime};
use saksgang::domain::{Action, DiscussionError};
use saksgang::domain::{
    CaseDetails, CaseKind, Consent, ConsentGiver, Difficulty, DiscussionMeeting, Gender, Identity, PREPARATION_POINTS,
};
use saksgang::store::Store;

// Shared with the other end-to-end tests, which use parts these do not.
#[allow(dead_code)]
mod common;

use common::pty::PASSPHRASE;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 11, 24)
}

fn details(kind: CaseKind, grade: &str) -> CaseDetails {
    CaseDetails {
        kind,
        school: "Bjørkåsen skole".into(),
        grade: grade.into(),
        gender: (kind == CaseKind::Individual).then_some(Gender::Jente),
        teacher: "Åse Ødegård".into(),
        description: "Lesevansker".into(),
    }
}

fn meeting_on(date: NaiveDate) -> DiscussionMeeting {
    let start = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
    DiscussionMeeting::new(uuid::Uuid::new_v4(), date, start, "Bjørkåsen skole", "Per i PPT", true, today()).unwrap()
}

#[test]
fn an_agenda_with_preparation_and_outcome_round_trips_and_is_in_the_cases_log() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db"), "tester", None).unwrap();
    let one = store.create_case(details(CaseKind::Individual, "5. trinn"), today(), today()).unwrap();
    let two = store.create_case(details(CaseKind::System, "7B"), today(), today()).unwrap();
    let mut meeting = meeting_on(d(2026, 12, 10));
    meeting.add_case(&one, Difficulty::Academic, None, 30).unwrap();
    meeting.add_case(&two, Difficulty::SocialBehaviour, None, 20).unwrap();
    meeting.items[0].preparation[0] = "Sterk muntlig; liker å tegne".into();
    meeting.items[0].preparation[PREPARATION_POINTS - 1] = "Ærlig og åpen familie".into();
    store.save_discussion(&meeting).unwrap();
    assert_eq!(store.discussion(meeting.id).unwrap(), Some(meeting.clone()));

    meeting.items[0].advice = "Prøv lesekurs i liten gruppe".into();
    meeting.items[0].next_step = "Henvisning vurderes i møte 3".into();
    meeting.remove_case(two.id).unwrap();
    store.save_discussion(&meeting).unwrap();
    assert_eq!(store.discussion(meeting.id).unwrap(), Some(meeting.clone()));

    let actions = |id| store.audit_of(id).unwrap().into_iter().map(|e| e.action).collect::<Vec<_>>();
    assert_eq!(actions(one.id), ["created", "discussion_planned", "discussed"]);
    assert_eq!(actions(two.id), ["created", "discussion_planned", "discussion_removed"]);
    let of_case = store.discussions_of_case(one.id).unwrap();
    assert_eq!(of_case.len(), 1);
    assert_eq!(of_case[0].1.advice, "Prøv lesekurs i liten gruppe");
    assert!(store.discussions_of_case(two.id).unwrap().is_empty());
    assert!(store.check().unwrap().is_ok());
}

#[test]
fn a_slot_over_30_minutes_is_refused_by_the_store_too_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db"), "tester", None).unwrap();
    let case = store.create_case(details(CaseKind::Individual, "5. trinn"), today(), today()).unwrap();
    let mut meeting = meeting_on(d(2026, 12, 10));
    meeting.add_case(&case, Difficulty::Other, None, 30).unwrap();
    store.save_discussion(&meeting).unwrap();
    let mut longer = meeting.clone();
    longer.items[0].minutes = 45;
    let error = store.save_discussion(&longer).unwrap_err();
    assert_eq!(error.downcast_ref::<DiscussionError>(), Some(&DiscussionError::SlotLength { minutes: 45 }));
    assert_eq!(store.discussion(meeting.id).unwrap(), Some(meeting));
}

#[test]
fn the_start_screen_hears_of_forms_due_from_8_days_before_until_sent() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db"), "tester", None).unwrap();
    let soon = meeting_on(d(2026, 12, 2));
    let later = meeting_on(d(2026, 12, 3));
    let mut sent = meeting_on(d(2026, 11, 30));
    sent.mark_form_sent(d(2026, 11, 20)).unwrap();
    let past = meeting_on(d(2026, 11, 23));
    for m in [&soon, &later, &sent, &past] {
        store.save_discussion(m).unwrap();
    }
    let ids: Vec<_> = store.unsent_discussion_forms(today()).unwrap().into_iter().map(|m| m.id).collect();
    assert_eq!(ids, [soon.id]);
    let tomorrow = store.unsent_discussion_forms(d(2026, 11, 25)).unwrap();
    assert_eq!(tomorrow.len(), 2);
}

fn saksgang(db: &Path, args: &[&str]) -> String {
    common::cli::ok(db, "2026-11-24", args)
}

#[test]
fn the_form_to_ppt_never_names_a_pupil_even_with_consent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let mut store = Store::open(&db, "tester", Some(PASSPHRASE)).unwrap();
    let named = store.create_case(details(CaseKind::Individual, "5. trinn"), today(), today()).unwrap();
    let consent = Consent {
        given_on: d(2026, 11, 1),
        given_by: ConsentGiver::Guardians,
        scope: "drøfting med PPT".into(),
        expires_on: None,
        withdrawn_on: None,
    };
    store.apply(named.id, &Action::consent(consent), today()).unwrap();
    let identity = Identity { name: "Åsmund Hemmeligsen".into(), birth_date: Some(d(2016, 2, 3)) };
    let named = store.apply(named.id, &Action::name(identity), today()).unwrap();
    store.create_case(details(CaseKind::System, "7B"), today(), today()).unwrap();
    drop(store);

    saksgang(&db, &["discussion", "plan", "--date", "03.12.2026", "--school", "Bjørkåsen skole", "--leader"]);
    saksgang(&db, &["discussion", "add", "03.12.2026", &named.reference, "--difficulty", "academic"]);
    let added =
        saksgang(&db, &["discussion", "add", "03.12.2026", "2026-002", "--difficulty", "social", "--minutes", "20"]);
    assert!(added.contains("09:00–09:20"), "consecutive slots from 08:30: {added}");
    let mut store = Store::open(&db, "tester", Some(PASSPHRASE)).unwrap();
    let mut meeting = store.discussions(None).unwrap().remove(0);
    meeting.items[0].preparation[0] = "Forberedelse som blir på skolen".into();
    store.save_discussion(&meeting).unwrap();
    drop(store);

    let pdf = dir.path().join("form.pdf");
    let md = dir.path().join("form.md");
    saksgang(&db, &["export", "discussion", "03.12.2026", "-o", pdf.to_str().unwrap()]);
    saksgang(&db, &["export", "discussion", "03.12.2026", "--format", "md", "-o", md.to_str().unwrap()]);
    let pdf_text = pdf_extract::extract_text(&pdf).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
    let md_text = std::fs::read_to_string(&md).unwrap();
    for text in [&pdf_text, &md_text] {
        for secret in ["Åsmund", "Hemmeligsen", "2016", "03.02", "Forberedelse som blir på skolen", "Lesevansker"] {
            assert!(!text.contains(secret), "{secret:?} leaked into the form: {text}");
        }
        for shown in ["5. trinn", "jente", "faglig", "7B", "sosialt/atferd", "Åse Ødegård", "03.12.2026"] {
            assert!(text.contains(shown), "{shown:?} missing from the form: {text}");
        }
    }
    assert!(md_text.contains("| 08:30–09:00 | 5. trinn | jente | faglig | nei | Åse Ødegård |"), "{md_text}");
}

#[test]
fn a_slot_of_45_minutes_is_refused_on_the_command_line_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let mut store = Store::open(&db, "tester", Some(PASSPHRASE)).unwrap();
    store.create_case(details(CaseKind::Individual, "5. trinn"), today(), today()).unwrap();
    drop(store);
    saksgang(&db, &["discussion", "plan", "--date", "03.12.2026", "--school", "Bjørkåsen skole"]);
    let add = ["discussion", "add", "03.12.2026", "2026-001", "--difficulty", "other", "--minutes", "45"];
    let out = common::cli::run(&db, "2026-11-24", &add);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("høyst 30 minutter") && err.contains("45"), "{err}");
    let listed = saksgang(&db, &["discussion", "list", "--json"]);
    let meetings: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(meetings[0]["items"].as_array().unwrap().len(), 0, "nothing stored");
    assert_eq!(meetings[0]["form_state"], "not_yet", "nine days before the meeting");
}
