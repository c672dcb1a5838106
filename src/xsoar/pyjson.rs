//! Python-compatible text renderings of `serde_json::Value`: `repr()`, `str()` and
//! `json.dumps()` as CPython 3 prints the objects that `json.loads` would have built.
//! Byte-level parity with the Python runtime's human-readable output depends on these.

use serde_json::{Map, Value};

/// Python `repr()` of the value as `json.loads` would have produced it
/// (`None`, `True`, `'text'`, `[1, 2]`, `{'k': 1.5}`), map order kept.
pub fn py_repr(value: &Value) -> String {
    let mut out = String::new();
    write_repr(&mut out, value);
    out
}

/// Python `str()` of the value: a string is returned as it is, anything else as [`py_repr`].
pub fn py_str(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => py_repr(other),
    }
}

/// Python `repr()` of a float: the shortest digits that round-trip, positional when the
/// decimal exponent is in `-4..16` (`1.0`, `0.0001`), scientific otherwise (`1e+16`, `1.5e-05`).
pub fn py_float_repr(f: f64) -> String {
    if f.is_nan() {
        return String::from("nan");
    }
    if f.is_infinite() {
        return String::from(if f > 0.0 { "inf" } else { "-inf" });
    }
    // Rust's `{:e}` already yields the shortest round-trip digits; only the layout differs.
    let scientific = format!("{f:e}");
    let Some((mantissa, exponent)) = scientific.split_once('e') else {
        return scientific;
    };
    let Ok(exponent) = exponent.parse::<i32>() else {
        return scientific;
    };
    let sign = if mantissa.starts_with('-') { "-" } else { "" };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if (-4..16).contains(&exponent) {
        format!("{sign}{}", positional_float(&digits, exponent))
    } else {
        format!("{sign}{}", scientific_float(&digits, exponent))
    }
}

/// Python `json.dumps(value, ensure_ascii=...)` with the default separators `", "` and `": "`.
pub fn dumps(value: &Value, ensure_ascii: bool) -> String {
    let mut out = String::new();
    write_json(&mut out, value, ensure_ascii);
    out
}

fn positional_float(digits: &str, exponent: i32) -> String {
    let Ok(exponent) = usize::try_from(exponent) else {
        let leading_zeros = "0".repeat(exponent.unsigned_abs() as usize - 1);
        return format!("0.{leading_zeros}{digits}");
    };
    let integer_digits = exponent + 1;
    if digits.len() <= integer_digits {
        let trailing_zeros = "0".repeat(integer_digits - digits.len());
        format!("{digits}{trailing_zeros}.0")
    } else {
        let (integer, fraction) = digits.split_at(integer_digits);
        format!("{integer}.{fraction}")
    }
}

fn scientific_float(digits: &str, exponent: i32) -> String {
    let exponent_sign = if exponent < 0 { '-' } else { '+' };
    let magnitude = exponent.unsigned_abs();
    match digits.split_at_checked(1) {
        Some((first, rest)) if !rest.is_empty() => {
            format!("{first}.{rest}e{exponent_sign}{magnitude:02}")
        }
        _ => format!("{digits}e{exponent_sign}{magnitude:02}"),
    }
}

fn write_number(out: &mut String, number: &serde_json::Number) {
    if number.is_f64() {
        out.push_str(&py_float_repr(number.as_f64().unwrap_or(f64::NAN)));
    } else {
        out.push_str(&number.to_string());
    }
}

fn write_repr(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Number(number) => write_number(out, number),
        Value::String(s) => write_repr_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_repr(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => write_repr_map(out, map),
    }
}

fn write_repr_map(out: &mut String, map: &Map<String, Value>) {
    out.push('{');
    for (index, (key, item)) in map.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        write_repr_str(out, key);
        out.push_str(": ");
        write_repr(out, item);
    }
    out.push('}');
}

fn write_repr_str(out: &mut String, s: &str) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c < ' ' || c == '\x7f' => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c if c.is_ascii() || is_py_printable(c) => out.push(c),
            c => out.push_str(&python_hex_escape(c)),
        }
    }
    out.push(quote);
}

