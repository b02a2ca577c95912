//! The copies of the database this program made beside it: the backups in
//! `backups/` (daily ones and `saksgang backup`'s) and the files a restore moved
//! aside. An erasure reaches them too, and `encrypt` and `passphrase` treat them
//! like the database, so no copy keeps a name the database no longer holds, stays
//! plain beside an encrypted database, or opens with a passphrase given up.
//! Copies written anywhere else (`saksgang backup PATH`, a copy by hand) are the
//! user's to treat: the README says so.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::backup::{backup_dir, backup_kind, partial_name, remove_partial, stem};
use super::erasure::erase_where_named;
use super::{FileKind, Store, audit, connect, key_for, migrate, probe};

/// A copy that could not be treated, and why (it opens with another passphrase,
/// it is damaged, the disk refused). It is named to the user.
#[derive(Debug)]
pub struct CopyFailure {
    pub path: PathBuf,
    pub error: anyhow::Error,
}

/// The copies could not even be listed or locked: the backups folder is named.
pub(super) fn folder_failed(db: &Path, error: anyhow::Error) -> Vec<CopyFailure> {
    vec![CopyFailure { path: backup_dir(db), error }]
}

/// The copies of `db` this program made, by name.
pub fn copies_of(db: &Path) -> Result<Vec<PathBuf>> {
    let stem = stem(db);
    let mut copies = files_in(&backup_dir(db), |name| backup_kind(name, &stem).is_some())?;
    let moved_aside = format!("{}.replaced-", db.file_name().map(|n| n.to_string_lossy()).unwrap_or_default());
    let folder = db.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    copies.extend(files_in(folder, |name| {
        name.starts_with(&moved_aside) && !name.ends_with("-wal") && !name.ends_with("-shm")
    })?);
    copies.sort();
    Ok(copies)
}

fn files_in(folder: &Path, wanted: impl Fn(&str) -> bool) -> Result<Vec<PathBuf>> {
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(folder).with_context(|| format!("cannot read the folder {}", folder.display()))?;
    Ok(entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file() && path.file_name().is_some_and(|n| wanted(&n.to_string_lossy())))
        .collect())
}

/// Held while copies are listed and treated, and while a new backup takes its
/// name: a backup taken just before an erasure must not appear after the
/// erasure's pass over the copies has looked (see `Store::backup_until`). None
/// where there is no backups folder: no backup is being written into it then.
pub(super) fn lock_copies(db: &Path) -> Result<Option<std::fs::File>> {
    let folder = backup_dir(db);
    if !folder.is_dir() {
        return Ok(None);
    }
    let path = folder.join(format!(".{}.lock", stem(db)));
    crate::files::create_private_file(&path)?;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    file.lock().with_context(|| format!("cannot lock {}", path.display()))?;
    Ok(Some(file))
}

/// Opens a copy to change it: one file (no WAL beside it, a WAL a restore moved
/// aside with it is taken in first), freed space overwritten, schema brought up
/// to date like the database's own.
fn open_copy(path: &Path, key: Option<&str>) -> Result<Connection> {
    let key = key_for(path, key, false)?;
    let mut conn = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE, key)?;
    conn.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA secure_delete = ON; PRAGMA foreign_keys = ON;")?;
    migrate(&mut conn)?;
    Ok(conn)
}

impl Store {
    /// Erasures not yet carried into every copy are carried there now: each case's
    /// names are scrubbed as in the database, with an entry in the copy's log.
    /// Copies that cannot be opened keep the erasure pending for the next opening,
    /// and are named by `copies_holding_erased`.
    pub(super) fn erase_in_copies(&mut self) -> Result<()> {
        let cases = self.copy_erasures()?;
        if cases.is_empty() {
            self.copies_unerased.clear();
            return Ok(());
        }
        let key = self.passphrase.as_deref().map(String::as_str);
        let failed = treat_copies(&self.path, |copy| erase_in_copy(copy, key, &self.actor, &cases))?;
        if failed.is_empty() {
            let mut done = self.conn.prepare_cached("DELETE FROM pending_copy_erasure WHERE case_id = ?1")?;
            for case in &cases {
                done.execute([case])?;
            }
        }
        self.copies_unerased = failed;
        Ok(())
    }

    /// As `erase_in_copies`, after a change that is stored already: what keeps it
    /// from the copies (the backups folder cannot be read, say) is named like a
    /// copy that did not open, never taken for a failed change.
    pub(super) fn carry_erasures_to_copies(&mut self) {
        if let Err(error) = self.erase_in_copies() {
            self.copies_unerased = folder_failed(&self.path, error);
        }
    }

    /// The cases whose erasure has not yet reached every copy.
    pub(super) fn copy_erasures(&self) -> Result<Vec<String>> {
        if !self.has_table("pending_copy_erasure")? {
            return Ok(Vec::new());
        }
        let mut pending = self.conn.prepare_cached("SELECT case_id FROM pending_copy_erasure")?;
        Ok(pending.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)
    }

    /// Copies that still hold a name erased from the database.
    pub fn copies_holding_erased(&self) -> &[CopyFailure] {
        &self.copies_unerased
    }
}

