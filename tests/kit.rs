//! The visit-day kit between two real databases: export, import, merge, conflicts,
//! and the kits that must be refused without touching anything.

#[allow(dead_code)]
mod common;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use saksgang::domain::Side;
use saksgang::domain::{
    Action, CaseDetails, CaseKind, Consent, ConsentGiver, Decision, Gender, Identity, Measure, MeetingNo,
    MeetingRecord, Participant, Role, WithoutConsent,
};
use saksgang::kit::{self, KitError, Refused};
use saksgang::service;
use saksgang::store::{Store, UnsettledConflicts};
use tempfile::TempDir;
use uuid::Uuid;

use common::cli::{ok, run};

const PASSPHRASE: &str = "besøk på Bjørkåsen";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 11, 24)
}

fn n(number: u8) -> MeetingNo {
    MeetingNo::new(number).unwrap()
}

fn open(dir: &TempDir, name: &str, actor: &str) -> Store {
    Store::open(&dir.path().join(name), actor, None).unwrap()
}

fn details(school: &str) -> CaseDetails {
    CaseDetails {
        kind: CaseKind::Individual,
        school: school.into(),
        grade: "6. trinn".into(),
        gender: Some(Gender::Jente),
        teacher: "Åse Ødegård".into(),
        description: "Leser sakte".into(),
    }
}

/// The guardians' consent given 25.08.2026, up to `expires_on`.
fn consent(expires_on: Option<NaiveDate>) -> Action {
    Action::consent(Consent {
        given_on: d(2026, 8, 25),
        given_by: ConsentGiver::Guardians,
        scope: "drøfting med PPT".into(),
        expires_on,
        withdrawn_on: None,
    })
}

/// A case at the school, referred to PPT after three meetings, with consent, a
/// name, and the record of meeting 2 with a measure.
fn referred_case(store: &mut Store, school: &str) -> Uuid {
    let id = store.create_case(details(school), d(2026, 8, 20), today()).unwrap().id;
    let steps = [
        consent(Some(d(2027, 8, 25))),
        Action::name(Identity { name: "Guro Løvås".into(), birth_date: Some(d(2015, 3, 1)) }),
        Action::RecordMeeting { number: n(1), date: d(2026, 9, 1) },
        Action::RecordMeeting { number: n(2), date: d(2026, 9, 25) },
        Action::RecordMeeting { number: n(3), date: d(2026, 11, 10) },
        Action::Decide { decision: Decision::Refer, date: d(2026, 11, 10) },
    ];
    for step in &steps {
        store.apply(id, step, today()).unwrap();
    }
    let record = MeetingRecord {
        place: "Møterom 2".into(),
        participants: vec![Participant {
            name: "Åse Ødegård".into(),
            role: Role::ContactTeacher,
            role_text: "".into(),
        }],
        statements: ["Skolen: æøå".into(), "".into(), "Foreldrene er enige".into(), "".into()],
        measures: vec![Measure {
            id: 1,
            content: "Lesekurs".into(),
            scope: "3 t/uke".into(),
            organisation: "gruppe".into(),
            starts_on: Some(d(2026, 9, 28)),
            ends_on: Some(d(2026, 11, 6)),
            responsible: "Åse".into(),
        }],
        ..MeetingRecord::default()
    };
    store.save_meeting_record(id, n(2), &record, today()).unwrap();
    id
}

fn selection(ids: &[Uuid]) -> service::kit::Selection<'_> {
    service::kit::Selection { ids, school: Some("Bjørkåsen skole"), expires_on: d(2026, 12, 1), today: today() }
}

fn export(store: &mut Store, ids: &[Uuid], path: &Path) {
    service::kit::export(store, &selection(ids), PASSPHRASE, path).unwrap();
}

fn import(store: &mut Store, path: &Path) -> saksgang::store::ImportReport {
    service::kit::import(store, path, PASSPHRASE, today(), 15).unwrap()
}

fn edit_teacher(store: &mut Store, id: Uuid, teacher: &str) {
    let mut edited = store.case_by_id(id).unwrap().unwrap().details;
    edited.teacher = teacher.into();
    store.apply(id, &Action::Edit(edited), today()).unwrap();
}

/// A referred case at the school, and the laptop that read it in from a kit.
fn handed_over(dir: &TempDir) -> (Store, Store, Uuid) {
    let mut school = open(dir, "school.db", "Kari");
    let id = referred_case(&mut school, "Bjørkåsen skole");
    let file = dir.path().join("to-laptop.age");
    export(&mut school, &[id], &file);
    let mut laptop = open(dir, "laptop.db", "PPT");
    import(&mut laptop, &file);
    (school, laptop, id)
}

/// Everything a database holds about a case, for "nothing changed" comparisons.
fn state(store: &Store, id: Uuid) -> String {
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}",
        store.case_by_id(id).unwrap(),
        store.meeting_records(id).unwrap(),
        store.audit_of(id).unwrap(),
        store.kit_conflicts().unwrap()
    )
}

