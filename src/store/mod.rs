//! The only place with SQL: opening the file, migrations, cases, audit.

mod audit;
mod backup;
mod cases;
mod check;
mod copies;
mod discussions;
mod erasure;
mod file;
mod list;
mod ppt;
mod records;
mod schema;
mod seals;
mod sync;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};
use zeroize::Zeroizing;

pub use backup::{backup_dir, daily_backup, manual_backup_path, restore};
pub use cases::{ConsentWarnings, StageCounts};
pub use check::{AuditBreak, AuditBreakReason, CheckReport};
pub use copies::{CopyFailure, copies_of};
pub use file::{FileKind, NotSaved, OpenError, Sharing, lock, probe, require_existing};
use file::{classify_open_error, disk_refused, is_busy};
pub use list::{CaseQuery, CaseRow, ListLine, Order, PptFilter, PptRow, StatusFilter};
pub use ppt::PptCounts;
pub use records::{CaseRecords, Sitting};
pub use schema::current_version;
pub use sync::{ImportReport, KitConflict, UnsettledConflicts};

/// SQLite's page cache, in KiB.
const PAGE_CACHE_KIB: u32 = 24 * 1024;

/// The page cache while a backup streams through.
const BACKUP_CACHE_KIB: u32 = 2 * 1024;

/// How often a backup is started again when the database changed as it was taken.
const BACKUP_TRIES: usize = 5;

/// How long a statement waits for another program's write to finish.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long an erasure waits for other programs' reads before it is left pending.
const PURGE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// An open case database.
pub struct Store {
    conn: Connection,
    /// Who the audit trail names for changes made through this store.
    actor: String,
    /// Kept to key backups like the database itself; zeroed when dropped.
    passphrase: Option<Zeroizing<String>>,
    encrypted: bool,
    /// The lock beside the database, held while the store is open (none for a copy
    /// opened only to be read).
    _lock: Option<std::fs::File>,
    path: PathBuf,
    /// Copies that an erasure could not reach (see `copies`).
    copies_unerased: Vec<CopyFailure>,
}

/// Whether `error` is a query stopped through `Store::interrupt_handle`.
pub fn is_interrupted(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<rusqlite::Error>()
            .is_some_and(|e| e.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted))
    })
}

impl Store {
    /// Opens (or creates) the database at `path`, beside other programs using it.
    /// A new file is encrypted with `passphrase` when one is given; an existing file
    /// is opened as it is (a plain file ignores the passphrase). A file of another
    /// program, of a newer version, or a wrong passphrase is refused before anything
    /// is written to the file.
    pub fn open(path: &Path, actor: &str, passphrase: Option<&str>) -> Result<Store> {
        Store::open_as(path, actor, passphrase, Sharing::Shared)
    }

    /// As `open`, with the database shared or held alone (see `Sharing`).
    pub fn open_as(path: &Path, actor: &str, passphrase: Option<&str>, sharing: Sharing) -> Result<Store> {
        let key = key_for(path, passphrase, true)?;
        let lock = lock(path, sharing)?;
        // SQLite gives its -wal and -shm files the database file's permissions.
        crate::files::create_private_file(path).map_err(|e| classify_open_error(e, path))?;
        // Programs creating the same new file at once meet locks the busy timeout
        // does not cover (changing the journal mode, the first schema): wait as for
        // any other write.
        let started = std::time::Instant::now();
        let mut store = loop {
            match Store::connect_writable(path, actor, key) {
                Err(e) if is_busy(&e) && started.elapsed() < BUSY_TIMEOUT => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                opened => break opened.map_err(|e| classify_open_error(e, path))?,
            }
        };
        store._lock = Some(lock);
        store.store_ppt_deadlines_once()?;
        store.finish_pending_purge()?;
        store.carry_erasures_to_copies();
        Ok(store)
    }

