//! The query string of `GET /api/v2/alerts`: filters, page size and the keyset cursor, turned
//! into an [`AlertQuery`] or into the API's 400 errors, plus the cursor's encoding.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Timelike};

use crate::sim::error::ApiError;
use crate::sim::model::{Severity, Status};
use crate::sim::store::AlertQuery;

const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 1000;
const CURSOR_VERSION: &str = "v1";

/// The listing the query string asks for, as seen at `now`. Unknown parameters are ignored.
pub(super) fn parse(params: &HashMap<String, String>, now: i64) -> Result<AlertQuery, ApiError> {
    let param = |name: &str| params.get(name).map(String::as_str);
    Ok(AlertQuery {
        status: param("status").map(status).transpose()?,
        severities: param("severity")
            .map(severities)
            .transpose()?
            .unwrap_or_default(),
        types: param("type").map(types).unwrap_or_default(),
        created_after: param("created_after")
            .map(|text| time("created_after", text))
            .transpose()?,
        created_before: param("created_before")
            .map(|text| time("created_before", text))
            .transpose()?,
        after: param("cursor").map(decode_cursor).transpose()?,
        limit: param("limit").map_or(Ok(DEFAULT_LIMIT), limit)?,
        now,
    })
}

/// The `next_cursor` for a page whose last alert sits at `(created, seq)`.
pub(super) fn encode_cursor((created, seq): (i64, u64)) -> String {
    URL_SAFE_NO_PAD.encode(cursor_text(created, seq))
}

fn cursor_text(created: i64, seq: u64) -> String {
    format!("{CURSOR_VERSION}:{created}:{seq}")
}

fn decode_cursor(text: &str) -> Result<(i64, u64), ApiError> {
    let invalid = || {
        ApiError::bad_request(
            "invalid_cursor",
            format!(
                "`cursor` `{text}` is not one this API issued; pass a page's next_cursor \
                 unchanged, or leave cursor out to start from the first page"
            ),
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
    let decoded = String::from_utf8(bytes).map_err(|_| invalid())?;
    let position = decoded
        .strip_prefix(CURSOR_VERSION)
        .and_then(|rest| rest.strip_prefix(':'))
        .and_then(|rest| rest.split_once(':'))
        .and_then(|(created, seq)| Some((created.parse().ok()?, seq.parse().ok()?)))
        .ok_or_else(invalid)?;
    // Only the exact text we encode is ours: no signs, leading zeros or other spellings.
    if cursor_text(position.0, position.1) != decoded {
        return Err(invalid());
    }
    Ok(position)
}

fn status(text: &str) -> Result<Status, ApiError> {
    Status::parse(text).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_status",
            format!("`status` must be ACTIVE or CLOSED (exact case), not `{text}`"),
        )
    })
}

/// Empty items (`High,` or an empty value) are skipped: they name no severity.
fn severities(text: &str) -> Result<Vec<Severity>, ApiError> {
    items(text)
        .map(|item| {
            Severity::parse(item).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_severity",
                    format!(
                        "unknown severity `{item}` in `severity`; use a comma-separated list of \
                         {} (exact case)",
                        allowed_severities()
                    ),
                )
            })
        })
        .collect()
}

fn allowed_severities() -> String {
    Severity::ALL.map(Severity::as_str).join(", ")
}

fn types(text: &str) -> Vec<String> {
    items(text).map(str::to_owned).collect()
}

fn items(csv: &str) -> impl Iterator<Item = &str> {
    csv.split(',').filter(|item| !item.is_empty())
}

/// Unix seconds, rounded up: an alert's whole-second `created` is at or after `created_after`,
/// and before `created_before`, exactly when it is at or after the rounded-up second.
fn time(name: &str, text: &str) -> Result<i64, ApiError> {
    let time = DateTime::parse_from_rfc3339(text).map_err(|_| {
        ApiError::bad_request(
            "invalid_time",
            format!(
                "`{name}` must be an RFC 3339 time such as 2026-11-20T10:00:00Z, not `{text}` \
                 (write a `+` offset as %2B in the query string)"
            ),
        )
    })?;
    let seconds = time.timestamp();
    Ok(if time.nanosecond() > 0 {
        seconds.saturating_add(1)
    } else {
        seconds
    })
}

