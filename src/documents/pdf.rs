//! A document as PDF/A-2b on A4, the archive format: DejaVu Sans embedded (subset),
//! the header on every page and "side 1 av 3" at the foot. krilla places glyphs;
//! wrapping, tables and page breaks are done here with the font's advance widths.

use anyhow::{Result, anyhow};
use chrono::Datelike;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::text::{Font, TextDirection};
use krilla::{Document as PdfDocument, SerializeSettings};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use super::{Block, Document, Written};
use crate::i18n::Catalog;

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// A4 in points, and the margins (2 cm).
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 56.7;
const TOP: f32 = MARGIN + 24.0;
const BOTTOM: f32 = PAGE_H - MARGIN - 12.0;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN;

const BODY: f32 = 10.0;
const SMALL: f32 = 8.5;
const HEADING: f32 = 12.0;
const TITLE: f32 = 15.0;
/// Space between lines, as a share of the font size.
const LEADING: f32 = 1.35;
const CELL_PAD: f32 = 3.0;
/// The height left free to sign in, and the length of the line.
const SIGNATURE_SPACE: f32 = 30.0;
const SIGNATURE_W: f32 = 220.0;
/// Stands in for a character no embedded font has (DejaVu has this one).
const MISSING: char = '□';

#[derive(Clone, Copy, PartialEq)]
enum Weight {
    Regular,
    Bold,
}

/// Something to draw on a page, placed by the layout.
enum Op {
    Text { x: f32, baseline: f32, size: f32, weight: Weight, text: String },
    Line { from: (f32, f32), to: (f32, f32) },
}

/// Measures text in the embedded fonts.
struct Metrics {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

impl Metrics {
    fn new() -> Result<Metrics> {
        let font = |bytes| FontRef::new(bytes).map_err(|e| anyhow!("the embedded font cannot be read: {e}"));
        Ok(Metrics { regular: font(REGULAR)?, bold: font(BOLD)? })
    }

    /// Whether both weights hold a glyph for `c` that PDF/A takes (no private use).
    fn can_draw(&self, c: char) -> bool {
        let private = matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..);
        !private
            && !matches!(c, '\0' | '\u{FEFF}' | '\u{FFFE}')
            && self.regular.charmap().map(c).is_some()
            && self.bold.charmap().map(c).is_some()
    }

    /// `text` as the fonts can draw it: a character they lack becomes □, one that
    /// only joins or varies another (an emoji's joiner or colour selector) goes.
    fn printable(&self, text: &str) -> Option<String> {
        if text.chars().all(|c| c == '\n' || self.can_draw(c)) {
            return None;
        }
        let invisible =
            |c: char| matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}');
        let shown = text.chars().filter(|&c| !invisible(c)).map(|c| {
            if c == '\n' || self.can_draw(c) {
                c
            } else if c == '\t' {
                ' '
            } else {
                MISSING
            }
        });
        Some(shown.collect())
    }

    fn width(&self, text: &str, size: f32, weight: Weight) -> f32 {
        let font = if weight == Weight::Bold { &self.bold } else { &self.regular };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars().map(|c| charmap.map(c).and_then(|g| metrics.advance_width(g)).unwrap_or(size * 0.5)).sum()
    }

    /// The lines `text` takes within `width`: its own line breaks kept, words
    /// wrapped, a word wider than the line broken where it must.
    fn wrap(&self, text: &str, width: f32, size: f32, weight: Weight) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split(' ') {
                let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
                if self.width(&candidate, size, weight) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // A word too wide for the line breaks after a slash or hyphen
                // ("sosialt/ atferd/ annet"), and only within a piece as a last resort.
                for piece in pieces(word) {
                    let candidate = format!("{line}{piece}");
                    if self.width(&candidate, size, weight) <= width {
                        line = candidate;
                        continue;
                    }
                    if !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                    }
                    for c in piece.chars() {
                        line.push(c);
                        if self.width(&line, size, weight) > width && line.chars().count() > 1 {
                            line.pop();
                            lines.push(std::mem::replace(&mut line, c.to_string()));
                        }
                    }
                }
            }
            lines.push(line);
        }
        lines
    }

    /// The width of the widest piece `text` can be wrapped into without breaking
    /// a word: what a column needs so its header words stay whole.
    fn widest_piece(&self, text: &str, size: f32, weight: Weight) -> f32 {
        let words = text.split_whitespace().flat_map(pieces);
        words.map(|piece| self.width(piece, size, weight)).fold(0.0, f32::max)
    }
}

