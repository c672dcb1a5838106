//! `helloworld sim`: serve the vendor API simulator until Ctrl-C. Its first stdout line is one
//! JSON object with the URL and API key, so scripts and tests can start it and read where to go.

use std::net::IpAddr;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::Args;
use serde_json::json;

use super::UsageError;
use super::run::runtime;
use crate::host::cli::println_stdout;
use crate::sim::{self, SimConfig, Webhook};

/// The flags of `helloworld sim`.
#[derive(Debug, Args)]
pub(super) struct SimArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Seed of every generated value: the same seed serves the same alerts.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Alerts in the backlog, spread over --days before the anchor, many sharing a second.
    #[arg(long, default_value_t = 1000)]
    alerts: u64,
    /// Days the backlog spreads over.
    #[arg(long, default_value_t = 2)]
    days: u32,
    /// Newest backlog time (RFC 3339); by default the start of the current hour, so runs in the
    /// same hour serve identical alerts.
    #[arg(long, value_name = "TIME")]
    anchor: Option<DateTime<Utc>>,
    /// New alerts per second while running (--push-rate is the same flag).
    #[arg(
        long,
        visible_alias = "push-rate",
        default_value_t = 0.0,
        value_name = "PER_SECOND"
    )]
    rate: f64,
    /// Seconds a scan takes to complete.
    #[arg(long, default_value_t = 10)]
    scan_seconds: i64,
    /// Seconds an access token lives.
    #[arg(long, default_value_t = 3600, value_name = "SECONDS")]
    token_ttl: i64,
    /// Fault: milliseconds added to every vendor API response.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Fault: share (0 to 1) of vendor API requests answered 500 or 503.
    #[arg(long, default_value_t = 0.0)]
    fail_rate: f64,
    /// Fault: vendor API requests per second before 429 with Retry-After.
    #[arg(long, value_name = "PER_SECOND")]
    rate_limit: Option<f64>,
    /// Fault: longest delay (seconds) before a new alert becomes visible to the list endpoint.
    #[arg(long, default_value_t = 0, value_name = "SECONDS")]
    ingest_delay_max: i64,
    /// Fault: share (0 to 1) of vendor API responses with a truncated or invalid JSON body.
    #[arg(long, default_value_t = 0.0)]
    garbage_rate: f64,
    /// The API key to accept instead of the one derived from the seed.
    #[arg(long, env = "HELLOWORLD_SIM_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// Push new alerts (see --rate) to this URL as signed webhooks (--push-to is the same flag).
    #[arg(long, visible_alias = "push-to", value_name = "URL")]
    webhook_url: Option<String>,
    /// The HMAC secret of webhook pushes.
    #[arg(
        long,
        env = "HELLOWORLD_SIM_WEBHOOK_SECRET",
        hide_env_values = true,
        requires = "webhook_url"
    )]
    webhook_secret: Option<String>,
}

impl SimArgs {
    fn config(&self) -> Result<SimConfig, UsageError> {
        let share = |name: &str, value: f64| {
            if (0.0..=1.0).contains(&value) {
                Ok(value)
            } else {
                Err(UsageError::new(format!(
                    "--{name} is a share between 0 and 1, not {value}"
                )))
            }
        };
        if self.rate < 0.0 || !self.rate.is_finite() {
            return Err(UsageError::new(format!(
                "--rate must be 0 or more alerts per second, not {}",
                self.rate
            )));
        }
        if self
            .rate_limit
            .is_some_and(|limit| limit <= 0.0 || !limit.is_finite())
        {
            return Err(UsageError::new(
                "--rate-limit must be more than 0 requests per second",
            ));
        }
        if self.scan_seconds < 0 || self.token_ttl <= 0 || self.ingest_delay_max < 0 {
            return Err(UsageError::new(
                "--scan-seconds and --ingest-delay-max must be 0 or more, --token-ttl more than 0",
            ));
        }
        let defaults = SimConfig::new(self.seed);
        let webhook = self.webhook_url.clone().map(|url| Webhook {
            url,
            secret: self
                .webhook_secret
                .clone()
                .unwrap_or_else(|| format!("{}-webhook", defaults.token_secret)),
        });
        Ok(SimConfig {
            bind: self.bind,
            port: self.port,
            alerts: self.alerts,
            days: self.days,
            anchor: self.anchor,
            rate: self.rate,
            scan_seconds: self.scan_seconds,
            token_ttl_seconds: self.token_ttl,
            latency_ms: self.latency_ms,
            fail_rate: share("fail-rate", self.fail_rate)?,
            rate_limit: self.rate_limit,
            ingest_delay_max: self.ingest_delay_max,
            garbage_rate: share("garbage-rate", self.garbage_rate)?,
            api_key: self.api_key.clone().unwrap_or(defaults.api_key.clone()),
            webhook,
            ..defaults
        })
    }
}

/// Serves until Ctrl-C.
pub(super) fn serve(args: &SimArgs) -> Result<ExitCode, UsageError> {
    let config = args.config()?;
    let webhook_secret = config
        .webhook
        .as_ref()
        .map(|webhook| webhook.secret.clone());
    runtime()?.block_on(async move {
        let running = sim::start(config)
            .await
            .map_err(|error| UsageError::new(format!("the simulator cannot listen: {error}")))?;
        let mut announcement = json!({"url": running.url, "api_key": running.api_key});
        if let Some(secret) = webhook_secret {
            announcement["webhook_secret"] = json!(secret);
        }
        println_stdout(&announcement.to_string());
        eprintln!("helloworld sim: serving {} (Ctrl-C to stop)", running.url);
        tokio::select! {
            served = running.wait() => served.map_err(|error| UsageError::new(format!("the simulator stopped: {error}")))?,
            _ = tokio::signal::ctrl_c() => {}
        }
        Ok(ExitCode::SUCCESS)
    })
}
