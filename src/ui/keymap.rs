//! One table of keys per screen: it drives dispatch, the hints at the bottom and
//! the `?` help, so the three can never disagree.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::form::PptForm;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    Open,
    Back,
    Quit,
    Help,
    NewCase,
    ShowList,
    /// The school's start screen, from the adviser's.
    ShowSchoolStart,
    /// The adviser's start screen, from the school's.
    ShowPptStart,
    /// The adviser's list between next deadline and the waiting list.
    ToggleWaitingList,
    Search,
    CycleStage,
    CycleStatus,
    Edit,
    Plan,
    Record,
    Decide,
    Referral,
    Close,
    Reopen,
    RecordConsent,
    WithdrawConsent,
    EditIdentity,
    EraseExpired,
    /// The record of meeting 1, 2 or 3.
    OpenRecord(u8),
    // In the meeting record editor:
    NextSection,
    PrevSection,
    Agenda,
    AddRow,
    /// The previous meeting's participants, into this meeting's list.
    EarlierParticipants,
    RemoveRow,
    Toggle,
    ExportPdf,
    ExportMarkdown,
    // Discussion meetings with PPT:
    ShowDiscussions,
    AddToAgenda,
    RemoveFromAgenda,
    FormSent,
    // The visit-day kit:
    ShowKit,
    ExportKit,
    ImportKit,
    KeepHere,
    TakeKit,
    /// A conflict's value written from both sides.
    EditMerged,
    // In forms and the search field, where printable keys are text:
    NextField,
    PrevField,
    Submit,
    Cancel,
    /// The steps of PPT's track, over the case view.
    PptSteps,
    /// One step's form.
    PptStep(PptForm),
    // In a confirmation:
    Yes,
    /// The second answer of a choice between two ways on (discard, where yes saves).
    No,
}

#[derive(Clone, Copy)]
pub struct Binding {
    pub keys: &'static [KeyCode],
    pub command: Command,
    /// Catalogue key of the hint; `None` for a key described by another binding's hint.
    pub hint: Option<&'static str>,
    /// Shown at the bottom of the screen as well as in the help.
    pub footer: bool,
}

const fn bind(keys: &'static [KeyCode], command: Command, hint: Option<&'static str>, footer: bool) -> Binding {
    Binding { keys, command, hint, footer }
}

use Command as C;
use KeyCode as K;

const MOVE: [Binding; 6] = [
    bind(&[K::Up, K::Char('k')], C::Up, Some("keys.up_down"), true),
    bind(&[K::Down, K::Char('j')], C::Down, None, false),
    bind(&[K::PageUp], C::PageUp, Some("keys.page"), false),
    bind(&[K::PageDown], C::PageDown, None, false),
    bind(&[K::Home, K::Char('g')], C::First, Some("keys.home_end"), false),
    bind(&[K::End, K::Char('G')], C::Last, None, false),
];

pub const START: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    MOVE[2],
    MOVE[3],
    MOVE[4],
    MOVE[5],
    bind(&[K::Enter], C::Open, Some("keys.open"), true),
    bind(&[K::Char('n')], C::NewCase, Some("keys.new"), true),
    bind(&[K::Char('l'), K::Tab], C::ShowList, Some("keys.list"), true),
    bind(&[K::Char('d')], C::ShowDiscussions, Some("keys.discussions"), true),
    bind(&[K::Char('p')], C::ShowKit, Some("keys.kit"), true),
    bind(&[K::Char('r')], C::ShowPptStart, Some("keys.ppt_start"), false),
    bind(&[K::Char('x')], C::EraseExpired, Some("keys.erase_expired"), false),
    bind(&[K::Char('?'), K::F(1)], C::Help, Some("keys.help"), true),
    bind(&[K::Char('q')], C::Quit, Some("keys.quit"), true),
];

