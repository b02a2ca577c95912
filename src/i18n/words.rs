//! The wording of the domain's values and errors: dates, consents, the log,
//! the rules' refusals, and a kit's fields and values.

use super::Catalog;
use crate::domain::{
    AuditAction, Case, Closure, Coded, Consent, ConsentGiver, DateError, DiscussionError, DiscussionMeeting, Done,
    Field, ResolveError, RuleError, Side, format_date,
};

impl Catalog {
    /// Where the form to PPT for `meeting` stands, with the day it is due.
    pub fn form_state(&self, meeting: &DiscussionMeeting, today: chrono::NaiveDate) -> String {
        let key = format!("form_state.{}", meeting.form_state(today).code());
        self.f(&key, &[("due", &format_date(meeting.form_due()))])
    }

    /// A time of day that could not be read, as typed.
    pub fn time_error(&self, typed: &str) -> String {
        self.f("record.bad_time", &[("text", typed)])
    }

    /// "Closed 23.11.2026: reason"; a case closed by the meeting 3 decision says so.
    pub fn closure(&self, closure: &Closure) -> String {
        let reason = if closure.reason.is_empty() { self.t("decision.close") } else { closure.reason.as_str() };
        self.f("detail.closed_on", &[("date", &format_date(closure.date)), ("reason", reason)])
    }

    /// One audit entry in words.
    pub fn audit_text(&self, action: &str, detail: &serde_json::Value) -> String {
        let c = self;
        let get = |key: &str| match &detail[key] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        let date = crate::domain::parse_date(&get("date")).map(format_date).unwrap_or_default();
        let Some(known) = AuditAction::from_code(action) else { return action.to_string() };
        use AuditAction as A;
        match known {
            A::Created => c.t("audit.created").to_string(),
            A::IdentitySet | A::IdentityErased | A::Viewed => c.word(known).to_string(),
            A::ConsentWithdrawn => c.f("audit.consent_withdrawn", &[("date", &date)]),
            A::ConsentRecorded => {
                let given_on = crate::domain::parse_date(&get("given_on")).map(format_date).unwrap_or_default();
                let by = c.t(&format!("consent.{}", get("given_by"))).to_string();
                c.f("audit.consent_recorded", &[("date", &given_on), ("by", &by)])
            }
            A::MeetingPlanned | A::MeetingHeld | A::ReferralSent | A::Closed | A::Reopened => c.f(
                &format!("audit.{action}"),
                &[("meeting", &get("meeting")), ("date", &date), ("reason", &get("reason"))],
            ),
            A::Decided => {
                let decision = c.t(&format!("decision.{}", get("decision"))).to_string();
                c.f("audit.decided", &[("decision", &decision), ("date", &date)])
            }
            A::KitExported => {
                let until = crate::domain::parse_date(&get("expires_on")).map(format_date).unwrap_or_default();
                c.f("audit.kit_exported", &[("date", &until)])
            }
            A::KitImported => {
                let count = |key: &str| detail[key].as_array().map_or(0, Vec::len).to_string();
                let from = detail["kit"]["from"].as_str().unwrap_or_default();
                c.f(
                    "audit.kit_imported",
                    &[("from", from), ("taken", &count("taken")), ("conflicts", &count("conflicts"))],
                )
            }
            A::KitConflictResolved => {
                let side = Side::from_code(&get("taken")).map_or("", |side| c.word(side));
                c.f("audit.kit_conflict_resolved", &[("field", &c.kit_field(&get("field"))), ("side", side)])
            }
            A::DiscussionPlanned | A::Discussed | A::DiscussionRemoved | A::PptReceived => {
                c.f(&format!("audit.{action}"), &[("date", &date)])
            }
            A::LetterExported => c.f("audit.letter_exported", &[("format", &get("format"))]),
            A::PptStep => {
                let step = c.t(&format!("ppt_step.{}", get("step"))).to_string();
                c.f("audit.ppt_step", &[("step", &step), ("date", &date)])
            }
            A::RecordEdited | A::MinutesExported => {
                let parts: Vec<String> = detail["parts"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.as_str())
                    .map(|p| c.t(&format!("record_part.{p}")).to_string())
                    .collect();
                let line = c.f(
                    &format!("audit.{action}"),
                    &[("meeting", &get("meeting")), ("parts", &parts.join(", ")), ("format", &get("format"))],
                );
                match crate::domain::parse_date(&get("after_sent_home")).ok() {
                    Some(sent) => format!("{line} {}", c.f("audit.after_sent_home", &[("date", &format_date(sent))])),
                    None => line,
                }
            }
            A::Edited => {
                let fields: Vec<&str> = detail
                    .as_object()
                    .into_iter()
                    .flat_map(|o| o.keys())
                    .map(|k| {
                        c.t(match k.as_str() {
                            "kind" => "detail.kind",
                            "school" => "detail.school",
                            "grade" => "detail.grade",
                            "gender" => "detail.gender",
                            "teacher" => "detail.teacher",
                            _ => "detail.description",
                        })
                    })
                    .collect();
                c.f("audit.edited", &[("fields", &fields.join(", "))])
            }
        }
    }

