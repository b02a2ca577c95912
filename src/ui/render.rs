//! Drawing: a function of the state. No queries, no changes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::view::{Screen, View};
use super::detail::render_detail;
use super::discussions::{render_agenda_screen, render_discussions};
use super::form::Value;
use super::keymap::Binding;
use super::kit::render_kit;
use super::pager::CasePager;
use super::record::render_record;
use super::theme::Theme;
use crate::domain::{DeadlineState, FormState, Status, fit, format_date, state_of};
use crate::i18n::Catalog;
use crate::service::marker;
use crate::store::{CaseRow, StatusFilter};

/// Below this the screens cannot be read; a message says so instead.
pub const MIN_SIZE: (u16, u16) = (60, 16);

pub fn render(view: &View, theme: &Theme, frame: &mut Frame) {
    draw(view, theme, frame);
    printable_cells(frame.buffer_mut());
}

/// No cell reaches the terminal with a control character in it: whatever a case's
/// text holds is shown by its stand-in (␛ for ESC), never carried out.
fn printable_cells(buffer: &mut ratatui::buffer::Buffer) {
    for cell in &mut buffer.content {
        if let std::borrow::Cow::Owned(shown) = crate::domain::one_line(cell.symbol()) {
            cell.set_symbol(&shown);
        }
    }
}

fn draw(view: &View, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    let c = &view.catalog;
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let text = c.f("app.too_small", &[("cols", &MIN_SIZE.0.to_string()), ("rows", &MIN_SIZE.1.to_string())]);
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    let [header, body, message, footer] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1), Constraint::Length(1), Constraint::Length(2)])
            .areas(area);
    let screen_title = match (&view.record, view.screen()) {
        (Some(editor), _) => match editor.minutes() {
            Some((number, _)) => {
                c.f("record.title", &[("meeting", &number.get().to_string()), ("reference", &editor.case.reference)])
            }
            None => c.f("preparation.screen_title", &[("reference", &editor.case.reference)]),
        },
        _ => screen_title(view),
    };
    let today = c.f("app.today", &[("date", &format_date(view.settings.today))]);
    let title = format!(" {} · {screen_title}", c.t("app.title"));
    let gap = (header.width as usize).saturating_sub(title.chars().count() + today.chars().count() + 1);
    frame.render_widget(
        Line::from(vec![Span::styled(title, theme.title()), Span::raw(" ".repeat(gap)), Span::raw(today)]),
        header,
    );
    match (&view.record, view.screen()) {
        (Some(editor), _) => render_record(view, editor, theme, frame, body),
        (None, Screen::Start) => render_start(view, theme, frame, body),
        (None, Screen::List) => render_list(view, theme, frame, body),
        (None, Screen::Detail) => render_detail(view, theme, frame, body),
        (None, Screen::Discussions) => render_discussions(view, theme, frame, body),
        (None, Screen::Agenda) => render_agenda_screen(view, theme, frame, body),
        (None, Screen::Kit) => render_kit(view, theme, frame, body),
    }
    if let Some(text) = &view.message {
        frame.render_widget(Line::styled(format!(" {text}"), theme.focus()), message);
    }
    frame.render_widget(hints(c, view.bindings(), theme, footer), footer);
    if view.help {
        render_help(view, theme, frame, area);
    }
    if view.form.is_some() {
        render_form(view, theme, frame, area);
    }
    if let Some(confirm) = &view.confirm {
        // The question, however long (a file's path), then its keys from the keymap.
        let text_rows = confirm.text.chars().count().div_ceil(56).max(2) as u16;
        let popup = centered(area, 60, text_rows + 4);
        frame.render_widget(Clear, popup);
        let block = Block::bordered();
        let inner = block.inner(popup);
        frame.render_widget(block, popup);
        let [question, keys] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
        frame.render_widget(Paragraph::new(confirm.text.as_str()).wrap(Wrap { trim: true }), question);
        frame.render_widget(hints(c, confirm.bindings(), theme, keys), keys);
    }
}

fn screen_title(view: &View) -> String {
    let c = &view.catalog;
    match view.screen() {
        Screen::Start => c.t("start.title").to_string(),
        Screen::List => c.t("list.title").to_string(),
        Screen::Detail => {
            view.detail.as_ref().map_or(String::new(), |v| c.f("detail.title", &[("reference", &v.case.reference)]))
        }
        Screen::Discussions => c.t("discussion.screen_title").to_string(),
        Screen::Kit => c.t("kit.screen_title").to_string(),
        Screen::Agenda => view.agenda.as_ref().map_or(String::new(), |a| {
            c.f("discussion.agenda_title", &[("date", &format_date(a.meeting.date)), ("school", &a.meeting.school)])
        }),
    }
}

