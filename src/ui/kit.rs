//! The visit-day kit in the app: the forms that write and read one, the work
//! they start, and the choices on the conflicts an import left.

use std::path::PathBuf;
use std::sync::{Arc, mpsc};

use anyhow::Result;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use zeroize::Zeroizing;

use super::app::App;
use super::confirm::{Confirm, Pending};
use super::form::{Form, Purpose, Slot};
use super::keymap::{self, Command};
use super::render::{centered, hints};
use super::theme::Theme;
use super::view::{Screen, View};

use crate::domain::{Side, WithoutConsent, add_days, column_width, fit, one_line, shorten_paths};
use crate::kit::{self, DEFAULT_VALID_DAYS, Kit, KitError, MAX_VALID_DAYS, NothingToSend, Refused};
use crate::service::{self, explain, wording};
use crate::store::UnsettledConflicts;
use crate::unlock::MIN_PASSPHRASE;

/// The passphrase's key derivation of a kit (about a second), started from a form
/// and run on a thread of its own so that the screen never freezes; what it
/// found comes back here, and the database is written on the event loop.
pub struct KitJob {
    done: mpsc::Receiver<KitDone>,
}

/// What a kit job's thread hands back.
enum KitDone {
    Sealed { kit: Kit, sealed: Result<Vec<u8>>, path: PathBuf, cases: usize },
    Opened { kit: Result<Kit>, path: PathBuf },
}

/// The kit files found to read in, newest first; the row after them is for
/// typing a path.
pub struct KitFiles {
    pub files: Vec<service::kit::FoundKit>,
    pub selected: usize,
}

/// Wakes the event loop when a job's thread is done.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

impl App {
    pub(super) fn open_kit_screen(&mut self) {
        self.view.open(Screen::Kit);
    }

    /// Keys on the visit-day kit screen.
    pub(super) fn kit_command(&mut self, command: Command) -> Result<()> {
        match command {
            Command::Quit => self.quit = true,
            Command::Help => self.view.help = true,
            Command::Back if self.view.kit_full.is_some() => self.view.kit_full = None,
            Command::Back => self.view.back(),
            Command::Open if !self.view.kit_conflicts.is_empty() => {
                self.view.kit_full = if self.view.kit_full.is_some() { None } else { Some(0) };
            }
            Command::PageDown | Command::PageUp => {
                if let Some(scroll) = &mut self.view.kit_full {
                    let page = self.view.size.1.saturating_sub(8).max(1);
                    let step = if command == Command::PageUp { -i32::from(page) } else { i32::from(page) };
                    *scroll = u16::try_from((i32::from(*scroll) + step).max(0)).unwrap_or(u16::MAX);
                }
            }
            Command::Up => {
                self.view.kit_selected = self.view.kit_selected.saturating_sub(1);
                self.view.kit_full = self.view.kit_full.map(|_| 0);
            }
            Command::Down => {
                self.view.kit_selected =
                    (self.view.kit_selected + 1).min(self.view.kit_conflicts.len().saturating_sub(1));
                self.view.kit_full = self.view.kit_full.map(|_| 0);
            }
            Command::ExportKit => {
                // The school of the case last opened is the likeliest.
                let school = self.view.detail.as_ref().map_or(String::new(), |v| v.case.details.school.clone());
                let fields = Form::export_kit_fields(&school, DEFAULT_VALID_DAYS);
                self.view.form =
                    Some(Form::new(Purpose::ExportKit, self.view.catalog.t("form.export_kit").into(), fields));
            }
            Command::ImportKit => {
                // The kits at hand are offered first; with none, the path is typed.
                let mut folders = vec![self.view.settings.export_dir.clone()];
                folders.extend(std::env::current_dir().ok());
                let files = service::kit::kit_files(&folders);
                if files.is_empty() {
                    self.open_import_form(None);
                } else {
                    self.view.kit_files = Some(KitFiles { files, selected: 0 });
                }
            }
            Command::EditMerged => {
                if let Some(conflict) = self.view.kit_conflicts.get(self.view.kit_selected).cloned() {
                    self.open_merge(&conflict);
                }
            }
            Command::KeepHere | Command::TakeKit => {
                let Some(conflict) = self.view.kit_conflicts.get(self.view.kit_selected).cloned() else {
                    return Ok(());
                };
                let side = if command == Command::TakeKit { Side::Kit } else { Side::Here };
                self.store.resolve_kit_conflict(&conflict, side)?;
                self.view.kit_full = None;
                self.view.message = Some(wording::kit_resolved(&self.view.catalog, conflict.id, side));
                self.reload()?;
            }
            _ => {}
        }
        Ok(())
    }

