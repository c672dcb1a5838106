//! The HelloWorld alert fields of the pack, declared once: each incident field with the path of
//! the alert JSON (the incident's `rawJSON`, as fetch writes it) it is mapped from. The incident
//! fields, the mapper, the layout and the playbooks' field references all come from
//! [`ALERT_FIELDS`], so they cannot drift apart; a test fetches real incidents from the simulator
//! and checks every path against their rawJSON.

use crate::xsoar::content::incident::{FieldKind, IncidentField, cli_name};

/// Which card of the layout shows a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Card {
    /// The alert itself: id, status, type, severity, assignee.
    Alert,
    /// What the alert is about: IP, user, host, URL.
    Entities,
}

/// An incident field filled from one path of the alert JSON.
#[derive(Debug, Clone, Copy)]
pub struct AlertField {
    /// The incident field.
    pub field: IncidentField<'static>,
    /// The key of the alert JSON it is mapped from.
    pub path: &'static str,
    /// Whether every alert has a value there (the API requires it); the others may be null.
    pub always: bool,
    /// Where the layout shows it.
    pub card: Card,
}

impl AlertField {
    /// The field's machine name, such as `helloworldalertid`.
    pub fn cli_name(&self) -> String {
        cli_name(self.field.name)
    }
}

const fn alert_field(
    name: &'static str,
    description: &'static str,
    path: &'static str,
    always: bool,
    card: Card,
) -> AlertField {
    AlertField {
        field: IncidentField {
            name,
            description,
            kind: FieldKind::ShortText,
        },
        path,
        always,
        card,
    }
}

/// The alert's key that the classifier reads: every alert has a type.
pub const CLASSIFIER_KEY: &str = "type";

/// Every HelloWorld field of the pack, in the order the layout shows them.
pub static ALERT_FIELDS: &[AlertField] = &[
    alert_field(
        "HelloWorld Alert ID",
        "The alert's ID in HelloWorld, such as HW-000000000042.",
        "id",
        true,
        Card::Alert,
    ),
    alert_field(
        "HelloWorld Alert Status",
        "The alert's status in HelloWorld: ACTIVE or CLOSED.",
        "status",
        true,
        Card::Alert,
    ),
    alert_field(
        "HelloWorld Alert Type",
        "The alert's type in HelloWorld, such as Bug or Attack.",
        "type",
        true,
        Card::Alert,
    ),
    alert_field(
        "HelloWorld Alert Severity",
        "The alert's severity in HelloWorld: Low, Medium, High or Critical.",
        "severity",
        true,
        Card::Alert,
    ),
    alert_field(
        "HelloWorld Alert Assignee",
        "Who works on the alert in HelloWorld; empty when unassigned.",
        "assignee",
        false,
        Card::Alert,
    ),
    alert_field(
        "HelloWorld Alert Source IP",
        "The source IP address of the alert.",
        "source_ip",
        false,
        Card::Entities,
    ),
    alert_field(
        "HelloWorld Alert User",
        "The user the alert is about.",
        "user",
        false,
        Card::Entities,
    ),
    alert_field(
        "HelloWorld Alert Hostname",
        "The host the alert is about; the scan playbook scans it.",
        "hostname",
        false,
        Card::Entities,
    ),
    AlertField {
        field: IncidentField {
            name: "HelloWorld Alert URL",
            description: "The URL the alert is about.",
            kind: FieldKind::Url,
        },
        path: "url",
        always: false,
        card: Card::Entities,
    },
];

/// The field mapped from `path`.
pub fn by_path(path: &str) -> Option<&'static AlertField> {
    ALERT_FIELDS.iter().find(|field| field.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Alert;
    use crate::commands::fetch::incident::incident;
    use serde_json::{Value, json};

    #[test]
    fn names_paths_and_machine_names_are_unique_and_prefixed() {
        let mut names: Vec<String> = ALERT_FIELDS.iter().map(AlertField::cli_name).collect();
        let mut paths: Vec<&str> = ALERT_FIELDS.iter().map(|field| field.path).collect();
        names.sort_unstable();
        names.dedup();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(names.len(), ALERT_FIELDS.len());
        assert_eq!(paths.len(), ALERT_FIELDS.len());
        assert!(names.iter().all(|name| name.starts_with("helloworldalert")));
        assert_eq!(ALERT_FIELDS[0].cli_name(), "helloworldalertid");
    }

    #[test]
    fn an_alert_with_only_its_required_keys_has_every_always_path_in_its_raw_json() {
        // The model requires exactly these; if it ever requires more, `always` must say so.
        let minimal = json!({"id": "HW-1", "name": "n", "type": "Bug", "status": "ACTIVE", "severity": "Low", "created": "2025-11-20T12:00:00Z"});
        let alert = Alert::from_json(minimal).unwrap();
        let raw: Value =
            serde_json::from_str(incident(&alert, 0, 1)["rawJSON"].as_str().unwrap()).unwrap();
        for field in ALERT_FIELDS.iter().filter(|field| field.always) {
            assert!(!raw[field.path].is_null(), "{} is not in {raw}", field.path);
        }
        assert!(!raw[CLASSIFIER_KEY].is_null());
        assert!(by_path(CLASSIFIER_KEY).is_some_and(|field| field.always));
    }
}
