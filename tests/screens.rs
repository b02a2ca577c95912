//! Rendered screens at 80×24 (`TestBackend` + insta), driven with key events.

use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;
use saksgang::config::Settings;
use saksgang::domain::{Action, CaseDetails, CaseKind, Gender, MeetingNo};
use saksgang::i18n::Lang;
use saksgang::store::Store;
use saksgang::ui::{App, Screen, Theme, render};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn settings(dir: &std::path::Path, lang: Lang) -> Settings {
    Settings {
        db_path: dir.join("s.db"),
        today: d(2026, 11, 23),
        lang,
        actor: "koordinator".into(),
        due_soon_days: 7,
        backups_kept: 0,
        consent_age: 15,
        passphrase: None,
        no_encryption: true,
        document_header: None,
        export_dir: dir.join("exports"),
        ppt_periods: saksgang::domain::ppt::PptPeriods::default(),
        role: saksgang::config::Role::School,
    }
}

/// A few cases, one in each situation the start screen tells apart.
fn app_with_cases(dir: &std::path::Path, lang: Lang, size: (u16, u16)) -> App {
    let settings = settings(dir, lang);
    let mut store = Store::open(&settings.db_path, &settings.actor, None).unwrap();
    let today = settings.today;
    let m = |n| MeetingNo::new(n).unwrap();
    let cases: [(&str, &str, &str, Vec<Action>); 5] = [
        ("Bjørkå skole", "5. trinn", "Åse Ødegård", vec![Action::RecordMeeting { number: m(1), date: d(2026, 10, 1) }]),
        (
            "Fjordtun skole",
            "7B",
            "Kåre Ås",
            vec![
                Action::RecordMeeting { number: m(1), date: d(2026, 10, 27) },
                Action::PlanMeeting { number: m(2), date: d(2026, 12, 1) },
            ],
        ),
        (
            "Granåsen skole",
            "2. trinn",
            "Liv Berg",
            vec![
                Action::RecordMeeting { number: m(1), date: d(2026, 8, 20) },
                Action::RecordMeeting { number: m(2), date: d(2026, 9, 20) },
            ],
        ),
        ("Måkeberget skole", "9A", "Per Øye", vec![]),
        ("Sølvberg skole", "10. trinn", "Ida Holm", vec![Action::Close { date: today, reason: "Flyttet".into() }]),
    ];
    for (school, grade, teacher, actions) in cases {
        let details = CaseDetails {
            kind: CaseKind::Individual,
            school: school.into(),
            grade: grade.into(),
            gender: Some(Gender::Gutt),
            teacher: teacher.into(),
            description: "Lesevansker og uro i timene".into(),
        };
        let case = store.create_case(details, d(2026, 8, 1), today).unwrap();
        for action in &actions {
            store.apply(case.id, action, today).unwrap();
        }
    }
    App::new(store, &settings, size).unwrap()
}

fn draw(app: &App, size: (u16, u16)) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
    terminal.draw(|frame| render(&app.view, &Theme::plain(), frame)).unwrap();
    terminal
}

fn press(app: &mut App, code: KeyCode) {
    app.handle_event(&Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn type_text(app: &mut App, text: &str) {
    text.chars().for_each(|c| press(app, KeyCode::Char(c)));
}

const SMALL: (u16, u16) = (80, 24);

fn snapshot(name: &str, terminal: &Terminal<TestBackend>) {
    // Audit entries carry the real time of the test run.
    // Temporary folders have random names.
    let filters = vec![(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}", "[tid]            "), (r"/\S*\.tmp\w+/", "[tmp]/")];
    insta::with_settings!({filters => filters}, {
        insta::assert_snapshot!(name, terminal.backend());
    });
}

#[test]
fn start_screen() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    snapshot("start", &draw(&app, SMALL));
}

#[test]
fn start_screen_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_cases(dir.path(), Lang::En, SMALL);
    snapshot("start_en", &draw(&app, SMALL));
}

#[test]
fn deadline_states_carry_colour_as_well_as_words() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let theme = Theme::from_env();
    terminal.draw(|frame| render(&app.view, &theme, frame)).unwrap();
    let buffer = terminal.backend().buffer();
    let row =
        (0..24).find(|y| (0..80).map(|x| buffer[(x, *y)].symbol()).collect::<String>().contains("Forfalt")).unwrap();
    let text: String = (0..80).map(|x| buffer[(x, row)].symbol()).collect();
    assert!(text.contains("!!"), "the marker is text: {text}");
    let colour_expected = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let word_start = text.find("Møte 2").unwrap();
    let x = text[..word_start].chars().count() as u16;
    let fg = buffer[(x, row)].fg;
    assert_eq!(fg == Color::Red, colour_expected, "overdue is red unless NO_COLOR: {fg:?}");
}

#[test]
fn case_list_with_a_search() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    press(&mut app, KeyCode::Char('l'));
    assert_eq!(app.view.screen(), Screen::List);
    snapshot("list", &draw(&app, SMALL));
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "ÅS");
    // Two letters find the words that start with them, at once.
    assert_eq!(app.view.list.total, 2, "Åse Ødegård and Kåre Ås; not Granåsen, where ås is inside a word");
    snapshot("list_search", &draw(&app, SMALL));
    // Typing q and j in the search field types them; it neither quits nor moves.
    type_text(&mut app, "qj");
    assert!(!app.quit);
    assert_eq!(app.view.list.query.search, "ÅSqj");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.view.list.query.search, "");
    assert_eq!(app.view.list.total, 4);
}

#[test]
fn list_filters_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    press(&mut app, KeyCode::Char('l'));
    press(&mut app, KeyCode::Char('a'));
    assert_eq!(app.view.list.total, 5, "open and closed");
    press(&mut app, KeyCode::Char('a'));
    assert_eq!(app.view.list.total, 1, "closed only");
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(app.view.list.total, 1, "internal sparring");
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(app.view.list.total, 2, "meeting 1");
}

