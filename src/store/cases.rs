//! Cases: writing them with their derived columns, reading one, changing one
//! through the rules, and the counts behind the start screen.

use anyhow::{Context, Result, bail};
use chrono::{Datelike, NaiveDate};
use rusqlite::{OptionalExtension, Row, Transaction, params};
use serde_json::{Value, json};
use uuid::Uuid;

use super::erasure::{FAMILY_NAMED, family_named};
use super::{Store, audit};
use crate::domain::CONSENT_WARNING_DAYS;
use crate::domain::{
    Action, AuditAction, Case, CaseDetails, CaseHistory, Closure, Coded, Consent, Gender, Identity, Meeting, MeetingNo,
    Stage, Status, add_days, iso_date,
};

/// Counts behind the start screen's consent warnings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConsentWarnings {
    /// Cases holding a name without a valid consent (withdrawn or expired).
    pub to_erase: u64,
    /// Consents that run out within the warning period.
    pub expiring: u64,
    /// Guardians consented, and the pupil reaches the consent age within the period.
    pub pupil_of_age: u64,
}

/// Open cases per stage, for the start screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StageCounts {
    pub per_stage: Vec<(Stage, u64)>,
    pub closed: u64,
}

pub(super) const NO_DEADLINE: &str = "9999-12-31";

/// A value stored by its code; a code this program does not know is a damaged row.
pub(super) fn stored<T: Coded>(code: &str) -> rusqlite::Result<T> {
    T::from_code(code).ok_or_else(|| bad_value(code))
}

pub(super) fn parse_day(text: &str) -> rusqlite::Result<NaiveDate> {
    // `FromStr` reads yyyy-mm-dd without interpreting a format string for every row.
    text.parse::<NaiveDate>().map_err(|_| bad_value(text))
}

pub(super) fn parse_opt_day(text: Option<String>) -> rusqlite::Result<Option<NaiveDate>> {
    text.as_deref().map(parse_day).transpose()
}

/// A time of day as stored: `HH:MM`.
pub(super) fn parse_stored_time(text: &str) -> rusqlite::Result<chrono::NaiveTime> {
    crate::domain::parse_time(text).ok_or_else(|| bad_value(text))
}

pub(super) fn parse_uuid(text: &str) -> rusqlite::Result<Uuid> {
    Uuid::parse_str(text).map_err(|_| bad_value(text))
}

pub(super) fn bad_value(text: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("unexpected value in the database: {text:?}").into(),
    )
}

