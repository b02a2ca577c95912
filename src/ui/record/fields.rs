//! The fields of each part of a record, built from what is stored, and what a
//! typed field changes.

use chrono::NaiveDate;
use uuid::Uuid;

// The editor's own types and field makers, which only these builders share.
use super::*;
use crate::domain::{
    Case, Coded, DiscussionMeeting, Measure, MeetingNo, MeetingRecord, PREPARATION_POINTS, Participant, Party, Role,
    Task, TaskKind, format_time, parse_time,
};
use crate::i18n::Catalog;

/// Writes what is typed in `field` into `record`.
pub(super) fn write_field(
    record: &mut MeetingRecord,
    field: &EditField,
    typed: &str,
    c: &Catalog,
    date: impl Fn(&str) -> Result<Option<NaiveDate>, String>,
) -> Result<(), String> {
    let index = match field.input {
        FieldInput::Choice { index, .. } => index,
        _ => 0,
    };
    let checked = matches!(field.input, FieldInput::Check(true));
    let owned = typed.to_string();
    match field.target {
        Target::Time => {
            record.time = match typed.trim() {
                "" => None,
                text => Some(parse_time(text).ok_or_else(|| c.time_error(text))?),
            }
        }
        Target::Place => record.place = owned,
        Target::Purpose => record.purpose = owned,
        Target::Statement(party) => record.statements[party.index()] = owned,
        Target::Services(party) => record.services[party.index()] = owned,
        Target::DecisionResponsible => record.decision_responsible = owned,
        Target::OtherAgreements => record.other_agreements = owned,
        Target::ApprovedBy => record.approved_by = owned,
        Target::ApprovedOn => record.approved_on = date(typed)?,
        Target::SentHome => record.sent_home_on = date(typed)?,
        Target::Participant(row, part) => {
            let Some(p) = record.participants.get_mut(row) else { return Ok(()) };
            match part {
                ParticipantPart::Name => p.name = owned,
                ParticipantPart::Role => p.role = Role::ALL[index.min(Role::ALL.len() - 1)],
                ParticipantPart::RoleText => p.role_text = owned,
            }
        }
        Target::Task(row, part) => {
            let Some(t) = record.tasks.get_mut(row) else { return Ok(()) };
            match part {
                TaskPart::Kind => t.kind = TaskKind::ALL[index.min(3)],
                TaskPart::AssignedTo => t.assigned_to = Party::ALL[index.min(3)],
                TaskPart::Partner => t.partner = owned,
                TaskPart::Note => t.note = owned,
                TaskPart::Done => t.done = checked,
            }
        }
        Target::Measure(row, part) => {
            let Some(m) = record.measures.get_mut(row) else { return Ok(()) };
            match part {
                MeasurePart::Content => m.content = owned,
                MeasurePart::Scope => m.scope = owned,
                MeasurePart::Organisation => m.organisation = owned,
                MeasurePart::Starts => m.starts_on = date(typed)?,
                MeasurePart::Ends => m.ends_on = date(typed)?,
                MeasurePart::Responsible => m.responsible = owned,
            }
        }
        Target::Evaluation(measure_id, party, part) => {
            let mut evaluation = record.evaluation(measure_id, party);
            match part {
                EvaluationPart::HowItWorked => evaluation.how_it_worked = owned,
                EvaluationPart::WentWell => evaluation.went_well = owned,
                EvaluationPart::Obstacles => evaluation.obstacles = owned,
            }
            record.set_evaluation(measure_id, party, evaluation);
        }
        Target::Date | Target::NextDate | Target::Decision => {}
        Target::Preparation(_) | Target::Advice | Target::NextStep => {}
    }
    Ok(())
}

