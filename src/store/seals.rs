//! Each case's seal: a MAC over the case's whole state and its newest log entry,
//! so that a change made around the program is found (`saksgang check`).

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Transaction};
use uuid::Uuid;

use super::audit::{ChainKey, chain_key, mac};
use super::records::snapshot_of;

/// Seals the state of every case that got an entry after entry `since`: the
/// seal is a MAC over a salt of the case's own, the hash of the case's newest
/// entry and everything the case holds, so a case changed without an entry, or
/// whose newest entries were removed, no longer matches it (`saksgang check`).
/// The salt is drawn anew when names are erased: a seal from before cannot then
/// confirm a guessed name.
pub(super) fn seal_cases_since(tx: &Transaction, since: i64) -> Result<()> {
    let Some(key) = chain_key(tx)? else { return Ok(()) };
    let cases: Vec<String> = tx
        .prepare_cached("SELECT DISTINCT case_id FROM audit WHERE id > ?1 AND case_id IS NOT NULL")?
        .query_map([since], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for case in cases {
        seal_with(tx, &key, &case)?;
    }
    Ok(())
}

/// Seals one case anew after a change an earlier entry already covers (a part of
/// the minutes changed again in the same sitting).
pub(super) fn seal_case(tx: &Transaction, case_id: &str) -> Result<()> {
    match chain_key(tx)? {
        Some(key) => seal_with(tx, &key, case_id),
        None => Ok(()),
    }
}

fn seal_with(tx: &Transaction, key: &ChainKey, case_id: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO case_seals (case_id, salt, seal) SELECT ?1, randomblob(16), '' WHERE EXISTS
             (SELECT 1 FROM cases WHERE id = ?1) ON CONFLICT (case_id) DO NOTHING",
        [case_id],
    )?;
    if let Some(seal) = expected_seal(tx, key, case_id)? {
        tx.execute("UPDATE case_seals SET seal = ?1 WHERE case_id = ?2", [&seal, case_id])?;
    }
    Ok(())
}

/// Every case's seal, computed anew (the migration that brings seals in).
pub(super) fn seal_all(tx: &Transaction) -> Result<()> {
    seal_cases_since(tx, 0)
}

/// The seal the case's present state should carry, if the case and its salt exist.
pub(super) fn expected_seal(conn: &Connection, key: &ChainKey, case_id: &str) -> Result<Option<String>> {
    let Some(salt) = conn
        .prepare_cached("SELECT salt FROM case_seals WHERE case_id = ?1")?
        .query_row([case_id], |r| r.get::<_, Vec<u8>>(0))
        .optional()?
    else {
        return Ok(None);
    };
    let Some((_, snapshot)) = snapshot_of(conn, Uuid::parse_str(case_id)?)? else { return Ok(None) };
    let newest: String = conn
        .prepare_cached("SELECT hash FROM audit WHERE case_id = ?1 ORDER BY id DESC LIMIT 1")?
        .query_row([case_id], |r| r.get(0))
        .optional()?
        .unwrap_or_default();
    let state = serde_json::to_string(&snapshot)?;
    Ok(Some(mac(key, &[b"case", &salt, newest.as_bytes(), state.as_bytes()])))
}
