//! The visit-day kit in the database: which cases travel, the versions sent and
//! received (the base of the next merge), the import as one transaction, and
//! the conflicts left for the user.

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::{Value, json};
use uuid::Uuid;

use super::cases::{load_case, next_reference, parse_uuid, split_reference, write_case};
use super::erasure::scrub_identity;
use super::records::{snapshot_of, write_record};
use super::{Store, audit, new_version_id, now_stamp};
use crate::domain::{
    AuditAction, CaseSnapshot, Coded, MeetingNo, MeetingRecord, ResolveError, Side, WithoutConsent, both_texts,
    may_travel, merge, with_field,
};
use crate::kit::{Kit, KitCase, KitError};

/// A field both sides changed, waiting for the user to choose.
#[derive(Debug, Clone, PartialEq)]
pub struct KitConflict {
    pub id: i64,
    pub case_id: Uuid,
    /// The case's reference on this machine.
    pub reference: String,
    pub field: String,
    /// The value kept here meanwhile.
    pub here: Value,
    pub kit: Value,
    /// Who wrote the kit.
    pub kit_from: String,
    pub found_at: String,
}

/// A case with conflicts not yet settled cannot go in a kit: the other machine
/// would get this side's value while the choice is still open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("case {reference} has conflicts from a kit that are not settled")]
pub struct UnsettledConflicts {
    pub reference: String,
}

/// What an import did, case by case (references as on this machine).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: Vec<String>,
    /// Cases that took changes from the kit, with the number of fields taken.
    pub updated: Vec<(String, usize)>,
    pub unchanged: usize,
    /// Cases with fields both sides changed, with the number of such fields.
    pub conflicts: Vec<(String, usize)>,
    /// New cases whose reference was taken here: (the kit's, the one given here).
    pub renamed: Vec<(String, String)>,
}

/// Ids of the versions of a case sent or received here, oldest first.
fn versions(conn: &Connection, case_id: Uuid) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT fingerprint FROM kit_versions WHERE case_id = ?1 ORDER BY rowid")?;
    let rows = stmt.query_map([case_id.to_string()], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The id of the version kept here that holds exactly `snapshot`, if one does.
fn version_holding(conn: &Connection, snapshot: &CaseSnapshot) -> Result<Option<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT fingerprint, snapshot FROM kit_versions WHERE case_id = ?1 ORDER BY rowid DESC")?;
    let mut rows = stmt.query([snapshot.case.id.to_string()])?;
    while let Some(row) = rows.next()? {
        let kept: CaseSnapshot =
            serde_json::from_str(&row.get::<_, String>(1)?).context("a kept version of the case cannot be read")?;
        if kept == *snapshot {
            return Ok(Some(row.get(0)?));
        }
    }
    Ok(None)
}

/// The id a kit gives the version it carries (a version 1 kit gives none: its
/// sender named versions by a hash of their content).
fn version_of(incoming: &KitCase) -> String {
    match incoming.version.as_str() {
        "" => incoming.snapshot.legacy_fingerprint(),
        id => id.to_string(),
    }
}

fn remember(tx: &Transaction, version: &str, snapshot: &CaseSnapshot) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO kit_versions (case_id, fingerprint, snapshot, seen_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![snapshot.case.id.to_string(), version, serde_json::to_string(snapshot)?, now_stamp()])?;
    Ok(())
}

/// The newest version kept here that the kit's side also has had: the base to merge from.
fn common_base(tx: &Transaction, incoming: &KitCase) -> Result<Option<CaseSnapshot>> {
    let theirs: Vec<String> = incoming.known.iter().cloned().chain([version_of(incoming)]).collect();
    let stored: Option<String> = tx
        .prepare_cached(
            "SELECT snapshot FROM kit_versions WHERE case_id = ?1 AND fingerprint IN (SELECT value FROM json_each(?2))
             ORDER BY rowid DESC LIMIT 1",
        )?
        .query_row(params![incoming.snapshot.case.id.to_string(), serde_json::to_string(&theirs)?], |r| r.get(0))
        .optional()?;
    stored.map(|json| serde_json::from_str(&json).context("a kept version of the case cannot be read")).transpose()
}

