//! Private context-building helpers shared by the indicator objects: the `ContextObject` builder that
//! drops what Python treats as falsy, `truthy`, `group`, and the `setters!` macro.

use serde_json::{Map, Value, json};

use super::{DBotScore, Score};

/// Context object under construction; drops what Python would treat as falsy.
#[derive(Default)]
pub(super) struct ContextObject(Map<String, Value>);

impl ContextObject {
    pub(super) fn put(mut self, key: &str, value: Option<Value>) -> Self {
        if let Some(value) = value {
            self.0.insert(key.to_owned(), value);
        }
        self
    }

    /// Strings: only when non-empty.
    pub(super) fn text(self, key: &str, value: Option<&str>) -> Self {
        self.put(key, value.filter(|s| !s.is_empty()).map(Value::from))
    }

    /// Counters are checked with `is not None` in Python, so 0 is kept.
    pub(super) fn count(self, key: &str, value: Option<i64>) -> Self {
        self.put(key, value.map(Value::from))
    }

    pub(super) fn list(self, key: &str, values: &[String]) -> Self {
        self.put(key, (!values.is_empty()).then(|| Value::from(values)))
    }

    /// Lands wherever the caller puts it, because each class adds it at its
    /// own position in the key order.
    pub(super) fn malicious(self, dbot: &DBotScore) -> Self {
        let malicious = (dbot.score == Score::Bad)
            .then(|| json!({"Vendor": dbot.vendor, "Description": dbot.malicious_description}));
        self.put("Malicious", malicious)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn into_value(self) -> Value {
        Value::Object(self.0)
    }
}

pub(super) fn truthy(value: Option<&str>) -> bool {
    value.is_some_and(|s| !s.is_empty())
}

/// Domain's Registrar/Registrant groups: present when any field is truthy, and
/// then every key is written, unset ones as null.
pub(super) fn group(fields: &[(&str, Option<&str>)]) -> Option<Value> {
    fields.iter().any(|(_, v)| truthy(*v)).then(|| {
        let map = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.map_or(Value::Null, Value::from)));
        Value::Object(map.collect())
    })
}

macro_rules! setters {
    (text: $($field:ident),* $(,)?) => {$(
        #[doc = concat!("Sets `", stringify!($field), "`.")]
        #[must_use]
        pub fn $field(mut self, value: impl Into<String>) -> Self {
            self.$field = Some(value.into());
            self
        }
    )*};
    (count: $($field:ident),* $(,)?) => {$(
        #[doc = concat!("Sets `", stringify!($field), "` (0 is kept in context).")]
        #[must_use]
        pub fn $field(mut self, value: i64) -> Self {
            self.$field = Some(value);
            self
        }
    )*};
    (list: $($field:ident),* $(,)?) => {$(
        #[doc = concat!("Sets `", stringify!($field), "`.")]
        #[must_use]
        pub fn $field<S: Into<String>>(mut self, values: impl IntoIterator<Item = S>) -> Self {
            self.$field = values.into_iter().map(Into::into).collect();
            self
        }
    )*};
}

pub(super) use setters;
