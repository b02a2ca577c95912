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
