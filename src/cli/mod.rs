//! The command line: parse, call the use cases, print. Thin on purpose.

mod json;

use std::io::Write;
use std::path::{Path, PathBuf};

use age::secrecy::ExposeSecret;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use serde_json::{Value, json};

use crate::config::{Overrides, Settings};
use crate::demo::demo_cases;
use crate::documents::Format;
use crate::domain::{
    Action, CaseDetails, CaseKind, Coded, Consent, ConsentGiver, Decision, Difficulty, DiscussionError,
    DiscussionMeeting, Gender, Identity, MeetingNo, Status, add_days, format_date, format_time, iso_date, one_line,
    parse_date, parse_time, state_of,
};
use crate::i18n::{Catalog, Explained};
use crate::kit;
use crate::service::export::{self, Target};
use crate::service::{self, find};
use crate::store::{
    AuditBreak, AuditBreakReason, CaseQuery, CaseRow, CopyFailure, FileKind, ImportReport, OpenError, Order, Sharing,
    Side, StatusFilter, Store, encrypt_database, manual_backup_path, probe, require_existing, restore,
};
use crate::unlock::{ask_new, checked_new, kit_passphrase, new_kit_passphrase, open_store, open_store_as};

#[derive(Debug, Parser)]
#[command(
    name = "saksgang",
    version,
    about = "Case tracker for schools and PPT: cases, meetings and deadlines",
    after_help = "Passphrases: typed at a prompt that does not echo. SAKSGANG_PASSPHRASE (and \
SAKSGANG_NEW_PASSPHRASE, SAKSGANG_KIT_PASSPHRASE) give them to scripts and tests only: a value in the \
environment can be read by the process, by every program it starts, and by the same user through /proc."
)]
pub struct Cli {
    /// The database file (default: saksgang.db in the user's data folder).
    #[arg(long, global = true, env = "SAKSGANG_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Fix today's date (dd.mm.yyyy or yyyy-mm-dd), for tests and demonstrations.
    #[arg(long, global = true, env = "SAKSGANG_TODAY", value_name = "DATE")]
    pub today: Option<String>,
    /// Language of the interface: nb (default) or en.
    #[arg(long, global = true, env = "SAKSGANG_LANG", value_name = "LANG")]
    pub lang: Option<String>,
    /// The settings file (default: config.toml in the user's config folder).
    #[arg(long, global = true, env = "SAKSGANG_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Create a new database without encryption (not recommended: it holds data about children).
    #[arg(long, global = true)]
    pub no_encryption: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The minutes of meeting 1, 2 or 3 of a case, for the archive.
    Minutes {
        reference: String,
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=3))]
        meeting: u8,
        #[arg(long, value_enum, default_value = "pdf")]
        format: FormatArg,
        /// The file to write (default: referat-REF-mote-N.pdf in the current folder).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The form to PPT for the discussion meeting on DATE: no names, ever.
    Discussion {
        date: String,
        #[arg(long)]
        school: Option<String>,
        #[arg(long, value_enum, default_value = "pdf")]
        format: FormatArg,
        /// The file to write (default: drofting-DATE.pdf in the current folder).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// A visit-day kit: the cases of a school that concern PPT (or the ones named),
    /// encrypted with a passphrase, for `saksgang import` on another machine.
    Kit {
        /// The school whose cases go in the kit (referred, decided for referral, or on a
        /// discussion meeting's agenda).
        #[arg(long, required_unless_present = "cases")]
        school: Option<String>,
        /// These cases instead, by reference.
        #[arg(long, num_args = 1.., value_name = "REF", conflicts_with = "school")]
        cases: Vec<String>,
        /// Days until the kit expires and import refuses it.
        #[arg(long, default_value_t = crate::kit::DEFAULT_VALID_DAYS, value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::kit::MAX_VALID_DAYS)))]
        valid_days: u32,
        /// The file to write (default: besokspakke-SCHOOL-DATE.age in the current folder).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SideArg {
    /// Keep the value on this machine.
    Here,
    /// Take the value from the kit.
    Kit,
}

#[derive(Debug, Subcommand)]
pub enum DiscussionCommand {
    /// Plan a discussion meeting with PPT for a school.
    Plan {
        #[arg(long)]
        date: String,
        #[arg(long)]
        school: String,
        /// When the first case starts (hh:mm).
        #[arg(long, default_value = "08:30")]
        start: String,
        /// The school's contact person at PPT, who gets the form.
        #[arg(long, default_value = "")]
        ppt_contact: String,
        /// Someone from the school's leadership attends.
        #[arg(long)]
        leader: bool,
    },
    /// Put a case on the agenda: in the next free slot unless --start says when.
    Add {
        date: String,
        reference: String,
        #[arg(long, value_enum)]
        difficulty: DifficultyArg,
        #[arg(long, default_value_t = 30)]
        minutes: u32,
        #[arg(long)]
        start: Option<String>,
        #[arg(long)]
        school: Option<String>,
    },
    /// Take a case off the agenda.
    Remove {
        date: String,
        reference: String,
        #[arg(long)]
        school: Option<String>,
    },
    /// Mark the form to PPT as sent (today unless --on says when).
    Sent {
        date: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        school: Option<String>,
    },
    /// After the meeting: the advice given and the next step for a case.
    Outcome {
        date: String,
        reference: String,
        #[arg(long, default_value = "")]
        advice: String,
        #[arg(long, default_value = "")]
        next_step: String,
        #[arg(long)]
        school: Option<String>,
    },
    /// Discussion meetings from today on (--all: also past ones).
    List {
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DifficultyArg {
    Academic,
    Social,
    Other,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Pdf,
    Md,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Register a new case; prints its reference on the last line.
    Add {
        #[arg(long, value_parser = coded::<CaseKind>())]
        kind: CaseKind,
        #[arg(long)]
        school: String,
        /// Class or grade, e.g. "5. trinn".
        #[arg(long)]
        grade: String,
        #[arg(long, value_parser = coded::<Gender>())]
        gender: Option<Gender>,
        /// Contact teacher.
        #[arg(long, default_value = "")]
        teacher: String,
        /// The concern, in short.
        #[arg(long, default_value = "")]
        description: String,
        /// When the case was opened (default: today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Record meeting 1, 2 or 3 as held on a date, or plan it with --planned.
    Meeting {
        reference: String,
        #[arg(value_parser = clap::value_parser!(u8).range(1..=3))]
        number: u8,
        #[arg(long)]
        date: String,
        #[arg(long)]
        planned: bool,
    },
    /// Record the decision of meeting 3.
    Decide {
        reference: String,
        #[arg(value_parser = coded::<Decision>())]
        decision: Decision,
        #[arg(long)]
        date: String,
    },
    /// Record that the referral to PPT was sent.
    ReferralSent {
        reference: String,
        #[arg(long)]
        date: String,
    },
    /// Close a case at any stage.
    Close {
        reference: String,
        #[arg(long)]
        reason: String,
        /// Default: today.
        #[arg(long)]
        date: Option<String>,
    },
    /// Reopen a closed case.
    Reopen {
        reference: String,
        #[arg(long)]
        reason: String,
        /// Default: today.
        #[arg(long)]
        date: Option<String>,
    },
    /// Open cases, most urgent deadline first.
    List {
        /// Only cases with an overdue deadline.
        #[arg(long, conflicts_with = "due_within")]
        overdue: bool,
        /// Only cases with a deadline within this many days (overdue ones included).
        #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=3650))]
        due_within: Option<u32>,
        /// Closed cases too.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// One case in full.
    Show {
        reference: String,
        #[arg(long)]
        json: bool,
    },
    /// Fill the database with fictional, anonymous cases.
    Demo {
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(0..=i64::from(crate::demo::MAX_CASES)))]
        cases: u32,
    },
    /// Record the consent for an individual case (it replaces an earlier one).
    Consent {
        reference: String,
        #[arg(long, value_parser = coded::<ConsentGiver>())]
        given_by: ConsentGiver,
        #[arg(long)]
        date: String,
        /// What it covers, e.g. "drøfting med PPT, samarbeid med helsesykepleier".
        #[arg(long, default_value = "")]
        scope: String,
        /// The first day it no longer holds.
        #[arg(long)]
        expires: Option<String>,
        /// With --given-by pupil: the pupil's name, where the case does not hold it yet.
        #[arg(long, requires = "birth_date")]
        name: Option<String>,
        /// With --given-by pupil: the birth date, which shows the pupil is of the consent age.
        #[arg(long, requires = "name")]
        birth_date: Option<String>,
    },
    /// Withdraw the consent: the pupil's name and birth date are erased.
    WithdrawConsent {
        reference: String,
        #[arg(long)]
        date: Option<String>,
        /// Confirms the erasure.
        #[arg(long)]
        yes: bool,
    },
    /// The pupil's name (and birth date): only under a valid consent.
    Name {
        reference: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        birth_date: Option<String>,
    },
    /// Erase names and birth dates no valid consent covers any more (expired or withdrawn).
    EraseExpired {
        /// Confirms the erasure.
        #[arg(long)]
        yes: bool,
    },
    /// Discussion meetings with PPT (drøftingsmøter): plan one, put cases on its
    /// agenda, mark the form sent, write the outcome.
    Discussion {
        #[command(subcommand)]
        what: DiscussionCommand,
    },
    /// Write a document (the minutes of a meeting, or the form to PPT for a
    /// discussion meeting, as PDF/A-2b or Markdown), or a visit-day kit.
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
    /// Merge a visit-day kit from another machine: new cases are added, changes made
    /// on one side only are taken, fields changed on both sides are listed as conflicts.
    Import {
        path: PathBuf,
        /// Delete the kit file once it is read in (it holds data about children).
        #[arg(long)]
        delete: bool,
    },
    /// The conflicts left by imports, waiting for a choice.
    Conflicts {
        #[arg(long)]
        json: bool,
    },
    /// Settle a conflict: keep the value here, or take the kit's.
    Resolve {
        id: i64,
        #[arg(long, value_enum)]
        take: SideArg,
    },
    /// The log of a case: who changed or looked at what, and when.
    Log {
        reference: String,
        #[arg(long)]
        json: bool,
    },
    /// Check the file: integrity, references, and the audit chain. Exits non-zero on a problem.
    Check,
    /// Copy the database (safe while saksgang is open; stays encrypted).
    Backup {
        /// Where to write it (default: beside the database, with date and time in the name).
        path: Option<PathBuf>,
    },
    /// Put a backup in place of the database, after checking it; the replaced files are kept.
    Restore { path: PathBuf },
    /// Encrypt a database that is not encrypted; the plain file is removed once
    /// the encrypted one is verified.
    Encrypt,
    /// Change the passphrase of an encrypted database.
    Passphrase,
}

/// A value typed by its code, the name the database and JSON use; help lists them.
fn coded<T: Coded + Send + Sync>() -> impl clap::builder::TypedValueParser<Value = T> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(T::ALL.iter().map(|value| value.code()))
        .try_map(|code: String| T::from_code(&code).ok_or("not one of the listed values"))
}

impl Cli {
    pub fn overrides(&self) -> Overrides {
        Overrides {
            db: self.db.clone(),
            today: self.today.clone(),
            lang: self.lang.clone(),
            config: self.config.clone(),
            no_encryption: self.no_encryption,
        }
    }
}

/// Standard output as the commands write to it: whatever text a case holds (typed
/// before the rules were tightened, or from an older kit) reaches the terminal
/// printable, never as an escape sequence. Line breaks and tabs pass.
pub struct Printable<W: Write> {
    inner: W,
    /// The start of a character cut between two writes.
    pending: Vec<u8>,
}

impl<W: Write> Printable<W> {
    pub fn new(inner: W) -> Printable<W> {
        Printable { inner, pending: Vec::new() }
    }
}

impl<W: Write> Write for Printable<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.pending.is_empty()
            && let Ok(text) = std::str::from_utf8(buf)
        {
            // Whole characters, as nearly every write is: no copy unless one must be replaced.
            self.inner.write_all(crate::domain::printable(text).as_bytes())?;
            return Ok(buf.len());
        }
        self.pending.extend_from_slice(buf);
        let valid = match std::str::from_utf8(&self.pending) {
            Ok(text) => text.len(),
            // An incomplete character at the end waits for the next write.
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(e) => e.valid_up_to() + e.error_len().unwrap_or(1),
        };
        let text = String::from_utf8_lossy(&self.pending[..valid]).into_owned();
        self.inner.write_all(crate::domain::printable(&text).as_bytes())?;
        self.pending.drain(..valid);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            let rest = String::from_utf8_lossy(&std::mem::take(&mut self.pending)).into_owned();
            self.inner.write_all(crate::domain::printable(&rest).as_bytes())?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for Printable<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Runs a subcommand and writes its output to `out`.
pub fn run(command: &Command, settings: &Settings, out: &mut impl Write) -> Result<()> {
    let catalog = Catalog::new(settings.lang);
    match command {
        Command::Encrypt => return encrypt(settings, &catalog, out),
        Command::Passphrase => return change_passphrase(settings, &catalog, out),
        Command::Restore { path } => return restore_backup(path, settings, &catalog, out),
        // Only commands that add something may create the file: a mistyped path
        // for the others is said, not made into a new, empty database.
        Command::Add { .. }
        | Command::Demo { .. }
        | Command::Import { .. }
        | Command::Discussion { what: DiscussionCommand::Plan { .. } } => {}
        _ => require_existing(&settings.db_path)?,
    }
    let mut store = open_store(settings, &catalog)?;
    let today = settings.today;
    let date_or_today = |text: &Option<String>| -> Result<NaiveDate> {
        text.as_deref().map(parse_date).transpose().map(|d| d.unwrap_or(today)).map_err(Into::into)
    };
    match command {
        Command::Add { kind, school, grade, gender, teacher, description, date } => {
            let details = CaseDetails {
                kind: *kind,
                school: school.clone(),
                grade: grade.clone(),
                gender: *gender,
                teacher: teacher.clone(),
                description: description.clone(),
            };
            let case = store.create_case(details, date_or_today(date)?, today)?;
            writeln!(out, "{}", case.reference)?;
        }
        Command::Meeting { reference, number, date, planned } => {
            let number = MeetingNo::new(*number).context("meeting number 1, 2 or 3")?;
            let date = parse_date(date)?;
            let action =
                if *planned { Action::PlanMeeting { number, date } } else { Action::RecordMeeting { number, date } };
            apply(&mut store, &catalog, reference, &action, settings, out)?;
        }
        Command::Decide { reference, decision, date } => {
            let action = Action::Decide { decision: *decision, date: parse_date(date)? };
            apply(&mut store, &catalog, reference, &action, settings, out)?;
        }
        Command::ReferralSent { reference, date } => {
            let action = Action::ReferralSent { date: parse_date(date)? };
            apply(&mut store, &catalog, reference, &action, settings, out)?;
        }
        Command::Close { reference, reason, date } => {
            let action = Action::Close { date: date_or_today(date)?, reason: reason.clone() };
            apply(&mut store, &catalog, reference, &action, settings, out)?;
        }
        Command::Reopen { reference, reason, date } => {
            let action = Action::Reopen { date: date_or_today(date)?, reason: reason.clone() };
            apply(&mut store, &catalog, reference, &action, settings, out)?;
        }
        Command::List { overdue, due_within, all, json } => {
            let due_by = match (overdue, due_within) {
                (true, _) => Some(today.pred_opt().context("date out of range")?),
                (false, Some(days)) => Some(add_days(today, u64::from(*days))),
                (false, None) => None,
            };
            let status = if *all { StatusFilter::All } else { StatusFilter::Open };
            let query = CaseQuery { status, due_by, order: Order::Urgency, ..CaseQuery::default() };
            if *json {
                // Streamed so that a large database is never held in memory at once.
                write!(out, "[")?;
                let mut first = true;
                store.for_each_case(&query, |case| {
                    let separator = if std::mem::take(&mut first) { "" } else { "," };
                    write!(out, "{separator}\n  {}", json::case(&case, settings))?;
                    Ok(())
                })?;
                writeln!(out, "{}]", if first { "" } else { "\n" })?;
            } else {
                let mut line = String::new();
                store.for_each_row(&query, |row| {
                    line.clear();
                    list_line(&mut line, &row, &catalog, settings);
                    Ok(out.write_all(line.as_bytes())?)
                })?;
            }
        }
        Command::Show { reference, json } => {
            let case = find(&store, &catalog, reference)?;
            let file = service::open_case(&mut store, case)?;
            if *json {
                writeln!(out, "{}", serde_json::to_string_pretty(&json::case_file(&file, settings))?)?;
            } else {
                writeln!(out, "{}", catalog.f("detail.title", &[("reference", &file.case.reference)]))?;
                for line in service::case_detail(&file, &catalog, today, settings.due_soon_days) {
                    writeln!(out, "{}", line.text().trim_end())?;
                }
            }
        }
        Command::Demo { cases } => {
            let seed = today.to_string().bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
            let made = store.create_with_history(&demo_cases(*cases as usize, today, seed), today)?;
            writeln!(out, "{made}")?;
        }
        Command::Consent { reference, given_by, date, scope, expires, name, birth_date } => {
            let consent = Consent {
                given_on: parse_date(date)?,
                given_by: *given_by,
                scope: scope.clone(),
                expires_on: expires.as_deref().map(parse_date).transpose()?,
                withdrawn_on: None,
            };
            let pupil = match (name, birth_date) {
                (Some(name), Some(born)) => Some(Identity { name: name.clone(), birth_date: Some(parse_date(born)?) }),
                _ => None,
            };
            let action = Action::RecordConsent { consent, pupil, consent_age: settings.consent_age };
            apply(&mut store, &catalog, reference, &action, settings, out)?;
        }
        Command::WithdrawConsent { reference, date, yes } => {
            if !yes {
                return Err(Explained(catalog.t("consent.confirm_withdraw").into()).into());
            }
            let action = Action::WithdrawConsent { date: date_or_today(date)? };
            apply(&mut store, &catalog, reference, &action, settings, out)?;
            erasure_finished(&store, &catalog)?;
        }
        Command::Name { reference, name, birth_date } => {
            let identity =
                Identity { name: name.clone(), birth_date: birth_date.as_deref().map(parse_date).transpose()? };
            let action = Action::SetIdentity { identity, consent_age: settings.consent_age };
            apply(&mut store, &catalog, reference, &action, settings, out)?;
        }
        Command::EraseExpired { yes } => {
            let waiting = store.consent_warnings(today, settings.consent_age)?.to_erase;
            if !yes && waiting > 0 {
                return Err(Explained(catalog.count("consent.confirm_erase", waiting as u64, &[])).into());
            }
            let erased = store.erase_without_consent(today)?;
            erasure_finished(&store, &catalog)?;
            writeln!(out, "{}", catalog.count("consent.erased", erased as u64, &[]))?;
        }
        Command::Discussion { what } => discussion(&mut store, &catalog, settings, what, out)?,
        Command::Export { what: ExportCommand::Discussion { date, school, format, output } } => {
            let meeting = find_discussion(&store, &catalog, date, school.as_deref())?;
            let target = Target { folder: Path::new(""), file: output.clone() };
            let path = export::discussion_form(&store, &catalog, &meeting, format.format(), &target)?;
            writeln!(out, "{}", catalog.f("discussion.exported", &[("path", &path.display().to_string())]))?;
        }
        Command::Export { what: ExportCommand::Minutes { reference, meeting, format, output } } => {
            let case = find(&store, &catalog, reference)?;
            let number = MeetingNo::new(*meeting).context("meeting 1, 2 or 3")?;
            let target = Target { folder: Path::new(""), file: output.clone() };
            let path = export::minutes(&mut store, &catalog, settings, &case, number, format.format(), &target)?;
            writeln!(out, "{}", catalog.f("minutes.exported", &[("path", &path.display().to_string())]))?;
        }
        Command::Export { what: ExportCommand::Kit { school, cases, valid_days, output } } => {
            let ids = kit::cases_to_send(&store, school.as_deref().unwrap_or_default(), cases, today)?;
            let path = output.clone().unwrap_or_else(|| kit::file_name(school.as_deref(), today).into());
            let passphrase = new_kit_passphrase(&catalog)?;
            let expires_on = add_days(settings.expiry_day(), u64::from(*valid_days));
            let selection = kit::Selection { ids: &ids, school: school.as_deref(), expires_on, today };
            kit::export(&mut store, &selection, &passphrase, &path)?;
            writeln!(out, "{}", catalog.kit_exported(ids.len(), &path, expires_on))?;
        }
        Command::Import { path, delete } => {
            let passphrase = kit_passphrase(&catalog, path)?;
            let report = kit::import(&mut store, path, &passphrase, settings.expiry_day(), settings.consent_age)?;
            write_import_report(&report, &path.display().to_string(), &catalog, out)?;
            erasure_finished(&store, &catalog)?;
            let shown = path.display().to_string();
            if *delete {
                std::fs::remove_file(path).with_context(|| format!("cannot delete {shown}"))?;
                writeln!(out, "{}", catalog.f("kit.deleted", &[("path", &shown)]))?;
            } else {
                writeln!(out, "{}", catalog.f("kit.delete_hint", &[("path", &shown)]))?;
            }
        }
        Command::Conflicts { json } => {
            let conflicts = store.kit_conflicts()?;
            if *json {
                let value: Vec<Value> = conflicts
                    .iter()
                    .map(|c| {
                        json!({"id": c.id, "reference": c.reference, "field": c.field, "label": catalog.kit_field(&c.field),
                            "here": c.here, "kit": c.kit, "kit_from": c.kit_from, "found_at": c.found_at})
                    })
                    .collect();
                writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
            } else if conflicts.is_empty() {
                writeln!(out, "{}", catalog.t("kit.no_conflicts"))?;
            }
            for c in conflicts.iter().filter(|_| !*json) {
                writeln!(out, "{:>4}  {}  {}", c.id, c.reference, catalog.kit_field(&c.field))?;
                writeln!(out, "      {:<7} {}", catalog.t("kit.conflict_here"), catalog.kit_value(&c.here))?;
                let kit_value = format!("{} ({})", catalog.kit_value(&c.kit), c.kit_from);
                writeln!(out, "      {:<7} {kit_value}", catalog.t("kit.conflict_kit"))?;
            }
        }
        Command::Resolve { id, take } => {
            let conflicts = store.kit_conflicts()?;
            let Some(conflict) = conflicts.iter().find(|c| c.id == *id) else {
                anyhow::bail!(Explained(catalog.f("kit.no_such_conflict", &[("id", &id.to_string())])));
            };
            let side = match take {
                SideArg::Here => Side::Here,
                SideArg::Kit => Side::Kit,
            };
            store.resolve_kit_conflict(conflict, side)?;
            writeln!(out, "{}", catalog.kit_resolved(*id, side))?;
        }
        Command::Log { reference, json } => {
            let case = find(&store, &catalog, reference)?;
            let entries = store.audit_of(case.id)?;
            if *json {
                writeln!(out, "{}", serde_json::to_string_pretty(&json::audit(&entries))?)?;
            } else {
                for e in &entries {
                    writeln!(out, "{}  {:<16} {}", e.at, e.actor, catalog.audit_text(&e.action, &e.detail))?;
                }
            }
        }
        Command::Check => {
            let report = store.check()?;
            let ok = catalog.t("check.ok");
            let problems = |lines: &[String]| if lines.is_empty() { ok.to_string() } else { lines.join("; ") };
            writeln!(out, "{:<14} {}", catalog.t("check.integrity"), problems(&report.integrity))?;
            writeln!(out, "{:<14} {}", catalog.t("check.references"), problems(&report.foreign_keys))?;
            let audit = match &report.audit {
                Ok(n) => catalog.count("check.audit_ok", *n, &[]),
                Err(AuditBreak { id, reason: AuditBreakReason::Gap }) => {
                    catalog.f("check.audit_gap", &[("id", &id.to_string())])
                }
                Err(AuditBreak { id, reason: AuditBreakReason::Altered }) => {
                    catalog.f("check.audit_altered", &[("id", &id.to_string())])
                }
            };
            writeln!(out, "{:<14} {audit}", catalog.t("check.audit"))?;
            let cases = match report.unsealed.is_empty() {
                true => ok.to_string(),
                false => catalog.f("check.cases_unsealed", &[("refs", &report.unsealed.join(", "))]),
            };
            writeln!(out, "{:<14} {cases}", catalog.t("check.cases"))?;
            let triggers = match report.missing_triggers.is_empty() {
                true => ok.to_string(),
                false => catalog.f("check.triggers_missing", &[("names", &report.missing_triggers.join(", "))]),
            };
            writeln!(out, "{:<14} {triggers}", catalog.t("check.triggers"))?;
            // Copies named in a line of their own, as many as there are.
            let copies_line = |out: &mut dyn Write, key: &str, copies: &[PathBuf]| -> Result<()> {
                if !copies.is_empty() {
                    let paths: Vec<String> = copies.iter().map(|p| p.display().to_string()).collect();
                    let text = catalog.count(key, copies.len() as u64, &[("paths", &paths.join(", "))]);
                    writeln!(out, "{:<14} {text}", catalog.t("check.copies"))?;
                }
                Ok(())
            };
            copies_line(out, "check.copies_plain", &report.plain_copies)?;
            if let Some(copy) = &report.behind_copy {
                let ahead = catalog.f("check.copy_ahead", &[("path", &copy.display().to_string())]);
                writeln!(out, "{:<14} {ahead}", catalog.t("check.copies"))?;
            }
            let encrypted = if report.encrypted { catalog.t("check.yes") } else { catalog.t("check.no") };
            writeln!(out, "{:<14} {encrypted}", catalog.t("check.encrypted"))?;
            if report.purge_pending {
                writeln!(out, "{:<14} {}", catalog.t("check.purge"), catalog.t("check.purge_pending"))?;
            }
            copies_line(out, "check.copies_pending", &report.copies_unerased)?;
            if !report.is_ok() {
                return Err(Explained(catalog.t("check.failed").into()).into());
            }
        }
        Command::Backup { path } => {
            let target = path
                .clone()
                .unwrap_or_else(|| manual_backup_path(&settings.db_path, chrono::Local::now().naive_local()));
            store.backup_to(&target)?;
            writeln!(out, "{}", catalog.f("backup.written", &[("path", &target.display().to_string())]))?;
        }
        Command::Encrypt | Command::Passphrase | Command::Restore { .. } => {
            unreachable!("handled before the store is opened")
        }
    }
    Ok(())
}

/// Plain → encrypted: an encrypted copy is written beside the file and checked
/// (it opens with the passphrase, passes integrity_check and holds as many cases
/// and log entries) before it replaces the plain file.
fn encrypt(settings: &Settings, catalog: &Catalog, out: &mut impl Write) -> Result<()> {
    let path = &settings.db_path;
    let shown = path.display().to_string();
    match probe(path)? {
        FileKind::Plain => {}
        FileKind::Encrypted => return Err(Explained(catalog.f("unlock.already_encrypted", &[("path", &shown)])).into()),
        FileKind::New => return Err(Explained(catalog.f("unlock.nothing_to_encrypt", &[("path", &shown)])).into()),
        FileKind::Foreign => return Err(OpenError::NotSaksgang { path: path.clone() }.into()),
    }
    let passphrase = match &settings.passphrase {
        Some(given) => checked_new(given.expose_secret(), catalog)?,
        None => ask_new(catalog, &catalog.f("unlock.encrypt_intro", &[("path", &shown)]))?,
    };
    let unencrypted = encrypt_database(path, &settings.actor, &passphrase)
        .map_err(|error| error.context(catalog.t("unlock.encrypt_failed").to_string()))?;
    writeln!(out, "{}", catalog.f("unlock.encrypted", &[("path", &shown)]))?;
    copies_treated(&unencrypted, "unlock.copies_not_encrypted", catalog)
}

/// Copies of the database that could not be treated like it are named, with why,
/// and make the command fail: the user has something left to do.
fn copies_treated(failed: &[CopyFailure], key: &str, catalog: &Catalog) -> Result<()> {
    match catalog.copies_failed(failed, key) {
        Some(message) => Err(Explained(message).into()),
        None => Ok(()),
    }
}

fn change_passphrase(settings: &Settings, catalog: &Catalog, out: &mut impl Write) -> Result<()> {
    let path = &settings.db_path;
    let shown = path.display().to_string();
    if probe(path)? != FileKind::Encrypted {
        return Err(Explained(catalog.f("unlock.not_encrypted", &[("path", &shown)])).into());
    }
    let mut store = open_store_as(settings, catalog, Sharing::Alone)?;
    let new = match std::env::var("SAKSGANG_NEW_PASSPHRASE").ok().filter(|p| !p.is_empty()) {
        Some(given) => checked_new(&given, catalog)?,
        None => ask_new(catalog, catalog.t("unlock.rekey_intro"))?,
    };
    let not_rekeyed = store.change_passphrase(&new)?;
    drop(store);
    Store::open(path, &settings.actor, Some(&new))?;
    writeln!(out, "{}", catalog.f("unlock.rekeyed", &[("path", &shown)]))?;
    copies_treated(&not_rekeyed, "unlock.copies_not_rekeyed", catalog)
}

/// The backup is checked before anything is replaced; the replaced files are kept.
fn restore_backup(
    source: &std::path::Path,
    settings: &Settings,
    catalog: &Catalog,
    out: &mut impl Write,
) -> Result<()> {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S").to_string();
    let kept = restore(
        source,
        &settings.db_path,
        &settings.actor,
        settings.passphrase.as_ref().map(|p| p.expose_secret()),
        &stamp,
    )?;
    let restored = catalog.f("backup.restored", &[("path", &source.display().to_string())]);
    writeln!(out, "{restored}")?;
    if let Some(kept) = kept {
        writeln!(out, "{}", catalog.f("backup.kept", &[("path", &kept.display().to_string())]))?;
    }
    Ok(())
}

/// An erasure is reported done only once no old copy of its pages is left on
/// disk; otherwise the user is told what holds it back.
fn erasure_finished(store: &Store, catalog: &Catalog) -> Result<()> {
    match catalog.erasure_unfinished(store)? {
        Some(message) => Err(Explained(message).into()),
        None => Ok(()),
    }
}

impl FormatArg {
    fn format(self) -> Format {
        match self {
            FormatArg::Pdf => Format::Pdf,
            FormatArg::Md => Format::Markdown,
        }
    }
}

/// The discussion meeting on `date` (of `school`, where several fall on one day).
fn find_discussion(store: &Store, c: &Catalog, date: &str, school: Option<&str>) -> Result<DiscussionMeeting> {
    let day = parse_date(date)?;
    let same_school = |m: &DiscussionMeeting| school.is_none_or(|s| m.is_for_school(s));
    let mut found: Vec<_> =
        store.discussions(Some(day))?.into_iter().filter(|m| m.date == day && same_school(m)).collect();
    let date = format_date(day);
    match found.len() {
        0 => Err(Explained(c.f("discussion.no_such", &[("date", &date)])).into()),
        1 => Ok(found.remove(0)),
        _ => Err(Explained(c.f("discussion.several", &[("date", &date)])).into()),
    }
}

fn discussion(
    store: &mut Store,
    c: &Catalog,
    settings: &Settings,
    command: &DiscussionCommand,
    out: &mut impl Write,
) -> Result<()> {
    let time = |text: &str| parse_time(text).ok_or_else(|| Explained(c.time_error(text)));
    match command {
        DiscussionCommand::Plan { date, school, start, ppt_contact, leader } => {
            let meeting = DiscussionMeeting::new(
                uuid::Uuid::new_v4(),
                parse_date(date)?,
                time(start)?,
                school,
                ppt_contact,
                *leader,
                settings.today,
            )?;
            store.save_discussion(&meeting)?;
            let args = [
                ("date", format_date(meeting.date)),
                ("time", format_time(meeting.starts_at)),
                ("school", meeting.school.clone()),
            ];
            writeln!(out, "{}", c.f("discussion.planned", &args.each_ref().map(|(k, v)| (*k, v.as_str()))))?;
        }
        DiscussionCommand::Add { date, reference, difficulty, minutes, start, school } => {
            let mut meeting = find_discussion(store, c, date, school.as_deref())?;
            let case = find(store, c, reference)?;
            let difficulty = match difficulty {
                DifficultyArg::Academic => Difficulty::Academic,
                DifficultyArg::Social => Difficulty::SocialBehaviour,
                DifficultyArg::Other => Difficulty::Other,
            };
            let start = start.as_deref().map(time).transpose()?;
            meeting.add_case(&case, difficulty, start, *minutes)?;
            store.save_discussion(&meeting)?;
            let item = meeting.item(case.id).context("on the agenda")?;
            let args = [
                ("reference", case.reference.clone()),
                ("date", format_date(meeting.date)),
                ("start", format_time(item.starts_at)),
                ("end", format_time(item.ends_at())),
            ];
            writeln!(out, "{}", c.f("discussion.added", &args.each_ref().map(|(k, v)| (*k, v.as_str()))))?;
        }
        DiscussionCommand::Remove { date, reference, school } => {
            let mut meeting = find_discussion(store, c, date, school.as_deref())?;
            let case = find(store, c, reference)?;
            meeting.remove_case(case.id)?;
            store.save_discussion(&meeting)?;
            let args = [("reference", case.reference.as_str()), ("date", &format_date(meeting.date))];
            writeln!(out, "{}", c.f("discussion.removed", &args))?;
        }
        DiscussionCommand::Sent { date, on, school } => {
            let mut meeting = find_discussion(store, c, date, school.as_deref())?;
            let on = on.as_deref().map(parse_date).transpose()?.unwrap_or(settings.today);
            meeting.mark_form_sent(on)?;
            store.save_discussion(&meeting)?;
            let args = [("date", format_date(meeting.date)), ("sent", format_date(on))];
            writeln!(out, "{}", c.f("discussion.sent", &args.each_ref().map(|(k, v)| (*k, v.as_str()))))?;
        }
        DiscussionCommand::Outcome { date, reference, advice, next_step, school } => {
            let mut meeting = find_discussion(store, c, date, school.as_deref())?;
            let case = find(store, c, reference)?;
            let item = meeting.items.iter_mut().find(|i| i.case_id == case.id).ok_or(DiscussionError::NotOnAgenda)?;
            item.advice = advice.clone();
            item.next_step = next_step.clone();
            store.save_discussion(&meeting)?;
            writeln!(out, "{}", c.f("discussion.outcome_saved", &[("reference", &case.reference)]))?;
        }
        DiscussionCommand::List { all, json } => {
            let from = if *all { None } else { Some(settings.today) };
            let meetings = store.discussions(from)?;
            if *json {
                // The agenda by reference, and without the school's preparation.
                let mut listed = Vec::new();
                for meeting in &meetings {
                    let mut value = serde_json::to_value(meeting)?;
                    value["form_state"] = json!(meeting.form_state(settings.today));
                    value["form_due"] = json!(iso_date(meeting.form_due()));
                    let mut items = Vec::new();
                    for (item, case) in meeting.items.iter().zip(store.cases_on_agenda(meeting)?) {
                        items.push(json!({
                            "reference": case.reference,
                            "starts_at": format_time(item.starts_at),
                            "minutes": item.minutes,
                            "difficulty": item.difficulty,
                            "advice": item.advice,
                            "next_step": item.next_step,
                        }));
                    }
                    value["items"] = json!(items);
                    value["starts_at"] = json!(format_time(meeting.starts_at));
                    listed.push(value);
                }
                writeln!(out, "{}", serde_json::to_string_pretty(&listed)?)?;
            } else if meetings.is_empty() {
                writeln!(out, "{}", c.t("discussion.none"))?;
            }
            for meeting in meetings.iter().filter(|_| !*json) {
                writeln!(
                    out,
                    "{}  {}  {}  {}",
                    format_date(meeting.date),
                    format_time(meeting.starts_at),
                    meeting.school,
                    c.form_state(meeting, settings.today)
                )?;
                for (item, case) in meeting.items.iter().zip(store.cases_on_agenda(meeting)?) {
                    let slot = format!("{}–{}", format_time(item.starts_at), format_time(item.ends_at()));
                    writeln!(out, "  {slot}  {}  {}", case.reference, c.word(item.difficulty))?;
                }
            }
        }
    }
    Ok(())
}

/// What an import did, in a few lines, with the way to the conflicts if there are any.
fn write_import_report(report: &ImportReport, path: &str, catalog: &Catalog, out: &mut impl Write) -> Result<()> {
    writeln!(out, "{}", catalog.import_summary(report, path))?;
    for (kit, here) in &report.renamed {
        writeln!(out, "{}", catalog.f("kit.renamed", &[("kit", kit), ("here", here)]))?;
    }
    if !report.conflicts.is_empty() {
        writeln!(out, "{}", catalog.t("kit.conflicts_hint"))?;
    }
    Ok(())
}

fn apply(
    store: &mut Store,
    catalog: &Catalog,
    reference: &str,
    action: &Action,
    settings: &Settings,
    out: &mut impl Write,
) -> Result<()> {
    let case = find(store, catalog, reference)?;
    let case = store.apply(case.id, action, settings.today)?;
    let mut line = String::new();
    list_line(&mut line, &CaseRow::of(&case), catalog, settings);
    out.write_all(line.as_bytes())?;
    Ok(())
}

/// One case, one line (ended), whatever its texts hold: into `line`, so that a
/// long list reuses one buffer.
fn list_line(line: &mut String, row: &CaseRow, catalog: &Catalog, settings: &Settings) {
    use std::fmt::Write as _;
    let _ = write!(
        line,
        "{}  {:<18}  {:<28}  {:<10}  ",
        one_line(&row.reference),
        catalog.word(row.stage),
        one_line(&row.school),
        one_line(&row.grade)
    );
    let _ = match (row.next_kind, row.next_due) {
        (Some(kind), Some(due)) => {
            let state = state_of(due, None, settings.today, settings.due_soon_days);
            writeln!(line, "{} {} ({})", catalog.word(kind), format_date(due), catalog.word(state))
        }
        _ if row.status == Status::Closed => writeln!(line, "{}", catalog.t("status.closed")),
        _ => writeln!(line, "{}", catalog.t("deadline.none")),
    };
}
