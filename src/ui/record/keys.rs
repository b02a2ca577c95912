//! The record editor's keys: moving between fields and parts, saving a field as
//! it is left, rows, export and the agenda.

use anyhow::Result;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::{Change, FieldInput};
use crate::documents::Format;
use crate::service::export::{self, Target};
use crate::service::{explain, wording};
use crate::ui::app::App;
use crate::ui::confirm::{Confirm, Pending};
use crate::ui::keymap::{self, Command};

impl App {
    pub(in crate::ui) fn handle_record_key(&mut self, key: KeyEvent) -> Result<()> {
        let Some(editor) = &mut self.view.record else { return Ok(()) };
        if editor.agenda.is_some() {
            match keymap::lookup(keymap::AGENDA, key) {
                Some(Command::Up) => editor.move_agenda(-1),
                Some(Command::Down) => editor.move_agenda(1),
                Some(Command::Toggle) => {
                    if let Some(record) = editor.toggle_agenda_item() {
                        self.save_record_change(Change::Record(record))?;
                    }
                }
                Some(_) => editor.agenda = None,
                None => {}
            }
            return Ok(());
        }
        let enter_moves_on = key.code == KeyCode::Enter
            && key.modifiers.is_empty()
            && editor.focused().is_some_and(|f| !matches!(f.input, FieldInput::Text(_)));
        let table = if editor.minutes().is_some() { keymap::RECORD } else { keymap::NOTES };
        let command = if enter_moves_on { Some(Command::NextField) } else { keymap::lookup(table, key) };
        let Some(command) = command else {
            editor.edit(key);
            return Ok(());
        };
        if command == Command::Help {
            self.view.help = true;
            return Ok(());
        }
        if command == Command::Cancel {
            return self.leave_record();
        }
        // Every other command leaves the field: it is saved first, or stays with its error.
        if !self.commit_record_field()? {
            return Ok(());
        }
        let Some(editor) = &mut self.view.record else { return Ok(()) };
        match command {
            Command::NextField => editor.move_focus(1),
            Command::PrevField => editor.move_focus(-1),
            Command::NextSection => editor.move_section(1),
            Command::PrevSection => editor.move_section(-1),
            Command::Agenda if editor.minutes().is_some() => editor.agenda = Some(0),
            Command::ExportPdf | Command::ExportMarkdown => {
                let format = if command == Command::ExportPdf { Format::Pdf } else { Format::Markdown };
                let Some((number, _)) = editor.minutes() else { return Ok(()) };
                let target = Target { folder: &self.view.settings.export_dir, file: None };
                let (c, settings) = (&self.view.catalog, &self.view.settings);
                let exported = export::minutes(&mut self.store, c, settings, &editor.case, number, format, &target)?;
                self.view.message = Some(wording::exported(c, "minutes.exported", &exported));
            }
            Command::EarlierParticipants => match editor.with_earlier_participants() {
                Some((record, added)) => {
                    let n = editor.minutes().map_or(0, |(number, _)| number.get() - 1).to_string();
                    if self.save_record_change(Change::Record(record))? {
                        let c = &self.view.catalog;
                        self.view.message =
                            Some(c.count("record.participants_copied", added as u64, &[("meeting", &n)]));
                    }
                }
                None => self.view.message = Some(self.view.catalog.t("record.no_earlier_participants").into()),
            },
            Command::AddRow => {
                if let Some(record) = editor.add_row() {
                    self.save_record_change(Change::Record(record))?;
                }
            }
            Command::RemoveRow => match (editor.without_focused_row(), editor.row_name()) {
                (Some(record), Some(item)) => {
                    self.view.confirm = Some(Confirm {
                        text: self.view.catalog.f("record.remove", &[("item", &item)]),
                        on_yes: Pending::RemoveRow(Box::new(record)),
                        on_no: None,
                    });
                }
                _ => self.view.message = Some(self.view.catalog.t("record.nothing_to_remove").into()),
            },
            _ => {}
        }
        Ok(())
    }

    /// Esc in the record editor: a changed field is not left without asking.
    pub(in crate::ui) fn leave_record(&mut self) -> Result<()> {
        let Some(editor) = &self.view.record else { return Ok(()) };
        if !editor.dirty {
            return self.close_record();
        }
        self.view.confirm = Some(Confirm {
            text: self.view.catalog.f("record.unsaved", &[("field", &editor.focused_label())]),
            on_yes: Pending::SaveFieldAndClose,
            on_no: Some(Pending::CloseRecord),
        });
        Ok(())
    }

    pub(in crate::ui) fn close_record(&mut self) -> Result<()> {
        self.view.record = None;
        // The case may have moved on (a meeting's date, a decision): show it as it is.
        self.reload()
    }

    /// Saves the focused field of the record editor if it changed. `false` when it
    /// cannot be saved: its message is shown at it and the typed text stays.
    pub(in crate::ui) fn commit_record_field(&mut self) -> Result<bool> {
        let Some(editor) = &mut self.view.record else { return Ok(true) };
        if !editor.dirty {
            return Ok(true);
        }
        match editor.change(&self.view.catalog, self.view.settings.today) {
            Err(message) => {
                editor.error = Some(message);
                Ok(false)
            }
            Ok(None) => {
                editor.dirty = false;
                Ok(true)
            }
            Ok(Some(change)) => self.save_record_change(change),
        }
    }

    /// Stores a change of the record editor: the record itself, or a step of the
    /// case (a meeting's date, the decision) through the process's rules.
    pub(in crate::ui) fn save_record_change(&mut self, change: Change) -> Result<bool> {
        let Some(editor) = &mut self.view.record else { return Ok(true) };
        let id = editor.case.id;
        let stored = match (&change, editor.minutes()) {
            (Change::Record(record), Some((number, _))) => {
                let today = self.view.settings.today;
                self.store.save_meeting_record_in(id, number, record, today, &mut editor.sitting).map(|()| None)
            }
            (Change::Record(_), None) => Ok(None),
            (Change::Case(action), _) => self.store.apply(id, action, self.view.settings.today).map(Some),
            (Change::Discussion(meeting), _) => self.store.save_discussion(meeting).map(|()| None),
        };
        match stored {
            Ok(case) => {
                self.view.message = Some(match editor.focused().filter(|_| editor.agenda.is_none()) {
                    Some(field) => self.view.catalog.f("record.saved", &[("field", &field.label)]),
                    None => self.view.catalog.t("form.saved").to_string(),
                });
                editor.saved(&self.view.catalog, change, case);
                Ok(true)
            }
            Err(error) => {
                editor.error = Some(explain(&self.view.catalog, &error));
                Ok(false)
            }
        }
    }
}
