//! The case screen: one case's detail, drawn from its view model, and the
//! forms its keys open.

use anyhow::Result;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::app::App;
use super::confirm::{Confirm, Pending};
use super::form::{Form, Purpose};
use super::keymap::Command;
use super::record::RecordEditor;
use super::theme::Theme;
use super::view::{Screen, View};
use crate::domain::AuditEntry;
use crate::domain::{Action, Case, MeetingNo, RuleError};
use crate::service::{self, CaseFile, DetailLine, Emphasis};

/// A case opened on the detail screen: the case, its log, and its detail as
/// the lines drawn.
pub struct DetailView {
    pub case: Case,
    pub audit: Vec<AuditEntry>,
    pub lines: Vec<DetailLine>,
    pub scroll: u16,
}

impl App {
    /// Shows a case read once: after a look that was logged, or again after a change.
    pub(super) fn show_case(&mut self, file: Option<CaseFile>) {
        let Some(file) = file else {
            // The case is gone (deleted by a kit): its screen goes with it.
            if self.view.detail.take().is_some() && self.view.screen() == Screen::Detail {
                self.view.back();
            }
            return;
        };
        let s = &self.view.settings;
        let lines = service::case_detail(&file, &self.view.catalog, s);
        let same = self.view.detail.as_ref().filter(|v| v.case.id == file.case.id);
        let scroll = same.map_or(0, |v| v.scroll);
        self.view.detail = Some(DetailView { case: file.case, audit: file.audit, lines, scroll });
        self.view.open(Screen::Detail);
    }

    pub(super) fn scroll_detail(&mut self, delta: i16) {
        if let Some(view) = &mut self.view.detail {
            // The last line may come to the top, no further.
            let last = u16::try_from(view.lines.len().saturating_sub(1)).unwrap_or(u16::MAX);
            view.scroll = view.scroll.saturating_add_signed(delta).min(last);
        }
    }

    /// Opens the form for an action on the case shown.
    pub(super) fn detail_command(&mut self, command: Command) -> Result<()> {
        let Some(case) = self.view.detail.as_ref().map(|v| v.case.clone()) else { return Ok(()) };
        let c = &self.view.catalog;
        let reference = [("reference", case.reference.as_str())];
        // The meeting the process waits for; a held meeting can still be corrected
        // until the next is recorded, which the rules decide.
        let next = case.next_meeting().unwrap_or(MeetingNo::ALL[2]);
        let meeting_args =
            |key: &str| c.f(key, &[("meeting", &next.get().to_string()), ("reference", case.reference.as_str())]);
        let form = match command {
            Command::Edit => Form::new(
                Purpose::EditCase(case.id),
                c.f("form.edit_case", &reference),
                Form::case_fields(Some(&case.details), None),
            ),
            Command::Plan => {
                let suggested = case.open_deadline().map(|d| d.due).filter(|due| *due >= self.view.settings.today);
                Form::new(
                    Purpose::PlanMeeting(case.id, next),
                    meeting_args("form.plan_meeting"),
                    vec![Form::date_field(suggested.or(case.planned(next)))],
                )
            }
            Command::Record => {
                let planned = case.planned(next).filter(|d| *d <= self.view.settings.today);
                Form::new(
                    Purpose::RecordMeeting(case.id, next),
                    meeting_args("form.record_meeting"),
                    vec![Form::date_field(Some(planned.unwrap_or(self.view.settings.today)))],
                )
            }
            Command::Decide => Form::new(
                Purpose::Decide(case.id),
                c.f("form.decide", &reference),
                vec![
                    Form::decision_field(),
                    Form::date_field(case.held(MeetingNo::ALL[2]).or(Some(self.view.settings.today))),
                ],
            ),
            Command::Referral => Form::new(
                Purpose::ReferralSent(case.id),
                c.f("form.referral", &reference),
                vec![Form::date_field(Some(self.view.settings.today))],
            ),
            Command::Close => {
                Form::new(Purpose::Close(case.id), c.f("form.close", &reference), vec![Form::reason_field()])
            }
            Command::Reopen => {
                Form::new(Purpose::Reopen(case.id), c.f("form.reopen", &reference), vec![Form::reason_field()])
            }
            Command::RecordConsent => Form::new(
                Purpose::Consent(case.id),
                c.f("form.consent", &reference),
                Form::consent_fields(self.view.settings.today),
            ),
            Command::OpenRecord(n) => {
                let Some(number) = MeetingNo::new(n) else { return Ok(()) };
                let stored = self.store.meeting_record(case.id, number)?;
                // Meeting 3 evaluates the measures agreed in meeting 2.
                let measures = match n {
                    3 => self.store.meeting_record(case.id, MeetingNo::ALL[1])?.map(|r| r.measures).unwrap_or_default(),
                    _ => Vec::new(),
                };
                // Those at the previous meeting are offered for this one (F7).
                let earlier = match number.previous() {
                    Some(previous) => self.store.meeting_record(case.id, previous)?.map(|r| r.participants),
                    None => None,
                };
                self.view.record = Some(RecordEditor::open(
                    &self.view.catalog,
                    case,
                    number,
                    stored,
                    measures,
                    earlier.unwrap_or_default(),
                    self.view.settings.today,
                ));
                return Ok(());
            }
            Command::EditIdentity => {
                // The name fields are locked without consent: say why instead of opening them.
                let refused = if case.details.kind != crate::domain::CaseKind::Individual {
                    Some(RuleError::ConsentOnlyForIndividual)
                } else if !case.has_valid_consent(self.view.settings.today) {
                    Some(RuleError::NoValidConsent)
                } else {
                    None
                };
                if let Some(rule) = refused {
                    self.view.message = Some(self.view.catalog.rule_error(&rule));
                    return Ok(());
                }
                Form::new(
                    Purpose::Identity(case.id),
                    c.f("form.identity", &reference),
                    Form::identity_fields(case.identity.as_ref()),
                )
            }
            Command::PptSteps => {
                self.open_ppt_steps(&case);
                return Ok(());
            }
            Command::WithdrawConsent => {
                let action = Action::WithdrawConsent { date: self.view.settings.today };
                if let Err(rule) = case.apply(&action, self.view.settings.today) {
                    self.view.message = Some(self.view.catalog.rule_error(&rule));
                    return Ok(());
                }
                self.view.confirm = Some(Confirm {
                    text: c.f("consent.confirm_withdraw_ui", &reference),
                    on_yes: Pending::Apply(case.id, action),
                    on_no: None,
                });
                return Ok(());
            }
            _ => return Ok(()),
        };
        self.view.form = Some(form);
        Ok(())
    }
}