    /// The import form, with the file chosen, or the documents folder to type on.
    fn open_import_form(&mut self, chosen: Option<&std::path::Path>) {
        let file = match chosen {
            Some(path) => path.display().to_string(),
            None => format!("{}{}", self.view.settings.export_dir.display(), std::path::MAIN_SEPARATOR),
        };
        let mut form = Form::new(
            Purpose::ImportKit,
            self.view.catalog.t("form.import_kit").into(),
            Form::import_kit_fields(&file),
        );
        if chosen.is_some() {
            // The file is chosen: the passphrase is what is left to type.
            form.next_field();
        }
        self.view.form = Some(form);
    }

    /// Keys on the list of kit files to read in: the last row types a path.
    pub(super) fn handle_kit_files_key(&mut self, key: ratatui::crossterm::event::KeyEvent) -> Result<()> {
        let Some(picker) = &mut self.view.kit_files else { return Ok(()) };
        match keymap::lookup(keymap::KIT_FILES, key) {
            Some(Command::Up) => picker.selected = picker.selected.saturating_sub(1),
            Some(Command::Down) => picker.selected = (picker.selected + 1).min(picker.files.len()),
            Some(Command::Open) => {
                let chosen = picker.files.get(picker.selected).map(|f| f.path.clone());
                self.view.kit_files = None;
                self.open_import_form(chosen.as_deref());
            }
            Some(Command::Back) => self.view.kit_files = None,
            _ => {}
        }
        Ok(())
    }

    /// Checks the export form and starts the export; a problem is shown at its field.
    pub(super) fn submit_export_kit(&mut self) -> Result<()> {
        // One job at a time: Enter again while the key is derived does nothing.
        let Some(form) = self.view.form.as_ref().filter(|_| self.kit_job.is_none()) else { return Ok(()) };
        let school = form.text(Slot::School).trim().to_string();
        let references: Vec<String> =
            form.text(Slot::Cases).split([',', ' ']).filter(|r| !r.is_empty()).map(String::from).collect();
        let typed_days = form.text(Slot::ValidDays).trim().to_string();
        let days = typed_days.parse::<u32>().ok().filter(|d| (1..=MAX_VALID_DAYS).contains(d));
        let path = kit_path(&self.view.settings, form.text(Slot::File), form.text(Slot::School));
        let (passphrase, repeated) = (Zeroizing::new(form.text(Slot::Passphrase).to_string()), form.text(Slot::Repeat));
        let Some(days) = days else {
            return self.form_error(Slot::ValidDays, self.view.catalog.f("form.bad_days", &[("text", &typed_days)]));
        };
        if passphrase.chars().count() < MIN_PASSPHRASE {
            let text = self.view.catalog.f("unlock.too_short", &[("n", &MIN_PASSPHRASE.to_string())]);
            return self.form_error(Slot::Passphrase, text);
        }
        if passphrase.as_str() != repeated {
            return self.form_error(Slot::Repeat, self.view.catalog.t("form.passphrase_mismatch").into());
        }
        let ids = match service::kit::cases_to_send(&self.store, &school, &references, self.view.settings.today) {
            Ok(ids) => ids,
            Err(error) => {
                let slot = match error.downcast_ref::<NothingToSend>() {
                    Some(NothingToSend::NoSuchCase(_)) => Slot::Cases,
                    Some(NothingToSend::NoneAtSchool(_)) => Slot::School,
                    None => return Err(error),
                };
                return self.form_error(slot, explain(&self.view.catalog, &error));
            }
        };
        let school = Some(school).filter(|s| !s.is_empty());
        let expires_on = add_days(self.view.settings.expiry_day(), u64::from(days));
        let selection = service::kit::Selection {
            ids: &ids,
            school: school.as_deref(),
            expires_on,
            today: self.view.settings.today,
        };
        let kit = match service::kit::gather(&self.store, &selection) {
            Ok(kit) => kit,
            Err(error) if error.is::<WithoutConsent>() || error.is::<UnsettledConflicts>() => {
                return self.form_error(Slot::Cases, explain(&self.view.catalog, &error));
            }
            Err(error) => return Err(error),
        };
        let cases = ids.len();
        self.start_kit_job(move || {
            let sealed = kit::seal(&kit, &passphrase);
            KitDone::Sealed { kit, sealed, path, cases }
        });
        self.view.message = Some(self.view.catalog.t("kit.working_export").into());
        Ok(())
    }

