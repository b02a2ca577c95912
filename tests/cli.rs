//! The real binary, run as scripts run it.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// Scripts give the passphrase in the environment.
const PASSPHRASE: &str = "korrekt hest batteri stift";

fn saksgang(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_saksgang"))
        .args(args)
        .env("SAKSGANG_DB", db)
        .env("SAKSGANG_TODAY", "2026-11-23")
        .env("SAKSGANG_CONFIG", db.with_file_name("no-config.toml"))
        .env("SAKSGANG_PASSPHRASE", PASSPHRASE)
        .env_remove("SAKSGANG_LANG")
        .output()
        .unwrap()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = saksgang(db, args);
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Fails with one line on stderr, in the user's language; returns that line.
fn fails(db: &Path, args: &[&str]) -> String {
    let out = saksgang(db, args);
    assert!(!out.status.success(), "{args:?} should fail");
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    err
}

fn add(db: &Path) -> String {
    let out = ok(
        db,
        &[
            "add",
            "--kind",
            "individual",
            "--school",
            "Bjørkå skole",
            "--grade",
            "5. trinn",
            "--gender",
            "jente",
            "--teacher",
            "Åse",
            "--description",
            "Uro i timene",
            "--date",
            "01.09.2026",
        ],
    );
    out.lines().last().unwrap().to_string()
}

#[test]
fn a_case_walks_through_the_whole_process() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let reference = add(&db);
    assert_eq!(reference, "2026-001");
    ok(&db, &["meeting", &reference, "1", "--date", "10.09.2026"]);
    ok(&db, &["meeting", &reference, "2", "--date", "2026-10-05"]);
    ok(&db, &["meeting", &reference, "3", "--date", "20.11.2026"]);
    ok(&db, &["decide", &reference, "refer", "--date", "20.11.2026"]);
    let case: Value = serde_json::from_str(&ok(&db, &["show", &reference, "--json"])).unwrap();
    assert_eq!(case["stage"], "meeting3");
    let deadlines = case["deadlines"].as_array().unwrap();
    let summary: Vec<_> = deadlines.iter().map(|d| (d["kind"].clone(), d["due"].clone(), d["state"].clone())).collect();
    assert_eq!(
        summary,
        [
            ("meeting2".into(), "2026-10-10".into(), "met".into()),
            ("meeting3".into(), "2026-12-05".into(), "met".into()),
            ("referral".into(), "2026-12-04".into(), "ok".into()),
        ]
    );
    ok(&db, &["referral-sent", &reference, "--date", "23.11.2026"]);
    let case: Value = serde_json::from_str(&ok(&db, &["show", &reference, "--json"])).unwrap();
    assert_eq!(case["stage"], "referred");
    assert_eq!(case["status"], "open");
    let actions: Vec<_> = case["audit"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["created", "meeting_held", "meeting_held", "meeting_held", "decided", "referral_sent"]);
}

#[test]
fn list_json_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let reference = add(&db);
    ok(&db, &["meeting", &reference, "1", "--date", "01.10.2026"]);
    ok(&db, &["meeting", &reference, "2", "--date", "15.12.2026", "--planned"]);
    let list: Value = serde_json::from_str(&ok(&db, &["list", "--json"])).unwrap();
    let case = &list.as_array().unwrap()[0];
    assert_eq!(case["reference"], "2026-001");
    assert_eq!(case["kind"], "individual");
    assert_eq!(case["stage"], "meeting1");
    assert_eq!(case["status"], "open");
    assert_eq!(case["school"], "Bjørkå skole");
    let deadline = &case["deadlines"][0];
    assert_eq!(deadline["kind"], "meeting2");
    assert_eq!(deadline["due"], "2026-11-01");
    assert_eq!(deadline["state"], "overdue");
    assert_eq!(deadline["planned_too_late"], true);
    assert_eq!(
        serde_json::from_str::<Value>(&ok(&db, &["list", "--overdue", "--json"])).unwrap().as_array().unwrap().len(),
        1
    );

    // An empty list is still valid JSON.
    let empty = dir.path().join("empty.db");
    ok(&empty, &["demo", "--cases", "0"]);
    assert_eq!(serde_json::from_str::<Value>(&ok(&empty, &["list", "--json"])).unwrap(), serde_json::json!([]));
}

