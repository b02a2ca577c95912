//! What the screens' tests share: a view built in memory, with no database, and
//! its drawing as text for a snapshot.

use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use uuid::Uuid;

use super::pager::CasePager;
use super::render::render;
use super::theme::Theme;
use super::view::View;
use crate::config::Settings;
use crate::domain::{CaseKind, DeadlineKind, Gender, Stage, Status};
use crate::i18n::Lang;
use crate::store::{CaseQuery, CaseRow};

pub const TODAY: (i32, u32, u32) = (2026, 11, 23);

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

/// Settings of a file nobody opens: the view never reads it.
pub fn settings() -> Settings {
    Settings {
        db_path: "/nonexistent/saksgang.db".into(),
        today: date(TODAY.0, TODAY.1, TODAY.2),
        lang: Lang::Nb,
        actor: "koordinator".into(),
        due_soon_days: 7,
        backups_kept: 0,
        consent_age: 15,
        passphrase: None,
        no_encryption: true,
        document_header: None,
        export_dir: "/nonexistent/exports".into(),
        ppt_periods: crate::domain::ppt::PptPeriods::default(),
        role: crate::config::Role::School,
    }
}

/// The start screen at 80×24 with nothing on it.
pub fn view() -> View {
    View::new(&settings(), (80, 24))
}

/// A case row as the list shows it, due on `next` for meeting 2.
pub fn row(n: u8, school: &str, grade: &str, stage: Stage, next: Option<NaiveDate>) -> CaseRow {
    CaseRow {
        id: Uuid::from_u128(u128::from(n)),
        reference: format!("2026-{n:03}"),
        kind: CaseKind::Individual,
        school: school.into(),
        grade: grade.into(),
        gender: Some(Gender::Jente),
        teacher: "Åse Ødegård".into(),
        stage,
        status: Status::Open,
        next_kind: next.map(|_| DeadlineKind::Meeting2),
        next_due: next,
        next_planned: None,
        ppt: None,
    }
}

/// A pager showing `rows`, the first selected.
pub fn pager(query: CaseQuery, rows: Vec<CaseRow>) -> CasePager {
    CasePager::showing(query, rows)
}

/// The view drawn at its size, plain (as with `NO_COLOR`).
pub fn drawn(view: &View) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(view.size.0, view.size.1)).expect("a test terminal");
    terminal.draw(|frame| render(view, &Theme::plain(), frame)).expect("drawn");
    terminal.backend().clone()
}
