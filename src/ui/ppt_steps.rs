//! PPT's track from the case view: `r` opens the steps, a letter opens the
//! step's form (filled from what the track holds), and the form becomes the
//! same action `saksgang ppt …` records, under the same rules. F5 and F6 write
//! the preliminary reply as a letter to the family.

use anyhow::Result;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::app::App;
use super::form::{Form, FormField, GIVERS, PptForm, Purpose, Slot, YES_NO, choice, text};
use super::keymap::{self, Command};
use super::render::centered;
use super::theme::Theme;
use super::view::View;
use crate::documents::Format;
use crate::domain::ppt::{
    Assessment, AssessmentConsent, Assignment, Complaint, ComplaintOutcome, DecisionOutcome, PptDecision, PptError,
    PptStep, PptTrack, PreliminaryReply, StartupMeeting, TrackState,
};
use crate::domain::{Action, Case, Coded, ConsentGiver, RuleError, format_date, parse_date};
use crate::service::export::{self, Target};
use crate::service::wording;

const HELD: [&str; 2] = ["form.startup_held", "form.startup_planned"];
const OUTCOMES: [&str; 3] = ["ppt_outcome.granted", "ppt_outcome.partly_granted", "ppt_outcome.refused"];
const RULINGS: [&str; 4] = [
    "form.complaint_pending",
    "complaint_outcome.upheld",
    "complaint_outcome.partly_upheld",
    "complaint_outcome.rejected",
];
const STATES: [&str; 4] = ["ppt_state.waiting", "ppt_state.active", "ppt_state.dormant", "ppt_state.closed"];

/// The step's title in the form, a catalogue key.
fn title_key(step: PptForm) -> &'static str {
    match step {
        PptForm::Received => "ppt_form.received",
        PptForm::Consent => "ppt_step.consent",
        PptForm::Assign => "ppt_step.assign",
        PptForm::Startup => "ppt_step.startup",
        PptForm::PreliminaryReply => "ppt_step.preliminary_reply",
        PptForm::Assessed => "ppt_step.assessed",
        PptForm::Decision => "ppt_step.decision",
        PptForm::Complaint => "ppt_step.complaint",
        PptForm::Revision => "ppt_step.revision",
        PptForm::State => "ppt_step.state",
    }
}

fn day(date: Option<NaiveDate>) -> String {
    date.map(format_date).unwrap_or_default()
}

fn date_field(date: Option<NaiveDate>) -> FormField {
    text(Slot::Date, "form.date", &day(date))
}

