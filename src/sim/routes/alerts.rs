//! The alert routes of the vendor API (`/api/v2/alerts*`): the keyset-paged listing, create
//! (made retry-safe by `Idempotency-Key`), get, patch, delete, and an alert's notes. Handlers
//! parse, call the store once, and render; the list's query string is parsed in `alert_query`,
//! request bodies by the helpers below.

mod alert_query;

use axum::Json;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::{JsonBody, Routes, query_map};
use crate::sim::error::ApiError;
use crate::sim::model::{AlertText, Severity, Status, alert_id, parse_alert_id, rfc3339};
use crate::sim::state::SimState;
use crate::sim::store::{AlertChange, Note};

pub(super) fn routes() -> Routes {
    vec![
        ("/api/v2/alerts", get(list_alerts).post(create_alert)),
        (
            "/api/v2/alerts/{alert_id}",
            get(get_alert).patch(update_alert).delete(delete_alert),
        ),
        (
            "/api/v2/alerts/{alert_id}/notes",
            get(list_notes).post(add_note),
        ),
    ]
}

const NAME_MAX: usize = 500;
const TYPE_MAX: usize = 100;
const DESCRIPTION_MAX: usize = 10_000;
const ASSIGNEE_MAX: usize = 200;
const NOTE_TEXT_MAX: usize = 10_000;
const IDEMPOTENCY_KEY_MAX: usize = 200;
const DEFAULT_AUTHOR: &str = "helloworld";

async fn list_alerts(
    State(state): State<SimState>,
    query: RawQuery,
) -> Result<Json<Value>, ApiError> {
    let query = alert_query::parse(&query_map(query)?, state.now())?;
    let store = state.store();
    let page = store.list(&query);
    let alerts: Vec<Value> = page.alerts.iter().map(|alert| alert.to_json()).collect();
    let next_cursor = page.next.map(alert_query::encode_cursor);
    Ok(Json(json!({"alerts": alerts, "next_cursor": next_cursor})))
}

async fn create_alert(
    State(state): State<SimState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let key = idempotency_key(&headers)?;
    let (severity, text) = new_alert(&body)?;
    // Held until the alert is stored, so that concurrent retries with one key create one alert.
    let mut keys = state.idempotency();
    if let Some(seq) = key.as_ref().and_then(|key| keys.get(key)).copied() {
        return replayed_alert(&state, seq).map(|alert| (StatusCode::OK, Json(alert)));
    }
    let now = state.now();
    let mut store = state.store_mut();
    let seq = store.insert(now, now, severity, Status::Active, text);
    if let Some(key) = key {
        keys.insert(key, seq);
    }
    let alert = store
        .get(seq)
        .map(|alert| alert.to_json())
        .ok_or_else(|| ApiError::internal("the new alert vanished from the store; retry"))?;
    Ok((StatusCode::CREATED, Json(alert)))
}

/// The alert an earlier request with the same `Idempotency-Key` created.
fn replayed_alert(state: &SimState, seq: u64) -> Result<Value, ApiError> {
    state
        .store()
        .get(seq)
        .map(|alert| alert.to_json())
        .ok_or_else(|| {
            ApiError::unprocessable(format!(
                "this Idempotency-Key created {}, which has since been deleted; send a new key \
                 to create another alert",
                alert_id(seq)
            ))
        })
}

async fn get_alert(
    State(state): State<SimState>,
    AlertSeq(seq): AlertSeq,
) -> Result<Json<Value>, ApiError> {
    state
        .store()
        .get(seq)
        .map(|alert| Json(alert.to_json()))
        .ok_or_else(|| no_such_alert(&alert_id(seq)))
}

async fn update_alert(
    State(state): State<SimState>,
    AlertSeq(seq): AlertSeq,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let change = alert_change(&body);
    let mut store = state.store_mut();
    // A missing alert is reported before a bad body, as for a malformed id.
    if store.get(seq).is_none() {
        return Err(no_such_alert(&alert_id(seq)));
    }
    store
        .update(seq, change?, state.now())
        .map(|alert| Json(alert.to_json()))
        .ok_or_else(|| no_such_alert(&alert_id(seq)))
}

async fn delete_alert(
    State(state): State<SimState>,
    AlertSeq(seq): AlertSeq,
) -> Result<StatusCode, ApiError> {
    if state.store_mut().delete(seq) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(no_such_alert(&alert_id(seq)))
    }
}

async fn list_notes(
    State(state): State<SimState>,
    AlertSeq(seq): AlertSeq,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let notes = store
        .notes(seq)
        .ok_or_else(|| no_such_alert(&alert_id(seq)))?;
    let notes: Vec<Value> = notes.iter().map(|note| note_json(seq, note)).collect();
    Ok(Json(json!({"notes": notes})))
}

async fn add_note(
    State(state): State<SimState>,
    AlertSeq(seq): AlertSeq,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let note = new_note(&body);
    let mut store = state.store_mut();
    if store.get(seq).is_none() {
        return Err(no_such_alert(&alert_id(seq)));
    }
    let (text, author) = note?;
    store
        .add_note(seq, text, author, state.now())
        .map(|note| (StatusCode::CREATED, Json(note_json(seq, &note))))
        .ok_or_else(|| no_such_alert(&alert_id(seq)))
}

/// The number behind the `{alert_id}` of the path; ids that are not ours are 404, like
/// well-formed ids of alerts that do not exist.
struct AlertSeq(u64);

