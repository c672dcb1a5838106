//! The pack's playbooks. Scan: scans the alert's host with `helloworld-scan-start polling=true`
//! (XSOAR re-runs it until the scan is done) and attaches the report. Triage, the incident
//! type's playbook: extracts the alert's IP, domain and URL, enriches them with the reputation
//! commands, closes the incident as a false positive when no score is above 1 (good or
//! unknown), and otherwise scans the host.

use super::fields::{AlertField, by_path};
use crate::commands::IDENTITY;
use crate::xsoar::content::playbook::{Arg, Check, Input, Playbook, Step, Task};

/// The scan playbook's name.
pub const SCAN: &str = "HelloWorld Rust Scan";
/// The triage playbook's name; the incident type runs it.
pub const TRIAGE: &str = "HelloWorld Rust Alert Triage";

/// XSOAR's own commands the playbooks run (brand `Builtin`).
pub const BUILTIN_COMMANDS: [&str; 2] = ["extractIndicators", "closeInvestigation"];

/// `incident.<cliName>` of the field mapped from `path`.
fn incident_path(path: &str) -> String {
    let field = by_path(path).map(AlertField::cli_name).unwrap_or_default();
    format!("incident.{field}")
}

fn is_not_empty(path: &str) -> Check {
    Check::unary("isNotEmpty", path)
}

/// Both playbooks.
pub fn playbooks() -> Vec<Playbook> {
    vec![scan(), triage()]
}

fn scan() -> Playbook {
    let results = crate::commands::find("helloworld-scan-results")
        .map(|command| command.spec.outputs)
        .unwrap_or_default();
    Playbook {
        name: SCAN,
        description: "Scans a host with HelloWorld and waits for the scan with built-in polling (helloworld-scan-start polling=true), then attaches the scan report to the incident. By default it scans the HelloWorld Alert's host.",
        inputs: vec![
            Input {
                key: "Hostname",
                value: Arg::context(&incident_path("hostname")),
                description: "The host to scan. By default the alert's host.",
            },
            Input {
                key: "Interval",
                value: Arg::text("30"),
                description: "Seconds between two checks of the scan (at least 10 in XSOAR).",
            },
            Input {
                key: "Timeout",
                value: Arg::text("600"),
                description: "Seconds after which the playbook stops waiting for the scan.",
            },
        ],
        outputs: results
            .iter()
            .map(|output| (output.context_path, output.description))
            .collect(),
        tasks: vec![
            Task::new("", "", Step::Start).then(&[1]),
            Task::new(
                "Is there a host to scan?",
                "Checks that the Hostname input is not empty.",
                Step::Condition {
                    label: "found",
                    checks: vec![is_not_empty("inputs.Hostname")],
                },
            )
            .then(&[2])
            .otherwise(&[4]),
            Task::new(
                "Scan the host and wait for the results",
                "Starts a HelloWorld scan; XSOAR polls it until it completes, fails or times out.",
                Step::Command {
                    brand: IDENTITY.id,
                    command: "helloworld-scan-start",
                    args: vec![
                        ("hostname", Arg::context("inputs.Hostname")),
                        ("polling", Arg::text("true")),
                        ("interval_in_seconds", Arg::context("inputs.Interval")),
                        ("timeout_in_seconds", Arg::context("inputs.Timeout")),
                    ],
                },
            )
            .then(&[3]),
            Task::new(
                "Attach the scan report",
                "Adds the scan report to the incident as a file.",
                Step::Command {
                    brand: IDENTITY.id,
                    command: "helloworld-scan-results",
                    args: vec![
                        ("scan_id", Arg::context("HelloWorld.Scan.scan_id")),
                        ("format", Arg::text("file")),
                    ],
                },
            )
            .then(&[4]),
            Task::new("Done", "", Step::Title),
        ],
        from_version: IDENTITY.from_version,
    }
}

/// A condition "is there a <kind>?" and the reputation command for it.
fn enrich(question: &'static str, command: &'static str, extracted: &'static str) -> (Task, Task) {
    let path = format!("ExtractedIndicators.{extracted}");
    let condition = Task::new(
        question,
        "Checks whether the alert carried one.",
        Step::Condition {
            label: "found",
            checks: vec![is_not_empty(&path)],
        },
    );
    let lookup = Task::new(
        match command {
            "ip" => "Enrich the IP",
            "domain" => "Enrich the domain",
            _ => "Enrich the URL",
        },
        "Looks the indicator up with every enabled reputation source, HelloWorld included.",
        Step::Command {
            brand: "",
            command,
            args: vec![(command, Arg::context(&path))],
        },
    );
    (condition, lookup)
}

