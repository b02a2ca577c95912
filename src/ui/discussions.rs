//! The discussion meetings with PPT and the agenda of one: their state, keys
//! and drawing.

use anyhow::Result;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use uuid::Uuid;

use super::app::App;
use super::confirm::{Confirm, Pending};
use super::form::{Form, Purpose, Slot};
use super::keymap::Command;
use super::record::RecordEditor;
use super::theme::Theme;
use super::view::{Screen, View};
use crate::documents::Format;
use crate::domain::{Case, DiscussionError, DiscussionMeeting, format_date, parse_date, parse_time};
use crate::domain::{DeadlineState, FormState, column_width, fit};
use crate::service::export::{self, Target};
use crate::service::wording;

/// A discussion meeting opened on the agenda screen, with the cases on it.
pub struct AgendaView {
    pub meeting: DiscussionMeeting,
    /// The cases of the agenda's items, in the items' order.
    pub cases: Vec<Case>,
    pub selected: usize,
}

impl App {
    /// Keys on the discussion meetings and agenda screens.
    pub(super) fn discussion_command(&mut self, command: Command) -> Result<()> {
        let on_agenda = self.view.screen() == Screen::Agenda;
        match command {
            Command::Quit => self.quit = true,
            Command::Help => self.view.help = true,
            Command::Up | Command::Down => {
                let step = if command == Command::Up { -1 } else { 1 };
                let (selected, len) = match &mut self.view.agenda {
                    Some(view) if on_agenda => (&mut view.selected, view.meeting.items.len()),
                    _ => (&mut self.view.discussion_selected, self.view.discussions.len()),
                };
                *selected = selected.saturating_add_signed(step).min(len.saturating_sub(1));
            }
            Command::Back if on_agenda => {
                self.view.agenda = None;
                self.view.back();
            }
            Command::Back => self.view.back(),
            Command::Open if on_agenda => {
                let Some(view) = &self.view.agenda else { return Ok(()) };
                if let Some(case) = view.cases.get(view.selected) {
                    let editor = RecordEditor::open_discussion(&self.view.catalog, case.clone(), view.meeting.clone());
                    self.view.record = Some(editor);
                }
            }
            Command::Open => {
                if let Some(id) = self.view.discussions.get(self.view.discussion_selected).map(|m| m.id) {
                    self.open_agenda(id)?;
                }
            }
            Command::NewCase => {
                // The school of the case last opened is the likeliest; the date a week
                // and a day on, or the weekday after.
                let school = self.view.detail.as_ref().map_or(String::new(), |v| v.case.details.school.clone());
                let date = crate::domain::weekday_from(crate::domain::add_days(
                    self.view.settings.today,
                    crate::domain::FORM_DAYS_BEFORE + 1,
                ));
                let fields = Form::discussion_fields(date, &school);
                self.view.form =
                    Some(Form::new(Purpose::NewDiscussion, self.view.catalog.t("form.new_discussion").into(), fields));
            }
            Command::AddToAgenda => {
                let Some(view) = &self.view.agenda else { return Ok(()) };
                let title = self.view.catalog.f("form.add_to_agenda", &[("date", &format_date(view.meeting.date))]);
                let fields = Form::agenda_fields(view.meeting.next_slot());
                self.view.form = Some(Form::new(Purpose::AddToAgenda(view.meeting.id), title, fields));
            }
            Command::RemoveFromAgenda => {
                let Some(view) = &self.view.agenda else { return Ok(()) };
                let Some(case) = view.cases.get(view.selected) else { return Ok(()) };
                let mut meeting = view.meeting.clone();
                meeting.remove_case(case.id)?;
                let args = [("reference", case.reference.as_str()), ("date", &format_date(meeting.date))];
                self.view.confirm = Some(Confirm {
                    text: self.view.catalog.f("discussion.confirm_remove", &args),
                    on_yes: Pending::RemoveFromAgenda(Box::new(meeting)),
                    on_no: None,
                });
            }
            Command::FormSent => {
                let Some(view) = &self.view.agenda else { return Ok(()) };
                let mut meeting = view.meeting.clone();
                meeting.mark_form_sent(self.view.settings.today)?;
                self.store.save_discussion(&meeting)?;
                let args = [("date", format_date(meeting.date)), ("sent", format_date(self.view.settings.today))];
                self.view.message =
                    Some(self.view.catalog.f("discussion.sent", &args.each_ref().map(|(k, v)| (*k, v.as_str()))));
                self.reload()?;
            }
            Command::ExportPdf | Command::ExportMarkdown => {
                let Some(view) = &self.view.agenda else { return Ok(()) };
                let format = if command == Command::ExportPdf { Format::Pdf } else { Format::Markdown };
                let target = Target { folder: &self.view.settings.export_dir, file: None };
                let c = &self.view.catalog;
                let exported = export::discussion_form(&self.store, c, &view.meeting, format, &target)?;
                self.view.message = Some(wording::exported(c, "discussion.exported", &exported));
            }
            _ => {}
        }
        Ok(())
    }

