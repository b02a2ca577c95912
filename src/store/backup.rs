//! Backups beside the database, and putting one back.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDate;

use super::{OpenError, Store};

/// Automatic backups live in this folder beside the database.
pub fn backup_dir(db: &Path) -> PathBuf {
    db.with_file_name("backups")
}

/// Makes today's automatic backup if there is none yet, and keeps the newest
/// `keep`. Returns the new file, if one was made.
pub fn daily_backup(store: &Store, db: &Path, today: NaiveDate, keep: usize) -> Result<Option<PathBuf>> {
    let dir = backup_dir(db);
    let stem = db.file_stem().map_or("saksgang".into(), |s| s.to_string_lossy().into_owned());
    let target = dir.join(format!("{stem}-{}.db", today.format("%Y-%m-%d")));
    if target.exists() {
        return Ok(None);
    }
    store.backup_to(&target)?;
    let prefix = format!("{stem}-");
    let mut backups: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&prefix)))
        .filter(|p| p.extension().is_some_and(|e| e == "db"))
        .collect();
    // The date in the name sorts them oldest first.
    backups.sort();
    let surplus = backups.len().saturating_sub(keep.max(1));
    for old in &backups[..surplus] {
        std::fs::remove_file(old).with_context(|| format!("cannot remove the old backup {}", old.display()))?;
    }
    Ok(Some(target))
}

/// Puts the backup at `source` in place of the database at `db`, after checking
/// it (it opens, passes integrity_check, has a schema this program knows and an
/// unbroken audit chain). The files it replaces are kept, renamed with `stamp`.
/// Returns the name the replaced database was given, if there was one.
pub fn restore(source: &Path, db: &Path, passphrase: Option<&str>, stamp: &str) -> Result<Option<PathBuf>> {
    {
        let backup = Store::open_read_only(source, passphrase)?;
        let report = backup.check()?;
        if !report.is_ok() {
            return Err(OpenError::NotSaksgang { path: source.to_path_buf() })
                .context(format!("the backup fails its check: {report:?}"));
        }
    }
    let mut kept = None;
    // The database and its WAL and shared-memory files go together: a WAL left
    // behind would be replayed into the restored file.
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", db.display()));
        if file.exists() {
            let renamed = PathBuf::from(format!("{}.replaced-{stamp}{suffix}", db.display()));
            std::fs::rename(&file, &renamed).with_context(|| format!("cannot move {} aside", file.display()))?;
            if suffix.is_empty() {
                kept = Some(renamed);
            }
        }
    }
    std::fs::copy(source, db).with_context(|| format!("cannot copy {} to {}", source.display(), db.display()))?;
    Ok(kept)
}
