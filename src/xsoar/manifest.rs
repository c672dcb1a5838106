//! `integration.yml` and the README's command reference, rendered from the declarations: the
//! integration's identity, its params, its commands with arguments and outputs, and the bridge
//! script. Nothing here is written by hand, so the yml and the docs cannot drift from the code.

use serde_json::{Map, Value, json};

use super::spec::{ArgSpec, CommandSpec, ParamSpec, ParamType, Section};

/// Commands XSOAR runs itself: they are capabilities in the yml (`isfetch`, `longRunning`), not
/// entries of `script.commands`.
pub const BUILT_IN_COMMANDS: [&str; 3] =
    ["test-module", "fetch-incidents", "long-running-execution"];

/// Who the integration is, as the yml's top level says it.
#[derive(Debug, Clone, Copy)]
pub struct Identity {
    /// `commonfields.id` and `name`.
    pub id: &'static str,
    /// The name shown in XSOAR.
    pub display: &'static str,
    /// The marketplace category.
    pub category: &'static str,
    /// One paragraph.
    pub description: &'static str,
    /// The in-product help for configuring an instance (markdown).
    pub detailed_description: &'static str,
    /// The Docker image, pinned to a tag.
    pub docker_image: &'static str,
    /// The oldest XSOAR version it runs on.
    pub from_version: &'static str,
}

/// The yml document, as text.
pub fn integration_yml(
    identity: &Identity,
    params: &[ParamSpec],
    commands: &[CommandSpec],
    script: &str,
) -> String {
    let document = integration_document(identity, params, commands, script);
    serde_norway::to_string(&document).unwrap_or_default()
}

/// The yml document, unified: the script and the detailed description inside it.
pub fn integration_document(
    identity: &Identity,
    params: &[ParamSpec],
    commands: &[CommandSpec],
    script: &str,
) -> Value {
    let names: Vec<&str> = commands.iter().map(|command| command.name).collect();
    json!({
        "commonfields": {"id": identity.id, "version": -1},
        "name": identity.id,
        "display": identity.display,
        "category": identity.category,
        "description": identity.description,
        "detaileddescription": identity.detailed_description,
        "sectionorder": [Section::Connect.as_str(), Section::Collect.as_str()],
        "configuration": params.iter().map(param_yml).collect::<Vec<_>>(),
        "script": {
            "script": script,
            "type": "python",
            "subtype": "python3",
            "dockerimage": identity.docker_image,
            "isfetch": names.contains(&"fetch-incidents"),
            "longRunning": names.contains(&"long-running-execution"),
            "longRunningPort": names.contains(&"long-running-execution"),
            "runonce": false,
            "commands": commands
                .iter()
                .filter(|command| !BUILT_IN_COMMANDS.contains(&command.name))
                .map(command_yml)
                .collect::<Vec<_>>(),
        },
        "fromversion": identity.from_version,
        "tests": ["No tests - the integration is tested by its own cargo test suite"],
    })
}

fn param_yml(param: &ParamSpec) -> Value {
    let mut yml = Map::new();
    yml.insert("name".into(), json!(param.name));
    if param.param_type == ParamType::Credentials {
        yml.insert("displaypassword".into(), json!(param.display));
        match param.user_label {
            Some(user_label) => {
                yml.insert("display".into(), json!(user_label));
            }
            // A secret alone, such as an API key: XSOAR shows only the password box.
            None => {
                yml.insert("hiddenusername".into(), json!(true));
            }
        }
    } else {
        yml.insert("display".into(), json!(param.display));
    }
    yml.insert("type".into(), json!(param.param_type.number()));
    yml.insert("required".into(), json!(param.required));
    insert_some(
        &mut yml,
        "defaultvalue",
        param.default_value.map(Value::from),
    );
    if !param.options.is_empty() {
        yml.insert("options".into(), json!(param.options));
    }
    insert_some(
        &mut yml,
        "additionalinfo",
        param.additional_info.map(Value::from),
    );
    yml.insert("section".into(), json!(param.section.as_str()));
    insert_true(&mut yml, "advanced", param.advanced);
    insert_true(&mut yml, "hidden", param.hidden);
    Value::Object(yml)
}

