//! The PPT adviser's start screen: the referred cases PPT has received, by their
//! next PPT deadline or as the waiting list (longest waiting first), with the
//! counts per state, the waiting list's length and the cases each adviser holds.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::start::{packed, warning_lines, warning_rows};
use super::theme::Theme;
use super::view::View;
use crate::domain::{column_width, fit, format_date};
use crate::service::marker;
use crate::store::{CaseQuery, CaseRow, Order, PptFilter, StatusFilter};

/// Rows over the table: the counts per state, the waiting list, the advisers.
pub(super) const HEADER_ROWS: u16 = 3;

/// The adviser's list by next deadline, or the waiting list.
pub fn query(waiting_list: bool) -> CaseQuery {
    let (ppt, order) =
        if waiting_list { (PptFilter::Waiting, Order::PptWaiting) } else { (PptFilter::Open, Order::PptDeadline) };
    // Whatever the school has done with its case, PPT's track goes on.
    CaseQuery { status: StatusFilter::All, ppt: Some(ppt), order, ..CaseQuery::default() }
}

/// Whether the adviser's screen shows the waiting list.
pub fn shows_waiting_list(view: &View) -> bool {
    view.ppt.query.ppt == Some(PptFilter::Waiting)
}

pub(super) fn render_ppt_start(view: &View, theme: &Theme, frame: &mut Frame, area: Rect) {
    let c = &view.catalog;
    let counts = &view.ppt_counts;
    let [states_area, waiting_area, advisers_area, warning_area, table] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(warning_rows(view)),
        Constraint::Min(1),
    ])
    .areas(area);
    let width = usize::from(area.width);
    let mut states: Vec<_> =
        counts.per_state.iter().map(|(state, n)| (format!("{} {n}", c.word(*state)), Style::default())).collect();
    if states.is_empty() {
        states.push((c.t("ppt_start.no_tracks").to_string(), theme.dim()));
    }
    let label = Span::styled(format!(" {}: ", c.t("ppt_start.states")), theme.dim());
    // One row: what does not fit is left out whole, never cut inside a count.
    let first_row = packed(label, states, width).into_iter().next().unwrap_or_default();
    frame.render_widget(Paragraph::new(first_row), states_area);
    let waiting = match counts.waiting_since {
        Some(since) => c.f(
            "ppt_start.waiting",
            &[
                ("n", &counts.waiting.to_string()),
                ("long", &counts.waiting_long.to_string()),
                ("since", &format_date(since)),
            ],
        ),
        None => c.t("ppt_start.none_waiting").to_string(),
    };
    let style = if counts.waiting_long > 0 { theme.focus() } else { Style::default() };
    frame.render_widget(Paragraph::new(Line::styled(format!(" {}", fit(&waiting, width - 1)), style)), waiting_area);
    let advisers: Vec<String> = counts.per_adviser.iter().map(|(name, n)| format!("{name} {n}")).collect();
    let advisers = if advisers.is_empty() { c.t("ppt_start.no_advisers").to_string() } else { advisers.join(" · ") };
    let line = format!(" {}: {advisers}", c.t("ppt_start.advisers"));
    frame.render_widget(Paragraph::new(fit(&line, width)).style(theme.dim()), advisers_area);
    frame.render_widget(Paragraph::new(warning_lines(view, theme, warning_area.width)), warning_area);
    if view.ppt.total == 0 {
        let empty = if shows_waiting_list(view) { "ppt_start.empty_waiting" } else { "ppt_start.empty" };
        let text = Paragraph::new(c.t(empty)).wrap(Default::default());
        frame.render_widget(text, table.inner(Margin { horizontal: 1, vertical: 0 }));
        return;
    }
    render_tracks(view, theme, frame, table);
}

/// Column widths; the school takes what is left.
const REF_W: (usize, usize) = (8, 16);
const ADVISER_W: (usize, usize) = (8, 18);
const WAITED_W: usize = 7;
const KIND_W: usize = 19;
const DATE_W: usize = 10;
/// From this width the deadline's state stands in words as well as in colour.
const STATE_COLUMN_FROM: usize = 100;
const STATE_W: usize = 12;

fn render_tracks(view: &View, theme: &Theme, frame: &mut Frame, area: Rect) {
    let c = &view.catalog;
    let today = view.settings.today;
    let pager = &view.ppt;
    let width = usize::from(area.width);
    let height = u64::from(area.height.saturating_sub(1));
    let in_view = || pager.visible(height).map(|(_, row)| row);
    let adviser = |row: &CaseRow| row.ppt.as_ref().and_then(|t| t.adviser.clone()).unwrap_or_else(|| "–".into());
    let ref_w = column_width(c.t("list.col_ref"), in_view().map(|r| r.reference.as_str()), REF_W.0, REF_W.1) + 1;
    let advisers: Vec<String> = in_view().map(adviser).collect();
    let adviser_w =
        column_width(c.t("ppt_start.col_adviser"), advisers.iter().map(String::as_str), ADVISER_W.0, ADVISER_W.1) + 1;
    let state_w = if width >= STATE_COLUMN_FROM { STATE_W } else { 0 };
    let fixed = 3 + ref_w + 1 + adviser_w + WAITED_W + 1 + KIND_W + 1 + DATE_W + 1 + state_w;
    let school_w = width.saturating_sub(fixed).max(8);
    let header = format!(
        "   {} {} {}{} {} {} {}",
        fit(c.t("list.col_ref"), ref_w),
        fit(c.t("list.col_school"), school_w),
        fit(c.t("ppt_start.col_adviser"), adviser_w),
        fit(c.t("ppt_start.col_waited"), WAITED_W),
        fit(c.t("ppt_start.col_deadline"), KIND_W),
        fit(c.t("ppt_start.col_due"), DATE_W),
        if state_w > 0 { c.t("ppt_start.col_state") } else { "" },
    );
    let mut lines = vec![Line::styled(header, theme.dim())];
    for (index, row) in pager.visible(height) {
        let Some(track) = &row.ppt else { continue };
        let state = track.next_due.map(|due| crate::domain::state_of(due, None, today, view.settings.due_soon_days));
        let selected = index == pager.selected;
        let long = track.waited_too_long(today);
        let waited = format!("{} d{}", track.days_waiting(today), if long { " ⚠" } else { "" });
        let (kind, due) = match (track.next_kind, track.next_due) {
            (Some(kind), Some(due)) => (c.word(kind).to_string(), format_date(due)),
            _ => (c.word(track.state).to_string(), String::new()),
        };
        let state_text = state.filter(|_| state_w > 0).map_or(String::new(), |s| c.word(s).to_string());
        let deadline_style = state.map_or(Style::new(), |s| theme.state(s));
        let mut spans = vec![
            Span::raw(format!("{}{}", if selected { "▶" } else { " " }, marker(state))),
            Span::raw(format!(
                "{} {} {}",
                fit(&row.reference, ref_w),
                fit(&row.school, school_w),
                fit(&adviser(row), adviser_w)
            )),
            Span::styled(format!("{} ", fit(&waited, WAITED_W)), if long { theme.focus() } else { Style::new() }),
            Span::styled(format!("{} {} {}", fit(&kind, KIND_W), fit(&due, DATE_W), state_text), deadline_style),
        ];
        if selected {
            spans.iter_mut().for_each(|s| s.style = s.style.patch(theme.selected()));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
