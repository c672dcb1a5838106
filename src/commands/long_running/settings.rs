//! The long-running params, checked: the port to listen on, the webhook secret, the optional
//! basic-auth credentials, and the incident filters shared with fetch (so push and fetch agree on
//! what becomes an incident).

use serde_json::{Map, Value};

use crate::commands::CommandError;
use crate::commands::fetch::settings::IncidentFilters;

/// What the listener needs from the instance params.
#[derive(Clone)]
pub struct ListenerSettings {
    /// The TCP port (`longRunningPort`, which XSOAR sends as a string).
    pub port: u16,
    /// The shared HMAC secret of the vendor's pushes.
    pub secret: String,
    /// `user:password` that requests must also carry as basic auth, when set.
    pub basic_auth: Option<(String, String)>,
    /// Which pushed alerts become incidents: fetch's filters.
    pub filters: IncidentFilters,
}

impl std::fmt::Debug for ListenerSettings {
    // The secret and the password never reach a log line, not even through Debug.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ListenerSettings")
            .field("port", &self.port)
            .field("basic_auth", &self.basic_auth.is_some())
            .finish_non_exhaustive()
    }
}

impl ListenerSettings {
    /// The settings from the instance params (declared defaults already applied).
    pub fn from_params(params: &Map<String, Value>) -> Result<Self, CommandError> {
        let port_text = params
            .get("longRunningPort")
            .map(crate::xsoar::pyjson::py_str)
            .unwrap_or_default();
        let port = port_text
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|port| *port != 0)
            .ok_or_else(|| {
                CommandError::Config(format!(
                    "the longRunningPort param is `{}`; set the instance's listen port to a number from 1 to 65535",
                    port_text.trim()
                ))
            })?;
        let secret = secret_text(params.get("webhook_secret")).ok_or_else(|| {
            CommandError::Config(
                "the webhook_secret param is empty; set it to the secret the vendor signs its pushes with, so unsigned requests are refused".to_owned(),
            )
        })?;
        // A password turns basic auth on; the user name may be empty.
        let basic_auth = params.get("credentials").and_then(|credentials| {
            let user = credentials.get("identifier").and_then(Value::as_str);
            let password = credentials.get("password").and_then(Value::as_str)?;
            (!password.is_empty())
                .then(|| (user.unwrap_or_default().to_owned(), password.to_owned()))
        });
        Ok(Self {
            port,
            secret,
            basic_auth,
            filters: IncidentFilters::from_params(params)?,
        })
    }
}

/// A secret param's text: a plain string, or the password of a credentials object.
fn secret_text(value: Option<&Value>) -> Option<String> {
    let text = match value? {
        Value::String(text) => text.clone(),
        Value::Object(fields) => fields.get("password")?.as_str()?.to_owned(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Alert;
    use serde_json::json;

    fn params(value: &Value) -> Map<String, Value> {
        crate::commands::params::with_defaults(value.as_object().unwrap())
    }

    #[test]
    fn the_port_arrives_as_a_string_and_must_be_a_port() {
        let ok = ListenerSettings::from_params(&params(
            &json!({"longRunningPort": "8443", "webhook_secret": "s"}),
        ))
        .unwrap();
        assert_eq!(ok.port, 8443);
        for bad in [json!("x"), json!("0"), json!("70000"), json!("")] {
            let error = ListenerSettings::from_params(&params(
                &json!({"longRunningPort": bad, "webhook_secret": "s"}),
            ))
            .unwrap_err();
            assert!(error.to_string().contains("longRunningPort"), "{error}");
        }
    }

    #[test]
    fn an_empty_secret_is_refused_without_echoing_anything() {
        let error =
            ListenerSettings::from_params(&params(&json!({"longRunningPort": "1"}))).unwrap_err();
        assert!(error.to_string().contains("webhook_secret"));
    }

    #[test]
    fn filters_are_the_fetch_filters() {
        let settings = ListenerSettings::from_params(&params(&json!({
            "longRunningPort": "1", "webhook_secret": {"password": "s"},
            "min_severity": "High", "alert_type": "Attack"
        })))
        .unwrap();
        let alert = |severity: &str, kind: &str, status: &str| {
            Alert::from_json(
                json!({"id": "HW-1", "name": "n", "type": kind, "status": status,
                "severity": severity, "created": "2025-11-20T12:00:00Z"}),
            )
            .unwrap()
        };
        let wants = |alert| settings.filters.wants(&alert);
        assert!(wants(alert("Critical", "attack", "ACTIVE")));
        assert!(!wants(alert("Low", "Attack", "ACTIVE")));
        assert!(!wants(alert("High", "Bug", "ACTIVE")));
        assert!(!wants(alert("High", "Attack", "CLOSED")));
    }
}
