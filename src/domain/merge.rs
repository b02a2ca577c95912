//! Three-way merge of a case edited on two machines (the visit-day kit).
//!
//! A case travels as a `CaseSnapshot`. This side's version and the kit's are
//! compared, field by field, with the last version both sides had (the base): a
//! field changed on one side only takes that side's value; a field changed on both
//! sides to different values is a conflict, which keeps this side's value and
//! lists the kit's so that the user chooses. Nothing is overwritten silently.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use chrono::NaiveDate;

use super::codes::coded;
use super::intake::Broken;
use super::{Case, CaseKind, MeetingNo, MeetingRecord};

/// What of a case travels in a kit, besides its audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSnapshot {
    /// The reference here is the one the case travels under (the one it got at
    /// the school that registered it), whatever it is called on this machine.
    pub case: Case,
    /// The records of meetings 1, 2 and 3.
    pub records: [Option<MeetingRecord>; 3],
}

impl CaseSnapshot {
    /// How version 1 kits named this exact content: a hash of it. Only read from
    /// such kits now; versions are named by random ids, which a guessed name
    /// cannot be checked against.
    pub fn legacy_fingerprint(&self) -> String {
        let json = serde_json::to_string(self).expect("a snapshot always serialises");
        Sha256::digest(json.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Each record passes the domain's checks, evaluations against meeting 2's measures.
    pub fn records_hold_together(&self) -> bool {
        let measures = self.records[1].as_ref().map(|r| r.measures.clone()).unwrap_or_default();
        MeetingNo::ALL
            .iter()
            .all(|n| self.records[n.index()].as_ref().is_none_or(|r| r.validate(*n, &measures).is_ok()))
    }
}

/// Whether a case may go to PPT in a visit-day kit. A pupil's case goes only under
/// a valid consent: without one it is discussed anonymously, never handed over. A
/// case that has gone before goes again, so that a withdrawn consent reaches the
/// other machine and erases the name there too.
pub fn may_travel(case: &Case, today: NaiveDate, travelled_before: bool) -> bool {
    travelled_before
        || case.details.kind == CaseKind::System
        || case.consent.as_ref().is_some_and(|c| c.is_valid(today))
}

/// A case refused for a kit: see `may_travel`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("case {reference} has no valid consent and cannot go in a kit")]
pub struct WithoutConsent {
    pub reference: String,
}

/// One field both sides changed, each its own way. `field` is a dotted path into
/// the snapshot's JSON, e.g. `case.details.teacher` or `records.2.measures`
/// (meetings and records are numbered from 1).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldConflict {
    pub field: String,
    pub here: Value,
    pub kit: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub snapshot: CaseSnapshot,
    /// Fields that took the kit's value.
    pub taken: Vec<String>,
    pub conflicts: Vec<FieldConflict>,
}

impl Merged {
    /// Forgets what the merge said of `field` and every part of it: neither taken
    /// nor in conflict. Used where a field is settled another way.
    pub fn forget(&mut self, field: &str) {
        let within = |f: &str| f.strip_prefix(field).is_some_and(|rest| rest.is_empty() || rest.starts_with('.'));
        self.taken.retain(|f| !within(f));
        self.conflicts.retain(|c| !within(&c.field));
    }
}

/// Fixed-length lists whose entries are merged one by one: the three meetings and
/// records, and the statements and services by party. Other lists (participants,
/// measures, tasks) are one field each: entries have no identity across edits.
const NUMBERED: [&str; 4] = ["meetings", "records", "statements", "services"];

/// Each step on PPT's track (its consent, assignment, decision, …) is one field:
/// its day and what it says were recorded together.
fn is_whole_step(path: &str) -> bool {
    path.strip_prefix("case.ppt.").is_some_and(|step| !step.contains('.'))
}

/// Fields that are not the case's content but this machine's name for it.
const LOCAL: [&str; 2] = ["case.id", "case.reference"];

/// Merges the kit's version into this side's. Without a base (the sides share no
/// earlier version), every difference is a conflict.
pub fn merge(base: Option<&CaseSnapshot>, here: &CaseSnapshot, kit: &CaseSnapshot) -> Merged {
    let as_json = |s: &CaseSnapshot| serde_json::to_value(s).expect("a snapshot always serialises");
    let base = base.map(as_json);
    let (mut taken, mut conflicts) = (Vec::new(), Vec::new());
    let value = merge_value(base.as_ref(), &as_json(here), &as_json(kit), "", &mut taken, &mut conflicts);
    let snapshot = serde_json::from_value(value).expect("merged parts are whole values of the same shape");
    let mut merged = Merged { snapshot, taken, conflicts };
    keep_records_whole(&mut merged, here, kit);
    keep_steps_in_order(&mut merged, here, kit);
    keep_track_in_order(&mut merged, here, kit);
    merged
}

/// PPT's track merged step by step must still follow its rules (a decision kept
/// from one side after the other side removed the assessment would not). Where
/// it does not, this side's track stays and the kit's is one conflict.
fn keep_track_in_order(merged: &mut Merged, here: &CaseSnapshot, kit: &CaseSnapshot) {
    let in_order = |case: &Case| case.ppt.as_ref().is_none_or(|track| track.steps_in_order(case.referral_sent));
    if merged.snapshot.case.ppt == here.case.ppt || in_order(&merged.snapshot.case) {
        return;
    }
    merged.forget("case.ppt");
    let as_json = |case: &Case| serde_json::to_value(&case.ppt).expect("a track always serialises");
    merged.conflicts.push(FieldConflict {
        field: "case.ppt".into(),
        here: as_json(&here.case),
        kit: as_json(&kit.case),
    });
    merged.snapshot.case.ppt = here.case.ppt.clone();
}

/// The fields that make up the process's steps.
const STEPS: [&str; 3] = ["meetings", "decision", "referral_sent"];

/// The steps as one field of a conflict: they are chosen together, so that the
/// choice always gives steps that follow each other.
pub const STEPS_FIELD: &str = "case.steps";

/// Steps merged from both sides must still follow each other (meeting 1 moved on
/// one side after meeting 2 was recorded on the other would not). Where they do
/// not, this side's steps stay, and the kit's steps are one conflict.
fn keep_steps_in_order(merged: &mut Merged, here: &CaseSnapshot, kit: &CaseSnapshot) {
    if merged.snapshot.case.steps_in_order() || !here.case.steps_in_order() {
        return;
    }
    for step in STEPS {
        merged.forget(&format!("case.{step}"));
    }
    merged.conflicts.push(FieldConflict { field: STEPS_FIELD.into(), here: steps_of(here), kit: steps_of(kit) });
    let case = &mut merged.snapshot.case;
    (case.meetings, case.decision, case.referral_sent) =
        (here.case.meetings, here.case.decision, here.case.referral_sent);
}

fn steps_of(snapshot: &CaseSnapshot) -> Value {
    let case = serde_json::to_value(&snapshot.case).expect("a case always serialises");
    Value::Object(STEPS.iter().map(|key| (key.to_string(), case[key].clone())).collect())
}

/// Records merged from both sides must still hold together (an evaluation of a
/// measure the other side removed would not). Where they do not, this side's
/// records stay, and each that the kit changed is one conflict as a whole.
fn keep_records_whole(merged: &mut Merged, here: &CaseSnapshot, kit: &CaseSnapshot) {
    if merged.snapshot.records_hold_together() {
        return;
    }
    for number in MeetingNo::ALL {
        let i = number.index();
        if merged.snapshot.records[i] == here.records[i] {
            continue;
        }
        let field = format!("records.{}", number.get());
        merged.forget(&field);
        let as_json = |r: &Option<MeetingRecord>| serde_json::to_value(r).expect("a record always serialises");
        merged.conflicts.push(FieldConflict { field, here: as_json(&here.records[i]), kit: as_json(&kit.records[i]) });
        merged.snapshot.records[i] = here.records[i].clone();
    }
}

/// The merged value at `path`, pushing the fields taken from the kit and the conflicts.
fn merge_value(
    base: Option<&Value>,
    here: &Value,
    kit: &Value,
    path: &str,
    taken: &mut Vec<String>,
    conflicts: &mut Vec<FieldConflict>,
) -> Value {
    if here == kit || LOCAL.contains(&path) {
        return here.clone();
    }
    match (here, kit) {
        // Both sides still have the parts: merge part by part, so that the
        // fields taken and the conflicts are named as finely as they can be.
        (Value::Object(h), Value::Object(k)) if !is_whole_step(path) => {
            let base = base.and_then(Value::as_object);
            let mut merged = Map::new();
            for (key, here_child) in h {
                let kit_child = k.get(key).unwrap_or(&Value::Null);
                let base_child = base.map(|b| b.get(key).unwrap_or(&Value::Null));
                let child_path = join(path, key);
                merged
                    .insert(key.clone(), merge_value(base_child, here_child, kit_child, &child_path, taken, conflicts));
            }
            // A part only the kit has (PPT's track, which a case without one
            // leaves out) is merged against nothing here.
            for (key, kit_child) in k.iter().filter(|(key, _)| !h.contains_key(*key)) {
                let base_child = base.map(|b| b.get(key).unwrap_or(&Value::Null));
                let child_path = join(path, key);
                let value = merge_value(base_child, &Value::Null, kit_child, &child_path, taken, conflicts);
                merged.insert(key.clone(), value);
            }
            Value::Object(merged)
        }
        (Value::Array(h), Value::Array(k)) if h.len() == k.len() && is_numbered(path) => {
            let base = base.and_then(Value::as_array).filter(|b| b.len() == h.len());
            let entries = h.iter().zip(k).enumerate().map(|(i, (here_entry, kit_entry))| {
                let child_path = join(path, &(i + 1).to_string());
                merge_value(base.map(|b| &b[i]), here_entry, kit_entry, &child_path, taken, conflicts)
            });
            Value::Array(entries.collect())
        }
        _ if base == Some(kit) => here.clone(),
        _ if base == Some(here) => {
            taken.push(path.to_string());
            kit.clone()
        }
        _ => {
            conflicts.push(FieldConflict { field: path.to_string(), here: here.clone(), kit: kit.clone() });
            here.clone()
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

fn is_numbered(path: &str) -> bool {
    NUMBERED.contains(&path.rsplit('.').next().unwrap_or(path))
}

/// Which value of a conflict the user keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The value on this machine.
    Here,
    /// The value the kit brought.
    Kit,
    /// A value the user wrote from both, so that two people's text is not lost
    /// by choosing one.
    Edited,
}

coded!(Side in "side" {
    Here => "here",
    Kit => "kit",
    Edited => "edited",
});

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{self:?}")]
pub enum ResolveError {
    /// The field is no longer where the conflict found it (the case changed since).
    FieldGone(String),
    /// The value does not fit the field any more.
    DoesNotFit(String),
    /// Only text can be written from both values (not a date or a list).
    NotText(String),
    /// The value written breaks a rule a typed case is held to.
    Breaks(String, Broken),
}

/// Both values of a text conflict, one after the other, for the user to write one
/// from: what is here first, then the kit's, on lines of their own where either
/// has lines, else on one line with " / " between. None when either is not text.
pub fn both_texts(here: &Value, kit: &Value) -> Option<String> {
    let text = |value: &Value| match value {
        Value::String(text) => Some(text.clone()),
        Value::Null => Some(String::new()),
        _ => None,
    };
    let (here, kit) = (text(here)?, text(kit)?);
    Some(match (here.is_empty(), kit.is_empty()) {
        (true, _) => kit,
        (_, true) => here,
        _ if here.contains('\n') || kit.contains('\n') => format!("{here}\n\n{kit}"),
        _ => format!("{here} / {kit}"),
    })
}

/// The snapshot with `field` set to `value`: a conflict resolved in the kit's favour.
pub fn with_field(snapshot: &CaseSnapshot, field: &str, value: Value) -> Result<CaseSnapshot, ResolveError> {
    if field == STEPS_FIELD {
        let mut with_steps = snapshot.clone();
        for key in STEPS {
            let part = value.get(key).cloned().ok_or_else(|| ResolveError::DoesNotFit(field.to_string()))?;
            with_steps = with_field(&with_steps, &format!("case.{key}"), part)?;
        }
        return Ok(with_steps);
    }
    let mut json = serde_json::to_value(snapshot).expect("a snapshot always serialises");
    let mut at = &mut json;
    for key in field.split('.') {
        at = match at {
            Value::Object(map) => map.get_mut(key),
            Value::Array(list) => {
                key.parse::<usize>().ok().and_then(|n| n.checked_sub(1)).and_then(|i| list.get_mut(i))
            }
            _ => None,
        }
        .ok_or_else(|| ResolveError::FieldGone(field.to_string()))?;
    }
    *at = value;
    serde_json::from_value(json).map_err(|_| ResolveError::DoesNotFit(field.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::tests::{date, sample_case};
    use crate::domain::record::tests::measure;
    use crate::domain::{Evaluation, Identity, Measure, MeasureEvaluation, Meeting, Party};
    use proptest::prelude::*;

    fn snapshot() -> CaseSnapshot {
        CaseSnapshot { case: sample_case(), records: [None, None, None] }
    }

    #[test]
    fn a_track_merged_out_of_order_keeps_this_sides_and_is_one_conflict() {
        use crate::domain::ConsentGiver;
        use crate::domain::ppt::{Assessment, AssessmentConsent, PptStep, PptTrack, TrackContext};
        let today = date(2026, 12, 4);
        let c = TrackContext { today, pupil_born: None, consent_age: 15 };
        let consent = |on| PptStep::Consent(AssessmentConsent { given_on: on, by: ConsentGiver::Guardians });
        let mut base = snapshot();
        base.case.referral_sent = Some(date(2026, 9, 1));
        let track = PptTrack::received(Some(date(2026, 9, 1)), date(2026, 9, 2), today).unwrap();
        base.case.ppt = Some(track.apply(&consent(date(2026, 9, 10)), &c).unwrap());
        // Here the assessment is done under the consent of 10.09; the kit moves
        // the consent to after it.
        let mut here = base.clone();
        let done = PptStep::Assessed(Assessment {
            done_on: date(2026, 11, 20),
            hours_per_year: None,
            assistant: false,
            organisation: String::new(),
        });
        here.case.ppt = Some(here.case.ppt.unwrap().apply(&done, &c).unwrap());
        let mut kit = base.clone();
        kit.case.ppt = Some(kit.case.ppt.unwrap().apply(&consent(date(2026, 11, 25)), &c).unwrap());
        let merged = merge(Some(&base), &here, &kit);
        assert_eq!(merged.snapshot.case.ppt, here.case.ppt, "this side's track stays whole");
        assert_eq!(merged.conflicts.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(), ["case.ppt"]);
        assert!(merged.taken.is_empty());
    }

    #[test]
    fn both_texts_are_put_one_after_the_other_and_other_values_are_chosen_whole() {
        let text = |t: &str| Value::String(t.into());
        assert_eq!(both_texts(&text("Åse"), &text("Per")).as_deref(), Some("Åse / Per"));
        assert_eq!(
            both_texts(&text("Mor: sover dårlig\nFar: enig"), &text("Mor: bedre")).as_deref(),
            Some("Mor: sover dårlig\nFar: enig\n\nMor: bedre")
        );
        assert_eq!(both_texts(&Value::Null, &text("Per")).as_deref(), Some("Per"), "one side empty: the other");
        assert_eq!(both_texts(&text("2026-11-01"), &serde_json::json!({"date": "2026-11-02"})), None);
        assert_eq!(both_texts(&serde_json::json!([1]), &text("x")), None);
    }

    #[test]
    fn a_change_on_one_side_only_is_taken() {
        let base = snapshot();
        let mut kit = base.clone();
        kit.case.details.teacher = "Per Ås".into();
        let merged = merge(Some(&base), &base, &kit);
        assert_eq!(merged.snapshot, kit);
        assert_eq!(merged.taken, ["case.details.teacher"]);
        assert!(merged.conflicts.is_empty());

        let merged = merge(Some(&base), &kit, &base);
        assert_eq!(merged.snapshot, kit);
        assert!(merged.taken.is_empty() && merged.conflicts.is_empty());
    }

    #[test]
    fn different_fields_changed_on_each_side_both_land() {
        let base = snapshot();
        let (mut here, mut kit) = (base.clone(), base.clone());
        here.case.details.grade = "6. trinn".into();
        here.case.meetings[0] = Some(Meeting { date: date(2026, 9, 10), held: true });
        kit.case.details.description = "Mer uro".into();
        kit.case.meetings[1] = Some(Meeting { date: date(2026, 10, 1), held: false });
        let merged = merge(Some(&base), &here, &kit);
        assert!(merged.conflicts.is_empty());
        let case = merged.snapshot.case;
        assert_eq!((case.details.grade.as_str(), case.details.description.as_str()), ("6. trinn", "Mer uro"));
        assert_eq!(case.meetings[0], here.case.meetings[0]);
        assert_eq!(case.meetings[1], kit.case.meetings[1]);
        assert_eq!(merged.taken, ["case.details.description", "case.meetings.2"]);
    }

    #[test]
    fn the_same_field_changed_on_both_sides_is_one_conflict_that_keeps_both_values() {
        let base = snapshot();
        let (mut here, mut kit) = (base.clone(), base.clone());
        here.case.details.teacher = "Her".into();
        kit.case.details.teacher = "Der".into();
        let merged = merge(Some(&base), &here, &kit);
        assert_eq!(merged.snapshot, here);
        assert_eq!(
            merged.conflicts,
            [FieldConflict { field: "case.details.teacher".into(), here: "Her".into(), kit: "Der".into() }]
        );
        let resolved = with_field(&merged.snapshot, "case.details.teacher", merged.conflicts[0].kit.clone()).unwrap();
        assert_eq!(resolved, kit);
    }

    #[test]
    fn the_same_change_on_both_sides_is_no_conflict() {
        let base = snapshot();
        let mut both = base.clone();
        both.case.details.teacher = "Samme".into();
        let merged = merge(Some(&base), &both, &both);
        assert_eq!(merged.snapshot, both);
        assert!(merged.conflicts.is_empty() && merged.taken.is_empty());
    }

    #[test]
    fn without_a_base_every_difference_is_a_conflict() {
        let here = snapshot();
        let mut kit = here.clone();
        kit.case.details.teacher = "Der".into();
        let merged = merge(None, &here, &kit);
        assert_eq!(merged.snapshot, here);
        assert_eq!(merged.conflicts.len(), 1);
    }

    #[test]
    fn the_local_reference_is_never_merged() {
        let base = snapshot();
        let mut kit = base.clone();
        kit.case.reference = "2026-099".into();
        let merged = merge(None, &base, &kit);
        assert_eq!(merged.snapshot.case.reference, base.case.reference);
        assert!(merged.conflicts.is_empty());
    }

    #[test]
    fn an_identity_erased_on_one_side_and_edited_on_the_other_is_one_conflict_on_the_whole() {
        let mut base = snapshot();
        base.case.identity = Some(Identity { name: "Åse".into(), birth_date: Some(date(2015, 3, 1)) });
        let (mut here, mut kit) = (base.clone(), base.clone());
        here.case.identity.as_mut().unwrap().name = "Åse Ø.".into();
        kit.case.identity = None;
        let merged = merge(Some(&base), &here, &kit);
        assert_eq!(merged.conflicts.len(), 1);
        assert_eq!(merged.conflicts[0].field, "case.identity");
        assert_eq!(merged.conflicts[0].kit, Value::Null);
        let resolved = with_field(&merged.snapshot, "case.identity", Value::Null).unwrap();
        assert_eq!(resolved.case.identity, None);
    }

    #[test]
    fn records_merge_per_meeting_and_lists_as_a_whole() {
        let mut base = snapshot();
        base.records[1] = Some(MeetingRecord::default());
        let (mut here, mut kit) = (base.clone(), base.clone());
        let measure = |content: &str| Measure { content: content.into(), ..measure(1, None, None) };
        here.records[1].as_mut().unwrap().measures = vec![measure("Lesekurs")];
        here.records[1].as_mut().unwrap().statements[0] = "Skolen".into();
        kit.records[1].as_mut().unwrap().measures = vec![measure("Skrivekurs")];
        kit.records[1].as_mut().unwrap().statements[2] = "Foreldrene".into();
        let merged = merge(Some(&base), &here, &kit);
        let fields: Vec<_> = merged.conflicts.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["records.2.measures"]);
        assert_eq!(merged.taken, ["records.2.statements.3"]);
        let record = merged.snapshot.records[1].clone().unwrap();
        assert_eq!(record.statements[0], "Skolen");
        assert_eq!(record.statements[2], "Foreldrene");
    }

    #[test]
    fn a_record_that_would_not_hold_together_stays_as_it_is_here_and_is_one_conflict() {
        let mut base = snapshot();
        let measure = measure(1, None, None);
        base.records[1] = Some(MeetingRecord { measures: vec![measure], ..MeetingRecord::default() });
        base.records[2] = Some(MeetingRecord::default());
        let (mut here, mut kit) = (base.clone(), base.clone());
        // Here the measure is evaluated; in the kit it was removed.
        here.records[2].as_mut().unwrap().evaluations =
            vec![MeasureEvaluation { measure_id: 1, party: Party::School, evaluation: Evaluation::default() }];
        here.records[2].as_mut().unwrap().place = "Rom 2".into();
        kit.records[1].as_mut().unwrap().measures.clear();
        let merged = merge(Some(&base), &here, &kit);
        assert_eq!(merged.snapshot.records[2], here.records[2]);
        assert_eq!(merged.snapshot.records[1], here.records[1]);
        let fields: Vec<_> = merged.conflicts.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["records.2"]);
        assert!(merged.taken.is_empty());
    }

    #[test]
    fn steps_that_would_not_follow_each_other_stay_as_they_are_here_and_are_conflicts() {
        let mut base = snapshot();
        base.case.meetings[0] = Some(Meeting { date: date(2026, 9, 10), held: true });
        let (mut here, mut kit) = (base.clone(), base.clone());
        // Here meeting 2 is recorded; in the kit meeting 1 was corrected to a later day.
        here.case.meetings[1] = Some(Meeting { date: date(2026, 10, 1), held: true });
        kit.case.meetings[0] = Some(Meeting { date: date(2026, 10, 5), held: true });
        kit.case.details.teacher = "Per".into();
        let merged = merge(Some(&base), &here, &kit);
        assert!(merged.snapshot.case.steps_in_order());
        assert_eq!(merged.snapshot.case.meetings, here.case.meetings);
        assert_eq!(merged.snapshot.case.details.teacher, "Per", "other fields still merge");
        let fields: Vec<_> = merged.conflicts.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, [STEPS_FIELD]);
        assert_eq!(merged.taken, ["case.details.teacher"]);
        // Taking the kit's steps takes them all, which follow each other.
        let resolved = with_field(&merged.snapshot, STEPS_FIELD, merged.conflicts[0].kit.clone()).unwrap();
        assert_eq!(resolved.case.meetings, kit.case.meetings);
        assert!(resolved.case.steps_in_order());
    }

    #[test]
    fn a_field_that_is_gone_or_does_not_fit_is_refused() {
        let s = snapshot();
        assert_eq!(
            with_field(&s, "records.2.place", "Rom 1".into()),
            Err(ResolveError::FieldGone("records.2.place".into()))
        );
        assert_eq!(
            with_field(&s, "case.details.teacher", Value::Bool(true)),
            Err(ResolveError::DoesNotFit("case.details.teacher".into()))
        );
    }

    #[test]
    fn a_pupil_travels_only_under_a_valid_consent_unless_the_case_went_before() {
        use crate::domain::{Consent, ConsentGiver};
        let mut case = sample_case();
        let today = date(2026, 11, 24);
        assert!(!may_travel(&case, today, false), "no consent: anonymous only");
        assert!(may_travel(&case, today, true), "went before: its changes follow");
        let consent = |withdrawn_on| Consent {
            given_on: date(2026, 9, 1),
            given_by: ConsentGiver::Guardians,
            scope: "PPT".into(),
            expires_on: Some(date(2027, 9, 1)),
            withdrawn_on,
        };
        case.consent = Some(consent(None));
        assert!(may_travel(&case, today, false));
        case.consent = Some(consent(Some(date(2026, 11, 1))));
        assert!(!may_travel(&case, today, false));
        case.consent = None;
        case.details.kind = CaseKind::System;
        assert!(may_travel(&case, today, false), "a system case names no pupil");
    }

    #[test]
    fn forgetting_a_field_forgets_its_parts_and_nothing_beside_it() {
        let conflict = |field: &str| FieldConflict { field: field.into(), here: Value::Null, kit: Value::Null };
        let mut merged = Merged {
            snapshot: snapshot(),
            taken: vec!["records.1.place".into(), "records.1".into(), "records.10".into()],
            conflicts: vec![conflict("records.1.statements.2"), conflict("records.3")],
        };
        merged.forget("records.1");
        assert_eq!(merged.taken, ["records.10"]);
        assert_eq!(merged.conflicts, [conflict("records.3")]);
    }

    #[test]
    fn the_fingerprint_follows_the_content() {
        let s = snapshot();
        let mut other = s.clone();
        assert_eq!(s.legacy_fingerprint(), other.legacy_fingerprint());
        other.case.details.grade = "7. trinn".into();
        assert_ne!(s.legacy_fingerprint(), other.legacy_fingerprint());
        assert_eq!(s.legacy_fingerprint().len(), 64);
    }

    /// Variations of the sample case: three free-text fields, a meeting and the identity.
    fn variant() -> impl Strategy<Value = CaseSnapshot> {
        (0..3u8, 0..3u8, 0..3u8, 0..3u8, 0..3u8).prop_map(|(teacher, grade, meeting, identity, place)| {
            let mut s = snapshot();
            s.case.details.teacher = ["Åse", "Per", "Kari"][usize::from(teacher)].into();
            s.case.details.grade = ["5A", "5B", "6A"][usize::from(grade)].into();
            s.case.meetings[0] =
                [None, Some(Meeting { date: date(2026, 9, 1), held: true }), None][usize::from(meeting)];
            s.case.identity = match identity {
                0 => None,
                1 => Some(Identity { name: "Ola".into(), birth_date: None }),
                _ => Some(Identity { name: "Ola".into(), birth_date: Some(date(2016, 1, 2)) }),
            };
            if place > 0 {
                s.records[0] = Some(MeetingRecord { place: format!("Rom {place}"), ..MeetingRecord::default() });
            }
            s
        })
    }

    fn at<'a>(value: &'a Value, field: &str) -> &'a Value {
        field.split('.').fold(value, |v, key| match v {
            Value::Array(list) => &list[key.parse::<usize>().unwrap() - 1],
            _ => &v[key],
        })
    }

