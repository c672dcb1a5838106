//! The content items a pack ships beside its integration, in the shapes the content repository
//! stores them: pack metadata, incident types and fields, classifiers and mappers, layouts,
//! playbooks, the integration in package form and its image. Generic: the vendor's declarations
//! live in `commands::pack` and fill these shapes.

pub mod incident;
pub mod layout;
pub mod mapping;
pub mod metadata;
pub mod package;
pub mod playbook;
pub mod png;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// One file of a content pack: its path inside the pack folder (with `/` separators) and its
/// bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackFile {
    /// Where the file goes, relative to the pack folder, such as `IncidentTypes/x.json`.
    pub path: String,
    /// What it holds.
    pub bytes: Vec<u8>,
}

impl PackFile {
    /// A text file.
    pub fn text(path: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            bytes: text.into().into_bytes(),
        }
    }

    /// A JSON file, indented by four spaces as the content repository formats them.
    pub fn json(path: impl Into<String>, document: &Value) -> Self {
        let mut bytes = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, formatter);
        // Serializing a Value into memory cannot fail.
        let _ = document.serialize(&mut serializer);
        bytes.push(b'\n');
        Self {
            path: path.into(),
            bytes,
        }
    }

    /// A YAML file.
    pub fn yaml(path: impl Into<String>, document: &Value) -> Self {
        Self::text(path, yaml(document))
    }
}

/// `document` as YAML.
pub fn yaml(document: &Value) -> String {
    serde_norway::to_string(document).unwrap_or_default()
}

/// A content item's name as its file name part: spaces become underscores, as the content
/// repository names files (`incidenttype-HelloWorld_Alert.json`).
pub fn file_stem(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// A UUID derived from `seed`: the same seed gives the same UUID, so regenerated content does not
/// change, and task ids still have the UUID form validators ask for.
pub fn stable_uuid(seed: &str) -> String {
    let digest = Sha256::digest(seed.as_bytes());
    let mut bytes = [0_u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_files_are_indented_by_four_spaces_and_end_with_a_newline() {
        let file = PackFile::json("a.json", &json!({"a": [1]}));
        assert_eq!(
            String::from_utf8(file.bytes).unwrap(),
            "{\n    \"a\": [\n        1\n    ]\n}\n"
        );
    }

    #[test]
    fn file_stems_replace_what_is_not_alphanumeric() {
        assert_eq!(file_stem("HelloWorld Alert"), "HelloWorld_Alert");
        assert_eq!(file_stem("A-b c"), "A_b_c");
    }

    #[test]
    fn stable_uuids_are_uuids_and_stable() {
        let first = stable_uuid("playbook/1");
        assert_eq!(first, stable_uuid("playbook/1"));
        assert_ne!(first, stable_uuid("playbook/2"));
        assert_eq!(uuid::Uuid::parse_str(&first).unwrap().get_version_num(), 4);
    }
}
