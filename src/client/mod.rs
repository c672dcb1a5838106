//! The HelloWorld API client: one async method per endpoint of `api/openapi.yaml`, typed models,
//! access tokens cached through [`TokenCache`], retries by [`RetryPolicy`], and errors
//! ([`ClientError`]) that say what to do. It knows nothing of XSOAR: the integration context is
//! reached only through the `TokenCache` the caller passes in.

pub mod auth;
mod error;
pub mod models;
pub mod retry;
mod transport;

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

pub use auth::{CacheSnapshot, CachedToken, NoCache, StoreError, TokenCache};
pub use error::ClientError;
pub use models::{Alert, AlertFilter, AlertPage, AlertUpdate, NewAlert, Note, Reputation, Scan};
pub use retry::RetryPolicy;

use auth::{TokenManager, TokenSource};
use models::TokenResponse;
use transport::{Call, Transport};

/// How to reach the vendor.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// The base URL, with or without a trailing slash or the `/api/v2` path.
    pub base_url: String,
    /// Exchanged for access tokens; never logged, printed or cached.
    pub api_key: String,
    /// Skip TLS certificate verification.
    pub insecure: bool,
    /// Use the proxy of the environment (`HTTPS_PROXY`, ...); otherwise ignore it, as XSOAR does.
    pub proxy: bool,
    /// How long to wait for a connection.
    pub connect_timeout: Duration,
    /// How long one request may take, connection included.
    pub request_timeout: Duration,
    /// When to retry.
    pub retry: RetryPolicy,
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The API key must not reach logs through a debug print.
        formatter
            .debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &"<redacted>")
            .field("insecure", &self.insecure)
            .field("proxy", &self.proxy)
            .finish_non_exhaustive()
    }
}

impl ClientConfig {
    /// Defaults for a command: 5 s to connect, 15 s per request, the default retry policy.
    pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            api_key: api_key.into(),
            insecure: false,
            proxy: false,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(15),
            retry: RetryPolicy::default(),
        }
    }
}

/// A client of the HelloWorld API, sharing tokens through a cache that lives at least `'c`.
pub struct Client<'c> {
    transport: Transport,
    tokens: TokenManager<'c>,
}

impl std::fmt::Debug for Client<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Client")
            .field("base_url", &self.transport.base_url())
            .finish_non_exhaustive()
    }
}

impl TokenSource for Transport {
    async fn fetch(&self) -> Result<(String, Option<i64>), ClientError> {
        let body = json!({"api_key": self.api_key()});
        // Issuing a token twice is harmless, so the call is retried like a read.
        let call = Call::new(Method::POST, "api/v2/auth/token")
            .json(body)
            .retry_after_response()
            .sensitive_response();
        let reply = self.send(&call, None).await?;
        let token: TokenResponse =
            serde_json::from_slice(&reply).map_err(|_| self.invalid_json(&reply, &call))?;
        self.learn_secret(&token.access_token);
        Ok((token.access_token, token.expires_in))
    }
}

impl<'c> Client<'c> {
    /// A client for `config` sharing tokens through `cache`.
    pub fn new(config: &ClientConfig, cache: impl TokenCache + 'c) -> Result<Self, ClientError> {
        Ok(Self {
            transport: Transport::new(config)?,
            tokens: TokenManager::new(cache),
        })
    }

    /// The normalised base URL.
    pub fn base_url(&self) -> &str {
        self.transport.base_url()
    }

    /// Sends an authenticated call and returns the body; on a 401 replaces the token once and
    /// sends the call again, once.
    async fn call_bytes(&self, call: &Call) -> Result<Vec<u8>, ClientError> {
        // Tokens also come from the cache, so each one is made known to the error scrubber.
        let token = self.tokens.token(&self.transport).await?;
        self.transport.learn_secret(&token);
        match self.transport.send(call, Some(&token)).await {
            Err(error) if error.is_auth() => {
                let replacement = self.tokens.replace(&self.transport, &token).await?;
                self.transport.learn_secret(&replacement);
                self.transport.send(call, Some(&replacement)).await
            }
            outcome => outcome,
        }
    }