/// The PPT adviser's start screen.
pub const PPT_START: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    MOVE[2],
    MOVE[3],
    MOVE[4],
    MOVE[5],
    bind(&[K::Enter], C::Open, Some("keys.open"), true),
    bind(&[K::Char('v')], C::ToggleWaitingList, Some("keys.waiting_list"), true),
    bind(&[K::Char('s')], C::ShowSchoolStart, Some("keys.school_start"), true),
    bind(&[K::Char('l'), K::Tab], C::ShowList, Some("keys.list"), true),
    bind(&[K::Char('d')], C::ShowDiscussions, Some("keys.discussions"), false),
    bind(&[K::Char('p')], C::ShowKit, Some("keys.kit"), true),
    bind(&[K::Char('x')], C::EraseExpired, Some("keys.erase_expired"), false),
    bind(&[K::Char('?'), K::F(1)], C::Help, Some("keys.help"), true),
    bind(&[K::Char('q')], C::Quit, Some("keys.quit"), true),
];

pub const LIST: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    MOVE[2],
    MOVE[3],
    MOVE[4],
    MOVE[5],
    bind(&[K::Enter], C::Open, Some("keys.open"), true),
    bind(&[K::Char('/')], C::Search, Some("keys.search"), true),
    bind(&[K::Char('s')], C::CycleStage, Some("keys.filter_stage"), true),
    bind(&[K::Char('a')], C::CycleStatus, Some("keys.filter_status"), true),
    bind(&[K::Char('n')], C::NewCase, Some("keys.new"), false),
    bind(&[K::Esc, K::BackTab], C::Back, Some("keys.start"), true),
    bind(&[K::Char('?'), K::F(1)], C::Help, Some("keys.help"), true),
    bind(&[K::Char('q')], C::Quit, Some("keys.quit"), true),
];

pub const DETAIL: &[Binding] = &[
    bind(&[K::Char('e')], C::Edit, Some("keys.edit"), true),
    bind(&[K::Char('p')], C::Plan, Some("keys.plan"), true),
    bind(&[K::Char('m')], C::Record, Some("keys.record"), true),
    bind(&[K::Char('v')], C::Decide, Some("keys.decide"), true),
    bind(&[K::Char('h')], C::Referral, Some("keys.referral"), true),
    bind(&[K::Char('c')], C::Close, Some("keys.close"), true),
    bind(&[K::Char('o')], C::Reopen, Some("keys.reopen"), false),
    bind(&[K::Char('s')], C::RecordConsent, Some("keys.consent"), true),
    bind(&[K::Char('t')], C::WithdrawConsent, Some("keys.withdraw"), false),
    bind(&[K::Char('i')], C::EditIdentity, Some("keys.identity"), false),
    bind(&[K::Char('r')], C::PptSteps, Some("keys.ppt_steps"), true),
    bind(&[K::Char('1')], C::OpenRecord(1), Some("keys.records"), true),
    bind(&[K::Char('2')], C::OpenRecord(2), None, false),
    bind(&[K::Char('3')], C::OpenRecord(3), None, false),
    bind(&[K::Up, K::Char('k')], C::Up, Some("keys.scroll"), false),
    bind(&[K::Down, K::Char('j')], C::Down, None, false),
    bind(&[K::Esc, K::Backspace], C::Back, Some("keys.back"), true),
    bind(&[K::Char('?'), K::F(1)], C::Help, Some("keys.help"), true),
    bind(&[K::Char('q')], C::Quit, Some("keys.quit"), true),
];

