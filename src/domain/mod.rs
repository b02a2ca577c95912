//! The concern process as plain Rust: no I/O, no clock (today is a parameter).

pub mod action;
pub mod audit;
pub mod case;
mod codes;
pub mod consent;
pub mod dates;
pub mod deadline;
pub mod discussion;
pub mod intake;
pub mod merge;
pub mod ppt;
pub mod record;
pub mod rules;
pub mod team;
pub mod text;

pub use action::{Action, CaseHistory};
pub use audit::{AuditAction, AuditEntry};
pub use case::{Case, CaseDetails, CaseKind, Closure, Decision, Gender, Meeting, MeetingNo, Stage, Status};
pub use codes::Coded;
pub(crate) use codes::coded;
pub use consent::{CONSENT_WARNING_DAYS, Consent, ConsentGiver, DEFAULT_CONSENT_AGE, Identity, age_on};
pub use dates::{DateError, add_days, add_months, format_date, iso_date, parse_date, plausible, weekday_from};
pub use deadline::{DEFAULT_DUE_SOON_DAYS, Deadline, DeadlineKind, DeadlineState, state_of};
pub use discussion::{
    AgendaItem, Difficulty, DiscussionError, DiscussionMeeting, FORM_DAYS_BEFORE, FormState, MAX_SLOT_MINUTES,
    PREPARATION_POINTS,
};
pub use intake::{Broken, check_log_entry, reference_is_wellformed};
pub use merge::{
    CaseSnapshot, FieldConflict, Merged, ResolveError, STEPS_FIELD, Side, WithoutConsent, both_texts, may_travel,
    merge, with_field,
};
pub use record::{
    AGENDA_ITEMS, AGENDA_PARTS, Evaluation, Measure, MeasureEvaluation, MeetingRecord, Participant, Party, RecordDay,
    RecordError, Role, Task, TaskKind, format_time, parse_time, unevaluated_ended,
};
pub use rules::{Done, Field, RuleError};
pub use text::{TextError, check_line, check_text, column_width, fit, one_line, printable, shorten_paths};
