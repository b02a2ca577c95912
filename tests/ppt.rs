//! PPT's track walked on the command line from the referral to the decision,
//! its deadline states read from `show --json` on chosen days.

#[allow(dead_code)]
mod common;

use std::path::Path;

use common::cli::{add_case, ok, run};
use serde_json::Value;

/// A case at the school taken through meetings 1–3 to a referral sent 15.09.2026.
fn referred(db: &Path) -> String {
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
