//! Host scans (`/api/v2/scans`): start one, poll its status, then read its findings as JSON or
//! download them as a report file. A scan runs for `scan_seconds` of the simulator's clock, so
//! tests advance `/_sim/clock` instead of sleeping; whether it fails and what it finds come from
//! `intel`, shared with the classic API.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{JsonBody, Routes};
use crate::sim::error::ApiError;
use crate::sim::intel::{ScanStatus, scan_findings, scan_status};
use crate::sim::model::rfc3339;
use crate::sim::state::{ScanRecord, SimState};

pub(super) fn routes() -> Routes {
    vec![
        ("/api/v2/scans", post(start_scan)),
        ("/api/v2/scans/{scan_id}", get(get_scan)),
        ("/api/v2/scans/{scan_id}/results", get(scan_results)),
        ("/api/v2/scans/{scan_id}/report", get(scan_report)),
    ]
}

async fn start_scan(
    State(state): State<SimState>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let hostname = valid_hostname(&body)?;
    let scan_id = Uuid::new_v4().to_string();
    let record = ScanRecord {
        hostname,
        started: state.now(),
    };
    let reply = scan_json(&state, &scan_id, &record);
    state.scans().insert(scan_id, record);
    Ok((StatusCode::CREATED, Json(reply)))
}

async fn get_scan(
    State(state): State<SimState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let scan_id = scan_id(path)?;
    let record = find_scan(&state, &scan_id)?;
    Ok(Json(scan_json(&state, &scan_id, &record)))
}

async fn scan_results(
    State(state): State<SimState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let scan_id = scan_id(path)?;
    completed_results(&state, &scan_id).map(Json)
}

async fn scan_report(
    State(state): State<SimState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let scan_id = scan_id(path)?;
    let results = completed_results(&state, &scan_id)?;
    let body = serde_json::to_string_pretty(&results)
        .map_err(|error| ApiError::internal(format!("cannot render the report: {error}")))?;
    // Scan ids are UUIDs we issued (unknown ids were 404 above), so the header value is valid.
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{scan_id}.json\""))
        .map_err(|error| ApiError::internal(format!("cannot name the report: {error}")))?;
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        ),
        (header::CONTENT_DISPOSITION, disposition),
    ];
    Ok((headers, body).into_response())
}

/// The `hostname` of a start request: 1 to 253 letters, digits, '-', '.' or '_'.
fn valid_hostname(body: &Value) -> Result<String, ApiError> {
    let hostname = body
        .get("hostname")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::unprocessable("send {\"hostname\": \"<host to scan>\"}"))?;
    let valid = (1..=253).contains(&hostname.len())
        && hostname
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_'));
    if !valid {
        return Err(ApiError::unprocessable(
            "`hostname` must be 1 to 253 letters, digits, '-', '.' or '_', such as ws-001.corp.local",
        ));
    }
    Ok(hostname.to_owned())
}

/// The path's scan id; an id that is not valid UTF-8 cannot be one of ours.
fn scan_id(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    path.map(|Path(scan_id)| scan_id)
        .map_err(|rejection| ApiError::not_found(format!("no such scan: {rejection}")))
}

fn find_scan(state: &SimState, scan_id: &str) -> Result<ScanRecord, ApiError> {
    state.scans().get(scan_id).cloned().ok_or_else(|| {
        ApiError::not_found(format!(
            "no scan `{scan_id}`; start one with POST /api/v2/scans and use the scan_id it returns"
        ))
    })
}

fn status_of(state: &SimState, record: &ScanRecord) -> ScanStatus {
    scan_status(
        &record.hostname,
        record.started,
        state.config().scan_seconds,
        state.now(),
    )
}

/// The Scan body: `finished` is when the scan's time ran out, once it is no longer RUNNING.
fn scan_json(state: &SimState, scan_id: &str, record: &ScanRecord) -> Value {
    let status = status_of(state, record);
    let finished = (status != ScanStatus::Running)
        .then(|| rfc3339(record.started + state.config().scan_seconds));
    json!({
        "scan_id": scan_id,
        "hostname": record.hostname,
        "status": status.as_str(),
        "started": rfc3339(record.started),
        "finished": finished,
    })
}

/// The ScanResults body of a COMPLETE scan; 404 for unknown scans, 409 for the others.
fn completed_results(state: &SimState, scan_id: &str) -> Result<Value, ApiError> {
    let record = find_scan(state, scan_id)?;
    match status_of(state, &record) {
        ScanStatus::Complete => Ok(results_json(scan_id, &record.hostname)),
        ScanStatus::Running => Err(ApiError::conflict(
            "scan_not_complete",
            format!(
                "scan `{scan_id}` is still RUNNING; poll GET /api/v2/scans/{scan_id} until COMPLETE"
            ),
        )),
        ScanStatus::Failed => Err(ApiError::conflict(
            "scan_failed",
            format!(
                "scan `{scan_id}` FAILED and has no results; start a new one with POST /api/v2/scans"
            ),
        )),
    }
}

/// The one rendering of a host's findings, shared by the results and the report.
fn results_json(scan_id: &str, hostname: &str) -> Value {
    let entities: Vec<Value> = scan_findings(hostname)
        .into_iter()
        .map(|finding| {
            json!({
                "entity_id": finding.entity_id,
                "type": finding.entity_type,
                "ip_address": finding.ip_address,
                "vulnerability_status": finding.vulnerability_status,
                "vulns": finding.vulns,
            })
        })
        .collect();
    json!({
        "scan_id": scan_id,
        "hostname": hostname,
        "status": ScanStatus::Complete.as_str(),
        "entities": entities,
    })
}