#[test]
fn the_cases_that_concern_ppt_are_the_referred_ones_and_those_on_an_agenda() {
    let dir = TempDir::new().unwrap();
    let mut school = open(&dir, "school.db", "Kari");
    let referred = referred_case(&mut school, "Bjørkåsen skole");
    let _not_yet = school.create_case(details("Bjørkåsen skole"), d(2026, 9, 1), today()).unwrap();
    let _elsewhere = referred_case(&mut school, "Annen skole");
    assert_eq!(school.kit_cases_of_school("  bjørkåsen SKOLE ", today()).unwrap(), [referred]);
}

#[test]
fn a_pupil_without_consent_stays_out_and_a_withdrawal_travels_to_erase_the_name() {
    let dir = TempDir::new().unwrap();
    let mut school = open(&dir, "school.db", "Kari");
    let consented = referred_case(&mut school, "Bjørkåsen skole");
    let anonymous = school.create_case(details("Bjørkåsen skole"), d(2026, 8, 20), today()).unwrap().id;
    for step in [
        Action::RecordMeeting { number: n(1), date: d(2026, 9, 1) },
        Action::RecordMeeting { number: n(2), date: d(2026, 9, 25) },
        Action::RecordMeeting { number: n(3), date: d(2026, 11, 10) },
        Action::Decide { decision: Decision::Refer, date: d(2026, 11, 10) },
    ] {
        school.apply(anonymous, &step, today()).unwrap();
    }
    assert_eq!(school.kit_cases_of_school("Bjørkåsen skole", today()).unwrap(), [consented]);
    let file = dir.path().join("kit.age");
    let error = service::kit::export(&mut school, &selection(&[consented, anonymous]), PASSPHRASE, &file).unwrap_err();
    assert_eq!(error.downcast_ref::<WithoutConsent>().unwrap().reference, "2026-002");
    assert!(!file.exists());

    export(&mut school, &[consented], &file);
    let mut laptop = open(&dir, "laptop.db", "PPT");
    import(&mut laptop, &file);
    assert!(laptop.case_by_id(consented).unwrap().unwrap().identity.is_some());
    school.apply(consented, &Action::WithdrawConsent { date: d(2026, 11, 23) }, today()).unwrap();
    assert_eq!(school.kit_cases_of_school("Bjørkåsen skole", today()).unwrap(), [consented], "it went before");
    export(&mut school, &[consented], &file);
    import(&mut laptop, &file);
    let there = laptop.case_by_id(consented).unwrap().unwrap();
    assert_eq!(there.identity, None, "the name is erased on the laptop too");
    assert_eq!(there.consent.unwrap().withdrawn_on, Some(d(2026, 11, 23)));
}

