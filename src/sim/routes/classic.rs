//! The classic HelloWorld API (`/api/v1`): the defunct service the classic Python integration
//! called, served over the same alert store, intel and scans as `/api/v2`, so both APIs agree
//! and the classic integration runs here unchanged. Every route is a GET with query parameters,
//! authenticated by the raw API key as a bearer token, and every error is plain text, because
//! the classic client prints the body after `Error in API call [<status>] - <reason>\n`.
//! Behaviour follows `shared/reference/helloworld-v1.md` §1, except where the classic server was
//! random (alert ids, created times, scan completion): here it is deterministic.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::Routes;
use super::classic_shapes as shapes;
use crate::sim::intel::{self, ScanStatus};
use crate::sim::model::{Severity, Status, StoredAlert, parse_alert_id};
use crate::sim::state::{ScanRecord, SimState};
use crate::sim::store::{AlertChange, AlertQuery, AlertStore};

pub(super) fn routes() -> Routes {
    vec![
        ("/api/v1/get_alerts", get(get_alerts)),
        ("/api/v1/get_alert_details", get(get_alert_details)),
        ("/api/v1/change_alert_status", get(change_alert_status)),
        ("/api/v1/ip", get(ip_reputation)),
        ("/api/v1/domain", get(domain_reputation)),
        ("/api/v1/start_scan", get(start_scan)),
        ("/api/v1/check_scan", get(check_scan)),
        ("/api/v1/get_scan_results", get(get_scan_results)),
    ]
}

/// What the classic server answered when `max_results` was absent or 0.
const DEFAULT_MAX_RESULTS: usize = 10;
/// How far back `get_alerts` looks when `start_time` is absent, 0 or not in the past.
const DEFAULT_LOOKBACK_SECONDS: i64 = 60;
const SEVERITY_ERROR: &str = "Error: Severity must be a comma separated value including the following Low,Medium,High,Critical";
const STATUS_ERROR: &str = "Invalid alert_status. Must be ACTIVE or CLOSED";

/// A classic error: a status and a plain-text body.
#[derive(Debug)]
struct ClassicError {
    status: StatusCode,
    text: String,
}

impl ClassicError {
    fn new(status: StatusCode, text: impl Into<String>) -> Self {
        Self {
            status,
            text: text.into(),
        }
    }

    fn bad_request(text: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, text)
    }

    fn not_found(text: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, text)
    }
}

impl IntoResponse for ClassicError {
    fn into_response(self) -> Response {
        (self.status, self.text).into_response()
    }
}

/// The query parameters of an authorized classic request. Extracting it checks the key first,
/// as the classic server did before it looked at any parameter.
#[derive(Debug)]
struct Params(HashMap<String, String>);

impl FromRequestParts<SimState> for Params {
    type Rejection = ClassicError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SimState,
    ) -> Result<Self, Self::Rejection> {
        check_authorization(
            parts.headers.get(header::AUTHORIZATION),
            &state.config().api_key,
        )?;
        parse_query(parts.uri.query())
    }
}

impl Params {
    /// A parameter's value. An empty value counts as absent: the classic server tested them with
    /// Python truthiness.
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|value| !value.is_empty())
    }

    /// A parameter the route cannot do without, or the classic 400 `missing` text.
    fn required(&self, name: &str, missing: &str) -> Result<&str, ClassicError> {
        self.get(name)
            .ok_or_else(|| ClassicError::bad_request(missing))
    }
}

/// 403 unless `Authorization` is `Bearer <api_key>`. The classic server matched the header with
/// `^Bearer ([\w+\-]*)$` and compared the captured key; this checks the same by hand.
fn check_authorization(value: Option<&HeaderValue>, api_key: &str) -> Result<(), ClassicError> {
    let Some(value) = value else {
        // The classic server also had "No Headers", which HTTP clients never trigger.
        return Err(ClassicError::new(StatusCode::FORBIDDEN, "No Authorization"));
    };
    let presented = value.to_str().ok().and_then(bearer_key);
    if presented == Some(api_key) {
        Ok(())
    } else {
        Err(ClassicError::new(
            StatusCode::FORBIDDEN,
            "Invalid Authorization",
        ))
    }
}

