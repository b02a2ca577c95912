//! Forms: a list of fields, one focused; text fields take every printable key.
//! A form knows how to turn its fields into a store call, and where an error
//! belongs; it is drawn as a popup over the screen.

use chrono::{NaiveDate, NaiveTime};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use uuid::Uuid;

use super::line_input::LineInput;
use super::render::centered;
use super::theme::Theme;
use super::view::View;
use crate::domain::{
    CaseDetails, CaseKind, ConsentGiver, Decision, Difficulty, Field, Gender, Identity, MAX_SLOT_MINUTES, MeetingNo,
    RuleError, format_date, format_time,
};

/// What submitting the form does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    NewCase,
    EditCase(Uuid),
    PlanMeeting(Uuid, MeetingNo),
    RecordMeeting(Uuid, MeetingNo),
    Decide(Uuid),
    ReferralSent(Uuid),
    Close(Uuid),
    Reopen(Uuid),
    Consent(Uuid),
    Identity(Uuid),
    /// Plan a discussion meeting with PPT.
    NewDiscussion,
    /// Put a case on the agenda of a discussion meeting.
    AddToAgenda(Uuid),
    /// Write a visit-day kit.
    ExportKit,
    /// Read a visit-day kit in.
    ImportKit,
    /// A step on PPT's track of a case.
    Ppt(Uuid, PptForm),
}

/// The steps of PPT's track the case view records, a form each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PptForm {
    Received,
    Consent,
    Assign,
    Startup,
    PreliminaryReply,
    Assessed,
    Decision,
    Complaint,
    Revision,
    State,
}

/// What a field holds and how it is edited.
#[derive(Debug, Clone)]
pub enum Value {
    Text(LineInput),
    /// One of fixed options, chosen with ←/→; labels are catalogue keys.
    Choice {
        options: Vec<&'static str>,
        index: usize,
    },
}

/// Which fact a field carries, so errors can be placed on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Kind,
    School,
    Grade,
    Gender,
    Teacher,
    Description,
    Date,
    Reason,
    Decision,
    Giver,
    Scope,
    Expires,
    Name,
    BirthDate,
    Start,
    PptContact,
    Leader,
    Reference,
    Difficulty,
    Minutes,
    Cases,
    ValidDays,
    File,
    Passphrase,
    Repeat,
    // PPT's track:
    Adviser,
    Held,
    /// A day after the step's own: expected by, valid until, ruled on.
    Until,
    Hours,
    Assistant,
    Organisation,
    Outcome,
    TrackState,
}

#[derive(Debug, Clone)]
pub struct FormField {
    pub slot: Slot,
    pub label: &'static str,
    pub value: Value,
    /// Shown as dots: a passphrase.
    pub secret: bool,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub purpose: Purpose,
    /// Already worded in the user's language.
    pub title: String,
    pub fields: Vec<FormField>,
    pub focus: usize,
    /// An error shown under a field, in the user's language.
    pub error: Option<(usize, String)>,
    pub dirty: bool,
}

const KINDS: [&str; 2] = ["kind.individual", "kind.system"];
const GENDERS: [&str; 4] = ["form.gender_none", "gender.jente", "gender.gutt", "gender.annet"];
const DECISIONS: [&str; 3] = ["decision.refer", "decision.continue", "decision.close"];
pub(super) const GIVERS: [&str; 2] = ["consent.guardians", "consent.pupil"];
pub(super) const YES_NO: [&str; 2] = ["discussion.yes", "discussion.no"];
const DIFFICULTIES: [&str; 3] = ["difficulty.academic", "difficulty.social_behaviour", "difficulty.other"];

pub(super) fn text(slot: Slot, label: &'static str, value: &str) -> FormField {
    FormField { slot, label, value: Value::Text(LineInput::new(value)), secret: false }
}

fn secret(slot: Slot, label: &'static str) -> FormField {
    FormField { secret: true, ..text(slot, label, "") }
}

