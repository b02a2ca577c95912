//! What the log of a case records: one name per action, and the facts each
//! action writes, for the store that writes them, the catalogue that words them,
//! and the check that holds a kit's log to them.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::codes::coded;

/// One entry of a case's log, as the store keeps it and a kit carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// RFC 3339, UTC.
    pub at: String,
    pub actor: String,
    /// Not in a kit, where each case carries its own trail.
    #[serde(skip)]
    pub case_id: Option<Uuid>,
    /// What happened: `created`, `meeting_held`, `edited`, …
    pub action: String,
    /// The facts of the change, e.g. `{"meeting": 2, "date": "2026-11-01"}`.
    pub detail: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Created,
    MeetingPlanned,
    MeetingHeld,
    Decided,
    ReferralSent,
    Closed,
    Reopened,
    Edited,
    ConsentRecorded,
    ConsentWithdrawn,
    IdentitySet,
    IdentityErased,
    /// Someone looked at a case with a name ("who looked at whom").
    Viewed,
    RecordEdited,
    MinutesExported,
    /// A letter to the family written (the preliminary reply).
    LetterExported,
    DiscussionPlanned,
    Discussed,
    DiscussionRemoved,
    KitExported,
    KitImported,
    KitConflictResolved,
    /// PPT registered the referral: its track starts.
    PptReceived,
    /// A step on PPT's track: which, and its day.
    PptStep,
}

coded!(AuditAction in "audit" {
    Created => "created",
    MeetingPlanned => "meeting_planned",
    MeetingHeld => "meeting_held",
    Decided => "decided",
    ReferralSent => "referral_sent",
    Closed => "closed",
    Reopened => "reopened",
    Edited => "edited",
    ConsentRecorded => "consent_recorded",
    ConsentWithdrawn => "consent_withdrawn",
    IdentitySet => "identity_set",
    IdentityErased => "identity_erased",
    Viewed => "viewed",
    RecordEdited => "record_edited",
    MinutesExported => "minutes_exported",
    LetterExported => "letter_exported",
    DiscussionPlanned => "discussion_planned",
    Discussed => "discussed",
    DiscussionRemoved => "discussion_removed",
    KitExported => "kit_exported",
    KitImported => "kit_imported",
    KitConflictResolved => "kit_conflict_resolved",
    PptReceived => "ppt_received",
    PptStep => "ppt_step",
});

impl AuditAction {
    /// The keys of the facts saksgang writes with this action.
    pub fn fact_keys(self) -> &'static [&'static str] {
        use AuditAction as A;
        match self {
            A::Created => &["kind", "school", "grade", "gender", "teacher", "description", "created"],
            A::MeetingPlanned | A::MeetingHeld => &["meeting", "date"],
            A::Decided => &["decision", "date"],
            A::ReferralSent | A::ConsentWithdrawn | A::DiscussionPlanned | A::Discussed | A::DiscussionRemoved => {
                &["date"]
            }
            A::Closed | A::Reopened => &["date", "reason"],
            A::Edited => &["kind", "school", "grade", "gender", "teacher", "description"],
            A::ConsentRecorded => &["given_on", "given_by", "scope", "expires_on"],
            A::IdentitySet | A::IdentityErased | A::Viewed => &[],
            A::RecordEdited => &["meeting", "parts"],
            A::MinutesExported => &["meeting", "format"],
            A::LetterExported => &["format"],
            A::KitExported => &["expires_on", "school"],
            A::KitImported => &["new", "taken", "conflicts", "kit"],
            A::KitConflictResolved => &["field", "taken", "kit_from"],
            A::PptReceived => &["date"],
            A::PptStep => &["step", "date"],
        }
    }
}
