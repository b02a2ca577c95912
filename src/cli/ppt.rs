//! `saksgang ppt`: a step on PPT's track of one case, as the rules take it.

use anyhow::Result;
use chrono::NaiveDate;

use super::args::PptCommand;
use crate::config::Settings;
use crate::domain::ppt::{
    Assessment, AssessmentConsent, Assignment, Complaint, PptDecision, PptStep, PreliminaryReply, StartupMeeting,
};
use crate::domain::{Action, parse_date};

/// The case named and the action the command asks of it.
pub(super) fn action<'c>(command: &'c PptCommand, settings: &Settings) -> Result<(&'c str, Action)> {
    let day = |text: &Option<String>| -> Result<NaiveDate> {
        Ok(text.as_deref().map(parse_date).transpose()?.unwrap_or(settings.today))
    };
    let (reference, step) = match command {
        PptCommand::Received { reference, date } => {
            return Ok((reference, Action::PptReceived { date: day(date)? }));
        }
        PptCommand::Consent { reference, by, date } => {
            (reference, PptStep::Consent(AssessmentConsent { given_on: day(date)?, by: *by }))
        }
        PptCommand::Assign { reference, adviser, date } => {
            (reference, PptStep::Assign(Assignment { adviser: adviser.trim().to_string(), on: day(date)? }))
        }
        PptCommand::Startup { reference, date, planned } => {
            (reference, PptStep::Startup(StartupMeeting { date: day(date)?, held: !planned }))
        }
        PptCommand::PreliminaryReply { reference, reason, expected_by, date } => (
            reference,
            PptStep::PreliminaryReply(PreliminaryReply {
                sent_on: day(date)?,
                reason: reason.trim().to_string(),
                expected_by: parse_date(expected_by)?,
            }),
        ),
        PptCommand::Assessed { reference, hours, assistant, organisation, date } => (
            reference,
            PptStep::Assessed(Assessment {
                done_on: day(date)?,
                hours_per_year: *hours,
                assistant: *assistant,
                organisation: organisation.trim().to_string(),
            }),
        ),
        PptCommand::Decision { reference, outcome, departure, valid_until, date } => (
            reference,
            PptStep::Decision(PptDecision {
                on: day(date)?,
                outcome: *outcome,
                departure: departure.as_ref().map(|d| d.trim().to_string()),
                valid_until: valid_until.as_deref().map(parse_date).transpose()?,
            }),
        ),
        PptCommand::Complaint { reference, date, outcome, outcome_date } => {
            let ruled = match (outcome, outcome_date) {
                (Some(outcome), Some(on)) => Some((*outcome, parse_date(on)?)),
                _ => None,
            };
            (reference, PptStep::Complaint(Complaint { received_on: day(date)?, outcome: ruled }))
        }
        PptCommand::Revision { reference, date } => (reference, PptStep::Revised(day(date)?)),
        PptCommand::State { reference, state } => (reference, PptStep::State(*state)),
    };
    Ok((reference, Action::Ppt { step, consent_age: settings.consent_age }))
}
