//! Exported minutes, read back: the PDF's text as a PDF reader extracts it, and the
//! Markdown as it is.

use std::path::Path;

use saksgang::domain::{Evaluation, Measure, MeetingNo, MeetingRecord, Participant, Party, Role};
use saksgang::store::Store;

// Shared with the other end-to-end tests, which use parts these do not.
#[allow(dead_code)]
mod common;

use common::pty::PASSPHRASE;

fn saksgang(db: &Path, args: &[&str]) -> String {
    common::cli::ok(db, "2026-11-24", args)
}

/// A case through meeting 3 with full minutes of all three meetings.
fn case_with_minutes(db: &Path) {
    common::cli::add_case(db, "2026-11-24", "01.08.2026");
    // The guardians consented: they may be named among those present.
    saksgang(db, &["consent", "2026-001", "--given-by", "guardians", "--date", "01.08.2026"]);
    for (n, date) in [("1", "01.09.2026"), ("2", "29.09.2026"), ("3", "20.11.2026")] {
        saksgang(db, &["meeting", "2026-001", n, "--date", date]);
    }
    saksgang(db, &["decide", "2026-001", "refer", "--date", "20.11.2026"]);
    let mut store = Store::open(db, "tester", Some(PASSPHRASE)).unwrap();
    let id = store.case_by_reference("2026-001").unwrap().unwrap().id;
    let long: String =
        (1..=80).map(|i| format!("Observasjon {i}: leser høyt med støtte, særlig på fredager.\n")).collect();
    let one = MeetingRecord {
        place: "Grupperom Ø".into(),
        participants: vec![
            Participant { name: "Åse Ødegård".into(), role: Role::ContactTeacher, role_text: String::new() },
            Participant { name: "Kåre Bø".into(), role: Role::Guardian, role_text: String::new() },
        ],
        statements: [long, "Jeg får ikke lest ferdig før de andre.".into(), "Mor er bekymret.".into(), "".into()],
        approved_by: "Åse Ødegård".into(),
        approved_on: chrono::NaiveDate::from_ymd_opt(2026, 9, 2),
        sent_home_on: chrono::NaiveDate::from_ymd_opt(2026, 9, 3),
        ..MeetingRecord::default()
    };
    let measure = Measure {
        id: 1,
        content: "Lesekurs i liten gruppe".into(),
        scope: "3 økter i uka".into(),
        organisation: "Grupperom".into(),
        starts_on: chrono::NaiveDate::from_ymd_opt(2026, 10, 1),
        ends_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 15),
        responsible: "Spesialpedagog Ørjan".into(),
    };
    let two = MeetingRecord { measures: vec![measure], ..MeetingRecord::default() };
    let mut three = MeetingRecord {
        decision_responsible: "Rektor Åsmund".into(),
        services: ["Sakkyndig vurdering av lesing".into(), "".into(), "".into()],
        ..MeetingRecord::default()
    };
    three.set_evaluation(
        1,
        Party::Pupil,
        Evaluation { went_well: "Å lese for én voksen".into(), ..Default::default() },
    );
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
}

