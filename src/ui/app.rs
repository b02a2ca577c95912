//! The application state and how keys change it. Drawing lives in `render`;
//! nothing here draws, and nothing in `render` changes state or queries.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use uuid::Uuid;

use super::confirm::{Confirm, Pending};
use super::form::{Form, Purpose, Slot};
use super::keymap::{self, Command};
use super::kit::{KitJob, Waker};
use super::record::Change;
use super::searcher::Searcher;
use super::view::{Screen, View};
use crate::config::Settings;
use crate::domain::{Action, Consent, DateError, Identity, RuleError, parse_date};
use crate::service::{self, explain, wording};
use crate::store::Store;

/// Routes keys and the reports of other threads to the screen or popup in
/// front, and runs what they ask of the store; what is drawn lives in `view`.
pub struct App {
    pub store: Store,
    pub view: View,
    /// An export or import started from its form, deriving its key on a thread.
    pub kit_job: Option<KitJob>,
    /// Wakes the event loop when work on another thread is done.
    pub(super) waker: Option<Waker>,
    /// The case list's queries, on a thread of their own once `start_searcher`
    /// has run; without it (in tests) they run here.
    pub(super) searcher: Option<Searcher>,
    /// Where the list's selection was moved while the searcher was busy: the
    /// answer it gives was asked before, so the move is made again on it.
    list_moved_to: Option<u64>,
    /// The row the searcher was asked to move the list's selection to: the
    /// next key moves on from there, so quick PgDn PgDn goes two pages.
    list_asked_to: Option<u64>,
    pub quit: bool,
}

impl App {
    pub fn new(store: Store, settings: &Settings, size: (u16, u16)) -> Result<App> {
        let view = View::new(settings, size);
        let mut app = App {
            store,
            view,
            kit_job: None,
            waker: None,
            searcher: None,
            list_moved_to: None,
            list_asked_to: None,
            quit: false,
        };
        app.reload()?;
        Ok(app)
    }

    /// Re-reads what the screens show after a change.
    pub(super) fn reload(&mut self) -> Result<()> {
        self.view.counts = self.store.stage_counts()?;
        self.view.kit_conflicts = self.store.kit_conflicts()?;
        self.view.kit_selected = self.view.kit_selected.min(self.view.kit_conflicts.len().saturating_sub(1));
        self.view.warnings = self.store.consent_warnings(self.view.settings.today, self.view.settings.consent_age)?;
        self.view.unsent_forms = self.store.unsent_discussion_forms(self.view.settings.today)?;
        if matches!(self.view.screen(), Screen::Discussions | Screen::Agenda) {
            self.load_discussions()?;
        }
        if let Some(id) = self.view.agenda.as_ref().map(|a| a.meeting.id) {
            self.open_agenda(id)?;
        }
        self.view.ppt_counts = self.store.ppt_counts(self.view.settings.today)?;
        let height = self.view.page_height();
        self.view.start.refresh(&self.store, height)?;
        self.view.ppt.refresh(&self.store, height)?;
        self.refresh_list()?;
        if let Some(id) = self.view.detail.as_ref().map(|v| v.case.id) {
            self.show_case(service::cases::reread(&self.store, id)?);
        }
        Ok(())
    }

