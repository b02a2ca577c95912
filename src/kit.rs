//! The visit-day kit: cases carried between the school's machine and the PPT
//! adviser's laptop in one file. Inside is versioned JSON (described in the
//! README); around it is age encryption with a passphrase (scrypt), so that no
//! crypto of ours guards children's data.

use std::io::Read;
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::{AuditEntry, Broken, CaseSnapshot, iso_date};

/// Names the JSON inside, so that another program's age file is told from a kit.
pub const FORMAT: &str = "saksgang-kit";
/// The version of the JSON this program writes and the newest it reads. Version 2
/// names each snapshot by a random version id (`KitCase::version`) instead of a
/// hash of its content; a version 1 kit is still read.
pub const VERSION: u32 = 2;
/// How long a kit is valid unless the user says otherwise.
pub const DEFAULT_VALID_DAYS: u32 = 7;
/// The longest a kit may be valid: it holds children's data outside the school.
pub const MAX_VALID_DAYS: u32 = 90;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kit {
    pub format: String,
    pub version: u32,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// Who wrote it (the user on the sending machine).
    pub created_by: String,
    /// The first day on which import refuses the kit.
    pub expires_on: NaiveDate,
    /// The school the cases were chosen by, if they were.
    pub school: Option<String>,
    pub cases: Vec<KitCase>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KitCase {
    /// The id of this version of the case: random, so that nothing about its
    /// content (a name erased since) can be guessed from it. Empty in version 1.
    #[serde(default)]
    pub version: String,
    pub snapshot: CaseSnapshot,
    /// The ids of the versions of the case the sending machine has had (sent or
    /// received), oldest first: the receiver merges from the newest it also has.
    pub known: Vec<String>,
    /// The case's audit trail, oldest first.
    pub audit: Vec<AuditEntry>,
}

/// Why a kit file cannot be read. Nothing in the database is touched in any case.
/// The messages are English for logs and tests; users read the catalogue's wording.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KitError {
    /// Not an age file with a passphrase, or not saksgang's JSON inside.
    #[error("not a saksgang kit")]
    NotAKit,
    #[error("the passphrase does not open the kit")]
    WrongPassphrase,
    /// Cut short or altered on the way.
    #[error("the kit is damaged")]
    Damaged,
    #[error("the kit is of version {found}, newer than {VERSION}")]
    NewerVersion { found: u64 },
    #[error("the kit expired on {on}")]
    Expired { on: NaiveDate },
    /// Valid for longer than any kit may be (`MAX_VALID_DAYS`).
    #[error("the kit is valid until {until}, longer than allowed")]
    ValidTooLong { until: NaiveDate },
    /// A case in it breaks the rules a typed case is held to.
    #[error("case {reference} in the kit breaks the rules: {why:?}")]
    Invalid { reference: String, why: Broken },
}

impl Kit {
    pub fn new(created_by: &str, expires_on: NaiveDate, school: Option<String>, cases: Vec<KitCase>) -> Kit {
        Kit {
            format: FORMAT.into(),
            version: VERSION,
            created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            created_by: created_by.into(),
            expires_on,
            school,
            cases,
        }
    }
}

/// A kit file refused, with the file named for the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {why}", path.display())]
pub struct Refused {
    pub path: PathBuf,
    pub why: KitError,
}

/// Why there is nothing to put in a kit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NothingToSend {
    /// A case named by a reference that is not here.
    #[error("no case {0} here")]
    NoSuchCase(String),
    /// The school has no case that concerns PPT and may travel.
    #[error("no case at {0} may go in a kit")]
    NoneAtSchool(String),
}

/// Opens and checks the kit at `path` without touching any database: the part of
/// an import that takes the passphrase's key derivation.
pub fn read(path: &Path, passphrase: &str, today: NaiveDate, consent_age: u32) -> Result<Kit> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let kit = open(&bytes, passphrase, today)
        .and_then(|kit| check(&kit, today, consent_age).map(|()| kit))
        .map_err(|why| Refused { path: path.to_path_buf(), why })?;
    Ok(kit)
}