#[test]
fn case_detail() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.view.screen(), Screen::Detail);
    snapshot("detail", &draw(&app, SMALL));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.view.screen(), Screen::Start);
}

#[test]
fn new_case_form_with_a_bad_date_keeps_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "Ærlig skole");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "3. trinn");
    for _ in 0..4 {
        press(&mut app, KeyCode::Tab);
    }
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "30.02.2026");
    press(&mut app, KeyCode::Enter);
    assert!(app.view.form.is_some(), "not saved");
    snapshot("form_bad_date", &draw(&app, SMALL));

    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "2026-11-20");
    press(&mut app, KeyCode::Enter);
    assert!(app.view.form.is_none());
    assert_eq!(app.view.screen(), Screen::Detail);
    let case = &app.view.detail.as_ref().unwrap().case;
    assert_eq!((case.reference.as_str(), case.details.school.as_str()), ("2026-006", "Ærlig skole"));
    assert_eq!(case.created, d(2026, 11, 20));
}

#[test]
fn a_refused_meeting_is_explained_at_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    press(&mut app, KeyCode::Enter); // the most urgent: Bjørkå, meeting 1 held 01.10
    press(&mut app, KeyCode::Char('m'));
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "30.09.2026");
    press(&mut app, KeyCode::Enter);
    let form = app.view.form.as_ref().expect("still open");
    assert!(form.error.as_ref().unwrap().1.contains("før forrige steg (01.10.2026)"), "{:?}", form.error);
    snapshot("form_refused", &draw(&app, SMALL));
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "20.11.2026");
    press(&mut app, KeyCode::Enter);
    assert!(app.view.form.is_none());
    let case = &app.view.detail.as_ref().unwrap().case;
    assert_eq!(case.held(MeetingNo::new(2).unwrap()), Some(d(2026, 11, 20)));
}

#[test]
fn closing_asks_first_and_escape_leaves_the_case_open() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('c'));
    type_text(&mut app, "Eleven har flyttet");
    press(&mut app, KeyCode::Enter);
    assert!(app.view.confirm.is_some());
    snapshot("confirm_close", &draw(&app, SMALL));
    press(&mut app, KeyCode::Esc);
    assert!(app.view.detail.as_ref().unwrap().case.closure.is_none());
    press(&mut app, KeyCode::Enter);
    assert!(app.view.confirm.is_some());
    press(&mut app, KeyCode::Enter);
    assert!(app.view.detail.as_ref().unwrap().case.closure.is_some());
}

#[test]
fn leaving_a_changed_form_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Esc);
    assert!(app.view.form.is_none(), "an untouched form just closes");
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "x");
    press(&mut app, KeyCode::Esc);
    assert!(app.view.confirm.is_some());
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.view.form.as_ref().unwrap().fields[1].label, "form.school");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('j'));
    assert!(app.view.form.is_some() && app.view.confirm.is_some(), "j does not throw typed text away");
    press(&mut app, KeyCode::Enter);
    assert!(app.view.form.is_none());
}

#[test]
fn help_lists_the_keys_of_the_screen() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    press(&mut app, KeyCode::Char('?'));
    assert!(app.view.help);
    snapshot("help", &draw(&app, SMALL));
    press(&mut app, KeyCode::Esc);
    assert!(!app.view.help);
    assert!(!app.quit);
}

#[test]
fn a_terminal_too_small_says_so_and_resize_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    app.handle_event(&Event::Resize(40, 10));
    let small = draw(&app, (40, 10));
    let text: String = small.backend().buffer().content().iter().map(|c| c.symbol()).collect();
    assert!(text.contains("Terminalen er for liten"), "{text}");
    // Typed blind behind the notice, keys do nothing: no form opens, no screen changes.
    type_text(&mut app, "nBjørkå skole");
    press(&mut app, KeyCode::Char('l'));
    assert!(app.view.form.is_none() && app.view.screen() == Screen::Start && !app.quit);
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit, "quitting still works");
    app.quit = false;
    app.handle_event(&Event::Resize(120, 40));
    snapshot("start_120x40", &draw(&app, (120, 40)));
}

#[test]
fn paging_through_many_cases_stays_in_step() {
    let dir = tempfile::tempdir().unwrap();
    let settings = settings(dir.path(), Lang::Nb);
    let mut store = Store::open(&settings.db_path, &settings.actor, None).unwrap();
    let demo = saksgang::demo::demo_cases(1000, settings.today, 3);
    store.create_with_history(&demo, settings.today).unwrap();
    let mut app = App::new(store, &settings, SMALL).unwrap();
    press(&mut app, KeyCode::Char('l'));
    let total = app.view.list.total;
    assert!(total > 800);
    press(&mut app, KeyCode::End);
    assert_eq!(app.view.list.selected, total - 1);
    assert!(app.view.list.selected_row().is_some(), "the window follows the selection");
    for _ in 0..30 {
        press(&mut app, KeyCode::PageUp);
        assert!(app.view.list.selected_row().is_some());
    }
    press(&mut app, KeyCode::Home);
    assert_eq!(app.view.list.selected, 0);
    for _ in 0..450 {
        press(&mut app, KeyCode::Char('j'));
    }
    assert_eq!(app.view.list.selected, 450);
    let expected = app.store.list_cases(&app.view.list.query, 450, 1).unwrap();
    assert_eq!(app.view.list.selected_row(), expected.first());
}

fn control_c(app: &mut App) {
    app.handle_event(&Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
}

#[test]
fn control_c_quits_at_once_unless_something_typed_is_unsaved() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    press(&mut app, KeyCode::Char('n'));
    control_c(&mut app);
    assert!(app.quit, "an untouched form loses nothing");

    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "q");
    control_c(&mut app);
    assert!(!app.quit);
    assert_eq!(app.view.confirm.as_ref().unwrap().text, "Skjemaet er ikke lagret. Lagre før du avslutter?");
    press(&mut app, KeyCode::Esc);
    assert!(!app.quit && app.view.confirm.is_none(), "Esc stays");
    assert!(app.view.form.as_ref().unwrap().dirty, "with what was typed");
    control_c(&mut app);
    press(&mut app, KeyCode::Enter);
    assert!(!app.quit && app.view.form.is_some(), "a form the rules refuse is not lost by saving it");
    control_c(&mut app);
    press(&mut app, KeyCode::Char('n'));
    assert!(app.quit, "no: quit without saving");
}

