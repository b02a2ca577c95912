//! The form to PPT before a drøftingsmøte, as the seed's table (seed 000): time,
//! class/grade, gender, kind of difficulty, system case, contact teacher. It is
//! built from those fields of the case alone, so no name or birth date can reach
//! it, consent or not. The school's preparation stays at school.

use super::{Block, Document};
use crate::domain::{Case, CaseKind, DiscussionMeeting, format_date, format_time};
use crate::i18n::Catalog;

/// The form for `meeting`; `cases` are the cases on its agenda (any order).
pub fn build(c: &Catalog, meeting: &DiscussionMeeting, cases: &[Case]) -> Document {
    let t = |key: &str| c.t(key).to_string();
    let rows = meeting
        .items
        .iter()
        .filter_map(|item| cases.iter().find(|case| case.id == item.case_id).map(|case| (item, case)))
        .map(|(item, case)| {
            let d = &case.details;
            vec![
                format!("{}–{}", format_time(item.starts_at), format_time(item.ends_at())),
                d.grade.clone(),
                d.gender.map(|g| c.word(g).to_string()).unwrap_or_default(),
                c.word(item.difficulty).to_string(),
                c.yes_no(d.kind == CaseKind::System).to_string(),
                d.teacher.clone(),
            ]
        })
        .collect();
    Document {
        header: meeting.school.clone(),
        title: t("discussion.form_title"),
        subtitle: t("discussion.form_subtitle"),
        blocks: vec![
            Block::Field { label: t("discussion.date"), value: format_date(meeting.date) },
            Block::Field { label: t("discussion.school"), value: meeting.school.clone() },
            Block::Field { label: t("discussion.ppt_contact"), value: meeting.ppt_contact.clone() },
            Block::Field { label: t("discussion.leader"), value: c.yes_no(meeting.leader_attends).to_string() },
            Block::Table {
                columns: ["time", "grade", "gender", "difficulty", "system", "teacher"]
                    .iter()
                    .map(|k| t(&format!("discussion.col_{k}")))
                    .collect(),
                rows,
            },
        ],
        footer_note: t("discussion.form_footer"),
        made_on: meeting.form_sent_on.unwrap_or(meeting.date),
    }
}

/// The file name the form is offered under, e.g. `drofting-2026-12-10.pdf`.
pub fn file_name(c: &Catalog, meeting: &DiscussionMeeting, extension: &str) -> String {
    c.f("discussion.file_name", &[("date", &crate::domain::iso_date(meeting.date))]) + "." + extension
}