    proptest! {
        #[test]
        fn merging_never_loses_a_value(base in variant(), here in variant(), kit in variant()) {
            let merged = merge(Some(&base), &here, &kit);
            let (here_json, kit_json) = (serde_json::to_value(&here).unwrap(), serde_json::to_value(&kit).unwrap());
            let merged_json = serde_json::to_value(&merged.snapshot).unwrap();
            for conflict in &merged.conflicts {
                prop_assert_eq!(at(&merged_json, &conflict.field), at(&here_json, &conflict.field));
                prop_assert_eq!(&conflict.here, at(&here_json, &conflict.field));
                prop_assert_eq!(&conflict.kit, at(&kit_json, &conflict.field));
            }
            for field in &merged.taken {
                prop_assert_eq!(at(&merged_json, field), at(&kit_json, field));
            }
            // Taking the kit's side of every conflict gives what merging the other way round keeps.
            let mut resolved = merged.snapshot.clone();
            for conflict in &merged.conflicts {
                resolved = with_field(&resolved, &conflict.field, conflict.kit.clone()).unwrap();
            }
            let reverse = merge(Some(&base), &kit, &here);
            prop_assert_eq!(&resolved, &reverse.snapshot);
            let fields = |m: &Merged| m.conflicts.iter().map(|c| c.field.clone()).collect::<Vec<_>>();
            prop_assert_eq!(fields(&merged), fields(&reverse));
        }

        #[test]
        fn one_sided_changes_merge_without_conflict(base in variant(), changed in variant()) {
            prop_assert_eq!(merge(Some(&base), &base, &changed).snapshot, changed.clone());
            prop_assert_eq!(merge(Some(&base), &changed, &base).snapshot, changed.clone());
            prop_assert!(merge(Some(&base), &changed, &changed).conflicts.is_empty());
        }
    }
}
