//! The only place with SQL: opening the file, migrations, cases, audit.

mod audit;
mod cases;
mod schema;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction};

pub use audit::AuditEntry;
pub use cases::{CaseQuery, CaseRow, Order, StageCounts, StatusFilter, search_uses_index};
pub use schema::current_version;

/// Why a file was not opened. Nothing in the file is changed in any of these cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// Not an SQLite file at all, or an SQLite file of another program.
    NotSaksgang { path: PathBuf },
    /// Written by a newer saksgang whose schema this one does not know.
    NewerVersion { path: PathBuf, found: i64, supported: i64 },
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::NotSaksgang { path } => write!(f, "{} is not a saksgang database", path.display()),
            OpenError::NewerVersion { path, found, supported } => write!(
                f,
                "{} was written by a newer saksgang (schema {found}, this program knows {supported})",
                path.display()
            ),
        }
    }
}

impl std::error::Error for OpenError {}

/// An open case database.
pub struct Store {
    conn: Connection,
    /// Who the audit trail names for changes made through this store.
    actor: String,
}

impl Store {
    /// Opens (or creates) the database at `path`. A file of another program or of a
    /// newer version is refused before anything is written to it.
    pub fn open(path: &Path, actor: &str) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create the folder {}", dir.display()))?;
        }
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)
            .with_context(|| format!("cannot open {}", path.display()))?;
        // SQLCipher logs to stderr by default, which would draw over the UI.
        let _ = conn.execute_batch("PRAGMA cipher_log_level = NONE;");
        check_ours(&conn, path)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;",
        )
        .with_context(|| format!("cannot prepare {}", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let mut store = Store { conn, actor: actor.to_string() };
        store.migrate().with_context(|| format!("cannot update the schema of {}", path.display()))?;
        Ok(store)
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    fn migrate(&mut self) -> Result<()> {
        let applied = self.schema_version()?;
        for (index, sql) in schema::MIGRATIONS.iter().enumerate().skip(applied as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "application_id", schema::APPLICATION_ID)?;
            tx.pragma_update(None, "user_version", index as i64 + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Runs `f` in one transaction: all of it is stored, or none.
    fn write<T>(&mut self, f: impl FnOnce(&Transaction, &str) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction()?;
        let value = f(&tx, &self.actor)?;
        tx.commit().context("the change could not be saved")?;
        Ok(value)
    }
}

/// Refuses what is not a saksgang database of a version we know, reading only.
fn check_ours(conn: &Connection, path: &Path) -> Result<()> {
    let not_ours = || OpenError::NotSaksgang { path: path.to_path_buf() };
    let tables: i64 = match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)) {
        Ok(n) => n,
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::NotADatabase => {
            return Err(not_ours().into());
        }
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let app_id: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if tables == 0 && app_id == 0 && version == 0 {
        return Ok(()); // a new, empty file
    }
    if app_id != schema::APPLICATION_ID {
        return Err(not_ours().into());
    }
    if version > current_version() {
        return Err(
            OpenError::NewerVersion { path: path.to_path_buf(), found: version, supported: current_version() }.into()
        );
    }
    Ok(())
}

/// The time stamp written into the audit trail: RFC 3339 in UTC.
fn now_stamp() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
