//! The store against real SQLite files in a temporary folder.

use chrono::NaiveDate;
use rusqlite::Connection;
use saksgang::domain::{Action, CaseDetails, CaseKind, Decision, Gender, MeetingNo, RuleError, Stage, Status};
use saksgang::store::{CaseQuery, OpenError, Order, StatusFilter, Store, current_version};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 11, 23)
}

fn details(school: &str) -> CaseDetails {
    CaseDetails {
        kind: CaseKind::Individual,
        school: school.into(),
        grade: "5. trinn".into(),
        gender: Some(Gender::Jente),
        teacher: "Åse Ødegård".into(),
        description: "Strever med lesing; ÆØÅ-test".into(),
    }
}

fn m(n: u8) -> MeetingNo {
    MeetingNo::new(n).unwrap()
}

fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("nested/folder/saksgang.db"), "tester", None).unwrap();
    (dir, store)
}

fn audit_count(store: &Store, id: uuid::Uuid) -> usize {
    store.audit_of(id).unwrap().len()
}

#[test]
fn a_case_round_trips_with_its_meetings_and_decision() {
    let (dir, mut store) = temp_store();
    let case = store.create_case(details("Bjørkå skole"), d(2026, 9, 1), today()).unwrap();
    assert_eq!(case.reference, "2026-001");
    let id = case.id;
    store.apply(id, &Action::RecordMeeting { number: m(1), date: d(2026, 9, 10) }, today()).unwrap();
    store.apply(id, &Action::RecordMeeting { number: m(2), date: d(2026, 10, 1) }, today()).unwrap();
    store.apply(id, &Action::PlanMeeting { number: m(3), date: d(2026, 12, 1) }, today()).unwrap();
    let expected = store.case_by_id(id).unwrap().unwrap();
    drop(store);

    let store = Store::open(&dir.path().join("nested/folder/saksgang.db"), "tester", None).unwrap();
    let loaded = store.case_by_reference("2026-001").unwrap().unwrap();
    assert_eq!(loaded, expected);
    assert_eq!(loaded.details.teacher, "Åse Ødegård");
    assert_eq!(loaded.stage(), Stage::Meeting2);
    assert_eq!(loaded.planned(m(3)), Some(d(2026, 12, 1)));
    assert!(store.case_by_reference("2026-999").unwrap().is_none());
}

#[test]
fn references_count_per_year() {
    let (_dir, mut store) = temp_store();
    let a = store.create_case(details("A"), d(2025, 12, 31), today()).unwrap();
    let b = store.create_case(details("B"), d(2026, 1, 2), today()).unwrap();
    let c = store.create_case(details("C"), d(2025, 6, 1), today()).unwrap();
    assert_eq!([a.reference, b.reference, c.reference], ["2025-001", "2026-001", "2025-002"]);
}

#[test]
fn every_change_is_audited_in_the_same_transaction() {
    let (_dir, mut store) = temp_store();
    let case = store.create_case(details("A"), today(), today()).unwrap();
    assert_eq!(audit_count(&store, case.id), 1);
    store.apply(case.id, &Action::RecordMeeting { number: m(1), date: today() }, today()).unwrap();
    let trail = store.audit_of(case.id).unwrap();
    assert_eq!(trail.len(), 2);
    assert_eq!(trail[1].action, "meeting_held");
    assert_eq!(trail[1].actor, "tester");
    assert_eq!(trail[1].detail["meeting"], 1);
    assert_eq!(trail[1].detail["date"], "2026-11-23");
    assert!(chrono::DateTime::parse_from_rfc3339(&trail[1].at).is_ok(), "{}", trail[1].at);

    // A refused change stores nothing and audits nothing.
    let err = store.apply(case.id, &Action::RecordMeeting { number: m(3), date: today() }, today()).unwrap_err();
    assert_eq!(err.downcast_ref::<RuleError>(), Some(&RuleError::PreviousNotHeld { number: m(3), previous: m(2) }));
    assert_eq!(audit_count(&store, case.id), 2);
    assert_eq!(store.case_by_id(case.id).unwrap().unwrap().held(m(3)), None);

    let mut edited = case.details.clone();
    edited.teacher = "Ny Lærer".into();
    store.apply(case.id, &Action::Edit(edited), today()).unwrap();
    let last = store.audit_of(case.id).unwrap().pop().unwrap();
    assert_eq!(last.action, "edited");
    assert_eq!(last.detail, serde_json::json!({"teacher": ["Åse Ødegård", "Ny Lærer"]}));
}

