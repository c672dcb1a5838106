//! The simulator serves exactly the API of `api/openapi.yaml`: every documented path and method
//! answers, no undocumented `/api/v2` path exists, and unknown routes and methods get the API's
//! JSON errors. Also `helloworld sim` and `helloworld demo` as processes.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

use helloworld::sim::SimConfig;
use reqwest::Method;
use serde_json::Value;

use crate::support::{Sim, helloworld, run, run_with};

fn spec() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/api/openapi.yaml")).unwrap();
    serde_norway::from_str(&text).unwrap()
}

fn documented_operations() -> Vec<(String, Method)> {
    let spec = spec();
    let mut operations = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item
            .as_object()
            .unwrap()
            .keys()
            .filter(|key| *key != "parameters")
        {
            operations.push((
                path.clone(),
                Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(),
            ));
        }
    }
    operations
}

#[test]
fn the_served_v2_paths_are_exactly_the_documented_ones() {
    let documented: BTreeSet<String> = spec()["paths"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let served: BTreeSet<String> = helloworld::sim::api_paths()
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(served, documented);
    for extra in helloworld::sim::extra_paths() {
        assert!(
            extra.starts_with("/_sim/") || extra.starts_with("/api/v1/"),
            "undocumented route {extra}"
        );
    }
}

#[tokio::test]
async fn every_documented_operation_is_served() {
    let sim = Sim::start(SimConfig {
        alerts: 5,
        ..SimConfig::new(2)
    })
    .await;
    for (path, method) in documented_operations() {
        let concrete = path
            .replace("{alert_id}", "HW-000000000001")
            .replace("{scan_id}", "unknown")
            .replace("{ip}", "8.8.8.8")
            .replace("{domain}", "helloworld.io");
        let mut request = sim.authed(method.clone(), &concrete);
        if method == Method::POST || method == Method::PATCH {
            request = request.json(&serde_json::json!({}));
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_ne!(status, 405, "{method} {path} is not served");
        let no_route = status == 404
            && body["message"]
                .as_str()
                .unwrap_or_default()
                .starts_with("no such route");
        assert!(!no_route, "{method} {path} is not served");
    }
}

#[tokio::test]
async fn unknown_routes_and_methods_get_json_errors() {
    let sim = Sim::start(SimConfig {
        alerts: 0,
        ..SimConfig::new(2)
    })
    .await;
    let (status, body) = sim.get_json("/api/v2/teleport").await;
    assert_eq!((status, body["error"].as_str()), (404, Some("not_found")));
    let response = sim
        .authed(Method::PUT, "/api/v2/auth/token")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "method_not_allowed");
}

fn first_line_of_sim(args: &[&str]) -> (std::process::Child, Value) {
    let mut child = helloworld()
        .arg("sim")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (
        child,
        serde_json::from_str(&line).unwrap_or_else(|error| panic!("{error}: {line:?}")),
    )
}

fn ground_truth(url: &str) -> Value {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        reqwest::get(format!("{url}/_sim/alerts?limit=2000"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    })
}

#[test]
fn sim_announces_itself_and_the_same_seed_serves_the_same_alerts() {
    let args = [
        "--port",
        "0",
        "--alerts",
        "100000",
        "--seed",
        "7",
        "--anchor",
        "2026-11-01T00:00:00Z",
    ];
    let (mut first, announcement) = first_line_of_sim(&args);
    let (mut second, other) = first_line_of_sim(&args);
    let url = announcement["url"].as_str().unwrap();
    assert!(url.starts_with("http://127.0.0.1:"));
    assert_eq!(announcement["api_key"], other["api_key"]);
    let (first_truth, second_truth) = (
        ground_truth(url),
        ground_truth(other["url"].as_str().unwrap()),
    );
    assert_eq!(first_truth["total"], 100_000);
    assert_eq!(first_truth, second_truth);
    for child in [&mut first, &mut second] {
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

#[test]
fn sim_flags_out_of_range_are_usage_errors() {
    let result = run(&["sim", "--fail-rate", "2"]);
    assert_eq!(result.status, Some(2));
    assert!(
        result
            .stderr
            .contains("--fail-rate is a share between 0 and 1")
    );
}

#[test]
fn demo_tours_the_commands_against_the_simulator() {
    // The demo keeps the pack it writes in the temp folder: give it one of this test's.
    let result = run_with(
        helloworld()
            .arg("demo")
            .env("TMPDIR", crate::support::temp_dir("demo")),
    );
    assert_eq!(result.status, Some(0), "{}", result.stderr);
    assert!(
        result
            .stdout
            .contains("the vendor API simulator is serving http://127.0.0.1:")
    );
    assert!(result.stdout.contains("$ !helloworld-say-hello"));
    assert!(result.stdout.contains("## Hello SOC analyst"));
    assert_eq!(
        result.stdout.matches("5 incident(s) fetched").count(),
        2,
        "{}",
        result.stdout
    );
    for step in [
        "Suspicious login",
        "False positive: VPN login",
        "was deleted",
        "Fetching Results:",
        "results",
        "$ helloworld long-running",
        "incident(s) created as they arrived, 0 duplicate(s)",
        "$ helloworld pack --out ",
        "IncidentFields/: incidentfield-HelloWorld_Alert_ID.json",
        "demisto-sdk upload -i ",
    ] {
        assert!(
            result.stdout.contains(step),
            "the demo did not show `{step}`"
        );
    }
    assert!(
        !result
            .stdout
            .contains("; 0 incident(s) created as they arrived"),
        "pushes became incidents: {}",
        result.stdout
    );
    let verdicts = ["| Bad |", "| Suspicious |", "| Good |"];
    assert!(
        verdicts
            .iter()
            .any(|verdict| result.stdout.contains(verdict)),
        "no verdict shown"
    );
    // Incident rows end with an occurred time in milliseconds; other tables' rows do not.
    let ids: Vec<&str> = result
        .stdout
        .lines()
        .filter(|line| line.ends_with(".000Z |"))
        .filter_map(|line| line.strip_prefix("| HW-"))
        .collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(
        (ids.len(), unique.len()),
        (10, 10),
        "the second fetch repeated an alert"
    );
}
