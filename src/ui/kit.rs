//! The visit-day kit in the app: the forms that write and read one, the work
//! they start, and the choices on the conflicts an import left.

use std::path::PathBuf;

use anyhow::Result;
use chrono::NaiveDate;
use uuid::Uuid;

use super::app::{App, Confirm, Pending, Screen};
use super::form::{Form, Purpose, Slot};
use super::keymap::Command;
use crate::domain::{WithoutConsent, add_days};
use crate::kit::{self, DEFAULT_VALID_DAYS, KitError, MAX_VALID_DAYS, NothingToSend, Refused};
use crate::store::{Side, UnsettledConflicts};
use crate::unlock::MIN_PASSPHRASE;

/// Work of about a second (the passphrase's key derivation), started from a form
/// and run once the screen has said so.
pub enum KitJob {
    Export { ids: Vec<Uuid>, school: Option<String>, expires_on: NaiveDate, passphrase: String, path: PathBuf },
    Import { path: PathBuf, passphrase: String },
}

impl App {
    pub(super) fn open_kit_screen(&mut self) {
        self.screen = Screen::Kit;
    }

    /// Keys on the visit-day kit screen.
    pub(super) fn kit_command(&mut self, command: Command) -> Result<()> {
        match command {
            Command::Quit => self.quit = true,
            Command::Help => self.help = true,
            Command::Back if self.kit_full.is_some() => self.kit_full = None,
            Command::Back => self.screen = Screen::Start,
            Command::Open if !self.kit_conflicts.is_empty() => {
                self.kit_full = if self.kit_full.is_some() { None } else { Some(0) };
            }
            Command::PageDown | Command::PageUp => {
                if let Some(scroll) = &mut self.kit_full {
                    let page = self.size.1.saturating_sub(8).max(1);
                    let step = if command == Command::PageUp { -i32::from(page) } else { i32::from(page) };
                    *scroll = u16::try_from((i32::from(*scroll) + step).max(0)).unwrap_or(u16::MAX);
                }
            }
            Command::Up => {
                self.kit_selected = self.kit_selected.saturating_sub(1);
                self.kit_full = self.kit_full.map(|_| 0);
            }
            Command::Down => {
                self.kit_selected = (self.kit_selected + 1).min(self.kit_conflicts.len().saturating_sub(1));
                self.kit_full = self.kit_full.map(|_| 0);
            }
            Command::ExportKit => {
                // The school of the case last opened is the likeliest.
                let school = self.detail.as_ref().map_or(String::new(), |v| v.case.details.school.clone());
                let file = self.settings.export_dir.join(kit::file_name(Some(&school), self.settings.today));
                let fields = Form::export_kit_fields(&school, DEFAULT_VALID_DAYS, &file.display().to_string());
                self.form = Some(Form::new(Purpose::ExportKit, self.catalog.t("form.export_kit").into(), fields));
            }
            Command::ImportKit => {
                let folder = format!("{}{}", self.settings.export_dir.display(), std::path::MAIN_SEPARATOR);
                let fields = Form::import_kit_fields(&folder);
                self.form = Some(Form::new(Purpose::ImportKit, self.catalog.t("form.import_kit").into(), fields));
            }
            Command::KeepHere | Command::TakeKit => {
                let Some(conflict) = self.kit_conflicts.get(self.kit_selected).cloned() else { return Ok(()) };
                let side = if command == Command::TakeKit { Side::Kit } else { Side::Here };
                self.store.resolve_kit_conflict(&conflict, side)?;
                self.kit_full = None;
                self.message = Some(self.catalog.kit_resolved(conflict.id, side));
                self.reload()?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Checks the export form and starts the export; a problem is shown at its field.
    pub(super) fn submit_export_kit(&mut self) -> Result<()> {
        let Some(form) = &self.form else { return Ok(()) };
        let school = form.text(Slot::School).trim().to_string();
        let references: Vec<String> =
            form.text(Slot::Cases).split([',', ' ']).filter(|r| !r.is_empty()).map(String::from).collect();
        let typed_days = form.text(Slot::ValidDays).trim().to_string();
        let days = typed_days.parse::<u32>().ok().filter(|d| (1..=MAX_VALID_DAYS).contains(d));
        let path = PathBuf::from(form.text(Slot::File).trim());
        let (passphrase, repeated) = (form.text(Slot::Passphrase).to_string(), form.text(Slot::Repeat));
        let Some(days) = days else {
            return self.form_error(Slot::ValidDays, self.catalog.f("form.bad_days", &[("text", &typed_days)]));
        };
        if passphrase.chars().count() < MIN_PASSPHRASE {
            let text = self.catalog.f("unlock.too_short", &[("n", &MIN_PASSPHRASE.to_string())]);
            return self.form_error(Slot::Passphrase, text);
        }
        if passphrase != repeated {
            return self.form_error(Slot::Repeat, self.catalog.t("form.passphrase_mismatch").into());
        }
        let ids = match kit::cases_to_send(&self.store, &school, &references, self.settings.today) {
            Ok(ids) => ids,
            Err(error) => {
                let slot = match error.downcast_ref::<NothingToSend>() {
                    Some(NothingToSend::NoSuchCase(_)) => Slot::Cases,
                    Some(NothingToSend::NoneAtSchool(_)) => Slot::School,
                    None => return Err(error),
                };
                return self.form_error(slot, self.catalog.explain(&error));
            }
        };
        let school = Some(school).filter(|s| !s.is_empty());
        let expires_on = add_days(self.settings.expiry_day(), u64::from(days));
        self.kit_job = Some(KitJob::Export { ids, school, expires_on, passphrase, path });
        self.clear_form_error();
        self.message = Some(self.catalog.t("kit.working_export").into());
        Ok(())
    }

    pub(super) fn submit_import_kit(&mut self) -> Result<()> {
        let Some(form) = &self.form else { return Ok(()) };
        let path = PathBuf::from(form.text(Slot::File).trim());
        if !path.is_file() {
            let text = self.catalog.f("form.no_file", &[("path", &path.display().to_string())]);
            return self.form_error(Slot::File, text);
        }
        let passphrase = form.text(Slot::Passphrase).to_string();
        self.kit_job = Some(KitJob::Import { path, passphrase });
        self.clear_form_error();
        self.message = Some(self.catalog.t("kit.working_import").into());
        Ok(())
    }

    /// A job starts: what was wrong before is no longer shown.
    fn clear_form_error(&mut self) {
        if let Some(form) = &mut self.form {
            form.error = None;
        }
    }

    /// Runs the export or import the form started. The form stays open until it
    /// succeeds, so that a refusal is shown at the field it is about.
    pub(super) fn run_kit_job(&mut self) -> Result<()> {
        let Some(job) = self.kit_job.take() else { return Ok(()) };
        self.message = None;
        match job {
            KitJob::Export { ids, school, expires_on, passphrase, path } => {
                let today = self.settings.today;
                let selection = kit::Selection { ids: &ids, school: school.as_deref(), expires_on, today };
                if let Err(error) = kit::export(&mut self.store, &selection, &passphrase, &path) {
                    let about_cases = error.is::<WithoutConsent>() || error.is::<UnsettledConflicts>();
                    let slot = if about_cases { Slot::Cases } else { Slot::File };
                    return self.form_error(slot, self.catalog.explain(&error));
                }
                self.form = None;
                self.message = Some(self.catalog.kit_exported(ids.len(), &path, expires_on));
            }
            KitJob::Import { path, passphrase } => {
                let report = match kit::import(
                    &mut self.store,
                    &path,
                    &passphrase,
                    self.settings.expiry_day(),
                    self.settings.consent_age,
                ) {
                    Ok(report) => report,
                    Err(error) => {
                        let slot = match error.downcast_ref::<Refused>().map(|r| &r.why) {
                            Some(KitError::WrongPassphrase) => Slot::Passphrase,
                            _ => Slot::File,
                        };
                        return self.form_error(slot, self.catalog.explain(&error));
                    }
                };
                self.form = None;
                let shown = path.display().to_string();
                let summary = self.catalog.import_summary(&report, &shown);
                self.message = Some(self.catalog.erasure_unfinished(&self.store)?.unwrap_or(summary));
                self.kit_selected = 0;
                self.screen = Screen::Kit;
                // The file holds data about children and is of no more use here.
                self.confirm = Some(Confirm {
                    text: self.catalog.f("kit.confirm_delete", &[("path", &shown)]),
                    on_yes: Pending::DeleteKitFile(path),
                    on_no: None,
                });
            }
        }
        self.reload()
    }
}
