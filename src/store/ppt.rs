//! PPT's tracks in the database: each track with the columns the adviser's
//! lists read from indexes (its next deadline, its adviser, its waiting days),
//! and the periods those deadlines were worked out with.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::Store;
use super::cases::{NO_DEADLINE, parse_day, stored};
use crate::domain::ppt::{PptPeriods, PptTrack, TrackState, long_wait_received_by};
use crate::domain::{Coded, iso_date};

/// What the adviser's start screen counts: tracks per state, the waiting list,
/// and the tracks each adviser holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PptCounts {
    pub per_state: Vec<(TrackState, u64)>,
    /// Tracks waiting for an adviser.
    pub waiting: u64,
    /// Of those, the ones received more than two months ago.
    pub waiting_long: u64,
    /// The day the longest-waiting track was received.
    pub waiting_since: Option<NaiveDate>,
    /// Open tracks (not closed) per adviser, most first.
    pub per_adviser: Vec<(String, u64)>,
}

/// The periods as stored: "1,14,3,3".
fn periods_text(p: &PptPeriods) -> String {
    format!("{},{},{},{}", p.preliminary_reply_months, p.startup_days, p.assessment_months, p.revision_months_before)
}

fn periods_from_text(text: &str) -> Option<PptPeriods> {
    let mut parts = text.split(',').map(|n| n.parse::<u32>().ok());
    let periods = PptPeriods {
        preliminary_reply_months: parts.next()??,
        startup_days: parts.next()??,
        assessment_months: parts.next()??,
        revision_months_before: parts.next()??,
    };
    parts.next().is_none().then_some(periods)
}

/// The periods the stored deadlines were worked out with (the defaults before
/// any were stored).
fn stored_periods(conn: &Connection) -> Result<Option<PptPeriods>> {
    let text: Option<String> =
        conn.prepare_cached("SELECT periods FROM ppt_periods")?.query_row([], |r| r.get(0)).optional()?;
    text.map(|t| periods_from_text(&t).with_context(|| format!("PPT's periods in the database: {t:?}"))).transpose()
}

/// Writes the track of `case_id` with its derived columns, or removes it.
pub(super) fn write_track(tx: &Transaction, case_id: &str, track: Option<&PptTrack>) -> Result<()> {
    let Some(track) = track else {
        tx.prepare_cached("DELETE FROM ppt_tracks WHERE case_id = ?1")?.execute([case_id])?;
        return Ok(());
    };
    let periods = stored_periods(tx)?.unwrap_or_default();
    let next = track.next_deadline(&periods);
    tx.prepare_cached(
        "INSERT INTO ppt_tracks (case_id, track, state, adviser, received_on, assigned_on, next_kind, next_due, due_sort)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (case_id) DO UPDATE SET track = excluded.track, state = excluded.state,
             adviser = excluded.adviser, received_on = excluded.received_on, assigned_on = excluded.assigned_on,
             next_kind = excluded.next_kind, next_due = excluded.next_due, due_sort = excluded.due_sort",
    )?
    .execute(params![
        case_id,
        serde_json::to_string(track)?,
        track.state.code(),
        track.assigned.as_ref().map(|a| a.adviser.as_str()),
        iso_date(track.received),
        track.assigned.as_ref().map(|a| iso_date(a.on)),
        next.map(|d| d.kind.code()),
        next.map(|d| iso_date(d.due)),
        next.map_or(NO_DEADLINE.to_string(), |d| iso_date(d.due)),
    ])?;
    Ok(())
}

impl Store {
    /// Works out every track's next deadline with `periods` (the `ppt_*`
    /// settings) where they were worked out with others, or never: the adviser's
    /// lists sort by them. Nothing the log or a seal covers changes.
    pub fn use_ppt_periods(&mut self, periods: PptPeriods) -> Result<()> {
        if stored_periods(&self.conn)? == Some(periods) {
            return Ok(());
        }
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM ppt_periods", [])?;
        tx.execute("INSERT INTO ppt_periods (periods) VALUES (?1)", [periods_text(&periods)])?;
        let tracks: Vec<(String, String)> = tx
            .prepare("SELECT case_id, track FROM ppt_tracks")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (case_id, json) in tracks {
            let track: PptTrack = serde_json::from_str(&json).context("PPT's track in the database")?;
            write_track(&tx, &case_id, Some(&track))?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Tracks from before their deadlines were stored get them, with the
    /// default periods until settings give others.
    pub(super) fn store_ppt_deadlines_once(&mut self) -> Result<()> {
        match stored_periods(&self.conn)? {
            Some(_) => Ok(()),
            None => self.use_ppt_periods(PptPeriods::default()),
        }
    }

    /// The counts over the adviser's start screen, each read from an index.
    pub fn ppt_counts(&self, today: NaiveDate) -> Result<PptCounts> {
        let mut counts = PptCounts::default();
        let mut per_state = self.conn.prepare_cached("SELECT state, count(*) FROM ppt_tracks GROUP BY state")?;
        let mut rows = per_state.query([])?;
        while let Some(row) = rows.next()? {
            counts.per_state.push((stored(row.get_ref(0)?.as_str()?)?, row.get::<_, i64>(1)? as u64));
        }
        counts.per_state.sort_by_key(|(state, _)| TrackState::ALL.iter().position(|s| s == state));
        let long_ago = iso_date(long_wait_received_by(today));
        let (waiting, waiting_long, since): (i64, i64, Option<String>) = self
            .conn
            .prepare_cached(
                "SELECT count(*), coalesce(sum(received_on <= ?1), 0), min(received_on)
                 FROM ppt_tracks WHERE state = 'waiting'",
            )?
            .query_row([long_ago], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        counts.waiting = waiting as u64;
        counts.waiting_long = waiting_long as u64;
        counts.waiting_since = since.as_deref().map(parse_day).transpose()?;
        let mut per_adviser = self.conn.prepare_cached(
            "SELECT adviser, count(*) AS n FROM ppt_tracks WHERE adviser IS NOT NULL AND state <> 'closed'
             GROUP BY adviser ORDER BY n DESC, adviser",
        )?;
        counts.per_adviser = per_adviser
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_stored_as_text_and_read_back() {
        let periods = PptPeriods {
            preliminary_reply_months: 2,
            startup_days: 21,
            assessment_months: 4,
            revision_months_before: 6,
        };
        assert_eq!(periods_from_text(&periods_text(&periods)), Some(periods));
        for damaged in ["", "1,14,3", "1,14,3,3,9", "1,x,3,3", "-1,14,3,3"] {
            assert_eq!(periods_from_text(damaged), None, "{damaged:?}");
        }
    }
}
