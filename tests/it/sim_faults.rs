//! The simulator's fault knobs, over real HTTP: rate limits, failures, garbage bodies and late
//! visibility. All are off unless asked for.

use helloworld::sim::SimConfig;
use reqwest::Method;
use serde_json::Value;

use crate::support::Sim;

#[tokio::test]
async fn over_the_rate_limit_answers_429_with_retry_after() {
    let sim = Sim::start(SimConfig {
        alerts: 0,
        rate_limit: Some(3.0),
        ..SimConfig::new(5)
    })
    .await;
    let mut limited = None;
    for _ in 0..20 {
        let response = sim
            .authed(Method::GET, "/api/v2/scans/none")
            .send()
            .await
            .unwrap();
        if response.status().as_u16() == 429 {
            limited = Some(response);
            break;
        }
    }
    let response = limited.expect("a 429 within 20 quick requests at 3 per second");
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "rate_limited");
    assert!(body["message"].as_str().unwrap().contains("retry after"));
}

#[tokio::test]
async fn fail_rate_one_answers_500_or_503_as_json() {
    let sim = Sim::start(SimConfig {
        alerts: 0,
        fail_rate: 1.0,
        ..SimConfig::new(5)
    })
    .await;
    for _ in 0..5 {
        let (status, body) = sim.get_json("/api/v2/scans/none").await;
        assert!(status == 500 || status == 503, "{status}");
        assert!(["internal_error", "unavailable"].contains(&body["error"].as_str().unwrap()));
    }
    // The simulator's own routes are never faulty.
    let health = sim.http.get(sim.url("/_sim/health")).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
}

#[tokio::test]
async fn garbage_rate_one_sends_bodies_that_are_not_json() {
    let sim = Sim::start(SimConfig {
        alerts: 0,
        garbage_rate: 1.0,
        ..SimConfig::new(5)
    })
    .await;
    for _ in 0..5 {
        let response = sim
            .authed(Method::GET, "/api/v2/reputation/ip/8.8.8.8")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let text = response.text().await.unwrap();
        assert!(
            serde_json::from_str::<Value>(&text).is_err(),
            "valid JSON: {text}"
        );
    }
}

#[tokio::test]
async fn ingest_delay_hides_alerts_until_they_become_visible() {
    // The backlog sits wholly in the simulator's future, so no second boundary can race the
    // assertions: nothing is visible, then the clock moves past every visible_at.
    let anchor = chrono::Utc::now() + chrono::TimeDelta::days(30);
    let config = SimConfig {
        alerts: 300,
        days: 1,
        anchor: Some(anchor),
        ingest_delay_max: 3600,
        token_ttl_seconds: 100 * 86_400,
        ..SimConfig::new(11)
    };
    let sim = Sim::start(config).await;
    let truth = sim.ground("/_sim/alerts").await;
    let delays: Vec<i64> = truth["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|alert| seconds(&alert["visible_at"]) - seconds(&alert["created"]))
        .collect();
    assert!(delays.iter().all(|delay| (0..=3600).contains(delay)));
    assert!(
        delays.iter().filter(|delay| **delay > 0).count() > 250,
        "most alerts arrive late"
    );

    let (_, page) = sim.get_json("/api/v2/alerts?limit=1000").await;
    assert_eq!(page["alerts"].as_array().unwrap().len(), 0);
    sim.advance_clock(32 * 86_400).await;
    let (_, page) = sim.get_json("/api/v2/alerts?limit=1000").await;
    assert_eq!(page["alerts"].as_array().unwrap().len(), 300);
}

fn seconds(time: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(time.as_str().unwrap())
        .unwrap()
        .timestamp()
}
