//! Help: the keys of the screen or editor in front, from the keymap that runs them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::keymap;
use super::render::centered;
use super::theme::Theme;
use super::view::{Screen, View};

pub(super) fn render_help(view: &View, theme: &Theme, frame: &mut Frame, area: Rect) {
    let c = &view.catalog;
    let screen = match (view.record.is_some(), view.form.is_some(), view.screen()) {
        (true, _, _) => c.t("help.record"),
        (_, true, _) => c.t("help.form"),
        (_, _, Screen::Start) => c.t("help.start"),
        (_, _, Screen::Ppt) => c.t("ppt_start.title"),
        (_, _, Screen::List) => c.t("help.list"),
        (_, _, Screen::Detail) => c.t("help.detail"),
        (_, _, Screen::Discussions) => c.t("discussion.screen_title"),
        (_, _, Screen::Agenda) => c.t("help.agenda"),
        (_, _, Screen::Kit) => c.t("help.kit"),
    };
    let bindings = match &view.record {
        Some(editor) if editor.minutes().is_some() => keymap::RECORD,
        Some(_) => keymap::NOTES,
        None => view.screen_bindings(),
    };
    let mut lines = vec![Line::raw(c.t("help.intro")), Line::raw("")];
    lines.extend(bindings.iter().filter_map(|b| b.hint).map(|key| Line::raw(format!("  {}", c.t(key)))));
    if view.record.is_some() {
        lines.extend(keymap::FIELD_KEYS.iter().map(|key| Line::raw(format!("  {}", c.t(key)))));
    }
    let popup = centered(area, 50, lines.len() as u16 + 2);
    frame.render_widget(Clear, popup);
    let block =
        Block::bordered().title(Span::styled(format!(" {} ", c.f("help.title", &[("screen", screen)])), theme.title()));
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

#[cfg(test)]
mod tests {
    use super::super::testing::{drawn, view};
    use super::super::view::Screen;

    #[test]
    fn help_over_the_case_list_lists_its_keys() {
        let mut view = view();
        view.open(Screen::List);
        view.help = true;
        insta::assert_snapshot!(drawn(&view));
    }
}
