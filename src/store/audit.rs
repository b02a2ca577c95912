//! The append-only audit trail: who changed what, when. Rows are written in the
//! same transaction as the change they describe.

use anyhow::Result;
use rusqlite::{Transaction, params};
use serde_json::Value;
use uuid::Uuid;

use super::{Store, now_stamp};

#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// RFC 3339, UTC.
    pub at: String,
    pub actor: String,
    pub case_id: Option<Uuid>,
    /// What happened: `created`, `meeting_held`, `edited`, …
    pub action: String,
    /// The facts of the change, e.g. `{"meeting": 2, "date": "2026-11-01"}`.
    pub detail: Value,
}

pub(super) fn append(tx: &Transaction, actor: &str, case_id: Uuid, action: &str, detail: &Value) -> Result<()> {
    tx.prepare_cached("INSERT INTO audit (at, actor, case_id, action, detail) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![now_stamp(), actor, case_id.to_string(), action, detail.to_string()])?;
    Ok(())
}

impl Store {
    /// A case's trail, oldest first.
    pub fn audit_of(&self, case_id: Uuid) -> Result<Vec<AuditEntry>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT at, actor, case_id, action, detail FROM audit WHERE case_id = ?1 ORDER BY id")?;
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
}
