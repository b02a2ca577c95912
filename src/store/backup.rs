//! Backups beside the database, and putting one back.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use std::sync::atomic::AtomicBool;

use super::{OpenError, Store};

/// Automatic backups live in this folder beside the database.
pub fn backup_dir(db: &Path) -> PathBuf {
    db.with_file_name("backups")
}

/// The name a backup is written under until it is whole: hidden, in the same folder.
pub(super) fn partial_name(target: &Path) -> PathBuf {
    let name = target.file_name().map_or("backup".into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.partial"))
}

/// Removes a copy that was stopped, with SQLite's journal of it.
pub(super) fn remove_partial(partial: &Path) -> Result<()> {
    for file in [partial.to_path_buf(), PathBuf::from(format!("{}-journal", partial.display()))] {
        crate::files::remove_if_present(&file)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BackupKind {
    /// `STEM-YYYY-MM-DD.db`: made at the first start of a day, rotated.
    Daily,
    /// `STEM-YYYY-MM-DD-HHMMSS.db`: made by `saksgang backup`, never rotated.
    Manual,
}

/// Which backup of the database `stem` a file named `name` is, if one at all.
pub(super) fn backup_kind(name: &str, stem: &str) -> Option<BackupKind> {
    let stamp = name.strip_prefix(stem)?.strip_prefix('-')?.strip_suffix(".db")?;
    let (day, time) = stamp.split_at_checked(10)?;
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
    match time.strip_prefix('-') {
        None if time.is_empty() => Some(BackupKind::Daily),
        Some(hms) if hms.len() == 6 && chrono::NaiveTime::parse_from_str(hms, "%H%M%S").is_ok() => {
            Some(BackupKind::Manual)
        }
        _ => None,
    }
}

/// The name of the database's file without `.db`: its backups are named after it.
pub(super) fn stem(db: &Path) -> String {
    db.file_stem().map_or("saksgang".into(), |s| s.to_string_lossy().into_owned())
}

/// Where `saksgang backup` writes when no path is given.
pub fn manual_backup_path(db: &Path, now: chrono::NaiveDateTime) -> PathBuf {
    backup_dir(db).join(format!("{}-{}.db", stem(db), now.format("%Y-%m-%d-%H%M%S")))
}

/// Makes today's automatic backup if there is none yet, and keeps the newest
/// `keep` daily ones. Returns the new file, if one was made; none when `cancel`
/// was set before the copy was whole (nothing is left of it then).
pub fn daily_backup(
    store: &Store,
    db: &Path,
    today: NaiveDate,
    keep: usize,
    cancel: &AtomicBool,
) -> Result<Option<PathBuf>> {
    let dir = backup_dir(db);
    let stem = stem(db);
    let target = dir.join(format!("{stem}-{}.db", today.format("%Y-%m-%d")));
    if target.exists() {
        return Ok(None);
    }
    if !store.backup_until(&target, cancel)? {
        return Ok(None);
    }
    let mut daily: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().is_some_and(|n| backup_kind(&n.to_string_lossy(), &stem) == Some(BackupKind::Daily)))
        .collect();
    // The date in the name sorts them oldest first.
    daily.sort();
    let surplus = daily.len().saturating_sub(keep.max(1));
    for old in &daily[..surplus] {
        std::fs::remove_file(old).with_context(|| format!("cannot remove the old backup {}", old.display()))?;
    }
    Ok(Some(target))
}

/// Puts the backup at `source` in place of the database at `db`, after checking
/// it (it opens, passes integrity_check, has a schema this program knows and an
/// unbroken audit chain). The files it replaces are kept, renamed with `stamp`.
/// Returns the name the replaced database was given, if there was one.
pub fn restore(
    source: &Path,
    db: &Path,
    actor: &str,
    passphrase: Option<&str>,
    stamp: &str,
) -> Result<Option<PathBuf>> {
    // Screens or a script still using the file would go on writing into the one
    // moved aside: refused while anybody else has it open.
    let _alone = super::lock(db, super::Sharing::Alone)?;
    {
        let backup = Store::open_read_only(source, passphrase)?;
        let report = backup.check()?;
        if !report.is_ok() {
            return Err(OpenError::NotSaksgang { path: source.to_path_buf() })
                .context(format!("the backup fails its check: {report:?}"));
        }
    }
    // Erasures the database has not yet carried into every copy: the restored
    // file may be one of those copies, and the others must still be reached.
    let pending = match db.exists() {
        true => Store::open_read_only(db, passphrase).and_then(|current| current.copy_erasures()).unwrap_or_default(),
        false => Vec::new(),
    };
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
    let bytes = std::fs::read(source).with_context(|| format!("cannot read {}", source.display()))?;
    crate::files::write_private(db, &bytes)?;
    // The log says it was put back, so that `check` holds it only to copies made
    // since (older ones may hold entries it never had); it is a copy no more.
    let mut restored = Store::connect_writable(db, actor, super::key_for(db, passphrase, false)?)?;
    restored.write(|tx, actor| {
        tx.execute_batch("DELETE FROM copy_head;")?;
        super::erasure::erase_where_named(tx, actor, &pending)?;
        for case in &pending {
            tx.execute("INSERT OR IGNORE INTO pending_copy_erasure (case_id) VALUES (?1)", [case])?;
        }
        super::audit::append_at(tx, &super::now_stamp(), actor, None, "restored", &serde_json::json!({}))
    })?;
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::{BackupKind, backup_kind};

    #[test]
    fn backups_are_told_by_their_names() {
        assert_eq!(backup_kind("saksgang-2026-11-23.db", "saksgang"), Some(BackupKind::Daily));
        assert_eq!(backup_kind("saksgang-2026-11-23-101500.db", "saksgang"), Some(BackupKind::Manual));
        assert_eq!(backup_kind("saksgang-2026-13-23.db", "saksgang"), None);
        assert_eq!(backup_kind("saksgang-2026-11-23-256100.db", "saksgang"), None);
        assert_eq!(backup_kind("other-2026-11-23.db", "saksgang"), None);
        assert_eq!(backup_kind(".saksgang-2026-11-23.db.partial", "saksgang"), None);
        // Another database in the same folder, whose name starts like this one's.
        assert_eq!(backup_kind("saksgang-2026-2026-11-23.db", "saksgang"), None);
        assert_eq!(backup_kind("saksgang-2026-2026-11-23.db", "saksgang-2026"), Some(BackupKind::Daily));
    }
}
