//! The real binary in a pseudo-terminal: keys in, screen read through vt100.

// Shared with the benchmark, which uses parts these tests do not.
#[allow(dead_code)]
mod common;

use std::time::Duration;

use common::pty::Session;

const TAB: &str = "\t";
const ENTER: &str = "\r";
const RIGHT: &str = "\x1b[C";

#[test]
fn create_a_case_with_the_keyboard_quit_and_find_it_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("saksgang.db");
    let mut session = Session::start(&db);
    session.wait_for("Frister");
    session.wait_for("Ingen åpne saker");
    session.send("n");
    session.wait_for("Ny sak");
    session.send(TAB);
    session.send("Ærøy skole");
    session.send(TAB);
    session.send("5. trinn");
    session.send(TAB);
    session.send(RIGHT); // jente
    session.send(TAB);
    session.send("Åse Øvrebø");
    session.send(TAB);
    // A multi-line paste stays in the field and does not submit the form.
    session.send("\x1b[200~Uro i timene,\r\nstrever med lesing\x1b[201~");
    session.wait_for("Uro i timene, strever");
    assert!(session.contents().contains("Ny sak"), "the paste did not submit");
    session.send(ENTER);
    session.wait_for("Sak 2026-001");
    session.wait_for("Ærøy skole");
    session.send("q");
    let status = session.wait_for_exit();
    assert!(status.success(), "{status:?}");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_saksgang"))
        .args(["list", "--json", "--today", "2026-11-23"])
        .arg("--db")
        .arg(&db)
        .env("SAKSGANG_CONFIG", dir.path().join("none.toml"))
        .env("SAKSGANG_PASSPHRASE", common::pty::PASSPHRASE)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let case = &list[0];
    assert_eq!(case["reference"], "2026-001");
    assert_eq!(case["school"], "Ærøy skole");
    assert_eq!(case["grade"], "5. trinn");
    assert_eq!(case["gender"], "jente");
    assert_eq!(case["teacher"], "Åse Øvrebø");
    assert_eq!(case["description"], "Uro i timene, strever med lesing");
    assert_eq!(case["stage"], "internal_sparring");
    assert_eq!(case["created"], "2026-11-23");
}

#[test]
fn the_terminal_is_restored_on_quit() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = Session::start(&dir.path().join("s.db"));
    session.wait_for("Frister");
    assert!(session.screen.lock().unwrap().screen().alternate_screen());
    session.send("q");
    assert!(session.wait_for_exit().success());
    std::thread::sleep(Duration::from_millis(100));
    let parser = session.screen.lock().unwrap();
    assert!(!parser.screen().alternate_screen(), "left the alternate screen");
    assert!(!parser.screen().hide_cursor(), "the cursor is shown again");
    assert!(!parser.screen().bracketed_paste(), "bracketed paste is off again");
}

#[test]
fn a_foreign_file_never_reaches_the_terminal_ui() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("other.db");
    std::fs::write(&file, "hello").unwrap();
    let mut session = Session::start(&file);
    let status = session.wait_for_exit();
    assert!(!status.success());
    session.wait_for("er ikke en saksgang-database");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "hello");
}

#[test]
fn the_passphrase_is_asked_for_without_echo_twice_for_a_new_file_and_retried_when_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let mut session = Session::start_with(&db, None);
    session.wait_for("kan ikke");
    session.wait_for("Ny passfrase:");
    session.send("kort\r");
    session.wait_for("minst 8 tegn");
    session.send("hemmelig passfrase\r");
    session.wait_for("Gjenta passfrasen:");
    session.send("hemmelig passfrase\r");
    session.wait_for("Frister");
    session.wait_for("Dagens sikkerhetskopi");
    session.send("q");
    assert!(session.wait_for_exit().success());
    assert!(!session.contents().contains("hemmelig"), "the passphrase is never shown");

    let mut session = Session::start_with(&db, None);
    session.wait_for("Passfrase for");
    // Typed at once, the second while the first is still being tried: neither shows.
    session.send("feil passfrase\r");
    session.send("hemmelig passfrase\r");
    session.wait_for("Feil passfrase.");
    session.wait_for("Frister");
    session.send("q");
    assert!(session.wait_for_exit().success());

    assert!(!session.contents().contains("passfrase\n"), "nothing typed was echoed: {}", session.contents());

    let mut session = Session::start_with(&db, None);
    session.wait_for("Passfrase for");
    session.send("feil passfrase\rfeil igjen\rfortsatt feil\r");
    assert!(!session.wait_for_exit().success());
    session.wait_for("Passfrasen åpner ikke");
    assert_eq!(saksgang::store::copies_of(&db).unwrap().len(), 1, "one automatic backup a day");
}

