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

use super::{Block, Document};
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
                for c in word.chars() {
                    line.push(c);
                    if self.width(&line, size, weight) > width && line.chars().count() > 1 {
                        line.pop();
                        lines.push(std::mem::replace(&mut line, c.to_string()));
                    }
                }
            }
            lines.push(line);
        }
        lines
    }
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

    fn table(&mut self, columns: &[String], rows: &[Vec<String>]) {
        let n = columns.len().max(1);
        let column_w = WIDTH / n as f32;
        let inner = column_w - 2.0 * CELL_PAD;
        let wrap_row = |cells: &[String], weight| -> Vec<Vec<String>> {
            cells.iter().map(|cell| self.metrics.wrap(cell, inner, BODY, weight)).collect()
        };
        let head = wrap_row(columns, Weight::Bold);
        let body: Vec<_> = rows.iter().map(|row| wrap_row(row, Weight::Regular)).collect();
        let height = |cells: &[Vec<String>]| {
            cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * BODY * LEADING + 2.0 * CELL_PAD
        };
        self.room(height(&head) + body.first().map_or(0.0, |r| height(r)));
        self.table_row(&head, Weight::Bold, column_w, height(&head));
        for row in &body {
            let row_h = height(row);
            if self.y + row_h > BOTTOM {
                // A row never splits; the header comes again on the new page.
                self.room(row_h + height(&head));
                self.table_row(&head, Weight::Bold, column_w, height(&head));
            }
            self.table_row(row, Weight::Regular, column_w, row_h);
        }
    }

    fn table_row(&mut self, cells: &[Vec<String>], weight: Weight, column_w: f32, height: f32) {
        let top = self.y;
        let (left, right) = (MARGIN, MARGIN + WIDTH);
        self.ops().push(Op::Line { from: (left, top), to: (right, top) });
        self.ops().push(Op::Line { from: (left, top + height), to: (right, top + height) });
        for i in 0..=cells.len() {
            let x = left + column_w * i as f32;
            self.ops().push(Op::Line { from: (x, top), to: (x, top + height) });
        }
        for (i, lines) in cells.iter().enumerate() {
            let x = left + column_w * i as f32 + CELL_PAD;
            for (k, line) in lines.iter().enumerate() {
                let baseline = top + CELL_PAD + BODY + k as f32 * BODY * LEADING;
                self.ops().push(Op::Text { x, baseline, size: BODY, weight, text: line.clone() });
            }
        }
        self.y = top + height;
    }
}

fn layout(document: &Document, metrics: &Metrics) -> Vec<Vec<Op>> {
    let mut page = Layout { metrics, pages: vec![Vec::new()], y: TOP };
    page.paragraph(MARGIN, WIDTH, TITLE, Weight::Bold, &document.title);
    page.paragraph(MARGIN, WIDTH, BODY, Weight::Regular, &document.subtitle);
    page.gap(8.0);
    for block in &document.blocks {
        match block {
            Block::Heading(text) => {
                // A heading is not left alone at the foot of a page.
                page.room(HEADING * LEADING + 3.0 * BODY * LEADING);
                page.gap(8.0);
                page.paragraph(MARGIN, WIDTH, HEADING, Weight::Bold, text);
                page.gap(2.0);
            }
            Block::Field { label, value } => {
                let label = format!("{label}:");
                let label_w = metrics.width(&label, BODY, Weight::Bold) + 4.0;
                page.room(BODY * LEADING);
                page.text_at(MARGIN, BODY, Weight::Bold, &label);
                let lines = metrics.wrap(value, WIDTH - label_w, BODY, Weight::Regular);
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
            Block::Table { columns, rows } => {
                page.gap(3.0);
                page.table(columns, rows);
                page.gap(3.0);
            }
        }
    }
    page.gap(12.0);
    page.paragraph(MARGIN, WIDTH, SMALL, Weight::Regular, &document.footer_note);
    page.pages
}

/// The PDF bytes of `document`, its page numbers worded in the catalogue's language.
pub fn write(document: &Document, c: &Catalog) -> Result<Vec<u8>> {
    let page_label = |n: usize, of: usize| c.f("minutes.page", &[("n", &n.to_string()), ("of", &of.to_string())]);
    let metrics = Metrics::new()?;
    let pages = layout(document, &metrics);
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_B)
        .finish()
        .map_err(|e| anyhow!("PDF/A settings: {e:?}"))?;
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
    pdf.finish().map_err(|e| anyhow!("the PDF could not be made: {e:?}"))
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
}
