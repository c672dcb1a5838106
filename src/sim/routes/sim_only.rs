//! Simulator-only routes under `/_sim`, for tests and benchmarks; not part of the vendor API and
//! free of faults and authentication:
//! - `GET /_sim/alerts?offset=&limit=`: the ground truth, every alert with its `visible_at`;
//! - `POST /_sim/alerts`: inject alerts with chosen times (`{"alerts": [{"created", ...}]}`);
//! - `POST /_sim/clock`: move the simulator's clock forward (`{"advance_seconds": n}`);
//! - `GET /_sim/health`: liveness and the alert count.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use chrono::DateTime;
use serde_json::{Value, json};

use super::{JsonBody, Routes, query_map};
use crate::sim::error::ApiError;
use crate::sim::model::{AlertText, Severity, Status, alert_id, rfc3339};
use crate::sim::state::SimState;

pub(super) fn routes() -> Routes {
    vec![
        ("/_sim/alerts", get(ground_truth).post(inject)),
        ("/_sim/clock", post(advance_clock)),
        ("/_sim/health", get(health)),
    ]
}

async fn ground_truth(
    State(state): State<SimState>,
    query: RawQuery,
) -> Result<Json<Value>, ApiError> {
    let query = query_map(query)?;
    let number = |name: &str, default: usize| -> Result<usize, ApiError> {
        query.get(name).map_or(Ok(default), |text| {
            text.parse().map_err(|_| {
                ApiError::bad_request("bad_request", format!("`{name}` must be a whole number"))
            })
        })
    };
    let offset = number("offset", 0)?;
    let limit = number("limit", usize::MAX)?;
    let store = state.store();
    let alerts: Vec<Value> = store
        .all()
        .iter()
        .skip(offset)
        .take(limit)
        .map(|alert| {
            let mut json = alert.to_json();
            json["visible_at"] = json!(rfc3339(alert.visible_at));
            json
        })
        .collect();
    Ok(Json(json!({"total": store.len(), "alerts": alerts})))
}

async fn inject(
    State(state): State<SimState>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let items = body
        .get("alerts")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ApiError::unprocessable("send {\"alerts\": [{\"created\": \"<RFC 3339>\", ...}]}")
        })?;
    let now = state.now();
    let mut parsed = Vec::with_capacity(items.len());
    for item in items {
        parsed.push(injected_alert(item, now)?);
    }
    let mut store = state.store_mut();
    let ids: Vec<String> = parsed
        .into_iter()
        .map(|(created, visible_at, severity, status, text)| {
            alert_id(store.insert(created, visible_at, severity, status, text))
        })
        .collect();
    Ok((StatusCode::CREATED, Json(json!({"ids": ids}))))
}

type Injected = (i64, i64, Severity, Status, AlertText);

fn injected_alert(item: &Value, now: i64) -> Result<Injected, ApiError> {
    let text = |key: &str| item.get(key).and_then(Value::as_str).map(str::to_owned);
    let time = |key: &str| -> Result<Option<i64>, ApiError> {
        text(key)
            .map(|value| {
                DateTime::parse_from_rfc3339(&value)
                    .map(|time| time.timestamp())
                    .map_err(|_| {
                        ApiError::unprocessable(format!(
                            "`{key}` must be an RFC 3339 time, not `{value}`"
                        ))
                    })
            })
            .transpose()
    };
    let created = time("created")?.unwrap_or(now);
    let visible_at = time("visible_at")?.unwrap_or(created);
    let severity = text("severity").map_or(Some(Severity::Low), |value| Severity::parse(&value));
    let status = text("status").map_or(Some(Status::Active), |value| Status::parse(&value));
    let (Some(severity), Some(status)) = (severity, status) else {
        return Err(ApiError::unprocessable(
            "severity must be Low/Medium/High/Critical and status ACTIVE/CLOSED",
        ));
    };
    let alert_type = text("type").unwrap_or_else(|| "Bug".to_owned());
    let texts = AlertText {
        name: text("name").unwrap_or_else(|| format!("Hello World Alert of type {alert_type}")),
        description: text("description").unwrap_or_default(),
        alert_type,
        source_ip: text("source_ip"),
        user: text("user"),
        hostname: text("hostname"),
        url: text("url"),
    };
    Ok((created, visible_at, severity, status, texts))
}

async fn advance_clock(
    State(state): State<SimState>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let seconds = body
        .get("advance_seconds")
        .and_then(Value::as_i64)
        .filter(|seconds| *seconds >= 0)
        .ok_or_else(|| {
            ApiError::unprocessable(
                "send {\"advance_seconds\": <whole number of seconds, 0 or more>}",
            )
        })?;
    state.advance_clock(seconds);
    Ok(Json(json!({"now": rfc3339(state.now())})))
}

async fn health(State(state): State<SimState>) -> Json<Value> {
    Json(json!({"status": "ok", "alerts": state.store().len(), "now": rfc3339(state.now())}))
}
