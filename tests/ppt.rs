//! PPT's track walked on the command line from the referral to the decision,
//! its deadline states read from `show --json` on chosen days.

#[allow(dead_code)]
mod common;

use std::path::Path;

use common::cli::{add_case, ok, referred, run};
use serde_json::Value;

fn track(db: &Path, today: &str, reference: &str) -> Value {
    let shown: Value = serde_json::from_str(&ok(db, today, &["show", reference, "--json"])).unwrap();
    shown["ppt"].clone()
}

fn deadline(track: &Value, kind: &str) -> Value {
    track["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == kind).cloned().unwrap_or(Value::Null)
}

#[test]
fn a_case_walked_from_the_referral_to_the_decision_shows_its_deadlines_on_chosen_days() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ppt.db");
    let reference = referred(&db);
    let ppt = |today: &str, args: &[&str]| {
        let mut all = vec!["ppt"];
        all.extend_from_slice(args);
        ok(&db, today, &all)
    };
    ppt("2026-06-15", &["received", &reference, "--date", "12.06.2026"]);
    let received = track(&db, "2026-07-06", &reference);
    assert_eq!(received["state"], "waiting");
    assert_eq!(received["days_waiting"], 24);
    let reply = deadline(&received, "preliminary_reply");
    assert_eq!((reply["due"].as_str(), reply["state"].as_str()), (Some("2026-07-12"), Some("due_soon")));

    ppt(
        "2026-07-08",
        &[
            "preliminary-reply",
            &reference,
            "--reason",
            "Venter på observasjon",
            "--expected-by",
            "01.10.2026",
            "--date",
            "08.07.2026",
        ],
    );
    ppt("2026-08-10", &["consent", &reference, "--by", "guardians", "--date", "10.08.2026"]);
    ppt("2026-08-14", &["assign", &reference, "--adviser", "Rådgiver Rønning", "--date", "14.08.2026"]);
    ppt("2026-08-25", &["startup", &reference, "--date", "25.08.2026"]);
    let reply = deadline(&track(&db, "2026-08-25", &reference), "preliminary_reply");
    assert_eq!((reply["state"].as_str(), reply["met_on"].as_str()), (Some("met"), Some("2026-07-08")));

    // The assessment was due 12.09 (three months after it was received): done later.
    ppt(
        "2026-09-30",
        &["assessed", &reference, "--hours", "76", "--organisation", "liten gruppe", "--date", "30.09.2026"],
    );
    ppt(
        "2026-10-05",
        &[
            "decision",
            &reference,
            "--outcome",
            "partly_granted",
            "--departure",
            "Færre timer: gruppetilbud",
            "--valid-until",
            "30.06.2027",
            "--date",
            "05.10.2026",
        ],
    );
    let decided = track(&db, "2027-03-25", &reference);
    assert_eq!(deadline(&decided, "assessment")["state"], "met_late");
    assert_eq!(deadline(&decided, "startup_meeting")["state"], "met");
    let revision = deadline(&decided, "revision");
    assert_eq!((revision["due"].as_str(), revision["state"].as_str()), (Some("2027-03-30"), Some("due_soon")));
    assert_eq!(decided["assigned"]["adviser"], "Rådgiver Rønning");
    assert_eq!(decided["decision"]["outcome"], "partly_granted");
    assert_eq!(decided["state"], "active");

    let shown = ok(&db, "2027-03-25", &["show", &reference]);
    assert!(shown.contains("PPT · aktiv · 63 dager på venteliste"), "the case view shows the track:\n{shown}");
    assert!(shown.contains("05.10.2026: delvis innvilget · avvik fra sakkyndig vurdering: Færre timer"), "{shown}");
    assert!(shown.contains("Revurdering") && shown.contains("frist 30.03.2027  Snart"), "{shown}");
    let other = referred(&db);
    ok(&db, "2026-10-05", &["ppt", "received", &other, "--date", "15.06.2026"]);
    ok(&db, "2026-10-05", &["ppt", "assign", &other, "--adviser", "Per Pedersen", "--date", "20.06.2026"]);
    let listed: Value = serde_json::from_str(&ok(&db, "2027-03-25", &["list", "--json"])).unwrap();
    let of = |r: &str| listed.as_array().unwrap().iter().find(|c| c["reference"] == r).cloned().unwrap();
    assert_eq!(of(&reference)["ppt"]["assigned"]["adviser"], "Rådgiver Rønning", "list --json carries the track");
    let held = ok(&db, "2027-03-25", &["list", "--adviser", "Rådgiver Rønning"]);
    assert!(held.contains(&reference) && !held.contains(&other), "{held}");
    assert!(ok(&db, "2027-03-25", &["list", "--adviser", "Ingen"]).trim().lines().all(|l| !l.contains("2026-")));
    let log = ok(&db, "2027-03-25", &["log", &reference]);
    assert!(log.contains("Henvisningen mottatt i PPT 12.06.2026"), "{log}");
    assert!(log.contains("PPT: Vedtak (05.10.2026)"), "{log}");
    assert!(!log.contains("Rådgiver Rønning"), "the log names the step, not the adviser:\n{log}");
}