fn limit(text: &str) -> Result<usize, ApiError> {
    text.parse::<usize>()
        .ok()
        .filter(|limit| (1..=MAX_LIMIT).contains(limit))
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_limit",
                format!("`limit` must be a whole number from 1 to {MAX_LIMIT}, not `{text}`"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    fn error_code(pairs: &[(&str, &str)]) -> &'static str {
        parse(&params(pairs), 0).unwrap_err().code
    }

    #[test]
    fn defaults_ignore_unknown_parameters() {
        let query = parse(&params(&[("colour", "blue")]), 77).unwrap();
        assert_eq!(query.limit, 50);
        assert_eq!(query.now, 77);
        assert!(query.status.is_none() && query.severities.is_empty() && query.types.is_empty());
        assert!(query.after.is_none() && query.created_after.is_none());
    }

    #[test]
    fn filters_parse_exactly() {
        let query = parse(
            &params(&[
                ("status", "CLOSED"),
                ("severity", "High,Critical"),
                ("type", "Bug,Something Else"),
                ("created_after", "2026-11-20T10:00:00Z"),
                ("created_before", "2026-11-20T12:00:00+02:00"),
                ("limit", "1000"),
            ]),
            0,
        )
        .unwrap();
        assert_eq!(query.status, Some(Status::Closed));
        assert_eq!(query.severities, [Severity::High, Severity::Critical]);
        assert_eq!(query.types, ["Bug", "Something Else"]);
        assert_eq!(query.created_after, Some(1_795_168_800));
        assert_eq!(query.created_before, Some(1_795_168_800));
        assert_eq!(query.limit, 1000);
    }

    #[test]
    fn fractional_times_round_up_to_the_next_whole_second() {
        let query = parse(&params(&[("created_after", "2026-11-20T10:00:00.5Z")]), 0).unwrap();
        assert_eq!(query.created_after, Some(1_795_168_801));
    }

    #[test]
    fn bad_values_get_their_codes() {
        assert_eq!(error_code(&[("status", "active")]), "invalid_status");
        assert_eq!(
            error_code(&[("severity", "High,critical")]),
            "invalid_severity"
        );
        assert_eq!(
            error_code(&[("created_after", "yesterday")]),
            "invalid_time"
        );
        assert_eq!(
            error_code(&[("created_before", "2026-11-20")]),
            "invalid_time"
        );
        for bad in ["0", "1001", "100000", "abc", "", "-1", "2.5"] {
            assert_eq!(error_code(&[("limit", bad)]), "invalid_limit", "{bad}");
        }
    }

    #[test]
    fn severity_errors_name_the_value_and_the_choices() {
        let error = parse(&params(&[("severity", "Urgent")]), 0).unwrap_err();
        assert!(error.message.contains("`Urgent`"), "{}", error.message);
        assert!(error.message.contains("Low, Medium, High, Critical"));
    }

    #[test]
    fn cursors_round_trip() {
        for position in [(1_700_000_000, 42), (0, 1), (-5, u64::MAX)] {
            let cursor = encode_cursor(position);
            assert!(!cursor.contains('=') && !cursor.contains('+') && !cursor.contains('/'));
            assert_eq!(decode_cursor(&cursor).unwrap(), position);
        }
        assert_eq!(encode_cursor((1, 2)), URL_SAFE_NO_PAD.encode("v1:1:2"));
    }

    #[test]
    fn foreign_cursors_are_rejected() {
        let encoded = |text: &str| URL_SAFE_NO_PAD.encode(text);
        for bad in [
            "not base64!".to_owned(),
            format!("{}=", encoded("v1:1:2")),
            encoded("v2:1:2"),
            encoded("v1:1"),
            encoded("v1:1:2:3"),
            encoded("v1:+1:2"),
            encoded("v1:01:2"),
            encoded("v1:1:-2"),
            encoded("v1:x:2"),
            String::new(),
        ] {
            let error = decode_cursor(&bad).unwrap_err();
            assert_eq!(error.code, "invalid_cursor", "{bad}");
        }
    }
}
