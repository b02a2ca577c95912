//! The case (sak) and the facts recorded about it.

use super::codes::coded;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::consent::{Consent, Identity};

/// Individual pupil case, or a system case about a class, group or school environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseKind {
    Individual,
    System,
}

coded!(CaseKind in "kind" {
    Individual => "individual",
    System => "system",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Jente,
    Gutt,
    Annet,
}

coded!(Gender in "gender" {
    Jente => "jente",
    Gutt => "gutt",
    Annet => "annet",
});

/// Where a case stands in the concern process, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    InternalSparring,
    Meeting1,
    Meeting2,
    Meeting3,
    Referred,
}

coded!(Stage in "stage" {
    InternalSparring => "internal_sparring",
    Meeting1 => "meeting1",
    Meeting2 => "meeting2",
    Meeting3 => "meeting3",
    Referred => "referred",
});

/// The decision made at meeting 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The case is closed.
    Close,
    /// Measures continue in ordinary teaching; the case stays open for follow-up.
    Continue,
    /// The case is referred to PPT; the referral is due within 14 days.
    Refer,
}

coded!(Decision in "decision" {
    Close => "close",
    Continue => "continue",
    Refer => "refer",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    Closed,
}

coded!(Status in "status" {
    Open => "open",
    Closed => "closed",
});

/// Meeting 1, 2 or 3 of the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MeetingNo(u8);

impl MeetingNo {
    pub const ALL: [MeetingNo; 3] = [MeetingNo(1), MeetingNo(2), MeetingNo(3)];

    pub fn new(number: u8) -> Option<MeetingNo> {
        (1..=3).contains(&number).then_some(MeetingNo(number))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    pub(crate) fn index(self) -> usize {
        usize::from(self.0 - 1)
    }

    pub fn previous(self) -> Option<MeetingNo> {
        MeetingNo::new(self.0 - 1)
    }

    pub fn next(self) -> Option<MeetingNo> {
        MeetingNo::new(self.0 + 1)
    }

    /// The stage a case reaches once this meeting is held.
    pub fn stage(self) -> Stage {
        [Stage::Meeting1, Stage::Meeting2, Stage::Meeting3][self.index()]
    }
}

/// A meeting's date, either planned ahead or recorded as held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub date: NaiveDate,
    pub held: bool,
}

/// The fields a user types about a case; everything else follows from actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDetails {
    pub kind: CaseKind,
    pub school: String,
    /// Class or grade, e.g. "5. trinn" or "7B".
    pub grade: String,
    /// Only for individual cases.
    pub gender: Option<Gender>,
    pub teacher: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub date: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    /// Stable across machines.
    pub id: Uuid,
    /// Short human reference, e.g. `2026-014`.
    pub reference: String,
    pub details: CaseDetails,
    pub created: NaiveDate,
    pub meetings: [Option<Meeting>; 3],
    pub decision: Option<(Decision, NaiveDate)>,
    pub referral_sent: Option<NaiveDate>,
    pub closure: Option<Closure>,
    /// The latest consent given for the case, if any.
    pub consent: Option<Consent>,
    /// The pupil's name and birth date: only while a consent is valid.
    pub identity: Option<Identity>,
    /// PPT's track after the referral, from the day PPT received it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ppt: Option<super::ppt::PptTrack>,
    /// The child's individual plan (IP), for an ansvarsgruppe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub individual_plan: Option<super::team::IndividualPlan>,
}

impl Case {
    pub fn meeting(&self, number: MeetingNo) -> Option<Meeting> {
        self.meetings[number.index()]
    }

    pub fn held(&self, number: MeetingNo) -> Option<NaiveDate> {
        self.meeting(number).filter(|m| m.held).map(|m| m.date)
    }

    pub fn planned(&self, number: MeetingNo) -> Option<NaiveDate> {
        self.meeting(number).filter(|m| !m.held).map(|m| m.date)
    }

    pub fn status(&self) -> Status {
        if self.closure.is_some() { Status::Closed } else { Status::Open }
    }

    /// The furthest step reached; a referral counts once it is sent.
    pub fn stage(&self) -> Stage {
        if self.referral_sent.is_some() {
            return Stage::Referred;
        }
        match MeetingNo::ALL.iter().rev().find(|n| self.held(**n).is_some()) {
            Some(n) if n.get() == 3 => Stage::Meeting3,
            Some(n) if n.get() == 2 => Stage::Meeting2,
            Some(_) => Stage::Meeting1,
            None => Stage::InternalSparring,
        }
    }

    /// The meeting the process waits for next, if any: the first one not yet held.
    pub fn next_meeting(&self) -> Option<MeetingNo> {
        MeetingNo::ALL.into_iter().find(|n| self.held(*n).is_none())
    }

    /// Text the case list search looks in, lower-cased once here so that æøå match
    /// whatever case the user types.
    pub fn search_text(&self) -> String {
        let d = &self.details;
        [self.reference.as_str(), &d.school, &d.grade, &d.teacher, &d.description].join("\n").to_lowercase()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A fresh case made as the rules make one, in internal sparring.
    pub fn sample_case() -> Case {
        let details = CaseDetails {
            kind: CaseKind::Individual,
            school: "Bjørkå skole".into(),
            grade: "5. trinn".into(),
            gender: Some(Gender::Jente),
            teacher: "Åse Ødegård".into(),
            description: "Uro i timene".into(),
        };
        Case::new(Uuid::nil(), "2026-001".into(), details, date(2026, 9, 1), date(2026, 11, 23)).unwrap()
    }

    #[test]
    fn meeting_numbers_are_one_to_three() {
        assert!(MeetingNo::new(0).is_none());
        assert!(MeetingNo::new(4).is_none());
        let two = MeetingNo::new(2).unwrap();
        assert_eq!(two.previous().map(MeetingNo::get), Some(1));
        assert_eq!(two.next().map(MeetingNo::get), Some(3));
        assert!(MeetingNo::new(1).unwrap().previous().is_none());
        assert!(MeetingNo::new(3).unwrap().next().is_none());
    }

    #[test]
    fn stage_follows_held_meetings_and_sent_referral() {
        let mut case = sample_case();
        assert_eq!(case.stage(), Stage::InternalSparring);
        case.meetings[0] = Some(Meeting { date: date(2026, 9, 10), held: false });
        assert_eq!(case.stage(), Stage::InternalSparring, "a planned meeting is not a stage reached");
        case.meetings[0] = Some(Meeting { date: date(2026, 9, 10), held: true });
        assert_eq!(case.stage(), Stage::Meeting1);
        case.meetings[1] = Some(Meeting { date: date(2026, 10, 1), held: true });
        assert_eq!(case.stage(), Stage::Meeting2);
        case.meetings[2] = Some(Meeting { date: date(2026, 11, 1), held: true });
        assert_eq!(case.stage(), Stage::Meeting3);
        case.decision = Some((Decision::Refer, date(2026, 11, 1)));
        assert_eq!(case.stage(), Stage::Meeting3, "referral decided but not yet sent");
        case.referral_sent = Some(date(2026, 11, 5));
        assert_eq!(case.stage(), Stage::Referred);
    }

    #[test]
    fn search_text_is_lower_case_including_norwegian_letters() {
        let text = sample_case().search_text();
        assert!(text.contains("bjørkå skole"));
        assert!(text.contains("åse ødegård"));
        assert!(text.contains("2026-001"));
    }
}