/// How many of the kit's kept copies of a case (versions, conflicts) hold `text`.
fn kept_copies_holding(db: &Path, text: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    let pattern = format!("%{text}%");
    conn.query_row(
        "SELECT (SELECT count(*) FROM kit_versions WHERE snapshot LIKE ?1)
              + (SELECT count(*) FROM kit_conflicts WHERE here LIKE ?1 OR kit LIKE ?1)",
        [pattern],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn a_name_erased_on_one_side_is_gone_from_both_however_the_other_side_changed_it() {
    let dir = TempDir::new().unwrap();
    let (mut school, mut laptop, id) = handed_over(&dir);
    assert!(kept_copies_holding(&dir.path().join("school.db"), "Guro Løvås") > 0, "the version sent holds it");
    school.apply(id, &Action::WithdrawConsent { date: d(2026, 11, 23) }, today()).unwrap();
    assert_eq!(kept_copies_holding(&dir.path().join("school.db"), "Guro Løvås"), 0, "erased means gone");
    // Meanwhile the laptop corrected the name.
    laptop.apply(id, &Action::name(Identity { name: "Guro M. Løvås".into(), birth_date: None }), today()).unwrap();
    let back = dir.path().join("back.age");
    export(&mut laptop, &[id], &back);
    let report = import(&mut school, &back);
    assert!(report.conflicts.is_empty(), "no conflict keeps a name without consent");
    let case = school.case_by_id(id).unwrap().unwrap();
    assert_eq!(case.identity, None);
    assert!(case.consent.unwrap().withdrawn_on.is_some());
    assert_eq!(kept_copies_holding(&dir.path().join("school.db"), "Løvås"), 0);
    assert_eq!(school.audit_of(id).unwrap().pop().unwrap().action, "kit_imported");

    // And the laptop, reading the school's kit, erases it too.
    export(&mut school, &[id], &back);
    import(&mut laptop, &back);
    assert_eq!(laptop.case_by_id(id).unwrap().unwrap().identity, None);
    assert_eq!(laptop.audit_of(id).unwrap().pop().unwrap().action, "identity_erased", "the name shown there went");
    assert_eq!(kept_copies_holding(&dir.path().join("laptop.db"), "Løvås"), 0);
}

#[test]
fn a_new_case_whose_consent_has_run_out_arrives_without_the_name() {
    let dir = TempDir::new().unwrap();
    let mut school = open(&dir, "school.db", "Kari");
    let id = referred_case(&mut school, "Bjørkåsen skole");
    school.apply(id, &consent(Some(d(2026, 11, 26))), today()).unwrap();
    let file = dir.path().join("kit.age");
    export(&mut school, &[id], &file);
    let mut laptop = open(&dir, "laptop.db", "PPT");
    // Read in two days later: the kit is valid, the consent is not.
    service::kit::import(&mut laptop, &file, PASSPHRASE, d(2026, 11, 26), 15).unwrap();
    let case = laptop.case_by_id(id).unwrap().unwrap();
    assert_eq!(case.identity, None);
    assert_eq!(case.details, school.case_by_id(id).unwrap().unwrap().details, "the rest arrives");
    assert_eq!(kept_copies_holding(&dir.path().join("laptop.db"), "Løvås"), 0);
}

#[test]
fn export_then_import_on_a_fresh_database_gives_the_same_cases_with_their_trail() {
    let dir = TempDir::new().unwrap();
    let mut school = open(&dir, "school.db", "Kari");
    let id = referred_case(&mut school, "Bjørkåsen skole");
    // Two looks at the named case, likely in the same second: both arrive.
    let case = school.case_by_id(id).unwrap().unwrap();
    school.note_viewed(&case).unwrap();
    school.note_viewed(&case).unwrap();
    let file = dir.path().join("kit.age");
    export(&mut school, &[id], &file);

    let mut laptop = open(&dir, "laptop.db", "PPT-rådgiver");
    let report = import(&mut laptop, &file);
    assert_eq!(report.added, ["2026-001"]);
    assert_eq!(laptop.case_by_id(id).unwrap(), school.case_by_id(id).unwrap());
    assert_eq!(laptop.meeting_records(id).unwrap(), school.meeting_records(id).unwrap());

    let trail = |store: &Store| store.audit_of(id).unwrap().into_iter().map(|e| (e.at, e.actor, e.action, e.detail));
    let here: Vec<_> = trail(&laptop).collect();
    let mut there: Vec<_> = trail(&school).collect();
    // The export is logged at the school once the file is written: after what the kit holds.
    assert_eq!(there.pop().unwrap().2, "kit_exported");
    assert_eq!(here[..there.len()], there[..], "the school's trail arrives whole, in order");
    assert_eq!(here.last().unwrap().2, "kit_imported");
    assert_eq!(here.last().unwrap().1, "PPT-rådgiver");
    assert!(laptop.check().unwrap().is_ok());
}

#[test]
fn changes_on_one_side_are_taken_both_ways_and_a_second_import_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let (mut school, mut laptop, id) = handed_over(&dir);

    // On the laptop the referral is sent; at school the teacher changes.
    laptop.apply(id, &Action::ReferralSent { date: d(2026, 11, 20) }, today()).unwrap();
    edit_teacher(&mut school, id, "Per Ås");
    let to_school = dir.path().join("to-school.age");
    export(&mut laptop, &[id], &to_school);
    let report = import(&mut school, &to_school);
    assert_eq!(report.updated, [("2026-001".to_string(), 1)]);
    assert!(report.conflicts.is_empty());
    let case = school.case_by_id(id).unwrap().unwrap();
    assert_eq!(case.referral_sent, Some(d(2026, 11, 20)));
    assert_eq!(case.details.teacher, "Per Ås");

    let before = state(&school, id);
    let again = import(&mut school, &to_school);
    assert_eq!((again.unchanged, again.updated.len()), (1, 0));
    let after = state(&school, id);
    // Only the second import's own log entry is new.
    assert_eq!(after.matches("kit_imported").count(), before.matches("kit_imported").count() + 1);

    // Back to the laptop: it learns the teacher and keeps its referral.
    let back = dir.path().join("back.age");
    export(&mut school, &[id], &back);
    import(&mut laptop, &back);
    assert_eq!(laptop.case_by_id(id).unwrap(), school.case_by_id(id).unwrap());
    assert!(laptop.kit_conflicts().unwrap().is_empty());
}

#[test]
fn the_same_field_changed_on_both_sides_is_one_listed_conflict_that_loses_neither_value() {
    let dir = TempDir::new().unwrap();
    let (mut school, mut laptop, id) = handed_over(&dir);

    edit_teacher(&mut school, id, "Skolens valg");
    edit_teacher(&mut laptop, id, "Rådgiverens valg");
    let back = dir.path().join("back.age");
    export(&mut laptop, &[id], &back);
    let report = import(&mut school, &back);
    assert_eq!(report.conflicts, [("2026-001".to_string(), 1)]);

    let conflicts = school.kit_conflicts().unwrap();
    assert_eq!(conflicts.len(), 1);
    let conflict = &conflicts[0];
    assert_eq!(conflict.field, "case.details.teacher");
    assert_eq!(conflict.here, "Skolens valg");
    assert_eq!(conflict.kit, "Rådgiverens valg");
    assert_eq!(conflict.kit_from, "PPT");
    assert_eq!(school.case_by_id(id).unwrap().unwrap().details.teacher, "Skolens valg", "kept until chosen");

    // While the choice is open the case does not go back: the laptop would get the school's value.
    let error = service::kit::export(&mut school, &selection(&[id]), PASSPHRASE, &back).unwrap_err();
    assert_eq!(error.downcast_ref::<UnsettledConflicts>().unwrap().reference, "2026-001");

    school.resolve_kit_conflict(conflict, Side::Kit).unwrap();
    assert_eq!(school.case_by_id(id).unwrap().unwrap().details.teacher, "Rådgiverens valg");
    assert!(school.kit_conflicts().unwrap().is_empty());
    let last = school.audit_of(id).unwrap().pop().unwrap();
    assert_eq!(last.action, "kit_conflict_resolved");
    assert_eq!(last.detail["taken"], "kit");
    assert!(school.resolve_kit_conflict(conflict, Side::Here).is_err(), "settled once");

    // Settled, it goes back, and both machines agree.
    export(&mut school, &[id], &back);
    import(&mut laptop, &back);
    assert_eq!(laptop.case_by_id(id).unwrap(), school.case_by_id(id).unwrap());
    assert!(laptop.kit_conflicts().unwrap().is_empty());
}

#[test]
fn steps_that_cross_between_the_machines_are_one_conflict_and_settle_whole() {
    let dir = TempDir::new().unwrap();
    let mut school = open(&dir, "school.db", "Kari");
    let id = school.create_case(details("Bjørkåsen skole"), d(2026, 8, 20), today()).unwrap().id;
    for step in [consent(None), Action::RecordMeeting { number: n(1), date: d(2026, 9, 10) }] {
        school.apply(id, &step, today()).unwrap();
    }
    let file = dir.path().join("kit.age");
    export(&mut school, &[id], &file);
    let mut laptop = open(&dir, "laptop.db", "PPT");
    import(&mut laptop, &file);
    // The laptop corrects meeting 1 to a later day; the school records meeting 2 before it.
    laptop.apply(id, &Action::RecordMeeting { number: n(1), date: d(2026, 10, 5) }, today()).unwrap();
    school.apply(id, &Action::RecordMeeting { number: n(2), date: d(2026, 10, 1) }, today()).unwrap();
    export(&mut laptop, &[id], &file);
    let report = import(&mut school, &file);
    assert_eq!(report.conflicts, [("2026-001".to_string(), 1)]);
    let case = school.case_by_id(id).unwrap().unwrap();
    assert!(case.steps_in_order(), "never written out of order");
    assert_eq!(case.held(n(2)), Some(d(2026, 10, 1)), "kept until chosen");
    let conflicts = school.kit_conflicts().unwrap();
    assert_eq!(conflicts[0].field, saksgang::domain::STEPS_FIELD);

    school.resolve_kit_conflict(&conflicts[0], Side::Kit).unwrap();
    let case = school.case_by_id(id).unwrap().unwrap();
    assert_eq!((case.held(n(1)), case.meeting(n(2))), (Some(d(2026, 10, 5)), None));
    assert!(school.check().unwrap().is_ok());
}

#[test]
fn a_reference_taken_here_gives_the_new_case_a_local_one_and_it_travels_back_under_its_own() {
    let dir = TempDir::new().unwrap();
    let mut school = open(&dir, "school.db", "Kari");
    let id = referred_case(&mut school, "Bjørkåsen skole");
    let out = dir.path().join("out.age");
    export(&mut school, &[id], &out);

    let mut laptop = open(&dir, "laptop.db", "PPT");
    let other = referred_case(&mut laptop, "Annen skole");
    let report = import(&mut laptop, &out);
    assert_eq!(report.renamed, [("2026-001".to_string(), "2026-002".to_string())]);
    assert_eq!(laptop.case_by_id(id).unwrap().unwrap().reference, "2026-002");
    assert_eq!(laptop.case_by_id(other).unwrap().unwrap().reference, "2026-001");

    laptop.apply(id, &Action::ReferralSent { date: d(2026, 11, 20) }, today()).unwrap();
    let back = dir.path().join("back.age");
    export(&mut laptop, &[id], &back);
    let report = import(&mut school, &back);
    assert!(report.conflicts.is_empty() && report.renamed.is_empty());
    let case = school.case_by_id(id).unwrap().unwrap();
    assert_eq!((case.reference.as_str(), case.referral_sent), ("2026-001", Some(d(2026, 11, 20))));
}

#[test]
fn a_kit_that_cannot_be_written_leaves_no_trace() {
    let dir = TempDir::new().unwrap();
    let mut school = open(&dir, "school.db", "Kari");
    let id = referred_case(&mut school, "Bjørkåsen skole");
    let before = state(&school, id);
    // A folder that cannot be made: a file stands where it would go.
    std::fs::write(dir.path().join("opptatt"), "").unwrap();
    let path = dir.path().join("opptatt").join("kit.age");
    let error = service::kit::export(&mut school, &selection(&[id]), PASSPHRASE, &path).unwrap_err();
    assert!(format!("{error:#}").contains("cannot create the folder"), "{error:#}");
    assert_eq!(state(&school, id), before, "no export logged, no version kept");
}

#[test]
fn an_import_that_fails_part_way_leaves_nothing_of_it() {
    let dir = TempDir::new().unwrap();
    let mut school = open(&dir, "school.db", "Kari");
    let id = referred_case(&mut school, "Bjørkåsen skole");
    let file = dir.path().join("kit.age");
    export(&mut school, &[id], &file);
    let mut kit = kit::open(&std::fs::read(&file).unwrap(), PASSPHRASE, today()).unwrap();
    // A second case the store cannot take (its reference is not YYYY-NNN).
    let mut broken = kit.cases[0].clone();
    broken.snapshot.case.id = Uuid::new_v4();
    broken.snapshot.case.reference = "ugyldig".into();
    kit.cases.push(broken);

    let mut laptop = open(&dir, "laptop.db", "PPT");
    assert!(laptop.import_kit(&kit, "kit.age", today(), 15).is_err());
    assert_eq!(laptop.case_by_id(id).unwrap(), None, "the first case is not left behind");
    assert_eq!(laptop.row_counts().unwrap(), (0, 0));
    assert!(laptop.check().unwrap().is_ok());
}

/// A kit that must be refused leaves the database exactly as it was.
fn assert_refused(path: &Path, passphrase: &str, today: NaiveDate, why: KitError) {
    let dir = path.parent().unwrap();
    let mut store = Store::open(&dir.join("receiver.db"), "PPT", None).unwrap();
    let ids: Vec<Uuid> = store.kit_cases_of_school("Bjørkåsen skole", today).unwrap();
    let before: Vec<String> = ids.iter().map(|id| state(&store, *id)).collect();
    let counts = store.row_counts().unwrap();
    let error = service::kit::import(&mut store, path, passphrase, today, 15).unwrap_err();
    let refused = error.downcast_ref::<Refused>().expect("refused, not failed");
    assert_eq!(refused.why, why);
    assert_eq!(store.row_counts().unwrap(), counts);
    assert_eq!(ids.iter().map(|id| state(&store, *id)).collect::<Vec<_>>(), before);
}

fn exported_kit(dir: &TempDir) -> PathBuf {
    let mut school = open(dir, "school.db", "Kari");
    let id = referred_case(&mut school, "Bjørkåsen skole");
    let file = dir.path().join("kit.age");
    export(&mut school, &[id], &file);
    // The receiver already has an earlier version of the case, to show it unchanged.
    let mut receiver = open(dir, "receiver.db", "PPT");
    import(&mut receiver, &file);
    edit_teacher(&mut school, id, "Endret etterpå");
    export(&mut school, &[id], &file);
    file
}

#[test]
fn an_expired_kit_is_refused_and_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let file = exported_kit(&dir);
    assert_refused(&file, PASSPHRASE, d(2026, 12, 1), KitError::Expired { on: d(2026, 12, 1) });
}

