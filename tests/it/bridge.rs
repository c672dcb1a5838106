//! The Python bridge (`bridge/helloworld_bridge.py`) run by a real `python3` against a fake
//! `demisto` (`tests/bridge/demistomock.py`) that records every call: the real binary for a
//! command, a fetch, the token cache and polling (against the simulator), and small fake
//! binaries for what the real one should never do: crash, print garbage, stay silent, speak
//! another protocol version, or hold a long-running session of many requests.
//!
//! Silence is tested without waiting long: the handshake timeout is shortened through
//! `HELLOWORLD_BRIDGE_HELLO_TIMEOUT`, and the wait for `done` is bounded by the calling
//! context's `TimeoutDuration`, which a test sets to one second.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use helloworld::sim::SimConfig;
use serde_json::{Value, json};

use crate::support::{Sim, json_keys};

/// The real binary Cargo built for these tests.
const BINARY: &str = env!("CARGO_BIN_EXE_helloworld");

/// A fresh directory under the system temp dir, removed when dropped.
struct Workdir(PathBuf);

impl Workdir {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let path =
            std::env::temp_dir().join(format!("helloworld-bridge-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    /// Writes an executable script: a fake `helloworld` binary.
    fn fake_binary(&self, name: &str, script: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }
}

impl Drop for Workdir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One run of the bridge: how python exited, what it printed on stderr, and the fake
/// `demisto`'s record of every call.
struct BridgeRun {
    status: Option<i32>,
    stderr: String,
    record: Value,
}

impl BridgeRun {
    /// The `Contents` of the one entry of the one `demisto.results` call: the bridge's error.
    fn only_error(&self) -> &str {
        let results = self.record["results"].as_array().unwrap();
        assert_eq!(results.len(), 1, "one results call: {results:?}");
        let entry = &results[0];
        assert_eq!(entry["Type"], 4, "an error entry: {entry}");
        assert_eq!(entry["ContentsFormat"], "text");
        assert_eq!(entry["EntryContext"], Value::Null);
        entry["Contents"].as_str().unwrap()
    }

    /// The arguments of every call to `name` that the fake `demisto` keeps a list of.
    fn calls(&self, name: &str) -> &Vec<Value> {
        self.record[name].as_array().unwrap()
    }

    /// Fails unless python exited 0; shows its stderr when it did not.
    fn assert_ok(&self) {
        assert_eq!(self.status, Some(0), "{}", self.stderr);
    }

    /// Fails unless `name` was never called; shows the whole record when it was.
    fn assert_no_calls(&self, name: &str) {
        assert!(self.calls(name).is_empty(), "{name}: {}", self.record);
    }

    /// `next` given the integration context (and its version) this run left behind, as XSOAR
    /// hands it to the next run.
    fn context_into(&self, mut next: Value) -> Value {
        next["integrationContext"] = self.record["final"]["integrationContext"].clone();
        next["integrationContextVersion"] = self.record["final"]["version"].clone();
        next
    }
}

/// The fake `demisto` state for `command`, with XSOAR's calling context.
fn state(command: &str, args: Value, params: Value) -> Value {
    let mut state = json!({
        "command": command,
        "callingContext": {"context": {
            "IntegrationBrand": "HelloWorld", "IntegrationInstance": "HelloWorld_instance_1",
            "Inv": {"id": "42"}, "IsDebug": false, "ParentEntry": null
        }},
    });
    state["args"] = args;
    state["params"] = params;
    state
}

/// `state` with the fake `demisto`'s `behaviours` (see `tests/bridge/demistomock.py`).
fn behaving(mut state: Value, behaviours: Value) -> Value {
    state["behaviours"] = behaviours;
    state
}

/// `helloworld-say-hello` without args or params: the command the fake binaries are given.
fn say_hello() -> Value {
    state("helloworld-say-hello", json!({}), json!({}))
}

/// `python3`, which the bridge needs; its absence fails the test, never skips it.
fn python3() -> Command {
    let found = Command::new("python3").arg("--version").output();
    assert!(
        found.is_ok_and(|output| output.status.success()),
        "python3 is not on PATH: the bridge tests run bridge/helloworld_bridge.py with it \
         (.ci/run installs it)"
    );
    Command::new("python3")
}

/// Runs the bridge in a fresh directory with `state`, `binary` and extra `env`.
fn run_bridge(state: &Value, binary: &Path, env: &[(&str, &str)]) -> BridgeRun {
    let dir = Workdir::new();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (state_path, record_path) = (dir.0.join("state.json"), dir.0.join("record.json"));
    std::fs::write(&state_path, state.to_string()).unwrap();
    let mut command = python3();
    for (name, _) in std::env::vars() {
        if name.starts_with("HELLOWORLD_") {
            command.env_remove(name);
        }
    }
    let output = command
        .arg(manifest.join("bridge/helloworld_bridge.py"))
        .current_dir(&dir.0)
        .env("PYTHONPATH", manifest.join("tests/bridge"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("HELLOWORLD_BINARY", binary)
        .env("FAKE_DEMISTO_STATE", &state_path)
        .env("FAKE_DEMISTO_RECORD", &record_path)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let record = std::fs::read_to_string(&record_path)
        .unwrap_or_else(|error| panic!("no record ({error}); python said:\n{stderr}"));
    BridgeRun {
        status: output.status.code(),
        stderr,
        record: serde_json::from_str(&record).unwrap(),
    }
}

/// Runs the bridge with the real binary.
fn run_real(state: &Value) -> BridgeRun {
    run_bridge(state, Path::new(BINARY), &[])
}

/// Runs the bridge with `script` as a fake binary called `name`, in a directory of its own.
fn run_fake(name: &str, script: &str, state: &Value, env: &[(&str, &str)]) -> BridgeRun {
    let dir = Workdir::new();
    run_bridge(state, &dir.fake_binary(name, script), env)
}

/// The bridge's one error entry when a fake binary `name` of `script` is given `say_hello()`.
fn fake_error(name: &str, script: &str, env: &[(&str, &str)]) -> String {
    run_fake(name, script, &say_hello(), env)
        .only_error()
        .to_owned()
}

/// Fails unless `text` contains every one of `parts`; shows the text when it does not.
fn assert_contains(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "no {part:?} in:\n{text}");
    }
}

/// Runs blocking bridge runs off the runtime that serves the simulator.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(work).await.unwrap()
}

/// A simulator with a small backlog, and the params that point an instance at it.
async fn sim_and_params() -> (Sim, Value) {
    let sim = Sim::start(SimConfig {
        alerts: 20,
        ..SimConfig::new(23)
    })
    .await;
    let params = json!({"url": sim.running.url, "api_key": sim.running.api_key, "max_fetch": "5"});
    (sim, params)
}

// ---------------------------------------------------------------------------------------------
// The real binary through the bridge.
// ---------------------------------------------------------------------------------------------

#[test]
fn say_hello_reaches_demisto_results_as_the_exact_entry() {
    let run = run_real(&state(
        "helloworld-say-hello",
        json!({"name": "Dbot"}),
        json!({}),
    ));
    run.assert_ok();
    assert_eq!(
        run.record["results"],
        json!([[{
            "Type": 1, "ContentsFormat": "text", "Contents": "Hello Dbot", "HumanReadable": "## Hello Dbot",
            "EntryContext": {"hello": "Hello Dbot"}, "IndicatorTimeline": [], "IgnoreAutoExtract": false,
            "Note": false, "Relationships": []
        }]])
    );
    assert_eq!(
        run.calls("logs")[0],
        json!({"level": "debug", "message": "Command being called is helloworld-say-hello"})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn fetch_sends_incidents_and_sets_last_run_then_the_next_run_continues() {
    let (_sim, params) = sim_and_params().await;
    let (first, second) = blocking(move || {
        let first = run_real(&state("fetch-incidents", json!({}), params.clone()));
        let mut next = first.context_into(state("fetch-incidents", json!({}), params));
        next["lastRun"] = first.calls("setLastRun")[0].clone();
        (first, run_real(&next))
    })
    .await;

    let mut fetched = Vec::new();
    for run in [&first, &second] {
        run.assert_ok();
        run.assert_no_calls("results");
        let batches = run.calls("incidents");
        assert_eq!(batches.len(), 1, "one demisto.incidents call");
        let incidents = batches[0].as_array().unwrap();
        assert_eq!(incidents.len(), 5);
        for incident in incidents {
            let keys: BTreeSet<&str> = json_keys(incident).into_iter().collect();
            let expected = [
                "name",
                "occurred",
                "rawJSON",
                "severity",
                "dbotMirrorId",
                "details",
            ];
            assert_eq!(keys, BTreeSet::from(expected));
            fetched.push(incident["dbotMirrorId"].as_str().unwrap().to_owned());
        }
        let last_runs = run.calls("setLastRun");
        assert_eq!(last_runs.len(), 1);
        assert_eq!(last_runs[0]["version"], 1);
        assert_eq!(
            run.record["final"]["lastRun"], last_runs[0],
            "the fake kept it"
        );
    }
    let distinct: BTreeSet<&String> = fetched.iter().collect();
    assert_eq!(distinct.len(), 10, "the second run continued: {fetched:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_is_cached_in_the_integration_context_and_reused_by_the_next_run() {
    let (_sim, params) = sim_and_params().await;
    let (first, second) = blocking(move || {
        let first = run_real(&state("ip", json!({"ip": "8.8.8.8"}), params.clone()));
        let next = first.context_into(state("ip", json!({"ip": "8.8.8.8"}), params));
        (first, run_real(&next))
    })
    .await;

    for run in [&first, &second] {
        run.assert_ok();
        assert_eq!(run.calls("results")[0][0]["Type"], 1, "{}", run.record);
    }
    let writes = first.calls("setIntegrationContextVersioned");
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0]["accepted"], true);
    assert_eq!(writes[0]["sync"], true);
    assert!(writes[0]["context"]["access_token"].is_string());
    assert!(writes[0]["context"]["valid_until"].is_string());
    assert!(
        second.calls("setIntegrationContextVersioned").is_empty(),
        "the cached token was reused: {}",
        second.record
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_version_conflict_reaches_the_binary_which_reads_again_and_retries() {
    let (_sim, params) = sim_and_params().await;
    let ip = state("ip", json!({"ip": "8.8.8.8"}), params);
    let conflicted = behaving(ip.clone(), json!({"contextConflicts": 1}));
    let unversioned = behaving(ip, json!({"unversionedContext": true}));
    let (conflicted, unversioned) =
        blocking(move || (run_real(&conflicted), run_real(&unversioned))).await;

    conflicted.assert_ok();
    let writes = conflicted.calls("setIntegrationContextVersioned");
    let accepted: Vec<&Value> = writes.iter().map(|write| &write["accepted"]).collect();
    assert_eq!(accepted, [false, true], "{writes:?}");
    assert_eq!(conflicted.calls("results")[0][0]["Type"], 1);

    // A server without the versioned calls: the bridge reads the plain context, version -1.
    unversioned.assert_ok();
    let writes = unversioned.calls("setIntegrationContext");
    assert_eq!(writes.len(), 1, "{}", unversioned.record);
    assert!(writes[0]["access_token"].is_string());
    assert_eq!(
        unversioned.record["final"]["integrationContext"], writes[0],
        "the fake kept it"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn scan_start_with_polling_returns_a_scheduled_entry() {
    let (_sim, params) = sim_and_params().await;
    let args = json!({"hostname": "h", "polling": "true"});
    let run = blocking(move || run_real(&state("helloworld-scan-start", args, params))).await;
    run.assert_ok();
    let entry = &run.calls("results")[0][0];
    assert_eq!(entry["PollingCommand"], "helloworld-scan-start", "{entry}");
    assert!(entry["NextRun"].is_string(), "{entry}");
    assert!(entry["Timeout"].is_string(), "{entry}");
    assert!(entry["PollingArgs"]["scan_id"].is_string(), "{entry}");
}

#[test]
fn a_failed_server_run_command_raises_and_writes_no_entry() {
    let run = run_real(&state("fetch-incidents", json!({}), json!({})));
    assert_ne!(run.status, Some(0));
    assert!(
        run.stderr
            .contains("Exception: Failed to execute fetch-incidents command."),
        "{}",
        run.stderr
    );
    run.assert_no_calls("results");
    run.assert_no_calls("incidents");
}

// ---------------------------------------------------------------------------------------------
// Fake binaries: what the real one should never do, and a long-running session.
// ---------------------------------------------------------------------------------------------

const HELLO: &str = r#"{"type":"hello","protocol":1,"binary":"fake"}"#;

/// A shell script that says hello, writes to stderr and exits 3 without `done`.
fn crashing() -> String {
    format!(
        "#!/bin/sh\necho '{HELLO}'\necho 'starting' >&2\necho 'boom with secret SECRETKEY123' >&2\nexit 3\n"
    )
}

#[test]
fn a_crash_is_one_error_entry_with_the_exit_status_and_the_masked_stderr_tail() {
    let params = json!({"url": "http://x", "api_key": "SECRETKEY123"});
    let say_hello = state("helloworld-say-hello", json!({"name": "x"}), params);
    let run = run_fake("crashing", &crashing(), &say_hello, &[]);
    run.assert_ok();
    let error = run.only_error();
    assert_contains(error, &["before sending `done`", "exit status 3"]);
    assert!(
        error.ends_with("starting\nboom with secret <XX_REPLACED>"),
        "{error}"
    );
    assert!(!error.contains("SECRETKEY123"), "{error}");
}

#[test]
fn a_crash_of_a_server_run_command_raises_with_the_same_message() {
    let credentials = json!({"identifier": "me", "password": "SECRETKEY123"});
    let fetch = state(
        "fetch-incidents",
        json!({}),
        json!({"credentials": credentials}),
    );
    let run = run_fake("crashing", &crashing(), &fetch, &[]);
    assert_ne!(run.status, Some(0));
    run.assert_no_calls("results");
    assert_contains(
        &run.stderr,
        &["exit status 3", "boom with secret <XX_REPLACED>"],
    );
    assert!(!run.stderr.contains("SECRETKEY123"), "{}", run.stderr);
}

#[test]
fn garbage_instead_of_hello_is_a_clear_error() {
    let error = fake_error("garbage", "#!/bin/sh\necho 'Segmentation fault'\n", &[]);
    assert!(
        error.contains("printed a line that is not a JSON object: 'Segmentation fault'"),
        "{error}"
    );
}

#[test]
fn a_missing_binary_is_a_clear_error() {
    let run = run_bridge(&say_hello(), Path::new("/nonexistent/helloworld"), &[]);
    let error = run.only_error();
    assert!(
        error.starts_with("Cannot start the helloworld binary at /nonexistent/helloworld"),
        "{error}"
    );
    assert!(error.contains("HELLOWORLD_BINARY"), "{error}");
}

#[test]
fn silence_before_hello_ends_at_the_handshake_timeout() {
    let error = fake_error(
        "silent",
        "#!/bin/sh\nexec sleep 600\n",
        &[("HELLOWORLD_BRIDGE_HELLO_TIMEOUT", "1")],
    );
    assert_contains(
        &error,
        &["did not send `hello` within", "The bridge stopped it"],
    );
}

#[test]
fn hello_then_exit_without_done_is_an_error() {
    let error = fake_error("quitter", &format!("#!/bin/sh\necho '{HELLO}'\n"), &[]);
    assert!(
        error.contains("closed its output before sending `done`. It ended with exit status 0."),
        "{error}"
    );
    assert!(error.ends_with("Its stderr was empty."), "{error}");
}

#[test]
fn hello_then_silence_ends_before_the_xsoar_timeout() {
    let script = format!("#!/bin/sh\necho '{HELLO}'\necho 'waiting forever' >&2\nexec sleep 600\n");
    let mut stuck = say_hello();
    stuck["callingContext"]["context"]["TimeoutDuration"] = json!(1_000_000_000_u64);
    let run = run_fake("stuck", &script, &stuck, &[]);
    let error = run.only_error();
    assert_contains(
        error,
        &["did not send `done` within", "The bridge stopped it"],
    );
    assert!(error.ends_with("waiting forever"), "{error}");
}

#[test]
fn a_chatty_stderr_cannot_block_the_binary_and_its_tail_goes_to_debug() {
    // A megabyte of stderr before hello: far more than a pipe holds, so it must be drained.
    let script = format!(
        "#!/bin/sh\nseq 1 100000 | sed 's/^/noise /' >&2\necho '{HELLO}'\nread start\n\
         echo '{{\"type\":\"done\",\"status\":\"ok\"}}'\n"
    );
    let run = run_fake("chatty", &script, &say_hello(), &[]);
    run.assert_ok();
    run.assert_no_calls("results");
    let logs = run.calls("logs");
    let last = logs.last().unwrap()["message"].as_str().unwrap();
    assert!(
        last.starts_with("helloworld stderr:\nnoise 99981\n"),
        "{last}"
    );
    assert!(last.ends_with("\nnoise 100000"), "{last}");
}

#[test]
fn a_binary_of_another_protocol_version_is_refused_naming_both_versions() {
    let script = "#!/bin/sh\necho '{\"type\":\"hello\",\"protocol\":2,\"binary\":\"helloworld 9.0.0\"}'\nread line\n";
    let error = fake_error("future", script, &[]);
    assert!(
        error.contains(
            "version mismatch: the binary (helloworld 9.0.0) speaks host protocol 2, \
             this bridge speaks host protocol 1"
        ),
        "{error}"
    );
}

/// A fake binary holding a long-running session: 50 `createIncidents` requests with health
/// updates between them, an `addEntry`, a request and a message of unknown types, then every
/// reply it got as a `results` entry, and `done`. It exits 1 on a reply for the wrong request.
const LONG_RUNNING: &str = r#"#!/usr/bin/env python3
import json, sys

def send(message):
    print(json.dumps(message), flush=True)

def request(seq, message):
    send(dict(message, seq=seq))
    reply = json.loads(sys.stdin.readline())
    if reply.get("seq") != seq:
        sys.exit(f"expected the reply to {seq}, got {reply}")
    return reply

send({"type": "hello", "protocol": 1, "binary": "fake"})
start = json.loads(sys.stdin.readline())
replies = []
for n in range(1, 51):
    incident = {"name": f"alert {n}", "rawJSON": "{}"}
    replies.append(request(n, {"type": "createIncidents", "incidents": [incident], "last_run": {"n": n}}))
    if n % 10 == 0:
        send({"type": "updateModuleHealth", "message": f"{n} alerts", "is_error": False})
entry = {"Type": 1, "ContentsFormat": "text", "Contents": "note"}
replies.append(request(51, {"type": "addEntry", "investigation_id": "7", "entry": entry}))
replies.append(request(52, {"type": "teleport"}))
send({"type": "sparkle"})
send({"type": "results", "entries": [{"Type": 1, "ContentsFormat": "json", "Contents": {"start": start, "replies": replies}}]})
send({"type": "done", "status": "ok"})
"#;

#[test]
fn a_long_running_session_serves_every_request_in_order() {
    let params = json!({"longRunning": true, "longRunningPort": "8000"});
    let long_running = state("long-running-execution", json!({}), params.clone());
    let run = run_fake("long-running", LONG_RUNNING, &long_running, &[]);
    run.assert_ok();

    let created = run.calls("createIncidents");
    assert_eq!(created.len(), 50);
    for (n, call) in (1..).zip(created) {
        assert_eq!(call["incidents"][0]["name"], format!("alert {n}"));
        assert_eq!(call["lastRun"], json!({"n": n}));
    }
    let health = run.calls("updateModuleHealth");
    assert_eq!(health.len(), 5);
    assert_eq!(
        health[4],
        json!({"message": "50 alerts", "is_error": false})
    );
    assert_eq!(
        run.calls("addEntry"),
        &vec![
            json!({"id": "7", "entry": {"Type": 1, "ContentsFormat": "text", "Contents": "note"}})
        ]
    );
    assert!(
        run.calls("logs")
            .iter()
            .any(|log| log["message"].as_str().unwrap().contains("'sparkle'")),
        "{}",
        run.record
    );

    let seen = &run.calls("results")[0][0]["Contents"];
    assert_eq!(seen["start"]["type"], "start");
    assert_eq!(seen["start"]["protocol"], 1);
    assert_eq!(seen["start"]["command"], "long-running-execution");
    assert_eq!(seen["start"]["params"], params);
    assert_eq!(seen["start"]["context"]["Inv"]["id"], "42");
    let replies = seen["replies"].as_array().unwrap();
    assert_eq!(replies.len(), 52);
    for (n, reply) in (1..=50).zip(replies) {
        let name = format!("alert {n}");
        assert_eq!(
            reply,
            &json!({"seq": n, "result": [{"id": n.to_string(), "name": name}]})
        );
    }
    assert_eq!(replies[50], json!({"seq": 51, "result": null}));
    assert_eq!(replies[51]["seq"], 52);
    assert!(
        replies[51]["error"]
            .as_str()
            .unwrap()
            .starts_with("unknown request type 'teleport'"),
        "{}",
        replies[51]
    );
}

#[test]
fn an_exception_from_demisto_is_an_error_reply_with_its_text() {
    let failing = behaving(
        state("long-running-execution", json!({}), json!({})),
        json!({"failCreateIncidents": "quota exceeded"}),
    );
    let run = run_fake("long-running", LONG_RUNNING, &failing, &[]);
    run.assert_ok();
    let replies = &run.calls("results")[0][0]["Contents"]["replies"];
    assert_eq!(replies[0], json!({"seq": 1, "error": "quota exceeded"}));
    assert_eq!(replies[49], json!({"seq": 50, "error": "quota exceeded"}));
}

/// A long-running fake binary that hangs (one heartbeat, then silence) on its first start,
/// crashes on its second, and on its third creates an incident and ends the job.
const FLAKY_LONG_RUNNING: &str = r#"#!/usr/bin/env python3
import json, os, sys, time

def send(message):
    print(json.dumps(message), flush=True)

runs = int(open("runs").read()) if os.path.exists("runs") else 0
open("runs", "w").write(str(runs + 1))
send({"type": "hello", "protocol": 1, "binary": "fake"})
sys.stdin.readline()
send({"type": "heartbeat"})
if runs == 0:
    time.sleep(60)
if runs == 1:
    print("crashing on purpose", file=sys.stderr)
    sys.exit(5)
send({"type": "createIncidents", "seq": 1, "incidents": [{"name": "after the restarts"}], "last_run": None})
sys.stdin.readline()
send({"type": "done", "status": "ok"})
"#;

#[test]
fn a_hung_or_crashed_long_running_binary_is_reported_and_started_again() {
    let run = run_fake(
        "flaky",
        FLAKY_LONG_RUNNING,
        &state("long-running-execution", json!({}), json!({})),
        &[
            ("HELLOWORLD_BRIDGE_HEARTBEAT_TIMEOUT", "1"),
            ("HELLOWORLD_BRIDGE_RESTART_BACKOFF", "0.1"),
        ],
    );
    run.assert_ok();
    let health = run.calls("updateModuleHealth");
    assert_eq!(health.len(), 2, "{health:?}");
    let hung = health[0]["message"].as_str().unwrap();
    assert_contains(
        hung,
        &[
            "did not send `done` or a heartbeat within 1 s",
            "The bridge stopped it",
            "Starting it again in 0.1 s",
        ],
    );
    let crashed = health[1]["message"].as_str().unwrap();
    assert_contains(
        crashed,
        &[
            "exit status 5",
            "crashing on purpose",
            "Starting it again in 0.2 s",
        ],
    );
    assert!(health.iter().all(|call| call["is_error"] == json!(true)));
    assert_eq!(
        run.calls("createIncidents")[0]["incidents"][0]["name"],
        "after the restarts"
    );
    run.assert_no_calls("results");
}