    /// The discussion meetings from a month back on: read only while their screens
    /// are in use, never at start-up.
    pub(super) fn load_discussions(&mut self) -> Result<()> {
        self.view.discussions = self.store.discussions(Some(self.view.settings.today - chrono::Days::new(31)))?;
        self.view.discussion_selected =
            self.view.discussion_selected.min(self.view.discussions.len().saturating_sub(1));
        Ok(())
    }

    pub(super) fn open_agenda(&mut self, id: Uuid) -> Result<()> {
        let Some(meeting) = self.store.discussion(id)? else {
            self.view.agenda = None;
            return Ok(());
        };
        let cases = self.store.cases_on_agenda(&meeting)?;
        let selected = self.view.agenda.as_ref().map_or(0, |a| a.selected).min(cases.len().saturating_sub(1));
        self.view.agenda = Some(AgendaView { meeting, cases, selected });
        self.view.open(Screen::Agenda);
        Ok(())
    }

    pub(super) fn plan_discussion(&mut self) -> Result<()> {
        let Some(form) = &self.view.form else { return Ok(()) };
        let date = match parse_date(form.text(Slot::Date)) {
            Ok(d) => d,
            Err(e) => return self.form_error(Slot::Date, self.view.catalog.date_error(&e)),
        };
        let typed = form.text(Slot::Start).trim().to_string();
        let Some(start) = parse_time(&typed) else {
            return self.form_error(Slot::Start, self.view.catalog.time_error(&typed));
        };
        let (school, contact) = (form.text(Slot::School), form.text(Slot::PptContact));
        let today = self.view.settings.today;
        let meeting =
            match DiscussionMeeting::new(Uuid::new_v4(), date, start, school, contact, form.leader_attends(), today) {
                Ok(m) => m,
                Err(e @ DiscussionError::ImplausibleDate { .. }) => {
                    return self.form_error(Slot::Date, self.view.catalog.discussion_error(&e));
                }
                Err(e) => return self.form_error(Slot::School, self.view.catalog.discussion_error(&e)),
            };
        self.store.save_discussion(&meeting)?;
        self.view.form = None;
        self.reload()?;
        self.open_agenda(meeting.id)
    }

    pub(super) fn add_to_agenda(&mut self, meeting_id: Uuid) -> Result<()> {
        let Some(form) = &self.view.form else { return Ok(()) };
        let Some(mut meeting) = self.store.discussion(meeting_id)? else { return Ok(()) };
        let reference = form.text(Slot::Reference).trim().to_string();
        let Some(case) = self.store.case_by_reference(&reference)? else {
            let text = self.view.catalog.f("error.no_such_case", &[("reference", &reference)]);
            return self.form_error(Slot::Reference, text);
        };
        let typed = form.text(Slot::Start).trim().to_string();
        let start = match typed.as_str() {
            "" => None,
            text => match parse_time(text) {
                Some(t) => Some(t),
                None => return self.form_error(Slot::Start, self.view.catalog.time_error(text)),
            },
        };
        let typed = form.text(Slot::Minutes).trim().to_string();
        let Ok(minutes) = typed.parse::<u32>() else {
            return self.form_error(Slot::Minutes, self.view.catalog.f("form.bad_minutes", &[("text", &typed)]));
        };
        if let Err(e) = meeting.add_case(&case, form.difficulty(), start, minutes) {
            let slot = match e {
                DiscussionError::SlotLength { .. } => Slot::Minutes,
                DiscussionError::SlotOverlaps { .. } | DiscussionError::SlotPastMidnight => Slot::Start,
                _ => Slot::Reference,
            };
            return self.form_error(slot, self.view.catalog.discussion_error(&e));
        }
        self.store.save_discussion(&meeting)?;
        self.view.form = None;
        self.reload()
    }
}

pub(super) fn form_state_style(theme: &Theme, state: FormState) -> Style {
    match state {
        FormState::Overdue => theme.state(DeadlineState::Overdue),
        FormState::DueSoon => theme.state(DeadlineState::DueSoon),
        _ => Style::new(),
    }
}