    fn connect_writable(path: &Path, actor: &str, key: Option<&str>) -> Result<Store> {
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
        ))?;
        let mut store = Store::from_connection(conn, path, actor, key);
        migrate(&mut store.conn)?;
        Ok(store)
    }

    /// Opens a file only to read it (a backup being checked): nothing is migrated
    /// or written, not even the journal mode.
    pub fn open_read_only(path: &Path, passphrase: Option<&str>) -> Result<Store> {
        let key = key_for(path, passphrase, false)?;
        let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY, key).map_err(|e| classify_open_error(e, path))?;
        Ok(Store::from_connection(conn, path, "", key))
    }

    /// A second connection to read the lists from on another thread, with the
    /// same page cache as the store's own: it never writes.
    pub fn open_reader(path: &Path, passphrase: Option<&str>) -> Result<Store> {
        let store = Store::open_read_only(path, passphrase)?;
        store.conn.execute_batch(&format!("PRAGMA query_only = ON; PRAGMA cache_size = -{PAGE_CACHE_KIB};"))?;
        Ok(store)
    }

    /// Stops a query running on this store's connection from another thread: it
    /// fails as interrupted (`is_interrupted`).
    pub fn interrupt_handle(&self) -> rusqlite::InterruptHandle {
        self.conn.get_interrupt_handle()
    }

    fn from_connection(conn: Connection, path: &Path, actor: &str, key: Option<&str>) -> Store {
        Store {
            conn,
            actor: actor.to_string(),
            passphrase: key.map(|k| Zeroizing::new(k.to_string())),
            encrypted: key.is_some(),
            _lock: None,
            path: path.to_path_buf(),
            copies_unerased: Vec::new(),
        }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn is_encrypted(&self) -> bool {
        self.encrypted
    }

    /// The passphrase this database was opened with, for another connection to it.
    pub fn passphrase(&self) -> Option<Zeroizing<String>> {
        self.passphrase.clone()
    }

    /// Re-encrypts the database with a new passphrase, and then its copies (see
    /// `copies`); the copies that could not be re-keyed are returned. Needs the
    /// database alone (`Sharing::Alone`).
    pub fn change_passphrase(&mut self, new: &str) -> Result<Vec<CopyFailure>> {
        anyhow::ensure!(self.encrypted, "the database is not encrypted: use `saksgang encrypt`");
        let old = self.passphrase.clone().context("an encrypted database has a passphrase")?;
        // Re-keying rewrites every page; done outside WAL so no old page stays behind.
        self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")?;
        self.conn.pragma_update(None, "rekey", new)?;
        self.conn.execute_batch("PRAGMA journal_mode = WAL;")?;
        self.passphrase = Some(Zeroizing::new(new.to_string()));
        // The database is re-keyed now: what keeps the copies from following is
        // named like a copy that could not be, never taken for a failed change.
        Ok(copies::rekey_copies(&self.path, &old, new).unwrap_or_else(|error| copies::folder_failed(&self.path, error)))
    }

    /// Copies the database to a new file at `target` with SQLite's online backup
    /// API: safe while other programs use it, and encrypted with the same key.
    pub fn backup_to(&self, target: &Path) -> Result<()> {
        self.backup_until(target, &std::sync::atomic::AtomicBool::new(false)).map(drop)
    }

    /// As `backup_to`, stopping cleanly when `cancel` is set: the copy is made under
    /// a temporary name and takes its own only once it is whole and on disk, so a
    /// stopped, killed or failed copy never passes for a backup. Whether it was made.
    pub fn backup_until(&self, target: &Path, cancel: &std::sync::atomic::AtomicBool) -> Result<bool> {
        anyhow::ensure!(!target.exists(), "{} exists already", target.display());
        crate::files::create_parent(target)?;
        let partial = backup::partial_name(target);
        backup::remove_partial(&partial)?;
        crate::files::create_private_file(&partial)?;
        let copy = || -> Result<bool> {
            let mut destination = open_connection(&partial, OpenFlags::default())?;
            let _ = destination.execute_batch("PRAGMA cipher_log_level = NONE;");
            if let Some(key) = &self.passphrase {
                destination.pragma_update(None, "key", key.as_str())?;
            }
            // Pages pass through once: no need to fill the large cache with them.
            self.conn.execute_batch(&format!("PRAGMA cache_size = -{BACKUP_CACHE_KIB};"))?;
            // Held until the copy has its name.
            let mut copies_lock = None;
            let copied = (|| -> Result<bool> {
                for _ in 0..BACKUP_TRIES {
                    let backup = rusqlite::backup::Backup::new(&self.conn, &mut destination)?;
                    let mut copied_version;
                    loop {
                        if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                            return Ok(false);
                        }
                        copied_version = data_version(&self.conn)?;
                        match backup.step(1024)? {
                            rusqlite::backup::StepResult::Done => break,
                            _ => std::thread::yield_now(),
                        }
                    }
                    drop(backup);
                    // An erasure committed after the last page was copied may have
                    // passed over the copies already, before this one had its name:
                    // then it is copied again.
                    copies_lock = copies::lock_copies(&self.path)?;
                    if data_version(&self.conn)? == copied_version {
                        return Ok(true);
                    }
                    copies_lock = None;
                }
                anyhow::bail!("the database kept changing while it was copied: try again")
            })();
            self.conn.execute_batch(&format!("PRAGMA cache_size = -{PAGE_CACHE_KIB};"))?;
            if copied.as_ref().is_ok_and(|whole| *whole) {
                // The chain's head as copied: entries removed later from the end of
                // the database show against it (`check`).
                destination.execute_batch("DELETE FROM copy_head;")?;
                destination.execute(
                    "INSERT INTO copy_head (made_at, last_id, last_hash)
                     SELECT ?1, coalesce(max(id), 0), coalesce((SELECT hash FROM audit ORDER BY id DESC LIMIT 1), '')
                     FROM audit",
                    [now_stamp()],
                )?;
            }
            // A backup is one file: no -wal or -shm appear beside it when it is read.
            destination.execute_batch("PRAGMA journal_mode = DELETE;")?;
            drop(destination);
            if !copied? {
                return Ok(false);
            }
            std::fs::File::open(&partial)?.sync_all()?;
            std::fs::rename(&partial, target)?;
            crate::files::sync_dir(target.parent().unwrap_or(Path::new(".")));
            Ok(true)
        };
        let made = copy();
        if !matches!(made, Ok(true)) {
            backup::remove_partial(&partial)?;
        }
        made.with_context(|| format!("cannot write the backup {}", target.display()))
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// After an erasure: secure_delete has overwritten the values in the pages
    /// written; this moves every page out of the WAL into the database file and
    /// empties the WAL, so no old copy of a page keeps them either. Another program
    /// reading an older state holds the checkpoint back: then the erasure stays
    /// noted as pending (`purge_pending`), and is finished by the next opening.
    /// Whether the old copies are gone.
    fn purge_old_pages(&self, wait: std::time::Duration) -> Result<bool> {
        self.conn.busy_timeout(wait)?;
        let checkpoint = || -> rusqlite::Result<bool> {
            self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| Ok(r.get::<_, i64>(0)? == 0))
        };
        let done = (|| -> rusqlite::Result<bool> {
            if !checkpoint()? {
                return Ok(false);
            }
            if self.conn.execute("DELETE FROM pending_purge", [])? > 0 {
                // The flag's own removal went through the WAL: empty it again.
                checkpoint()?;
            }
            Ok(true)
        })();
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        Ok(done?)
    }

    /// Whether an erasure is waiting for old copies of pages to leave the WAL.
    pub fn purge_pending(&self) -> Result<bool> {
        // A copy made before schema 7 has no such table, and nothing pending.
        if !self.has_table("pending_purge")? {
            return Ok(false);
        }
        Ok(self.conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM pending_purge)")?.query_row([], |r| r.get(0))?)
    }

    pub(super) fn has_table(&self, name: &str) -> Result<bool> {
        has_table(&self.conn, name)
    }

    /// An erasure left pending by an earlier program is finished now, if nobody
    /// holds it back any more (without waiting: other programs may be reading).
    fn finish_pending_purge(&self) -> Result<()> {
        if self.purge_pending()? {
            self.purge_old_pages(std::time::Duration::ZERO)?;
        }
        Ok(())
    }

    /// Runs `f` in one transaction: all of it is stored, or none.
    fn write<T>(&mut self, f: impl FnOnce(&Transaction, &str) -> Result<T>) -> Result<T> {
        // IMMEDIATE takes the write lock first (waiting for other programs); a
        // read that later turns into a write could fail at once in WAL mode.
        let pending_before = self.purge_pending()?;
        let copy_erasures_before = self.copy_erasures()?.len();
        let written = (|| {
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let before = audit::last_entry(&tx)?;
            let value = f(&tx, &self.actor)?;
            seals::seal_cases_since(&tx, before)?;
            tx.commit()?;
            Ok(value)
        })();
        let value =
            written.map_err(|error: anyhow::Error| if disk_refused(&error) { NotSaved.into() } else { error })?;
        // Something was erased: its old copies leave the WAL now (a purge already
        // held back by a reader is tried again without waiting).
        if self.purge_pending()? {
            self.purge_old_pages(if pending_before { std::time::Duration::ZERO } else { PURGE_WAIT })?;
        }
        if self.copy_erasures()?.len() > copy_erasures_before {
            self.carry_erasures_to_copies();
        }
        Ok(value)
    }
}

