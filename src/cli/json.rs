//! The stable JSON forms of the command line's output, for scripts.

use crate::domain::ppt::PptTrack;
use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::config::Settings;
use crate::domain::AuditEntry;
use crate::domain::{Case, Coded, MeetingNo, Party, format_time, iso_date, unevaluated_ended};
use crate::service::CaseFile;
use crate::store::CaseRecords;

/// The stable JSON form of a case for scripts.
pub fn case(case: &Case, settings: &Settings) -> Value {
    let d = &case.details;
    json!({
        "id": case.id.to_string(),
        "reference": case.reference,
        "kind": d.kind,
        "school": d.school,
        "grade": d.grade,
        "gender": d.gender,
        "teacher": d.teacher,
        "description": d.description,
        "created": iso_date(case.created),
        "stage": case.stage(),
        "status": case.status(),
        "meetings": MeetingNo::ALL.iter().filter_map(|n| case.meeting(*n).map(|m| json!({
            "number": n.get(), "date": iso_date(m.date), "held": m.held,
        }))).collect::<Vec<_>>(),
        "decision": case.decision.map(|(decision, on)| json!({"decision": decision, "date": iso_date(on)})),
        "referral_sent": case.referral_sent.map(iso_date),
        "closed": case.closure.as_ref().map(|c| json!({"date": iso_date(c.date), "reason": c.reason})),
        "consent": case.consent.as_ref().map(|c| json!({
            "given_on": iso_date(c.given_on),
            "given_by": c.given_by,
            "scope": c.scope,
            "expires_on": c.expires_on.map(iso_date),
            "withdrawn_on": c.withdrawn_on.map(iso_date),
            "valid": c.is_valid(settings.today),
        })),
        "deadlines": case.deadlines().iter().map(|dl| json!({
            "kind": dl.kind,
            "due": iso_date(dl.due),
            "state": dl.state(settings.today, settings.due_soon_days),
            "met_on": dl.met_on.map(iso_date),
            "planned": dl.planned.map(iso_date),
            "planned_too_late": dl.planned_too_late(),
        })).collect::<Vec<_>>(),
        "ppt": case.ppt.as_ref().map(|track| ppt(track, settings)),
    })
}

/// PPT's track: its steps, the days on the waiting list, and its deadlines in
/// the shape of the school's.
fn ppt(track: &PptTrack, settings: &Settings) -> Value {
    let day = |d: Option<chrono::NaiveDate>| d.map(iso_date);
    json!({
        "received": iso_date(track.received),
        "state": track.state,
        "days_waiting": track.days_waiting(settings.today),
        "consent": track.consent.map(|c| json!({"given_on": iso_date(c.given_on), "given_by": c.by})),
        "assigned": track.assigned.as_ref().map(|a| json!({"adviser": a.adviser, "date": iso_date(a.on)})),
        "startup_meeting": track.startup.map(|m| json!({"date": iso_date(m.date), "held": m.held})),
        "preliminary_reply": track.preliminary_reply.as_ref().map(|r| json!({
            "sent_on": iso_date(r.sent_on), "reason": r.reason, "expected_by": iso_date(r.expected_by),
        })),
        "assessment": track.assessment.as_ref().map(|a| json!({
            "done_on": iso_date(a.done_on),
            "hours_per_year": a.hours_per_year,
            "assistant": a.assistant,
            "organisation": a.organisation,
        })),
        "decision": track.decision.as_ref().map(|d| json!({
            "date": iso_date(d.on),
            "outcome": d.outcome,
            "departure": d.departure,
            "valid_until": day(d.valid_until),
        })),
        "complaint": track.complaint.map(|c| json!({
            "received_on": iso_date(c.received_on),
            "outcome": c.outcome.map(|(outcome, _)| outcome),
            "outcome_date": day(c.outcome.map(|(_, on)| on)),
        })),
        "revised_on": day(track.revised_on),
        "deadlines": track.deadlines(&settings.ppt_periods).iter().map(|dl| json!({
            "kind": dl.kind,
            "due": iso_date(dl.due),
            "state": dl.state(settings.today, settings.due_soon_days),
            "met_on": day(dl.met_on),
        })).collect::<Vec<_>>(),
    })
}

/// The records as written, with each party's words under its name and the pupil's
/// voice marked.
fn meeting_records_json(records: &CaseRecords) -> Value {
    let by_party = |texts: &[String]| -> Value {
        Party::ALL.iter().zip(texts).map(|(party, text)| (party.code(), json!(text))).collect()
    };
    MeetingNo::ALL
        .iter()
        .filter_map(|n| records[n.index()].as_ref().map(|r| (n, r)))
        .map(|(n, record)| {
            let mut value = json!(record);
            value["number"] = json!(n.get());
            value["time"] = json!(record.time.map(format_time));
            value["statements"] = by_party(&record.statements);
            value["services"] = by_party(&record.services);
            value["has_pupil_voice"] = json!(record.has_pupil_voice());
            // Measures are listed once, for the case, with their evaluation state.
            if let Some(fields) = value.as_object_mut() {
                fields.remove("measures");
            }
            value
        })
        .collect()
}

/// The measures of meeting 2 as they live on: period, who is responsible, and
/// whether the period has ended without an evaluation.
fn measures_json(records: &CaseRecords, today: NaiveDate) -> Value {
    let measures = records[1].as_ref().map_or(&[][..], |r| &r.measures);
    let unevaluated: Vec<u32> = unevaluated_ended(measures, records[2].as_ref(), today).map(|m| m.id).collect();
    measures
        .iter()
        .map(|m| {
            let mut value = json!(m);
            value["ended_without_evaluation"] = json!(unevaluated.contains(&m.id));
            value
        })
        .collect()
}

/// A case as `show --json` gives it: the case with its name (only here, where the
/// look is logged; never in lists), its minutes, measures, discussions and log.
pub fn case_file(file: &CaseFile, settings: &Settings) -> Value {
    let (case, records) = (&file.case, &file.records);
    let mut value = self::case(case, settings);
    value["pupil"] =
        json!(case.identity.as_ref().map(|i| json!({"name": i.name, "birth_date": i.birth_date.map(iso_date)})));
    value["meeting_records"] = meeting_records_json(records);
    value["measures"] = measures_json(records, settings.today);
    value["discussions"] = file
        .discussions
        .iter()
        .map(|(meeting, item)| {
            json!({
                "date": iso_date(meeting.date),
                "school": meeting.school,
                "starts_at": format_time(item.starts_at),
                "minutes": item.minutes,
                "difficulty": item.difficulty,
                "preparation": item.preparation,
                "advice": item.advice,
                "next_step": item.next_step,
            })
        })
        .collect();
    value["audit"] = audit(&file.audit);
    value
}

/// A case's log entries.
pub fn audit(entries: &[AuditEntry]) -> Value {
    entries.iter().map(|e| json!({"at": e.at, "actor": e.actor, "action": e.action, "detail": e.detail})).collect()
}
