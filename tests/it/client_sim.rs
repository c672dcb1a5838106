//! The vendor client and test-module against the simulator, over real HTTP: tokens cached in an
//! integration context survive runs and are refreshed once each time they expire.

use std::sync::atomic::{AtomicUsize, Ordering};

use helloworld::client::{
    CacheSnapshot, CachedToken, Client, ClientConfig, StoreError, TokenCache,
};
use helloworld::commands::connection::{ACCESS_TOKEN_KEY, ContextTokenCache, VALID_UNTIL_KEY};
use helloworld::host::CallingContext;
use helloworld::host::recorder::RecordingHost;
use helloworld::sim::SimConfig;
use serde_json::{Map, Value};

use crate::support::{Sim, helloworld, run_with};

/// The integration-context cache, counting the tokens it stores.
struct Counting<'a> {
    inner: ContextTokenCache<'a>,
    stores: &'a AtomicUsize,
}

impl TokenCache for Counting<'_> {
    fn load(&self) -> Result<CacheSnapshot, String> {
        self.inner.load()
    }

    fn store(&self, token: &CachedToken, version: &Value) -> Result<(), StoreError> {
        self.stores.fetch_add(1, Ordering::SeqCst);
        self.inner.store(token, version)
    }
}

#[tokio::test]
async fn calls_keep_working_across_token_expiry_with_one_refresh_each_time() {
    let sim = Sim::start(SimConfig {
        alerts: 20,
        token_ttl_seconds: 2,
        ..SimConfig::new(4)
    })
    .await;
    let host = RecordingHost::new(CallingContext::new(
        "fetch-incidents",
        Map::new(),
        Map::new(),
    ));
    let stores = AtomicUsize::new(0);
    let config = ClientConfig::new(sim.running.url.clone(), sim.running.api_key.clone());
    let mut tokens = Vec::new();
    for run in 1..=4 {
        // A new client per run, as each XSOAR command is a new process sharing the context.
        let cache = Counting {
            inner: ContextTokenCache::new(&host),
            stores: &stores,
        };
        let client = Client::new(&config, cache).unwrap();
        let page = client.list_alerts(&Default::default()).await.unwrap();
        assert_eq!(page.alerts.len(), 20, "run {run}");
        assert_eq!(
            stores.load(Ordering::SeqCst),
            run,
            "exactly one token per run"
        );
        let context = host.recording().integration_context;
        assert!(context[VALID_UNTIL_KEY].is_string());
        tokens.push(context[ACCESS_TOKEN_KEY].as_str().unwrap().to_owned());
        // The simulator's clock moves past the token's two seconds; the wall clock does not.
        sim.advance_clock(3).await;
    }
    tokens.dedup();
    assert_eq!(tokens.len(), 4, "each expiry led to a new token");
}

#[tokio::test]
async fn an_unexpired_token_is_reused_across_runs() {
    let sim = Sim::start(SimConfig {
        alerts: 1,
        ..SimConfig::new(4)
    })
    .await;
    let host = RecordingHost::new(CallingContext::new("x", Map::new(), Map::new()));
    let stores = AtomicUsize::new(0);
    let config = ClientConfig::new(sim.running.url.clone(), sim.running.api_key.clone());
    for _ in 0..3 {
        let cache = Counting {
            inner: ContextTokenCache::new(&host),
            stores: &stores,
        };
        Client::new(&config, cache).unwrap().check().await.unwrap();
    }
    assert_eq!(stores.load(Ordering::SeqCst), 1);
}

fn test_module(url: &str, api_key: &str) -> crate::support::Run {
    let mut command = helloworld();
    command
        .args(["run", "test-module", "--param", &format!("url={url}")])
        .env("HELLOWORLD_API_KEY", api_key);
    run_with(&mut command)
}

#[tokio::test(flavor = "multi_thread")]
async fn test_module_is_ok_against_the_simulator_and_clear_when_not() {
    let sim = Sim::start(SimConfig {
        alerts: 5,
        ..SimConfig::new(4)
    })
    .await;
    let (url, key) = (sim.running.url.clone(), sim.running.api_key.clone());
    let (ok, wrong_key, dead) = tokio::task::spawn_blocking(move || {
        let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        (
            test_module(&url, &key),
            test_module(&url, "not-the-key"),
            test_module(&format!("http://{closed_port}"), &key),
        )
    })
    .await
    .unwrap();
    assert_eq!(
        (ok.status, ok.stdout.as_str()),
        (Some(0), "ok\n"),
        "{}",
        ok.stderr
    );
    assert_eq!(wrong_key.status, Some(1));
    assert!(
        wrong_key.stderr.contains("authentication failed"),
        "{}",
        wrong_key.stderr
    );
    assert!(wrong_key.stderr.contains("Check the API Key param"));
    assert!(!wrong_key.stderr.contains("not-the-key"));
    assert_eq!(dead.status, Some(1));
    assert!(dead.stderr.contains("cannot connect to"), "{}", dead.stderr);
    assert!(dead.stderr.contains("Check the Server URL"));
}

#[test]
fn test_module_without_url_or_key_says_which_param_is_missing() {
    let no_url = run_with(
        helloworld()
            .args(["run", "test-module"])
            .env("HELLOWORLD_API_KEY", "k"),
    );
    assert_eq!(no_url.status, Some(1));
    assert!(no_url.stderr.contains("the Server URL param is empty"));
    let no_key =
        run_with(helloworld().args(["run", "test-module", "-p", "url=http://127.0.0.1:9"]));
    assert_eq!(no_key.status, Some(1));
    assert!(no_key.stderr.contains("the API Key param is empty"));
    let bad_timeout = run_with(
        helloworld()
            .args([
                "run",
                "test-module",
                "-p",
                "url=http://127.0.0.1:9",
                "-p",
                "request_timeout=0",
            ])
            .env("HELLOWORLD_API_KEY", "k"),
    );
    assert!(
        bad_timeout
            .stderr
            .contains("use a whole number from 1 to 300"),
        "{}",
        bad_timeout.stderr
    );
}