/// The footer: the keys of what has focus, from the same table that dispatches them.
/// A hint is never split over two lines; where the hints need more lines than
/// `area` has, they stand closer together.
pub(super) fn hints<'a>(c: &'a Catalog, bindings: &'static [Binding], theme: &Theme, area: Rect) -> Paragraph<'a> {
    let texts: Vec<&str> = bindings.iter().filter(|b| b.footer).filter_map(|b| b.hint).map(|key| c.t(key)).collect();
    let pack = |gap: usize| {
        let mut lines: Vec<Vec<&str>> = vec![Vec::new()];
        let mut used = 0;
        for text in &texts {
            let len = text.chars().count();
            if used > 0 && used + gap + len > usize::from(area.width) {
                lines.push(Vec::new());
                used = 0;
            }
            used += if used > 0 { gap + len } else { len };
            lines.last_mut().expect("one line at least").push(*text);
        }
        (lines, gap)
    };
    let (lines, gap) = Some(pack(2)).filter(|(l, _)| l.len() <= usize::from(area.height)).unwrap_or_else(|| pack(1));
    let lines = lines.into_iter().map(|texts| {
        let spans = texts.into_iter().enumerate().flat_map(|(i, text)| {
            [Span::raw(if i > 0 { " ".repeat(gap) } else { String::new() }), Span::styled(text, theme.dim())]
        });
        Line::from(spans.collect::<Vec<_>>())
    });
    Paragraph::new(lines.collect::<Vec<_>>())
}

fn render_start(view: &View, theme: &Theme, frame: &mut Frame, area: Rect) {
    let c = &view.catalog;
    let warnings = consent_warnings(view);
    let [counts_area, warning_area, table] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(u16::from(!warnings.is_empty())),
        Constraint::Min(1),
    ])
    .areas(area);
    if !warnings.is_empty() {
        frame.render_widget(Line::styled(format!(" ⚠ {}", warnings.join(" · ")), theme.focus()), warning_area);
    }
    let mut counts: Vec<Span> = vec![Span::styled(format!(" {}: ", c.t("start.counts")), theme.dim())];
    for (stage, n) in &view.counts.per_stage {
        counts.push(Span::raw(format!("{} {n}  ", c.word(*stage))));
    }
    counts.push(Span::styled(format!("{} {}", c.t("start.closed_count"), view.counts.closed), theme.dim()));
    frame.render_widget(Paragraph::new(Line::from(counts)).wrap(Wrap { trim: true }), counts_area);
    if view.start.total == 0 {
        frame.render_widget(Paragraph::new(format!(" {}", c.t("start.empty"))), table);
        return;
    }
    render_rows(view, theme, frame, table, &view.start);
}

/// The warnings of the start screen, in words: forms to PPT not sent (the most
/// pressing), fields from a kit waiting for a choice, then consents.
fn consent_warnings(view: &View) -> Vec<String> {
    let c = &view.catalog;
    let forms = view.unsent_forms.iter().filter_map(|m| {
        let key = match m.form_state(view.settings.today) {
            FormState::DueSoon => "discussion.form_due_soon",
            FormState::Overdue => "discussion.form_overdue",
            _ => return None,
        };
        let args = [("date", format_date(m.date)), ("school", m.school.clone()), ("due", format_date(m.form_due()))];
        Some(c.f(key, &args.each_ref().map(|(k, v)| (*k, v.as_str()))))
    });
    let conflicts =
        (!view.kit_conflicts.is_empty()).then(|| c.count("start.warn_conflicts", view.kit_conflicts.len() as u64, &[]));
    let w = view.warnings;
    let consents =
        [(w.to_erase, "start.warn_erase"), (w.expiring, "start.warn_expiring"), (w.pupil_of_age, "start.warn_of_age")]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, key)| c.count(key, n, &[("age", &view.settings.consent_age.to_string())]));
    forms.chain(conflicts).chain(consents).collect()
}

fn render_list(view: &View, theme: &Theme, frame: &mut Frame, area: Rect) {
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
    let count = if view.search_pending {
        c.f("list.count", &[("n", "…")])
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
        let x = filter_area.x + (prefix.chars().count() + label.chars().count() + input.visual_cursor()) as u16;
        frame.set_cursor_position((x.min(filter_area.right().saturating_sub(1)), filter_area.y));
    }
    if view.list.total == 0 {
        frame.render_widget(Paragraph::new(format!(" {}", c.t("list.empty"))), table);
        return;
    }
    render_rows(view, theme, frame, table, &view.list);
}

/// Column widths of a case row; school takes what is left.
const REF_W: usize = 9;
const STAGE_W: usize = 16;
const GRADE_W: usize = 9;
const DEADLINE_W: usize = 30;
/// Narrower than this, the stage column gives way to the school (the deadline
/// names the next meeting anyway).
const STAGE_COLUMN_FROM: usize = 100;