#[test]
fn control_c_in_the_minutes_saves_the_field_when_asked_and_then_quits() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open_case_with_two_meetings(dir.path(), SMALL);
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "Grupperom Ø");
    control_c(&mut app);
    assert!(!app.quit);
    assert_eq!(app.view.confirm.as_ref().unwrap().text, "Feltet «Møtested» er endret. Lagre før du avslutter?");
    press(&mut app, KeyCode::Enter);
    assert!(app.quit);
    let case = app.view.detail.as_ref().unwrap().case.id;
    let record = app.store.meeting_record(case, saksgang::domain::MeetingNo::new(1).unwrap()).unwrap();
    assert_eq!(record.unwrap().place, "Grupperom Ø");
}

#[test]
fn a_broad_search_counts_to_a_cap_and_the_rest_on_the_way_to_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let settings = settings(dir.path(), Lang::Nb);
    let mut store = Store::open(&settings.db_path, &settings.actor, None).unwrap();
    store.create_with_history(&saksgang::demo::demo_cases(1500, settings.today, 5), settings.today).unwrap();
    let mut app = App::new(store, &settings, SMALL).unwrap();
    press(&mut app, KeyCode::Char('l'));
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "demo");
    assert!(app.view.list.total_capped);
    let text: String = draw(&app, SMALL).backend().buffer().content().iter().map(|c| c.symbol()).collect();
    assert!(text.contains("1000+ saker"), "{text}");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::End);
    assert!(!app.view.list.total_capped);
    assert_eq!(app.view.list.total, 1500);
    assert_eq!(app.view.list.selected, 1499);
    assert!(app.view.list.selected_row().is_some());
}

#[test]
fn a_search_applies_at_every_key_short_words_as_the_start_of_a_word() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    press(&mut app, KeyCode::Char('l'));
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "fjord");
    assert_eq!(app.view.list.total, 1);
    for _ in 0..5 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "7b");
    assert_eq!(app.view.list.total, 1, "Fjordtun 7B");
    press(&mut app, KeyCode::Enter);
    assert!(app.view.search.is_none());
    assert_eq!(app.view.list.query.search, "7b");
}

#[test]
fn a_name_is_locked_until_consent_and_withdrawing_erases_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('i'));
    assert!(app.view.form.is_none(), "locked without consent");
    assert!(app.view.message.as_deref().unwrap().contains("gyldig samtykke"), "{:?}", app.view.message);

    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "Drøfting med PPT");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "20.06.2027");
    press(&mut app, KeyCode::Enter);
    assert!(app.view.form.is_none(), "{:?}", app.view.form.as_ref().and_then(|f| f.error.clone()));

    press(&mut app, KeyCode::Char('i'));
    type_text(&mut app, "Åsa Ødegård");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "14.03.2016");
    press(&mut app, KeyCode::Enter);
    let case = &app.view.detail.as_ref().unwrap().case;
    assert_eq!(case.identity.as_ref().unwrap().name, "Åsa Ødegård");
    snapshot("detail_named", &draw(&app, SMALL));

    press(&mut app, KeyCode::Char('t'));
    assert!(app.view.confirm.is_some());
    // `j` is "down": a vim habit must not confirm an erasure; only Enter does.
    for habit in ['j', 'J', 'y'] {
        press(&mut app, KeyCode::Char(habit));
        assert!(app.view.confirm.is_some(), "{habit} answered the erasure");
    }
    assert!(app.view.detail.as_ref().unwrap().case.identity.is_some());
    press(&mut app, KeyCode::Enter);
    let view = app.view.detail.as_ref().unwrap();
    assert_eq!(view.case.identity, None);
    let actions: Vec<&str> = view.audit.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.ends_with(&["consent_recorded", "identity_set", "consent_withdrawn"]), "{actions:?}");
}

#[test]
fn the_start_screen_warns_about_consents() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    let id = app.view.start.selected_row().unwrap().id;
    let consent = saksgang::domain::Consent {
        given_on: d(2026, 11, 1),
        given_by: saksgang::domain::ConsentGiver::Guardians,
        scope: String::new(),
        expires_on: Some(d(2026, 12, 1)),
        withdrawn_on: None,
    };
    app.store.apply(id, &Action::consent(consent), d(2026, 11, 23)).unwrap();
    app.handle_event(&Event::Resize(80, 24));
    let text: String = draw(&app, SMALL).backend().buffer().content().iter().map(|c| c.symbol()).collect();
    assert!(text.contains("1 samtykke utløper innen 30 dager"), "{text}");
}

const LARGE: (u16, u16) = (120, 40);

/// The detail screen of the case with meetings 1 and 2 held (Granåsen skole).
fn open_case_with_two_meetings(dir: &std::path::Path, size: (u16, u16)) -> App {
    let mut app = app_with_cases(dir, Lang::Nb, size);
    press(&mut app, KeyCode::Char('l'));
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "granåsen");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.view.screen(), Screen::Detail);
    app
}

fn part(app: &mut App, n: usize) {
    let editor = app.view.record.as_ref().expect("the record editor is open");
    let from = editor.section;
    for _ in from..n - 1 {
        press(app, KeyCode::PageDown);
    }
}

#[test]
fn meeting_1_record_shows_a_bad_time_at_its_field_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open_case_with_two_meetings(dir.path(), SMALL);
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "25:00");
    press(&mut app, KeyCode::Tab);
    snapshot("record1_bad_time", &draw(&app, SMALL));
    let editor = app.view.record.as_ref().unwrap();
    assert_eq!(editor.focused().unwrap().text(), "25:00", "the typed text stays");
    assert!(editor.error.is_some());
}

