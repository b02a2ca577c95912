//! Settings: the command line and environment first, then the config file, then defaults.

use crate::domain::ppt::PptPeriods;
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::{DEFAULT_CONSENT_AGE, DEFAULT_DUE_SOON_DAYS, parse_date};
use crate::i18n::{Catalog, Explained, Lang};

/// Daily automatic backups kept unless the config file says otherwise.
pub const DEFAULT_BACKUPS_KEPT: usize = 7;

/// The values each number in the settings may take: beyond them it is a slip.
const DUE_SOON_RANGE: std::ops::RangeInclusive<u64> = 0..=90;
const BACKUPS_RANGE: std::ops::RangeInclusive<u64> = 0..=366;
/// Norwegian municipalities use 15 or 16; the range leaves room for other rules.
const CONSENT_AGE_RANGE: std::ops::RangeInclusive<u64> = 12..=18;
/// PPT's periods: at least a month or a day, at most two years or half a year.
const PPT_MONTHS_RANGE: std::ops::RangeInclusive<u64> = 1..=24;
const PPT_DAYS_RANGE: std::ops::RangeInclusive<u64> = 1..=180;

/// `config.toml` in the user's config folder. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The name written in the audit trail instead of the OS user.
    pub user: Option<String>,
    /// `nb` (default) or `en`.
    pub lang: Option<String>,
    /// How many days before a deadline it counts as due soon.
    pub due_soon_days: Option<u32>,
    /// How many daily automatic backups to keep beside the database (0: none).
    pub backups_kept: Option<usize>,
    /// The age from which pupils consent for themselves (15 or 16 by municipality).
    pub consent_age: Option<u32>,
    /// The header of every page of exported documents, e.g. the school's name.
    pub document_header: Option<String>,
    /// Where documents made in the screens are saved.
    pub export_dir: Option<PathBuf>,
    /// PPT's deadlines: months to a preliminary reply, days from assigned to the
    /// start-up meeting, months to the assessment, months before a decision ends
    /// to take up its revision.
    pub ppt_preliminary_reply_months: Option<u32>,
    pub ppt_startup_days: Option<u32>,
    pub ppt_assessment_months: Option<u32>,
    pub ppt_revision_months: Option<u32>,
    /// `school` (default) or `ppt`: whose start screen the program opens on.
    pub role: Option<String>,
}

/// Who uses the program: the school follows its cases to the referral, PPT's
/// adviser follows the track after it. Each opens on a start screen of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    #[default]
    School,
    Ppt,
}

impl Role {
    /// The role a setting or `--role` names, or the message for a value that names none.
    fn parse(text: &str, catalog: &Catalog) -> Result<Role> {
        match text.trim().to_lowercase().as_str() {
            "school" | "skole" => Ok(Role::School),
            "ppt" => Ok(Role::Ppt),
            other => Err(Explained(catalog.f("error.bad_role", &[("value", other)])).into()),
        }
    }
}

/// What the program runs with, resolved once at start.
#[derive(Debug, Clone)]
pub struct Settings {
    pub db_path: PathBuf,
    pub today: NaiveDate,
    pub lang: Lang,
    pub actor: String,
    pub due_soon_days: u32,
    pub backups_kept: usize,
    pub consent_age: u32,
    /// From `SAKSGANG_PASSPHRASE`, for scripts and tests; otherwise it is asked for.
    /// Never printed (`Debug` shows it redacted) and wiped when dropped.
    pub passphrase: Option<SecretString>,
    /// Create a new database without encryption (`--no-encryption`).
    pub no_encryption: bool,
    /// The header of exported documents; the case's school when none is set.
    pub document_header: Option<String>,
    /// Where documents made in the screens are saved.
    pub export_dir: PathBuf,
    /// The periods of PPT's deadlines (`ppt_*` in the settings file).
    pub ppt_periods: PptPeriods,
    pub role: Role,
}

/// What the command line (or its environment variables) said.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub db: Option<PathBuf>,
    pub today: Option<String>,
    pub lang: Option<String>,
    pub config: Option<PathBuf>,
    pub no_encryption: bool,
    pub role: Option<String>,
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("no", "saksgang", "saksgang")
}

/// Where the database lives unless `--db` or `SAKSGANG_DB` says otherwise.
pub fn default_db_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.data_dir().join("saksgang.db"))
}

/// Documents made in the screens go to the user's documents folder, where the
/// archive system's upload finds them: the one the desktop names, else
/// `~/Documents` (a machine without XDG user folders names none).
pub fn default_export_dir() -> PathBuf {
    match directories::UserDirs::new() {
        Some(user) => export_dir_in(user.document_dir(), user.home_dir()),
        None => PathBuf::from("saksgang"),
    }
}

fn export_dir_in(documents: Option<&Path>, home: &Path) -> PathBuf {
    documents.map_or_else(|| home.join("Documents"), Path::to_path_buf).join("saksgang")
}

pub fn default_config_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("config.toml"))
}