/// The steps of PPT's track over the case view: a letter opens the step's form.
pub const PPT_STEPS: &[Binding] = &[
    bind(&[K::Char('m')], C::PptStep(PptForm::Received), Some("ppt_keys.received"), false),
    bind(&[K::Char('s')], C::PptStep(PptForm::Consent), Some("ppt_keys.consent"), false),
    bind(&[K::Char('t')], C::PptStep(PptForm::Assign), Some("ppt_keys.assign"), false),
    bind(&[K::Char('o')], C::PptStep(PptForm::Startup), Some("ppt_keys.startup"), false),
    bind(&[K::Char('f')], C::PptStep(PptForm::PreliminaryReply), Some("ppt_keys.preliminary_reply"), false),
    bind(&[K::Char('a')], C::PptStep(PptForm::Assessed), Some("ppt_keys.assessed"), false),
    bind(&[K::Char('v')], C::PptStep(PptForm::Decision), Some("ppt_keys.decision"), false),
    bind(&[K::Char('k')], C::PptStep(PptForm::Complaint), Some("ppt_keys.complaint"), false),
    bind(&[K::Char('r')], C::PptStep(PptForm::Revision), Some("ppt_keys.revision"), false),
    bind(&[K::Char('p')], C::PptStep(PptForm::State), Some("ppt_keys.state"), false),
    bind(&[K::F(5)], C::ExportPdf, Some("ppt_keys.letter_pdf"), false),
    bind(&[K::F(6)], C::ExportMarkdown, Some("ppt_keys.letter_md"), false),
    bind(&[K::Esc], C::Back, Some("keys.cancel"), true),
];

/// The discussion meetings with PPT, soonest first.
pub const DISCUSSIONS: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    bind(&[K::Enter], C::Open, Some("keys.open_agenda"), true),
    bind(&[K::Char('n')], C::NewCase, Some("keys.new_discussion"), true),
    bind(&[K::Esc, K::Backspace], C::Back, Some("keys.back"), true),
    bind(&[K::Char('?'), K::F(1)], C::Help, Some("keys.help"), true),
    bind(&[K::Char('q')], C::Quit, Some("keys.quit"), true),
];

/// The agenda of one discussion meeting.
pub const AGENDA_SCREEN: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    bind(&[K::Enter], C::Open, Some("keys.open_preparation"), true),
    bind(&[K::Char('a')], C::AddToAgenda, Some("keys.add_to_agenda"), true),
    bind(&[K::Char('x')], C::RemoveFromAgenda, Some("keys.remove_from_agenda"), true),
    bind(&[K::Char('s')], C::FormSent, Some("keys.form_sent"), true),
    bind(&[K::F(5)], C::ExportPdf, Some("keys.export_pdf"), true),
    bind(&[K::F(6)], C::ExportMarkdown, Some("keys.export_md"), false),
    bind(&[K::Esc, K::Backspace], C::Back, Some("keys.back"), true),
    bind(&[K::Char('?'), K::F(1)], C::Help, Some("keys.help"), true),
    bind(&[K::Char('q')], C::Quit, Some("keys.quit"), true),
];

/// The visit-day kit: writing one, reading one in, and the conflicts imports left.
pub const KIT_SCREEN: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    bind(&[K::Enter], C::Open, Some("keys.kit_full"), true),
    MOVE[2],
    MOVE[3],
    bind(&[K::Char('h')], C::KeepHere, Some("keys.keep_here"), true),
    bind(&[K::Char('t')], C::TakeKit, Some("keys.take_kit"), true),
    bind(&[K::Char('r')], C::EditMerged, Some("keys.edit_merged"), true),
    bind(&[K::Char('e')], C::ExportKit, Some("keys.export_kit"), true),
    bind(&[K::Char('i')], C::ImportKit, Some("keys.import_kit"), true),
    bind(&[K::Esc, K::Backspace], C::Back, Some("keys.back"), true),
    bind(&[K::Char('?'), K::F(1)], C::Help, Some("keys.help"), true),
    bind(&[K::Char('q')], C::Quit, Some("keys.quit"), true),
];