/// A table's header and rows, each cell as its lines, and the column widths.
struct WrappedTable {
    widths: Vec<f32>,
    head: Vec<Vec<String>>,
    body: Vec<Vec<Vec<String>>>,
}

impl WrappedTable {
    /// The header and the first row: what a table never starts with less than.
    fn start_height(&self) -> f32 {
        row_height(&self.head) + self.body.first().map_or(0.0, |row| row_height(row))
    }
}

/// The height of a row whose cells are these lines.
fn row_height(cells: &[Vec<String>]) -> f32 {
    cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * BODY * LEADING + 2.0 * CELL_PAD
}

/// A word's pieces: it may break after each slash or hyphen.
fn pieces(word: &str) -> impl Iterator<Item = &str> {
    word.split_inclusive(['/', '-'])
}

/// Lays blocks out top to bottom, starting a new page where the next piece does
/// not fit.
struct Layout<'m> {
    metrics: &'m Metrics,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Layout<'_> {
    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page")
    }

    /// Room for `height` more points on this page, or a new page.
    fn room(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.pages.push(Vec::new());
            self.y = TOP;
        }
    }

    fn text_at(&mut self, x: f32, size: f32, weight: Weight, text: &str) {
        let baseline = self.y + size;
        self.ops().push(Op::Text { x, baseline, size, weight, text: text.to_string() });
    }

    /// Wrapped text, each line moving down; lines go onto the next page as needed.
    fn paragraph(&mut self, x: f32, width: f32, size: f32, weight: Weight, text: &str) {
        for line in self.metrics.wrap(text, width, size, weight) {
            self.room(size * LEADING);
            self.text_at(x, size, weight, &line);
            self.y += size * LEADING;
        }
    }

    fn gap(&mut self, points: f32) {
        self.y += points;
    }

    /// A table's cells wrapped into its columns.
    fn wrapped_table(&self, columns: &[String], rows: &[Vec<String>]) -> WrappedTable {
        let widths = self.column_widths(columns);
        let wrap_row = |cells: &[String], weight| -> Vec<Vec<String>> {
            let inner = |i: usize| widths.get(i).copied().unwrap_or(0.0) - 2.0 * CELL_PAD;
            cells.iter().enumerate().map(|(i, cell)| self.metrics.wrap(cell, inner(i), BODY, weight)).collect()
        };
        let head = wrap_row(columns, Weight::Bold);
        let body = rows.iter().map(|row| wrap_row(row, Weight::Regular)).collect();
        WrappedTable { widths, head, body }
    }

    fn table(&mut self, table: &WrappedTable) {
        let head_h = row_height(&table.head);
        self.room(table.start_height());
        self.table_row(&table.head, Weight::Bold, &table.widths, head_h);
        for row in &table.body {
            let row_h = row_height(row);
            if self.y + row_h > BOTTOM {
                // A row never splits; the header comes again on the new page.
                self.room(row_h + head_h);
                self.table_row(&table.head, Weight::Bold, &table.widths, head_h);
            }
            self.table_row(row, Weight::Regular, &table.widths, row_h);
        }
    }

    /// How much of `blocks` must stand on the page under the heading or label before
    /// them, so that the two are not parted by a page break: a heading or a label
    /// that heads a table brings what it heads.
    fn start_height(&self, blocks: &[Block]) -> f32 {
        match blocks {
            // Only the header and the first row are measured: the start is all that counts.
            [Block::Table { columns, rows }, ..] => {
                3.0 + self.wrapped_table(columns, &rows[..rows.len().min(1)]).start_height()
            }
            [Block::Heading(_), rest @ ..] => 10.0 + HEADING * LEADING + self.start_height(rest),
            [Block::Field { .. }, rest @ ..] if matches!(rest.first(), Some(Block::Table { .. })) => {
                BODY * LEADING + self.start_height(rest)
            }
            [Block::Text { .. }, ..] => 3.0 + 2.0 * BODY * LEADING,
            [Block::Field { .. } | Block::Signature(_), ..] | [] => BODY * LEADING,
        }
    }

    /// Columns share the width equally, except that each is at least as wide as its
    /// header's longest word (so "Kontaktlærer" stays whole); the others give way.
    fn column_widths(&self, columns: &[String]) -> Vec<f32> {
        let least: Vec<f32> =
            columns.iter().map(|h| self.metrics.widest_piece(h, BODY, Weight::Bold) + 2.0 * CELL_PAD).collect();
        let least_sum: f32 = least.iter().sum();
        if least_sum >= WIDTH {
            // Too many columns for whole words: shares of the page by need.
            return least.iter().map(|w| w / least_sum * WIDTH).collect();
        }
        let mut widened = vec![false; columns.len()];
        loop {
            let taken: f32 = least.iter().zip(&widened).filter(|(_, w)| **w).map(|(l, _)| l).sum();
            let share = (WIDTH - taken) / widened.iter().filter(|w| !**w).count().max(1) as f32;
            let mut more = false;
            for (wide, l) in widened.iter_mut().zip(&least) {
                if !*wide && *l > share {
                    (*wide, more) = (true, true);
                }
            }
            if !more {
                return least.iter().zip(&widened).map(|(l, wide)| if *wide { *l } else { share }).collect();
            }
        }
    }

    fn table_row(&mut self, cells: &[Vec<String>], weight: Weight, widths: &[f32], height: f32) {
        let top = self.y;
        let (left, right) = (MARGIN, MARGIN + WIDTH);
        let lefts: Vec<f32> = widths.iter().scan(left, |x, w| Some(std::mem::replace(x, *x + w))).collect();
        self.ops().push(Op::Line { from: (left, top), to: (right, top) });
        self.ops().push(Op::Line { from: (left, top + height), to: (right, top + height) });
        for x in lefts.iter().copied().chain([right]) {
            self.ops().push(Op::Line { from: (x, top), to: (x, top + height) });
        }
        for (i, lines) in cells.iter().enumerate() {
            let x = lefts.get(i).copied().unwrap_or(right) + CELL_PAD;
            for (k, line) in lines.iter().enumerate() {
                let baseline = top + CELL_PAD + BODY + k as f32 * BODY * LEADING;
                self.ops().push(Op::Text { x, baseline, size: BODY, weight, text: line.clone() });
            }
        }
        self.y = top + height;
    }
}

