//! From a vendor alert to an XSOAR incident: name, occurred (ISO 8601 UTC with milliseconds),
//! rawJSON (the alert exactly as received, encoded as Python's json.dumps would), severity,
//! dbotMirrorId and details.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Value, json};

use super::state::rfc3339_ms;
use crate::client::Alert;
use crate::xsoar::pyjson;

/// XSOAR's severity for a vendor severity: Low 1, Medium 2, High 3, Critical 4, else 0
/// (unknown). The case does not matter.
pub fn xsoar_severity(vendor: &str) -> Option<u8> {
    ["low", "medium", "high", "critical"]
        .iter()
        .position(|known| known.eq_ignore_ascii_case(vendor.trim()))
        .and_then(|index| u8::try_from(index + 1).ok())
}

/// A creation time as epoch milliseconds: RFC 3339 with any offset and precision, or a time
/// without a zone, which is taken as UTC.
pub fn created_ms(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time.with_timezone(&Utc).timestamp_millis());
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(|naive| naive.and_utc().timestamp_millis())
}

/// The incident for `alert`, occurring at `occurred_ms`.
pub fn incident(alert: &Alert, occurred_ms: i64, severity: u8) -> Value {
    json!({
        "name": alert.name,
        "occurred": rfc3339_ms(occurred_ms),
        "rawJSON": pyjson::dumps(&alert.raw, true),
        "severity": severity,
        "dbotMirrorId": alert.id,
        "details": alert.description.clone().unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_map_to_xsoar_numbers() {
        assert_eq!(xsoar_severity("Low"), Some(1));
        assert_eq!(xsoar_severity("CRITICAL"), Some(4));
        assert_eq!(xsoar_severity("Severe"), None);
    }

    #[test]
    fn creation_times_of_any_precision_and_zone_become_utc_milliseconds() {
        let base = 1_763_640_000_000;
        assert_eq!(created_ms("2025-11-20T12:00:00Z"), Some(base));
        assert_eq!(created_ms("2025-11-20T12:00:00.250Z"), Some(base + 250));
        assert_eq!(created_ms("2025-11-20T14:00:00+02:00"), Some(base));
        assert_eq!(created_ms("2025-11-20T12:00:00"), Some(base));
        assert_eq!(created_ms("2025-11-20 12:00:00.5"), Some(base + 500));
        assert_eq!(created_ms("yesterday-ish"), None);
    }

    #[test]
    fn the_incident_has_the_classic_keys_and_python_raw_json() {
        let raw = json!({"id": "HW-1", "name": "n", "type": "Bug", "status": "ACTIVE", "severity": "High", "created": "2025-11-20T12:00:00Z", "description": "é"});
        let alert = Alert::from_json(raw).unwrap();
        let incident = incident(&alert, 1_763_640_000_000, 3);
        assert_eq!(
            incident,
            json!({
                "name": "n", "occurred": "2025-11-20T12:00:00.000Z",
                "rawJSON": "{\"id\": \"HW-1\", \"name\": \"n\", \"type\": \"Bug\", \"status\": \"ACTIVE\", \"severity\": \"High\", \"created\": \"2025-11-20T12:00:00Z\", \"description\": \"\\u00e9\"}",
                "severity": 3, "dbotMirrorId": "HW-1", "details": "é"
            })
        );
    }
}