fn python_hex_escape(c: char) -> String {
    let code = u32::from(c);
    if code <= 0xff {
        format!("\\x{code:02x}")
    } else if code <= 0xffff {
        format!("\\u{code:04x}")
    } else {
        format!("\\U{code:08x}")
    }
}

/// Approximates `str.isprintable()` for non-ASCII characters without a Unicode database:
/// control, separator, format and private-use characters are caught; unassigned code points
/// (which Python also escapes) are not known here and are kept as they are.
fn is_py_printable(c: char) -> bool {
    !(c.is_control()
        || is_non_ascii_space_separator(c)
        || is_format_char(c)
        || is_private_use(c)
        || is_noncharacter(c))
}

fn is_non_ascii_space_separator(c: char) -> bool {
    matches!(
        c,
        '\u{a0}' | '\u{1680}' | '\u{2000}'..='\u{200a}' | '\u{2028}' | '\u{2029}'
    ) || matches!(c, '\u{202f}' | '\u{205f}' | '\u{3000}')
}

fn is_format_char(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{890}'..='\u{891}'
            | '\u{8e2}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    )
}

fn is_private_use(c: char) -> bool {
    matches!(c, '\u{e000}'..='\u{f8ff}' | '\u{f0000}'..='\u{ffffd}' | '\u{100000}'..='\u{10fffd}')
}

fn is_noncharacter(c: char) -> bool {
    let code = u32::from(c);
    (0xfdd0..=0xfdef).contains(&code) || code & 0xfffe == 0xfffe
}

fn write_json(out: &mut String, value: &Value, ensure_ascii: bool) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => write_number(out, number),
        Value::String(s) => write_json_str(out, s, ensure_ascii),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_json(out, item, ensure_ascii);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (index, (key, item)) in map.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_json_str(out, key, ensure_ascii);
                out.push_str(": ");
                write_json(out, item, ensure_ascii);
            }
            out.push('}');
        }
    }
}

