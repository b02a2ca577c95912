//! The minutes (referat) of one meeting, with the form's own headings in the
//! form's order (seed 001). The pupil is named by class and reference only: the
//! archive files the minutes under the pupil.

use chrono::NaiveDate;

use super::{Block, Document};
use crate::domain::{Case, Coded, Measure, MeetingNo, MeetingRecord, Party, format_date, format_time};
use crate::i18n::Catalog;

/// Everything the minutes of meeting `number` are made from.
pub struct MinutesSource<'a> {
    pub case: &'a Case,
    pub number: MeetingNo,
    pub record: &'a MeetingRecord,
    /// Meeting 2's measures: agreed there, evaluated in meeting 3.
    pub measures: &'a [Measure],
    /// The header of every page; the case's school when the config file gives none.
    pub header: Option<&'a str>,
    pub today: NaiveDate,
}

fn party_name(c: &Catalog, party: Party) -> String {
    c.word(party).to_string()
}

fn period(measure: &Measure) -> String {
    match (measure.starts_on, measure.ends_on) {
        (None, None) => String::new(),
        (start, end) => {
            format!("{}–{}", start.map(format_date).unwrap_or_default(), end.map(format_date).unwrap_or_default())
        }
    }
}

pub fn build(c: &Catalog, source: &MinutesSource) -> Document {
    let MinutesSource { case, number, record, measures, header, today } = *source;
    let n = number.get();
    let t = |key: &str| c.t(key).to_string();
    let field = |label: &str, value: String| Block::Field { label: t(label), value };
    let date = |d: Option<chrono::NaiveDate>| d.map(format_date).unwrap_or_default();
    let mut blocks = vec![
        field("minutes.case", case.reference.clone()),
        field("minutes.grade", case.details.grade.clone()),
        field("minutes.date", date(case.meeting(number).map(|m| m.date))),
        field("minutes.time", record.time.map(format_time).unwrap_or_default()),
        field("minutes.place", record.place.clone()),
        Block::Text { label: t("minutes.purpose"), text: record.purpose.clone() },
        Block::Heading(t("minutes.present")),
        Block::Table {
            columns: vec![t("record.name"), t("record.role")],
            rows: record
                .participants
                .iter()
                .map(|p| {
                    let role = match p.role {
                        crate::domain::Role::Other if !p.role_text.trim().is_empty() => p.role_text.clone(),
                        role => c.word(role).to_string(),
                    };
                    // The family is named only while a consent covers the case.
                    let named = !p.role.is_family() || case.may_name_family(today);
                    vec![if named { p.name.clone() } else { String::new() }, role]
                })
                .collect(),
        },
        Block::Heading(t(&format!("minutes.statements{n}"))),
    ];
    blocks.extend(Party::ALL.iter().map(|party| Block::Text {
        label: t(&format!("record.m{n}_{}", party.code())),
        text: record.statements[party.index()].clone(),
    }));
    match n {
        1 => {
            blocks.push(Block::Heading(t("minutes.tasks")));
            blocks.push(Block::Table {
                columns: vec![t("record.task_kind"), t("record.assigned_to"), t("record.note"), t("record.done")],
                rows: record
                    .tasks
                    .iter()
                    .map(|task| {
                        let mut who = party_name(c, task.assigned_to);
                        if !task.partner.trim().is_empty() {
                            who = format!("{who}: {}", task.partner);
                        }
                        let done = if task.done { t("minutes.yes") } else { String::new() };
                        vec![c.word(task.kind).to_string(), who, task.note.clone(), done]
                    })
                    .collect(),
            });
        }
        2 => {
            blocks.push(Block::Heading(t("minutes.measures")));
            blocks.push(Block::Table {
                columns: vec![t("minutes.measure_content"), t("minutes.period"), t("record.responsible")],
                rows: record
                    .measures
                    .iter()
                    .map(|m| {
                        let content = [&m.content, &m.scope, &m.organisation]
                            .iter()
                            .filter(|s| !s.trim().is_empty())
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join("\n");
                        vec![content, period(m), m.responsible.clone()]
                    })
                    .collect(),
            });
        }
        _ => {
            blocks.push(Block::Heading(t("minutes.effect")));
            for (row, measure) in measures.iter().enumerate() {
                let first_line = measure.content.lines().next().unwrap_or_default();
                blocks.push(Block::Field {
                    label: c.f("record.measure", &[("n", &(row + 1).to_string())]),
                    value: first_line.to_string(),
                });
                blocks.push(Block::Table {
                    columns: vec![t("minutes.party"), t("minutes.how"), t("minutes.well"), t("minutes.obstacles")],
                    rows: Party::ALL
                        .iter()
                        .map(|party| {
                            let e = record.evaluation(measure.id, *party);
                            vec![party_name(c, *party), e.how_it_worked, e.went_well, e.obstacles]
                        })
                        .collect(),
                });
            }
            blocks.push(Block::Heading(t("minutes.decision")));
            let decision = case.decision.map(|(d, _)| c.word(d).to_string()).unwrap_or_default();
            blocks.push(field("record.decision", decision));
            blocks.push(field("record.decision_responsible", record.decision_responsible.clone()));
            if record.services.iter().any(|s| !s.trim().is_empty()) {
                blocks.push(Block::Heading(t("minutes.services")));
                blocks.extend(Party::REQUESTERS.iter().map(|party| Block::Text {
                    label: party_name(c, *party),
                    text: record.services[party.index()].clone(),
                }));
            }
        }
    }
    if let Some(next) = number.next() {
        blocks.push(Block::Heading(t(&format!("minutes.next{}", next.get()))));
        blocks.push(field("minutes.next_date", date(case.meeting(next).map(|m| m.date))));
    }
    blocks.push(Block::Text { label: t("record.other_agreements"), text: record.other_agreements.clone() });
    blocks.push(Block::Heading(t("minutes.approval")));
    blocks.push(field("minutes.approved_by", record.approved_by.clone()));
    blocks.push(field("minutes.approved_on", date(record.approved_on)));
    blocks.push(field("minutes.sent_home", date(record.sent_home_on)));
    blocks.push(Block::Signature(t("minutes.signature")));
    Document {
        header: header.filter(|h| !h.trim().is_empty()).unwrap_or(&case.details.school).to_string(),
        title: t(&format!("minutes.title{n}")),
        subtitle: t("minutes.subtitle"),
        blocks,
        footer_note: t("minutes.footer"),
        made_on: today,
    }
}

