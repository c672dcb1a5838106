//! The simulator's classic API (`/api/v1`) over real HTTP: the shapes of the classic test data,
//! the exact query strings of the classic unit tests, the classic server's parameter rules and
//! plain-text errors, and changes and scans shared with the rest of the simulator.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};
use helloworld::sim::SimConfig;
use serde_json::{Value, json};

use crate::support::{Sim, json_keys};

/// The classic service's responses, from `test_data/*.json` of the classic HelloWorld
/// integration (demisto/content), with every array cut to its first element: shapes only.
mod classic_test_data {
    pub(super) const SEARCH_ALERTS: &str = r#"[{"name": "Hello World Alert 100",
        "alert_type": "Science Fiction", "alert_status": "ACTIVE", "severity": "Critical",
        "created": 1581982463, "alert_id": "100"}]"#;
    pub(super) const GET_ALERT: &str = r#"{"alert_id": "695b3238-05d6-4934-86f5-9fff3201aeb0",
        "created": 1587134639, "description": "Recursivity.  Call back if it happens again.",
        "device_id": "8b3406d0-6506-4396-8b6d-46f086e1a1b4", "device_ip": "164.243.154.49",
        "location": "Medina Station", "user": "Husk"}"#;
    pub(super) const UPDATE_ALERT_STATUS: &str = r#"{"alert_id":
        "695b3238-05d6-4934-86f5-9fff3201aeb0", "alert_status": "CLOSED", "updated": 1587134712}"#;
    pub(super) const IP_REPUTATION: &str = r#"{"asn_registry": "ripencc", "asn": "3242",
        "asn_cidr": "151.1.1.0/24", "asn_country_code": "IT", "asn_date": "1991-05-13",
        "asn_description": "ASN-ITNET, IT", "query": "151.1.1.1",
        "network": {"handle": "151.1.0.0 - 151.2.127.255", "status": null, "remarks": null,
            "notices": [{"title": "Filtered", "description": "This output has been filtered.",
                "links": null}],
            "links": ["https://rdap.db.ripe.net/ip/151.1.1.1"],
            "events": [{"action": "last changed", "timestamp": "2020-01-15T11:22:43Z",
                "actor": null}],
            "raw": null, "start_address": "151.1.0.0", "end_address": "151.2.127.255",
            "cidr": "151.1.0.0/16, 151.2.0.0/17", "ip_version": "v4", "type": "ALLOCATED PA",
            "name": "IT-ITNET-19910513", "country": "IT",
            "parent_handle": "0.0.0.0 - 255.255.255.255"},
        "entities": ["EC8433-RIPE"], "raw": null, "score": 70, "ip": "151.1.1.1"}"#;
    pub(super) const DOMAIN_REPUTATION: &str = r#"{"domain": "google.com",
        "domain_name": ["GOOGLE.COM"], "registrar": "MarkMonitor, Inc.",
        "whois_server": "whois.markmonitor.com", "referral_url": null,
        "updated_date": ["2019-09-09 15:39:04"], "creation_date": ["1997-09-15 04:00:00"],
        "expiration_date": ["2028-09-14 04:00:00"], "name_servers": ["NS1.GOOGLE.COM"],
        "status": ["clientDeleteProhibited https://icann.org/epp#clientDeleteProhibited"],
        "emails": ["abusecomplaints@markmonitor.com"], "dnssec": "unsigned", "name": null,
        "org": "Google LLC", "address": null, "city": null, "state": "CA", "zipcode": null,
        "country": "US", "score": 68}"#;
    /// From the classic unit tests (`test_start_scan`, `test_status_scan`).
    pub(super) const SCAN: &str =
        r#"{"scan_id": "7a161a3f-8d53-42de-80cd-92fb017c5a12", "status": "RUNNING"}"#;
    pub(super) const SCAN_RESULTS: &str = r#"{"scan_id": "d8945310-f8d9-476b-bbd5-980505382c7f",
        "status": "COMPLETE", "entities": [{"type": "Smart Beer",
            "entity-id": "4e9a0f0f-2a24-46b5-bbb1-1ea5b1362ece", "ip_address": "21.223.27.95",
            "vulnerability_status": "SERIOUS", "vulns": ["CVE-2019-16992"]}]}"#;
}

