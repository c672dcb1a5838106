//! Why a vendor call failed, worded for the person who must act: what happened and what to do.
//! No variant carries the API key or a token; response snippets are cut short and scrubbed.

/// A failed call to the HelloWorld API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The Server URL param cannot be used.
    #[error(
        "the Server URL `{url}` is not valid ({reason}); set it to the API's base URL, such as https://api.helloworld.example"
    )]
    InvalidUrl {
        /// The URL as given, without credentials.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A setting that cannot be used, such as an empty API key.
    #[error("{0}")]
    Config(String),
    /// The vendor rejected the API key or the token.
    #[error(
        "authentication failed: the vendor rejected the credentials ({code}: {message}). Check the API Key param"
    )]
    Auth {
        /// The vendor's error code.
        code: String,
        /// The vendor's message.
        message: String,
    },
    /// The credentials are valid but not allowed to do this.
    #[error(
        "forbidden: {message}. The API key is not allowed to do this; ask the vendor admin for the permission"
    )]
    Forbidden {
        /// The vendor's message.
        message: String,
    },
    /// The object or indicator does not exist, or the vendor has no data on it.
    #[error("not found: {message}")]
    NotFound {
        /// The vendor's message.
        message: String,
    },
    /// 429 on every attempt.
    #[error(
        "rate limited: the vendor answered 429 Too Many Requests on all {attempts} attempts. Wait a minute and try again, or lower the request rate (max_fetch, fetch interval)"
    )]
    RateLimited {
        /// How many attempts were made.
        attempts: u32,
    },
    /// No answer in time.
    #[error(
        "timed out waiting for {url}. Check the Server URL and that the server is reachable; raise the request timeout if the server is just slow"
    )]
    Timeout {
        /// The base URL.
        url: String,
    },
    /// The server could not be reached.
    #[error(
        "cannot connect to {url} ({reason}). Check the Server URL and that the server is reachable from this host"
    )]
    Connect {
        /// The base URL.
        url: String,
        /// The cause, such as `connection refused`.
        reason: String,
    },
    /// The server's certificate did not verify.
    #[error(
        "TLS certificate verification failed for {url} ({reason}). Fix the server's certificate, or enable Trust any certificate (not secure)"
    )]
    Tls {
        /// The base URL.
        url: String,
        /// What the TLS library said.
        reason: String,
    },
    /// The proxy failed or refused the connection.
    #[error(
        "proxy error reaching {url} ({reason}). Use system proxy settings is on: check the proxy, or turn the setting off"
    )]
    Proxy {
        /// The base URL.
        url: String,
        /// What failed.
        reason: String,
    },
    /// A body that is not the JSON the API specifies.
    #[error("the vendor sent a response that is not valid JSON (HTTP {status}): {snippet}")]
    InvalidJson {
        /// The HTTP status.
        status: u16,
        /// The start of the body, scrubbed of secrets.
        snippet: String,
    },
    /// Any other error the vendor reported, with its code and message.
    #[error("the vendor answered HTTP {status} ({code}): {message}")]
    Vendor {
        /// The HTTP status.
        status: u16,
        /// The vendor's error code.
        code: String,
        /// The vendor's message.
        message: String,
    },
    /// The call could not be sent at all.
    #[error("the request to {url} failed: {reason}")]
    Transport {
        /// The base URL.
        url: String,
        /// What failed.
        reason: String,
    },
    /// The token cache (the integration context) could not be read or written.
    #[error("the token cache failed: {0}")]
    Cache(String),
}

impl ClientError {
    /// Whether the vendor rejected the credentials.
    pub fn is_auth(&self) -> bool {
        matches!(self, Self::Auth { .. })
    }

    /// Whether the vendor said the object does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. })
    }

    /// The HTTP status behind the error, when there was a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Auth { .. } => Some(401),
            Self::Forbidden { .. } => Some(403),
            Self::NotFound { .. } => Some(404),
            Self::RateLimited { .. } => Some(429),
            Self::InvalidJson { status, .. } | Self::Vendor { status, .. } => Some(*status),
            _ => None,
        }
    }
}
