//! `saksgang check`: is the file whole, do its references hold, is the audit
//! trail as it was written?

use anyhow::Result;

use std::path::PathBuf;

use rusqlite::OptionalExtension;

use super::audit::{chain_hash, chain_key};
use super::seals::expected_seal;
use super::{Store, copies};

/// The triggers that keep the log append-only and the counts true: one dropped
/// outside the program is reported.
const TRIGGERS: [&str; 11] = [
    "audit_no_update",
    "audit_no_delete",
    "cases_search_insert",
    "cases_search_delete",
    "cases_search_update",
    "cases_words_insert",
    "cases_words_delete",
    "cases_words_update",
    "stage_counts_insert",
    "stage_counts_delete",
    "stage_counts_update",
];

/// Where the audit chain breaks: the first entry that does not follow from the one before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditBreak {
    pub id: i64,
    pub reason: AuditBreakReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditBreakReason {
    /// Entries are missing before this one.
    Gap,
    /// The entry (or one before it) was changed.
    Altered,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// `PRAGMA integrity_check` lines other than "ok".
    pub integrity: Vec<String>,
    /// Rows whose references point nowhere.
    pub foreign_keys: Vec<String>,
    /// Entries in the audit trail, or where its chain breaks.
    pub audit: Result<u64, AuditBreak>,
    pub encrypted: bool,
    /// An erasure waits for another program to let its old pages go.
    pub purge_pending: bool,
    /// Copies of the database that an erasure has not reached (they did not open).
    pub copies_unerased: Vec<PathBuf>,
    /// Cases (by reference) whose state does not match the seal of their newest
    /// log entry: changed without an entry, or entries removed.
    pub unsealed: Vec<String>,
    /// Triggers that should be there and are not.
    pub missing_triggers: Vec<String>,
    /// A copy of the database (made since its last restore) that holds log
    /// entries the database no longer has: entries removed from its end.
    pub behind_copy: Option<PathBuf>,
    /// Copies of an encrypted database that are not encrypted (left by an
    /// `encrypt` that was stopped, or made before it): `passphrase` encrypts them.
    pub plain_copies: Vec<PathBuf>,
}

impl CheckReport {
    pub fn is_ok(&self) -> bool {
        self.integrity.is_empty()
            && self.foreign_keys.is_empty()
            && self.audit.is_ok()
            && self.unsealed.is_empty()
            && self.missing_triggers.is_empty()
            && self.behind_copy.is_none()
            && self.plain_copies.is_empty()
    }
}

impl Store {
    pub fn check(&self) -> Result<CheckReport> {
        Ok(CheckReport {
            integrity: self.integrity_problems()?,
            foreign_keys: self.foreign_key_problems()?,
            audit: self.verify_audit_chain()?,
            encrypted: self.encrypted,
            purge_pending: self.purge_pending()?,
            copies_unerased: self.copies_unerased.iter().map(|f| f.path.clone()).collect(),
            unsealed: self.unsealed_cases()?,
            missing_triggers: self.missing_triggers()?,
            behind_copy: self.copy_ahead()?,
            plain_copies: self.plain_copies()?,
        })
    }

    /// Cases whose state and newest entry do not match their seal.
    fn unsealed_cases(&self) -> Result<Vec<String>> {
        let Some(key) = chain_key(&self.conn)? else { return Ok(Vec::new()) };
        let cases: Vec<(String, i64, i64, Option<String>)> = self
            .conn
            .prepare(
                "SELECT c.id, c.ref_year, c.ref_seq, s.seal FROM cases c LEFT JOIN case_seals s ON s.case_id = c.id",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut unsealed = Vec::new();
        for (id, year, number, seal) in cases {
            let expected = expected_seal(&self.conn, &key, &id)?;
            if seal.is_none() || expected != seal {
                unsealed.push(format!("{year}-{number:03}"));
            }
        }
        Ok(unsealed)
    }

    fn plain_copies(&self) -> Result<Vec<PathBuf>> {
        if !self.encrypted {
            return Ok(Vec::new());
        }
        let mut plain = Vec::new();
        for copy in copies::copies_of(&self.path)? {
            if super::probe(&copy)? == super::FileKind::Plain {
                plain.push(copy);
            }
        }
        Ok(plain)
    }

    fn missing_triggers(&self) -> Result<Vec<String>> {
        let mut present =
            self.conn.prepare("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?1)")?;
        let mut missing = Vec::new();
        for name in TRIGGERS {
            if !present.query_row([name], |r| r.get::<_, bool>(0))? {
                missing.push(name.to_string());
            }
        }
        Ok(missing)
    }

    /// The first copy made since the last restore whose recorded head (its newest
    /// log entry as it was copied) the database does not hold as it was.
    fn copy_ahead(&self) -> Result<Option<PathBuf>> {
        let restored: Option<String> = self
            .conn
            .prepare("SELECT max(at) FROM audit WHERE action = 'restored' AND case_id IS NULL")?
            .query_row([], |r| r.get(0))?;
        for copy in copies::copies_of(&self.path)? {
            // Copies that do not open are named elsewhere (an erasure, `passphrase`).
            let Ok(opened) = Store::open_read_only(&copy, self.passphrase.as_deref().map(String::as_str)) else {
                continue;
            };
            if !opened.has_table("copy_head")? {
                continue;
            }
            let head: Option<(String, i64, String)> = opened
                .conn
                .query_row("SELECT made_at, last_id, last_hash FROM copy_head", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            let Some((made_at, last_id, last_hash)) = head else { continue };
            if last_id == 0 || restored.as_ref().is_some_and(|at| made_at <= *at) {
                continue;
            }
            let here: Option<String> =
                self.conn.query_row("SELECT hash FROM audit WHERE id = ?1", [last_id], |r| r.get(0)).optional()?;
            if here.as_deref() != Some(last_hash.as_str()) {
                return Ok(Some(copy));
            }
        }
        Ok(None)
    }

    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let lines = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(lines.into_iter().filter(|l| l != "ok").collect())
    }

    fn foreign_key_problems(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        let rows = stmt.query_map([], |r| {
            Ok(format!(
                "{} row {} → {}",
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?.unwrap_or(0),
                r.get::<_, String>(2)?
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Walks the whole trail in order, recomputing every hash.
    pub fn verify_audit_chain(&self) -> Result<Result<u64, AuditBreak>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, at, actor, coalesce(case_id, ''), action, detail, hash FROM audit ORDER BY id")?;
        let mut rows = stmt.query([])?;
        let key = chain_key(&self.conn)?;
        let mut previous = String::new();
        let mut count = 0u64;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            count += 1;
            if id != count as i64 {
                return Ok(Err(AuditBreak { id, reason: AuditBreakReason::Gap }));
            }
            let fields: [String; 5] = [row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?];
            let expected = chain_hash(key.as_ref(), id, &previous, fields.each_ref().map(String::as_str));
            let stored: String = row.get(6)?;
            if stored != expected {
                return Ok(Err(AuditBreak { id, reason: AuditBreakReason::Altered }));
            }
            previous = stored;
        }
        Ok(Ok(count))
    }
}
