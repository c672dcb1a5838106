//! The pack's texts, rendered from the same declarations as its items: the pack README, the
//! integration README (its params and the command reference) and a README per playbook.

use super::fields::ALERT_FIELDS;
use super::{CLASSIFIER_NAME, INCIDENT_TYPE, MAPPER_NAME, PACK_NAME};
use crate::commands::IDENTITY;
use crate::commands::params::PARAMS;
use crate::xsoar::content::playbook::{Arg, Playbook};
use crate::xsoar::manifest::command_reference;
use crate::xsoar::spec::CommandSpec;

fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The pack's README.md.
pub(super) fn pack_readme(playbooks: &[Playbook]) -> String {
    let mut text = format!(
        "# {PACK_NAME}\n\n{}\n\n\
         The integration fetches HelloWorld alerts as **{INCIDENT_TYPE}** incidents: the \
         classifier **{CLASSIFIER_NAME}** sends every alert to that type (by the alert's `type`; \
         edit its map to route some alert types elsewhere), and the mapper **{MAPPER_NAME}** \
         fills the type's fields from the alert.\n\n\
         ## What this pack contains\n\n\
         - Integration: **{}**, with its Docker image `{}`.\n\
         - Incident type: **{INCIDENT_TYPE}**, with its layout and the triage playbook.\n\
         - Incident fields (on {INCIDENT_TYPE} incidents only):\n",
        IDENTITY.description, IDENTITY.display, IDENTITY.docker_image
    );
    for field in ALERT_FIELDS {
        text.push_str(&format!(
            "  - **{}** (`{}`), from the alert's `{}`.\n",
            field.field.name,
            field.cli_name(),
            field.path
        ));
    }
    text.push_str("- Playbooks:\n");
    for playbook in playbooks {
        text.push_str(&format!(
            "  - **{}**: {}\n",
            playbook.name, playbook.description
        ));
    }
    text
}

/// The integration's README.md: its instance settings and the command reference.
pub(super) fn integration_readme(commands: &[CommandSpec]) -> String {
    let mut text = format!(
        "{}\n\n## Configure {} in Cortex XSOAR\n\n\
         | **Parameter** | **Description** | **Required** |\n| --- | --- | --- |\n",
        IDENTITY.description, IDENTITY.display
    );
    for param in PARAMS.iter().filter(|param| !param.hidden) {
        text.push_str(&format!(
            "| {} | {} | {} |\n",
            escape(param.display),
            escape(param.additional_info.unwrap_or(param.display)),
            if param.required { "True" } else { "False" }
        ));
    }
    text.push_str("\n## Commands\n\nYou can run these commands from the War Room, as part of an automation, or in a playbook.\n\n");
    text.push_str(&command_reference(commands));
    text.trim_end().to_owned() + "\n"
}

/// A playbook's README.
pub(super) fn playbook_readme(playbook: &Playbook) -> String {
    let mut text = format!("{}\n\n## Dependencies\n\n", playbook.description);
    let mut commands: Vec<&str> = playbook
        .command_calls()
        .iter()
        .map(|call| call.command)
        .collect();
    commands.sort_unstable();
    commands.dedup();
    text.push_str("### Commands\n\n");
    for command in commands {
        text.push_str(&format!("* {command}\n"));
    }
    let sub_playbooks = playbook.sub_playbooks();
    if !sub_playbooks.is_empty() {
        text.push_str("\n### Sub-playbooks\n\n");
        for name in sub_playbooks {
            text.push_str(&format!("* {name}\n"));
        }
    }
    text.push_str("\n## Playbook Inputs\n\n");
    if playbook.inputs.is_empty() {
        text.push_str("There are no inputs for this playbook.\n");
    } else {
        text.push_str(
            "| **Name** | **Description** | **Default Value** | **Required** |\n| --- | --- | --- | --- |\n",
        );
        for input in &playbook.inputs {
            let default = match &input.value {
                Arg::Text(text) => text.clone(),
                Arg::Context(path) => path.clone(),
            };
            text.push_str(&format!(
                "| {} | {} | {} | Optional |\n",
                input.key,
                escape(input.description),
                escape(&default)
            ));
        }
    }
    text.push_str("\n## Playbook Outputs\n\n");
    if playbook.outputs.is_empty() {
        text.push_str("There are no outputs for this playbook.\n");
    } else {
        text.push_str("| **Path** | **Description** |\n| --- | --- |\n");
        for (path, description) in &playbook.outputs {
            text.push_str(&format!("| {path} | {} |\n", escape(description)));
        }
    }
    text
}