#[test]
fn meeting_1_record_situation_with_pasted_lines() {
    let dir = tempfile::tempdir().unwrap();
    for size in [SMALL, LARGE] {
        let mut app = open_case_with_two_meetings(dir.path(), size);
        press(&mut app, KeyCode::Char('1'));
        part(&mut app, 3);
        type_text(&mut app, "Uro i timene; særlig mandag.");
        press(&mut app, KeyCode::Tab);
        app.handle_event(&Event::Paste("Jeg får ikke sove.\nDet er bråk i klassen.\nÆ, Ø og Å.".into()));
        let name = format!("record1_situation_{}x{}", size.0, size.1);
        snapshot(&name, &draw(&app, size));
        press(&mut app, KeyCode::Esc);
        assert!(app.view.confirm.is_some(), "a changed field is not left without asking");
        press(&mut app, KeyCode::Char('j'));
        assert!(app.view.record.is_none());
    }
}

#[test]
fn meeting_2_record_with_a_measure() {
    let dir = tempfile::tempdir().unwrap();
    for size in [SMALL, LARGE] {
        let mut app = open_case_with_two_meetings(dir.path(), size);
        press(&mut app, KeyCode::Char('2'));
        part(&mut app, 4);
        if app.view.record.as_ref().unwrap().sections[3].fields.is_empty() {
            press(&mut app, KeyCode::F(3));
            type_text(&mut app, "Lesekurs i liten gruppe");
            for text in ["3 økter i uka", "Gruppe på fire", "01.12.2026", "01.11.2026"] {
                press(&mut app, KeyCode::Tab);
                type_text(&mut app, text);
            }
            press(&mut app, KeyCode::Tab);
            assert!(app.view.record.as_ref().unwrap().error.is_some(), "the period ends before it starts");
        }
        let name = format!("record2_measure_{}x{}", size.0, size.1);
        snapshot(&name, &draw(&app, size));
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Char('n'));
        assert!(app.view.record.is_none(), "n leaves without saving the field");
    }
}

#[test]
fn meeting_3_record_evaluates_the_measures() {
    let dir = tempfile::tempdir().unwrap();
    for size in [SMALL, LARGE] {
        let mut app = open_case_with_two_meetings(dir.path(), size);
        let id = app.view.detail.as_ref().unwrap().case.id;
        let measure = saksgang::domain::Measure {
            id: 1,
            content: "Lesekurs i liten gruppe".into(),
            scope: "3 økter i uka".into(),
            organisation: "Gruppe".into(),
            starts_on: Some(d(2026, 9, 21)),
            ends_on: Some(d(2026, 11, 13)),
            responsible: "Liv Berg".into(),
        };
        let two = saksgang::domain::MeetingRecord { measures: vec![measure], ..Default::default() };
        app.store.save_meeting_record(id, MeetingNo::new(2).unwrap(), &two, d(2026, 11, 23)).unwrap();
        press(&mut app, KeyCode::Char('3'));
        part(&mut app, 4);
        type_text(&mut app, "Han leser mer");
        press(&mut app, KeyCode::Tab);
        let name = format!("record3_effect_{}x{}", size.0, size.1);
        snapshot(&name, &draw(&app, size));
        part(&mut app, 5);
        snapshot(&format!("record3_decision_{}x{}", size.0, size.1), &draw(&app, size));
        press(&mut app, KeyCode::Esc);
        snapshot(&format!("detail_with_records_{}x{}", size.0, size.1), &draw(&app, size));
    }
}

#[test]
fn the_agenda_checklist_opens_over_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open_case_with_two_meetings(dir.path(), SMALL);
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::F(2));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char(' '));
    snapshot("record_agenda", &draw(&app, SMALL));
    press(&mut app, KeyCode::Esc);
    let editor = app.view.record.as_ref().unwrap();
    assert!(editor.agenda.is_none());
    assert!(editor.minutes().unwrap().1.agenda_item_checked(1));
    press(&mut app, KeyCode::Esc);
    let id = app.view.detail.as_ref().unwrap().case.id;
    let stored = app.store.meeting_record(id, MeetingNo::new(1).unwrap()).unwrap().unwrap();
    assert!(stored.agenda_item_checked(1) && !stored.agenda_item_checked(0));
}

#[test]
fn f5_exports_the_minutes_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open_case_with_two_meetings(dir.path(), SMALL);
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "Biblioteket");
    let started = std::time::Instant::now();
    press(&mut app, KeyCode::F(5));
    let took = started.elapsed();
    let path = dir.path().join("exports/referat-2026-003-mote-1.pdf");
    assert!(path.exists(), "{:?}", app.view.message);
    assert!(app.view.message.as_deref().unwrap().contains(path.to_str().unwrap()));
    println!("PDF export of a one-page minute in the event loop: {took:?}");
    // The field typed before F5 was saved first, and is in the minutes.
    press(&mut app, KeyCode::F(6));
    let markdown = std::fs::read_to_string(path.with_extension("md")).unwrap();
    assert!(markdown.contains("Biblioteket"));
    press(&mut app, KeyCode::Esc);
    let screen = format!("{:?}", draw(&app, SMALL).backend());
    assert!(screen.contains("Referat ikke sendt hjem: møte 1."), "{screen}");
}