/// One of a kit's conflicts shown in full: scrolled, settled, or left for the list.
pub const KIT_FULL: &[Binding] = &[
    bind(&[K::PageUp], C::PageUp, Some("keys.page"), true),
    bind(&[K::PageDown], C::PageDown, None, false),
    bind(&[K::Up, K::Char('k')], C::Up, Some("keys.other_conflict"), true),
    bind(&[K::Down, K::Char('j')], C::Down, None, false),
    bind(&[K::Char('h')], C::KeepHere, Some("keys.keep_here"), true),
    bind(&[K::Char('t')], C::TakeKit, Some("keys.take_kit"), true),
    bind(&[K::Char('r')], C::EditMerged, Some("keys.edit_merged"), true),
    bind(&[K::Esc, K::Backspace, K::Enter], C::Back, Some("keys.back_to_list"), true),
    bind(&[K::Char('?'), K::F(1)], C::Help, Some("keys.help"), true),
    bind(&[K::Char('q')], C::Quit, Some("keys.quit"), true),
];

/// The kit files to read in, over the kit screen.
pub const KIT_FILES: &[Binding] = &[
    bind(&[K::Up, K::Char('k')], C::Up, Some("keys.up_down"), true),
    bind(&[K::Down, K::Char('j')], C::Down, None, false),
    bind(&[K::Enter], C::Open, Some("keys.choose_file"), true),
    bind(&[K::Esc], C::Back, Some("keys.cancel"), true),
];

/// A conflict's value written from both: every other key is text, Enter too.
pub const MERGE: &[Binding] = &[
    bind(&[K::F(2)], C::Submit, Some("keys.save_merged"), true),
    bind(&[K::Esc], C::Cancel, Some("keys.cancel"), true),
];

/// In a form every printable key is text; only these keys act.
pub const FORM: &[Binding] = &[
    bind(&[K::Tab, K::Down], C::NextField, Some("keys.next_field"), true),
    bind(&[K::BackTab, K::Up], C::PrevField, Some("keys.prev_field"), true),
    bind(&[K::Enter], C::Submit, Some("keys.save"), true),
    bind(&[K::Esc], C::Cancel, Some("keys.cancel"), true),
];

/// In the meeting record editor every printable key is text, Enter included in a
/// text field; a field is saved as it is left.
pub const RECORD: &[Binding] = &[
    bind(&[K::Tab], C::NextField, Some("keys.next_field"), true),
    bind(&[K::BackTab], C::PrevField, Some("keys.prev_field"), true),
    bind(&[K::PageDown], C::NextSection, Some("keys.section"), true),
    bind(&[K::PageUp], C::PrevSection, None, false),
    bind(&[K::F(2)], C::Agenda, Some("keys.agenda"), true),
    bind(&[K::F(3)], C::AddRow, Some("keys.add_row"), true),
    bind(&[K::F(4)], C::RemoveRow, Some("keys.remove_row"), true),
    bind(&[K::F(7)], C::EarlierParticipants, Some("keys.earlier_participants"), false),
    bind(&[K::F(5)], C::ExportPdf, Some("keys.export_pdf"), true),
    bind(&[K::F(6)], C::ExportMarkdown, Some("keys.export_md"), false),
    bind(&[K::Esc], C::Cancel, Some("keys.close_record"), true),
    bind(&[K::F(1)], C::Help, Some("keys.help_f1"), true),
];

/// Keys a field of the record editor takes itself (the text field, a choice, a
/// check): no commands of ours, but help lists them under the commands.
pub const FIELD_KEYS: &[&str] = &[
    "keys.field_enter",
    "keys.field_move",
    "keys.field_choose",
    "keys.field_check",
    "keys.field_delete",
    "keys.undo",
    "keys.redo",
];

/// The same editor holding a case's preparation for a discussion meeting: no
/// rows, agenda or export there.
pub const NOTES: &[Binding] = &[
    bind(&[K::Tab], C::NextField, Some("keys.next_field"), true),
    bind(&[K::BackTab], C::PrevField, Some("keys.prev_field"), true),
    bind(&[K::PageDown], C::NextSection, Some("keys.section"), true),
    bind(&[K::PageUp], C::PrevSection, None, false),
    bind(&[K::Esc], C::Cancel, Some("keys.close_record"), true),
    bind(&[K::F(1)], C::Help, Some("keys.help_f1"), true),
];