const ESC: &str = "\x1b";
const PAGE_DOWN: &str = "\x1b[6~";

fn saksgang(db: &std::path::Path, args: &[&str]) -> String {
    common::cli::ok(db, "2026-11-23", args)
}

fn case_with_meeting_1(db: &std::path::Path) {
    common::cli::add_case(db, "2026-11-23", "01.09.2026");
    saksgang(db, &["meeting", "2026-001", "1", "--date", "10.11.2026"]);
}

/// The program on the meeting 1 record of the only case in `db`.
fn start_on_meeting_1(db: &std::path::Path) -> Session {
    let mut session = Session::start(db);
    open_meeting_1(&mut session);
    session
}

/// Opens the meeting 1 record of the only case, from the start screen.
fn open_meeting_1(session: &mut Session) {
    session.wait_for("2026-001");
    session.send(ENTER);
    session.wait_for("Sak 2026-001");
    session.send("1");
    session.wait_for("Referat møte 1");
}

#[test]
fn a_meeting_1_record_filled_with_the_keyboard_is_all_there_after_quitting() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("saksgang.db");
    case_with_meeting_1(&db);
    let mut session = start_on_meeting_1(&db);
    session.send(TAB);
    session.send("08:30");
    session.send(TAB);
    session.send("Grupperom Ø, 2. etasje");
    session.send(TAB);
    // The field is saved before the focus moves on.
    session.wait_for("▶ Formål");
    session.send(PAGE_DOWN);
    session.send(PAGE_DOWN);
    session.wait_for("Situasjonsbeskrivelse");
    // q and j are text in a field: they neither quit nor move.
    session.send("Uro i timene; quiz og jakt på svar.");
    session.send(TAB);
    session.wait_for("▶ Elev");
    // A pasted text keeps its lines and never moves on or saves by itself.
    session.send("\x1b[200~Jeg liker ikke å lese høyt.\r\nDet er bråk i klassen.\x1b[201~");
    session.wait_for("Det er bråk i klassen.");
    assert!(session.contents().contains("▶ Elev"), "the paste stayed in the pupil's field");
    session.send(TAB);
    session.wait_for("▶ Foresatte");
    session.send("Mor: søvnen er dårlig.");
    session.send(ESC);
    session.wait_for("Lagre før du lukker?");
    session.send("j");
    session.wait_for("Sak 2026-001");
    session.send("q");
    assert!(session.wait_for_exit().success());

    // Reopened, the record shows what was typed.
    let mut session = start_on_meeting_1(&db);
    session.wait_for("Grupperom Ø, 2. etasje");
    session.send(PAGE_DOWN);
    session.send(PAGE_DOWN);
    session.wait_for("Jeg liker ikke å lese høyt.");
    session.wait_for("Mor: søvnen er dårlig.");
    session.send(ESC);
    session.send("q");
    assert!(session.wait_for_exit().success());

    let shown: serde_json::Value = serde_json::from_str(&saksgang(&db, &["show", "2026-001", "--json"])).unwrap();
    let record = &shown["meeting_records"][0];
    assert_eq!(record["time"], "08:30");
    assert_eq!(record["place"], "Grupperom Ø, 2. etasje");
    assert_eq!(record["statements"]["school"], "Uro i timene; quiz og jakt på svar.");
    assert_eq!(record["statements"]["pupil"], "Jeg liker ikke å lese høyt.\nDet er bråk i klassen.");
    assert_eq!(record["statements"]["guardians"], "Mor: søvnen er dårlig.");
    assert_eq!(record["has_pupil_voice"], true);
    assert_eq!(record["participants"][0]["name"], "Åse Ødegård");
}

