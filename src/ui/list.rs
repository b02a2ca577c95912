//! The list of all cases: filters, the search typed with `/`, and the rows the
//! start screen shares.

use anyhow::Result;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::App;
use super::keymap::{self, Command};
use super::line_input::LineInput;
use super::pager::CasePager;
use super::theme::Theme;
use super::view::View;
use crate::domain::{DeadlineState, Stage, Status, column_width, fit, format_date, state_of};
use crate::i18n::Catalog;
use crate::service::marker;
use crate::store::{CaseRow, StatusFilter};

pub(super) fn render_list(view: &View, theme: &Theme, frame: &mut Frame, area: Rect) {
    let c = &view.catalog;
    let [filter_area, table] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let query = &view.list.query;
    let status = match query.status {
        StatusFilter::Open => c.t("list.status_open"),
        StatusFilter::Closed => c.t("list.status_closed"),
        StatusFilter::All => c.t("list.status_all"),
    };
    let stage = query.stage.map_or(c.t("list.all_stages"), |s| c.word(s));
    let search_text = view.search.as_ref().map_or(query.search.as_str(), |s| s.value());
    let search = c.f("list.search", &[("text", search_text)]);
    // The last result stays on screen, quietly marked, until the newest is in.
    let count = if view.searching {
        c.t("list.searching").to_string()
    } else if view.list.total_capped {
        c.f("list.count", &[("n", &format!("{}+", view.list.total))])
    } else {
        c.count("list.count", view.list.total, &[])
    };
    let line = Line::from(vec![
        Span::raw(format!(" {} · ", c.f("list.filter_status", &[("status", status)]))),
        Span::raw(format!("{} · ", c.f("list.filter_stage", &[("stage", stage)]))),
        Span::styled(search.clone(), if view.search.is_some() { theme.focus() } else { Style::new() }),
        Span::styled(format!(" · {count}"), theme.dim()),
    ]);
    frame.render_widget(line, filter_area);
    if let Some(input) = &view.search {
        let prefix = format!(
            " {} · {} · ",
            c.f("list.filter_status", &[("status", status)]),
            c.f("list.filter_stage", &[("stage", stage)])
        );
        let label = c.f("list.search", &[("text", "")]);
        let x = filter_area.x + (prefix.chars().count() + label.chars().count() + input.window(usize::MAX).1) as u16;
        frame.set_cursor_position((x.min(filter_area.right().saturating_sub(1)), filter_area.y));
    }
    if view.list.total == 0 {
        frame.render_widget(Paragraph::new(format!(" {}", c.t("list.empty"))), table);
        return;
    }
    render_rows(view, theme, frame, table, &view.list);
}

/// Column widths of a case row; the reference and grade are as wide as the
/// widest in view (within these bounds), school takes what is left.
const REF_W: (usize, usize) = (8, 16);
const STAGE_W: usize = 16;
const GRADE_W: (usize, usize) = (6, 12);
const DEADLINE_W: usize = 30;
/// Narrower than this, the stage column gives way to the school (the deadline
/// names the next meeting anyway).
const STAGE_COLUMN_FROM: usize = 100;

