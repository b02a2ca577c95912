//! Files and folders the program writes: the user's alone (0600, folders 0700 on
//! Unix; Windows keeps them in the user's own profile folders), and written whole
//! or not at all.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// For the whole process, before anything is written: files and folders created
/// from now on (SQLite's `-wal` and `-shm` included) are readable by the user
/// only, and a crash leaves no core dump holding a passphrase or a pupil's name.
pub fn protect_process() {
    #[cfg(unix)]
    // SAFETY: umask and setrlimit only change this process's own settings; they
    // are called at start, before any other thread exists.
    unsafe {
        libc::umask(0o077);
        let none = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        libc::setrlimit(libc::RLIMIT_CORE, &none);
    }
}

/// Creates `dir` and any missing parents, each new one for the user only.
pub fn create_private_dir_all(dir: &Path) -> Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).with_context(|| format!("cannot create the folder {}", dir.display()))
}

/// Creates the folder a file goes in.
pub fn create_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(dir) => create_private_dir_all(dir),
        None => Ok(()),
    }
}

/// Creates an empty file for the user only if there is none at `path` yet, so that
/// whatever opens it next (SQLite) writes into a private file.
pub fn create_private_file(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot create {}", path.display())),
    }
}

/// Writes `bytes` to `path` through a private temporary file in the same folder,
/// synced to disk before it takes the name: a full disk or a killed process never
/// leaves half a file under the real name, nor a file others can read.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    create_parent(path)?;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let written = (|| -> std::io::Result<()> {
        // tempfile creates the file 0600 under a name of its own.
        let mut file = tempfile::Builder::new().prefix(".saksgang-").suffix(".partial").tempfile_in(dir)?;
        file.write_all(bytes)?;
        file.as_file().sync_all()?;
        file.persist(path).map_err(|e| e.error)?;
        sync_dir(dir);
        Ok(())
    })();
    written.with_context(|| format!("cannot write {}", path.display()))
}

/// Removes the file at `path`; one that is not there is no error.
pub fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// Makes a rename in `dir` durable (best effort: not every platform can).
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_written_file_is_whole_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new/folder/a.md");
        write_private(&path, b"hei").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"hei");
        write_private(&path, b"igjen").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"igjen");
        let left: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file stays behind");
        #[cfg(unix)]
        {
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(&dir.path().join("new")), 0o700);
            assert_eq!(mode(&dir.path().join("new/folder")), 0o700);
        }
    }

    #[test]
    fn a_file_that_cannot_be_written_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let taken = dir.path().join("folder");
        std::fs::create_dir(&taken).unwrap();
        assert!(write_private(&taken, b"x").is_err(), "a folder has the name");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