#[test]
fn the_tracks_rules_refuse_with_one_line_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ppt.db");
    let unreferred = add_case(&db, "2026-09-15", "01.03.2026");
    let refused = |reference: &str, args: &[&str], says: &str| {
        let mut all = vec!["ppt"];
        all.extend_from_slice(args);
        all.insert(2, reference);
        let out = run(&db, "2026-09-15", &all);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(!out.status.success(), "{all:?} was taken");
        assert!(stderr.contains(says), "{all:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    };
    refused(&unreferred, &["received"], "sendt henvisningen");
    let reference = referred(&db);
    refused(&reference, &["assign", "--adviser", "Per"], "ikke registrert at henvisningen er mottatt");
    ok(&db, "2026-09-15", &["ppt", "received", &reference, "--date", "12.06.2026"]);
    let before = ok(&db, "2026-09-15", &["show", &reference, "--json"]);
    refused(&reference, &["assessed", "--date", "01.09.2026"], "uten samtykke");
    refused(&reference, &["decision", "--outcome", "granted"], "etter den sakkyndige vurderingen");
    refused(&reference, &["received", "--date", "13.06.2026"], "allerede registrert");
    refused(&reference, &["consent", "--by", "guardians", "--date", "31.02.2026"], "finnes ikke");
    let unknown = run(&db, "2026-09-15", &["ppt", "decision", &reference, "--outcome", "maybe"]);
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("granted, partly_granted, refused"),
        "the values are named"
    );
    assert_eq!(
        ok(&db, "2026-09-15", &["show", &reference, "--json"]),
        before,
        "a refused step changes nothing, log included"
    );
    ok(&db, "2026-09-15", &["ppt", "state", &reference, "closed"]);
    refused(&reference, &["assign", "--adviser", "Per"], "avsluttet");
    assert!(track(&db, "2026-09-15", &reference)["assigned"].is_null(), "a closed track changes nothing");
    ok(&db, "2026-09-15", &["ppt", "state", &reference, "active"]);
    ok(&db, "2026-09-15", &["ppt", "assign", &reference, "--adviser", "Per"]);
}

mod adviser_lists {
    //! The adviser's lists against a real SQLite file: PPT's tracks by their next
    //! deadline, the waiting list, and the counts over them.

    use chrono::NaiveDate;
    use saksgang::domain::ppt::{AssessmentConsent, Assignment, PptDeadlineKind, PptPeriods, PptStep, TrackState};
    use saksgang::domain::{Action, CaseDetails, CaseKind, ConsentGiver, Decision, MeetingNo};
    use saksgang::store::{CaseQuery, Order, PptFilter, StatusFilter, Store};
    use uuid::Uuid;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const TODAY: (i32, u32, u32) = (2026, 11, 20);

    fn today() -> NaiveDate {
        d(TODAY.0, TODAY.1, TODAY.2)
    }

    /// A case referred on `sent` and received by PPT on `received`.
    fn received(store: &mut Store, school: &str, sent: NaiveDate, received: NaiveDate) -> Uuid {
        let details = CaseDetails {
            kind: CaseKind::Individual,
            school: school.into(),
            grade: "4. trinn".into(),
            gender: None,
            teacher: String::new(),
            description: String::new(),
        };
        let id = store.create_case(details, d(2026, 1, 5), today()).unwrap().id;
        let meeting = |n: u8, date| Action::RecordMeeting { number: MeetingNo::new(n).unwrap(), date };
        for action in [
            meeting(1, d(2026, 1, 10)),
            meeting(2, d(2026, 2, 1)),
            meeting(3, d(2026, 3, 1)),
            Action::Decide { decision: Decision::Refer, date: d(2026, 3, 1) },
            Action::ReferralSent { date: sent },
            Action::PptReceived { date: received },
        ] {
            store.apply(id, &action, today()).unwrap();
        }
        id
    }

    fn step(store: &mut Store, id: Uuid, step: PptStep) {
        store.apply(id, &Action::Ppt { step, consent_age: 15 }, today()).unwrap();
    }

    fn schools(store: &Store, query: &CaseQuery) -> Vec<String> {
        store.list_cases(query, 0, 50).unwrap().into_iter().map(|r| r.school).collect()
    }

    fn tracks(order: Order, ppt: PptFilter) -> CaseQuery {
        CaseQuery { status: StatusFilter::All, ppt: Some(ppt), order, ..CaseQuery::default() }
    }

