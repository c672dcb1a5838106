//! Scans: `helloworld-scan-start`, `-status` and `-results` for the GenericPolling playbook, and
//! built-in polling: `helloworld-scan-start polling=true` starts the scan, then XSOAR re-runs it
//! through a ScheduledCommand (with `scan_id` in the next-run args) until the scan completes,
//! fails, vanishes or runs out of time. Outputs go to `HelloWorld.Scan` keyed by `scan_id`.

use chrono::Utc;
use serde_json::{Map, Value, json};

use super::connection::client;
use super::{Call, Command, CommandError, CommandOutcome, HandlerFuture};
use crate::client::{Client, ClientError, Scan};
use crate::xsoar::args::{arg_to_boolean, arg_to_number, arg_to_string_list};
use crate::xsoar::indicator::Cve;
use crate::xsoar::markdown::{TableOptions, table_to_markdown_with};
use crate::xsoar::spec::{ArgSpec, CommandSpec, OutputSpec, OutputType};
use crate::xsoar::{CommandResults, Entry, FileKind, ScheduledCommand};

const SCAN_PREFIX: &str = "HelloWorld.Scan";
const SCAN_KEY: &str = "scan_id";
/// What XSOAR shows while polling, as `polling_function` does.
const POLL_MESSAGE: &str = "Fetching Results:";

const SCAN_OUTPUTS: &[OutputSpec] = &[
    OutputSpec::new(
        "HelloWorld.Scan.scan_id",
        OutputType::String,
        "Scan ID (key).",
    ),
    OutputSpec::new(
        "HelloWorld.Scan.status",
        OutputType::String,
        "Scan status: RUNNING, COMPLETE or FAILED.",
    ),
    OutputSpec::new(
        "HelloWorld.Scan.hostname",
        OutputType::String,
        "The host scanned.",
    ),
];

const RESULT_OUTPUTS: &[OutputSpec] = &[
    OutputSpec::new(
        "HelloWorld.Scan.scan_id",
        OutputType::String,
        "Scan ID (key).",
    ),
    OutputSpec::new("HelloWorld.Scan.status", OutputType::String, "Scan status."),
    OutputSpec::new(
        "HelloWorld.Scan.entities.entity-id",
        OutputType::String,
        "Scanned entity ID.",
    ),
    OutputSpec::new(
        "HelloWorld.Scan.entities.ip_address",
        OutputType::String,
        "Scanned entity IP address.",
    ),
    OutputSpec::new(
        "HelloWorld.Scan.entities.type",
        OutputType::String,
        "Scanned entity type.",
    ),
    OutputSpec::new(
        "HelloWorld.Scan.entities.vulnerability_status",
        OutputType::String,
        "Scanned entity vulnerability status.",
    ),
    OutputSpec::new(
        "HelloWorld.Scan.entities.vulns",
        OutputType::String,
        "Scanned entity CVEs.",
    ),
    OutputSpec::new("CVE.ID", OutputType::String, "CVE ID."),
    OutputSpec::new(
        "InfoFile.EntryID",
        OutputType::Unknown,
        "The EntryID of the report file.",
    ),
    OutputSpec::new(
        "InfoFile.Name",
        OutputType::String,
        "The name of the report file.",
    ),
    OutputSpec::new(
        "InfoFile.Size",
        OutputType::Number,
        "The size of the report file.",
    ),
    OutputSpec::new(
        "InfoFile.Type",
        OutputType::String,
        "The type of the report file.",
    ),
];

/// The declaration and body of `helloworld-scan-start`.
pub(super) const SCAN_START: Command = Command {
    spec: CommandSpec {
        args: &[
            ArgSpec::new("hostname", "The host to scan.").required(),
            ArgSpec::new(
                "polling",
                "Wait for the scan and return its results (XSOAR re-runs the command).",
            )
            .predefined(&["true", "false"])
            .default_value("false"),
            ArgSpec::new("interval_in_seconds", "Seconds between polls, at least 10.")
                .default_value("30"),
            ArgSpec::new(
                "timeout_in_seconds",
                "Seconds after which polling gives up.",
            )
            .default_value("600"),
            ArgSpec::new("scan_id", "Set by polling: the scan being polled.").hidden(),
            ArgSpec::new(
                "polling_deadline",
                "Set by polling: when it gives up (epoch seconds).",
            )
            .hidden(),
            ArgSpec::new(
                "hide_polling_output",
                "Set by polling: keep the polls quiet.",
            )
            .hidden(),
        ],
        outputs: SCAN_OUTPUTS,
        polling: true,
        ..CommandSpec::new(
            "helloworld-scan-start",
            "Starts a scan of a host; with polling=true, waits for it and returns its results.",
        )
    },
    run: scan_start,
};

