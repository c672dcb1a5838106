//! The vendor client (`helloworld::client`) against a wiremock server: token caching and
//! sharing, refresh on 401, the retry policy, error mapping, base-URL handling, the proxy
//! setting, and that no error ever carries the API key or a token.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use helloworld::client::{
    AlertFilter, CacheSnapshot, CachedToken, Client, ClientConfig, ClientError, NewAlert, NoCache,
    RetryPolicy, StoreError, TokenCache,
};
use helloworld::commands::connection::ContextTokenCache;
use helloworld::host::CallingContext;
use helloworld::host::recorder::RecordingHost;
use serde_json::{Map, Value, json};
use wiremock::matchers::{header, method, path, path_regex};
use wiremock::{Mock, MockBuilder, MockServer, Request, Respond, ResponseTemplate};

use crate::support::{Run, helloworld, run_with};

const API_KEY: &str = "hwk-7XqP2mZ9LcV4tR8nB6yD";
const TOKEN_PATH: &str = "/api/v2/auth/token";
const ALERTS_PATH: &str = "/api/v2/alerts";
/// Nothing listens on port 9 (discard) on a test machine: a dead proxy.
const DEAD_PROXY: &str = "http://127.0.0.1:9";

// ---------------------------------------------------------------------------------------------
// A versioned in-memory token cache.
// ---------------------------------------------------------------------------------------------

/// What a [`MemoryCache`] holds, and how it was written.
#[derive(Debug, Default)]
struct MemoryState {
    token: Option<CachedToken>,
    version: u64,
    stores: u64,
    conflicts: u64,
}

/// A token cache in memory with a real compare-and-set on a JSON-number version; clones share it.
#[derive(Debug, Clone, Default)]
struct MemoryCache {
    state: Arc<Mutex<MemoryState>>,
}

impl MemoryCache {
    fn holding(token: &str, valid_until: i64) -> Self {
        let cache = Self::default();
        cache.state.lock().unwrap().token = Some(CachedToken {
            access_token: token.to_owned(),
            valid_until,
        });
        cache
    }

    fn token(&self) -> Option<CachedToken> {
        self.state.lock().unwrap().token.clone()
    }

    /// The version, the successful stores and the refused (conflicting) stores.
    fn counts(&self) -> (u64, u64, u64) {
        let state = self.state.lock().unwrap();
        (state.version, state.stores, state.conflicts)
    }
}

impl TokenCache for MemoryCache {
    fn load(&self) -> Result<CacheSnapshot, String> {
        let state = self.state.lock().unwrap();
        Ok(CacheSnapshot {
            token: state.token.clone(),
            version: json!(state.version),
        })
    }

    fn store(&self, token: &CachedToken, version: &Value) -> Result<(), StoreError> {
        let mut state = self.state.lock().unwrap();
        if version.as_u64() != Some(state.version) {
            state.conflicts += 1;
            return Err(StoreError::Conflict);
        }
        state.token = Some(token.clone());
        state.version += 1;
        state.stores += 1;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers: configs, canned answers, mocks and requests.
// ---------------------------------------------------------------------------------------------

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Retries with waits of a few milliseconds, so tests stay fast.
fn fast_retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        retry_after_cap: Duration::from_millis(20),
        total_budget: Duration::from_secs(10),
    }
}

/// A config for `url` with the test key, short timeouts and fast retries.
fn config(url: &str) -> ClientConfig {
    let mut config = ClientConfig::new(url, API_KEY);
    config.connect_timeout = Duration::from_secs(2);
    config.request_timeout = Duration::from_secs(5);
    config.retry = fast_retry(3);
    config
}

fn client<'c>(url: &str, cache: impl TokenCache + 'c) -> Client<'c> {
    Client::new(&config(url), cache).unwrap()
}

fn alert(id: &str) -> Value {
    json!({
        "id": id, "name": "Suspicious login", "type": "Attack", "status": "ACTIVE",
        "severity": "High", "created": "2024-01-01T00:00:00Z", "updated": "2024-01-01T00:00:00Z",
    })
}

