//! The simulator's token endpoint and bearer checks, over real HTTP.

use helloworld::sim::SimConfig;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::Sim;

async fn status_and_error(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (
        status,
        body["error"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn a_token_is_a_jwt_with_its_lifetime() {
    let sim = Sim::start(SimConfig {
        alerts: 0,
        token_ttl_seconds: 120,
        ..SimConfig::new(3)
    })
    .await;
    let reply: Value = sim
        .http
        .post(sim.url("/api/v2/auth/token"))
        .json(&json!({"api_key": sim.running.api_key}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reply["token_type"], "Bearer");
    assert_eq!(reply["expires_in"], 120);
    assert_eq!(
        reply["access_token"].as_str().unwrap().split('.').count(),
        3
    );
}

#[tokio::test]
async fn wrong_key_missing_invalid_and_expired_tokens_are_told_apart() {
    let sim = Sim::start(SimConfig {
        alerts: 0,
        token_ttl_seconds: 60,
        ..SimConfig::new(3)
    })
    .await;
    let wrong_key = sim
        .http
        .post(sim.url("/api/v2/auth/token"))
        .json(&json!({"api_key": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_and_error(wrong_key).await,
        (401, "invalid_api_key".into())
    );
    let not_json = sim
        .http
        .post(sim.url("/api/v2/auth/token"))
        .body("api_key=x")
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_and_error(not_json).await,
        (400, "invalid_json".into())
    );

    let path = "/api/v2/scans/unknown";
    let missing = sim.http.get(sim.url(path)).send().await.unwrap();
    assert_eq!(
        status_and_error(missing).await,
        (401, "missing_token".into())
    );
    let invalid = sim
        .http
        .get(sim.url(path))
        .bearer_auth("a.b.c")
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_and_error(invalid).await,
        (401, "invalid_token".into())
    );

    let valid = sim.authed(Method::GET, path).send().await.unwrap();
    assert_ne!(valid.status().as_u16(), 401);
    sim.advance_clock(61).await;
    let expired = sim.authed(Method::GET, path).send().await.unwrap();
    assert_eq!(
        status_and_error(expired).await,
        (401, "token_expired".into())
    );
}
