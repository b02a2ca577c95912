//! The start screen: counts per stage, what needs doing, and the open cases by
//! their next deadline. It moves through its cases with the list's keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::list::render_rows;
use super::theme::Theme;
use super::view::View;
use crate::domain::{FormState, fit, format_date};

/// The start screen's warnings stand a line each, at most this many.
const MAX_WARNING_ROWS: usize = 5;

/// Rows the warnings take on the start screen.
pub(super) fn warning_rows(view: &View) -> u16 {
    consent_warnings(view).len().min(MAX_WARNING_ROWS) as u16
}

pub(super) fn render_start(view: &View, theme: &Theme, frame: &mut Frame, area: Rect) {
    let c = &view.catalog;
    let shown = warning_rows(view);
    let [counts_area, warning_area, table] =
        Layout::vertical([Constraint::Length(2), Constraint::Length(shown), Constraint::Min(1)]).areas(area);
    frame.render_widget(Paragraph::new(warning_lines(view, theme, warning_area.width)), warning_area);
    let mut counts: Vec<_> =
        view.counts.per_stage.iter().map(|(stage, n)| (format!("{} {n}", c.word(*stage)), Style::default())).collect();
    counts.push((format!("{} {}", c.t("start.closed_count"), view.counts.closed), theme.dim()));
    let label = Span::styled(format!(" {}: ", c.t("start.counts")), theme.dim());
    frame.render_widget(Paragraph::new(packed(label, counts, usize::from(counts_area.width))), counts_area);
    if view.start.total == 0 {
        frame.render_widget(Paragraph::new(format!(" {}", c.t("start.empty"))), table);
        return;
    }
    render_rows(view, theme, frame, table, &view.start);
}

/// The warnings, a line each so that none hides another; what does not fit
/// ends in "…".
pub(super) fn warning_lines<'a>(view: &View, theme: &Theme, width: u16) -> Vec<Line<'a>> {
    let width = usize::from(width).saturating_sub(4);
    let warnings = consent_warnings(view);
    let lines = warnings.iter().take(MAX_WARNING_ROWS);
    lines.map(|w| Line::styled(format!(" ⚠ {}", fit(w, width)), theme.focus())).collect()
}

/// The warnings of the start screen, in words: forms to PPT not sent (the most
/// pressing), fields from a kit waiting for a choice, then consents.
fn consent_warnings(view: &View) -> Vec<String> {
    let c = &view.catalog;
    let forms = view.unsent_forms.iter().filter_map(|m| {
        let key = match m.form_state(view.settings.today) {
            FormState::DueSoon => "discussion.form_due_soon",
            FormState::Overdue => "discussion.form_overdue",
            _ => return None,
        };
        let args = [("date", format_date(m.date)), ("school", m.school.clone()), ("due", format_date(m.form_due()))];
        Some(c.f(key, &args.each_ref().map(|(k, v)| (*k, v.as_str()))))
    });
    let conflicts =
        (!view.kit_conflicts.is_empty()).then(|| c.count("start.warn_conflicts", view.kit_conflicts.len() as u64, &[]));
    let w = view.warnings;
    let consents =
        [(w.to_erase, "start.warn_erase"), (w.expiring, "start.warn_expiring"), (w.pupil_of_age, "start.warn_of_age")]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, key)| c.count(key, n, &[("age", &view.settings.consent_age.to_string())]));
    forms.chain(conflicts).chain(consents).collect()
}

/// `label`, then items side by side two spaces apart, onto as many lines as they
/// need: an item ("Henvist PPT 1") is never split over two.
pub(super) fn packed<'a>(label: Span<'a>, items: Vec<(String, Style)>, width: usize) -> Vec<Line<'a>> {
    use unicode_width::UnicodeWidthStr;
    let mut used = label.content.width();
    let (mut lines, mut spans, mut first) = (Vec::new(), vec![label], true);
    for (text, style) in items {
        let w = text.width();
        if !first && used + 2 + w > width {
            lines.push(Line::from(std::mem::replace(&mut spans, vec![Span::raw(" ")])));
            (used, first) = (1, true);
        }
        if !first {
            spans.push(Span::raw("  "));
            used += 2;
        }
        first = false;
        spans.push(Span::styled(text, style));
        used += w;
    }
    lines.push(Line::from(spans));
    lines
}

#[cfg(test)]
mod tests {
    use super::super::testing::{date, drawn, pager, row, view};
    use super::{Span, Style, packed};
    use crate::domain::{DiscussionMeeting, Stage};
    use crate::store::ConsentWarnings;

    #[test]
    fn the_start_screen_from_a_view_in_memory() {
        let mut view = view();
        let query = view.start.query.clone();
        view.start = pager(
            query,
            vec![
                row(1, "Bjørkå skole", "5. trinn", Stage::Meeting1, Some(date(2026, 11, 1))),
                row(2, "Fjordtun skole", "7B", Stage::Meeting1, Some(date(2026, 11, 27))),
                row(3, "Måkeberget skole", "9A", Stage::InternalSparring, None),
            ],
        );
        view.counts.per_stage = vec![(Stage::InternalSparring, 1), (Stage::Meeting1, 2)];
        view.counts.closed = 4;
        view.warnings = ConsentWarnings { to_erase: 1, expiring: 2, pupil_of_age: 0 };
        let meeting = DiscussionMeeting::new(
            uuid::Uuid::nil(),
            date(2026, 11, 30),
            chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            "Bjørkå skole",
            "",
            true,
            date(2026, 11, 23),
        )
        .unwrap();
        view.unsent_forms = vec![meeting];
        insta::assert_snapshot!(drawn(&view));
    }

    #[test]
    fn an_empty_start_screen_says_how_to_begin() {
        insta::assert_snapshot!(drawn(&view()));
    }

    #[test]
    fn a_count_per_stage_is_never_split_over_two_lines() {
        let items = |labels: &[&str]| labels.iter().map(|l| (l.to_string(), Style::default())).collect::<Vec<_>>();
        let stages = items(&["Intern drøfting 12", "Møte 1 3", "Henvist PPT 1", "Avsluttet 4"]);
        let lines = packed(Span::raw(" Antall: "), stages, 40);
        let texts: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        assert_eq!(texts, [" Antall: Intern drøfting 12  Møte 1 3", " Henvist PPT 1  Avsluttet 4"]);
        assert!(texts.iter().all(|t| unicode_width::UnicodeWidthStr::width(t.as_str()) <= 40));
    }
}
