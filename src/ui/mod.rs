//! The terminal app: one event loop in `run`; `App` routes keys and holds the
//! store; `View` is what is shown; each screen and popup is a file of its own
//! with its keys and drawing, `render` lays them out.

mod app;
mod confirm;
mod detail;
mod discussions;
mod form;
mod help;
mod keymap;
mod kit;
mod line_input;
mod list;
mod merge;
mod pager;
mod ppt_start;
mod ppt_steps;
mod record;
mod render;
mod searcher;
mod start;
#[cfg(test)]
mod testing;
mod text_edit;
mod theme;
mod view;

use std::io::{Stdout, stdout};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, mpsc};

use anyhow::{Context, Result};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};

pub use app::App;
pub use render::render;
pub use theme::Theme;
pub use view::{MIN_SIZE, Screen, View};

use crate::config::Settings;
use crate::store::{Store, daily_backup};

/// What reaches the event loop: the terminal's events and the reports of work
/// done on other threads.
enum Msg {
    Terminal(std::io::Result<Event>),
    BackupDone(Result<Option<std::path::PathBuf>>),
    /// A visit-day kit's key derivation is done.
    KitJobDone,
    /// The case list's searcher has an answer.
    SearchDone,
}

/// Opens the database, then runs the UI until the user quits.
pub fn run(settings: &Settings) -> Result<()> {
    // Open (and ask for the passphrase) before taking over the terminal, so that a
    // refused file is a plain message.
    let store = crate::unlock::open_store(settings, &crate::i18n::Catalog::new(settings.lang))?;
    let guard = TerminalGuard::enter()?;
    let mut terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
    let size = terminal.size()?;
    let mut app = App::new(store, settings, (size.width, size.height))?;
    let theme = Theme::from_env();
    let (sender, events) = mpsc::channel();
    spawn_event_reader(sender.clone());
    let kit_sender = sender.clone();
    app.set_waker(Arc::new(move || {
        let _ = kit_sender.send(Msg::KitJobDone);
    }));
    terminal.draw(|frame| render(&app.view, &theme, frame))?;
    // After the first frame too: its connection derives a key of its own.
    let search_sender = sender.clone();
    app.start_searcher(Arc::new(move || {
        let _ = search_sender.send(Msg::SearchDone);
    }));
    // Only after the first frame: on two cores the copy would delay it.
    let backup = spawn_daily_backup(&app.store, settings, sender);
    while !app.quit {
        handle(&mut app, events.recv().context("the terminal closed")?)?;
        // Take what else is waiting before drawing again, so a held key never lags.
        while let Ok(msg) = events.try_recv() {
            handle(&mut app, msg)?;
        }
        terminal.draw(|frame| render(&app.view, &theme, frame))?;
    }
    drop(terminal);
    drop(guard);
    // A copy still running is stopped and removed: half a backup is none.
    if let Some((cancel, copying)) = backup {
        cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = copying.join();
    }
    Ok(())
}

fn handle(app: &mut App, msg: Msg) -> Result<()> {
    match msg {
        Msg::Terminal(event) => app.handle_event(&event?),
        Msg::BackupDone(result) => app.backup_done(result),
        Msg::KitJobDone => app.kit_job_reported(),
        Msg::SearchDone => app.search_reported(),
    }
    Ok(())
}

/// Reads terminal events on their own thread into the loop's channel.
fn spawn_event_reader(sender: mpsc::Sender<Msg>) {
    std::thread::spawn(move || {
        loop {
            let event = event::read();
            let failed = event.is_err();
            if sender.send(Msg::Terminal(event)).is_err() || failed {
                break;
            }
        }
    });
}

/// Today's automatic backup, if not yet made, on its own thread and connection:
/// copying a large file must not hold up the screen. Quitting sets the flag returned
/// and waits for the thread, which stops between two steps of the copy.
fn spawn_daily_backup(
    store: &Store,
    settings: &Settings,
    sender: mpsc::Sender<Msg>,
) -> Option<(Arc<AtomicBool>, std::thread::JoinHandle<()>)> {
    if settings.backups_kept == 0 {
        return None;
    }
    let (db, actor, today, keep) =
        (settings.db_path.clone(), settings.actor.clone(), settings.today, settings.backups_kept);
    let passphrase = store.passphrase();
    let cancel = Arc::new(AtomicBool::new(false));
    let stop = Arc::clone(&cancel);
    let copying = std::thread::spawn(move || {
        let result = Store::open(&db, &actor, passphrase.as_ref().map(|p| p.as_str()))
            .and_then(|own| daily_backup(&own, &db, today, keep, &stop));
        let _ = sender.send(Msg::BackupDone(result));
    });
    Some((cancel, copying))
}

/// Raw mode, alternate screen and bracketed paste, switched off again on drop and
/// on panic, so the terminal is never left broken.
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> Result<TerminalGuard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore(&mut stdout());
            previous(info);
        }));
        enable_raw_mode().context("cannot switch the terminal to raw mode")?;
        let guard = TerminalGuard;
        execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore(&mut stdout());
    }
}

fn restore(out: &mut Stdout) {
    let _ = execute!(out, DisableBracketedPaste, LeaveAlternateScreen, ratatui::crossterm::cursor::Show);
    let _ = disable_raw_mode();
}