#[test]
fn a_discussion_meeting_is_planned_filled_and_prepared_with_the_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    press(&mut app, KeyCode::Char('d'));
    assert_eq!(app.view.screen(), Screen::Discussions);
    snapshot("discussions_empty", &draw(&app, SMALL));
    press(&mut app, KeyCode::Char('n'));
    // The date offered is eight days on; the school is typed.
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "Bjørkå skole");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "Per i PPT");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.view.screen(), Screen::Agenda, "{:?}", app.view.form.as_ref().and_then(|f| f.error.clone()));
    press(&mut app, KeyCode::Char('a'));
    type_text(&mut app, "2026-001");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Right); // sosialt/atferd
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "45");
    press(&mut app, KeyCode::Enter);
    snapshot("agenda_slot_too_long", &draw(&app, SMALL));
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "25");
    press(&mut app, KeyCode::Enter);
    assert!(app.view.form.is_none());
    snapshot("agenda", &draw(&app, SMALL));

    // The preparation is written during the meeting; the outcome after it.
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "Sterk muntlig, liker å tegne");
    press(&mut app, KeyCode::PageDown);
    type_text(&mut app, "Prøv lesekurs i liten gruppe");
    press(&mut app, KeyCode::Tab);
    snapshot("preparation_outcome", &draw(&app, SMALL));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.view.screen(), Screen::Agenda);
    let meeting = app.view.agenda.as_ref().unwrap().meeting.clone();
    assert_eq!(meeting.items[0].preparation[0], "Sterk muntlig, liker å tegne");
    assert_eq!(meeting.items[0].advice, "Prøv lesekurs i liten gruppe");

    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::F(5));
    let form = dir.path().join(format!("exports/drofting-{}.pdf", saksgang::domain::iso_date(meeting.date)));
    assert!(form.exists(), "{:?}", app.view.message);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.view.screen(), Screen::Discussions);
    snapshot("discussions", &draw(&app, SMALL));
}

fn kit_selection(ids: &[uuid::Uuid]) -> saksgang::service::kit::Selection<'_> {
    saksgang::service::kit::Selection { ids, school: None, expires_on: a_week_on(), today: d(2026, 11, 23) }
}

/// A week after the later of the tests' today and the real clock: the day a kit
/// written now expires (a fixed today never makes a kit that has expired already).
fn a_week_on() -> NaiveDate {
    saksgang::domain::add_days(d(2026, 11, 23).max(chrono::Local::now().date_naive()), 7)
}

/// The guardians' consent for the case `reference`, as a kit needs.
fn consent(app: &mut App, reference: &str) {
    let id = app.store.case_by_reference(reference).unwrap().unwrap().id;
    let consent = saksgang::domain::Consent {
        given_on: d(2026, 9, 1),
        given_by: saksgang::domain::ConsentGiver::Guardians,
        scope: "drøfting med PPT".into(),
        expires_on: None,
        withdrawn_on: None,
    };
    app.store.apply(id, &Action::consent(consent), d(2026, 11, 23)).unwrap();
}

/// Replaces the focused form field's text.
fn retype(app: &mut App, text: &str) {
    for ctrl in ['a', 'k'] {
        app.handle_event(&Event::Key(KeyEvent::new(KeyCode::Char(ctrl), KeyModifiers::CONTROL)));
    }
    type_text(app, text);
}

#[test]
fn a_visit_day_kit_is_written_from_its_form_with_the_passphrase_checked() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    press(&mut app, KeyCode::Char('p'));
    assert_eq!(app.view.screen(), Screen::Kit);
    snapshot("kit_empty", &draw(&app, SMALL));
    press(&mut app, KeyCode::Char('e'));
    let file = dir.path().join("pakke.age");
    // School, cases, days, file, passphrase, repeat.
    type_text(&mut app, "Bjørkå skole");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "2026-001 2026-003");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    retype(&mut app, file.to_str().unwrap());
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "kort");
    press(&mut app, KeyCode::Enter);
    let form = app.view.form.as_ref().expect("the form stays open");
    assert!(form.error.as_ref().unwrap().1.contains("minst 8 tegn"));
    retype(&mut app, "lang nok frase");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "lang nok frasE");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.view.form.as_ref().unwrap().error.as_ref().unwrap().1, "Passfrasene er ulike.");
    retype(&mut app, "lang nok frase");
    press(&mut app, KeyCode::Enter);
    assert!(app.kit_job.is_none(), "cases without consent are refused before any key is derived");
    let error = &app.view.form.as_ref().expect("still open").error.as_ref().unwrap();
    assert_eq!(error.0, 1, "at the cases");
    assert!(error.1.starts_with("Sak 2026-001 har ikke gyldig samtykke"), "{}", error.1);
    assert!(!file.exists());
    consent(&mut app, "2026-001");
    consent(&mut app, "2026-003");
    press(&mut app, KeyCode::Enter);
    // The screen says it is working while the key derivation takes its second on
    // its own thread; the event loop waits for keys, not for it.
    assert!(app.kit_job.is_some());
    assert_eq!(app.view.message.as_deref(), Some("Krypterer besøkspakken …"));
    snapshot("kit_export_working", &draw(&app, SMALL));
    press(&mut app, KeyCode::Enter);
    assert!(app.kit_job.is_some(), "a second Enter starts no second job");
    app.wait_for_kit_job();
    assert!(app.view.form.is_none());
    assert!(app.view.message.as_deref().unwrap().contains("2 saker"), "{:?}", app.view.message);
    let kit = saksgang::kit::open(&std::fs::read(&file).unwrap(), "lang nok frase", d(2026, 11, 23)).unwrap();
    assert_eq!(kit.cases.len(), 2);
    assert_eq!(kit.expires_on, a_week_on(), "a week unless the form says otherwise");
}

