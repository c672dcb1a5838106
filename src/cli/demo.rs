//! `helloworld demo`: the whole integration on loopback in one command. It starts the simulator
//! in-process on a free port and runs the integration's commands against it, printing what a SOC
//! analyst would see in the war room, with a temporary state database. Each command that lands
//! adds a step to [`TOUR`]. Then a few seconds of push ingestion (`demo_push`), and last, it
//! writes the content pack to a temporary folder and lists it.

use std::process::ExitCode;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::UsageError;
use super::run::runtime;
use super::run::{Polling, follow};
use crate::host::cli::println_stdout;
use crate::host::cli::{CliHost, Display};
use crate::host::store::StateStore;
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
        // A fresh state database per demo, so running it twice starts fresh; steps share it as
        // an instance's runs do.
        let state_path = std::env::temp_dir().join(format!(
            "helloworld-demo-{}.sqlite",
            uuid::Uuid::new_v4().simple()
        ));
        let store = Arc::new(
            StateStore::open(&state_path).map_err(|error| UsageError::new(error.to_string()))?,
        );
        let mut failed = false;
        let mut fetched = false;
        for (command, args) in TOUR {
            failed |= !step(command, args, &params, &store, fetched).await;
            fetched |= *command == "fetch-incidents";
        }
        drop(store);
        failed |= !super::demo_push::push_ingestion(&state_path, &running.api_key).await;
        failed |= !pack_step();
        for suffix in ["", "-wal", "-shm"] {
            let mut file = state_path.clone().into_os_string();
            file.push(suffix);
            // Best effort: a leftover file in the temp folder harms nothing.
            let _ = std::fs::remove_file(file);
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

/// Runs one step with the demo's state; returns whether it succeeded.
async fn step(
    command: &str,
    args: &[(&str, &str)],
    params: &Map<String, Value>,
    store: &Arc<StateStore>,
    fetched_before: bool,
) -> bool {
    let typed: Vec<String> = args
        .iter()
        .map(|(name, value)| format!("{name}=\"{value}\""))
        .collect();
    match (command, fetched_before) {
        ("fetch-incidents", false) => {
            println_stdout("$ (XSOAR's scheduler) fetch-incidents, max_fetch=5")
        }
        ("fetch-incidents", true) => {
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
    let host = match CliHost::new(CallingContext::new(command, args, params.clone()), display)
        .with_store(store.clone())
    {
        Ok(host) => host,
        Err(error) => {
            eprintln!("cannot read the demo's state database: {error}");
            return false;
        }
    };
    // Polled steps are followed as XSOAR would, but every second instead of every 30.
    let polling = Polling {
        follow: true,
        interval: Some(1),
    };
    let (status, recording) = follow(host, params.clone(), polling).await;
    println_stdout("");
    status == RunStatus::Ok && !recording.entries.iter().any(crate::xsoar::Entry::is_error)
}

/// Writes the content pack into a temporary folder, kept for upload, and lists it.
fn pack_step() -> bool {
    let out = std::env::temp_dir().join(format!(
        "helloworld-demo-pack-{}",
        uuid::Uuid::new_v4().simple()
    ));
    println_stdout(&format!("$ helloworld pack --out {}", out.display()));
    match super::pack::write(&out, false) {
        Ok(written) => {
            println_stdout(&format!(
                "wrote {} files to {}:",
                written.files.len(),
                written.folder.display()
            ));
            println_stdout(super::pack::by_folder(&written).trim_end());
            println_stdout(&format!(
                "(upload it to XSOAR with: demisto-sdk upload -i {})\n",
                written.folder.display()
            ));
            true
        }
        Err(error) => {
            eprintln!("the pack could not be written: {error}");
            false
        }
    }
}
