//! XSOAR's argument helpers (`arg_to_number`, `arg_to_datetime`, `argToList`, `argToBoolean`)
//! with CommonServerPython's exact semantics and error strings. Arguments are JSON values
//! because war-room arguments are strings while playbooks pass lists, ints and bools.

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, SubsecRound, Utc};
use serde_json::Value;

use super::pyjson::py_str;
use super::relative_date;

/// An argument that failed one of XSOAR's helpers; Display is XSOAR's exact message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgError {
    message: String,
}

impl ArgError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// XSOAR's exact error message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ArgError {}

/// XSOAR's `arg_to_number`: an optional integer argument. Numeric strings are truncated
/// toward zero (`"3.7"` → 3); JSON floats are rejected, as Python rejects float objects.
pub fn arg_to_number(
    arg: Option<&Value>,
    arg_name: Option<&str>,
    required: bool,
) -> Result<Option<i64>, ArgError> {
    let value = match arg {
        None | Some(Value::Null) => return absent(arg_name, required),
        Some(Value::String(text)) if text.is_empty() => return absent(arg_name, required),
        Some(value) => value,
    };
    let number = match value {
        Value::String(text) => string_to_int(text),
        // Python's bool is an int, so `arg_to_number(True)` returns True, which equals 1.
        Value::Bool(flag) => Some(i64::from(*flag)),
        Value::Number(number) => number.as_i64(),
        _ => None,
    };
    number
        .map(Some)
        .ok_or_else(|| invalid("Invalid number", "is not a valid number", value, arg_name))
}

/// XSOAR's `arg_to_datetime` with `is_utc=True`, measured against the current time.
pub fn arg_to_datetime(
    arg: Option<&Value>,
    arg_name: Option<&str>,
    required: bool,
) -> Result<Option<DateTime<Utc>>, ArgError> {
    // Python's clock has microsecond precision; keep "3 days" from carrying nanoseconds.
    arg_to_datetime_at(Utc::now().trunc_subsecs(6), arg, arg_name, required)
}

/// XSOAR's `arg_to_datetime` with `is_utc=True`, with relative phrases measured from `now`.
/// Reads epoch numbers (milliseconds above 2e9), relative phrases ("3 days" means ago),
/// ISO 8601 (naive means UTC) and the other formats the `dateparser` crate reads.
pub fn arg_to_datetime_at(
    now: DateTime<Utc>,
    arg: Option<&Value>,
    arg_name: Option<&str>,
    required: bool,
) -> Result<Option<DateTime<Utc>>, ArgError> {
    // Unlike arg_to_number, '' is not missing here: it reaches dateparser and fails.
    let value = match arg {
        None | Some(Value::Null) => return absent(arg_name, required),
        Some(value) => value,
    };
    let parsed = match value {
        Value::String(text) if is_ascii_digits(text) => text.parse().ok().and_then(from_epoch),
        Value::String(text) => parse_date_text(text, now),
        Value::Number(number) => number.as_f64().and_then(from_epoch),
        // Python's bool is an int, so True is one second after the epoch.
        Value::Bool(flag) => from_epoch(f64::from(u8::from(*flag))),
        _ => None,
    };
    parsed
        .filter(within_python_range)
        .map(Some)
        .ok_or_else(|| invalid("Invalid date", "is not a valid date", value, arg_name))
}

/// XSOAR's `argToList(arg)`: splits on `,`, strips each item and keeps empty ones.
pub fn arg_to_list(arg: Option<&Value>) -> Vec<Value> {
    arg_to_list_with(arg, ",")
}

/// XSOAR's `argToList(arg, separator)`. A string in brackets is read as a JSON list when it
/// is one; an empty `separator` (a ValueError in Python) keeps the string as one item.
pub fn arg_to_list_with(arg: Option<&Value>, separator: &str) -> Vec<Value> {
    match arg {
        None => Vec::new(),
        Some(value) if is_falsy(value) => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(Value::String(text)) => split_list(text, separator),
        Some(other) => vec![other.clone()],
    }
}

/// XSOAR's `argToList(arg)` with every item rendered as Python's `str()` would.
pub fn arg_to_string_list(arg: Option<&Value>) -> Vec<String> {
    arg_to_list(arg).iter().map(py_str).collect()
}

