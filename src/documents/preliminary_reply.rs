//! The preliminary reply (foreløpig svar, forvaltningsloven § 11 a) as a short
//! letter to the family: why no decision is made within a month of PPT
//! receiving the referral, and when to expect one. The pupil is named only while
//! a consent covers the case; otherwise the letter goes by the case's reference.

use super::{Block, Document};
use crate::domain::ppt::{PptTrack, PreliminaryReply};
use crate::domain::{Case, format_date};
use crate::i18n::Catalog;

/// Everything the letter is made from.
pub struct LetterSource<'a> {
    pub case: &'a Case,
    pub track: &'a PptTrack,
    pub reply: &'a PreliminaryReply,
    /// The header of the page; the case's school when the config file gives none.
    pub header: Option<&'a str>,
    pub today: chrono::NaiveDate,
}

pub fn build(c: &Catalog, source: &LetterSource) -> Document {
    let LetterSource { case, track, reply, header, today } = *source;
    let t = |key: &str| c.t(key).to_string();
    let field = |label: &str, value: String| Block::Field { label: t(label), value };
    let name = case.identity.as_ref().filter(|_| case.may_name_family(today)).map(|identity| identity.name.clone());
    let mut blocks = vec![field("letter.sent_on", format_date(reply.sent_on))];
    blocks.extend(name.map(|name| field("letter.pupil", name)));
    let adviser = track.assigned.as_ref().map_or_else(|| t("letter.no_adviser"), |a| a.adviser.clone());
    blocks.extend([
        field("letter.case", case.reference.clone()),
        field("letter.school", case.details.school.clone()),
        field("letter.received", format_date(track.received)),
        Block::Text {
            label: t("letter.why_label"),
            text: c.f("letter.why", &[("received", &format_date(track.received))]),
        },
        Block::Text { label: t("letter.reason"), text: reply.reason.clone() },
        field("letter.expected_by", format_date(reply.expected_by)),
        field("letter.adviser", adviser),
        Block::Signature(t("letter.signature")),
    ]);
    Document {
        header: header.unwrap_or(&case.details.school).to_string(),
        title: t("letter.title"),
        subtitle: t("letter.subtitle"),
        blocks,
        footer_note: t("letter.footer"),
        made_on: reply.sent_on,
    }
}

/// The file name the letter is offered under, e.g. `forelopig-svar-2026-014.pdf`.
pub fn file_name(c: &Catalog, case: &Case, extension: &str) -> String {
    c.f("letter.file_name", &[("reference", &case.reference)]) + "." + extension
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::tests::{date, sample_case};
    use crate::domain::consent::{Consent, ConsentGiver, Identity};
    use crate::domain::ppt::Assignment;
    use crate::i18n::Lang;

    fn track() -> PptTrack {
        let mut track = PptTrack::received(Some(date(2026, 9, 1)), date(2026, 9, 3), date(2026, 11, 23)).unwrap();
        track.assigned = Some(Assignment { adviser: "Rådgiver Ås".into(), on: date(2026, 9, 20) });
        track
    }

    fn reply() -> PreliminaryReply {
        PreliminaryReply {
            sent_on: date(2026, 10, 2),
            reason: "Vi venter på observasjon i klassen.".into(),
            expected_by: date(2026, 12, 15),
        }
    }

    fn letter(case: &Case, lang: Lang) -> Document {
        let (track, reply) = (track(), reply());
        let source = LetterSource { case, track: &track, reply: &reply, header: None, today: date(2026, 11, 23) };
        build(&Catalog::new(lang), &source)
    }

    fn value(document: &Document, label: &str) -> Option<String> {
        document.blocks.iter().find_map(|block| match block {
            Block::Field { label: l, value } if l == label => Some(value.clone()),
            _ => None,
        })
    }

    fn named(case: &mut Case) {
        case.identity = Some(Identity { name: "Åse Ødegård".into(), birth_date: None });
        case.consent = Some(Consent {
            given_on: date(2026, 9, 1),
            given_by: ConsentGiver::Guardians,
            scope: "Drøfting med PPT".into(),
            expires_on: None,
            withdrawn_on: None,
        });
    }

    #[test]
    fn the_letter_gives_the_reason_the_expected_day_the_school_and_the_adviser() {
        let case = sample_case();
        let document = letter(&case, Lang::Nb);
        assert_eq!(document.header, case.details.school, "the school heads the letter without a header set");
        assert_eq!(value(&document, "Vedtak ventes innen").as_deref(), Some("15.12.2026"));
        assert_eq!(value(&document, "PP-rådgiver").as_deref(), Some("Rådgiver Ås"));
        assert_eq!(value(&document, "Skole").as_deref(), Some(case.details.school.as_str()));
        assert_eq!(value(&document, "Mottatt hos PPT").as_deref(), Some("03.09.2026"));
        assert!(document.blocks.contains(&Block::Text {
            label: "Hvorfor det tar tid".into(),
            text: "Vi venter på observasjon i klassen.".into()
        }));
        assert_eq!(document.made_on, date(2026, 10, 2), "dated the day the reply was sent");
        assert_eq!(letter(&case, Lang::En).title, "Preliminary reply");
    }

    #[test]
    fn the_pupil_is_named_only_under_a_valid_consent() {
        let mut case = sample_case();
        assert_eq!(value(&letter(&case, Lang::Nb), "Elev"), None, "no consent: no name line");
        named(&mut case);
        assert_eq!(value(&letter(&case, Lang::Nb), "Elev").as_deref(), Some("Åse Ødegård"));
        case.consent.as_mut().unwrap().expires_on = Some(date(2026, 11, 1));
        let expired = letter(&case, Lang::Nb);
        assert_eq!(value(&expired, "Elev"), None, "an expired consent names no one");
        assert!(!format!("{expired:?}").contains("Ødegård"));
    }
}