fn alerts_page() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"alerts": [alert("HW-1")], "next_cursor": null}))
}

fn token_reply(token: &str, expires_in: Option<i64>) -> ResponseTemplate {
    let mut body = json!({"access_token": token, "token_type": "Bearer"});
    if let Some(seconds) = expires_in {
        body["expires_in"] = json!(seconds);
    }
    ResponseTemplate::new(200).set_body_json(body)
}

/// The API's error document.
fn vendor_error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"error": code, "message": message}))
}

/// `verb` requests to exactly `route`.
fn route(verb: &str, route: &str) -> MockBuilder {
    Mock::given(method(verb)).and(path(route))
}

/// GET requests to the alerts endpoint carrying `token` as the bearer.
fn alerts_with_bearer(token: &str) -> MockBuilder {
    route("GET", ALERTS_PATH).and(header("authorization", format!("Bearer {token}")))
}

/// Mounts `mock`, which must match exactly `times` requests.
async fn mount_expecting(server: &MockServer, mock: Mock, times: u64) {
    mock.expect(times).mount(server).await;
}

/// `requests` get `answer`, and must come exactly `times` times.
async fn mount_exactly(
    server: &MockServer,
    requests: MockBuilder,
    answer: ResponseTemplate,
    times: u64,
) {
    mount_expecting(server, requests.respond_with(answer), times).await;
}

/// The first `times` of `requests` get `answer`, and there must be that many (mount it before
/// the answer that should follow: of two matching mocks, the first mounted wins while it lasts).
async fn mount_first(
    server: &MockServer,
    requests: MockBuilder,
    answer: ResponseTemplate,
    times: u64,
) {
    let mock = requests.respond_with(answer).up_to_n_times(times);
    mount_expecting(server, mock, times).await;
}

/// A new server whose token endpoint answers `token` (valid an hour), exactly once.
async fn server_issuing(token: &str) -> MockServer {
    let server = MockServer::start().await;
    let answer = token_reply(token, Some(3600));
    mount_exactly(&server, route("POST", TOKEN_PATH), answer, 1).await;
    server
}

/// The alerts endpoint answers one page, exactly `times` times.
async fn mount_alerts(server: &MockServer, times: u64) {
    mount_exactly(server, route("GET", ALERTS_PATH), alerts_page(), times).await;
}

/// The alerts endpoint gives `answer` to the first `times` requests (see [`mount_first`]).
async fn mount_alerts_failing(server: &MockServer, answer: ResponseTemplate, times: u64) {
    mount_first(server, route("GET", ALERTS_PATH), answer, times).await;
}

/// The token a request carried as `Authorization: Bearer ...`.
fn bearer(request: &Request) -> Option<String> {
    let value = request.headers.get("authorization")?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::to_owned)
}

/// The requests the server received on `wanted`, in order.
async fn requests_to(server: &MockServer, wanted: &str) -> Vec<Request> {
    let received = server.received_requests().await.unwrap();
    received
        .into_iter()
        .filter(|request| request.url.path() == wanted)
        .collect()
}

async fn list(client: &Client<'_>) -> Result<helloworld::client::AlertPage, ClientError> {
    client.list_alerts(&AlertFilter::default()).await
}

/// One `list_alerts` by a new client of `server` with `cache`.
async fn list_at(
    server: &MockServer,
    cache: impl TokenCache,
) -> Result<helloworld::client::AlertPage, ClientError> {
    list(&client(&server.uri(), cache)).await
}

/// The bearer token of every request to the alerts endpoint, in order.
async fn alert_bearers(server: &MockServer) -> Vec<Option<String>> {
    let requests = requests_to(server, ALERTS_PATH).await;
    requests.iter().map(bearer).collect()
}