#[test]
fn a_killed_program_loses_at_most_the_field_being_edited() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("saksgang.db");
    case_with_meeting_1(&db);
    let mut session = start_on_meeting_1(&db);
    session.send(TAB);
    session.send(TAB);
    session.send("Biblioteket");
    session.send(TAB);
    // The field is saved before the focus moves on.
    session.wait_for("▶ Formål");
    session.send(" og mer i formålet");
    session.wait_for("og mer i formålet");
    session.kill();

    let shown: serde_json::Value = serde_json::from_str(&saksgang(&db, &["show", "2026-001", "--json"])).unwrap();
    let record = &shown["meeting_records"][0];
    assert_eq!(record["place"], "Biblioteket", "the field left was saved");
    assert!(!record["purpose"].as_str().unwrap().contains("og mer"), "the field being edited is lost, nothing else");
    assert!(saksgang(&db, &["check"]).contains("kjeden er hel"));
}

/// A referred case with consent and a name at the school, written to a kit with
/// the kit passphrase `KIT`.
fn school_kit(dir: &std::path::Path) -> std::path::PathBuf {
    let school = dir.join("school.db");
    common::cli::add_case(&school, "2026-11-23", "01.09.2026");
    for args in [
        &["consent", "2026-001", "--given-by", "guardians", "--date", "02.09.2026"][..],
        &["name", "2026-001", "--name", "Guro Løvås"],
        &["meeting", "2026-001", "1", "--date", "10.09.2026"],
        &["meeting", "2026-001", "2", "--date", "01.10.2026"],
        &["meeting", "2026-001", "3", "--date", "10.11.2026"],
        &["decide", "2026-001", "refer", "--date", "10.11.2026"],
    ] {
        saksgang(&school, args);
    }
    let kit = dir.join("besøk.age");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_saksgang"))
        .args(["export", "kit", "--school", "Bjørkåsen skole", "-o"])
        .arg(&kit)
        .env("SAKSGANG_DB", &school)
        .env("SAKSGANG_TODAY", "2026-11-23")
        .env("SAKSGANG_PASSPHRASE", common::pty::PASSPHRASE)
        .env("SAKSGANG_KIT_PASSPHRASE", KIT)
        .env("SAKSGANG_CONFIG", dir.join("none.toml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    kit
}

const KIT: &str = "besøk på Bjørkåsen";

#[test]
fn a_kit_is_read_in_from_the_screens_and_its_passphrase_never_shows() {
    let dir = tempfile::tempdir().unwrap();
    let kit = school_kit(dir.path());
    let laptop = dir.path().join("laptop.db");
    let mut session = Session::start(&laptop);
    session.wait_for("Frister");
    // The day's backup says so in the message line: before the import's summary.
    session.wait_for("Dagens sikkerhetskopi");
    session.send("p");
    session.wait_for("Besøkspakken tar saker");
    session.send("i");
    session.wait_for("Les inn besøkspakke");
    session.send("\x01\x0b"); // Ctrl-A, Ctrl-K empty the path field
    session.send(kit.to_str().unwrap());
    session.send("\t");
    session.send(KIT);
    session.wait_for("••••");
    session.send("\r");
    session.wait_for("Nye saker: 1");
    session.wait_for("Slette");
    session.send("\r");
    session.wait_for("er slettet");
    assert!(!kit.exists(), "the kit file is deleted once read in");
    session.send("q");
    let status = session.wait_for_exit();
    assert!(status.success(), "{status:?}: {}", session.contents());
    assert!(!session.contents().contains(KIT), "the passphrase is never shown");
    assert!(saksgang(&laptop, &["show", "2026-001"]).contains("Guro Løvås"));
}

#[test]
fn the_import_command_asks_for_the_kit_passphrase_without_echo() {
    let dir = tempfile::tempdir().unwrap();
    let kit = school_kit(dir.path());
    let laptop = dir.path().join("laptop.db");
    let mut session = Session::command(&laptop, Some(common::pty::PASSPHRASE), &["import", kit.to_str().unwrap()]);
    session.wait_for("Passfrase for");
    session.send("feil frase\r");
    assert!(!session.wait_for_exit().success());
    session.wait_for("Passfrasen åpner ikke");
    assert_eq!(saksgang(&laptop, &["list", "--all"]).trim(), "", "nothing was imported");

    let mut session = Session::command(&laptop, Some(common::pty::PASSPHRASE), &["import", kit.to_str().unwrap()]);
    session.wait_for("Passfrase for");
    session.send(&format!("{KIT}\r"));
    assert!(session.wait_for_exit().success());
    session.wait_for("Nye saker: 1");
    assert!(!session.contents().contains(KIT), "the passphrase is never shown: {}", session.contents());
}

/// Issue 10, point 18: a crash while a passphrase is in memory leaves no core dump.
#[cfg(target_os = "linux")]
#[test]
fn p18_the_program_makes_no_core_dump_while_it_asks_for_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let mut session = Session::start_with(&db, None);
    session.wait_for("Ny passfrase:");
    let pid = session.process_id().expect("the program runs");
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let core = limits.lines().find(|l| l.starts_with("Max core file size")).unwrap();
    let values: Vec<&str> = core.split_whitespace().skip(4).take(2).collect();
    assert_eq!(values, ["0", "0"], "{core}");
    session.send("\x03");
}

#[test]
fn a_search_shows_each_letter_at_once_while_its_result_is_still_coming() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("many.db");
    saksgang(&db, &["demo", "--cases", "3000"]);
    let mut session = Session::start(&db);
    session.wait_for("q avslutt");
    // Typed at once after the first frame: the list's searcher is still opening
    // its own connection (a key derivation), so no result can be in yet, and
    // the letters must show all the same.
    session.write("l/sko");
    session.wait_for("Søk: sko");
    assert!(
        session.contents().contains("søker …"),
        "the last result is marked as not yet new:\n{}",
        session.contents()
    );
    session.wait_until("the search's count", |screen| screen.contains("Søk: sko ·") && !screen.contains("søker …"));
    for (letter, typed) in [("l", "Søk: skol"), ("e", "Søk: skole")] {
        session.write(letter);
        let echoed = session.wait_until(typed, |screen| screen.contains(typed));
        assert!(echoed < std::time::Duration::from_secs(1), "{typed} took {echoed:?}");
    }
    session.wait_until("the result", |screen| !screen.contains("søker …") && screen.contains("skole"));
    // Two signs find the start of a word: a grade.
    session.send("\x1b");
    session.write("/7.");
    session.wait_until("7th grade", |screen| {
        screen.contains("Søk: 7. ·") && screen.contains("7. trinn") && !screen.contains("søker")
    });
    session.send("\r");
    session.send("q");
    assert!(session.wait_for_exit().success());
}

