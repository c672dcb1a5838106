//! `tableToMarkdown` of CommonServerPython, byte for byte, with its header transforms and
//! `stringEscapeMD`. The `date_fields` option is not implemented: Python formats those in the
//! container's local timezone, which a re-implementation cannot reproduce faithfully.
//! Where Python would crash on odd input, the documented choices below are made instead.

use std::fmt;

use serde_json::{Map, Value};

use super::pyjson::{dumps, py_str};

const NO_ENTRIES: &str = "**No entries.**\n";

/// Column header used by [`table_to_markdown`] for a list of scalars, where Python needs headers.
pub const SCALAR_ROWS_HEADER: &str = "Value";

/// Options of tableToMarkdown beyond the name and the data.
#[derive(Debug, Clone)]
pub struct TableOptions {
    /// Column order; `None` (or an empty list, like Python) takes the first row's keys.
    pub headers: Option<Vec<String>>,
    /// Replaces the default header escaping (`stringEscapeMD(h, True, True)`) when given.
    pub header_transform: Option<fn(&str) -> String>,
    /// Drops a column when every row's value is null, missing, `""`, `[]` or `{}`.
    pub remove_null: bool,
    /// Line printed under the title; skipped when empty.
    pub metadata: Option<String>,
    /// Keys whose values become `[v](v)` links, at any depth.
    pub url_keys: Vec<String>,
    /// Sorts the first row's keys by code point when no headers are given.
    pub sort_headers: bool,
}

impl Default for TableOptions {
    fn default() -> Self {
        Self {
            headers: None,
            header_transform: None,
            remove_null: false,
            metadata: None,
            url_keys: Vec::new(),
            sort_headers: true,
        }
    }
}

/// The rows are scalars and no headers were given, which Python rejects with this message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingHeaders;

impl fmt::Display for MissingHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Missing headers param for tableToMarkdown. Example: headers=['Some Header']")
    }
}

impl std::error::Error for MissingHeaders {}

/// `tableToMarkdown(name, data)` with default options.
///
/// Python raises [`MissingHeaders`] for scalar rows without headers; this function never
/// fails and renders such rows in one column headed [`SCALAR_ROWS_HEADER`] (`Value`)
/// instead. Use [`table_to_markdown_with`] to get Python's error.
pub fn table_to_markdown(name: &str, data: &Value) -> String {
    let options = TableOptions::default();
    table_to_markdown_with(name, data, &options).unwrap_or_else(|MissingHeaders| {
        let scalar_options = TableOptions {
            headers: Some(vec![String::from(SCALAR_ROWS_HEADER)]),
            ..options
        };
        // With explicit headers the error cannot occur again.
        table_to_markdown_with(name, data, &scalar_options).unwrap_or_default()
    })
}

