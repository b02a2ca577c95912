//! The database file before it is a store: what kind of file it is, the lock that
//! keeps a second program out, and why opening or writing it was refused.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rusqlite::ErrorCode;

/// Why a file was not opened. Nothing in the file is changed in any of these cases.
/// The messages are English for logs and tests; users read the catalogue's wording.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// Not an SQLite file at all, or an SQLite file of another program.
    #[error("{} is not a saksgang database", path.display())]
    NotSaksgang { path: PathBuf },
    /// Written by a newer saksgang whose schema this one does not know.
    #[error("{} was written by a newer saksgang (schema {found}, this program knows {supported})", path.display())]
    NewerVersion { path: PathBuf, found: i64, supported: i64 },
    /// The file is encrypted and no passphrase was given.
    #[error("{} is encrypted: a passphrase is needed", path.display())]
    PassphraseNeeded { path: PathBuf },
    /// The passphrase does not open the file (or it is not a saksgang database).
    #[error("the passphrase does not open {}", path.display())]
    WrongPassphrase { path: PathBuf },
    /// A folder was given where the database file should be.
    #[error("{} is a folder, not a database file", path.display())]
    IsFolder { path: PathBuf },
    /// A command that only reads was given a file that does not exist.
    #[error("{} does not exist", path.display())]
    DoesNotExist { path: PathBuf },
    /// The file, or the folder it is in, may not be written by this user.
    #[error("{} cannot be written by this user", path.display())]
    ReadOnly { path: PathBuf },
    /// The disk is full or will not take the files SQLite needs beside the database.
    #[error("the disk will not take writes beside {}", path.display())]
    CannotWrite { path: PathBuf },
    /// An SQLite file of ours that is damaged (cut short, overwritten).
    #[error("{} is damaged", path.display())]
    Damaged { path: PathBuf },
    /// Another saksgang (the screens, or a command) has the file open: it may not be
    /// replaced or re-encrypted under it.
    #[error("{} is open in another saksgang", path.display())]
    InUse { path: PathBuf },
}

/// A change could not be written: the disk is full or refuses writes. The
/// transaction was rolled back, so nothing of it is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the change was not saved: the disk is full or cannot be written")]
pub struct NotSaved;

/// Whether SQLite failed because the disk would not take the write.
pub(super) fn disk_refused(error: &anyhow::Error) -> bool {
    sqlite_failed_with(error, &[ErrorCode::DiskFull, ErrorCode::SystemIoFailure])
}

/// Whether SQLite failed somewhere in `error`'s chain with one of `codes`.
pub(super) fn sqlite_failed_with(error: &anyhow::Error, codes: &[ErrorCode]) -> bool {
    error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<rusqlite::Error>(),
            Some(rusqlite::Error::SqliteFailure(e, _)) if codes.contains(&e.code)
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
    if path.is_dir() {
        return Err(OpenError::IsFolder { path: path.to_path_buf() }.into());
    }
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

/// Whether a database file is there to be opened (commands that only read or change
/// existing cases refuse to create one where a path was mistyped).
pub fn require_existing(path: &Path) -> Result<()> {
    match probe(path)? {
        FileKind::New if !path.exists() => Err(OpenError::DoesNotExist { path: path.to_path_buf() }.into()),
        _ => Ok(()),
    }
}

/// The file beside the database that every saksgang using it holds a shared lock
/// on; replacing or re-encrypting the file needs it alone.
fn lock_path(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}.lock", db.display()))
}

/// Who may use the database while this store is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharing {
    /// Others may use it too (the screens beside a script).
    Shared,
    /// Nobody else: the file is about to be replaced or re-keyed.
    Alone,
}

/// Takes the lock beside `db`: shared waits for an exclusive holder to finish;
/// alone is refused at once while anybody else holds it.
pub fn lock(db: &Path, sharing: Sharing) -> Result<std::fs::File> {
    crate::files::create_parent(db)?;
    let path = lock_path(db);
    crate::files::create_private_file(&path).map_err(|e| classify_open_error(e, db))?;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match sharing {
        Sharing::Shared => file.lock_shared().with_context(|| format!("cannot lock {}", path.display()))?,
        Sharing::Alone => file.try_lock().map_err(|e| match e {
            std::fs::TryLockError::WouldBlock => anyhow::Error::from(OpenError::InUse { path: db.to_path_buf() }),
            std::fs::TryLockError::Error(e) => {
                anyhow::Error::from(e).context(format!("cannot lock {}", path.display()))
            }
        })?,
    }
    Ok(file)
}

/// Words the raw errors of opening a file as the user can act on them.
pub(super) fn classify_open_error(error: anyhow::Error, path: &Path) -> anyhow::Error {
    if error.downcast_ref::<OpenError>().is_some() {
        return error;
    }
    let path = path.to_path_buf();
    for cause in error.chain() {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                    return OpenError::ReadOnly { path }.into();
                }
                std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                    return OpenError::CannotWrite { path }.into();
                }
                std::io::ErrorKind::IsADirectory => return OpenError::IsFolder { path }.into(),
                _ => {}
            }
        }
        if let Some(rusqlite::Error::SqliteFailure(e, _)) = cause.downcast_ref::<rusqlite::Error>() {
            match e.code {
                ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied => {
                    return OpenError::ReadOnly { path }.into();
                }
                ErrorCode::DiskFull | ErrorCode::SystemIoFailure => return OpenError::CannotWrite { path }.into(),
                ErrorCode::DatabaseCorrupt => return OpenError::Damaged { path }.into(),
                _ => {}
            }
        }
    }
    error
}

/// Whether SQLite was busy with another program (waiting for it may help).
pub(super) fn is_busy(error: &anyhow::Error) -> bool {
    sqlite_failed_with(error, &[ErrorCode::DatabaseBusy, ErrorCode::DatabaseLocked])
}
