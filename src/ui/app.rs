//! The application state and how keys change it. Drawing lives in `render`;
//! nothing here draws, and nothing in `render` changes state or queries.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::{Input, InputRequest};
use uuid::Uuid;

use super::detail::DetailView;
use super::discussions::AgendaView;
use super::form::{Form, Purpose, Slot};
use super::keymap::{self, Binding, Command};
use super::kit::{KitJob, Waker};
use super::pager::CasePager;
use super::record::{Change, RecordEditor};
use crate::config::Settings;
use crate::domain::{
    Action, Consent, DateError, DiscussionMeeting, Identity, MeetingRecord, RuleError, Stage, parse_date,
};
use crate::i18n::Catalog;
use crate::service::{self};
use crate::store::{
    CaseQuery, ConsentWarnings, KitConflict, Order, StageCounts, StatusFilter, Store, search_uses_index,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Start,
    List,
    Detail,
    /// The discussion meetings with PPT.
    Discussions,
    /// The agenda of one discussion meeting.
    Agenda,
    /// The visit-day kit and the conflicts imports left.
    Kit,
}

/// Something to be confirmed before it is done, worded for the user.
pub struct Confirm {
    pub text: String,
    pub on_yes: Pending,
    /// What `n` does where it differs from Esc (which always just goes back).
    pub on_no: Option<Pending>,
}

impl Confirm {
    /// Its keys: Enter alone confirms, but for a choice of two ways on.
    pub fn bindings(&self) -> &'static [Binding] {
        if self.on_no.is_some() { keymap::CHOICE } else { keymap::CONFIRM }
    }
}

pub enum Pending {
    Apply(Uuid, Action),
    DiscardForm,
    EraseExpired,
    /// Save the record editor's field, then close the editor.
    SaveFieldAndClose,
    CloseRecord,
    /// Store the record as it is without a row.
    RemoveRow(Box<MeetingRecord>),
    /// Store the discussion meeting as it is without a case.
    RemoveFromAgenda(Box<DiscussionMeeting>),
    /// Delete a kit file that has been read in.
    DeleteKitFile(std::path::PathBuf),
}

/// A search with words too short for the index waits this long for more typing.
pub const SEARCH_PAUSE: std::time::Duration = std::time::Duration::from_millis(150);

/// Rows of the screen that are not list rows: header, column titles, status, keys.
const CHROME_ROWS: u16 = 6;

pub struct App {
    pub store: Store,
    pub settings: Settings,
    pub catalog: Catalog,
    pub screen: Screen,
    pub start: CasePager,
    pub counts: StageCounts,
    pub warnings: ConsentWarnings,
    /// Discussion meetings soon whose form to PPT is not sent.
    pub unsent_forms: Vec<DiscussionMeeting>,
    /// The discussion meetings screen: meetings from a month back on, soonest first.
    pub discussions: Vec<DiscussionMeeting>,
    pub discussion_selected: usize,
    pub agenda: Option<AgendaView>,
    /// Fields both sides of a visit-day kit changed, waiting for a choice.
    pub kit_conflicts: Vec<KitConflict>,
    pub kit_selected: usize,
    /// The selected conflict's two values in full, scrolled this far.
    pub kit_full: Option<u16>,
    /// An export or import started from its form, deriving its key on a thread.
    pub kit_job: Option<KitJob>,
    /// Wakes the event loop when work on another thread is done.
    pub(super) waker: Option<Waker>,
    pub list: CasePager,
    /// The search field while `/` is active.
    pub search: Option<Input>,
    /// The typed search has words too short for the index: it is applied when
    /// typing pauses, so that keys never wait for a scan.
    pub search_pending: bool,
    pub detail: Option<DetailView>,
    pub form: Option<Form>,
    /// The meeting record editor, over the case it belongs to.
    pub record: Option<RecordEditor>,
    pub confirm: Option<Confirm>,
    pub help: bool,
    /// A one-line message: what just happened, or why it did not.
    pub message: Option<String>,
    pub quit: bool,
    /// Terminal size, for paging.
    pub size: (u16, u16),
}