/// Drops the pupil's name and birth date, and the names of the pupil and the
/// guardians in the minutes, where no valid consent covers them; whether it did.
fn without_uncovered_name(snapshot: &mut CaseSnapshot, today: NaiveDate) -> bool {
    let mut erased = false;
    if snapshot.case.identity_must_be_erased(today) {
        snapshot.case.identity = None;
        erased = true;
    }
    if !snapshot.case.may_name_family(today) {
        for record in snapshot.records.iter_mut().flatten().filter(|r| r.names_family()) {
            record.erase_family_names();
            erased = true;
        }
    }
    erased
}

/// Writes `snapshot` as the case's content here, keeping the case's local reference;
/// records are written only where they differ from `before`.
fn write_snapshot(tx: &Transaction, snapshot: &CaseSnapshot, reference: &str, before: &CaseSnapshot) -> Result<()> {
    let mut case = snapshot.case.clone();
    case.reference = reference.to_string();
    write_case(tx, &case)?;
    for number in MeetingNo::ALL {
        let record = &snapshot.records[number.index()];
        if let Some(record) = record.as_ref().filter(|_| *record != before.records[number.index()]) {
            write_record(tx, case.id, number, record)?;
        }
    }
    Ok(())
}

/// Adds the kit's audit entries that are not here yet, in the kit's order. Each
/// entry here stands for one equal entry of the kit, so that two equal entries
/// (two looks at a case in the same second) stay two.
fn append_trail(tx: &Transaction, case_id: Uuid, incoming: &[crate::domain::AuditEntry]) -> Result<()> {
    let mut here = audit::trail(tx, case_id)?;
    let same = |a: &crate::domain::AuditEntry, b: &crate::domain::AuditEntry| {
        a.at == b.at && a.actor == b.actor && a.action == b.action && a.detail == b.detail
    };
    for entry in incoming {
        match here.iter().position(|h| same(h, entry)) {
            Some(found) => {
                here.swap_remove(found);
            }
            None => audit::append_at(tx, &entry.at, &entry.actor, Some(case_id), &entry.action, &entry.detail)?,
        }
    }
    Ok(())
}

/// Whether a case here has the year and number of `reference`, however written.
fn reference_taken(conn: &Connection, reference: &str) -> Result<bool> {
    let (year, number) = split_reference(reference)?;
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM cases WHERE ref_year = ?1 AND ref_seq = ?2)")?
        .query_row(params![year, number], |r| r.get(0))?)
}

/// Whether a snapshot holds the pupil's name, or the family's in the minutes.
fn holds_names(snapshot: &CaseSnapshot) -> (bool, bool) {
    (snapshot.case.identity.is_some(), snapshot.records.iter().flatten().any(MeetingRecord::names_family))
}

