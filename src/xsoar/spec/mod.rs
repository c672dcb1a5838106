//! Declarations: what a command, its arguments, its outputs and the instance params look like to
//! XSOAR. Each command is declared once with these types. Argument checking runs from the
//! declaration; `integration.yml` and the README reference are to be generated from it too.

use serde_json::{Map, Value};

use crate::xsoar::args::arg_to_string_list;

mod param;

pub use param::{ParamSpec, ParamType, Section};

/// A command as XSOAR knows it (the yml's `script.commands` item).
#[derive(Debug, Clone, Copy)]
pub struct CommandSpec {
    /// `vendor-action-object`, kebab-case; or an XSOAR built-in such as `test-module` or `ip`.
    pub name: &'static str,
    /// What the command does, for the yml and the README.
    pub description: &'static str,
    /// The arguments, in the order users see them.
    pub args: &'static [ArgSpec],
    /// The context paths the command writes.
    pub outputs: &'static [OutputSpec],
    /// Whether the command is potentially harmful (`execution: true`).
    pub execution: bool,
    /// Whether the command schedules itself (`polling: true`).
    pub polling: bool,
}

impl CommandSpec {
    /// A command with no arguments and no outputs yet.
    pub const fn new(name: &'static str, description: &'static str) -> Self {
        Self {
            name,
            description,
            args: &[],
            outputs: &[],
            execution: false,
            polling: false,
        }
    }

    /// The declared argument called `name`.
    pub fn arg(&self, name: &str) -> Option<&'static ArgSpec> {
        self.args.iter().find(|arg| arg.name == name)
    }

    /// The arguments as the command body receives them: declared defaults filled in, required
    /// arguments present and not empty, predefined values respected. Undeclared arguments pass
    /// through untouched, because XSOAR and playbooks may add their own.
    pub fn prepare_args(
        &self,
        args: &Map<String, Value>,
    ) -> Result<Map<String, Value>, InvalidArgument> {
        let mut prepared = args.clone();
        for spec in self.args {
            let given = prepared.get(spec.name).filter(|value| !is_blank(value));
            match (given, spec.default_value) {
                (None, Some(default)) => {
                    prepared.insert(spec.name.to_owned(), Value::String(default.to_owned()));
                }
                (None, None) if spec.required => {
                    return Err(InvalidArgument::Missing {
                        command: self.name,
                        argument: spec.name,
                    });
                }
                _ => {}
            }
            if let Some(value) = prepared.get(spec.name) {
                spec.check_predefined(value)?;
            }
        }
        Ok(prepared)
    }
}

/// Names XSOAR defines itself; every other command is `<vendor>-<action>-<object>`.
const BUILT_IN_NAMES: [&str; 9] = [
    "test-module",
    "fetch-incidents",
    "long-running-execution",
    "ip",
    "domain",
    "url",
    "file",
    "cve",
    "email",
];
/// Reputation commands, which XSOAR runs by name on extracted indicators.
const REPUTATION_NAMES: [&str; 6] = ["ip", "domain", "url", "file", "cve", "email"];

/// Everything wrong with a set of declarations, as sentences; empty when they are sound. The
/// registry's tests and `helloworld manifest` run it, so a broken declaration never reaches
/// `integration.yml` or XSOAR's validator.
pub fn declaration_problems(vendor: &str, commands: &[CommandSpec]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for command in commands {
        let name = command.name;
        if !seen.insert(name) {
            problems.push(format!("two commands are called {name}"));
        }
        let vendor_style = name.starts_with(&format!("{vendor}-"))
            && name.split('-').count() >= 3
            && is_kebab(name);
        if !vendor_style && !BUILT_IN_NAMES.contains(&name) {
            problems.push(format!(
                "{name} is not {vendor}-<action>-<object> in kebab-case"
            ));
        }
        if command.description.trim().is_empty() {
            problems.push(format!("{name} has no description"));
        }
        if command.args.iter().filter(|arg| arg.default).count() > 1 {
            problems.push(format!("{name} has more than one default argument"));
        }
        let mut arg_names = std::collections::HashSet::new();
        for arg in command.args {
            if !arg_names.insert(arg.name) {
                problems.push(format!("{name} declares the argument {} twice", arg.name));
            }
            if !is_snake(arg.name) {
                problems.push(format!("{name}: argument {} is not snake_case", arg.name));
            }
            if arg.description.trim().is_empty() {
                problems.push(format!("{name}: argument {} has no description", arg.name));
            }
            if let Some(default) = arg.default_value
                && !arg.predefined.is_empty()
                && !arg.predefined.contains(&default)
            {
                problems.push(format!(
                    "{name}: the default of {} is not one of its predefined values",
                    arg.name
                ));
            }
        }
        if REPUTATION_NAMES.contains(&name)
            && !command
                .args
                .iter()
                .any(|arg| arg.name == name && arg.default && arg.is_array)
        {
            problems.push(format!(
                "{name} needs an argument {name} that is the default argument and a list"
            ));
        }
        if command.polling
            && !command
                .args
                .iter()
                .any(|arg| arg.name == "hide_polling_output")
        {
            problems.push(format!(
                "{name} polls but has no hidden hide_polling_output argument"
            ));
        }
        for output in command.outputs {
            if output.description.trim().is_empty() {
                problems.push(format!(
                    "{name}: output {} has no description",
                    output.context_path
                ));
            }
        }
    }
    problems
}

