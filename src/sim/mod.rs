//! The embedded simulator of the HelloWorld vendor API (`api/openapi.yaml`), so that everything
//! runs on loopback: `helloworld sim` serves it, `helloworld demo` tours the integration against
//! it, and the tests and benchmarks hit it over real HTTP. Its data is deterministic from a seed,
//! and its nasty parts (shared timestamps, late visibility, expiring tokens, rate limits, 5xx,
//! garbage bodies) are knobs. It also serves the classic `/api/v1` routes over the same data.
//! Integration code never imports this module.

mod auth;
mod error;
mod faults;
mod intel;
mod live;
mod model;
mod rng;
mod routes;
mod state;
mod store;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use live::{SIGNATURE_HEADER, Webhook, signature};
use rng::stable_hash;
use state::SimState;
use store::{AlertStore, Backlog};

/// How the simulator runs. [`SimConfig::new`] gives the defaults for a seed.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Address to bind; loopback by default.
    pub bind: IpAddr,
    /// Port to bind; 0 picks a free one.
    pub port: u16,
    /// Fixes every generated value.
    pub seed: u64,
    /// Alerts in the backlog.
    pub alerts: u64,
    /// Days the backlog spreads over, ending at the anchor.
    pub days: u32,
    /// The newest backlog time; `None` is the current hour, so runs in the same hour agree.
    pub anchor: Option<DateTime<Utc>>,
    /// New alerts per second while running.
    pub rate: f64,
    /// Seconds a scan takes to complete.
    pub scan_seconds: i64,
    /// Seconds an access token lives.
    pub token_ttl_seconds: i64,
    /// Added to every vendor API response.
    pub latency_ms: u64,
    /// Share of vendor API requests answered 500 or 503.
    pub fail_rate: f64,
    /// Vendor API requests per second before 429s; `None` is unlimited.
    pub rate_limit: Option<f64>,
    /// Longest delay, in seconds, between an alert's creation and its visibility.
    pub ingest_delay_max: i64,
    /// Share of vendor API responses with a truncated or invalid JSON body.
    pub garbage_rate: f64,
    /// The API key clients exchange for tokens.
    pub api_key: String,
    /// The key tokens are signed with.
    pub token_secret: String,
    /// Where new alerts are pushed; `None` pushes nothing.
    pub webhook: Option<Webhook>,
}

impl SimConfig {
    /// The defaults for `seed`: 1,000 alerts over 2 days, no live alerts, 10 s scans, 1 h
    /// tokens, no faults, and an API key derived from the seed.
    pub fn new(seed: u64) -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            seed,
            alerts: 1000,
            days: 2,
            anchor: None,
            rate: 0.0,
            scan_seconds: 10,
            token_ttl_seconds: 3600,
            latency_ms: 0,
            fail_rate: 0.0,
            rate_limit: None,
            ingest_delay_max: 0,
            garbage_rate: 0.0,
            api_key: format!(
                "hw-sim-{:016x}",
                stable_hash(format!("api-key:{seed}").as_bytes())
            ),
            token_secret: format!(
                "jwt-{:016x}",
                stable_hash(format!("token-secret:{seed}").as_bytes())
            ),
            webhook: None,
        }
    }

    fn backlog(&self) -> Backlog {
        let anchor = self.anchor.unwrap_or_else(|| {
            let now = Utc::now();
            now.duration_trunc(TimeDelta::hours(1)).unwrap_or(now)
        });
        Backlog {
            seed: self.seed,
            count: self.alerts,
            anchor: anchor.timestamp(),
            window_seconds: i64::from(self.days.max(1)) * 86_400,
            ingest_delay_max: self.ingest_delay_max,
        }
    }
}

/// A simulator serving in the background of the current tokio runtime.
#[derive(Debug)]
pub struct RunningSim {
    /// Its base URL, such as `http://127.0.0.1:41234`.
    pub url: String,
    /// The API key it accepts.
    pub api_key: String,
    shutdown: Option<oneshot::Sender<()>>,
    server: JoinHandle<std::io::Result<()>>,
    generator: Option<JoinHandle<()>>,
}

impl RunningSim {
    /// Stops serving and waits for the server to finish.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(generator) = self.generator.take() {
            generator.abort();
        }
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        self.server.await.map_err(std::io::Error::other)?
    }

    /// Serves until the process is stopped (Ctrl-C) and returns any serving error.
    pub async fn wait(self) -> std::io::Result<()> {
        self.server.await.map_err(std::io::Error::other)?
    }
}

/// The paths of the documented API, as served (the contract test compares them with
/// `api/openapi.yaml`).
pub fn api_paths() -> Vec<&'static str> {
    routes::api_paths()
}

/// The paths served besides the documented API: the classic `/api/v1` routes and the
/// simulator-only `/_sim` routes.
pub fn extra_paths() -> Vec<&'static str> {
    routes::extra_paths()
}

/// Generates the data, binds the port and starts serving.
pub async fn start(config: SimConfig) -> std::io::Result<RunningSim> {
    let store = AlertStore::generate(&config.backlog());
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(config.bind, config.port)).await?;
    let address = listener.local_addr()?;
    let api_key = config.api_key.clone();
    let (rate, webhook) = (config.rate, config.webhook.clone());
    let state = SimState::new(config, store);
    let generator = (rate > 0.0).then(|| live::spawn(state.clone(), rate, webhook));
    let (shutdown, stopped) = oneshot::channel::<()>();
    let app = routes::app(state);
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
    });
    Ok(RunningSim {
        url: format!("http://{address}"),
        api_key,
        shutdown: Some(shutdown),
        server,
        generator,
    })
}