/// Inserts or updates a case and its meetings, with the columns derived from it.
pub(super) fn write_case(tx: &Transaction, case: &Case) -> Result<()> {
    let d = &case.details;
    let open = case.open_deadline();
    let consent = case.consent.as_ref();
    let (ref_year, ref_seq) = split_reference(&case.reference)?;
    tx.prepare_cached(
        "INSERT INTO cases (id, reference, ref_year, ref_seq, kind, school, grade, gender, teacher, description,
             created_on, decision, decided_on, referral_sent_on, closed_on, close_reason,
             stage, status, next_kind, next_due, next_planned, due_sort, search_text,
             consent_given_on, consent_given_by, consent_scope, consent_expires_on, consent_withdrawn_on,
             pupil_name, birth_date)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23,
             ?24, ?25, ?26, ?27, ?28, ?29, ?30)
         ON CONFLICT (id) DO UPDATE SET
             kind = excluded.kind, school = excluded.school, grade = excluded.grade, gender = excluded.gender,
             teacher = excluded.teacher, description = excluded.description, decision = excluded.decision,
             decided_on = excluded.decided_on, referral_sent_on = excluded.referral_sent_on,
             closed_on = excluded.closed_on, close_reason = excluded.close_reason, stage = excluded.stage,
             status = excluded.status, next_kind = excluded.next_kind, next_due = excluded.next_due,
             next_planned = excluded.next_planned, due_sort = excluded.due_sort, search_text = excluded.search_text,
             consent_given_on = excluded.consent_given_on, consent_given_by = excluded.consent_given_by,
             consent_scope = excluded.consent_scope, consent_expires_on = excluded.consent_expires_on,
             consent_withdrawn_on = excluded.consent_withdrawn_on, pupil_name = excluded.pupil_name,
             birth_date = excluded.birth_date",
    )?
    .execute(params![
        case.id.to_string(),
        case.reference,
        ref_year,
        ref_seq,
        d.kind.code(),
        d.school,
        d.grade,
        d.gender.map(Gender::code),
        d.teacher,
        d.description,
        iso_date(case.created),
        case.decision.map(|(dec, _)| dec.code()),
        case.decision.map(|(_, on)| iso_date(on)),
        case.referral_sent.map(iso_date),
        case.closure.as_ref().map(|c| iso_date(c.date)),
        case.closure.as_ref().map(|c| c.reason.clone()),
        case.stage().code(),
        if case.status() == Status::Open { "open" } else { "closed" },
        open.map(|o| o.kind.code()),
        open.map(|o| iso_date(o.due)),
        open.and_then(|o| o.planned).map(iso_date),
        open.map_or(NO_DEADLINE.to_string(), |o| iso_date(o.due)),
        case.search_text(),
        consent.map(|c| iso_date(c.given_on)),
        consent.map(|c| c.given_by.code()),
        consent.map(|c| c.scope.as_str()),
        consent.and_then(|c| c.expires_on).map(iso_date),
        consent.and_then(|c| c.withdrawn_on).map(iso_date),
        case.identity.as_ref().map(|i| i.name.as_str()),
        case.identity.as_ref().and_then(|i| i.birth_date).map(iso_date),
    ])?;
    tx.prepare_cached("DELETE FROM meetings WHERE case_id = ?1")?.execute([case.id.to_string()])?;
    let mut insert = tx.prepare_cached("INSERT INTO meetings (case_id, number, date, held) VALUES (?1, ?2, ?3, ?4)")?;
    for number in MeetingNo::ALL {
        if let Some(m) = case.meeting(number) {
            insert.execute(params![case.id.to_string(), number.get(), iso_date(m.date), m.held])?;
        }
    }
    super::ppt::write_track(tx, &case.id.to_string(), case.ppt.as_ref())?;
    Ok(())
}

pub(super) fn split_reference(reference: &str) -> Result<(i64, i64)> {
    let parsed = reference.split_once('-').and_then(|(y, s)| Some((y.parse().ok()?, s.parse().ok()?)));
    parsed.with_context(|| format!("malformed reference {reference:?}"))
}

pub(super) fn next_reference(tx: &Transaction, year: i32) -> Result<String> {
    let seq: i64 = tx
        .prepare_cached("SELECT COALESCE(MAX(ref_seq), 0) + 1 FROM cases WHERE ref_year = ?1")?
        .query_row([year], |r| r.get(0))?;
    Ok(format!("{year}-{seq:03}"))
}

pub(super) const CASE_COLUMNS: &str = "id, reference, kind, school, grade, gender, teacher, description, created_on,
     decision, decided_on, referral_sent_on, closed_on, close_reason,
     consent_given_on, consent_given_by, consent_scope, consent_expires_on, consent_withdrawn_on, pupil_name, birth_date";

pub(super) fn case_from_row(row: &Row) -> rusqlite::Result<Case> {
    let decision = match (row.get::<_, Option<String>>(9)?, row.get::<_, Option<String>>(10)?) {
        (Some(code), Some(on)) => Some((stored(&code)?, parse_day(&on)?)),
        _ => None,
    };
    let closure = match (row.get::<_, Option<String>>(12)?, row.get::<_, Option<String>>(13)?) {
        (Some(on), reason) => Some(Closure { date: parse_day(&on)?, reason: reason.unwrap_or_default() }),
        _ => None,
    };
    Ok(Case {
        id: parse_uuid(&row.get::<_, String>(0)?)?,
        reference: row.get(1)?,
        details: CaseDetails {
            kind: stored(&row.get::<_, String>(2)?)?,
            school: row.get(3)?,
            grade: row.get(4)?,
            gender: row.get::<_, Option<String>>(5)?.as_deref().map(stored).transpose()?,
            teacher: row.get(6)?,
            description: row.get(7)?,
        },
        created: parse_day(&row.get::<_, String>(8)?)?,
        meetings: [None; 3],
        decision,
        referral_sent: parse_opt_day(row.get(11)?)?,
        closure,
        consent: match (row.get::<_, Option<String>>(14)?, row.get::<_, Option<String>>(15)?) {
            (Some(given_on), Some(given_by)) => Some(Consent {
                given_on: parse_day(&given_on)?,
                given_by: stored(&given_by)?,
                scope: row.get::<_, Option<String>>(16)?.unwrap_or_default(),
                expires_on: parse_opt_day(row.get(17)?)?,
                withdrawn_on: parse_opt_day(row.get(18)?)?,
            }),
            _ => None,
        },
        identity: match row.get::<_, Option<String>>(19)? {
            Some(name) => Some(Identity { name, birth_date: parse_opt_day(row.get(20)?)? }),
            None => None,
        },
        ppt: None,
        individual_plan: None,
    })
}