/// The step's fields, filled from what the track holds (a step recorded
/// before is corrected, not typed again), else with today. The receipt is
/// recorded once, so its form only ever starts from today.
pub(super) fn step_fields(step: PptForm, track: Option<&PptTrack>, today: NaiveDate) -> Vec<FormField> {
    let or_today = |date: Option<NaiveDate>| Some(date.unwrap_or(today));
    match step {
        PptForm::Received => vec![date_field(Some(today))],
        PptForm::Consent => {
            let consent = track.and_then(|t| t.consent);
            vec![
                choice(
                    Slot::Giver,
                    "form.giver",
                    &GIVERS,
                    usize::from(consent.is_some_and(|c| c.by == ConsentGiver::Pupil)),
                ),
                date_field(or_today(consent.map(|c| c.given_on))),
            ]
        }
        PptForm::Assign => {
            let assigned = track.and_then(|t| t.assigned.as_ref());
            vec![
                text(Slot::Adviser, "form.adviser", assigned.map_or("", |a| a.adviser.as_str())),
                date_field(or_today(assigned.map(|a| a.on))),
            ]
        }
        PptForm::Startup => {
            let meeting = track.and_then(|t| t.startup);
            vec![
                date_field(or_today(meeting.map(|m| m.date))),
                choice(Slot::Held, "form.startup", &HELD, usize::from(meeting.is_some_and(|m| !m.held))),
            ]
        }
        PptForm::PreliminaryReply => {
            let reply = track.and_then(|t| t.preliminary_reply.as_ref());
            vec![
                date_field(or_today(reply.map(|r| r.sent_on))),
                text(Slot::Reason, "form.reply_reason", reply.map_or("", |r| r.reason.as_str())),
                text(Slot::Until, "form.expected_by", &day(reply.map(|r| r.expected_by))),
            ]
        }
        PptForm::Assessed => {
            let done = track.and_then(|t| t.assessment.as_ref());
            let hours = done.and_then(|a| a.hours_per_year).map(|h| h.to_string()).unwrap_or_default();
            vec![
                date_field(or_today(done.map(|a| a.done_on))),
                text(Slot::Hours, "form.hours", &hours),
                choice(Slot::Assistant, "form.assistant", &YES_NO, usize::from(!done.is_some_and(|a| a.assistant))),
                text(Slot::Organisation, "form.organisation", done.map_or("", |a| a.organisation.as_str())),
            ]
        }
        PptForm::Decision => {
            let decision = track.and_then(|t| t.decision.as_ref());
            let outcome =
                decision.map_or(0, |d| DecisionOutcome::ALL.iter().position(|o| *o == d.outcome).unwrap_or(0));
            vec![
                date_field(or_today(decision.map(|d| d.on))),
                choice(Slot::Outcome, "form.outcome", &OUTCOMES, outcome),
                text(Slot::Reason, "form.departure", decision.and_then(|d| d.departure.as_deref()).unwrap_or("")),
                text(Slot::Until, "form.valid_until", &day(decision.and_then(|d| d.valid_until))),
            ]
        }
        PptForm::Complaint => {
            let complaint = track.and_then(|t| t.complaint);
            let ruled = complaint.and_then(|c| c.outcome);
            let ruling = ruled.map_or(0, |(o, _)| 1 + ComplaintOutcome::ALL.iter().position(|x| *x == o).unwrap_or(0));
            vec![
                date_field(or_today(complaint.map(|c| c.received_on))),
                choice(Slot::Outcome, "form.ruling", &RULINGS, ruling),
                text(Slot::Until, "form.ruled_on", &day(ruled.map(|(_, on)| on))),
            ]
        }
        PptForm::Revision => vec![date_field(or_today(track.and_then(|t| t.revised_on)))],
        PptForm::State => {
            let state = track.map_or(0, |t| TrackState::ALL.iter().position(|s| *s == t.state).unwrap_or(0));
            vec![choice(Slot::TrackState, "form.ppt_state", &STATES, state)]
        }
    }
}

/// A day typed in `slot`: empty is `None` where the day may be left out.
fn typed_day(form: &Form, slot: Slot) -> Result<Option<NaiveDate>, (Slot, crate::domain::DateError)> {
    match form.text(slot).trim() {
        "" if slot != Slot::Date => Ok(None),
        typed => parse_date(typed).map(Some).map_err(|e| (slot, e)),
    }
}

/// Why the form cannot become an action: at which field, in words.
pub(super) enum Unreadable {
    Date(Slot, crate::domain::DateError),
    Hours,
    Required(Slot),
}

/// The form's fields as the step the rules check.
pub(super) fn step_action(form: &Form, step: PptForm, consent_age: u32) -> Result<Action, Unreadable> {
    let date = || -> Result<NaiveDate, Unreadable> {
        typed_day(form, Slot::Date).map(Option::unwrap_or_default).map_err(|(s, e)| Unreadable::Date(s, e))
    };
    let optional = |slot| typed_day(form, slot).map_err(|(s, e)| Unreadable::Date(s, e));
    let line = |slot| form.text(slot).trim().to_string();
    let step = match step {
        PptForm::Received => return Ok(Action::PptReceived { date: date()? }),
        PptForm::Consent => PptStep::Consent(AssessmentConsent {
            given_on: date()?,
            by: [ConsentGiver::Guardians, ConsentGiver::Pupil][form.choice_index(Slot::Giver).min(1)],
        }),
        PptForm::Assign => PptStep::Assign(Assignment { adviser: line(Slot::Adviser), on: date()? }),
        PptForm::Startup => {
            PptStep::Startup(StartupMeeting { date: date()?, held: form.choice_index(Slot::Held) == 0 })
        }
        PptForm::PreliminaryReply => PptStep::PreliminaryReply(PreliminaryReply {
            sent_on: date()?,
            reason: line(Slot::Reason),
            expected_by: optional(Slot::Until)?.ok_or(Unreadable::Required(Slot::Until))?,
        }),
        PptForm::Assessed => {
            let hours = match line(Slot::Hours).as_str() {
                "" => None,
                typed => Some(typed.parse::<u32>().map_err(|_| Unreadable::Hours)?),
            };
            PptStep::Assessed(Assessment {
                done_on: date()?,
                hours_per_year: hours,
                assistant: form.choice_index(Slot::Assistant) == 0,
                organisation: line(Slot::Organisation),
            })
        }
        PptForm::Decision => PptStep::Decision(PptDecision {
            on: date()?,
            outcome: DecisionOutcome::ALL[form.choice_index(Slot::Outcome).min(2)],
            // The assessment is followed unless a reason for departing is written.
            departure: Some(line(Slot::Reason)).filter(|reason| !reason.is_empty()),
            valid_until: optional(Slot::Until)?,
        }),
        PptForm::Complaint => {
            let ruling = form.choice_index(Slot::Outcome).checked_sub(1).map(|i| ComplaintOutcome::ALL[i.min(2)]);
            let outcome = match (ruling, optional(Slot::Until)?) {
                (Some(outcome), Some(on)) => Some((outcome, on)),
                (Some(_), None) => return Err(Unreadable::Required(Slot::Until)),
                (None, _) => None,
            };
            PptStep::Complaint(Complaint { received_on: date()?, outcome })
        }
        PptForm::Revision => PptStep::Revised(date()?),
        PptForm::State => PptStep::State(TrackState::ALL[form.choice_index(Slot::TrackState).min(3)]),
    };
    Ok(Action::Ppt { step, consent_age })
}

