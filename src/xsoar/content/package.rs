//! The integration in package form, as a pack folder holds it: the yml without its code and
//! without its long description (`script.script: '-'`), the code in `<Name>.py` and the
//! description in `<Name>_description.md`. The unified yml carries all three in one file.

use serde_json::{Value, json};

/// The three parts of an integration in package form.
#[derive(Debug, Clone, PartialEq)]
pub struct Package {
    /// The yml document, code and description taken out.
    pub yml: Value,
    /// The script (`<Name>.py`).
    pub code: String,
    /// The detailed description (`<Name>_description.md`).
    pub description: String,
}

/// Splits a unified integration document into package form.
pub fn split(unified: &Value) -> Package {
    let mut yml = unified.clone();
    let code = yml["script"]["script"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    if yml["script"].is_object() {
        yml["script"]["script"] = json!("-");
    }
    let description = yml
        .as_object_mut()
        .and_then(|document| document.remove("detaileddescription"))
        .and_then(|text| text.as_str().map(str::to_owned))
        .unwrap_or_default();
    Package {
        yml,
        code,
        description,
    }
}

/// Joins a package back into the unified document: the inverse of [`split`].
pub fn unify(package: &Package) -> Value {
    let mut unified = package.yml.clone();
    if unified["script"].is_object() {
        unified["script"]["script"] = json!(package.code);
    }
    if let Some(document) = unified.as_object_mut() {
        document.insert("detaileddescription".to_owned(), json!(package.description));
    }
    unified
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_takes_out_code_and_description_and_unify_puts_them_back() {
        let unified = json!({"name": "X", "detaileddescription": "help", "script": {"script": "print(1)\n", "type": "python"}});
        let package = split(&unified);
        assert_eq!(package.yml["script"]["script"], "-");
        assert!(package.yml.get("detaileddescription").is_none());
        assert_eq!(package.code, "print(1)\n");
        assert_eq!(package.description, "help");
        // Maps compare without regard to key order.
        assert_eq!(unify(&package), unified);
    }
}