fn is_kebab(name: &str) -> bool {
    name.split('-').all(|part| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    })
}

fn is_snake(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// An argument that does not fit its declaration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidArgument {
    /// A required argument is absent or empty.
    #[error(
        "Missing required argument \"{argument}\". Give it a value: {command} {argument}=<value>"
    )]
    Missing {
        /// The command being run.
        command: &'static str,
        /// The argument's name.
        argument: &'static str,
    },
    /// A value outside the declared choices.
    #[error("Invalid value \"{value}\" for argument \"{argument}\": it must be one of {choices}")]
    NotPredefined {
        /// The argument's name.
        argument: &'static str,
        /// The value given.
        value: String,
        /// The allowed values, comma-separated.
        choices: String,
    },
}

/// XSOAR treats a value the user left empty as not given.
fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// A command argument (the yml's `arguments` item).
#[derive(Debug, Clone, Copy)]
pub struct ArgSpec {
    /// snake_case name.
    pub name: &'static str,
    /// What the argument means, with examples where helpful.
    pub description: &'static str,
    /// Whether the command cannot run without it.
    pub required: bool,
    /// The value used when the argument is not given (`defaultValue`).
    pub default_value: Option<&'static str>,
    /// The only values allowed (`auto: PREDEFINED`); empty for free text.
    pub predefined: &'static [&'static str],
    /// Whether it takes a comma-separated list.
    pub is_array: bool,
    /// Whether the value must not be printed.
    pub secret: bool,
    /// Whether it is the default argument (`!ip 1.1.1.1`).
    pub default: bool,
    /// Whether it is hidden from users (polling bookkeeping).
    pub hidden: bool,
}

impl ArgSpec {
    /// An optional free-text argument.
    pub const fn new(name: &'static str, description: &'static str) -> Self {
        Self {
            name,
            description,
            required: false,
            default_value: None,
            predefined: &[],
            is_array: false,
            secret: false,
            default: false,
            hidden: false,
        }
    }

    /// The command cannot run without it.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The value used when it is not given.
    pub const fn default_value(mut self, value: &'static str) -> Self {
        self.default_value = Some(value);
        self
    }

    /// Only these values are allowed.
    pub const fn predefined(mut self, choices: &'static [&'static str]) -> Self {
        self.predefined = choices;
        self
    }

    /// It takes a comma-separated list.
    pub const fn is_array(mut self) -> Self {
        self.is_array = true;
        self
    }

    /// Its value must not be printed.
    pub const fn secret(mut self) -> Self {
        self.secret = true;
        self
    }

    /// It is the command's default argument.
    pub const fn default_arg(mut self) -> Self {
        self.default = true;
        self
    }

    /// It is hidden from users.
    pub const fn hidden(mut self) -> Self {
        self.hidden = true;
        self
    }

    fn check_predefined(&self, value: &Value) -> Result<(), InvalidArgument> {
        if self.predefined.is_empty() {
            return Ok(());
        }
        let values = if self.is_array {
            arg_to_string_list(Some(value))
        } else {
            arg_to_string_list(Some(&Value::Array(vec![value.clone()])))
        };
        match values
            .into_iter()
            .find(|item| !self.predefined.contains(&item.as_str()))
        {
            None => Ok(()),
            Some(value) => Err(InvalidArgument::NotPredefined {
                argument: self.name,
                value,
                choices: self.predefined.join(", "),
            }),
        }
    }
}

