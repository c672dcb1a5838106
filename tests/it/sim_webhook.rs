//! The simulator's live alerts and signed webhook pushes, received by a real HTTP subscriber.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use helloworld::sim::{SIGNATURE_HEADER, SimConfig, Webhook, signature};
use serde_json::Value;

use crate::support::Sim;

/// Every push received: its signature header and its body. The first push is refused with a
/// 503, so the simulator must retry it.
#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<(String, Bytes)>>>);

async fn receive(State(received): State<Received>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let mut pushes = received.0.lock().unwrap();
    pushes.push((signature.to_owned(), body));
    if pushes.len() == 1 {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    }
}

#[tokio::test]
async fn new_alerts_are_pushed_signed_and_retried_until_accepted() {
    let received = Received::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let subscriber = format!("http://{}/", listener.local_addr().unwrap());
    let app = Router::new()
        .route("/", post(receive))
        .with_state(received.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let secret = "shared-webhook-secret".to_owned();
    let webhook = Webhook {
        url: subscriber,
        secret: secret.clone(),
    };
    let sim = Sim::start(SimConfig {
        alerts: 0,
        rate: 20.0,
        webhook: Some(webhook),
        ..SimConfig::new(9)
    })
    .await;

    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while received.0.lock().unwrap().len() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no retried push within 20 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let pushes = received.0.lock().unwrap().clone();
    let (first_signature, first_body) = &pushes[0];
    let (_, retried_body) = &pushes[1];
    assert_eq!(
        first_body, retried_body,
        "a refused push is retried with the same body"
    );
    assert_eq!(first_signature, &signature(&secret, first_body));
    let body: Value = serde_json::from_slice(first_body).unwrap();
    let alerts = body["alerts"].as_array().unwrap();
    assert!(!alerts.is_empty());
    assert!(alerts[0]["id"].as_str().unwrap().starts_with("HW-"));

    let truth = sim.ground("/_sim/alerts").await;
    let ids: Vec<&Value> = truth["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|alert| &alert["id"])
        .collect();
    assert!(
        alerts.iter().all(|alert| ids.contains(&&alert["id"])),
        "pushed alerts are in the store"
    );
}