/// XSOAR's `argToBoolean`: a JSON bool, or `true`/`yes`/`false`/`no` in any case.
pub fn arg_to_boolean(value: Option<&Value>) -> Result<bool, ArgError> {
    match value {
        Some(Value::Bool(flag)) => Ok(*flag),
        Some(Value::String(text)) => match text.to_lowercase().as_str() {
            "true" | "yes" => Ok(true),
            "false" | "no" => Ok(false),
            _ => Err(ArgError::new(
                "Argument does not contain a valid boolean-like value",
            )),
        },
        _ => Err(ArgError::new("Argument is neither a string nor a boolean")),
    }
}

/// Python tests `if arg_name:`, so an empty name counts as no name.
fn named(arg_name: Option<&str>) -> Option<&str> {
    arg_name.filter(|name| !name.is_empty())
}

fn absent<T>(arg_name: Option<&str>, required: bool) -> Result<Option<T>, ArgError> {
    if !required {
        return Ok(None);
    }
    Err(ArgError::new(match named(arg_name) {
        Some(name) => format!("Missing \"{name}\""),
        None => "Missing required argument".to_owned(),
    }))
}

/// `{named}: "{name}"="{arg}"`, or `"{arg}" {unnamed}` when there is no name.
fn invalid(named_text: &str, unnamed: &str, value: &Value, arg_name: Option<&str>) -> ArgError {
    let shown = match value {
        Value::String(text) => text.clone(),
        other => py_str(other),
    };
    ArgError::new(match named(arg_name) {
        Some(name) => format!("{named_text}: \"{name}\"=\"{shown}\""),
        None => format!("\"{shown}\" {unnamed}"),
    })
}

/// Python's `str.isdigit()`, restricted to ASCII digits.
fn is_ascii_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Python's `str.isspace()` per character: Rust's whitespace plus the \x1c-\x1f separators.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Python's `str.strip()` with no arguments.
fn py_strip(text: &str) -> &str {
    text.trim_matches(is_py_space)
}

/// Python's `int(s) if s.isdigit() else int(float(s))`, limited to what fits in an i64.
fn string_to_int(text: &str) -> Option<i64> {
    if is_ascii_digits(text) {
        return text.parse().ok();
    }
    let truncated = py_float(text)?.trunc();
    // 2^63 is exact in f64; int() of inf or nan raises in Python too.
    const BOUND: f64 = 9_223_372_036_854_775_808.0;
    (truncated.is_finite() && (-BOUND..BOUND).contains(&truncated)).then_some(truncated as i64)
}

/// Python's `float(str)`: surrounding whitespace, and underscores between digits, are allowed.
fn py_float(text: &str) -> Option<f64> {
    let text = py_strip(text);
    if !text.contains('_') {
        return text.parse().ok();
    }
    let bytes = text.as_bytes();
    let between_digits = |i: usize| {
        i > 0
            && bytes.get(i - 1).is_some_and(u8::is_ascii_digit)
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
    };
    let underscores_ok = bytes
        .iter()
        .enumerate()
        .all(|(i, &b)| b != b'_' || between_digits(i));
    if !underscores_ok {
        return None;
    }
    text.replace('_', "").parse().ok()
}

/// Python's `utcfromtimestamp(x)` (microsecond precision, ties to even), with XSOAR's rule
/// that values above 2e9 are milliseconds.
fn from_epoch(value: f64) -> Option<DateTime<Utc>> {
    let seconds = if value > 2_000_000_000.0 {
        value / 1000.0
    } else {
        value
    };
    // Far beyond year 9999, and keeps the casts below exact; also rejects nan and inf.
    if !seconds.is_finite() || seconds.abs() >= 1e15 {
        return None;
    }
    let whole = seconds.trunc();
    let (mut whole, mut micros) = (
        whole as i64,
        ((seconds - whole) * 1e6).round_ties_even() as i64,
    );
    if micros >= 1_000_000 {
        whole += 1;
        micros -= 1_000_000;
    } else if micros < 0 {
        whole -= 1;
        micros += 1_000_000;
    }
    DateTime::from_timestamp(whole, u32::try_from(micros * 1000).ok()?)
}

