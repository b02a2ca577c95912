//! Erasing a pupil's name everywhere the database keeps it: the case, the
//! minutes, and the copies a visit-day kit left.

use anyhow::{Context, Result};
use rusqlite::{Transaction, params};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{audit, new_version_id, now_stamp};
use crate::domain::{AuditAction, CaseSnapshot, MeetingRecord};

/// The pupil's name and birth date, and the names of the pupil and guardians in
/// the minutes, are erased: so are the copies anything else kept of them. The
/// participants' rows here lose the family's names; the versions the kit kept lose
/// them too (their random ids stay, to find them by; an id that was a hash of
/// content with the names, from a version 1 kit, is replaced by a random one);
/// conflicts over the identity are dropped and those over who was present lose
/// the names. The old pages that held them leave the WAL once the transaction is
/// committed (`Store::write`), or stay noted as pending until they can; the
/// copies of the database are treated after the commit too (`copies`).
pub(super) fn scrub_identity(tx: &Transaction, case_id: Uuid) -> Result<()> {
    let id = case_id.to_string();
    tx.execute("INSERT INTO pending_purge (since) VALUES (?1)", [now_stamp()])?;
    tx.execute("INSERT OR IGNORE INTO pending_copy_erasure (case_id) VALUES (?1)", [&id])?;
    // The case is sealed anew under a new salt (`seals::seal_cases_since`).
    tx.execute("UPDATE case_seals SET salt = randomblob(16) WHERE case_id = ?1", [&id])?;
    tx.execute("UPDATE cases SET pupil_name = NULL, birth_date = NULL WHERE id = ?1", [&id])?;
    tx.execute(
        "UPDATE participants SET name = '' WHERE case_id = ?1 AND role IN ('pupil', 'guardian') AND name <> ''",
        [&id],
    )?;
    let kept: Vec<(i64, String, String)> = tx
        .prepare_cached("SELECT rowid, fingerprint, snapshot FROM kit_versions WHERE case_id = ?1")?
        .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (rowid, version, json) in kept {
        let mut snapshot: CaseSnapshot =
            serde_json::from_str(&json).context("a kept version of the case cannot be read")?;
        snapshot.case.identity = None;
        snapshot.records.iter_mut().flatten().for_each(MeetingRecord::erase_family_names);
        let version = if version.len() == 64 { new_version_id() } else { version };
        tx.execute(
            "UPDATE kit_versions SET fingerprint = ?1, snapshot = ?2 WHERE rowid = ?3",
            params![version, serde_json::to_string(&snapshot)?, rowid],
        )?;
    }
    tx.execute("DELETE FROM kit_conflicts WHERE case_id = ?1 AND field LIKE 'case.identity%'", [&id])?;
    let waiting: Vec<(i64, String, String, String)> = tx
        .prepare_cached("SELECT id, field, here, kit FROM kit_conflicts WHERE case_id = ?1 AND field LIKE 'records.%'")?
        .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (conflict, field, here, kit) in waiting {
        let (here, kit) = (without_family_names(&field, &here)?, without_family_names(&field, &kit)?);
        tx.execute("UPDATE kit_conflicts SET here = ?1, kit = ?2 WHERE id = ?3", params![here, kit, conflict])?;
    }
    Ok(())
}

/// A conflict's value over a record, or over who was present, with the family's
/// names taken out.
fn without_family_names(field: &str, json: &str) -> Result<String> {
    let mut value: Value = serde_json::from_str(json)?;
    let participants = if field.ends_with(".participants") { Some(&mut value) } else { value.get_mut("participants") };
    if let Some(Value::Array(rows)) = participants {
        for row in rows.iter_mut().filter(|row| matches!(row["role"].as_str(), Some("pupil" | "guardian"))) {
            row["name"] = Value::String(String::new());
        }
    }
    Ok(value.to_string())
}

/// The cases whose minutes name the pupil or a guardian among those present.
pub(super) const FAMILY_NAMED: &str =
    "SELECT case_id FROM participants WHERE role IN ('pupil', 'guardian') AND name <> ''";

/// Whether the minutes of a case name the pupil or a guardian.
pub(super) fn family_named(conn: &rusqlite::Connection, case_id: Uuid) -> Result<bool> {
    let sql = format!("SELECT EXISTS ({FAMILY_NAMED} AND case_id = ?1)");
    Ok(conn.prepare_cached(&sql)?.query_row([case_id.to_string()], |r| r.get(0))?)
}

/// Erases the names of those of `cases` that still hold any, as the database
/// they were erased in did, each with its log entry.
pub(super) fn erase_where_named(tx: &rusqlite::Transaction, actor: &str, cases: &[String]) -> Result<()> {
    for case in cases {
        let named: bool = tx
            .prepare_cached(&format!(
                "SELECT EXISTS (SELECT 1 FROM cases WHERE id = ?1 AND (pupil_name IS NOT NULL OR birth_date IS NOT NULL))
                 OR EXISTS ({} AND case_id = ?1)",
                FAMILY_NAMED
            ))?
            .query_row([case], |r| r.get(0))?;
        if named {
            let id = Uuid::parse_str(case)?;
            scrub_identity(tx, id)?;
            audit::append(tx, actor, id, AuditAction::IdentityErased, &json!({}))?;
        }
    }
    Ok(())
}
