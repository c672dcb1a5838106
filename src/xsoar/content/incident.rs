//! Incident types and incident fields, as `IncidentTypes/incidenttype-*.json` and
//! `IncidentFields/incidentfield-*.json` hold them.

use serde_json::{Value, json};

/// An incident type: its name, colour, the playbook that runs on its incidents and the layout
/// that shows them.
#[derive(Debug, Clone, Copy)]
pub struct IncidentType<'a> {
    /// Name and id.
    pub name: &'a str,
    /// The colour of its badge, `#RRGGBB`.
    pub color: &'a str,
    /// The playbook that runs on each new incident of the type.
    pub playbook: &'a str,
    /// The layout container that shows it.
    pub layout: &'a str,
    /// The oldest XSOAR version it works on.
    pub from_version: &'a str,
}

/// The incident type document. Its playbook starts by itself on each new incident.
pub fn incident_type_json(incident_type: &IncidentType<'_>) -> Value {
    json!({
        "id": incident_type.name,
        "version": -1,
        "name": incident_type.name,
        "color": incident_type.color,
        "playbookId": incident_type.playbook,
        "layout": incident_type.layout,
        "autorun": true,
        "hours": 0, "days": 0, "weeks": 0,
        "hoursR": 0, "daysR": 0, "weeksR": 0,
        "system": false,
        "readonly": false,
        "default": false,
        "disabled": false,
        "locked": false,
        "reputationCalc": 0,
        "preProcessingScript": "",
        "closureScript": "",
        "fromVersion": incident_type.from_version,
    })
}

/// The kinds of incident field the pack uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// One line of text.
    ShortText,
    /// A URL, shown as a link.
    Url,
}

impl FieldKind {
    /// The `type` XSOAR stores.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ShortText => "shortText",
            Self::Url => "url",
        }
    }
}

/// An incident field shown only on incidents of the types it is associated with.
#[derive(Debug, Clone, Copy)]
pub struct IncidentField<'a> {
    /// The display name; the machine name (`cliName`) derives from it.
    pub name: &'a str,
    /// What the field holds.
    pub description: &'a str,
    /// Its kind.
    pub kind: FieldKind,
}

/// XSOAR's machine name of a field: its name lower-cased, letters and digits only.
pub fn cli_name(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The incident field document, associated with `types` only.
pub fn incident_field_json(field: &IncidentField<'_>, types: &[&str], from_version: &str) -> Value {
    let cli = cli_name(field.name);
    json!({
        "id": format!("incident_{cli}"),
        "version": -1,
        "name": field.name,
        "cliName": cli,
        "type": field.kind.as_str(),
        "description": field.description,
        "associatedToAll": false,
        "associatedTypes": types,
        "caseInsensitive": true,
        "closeForm": false,
        "editForm": true,
        "content": true,
        "group": 0,
        "hidden": false,
        "isReadOnly": false,
        "locked": false,
        "neverSetAsRequired": false,
        "ownerOnly": false,
        "required": false,
        "system": false,
        "unmapped": false,
        "unsearchable": true,
        "useAsKpi": false,
        "sla": 0,
        "threshold": 72,
        "placeholder": "",
        "script": "",
        "fieldCalcScript": "",
        "breachScript": "",
        "validationRegex": "",
        "selectValues": null,
        "columns": null,
        "defaultRows": null,
        "systemAssociatedTypes": null,
        "fromVersion": from_version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_names_are_lower_case_letters_and_digits() {
        assert_eq!(cli_name("HelloWorld Alert ID"), "helloworldalertid");
        assert_eq!(cli_name("A-b_c 1"), "abc1");
    }

    #[test]
    fn a_field_is_associated_with_its_types_only() {
        let field = IncidentField {
            name: "Vendor Status",
            description: "The status.",
            kind: FieldKind::ShortText,
        };
        let document = incident_field_json(&field, &["Vendor Alert"], "6.10.0");
        assert_eq!(document["id"], "incident_vendorstatus");
        assert_eq!(document["cliName"], "vendorstatus");
        assert_eq!(document["associatedTypes"], json!(["Vendor Alert"]));
        assert_eq!(document["associatedToAll"], false);
        assert_eq!(document["type"], "shortText");
    }
}