/// The type of an output's context path, as the yml spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputType {
    /// `String`
    String,
    /// `Number`
    Number,
    /// `Date`
    Date,
    /// `Boolean`
    Boolean,
    /// `Unknown`, for objects and mixed values.
    Unknown,
}

impl OutputType {
    /// The yml spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::String => "String",
            Self::Number => "Number",
            Self::Date => "Date",
            Self::Boolean => "Boolean",
            Self::Unknown => "Unknown",
        }
    }
}

/// A context path a command writes (the yml's `outputs` item).
#[derive(Debug, Clone, Copy)]
pub struct OutputSpec {
    /// The path, such as `HelloWorld.Alert.alert_id`.
    pub context_path: &'static str,
    /// The value's type.
    pub output_type: OutputType,
    /// What the value means.
    pub description: &'static str,
}

impl OutputSpec {
    /// An output at `context_path`.
    pub const fn new(
        context_path: &'static str,
        output_type: OutputType,
        description: &'static str,
    ) -> Self {
        Self {
            context_path,
            output_type,
            description,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const STATUS: &[&str] = &["ACTIVE", "CLOSED"];
    const SPEC: CommandSpec = CommandSpec {
        args: &[
            ArgSpec::new("alert_id", "The alert.").required(),
            ArgSpec::new("status", "New status.").predefined(STATUS),
            ArgSpec::new("severity", "Severities.")
                .predefined(&["Low", "High"])
                .is_array(),
            ArgSpec::new("limit", "How many.").default_value("10"),
        ],
        ..CommandSpec::new("helloworld-update-alert", "Updates an alert.")
    };

    fn args(value: Value) -> Map<String, Value> {
        let Value::Object(map) = value else {
            panic!("test args must be an object")
        };
        map
    }

    #[test]
    fn a_deliberately_broken_declaration_is_caught() {
        const WRONG_ARG: &[ArgSpec] = &[ArgSpec::new("value", "v")];
        let broken = [
            CommandSpec::new("helloworld-get-alert", "Gets."),
            CommandSpec::new("helloworld-get-alert", "Gets again."),
            CommandSpec::new("GetAlert", ""),
            CommandSpec {
                args: WRONG_ARG,
                ..CommandSpec::new("ip", "IPs.")
            },
        ];
        let problems = declaration_problems("helloworld", &broken);
        for expected in [
            "two commands are called helloworld-get-alert",
            "GetAlert is not helloworld-<action>-<object> in kebab-case",
            "GetAlert has no description",
            "ip needs an argument ip that is the default argument and a list",
        ] {
            assert!(
                problems.iter().any(|problem| problem == expected),
                "{expected} not in {problems:?}"
            );
        }
        assert!(declaration_problems("helloworld", &[SPEC]).is_empty());
    }

    #[test]
    fn section_10_3_defaults_are_filled_and_extra_args_kept() {
        let prepared = SPEC
            .prepare_args(&args(json!({"alert_id": "1", "debug-mode": "true"})))
            .unwrap();
        assert_eq!(
            Value::Object(prepared),
            json!({"alert_id": "1", "debug-mode": "true", "limit": "10"})
        );
    }

    #[test]
    fn section_10_3_missing_or_empty_required_argument() {
        for given in [
            json!({}),
            json!({"alert_id": ""}),
            json!({"alert_id": null}),
        ] {
            let error = SPEC.prepare_args(&args(given)).unwrap_err();
            assert_eq!(
                error.to_string(),
                "Missing required argument \"alert_id\". Give it a value: helloworld-update-alert alert_id=<value>"
            );
        }
    }

    #[test]
    fn section_10_3_predefined_values_are_enforced() {
        let error = SPEC
            .prepare_args(&args(json!({"alert_id": "1", "status": "OPEN"})))
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "Invalid value \"OPEN\" for argument \"status\": it must be one of ACTIVE, CLOSED"
        );
        let error = SPEC
            .prepare_args(&args(json!({"alert_id": "1", "severity": "Low,Medium"})))
            .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("Invalid value \"Medium\" for argument \"severity\"")
        );
        assert!(
            SPEC.prepare_args(&args(json!({"alert_id": "1", "severity": "Low, High"})))
                .is_ok()
        );
    }
}
