//! Instance params as XSOAR declares them (the yml's `configuration`): their types, sections and
//! defaults, and how text typed by a person becomes the JSON value XSOAR would send.

use serde_json::Value;

/// The type of an instance param (the yml's `configuration[].type` number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// 0: short text.
    ShortText = 0,
    /// 4: encrypted short text, such as an API key.
    Encrypted = 4,
    /// 8: checkbox.
    Boolean = 8,
    /// 9: username and password.
    Credentials = 9,
    /// 12: long text.
    TextArea = 12,
    /// 13: the incident type selector XSOAR adds for fetching integrations.
    IncidentType = 13,
    /// 14: encrypted long text.
    TextAreaEncrypted = 14,
    /// 15: one of `options`.
    SingleSelect = 15,
    /// 16: several of `options`.
    MultiSelect = 16,
}

impl ParamType {
    /// The yml number.
    pub fn number(self) -> u8 {
        self as u8
    }

    /// Whether values of this type are secrets.
    pub fn is_secret(self) -> bool {
        matches!(
            self,
            Self::Encrypted | Self::TextAreaEncrypted | Self::Credentials
        )
    }
}

/// The section of the instance settings a param is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// How to reach the vendor.
    Connect,
    /// What to fetch and how.
    Collect,
    /// Tuning.
    Optimize,
}

impl Section {
    /// The yml spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connect => "Connect",
            Self::Collect => "Collect",
            Self::Optimize => "Optimize",
        }
    }
}

/// An instance param (the yml's `configuration` item).
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    /// snake_case name (XSOAR's own, such as `isFetch`, keep their spelling).
    pub name: &'static str,
    /// The label in the instance settings.
    pub display: &'static str,
    /// The widget and value type.
    pub param_type: ParamType,
    /// Whether the instance cannot be saved without it.
    pub required: bool,
    /// The value a new instance starts with; code applies it too, because XSOAR does not add
    /// new defaults to existing instances.
    pub default_value: Option<&'static str>,
    /// The choices of a select.
    pub options: &'static [&'static str],
    /// Help shown under the field.
    pub additional_info: Option<&'static str>,
    /// Where the field is shown.
    pub section: Section,
    /// Whether it sits under "advanced".
    pub advanced: bool,
    /// Whether it is hidden.
    pub hidden: bool,
    /// For credentials: the label of the user name box, shown only when set (an API key has
    /// none, basic auth has one).
    pub user_label: Option<&'static str>,
}

impl ParamSpec {
    /// An optional param with no default, in `section`.
    pub const fn new(
        name: &'static str,
        display: &'static str,
        param_type: ParamType,
        section: Section,
    ) -> Self {
        Self {
            name,
            display,
            param_type,
            required: false,
            default_value: None,
            options: &[],
            additional_info: None,
            section,
            advanced: false,
            hidden: false,
            user_label: None,
        }
    }

    /// The instance cannot be saved without it.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The value a new instance starts with.
    pub const fn default_value(mut self, value: &'static str) -> Self {
        self.default_value = Some(value);
        self
    }

    /// The choices of a select.
    pub const fn options(mut self, options: &'static [&'static str]) -> Self {
        self.options = options;
        self
    }

    /// Help shown under the field.
    pub const fn additional_info(mut self, text: &'static str) -> Self {
        self.additional_info = Some(text);
        self
    }

    /// Shown under "advanced".
    pub const fn advanced(mut self) -> Self {
        self.advanced = true;
        self
    }

    /// Hidden from the settings.
    pub const fn hidden(mut self) -> Self {
        self.hidden = true;
        self
    }

    /// For credentials: show a user name box labelled `label` beside the password.
    pub const fn user_label(mut self, label: &'static str) -> Self {
        self.user_label = Some(label);
        self
    }

    /// The JSON value XSOAR would hand the integration for text typed by a person (a CLI flag,
    /// an environment variable): checkboxes become booleans, everything else stays a string.
    pub fn value_from_text(&self, text: &str) -> Result<Value, String> {
        match self.param_type {
            ParamType::Boolean => parse_checkbox(text).map(Value::Bool).ok_or_else(|| {
                format!(
                    "param `{}` is a checkbox: use true or false, not `{text}`",
                    self.name
                )
            }),
            // XSOAR hands credentials over as `{"identifier": <user>, "password": <secret>}`. Text
            // is the secret alone, or `user:password` when the param shows a user name.
            ParamType::Credentials => {
                let (user, password) = match (self.user_label, text.split_once(':')) {
                    (Some(_), Some((user, password))) => (user, password),
                    _ => ("", text),
                };
                Ok(serde_json::json!({"identifier": user, "password": password}))
            }
            ParamType::MultiSelect => Ok(Value::Array(
                text.split(',')
                    .map(|item| Value::String(item.trim().to_owned()))
                    .collect(),
            )),
            _ => Ok(Value::String(text.to_owned())),
        }
    }

    /// The declared default as the JSON value XSOAR would send.
    pub fn default_json(&self) -> Option<Value> {
        self.default_value
            .and_then(|text| self.value_from_text(text).ok())
    }
}

fn parse_checkbox(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "on" => Some(true),
        "false" | "no" | "0" | "off" | "" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn checkbox_params_become_booleans() {
        let insecure = ParamSpec::new(
            "insecure",
            "Trust any certificate",
            ParamType::Boolean,
            Section::Connect,
        );
        assert_eq!(insecure.value_from_text("TRUE"), Ok(json!(true)));
        assert_eq!(insecure.value_from_text("no"), Ok(json!(false)));
        assert_eq!(
            insecure.value_from_text("maybe"),
            Err("param `insecure` is a checkbox: use true or false, not `maybe`".to_owned())
        );
        let url = ParamSpec::new("url", "Server URL", ParamType::ShortText, Section::Connect);
        assert_eq!(url.value_from_text("http://x"), Ok(json!("http://x")));
    }
}