/// The parts of the form of meeting `number`, in the form's order.
pub(super) fn sections(
    c: &Catalog,
    case: &Case,
    number: MeetingNo,
    record: &MeetingRecord,
    measures: &[Measure],
    anonymous: bool,
) -> Vec<Section> {
    let t = |key: &str| c.t(key).to_string();
    let n = number.get();
    let part = |title: &str, fields: Vec<EditField>| Section { title: t(title), fields, rows: None, empty_note: None };
    let meeting = part(
        "record.sec_meeting",
        vec![
            line(Target::Date, t("record.date"), &date_text(case.meeting(number).map(|m| m.date))),
            line(Target::Time, t("record.time"), &record.time.map(format_time).unwrap_or_default()),
            line(Target::Place, t("record.place"), &record.place),
            text(Target::Purpose, t("record.purpose"), &record.purpose),
        ],
    );
    let rows = |title: &str, fields: Vec<EditField>, rows: Rows| Section {
        title: t(title),
        empty_note: fields.is_empty().then(|| {
            t(match rows {
                Rows::Participants => "record.no_participants",
                Rows::Tasks => "record.no_tasks",
                Rows::Measures => "record.no_measures_yet",
            })
        }),
        fields,
        rows: Some(rows),
    };
    let mut present =
        rows("record.sec_present", participant_fields(c, &record.participants, anonymous), Rows::Participants);
    if anonymous {
        // A reminder where the family would be named, and for the texts after it.
        present.title = format!("{} · {}", present.title, t("record.anonymous_note"));
    }
    let statements = Party::ALL
        .iter()
        .map(|party| {
            let key = format!("record.m{n}_{}", party.code());
            text(Target::Statement(*party), t(&key), &record.statements[party.index()])
        })
        .collect();
    let statements_title = ["record.sec_situation", "record.sec_follow_up", "record.sec_situation_now"];
    let mut sections = vec![meeting, present, part(statements_title[number.index()], statements)];
    match n {
        1 => sections.push(rows("record.sec_tasks", task_fields(c, &record.tasks), Rows::Tasks)),
        2 => sections.push(rows("record.sec_measures", measure_fields(c, &record.measures), Rows::Measures)),
        _ => {
            let mut effect = part("record.sec_effect", evaluation_fields(c, record, measures));
            effect.empty_note = measures.is_empty().then(|| t("record.no_measures"));
            sections.push(effect);
            let decided = DECISIONS.iter().position(|d| *d == case.decision.map(|d| d.0)).unwrap_or(0);
            let mut options = vec![t("record.decision_none")];
            options.extend(DECISIONS[1..].iter().flatten().map(|d| c.word(*d).to_string()));
            let mut fields = vec![
                choice(Target::Decision, t("record.decision"), options, decided),
                line(Target::DecisionResponsible, t("record.decision_responsible"), &record.decision_responsible),
            ];
            fields.extend(Party::REQUESTERS.iter().map(|party| {
                let label = c.f("record.services", &[("party", c.word(*party))]);
                text(Target::Services(*party), label, &record.services[party.index()])
            }));
            sections.push(part("record.sec_decision", fields));
        }
    }
    let mut closing = Vec::new();
    if let Some(next) = number.next() {
        let label = t(&format!("record.next_date{}", next.get()));
        let mut next_date = line(Target::NextDate, label, &date_text(case.meeting(next).map(|m| m.date)));
        // As the case view warns: the meeting as planned misses its deadline.
        next_date.warning = case.open_deadline().filter(|d| d.planned_too_late()).map(|d| {
            c.f("record.next_after_deadline", &[("n", &next.get().to_string()), ("due", &format_date(d.due))])
        });
        closing.push(next_date);
    }
    closing.extend([
        text(Target::OtherAgreements, t("record.other_agreements"), &record.other_agreements),
        line(Target::ApprovedBy, t("record.approved_by"), &record.approved_by),
        line(Target::ApprovedOn, t("record.approved_on"), &date_text(record.approved_on)),
        line(Target::SentHome, t("record.sent_home"), &date_text(record.sent_home_on)),
    ]);
    sections.push(part("record.sec_next", closing));
    sections
}

/// The preparation points of seed 000, then the outcome after the meeting.
pub(super) fn discussion_sections(c: &Catalog, meeting: &DiscussionMeeting, case_id: Uuid) -> Vec<Section> {
    // Both parts always exist, so the editor never has nothing to show.
    let item = meeting.item(case_id);
    let preparation = (0..PREPARATION_POINTS)
        .map(|point| {
            let label = c.t(&format!("preparation.point{}", point + 1)).to_string();
            let written = item.and_then(|i| i.preparation.get(point)).map_or("", String::as_str);
            text(Target::Preparation(point), label, written)
        })
        .collect();
    let outcome = vec![
        text(Target::Advice, c.t("preparation.advice").into(), item.map_or("", |i| i.advice.as_str())),
        text(Target::NextStep, c.t("preparation.next_step").into(), item.map_or("", |i| i.next_step.as_str())),
    ];
    let part = |title: &str, fields| Section { title: c.t(title).into(), fields, rows: None, empty_note: None };
    vec![part("preparation.title", preparation), part("preparation.outcome", outcome)]
}

/// The meeting with the case's preparation or outcome as typed in `target`.
pub(super) fn discussion_change(
    meeting: &DiscussionMeeting,
    case_id: Uuid,
    target: Target,
    typed: String,
) -> Option<Change> {
    let mut changed = meeting.clone();
    let item = changed.items.iter_mut().find(|i| i.case_id == case_id)?;
    match target {
        Target::Preparation(point) if point < item.preparation.len() => item.preparation[point] = typed,
        Target::Advice => item.advice = typed,
        Target::NextStep => item.next_step = typed,
        _ => return None,
    }
    (changed != *meeting).then_some(Change::Discussion(changed))
}

