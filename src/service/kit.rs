//! The visit-day kit as a use case: which cases go, gathered from the store,
//! sealed and written and noted as sent; read, checked and merged back in.
//! The file's format and its checks are the kit's own (`crate::kit`).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::Result;
use chrono::NaiveDate;
use uuid::Uuid;

use crate::files::write_private;
use crate::kit::{Kit, KitError, NothingToSend, Refused, read, seal};
use crate::store::{ImportReport, Store};

/// A kit file found to read in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundKit {
    pub path: PathBuf,
    pub modified: Option<SystemTime>,
}

/// At most this many kit files are offered; older ones are typed.
const OFFERED_KITS: usize = 20;

/// The kit files (`.age`) in `folders`, newest first, each once: what the
/// import offers to choose from. A folder that cannot be read offers nothing.
pub fn kit_files(folders: &[PathBuf]) -> Vec<FoundKit> {
    let mut found: Vec<FoundKit> = Vec::new();
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(folder) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let is_kit = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("age"));
            let Ok(meta) = entry.metadata() else { continue };
            let path = std::fs::canonicalize(&path).unwrap_or(path);
            if is_kit && meta.is_file() && !found.iter().any(|f| f.path == path) {
                found.push(FoundKit { path, modified: meta.modified().ok() });
            }
        }
    }
    found.sort_by(|a, b| b.modified.cmp(&a.modified).then_with(|| a.path.cmp(&b.path)));
    found.truncate(OFFERED_KITS);
    found
}

/// The cases a kit takes: those named by `references`, or where none are named,
/// those of `school` that concern PPT (`Store::kit_cases_of_school`).
pub fn cases_to_send(store: &Store, school: &str, references: &[String], today: NaiveDate) -> Result<Vec<Uuid>> {
    if references.is_empty() {
        let ids = store.kit_cases_of_school(school, today)?;
        if ids.is_empty() {
            anyhow::bail!(NothingToSend::NoneAtSchool(school.to_string()));
        }
        return Ok(ids);
    }
    references
        .iter()
        .map(|reference| match store.case_by_reference(reference)? {
            Some(case) => Ok(case.id),
            None => anyhow::bail!(NothingToSend::NoSuchCase(reference.clone())),
        })
        .collect()
}

/// What goes in a kit and for how long.
pub struct Selection<'a> {
    pub ids: &'a [Uuid],
    /// The school the cases were chosen by, if they were.
    pub school: Option<&'a str>,
    pub expires_on: NaiveDate,
    pub today: NaiveDate,
}

/// Writes the kit of the selected cases to `path`; returns the kit written.
pub fn export(store: &mut Store, selection: &Selection, passphrase: &str, path: &Path) -> Result<Kit> {
    let kit = gather(store, selection)?;
    let sealed = seal(&kit, passphrase)?;
    write_sealed(store, &kit, &sealed, path)?;
    Ok(kit)
}

/// The kit of the selected cases, as it will be sealed.
pub fn gather(store: &Store, selection: &Selection) -> Result<Kit> {
    let Selection { ids, school, expires_on, today } = *selection;
    store.kit_of(ids, school, expires_on, today)
}

/// Writes a sealed kit to `path` and records it as sent.
pub fn write_sealed(store: &mut Store, kit: &Kit, sealed: &[u8], path: &Path) -> Result<()> {
    write_private(path, sealed)?;
    // A kit the database does not know it sent would be merged back from an older
    // base: no file then, as if nothing had happened.
    if let Err(error) = store.note_kit_written(kit) {
        let _ = std::fs::remove_file(path);
        return Err(error);
    }
    Ok(())
}

/// Reads the kit at `path` and merges it into the database, all or nothing.
/// `today` judges its expiry and the consents in it; `consent_age` the pupil's own.
pub fn import(
    store: &mut Store,
    path: &Path,
    passphrase: &str,
    today: NaiveDate,
    consent_age: u32,
) -> Result<ImportReport> {
    let kit = read(path, passphrase, today, consent_age)?;
    merge_into(store, &kit, path, today, consent_age)
}

/// Merges a kit read from `path` into the database, all or nothing.
pub fn merge_into(
    store: &mut Store,
    kit: &Kit,
    path: &Path,
    today: NaiveDate,
    consent_age: u32,
) -> Result<ImportReport> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    store.import_kit(kit, &name, today, consent_age).map_err(|error| match error.downcast::<KitError>() {
        Ok(why) => Refused { path: path.to_path_buf(), why }.into(),
        Err(error) => error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kit_files_are_found_in_each_folder_once_newest_first() {
        let documents = tempfile::tempdir().unwrap();
        let here = tempfile::tempdir().unwrap();
        let older = documents.path().join("besokspakke-bjorka-2026-11-20.age");
        let newer = here.path().join("besokspakke-saker-2026-12-04.AGE");
        std::fs::write(&older, b"x").unwrap();
        std::fs::write(documents.path().join("referat.pdf"), b"x").unwrap();
        std::fs::create_dir(documents.path().join("mappe.age")).unwrap();
        std::fs::write(&newer, b"x").unwrap();
        let past = SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options().write(true).open(&older).unwrap().set_modified(past).unwrap();
        let folders = [documents.path().to_path_buf(), here.path().to_path_buf(), documents.path().to_path_buf()];
        let found: Vec<PathBuf> = kit_files(&folders).into_iter().map(|f| f.path).collect();
        let canonical = |p: &Path| std::fs::canonicalize(p).unwrap();
        assert_eq!(found, [canonical(&newer), canonical(&older)], "folders and other files are left out");
        assert!(kit_files(&[documents.path().join("finnes-ikke")]).is_empty());
    }
}
