//! The command line: parse, call the use cases, print. Thin on purpose.

mod args;
mod database;
mod discussion;
mod json;
mod ppt;
mod printable;
mod report;

pub use args::*;
use database::{change_passphrase, encrypt, restore_backup};
use discussion::{discussion, find_discussion};
pub use printable::Printable;
use report::{check, conflicts, list, list_line};

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use serde_json::json;

use crate::config::Settings;
use crate::demo::demo_cases;
use crate::domain::{Action, CaseDetails, Consent, Identity, MeetingNo, Side, add_days, parse_date};
use crate::i18n::{Catalog, Explained};
use crate::kit;
use crate::service::export::{self, Target};
use crate::service::{self, find, wording};
use crate::store::{
    CaseQuery, ImportReport, ListLine, Order, StatusFilter, Store, manual_backup_path, require_existing,
};
use crate::unlock::{kit_passphrase, new_kit_passphrase, open_store};

/// Runs a subcommand and writes its output to `out`.
pub fn run(command: &Command, settings: &Settings, out: &mut impl Write) -> Result<()> {
    let catalog = Catalog::new(settings.lang);
    match command {
        Command::Encrypt => return encrypt(settings, &catalog, out),
        Command::Passphrase => return change_passphrase(settings, &catalog, out),
        Command::Restore { path } => return restore_backup(path, settings, &catalog, out),
        // Only commands that add something may create the file: a mistyped path
        // for the others is said, not made into a new, empty database.
        Command::Add { .. }
        | Command::Demo { .. }
        | Command::Import { .. }
        | Command::Discussion { what: DiscussionCommand::Plan { .. } } => {}
        _ => require_existing(&settings.db_path)?,
    }
    let mut store = open_store(settings, &catalog)?;
    let today = settings.today;
    if let Some((reference, action)) = case_action(command, settings, &catalog)? {
        apply(&mut store, &catalog, reference, &action, settings, out)?;
        if matches!(action, Action::WithdrawConsent { .. }) {
            erasure_finished(&store, &catalog)?;
        }
        return Ok(());
    }
    match command {
        Command::Add { kind, school, grade, gender, teacher, description, date } => {
            let details = CaseDetails {
                kind: *kind,
                school: school.clone(),
                grade: grade.clone(),
                gender: *gender,
                teacher: teacher.clone(),
                description: description.clone(),
            };
            let case = store.create_case(details, date_or_today(date, today)?, today)?;
            writeln!(out, "{}", case.reference)?;
        }
        Command::List { overdue, due_within, all, adviser, json } => {
            let due_by = match (overdue, due_within) {
                (true, _) => Some(today.pred_opt().context("date out of range")?),
                (false, Some(days)) => Some(add_days(today, u64::from(*days))),
                (false, None) => None,
            };
            let status = if *all { StatusFilter::All } else { StatusFilter::Open };
            let adviser = adviser.clone();
            let query = CaseQuery { status, due_by, adviser, order: Order::Urgency, ..CaseQuery::default() };
            list(&store, &catalog, settings, &query, *json, out)?;
        }
        Command::Show { reference, json } => show(&mut store, &catalog, settings, reference, *json, out)?,
        Command::Demo { cases } => {
            let seed = today.to_string().bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
            let made = store.create_with_history(&demo_cases(*cases as usize, today, seed), today)?;
            writeln!(out, "{made}")?;
        }
        Command::EraseExpired { yes } => {
            let waiting = store.consent_warnings(today, settings.consent_age)?.to_erase;
            if !yes && waiting > 0 {
                return Err(Explained(catalog.count("consent.confirm_erase", waiting, &[])).into());
            }
            let erased = store.erase_without_consent(today)?;
            erasure_finished(&store, &catalog)?;
            writeln!(out, "{}", catalog.count("consent.erased", erased as u64, &[]))?;
        }
        Command::Discussion { what } => discussion(&mut store, &catalog, settings, what, out)?,
        Command::Export { what } => export_document(&mut store, &catalog, settings, what, out)?,
        Command::Import { path, delete } => import(&mut store, &catalog, settings, path, *delete, out)?,
        Command::Conflicts { json } => conflicts(&store, &catalog, *json, out)?,
        Command::Resolve { id, take, value } => {
            let conflicts = store.kit_conflicts()?;
            let Some(conflict) = conflicts.iter().find(|c| c.id == *id) else {
                anyhow::bail!(Explained(catalog.f("kit.no_such_conflict", &[("id", &id.to_string())])));
            };
            let side = match (take, value) {
                (Some(side), _) => {
                    store.resolve_kit_conflict(conflict, *side)?;
                    *side
                }
                (None, value) => {
                    let text = value.as_deref().unwrap_or_default();
                    store.resolve_kit_conflict_edited(conflict, text, today, settings.consent_age)?;
                    Side::Edited
                }
            };
            writeln!(out, "{}", wording::kit_resolved(&catalog, *id, side))?;
        }
        Command::Log { reference, json } => {
            let case = find(&store, &catalog, reference)?;
            let entries = store.audit_of(case.id)?;
            if *json {
                writeln!(out, "{}", serde_json::to_string_pretty(&json::audit(&entries))?)?;
            } else {
                for e in &entries {
                    writeln!(out, "{}  {:<16} {}", e.at, e.actor, catalog.audit_text(&e.action, &e.detail))?;
                }
            }
        }
        Command::Check => check(&store, &catalog, out)?,
        Command::Backup { path } => {
            let target = path
                .clone()
                .unwrap_or_else(|| manual_backup_path(&settings.db_path, chrono::Local::now().naive_local()));
            store.backup_to(&target)?;
            writeln!(out, "{}", catalog.f("backup.written", &[("path", &target.display().to_string())]))?;
        }
        _ => unreachable!("changes to a case and the commands without a store are handled above"),
    }
    Ok(())
}

