//! Authentication: the API key is exchanged for a short-lived HS256 JWT at
//! `POST /api/v2/auth/token`, and every other `/api/v2` call must carry it as a bearer token.
//! An expired token and a token that is not ours get different error codes, so clients can
//! refresh only when refreshing helps.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use super::error::ApiError;
use super::routes::JsonBody;
use super::state::SimState;

type HmacSha256 = Hmac<Sha256>;

const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// `POST /api/v2/auth/token`: `{"api_key"}` in, a token out.
pub(crate) async fn issue_token(
    State(state): State<SimState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let api_key = body.get("api_key").and_then(Value::as_str).ok_or_else(|| {
        ApiError::bad_request("bad_request", "send {\"api_key\": \"<your key>\"}")
    })?;
    if api_key != state.config().api_key {
        return Err(ApiError::unauthorized(
            "invalid_api_key",
            "the API key is not valid; check the api_key param",
        ));
    }
    let ttl = state.config().token_ttl_seconds;
    let now = state.now();
    let token = sign(
        state.config().token_secret.as_bytes(),
        &json!({"sub": "helloworld", "iat": now, "exp": now + ttl}),
    );
    Ok(
        Json(json!({"access_token": token, "token_type": "Bearer", "expires_in": ttl}))
            .into_response(),
    )
}

/// Middleware for every `/api/v2` route but the token one: a valid, unexpired bearer token.
pub(crate) async fn require_token(
    State(state): State<SimState>,
    request: Request,
    next: Next,
) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    let Some(token) = presented else {
        return ApiError::unauthorized(
            "missing_token",
            "send Authorization: Bearer <access_token>",
        )
        .into_response();
    };
    match verify(state.config().token_secret.as_bytes(), token, state.now()) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

/// A compact HS256 JWT of `claims`.
pub(crate) fn sign(secret: &[u8], claims: &Value) -> String {
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(HEADER),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = mac(secret, signing_input.as_bytes())
        .finalize()
        .into_bytes();
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// Checks the signature in constant time, then `exp` against `now`.
pub(crate) fn verify(secret: &[u8], token: &str, now: i64) -> Result<(), ApiError> {
    let invalid = || {
        ApiError::unauthorized(
            "invalid_token",
            "the access token is not valid; request a new one",
        )
    };
    let (signing_input, signature) = token.rsplit_once('.').ok_or_else(invalid)?;
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| invalid())?;
    mac(secret, signing_input.as_bytes())
        .verify_slice(&signature)
        .map_err(|_| invalid())?;
    let (_, payload) = signing_input.split_once('.').ok_or_else(invalid)?;
    let claims: Value = URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(invalid)?;
    let expires = claims
        .get("exp")
        .and_then(Value::as_i64)
        .ok_or_else(invalid)?;
    if now >= expires {
        return Err(ApiError::unauthorized(
            "token_expired",
            "the access token expired; request a new one",
        ));
    }
    Ok(())
}

fn mac(secret: &[u8], message: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac =
        <HmacSha256 as KeyInit>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    mac.update(message);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_until_they_expire() {
        let token = sign(b"secret", &json!({"sub": "x", "exp": 100}));
        assert_eq!(token.split('.').count(), 3);
        assert!(verify(b"secret", &token, 99).is_ok());
        assert_eq!(
            verify(b"secret", &token, 100).unwrap_err().code,
            "token_expired"
        );
        assert_eq!(
            verify(b"other", &token, 0).unwrap_err().code,
            "invalid_token"
        );
        assert_eq!(
            verify(b"secret", "garbage", 0).unwrap_err().code,
            "invalid_token"
        );
        let tampered = token.replacen('.', ".e30", 1);
        assert_eq!(
            verify(b"secret", &tampered, 0).unwrap_err().code,
            "invalid_token"
        );
    }
}
