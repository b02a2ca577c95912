//! Typed text with undo as editors do it: one undo takes back a word, a run of
//! deletions or what was typed before a pause, not one character. The text
//! field (`ratatui-textarea`) keeps one history step per change; this groups
//! those steps.

use std::ops::Deref;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Style;
use ratatui_textarea::{CursorMove, TextArea};

/// A pause this long between two changes starts a new undo step.
const PAUSE: Duration = Duration::from_millis(1000);

/// How many changes the field remembers; a step of many changes stays whole.
const HISTORY: usize = 1000;

#[derive(Clone)]
pub struct TextEdit {
    area: TextArea<'static>,
    /// How many of the field's changes each undo step holds, oldest first.
    done: Vec<usize>,
    /// The steps undone, to redo, the latest last.
    undone: Vec<usize>,
    /// The last change and when it was made, while a next one may join its step.
    last: Option<(Change, Instant)>,
}

/// What a key changed, as far as grouping goes.
#[derive(Clone, Copy, PartialEq)]
enum Change {
    Typed {
        space: bool,
    },
    Deleted,
    /// A line break, a paste, a cut: a step of its own.
    Other,
}

impl Deref for TextEdit {
    type Target = TextArea<'static>;
    fn deref(&self) -> &TextArea<'static> {
        &self.area
    }
}

impl TextEdit {
    pub fn new(area: TextArea<'static>) -> TextEdit {
        let mut area = area;
        area.set_max_histories(HISTORY);
        TextEdit { area, done: Vec::new(), undone: Vec::new(), last: None }
    }

    /// Edits with a key; true when the text changed. Ctrl-Z and Ctrl-U undo a
    /// step, Ctrl-R redoes one.
    pub fn key(&mut self, key: KeyEvent) -> bool {
        self.key_at(key, Instant::now())
    }

    fn key_at(&mut self, key: KeyEvent, now: Instant) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('z' | 'u') if ctrl => self.undo(),
            KeyCode::Char('r') if ctrl => self.redo(),
            code => {
                if !self.area.input(key) {
                    // A move of the cursor: what is typed next is a step of its own.
                    self.last = None;
                    return false;
                }
                let change = match code {
                    KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => {
                        Change::Typed { space: c.is_whitespace() }
                    }
                    KeyCode::Backspace | KeyCode::Delete if key.modifiers.is_empty() => Change::Deleted,
                    _ => Change::Other,
                };
                self.record(change, now);
                true
            }
        }
    }

    /// Text put in at the cursor as one step; true when the text changed.
    pub fn insert(&mut self, text: &str) -> bool {
        let changed = self.area.insert_str(text);
        if changed {
            self.record(Change::Other, Instant::now());
        }
        changed
    }

    pub fn set_cursor_style(&mut self, style: Style) {
        self.area.set_cursor_style(style);
    }

    pub fn move_cursor(&mut self, to: CursorMove) {
        self.area.move_cursor(to);
        self.last = None;
    }

    /// A change joins the step before when it follows at once and is of its kind:
    /// letters after letters (a word and the spaces after it), deletions after
    /// deletions.
    fn record(&mut self, change: Change, now: Instant) {
        let joins = match self.last {
            Some((last, at)) if now.duration_since(at) < PAUSE => match (last, change) {
                (Change::Typed { space: false }, Change::Typed { .. }) => true,
                (Change::Typed { space: true }, Change::Typed { space }) => space,
                (Change::Deleted, Change::Deleted) => true,
                _ => false,
            },
            _ => false,
        };
        match self.done.last_mut() {
            Some(count) if joins => *count += 1,
            _ => self.done.push(1),
        }
        self.undone.clear();
        self.last = (change != Change::Other).then_some((change, now));
    }

    fn undo(&mut self) -> bool {
        let Some(count) = self.done.pop() else { return false };
        let taken = (0..count).filter(|_| self.area.undo()).count();
        self.undone.push(taken);
        self.last = None;
        taken > 0
    }

    fn redo(&mut self) -> bool {
        let Some(count) = self.undone.pop() else { return false };
        let redone = (0..count).filter(|_| self.area.redo()).count();
        self.done.push(redone);
        self.last = None;
        redone > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(edit: &mut TextEdit, text: &str, at: Instant) {
        for c in text.chars() {
            edit.key_at(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE), at);
        }
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn value(edit: &TextEdit) -> String {
        edit.lines().join("\n")
    }

    #[test]
    fn undo_takes_back_a_word_at_a_time_and_redo_brings_it_again() {
        let now = Instant::now();
        let mut edit = TextEdit::new(TextArea::default());
        typed(&mut edit, "Åse leser godt", now);
        assert!(edit.key_at(ctrl('z'), now));
        assert_eq!(value(&edit), "Åse leser ");
        assert!(edit.key_at(ctrl('u'), now), "Ctrl-U undoes as Ctrl-Z does");
        assert_eq!(value(&edit), "Åse ");
        assert!(edit.key_at(ctrl('r'), now));
        assert_eq!(value(&edit), "Åse leser ");
        edit.key_at(ctrl('z'), now);
        edit.key_at(ctrl('z'), now);
        assert_eq!(value(&edit), "");
        assert!(!edit.key_at(ctrl('z'), now), "nothing more to undo");
    }

    #[test]
    fn a_pause_a_move_or_a_change_of_kind_starts_a_new_step() {
        let now = Instant::now();
        let mut edit = TextEdit::new(TextArea::default());
        typed(&mut edit, "lese", now);
        typed(&mut edit, "ferdighet", now + PAUSE);
        edit.key_at(ctrl('z'), now + PAUSE);
        assert_eq!(value(&edit), "lese", "typing after a pause is a step of its own");

        let mut edit = TextEdit::new(TextArea::default());
        typed(&mut edit, "mål", now);
        edit.key_at(KeyEvent::new(KeyCode::Home, KeyModifiers::NONE), now);
        typed(&mut edit, "nye ", now);
        edit.key_at(ctrl('z'), now);
        assert_eq!(value(&edit), "mål", "typing somewhere else is a step of its own");

        let mut edit = TextEdit::new(TextArea::default());
        typed(&mut edit, "tiltak", now);
        for _ in 0..3 {
            edit.key_at(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE), now);
        }
        assert_eq!(value(&edit), "til");
        edit.key_at(ctrl('z'), now);
        assert_eq!(value(&edit), "tiltak", "a run of deletions comes back at once");
    }

    #[test]
    fn a_new_change_after_an_undo_leaves_nothing_to_redo_and_an_insert_is_one_step() {
        let now = Instant::now();
        let mut edit = TextEdit::new(TextArea::default());
        typed(&mut edit, "en to", now);
        edit.key_at(ctrl('z'), now);
        typed(&mut edit, "tre", now);
        assert!(!edit.key_at(ctrl('r'), now));
        assert_eq!(value(&edit), "en tre");
        assert!(edit.insert(" fire fem"));
        edit.key_at(ctrl('z'), now);
        assert_eq!(value(&edit), "en tre", "a paste is undone whole");
    }

    #[test]
    fn a_step_longer_than_the_default_history_is_undone_whole() {
        let now = Instant::now();
        let mut edit = TextEdit::new(TextArea::default());
        typed(&mut edit, "før ", now);
        let word = "a".repeat(120);
        typed(&mut edit, &word, now);
        edit.key_at(ctrl('z'), now);
        assert_eq!(value(&edit), "før ");
    }
}
