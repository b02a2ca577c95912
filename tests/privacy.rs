//! Encryption at rest and the audit chain, on real files.

use chrono::NaiveDate;
use rusqlite::Connection;
use saksgang::domain::{Action, CaseDetails, CaseKind, Gender, MeetingNo};
use saksgang::store::{AuditBreak, AuditBreakReason, FileKind, OpenError, Store, probe};

const PASSPHRASE: &str = "korrekt hest batteri stift";
const SECRET_TEXT: &str = "Hemmelighetsfull-Bjørkåsen";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn details() -> CaseDetails {
    CaseDetails {
        kind: CaseKind::Individual,
        school: SECRET_TEXT.into(),
        grade: "5. trinn".into(),
        gender: Some(Gender::Jente),
        teacher: "Åse Ødegård".into(),
        description: "Strever med lesing".into(),
    }
}

/// Every file of the database (main, -wal, -shm) as bytes.
fn all_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn an_encrypted_file_holds_none_of_a_cases_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut store = Store::open(&path, "tester", Some(PASSPHRASE)).unwrap();
    assert!(store.is_encrypted());
    let case = store.create_case(details(), today(), today()).unwrap();
    store
        .apply(case.id, &Action::RecordMeeting { number: MeetingNo::new(1).unwrap(), date: today() }, today())
        .unwrap();
    // Both while open (text in the WAL) and after closing.
    assert!(!contains(&all_bytes(dir.path()), SECRET_TEXT), "the text is readable in the files");
    drop(store);
    assert!(!contains(&all_bytes(dir.path()), SECRET_TEXT));
    assert!(!contains(&all_bytes(dir.path()), "SQLite format 3"));
    assert_eq!(probe(&path).unwrap(), FileKind::Encrypted);

    let store = Store::open(&path, "tester", Some(PASSPHRASE)).unwrap();
    assert_eq!(store.case_by_reference("2026-001").unwrap().unwrap().details.school, SECRET_TEXT);
}

#[test]
fn the_same_text_is_readable_in_a_plain_file() {
    // The test above would pass vacuously if the text never reached the disk.
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db"), "tester", None).unwrap();
    store.create_case(details(), today(), today()).unwrap();
    drop(store);
    assert!(contains(&all_bytes(dir.path()), SECRET_TEXT));
}

#[test]
fn a_wrong_or_missing_passphrase_is_refused_and_the_file_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut store = Store::open(&path, "tester", Some(PASSPHRASE)).unwrap();
    store.create_case(details(), today(), today()).unwrap();
    drop(store);
    let before = std::fs::read(&path).unwrap();

    let wrong = Store::open(&path, "tester", Some("feil passfrase")).err().unwrap();
    assert_eq!(wrong.downcast_ref::<OpenError>(), Some(&OpenError::WrongPassphrase { path: path.clone() }));
    let missing = Store::open(&path, "tester", None).err().unwrap();
    assert_eq!(missing.downcast_ref::<OpenError>(), Some(&OpenError::PassphraseNeeded { path: path.clone() }));
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(Store::open(&path, "tester", Some(PASSPHRASE)).is_ok());
}

#[test]
fn a_plain_file_opens_as_it_is_even_when_a_passphrase_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut store = Store::open(&path, "tester", None).unwrap();
    store.create_case(details(), today(), today()).unwrap();
    drop(store);
    let store = Store::open(&path, "tester", Some(PASSPHRASE)).unwrap();
    assert!(!store.is_encrypted());
    assert!(store.case_by_reference("2026-001").unwrap().is_some());
}

#[test]
fn the_passphrase_can_be_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut store = Store::open(&path, "tester", Some(PASSPHRASE)).unwrap();
    store.create_case(details(), today(), today()).unwrap();
    assert!(store.change_passphrase("en helt ny passfrase").unwrap().is_empty());
    drop(store);
    assert!(Store::open(&path, "tester", Some(PASSPHRASE)).is_err());
    let store = Store::open(&path, "tester", Some("en helt ny passfrase")).unwrap();
    assert!(store.case_by_reference("2026-001").unwrap().is_some());
    assert!(store.check().unwrap().is_ok());
}

#[test]
fn a_plain_database_is_encrypted_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.db");
    let mut plain = Store::open(&path, "tester", None).unwrap();
    plain.create_case(details(), today(), today()).unwrap();
    let (counts, version) = (plain.row_counts().unwrap(), plain.schema_version().unwrap());
    drop(plain);
    let failed = saksgang::store::encrypt_database(&path, "tester", PASSPHRASE).unwrap();
    assert!(failed.is_empty());
    let encrypted = Store::open(&path, "tester", Some(PASSPHRASE)).unwrap();
    assert!(encrypted.is_encrypted());
    assert_eq!(encrypted.row_counts().unwrap(), counts);
    assert_eq!(encrypted.schema_version().unwrap(), version);
    assert!(encrypted.check().unwrap().is_ok());
    assert!(!contains(&std::fs::read(&path).unwrap(), SECRET_TEXT));
}

fn store_with_history(path: &std::path::Path) -> Store {
    let mut store = Store::open(path, "tester", None).unwrap();
    for _ in 0..3 {
        let case = store.create_case(details(), today(), today()).unwrap();
        store
            .apply(case.id, &Action::RecordMeeting { number: MeetingNo::new(1).unwrap(), date: today() }, today())
            .unwrap();
    }
    store
}

#[test]
fn the_audit_chain_holds_and_check_passes() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_history(&dir.path().join("s.db"));
    let report = store.check().unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.audit, Ok(6));
}

