//! The demo's push ingestion: `helloworld long-running` as a child process on a free port, a
//! second simulator pushing new alerts to it as signed webhooks for a few seconds, then SIGTERM
//! (which drains and exits) and a count of the incidents it created against the alerts pushed.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::{SecondsFormat, Utc};

use crate::host::cli::println_stdout;
use crate::host::store::StateStore;
use crate::sim::{self, SimConfig, Webhook};

/// How long the simulator pushes.
const PUSH_SECONDS: u64 = 3;
/// New alerts per second it pushes.
const PUSH_RATE: f64 = 10.0;

/// Runs the push segment against the demo's state database; whether it went as expected.
pub(super) async fn push_ingestion(state_path: &Path, api_key: &str) -> bool {
    match run(state_path, api_key).await {
        Ok(()) => true,
        Err(error) => {
            eprintln!("push ingestion: {error}");
            false
        }
    }
}

async fn run(state_path: &Path, api_key: &str) -> Result<(), String> {
    let port = free_port()?;
    let secret = uuid::Uuid::new_v4().simple().to_string();
    let since = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    println_stdout(&format!(
        "$ helloworld long-running -p longRunningPort={port}   (XSOAR starts this container for a long-running instance)"
    ));
    let mut listener = Listener(spawn_listener(state_path, port, api_key, &secret)?);
    let url = format!("http://127.0.0.1:{port}");
    wait_until_healthy(&url).await?;
    let pusher = sim::start(SimConfig {
        alerts: 0,
        rate: PUSH_RATE,
        webhook: Some(Webhook {
            url: format!("{url}/"),
            secret,
        }),
        ..SimConfig::new(2)
    })
    .await
    .map_err(|error| format!("the pushing simulator cannot listen: {error}"))?;
    println_stdout(&format!(
        "the vendor pushes {PUSH_RATE} new alerts/s, signed, for {PUSH_SECONDS} s..."
    ));
    tokio::time::sleep(Duration::from_secs(PUSH_SECONDS)).await;
    let truth = ground_truth(&pusher.url).await;
    pusher
        .stop()
        .await
        .map_err(|error| format!("the pushing simulator did not stop: {error}"))?;
    listener.terminate().await?;
    let store = StateStore::open(state_path).map_err(|error| error.to_string())?;
    let incidents = store
        .incidents(Some(&since))
        .map_err(|error| error.to_string())?;
    let distinct: std::collections::HashSet<_> = incidents
        .iter()
        .map(|incident| &incident.source_id)
        .collect();
    println_stdout(&format!(
        "{} alert(s) pushed, {} of them ACTIVE (the default filter); {} incident(s) created as they arrived, {} duplicate(s)",
        truth.0,
        truth.1,
        incidents.len(),
        incidents.len() - distinct.len()
    ));
    for incident in incidents.iter().take(3) {
        println_stdout(&format!(
            "  {}  {}",
            incident.source_id.as_deref().unwrap_or("-"),
            incident.incident["name"].as_str().unwrap_or_default()
        ));
    }
    println_stdout("");
    Ok(())
}

/// A port free right now (the listener retries if another process takes it first).
fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|socket| socket.local_addr())
        .map(|address| address.port())
        .map_err(|error| format!("no free port: {error}"))
}

fn spawn_listener(state: &Path, port: u16, api_key: &str, secret: &str) -> Result<Child, String> {
    let exe = std::env::current_exe().map_err(|error| format!("cannot find myself: {error}"))?;
    Command::new(exe)
        .arg("long-running")
        .arg("--state")
        .arg(state)
        .args(["-p", "url=http://127.0.0.1:9"])
        .args(["-p", &format!("longRunningPort={port}")])
        .env("HELLOWORLD_API_KEY", api_key)
        .env("HELLOWORLD_WEBHOOK_SECRET", secret)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| format!("cannot start the listener: {error}"))
}

/// The listener process, killed if the demo ends before it stopped.
struct Listener(Child);

impl Listener {
    /// SIGTERM, as XSOAR stops a container, then waits for the drain.
    async fn terminate(&mut self) -> Result<(), String> {
        let sent = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status()
            .is_ok_and(|status| status.success());
        for _ in 0..200 {
            match self.0.try_wait() {
                Ok(Some(status)) if sent && status.success() => return Ok(()),
                Ok(Some(status)) => return Err(format!("the listener ended with {status}")),
                Ok(None) => tokio::time::sleep(Duration::from_millis(50)).await,
                Err(error) => return Err(error.to_string()),
            }
        }
        Err("the listener did not stop within 10 s of SIGTERM".to_owned())
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

async fn wait_until_healthy(url: &str) -> Result<(), String> {
    let http = reqwest::Client::new();
    for _ in 0..200 {
        let health = http.get(format!("{url}/health")).send().await;
        if health.is_ok_and(|response| response.status().is_success()) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!(
        "the listener did not answer {url}/health within 10 s"
    ))
}

/// How many alerts the simulator generated, and how many of them are ACTIVE.
async fn ground_truth(url: &str) -> (usize, usize) {
    let answer: Option<serde_json::Value> = match reqwest::get(format!("{url}/_sim/alerts")).await {
        Ok(response) => response.json().await.ok(),
        Err(_) => None,
    };
    let alerts = answer
        .as_ref()
        .and_then(|answer| answer["alerts"].as_array())
        .cloned()
        .unwrap_or_default();
    let active = alerts
        .iter()
        .filter(|alert| alert["status"] == "ACTIVE")
        .count();
    (alerts.len(), active)
}
