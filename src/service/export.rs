//! Documents that leave the program, one way for both fronts: the file they are
//! offered under, a private write, and for what is about one child, a line in
//! the case's log.

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde_json::json;

use crate::config::Settings;
use crate::documents::minutes::{self, MinutesSource};
use crate::documents::preliminary_reply::{self, LetterSource};
use crate::documents::{Format, discussion};
use crate::domain::{AuditAction, Case, DiscussionMeeting, MeetingNo};
use crate::files::write_private;
use crate::i18n::Catalog;
use crate::store::Store;

/// Where a document goes: the file the user named, or its offered name in `folder`.
pub struct Target<'a> {
    pub folder: &'a Path,
    pub file: Option<PathBuf>,
}

impl Target<'_> {
    fn path(&self, offered: String) -> PathBuf {
        self.file.clone().unwrap_or_else(|| self.folder.join(offered))
    }
}

/// A document written: where it went, and the parts where a character was
/// printed as □ because the PDF's fonts lack it.
pub struct Exported {
    pub path: PathBuf,
    pub replaced: Vec<String>,
}

/// Writes the minutes of meeting `number` of `case` and logs the export.
pub fn minutes(
    store: &mut Store,
    c: &Catalog,
    settings: &Settings,
    case: &Case,
    number: MeetingNo,
    format: Format,
    target: &Target,
) -> Result<Exported> {
    let path = target.path(minutes::file_name(c, case, number, format.extension()));
    let record = store.meeting_record(case.id, number)?.unwrap_or_default();
    // Meeting 3 evaluates the measures agreed in meeting 2.
    let measures = match number.get() {
        3 => store.meeting_record(case.id, MeetingNo::ALL[1])?.map(|r| r.measures).unwrap_or_default(),
        _ => Vec::new(),
    };
    let header = settings.document_header.as_deref();
    let source = MinutesSource { case, number, record: &record, measures: &measures, header, today: settings.today };
    let written = format.write(&minutes::build(c, &source), c)?;
    write_private(&path, &written.bytes)?;
    store.note_exported(
        case,
        AuditAction::MinutesExported,
        json!({"meeting": number.get(), "format": format.extension()}),
    )?;
    Ok(Exported { path, replaced: written.replaced })
}

/// Writes the form to PPT for `meeting` (no names: nothing to log).
pub fn discussion_form(
    store: &Store,
    c: &Catalog,
    meeting: &DiscussionMeeting,
    format: Format,
    target: &Target,
) -> Result<Exported> {
    let path = target.path(discussion::file_name(c, meeting, format.extension()));
    let cases = store.cases_on_agenda(meeting)?;
    let written = format.write(&discussion::build(c, meeting, &cases), c)?;
    write_private(&path, &written.bytes)?;
    Ok(Exported { path, replaced: written.replaced })
}

/// Writes the preliminary reply recorded on `case`'s PPT track as a letter to
/// the family and logs the export; without a reply recorded, says how to record one.
pub fn preliminary_reply(
    store: &mut Store,
    c: &Catalog,
    settings: &Settings,
    case: &Case,
    format: Format,
    target: &Target,
) -> Result<Exported> {
    let Some((track, reply)) = case.ppt.as_ref().and_then(|t| t.preliminary_reply.as_ref().map(|r| (t, r))) else {
        anyhow::bail!("{}", c.t("letter.no_reply"));
    };
    let path = target.path(preliminary_reply::file_name(c, case, format.extension()));
    let header = settings.document_header.as_deref();
    let source = LetterSource { case, track, reply, header, today: settings.today };
    let written = format.write(&preliminary_reply::build(c, &source), c)?;
    write_private(&path, &written.bytes)?;
    store.note_exported(case, AuditAction::LetterExported, json!({"format": format.extension()}))?;
    Ok(Exported { path, replaced: written.replaced })
}
