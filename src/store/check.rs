//! `saksgang check`: is the file whole, do its references hold, is the audit
//! trail as it was written?

use anyhow::Result;

use super::Store;
use super::audit::chain_hash;

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
    pub copies_unerased: Vec<std::path::PathBuf>,
}

impl CheckReport {
    pub fn is_ok(&self) -> bool {
        self.integrity.is_empty() && self.foreign_keys.is_empty() && self.audit.is_ok()
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
        })
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
        let mut previous = String::new();
        let mut count = 0u64;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            count += 1;
            if id != count as i64 {
                return Ok(Err(AuditBreak { id, reason: AuditBreakReason::Gap }));
            }
            let fields: [String; 5] = [row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?];
            let expected = chain_hash(&previous, &fields[0], &fields[1], &fields[2], &fields[3], &fields[4]);
            let stored: String = row.get(6)?;
            if stored != expected {
                return Ok(Err(AuditBreak { id, reason: AuditBreakReason::Altered }));
            }
            previous = stored;
        }
        Ok(Ok(count))
    }

    /// Cases and audit entries, to compare a copy with its original.
    pub fn row_counts(&self) -> Result<(i64, i64)> {
        row_counts(&self.conn)
    }
}

/// How many cases and log entries the database behind `conn` holds.
pub(super) fn row_counts(conn: &rusqlite::Connection) -> Result<(i64, i64)> {
    Ok(conn.query_row("SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM audit)", [], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?)
}