fn command_yml(command: &CommandSpec) -> Value {
    let mut yml = Map::new();
    yml.insert("name".into(), json!(command.name));
    yml.insert("description".into(), json!(command.description));
    yml.insert(
        "arguments".into(),
        Value::Array(command.args.iter().map(arg_yml).collect()),
    );
    yml.insert(
        "outputs".into(),
        Value::Array(
            command
                .outputs
                .iter()
                .map(|output| json!({"contextPath": output.context_path, "description": output.description, "type": output.output_type.as_str()}))
                .collect(),
        ),
    );
    insert_true(&mut yml, "execution", command.execution);
    insert_true(&mut yml, "polling", command.polling);
    Value::Object(yml)
}

fn arg_yml(arg: &ArgSpec) -> Value {
    let mut yml = Map::new();
    yml.insert("name".into(), json!(arg.name));
    yml.insert("description".into(), json!(arg.description));
    yml.insert("required".into(), json!(arg.required));
    insert_true(&mut yml, "default", arg.default);
    insert_true(&mut yml, "isArray", arg.is_array);
    insert_true(&mut yml, "secret", arg.secret);
    insert_true(&mut yml, "hidden", arg.hidden);
    insert_some(&mut yml, "defaultValue", arg.default_value.map(Value::from));
    if !arg.predefined.is_empty() {
        yml.insert("auto".into(), json!("PREDEFINED"));
        yml.insert("predefined".into(), json!(arg.predefined));
    }
    Value::Object(yml)
}

fn insert_some(yml: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        yml.insert(key.to_owned(), value);
    }
}

fn insert_true(yml: &mut Map<String, Value>, key: &str, flag: bool) {
    if flag {
        yml.insert(key.to_owned(), json!(true));
    }
}

/// The command reference in the style of `demisto-sdk generate-docs`: each command with its
/// arguments, its context outputs and an example.
pub fn command_reference(commands: &[CommandSpec]) -> String {
    let mut text = String::new();
    for command in commands
        .iter()
        .filter(|command| !BUILT_IN_COMMANDS.contains(&command.name))
    {
        text.push_str(&format!(
            "### {}\n\n***\n{}\n\n#### Base Command\n\n`{}`\n\n",
            command.name, command.description, command.name
        ));
        text.push_str("#### Input\n\n");
        let visible: Vec<&ArgSpec> = command.args.iter().filter(|arg| !arg.hidden).collect();
        if visible.is_empty() {
            text.push_str("There are no input arguments for this command.\n\n");
        } else {
            text.push_str(
                "| **Argument Name** | **Description** | **Required** |\n| --- | --- | --- |\n",
            );
            for arg in visible {
                let mut description = arg.description.to_owned();
                if !arg.predefined.is_empty() {
                    description.push_str(&format!(
                        " Possible values are: {}.",
                        arg.predefined.join(", ")
                    ));
                }
                if let Some(default) = arg.default_value {
                    description.push_str(&format!(" Default is {default}."));
                }
                let required = if arg.required { "Required" } else { "Optional" };
                text.push_str(&format!(
                    "| {} | {} | {required} |\n",
                    arg.name,
                    description.replace('|', "\\|")
                ));
            }
            text.push('\n');
        }
        text.push_str("#### Context Output\n\n");
        if command.outputs.is_empty() {
            text.push_str("There is no context output for this command.\n\n");
        } else {
            text.push_str("| **Path** | **Type** | **Description** |\n| --- | --- | --- |\n");
            for output in command.outputs {
                text.push_str(&format!(
                    "| {} | {} | {} |\n",
                    output.context_path,
                    output.output_type.as_str(),
                    output.description.replace('|', "\\|")
                ));
            }
            text.push('\n');
        }
        text.push_str(&format!(
            "#### Command Example\n\n```\n!{}\n```\n\n",
            example(command)
        ));
    }
    text
}