/// `document` with what the fonts cannot draw replaced, and the names of the parts
/// that held it (a field's label, a table's column, a heading), each once.
fn printable(document: &Document, metrics: &Metrics) -> (Document, Vec<String>) {
    let mut shown = document.clone();
    let mut replaced: Vec<String> = Vec::new();
    // `part` names where the text stands; a heading or column names itself.
    let mut fix = |text: &mut String, part: Option<&str>| {
        if let Some(printable) = metrics.printable(text) {
            *text = printable;
            let part = part.unwrap_or(text).to_string();
            if !replaced.contains(&part) {
                replaced.push(part);
            }
        }
    };
    let title = metrics.printable(&document.title).unwrap_or_else(|| document.title.clone());
    for text in [&mut shown.header, &mut shown.title, &mut shown.subtitle, &mut shown.footer_note] {
        fix(text, Some(&title));
    }
    for block in &mut shown.blocks {
        match block {
            Block::Heading(text) | Block::Signature(text) => fix(text, None),
            Block::Field { label, value } | Block::Text { label, text: value } => {
                fix(label, None);
                fix(value, Some(label));
            }
            Block::Table { columns, rows } => {
                columns.iter_mut().for_each(|column| fix(column, None));
                for row in rows {
                    for (i, cell) in row.iter_mut().enumerate() {
                        fix(cell, columns.get(i).map(String::as_str));
                    }
                }
            }
        }
    }
    (shown, replaced)
}