fn render_rows(view: &View, theme: &Theme, frame: &mut Frame, area: Rect, pager: &CasePager) {
    let c = &view.catalog;
    let width = area.width as usize;
    let stage_w = if width >= STAGE_COLUMN_FROM { STAGE_W + 1 } else { 0 };
    let school_w = width.saturating_sub(3 + REF_W + 1 + stage_w + GRADE_W + 1 + DEADLINE_W + 1).max(8);
    let column = |text: &str, w: usize| if w == 0 { String::new() } else { format!("{} ", fit(text, w - 1)) };
    let header = format!(
        "   {} {}{} {} {}",
        fit(c.t("list.col_ref"), REF_W),
        column(c.t("list.col_stage"), stage_w),
        fit(c.t("list.col_school"), school_w),
        fit(c.t("list.col_grade"), GRADE_W),
        c.t("list.col_deadline"),
    );
    let mut lines = vec![Line::styled(header, theme.dim())];
    let height = u64::from(area.height.saturating_sub(1));
    for (index, row) in pager.visible(height) {
        let state = row.next_due.map(|due| state_of(due, None, view.settings.today, view.settings.due_soon_days));
        let selected = index == pager.selected;
        let pointer = if selected { "▶" } else { " " };
        let stage = if row.status == Status::Closed { c.t("status.closed") } else { c.word(row.stage) };
        let mut spans = vec![
            Span::raw(format!("{pointer}{}", marker(state))),
            Span::raw(format!(
                "{} {}{} {} ",
                fit(&row.reference, REF_W),
                column(stage, stage_w),
                fit(&row.school, school_w),
                fit(&row.grade, GRADE_W)
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
        _ => c.t("deadline.none").to_string(),
    }
}

fn render_help(view: &View, theme: &Theme, frame: &mut Frame, area: Rect) {
    let c = &view.catalog;
    let screen = match (view.record.is_some(), view.form.is_some(), view.screen()) {
        (true, _, _) => c.t("help.record"),
        (_, true, _) => c.t("help.form"),
        (_, _, Screen::Start) => c.t("help.start"),
        (_, _, Screen::List) => c.t("help.list"),
        (_, _, Screen::Detail) => c.t("help.detail"),
        (_, _, Screen::Discussions) => c.t("discussion.screen_title"),
        (_, _, Screen::Agenda) => c.t("help.agenda"),
        (_, _, Screen::Kit) => c.t("help.kit"),
    };
    let bindings = match &view.record {
        Some(editor) if editor.minutes().is_some() => super::keymap::RECORD,
        Some(_) => super::keymap::NOTES,
        None => view.screen_bindings(),
    };
    let mut lines = vec![Line::raw(c.t("help.intro")), Line::raw("")];
    lines.extend(bindings.iter().filter_map(|b| b.hint).map(|key| Line::raw(format!("  {}", c.t(key)))));
    if view.record.is_some() {
        // Undo is the text field's own key, not one of ours.
        lines.push(Line::raw(format!("  {}", c.t("keys.undo"))));
    }
    let popup = centered(area, 50, lines.len() as u16 + 2);
    frame.render_widget(Clear, popup);
    let block =
        Block::bordered().title(Span::styled(format!(" {} ", c.f("help.title", &[("screen", screen)])), theme.title()));
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

fn render_form(view: &View, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(form) = &view.form else { return };
    let c = &view.catalog;
    let label_w = form.fields.iter().map(|f| c.t(f.label).chars().count()).max().unwrap_or(0) + 2;
    const WIDTH: u16 = 76;
    // A long message wraps inside the box, which grows to hold it.
    let error_lines = form.error.as_ref().map_or(0, |(_, message)| {
        let chars = message.chars().count() + 4;
        chars.div_ceil(usize::from(WIDTH.min(area.width).saturating_sub(2)).max(1)) as u16
    });
    let popup = centered(area, WIDTH, form.fields.len() as u16 * 2 + error_lines + 2);
    frame.render_widget(Clear, popup);
    let block = Block::new().borders(Borders::ALL).title(Span::styled(format!(" {} ", form.title), theme.title()));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let value_w = (inner.width as usize).saturating_sub(label_w + 2);
    let mut lines = Vec::new();
    let mut cursor = None;
    for (index, field) in form.fields.iter().enumerate() {
        let focused = index == form.focus;
        let label_style = if focused { theme.focus() } else { theme.dim() };
        let pointer = if focused { "▶" } else { " " };
        let value = match &field.value {
            Value::Text(input) => {
                let scroll = input.visual_scroll(value_w.saturating_sub(1));
                if focused {
                    let x = inner.x + (1 + label_w + input.visual_cursor() - scroll) as u16;
                    cursor = Some((x, inner.y + lines.len() as u16));
                }
                let shown = input.value().chars().skip(scroll).take(value_w);
                if field.secret { shown.map(|_| '•').collect() } else { shown.collect::<String>() }
            }
            Value::Choice { options, index } => {
                let hint = if focused { format!("   ({})", c.t("form.choice_hint")) } else { String::new() };
                format!("◀ {} ▶{hint}", c.t(options[*index]))
            }
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{pointer}{:<label_w$}", c.t(field.label)), label_style),
            Span::styled(
                value,
                if focused { Style::new().add_modifier(ratatui::style::Modifier::UNDERLINED) } else { Style::new() },
            ),
        ]));
        if let Some((_, message)) = form.error.as_ref().filter(|(at, _)| *at == index) {
            lines.push(Line::styled(format!("  ⚠ {message}"), theme.error()));
        }
        lines.push(Line::raw(""));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if let Some(position) = cursor.filter(|_| view.confirm.is_none()) {
        frame.set_cursor_position(position);
    }
}

/// A rectangle of at most `width`×`height` in the middle of `area`.
pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height }
}
