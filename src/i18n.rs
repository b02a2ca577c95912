//! The user's language: catalogues of strings under `assets/`, embedded in the
//! binary, and the wording of every domain value and error.

use std::collections::HashMap;

use anyhow::{Result, bail};

use crate::domain::{
    AuditAction, Case, Closure, Coded, Consent, ConsentGiver, DateError, DiscussionError, DiscussionMeeting, Field,
    ResolveError, RuleError, Side, format_date,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Nb,
    En,
}

impl Lang {
    pub fn parse(code: &str) -> Result<Lang> {
        match code.trim().to_lowercase().as_str() {
            "nb" | "no" | "nb-no" | "norsk" => Ok(Lang::Nb),
            "en" | "english" => Ok(Lang::En),
            other => bail!("unknown language {other:?} (use nb or en)"),
        }
    }

    fn source(self) -> &'static str {
        match self {
            Lang::Nb => include_str!("../assets/nb.toml"),
            Lang::En => include_str!("../assets/en.toml"),
        }
    }
}

/// All strings of one language, by dotted key (`stage.meeting1`).
#[derive(Debug, Clone)]
pub struct Catalog {
    strings: HashMap<String, String>,
}

/// A user-facing error: `Display` already speaks the user's language.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Explained(pub String);

impl Catalog {
    pub fn new(lang: Lang) -> Catalog {
        let table: toml::Table = lang.source().parse().expect("the embedded catalogue is valid TOML (tested)");
        let mut strings = HashMap::new();
        flatten("", &table, &mut strings);
        Catalog { strings }
    }