#[test]
fn quitting_at_once_while_the_lists_searcher_opens_its_connection_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("quick.db");
    saksgang(&db, &["demo", "--cases", "50"]);
    // The searcher derives its key on its own thread after the first frame; a
    // quit in that moment must wait for it, not end the process under it.
    for _ in 0..5 {
        let mut session = Session::start(&db);
        session.wait_for("q avslutt");
        session.write("q");
        let status = session.wait_for_exit();
        assert!(status.success(), "{status:?}: {}", session.contents());
    }
}

#[test]
fn the_adviser_opens_a_received_referral_and_assigns_it_with_the_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("saksgang.db");
    let reference = common::cli::referred(&db);
    saksgang(&db, &["ppt", "received", &reference, "--date", "01.11.2026"]);
    let mut session = Session::command(&db, Some(common::pty::PASSPHRASE), &["--role", "ppt"]);
    session.wait_for("PPT: neste frist");
    session.wait_for(&reference);
    session.send(ENTER);
    session.wait_for(&format!("Sak {reference}"));
    session.send("r");
    session.wait_for("t tildel PP-rådgiver");
    session.send("t");
    session.wait_for("Tildelt PP-rådgiver");
    session.send("Øystein Ås");
    session.wait_for("Øystein Ås");
    session.send(ENTER);
    session.wait_until("the form closes", |screen| !screen.contains("Tildelt PP-rådgiver ·"));
    session.send(ESC);
    session.wait_for("PPT: neste frist");
    session.wait_for("Øystein Ås");
    session.send("q");
    assert!(session.wait_for_exit().success());

    let shown: serde_json::Value = serde_json::from_str(&saksgang(&db, &["show", &reference, "--json"])).unwrap();
    assert_eq!(shown["ppt"]["assigned"]["adviser"], "Øystein Ås");
    assert_eq!(shown["ppt"]["assigned"]["date"], "2026-11-23");
}