pub(super) fn choice(slot: Slot, label: &'static str, options: &[&'static str], index: usize) -> FormField {
    FormField { slot, label, value: Value::Choice { options: options.to_vec(), index }, secret: false }
}

/// ←/→ (or Space) turns a choice of `n` options round; whether it changed.
pub fn turn_choice(index: &mut usize, n: usize, key: KeyEvent) -> bool {
    let before = *index;
    match key.code {
        KeyCode::Left => *index = (*index + n - 1) % n,
        KeyCode::Right | KeyCode::Char(' ') => *index = (*index + 1) % n,
        _ => {}
    }
    before != *index
}

impl Form {
    pub fn new(purpose: Purpose, title: String, fields: Vec<FormField>) -> Form {
        Form { purpose, title, fields, focus: 0, error: None, dirty: false }
    }

    /// The fields of a case, empty or from an existing case.
    pub fn case_fields(details: Option<&CaseDetails>, created: Option<NaiveDate>) -> Vec<FormField> {
        let kind = details.map_or(0, |d| usize::from(d.kind == CaseKind::System));
        let gender = match details.and_then(|d| d.gender) {
            None => 0,
            Some(Gender::Jente) => 1,
            Some(Gender::Gutt) => 2,
            Some(Gender::Annet) => 3,
        };
        let get = |f: fn(&CaseDetails) -> &str| details.map_or("", f);
        let mut fields = vec![
            choice(Slot::Kind, "form.kind", &KINDS, kind),
            text(Slot::School, "form.school", get(|d| &d.school)),
            text(Slot::Grade, "form.grade", get(|d| &d.grade)),
            choice(Slot::Gender, "form.gender", &GENDERS, gender),
            text(Slot::Teacher, "form.teacher", get(|d| &d.teacher)),
            text(Slot::Description, "form.description", get(|d| &d.description)),
        ];
        if let Some(created) = created {
            fields.push(text(Slot::Date, "form.created", &format_date(created)));
        }
        fields
    }

    pub fn date_field(date: Option<NaiveDate>) -> FormField {
        text(Slot::Date, "form.date", &date.map(format_date).unwrap_or_default())
    }

    pub fn reason_field() -> FormField {
        text(Slot::Reason, "form.reason", "")
    }

    /// Who consented, when, to what, and until when (empty: no expiry).
    pub fn consent_fields(today: NaiveDate) -> Vec<FormField> {
        vec![
            choice(Slot::Giver, "form.giver", &GIVERS, 0),
            text(Slot::Date, "form.date", &format_date(today)),
            text(Slot::Scope, "form.scope", ""),
            text(Slot::Expires, "form.expires", ""),
        ]
    }

    pub fn identity_fields(identity: Option<&Identity>) -> Vec<FormField> {
        vec![
            text(Slot::Name, "form.name", identity.map_or("", |i| i.name.as_str())),
            text(
                Slot::BirthDate,
                "form.birth_date",
                &identity.and_then(|i| i.birth_date).map(format_date).unwrap_or_default(),
            ),
        ]
    }

    /// A discussion meeting: day, first slot, school, PPT contact, leadership.
    pub fn discussion_fields(date: NaiveDate, school: &str) -> Vec<FormField> {
        vec![
            text(Slot::Date, "form.date", &format_date(date)),
            text(Slot::Start, "form.start", "08:30"),
            text(Slot::School, "form.school", school),
            text(Slot::PptContact, "form.ppt_contact", ""),
            choice(Slot::Leader, "form.leader", &YES_NO, 0),
        ]
    }

    /// A case for the agenda, in the next free slot unless another start is typed.
    pub fn agenda_fields(next_slot: NaiveTime) -> Vec<FormField> {
        vec![
            text(Slot::Reference, "form.reference", ""),
            choice(Slot::Difficulty, "form.difficulty", &DIFFICULTIES, 0),
            text(Slot::Start, "form.start", &format_time(next_slot)),
            text(Slot::Minutes, "form.minutes", &MAX_SLOT_MINUTES.to_string()),
        ]
    }