fn triage() -> Playbook {
    const DECIDE: usize = 8;
    let (ip_check, ip) = enrich("Is there an IP?", "ip", "IP");
    let (domain_check, domain) = enrich("Is there a domain?", "domain", "Domain");
    let (url_check, url) = enrich("Is there a URL?", "url", "URL");
    Playbook {
        name: TRIAGE,
        description: "Triages a HelloWorld Alert: extracts the IP, domain and URL of the alert, enriches them with the reputation commands, closes the incident as a false positive when no DBotScore is above 1 (good or unknown), and otherwise scans the alert's host with the HelloWorld Rust Scan playbook.",
        inputs: vec![
            Input {
                key: "IP",
                value: Arg::context(&incident_path("source_ip")),
                description: "The IP to enrich. By default the alert's source IP.",
            },
            Input {
                key: "URL",
                value: Arg::context(&incident_path("url")),
                description: "The URL to enrich; its domain is enriched too. By default the alert's URL.",
            },
        ],
        outputs: vec![
            ("DBotScore", "The scores of the alert's indicators."),
            ("IP", "The enriched IP."),
            ("Domain", "The enriched domain."),
            ("URL", "The enriched URL."),
        ],
        tasks: vec![
            Task::new("", "", Step::Start).then(&[1]),
            Task::new(
                "Extract the alert's indicators",
                "Extracts the IP, the URL and the URL's domain from the inputs.",
                Step::Command {
                    brand: "Builtin",
                    command: "extractIndicators",
                    args: vec![("text", Arg::text("${inputs.IP} ${inputs.URL}"))],
                },
            )
            .then(&[2, 4, 6]),
            ip_check.then(&[3]).otherwise(&[DECIDE]),
            ip.then(&[DECIDE]),
            domain_check.then(&[5]).otherwise(&[DECIDE]),
            domain.then(&[DECIDE]),
            url_check.then(&[7]).otherwise(&[DECIDE]),
            url.then(&[DECIDE]),
            Task::new(
                "Is it a false positive?",
                "Yes when there are scores and none is above 1: every indicator is good or unknown.",
                Step::Condition {
                    label: "false positive",
                    checks: vec![
                        is_not_empty("DBotScore.Score"),
                        Check::unary("isEmpty", "DBotScore(val.Score > 1).Score"),
                    ],
                },
            )
            .then(&[9])
            .otherwise(&[10]),
            Task::new(
                "Close as a false positive",
                "Closes the incident: no indicator of the alert is suspicious or malicious.",
                Step::Command {
                    brand: "Builtin",
                    command: "closeInvestigation",
                    args: vec![
                        ("closeReason", Arg::text("False Positive")),
                        (
                            "closeNotes",
                            Arg::text("Closed by the HelloWorld Rust Alert Triage playbook: no indicator of the alert scored above 1 (good or unknown)."),
                        ),
                    ],
                },
            )
            .then(&[11]),
            Task::new(
                "Scan the alert's host",
                "Runs the HelloWorld Rust Scan playbook on the alert's host.",
                Step::Playbook {
                    name: SCAN,
                    inputs: vec![("Hostname", Arg::context(&incident_path("hostname")))],
                },
            )
            .then(&[11]),
            Task::new("Done", "", Step::Title),
        ],
        from_version: IDENTITY.from_version,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::pack::fields::ALERT_FIELDS;

    #[test]
    fn every_playbook_is_a_sound_graph() {
        for playbook in playbooks() {
            let problems = playbook.graph_problems();
            assert!(problems.is_empty(), "{problems:?}");
        }
    }

    #[test]
    fn every_command_a_playbook_runs_is_registered_with_the_arguments_it_passes() {
        let mut checked = 0;
        for playbook in playbooks() {
            for call in playbook.command_calls() {
                if call.brand == "Builtin" {
                    assert!(
                        BUILTIN_COMMANDS.contains(&call.command),
                        "{}: unexpected builtin {}",
                        playbook.name,
                        call.command
                    );
                    continue;
                }
                assert!(
                    call.brand.is_empty() || call.brand == IDENTITY.id,
                    "{}: {} runs on brand {}",
                    playbook.name,
                    call.command,
                    call.brand
                );
                let command = crate::commands::find(call.command).unwrap_or_else(|| {
                    panic!("{}: {} is not a command", playbook.name, call.command)
                });
                for arg in &call.args {
                    assert!(
                        command.spec.arg(arg).is_some(),
                        "{}: {} has no argument {arg}",
                        playbook.name,
                        call.command
                    );
                }
                for required in command.spec.args.iter().filter(|arg| arg.required) {
                    assert!(
                        call.args.contains(&required.name) || required.default_value.is_some(),
                        "{}: {} misses its required argument {}",
                        playbook.name,
                        call.command,
                        required.name
                    );
                }
                checked += 1;
            }
        }
        assert_eq!(checked, 5, "scan start and results, ip, domain, url");
    }

    #[test]
    fn sub_playbooks_and_incident_fields_the_playbooks_read_exist() {
        let names: Vec<&str> = playbooks().iter().map(|playbook| playbook.name).collect();
        let fields: Vec<String> = ALERT_FIELDS.iter().map(AlertField::cli_name).collect();
        for playbook in playbooks() {
            let mut paths: Vec<String> = Vec::new();
            for input in &playbook.inputs {
                if let Arg::Context(path) = &input.value {
                    paths.push(path.clone());
                }
            }
            for name in playbook.sub_playbooks() {
                assert!(names.contains(&name), "{name} is not in the pack");
            }
            for task in &playbook.tasks {
                if let Step::Playbook { inputs, .. } = &task.step {
                    for (_, value) in inputs {
                        if let Arg::Context(path) = value {
                            paths.push(path.clone());
                        }
                    }
                }
            }
            for path in paths {
                if let Some(field) = path.strip_prefix("incident.") {
                    assert!(
                        fields.iter().any(|known| known == field),
                        "{path} is not a pack field"
                    );
                }
            }
        }
    }

    #[test]
    fn the_scan_playbook_polls_and_leaves_the_results_outputs() {
        let scan = scan().document();
        let start = &scan["tasks"]["2"];
        assert_eq!(
            start["task"]["script"],
            "HelloWorldRust|||helloworld-scan-start"
        );
        assert_eq!(start["scriptarguments"]["polling"]["simple"], "true");
        assert!(
            scan["outputs"]
                .as_array()
                .unwrap()
                .iter()
                .any(|output| output["contextPath"] == "CVE.ID")
        );
    }
}
