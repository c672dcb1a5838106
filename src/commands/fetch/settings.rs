//! The fetch params, checked: what the instance asks fetch-incidents to collect, with a clear
//! error for every value that cannot be used (in fetch and in test-module alike).

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Map, Value};

use crate::client::{Alert, AlertFilter};
use crate::commands::CommandError;
use crate::xsoar::args::{arg_to_datetime_at, arg_to_number};

/// The severities, least serious first: `min_severity` selects a suffix of this list.
pub const SEVERITIES: [&str; 4] = ["Low", "Medium", "High", "Critical"];
/// The allowed range of `max_fetch`.
pub const MAX_FETCH_RANGE: std::ops::RangeInclusive<i64> = 1..=200;
/// The longest `look_back`, in minutes (one day).
pub const MAX_LOOK_BACK_MINUTES: i64 = 1440;
/// How long one fetch run may page before it returns what it has: well inside XSOAR's
/// default 3-minute command timeout.
pub const DEFAULT_TIME_BUDGET: Duration = Duration::from_secs(60);

/// What one fetch run collects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchSettings {
    /// New incidents per run at most.
    pub max_fetch: usize,
    /// Where the first run starts.
    pub first_fetch: DateTime<Utc>,
    /// Which alerts become incidents.
    pub filters: IncidentFilters,
    /// How long after its creation an alert may become visible and still be fetched.
    pub look_back: TimeDelta,
    /// When to stop paging and return what was collected.
    pub time_budget: Duration,
}

impl FetchSettings {
    /// The settings from the instance params (declared defaults already applied), with relative
    /// times resolved against `now`.
    pub fn from_params(
        params: &Map<String, Value>,
        now: DateTime<Utc>,
    ) -> Result<Self, CommandError> {
        let max_fetch =
            arg_to_number(params.get("max_fetch"), Some("max_fetch"), true)?.unwrap_or_default();
        if !MAX_FETCH_RANGE.contains(&max_fetch) {
            return Err(invalid(format!(
                "the max_fetch param is {max_fetch}; use a whole number from 1 to 200 (XSOAR recommends at most 200 incidents per fetch)"
            )));
        }
        let first_fetch =
            arg_to_datetime_at(now, params.get("first_fetch"), Some("first_fetch"), true)?
                .unwrap_or(now);
        if first_fetch > now {
            return Err(invalid(
                "the first_fetch param is in the future; use a past time such as \"3 days\""
                    .to_owned(),
            ));
        }
        let look_back =
            arg_to_number(params.get("look_back"), Some("look_back"), false)?.unwrap_or(0);
        if !(0..=MAX_LOOK_BACK_MINUTES).contains(&look_back) {
            return Err(invalid(format!(
                "the look_back param is {look_back} minutes; use 0 to 1440"
            )));
        }
        Ok(Self {
            max_fetch: usize::try_from(max_fetch).unwrap_or(1),
            first_fetch,
            filters: IncidentFilters::from_params(params)?,
            look_back: TimeDelta::minutes(look_back),
            time_budget: DEFAULT_TIME_BUDGET,
        })
    }
}

/// Which alerts become incidents: the params `min_severity`, `alert_status` and `alert_type`.
/// Fetch asks the vendor for them and the push listener checks each pushed alert against them,
/// so both paths agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentFilters {
    /// `min_severity` and above.
    pub severities: Vec<String>,
    /// `ACTIVE` or `CLOSED`.
    pub status: String,
    /// The types wanted; empty for all.
    pub types: Vec<String>,
}

