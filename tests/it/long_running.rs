//! `long-running-execution` as a process (`helloworld run long-running-execution` with the
//! local host), pushed to over real HTTP on loopback: signed pushes become incidents in the state
//! database, refusals create nothing, retries create no duplicates, a panicking handler and a
//! stalled host do not stop it, SIGTERM drains and exits, and a soak run loses nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use helloworld::sim::{SIGNATURE_HEADER, signature};
use serde_json::{Value, json};

use crate::support::{Sim, helloworld, temp_dir};

pub(crate) const SECRET: &str = "long-running-webhook-secret";

/// Sends signed pushes to a listener, as the vendor does.
pub(crate) struct Pusher {
    pub(crate) http: reqwest::Client,
    pub(crate) url: String,
}

impl Pusher {
    pub(crate) fn new(port: u16) -> Self {
        Self {
            http: reqwest::Client::new(),
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    /// POSTs `body` signed with `secret` (unsigned when `None`); the status and JSON answer.
    pub(crate) async fn push_signed(&self, body: &str, secret: Option<&str>) -> (u16, Value) {
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

    pub(crate) async fn push(&self, body: &Value) -> (u16, Value) {
        self.push_signed(&body.to_string(), Some(SECRET)).await
    }

    /// Pushes `alert` until it is acknowledged, as a vendor retries; how many 503s it took.
    pub(crate) async fn push_until_acknowledged(&self, alert: &Value) -> usize {
        let mut refusals = 0;
        loop {
            match self.push(alert).await.0 {
                200 => return refusals,
                503 => refusals += 1,
                other => panic!("unexpected status {other}"),
            }
            assert!(refusals < 100, "never acknowledged");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The status answering a push that announces a 2 MiB body. It is sent over a raw socket
    /// and only its first bytes are written: the listener answers from the announced length,
    /// and a client still writing a body the server refused may see a reset instead of the 413.
    pub(crate) async fn oversized_push_status(&self) -> u16 {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let address = self.url.trim_start_matches("http://");
        let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
        let head = format!(
            "POST / HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{{\"alerts\": [",
            2 * 1024 * 1024
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        let _ =
            tokio::time::timeout(Duration::from_secs(10), socket.read_to_end(&mut answer)).await;
        let answer = String::from_utf8_lossy(&answer);
        answer
            .strip_prefix("HTTP/1.1 ")
            .and_then(|rest| rest.get(..3))
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("no HTTP answer: {answer:?}"))
    }

    /// Waits (up to 30 s, for a loaded machine) until `GET /health` answers 200.
    pub(crate) async fn wait_until_healthy(&self, stderr: impl Fn() -> String) {
        for _ in 0..1_200 {
            let health = self.http.get(format!("{}/health", self.url)).send().await;
            if health.is_ok_and(|response| response.status() == 200) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "the listener did not answer /health within 30 s: {}",
            stderr()
        );
    }
}

/// A running listener and where it keeps its state.
struct Listener {
    child: Child,
    pusher: Pusher,
    state: PathBuf,
    dir: PathBuf,
}

impl std::ops::Deref for Listener {
    type Target = Pusher;

    fn deref(&self) -> &Pusher {
        &self.pusher
    }
}

/// A free port below the kernel's ephemeral range (32768 and up), so that no outgoing
/// connection of another test can take it between this check and the listener's bind.
pub(crate) fn listen_port() -> u16 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let base = std::process::id().wrapping_mul(97);
    for _ in 0..1_000 {
        let offset = base.wrapping_add(NEXT.fetch_add(1, Ordering::SeqCst) * 13) % 12_000;
        let port = u16::try_from(20_000 + offset).unwrap();
        if std::net::TcpListener::bind(("0.0.0.0", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port between 20000 and 32000");
}

impl Listener {
    /// `helloworld run long-running-execution` with `params` and `env`.
    async fn start(label: &str, env: &[(&str, &str)], params: &[&str]) -> Self {
        Self::start_as(&["run", "long-running-execution"], label, env, params).await
    }

    async fn start_as(mode: &[&str], label: &str, env: &[(&str, &str)], params: &[&str]) -> Self {
        let listener = Self::spawn(mode, label, listen_port(), env, params);
        listener.wait_until_healthy().await;
        listener
    }

    /// Starts the process without waiting for it to listen.
    fn spawn(mode: &[&str], label: &str, port: u16, env: &[(&str, &str)], params: &[&str]) -> Self {
        let dir = temp_dir(label);
        let state = dir.join("state.db");
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
        Self {
            child: command.spawn().unwrap(),
            pusher: Pusher::new(port),
            state,
            dir,
        }
    }

    async fn wait_until_healthy(&self) {
        self.pusher.wait_until_healthy(|| self.stderr()).await;
    }

    /// Waits (up to 30 s) until `done` holds; `what` names it in the failure.
    async fn wait_for(&self, what: &str, done: impl Fn() -> bool) {
        for _ in 0..600 {
            if done() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no {what} within 30 s: {}", self.stderr());
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.join("stderr")).unwrap_or_default()
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

pub(crate) fn alert(id: &str) -> Value {
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

/// The module health lines, oldest first, as (is_error, message); none while the database or
/// its tables do not exist yet.
fn health_of(state: &Path) -> Vec<(bool, String)> {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
    let Ok(connection) = rusqlite::Connection::open_with_flags(state, flags) else {
        return Vec::new();
    };
    let Ok(mut statement) = connection
        .prepare("SELECT kind, message FROM log WHERE kind LIKE 'health%' ORDER BY rowid")
    else {
        return Vec::new();
    };
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
    assert_eq!(listener.oversized_push_status().await, 413);
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
    let health = health_of(&state);
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
    let health = health_of(&state);
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

/// The soak: single-alert pushes at 2,000/s for 60 s, from many concurrent senders, each
/// retried until acknowledged and every fifth sent twice (a vendor retry). Every acknowledged
/// alert must be an incident exactly once. The test bounds its own time: the pushing must end
/// within a minute of its schedule. `HELLOWORLD_SOAK_SECONDS` and `HELLOWORLD_SOAK_RATE` shrink
/// it for a quick local run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_every_acknowledged_alert_is_an_incident_exactly_once() {
    let env_number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|value| value.parse().ok())
            .unwrap_or(default)
    };
    let seconds = env_number("HELLOWORLD_SOAK_SECONDS", 60);
    let rate = env_number("HELLOWORLD_SOAK_RATE", 2_000);
    let listener = std::sync::Arc::new(Listener::start("lr-soak", &[], &[]).await);
    let total = seconds * rate;
    let pushing = {
        let listener = listener.clone();
        async move {
            let mut ticker =
                tokio::time::interval(Duration::from_secs(1) / u32::try_from(rate).unwrap());
            let mut sent = Vec::new();
            for n in 0..total {
                ticker.tick().await;
                let listener = listener.clone();
                let repeat = if n % 5 == 0 { 2 } else { 1 };
                sent.push(tokio::spawn(async move {
                    for _ in 0..repeat {
                        listener
                            .push_until_acknowledged(&alert(&format!("HW-S{n}")))
                            .await;
                    }
                }));
            }
            for task in sent {
                task.await.unwrap();
            }
        }
    };
    let bound = Duration::from_secs(seconds + 60);
    tokio::time::timeout(bound, pushing)
        .await
        .unwrap_or_else(|_| {
            panic!(
                "the soak of {total} pushes did not finish within {bound:?}: {}",
                listener.stderr()
            )
        });
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

/// A taken port is a failure the job reports and retries, never a reason to exit: once the
/// port is free, it listens, and module health says so.
#[tokio::test]
async fn a_taken_port_is_reported_and_retried_until_it_is_free() {
    let port = listen_port();
    let squatter = std::net::TcpListener::bind(("0.0.0.0", port)).unwrap();
    let listener = Listener::spawn(
        &["run", "long-running-execution"],
        "lr-port",
        port,
        &[],
        &[],
    );
    listener
        .wait_for("a health error", || {
            health_of(&listener.state)
                .iter()
                .any(|(error, message)| *error && message.contains("cannot listen on port"))
        })
        .await;
    drop(squatter);
    listener.wait_until_healthy().await;
    assert_eq!(listener.push(&alert("HW-1")).await.0, 200);
    let (code, stderr, state) = listener.terminate();
    assert_eq!(code, Some(0), "{stderr}");
    let health = health_of(&state);
    let recovered = health
        .iter()
        .rposition(|(error, message)| !error && message.contains("listening on port"));
    let failed = health.iter().position(|(error, _)| *error);
    assert!(
        failed < recovered,
        "an error, then the recovery: {health:?}"
    );
    assert_eq!(stored(&state).len(), 1);
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
    listener
        .wait_for("20 incidents", || stored(&listener.state).len() >= 20)
        .await;
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
