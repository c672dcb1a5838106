//! One HTTP call, start to finish: building the request from the base URL, sending it with the
//! retry policy, and turning every failure into a [`ClientError`] that holds no secret.

use std::sync::Mutex;
use std::time::Instant;

use reqwest::{Method, StatusCode, Url};
use serde_json::Value;

use super::retry::{RetryPolicy, is_retryable_status, parse_retry_after};
use super::{ClientConfig, ClientError};

/// The longest piece of a bad response quoted in an error.
const SNIPPET_CHARS: usize = 120;
/// What replaces a secret found in a quoted response.
const REDACTED: &str = "<XX_REPLACED>";

/// What to send.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    method: Method,
    path: String,
    query: Vec<(&'static str, String)>,
    body: Option<Value>,
    idempotency_key: Option<String>,
    retry_after_response: bool,
    sensitive_response: bool,
}

impl Call {
    /// A call of `path` (relative to the base URL, without a leading slash). GET, PUT, PATCH and
    /// DELETE are idempotent and retried after a "try again later" answer; POST is not.
    pub(crate) fn new(method: Method, path: &str) -> Self {
        let idempotent = matches!(
            method,
            Method::GET | Method::PUT | Method::PATCH | Method::DELETE
        );
        Self {
            method,
            path: path.trim_start_matches('/').to_owned(),
            query: Vec::new(),
            body: None,
            idempotency_key: None,
            retry_after_response: idempotent,
            sensitive_response: false,
        }
    }

    pub(crate) fn query(mut self, query: Vec<(&'static str, String)>) -> Self {
        self.query = query;
        self
    }

    pub(crate) fn json(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    /// Makes a POST safe to retry, as the API promises for this header.
    pub(crate) fn idempotency_key(mut self, key: String) -> Self {
        self.idempotency_key = Some(key);
        self.retry_after_response = true;
        self
    }

    /// Marks a call as safe to repeat even after the server answered.
    pub(crate) fn retry_after_response(mut self) -> Self {
        self.retry_after_response = true;
        self
    }

    /// The response may hold a secret (a token): never quote it in an error.
    pub(crate) fn sensitive_response(mut self) -> Self {
        self.sensitive_response = true;
        self
    }
}

/// The HTTP side of the client.
pub(crate) struct Transport {
    http: reqwest::Client,
    base: Url,
    api_key: String,
    proxy: bool,
    retry: RetryPolicy,
    tokens_seen: Mutex<Vec<String>>,
}

impl Transport {
    pub(crate) fn new(config: &ClientConfig) -> Result<Self, ClientError> {
        if config.api_key.trim().is_empty() {
            return Err(ClientError::Config(
                "the API Key param is empty: set it in the instance settings (HELLOWORLD_API_KEY for helloworld run)".to_owned(),
            ));
        }
        let base = normalise_base_url(&config.base_url)?;
        let mut builder = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .danger_accept_invalid_certs(config.insecure)
            .user_agent(concat!("helloworld-xsoar/", env!("CARGO_PKG_VERSION")));
        if !config.proxy {
            // XSOAR deletes the proxy variables when "Use system proxy settings" is off.
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|error| {
            ClientError::Config(format!("cannot build the HTTP client: {error}"))
        })?;
        Ok(Self {
            http,
            base,
            api_key: config.api_key.clone(),
            // A failed connection through a proxy looks like any failed connection; knowing a
            // proxy is in use lets the error point at it.
            proxy: config.proxy && proxy_configured(),
            retry: config.retry,
            tokens_seen: Mutex::new(Vec::new()),
        })
    }

    pub(crate) fn base_url(&self) -> &str {
        self.base.as_str()
    }

    pub(crate) fn api_key(&self) -> &str {
        &self.api_key
    }

    /// Remembers a token so that no error ever quotes it.
    pub(crate) fn learn_secret(&self, token: &str) {
        if let Ok(mut tokens) = self.tokens_seen.lock()
            && !tokens.iter().any(|known| known == token)
        {
            tokens.push(token.to_owned());
        }
    }

    /// Sends `call` with `token` as bearer and returns the body of a 2xx answer, retrying as the
    /// policy allows.
    pub(crate) async fn send(
        &self,
        call: &Call,
        token: Option<&str>,
    ) -> Result<Vec<u8>, ClientError> {
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let failure = match self.request(call, token).send().await {
                Ok(response) => {
                    let status = response.status();
                    let retry_after = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|value| value.to_str().ok())
                        .and_then(|value| parse_retry_after(value, chrono::Utc::now()));
                    let body = response
                        .bytes()
                        .await
                        .map_err(|error| self.transport_error(&error))?;
                    if status.is_success() {
                        return Ok(body.to_vec());
                    }
                    let retryable =
                        call.retry_after_response && is_retryable_status(status.as_u16());
                    let error = self.status_error(status, &body, attempt, call);
                    if !retryable {
                        return Err(error);
                    }
                    (error, retry_after)
                }
                // A connection that failed carried nothing to the server: safe to retry any call.
                Err(error) if error.is_connect() && !error.is_timeout() => {
                    (self.transport_error(&error), None)
                }
                Err(error) => return Err(self.transport_error(&error)),
            };
            let (error, retry_after) = failure;
            let delay = self.retry.delay(attempt, retry_after);
            let in_budget = started.elapsed() + delay <= self.retry.total_budget;
            if attempt >= self.retry.max_attempts || !in_budget {
                return Err(error);
            }
            tokio::time::sleep(delay).await;
        }
    }

