//! The only place with SQL: opening the file, migrations, cases, audit.

mod audit;
mod backup;
mod cases;
mod check;
mod discussions;
mod records;
mod schema;
mod sync;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};

pub use audit::AuditEntry;
pub use backup::{backup_dir, daily_backup, restore};
pub use cases::{CaseQuery, CaseRow, ConsentWarnings, Order, StageCounts, StatusFilter, search_uses_index};
pub use check::{AuditBreak, AuditBreakReason, CheckReport};
pub use records::CaseRecords;
pub use schema::current_version;
pub use sync::{ImportReport, KitConflict, Side, UnsettledConflicts};

/// Why a file was not opened. Nothing in the file is changed in any of these cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// Not an SQLite file at all, or an SQLite file of another program.
    NotSaksgang { path: PathBuf },
    /// Written by a newer saksgang whose schema this one does not know.
    NewerVersion { path: PathBuf, found: i64, supported: i64 },
    /// The file is encrypted and no passphrase was given.
    PassphraseNeeded { path: PathBuf },
    /// The passphrase does not open the file (or it is not a saksgang database).
    WrongPassphrase { path: PathBuf },
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
            OpenError::PassphraseNeeded { path } => {
                write!(f, "{} is encrypted: a passphrase is needed", path.display())
            }
            OpenError::WrongPassphrase { path } => write!(f, "the passphrase does not open {}", path.display()),
        }
    }
}

impl std::error::Error for OpenError {}

/// A change could not be written: the disk is full or refuses writes. The
/// transaction was rolled back, so nothing of it is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotSaved;

impl std::fmt::Display for NotSaved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the change was not saved: the disk is full or cannot be written")
    }
}

impl std::error::Error for NotSaved {}

/// Whether SQLite failed because the disk would not take the write.
fn disk_refused(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<rusqlite::Error>(),
            Some(rusqlite::Error::SqliteFailure(e, _)) if matches!(e.code, ErrorCode::DiskFull | ErrorCode::SystemIoFailure)
        )
    })
}

/// What lies at a database path, told from its first bytes without opening it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// No file, or an empty one: a new database.
    New,
    /// An SQLite file that is not encrypted.
    Plain,
    /// Looks like an SQLCipher file (no readable header, whole pages).
    Encrypted,
    /// Neither: refused without asking for a passphrase.
    Foreign,
}

/// SQLite's own header: every unencrypted database starts with it.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

pub fn probe(path: &Path) -> Result<FileKind> {
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileKind::New),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(FileKind::New);
    }
    let mut header = [0u8; 16];
    let read = std::io::Read::read(&mut file, &mut header)?;
    Ok(if read == 16 && &header == SQLITE_HEADER {
        FileKind::Plain
    } else if len >= 1024 && len % 512 == 0 {
        FileKind::Encrypted
    } else {
        FileKind::Foreign
    })
}

/// SQLite's page cache, in KiB.
const PAGE_CACHE_KIB: u32 = 24 * 1024;

/// The page cache while a backup streams through.
const BACKUP_CACHE_KIB: u32 = 2 * 1024;

/// How long a statement waits for another program's write to finish.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// An open case database.
pub struct Store {
    conn: Connection,
    /// Who the audit trail names for changes made through this store.
    actor: String,
    /// Kept to key backups like the database itself.
    passphrase: Option<String>,
    encrypted: bool,
}