fn write_json_str(out: &mut String, s: &str, ensure_ascii: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c < ' ' => push_json_unicode_escape(out, c),
            // With ensure_ascii Python escapes everything outside the printable ASCII range, DEL included.
            c if ensure_ascii && !(' '..='~').contains(&c) => push_json_unicode_escape(out, c),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_json_unicode_escape(out: &mut String, c: char) {
    let mut units = [0u16; 2];
    for unit in c.encode_utf16(&mut units) {
        out.push_str(&format!("\\u{unit:04x}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn section_2_step_10_float_repr_positional_range() {
        assert_eq!(py_float_repr(1.0), "1.0");
        assert_eq!(py_float_repr(1.5), "1.5");
        assert_eq!(py_float_repr(0.1), "0.1");
        assert_eq!(py_float_repr(123456789.0), "123456789.0");
        assert_eq!(py_float_repr(0.0001), "0.0001");
        assert_eq!(py_float_repr(1234567890123456.0), "1234567890123456.0");
        assert_eq!(py_float_repr(0.0), "0.0");
        assert_eq!(py_float_repr(-0.0), "-0.0");
        assert_eq!(py_float_repr(-2.5), "-2.5");
        assert_eq!(py_float_repr(100.0), "100.0");
        assert_eq!(py_float_repr(0.30000000000000004), "0.30000000000000004");
    }

    #[test]
    fn section_2_step_10_float_repr_scientific_range() {
        assert_eq!(py_float_repr(1e16), "1e+16");
        assert_eq!(py_float_repr(1e22), "1e+22");
        assert_eq!(py_float_repr(1e-05), "1e-05");
        assert_eq!(py_float_repr(1.5e-05), "1.5e-05");
        assert_eq!(py_float_repr(-1.25e100), "-1.25e+100");
        assert_eq!(py_float_repr(5e-324), "5e-324");
        assert_eq!(py_float_repr(f64::MAX), "1.7976931348623157e+308");
    }

    #[test]
    fn section_2_step_10_float_repr_non_finite() {
        assert_eq!(py_float_repr(f64::NAN), "nan");
        assert_eq!(py_float_repr(f64::INFINITY), "inf");
        assert_eq!(py_float_repr(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn section_2_step_10_repr_scalars() {
        assert_eq!(py_repr(&json!(null)), "None");
        assert_eq!(py_repr(&json!(true)), "True");
        assert_eq!(py_repr(&json!(false)), "False");
        assert_eq!(py_repr(&json!(42)), "42");
        assert_eq!(py_repr(&json!(-7)), "-7");
        assert_eq!(py_repr(&json!(u64::MAX)), "18446744073709551615");
        assert_eq!(py_repr(&json!(2.0)), "2.0");
    }

    #[test]
    fn section_2_step_10_repr_string_quoting() {
        assert_eq!(py_repr(&json!("plain")), "'plain'");
        assert_eq!(py_repr(&json!("it's")), "\"it's\"");
        assert_eq!(py_repr(&json!("say \"hi\"")), "'say \"hi\"'");
        assert_eq!(py_repr(&json!("it's \"x\"")), "'it\\'s \"x\"'");
        assert_eq!(py_repr(&json!("a\\b")), "'a\\\\b'");
        assert_eq!(py_repr(&json!("l1\nl2\r\t")), "'l1\\nl2\\r\\t'");
        assert_eq!(py_repr(&json!("\u{0}\u{1b}\u{7f}")), "'\\x00\\x1b\\x7f'");
        assert_eq!(py_repr(&json!("é😀")), "'é😀'");
        assert_eq!(
            py_repr(&json!("\u{85}\u{a0}\u{200b}")),
            "'\\x85\\xa0\\u200b'"
        );
    }

    #[test]
    fn section_2_step_10_repr_nested_list_and_dict() {
        let value =
            json!({"title": "X", "links": null, "tags": ["a", 1, 1.5, true], "o": {"it's": []}});
        assert_eq!(
            py_repr(&value),
            "{'title': 'X', 'links': None, 'tags': ['a', 1, 1.5, True], 'o': {\"it's\": []}}"
        );
        assert_eq!(py_repr(&json!([])), "[]");
        assert_eq!(py_repr(&json!({})), "{}");
    }

    #[test]
    fn section_2_step_10_str_keeps_strings_bare() {
        assert_eq!(py_str(&json!("it's")), "it's");
        assert_eq!(py_str(&json!({"x": 1})), "{'x': 1}");
        assert_eq!(py_str(&json!(null)), "None");
    }

    #[test]
    fn section_2_step_10_dumps_without_ensure_ascii() {
        let value = json!({"k": "é😀", "n": null, "b": [true, false], "f": 1e16, "i": 3});
        assert_eq!(
            dumps(&value, false),
            "{\"k\": \"é😀\", \"n\": null, \"b\": [true, false], \"f\": 1e+16, \"i\": 3}"
        );
    }

    #[test]
    fn section_2_step_10_dumps_with_ensure_ascii() {
        assert_eq!(dumps(&json!("é😀"), true), "\"\\u00e9\\ud83d\\ude00\"");
        assert_eq!(dumps(&json!("\u{7f}"), true), "\"\\u007f\"");
        assert_eq!(dumps(&json!("\u{7f}"), false), "\"\u{7f}\"");
    }

    #[test]
    fn section_2_step_10_dumps_string_escapes() {
        let value = json!("q\" b\\ \n\r\t\u{8}\u{c}\u{1} /");
        assert_eq!(
            dumps(&value, false),
            "\"q\\\" b\\\\ \\n\\r\\t\\b\\f\\u0001 /\""
        );
    }

    #[test]
    fn section_2_step_10_dumps_empty_containers() {
        assert_eq!(
            dumps(&json!({"a": [], "b": {}}), true),
            "{\"a\": [], \"b\": {}}"
        );
    }
}