impl<S: Send + Sync> FromRequestParts<S> for AlertSeq {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| no_such_alert("in the path"))?;
        parse_alert_id(&id)
            .map(AlertSeq)
            .ok_or_else(|| no_such_alert(&id))
    }
}

fn no_such_alert(id: &str) -> ApiError {
    ApiError::not_found(format!(
        "no alert {id}; alert ids look like HW-000000000042 and come from GET /api/v2/alerts"
    ))
}

/// Note ids are rendered `N-<number>`, so they cannot be mistaken for alert ids.
fn note_json(seq: u64, note: &Note) -> Value {
    json!({
        "id": format!("N-{}", note.id),
        "alert_id": alert_id(seq),
        "text": note.text,
        "author": note.author,
        "created": rfc3339(note.created),
    })
}

/// The `Idempotency-Key` header, if sent: 1 to 200 characters.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .filter(|key| !key.is_empty() && key.chars().count() <= IDEMPOTENCY_KEY_MAX)
        .map(|key| Some(key.to_owned()))
        .ok_or_else(|| {
            ApiError::bad_request(
                "bad_request",
                format!(
                    "Idempotency-Key must be 1 to {IDEMPOTENCY_KEY_MAX} visible ASCII \
                     characters; a UUID is a good key"
                ),
            )
        })
}

/// A `NewAlert` body: its severity and texts.
fn new_alert(body: &Value) -> Result<(Severity, AlertText), ApiError> {
    let fields = object(
        body,
        "a NewAlert such as {\"name\", \"severity\", \"type\"}",
    )?;
    let name = required("name", text_field(fields, "name", 1, NAME_MAX)?)?;
    let severity = required("severity", severity_field(fields)?)?;
    let alert_type = required("type", text_field(fields, "type", 1, TYPE_MAX)?)?;
    let text = AlertText {
        name,
        alert_type,
        description: text_field(fields, "description", 0, DESCRIPTION_MAX)?.unwrap_or_default(),
        source_ip: text_field(fields, "source_ip", 0, usize::MAX)?,
        user: text_field(fields, "user", 0, usize::MAX)?,
        hostname: text_field(fields, "hostname", 0, usize::MAX)?,
        url: text_field(fields, "url", 0, usize::MAX)?,
    };
    Ok((severity, text))
}

/// An `AlertUpdate` body: at least one of status, severity and assignee.
fn alert_change(body: &Value) -> Result<AlertChange, ApiError> {
    let fields = object(body, "an AlertUpdate such as {\"status\": \"CLOSED\"}")?;
    let status = text_field(fields, "status", 0, usize::MAX)?
        .map(|text| {
            Status::parse(&text).ok_or_else(|| {
                ApiError::unprocessable(format!(
                    "`status` must be ACTIVE or CLOSED (exact case), not `{text}`"
                ))
            })
        })
        .transpose()?;
    let change = AlertChange {
        status,
        severity: severity_field(fields)?,
        assignee: assignee_field(fields)?,
    };
    if change.status.is_none() && change.severity.is_none() && change.assignee.is_none() {
        return Err(ApiError::unprocessable(
            "send at least one of `status`, `severity` and `assignee` (null unassigns)",
        ));
    }
    Ok(change)
}

/// A new note's body: its text and author (`helloworld` when not given).
fn new_note(body: &Value) -> Result<(String, String), ApiError> {
    let fields = object(body, "{\"text\": \"...\", \"author\": \"...\"}")?;
    let text = required("text", text_field(fields, "text", 1, NOTE_TEXT_MAX)?)?;
    let author =
        text_field(fields, "author", 0, usize::MAX)?.unwrap_or_else(|| DEFAULT_AUTHOR.to_owned());
    Ok((text, author))
}

type Fields = Map<String, Value>;

fn object<'a>(body: &'a Value, expected: &str) -> Result<&'a Fields, ApiError> {
    body.as_object()
        .ok_or_else(|| ApiError::unprocessable(format!("the body must be {expected}")))
}

fn required<T>(name: &str, value: Option<T>) -> Result<T, ApiError> {
    value.ok_or_else(|| ApiError::unprocessable(format!("`{name}` is required")))
}

/// A string field of `min..=max` characters; absent and null are both `None`.
fn text_field(
    fields: &Fields,
    name: &str,
    min: usize,
    max: usize,
) -> Result<Option<String>, ApiError> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if (min..=max).contains(&text.chars().count()) => {
            Ok(Some(text.clone()))
        }
        Some(Value::String(_)) => Err(ApiError::unprocessable(format!(
            "`{name}` must be {min} to {max} characters long"
        ))),
        Some(_) => Err(ApiError::unprocessable(format!(
            "`{name}` must be a string"
        ))),
    }
}

fn severity_field(fields: &Fields) -> Result<Option<Severity>, ApiError> {
    text_field(fields, "severity", 0, usize::MAX)?
        .map(|text| {
            Severity::parse(&text).ok_or_else(|| {
                ApiError::unprocessable(format!(
                    "`severity` must be Low, Medium, High or Critical (exact case), not `{text}`"
                ))
            })
        })
        .transpose()
}

/// `Some(None)` for an explicit null, which unassigns.
fn assignee_field(fields: &Fields) -> Result<Option<Option<String>>, ApiError> {
    match fields.get("assignee") {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(text)) if text.chars().count() <= ASSIGNEE_MAX => {
            Ok(Some(Some(text.clone())))
        }
        Some(_) => Err(ApiError::unprocessable(format!(
            "`assignee` must be a string of at most {ASSIGNEE_MAX} characters, or null to \
             unassign"
        ))),
    }
}