/// `tableToMarkdown(name, data, headers=..., headerTransform=..., removeNull=..., metadata=...,
/// url_keys=..., sort_headers=...)`.
///
/// Where Python crashes on its own, this returns instead:
/// - a truthy number or `true` as data is a single row (Python: `TypeError` from `len()`);
/// - a single-key object whose value is `[]` gives `**No entries.**` (Python: `IndexError`);
/// - a non-object row after an object first row is shown under the first header, as
///   scalar rows are (Python: `AttributeError`).
pub fn table_to_markdown_with(
    name: &str,
    data: &Value,
    options: &TableOptions,
) -> Result<String, MissingHeaders> {
    let linked;
    let data = if options.url_keys.is_empty() {
        data
    } else {
        linked = link_url_keys(data, &options.url_keys);
        &linked
    };

    let mut out = title_and_metadata(name, options.metadata.as_deref());
    if is_falsy(data) {
        out.push_str(NO_ENTRIES);
        return Ok(out);
    }

    let (explicit_headers, table) = split_single_key_table(data, options.headers.as_deref());
    let rows: Vec<&Value> = match table {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let Some(first_row) = rows.first() else {
        out.push_str(NO_ENTRIES);
        return Ok(out);
    };
    let shape = if first_row.is_object() {
        RowShape::Objects
    } else {
        RowShape::Scalars
    };
    let headers = match (explicit_headers, first_row) {
        (Some(headers), _) => headers,
        (None, Value::Object(map)) => first_row_headers(map, options.sort_headers),
        (None, _) => return Err(MissingHeaders),
    };
    let layout = RowLayout {
        shape,
        wrap_key: headers.first().cloned().unwrap_or_default(),
    };
    let headers = if options.remove_null {
        drop_empty_columns(headers, &rows, &layout)
    } else {
        headers
    };

    if headers.is_empty() {
        out.push_str(NO_ENTRIES);
        return Ok(out);
    }
    push_header_line(&mut out, &headers, options.header_transform);
    push_separator_line(&mut out, headers.len());
    for row in &rows {
        push_row(&mut out, row, &headers, &layout);
    }
    Ok(out)
}

/// Python's `stringEscapeMD`: with `minimal_escaping` only `|` and backtick get a backslash,
/// otherwise every character of ``\`*_{}[]()#+-!|`` does; `escape_multiline` first turns
/// `\r\n`, `\r` and `\n` into `<br>`.
pub fn string_escape_md(s: &str, minimal_escaping: bool, escape_multiline: bool) -> String {
    let text = if escape_multiline {
        // `\r\n` first so that it becomes one `<br>`, not two.
        s.replace("\r\n", "<br>").replace(['\r', '\n'], "<br>")
    } else {
        s.to_owned()
    };
    if minimal_escaping {
        return text.replace('|', "\\|").replace('`', "\\`");
    }
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_{}[]()#+-!|".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Python's `pascalToSpace`: `ThreatScore` → `Threat Score`, `thisIsIPAddressName` →
/// `This Is IP Address Name`, `alert_id` → `Alert _ Id`.
pub fn pascal_to_space(s: &str) -> String {
    let mut spaced = s.to_owned();
    // Sequential replace-all mirrors Python: a later token may also hit earlier replacements.
    for token in pascal_tokens(s) {
        spaced = spaced.replace(token, &format!(" {} ", py_title(token)));
    }
    py_split_whitespace(&spaced).collect::<Vec<_>>().join(" ")
}

/// Python's `string_to_table_header`: `alert_id` → `Alert Id`, `alertId` → `Alertid`
/// (`capitalize()` lowercases the rest of each word).
pub fn string_to_table_header(s: &str) -> String {
    let spaced = s.replace('_', " ");
    py_split_whitespace(&spaced)
        .map(py_capitalize)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Python's `underscoreToCamelCase`: each `_`-separated part through `str.title()`, joined:
/// `header_1` → `Header1`.
pub fn underscore_to_camel_case(s: &str) -> String {
    s.split('_').map(py_title).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowShape {
    Objects,
    Scalars,
}

/// How a cell is looked up in a row: object rows by key, anything else as `{wrap_key: row}`.
struct RowLayout {
    shape: RowShape,
    wrap_key: String,
}

impl RowLayout {
    fn cell<'a>(&self, row: &'a Value, header: &str) -> Option<&'a Value> {
        match (self.shape, row) {
            (RowShape::Objects, Value::Object(map)) => map.get(header),
            _ => (header == self.wrap_key).then_some(row),
        }
    }
}

fn title_and_metadata(name: &str, metadata: Option<&str>) -> String {
    let mut out = String::new();
    if !name.is_empty() {
        out.push_str("### ");
        out.push_str(name);
        out.push('\n');
    }
    if let Some(metadata) = metadata.filter(|m| !m.is_empty()) {
        out.push_str(metadata);
        out.push('\n');
    }
    out
}

/// Step 4 of the algorithm: without headers, `{key: rows}` becomes a table with the single column `key`.
fn split_single_key_table<'a>(
    data: &'a Value,
    headers: Option<&[String]>,
) -> (Option<Vec<String>>, &'a Value) {
    if let Some(headers) = headers.filter(|h| !h.is_empty()) {
        return (Some(headers.to_vec()), data);
    }
    if let Value::Object(map) = data
        && map.len() == 1
        && let Some((key, value)) = map.iter().next()
    {
        return (Some(vec![key.clone()]), value);
    }
    (None, data)
}

fn first_row_headers(first_row: &Map<String, Value>, sort_headers: bool) -> Vec<String> {
    let mut headers: Vec<String> = first_row.keys().cloned().collect();
    if sort_headers {
        // Byte order of UTF-8 is code point order, which is what Python's sort uses.
        headers.sort();
    }
    headers
}

fn drop_empty_columns(headers: Vec<String>, rows: &[&Value], layout: &RowLayout) -> Vec<String> {
    headers
        .into_iter()
        .filter(|header| {
            !rows
                .iter()
                .all(|row| is_null_like(layout.cell(row, header)))
        })
        .collect()
}

/// Python's `value in ('', None, [], {})`, a missing key counting as None.
fn is_null_like(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Array(items)) => items.is_empty(),
        Some(Value::Object(map)) => map.is_empty(),
        Some(_) => false,
    }
}

