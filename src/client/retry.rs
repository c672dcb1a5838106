//! Which calls are retried, how long to wait, and when to give up.
//!
//! # Defaults
//! Up to 4 attempts within 30 s in all. Between attempts: the server's `Retry-After` (seconds or
//! an HTTP date) when it sends one, capped at 30 s; otherwise exponential backoff with full
//! jitter (a random wait up to 0.5 s, 1 s, 2 s ... capped at 8 s), so clients that failed
//! together do not retry together.
//!
//! # What is retried
//! Connection failures (nothing reached the server), and the answers that mean "try again
//! later": 429, 502, 503 and 504. Never another 4xx, never a 500 (the server acted and failed),
//! never a timeout (the budget is spent). A call that is not idempotent is retried after a
//! response only when the API makes it safe (alert creation carries an `Idempotency-Key`).

use std::time::Duration;

use chrono::{DateTime, Utc};

/// Retry settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included.
    pub max_attempts: u32,
    /// The backoff cap of the first retry; it doubles each time.
    pub base_delay: Duration,
    /// The largest backoff.
    pub max_delay: Duration,
    /// The largest wait a `Retry-After` may impose.
    pub retry_after_cap: Duration,
    /// The total time all attempts and waits may take.
    pub total_budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            retry_after_cap: Duration::from_secs(30),
            total_budget: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The wait before retry number `retry` (1 for the first retry), honouring `Retry-After`.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.retry_after_cap);
        }
        let exponent = retry.saturating_sub(1).min(20);
        let ceiling = self
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        // Full jitter: anywhere between nothing and the ceiling.
        ceiling.mul_f64(fastrand::f64())
    }
}

/// Whether an HTTP status means "try again later".
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// `Retry-After` as a wait: delta-seconds, or an HTTP date relative to `now`.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = DateTime::parse_from_rfc2822(value).ok()?;
    let wait = date.with_timezone(&Utc) - now;
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:27:50Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn backoff_is_jittered_under_a_doubling_cap_and_retry_after_is_capped() {
        let policy = RetryPolicy::default();
        for retry in 1..=6 {
            let ceiling =
                Duration::from_millis(500 * (1 << (retry - 1))).min(Duration::from_secs(8));
            assert!((0..50).all(|_| policy.delay(retry, None) <= ceiling));
        }
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(300))),
            Duration::from_secs(30)
        );
    }

    #[test]
    fn only_try_again_later_statuses_are_retried() {
        for status in [429, 502, 503, 504] {
            assert!(is_retryable_status(status));
        }
        for status in [400, 401, 403, 404, 409, 422, 500] {
            assert!(!is_retryable_status(status));
        }
    }
}
