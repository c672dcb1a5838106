//! `helloworld demo`: the whole integration on loopback in one command. It starts the simulator
//! in-process on a free port and runs the integration's commands against it, printing what a SOC
//! analyst would see in the war room. Each command that lands adds a step to [`TOUR`].

use std::process::ExitCode;

use serde_json::{Map, Value, json};

use super::UsageError;
use super::run::runtime;
use super::run::{Polling, follow};
use crate::host::cli::println_stdout;
use crate::host::cli::{CliHost, Display};
use crate::host::{CallingContext, RunStatus};
use crate::sim::{self, SimConfig};

/// The id the demo's created alert gets: the simulator numbers alerts after its backlog.
const DEMO_ALERT: &str = "HW-000000000501";
/// Seconds the demo's scan runs (the demo polls it every second).
const DEMO_SCAN_SECONDS: i64 = 2;

/// The tour: each step is a command and its arguments, run in order. Steps share the instance's
/// last_run, as XSOAR's scheduled fetches do.
const TOUR: &[(&str, &[(&str, &str)])] = &[
    ("test-module", &[]),
    ("helloworld-say-hello", &[("name", "SOC analyst")]),
    ("ip", &[("ip", "8.8.8.8,2001:4860:4860::8888,10.0.0.1")]),
    ("domain", &[("domain", "helloworld.io")]),
    (
        "url",
        &[("url", "https://login-update.helloworld.io/verify")],
    ),
    ("fetch-incidents", &[]),
    ("fetch-incidents", &[]),
    (
        "helloworld-search-alerts",
        &[("severity", "Critical"), ("max_results", "3")],
    ),
    (
        "helloworld-create-alert",
        &[
            ("name", "Suspicious login"),
            ("severity", "High"),
            ("alert_type", "Attack"),
            ("affected_user", "jdoe"),
        ],
    ),
    (
        "helloworld-update-alert",
        &[
            ("alert_id", DEMO_ALERT),
            ("status", "CLOSED"),
            ("assignee", "soc-analyst"),
        ],
    ),
    (
        "helloworld-add-alert-note",
        &[
            ("alert_id", DEMO_ALERT),
            ("note", "False positive: VPN login"),
        ],
    ),
    ("helloworld-list-alert-notes", &[("alert_id", DEMO_ALERT)]),
    ("helloworld-delete-alert", &[("alert_id", DEMO_ALERT)]),
    (
        "helloworld-scan-start",
        &[("hostname", "ws-042.corp.example"), ("polling", "true")],
    ),
];

/// Starts the simulator, runs the tour, stops the simulator.
pub(super) fn run() -> Result<ExitCode, UsageError> {
    runtime()?.block_on(async {
        let config = SimConfig {
            alerts: 500,
            scan_seconds: DEMO_SCAN_SECONDS,
            ..SimConfig::new(1)
        };
        let running = sim::start(config)
            .await
            .map_err(|error| UsageError::new(format!("the simulator cannot listen: {error}")))?;
        println_stdout(&format!(
            "HelloWorld demo: the vendor API simulator is serving {}",
            running.url
        ));
        println_stdout(
            "(the same commands run in XSOAR through the bridge; here they run on this machine)\n",
        );
        let mut params = Map::new();
        params.insert("url".into(), json!(running.url));
        params.insert("api_key".into(), json!(running.api_key));
        params.insert("max_fetch".into(), json!("5"));
        let mut failed = false;
        let mut last_run = None;
        for (command, args) in TOUR {
            let (ok, next_last_run) = step(command, args, &params, last_run.take()).await;
            failed |= !ok;
            last_run = next_last_run;
        }
        running
            .stop()
            .await
            .map_err(|error| UsageError::new(format!("the simulator did not stop: {error}")))?;
        Ok(if failed {
            ExitCode::from(super::EXIT_COMMAND_FAILED)
        } else {
            ExitCode::SUCCESS
        })
    })
}

/// Runs one step from `last_run`; returns whether it succeeded and the last_run it left.
async fn step(
    command: &str,
    args: &[(&str, &str)],
    params: &Map<String, Value>,
    last_run: Option<Value>,
) -> (bool, Option<Value>) {
    let typed: Vec<String> = args
        .iter()
        .map(|(name, value)| format!("{name}=\"{value}\""))
        .collect();
    match (command, &last_run) {
        ("fetch-incidents", None) => {
            println_stdout("$ (XSOAR's scheduler) fetch-incidents, max_fetch=5")
        }
        ("fetch-incidents", Some(_)) => {
            println_stdout(
                "$ (XSOAR's scheduler) fetch-incidents again: it continues from the last run, so no alert comes twice",
            );
        }
        _ => println_stdout(format!("$ !{command} {}", typed.join(" ")).trim_end()),
    }
    let args: Map<String, Value> = args
        .iter()
        .map(|(name, value)| ((*name).to_owned(), json!(value)))
        .collect();
    let display = Display {
        live: true,
        verbose: false,
        files_dir: std::env::temp_dir(),
    };
    let mut host = CliHost::new(CallingContext::new(command, args, params.clone()), display);
    if let Some(last_run) = last_run.clone() {
        host = host.with_last_run(last_run);
    }
    // Polled steps are followed as XSOAR would, but every second instead of every 30.
    let polling = Polling {
        follow: true,
        interval: Some(1),
    };
    let (status, recording) = follow(host, params.clone(), polling).await;
    println_stdout("");
    let ok =
        status == RunStatus::Ok && !recording.entries.iter().any(crate::xsoar::Entry::is_error);
    (ok, recording.last_run.or(last_run))
}