fn pdf_text(path: &Path) -> String {
    let text = pdf_extract::extract_text(path).unwrap();
    // Extractors differ in the spaces and breaks they put between placed glyph runs.
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_minutes_of_each_meeting_export_as_pdf_with_the_forms_headings_and_æøå() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    std::fs::write(dir.path().join("config.toml"), "document_header = \"Bjørkåsen skole · Hjelpetjenesten\"\n")
        .unwrap();
    case_with_minutes(&db);
    let expected: [&[&str]; 3] = [
        &[
            "Møte 1: Samtale mellom skole, elev og foresatte",
            "Bjørkåsen skole · Hjelpetjenesten",
            "Situasjonsbeskrivelse av bekymring for eleven",
            "Jeg får ikke lest ferdig før de andre.",
            "Observasjon 80: leser høyt med støtte",
            "Kåre Bø",
            "Godkjent/signert av: Åse Ødegård Dato: 02.09.2026 Sendt hjem: 03.09.2026",
            "Dato og underskrift",
            "side 1 av 3",
            "side 3 av 3",
        ],
        &["Møte 2", "Lesekurs i liten gruppe", "Spesialpedagog Ørjan", "01.10.2026–15.11.2026", "Tidsperiode"],
        &["Møte 3", "Effekt av tiltak", "Å lese for én voksen", "Henvisning til PPT", "Rektor Åsmund", "Sakkyndig"],
    ];
    for (n, wanted) in (1..=3).zip(expected) {
        let file = dir.path().join(format!("m{n}.pdf"));
        let said = saksgang(
            &db,
            &["export", "minutes", "2026-001", "--meeting", &n.to_string(), "-o", file.to_str().unwrap()],
        );
        assert!(said.contains(file.to_str().unwrap()), "the path is said: {said}");
        let bytes = std::fs::read(&file).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(String::from_utf8_lossy(&bytes).contains("pdfaid:part"), "PDF/A metadata");
        let text = pdf_text(&file);
        for piece in wanted {
            assert!(text.contains(piece), "meeting {n}: {piece:?} not in {text}");
        }
    }
    let log = saksgang(&db, &["log", "2026-001"]);
    assert!(log.contains("Referat møte 3 eksportert (pdf)"), "{log}");
}

#[test]
fn the_minutes_export_as_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    case_with_minutes(&db);
    let file = dir.path().join("nested/folder/m2.md");
    saksgang(&db, &["export", "minutes", "2026-001", "--meeting", "2", "--format", "md", "-o", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("# Møte 2: Samtale mellom skole, elev og foresatte"));
    assert!(text.starts_with("Bjørkåsen skole"), "the case's school heads it without a configured header");
    assert!(text.contains(
        "| Lesekurs i liten gruppe<br>3 økter i uka<br>Grupperom | 01.10.2026–15.11.2026 | Spesialpedagog Ørjan |"
    ));
    assert!(text.contains("**Sendt hjem:** "), "the day sent home has its place");
    assert!(text.contains("**Dato og underskrift:** ______"), "a line to sign on");
    assert!(!dir.path().join("nested/folder/m2.partial").exists());
}

#[test]
fn an_export_that_cannot_be_written_says_why_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    case_with_minutes(&db);
    let blocked = dir.path().join("a-file");
    std::fs::write(&blocked, "not a folder").unwrap();
    let target = blocked.join("m1.pdf");
    let out = common::cli::run(
        &db,
        "2026-11-24",
        &["export", "minutes", "2026-001", "--meeting", "1", "-o", target.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("a-file"), "{err}");
    assert_eq!(std::fs::read_to_string(&blocked).unwrap(), "not a folder");
}

#[test]
fn an_emoji_or_a_private_character_never_stops_the_pdf_and_its_field_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    case_with_minutes(&db);
    let mut store = Store::open(&db, "tester", Some(PASSPHRASE)).unwrap();
    let id = store.case_by_reference("2026-001").unwrap().unwrap().id;
    let meeting = MeetingNo::new(1).unwrap();
    let mut record = store.meeting_record(id, meeting).unwrap().unwrap();
    record.place = "Kantina 🙂 og 👩‍👧 ved \u{E000}".into();
    record.approved_by = "Åse Ødegård 👍🏽".into();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    store.save_meeting_record(id, meeting, &record, today).unwrap();
    drop(store);
    let file = dir.path().join("m1.pdf");
    let said = saksgang(&db, &["export", "minutes", "2026-001", "--meeting", "1", "-o", file.to_str().unwrap()]);
    assert!(said.contains("□ i: Møtested, Godkjent/signert av."), "the field that held it is named: {said}");
    assert!(!said.contains("Validation") && !said.contains("{"), "no Debug text: {said}");
    let text = pdf_text(&file);
    assert!(text.contains("Kantina □ og □□ ved □"), "one □ per character, the joiner gone: {text}");
    assert!(text.contains("Åse Ødegård □□"), "{text}");
}