/// The agenda checklist over the record editor.
pub const AGENDA: &[Binding] = &[
    bind(&[K::Up, K::Char('k')], C::Up, Some("keys.up_down"), true),
    bind(&[K::Down, K::Char('j')], C::Down, None, false),
    bind(&[K::Char(' '), K::Enter, K::Char('x')], C::Toggle, Some("keys.toggle"), true),
    bind(&[K::Esc, K::F(2)], C::Back, Some("keys.back"), true),
];

pub const SEARCH: &[Binding] = &[
    bind(&[K::Enter, K::Down], C::Submit, Some("keys.search_done"), true),
    bind(&[K::Esc], C::Cancel, Some("keys.search_clear"), true),
];

/// A question before something is erased, deleted or closed: Enter alone says yes,
/// so that `j`, "down" everywhere else, never confirms by habit.
pub const CONFIRM: &[Binding] = &[
    bind(&[K::Enter], C::Yes, Some("keys.confirm_yes"), true),
    bind(&[K::Esc, K::Char('n'), K::Char('N')], C::Back, Some("keys.confirm_no"), true),
];

/// A choice between saving and discarding a changed field before leaving it.
pub const CHOICE: &[Binding] = &[
    bind(&[K::Enter, K::Char('j'), K::Char('J'), K::Char('y'), K::Char('Y')], C::Yes, Some("keys.choice_save"), true),
    bind(&[K::Char('n'), K::Char('N')], C::No, Some("keys.choice_discard"), true),
    bind(&[K::Esc], C::Back, Some("keys.choice_stay"), true),
];

pub const HELP: &[Binding] =
    &[bind(&[K::Esc, K::Char('?'), K::F(1), K::Char('q')], C::Back, Some("keys.help_close"), true)];

/// The command bound to a key press in `table`. Keys held with Ctrl or Alt are
/// never screen commands (Ctrl-C is handled before this).
pub fn lookup(table: &[Binding], key: KeyEvent) -> Option<Command> {
    if key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) {
        return None;
    }
    table.iter().find(|b| b.keys.contains(&key.code)).map(|b| b.command)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_in_a_table() {
        for table in [
            START,
            PPT_START,
            PPT_STEPS,
            LIST,
            DETAIL,
            DISCUSSIONS,
            AGENDA_SCREEN,
            KIT_SCREEN,
            KIT_FULL,
            KIT_FILES,
            MERGE,
            FORM,
            RECORD,
            NOTES,
            AGENDA,
            SEARCH,
            CONFIRM,
            CHOICE,
            HELP,
        ] {
            let mut seen = Vec::new();
            for key in table.iter().flat_map(|b| b.keys) {
                assert!(!seen.contains(key), "{key:?} bound twice");
                seen.push(*key);
            }
        }
    }

    #[test]
    fn every_screen_can_be_left_and_has_help() {
        for table in [START, PPT_START, LIST, DETAIL, DISCUSSIONS, AGENDA_SCREEN, KIT_SCREEN, KIT_FULL] {
            let commands: Vec<_> = table.iter().map(|b| b.command).collect();
            assert!(commands.contains(&Command::Help));
            assert!(commands.contains(&Command::Quit));
        }
    }

    #[test]
    fn only_enter_confirms_an_erasure() {
        let yes: Vec<KeyCode> =
            CONFIRM.iter().filter(|b| b.command == Command::Yes).flat_map(|b| b.keys.iter().copied()).collect();
        assert_eq!(yes, [KeyCode::Enter]);
    }

    #[test]
    fn control_keys_are_not_commands() {
        let ctrl_q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL);
        assert_eq!(lookup(START, ctrl_q), None);
        let shift_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(lookup(LIST, shift_g), Some(Command::Last));
    }
}
