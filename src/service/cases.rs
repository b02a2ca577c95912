//! Finding and opening a case: one read of everything its screen or `show` needs.

use anyhow::Result;
use uuid::Uuid;

use crate::domain::AuditEntry;
use crate::domain::{AgendaItem, Case, DiscussionMeeting};
use crate::i18n::{Catalog, Explained};
use crate::store::{CaseRecords, KitConflict, Store};

/// A case with its trail, read once when it is opened.
#[derive(Debug, Clone)]
pub struct CaseFile {
    pub case: Case,
    pub records: CaseRecords,
    /// The discussion meetings with PPT the case has been on, with its slot.
    pub discussions: Vec<(DiscussionMeeting, AgendaItem)>,
    pub audit: Vec<AuditEntry>,
    /// Fields a visit-day kit changed on both sides, waiting for a choice.
    pub waiting: Vec<KitConflict>,
}

/// The case with `reference`, or the reason in words.
pub fn find(store: &Store, catalog: &Catalog, reference: &str) -> Result<Case> {
    store
        .case_by_reference(reference)?
        .ok_or_else(|| Explained(catalog.f("error.no_such_case", &[("reference", reference)])).into())
}

/// Opens a case to be looked at: the look is logged when the case has a name
/// ("who looked at whom"), then its trail is read, that entry included.
pub fn open_case(store: &mut Store, case: Case) -> Result<CaseFile> {
    store.note_viewed(&case)?;
    read_file(store, case)
}

/// Reads a case's trail again after a change, without logging a look.
pub fn reread(store: &Store, id: Uuid) -> Result<Option<CaseFile>> {
    store.case_by_id(id)?.map(|case| read_file(store, case)).transpose()
}

fn read_file(store: &Store, case: Case) -> Result<CaseFile> {
    let id = case.id;
    Ok(CaseFile {
        records: store.meeting_records(id)?,
        discussions: store.discussions_of_case(id)?,
        audit: store.audit_of(id)?,
        waiting: store.kit_conflicts_of(id)?,
        case,
    })
}