pub(super) fn participant_fields(c: &Catalog, participants: &[Participant], anonymous: bool) -> Vec<EditField> {
    let roles: Vec<String> = Role::ALL.iter().map(|r| c.word(*r).to_string()).collect();
    let mut fields = Vec::new();
    for (row, p) in participants.iter().enumerate() {
        let role = Role::ALL.iter().position(|r| *r == p.role).unwrap_or(0);
        let label = if anonymous && p.role.is_family() { "record.name_closed" } else { "record.name" };
        let mut name = line(Target::Participant(row, ParticipantPart::Name), c.t(label).into(), &p.name);
        name.heading = Some(c.f("record.participant", &[("n", &(row + 1).to_string())]));
        fields.extend([
            name,
            choice(Target::Participant(row, ParticipantPart::Role), c.t("record.role").into(), roles.clone(), role),
            line(Target::Participant(row, ParticipantPart::RoleText), c.t("record.role_text").into(), &p.role_text),
        ]);
    }
    fields
}

pub(super) fn task_fields(c: &Catalog, tasks: &[Task]) -> Vec<EditField> {
    let kinds: Vec<String> = TaskKind::ALL.iter().map(|k| c.word(*k).to_string()).collect();
    let parties: Vec<String> = Party::ALL.iter().map(|p| c.word(*p).to_string()).collect();
    let mut fields = Vec::new();
    for (row, task) in tasks.iter().enumerate() {
        let kind = TaskKind::ALL.iter().position(|k| *k == task.kind).unwrap_or(0);
        let mut first = choice(Target::Task(row, TaskPart::Kind), c.t("record.task_kind").into(), kinds.clone(), kind);
        first.heading = Some(c.f("record.task", &[("n", &(row + 1).to_string())]));
        fields.extend([
            first,
            choice(
                Target::Task(row, TaskPart::AssignedTo),
                c.t("record.assigned_to").into(),
                parties.clone(),
                task.assigned_to.index(),
            ),
            line(Target::Task(row, TaskPart::Partner), c.t("record.partner").into(), &task.partner),
            line(Target::Task(row, TaskPart::Note), c.t("record.note").into(), &task.note),
            EditField {
                target: Target::Task(row, TaskPart::Done),
                label: c.t("record.done").into(),
                heading: None,
                input: FieldInput::Check(task.done),
                warning: None,
            },
        ]);
    }
    fields
}

pub(super) fn measure_heading(c: &Catalog, row: usize, measure: &Measure) -> String {
    let n = (row + 1).to_string();
    let content = measure.content.lines().next().unwrap_or_default();
    if content.is_empty() {
        c.f("record.measure", &[("n", &n)])
    } else {
        c.f("record.measure_of", &[("n", &n), ("content", content)])
    }
}

pub(super) fn measure_fields(c: &Catalog, measures: &[Measure]) -> Vec<EditField> {
    let mut fields = Vec::new();
    for (row, m) in measures.iter().enumerate() {
        let target = |part| Target::Measure(row, part);
        let mut content = text(target(MeasurePart::Content), c.t("record.content").into(), &m.content);
        content.heading = Some(measure_heading(c, row, m));
        fields.extend([
            content,
            line(target(MeasurePart::Scope), c.t("record.scope").into(), &m.scope),
            line(target(MeasurePart::Organisation), c.t("record.organisation").into(), &m.organisation),
            line(target(MeasurePart::Starts), c.t("record.starts_on").into(), &date_text(m.starts_on)),
            line(target(MeasurePart::Ends), c.t("record.ends_on").into(), &date_text(m.ends_on)),
            line(target(MeasurePart::Responsible), c.t("record.responsible").into(), &m.responsible),
        ]);
    }
    fields
}

pub(super) fn evaluation_fields(c: &Catalog, record: &MeetingRecord, measures: &[Measure]) -> Vec<EditField> {
    let mut fields = Vec::new();
    for (row, measure) in measures.iter().enumerate() {
        for &party in Party::ALL {
            let said = record.evaluation(measure.id, party);
            let name = [("party", c.word(party))];
            let target = |part| Target::Evaluation(measure.id, party, part);
            let mut how =
                text(target(EvaluationPart::HowItWorked), c.f("record.how_it_worked", &name), &said.how_it_worked);
            if party == Party::School {
                how.heading = Some(measure_heading(c, row, measure));
            }
            fields.extend([
                how,
                text(target(EvaluationPart::WentWell), c.f("record.went_well", &name), &said.went_well),
                text(target(EvaluationPart::Obstacles), c.f("record.obstacles", &name), &said.obstacles),
            ]);
        }
    }
    fields
}
