//! A question before something is done: its words, and its keys from the keymap
//! (Enter alone says yes to an erasure; `j` is "down" everywhere).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use uuid::Uuid;

use super::keymap::{self, Binding};
use super::render::{centered, hints};
use super::theme::Theme;
use super::view::wrapped_rows;
use crate::domain::{Action, DiscussionMeeting, MeetingRecord};
use crate::i18n::Catalog;

/// Something to be confirmed before it is done, worded for the user.
pub struct Confirm {
    pub text: String,
    pub on_yes: Pending,
    /// What `n` does where it differs from Esc (which always just goes back).
    pub on_no: Option<Pending>,
}

impl Confirm {
    /// Its keys: Enter alone confirms, but for a choice of two ways on.
    pub fn bindings(&self) -> &'static [Binding] {
        if self.on_no.is_some() { keymap::CHOICE } else { keymap::CONFIRM }
    }
}

pub enum Pending {
    Apply(Uuid, Action),
    DiscardForm,
    /// Close the editor of a conflict's value without saving what was written.
    DiscardMerge,
    EraseExpired,
    /// Save the record editor's field, then close the editor.
    SaveFieldAndClose,
    CloseRecord,
    /// Ctrl-C over unsaved typing: save it (the field, or the form), then quit.
    SaveAndQuit,
    Quit,
    /// Store the record as it is without a row.
    RemoveRow(Box<MeetingRecord>),
    /// Store the discussion meeting as it is without a case.
    RemoveFromAgenda(Box<DiscussionMeeting>),
    /// Delete a kit file that has been read in.
    DeleteKitFile(std::path::PathBuf),
}

/// The question over whatever is open, however long (a file's path), then its keys.
pub(super) fn render_confirm(c: &Catalog, confirm: &Confirm, theme: &Theme, frame: &mut Frame, area: Rect) {
    const WIDTH: u16 = 60;
    let inner_w = usize::from(WIDTH.min(area.width).saturating_sub(2));
    let text = crate::domain::shorten_paths(&confirm.text, inner_w);
    let text_rows = wrapped_rows(&text, inner_w).max(2);
    let popup = centered(area, WIDTH, text_rows + 4);
    frame.render_widget(Clear, popup);
    let block = Block::bordered();
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [question, keys] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), question);
    frame.render_widget(hints(c, confirm.bindings(), theme, keys), keys);
}

#[cfg(test)]
mod tests {
    use super::super::form::{Form, Purpose};
    use super::super::testing::{drawn, view};
    use super::{Confirm, Pending};

    #[test]
    fn a_question_over_a_form_shows_its_own_keys_inside_and_in_the_footer() {
        let mut view = view();
        let fields = Form::case_fields(None, Some(view.settings.today));
        view.form = Some(Form::new(Purpose::NewCase, view.catalog.t("form.new_case").into(), fields));
        view.confirm =
            Some(Confirm { text: view.catalog.t("form.discard").into(), on_yes: Pending::DiscardForm, on_no: None });
        insta::assert_snapshot!(drawn(&view));
    }

    #[test]
    fn a_choice_of_two_ways_on_shows_three_keys() {
        let mut view = view();
        view.confirm = Some(Confirm {
            text: view.catalog.f("record.unsaved", &[("field", "Sted")]),
            on_yes: Pending::SaveFieldAndClose,
            on_no: Some(Pending::CloseRecord),
        });
        insta::assert_snapshot!(drawn(&view));
    }
}
