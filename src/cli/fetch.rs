//! `helloworld fetch`: XSOAR's fetch interval on this machine. Each run is `fetch-incidents`
//! through the CLI host with the instance's state database, which commits the run's incidents
//! and last_run in one transaction; between runs the loop waits `--every`, or, with `--every 0s`,
//! goes straight on until a run finds nothing (draining a backlog).

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::Args;
use serde_json::{Map, Value};
use tokio::sync::Notify;

use super::instance::InstanceArgs;
use super::run::runtime;
use super::{EXIT_COMMAND_FAILED, UsageError};
use crate::commands::execute;
use crate::host::cli::{CliHost, Display, println_stdout};
use crate::host::{CallingContext, RunStatus};

/// Exit status after a second Ctrl-C, as shells report SIGINT.
const EXIT_ABORTED: i32 = 130;

/// The flags of `helloworld fetch`.
#[derive(Debug, Args)]
pub(super) struct FetchArgs {
    #[command(flatten)]
    instance: InstanceArgs,
    /// Time between runs, such as 30s, 1m, 2h. 0s runs back to back and stops at the first
    /// empty run.
    #[arg(long, value_name = "DURATION", default_value = "1m", value_parser = parse_every)]
    every: Duration,
    /// Stop after this many runs.
    #[arg(long, value_name = "N")]
    runs: Option<u64>,
    /// Also print log lines on stderr.
    #[arg(short, long)]
    verbose: bool,
}

/// `30s`, `1m`, `2h` or a bare number of seconds.
fn parse_every(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration; write it as 30s, 1m or 2h"))?;
    let seconds = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => {
            return Err(format!(
                "`{text}` has an unknown unit; use s, m or h (30s, 1m, 2h)"
            ));
        }
    };
    Ok(Duration::from_secs(number.saturating_mul(seconds)))
}

/// Runs the fetch loop; exit 0 when it ends cleanly, 1 when a drain stopped at a failed run.
pub(super) fn run(args: &FetchArgs) -> Result<ExitCode, UsageError> {
    let instance = args.instance.resolve()?;
    let store = args.instance.open_state(&instance)?;
    let runtime = runtime()?;
    runtime.block_on(async {
        let stop = Arc::new(Stop::default());
        tokio::spawn(watch_ctrl_c(stop.clone()));
        let mut failed = false;
        let mut run = 0_u64;
        let mut progress = Progress::new(args.every.is_zero());
        while args.runs.is_none_or(|runs| run < runs) {
            run += 1;
            let mut calling =
                CallingContext::new("fetch-incidents", Map::new(), instance.params.clone());
            if let Some(name) = &instance.name {
                calling.instance.clone_from(name);
            }
            let display = Display {
                live: false,
                verbose: args.verbose,
                files_dir: ".".into(),
            };
            let host = CliHost::new(calling, display)
                .with_store(store.clone())
                .map_err(|error| {
                    UsageError::new(format!("cannot read the state database: {error}"))
                })?;
            let started = Instant::now();
            let status = execute(&host).await;
            let recording = host.recording();
            let created = recording.incidents.as_ref().map_or(0, Vec::len);
            let cursor = recording
                .last_run
                .as_ref()
                .and_then(|last_run| last_run.get("newest_time"))
                .and_then(Value::as_str)
                .unwrap_or("none yet")
                .to_owned();
            let problem = match &status {
                RunStatus::Ok => None,
                RunStatus::Exception(message) => Some(message.clone()),
                RunStatus::Error => Some(
                    recording
                        .entries
                        .iter()
                        .filter(|entry| entry.is_error())
                        .map(|entry| entry.display_text().trim_end().to_owned())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            };
            progress.clear();
            match &problem {
                None => println_stdout(&format!(
                    "run {run}: {created} incident(s) created, cursor {cursor}, {} ms",
                    started.elapsed().as_millis()
                )),
                Some(message) => {
                    println_stdout(&format!(
                        "run {run}: failed, nothing committed, cursor {cursor}, {} ms",
                        started.elapsed().as_millis()
                    ));
                    eprintln!("{message}");
                }
            }
            failed = problem.is_some();
            progress.show(run, created);
            let drain = args.every.is_zero();
            if stop.requested() || (drain && (failed || created == 0)) {
                break;
            }
            if !drain && args.runs.is_none_or(|runs| run < runs) {
                tokio::select! {
                    () = tokio::time::sleep(args.every) => {}
                    () = stop.notify.notified() => break,
                }
            }
        }
        progress.clear();
        Ok(if failed {
            ExitCode::from(EXIT_COMMAND_FAILED)
        } else {
            ExitCode::SUCCESS
        })
    })
}

/// While a backlog drains on a terminal, a status line on stderr under the run lines: runs and
/// incidents so far. Off when stderr is not a terminal, so logs and pipes get only the lines.
struct Progress {
    on: bool,
    incidents: usize,
}

impl Progress {
    fn new(drain: bool) -> Self {
        use std::io::IsTerminal;
        Self {
            on: drain && std::io::stderr().is_terminal(),
            incidents: 0,
        }
    }

    fn show(&mut self, runs: u64, created: usize) {
        self.incidents += created;
        if self.on {
            eprint!(
                "draining: {} incident(s) in {runs} run(s)...\r",
                self.incidents
            );
        }
    }

    /// Erases the status line (ANSI erase-line), so the next run line starts clean.
    fn clear(&self) {
        if self.on {
            eprint!("\x1b[2K\r");
        }
    }
}

/// The first Ctrl-C asks the loop to stop after the current run.
#[derive(Default)]
struct Stop {
    requested: AtomicBool,
    notify: Notify,
}

impl Stop {
    fn requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }
}

async fn watch_ctrl_c(stop: Arc<Stop>) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    stop.requested.store(true, Ordering::SeqCst);
    stop.notify.notify_one();
    eprintln!(
        "finishing the current run, then stopping (Ctrl-C again aborts it without committing)"
    );
    if tokio::signal::ctrl_c().await.is_ok() {
        // The run's commit is one synchronous transaction, so this task can only run between
        // awaits, never inside the commit: exiting here leaves the run uncommitted.
        eprintln!("aborted: the current run is not committed");
        std::process::exit(EXIT_ABORTED);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_written() {
        assert_eq!(parse_every("0s"), Ok(Duration::ZERO));
        assert_eq!(parse_every("1m"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_every("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_every("45"), Ok(Duration::from_secs(45)));
        assert!(parse_every("1d").unwrap_err().contains("unknown unit"));
        assert!(parse_every("soon").unwrap_err().contains("not a duration"));
    }
}