/// Python's datetime cannot hold years outside 1..=9999, so neither can an XSOAR date.
fn within_python_range(date: &DateTime<Utc>) -> bool {
    (1..=9999).contains(&date.year())
}

/// Stands in for `dateparser.parse(arg, settings={'TIMEZONE': 'UTC'})`.
fn parse_date_text(text: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let text = py_strip(text);
    if text.is_empty() {
        return None;
    }
    relative_date::resolve(text, now)
        .or_else(|| parse_iso_with_offset(text))
        .or_else(|| parse_iso_naive(text))
        .or_else(|| parse_with_dateparser_crate(text))
}

fn parse_iso_with_offset(text: &str) -> Option<DateTime<Utc>> {
    // chrono's %#z takes Z, +hh, +hhmm and +hh:mm.
    const FORMATS: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f%#z",
        "%Y-%m-%d %H:%M:%S%.f%#z",
        "%Y-%m-%dT%H:%M%#z",
        "%Y-%m-%d %H:%M%#z",
    ];
    FORMATS
        .iter()
        .find_map(|format| DateTime::parse_from_str(text, format).ok())
        .map(|date| date.to_utc())
}

fn parse_iso_naive(text: &str) -> Option<DateTime<Utc>> {
    const FORMATS: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ];
    FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        // Python's dateparser returns midnight for a date alone.
        .or_else(|| {
            Some(
                NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .ok()?
                    .and_time(NaiveTime::MIN),
            )
        })
        .map(|date| date.and_utc())
}

fn parse_with_dateparser_crate(text: &str) -> Option<DateTime<Utc>> {
    if dateparser_would_panic(text) {
        return None;
    }
    dateparser::parse_with(text, &Utc, NaiveTime::MIN).ok()
}

/// dateparser 0.3 builds trailing offsets with the panicking `FixedOffset::east`, so an
/// offset of 24 hours or more ("2021-01-01 +2400") would abort instead of failing.
fn dateparser_would_panic(text: &str) -> bool {
    // Only these prefixes reach its offset parsers; the check keeps "12-31-2500" valid.
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|run| run.iter().all(u8::is_ascii_digit))
    };
    let reaches_offset_parser = bytes.first().is_some_and(u8::is_ascii_alphabetic)
        || (digits(0..4) && bytes.get(4) == Some(&b'-'))
        || (digits(0..1)
            && (bytes.get(1) == Some(&b':') || (digits(1..2) && bytes.get(2) == Some(&b':'))));
    // Its offset is the trimmed last 3 to 6 characters; a sign starts a numeric one.
    reaches_offset_parser
        && (3..=6).any(|len| {
            text.len()
                .checked_sub(len)
                .and_then(|start| text.get(start..))
                .is_some_and(offset_is_a_day_or_more)
        })
}

/// Mirrors dateparser's numeric offset reader: sign, two hour digits, then (when the text
/// has a colon) colons or spaces, then two minute digits starting with 0-5.
fn offset_is_a_day_or_more(offset: &str) -> bool {
    let bytes = offset.as_bytes();
    let (Some(b'+' | b'-'), Some(&tens), Some(&ones)) = (bytes.first(), bytes.get(1), bytes.get(2))
    else {
        return false;
    };
    if !tens.is_ascii_digit() || !ones.is_ascii_digit() {
        return false;
    }
    let Some(mut rest) = offset.get(3..) else {
        return false;
    };
    if offset.contains(':') {
        rest = rest.trim_start_matches(|c: char| c == ':' || c.is_whitespace());
    }
    let hours = (tens - b'0') * 10 + (ones - b'0');
    hours >= 24 && matches!(rest.as_bytes(), [b'0'..=b'5', b'0'..=b'9', ..])
}

/// Python's truthiness for JSON values.
fn is_falsy(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(flag) => !flag,
        Value::Number(number) => number.as_f64() == Some(0.0),
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
    }
}