#[test]
fn a_wrong_passphrase_is_refused_and_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let file = exported_kit(&dir);
    assert_refused(&file, "feil passfrase", today(), KitError::WrongPassphrase);
}

#[test]
fn a_truncated_kit_is_refused_and_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let file = exported_kit(&dir);
    let bytes = std::fs::read(&file).unwrap();
    for keep in [bytes.len() - 1, bytes.len() / 2, 30] {
        std::fs::write(&file, &bytes[..keep]).unwrap();
        assert_refused(&file, PASSPHRASE, today(), KitError::Damaged);
    }
}

#[test]
fn a_kit_from_a_newer_version_and_a_stranger_file_are_refused_and_change_nothing() {
    let dir = TempDir::new().unwrap();
    let file = exported_kit(&dir);
    let json = serde_json::json!({"format": "saksgang-kit", "version": kit::VERSION + 1, "cases": "new layout"});
    let recipient = age::scrypt::Recipient::new(PASSPHRASE.to_string().into());
    std::fs::write(&file, age::encrypt(&recipient, json.to_string().as_bytes()).unwrap()).unwrap();
    assert_refused(&file, PASSPHRASE, today(), KitError::NewerVersion { found: u64::from(kit::VERSION) + 1 });
    std::fs::write(&file, "Dette er ikke en pakke").unwrap();
    assert_refused(&file, PASSPHRASE, today(), KitError::NotAKit);
}

