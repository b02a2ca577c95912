//! Meeting records in their own tables: one row per record, participant, statement,
//! task, measure and evaluation. A record is written whole, in one transaction with
//! its audit entry, each time the user leaves a field.

use anyhow::{Result, bail};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::json;
use uuid::Uuid;

use super::cases::{load_case, parse_opt_day, parse_stored_time, stored};
use super::{Store, audit};
use crate::domain::{
    AuditAction, CaseSnapshot, Coded, Evaluation, Measure, MeasureEvaluation, MeetingNo, MeetingRecord, Participant,
    Party, Role, Task, TaskKind, format_time, iso_date,
};

/// The records of a case's three meetings, by `MeetingNo::index`; `None` where nothing
/// is written yet.
pub type CaseRecords = [Option<MeetingRecord>; 3];

const STATEMENT: &str = "statement";
const SERVICES: &str = "services";

pub(super) fn load_record(conn: &Connection, case_id: Uuid, number: MeetingNo) -> Result<Option<MeetingRecord>> {
    let (id, n) = (case_id.to_string(), number.get());
    let Some(mut record) = conn
        .prepare_cached(
            "SELECT time, place, purpose, other_agreements, approved_by, approved_on, decision_responsible,
                    agenda_checked, sent_home_on
             FROM meeting_records WHERE case_id = ?1 AND number = ?2",
        )?
        .query_row(params![id, n], |r| {
            Ok(MeetingRecord {
                time: r.get::<_, Option<String>>(0)?.as_deref().map(parse_stored_time).transpose()?,
                place: r.get(1)?,
                purpose: r.get(2)?,
                other_agreements: r.get(3)?,
                approved_by: r.get(4)?,
                approved_on: parse_opt_day(r.get(5)?)?,
                decision_responsible: r.get(6)?,
                agenda_checked: r.get(7)?,
                sent_home_on: parse_opt_day(r.get(8)?)?,
                ..MeetingRecord::default()
            })
        })
        .optional()?
    else {
        return Ok(None);
    };
    record.participants = conn
        .prepare_cached(
            "SELECT name, role, role_text FROM participants WHERE case_id = ?1 AND number = ?2 ORDER BY position",
        )?
        .query_map(params![id, n], |r| {
            Ok(Participant { name: r.get(0)?, role: stored::<Role>(&r.get::<_, String>(1)?)?, role_text: r.get(2)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut statements =
        conn.prepare_cached("SELECT topic, party, text FROM statements WHERE case_id = ?1 AND number = ?2")?;
    let mut rows = statements.query(params![id, n])?;
    while let Some(row) = rows.next()? {
        let party = stored::<Party>(&row.get::<_, String>(1)?)?;
        let text: String = row.get(2)?;
        match row.get::<_, String>(0)?.as_str() {
            SERVICES if party.index() < 3 => record.services[party.index()] = text,
            _ => record.statements[party.index()] = text,
        }
    }
    match number.get() {
        1 => record.tasks = load_tasks(conn, &id)?,
        2 => record.measures = load_measures(conn, &id)?,
        _ => record.evaluations = load_evaluations(conn, &id)?,
    }
    Ok(Some(record))
}

fn load_tasks(conn: &Connection, id: &str) -> Result<Vec<Task>> {
    let tasks = conn
        .prepare_cached(
            "SELECT kind, assigned_to, partner, note, done FROM tasks WHERE case_id = ?1 ORDER BY position",
        )?
        .query_map([id], |r| {
            Ok(Task {
                kind: stored::<TaskKind>(&r.get::<_, String>(0)?)?,
                assigned_to: stored::<Party>(&r.get::<_, String>(1)?)?,
                partner: r.get(2)?,
                note: r.get(3)?,
                done: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(tasks)
}

fn load_measures(conn: &Connection, id: &str) -> Result<Vec<Measure>> {
    let measures = conn
        .prepare_cached(
            "SELECT id, content, scope, organisation, starts_on, ends_on, responsible
             FROM measures WHERE case_id = ?1 ORDER BY position",
        )?
        .query_map([id], |r| {
            Ok(Measure {
                id: r.get(0)?,
                content: r.get(1)?,
                scope: r.get(2)?,
                organisation: r.get(3)?,
                starts_on: parse_opt_day(r.get(4)?)?,
                ends_on: parse_opt_day(r.get(5)?)?,
                responsible: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(measures)
}

fn load_evaluations(conn: &Connection, id: &str) -> Result<Vec<MeasureEvaluation>> {
    let mut evaluations = conn
        .prepare_cached(
            "SELECT measure_id, party, how_it_worked, went_well, obstacles FROM evaluations WHERE case_id = ?1",
        )?
        .query_map([id], |r| {
            Ok(MeasureEvaluation {
                measure_id: r.get(0)?,
                party: stored::<Party>(&r.get::<_, String>(1)?)?,
                evaluation: Evaluation { how_it_worked: r.get(2)?, went_well: r.get(3)?, obstacles: r.get(4)? },
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // Sorted as the domain keeps them (party order, not the codes' alphabet).
    evaluations.sort_by_key(|e| (e.measure_id, e.party));
    Ok(evaluations)
}

pub(super) fn write_record(tx: &Transaction, case_id: Uuid, number: MeetingNo, record: &MeetingRecord) -> Result<()> {
    let (id, n) = (case_id.to_string(), number.get());
    // Children first: the record's own rows cascade, tasks and measures belong to the case.
    tx.execute("DELETE FROM meeting_records WHERE case_id = ?1 AND number = ?2", params![id, n])?;
    tx.execute(
        "INSERT INTO meeting_records (case_id, number, time, place, purpose, other_agreements, approved_by,
             approved_on, decision_responsible, agenda_checked, sent_home_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            id,
            n,
            record.time.map(format_time),
            record.place,
            record.purpose,
            record.other_agreements,
            record.approved_by,
            record.approved_on.map(iso_date),
            record.decision_responsible,
            record.agenda_checked,
            record.sent_home_on.map(iso_date),
        ],
    )?;
    let mut participant = tx.prepare_cached(
        "INSERT INTO participants (case_id, number, position, name, role, role_text) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (position, p) in (0i64..).zip(&record.participants) {
        participant.execute(params![id, n, position, p.name, p.role.code(), p.role_text])?;
    }
    let mut statement =
        tx.prepare_cached("INSERT INTO statements (case_id, number, topic, party, text) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for party in Party::ALL {
        let said = &record.statements[party.index()];
        if !said.is_empty() {
            statement.execute(params![id, n, STATEMENT, party.code(), said])?;
        }
    }
    for party in Party::REQUESTERS {
        let asked = &record.services[party.index()];
        if !asked.is_empty() {
            statement.execute(params![id, n, SERVICES, party.code(), asked])?;
        }
    }
    match number.get() {
        1 => write_tasks(tx, &id, &record.tasks),
        2 => write_measures(tx, &id, &record.measures),
        _ => write_evaluations(tx, &id, &record.evaluations),
    }
}

fn write_tasks(tx: &Transaction, id: &str, tasks: &[Task]) -> Result<()> {
    tx.execute("DELETE FROM tasks WHERE case_id = ?1", [id])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO tasks (case_id, position, kind, assigned_to, partner, note, done) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (position, t) in (0i64..).zip(tasks) {
        insert.execute(params![id, position, t.kind.code(), t.assigned_to.code(), t.partner, t.note, t.done])?;
    }
    Ok(())
}

/// Measures are updated in place, so that the evaluations of those kept stay; the
/// evaluations of a measure removed go with it.
fn write_measures(tx: &Transaction, id: &str, measures: &[Measure]) -> Result<()> {
    let kept: Vec<String> = measures.iter().map(|m| m.id.to_string()).collect();
    tx.execute(
        "DELETE FROM measures WHERE case_id = ?1 AND id NOT IN (SELECT value FROM json_each(?2))",
        params![id, format!("[{}]", kept.join(","))],
    )?;
    let mut upsert = tx.prepare_cached(
        "INSERT INTO measures (case_id, id, position, content, scope, organisation, starts_on, ends_on, responsible)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (case_id, id) DO UPDATE SET position = excluded.position, content = excluded.content,
             scope = excluded.scope, organisation = excluded.organisation, starts_on = excluded.starts_on,
             ends_on = excluded.ends_on, responsible = excluded.responsible",
    )?;
    for (position, m) in (0i64..).zip(measures) {
        upsert.execute(params![
            id,
            m.id,
            position,
            m.content,
            m.scope,
            m.organisation,
            m.starts_on.map(iso_date),
            m.ends_on.map(iso_date),
            m.responsible,
        ])?;
    }
    Ok(())
}

fn write_evaluations(tx: &Transaction, id: &str, evaluations: &[MeasureEvaluation]) -> Result<()> {
    tx.execute("DELETE FROM evaluations WHERE case_id = ?1", [id])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO evaluations (case_id, measure_id, party, how_it_worked, went_well, obstacles)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for e in evaluations {
        let ev = &e.evaluation;
        insert.execute(params![id, e.measure_id, e.party.code(), ev.how_it_worked, ev.went_well, ev.obstacles])?;
    }
    Ok(())
}

/// The parts of a record that differ: what the audit entry names. The words
/// themselves stay out of the append-only log, so that they can be corrected and
/// erased.
fn changed_parts(before: &MeetingRecord, after: &MeetingRecord) -> Vec<&'static str> {
    let parts: [(&str, bool); 14] = [
        ("time", before.time != after.time),
        ("place", before.place != after.place),
        ("purpose", before.purpose != after.purpose),
        ("participants", before.participants != after.participants),
        ("statements", before.statements != after.statements),
        ("other_agreements", before.other_agreements != after.other_agreements),
        ("approval", (&before.approved_by, before.approved_on) != (&after.approved_by, after.approved_on)),
        ("tasks", before.tasks != after.tasks),
        ("measures", before.measures != after.measures),
        ("evaluations", before.evaluations != after.evaluations),
        ("decision_responsible", before.decision_responsible != after.decision_responsible),
        ("services", before.services != after.services),
        ("agenda", before.agenda_checked != after.agenda_checked),
        ("sent_home", before.sent_home_on != after.sent_home_on),
    ];
    parts.into_iter().filter(|(_, changed)| *changed).map(|(name, _)| name).collect()
}

impl Store {
    /// The record of one meeting, `None` while nothing is written.
    pub fn meeting_record(&self, case_id: Uuid, number: MeetingNo) -> Result<Option<MeetingRecord>> {
        load_record(&self.conn, case_id, number)
    }

    pub fn meeting_records(&self, case_id: Uuid) -> Result<CaseRecords> {
        let [one, two, three] = MeetingNo::ALL.map(|n| load_record(&self.conn, case_id, n));
        Ok([one?, two?, three?])
    }

    /// Stores the record of meeting `number` as a whole, after the domain's checks,
    /// and audits which parts changed. Storing what is already there writes nothing.
    /// The pupil and the guardians are named among those present only while a valid
    /// consent covers the case on `today`.
    pub fn save_meeting_record(
        &mut self,
        case_id: Uuid,
        number: MeetingNo,
        record: &MeetingRecord,
        today: NaiveDate,
    ) -> Result<()> {
        self.save_meeting_record_in(case_id, number, record, today, &mut Sitting::default())
    }

    /// As `save_meeting_record`, within one sitting of the editor: a part already
    /// logged in `sitting` is not logged again (the log says which parts a sitting
    /// changed, not every field left), yet every change is stored at once.
    pub fn save_meeting_record_in(
        &mut self,
        case_id: Uuid,
        number: MeetingNo,
        record: &MeetingRecord,
        today: NaiveDate,
        sitting: &mut Sitting,
    ) -> Result<()> {
        let logged = &sitting.logged;
        let newly_logged = self.write(|tx, actor| {
            let Some(case) = load_case(tx, "id", &case_id.to_string())? else {
                bail!("case {case_id} does not exist");
            };
            record.check_family_names(case.may_name_family(today))?;
            let measures = match number.get() {
                2 => record.measures.clone(),
                _ => load_measures(tx, &case_id.to_string())?,
            };
            record.validate(number, &measures)?;
            record.check_days(case.meeting(number).map(|m| m.date), today)?;
            let before = load_record(tx, case_id, number)?;
            let changed = changed_parts(before.as_ref().unwrap_or(&MeetingRecord::default()), record);
            if before.is_some() && changed.is_empty() {
                return Ok(Vec::new());
            }
            write_record(tx, case_id, number, record)?;
            let fresh: Vec<&str> = changed.iter().copied().filter(|p| !logged.contains(&(number, *p))).collect();
            if before.is_some() && fresh.is_empty() {
                // An entry of this sitting already says so; the seal follows the change.
                super::seals::seal_case(tx, &case_id.to_string())?;
                return Ok(Vec::new());
            }
            // A first save logs every part: nothing of this record was logged before.
            let mut detail = json!({"meeting": number.get(), "parts": fresh});
            // The family has the version sent home: the log says this one came after.
            if let Some(sent) = before.as_ref().and_then(|b| b.sent_home_on) {
                detail["after_sent_home"] = json!(crate::domain::iso_date(sent));
            }
            audit::append(tx, actor, case_id, AuditAction::RecordEdited, &detail)?;
            Ok(fresh)
        })?;
        sitting.logged.extend(newly_logged.into_iter().map(|part| (number, part)));
        Ok(())
    }
}

/// The parts of the minutes logged as changed since the editor was opened.
#[derive(Debug, Default)]
pub struct Sitting {
    logged: std::collections::BTreeSet<(MeetingNo, &'static str)>,
}

/// The case as it travels (under its travel reference, with its records), and the
/// reference it has on this machine.
pub(super) fn snapshot_of(conn: &Connection, case_id: Uuid) -> Result<Option<(String, CaseSnapshot)>> {
    let Some(mut case) = load_case(conn, "id", &case_id.to_string())? else { return Ok(None) };
    let travel: Option<String> = conn
        .prepare_cached("SELECT travel_reference FROM cases WHERE id = ?1")?
        .query_row([case_id.to_string()], |r| r.get(0))?;
    let local = match travel {
        Some(travel) => std::mem::replace(&mut case.reference, travel),
        None => case.reference.clone(),
    };
    let [one, two, three] = MeetingNo::ALL.map(|n| load_record(conn, case_id, n));
    Ok(Some((local, CaseSnapshot { case, records: [one?, two?, three?] })))
}
