//! The war-room entry: the dict XSOAR receives for every result, with the exact key set and key
//! order of each shape CommonServerPython produces (`CommandResults.to_context()`, `return_error`,
//! `demisto.incidents`, `fileResult`, `return_warning`, plain text results).
//! An entry is an ordered JSON map, so what we build is byte for byte what XSOAR would get.

use serde::{Serialize, Serializer};
use serde_json::{Map, Value, json};

use super::pyjson;

/// The `Type` of an entry (CommonServerPython's `EntryType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryType {
    /// 1: a regular entry.
    Note = 1,
    /// 3: a file that may be malicious; XSOAR creates `File.*` context.
    File = 3,
    /// 4: an error entry.
    Error = 4,
    /// 9: an informational file such as a report; XSOAR creates `InfoFile.*` context.
    EntryInfoFile = 9,
    /// 11: a warning.
    Warning = 11,
}

impl EntryType {
    /// The number XSOAR uses on the wire.
    pub fn number(self) -> u8 {
        self as u8
    }
}

/// The `ContentsFormat` of an entry (CommonServerPython's `EntryFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryFormat {
    /// `html`
    Html,
    /// `table`
    Table,
    /// `json`
    Json,
    /// `text`
    Text,
    /// `dbotCommandResponse`
    DbotCommandResponse,
    /// `markdown`
    Markdown,
}

impl EntryFormat {
    /// The string XSOAR uses on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Table => "table",
            Self::Json => "json",
            Self::Text => "text",
            Self::DbotCommandResponse => "dbotCommandResponse",
            Self::Markdown => "markdown",
        }
    }

    /// The format CommandResults picks when none is given: `text` for a raw response that is a
    /// string or an integer (Python's `bool` is an `int`), `json` for everything else, null included.
    pub fn for_contents(contents: &Value) -> Self {
        match contents {
            Value::String(_) | Value::Bool(_) => Self::Text,
            Value::Number(number) if !number.is_f64() => Self::Text,
            _ => Self::Json,
        }
    }
}

/// Which kind of file entry `fileResult` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A file that may be malicious (entry type 3).
    File,
    /// A report or other informational file (entry type 9).
    InfoFile,
}

/// The bytes behind a file entry. They are not part of the entry's JSON: the host stores them
/// where XSOAR looks for them (`<investigation id>_<FileID>` in the working directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedFile {
    /// The entry's `FileID`.
    pub file_id: String,
    /// The file's content.
    pub data: Vec<u8>,
}

/// Longest error text XSOAR keeps whole; `return_error` truncates longer ones in the middle.
const MAX_ERROR_LENGTH: usize = 50_000;
const ERROR_HALF: usize = 25_000;
const TRUNCATION_MARK: &str = "...This error body was truncated...";

/// One war-room entry, with its keys in XSOAR's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    fields: Map<String, Value>,
    file: Option<AttachedFile>,
}

impl Entry {
    /// An entry from fields already in XSOAR's order.
    pub fn from_fields(fields: Map<String, Value>) -> Self {
        Self { fields, file: None }
    }

    /// What `return_error(message)` sends: `{"Type": 4, "ContentsFormat": "text", "Contents":
    /// message, "EntryContext": null}`, with messages over 50,000 characters cut in the middle.
    pub fn error(message: &str) -> Self {
        let fields = ordered([
            ("Type", json!(EntryType::Error.number())),
            ("ContentsFormat", json!(EntryFormat::Text.as_str())),
            ("Contents", json!(truncate_error(message))),
            ("EntryContext", Value::Null),
        ]);
        Self::from_fields(fields)
    }

    /// The error entry a failed command produces, worded as the HelloWorld `main()` does.
    pub fn command_error(command: &str, message: &str) -> Self {
        Self::error(&command_error_text(command, message))
    }

    /// What `return_results("text")` sends, such as test-module's `ok`.
    pub fn text(text: &str) -> Self {
        Self::from_fields(ordered([
            ("Type", json!(EntryType::Note.number())),
            ("Contents", json!(text)),
            ("ContentsFormat", json!(EntryFormat::Text.as_str())),
        ]))
    }