#[test]
fn an_imported_kit_lists_its_conflicts_and_each_is_settled_with_one_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    consent(&mut app, "2026-001");
    let id = app.store.case_by_reference("2026-001").unwrap().unwrap().id;
    let (to_laptop, back) = (dir.path().join("til.age"), dir.path().join("tilbake.age"));
    let today = d(2026, 11, 23);
    saksgang::service::kit::export(&mut app.store, &kit_selection(&[id]), "lang nok frase", &to_laptop).unwrap();
    let laptop_dir = tempfile::tempdir().unwrap();
    let mut laptop = Store::open(&laptop_dir.path().join("l.db"), "Rådgiver Rønning", None).unwrap();
    saksgang::service::kit::import(&mut laptop, &to_laptop, "lang nok frase", today, 15).unwrap();
    let edit = |store: &mut Store, teacher: &str, description: &str| {
        let mut details = store.case_by_id(id).unwrap().unwrap().details;
        details.teacher = teacher.into();
        details.description = description.into();
        store.apply(id, &Action::Edit(details), today).unwrap();
    };
    edit(&mut laptop, "Åse Ødegård og Per Å", "Lesevansker; utredes av PPT");
    edit(&mut app.store, "Åse Ødegård (permisjon)", "Lesevansker og uro; bedre etter jul");
    saksgang::service::kit::export(&mut laptop, &kit_selection(&[id]), "lang nok frase", &back).unwrap();

    // The kits in the documents folder are offered to choose from.
    app.view.settings.export_dir = dir.path().to_path_buf();
    press(&mut app, KeyCode::Char('p'));
    press(&mut app, KeyCode::Char('i'));
    let offered: Vec<_> =
        app.view.kit_files.as_ref().expect("kits offered").files.iter().map(|f| f.path.clone()).collect();
    assert_eq!(offered.len(), 2, "{offered:?}");
    let screen = format!("{:?}", draw(&app, SMALL).backend());
    for text in ["til.age", "tilbake.age", "Annen fil: skriv stien", "Enter velg"] {
        assert!(screen.contains(text), "{text} in:\n{screen}");
    }
    let back_at = offered.iter().position(|p| p.ends_with("tilbake.age")).unwrap();
    for _ in 0..back_at {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.view.form.as_ref().expect("the import form").focus, 1, "the passphrase is left to type");
    let screen = format!("{:?}", draw(&app, SMALL).backend());
    assert!(screen.contains("tilbake.age"), "the file chosen is in the form:\n{screen}");
    type_text(&mut app, "feil frase");
    press(&mut app, KeyCode::Enter);
    app.wait_for_kit_job();
    let error = &app.view.form.as_ref().expect("still open").error.as_ref().unwrap().1;
    assert!(error.starts_with("Passfrasen åpner ikke"), "{error}");
    retype(&mut app, "lang nok frase");
    press(&mut app, KeyCode::Enter);
    app.wait_for_kit_job();
    assert!(app.view.form.is_none());
    assert!(app.view.message.as_deref().unwrap().contains("med konflikter: 1"), "{:?}", app.view.message);
    assert!(app.view.confirm.as_ref().unwrap().text.starts_with("Pakken er lest inn. Slette"));
    press(&mut app, KeyCode::Esc);
    assert!(back.exists(), "kept when the user says no");
    assert_eq!(app.view.screen(), Screen::Kit);
    assert_eq!(app.view.kit_conflicts.len(), 2);
    app.view.message = None; // it names the temporary folder
    snapshot("kit_conflicts", &draw(&app, SMALL));
    // Enter shows the selected conflict's values whole; Esc goes back to the list.
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Enter);
    snapshot("kit_conflict_in_full", &draw(&app, SMALL));
    press(&mut app, KeyCode::Esc);
    assert_eq!((app.view.screen(), app.view.kit_full), (Screen::Kit, None));
    press(&mut app, KeyCode::Char('k'));

    // A value written from both is held to the field's rules: a one-line field
    // takes no line break, and the text stays in the editor with the reason.
    press(&mut app, KeyCode::Char('r'));
    assert!(app.view.merge.is_some());
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::F(2));
    assert!(app.view.merge.as_ref().unwrap().error.is_some(), "refused, and the editor stays");
    assert_eq!(app.view.kit_conflicts.len(), 2);
    press(&mut app, KeyCode::Esc);
    assert!(app.view.confirm.is_some(), "what was written is not dropped without asking");
    press(&mut app, KeyCode::Enter);
    assert!(app.view.merge.is_none());

    press(&mut app, KeyCode::Char('t'));
    assert_eq!(app.store.case_by_id(id).unwrap().unwrap().details.teacher, "Åse Ødegård og Per Å");
    // Both texts in the editor, here's first; what is written from them is the choice.
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(
        app.view.merge.as_ref().unwrap().text(),
        "Lesevansker og uro; bedre etter jul / Lesevansker; utredes av PPT"
    );
    snapshot("kit_merge", &draw(&app, SMALL));
    press(&mut app, KeyCode::End);
    type_text(&mut app, " (begge)");
    press(&mut app, KeyCode::F(2));
    assert!(app.view.merge.is_none(), "{:?}", app.view.message);
    let case = app.store.case_by_id(id).unwrap().unwrap();
    assert_eq!(case.details.description, "Lesevansker og uro; bedre etter jul / Lesevansker; utredes av PPT (begge)");
    assert!(app.view.kit_conflicts.is_empty());
    assert!(app.view.message.as_deref().unwrap().contains("skrev en verdi av begge"), "{:?}", app.view.message);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.view.screen(), Screen::Start);
}

#[test]
fn the_start_screen_says_when_conflicts_wait() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    consent(&mut app, "2026-002");
    let id = app.store.case_by_reference("2026-002").unwrap().unwrap().id;
    let file = dir.path().join("k.age");
    saksgang::service::kit::export(&mut app.store, &kit_selection(&[id]), "lang nok frase", &file).unwrap();
    let mut kit = saksgang::kit::open(&std::fs::read(&file).unwrap(), "lang nok frase", d(2026, 11, 23)).unwrap();
    kit.cases[0].snapshot.case.details.grade = "8C".into();
    kit.created_by = "PPT".into();
    let mut details = app.store.case_by_id(id).unwrap().unwrap().details;
    details.grade = "7C".into();
    app.store.apply(id, &Action::Edit(details), d(2026, 11, 23)).unwrap();
    app.store.import_kit(&kit, "k.age", d(2026, 11, 23), 15).unwrap();
    // As when saksgang starts after an import on the command line.
    let settings = app.view.settings.clone();
    let mut app = App::new(app.store, &settings, SMALL).unwrap();
    snapshot("start_conflicts", &draw(&app, SMALL));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Enter);
    let case_view = draw(&app, SMALL);
    let line: String = (0..80).map(|x| case_view.backend().buffer()[(x, 1)].symbol()).collect();
    assert!(line.contains("venter på ditt valg: Klasse/trinn"), "{line}");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('p'));
    assert_eq!(app.view.kit_conflicts.len(), 1);
    assert_eq!(app.view.kit_conflicts[0].kit, "8C");
}

