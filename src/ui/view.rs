//! What the screens show, as plain data: no store, no files. Keys change it
//! through `App`; drawing reads it, so a screen can be drawn in a test from a
//! view built in memory.

use super::confirm::Confirm;
use super::detail::DetailView;
use super::discussions::AgendaView;
use super::form::Form;
use super::keymap::{self, Binding};
use super::kit::KitFiles;
use super::line_input::LineInput;
use super::merge::MergeEdit;
use super::pager::CasePager;
use super::record::RecordEditor;
use crate::config::Role;
use crate::config::Settings;
use crate::domain::DiscussionMeeting;
use crate::i18n::Catalog;
use crate::store::{CaseQuery, ConsentWarnings, KitConflict, Order, PptCounts, StageCounts, StatusFilter};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Start,
    /// The PPT adviser's start screen.
    Ppt,
    List,
    Detail,
    /// The discussion meetings with PPT.
    Discussions,
    /// The agenda of one discussion meeting.
    Agenda,
    /// The visit-day kit and the conflicts imports left.
    Kit,
}

/// Below this the screens cannot be read; a message says so instead.
pub const MIN_SIZE: (u16, u16) = (60, 16);

/// Rows of a screen that are not list rows: header, column titles, message, two of keys.
const CHROME_ROWS: u16 = 5;
/// The most rows a status message takes before it is cut.
const MESSAGE_ROWS: u16 = 3;

/// Rows `text` takes wrapped at word boundaries within `width` columns, a word
/// wider than a row broken over rows.
pub fn wrapped_rows(text: &str, width: usize) -> u16 {
    use unicode_width::UnicodeWidthStr;
    let width = width.max(1);
    let (mut rows, mut used) = (1usize, 0usize);
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = word.width();
        if used > 0 && used + 1 + w <= width {
            used += 1 + w;
            continue;
        }
        if used > 0 {
            rows += 1;
        }
        // The word starts a row, and runs on over as many as it needs.
        rows += (w.max(1) - 1) / width;
        used = (w.max(1) - 1) % width + 1;
    }
    u16::try_from(rows).unwrap_or(u16::MAX)
}

pub struct View {
    pub settings: Settings,
    pub catalog: Catalog,
    /// The screens opened, the one shown last; Esc goes back one. Never empty:
    /// the role's start screen is at the bottom.
    screens: Vec<Screen>,
    pub start: CasePager,
    /// The adviser's tracks, by next PPT deadline or as the waiting list.
    pub ppt: CasePager,
    pub ppt_counts: PptCounts,
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
    /// The kit files offered to read in, over the kit screen.
    pub kit_files: Option<KitFiles>,
    /// A conflict's value being written from both, over the kit screen.
    pub merge: Option<MergeEdit>,
    pub list: CasePager,
    /// The search field while `/` is active.
    pub search: Option<LineInput>,
    /// The case list waits for its searcher: it shows the last result meanwhile.
    pub searching: bool,
    pub detail: Option<DetailView>,
    /// The popups, drawn in this order over the screen: the meeting record
    /// editor, a form, help, and a question on top.
    pub record: Option<RecordEditor>,
    pub form: Option<Form>,
    /// The steps of PPT's track offered for this case, over the case view.
    pub ppt_steps: Option<uuid::Uuid>,
    pub help: bool,
    pub confirm: Option<Confirm>,
    /// A one-line message: what just happened, or why it did not.
    pub message: Option<String>,
    /// Terminal size, for paging.
    pub size: (u16, u16),
}

impl View {
    /// The start screen with nothing read yet.
    pub fn new(settings: &Settings, size: (u16, u16)) -> View {
        View {
            settings: settings.clone(),
            catalog: Catalog::new(settings.lang),
            screens: vec![match settings.role {
                Role::School => Screen::Start,
                Role::Ppt => Screen::Ppt,
            }],
            start: CasePager::new(CaseQuery {
                status: StatusFilter::Open,
                order: Order::Urgency,
                ..CaseQuery::default()
            }),
            ppt: CasePager::new(super::ppt_start::query(false)),
            ppt_counts: PptCounts::default(),
            counts: StageCounts::default(),
            warnings: ConsentWarnings::default(),
            unsent_forms: Vec::new(),
            discussions: Vec::new(),
            discussion_selected: 0,
            agenda: None,
            kit_conflicts: Vec::new(),
            kit_selected: 0,
            kit_full: None,
            kit_files: None,
            merge: None,
            list: CasePager::new(CaseQuery {
                status: StatusFilter::Open,
                order: Order::Newest,
                ..CaseQuery::default()
            }),
            search: None,
            searching: false,
            detail: None,
            record: None,
            form: None,
            ppt_steps: None,
            help: false,
            confirm: None,
            message: None,
            size,
        }
    }