/// Encrypts the plain database at `db` with `passphrase` in place: an encrypted
/// copy is written beside it and checked before it replaces the plain file, and
/// then the plain copies of it are encrypted too (see `copies`). Refused while
/// another program has the database open. Returns the copies that could not be
/// encrypted; the database itself is encrypted or, on an error, left as it was.
pub fn encrypt_database(db: &Path, actor: &str, passphrase: &str) -> Result<Vec<CopyFailure>> {
    let _alone = lock(db, Sharing::Alone)?;
    let plain = Store::connect_writable(db, actor, None).map_err(|e| classify_open_error(e, db))?;
    anyhow::ensure!(!plain.encrypted, "the database is already encrypted");
    plain.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    let encrypted = copies::encrypted_beside(&plain.conn, db, passphrase)?;
    drop(plain);
    copies::replace_with(&encrypted, db)?;
    Ok(copies::encrypt_copies(db, passphrase).unwrap_or_else(|error| copies::folder_failed(db, error)))
}

/// Brings the schema of the database behind `conn` up to this program's.
fn migrate(conn: &mut Connection) -> Result<()> {
    loop {
        // The version is read under the write lock: another program opening the
        // same new file at the same moment must not apply a migration twice.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let applied: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let Some(sql) = schema::MIGRATIONS.get(applied as usize) else { return Ok(()) };
        tx.execute_batch(sql)?;
        if applied + 1 == schema::SEALED_FROM {
            seals::seal_all(&tx)?;
        }
        tx.pragma_update(None, "application_id", schema::APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", applied + 1)?;
        tx.commit()?;
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

/// Whether the database behind `conn` has the table `name` (a copy made by an
/// older version may not).
fn has_table(conn: &Connection, name: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)")?
        .query_row([name], |r| r.get(0))?)
}

/// Changes whenever another connection commits to the database.
fn data_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA data_version", [], |r| r.get(0))
}

/// A new version's id: random, so that it tells nothing of the content.
fn new_version_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// The time stamp written into the audit trail: RFC 3339 in UTC.
fn now_stamp() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
