//! `helloworld demo`: the whole integration on loopback in one command. It starts the simulator
//! in-process on a free port and runs the integration's commands against it, printing what a SOC
//! analyst would see in the war room. Each command that lands adds a step to [`TOUR`].

use std::process::ExitCode;

use serde_json::{Map, Value, json};

use super::UsageError;
use super::run::runtime;
use crate::commands::execute;
use crate::host::cli::{CliHost, Display};
use crate::host::{CallingContext, RunStatus};
use crate::sim::{self, SimConfig};

/// The tour: each step is a command and its arguments, run in order.
const TOUR: &[(&str, &[(&str, &str)])] = &[("helloworld-say-hello", &[("name", "SOC analyst")])];

/// Starts the simulator, runs the tour, stops the simulator.
pub(super) fn run() -> Result<ExitCode, UsageError> {
    runtime()?.block_on(async {
        let config = SimConfig {
            alerts: 500,
            ..SimConfig::new(1)
        };
        let running = sim::start(config)
            .await
            .map_err(|error| UsageError::new(format!("the simulator cannot listen: {error}")))?;
        println!(
            "HelloWorld demo: the vendor API simulator is serving {}",
            running.url
        );
        println!(
            "(the same commands run in XSOAR through the bridge; here they run on this machine)\n"
        );
        let mut params = Map::new();
        params.insert("url".into(), json!(running.url));
        params.insert("api_key".into(), json!(running.api_key));
        let mut failed = false;
        for (command, args) in TOUR {
            failed |= !step(command, args, &params).await;
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

async fn step(command: &str, args: &[(&str, &str)], params: &Map<String, Value>) -> bool {
    let typed: Vec<String> = args
        .iter()
        .map(|(name, value)| format!("{name}=\"{value}\""))
        .collect();
    println!("$ !{command} {}", typed.join(" "));
    let args: Map<String, Value> = args
        .iter()
        .map(|(name, value)| ((*name).to_owned(), json!(value)))
        .collect();
    let display = Display {
        live: true,
        verbose: false,
        files_dir: std::env::temp_dir(),
    };
    let host = CliHost::new(CallingContext::new(command, args, params.clone()), display);
    let status = execute(&host).await;
    println!();
    status == RunStatus::Ok
}
