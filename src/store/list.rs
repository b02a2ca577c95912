//! The lists of cases: a query's filters, order and search as SQL over the
//! covering index, counted, paged for the screens and streamed for the command line.

use anyhow::Result;
use chrono::NaiveDate;
use rusqlite::types::Type;
use rusqlite::{Row, params, params_from_iter};
use uuid::Uuid;

use super::Store;
use super::cases::{CASE_COLUMNS, case_from_row, load_parts, parse_day, parse_uuid, stored};
use crate::domain::ppt::{PptDeadlineKind, TrackState};
use crate::domain::{Case, CaseKind, Coded, DeadlineKind, Gender, Stage, Status, iso_date};

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
    /// PPT's tracks, the next PPT deadline first (the adviser's start screen).
    PptDeadline,
    /// PPT's tracks, the longest waiting first.
    PptWaiting,
}

/// Which of PPT's tracks a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PptFilter {
    /// Every track not closed.
    Open,
    /// The tracks waiting for an adviser.
    Waiting,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseQuery {
    pub status: StatusFilter,
    pub stage: Option<Stage>,
    /// Words looked for in reference, school, class, teacher and description.
    pub search: String,
    /// Only cases whose open deadline falls on or before this day.
    pub due_by: Option<NaiveDate>,
    /// Only cases this PPT adviser holds.
    pub adviser: Option<String>,
    /// Only cases with a track at PPT, in this state.
    pub ppt: Option<PptFilter>,
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
    /// Where PPT has received the referral, its track.
    pub ppt: Option<PptRow>,
}

/// What a list line shows of PPT's track.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PptRow {
    pub state: TrackState,
    pub adviser: Option<String>,
    pub received: NaiveDate,
    pub assigned_on: Option<NaiveDate>,
    pub next_kind: Option<PptDeadlineKind>,
    pub next_due: Option<NaiveDate>,
}

impl PptRow {
    /// Days on the waiting list: until the adviser was assigned, or until `today`.
    pub fn days_waiting(&self, today: NaiveDate) -> i64 {
        (self.assigned_on.unwrap_or(today) - self.received).num_days().max(0)
    }

    /// Waited more than two months for an adviser.
    pub fn waited_too_long(&self, today: NaiveDate) -> bool {
        crate::domain::ppt::waited_long(self.received, self.assigned_on.unwrap_or(today))
    }
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

const ROW_COLUMNS: &str = "cases.id, reference, kind, school, grade, gender, teacher, stage, status, cases.next_kind,
     cases.next_due, next_planned, ppt_tracks.state, ppt_tracks.adviser, ppt_tracks.received_on,
     ppt_tracks.assigned_on, ppt_tracks.next_kind, ppt_tracks.next_due";

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
        ppt: match code(12)? {
            Some(state) => Some(PptRow {
                state: stored(state)?,
                adviser: row.get(13)?,
                received: parse_day(required(14)?)?,
                assigned_on: day(15)?,
                next_kind: code(16)?.map(stored).transpose()?,
                next_due: day(17)?,
            }),
            None => None,
        },
    })
}

/// Search words shorter than this cannot use the trigram index: they are found as
/// the start of a word by the index of short words (`cases_words`).
const TRIGRAM: usize = 3;

/// The search indexes a query looks in, each with its MATCH expression.
#[derive(Clone, Copy)]
enum SearchIndex {
    /// Any part of a word, three letters or more.
    Trigram,
    /// The start of a word, for words of one or two letters.
    WordStart,
}

impl SearchIndex {
    fn table(self) -> &'static str {
        match self {
            SearchIndex::Trigram => "cases_search",
            SearchIndex::WordStart => "cases_words",
        }
    }
}

/// The parts of a query's SQL, with its parameters (all text).
struct QuerySql {
    /// Conditions on `cases`, joined with AND.
    conditions: Vec<String>,
    params: Vec<String>,
    /// The search indexes to match, with the parameter number of each expression.
    matches: Vec<(SearchIndex, usize)>,
    order: &'static str,
    /// The tables a row comes from, joined: cases with their tracks, or for
    /// PPT's lists the tracks with their cases (walked in a track index's order).
    tables: &'static str,
}

/// Cases, each with its track where it has one (SQLite leaves the join out
/// where no column of the track is used).
const CASES_WITH_TRACKS: &str = "cases LEFT JOIN ppt_tracks ON ppt_tracks.case_id = cases.id";
const TRACKS_WITH_CASES: &str = "ppt_tracks CROSS JOIN cases ON cases.id = ppt_tracks.case_id";

