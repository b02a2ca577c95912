//! The record editor without a terminal: keys in, fields and changes out.

use super::*;
use crate::domain::case::tests::{date, sample_case};
use crate::i18n::Lang;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn type_text(editor: &mut RecordEditor, text: &str) {
    for ch in text.chars() {
        editor.edit(key(KeyCode::Char(ch)));
    }
}

fn editor(number: u8) -> (Catalog, RecordEditor) {
    let c = Catalog::new(Lang::Nb);
    let editor = RecordEditor::open(
        &c,
        sample_case(),
        MeetingNo::new(number).unwrap(),
        None,
        Vec::new(),
        Vec::new(),
        date(2026, 11, 24),
    );
    (c, editor)
}

fn focus_on(editor: &mut RecordEditor, target: Target) {
    for (s, section) in editor.sections.iter().enumerate() {
        if let Some(f) = section.fields.iter().position(|f| f.target == target) {
            editor.section = s;
            editor.focus = f;
            return;
        }
    }
    panic!("no field {target:?}");
}

#[test]
fn a_new_record_starts_from_the_form() {
    let (c, editor) = editor(1);
    assert_eq!(editor.minutes().unwrap().1.purpose, c.t("record.purpose1"));
    assert_eq!(editor.minutes().unwrap().1.participants[0].name, "Åse Ødegård");
    assert_eq!(editor.minutes().unwrap().1.participants[0].role, Role::ContactTeacher);
    assert_eq!(editor.minutes().unwrap().1.tasks.iter().map(|t| t.kind).collect::<Vec<_>>(), TaskKind::ALL);
    let titles: Vec<_> = editor.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Møtet",
            "Til stede · anonym sak: elev og foresatte med rolle, uten navn",
            "Situasjonsbeskrivelse",
            "Ansvar for å innhente informasjon",
            "Veien videre"
        ],
        "the case has no consent: the editor says it is anonymous"
    );
}

#[test]
fn typing_q_and_j_in_a_field_is_text() {
    let (c, mut editor) = editor(1);
    focus_on(&mut editor, Target::Statement(Party::Pupil));
    type_text(&mut editor, "jeg liker ikke å være ute; quiz");
    editor.edit(key(KeyCode::Enter));
    type_text(&mut editor, "ÆØÅ");
    assert!(editor.dirty);
    let Ok(Some(Change::Record(record))) = editor.change(&c, date(2026, 11, 24)) else { panic!() };
    assert_eq!(record.statements[Party::Pupil.index()], "jeg liker ikke å være ute; quiz\nÆØÅ");
    assert!(record.has_pupil_voice());
}

#[test]
fn a_pasted_text_keeps_its_lines_in_a_text_field_and_not_in_a_line() {
    let (c, mut editor) = editor(1);
    focus_on(&mut editor, Target::Statement(Party::Guardians));
    editor.paste("Mor: søvnen er dårlig\r\nFar: enig\n");
    let Ok(Some(Change::Record(record))) = editor.change(&c, date(2026, 11, 24)) else { panic!() };
    assert_eq!(record.statements[Party::Guardians.index()], "Mor: søvnen er dårlig\nFar: enig\n");
    focus_on(&mut editor, Target::Place);
    editor.paste("Rom 1\nRom 2");
    assert_eq!(editor.focused().unwrap().text(), "Rom 1 Rom 2");
}

#[test]
fn undo_takes_back_typing_a_word_at_a_time() {
    let (_, mut editor) = editor(1);
    focus_on(&mut editor, Target::Place);
    let before = editor.focused().unwrap().text();
    type_text(&mut editor, "Biblioteket nord");
    editor.edit(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    assert_eq!(editor.focused().unwrap().text(), format!("{before}Biblioteket "), "Ctrl-U takes back a word");
    editor.edit(KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL));
    assert_eq!(editor.focused().unwrap().text(), before, "Ctrl-Z undoes as Ctrl-U does");
}

#[test]
fn a_time_that_does_not_exist_is_refused_and_kept() {
    let (c, mut editor) = editor(1);
    focus_on(&mut editor, Target::Time);
    type_text(&mut editor, "25:00");
    let message = editor.change(&c, date(2026, 11, 24)).unwrap_err();
    assert!(message.contains("25:00"), "{message}");
    assert_eq!(editor.focused().unwrap().text(), "25:00");
}

#[test]
fn the_meeting_date_is_the_process_step() {
    let (c, mut editor) = editor(1);
    let today = date(2026, 11, 24);
    type_text(&mut editor, "10.11.2026");
    let change = editor.change(&c, today).unwrap();
    let number = MeetingNo::new(1).unwrap();
    assert_eq!(change, Some(Change::Case(Action::RecordMeeting { number, date: date(2026, 11, 10) })));
    let mut future = RecordEditor::open(&c, sample_case(), number, None, Vec::new(), Vec::new(), date(2026, 11, 24));
    type_text(&mut future, "01.12.2026");
    assert_eq!(
        future.change(&c, today).unwrap(),
        Some(Change::Case(Action::PlanMeeting { number, date: date(2026, 12, 1) }))
    );
    let mut wrong = RecordEditor::open(&c, sample_case(), number, None, Vec::new(), Vec::new(), date(2026, 11, 24));
    type_text(&mut wrong, "31.02.2026");
    assert!(wrong.change(&c, today).unwrap_err().contains("31.02.2026"));
}

