//! A document as Markdown: readable as plain text, and as a table where Markdown
//! is rendered.

use super::{Block, Document};

/// Characters that would be read as Markdown inside a table cell or a value.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\").replace('|', "\\|").replace('\n', "<br>")
}

pub fn write(document: &Document) -> String {
    let mut out = format!("{}\n\n# {}\n\n*{}*\n\n", document.header, document.title, document.subtitle);
    for block in &document.blocks {
        match block {
            Block::Heading(text) => out.push_str(&format!("## {text}\n\n")),
            Block::Field { label, value } => out.push_str(&format!("**{label}:** {}  \n", cell(value))),
            Block::Text { label, text } => {
                out.push_str(&format!("\n**{label}**\n\n"));
                let text = if text.trim().is_empty() { "–" } else { text.trim_end() };
                // Every line of the text as its own paragraph line, kept apart.
                for line in text.lines() {
                    out.push_str(&format!("{line}  \n"));
                }
                out.push('\n');
            }
            Block::Table { columns, rows } => {
                out.push('\n');
                out.push_str(&format!("| {} |\n", columns.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")));
                out.push_str(&format!("|{}\n", "---|".repeat(columns.len())));
                for row in rows {
                    out.push_str(&format!("| {} |\n", row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")));
                }
                out.push('\n');
            }
            // A run of underscores between spaces and the line's end is text, not emphasis.
            Block::Signature(label) => out.push_str(&format!("\n**{label}:** {}\n\n", "_".repeat(30))),
        }
    }
    out.push_str(&format!("\n---\n\n{}\n", document.footer_note));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_markdown_and_cells_stay_in_their_cells() {
        let document = Document {
            header: "Bjørkåsen skole".into(),
            title: "Møte 1".into(),
            subtitle: "Bekymring".into(),
            blocks: vec![
                Block::Heading("Til stede".into()),
                Block::Table {
                    columns: vec!["Navn".into(), "Rolle".into()],
                    rows: vec![vec!["Åse | Ø".into(), "kontaktlærer\nog sos.ped.".into()]],
                },
                Block::Field { label: "Kl.".into(), value: "08:30".into() },
                Block::Text { label: "Elev".into(), text: "Linje 1\nLinje 2".into() },
                Block::Text { label: "Andre".into(), text: "".into() },
            ],
            footer_note: "Sendes hjem gjennom arkivet.".into(),
            made_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
        };
        let text = write(&document);
        assert!(text.starts_with("Bjørkåsen skole\n\n# Møte 1\n"));
        assert!(text.contains("| Navn | Rolle |\n|---|---|\n| Åse \\| Ø | kontaktlærer<br>og sos.ped. |\n"));
        assert!(text.contains("**Kl.:** 08:30"));
        assert!(text.contains("**Elev**\n\nLinje 1  \nLinje 2  \n"));
        assert!(text.contains("**Andre**\n\n–"), "an empty text shows a dash, not nothing");
        assert!(text.ends_with("Sendes hjem gjennom arkivet.\n"));
    }
}