impl QuerySql {
    fn new(query: &CaseQuery) -> QuerySql {
        let mut sql = QuerySql {
            conditions: Vec::new(),
            params: Vec::new(),
            matches: Vec::new(),
            order: "",
            tables: CASES_WITH_TRACKS,
        };
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
        if let Some(adviser) = &query.adviser {
            let n = sql.param(adviser.trim().to_string());
            sql.conditions.push(format!("cases.id IN (SELECT case_id FROM ppt_tracks WHERE adviser = ?{n})"));
        }
        match query.ppt {
            Some(PptFilter::Open) => sql.conditions.push("ppt_tracks.state <> 'closed'".to_string()),
            Some(PptFilter::Waiting) => sql.conditions.push("ppt_tracks.state = 'waiting'".to_string()),
            None => {}
        }
        let words: Vec<String> = query.search.split_whitespace().map(str::to_lowercase).collect();
        // Every word a quoted phrase (quotes doubled): FTS5 reads no operators in it.
        let phrase = |w: &str| format!("\"{}\"", w.replace('"', "\"\""));
        let (long, short): (Vec<&String>, Vec<&String>) = words.iter().partition(|w| w.chars().count() >= TRIGRAM);
        if !long.is_empty() {
            let n = sql.param(long.iter().map(|w| phrase(w)).collect::<Vec<_>>().join(" "));
            sql.matches.push((SearchIndex::Trigram, n));
        }
        // A short word with a letter or digit is the start of a word ("7." finds
        // "7. trinn"); one of signs only ("-", "/") is looked for anywhere.
        let (indexed, signs): (Vec<&String>, Vec<&String>) =
            short.into_iter().partition(|w| w.chars().any(char::is_alphanumeric));
        if !indexed.is_empty() {
            let n = sql.param(indexed.iter().map(|w| format!("{}*", phrase(w))).collect::<Vec<_>>().join(" "));
            sql.matches.push((SearchIndex::WordStart, n));
        }
        for word in signs {
            let escaped = word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            let n = sql.param(format!("%{escaped}%"));
            sql.conditions.push(format!("cases.search_text LIKE ?{n} ESCAPE '\\'"));
        }
        sql.order = match query.order {
            Order::Urgency => " ORDER BY cases.due_sort, ref_year, ref_seq",
            Order::Newest => " ORDER BY ref_year DESC, ref_seq DESC",
            // The order of the track indexes, to their primary key: no sort.
            Order::PptDeadline => " ORDER BY ppt_tracks.due_sort, ppt_tracks.received_on, ppt_tracks.case_id",
            Order::PptWaiting => " ORDER BY ppt_tracks.received_on, ppt_tracks.case_id",
        };
        if matches!(query.order, Order::PptDeadline | Order::PptWaiting) {
            sql.tables = TRACKS_WITH_CASES;
        }
        sql
    }

    fn param(&mut self, value: String) -> usize {
        self.params.push(value);
        self.params.len()
    }

    fn where_clause(conditions: &[String]) -> String {
        if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) }
    }

    fn match_condition((index, n): &(SearchIndex, usize)) -> String {
        let table = index.table();
        format!("cases.key IN (SELECT rowid FROM {table} WHERE {table} MATCH ?{n})")
    }

    /// `FROM … WHERE …` that walks `cases` in the index order of the list and
    /// checks each row against the search: early out when matches are many.
    fn source_by_list_order(&self) -> String {
        let mut conditions = self.conditions.clone();
        conditions.extend(self.matches.iter().map(Self::match_condition));
        format!(" FROM {}{}", self.tables, Self::where_clause(&conditions))
    }

    /// `FROM … WHERE …` that starts from a search index: cost follows the matches.
    fn source_by_matches(&self) -> String {
        match self.matches.split_first() {
            Some(((index, n), others)) => {
                let table = index.table();
                let mut conditions = vec![format!("{table} MATCH ?{n}")];
                conditions.extend(self.conditions.iter().cloned());
                conditions.extend(others.iter().map(Self::match_condition));
                format!(
                    " FROM {table} CROSS JOIN cases ON cases.key = {table}.rowid
                     LEFT JOIN ppt_tracks ON ppt_tracks.case_id = cases.id{}",
                    Self::where_clause(&conditions)
                )
            }
            None => self.source_by_list_order(),
        }
    }
}

impl Store {
    /// How many cases match, counting no further than `cap` when one is given
    /// (a search matching half the municipality need not be counted while typing).
    pub fn count_cases(&self, query: &CaseQuery, cap: Option<u64>) -> Result<u64> {
        let plain = query.search.trim().is_empty() && query.due_by.is_none() && query.adviser.is_none();
        if plain && query.stage.is_none() && query.status == StatusFilter::All && query.ppt.is_some() {
            // PPT's tracks alone: counted in a track index, no case read.
            let state = if query.ppt == Some(PptFilter::Waiting) { "= 'waiting'" } else { "<> 'closed'" };
            let count: i64 = self
                .conn
                .prepare_cached(&format!("SELECT count(*) FROM ppt_tracks WHERE state {state}"))?
                .query_row([], |r| r.get(0))?;
            return Ok(count as u64);
        }
        if plain && query.ppt.is_none() {
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

    /// One page of a list, as the screens show it: walked in the list's order,
    /// which stops early when the matches are many.
    pub fn list_cases(&self, query: &CaseQuery, offset: u64, limit: u64) -> Result<Vec<CaseRow>> {
        self.list_rows(query, offset, limit, QuerySql::source_by_list_order)
    }

    /// As `list_cases`, for a search whose matches are known to be few: it starts
    /// from the search index and sorts them, instead of walking every case to
    /// find them.
    pub fn list_few_matches(&self, query: &CaseQuery, offset: u64, limit: u64) -> Result<Vec<CaseRow>> {
        self.list_rows(query, offset, limit, QuerySql::source_by_matches)
    }

    fn list_rows(
        &self,
        query: &CaseQuery,
        offset: u64,
        limit: u64,
        source: fn(&QuerySql) -> String,
    ) -> Result<Vec<CaseRow>> {
        let mut sql = QuerySql::new(query);
        let limit_n = sql.param(limit.to_string());
        let offset_n = sql.param(offset.to_string());
        // The page's keys first, from the list's index alone; only its rows then
        // read their tracks. Joined while paging, every row skipped by the
        // offset looked its track up (170 ms to the end of 100,000 cases).
        let page = format!("SELECT cases.key{}{} LIMIT ?{limit_n} OFFSET ?{offset_n}", source(&sql), sql.order);
        let text = format!("SELECT {ROW_COLUMNS} FROM {CASES_WITH_TRACKS} WHERE cases.key IN ({page}){}", sql.order);
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
            "SELECT reference, stage, school, grade, status, cases.next_kind, cases.next_due{}{}",
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
            load_parts(&self.conn, &mut case)?;
            each(case)?;
        }
        Ok(())
    }
}
