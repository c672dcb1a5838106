//! `long-running-execution` behind the host protocol (`helloworld xsoar`), with this test as
//! the bridge: module health and heartbeats arrive as messages, a bridge that stalls for 5 s
//! turns pushes into 503s and then recovers with no loss, failing createIncidents calls are
//! reported and recovered from, and closing the binary's stdin (the bridge going away) makes it
//! drain and exit cleanly.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::long_running::{Pusher, SECRET, alert, listen_port};
use crate::support::temp_dir;

/// How the fake bridge answers createIncidents, set by the test as it goes.
#[derive(Default)]
struct Behaviour {
    /// Hold every reply until then.
    stall_until: Option<Instant>,
    /// Answer this many calls with an error.
    failures_left: usize,
}

/// What the fake bridge saw.
#[derive(Default)]
struct Seen {
    /// Alert id → how many accepted createIncidents calls carried it.
    created: BTreeMap<String, usize>,
    /// (is_error, message) of every updateModuleHealth.
    health: Vec<(bool, String)>,
    heartbeats: usize,
    done: Option<Value>,
}

struct FakeBridge {
    stdin: Arc<Mutex<Option<ChildStdin>>>,
    behaviour: Arc<Mutex<Behaviour>>,
    seen: Arc<Mutex<Seen>>,
}

fn reply(stdin: &Mutex<Option<ChildStdin>>, line: &Value) {
    if let Some(stdin) = stdin.lock().unwrap().as_mut() {
        let _ = writeln!(stdin, "{line}");
    }
}

impl FakeBridge {
    /// Serves the binary's messages on a thread until its stdout ends.
    fn serve(stdout: impl BufRead + Send + 'static, stdin: ChildStdin, start: &Value) -> Self {
        let bridge = Self {
            stdin: Arc::new(Mutex::new(Some(stdin))),
            behaviour: Arc::default(),
            seen: Arc::default(),
        };
        let (stdin, behaviour, seen) = (
            bridge.stdin.clone(),
            bridge.behaviour.clone(),
            bridge.seen.clone(),
        );
        let start = start.clone();
        std::thread::spawn(move || {
            for line in stdout.lines() {
                let Ok(line) = line else { break };
                let message: Value = serde_json::from_str(&line).unwrap();
                match message["type"].as_str().unwrap_or_default() {
                    "hello" => reply(&stdin, &start),
                    "updateModuleHealth" => seen.lock().unwrap().health.push((
                        message["is_error"].as_bool().unwrap(),
                        message["message"].as_str().unwrap().to_owned(),
                    )),
                    "heartbeat" => seen.lock().unwrap().heartbeats += 1,
                    "done" => seen.lock().unwrap().done = Some(message.clone()),
                    "createIncidents" => {
                        let seq = message["seq"].clone();
                        let stall = behaviour.lock().unwrap().stall_until;
                        if let Some(until) = stall {
                            std::thread::sleep(until.saturating_duration_since(Instant::now()));
                        }
                        let fail = {
                            let mut behaviour = behaviour.lock().unwrap();
                            let fail = behaviour.failures_left > 0;
                            behaviour.failures_left = behaviour.failures_left.saturating_sub(1);
                            fail
                        };
                        if fail {
                            reply(&stdin, &json!({"seq": seq, "error": "the server is busy"}));
                            continue;
                        }
                        let mut seen = seen.lock().unwrap();
                        for incident in message["incidents"].as_array().unwrap() {
                            *seen
                                .created
                                .entry(incident["dbotMirrorId"].as_str().unwrap().to_owned())
                                .or_default() += 1;
                        }
                        drop(seen);
                        reply(&stdin, &json!({"seq": seq, "result": []}));
                    }
                    _ if message.get("seq").is_some() => {
                        reply(&stdin, &json!({"seq": message["seq"], "result": null}));
                    }
                    _ => {}
                }
            }
        });
        bridge
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_the_bridge_stalls_and_failures_recover_with_no_loss_and_closing_stdin_exits() {
    let port = listen_port();
    let dir = temp_dir("lr-bridge");
    let mut child = Command::new(env!("CARGO_BIN_EXE_helloworld"))
        .arg("xsoar")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.join("stderr")).unwrap())
        .spawn()
        .unwrap();
    let stderr = || std::fs::read_to_string(dir.join("stderr")).unwrap_or_default();
    let start = json!({
        "type": "start", "protocol": 1, "command": "long-running-execution", "args": {},
        "params": {"url": "http://127.0.0.1:9", "api_key": {"identifier": "", "password": "k"},
                   "longRunning": true, "longRunningPort": port.to_string(),
                   "webhook_secret": {"identifier": "", "password": SECRET}},
        "context": {"IntegrationBrand": "HelloWorld", "IntegrationInstance": "hw_lr"}
    });
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let bridge = FakeBridge::serve(stdout, child.stdin.take().unwrap(), &start);
    let pusher = Pusher::new(port);
    pusher.wait_until_healthy(stderr).await;
    assert_eq!(pusher.push(&alert("HW-1")).await.0, 200);

    // The bridge stalls for 5 s: pushes wait 3 s for it, get 503 and are retried until the
    // stall ends; the late write of the first is absorbed as a duplicate.
    bridge.behaviour.lock().unwrap().stall_until = Some(Instant::now() + Duration::from_secs(5));
    let stalled: Vec<Value> = (2..=6).map(|n| alert(&format!("HW-{n}"))).collect();
    let refusals: usize =
        futures_util::future::join_all(stalled.iter().map(|a| pusher.push_until_acknowledged(a)))
            .await
            .into_iter()
            .sum();
    assert!(refusals > 0, "a stalled host is answered with 503");

    // createIncidents fails twice: 503s, an error in module health, then the recovery.
    bridge.behaviour.lock().unwrap().failures_left = 2;
    assert!(pusher.push_until_acknowledged(&alert("HW-7")).await > 0);
    assert_eq!(pusher.push(&alert("HW-8")).await.0, 200);

    // The bridge goes away: the binary drains, says done and exits 0.
    drop(bridge.stdin.lock().unwrap().take());
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "no exit within 15 s: {}",
            stderr()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(status.code(), Some(0), "{}", stderr());
    assert!(
        stderr().contains("the bridge closed the pipe"),
        "{}",
        stderr()
    );
    assert!(!stderr().contains(SECRET), "the secret is never printed");
    tokio::time::sleep(Duration::from_millis(200)).await;

    let seen = bridge.seen.lock().unwrap();
    assert_eq!(seen.done.as_ref().unwrap()["status"], "ok", "a clean end");
    let wanted: Vec<String> = (1..=8).map(|n| format!("HW-{n}")).collect();
    assert_eq!(
        seen.created.keys().cloned().collect::<Vec<_>>(),
        wanted,
        "every acknowledged alert"
    );
    assert!(
        seen.created.values().all(|count| *count == 1),
        "exactly once: {:?}",
        seen.created
    );
    assert!(seen.heartbeats >= 1, "the job sends heartbeats");
    let health = &seen.health;
    assert!(
        health
            .first()
            .is_some_and(|(error, message)| !error && message.contains("listening")),
        "healthy on start: {health:?}"
    );
    let failed = health
        .iter()
        .position(|(error, message)| *error && message.contains("the server is busy"));
    let recovered = health
        .iter()
        .position(|(error, message)| !error && message.contains("recovered"));
    assert!(
        failed.is_some() && failed < recovered,
        "an error with XSOAR's reason, then the recovery: {health:?}"
    );
}