impl Settings {
    pub fn resolve(overrides: &Overrides) -> Result<Settings> {
        let config_path = overrides.config.clone().or_else(default_config_path);
        let file = match &config_path {
            Some(path) => read_config(path, overrides.lang.as_deref())?,
            None => ConfigFile::default(),
        };
        let lang = match overrides.lang.as_deref().or(file.lang.as_deref()) {
            Some(code) => Lang::parse(code)?,
            None => Lang::default(),
        };
        let today = match overrides.today.as_deref() {
            Some(text) => parse_date(text).with_context(|| "--today / SAKSGANG_TODAY")?,
            None => chrono::Local::now().date_naive(),
        };
        let db_path = match overrides.db.clone() {
            Some(path) => path,
            None => default_db_path().context("no data folder for this user: give the database with --db PATH")?,
        };
        let actor = file
            .user
            .filter(|u| !u.trim().is_empty())
            .or_else(|| std::env::var("USER").ok())
            .or_else(|| std::env::var("USERNAME").ok())
            .unwrap_or_else(|| "ukjent".to_string());
        let lang_for_errors = lang;
        let ranged = |key: &str, value: Option<u64>, range: std::ops::RangeInclusive<u64>, default: u64| {
            let value = value.unwrap_or(default);
            if range.contains(&value) {
                return Ok(value);
            }
            let path = config_path.as_deref().map(|p| p.display().to_string()).unwrap_or_default();
            let args = [
                ("path", path),
                ("key", key.to_string()),
                ("value", value.to_string()),
                ("min", range.start().to_string()),
                ("max", range.end().to_string()),
            ];
            let text =
                Catalog::new(lang_for_errors).f("error.setting_range", &args.each_ref().map(|(k, v)| (*k, v.as_str())));
            Err(anyhow::Error::from(Explained(text)))
        };
        let due_soon_days =
            ranged("due_soon_days", file.due_soon_days.map(u64::from), DUE_SOON_RANGE, DEFAULT_DUE_SOON_DAYS.into())?;
        let backups_kept =
            ranged("backups_kept", file.backups_kept.map(|n| n as u64), BACKUPS_RANGE, DEFAULT_BACKUPS_KEPT as u64)?;
        let consent_age =
            ranged("consent_age", file.consent_age.map(u64::from), CONSENT_AGE_RANGE, DEFAULT_CONSENT_AGE.into())?;
        let defaults = PptPeriods::default();
        let months = |key: &str, value: Option<u32>, default: u32| {
            ranged(key, value.map(u64::from), PPT_MONTHS_RANGE, default.into()).map(|n| n as u32)
        };
        let ppt_periods = PptPeriods {
            preliminary_reply_months: months(
                "ppt_preliminary_reply_months",
                file.ppt_preliminary_reply_months,
                defaults.preliminary_reply_months,
            )?,
            startup_days: ranged(
                "ppt_startup_days",
                file.ppt_startup_days.map(u64::from),
                PPT_DAYS_RANGE,
                defaults.startup_days.into(),
            )? as u32,
            assessment_months: months("ppt_assessment_months", file.ppt_assessment_months, defaults.assessment_months)?,
            revision_months_before: months(
                "ppt_revision_months",
                file.ppt_revision_months,
                defaults.revision_months_before,
            )?,
        };
        let role = match overrides.role.as_deref().or(file.role.as_deref()) {
            Some(text) => Role::parse(text, &Catalog::new(lang))?,
            None => Role::default(),
        };
        Ok(Settings {
            role,
            db_path,
            today,
            lang,
            actor,
            due_soon_days: due_soon_days as u32,
            backups_kept: backups_kept as usize,
            consent_age: consent_age as u32,
            passphrase: std::env::var("SAKSGANG_PASSPHRASE").ok().filter(|p| !p.is_empty()).map(SecretString::from),
            no_encryption: overrides.no_encryption,
            document_header: file.document_header.filter(|h| !h.trim().is_empty()),
            export_dir: file.export_dir.unwrap_or_else(default_export_dir),
            ppt_periods,
        })
    }
}

impl Settings {
    /// The day expiries are judged on: `--today` may move the date for tests and
    /// demonstrations, but never back past the real clock, so it cannot let an
    /// expired kit or an ended consent through.
    pub fn expiry_day(&self) -> NaiveDate {
        self.today.max(chrono::Local::now().date_naive())
    }
}