    /// A visit-day kit to write: whose cases (or which), how long it is valid, where
    /// it goes, and the passphrase twice.
    pub fn export_kit_fields(school: &str, valid_days: u32) -> Vec<FormField> {
        vec![
            text(Slot::School, "form.school", school),
            text(Slot::Cases, "form.kit_cases", ""),
            text(Slot::ValidDays, "form.valid_days", &valid_days.to_string()),
            text(Slot::File, "form.kit_file", ""),
            secret(Slot::Passphrase, "form.passphrase"),
            secret(Slot::Repeat, "form.repeat_passphrase"),
        ]
    }

    /// A visit-day kit to read in: the file and its passphrase.
    pub fn import_kit_fields(file: &str) -> Vec<FormField> {
        vec![text(Slot::File, "form.file", file), secret(Slot::Passphrase, "form.passphrase")]
    }

    pub fn leader_attends(&self) -> bool {
        self.choice_index(Slot::Leader) == 0
    }

    pub fn difficulty(&self) -> Difficulty {
        <Difficulty as crate::domain::Coded>::ALL[self.choice_index(Slot::Difficulty).min(2)]
    }

    pub fn giver(&self) -> ConsentGiver {
        [ConsentGiver::Guardians, ConsentGiver::Pupil][self.choice_index(Slot::Giver).min(1)]
    }

    pub fn decision_field() -> FormField {
        choice(Slot::Decision, "form.decision", &DECISIONS, 0)
    }

    fn field(&self, slot: Slot) -> Option<&FormField> {
        self.fields.iter().find(|f| f.slot == slot)
    }

    pub fn index_of(&self, slot: Slot) -> Option<usize> {
        self.fields.iter().position(|f| f.slot == slot)
    }

    pub fn text(&self, slot: Slot) -> &str {
        match self.field(slot).map(|f| &f.value) {
            Some(Value::Text(input)) => input.value(),
            _ => "",
        }
    }

    pub(super) fn choice_index(&self, slot: Slot) -> usize {
        match self.field(slot).map(|f| &f.value) {
            Some(Value::Choice { index, .. }) => *index,
            _ => 0,
        }
    }

    pub fn details(&self) -> CaseDetails {
        CaseDetails {
            kind: if self.choice_index(Slot::Kind) == 1 { CaseKind::System } else { CaseKind::Individual },
            school: self.text(Slot::School).to_string(),
            grade: self.text(Slot::Grade).to_string(),
            gender: [None, Some(Gender::Jente), Some(Gender::Gutt), Some(Gender::Annet)]
                [self.choice_index(Slot::Gender).min(3)],
            teacher: self.text(Slot::Teacher).to_string(),
            description: self.text(Slot::Description).to_string(),
        }
    }

    pub fn decision(&self) -> Decision {
        [Decision::Refer, Decision::Continue, Decision::Close][self.choice_index(Slot::Decision).min(2)]
    }

    /// The field a refused rule is about: a birth date's error at the birth date,
    /// an expiry's at the expiry, a day's at the day.
    pub fn slot_of(error: &RuleError) -> Slot {
        match error {
            RuleError::Required(Field::School) => Slot::School,
            RuleError::Required(Field::Grade) => Slot::Grade,
            RuleError::Required(Field::Reason) => Slot::Reason,
            RuleError::GenderOnlyForIndividual => Slot::Gender,
            RuleError::Required(Field::Name) => Slot::Name,
            RuleError::ExpiresBeforeGiven => Slot::Expires,
            RuleError::BornInFuture { .. } => Slot::BirthDate,
            RuleError::PupilBirthDateNeeded | RuleError::PupilTooYoung { .. } => Slot::Giver,
            _ => Slot::Date,
        }
    }

