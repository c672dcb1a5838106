//! `helloworld run`: one integration command on this machine, through the CLI host with the
//! instance's state database, so runs continue from each other as XSOAR's do. The result is
//! shown for a person, or as one JSON document with `--json`; secrets are masked in both.

use std::process::ExitCode;

use serde_json::{Map, Value, json};

use super::params::parse_args;
use super::{EXIT_COMMAND_FAILED, RunArgs, UsageError, command_list};
use crate::commands::params::is_declared_secret;
use crate::commands::{execute, find};
use crate::host::cli::{CliHost, Display, println_stdout};
use crate::host::recorder::Recording;
use crate::host::{CallingContext, Host, RunStatus};
use crate::xsoar::secrets::{Masker, redact_sensitive_keys};

/// Runs `args.command` and returns the exit status: 0 ok, 1 error entry, 2 usage error.
pub(super) fn run(args: &RunArgs) -> Result<ExitCode, UsageError> {
    let command = find(&args.command).ok_or_else(|| {
        UsageError::new(format!(
            "unknown command `{}`. The commands are:\n{}",
            args.command,
            command_list().trim_end()
        ))
    })?;
    let command_args = parse_args(&command.spec, &args.args)?;
    let instance = args.instance.resolve()?;
    let store = args.instance.open_state(&instance)?;
    let params = instance.params.clone();
    let masker = Masker::for_params(&params, is_declared_secret);
    let display = Display {
        live: !args.json,
        verbose: args.verbose,
        files_dir: args.files_dir.clone(),
    };
    let mut calling = CallingContext::new(command.spec.name, command_args, params);
    if let Some(name) = &instance.name {
        calling.instance.clone_from(name);
    }
    let mut host = CliHost::new(calling, display)
        .with_store(store)
        .map_err(|error| UsageError::new(format!("cannot read the state database: {error}")))?;
    if let Some(text) = &args.last_run {
        let last_run: Value = serde_json::from_str(text).map_err(|error| {
            UsageError::new(format!("--last-run is not JSON ({error}); pass the last_run object of an earlier --json run"))
        })?;
        host = host.with_last_run(last_run);
    }

    let runtime = runtime()?;
    let polling = Polling {
        follow: !args.no_follow,
        interval: args.poll_interval,
    };
    let (status, recording) = runtime.block_on(follow(host, instance.params, polling));
    if args.json {
        println_stdout(&json_document(command.spec.name, &recording, &masker));
    }
    if let RunStatus::Exception(message) = &status {
        eprintln!("{message}");
    }
    // A command may succeed as a whole and still report some values as errors (an invalid IP
    // among valid ones): any error entry makes the exit status 1.
    let any_error_entry = recording.entries.iter().any(crate::xsoar::Entry::is_error);
    Ok(match status {
        RunStatus::Ok if !any_error_entry => ExitCode::SUCCESS,
        _ => ExitCode::from(EXIT_COMMAND_FAILED),
    })
}

/// Runs the command, then, as XSOAR's scheduler does, re-runs whatever ScheduledCommand its last
/// entry asks for after its interval, until no more is scheduled or the polling times out.
/// Returns the final status and everything recorded across the runs.
pub(super) async fn follow(
    first: CliHost,
    params: Map<String, Value>,
    polling: Polling,
) -> (RunStatus, Recording) {
    let mut host = first;
    let mut status = execute(&host).await;
    let mut recording = host.recording();
    let started = std::time::Instant::now();
    while let (true, Some(next)) = (polling.follow, scheduled(&host.recording().entries)) {
        if next
            .timeout
            .is_some_and(|timeout| started.elapsed().as_secs() >= timeout)
        {
            return (
                RunStatus::Exception(format!(
                    "{} was still polling after its timeout",
                    next.command
                )),
                recording,
            );
        }
        let wait = polling.interval.unwrap_or(next.interval);
        eprintln!(
            "polling: running {} again in {wait} s (Ctrl-C to stop; --no-follow returns at once)",
            next.command
        );
        tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
        let display = host.display().clone();
        let state = host.recording();
        let mut calling = CallingContext::new(&next.command, next.args, params.clone());
        calling
            .instance
            .clone_from(&host.calling_context().instance);
        let store = host.store();
        host = CliHost::new(calling, display).with_integration_context(state.integration_context);
        if let Some(last_run) = state.last_run {
            host = host.with_last_run(last_run);
        }
        if let Some(store) = store {
            host = match host.with_store(store) {
                Ok(host) => host,
                Err(error) => {
                    return (
                        RunStatus::Exception(format!("cannot read the state database: {error}")),
                        recording,
                    );
                }
            };
        }
        status = execute(&host).await;
        let polled = host.recording();
        recording.entries.extend(polled.entries);
        recording.logs.extend(polled.logs);
        recording.integration_context = polled.integration_context;
    }
    (status, recording)
}

/// Whether and how fast to follow ScheduledCommand entries.
#[derive(Debug, Clone, Copy)]
pub(super) struct Polling {
    /// Run what is scheduled; off with --no-follow.
    pub(super) follow: bool,
    /// Seconds between polls instead of the scheduled interval.
    pub(super) interval: Option<u64>,
}

/// A follow-up run an entry schedules.
struct NextRun {
    command: String,
    args: Map<String, Value>,
    interval: u64,
    timeout: Option<u64>,
}

fn scheduled(entries: &[crate::xsoar::Entry]) -> Option<NextRun> {
    let fields = entries.last()?.fields();
    let number = |key: &str| {
        fields
            .get(key)
            .and_then(Value::as_str)
            .and_then(|text| text.parse().ok())
    };
    Some(NextRun {
        command: fields.get("PollingCommand")?.as_str()?.to_owned(),
        args: fields
            .get("PollingArgs")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
        interval: number("NextRun").unwrap_or(10),
        timeout: number("Timeout"),
    })
}

/// A single-threaded runtime: one command needs no more, and it starts in microseconds.
pub(super) fn runtime() -> Result<tokio::runtime::Runtime, UsageError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| UsageError::new(format!("cannot start the async runtime: {error}")))
}

/// The `--json` document: everything the run produced, with secrets masked.
fn json_document(command: &str, recording: &Recording, masker: &Masker) -> String {
    let mut document = json!({
        "command": command,
        "results": recording.entries,
        "incidents": recording.incidents,
        "last_run": recording.last_run,
        "integration_context": Value::Object(redact_sensitive_keys(&recording.integration_context)),
        "logs": recording.logs,
    });
    masker.mask_value(&mut document);
    serde_json::to_string_pretty(&document).unwrap_or_else(|error| {
        json!({"command": command, "error": format!("cannot encode the results: {error}")})
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xsoar::Entry;
    use serde_json::Map;

    #[test]
    fn json_document_masks_secrets_and_tokens() {
        let recording = Recording {
            entries: vec![Entry::error("key SECRETKEY123 rejected")],
            integration_context: json!({"access_token": "eyJ.jwt", "valid_until": "1"})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            ..Recording::default()
        };
        let mut params = Map::new();
        params.insert("api_key".into(), json!("SECRETKEY123"));
        let text = json_document(
            "x",
            &recording,
            &Masker::for_params(&params, is_declared_secret),
        );
        assert!(!text.contains("SECRETKEY123"));
        assert!(!text.contains("eyJ.jwt"));
        let document: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(document["incidents"], Value::Null);
        assert_eq!(document["last_run"], Value::Null);
        assert_eq!(document["integration_context"]["valid_until"], "1");
    }
}
