//! Cases: writing them with their derived columns, reading one, and the paged,
//! indexed queries behind the screens.

use anyhow::{Context, Result, bail};
use chrono::{Datelike, NaiveDate};
use rusqlite::types::Type;
use rusqlite::{OptionalExtension, Row, Transaction, params, params_from_iter};
use serde_json::{Value, json};
use uuid::Uuid;

use super::erasure::{FAMILY_NAMED, family_named};
use super::{Store, audit};
use crate::domain::CONSENT_WARNING_DAYS;
use crate::domain::{
    Action, AuditAction, Case, CaseDetails, CaseHistory, CaseKind, Closure, Coded, Consent, DeadlineKind, Gender,
    Identity, Meeting, MeetingNo, Stage, Status, add_days, iso_date,
};

/// Which cases a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    #[default]
    Open,
    Closed,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Most urgent open deadline first; cases with none last.
    #[default]
    Urgency,
    /// Newest reference first.
    Newest,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseQuery {
    pub status: StatusFilter,
    pub stage: Option<Stage>,
    /// Words looked for in reference, school, class, teacher and description.
    pub search: String,
    /// Only cases whose open deadline falls on or before this day.
    pub due_by: Option<NaiveDate>,
    pub order: Order,
}

/// What a list line shows of a case: no meetings are loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    pub id: Uuid,
    pub reference: String,
    pub kind: CaseKind,
    pub school: String,
    pub grade: String,
    pub gender: Option<Gender>,
    pub teacher: String,
    pub stage: Stage,
    pub status: Status,
    pub next_kind: Option<DeadlineKind>,
    pub next_due: Option<NaiveDate>,
    pub next_planned: Option<NaiveDate>,
}

/// A case as `saksgang list` prints it, borrowed from the row the query is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListLine<'r> {
    pub reference: &'r str,
    pub stage: Stage,
    pub school: &'r str,
    pub grade: &'r str,
    pub status: Status,
    pub next_kind: Option<DeadlineKind>,
    pub next_due: Option<NaiveDate>,
}

impl ListLine<'_> {
    /// The line a case makes.
    pub fn of(case: &Case) -> ListLine<'_> {
        let open = case.open_deadline();
        ListLine {
            reference: &case.reference,
            stage: case.stage(),
            school: &case.details.school,
            grade: &case.details.grade,
            status: case.status(),
            next_kind: open.as_ref().map(|dl| dl.kind),
            next_due: open.as_ref().map(|dl| dl.due),
        }
    }
}

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

const NO_DEADLINE: &str = "9999-12-31";

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

const CASE_COLUMNS: &str = "id, reference, kind, school, grade, gender, teacher, description, created_on,
     decision, decided_on, referral_sent_on, closed_on, close_reason,
     consent_given_on, consent_given_by, consent_scope, consent_expires_on, consent_withdrawn_on, pupil_name, birth_date";

fn case_from_row(row: &Row) -> rusqlite::Result<Case> {
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
    })
}

const ROW_COLUMNS: &str =
    "id, reference, kind, school, grade, gender, teacher, stage, status, next_kind, next_due, next_planned";

/// A text column read in place, without a copy.
fn column_text<'r>(row: &'r Row, i: usize) -> rusqlite::Result<Option<&'r str>> {
    row.get_ref(i)?.as_str_or_null().map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, e.into()))
}

/// A text column that may not be NULL, read in place.
fn required_text<'r>(row: &'r Row, i: usize) -> rusqlite::Result<&'r str> {
    column_text(row, i)?.ok_or(rusqlite::Error::InvalidColumnType(i, String::new(), Type::Null))
}

fn case_row_from_row(row: &Row) -> rusqlite::Result<CaseRow> {
    // Codes and dates are read in place: a page of rows allocates only its texts.
    let code = |i: usize| column_text(row, i);
    let required = |i: usize| required_text(row, i);
    let day = |i: usize| code(i)?.map(parse_day).transpose();
    Ok(CaseRow {
        id: parse_uuid(required(0)?)?,
        reference: row.get(1)?,
        kind: stored(required(2)?)?,
        school: row.get(3)?,
        grade: row.get(4)?,
        gender: code(5)?.map(stored).transpose()?,
        teacher: row.get(6)?,
        stage: stored(required(7)?)?,
        status: stored(required(8)?)?,
        next_kind: code(9)?.map(stored).transpose()?,
        next_due: day(10)?,
        next_planned: day(11)?,
    })
}

