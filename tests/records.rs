//! Meeting records in the store, on real files.

use chrono::{NaiveDate, NaiveTime};
use saksgang::domain::{
    Action, CaseDetails, CaseKind, Evaluation, Gender, Measure, MeetingNo, MeetingRecord, Participant, Party,
    RecordDay, RecordError, Role, Task, TaskKind,
};
use saksgang::store::{CaseQuery, Sitting, StatusFilter, Store, current_version};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn m(n: u8) -> MeetingNo {
    MeetingNo::new(n).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 11, 24)
}

fn new_case(store: &mut Store) -> uuid::Uuid {
    let details = CaseDetails {
        kind: CaseKind::Individual,
        school: "Bjørkåsen skole".into(),
        grade: "6. trinn".into(),
        gender: Some(Gender::Gutt),
        teacher: "Åse Ødegård".into(),
        description: "Trives ikke i friminuttene".into(),
    };
    let id = store.create_case(details, d(2026, 8, 20), today()).unwrap().id;
    // The guardians consented: the minutes may name them among those present.
    let consent = saksgang::domain::Consent {
        given_on: d(2026, 8, 20),
        given_by: saksgang::domain::ConsentGiver::Guardians,
        scope: "samarbeid".into(),
        expires_on: None,
        withdrawn_on: None,
    };
    store.apply(id, &Action::consent(consent), today()).unwrap();
    id
}

/// A long text over many lines, with every Norwegian letter.
fn long_text(seed: &str) -> String {
    (1..=300).map(|i| format!("{seed} linje {i}: æøå ÆØÅ «sitat» – tankestrek\n")).collect()
}

fn meeting1() -> MeetingRecord {
    MeetingRecord {
        time: NaiveTime::from_hms_opt(8, 30, 0),
        place: "Møterommet i 2. etasje".into(),
        purpose: "Situasjonsbeskrivelse av forhold som virker inn på elevens helse, trivsel, utvikling og læring."
            .into(),
        participants: vec![
            Participant { name: "Åse Ødegård".into(), role: Role::ContactTeacher, role_text: String::new() },
            Participant { name: "Bjørn Særheim".into(), role: Role::Other, role_text: "miljøterapeut".into() },
            Participant { name: "Guro Løvås".into(), role: Role::Guardian, role_text: String::new() },
        ],
        statements: [
            long_text("Lærer"),
            "Jeg liker ikke å være ute alene.".into(),
            "Mor er bekymret.".into(),
            "".into(),
        ],
        other_agreements: "Mor ringer kontaktlærer fredag.".into(),
        approved_by: "Åse Ødegård, Guro Løvås".into(),
        approved_on: Some(d(2026, 9, 3)),
        tasks: vec![
            Task {
                kind: TaskKind::GatherInformation,
                assigned_to: Party::School,
                partner: String::new(),
                note: "Observasjon i friminutt, to uker".into(),
                done: true,
            },
            Task {
                kind: TaskKind::ConsiderCooperation,
                assigned_to: Party::Partners,
                partner: "Helsesykepleier Kari Bø".into(),
                note: String::new(),
                done: false,
            },
        ],
        agenda_checked: 0b101,
        ..MeetingRecord::default()
    }
}

fn measure(id: u32, content: &str) -> Measure {
    Measure {
        id,
        content: content.into(),
        scope: "2 økter i uka".into(),
        organisation: "Liten gruppe med miljøterapeut".into(),
        starts_on: Some(d(2026, 10, 1)),
        ends_on: Some(d(2026, 11, 20)),
        responsible: "Bjørn Særheim".into(),
    }
}

#[test]
fn full_records_of_all_three_meetings_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut store = Store::open(&path, "tester", None).unwrap();
    let id = new_case(&mut store);
    let one = meeting1();
    let two = MeetingRecord {
        statements: ["Observasjon: alene i 7 av 10 friminutt".into(), long_text("Elev"), "".into(), "".into()],
        measures: vec![measure(1, "Organisert lek i storefri"), measure(2, "Samtaler med helsesykepleier")],
        ..MeetingRecord::default()
    };
    let mut three = MeetingRecord {
        decision_responsible: "Sos.ped.-koordinator".into(),
        services: ["Sakkyndig vurdering".into(), "Noen å snakke med".into(), "Råd om oppfølging hjemme".into()],
        ..MeetingRecord::default()
    };
    three.set_evaluation(2, Party::Pupil, Evaluation { went_well: "Å snakke med Kari".into(), ..Default::default() });
    three.set_evaluation(
        1,
        Party::School,
        Evaluation {
            how_it_worked: "Deltok hver gang".into(),
            went_well: "Fotball".into(),
            obstacles: "Sykdom i uke 44".into(),
        },
    );
    for (n, record) in [(1, &one), (2, &two), (3, &three)] {
        store.save_meeting_record(id, m(n), record, today()).unwrap();
    }
    drop(store);

    let store = Store::open(&path, "tester", None).unwrap();
    let records = store.meeting_records(id).unwrap();
    assert_eq!(records, [Some(one), Some(two), Some(three)]);
    assert!(store.check().unwrap().is_ok());
}

