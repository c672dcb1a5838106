//! `fetch-incidents`: every alert exactly once. [`settings`] checks the params, [`state`] is the
//! cursor kept in last_run, [`run`] is one run as a pure function, [`incident`] the incident
//! shape. This file wires them to the host: read last_run, run, then commit incidents and the new
//! last_run together, or neither when anything failed (see `Host::commit_fetch` for the order).
//!
//! # Guarantee
//! An alert that becomes visible at most `look_back` minutes after its creation time is fetched
//! exactly once, across runs and process crashes, given that incidents and last_run are committed
//! together (XSOAR keeps the old last_run when a fetch fails). An alert that becomes visible later
//! is not fetched; the run that finds it logs a `missed late alert(s)` warning naming it, and
//! last_run's `missed_late` counts all of them.

pub mod incident;
pub mod run;
pub mod settings;
pub mod state;

use chrono::Utc;

use super::connection::client;
use super::{Call, Command, CommandError, HandlerFuture};
use crate::client::ClientError;
use crate::host::LogLevel;
use crate::xsoar::spec::CommandSpec;

use settings::FetchSettings;
use state::FetchState;

/// The declaration and body of `fetch-incidents`.
pub(super) const FETCH_INCIDENTS: Command = Command {
    spec: CommandSpec::new(
        "fetch-incidents",
        "Fetches new alerts as incidents: each alert once, oldest first, at most max_fetch per run.",
    ),
    run: fetch_incidents,
};

fn fetch_incidents(call: Call<'_>) -> HandlerFuture<'_> {
    Box::pin(async move {
        let now = Utc::now();
        let settings = FetchSettings::from_params(&call.params, now)?;
        let last_run = call.host.last_run()?;
        let state = FetchState::from_last_run(&last_run).map_err(|problem| {
            CommandError::Config(format!(
                "{problem}. This last run was not written by this integration version; reset it (\"Reset the last run\" in the instance settings) to start again from first_fetch"
            ))
        })?;
        let client = client(&call)?;
        let outcome = run::fetch(&client, &settings, &state, now)
            .await
            .map_err(|error| fetch_failed(&error))?;
        for warning in &outcome.report.warnings {
            call.host
                .log(LogLevel::Error, &format!("fetch-incidents: {warning}"));
        }
        let next_last_run = outcome.next.as_ref().map(FetchState::to_last_run);
        call.host
            .commit_fetch(&outcome.incidents, next_last_run.as_ref())?;
        let report = &outcome.report;
        call.host.log(
            LogLevel::Info,
            &format!(
                "fetch-incidents: {} incident(s) from {} page(s) starting {}; {} already fetched skipped, {} late arrival(s) within look_back{}",
                outcome.incidents.len(),
                report.pages,
                report.window_start,
                report.skipped_seen,
                report.late_rescued,
                if report.budget_exhausted { "; stopped at the time budget, the next run continues" } else { "" }
            ),
        );
        Ok(Vec::new())
    })
}

/// A failed run writes nothing, so XSOAR keeps the old last_run; the message says so.
fn fetch_failed(error: &ClientError) -> CommandError {
    CommandError::Config(format!(
        "{error}. Nothing was fetched and the last run is unchanged; the next run retries from the same point"
    ))
}