/// Scrubs `cases` in the copy at `path` where it still names them.
fn erase_in_copy(path: &Path, key: Option<&str>, actor: &str, cases: &[String]) -> Result<()> {
    let mut conn = open_copy(path, key)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let before = audit::last_entry(&tx)?;
    erase_where_named(&tx, actor, cases)?;
    // A copy has no WAL for old pages to linger in, and no copies of its own.
    tx.execute_batch("DELETE FROM pending_purge; DELETE FROM pending_copy_erasure;")?;
    super::seals::seal_cases_since(&tx, before)?;
    tx.commit()?;
    Ok(())
}

/// Writes an encrypted copy of the plain database behind `conn` (whose file is
/// `source`) beside it, and checks it: it opens with `passphrase`, passes
/// integrity_check and holds as many cases and log entries. Returns where it is;
/// nothing is left of it when it fails.
pub(super) fn encrypted_beside(conn: &Connection, source: &Path, passphrase: &str) -> Result<PathBuf> {
    let target = partial_name(source);
    remove_partial(&target)?;
    crate::files::create_private_file(&target)?;
    let written = (|| -> Result<()> {
        conn.execute(
            "ATTACH DATABASE ?1 AS encrypted KEY ?2",
            rusqlite::params![target.to_string_lossy(), passphrase],
        )?;
        let exported = conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()));
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let marked = conn.execute_batch(&format!(
            "PRAGMA encrypted.user_version = {version}; PRAGMA encrypted.application_id = {};",
            super::schema::APPLICATION_ID
        ));
        conn.execute_batch("DETACH DATABASE encrypted;")?;
        exported?;
        marked?;
        let copy = Store::open_read_only(&target, Some(passphrase))?;
        let problems = copy.integrity_problems()?;
        anyhow::ensure!(problems.is_empty(), "integrity_check: {}", problems.join("; "));
        anyhow::ensure!(row_counts(conn)? == copy.row_counts()?, "the encrypted copy is not complete");
        std::fs::File::open(&target)?.sync_all()?;
        Ok(())
    })();
    if let Err(error) = written {
        remove_partial(&target)?;
        return Err(error.context(format!("cannot write an encrypted copy of {}", source.display())));
    }
    Ok(target)
}

/// Puts the checked copy `encrypted` in place of `plain`, with the plain file's
/// WAL and shared memory (the connection to it is closed by now).
pub(super) fn replace_with(encrypted: &Path, plain: &Path) -> Result<()> {
    for suffix in ["-wal", "-shm", "-journal"] {
        crate::files::remove_if_present(&PathBuf::from(format!("{}{suffix}", plain.display())))?;
    }
    std::fs::rename(encrypted, plain).with_context(|| format!("cannot replace {}", plain.display()))?;
    crate::files::sync_dir(plain.parent().unwrap_or(Path::new(".")));
    Ok(())
}

/// Runs `treat` on every copy of `db`, under the copies' lock; the copies it
/// failed on, each with why.
fn treat_copies(db: &Path, mut treat: impl FnMut(&Path) -> Result<()>) -> Result<Vec<CopyFailure>> {
    let _copies = lock_copies(db)?;
    let mut failed = Vec::new();
    for copy in copies_of(db)? {
        if let Err(error) = treat(&copy) {
            failed.push(CopyFailure { path: copy, error });
        }
    }
    Ok(failed)
}

/// Puts an encrypted copy of the plain copy at `copy` in its place, checked.
fn encrypt_copy(copy: &Path, passphrase: &str) -> Result<()> {
    let conn = open_copy(copy, None)?;
    let written = encrypted_beside(&conn, copy, passphrase)?;
    drop(conn);
    replace_with(&written, copy)
}

/// The database at `db` has just been encrypted with `passphrase`: its plain
/// copies are encrypted the same way. Copies encrypted already are left as they are.
pub(super) fn encrypt_copies(db: &Path, passphrase: &str) -> Result<Vec<CopyFailure>> {
    treat_copies(db, |copy| match probe(copy)? {
        FileKind::Plain => encrypt_copy(copy, passphrase),
        _ => Ok(()),
    })
}

/// The database at `db` was re-keyed from `old` to `new`: so are its copies
/// (plain ones are encrypted with `new`). A copy that does not open with `old`
/// (made under an earlier passphrase) is named, and left as it is.
pub(super) fn rekey_copies(db: &Path, old: &str, new: &str) -> Result<Vec<CopyFailure>> {
    treat_copies(db, |copy| match probe(copy)? {
        FileKind::Plain => encrypt_copy(copy, new),
        _ => {
            let rekeyed = open_copy(copy, Some(old)).and_then(|conn| Ok(conn.pragma_update(None, "rekey", new)?));
            // A copy already keyed with `new` (an earlier run stopped part way) does not open with `old`.
            match rekeyed {
                Err(_) if Store::open_read_only(copy, Some(new)).is_ok() => Ok(()),
                other => other,
            }
        }
    })
}

impl Store {
    /// Cases and audit entries, to compare a copy with its original.
    pub fn row_counts(&self) -> Result<(i64, i64)> {
        row_counts(&self.conn)
    }
}

/// How many cases and log entries the database behind `conn` holds.
fn row_counts(conn: &rusqlite::Connection) -> Result<(i64, i64)> {
    Ok(conn.query_row("SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM audit)", [], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?)
}
