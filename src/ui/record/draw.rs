//! The record editor drawn: the part's title, then its fields from the focused one.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::{EditField, FieldInput, RecordEditor};
use crate::domain::{AGENDA_PARTS, MeetingRecord, fit, format_date};
use crate::ui::render::centered;
use crate::ui::theme::Theme;
use crate::ui::view::View;

/// Rows a field takes at `width`: its heading, its label and value, its error
/// or warning.
fn field_height(field: &EditField, width: u16, focused: bool, has_error: bool) -> u16 {
    let heading = u16::from(field.heading.is_some());
    let wrapped = |area: &ratatui_textarea::TextArea| -> u16 {
        let width = usize::from(width.saturating_sub(4).max(1));
        area.lines().iter().map(|l| l.chars().count().div_ceil(width).max(1)).sum::<usize>().min(99) as u16
    };
    let body = match &field.input {
        // Room to write in, and to see what was written.
        FieldInput::Text(area) if focused => 1 + (wrapped(area) + 1).clamp(3, 8),
        FieldInput::Text(area) => 1 + wrapped(area).clamp(1, 3),
        _ => 1,
    };
    heading + body + u16::from((focused && has_error) || field.warning.is_some())
}

/// The record editor: the part's title, then its fields from wherever the focused
/// one is in view.
pub(in crate::ui) fn render_record(view: &View, editor: &RecordEditor, theme: &Theme, frame: &mut Frame, area: Rect) {
    let c = &view.catalog;
    let part = &editor.sections[editor.section];
    let of = editor.sections.len().to_string();
    let title = c.f("record.section", &[("n", &(editor.section + 1).to_string()), ("of", &of), ("title", &part.title)]);
    let [head, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(area);
    frame.render_widget(Line::styled(format!(" {title}"), theme.title()), head);
    if let Some(sent) = editor.minutes().and_then(|(_, record)| record.sent_home_on) {
        // What is changed now is not what the family got.
        let note = c.f("record.sent_home_note", &[("date", &format_date(sent))]);
        let style = theme.state(crate::domain::DeadlineState::DueSoon);
        let line = Rect { y: head.y + 1, height: 1, ..head };
        frame.render_widget(Line::styled(fit(&format!(" ⚠ {note}"), head.width.into()), style), line);
    }
    if let Some(note) = &part.empty_note {
        frame.render_widget(Line::styled(format!("   {note}"), theme.dim()), body);
    }
    let heights: Vec<u16> = part
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| field_height(f, body.width, i == editor.focus, editor.error.is_some()))
        .collect();
    // The first field drawn: as early as still shows the whole focused field.
    let mut first = editor.focus.min(heights.len().saturating_sub(1));
    let mut used = heights.get(first).copied().unwrap_or(0);
    while first > 0 && used + heights[first - 1] <= body.height {
        first -= 1;
        used += heights[first];
    }
    let label_w = (body.width * 2 / 5).clamp(14, 40) as usize;
    let mut y = body.y;
    for (index, field) in part.fields.iter().enumerate().skip(first) {
        let focused = index == editor.focus;
        if y + heights[index] > body.y + body.height {
            break;
        }
        let row = |y: u16, height: u16| Rect { x: body.x, y, width: body.width, height };
        if let Some(heading) = &field.heading {
            frame.render_widget(Line::styled(format!(" {heading}"), theme.title()), row(y, 1));
            y += 1;
        }
        let label_style = if focused { theme.focus() } else { theme.dim() };
        // Under the F2 checklist no field has the keys: the marker would show beside it.
        let pointer = if focused && editor.agenda.is_none() { "▶" } else { " " };
        let label = format!("{pointer} {}", fit(&field.label, label_w.saturating_sub(3)));
        let value_area = |y: u16, height: u16| Rect {
            x: body.x + label_w as u16,
            y,
            width: body.width.saturating_sub(label_w as u16),
            height,
        };
        match &field.input {
            FieldInput::Text(text_area) => {
                frame.render_widget(Line::styled(format!("{pointer} {}", field.label), label_style), row(y, 1));
                let height = heights[index]
                    - 1
                    - u16::from(field.heading.is_some())
                    - u16::from((focused && editor.error.is_some()) || field.warning.is_some());
                let inner = Rect { x: body.x + 3, y: y + 1, width: body.width.saturating_sub(4), height };
                if focused {
                    frame.render_widget(&**text_area, inner);
                } else {
                    let text = text_area.lines().join("\n");
                    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }).style(theme.dim()), inner);
                }
                y += 1 + height;
            }
            input => {
                frame.render_widget(Line::styled(format!("{label:<label_w$}"), label_style), row(y, 1));
                match input {
                    FieldInput::Line(line_area) if focused => frame.render_widget(&**line_area, value_area(y, 1)),
                    FieldInput::Line(line_area) => {
                        let text = line_area.lines().join(" ");
                        frame.render_widget(Line::raw(fit(&text, value_area(y, 1).width as usize)), value_area(y, 1));
                    }
                    FieldInput::Choice { options, index } => {
                        let text = if focused {
                            format!("◀ {} ▶   ({})", options[*index], c.t("form.choice_hint"))
                        } else {
                            options[*index].clone()
                        };
                        frame.render_widget(Line::raw(text), value_area(y, 1));
                    }
                    FieldInput::Check(on) => {
                        let mark = c.t(if *on { "record.checked" } else { "record.unchecked" });
                        frame.render_widget(Line::raw(mark.to_string()), value_area(y, 1));
                    }
                    FieldInput::Text(_) => {}
                }
                y += 1;
            }
        }
        if let Some(message) = editor.error.as_ref().filter(|_| focused) {
            frame.render_widget(Line::styled(format!("   ⚠ {message}"), theme.error()), row(y, 1));
            y += 1;
        } else if let Some(warning) = &field.warning {
            let style = theme.state(crate::domain::DeadlineState::DueSoon);
            frame.render_widget(Line::styled(fit(&format!("   ⚠ {warning}"), body.width.into()), style), row(y, 1));
            y += 1;
        }
    }
    if let (Some(selected), Some((_, record))) = (editor.agenda, editor.minutes()) {
        render_agenda(view, record, selected, theme, frame, area);
    }
}

/// The agenda checklist from the form's "tips for good meetings".
fn render_agenda(view: &View, record: &MeetingRecord, selected: usize, theme: &Theme, frame: &mut Frame, area: Rect) {
    let c = &view.catalog;
    let mut lines = Vec::new();
    let mut item = 0;
    let mut selected_line = 0;
    for (part, count) in AGENDA_PARTS.iter().enumerate() {
        lines.push(Line::styled(c.t(&format!("agenda.part{}", part + 1)).to_string(), theme.title()));
        for _ in 0..*count {
            let mark = c.t(if record.agenda_item_checked(item) { "record.checked" } else { "record.unchecked" });
            let text = format!("  {mark} {}", c.t(&format!("agenda.item{}", item + 1)));
            if item == selected {
                selected_line = lines.len();
                lines.push(Line::styled(text, theme.selected()));
            } else {
                lines.push(Line::raw(text));
            }
            item += 1;
        }
    }
    let popup = centered(area, 78, lines.len() as u16 + 2);
    // Keep the selected item in view when the screen is low.
    let scroll = (selected_line as u16 + 3).saturating_sub(popup.height.saturating_sub(2));
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(Span::styled(format!(" {} ", c.t("agenda.title")), theme.title()));
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), popup);
}