/// The key in `Bearer <key>` when the key is made of word characters, `+` and `-` only.
fn bearer_key(value: &str) -> Option<&str> {
    let key = value.strip_prefix("Bearer ")?;
    key.chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '+' | '-'))
        .then_some(key)
}

/// The query string as parameters; a repeated parameter keeps its last value.
fn parse_query(query: Option<&str>) -> Result<Params, ClassicError> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query.unwrap_or(""))
        .map(|pairs| Params(pairs.into_iter().collect()))
        .map_err(|error| {
            ClassicError::bad_request(format!("Input Error: malformed query string: {error}"))
        })
}

/// `GET /api/v1/get_alerts`: alerts visible now, created at or after `start_time`, oldest first.
/// The classic server answered a request without any query string with a 500 (a variable was
/// never assigned); nothing relied on that, so such a request gets the defaults here.
async fn get_alerts(
    State(state): State<SimState>,
    params: Params,
) -> Result<Json<Value>, ClassicError> {
    let Some(query) = alert_query(&params, state.now())? else {
        return Ok(Json(json!([])));
    };
    let store = state.store();
    let alerts = store
        .list(&query)
        .alerts
        .into_iter()
        .map(shapes::alert_summary)
        .collect();
    Ok(Json(Value::Array(alerts)))
}

/// The store query for `get_alerts`' parameters; `None` when no alert can match (an unknown
/// `alert_status`, which the classic server compared exactly).
fn alert_query(params: &Params, now: i64) -> Result<Option<AlertQuery>, ClassicError> {
    let severities = severities(params.get("severity"))?;
    let limit = max_results(params.get("max_results"))?;
    let start_time = start_time(params.get("start_time"), now)?;
    let status = match params.get("alert_status") {
        None => None,
        Some(text) => match Status::parse(text) {
            Some(status) => Some(status),
            None => return Ok(None),
        },
    };
    // One exact type: a CSV names no type, so it matches nothing, as on the classic server.
    let types = params
        .get("alert_type")
        .map(str::to_owned)
        .into_iter()
        .collect();
    Ok(Some(AlertQuery {
        status,
        severities,
        types,
        created_after: Some(start_time),
        limit,
        now,
        ..AlertQuery::default()
    }))
}

/// `severity`: a CSV of exact severity names, or every severity when absent.
fn severities(csv: Option<&str>) -> Result<Vec<Severity>, ClassicError> {
    let Some(csv) = csv else {
        return Ok(Vec::new());
    };
    csv.split(',')
        .map(Severity::parse)
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| ClassicError::new(StatusCode::INTERNAL_SERVER_ERROR, SEVERITY_ERROR))
}

/// `max_results`: 10 when absent or 0; a negative number lifts the limit, as the classic server
/// ignored one.
fn max_results(text: Option<&str>) -> Result<usize, ClassicError> {
    let Some(text) = text else {
        return Ok(DEFAULT_MAX_RESULTS);
    };
    let number: i64 = text.parse().map_err(|_| {
        ClassicError::bad_request(format!(
            "Input Error: max_results must be a whole number, not `{text}`"
        ))
    })?;
    Ok(match number {
        0 => DEFAULT_MAX_RESULTS,
        _ => usize::try_from(number).unwrap_or(usize::MAX),
    })
}

/// `start_time`: epoch seconds, inclusive; absent, 0 or not in the past means the last minute.
fn start_time(text: Option<&str>, now: i64) -> Result<i64, ClassicError> {
    let given = match text {
        None => 0,
        Some(text) => text.parse::<i64>().map_err(|_| {
            ClassicError::bad_request(format!(
                "Input Error: start_time must be epoch seconds, not `{text}`"
            ))
        })?,
    };
    Ok(if given == 0 || given >= now {
        now - DEFAULT_LOOKBACK_SECONDS
    } else {
        given
    })
}