/// The day typed, or today when none was.
fn date_or_today(text: &Option<String>, today: NaiveDate) -> Result<NaiveDate> {
    Ok(text.as_deref().map(parse_date).transpose()?.unwrap_or(today))
}

/// The change a command asks of one case, through the same rules as the screens;
/// None for a command that is not one.
fn case_action<'c>(command: &'c Command, settings: &Settings, catalog: &Catalog) -> Result<Option<(&'c str, Action)>> {
    let today = settings.today;
    let (reference, action) = match command {
        Command::Meeting { reference, number, date, planned } => {
            let number = MeetingNo::new(*number).context("meeting number 1, 2 or 3")?;
            let date = parse_date(date)?;
            (
                reference,
                if *planned { Action::PlanMeeting { number, date } } else { Action::RecordMeeting { number, date } },
            )
        }
        Command::Decide { reference, decision, date } => {
            (reference, Action::Decide { decision: *decision, date: parse_date(date)? })
        }
        Command::ReferralSent { reference, date } => (reference, Action::ReferralSent { date: parse_date(date)? }),
        Command::Close { reference, reason, date } => {
            (reference, Action::Close { date: date_or_today(date, today)?, reason: reason.clone() })
        }
        Command::Reopen { reference, reason, date } => {
            (reference, Action::Reopen { date: date_or_today(date, today)?, reason: reason.clone() })
        }
        Command::Consent { reference, given_by, date, scope, expires, name, birth_date } => {
            let consent = Consent {
                given_on: parse_date(date)?,
                given_by: *given_by,
                scope: scope.clone(),
                expires_on: expires.as_deref().map(parse_date).transpose()?,
                withdrawn_on: None,
            };
            let pupil = match (name, birth_date) {
                (Some(name), Some(born)) => Some(Identity { name: name.clone(), birth_date: Some(parse_date(born)?) }),
                _ => None,
            };
            (reference, Action::RecordConsent { consent, pupil, consent_age: settings.consent_age })
        }
        Command::WithdrawConsent { reference, date, yes } => {
            if !yes {
                return Err(Explained(catalog.t("consent.confirm_withdraw").into()).into());
            }
            (reference, Action::WithdrawConsent { date: date_or_today(date, today)? })
        }
        Command::Name { reference, name, birth_date } => {
            let identity =
                Identity { name: name.clone(), birth_date: birth_date.as_deref().map(parse_date).transpose()? };
            (reference, Action::SetIdentity { identity, consent_age: settings.consent_age })
        }
        Command::Ppt { what } => return ppt::action(what, settings).map(Some),
        _ => return Ok(None),
    };
    Ok(Some((reference.as_str(), action)))
}

/// `saksgang show`: the lines the case screen shows, or the case as JSON.
fn show(
    store: &mut Store,
    catalog: &Catalog,
    settings: &Settings,
    reference: &str,
    json: bool,
    out: &mut impl Write,
) -> Result<()> {
    let case = find(store, catalog, reference)?;
    let file = service::open_case(store, case)?;
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&json::case_file(&file, settings))?)?;
    } else {
        writeln!(out, "{}", catalog.f("detail.title", &[("reference", &file.case.reference)]))?;
        for line in service::case_detail(&file, catalog, settings) {
            writeln!(out, "{}", line.text().trim_end())?;
        }
    }
    Ok(())
}

