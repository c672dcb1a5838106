//! `helloworld incidents` and `helloworld context`: what the instance's state database holds,
//! for a person or as JSON. Secrets are masked: the context's token keys are redacted and the
//! instance's secret params never appear.

use std::process::ExitCode;

use chrono::SecondsFormat;
use clap::Args;
use serde_json::{Value, json};

use super::UsageError;
use super::instance::InstanceArgs;
use crate::commands::params::is_declared_secret;
use crate::host::HostError;
use crate::host::cli::{print_stdout, println_stdout};
use crate::xsoar::args::arg_to_datetime;
use crate::xsoar::markdown::{TableOptions, table_to_markdown_with};
use crate::xsoar::secrets::{Masker, redact_sensitive_keys};

/// The flags of `helloworld incidents`.
#[derive(Debug, Args)]
pub(super) struct IncidentsArgs {
    #[command(flatten)]
    instance: InstanceArgs,
    /// Print a JSON array (source id, run id, time, incident) instead of a table.
    #[arg(long)]
    json: bool,
    /// Only incidents created since this time: "1 hour", "2 days ago", or an ISO 8601 time.
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
}

/// The flags of `helloworld context`.
#[derive(Debug, Args)]
pub(super) struct ContextArgs {
    #[command(flatten)]
    instance: InstanceArgs,
    /// Print one JSON object (version and context) instead of lines.
    #[arg(long)]
    json: bool,
    /// Set KEY to VALUE (a string), each as its own compare-and-set write that re-reads and
    /// retries on a conflict. Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
}

/// Lists the stored incidents.
pub(super) fn incidents(args: &IncidentsArgs) -> Result<ExitCode, UsageError> {
    let since = match &args.since {
        Some(text) => Some(
            arg_to_datetime(Some(&Value::String(text.clone())), Some("since"), true)
                .ok()
                .flatten()
                .ok_or_else(|| {
                    UsageError::new(format!(
                        "--since `{text}` is not a time; write \"1 hour\", \"2 days ago\" or 2024-05-01T00:00:00Z"
                    ))
                })?
                .to_rfc3339_opts(SecondsFormat::Millis, true),
        ),
        None => None,
    };
    let instance = args.instance.resolve()?;
    let store = args.instance.existing_state(&instance)?;
    let stored = store
        .incidents(since.as_deref())
        .map_err(|error| state_error(&error))?;
    if args.json {
        let mut document = serde_json::to_value(&stored).unwrap_or_default();
        Masker::for_params(&instance.params, is_declared_secret).mask_value(&mut document);
        println_stdout(&serde_json::to_string_pretty(&document).unwrap_or_default());
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Value> = stored
        .iter()
        .map(|stored| {
            json!({
                "id": stored.source_id,
                "name": stored.incident["name"],
                "severity": stored.incident["severity"],
                "created": stored.created_at,
                "run": stored.run_id,
            })
        })
        .collect();
    let options = TableOptions {
        headers: Some(
            ["id", "name", "severity", "created", "run"]
                .map(str::to_owned)
                .to_vec(),
        ),
        ..TableOptions::default()
    };
    let title = format!("{} incident(s) in {}", rows.len(), store.path().display());
    print_stdout(&table_to_markdown_with(&title, &Value::Array(rows), &options).unwrap_or(title));
    Ok(ExitCode::SUCCESS)
}

/// Shows (or first sets keys of) the integration context.
pub(super) fn context(args: &ContextArgs) -> Result<ExitCode, UsageError> {
    let instance = args.instance.resolve()?;
    // Showing needs a file a run made; setting creates it, as a run would.
    let store = if args.set.is_empty() {
        std::sync::Arc::new(args.instance.existing_state(&instance)?)
    } else {
        args.instance.open_state(&instance)?
    };
    for pair in &args.set {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| UsageError::new(format!("--set `{pair}` is not KEY=VALUE")))?;
        // Read, change one key, write at the version read; another writer in between makes
        // the write fail, and it is redone on what that writer left.
        loop {
            let read = store
                .integration_context()
                .map_err(|error| state_error(&error))?;
            let mut context = read.context;
            context.insert(key.to_owned(), Value::String(value.to_owned()));
            match store.set_integration_context(&context, &read.version) {
                Ok(()) => break,
                Err(HostError::VersionConflict(_)) => {}
                Err(error) => return Err(state_error(&error)),
            }
        }
    }
    let read = store
        .integration_context()
        .map_err(|error| state_error(&error))?;
    let mut context = redact_sensitive_keys(&read.context);
    Masker::for_params(&instance.params, is_declared_secret).mask_map(&mut context);
    if args.json {
        let document = json!({"version": read.version, "context": context});
        println_stdout(&serde_json::to_string_pretty(&document).unwrap_or_default());
    } else {
        println_stdout(&format!("integration context at version {}", read.version));
        for (key, value) in &context {
            println_stdout(&format!("  {key} = {}", text_of(value)));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn state_error(error: &HostError) -> UsageError {
    UsageError::new(format!("cannot read the state database: {error}"))
}