pub(super) fn render_rows(view: &View, theme: &Theme, frame: &mut Frame, area: Rect, pager: &CasePager) {
    let c = &view.catalog;
    let width = area.width as usize;
    let stage_w = if width >= STAGE_COLUMN_FROM { STAGE_W + 1 } else { 0 };
    let height = u64::from(area.height.saturating_sub(1));
    let in_view = || pager.visible(height).map(|(_, row)| row);
    // One more than the widest, for room between the columns.
    let ref_w = column_width(c.t("list.col_ref"), in_view().map(|r| r.reference.as_str()), REF_W.0, REF_W.1) + 1;
    let grade_w = column_width(c.t("list.col_grade"), in_view().map(|r| r.grade.as_str()), GRADE_W.0, GRADE_W.1) + 1;
    let school_w = width.saturating_sub(3 + ref_w + 1 + stage_w + grade_w + 1 + DEADLINE_W + 1).max(8);
    let column = |text: &str, w: usize| if w == 0 { String::new() } else { format!("{} ", fit(text, w - 1)) };
    let header = format!(
        "   {} {}{} {} {}",
        fit(c.t("list.col_ref"), ref_w),
        column(c.t("list.col_stage"), stage_w),
        fit(c.t("list.col_school"), school_w),
        fit(c.t("list.col_grade"), grade_w),
        c.t("list.col_deadline"),
    );
    let mut lines = vec![Line::styled(header, theme.dim())];
    for (index, row) in pager.visible(height) {
        let state = row.next_due.map(|due| state_of(due, None, view.settings.today, view.settings.due_soon_days));
        let selected = index == pager.selected;
        let pointer = if selected { "▶" } else { " " };
        let stage = if row.status == Status::Closed { c.t("status.closed") } else { c.word(row.stage) };
        let mut spans = vec![
            Span::raw(format!("{pointer}{}", marker(state))),
            Span::raw(format!(
                "{} {}{} {} ",
                fit(&row.reference, ref_w),
                column(stage, stage_w),
                fit(&row.school, school_w),
                fit(&row.grade, grade_w)
            )),
            Span::styled(
                fit(&deadline_text(c, row, state), DEADLINE_W),
                state.map_or(Style::new(), |s| theme.state(s)),
            ),
        ];
        if selected {
            spans.iter_mut().for_each(|s| s.style = s.style.patch(theme.selected()));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn deadline_text(c: &Catalog, row: &CaseRow, state: Option<DeadlineState>) -> String {
    match (row.next_kind, row.next_due, state) {
        (Some(kind), Some(due), Some(state)) => {
            let late = row.next_planned.is_some_and(|p| p > due);
            format!("{} {} {}{}", c.word(kind), format_date(due), c.word(state), if late { " ⚠" } else { "" })
        }
        _ if row.status == Status::Closed => String::new(),
        // Referred and received: the school's part is done, PPT's goes on.
        _ => match &row.ppt {
            Some(track) => c.f("list.ppt_state", &[("state", c.word(track.state))]),
            None => c.t("deadline.none").to_string(),
        },
    }
}

impl App {
    /// The list's own keys: the search field, and the stage and status filters.
    pub(super) fn list_command(&mut self, command: Command) -> Result<()> {
        let list = &mut self.view.list;
        match command {
            Command::Search => self.view.search = Some(LineInput::new(&list.query.search)),
            Command::CycleStage => list.query.stage = next_stage(list.query.stage),
            Command::CycleStatus => {
                list.query.status = match list.query.status {
                    StatusFilter::Open => StatusFilter::All,
                    StatusFilter::All => StatusFilter::Closed,
                    StatusFilter::Closed => StatusFilter::Open,
                }
            }
            _ => return Ok(()),
        }
        if command != Command::Search {
            self.view.list.selected = 0;
            self.refresh_list()?;
        }
        Ok(())
    }

    pub(super) fn handle_search_key(&mut self, key: KeyEvent) -> Result<()> {
        let Some(search) = &mut self.view.search else { return Ok(()) };
        match keymap::lookup(keymap::SEARCH, key) {
            Some(Command::Submit) => {
                let text = search.value().to_string();
                self.view.search = None;
                self.apply_search(text)
            }
            Some(_) => {
                self.view.search = None;
                self.apply_search(String::new())
            }
            None if search.edit(key) => self.search_typed(),
            None => Ok(()),
        }
    }

    /// The list follows the search as it is typed, every key: the searcher
    /// drops what an older key asked for, so typing never waits.
    pub(super) fn search_typed(&mut self) -> Result<()> {
        let text = self.view.search.as_ref().map_or(String::new(), |s| s.value().to_string());
        self.apply_search(text)
    }

    fn apply_search(&mut self, text: String) -> Result<()> {
        if text != self.view.list.query.search {
            self.view.list.query.search = text;
            self.view.list.selected = 0;
            self.view.list.top = 0;
            self.refresh_list()?;
        }
        Ok(())
    }
}

fn next_stage(stage: Option<Stage>) -> Option<Stage> {
    match stage {
        None => Some(Stage::InternalSparring),
        Some(Stage::InternalSparring) => Some(Stage::Meeting1),
        Some(Stage::Meeting1) => Some(Stage::Meeting2),
        Some(Stage::Meeting2) => Some(Stage::Meeting3),
        Some(Stage::Meeting3) => Some(Stage::Referred),
        Some(Stage::Referred) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{date, drawn, pager, row, view};
    use super::super::view::Screen;
    use crate::domain::Stage;

    fn list_view() -> super::super::view::View {
        let mut view = view();
        view.open(Screen::List);
        let mut query = view.list.query.clone();
        query.search = "Bjørkå".into();
        view.list = pager(
            query,
            vec![
                row(1, "Bjørkå skole", "5. trinn", Stage::Meeting2, Some(date(2026, 11, 1))),
                row(12, "Bjørkå skole", "7B", Stage::Meeting1, Some(date(2026, 11, 27))),
            ],
        );
        view
    }

    #[test]
    fn the_list_with_a_search_from_a_view_in_memory() {
        insta::assert_snapshot!(drawn(&list_view()));
    }

    #[test]
    fn a_search_being_typed_shows_its_keys_and_waits_quietly() {
        let mut view = list_view();
        view.search = Some(super::super::line_input::LineInput::new("7b"));
        view.searching = true;
        insta::assert_snapshot!(drawn(&view));
    }

    #[test]
    fn a_referred_case_that_ppt_has_received_shows_its_tracks_state() {
        let mut view = list_view();
        let mut received = row(3, "Bjørkå skole", "5. trinn", Stage::Referred, None);
        received.ppt = Some(crate::store::PptRow {
            state: crate::domain::ppt::TrackState::Waiting,
            adviser: None,
            received: date(2026, 11, 2),
            assigned_on: None,
            next_kind: None,
            next_due: None,
        });
        let sent = row(4, "Bjørkå skole", "6. trinn", Stage::Referred, None);
        view.list = pager(view.list.query.clone(), vec![received, sent]);
        let text = format!("{}", drawn(&view));
        assert!(text.contains("2026-003  Bjørkå skole") && text.contains("PPT: venter"), "{text}");
        assert!(text.contains("Ingen frist"), "not yet received: no deadline, as before\n{text}");
    }

    #[test]
    fn references_of_a_hundred_thousand_cases_show_whole_and_apart() {
        let mut view = list_view();
        let mut rows: Vec<_> = (0..4u8).map(|n| row(n, "Bjørkå skole", "10. trinn", Stage::Meeting1, None)).collect();
        for (n, row) in rows.iter_mut().enumerate() {
            row.reference = format!("2026-{}", 99_983 + n);
        }
        rows[3].reference = "2026-100000".into();
        view.list = pager(view.list.query.clone(), rows);
        let drawn = drawn(&view);
        let text = format!("{drawn}");
        for reference in ["2026-99983", "2026-99985", "2026-100000"] {
            assert!(text.contains(reference), "{reference} shows whole:\n{text}");
        }
        insta::assert_snapshot!(drawn);
    }
}
