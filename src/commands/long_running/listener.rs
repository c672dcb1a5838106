//! The HTTP side: `POST /` takes the vendor's signed pushes (one alert, or `{"alerts": [...]}`
//! as `api/openapi.yaml` `webhooks.newAlerts` says), `GET /health` answers while the listener
//! runs. Refusals: 401 for a missing or wrong signature (or basic auth), 413 over the body
//! limit, 400 with the reason for JSON that is not a push, 408 for a request not received in
//! [`REQUEST_DEADLINE`], 503 with Retry-After when the queue to the host is full (in pushes or in
//! bytes) or the host did not accept the incidents in time. 200 means the host
//! accepted every incident of the push, so the vendor retries whatever was not acknowledged.
//! A panicking handler answers 500 and is reported; the listener goes on.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::mpsc::{SyncSender, TrySendError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use futures_util::FutureExt;
use serde_json::{Value, json};
use tokio::sync::{Semaphore, oneshot};

use super::settings::ListenerSettings;
use super::verify::{SIGNATURE_HEADER, basic_auth_ok, signature_ok};
use super::writer::{Work, notice};
use crate::client::Alert;
use crate::commands::fetch::incident::{created_ms, incident, xsoar_severity};

/// The largest body accepted: 100 alerts of a generous size, with room to spare.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// How long a push may wait for the host before it is answered 503: shorter than a vendor's
/// own timeout, so the vendor hears "retry" rather than nothing (a late write is then absorbed
/// by the duplicate check).
pub const ACK_TIMEOUT: Duration = Duration::from_secs(3);
/// The whole request, body included, must be handled within this (a slow sender holds a
/// connection and memory; it gets 408).
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(10);
/// Body bytes of the pushes waiting for the host, at most: with the queue's length this bounds
/// the listener's memory whatever the pushes' sizes.
pub const MAX_QUEUED_BYTES: usize = 16 * 1024 * 1024;
/// Seconds the vendor is asked to wait after a 503.
const RETRY_AFTER_SECONDS: &str = "1";
/// Test hook: an alert with this id makes its handler panic, to show the listener survives.
pub const PANIC_HOOK_ENV: &str = "HELLOWORLD_TEST_PANIC_ALERT_ID";

/// What every handler shares.
pub struct App {
    /// The checked params.
    pub settings: ListenerSettings,
    /// The bounded queue to the writer.
    pub queue: SyncSender<Work>,
    /// Permits for the body bytes queued ([`MAX_QUEUED_BYTES`]); a push holds its bytes' worth
    /// until the writer is done with it.
    pub budget: Arc<Semaphore>,
    /// The alert id that triggers the panic test hook, if set.
    pub panic_alert_id: Option<String>,
}

/// The routes, with the body limit.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", post(push))
        .route("/health", get(health))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(from_fn(refuse_announced_oversize))
        .layer(from_fn(within_deadline))
        .with_state(app)
}

/// A body announced (Content-Length) over the limit is refused before a byte of it is read;
/// the limit above still stops bodies without a length.
async fn refuse_announced_oversize(request: Request, next: Next) -> Response {
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.parse::<u64>().ok());
    if announced.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("the body is over {MAX_BODY_BYTES} bytes; push fewer alerts at a time"),
        );
    }
    next.run(request).await
}

async fn within_deadline(request: Request, next: Next) -> Response {
    tokio::time::timeout(REQUEST_DEADLINE, next.run(request))
        .await
        .unwrap_or_else(|_| refuse(StatusCode::REQUEST_TIMEOUT, "the request took too long"))
}

async fn health() -> Response {
    (StatusCode::OK, axum::Json(json!({"status": "ok"}))).into_response()
}

async fn push(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let handled = AssertUnwindSafe(handle(app.clone(), headers, body))
        .catch_unwind()
        .await;
    handled.unwrap_or_else(|_| {
        notice(
            &app.queue,
            "long-running-execution: a push handler panicked; the listener goes on".to_owned(),
            true,
        );
        refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
    })
}

