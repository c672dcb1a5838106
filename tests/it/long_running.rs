//! `long-running-execution` as a process (`helloworld run long-running-execution` with the
//! local host), pushed to over real HTTP on loopback: signed pushes become incidents in the state
//! database, refusals create nothing, retries create no duplicates, a panicking handler and a
//! stalled host do not stop it, SIGTERM drains and exits, and a soak run loses nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use helloworld::sim::{SIGNATURE_HEADER, signature};
use serde_json::{Value, json};

use crate::support::{Sim, helloworld, temp_dir};

const SECRET: &str = "long-running-webhook-secret";

/// A running listener and where it keeps its state.
struct Listener {
    child: Child,
    url: String,
    state: PathBuf,
    dir: PathBuf,
    http: reqwest::Client,
}

fn free_port() -> u16 {
    let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    socket.local_addr().unwrap().port()
}

impl Listener {
    /// `helloworld run long-running-execution` with `params` and `env`.
    async fn start(label: &str, env: &[(&str, &str)], params: &[&str]) -> Self {
        Self::start_as(&["run", "long-running-execution"], label, env, params).await
    }

    async fn start_as(mode: &[&str], label: &str, env: &[(&str, &str)], params: &[&str]) -> Self {
        let dir = temp_dir(label);
        let state = dir.join("state.db");
        let port = free_port();
        let mut command = helloworld();
        command
            .args(mode)
            .arg("--state")
            .arg(&state)
            .args(["-p", "url=http://127.0.0.1:9"])
            .args(["-p", &format!("longRunningPort={port}")])
            .args(["-p", &format!("webhook_secret={SECRET}")])
            .env("HELLOWORLD_API_KEY", "test-api-key")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(dir.join("stdout")).unwrap())
            .stderr(std::fs::File::create(dir.join("stderr")).unwrap());
        for param in params {
            command.args(["-p", param]);
        }
        for (name, value) in env {
            command.env(name, value);
        }
        let listener = Self {
            child: command.spawn().unwrap(),
            url: format!("http://127.0.0.1:{port}"),
            state,
            dir,
            http: reqwest::Client::new(),
        };
        for _ in 0..400 {
            let health = listener
                .http
                .get(format!("{}/health", listener.url))
                .send()
                .await;
            if health.is_ok_and(|response| response.status() == 200) {
                return listener;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the listener did not answer /health: {}", listener.stderr());
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.join("stderr")).unwrap_or_default()
    }