/// `saksgang export`: the minutes, the discussion form or a visit-day kit.
fn export_document(
    store: &mut Store,
    catalog: &Catalog,
    settings: &Settings,
    what: &ExportCommand,
    out: &mut impl Write,
) -> Result<()> {
    let today = settings.today;
    match what {
        ExportCommand::Discussion { date, school, format, output } => {
            let meeting = find_discussion(store, catalog, date, school.as_deref())?;
            let target = Target { folder: Path::new(""), file: output.clone() };
            let exported = export::discussion_form(store, catalog, &meeting, *format, &target)?;
            writeln!(out, "{}", wording::exported(catalog, "discussion.exported", &exported))?;
        }
        ExportCommand::Minutes { reference, meeting, format, output } => {
            let case = find(store, catalog, reference)?;
            let number = MeetingNo::new(*meeting).context("meeting 1, 2 or 3")?;
            let target = Target { folder: Path::new(""), file: output.clone() };
            let exported = export::minutes(store, catalog, settings, &case, number, *format, &target)?;
            writeln!(out, "{}", wording::exported(catalog, "minutes.exported", &exported))?;
        }
        ExportCommand::PreliminaryReply { reference, format, output } => {
            let case = find(store, catalog, reference)?;
            let target = Target { folder: Path::new(""), file: output.clone() };
            let exported = export::preliminary_reply(store, catalog, settings, &case, *format, &target)?;
            writeln!(out, "{}", wording::exported(catalog, "letter.exported", &exported))?;
        }
        ExportCommand::Kit { school, cases, valid_days, output } => {
            let ids = service::kit::cases_to_send(store, school.as_deref().unwrap_or_default(), cases, today)?;
            let path = output.clone().unwrap_or_else(|| kit::file_name(school.as_deref(), today).into());
            let passphrase = new_kit_passphrase(catalog)?;
            let expires_on = add_days(settings.expiry_day(), u64::from(*valid_days));
            let selection = service::kit::Selection { ids: &ids, school: school.as_deref(), expires_on, today };
            service::kit::export(store, &selection, &passphrase, &path)?;
            writeln!(out, "{}", catalog.kit_exported(ids.len(), &path, expires_on))?;
        }
    }
    Ok(())
}

/// `saksgang import`: a kit read in, what it did, and its file deleted or the
/// advice to delete it.
fn import(
    store: &mut Store,
    catalog: &Catalog,
    settings: &Settings,
    path: &Path,
    delete: bool,
    out: &mut impl Write,
) -> Result<()> {
    let passphrase = kit_passphrase(catalog, path)?;
    let report = service::kit::import(store, path, &passphrase, settings.expiry_day(), settings.consent_age)?;
    let shown = path.display().to_string();
    write_import_report(&report, &shown, catalog, out)?;
    erasure_finished(store, catalog)?;
    if delete {
        std::fs::remove_file(path).with_context(|| format!("cannot delete {shown}"))?;
        writeln!(out, "{}", catalog.f("kit.deleted", &[("path", &shown)]))?;
    } else {
        writeln!(out, "{}", catalog.f("kit.delete_hint", &[("path", &shown)]))?;
    }
    Ok(())
}

/// An erasure is reported done only once no old copy of its pages is left on
/// disk; otherwise the user is told what holds it back.
fn erasure_finished(store: &Store, catalog: &Catalog) -> Result<()> {
    match wording::erasure_unfinished(catalog, store)? {
        Some(message) => Err(Explained(message).into()),
        None => Ok(()),
    }
}

/// What an import did, in a few lines, with the way to the conflicts if there are any.
fn write_import_report(report: &ImportReport, path: &str, catalog: &Catalog, out: &mut impl Write) -> Result<()> {
    writeln!(out, "{}", wording::import_summary(catalog, report, path))?;
    for (kit, here) in &report.renamed {
        writeln!(out, "{}", catalog.f("kit.renamed", &[("kit", kit), ("here", here)]))?;
    }
    if !report.conflicts.is_empty() {
        writeln!(out, "{}", catalog.t("kit.conflicts_hint"))?;
    }
    Ok(())
}

fn apply(
    store: &mut Store,
    catalog: &Catalog,
    reference: &str,
    action: &Action,
    settings: &Settings,
    out: &mut impl Write,
) -> Result<()> {
    let case = find(store, catalog, reference)?;
    let case = store.apply(case.id, action, settings.today)?;
    let mut line = String::new();
    list_line(&mut line, &ListLine::of(&case), catalog, settings);
    out.write_all(line.as_bytes())?;
    Ok(())
}