/// The field a refused step is about: the one holding the day the rule names,
/// else the field the rule is about, else the day.
pub(super) fn slot_of(error: &PptError, form: &Form) -> Slot {
    let day = match error {
        PptError::InFuture { date }
        | PptError::BeforeStep { date, .. }
        | PptError::AfterLaterStep { date, .. }
        | PptError::NotAfter { date, .. }
        | PptError::PlannedInPast { date }
        | PptError::ReceivedBeforeSent { received: date, .. } => Some(*date),
        _ => None,
    };
    let holding = |date: NaiveDate| {
        [Slot::Until, Slot::Date].into_iter().find(|slot| parse_date(form.text(*slot)).ok() == Some(date))
    };
    if let Some(slot) = day.and_then(holding) {
        return slot;
    }
    match error {
        PptError::NoAdviser => Slot::Adviser,
        PptError::DepartureWithoutReason | PptError::NoReason => Slot::Reason,
        PptError::TooManyHours { .. } => Slot::Hours,
        PptError::PupilTooYoung { .. } | PptError::PupilBirthDateNeeded => Slot::Giver,
        PptError::Text(_) => [Slot::Adviser, Slot::Reason, Slot::Organisation]
            .into_iter()
            .find(|slot| form.index_of(*slot).is_some())
            .unwrap_or(Slot::Date),
        _ => Slot::Date,
    }
}

impl App {
    /// `r` in the case view: the steps of PPT's track, once the referral is sent.
    pub(super) fn open_ppt_steps(&mut self, case: &Case) {
        if case.referral_sent.is_none() {
            self.view.message = Some(self.view.catalog.rule_error(&RuleError::Ppt(PptError::NotReferred)));
            return;
        }
        self.view.ppt_steps = Some(case.id);
    }

    pub(super) fn handle_ppt_steps_key(&mut self, key: ratatui::crossterm::event::KeyEvent) -> Result<()> {
        let Some(id) = self.view.ppt_steps else { return Ok(()) };
        let Some(command) = keymap::lookup(keymap::PPT_STEPS, key) else { return Ok(()) };
        self.view.ppt_steps = None;
        let Some(case) = self.view.detail.as_ref().map(|v| &v.case).filter(|c| c.id == id) else { return Ok(()) };
        if let Command::ExportPdf | Command::ExportMarkdown = command {
            let format = if command == Command::ExportPdf { Format::Pdf } else { Format::Markdown };
            let target = Target { folder: &self.view.settings.export_dir, file: None };
            let (c, settings) = (&self.view.catalog, &self.view.settings);
            let exported = export::preliminary_reply(&mut self.store, c, settings, case, format, &target)?;
            self.view.message = Some(wording::exported(c, "letter.exported", &exported));
            return Ok(());
        }
        if let Command::PptStep(step) = command {
            // Say what stands in the way before a form is filled in vain: the
            // receipt starts the track once, and every other step needs it.
            let refusal = match (step, &case.ppt) {
                (PptForm::Received, Some(_)) => Some(PptError::AlreadyReceived),
                (PptForm::Received, None) | (_, Some(_)) => None,
                (_, None) => Some(PptError::NotReceived),
            };
            if let Some(error) = refusal {
                self.view.message = Some(self.view.catalog.rule_error(&RuleError::Ppt(error)));
                return Ok(());
            }
            let c = &self.view.catalog;
            let title = c.f("ppt_form.title", &[("step", c.t(title_key(step))), ("reference", &case.reference)]);
            let fields = step_fields(step, case.ppt.as_ref(), self.view.settings.today);
            self.view.form = Some(Form::new(Purpose::Ppt(id, step), title, fields));
        }
        Ok(())
    }

