//! Drawing: a function of the state. No queries, no changes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::confirm::render_confirm;
use super::detail::render_detail;
use super::discussions::{render_agenda_screen, render_discussions};
use super::form::render_form;
use super::help::render_help;
use super::keymap::Binding;
use super::kit::{render_kit, render_kit_files};
use super::list::render_list;
use super::merge::render_merge;
use super::record::render_record;
use super::start::render_start;
use super::theme::Theme;
use super::view::{MIN_SIZE, Screen, View};
use crate::domain::format_date;
use crate::i18n::Catalog;

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
    let [header, body, message, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(view.message_rows()),
        Constraint::Length(2),
    ])
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
        (None, Screen::Ppt) => super::ppt_start::render_ppt_start(view, theme, frame, body),
        (None, Screen::List) => render_list(view, theme, frame, body),
        (None, Screen::Detail) => render_detail(view, theme, frame, body),
        (None, Screen::Discussions) => render_discussions(view, theme, frame, body),
        (None, Screen::Agenda) => render_agenda_screen(view, theme, frame, body),
        (None, Screen::Kit) => render_kit(view, theme, frame, body),
    }
    if let Some(text) = view.shown_message() {
        let inner = Rect { x: message.x + 1, width: message.width.saturating_sub(1), ..message };
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }).style(theme.focus()), inner);
    }
    frame.render_widget(hints(c, view.bindings(), theme, footer), footer);
    if view.help {
        render_help(view, theme, frame, area);
    }
    if view.kit_files.is_some() {
        render_kit_files(view, theme, frame, area);
    }
    if view.merge.is_some() {
        render_merge(view, theme, frame, area);
    }
    if view.ppt_steps.is_some() {
        super::ppt_steps::render_ppt_steps(view, theme, frame, area);
    }
    if view.form.is_some() {
        render_form(view, theme, frame, area);
    }
    if let Some(confirm) = &view.confirm {
        render_confirm(&view.catalog, confirm, theme, frame, area);
    }
}

fn screen_title(view: &View) -> String {
    let c = &view.catalog;
    match view.screen() {
        Screen::Start => c.t("start.title").to_string(),
        Screen::Ppt if super::ppt_start::shows_waiting_list(view) => c.t("ppt_start.waiting_title").to_string(),
        Screen::Ppt => c.t("ppt_start.title").to_string(),
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

/// A rectangle of at most `width`×`height` in the middle of `area`.
pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height }
}

#[cfg(test)]
mod tests {
    use super::super::confirm::{Confirm, Pending};
    use super::super::testing::{drawn, view};

    const KIT: &str =
        "/home/spesialpedagogisk-koordinator/Dokumenter/saksgang/besokspakke-bjorkasen-skole-2026-12-04.age";

    #[test]
    fn a_path_too_long_for_the_status_line_keeps_its_file_name() {
        let mut view = view();
        view.message = Some(format!("Besøkspakke lagret: {KIT} (3 saker, gyldig til 18.12.2026)."));
        let text = format!("{}", drawn(&view));
        assert!(text.contains("…/Dokumenter/saksgang/besokspakke-bjorkasen-skole-2026-12-04.age"), "{text}");
        assert!(text.contains("gyldig til 18.12.2026"), "the words after the path show too:\n{text}");
    }

    #[test]
    fn a_question_naming_a_long_path_keeps_its_file_name_inside_the_box() {
        let mut view = view();
        view.confirm = Some(Confirm {
            text: format!("Slette {KIT} nå? Den inneholder opplysninger om barn."),
            on_yes: Pending::DiscardForm,
            on_no: None,
        });
        let text = format!("{}", drawn(&view));
        assert!(text.contains("besokspakke-bjorkasen-skole-2026-12-04.age"), "{text}");
        assert!(text.contains("opplysninger om barn."), "{text}");
    }
}