impl App {
    pub fn new(store: Store, settings: &Settings, size: (u16, u16)) -> Result<App> {
        let mut app = App {
            store,
            settings: settings.clone(),
            catalog: Catalog::new(settings.lang),
            screen: Screen::Start,
            start: CasePager::new(CaseQuery {
                status: StatusFilter::Open,
                order: Order::Urgency,
                ..CaseQuery::default()
            }),
            counts: StageCounts::default(),
            warnings: ConsentWarnings::default(),
            unsent_forms: Vec::new(),
            discussions: Vec::new(),
            discussion_selected: 0,
            agenda: None,
            kit_conflicts: Vec::new(),
            kit_selected: 0,
            kit_full: None,
            kit_job: None,
            waker: None,
            list: CasePager::new(CaseQuery {
                status: StatusFilter::Open,
                order: Order::Newest,
                ..CaseQuery::default()
            }),
            search: None,
            search_pending: false,
            detail: None,
            form: None,
            record: None,
            confirm: None,
            help: false,
            message: None,
            quit: false,
            size,
        };
        app.reload()?;
        Ok(app)
    }

    /// Rows a list can show at the current size.
    pub fn page_height(&self) -> u64 {
        let chrome = if self.screen == Screen::Start { CHROME_ROWS + 2 } else { CHROME_ROWS };
        u64::from(self.size.1.saturating_sub(chrome).max(1))
    }