/// The stored alert behind a classic `alert_id`, or the classic 404.
fn find_alert<'a>(store: &'a AlertStore, alert_id: &str) -> Result<&'a StoredAlert, ClassicError> {
    parse_alert_id(alert_id)
        .and_then(|seq| store.get(seq))
        .ok_or_else(|| ClassicError::not_found("Alert not found"))
}

/// `GET /api/v1/get_alert_details?alert_id=`.
async fn get_alert_details(
    State(state): State<SimState>,
    params: Params,
) -> Result<Json<Value>, ClassicError> {
    let alert_id = params.required("alert_id", "No alert_id provided")?;
    let store = state.store();
    Ok(Json(shapes::alert_details(find_alert(&store, alert_id)?)))
}

/// `GET /api/v1/change_alert_status?alert_id=&alert_status=`: changes the shared store, so the
/// v2 API sees the new status too.
async fn change_alert_status(
    State(state): State<SimState>,
    params: Params,
) -> Result<Json<Value>, ClassicError> {
    let alert_id = params.required("alert_id", "No alert_id provided")?;
    let status = params
        .get("alert_status")
        .and_then(Status::parse)
        .ok_or_else(|| ClassicError::bad_request(STATUS_ERROR))?;
    let now = state.now();
    let mut store = state.store_mut();
    let seq = find_alert(&store, alert_id)?.seq;
    let change = AlertChange {
        status: Some(status),
        ..AlertChange::default()
    };
    let updated = store
        .update(seq, change, now)
        .ok_or_else(|| ClassicError::not_found("Alert not found"))?;
    Ok(Json(shapes::status_update(updated)))
}

/// `GET /api/v1/ip?ip=`: an RDAP-like record; private, reserved or malformed addresses are not
/// found, as a registry has no record of them.
async fn ip_reputation(params: Params) -> Result<Json<Value>, ClassicError> {
    let ip = params.required("ip", "No ip provided")?;
    let address = ip
        .parse()
        .ok()
        .filter(|address| shapes::is_public(*address))
        .ok_or_else(|| ClassicError::not_found("IP not found!"))?;
    let score = intel::reputation_score("ip", ip);
    Ok(Json(shapes::ip_record(ip, address, score)))
}

/// `GET /api/v1/domain?domain=`: a WHOIS-like record; reserved names are not found.
async fn domain_reputation(params: Params) -> Result<Json<Value>, ClassicError> {
    let domain = params.required("domain", "No domain provided")?;
    let score = intel::reputation_score("domain", domain);
    shapes::domain_record(domain, score)
        .map(Json)
        .ok_or_else(|| ClassicError::not_found("Domain not found!"))
}

/// `GET /api/v1/start_scan?hostname=`: the scan is shared with `/api/v2/scans`.
async fn start_scan(
    State(state): State<SimState>,
    params: Params,
) -> Result<Json<Value>, ClassicError> {
    let hostname = params.required("hostname", "No hostname provided")?;
    let scan_id = uuid::Uuid::new_v4().to_string();
    let record = ScanRecord {
        hostname: hostname.to_owned(),
        started: state.now(),
    };
    state.scans().insert(scan_id.clone(), record);
    Ok(Json(
        json!({"scan_id": scan_id, "status": ScanStatus::Running.as_str()}),
    ))
}

/// A scan's record and its status now, or the classic 400/404.
fn find_scan(
    state: &SimState,
    params: &Params,
) -> Result<(String, ScanRecord, ScanStatus), ClassicError> {
    let scan_id = params.required("scan_id", "No scan_id provided")?;
    let record = state
        .scans()
        .get(scan_id)
        .cloned()
        .ok_or_else(|| ClassicError::not_found("Scan not found"))?;
    let status = intel::scan_status(
        &record.hostname,
        record.started,
        state.config().scan_seconds,
        state.now(),
    );
    Ok((scan_id.to_owned(), record, status))
}

