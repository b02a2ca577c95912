//! The real binary run as a script runs it, on a test's database.

use std::path::Path;
use std::process::{Command, Output};

use super::pty::PASSPHRASE;

/// `saksgang ARGS` on `db` with today fixed, no settings file unless the test wrote
/// `config.toml` beside the database, and the passphrase in the environment.
pub fn run(db: &Path, today: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_saksgang"))
        .args(args)
        .env("SAKSGANG_DB", db)
        .env("SAKSGANG_TODAY", today)
        .env("SAKSGANG_CONFIG", db.with_file_name("config.toml"))
        .env("SAKSGANG_PASSPHRASE", PASSPHRASE)
        .env_remove("SAKSGANG_LANG")
        .output()
        .unwrap()
}

/// As `run`, which must succeed; its standard output.
pub fn ok(db: &Path, today: &str, args: &[&str]) -> String {
    let out = run(db, today, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Registers an individual case at Bjørkåsen skole, created on `created`; its reference.
pub fn add_case(db: &Path, today: &str, created: &str) -> String {
    let add = [
        "add",
        "--kind",
        "individual",
        "--school",
        "Bjørkåsen skole",
        "--grade",
        "6. trinn",
        "--teacher",
        "Åse Ødegård",
        "--date",
        created,
    ];
    ok(db, today, &add).lines().last().unwrap_or_default().to_string()
}

/// A case at the school taken through meetings 1–3 to a referral sent 10.06.2026
/// (recorded on 15.09.2026); its reference.
pub fn referred(db: &Path) -> String {
    let reference = add_case(db, "2026-09-15", "01.03.2026");
    for args in [
        &["meeting", &reference, "1", "--date", "10.03.2026"][..],
        &["meeting", &reference, "2", "--date", "01.04.2026"],
        &["meeting", &reference, "3", "--date", "01.06.2026"],
        &["decide", &reference, "refer", "--date", "01.06.2026"],
        &["referral-sent", &reference, "--date", "10.06.2026"],
    ] {
        ok(db, "2026-09-15", args);
    }
    reference
}