    /// The screen shown.
    pub fn screen(&self) -> Screen {
        *self.screens.last().unwrap_or(&Screen::Start)
    }

    /// Shows `screen` over the one shown, or stays where it already is.
    pub fn open(&mut self, screen: Screen) {
        if self.screen() != screen {
            self.screens.push(screen);
        }
    }

    /// Shows one of the start screens: back to it where it was opened before
    /// (so that the two never pile up), over the others where not.
    pub fn switch_to(&mut self, screen: Screen) {
        match self.screens.iter().position(|s| *s == screen) {
            Some(at) => self.screens.truncate(at + 1),
            None => self.screens.push(screen),
        }
    }

    /// Back to the screen before, never past the start screen.
    pub fn back(&mut self) {
        if self.screens.len() > 1 {
            self.screens.pop();
        }
    }

    /// The terminal is too small to show anything but the notice that says so.
    pub fn too_small(&self) -> bool {
        self.size.0 < MIN_SIZE.0 || self.size.1 < MIN_SIZE.1
    }

    /// Rows a list can show at the current size.
    pub fn page_height(&self) -> u64 {
        // The start screen's counts take two rows and its warnings one each; the
        // list's filters one.
        let chrome = match self.screen() {
            Screen::Start => CHROME_ROWS + 2 + super::start::warning_rows(self),
            Screen::Ppt => CHROME_ROWS + super::ppt_start::HEADER_ROWS + super::start::warning_rows(self),
            _ => CHROME_ROWS + 1,
        } + self.message_rows()
            - 1;
        u64::from(self.size.1.saturating_sub(chrome).max(1))
    }

    /// Rows the status message takes: it wraps rather than being cut (a path, an
    /// import summary), up to three rows.
    pub fn message_rows(&self) -> u16 {
        let width = usize::from(self.size.0.saturating_sub(1).max(1));
        self.shown_message().map_or(1, |text| wrapped_rows(&text, width).clamp(1, MESSAGE_ROWS))
    }

    /// The status message as shown: a path too long for a row is cut from the
    /// left, its file name kept.
    pub fn shown_message(&self) -> Option<std::borrow::Cow<'_, str>> {
        let width = usize::from(self.size.0.saturating_sub(2).max(1));
        self.message.as_deref().map(|text| crate::domain::shorten_paths(text, width))
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
        } else if self.ppt_steps.is_some() {
            keymap::PPT_STEPS
        } else if self.kit_files.is_some() {
            keymap::KIT_FILES
        } else if self.merge.is_some() {
            keymap::MERGE
        } else if self.search.is_some() {
            keymap::SEARCH
        } else {
            self.screen_bindings()
        }
    }

    pub fn screen_bindings(&self) -> &'static [Binding] {
        match self.screen() {
            Screen::Start => keymap::START,
            Screen::Ppt => keymap::PPT_START,
            Screen::List => keymap::LIST,
            Screen::Detail => keymap::DETAIL,
            Screen::Discussions => keymap::DISCUSSIONS,
            Screen::Agenda => keymap::AGENDA_SCREEN,
            Screen::Kit if self.kit_full.is_some() => keymap::KIT_FULL,
            Screen::Kit => keymap::KIT_SCREEN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{drawn, view};
    use super::*;

    #[test]
    fn words_wrap_and_a_long_word_runs_over_rows() {
        assert_eq!(wrapped_rows("", 10), 1);
        assert_eq!(wrapped_rows("en to tre", 9), 1);
        assert_eq!(wrapped_rows("en to tre", 8), 2);
        assert_eq!(wrapped_rows(&"x".repeat(25), 10), 3);
        assert_eq!(wrapped_rows(&format!("Lagret: {}", "x".repeat(12)), 10), 3, "the word moves to a row of its own");
        assert_eq!(wrapped_rows("æøå æøå", 3), 2, "columns, not bytes");
    }

    #[test]
    fn a_long_message_wraps_in_full_at_80_columns_and_the_list_makes_room() {
        let mut view = view();
        view.open(Screen::List);
        let before = view.page_height();
        let path = "/home/åse/Dokumenter/saksgang/besokspakke-bjørkåsen-2026-12-03.age";
        let message = format!("Importert fra {path}. Nye saker: 1, oppdatert: 2, uendret: 14, med konflikter: 1.");
        view.message = Some(message);
        let rows = view.message_rows();
        assert!(rows >= 2, "{rows}");
        assert_eq!(view.page_height(), before - u64::from(rows - 1), "the list gives the message its rows");
        let screen: String = {
            let backend = drawn(&view);
            let buffer = backend.buffer();
            (0..buffer.area.height)
                .map(|y| (0..buffer.area.width).map(|x| buffer[(x, y)].symbol()).collect::<String>())
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert!(screen.contains(&format!("{path}.")), "the path on one row: {screen}");
        assert!(screen.contains("med konflikter: 1."), "{screen}");
    }
}