    pub(super) fn submit_import_kit(&mut self) -> Result<()> {
        // One job at a time: Enter again while the key is derived does nothing.
        let Some(form) = self.view.form.as_ref().filter(|_| self.kit_job.is_none()) else { return Ok(()) };
        let path = PathBuf::from(form.text(Slot::File).trim());
        if !path.is_file() {
            let text = self.view.catalog.f("form.no_file", &[("path", &path.display().to_string())]);
            return self.form_error(Slot::File, text);
        }
        let passphrase = Zeroizing::new(form.text(Slot::Passphrase).to_string());
        let (today, consent_age) = (self.view.settings.expiry_day(), self.view.settings.consent_age);
        self.start_kit_job(move || KitDone::Opened { kit: kit::read(&path, &passphrase, today, consent_age), path });
        self.view.message = Some(self.view.catalog.t("kit.working_import").into());
        Ok(())
    }

    /// A job starts: what was wrong before is no longer shown.
    fn clear_form_error(&mut self) {
        if let Some(form) = &mut self.view.form {
            form.error = None;
        }
    }

    /// How the event loop is told that a job's thread is done.
    pub fn set_waker(&mut self, waker: Waker) {
        self.waker = Some(waker);
    }

    /// Starts a job's thread; the form says it is working until the job is done.
    fn start_kit_job(&mut self, work: impl FnOnce() -> KitDone + Send + 'static) {
        let (sender, done) = mpsc::channel();
        let waker = self.waker.clone();
        std::thread::spawn(move || {
            let _ = sender.send(work());
            if let Some(wake) = waker {
                wake();
            }
        });
        self.kit_job = Some(KitJob { done });
        self.clear_form_error();
    }

    /// The job's thread reported: finish its work, if it is done.
    pub fn kit_job_reported(&mut self) {
        let done = match self.kit_job.as_ref().map(|job| job.done.try_recv()) {
            Some(Ok(done)) => done,
            Some(Err(mpsc::TryRecvError::Empty)) | None => return,
            Some(Err(mpsc::TryRecvError::Disconnected)) => {
                self.kit_job = None;
                return;
            }
        };
        self.kit_job = None;
        let result = self.finish_kit_job(done);
        self.show(result);
    }

    /// Waits for a running job and finishes it (where no event loop waits for it).
    pub fn wait_for_kit_job(&mut self) {
        let Some(job) = self.kit_job.take() else { return };
        if let Ok(done) = job.done.recv() {
            let result = self.finish_kit_job(done);
            self.show(result);
        }
    }

    /// Writes what the job found. The form stays open until it succeeds, so that a
    /// refusal is shown at the field it is about.
    fn finish_kit_job(&mut self, done: KitDone) -> Result<()> {
        self.view.message = None;
        match done {
            KitDone::Sealed { kit, sealed, path, cases } => {
                if let Err(error) =
                    sealed.and_then(|sealed| service::kit::write_sealed(&mut self.store, &kit, &sealed, &path))
                {
                    return self.form_error(Slot::File, explain(&self.view.catalog, &error));
                }
                self.view.form = None;
                self.view.message = Some(self.view.catalog.kit_exported(cases, &path, kit.expires_on));
            }
            KitDone::Opened { kit, path } => {
                let (today, consent_age) = (self.view.settings.expiry_day(), self.view.settings.consent_age);
                let report = match kit
                    .and_then(|kit| service::kit::merge_into(&mut self.store, &kit, &path, today, consent_age))
                {
                    Ok(report) => report,
                    Err(error) => {
                        let slot = match error.downcast_ref::<Refused>().map(|r| &r.why) {
                            Some(KitError::WrongPassphrase) => Slot::Passphrase,
                            _ => Slot::File,
                        };
                        return self.form_error(slot, explain(&self.view.catalog, &error));
                    }
                };
                self.view.form = None;
                let shown = path.display().to_string();
                let summary = wording::import_summary(&self.view.catalog, &report, &shown);
                self.view.message =
                    Some(wording::erasure_unfinished(&self.view.catalog, &self.store)?.unwrap_or(summary));
                self.view.kit_selected = 0;
                self.view.open(Screen::Kit);
                // The file holds data about children and is of no more use here.
                self.view.confirm = Some(Confirm {
                    text: self.view.catalog.f("kit.confirm_delete", &[("path", &shown)]),
                    on_yes: Pending::DeleteKitFile(path),
                    on_no: None,
                });
            }
        }
        self.reload()
    }
}

