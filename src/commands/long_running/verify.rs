//! Who may push: the body's HMAC-SHA256 under the webhook secret (`X-HelloWorld-Signature:
//! sha256=<hex>`), and basic auth when credentials are configured. Both comparisons take the
//! same time whatever the input, so a caller learns nothing from timing.

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The header carrying the body's signature.
pub const SIGNATURE_HEADER: &str = "x-helloworld-signature";

/// Whether `header` is `sha256=<hex>` of `body` under `secret`.
pub fn signature_ok(secret: &str, body: &[u8], header: Option<&str>) -> bool {
    let Some(hex_digest) = header.and_then(|value| value.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_digest) else {
        return false;
    };
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    // verify_slice compares in constant time.
    mac.verify_slice(&expected).is_ok()
}

/// Whether the `Authorization` header carries `user`/`password` as basic auth.
pub fn basic_auth_ok(user: &str, password: &str, header: Option<&str>) -> bool {
    let expected = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let given = header
        .and_then(|value| value.trim().strip_prefix("Basic "))
        .unwrap_or_default();
    constant_time_eq(given.trim().as_bytes(), expected.as_bytes())
}

/// Equality whose time depends only on the lengths.
fn constant_time_eq(left: &[u8], right: &[u8]) -> bool {
    if left.len() != right.len() {
        return false;
    }
    left.iter()
        .zip(right)
        .fold(0u8, |diff, (a, b)| diff | (a ^ b))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_4231_signature_verifies_and_anything_else_fails() {
        let good = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        let body = b"what do ya want for nothing?";
        assert!(signature_ok("Jefe", body, Some(good)));
        assert!(!signature_ok("Jefe", b"other", Some(good)));
        assert!(!signature_ok("other", body, Some(good)));
        assert!(!signature_ok("Jefe", body, None));
        assert!(!signature_ok("Jefe", body, Some("sha256=zz")));
        assert!(!signature_ok("Jefe", body, Some(&good[7..])));
    }

    #[test]
    fn basic_auth_must_match_exactly() {
        assert!(basic_auth_ok("u", "p", Some("Basic dTpw")));
        assert!(!basic_auth_ok("u", "q", Some("Basic dTpw")));
        assert!(!basic_auth_ok("u", "p", None));
    }
}
