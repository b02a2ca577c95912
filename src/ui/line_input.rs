//! One line of typed text, for the forms and the search: the same text field
//! (`ratatui-textarea`) the record editor uses, held to one line, so every field
//! of the program edits with the same keys.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;
use unicode_width::UnicodeWidthChar;

use super::text_edit::TextEdit;

#[derive(Clone)]
pub struct LineInput(Box<TextEdit>);

/// Its text may be a passphrase or a child's name: a debug print never shows it.
impl std::fmt::Debug for LineInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LineInput({} characters)", self.value().chars().count())
    }
}

impl LineInput {
    /// A field holding `text`, the cursor at its end.
    pub fn new(text: &str) -> LineInput {
        let mut edit = TextEdit::new(TextArea::new(vec![one_line(text)]));
        edit.move_cursor(ratatui_textarea::CursorMove::End);
        LineInput(Box::new(edit))
    }

    pub fn value(&self) -> &str {
        self.0.lines().first().map_or("", String::as_str)
    }

    /// Edits with a key; true when the text changed. Keys that would start a
    /// second line or put a tab in are not text here.
    pub fn edit(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter | KeyCode::Tab | KeyCode::BackTab => false,
            KeyCode::Char('m' | 'j') if ctrl => false,
            _ => self.0.key(key),
        }
    }

    /// Pasted text at the cursor, its line breaks and tabs as spaces and any other
    /// control character left out; true when the text changed.
    pub fn paste(&mut self, pasted: &str) -> bool {
        let text = one_line(pasted);
        !text.is_empty() && self.0.insert(&text)
    }

    /// Where the cursor is, in characters from the start.
    fn cursor(&self) -> usize {
        self.0.cursor().1
    }

    /// The part of the text shown in `width` columns with the cursor in view:
    /// how many characters are scrolled off the left, and the cursor's column.
    pub fn window(&self, width: usize) -> (usize, usize) {
        let widths: Vec<usize> = self.value().chars().map(|c| c.width().unwrap_or(0)).collect();
        let cursor = self.cursor().min(widths.len());
        let room = width.saturating_sub(1).max(1);
        let mut skip = 0;
        while widths[skip..cursor].iter().sum::<usize>() > room {
            skip += 1;
        }
        (skip, widths[skip..cursor].iter().sum())
    }
}

fn one_line(text: &str) -> String {
    text.chars()
        .filter(|c| *c != '\r')
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn typing_and_moving_edit_one_line_with_norwegian_letters() {
        let mut input = LineInput::new("Bjørk");
        assert!(input.edit(key(KeyCode::Char('å'))));
        assert_eq!(input.value(), "Bjørkå");
        input.edit(key(KeyCode::Home));
        input.edit(key(KeyCode::Delete));
        assert_eq!(input.value(), "jørkå");
        assert!(!input.edit(key(KeyCode::Enter)), "Enter never starts a second line");
        assert!(!input.edit(KeyEvent::new(KeyCode::Char('m'), KeyModifiers::CONTROL)));
        assert!(!input.edit(key(KeyCode::Tab)));
        assert_eq!(input.value(), "jørkå");
        assert!(input.edit(KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL)), "Ctrl-Z undoes");
        assert_eq!(input.value(), "Bjørkå");
        assert!(input.edit(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)), "Ctrl-U undoes too");
        assert_eq!(input.value(), "Bjørk");
        assert!(input.edit(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)), "Ctrl-R redoes");
        assert_eq!(input.value(), "Bjørkå");
    }

    #[test]
    fn a_paste_of_lines_and_control_characters_stays_one_printable_line() {
        let mut input = LineInput::new("");
        assert!(input.paste("Åse\r\nØdegård\t\u{1b}[2J"));
        assert_eq!(input.value(), "Åse Ødegård [2J");
        assert!(!input.paste("\u{7}"), "nothing printable, nothing changed");
        assert_eq!(format!("{input:?}"), "LineInput(15 characters)", "a debug print never shows the text");
    }

    #[test]
    fn the_window_keeps_the_cursor_in_view_counting_wide_characters() {
        let input = LineInput::new("abcdefghij");
        assert_eq!(input.window(20), (0, 10));
        assert_eq!(input.window(5), (6, 4));
        let wide = LineInput::new("日本語");
        assert_eq!(wide.window(20), (0, 6));
        assert_eq!(wide.window(4), (2, 2));
    }
}