    /// What `demisto.incidents(incidents)` sends: Contents is the JSON *string* of the list,
    /// encoded as Python's `json.dumps` would.
    pub fn incidents(incidents: &[Value]) -> Self {
        let list = Value::Array(incidents.to_vec());
        Self::from_fields(ordered([
            ("Type", json!(EntryType::Note.number())),
            ("Contents", json!(pyjson::dumps(&list, true))),
            ("ContentsFormat", json!(EntryFormat::Json.as_str())),
        ]))
    }

    /// What `fileResult(filename, data, file_type)` returns. `../` is removed from the name, as
    /// XSOAR does, and a fresh FileID ties the entry to its bytes.
    pub fn file(file_name: &str, data: Vec<u8>, kind: FileKind) -> Self {
        let file_id = uuid::Uuid::new_v4().to_string();
        let entry_type = match kind {
            FileKind::File => EntryType::File,
            FileKind::InfoFile => EntryType::EntryInfoFile,
        };
        let fields = ordered([
            ("Contents", json!("")),
            ("ContentsFormat", json!(EntryFormat::Text.as_str())),
            ("Type", json!(entry_type.number())),
            ("File", json!(file_name.replace("../", ""))),
            ("FileID", json!(file_id)),
        ]);
        Self {
            fields,
            file: Some(AttachedFile { file_id, data }),
        }
    }

    /// What `return_warning(message)` sends (entry type 11).
    pub fn warning(message: &str, outputs: Option<Map<String, Value>>) -> Self {
        Self::from_fields(ordered([
            ("Type", json!(EntryType::Warning.number())),
            ("ContentsFormat", json!(EntryFormat::Text.as_str())),
            ("IgnoreAutoExtract", json!(false)),
            ("Contents", json!(message)),
            ("EntryContext", outputs.map_or(Value::Null, Value::Object)),
        ]))
    }

    /// The entry's fields, in order.
    pub fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }

    /// The entry's fields, for masking secrets in place.
    pub fn fields_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.fields
    }

    /// The entry as a JSON value.
    pub fn to_value(&self) -> Value {
        Value::Object(self.fields.clone())
    }

    /// The bytes of a file entry.
    pub fn attached_file(&self) -> Option<&AttachedFile> {
        self.file.as_ref()
    }

    /// The entry's `Type` number.
    pub fn entry_type(&self) -> Option<u64> {
        self.fields.get("Type").and_then(Value::as_u64)
    }

    /// Whether this is an error entry.
    pub fn is_error(&self) -> bool {
        self.entry_type() == Some(u64::from(EntryType::Error.number()))
    }

    /// The `HumanReadable` text, when there is one.
    pub fn human_readable(&self) -> Option<&str> {
        self.fields.get("HumanReadable").and_then(Value::as_str)
    }

    /// The `Contents`, null when absent.
    pub fn contents(&self) -> &Value {
        self.fields.get("Contents").unwrap_or(&Value::Null)
    }

    /// The `EntryContext` map, when it is one.
    pub fn entry_context(&self) -> Option<&Map<String, Value>> {
        self.fields.get("EntryContext").and_then(Value::as_object)
    }

    /// What a person reads in the war room: the human-readable text, else the contents.
    pub fn display_text(&self) -> String {
        if let Some(text) = self.human_readable() {
            return text.to_owned();
        }
        if let Some(name) = self.fields.get("File").and_then(Value::as_str) {
            return format!("File: {name}");
        }
        match self.contents() {
            Value::String(text) => text.clone(),
            Value::Null => String::new(),
            other => serde_json::to_string_pretty(other).unwrap_or_default(),
        }
    }
}

impl Serialize for Entry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.fields.serialize(serializer)
    }
}

/// The message of a failed command, as HelloWorld's `main()` words it.
pub fn command_error_text(command: &str, message: &str) -> String {
    format!("Failed to execute {command} command.\nError:\n{message}")
}

