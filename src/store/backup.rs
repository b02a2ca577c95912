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
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("cannot remove {}", file.display()));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Whether `name` is a daily backup of the database `stem`: `STEM-YYYY-MM-DD.db`.
/// Copies made by `saksgang backup` carry the time too, and are never rotated.
fn is_daily(name: &str, stem: &str) -> bool {
    name.strip_prefix(stem)
        .and_then(|rest| rest.strip_prefix('-'))
        .and_then(|rest| rest.strip_suffix(".db"))
        .is_some_and(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok() && day.len() == 10)
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
    let stem = db.file_stem().map_or("saksgang".into(), |s| s.to_string_lossy().into_owned());
    let target = dir.join(format!("{stem}-{}.db", today.format("%Y-%m-%d")));
    if target.exists() {
        return Ok(None);
    }
    if !store.backup_until(&target, cancel)? {
        return Ok(None);
    }
    let mut daily: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().is_some_and(|n| is_daily(&n.to_string_lossy(), &stem)))
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
pub fn restore(source: &Path, db: &Path, passphrase: Option<&str>, stamp: &str) -> Result<Option<PathBuf>> {
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
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::is_daily;

    #[test]
    fn only_the_daily_copies_are_rotated() {
        assert!(is_daily("saksgang-2026-11-23.db", "saksgang"));
        assert!(!is_daily("saksgang-2026-11-23-101500.db", "saksgang"), "made by `saksgang backup`");
        assert!(!is_daily("saksgang-2026-13-23.db", "saksgang"));
        assert!(!is_daily("other-2026-11-23.db", "saksgang"));
        assert!(!is_daily(".saksgang-2026-11-23.db.partial", "saksgang"));
    }
}
