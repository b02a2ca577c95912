//! Errors and reports of the store and the kit in the user's words. The
//! catalogue words the domain; what only the layers above it know is worded here,
//! so that `i18n` imports nothing above the domain.

use anyhow::Result;

use crate::domain::{
    DateError, DiscussionError, RecordError, ResolveError, RuleError, Side, WithoutConsent, format_date,
};
use crate::i18n::{Catalog, Explained};
use crate::kit::{self, KitError, NothingToSend, Refused};
use crate::service::export::Exported;
use crate::store::{CopyFailure, ImportReport, NotSaved, OpenError, Store, UnsettledConflicts};

/// Why a kit file was refused, naming the file.
pub fn kit_error(c: &Catalog, error: &KitError, path: &str) -> String {
    match error {
        KitError::NotAKit => c.f("kit.not_a_kit", &[("path", path)]),
        KitError::WrongPassphrase => c.f("kit.wrong_passphrase", &[("path", path)]),
        KitError::Damaged => c.f("kit.damaged", &[("path", path)]),
        KitError::NewerVersion { found } => c.f(
            "kit.newer_version",
            &[("path", path), ("found", &found.to_string()), ("supported", &kit::VERSION.to_string())],
        ),
        KitError::Expired { on } => c.f("kit.expired", &[("path", path), ("date", &format_date(*on))]),
        KitError::ValidTooLong { until } => c.f(
            "kit.valid_too_long",
            &[("path", path), ("date", &format_date(*until)), ("max", &kit::MAX_VALID_DAYS.to_string())],
        ),
        KitError::Invalid { reference, why } => {
            let args = [("path", path), ("reference", reference.as_str()), ("why", &c.broken(why))];
            c.f("kit.invalid", &args)
        }
    }
}

pub fn kit_resolved(c: &Catalog, id: i64, side: Side) -> String {
    c.f("kit.resolved", &[("id", &id.to_string()), ("side", c.word(side))])
}

/// What an import did, in one line.
pub fn import_summary(c: &Catalog, report: &ImportReport, path: &str) -> String {
    let counts = [
        ("path", path.to_string()),
        ("added", report.added.len().to_string()),
        ("updated", report.updated.len().to_string()),
        ("unchanged", report.unchanged.to_string()),
        ("conflicts", report.conflicts.len().to_string()),
    ];
    c.f("kit.imported", &counts.each_ref().map(|(k, v)| (*k, v.as_str())))
}

/// What an erasure just made has not reached yet, in words: old pages another
/// program holds in the WAL, copies that could not be opened. None when the
/// erased values are gone everywhere the program keeps them.
pub fn erasure_unfinished(c: &Catalog, store: &Store) -> Result<Option<String>> {
    if store.purge_pending()? {
        return Ok(Some(c.f("consent.purge_pending", &[("path", &store.path().display().to_string())])));
    }
    Ok(copies_failed(c, store.copies_holding_erased(), "consent.copies_not_erased"))
}

/// Copies of the database that could not be treated like it, each with why,
/// in the message `key` (which names the copies as `{copies}`).
pub fn copies_failed(c: &Catalog, failed: &[CopyFailure], key: &str) -> Option<String> {
    if failed.is_empty() {
        return None;
    }
    let list: Vec<String> =
        failed.iter().map(|f| format!("  {}: {}", f.path.display(), explain(c, &f.error))).collect();
    Some(c.f(key, &[("copies", &list.join("\n"))]))
}

/// Where a document went (in the message `key`, which names it `{path}`), and
/// which parts of it hold a character the PDF printed as □.
pub fn exported(c: &Catalog, key: &str, exported: &Exported) -> String {
    let written = c.f(key, &[("path", &exported.path.display().to_string())]);
    match exported.replaced.as_slice() {
        [] => written,
        parts => format!("{written} {}", c.f("minutes.replaced", &[("parts", &parts.join(", "))])),
    }
}

/// One line for any error: the user's wording where we know the error, else its chain.
pub fn explain(c: &Catalog, error: &anyhow::Error) -> String {
    if let Some(e) = error.downcast_ref::<RuleError>() {
        return c.rule_error(e);
    }
    if let Some(e) = error.downcast_ref::<DiscussionError>() {
        return c.discussion_error(e);
    }
    if let Some(e) = error.downcast_ref::<NothingToSend>() {
        return match e {
            NothingToSend::NoSuchCase(reference) => c.f("error.no_such_case", &[("reference", reference)]),
            NothingToSend::NoneAtSchool(school) => c.f("kit.none", &[("school", school)]),
        };
    }
    if let Some(e) = error.downcast_ref::<Refused>() {
        return kit_error(c, &e.why, &e.path.display().to_string());
    }
    if let Some(e) = error.downcast_ref::<ResolveError>() {
        return c.resolve_error(e);
    }
    if let Some(e) = error.downcast_ref::<UnsettledConflicts>() {
        return c.f("kit.unsettled", &[("reference", &e.reference)]);
    }
    if let Some(e) = error.downcast_ref::<WithoutConsent>() {
        return c.f("kit.without_consent", &[("reference", &e.reference)]);
    }
    if let Some(e) = error.downcast_ref::<RecordError>() {
        return c.record_error(e);
    }
    if let Some(e) = error.downcast_ref::<DateError>() {
        return c.date_error(e);
    }
    if error.downcast_ref::<NotSaved>().is_some() {
        return c.t("error.not_saved").to_string();
    }
    if let Some(e) = error.downcast_ref::<Explained>() {
        return e.0.clone();
    }
    if let Some(e) = error.downcast_ref::<OpenError>() {
        let path = |p: &std::path::PathBuf| p.display().to_string();
        return match e {
            OpenError::NotSaksgang { path: p } => c.f("error.not_saksgang", &[("path", &path(p))]),
            OpenError::NewerVersion { path: p, found, supported } => c.f(
                "error.newer_version",
                &[("path", &path(p)), ("found", &found.to_string()), ("supported", &supported.to_string())],
            ),
            OpenError::PassphraseNeeded { path: p } => c.f("error.passphrase_needed", &[("path", &path(p))]),
            OpenError::WrongPassphrase { path: p } => c.f("error.wrong_passphrase", &[("path", &path(p))]),
            OpenError::IsFolder { path: p } => c.f("error.is_folder", &[("path", &path(p))]),
            OpenError::DoesNotExist { path: p } => c.f("error.does_not_exist", &[("path", &path(p))]),
            OpenError::ReadOnly { path: p } => c.f("error.read_only", &[("path", &path(p))]),
            OpenError::CannotWrite { path: p } => c.f("error.cannot_write", &[("path", &path(p))]),
            OpenError::Damaged { path: p } => c.f("error.damaged", &[("path", &path(p))]),
            OpenError::InUse { path: p } => c.f("error.in_use", &[("path", &path(p))]),
        };
    }
    format!("{error:#}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn errors_are_worded_in_the_users_language() {
        let nb = Catalog::new(Lang::Nb);
        let err = anyhow::Error::new(DateError::BadFormat("31/12".into()));
        assert!(explain(&nb, &err).contains("«31/12» er ikke en dato"));
        let err = anyhow::Error::new(RuleError::CaseClosed);
        assert_eq!(explain(&Catalog::new(Lang::En), &err), "The case is closed. Reopen it first.");
    }
}