impl IncidentFilters {
    /// The filters from the instance params, with a clear error for a value that cannot be used.
    pub fn from_params(params: &Map<String, Value>) -> Result<Self, CommandError> {
        Ok(Self {
            severities: severities_from(text(params, "min_severity").as_deref().unwrap_or("Low"))?,
            status: status_from(text(params, "alert_status").as_deref().unwrap_or("ACTIVE"))?,
            types: text(params, "alert_type")
                .map(|types| {
                    types
                        .split(',')
                        .map(str::trim)
                        .filter(|kind| !kind.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
        })
    }

    /// The vendor query for these alerts (callers add the time window and the page size).
    pub fn alert_filter(&self) -> AlertFilter {
        AlertFilter {
            status: Some(self.status.clone()),
            severities: self.severities.clone(),
            types: self.types.clone(),
            ..AlertFilter::default()
        }
    }

    /// Whether `alert` passes, as the vendor would decide it (the case does not matter).
    pub fn wants(&self, alert: &Alert) -> bool {
        let matches = |wanted: &str, actual: &str| wanted.eq_ignore_ascii_case(actual.trim());
        matches(&self.status, &alert.status)
            && self.severities.iter().any(|s| matches(s, &alert.severity))
            && (self.types.is_empty() || self.types.iter().any(|t| matches(t, &alert.alert_type)))
    }

    /// A fingerprint: when it changes between fetch runs, the late-alert probe restarts.
    pub fn fingerprint(&self) -> String {
        format!(
            "{}|{}|{}",
            self.status,
            self.severities.join(","),
            self.types.join(",")
        )
    }
}

fn text(params: &Map<String, Value>, name: &str) -> Option<String> {
    params
        .get(name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

/// `min_severity` and above; the case of the value does not matter.
fn severities_from(min_severity: &str) -> Result<Vec<String>, CommandError> {
    let position = SEVERITIES
        .iter()
        .position(|severity| severity.eq_ignore_ascii_case(min_severity))
        .ok_or_else(|| {
            invalid(format!(
                "the min_severity param is `{min_severity}`; use one of Low, Medium, High, Critical"
            ))
        })?;
    Ok(SEVERITIES[position..]
        .iter()
        .map(|severity| (*severity).to_owned())
        .collect())
}

fn status_from(status: &str) -> Result<String, CommandError> {
    ["ACTIVE", "CLOSED"]
        .into_iter()
        .find(|known| known.eq_ignore_ascii_case(status))
        .map(str::to_owned)
        .ok_or_else(|| {
            invalid(format!(
                "the alert_status param is `{status}`; use ACTIVE or CLOSED"
            ))
        })
}

fn invalid(message: String) -> CommandError {
    CommandError::Config(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        "2026-11-20T12:00:00Z".parse().unwrap()
    }

    fn settings(params: &Value) -> Result<FetchSettings, CommandError> {
        let mut all = json!({"max_fetch": "10", "first_fetch": "3 days", "min_severity": "Low", "alert_status": "ACTIVE", "look_back": "0"});
        for (key, value) in params.as_object().unwrap() {
            all[key] = value.clone();
        }
        FetchSettings::from_params(all.as_object().unwrap(), now())
    }

    #[test]
    fn defaults_and_filters() {
        let settings = settings(
            &json!({"min_severity": "high", "alert_type": "Bug, Attack,,", "look_back": "15"}),
        )
        .unwrap();
        assert_eq!(settings.max_fetch, 10);
        assert_eq!(settings.first_fetch, now() - TimeDelta::days(3));
        assert_eq!(settings.filters.severities, ["High", "Critical"]);
        assert_eq!(settings.filters.status, "ACTIVE");
        assert_eq!(settings.filters.types, ["Bug", "Attack"]);
        assert_eq!(settings.look_back, TimeDelta::minutes(15));
    }

    #[test]
    fn every_bad_value_says_how_to_fix_it() {
        let cases = [
            (
                json!({"max_fetch": "0"}),
                "use a whole number from 1 to 200",
            ),
            (
                json!({"max_fetch": "500"}),
                "use a whole number from 1 to 200",
            ),
            (
                json!({"max_fetch": "ten"}),
                "Invalid number: \"max_fetch\"=\"ten\"",
            ),
            (
                json!({"first_fetch": "whenever"}),
                "Invalid date: \"first_fetch\"=\"whenever\"",
            ),
            (json!({"first_fetch": "in 3 days"}), "in the future"),
            (
                json!({"min_severity": "Severe"}),
                "use one of Low, Medium, High, Critical",
            ),
            (json!({"alert_status": "OPEN"}), "use ACTIVE or CLOSED"),
            (json!({"look_back": "-1"}), "use 0 to 1440"),
        ];
        for (params, expected) in cases {
            let message = settings(&params).unwrap_err().to_string();
            assert!(message.contains(expected), "{params}: {message}");
        }
    }
}