#[test]
fn a_measure_ending_before_it_starts_is_refused_at_the_field() {
    let (c, mut editor) = editor(2);
    editor.move_section(3);
    assert_eq!(editor.sections[3].rows, Some(Rows::Measures));
    let record = editor.add_row().unwrap();
    editor.saved(&c, Change::Record(record), None);
    focus_on(&mut editor, Target::Measure(0, MeasurePart::Starts));
    type_text(&mut editor, "01.12.2026");
    let Ok(Some(Change::Record(record))) = editor.change(&c, date(2026, 11, 24)) else { panic!() };
    editor.saved(&c, Change::Record(record), None);
    focus_on(&mut editor, Target::Measure(0, MeasurePart::Ends));
    type_text(&mut editor, "01.11.2026");
    assert_eq!(editor.change(&c, date(2026, 11, 24)).unwrap_err(), c.t("record.period"));
}

#[test]
fn rows_are_added_after_the_focus_and_removed() {
    let (c, mut editor) = editor(1);
    focus_on(&mut editor, Target::Participant(0, ParticipantPart::Role));
    let record = editor.add_row().unwrap();
    assert_eq!(record.participants.len(), 3);
    assert_eq!(record.participants[1].role, Role::Guardian);
    editor.saved(&c, Change::Record(record), None);
    assert_eq!(editor.focused().unwrap().target, Target::Participant(1, ParticipantPart::Name));
    assert_eq!(editor.row_name().as_deref(), Some("Deltaker 2"));
    let fewer = editor.without_focused_row().unwrap();
    assert_eq!(fewer.participants.len(), 2);
    focus_on(&mut editor, Target::Place);
    assert!(editor.add_row().is_none() && editor.without_focused_row().is_none());
}

#[test]
fn meeting_3_evaluates_each_measure_by_each_party() {
    let c = Catalog::new(Lang::Nb);
    let measure = Measure {
        id: 7,
        content: "Lesekurs".into(),
        scope: String::new(),
        organisation: String::new(),
        starts_on: None,
        ends_on: None,
        responsible: String::new(),
    };
    let number = MeetingNo::new(3).unwrap();
    let mut editor = RecordEditor::open(&c, sample_case(), number, None, vec![measure], Vec::new(), date(2026, 11, 24));
    focus_on(&mut editor, Target::Evaluation(7, Party::Pupil, EvaluationPart::WentWell));
    type_text(&mut editor, "Å lese sammen");
    let Ok(Some(Change::Record(record))) = editor.change(&c, date(2026, 11, 24)) else { panic!() };
    assert_eq!(record.evaluation(7, Party::Pupil).went_well, "Å lese sammen");
    let effect = editor.sections.iter().find(|s| s.title == "Effekt av tiltak").unwrap();
    assert_eq!(effect.fields.len(), 12);
    assert_eq!(effect.fields[0].heading.as_deref(), Some("Tiltak 1: Lesekurs"));
}

#[test]
fn tab_runs_through_every_part_and_around() {
    let (c, mut editor) = editor(2);
    // An empty list is a stop of its own.
    let total: usize = editor.sections.iter().map(|s| s.fields.len().max(s.rows.is_some() as usize)).sum();
    let measures = editor.sections.iter().position(|s| s.rows == Some(Rows::Measures)).unwrap();
    while editor.section != measures {
        editor.move_focus(1);
    }
    assert!(editor.focused().is_none(), "Tab stops on meeting 2's measures while there are none");
    let note = editor.sections[measures].empty_note.as_deref().unwrap();
    assert_eq!(note, c.t("record.no_measures_yet"));
    assert!(note.contains("F3"));
    (editor.section, editor.focus) = (0, 0);
    for _ in 0..total {
        editor.move_focus(1);
    }
    assert_eq!((editor.section, editor.focus), (0, 0));
    editor.move_focus(-1);
    assert_eq!(editor.section, editor.sections.len() - 1);
}

#[test]
fn the_meeting_1_editor_over_its_case_from_a_view_in_memory() {
    let (_, editor) = editor(1);
    let mut view = crate::ui::testing::view();
    view.record = Some(editor);
    insta::assert_snapshot!(crate::ui::testing::drawn(&view));
}

#[test]
fn help_over_the_editor_lists_every_key_a_field_takes() {
    let (c, editor) = editor(1);
    let mut view = crate::ui::testing::view();
    view.record = Some(editor);
    view.help = true;
    let screen = format!("{:?}", crate::ui::testing::drawn(&view).buffer());
    for key in crate::ui::keymap::FIELD_KEYS {
        // The first words of each line are its keys.
        let keys: String = c.t(key).split_whitespace().take(2).collect::<Vec<_>>().join(" ");
        assert!(screen.contains(&keys), "help misses {key}: {keys}");
    }
}

