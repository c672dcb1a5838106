//! Running one command the way XSOAR's Python template does: log the call, check the arguments
//! against the declaration, run the body, send its entries, and turn any failure into the
//! `Failed to execute <command> command.` error entry (or, for the commands XSOAR runs itself,
//! into an exception). All of it goes through a masking host, so no secret leaves.

use std::sync::Arc;

use super::params::{is_declared_secret, with_defaults};
use super::{COMMANDS, Call, CommandError, CommandOutcome, SERVER_HANDLED_COMMANDS, find};
use crate::host::masked::MaskedHost;
use crate::host::{Host, LogLevel, RunStatus};
use crate::xsoar::Entry;
use crate::xsoar::entry::command_error_text;
use crate::xsoar::secrets::Masker;

/// Runs the command the host asks for and reports how it ended. Never panics on bad input:
/// every failure becomes an error entry or an exception message.
pub async fn execute(host: &dyn Host) -> RunStatus {
    let calling = host.calling_context();
    let masker = Arc::new(Masker::for_params(&calling.params, is_declared_secret));
    let host = MaskedHost::new(host, masker.clone());
    let command = calling.command.as_str();
    host.log(
        LogLevel::Debug,
        &format!("Command being called is {command}"),
    );

    let outcome = run(&host).await;
    let sent = match outcome {
        // A command that answers through other calls (fetch's incidents) sends no empty result.
        Ok(entries) if entries.is_empty() => Ok(RunStatus::Ok),
        Ok(entries) => host.results(&entries).map(|()| RunStatus::Ok),
        Err(error) => Ok(report_failure(&host, command, &error)),
    };
    sent.unwrap_or_else(|error| {
        RunStatus::Exception(masker.mask(&command_error_text(command, &error.to_string())))
    })
}

async fn run(host: &dyn Host) -> CommandOutcome {
    let calling = host.calling_context();
    let command = find(&calling.command)
        .ok_or_else(|| CommandError::NotImplemented(calling.command.clone()))?;
    let args = command.spec.prepare_args(&calling.args)?;
    let params = with_defaults(&calling.params);
    (command.run)(Call { args, params, host }).await
}

fn report_failure<H: Host + ?Sized>(
    host: &MaskedHost<'_, H>,
    command: &str,
    error: &CommandError,
) -> RunStatus {
    let message = match error {
        CommandError::NotImplemented(_) => {
            format!("{error}. This integration implements: {}", command_names())
        }
        _ => error.to_string(),
    };
    host.log(LogLevel::Error, &command_error_text(command, &message));
    if SERVER_HANDLED_COMMANDS.contains(&command) {
        // The exception text goes to XSOAR without passing through the host, so mask it here.
        return RunStatus::Exception(host.masker().mask(&command_error_text(command, &message)));
    }
    match host.results(&[Entry::command_error(command, &message)]) {
        Ok(()) => RunStatus::Error,
        Err(host_error) => RunStatus::Exception(host.masker().mask(&format!(
            "{message} (and the error entry could not be sent: {host_error})"
        ))),
    }
}

fn command_names() -> String {
    COMMANDS
        .iter()
        .map(|command| command.spec.name)
        .collect::<Vec<_>>()
        .join(", ")
}