    #[test]
    fn the_adviser_sees_tracks_by_next_deadline_and_the_waiting_list_by_days_waited() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ppt.db");
        let mut store = Store::open(&path, "PPT", None).unwrap();
        // Waiting since September: preliminary reply overdue since October, waited long.
        received(&mut store, "Åsen skole", d(2026, 9, 1), d(2026, 9, 3));
        // Waiting since November.
        received(&mut store, "Bøen skole", d(2026, 11, 2), d(2026, 11, 4));
        // Assigned on 16.11: the start-up meeting is due 30.11, before anything else.
        let assigned = received(&mut store, "Lia skole", d(2026, 10, 20), d(2026, 10, 25));
        step(
            &mut store,
            assigned,
            PptStep::Consent(AssessmentConsent { given_on: d(2026, 11, 16), by: ConsentGiver::Guardians }),
        );
        step(&mut store, assigned, PptStep::Assign(Assignment { adviser: "Rådgiver Ås".into(), on: d(2026, 11, 16) }));
        // A closed track is in no list of the adviser's.
        let closed = received(&mut store, "Øya skole", d(2026, 8, 1), d(2026, 8, 3));
        step(&mut store, closed, PptStep::State(TrackState::Closed));

        let by_deadline = tracks(Order::PptDeadline, PptFilter::Open);
        assert_eq!(schools(&store, &by_deadline), ["Åsen skole", "Lia skole", "Bøen skole"]);
        assert_eq!(store.count_cases(&by_deadline, None).unwrap(), 3);
        let rows = store.list_cases(&by_deadline, 0, 50).unwrap();
        let first = rows[0].ppt.as_ref().unwrap();
        assert_eq!((first.next_kind, first.next_due), (Some(PptDeadlineKind::PreliminaryReply), Some(d(2026, 10, 3))));
        assert!(first.waited_too_long(today()) && first.days_waiting(today()) == 78);
        let lia = rows[1].ppt.as_ref().unwrap();
        assert_eq!((lia.adviser.as_deref(), lia.days_waiting(today())), (Some("Rådgiver Ås"), 22));
        assert_eq!(lia.next_kind, Some(PptDeadlineKind::PreliminaryReply), "due 25.11, before the start-up meeting");

        let waiting = tracks(Order::PptWaiting, PptFilter::Waiting);
        assert_eq!(schools(&store, &waiting), ["Åsen skole", "Bøen skole"]);
        assert_eq!(store.count_cases(&waiting, None).unwrap(), 2);

        let counts = store.ppt_counts(today()).unwrap();
        assert_eq!(counts.per_state, [(TrackState::Waiting, 2), (TrackState::Active, 1), (TrackState::Closed, 1)]);
        assert_eq!((counts.waiting, counts.waiting_long, counts.waiting_since), (2, 1, Some(d(2026, 9, 3))));
        assert_eq!(counts.per_adviser, [("Rådgiver Ås".to_string(), 1)]);
    }

    #[test]
    fn the_next_deadlines_are_worked_out_again_when_the_periods_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ppt.db");
        let mut store = Store::open(&path, "PPT", None).unwrap();
        let id = received(&mut store, "Åsen skole", d(2026, 11, 1), d(2026, 11, 2));
        let next = |store: &Store| {
            let rows = store.list_cases(&tracks(Order::PptDeadline, PptFilter::Open), 0, 5).unwrap();
            rows[0].ppt.as_ref().and_then(|t| t.next_due)
        };
        assert_eq!(next(&store), Some(d(2026, 12, 2)), "a month by default");
        let two_months = PptPeriods { preliminary_reply_months: 2, ..PptPeriods::default() };
        store.use_ppt_periods(two_months).unwrap();
        assert_eq!(next(&store), Some(d(2027, 1, 2)));
        // A step recorded later is worked out with the periods in use.
        step(
            &mut store,
            id,
            PptStep::Consent(AssessmentConsent { given_on: d(2026, 11, 3), by: ConsentGiver::Guardians }),
        );
        assert_eq!(next(&store), Some(d(2027, 1, 2)));
        drop(store);
        // Opened again with the same settings: nothing to do; the check still holds.
        let mut store = Store::open(&path, "PPT", None).unwrap();
        store.use_ppt_periods(two_months).unwrap();
        assert_eq!(next(&store), Some(d(2027, 1, 2)));
        assert!(store.check().unwrap().is_ok(), "working deadlines out touches nothing a seal covers");
    }

    #[test]
    fn tracks_from_before_their_deadlines_were_stored_get_them_when_the_file_is_opened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ppt.db");
        let mut store = Store::open(&path, "PPT", None).unwrap();
        received(&mut store, "Åsen skole", d(2026, 11, 1), d(2026, 11, 2));
        drop(store);
        // As a file migrated to schema 14 finds them: no periods, no deadlines.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("DELETE FROM ppt_periods; UPDATE ppt_tracks SET next_due = NULL, due_sort = '9999-12-31';")
            .unwrap();
        drop(conn);
        let store = Store::open(&path, "PPT", None).unwrap();
        let rows = store.list_cases(&tracks(Order::PptDeadline, PptFilter::Open), 0, 5).unwrap();
        assert_eq!(rows[0].ppt.as_ref().and_then(|t| t.next_due), Some(d(2026, 12, 2)));
    }
}