impl Store {
    /// The cases of `school` that concern PPT: open cases referred or decided for
    /// referral, or on a discussion meeting's agenda; and cases that travelled
    /// before, while open, and once more with the change that closed them.
    /// Pupils' cases without a valid consent stay out (see `may_travel`).
    pub fn kit_cases_of_school(&self, school: &str, today: NaiveDate) -> Result<Vec<Uuid>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, school, status = 'open' AND (decision IS 'refer' OR referral_sent_on IS NOT NULL
                     OR id IN (SELECT case_id FROM discussion_items)),
                 id IN (SELECT case_id FROM kit_versions), status = 'open'
             FROM cases WHERE status = 'open' OR id IN (SELECT case_id FROM kit_versions)
             ORDER BY ref_year, ref_seq",
        )?;
        let wanted = school.trim().to_lowercase();
        let mut rows = stmt.query([])?;
        let mut ids = Vec::new();
        while let Some(row) = rows.next()? {
            if row.get::<_, String>(1)?.trim().to_lowercase() != wanted {
                continue;
            }
            let (id, concerns_ppt, travelled, open) =
                (parse_uuid(&row.get::<_, String>(0)?)?, row.get::<_, bool>(2)?, row.get::<_, bool>(3)?, row.get(4)?);
            let closing_not_sent = || -> Result<bool> {
                let current = snapshot_of(&self.conn, id)?.context("the case is gone")?.1;
                Ok(version_holding(&self.conn, &current)?.is_none())
            };
            if !(concerns_ppt || (travelled && (open || closing_not_sent()?))) {
                continue;
            }
            let case = load_case(&self.conn, "id", &id.to_string())?.context("the case is gone")?;
            if may_travel(&case, today, travelled) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// The kit of the cases `ids`, valid until `expires_on`, as the database holds
    /// them now. A pupil's case without a valid consent is refused (see
    /// `may_travel`). Nothing is written until the file is: `note_kit_written`.
    pub fn kit_of(&self, ids: &[Uuid], school: Option<&str>, expires_on: NaiveDate, today: NaiveDate) -> Result<Kit> {
        // One read transaction: every case as of the same moment.
        let tx = self.conn.unchecked_transaction()?;
        let mut cases = Vec::new();
        for &id in ids {
            let (local, snapshot) = snapshot_of(&tx, id)?.with_context(|| format!("case {id} does not exist"))?;
            let mut known = versions(&tx, id)?;
            if !may_travel(&snapshot.case, today, !known.is_empty()) {
                bail!(WithoutConsent { reference: local });
            }
            let unsettled: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM kit_conflicts WHERE case_id = ?1 AND resolved IS NULL)",
                [id.to_string()],
                |r| r.get(0),
            )?;
            if unsettled {
                bail!(UnsettledConflicts { reference: local });
            }
            let version = version_holding(&tx, &snapshot)?.unwrap_or_else(new_version_id);
            if !known.contains(&version) {
                known.push(version.clone());
            }
            cases.push(KitCase { version, known, audit: audit::trail(&tx, id)?, snapshot });
        }
        Ok(Kit::new(&self.actor, expires_on, school.map(String::from), cases))
    }

    /// The kit is written: each case's export is logged, and the version sent is
    /// kept as the base of the next merge.
    pub fn note_kit_written(&mut self, kit: &Kit) -> Result<()> {
        self.write(|tx, actor| {
            for sent in &kit.cases {
                remember(tx, &sent.version, &sent.snapshot)?;
                let detail = json!({"expires_on": kit.expires_on, "school": kit.school});
                audit::append(tx, actor, sent.snapshot.case.id, AuditAction::KitExported, &detail)?;
            }
            Ok(())
        })
    }

    /// Merges a kit into the database, all or nothing. `file` names the kit in the log.
    /// A name arrives only where the consent here after the merge covers it on `today`.
    /// Whatever the merge makes must pass the rules a typed case is held to, or the
    /// kit is refused whole (`KitError::Invalid`).
    pub fn import_kit(&mut self, kit: &Kit, file: &str, today: NaiveDate, consent_age: u32) -> Result<ImportReport> {
        self.write(|tx, actor| {
            let mut report = ImportReport::default();
            for incoming in &kit.cases {
                let id = incoming.snapshot.case.id;
                let logged = json!({"file": file, "from": kit.created_by, "written": kit.created_at});
                let Some((local, here)) = snapshot_of(tx, id)? else {
                    let travel = &incoming.snapshot.case.reference;
                    let mut incoming_here = incoming.snapshot.clone();
                    let erased = without_uncovered_name(&mut incoming_here, today);
                    let mut case = incoming_here.case.clone();
                    // "2026-1" and "2026-001" are the same number: taken either way.
                    if reference_taken(tx, travel)? {
                        use chrono::Datelike;
                        case.reference = next_reference(tx, case.created.year())?;
                        report.renamed.push((travel.clone(), case.reference.clone()));
                    }
                    let empty = CaseSnapshot { case: case.clone(), records: [None, None, None] };
                    write_snapshot(tx, &incoming_here, &case.reference, &empty)?;
                    if case.reference != *travel {
                        tx.execute(
                            "UPDATE cases SET travel_reference = ?1 WHERE id = ?2",
                            params![travel, id.to_string()],
                        )?;
                    }
                    append_trail(tx, id, &incoming.audit)?;
                    audit::append(tx, actor, id, AuditAction::KitImported, &json!({"new": true, "kit": logged}))?;
                    remember(tx, &version_of(incoming), &incoming.snapshot)?;
                    if erased {
                        audit::append(tx, actor, id, AuditAction::IdentityErased, &json!({}))?;
                        scrub_identity(tx, id)?;
                    }
                    report.added.push(case.reference);
                    continue;
                };
                let base = common_base(tx, incoming)?;
                let mut merged = merge(base.as_ref(), &here, &incoming.snapshot);
                // A consent withdrawn on one side while the name changed on the other:
                // the name goes, and no conflict keeps it.
                if without_uncovered_name(&mut merged.snapshot, today) {
                    merged.forget("case.identity");
                }
                // However it went (taken from the kit, or no consent for it), a name
                // that was here or came in the kit and is not kept is erased everywhere,
                // the version received included.
                let (before, came, kept) =
                    (holds_names(&here), holds_names(&incoming.snapshot), holds_names(&merged.snapshot));
                let erased = ((before.0 || came.0) && !kept.0) || ((before.1 || came.1) && !kept.1);
                if merged.snapshot != here {
                    merged.snapshot.check_whole(today, consent_age).map_err(|why| KitError::Invalid {
                        reference: incoming.snapshot.case.reference.clone(),
                        why,
                    })?;
                    write_snapshot(tx, &merged.snapshot, &local, &here)?;
                }
                for conflict in &merged.conflicts {
                    // A newer kit's value replaces an older one still waiting for the same field.
                    tx.execute(
                        "DELETE FROM kit_conflicts WHERE case_id = ?1 AND field = ?2 AND resolved IS NULL",
                        params![id.to_string(), conflict.field],
                    )?;
                    tx.execute(
                        "INSERT INTO kit_conflicts (case_id, field, here, kit, kit_from, found_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![
                            id.to_string(),
                            conflict.field,
                            conflict.here.to_string(),
                            conflict.kit.to_string(),
                            kit.created_by,
                            now_stamp()
                        ],
                    )?;
                }
                append_trail(tx, id, &incoming.audit)?;
                let conflicts: Vec<&str> = merged.conflicts.iter().map(|c| c.field.as_str()).collect();
                let detail = json!({"taken": merged.taken, "conflicts": conflicts, "kit": logged});
                audit::append(tx, actor, id, AuditAction::KitImported, &detail)?;
                remember(tx, &version_of(incoming), &incoming.snapshot)?;
                if erased {
                    // Logged where a name shown here went; a name that only came in the kit
                    // was never here.
                    if before.0 || before.1 {
                        audit::append(tx, actor, id, AuditAction::IdentityErased, &json!({}))?;
                    }
                    scrub_identity(tx, id)?;
                }
                match (merged.taken.len(), conflicts.len()) {
                    (0, 0) => report.unchanged += 1,
                    (taken, found) => {
                        if taken > 0 {
                            report.updated.push((local.clone(), taken));
                        }
                        if found > 0 {
                            report.conflicts.push((local, found));
                        }
                    }
                }
            }
            Ok(report)
        })
    }

    /// Conflicts waiting for the user, oldest first.
    pub fn kit_conflicts(&self) -> Result<Vec<KitConflict>> {
        self.open_conflicts(None)
    }

    /// The conflicts of one case that wait for a choice.
    pub fn kit_conflicts_of(&self, case_id: Uuid) -> Result<Vec<KitConflict>> {
        self.open_conflicts(Some(case_id))
    }

    fn open_conflicts(&self, case_id: Option<Uuid>) -> Result<Vec<KitConflict>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT k.id, k.case_id, c.reference, k.field, k.here, k.kit, k.kit_from, k.found_at
             FROM kit_conflicts k JOIN cases c ON c.id = k.case_id
             WHERE k.resolved IS NULL AND (?1 IS NULL OR k.case_id = ?1) ORDER BY k.id",
        )?;
        let rows = stmt.query_map([case_id.map(|id| id.to_string())], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        rows.map(|row| {
            let (id, case_id, reference, field, here, kit, kit_from, found_at) = row?;
            Ok(KitConflict {
                id,
                case_id: parse_uuid(&case_id)?,
                reference,
                field,
                here: serde_json::from_str(&here)?,
                kit: serde_json::from_str(&kit)?,
                kit_from,
                found_at,
            })
        })
        .collect()
    }

    /// Settles a conflict: keeps this side's value, or puts the kit's in its place.
    /// Either way the choice is logged.
    pub fn resolve_kit_conflict(&mut self, conflict: &KitConflict, side: Side) -> Result<()> {
        anyhow::ensure!(side != Side::Edited, "a value written from both is settled with its text");
        let value = (side == Side::Kit).then(|| conflict.kit.clone());
        self.settle_conflict(conflict, side, value, |_| Ok(()))
    }

    /// Settles a text conflict with a value the user wrote from both, held to
    /// the rules a typed case is (a one-line field stays one line).
    pub fn resolve_kit_conflict_edited(
        &mut self,
        conflict: &KitConflict,
        text: &str,
        today: NaiveDate,
        consent_age: u32,
    ) -> Result<()> {
        if both_texts(&conflict.here, &conflict.kit).is_none() {
            bail!(ResolveError::NotText(conflict.field.clone()));
        }
        let field = conflict.field.clone();
        self.settle_conflict(conflict, Side::Edited, Some(Value::String(text.to_string())), |resolved| {
            resolved.check_whole(today, consent_age).map_err(|broken| ResolveError::Breaks(field.clone(), broken))
        })
    }

    /// Marks a conflict settled, writing `value` into the field first when one
    /// is taken; the case must still hold together and pass `check`.
    fn settle_conflict(
        &mut self,
        conflict: &KitConflict,
        side: Side,
        value: Option<Value>,
        check: impl Fn(&CaseSnapshot) -> Result<(), ResolveError>,
    ) -> Result<()> {
        self.write(|tx, actor| {
            let open: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM kit_conflicts WHERE id = ?1 AND resolved IS NULL)",
                [conflict.id],
                |r| r.get(0),
            )?;
            if !open {
                bail!("conflict {} is not open", conflict.id);
            }
            if let Some(value) = value.clone() {
                let (_, here) = snapshot_of(tx, conflict.case_id)?.context("the case is gone")?;
                let resolved = with_field(&here, &conflict.field, value)?;
                if !resolved.records_hold_together() || !resolved.case.steps_in_order() {
                    bail!(ResolveError::DoesNotFit(conflict.field.clone()));
                }
                check(&resolved)?;
                write_snapshot(tx, &resolved, &conflict.reference, &here)?;
            }
            let taken = side.code();
            tx.execute("UPDATE kit_conflicts SET resolved = ?1 WHERE id = ?2", params![taken, conflict.id])?;
            let detail = json!({"field": conflict.field, "taken": taken, "kit_from": conflict.kit_from});
            audit::append(tx, actor, conflict.case_id, AuditAction::KitConflictResolved, &detail)
        })
    }
}