    /// The step's form as an action, refused at its field when it cannot be read.
    pub(super) fn submit_ppt_form(&mut self, id: uuid::Uuid, step: PptForm) -> Result<()> {
        let Some(form) = &self.view.form else { return Ok(()) };
        let c = &self.view.catalog;
        match step_action(form, step, self.view.settings.consent_age) {
            Ok(action) => self.apply(id, &action),
            Err(Unreadable::Date(slot, error)) => self.form_error(slot, c.date_error(&error)),
            Err(Unreadable::Hours) => self.form_error(Slot::Hours, c.t("ppt_form.bad_hours").into()),
            Err(Unreadable::Required(slot)) => self.form_error(slot, c.t("ppt_form.required").into()),
        }
    }
}

/// The steps over the case view, a key each, from the keymap that runs them
/// (Esc is in the footer under it).
pub(super) fn render_ppt_steps(view: &View, theme: &Theme, frame: &mut Frame, area: Rect) {
    let c = &view.catalog;
    let lines: Vec<Line> = keymap::PPT_STEPS
        .iter()
        .filter(|b| !b.footer)
        .filter_map(|b| b.hint)
        .map(|key| Line::raw(format!(" {}", c.t(key))))
        .collect();
    let popup = centered(area, 50, lines.len() as u16 + 2);
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(Span::styled(format!(" {} ", c.t("ppt_form.menu_title")), theme.title()));
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DateError;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn form(step: PptForm, track: Option<&PptTrack>) -> Form {
        Form::new(Purpose::Ppt(uuid::Uuid::nil(), step), "x".into(), step_fields(step, track, d(2026, 11, 23)))
    }

    fn set(form: &mut Form, slot: Slot, value: &str) {
        let index = form.index_of(slot).unwrap();
        form.fields[index] = text(slot, form.fields[index].label, value);
    }

    fn track() -> PptTrack {
        PptTrack::received(Some(d(2026, 9, 1)), d(2026, 9, 3), d(2026, 11, 23)).unwrap()
    }

    #[test]
    fn each_step_reads_back_as_the_action_the_command_line_records() {
        let mut assign = form(PptForm::Assign, None);
        set(&mut assign, Slot::Adviser, "  Åse Ødegård ");
        let Ok(Action::Ppt { step: PptStep::Assign(a), consent_age: 15 }) = step_action(&assign, PptForm::Assign, 15)
        else {
            panic!("an assignment")
        };
        assert_eq!((a.adviser.as_str(), a.on), ("Åse Ødegård", d(2026, 11, 23)), "trimmed, today by default");

        let mut reply = form(PptForm::PreliminaryReply, None);
        set(&mut reply, Slot::Reason, "Venter på observasjon");
        assert!(matches!(step_action(&reply, PptForm::PreliminaryReply, 15), Err(Unreadable::Required(Slot::Until))));
        set(&mut reply, Slot::Until, "15.01.2027");
        let Ok(Action::Ppt { step: PptStep::PreliminaryReply(r), .. }) =
            step_action(&reply, PptForm::PreliminaryReply, 15)
        else {
            panic!("a reply")
        };
        assert_eq!(r.expected_by, d(2027, 1, 15));

        let mut decision = form(PptForm::Decision, None);
        let Ok(Action::Ppt { step: PptStep::Decision(followed), .. }) = step_action(&decision, PptForm::Decision, 15)
        else {
            panic!("a decision")
        };
        assert_eq!(
            (followed.departure, followed.valid_until, followed.outcome),
            (None, None, DecisionOutcome::Granted)
        );
        set(&mut decision, Slot::Reason, "Færre timer enn tilrådd");
        let Ok(Action::Ppt { step: PptStep::Decision(departs), .. }) = step_action(&decision, PptForm::Decision, 15)
        else {
            panic!("a decision")
        };
        assert_eq!(departs.departure.as_deref(), Some("Færre timer enn tilrådd"));

        let mut assessed = form(PptForm::Assessed, None);
        set(&mut assessed, Slot::Hours, "mange");
        assert!(matches!(step_action(&assessed, PptForm::Assessed, 15), Err(Unreadable::Hours)));
        set(&mut assessed, Slot::Hours, "190");
        let Ok(Action::Ppt { step: PptStep::Assessed(a), .. }) = step_action(&assessed, PptForm::Assessed, 15) else {
            panic!("an assessment")
        };
        assert_eq!((a.hours_per_year, a.assistant), (Some(190), false), "no assistant unless chosen");

        let mut complaint = form(PptForm::Complaint, None);
        let Ok(Action::Ppt { step: PptStep::Complaint(pending), .. }) = step_action(&complaint, PptForm::Complaint, 15)
        else {
            panic!("a complaint")
        };
        assert_eq!(pending.outcome, None, "received, not yet ruled on");
        let ruling = complaint.index_of(Slot::Outcome).unwrap();
        complaint.focus = ruling;
        complaint.edit(ratatui::crossterm::event::KeyEvent::from(ratatui::crossterm::event::KeyCode::Right));
        assert!(matches!(step_action(&complaint, PptForm::Complaint, 15), Err(Unreadable::Required(Slot::Until))));
        set(&mut complaint, Slot::Until, "30.11.2026");
        let Ok(Action::Ppt { step: PptStep::Complaint(ruled), .. }) = step_action(&complaint, PptForm::Complaint, 15)
        else {
            panic!("a complaint")
        };
        assert_eq!(ruled.outcome, Some((ComplaintOutcome::Upheld, d(2026, 11, 30))));
    }

    #[test]
    fn a_bad_day_is_refused_at_its_field_and_an_empty_day_is_not_today() {
        let mut received = form(PptForm::Received, None);
        set(&mut received, Slot::Date, "31.02.2026");
        assert!(matches!(
            step_action(&received, PptForm::Received, 15),
            Err(Unreadable::Date(Slot::Date, DateError::NoSuchDay(_)))
        ));
        set(&mut received, Slot::Date, "");
        assert!(matches!(step_action(&received, PptForm::Received, 15), Err(Unreadable::Date(Slot::Date, _))));
    }

    #[test]
    fn a_step_recorded_before_fills_its_form_to_be_corrected() {
        let context = crate::domain::ppt::TrackContext { today: d(2026, 11, 23), pupil_born: None, consent_age: 15 };
        let assigned = track()
            .apply(&PptStep::Assign(Assignment { adviser: "Kari Ås".into(), on: d(2026, 10, 1) }), &context)
            .unwrap();
        let assign = form(PptForm::Assign, Some(&assigned));
        assert_eq!((assign.text(Slot::Adviser), assign.text(Slot::Date)), ("Kari Ås", "01.10.2026"));
        let state = form(PptForm::State, Some(&assigned));
        assert_eq!(state.choice_index(Slot::TrackState), 1, "active once assigned");
    }

    #[test]
    fn a_refusal_lands_on_the_field_holding_the_day_it_names() {
        let mut reply = form(PptForm::PreliminaryReply, None);
        set(&mut reply, Slot::Until, "01.11.2026");
        let not_after = PptError::NotAfter { date: d(2026, 11, 1), after: d(2026, 11, 23) };
        assert_eq!(slot_of(&not_after, &reply), Slot::Until);
        assert_eq!(slot_of(&PptError::InFuture { date: d(2026, 11, 23) }, &reply), Slot::Date);
        assert_eq!(slot_of(&PptError::NoReason, &reply), Slot::Reason);
        let assign = form(PptForm::Assign, None);
        assert_eq!(slot_of(&PptError::Text(crate::domain::TextError::ControlCharacter), &assign), Slot::Adviser);
    }
}