/// Search words shorter than this cannot use the trigram index and are matched by
/// scanning instead.
const TRIGRAM: usize = 3;

/// Whether every word of a search can use the trigram index (short words scan).
pub fn search_uses_index(search: &str) -> bool {
    search.split_whitespace().all(|w| w.chars().count() >= TRIGRAM)
}

/// The parts of a query's SQL, with its parameters (all text).
struct QuerySql {
    /// Conditions on `cases`, joined with AND.
    conditions: Vec<String>,
    params: Vec<String>,
    /// The parameter number of the trigram MATCH expression, if any word uses it.
    fts_param: Option<usize>,
    order: &'static str,
}

impl QuerySql {
    fn new(query: &CaseQuery) -> QuerySql {
        let mut sql = QuerySql { conditions: Vec::new(), params: Vec::new(), fts_param: None, order: "" };
        match query.status {
            StatusFilter::Open => sql.conditions.push("cases.status = 'open'".to_string()),
            StatusFilter::Closed => sql.conditions.push("cases.status = 'closed'".to_string()),
            StatusFilter::All => {}
        }
        if let Some(stage) = query.stage {
            let n = sql.param(stage.code().to_string());
            sql.conditions.push(format!("cases.stage = ?{n}"));
        }
        if let Some(due_by) = query.due_by {
            let n = sql.param(iso_date(due_by));
            sql.conditions.push(format!("cases.due_sort <= ?{n}"));
        }
        let words: Vec<String> = query.search.split_whitespace().map(str::to_lowercase).collect();
        let (long, short): (Vec<&String>, Vec<&String>) = words.iter().partition(|w| w.chars().count() >= TRIGRAM);
        if !long.is_empty() {
            // Every word a quoted phrase (quotes doubled): FTS5 reads no operators in it.
            let phrases: Vec<String> = long.iter().map(|w| format!("\"{}\"", w.replace('"', "\"\""))).collect();
            sql.fts_param = Some(sql.param(phrases.join(" ")));
        }
        for word in short {
            let escaped = word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            let n = sql.param(format!("%{escaped}%"));
            sql.conditions.push(format!("cases.search_text LIKE ?{n} ESCAPE '\\'"));
        }
        sql.order = match query.order {
            Order::Urgency => " ORDER BY due_sort, ref_year, ref_seq",
            Order::Newest => " ORDER BY ref_year DESC, ref_seq DESC",
        };
        sql
    }

    fn param(&mut self, value: String) -> usize {
        self.params.push(value);
        self.params.len()
    }

