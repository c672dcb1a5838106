//! Secret masking: every message that leaves the integration (logs, error entries, results,
//! the CLI's JSON) passes through a [`Masker`], which replaces each known secret with
//! `<XX_REPLACED>`, as XSOAR's logger does. Secrets are the params declared secret, params whose
//! names look sensitive, and values registered at run time (an access token).

use std::sync::RwLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value};

/// What a masked secret is replaced with (XSOAR's text).
pub const REPLACEMENT: &str = "<XX_REPLACED>";

/// Shorter values are not masked: replacing every `a` in a message would hide the message, and
/// a value that short protects nothing anyway.
pub const MIN_SECRET_LENGTH: usize = 4;

/// Param names that hold secrets by XSOAR's convention, whatever their declared type.
const SENSITIVE_NAME_PARTS: [&str; 7] = [
    "key",
    "private",
    "password",
    "secret",
    "token",
    "credentials",
    "service_account",
];

/// Python's `urllib.parse.quote` leaves letters, digits, `_.-~` and `/` as they are.
const URL_QUOTE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'~')
    .remove(b'/');

/// Whether a param or context key name marks its value as secret.
pub fn is_sensitive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SENSITIVE_NAME_PARTS.iter().any(|part| lower.contains(part))
}

/// Replaces known secrets, and their base64, JSON-escaped and URL-quoted forms, in text.
#[derive(Debug, Default)]
pub struct Masker {
    // Longest first, so a secret that contains another is replaced whole.
    patterns: RwLock<Vec<String>>,
}

impl Masker {
    /// A masker that knows no secret yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A masker for the secret params of an instance: those `is_declared_secret` names, and those
    /// whose names look sensitive. A credentials dict contributes its password and the base64 of
    /// `identifier:password`, as XSOAR's logger does.
    pub fn for_params(
        params: &Map<String, Value>,
        is_declared_secret: impl Fn(&str) -> bool,
    ) -> Self {
        let masker = Self::new();
        for (name, value) in params {
            if !(is_declared_secret(name) || is_sensitive_name(name)) {
                continue;
            }
            match value {
                Value::String(secret) => masker.add(secret),
                Value::Object(credentials) => masker.add_credentials(credentials),
                _ => {}
            }
        }
        masker
    }

    /// Registers a secret learnt at run time, such as an access token.
    pub fn add(&self, secret: &str) {
        if secret.chars().count() < MIN_SECRET_LENGTH {
            return;
        }
        let forms = [
            secret.to_owned(),
            BASE64.encode(secret),
            json_escaped(secret),
            utf8_percent_encode(secret, URL_QUOTE).to_string(),
        ];
        let Ok(mut patterns) = self.patterns.write() else {
            return;
        };
        for form in forms {
            if !patterns.contains(&form) {
                patterns.push(form);
            }
        }
        patterns.sort_by_key(|pattern| std::cmp::Reverse(pattern.len()));
    }

    fn add_credentials(&self, credentials: &Map<String, Value>) {
        let Some(password) = credentials.get("password").and_then(Value::as_str) else {
            return;
        };
        self.add(password);
        if let Some(identifier) = credentials.get("identifier").and_then(Value::as_str) {
            self.add(&BASE64.encode(format!("{identifier}:{password}")));
        }
    }

    /// The text with every known secret replaced.
    pub fn mask(&self, text: &str) -> String {
        let Ok(patterns) = self.patterns.read() else {
            return text.to_owned();
        };
        patterns.iter().fold(text.to_owned(), |masked, pattern| {
            masked.replace(pattern.as_str(), REPLACEMENT)
        })
    }

    /// Masks every string inside a JSON value, keys included.
    pub fn mask_value(&self, value: &mut Value) {
        match value {
            Value::String(text) => *text = self.mask(text),
            Value::Array(items) => items.iter_mut().for_each(|item| self.mask_value(item)),
            Value::Object(map) => self.mask_map(map),
            _ => {}
        }
    }