#[test]
fn the_command_line_exports_imports_lists_and_settles_conflicts() {
    let dir = TempDir::new().unwrap();
    let (school, laptop) = (dir.path().join("school.db"), dir.path().join("laptop.db"));
    {
        let mut store = Store::open(&school, "Kari", Some(common::pty::PASSPHRASE)).unwrap();
        referred_case(&mut store, "Bjørkåsen skole");
    }
    let kit_file = dir.path().join("besok.age");
    let kit_arg = kit_file.to_str().unwrap();
    let with_kit_passphrase = |db: &Path, args: &[&str]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_saksgang"));
        command
            .args(args)
            .env("SAKSGANG_DB", db)
            .env("SAKSGANG_TODAY", "2026-11-24")
            .env("SAKSGANG_CONFIG", db.with_file_name("config.toml"))
            .env("SAKSGANG_PASSPHRASE", common::pty::PASSPHRASE)
            .env("SAKSGANG_KIT_PASSPHRASE", PASSPHRASE)
            .env_remove("SAKSGANG_LANG");
        command.output().unwrap()
    };
    let out = with_kit_passphrase(&school, &["export", "kit", "--school", "Bjørkåsen skole", "-o", kit_arg]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // A week from the later of --today and the real clock: --today never makes a kit
    // that has expired already.
    let base = d(2026, 11, 24).max(chrono::Local::now().date_naive());
    let expiry = saksgang::domain::format_date(saksgang::domain::add_days(base, 7));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&expiry), "the expiry is shown");

    let out = with_kit_passphrase(&school, &["export", "kit", "--school", "Ukjent skole", "-o", kit_arg]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Ingen saker ved «Ukjent skole» kan tas med"));
    let out = with_kit_passphrase(&school, &["export", "kit", "--cases", "2026-404", "-o", kit_arg]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Finner ingen sak med referansen 2026-404"));

    // Without a passphrase and without a terminal: a clear message, nothing written.
    let out = run(&laptop, "2026-11-24", &["import", kit_arg]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("SAKSGANG_KIT_PASSPHRASE"));

    let out = with_kit_passphrase(&laptop, &["import", kit_arg]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Nye saker: 1"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Slett"), "a reminder to delete the file");
    assert!(kit_file.exists(), "kept without --delete");
    assert!(ok(&laptop, "2026-11-24", &["show", "2026-001"]).contains("Guro Løvås"));

    // Both sides close the case, each with its own reason.
    ok(&school, "2026-11-24", &["close", "2026-001", "--reason", "flyttet", "--date", "21.11.2026"]);
    ok(&laptop, "2026-11-24", &["close", "2026-001", "--reason", "utredet", "--date", "21.11.2026"]);
    let out = with_kit_passphrase(&laptop, &["export", "kit", "--cases", "2026-001", "-o", kit_arg]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = with_kit_passphrase(&school, &["import", kit_arg, "--delete"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("saksgang resolve"), "the way to the conflicts is shown");
    assert!(said.contains("er slettet") && !kit_file.exists(), "--delete deletes the kit once read in");

    let listed = ok(&school, "2026-11-24", &["conflicts"]);
    assert!(listed.contains("Avslutning (grunn)"), "{listed}");
    assert!(listed.contains("flyttet") && listed.contains("utredet"), "{listed}");
    let id = listed.split_whitespace().next().unwrap().to_string();
    let out = run(&school, "2026-11-24", &["resolve", &id, "--take", "edited"]);
    assert!(!out.status.success(), "a value written from both is given with --value");
    let out = run(&school, "2026-11-24", &["resolve", &id]);
    assert!(!out.status.success(), "one of --take and --value is needed");
    // Both reasons are kept, written into one.
    let settled = ok(&school, "2026-11-24", &["resolve", &id, "--value", "flyttet, så utredet av PPT"]);
    assert!(settled.contains("skrev en verdi av begge"), "{settled}");
    assert!(ok(&school, "2026-11-24", &["show", "2026-001"]).contains("flyttet, så utredet av PPT"));
    assert!(ok(&school, "2026-11-24", &["conflicts"]).contains("Ingen konflikter"));
    let out = run(&school, "2026-11-24", &["resolve", &id, "--take", "here"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Finner ingen åpen konflikt"));
}

/// The fingerprints kept, and whether any of them is the hash of a kept version
/// with the erased name put back: what a guesser with a class list would try.
fn name_confirmable(store_path: &Path) -> (Vec<String>, bool) {
    let conn = rusqlite::Connection::open(store_path).unwrap();
    let mut stmt = conn.prepare("SELECT fingerprint, snapshot FROM kit_versions").unwrap();
    let rows: Vec<(String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
    let ids: Vec<String> = rows.iter().map(|(id, _)| id.clone()).collect();
    let confirmable = rows.iter().any(|(_, snapshot)| {
        let mut guessed: saksgang::domain::CaseSnapshot = serde_json::from_str(snapshot).unwrap();
        guessed.case.identity = Some(Identity { name: "Guro Løvås".into(), birth_date: Some(d(2015, 3, 1)) });
        ids.contains(&guessed.legacy_fingerprint())
    });
    (ids, confirmable)
}

#[test]
fn p01_an_erased_name_cannot_be_confirmed_from_the_versions_kept() {
    let dir = TempDir::new().unwrap();
    let (mut school, mut laptop, id) = handed_over(&dir);
    school.apply(id, &Action::WithdrawConsent { date: today() }, today()).unwrap();
    let back = dir.path().join("back.age");
    export(&mut school, &[id], &back);
    import(&mut laptop, &back);
    drop((school, laptop));
    for db in ["school.db", "laptop.db"] {
        let (ids, confirmable) = name_confirmable(&dir.path().join(db));
        assert!(!ids.is_empty());
        assert!(ids.iter().all(|id| id.len() == 32), "random ids, not hashes of content: {ids:?}");
        assert!(!confirmable, "{db}: a guessed name is confirmed by a kept id");
    }
}

#[test]
fn p01_a_version_1_kit_is_read_and_its_hashes_go_with_an_erasure() {
    let dir = TempDir::new().unwrap();
    let mut school = open(&dir, "school.db", "Kari");
    let id = referred_case(&mut school, "Bjørkåsen skole");
    // A kit as saksgang wrote it before: version 1, versions named by their hash.
    let mut old = school.kit_of(&[id], None, d(2026, 12, 1), today()).unwrap();
    old.version = 1;
    for case in &mut old.cases {
        case.version = String::new();
        case.known = vec![case.snapshot.legacy_fingerprint()];
    }
    let file = dir.path().join("old.age");
    std::fs::write(&file, kit::seal(&old, PASSPHRASE).unwrap()).unwrap();
    let mut laptop = open(&dir, "laptop.db", "PPT");
    import(&mut laptop, &file);
    assert_eq!(name_confirmable(&dir.path().join("laptop.db")).0[0].len(), 64, "kept as it came");
    laptop.apply(id, &Action::WithdrawConsent { date: today() }, today()).unwrap();
    drop(laptop);
    let (ids, confirmable) = name_confirmable(&dir.path().join("laptop.db"));
    assert!(ids.iter().all(|id| id.len() == 32) && !confirmable, "{ids:?}");
}

/// A kit of the school's referred case, changed by `tamper` as an attacker would,
/// read into a fresh laptop: why it was refused (and the laptop holds nothing).
fn tampered(tamper: impl FnOnce(&mut kit::Kit)) -> KitError {
    let dir = TempDir::new().unwrap();
    let mut school = open(&dir, "school.db", "Kari");
    let id = referred_case(&mut school, "Bjørkåsen skole");
    let mut crafted = school.kit_of(&[id], None, d(2026, 12, 1), today()).unwrap();
    tamper(&mut crafted);
    let file = dir.path().join("crafted.age");
    std::fs::write(&file, kit::seal(&crafted, PASSPHRASE).unwrap()).unwrap();
    let mut laptop = open(&dir, "laptop.db", "PPT");
    let error = service::kit::import(&mut laptop, &file, PASSPHRASE, today(), 15).unwrap_err();
    assert!(laptop.case_by_id(id).unwrap().is_none(), "nothing read in");
    assert!(laptop.check().unwrap().is_ok());
    error.downcast::<Refused>().expect("refused with the file named").why
}

#[test]
fn p05_a_log_entry_from_a_kit_is_held_to_what_saksgang_writes() {
    let entry = |action: &str, detail: serde_json::Value| saksgang::domain::AuditEntry {
        at: "2026-11-20T10:00:00Z".into(),
        actor: "Kari".into(),
        case_id: None,
        action: action.into(),
        detail,
    };
    for bad in [
        entry("closed", serde_json::json!({"date": "2026-11-20", "reason": "Guro Løvås flyttet"})),
        entry("viewed", serde_json::json!({"who": "someone"})),
        entry("rm -rf", serde_json::json!({})),
        entry("closed", serde_json::json!({"date": "2026-11-20", "reason": "\u{1b}]0;PWN\u{7}"})),
    ] {
        let why = tampered(|kit| kit.cases[0].audit.push(bad));
        assert!(matches!(why, KitError::Invalid { why: saksgang::domain::Broken::LogEntry { .. }, .. }), "{why:?}");
    }
}

#[test]
fn p13_a_case_from_a_kit_passes_the_rules_of_a_typed_one() {
    use saksgang::domain::{Broken, Meeting, RuleError};
    let invalid = |why: KitError| match why {
        KitError::Invalid { why, .. } => why,
        other => panic!("{other:?}"),
    };
    let why = tampered(|kit| {
        let case = &mut kit.cases[0].snapshot.case;
        case.details.kind = CaseKind::System;
        case.consent = None;
        case.identity = None;
    });
    assert_eq!(invalid(why), Broken::Rule(RuleError::GenderOnlyForIndividual));
    let why = tampered(|kit| kit.cases[0].snapshot.case.details.school = "".into());
    assert!(matches!(invalid(why), Broken::Rule(RuleError::Required(_))));
    let why = tampered(|kit| kit.cases[0].snapshot.case.meetings[1] = None);
    assert_eq!(invalid(why), Broken::StepsOutOfOrder, "meeting 3 without meeting 2");
    let why = tampered(|kit| {
        let case = &mut kit.cases[0].snapshot.case;
        case.decision = None;
        case.referral_sent = Some(d(2026, 11, 12));
    });
    assert_eq!(invalid(why), Broken::StepsOutOfOrder, "a referral before its decision");
    let why = tampered(|kit| {
        kit.cases[0].snapshot.case.meetings[0] =
            Some(Meeting { date: NaiveDate::from_ymd_opt(99999, 1, 1).unwrap(), held: true })
    });
    assert!(matches!(invalid(why), Broken::Rule(RuleError::ImplausibleDate { .. })));
    let why = tampered(|kit| {
        kit.cases[0].snapshot.case.closure =
            Some(saksgang::domain::Closure { date: d(2026, 9, 10), reason: "flyttet".into() })
    });
    assert_eq!(invalid(why), Broken::AfterClosure, "meetings after the closure");
    let why = tampered(|kit| kit.expires_on = d(2027, 6, 1));
    assert_eq!(why, KitError::ValidTooLong { until: d(2027, 6, 1) });
    let why = tampered(|kit| {
        let consent = kit.cases[0].snapshot.case.consent.as_mut().unwrap();
        consent.given_by = ConsentGiver::Pupil;
    });
    assert_eq!(
        invalid(why),
        Broken::Rule(RuleError::PupilTooYoung { consent_age: 15 }),
        "an 11-year-old's own consent"
    );
}

#[test]
fn p13_a_reference_written_otherwise_is_a_collision_like_any_other() {
    let dir = TempDir::new().unwrap();
    let mut school = open(&dir, "school.db", "Kari");
    let id = referred_case(&mut school, "Bjørkåsen skole");
    let mut crafted = school.kit_of(&[id], None, d(2026, 12, 1), today()).unwrap();
    crafted.cases[0].snapshot.case.reference = "2026-1".into();
    let file = dir.path().join("crafted.age");
    std::fs::write(&file, kit::seal(&crafted, PASSPHRASE).unwrap()).unwrap();
    let mut laptop = open(&dir, "laptop.db", "PPT");
    laptop.create_case(details("Fjordtun skole"), d(2026, 8, 1), today()).unwrap();
    let report = import(&mut laptop, &file);
    assert_eq!(report.renamed, vec![("2026-1".to_string(), "2026-002".to_string())]);
}

fn ppt(step: saksgang::domain::ppt::PptStep) -> Action {
    Action::Ppt { step, consent_age: 15 }
}

fn assign(adviser: &str, on: NaiveDate) -> Action {
    ppt(saksgang::domain::ppt::PptStep::Assign(saksgang::domain::ppt::Assignment { adviser: adviser.into(), on }))
}

#[test]
fn ppts_track_travels_both_ways_and_one_step_changed_on_both_sides_is_one_conflict() {
    use saksgang::domain::ppt::{AssessmentConsent, PptStep, TrackState};
    let dir = tempfile::tempdir().unwrap();
    let mut school = open(&dir, "school.db", "Kari");
    let id = referred_case(&mut school, "Bjørkåsen skole");
    school.apply(id, &Action::ReferralSent { date: d(2026, 11, 12) }, today()).unwrap();
    let to_laptop = dir.path().join("to-laptop.age");
    export(&mut school, &[id], &to_laptop);
    let mut laptop = open(&dir, "laptop.db", "PPT");
    import(&mut laptop, &to_laptop);

    // The adviser records on the laptop.
    for step in [
        Action::PptReceived { date: d(2026, 11, 13) },
        ppt(PptStep::Consent(AssessmentConsent { given_on: d(2026, 11, 16), by: ConsentGiver::Guardians })),
        assign("Rådgiver Rønning", d(2026, 11, 17)),
    ] {
        laptop.apply(id, &step, today()).unwrap();
    }
    let back = dir.path().join("back.age");
    export(&mut laptop, &[id], &back);
    import(&mut school, &back);
    let at_school = school.case_by_id(id).unwrap().unwrap().ppt.expect("the track came with the kit");
    assert_eq!(at_school, laptop.case_by_id(id).unwrap().unwrap().ppt.unwrap());
    assert_eq!(at_school.state, TrackState::Active);
    let log = school.audit_of(id).unwrap();
    assert!(log.iter().any(|e| e.action == "ppt_step"), "the laptop's steps are in the school's log");

    // Reopened, the school's database still holds it.
    drop(school);
    let mut school = open(&dir, "school.db", "Kari");
    assert_eq!(school.case_by_id(id).unwrap().unwrap().ppt.as_ref(), Some(&at_school));

    // Both sides change who holds the case, with its day: one conflict, the step whole.
    school.apply(id, &assign("Per Pedersen", d(2026, 11, 18)), today()).unwrap();
    laptop.apply(id, &assign("Rådgiver Rønning og Per", d(2026, 11, 19)), today()).unwrap();
    export(&mut laptop, &[id], &back);
    let report = import(&mut school, &back);
    let conflicts = school.kit_conflicts().unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?} {report:?}");
    assert_eq!(conflicts[0].field, "case.ppt.assigned");
    let words = saksgang::i18n::Catalog::new(saksgang::i18n::Lang::Nb).kit_field(&conflicts[0].field);
    assert_eq!(words, "PPT-sporet (PP-rådgiver)");
    school.resolve_kit_conflict(&conflicts[0], Side::Kit).unwrap();
    let adviser = school.case_by_id(id).unwrap().unwrap().ppt.unwrap().assigned.unwrap().adviser;
    assert_eq!(adviser, "Rådgiver Rønning og Per");
}

#[test]
fn a_kit_whose_track_breaks_ppts_rules_is_refused_and_changes_nothing() {
    use saksgang::domain::ppt::{Assessment, PptStep};
    let dir = tempfile::tempdir().unwrap();
    let mut school = open(&dir, "school.db", "Kari");
    let id = referred_case(&mut school, "Bjørkåsen skole");
    school.apply(id, &Action::ReferralSent { date: d(2026, 11, 12) }, today()).unwrap();
    school.apply(id, &Action::PptReceived { date: d(2026, 11, 13) }, today()).unwrap();
    // No consent to the assessment: the rules refuse it typed...
    let assessed = ppt(PptStep::Assessed(Assessment {
        done_on: d(2026, 11, 20),
        hours_per_year: Some(76),
        assistant: false,
        organisation: "liten gruppe".into(),
    }));
    assert!(school.apply(id, &assessed, today()).is_err());
    // ...and the same track written into a kit by hand is refused too.
    let case = school.case_by_id(id).unwrap().unwrap();
    let mut track = case.ppt.clone().unwrap();
    track.assessment = Some(Assessment {
        done_on: d(2026, 11, 20),
        hours_per_year: None,
        assistant: true,
        organisation: String::new(),
    });
    let mut forged = case.clone();
    forged.ppt = Some(track);
    let today = today();
    let broken = forged.check_whole(today, 15).unwrap_err();
    assert_eq!(
        broken,
        saksgang::domain::Broken::Rule(saksgang::domain::RuleError::Ppt(saksgang::domain::ppt::PptError::NoConsent))
    );
}
