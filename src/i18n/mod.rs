//! The user's language: catalogues of strings under `assets/`, embedded in the
//! binary, filled in one pass; `words` words every domain value and error.

use std::collections::HashMap;

use anyhow::{Result, bail};

use crate::domain::Coded;

mod words;

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
            Lang::Nb => include_str!("../../assets/nb.toml"),
            Lang::En => include_str!("../../assets/en.toml"),
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
    use crate::domain::Closure;

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
    fn a_count_before_a_plural_noun_has_its_singular() {
        // A number before a noun must agree with it: "1 sak", not "1 saker".
        let plurals = [
            "saker",
            "samtykker",
            "elever",
            "oppføringer",
            "kopier",
            "cases",
            "consents",
            "pupils",
            "entries",
            "copies",
            "fields",
        ];
        for lang in [Lang::Nb, Lang::En] {
            let c = Catalog::new(lang);
            for key in c.keys().filter(|k| !k.ends_with("_one")) {
                let text = c.t(key);
                let counted = text.split("} ").skip(1).any(|after| plurals.iter().any(|p| after.starts_with(p)));
                if counted {
                    assert!(c.keys().any(|k| k == format!("{key}_one")), "{lang:?} {key} has no _one: {text}");
                }
            }
        }
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
        assert_eq!(c.kit_field("case.closure.reason"), "Avslutning (grunn)");
        assert_eq!(Catalog::new(Lang::En).kit_field("case.consent.given_on"), "Consent (given on)");
        assert_eq!(c.kit_field(crate::domain::STEPS_FIELD), "Møter, vedtak og henvisning");
        let decision = serde_json::json!({"on": "2026-10-05", "outcome": "partly_granted", "departure": "Færre timer", "valid_until": "2027-06-30"});
        assert_eq!(
            c.kit_value_in_full(&decision),
            "Dato: 05.10.2026\nUtfall: delvis innvilget\nAvvik fra sakkyndig vurdering: Færre timer\nGjelder til: 30.06.2027"
        );
        let consent = serde_json::json!({"given_on": "2026-08-10", "by": "guardians"});
        assert_eq!(c.kit_value(&consent), "Gitt: 10.08.2026 · Gitt av: foresatte");
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