fn layout(document: &Document, metrics: &Metrics) -> Vec<Vec<Op>> {
    let mut page = Layout { metrics, pages: vec![Vec::new()], y: TOP };
    page.paragraph(MARGIN, WIDTH, TITLE, Weight::Bold, &document.title);
    page.paragraph(MARGIN, WIDTH, BODY, Weight::Regular, &document.subtitle);
    page.gap(8.0);
    for (i, block) in document.blocks.iter().enumerate() {
        // A heading, or a label before a table ("Tiltak 2:"), is not left alone
        // at the foot of a page: it goes over with the start of what follows.
        let next = page.start_height(&document.blocks[i + 1..]);
        match block {
            Block::Heading(text) => {
                page.room(10.0 + HEADING * LEADING + next);
                page.gap(8.0);
                page.paragraph(MARGIN, WIDTH, HEADING, Weight::Bold, text);
                page.gap(2.0);
            }
            Block::Field { label, value } => {
                let label = format!("{label}:");
                let label_w = metrics.width(&label, BODY, Weight::Bold) + 4.0;
                let lines = metrics.wrap(value, WIDTH - label_w, BODY, Weight::Regular);
                match document.blocks.get(i + 1) {
                    Some(Block::Table { .. }) => page.room(lines.len() as f32 * BODY * LEADING + next),
                    _ => page.room(BODY * LEADING),
                }
                page.text_at(MARGIN, BODY, Weight::Bold, &label);
                for (i, line) in lines.iter().enumerate() {
                    if i > 0 {
                        page.room(BODY * LEADING);
                    }
                    page.text_at(MARGIN + label_w, BODY, Weight::Regular, line);
                    page.y += BODY * LEADING;
                }
            }
            Block::Text { label, text } => {
                page.room(2.0 * BODY * LEADING);
                page.gap(3.0);
                page.paragraph(MARGIN, WIDTH, BODY, Weight::Bold, label);
                let text = if text.trim().is_empty() { "–" } else { text.trim_end() };
                page.paragraph(MARGIN + 10.0, WIDTH - 10.0, BODY, Weight::Regular, text);
            }
            Block::Signature(label) => {
                // Room above the line to sign in, the label under it.
                page.room(SIGNATURE_SPACE + SMALL * LEADING);
                page.gap(SIGNATURE_SPACE);
                let y = page.y;
                page.ops().push(Op::Line { from: (MARGIN, y), to: (MARGIN + SIGNATURE_W, y) });
                page.gap(2.0);
                page.paragraph(MARGIN, SIGNATURE_W, SMALL, Weight::Regular, label);
            }
            Block::Table { columns, rows } => {
                page.gap(3.0);
                let table = page.wrapped_table(columns, rows);
                page.table(&table);
                page.gap(3.0);
            }
        }
    }
    page.gap(12.0);
    page.paragraph(MARGIN, WIDTH, SMALL, Weight::Regular, &document.footer_note);
    page.pages
}

