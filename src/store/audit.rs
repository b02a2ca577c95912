//! The append-only audit trail: who changed what, when. Rows are written in the
//! same transaction as the change they describe.

use anyhow::Result;
use hmac::{Hmac, Mac};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{Store, now_stamp};
use crate::domain::{AuditAction, AuditEntry, Coded};

/// The secret the chain and the seals are keyed with, and the first entry keyed
/// with it (entries before schema 9 keep their plain SHA-256). It lies in the
/// database, under the database's encryption: without the passphrase nobody can
/// compute an entry or a seal.
pub(super) struct ChainKey {
    key: zeroize::Zeroizing<Vec<u8>>,
    keyed_from: i64,
}

/// The key, if the database has one (a copy made before schema 9 has none).
pub(super) fn chain_key(conn: &Connection) -> Result<Option<ChainKey>> {
    if !super::has_table(conn, "audit_key")? {
        return Ok(None);
    }
    Ok(conn
        .prepare_cached("SELECT key, keyed_from FROM audit_key")?
        .query_row([], |r| Ok(ChainKey { key: zeroize::Zeroizing::new(r.get(0)?), keyed_from: r.get(1)? }))
        .optional()?)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// HMAC-SHA256 over `parts`, each ended by a zero byte.
pub(super) fn mac(key: &ChainKey, parts: &[&[u8]]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(&key.key).expect("HMAC takes a key of any length");
    for part in parts {
        mac.update(part);
        mac.update(&[0]);
    }
    hex(&mac.finalize().into_bytes())
}

/// Each entry's hash covers the previous entry's hash and its own fields, so an
/// entry edited or removed outside the program breaks the chain from there on.
/// Keyed (an HMAC) from the key's first entry on, so that it cannot be computed
/// again after an edit without the database's key.
pub(super) fn chain_hash(key: Option<&ChainKey>, id: i64, previous: &str, fields: [&str; 5]) -> String {
    let [at, actor, case_id, action, detail] = fields;
    let parts = [previous, at, actor, case_id, action, detail].map(str::as_bytes);
    match key {
        Some(key) if id >= key.keyed_from => mac(key, &parts),
        _ => {
            let mut hasher = Sha256::new();
            for part in parts {
                hasher.update(part);
                hasher.update([0u8]);
            }
            hex(&hasher.finalize())
        }
    }
}

pub(super) fn append(tx: &Transaction, actor: &str, case_id: Uuid, action: AuditAction, detail: &Value) -> Result<()> {
    append_at(tx, &now_stamp(), actor, Some(case_id), action.code(), detail)
}

/// Appends an entry with its own time and actor: one that travelled in a kit, or
/// one about the whole database (no case).
pub(super) fn append_at(
    tx: &Transaction,
    at: &str,
    actor: &str,
    case_id: Option<Uuid>,
    action: &str,
    detail: &Value,
) -> Result<()> {
    let (previous_id, previous): (i64, String) = tx
        .prepare_cached("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or_default();
    let (case_text, detail) = (case_id.map(|id| id.to_string()).unwrap_or_default(), detail.to_string());
    let key = chain_key(tx)?;
    let hash = chain_hash(key.as_ref(), previous_id + 1, &previous, [at, actor, &case_text, action, &detail]);
    tx.prepare_cached(
        "INSERT INTO audit (id, at, actor, case_id, action, detail, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![previous_id + 1, at, actor, case_id.map(|id| id.to_string()), action, detail, hash])?;
    Ok(())
}

/// The highest entry number so far (0 for none).
pub(super) fn last_entry(conn: &Connection) -> Result<i64> {
    Ok(conn.prepare_cached("SELECT coalesce(max(id), 0) FROM audit")?.query_row([], |r| r.get(0))?)
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