    /// The pupil as shown: the name under a valid consent, else anonymous
    /// ("Anonym · 5. trinn · jente").
    pub fn pupil(&self, case: &Case, today: chrono::NaiveDate) -> String {
        match (&case.identity, case.has_valid_consent(today)) {
            (Some(identity), true) => match identity.birth_date {
                Some(birth) => self.f("consent.named_born", &[("name", &identity.name), ("date", &format_date(birth))]),
                None => identity.name.clone(),
            },
            _ => {
                let mut parts = vec![self.t("detail.anonymous").to_string(), case.details.grade.clone()];
                parts.extend(case.details.gender.map(|g| self.word(g).to_string()));
                parts.join(" · ")
            }
        }
    }

    /// The consent in one line: given when and by whom, what it covers, until when.
    pub fn consent(&self, consent: &Consent, today: chrono::NaiveDate) -> String {
        let by = self.t(match consent.given_by {
            ConsentGiver::Guardians => "consent.guardians",
            ConsentGiver::Pupil => "consent.pupil",
        });
        let mut text = self.f("consent.given", &[("date", &format_date(consent.given_on)), ("by", by)]);
        if !consent.scope.is_empty() {
            text.push_str(&format!(" ({})", consent.scope));
        }
        if let Some(withdrawn) = consent.withdrawn_on {
            text.push_str(&format!(", {}", self.f("consent.withdrawn", &[("date", &format_date(withdrawn))])));
        } else if let Some(expires) = consent.expires_on {
            let key = if consent.is_valid(today) { "consent.expires" } else { "consent.expired" };
            text.push_str(&format!(", {}", self.f(key, &[("date", &format_date(expires))])));
        }
        text
    }

    pub fn date_error(&self, error: &DateError) -> String {
        match error {
            DateError::Empty => self.t("error.date_empty").to_string(),
            DateError::BadFormat(text) => self.f("error.date_format", &[("text", text)]),
            DateError::NoSuchDay(text) => self.f("error.date_no_such_day", &[("text", text)]),
            DateError::OutOfRange(text) => self.f("error.date_out_of_range", &[("text", text)]),
        }
    }

    pub fn rule_error(&self, error: &RuleError) -> String {
        let date = |d: &chrono::NaiveDate| format_date(*d);
        match error {
            RuleError::CaseClosed => self.t("rule.case_closed").into(),
            RuleError::CaseNotClosed => self.t("rule.case_not_closed").into(),
            RuleError::Required(Field::School) => self.t("rule.required_school").into(),
            RuleError::Required(Field::Grade) => self.t("rule.required_grade").into(),
            RuleError::Required(Field::Reason) => self.t("rule.required_reason").into(),
            RuleError::Required(Field::Name) => self.t("rule.required_name").into(),
            RuleError::ConsentOnlyForIndividual => self.t("rule.consent_only_individual").into(),
            RuleError::NoValidConsent => self.t("rule.no_valid_consent").into(),
            RuleError::ExpiresBeforeGiven => self.t("rule.expires_before_given").into(),
            RuleError::GenderOnlyForIndividual => self.t("rule.gender_only_individual").into(),
            RuleError::CreatedInFuture { date: d } => self.f("rule.created_in_future", &[("date", &date(d))]),
            RuleError::PreviousNotHeld { number, previous } => self.f(
                "rule.previous_not_held",
                &[("number", &number.get().to_string()), ("previous", &previous.get().to_string())],
            ),
            RuleError::BeforePrevious { date: d, previous } => {
                self.f("rule.before_previous", &[("date", &date(d)), ("previous", &date(previous))])
            }
            RuleError::InFuture { date: d, done } => {
                self.f(&format!("{}.{}", Done::SECTION, done.code()), &[("date", &date(d))])
            }
            RuleError::PlannedInPast { date: d } => self.f("rule.planned_in_past", &[("date", &date(d))]),
            RuleError::LaterStepRecorded { number } => {
                self.f("rule.later_step_recorded", &[("number", &number.get().to_string())])
            }
            RuleError::Meeting3NotHeld => self.t("rule.meeting3_not_held").into(),
            RuleError::AlreadyDecided => self.t("rule.already_decided").into(),
            RuleError::NoReferralDecided => self.t("rule.no_referral_decided").into(),
            RuleError::ReferralAlreadySent => self.t("rule.referral_already_sent").into(),
            RuleError::PupilBirthDateNeeded => self.t("rule.pupil_birth_date_needed").into(),
            RuleError::PupilTooYoung { consent_age } => {
                self.f("rule.pupil_too_young", &[("age", &consent_age.to_string())])
            }
            RuleError::BornInFuture { date: d } => self.f("rule.born_in_future", &[("date", &date(d))]),
            RuleError::ImplausibleDate { date: d } => self.f("rule.implausible_date", &[("date", &date(d))]),
            RuleError::Text(e) => self.text_error(e),
            RuleError::Ppt(e) => self.ppt_error(e),
        }
    }

