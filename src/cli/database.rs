//! Commands on the database file itself: encrypt, change the passphrase, restore.

use std::io::Write;

use age::secrecy::ExposeSecret;
use anyhow::Result;

use crate::config::Settings;
use crate::i18n::{Catalog, Explained};
use crate::service::wording;
use crate::store::{CopyFailure, FileKind, OpenError, Sharing, Store, encrypt_database, probe, restore};
use crate::unlock::{ask_new, checked_new, open_store_as};

/// Plain → encrypted: an encrypted copy is written beside the file and checked
/// (it opens with the passphrase, passes integrity_check and holds as many cases
/// and log entries) before it replaces the plain file.
pub(super) fn encrypt(settings: &Settings, catalog: &Catalog, out: &mut impl Write) -> Result<()> {
    let path = &settings.db_path;
    let shown = path.display().to_string();
    match probe(path)? {
        FileKind::Plain => {}
        FileKind::Encrypted => return Err(Explained(catalog.f("unlock.already_encrypted", &[("path", &shown)])).into()),
        FileKind::New => return Err(Explained(catalog.f("unlock.nothing_to_encrypt", &[("path", &shown)])).into()),
        FileKind::Foreign => return Err(OpenError::NotSaksgang { path: path.clone() }.into()),
    }
    let passphrase = match &settings.passphrase {
        Some(given) => checked_new(given.expose_secret(), catalog)?,
        None => ask_new(catalog, &catalog.f("unlock.encrypt_intro", &[("path", &shown)]))?,
    };
    let unencrypted = encrypt_database(path, &settings.actor, &passphrase)
        .map_err(|error| error.context(catalog.t("unlock.encrypt_failed").to_string()))?;
    writeln!(out, "{}", catalog.f("unlock.encrypted", &[("path", &shown)]))?;
    copies_treated(&unencrypted, "unlock.copies_not_encrypted", catalog)
}

/// Copies of the database that could not be treated like it are named, with why,
/// and make the command fail: the user has something left to do.
fn copies_treated(failed: &[CopyFailure], key: &str, catalog: &Catalog) -> Result<()> {
    match wording::copies_failed(catalog, failed, key) {
        Some(message) => Err(Explained(message).into()),
        None => Ok(()),
    }
}

pub(super) fn change_passphrase(settings: &Settings, catalog: &Catalog, out: &mut impl Write) -> Result<()> {
    let path = &settings.db_path;
    let shown = path.display().to_string();
    if probe(path)? != FileKind::Encrypted {
        return Err(Explained(catalog.f("unlock.not_encrypted", &[("path", &shown)])).into());
    }
    let mut store = open_store_as(settings, catalog, Sharing::Alone)?;
    let new = match std::env::var("SAKSGANG_NEW_PASSPHRASE").ok().filter(|p| !p.is_empty()) {
        Some(given) => checked_new(&given, catalog)?,
        None => ask_new(catalog, catalog.t("unlock.rekey_intro"))?,
    };
    let not_rekeyed = store.change_passphrase(&new)?;
    drop(store);
    Store::open(path, &settings.actor, Some(&new))?;
    writeln!(out, "{}", catalog.f("unlock.rekeyed", &[("path", &shown)]))?;
    copies_treated(&not_rekeyed, "unlock.copies_not_rekeyed", catalog)
}

/// The backup is checked before anything is replaced; the replaced files are kept.
pub(super) fn restore_backup(
    source: &std::path::Path,
    settings: &Settings,
    catalog: &Catalog,
    out: &mut impl Write,
) -> Result<()> {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S").to_string();
    let kept = restore(
        source,
        &settings.db_path,
        &settings.actor,
        settings.passphrase.as_ref().map(|p| p.expose_secret()),
        &stamp,
    )?;
    let restored = catalog.f("backup.restored", &[("path", &source.display().to_string())]);
    writeln!(out, "{restored}")?;
    if let Some(kept) = kept {
        writeln!(out, "{}", catalog.f("backup.kept", &[("path", &kept.display().to_string())]))?;
    }
    Ok(())
}