/// Fails unless `actual` has the key set and nesting of `expected`: objects have the same keys,
/// recursively; arrays compare their first elements; scalars (null included) may differ.
fn assert_same_shape(actual: &Value, expected: &Value, at: &str) {
    match (actual, expected) {
        (Value::Object(actual), Value::Object(expected)) => {
            let actual_keys: BTreeSet<&String> = actual.keys().collect();
            let expected_keys: BTreeSet<&String> = expected.keys().collect();
            assert_eq!(actual_keys, expected_keys, "keys of {at}");
            for (key, value) in expected {
                assert_same_shape(&actual[key], value, &format!("{at}.{key}"));
            }
        }
        (Value::Array(actual), Value::Array(expected)) => {
            if let (Some(actual), Some(expected)) = (actual.first(), expected.first()) {
                assert_same_shape(actual, expected, &format!("{at}[0]"));
            }
        }
        (Value::Object(_) | Value::Array(_), _) | (_, Value::Object(_) | Value::Array(_)) => {
            panic!("{at} is {actual}, shaped unlike {expected}")
        }
        _ => {}
    }
}

fn shape_of(test_data: &str) -> Value {
    serde_json::from_str(test_data).unwrap()
}

/// GET a classic path that must succeed in the shape of `test_data`; its JSON body.
async fn assert_classic_shape(sim: &Sim, path_and_query: &str, test_data: &str) -> Value {
    let body = classic_json(sim, path_and_query).await;
    let route = path_and_query.split('?').next().unwrap();
    assert_same_shape(&body, &shape_of(test_data), route);
    body
}

/// A simulator whose backlog of `alerts` ends two hours ago, so the last minutes hold only the
/// alerts a test injects.
async fn start(seed: u64, alerts: u64) -> Sim {
    let anchor = Utc::now() - TimeDelta::hours(2);
    Sim::start(SimConfig {
        alerts,
        anchor: Some(anchor),
        ..SimConfig::new(seed)
    })
    .await
}

/// [`start`], and the simulator's now in unix seconds.
async fn start_with_now(seed: u64, alerts: u64) -> (Sim, i64) {
    let sim = start(seed, alerts).await;
    let now = sim.now().await.timestamp();
    (sim, now)
}

/// What a classic GET answered: the status, the content type and the body as text.
struct Answer {
    status: u16,
    content_type: String,
    body: String,
}

/// GET a classic path with `authorization` as the whole `Authorization` header, or none.
async fn classic_authorized(
    sim: &Sim,
    path_and_query: &str,
    authorization: Option<&str>,
) -> Answer {
    let mut request = sim.http.get(sim.url(&format!("/api/v1/{path_and_query}")));
    if let Some(authorization) = authorization {
        request = request.header("Authorization", authorization);
    }
    let response = request.send().await.unwrap();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    Answer {
        status: response.status().as_u16(),
        content_type,
        body: response.text().await.unwrap(),
    }
}

/// GET a classic path with the API key; the status and the body as text.
async fn classic(sim: &Sim, path_and_query: &str) -> (u16, String) {
    let authorization = format!("Bearer {}", sim.running.api_key);
    let answer = classic_authorized(sim, path_and_query, Some(&authorization)).await;
    (answer.status, answer.body)
}

/// Fails unless a classic path answers `status` with exactly the plain text `text`.
async fn assert_classic_error(sim: &Sim, path_and_query: &str, status: u16, text: &str) {
    assert_eq!(
        classic(sim, path_and_query).await,
        (status, text.to_owned()),
        "{path_and_query}"
    );
}

/// Fails unless a classic path is refused with a 400 `Input Error` about `param`.
async fn assert_input_error(sim: &Sim, path_and_query: &str, param: &str) {
    let (status, body) = classic(sim, path_and_query).await;
    assert_eq!(status, 400, "{path_and_query}: {body}");
    assert!(body.starts_with(&format!("Input Error: {param}")), "{body}");
}

/// GET a classic path that must succeed; its JSON body.
async fn classic_json(sim: &Sim, path_and_query: &str) -> Value {
    let (status, body) = classic(sim, path_and_query).await;
    assert_eq!(status, 200, "{path_and_query}: {body}");
    serde_json::from_str(&body).unwrap()
}

