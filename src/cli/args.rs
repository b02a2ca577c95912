//! The command line as clap reads it: commands, their arguments and values.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::Overrides;
use crate::documents::Format;
use crate::domain::ppt::{ComplaintOutcome, DecisionOutcome, TrackState};
use crate::domain::{CaseKind, Coded, ConsentGiver, Decision, Gender, Side};

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
    /// Whose start screen to open on: school (default) or ppt (the PPT adviser's).
    #[arg(long, global = true, env = "SAKSGANG_ROLE", value_name = "ROLE")]
    pub role: Option<String>,
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
        #[arg(long, value_parser = coded::<Format>(), default_value = "pdf")]
        format: Format,
        /// The file to write (default: referat-REF-mote-N.pdf in the current folder).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// PPT's preliminary reply to the family (forvaltningsloven § 11 a) as a letter.
    PreliminaryReply {
        reference: String,
        #[arg(long, value_parser = coded::<Format>(), default_value = "pdf")]
        format: Format,
        /// The file to write (default: forelopig-svar-REF.pdf in the current folder).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The form to PPT for the discussion meeting on DATE: no names, ever.
    Discussion {
        date: String,
        #[arg(long)]
        school: Option<String>,
        #[arg(long, value_parser = coded::<Format>(), default_value = "pdf")]
        format: Format,
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

/// A step on PPT's track; `--date` is today where it is left out.
#[derive(Debug, Subcommand)]
pub enum PptCommand {
    /// PPT registered the referral (the day starts PPT's clocks).
    Received {
        reference: String,
        #[arg(long)]
        date: Option<String>,
    },
    /// Consent to the expert assessment, by the guardians or the pupil.
    Consent {
        reference: String,
        #[arg(long = "by", value_parser = coded::<ConsentGiver>())]
        by: ConsentGiver,
        #[arg(long)]
        date: Option<String>,
    },
    /// The PPT adviser who holds the case.
    Assign {
        reference: String,
        #[arg(long)]
        adviser: String,
        #[arg(long)]
        date: Option<String>,
    },
    /// The start-up meeting with the school and the family, held or planned.
    Startup {
        reference: String,
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        planned: bool,
    },
    /// The family told why no decision came within the month, and when to expect one.
    PreliminaryReply {
        reference: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        expected_by: String,
        #[arg(long)]
        date: Option<String>,
    },
    /// The expert assessment done, with its recommendation.
    Assessed {
        reference: String,
        #[arg(long)]
        hours: Option<u32>,
        #[arg(long)]
        assistant: bool,
        /// How the teaching is organised, in one line.
        #[arg(long, default_value = "")]
        organisation: String,
        #[arg(long)]
        date: Option<String>,
    },
    /// The decision: granted, partly granted or refused.
    Decision {
        reference: String,
        #[arg(long, value_parser = coded::<DecisionOutcome>())]
        outcome: DecisionOutcome,
        /// Why the decision departs from the assessment, where it does.
        #[arg(long)]
        departure: Option<String>,
        #[arg(long)]
        valid_until: Option<String>,
        #[arg(long)]
        date: Option<String>,
    },
    /// A complaint received, and its outcome once there is one.
    Complaint {
        reference: String,
        #[arg(long)]
        date: Option<String>,
        #[arg(long, value_parser = coded::<ComplaintOutcome>(), requires = "outcome_date")]
        outcome: Option<ComplaintOutcome>,
        #[arg(long)]
        outcome_date: Option<String>,
    },
    /// The reassessment before the decision's period ends, taken up.
    Revision {
        reference: String,
        #[arg(long)]
        date: Option<String>,
    },
    /// Waiting, active, dormant (an adviser holds it) or closed.
    State {
        reference: String,
        #[arg(value_parser = coded::<TrackState>())]
        state: TrackState,
    },
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
        /// Only the referred cases this PPT adviser holds.
        #[arg(long, value_name = "NAME")]
        adviser: Option<String>,
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
    /// PPT's track of a referred case: received, consent to the expert
    /// assessment, the adviser, the start-up meeting, a preliminary reply, the
    /// assessment, the decision, a complaint, the revision and the state.
    Ppt {
        #[command(subcommand)]
        what: PptCommand,
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
    /// Settle a conflict: keep the value here, take the kit's, or write one from
    /// both (`--value`, for text).
    Resolve {
        id: i64,
        #[arg(long, value_parser = taken_side(), required_unless_present = "value", conflicts_with = "value")]
        take: Option<Side>,
        /// The text to keep, written from both values.
        #[arg(long)]
        value: Option<String>,
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
pub(super) fn coded<T: Coded + Send + Sync>() -> impl clap::builder::TypedValueParser<Value = T> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(T::ALL.iter().map(|value| value.code()))
        .try_map(|code: String| T::from_code(&code).ok_or("not one of the listed values"))
}

/// `--take`: one of the two values as it is (a value written from both is `--value`).
fn taken_side() -> impl clap::builder::TypedValueParser<Value = Side> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new([Side::Here.code(), Side::Kit.code()])
        .try_map(|code: String| Side::from_code(&code).ok_or("not one of the listed values"))
}

impl Cli {
    pub fn overrides(&self) -> Overrides {
        Overrides {
            db: self.db.clone(),
            today: self.today.clone(),
            lang: self.lang.clone(),
            config: self.config.clone(),
            no_encryption: self.no_encryption,
            role: self.role.clone(),
        }
    }
}
