//! Documents that leave the program: the minutes of a meeting for the archive,
//! the form to PPT before a discussion meeting, and PPT's preliminary reply to
//! the family.
//! A document is built once as plain blocks (`minutes`), then written as Markdown
//! (`markdown`) or as PDF/A (`pdf`), so both always hold the same.

pub mod discussion;
pub mod markdown;
pub mod minutes;
pub mod pdf;
pub mod preliminary_reply;

/// A document as headings, labelled values, texts and tables, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// On every page, above the title: the school or service (from the config file).
    pub header: String,
    pub title: String,
    pub subtitle: String,
    pub blocks: Vec<Block>,
    /// The line under the document (where minutes go).
    pub footer_note: String,
    /// The day the document was made.
    pub made_on: chrono::NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(String),
    /// A short value after its label on one line.
    Field {
        label: String,
        value: String,
    },
    /// A text of any length under its label.
    Text {
        label: String,
        text: String,
    },
    Table {
        columns: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// A line to sign on by hand, its label under it.
    Signature(String),
}

/// A written document, and the parts of it where a character could not be
/// printed as typed (a PDF's fonts have no emoji).
pub struct Written {
    pub bytes: Vec<u8>,
    pub replaced: Vec<String>,
}

/// The two formats a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Markdown,
}

// The file's extension is its name on the command line too (`--format md`).
crate::domain::coded!(Format in "format" {
    Pdf => "pdf",
    Markdown => "md",
});

impl Format {
    pub fn extension(self) -> &'static str {
        crate::domain::Coded::code(self)
    }

    pub fn write(self, document: &Document, c: &crate::i18n::Catalog) -> anyhow::Result<Written> {
        match self {
            Format::Pdf => pdf::write(document, c),
            Format::Markdown => Ok(Written { bytes: markdown::write(document).into_bytes(), replaced: Vec::new() }),
        }
    }
}