/// Fails unless the alerts endpoint received exactly `count` requests.
async fn assert_alert_requests(server: &MockServer, count: usize) {
    assert_eq!(requests_to(server, ALERTS_PATH).await.len(), count);
}

/// An unsigned JWT whose payload holds `exp`; the signature is junk (the client never checks it).
fn jwt_with_exp(exp: i64) -> String {
    let part = |value: Value| URL_SAFE_NO_PAD.encode(value.to_string());
    format!(
        "{}.{}.junk-signature",
        part(json!({"alg": "HS256", "typ": "JWT"})),
        part(json!({"sub": "test", "exp": exp}))
    )
}

/// The first path segment when the client was given a prefix (`/a/api/v2/...` gives `a`).
fn prefix_of(request: &Request) -> String {
    let path = request.url.path();
    match path.find("/api/v2/") {
        Some(0) | None => String::new(),
        Some(at) => path[1..at].to_owned(),
    }
}

/// A token endpoint that issues a new random token per call (named after the caller's path
/// prefix), after `delay`, and remembers every token it issued.
#[derive(Debug, Clone, Default)]
struct Issuer {
    issued: Arc<Mutex<Vec<String>>>,
    delay: Duration,
}

impl Issuer {
    fn issue(&self, request: &Request) -> String {
        let token = format!(
            "tok-{}-{}",
            prefix_of(request),
            uuid::Uuid::new_v4().simple()
        );
        self.issued.lock().unwrap().push(token.clone());
        token
    }

    fn issued(&self) -> Vec<String> {
        self.issued.lock().unwrap().clone()
    }
}

impl Respond for Issuer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        token_reply(&self.issue(request), Some(3600)).set_delay(self.delay)
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens: caching, sharing, expiry and refresh.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn one_token_is_fetched_and_reused_by_two_invocations_sharing_a_cache() {
    let server = server_issuing("tok-shared").await;
    mount_alerts(&server, 2).await;
    let cache = MemoryCache::default();

    list_at(&server, cache.clone()).await.unwrap();
    list_at(&server, cache.clone()).await.unwrap();

    let used = alert_bearers(&server).await;
    assert_eq!(
        used,
        [Some("tok-shared".to_owned()), Some("tok-shared".to_owned())]
    );
    assert_eq!(cache.token().unwrap().access_token, "tok-shared");
    assert_eq!(cache.counts(), (1, 1, 0));
}

#[tokio::test]
async fn the_integration_context_caches_one_token_as_strings_and_keeps_other_keys() {
    let server = server_issuing("tok-context").await;
    mount_alerts(&server, 2).await;
    let mut before = Map::new();
    before.insert("fetch_cursor".to_owned(), json!("cursor-42"));
    let host = RecordingHost::new(CallingContext::new("x", Map::new(), Map::new()))
        .with_integration_context(before);

    list_at(&server, ContextTokenCache::new(&host))
        .await
        .unwrap();
    list_at(&server, ContextTokenCache::new(&host))
        .await
        .unwrap();

    let context = host.recording().integration_context;
    assert_eq!(context["access_token"], json!("tok-context"));
    let valid_until = context["valid_until"]
        .as_str()
        .expect("valid_until is a string");
    let valid_until: i64 = valid_until.parse().unwrap();
    assert!(
        (valid_until - (now() + 3600 - 60)).abs() <= 2,
        "{valid_until}"
    );
    assert_eq!(context["fetch_cursor"], json!("cursor-42"));
    let used = alert_bearers(&server).await;
    assert_eq!(
        used,
        [
            Some("tok-context".to_owned()),
            Some("tok-context".to_owned())
        ]
    );
}

#[tokio::test]
async fn an_expired_cached_token_is_replaced_before_use() {
    let server = server_issuing("tok-new").await;
    mount_exactly(&server, alerts_with_bearer("tok-old"), alerts_page(), 0).await;
    mount_alerts(&server, 1).await;
    let cache = MemoryCache::holding("tok-old", now() - 10);

    list_at(&server, cache.clone()).await.unwrap();

    let used = alert_bearers(&server).await;
    assert_eq!(used, [Some("tok-new".to_owned())]);
    assert_eq!(cache.token().unwrap().access_token, "tok-new");
}