#[test]
fn the_backup_message_never_hides_what_the_user_just_did_but_a_failure_always_shows() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    let copy = dir.path().join("backups").join("s-2026-11-23.db");
    app.view.message = Some("Lagret.".into());
    app.backup_done(Ok(Some(copy.clone())));
    assert_eq!(app.view.message.as_deref(), Some("Lagret."));
    app.view.message = None;
    app.backup_done(Ok(Some(copy)));
    assert!(app.view.message.as_deref().unwrap().starts_with("Dagens sikkerhetskopi"));
    app.view.message = Some("Lagret.".into());
    app.backup_done(Err(anyhow::anyhow!("disken er full")));
    assert!(app.view.message.as_deref().unwrap().contains("disken er full"), "{:?}", app.view.message);
}

#[test]
fn text_with_escape_sequences_is_drawn_without_them() {
    let dir = tempfile::tempdir().unwrap();
    drop(app_with_cases(dir.path(), Lang::Nb, SMALL));
    // Stored by another program, past the rules that refuse it at input.
    let conn = rusqlite::Connection::open(dir.path().join("s.db")).unwrap();
    conn.execute("UPDATE cases SET school = ?1, description = ?2", ["\u{1b}[2J\u{1b}]0;PWN\u{7}", "a\tb\u{1b}[31m"])
        .unwrap();
    drop(conn);
    let settings = settings(dir.path(), Lang::Nb);
    let store = Store::open(&settings.db_path, &settings.actor, None).unwrap();
    let mut app = App::new(store, &settings, SMALL).unwrap();
    press(&mut app, KeyCode::Char('l'));
    let list = draw(&app, SMALL);
    press(&mut app, KeyCode::Enter);
    for terminal in [list, draw(&app, SMALL)] {
        let cells = &terminal.backend().buffer().content;
        assert!(cells.iter().all(|cell| !cell.symbol().contains(char::is_control)), "a control character is drawn");
        let text: String = cells.iter().map(|cell| cell.symbol()).collect();
        assert!(text.contains("[2J"), "the rest of the text is still shown: {text}");
    }
}

/// The rows of a drawn screen as text.
fn rows(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buffer = terminal.backend().buffer();
    let width = usize::from(buffer.area.width);
    buffer.content.chunks(width).map(|row| row.iter().map(|cell| cell.symbol()).collect::<String>()).collect()
}

#[test]
fn show_prints_the_warnings_the_case_screen_shows() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open_case_with_two_meetings(dir.path(), LARGE);
    let id = app.view.detail.as_ref().unwrap().case.id;
    // Meeting 2's minutes are written but not sent home; meeting 1 has none.
    let two = saksgang::domain::MeetingRecord { place: "Grupperom".into(), ..Default::default() };
    app.store.save_meeting_record(id, MeetingNo::new(2).unwrap(), &two, d(2026, 11, 23)).unwrap();
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Enter);
    let screen = rows(&draw(&app, LARGE));
    let warnings: Vec<&str> = screen.iter().filter_map(|row| row.trim().strip_prefix('⚠')).map(str::trim).collect();
    assert_eq!(warnings.len(), 2, "no pupil's voice, minutes not sent home: {screen:#?}");
    drop(app);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_saksgang"))
        .args(["show", "2026-003"])
        .env("SAKSGANG_DB", dir.path().join("s.db"))
        .env("SAKSGANG_TODAY", "2026-11-23")
        .env("SAKSGANG_CONFIG", dir.path().join("no-config.toml"))
        .env_remove("SAKSGANG_LANG")
        .env_remove("SAKSGANG_PASSPHRASE")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shown = String::from_utf8(out.stdout).unwrap();
    for warning in warnings {
        assert!(shown.lines().any(|line| line.trim() == format!("⚠ {warning}")), "{warning:?} not in:\n{shown}");
    }
}

/// Answers from the list's searcher until it has none outstanding.
fn wait_for_searcher(app: &mut App) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    app.search_reported();
    while app.view.searching {
        assert!(std::time::Instant::now() < deadline, "the searcher never answered");
        std::thread::sleep(std::time::Duration::from_millis(5));
        app.search_reported();
    }
}

#[test]
fn moves_made_while_the_searcher_counts_are_kept_when_its_answer_comes() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    let today = d(2026, 11, 23);
    app.store.create_with_history(&saksgang::demo::demo_cases(300, today, 7), today).unwrap();
    app.start_searcher(std::sync::Arc::new(|| {}));
    press(&mut app, KeyCode::Char('l'));
    press(&mut app, KeyCode::Char('a'));
    wait_for_searcher(&mut app);
    let all = app.view.list.total;
    // Closed cases only: counted on the searcher's thread while the list below
    // is moved on the rows at hand.
    press(&mut app, KeyCode::Char('a'));
    assert!(app.view.searching);
    for _ in 0..5 {
        press(&mut app, KeyCode::Down);
    }
    wait_for_searcher(&mut app);
    assert!(app.view.list.total < all, "the answer is the closed cases");
    assert_eq!(app.view.list.selected, 5.min(app.view.list.total - 1), "the moves are made again on the answer");
    // End goes to the last row through the searcher.
    press(&mut app, KeyCode::End);
    wait_for_searcher(&mut app);
    assert_eq!(app.view.list.selected, app.view.list.total - 1);
}

