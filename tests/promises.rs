//! The README's promises about children's data, each tried as a careless user and
//! an attacker would (issue 10; the test names carry the point they cover).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::AtomicBool;

use chrono::NaiveDate;
use saksgang::domain::{Action, CaseDetails, CaseKind, Consent, ConsentGiver, Identity};
use saksgang::store::{Store, daily_backup};

const PASSPHRASE: &str = "korrekt hest batteri stift";
const NAME: &str = "Guro Løvåsdatter";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
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
        .env_remove("SAKSGANG_KIT_PASSPHRASE")
        .stdin(Stdio::null());
    command
}

fn saksgang(db: &Path, args: &[&str]) -> Output {
    command(db).args(args).output().unwrap()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = saksgang(db, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Fails with one line on stderr; that line.
fn fails(db: &Path, args: &[&str]) -> String {
    let out = saksgang(db, args);
    assert!(!out.status.success(), "{args:?} should fail");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    err
}

fn add(db: &Path) -> String {
    ok(db, &["add", "--kind", "individual", "--school", "Bjørkåsen skole", "--grade", "6. trinn"]).trim().to_string()
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The database file and its WAL, as bytes.
fn on_disk(db: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(db).unwrap();
    bytes.extend(std::fs::read(with_suffix(db, "-wal")).unwrap_or_default());
    bytes
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn p04_every_file_written_is_the_users_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ny/mappe/s.db");
    let reference = add(&db);
    ok(&db, &["backup"]);
    let md = dir.path().join("ut/referat.md");
    ok(&db, &["export", "minutes", &reference, "--meeting", "1", "--format", "md", "-o", md.to_str().unwrap()]);
    for folder in
        [dir.path().join("ny"), dir.path().join("ny/mappe"), db.with_file_name("backups"), dir.path().join("ut")]
    {
        assert_eq!(mode(&folder), 0o700, "{}", folder.display());
    }
    let backups = saksgang::store::copies_of(&db).unwrap();
    assert_eq!(backups.len(), 1);
    let copies_lock = db.with_file_name("backups/.s.lock");
    let mut files = vec![db.clone(), md, with_suffix(&db, ".lock"), backups[0].clone(), copies_lock];
    // The WAL and shared memory exist while a program has the file open.
    let store = Store::open(&db, "tester", Some(PASSPHRASE)).unwrap();
    files.extend([with_suffix(&db, "-wal"), with_suffix(&db, "-shm")]);
    for file in &files {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    drop(store);
}

#[test]
fn p07_a_stopped_or_killed_copy_is_never_the_days_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let mut store = Store::open(&db, "tester", Some(PASSPHRASE)).unwrap();
    let details = CaseDetails {
        kind: CaseKind::System,
        school: "Bjørkåsen skole".into(),
        grade: "5. trinn".into(),
        gender: None,
        teacher: String::new(),
        description: "x".repeat(2000),
    };
    for _ in 0..200 {
        store.create_case(details.clone(), today(), today()).unwrap();
    }
    let backups = db.with_file_name("backups");
    let target = backups.join("s-2026-11-23.db");

    // Quitting stops the copy: nothing is left, and the day has no backup yet.
    let stopped = daily_backup(&store, &db, today(), 7, &AtomicBool::new(true)).unwrap();
    assert_eq!(stopped, None);
    assert!(!target.exists());
    assert_eq!(std::fs::read_dir(&backups).unwrap().count(), 0, "no partial file stays");

    // A copy killed half way (a file under the temporary name, with its journal) is
    // not taken for the day's backup: the next start makes a whole one.
    std::fs::write(backups.join(".s-2026-11-23.db.partial"), b"half a copy").unwrap();
    std::fs::write(backups.join(".s-2026-11-23.db.partial-journal"), b"journal").unwrap();
    let made = daily_backup(&store, &db, today(), 7, &AtomicBool::new(false)).unwrap();
    assert_eq!(made.as_deref(), Some(target.as_path()));
    let mut left: Vec<String> =
        std::fs::read_dir(&backups).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    // Besides the copy, only the lock its taking its name was held under.
    assert_eq!(left, vec![".s.lock".to_string(), "s-2026-11-23.db".to_string()]);
    let copy = Store::open_read_only(&target, Some(PASSPHRASE)).unwrap();
    assert!(copy.check().unwrap().is_ok());
    assert_eq!(copy.row_counts().unwrap(), store.row_counts().unwrap());
    drop(copy);
    assert!(!with_suffix(&target, "-wal").exists() && !with_suffix(&target, "-shm").exists(), "one file");
}

#[test]
fn p08_restore_and_encrypt_wait_for_the_screens_to_close() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    add(&db);
    let backup = dir.path().join("kopi.db");
    ok(&db, &["backup", backup.to_str().unwrap()]);
    let screens = Store::open(&db, "skjermene", Some(PASSPHRASE)).unwrap();
    let refused = fails(&db, &["restore", backup.to_str().unwrap()]);
    assert!(refused.contains("er åpen i et annet saksgang-vindu"), "{refused}");
    assert!(!with_suffix(&db, ".replaced").exists());
    let refused = fails(&db, &["passphrase"]);
    assert!(refused.contains("er åpen i et annet saksgang-vindu"), "{refused}");
    drop(screens);
    ok(&db, &["restore", backup.to_str().unwrap()]);

    let plain = dir.path().join("plain.db");
    ok(&plain, &["--no-encryption", "add", "--kind", "system", "--school", "S", "--grade", "7"]);
    let screens = Store::open(&plain, "skjermene", None).unwrap();
    let refused = fails(&plain, &["encrypt"]);
    assert!(refused.contains("er åpen i et annet saksgang-vindu"), "{refused}");
    drop(screens);
    ok(&plain, &["encrypt"]);
}

#[test]
fn p09_rotation_removes_only_the_daily_copies() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("saksgang.db");
    add(&db);
    let backups = db.with_file_name("backups");
    let manual: Vec<PathBuf> = ["2026-11-20-101500", "2026-11-21-101500", "2026-11-22-101500"]
        .iter()
        .map(|stamp| backups.join(format!("saksgang-{stamp}.db")))
        .collect();
    for file in &manual {
        ok(&db, &["backup", file.to_str().unwrap()]);
    }
    let store = Store::open(&db, "tester", Some(PASSPHRASE)).unwrap();
    for day in 20..=23 {
        let day = NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        daily_backup(&store, &db, day, 2, &AtomicBool::new(false)).unwrap();
    }
    for file in &manual {
        assert!(file.exists(), "{} was deleted", file.display());
    }
    assert!(!backups.join("saksgang-2026-11-21.db").exists(), "the older daily copies go");
    assert!(backups.join("saksgang-2026-11-22.db").exists() && backups.join("saksgang-2026-11-23.db").exists());
}

#[test]
fn p10_twenty_programs_create_the_same_new_file_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ny.db");
    let children: Vec<_> = (0..20)
        .map(|i| {
            command(&db)
                .args(["add", "--kind", "system", "--school", &format!("Skole {i}"), "--grade", "7"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(ok(&db, &["list"]).lines().count(), 20);
    assert!(ok(&db, &["check"]).contains("20 oppføringer"));
}

#[test]
fn p02_an_erasure_held_back_by_a_reader_is_not_reported_done() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("plain.db");
    // Plain, so that the test can look for the name in the file's bytes.
    ok(&db, &["--no-encryption", "add", "--kind", "individual", "--school", "S", "--grade", "7"]);
    ok(&db, &["consent", "2026-001", "--given-by", "guardians", "--date", "01.11.2026"]);
    ok(&db, &["name", "2026-001", "--name", NAME, "--birth-date", "14.03.2015"]);
    // Another program reads an older state of the file all along.
    let reader = rusqlite::Connection::open(&db).unwrap();
    reader.execute_batch("BEGIN; SELECT count(*) FROM cases;").unwrap();
    let said = fails(&db, &["withdraw-consent", "2026-001", "--yes"]);
    assert!(said.contains("holder ennå på en gammel kopi"), "{said}");
    let report = String::from_utf8(saksgang(&db, &["check"]).stdout).unwrap();
    assert!(report.contains("Sletting       venter"), "{report}");
    assert!(!ok(&db, &["show", "2026-001"]).contains(NAME), "gone from the database at once");
    reader.execute_batch("COMMIT;").unwrap();
    drop(reader);

    // The next program to open the file finishes the erasure.
    ok(&db, &["list"]);
    assert!(!ok(&db, &["check"]).contains("Sletting"));
    assert!(!contains(&on_disk(&db), NAME), "the name is still in the file");
}

#[test]
fn p14_a_pupil_consents_only_from_the_consent_age() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let reference = add(&db);
    let pupil = ["consent", &reference, "--given-by", "pupil", "--date", "01.11.2026"];
    let refused = fails(&db, &pupil);
    assert!(refused.contains("krever fødselsdatoen"), "{refused}");
    let six = [&pupil[..], &["--name", NAME, "--birth-date", "01.01.2020"]].concat();
    let refused = fails(&db, &six);
    assert!(refused.contains("under 15 år"), "{refused}");
    assert!(!ok(&db, &["show", &reference]).contains(NAME));
    let sixteen = [&pupil[..], &["--name", NAME, "--birth-date", "01.01.2010"]].concat();
    ok(&db, &sixteen);
    assert!(ok(&db, &["show", &reference]).contains(NAME));
    // Under the pupil's own consent the birth date cannot make the pupil younger.
    let younger = fails(&db, &["name", &reference, "--name", NAME, "--birth-date", "01.01.2019"]);
    assert!(younger.contains("under 15 år"), "{younger}");

    // The store holds the same rule for every front.
    let mut store = Store::open(&db, "tester", Some(PASSPHRASE)).unwrap();
    let case = store.case_by_reference(&reference).unwrap().unwrap();
    let consent = Consent {
        given_on: today(),
        given_by: ConsentGiver::Pupil,
        scope: String::new(),
        expires_on: None,
        withdrawn_on: None,
    };
    let young = Identity { name: NAME.into(), birth_date: NaiveDate::from_ymd_opt(2015, 1, 1) };
    let action = Action::RecordConsent { consent, pupil: Some(young), consent_age: 16 };
    assert!(store.apply(case.id, &action, today()).is_err());
}

#[test]
fn p15_a_fixed_today_does_not_let_an_expired_kit_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    add(&db);
    let yesterday = chrono::Local::now().date_naive().pred_opt().unwrap();
    let kit = saksgang::kit::Kit::new("Kari", yesterday, None, Vec::new());
    let file = dir.path().join("gammel.age");
    std::fs::write(&file, saksgang::kit::seal(&kit, "lang nok frase").unwrap()).unwrap();
    let out = command(&db)
        .env("SAKSGANG_TODAY", "2026-01-01")
        .env("SAKSGANG_KIT_PASSPHRASE", "lang nok frase")
        .args(["import", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("gikk ut"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn p17_files_that_cannot_be_used_are_named_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mappe");
    std::fs::create_dir(&folder).unwrap();
    let said = fails(&folder, &["list"]);
    assert!(said.contains("er en mappe, ikke en databasefil"), "{said}");

    let mistyped = dir.path().join("skrivefeil.db");
    for args in [&["list"][..], &["show", "2026-001"], &["check"], &["log", "2026-001"]] {
        let said = fails(&mistyped, args);
        assert!(said.contains("finnes ikke"), "{said}");
    }
    assert!(!mistyped.exists(), "no new database for a mistyped path");

    let db = dir.path().join("s.db");
    add(&db);
    let bytes = std::fs::read(&db).unwrap();
    let cut = dir.path().join("kuttet.db");
    // Cut at a page boundary: it still looks like an encrypted file.
    std::fs::write(&cut, &bytes[..bytes.len() - 4096]).unwrap();
    let said = fails(&cut, &["list"]);
    assert!(said.contains("saksgang"), "{said}");
    assert!(!said.contains("Error code"), "no raw SQLite text: {said}");

    // Restoring checks the backup without leaving files beside it.
    let backup = dir.path().join("kopi.db");
    ok(&db, &["backup", backup.to_str().unwrap()]);
    ok(&db, &["restore", backup.to_str().unwrap()]);
    assert!(!with_suffix(&backup, "-wal").exists() && !with_suffix(&backup, "-shm").exists());

    #[cfg(unix)]
    if unsafe_is_root() {
        // Root writes read-only files: the rest cannot be tried as root.
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o400)).unwrap();
        let said = fails(&db, &["add", "--kind", "system", "--school", "S", "--grade", "7"]);
        assert!(said.contains("kan ikke skrives av denne brukeren"), "{said}");
    }
}

#[cfg(unix)]
fn unsafe_is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn p12_control_characters_are_refused_at_input_and_never_printed_raw() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("plain.db");
    let attack = "\u{1b}[2J\u{1b}]0;PWN\u{7}";
    let out = saksgang(&db, &["--no-encryption", "add", "--kind", "system", "--school", attack, "--grade", "7"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("kontrolltegn"));
    let reference = ok(&db, &["--no-encryption", "add", "--kind", "individual", "--school", "S", "--grade", "7"]);
    let reference = reference.trim();
    ok(&db, &["consent", reference, "--given-by", "guardians", "--date", "01.11.2026"]);
    let said = fails(&db, &["name", reference, "--name", "Guro\nLøvås"]);
    assert!(said.contains("én linje"), "{said}");
    let said = fails(&db, &["close", reference, "--reason", "ferdig\u{1b}[31m"]);
    assert!(said.contains("kontrolltegn"), "{said}");

    // Text stored before these rules (or by another program) is shown, not obeyed.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE cases SET school = ?1, grade = ?2", [attack, "7\nfalsk rad"]).unwrap();
    drop(conn);
    for args in [&["list"][..], &["show", reference], &["log", reference], &["list", "--json"]] {
        let out = ok(&db, args);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{args:?}: {out:?}");
    }
    assert!(ok(&db, &["list"]).contains("␛[2J"), "shown by its stand-in");
    assert_eq!(ok(&db, &["list"]).lines().count(), 1, "one case, one row");
}

#[test]
fn p16_nonsense_dates_and_numbers_get_the_one_line_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let reference = add(&db);
    let add_on = |date: &str| fails(&db, &["add", "--kind", "system", "--school", "S", "--grade", "7", "--date", date]);
    assert!(add_on("01.01.0000").contains("utenfor årene"), "year 0");
    assert!(add_on("01.01.1985").contains("fra 01.01.1990"), "before 1990");
    let said = fails(&db, &["discussion", "plan", "--date", "31.12.2099", "--school", "S"]);
    assert!(said.contains("ti år fram i tid"), "{said}");
    ok(&db, &["consent", &reference, "--given-by", "guardians", "--date", "01.11.2026"]);
    let said = fails(&db, &["name", &reference, "--name", NAME, "--birth-date", "0000-01-01"]);
    assert!(said.contains("utenfor årene"), "{said}");
    let said = fails(&db, &["name", &reference, "--name", NAME, "--birth-date", "01.01.2027"]);
    assert!(said.contains("Fødselsdatoen 01.01.2027 er etter i dag"), "{said}");
    let said = fails(&db, &["meeting", &reference, "1", "--date", "01.01.2040", "--planned"]);
    assert!(said.contains("ti år fram i tid"), "{said}");

    // Numbers beyond reason are refused before anything runs.
    for args in [
        &["demo", "--cases", "4294967296"][..],
        &["list", "--due-within", "4000000000"],
        &["export", "kit", "--school", "S", "--cases", &reference],
    ] {
        let out = saksgang(&db, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
    std::fs::write(db.with_file_name("none.toml"), "consent_age = 200\n").unwrap();
    let said = fails(&db, &["list"]);
    assert!(said.contains("consent_age = 200"), "{said}");
}

#[test]
fn p18_help_says_what_a_passphrase_in_the_environment_means() {
    let dir = tempfile::tempdir().unwrap();
    let help = ok(&dir.path().join("s.db"), &["--help"]);
    assert!(help.contains("SAKSGANG_PASSPHRASE") && help.contains("every program it starts"), "{help}");
}

/// A meeting 1 record with the pupil, a guardian and the contact teacher present.
fn minutes_with_family() -> saksgang::domain::MeetingRecord {
    use saksgang::domain::{MeetingRecord, Participant, Role};
    let present = |name: &str, role| Participant { name: name.into(), role, role_text: String::new() };
    MeetingRecord {
        place: "Grupperom".into(),
        participants: vec![
            present("Åse Ødegård", Role::ContactTeacher),
            present(NAME, Role::Pupil),
            present("Kåre Løvåsdatter", Role::Guardian),
        ],
        ..MeetingRecord::default()
    }
}

#[test]
fn p06_the_family_in_the_minutes_follows_the_consent_rule() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("plain.db");
    ok(&db, &["--no-encryption", "add", "--kind", "individual", "--school", "S", "--grade", "7"]);
    let one = saksgang::domain::MeetingNo::new(1).unwrap();
    let mut store = Store::open(&db, "tester", None).unwrap();
    let id = store.case_by_reference("2026-001").unwrap().unwrap().id;

    // Without consent the family is present by role only.
    let refused = store.save_meeting_record(id, one, &minutes_with_family(), today()).unwrap_err();
    let said = saksgang::service::explain(&saksgang::i18n::Catalog::new(saksgang::i18n::Lang::Nb), &refused);
    assert!(said.contains("Saken er anonym"), "{said}");
    let mut by_role = minutes_with_family();
    by_role.erase_family_names();
    store.save_meeting_record(id, one, &by_role, today()).unwrap();

    // Under a consent they are named; withdrawing it erases them with the pupil's name,
    // in the minutes, in the kit's kept copy, and on disk.
    ok(&db, &["consent", "2026-001", "--given-by", "guardians", "--date", "01.11.2026"]);
    store.save_meeting_record(id, one, &minutes_with_family(), today()).unwrap();
    let kit = store.kit_of(&[id], None, today(), today()).unwrap();
    store.note_kit_written(&kit).unwrap();
    drop(store);
    let md = dir.path().join("referat.md");
    ok(&db, &["export", "minutes", "2026-001", "--meeting", "1", "--format", "md", "-o", md.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&md).unwrap().contains("Kåre Løvåsdatter"));
    ok(&db, &["withdraw-consent", "2026-001", "--yes"]);
    let store = Store::open(&db, "tester", None).unwrap();
    let kept = store.meeting_record(id, one).unwrap().unwrap();
    assert_eq!(kept, by_role, "the family by role, the staff by name");
    drop(store);
    for name in [NAME, "Kåre Løvåsdatter"] {
        assert!(!contains(&on_disk(&db), name), "{name} is still in the file");
    }
    assert!(contains(&on_disk(&db), "Åse Ødegård"), "staff names stay");
    ok(&db, &["export", "minutes", "2026-001", "--meeting", "1", "--format", "md", "-o", md.to_str().unwrap()]);
    let printed = std::fs::read_to_string(&md).unwrap();
    assert!(!printed.contains("Løvåsdatter") && printed.contains("Åse Ødegård"), "{printed}");
}

/// Every file under `dir`, in every folder.
fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(all_files(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// A plain database with a named pupil under the guardians' consent, a copy by
/// `saksgang backup`, a daily copy, and the file a restore moved aside.
fn named_with_copies(dir: &Path) -> PathBuf {
    let db = dir.join("s.db");
    ok(&db, &["--no-encryption", "add", "--kind", "individual", "--school", "S", "--grade", "7"]);
    ok(&db, &["consent", "2026-001", "--given-by", "guardians", "--date", "01.11.2026"]);
    ok(&db, &["name", "2026-001", "--name", NAME, "--birth-date", "14.03.2015"]);
    ok(&db, &["backup"]);
    let store = Store::open(&db, "tester", None).unwrap();
    daily_backup(&store, &db, today(), 7, &AtomicBool::new(false)).unwrap().unwrap();
    drop(store);
    let manual = saksgang::store::copies_of(&db).unwrap()[0].clone();
    ok(&db, &["restore", manual.to_str().unwrap()]);
    assert_eq!(saksgang::store::copies_of(&db).unwrap().len(), 3, "two backups and the file moved aside");
    db
}

#[test]
fn p03_an_erasure_reaches_the_backups_and_the_files_a_restore_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let db = named_with_copies(dir.path());
    let elsewhere = dir.path().join("minnepinne.db");
    ok(&db, &["backup", elsewhere.to_str().unwrap()]);
    for copy in saksgang::store::copies_of(&db).unwrap() {
        assert!(contains(&std::fs::read(&copy).unwrap(), NAME), "{}", copy.display());
    }

    ok(&db, &["withdraw-consent", "2026-001", "--yes"]);
    for file in all_files(dir.path()).iter().filter(|f| **f != elsewhere) {
        assert!(!contains(&std::fs::read(file).unwrap(), NAME), "the name is still in {}", file.display());
    }
    // A copy the user put elsewhere is the user's to treat, as the README says.
    assert!(contains(&std::fs::read(&elsewhere).unwrap(), NAME));
    // The copies still pass their check and can be put back.
    for copy in saksgang::store::copies_of(&db).unwrap() {
        let store = Store::open_read_only(&copy, None).unwrap();
        assert!(store.check().unwrap().is_ok(), "{}", copy.display());
        assert!(store.case_by_reference("2026-001").unwrap().unwrap().identity.is_none());
    }
    let daily = dir.path().join("backups/s-2026-11-23.db");
    ok(&db, &["restore", daily.to_str().unwrap()]);
    assert!(!ok(&db, &["show", "2026-001"]).contains(NAME));
}

#[test]
fn p03_a_copy_an_erasure_cannot_open_is_named_until_it_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let db = named_with_copies(dir.path());
    // Looks like a backup, but opens with no key this program has.
    let stranger = dir.path().join("backups/s-2026-11-20.db");
    std::fs::write(&stranger, vec![7u8; 4096]).unwrap();

    let out = saksgang(&db, &["withdraw-consent", "2026-001", "--yes"]);
    assert!(!out.status.success(), "an erasure that has not reached every copy is not reported done");
    let said = String::from_utf8(out.stderr).unwrap();
    assert!(said.contains("kunne ikke åpnes") && said.contains("s-2026-11-20.db"), "{said}");
    for copy in saksgang::store::copies_of(&db).unwrap().iter().filter(|c| **c != stranger) {
        assert!(!contains(&std::fs::read(copy).unwrap(), NAME), "the other copies are treated: {}", copy.display());
    }
    let report = String::from_utf8(saksgang(&db, &["check"]).stdout).unwrap();
    assert!(report.contains("Kopier") && report.contains("s-2026-11-20.db"), "{report}");

    // Putting a backup back does not lose what is still to do.
    let daily = dir.path().join("backups/s-2026-11-23.db");
    ok(&db, &["restore", daily.to_str().unwrap()]);
    let report = String::from_utf8(saksgang(&db, &["check"]).stdout).unwrap();
    assert!(report.contains("Kopier") && report.contains("s-2026-11-20.db"), "{report}");
    assert!(!ok(&db, &["show", "2026-001"]).contains(NAME));

    std::fs::remove_file(&stranger).unwrap();
    assert!(!ok(&db, &["check"]).contains("Kopier"), "the next opening finds nothing left to do");
}

#[test]
fn p03_encrypt_encrypts_the_copies_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = named_with_copies(dir.path());
    let said = ok(&db, &["encrypt"]);
    assert!(said.contains("kopier"), "{said}");
    for file in all_files(dir.path()) {
        assert!(!contains(&std::fs::read(&file).unwrap(), NAME), "plain text left in {}", file.display());
    }
    for copy in saksgang::store::copies_of(&db).unwrap() {
        assert_eq!(saksgang::store::probe(&copy).unwrap(), saksgang::store::FileKind::Encrypted);
        let store = Store::open_read_only(&copy, Some(PASSPHRASE)).unwrap();
        assert!(store.check().unwrap().is_ok(), "{}", copy.display());
    }
    let daily = dir.path().join("backups/s-2026-11-23.db");
    ok(&db, &["restore", daily.to_str().unwrap()]);
    assert!(ok(&db, &["show", "2026-001"]).contains(NAME));

    // A plain copy left beside the encrypted database (an `encrypt` killed part
    // way, a copy from before) is found, and `passphrase` encrypts it.
    let old = dir.path().join("backups/s-2026-11-01.db");
    let other = tempfile::tempdir().unwrap();
    let plain = other.path().join("p.db");
    ok(&plain, &["--no-encryption", "add", "--kind", "system", "--school", "S", "--grade", "7"]);
    std::fs::copy(&plain, &old).unwrap();
    check_finds(&db, "1 kopi er ikke kryptert");
    let out =
        command(&db).arg("passphrase").env("SAKSGANG_NEW_PASSPHRASE", "en helt annen passfrase").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(saksgang::store::probe(&old).unwrap(), saksgang::store::FileKind::Encrypted);
    let out = command(&db).arg("check").env("SAKSGANG_PASSPHRASE", "en helt annen passfrase").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn p03_a_new_passphrase_rekeys_the_copies_and_the_old_one_opens_none() {
    let dir = tempfile::tempdir().unwrap();
    let db = named_with_copies(dir.path());
    ok(&db, &["encrypt"]);
    let new = "en helt annen passfrase";
    let out = command(&db).arg("passphrase").env("SAKSGANG_NEW_PASSPHRASE", new).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for copy in saksgang::store::copies_of(&db).unwrap() {
        assert!(Store::open_read_only(&copy, Some(PASSPHRASE)).is_err(), "{} opens with the old one", copy.display());
        assert!(Store::open_read_only(&copy, Some(new)).unwrap().check().unwrap().is_ok());
    }
    let daily = dir.path().join("backups/s-2026-11-23.db");
    let out = command(&db).args(["restore", daily.to_str().unwrap()]).env("SAKSGANG_PASSPHRASE", new).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // A copy made under yet another passphrase is named and left as it is.
    let other = tempfile::tempdir().unwrap();
    let foreign = other.path().join("f.db");
    let out = command(&foreign)
        .args(["add", "--kind", "system", "--school", "S", "--grade", "7"])
        .env("SAKSGANG_PASSPHRASE", "en tredje passfrase")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let older = dir.path().join("backups/s-2026-11-02.db");
    std::fs::copy(&foreign, &older).unwrap();
    let out = command(&db)
        .arg("passphrase")
        .env("SAKSGANG_PASSPHRASE", new)
        .env("SAKSGANG_NEW_PASSPHRASE", "en fjerde passfrase")
        .output()
        .unwrap();
    let said = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success() && said.contains("s-2026-11-02.db"), "{said}");
    assert!(said.contains("åpnes ikke med den gamle passfrasen"), "{said}");
    assert!(Store::open_read_only(&older, Some("en tredje passfrase")).is_ok(), "left as it was");
    assert!(Store::open_read_only(&daily, Some("en fjerde passfrase")).is_ok(), "the others follow");
}

/// A plain database with two cases and their log, and a backup of it all.
fn logged(dir: &Path) -> PathBuf {
    let db = dir.join("s.db");
    ok(&db, &["--no-encryption", "add", "--kind", "individual", "--school", "S", "--grade", "7"]);
    ok(&db, &["meeting", "2026-001", "1", "--date", "23.11.2026"]);
    add(&db);
    assert!(ok(&db, &["check"]).contains("Saker          ok"));
    db
}

/// Changes the file as somebody with a plain SQLite tool would.
fn tamper(db: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(&format!(
        "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; {sql}
         CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
             BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
         CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
             BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    ))
    .unwrap();
}

/// `check` fails and its report holds `expected`.
fn check_finds(db: &Path, expected: &str) {
    let out = saksgang(db, &["check"]);
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(!out.status.success(), "check passed: {report}");
    assert!(report.contains(expected), "{report}");
}

#[test]
fn p11_removing_the_newest_log_entries_or_all_of_them_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let db = logged(dir.path());
    tamper(
        &db,
        "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit WHERE case_id = (SELECT id FROM cases WHERE ref_seq = 1));",
    );
    check_finds(&db, "2026-001");

    let db = logged(&dir.path().join("alle"));
    tamper(&db, "DELETE FROM audit;");
    check_finds(&db, "2026-001, 2026-002");
}

