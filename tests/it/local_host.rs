//! The local host end to end, as processes: instances from a config file, `config check`, the
//! state database shared by `run`, `fetch`, `incidents` and `context`, concurrent context
//! writers, kill -9 during a drain, and broken or old state files. The database is read back
//! with rusqlite where the test needs the raw truth.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use helloworld::host::store::schema::MIGRATIONS;
use helloworld::sim::SimConfig;
use serde_json::Value;

use crate::fetch_reliability::mirror_ids;
use crate::support::{Run, Sim, helloworld, run_with, temp_dir};

/// Runs `helloworld args...` against `state`, with the API key in the environment.
fn with_state(state: &Path, api_key: &str, args: &[&str]) -> Run {
    run_with(
        helloworld()
            .args(args)
            .arg("--state")
            .arg(state)
            .env("HELLOWORLD_API_KEY", api_key),
    )
}

/// The JSON a run printed on stdout; the run must have exited 0.
pub(crate) fn json_output(run: &Run) -> Value {
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// Asserts that `run` exited with `status` and that its stderr says `text`.
pub(crate) fn assert_failed_with(run: &Run, status: i32, text: &str) {
    assert_eq!(run.status, Some(status), "{}", run.stderr);
    assert!(run.stderr.contains(text), "{}", run.stderr);
}

/// A simulator seeded with `seed` and a backlog of `alerts`.
async fn sim(alerts: u64, seed: u64) -> Sim {
    Sim::start(SimConfig {
        alerts,
        ..SimConfig::new(seed)
    })
    .await
}

/// A state file `<name>.sqlite` in a new folder `<label>`, with the simulator's URL and API key:
/// what a test moves into its blocking task.
fn fresh_state(sim: &Sim, label: &str, name: &str) -> (PathBuf, String, String) {
    let state = temp_dir(label).join(format!("{name}.sqlite"));
    (state, sim.running.url.clone(), sim.running.api_key.clone())
}

/// The source ids in the incidents table, in commit order, read with SQLite directly.
fn stored_source_ids(state: &Path) -> Vec<String> {
    let connection = rusqlite::Connection::open(state).unwrap();
    let mut statement = connection
        .prepare("SELECT source_id FROM incidents ORDER BY seq")
        .unwrap();
    statement
        .query_map([], |row| row.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The ids of the simulator's ACTIVE alerts: what fetching with the default filters must yield.
async fn active_ids(sim: &Sim) -> BTreeSet<String> {
    sim.ground("/_sim/alerts").await["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|alert| alert["status"] == "ACTIVE")
        .map(|alert| alert["id"].as_str().unwrap().to_owned())
        .collect()
}

/// `helloworld fetch --every <every>` on `state` against `url`, with its stdout to read.
fn spawn_fetch(
    url: &str,
    api_key: &str,
    every: &str,
    state: &Path,
) -> (
    std::process::Child,
    std::io::BufReader<std::process::ChildStdout>,
) {
    let mut child = helloworld()
        .args([
            "fetch",
            "--every",
            every,
            "-p",
            &format!("url={url}"),
            "--state",
        ])
        .arg(state)
        .env("HELLOWORLD_API_KEY", api_key)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let reader = std::io::BufReader::new(child.stdout.take().unwrap());
    (child, reader)
}

/// Sends the child a Ctrl-C (SIGINT).
fn interrupt(child: &std::process::Child) {
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

fn write_config(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("instance.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn config_check_names_the_param_that_is_wrong_and_never_prints_the_key() {
    let dir = temp_dir("config");
    std::fs::write(dir.join("key.txt"), "SECRET-KEY-42\n").unwrap();
    let check = |text: &str| {
        let config = write_config(&dir, text);
        run_with(
            helloworld()
                .args(["config", "check", "--config"])
                .arg(config),
        )
    };
    let ok = check(
        "[instance]\nname = \"lab\"\napi_key_file = \"key.txt\"\n[instance.params]\nurl = \"http://127.0.0.1:9\"\nmax_fetch = 50\n",
    );
    assert_eq!(ok.status, Some(0), "{}", ok.stderr);
    assert!(
        ok.stdout.contains("instance `lab` is valid"),
        "{}",
        ok.stdout
    );
    assert!(ok.stdout.contains("api_key = ******** (set)"));
    assert!(!ok.stdout.contains("SECRET-KEY-42") && !ok.stderr.contains("SECRET-KEY-42"));

    let missing = check("[instance]\nname = \"lab\"\n[instance.params]\nmax_fetch = 5\n");
    assert_failed_with(&missing, 2, "the required param `url`");
    assert!(missing.stderr.contains("the required param `api_key`"));
    assert!(missing.stderr.contains("HELLOWORLD_API_KEY"));

    let bad_type = check(
        "[instance]\napi_key_file = \"key.txt\"\n[instance.params]\nurl = \"http://x\"\nproxy = \"maybe\"\n",
    );
    assert_failed_with(&bad_type, 2, "param `proxy` is a checkbox");

    let unknown = check("[instance]\n[instance.params]\ncolour = \"red\"\n");
    assert_failed_with(&unknown, 2, "there is no param `colour`");

    let range = check(
        "[instance]\napi_key_file = \"key.txt\"\n[instance.params]\nurl = \"http://x\"\nmax_fetch = 500\n",
    );
    assert_failed_with(&range, 2, "the max_fetch param is 500");

    let literal = check("[instance]\n[instance.params]\napi_key = \"SECRET-KEY-42\"\n");
    assert_failed_with(&literal, 2, "`api_key` is a secret");
    assert!(!literal.stderr.contains("SECRET-KEY-42"));
}

#[tokio::test(flavor = "multi_thread")]
async fn two_runs_continue_from_each_other_and_the_state_lists_them() {
    let sim = sim(30, 91).await;
    let active = active_ids(&sim).await;
    let dir = temp_dir("runs");
    let config = write_config(
        &dir,
        &format!(
            "[instance]\nname = \"lab\"\n[instance.params]\nurl = \"{}\"\nmax_fetch = 5\nfirst_fetch = \"30 days\"\n",
            sim.running.url
        ),
    );
    let state = dir.join("lab.sqlite");
    let key = sim.running.api_key.clone();
    let (first, second, listed, context) = tokio::task::spawn_blocking(move || {
        let fetch = |state: &Path| {
            with_state(
                state,
                &key,
                &[
                    "run",
                    "fetch-incidents",
                    "--json",
                    "--config",
                    config.to_str().unwrap(),
                ],
            )
        };
        let first = fetch(&state);
        let second = fetch(&state);
        let listed = with_state(&state, &key, &["incidents", "--json"]);
        let context = with_state(&state, &key, &["context", "--json"]);
        (first, second, listed, context)
    })
    .await
    .unwrap();
    let mut fetched = Vec::new();
    for run in [&first, &second] {
        let document = json_output(run);
        fetched.extend(mirror_ids(document["incidents"].as_array().unwrap()));
    }
    assert_eq!(fetched.len(), 10, "5 then the next 5");
    assert_eq!(
        fetched.iter().collect::<BTreeSet<_>>().len(),
        10,
        "no alert twice"
    );
    assert!(fetched.iter().all(|id| active.contains(id)));

    let listed = json_output(&listed);
    let listed_ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|stored| stored["source_id"].as_str().unwrap())
        .collect();
    assert_eq!(listed_ids, fetched);
    let runs: BTreeSet<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|stored| stored["run_id"].as_str().unwrap())
        .collect();
    assert_eq!(runs.len(), 2, "each run has its id");

    let context = json_output(&context);
    // The runs cached a token; it is in the state, and masked when shown.
    assert!(context["context"]["access_token"].is_string(), "{context}");
    assert!(
        !context["context"]["access_token"]
            .as_str()
            .unwrap()
            .starts_with("ey")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_context_writers_lose_nothing() {
    // Two processes each set 150 keys, one compare-and-set write per key, while a loop of
    // command runs caches the access token in the same context (tokens live one second, so
    // later runs refresh it). No write may wipe another's keys.
    let sim = Sim::start(SimConfig {
        alerts: 5,
        token_ttl_seconds: 1,
        ..SimConfig::new(92)
    })
    .await;
    let (state, url, key) = fresh_state(&sim, "context", "shared");
    let results = tokio::task::spawn_blocking(move || {
        let setters: Vec<std::thread::JoinHandle<Run>> = ["a", "b"]
            .into_iter()
            .map(|prefix| {
                let (state, key) = (state.clone(), key.clone());
                std::thread::spawn(move || {
                    let mut command = helloworld();
                    command.arg("context").arg("--state").arg(&state);
                    for n in 0..150 {
                        command.arg("--set").arg(format!("{prefix}{n}=v{n}"));
                    }
                    run_with(command.env("HELLOWORLD_API_KEY", key))
                })
            })
            .collect();
        let search = || {
            with_state(
                &state,
                &key,
                &[
                    "run",
                    "helloworld-search-alerts",
                    "max_results=1",
                    "-p",
                    &format!("url={url}"),
                ],
            )
        };
        let mut refreshes: Vec<Run> = (0..8).map(|_| search()).collect();
        let setters: Vec<Run> = setters
            .into_iter()
            .map(|handle| handle.join().unwrap())
            .collect();
        // A token write that stayed contended is skipped (the next run caches one), so one run
        // after the setters leaves a token for certain.
        refreshes.push(search());
        let shown = with_state(&state, &key, &["context", "--json"]);
        (setters, refreshes, shown)
    })
    .await
    .unwrap();
    let (setters, refreshes, shown) = results;
    for run in setters.iter().chain(&refreshes) {
        assert_eq!(run.status, Some(0), "{}", run.stderr);
    }
    let shown: Value = serde_json::from_str(&shown.stdout).unwrap();
    let context = shown["context"].as_object().unwrap();
    for prefix in ["a", "b"] {
        for n in 0..150 {
            assert_eq!(
                context[&format!("{prefix}{n}")],
                format!("v{n}"),
                "{prefix}{n} was lost"
            );
        }
    }
    assert!(
        context.contains_key("access_token"),
        "the token writer's key survived too"
    );
    assert!(shown["version"].as_i64().unwrap() >= 301);
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_during_a_drain_then_restart_ends_with_the_ground_truth_once() {
    let sim = sim(8000, 93).await;
    let truth = active_ids(&sim).await;
    let (state, url, key) = fresh_state(&sim, "kill", "drain");
    let truth_len = truth.len();
    let (mid_drain, last) = tokio::task::spawn_blocking(move || {
        let fetch = || {
            let mut command = helloworld();
            command
                .args(["fetch", "--every", "0s", "-p", &format!("url={url}")])
                .args(["-p", "max_fetch=50", "-p", "first_fetch=30 days", "--state"])
                .arg(&state)
                .env("HELLOWORLD_API_KEY", &key);
            command
        };
        let mut random = fastrand::Rng::with_seed(93);
        // Kill at random points until six kills have landed mid-drain (some runs committed,
        // the backlog not done), in a bounded loop; each restart continues from the state.
        let mut mid_drain = 0;
        for _ in 0..40 {
            let mut child = fetch()
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_millis(random.u64(5..300)));
            // kill() is SIGKILL on Unix: no destructor, no rollback, no goodbye.
            let was_running = child.try_wait().unwrap().is_none();
            child.kill().unwrap();
            let _ = child.wait();
            let stored = if state.exists() {
                stored_source_ids(&state).len()
            } else {
                0
            };
            if was_running && stored > 0 && stored < truth_len {
                mid_drain += 1;
                if mid_drain == 6 {
                    break;
                }
            }
        }
        let last = run_with(&mut fetch());
        (mid_drain, (last, state))
    })
    .await
    .unwrap();
    let (last, state) = last;
    assert!(mid_drain > 0, "no kill landed mid-drain");
    assert_eq!(last.status, Some(0), "{}", last.stderr);
    let last_line = last.stdout.lines().last().unwrap_or_default();
    assert!(
        last_line.contains(": 0 incident(s) created"),
        "a drain stops at the first empty run: {last_line}"
    );
    let stored = stored_source_ids(&state);
    let unique: BTreeSet<String> = stored.iter().cloned().collect();
    assert_eq!(stored.len(), unique.len(), "no incident was created twice");
    assert_eq!(unique, truth, "the incidents table is the ground truth");
}

#[tokio::test(flavor = "multi_thread")]
async fn runs_bounds_a_drain_and_since_filters_the_listing() {
    let sim = sim(100, 95).await;
    let (state, url, key) = fresh_state(&sim, "runs-bound", "bounded");
    let (fetched, recent, future) = tokio::task::spawn_blocking(move || {
        let url = format!("url={url}");
        let fetched = with_state(
            &state,
            &key,
            &[
                "fetch",
                "--every",
                "0s",
                "--runs",
                "2",
                "-p",
                &url,
                "-p",
                "max_fetch=7",
            ],
        );
        let recent = with_state(&state, &key, &["incidents", "--json", "--since", "1 hour"]);
        let future = with_state(
            &state,
            &key,
            &["incidents", "--json", "--since", "2999-01-01T00:00:00Z"],
        );
        (fetched, recent, future)
    })
    .await
    .unwrap();
    assert_eq!(fetched.status, Some(0), "{}", fetched.stderr);
    let lines: Vec<&str> = fetched.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[1].starts_with("run 2: 7 incident(s) created, cursor 20"),
        "{}",
        lines[1]
    );
    let recent: Value = serde_json::from_str(&recent.stdout).unwrap();
    assert_eq!(recent.as_array().unwrap().len(), 14);
    let future: Value = serde_json::from_str(&future.stdout).unwrap();
    assert_eq!(future, serde_json::json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_finishes_the_current_run_and_stops() {
    let sim = sim(30, 94).await;
    let (state, url, key) = fresh_state(&sim, "ctrl-c", "interval");
    let (status, lines, state) = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        let (mut child, mut reader) = spawn_fetch(&url, &key, "1m", &state);
        let mut lines = Vec::new();
        let mut first = String::new();
        reader.read_line(&mut first).unwrap();
        lines.push(first);
        // The first run is committed and the loop waits a minute: Ctrl-C ends the wait.
        interrupt(&child);
        lines.extend(reader.lines().map(Result::unwrap));
        (child.wait().unwrap(), lines, state)
    })
    .await
    .unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(lines.len(), 1, "one run, then stopped: {lines:?}");
    assert!(
        lines[0].starts_with("run 1: 10 incident(s) created, cursor "),
        "{}",
        lines[0]
    );
    assert_eq!(stored_source_ids(&state).len(), 10);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_ctrl_c_aborts_the_run_in_flight_without_committing_it() {
    // Every vendor request takes a second, so the second run is still waiting for the vendor
    // when both Ctrl-Cs arrive.
    let sim = Sim::start(SimConfig {
        alerts: 30,
        latency_ms: 1000,
        ..SimConfig::new(96)
    })
    .await;
    let (state, url, key) = fresh_state(&sim, "ctrl-c-twice", "abort");
    let (status, lines, state) = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        let (mut child, mut reader) = spawn_fetch(&url, &key, "0s", &state);
        let mut first = String::new();
        reader.read_line(&mut first).unwrap();
        interrupt(&child);
        // Let the first one be handled (the process listens again afterwards).
        std::thread::sleep(Duration::from_millis(100));
        interrupt(&child);
        let mut lines = vec![first];
        lines.extend(reader.lines().map(Result::unwrap));
        (child.wait().unwrap(), lines, state)
    })
    .await
    .unwrap();
    assert_eq!(status.code(), Some(130), "aborted: {lines:?}");
    assert_eq!(lines.len(), 1, "run 2 printed nothing: {lines:?}");
    assert!(
        lines[0].starts_with("run 1: 10 incident(s) created"),
        "{}",
        lines[0]
    );
    assert_eq!(
        stored_source_ids(&state).len(),
        10,
        "only run 1 is committed"
    );
}

#[test]
fn a_missing_or_corrupt_state_file_gets_a_clear_error_and_a_hint() {
    let dir = temp_dir("broken");
    let missing = with_state(&dir.join("nowhere.sqlite"), "k", &["incidents"]);
    assert_failed_with(&missing, 2, "there is no state database at");
    assert!(missing.stderr.contains("Hint: run `helloworld fetch`"));

    let corrupt = dir.join("corrupt.sqlite");
    std::fs::write(
        &corrupt,
        "this is not a database, it is a shopping list ".repeat(200),
    )
    .unwrap();
    for args in [
        &["incidents"][..],
        &["run", "helloworld-say-hello", "name=x"],
    ] {
        let run = with_state(&corrupt, "k", args);
        assert_failed_with(&run, 2, "is corrupt or not a helloworld state file");
        assert!(run.stderr.contains("Hint: move it aside"));
    }
}

#[test]
fn an_old_schema_is_migrated_and_keeps_its_data() {
    let dir = temp_dir("migrate");
    let state = dir.join("old.sqlite");
    {
        // A file as the first schema version left it, with one incident and a last_run.
        let connection = rusqlite::Connection::open(&state).unwrap();
        connection.execute_batch(MIGRATIONS[0]).unwrap();
        connection.pragma_update(None, "user_version", 1).unwrap();
        connection
            .execute(
                "INSERT INTO incidents (source_id, run_id, created_at, incident) VALUES ('HW-1', 'old-run', '2024-01-01T00:00:00.000Z', '{\"name\":\"old\"}')",
                [],
            )
            .unwrap();
    }
    let listed = json_output(&with_state(&state, "k", &["incidents", "--json"]));
    assert_eq!(listed[0]["source_id"], "HW-1");
    assert_eq!(listed[0]["incident"]["name"], "old");
    let connection = rusqlite::Connection::open(&state).unwrap();
    let version: i64 = connection
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(usize::try_from(version).unwrap(), MIGRATIONS.len());
    let logs: i64 = connection
        .query_row("SELECT count(*) FROM log", [], |row| row.get(0))
        .unwrap();
    assert_eq!(logs, 0, "the log table of migration 2 exists");
}