/// Referred cases PPT has received, as the adviser's start screen tells them apart:
/// waiting long, waiting a short while, assigned to an adviser, and closed.
fn app_for_the_adviser(dir: &std::path::Path, size: (u16, u16)) -> App {
    use saksgang::domain::Decision;
    use saksgang::domain::consent::ConsentGiver;
    use saksgang::domain::ppt::{AssessmentConsent, Assignment, PptStep, TrackState};
    let mut settings = settings(dir, Lang::Nb);
    settings.role = saksgang::config::Role::Ppt;
    let mut store = Store::open(&settings.db_path, &settings.actor, None).unwrap();
    let today = settings.today;
    let m = |n| MeetingNo::new(n).unwrap();
    let tracks: [(&str, NaiveDate, NaiveDate, Vec<PptStep>); 4] = [
        ("Åsen skole", d(2026, 9, 1), d(2026, 9, 3), vec![]),
        ("Bøen skole", d(2026, 11, 2), d(2026, 11, 4), vec![]),
        (
            "Lia skole",
            d(2026, 10, 20),
            d(2026, 10, 25),
            vec![
                PptStep::Consent(AssessmentConsent { given_on: d(2026, 11, 16), by: ConsentGiver::Guardians }),
                PptStep::Assign(Assignment { adviser: "Rådgiver Ås".into(), on: d(2026, 11, 16) }),
            ],
        ),
        ("Øya skole", d(2026, 8, 1), d(2026, 8, 3), vec![PptStep::State(TrackState::Closed)]),
    ];
    for (school, sent, received, steps) in tracks {
        let details = CaseDetails {
            kind: CaseKind::Individual,
            school: school.into(),
            grade: "4. trinn".into(),
            gender: None,
            teacher: String::new(),
            description: String::new(),
        };
        let id = store.create_case(details, d(2026, 1, 5), today).unwrap().id;
        let school_steps = [
            Action::RecordMeeting { number: m(1), date: d(2026, 1, 10) },
            Action::RecordMeeting { number: m(2), date: d(2026, 2, 1) },
            Action::RecordMeeting { number: m(3), date: d(2026, 3, 1) },
            Action::Decide { decision: Decision::Refer, date: d(2026, 3, 1) },
            Action::ReferralSent { date: sent },
            Action::PptReceived { date: received },
        ];
        let ppt_steps = steps.into_iter().map(|step| Action::Ppt { step, consent_age: 15 });
        for action in school_steps.into_iter().chain(ppt_steps) {
            store.apply(id, &action, today).unwrap();
        }
    }
    App::new(store, &settings, size).unwrap()
}

#[test]
fn the_adviser_starts_on_ppts_tracks_by_next_deadline_and_the_waiting_list_is_one_key_away() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_for_the_adviser(dir.path(), SMALL);
    assert_eq!(app.view.screen(), Screen::Ppt);
    snapshot("ppt_start", &draw(&app, SMALL));
    press(&mut app, KeyCode::Char('v'));
    snapshot("ppt_waiting_list", &draw(&app, SMALL));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.view.screen(), Screen::Detail);
    let opened = app.view.detail.as_ref().unwrap();
    assert_eq!(opened.case.details.school, "Åsen skole", "the longest waiting first");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(app.view.screen(), Screen::Start, "the school's stages are one key away");
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(app.view.screen(), Screen::Ppt);
}

#[test]
fn the_adviser_start_screen_is_wide_with_the_state_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let wide = (120, 20);
    let app = app_for_the_adviser(dir.path(), wide);
    snapshot("ppt_start_wide", &draw(&app, wide));
}

#[test]
fn the_adviser_start_screen_without_tracks_says_how_to_get_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_with_cases(dir.path(), Lang::Nb, SMALL);
    press(&mut app, KeyCode::Char('r'));
    snapshot("ppt_start_empty", &draw(&app, SMALL));
}

#[test]
fn the_adviser_records_ppts_steps_from_the_case_and_is_told_at_the_field_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_for_the_adviser(dir.path(), SMALL);
    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('r'));
    snapshot("ppt_steps_menu", &draw(&app, SMALL));

    // The start-up meeting follows an assignment, and is held only with
    // consent to the assessment: each refusal is said at the form.
    press(&mut app, KeyCode::Char('o'));
    press(&mut app, KeyCode::Enter);
    snapshot("ppt_startup_before_an_adviser", &draw(&app, SMALL));
    press(&mut app, KeyCode::Esc);
    assert!(app.view.form.is_none(), "an unchanged form closes at once");

    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Char('t'));
    type_text(&mut app, "Åse Ødegård");
    press(&mut app, KeyCode::Enter);
    assert!(app.view.form.is_none(), "saved: {:?}", app.view.message);
    let track = app.view.detail.as_ref().unwrap().case.ppt.clone().unwrap();
    let assigned = track.assigned.expect("assigned from the form");
    assert_eq!((assigned.adviser.as_str(), assigned.on), ("Åse Ødegård", d(2026, 11, 23)));

    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Char('o'));
    press(&mut app, KeyCode::Enter);
    let refused = app.view.form.as_ref().and_then(|f| f.error.clone()).map(|(_, e)| e).unwrap_or_default();
    assert!(refused.contains("uten samtykke"), "{refused}");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Char('o'));
    press(&mut app, KeyCode::Enter);
    let track = app.view.detail.as_ref().unwrap().case.ppt.clone().unwrap();
    assert!(track.startup.is_some_and(|m| m.held), "held once consent is given: {:?}", app.view.message);

    // The receipt is recorded once; the menu says so instead of a form.
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Char('m'));
    assert!(app.view.form.is_none());
    assert!(app.view.message.as_deref().unwrap_or("").contains("allerede"), "{:?}", app.view.message);

    // The preliminary reply becomes a letter once it is recorded.
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::F(5));
    assert!(app.view.message.as_deref().unwrap_or("").contains("ikke noe foreløpig svar"), "{:?}", app.view.message);
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Char('f'));
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "Venter på observasjon");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "15.01.2027");
    press(&mut app, KeyCode::Enter);
    assert!(app.view.form.is_none(), "saved: {:?}", app.view.form.as_ref().and_then(|f| f.error.clone()));
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::F(6));
    let letter = std::fs::read_to_string(dir.path().join("exports/forelopig-svar-2026-001.md")).unwrap();
    assert!(letter.contains("Venter på observasjon") && letter.contains("15.01.2027"), "{letter}");
    assert!(app.view.message.as_deref().unwrap_or("").contains("forelopig-svar-2026-001.md"), "{:?}", app.view.message);
}