#[test]
fn p11_an_entry_rewritten_with_its_chain_recomputed_unkeyed_is_found() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().unwrap();
    let db = logged(dir.path());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DROP TRIGGER audit_no_update;").unwrap();
    conn.execute("UPDATE audit SET actor = 'noen andre' WHERE id = 1", []).unwrap();
    // The whole chain recomputed the way it was before it was keyed.
    let rows: Vec<(i64, [String; 5])> = conn
        .prepare("SELECT id, at, actor, coalesce(case_id, ''), action, detail FROM audit ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?])))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut previous = String::new();
    for (id, fields) in rows {
        let mut hasher = Sha256::new();
        for part in std::iter::once(&previous).chain(&fields) {
            hasher.update(part.as_bytes());
            hasher.update([0u8]);
        }
        previous = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
        conn.execute("UPDATE audit SET hash = ?1 WHERE id = ?2", rusqlite::params![previous, id]).unwrap();
    }
    conn.execute_batch(
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
             BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
    )
    .unwrap();
    drop(conn);
    check_finds(&db, "oppføring nr. 1 er endret");
}

#[test]
fn p11_a_case_changed_without_an_entry_and_a_dropped_trigger_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let db = logged(dir.path());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE cases SET school = 'Annen skole' WHERE ref_seq = 2", []).unwrap();
    drop(conn);
    check_finds(&db, "endret utenfor programmet (uten loggoppføring, eller oppføringer fjernet): 2026-002");

    let db = logged(&dir.path().join("utløser"));
    rusqlite::Connection::open(&db).unwrap().execute_batch("DROP TRIGGER audit_no_delete;").unwrap();
    check_finds(&db, "mangler (fjernet utenfor programmet): audit_no_delete");
}

#[test]
fn p11_a_case_removed_with_its_entries_shows_against_the_newest_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = logged(dir.path());
    ok(&db, &["backup"]);
    // The newest case, its seal and every entry of it: nothing left in the file to
    // compare with but the backup's record of the chain's head.
    tamper(
        &db,
        "PRAGMA foreign_keys = OFF;
         DELETE FROM audit WHERE case_id = (SELECT id FROM cases WHERE ref_seq = 2);
         DELETE FROM case_seals WHERE case_id = (SELECT id FROM cases WHERE ref_seq = 2);
         DELETE FROM cases WHERE ref_seq = 2;",
    );
    check_finds(&db, "har loggoppføringer som databasen ikke lenger har");

    // A restore puts the log back as the backup had it: then all holds.
    let backup = saksgang::store::copies_of(&db).unwrap()[0].clone();
    ok(&db, &["restore", backup.to_str().unwrap()]);
    assert!(ok(&db, &["check"]).contains("Saker          ok"));
}
