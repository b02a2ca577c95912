//! A case's detail as one view model: the lines `show` prints and the case screen
//! draws, warnings included, so the two can never tell different things.

use crate::config::Settings;
use crate::domain::ppt::PptTrack;
use chrono::NaiveDate;

use super::CaseFile;
use crate::domain::{CaseKind, Coded, DeadlineState, MeetingNo, fit, format_date, format_time, unevaluated_ended};
use crate::i18n::Catalog;

/// How a part of a line stands out; the screen picks a style, the command line
/// prints the text as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emphasis {
    Plain,
    Dim,
    Title,
    Focus,
    State(DeadlineState),
}

/// One line of the detail, in parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailLine(pub Vec<(String, Emphasis)>);

impl DetailLine {
    fn plain(text: String) -> DetailLine {
        DetailLine(vec![(text, Emphasis::Plain)])
    }

    fn styled(text: String, emphasis: Emphasis) -> DetailLine {
        DetailLine(vec![(text, emphasis)])
    }

    /// The line as text, without emphasis.
    pub fn text(&self) -> String {
        self.0.iter().map(|(text, _)| text.as_str()).collect()
    }
}

/// What a case's detail warns about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// Fields another machine changed too (their labels): what is shown may not hold.
    KitWaiting(Vec<String>),
    /// Held meetings whose minutes do not hold the pupil's own words.
    NoPupilVoice(Vec<u8>),
    /// Held meetings whose minutes have not gone home through the archive.
    NotSentHome(Vec<u8>),
}

/// The warnings of a case, in the order the detail shows them.
pub fn warnings(file: &CaseFile, catalog: &Catalog) -> Vec<Warning> {
    let (case, records) = (&file.case, &file.records);
    let mut warnings = Vec::new();
    if !file.waiting.is_empty() {
        warnings.push(Warning::KitWaiting(file.waiting.iter().map(|k| catalog.kit_field(&k.field)).collect()));
    }
    let held = |n: &&MeetingNo| case.held(**n).is_some();
    let voiceless: Vec<u8> = MeetingNo::ALL
        .iter()
        .filter(held)
        .filter(|n| records[n.index()].as_ref().is_none_or(|r| !r.has_pupil_voice()))
        .map(|n| n.get())
        .collect();
    if !voiceless.is_empty() {
        warnings.push(Warning::NoPupilVoice(voiceless));
    }
    let unsent: Vec<u8> = MeetingNo::ALL
        .iter()
        .filter(held)
        .filter(|n| records[n.index()].as_ref().is_some_and(|r| r.sent_home_on.is_none()))
        .map(|n| n.get())
        .collect();
    if !unsent.is_empty() {
        warnings.push(Warning::NotSentHome(unsent));
    }
    warnings
}

fn warning_line(warning: &Warning, c: &Catalog) -> DetailLine {
    let numbers = |ns: &[u8]| ns.iter().map(u8::to_string).collect::<Vec<_>>().join(", ");
    let (text, emphasis) = match warning {
        Warning::KitWaiting(fields) => (c.f("kit.case_waiting", &[("fields", &fields.join(", "))]), Emphasis::Focus),
        Warning::NoPupilVoice(ns) => {
            (c.f("record.no_pupil_voice", &[("meetings", &numbers(ns))]), Emphasis::State(DeadlineState::DueSoon))
        }
        Warning::NotSentHome(ns) => {
            (c.f("record.not_sent", &[("meetings", &numbers(ns))]), Emphasis::State(DeadlineState::DueSoon))
        }
    };
    DetailLine::styled(format!(" ⚠ {text}"), emphasis)
}

/// The sign before a deadline's state, readable without colour.
pub fn marker(state: Option<DeadlineState>) -> &'static str {
    match state {
        Some(DeadlineState::Overdue) => "!!",
        Some(DeadlineState::DueSoon) => "! ",
        _ => "  ",
    }
}