/// `GET /api/v1/check_scan?scan_id=`: RUNNING, then COMPLETE (or FAILED) after `scan_seconds`.
async fn check_scan(
    State(state): State<SimState>,
    params: Params,
) -> Result<Json<Value>, ClassicError> {
    let (scan_id, _, status) = find_scan(&state, &params)?;
    Ok(Json(json!({"scan_id": scan_id, "status": status.as_str()})))
}

/// `GET /api/v1/get_scan_results?scan_id=`. The classic server answered any id with canned
/// results; here results exist only once the scan is COMPLETE, and earlier requests get a 400
/// (the classic API's status for a request that cannot be answered as asked).
async fn get_scan_results(
    State(state): State<SimState>,
    params: Params,
) -> Result<Json<Value>, ClassicError> {
    let (scan_id, record, status) = find_scan(&state, &params)?;
    match status {
        ScanStatus::Complete => Ok(Json(shapes::scan_results(
            &scan_id,
            &intel::scan_findings(&record.hostname),
        ))),
        ScanStatus::Running => Err(ClassicError::bad_request("Scan not complete")),
        ScanStatus::Failed => Err(ClassicError::bad_request("Scan failed")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(text: &str) -> HeaderValue {
        HeaderValue::from_str(text).unwrap()
    }

    #[test]
    fn authorization_is_checked_like_the_classic_regex() {
        assert!(check_authorization(Some(&header("Bearer ab_c+d-9")), "ab_c+d-9").is_ok());
        let cases = [
            (None, "No Authorization"),
            (Some("Bearer wrong"), "Invalid Authorization"),
            (Some("bearer key"), "Invalid Authorization"),
            (Some("Bearer key!"), "Invalid Authorization"),
            (Some("Bearer  key"), "Invalid Authorization"),
            (Some("Basic key"), "Invalid Authorization"),
        ];
        for (value, text) in cases {
            let value = value.map(header);
            let error = check_authorization(value.as_ref(), "key").unwrap_err();
            assert_eq!(error.status, StatusCode::FORBIDDEN);
            assert_eq!(error.text, text, "{value:?}");
        }
        // The regex accepts an empty key; only an empty configured key would match it.
        assert_eq!(bearer_key("Bearer "), Some(""));
    }

    #[test]
    fn get_alerts_parameters_follow_the_classic_server() {
        assert_eq!(max_results(None).unwrap(), 10);
        assert_eq!(max_results(Some("0")).unwrap(), 10);
        assert_eq!(max_results(Some("3")).unwrap(), 3);
        assert_eq!(max_results(Some("-5")).unwrap(), usize::MAX);
        assert_eq!(
            max_results(Some("two")).unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(start_time(None, 1000).unwrap(), 940);
        assert_eq!(start_time(Some("0"), 1000).unwrap(), 940);
        assert_eq!(start_time(Some("1000"), 1000).unwrap(), 940);
        assert_eq!(start_time(Some("999"), 1000).unwrap(), 999);
        assert!(start_time(Some("soon"), 1000).is_err());
        assert_eq!(
            severities(Some("High,Critical")).unwrap(),
            [Severity::High, Severity::Critical]
        );
        for bad in ["high", "Low,", "Low, High", "Info"] {
            let error = severities(Some(bad)).unwrap_err();
            assert_eq!(error.status, StatusCode::INTERNAL_SERVER_ERROR);
            assert_eq!(error.text, SEVERITY_ERROR);
        }
    }

    #[test]
    fn unknown_status_matches_nothing_and_empty_values_are_absent() {
        let params = parse_query(Some("alert_status=OPEN")).unwrap();
        assert!(alert_query(&params, 1000).unwrap().is_none());
        let params = parse_query(Some("alert_status=&severity=&alert_type=Bug%2CAttack")).unwrap();
        let query = alert_query(&params, 1000).unwrap().unwrap();
        assert_eq!(query.status, None);
        assert!(query.severities.is_empty());
        assert_eq!(query.types, ["Bug,Attack"]);
        assert_eq!(query.created_after, Some(940));
    }
}