    /// Shows `message` under the field of `slot`, or under the focused field where
    /// the form has no such field. The cursor stays where the user is.
    pub fn set_error(&mut self, slot: Slot, message: String) {
        let index = self.index_of(slot).unwrap_or(self.focus);
        self.error = Some((index, message));
    }

    pub fn next_field(&mut self) {
        self.focus = (self.focus + 1) % self.fields.len();
    }

    pub fn prev_field(&mut self) {
        self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
    }

    /// Edits the focused field with a key that is not a form command.
    pub fn edit(&mut self, key: KeyEvent) {
        let changed = match &mut self.fields[self.focus].value {
            Value::Choice { options, index } => turn_choice(index, options.len(), key),
            Value::Text(input) => input.edit(key),
        };
        self.mark_changed(changed);
    }

    /// Pasted text goes into the focused text field; line breaks become spaces
    /// because every field here is one line, and a paste never submits.
    pub fn paste(&mut self, pasted: &str) {
        if let Value::Text(input) = &mut self.fields[self.focus].value {
            let changed = input.paste(pasted);
            self.mark_changed(changed);
        }
    }

    fn mark_changed(&mut self, changed: bool) {
        if changed {
            self.dirty = true;
            self.error = None;
        }
    }
}

pub(super) fn render_form(view: &View, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(form) = &view.form else { return };
    let c = &view.catalog;
    let label_w = form.fields.iter().map(|f| c.t(f.label).chars().count()).max().unwrap_or(0) + 2;
    const WIDTH: u16 = 76;
    // A long message wraps inside the box, which grows to hold it.
    let error_lines = form.error.as_ref().map_or(0, |(_, message)| {
        let chars = message.chars().count() + 4;
        chars.div_ceil(usize::from(WIDTH.min(area.width).saturating_sub(2)).max(1)) as u16
    });
    let popup = centered(area, WIDTH, form.fields.len() as u16 * 2 + error_lines + 2);
    frame.render_widget(Clear, popup);
    let block = Block::new().borders(Borders::ALL).title(Span::styled(format!(" {} ", form.title), theme.title()));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let value_w = (inner.width as usize).saturating_sub(label_w + 2);
    let mut lines = Vec::new();
    let mut cursor = None;
    for (index, field) in form.fields.iter().enumerate() {
        let focused = index == form.focus;
        let label_style = if focused { theme.focus() } else { theme.dim() };
        let pointer = if focused { "▶" } else { " " };
        let value = match &field.value {
            Value::Text(input) => {
                let (scroll, cursor_x) = input.window(value_w);
                if focused {
                    let x = inner.x + (1 + label_w + cursor_x) as u16;
                    cursor = Some((x, inner.y + lines.len() as u16));
                }
                let shown = input.value().chars().skip(scroll).take(value_w);
                if field.secret { shown.map(|_| '•').collect() } else { shown.collect::<String>() }
            }
            Value::Choice { options, index } => {
                let hint = if focused { format!("   ({})", c.t("form.choice_hint")) } else { String::new() };
                format!("◀ {} ▶{hint}", c.t(options[*index]))
            }
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{pointer}{:<label_w$}", c.t(field.label)), label_style),
            Span::styled(value, if focused { Style::new().add_modifier(Modifier::UNDERLINED) } else { Style::new() }),
        ]));
        if let Some((_, message)) = form.error.as_ref().filter(|(at, _)| *at == index) {
            lines.push(Line::styled(format!("  ⚠ {message}"), theme.error()));
        }
        lines.push(Line::raw(""));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if let Some(position) = cursor.filter(|_| view.confirm.is_none()) {
        frame.set_cursor_position(position);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, ratatui::crossterm::event::KeyModifiers::NONE)
    }

    #[test]
    fn typing_fills_the_focused_field_with_norwegian_letters() {
        let mut form = Form::new(Purpose::NewCase, "Ny sak".into(), Form::case_fields(None, None));
        form.next_field();
        for c in "Bjørkå".chars() {
            form.edit(key(KeyCode::Char(c)));
        }
        form.edit(key(KeyCode::Backspace));
        assert_eq!(form.text(Slot::School), "Bjørk");
        assert!(form.dirty);
    }

    #[test]
    fn choices_turn_with_the_arrows() {
        let mut form = Form::new(Purpose::NewCase, "Ny sak".into(), Form::case_fields(None, None));
        assert_eq!(form.details().kind, CaseKind::Individual);
        form.edit(key(KeyCode::Right));
        assert_eq!(form.details().kind, CaseKind::System);
        form.edit(key(KeyCode::Left));
        assert_eq!(form.details().kind, CaseKind::Individual);
        form.focus = form.index_of(Slot::Gender).unwrap();
        form.edit(key(KeyCode::Left));
        assert_eq!(form.details().gender, Some(Gender::Annet));
    }

    #[test]
    fn a_passphrase_field_takes_text_like_any_other_and_is_marked_secret() {
        let mut form = Form::new(Purpose::ImportKit, "x".into(), Form::import_kit_fields("/tmp/"));
        form.next_field();
        for c in "æøå frase".chars() {
            form.edit(key(KeyCode::Char(c)));
        }
        assert_eq!(form.text(Slot::Passphrase), "æøå frase");
        assert!(form.fields[1].secret && !form.fields[0].secret);
    }

    #[test]
    fn a_paste_of_several_lines_stays_in_the_field() {
        let mut form = Form::new(Purpose::Close(Uuid::nil()), "x".into(), vec![Form::reason_field()]);
        form.paste("Familien flytter\r\ntil Tromsø");
        assert_eq!(form.text(Slot::Reason), "Familien flytter til Tromsø");
    }

    #[test]
    fn an_edit_clears_the_error_and_errors_land_on_their_field() {
        let mut form = Form::new(Purpose::NewCase, "Ny sak".into(), Form::case_fields(None, None));
        form.set_error(Form::slot_of(&RuleError::Required(Field::Grade)), "mangler".into());
        let grade = form.index_of(Slot::Grade).unwrap();
        assert_eq!((form.error.as_ref().unwrap().0, form.focus), (grade, 0), "at its field; the cursor stays");
        form.focus = grade;
        form.edit(key(KeyCode::Char('5')));
        assert!(form.error.is_none());
        // The identity form has no day field: a birth date's error is at the birth date.
        let mut identity = Form::new(Purpose::Identity(Uuid::nil()), "x".into(), Form::identity_fields(None));
        let born = RuleError::BornInFuture { date: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap() };
        identity.set_error(Form::slot_of(&born), "etter i dag".into());
        assert_eq!(identity.error.as_ref().unwrap().0, identity.index_of(Slot::BirthDate).unwrap());
        assert_eq!(identity.focus, 0);
    }

    #[test]
    fn edit_form_starts_from_the_case() {
        let details = CaseDetails {
            kind: CaseKind::Individual,
            school: "Å skole".into(),
            grade: "7B".into(),
            gender: Some(Gender::Gutt),
            teacher: "Øyvind".into(),
            description: "Lesing".into(),
        };
        let form = Form::new(Purpose::EditCase(Uuid::nil()), "x".into(), Form::case_fields(Some(&details), None));
        assert_eq!(form.details(), details);
    }

    #[test]
    fn the_new_case_form_shows_an_error_at_its_field_over_the_start_screen() {
        let mut view = crate::ui::testing::view();
        let fields = Form::case_fields(None, Some(view.settings.today));
        let mut form = Form::new(Purpose::NewCase, "Ny sak".into(), fields);
        form.set_error(Slot::Date, "Datoen kan ikke være etter i dag".into());
        view.form = Some(form);
        insta::assert_snapshot!(crate::ui::testing::drawn(&view));
    }
}