    /// Why a step on the PPT track cannot be recorded.
    pub fn ppt_error(&self, error: &crate::domain::ppt::PptError) -> String {
        use crate::domain::ppt::PptError as E;
        let date = |d: &chrono::NaiveDate| format_date(*d);
        match error {
            E::NotReferred => self.t("ppt_rule.not_referred").into(),
            E::NotReceived => self.t("ppt_rule.not_received").into(),
            E::AlreadyReceived => self.t("ppt_rule.already_received").into(),
            E::ReceivedBeforeSent { received, sent } => {
                self.f("ppt_rule.received_before_sent", &[("date", &date(received)), ("sent", &date(sent))])
            }
            E::InFuture { date: d } => self.f("ppt_rule.in_future", &[("date", &date(d))]),
            E::BeforeStep { date: d, step } => {
                self.f("ppt_rule.before_step", &[("date", &date(d)), ("step", &date(step))])
            }
            E::AfterLaterStep { date: d, later } => {
                self.f("ppt_rule.after_later_step", &[("date", &date(d)), ("later", &date(later))])
            }
            E::NoConsent => self.t("ppt_rule.no_consent").into(),
            E::PupilTooYoung { consent_age } => self.f("rule.pupil_too_young", &[("age", &consent_age.to_string())]),
            E::PupilBirthDateNeeded => self.t("ppt_rule.pupil_birth_date_needed").into(),
            E::NotAssigned => self.t("ppt_rule.not_assigned").into(),
            E::NoAdviser => self.t("ppt_rule.no_adviser").into(),
            E::NotAssessed => self.t("ppt_rule.not_assessed").into(),
            E::NotDecided => self.t("ppt_rule.not_decided").into(),
            E::DepartureWithoutReason => self.t("ppt_rule.departure_without_reason").into(),
            E::NoReason => self.t("ppt_rule.no_reason").into(),
            E::NotAfter { date: d, after } => {
                self.f("ppt_rule.not_after", &[("date", &date(d)), ("after", &date(after))])
            }
            E::PlannedInPast { date: d } => self.f("rule.planned_in_past", &[("date", &date(d))]),
            E::TooManyHours { hours } => self.f(
                "ppt_rule.too_many_hours",
                &[("hours", &hours.to_string()), ("max", &crate::domain::ppt::MAX_HOURS_PER_YEAR.to_string())],
            ),
            E::Closed => self.t("ppt_rule.closed").into(),
            E::Text(e) => self.text_error(e),
        }
    }

    /// Why a typed or read-in text was refused.
    pub fn text_error(&self, error: &crate::domain::TextError) -> String {
        match error {
            crate::domain::TextError::ControlCharacter => self.t("rule.control_character").into(),
            crate::domain::TextError::LineBreak => self.t("rule.line_break").into(),
        }
    }

