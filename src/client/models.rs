//! Typed models of the API's payloads (`api/openapi.yaml`). Unknown fields are ignored, so a
//! vendor that adds fields breaks nothing, and objects keep their raw JSON as received: fetch
//! sends it to XSOAR as `rawJSON` and commands output it, so no field is lost in translation.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An alert, typed, with the JSON it came from.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Alert {
    /// Unique id, such as `HW-000000000042`.
    pub id: String,
    /// Title.
    pub name: String,
    /// Type, such as `Bug` or `Attack`.
    #[serde(rename = "type")]
    pub alert_type: String,
    /// `ACTIVE` or `CLOSED`.
    pub status: String,
    /// `Low`, `Medium`, `High` or `Critical`.
    pub severity: String,
    /// Creation time, RFC 3339.
    pub created: String,
    /// Last change, RFC 3339.
    pub updated: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// Who works on it.
    pub assignee: Option<String>,
    /// Entity: source IP.
    pub source_ip: Option<String>,
    /// Entity: user.
    pub user: Option<String>,
    /// Entity: host name.
    pub hostname: Option<String>,
    /// Entity: URL.
    pub url: Option<String>,
    /// The alert exactly as the vendor sent it.
    #[serde(skip)]
    pub raw: Value,
}

impl Alert {
    /// Reads an alert and keeps its raw JSON.
    pub fn from_json(raw: Value) -> Result<Self, serde_json::Error> {
        let mut alert: Self = serde_json::from_value(raw.clone())?;
        alert.raw = raw;
        Ok(alert)
    }
}

/// One page of `GET /api/v2/alerts`.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertPage {
    /// The alerts, in (created, id) order.
    pub alerts: Vec<Alert>,
    /// Where the next page starts; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// Filters and paging of `GET /api/v2/alerts`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertFilter {
    /// `ACTIVE` or `CLOSED`.
    pub status: Option<String>,
    /// Severities to include; empty for all.
    pub severities: Vec<String>,
    /// Types to include; empty for all.
    pub types: Vec<String>,
    /// Created at or after, RFC 3339.
    pub created_after: Option<String>,
    /// Created before, RFC 3339.
    pub created_before: Option<String>,
    /// Page size, 1 to 1000.
    pub limit: Option<u32>,
    /// The previous page's `next_cursor`.
    pub cursor: Option<String>,
}

impl AlertFilter {
    /// The query string pairs, leaving out what is unset.
    pub(crate) fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        let mut push = |name: &'static str, value: Option<String>| {
            if let Some(value) = value.filter(|value| !value.is_empty()) {
                query.push((name, value));
            }
        };
        push("status", self.status.clone());
        push("severity", Some(self.severities.join(",")));
        push("type", Some(self.types.join(",")));
        push("created_after", self.created_after.clone());
        push("created_before", self.created_before.clone());
        push("limit", self.limit.map(|limit| limit.to_string()));
        push("cursor", self.cursor.clone());
        query
    }
}

/// The body of `POST /api/v2/alerts`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NewAlert {
    /// Title.
    pub name: String,
    /// `Low`, `Medium`, `High` or `Critical`.
    pub severity: String,
    /// Type.
    #[serde(rename = "type")]
    pub alert_type: String,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Entity: source IP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_ip: Option<String>,
    /// Entity: user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Entity: host name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// Entity: URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The body of `PATCH /api/v2/alerts/{id}`; unset fields are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AlertUpdate {
    /// `ACTIVE` or `CLOSED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// New severity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    /// `Some(None)` unassigns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<Option<String>>,
}

/// A note on an alert.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Note {
    /// Note id.
    pub id: String,
    /// The alert it belongs to.
    pub alert_id: String,
    /// The text.
    pub text: String,
    /// Who wrote it.
    pub author: String,
    /// When, RFC 3339.
    pub created: String,
}

/// A reputation answer (IP, domain or URL): the score plus every attribute, raw.
#[derive(Debug, Clone, PartialEq)]
pub struct Reputation {
    /// 0 (unknown) to 100 (certainly malicious).
    pub score: i64,
    /// The whole answer as the vendor sent it.
    pub raw: Value,
}

/// A scan.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Scan {
    /// Scan id.
    pub scan_id: String,
    /// The host scanned.
    pub hostname: String,
    /// `RUNNING`, `COMPLETE` or `FAILED`.
    pub status: String,
    /// When it started.
    pub started: String,
    /// When it finished, once it has.
    pub finished: Option<String>,
}

/// The token answer of `POST /api/v2/auth/token`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct TokenResponse {
    pub(crate) access_token: String,
    pub(crate) expires_in: Option<i64>,
}
