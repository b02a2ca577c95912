//! Text as the program takes it and shows it. A one-line field (a school, a name)
//! takes no control characters at all; a many-line field (a description, what a
//! party said) takes line breaks and tabs but nothing else of them. Whatever is
//! shown is made printable first, so that no text, typed or read in from a kit,
//! reaches a terminal as an escape sequence.

use std::borrow::Cow;

/// Why a text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextError {
    /// A control character (ESC, BEL, …), or a direction override that would make
    /// the text read otherwise than it is stored.
    ControlCharacter,
    /// A line break in a field of one line.
    LineBreak,
}

/// Characters that change how a terminal, or the text around them, is shown.
fn is_unprintable(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A field of one line.
pub fn check_line(text: &str) -> Result<(), TextError> {
    if text.contains(['\n', '\r']) {
        return Err(TextError::LineBreak);
    }
    if text.chars().any(is_unprintable) {
        return Err(TextError::ControlCharacter);
    }
    Ok(())
}

/// A field of many lines: line breaks and tabs are kept, other control
/// characters refused.
pub fn check_text(text: &str) -> Result<(), TextError> {
    if text.chars().any(|c| is_unprintable(c) && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(TextError::ControlCharacter);
    }
    Ok(())
}

/// The visible stand-in for an unprintable character: the Unicode control
/// pictures for C0 and DEL (␛ for ESC), the replacement character for the rest.
pub fn stand_in(c: char) -> char {
    match c {
        '\0'..='\u{1F}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
        '\u{7F}' => '\u{2421}',
        _ => '\u{FFFD}',
    }
}

/// `text` with every unprintable character but line breaks and tabs replaced by
/// its stand-in.
pub fn printable(text: &str) -> Cow<'_, str> {
    // Every unprintable character is encoded with a byte below 0x20, 0x7F, or a
    // lead byte 0xC2 (C1 controls) or 0xE2 (direction marks): text without them
    // is returned as it is without decoding it.
    let suspect = |b: &u8| (*b < 0x20 && !matches!(b, b'\n' | b'\t')) || matches!(b, 0x7F | 0xC2 | 0xE2);
    if !text.as_bytes().iter().any(suspect) {
        return Cow::Borrowed(text);
    }
    if !text.chars().any(|c| is_unprintable(c) && !matches!(c, '\n' | '\t')) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars().map(|c| if is_unprintable(c) && !matches!(c, '\n' | '\t') { stand_in(c) } else { c }).collect(),
    )
}

/// `text` for a row of a list: printable, and on one line.
pub fn one_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| if is_unprintable(c) { stand_in(c) } else { c }).collect())
}

/// `text` with each path in it too long for `width` columns cut from the left:
/// "…" and its end, the file name whole where it fits, so the file can still
/// be found. Words that are not paths stay as they are.
pub fn shorten_paths(text: &str, width: usize) -> Cow<'_, str> {
    let too_long = |word: &str| word.contains(['/', '\\']) && word.chars().count() > width;
    if !text.split(' ').any(too_long) {
        return Cow::Borrowed(text);
    }
    let words: Vec<String> =
        text.split(' ').map(|word| if too_long(word) { shorten_path(word, width) } else { word.to_string() }).collect();
    Cow::Owned(words.join(" "))
}

fn shorten_path(path: &str, width: usize) -> String {
    let chars: Vec<char> = path.chars().collect();
    let room = width.saturating_sub(1).max(1);
    let tail = &chars[chars.len().saturating_sub(room)..];
    // Start the end shown at a folder's boundary when one is in it.
    let from = tail.iter().position(|c| matches!(c, '/' | '\\')).filter(|at| *at + 1 < tail.len()).unwrap_or(0);
    format!("…{}", tail[from..].iter().collect::<String>())
}

/// How wide a column must be to show its header and every value whole, kept
/// within `least..=most` so one long value cannot crowd out the others.
pub fn column_width<'a>(
    header: &'a str,
    values: impl IntoIterator<Item = &'a str>,
    least: usize,
    most: usize,
) -> usize {
    values.into_iter().chain([header]).map(|text| text.chars().count()).max().unwrap_or(0).clamp(least, most.max(least))
}