#[test]
fn the_audit_log_refuses_updates_and_deletes() {
    let (dir, mut store) = temp_store();
    store.create_case(details("A"), today(), today()).unwrap();
    drop(store);
    let conn = Connection::open(dir.path().join("nested/folder/saksgang.db")).unwrap();
    let update = conn.execute("UPDATE audit SET actor = 'someone else'", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    assert!(conn.execute("DELETE FROM audit", []).is_err());
}

#[test]
fn a_closed_case_reopens_and_the_trail_says_so() {
    let (_dir, mut store) = temp_store();
    let case = store.create_case(details("A"), d(2026, 10, 1), today()).unwrap();
    let closed = store.apply(case.id, &Action::Close { date: today(), reason: "Flyttet".into() }, today()).unwrap();
    assert_eq!(closed.status(), Status::Closed);
    let err = store.apply(case.id, &Action::RecordMeeting { number: m(1), date: today() }, today()).unwrap_err();
    assert_eq!(err.downcast_ref::<RuleError>(), Some(&RuleError::CaseClosed));
    store.apply(case.id, &Action::Reopen { date: today(), reason: "Tilbake".into() }, today()).unwrap();
    let actions: Vec<String> = store.audit_of(case.id).unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["created", "closed", "reopened"]);
}

#[test]
fn a_new_file_gets_the_current_schema_and_opening_again_is_harmless() {
    let (dir, store) = temp_store();
    assert_eq!(store.schema_version().unwrap(), current_version());
    drop(store);
    let path = dir.path().join("nested/folder/saksgang.db");
    let conn = Connection::open(&path).unwrap();
    let journal: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(journal, "wal");
    drop(conn);
    let store = Store::open(&path, "tester", None).unwrap();
    assert_eq!(store.schema_version().unwrap(), current_version());
}

#[test]
fn a_database_of_a_newer_version_is_refused_and_left_untouched() {
    let (dir, store) = temp_store();
    drop(store);
    let path = dir.path().join("nested/folder/saksgang.db");
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", current_version() + 1).unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;").unwrap();
    drop(conn);
    let before = std::fs::read(&path).unwrap();

    let err = Store::open(&path, "tester", None).err().unwrap();
    assert_eq!(
        err.downcast_ref::<OpenError>(),
        Some(&OpenError::NewerVersion {
            path: path.clone(),
            found: current_version() + 1,
            supported: current_version()
        })
    );
    assert_eq!(std::fs::read(&path).unwrap(), before, "the file is not changed");
}

#[test]
fn a_file_that_is_not_ours_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let text_file = dir.path().join("notes.db");
    std::fs::write(&text_file, "Dette er ikke en database, bare tekst.\n".repeat(200)).unwrap();
    let other_sqlite = dir.path().join("other.sqlite");
    let conn = Connection::open(&other_sqlite).unwrap();
    conn.execute_batch("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('lapskaus');").unwrap();
    drop(conn);

    for path in [text_file, other_sqlite] {
        let before = std::fs::read(&path).unwrap();
        let err = Store::open(&path, "tester", None).err().unwrap();
        assert_eq!(err.downcast_ref::<OpenError>(), Some(&OpenError::NotSaksgang { path: path.clone() }), "{err:#}");
        assert_eq!(std::fs::read(&path).unwrap(), before, "{} changed", path.display());
        assert!(!path.with_extension("db-wal").exists());
    }
}

#[test]
fn an_empty_file_becomes_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    std::fs::write(&path, "").unwrap();
    let store = Store::open(&path, "tester", None).unwrap();
    assert_eq!(store.schema_version().unwrap(), current_version());
}

/// Makes cases in several states, returns them by name.
fn mixed(store: &mut Store) -> Vec<(&'static str, uuid::Uuid)> {
    let mut ids = Vec::new();
    let mut new = |store: &mut Store, name: &'static str, school: &str, actions: &[Action]| {
        let case = store.create_case(details(school), d(2026, 8, 1), today()).unwrap();
        for action in actions {
            store.apply(case.id, action, today()).unwrap();
        }
        ids.push((name, case.id));
    };
    new(store, "sparring", "Åsen skole", &[]);
    new(store, "overdue", "Bakken skole", &[Action::RecordMeeting { number: m(1), date: d(2026, 9, 1) }]);
    new(store, "soon", "Dalen skole", &[Action::RecordMeeting { number: m(1), date: d(2026, 10, 27) }]);
    new(store, "later", "Øvre skole", &[Action::RecordMeeting { number: m(1), date: d(2026, 11, 20) }]);
    new(
        store,
        "closed",
        "Bakken skole",
        &[
            Action::RecordMeeting { number: m(1), date: d(2026, 8, 20) },
            Action::Close { date: today(), reason: "Løst".into() },
        ],
    );
    ids
}