impl Store {
    /// Registers a new case in internal sparring; its reference is the next free one
    /// of the year it was created.
    pub fn create_case(&mut self, details: CaseDetails, created: NaiveDate, today: NaiveDate) -> Result<Case> {
        self.write(|tx, actor| {
            let reference = next_reference(tx, created.year())?;
            let case = Case::new(Uuid::new_v4(), reference, details, created, today)?;
            write_case(tx, &case)?;
            audit::append(tx, actor, case.id, AuditAction::Created, &details_json(&case.details, Some(case.created)))?;
            Ok(case)
        })
    }

    /// Creates many cases with their histories in one transaction (demo data, imports).
    /// Each action passes the domain's rules and is audited like a user's.
    pub fn create_with_history(&mut self, cases: &[CaseHistory], today: NaiveDate) -> Result<usize> {
        self.write(|tx, actor| {
            for demo in cases {
                let reference = next_reference(tx, demo.created.year())?;
                let mut case = Case::new(Uuid::new_v4(), reference, demo.details.clone(), demo.created, today)?;
                let mut trail = vec![(AuditAction::Created, details_json(&case.details, Some(case.created)))];
                for action in &demo.history {
                    let after = case.apply(action, today)?;
                    trail.push(audit_detail(&case, action));
                    case = after;
                }
                write_case(tx, &case)?;
                for (name, detail) in trail {
                    audit::append(tx, actor, case.id, name, &detail)?;
                }
            }
            Ok(cases.len())
        })
    }

    /// Applies a user's action through the domain's rules, stores the result and
    /// audits it, all in one transaction.
    pub fn apply(&mut self, case_id: Uuid, action: &Action, today: NaiveDate) -> Result<Case> {
        self.write(|tx, actor| {
            let Some(before) = load_case(tx, "id", &case_id.to_string())? else {
                bail!("case {case_id} does not exist");
            };
            let after = before.apply(action, today)?;
            write_case(tx, &after)?;
            let (name, detail) = audit_detail(&before, action);
            audit::append(tx, actor, case_id, name, &detail)?;
            let family_uncovered = !after.may_name_family(today) && family_named(tx, case_id)?;
            if (before.identity.is_some() && after.identity.is_none()) || family_uncovered {
                super::erasure::scrub_identity(tx, case_id)?;
            }
            Ok(after)
        })
    }

    pub fn case_by_reference(&self, reference: &str) -> Result<Option<Case>> {
        load_case(&self.conn, "reference", reference.trim())
    }

    pub fn case_by_id(&self, id: Uuid) -> Result<Option<Case>> {
        load_case(&self.conn, "id", &id.to_string())
    }

    /// Logs that a document about the case left the program: the minutes, a
    /// letter (`action`; `detail` says which and in what format).
    pub fn note_exported(&mut self, case: &Case, action: AuditAction, detail: Value) -> Result<()> {
        self.write(|tx, actor| audit::append(tx, actor, case.id, action, &detail))
    }

    /// Records that someone looked at a case with a name ("who looked at whom").
    pub fn note_viewed(&mut self, case: &Case) -> Result<()> {
        if case.identity.is_none() {
            return Ok(());
        }
        self.write(|tx, actor| audit::append(tx, actor, case.id, AuditAction::Viewed, &json!({})))
    }

