//! Access tokens: fetched once, cached where every process of the instance can see it, and
//! refreshed only when needed.
//!
//! # Defaults
//! A token is reused until `valid_until`: its expiry (`expires_in`, else the JWT's `exp`, else
//! 5 minutes) minus a skew of a quarter of its lifetime, at most 60 s, so a token is never used
//! in its last moments. A 401 on a token drops it and fetches one new token, once.
//!
//! # Sharing
//! The cache is behind the [`TokenCache`] trait, written compare-and-set: when another process
//! wrote first, its token is adopted if still valid, and the write is retried otherwise. One
//! client fetches at most one token at a time, so concurrent calls never storm the token
//! endpoint. The API key itself is never cached.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use tokio::sync::Mutex;

/// Lifetime assumed when the vendor says nothing about it, in seconds.
pub const DEFAULT_TOKEN_LIFETIME: i64 = 300;
/// The longest margin kept before a token's expiry, in seconds.
pub const MAX_SKEW: i64 = 60;
/// Compare-and-set attempts before a fresh token is used without caching it.
const MAX_STORE_ATTEMPTS: usize = 3;

/// A token and until when it may be used (unix seconds, skew already taken off).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedToken {
    /// The bearer token.
    pub access_token: String,
    /// Reuse it while now is before this.
    pub valid_until: i64,
}

impl CachedToken {
    /// Whether it may still be used at `now`.
    pub fn is_valid_at(&self, now: i64) -> bool {
        now < self.valid_until
    }
}

/// What the cache holds, and the version to write against.
#[derive(Debug, Clone, PartialEq)]
pub struct CacheSnapshot {
    /// The cached token, if any.
    pub token: Option<CachedToken>,
    /// Opaque; passed back when storing.
    pub version: Value,
}

/// Why a token could not be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// Someone wrote since the snapshot was read.
    Conflict,
    /// The cache is unavailable.
    Failed(String),
}

/// Where tokens are shared between the processes of one instance (XSOAR's integration context;
/// memory in tests). Implementations must make `store` compare-and-set on `version`.
pub trait TokenCache: Send + Sync {
    /// The cached token and the version it was read at.
    fn load(&self) -> Result<CacheSnapshot, String>;
    /// Stores `token` if nothing was written since `version`.
    fn store(&self, token: &CachedToken, version: &Value) -> Result<(), StoreError>;
}

impl<T: TokenCache + ?Sized> TokenCache for &T {
    fn load(&self) -> Result<CacheSnapshot, String> {
        (**self).load()
    }

    fn store(&self, token: &CachedToken, version: &Value) -> Result<(), StoreError> {
        (**self).store(token, version)
    }
}

impl<T: TokenCache + ?Sized> TokenCache for Arc<T> {
    fn load(&self) -> Result<CacheSnapshot, String> {
        (**self).load()
    }

    fn store(&self, token: &CachedToken, version: &Value) -> Result<(), StoreError> {
        (**self).store(token, version)
    }
}

/// No cache: every client fetches its own token (XSOAR's test-module cannot use the context).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoCache;

impl TokenCache for NoCache {
    fn load(&self) -> Result<CacheSnapshot, String> {
        Ok(CacheSnapshot {
            token: None,
            version: Value::Null,
        })
    }

    fn store(&self, _token: &CachedToken, _version: &Value) -> Result<(), StoreError> {
        Ok(())
    }
}

/// The `valid_until` of a token issued at `now`: from `expires_in`, else the JWT's `exp`, else
/// the default lifetime, less the skew.
pub fn valid_until(access_token: &str, expires_in: Option<i64>, now: i64) -> i64 {
    let lifetime = expires_in
        .or_else(|| jwt_expiry(access_token).map(|expiry| expiry - now))
        .filter(|lifetime| *lifetime > 0)
        .unwrap_or(DEFAULT_TOKEN_LIFETIME);
    now + lifetime - (lifetime / 4).min(MAX_SKEW)
}

/// The `exp` claim of a JWT, without verifying it (only the vendor can).
fn jwt_expiry(token: &str) -> Option<i64> {
    let payload = token.split('.').nth(1)?;
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    claims.get("exp")?.as_i64()
}

/// The tokens of one client: the last one used, the shared cache, and the single-flight lock.
pub(crate) struct TokenManager<'c> {
    cache: Box<dyn TokenCache + 'c>,
    current: Mutex<Option<CachedToken>>,
}

