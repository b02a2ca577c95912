//! The meeting record editor: the møte 1, 2 or 3 form, one part at a time. The
//! focused field is saved as the user leaves it, so closing the terminal mid-form
//! loses at most that field. State and keys only; `render` draws it.

use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Modifier, Style};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use uuid::Uuid;

use super::form::turn_choice;
use crate::domain::{
    AGENDA_ITEMS, Action, Case, Decision, DiscussionMeeting, Measure, MeetingNo, MeetingRecord, PREPARATION_POINTS,
    Participant, Party, Role, RuleError, Task, TaskKind, code, format_date, format_time, parse_date, parse_time,
};
use crate::i18n::Catalog;

/// Where a field's value lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The meeting's date: held or planned through the process's rules.
    Date,
    Time,
    Place,
    Purpose,
    Participant(usize, ParticipantPart),
    Statement(Party),
    Task(usize, TaskPart),
    Measure(usize, MeasurePart),
    Evaluation(u32, Party, EvaluationPart),
    /// The decision of meeting 3, made through the process's rules.
    Decision,
    DecisionResponsible,
    Services(Party),
    /// The date agreed for the next meeting: planned through the rules.
    NextDate,
    OtherAgreements,
    ApprovedBy,
    ApprovedOn,
    SentHome,
    /// A point of the school's preparation for a discussion meeting (seed 000).
    Preparation(usize),
    /// After the discussion meeting: the advice given, and the next step.
    Advice,
    NextStep,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParticipantPart {
    Name,
    Role,
    RoleText,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskPart {
    Kind,
    AssignedTo,
    Partner,
    Note,
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasurePart {
    Content,
    Scope,
    Organisation,
    Starts,
    Ends,
    Responsible,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvaluationPart {
    HowItWorked,
    WentWell,
    Obstacles,
}

/// How a field is edited.
pub enum FieldInput {
    /// One line: Enter moves on, a pasted line break becomes a space.
    Line(TextArea<'static>),
    /// Several lines with word wrap: Enter breaks the line.
    Text(TextArea<'static>),
    /// One of the worded options, turned with ←/→ or Space.
    Choice {
        options: Vec<String>,
        index: usize,
    },
    Check(bool),
}

pub struct EditField {
    pub target: Target,
    /// Worded in the user's language.
    pub label: String,
    /// A heading shown above the field: the start of a list item.
    pub heading: Option<String>,
    pub input: FieldInput,
}

impl EditField {
    pub fn text(&self) -> String {
        match &self.input {
            FieldInput::Line(area) | FieldInput::Text(area) => area.lines().join("\n"),
            FieldInput::Choice { options, index } => options.get(*index).cloned().unwrap_or_default(),
            FieldInput::Check(on) => on.to_string(),
        }
    }
}

/// The lists a part can hold, which rows are added to and removed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    Participants,
    Tasks,
    Measures,
}

pub struct Section {
    pub title: String,
    pub fields: Vec<EditField>,
    pub rows: Option<Rows>,
    /// Shown when the part has no fields.
    pub empty_note: Option<String>,
}

/// What leaving a field asks the store to do.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // One at a time, moved straight into the store.
pub enum Change {
    Record(MeetingRecord),
    Case(Action),
    Discussion(DiscussionMeeting),
}

/// What the editor writes about the case.
#[allow(clippy::large_enum_variant)] // One editor at a time.
pub enum Subject {
    /// The minutes of meeting `number`: the record as stored (or as a new one
    /// starts), and meeting 2's measures, which meeting 3 evaluates.
    Minutes { number: MeetingNo, record: MeetingRecord, measures: Vec<Measure> },
    /// The school's preparation for a discussion meeting with PPT, and its outcome.
    Discussion(DiscussionMeeting),
}

pub struct RecordEditor {
    pub case: Case,
    pub subject: Subject,
    pub sections: Vec<Section>,
    pub section: usize,
    pub focus: usize,
    /// Why the focused field cannot be saved as typed.
    pub error: Option<String>,
    /// The focused field changed since it was saved.
    pub dirty: bool,
    /// The agenda checklist, open with its selected item.
    pub agenda: Option<usize>,
    /// No valid consent covers the case: the family is present by role only.
    pub anonymous: bool,
}

const ROLE_KEYS: [&str; 8] = [
    "role.contact_teacher",
    "role.coordinator",
    "role.school_leader",
    "role.pupil",
    "role.guardian",
    "role.ppt",
    "role.health_nurse",
    "role.other",
];
const DECISIONS: [Option<Decision>; 4] = [None, Some(Decision::Close), Some(Decision::Continue), Some(Decision::Refer)];

fn party_key(party: Party) -> String {
    format!("party.{}", code(party))
}

fn area(text: &str, multi: bool) -> TextArea<'static> {
    let mut area = TextArea::new(text.split('\n').map(str::to_string).collect());
    area.set_cursor_line_style(Style::default());
    if multi {
        area.set_wrap_mode(WrapMode::WordOrGlyph);
    }
    // The cursor shows only in the focused field; `focus_changed` turns it on.
    area.set_cursor_style(Style::default());
    area
}

fn line(target: Target, label: String, value: &str) -> EditField {
    EditField { target, label, heading: None, input: FieldInput::Line(area(value, false)) }
}

fn text(target: Target, label: String, value: &str) -> EditField {
    EditField { target, label, heading: None, input: FieldInput::Text(area(value, true)) }
}

fn choice(target: Target, label: String, options: Vec<String>, index: usize) -> EditField {
    EditField { target, label, heading: None, input: FieldInput::Choice { options, index } }
}

fn date_text(date: Option<NaiveDate>) -> String {
    date.map(format_date).unwrap_or_default()
}

impl RecordEditor {
    /// Opens the record of meeting `number`; a new record starts with the form's
    /// own purpose, the contact teacher and coordinator present, and (meeting 1)
    /// the form's four tasks.
    pub fn open(
        c: &Catalog,
        case: Case,
        number: MeetingNo,
        stored: Option<MeetingRecord>,
        measures: Vec<Measure>,
        today: NaiveDate,
    ) -> RecordEditor {
        let anonymous = !case.may_name_family(today);
        let record = stored.unwrap_or_else(|| {
            let present = |name: &str, role| Participant { name: name.into(), role, role_text: String::new() };
            let task = |kind| Task {
                kind,
                assigned_to: Party::School,
                partner: String::new(),
                note: String::new(),
                done: false,
            };
            MeetingRecord {
                purpose: c.t(&format!("record.purpose{}", number.get())).to_string(),
                participants: vec![
                    present(&case.details.teacher, Role::ContactTeacher),
                    present("", Role::Coordinator),
                ],
                tasks: if number.get() == 1 { TaskKind::ALL.map(task).to_vec() } else { Vec::new() },
                ..MeetingRecord::default()
            }
        });
        let mut editor = RecordEditor::with(c, case, Subject::Minutes { number, record, measures });
        editor.anonymous = anonymous;
        editor.rebuild(c);
        editor
    }

    /// Opens the school's preparation for `meeting` of `case`, and its outcome.
    pub fn open_discussion(c: &Catalog, case: Case, meeting: DiscussionMeeting) -> RecordEditor {
        RecordEditor::with(c, case, Subject::Discussion(meeting))
    }

    fn with(c: &Catalog, case: Case, subject: Subject) -> RecordEditor {
        let mut editor = RecordEditor {
            case,
            subject,
            sections: Vec::new(),
            section: 0,
            focus: 0,
            error: None,
            dirty: false,
            agenda: None,
            anonymous: false,
        };
        editor.rebuild(c);
        editor
    }

    /// Lays the fields out again from the record (after rows are added or removed),
    /// keeping the place of the focus.
    fn rebuild(&mut self, c: &Catalog) {
        self.sections = match &self.subject {
            Subject::Minutes { number, record, measures } => {
                sections(c, &self.case, *number, record, measures, self.anonymous)
            }
            Subject::Discussion(meeting) => discussion_sections(c, meeting, self.case.id),
        };
        self.section = self.section.min(self.sections.len() - 1);
        self.focus = self.focus.min(self.sections[self.section].fields.len().saturating_sub(1));
        self.focus_changed();
    }

    pub fn focused(&self) -> Option<&EditField> {
        self.sections[self.section].fields.get(self.focus)
    }

    fn focused_mut(&mut self) -> Option<&mut EditField> {
        self.sections[self.section].fields.get_mut(self.focus)
    }

    /// Shows the cursor in the focused field only.
    fn focus_changed(&mut self) {
        let (section, focus) = (self.section, self.focus);
        for (s, part) in self.sections.iter_mut().enumerate() {
            for (f, field) in part.fields.iter_mut().enumerate() {
                if let FieldInput::Line(area) | FieldInput::Text(area) = &mut field.input {
                    let style = if (s, f) == (section, focus) {
                        // Typing goes on from the end of what is there.
                        area.move_cursor(CursorMove::Bottom);
                        area.move_cursor(CursorMove::End);
                        Style::default().add_modifier(Modifier::REVERSED)
                    } else {
                        Style::default()
                    };
                    area.set_cursor_style(style);
                }
            }
        }
    }

    /// Moves one field on (`delta` 1) or back (-1), into the next or previous part
    /// with fields at the ends.
    pub fn move_focus(&mut self, delta: isize) {
        let len = self.sections[self.section].fields.len();
        let next = self.focus as isize + delta;
        if (0..len as isize).contains(&next) {
            self.focus = next as usize;
        } else {
            let parts = self.sections.len() as isize;
            for _ in 0..parts {
                self.section = (self.section as isize + delta.signum()).rem_euclid(parts) as usize;
                if !self.sections[self.section].fields.is_empty() {
                    break;
                }
            }
            let len = self.sections[self.section].fields.len();
            self.focus = if delta < 0 { len.saturating_sub(1) } else { 0 };
        }
        self.error = None;
        self.focus_changed();
    }

    pub fn move_section(&mut self, delta: isize) {
        let parts = self.sections.len() as isize;
        self.section = (self.section as isize + delta).rem_euclid(parts) as usize;
        self.focus = 0;
        self.error = None;
        self.focus_changed();
    }

    /// A key that is not an editor command edits the focused field.
    pub fn edit(&mut self, key: KeyEvent) {
        let Some(field) = self.focused_mut() else { return };
        let changed = match &mut field.input {
            FieldInput::Line(_) if key.code == KeyCode::Enter => {
                // Enter in a one-line field moves on, as Tab does; the move saves.
                return;
            }
            FieldInput::Line(area) | FieldInput::Text(area) => area.input(key),
            FieldInput::Choice { options, index } => turn_choice(index, options.len(), key),
            FieldInput::Check(on) => {
                let toggle = matches!(key.code, KeyCode::Char(' ') | KeyCode::Char('x'))
                    && !key.modifiers.contains(KeyModifiers::CONTROL);
                *on ^= toggle;
                toggle
            }
        };
        if changed {
            self.dirty = true;
            self.error = None;
        }
    }

    /// Pasted text goes into the focused field as it is, line breaks and all in
    /// a text field; it never moves on or saves.
    pub fn paste(&mut self, pasted: &str) {
        let Some(field) = self.focused_mut() else { return };
        let pasted = pasted.replace("\r\n", "\n").replace('\r', "\n");
        let changed = match &mut field.input {
            FieldInput::Text(area) => area.insert_str(&pasted),
            FieldInput::Line(area) => area.insert_str(pasted.replace(['\n', '\t'], " ")),
            _ => false,
        };
        if changed {
            self.dirty = true;
            self.error = None;
        }
    }

    /// What saving the focused field asks of the store, if anything; a field that
    /// cannot be read gives the message to show at it, and its text stays.
    pub fn change(&self, c: &Catalog, today: NaiveDate) -> Result<Option<Change>, String> {
        let Some(field) = self.focused() else { return Ok(None) };
        let typed = field.text();
        let date = |typed: &str| -> Result<Option<NaiveDate>, String> {
            match typed.trim() {
                "" => Ok(None),
                text => parse_date(text).map(Some).map_err(|e| c.date_error(&e)),
            }
        };
        let case = &self.case;
        let (number, stored, measures) = match &self.subject {
            Subject::Minutes { number, record, measures } => (*number, record, measures),
            Subject::Discussion(meeting) => return Ok(discussion_change(meeting, case.id, field.target, typed)),
        };
        match field.target {
            Target::Date => {
                let Some(date) = date(&typed)? else { return Err(c.date_error(&crate::domain::DateError::Empty)) };
                let action = if date <= today {
                    Action::RecordMeeting { number, date }
                } else {
                    Action::PlanMeeting { number, date }
                };
                let same = case.meeting(number).is_some_and(|m| m.date == date && m.held == (date <= today));
                return Ok((!same).then_some(Change::Case(action)));
            }
            Target::NextDate => {
                let Some(next) = number.next() else { return Ok(None) };
                let current = case.meeting(next).map(|m| m.date);
                return match date(&typed)? {
                    None if current.is_some() => Err(c.t("record.no_next_date").into()),
                    None => Ok(None),
                    Some(date) if Some(date) == current => Ok(None),
                    Some(date) => Ok(Some(Change::Case(Action::PlanMeeting { number: next, date }))),
                };
            }
            Target::Decision => {
                let FieldInput::Choice { index, .. } = field.input else { return Ok(None) };
                return match (DECISIONS.get(index).copied().flatten(), case.decision) {
                    // A decision cannot be taken back; the rules say so at the field.
                    (None, Some(_)) => Err(c.rule_error(&RuleError::AlreadyDecided)),
                    (Some(decision), made) if made.map(|d| d.0) != Some(decision) => {
                        let date = case.held(number).unwrap_or(today);
                        Ok(Some(Change::Case(Action::Decide { decision, date })))
                    }
                    _ => Ok(None),
                };
            }
            _ => {}
        }
        let mut record = stored.clone();
        write_field(&mut record, field, &typed, c, date)?;
        // Meeting 2 holds the measures; meeting 3 evaluates meeting 2's.
        let known = if number.get() == 2 { &record.measures } else { measures };
        if let Err(error) = record.validate(number, known).and(record.check_family_names(case.may_name_family(today))) {
            return Err(match error {
                crate::domain::RecordError::PeriodEndsBeforeStart { .. } => c.t("record.period").into(),
                crate::domain::RecordError::UnknownMeasure { .. } => c.t("record.unknown_measure").into(),
                crate::domain::RecordError::Text(e) => c.text_error(&e),
                crate::domain::RecordError::FamilyNamedWithoutConsent => c.t("record.family_anonymous").into(),
                _ => c.t("record.wrong_meeting").into(),
            });
        }
        Ok((record != *stored).then_some(Change::Record(record)))
    }

    /// The minutes being written, if that is what the editor holds.
    pub fn minutes(&self) -> Option<(MeetingNo, &MeetingRecord)> {
        match &self.subject {
            Subject::Minutes { number, record, .. } => Some((*number, record)),
            Subject::Discussion(_) => None,
        }
    }

    /// The store took the change: the editor carries on from it.
    pub fn saved(&mut self, c: &Catalog, change: Change, case: Option<Case>) {
        match (change, &mut self.subject) {
            (Change::Record(new), Subject::Minutes { record, .. }) => *record = new,
            (Change::Discussion(new), Subject::Discussion(meeting)) => *meeting = new,
            _ => {}
        }
        if let Some(case) = case {
            self.case = case;
        }
        self.dirty = false;
        self.error = None;
        // Labels such as "Tiltak 2: …" follow what was typed.
        self.rebuild(c);
    }

    /// A new row in the list of this part, after the focused one; it is focused.
    pub fn add_row(&mut self) -> Option<MeetingRecord> {
        let rows = self.sections[self.section].rows?;
        let at = self.row_of_focus().map_or(0, |row| row + 1);
        let mut record = self.minutes()?.1.clone();
        let field_of_row = match rows {
            Rows::Participants => {
                let row = Participant { name: String::new(), role: Role::Guardian, role_text: String::new() };
                record.participants.insert(at.min(record.participants.len()), row);
                3
            }
            Rows::Tasks => {
                let row = Task {
                    kind: TaskKind::Other,
                    assigned_to: Party::School,
                    partner: String::new(),
                    note: String::new(),
                    done: false,
                };
                record.tasks.insert(at.min(record.tasks.len()), row);
                5
            }
            Rows::Measures => {
                let row = Measure {
                    id: record.next_measure_id(),
                    content: String::new(),
                    scope: String::new(),
                    organisation: String::new(),
                    starts_on: None,
                    ends_on: None,
                    responsible: String::new(),
                };
                record.measures.insert(at.min(record.measures.len()), row);
                6
            }
        };
        self.focus = at * field_of_row;
        Some(record)
    }

    /// The row of the list the focus is in.
    pub fn row_of_focus(&self) -> Option<usize> {
        match self.focused()?.target {
            Target::Participant(row, _) | Target::Task(row, _) | Target::Measure(row, _) => Some(row),
            _ => None,
        }
    }

    /// The heading of the row the focus is in, to name it when asking.
    pub fn row_name(&self) -> Option<String> {
        let fields = &self.sections[self.section].fields;
        fields[..=self.focus.min(fields.len().saturating_sub(1))].iter().rev().find_map(|f| f.heading.clone())
    }

    /// The record without the focused row.
    pub fn without_focused_row(&self) -> Option<MeetingRecord> {
        let row = self.row_of_focus()?;
        let mut record = self.minutes()?.1.clone();
        match self.sections[self.section].rows? {
            Rows::Participants => drop(record.participants.remove(row)),
            Rows::Tasks => drop(record.tasks.remove(row)),
            Rows::Measures => drop(record.measures.remove(row)),
        }
        Some(record)
    }

    pub fn toggle_agenda_item(&mut self) -> Option<MeetingRecord> {
        let item = self.agenda?;
        let mut record = self.minutes()?.1.clone();
        record.toggle_agenda_item(item);
        Some(record)
    }

    pub fn move_agenda(&mut self, delta: isize) {
        if let Some(item) = &mut self.agenda {
            *item = (*item as isize + delta).clamp(0, AGENDA_ITEMS as isize - 1) as usize;
        }
    }
}

/// Writes what is typed in `field` into `record`.
fn write_field(
    record: &mut MeetingRecord,
    field: &EditField,
    typed: &str,
    c: &Catalog,
    date: impl Fn(&str) -> Result<Option<NaiveDate>, String>,
) -> Result<(), String> {
    let index = match field.input {
        FieldInput::Choice { index, .. } => index,
        _ => 0,
    };
    let checked = matches!(field.input, FieldInput::Check(true));
    let owned = typed.to_string();
    match field.target {
        Target::Time => {
            record.time = match typed.trim() {
                "" => None,
                text => Some(parse_time(text).ok_or_else(|| c.time_error(text))?),
            }
        }
        Target::Place => record.place = owned,
        Target::Purpose => record.purpose = owned,
        Target::Statement(party) => record.statements[party.index()] = owned,
        Target::Services(party) => record.services[party.index()] = owned,
        Target::DecisionResponsible => record.decision_responsible = owned,
        Target::OtherAgreements => record.other_agreements = owned,
        Target::ApprovedBy => record.approved_by = owned,
        Target::ApprovedOn => record.approved_on = date(typed)?,
        Target::SentHome => record.sent_home_on = date(typed)?,
        Target::Participant(row, part) => {
            let Some(p) = record.participants.get_mut(row) else { return Ok(()) };
            match part {
                ParticipantPart::Name => p.name = owned,
                ParticipantPart::Role => p.role = Role::ALL[index.min(Role::ALL.len() - 1)],
                ParticipantPart::RoleText => p.role_text = owned,
            }
        }
        Target::Task(row, part) => {
            let Some(t) = record.tasks.get_mut(row) else { return Ok(()) };
            match part {
                TaskPart::Kind => t.kind = TaskKind::ALL[index.min(3)],
                TaskPart::AssignedTo => t.assigned_to = Party::ALL[index.min(3)],
                TaskPart::Partner => t.partner = owned,
                TaskPart::Note => t.note = owned,
                TaskPart::Done => t.done = checked,
            }
        }
        Target::Measure(row, part) => {
            let Some(m) = record.measures.get_mut(row) else { return Ok(()) };
            match part {
                MeasurePart::Content => m.content = owned,
                MeasurePart::Scope => m.scope = owned,
                MeasurePart::Organisation => m.organisation = owned,
                MeasurePart::Starts => m.starts_on = date(typed)?,
                MeasurePart::Ends => m.ends_on = date(typed)?,
                MeasurePart::Responsible => m.responsible = owned,
            }
        }
        Target::Evaluation(measure_id, party, part) => {
            let mut evaluation = record.evaluation(measure_id, party);
            match part {
                EvaluationPart::HowItWorked => evaluation.how_it_worked = owned,
                EvaluationPart::WentWell => evaluation.went_well = owned,
                EvaluationPart::Obstacles => evaluation.obstacles = owned,
            }
            record.set_evaluation(measure_id, party, evaluation);
        }
        Target::Date | Target::NextDate | Target::Decision => {}
        Target::Preparation(_) | Target::Advice | Target::NextStep => {}
    }
    Ok(())
}

/// The parts of the form of meeting `number`, in the form's order.
fn sections(
    c: &Catalog,
    case: &Case,
    number: MeetingNo,
    record: &MeetingRecord,
    measures: &[Measure],
    anonymous: bool,
) -> Vec<Section> {
    let t = |key: &str| c.t(key).to_string();
    let n = number.get();
    let part = |title: &str, fields: Vec<EditField>| Section { title: t(title), fields, rows: None, empty_note: None };
    let meeting = part(
        "record.sec_meeting",
        vec![
            line(Target::Date, t("record.date"), &date_text(case.meeting(number).map(|m| m.date))),
            line(Target::Time, t("record.time"), &record.time.map(format_time).unwrap_or_default()),
            line(Target::Place, t("record.place"), &record.place),
            text(Target::Purpose, t("record.purpose"), &record.purpose),
        ],
    );
    let rows = |title: &str, fields: Vec<EditField>, rows: Rows| Section {
        title: t(title),
        empty_note: fields.is_empty().then(|| t("record.no_rows")),
        fields,
        rows: Some(rows),
    };
    let mut present =
        rows("record.sec_present", participant_fields(c, &record.participants, anonymous), Rows::Participants);
    if anonymous {
        // A reminder where the family would be named, and for the texts after it.
        present.title = format!("{} · {}", present.title, t("record.anonymous_note"));
    }
    let statements = Party::ALL
        .iter()
        .map(|party| {
            let key = format!("record.m{n}_{}", code(party));
            text(Target::Statement(*party), t(&key), &record.statements[party.index()])
        })
        .collect();
    let statements_title = ["record.sec_situation", "record.sec_follow_up", "record.sec_situation_now"];
    let mut sections = vec![meeting, present, part(statements_title[number.index()], statements)];
    match n {
        1 => sections.push(rows("record.sec_tasks", task_fields(c, &record.tasks), Rows::Tasks)),
        2 => sections.push(rows("record.sec_measures", measure_fields(c, &record.measures), Rows::Measures)),
        _ => {
            let mut effect = part("record.sec_effect", evaluation_fields(c, record, measures));
            effect.empty_note = measures.is_empty().then(|| t("record.no_measures"));
            sections.push(effect);
            let decided = DECISIONS.iter().position(|d| *d == case.decision.map(|d| d.0)).unwrap_or(0);
            let mut options = vec![t("record.decision_none")];
            options.extend(DECISIONS[1..].iter().flatten().map(|d| c.word(*d).to_string()));
            let mut fields = vec![
                choice(Target::Decision, t("record.decision"), options, decided),
                line(Target::DecisionResponsible, t("record.decision_responsible"), &record.decision_responsible),
            ];
            fields.extend(Party::REQUESTERS.iter().map(|party| {
                let key = party_key(*party);
                let label = c.f("record.services", &[("party", c.t(&key))]);
                text(Target::Services(*party), label, &record.services[party.index()])
            }));
            sections.push(part("record.sec_decision", fields));
        }
    }
    let mut closing = Vec::new();
    if let Some(next) = number.next() {
        let label = t(&format!("record.next_date{}", next.get()));
        closing.push(line(Target::NextDate, label, &date_text(case.meeting(next).map(|m| m.date))));
    }
    closing.extend([
        text(Target::OtherAgreements, t("record.other_agreements"), &record.other_agreements),
        line(Target::ApprovedBy, t("record.approved_by"), &record.approved_by),
        line(Target::ApprovedOn, t("record.approved_on"), &date_text(record.approved_on)),
        line(Target::SentHome, t("record.sent_home"), &date_text(record.sent_home_on)),
    ]);
    sections.push(part("record.sec_next", closing));
    sections
}

/// The preparation points of seed 000, then the outcome after the meeting.
fn discussion_sections(c: &Catalog, meeting: &DiscussionMeeting, case_id: Uuid) -> Vec<Section> {
    // Both parts always exist, so the editor never has nothing to show.
    let item = meeting.item(case_id);
    let preparation = (0..PREPARATION_POINTS)
        .map(|point| {
            let label = c.t(&format!("preparation.point{}", point + 1)).to_string();
            let written = item.and_then(|i| i.preparation.get(point)).map_or("", String::as_str);
            text(Target::Preparation(point), label, written)
        })
        .collect();
    let outcome = vec![
        text(Target::Advice, c.t("preparation.advice").into(), item.map_or("", |i| i.advice.as_str())),
        text(Target::NextStep, c.t("preparation.next_step").into(), item.map_or("", |i| i.next_step.as_str())),
    ];
    let part = |title: &str, fields| Section { title: c.t(title).into(), fields, rows: None, empty_note: None };
    vec![part("preparation.title", preparation), part("preparation.outcome", outcome)]
}

/// The meeting with the case's preparation or outcome as typed in `target`.
fn discussion_change(meeting: &DiscussionMeeting, case_id: Uuid, target: Target, typed: String) -> Option<Change> {
    let mut changed = meeting.clone();
    let item = changed.items.iter_mut().find(|i| i.case_id == case_id)?;
    match target {
        Target::Preparation(point) if point < item.preparation.len() => item.preparation[point] = typed,
        Target::Advice => item.advice = typed,
        Target::NextStep => item.next_step = typed,
        _ => return None,
    }
    (changed != *meeting).then_some(Change::Discussion(changed))
}

fn participant_fields(c: &Catalog, participants: &[Participant], anonymous: bool) -> Vec<EditField> {
    let roles: Vec<String> = ROLE_KEYS.iter().map(|k| c.t(k).to_string()).collect();
    let mut fields = Vec::new();
    for (row, p) in participants.iter().enumerate() {
        let role = Role::ALL.iter().position(|r| *r == p.role).unwrap_or(0);
        let label = if anonymous && p.role.is_family() { "record.name_closed" } else { "record.name" };
        let mut name = line(Target::Participant(row, ParticipantPart::Name), c.t(label).into(), &p.name);
        name.heading = Some(c.f("record.participant", &[("n", &(row + 1).to_string())]));
        fields.extend([
            name,
            choice(Target::Participant(row, ParticipantPart::Role), c.t("record.role").into(), roles.clone(), role),
            line(Target::Participant(row, ParticipantPart::RoleText), c.t("record.role_text").into(), &p.role_text),
        ]);
    }
    fields
}

fn task_fields(c: &Catalog, tasks: &[Task]) -> Vec<EditField> {
    let kinds: Vec<String> = TaskKind::ALL.iter().map(|k| c.t(&format!("task_kind.{}", code(k))).to_string()).collect();
    let parties: Vec<String> = Party::ALL.iter().map(|p| c.t(&party_key(*p)).to_string()).collect();
    let mut fields = Vec::new();
    for (row, task) in tasks.iter().enumerate() {
        let kind = TaskKind::ALL.iter().position(|k| *k == task.kind).unwrap_or(0);
        let mut first = choice(Target::Task(row, TaskPart::Kind), c.t("record.task_kind").into(), kinds.clone(), kind);
        first.heading = Some(c.f("record.task", &[("n", &(row + 1).to_string())]));
        fields.extend([
            first,
            choice(
                Target::Task(row, TaskPart::AssignedTo),
                c.t("record.assigned_to").into(),
                parties.clone(),
                task.assigned_to.index(),
            ),
            line(Target::Task(row, TaskPart::Partner), c.t("record.partner").into(), &task.partner),
            line(Target::Task(row, TaskPart::Note), c.t("record.note").into(), &task.note),
            EditField {
                target: Target::Task(row, TaskPart::Done),
                label: c.t("record.done").into(),
                heading: None,
                input: FieldInput::Check(task.done),
            },
        ]);
    }
    fields
}

fn measure_heading(c: &Catalog, row: usize, measure: &Measure) -> String {
    let n = (row + 1).to_string();
    let content = measure.content.lines().next().unwrap_or_default();
    if content.is_empty() {
        c.f("record.measure", &[("n", &n)])
    } else {
        c.f("record.measure_of", &[("n", &n), ("content", content)])
    }
}

fn measure_fields(c: &Catalog, measures: &[Measure]) -> Vec<EditField> {
    let mut fields = Vec::new();
    for (row, m) in measures.iter().enumerate() {
        let target = |part| Target::Measure(row, part);
        let mut content = text(target(MeasurePart::Content), c.t("record.content").into(), &m.content);
        content.heading = Some(measure_heading(c, row, m));
        fields.extend([
            content,
            line(target(MeasurePart::Scope), c.t("record.scope").into(), &m.scope),
            line(target(MeasurePart::Organisation), c.t("record.organisation").into(), &m.organisation),
            line(target(MeasurePart::Starts), c.t("record.starts_on").into(), &date_text(m.starts_on)),
            line(target(MeasurePart::Ends), c.t("record.ends_on").into(), &date_text(m.ends_on)),
            line(target(MeasurePart::Responsible), c.t("record.responsible").into(), &m.responsible),
        ]);
    }
    fields
}

fn evaluation_fields(c: &Catalog, record: &MeetingRecord, measures: &[Measure]) -> Vec<EditField> {
    let mut fields = Vec::new();
    for (row, measure) in measures.iter().enumerate() {
        for party in Party::ALL {
            let said = record.evaluation(measure.id, party);
            let key = party_key(party);
            let name = [("party", c.t(&key))];
            let target = |part| Target::Evaluation(measure.id, party, part);
            let mut how =
                text(target(EvaluationPart::HowItWorked), c.f("record.how_it_worked", &name), &said.how_it_worked);
            if party == Party::School {
                how.heading = Some(measure_heading(c, row, measure));
            }
            fields.extend([
                how,
                text(target(EvaluationPart::WentWell), c.f("record.went_well", &name), &said.went_well),
                text(target(EvaluationPart::Obstacles), c.f("record.obstacles", &name), &said.obstacles),
            ]);
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::tests::{date, sample_case};
    use crate::i18n::Lang;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn type_text(editor: &mut RecordEditor, text: &str) {
        for ch in text.chars() {
            editor.edit(key(KeyCode::Char(ch)));
        }
    }

    fn editor(number: u8) -> (Catalog, RecordEditor) {
        let c = Catalog::new(Lang::Nb);
        let editor = RecordEditor::open(
            &c,
            sample_case(),
            MeetingNo::new(number).unwrap(),
            None,
            Vec::new(),
            date(2026, 11, 24),
        );
        (c, editor)
    }

    fn focus_on(editor: &mut RecordEditor, target: Target) {
        for (s, section) in editor.sections.iter().enumerate() {
            if let Some(f) = section.fields.iter().position(|f| f.target == target) {
                editor.section = s;
                editor.focus = f;
                return;
            }
        }
        panic!("no field {target:?}");
    }

    #[test]
    fn a_new_record_starts_from_the_form() {
        let (c, editor) = editor(1);
        assert_eq!(editor.minutes().unwrap().1.purpose, c.t("record.purpose1"));
        assert_eq!(editor.minutes().unwrap().1.participants[0].name, "Åse Ødegård");
        assert_eq!(editor.minutes().unwrap().1.participants[0].role, Role::ContactTeacher);
        assert_eq!(editor.minutes().unwrap().1.tasks.iter().map(|t| t.kind).collect::<Vec<_>>(), TaskKind::ALL);
        let titles: Vec<_> = editor.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Møtet",
                "Til stede · anonym sak: elev og foresatte med rolle, uten navn",
                "Situasjonsbeskrivelse",
                "Ansvar for å innhente informasjon",
                "Veien videre"
            ],
            "the case has no consent: the editor says it is anonymous"
        );
    }

    #[test]
    fn typing_q_and_j_in_a_field_is_text() {
        let (c, mut editor) = editor(1);
        focus_on(&mut editor, Target::Statement(Party::Pupil));
        type_text(&mut editor, "jeg liker ikke å være ute; quiz");
        editor.edit(key(KeyCode::Enter));
        type_text(&mut editor, "ÆØÅ");
        assert!(editor.dirty);
        let Ok(Some(Change::Record(record))) = editor.change(&c, date(2026, 11, 24)) else { panic!() };
        assert_eq!(record.statements[Party::Pupil.index()], "jeg liker ikke å være ute; quiz\nÆØÅ");
        assert!(record.has_pupil_voice());
    }

    #[test]
    fn a_pasted_text_keeps_its_lines_in_a_text_field_and_not_in_a_line() {
        let (c, mut editor) = editor(1);
        focus_on(&mut editor, Target::Statement(Party::Guardians));
        editor.paste("Mor: søvnen er dårlig\r\nFar: enig\n");
        let Ok(Some(Change::Record(record))) = editor.change(&c, date(2026, 11, 24)) else { panic!() };
        assert_eq!(record.statements[Party::Guardians.index()], "Mor: søvnen er dårlig\nFar: enig\n");
        focus_on(&mut editor, Target::Place);
        editor.paste("Rom 1\nRom 2");
        assert_eq!(editor.focused().unwrap().text(), "Rom 1 Rom 2");
    }

    #[test]
    fn undo_takes_back_typing() {
        let (_, mut editor) = editor(1);
        focus_on(&mut editor, Target::Place);
        type_text(&mut editor, "Biblioteket");
        editor.edit(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_ne!(editor.focused().unwrap().text(), "Biblioteket");
    }

    #[test]
    fn a_time_that_does_not_exist_is_refused_and_kept() {
        let (c, mut editor) = editor(1);
        focus_on(&mut editor, Target::Time);
        type_text(&mut editor, "25:00");
        let message = editor.change(&c, date(2026, 11, 24)).unwrap_err();
        assert!(message.contains("25:00"), "{message}");
        assert_eq!(editor.focused().unwrap().text(), "25:00");
    }

    #[test]
    fn the_meeting_date_is_the_process_step() {
        let (c, mut editor) = editor(1);
        let today = date(2026, 11, 24);
        type_text(&mut editor, "10.11.2026");
        let change = editor.change(&c, today).unwrap();
        let number = MeetingNo::new(1).unwrap();
        assert_eq!(change, Some(Change::Case(Action::RecordMeeting { number, date: date(2026, 11, 10) })));
        let mut future = RecordEditor::open(&c, sample_case(), number, None, Vec::new(), date(2026, 11, 24));
        type_text(&mut future, "01.12.2026");
        assert_eq!(
            future.change(&c, today).unwrap(),
            Some(Change::Case(Action::PlanMeeting { number, date: date(2026, 12, 1) }))
        );
        let mut wrong = RecordEditor::open(&c, sample_case(), number, None, Vec::new(), date(2026, 11, 24));
        type_text(&mut wrong, "31.02.2026");
        assert!(wrong.change(&c, today).unwrap_err().contains("31.02.2026"));
    }

    #[test]
    fn a_measure_ending_before_it_starts_is_refused_at_the_field() {
        let (c, mut editor) = editor(2);
        editor.move_section(3);
        assert_eq!(editor.sections[3].rows, Some(Rows::Measures));
        let record = editor.add_row().unwrap();
        editor.saved(&c, Change::Record(record), None);
        focus_on(&mut editor, Target::Measure(0, MeasurePart::Starts));
        type_text(&mut editor, "01.12.2026");
        let Ok(Some(Change::Record(record))) = editor.change(&c, date(2026, 11, 24)) else { panic!() };
        editor.saved(&c, Change::Record(record), None);
        focus_on(&mut editor, Target::Measure(0, MeasurePart::Ends));
        type_text(&mut editor, "01.11.2026");
        assert_eq!(editor.change(&c, date(2026, 11, 24)).unwrap_err(), c.t("record.period"));
    }

    #[test]
    fn rows_are_added_after_the_focus_and_removed() {
        let (c, mut editor) = editor(1);
        focus_on(&mut editor, Target::Participant(0, ParticipantPart::Role));
        let record = editor.add_row().unwrap();
        assert_eq!(record.participants.len(), 3);
        assert_eq!(record.participants[1].role, Role::Guardian);
        editor.saved(&c, Change::Record(record), None);
        assert_eq!(editor.focused().unwrap().target, Target::Participant(1, ParticipantPart::Name));
        assert_eq!(editor.row_name().as_deref(), Some("Deltaker 2"));
        let fewer = editor.without_focused_row().unwrap();
        assert_eq!(fewer.participants.len(), 2);
        focus_on(&mut editor, Target::Place);
        assert!(editor.add_row().is_none() && editor.without_focused_row().is_none());
    }

    #[test]
    fn meeting_3_evaluates_each_measure_by_each_party() {
        let c = Catalog::new(Lang::Nb);
        let measure = Measure {
            id: 7,
            content: "Lesekurs".into(),
            scope: String::new(),
            organisation: String::new(),
            starts_on: None,
            ends_on: None,
            responsible: String::new(),
        };
        let number = MeetingNo::new(3).unwrap();
        let mut editor = RecordEditor::open(&c, sample_case(), number, None, vec![measure], date(2026, 11, 24));
        focus_on(&mut editor, Target::Evaluation(7, Party::Pupil, EvaluationPart::WentWell));
        type_text(&mut editor, "Å lese sammen");
        let Ok(Some(Change::Record(record))) = editor.change(&c, date(2026, 11, 24)) else { panic!() };
        assert_eq!(record.evaluation(7, Party::Pupil).went_well, "Å lese sammen");
        let effect = editor.sections.iter().find(|s| s.title == "Effekt av tiltak").unwrap();
        assert_eq!(effect.fields.len(), 12);
        assert_eq!(effect.fields[0].heading.as_deref(), Some("Tiltak 1: Lesekurs"));
    }

    #[test]
    fn tab_runs_through_every_part_and_around() {
        let (_, mut editor) = editor(2);
        let total: usize = editor.sections.iter().map(|s| s.fields.len()).sum();
        for _ in 0..total {
            editor.move_focus(1);
        }
        assert_eq!((editor.section, editor.focus), (0, 0));
        editor.move_focus(-1);
        assert_eq!(editor.section, editor.sections.len() - 1);
    }
}
