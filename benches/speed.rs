//! Speed at the scale of a municipality. For each database size it prints:
//! demo generation time, file size, process start → first complete frame (the real
//! binary in a pseudo-terminal), key → frame latency for the main paths (in process,
//! rendered into `TestBackend`), the queries behind the screens, and peak memory of
//! the running program. It measures and prints; it never fails on a time.

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use saksgang::config::Settings;
use saksgang::i18n::Lang;
use saksgang::store::{CaseQuery, Order, PptFilter, StatusFilter, Store};
use saksgang::ui::{App, Theme, render};

// Shared with the end-to-end tests, which use parts the benchmark does not.
#[allow(dead_code)]
#[path = "../tests/common/pty.rs"]
mod pty;
use pty::{PASSPHRASE, Session};

const BIN: &str = env!("CARGO_BIN_EXE_saksgang");
const TODAY: &str = "2026-11-23";
const PRESSES: usize = 200;

fn main() {
    let sizes: Vec<usize> = std::env::var("SAKSGANG_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    println!("saksgang speed ({} cores; times in ms; goals at 100,000 cases in brackets)", cores());
    for n in sizes {
        measure(n);
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn measure(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("saksgang.db");
    let started = Instant::now();
    let out = Command::new(BIN)
        .env("SAKSGANG_PASSPHRASE", PASSPHRASE)
        .args(["demo", "--cases", &n.to_string(), "--today", TODAY])
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let generated = started.elapsed();
    // Fold the WAL into the file so its size is the database's.
    drop(Store::open(&db, "bench", Some(PASSPHRASE)).unwrap());
    let size = std::fs::metadata(&db).unwrap().len();

    println!();
    println!("== {n} cases");
    println!("  demo generation                 {:>9.0} ms", ms(generated));
    println!("  database file                   {:>9.1} MB", size as f64 / 1e6);
    let opening: Vec<f64> = (0..5)
        .map(|_| {
            let started = Instant::now();
            drop(Store::open(&db, "bench", Some(PASSPHRASE)).unwrap());
            ms(started.elapsed())
        })
        .collect();
    println!("  opening with the passphrase     {:>9.1} ms median (key derivation, by design)", median(&opening));
    let (first_frames, peak_rss) = run_in_pty(&db);
    println!(
        "  start → first frame (pty)       {:>9.1} ms median, {:.1} worst; {:.1} without key derivation [≤ 100]",
        median(&first_frames),
        worst(&first_frames),
        median(&first_frames) - median(&opening)
    );
    println!("  peak memory of the program      {:>9.1} MB [≤ 50]", peak_rss as f64 / 1e6);
    real_terminal(&db);

    let settings = Settings {
        db_path: db.clone(),
        today: saksgang::domain::parse_date(TODAY).unwrap(),
        lang: Lang::Nb,
        actor: "bench".into(),
        due_soon_days: 7,
        backups_kept: 0,
        consent_age: 15,
        passphrase: Some(PASSPHRASE.into()),
        no_encryption: false,
        document_header: None,
        export_dir: dir.path().join("exports"),
        ppt_periods: saksgang::domain::ppt::PptPeriods::default(),
        role: saksgang::config::Role::School,
    };
    queries(&db);
    println!("  key → frame, {PRESSES} presses each         median    worst  [≤ 16]");
    let mut app = new_app(&settings);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    key_latency("start screen ↓", &mut app, &mut terminal, |_| key(KeyCode::Down));
    key_latency("case list ↓ (scroll)", &mut app, &mut terminal, |i| {
        if i == 0 { key(KeyCode::Char('l')) } else { key(KeyCode::Char('j')) }
    });
    key_latency("case list PgDn", &mut app, &mut terminal, |_| key(KeyCode::PageDown));
    key_latency("case list End/Home", &mut app, &mut terminal, |i| {
        key(if i % 2 == 0 { KeyCode::End } else { KeyCode::Home })
    });
    let word: Vec<char> = "bjørkelia".chars().collect();
    key_latency("search: type / erase", &mut app, &mut terminal, |i| match i {
        0 => key(KeyCode::Char('/')),
        i if (i / word.len()) % 2 == 1 => key(KeyCode::Backspace),
        i => key(KeyCode::Char(word[i % word.len()])),
    });
    app.handle_event(&Event::Key(key(KeyCode::Esc)));
    short_word_search(&mut app, &mut terminal);
    key_latency("open case / back", &mut app, &mut terminal, |i| {
        key(if i % 2 == 0 { KeyCode::Enter } else { KeyCode::Esc })
    });
    // The minutes of meeting 1 of the case on top, at its statements.
    for code in [KeyCode::Enter, KeyCode::Char('1'), KeyCode::PageDown, KeyCode::PageDown] {
        app.handle_event(&Event::Key(key(code)));
    }
    key_latency("minutes: typing æøå", &mut app, &mut terminal, |i| key(KeyCode::Char(['æ', 'ø', 'å'][i % 3])));
    // A letter, Tab (which saves the field), and back to it: every Tab writes.
    key_latency("minutes: letter, Tab (saves)", &mut app, &mut terminal, |i| {
        key([KeyCode::Char('x'), KeyCode::Tab, KeyCode::BackTab][i % 3])
    });
    assert!(app.view.record.as_ref().is_some_and(|e| e.error.is_none()), "the minutes were saved");
    key_latency("minutes: F5 (PDF/A written)", &mut app, &mut terminal, |_| key(KeyCode::F(5)));
    assert!(settings.export_dir.read_dir().is_ok_and(|mut d| d.next().is_some()), "F5 wrote the minutes");
    drop(app);
    let adviser = Settings { role: saksgang::config::Role::Ppt, ..settings.clone() };
    let mut app = new_app(&adviser);
    key_latency("adviser start ↓", &mut app, &mut terminal, |_| key(KeyCode::Down));
    key_latency("adviser: v (waiting list)", &mut app, &mut terminal, |_| key(KeyCode::Char('v')));
    drop(app);
    kit_round_trip(&db, dir.path());
    compare_with_taskwarrior(n, dir.path(), &db);
}

/// A visit-day kit of up to 200 cases with consent: written, read into a fresh
/// database, read in again (nothing changed), and merged back where it came from.
fn kit_round_trip(db: &Path, dir: &Path) {
    let today = saksgang::domain::parse_date(TODAY).unwrap();
    let mut school = Store::open(db, "bench", Some(PASSPHRASE)).unwrap();
    let query = CaseQuery { status: StatusFilter::Open, order: Order::Newest, ..CaseQuery::default() };
    let ids: Vec<_> = school.list_cases(&query, 0, 200).unwrap().into_iter().map(|row| row.id).collect();
    let consent = saksgang::domain::Consent {
        given_on: today,
        given_by: saksgang::domain::ConsentGiver::Guardians,
        scope: "drøfting med PPT".into(),
        expires_on: None,
        withdrawn_on: None,
    };
    for id in &ids {
        // System cases take no consent; they travel without one.
        let _ = school.apply(*id, &saksgang::domain::Action::consent(consent.clone()), today);
    }
    let file = dir.join("kit.age");
    let selection =
        saksgang::service::kit::Selection { ids: &ids, school: None, expires_on: today + chrono::Days::new(7), today };
    let timed = |f: &mut dyn FnMut()| {
        let started = Instant::now();
        f();
        ms(started.elapsed())
    };
    let write =
        timed(&mut || drop(saksgang::service::kit::export(&mut school, &selection, PASSPHRASE, &file).unwrap()));
    let size = std::fs::metadata(&file).unwrap().len();
    let empty = saksgang::kit::Kit::new("bench", today, None, Vec::new());
    let derivation = timed(&mut || drop(black_box(saksgang::kit::seal(&empty, PASSPHRASE).unwrap())));
    let mut laptop = Store::open(&dir.join("laptop.db"), "bench", Some(PASSPHRASE)).unwrap();
    let import = |store: &mut Store| drop(saksgang::service::kit::import(store, &file, PASSPHRASE, today, 15).unwrap());
    let fresh = timed(&mut || import(&mut laptop));
    let again = timed(&mut || import(&mut laptop));
    let back = timed(&mut || import(&mut school));
    // The database's part alone, without the encryption around it.
    let mut kit = None;
    let store_write = timed(&mut || kit = Some(school.kit_of(&ids, None, selection.expires_on, today).unwrap()));
    let kit = kit.unwrap();
    let mut other = Store::open(&dir.join("other.db"), "bench", Some(PASSPHRASE)).unwrap();
    let store_fresh = timed(&mut || drop(other.import_kit(&kit, "kit.age", today, 15).unwrap()));
    let store_again = timed(&mut || drop(other.import_kit(&kit, "kit.age", today, 15).unwrap()));
    println!(
        "  visit-day kit of {} cases, {:.0} kB; key derivation {derivation:.0} ms  total ms  database part",
        ids.len(),
        size as f64 / 1e3
    );
    println!("    {:<28} {write:>8.0} {store_write:>8.1}", "write");
    println!("    {:<28} {fresh:>8.0} {store_fresh:>8.1}", "read into a fresh database");
    println!("    {:<28} {again:>8.0} {store_again:>8.1}", "read in again (no change)");
    println!("    {:<28} {back:>8.0}", "merge back at the school");
}

fn new_app(settings: &Settings) -> App {
    let store = Store::open(&settings.db_path, &settings.actor, Some(PASSPHRASE)).unwrap();
    App::new(store, settings, (80, 24)).unwrap()
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Each press handled and the frame drawn, timed together.
fn key_latency(label: &str, app: &mut App, terminal: &mut Terminal<TestBackend>, press: impl Fn(usize) -> KeyEvent) {
    let theme = Theme::plain();
    terminal.draw(|f| render(&app.view, &theme, f)).unwrap();
    let mut times = Vec::with_capacity(PRESSES);
    let mut slowest = (0.0, KeyCode::Null);
    for i in 0..PRESSES {
        let key = press(i);
        let started = Instant::now();
        app.handle_event(&Event::Key(key));
        terminal.draw(|f| render(&app.view, &theme, f)).unwrap();
        let took = ms(started.elapsed());
        if took > slowest.0 {
            slowest = (took, key.code);
        }
        times.push(took);
    }
    println!("    {label:<28} {:>8.2} {:>8.2}  (slowest: {:?})", median(&times), worst(&times), slowest.1);
}

/// One query to time.
type Query<'a> = Box<dyn Fn() + 'a>;

/// A search word of one or two letters (a class: "7b"), found by the index of
/// word starts: the time from its last key to the frame with its results.
fn short_word_search(app: &mut App, terminal: &mut Terminal<TestBackend>) {
    let theme = Theme::plain();
    let words = ["7b", "bj", "gu", "ø", "1.", "j", "zq", "a"];
    let mut times = Vec::new();
    for round in 0..PRESSES {
        app.handle_event(&Event::Key(key(KeyCode::Char('/'))));
        let word: Vec<char> = words[round % words.len()].chars().collect();
        let (last, first) = word.split_last().expect("a word");
        for c in first {
            app.handle_event(&Event::Key(key(KeyCode::Char(*c))));
        }
        let started = Instant::now();
        app.handle_event(&Event::Key(key(KeyCode::Char(*last))));
        terminal.draw(|f| render(&app.view, &theme, f)).unwrap();
        times.push(ms(started.elapsed()));
        app.handle_event(&Event::Key(key(KeyCode::Esc)));
    }
    println!("    {:<28} {:>8.2} {:>8.2}  (its last key)", "search: 1-2 letter word", median(&times), worst(&times));
}

/// The queries behind the screens, each timed over repeated runs.
fn queries(db: &Path) {
    let store = Store::open(db, "bench", Some(PASSPHRASE)).unwrap();
    let start = CaseQuery { status: StatusFilter::Open, order: Order::Urgency, ..CaseQuery::default() };
    let list = CaseQuery { status: StatusFilter::Open, order: Order::Newest, ..CaseQuery::default() };
    let total = store.count_cases(&list, None).unwrap();
    let search = CaseQuery { search: "bjørkelia".into(), ..list.clone() };
    // The adviser's start screen: every track PPT holds, whatever the school did.
    let tracks =
        CaseQuery { status: StatusFilter::All, ppt: Some(PptFilter::Open), order: Order::PptDeadline, ..list.clone() };
    let waiting = CaseQuery { ppt: Some(PptFilter::Waiting), order: Order::PptWaiting, ..tracks.clone() };
    let today = saksgang::domain::parse_date(TODAY).unwrap();
    println!("  queries, 50 runs each                  median    worst  [≤ 10]");
    let runs: [(&str, Query); 14] = [
        (
            "stage counts",
            Box::new(|| {
                black_box(store.stage_counts().unwrap());
            }),
        ),
        (
            "start: consent warnings",
            Box::new(|| {
                black_box(store.consent_warnings(saksgang::domain::parse_date(TODAY).unwrap(), 15).unwrap());
            }),
        ),
        (
            "start: count open",
            Box::new(|| {
                black_box(store.count_cases(&start, None).unwrap());
            }),
        ),
        (
            "start: first page",
            Box::new(|| {
                black_box(store.list_cases(&start, 0, 200).unwrap());
            }),
        ),
        (
            "list: first page",
            Box::new(|| {
                black_box(store.list_cases(&list, 0, 200).unwrap());
            }),
        ),
        (
            "list: last page",
            Box::new(|| {
                black_box(store.list_cases(&list, total.saturating_sub(200), 200).unwrap());
            }),
        ),
        (
            "search: count",
            Box::new(|| {
                black_box(store.count_cases(&search, Some(1001)).unwrap());
            }),
        ),
        (
            "search: count (all)",
            Box::new(|| {
                black_box(store.count_cases(&search, None).unwrap());
            }),
        ),
        (
            "search: first page",
            Box::new(|| {
                black_box(store.list_cases(&search, 0, 200).unwrap());
            }),
        ),
        (
            "adviser: counts",
            Box::new(|| {
                black_box(store.ppt_counts(today).unwrap());
            }),
        ),
        (
            "adviser: count tracks",
            Box::new(|| {
                black_box(store.count_cases(&tracks, None).unwrap());
            }),
        ),
        (
            "adviser: first page",
            Box::new(|| {
                black_box(store.list_cases(&tracks, 0, 200).unwrap());
            }),
        ),
        (
            "adviser: count waiting",
            Box::new(|| {
                black_box(store.count_cases(&waiting, None).unwrap());
            }),
        ),
        (
            "adviser: waiting list page",
            Box::new(|| {
                black_box(store.list_cases(&waiting, 0, 200).unwrap());
            }),
        ),
    ];
    for (label, run) in runs {
        let times: Vec<f64> = (0..50)
            .map(|_| {
                let started = Instant::now();
                run();
                ms(started.elapsed())
            })
            .collect();
        println!("    {label:<28} {:>8.2} {:>8.2}", median(&times), worst(&times));
    }
}

/// Starts the real program in an 80×24 pseudo-terminal five times; returns the
/// times to the first complete frame and the largest peak RSS seen after use.
fn run_in_pty(db: &Path) -> (Vec<f64>, u64) {
    let mut times = Vec::new();
    let mut peak = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let mut session = Session::start(db);
        // Complete: the footer (drawn last) and the selected first row are there.
        session.wait_for("q avslutt");
        session.wait_for("▶");
        times.push(ms(started.elapsed()));
        // Use it a little (scroll, page, search, open) before reading its peak memory.
        for keys in ["l", "jjjjjjjjjj", "\x1b[6~\x1b[6~\x1b[6~", "G", "/", "ø", "r", "n", "\r", "g", "\r", "\x1b"] {
            session.send(keys);
        }
        std::thread::sleep(Duration::from_millis(200));
        if let Some(pid) = session.process_id() {
            peak = peak.max(peak_rss(pid));
        }
        session.send("q");
        session.wait_for_exit();
    }
    (times, peak)
}

/// Keys written to the real program in an 80×24 pseudo-terminal and the time
/// until the screen shows their effect, as a user sees it: the screen is read
/// every 0.2 ms, so a figure includes up to that much of waiting.
fn real_terminal(db: &Path) {
    let mut session = Session::start(db);
    session.wait_for("q avslutt");
    session.wait_for("▶");
    session.send("l");
    session.wait_for("Vis: åpne");
    // Give the list's searcher its connection (a key derivation) before timing.
    session.wait_until("the list counted", |screen| !screen.contains("søker"));
    println!("  real terminal (pty), key → screen   median    worst  [≤ 16, ≤ 33 worst]");
    let changed = |session: &mut Session, keys: &str| {
        let before = session.contents();
        session.write(keys);
        ms(session.wait_until(keys, |screen| screen != before))
    };
    let times: Vec<f64> = (0..50).map(|_| changed(&mut session, "j")).collect();
    print_times("case list j (scroll)", &times);
    let times: Vec<f64> =
        (0..20).map(|i| changed(&mut session, if i % 2 == 0 { "\x1b[6~" } else { "\x1b[5~" })).collect();
    print_times("case list PgDn/PgUp", &times);
    let mut ends = Vec::new();
    for _ in 0..10 {
        ends.push(changed(&mut session, "G"));
        changed(&mut session, "g");
    }
    print_times("case list End [≤ 50]", &ends);
    let mut opened = Vec::new();
    for _ in 0..10 {
        session.write("\r");
        opened.push(ms(session.wait_until("the case", |screen| screen.contains("Sak 20"))));
        session.write("\x1b");
        session.wait_until("the list", |screen| screen.contains("Vis: åpne"));
    }
    print_times("open a case (Enter)", &opened);
    for (label, word) in
        [("search: frequent word", "skole"), ("search: rare word", "bjørkelia"), ("search: 2-letter word", "7.")]
    {
        let (mut echoes, mut settled) = (Vec::new(), Vec::new());
        for _ in 0..5 {
            session.write("/");
            session.wait_for("Søk: ");
            let mut typed = String::new();
            for letter in word.chars() {
                typed.push(letter);
                let shown = format!("Søk: {typed}");
                let started = Instant::now();
                session.write(&letter.to_string());
                echoes.push(ms(session.wait_until(&shown, |screen| screen.contains(&shown))));
                if typed.chars().count() == word.chars().count() {
                    let done = format!("Søk: {typed} ·");
                    session.wait_until("the result", |screen| screen.contains(&done) && !screen.contains("søker"));
                    settled.push(ms(started.elapsed()));
                }
            }
            // Esc clears the search; the pause keeps it from reading as Alt with the next key.
            session.send("\x1b");
            session.wait_until("the whole list", |screen| !screen.contains("søker"));
        }
        print_times(&format!("{label}: letter shown"), &echoes);
        print_times(&format!("{label}: result [≤ 100]"), &settled);
    }
    session.send("q");
    session.wait_for_exit();
}

fn print_times(label: &str, times: &[f64]) {
    println!("    {label:<36} {:>6.1} {:>8.1}", median(times), worst(times));
}

/// VmHWM of a running process, in bytes (Linux); 0 where unknown.
fn peak_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// What a user might pick instead: Taskwarrior holding as many items, `task list`
/// against `saksgang list`. Only where `task` is installed.
fn compare_with_taskwarrior(n: usize, dir: &Path, db: &Path) {
    if Command::new("task").arg("--version").output().is_err() {
        println!("  taskwarrior: not installed (apt-get install taskwarrior), no comparison");
        return;
    }
    let data = dir.join("task");
    std::fs::create_dir_all(&data).unwrap();
    let rc = dir.join("taskrc");
    std::fs::write(&rc, format!("data.location={}\nconfirmation=off\nverbose=nothing\ngc=off\n", data.display()))
        .unwrap();
    let mut import = String::from("[");
    for i in 0..n {
        let sep = if i == 0 { "" } else { "," };
        import.push_str(&format!(
            "{sep}{{\"description\":\"Demo-sak {i}\",\"status\":\"pending\",\"entry\":\"20260101T000000Z\",\"due\":\"20261201T000000Z\",\"project\":\"skole{}\"}}",
            i % 8
        ));
    }
    import.push(']');
    let file = dir.join("tasks.json");
    std::fs::write(&file, import).unwrap();
    let task = |args: &[&str]| {
        let started = Instant::now();
        let out = Command::new("task").env("TASKRC", &rc).args(args).output().unwrap();
        (ms(started.elapsed()), out.status.success())
    };
    let (import_ms, ok) = task(&["import", file.to_str().unwrap()]);
    if !ok {
        println!("  taskwarrior: import failed, no comparison");
        return;
    }
    let task_list = median(&(0..3).map(|_| task(&["rc.report.list.limit=0", "list"]).0).collect::<Vec<_>>());
    // The same number of cases in a plain file: what is left once the key derivation
    // and the pages' decryption are taken away.
    let plain = dir.join("plain.db");
    let made = Command::new(BIN)
        .args(["--no-encryption", "demo", "--cases", &n.to_string(), "--today", TODAY])
        .arg("--db")
        .arg(&plain)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let saksgang_list = |db: &Path| {
        let runs: Vec<f64> = (0..3)
            .map(|_| {
                let started = Instant::now();
                let out = Command::new(BIN)
                    .env("SAKSGANG_PASSPHRASE", PASSPHRASE)
                    .args(["list", "--today", TODAY])
                    .arg("--db")
                    .arg(db)
                    .output()
                    .unwrap();
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                ms(started.elapsed())
            })
            .collect();
        median(&runs)
    };
    let (encrypted, plain) = (saksgang_list(db), saksgang_list(&plain));
    println!(
        "  taskwarrior {n} items: import {import_ms:.0} ms; `task list` {task_list:.0} ms vs `saksgang list` \
         {encrypted:.0} ms encrypted ({:.1}× faster), {plain:.0} ms plain ({:.1}×) [≥ 10×]",
        task_list / encrypted,
        task_list / plain
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn median(times: &[f64]) -> f64 {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

fn worst(times: &[f64]) -> f64 {
    times.iter().copied().fold(0.0, f64::max)
}