/// The discussion meetings with PPT, a line each.
pub(super) fn render_discussions(view: &View, theme: &Theme, frame: &mut Frame, area: Rect) {
    let c = &view.catalog;
    if view.discussions.is_empty() {
        frame.render_widget(Paragraph::new(format!(" {}", c.t("discussion.empty"))), area);
        return;
    }
    let mut lines = vec![Line::styled(
        format!(
            "   {:<10}  {:<5}  {:<26} {:>5}  {}",
            c.t("discussion.col_date"),
            c.t("discussion.col_time"),
            c.t("discussion.school"),
            c.t("discussion.col_cases"),
            c.t("discussion.col_form")
        ),
        theme.dim(),
    )];
    for (index, meeting) in view.discussions.iter().enumerate() {
        let selected = index == view.discussion_selected;
        let state = meeting.form_state(view.settings.today);
        let row = format!(
            "{} {:<10}  {:<5}  {:<26} {:>5}  ",
            if selected { "▶" } else { " " },
            format_date(meeting.date),
            crate::domain::format_time(meeting.starts_at),
            fit(&meeting.school, 26),
            meeting.items.len()
        );
        let style = if selected { theme.selected() } else { Style::new() };
        lines.push(Line::from(vec![
            Span::styled(row, style),
            Span::styled(c.form_state(meeting, view.settings.today), form_state_style(theme, state)),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// One discussion meeting: its facts, and the cases in their slots.
pub(super) fn render_agenda_screen(view: &View, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(agenda) = &view.agenda else { return };
    let c = &view.catalog;
    let m = &agenda.meeting;
    let state = m.form_state(view.settings.today);
    let mut lines = vec![
        Line::raw(format!(
            " {} {} · {}: {}",
            c.t("discussion.col_time"),
            crate::domain::format_time(m.starts_at),
            c.t("discussion.ppt_contact"),
            if m.ppt_contact.is_empty() { "–" } else { &m.ppt_contact },
        )),
        Line::raw(format!(" {}: {}", c.t("discussion.leader"), c.yes_no(m.leader_attends))),
        Line::styled(format!(" {}", c.form_state(m, view.settings.today)), form_state_style(theme, state)),
        Line::raw(""),
    ];
    let kinds: Vec<String> = agenda
        .cases
        .iter()
        .map(|case| match case.details.kind {
            crate::domain::CaseKind::System => c.t("kind.system").to_string(),
            _ => case.details.gender.map(|g| c.word(g).to_string()).unwrap_or_default(),
        })
        .collect();
    // Grade and gender are as wide as their header and values, so "Klasse/trinn"
    // is never cut to look like another column.
    let grade_w =
        column_width(c.t("discussion.col_grade"), agenda.cases.iter().map(|k| k.details.grade.as_str()), 6, 12);
    let kind_w = column_width(c.t("discussion.col_gender"), kinds.iter().map(String::as_str), 5, 10);
    if m.items.is_empty() {
        lines.push(Line::styled(format!(" {}", c.t("discussion.no_cases")), theme.dim()));
    } else {
        lines.push(Line::styled(
            format!(
                "   {:<11}  {:<8}  {}  {}  {:<15} {}",
                c.t("discussion.col_time"),
                c.t("minutes.case"),
                fit(c.t("discussion.col_grade"), grade_w),
                fit(c.t("discussion.col_gender"), kind_w),
                c.t("form.difficulty"),
                c.t("discussion.col_teacher")
            ),
            theme.dim(),
        ));
    }
    for (index, ((item, case), kind)) in m.items.iter().zip(&agenda.cases).zip(&kinds).enumerate() {
        let selected = index == agenda.selected;
        let d = &case.details;
        let text = format!(
            "{}{} {}–{}  {:<8}  {}  {}  {:<15} {}",
            if selected { "▶" } else { " " },
            if item.is_discussed() { "✓" } else { " " },
            crate::domain::format_time(item.starts_at),
            crate::domain::format_time(item.ends_at()),
            case.reference,
            fit(&d.grade, grade_w),
            fit(kind, kind_w),
            fit(c.word(item.difficulty), 15),
            d.teacher
        );
        lines.push(Line::styled(text, if selected { theme.selected() } else { Style::new() }));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;

    use super::super::testing::{date, drawn, view};
    use super::super::view::Screen;
    use super::AgendaView;
    use crate::domain::case::tests::sample_case;
    use crate::domain::{Difficulty, DiscussionMeeting};

    fn meeting(today: chrono::NaiveDate) -> DiscussionMeeting {
        let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
        DiscussionMeeting::new(uuid::Uuid::nil(), date(2026, 11, 30), nine, "Bjørkå skole", "Per Pedersen", true, today)
            .unwrap()
    }

    #[test]
    fn the_discussion_meetings_from_a_view_in_memory() {
        let mut view = view();
        view.discussions = vec![meeting(view.settings.today)];
        view.open(Screen::Discussions);
        insta::assert_snapshot!(drawn(&view));
    }

    #[test]
    fn an_agenda_with_a_case_from_a_view_in_memory() {
        let mut view = view();
        let mut meeting = meeting(view.settings.today);
        let case = sample_case();
        meeting.add_case(&case, Difficulty::SocialBehaviour, None, 20).unwrap();
        view.discussions = vec![meeting.clone()];
        view.open(Screen::Discussions);
        view.agenda = Some(AgendaView { meeting, cases: vec![case], selected: 0 });
        view.open(Screen::Agenda);
        insta::assert_snapshot!(drawn(&view));
    }
}