    /// Handles one terminal event. Errors of the store are shown, not fatal.
    pub fn handle_event(&mut self, event: &Event) {
        let result = match event {
            Event::Key(key) if key.kind == KeyEventKind::Press => self.handle_key(*key),
            Event::Paste(text) => {
                if let Some(editor) = self.view.record.as_mut().filter(|e| e.agenda.is_none()) {
                    editor.paste(text);
                    Ok(())
                } else if let Some(form) = &mut self.view.form {
                    form.paste(text);
                    Ok(())
                } else if self.view.merge.is_some() {
                    self.paste_into_merge(text);
                    Ok(())
                } else if let Some(search) = &mut self.view.search {
                    if search.paste(text) { self.search_typed() } else { Ok(()) }
                } else {
                    Ok(())
                }
            }
            Event::Resize(w, h) => {
                self.view.size = (*w, *h);
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
            Ok(Some(path)) if self.view.message.is_none() => {
                self.view.message = Some(self.view.catalog.f("backup.daily", &[("path", &path.display().to_string())]));
            }
            Ok(Some(_)) => {}
            Ok(None) => {}
            Err(error) => {
                let cause = explain(&self.view.catalog, &error);
                self.view.message = Some(self.view.catalog.f("backup.failed", &[("cause", &cause)]));
            }
        }
    }

    /// Moves the selection of the list shown: where the rows are at hand at once,
    /// else the case list asks its searcher and the start screen its store.
    fn move_selection(&mut self, target: u64, height: u64) -> Result<()> {
        match self.view.screen() {
            Screen::List => self.move_in_list(target, height),
            Screen::Ppt => self.view.ppt.select(&self.store, target, height),
            _ => self.view.start.select(&self.store, target, height),
        }
    }

    fn move_in_list(&mut self, target: u64, height: u64) -> Result<()> {
        match &mut self.searcher {
            Some(searcher) => {
                if self.view.list.move_at_hand(target, height) {
                    self.list_moved_to = searcher.busy().then_some(self.view.list.selected);
                } else {
                    searcher.ask(&self.view.list, Some(target), height);
                    self.list_moved_to = None;
                    self.list_asked_to = Some(target);
                    self.view.searching = true;
                }
                Ok(())
            }
            None => self.view.list.select(&self.store, target, height),
        }
    }

    /// Counts and reads the case list again: on the searcher's thread when it
    /// runs, the last result staying on screen until the new one is in.
    pub(super) fn refresh_list(&mut self) -> Result<()> {
        let height = self.view.page_height();
        match &mut self.searcher {
            Some(searcher) => {
                searcher.ask(&self.view.list, None, height);
                self.list_asked_to = None;
                self.view.searching = true;
                Ok(())
            }
            None => self.view.list.refresh(&self.store, height),
        }
    }

    /// The list's searcher, started once the event loop can be woken.
    pub fn start_searcher(&mut self, wake: Waker) {
        let searcher = Searcher::start(self.store.path().to_path_buf(), self.store.passphrase(), wake);
        self.searcher = Some(searcher);
    }

    /// The searcher has an answer: the newest is shown, an older one never.
    pub fn search_reported(&mut self) {
        let Some(searcher) = &mut self.searcher else { return };
        let answer = searcher.take();
        self.view.searching = searcher.busy();
        match answer {
            Some(Ok(pager)) => {
                self.view.list = pager;
                self.list_asked_to = None;
                // Moves made while it was asked are made again on the answer.
                if let Some(selected) = self.list_moved_to.take() {
                    let result = self.move_in_list(selected, self.view.page_height());
                    self.show(result);
                }
            }
            Some(Err(error)) => self.show(Err(error)),
            None => {}
        }
    }

    pub(super) fn show(&mut self, result: Result<()>) {
        if let Err(error) = result {
            self.view.message = Some(explain(&self.view.catalog, &error));
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Result<()> {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            self.interrupt();
            return Ok(());
        }
        if self.view.too_small() {
            // Nothing on the screen shows what a key would do: only quitting works,
            // and only where nothing typed would be lost (Ctrl-C above saves first).
            let nothing_open = self.view.form.is_none() && self.view.record.is_none() && self.view.confirm.is_none();
            self.quit = nothing_open && key.code == KeyCode::Char('q');
            return Ok(());
        }
        if self.view.confirm.is_some() {
            return self.handle_confirm(key);
        }
        if self.view.help {
            if keymap::lookup(keymap::HELP, key).is_some() {
                self.view.help = false;
            }
            return Ok(());
        }
        if self.view.record.is_some() {
            return self.handle_record_key(key);
        }
        if self.view.form.is_some() {
            return self.handle_form_key(key);
        }
        if self.view.ppt_steps.is_some() {
            return self.handle_ppt_steps_key(key);
        }
        if self.view.kit_files.is_some() {
            return self.handle_kit_files_key(key);
        }
        if self.view.merge.is_some() {
            return self.handle_merge_key(key);
        }
        if self.view.search.is_some() {
            return self.handle_search_key(key);
        }
        self.view.message = None;
        match keymap::lookup(self.view.screen_bindings(), key) {
            Some(command) => self.run(command),
            None => Ok(()),
        }
    }

    fn run(&mut self, command: Command) -> Result<()> {
        if matches!(self.view.screen(), Screen::Discussions | Screen::Agenda) {
            return self.discussion_command(command);
        }
        if self.view.screen() == Screen::Kit {
            return self.kit_command(command);
        }
        let height = self.view.page_height();
        let page = height as i64;
        let pager = match self.view.screen() {
            Screen::Start => Some(&self.view.start),
            Screen::Ppt => Some(&self.view.ppt),
            Screen::List => Some(&self.view.list),
            _ => None,
        };
        let target = pager.and_then(|p| {
            // A move still being read is where the next one starts.
            let asked = self.list_asked_to.filter(|_| self.view.screen() == Screen::List);
            let from = asked.map_or(p.selected, |row| row.min(p.total.saturating_sub(1)));
            move_target(command, from, page)
        });
        if let Some(target) = target {
            return self.move_selection(target, height);
        }
        match (command, pager) {
            (Command::Open, Some(p)) => {
                if let Some(id) = p.selected_row().map(|r| r.id) {
                    let file = match self.store.case_by_id(id)? {
                        Some(case) => Some(service::open_case(&mut self.store, case)?),
                        None => None,
                    };
                    self.show_case(file);
                }
            }
            (Command::EraseExpired, _) if self.view.warnings.to_erase > 0 => {
                let n = self.view.warnings.to_erase;
                self.view.confirm = Some(Confirm {
                    text: self.view.catalog.count("consent.confirm_erase_ui", n, &[]),
                    on_yes: Pending::EraseExpired,
                    on_no: None,
                });
            }
            (Command::Up, None) => self.scroll_detail(-1),
            (Command::Down, None) => self.scroll_detail(1),
            (Command::Quit, _) => self.quit = true,
            (Command::Help, _) => self.view.help = true,
            (Command::ShowList, _) => self.view.open(Screen::List),
            (Command::ShowSchoolStart, _) => self.view.switch_to(Screen::Start),
            (Command::ShowPptStart, _) => self.view.switch_to(Screen::Ppt),
            (Command::ToggleWaitingList, _) => {
                let waiting = !super::ppt_start::shows_waiting_list(&self.view);
                self.view.ppt = super::pager::CasePager::new(super::ppt_start::query(waiting));
                self.view.ppt.refresh(&self.store, height)?;
            }
            (Command::ShowKit, _) => self.open_kit_screen(),
            (Command::ShowDiscussions, _) => {
                self.view.open(Screen::Discussions);
                self.load_discussions()?;
            }
            (Command::Back, _) => {
                if self.view.screen() == Screen::Detail {
                    self.view.detail = None;
                }
                self.view.back();
            }
            (Command::NewCase, _) => {
                let fields = Form::case_fields(None, Some(self.view.settings.today));
                self.view.form = Some(Form::new(Purpose::NewCase, self.view.catalog.t("form.new_case").into(), fields));
            }
            (Command::Search | Command::CycleStage | Command::CycleStatus, _) => self.list_command(command)?,
            (command, None) => self.detail_command(command)?,
            _ => {}
        }
        Ok(())
    }

    /// Ctrl-C from anywhere: quits, unless something typed is not yet saved; then
    /// it asks, as Esc does (save / discard / stay).
    fn interrupt(&mut self) {
        let c = &self.view.catalog;
        let text = match (&self.view.record, &self.view.form) {
            (Some(editor), _) if editor.dirty => c.f("record.unsaved_quit", &[("field", &editor.focused_label())]),
            (None, Some(form)) if form.dirty => c.t("form.unsaved_quit").to_string(),
            (None, None) if self.view.merge.as_ref().is_some_and(|m| m.changed()) => {
                c.t("kit.unsaved_quit").to_string()
            }
            _ => {
                self.quit = true;
                return;
            }
        };
        self.view.help = false;
        self.view.confirm = Some(Confirm { text, on_yes: Pending::SaveAndQuit, on_no: Some(Pending::Quit) });
    }

    fn handle_form_key(&mut self, key: KeyEvent) -> Result<()> {
        let Some(form) = &mut self.view.form else { return Ok(()) };
        match keymap::lookup(keymap::FORM, key) {
            Some(Command::NextField) => form.next_field(),
            Some(Command::PrevField) => form.prev_field(),
            Some(Command::Cancel) if form.dirty => {
                self.view.confirm = Some(Confirm {
                    text: self.view.catalog.t("form.discard").into(),
                    on_yes: Pending::DiscardForm,
                    on_no: None,
                })
            }
            Some(Command::Cancel) => self.view.form = None,
            Some(_) => return self.submit_form(),
            None => form.edit(key),
        }
        Ok(())
    }

    fn handle_confirm(&mut self, key: KeyEvent) -> Result<()> {
        let Some(choice) = &self.view.confirm else { return Ok(()) };
        let Some(command) = keymap::lookup(choice.bindings(), key) else { return Ok(()) };
        let Some(confirm) = self.view.confirm.take() else { return Ok(()) };
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
            // Quits only once what was typed is kept: a refused field or form stays open.
            Pending::SaveAndQuit if self.view.record.is_some() => self.quit = self.commit_record_field()?,
            Pending::SaveAndQuit if self.view.merge.is_some() => {
                self.save_merge()?;
                self.quit = self.view.merge.is_none();
            }
            Pending::SaveAndQuit => {
                self.submit_form()?;
                self.quit = self.view.form.is_none();
            }
            Pending::DiscardMerge => self.view.merge = None,
            Pending::Quit => self.quit = true,
            Pending::RemoveRow(record) => {
                self.save_record_change(Change::Record(*record))?;
            }
            Pending::RemoveFromAgenda(meeting) => {
                self.store.save_discussion(&meeting)?;
                self.reload()?;
            }
            Pending::DiscardForm => self.view.form = None,
            Pending::DeleteKitFile(path) => {
                let shown = path.display().to_string();
                std::fs::remove_file(&path).with_context(|| format!("cannot delete {shown}"))?;
                self.view.message = Some(self.view.catalog.f("kit.deleted", &[("path", &shown)]));
            }
            Pending::Apply(id, action) => self.apply(id, &action)?,
            Pending::EraseExpired => {
                let n = self.store.erase_without_consent(self.view.settings.today)?;
                let erased = self.view.catalog.count("consent.erased", n as u64, &[]);
                self.view.message =
                    Some(wording::erasure_unfinished(&self.view.catalog, &self.store)?.unwrap_or(erased));
                self.reload()?;
            }
        }
        Ok(())
    }

    /// Turns the form into an action; a refusal is shown at its field and the
    /// typed text stays.
    fn submit_form(&mut self) -> Result<()> {
        let Some(form) = &self.view.form else { return Ok(()) };
        let date = || -> Result<NaiveDate, DateError> { parse_date(form.text(Slot::Date)) };
        let purpose = form.purpose;
        let action = match purpose {
            Purpose::NewDiscussion => return self.plan_discussion(),
            Purpose::AddToAgenda(id) => return self.add_to_agenda(id),
            Purpose::ExportKit => return self.submit_export_kit(),
            Purpose::ImportKit => return self.submit_import_kit(),
            Purpose::Ppt(id, step) => return self.submit_ppt_form(id, step),
            Purpose::NewCase => {
                let created = match date() {
                    Ok(d) => d,
                    Err(e) => return self.form_error(Slot::Date, self.view.catalog.date_error(&e)),
                };
                let details = form.details();
                return match self.store.create_case(details, created, self.view.settings.today) {
                    Ok(case) => {
                        self.view.form = None;
                        self.view.message =
                            Some(self.view.catalog.f("form.created_msg", &[("reference", &case.reference)]));
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
                let action =
                    Action::Close { date: self.view.settings.today, reason: form.text(Slot::Reason).to_string() };
                // Check the rules before asking, so a missing reason is shown at its field.
                if let Some(view) = &self.view.detail
                    && let Err(rule) = view.case.apply(&action, self.view.settings.today)
                {
                    return self.form_error(Form::slot_of(&rule), self.view.catalog.rule_error(&rule));
                }
                let reason = form.text(Slot::Reason).trim().to_string();
                let reference = self.view.detail.as_ref().map_or(String::new(), |v| v.case.reference.clone());
                self.view.confirm = Some(Confirm {
                    text: self.view.catalog.f("form.confirm_close", &[("reference", &reference), ("reason", &reason)]),
                    on_yes: Pending::Apply(id, action),
                    on_no: None,
                });
                return Ok(());
            }
            Purpose::Reopen(id) => {
                (id, Action::Reopen { date: self.view.settings.today, reason: form.text(Slot::Reason).into() })
            }
            Purpose::Consent(id) => {
                let given_on = match date() {
                    Ok(d) => d,
                    Err(e) => return self.form_error(Slot::Date, self.view.catalog.date_error(&e)),
                };
                let expires_on = match form.text(Slot::Expires).trim() {
                    "" => None,
                    typed => match parse_date(typed) {
                        Ok(d) => Some(d),
                        Err(e) => return self.form_error(Slot::Expires, self.view.catalog.date_error(&e)),
                    },
                };
                let consent = Consent {
                    given_on,
                    given_by: form.giver(),
                    scope: form.text(Slot::Scope).to_string(),
                    expires_on,
                    withdrawn_on: None,
                };
                (id, Action::RecordConsent { consent, pupil: None, consent_age: self.view.settings.consent_age })
            }
            Purpose::Identity(id) => {
                let birth_date = match form.text(Slot::BirthDate).trim() {
                    "" => None,
                    typed => match parse_date(typed) {
                        Ok(d) => Some(d),
                        Err(e) => return self.form_error(Slot::BirthDate, self.view.catalog.date_error(&e)),
                    },
                };
                let identity = Identity { name: form.text(Slot::Name).to_string(), birth_date };
                (id, Action::SetIdentity { identity, consent_age: self.view.settings.consent_age })
            }
            Purpose::PlanMeeting(id, _)
            | Purpose::RecordMeeting(id, _)
            | Purpose::Decide(id)
            | Purpose::ReferralSent(id) => {
                let date = match date() {
                    Ok(d) => d,
                    Err(e) => return self.form_error(Slot::Date, self.view.catalog.date_error(&e)),
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

    pub(super) fn apply(&mut self, id: Uuid, action: &Action) -> Result<()> {
        match self.store.apply(id, action, self.view.settings.today) {
            Ok(_) => {
                self.view.form = None;
                let saved = self.view.catalog.t("form.saved").to_string();
                // An erasure that has not yet reached every copy says so instead.
                self.view.message =
                    Some(wording::erasure_unfinished(&self.view.catalog, &self.store)?.unwrap_or(saved));
                self.reload()
            }
            Err(error) => self.refused(error),
        }
    }

    /// A refused change: at its field when a form is open, else in the message line.
    fn refused(&mut self, error: anyhow::Error) -> Result<()> {
        let slot = match (error.downcast_ref::<RuleError>(), &self.view.form) {
            (Some(RuleError::Ppt(ppt)), Some(form)) => super::ppt_steps::slot_of(ppt, form),
            (rule, _) => rule.map(Form::slot_of).unwrap_or(Slot::Date),
        };
        let text = explain(&self.view.catalog, &error);
        if self.view.form.is_some() { self.form_error(slot, text) } else { Err(error) }
    }

    pub(super) fn form_error(&mut self, slot: Slot, message: String) -> Result<()> {
        if let Some(form) = &mut self.view.form {
            form.set_error(slot, message);
        }
        Ok(())
    }
}

/// The row a movement key goes to from row `from`, a page being `page` rows.
fn move_target(command: Command, from: u64, page: i64) -> Option<u64> {
    match command {
        Command::Up => Some(from.saturating_sub(1)),
        Command::Down => Some(from.saturating_add(1)),
        Command::PageUp => Some(from.saturating_add_signed(-page)),
        Command::PageDown => Some(from.saturating_add_signed(page)),
        Command::First => Some(0),
        Command::Last => Some(u64::MAX),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, mpsc};
    use std::time::Duration;

    use ratatui::crossterm::event::{KeyEvent, KeyModifiers};

    use super::*;
    use crate::ui::testing;

    #[test]
    fn quick_page_downs_past_the_rows_at_hand_each_move_a_page_while_the_searcher_reads() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings { db_path: dir.path().join("s.db"), ..testing::settings() };
        let mut store = Store::open(&settings.db_path, "test", None).unwrap();
        store.create_with_history(&crate::demo::demo_cases(1000, settings.today, 7), settings.today).unwrap();
        let mut app = App::new(store, &settings, (80, 24)).unwrap();
        let (woke, wakes) = mpsc::channel();
        app.start_searcher(Arc::new(move || {
            let _ = woke.send(());
        }));
        let press = |app: &mut App, code| app.handle_event(&Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        press(&mut app, KeyCode::Char('l'));
        let settle = |app: &mut App| {
            while app.view.searching {
                wakes.recv_timeout(Duration::from_secs(30)).expect("the searcher answers");
                app.search_reported();
            }
        };
        settle(&mut app);
        let page = app.view.page_height();
        assert!(app.view.list.total > 15 * page, "more rows than the window holds");
        // Written at once, as a held key or a paste of keys: none waits for an answer.
        for _ in 0..15 {
            press(&mut app, KeyCode::PageDown);
        }
        press(&mut app, KeyCode::PageUp);
        settle(&mut app);
        assert_eq!(app.view.list.selected, 14 * page);
        assert!(app.view.list.selected_row().is_some(), "its row is read");
    }
}