#[test]
fn the_days_of_approval_and_sending_home_are_checked_where_they_are_typed() {
    let (c, mut editor) = editor(1);
    let today = date(2026, 11, 24);
    focus_on(&mut editor, Target::ApprovedOn);
    type_text(&mut editor, "25.11.2026");
    let message = editor.change(&c, today).unwrap_err();
    assert_eq!(message, "Godkjenningsdagen kan ikke være etter i dag.");
    assert_eq!(editor.focused().unwrap().text(), "25.11.2026", "what was typed stays");
    let mut approved = editor.minutes().unwrap().1.clone();
    approved.approved_on = Some(date(2026, 11, 20));
    editor.saved(&c, Change::Record(approved), None);
    focus_on(&mut editor, Target::SentHome);
    type_text(&mut editor, "19.11.2026");
    let message = editor.change(&c, today).unwrap_err();
    assert!(message.contains("før det er godkjent (20.11.2026)"), "{message}");
}

#[test]
fn a_next_meeting_planned_after_its_deadline_is_warned_at_its_field() {
    let c = Catalog::new(Lang::Nb);
    let today = date(2026, 11, 24);
    let (one, two) = (MeetingNo::new(1).unwrap(), MeetingNo::new(2).unwrap());
    let held = sample_case().apply(&Action::RecordMeeting { number: one, date: date(2026, 11, 1) }, today).unwrap();
    let late = held.apply(&Action::PlanMeeting { number: two, date: date(2026, 12, 3) }, today).unwrap();
    let mut editor = RecordEditor::open(&c, late, one, None, Vec::new(), Vec::new(), today);
    focus_on(&mut editor, Target::NextDate);
    let warning = editor.focused().unwrap().warning.clone();
    assert_eq!(warning.as_deref(), Some("Etter fristen: møte 2 skal holdes senest 01.12.2026."));
    let mut view = crate::ui::testing::view();
    view.record = Some(editor);
    let screen = format!("{:?}", crate::ui::testing::drawn(&view).buffer());
    assert!(screen.contains("⚠ Etter fristen: møte 2 skal holdes senest 01.12.2026."), "drawn under the field");
    let mut editor = view.record.take().unwrap();
    let on_time = held.apply(&Action::PlanMeeting { number: two, date: date(2026, 11, 30) }, today).unwrap();
    editor.saved(&c, Change::Case(Action::PlanMeeting { number: two, date: date(2026, 11, 30) }), Some(on_time));
    assert_eq!(editor.focused().unwrap().warning, None, "the warning goes with the late date");
}

#[test]
fn minutes_sent_home_say_so_over_every_part_of_the_editor() {
    let c = Catalog::new(Lang::Nb);
    let record = MeetingRecord { sent_home_on: Some(date(2026, 11, 20)), ..MeetingRecord::default() };
    let number = MeetingNo::new(1).unwrap();
    let mut editor =
        RecordEditor::open(&c, sample_case(), number, Some(record), Vec::new(), Vec::new(), date(2026, 11, 24));
    editor.move_section(2);
    let mut view = crate::ui::testing::view();
    view.record = Some(editor);
    let screen = format!("{:?}", crate::ui::testing::drawn(&view).buffer());
    assert!(screen.contains("⚠ Sendt hjem 20.11.2026: en endring gir familien en annen versjon"), "{screen}");
}

#[test]
fn the_previous_meetings_participants_come_in_with_one_key_and_nobody_twice() {
    let c = Catalog::new(Lang::Nb);
    let person = |name: &str, role| Participant { name: name.into(), role, role_text: String::new() };
    let earlier = vec![
        person("Åse Ødegård", Role::ContactTeacher),
        person("Kari Bø", Role::Coordinator),
        person("Guro Løvås", Role::Guardian),
    ];
    let number = MeetingNo::new(2).unwrap();
    let editor = RecordEditor::open(&c, sample_case(), number, None, Vec::new(), earlier, date(2026, 11, 24));
    let (record, added) = editor.with_earlier_participants().unwrap();
    assert_eq!(added, 2, "the contact teacher is listed already");
    let names: Vec<&str> = record.participants.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Åse Ødegård", "", "Kari Bø", ""], "a case without consent gets the guardian by role only");
    assert_eq!(record.participants[3].role, Role::Guardian);
    let mut again = editor;
    again.saved(&c, Change::Record(record), None);
    assert!(again.with_earlier_participants().is_none(), "nobody comes in twice");
}

#[test]
fn the_field_marker_does_not_show_beside_the_agenda_checklist() {
    let (_, editor) = editor(1);
    let mut view = crate::ui::testing::view();
    view.record = Some(editor);
    let screen = format!("{:?}", crate::ui::testing::drawn(&view).buffer());
    assert!(screen.contains('▶'), "the focused field is marked");
    view.record.as_mut().unwrap().agenda = Some(0);
    let screen = format!("{:?}", crate::ui::testing::drawn(&view).buffer());
    assert!(!screen.contains('▶'), "{screen}");
}