#[tokio::test]
async fn a_401_on_a_cached_token_refreshes_once_and_retries_once() {
    // The vendor expired a token the cache still thinks valid: one new token, one retry.
    let server = server_issuing("tok-fresh").await;
    let expired = vendor_error(401, "token_expired", "the token has expired");
    mount_exactly(&server, alerts_with_bearer("tok-stale"), expired, 1).await;
    mount_exactly(&server, alerts_with_bearer("tok-fresh"), alerts_page(), 1).await;
    let cache = MemoryCache::holding("tok-stale", now() + 3600);

    let page = list_at(&server, cache.clone()).await.unwrap();
    assert_eq!(page.alerts.len(), 1);
    assert_eq!(cache.token().unwrap().access_token, "tok-fresh");

    // The new token is refused too: the call fails after that one refresh, no storm.
    let server = server_issuing("tok-fresh").await;
    let refused = vendor_error(401, "invalid_token", "the token is not ours");
    mount_exactly(&server, route("GET", ALERTS_PATH), refused, 2).await;
    let cache = MemoryCache::holding("tok-stale", now() + 3600);

    let error = list_at(&server, cache).await.unwrap_err();
    assert!(
        matches!(&error, ClientError::Auth { code, .. } if code == "invalid_token"),
        "{error:?}"
    );
    let used = alert_bearers(&server).await;
    assert_eq!(
        used,
        [Some("tok-stale".to_owned()), Some("tok-fresh".to_owned())]
    );
}

#[tokio::test]
async fn two_clients_racing_on_one_cache_lose_no_write_and_use_valid_tokens() {
    // Two clients, told apart by a path prefix, start together with an empty cache; the token
    // endpoint is slow, so both may fetch.
    let server = MockServer::start().await;
    let issuer = Issuer {
        delay: Duration::from_millis(100),
        ..Issuer::default()
    };
    Mock::given(method("POST"))
        .and(path_regex(r"^/[ab]/api/v2/auth/token$"))
        .respond_with(issuer.clone())
        .mount(&server)
        .await;
    let alerts = Mock::given(method("GET")).and(path_regex(r"^/[ab]/api/v2/alerts$"));
    mount_exactly(&server, alerts, alerts_page(), 2).await;
    let cache = MemoryCache::default();
    let first = client(&format!("{}/a/", server.uri()), cache.clone());
    let second = client(&format!("{}/b/", server.uri()), cache.clone());

    let (one, two) = tokio::join!(list(&first), list(&second));
    one.unwrap();
    two.unwrap();

    let issued = issuer.issued();
    assert!((1..=2).contains(&issued.len()), "issued: {issued:?}");
    let winner = cache.token().expect("one token is cached");
    assert!(
        issued.contains(&winner.access_token),
        "{winner:?} not in {issued:?}"
    );
    assert!(winner.is_valid_at(now()), "{winner:?}");
    let (version, stores, _conflicts) = cache.counts();
    assert!(stores >= 1);
    assert_eq!(
        version, stores,
        "every successful store advanced the version once"
    );
    for request in server.received_requests().await.unwrap() {
        if !request.url.path().ends_with(ALERTS_PATH) {
            continue;
        }
        let used = bearer(&request).unwrap();
        let own = format!("tok-{}-", prefix_of(&request));
        assert!(
            used == winner.access_token || (used.starts_with(&own) && issued.contains(&used)),
            "{} used {used}; issued {issued:?}, cached {winner:?}",
            request.url.path()
        );
    }
}