async fn handle(app: Arc<App>, headers: HeaderMap, body: Bytes) -> Response {
    let header_text = |name| headers.get(name).and_then(|value| value.to_str().ok());
    if let Some((user, password)) = &app.settings.basic_auth
        && !basic_auth_ok(user, password, header_text(header::AUTHORIZATION.as_str()))
    {
        return refuse(StatusCode::UNAUTHORIZED, "basic auth missing or wrong");
    }
    if !signature_ok(&app.settings.secret, &body, header_text(SIGNATURE_HEADER)) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "X-HelloWorld-Signature missing or wrong",
        );
    }
    let alerts = match parse(&body) {
        Ok(alerts) => alerts,
        Err(reason) => return refuse(StatusCode::BAD_REQUEST, &reason),
    };
    if let Some(panic_id) = &app.panic_alert_id
        && alerts.iter().any(|alert| &alert.id == panic_id)
    {
        panic!("test hook: {PANIC_HOOK_ENV} matched an alert");
    }
    let received = alerts.len();
    let incidents: Vec<(String, Value)> = alerts
        .iter()
        .filter(|alert| app.settings.filters.wants(alert))
        .map(|alert| (alert.id.clone(), to_incident(alert)))
        .collect();
    let filtered = received - incidents.len();
    if incidents.is_empty() {
        return accepted(received, 0, 0, filtered);
    }
    let bytes = u32::try_from(body.len()).unwrap_or(u32::MAX);
    let Ok(permit) = app.budget.clone().try_acquire_many_owned(bytes) else {
        return busy("the pushes waiting for XSOAR fill the listener's memory budget");
    };
    let (ack, answer) = oneshot::channel();
    match app.queue.try_send(Work::Push {
        incidents,
        ack,
        permit,
    }) {
        Ok(()) => {}
        Err(TrySendError::Full(_)) => return busy("the queue to XSOAR is full"),
        Err(TrySendError::Disconnected(_)) => return busy("the listener is shutting down"),
    }
    match tokio::time::timeout(ACK_TIMEOUT, answer).await {
        Ok(Ok(Ok(created))) => accepted(received, created.created, created.duplicates, filtered),
        Ok(Ok(Err(error))) => busy(&format!("XSOAR did not accept the incidents: {error}")),
        Ok(Err(_)) => busy("the incident writer restarted"),
        Err(_) => busy("XSOAR did not accept the incidents in time"),
    }
}

/// One alert, or `{"alerts": [...]}`; the reason names what is wrong.
fn parse(body: &[u8]) -> Result<Vec<Alert>, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|error| format!("the body is not JSON: {error}"))?;
    let raw_alerts = match value {
        Value::Object(mut fields) if fields.contains_key("alerts") => {
            match fields.remove("alerts") {
                Some(Value::Array(alerts)) => alerts,
                _ => return Err("`alerts` must be an array of alerts".to_owned()),
            }
        }
        Value::Object(_) => vec![value],
        _ => return Err("the body must be an alert object or {\"alerts\": [...]}".to_owned()),
    };
    raw_alerts
        .into_iter()
        .enumerate()
        .map(|(index, raw)| {
            Alert::from_json(raw).map_err(|error| format!("alert {index} is not an alert: {error}"))
        })
        .collect()
}

/// The same incident fetch creates; an unreadable time or severity falls back as in fetch.
fn to_incident(alert: &Alert) -> Value {
    let occurred = created_ms(&alert.created).unwrap_or_else(|| Utc::now().timestamp_millis());
    incident(
        alert,
        occurred,
        xsoar_severity(&alert.severity).unwrap_or(0),
    )
}

fn accepted(received: usize, created: usize, duplicates: usize, filtered: usize) -> Response {
    let body = json!({"received": received, "created": created, "duplicates": duplicates, "filtered": filtered});
    (StatusCode::OK, axum::Json(body)).into_response()
}

fn busy(reason: &str) -> Response {
    let mut response = refuse(StatusCode::SERVICE_UNAVAILABLE, reason);
    response.headers_mut().insert(
        header::RETRY_AFTER,
        header::HeaderValue::from_static(RETRY_AFTER_SECONDS),
    );
    response
}

fn refuse(status: StatusCode, reason: &str) -> Response {
    (status, axum::Json(json!({"error": reason}))).into_response()
}