#[test]
fn list_filters_by_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let overdue = add(&db);
    ok(&db, &["meeting", &overdue, "1", "--date", "01.10.2026"]);
    let soon = add(&db);
    ok(&db, &["meeting", &soon, "1", "--date", "27.10.2026"]);
    let later = add(&db);
    ok(&db, &["meeting", &later, "1", "--date", "20.11.2026"]);
    add(&db);
    let refs = |args: &[&str]| -> Vec<String> {
        ok(&db, args).lines().map(|l| l.split_whitespace().next().unwrap().to_string()).collect()
    };
    assert_eq!(refs(&["list", "--overdue"]), std::slice::from_ref(&overdue));
    assert_eq!(refs(&["list", "--due-within", "7"]), [overdue.clone(), soon.clone()]);
    assert_eq!(refs(&["list"]).len(), 4);
    ok(&db, &["close", &later, "--reason", "Flyttet"]);
    assert_eq!(refs(&["list"]).len(), 3);
    assert_eq!(refs(&["list", "--all"]).len(), 4);
    ok(&db, &["reopen", &later, "--reason", "Tilbake"]);
    assert_eq!(refs(&["list"]).len(), 4);
}

#[test]
fn options_may_stand_anywhere_and_dates_take_both_forms() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let out = Command::new(env!("CARGO_BIN_EXE_saksgang"))
        .args(["add", "--today", "2026-02-01", "--kind", "system", "--school", "S", "--grade", "7"])
        .arg("--db")
        .arg(&db)
        .env("SAKSGANG_CONFIG", dir.path().join("none.toml"))
        .env("SAKSGANG_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let case: Value = serde_json::from_str(&ok(&db, &["show", "2026-001", "--json"])).unwrap();
    assert_eq!(case["created"], "2026-02-01", "--today given after the subcommand");
    assert_eq!(case["kind"], "system");
    assert_eq!(case["gender"], Value::Null);
}

#[test]
fn refusals_are_one_line_on_stderr_in_the_users_language() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let reference = add(&db);
    let err = fails(&db, &["meeting", &reference, "2", "--date", "01.10.2026"]);
    assert!(err.contains("Møte 2 kan ikke registreres før møte 1 er holdt"), "{err}");
    let err = fails(&db, &["--lang", "en", "meeting", &reference, "2", "--date", "01.10.2026"]);
    assert!(err.contains("Meeting 2 cannot be recorded before meeting 1 is held"), "{err}");
    let err = fails(&db, &["meeting", &reference, "1", "--date", "31.09.2026"]);
    assert!(err.contains("«31.09.2026» finnes ikke i kalenderen"), "{err}");
    let err = fails(&db, &["meeting", &reference, "1", "--date", "1/10/2026"]);
    assert!(err.contains("er ikke en dato"), "{err}");
    let err = fails(&db, &["meeting", &reference, "1", "--date", "01.12.2026"]);
    assert!(err.contains("etter i dag"), "{err}");
    let err = fails(&db, &["show", "2099-001"]);
    assert!(err.contains("Finner ingen sak med referansen 2099-001"), "{err}");
    let err = fails(&db, &["close", &reference, "--reason", "  "]);
    assert!(err.contains("begrunnelse"), "{err}");
    let err = fails(&db, &["add", "--kind", "system", "--school", "S", "--grade", "1", "--gender", "gutt"]);
    assert!(err.contains("Kjønn registreres bare i individsaker"), "{err}");
    let err = fails(&db, &["--today", "2026-13-01", "list"]);
    assert!(err.contains("finnes ikke i kalenderen"), "{err}");
}