/// Fetches a new token from the vendor.
pub(crate) trait TokenSource {
    /// A new token and its `expires_in`.
    fn fetch(
        &self,
    ) -> impl Future<Output = Result<(String, Option<i64>), super::ClientError>> + Send;
}

impl<'c> TokenManager<'c> {
    pub(crate) fn new(cache: impl TokenCache + 'c) -> Self {
        Self {
            cache: Box::new(cache),
            current: Mutex::new(None),
        }
    }

    /// A token to use now: the one in hand, the cached one, or a new one.
    pub(crate) async fn token(
        &self,
        source: &impl TokenSource,
    ) -> Result<String, super::ClientError> {
        self.obtain(source, None).await
    }

    /// A token other than `rejected`, which the vendor just refused: another process's newer
    /// token when there is one, else one new token.
    pub(crate) async fn replace(
        &self,
        source: &impl TokenSource,
        rejected: &str,
    ) -> Result<String, super::ClientError> {
        self.obtain(source, Some(rejected)).await
    }

    async fn obtain(
        &self,
        source: &impl TokenSource,
        rejected: Option<&str>,
    ) -> Result<String, super::ClientError> {
        // Held across the fetch: concurrent callers wait for one token instead of each fetching.
        let mut current = self.current.lock().await;
        let now = chrono::Utc::now().timestamp();
        let usable = |token: &CachedToken| {
            token.is_valid_at(now) && Some(token.access_token.as_str()) != rejected
        };
        if let Some(token) = current.as_ref().filter(|token| usable(token)) {
            return Ok(token.access_token.clone());
        }
        let snapshot = self.cache.load().map_err(super::ClientError::Cache)?;
        if let Some(token) = snapshot.token.filter(|token| usable(token)) {
            let access_token = token.access_token.clone();
            *current = Some(token);
            return Ok(access_token);
        }
        let (access_token, expires_in) = source.fetch().await?;
        let fresh = CachedToken {
            valid_until: valid_until(&access_token, expires_in, now),
            access_token,
        };
        let chosen = self.publish(fresh, snapshot.version, &usable);
        let access_token = chosen.access_token.clone();
        *current = Some(chosen);
        Ok(access_token)
    }

    /// Stores `fresh` compare-and-set; on a conflict adopts the winner's token when usable.
    fn publish(
        &self,
        fresh: CachedToken,
        mut version: Value,
        usable: &impl Fn(&CachedToken) -> bool,
    ) -> CachedToken {
        for _ in 0..MAX_STORE_ATTEMPTS {
            match self.cache.store(&fresh, &version) {
                Ok(()) | Err(StoreError::Failed(_)) => return fresh,
                Err(StoreError::Conflict) => {
                    let Ok(snapshot) = self.cache.load() else {
                        return fresh;
                    };
                    if let Some(winner) = snapshot.token.filter(|token| usable(token)) {
                        return winner;
                    }
                    version = snapshot.version;
                }
            }
        }
        // Still contended: use the token without caching it; the next run caches one.
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lifetime_comes_from_expires_in_then_exp_then_default() {
        assert_eq!(valid_until("opaque", Some(3600), 1000), 1000 + 3600 - 60);
        assert_eq!(valid_until("opaque", Some(2), 1000), 1002);
        assert_eq!(valid_until("opaque", Some(100), 1000), 1000 + 100 - 25);
        let payload = URL_SAFE_NO_PAD.encode(json!({"exp": 1000 + 1200}).to_string());
        assert_eq!(
            valid_until(&format!("h.{payload}.s"), None, 1000),
            1000 + 1200 - 60
        );
        assert_eq!(valid_until("opaque", None, 1000), 1000 + 300 - 60);
        assert_eq!(valid_until("opaque", Some(0), 1000), 1000 + 300 - 60);
    }

    #[test]
    fn no_cache_holds_nothing() {
        let snapshot = NoCache.load().unwrap();
        assert_eq!(snapshot.token, None);
        let token = CachedToken {
            access_token: "t".into(),
            valid_until: 5,
        };
        assert_eq!(NoCache.store(&token, &Value::Null), Ok(()));
        assert!(token.is_valid_at(4));
        assert!(!token.is_valid_at(5));
    }
}
