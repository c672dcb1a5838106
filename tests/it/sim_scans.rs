//! The simulator's scan routes over real HTTP: a scan runs for `scan_seconds` of the simulator's
//! clock (advanced through `/_sim/clock`, never slept), then completes with findings readable as
//! results or as a report file, or fails; and bad requests get the API's errors.

use helloworld::sim::SimConfig;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::Sim;

async fn sim() -> Sim {
    Sim::start(SimConfig {
        alerts: 0,
        ..SimConfig::new(5)
    })
    .await
}

async fn start_scan(sim: &Sim, hostname: &str) -> Value {
    let response = sim
        .authed(Method::POST, "/api/v2/scans")
        .json(&json!({"hostname": hostname}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    response.json().await.unwrap()
}

fn scan_seconds() -> i64 {
    SimConfig::new(5).scan_seconds
}

#[tokio::test]
async fn a_scan_runs_then_completes_with_results_and_a_report() {
    let sim = sim().await;
    let scan = start_scan(&sim, "ws-042.corp.local").await;
    assert_eq!(scan["status"], "RUNNING");
    assert_eq!(scan["hostname"], "ws-042.corp.local");
    assert!(scan["finished"].is_null());
    assert!(scan["started"].as_str().unwrap().ends_with('Z'));
    let id = scan["scan_id"].as_str().unwrap().to_owned();

    let (status, body) = sim.get_json(&format!("/api/v2/scans/{id}/results")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("scan_not_complete"))
    );
    let (status, body) = sim.get_json(&format!("/api/v2/scans/{id}/report")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("scan_not_complete"))
    );

    sim.advance_clock(scan_seconds()).await;
    let (status, done) = sim.get_json(&format!("/api/v2/scans/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(done["status"], "COMPLETE");
    assert_eq!(done["started"], scan["started"]);
    assert!(done["finished"].as_str().unwrap() > done["started"].as_str().unwrap());

    let (status, results) = sim.get_json(&format!("/api/v2/scans/{id}/results")).await;
    assert_eq!(status, 200, "{results}");
    assert_eq!(results["scan_id"], id.as_str());
    assert_eq!(results["status"], "COMPLETE");
    let entities = results["entities"].as_array().unwrap();
    assert!(entities.len() >= 3, "{results}");
    for entity in entities {
        for key in ["entity_id", "type", "ip_address", "vulnerability_status"] {
            assert!(entity[key].is_string(), "{key} in {entity}");
        }
        let vulns = entity["vulns"].as_array().unwrap();
        assert!(
            vulns
                .iter()
                .all(|cve| cve.as_str().unwrap().starts_with("CVE-"))
        );
    }

    let response = sim
        .authed(Method::GET, &format!("/api/v2/scans/{id}/report"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(
        header("content-disposition"),
        format!("attachment; filename=\"{id}.json\"")
    );
    assert_eq!(header("content-type"), "application/json");
    let report: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(report, results);
}

#[tokio::test]
async fn a_failing_host_fails_and_has_no_results() {
    let sim = sim().await;
    let scan = start_scan(&sim, "will-fail.corp.local").await;
    let id = scan["scan_id"].as_str().unwrap().to_owned();
    sim.advance_clock(scan_seconds()).await;
    let (status, body) = sim.get_json(&format!("/api/v2/scans/{id}")).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("FAILED")));
    assert!(body["finished"].is_string());
    for path in [
        format!("/api/v2/scans/{id}/results"),
        format!("/api/v2/scans/{id}/report"),
    ] {
        let (status, body) = sim.get_json(&path).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (409, Some("scan_failed")),
            "{path}"
        );
    }
}

#[tokio::test]
async fn an_unknown_scan_is_not_found() {
    let sim = sim().await;
    let id = "00000000-0000-4000-8000-000000000000";
    for suffix in ["", "/results", "/report"] {
        let (status, body) = sim.get_json(&format!("/api/v2/scans/{id}{suffix}")).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (404, Some("not_found")),
            "{suffix}"
        );
    }
}

#[tokio::test]
async fn bad_start_requests_are_refused() {
    let sim = sim().await;
    let long = "a".repeat(254);
    for body in [
        json!({"hostname": ""}),
        json!({"hostname": "host name"}),
        json!({"hostname": "host/../etc"}),
        json!({"hostname": long}),
        json!({"hostname": 42}),
        json!({}),
    ] {
        let response = sim
            .authed(Method::POST, "/api/v2/scans")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 422, "{body}");
        let reply: Value = response.json().await.unwrap();
        assert_eq!(reply["error"], "unprocessable");
    }
    let response = sim
        .authed(Method::POST, "/api/v2/scans")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let reply: Value = response.json().await.unwrap();
    assert_eq!(reply["error"], "invalid_json");
}