#[test]
fn every_save_is_audited_by_part_without_the_words() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db"), "tester", None).unwrap();
    let id = new_case(&mut store);
    let before = store.audit_of(id).unwrap().len();
    let mut record = meeting1();
    store.save_meeting_record(id, m(1), &record, today()).unwrap();
    store.save_meeting_record(id, m(1), &record, today()).unwrap();
    let trail = store.audit_of(id).unwrap();
    assert_eq!(trail.len(), before + 1, "saving an unchanged record writes nothing");
    record.place = "Biblioteket".into();
    record.statements[Party::Pupil.index()] = "Nå går det bedre".into();
    store.save_meeting_record(id, m(1), &record, today()).unwrap();
    let trail = store.audit_of(id).unwrap();
    let last = trail.last().unwrap();
    assert_eq!(last.action, "record_edited");
    assert_eq!(last.detail, serde_json::json!({"meeting": 1, "parts": ["place", "statements"]}));
    let all_detail = trail.iter().map(|e| e.detail.to_string()).collect::<String>();
    assert!(!all_detail.contains("Biblioteket") && !all_detail.contains("bedre"), "{all_detail}");
    assert!(store.check().unwrap().is_ok());
}

#[test]
fn a_period_ending_before_it_starts_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db"), "tester", None).unwrap();
    let id = new_case(&mut store);
    let good = MeetingRecord { measures: vec![measure(1, "Lesekurs")], ..MeetingRecord::default() };
    store.save_meeting_record(id, m(2), &good, today()).unwrap();
    let mut bad = good.clone();
    bad.measures.push(Measure { starts_on: Some(d(2026, 12, 1)), ends_on: Some(d(2026, 11, 1)), ..measure(2, "x") });
    let error = store.save_meeting_record(id, m(2), &bad, today()).unwrap_err();
    assert_eq!(error.downcast_ref::<RecordError>(), Some(&RecordError::PeriodEndsBeforeStart { measure: 1 }));
    assert_eq!(store.meeting_record(id, m(2)).unwrap(), Some(good));
}

#[test]
fn minutes_sent_home_before_the_meeting_or_approved_in_the_future_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db"), "tester", None).unwrap();
    let id = new_case(&mut store);
    store.apply(id, &Action::RecordMeeting { number: m(1), date: d(2026, 9, 1) }, today()).unwrap();
    let good = meeting1();
    store.save_meeting_record(id, m(1), &good, today()).unwrap();
    let early = MeetingRecord { sent_home_on: Some(d(2026, 8, 30)), ..good.clone() };
    let error = store.save_meeting_record(id, m(1), &early, today()).unwrap_err();
    let before = RecordError::DayBeforeMeeting { day: RecordDay::SentHome, meeting_on: d(2026, 9, 1) };
    assert_eq!(error.downcast_ref::<RecordError>(), Some(&before));
    let future = MeetingRecord { approved_on: Some(d(2026, 11, 25)), ..good.clone() };
    let error = store.save_meeting_record(id, m(1), &future, today()).unwrap_err();
    assert_eq!(error.downcast_ref(), Some(&RecordError::DayInFuture { day: RecordDay::Approved }));
    assert_eq!(store.meeting_record(id, m(1)).unwrap(), Some(good), "nothing changed");
}

#[test]
fn a_change_to_minutes_already_sent_home_is_logged_as_after_sending() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db"), "tester", None).unwrap();
    let id = new_case(&mut store);
    store.apply(id, &Action::RecordMeeting { number: m(1), date: d(2026, 9, 1) }, today()).unwrap();
    let sent = MeetingRecord { sent_home_on: Some(d(2026, 9, 4)), ..meeting1() };
    store.save_meeting_record(id, m(1), &sent, today()).unwrap();
    let last = store.audit_of(id).unwrap().pop().unwrap();
    assert_eq!(last.detail.get("after_sent_home"), None, "sending them is not a change after sending");
    let changed = MeetingRecord { place: "Biblioteket".into(), ..sent };
    store.save_meeting_record(id, m(1), &changed, today()).unwrap();
    let last = store.audit_of(id).unwrap().pop().unwrap();
    assert_eq!(last.detail["after_sent_home"], "2026-09-04");
    let c = saksgang::i18n::Catalog::new(saksgang::i18n::Lang::Nb);
    assert_eq!(
        c.audit_text(&last.action, &last.detail),
        "Referat møte 1 endret: møtested (etter at referatet ble sendt hjem 04.09.2026)"
    );
}