impl Store {
    /// Opens (or creates) the database at `path`. A new file is encrypted with
    /// `passphrase` when one is given; an existing file is opened as it is (a plain
    /// file ignores the passphrase). A file of another program, of a newer version,
    /// or a wrong passphrase is refused before anything is written to the file.
    pub fn open(path: &Path, actor: &str, passphrase: Option<&str>) -> Result<Store> {
        let key = key_for(path, passphrase, true)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create the folder {}", dir.display()))?;
        }
        let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE, key)?;
        // The page cache is large because every page read from disk is decrypted
        // and authenticated (the benchmark shows searches 2-5 times slower with
        // SQLite's default 2 MB).
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA secure_delete = ON;
             PRAGMA cache_size = -{PAGE_CACHE_KIB};"
        ))
        .with_context(|| format!("cannot prepare {}", path.display()))?;
        let mut store =
            Store { conn, actor: actor.to_string(), passphrase: key.map(String::from), encrypted: key.is_some() };
        store.migrate().with_context(|| format!("cannot update the schema of {}", path.display()))?;
        Ok(store)
    }

    /// Opens a file only to read it (a backup being checked): nothing is migrated
    /// or written, not even the journal mode.
    pub fn open_read_only(path: &Path, passphrase: Option<&str>) -> Result<Store> {
        let key = key_for(path, passphrase, false)?;
        let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY, key)?;
        Ok(Store { conn, actor: String::new(), passphrase: key.map(String::from), encrypted: key.is_some() })
    }

    pub fn is_encrypted(&self) -> bool {
        self.encrypted
    }

    /// The passphrase this database was opened with, for another connection to it.
    pub fn passphrase(&self) -> Option<String> {
        self.passphrase.clone()
    }

    /// Re-encrypts the database with a new passphrase.
    pub fn change_passphrase(&mut self, new: &str) -> Result<()> {
        anyhow::ensure!(self.encrypted, "the database is not encrypted: use `saksgang encrypt`");
        // Re-keying rewrites every page; done outside WAL so no old page stays behind.
        self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")?;
        self.conn.pragma_update(None, "rekey", new)?;
        self.conn.execute_batch("PRAGMA journal_mode = WAL;")?;
        self.passphrase = Some(new.to_string());
        Ok(())
    }

    /// Copies the database to a new file at `target` with SQLite's online backup
    /// API: safe while other programs use it, and encrypted with the same key.
    pub fn backup_to(&self, target: &Path) -> Result<()> {
        anyhow::ensure!(!target.exists(), "{} exists already", target.display());
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create the folder {}", dir.display()))?;
        }
        let copy = || -> Result<()> {
            let mut destination = open_connection(target, OpenFlags::default())?;
            let _ = destination.execute_batch("PRAGMA cipher_log_level = NONE;");
            if let Some(key) = &self.passphrase {
                destination.pragma_update(None, "key", key)?;
            }
            // Pages pass through once: no need to fill the large cache with them.
            self.conn.execute_batch(&format!("PRAGMA cache_size = -{BACKUP_CACHE_KIB};"))?;
            let copied = rusqlite::backup::Backup::new(&self.conn, &mut destination)
                .and_then(|b| b.run_to_completion(1024, std::time::Duration::ZERO, None));
            self.conn.execute_batch(&format!("PRAGMA cache_size = -{PAGE_CACHE_KIB};"))?;
            Ok(copied?)
        };
        copy().inspect_err(|_| {
            let _ = std::fs::remove_file(target);
        })
    }

    /// Writes an encrypted copy of this plain database to `target`, keyed with `passphrase`.
    pub fn export_encrypted(&self, target: &Path, passphrase: &str) -> Result<()> {
        anyhow::ensure!(!self.encrypted, "the database is already encrypted");
        self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        self.conn.execute(
            "ATTACH DATABASE ?1 AS encrypted KEY ?2",
            rusqlite::params![target.to_string_lossy(), passphrase],
        )?;
        let exported = self.conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()));
        let version = self.schema_version()?;
        let marked = self.conn.execute_batch(&format!(
            "PRAGMA encrypted.user_version = {version}; PRAGMA encrypted.application_id = {};",
            schema::APPLICATION_ID
        ));
        self.conn.execute_batch("DETACH DATABASE encrypted;")?;
        exported?;
        marked?;
        Ok(())
    }
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    fn migrate(&mut self) -> Result<()> {
        loop {
            // The version is read under the write lock: another program opening the
            // same new file at the same moment must not apply a migration twice.
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let applied: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
            let Some(sql) = schema::MIGRATIONS.get(applied as usize) else { return Ok(()) };
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "application_id", schema::APPLICATION_ID)?;
            tx.pragma_update(None, "user_version", applied + 1)?;
            tx.commit()?;
        }
    }

    /// After an erasure: secure_delete has overwritten the values in the database
    /// file; this moves every page out of the WAL and empties it, so no old copy of
    /// a page keeps them either.
    fn purge_old_pages(&self) -> Result<()> {
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Runs `f` in one transaction: all of it is stored, or none.
    fn write<T>(&mut self, f: impl FnOnce(&Transaction, &str) -> Result<T>) -> Result<T> {
        // IMMEDIATE takes the write lock first (waiting for other programs); a
        // read that later turns into a write could fail at once in WAL mode.
        let written = (|| {
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx, &self.actor)?;
            tx.commit()?;
            Ok(value)
        })();
        written.map_err(|error: anyhow::Error| if disk_refused(&error) { NotSaved.into() } else { error })
    }
}

/// The key to open `path` with: none for a plain file, the passphrase for an
/// encrypted (or, where `may_create`, a new) one; refusals for the rest.
fn key_for<'a>(path: &Path, passphrase: Option<&'a str>, may_create: bool) -> Result<Option<&'a str>> {
    let refuse = |e: OpenError| Err(e.into());
    match (probe(path)?, passphrase) {
        (FileKind::Foreign, _) => refuse(OpenError::NotSaksgang { path: path.to_path_buf() }),
        (FileKind::New, _) if !may_create => refuse(OpenError::NotSaksgang { path: path.to_path_buf() }),
        (FileKind::Encrypted, None) => refuse(OpenError::PassphraseNeeded { path: path.to_path_buf() }),
        (FileKind::Plain, _) => Ok(None),
        (FileKind::New | FileKind::Encrypted, key) => Ok(key),
    }
}

/// Connects, keys and checks that the file is ours, reading only.
fn connect(path: &Path, flags: OpenFlags, key: Option<&str>) -> Result<Connection> {
    let conn = open_connection(path, flags).with_context(|| format!("cannot open {}", path.display()))?;
    // Another program may be writing: wait for it rather than fail, from the first read on.
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // SQLCipher logs to stderr by default, which would draw over the UI.
    let _ = conn.execute_batch("PRAGMA cipher_log_level = NONE;");
    if let Some(key) = key {
        // Must be the first statement; a wrong key shows only at the first read.
        conn.pragma_update(None, "key", key)?;
    }
    check_ours(&conn, path, key.is_some())?;
    Ok(conn)
}

/// Opens a connection only once SQLite is fully set up in this process.
fn open_connection(path: &Path, flags: OpenFlags) -> rusqlite::Result<Connection> {
    // SQLCipher registers `sqlcipher_export` for new connections at the very end of SQLite's
    // set-up; a thread that opens during that window gets a connection without it.
    static SET_UP: std::sync::Once = std::sync::Once::new();
    SET_UP.call_once(|| drop(Connection::open_in_memory()));
    Connection::open_with_flags(path, flags)
}

/// Refuses what is not a saksgang database of a version we know, reading only.
fn check_ours(conn: &Connection, path: &Path, keyed: bool) -> Result<()> {
    let not_ours = || OpenError::NotSaksgang { path: path.to_path_buf() };
    let tables: i64 = match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)) {
        Ok(n) => n,
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::NotADatabase => {
            return Err(if keyed { OpenError::WrongPassphrase { path: path.to_path_buf() } } else { not_ours() }.into());
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
