//! From instance params to a vendor client: the connection settings, and the token cache kept in
//! XSOAR's integration context (`{"access_token": ..., "valid_until": "<epoch seconds>"}`, string
//! values as XSOAR requires, written compare-and-set so concurrent runs never lose each other's
//! writes). Every token seen is registered with the host's masker.

use std::time::Duration;

use serde_json::{Map, Value, json};

use super::{Call, CommandError};
use crate::client::{
    CacheSnapshot, CachedToken, Client, ClientConfig, NoCache, StoreError, TokenCache,
};
use crate::host::{Host, HostError};
use crate::xsoar::args::{arg_to_boolean, arg_to_number};

/// Integration-context key of the cached access token.
pub const ACCESS_TOKEN_KEY: &str = "access_token";
/// Integration-context key of the time (epoch seconds, as a string) until which it is reused.
pub const VALID_UNTIL_KEY: &str = "valid_until";

/// A client whose tokens are shared through the integration context.
pub fn client<'a>(call: &Call<'a>) -> Result<Client<'a>, CommandError> {
    Ok(Client::new(
        &config(&call.params)?,
        ContextTokenCache::new(call.host),
    )?)
}

/// A client that caches nothing: XSOAR's test-module cannot use the integration context.
pub fn uncached_client(call: &Call<'_>) -> Result<Client<'static>, CommandError> {
    Ok(Client::new(&config(&call.params)?, NoCache)?)
}

/// The connection settings from the params.
pub fn config(params: &Map<String, Value>) -> Result<ClientConfig, CommandError> {
    let text = |name: &str| {
        params
            .get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or_default()
            .to_owned()
    };
    let url = text("url");
    if url.is_empty() {
        return Err(CommandError::Config(
            "the Server URL param is empty: set it to the HelloWorld API's base URL (HELLOWORLD_URL for helloworld run)".to_owned(),
        ));
    }
    let mut config = ClientConfig::new(url, api_key(params));
    config.insecure = checkbox(params, "insecure")?;
    config.proxy = checkbox(params, "proxy")?;
    config.connect_timeout = seconds(params, "connect_timeout", config.connect_timeout)?;
    config.request_timeout = seconds(params, "request_timeout", config.request_timeout)?;
    Ok(config)
}

/// The API key: a credentials param from XSOAR (`{"password": ...}`), or plain text.
fn api_key(params: &Map<String, Value>) -> String {
    let value = params.get("api_key");
    let text = match value {
        Some(Value::Object(credentials)) => credentials.get("password").and_then(Value::as_str),
        Some(Value::String(text)) => Some(text.as_str()),
        _ => None,
    };
    text.unwrap_or_default().trim().to_owned()
}

fn checkbox(params: &Map<String, Value>, name: &str) -> Result<bool, CommandError> {
    match params.get(name) {
        None | Some(Value::Null) => Ok(false),
        Some(value) => arg_to_boolean(Some(value)).map_err(|error| {
            CommandError::Config(format!("the `{name}` param must be true or false: {error}"))
        }),
    }
}

fn seconds(
    params: &Map<String, Value>,
    name: &str,
    default: Duration,
) -> Result<Duration, CommandError> {
    match arg_to_number(params.get(name), Some(name), false)? {
        None => Ok(default),
        Some(value @ 1..=300) => Ok(Duration::from_secs(value.unsigned_abs())),
        Some(value) => Err(CommandError::Config(format!(
            "the `{name}` param is {value} seconds; use a whole number from 1 to 300"
        ))),
    }
}

/// The integration context as a token cache.
#[derive(Clone, Copy)]
pub struct ContextTokenCache<'a> {
    host: &'a dyn Host,
}

impl<'a> ContextTokenCache<'a> {
    /// The token cache in `host`'s integration context.
    pub fn new(host: &'a dyn Host) -> Self {
        Self { host }
    }
}

impl std::fmt::Debug for ContextTokenCache<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("ContextTokenCache")
    }
}

impl TokenCache for ContextTokenCache<'_> {
    fn load(&self) -> Result<CacheSnapshot, String> {
        let versioned = self
            .host
            .integration_context()
            .map_err(|error| error.to_string())?;
        let token = cached_token(&versioned.context);
        if let Some(token) = &token {
            self.host.add_secret(&token.access_token);
        }
        Ok(CacheSnapshot {
            token,
            version: versioned.version,
        })
    }

    fn store(&self, token: &CachedToken, version: &Value) -> Result<(), StoreError> {
        self.host.add_secret(&token.access_token);
        // Merge into what the context holds at `version`, so other keys survive the write.
        let current = self
            .host
            .integration_context()
            .map_err(|error| StoreError::Failed(error.to_string()))?;
        if &current.version != version {
            return Err(StoreError::Conflict);
        }
        let mut context = current.context;
        context.insert(ACCESS_TOKEN_KEY.to_owned(), json!(token.access_token));
        context.insert(
            VALID_UNTIL_KEY.to_owned(),
            json!(token.valid_until.to_string()),
        );
        match self.host.set_integration_context(&context, version) {
            Ok(()) => Ok(()),
            Err(HostError::VersionConflict(_)) => Err(StoreError::Conflict),
            Err(error) => Err(StoreError::Failed(error.to_string())),
        }
    }
}

/// The token in an integration context, when both keys are there and readable.
fn cached_token(context: &Map<String, Value>) -> Option<CachedToken> {
    let access_token = context.get(ACCESS_TOKEN_KEY)?.as_str()?.to_owned();
    let valid_until = context.get(VALID_UNTIL_KEY)?.as_str()?.parse().ok()?;
    Some(CachedToken {
        access_token,
        valid_until,
    })
}