/// An example invocation: the command with a sample value for each required argument.
fn example(command: &CommandSpec) -> String {
    let mut parts = vec![command.name.to_owned()];
    for arg in command
        .args
        .iter()
        .filter(|arg| arg.required && !arg.hidden)
    {
        let value = arg
            .default_value
            .or_else(|| arg.predefined.first().copied())
            .unwrap_or_else(|| sample_value(arg.name));
        parts.push(format!("{}=\"{value}\"", arg.name));
    }
    parts.join(" ")
}

fn sample_value(name: &str) -> &'static str {
    match name {
        "ip" => "8.8.8.8",
        "domain" => "helloworld.io",
        "url" => "https://login-update.helloworld.io/verify",
        "alert_id" => "HW-000000000042",
        "hostname" => "ws-042.corp.example",
        "scan_id" => "8a3f2c1e-5b7d-4e9a-b0c4-2d6f8e1a9b3c",
        "name" => "Dbot",
        "note" => "Checked: false positive",
        "alert_type" => "Attack",
        _ => "value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xsoar::spec::{OutputSpec, OutputType};

    const COMMANDS: &[CommandSpec] = &[
        CommandSpec::new("test-module", "Tests."),
        CommandSpec {
            args: &[
                ArgSpec::new("ip", "IPs.")
                    .required()
                    .default_arg()
                    .is_array(),
                ArgSpec::new("mode", "Mode.")
                    .predefined(&["a", "b"])
                    .default_value("a"),
            ],
            outputs: &[OutputSpec::new("IP.Address", OutputType::String, "The IP.")],
            polling: true,
            ..CommandSpec::new("ip", "Looks IPs up.")
        },
    ];

    #[test]
    fn section_10_yml_has_the_schema_keys_and_skips_built_ins() {
        let params = [
            ParamSpec::new("api_key", "API Key", ParamType::Encrypted, Section::Connect).required(),
        ];
        let identity = Identity {
            id: "X",
            display: "X",
            category: "Utilities",
            detailed_description: "help",
            description: "d",
            docker_image: "img:1",
            from_version: "6.10.0",
        };
        let yml: Value = serde_norway::from_str(&integration_yml(
            &identity,
            &params,
            COMMANDS,
            "print('hi')\n",
        ))
        .unwrap();
        assert_eq!(yml["commonfields"], json!({"id": "X", "version": -1}));
        // Lower case: demisto-sdk's ST111 asks for `sectionorder`, not `sectionOrder`.
        assert_eq!(yml["sectionorder"], json!(["Connect", "Collect"]));
        assert_eq!(
            yml["configuration"][0],
            json!({"name": "api_key", "display": "API Key", "type": 4, "required": true, "section": "Connect"})
        );
        let commands = yml["script"]["commands"].as_array().unwrap();
        assert_eq!(
            commands.len(),
            1,
            "test-module is a capability, not a command"
        );
        assert_eq!(
            commands[0]["arguments"][0],
            json!({"name": "ip", "description": "IPs.", "required": true, "default": true, "isArray": true})
        );
        assert_eq!(commands[0]["arguments"][1]["auto"], "PREDEFINED");
        assert_eq!(commands[0]["polling"], true);
        assert_eq!(yml["script"]["script"], "print('hi')\n");
        assert_eq!(yml["script"]["isfetch"], false);
    }

    #[test]
    fn the_reference_documents_arguments_outputs_and_an_example() {
        let reference = command_reference(COMMANDS);
        assert!(!reference.contains("test-module"));
        assert!(reference.contains("| ip | IPs. | Required |"));
        assert!(
            reference
                .contains("| mode | Mode. Possible values are: a, b. Default is a. | Optional |")
        );
        assert!(reference.contains("| IP.Address | String | The IP. |"));
        assert!(reference.contains("!ip ip=\"8.8.8.8\""));
    }
}