/// The declaration and body of `helloworld-scan-status`.
pub(super) const SCAN_STATUS: Command = Command {
    spec: CommandSpec {
        args: &[ArgSpec::new(
            "scan_id",
            "Scan IDs, comma-separated (helloworld-scan-start returns scan_id).",
        )
        .required()
        .is_array()],
        outputs: &[SCAN_OUTPUTS[0], SCAN_OUTPUTS[1]],
        ..CommandSpec::new("helloworld-scan-status", "Returns the status of scans.")
    },
    run: scan_status,
};

/// The declaration and body of `helloworld-scan-results`.
pub(super) const SCAN_RESULTS: Command = Command {
    spec: CommandSpec {
        args: &[
            ArgSpec::new("scan_id", "The scan ID.").required(),
            ArgSpec::new(
                "format",
                "file: the report as a file; json: the results in the context.",
            )
            .required()
            .predefined(&["json", "file"])
            .default_value("file"),
        ],
        outputs: RESULT_OUTPUTS,
        ..CommandSpec::new(
            "helloworld-scan-results",
            "Returns the results of a complete scan, as a report file or as context.",
        )
    },
    run: scan_results,
};

fn text(args: &Map<String, Value>, name: &str) -> String {
    args.get(name)
        .map(crate::xsoar::pyjson::py_str)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

fn scan_context(scan: &Scan) -> Value {
    json!({"scan_id": scan.scan_id, "status": scan.status, "hostname": scan.hostname})
}

fn scan_start(call: Call<'_>) -> HandlerFuture<'_> {
    Box::pin(async move {
        let polling = arg_to_boolean(call.args.get("polling"))?;
        let client = client(&call)?;
        if !polling {
            let scan = client.start_scan(&text(&call.args, "hostname")).await?;
            return Ok(vec![
                CommandResults::new()
                    .outputs(SCAN_PREFIX, &[SCAN_KEY], scan_context(&scan))
                    .readable_output(format!("Started scan {}", scan.scan_id))
                    .into_entry()?,
            ]);
        }
        poll(&call, &client).await
    })
}

/// One polling run: start the scan the first time, then check it until it is done.
async fn poll(call: &Call<'_>, client: &Client<'_>) -> CommandOutcome {
    let interval = arg_to_number(
        call.args.get("interval_in_seconds"),
        Some("interval_in_seconds"),
        false,
    )?
    .unwrap_or(30);
    let timeout = arg_to_number(
        call.args.get("timeout_in_seconds"),
        Some("timeout_in_seconds"),
        false,
    )?
    .unwrap_or(600);
    if interval < 1 || timeout < 1 {
        return Err(CommandError::Config(
            "interval_in_seconds and timeout_in_seconds must be whole numbers of seconds above 0"
                .to_owned(),
        ));
    }
    let now = Utc::now().timestamp();
    let mut next_args = call.args.clone();
    next_args.insert("hide_polling_output".to_owned(), json!(true));
    let scan_id = text(&call.args, "scan_id");
    let (scan, deadline) = if scan_id.is_empty() {
        let scan = client.start_scan(&text(&call.args, "hostname")).await?;
        next_args.insert("scan_id".to_owned(), json!(scan.scan_id));
        next_args.insert(
            "polling_deadline".to_owned(),
            json!((now + timeout).to_string()),
        );
        (scan, now + timeout)
    } else {
        let deadline = arg_to_number(
            call.args.get("polling_deadline"),
            Some("polling_deadline"),
            false,
        )?
        .unwrap_or(now + timeout);
        let scan = client
            .get_scan(&scan_id)
            .await
            .map_err(|error| vanished(&scan_id, error))?;
        (scan, deadline)
    };
    match scan.status.as_str() {
        "COMPLETE" => json_results(client, &scan.scan_id, call.brand()).await,
        "FAILED" => Err(CommandError::Config(format!(
            "scan {} of {} failed; start a new scan",
            scan.scan_id, scan.hostname
        ))),
        _ if now >= deadline => Err(CommandError::Config(format!(
            "scan {} did not complete within {timeout} seconds (timeout_in_seconds); check it later with helloworld-scan-status",
            scan.scan_id
        ))),
        _ => {
            let quiet = call
                .args
                .get("hide_polling_output")
                .is_some_and(|value| arg_to_boolean(Some(value)).unwrap_or(false));
            let remaining = u64::try_from(deadline - now).unwrap_or(0);
            let scheduled = ScheduledCommand::new(
                "helloworld-scan-start",
                interval.unsigned_abs(),
                next_args,
                Some(remaining),
            );
            if let Some(notice) = scheduled.clamp_notice() {
                call.host.log(crate::host::LogLevel::Info, &notice);
            }
            let mut results = CommandResults::new().scheduled_command(scheduled);
            if !quiet {
                results = results
                    .outputs(SCAN_PREFIX, &[SCAN_KEY], scan_context(&scan))
                    .readable_output(POLL_MESSAGE);
            }
            Ok(vec![results.into_entry()?])
        }
    }
}

fn vanished(scan_id: &str, error: ClientError) -> CommandError {
    match error {
        ClientError::NotFound { .. } => CommandError::Config(format!(
            "scan {scan_id} not found; check the ID or start a new scan"
        )),
        other => other.into(),
    }
}

fn scan_status(call: Call<'_>) -> HandlerFuture<'_> {
    Box::pin(async move {
        let client = client(&call)?;
        let mut statuses = Vec::new();
        for scan_id in arg_to_string_list(call.args.get("scan_id"))
            .into_iter()
            .filter(|id| !id.trim().is_empty())
        {
            let scan = client
                .get_scan(scan_id.trim())
                .await
                .map_err(|error| vanished(scan_id.trim(), error))?;
            statuses.push(json!({"scan_id": scan.scan_id, "status": scan.status}));
        }
        let options = TableOptions {
            headers: Some(vec!["scan_id".into(), "status".into()]),
            ..TableOptions::default()
        };
        let readable =
            table_to_markdown_with("Scan status", &Value::Array(statuses.clone()), &options)
                .unwrap_or_default();
        Ok(vec![
            CommandResults::new()
                .outputs(SCAN_PREFIX, &[SCAN_KEY], Value::Array(statuses))
                .readable_output(readable)
                .into_entry()?,
        ])
    })
}

fn scan_results(call: Call<'_>) -> HandlerFuture<'_> {
    Box::pin(async move {
        let scan_id = text(&call.args, "scan_id");
        // The format is known before any call: a bad one costs nothing (the classic called first).
        let format = text(&call.args, "format");
        let client = client(&call)?;
        match format.as_str() {
            "file" => {
                let report = client
                    .scan_report(&scan_id)
                    .await
                    .map_err(|error| results_error(&scan_id, error))?;
                Ok(vec![Entry::file(
                    &format!("{scan_id}.json"),
                    report,
                    FileKind::InfoFile,
                )])
            }
            _ => json_results(&client, &scan_id, call.brand()).await,
        }
    })
}

fn results_error(scan_id: &str, error: ClientError) -> CommandError {
    match &error {
        ClientError::Vendor {
            status: 409,
            message,
            ..
        } => CommandError::Config(format!("scan {scan_id} has no results: {message}")),
        _ => vanished(scan_id, error),
    }
}

/// The results as context: the scan with its entities (classic `entity-id` names), then one CVE
/// entry per distinct CVE, sorted.
async fn json_results(client: &Client<'_>, scan_id: &str, brand: &str) -> CommandOutcome {
    let mut results = client
        .scan_results(scan_id)
        .await
        .map_err(|error| results_error(scan_id, error))?;
    let mut cves: Vec<String> = Vec::new();
    if let Some(entities) = results.get_mut("entities").and_then(Value::as_array_mut) {
        for entity in entities.iter_mut() {
            if let Some(object) = entity.as_object_mut()
                && let Some(id) = object.remove("entity_id")
            {
                object.insert("entity-id".to_owned(), id);
            }
            cves.extend(
                entity
                    .get("vulns")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned),
            );
        }
    }
    cves.sort_unstable();
    cves.dedup();
    let rows = results
        .get("entities")
        .cloned()
        .unwrap_or_else(|| json!([]));
    let options = TableOptions {
        headers: Some(
            [
                "entity-id",
                "ip_address",
                "type",
                "vulnerability_status",
                "vulns",
            ]
            .map(str::to_owned)
            .to_vec(),
        ),
        ..TableOptions::default()
    };
    let readable = table_to_markdown_with(&format!("Scan {scan_id} results"), &rows, &options)
        .unwrap_or_default();
    let mut entries = vec![
        CommandResults::new()
            .outputs(SCAN_PREFIX, &[SCAN_KEY], results)
            .readable_output(readable)
            .into_entry()?,
    ];
    for cve in cves {
        entries.push(
            CommandResults::new()
                .readable_output(format!("CVE {cve}"))
                .indicator(Cve::new(cve.as_str(), brand))
                .into_entry()?,
        );
    }
    Ok(entries)
}