/// Whether a version id is one saksgang writes: random (32 hex digits), or a
/// version 1 kit's SHA-256 (64).
fn is_version_id(id: &str) -> bool {
    matches!(id.len(), 32 | 64) && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Everything in a kit is held to the rules of what is typed here, before any of
/// it is read in: each case whole, its minutes, each entry of its log, and the
/// kit's own validity.
pub fn check(kit: &Kit, today: NaiveDate, consent_age: u32) -> Result<(), KitError> {
    if kit.expires_on > crate::domain::add_days(today, u64::from(MAX_VALID_DAYS)) {
        return Err(KitError::ValidTooLong { until: kit.expires_on });
    }
    if crate::domain::check_line(&kit.created_by).is_err() {
        return Err(KitError::NotAKit);
    }
    for case in &kit.cases {
        let reference: String = crate::domain::one_line(&case.snapshot.case.reference).chars().take(20).collect();
        let invalid = |why: Broken| KitError::Invalid { reference: reference.clone(), why };
        case.snapshot.check_whole(today, consent_age).map_err(invalid)?;
        let identity = case.snapshot.case.identity.as_ref();
        for entry in &case.audit {
            crate::domain::check_log_entry(&entry.at, &entry.actor, &entry.action, &entry.detail, identity)
                .map_err(invalid)?;
        }
        let ids = case.known.iter().chain((!case.version.is_empty()).then_some(&case.version));
        if ids.clone().any(|id| !is_version_id(id)) {
            return Err(KitError::Damaged);
        }
    }
    Ok(())
}

/// The file a kit is written to unless the user names one: school and day in the name.
pub fn file_name(school: Option<&str>, today: NaiveDate) -> String {
    let school = school.filter(|s| !s.trim().is_empty()).unwrap_or("saker").to_lowercase();
    let school: String = school.chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect();
    format!("besokspakke-{}-{}.age", school.trim_matches('-'), iso_date(today))
}

/// The kit as an encrypted file's bytes.
pub fn seal(kit: &Kit, passphrase: &str) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(kit)?;
    let recipient = age::scrypt::Recipient::new(SecretString::from(passphrase.to_string()));
    Ok(age::encrypt(&recipient, &json)?)
}

/// Reads a kit from a file's bytes, refusing it after its expiry.
pub fn open(bytes: &[u8], passphrase: &str, today: NaiveDate) -> Result<Kit, KitError> {
    let decryptor = age::Decryptor::new_buffered(bytes)
        .map_err(|_| if bytes.starts_with(b"age-encryption.org/") { KitError::Damaged } else { KitError::NotAKit })?;
    if !decryptor.is_scrypt() {
        return Err(KitError::NotAKit);
    }
    let identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_string()));
    let mut reader = decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(|e| match e {
        age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => KitError::WrongPassphrase,
        _ => KitError::Damaged,
    })?;
    let mut json = Vec::new();
    reader.read_to_end(&mut json).map_err(|_| KitError::Damaged)?;
    parse(&json, today)
}

/// The JSON inside: its version is read before anything else, so that a newer
/// program's kit is named as such rather than as broken.
fn parse(json: &[u8], today: NaiveDate) -> Result<Kit, KitError> {
    let value: Value = serde_json::from_slice(json).map_err(|_| KitError::NotAKit)?;
    if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(KitError::NotAKit);
    }
    let found = value.get("version").and_then(Value::as_u64).filter(|v| *v >= 1).ok_or(KitError::NotAKit)?;
    if found > u64::from(VERSION) {
        return Err(KitError::NewerVersion { found });
    }
    let kit: Kit = serde_json::from_value(value).map_err(|_| KitError::NotAKit)?;
    if today >= kit.expires_on {
        return Err(KitError::Expired { on: kit.expires_on });
    }
    Ok(kit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn kit() -> Kit {
        Kit::new("Åse", day(2026, 12, 1), Some("Bjørkå skole".into()), Vec::new())
    }

    #[test]
    fn a_sealed_kit_opens_with_its_passphrase_until_it_expires() {
        let kit = kit();
        let sealed = seal(&kit, "lang nok frase").unwrap();
        assert!(sealed.starts_with(b"age-encryption.org/v1"));
        assert_eq!(open(&sealed, "lang nok frase", day(2026, 11, 30)).unwrap(), kit);
        assert_eq!(open(&sealed, "lang nok frase", day(2026, 12, 1)), Err(KitError::Expired { on: day(2026, 12, 1) }));
        assert_eq!(open(&sealed, "feil frase", day(2026, 11, 30)), Err(KitError::WrongPassphrase));
        let cut = &sealed[..sealed.len() - 10];
        assert_eq!(open(cut, "lang nok frase", day(2026, 11, 30)), Err(KitError::Damaged));
        assert_eq!(open(&sealed[..40], "lang nok frase", day(2026, 11, 30)), Err(KitError::Damaged));
        assert_eq!(open(b"{\"format\": 1}", "x", day(2026, 11, 30)), Err(KitError::NotAKit));
    }

    #[test]
    fn the_file_is_named_by_school_and_day() {
        assert_eq!(file_name(Some("Bjørkå skole"), day(2026, 11, 24)), "besokspakke-bjørkå-skole-2026-11-24.age");
        assert_eq!(file_name(Some(" "), day(2026, 11, 24)), "besokspakke-saker-2026-11-24.age");
        assert_eq!(file_name(None, day(2026, 11, 24)), "besokspakke-saker-2026-11-24.age");
    }

    #[test]
    fn a_newer_version_is_named_before_its_content_is_read() {
        let mut value = serde_json::to_value(kit()).unwrap();
        value["version"] = 3.into();
        value["cases"] = "something new".into();
        let json = serde_json::to_vec(&value).unwrap();
        assert_eq!(parse(&json, day(2026, 11, 1)), Err(KitError::NewerVersion { found: 3 }));
        assert_eq!(parse(b"[]", day(2026, 11, 1)), Err(KitError::NotAKit));
        let other = serde_json::to_vec(&serde_json::json!({"format": "other", "version": 1})).unwrap();
        assert_eq!(parse(&other, day(2026, 11, 1)), Err(KitError::NotAKit));
    }
}