/// Where a kit from the form goes: the file typed, or with none typed, the
/// documents folder under a name of the school typed (the one chosen last, not
/// the one the form opened with) and the day.
fn kit_path(settings: &crate::config::Settings, typed: &str, school: &str) -> PathBuf {
    match typed.trim() {
        "" => settings.export_dir.join(kit::file_name(Some(school), settings.today)),
        typed => PathBuf::from(typed),
    }
}

/// The kit files to choose from, over the kit screen: name, when it was
/// written, and its folder.
pub(super) fn render_kit_files(view: &View, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(picker) = &view.kit_files else { return };
    let c = &view.catalog;
    let popup = centered(area, 76, picker.files.len() as u16 + 5);
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(Span::styled(format!(" {} ", c.t("kit.files_title")), theme.title()));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let width = usize::from(inner.width);
    let name_of = |found: &service::kit::FoundKit| {
        one_line(&found.path.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned())).into_owned()
    };
    let names: Vec<String> = picker.files.iter().map(name_of).collect();
    let name_w = column_width("", names.iter().map(String::as_str), 8, width / 2);
    let mut lines = Vec::new();
    for (index, (found, name)) in picker.files.iter().zip(&names).enumerate() {
        let folder = found.path.parent().map_or(String::new(), |p| p.display().to_string());
        let written = found.modified.map_or(String::new(), |at| {
            let at = chrono::DateTime::<chrono::Local>::from(at);
            format!("{} {}", crate::domain::format_date(at.date_naive()), at.format("%H:%M"))
        });
        let pointer = if index == picker.selected { "▶ " } else { "  " };
        let head = format!("{pointer}{}  {written}  ", fit(name, name_w));
        let folder = shorten_paths(&one_line(&folder), width.saturating_sub(head.chars().count()).max(8)).into_owned();
        let style = if index == picker.selected { theme.selected() } else { Style::new() };
        lines.push(Line::from(vec![Span::styled(head, style), Span::styled(folder, theme.dim())]));
    }
    let other = picker.selected == picker.files.len();
    let text = format!("{}{}", if other { "▶ " } else { "  " }, c.t("kit.other_file"));
    lines.push(Line::styled(text, if other { theme.selected() } else { Style::new() }));
    lines.push(Line::raw(""));
    let [list, keys] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    frame.render_widget(Paragraph::new(lines), list);
    frame.render_widget(hints(c, keymap::KIT_FILES, theme, keys), keys);
}

