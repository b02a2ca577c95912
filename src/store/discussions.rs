//! Discussion meetings with PPT and their agendas. A meeting is written whole in
//! one transaction; the cases it concerns get a log entry when they are put on or
//! taken off its agenda, and when their outcome is written.

use anyhow::{Result, bail};
use chrono::{Days, NaiveDate};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::json;
use uuid::Uuid;

use super::cases::{parse_day, parse_opt_day, parse_stored_time, parse_uuid};

use super::{Store, audit};
use crate::domain::discussion::FORM_WARNING_DAYS;
use crate::domain::{
    AgendaItem, AuditAction, Case, Coded, DiscussionMeeting, PREPARATION_POINTS, format_time, iso_date,
};

const MEETING_COLUMNS: &str = "id, date, starts_at, school, ppt_contact, leader_attends, form_sent_on";

fn meeting_from(r: &Row) -> rusqlite::Result<DiscussionMeeting> {
    Ok(DiscussionMeeting {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        date: parse_day(&r.get::<_, String>(1)?)?,
        starts_at: parse_stored_time(&r.get::<_, String>(2)?)?,
        school: r.get(3)?,
        ppt_contact: r.get(4)?,
        leader_attends: r.get(5)?,
        form_sent_on: parse_opt_day(r.get(6)?)?,
        items: Vec::new(),
    })
}

