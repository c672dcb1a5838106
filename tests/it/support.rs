//! Helpers shared by the integration tests: run the binary, capture what it prints.

use std::process::{Command, Output};

/// The `helloworld` binary Cargo built for these tests, with no HELLOWORLD_* variables
/// inherited from the machine, so each test states its own params, and a state folder of its
/// own (`XDG_STATE_HOME`), so no run shares state with another test or with the user's.
pub(crate) fn helloworld() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_helloworld"));
    for (name, _) in std::env::vars() {
        if name.starts_with("HELLOWORLD_") {
            command.env_remove(name);
        }
    }
    // Not created here: only runs that open their state make the folder.
    command.env("XDG_STATE_HOME", unique_path("state"));
    command
}

/// A path unique to this call, inside one folder per test process
/// (`$TMPDIR/helloworld-it-<pid>`), so a test run leaves one folder behind, not hundreds.
fn unique_path(label: &str) -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    std::env::temp_dir()
        .join(format!("helloworld-it-{}", std::process::id()))
        .join(format!(
            "{label}-{}",
            NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        ))
}

/// A new empty folder, unique to this call.
pub(crate) fn temp_dir(label: &str) -> std::path::PathBuf {
    let dir = unique_path(label);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the temp folder can be created");
    dir
}

/// What one run printed, and how it exited.
pub(crate) struct Run {
    pub(crate) status: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// Runs `helloworld` with `args` and collects its output.
pub(crate) fn run(args: &[&str]) -> Run {
    run_with(helloworld().args(args))
}

/// Runs a prepared command and collects its output.
pub(crate) fn run_with(command: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("the helloworld binary runs");
    let run = Run {
        status: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "the binary panicked:\n{}",
        run.stderr
    );
    run
}

/// A simulator on a free loopback port, with its HTTP client and a valid access token.
pub(crate) struct Sim {
    pub(crate) running: helloworld::sim::RunningSim,
    pub(crate) http: reqwest::Client,
    pub(crate) token: String,
}

impl Sim {
    /// Starts `config` (port forced to 0) and fetches a token.
    pub(crate) async fn start(mut config: helloworld::sim::SimConfig) -> Self {
        config.port = 0;
        let running = helloworld::sim::start(config)
            .await
            .expect("the simulator starts");
        let http = reqwest::Client::new();
        // With faults switched on the token request may fail; such tests go without a token.
        let reply: serde_json::Value = match http
            .post(format!("{}/api/v2/auth/token", running.url))
            .json(&serde_json::json!({"api_key": running.api_key}))
            .send()
            .await
        {
            Ok(response) => response.json().await.unwrap_or_default(),
            Err(_) => serde_json::Value::Null,
        };
        let token = reply["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        Self {
            running,
            http,
            token,
        }
    }

    /// The absolute URL of `path`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.url)
    }

    /// A request to `path` carrying the access token.
    pub(crate) fn authed(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.url(path))
            .bearer_auth(&self.token)
    }

    /// GET `path` with the token; returns the status and the JSON body (null when not JSON).
    pub(crate) async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self
            .authed(reqwest::Method::GET, path)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }
}

/// The simulator-only routes (`/_sim`), which need no token and see no faults.
impl Sim {
    /// Moves the simulator's clock forward, so tests never sleep.
    pub(crate) async fn advance_clock(&self, seconds: i64) {
        let body = serde_json::json!({"advance_seconds": seconds});
        let response = self
            .http
            .post(self.url("/_sim/clock"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
    }

    /// The simulator's now.
    pub(crate) async fn now(&self) -> chrono::DateTime<chrono::Utc> {
        let health = self.ground("/_sim/health").await;
        health["now"].as_str().unwrap().parse().unwrap()
    }

    /// Injects `fixtures` (objects of `POST /_sim/alerts`) and returns their ids, in order.
    pub(crate) async fn inject(&self, fixtures: Vec<serde_json::Value>) -> Vec<String> {
        let body = serde_json::json!({ "alerts": fixtures });
        let response = self
            .http
            .post(self.url("/_sim/alerts"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let reply: serde_json::Value = response.json().await.unwrap();
        let ids = reply["ids"].as_array().unwrap();
        ids.iter()
            .map(|id| id.as_str().unwrap().to_owned())
            .collect()
    }

    /// GET a simulator-only route such as `/_sim/alerts?limit=0` as JSON.
    pub(crate) async fn ground(&self, path: &str) -> serde_json::Value {
        self.http
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

/// The keys of a JSON object, in their order; none for anything that is not an object.
pub(crate) fn json_keys(value: &serde_json::Value) -> Vec<&str> {
    value
        .as_object()
        .map(|object| object.keys().map(String::as_str).collect())
        .unwrap_or_default()
}