/// The visit-day kit: what it is for, then the conflicts imports left, three
/// lines each (the field, the value here, the kit's), scrolled to the one selected.
pub(super) fn render_kit(view: &View, theme: &Theme, frame: &mut Frame, area: Rect) {
    let c = &view.catalog;
    let mut lines: Vec<Line> = c.t("kit.intro").lines().map(|l| Line::raw(format!(" {l}"))).collect();
    lines.push(Line::raw(""));
    if view.kit_conflicts.is_empty() {
        lines.push(Line::styled(format!(" {}", c.t("kit.no_conflicts")), theme.dim()));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
        return;
    }
    if let (Some(scroll), Some(conflict)) = (view.kit_full, view.kit_conflicts.get(view.kit_selected)) {
        return render_conflict_in_full(view, conflict, scroll, theme, frame, area);
    }
    lines.push(Line::styled(format!(" {}", c.t("kit.conflicts_title")), theme.focus()));
    lines.push(Line::raw(""));
    let width = usize::from(area.width);
    let fitting = (usize::from(area.height).saturating_sub(lines.len()) / 3).max(1);
    let first = (view.kit_selected + 1).saturating_sub(fitting);
    for (index, conflict) in view.kit_conflicts.iter().enumerate().skip(first).take(fitting) {
        let selected = index == view.kit_selected;
        let style = if selected { theme.selected() } else { Style::new() };
        let from = c.f("kit.from", &[("from", &conflict.kit_from)]);
        let head =
            format!("{} {}  {}", if selected { "▶" } else { " " }, conflict.reference, c.kit_field(&conflict.field));
        let gap = width.saturating_sub(head.chars().count() + from.chars().count() + 1);
        lines.push(Line::from(vec![
            Span::styled(head, style),
            Span::raw(" ".repeat(gap)),
            Span::styled(from, theme.dim()),
        ]));
        for (label, value) in [("kit.conflict_here", &conflict.here), ("kit.conflict_kit", &conflict.kit)] {
            let label = format!("     {:<7}", c.t(label));
            let value = fit(&c.kit_value(value), width.saturating_sub(label.chars().count() + 1));
            lines.push(Line::from(vec![Span::styled(label, theme.dim()), Span::raw(value)]));
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// One conflict with both values whole (a long statement, a list of measures), to
/// choose from knowing all of it.
pub(super) fn render_conflict_in_full(
    view: &View,
    conflict: &crate::store::KitConflict,
    scroll: u16,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let c = &view.catalog;
    let from = c.f("kit.from", &[("from", &conflict.kit_from)]);
    let mut lines = vec![Line::styled(
        format!(" {} · {} · {from}", conflict.reference, c.kit_field(&conflict.field)),
        theme.focus(),
    )];
    for (label, value) in [("kit.full_here", &conflict.here), ("kit.full_kit", &conflict.kit)] {
        lines.push(Line::raw(""));
        lines.push(Line::styled(format!(" {}", c.t(label)), theme.title()));
        lines.extend(c.kit_value_in_full(value).lines().map(|l| Line::raw(format!("   {l}"))));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((scroll, 0)), area);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::testing::{drawn, view};
    use super::super::view::Screen;
    use crate::store::KitConflict;

    fn conflicts() -> Vec<KitConflict> {
        let conflict = |id, field: &str, here, kit| KitConflict {
            id,
            case_id: uuid::Uuid::nil(),
            reference: "2026-001".into(),
            field: field.into(),
            here,
            kit,
            kit_from: "rådgiver".into(),
            found_at: "2026-11-23T10:00:00Z".into(),
        };
        vec![
            conflict(1, "case.details.teacher", json!("Åse Ødegård"), json!("Kåre Ås")),
            conflict(2, "case.details.description", json!("Uro i timene"), json!("Uro i timene og lesevansker")),
        ]
    }

    #[test]
    fn a_kit_without_a_file_typed_is_named_by_the_school_typed_in_the_documents_folder() {
        let settings = super::super::testing::settings();
        let path = super::kit_path(&settings, " ", "Bjørkå skole");
        assert_eq!(path, settings.export_dir.join("besokspakke-bjørkå-skole-2026-11-23.age"));
        assert_eq!(
            super::kit_path(&settings, "/tmp/pakke.age", "Bjørkå skole"),
            std::path::Path::new("/tmp/pakke.age")
        );
    }

    #[test]
    fn the_kit_screen_lists_the_conflicts_from_a_view_in_memory() {
        let mut view = view();
        view.kit_conflicts = conflicts();
        view.kit_selected = 1;
        view.open(Screen::Kit);
        insta::assert_snapshot!(drawn(&view));
    }

    #[test]
    fn a_conflict_in_full_shows_both_values_whole() {
        let mut view = view();
        view.kit_conflicts = conflicts();
        view.kit_full = Some(0);
        view.open(Screen::Kit);
        let screen = drawn(&view);
        let text = format!("{:?}", screen.buffer());
        let c = &view.catalog;
        assert!(text.contains(c.t("keys.back_to_list")), "its own keys in the footer");
        assert!(!text.contains(c.t("keys.export_kit")) && !text.contains(c.t("keys.import_kit")), "not the list's");
        insta::assert_snapshot!(screen);
    }
}