/// The file name the minutes are offered under, e.g. `referat-2026-014-mote-1.pdf`.
pub fn file_name(c: &Catalog, case: &Case, number: MeetingNo, extension: &str) -> String {
    c.f("minutes.file_name", &[("reference", &case.reference), ("meeting", &number.get().to_string())])
        + "."
        + extension
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::tests::{date, sample_case};
    use crate::domain::{Evaluation, Meeting, Participant, Role};
    use crate::i18n::Lang;

    fn texts(document: &Document) -> String {
        document.blocks.iter().map(|b| format!("{b:?}")).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn meeting_1_minutes_follow_the_form() {
        let c = Catalog::new(Lang::Nb);
        let mut case = sample_case();
        case.meetings[0] = Some(Meeting { date: date(2026, 9, 10), held: true });
        case.meetings[1] = Some(Meeting { date: date(2026, 10, 8), held: false });
        let record = MeetingRecord {
            place: "Grupperom Ø".into(),
            participants: vec![Participant {
                name: "Bjørn".into(),
                role: Role::Other,
                role_text: "miljøarbeider".into(),
            }],
            statements: ["Uro".into(), "Jeg vil være med".into(), "".into(), "".into()],
            ..MeetingRecord::default()
        };
        let number = MeetingNo::new(1).unwrap();
        let source = MinutesSource {
            case: &case,
            number,
            record: &record,
            measures: &[],
            header: None,
            today: date(2026, 11, 24),
        };
        let document = build(&c, &source);
        assert_eq!(document.title, "Møte 1: Samtale mellom skole, elev og foresatte");
        assert_eq!(document.header, "Bjørkå skole", "the case's school without a configured header");
        let all = texts(&document);
        for expected in ["10.09.2026", "Grupperom Ø", "miljøarbeider", "Jeg vil være med", "08.10.2026", "Lærer"] {
            assert!(all.contains(expected), "{expected} in {all}");
        }
        let headings: Vec<_> = document
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading(h) => Some(h.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(headings[0], "Til stede");
        assert_eq!(headings[1], "Situasjonsbeskrivelse av bekymring for eleven");
        assert_eq!(file_name(&c, &case, number, "pdf"), "referat-2026-001-mote-1.pdf");
    }

    #[test]
    fn meeting_3_minutes_hold_every_partys_evaluation_of_every_measure() {
        let c = Catalog::new(Lang::Nb);
        let case = sample_case();
        let measures = vec![Measure {
            id: 3,
            content: "Lesekurs".into(),
            scope: String::new(),
            organisation: String::new(),
            starts_on: Some(date(2026, 9, 1)),
            ends_on: None,
            responsible: "Åse".into(),
        }];
        let mut record = MeetingRecord { services: ["".into(), "Samtaler".into(), "".into()], ..Default::default() };
        record.set_evaluation(3, Party::Guardians, Evaluation { obstacles: "Sykdom".into(), ..Default::default() });
        let source = MinutesSource {
            case: &case,
            number: MeetingNo::new(3).unwrap(),
            record: &record,
            measures: &measures,
            header: Some("Hjelpetjenesten, Bjørkå skole"),
            today: date(2026, 11, 24),
        };
        let document = build(&c, &source);
        assert_eq!(document.header, "Hjelpetjenesten, Bjørkå skole");
        let table = document.blocks.iter().find_map(|b| match b {
            Block::Table { rows, .. } if rows.len() == 4 && rows[2][0] == "Foresatte" => Some(rows.clone()),
            _ => None,
        });
        assert_eq!(table.unwrap()[2][3], "Sykdom");
        assert!(texts(&document).contains("Samtaler"));
    }
}
