//! `helloworld config check`: validates an instance's params against the declarations before
//! anything runs: unknown params and bad types (caught while reading the sources), required
//! params, and the ranges the connection and fetch settings accept. Secret values are never
//! printed.

use std::process::ExitCode;

use chrono::Utc;
use clap::{Args, Subcommand};
use serde_json::Value;

use super::UsageError;
use super::instance::{DEFAULT_INSTANCE, InstanceArgs};
use super::params::env_var_name;
use crate::commands::connection;
use crate::commands::fetch::settings::FetchSettings;
use crate::commands::params::{PARAMS, with_defaults};
use crate::host::cli::println_stdout;

/// What `helloworld config` does.
#[derive(Debug, Subcommand)]
pub(super) enum ConfigAction {
    /// Validate the instance's params: types, required params and ranges.
    Check(CheckArgs),
}

/// The flags of `helloworld config check`.
#[derive(Debug, Args)]
pub(super) struct CheckArgs {
    #[command(flatten)]
    instance: InstanceArgs,
}

/// Runs a `config` action.
pub(super) fn run(action: &ConfigAction) -> Result<ExitCode, UsageError> {
    match action {
        ConfigAction::Check(args) => check(args),
    }
}

fn check(args: &CheckArgs) -> Result<ExitCode, UsageError> {
    let instance = args.instance.resolve()?;
    let params = with_defaults(&instance.params);
    let mut problems = Vec::new();
    for param in PARAMS.iter().filter(|param| param.required) {
        if is_empty(params.get(param.name)) {
            let hint = if param.param_type.is_secret() {
                format!(
                    "set {} or api_key_file in [instance]",
                    env_var_name(param.name)
                )
            } else {
                format!(
                    "set it in [instance.params] or with --param {}=...",
                    param.name
                )
            };
            problems.push(format!(
                "the required param `{}` ({}) is missing; {hint}",
                param.name, param.display
            ));
        }
    }
    // The ranges are the commands' own checks, so this says what a run would say.
    if problems.is_empty()
        && let Err(error) = connection::config(&params)
    {
        problems.push(error.to_string());
    }
    if let Err(error) = FetchSettings::from_params(&params, Utc::now()) {
        problems.push(error.to_string());
    }
    let name = instance.name.as_deref().unwrap_or(DEFAULT_INSTANCE);
    if !problems.is_empty() {
        return Err(UsageError::new(format!(
            "instance `{name}` is not valid:\n  {}",
            problems.join("\n  ")
        )));
    }
    println_stdout(&format!(
        "instance `{name}` is valid; state at {}",
        args.instance.state_path(&instance).display()
    ));
    for param in PARAMS {
        let Some(value) = params
            .get(param.name)
            .filter(|value| !is_empty(Some(value)))
        else {
            continue;
        };
        let shown = if param.param_type.is_secret() {
            "******** (set)".to_owned()
        } else {
            match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            }
        };
        println_stdout(&format!("  {} = {shown}", param.name));
    }
    Ok(ExitCode::SUCCESS)
}

fn is_empty(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(text)) => text.trim().is_empty(),
        Some(Value::Object(credentials)) => credentials
            .get("password")
            .and_then(Value::as_str)
            .is_none_or(|text| text.trim().is_empty()),
        Some(_) => false,
    }
}