/// The detail of a case on the settings' day: its facts, timeline, warnings,
/// measures, deadlines, PPT's track and log.
pub fn case_detail(file: &CaseFile, c: &Catalog, settings: &Settings) -> Vec<DetailLine> {
    let (today, due_soon_days) = (settings.today, settings.due_soon_days);
    // What a kit left waiting stands above the facts it may contradict; the
    // warnings about the minutes under the timeline they are about.
    let (kit_warnings, minutes_warnings): (Vec<Warning>, Vec<Warning>) =
        warnings(file, c).into_iter().partition(|w| matches!(w, Warning::KitWaiting(_)));
    let mut lines: Vec<DetailLine> = kit_warnings.iter().map(|w| warning_line(w, c)).collect();
    facts(file, c, today, &mut lines);
    timeline(file, c, &mut lines);
    lines.extend(minutes_warnings.iter().map(|w| warning_line(w, c)));
    measures(file, c, today, &mut lines);
    deadlines(file, c, today, due_soon_days, &mut lines);
    if let Some(track) = &file.case.ppt {
        ppt_track(track, c, settings, &mut lines);
    }
    lines.push(DetailLine::plain(String::new()));
    lines.push(DetailLine::styled(format!(" {}", c.t("detail.audit")), Emphasis::Title));
    for entry in &file.audit {
        lines.push(DetailLine(vec![
            (format!("   {} {:<10} ", audit_time(&entry.at), fit(&entry.actor, 10)), Emphasis::Dim),
            (c.audit_text(&entry.action, &entry.detail), Emphasis::Plain),
        ]));
    }
    lines
}

fn facts(file: &CaseFile, c: &Catalog, today: NaiveDate, lines: &mut Vec<DetailLine>) {
    let (case, d) = (&file.case, &file.case.details);
    let field = |key: &str, value: String| {
        DetailLine(vec![(format!(" {:<14} ", c.t(key)), Emphasis::Dim), (value, Emphasis::Plain)])
    };
    lines.push(field("detail.kind", c.word(d.kind).to_string()));
    if d.kind == CaseKind::Individual {
        lines.push(field("detail.pupil", c.pupil(case, today)));
        let consent = case.consent.as_ref().map_or_else(|| c.t("consent.none").to_string(), |k| c.consent(k, today));
        lines.push(field("detail.consent", consent));
    }
    lines.push(field("detail.school", d.school.clone()));
    let gender = d.gender.map(|g| format!(" · {}", c.word(g))).unwrap_or_default();
    lines.push(field("detail.grade", format!("{}{gender}", d.grade)));
    lines.push(field("detail.teacher", d.teacher.clone()));
    lines.push(field("detail.description", d.description.clone()));
    lines.push(field("detail.created", format_date(case.created)));
    let status = case.closure.as_ref().map_or_else(|| c.t("status.open").to_string(), |cl| c.closure(cl));
    lines.push(field("detail.status", status));
}

fn timeline(file: &CaseFile, c: &Catalog, lines: &mut Vec<DetailLine>) {
    let case = &file.case;
    lines.push(DetailLine::plain(String::new()));
    lines.push(DetailLine::styled(format!(" {} · {}", c.t("detail.timeline"), c.word(case.stage())), Emphasis::Title));
    for number in MeetingNo::ALL {
        let text = match case.meeting(number) {
            Some(m) if m.held => c.f("detail.held", &[("date", &format_date(m.date))]),
            Some(m) => c.f("detail.planned", &[("date", &format_date(m.date))]),
            None => c.t("detail.not_yet").to_string(),
        };
        lines.push(DetailLine::plain(format!("   {:<22} {text}", c.word(number.stage()))));
    }
    if let Some((decision, on)) = case.decision {
        let text = format!("   {:<22} {} ({})", c.t("detail.decision"), c.word(decision), format_date(on));
        lines.push(DetailLine::plain(text));
    }
    if let Some(sent) = case.referral_sent {
        lines.push(DetailLine::plain(format!("   {:<22} {}", c.t("detail.referral_sent"), format_date(sent))));
    }
    for (meeting, item) in &file.discussions {
        let text = if item.is_discussed() {
            let said: Vec<&str> =
                [item.advice.trim(), item.next_step.trim()].into_iter().filter(|s| !s.is_empty()).collect();
            c.f("discussion.timeline", &[("date", &format_date(meeting.date)), ("advice", &said.join(" · "))])
        } else {
            let start = format_time(item.starts_at);
            c.f("discussion.timeline_planned", &[("date", &format_date(meeting.date)), ("start", &start)])
        };
        lines.push(DetailLine::plain(format!("   {text}")));
    }
}