    fn request(&self, call: &Call, token: Option<&str>) -> reqwest::RequestBuilder {
        let mut url = self.base.clone();
        url.set_path(&format!("{}{}", self.base.path(), call.path));
        if !call.query.is_empty() {
            url.query_pairs_mut().extend_pairs(
                call.query
                    .iter()
                    .map(|(name, value)| (*name, value.as_str())),
            );
        }
        let mut request = self.http.request(call.method.clone(), url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(key) = &call.idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        if let Some(body) = &call.body {
            request = request.json(body);
        }
        request
    }

    fn status_error(
        &self,
        status: StatusCode,
        body: &[u8],
        attempts: u32,
        call: &Call,
    ) -> ClientError {
        let parsed: Option<Value> = serde_json::from_slice(body).ok();
        let field = |name: &str| {
            parsed
                .as_ref()
                .and_then(|json| json.get(name))
                .and_then(Value::as_str)
                .map(|text| self.scrub(text))
        };
        let code = field("error").unwrap_or_else(|| format!("http_{}", status.as_u16()));
        let message = field("message").unwrap_or_else(|| {
            if call.sensitive_response {
                "(the body is not shown)".to_owned()
            } else {
                self.snippet(body)
            }
        });
        match status.as_u16() {
            401 => ClientError::Auth { code, message },
            403 => ClientError::Forbidden { message },
            404 => ClientError::NotFound { message },
            429 => ClientError::RateLimited { attempts },
            other => ClientError::Vendor {
                status: other,
                code,
                message,
            },
        }
    }

    fn transport_error(&self, error: &reqwest::Error) -> ClientError {
        let url = display_url(&self.base);
        let reason = self.scrub(&root_cause(error));
        let chain = format!("{error:?}").to_ascii_lowercase();
        if error.is_timeout() {
            ClientError::Timeout { url }
        } else if chain.contains("certificate") || chain.contains("unknownissuer") {
            ClientError::Tls { url, reason }
        } else if self.proxy
            && (error.is_connect() || chain.contains("proxy") || chain.contains("tunnel"))
        {
            ClientError::Proxy { url, reason }
        } else if error.is_connect() {
            ClientError::Connect { url, reason }
        } else {
            ClientError::Transport { url, reason }
        }
    }

    /// A body that is not valid JSON, as an error that quotes its start.
    pub(crate) fn invalid_json(&self, body: &[u8], call: &Call) -> ClientError {
        let snippet = if call.sensitive_response {
            "(the body is not shown)".to_owned()
        } else {
            self.snippet(body)
        };
        ClientError::InvalidJson {
            status: 200,
            snippet,
        }
    }

    fn snippet(&self, body: &[u8]) -> String {
        // Scrub before cutting: a secret cut in half would no longer be recognised.
        let text = self.scrub(&String::from_utf8_lossy(body));
        let mut snippet: String = text.chars().take(SNIPPET_CHARS).collect();
        if text.chars().count() > SNIPPET_CHARS {
            snippet.push('…');
        }
        if snippet.trim().is_empty() {
            "(empty body)".to_owned()
        } else {
            snippet
        }
    }

    /// Removes the API key and every token seen from text quoted in an error.
    fn scrub(&self, text: &str) -> String {
        let mut clean = text.replace(&self.api_key, REDACTED);
        if let Ok(tokens) = self.tokens_seen.lock() {
            for token in tokens.iter() {
                clean = clean.replace(token.as_str(), REDACTED);
            }
        }
        clean
    }
}

/// The innermost cause of a reqwest error: `Connection refused (os error 111)` rather than
/// `error sending request`.
fn root_cause(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

/// The base URL as the API's root: any `/api/v2` suffix removed, a trailing slash added.
fn normalise_base_url(text: &str) -> Result<Url, ClientError> {
    let invalid = |reason: &str| ClientError::InvalidUrl {
        url: without_userinfo(text.trim()),
        reason: reason.to_owned(),
    };
    let mut url = Url::parse(text.trim()).map_err(|error| invalid(&error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("it must start with https:// or http://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    let path = url.path().trim_end_matches('/');
    let root = path
        .strip_suffix("/api/v2")
        .or_else(|| path.strip_suffix("/api/v1"))
        .unwrap_or(path)
        .to_owned();
    url.set_path(&format!("{root}/"));
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

/// URL text with any `user:password@` taken out, for messages about URLs that do not parse.
fn without_userinfo(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => text.to_owned(),
    }
}

/// Whether the environment names a proxy that reqwest would use.
fn proxy_configured() -> bool {
    [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .iter()
    .any(|name| std::env::var(name).is_ok_and(|value| !value.trim().is_empty()))
}

/// The URL for messages: no credentials, no trailing slash.
fn display_url(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.as_str().trim_end_matches('/').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_normalised() {
        for (given, expected) in [
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080/"),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/"),
            ("https://host/prefix", "https://host/prefix/"),
            ("https://host/prefix/api/v2/", "https://host/prefix/"),
            (" https://host/api/v1 ", "https://host/"),
        ] {
            assert_eq!(
                normalise_base_url(given).unwrap().as_str(),
                expected,
                "{given}"
            );
        }
        for bad in ["", "host:8080", "ftp://host", "http://"] {
            assert!(
                matches!(normalise_base_url(bad), Err(ClientError::InvalidUrl { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn unparsable_urls_lose_their_credentials_in_messages() {
        assert_eq!(without_userinfo("ftp://user:pw@host/x"), "ftp://host/x");
        assert_eq!(without_userinfo("https://host/a@b"), "https://host/a@b");
        assert_eq!(without_userinfo("not a url"), "not a url");
        let error = normalise_base_url("ftp://user:secretpw@host").unwrap_err();
        assert!(!error.to_string().contains("secretpw"));
    }

    #[test]
    fn display_url_hides_credentials() {
        let url = Url::parse("https://user:pass@host/x/").unwrap();
        assert_eq!(display_url(&url), "https://host/x");
    }
}