#[test]
fn a_foreign_file_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cv.db");
    std::fs::write(&file, "not a database").unwrap();
    let err = fails(&file, &["list"]);
    assert!(err.contains("er ikke en saksgang-database. Filen er ikke endret."), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a database");
}

#[test]
fn demo_fills_every_stage() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    assert_eq!(ok(&db, &["demo", "--cases", "300"]).trim(), "300");
    let list: Value = serde_json::from_str(&ok(&db, &["list", "--all", "--json"])).unwrap();
    let cases = list.as_array().unwrap();
    assert_eq!(cases.len(), 300);
    for stage in ["internal_sparring", "meeting1", "meeting2", "meeting3", "referred"] {
        assert!(cases.iter().any(|c| c["stage"] == stage), "no case in {stage}");
    }
    for state in ["ok", "due_soon", "overdue", "met", "met_late"] {
        assert!(
            cases.iter().any(|c| c["deadlines"].as_array().unwrap().iter().any(|d| d["state"] == state)),
            "{state}"
        );
    }
    assert!(cases.iter().all(|c| c["school"].as_str().unwrap().starts_with("Demo:")));
}

#[test]
fn show_json_includes_the_meeting_records_and_measures() {
    use saksgang::domain::{Evaluation, Measure, MeetingNo, MeetingRecord, Participant, Party, Role};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let reference = add(&db);
    let mut store = saksgang::store::Store::open(&db, "tester", Some(PASSPHRASE)).unwrap();
    let id = store.case_by_reference(&reference).unwrap().unwrap().id;
    let date = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d);
    let one = MeetingRecord {
        time: chrono::NaiveTime::from_hms_opt(8, 30, 0),
        place: "Grupperom Ø".into(),
        participants: vec![Participant { name: "Åse".into(), role: Role::ContactTeacher, role_text: String::new() }],
        statements: ["Uro".into(), "".into(), "Mor er bekymret".into(), "".into()],
        ..MeetingRecord::default()
    };
    let measure = |id, ends| Measure {
        id,
        content: format!("Tiltak {id}"),
        scope: "2 t/uke".into(),
        organisation: "Gruppe".into(),
        starts_on: date(9, 1),
        ends_on: date(ends, 1),
        responsible: "Åse".into(),
    };
    let two = MeetingRecord { measures: vec![measure(1, 10), measure(2, 10), measure(3, 12)], ..Default::default() };
    let mut three = MeetingRecord::default();
    three.set_evaluation(2, Party::Pupil, Evaluation { went_well: "Gøy".into(), ..Default::default() });
    for (n, record) in [(1, &one), (2, &two), (3, &three)] {
        store
            .save_meeting_record(
                id,
                MeetingNo::new(n).unwrap(),
                record,
                chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            )
            .unwrap();
    }
    drop(store);

    let shown: Value = serde_json::from_str(&ok(&db, &["show", &reference, "--json"])).unwrap();
    let records = shown["meeting_records"].as_array().unwrap();
    assert_eq!(records.len(), 3);
    assert_eq!(records[0]["number"], 1);
    assert_eq!(records[0]["time"], "08:30");
    assert_eq!(records[0]["place"], "Grupperom Ø");
    assert_eq!(records[0]["statements"]["guardians"], "Mor er bekymret");
    assert_eq!(records[0]["participants"][0]["role"], "contact_teacher");
    assert_eq!(records[0]["has_pupil_voice"], false);
    assert_eq!(records[2]["has_pupil_voice"], true);
    assert_eq!(records[2]["evaluations"][0]["party"], "pupil");
    let measures = shown["measures"].as_array().unwrap();
    let ended: Vec<_> = measures.iter().map(|m| m["ended_without_evaluation"].as_bool().unwrap()).collect();
    assert_eq!(ended, [true, false, false], "1 ended unevaluated, 2 evaluated, 3 still running");
    assert_eq!(measures[0]["starts_on"], "2026-09-01");
}