#[test]
fn the_start_query_puts_the_most_urgent_first_and_skips_closed_cases() {
    let (_dir, mut store) = temp_store();
    mixed(&mut store);
    let query = CaseQuery { order: Order::Urgency, ..CaseQuery::default() };
    let rows = store.list_cases(&query, 0, 50).unwrap();
    let schools: Vec<_> = rows.iter().map(|r| r.school.as_str()).collect();
    assert_eq!(schools, ["Bakken skole", "Dalen skole", "Øvre skole", "Åsen skole"]);
    assert_eq!(rows[0].next_due, Some(d(2026, 10, 1)));
    assert_eq!(rows[3].next_due, None);
    assert_eq!(store.count_cases(&query, None).unwrap(), 4);

    let due_within_7 = CaseQuery { due_by: Some(d(2026, 11, 30)), ..query.clone() };
    assert_eq!(store.count_cases(&due_within_7, None).unwrap(), 2);
    // Paging gives the same rows as one long read.
    let paged: Vec<_> =
        (0..4).flat_map(|i| store.list_cases(&query, i, 1).unwrap()).map(|r| r.school).collect::<Vec<_>>();
    assert_eq!(paged, schools);
}

#[test]
fn list_filters_by_status_stage_and_search_words() {
    let (_dir, mut store) = temp_store();
    mixed(&mut store);
    let count = |q: CaseQuery| store.count_cases(&q, None).unwrap();
    assert_eq!(count(CaseQuery { status: StatusFilter::All, ..CaseQuery::default() }), 5);
    assert_eq!(count(CaseQuery { status: StatusFilter::Closed, ..CaseQuery::default() }), 1);
    assert_eq!(count(CaseQuery { stage: Some(Stage::Meeting1), ..CaseQuery::default() }), 3);
    assert_eq!(count(CaseQuery { search: "bakken".into(), ..CaseQuery::default() }), 1);
    assert_eq!(count(CaseQuery { search: "BAKKEN".into(), status: StatusFilter::All, ..CaseQuery::default() }), 2);
    assert_eq!(count(CaseQuery { search: "ÅSEN".into(), ..CaseQuery::default() }), 1, "æøå fold case");
    assert_eq!(count(CaseQuery { search: "øvre  skole".into(), ..CaseQuery::default() }), 1, "all words must match");
    assert_eq!(count(CaseQuery { search: "ødegård".into(), ..CaseQuery::default() }), 4, "teacher");
    assert_eq!(count(CaseQuery { search: "2026-002".into(), ..CaseQuery::default() }), 1, "reference");
    assert_eq!(count(CaseQuery { search: "%".into(), ..CaseQuery::default() }), 0, "wildcards are literal");
    let newest = CaseQuery { order: Order::Newest, status: StatusFilter::All, ..CaseQuery::default() };
    let refs: Vec<_> = store.list_cases(&newest, 0, 10).unwrap().into_iter().map(|r| r.reference).collect();
    assert_eq!(refs, ["2026-005", "2026-004", "2026-003", "2026-002", "2026-001"]);
}

#[test]
fn stage_counts_cover_open_cases_and_count_closed_apart() {
    let (_dir, mut store) = temp_store();
    mixed(&mut store);
    let counts = store.stage_counts().unwrap();
    assert_eq!(counts.closed, 1);
    let get = |stage| counts.per_stage.iter().find(|(s, _)| *s == stage).unwrap().1;
    assert_eq!(get(Stage::InternalSparring), 1);
    assert_eq!(get(Stage::Meeting1), 3);
    assert_eq!(get(Stage::Referred), 0);
}

#[test]
fn a_whole_process_through_the_store() {
    let (_dir, mut store) = temp_store();
    let case = store.create_case(details("A"), d(2026, 8, 1), today()).unwrap();
    let steps = [
        Action::RecordMeeting { number: m(1), date: d(2026, 8, 15) },
        Action::RecordMeeting { number: m(2), date: d(2026, 9, 10) },
        Action::RecordMeeting { number: m(3), date: d(2026, 11, 9) },
        Action::Decide { decision: Decision::Refer, date: d(2026, 11, 9) },
    ];
    for step in &steps {
        store.apply(case.id, step, today()).unwrap();
    }
    let row = &store.list_cases(&CaseQuery::default(), 0, 1).unwrap()[0];
    assert_eq!((row.stage, row.next_due), (Stage::Meeting3, Some(d(2026, 11, 23))));
    let done = store.apply(case.id, &Action::ReferralSent { date: today() }, today()).unwrap();
    assert_eq!(done.stage(), Stage::Referred);
    let row = &store.list_cases(&CaseQuery::default(), 0, 1).unwrap()[0];
    assert_eq!((row.stage, row.next_due), (Stage::Referred, None));
}

