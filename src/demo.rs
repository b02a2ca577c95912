//! Clearly fictional, anonymous cases for trying the program and for measuring it:
//! spread over every stage and deadline state relative to `today`.

use chrono::{Duration, NaiveDate};

use crate::domain::ppt::{AssessmentConsent, Assignment, PptStep};
use crate::domain::{Action, CaseDetails, CaseHistory, CaseKind, ConsentGiver, Decision, Gender, MeetingNo};

/// The most fictional cases one command makes: the benchmarks' largest database, twice.
pub const MAX_CASES: u32 = 200_000;

const SCHOOLS: [&str; 8] = [
    "Demo: Bjørkelia skole",
    "Demo: Fjordtun skole",
    "Demo: Granåsen skole",
    "Demo: Kløverenga skole",
    "Demo: Måkeberget skole",
    "Demo: Sølvberg ungdomsskole",
    "Demo: Tjernås skole",
    "Demo: Ørneredet skole",
];

const CONCERNS: [&str; 8] = [
    "Fiktiv: lesevansker, strever med avkoding",
    "Fiktiv: konsentrasjon og uro i timene",
    "Fiktiv: lite sosial kontakt i friminuttene",
    "Fiktiv: høyt fravær siste måned",
    "Fiktiv: regnevansker, tallforståelse",
    "Fiktiv: konflikter i klassen (læringsmiljø)",
    "Fiktiv: språkforståelse, nylig ankommet",
    "Fiktiv: utagerende atferd",
];

const ADVISERS: [&str; 4] = ["Demo-rådgiver Ås", "Demo-rådgiver Bø", "Demo-rådgiver Lie", "Demo-rådgiver Øye"];

/// The consent age the demo's steps are checked with (no demo pupil gives consent).
const DEMO_CONSENT_AGE: u32 = 15;

/// SplitMix64: small, fast and the same on every machine, so demo data is repeatable.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// `count` fictional cases, the same for the same `seed` and `today`.
pub fn demo_cases(count: usize, today: NaiveDate, seed: u64) -> Vec<CaseHistory> {
    let mut random = Random(seed);
    (0..count).map(|_| demo_case(&mut random, today)).collect()
}

fn days_ago(today: NaiveDate, days: u64) -> NaiveDate {
    today - Duration::days(days as i64)
}

fn demo_case(random: &mut Random, today: NaiveDate) -> CaseHistory {
    let kind = if random.below(6) == 0 { CaseKind::System } else { CaseKind::Individual };
    let grade = format!("{}. trinn", 1 + random.below(10));
    let details = CaseDetails {
        kind,
        school: random.pick(&SCHOOLS).to_string(),
        gender: match kind {
            CaseKind::System => None,
            CaseKind::Individual => Some(*random.pick(&[Gender::Jente, Gender::Gutt, Gender::Annet])),
        },
        grade,
        teacher: format!("Kontaktlærer {}", (b'A' + random.below(26) as u8) as char),
        description: random.pick(&CONCERNS).to_string(),
    };
    let [m1, m2, m3] = MeetingNo::ALL;
    let mut history = Vec::new();
    // How far the case has come: 0 sparring … 3 meeting 3 held.
    let reached = random.below(4);
    // The last step lies this many days back; its deadline is then ok, soon or overdue.
    let last = random.below(75);
    let mut dates = vec![days_ago(today, last)];
    for _ in 0..reached {
        let gap = 20 + random.below(45);
        dates.insert(0, days_ago(*dates.first().expect("one date"), gap));
    }
    let created = days_ago(dates[0], random.below(30));
    if reached > 0 {
        for (number, date) in MeetingNo::ALL.iter().zip(&dates).take(reached as usize) {
            history.push(Action::RecordMeeting { number: *number, date: *date });
        }
        let next = [m1, m2, m3].get(reached as usize).copied();
        if let Some(next) = next.filter(|_| random.below(3) == 0) {
            // A planned next meeting, some of them after the deadline.
            history.push(Action::PlanMeeting { number: next, date: today + Duration::days(random.below(40) as i64) });
        }
        if reached == 3 {
            let held3 = dates[2];
            match random.below(4) {
                0 => history.push(Action::Decide { decision: Decision::Continue, date: held3 }),
                1 | 2 => {
                    history.push(Action::Decide { decision: Decision::Refer, date: held3 });
                    if random.below(2) == 0 {
                        let sent = (held3 + Duration::days(random.below(20) as i64)).min(today);
                        history.push(Action::ReferralSent { date: sent });
                        if random.below(4) > 0 {
                            ppt_track(random, today, sent, &mut history);
                        }
                    }
                }
                _ => history.push(Action::Decide { decision: Decision::Close, date: held3 }),
            }
        }
    } else if random.below(2) == 0 {
        history.push(Action::PlanMeeting { number: m1, date: today + Duration::days(random.below(30) as i64) });
    }
    if random.below(10) == 0 && !history.iter().any(|a| matches!(a, Action::Decide { decision: Decision::Close, .. })) {
        history.push(Action::Close { date: today, reason: "Fiktiv: eleven har flyttet".to_string() });
    }
    CaseHistory { details, created, history }
}

/// PPT's track of a referral sent on `sent`: received within a week, and two in
/// three given an adviser (and the family's consent) since.
fn ppt_track(random: &mut Random, today: NaiveDate, sent: NaiveDate, history: &mut Vec<Action>) {
    let received = (sent + Duration::days(random.below(7) as i64)).min(today);
    history.push(Action::PptReceived { date: received });
    if random.below(3) == 0 {
        return;
    }
    let assigned = (received + Duration::days(random.below(60) as i64)).min(today);
    let steps = [
        PptStep::Consent(AssessmentConsent { given_on: assigned, by: ConsentGiver::Guardians }),
        PptStep::Assign(Assignment { adviser: random.pick(&ADVISERS).to_string(), on: assigned }),
    ];
    history.extend(steps.into_iter().map(|step| Action::Ppt { step, consent_age: DEMO_CONSENT_AGE }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ppt::TrackState;
    use crate::domain::{Case, DeadlineState, Stage};
    use std::collections::HashSet;

    #[test]
    fn demo_cases_pass_the_rules_and_cover_every_stage_and_state() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut stages = HashSet::new();
        let mut states = HashSet::new();
        let mut tracks = HashSet::new();
        for (i, demo) in demo_cases(500, today, 7).into_iter().enumerate() {
            let mut case =
                Case::new(uuid::Uuid::nil(), format!("2026-{i}"), demo.details, demo.created, today).unwrap();
            for action in &demo.history {
                case = case.apply(action, today).unwrap_or_else(|e| panic!("{action:?} refused: {e:?}"));
            }
            stages.insert(case.stage());
            tracks.extend(case.ppt.as_ref().map(|t| t.state));
            for deadline in case.deadlines() {
                states.insert(deadline.state(today, 7));
            }
        }
        assert_eq!(stages.len(), 5, "{stages:?}");
        assert!(stages.contains(&Stage::Referred));
        assert_eq!(states.len(), 5, "{states:?}");
        assert_eq!(tracks, HashSet::from([TrackState::Waiting, TrackState::Active]), "PPT's lists have both");
        assert!(states.contains(&DeadlineState::Overdue));
    }

    #[test]
    fn the_same_seed_gives_the_same_cases() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let a: Vec<_> = demo_cases(20, today, 1).into_iter().map(|c| c.details).collect();
        let b: Vec<_> = demo_cases(20, today, 1).into_iter().map(|c| c.details).collect();
        assert_eq!(a, b);
        assert!(a.iter().all(|d| d.school.starts_with("Demo:")), "clearly fictional");
    }
}