    fn where_clause(conditions: &[String]) -> String {
        if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) }
    }

    /// `FROM … WHERE …` that walks `cases` in the index order of the list and
    /// checks each row against the search: early out when matches are many.
    fn source_by_list_order(&self) -> String {
        let mut conditions = self.conditions.clone();
        if let Some(n) = self.fts_param {
            conditions.push(format!("cases.key IN (SELECT rowid FROM cases_search WHERE cases_search MATCH ?{n})"));
        }
        format!(" FROM cases{}", Self::where_clause(&conditions))
    }

    /// `FROM … WHERE …` that starts from the search index: cost follows the matches.
    fn source_by_matches(&self) -> String {
        match self.fts_param {
            Some(n) => {
                let mut conditions = vec![format!("cases_search MATCH ?{n}")];
                conditions.extend(self.conditions.iter().cloned());
                format!(
                    " FROM cases_search CROSS JOIN cases ON cases.key = cases_search.rowid{}",
                    Self::where_clause(&conditions)
                )
            }
            None => self.source_by_list_order(),
        }
    }
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

    /// How many cases match, counting no further than `cap` when one is given
    /// (a search matching half the municipality need not be counted while typing).
    pub fn count_cases(&self, query: &CaseQuery, cap: Option<u64>) -> Result<u64> {
        if query.search.trim().is_empty() && query.due_by.is_none() {
            // Status and stage alone: the counts the triggers keep.
            let status = match query.status {
                StatusFilter::Open => Some("open"),
                StatusFilter::Closed => Some("closed"),
                StatusFilter::All => None,
            };
            let count: i64 = self
                .conn
                .prepare_cached(
                    "SELECT coalesce(sum(n), 0) FROM stage_counts
                     WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR stage = ?2)",
                )?
                .query_row(params![status, query.stage.map(Stage::code)], |r| r.get(0))?;
            return Ok(count as u64);
        }
        let sql = QuerySql::new(query);
        let from = sql.source_by_matches();
        let text = match cap {
            Some(cap) => format!("SELECT count(*) FROM (SELECT 1{from} LIMIT {cap})"),
            None => format!("SELECT count(*){from}"),
        };
        let count: i64 = self.conn.prepare_cached(&text)?.query_row(params_from_iter(sql.params), |r| r.get(0))?;
        Ok(count as u64)
    }

    /// One page of a list, as the screens show it.
    pub fn list_cases(&self, query: &CaseQuery, offset: u64, limit: u64) -> Result<Vec<CaseRow>> {
        let mut sql = QuerySql::new(query);
        let limit_n = sql.param(limit.to_string());
        let offset_n = sql.param(offset.to_string());
        let text = format!(
            "SELECT {ROW_COLUMNS}{}{} LIMIT ?{limit_n} OFFSET ?{offset_n}",
            sql.source_by_list_order(),
            sql.order
        );
        let mut stmt = self.conn.prepare_cached(&text)?;
        let rows = stmt.query_map(params_from_iter(sql.params), case_row_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every line of `saksgang list` in its order, streamed through `each` as the one
    /// indexed query yields them, each borrowed from its row: nothing is held or
    /// copied but the line at hand.
    pub fn for_each_line(&self, query: &CaseQuery, mut each: impl FnMut(&ListLine) -> Result<()>) -> Result<()> {
        let sql = QuerySql::new(query);
        let text = format!(
            "SELECT reference, stage, school, grade, status, next_kind, next_due{}{}",
            sql.source_by_list_order(),
            sql.order
        );
        let mut stmt = self.conn.prepare(&text)?;
        let mut rows = stmt.query(params_from_iter(sql.params))?;
        while let Some(row) = rows.next()? {
            let code = |i: usize| column_text(row, i);
            let required = |i: usize| required_text(row, i);
            let line = ListLine {
                reference: required(0)?,
                stage: stored(required(1)?)?,
                school: required(2)?,
                grade: required(3)?,
                status: stored(required(4)?)?,
                next_kind: code(5)?.map(stored).transpose()?,
                next_due: code(6)?.map(parse_day).transpose()?,
            };
            each(&line)?;
        }
        Ok(())
    }

    /// Whole cases with their meetings, for output to scripts; streamed through `each`.
    pub fn for_each_case(&self, query: &CaseQuery, mut each: impl FnMut(Case) -> Result<()>) -> Result<()> {
        let sql = QuerySql::new(query);
        let mut stmt =
            self.conn.prepare(&format!("SELECT {CASE_COLUMNS}{}{}", sql.source_by_list_order(), sql.order))?;
        let mut rows = stmt.query(params_from_iter(sql.params))?;
        while let Some(row) = rows.next()? {
            let mut case = case_from_row(row)?;
            load_meetings(&self.conn, &mut case)?;
            each(case)?;
        }
        Ok(())
    }

    /// Records that someone looked at a case with a name ("who looked at whom").
    /// Logs that a document about the case left the program (`detail` says which).
    pub fn note_minutes_exported(&mut self, case: &Case, detail: Value) -> Result<()> {
        self.write(|tx, actor| audit::append(tx, actor, case.id, AuditAction::MinutesExported, &detail))
    }

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
    load_meetings(conn, &mut case)?;
    Ok(Some(case))
}

fn load_meetings(conn: &rusqlite::Connection, case: &mut Case) -> Result<()> {
    let mut stmt = conn.prepare_cached("SELECT number, date, held FROM meetings WHERE case_id = ?1")?;
    let mut rows = stmt.query([case.id.to_string()])?;
    while let Some(row) = rows.next()? {
        let number = MeetingNo::new(row.get(0)?).context("meeting number out of range in the database")?;
        let date = parse_day(&row.get::<_, String>(1)?)?;
        case.meetings[number.index()] = Some(Meeting { date, held: row.get(2)? });
    }
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
    }
}