    /// The keys that work on what is in front of the user now.
    pub fn bindings(&self) -> &'static [Binding] {
        if let Some(confirm) = &self.confirm {
            confirm.bindings()
        } else if self.help {
            keymap::HELP
        } else if let Some(editor) = &self.record {
            match (editor.agenda.is_some(), editor.minutes().is_some()) {
                (true, _) => keymap::AGENDA,
                (false, true) => keymap::RECORD,
                (false, false) => keymap::NOTES,
            }
        } else if self.form.is_some() {
            keymap::FORM
        } else if self.search.is_some() {
            keymap::SEARCH
        } else {
            self.screen_bindings()
        }
    }

    pub fn screen_bindings(&self) -> &'static [Binding] {
        match self.screen {
            Screen::Start => keymap::START,
            Screen::List => keymap::LIST,
            Screen::Detail => keymap::DETAIL,
            Screen::Discussions => keymap::DISCUSSIONS,
            Screen::Agenda => keymap::AGENDA_SCREEN,
            Screen::Kit => keymap::KIT_SCREEN,
        }
    }

    /// Re-reads what the screens show after a change.
    pub(super) fn reload(&mut self) -> Result<()> {
        self.counts = self.store.stage_counts()?;
        self.kit_conflicts = self.store.kit_conflicts()?;
        self.kit_selected = self.kit_selected.min(self.kit_conflicts.len().saturating_sub(1));
        self.warnings = self.store.consent_warnings(self.settings.today, self.settings.consent_age)?;
        self.unsent_forms = self.store.unsent_discussion_forms(self.settings.today)?;
        if matches!(self.screen, Screen::Discussions | Screen::Agenda) {
            self.load_discussions()?;
        }
        if let Some(id) = self.agenda.as_ref().map(|a| a.meeting.id) {
            self.open_agenda(id)?;
        }
        let height = self.page_height();
        self.start.refresh(&self.store, height)?;
        self.list.refresh(&self.store, height)?;
        if let Some(id) = self.detail.as_ref().map(|v| v.case.id) {
            self.show_case(service::cases::reread(&self.store, id)?);
        }
        Ok(())
    }

    /// Handles one terminal event. Errors of the store are shown, not fatal.
    pub fn handle_event(&mut self, event: &Event) {
        let result = match event {
            Event::Key(key) if key.kind == KeyEventKind::Press => self.handle_key(*key),
            Event::Paste(text) => {
                if let Some(editor) = self.record.as_mut().filter(|e| e.agenda.is_none()) {
                    editor.paste(text);
                    Ok(())
                } else if let Some(form) = &mut self.form {
                    form.paste(text);
                    Ok(())
                } else if let Some(search) = &mut self.search {
                    text.chars().filter(|c| !c.is_control()).for_each(|c| {
                        search.handle(InputRequest::InsertChar(c));
                    });
                    self.search_typed()
                } else {
                    Ok(())
                }
            }
            Event::Resize(w, h) => {
                self.size = (*w, *h);
                self.reload()
            }
            _ => Ok(()),
        };
        self.show(result);
    }

    /// The automatic backup finished: say where it went, unless the line already
    /// tells what the user just did; or why it failed, always.
    pub fn backup_done(&mut self, result: Result<Option<std::path::PathBuf>>) {
        match result {
            Ok(Some(path)) if self.message.is_none() => {
                self.message = Some(self.catalog.f("backup.daily", &[("path", &path.display().to_string())]));
            }
            Ok(Some(_)) => {}
            Ok(None) => {}
            Err(error) => {
                let cause = self.catalog.explain(&error);
                self.message = Some(self.catalog.f("backup.failed", &[("cause", &cause)]));
            }
        }
    }

    pub(super) fn show(&mut self, result: Result<()>) {
        if let Err(error) = result {
            self.message = Some(self.catalog.explain(&error));
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Result<()> {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            // Ctrl-C quits from anywhere; everything else is already saved.
            let saved = self.commit_record_field();
            self.quit = true;
            return saved.map(drop);
        }
        if self.confirm.is_some() {
            return self.handle_confirm(key);
        }
        if self.help {
            if keymap::lookup(keymap::HELP, key).is_some() {
                self.help = false;
            }
            return Ok(());
        }
        if self.record.is_some() {
            return self.handle_record_key(key);
        }
        if self.form.is_some() {
            return self.handle_form_key(key);
        }
        if self.search.is_some() {
            return self.handle_search_key(key);
        }
        self.message = None;
        match keymap::lookup(self.screen_bindings(), key) {
            Some(command) => self.run(command),
            None => Ok(()),
        }
    }

    fn run(&mut self, command: Command) -> Result<()> {
        if matches!(self.screen, Screen::Discussions | Screen::Agenda) {
            return self.discussion_command(command);
        }
        if self.screen == Screen::Kit {
            return self.kit_command(command);
        }
        let height = self.page_height();
        let page = height as i64;
        let store = &self.store;
        let pager = match self.screen {
            Screen::Start => Some(&mut self.start),
            Screen::List => Some(&mut self.list),
            _ => None,
        };
        match (command, pager) {
            (Command::Up, Some(p)) => p.move_by(store, -1, height)?,
            (Command::Down, Some(p)) => p.move_by(store, 1, height)?,
            (Command::PageUp, Some(p)) => p.move_by(store, -page, height)?,
            (Command::PageDown, Some(p)) => p.move_by(store, page, height)?,
            (Command::First, Some(p)) => p.select(store, 0, height)?,
            (Command::Last, Some(p)) => p.select(store, u64::MAX, height)?,
            (Command::Open, Some(p)) => {
                if let Some(id) = p.selected_row().map(|r| r.id) {
                    let file = match self.store.case_by_id(id)? {
                        Some(case) => Some(service::open_case(&mut self.store, case)?),
                        None => None,
                    };
                    self.show_case(file);
                }
            }
            (Command::EraseExpired, _) if self.warnings.to_erase > 0 => {
                let n = self.warnings.to_erase;
                self.confirm = Some(Confirm {
                    text: self.catalog.count("consent.confirm_erase_ui", n, &[]),
                    on_yes: Pending::EraseExpired,
                    on_no: None,
                });
            }
            (Command::Up, None) => self.scroll_detail(-1),
            (Command::Down, None) => self.scroll_detail(1),
            (Command::Quit, _) => self.quit = true,
            (Command::Help, _) => self.help = true,
            (Command::ShowList, _) => self.screen = Screen::List,
            (Command::ShowKit, _) => self.open_kit_screen(),
            (Command::ShowDiscussions, _) => {
                self.screen = Screen::Discussions;
                self.load_discussions()?;
            }
            (Command::Back, _) => {
                self.screen = match (self.screen, self.detail.take()) {
                    (Screen::Detail, Some(view)) => view.back_to,
                    _ => Screen::Start,
                };
            }
            (Command::NewCase, _) => {
                let fields = Form::case_fields(None, Some(self.settings.today));
                self.form = Some(Form::new(Purpose::NewCase, self.catalog.t("form.new_case").into(), fields));
            }
            (Command::Search, _) => self.search = Some(Input::new(self.list.query.search.clone())),
            (Command::CycleStage, _) => {
                self.list.query.stage = next_stage(self.list.query.stage);
                self.list.selected = 0;
                self.list.refresh(&self.store, height)?;
            }
            (Command::CycleStatus, _) => {
                self.list.query.status = match self.list.query.status {
                    StatusFilter::Open => StatusFilter::All,
                    StatusFilter::All => StatusFilter::Closed,
                    StatusFilter::Closed => StatusFilter::Open,
                };
                self.list.selected = 0;
                self.list.refresh(&self.store, height)?;
            }
            (command, None) => self.detail_command(command)?,
            _ => {}
        }
        Ok(())
    }

    fn handle_search_key(&mut self, key: KeyEvent) -> Result<()> {
        let Some(search) = &mut self.search else { return Ok(()) };
        match keymap::lookup(keymap::SEARCH, key) {
            Some(Command::Submit) => {
                let text = search.value().to_string();
                self.search = None;
                self.apply_search(text)
            }
            Some(_) => {
                self.search = None;
                self.apply_search(String::new())
            }
            None => {
                let request = match key.code {
                    KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => InputRequest::InsertChar(c),
                    KeyCode::Backspace => InputRequest::DeletePrevChar,
                    KeyCode::Delete => InputRequest::DeleteNextChar,
                    KeyCode::Left => InputRequest::GoToPrevChar,
                    KeyCode::Right => InputRequest::GoToNextChar,
                    _ => return Ok(()),
                };
                search.handle(request);
                self.search_typed()
            }
        }
    }

    /// The list follows the search as it is typed: at once where the index
    /// answers, after a pause in typing where words are too short for it.
    fn search_typed(&mut self) -> Result<()> {
        let text = self.search.as_ref().map_or(String::new(), |s| s.value().to_string());
        if search_uses_index(&text) {
            self.apply_search(text)
        } else {
            self.search_pending = text != self.list.query.search;
            Ok(())
        }
    }

    /// How long the event loop may wait for a key before calling `on_idle`.
    pub fn idle_after(&self) -> Option<std::time::Duration> {
        self.search_pending.then_some(SEARCH_PAUSE)
    }

    /// Typing paused: run what was waiting for it.
    pub fn on_idle(&mut self) {
        if self.search_pending {
            let text = self.search.as_ref().map_or(String::new(), |s| s.value().to_string());
            let result = self.apply_search(text);
            self.show(result);
        }
    }

    fn apply_search(&mut self, text: String) -> Result<()> {
        self.search_pending = false;
        if text != self.list.query.search {
            self.list.query.search = text;
            self.list.selected = 0;
            self.list.top = 0;
            self.list.refresh(&self.store, self.page_height())?;
        }
        Ok(())
    }

    fn handle_form_key(&mut self, key: KeyEvent) -> Result<()> {
        let Some(form) = &mut self.form else { return Ok(()) };
        match keymap::lookup(keymap::FORM, key) {
            Some(Command::NextField) => form.next_field(),
            Some(Command::PrevField) => form.prev_field(),
            Some(Command::Cancel) if form.dirty => {
                self.confirm = Some(Confirm {
                    text: self.catalog.t("form.discard").into(),
                    on_yes: Pending::DiscardForm,
                    on_no: None,
                })
            }
            Some(Command::Cancel) => self.form = None,
            Some(_) => return self.submit_form(),
            None => form.edit(key),
        }
        Ok(())
    }

    fn handle_confirm(&mut self, key: KeyEvent) -> Result<()> {
        let Some(choice) = &self.confirm else { return Ok(()) };
        let Some(command) = keymap::lookup(choice.bindings(), key) else { return Ok(()) };
        let Some(confirm) = self.confirm.take() else { return Ok(()) };
        let pending = match (command, confirm.on_no) {
            (Command::Yes, _) => confirm.on_yes,
            (Command::No, Some(on_no)) => on_no,
            _ => return Ok(()),
        };
        match pending {
            Pending::SaveFieldAndClose => {
                if self.commit_record_field()? {
                    self.close_record()?;
                }
            }
            Pending::CloseRecord => self.close_record()?,
            Pending::RemoveRow(record) => {
                self.save_record_change(Change::Record(*record))?;
            }
            Pending::RemoveFromAgenda(meeting) => {
                self.store.save_discussion(&meeting)?;
                self.reload()?;
            }
            Pending::DiscardForm => self.form = None,
            Pending::DeleteKitFile(path) => {
                let shown = path.display().to_string();
                std::fs::remove_file(&path).with_context(|| format!("cannot delete {shown}"))?;
                self.message = Some(self.catalog.f("kit.deleted", &[("path", &shown)]));
            }
            Pending::Apply(id, action) => self.apply(id, &action)?,
            Pending::EraseExpired => {
                let n = self.store.erase_without_consent(self.settings.today)?;
                let erased = self.catalog.count("consent.erased", n as u64, &[]);
                self.message = Some(self.catalog.erasure_unfinished(&self.store)?.unwrap_or(erased));
                self.reload()?;
            }
        }
        Ok(())
    }

    /// Turns the form into an action; a refusal is shown at its field and the
    /// typed text stays.
    fn submit_form(&mut self) -> Result<()> {
        let Some(form) = &self.form else { return Ok(()) };
        let date = || -> Result<NaiveDate, DateError> { parse_date(form.text(Slot::Date)) };
        let purpose = form.purpose;
        let action = match purpose {
            Purpose::NewDiscussion => return self.plan_discussion(),
            Purpose::AddToAgenda(id) => return self.add_to_agenda(id),
            Purpose::ExportKit => return self.submit_export_kit(),
            Purpose::ImportKit => return self.submit_import_kit(),
            Purpose::NewCase => {
                let created = match date() {
                    Ok(d) => d,
                    Err(e) => return self.form_error(Slot::Date, self.catalog.date_error(&e)),
                };
                let details = form.details();
                return match self.store.create_case(details, created, self.settings.today) {
                    Ok(case) => {
                        self.form = None;
                        self.message = Some(self.catalog.f("form.created_msg", &[("reference", &case.reference)]));
                        self.reload()?;
                        let file = service::open_case(&mut self.store, case)?;
                        self.show_case(Some(file));
                        Ok(())
                    }
                    Err(error) => self.refused(error),
                };
            }
            Purpose::EditCase(id) => (id, Action::Edit(form.details())),
            Purpose::Close(id) => {
                let action = Action::Close { date: self.settings.today, reason: form.text(Slot::Reason).to_string() };
                // Check the rules before asking, so a missing reason is shown at its field.
                if let Some(view) = &self.detail
                    && let Err(rule) = view.case.apply(&action, self.settings.today)
                {
                    return self.form_error(Form::slot_of(&rule), self.catalog.rule_error(&rule));
                }
                let reason = form.text(Slot::Reason).trim().to_string();
                let reference = self.detail.as_ref().map_or(String::new(), |v| v.case.reference.clone());
                self.confirm = Some(Confirm {
                    text: self.catalog.f("form.confirm_close", &[("reference", &reference), ("reason", &reason)]),
                    on_yes: Pending::Apply(id, action),
                    on_no: None,
                });
                return Ok(());
            }
            Purpose::Reopen(id) => {
                (id, Action::Reopen { date: self.settings.today, reason: form.text(Slot::Reason).into() })
            }
            Purpose::Consent(id) => {
                let given_on = match date() {
                    Ok(d) => d,
                    Err(e) => return self.form_error(Slot::Date, self.catalog.date_error(&e)),
                };
                let expires_on = match form.text(Slot::Expires).trim() {
                    "" => None,
                    typed => match parse_date(typed) {
                        Ok(d) => Some(d),
                        Err(e) => return self.form_error(Slot::Expires, self.catalog.date_error(&e)),
                    },
                };
                let consent = Consent {
                    given_on,
                    given_by: form.giver(),
                    scope: form.text(Slot::Scope).to_string(),
                    expires_on,
                    withdrawn_on: None,
                };
                (id, Action::RecordConsent { consent, pupil: None, consent_age: self.settings.consent_age })
            }
            Purpose::Identity(id) => {
                let birth_date = match form.text(Slot::BirthDate).trim() {
                    "" => None,
                    typed => match parse_date(typed) {
                        Ok(d) => Some(d),
                        Err(e) => return self.form_error(Slot::BirthDate, self.catalog.date_error(&e)),
                    },
                };
                let identity = Identity { name: form.text(Slot::Name).to_string(), birth_date };
                (id, Action::SetIdentity { identity, consent_age: self.settings.consent_age })
            }
            Purpose::PlanMeeting(id, _)
            | Purpose::RecordMeeting(id, _)
            | Purpose::Decide(id)
            | Purpose::ReferralSent(id) => {
                let date = match date() {
                    Ok(d) => d,
                    Err(e) => return self.form_error(Slot::Date, self.catalog.date_error(&e)),
                };
                let action = match purpose {
                    Purpose::PlanMeeting(_, number) => Action::PlanMeeting { number, date },
                    Purpose::RecordMeeting(_, number) => Action::RecordMeeting { number, date },
                    Purpose::Decide(_) => Action::Decide { decision: form.decision(), date },
                    _ => Action::ReferralSent { date },
                };
                (id, action)
            }
        };
        self.apply(action.0, &action.1)
    }

    fn apply(&mut self, id: Uuid, action: &Action) -> Result<()> {
        match self.store.apply(id, action, self.settings.today) {
            Ok(_) => {
                self.form = None;
                let saved = self.catalog.t("form.saved").to_string();
                // An erasure that has not yet reached every copy says so instead.
                self.message = Some(self.catalog.erasure_unfinished(&self.store)?.unwrap_or(saved));
                self.reload()
            }
            Err(error) => self.refused(error),
        }
    }

    /// A refused change: at its field when a form is open, else in the message line.
    fn refused(&mut self, error: anyhow::Error) -> Result<()> {
        let slot = error.downcast_ref::<RuleError>().map(Form::slot_of).unwrap_or(Slot::Date);
        let text = self.catalog.explain(&error);
        if self.form.is_some() { self.form_error(slot, text) } else { Err(error) }
    }

    pub(super) fn form_error(&mut self, slot: Slot, message: String) -> Result<()> {
        if let Some(form) = &mut self.form {
            form.set_error(slot, message);
        }
        Ok(())
    }
}

fn next_stage(stage: Option<Stage>) -> Option<Stage> {
    match stage {
        None => Some(Stage::InternalSparring),
        Some(Stage::InternalSparring) => Some(Stage::Meeting1),
        Some(Stage::Meeting1) => Some(Stage::Meeting2),
        Some(Stage::Meeting2) => Some(Stage::Meeting3),
        Some(Stage::Meeting3) => Some(Stage::Referred),
        Some(Stage::Referred) => None,
    }
}
