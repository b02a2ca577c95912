//! Getting the passphrase: from `SAKSGANG_PASSPHRASE`, or typed at a prompt that
//! does not echo. This is the only place that asks; the store only takes it.

use std::io::{IsTerminal, Write};

use age::secrecy::ExposeSecret;
use anyhow::{Result, bail};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::crossterm::terminal::{disable_raw_mode, enable_raw_mode};
use zeroize::Zeroizing;

use crate::config::Settings;
use crate::i18n::{Catalog, Explained};
use crate::store::{FileKind, OpenError, Sharing, Store, probe};

/// Shorter passphrases are refused for new databases.
pub const MIN_PASSPHRASE: usize = 8;

/// How many times a person may type the passphrase of an existing database.
const TRIES: usize = 3;

/// Opens the database of `settings`, asking for what it needs.
pub fn open_store(settings: &Settings, catalog: &Catalog) -> Result<Store> {
    open_store_as(settings, catalog, Sharing::Shared)
}

/// As `open_store`, shared with other programs or held alone.
pub fn open_store_as(settings: &Settings, catalog: &Catalog, sharing: Sharing) -> Result<Store> {
    let mut store = unlock(settings, catalog, sharing)?;
    // PPT's deadlines are sorted by as the settings' periods make them.
    store.use_ppt_periods(settings.ppt_periods)?;
    Ok(store)
}

fn unlock(settings: &Settings, catalog: &Catalog, sharing: Sharing) -> Result<Store> {
    let path = &settings.db_path;
    let open = |passphrase: Option<&str>| Store::open_as(path, &settings.actor, passphrase, sharing);
    match probe(path)? {
        FileKind::Plain | FileKind::Foreign => open(None),
        FileKind::New if settings.no_encryption => {
            eprintln!("{}", catalog.f("unlock.unencrypted_warning", &[("path", &path.display().to_string())]));
            open(None)
        }
        FileKind::New => {
            let passphrase = match &settings.passphrase {
                Some(given) => checked_new(given.expose_secret(), catalog)?,
                None => ask_new(catalog, &catalog.f("unlock.new_intro", &[("path", &path.display().to_string())]))?,
            };
            open(Some(&passphrase))
        }
        FileKind::Encrypted => {
            if let Some(given) = &settings.passphrase {
                return open(Some(given.expose_secret()));
            }
            if !std::io::stdin().is_terminal() {
                return Err(OpenError::PassphraseNeeded { path: path.clone() }.into());
            }
            let prompt = catalog.f("unlock.prompt", &[("path", &path.display().to_string())]);
            // No echo for the whole dialogue: keys typed ahead while a passphrase
            // is being tried must not show either.
            let _no_echo = NoEcho::start()?;
            for attempt in 1..=TRIES {
                let typed = read_hidden(&prompt, catalog)?;
                match open(Some(&typed)) {
                    Err(e)
                        if attempt < TRIES && matches!(e.downcast_ref(), Some(OpenError::WrongPassphrase { .. })) =>
                    {
                        say(catalog.t("unlock.wrong"));
                    }
                    result => return result,
                }
            }
            unreachable!("the last try returns")
        }
    }
}

/// A new passphrase, typed twice, after `intro` (or from `SAKSGANG_NEW_PASSPHRASE`
/// when re-keying from a script).
pub fn ask_new(catalog: &Catalog, intro: &str) -> Result<Zeroizing<String>> {
    if !std::io::stdin().is_terminal() {
        bail!(Explained(catalog.t("unlock.no_terminal").into()));
    }
    let _no_echo = NoEcho::start()?;
    say(intro);
    loop {
        let first = read_hidden(catalog.t("unlock.new_prompt"), catalog)?;
        if first.chars().count() < MIN_PASSPHRASE {
            say(&catalog.f("unlock.too_short", &[("n", &MIN_PASSPHRASE.to_string())]));
            continue;
        }
        if *read_hidden(catalog.t("unlock.repeat_prompt"), catalog)? == *first {
            return Ok(first);
        }
        say(catalog.t("unlock.mismatch"));
    }
}

/// A passphrase given by the environment for a new database, held to the same rule.
pub fn checked_new(given: &str, catalog: &Catalog) -> Result<Zeroizing<String>> {
    if given.chars().count() < MIN_PASSPHRASE {
        bail!(Explained(catalog.f("unlock.too_short", &[("n", &MIN_PASSPHRASE.to_string())])));
    }
    Ok(Zeroizing::new(given.to_string()))
}

/// The passphrase for a kit being written: from `SAKSGANG_KIT_PASSPHRASE`, or
/// chosen at the prompt and typed twice.
pub fn new_kit_passphrase(catalog: &Catalog) -> Result<Zeroizing<String>> {
    if let Some(given) = kit_passphrase_from_env() {
        return checked_new(&given, catalog);
    }
    if !std::io::stdin().is_terminal() {
        bail!(Explained(catalog.t("kit.passphrase_needed").into()));
    }
    ask_new(catalog, catalog.t("kit.passphrase_intro"))
}

/// The passphrase of a kit being read: from `SAKSGANG_KIT_PASSPHRASE`, or typed.
pub fn kit_passphrase(catalog: &Catalog, path: &std::path::Path) -> Result<Zeroizing<String>> {
    if let Some(given) = kit_passphrase_from_env() {
        return Ok(Zeroizing::new(given));
    }
    if !std::io::stdin().is_terminal() {
        bail!(Explained(catalog.t("kit.passphrase_needed").into()));
    }
    let _no_echo = NoEcho::start()?;
    read_hidden(&catalog.f("kit.passphrase_prompt", &[("path", &path.display().to_string())]), catalog)
}

fn kit_passphrase_from_env() -> Option<String> {
    std::env::var("SAKSGANG_KIT_PASSPHRASE").ok().filter(|p| !p.is_empty())
}

/// The terminal in raw mode: nothing typed is echoed until this is dropped.
struct NoEcho;

impl NoEcho {
    fn start() -> Result<NoEcho> {
        enable_raw_mode()?;
        Ok(NoEcho)
    }
}

impl Drop for NoEcho {
    fn drop(&mut self) {
        let _ = disable_raw_mode();
    }
}

/// A line to the user while raw mode is on (where a newline does not return the carriage).
fn say(text: &str) {
    eprint!("{}\r\n", text.replace('\n', "\r\n"));
}

/// Reads a line without showing it (raw mode must be on). Esc or Ctrl-C cancels.
fn read_hidden(prompt: &str, catalog: &Catalog) -> Result<Zeroizing<String>> {
    eprint!("{prompt}");
    std::io::stderr().flush()?;
    let typed = read_keys();
    say("");
    match typed? {
        Some(text) => Ok(text),
        None => bail!(Explained(catalog.t("unlock.cancelled").into())),
    }
}

fn read_keys() -> Result<Option<Zeroizing<String>>> {
    let mut text = Zeroizing::new(String::new());
    loop {
        if let Event::Key(key) = event::read()? {
            if key.kind != KeyEventKind::Press {
                continue;
            }
            match key.code {
                KeyCode::Enter => return Ok(Some(text)),
                KeyCode::Esc => return Ok(None),
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => return Ok(None),
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char(c) => text.push(c),
                _ => {}
            }
        }
    }
}