    /// Why minutes cannot be kept as typed.
    pub fn record_error(&self, error: &crate::domain::RecordError) -> String {
        use crate::domain::{RecordDay, RecordError};
        let day = |day: &RecordDay| match day {
            RecordDay::Approved => self.t("record.day_approved"),
            RecordDay::SentHome => self.t("record.day_sent_home"),
        };
        match error {
            RecordError::PeriodEndsBeforeStart { .. } => self.t("record.period").into(),
            RecordError::UnknownMeasure { .. } => self.t("record.unknown_measure").into(),
            RecordError::Text(e) => self.text_error(e),
            RecordError::FamilyNamedWithoutConsent => self.t("record.family_anonymous").into(),
            RecordError::NotInThisMeeting { .. } | RecordError::DuplicateMeasure { .. } => {
                self.t("record.wrong_meeting").into()
            }
            RecordError::DayInFuture { day: d } => self.f("record.day_in_future", &[("day", day(d))]),
            RecordError::DayBeforeMeeting { day: d, meeting_on } => {
                self.f("record.day_before_meeting", &[("day", day(d)), ("date", &format_date(*meeting_on))])
            }
            RecordError::SentHomeBeforeApproval { approved_on } => {
                self.f("record.sent_before_approval", &[("date", &format_date(*approved_on))])
            }
        }
    }

    /// Why a case read in breaks the rules.
    pub fn broken(&self, why: &crate::domain::Broken) -> String {
        use crate::domain::Broken;
        match why {
            Broken::Rule(rule) => self.rule_error(rule),
            Broken::Record(number, e) => {
                format!("{} ({})", self.record_error(e), self.f("kit.in_minutes", &[("n", &number.get().to_string())]))
            }
            Broken::StepsOutOfOrder => self.t("kit.steps_out_of_order").into(),
            Broken::AfterClosure => self.t("kit.after_closure").into(),
            Broken::Reference => self.t("kit.bad_reference").into(),
            Broken::LogEntry { action } => self.f("kit.bad_log_entry", &[("action", action)]),
        }
    }

    /// The written kit: how many cases, where, until when.
    pub fn kit_exported(&self, cases: usize, path: &std::path::Path, expires_on: chrono::NaiveDate) -> String {
        let (path, date) = (path.display().to_string(), format_date(expires_on));
        self.count("kit.exported", cases as u64, &[("path", &path), ("date", &date)])
    }

    /// A field of a case as the user knows it, from its path in a kit
    /// (`case.details.teacher` is "Kontaktlærer", `records.2.measures` "Referat møte 2: tiltak").
    pub fn kit_field(&self, path: &str) -> String {
        let parts: Vec<&str> = path.split('.').collect();
        match parts.as_slice() {
            ["case", "details", field, ..] => self.t(&format!("detail.{field}")).to_string(),
            ["case", "meetings", n, ..] => self.f("kit.field_meeting", &[("n", n)]),
            ["case", field, rest @ ..] => {
                let label = self.t(&format!("kit.field_{field}")).to_string();
                // The part of the field in words, where the catalogue has them.
                let part = |sub: &str| {
                    let key = format!("kit.part_{sub}");
                    if self.t(&key) == key { sub.to_string() } else { self.t(&key).to_string() }
                };
                match rest.first() {
                    Some(sub) => format!("{label} ({})", part(sub)),
                    None => label,
                }
            }
            ["records", n, part, ..] => {
                let part = match *part {
                    "approved_by" | "approved_on" => "approval",
                    "sent_home_on" => "sent_home",
                    "agenda_checked" => "agenda",
                    other => other,
                };
                format!("{}: {}", self.f("kit.field_record", &[("n", n)]), self.t(&format!("record_part.{part}")))
            }
            ["records", n] => self.f("kit.field_record", &[("n", n)]),
            _ => path.to_string(),
        }
    }

    /// A field's value from a kit, in one line: text as it is, dates as dd.mm.yyyy,
    /// anything larger as compact JSON.
    pub fn kit_value(&self, value: &serde_json::Value) -> String {
        use serde_json::Value;
        match value {
            Value::Null => self.t("kit.empty").to_string(),
            Value::String(s) if s.is_empty() => self.t("kit.empty").to_string(),
            Value::Array(items) if items.is_empty() => self.t("kit.empty").to_string(),
            Value::String(s) => crate::domain::parse_date(s).map(format_date).unwrap_or_else(|_| s.replace('\n', " ")),
            Value::Array(_) | Value::Object(_) => {
                let full = self.kit_value_in_full(value);
                let parts: Vec<&str> =
                    full.lines().map(|l| l.trim().trim_start_matches("– ")).filter(|l| !l.is_empty()).collect();
                if parts.is_empty() { self.t("kit.empty").to_string() } else { parts.join(" · ") }
            }
            Value::Bool(yes) => self.yes_no(*yes).to_string(),
            other => other.to_string(),
        }
    }