    /// Masks every string inside a JSON map, keys included.
    pub fn mask_map(&self, map: &mut Map<String, Value>) {
        let entries = std::mem::take(map);
        for (key, mut value) in entries {
            self.mask_value(&mut value);
            map.insert(self.mask(&key), value);
        }
    }
}

/// The secret as it appears inside a JSON string literal.
fn json_escaped(secret: &str) -> String {
    let quoted = serde_json::to_string(secret).unwrap_or_default();
    quoted.trim_matches('"').to_owned()
}

/// A copy of an integration context for display: values under sensitive keys (an access token,
/// say) become `<XX_REPLACED>`, whatever they are.
pub fn redact_sensitive_keys(context: &Map<String, Value>) -> Map<String, Value> {
    context
        .iter()
        .map(|(key, value)| {
            let shown = if is_sensitive_name(key) {
                Value::String(REPLACEMENT.to_owned())
            } else {
                match value {
                    Value::Object(inner) => Value::Object(redact_sensitive_keys(inner)),
                    other => other.clone(),
                }
            };
            (key.clone(), shown)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params() -> Map<String, Value> {
        json!({
            "url": "https://api.example",
            "api_key": "SECRETKEY123",
            "credentials": {"identifier": "user", "password": "pw123456"},
            "webhook_secret": "hook-secret/+1",
            "proxy": false,
        })
        .as_object()
        .cloned()
        .unwrap()
    }

    #[test]
    fn section_3_masks_key_and_credentials_password() {
        let masker = Masker::for_params(&params(), |_| false);
        assert_eq!(
            masker.mask("bad key SECRETKEY123 and pw123456"),
            "bad key <XX_REPLACED> and <XX_REPLACED>"
        );
    }

    #[test]
    fn section_3_masks_encoded_forms() {
        let masker = Masker::for_params(&params(), |_| false);
        let base64_key = BASE64.encode("SECRETKEY123");
        let basic = BASE64.encode("user:pw123456");
        let text = format!("{base64_key} Basic {basic} hook-secret/%2B1 hook-secret/+1");
        assert_eq!(
            masker.mask(&text),
            "<XX_REPLACED> Basic <XX_REPLACED> <XX_REPLACED> <XX_REPLACED>"
        );
    }

    #[test]
    fn declared_secrets_are_masked_whatever_their_name() {
        let params = json!({"tenant": "tenant-secret-value"})
            .as_object()
            .cloned()
            .unwrap();
        let masker = Masker::for_params(&params, |name| name == "tenant");
        assert_eq!(masker.mask("tenant-secret-value"), REPLACEMENT);
        let not_declared = Masker::for_params(&params, |_| false);
        assert_eq!(
            not_declared.mask("tenant-secret-value"),
            "tenant-secret-value"
        );
    }

    #[test]
    fn runtime_tokens_and_json_values_are_masked() {
        let masker = Masker::new();
        masker.add("eyJhbGciOi.token.sig");
        let mut value = json!({"a": ["Bearer eyJhbGciOi.token.sig"], "eyJhbGciOi.token.sig": 1});
        masker.mask_value(&mut value);
        assert_eq!(
            value,
            json!({"a": ["Bearer <XX_REPLACED>"], "<XX_REPLACED>": 1})
        );
    }

    #[test]
    fn short_values_are_not_masked() {
        let masker = Masker::new();
        masker.add("abc");
        assert_eq!(masker.mask("abc"), "abc");
    }

    #[test]
    fn sensitive_context_keys_are_redacted() {
        let context = json!({"access_token": "t0k3n", "valid_until": "1700000000", "nested": {"refresh_token": "r"}});
        let shown = redact_sensitive_keys(context.as_object().unwrap());
        assert_eq!(
            Value::Object(shown),
            json!({"access_token": REPLACEMENT, "valid_until": "1700000000", "nested": {"refresh_token": REPLACEMENT}})
        );
    }
}
