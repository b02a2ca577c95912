//! A kit conflict's value written from both sides, over the kit screen: the
//! two texts one after the other in an editor, and what the user makes of them
//! saved as the choice, so that two people's text is never lost by taking one.

use anyhow::Result;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use super::app::App;
use super::confirm::{Confirm, Pending};
use super::keymap::{self, Command};
use super::render::{centered, hints};
use super::text_edit::TextEdit;
use super::theme::Theme;
use super::view::View;
use crate::domain::{ResolveError, Side, both_texts};
use crate::service::wording;
use crate::store::KitConflict;

pub struct MergeEdit {
    pub conflict: KitConflict,
    pub edit: TextEdit,
    /// The text the editor opened with: anything else is unsaved.
    opened_with: String,
    /// Why the text was not saved, shown under it; the text stays.
    pub error: Option<String>,
}

impl MergeEdit {
    /// The editor over `conflict` holding both its values, or None when they are
    /// not text (a date, a list): those are chosen whole.
    pub fn open(conflict: &KitConflict) -> Option<MergeEdit> {
        let both = both_texts(&conflict.here, &conflict.kit)?;
        let mut area = TextArea::new(both.split('\n').map(str::to_string).collect());
        area.set_wrap_mode(WrapMode::WordOrGlyph);
        area.set_cursor_line_style(Style::default());
        area.set_cursor_style(Style::default().add_modifier(Modifier::REVERSED));
        let mut edit = TextEdit::new(area);
        edit.move_cursor(CursorMove::Top);
        Some(MergeEdit { conflict: conflict.clone(), edit, opened_with: both, error: None })
    }

    pub fn text(&self) -> String {
        self.edit.lines().join("\n")
    }

    pub fn changed(&self) -> bool {
        self.text() != self.opened_with
    }
}

impl App {
    /// `r` on a conflict: both values in the editor, or why they cannot be.
    pub(super) fn open_merge(&mut self, conflict: &KitConflict) {
        match MergeEdit::open(conflict) {
            Some(merge) => self.view.merge = Some(merge),
            None => {
                let why = ResolveError::NotText(conflict.field.clone());
                self.view.message = Some(self.view.catalog.resolve_error(&why));
            }
        }
    }

    pub(super) fn handle_merge_key(&mut self, key: KeyEvent) -> Result<()> {
        let Some(merge) = &mut self.view.merge else { return Ok(()) };
        match keymap::lookup(keymap::MERGE, key) {
            Some(Command::Submit) => self.save_merge(),
            Some(Command::Cancel) if merge.changed() => {
                self.view.confirm = Some(Confirm {
                    text: self.view.catalog.t("kit.discard_merged").into(),
                    on_yes: Pending::DiscardMerge,
                    on_no: None,
                });
                Ok(())
            }
            Some(_) => {
                self.view.merge = None;
                Ok(())
            }
            None => {
                if merge.edit.key(key) {
                    merge.error = None;
                }
                Ok(())
            }
        }
    }

    pub(super) fn paste_into_merge(&mut self, text: &str) {
        if let Some(merge) = &mut self.view.merge {
            merge.edit.insert(&text.replace("\r\n", "\n").replace('\r', "\n"));
            merge.error = None;
        }
    }

    /// Saves the text written as the conflict's choice; a text the rules refuse
    /// stays in the editor with the reason under it.
    pub(super) fn save_merge(&mut self) -> Result<()> {
        let Some(merge) = &mut self.view.merge else { return Ok(()) };
        let (today, consent_age) = (self.view.settings.today, self.view.settings.consent_age);
        match self.store.resolve_kit_conflict_edited(&merge.conflict, &merge.text(), today, consent_age) {
            Ok(()) => {
                let id = merge.conflict.id;
                self.view.merge = None;
                self.view.kit_full = None;
                self.view.message = Some(wording::kit_resolved(&self.view.catalog, id, Side::Edited));
                self.reload()
            }
            Err(error) => match error.downcast_ref::<ResolveError>() {
                Some(why) => {
                    merge.error = Some(self.view.catalog.resolve_error(why));
                    Ok(())
                }
                None => Err(error),
            },
        }
    }
}

pub(super) fn render_merge(view: &View, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(merge) = &view.merge else { return };
    let c = &view.catalog;
    let field = c.kit_field(&merge.conflict.field);
    let title = c.f("kit.merge_title", &[("field", &field), ("reference", &merge.conflict.reference)]);
    let popup = centered(area, 76, area.height.saturating_sub(4).clamp(8, 20));
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(Span::styled(format!(" {title} "), theme.title()));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let error_rows = u16::from(merge.error.is_some()) * 2;
    let [intro, text, error, keys] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(2),
        Constraint::Length(error_rows),
        Constraint::Length(1),
    ])
    .areas(inner);
    let from = c.f("kit.merge_intro", &[("from", &merge.conflict.kit_from)]);
    frame.render_widget(Paragraph::new(from).wrap(Wrap { trim: true }).style(theme.dim()), intro);
    frame.render_widget(&*merge.edit, text);
    if let Some(why) = &merge.error {
        frame.render_widget(Paragraph::new(format!("⚠ {why}")).wrap(Wrap { trim: true }).style(theme.error()), error);
    }
    frame.render_widget(hints(c, keymap::MERGE, theme, keys), keys);
}