#[test]
fn stage_counts_kept_by_triggers_match_a_full_count() {
    let (dir, mut store) = temp_store();
    mixed(&mut store);
    let demo = saksgang::demo::demo_cases(300, today(), 11);
    store.create_with_history(&demo, today()).unwrap();
    let first = store.case_by_reference("2026-001").unwrap().unwrap();
    store.apply(first.id, &Action::Close { date: today(), reason: "x".into() }, today()).unwrap();
    store.apply(first.id, &Action::Reopen { date: today(), reason: "y".into() }, today()).unwrap();
    let kept = store.stage_counts().unwrap();

    let conn = Connection::open(dir.path().join("nested/folder/saksgang.db")).unwrap();
    let mut closed = 0u64;
    let mut open = std::collections::HashMap::new();
    let mut stmt = conn.prepare("SELECT status, stage, count(*) FROM cases GROUP BY status, stage").unwrap();
    let rows =
        stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))).unwrap();
    for row in rows {
        let (status, stage, n) = row.unwrap();
        if status == "closed" {
            closed += n as u64;
        } else {
            open.insert(stage, n as u64);
        }
    }
    assert_eq!(kept.closed, closed);
    let code = |s: Stage| serde_json::to_value(s).unwrap().as_str().unwrap().to_string();
    for (stage, n) in kept.per_stage {
        assert_eq!(open.get(&code(stage)).copied().unwrap_or(0), n, "{stage:?}");
    }
}

#[test]
fn search_finds_parts_of_words_through_the_index_and_short_words_by_scanning() {
    let (_dir, mut store) = temp_store();
    mixed(&mut store);
    let mut quoted = details("Skolen \"Nord\" 100% (test)");
    quoted.grade = "7B".into();
    let quoted = store.create_case(quoted, today(), today()).unwrap();
    let search = |text: &str| CaseQuery { search: text.into(), ..CaseQuery::default() };
    let count = |store: &Store, text: &str| store.count_cases(&search(text), None).unwrap();
    assert_eq!(count(&store, "akke"), 1, "inside a word: Bakken");
    assert_eq!(count(&store, "ÅSE"), 5, "the teacher Åse, upper case");
    assert_eq!(count(&store, "\"nord\""), 1, "quotes are text, not syntax");
    assert_eq!(count(&store, "100%"), 1);
    assert_eq!(count(&store, "(test) AND"), 0, "operators are text too");
    assert_eq!(count(&store, "7b"), 1, "two letters: scanned");
    assert_eq!(count(&store, "7b nord"), 1, "a short and a long word together");
    assert_eq!(count(&store, "7b bakken"), 0);
    let row = store.list_cases(&search("nord 7b"), 0, 10).unwrap();
    assert_eq!(row.iter().map(|r| r.id).collect::<Vec<_>>(), [quoted.id]);

    // The index follows edits.
    let mut renamed = quoted.details.clone();
    renamed.school = "Sørvik skole".into();
    store.apply(quoted.id, &Action::Edit(renamed), today()).unwrap();
    assert_eq!(count(&store, "nord"), 0);
    assert_eq!(count(&store, "sørvik"), 1);
}

#[test]
fn a_capped_count_stops_at_the_cap() {
    let (_dir, mut store) = temp_store();
    mixed(&mut store);
    let query = CaseQuery { search: "skole".into(), status: StatusFilter::All, ..CaseQuery::default() };
    assert_eq!(store.count_cases(&query, None).unwrap(), 5);
    assert_eq!(store.count_cases(&query, Some(3)).unwrap(), 3);
    assert_eq!(store.count_cases(&query, Some(10)).unwrap(), 5);
}

#[test]
fn a_database_made_by_schema_1_is_migrated_and_keeps_every_case() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema-v1.db"), &path).unwrap();
    let old = Connection::open(&path).unwrap();
    assert_eq!(old.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0)).unwrap(), 1);
    let old_rows: Vec<(String, String, String)> = old
        .prepare("SELECT reference, stage, coalesce(next_due, '') FROM cases ORDER BY reference")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    drop(old);
    assert_eq!(old_rows.len(), 40);

    let store = Store::open(&path, "tester", None).unwrap();
    assert_eq!(store.schema_version().unwrap(), current_version());
    assert!(store.check().unwrap().is_ok());
    let all = CaseQuery { status: StatusFilter::All, ..CaseQuery::default() };
    let mut migrated = Vec::new();
    store
        .for_each_case(&all, |case| {
            assert_eq!((case.consent.as_ref(), case.identity.as_ref()), (None, None));
            let due = case.open_deadline().map(|d| d.due.to_string()).unwrap_or_default();
            let stage = serde_json::to_value(case.stage()).unwrap().as_str().unwrap().to_string();
            migrated.push((case.reference, stage, due));
            Ok(())
        })
        .unwrap();
    migrated.sort();
    assert_eq!(migrated, old_rows);
}