pub(super) fn render_detail(view: &View, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(detail) = &view.detail else { return };
    let lines: Vec<Line> = detail
        .lines
        .iter()
        .flat_map(|line| wrapped(line, usize::from(area.width)))
        .map(|row| {
            Line::from(
                row.into_iter()
                    .map(|(text, emphasis)| Span::styled(text, theme.emphasis(emphasis)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).scroll((detail.scroll, 0)), area);
}

/// A detail line in rows of `width` columns, broken at spaces; the rows after
/// the first start where its text starts (after the label, or after a ⚠), so a
/// long value stays in its column.
fn wrapped(line: &DetailLine, width: usize) -> Vec<Vec<(String, Emphasis)>> {
    let width = width.max(1);
    let indent = match line.0.as_slice() {
        [(label, _), _, ..] => label.width(),
        [(text, _)] => {
            let body = text.trim_start_matches(' ');
            let mut chars = body.chars();
            let marker = match (chars.next(), chars.next()) {
                (Some(mark @ ('⚠' | '•')), Some(' ')) => mark.width().unwrap_or(1) + 1,
                _ => 0,
            };
            text.len() - body.len() + marker
        }
        [] => 0,
    }
    .min(width / 2);
    let mut rows = vec![Vec::new()];
    let mut used = 0;
    for (text, emphasis) in &line.0 {
        for piece in text.split_inclusive(' ') {
            let word = piece.trim_end_matches(' ');
            if used > indent && used + word.width() > width {
                rows.push(vec![(" ".repeat(indent), Emphasis::Plain)]);
                used = indent;
            }
            let piece = if used == indent && rows.len() > 1 { piece.trim_start() } else { piece };
            for c in piece.chars() {
                let w = c.width().unwrap_or(0);
                if used + w > width {
                    if c == ' ' {
                        continue;
                    }
                    rows.push(vec![(" ".repeat(indent), Emphasis::Plain)]);
                    used = indent;
                }
                let row = rows.last_mut().expect("a row is always open");
                match row.last_mut() {
                    Some((run, e)) if e == emphasis => run.push(c),
                    _ => row.push((c.to_string(), *emphasis)),
                }
                used += w;
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::super::testing::{date, drawn, view};
    use super::super::view::Screen;
    use super::{DetailLine, DetailView, Emphasis, wrapped};
    use crate::domain::case::tests::sample_case;
    use crate::domain::{Action, MeetingNo};
    use crate::service::{self, CaseFile};
    use unicode_width::UnicodeWidthStr;

    /// A case as the store hands it over, with nothing else read.
    fn file_of(case: crate::domain::Case) -> CaseFile {
        CaseFile { case, records: Default::default(), discussions: Vec::new(), audit: Vec::new(), waiting: Vec::new() }
    }

    #[test]
    fn a_case_with_meeting_1_held_and_no_minutes_warns_from_a_view_in_memory() {
        let mut view = view();
        let held = Action::RecordMeeting { number: MeetingNo::ALL[0], date: date(2026, 10, 1) };
        let case = sample_case().apply(&held, view.settings.today).unwrap();
        let file = file_of(case);
        let lines = service::case_detail(&file, &view.catalog, &view.settings);
        view.detail = Some(DetailView { case: file.case, audit: Vec::new(), lines, scroll: 0 });
        view.open(Screen::Detail);
        insta::assert_snapshot!(drawn(&view));
    }

    #[test]
    fn a_referred_case_shows_ppts_track_and_its_deadlines_under_the_schools() {
        use crate::domain::ppt::{AssessmentConsent, Assignment, PptStep};
        use crate::domain::{ConsentGiver, Decision};
        let mut view = view();
        let today = view.settings.today;
        let steps = [
            Action::RecordMeeting { number: MeetingNo::ALL[0], date: date(2026, 9, 2) },
            Action::RecordMeeting { number: MeetingNo::ALL[1], date: date(2026, 9, 20) },
            Action::RecordMeeting { number: MeetingNo::ALL[2], date: date(2026, 10, 1) },
            Action::Decide { decision: Decision::Refer, date: date(2026, 10, 1) },
            Action::ReferralSent { date: date(2026, 10, 5) },
            Action::PptReceived { date: date(2026, 10, 7) },
            Action::Ppt {
                step: PptStep::Consent(AssessmentConsent { given_on: date(2026, 10, 20), by: ConsentGiver::Guardians }),
                consent_age: 15,
            },
            Action::Ppt {
                step: PptStep::Assign(Assignment { adviser: "Rådgiver Rønning".into(), on: date(2026, 11, 2) }),
                consent_age: 15,
            },
        ];
        let case = steps.iter().fold(sample_case(), |case, step| case.apply(step, today).unwrap());
        let file = file_of(case);
        let lines = service::case_detail(&file, &view.catalog, &view.settings);
        let text: Vec<String> = lines.iter().map(DetailLine::text).collect();
        assert!(text.iter().any(|l| l.contains("PPT · aktiv · 26 dager på venteliste")), "{text:#?}");
        view.detail = Some(DetailView { case: file.case, audit: Vec::new(), lines, scroll: 22 });
        view.open(Screen::Detail);
        insta::assert_snapshot!(drawn(&view));
    }

    #[test]
    fn a_wrapped_value_or_warning_goes_on_under_its_text_not_at_the_edge() {
        let field = DetailLine(vec![
            (" Bekymring      ".into(), Emphasis::Dim),
            ("Lesevansker og uro i timene, særlig etter friminuttene".into(), Emphasis::Plain),
        ]);
        let rows: Vec<String> =
            wrapped(&field, 40).iter().map(|row| row.iter().map(|(text, _)| text.as_str()).collect()).collect();
        assert_eq!(
            rows,
            [
                " Bekymring      Lesevansker og uro i ",
                "                timene, særlig etter ",
                "                friminuttene"
            ]
        );
        let warning =
            DetailLine(vec![(" ⚠ Elevens stemme mangler i referatet fra møte 1, 2.".into(), Emphasis::Focus)]);
        let rows: Vec<String> =
            wrapped(&warning, 30).iter().map(|row| row.iter().map(|(text, _)| text.as_str()).collect()).collect();
        assert_eq!(rows, [" ⚠ Elevens stemme mangler i ", "   referatet fra møte 1, 2."]);
        let long = DetailLine(vec![(" ".to_string() + &"x".repeat(25), Emphasis::Plain)]);
        assert!(wrapped(&long, 10).iter().all(|row| row.iter().map(|(t, _)| t.width()).sum::<usize>() <= 10));
    }
}