fn split_list(text: &str, separator: &str) -> Vec<Value> {
    if text.starts_with('[') && text.ends_with(']') {
        // Python logs a failed json.loads and falls back to splitting.
        if let Ok(Value::Array(items)) = serde_json::from_str(text) {
            return items;
        }
    }
    if separator.is_empty() {
        return vec![Value::String(py_strip(text).to_owned())];
    }
    text.split(separator)
        .map(|item| Value::String(py_strip(item).to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;
    use serde_json::json;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    fn now() -> DateTime<Utc> {
        utc("2024-05-15T12:34:56Z")
    }

    fn date(value: &Value) -> Result<Option<DateTime<Utc>>, ArgError> {
        arg_to_datetime_at(now(), Some(value), Some("start_time"), false)
    }

    fn date_ok(text: &str) -> DateTime<Utc> {
        date(&json!(text)).unwrap().unwrap()
    }

    fn date_err(value: &Value, arg_name: Option<&str>) -> String {
        let err = arg_to_datetime_at(now(), Some(value), arg_name, false).unwrap_err();
        err.to_string()
    }

    fn number(
        value: &Value,
        arg_name: Option<&str>,
        required: bool,
    ) -> Result<Option<i64>, ArgError> {
        arg_to_number(Some(value), arg_name, required)
    }

    fn list(value: &Value) -> Vec<Value> {
        arg_to_list(Some(value))
    }

    #[test]
    fn section_8_arg_to_number_truncates_3_7() {
        assert_eq!(number(&json!("3.7"), None, false), Ok(Some(3)));
        assert_eq!(number(&json!("-3.7"), None, false), Ok(Some(-3)));
    }

    #[test]
    fn section_8_arg_to_number_accepts_float_strings_and_spaces() {
        assert_eq!(number(&json!("1e3"), None, false), Ok(Some(1000)));
        assert_eq!(number(&json!(" 5"), None, false), Ok(Some(5)));
        assert_eq!(number(&json!("1_000"), None, false), Ok(Some(1000)));
        assert_eq!(number(&json!("42"), Some("limit"), true), Ok(Some(42)));
    }

    #[test]
    fn section_8_arg_to_number_invalid_messages() {
        let named = number(&json!("abc"), Some("limit"), false).unwrap_err();
        assert_eq!(named.message(), r#"Invalid number: "limit"="abc""#);
        let unnamed = number(&json!("abc"), None, false).unwrap_err();
        assert_eq!(unnamed.to_string(), r#""abc" is not a valid number"#);
        for text in ["inf", "nan", "1e30", "99999999999999999999", "1__0", "_1"] {
            assert!(number(&json!(text), None, false).is_err(), "{text}");
        }
    }

    #[test]
    fn section_8_arg_to_number_rejects_float_objects() {
        let err = number(&json!(3.5), Some("limit"), false).unwrap_err();
        assert_eq!(err.message(), r#"Invalid number: "limit"="3.5""#);
        let err = number(&json!(["1"]), Some("limit"), false).unwrap_err();
        assert!(err.message().starts_with(r#"Invalid number: "limit"=""#));
    }

    #[test]
    fn section_8_arg_to_number_ints_and_bools() {
        assert_eq!(number(&json!(25), None, false), Ok(Some(25)));
        assert_eq!(number(&json!(true), None, false), Ok(Some(1)));
        assert_eq!(number(&json!(false), None, true), Ok(Some(0)));
    }

    #[test]
    fn section_8_arg_to_number_empty_is_missing() {
        assert_eq!(number(&json!(""), Some("limit"), false), Ok(None));
        assert_eq!(arg_to_number(None, Some("limit"), false), Ok(None));
        assert_eq!(number(&Value::Null, None, false), Ok(None));
        let err = number(&json!(""), Some("limit"), true).unwrap_err();
        assert_eq!(err.message(), r#"Missing "limit""#);
        let err = arg_to_number(None, None, true).unwrap_err();
        assert_eq!(err.message(), "Missing required argument");
    }

    #[test]
    fn section_8_arg_to_datetime_bare_duration_means_ago() {
        assert_eq!(date_ok("3 days"), utc("2024-05-12T12:34:56Z"));
        assert_eq!(date_ok("3 days ago"), utc("2024-05-12T12:34:56Z"));
        assert_eq!(date_ok("2 hours ago"), utc("2024-05-15T10:34:56Z"));
        assert_eq!(date_ok("12 hours"), utc("2024-05-15T00:34:56Z"));
        assert_eq!(date_ok("1 week"), utc("2024-05-08T12:34:56Z"));
        assert_eq!(date_ok("30 mins"), utc("2024-05-15T12:04:56Z"));
        assert_eq!(date_ok("An hour ago"), utc("2024-05-15T11:34:56Z"));
        assert_eq!(date_ok("1 day 2 hours ago"), utc("2024-05-14T10:34:56Z"));
    }

    #[test]
    fn section_8_arg_to_datetime_reads_the_clock() {
        let before = Utc::now().trunc_subsecs(6) - TimeDelta::days(3);
        let got = arg_to_datetime(Some(&json!("3 days")), None, true)
            .unwrap()
            .unwrap();
        assert!(before <= got && got <= Utc::now() - TimeDelta::days(3));
        assert_eq!(got.timestamp_subsec_nanos() % 1000, 0);
    }

    #[test]
    fn section_8_arg_to_datetime_words() {
        assert_eq!(date_ok("now"), now());
        assert_eq!(date_ok("Today"), now());
        assert_eq!(date_ok("yesterday"), utc("2024-05-14T12:34:56Z"));
        assert_eq!(date_ok("tomorrow"), utc("2024-05-16T12:34:56Z"));
    }

    #[test]
    fn section_8_arg_to_datetime_1_month_is_a_calendar_month() {
        let start = utc("2024-03-31T09:00:00Z");
        let got = arg_to_datetime_at(start, Some(&json!("1 month")), None, false);
        assert_eq!(got, Ok(Some(utc("2024-02-29T09:00:00Z"))));
    }

    #[test]
    fn section_8_arg_to_datetime_in_3_days_is_future() {
        assert_eq!(date_ok("in 3 days"), utc("2024-05-18T12:34:56Z"));
    }

    #[test]
    fn section_8_arg_to_datetime_iso_with_zone_is_converted_to_utc() {
        assert_eq!(date_ok("2019-10-23T02:00:00Z"), utc("2019-10-23T02:00:00Z"));
        assert_eq!(
            date_ok("2019-10-23T02:00:00+02:00"),
            utc("2019-10-23T00:00:00Z")
        );
    }

    #[test]
    fn section_8_arg_to_datetime_naive_iso_is_utc() {
        assert_eq!(date_ok("2019-10-10T12:22:00"), utc("2019-10-10T12:22:00Z"));
        assert_eq!(date_ok("2019-10-10 12:22:00"), utc("2019-10-10T12:22:00Z"));
        assert_eq!(date_ok("2019-10-10"), utc("2019-10-10T00:00:00Z"));
    }

    #[test]
    fn section_8_arg_to_datetime_other_formats_via_dateparser() {
        assert_eq!(date_ok("May 6, 2021"), utc("2021-05-06T00:00:00Z"));
        assert_eq!(date_ok("12-31-2500"), utc("2500-12-31T00:00:00Z"));
    }

    #[test]
    fn section_8_arg_to_datetime_epoch_seconds() {
        assert_eq!(date_ok("1700000000"), utc("2023-11-14T22:13:20Z"));
        assert_eq!(
            date(&json!(1700000000)),
            Ok(Some(utc("2023-11-14T22:13:20Z")))
        );
        assert_eq!(date(&json!(1.5)), Ok(Some(utc("1970-01-01T00:00:01.5Z"))));
        assert_eq!(date(&json!(true)), Ok(Some(utc("1970-01-01T00:00:01Z"))));
    }

    #[test]
    fn section_8_arg_to_datetime_epoch_milliseconds() {
        let want = Ok(Some(utc("2023-11-14T22:13:20.123Z")));
        assert_eq!(date(&json!("1700000000123")), want);
        assert_eq!(date(&json!(1700000000123_i64)), want);
    }

    #[test]
    fn section_8_arg_to_datetime_empty_string_is_invalid_not_missing() {
        assert_eq!(
            date_err(&json!(""), Some("start_time")),
            r#"Invalid date: "start_time"="""#
        );
        assert_eq!(date_err(&json!(""), None), r#""" is not a valid date"#);
    }

    #[test]
    fn section_8_arg_to_datetime_garbage_messages() {
        let garbage = json!("not a date");
        assert_eq!(
            date_err(&garbage, Some("start_time")),
            r#"Invalid date: "start_time"="not a date""#
        );
        assert_eq!(
            date_err(&garbage, None),
            r#""not a date" is not a valid date"#
        );
        assert_eq!(
            date_err(&json!(["x"]), None),
            format!("\"{}\" is not a valid date", py_str(&json!(["x"])))
        );
    }

    #[test]
    fn section_8_arg_to_datetime_missing_messages() {
        assert_eq!(
            arg_to_datetime_at(now(), None, Some("start_time"), false),
            Ok(None)
        );
        assert_eq!(date(&Value::Null), Ok(None));
        let err = arg_to_datetime_at(now(), None, Some("start_time"), true).unwrap_err();
        assert_eq!(err.message(), r#"Missing "start_time""#);
        let err = arg_to_datetime_at(now(), Some(&Value::Null), None, true).unwrap_err();
        assert_eq!(err.message(), "Missing required argument");
    }

    #[test]
    fn section_8_arg_to_datetime_never_panics() {
        let inputs = [
            "2021-01-01 +9900",
            "10:00 +2400",
            "2021-01-01 10:00:00 +24:00",
            "May 6, 2021 10:00:00 +2500",
            "99999999999999999999999",
            "9999999999999999",
            "-5",
            "300000 years ago",
            "in 9999 years",
            "\u{1c}",
            "2021-01-01T00:00:00+99:00",
            "+12019-10-10T12:22:00",
        ];
        for text in inputs {
            assert!(date(&json!(text)).is_err(), "{text}");
        }
        assert!(date(&json!(1e300)).is_err());
        assert!(date(&json!(u64::MAX)).is_err());
    }

    #[test]
    fn section_8_arg_to_list_splits_and_keeps_empty_items() {
        assert_eq!(
            list(&json!("a, b,,c")),
            [json!("a"), json!("b"), json!(""), json!("c")]
        );
        assert_eq!(
            arg_to_list_with(Some(&json!("a | b")), "|"),
            [json!("a"), json!("b")]
        );
    }

    #[test]
    fn section_8_arg_to_list_reads_json_lists() {
        assert_eq!(list(&json!(r#"["x","y"]"#)), [json!("x"), json!("y")]);
        assert_eq!(list(&json!("[not json")), [json!("[not json")]);
        assert_eq!(list(&json!("[a, b]")), [json!("[a"), json!("b]")]);
    }

    #[test]
    fn section_8_arg_to_list_other_values() {
        assert_eq!(list(&json!(5)), [json!(5)]);
        assert_eq!(list(&json!(["a", 1])), [json!("a"), json!(1)]);
        for falsy in [
            json!(""),
            json!(null),
            json!(false),
            json!(0),
            json!([]),
            json!({}),
        ] {
            assert!(list(&falsy).is_empty(), "{falsy}");
        }
        assert!(arg_to_list(None).is_empty());
    }

    #[test]
    fn section_8_arg_to_string_list_renders_items() {
        assert_eq!(arg_to_string_list(Some(&json!("a,b"))), ["a", "b"]);
        assert_eq!(arg_to_string_list(Some(&json!(["x", 5]))), ["x", "5"]);
    }

    #[test]
    fn section_8_arg_to_boolean_strings() {
        assert_eq!(arg_to_boolean(Some(&json!("yes"))), Ok(true));
        assert_eq!(arg_to_boolean(Some(&json!("No"))), Ok(false));
        assert_eq!(arg_to_boolean(Some(&json!("TRUE"))), Ok(true));
        assert_eq!(arg_to_boolean(Some(&json!(false))), Ok(false));
        let err = arg_to_boolean(Some(&json!("maybe"))).unwrap_err();
        assert_eq!(
            err.message(),
            "Argument does not contain a valid boolean-like value"
        );
    }

    #[test]
    fn section_8_arg_to_boolean_rejects_non_strings() {
        for value in [Some(&Value::Null), Some(&json!(1)), None] {
            let err = arg_to_boolean(value).unwrap_err();
            assert_eq!(err.message(), "Argument is neither a string nor a boolean");
        }
    }
}
