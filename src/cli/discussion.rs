//! `saksgang discussion …`: the discussion meetings with PPT.

use std::io::Write;

use anyhow::{Context, Result};
use serde_json::json;

use crate::config::Settings;
use crate::domain::{
    Difficulty, DiscussionError, DiscussionMeeting, format_date, format_time, iso_date, parse_date, parse_time,
};
use crate::i18n::{Catalog, Explained};
use crate::service::find;
use crate::store::Store;

use super::{DifficultyArg, DiscussionCommand};

/// The discussion meeting on `date` (of `school`, where several fall on one day).
pub(super) fn find_discussion(
    store: &Store,
    c: &Catalog,
    date: &str,
    school: Option<&str>,
) -> Result<DiscussionMeeting> {
    let day = parse_date(date)?;
    let same_school = |m: &DiscussionMeeting| school.is_none_or(|s| m.is_for_school(s));
    let mut found: Vec<_> =
        store.discussions(Some(day))?.into_iter().filter(|m| m.date == day && same_school(m)).collect();
    let date = format_date(day);
    match found.len() {
        0 => Err(Explained(c.f("discussion.no_such", &[("date", &date)])).into()),
        1 => Ok(found.remove(0)),
        _ => Err(Explained(c.f("discussion.several", &[("date", &date)])).into()),
    }
}

pub(super) fn discussion(
    store: &mut Store,
    c: &Catalog,
    settings: &Settings,
    command: &DiscussionCommand,
    out: &mut impl Write,
) -> Result<()> {
    let time = |text: &str| parse_time(text).ok_or_else(|| Explained(c.time_error(text)));
    match command {
        DiscussionCommand::Plan { date, school, start, ppt_contact, leader } => {
            let meeting = DiscussionMeeting::new(
                uuid::Uuid::new_v4(),
                parse_date(date)?,
                time(start)?,
                school,
                ppt_contact,
                *leader,
                settings.today,
            )?;
            store.save_discussion(&meeting)?;
            let args = [
                ("date", format_date(meeting.date)),
                ("time", format_time(meeting.starts_at)),
                ("school", meeting.school.clone()),
            ];
            writeln!(out, "{}", c.f("discussion.planned", &args.each_ref().map(|(k, v)| (*k, v.as_str()))))?;
        }
        DiscussionCommand::Add { date, reference, difficulty, minutes, start, school } => {
            let mut meeting = find_discussion(store, c, date, school.as_deref())?;
            let case = find(store, c, reference)?;
            let difficulty = match difficulty {
                DifficultyArg::Academic => Difficulty::Academic,
                DifficultyArg::Social => Difficulty::SocialBehaviour,
                DifficultyArg::Other => Difficulty::Other,
            };
            let start = start.as_deref().map(time).transpose()?;
            meeting.add_case(&case, difficulty, start, *minutes)?;
            store.save_discussion(&meeting)?;
            let item = meeting.item(case.id).context("on the agenda")?;
            let args = [
                ("reference", case.reference.clone()),
                ("date", format_date(meeting.date)),
                ("start", format_time(item.starts_at)),
                ("end", format_time(item.ends_at())),
            ];
            writeln!(out, "{}", c.f("discussion.added", &args.each_ref().map(|(k, v)| (*k, v.as_str()))))?;
        }
        DiscussionCommand::Remove { date, reference, school } => {
            let mut meeting = find_discussion(store, c, date, school.as_deref())?;
            let case = find(store, c, reference)?;
            meeting.remove_case(case.id)?;
            store.save_discussion(&meeting)?;
            let args = [("reference", case.reference.as_str()), ("date", &format_date(meeting.date))];
            writeln!(out, "{}", c.f("discussion.removed", &args))?;
        }
        DiscussionCommand::Sent { date, on, school } => {
            let mut meeting = find_discussion(store, c, date, school.as_deref())?;
            let on = on.as_deref().map(parse_date).transpose()?.unwrap_or(settings.today);
            meeting.mark_form_sent(on)?;
            store.save_discussion(&meeting)?;
            let args = [("date", format_date(meeting.date)), ("sent", format_date(on))];
            writeln!(out, "{}", c.f("discussion.sent", &args.each_ref().map(|(k, v)| (*k, v.as_str()))))?;
        }
        DiscussionCommand::Outcome { date, reference, advice, next_step, school } => {
            let mut meeting = find_discussion(store, c, date, school.as_deref())?;
            let case = find(store, c, reference)?;
            let item = meeting.items.iter_mut().find(|i| i.case_id == case.id).ok_or(DiscussionError::NotOnAgenda)?;
            item.advice = advice.clone();
            item.next_step = next_step.clone();
            store.save_discussion(&meeting)?;
            writeln!(out, "{}", c.f("discussion.outcome_saved", &[("reference", &case.reference)]))?;
        }
        DiscussionCommand::List { all, json } => {
            let from = if *all { None } else { Some(settings.today) };
            let meetings = store.discussions(from)?;
            if *json {
                // The agenda by reference, and without the school's preparation.
                let mut listed = Vec::new();
                for meeting in &meetings {
                    let mut value = serde_json::to_value(meeting)?;
                    value["form_state"] = json!(meeting.form_state(settings.today));
                    value["form_due"] = json!(iso_date(meeting.form_due()));
                    let mut items = Vec::new();
                    for (item, case) in meeting.items.iter().zip(store.cases_on_agenda(meeting)?) {
                        items.push(json!({
                            "reference": case.reference,
                            "starts_at": format_time(item.starts_at),
                            "minutes": item.minutes,
                            "difficulty": item.difficulty,
                            "advice": item.advice,
                            "next_step": item.next_step,
                        }));
                    }
                    value["items"] = json!(items);
                    value["starts_at"] = json!(format_time(meeting.starts_at));
                    listed.push(value);
                }
                writeln!(out, "{}", serde_json::to_string_pretty(&listed)?)?;
            } else if meetings.is_empty() {
                writeln!(out, "{}", c.t("discussion.none"))?;
            }
            for meeting in meetings.iter().filter(|_| !*json) {
                writeln!(
                    out,
                    "{}  {}  {}  {}",
                    format_date(meeting.date),
                    format_time(meeting.starts_at),
                    meeting.school,
                    c.form_state(meeting, settings.today)
                )?;
                for (item, case) in meeting.items.iter().zip(store.cases_on_agenda(meeting)?) {
                    let slot = format!("{}–{}", format_time(item.starts_at), format_time(item.ends_at()));
                    writeln!(out, "  {slot}  {}  {}", case.reference, c.word(item.difficulty))?;
                }
            }
        }
    }
    Ok(())
}