/// Python truthiness of a value `json.loads` could produce.
fn is_falsy(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f == 0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
    }
}

fn push_header_line(out: &mut String, headers: &[String], transform: Option<fn(&str) -> String>) {
    let shown: Vec<String> = headers
        .iter()
        .map(|header| match transform {
            Some(transform) => transform(header),
            None => string_escape_md(header, true, true),
        })
        .collect();
    out.push('|');
    out.push_str(&shown.join("|"));
    out.push_str("|\n");
}

fn push_separator_line(out: &mut String, columns: usize) {
    out.push('|');
    out.push_str(&vec!["---"; columns].join("|"));
    out.push_str("|\n");
}

fn push_row(out: &mut String, row: &Value, headers: &[String], layout: &RowLayout) {
    let cells: Vec<String> = headers
        .iter()
        .map(|header| render_cell(layout.cell(row, header)))
        .collect();
    out.push_str("| ");
    out.push_str(&cells.join(" | "));
    out.push_str(" |\n");
}

fn render_cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(value) => string_escape_md(&format_cell(value), true, true),
    }
}

/// Python's `formatCell(v, False, JsonTransformer(flatten=True))`.
fn format_cell(value: &Value) -> String {
    match value {
        Value::Object(map) => map
            .iter()
            .map(|(key, item)| format!("{key}: {}", flatten_cell(item)))
            .collect::<Vec<_>>()
            .join("\n"),
        other => flatten_cell(other),
    }
}

/// Python's `flattenCell(v, is_pretty=False)`.
fn flatten_cell(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        // Python joins `str(item)`, so dicts inside a list come out as Python repr.
        Value::Array(items) => items.iter().map(py_str).collect::<Vec<_>>().join(",\n"),
        other => dumps(other, false),
    }
}

/// Python's `url_to_clickable_markdown`: values under `url_keys` become links, others are searched.
fn link_url_keys(value: &Value, url_keys: &[String]) -> Value {
    match value {
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| link_url_keys(item, url_keys))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, item)| {
                    let linked = if url_keys.contains(key) {
                        clickable_url(item)
                    } else {
                        link_url_keys(item, url_keys)
                    };
                    (key.clone(), linked)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Python's `create_clickable_url(url)`: falsy becomes None, a list links each item.
fn clickable_url(url: &Value) -> Value {
    if is_falsy(url) {
        return Value::Null;
    }
    match url {
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| Value::String(markdown_link(&py_str(item))))
                .collect(),
        ),
        other => Value::String(markdown_link(&py_str(other))),
    }
}

fn markdown_link(url: &str) -> String {
    format!("[{url}]({url})")
}

/// Matches of the regex `([A-Z]?[a-z]+)` in order, as Python's `findall` returns them.
fn pascal_tokens(s: &str) -> Vec<&str> {
    let bytes = s.as_bytes();
    let mut tokens = Vec::new();
    let mut start = 0;
    // The classes are ASCII, and no byte of a multi-byte UTF-8 character is ASCII,
    // so byte positions that match are always character boundaries.
    while start < bytes.len() {
        let lowercase_from = match bytes.get(start) {
            Some(b) if b.is_ascii_uppercase() => start + 1,
            _ => start,
        };
        let lowercase_len = bytes
            .get(lowercase_from..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| b.is_ascii_lowercase())
            .count();
        if lowercase_len == 0 {
            start += 1;
            continue;
        }
        let end = lowercase_from + lowercase_len;
        if let Some(token) = s.get(start..end) {
            tokens.push(token);
        }
        start = end;
    }
    tokens
}