    /// [`Client::call_bytes`] for a JSON answer; an empty body (204) is null.
    async fn call(&self, call: &Call) -> Result<Value, ClientError> {
        let body = self.call_bytes(call).await?;
        if body.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&body).map_err(|_| self.transport.invalid_json(&body, call))
    }

    /// Checks the URL and the key: fetches a token (through the cache) and reads one alert.
    pub async fn check(&self) -> Result<(), ClientError> {
        self.list_alerts(&AlertFilter {
            limit: Some(1),
            ..AlertFilter::default()
        })
        .await
        .map(drop)
    }

    /// One page of alerts.
    pub async fn list_alerts(&self, filter: &AlertFilter) -> Result<AlertPage, ClientError> {
        let reply = self
            .call(&Call::new(Method::GET, "api/v2/alerts").query(filter.query()))
            .await?;
        let alerts = reply
            .get("alerts")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid_shape("an alert page without `alerts`"))?
            .iter()
            .map(|raw| {
                Alert::from_json(raw.clone()).map_err(|error| {
                    invalid_shape(&format!("an alert that does not fit the API ({error})"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let next_cursor = reply
            .get("next_cursor")
            .and_then(Value::as_str)
            .map(str::to_owned);
        Ok(AlertPage {
            alerts,
            next_cursor,
        })
    }

    /// One alert.
    pub async fn get_alert(&self, alert_id: &str) -> Result<Alert, ClientError> {
        let reply = self
            .call(&Call::new(Method::GET, &alert_path(alert_id, "")))
            .await?;
        alert_from(reply)
    }

    /// Creates an alert. Safe to retry: every attempt carries the same `Idempotency-Key`.
    pub async fn create_alert(&self, alert: &NewAlert) -> Result<Alert, ClientError> {
        let body = serde_json::to_value(alert).unwrap_or_default();
        let key = uuid::Uuid::new_v4().to_string();
        let call = Call::new(Method::POST, "api/v2/alerts")
            .json(body)
            .idempotency_key(key);
        alert_from(self.call(&call).await?)
    }

    /// Changes an alert's status, severity or assignee.
    pub async fn update_alert(
        &self,
        alert_id: &str,
        update: &AlertUpdate,
    ) -> Result<Alert, ClientError> {
        let body = serde_json::to_value(update).unwrap_or_default();
        let call = Call::new(Method::PATCH, &alert_path(alert_id, ""))
            .json(body)
            .retry_after_response();
        alert_from(self.call(&call).await?)
    }

    /// Deletes an alert.
    pub async fn delete_alert(&self, alert_id: &str) -> Result<(), ClientError> {
        let call = Call::new(Method::DELETE, &alert_path(alert_id, "")).retry_after_response();
        self.call(&call).await.map(drop)
    }

    /// The notes on an alert, oldest first.
    pub async fn list_notes(&self, alert_id: &str) -> Result<Vec<Note>, ClientError> {
        let reply = self
            .call(&Call::new(Method::GET, &alert_path(alert_id, "/notes")))
            .await?;
        serde_json::from_value(reply.get("notes").cloned().unwrap_or(Value::Null))
            .map_err(|error| invalid_shape(&format!("notes that do not fit the API ({error})")))
    }

    /// Adds a note. Not retried once sent: the API cannot tell a retry from a second note.
    pub async fn add_note(&self, alert_id: &str, text: &str) -> Result<Note, ClientError> {
        let call =
            Call::new(Method::POST, &alert_path(alert_id, "/notes")).json(json!({"text": text}));
        serde_json::from_value(self.call(&call).await?)
            .map_err(|error| invalid_shape(&format!("a note that does not fit the API ({error})")))
    }

    /// The reputation of an IP address.
    pub async fn ip_reputation(&self, ip: &str) -> Result<Reputation, ClientError> {
        self.reputation(&format!("api/v2/reputation/ip/{}", segment(ip)), Vec::new())
            .await
    }

    /// The reputation of a domain.
    pub async fn domain_reputation(&self, domain: &str) -> Result<Reputation, ClientError> {
        self.reputation(
            &format!("api/v2/reputation/domain/{}", segment(domain)),
            Vec::new(),
        )
        .await
    }

    /// The reputation of a URL.
    pub async fn url_reputation(&self, url: &str) -> Result<Reputation, ClientError> {
        self.reputation("api/v2/reputation/url", vec![("url", url.to_owned())])
            .await
    }

    async fn reputation(
        &self,
        path: &str,
        query: Vec<(&'static str, String)>,
    ) -> Result<Reputation, ClientError> {
        let raw = self
            .call(&Call::new(Method::GET, path).query(query))
            .await?;
        let score = raw
            .get("score")
            .and_then(Value::as_i64)
            .ok_or_else(|| invalid_shape("a reputation without `score`"))?;
        Ok(Reputation { score, raw })
    }

    /// Starts a scan. Not retried once sent: a retry would start a second scan.
    pub async fn start_scan(&self, hostname: &str) -> Result<Scan, ClientError> {
        let call = Call::new(Method::POST, "api/v2/scans").json(json!({"hostname": hostname}));
        scan_from(self.call(&call).await?)
    }

    /// A scan's status.
    pub async fn get_scan(&self, scan_id: &str) -> Result<Scan, ClientError> {
        scan_from(
            self.call(&Call::new(
                Method::GET,
                &format!("api/v2/scans/{}", segment(scan_id)),
            ))
            .await?,
        )
    }

    /// The results of a complete scan, raw.
    pub async fn scan_results(&self, scan_id: &str) -> Result<Value, ClientError> {
        self.call(&Call::new(
            Method::GET,
            &format!("api/v2/scans/{}/results", segment(scan_id)),
        ))
        .await
    }

    /// The report file of a complete scan.
    pub async fn scan_report(&self, scan_id: &str) -> Result<Vec<u8>, ClientError> {
        self.call_bytes(&Call::new(
            Method::GET,
            &format!("api/v2/scans/{}/report", segment(scan_id)),
        ))
        .await
    }
}

fn alert_path(alert_id: &str, suffix: &str) -> String {
    format!("api/v2/alerts/{}{suffix}", segment(alert_id))
}

/// A path segment with everything but unreserved characters percent-encoded.
fn segment(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC)
        .to_string()
        .replace("%2E", ".")
        .replace("%2D", "-")
        .replace("%5F", "_")
}

fn alert_from(reply: Value) -> Result<Alert, ClientError> {
    Alert::from_json(reply)
        .map_err(|error| invalid_shape(&format!("an alert that does not fit the API ({error})")))
}

fn scan_from(reply: Value) -> Result<Scan, ClientError> {
    serde_json::from_value(reply)
        .map_err(|error| invalid_shape(&format!("a scan that does not fit the API ({error})")))
}

fn invalid_shape(what: &str) -> ClientError {
    ClientError::InvalidJson {
        status: 200,
        snippet: format!("valid JSON, but {what}"),
    }
}