#[test]
fn an_audit_entry_edited_outside_the_program_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    drop(store_with_history(&path));
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_no_update;
         UPDATE audit SET actor = 'noen andre' WHERE id = 4;",
    )
    .unwrap();
    drop(conn);
    let report = Store::open(&path, "tester", None).unwrap().check().unwrap();
    assert!(!report.is_ok());
    assert_eq!(report.audit, Err(AuditBreak { id: 4, reason: AuditBreakReason::Altered }));
}

#[test]
fn an_audit_entry_removed_outside_the_program_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    drop(store_with_history(&path));
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 2;").unwrap();
    drop(conn);
    let report = Store::open(&path, "tester", None).unwrap().check().unwrap();
    assert_eq!(report.audit, Err(AuditBreak { id: 3, reason: AuditBreakReason::Gap }));
}

mod consent {
    use super::*;
    use saksgang::domain::{Consent, ConsentGiver, Identity, RuleError};

    const NAME: &str = "Kari Sølvberg-Ødegård";

    fn consent(expires: Option<NaiveDate>) -> Action {
        Action::consent(Consent {
            given_on: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            given_by: ConsentGiver::Guardians,
            scope: "Drøfting med PPT".into(),
            expires_on: expires,
            withdrawn_on: None,
        })
    }

    fn name() -> Action {
        Action::name(Identity { name: NAME.into(), birth_date: NaiveDate::from_ymd_opt(2015, 3, 14) })
    }

    /// Every text column of the case and of its log, joined.
    fn everything_stored(path: &std::path::Path) -> String {
        let conn = Connection::open(path).unwrap();
        let mut text = String::new();
        for table in ["cases", "audit", "meetings"] {
            let columns: Vec<String> = conn
                .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let sql = format!(
                "SELECT {} FROM {table}",
                columns.iter().map(|c| format!("quote({c})")).collect::<Vec<_>>().join(" || '|' || ")
            );
            for row in conn.prepare(&sql).unwrap().query_map([], |r| r.get::<_, String>(0)).unwrap() {
                text.push_str(&row.unwrap());
                text.push('\n');
            }
        }
        text
    }

    #[test]
    fn the_store_refuses_a_name_without_consent() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db"), "tester", None).unwrap();
        let case = store.create_case(details(), today(), today()).unwrap();
        let err = store.apply(case.id, &name(), today()).unwrap_err();
        assert_eq!(err.downcast_ref::<RuleError>(), Some(&RuleError::NoValidConsent));
        assert!(!everything_stored(&dir.path().join("s.db")).contains("Sølvberg"));
    }

    #[test]
    fn withdrawing_consent_erases_every_trace_of_the_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut store = Store::open(&path, "tester", None).unwrap();
        let case = store.create_case(details(), today(), today()).unwrap();
        store.apply(case.id, &consent(None), today()).unwrap();
        store.apply(case.id, &name(), today()).unwrap();
        let named = store.case_by_id(case.id).unwrap().unwrap();
        store.note_viewed(&named).unwrap();
        assert!(everything_stored(&path).contains(NAME), "stored while consented");
        assert!(
            !store.audit_of(case.id).unwrap().iter().any(|e| e.detail.to_string().contains("Sølvberg")),
            "never in the log"
        );

        store.apply(case.id, &Action::WithdrawConsent { date: today() }, today()).unwrap();
        let case = store.case_by_id(case.id).unwrap().unwrap();
        assert_eq!(case.identity, None);
        let stored = everything_stored(&path);
        assert!(!stored.contains("Sølvberg") && !stored.contains("2015-03-14"), "{stored}");
        let actions: Vec<String> = store.audit_of(case.id).unwrap().into_iter().map(|e| e.action).collect();
        assert_eq!(actions, ["created", "consent_recorded", "identity_set", "viewed", "consent_withdrawn"]);
        // Not in the bytes of the file or its WAL either, while open and after.
        assert!(!contains(&all_bytes(dir.path()), "Sølvberg"), "an old copy of the name is left in the files");
        drop(store);
        assert!(!contains(&all_bytes(dir.path()), "Sølvberg"));
        assert!(Store::open(&path, "tester", None).unwrap().check().unwrap().is_ok());
    }

    #[test]
    fn an_expired_consent_is_warned_about_and_its_names_erased() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut store = Store::open(&path, "tester", None).unwrap();
        let expiring = store.create_case(details(), today(), today()).unwrap();
        store.apply(expiring.id, &consent(NaiveDate::from_ymd_opt(2026, 12, 10)), today()).unwrap();
        store.apply(expiring.id, &name(), today()).unwrap();
        let warnings = store.consent_warnings(today(), 15).unwrap();
        assert_eq!((warnings.expiring, warnings.to_erase), (1, 0));
        assert_eq!(warnings.pupil_of_age, 0);
        assert_eq!(store.consent_warnings(today(), 11).unwrap().pupil_of_age, 1, "born 14.03.2015: 11 by then");

        let later = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        let warnings = store.consent_warnings(later, 15).unwrap();
        assert_eq!((warnings.expiring, warnings.to_erase), (0, 1));
        assert_eq!(store.erase_without_consent(later).unwrap(), 1);
        assert_eq!(store.consent_warnings(later, 15).unwrap().to_erase, 0);
        assert!(!everything_stored(&path).contains("Sølvberg"));
        assert!(!contains(&all_bytes(dir.path()), "Sølvberg"));
    }
}