/// Python's `str.split()` with no argument: runs of whitespace separate, empty parts vanish.
fn py_split_whitespace(s: &str) -> impl Iterator<Item = &str> {
    s.split(is_py_whitespace).filter(|part| !part.is_empty())
}

/// Python's `str.isspace()`, which unlike Unicode White_Space includes U+001C..U+001F.
fn is_py_whitespace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.title()`: a cased character after an uncased one is title-cased, others lowered.
fn py_title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut previous_is_cased = false;
    for c in s.chars() {
        if previous_is_cased {
            out.extend(c.to_lowercase());
        } else {
            push_titlecase(&mut out, c);
        }
        previous_is_cased = is_cased(c);
    }
    out
}

/// Python 3.8+ `str.capitalize()`: first character title-cased, the rest lowered.
fn py_capitalize(s: &str) -> String {
    let mut chars = s.chars();
    let mut out = String::with_capacity(s.len());
    if let Some(first) = chars.next() {
        push_titlecase(&mut out, first);
    }
    for c in chars {
        out.extend(c.to_lowercase());
    }
    out
}

/// Title case is upper case except for ß, the Latin digraphs and ligatures handled here;
/// rarer differences (Greek with ypogegrammeni, final sigma) are not reproduced.
fn push_titlecase(out: &mut String, c: char) {
    let special = match c {
        'ß' => "Ss",
        '\u{1c4}'..='\u{1c6}' => "\u{1c5}",
        '\u{1c7}'..='\u{1c9}' => "\u{1c8}",
        '\u{1ca}'..='\u{1cc}' => "\u{1cb}",
        '\u{1f1}'..='\u{1f3}' => "\u{1f2}",
        '\u{fb00}' => "Ff",
        '\u{fb01}' => "Fi",
        '\u{fb02}' => "Fl",
        '\u{fb03}' => "Ffi",
        '\u{fb04}' => "Ffl",
        '\u{fb05}' | '\u{fb06}' => "St",
        _ => "",
    };
    if special.is_empty() {
        out.extend(c.to_uppercase());
    } else {
        out.push_str(special);
    }
}

fn is_cased(c: char) -> bool {
    c.is_lowercase() || c.is_uppercase() || is_titlecase_letter(c)
}

fn is_titlecase_letter(c: char) -> bool {
    matches!(
        c,
        '\u{1c5}'
            | '\u{1c8}'
            | '\u{1cb}'
            | '\u{1f2}'
            | '\u{1f88}'..='\u{1f8f}'
            | '\u{1f98}'..='\u{1f9f}'
            | '\u{1fa8}'..='\u{1faf}'
            | '\u{1fbc}'
            | '\u{1fcc}'
            | '\u{1ffc}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn with(data: &Value, options: &TableOptions) -> String {
        table_to_markdown_with("T", data, options).expect("headers are resolvable")
    }

    fn headers(names: &[&str]) -> Option<Vec<String>> {
        Some(names.iter().map(|name| String::from(*name)).collect())
    }

    #[test]
    fn section_2_verified_results_list_of_dicts() {
        let data = json!([{"id": 100, "name": "alert1"}, {"id": 200, "name": "alert2"}]);
        assert_eq!(
            table_to_markdown("Results", &data),
            "### Results\n|id|name|\n|---|---|\n| 100 | alert1 |\n| 200 | alert2 |\n"
        );
    }

    #[test]
    fn section_2_verified_dict_scalars() {
        let data = json!({"b": true, "n": null, "f": 1.5, "z": 0, "e": "", "pipe": "a|b",
            "nl": "x\ny", "bt": "a`b", "star": "*x*"});
        assert_eq!(
            table_to_markdown("T", &data),
            "### T\n|b|bt|e|f|n|nl|pipe|star|z|\n|---|---|---|---|---|---|---|---|---|\n\
             | true | a\\`b |  | 1.5 |  | x<br>y | a\\|b | *x* | 0 |\n"
        );
    }

    #[test]
    fn section_2_verified_list_and_dict_cells() {
        let data = json!({"lst": ["a", "b"], "nums": [1, 2], "ld": [{"x": 1}],
            "d": {"a": 1, "b": [1, 2], "c": {"k": "v"}}, "empty_l": [], "empty_d": {}});
        assert_eq!(
            table_to_markdown("L", &data),
            "### L\n|d|empty_d|empty_l|ld|lst|nums|\n|---|---|---|---|---|---|\n\
             | a: 1<br>b: 1,<br>2<br>c: {\"k\": \"v\"} |  |  | {'x': 1} | a,<br>b | 1,<br>2 |\n"
        );
    }

    #[test]
    fn section_2_verified_explicit_headers_keep_order() {
        let options = TableOptions {
            headers: headers(&["b", "zz", "a"]),
            ..TableOptions::default()
        };
        let data = json!([{"b": 1, "a": 2, "C": 3}]);
        assert_eq!(
            table_to_markdown_with("H", &data, &options),
            Ok(String::from(
                "### H\n|b|zz|a|\n|---|---|---|\n| 1 |  | 2 |\n"
            ))
        );
    }

    #[test]
    fn section_2_verified_headers_sorted_by_code_point() {
        let data = json!([{"b": 1, "a": 2, "C": 3}]);
        assert_eq!(
            table_to_markdown("H", &data),
            "### H\n|C|a|b|\n|---|---|---|\n| 3 | 2 | 1 |\n"
        );
    }

    #[test]
    fn section_2_verified_empty_list() {
        assert_eq!(
            table_to_markdown("E", &json!([])),
            "### E\n**No entries.**\n"
        );
    }

    #[test]
    fn section_2_verified_no_name_empty_dict() {
        assert_eq!(table_to_markdown("", &json!({})), "**No entries.**\n");
    }

    #[test]
    fn section_2_verified_single_key_dict() {
        assert_eq!(
            table_to_markdown("S", &json!({"ids": [1, 2]})),
            "### S\n|ids|\n|---|\n| 1 |\n| 2 |\n"
        );
    }

    #[test]
    fn section_2_verified_remove_null() {
        let options = TableOptions {
            remove_null: true,
            ..TableOptions::default()
        };
        let data = json!([{"a": 1, "b": null, "c": ""}]);
        assert_eq!(
            table_to_markdown_with("R", &data, &options),
            Ok(String::from("### R\n|a|\n|---|\n| 1 |\n"))
        );
    }

    #[test]
    fn section_2_verified_pipe_in_header() {
        assert_eq!(
            table_to_markdown("P", &json!([{"a|b": 1}])),
            "### P\n|a\\|b|\n|---|\n| 1 |\n"
        );
    }

    #[test]
    fn section_2_verified_metadata() {
        let options = TableOptions {
            metadata: Some(String::from("meta text")),
            ..TableOptions::default()
        };
        assert_eq!(
            table_to_markdown_with("M", &json!([{"a": 1}]), &options),
            Ok(String::from("### M\nmeta text\n|a|\n|---|\n| 1 |\n"))
        );
    }

    #[test]
    fn section_2_verified_string_header_on_scalar_rows() {
        let options = TableOptions {
            headers: headers(&["Val"]),
            ..TableOptions::default()
        };
        assert_eq!(
            table_to_markdown_with("X", &json!(["a", "b"]), &options),
            Ok(String::from("### X\n|Val|\n|---|\n| a |\n| b |\n"))
        );
    }

    #[test]
    fn section_2_verified_pascal_to_space_header_transform() {
        let options = TableOptions {
            header_transform: Some(pascal_to_space),
            ..TableOptions::default()
        };
        let data = json!([{"ThreatScore": 1, "thisIsIPAddressName": 2, "alert_id": 3}]);
        assert_eq!(
            table_to_markdown_with("P", &data, &options),
            Ok(String::from(
                "### P\n|Threat Score|Alert _ Id|This Is IP Address Name|\n|---|---|---|\n| 1 | 3 | 2 |\n"
            ))
        );
    }

    #[test]
    fn section_2_pascal_to_space_examples() {
        assert_eq!(pascal_to_space("ThreatScore"), "Threat Score");
        assert_eq!(
            pascal_to_space("thisIsIPAddressName"),
            "This Is IP Address Name"
        );
        assert_eq!(pascal_to_space("alert_id"), "Alert _ Id");
        assert_eq!(pascal_to_space("IP"), "IP");
        assert_eq!(pascal_to_space(""), "");
    }

    #[test]
    fn section_2_string_to_table_header_examples() {
        assert_eq!(string_to_table_header("alert_id"), "Alert Id");
        assert_eq!(string_to_table_header("alertId"), "Alertid");
        assert_eq!(string_to_table_header("IP_address"), "Ip Address");
        assert_eq!(string_to_table_header("  one__two "), "One Two");
    }

    #[test]
    fn section_2_underscore_to_camel_case_example() {
        assert_eq!(underscore_to_camel_case("header_1"), "Header1");
        assert_eq!(underscore_to_camel_case("ip_address"), "IpAddress");
        assert_eq!(underscore_to_camel_case("IPAddress"), "Ipaddress");
        assert_eq!(underscore_to_camel_case("a1b_c"), "A1BC");
    }

    #[test]
    fn section_2_string_escape_md_modes() {
        let text = "a|b`c*_{}[]()#+-!\\\r\nd\re\nf";
        assert_eq!(
            string_escape_md(text, true, true),
            "a\\|b\\`c*_{}[]()#+-!\\<br>d<br>e<br>f"
        );
        assert_eq!(
            string_escape_md(text, false, false),
            "a\\|b\\`c\\*\\_\\{\\}\\[\\]\\(\\)\\#\\+\\-\\!\\\\\r\nd\re\nf"
        );
        assert_eq!(string_escape_md("x\ny", false, true), "x<br>y");
    }

    #[test]
    fn section_2_step_10_list_dict_null_and_pipe_cells_together() {
        let data = json!([{"list": ["a|b", {"x": "it's"}], "dict": {"n": null, "t": true, "s": "s|t"},
            "none": null, "pipe": "p|q", "num": 2.0}]);
        assert_eq!(
            table_to_markdown("C", &data),
            "### C\n|dict|list|none|num|pipe|\n|---|---|---|---|---|\n\
             | n: null<br>t: true<br>s: s\\|t | a\\|b,<br>{'x': \"it's\"} |  | 2.0 | p\\|q |\n"
        );
    }

    #[test]
    fn helloworld_v1_section_11_dicts_in_list_are_python_repr() {
        let data = json!([{"links": [{"title": "X", "links": null}]}]);
        assert_eq!(
            table_to_markdown("A", &data),
            "### A\n|links|\n|---|\n| {'title': 'X', 'links': None} |\n"
        );
    }

    #[test]
    fn section_12_quirk_7_headers_come_from_first_row_only() {
        let data = json!([{"b": 1}, {"a": 2, "b": 3}]);
        assert_eq!(
            table_to_markdown("Q", &data),
            "### Q\n|b|\n|---|\n| 1 |\n| 3 |\n"
        );
    }

    #[test]
    fn section_12_quirk_7_only_pipe_and_backtick_escaped_and_bools_lowercase() {
        let data = json!([{"md": "# *a* _b_ [c](d)", "flag": false, "none": null}]);
        assert_eq!(
            table_to_markdown("Q", &data),
            "### Q\n|flag|md|none|\n|---|---|---|\n| false | # *a* _b_ [c](d) |  |\n"
        );
    }

    #[test]
    fn section_2_step_1_url_keys_recursive() {
        let options = TableOptions {
            url_keys: vec![String::from("link"), String::from("none")],
            ..TableOptions::default()
        };
        let data = json!([{"link": "https://a.test", "inner": {"link": "https://b.test"},
            "many": {"link": ["u1", 2]}, "none": ""}]);
        assert_eq!(
            table_to_markdown_with("U", &data, &options),
            Ok(String::from(
                "### U\n|inner|link|many|none|\n|---|---|---|---|\n\
                 | link: [https://b.test](https://b.test) | [https://a.test](https://a.test) \
                 | link: [u1](u1),<br>[2](2) |  |\n"
            ))
        );
    }

    #[test]
    fn section_2_step_3_falsy_data_has_no_entries() {
        for data in [json!(null), json!(false), json!(0), json!(0.0), json!("")] {
            assert_eq!(table_to_markdown("F", &data), "### F\n**No entries.**\n");
        }
    }

    #[test]
    fn section_2_step_2_metadata_without_name() {
        let options = TableOptions {
            metadata: Some(String::from("meta")),
            ..TableOptions::default()
        };
        assert_eq!(with(&json!([]), &options), "### T\nmeta\n**No entries.**\n");
        assert_eq!(
            table_to_markdown_with("", &json!([]), &options),
            Ok(String::from("meta\n**No entries.**\n"))
        );
    }

    #[test]
    fn section_2_step_4_single_key_dict_with_object_value_gives_empty_cell() {
        assert_eq!(
            table_to_markdown("D", &json!({"a": {"x": 1}})),
            "### D\n|a|\n|---|\n|  |\n"
        );
    }

    #[test]
    fn section_2_step_4_single_key_dict_with_empty_list_has_no_entries() {
        assert_eq!(
            table_to_markdown("D", &json!({"ids": []})),
            "### D\n**No entries.**\n"
        );
    }

    #[test]
    fn section_2_step_6_scalar_rows_without_headers_fail() {
        let error = table_to_markdown_with("X", &json!(["a"]), &TableOptions::default());
        assert_eq!(error, Err(MissingHeaders));
        assert_eq!(
            MissingHeaders.to_string(),
            "Missing headers param for tableToMarkdown. Example: headers=['Some Header']"
        );
        let empty_headers = TableOptions {
            headers: Some(Vec::new()),
            ..TableOptions::default()
        };
        assert_eq!(
            table_to_markdown_with("X", &json!(["a"]), &empty_headers),
            Err(MissingHeaders)
        );
    }

    #[test]
    fn section_2_step_6_default_options_put_scalar_rows_under_value() {
        assert_eq!(
            table_to_markdown("X", &json!(["a", 1, null])),
            "### X\n|Value|\n|---|\n| a |\n| 1 |\n|  |\n"
        );
        assert_eq!(
            table_to_markdown("X", &json!("just text")),
            "### X\n|Value|\n|---|\n| just text |\n"
        );
        assert_eq!(
            table_to_markdown("X", &json!(7)),
            "### X\n|Value|\n|---|\n| 7 |\n"
        );
    }

    #[test]
    fn section_2_step_6_scalar_rows_wrap_objects_too() {
        let options = TableOptions {
            headers: headers(&["Val", "Other"]),
            ..TableOptions::default()
        };
        assert_eq!(
            with(&json!(["a", {"k": 1}]), &options),
            "### T\n|Val|Other|\n|---|---|\n| a |  |\n| k: 1 |  |\n"
        );
    }

    #[test]
    fn section_2_step_6_non_object_row_after_object_row_goes_under_first_header() {
        assert_eq!(
            table_to_markdown("M", &json!([{"b": 1, "a": 2}, "odd"])),
            "### M\n|a|b|\n|---|---|\n| 2 | 1 |\n| odd |  |\n"
        );
    }

    #[test]
    fn section_2_step_7_sort_headers_off_keeps_first_row_order() {
        let options = TableOptions {
            sort_headers: false,
            ..TableOptions::default()
        };
        assert_eq!(
            with(&json!([{"b": 1, "a": 2}]), &options),
            "### T\n|b|a|\n|---|---|\n| 1 | 2 |\n"
        );
    }

    #[test]
    fn section_2_step_8_remove_null_checks_every_row() {
        let options = TableOptions {
            remove_null: true,
            ..TableOptions::default()
        };
        let data = json!([{"a": [], "b": {}, "c": null}, {"a": [], "b": {}, "c": 0}]);
        assert_eq!(with(&data, &options), "### T\n|c|\n|---|\n|  |\n| 0 |\n");
    }

    #[test]
    fn section_2_step_9_every_column_removed_has_no_entries() {
        let options = TableOptions {
            remove_null: true,
            ..TableOptions::default()
        };
        assert_eq!(
            with(&json!([{"a": null, "b": ""}]), &options),
            "### T\n**No entries.**\n"
        );
    }

    #[test]
    fn section_2_step_9_header_transform_replaces_escaping() {
        let options = TableOptions {
            header_transform: Some(string_to_table_header),
            ..TableOptions::default()
        };
        assert_eq!(
            with(&json!([{"a|b_c": "x\ny"}]), &options),
            "### T\n|A|b C|\n|---|\n| x<br>y |\n"
        );
    }
}
