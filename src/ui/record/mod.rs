//! The meeting record editor: the møte 1, 2 or 3 form, one part at a time. The
//! focused field is saved as the user leaves it, so closing the terminal mid-form
//! loses at most that field. State and keys only; `render` draws it.

use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Modifier, Style};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use super::form::turn_choice;
use super::text_edit::TextEdit;
use crate::domain::{
    AGENDA_ITEMS, Action, Case, Coded, Decision, DiscussionMeeting, Measure, MeetingNo, MeetingRecord, Participant,
    Party, Role, RuleError, Task, TaskKind, format_date, parse_date,
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
    Line(TextEdit),
    /// Several lines with word wrap: Enter breaks the line.
    Text(TextEdit),
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
    /// Shown under the field while its saved value is allowed but unwise (a next
    /// meeting planned after its deadline).
    pub warning: Option<String>,
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
    /// The parts logged as changed since the editor opened, each logged once.
    pub sitting: crate::store::Sitting,
    /// Who was at the previous meeting, offered for this one (F7).
    pub earlier_participants: Vec<Participant>,
}

const DECISIONS: [Option<Decision>; 4] = [None, Some(Decision::Close), Some(Decision::Continue), Some(Decision::Refer)];

fn area(text: &str, multi: bool) -> TextEdit {
    let mut area = TextArea::new(text.split('\n').map(str::to_string).collect());
    area.set_cursor_line_style(Style::default());
    if multi {
        area.set_wrap_mode(WrapMode::WordOrGlyph);
    }
    // The cursor shows only in the focused field; `focus_changed` turns it on.
    area.set_cursor_style(Style::default());
    TextEdit::new(area)
}

fn line(target: Target, label: String, value: &str) -> EditField {
    EditField { target, label, heading: None, input: FieldInput::Line(area(value, false)), warning: None }
}

fn text(target: Target, label: String, value: &str) -> EditField {
    EditField { target, label, heading: None, input: FieldInput::Text(area(value, true)), warning: None }
}

fn choice(target: Target, label: String, options: Vec<String>, index: usize) -> EditField {
    EditField { target, label, heading: None, input: FieldInput::Choice { options, index }, warning: None }
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
        earlier_participants: Vec<Participant>,
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
                tasks: if number.get() == 1 { TaskKind::ALL.iter().copied().map(task).collect() } else { Vec::new() },
                ..MeetingRecord::default()
            }
        });
        let mut editor = RecordEditor::with(c, case, Subject::Minutes { number, record, measures });
        editor.anonymous = anonymous;
        editor.earlier_participants = earlier_participants;
        editor.rebuild(c);
        editor
    }

    /// The record with the previous meeting's participants added after this one's,
    /// leaving out who is already listed; `None` when nobody is new. The family
    /// goes in by role only on a case no consent covers.
    pub fn with_earlier_participants(&self) -> Option<(MeetingRecord, usize)> {
        let (_, record) = self.minutes()?;
        let mut record = record.clone();
        let before = record.participants.len();
        for earlier in &self.earlier_participants {
            let mut participant = earlier.clone();
            if self.anonymous && participant.role.is_family() {
                participant.name.clear();
            }
            let same = |p: &Participant| {
                p.role == participant.role
                    && p.name.trim() == participant.name.trim()
                    && p.role_text == participant.role_text
            };
            if !record.participants.iter().any(same) {
                record.participants.push(participant);
            }
        }
        let added = record.participants.len() - before;
        (added > 0).then_some((record, added))
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
            sitting: crate::store::Sitting::default(),
            earlier_participants: Vec::new(),
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

    /// The label of the focused field, for a question about it.
    pub fn focused_label(&self) -> String {
        self.focused().map_or(String::new(), |f| f.label.clone())
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
                // A list with no rows yet stops Tab too: its note says F3 adds one,
                // so meeting 2's measures are not passed by unseen.
                let part = &self.sections[self.section];
                if !part.fields.is_empty() || part.rows.is_some() {
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
            FieldInput::Line(area) | FieldInput::Text(area) => area.key(key),
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
            FieldInput::Text(area) => area.insert(&pasted),
            FieldInput::Line(area) => area.insert(&pasted.replace(['\n', '\t'], " ")),
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
        let checked = record.validate(number, known).and(record.check_family_names(case.may_name_family(today)));
        let meeting_on = case.meeting(number).map(|m| m.date);
        if let Err(error) = checked.and(record.check_days(meeting_on, today)) {
            return Err(c.record_error(&error));
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

mod draw;
mod fields;
mod keys;

pub(super) use draw::render_record;
use fields::{discussion_change, discussion_sections, sections, write_field};
#[cfg(test)]
mod tests;