/// A missing file is no settings; a broken one is an error that names the file.
fn read_config(path: &Path, lang_hint: Option<&str>) -> Result<ConfigFile> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ConfigFile::default()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    toml::from_str(&text).map_err(|e| {
        let lang = lang_hint.and_then(|l| Lang::parse(l).ok()).unwrap_or_default();
        let cause = e.message().to_string();
        Explained(Catalog::new(lang).f("error.bad_config", &[("path", &path.display().to_string()), ("cause", &cause)]))
            .into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_go_to_the_documents_folder_even_where_the_desktop_names_none() {
        let home = Path::new("/home/kari");
        assert_eq!(export_dir_in(None, home), Path::new("/home/kari/Documents/saksgang"));
        let named = Path::new("/home/kari/Dokumenter");
        assert_eq!(export_dir_in(Some(named), home), Path::new("/home/kari/Dokumenter/saksgang"));
    }

    fn with_config(text: &str) -> (tempfile::TempDir, Overrides) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        let overrides = Overrides {
            db: Some(dir.path().join("x.db")),
            today: Some("23.11.2026".into()),
            config: Some(path),
            ..Overrides::default()
        };
        (dir, overrides)
    }

    #[test]
    fn reads_the_config_file() {
        let (_dir, overrides) = with_config("user = \"Åse\"\nlang = \"en\"\ndue_soon_days = 3\n");
        let settings = Settings::resolve(&overrides).unwrap();
        assert_eq!(settings.actor, "Åse");
        assert_eq!(settings.lang, Lang::En);
        assert_eq!(settings.due_soon_days, 3);
        assert_eq!(settings.today, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    }

    #[test]
    fn the_command_line_wins_over_the_file() {
        let (_dir, mut overrides) = with_config("lang = \"en\"\n");
        overrides.lang = Some("nb".into());
        assert_eq!(Settings::resolve(&overrides).unwrap().lang, Lang::Nb);
    }

    #[test]
    fn a_missing_file_means_defaults() {
        let (dir, mut overrides) = with_config("");
        overrides.config = Some(dir.path().join("absent.toml"));
        let settings = Settings::resolve(&overrides).unwrap();
        assert_eq!(settings.due_soon_days, DEFAULT_DUE_SOON_DAYS);
        assert_eq!(settings.lang, Lang::Nb);
    }

    #[test]
    fn a_broken_file_is_named_in_the_message() {
        let (_dir, overrides) = with_config("due_soon_days = \"sju\"\n");
        let err = Settings::resolve(&overrides).unwrap_err();
        let text = crate::service::explain(&Catalog::new(Lang::Nb), &err);
        assert!(text.contains("config.toml kan ikke leses"), "{text}");
        let (_dir, overrides) = with_config("colour = true\n");
        assert!(Settings::resolve(&overrides).is_err(), "unknown keys are refused, not ignored");
    }

    #[test]
    fn numbers_outside_their_meaning_are_refused_with_the_key_named() {
        for (text, key) in [
            ("consent_age = 0\n", "consent_age"),
            ("consent_age = 200\n", "consent_age"),
            ("due_soon_days = 4000000000\n", "due_soon_days"),
            ("backups_kept = 100000\n", "backups_kept"),
            ("ppt_preliminary_reply_months = 0\n", "ppt_preliminary_reply_months"),
            ("ppt_startup_days = 400\n", "ppt_startup_days"),
            ("ppt_assessment_months = 25\n", "ppt_assessment_months"),
            ("ppt_revision_months = 0\n", "ppt_revision_months"),
        ] {
            let (_dir, overrides) = with_config(text);
            let err = Settings::resolve(&overrides).unwrap_err();
            let said = crate::service::explain(&Catalog::new(Lang::Nb), &err);
            assert!(said.contains(key) && said.contains("gir ikke mening"), "{said}");
        }
        let (_dir, overrides) = with_config("consent_age = 16\n");
        assert_eq!(Settings::resolve(&overrides).unwrap().consent_age, 16);
        let (_dir, overrides) = with_config("ppt_assessment_months = 4\nppt_startup_days = 21\n");
        let periods = Settings::resolve(&overrides).unwrap().ppt_periods;
        assert_eq!((periods.assessment_months, periods.startup_days, periods.preliminary_reply_months), (4, 21, 1));
    }

    #[test]
    fn the_role_comes_from_the_command_line_or_the_file_and_a_bad_one_is_named() {
        let (_dir, mut overrides) = with_config("role = \"ppt\"\n");
        assert_eq!(Settings::resolve(&overrides).unwrap().role, Role::Ppt);
        overrides.role = Some("skole".into());
        assert_eq!(Settings::resolve(&overrides).unwrap().role, Role::School, "--role wins");
        let (_dir, overrides) = with_config("");
        assert_eq!(Settings::resolve(&overrides).unwrap().role, Role::School, "the school by default");
        let (_dir, overrides) = with_config("role = \"rektor\"\n");
        let said = crate::service::explain(&Catalog::new(Lang::Nb), &Settings::resolve(&overrides).unwrap_err());
        assert!(said.contains("rektor") && said.contains("ppt"), "{said}");
    }

    #[test]
    fn settings_never_print_the_passphrase() {
        let (_dir, overrides) = with_config("");
        let mut settings = Settings::resolve(&overrides).unwrap();
        settings.passphrase = Some(SecretString::from("hemmelig lang frase"));
        let printed = format!("{settings:?}");
        assert!(!printed.contains("hemmelig"), "{printed}");
        assert!(printed.contains("passphrase: Some("), "{printed}");
    }

    #[test]
    fn a_bad_today_is_refused() {
        let (_dir, mut overrides) = with_config("");
        overrides.today = Some("31.02.2026".into());
        assert!(Settings::resolve(&overrides).is_err());
    }
}