fn truncate_error(message: &str) -> String {
    if message.chars().count() <= MAX_ERROR_LENGTH {
        return message.to_owned();
    }
    let head: String = message.chars().take(ERROR_HALF).collect();
    let tail_start = message.chars().count() - ERROR_HALF;
    let tail: String = message.chars().skip(tail_start).collect();
    format!("{head}{TRUNCATION_MARK}{tail}")
}

/// Builds a map whose keys keep the order given.
pub(crate) fn ordered<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_3_error_entry_has_exact_keys_and_text() {
        let entry = Entry::command_error("helloworld-get-alert", "alert_id not specified");
        assert_eq!(
            serde_json::to_string(&entry).unwrap(),
            r#"{"Type":4,"ContentsFormat":"text","Contents":"Failed to execute helloworld-get-alert command.\nError:\nalert_id not specified","EntryContext":null}"#
        );
        assert!(entry.is_error());
        assert_eq!(entry.human_readable(), None);
    }

    #[test]
    fn section_3_long_error_is_cut_in_the_middle() {
        let message = format!("{}{}", "a".repeat(30_000), "b".repeat(30_000));
        let entry = Entry::error(&message);
        let contents = entry.contents().as_str().unwrap();
        assert_eq!(contents.len(), 50_000 + TRUNCATION_MARK.len());
        assert!(contents.starts_with(&"a".repeat(25_000)));
        assert!(contents.contains("a...This error body was truncated...b"));
        assert!(contents.ends_with(&"b".repeat(25_000)));
    }

    #[test]
    fn section_1_6_text_result_is_the_test_module_ok() {
        assert_eq!(
            serde_json::to_string(&Entry::text("ok")).unwrap(),
            r#"{"Type":1,"Contents":"ok","ContentsFormat":"text"}"#
        );
    }

    #[test]
    fn section_5_1_incidents_contents_is_a_json_string() {
        let entry = Entry::incidents(&[json!({"name": "a", "severity": 2})]);
        assert_eq!(
            serde_json::to_string(&entry).unwrap(),
            r#"{"Type":1,"Contents":"[{\"name\": \"a\", \"severity\": 2}]","ContentsFormat":"json"}"#
        );
        assert_eq!(Entry::incidents(&[]).contents(), &json!("[]"));
    }

    #[test]
    fn section_1_6_file_result_shapes_for_file_and_info_file() {
        let info = Entry::file("../../scan.json", b"{}".to_vec(), FileKind::InfoFile);
        let keys: Vec<&str> = info.fields().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["Contents", "ContentsFormat", "Type", "File", "FileID"]
        );
        assert_eq!(info.entry_type(), Some(9));
        assert_eq!(info.fields()["File"], json!("scan.json"));
        let attached = info.attached_file().unwrap();
        assert_eq!(info.fields()["FileID"], json!(attached.file_id));
        assert_eq!(attached.data, b"{}");
        let file = Entry::file("sample.bin", vec![1, 2], FileKind::File);
        assert_eq!(file.entry_type(), Some(3));
        assert_eq!(file.contents(), &json!(""));
    }

    #[test]
    fn section_1_6_warning_entry() {
        assert_eq!(
            serde_json::to_string(&Entry::warning("careful", None)).unwrap(),
            r#"{"Type":11,"ContentsFormat":"text","IgnoreAutoExtract":false,"Contents":"careful","EntryContext":null}"#
        );
    }

    #[test]
    fn section_1_3_contents_format_rule() {
        assert_eq!(EntryFormat::for_contents(&json!("x")), EntryFormat::Text);
        assert_eq!(EntryFormat::for_contents(&json!(3)), EntryFormat::Text);
        assert_eq!(EntryFormat::for_contents(&json!(true)), EntryFormat::Text);
        assert_eq!(EntryFormat::for_contents(&json!(1.5)), EntryFormat::Json);
        assert_eq!(EntryFormat::for_contents(&Value::Null), EntryFormat::Json);
        assert_eq!(
            EntryFormat::for_contents(&json!({"a": 1})),
            EntryFormat::Json
        );
        assert_eq!(EntryFormat::for_contents(&json!([1])), EntryFormat::Json);
    }
}