/// A referred case PPT received on 12.06.2026 and sent a preliminary reply on 08.07.2026.
fn case_with_a_preliminary_reply(db: &Path) -> String {
    let reference = common::cli::referred(db);
    saksgang(db, &["ppt", "received", &reference, "--date", "12.06.2026"]);
    saksgang(db, &["ppt", "assign", &reference, "--adviser", "Rådgiver Øyvor Ås", "--date", "20.06.2026"]);
    let reply =
        ["--reason", "Vi venter på observasjon i klassen.", "--expected-by", "01.10.2026", "--date", "08.07.2026"];
    saksgang(db, &[&["ppt", "preliminary-reply", &reference][..], &reply].concat());
    reference
}

#[test]
fn the_preliminary_reply_is_a_letter_with_the_reason_the_day_the_school_and_the_adviser() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let reference = case_with_a_preliminary_reply(&db);
    let pdf = dir.path().join("svar.pdf");
    let said = saksgang(&db, &["export", "preliminary-reply", &reference, "-o", pdf.to_str().unwrap()]);
    assert!(said.contains(pdf.to_str().unwrap()), "the path is said: {said}");
    assert!(String::from_utf8_lossy(&std::fs::read(&pdf).unwrap()).contains("pdfaid:part"), "PDF/A metadata");
    let text = pdf_text(&pdf);
    for piece in [
        "Foreløpig svar",
        "forvaltningsloven § 11 a",
        "Vi venter på observasjon i klassen.",
        "Vedtak ventes innen: 01.10.2026",
        "Bjørkåsen skole",
        "Rådgiver Øyvor Ås",
        "Mottatt hos PPT: 12.06.2026",
        "Dato: 08.07.2026",
    ] {
        assert!(text.contains(piece), "{piece:?} not in {text}");
    }
    assert!(!text.contains("Elev:"), "no consent: the pupil is not named");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&pdf).unwrap().permissions().mode() & 0o777, 0o600, "the family's letter is private");

    let md = dir.path().join("reply.md");
    let args =
        ["--lang", "en", "export", "preliminary-reply", &reference, "--format", "md", "-o", md.to_str().unwrap()];
    saksgang(&db, &args);
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.contains("# Preliminary reply"), "{text}");
    assert!(text.contains("**Decision expected by:** 01.10.2026"), "{text}");
    let log = saksgang(&db, &["log", &reference]);
    assert!(log.contains("Foreløpig svar eksportert som brev (pdf)"), "{log}");
    assert!(log.contains("Foreløpig svar eksportert som brev (md)"), "{log}");
}

#[test]
fn the_letter_names_the_pupil_only_under_a_valid_consent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let reference = case_with_a_preliminary_reply(&db);
    let consent = ["--given-by", "guardians", "--date", "01.07.2026", "--expires", "01.12.2026"];
    saksgang(&db, &[&["consent", &reference][..], &consent].concat());
    saksgang(&db, &["name", &reference, "--name", "Guro Løvås"]);
    let md = dir.path().join("named.md");
    saksgang(&db, &["export", "preliminary-reply", &reference, "--format", "md", "-o", md.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&md).unwrap().contains("**Elev:** Guro Løvås"));

    // A day after the consent ran out, the same letter goes by the reference.
    let anonymous = dir.path().join("anonymous.md");
    let export = ["export", "preliminary-reply", &reference, "--format", "md", "-o", anonymous.to_str().unwrap()];
    common::cli::ok(&db, "2026-12-02", &export);
    let text = std::fs::read_to_string(&anonymous).unwrap();
    assert!(!text.contains("Løvås") && !text.contains("Elev:"), "{text}");
}

#[test]
fn without_a_preliminary_reply_the_letter_is_refused_in_one_line_and_no_file_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let reference = common::cli::referred(&db);
    let file = dir.path().join("svar.pdf");
    let out =
        common::cli::run(&db, "2026-11-24", &["export", "preliminary-reply", &reference, "-o", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("ikke noe foreløpig svar"), "{err}");
    assert!(!file.exists());
}