fn measures(file: &CaseFile, c: &Catalog, today: NaiveDate, lines: &mut Vec<DetailLine>) {
    let measures = file.records[1].as_ref().map_or(&[][..], |r| &r.measures);
    if measures.is_empty() {
        return;
    }
    lines.push(DetailLine::plain(String::new()));
    lines.push(DetailLine::styled(format!(" {}", c.t("record.measures_title")), Emphasis::Title));
    let ended: Vec<u32> = unevaluated_ended(measures, file.records[2].as_ref(), today).map(|m| m.id).collect();
    for measure in measures {
        let period = format!(
            "{}–{}",
            measure.starts_on.map(format_date).unwrap_or_default(),
            measure.ends_on.map(format_date).unwrap_or_default()
        );
        let content = measure.content.lines().next().unwrap_or_default();
        let args = [("content", content), ("period", &period), ("responsible", &measure.responsible)];
        let mut parts = vec![(format!("   {}", c.f("record.measure_line", &args)), Emphasis::Plain)];
        if ended.contains(&measure.id) {
            let state = DeadlineState::Overdue;
            parts.push((format!("  {} {}", marker(Some(state)), c.t("record.measure_ended")), Emphasis::State(state)));
        }
        lines.push(DetailLine(parts));
    }
}

fn deadlines(file: &CaseFile, c: &Catalog, today: NaiveDate, due_soon_days: u32, lines: &mut Vec<DetailLine>) {
    let deadlines = file.case.deadlines();
    if !deadlines.is_empty() {
        lines.push(DetailLine::plain(String::new()));
        lines.push(DetailLine::styled(format!(" {}", c.t("detail.deadlines")), Emphasis::Title));
    }
    for dl in deadlines {
        let state = dl.state(today, due_soon_days);
        let planned = match dl.planned {
            Some(p) if dl.planned_too_late() => {
                format!(" · {}", c.f("deadline.planned_too_late", &[("date", &format_date(p))]))
            }
            Some(p) => format!(" · {}", c.f("deadline.planned", &[("date", &format_date(p))])),
            None => String::new(),
        };
        lines.push(DetailLine(vec![
            (format!(" {}", marker(Some(state))), Emphasis::Plain),
            (
                format!("{:<22} {}  ", c.word(dl.kind), c.f("detail.due", &[("date", &format_date(dl.due))])),
                Emphasis::Plain,
            ),
            (c.word(state).to_string(), Emphasis::State(state)),
            (planned, Emphasis::Plain),
        ]));
    }
}