    /// The string for `key`; a missing key shows as itself (the tests keep that from happening).
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.strings.get(key).map_or(key, String::as_str)
    }

    /// The string for `key` with `{name}` placeholders filled in.
    /// The text of `key` with its `{name}` placeholders filled from `args`, in one
    /// pass: a value that itself looks like a placeholder (a school named `{due}`)
    /// is printed as it is.
    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.t(key), args)
    }

    /// As `f` for a text about `n` things, with `n` filled in: the key's `_one`
    /// text for one thing ("1 sak"), the key's own for any other number.
    pub fn count(&self, key: &str, n: u64, args: &[(&str, &str)]) -> String {
        let one = format!("{key}_one");
        let key = if n == 1 && self.strings.contains_key(&one) { one.as_str() } else { key };
        let n = n.to_string();
        let mut all = vec![("n", n.as_str())];
        all.extend_from_slice(args);
        self.f(key, &all)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.strings.keys().map(String::as_str)
    }

    /// The words for a coded value: its catalogue section, then its code.
    pub fn word<T: Coded>(&self, value: T) -> &str {
        let key = format!("{}.{}", T::SECTION, value.code());
        self.strings.get(&key).map_or_else(|| value.code(), String::as_str)
    }

    pub fn yes_no(&self, yes: bool) -> &str {
        self.t(if yes { "discussion.yes" } else { "discussion.no" })
    }

    /// Where the form to PPT for `meeting` stands, with the day it is due.
    pub fn form_state(&self, meeting: &DiscussionMeeting, today: chrono::NaiveDate) -> String {
        let key = format!("form_state.{}", crate::domain::code(meeting.form_state(today)));
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
            A::DiscussionPlanned | A::Discussed | A::DiscussionRemoved => {
                c.f(&format!("audit.{action}"), &[("date", &date)])
            }
            A::RecordEdited | A::MinutesExported => {
                let parts: Vec<String> = detail["parts"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.as_str())
                    .map(|p| c.t(&format!("record_part.{p}")).to_string())
                    .collect();
                c.f(
                    &format!("audit.{action}"),
                    &[("meeting", &get("meeting")), ("parts", &parts.join(", ")), ("format", &get("format"))],
                )
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
            RuleError::InFuture { date: d } => self.f("rule.in_future", &[("date", &date(d))]),
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
        }
    }

    /// Why a typed or read-in text was refused.
    pub fn text_error(&self, error: &crate::domain::TextError) -> String {
        match error {
            crate::domain::TextError::ControlCharacter => self.t("rule.control_character").into(),
            crate::domain::TextError::LineBreak => self.t("rule.line_break").into(),
        }
    }

    /// Why a case read in breaks the rules.
    pub fn broken(&self, why: &crate::domain::Broken) -> String {
        use crate::domain::Broken;
        match why {
            Broken::Rule(rule) => self.rule_error(rule),
            Broken::Record(number, crate::domain::RecordError::Text(e)) => {
                format!("{} ({})", self.text_error(e), self.f("kit.in_minutes", &[("n", &number.get().to_string())]))
            }
            Broken::Record(number, _) => self.f("kit.bad_minutes", &[("n", &number.get().to_string())]),
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
                match rest.first() {
                    Some(sub) => format!("{label} ({sub})"),
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
        let section = match key {
            "role" => "role",
            "party" | "assigned_to" => "party",
            "kind" => "task_kind",
            _ => return None,
        };
        self.strings.get(&format!("{section}.{code}")).cloned()
    }

    pub fn resolve_error(&self, error: &ResolveError) -> String {
        match error {
            ResolveError::FieldGone(field) => self.f("kit.field_gone", &[("field", &self.kit_field(field))]),
            ResolveError::DoesNotFit(field) => self.f("kit.does_not_fit", &[("field", &self.kit_field(field))]),
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

fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut text = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let named = after.find('}').and_then(|close| {
            let name = &after[..close];
            args.iter().find(|(n, _)| *n == name).map(|(_, value)| (close, *value))
        });
        match named {
            Some((close, value)) => {
                text.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                text.push('{');
                rest = after;
            }
        }
    }
    text.push_str(rest);
    text
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (key, value) in table {
        let full = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            toml::Value::Table(inner) => flatten(&full, inner, out),
            toml::Value::String(text) => {
                out.insert(full, text.clone());
            }
            other => panic!("catalogue value {full} is not a string: {other}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_thing_is_counted_in_the_singular() {
        let c = Catalog::new(Lang::Nb);
        assert_eq!(c.count("list.count", 1, &[]), "1 sak");
        assert_eq!(c.count("list.count", 0, &[]), "0 saker");
        assert_eq!(c.count("list.count", 2, &[]), "2 saker");
        let en = Catalog::new(Lang::En);
        assert_eq!(en.count("consent.erased", 1, &[]), "Name and birth date erased in 1 case.");
    }

    #[test]
    fn placeholders_are_filled_in_one_pass() {
        let args = [("school", "{due}"), ("due", "01.12.2026")];
        assert_eq!(fill("{school}: frist {due}", &args), "{due}: frist 01.12.2026");
        assert_eq!(fill("{unknown} {school}", &args), "{unknown} {due}");
        assert_eq!(fill("åpen { og {school", &args), "åpen { og {school");
        assert_eq!(fill("", &args), "");
    }
    use std::collections::BTreeSet;

    #[test]
    fn a_kit_value_in_full_shows_every_part_in_words() {
        let c = Catalog::new(Lang::Nb);
        let measures = serde_json::json!([
            {"content": "Lesekurs", "starts_on": "2026-09-28", "ends_on": null},
            {"content": "Skrivekurs\nto linjer", "starts_on": null, "ends_on": null}
        ]);
        assert_eq!(
            c.kit_value_in_full(&measures),
            "– Innhold: Lesekurs\n  Fra: 28.09.2026\n  Til: (tomt)\n\
             – Innhold: Skrivekurs\n  to linjer\n  Fra: (tomt)\n  Til: (tomt)"
        );
        let participants = serde_json::json!([{"name": "Åse", "role": "contact_teacher", "role_text": ""}]);
        assert_eq!(c.kit_value_in_full(&participants), "– Navn: Åse\n  Rolle: kontaktlærer\n  Annen rolle: (tomt)");
        let task = serde_json::json!({"kind": "arrange_consent", "assigned_to": "guardians", "done": true});
        assert_eq!(c.kit_value_in_full(&task), "Oppgave: ordne samtykke til samarbeid\nAnsvar: Foresatte\nUtført: ja");
        assert_eq!(c.kit_value_in_full(&"Åse\nØdegård".into()), "Åse\nØdegård");
        assert_eq!(c.kit_value_in_full(&serde_json::json!([{}, []])), "– \n– (tomt)");
        assert_eq!(c.kit_value(&"Åse\nØdegård".into()), "Åse Ødegård");
        assert_eq!(c.kit_value(&serde_json::json!(["refer", "2026-11-10"])), "refer · 10.11.2026");
        assert_eq!(c.kit_value(&serde_json::json!({})), "(tomt)");
        assert_eq!(c.kit_field("records.2.measures"), "Referat møte 2: tiltak");
        assert_eq!(c.kit_field("case.details.teacher"), "Kontaktlærer");
        assert_eq!(c.kit_field("case.meetings.3"), "Møte 3");
        assert_eq!(c.kit_field("case.closure.reason"), "Avslutning (reason)");
        assert_eq!(c.kit_field(crate::domain::STEPS_FIELD), "Møter, vedtak og henvisning");
        let steps = serde_json::json!({"meetings": [{"date": "2026-10-05", "held": true}, null, null],
            "decision": null, "referral_sent": null});
        assert_eq!(
            c.kit_value_in_full(&steps),
            "Møter:\n  – Dato: 05.10.2026\n    Holdt: ja\n  – (tomt)\n  – (tomt)\nVedtak: (tomt)\nHenvisning sendt: (tomt)"
        );
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        let nb: BTreeSet<_> = Catalog::new(Lang::Nb).keys().map(String::from).collect();
        let en: BTreeSet<_> = Catalog::new(Lang::En).keys().map(String::from).collect();
        assert_eq!(nb.difference(&en).collect::<Vec<_>>(), Vec::<&String>::new(), "in nb only");
        assert_eq!(en.difference(&nb).collect::<Vec<_>>(), Vec::<&String>::new(), "in en only");
        assert!(nb.len() > 100);
    }

    /// Every `"section.key"` literal in the source names a string of the catalogue.
    #[test]
    fn every_key_used_in_the_source_exists() {
        let catalog = Catalog::new(Lang::Nb);
        let sections: BTreeSet<String> =
            catalog.keys().filter_map(|k| k.split_once('.')).map(|(s, _)| s.into()).collect();
        let mut missing = Vec::new();
        let mut checked = 0;
        for file in source_files(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))) {
            let text = std::fs::read_to_string(&file).unwrap();
            for literal in text.split('"').skip(1).step_by(2) {
                let Some((section, key)) = literal.split_once('.') else { continue };
                let is_key = sections.contains(section)
                    && !key.is_empty()
                    && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                if is_key {
                    checked += 1;
                    if !catalog.strings.contains_key(literal) {
                        missing.push(format!("{}: {literal}", file.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys missing from the catalogue: {missing:#?}");
        assert!(checked > 50, "the scan found only {checked} keys");
    }

    fn source_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.extend(source_files(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
        files
    }

    #[test]
    fn placeholders_are_filled() {
        let nb = Catalog::new(Lang::Nb);
        assert_eq!(nb.f("detail.title", &[("reference", "2026-014")]), "Sak 2026-014");
        let en = Catalog::new(Lang::En);
        assert_eq!(en.word(crate::domain::Stage::Meeting2), "Meeting 2");
        assert_eq!(nb.word(crate::domain::Stage::Referred), "Henvist PPT");
    }

    #[test]
    fn a_closure_by_decision_is_worded_as_the_decision() {
        let nb = Catalog::new(Lang::Nb);
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(nb.closure(&Closure { date, reason: "Flyttet".into() }), "Avsluttet 23.11.2026: Flyttet");
        assert_eq!(nb.closure(&Closure { date, reason: String::new() }), "Avsluttet 23.11.2026: Saken avsluttes");
    }

    #[test]
    fn language_codes() {
        assert_eq!(Lang::parse("NB").unwrap(), Lang::Nb);
        assert_eq!(Lang::parse("en").unwrap(), Lang::En);
        assert!(Lang::parse("sv").is_err());
    }
}