fn rfc3339(unix_seconds: i64) -> String {
    DateTime::from_timestamp(unix_seconds, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Injects alerts (`created` given as unix seconds) and returns their ids.
async fn inject(sim: &Sim, alerts: &[Value]) -> Vec<String> {
    let alerts: Vec<Value> = alerts
        .iter()
        .map(|alert| {
            let mut alert = alert.clone();
            for key in ["created", "visible_at"] {
                if let Some(seconds) = alert[key].as_i64() {
                    alert[key] = json!(rfc3339(seconds));
                }
            }
            alert
        })
        .collect();
    sim.inject(alerts).await
}

fn ids_of(alerts: &Value) -> Vec<&str> {
    alerts
        .as_array()
        .unwrap()
        .iter()
        .map(|alert| alert["alert_id"].as_str().unwrap())
        .collect()
}

/// Fails unless a classic `get_alerts` path answers the alerts `expected`, in that order;
/// returns the alerts.
async fn assert_ids(sim: &Sim, path_and_query: &str, expected: &[&str]) -> Value {
    let alerts = classic_json(sim, path_and_query).await;
    assert_eq!(ids_of(&alerts), expected, "{path_and_query}");
    alerts
}

/// The classic path of one alert's details.
fn details_path(alert_id: &str) -> String {
    format!("get_alert_details?alert_id={alert_id}")
}

/// The classic path that closes one alert.
fn close_path(alert_id: &str) -> String {
    format!("change_alert_status?alert_id={alert_id}&alert_status=CLOSED")
}

#[tokio::test]
async fn every_route_answers_in_the_shape_of_the_classic_test_data() {
    let (sim, now) = start_with_now(11, 50).await;
    let ids = inject(&sim, &[json!({"created": now - 10, "severity": "High"})]).await;
    let alerts = assert_classic_shape(&sim, "get_alerts", classic_test_data::SEARCH_ALERTS).await;
    let keys = json_keys(&alerts[0]);
    assert_eq!(
        keys,
        [
            "name",
            "alert_type",
            "alert_status",
            "severity",
            "created",
            "alert_id"
        ]
    );
    assert_classic_shape(&sim, &details_path(&ids[0]), classic_test_data::GET_ALERT).await;
    let update = close_path(&ids[0]);
    assert_classic_shape(&sim, &update, classic_test_data::UPDATE_ALERT_STATUS).await;
    assert_classic_shape(&sim, "ip?ip=151.1.1.1", classic_test_data::IP_REPUTATION).await;
    let domain = "domain?domain=google.com";
    assert_classic_shape(&sim, domain, classic_test_data::DOMAIN_REPUTATION).await;
    let start_scan = "start_scan?hostname=example.com";
    let scan = assert_classic_shape(&sim, start_scan, classic_test_data::SCAN).await;
    let scan_id = scan["scan_id"].as_str().unwrap();
    let check = format!("check_scan?scan_id={scan_id}");
    assert_classic_shape(&sim, &check, classic_test_data::SCAN).await;
    sim.advance_clock(SimConfig::new(11).scan_seconds).await;
    let results = format!("get_scan_results?scan_id={scan_id}");
    assert_classic_shape(&sim, &results, classic_test_data::SCAN_RESULTS).await;
}

#[tokio::test]
async fn the_classic_unit_tests_query_strings_are_accepted() {
    let sim = start(12, 300).await;
    // test_search_alerts and test_fetch_incidents, byte for byte; their start times are long
    // before the backlog, so every alert qualifies and max_results decides.
    let critical = classic_json(
        &sim,
        "get_alerts?alert_status=ACTIVE&severity=Critical&max_results=2&start_time=1581982463",
    )
    .await;
    let critical = critical.as_array().unwrap();
    assert_eq!(critical.len(), 2);
    assert!(critical.iter().all(|alert| alert["severity"] == "Critical"
        && alert["alert_status"] == "ACTIVE"
        && alert["created"].as_i64().unwrap() >= 1_581_982_463));
    assert!(critical[0]["created"].as_i64() <= critical[1]["created"].as_i64());
    let fetched = classic_json(
        &sim,
        "get_alerts?alert_status=ACTIVE&severity=Low%2CMedium%2CHigh%2CCritical&max_results=2&start_time=1581944401",
    )
    .await;
    assert_eq!(fetched.as_array().unwrap().len(), 2);
    // test-module's call, and the test playbook's search with a type.
    let probe = classic_json(&sim, "get_alerts?max_results=1&start_time=1581944401").await;
    assert_eq!(probe.as_array().unwrap().len(), 1);
    let typed = classic_json(
        &sim,
        "get_alerts?alert_status=ACTIVE&alert_type=Bug&severity=Critical&max_results=1&start_time=1587717640",
    )
    .await;
    assert!(
        typed
            .as_array()
            .unwrap()
            .iter()
            .all(|alert| alert["alert_type"] == "Bug")
    );

    let alert_id = critical[0]["alert_id"].as_str().unwrap();
    let details = classic_json(&sim, &details_path(alert_id)).await;
    assert_eq!(details["alert_id"], alert_id);
    assert_eq!(details["created"], critical[0]["created"]);
    let closed = classic_json(&sim, &close_path(alert_id)).await;
    assert_eq!(closed["alert_status"], "CLOSED");
    let ip = classic_json(&sim, "ip?ip=151.1.1.1").await;
    assert_eq!(
        (ip["query"].clone(), ip["ip"].clone()),
        (json!("151.1.1.1"), json!("151.1.1.1"))
    );
    let domain = classic_json(&sim, "domain?domain=google.com").await;
    assert_eq!(domain["domain"], "google.com");
    let scan = classic_json(&sim, "start_scan?hostname=example.com").await;
    assert_eq!(scan["status"], "RUNNING");
}

#[tokio::test]
async fn get_alerts_serves_visible_alerts_from_start_time_inclusive_oldest_first() {
    let (sim, now) = start_with_now(13, 50).await;
    let ids = inject(
        &sim,
        &[
            json!({"created": now - 20}),
            json!({"created": now - 30}),
            json!({"created": now - 30}),
            json!({"created": now - 25, "visible_at": now + 3600}),
        ],
    )
    .await;
    let from = |start: i64| format!("get_alerts?start_time={start}");
    let alerts = assert_ids(&sim, &from(now - 30), &[&ids[1], &ids[2], &ids[0]]).await;
    assert_eq!(alerts[0]["created"], now - 30);
    assert_ids(&sim, &from(now - 29), &[&ids[0]]).await;
    sim.advance_clock(3600).await;
    assert_ids(&sim, &from(now - 30), &[&ids[1], &ids[2], &ids[3], &ids[0]]).await;
}

#[tokio::test]
async fn start_time_absent_zero_or_not_past_means_the_last_minute() {
    let (sim, now) = start_with_now(14, 50).await;
    let ids = inject(
        &sim,
        &[json!({"created": now - 120}), json!({"created": now - 30})],
    )
    .await;
    // The classic server answered a bare `get_alerts` with a 500; the simulator does not.
    for path in [
        "get_alerts".to_owned(),
        "get_alerts?start_time=0".to_owned(),
        format!("get_alerts?start_time={}", now + 100),
    ] {
        assert_ids(&sim, &path, &[&ids[1]]).await;
    }
    let earlier = format!("get_alerts?start_time={}", now - 200);
    assert_ids(&sim, &earlier, &[&ids[0], &ids[1]]).await;
    assert_input_error(&sim, "get_alerts?start_time=yesterday", "start_time").await;
}

#[tokio::test]
async fn max_results_defaults_to_ten_when_absent_or_zero() {
    let (sim, now) = start_with_now(15, 50).await;
    let twelve: Vec<Value> = (0..12).map(|_| json!({"created": now - 10})).collect();
    inject(&sim, &twelve).await;
    let count = |alerts: Value| alerts.as_array().unwrap().len();
    assert_eq!(count(classic_json(&sim, "get_alerts").await), 10);
    assert_eq!(
        count(classic_json(&sim, "get_alerts?max_results=0").await),
        10
    );
    assert_eq!(
        count(classic_json(&sim, "get_alerts?max_results=3").await),
        3
    );
    assert_eq!(
        count(classic_json(&sim, "get_alerts?max_results=50").await),
        12
    );
    assert_input_error(&sim, "get_alerts?max_results=ten", "max_results").await;
}

#[tokio::test]
async fn filters_are_exact_and_a_type_csv_matches_nothing() {
    let (sim, now) = start_with_now(16, 50).await;
    let ids = inject(
        &sim,
        &[
            json!({"created": now - 10, "type": "Bug", "severity": "Low"}),
            json!({"created": now - 10, "type": "Attack", "severity": "High", "status": "CLOSED"}),
        ],
    )
    .await;
    let query = |params: &str| format!("get_alerts?start_time={}&{params}", now - 10);
    assert_ids(&sim, &query("alert_type=Bug"), &[&ids[0]]).await;
    assert_ids(&sim, &query("alert_type=Bug%2CAttack"), &[]).await;
    assert_ids(&sim, &query("severity=Medium%2CHigh"), &[&ids[1]]).await;
    assert_ids(&sim, &query("alert_status=CLOSED"), &[&ids[1]]).await;
    assert_ids(&sim, &query("alert_status=closed"), &[]).await;
}

#[tokio::test]
async fn an_invalid_severity_is_a_500_with_the_classic_text() {
    let sim = start(17, 10).await;
    for severity in ["critical", "Low%2C%2CHigh", "Info", "Low%2C%20High"] {
        let (status, body) = classic(&sim, &format!("get_alerts?severity={severity}")).await;
        assert_eq!(status, 500, "{severity}");
        assert_eq!(
            body,
            "Error: Severity must be a comma separated value including the following Low,Medium,High,Critical"
        );
    }
}

#[tokio::test]
async fn authorization_failures_are_403_in_plain_text() {
    let sim = start(18, 10).await;
    let paths = [
        "get_alerts",
        "get_alert_details",
        "change_alert_status",
        "ip",
        "domain",
        "start_scan",
        "check_scan",
        "get_scan_results",
    ];
    for path in paths {
        let answer = classic_authorized(&sim, path, None).await;
        assert_eq!(answer.status, 403, "{path}");
        let content_type = answer.content_type;
        assert!(content_type.starts_with("text/plain"), "{content_type}");
        assert_eq!(answer.body, "No Authorization");
    }
    let wrong = [
        "Bearer not-the-key".to_owned(),
        format!("bearer {}", sim.running.api_key),
        format!("Bearer {}!", sim.running.api_key),
        format!("Basic {}", sim.running.api_key),
        // The v2 access token is not the classic key.
        format!("Bearer {}", sim.token),
    ];
    for header in wrong {
        let answer = classic_authorized(&sim, "get_alerts", Some(&header)).await;
        assert_eq!(answer.status, 403, "{header}");
        assert_eq!(answer.body, "Invalid Authorization");
    }
}

#[tokio::test]
async fn missing_parameters_are_400_with_the_classic_texts() {
    let sim = start(19, 10).await;
    let cases = [
        ("get_alert_details", "No alert_id provided"),
        ("get_alert_details?alert_id=", "No alert_id provided"),
        (
            "change_alert_status?alert_status=CLOSED",
            "No alert_id provided",
        ),
        (
            "change_alert_status?alert_id=HW-000000000001",
            "Invalid alert_status. Must be ACTIVE or CLOSED",
        ),
        (
            "change_alert_status?alert_id=HW-000000000001&alert_status=OPEN",
            "Invalid alert_status. Must be ACTIVE or CLOSED",
        ),
        ("ip", "No ip provided"),
        ("domain", "No domain provided"),
        ("start_scan", "No hostname provided"),
        ("check_scan", "No scan_id provided"),
        ("get_scan_results", "No scan_id provided"),
    ];
    for (path, text) in cases {
        assert_classic_error(&sim, path, 400, text).await;
    }
}

#[tokio::test]
async fn alert_details_and_status_changes_use_the_shared_store() {
    let (sim, now) = start_with_now(20, 10).await;
    let ids = inject(
        &sim,
        &[
            json!({"created": now - 10, "description": "Call back if it happens again.",
            "user": "husk", "source_ip": "164.243.154.49", "hostname": "ws-7.corp"}),
        ],
    )
    .await;
    let details = classic_json(&sim, &details_path(&ids[0])).await;
    assert_eq!(details["description"], "Call back if it happens again.");
    assert_eq!(details["user"], "husk");
    assert_eq!(details["device_ip"], "164.243.154.49");
    assert_eq!(details["created"], now - 10);
    assert_eq!(details, classic_json(&sim, &details_path(&ids[0])).await);

    let before = sim.now().await.timestamp();
    let update = classic_json(&sim, &close_path(&ids[0])).await;
    let after = sim.now().await.timestamp();
    assert_eq!(update["alert_status"], "CLOSED");
    assert_eq!(update["alert_id"], ids[0].as_str());
    let updated = update["updated"].as_i64().unwrap();
    assert!((before..=after).contains(&updated), "{updated}");
    let (status, truth) = sim.get_json("/_sim/alerts").await;
    assert_eq!(status, 200);
    let stored = truth["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|alert| alert["id"] == ids[0].as_str())
        .unwrap();
    assert_eq!(stored["status"], "CLOSED");
    assert_eq!(stored["updated"], rfc3339(updated));

    for path in [
        "get_alert_details?alert_id=HW-999999999999",
        "get_alert_details?alert_id=695b3238-05d6-4934-86f5-9fff3201aeb0",
        "change_alert_status?alert_id=HW-999999999999&alert_status=ACTIVE",
    ] {
        assert_classic_error(&sim, path, 404, "Alert not found").await;
    }
}

#[tokio::test]
async fn reputation_is_stable_and_reserved_values_are_not_found() {
    let sim = start(21, 10).await;
    let other = start(22, 10).await;
    for path in [
        "ip?ip=151.1.1.1",
        "ip?ip=2606:4700::1111",
        "domain?domain=google.com",
    ] {
        let first = classic_json(&sim, path).await;
        assert_eq!(first, classic_json(&sim, path).await, "{path}");
        // Stable across seeds and processes, like the v2 API's scores.
        assert_eq!(first, classic_json(&other, path).await, "{path}");
        assert!(first["score"].as_u64().unwrap() <= 100);
    }
    for ip in [
        "10.0.0.1",
        "127.0.0.1",
        "192.168.1.1",
        "169.254.0.1",
        "::1",
        "fe80::1",
        "1.1.1",
    ] {
        assert_classic_error(&sim, &format!("ip?ip={ip}"), 404, "IP not found!").await;
    }
    for domain in [
        "foo.test",
        "www.example",
        "a.invalid",
        "localhost",
        "printer.local",
    ] {
        let path = format!("domain?domain={domain}");
        assert_classic_error(&sim, &path, 404, "Domain not found!").await;
    }
}

#[tokio::test]
async fn scans_run_then_complete_with_hyphenated_entity_ids() {
    let sim = start(23, 10).await;
    let scan_seconds = SimConfig::new(23).scan_seconds;
    let scan = classic_json(&sim, "start_scan?hostname=ws-001.corp.example").await;
    assert_eq!(scan["status"], "RUNNING");
    let scan_id = scan["scan_id"].as_str().unwrap();
    let check = format!("check_scan?scan_id={scan_id}");
    let results = format!("get_scan_results?scan_id={scan_id}");
    assert_eq!(
        classic_json(&sim, &check).await,
        json!({"scan_id": scan_id, "status": "RUNNING"})
    );
    assert_classic_error(&sim, &results, 400, "Scan not complete").await;
    sim.advance_clock(scan_seconds).await;
    assert_eq!(classic_json(&sim, &check).await["status"], "COMPLETE");
    let report = classic_json(&sim, &results).await;
    assert_eq!(report["scan_id"], scan_id);
    assert_eq!(report["status"], "COMPLETE");
    let entities = report["entities"].as_array().unwrap();
    assert!(!entities.is_empty());
    assert!(
        entities
            .iter()
            .all(|entity| entity["entity-id"].is_string() && entity.get("entity_id").is_none())
    );
    // The same host gives the same findings in every scan.
    let again = classic_json(&sim, "start_scan?hostname=ws-001.corp.example").await;
    sim.advance_clock(scan_seconds).await;
    let again_id = again["scan_id"].as_str().unwrap();
    let repeated = classic_json(&sim, &format!("get_scan_results?scan_id={again_id}")).await;
    assert_eq!(repeated["entities"], report["entities"]);

    let failing = classic_json(&sim, "start_scan?hostname=will-fail.corp").await;
    let failing_id = failing["scan_id"].as_str().unwrap();
    sim.advance_clock(scan_seconds).await;
    assert_eq!(
        classic_json(&sim, &format!("check_scan?scan_id={failing_id}")).await["status"],
        "FAILED"
    );
    let failed = format!("get_scan_results?scan_id={failing_id}");
    assert_classic_error(&sim, &failed, 400, "Scan failed").await;
    for path in ["check_scan?scan_id=nope", "get_scan_results?scan_id=nope"] {
        assert_classic_error(&sim, path, 404, "Scan not found").await;
    }
}