#[tokio::test]
async fn without_expires_in_the_lifetime_comes_from_the_jwt_exp_else_five_minutes() {
    for lifetime in [1200, 100] {
        let exp = now() + lifetime;
        let expected = exp - (lifetime / 4).min(60);
        let valid_until = cached_valid_until(&jwt_with_exp(exp)).await;
        assert!(
            (valid_until - expected).abs() <= 2,
            "lifetime {lifetime}: {valid_until} vs {expected}"
        );
    }
    let valid_until = cached_valid_until("opaque-token").await;
    let expected = now() + 300 - 60;
    assert!(
        (valid_until - expected).abs() <= 2,
        "{valid_until} vs {expected}"
    );
}

/// The `valid_until` cached for `token` when the token endpoint gives no `expires_in`.
async fn cached_valid_until(token: &str) -> i64 {
    let server = MockServer::start().await;
    mount_exactly(
        &server,
        route("POST", TOKEN_PATH),
        token_reply(token, None),
        1,
    )
    .await;
    mount_alerts(&server, 1).await;
    let cache = MemoryCache::default();
    list_at(&server, cache.clone()).await.unwrap();
    cache.token().unwrap().valid_until
}

// ---------------------------------------------------------------------------------------------
// Retries.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_429_is_retried_after_a_capped_retry_after_and_fails_as_rate_limited_when_it_lasts() {
    let server = server_issuing("tok").await;
    let too_many = ResponseTemplate::new(429).insert_header("Retry-After", "1");
    mount_alerts_failing(&server, too_many, 1).await;
    mount_alerts(&server, 1).await;
    // The wait itself (Retry-After, capped) is pinned by the unit tests of client::retry; a
    // wall-clock assertion here would flake on a busy machine.
    list_at(&server, NoCache).await.unwrap();
    assert_alert_requests(&server, 2).await;

    let server = server_issuing("tok").await;
    let too_many = vendor_error(429, "rate_limited", "slow down");
    mount_alerts_failing(&server, too_many, 3).await;
    let error = list_at(&server, NoCache).await.unwrap_err();
    assert_eq!(error, ClientError::RateLimited { attempts: 3 });
    assert!(error.to_string().contains("429"), "{error}");
    assert_alert_requests(&server, 3).await;
}

#[tokio::test]
async fn a_503_twice_then_200_succeeds_on_the_third_request() {
    let server = server_issuing("tok").await;
    mount_alerts_failing(&server, vendor_error(503, "unavailable", "later"), 2).await;
    mount_alerts(&server, 1).await;
    let page = list_at(&server, NoCache).await.unwrap();
    assert_eq!(page.alerts[0].id, "HW-1");
    assert_alert_requests(&server, 3).await;
}

#[tokio::test]
async fn a_500_is_not_retried_and_reports_the_vendor_code_and_message() {
    let server = server_issuing("tok").await;
    let failure = vendor_error(500, "internal_error", "the database is down");
    mount_alerts_failing(&server, failure, 1).await;
    let error = list_at(&server, NoCache).await.unwrap_err();
    assert!(
        matches!(error, ClientError::Vendor { status: 500, .. }),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.contains("internal_error") && text.contains("the database is down"),
        "{text}"
    );
    assert_alert_requests(&server, 1).await;
}