    /// What the start screen warns about, on `today`.
    pub fn consent_warnings(&self, today: NaiveDate, consent_age: u32) -> Result<ConsentWarnings> {
        let day = iso_date(today);
        let horizon = add_days(today, CONSENT_WARNING_DAYS);
        // Born on or before this day: of consent age within the warning period.
        let born_by = horizon.checked_sub_months(chrono::Months::new(12 * consent_age)).unwrap_or(horizon);
        let counts = self
            .conn
            .prepare_cached(
                "SELECT
                (SELECT count(*) FROM cases WHERE key IN (
                    SELECT key FROM cases WHERE pupil_name IS NOT NULL
                    UNION SELECT cases.key FROM participants JOIN cases ON cases.id = participants.case_id
                        WHERE role IN ('pupil', 'guardian') AND name <> '') AND NOT (kind = 'individual' AND
                    consent_given_on IS NOT NULL AND consent_given_on <= ?1
                    AND (consent_withdrawn_on IS NULL OR consent_withdrawn_on > ?1)
                    AND (consent_expires_on IS NULL OR consent_expires_on > ?1))),
                (SELECT count(*) FROM cases WHERE consent_expires_on > ?1 AND consent_expires_on <= ?2
                    AND consent_given_on <= ?1 AND (consent_withdrawn_on IS NULL OR consent_withdrawn_on > ?1)),
                (SELECT count(*) FROM cases WHERE pupil_name IS NOT NULL AND consent_given_by = 'guardians'
                    AND birth_date <= ?3
                    AND consent_given_on <= ?1 AND (consent_withdrawn_on IS NULL OR consent_withdrawn_on > ?1)
                    AND (consent_expires_on IS NULL OR consent_expires_on > ?1))",
            )?
            .query_row(params![day, iso_date(horizon), iso_date(born_by)], |r| {
                Ok(ConsentWarnings {
                    to_erase: r.get::<_, i64>(0)? as u64,
                    expiring: r.get::<_, i64>(1)? as u64,
                    pupil_of_age: r.get::<_, i64>(2)? as u64,
                })
            })?;
        Ok(counts)
    }

    /// Erases name and birth date, and the family's names in the minutes, wherever
    /// no valid consent covers them; returns in how many cases.
    pub fn erase_without_consent(&mut self, today: NaiveDate) -> Result<usize> {
        let ids: Vec<String> = self
            .conn
            .prepare(&format!("SELECT id FROM cases WHERE pupil_name IS NOT NULL OR id IN ({FAMILY_NAMED})"))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut erased = 0;
        for id in ids {
            let id = parse_uuid(&id)?;
            let Some(case) = self.case_by_id(id)? else { continue };
            if case.identity_must_be_erased(today) || !case.may_name_family(today) {
                self.apply(id, &Action::EraseIdentity, today)?;
                erased += 1;
            }
        }
        Ok(erased)
    }

    /// Open cases per stage, and how many are closed.
    pub fn stage_counts(&self) -> Result<StageCounts> {
        let mut stmt = self.conn.prepare_cached("SELECT status, stage, n FROM stage_counts")?;
        let mut counts = StageCounts { per_stage: Stage::ALL.iter().map(|s| (*s, 0)).collect(), closed: 0 };
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let n = row.get::<_, i64>(2)? as u64;
            if row.get::<_, String>(0)? == "closed" {
                counts.closed += n;
            } else {
                let stage = stored(&row.get::<_, String>(1)?)?;
                counts.per_stage.iter_mut().filter(|(s, _)| *s == stage).for_each(|(_, c)| *c = n);
            }
        }
        Ok(counts)
    }
}

pub(super) fn load_case(conn: &rusqlite::Connection, column: &str, value: &str) -> Result<Option<Case>> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE {column} = ?1");
    let Some(mut case) = conn.prepare_cached(&sql)?.query_row([value], case_from_row).optional()? else {
        return Ok(None);
    };
    load_parts(conn, &mut case)?;
    Ok(Some(case))
}