/// PPT's track under the school's: its state and waiting time, each step
/// recorded, and its deadlines.
fn ppt_track(track: &PptTrack, c: &Catalog, settings: &Settings, lines: &mut Vec<DetailLine>) {
    let date = |d: NaiveDate| format_date(d);
    let waiting = c.count("detail.ppt_days_waiting", track.days_waiting(settings.today) as u64, &[]);
    lines.push(DetailLine::plain(String::new()));
    let title = c.f("detail.ppt_title", &[("state", c.word(track.state)), ("waiting", &waiting)]);
    lines.push(DetailLine::styled(format!(" {title}"), Emphasis::Title));
    let mut steps: Vec<(String, String)> = Vec::new();
    let mut step = |label: String, text: String| steps.push((label, text));
    step(c.t("detail.ppt_received").into(), date(track.received));
    if let Some(consent) = track.consent {
        let by = c.t(&format!("consent.{}", consent.by.code())).to_string();
        step(c.t("ppt_step.consent").into(), format!("{} ({by})", date(consent.given_on)));
    }
    if let Some(assigned) = &track.assigned {
        step(c.t("ppt_step.assign").into(), format!("{}: {}", date(assigned.on), assigned.adviser));
    }
    if let Some(meeting) = track.startup {
        let key = if meeting.held { "detail.held" } else { "detail.planned" };
        step(c.t("ppt_step.startup").into(), c.f(key, &[("date", &date(meeting.date))]));
    }
    if let Some(reply) = &track.preliminary_reply {
        let text = c.f("detail.ppt_reply", &[("date", &date(reply.sent_on)), ("expected", &date(reply.expected_by))]);
        step(c.t("ppt_step.preliminary_reply").into(), format!("{text} · {}", reply.reason));
    }
    if let Some(assessment) = &track.assessment {
        let mut parts = vec![date(assessment.done_on)];
        parts.extend(assessment.hours_per_year.map(|h| c.f("detail.ppt_hours", &[("n", &h.to_string())])));
        parts.push(c.f("detail.ppt_assistant", &[("answer", c.yes_no(assessment.assistant))]));
        parts.extend(Some(assessment.organisation.clone()).filter(|o| !o.is_empty()));
        step(c.t("ppt_step.assessed").into(), parts.join(" · "));
    }
    if let Some(decision) = &track.decision {
        let mut parts = vec![format!("{}: {}", date(decision.on), c.word(decision.outcome))];
        parts.extend(decision.departure.as_ref().map(|why| c.f("detail.ppt_departure", &[("why", why)])));
        parts.extend(decision.valid_until.map(|until| c.f("detail.ppt_valid_until", &[("date", &date(until))])));
        step(c.t("ppt_step.decision").into(), parts.join(" · "));
    }
    if let Some(complaint) = track.complaint {
        let outcome = complaint.outcome.map(|(o, on)| format!(" · {} ({})", c.word(o), date(on))).unwrap_or_default();
        step(c.t("ppt_step.complaint").into(), format!("{}{outcome}", date(complaint.received_on)));
    }
    if let Some(on) = track.revised_on {
        step(c.t("ppt_step.revision").into(), date(on));
    }
    // The labels in one column, as wide as the longest.
    let width = steps.iter().map(|(label, _)| label.chars().count()).max().unwrap_or(0);
    for (label, text) in steps {
        lines.push(DetailLine(vec![(format!("   {label:<width$} "), Emphasis::Dim), (text, Emphasis::Plain)]));
    }
    for dl in track.deadlines(&settings.ppt_periods) {
        let state = dl.state(settings.today, settings.due_soon_days);
        lines.push(DetailLine(vec![
            (format!(" {}", marker(Some(state))), Emphasis::Plain),
            (format!("{:<22} {}  ", c.word(dl.kind), c.f("detail.due", &[("date", &date(dl.due))])), Emphasis::Plain),
            (c.word(state).to_string(), Emphasis::State(state)),
        ]));
    }
}

/// An RFC 3339 UTC stamp shown in local time, as dd.mm.yyyy hh:mm.
fn audit_time(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&chrono::Local).format("%d.%m.%Y %H:%M").to_string())
        .unwrap_or_else(|_| at.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::tests::{date, sample_case};
    use crate::domain::{Action, Case, MeetingRecord};

    fn file(case: Case, records: crate::store::CaseRecords) -> CaseFile {
        CaseFile { case, records, discussions: Vec::new(), audit: Vec::new(), waiting: Vec::new() }
    }

    #[test]
    fn the_pupils_voice_is_missed_only_in_meetings_held() {
        let today = date(2026, 11, 23);
        let held = Action::RecordMeeting { number: MeetingNo::ALL[0], date: date(2026, 10, 1) };
        let planned = Action::PlanMeeting { number: MeetingNo::ALL[1], date: date(2026, 11, 30) };
        let case = sample_case().apply(&held, today).unwrap().apply(&planned, today).unwrap();
        // Minutes begun for meeting 2 before it is held: nothing is missing from them yet.
        let records = [None, Some(MeetingRecord::default()), None];
        let warnings = warnings(&file(case, records), &Catalog::new(crate::i18n::Lang::Nb));
        assert!(warnings.contains(&Warning::NoPupilVoice(vec![1])), "{warnings:?}");
    }
}