#[test]
fn one_sitting_logs_each_part_it_changed_once_and_the_seal_follows_every_save() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db"), "tester", None).unwrap();
    let id = new_case(&mut store);
    let mut record = meeting1();
    store.save_meeting_record(id, m(1), &record, today()).unwrap();
    let before = store.audit_of(id).unwrap().len();
    let mut sitting = Sitting::default();
    for place in ["Biblioteket", "Biblioteket, 2. etg.", "Gymsalen"] {
        record.place = place.into();
        store.save_meeting_record_in(id, m(1), &record, today(), &mut sitting).unwrap();
    }
    record.other_agreements = "Ny avtale".into();
    store.save_meeting_record_in(id, m(1), &record, today(), &mut sitting).unwrap();
    record.place = "Kantina".into();
    store.save_meeting_record_in(id, m(1), &record, today(), &mut sitting).unwrap();
    let trail = store.audit_of(id).unwrap();
    let parts: Vec<_> = trail[before..].iter().map(|e| e.detail["parts"].clone()).collect();
    assert_eq!(parts, [serde_json::json!(["place"]), serde_json::json!(["other_agreements"])]);
    assert_eq!(store.meeting_record(id, m(1)).unwrap().unwrap().place, "Kantina", "every change stored at once");
    assert!(store.check().unwrap().is_ok(), "a change an entry already covers is sealed");
    record.place = "Rektors kontor".into();
    store.save_meeting_record_in(id, m(1), &record, today(), &mut Sitting::default()).unwrap();
    assert_eq!(store.audit_of(id).unwrap().len(), before + 3, "a new sitting logs again");
}

#[test]
fn evaluations_follow_their_measures() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db"), "tester", None).unwrap();
    let id = new_case(&mut store);
    let mut two = MeetingRecord { measures: vec![measure(1, "A"), measure(2, "B")], ..MeetingRecord::default() };
    store.save_meeting_record(id, m(2), &two, today()).unwrap();
    let mut three = MeetingRecord::default();
    for measure_id in [1, 2] {
        three.set_evaluation(
            measure_id,
            Party::Guardians,
            Evaluation { obstacles: "Lite".into(), ..Default::default() },
        );
    }
    store.save_meeting_record(id, m(3), &three, today()).unwrap();

    let mut with_unknown = three.clone();
    with_unknown.set_evaluation(9, Party::School, Evaluation { went_well: "?".into(), ..Default::default() });
    assert!(store.save_meeting_record(id, m(3), &with_unknown, today()).is_err(), "no measure 9");

    // Editing measure 1 keeps its evaluations; removing measure 2 removes its own.
    two.measures[0].content = "A, endret".into();
    two.measures.remove(1);
    store.save_meeting_record(id, m(2), &two, today()).unwrap();
    let kept = store.meeting_record(id, m(3)).unwrap().unwrap();
    assert_eq!(kept.evaluations.iter().map(|e| e.measure_id).collect::<Vec<_>>(), vec![1]);
    assert!(store.check().unwrap().is_ok());
}

#[test]
fn the_meeting_date_stays_the_one_rule_of_the_process() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db"), "tester", None).unwrap();
    let id = new_case(&mut store);
    store.save_meeting_record(id, m(1), &meeting1(), today()).unwrap();
    let case = store.apply(id, &Action::RecordMeeting { number: m(1), date: d(2026, 9, 2) }, today()).unwrap();
    assert_eq!(case.open_deadline().map(|deadline| deadline.due), Some(d(2026, 10, 2)));
    assert_eq!(store.meeting_record(id, m(1)).unwrap(), Some(meeting1()), "the record is untouched by the date");
}

/// Opens a copy of a database made by an older version of saksgang.
fn migrated(fixture: &str) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let source = format!("{}/tests/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(source, &path).unwrap();
    let store = Store::open(&path, "tester", None).unwrap();
    (dir, store)
}

fn all_cases(store: &Store) -> Vec<saksgang::domain::Case> {
    let mut cases = Vec::new();
    let all = CaseQuery { status: StatusFilter::All, ..CaseQuery::default() };
    store
        .for_each_case(&all, |case| {
            cases.push(case);
            Ok(())
        })
        .unwrap();
    cases
}

#[test]
fn databases_of_schema_1_and_2_gain_records_and_keep_every_case() {
    for (fixture, cases) in [("schema-v1.db", 40), ("schema-v2.db", 50)] {
        let (_dir, mut store) = migrated(fixture);
        assert_eq!(store.schema_version().unwrap(), current_version(), "{fixture}");
        let before = all_cases(&store);
        assert_eq!(before.len(), cases, "{fixture}");
        for case in &before {
            assert_eq!(store.meeting_records(case.id).unwrap(), [None, None, None]);
        }
        let first = before[0].id;
        // These cases have no consent: the guardian is present by role only.
        let mut anonymous = meeting1();
        anonymous.erase_family_names();
        store.save_meeting_record(first, m(1), &anonymous, today()).unwrap();
        assert_eq!(store.meeting_record(first, m(1)).unwrap(), Some(anonymous));
        assert_eq!(all_cases(&store).len(), cases);
        assert!(store.check().unwrap().is_ok(), "{fixture}");
    }
    // The consent and name held under it in the schema 2 file are still there.
    let (_dir, store) = migrated("schema-v2.db");
    let named = store.case_by_reference("2026-029").unwrap().unwrap();
    assert_eq!(named.identity.map(|i| i.name), Some("Åsmund Ødegård".to_string()));
    assert!(store.case_by_reference("2026-023").unwrap().unwrap().consent.is_some());
}
