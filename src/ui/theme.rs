//! Styles. Colour is never the only signal: every state also has a word or a
//! marker, and `NO_COLOR` turns colour off entirely.

use ratatui::style::{Color, Modifier, Style};

use crate::domain::DeadlineState;
use crate::service::Emphasis;

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    colour: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to anything non-empty (no-color.org).
    pub fn from_env() -> Theme {
        Theme { colour: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) }
    }

    pub fn plain() -> Theme {
        Theme { colour: false }
    }

    fn fg(&self, colour: Color) -> Style {
        if self.colour { Style::new().fg(colour) } else { Style::new() }
    }

    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn dim(&self) -> Style {
        if self.colour { Style::new().fg(Color::DarkGray) } else { Style::new() }
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn focus(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn state(&self, state: DeadlineState) -> Style {
        match state {
            DeadlineState::Overdue => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            DeadlineState::DueSoon => self.fg(Color::Yellow),
            DeadlineState::MetLate => self.fg(Color::Magenta),
            DeadlineState::Ok | DeadlineState::Met => self.fg(Color::Green),
        }
    }

    /// The style of a part of a view model's line.
    pub fn emphasis(&self, emphasis: Emphasis) -> Style {
        match emphasis {
            Emphasis::Plain => Style::new(),
            Emphasis::Dim => self.dim(),
            Emphasis::Title => self.title(),
            Emphasis::Focus => self.focus(),
            Emphasis::State(state) => self.state(state),
        }
    }
}