#[tokio::test]
async fn a_note_is_not_resent_after_a_503_but_alert_creation_is_with_the_same_idempotency_key() {
    let server = server_issuing("tok").await;
    let notes = "/api/v2/alerts/HW-1/notes";
    let unavailable = || vendor_error(503, "unavailable", "later");
    mount_exactly(&server, route("POST", notes), unavailable(), 1).await;
    mount_first(&server, route("POST", ALERTS_PATH), unavailable(), 2).await;
    let created = ResponseTemplate::new(201).set_body_json(alert("HW-2"));
    mount_exactly(&server, route("POST", ALERTS_PATH), created, 1).await;
    let client = client(&server.uri(), MemoryCache::default());

    let error = client.add_note("HW-1", "looked at it").await.unwrap_err();
    assert!(
        matches!(error, ClientError::Vendor { status: 503, .. }),
        "{error:?}"
    );
    assert_eq!(requests_to(&server, notes).await.len(), 1);

    let new = NewAlert {
        name: "Created".to_owned(),
        severity: "Low".to_owned(),
        alert_type: "Bug".to_owned(),
        ..NewAlert::default()
    };
    assert_eq!(client.create_alert(&new).await.unwrap().id, "HW-2");
    let keys: Vec<_> = requests_to(&server, ALERTS_PATH)
        .await
        .iter()
        .map(|request| {
            request
                .headers
                .get("idempotency-key")
                .map(|key| key.to_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(
        keys[0].as_ref().is_some_and(|key| !key.is_empty()),
        "{keys:?}"
    );
    assert!(keys.iter().all(|key| key == &keys[0]), "{keys:?}");
}

#[tokio::test]
async fn a_timeout_is_not_retried_and_says_to_check_the_server_url() {
    let server = server_issuing("tok").await;
    let slow = alerts_page().set_delay(Duration::from_secs(2));
    mount_alerts_failing(&server, slow, 1).await;
    let mut config = config(&server.uri());
    config.request_timeout = Duration::from_millis(200);
    let client = Client::new(&config, NoCache).unwrap();

    let error = list(&client).await.unwrap_err();
    assert!(matches!(error, ClientError::Timeout { .. }), "{error:?}");
    assert!(
        error.to_string().contains("Check the Server URL"),
        "{error}"
    );
    assert_alert_requests(&server, 1).await;
}

// ---------------------------------------------------------------------------------------------
// Bodies and URLs.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn garbage_json_is_quoted_briefly_but_a_garbage_token_answer_never() {
    let server = server_issuing("tok").await;
    let garbage = format!("{{\"alerts\": [{}", "x".repeat(500));
    mount_alerts_failing(
        &server,
        ResponseTemplate::new(200).set_body_string(garbage),
        1,
    )
    .await;
    let error = list_at(&server, NoCache).await.unwrap_err();
    let ClientError::InvalidJson {
        status: 200,
        snippet,
    } = &error
    else {
        panic!("{error:?}");
    };
    assert!(snippet.starts_with("{\"alerts\": [x"), "{snippet}");
    assert!(snippet.chars().count() <= 121, "{snippet}");

    let server = MockServer::start().await;
    let truncated = "{\"access_token\": \"tok-garbage-0b7e\", \"token_ty";
    let answer = ResponseTemplate::new(200).set_body_string(truncated);
    mount_exactly(&server, route("POST", TOKEN_PATH), answer, 1).await;
    mount_alerts(&server, 0).await;
    let error = list_at(&server, NoCache).await.unwrap_err();
    assert!(
        matches!(error, ClientError::InvalidJson { .. }),
        "{error:?}"
    );
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(
            !text.contains("tok-garbage") && !text.contains("access_token"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn trailing_slashes_prefixes_and_the_api_path_in_the_url_reach_the_right_paths() {
    for (suffix, root) in [
        ("/", ""),
        ("/prefix/", "/prefix"),
        ("/prefix", "/prefix"),
        ("/api/v2", ""),
        ("/prefix/api/v2/", "/prefix"),
    ] {
        let server = MockServer::start().await;
        let token_path = format!("{root}{TOKEN_PATH}");
        let alerts_path = format!("{root}{ALERTS_PATH}");
        let token = token_reply("tok", Some(3600));
        mount_exactly(&server, route("POST", &token_path), token, 1).await;
        mount_exactly(&server, route("GET", &alerts_path), alerts_page(), 1).await;
        let client = client(&format!("{}{suffix}", server.uri()), NoCache);
        assert_eq!(
            client.base_url(),
            format!("{}{root}/", server.uri()),
            "{suffix}"
        );
        list(&client)
            .await
            .unwrap_or_else(|error| panic!("{suffix}: {error}"));
        let seen: Vec<_> = server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .map(|request| request.url.path().to_owned())
            .collect();
        assert_eq!(seen, [token_path, alerts_path], "{suffix}");
    }
}

// ---------------------------------------------------------------------------------------------
// The proxy setting, through the binary (environment variables cannot be set in-process).
// ---------------------------------------------------------------------------------------------

/// `helloworld run test-module` against `url`, with every proxy variable pointing at a dead
/// proxy.
async fn test_module_behind_dead_proxy(url: &str, proxy: bool) -> Run {
    let mut command = helloworld();
    command
        .args(["run", "test-module", "-p"])
        .arg(format!("url={url}"))
        .arg("-p")
        .arg(format!("proxy={proxy}"))
        .env("HELLOWORLD_API_KEY", "k")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy");
    for name in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        command.env(name, DEAD_PROXY);
    }
    tokio::task::spawn_blocking(move || run_with(&mut command))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn proxy_off_ignores_the_proxy_environment_and_proxy_on_uses_it() {
    let server = server_issuing("tok-proxy").await;
    mount_alerts(&server, 1).await;

    let direct = test_module_behind_dead_proxy(&server.uri(), false).await;
    assert_eq!(direct.status, Some(0), "stderr: {}", direct.stderr);
    assert_eq!(direct.stdout.trim(), "ok");

    let proxied = test_module_behind_dead_proxy(&server.uri(), true).await;
    assert_eq!(
        proxied.status,
        Some(1),
        "stdout: {}\nstderr: {}",
        proxied.stdout,
        proxied.stderr
    );
    let stderr = proxied.stderr.to_lowercase();
    assert!(
        stderr.contains("proxy") || stderr.contains("connect"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------------
// No secret in any error.
// ---------------------------------------------------------------------------------------------

const WRONG_KEY: &str = "hwk-Wr0ngK3yJ5dF1gH8sA0q";

/// The token endpoint of the secrets test: issues tokens to the right key, refuses the wrong
/// key (echoing it), and under `/revoked/` refuses a second token, echoing the key and the
/// token issued before.
#[derive(Debug, Clone, Default)]
struct LeakyTokens {
    issuer: Issuer,
}

impl Respond for LeakyTokens {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = request.body_json().unwrap_or(Value::Null);
        let key = body["api_key"].as_str().unwrap_or_default();
        if key != API_KEY {
            return vendor_error(401, "invalid_api_key", &format!("no such API key {key}"));
        }
        let prefix = prefix_of(request);
        let earlier = self
            .issuer
            .issued()
            .into_iter()
            .find(|token| token.starts_with(&format!("tok-{prefix}-")));
        match earlier {
            Some(token) if prefix == "revoked" => {
                let message = format!("API key {key} revoked, and with it token {token}");
                vendor_error(401, "invalid_api_key", &message)
            }
            _ => token_reply(&self.issuer.issue(request), Some(3600)),
        }
    }
}

/// The alerts endpoint of the secrets test: each path prefix fails in its own way, echoing the
/// bearer token and the API key.
#[derive(Debug, Clone, Copy)]
struct LeakyAlerts;

impl Respond for LeakyAlerts {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let token = bearer(request).unwrap_or_default();
        let echo = format!("token {token}, key {API_KEY}");
        match prefix_of(request).trim_start_matches("cached-") {
            "revoked" => vendor_error(401, "invalid_token", &format!("revoked: {echo}")),
            "refresh" => vendor_error(401, "token_expired", &format!("expired: {echo}")),
            "forbidden" => vendor_error(403, "forbidden", &format!("not for {echo}")),
            "missing" => vendor_error(404, "not_found", &format!("nothing for {echo}")),
            "limited" => vendor_error(429, "rate_limited", &format!("slow down {echo}")),
            "broken-json" => vendor_error(500, "internal_error", &format!("crashed on {echo}")),
            "broken" => ResponseTemplate::new(500).set_body_string(format!("Traceback: {echo}")),
            "garbage" => {
                ResponseTemplate::new(200).set_body_string(format!("{{\"alerts\": [\"{token}\", "))
            }
            // A body cut at the snippet length with the key across the cut.
            "straddle" => ResponseTemplate::new(502)
                .set_body_string(format!("{}{API_KEY} {token}", "#".repeat(106))),
            "slow" => alerts_page().set_delay(Duration::from_secs(2)),
            _ => alerts_page(),
        }
    }
}

/// The error of one `list_alerts` through `url` with `key` and `cache`.
async fn error_of(url: &str, key: &str, cache: impl TokenCache) -> ClientError {
    let mut config = config(url);
    config.api_key = key.to_owned();
    config.retry = fast_retry(2);
    config.request_timeout = Duration::from_millis(300);
    let client = Client::new(&config, cache).unwrap();
    list(&client).await.expect_err(url)
}

/// Where `text` holds a secret, or 12 characters of one in a row.
fn leaks(text: &str, secrets: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for secret in secrets {
        let chars: Vec<char> = secret.chars().collect();
        let piece = chars
            .windows(12)
            .map(|window| window.iter().collect::<String>())
            .find(|piece| text.contains(piece.as_str()));
        if let Some(piece) = piece {
            found.push(format!("`{piece}` of secret {secret}"));
        }
    }
    found
}

#[tokio::test]
async fn no_error_carries_the_api_key_or_a_token() {
    let server = MockServer::start().await;
    let tokens = LeakyTokens::default();
    Mock::given(method("POST"))
        .and(path_regex(r"^/[a-z-]+/api/v2/auth/token$"))
        .respond_with(tokens.clone())
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex(r"^/[a-z-]+/api/v2/alerts$"))
        .respond_with(LeakyAlerts)
        .mount(&server)
        .await;
    let at = |prefix: &str| format!("{}/{prefix}/", server.uri());
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };

    let mut errors: BTreeMap<String, ClientError> = BTreeMap::new();
    errors.insert(
        "wrong key".to_owned(),
        error_of(&at("wrong-key"), WRONG_KEY, NoCache).await,
    );
    for prefix in [
        "revoked",
        "refresh",
        "forbidden",
        "missing",
        "limited",
        "broken-json",
        "broken",
        "garbage",
        "straddle",
        "slow",
    ] {
        errors.insert(
            prefix.to_owned(),
            error_of(&at(prefix), API_KEY, NoCache).await,
        );
    }
    // A later invocation that takes its token from the cache, not from the token endpoint.
    let cache = MemoryCache::default();
    list(&client(&at("warm"), cache.clone())).await.unwrap();
    for prefix in [
        "cached-refresh",
        "cached-forbidden",
        "cached-broken",
        "cached-garbage",
    ] {
        errors.insert(
            prefix.to_owned(),
            error_of(&at(prefix), API_KEY, cache.clone()).await,
        );
    }
    let refused = format!("http://127.0.0.1:{closed_port}/");
    errors.insert(
        "connection refused".to_owned(),
        error_of(&refused, API_KEY, NoCache).await,
    );
    let tls = format!("https://{}/tls/", server.address());
    errors.insert("tls".to_owned(), error_of(&tls, API_KEY, NoCache).await);

    assert!(matches!(errors["wrong key"], ClientError::Auth { .. }));
    assert!(matches!(errors["slow"], ClientError::Timeout { .. }));
    assert!(matches!(errors["garbage"], ClientError::InvalidJson { .. }));
    assert!(matches!(errors["limited"], ClientError::RateLimited { .. }));
    let mut secrets = vec![API_KEY.to_owned(), WRONG_KEY.to_owned()];
    secrets.extend(tokens.issuer.issued());
    let mut found = Vec::new();
    for (case, error) in &errors {
        for text in [error.to_string(), format!("{error:?}")] {
            found.extend(
                leaks(&text, &secrets)
                    .into_iter()
                    .map(|leak| format!("{case}: {leak} in {text}")),
            );
        }
    }
    assert!(found.is_empty(), "secrets in errors:\n{}", found.join("\n"));
}