/// `text` in exactly `width` characters: padded, or cut with an ellipsis.
pub fn fit(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        format!("{text}{}", " ".repeat(width - count))
    } else {
        let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_long_path_is_cut_from_the_left_and_keeps_its_file_name() {
        let message =
            "Besøkspakke lagret: /home/koordinator/Dokumenter/saksgang/besokspakke-bjorka-2026-12-04.age (3 saker)";
        let shown = shorten_paths(message, 50);
        assert_eq!(shown, "Besøkspakke lagret: …/saksgang/besokspakke-bjorka-2026-12-04.age (3 saker)");
        assert_eq!(shorten_paths(message, 200), message, "a path that fits stays whole");
        assert_eq!(shorten_paths("/a/veldig-langt-filnavn.age", 10), "…lnavn.age", "a name too long keeps its end");
        assert_eq!(
            shorten_paths("Skole: Bjørkåsen-skole-og-ressurssenter", 10),
            "Skole: Bjørkåsen-skole-og-ressurssenter"
        );
        for width in 1..60 {
            let shown = shorten_paths(message, width);
            let paths = shown.split(' ').filter(|w| w.contains('/'));
            assert!(paths.map(|w| w.chars().count()).all(|n| n <= width.max(2)), "{width}: {shown}");
        }
    }

    #[test]
    fn a_column_is_as_wide_as_its_widest_value_or_header_within_bounds() {
        assert_eq!(column_width("Ref.", ["2026-001", "2026-99983"], 4, 16), 10);
        assert_eq!(column_width("Klasse/trinn", ["5A"], 4, 16), 12, "the header shows whole");
        assert_eq!(column_width("K", ["æøå"], 5, 16), 5);
        assert_eq!(column_width("K", ["a very long grade text indeed"], 4, 12), 12);
    }

    #[test]
    fn one_line_fields_take_no_control_characters() {
        assert_eq!(check_line("Bjørkåsen skole 5. trinn"), Ok(()));
        assert_eq!(check_line("\u{1b}[2J\u{1b}]0;PWN\u{7}"), Err(TextError::ControlCharacter));
        assert_eq!(check_line("to\nlinjer"), Err(TextError::LineBreak));
        assert_eq!(check_line("tab\there"), Err(TextError::ControlCharacter));
        assert_eq!(check_line("abc\u{202E}fed"), Err(TextError::ControlCharacter));
        assert_eq!(check_line("🙂 👨‍👩‍👧"), Ok(()), "emoji, joiners included, are text");
    }

    #[test]
    fn many_line_fields_keep_line_breaks_and_tabs_only() {
        assert_eq!(check_text("første\r\nandre\tinnrykk"), Ok(()));
        assert_eq!(check_text("ok\u{1b}[31m"), Err(TextError::ControlCharacter));
        assert_eq!(check_text("c1\u{9b}31m"), Err(TextError::ControlCharacter));
    }

    #[test]
    fn shown_text_has_no_escape_left() {
        assert_eq!(printable("\u{1b}[2J\u{7}"), "␛[2J␇");
        assert_eq!(printable("linje 1\nlinje 2"), "linje 1\nlinje 2");
        assert_eq!(one_line("linje 1\nlinje 2"), "linje 1␊linje 2");
        assert_eq!(printable("\u{9b}"), "\u{FFFD}");
        assert!(matches!(printable("Åse"), Cow::Borrowed(_)));
    }

    proptest! {
        #[test]
        fn whatever_is_printed_passes_the_many_line_rule(text in "\\PC*|[\\x00-\\x7f\\u{80}-\\u{9f}\\u{202a}-\\u{202e}]*") {
            prop_assert_eq!(check_text(&printable(&text)), Ok(()));
            prop_assert_eq!(check_line(&one_line(&text)), Ok(()));
        }

        #[test]
        fn printable_text_is_left_as_it_is(text in "[a-zæøåÆØÅ·–\u{2066}-\u{2069}\u{80}-\u{a0}\n\t ]*") {
            let clean = !text.chars().any(|c| is_unprintable(c) && !matches!(c, '\n' | '\t'));
            prop_assert_eq!(printable(&text) == text.as_str(), clean);
        }
    }
}
