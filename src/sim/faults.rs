//! Fault injection, all off by default: added latency, random 500/503, a global rate limit
//! answered with 429 and `Retry-After`, and truncated or invalid JSON bodies. Faults apply to the
//! vendor API routes (`/api/v2`, `/api/v1`), never to the simulator's own `/_sim` routes, and
//! their randomness comes from the seed so a failing run can be replayed.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::SimConfig;
use super::error::ApiError;
use super::rng::SplitMix64;
use super::state::SimState;

/// A token bucket: `rate` requests per second, bursts up to `rate`.
#[derive(Debug)]
struct Bucket {
    rate: f64,
    tokens: f64,
    refilled: Instant,
}

impl Bucket {
    /// Takes a token, or says how many whole seconds until one is available.
    fn take(&mut self, now: Instant) -> Result<(), u64> {
        let elapsed = now.duration_since(self.refilled).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.rate);
        self.refilled = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Ok(());
        }
        let wait = (1.0 - self.tokens) / self.rate;
        Err(wait.ceil().max(1.0) as u64)
    }
}

/// The fault settings and their mutable parts.
#[derive(Debug)]
pub(crate) struct Faults {
    latency: Duration,
    fail_rate: f64,
    garbage_rate: f64,
    bucket: Option<Mutex<Bucket>>,
    rng: Mutex<SplitMix64>,
}

/// What the dice decided for one request.
enum Fault {
    None,
    Fail(ApiError),
    Garbage(bool),
}

impl Faults {
    pub(crate) fn new(config: &SimConfig) -> Self {
        Self {
            latency: Duration::from_millis(config.latency_ms),
            fail_rate: config.fail_rate.clamp(0.0, 1.0),
            garbage_rate: config.garbage_rate.clamp(0.0, 1.0),
            bucket: config.rate_limit.filter(|rate| *rate > 0.0).map(|rate| {
                Mutex::new(Bucket {
                    rate,
                    tokens: rate,
                    refilled: Instant::now(),
                })
            }),
            rng: Mutex::new(SplitMix64::for_purpose(config.seed, "faults")),
        }
    }

    fn rate_limited(&self) -> Option<u64> {
        let bucket = self.bucket.as_ref()?;
        let mut bucket = bucket
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        bucket.take(Instant::now()).err()
    }

    fn roll(&self) -> Fault {
        if self.fail_rate == 0.0 && self.garbage_rate == 0.0 {
            return Fault::None;
        }
        let mut rng = self
            .rng
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if rng.chance(self.fail_rate) {
            return Fault::Fail(if rng.chance(0.5) {
                ApiError::internal("injected failure (--fail-rate)")
            } else {
                ApiError::unavailable("injected outage (--fail-rate)")
            });
        }
        if rng.chance(self.garbage_rate) {
            return Fault::Garbage(rng.chance(0.5));
        }
        Fault::None
    }
}

/// Middleware applying the configured faults to one request.
pub(crate) async fn inject(
    State(state): State<SimState>,
    request: Request,
    next: Next,
) -> Response {
    let faults = state.faults();
    if let Some(retry_after) = faults.rate_limited() {
        return ApiError::rate_limited(retry_after).into_response();
    }
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    match faults.roll() {
        Fault::None => next.run(request).await,
        Fault::Fail(error) => error.into_response(),
        Fault::Garbage(truncate) => garble(next.run(request).await, truncate).await,
    }
}

/// A 200 whose body is not the JSON it claims to be: cut in half, or not JSON at all.
async fn garble(response: Response, truncate: bool) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let garbage = if truncate && bytes.len() > 1 {
        bytes.slice(..bytes.len() / 2)
    } else {
        axum::body::Bytes::from_static(b"<html>502 Bad Gateway</html>")
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.status = axum::http::StatusCode::OK;
    Response::from_parts(parts, Body::from(garbage))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_the_rate_then_asks_to_wait() {
        let start = Instant::now();
        let mut bucket = Bucket {
            rate: 2.0,
            tokens: 2.0,
            refilled: start,
        };
        assert!(bucket.take(start).is_ok());
        assert!(bucket.take(start).is_ok());
        assert_eq!(bucket.take(start), Err(1));
        assert!(bucket.take(start + Duration::from_millis(600)).is_ok());
    }
}