    /// A field's value from a kit whole, over as many lines as it takes: a list
    /// item by item, a record part field by field (by their names in the kit's format).
    pub fn kit_value_in_full(&self, value: &serde_json::Value) -> String {
        use serde_json::Value;
        let indent = |text: String| text.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n");
        match value {
            Value::String(s) if !s.is_empty() && crate::domain::parse_date(s).is_err() => s.clone(),
            Value::Array(items) if !items.is_empty() => items
                .iter()
                .map(|item| {
                    let text = self.kit_value_in_full(item);
                    let mut lines = text.lines();
                    let first = format!("– {}", lines.next().unwrap_or_default());
                    std::iter::once(first).chain(lines.map(|l| format!("  {l}"))).collect::<Vec<_>>().join("\n")
                })
                .collect::<Vec<_>>()
                .join("\n"),
            Value::Object(fields) => fields
                .iter()
                .map(|(key, field)| {
                    let label = self.kit_part_label(key);
                    match field {
                        Value::Array(_) | Value::Object(_) => {
                            format!("{label}:\n{}", indent(self.kit_value_in_full(field)))
                        }
                        Value::String(code) => match self.kit_code(key, code) {
                            Some(word) => format!("{label}: {word}"),
                            None => format!("{label}: {}", self.kit_value_in_full(field)),
                        },
                        _ => format!("{label}: {}", self.kit_value_in_full(field)),
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
            other => self.kit_value(other),
        }
    }

    /// A part of a record by the minutes editor's label for it ("Innhold", "Ansvar"),
    /// without the hint on how to type it; its name in the format where there is none.
    fn kit_part_label(&self, key: &str) -> String {
        let record_key = if key == "kind" { "record.task_kind".to_string() } else { format!("record.{key}") };
        [format!("kit.field_{key}"), record_key]
            .iter()
            .filter_map(|k| self.strings.get(k))
            .find(|label| !label.contains('{'))
            .map_or_else(|| key.to_string(), |label| label.split(" (").next().unwrap_or(label).to_string())
    }

    /// A coded value (a role, a party, a kind of task) in words.
    fn kit_code(&self, key: &str, code: &str) -> Option<String> {
        let sections: &[&str] = match key {
            "role" => &["role"],
            "party" | "assigned_to" => &["party"],
            "kind" => &["task_kind"],
            // PPT's track: who consented, a decision's or complaint's outcome, its state.
            "by" => &["consent"],
            "outcome" => &["ppt_outcome", "complaint_outcome"],
            "state" => &["ppt_state"],
            _ => return None,
        };
        sections.iter().find_map(|section| self.strings.get(&format!("{section}.{code}")).cloned())
    }

    pub fn resolve_error(&self, error: &ResolveError) -> String {
        match error {
            ResolveError::FieldGone(field) => self.f("kit.field_gone", &[("field", &self.kit_field(field))]),
            ResolveError::DoesNotFit(field) => self.f("kit.does_not_fit", &[("field", &self.kit_field(field))]),
            ResolveError::NotText(field) => self.f("kit.not_text", &[("field", &self.kit_field(field))]),
            ResolveError::Breaks(field, why) => {
                self.f("kit.edited_breaks", &[("field", &self.kit_field(field)), ("why", &self.broken(why))])
            }
        }
    }

    pub fn discussion_error(&self, error: &DiscussionError) -> String {
        match error {
            DiscussionError::Required(_) => self.t("discussion.required_school").into(),
            DiscussionError::ImplausibleDate { date } => {
                self.f("rule.implausible_date", &[("date", &format_date(*date))])
            }
            DiscussionError::SlotLength { minutes } => {
                self.f("discussion.slot_length", &[("minutes", &minutes.to_string())])
            }
            DiscussionError::SlotOverlaps { other } => {
                self.f("discussion.slot_overlaps", &[("other", &crate::domain::format_time(*other))])
            }
            DiscussionError::SlotPastMidnight => self.t("discussion.slot_past_midnight").into(),
            DiscussionError::Text(e) => self.text_error(e),
            DiscussionError::AlreadyOnAgenda => self.t("discussion.already_on_agenda").into(),
            DiscussionError::NotOnAgenda => self.t("discussion.not_on_agenda").into(),
            DiscussionError::OtherSchool { school } => self.f("discussion.other_school", &[("school", school)]),
            DiscussionError::CaseClosed => self.t("discussion.case_closed").into(),
            DiscussionError::SentAfterMeeting => self.t("discussion.sent_after_meeting").into(),
        }
    }
}
