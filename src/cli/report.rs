//! What the reading commands print: lists, conflicts, the check.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use serde_json::{Value, json};

use super::json as json_form;
use crate::config::Settings;
use crate::domain::{Status, format_date, one_line, state_of};
use crate::i18n::{Catalog, Explained};
use crate::store::{AuditBreak, AuditBreakReason, CaseQuery, ListLine, Store};

/// `list`: the open (or all) cases by urgency, streamed as text lines or JSON.
pub(super) fn list(
    store: &Store,
    catalog: &Catalog,
    settings: &Settings,
    query: &CaseQuery,
    json: bool,
    out: &mut impl Write,
) -> Result<()> {
    if json {
        // Streamed so that a large database is never held in memory at once.
        write!(out, "[")?;
        let mut first = true;
        store.for_each_case(query, |case| {
            let separator = if std::mem::take(&mut first) { "" } else { "," };
            write!(out, "{separator}\n  {}", json_form::case(&case, settings))?;
            Ok(())
        })?;
        writeln!(out, "{}]", if first { "" } else { "\n" })?;
    } else {
        let mut line = String::new();
        store.for_each_line(query, |row| {
            line.clear();
            list_line(&mut line, row, catalog, settings);
            Ok(out.write_all(line.as_bytes())?)
        })?;
    }
    Ok(())
}

/// `conflicts`: the fields a kit left waiting for a choice.
pub(super) fn conflicts(store: &Store, catalog: &Catalog, json: bool, out: &mut impl Write) -> Result<()> {
    let conflicts = store.kit_conflicts()?;
    if json {
        let value: Vec<Value> = conflicts
            .iter()
            .map(|c| {
                json!({"id": c.id, "reference": c.reference, "field": c.field, "label": catalog.kit_field(&c.field),
                    "here": c.here, "kit": c.kit, "kit_from": c.kit_from, "found_at": c.found_at})
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
    } else if conflicts.is_empty() {
        writeln!(out, "{}", catalog.t("kit.no_conflicts"))?;
    }
    for c in conflicts.iter().filter(|_| !json) {
        writeln!(out, "{:>4}  {}  {}", c.id, c.reference, catalog.kit_field(&c.field))?;
        writeln!(out, "      {:<7} {}", catalog.t("kit.conflict_here"), catalog.kit_value(&c.here))?;
        let kit_value = format!("{} ({})", catalog.kit_value(&c.kit), c.kit_from);
        writeln!(out, "      {:<7} {kit_value}", catalog.t("kit.conflict_kit"))?;
    }
    Ok(())
}

/// `check`: the database's health, line by line; fails when something is wrong.
pub(super) fn check(store: &Store, catalog: &Catalog, out: &mut impl Write) -> Result<()> {
    let report = store.check()?;
    let ok = catalog.t("check.ok");
    let problems = |lines: &[String]| if lines.is_empty() { ok.to_string() } else { lines.join("; ") };
    writeln!(out, "{:<14} {}", catalog.t("check.integrity"), problems(&report.integrity))?;
    writeln!(out, "{:<14} {}", catalog.t("check.references"), problems(&report.foreign_keys))?;
    let audit = match &report.audit {
        Ok(n) => catalog.count("check.audit_ok", *n, &[]),
        Err(AuditBreak { id, reason: AuditBreakReason::Gap }) => {
            catalog.f("check.audit_gap", &[("id", &id.to_string())])
        }
        Err(AuditBreak { id, reason: AuditBreakReason::Altered }) => {
            catalog.f("check.audit_altered", &[("id", &id.to_string())])
        }
    };
    writeln!(out, "{:<14} {audit}", catalog.t("check.audit"))?;
    let cases = match report.unsealed.is_empty() {
        true => ok.to_string(),
        false => catalog.f("check.cases_unsealed", &[("refs", &report.unsealed.join(", "))]),
    };
    writeln!(out, "{:<14} {cases}", catalog.t("check.cases"))?;
    let triggers = match report.missing_triggers.is_empty() {
        true => ok.to_string(),
        false => catalog.f("check.triggers_missing", &[("names", &report.missing_triggers.join(", "))]),
    };
    writeln!(out, "{:<14} {triggers}", catalog.t("check.triggers"))?;
    // Copies named in a line of their own, as many as there are.
    let copies_line = |out: &mut dyn Write, key: &str, copies: &[PathBuf]| -> Result<()> {
        if !copies.is_empty() {
            let paths: Vec<String> = copies.iter().map(|p| p.display().to_string()).collect();
            let text = catalog.count(key, copies.len() as u64, &[("paths", &paths.join(", "))]);
            writeln!(out, "{:<14} {text}", catalog.t("check.copies"))?;
        }
        Ok(())
    };
    copies_line(out, "check.copies_plain", &report.plain_copies)?;
    if let Some(copy) = &report.behind_copy {
        let ahead = catalog.f("check.copy_ahead", &[("path", &copy.display().to_string())]);
        writeln!(out, "{:<14} {ahead}", catalog.t("check.copies"))?;
    }
    let encrypted = if report.encrypted { catalog.t("check.yes") } else { catalog.t("check.no") };
    writeln!(out, "{:<14} {encrypted}", catalog.t("check.encrypted"))?;
    if report.purge_pending {
        writeln!(out, "{:<14} {}", catalog.t("check.purge"), catalog.t("check.purge_pending"))?;
    }
    copies_line(out, "check.copies_pending", &report.copies_unerased)?;
    if !report.is_ok() {
        return Err(Explained(catalog.t("check.failed").into()).into());
    }
    Ok(())
}

/// One case, one line (ended), whatever its texts hold: into `line`, so that a
/// long list reuses one buffer.
pub(super) fn list_line(line: &mut String, row: &ListLine, catalog: &Catalog, settings: &Settings) {
    use std::fmt::Write as _;
    let _ = write!(
        line,
        "{}  {:<18}  {:<28}  {:<10}  ",
        one_line(row.reference),
        catalog.word(row.stage),
        one_line(row.school),
        one_line(row.grade)
    );
    let _ = match (row.next_kind, row.next_due) {
        (Some(kind), Some(due)) => {
            let state = state_of(due, None, settings.today, settings.due_soon_days);
            writeln!(line, "{} {} ({})", catalog.word(kind), format_date(due), catalog.word(state))
        }
        _ if row.status == Status::Closed => writeln!(line, "{}", catalog.t("status.closed")),
        _ => writeln!(line, "{}", catalog.t("deadline.none")),
    };
}
