//! The append-only audit trail: who changed what, when. Rows are written in the
//! same transaction as the change they describe.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{Store, now_stamp};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// RFC 3339, UTC.
    pub at: String,
    pub actor: String,
    /// Not in a kit, where each case carries its own trail.
    #[serde(skip)]
    pub case_id: Option<Uuid>,
    /// What happened: `created`, `meeting_held`, `edited`, …
    pub action: String,
    /// The facts of the change, e.g. `{"meeting": 2, "date": "2026-11-01"}`.
    pub detail: Value,
}

/// Each entry's hash covers the previous entry's hash and its own fields, so an
/// entry edited or removed outside the program breaks the chain from there on.
pub(super) fn chain_hash(previous: &str, at: &str, actor: &str, case_id: &str, action: &str, detail: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [previous, at, actor, case_id, action, detail] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn append(tx: &Transaction, actor: &str, case_id: Uuid, action: &str, detail: &Value) -> Result<()> {
    append_at(tx, &now_stamp(), actor, case_id, action, detail)
}

/// Appends an entry with its own time and actor: one that travelled in a kit.
pub(super) fn append_at(
    tx: &Transaction,
    at: &str,
    actor: &str,
    case_id: Uuid,
    action: &str,
    detail: &Value,
) -> Result<()> {
    let previous: String = tx
        .prepare_cached("SELECT hash FROM audit ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or_default();
    let (case_id, detail) = (case_id.to_string(), detail.to_string());
    let hash = chain_hash(&previous, at, actor, &case_id, action, &detail);
    tx.prepare_cached("INSERT INTO audit (at, actor, case_id, action, detail, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
        .execute(params![at, actor, case_id, action, detail, hash])?;
    Ok(())
}

/// A case's trail, oldest first.
pub(super) fn trail(conn: &Connection, case_id: Uuid) -> Result<Vec<AuditEntry>> {
    let mut stmt =
        conn.prepare_cached("SELECT at, actor, case_id, action, detail FROM audit WHERE case_id = ?1 ORDER BY id")?;
    let rows = stmt.query_map([case_id.to_string()], |r| {
        Ok((r.get::<_, String>(0)?, r.get(1)?, r.get::<_, Option<String>>(2)?, r.get(3)?, r.get::<_, String>(4)?))
    })?;
    rows.map(|row| {
        let (at, actor, case_id, action, detail) = row?;
        Ok(AuditEntry {
            at,
            actor,
            case_id: case_id.as_deref().map(Uuid::parse_str).transpose()?,
            action,
            detail: serde_json::from_str(&detail)?,
        })
    })
    .collect()
}

impl Store {
    /// A case's trail, oldest first.
    pub fn audit_of(&self, case_id: Uuid) -> Result<Vec<AuditEntry>> {
        trail(&self.conn, case_id)
    }
}
