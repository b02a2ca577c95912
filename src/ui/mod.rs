//! The terminal app: one event loop, state in `app`, drawing in `render`.

mod app;
mod form;
mod keymap;
mod pager;
mod render;
mod theme;

use std::io::{Stdout, stdout};
use std::sync::mpsc;

use anyhow::{Context, Result};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};

pub use app::{App, SEARCH_PAUSE, Screen};
pub use render::{MIN_SIZE, audit_text, render};
pub use theme::Theme;

use crate::config::Settings;

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
    let events = spawn_event_reader();
    while !app.quit {
        terminal.draw(|frame| render(&app, &theme, frame))?;
        let first = match app.idle_after() {
            Some(pause) => match events.recv_timeout(pause) {
                Ok(event) => event?,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    app.on_idle();
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => anyhow::bail!("the terminal closed"),
            },
            None => events.recv().context("the terminal closed")??,
        };
        app.handle_event(&first);
        // Take what else is waiting before drawing again, so a held key never lags.
        while let Ok(event) = events.try_recv() {
            app.handle_event(&event?);
        }
    }
    drop(terminal);
    drop(guard);
    Ok(())
}

/// Reads terminal events on their own thread into one channel.
fn spawn_event_reader() -> mpsc::Receiver<std::io::Result<Event>> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        loop {
            let event = event::read();
            let failed = event.is_err();
            if sender.send(event).is_err() || failed {
                break;
            }
        }
    });
    receiver
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