    /// POSTs `body` signed with `secret` (unsigned when `None`); the status and JSON answer.
    async fn push_signed(&self, body: &str, secret: Option<&str>) -> (u16, Value) {
        let mut request = self
            .http
            .post(format!("{}/", self.url))
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(secret) = secret {
            request = request.header(SIGNATURE_HEADER, signature(secret, body.as_bytes()));
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn push(&self, body: &Value) -> (u16, Value) {
        self.push_signed(&body.to_string(), Some(SECRET)).await
    }

    /// Sends SIGTERM and waits (bounded) for the exit; the exit code.
    fn terminate(mut self) -> (Option<i32>, String, PathBuf) {
        let killed = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        for _ in 0..400 {
            if let Some(status) = self.child.try_wait().unwrap() {
                let stderr = self.stderr();
                return (status.code(), stderr, self.state.clone());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        let _ = self.child.kill();
        panic!("no exit within 10 s of SIGTERM: {}", self.stderr());
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn alert(id: &str) -> Value {
    json!({"id": id, "name": format!("alert {id}"), "type": "Attack", "status": "ACTIVE",
        "severity": "High", "created": "2025-11-20T12:00:00Z", "description": "pushed"})
}

/// Every stored incident, by source id, with how often it was stored.
fn stored(state: &Path) -> BTreeMap<String, (usize, Value)> {
    let connection = rusqlite::Connection::open(state).unwrap();
    let mut statement = connection
        .prepare("SELECT source_id, incident FROM incidents ORDER BY seq")
        .unwrap();
    let mut found: BTreeMap<String, (usize, Value)> = BTreeMap::new();
    for row in statement
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })
        .unwrap()
    {
        let (id, incident) = row.unwrap();
        let entry = found
            .entry(id)
            .or_insert_with(|| (0, serde_json::from_str(&incident).unwrap()));
        entry.0 += 1;
    }
    found
}

/// The module health lines, oldest first, as (is_error, message).
fn health(state: &Path) -> Vec<(bool, String)> {
    let connection = rusqlite::Connection::open(state).unwrap();
    let mut statement = connection
        .prepare("SELECT kind, message FROM log WHERE kind LIKE 'health%' ORDER BY rowid")
        .unwrap();
    statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)? == "health-error",
                row.get::<_, String>(1)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test]
async fn signed_pushes_become_incidents_and_refused_ones_create_nothing() {
    let listener = Listener::start("lr-basic", &[], &[]).await;

    let (status, answer) = listener.push(&alert("HW-1")).await;
    assert_eq!((status, &answer["created"]), (200, &json!(1)), "{answer}");
    let (status, answer) = listener
        .push(&json!({"alerts": [alert("HW-2"), alert("HW-3")]}))
        .await;
    assert_eq!((status, &answer["created"]), (200, &json!(2)), "{answer}");

    let (status, answer) = listener.push(&alert("HW-1")).await;
    assert_eq!(status, 200, "a vendor retry is acknowledged");
    assert_eq!(answer["duplicates"], json!(1), "and creates nothing");

    let mut closed = alert("HW-CLOSED");
    closed["status"] = json!("CLOSED");
    let (status, answer) = listener.push(&closed).await;
    assert_eq!(
        (status, &answer["filtered"]),
        (200, &json!(1)),
        "the fetch filters apply"
    );

    let body = alert("HW-BAD").to_string();
    assert_eq!(listener.push_signed(&body, None).await.0, 401);
    assert_eq!(listener.push_signed(&body, Some("wrong")).await.0, 401);
    let huge = json!({"alerts": [alert("HW-HUGE")], "pad": "x".repeat(2 * 1024 * 1024)});
    assert_eq!(listener.push(&huge).await.0, 413);
    let (status, answer) = listener.push_signed("{\"id\": ", Some(SECRET)).await;
    assert_eq!(status, 400);
    assert!(
        answer["error"].as_str().unwrap().contains("not JSON"),
        "{answer}"
    );
    let (status, answer) = listener.push(&json!({"id": "HW-X"})).await;
    assert_eq!(status, 400);
    assert!(
        answer["error"].as_str().unwrap().contains("missing field"),
        "{answer}"
    );

    let (code, stderr, state) = listener.terminate();
    assert_eq!(code, Some(0), "SIGTERM is a clean exit: {stderr}");
    assert!(!stderr.contains(SECRET), "the secret is never printed");
    let incidents = stored(&state);
    assert_eq!(
        incidents.keys().collect::<Vec<_>>(),
        ["HW-1", "HW-2", "HW-3"],
        "exactly the accepted alerts, once each"
    );
    assert!(incidents.values().all(|(count, _)| *count == 1));
    let raw = helloworld::client::Alert::from_json(alert("HW-1")).unwrap();
    assert_eq!(
        incidents["HW-1"].1,
        helloworld::commands::fetch::incident::incident(&raw, 1_763_640_000_000, 3),
        "the same incident fetch would create"
    );
    let health = health(&state);
    assert!(
        health
            .first()
            .is_some_and(|(error, message)| !error && message.contains("listening on port")),
        "{health:?}"
    );
}

#[tokio::test]
async fn a_panicking_handler_is_reported_and_the_listener_goes_on() {
    let listener = Listener::start(
        "lr-panic",
        &[("HELLOWORLD_TEST_PANIC_ALERT_ID", "HW-PANIC")],
        &[],
    )
    .await;
    assert_eq!(listener.push(&alert("HW-PANIC")).await.0, 500);
    assert_eq!(listener.push(&alert("HW-AFTER")).await.0, 200);
    let (code, stderr, state) = listener.terminate();
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stored(&state).keys().collect::<Vec<_>>(), ["HW-AFTER"]);
    let health = health(&state);
    assert!(
        health
            .iter()
            .any(|(error, message)| *error && message.contains("panicked")),
        "the panic is in module health: {health:?}"
    );
}

#[tokio::test]
async fn basic_auth_when_configured_is_required_as_well() {
    let listener = Listener::start("lr-basic-auth", &[], &["credentials=listener-password"]).await;
    let body = alert("HW-1").to_string();
    assert_eq!(listener.push_signed(&body, Some(SECRET)).await.0, 401);
    let response = listener
        .http
        .post(format!("{}/", listener.url))
        .basic_auth("", Some("listener-password"))
        .header(SIGNATURE_HEADER, signature(SECRET, body.as_bytes()))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (code, stderr, state) = listener.terminate();
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stored(&state).len(), 1);
}

/// Pushes `alert` until it is acknowledged; how many 503s it took.
async fn push_until_acknowledged(listener: &Listener, alert: &Value) -> usize {
    let mut refusals = 0;
    loop {
        match listener.push(alert).await.0 {
            200 => return refusals,
            503 => refusals += 1,
            other => panic!("unexpected status {other}"),
        }
        assert!(refusals < 100, "never acknowledged");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_stalled_host_gives_503s_then_recovers_with_no_loss_and_health_tells() {
    let listener = Listener::start("lr-stall", &[], &[]).await;
    assert_eq!(listener.push(&alert("HW-0")).await.0, 200);
    // The host stalls: another writer holds the state database for 11 s, past the store's 10 s
    // busy timeout, so the first createIncidents call fails and the next one recovers.
    let state = listener.state.clone();
    let holder = std::thread::spawn(move || {
        let connection = rusqlite::Connection::open(state).unwrap();
        connection.execute_batch("BEGIN IMMEDIATE").unwrap();
        std::thread::sleep(Duration::from_secs(11));
        connection.execute_batch("COMMIT").unwrap();
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let ids: Vec<String> = (1..=5).map(|n| format!("HW-{n}")).collect();
    let alerts: Vec<Value> = ids.iter().map(|id| alert(id)).collect();
    let pushes = alerts
        .iter()
        .map(|alert| push_until_acknowledged(&listener, alert));
    let refusals: usize = futures_util::future::join_all(pushes)
        .await
        .into_iter()
        .sum();
    holder.join().unwrap();
    assert!(refusals > 0, "a stalled host is answered with 503");
    let (code, stderr, state) = listener.terminate();
    assert_eq!(code, Some(0), "{stderr}");
    let incidents = stored(&state);
    assert_eq!(incidents.len(), 6, "nothing lost: {:?}", incidents.keys());
    assert!(
        incidents.values().all(|(count, _)| *count == 1),
        "no duplicates"
    );
}

/// A soak: single-alert pushes at a fixed rate for a fixed time, from many concurrent senders,
/// each retried until acknowledged. `HELLOWORLD_SOAK_SECONDS` and `HELLOWORLD_SOAK_RATE` scale it
/// (the full run is 60 s at 2,000/s); by default it is 3 s at 500/s so `cargo test`
/// stays quick. Every acknowledged alert must be an incident exactly once.
#[tokio::test]
async fn soak_every_acknowledged_alert_is_an_incident_exactly_once() {
    let env_number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|value| value.parse().ok())
            .unwrap_or(default)
    };
    let seconds = env_number("HELLOWORLD_SOAK_SECONDS", 3);
    let rate = env_number("HELLOWORLD_SOAK_RATE", 500);
    let listener = std::sync::Arc::new(Listener::start("lr-soak", &[], &[]).await);
    let total = seconds * rate;
    let mut ticker = tokio::time::interval(Duration::from_secs(1) / u32::try_from(rate).unwrap());
    let mut sent = Vec::new();
    for n in 0..total {
        ticker.tick().await;
        let listener = listener.clone();
        // Every fifth alert is sent twice, as a vendor retry.
        let repeat = if n % 5 == 0 { 2 } else { 1 };
        sent.push(tokio::spawn(async move {
            for _ in 0..repeat {
                push_until_acknowledged(&listener, &alert(&format!("HW-S{n}"))).await;
            }
        }));
    }
    for task in sent {
        task.await.unwrap();
    }
    let listener = std::sync::Arc::into_inner(listener).unwrap();
    let (code, stderr, state) = listener.terminate();
    assert_eq!(code, Some(0), "{stderr}");
    let incidents = stored(&state);
    assert_eq!(incidents.len() as u64, total, "every acknowledged alert");
    assert!(
        incidents.values().all(|(count, _)| *count == 1),
        "exactly once"
    );
}

#[tokio::test]
async fn the_simulator_pushes_live_alerts_into_helloworld_long_running() {
    let listener = Listener::start_as(&["long-running"], "lr-sim", &[], &[]).await;
    let sim = Sim::start(helloworld::sim::SimConfig {
        alerts: 0,
        rate: 50.0,
        webhook: Some(helloworld::sim::Webhook {
            url: format!("{}/", listener.url),
            secret: SECRET.to_owned(),
        }),
        ..helloworld::sim::SimConfig::new(11)
    })
    .await;
    let mut waited = 0;
    while stored(&listener.state).len() < 20 {
        assert!(
            waited < 400,
            "no 20 incidents within 20 s: {}",
            listener.stderr()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
        waited += 1;
    }
    let (code, stderr, state) = listener.terminate();
    assert_eq!(code, Some(0), "{stderr}");
    let truth = sim.ground("/_sim/alerts").await;
    let wanted: std::collections::BTreeSet<String> = truth["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|alert| alert["status"] == "ACTIVE")
        .map(|alert| alert["id"].as_str().unwrap().to_owned())
        .collect();
    let incidents = stored(&state);
    assert!(
        incidents.values().all(|(count, _)| *count == 1),
        "no duplicates"
    );
    assert!(
        incidents.keys().all(|id| wanted.contains(id)),
        "only the simulator's ACTIVE alerts (the default filters) became incidents"
    );
}