/// `document` as PDF, its page numbers worded in the catalogue's language. No
/// character stops it: what the fonts lack is printed as □ and named in `replaced`.
pub fn write(document: &Document, c: &Catalog) -> Result<Written> {
    let page_label = |n: usize, of: usize| c.f("minutes.page", &[("n", &n.to_string()), ("of", &of.to_string())]);
    let metrics = Metrics::new()?;
    let (document, replaced) = printable(document, &metrics);
    let document = &document;
    let pages = layout(document, &metrics);
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_B)
        .finish()
        .map_err(|_| anyhow!("the PDF/A settings are inconsistent"))?;
    let mut pdf = PdfDocument::new_with(SerializeSettings { configuration, ..SerializeSettings::default() });
    let made = &document.made_on;
    // PDF/A wants the day the document was made.
    let date = DateTime::new(made.year() as u16).month(made.month() as u8).day(made.day() as u8);
    pdf.set_metadata(
        Metadata::new()
            .title(document.title.clone())
            .language(c.t("minutes.lang").to_string())
            .creation_date(date)
            .creator("saksgang".to_string()),
    );
    let font = |bytes: &'static [u8]| Font::new(bytes.into(), 0).ok_or_else(|| anyhow!("the embedded font is broken"));
    let (regular, bold) = (font(REGULAR)?, font(BOLD)?);
    let total = pages.len();
    for (index, ops) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| anyhow!("A4 page"))?;
        let mut page = pdf.start_page_with(settings);
        let mut surface = page.surface();
        let mut draw = |x: f32, baseline: f32, size: f32, weight: Weight, text: &str| {
            let font = if weight == Weight::Bold { bold.clone() } else { regular.clone() };
            surface.draw_text(Point::from_xy(x, baseline), font, size, text, false, TextDirection::Auto);
        };
        draw(MARGIN, MARGIN + SMALL, SMALL, Weight::Regular, &document.header);
        let label = page_label(index + 1, total);
        let label_x = MARGIN + WIDTH - metrics.width(&label, SMALL, Weight::Regular);
        draw(label_x, PAGE_H - MARGIN + SMALL, SMALL, Weight::Regular, &label);
        for op in ops {
            if let Op::Text { x, baseline, size, weight, text } = op {
                draw(*x, *baseline, *size, *weight, text);
            }
        }
        let mut lines = PathBuilder::new();
        for op in ops {
            if let Op::Line { from, to } = op {
                lines.move_to(from.0, from.1);
                lines.line_to(to.0, to.1);
            }
        }
        if let Some(path) = lines.finish() {
            surface.set_fill(None);
            surface.set_stroke(Some(Stroke { width: 0.5, ..Stroke::default() }));
            surface.draw_path(&path);
        }
        surface.finish();
        page.finish();
    }
    // krilla's Display is a summary in words; its Debug would show the user internals.
    let bytes = pdf.finish().map_err(|e| anyhow!("the PDF could not be made ({e}); Markdown can still be written"))?;
    Ok(Written { bytes, replaced })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_line_breaks_and_fits_the_width() {
        let metrics = Metrics::new().unwrap();
        let text = "Første linje\nÆrlig talt er dette en ganske lang linje som må brytes minst én gang her";
        let lines = metrics.wrap(text, 200.0, BODY, Weight::Regular);
        assert_eq!(lines[0], "Første linje");
        assert!(lines.len() >= 3, "{lines:?}");
        assert!(lines.iter().all(|l| metrics.width(l, BODY, Weight::Regular) <= 200.0));
        assert_eq!(lines[1..].join(" "), text.lines().nth(1).unwrap());
        let long_word = "x".repeat(200);
        assert!(metrics.wrap(&long_word, 100.0, BODY, Weight::Regular).len() > 1, "a long word is broken");
        assert_eq!(metrics.wrap("", 100.0, BODY, Weight::Regular), vec![String::new()]);
    }

    #[test]
    fn a_long_document_runs_over_pages() {
        let metrics = Metrics::new().unwrap();
        let document = Document {
            header: "Skole".into(),
            title: "Tittel".into(),
            subtitle: "Under".into(),
            blocks: (0..60)
                .map(|i| Block::Text { label: format!("Del {i}"), text: "Tekst som fyller siden. ".repeat(8) })
                .collect(),
            footer_note: "Slutt".into(),
            made_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
        };
        let pages = layout(&document, &metrics);
        assert!(pages.len() > 2);
        for page in &pages {
            for op in page {
                if let Op::Text { baseline, .. } = op {
                    assert!(*baseline <= BOTTOM + BODY, "text below the foot: {baseline}");
                }
            }
        }
    }

    #[test]
    fn a_word_wraps_after_its_slashes_and_hyphens_before_it_is_broken() {
        let metrics = Metrics::new().unwrap();
        let narrow = metrics.width("atferd/x", BODY, Weight::Bold);
        let lines = metrics.wrap("sosialt/atferd/annet", narrow, BODY, Weight::Bold);
        assert_eq!(lines, ["sosialt/", "atferd/", "annet"]);
        let lines = metrics.wrap(
            "klasse-/skolemiljøarbeid",
            metrics.width("skolemiljøarbeid", BODY, Weight::Bold),
            BODY,
            Weight::Bold,
        );
        assert_eq!(lines, ["klasse-/", "skolemiljøarbeid"]);
    }

    #[test]
    fn the_discussion_forms_header_words_stay_whole_in_both_languages() {
        let metrics = Metrics::new().unwrap();
        for lang in [crate::i18n::Lang::Nb, crate::i18n::Lang::En] {
            let c = Catalog::new(lang);
            let columns: Vec<String> = ["time", "grade", "gender", "difficulty", "system", "teacher"]
                .iter()
                .map(|k| c.t(&format!("discussion.col_{k}")).to_string())
                .collect();
            let rows = vec![vec![
                "09:00–09:30".into(),
                "5B".into(),
                "Gutt".into(),
                "Faglig".into(),
                "Nei".into(),
                "Åse Ødegård Kristiansen".into(),
            ]];
            let page = Layout { metrics: &metrics, pages: vec![Vec::new()], y: TOP };
            let table = page.wrapped_table(&columns, &rows);
            assert!((table.widths.iter().sum::<f32>() - WIDTH).abs() < 0.01, "the table fills the width");
            for (header, lines) in columns.iter().zip(&table.head) {
                let whole: Vec<&str> = header.split_whitespace().flat_map(pieces).collect();
                for line in lines {
                    let line_pieces: Vec<&str> = line.split_whitespace().flat_map(pieces).collect();
                    assert!(line_pieces.iter().all(|p| whole.contains(p)), "{header:?} broken mid-word: {lines:?}");
                }
            }
        }
    }

    /// The page each text starting with `prefix` stands on.
    fn page_of(pages: &[Vec<Op>], prefix: &str) -> usize {
        let on = |ops: &Vec<Op>| ops.iter().any(|op| matches!(op, Op::Text { text, .. } if text.starts_with(prefix)));
        pages.iter().position(on).unwrap_or_else(|| panic!("{prefix} not drawn"))
    }

    #[test]
    fn a_heading_or_a_label_goes_over_with_the_table_it_heads() {
        let metrics = Metrics::new().unwrap();
        let table = || Block::Table {
            columns: vec!["Part".into(), "Hvordan".into()],
            rows: vec![vec!["Eleven".into(), "Godt\nmed\nflere\nlinjer".into()]],
        };
        for filler in 30..60 {
            let mut blocks: Vec<Block> =
                (0..filler).map(|i| Block::Field { label: format!("Felt {i}"), value: "verdi".into() }).collect();
            blocks.extend([
                Block::Heading("Effekt av tiltak".into()),
                Block::Field { label: "Tiltak 2".into(), value: "Lesekurs".into() },
                table(),
            ]);
            let document = Document {
                header: "Skole".into(),
                title: "Tittel".into(),
                subtitle: "Under".into(),
                blocks,
                footer_note: "Slutt".into(),
                made_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            };
            let pages = layout(&document, &metrics);
            let table_page = page_of(&pages, "Eleven");
            assert_eq!(page_of(&pages, "Tiltak 2:"), table_page, "after {filler} fields");
            assert_eq!(page_of(&pages, "Effekt av tiltak"), table_page, "after {filler} fields");
        }
    }
}