/// The parts of a case kept in tables of their own: its meetings and PPT's track.
pub(super) fn load_parts(conn: &rusqlite::Connection, case: &mut Case) -> Result<()> {
    let mut stmt = conn.prepare_cached("SELECT number, date, held FROM meetings WHERE case_id = ?1")?;
    let mut rows = stmt.query([case.id.to_string()])?;
    while let Some(row) = rows.next()? {
        let number = MeetingNo::new(row.get(0)?).context("meeting number out of range in the database")?;
        let date = parse_day(&row.get::<_, String>(1)?)?;
        case.meetings[number.index()] = Some(Meeting { date, held: row.get(2)? });
    }
    let track: Option<String> = match conn.prepare_cached("SELECT track FROM ppt_tracks WHERE case_id = ?1") {
        Ok(mut stmt) => stmt.query_row([case.id.to_string()], |r| r.get(0)).optional()?,
        // An older file being migrated (its cases sealed at schema 9) has no tracks yet.
        Err(_)
            if conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))?
                < super::schema::PPT_TRACKS_FROM =>
        {
            None
        }
        Err(error) => return Err(error.into()),
    };
    case.ppt = track.map(|json| serde_json::from_str(&json)).transpose().context("PPT's track in the database")?;
    Ok(())
}

fn details_json(d: &CaseDetails, created: Option<NaiveDate>) -> Value {
    let mut value = json!({
        "kind": d.kind.code(),
        "school": d.school,
        "grade": d.grade,
        "gender": d.gender.map(Gender::code),
        "teacher": d.teacher,
        "description": d.description,
    });
    if let Some(created) = created {
        value["created"] = json!(iso_date(created));
    }
    value
}

/// The audit action name and the facts of a change (for an edit: each changed
/// field with its old and new value).
fn audit_detail(before: &Case, action: &Action) -> (AuditAction, Value) {
    match action {
        Action::PlanMeeting { number, date } => {
            (AuditAction::MeetingPlanned, json!({"meeting": number.get(), "date": iso_date(*date)}))
        }
        Action::RecordMeeting { number, date } => {
            (AuditAction::MeetingHeld, json!({"meeting": number.get(), "date": iso_date(*date)}))
        }
        Action::Decide { decision, date } => {
            (AuditAction::Decided, json!({"decision": decision.code(), "date": iso_date(*date)}))
        }
        Action::ReferralSent { date } => (AuditAction::ReferralSent, json!({"date": iso_date(*date)})),
        Action::Close { date, reason } => {
            (AuditAction::Closed, json!({"date": iso_date(*date), "reason": reason.trim()}))
        }
        Action::Reopen { date, reason } => {
            (AuditAction::Reopened, json!({"date": iso_date(*date), "reason": reason.trim()}))
        }
        Action::Edit(details) => {
            let old = details_json(&before.details, None);
            let new = details_json(details, None);
            let changed: serde_json::Map<String, Value> = new
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, v)| {
                    old.get(k.as_str()).map(|o| o.as_str().map(str::trim)) != Some(v.as_str().map(str::trim))
                })
                .map(|(k, v)| (k.clone(), json!([old[k.as_str()], v])))
                .collect();
            (AuditAction::Edited, Value::Object(changed))
        }
        Action::RecordConsent { consent: c, .. } => (
            AuditAction::ConsentRecorded,
            json!({
                "given_on": iso_date(c.given_on),
                "given_by": c.given_by.code(),
                "scope": c.scope.trim(),
                "expires_on": c.expires_on.map(iso_date),
            }),
        ),
        Action::WithdrawConsent { date } => (AuditAction::ConsentWithdrawn, json!({"date": iso_date(*date)})),
        // Never the values themselves: the log must not keep what an erasure removes.
        Action::SetIdentity { .. } => (AuditAction::IdentitySet, json!({})),
        Action::EraseIdentity => (AuditAction::IdentityErased, json!({})),
        Action::PptReceived { date } => (AuditAction::PptReceived, json!({"date": iso_date(*date)})),
        // Which step and its first day: the adviser's name, reasons and the
        // recommendation stay in the track, not the log.
        Action::Ppt { step, .. } => {
            let date = step.dates().first().map(|d| iso_date(*d));
            (AuditAction::PptStep, json!({"step": step.code(), "date": date}))
        }
    }
}
