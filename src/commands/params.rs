//! The instance params, declared once: the yml's `configuration`, the CLI's `--param` names and
//! `HELLOWORLD_*` variables, secret masking and the defaults applied to every run all come from
//! [`PARAMS`].

use serde_json::{Map, Value};

use crate::xsoar::spec::{ParamSpec, ParamType, Section};

/// Every instance param, in the order the instance settings show them.
pub static PARAMS: &[ParamSpec] = &[
    ParamSpec::new("url", "Server URL", ParamType::ShortText, Section::Connect)
        .required()
        .additional_info("The HelloWorld API base URL, with or without a trailing slash."),
    ParamSpec::new("api_key", "API Key", ParamType::Credentials, Section::Connect)
        .required()
        .additional_info("Exchanged for a short-lived access token; never printed or logged."),
    ParamSpec::new(
        "insecure",
        "Trust any certificate (not secure)",
        ParamType::Boolean,
        Section::Connect,
    )
    .default_value("false"),
    ParamSpec::new(
        "proxy",
        "Use system proxy settings",
        ParamType::Boolean,
        Section::Connect,
    )
    .default_value("false"),
    ParamSpec::new(
        "connect_timeout",
        "Connect timeout (seconds)",
        ParamType::ShortText,
        Section::Connect,
    )
    .default_value("5")
    .additional_info("How long to wait for a connection to the API before giving up.")
    .advanced(),
    ParamSpec::new(
        "request_timeout",
        "Request timeout (seconds)",
        ParamType::ShortText,
        Section::Connect,
    )
    .default_value("15")
    .additional_info(
        "How long one API request may take. Retries of failed requests stop after 30 s in all.",
    )
    .advanced(),
    ParamSpec::new("isFetch", "Fetch incidents", ParamType::Boolean, Section::Collect),
    ParamSpec::new("incidentType", "Incident type", ParamType::IncidentType, Section::Collect),
    ParamSpec::new("max_fetch", "Maximum number of incidents per fetch", ParamType::ShortText, Section::Collect)
        .default_value("10")
        .additional_info("1 to 200 new incidents per fetch run; a backlog drains over runs."),
    ParamSpec::new("first_fetch", "First fetch time", ParamType::ShortText, Section::Collect)
        .default_value("3 days")
        .additional_info("Where the first fetch starts: \"3 days\", \"2 hours ago\", an ISO 8601 time or epoch seconds."),
    ParamSpec::new("min_severity", "Minimum severity of alerts to fetch", ParamType::SingleSelect, Section::Collect)
        .default_value("Low")
        .options(&["Low", "Medium", "High", "Critical"]),
    ParamSpec::new("alert_status", "Fetch alerts with status", ParamType::SingleSelect, Section::Collect)
        .default_value("ACTIVE")
        .options(&["ACTIVE", "CLOSED"]),
    ParamSpec::new("alert_type", "Fetch alerts with type", ParamType::ShortText, Section::Collect)
        .additional_info("Comma-separated alert types, such as Bug,Attack. Empty fetches every type."),
    ParamSpec::new("look_back", "Look back (minutes)", ParamType::ShortText, Section::Collect)
        .default_value("0")
        .additional_info("How long after its creation time an alert may still become visible and be fetched (0 to 1440). Alerts that appear later are logged as missed.")
        .advanced(),
    ParamSpec::new("integrationReliability", "Source Reliability", ParamType::SingleSelect, Section::Collect)
        .default_value("C - Fairly reliable")
        .options(&[
            "A+ - 3rd party enrichment",
            "A - Completely reliable",
            "B - Usually reliable",
            "C - Fairly reliable",
            "D - Not usually reliable",
            "E - Unreliable",
            "F - Reliability cannot be judged",
        ])
        .additional_info("Reliability of the source providing the intelligence data."),
    ParamSpec::new("threshold_ip", "Score threshold for IP reputation", ParamType::ShortText, Section::Collect)
        .default_value("65")
        .additional_info("HelloWorld score (0-100) from which an IP is malicious; half of it makes it suspicious."),
    ParamSpec::new("threshold_domain", "Score threshold for domain reputation", ParamType::ShortText, Section::Collect)
        .default_value("65")
        .additional_info("HelloWorld score (0-100) from which a domain is malicious; half of it makes it suspicious."),
    ParamSpec::new("threshold_url", "Score threshold for URL reputation", ParamType::ShortText, Section::Collect)
        .default_value("65")
        .additional_info("HelloWorld score (0-100) from which a URL is malicious; half of it makes it suspicious."),
    ParamSpec::new("longRunning", "Long running instance", ParamType::Boolean, Section::Collect)
        .default_value("false")
        .additional_info("Listen for the vendor's alert pushes and create incidents as they arrive."),
    ParamSpec::new("longRunningPort", "Listen port", ParamType::ShortText, Section::Collect)
        .additional_info("The port the push listener binds. The vendor pushes to it directly, or through the server at /instance/execute/<instance name>."),
    ParamSpec::new("webhook_secret", "Webhook secret", ParamType::Credentials, Section::Collect)
        .additional_info("The secret the vendor signs each push with (X-HelloWorld-Signature: sha256=HMAC-SHA256 of the body). Pushes without a valid signature are refused."),
    ParamSpec::new("credentials", "Listener basic auth password", ParamType::Credentials, Section::Collect)
        .user_label("Listener basic auth user name")
        .additional_info("Optional: user name and password that pushes must also carry as HTTP basic auth (on the command line: user:password).")
        .advanced(),
    ParamSpec::new("reputation_concurrency", "Concurrent reputation lookups", ParamType::ShortText, Section::Connect)
        .default_value("8")
        .additional_info("How many indicators of one ip/domain/url command are looked up at once (1 to 32).")
        .advanced(),
];

/// The param called `name`.
pub fn find(name: &str) -> Option<&'static ParamSpec> {
    PARAMS.iter().find(|param| param.name == name)
}

/// Whether `name` is declared secret by its type.
pub fn is_declared_secret(name: &str) -> bool {
    find(name).is_some_and(|param| param.param_type.is_secret())
}

/// The params with the declared default of every one that is absent or null. XSOAR does not add
/// a new param's default to existing instances, so the code applies it.
pub fn with_defaults(params: &Map<String, Value>) -> Map<String, Value> {
    let mut completed = params.clone();
    for param in PARAMS {
        let missing = completed.get(param.name).is_none_or(Value::is_null);
        if let (true, Some(default)) = (missing, param.default_json()) {
            completed.insert(param.name.to_owned(), default);
        }
    }
    completed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_fill_only_missing_params() {
        let params = json!({"url": "http://x", "proxy": true, "insecure": null})
            .as_object()
            .cloned()
            .unwrap();
        let completed = with_defaults(&params);
        assert_eq!(completed["url"], json!("http://x"));
        assert_eq!(completed["proxy"], json!(true), "a given value is kept");
        assert_eq!(
            completed["insecure"],
            json!(false),
            "null takes the default"
        );
        for param in PARAMS {
            match param.default_json() {
                Some(default) if !params.contains_key(param.name) => {
                    assert_eq!(completed[param.name], default)
                }
                None => assert_eq!(completed.get(param.name), params.get(param.name)),
                _ => {}
            }
        }
    }

    #[test]
    fn param_names_are_unique_and_described() {
        let mut names: Vec<&str> = PARAMS.iter().map(|param| param.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), PARAMS.len());
        assert!(PARAMS.iter().all(|param| !param.display.is_empty()));
        assert!(is_declared_secret("api_key"));
        assert!(!is_declared_secret("url"));
        assert!(is_declared_secret("webhook_secret"));
    }
}
