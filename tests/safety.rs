//! Backups, restore, check, log, encryption from the command line, two programs on
//! one file, and a process killed in the middle of writing.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const PASSPHRASE: &str = "korrekt hest batteri stift";

fn saksgang(db: &Path, args: &[&str]) -> Output {
    command(db).args(args).output().unwrap()
}

fn command(db: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_saksgang"));
    command
        .arg("--db")
        .arg(db)
        .env("SAKSGANG_TODAY", "2026-11-23")
        .env("SAKSGANG_CONFIG", db.with_file_name("none.toml"))
        .env("SAKSGANG_PASSPHRASE", PASSPHRASE)
        .env_remove("SAKSGANG_LANG")
        .stdin(Stdio::null());
    command
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = saksgang(db, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn add(db: &Path, school: &str) -> String {
    ok(db, &["add", "--kind", "individual", "--school", school, "--grade", "5. trinn"]).trim().to_string()
}

#[test]
fn check_reports_a_healthy_file_and_the_log_tells_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let reference = add(&db, "Bjørkå skole");
    ok(&db, &["meeting", &reference, "1", "--date", "23.11.2026"]);
    let report = ok(&db, &["check"]);
    assert!(report.contains("Integritet     ok"), "{report}");
    assert!(report.contains("2 oppføringer, kjeden er hel"), "{report}");
    assert!(report.contains("Kryptert       ja"), "{report}");
    let log = ok(&db, &["log", &reference]);
    assert!(log.contains("Sak opprettet") && log.contains("Møte 1 holdt 23.11.2026"), "{log}");
    let json: serde_json::Value = serde_json::from_str(&ok(&db, &["log", &reference, "--json"])).unwrap();
    assert_eq!(json[1]["action"], "meeting_held");
}

#[test]
fn check_fails_with_a_clear_line_when_the_log_was_edited() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let out = command(&db)
        .args(["--no-encryption", "add", "--kind", "system", "--school", "S", "--grade", "7"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("UKRYPTERT"), "a plain database is created with a warning");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DROP TRIGGER audit_no_update; UPDATE audit SET detail = '{}' WHERE id = 1;").unwrap();
    drop(conn);
    let out = saksgang(&db, &["check"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("oppføring nr. 1 er endret utenfor programmet"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Kontrollen fant feil"));
}

#[test]
fn a_plain_database_is_encrypted_and_verified_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let out = command(&db)
        .args(["--no-encryption", "add", "--kind", "system", "--school", "Sørli", "--grade", "7"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(std::fs::read(&db).unwrap().starts_with(b"SQLite format 3"));
    assert!(ok(&db, &["encrypt"]).contains("er kryptert og kontrollert"));
    assert!(!std::fs::read(&db).unwrap().starts_with(b"SQLite format 3"));
    assert!(ok(&db, &["show", "2026-001"]).contains("Sørli"));
    let out = command(&db).args(["show", "2026-001"]).env_remove("SAKSGANG_PASSPHRASE").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("er kryptert"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = command(&db).arg("encrypt").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("er allerede kryptert"));
}

#[test]
fn the_passphrase_is_changed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    add(&db, "A");
    let out = command(&db).arg("passphrase").env("SAKSGANG_NEW_PASSPHRASE", "kort").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("minst 8 tegn"), "a short one is refused");
    let out =
        command(&db).arg("passphrase").env("SAKSGANG_NEW_PASSPHRASE", "en ny og lang passfrase").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = saksgang(&db, &["list"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Passfrasen åpner ikke"));
    let out = command(&db).arg("list").env("SAKSGANG_PASSPHRASE", "en ny og lang passfrase").output().unwrap();
    assert!(out.status.success());
}

#[test]
fn a_new_database_refuses_a_short_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let out = command(&db)
        .args(["add", "--kind", "system", "--school", "S", "--grade", "7"])
        .env("SAKSGANG_PASSPHRASE", "kort")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("minst 8 tegn"));
    assert!(!db.exists(), "nothing was created");
}

#[test]
fn backup_while_another_process_writes_then_restore_and_compare() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    ok(&db, &["demo", "--cases", "200"]);
    // A writer keeps adding cases while the backup runs.
    let mut writer = command(&db).args(["demo", "--cases", "3000"]).stdout(Stdio::null()).spawn().unwrap();
    let backup = dir.path().join("kopi.db");
    let out = ok(&db, &["backup", backup.to_str().unwrap()]);
    assert!(out.contains("Sikkerhetskopi skrevet"));
    assert!(writer.wait().unwrap().success());
    let at_backup: serde_json::Value = serde_json::from_str(&ok(&backup, &["list", "--all", "--json"])).unwrap();
    let cases_in_backup = at_backup.as_array().unwrap().len();
    assert!(cases_in_backup == 200 || cases_in_backup == 3200, "a consistent copy: {cases_in_backup}");
    assert!(ok(&backup, &["check"]).contains("kjeden er hel"));
    assert!(!std::fs::read(&backup).unwrap().starts_with(b"SQLite format 3"), "the copy stays encrypted");

    add(&db, "Etter kopien");
    let out = ok(&db, &["restore", backup.to_str().unwrap()]);
    assert!(out.contains("Gjenopprettet fra"), "{out}");
    let restored: serde_json::Value = serde_json::from_str(&ok(&db, &["list", "--all", "--json"])).unwrap();
    assert_eq!(restored, at_backup);
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("s.db.replaced-") && !n.ends_with("-wal") && !n.ends_with("-shm"))
        .collect();
    assert_eq!(kept.len(), 1, "the replaced database is kept");
    let replaced = dir.path().join(&kept[0]);
    assert!(ok(&replaced, &["list", "--all"]).contains("Etter kopien"));
}

#[test]
fn a_bad_backup_is_refused_and_nothing_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    add(&db, "A");
    let before = std::fs::read(&db).unwrap();
    let bad = dir.path().join("bad.db");
    std::fs::write(&bad, vec![7u8; 8192]).unwrap();
    let out = saksgang(&db, &["restore", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert!(
        std::fs::read_dir(dir.path()).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().contains("replaced"))
    );
}

#[test]
fn two_programs_write_to_one_file_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    add(&db, "Start");
    let writers: Vec<_> = (0..6)
        .map(|i| {
            command(&db)
                .args(["add", "--kind", "system", "--school", &format!("Skole {i}"), "--grade", "1"])
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut references: Vec<String> = writers
        .into_iter()
        .map(|w| {
            let out = w.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8(out.stdout).unwrap().trim().to_string()
        })
        .collect();
    references.sort();
    references.dedup();
    assert_eq!(references.len(), 6, "every writer got its own reference");
    assert!(ok(&db, &["check"]).contains("7 oppføringer, kjeden er hel"));
}

#[test]
fn a_process_killed_while_writing_loses_nothing_it_committed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    add(&db, "Start");
    let mut committed = vec!["2026-001".to_string()];
    for round in 0..12 {
        // A single add commits its case and prints the reference after it.
        let mut child = command(&db)
            .args(["add", "--kind", "system", "--school", &format!("Runde {round}"), "--grade", "1"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(40 + 25 * (round % 6)));
        let _ = child.kill(); // SIGKILL on Unix
        let out = child.wait_with_output().unwrap();
        let printed = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !printed.is_empty() {
            committed.push(printed);
        }
        // And a big transaction killed half-way leaves no half of it.
        if round % 4 == 0 {
            let mut demo = command(&db).args(["demo", "--cases", "5000"]).stdout(Stdio::null()).spawn().unwrap();
            std::thread::sleep(Duration::from_millis(300));
            let _ = demo.kill();
            let _ = demo.wait();
        }
    }
    let report = ok(&db, &["check"]);
    assert!(report.contains("Integritet     ok") && report.contains("kjeden er hel"), "{report}");
    let list: serde_json::Value = serde_json::from_str(&ok(&db, &["list", "--all", "--json"])).unwrap();
    let present: Vec<&str> = list.as_array().unwrap().iter().map(|c| c["reference"].as_str().unwrap()).collect();
    for reference in &committed {
        assert!(present.contains(&reference.as_str()), "{reference} was committed but is gone");
    }
    let demo_cases =
        list.as_array().unwrap().iter().filter(|c| c["school"].as_str().unwrap().starts_with("Demo:")).count();
    assert_eq!(demo_cases % 5000, 0, "a demo batch is all there or not at all: {demo_cases}");
}

#[test]
fn names_show_only_in_show_which_logs_the_view() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let reference = add(&db, "Bjørkå skole");
    let out = saksgang(&db, &["name", &reference, "--name", "Åsa Ødegård"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("gyldig samtykke"), "locked without consent");
    ok(&db, &["consent", &reference, "--given-by", "guardians", "--date", "23.11.2026", "--scope", "Drøfting med PPT"]);
    ok(&db, &["name", &reference, "--name", "Åsa Ødegård", "--birth-date", "14.03.2016"]);
    assert!(!ok(&db, &["list", "--json"]).contains("Åsa"), "no names in lists");
    let shown: serde_json::Value = serde_json::from_str(&ok(&db, &["show", &reference, "--json"])).unwrap();
    assert_eq!(shown["pupil"]["name"], "Åsa Ødegård");
    assert_eq!(shown["consent"]["valid"], true);
    let log = ok(&db, &["log", &reference]);
    assert!(log.contains("Sak med navn åpnet"), "{log}");
    assert!(!log.contains("Åsa"), "the log never holds the name");

    let out = saksgang(&db, &["withdraw-consent", &reference]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"), "asks first");
    ok(&db, &["withdraw-consent", &reference, "--yes"]);
    let shown: serde_json::Value = serde_json::from_str(&ok(&db, &["show", &reference, "--json"])).unwrap();
    assert_eq!(shown["pupil"], serde_json::Value::Null);
    assert!(ok(&db, &["show", &reference]).contains("Anonym · 5. trinn"));
}

#[test]
fn a_full_disk_is_a_clear_message_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    ok(&db, &["demo", "--cases", "20"]);
    let before = ok(&db, &["list", "--all", "--json"]);
    let size = std::fs::metadata(&db).unwrap().len();
    // The file may not grow past its size plus a little: the disk "fills" mid-write.
    // SIGXFSZ is ignored so that the write fails instead of killing the process.
    let mut limited = Command::new("prlimit");
    limited
        .arg(format!("--fsize={}", size + 200_000))
        .args([
            "bash",
            "-c",
            "trap '' XFSZ; exec \"$0\" \"$@\"",
            env!("CARGO_BIN_EXE_saksgang"),
            "demo",
            "--cases",
            "3000",
        ])
        .arg("--db")
        .arg(&db);
    for (key, value) in command(&db).get_envs() {
        match value {
            Some(value) => limited.env(key, value),
            None => limited.env_remove(key),
        };
    }
    let out = limited.output().expect("prlimit (util-linux) is installed");
    assert!(!out.status.success(), "the write should have failed");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Endringen ble ikke lagret: disken er full"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(ok(&db, &["list", "--all", "--json"]), before, "nothing of the failed batch, nothing lost");
    assert!(ok(&db, &["check"]).contains("kjeden er hel"));
}