fn load_items(conn: &Connection, meeting: &mut DiscussionMeeting) -> Result<()> {
    let id = meeting.id.to_string();
    let mut items: Vec<AgendaItem> = conn
        .prepare_cached(
            "SELECT case_id, starts_at, minutes, difficulty, advice, next_step
             FROM discussion_items WHERE meeting_id = ?1 ORDER BY starts_at",
        )?
        .query_map([&id], |r| {
            Ok(AgendaItem {
                case_id: parse_uuid(&r.get::<_, String>(0)?)?,
                starts_at: parse_stored_time(&r.get::<_, String>(1)?)?,
                minutes: r.get(2)?,
                difficulty: super::cases::stored(&r.get::<_, String>(3)?)?,
                preparation: vec![String::new(); PREPARATION_POINTS],
                advice: r.get(4)?,
                next_step: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut points =
        conn.prepare_cached("SELECT case_id, point, text FROM discussion_preparation WHERE meeting_id = ?1")?;
    let mut rows = points.query([&id])?;
    while let Some(row) = rows.next()? {
        let case_id = parse_uuid(&row.get::<_, String>(0)?)?;
        let point = usize::try_from(row.get::<_, i64>(1)?).unwrap_or(usize::MAX);
        if let Some(item) = items.iter_mut().find(|i| i.case_id == case_id)
            && point < PREPARATION_POINTS
        {
            item.preparation[point] = row.get(2)?;
        }
    }
    meeting.items = std::mem::take(&mut items);
    Ok(())
}

fn load_meeting(conn: &Connection, id: Uuid) -> Result<Option<DiscussionMeeting>> {
    let sql = format!("SELECT {MEETING_COLUMNS} FROM discussion_meetings WHERE id = ?1");
    let Some(mut meeting) = conn.query_row(&sql, [id.to_string()], meeting_from).optional()? else {
        return Ok(None);
    };
    load_items(conn, &mut meeting)?;
    Ok(Some(meeting))
}

impl Store {
    pub fn discussion(&self, id: Uuid) -> Result<Option<DiscussionMeeting>> {
        load_meeting(&self.conn, id)
    }

    /// Discussion meetings from `from` on (all when `None`), soonest first.
    pub fn discussions(&self, from: Option<NaiveDate>) -> Result<Vec<DiscussionMeeting>> {
        let sql =
            format!("SELECT {MEETING_COLUMNS} FROM discussion_meetings WHERE date >= ?1 ORDER BY date, starts_at");
        let from = from.map(iso_date).unwrap_or_default();
        let mut meetings: Vec<DiscussionMeeting> =
            self.conn.prepare(&sql)?.query_map([from], meeting_from)?.collect::<rusqlite::Result<_>>()?;
        for meeting in &mut meetings {
            load_items(&self.conn, meeting)?;
        }
        Ok(meetings)
    }

    /// Meetings whose form to PPT is not sent and falls due within the warning
    /// period or is overdue: what the start screen warns about.
    pub fn unsent_discussion_forms(&self, today: NaiveDate) -> Result<Vec<DiscussionMeeting>> {
        let sql = format!(
            "SELECT {MEETING_COLUMNS} FROM discussion_meetings
             WHERE form_sent_on IS NULL AND date >= ?1 AND date <= ?2 ORDER BY date"
        );
        let last = today + Days::new(FORM_WARNING_DAYS);
        let meetings = self
            .conn
            .prepare_cached(&sql)?
            .query_map([iso_date(today), iso_date(last)], meeting_from)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(meetings)
    }

    /// The discussion meetings a case has been on, with its item, by date.
    pub fn discussions_of_case(&self, case_id: Uuid) -> Result<Vec<(DiscussionMeeting, AgendaItem)>> {
        let ids: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT m.id FROM discussion_items i JOIN discussion_meetings m ON m.id = i.meeting_id
                 WHERE i.case_id = ?1 ORDER BY m.date",
            )?
            .query_map([case_id.to_string()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut found = Vec::new();
        for id in ids {
            if let Some(meeting) = load_meeting(&self.conn, parse_uuid(&id)?)?
                && let Some(item) = meeting.item(case_id).cloned()
            {
                found.push((meeting, item));
            }
        }
        Ok(found)
    }

    /// The cases on the meeting's agenda, in its order.
    pub fn cases_on_agenda(&self, meeting: &DiscussionMeeting) -> Result<Vec<Case>> {
        let mut cases = Vec::with_capacity(meeting.items.len());
        for item in &meeting.items {
            cases.extend(self.case_by_id(item.case_id)?);
        }
        Ok(cases)
    }

    /// Stores the meeting and its agenda as they are, after checking every slot.
    pub fn save_discussion(&mut self, meeting: &DiscussionMeeting) -> Result<()> {
        meeting.check_texts()?;
        for item in &meeting.items {
            meeting.check_slot(item)?;
        }
        self.write(|tx, actor| {
            let before = load_meeting(tx, meeting.id)?;
            let id = meeting.id.to_string();
            tx.execute("DELETE FROM discussion_meetings WHERE id = ?1", [&id])?;
            tx.execute(
                "INSERT INTO discussion_meetings (id, date, starts_at, school, ppt_contact, leader_attends, form_sent_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    id,
                    iso_date(meeting.date),
                    format_time(meeting.starts_at),
                    meeting.school,
                    meeting.ppt_contact,
                    meeting.leader_attends,
                    meeting.form_sent_on.map(iso_date),
                ],
            )?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO discussion_items (meeting_id, case_id, starts_at, minutes, difficulty, advice, next_step)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let mut point = tx.prepare_cached(
                "INSERT INTO discussion_preparation (meeting_id, case_id, point, text) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for item in &meeting.items {
                let case = item.case_id.to_string();
                let exists: bool =
                    tx.query_row("SELECT EXISTS (SELECT 1 FROM cases WHERE id = ?1)", [&case], |r| r.get(0))?;
                if !exists {
                    bail!("case {case} does not exist");
                }
                insert.execute(params![
                    id,
                    case,
                    format_time(item.starts_at),
                    item.minutes,
                    item.difficulty.code(),
                    item.advice,
                    item.next_step,
                ])?;
                for (n, text) in (0i64..).zip(&item.preparation) {
                    if !text.is_empty() {
                        point.execute(params![id, case, n, text])?;
                    }
                }
            }
            // The cases' logs: put on or taken off the agenda, or discussed.
            let date = iso_date(meeting.date);
            let earlier = |case_id| before.as_ref().and_then(|b| b.item(case_id).cloned());
            for item in &meeting.items {
                match earlier(item.case_id) {
                    None => audit::append(tx, actor, item.case_id, AuditAction::DiscussionPlanned, &json!({"date": date}))?,
                    Some(old) if !old.is_discussed() && item.is_discussed() => {
                        audit::append(tx, actor, item.case_id, AuditAction::Discussed, &json!({"date": date}))?
                    }
                    Some(_) => {}
                }
            }
            for old in before.iter().flat_map(|b| &b.items).filter(|o| meeting.item(o.case_id).is_none()) {
                audit::append(tx, actor, old.case_id, AuditAction::DiscussionRemoved, &json!({"date": date}))?;
            }
            Ok(())
        })
    }
}
