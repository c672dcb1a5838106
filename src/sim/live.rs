//! The simulator while it runs: new alerts arrive at `--rate` per second, and, when a subscriber
//! is configured, are pushed to it as signed webhooks. A push that is not answered 2xx is retried
//! with backoff, as a real vendor does, so the subscriber must de-duplicate by alert id.

use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::rng::SplitMix64;
use super::state::SimState;

/// The header carrying the body's signature.
pub const SIGNATURE_HEADER: &str = "X-HelloWorld-Signature";

/// How often the generator wakes up; alerts due in between are created together.
const TICK: Duration = Duration::from_millis(100);
/// The most alerts one push carries.
const MAX_BATCH: usize = 100;
/// Pushes of one batch before it is given up (and reported on stderr).
const MAX_PUSH_ATTEMPTS: u32 = 8;

/// Where new alerts are pushed, and the secret they are signed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// The subscriber's URL.
    pub url: String,
    /// The shared HMAC secret.
    pub secret: String,
}

/// `sha256=<hex>`: the signature of `body` under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    // HMAC takes keys of any length, so building it cannot fail.
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Starts creating alerts at `rate` per second, pushing them to `webhook` when there is one.
pub(crate) fn spawn(state: SimState, rate: f64, webhook: Option<Webhook>) -> JoinHandle<()> {
    let (sender, receiver) = mpsc::unbounded_channel::<Value>();
    if let Some(webhook) = webhook {
        tokio::spawn(push_forever(webhook, receiver));
    }
    tokio::spawn(async move {
        let mut rng = SplitMix64::for_purpose(state.config().seed, "live");
        let mut due = 0.0;
        let mut ticker = tokio::time::interval(TICK);
        loop {
            ticker.tick().await;
            due += rate * TICK.as_secs_f64();
            while due >= 1.0 {
                due -= 1.0;
                let alert = create_one(&state, &mut rng);
                // A closed channel only means nobody is subscribed.
                let _ = sender.send(alert);
            }
        }
    })
}

fn create_one(state: &SimState, rng: &mut SplitMix64) -> Value {
    let now = state.now();
    let ingest_delay_max = state.config().ingest_delay_max;
    let mut store = state.store_mut();
    let seq = store.insert_generated(rng, now, ingest_delay_max);
    store
        .get(seq)
        .map(super::model::StoredAlert::to_json)
        .unwrap_or(Value::Null)
}

async fn push_forever(webhook: Webhook, mut receiver: mpsc::UnboundedReceiver<Value>) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default();
    while let Some(first) = receiver.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(alert) => batch.push(alert),
                Err(_) => break,
            }
        }
        let body = json!({"alerts": batch}).to_string();
        push_with_retries(&client, &webhook, body).await;
    }
}

async fn push_with_retries(client: &reqwest::Client, webhook: &Webhook, body: String) {
    let signed = signature(&webhook.secret, body.as_bytes());
    let mut backoff = Duration::from_millis(500);
    for attempt in 1..=MAX_PUSH_ATTEMPTS {
        let sent = client
            .post(&webhook.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, &signed)
            .body(body.clone())
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => return,
            Ok(response) => eprintln!(
                "sim: webhook push {attempt} answered {}; retrying",
                response.status()
            ),
            Err(error) => eprintln!("sim: webhook push {attempt} failed: {error}; retrying"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
    eprintln!(
        "sim: gave up pushing a batch to {} after {MAX_PUSH_ATTEMPTS} attempts",
        webhook.url
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hex_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
