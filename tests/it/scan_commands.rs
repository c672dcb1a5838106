//! The scan commands against the simulator over real HTTP, run in-process through
//! `helloworld::commands::execute` as XSOAR runs them: built-in polling (`scan-start
//! polling=true` re-run with its `PollingArgs` as the scheduler would, exact ScheduledCommand
//! fields, quiet polls, results with one CVE entry per distinct CVE, the 10 s clamp, the
//! deadline, a vanished scan, a failed host), the GenericPolling loop over start, status and
//! results, the report as an InfoFile entry, bad formats and unfinished scans; and the binary
//! following the polling itself. Scans finish by moving the simulator's clock, never by sleeping
//! (only the binary waits, between its own polls).

use std::collections::BTreeSet;

use helloworld::commands::execute;
use helloworld::host::recorder::RecordingHost;
use helloworld::host::{CallingContext, LogLevel, LogLine};
use helloworld::sim::SimConfig;
use reqwest::Method;
use serde_json::{Map, Value, json};
use wiremock::MockServer;

use crate::alert_commands::{
    Instance, args, assert_readable_starts_with, context, entry_values, error_text,
};
use crate::support::{helloworld, json_keys, run_with};

/// Where scans go in the context.
const SCAN_KEY: &str = "HelloWorld.Scan(val.scan_id && val.scan_id == obj.scan_id)";
/// Where CVEs go in the context.
const CVE_KEY: &str = "CVE(val.ID && val.ID == obj.ID)";
/// Where DBotScores go in the context.
const DBOT_KEY: &str = "DBotScore(val.Indicator && val.Indicator == obj.Indicator && val.Vendor == obj.Vendor && val.Type == obj.Type)";
/// The fields a ScheduledCommand adds to an entry, in order.
const SCHEDULING: [&str; 5] = [
    "PollingCommand",
    "NextRun",
    "PollingArgs",
    "Timeout",
    "PollingItemsRemaining",
];
/// The fields of a CommandResults entry before the scheduling ones, in order.
const RESULT_FIELDS: [&str; 9] = [
    "Type",
    "ContentsFormat",
    "Contents",
    "HumanReadable",
    "EntryContext",
    "IndicatorTimeline",
    "IgnoreAutoExtract",
    "Note",
    "Relationships",
];
/// A well-formed scan id the simulator never issued.
const UNKNOWN_SCAN: &str = "00000000-0000-4000-8000-000000000000";

/// An instance on a simulator whose scans take `scan_seconds`.
async fn instance(scan_seconds: i64) -> Instance {
    Instance::start(SimConfig {
        alerts: 0,
        scan_seconds,
        ..SimConfig::new(33)
    })
    .await
}

/// The scheduling fields an entry has.
fn scheduling(entry: &Value) -> Vec<&str> {
    json_keys(entry)
        .into_iter()
        .filter(|key| SCHEDULING.contains(key))
        .collect()
}

/// The `PollingArgs` of a scheduled entry: what XSOAR passes to the next run.
fn polling_args(entry: &Value) -> Map<String, Value> {
    entry["PollingArgs"].as_object().unwrap().clone()
}

/// The one entry of a run that schedules another; its scheduling fields are checked.
fn scheduled(entries: &[Value]) -> &Value {
    assert_eq!(entries.len(), 1, "one scheduled entry: {entries:#?}");
    let entry = &entries[0];
    let mut expected = RESULT_FIELDS.to_vec();
    expected.extend(SCHEDULING);
    assert_eq!(json_keys(entry), expected, "{entry}");
    assert_eq!(entry["PollingCommand"], "helloworld-scan-start");
    assert_eq!(entry["PollingItemsRemaining"], json!(0));
    let timeout = entry["Timeout"].as_str().expect("Timeout is a string");
    assert!(timeout.parse::<u64>().is_ok(), "Timeout {timeout}");
    entry
}

/// `helloworld-scan-start hostname=<hostname> polling=true` and `extra` args: the first run's
/// one entry, which schedules the next (checked by [`scheduled`]).
async fn start_polling(hw: &Instance, hostname: &str, extra: &[(&str, &str)]) -> Value {
    let mut call = args(&[("hostname", hostname), ("polling", "true")]);
    call.extend(args(extra));
    let entries = hw.run("helloworld-scan-start", call).await;
    scheduled(&entries).clone()
}

/// Runs the next poll with `polling_args`; checks that it is one error entry saying `expected`
/// and that it schedules nothing.
async fn assert_poll_fails(hw: &Instance, polling_args: Map<String, Value>, expected: &str) {
    let entries = hw.run("helloworld-scan-start", polling_args).await;
    let text = error_text(&entries);
    assert!(text.contains(expected), "{text}");
    assert!(scheduling(&entries[0]).is_empty());
}

/// `helloworld-scan-start hostname=<hostname>` without polling; the scan id.
async fn start(hw: &Instance, hostname: &str) -> String {
    let entry = &hw
        .run_one("helloworld-scan-start", args(&[("hostname", hostname)]))
        .await;
    assert!(scheduling(entry).is_empty(), "no polling: {entry}");
    let scan = context(entry, SCAN_KEY);
    assert_eq!(
        (&scan["status"], &scan["hostname"]),
        (&json!("RUNNING"), &json!(hostname))
    );
    let id = scan["scan_id"].as_str().unwrap().to_owned();
    assert_eq!(entry["HumanReadable"], json!(format!("Started scan {id}")));
    id
}

/// The vendor's results of a complete scan, with the classic `entity-id` for `entity_id`.
async fn classic_results(hw: &Instance, scan_id: &str) -> Value {
    let (status, mut results) = hw
        .sim
        .get_json(&format!("/api/v2/scans/{scan_id}/results"))
        .await;
    assert_eq!(status, 200, "{results}");
    for entity in results["entities"].as_array_mut().unwrap() {
        let entity = entity.as_object_mut().unwrap();
        let id = entity.remove("entity_id").unwrap();
        entity.insert("entity-id".to_owned(), id);
    }
    results
}

/// Checks the entries of complete results: the scan with its entities, then one CVE entry per
/// distinct CVE, sorted, and nothing scheduled.
async fn assert_results(hw: &Instance, entries: &[Value], scan_id: &str) {
    let expected = classic_results(hw, scan_id).await;
    assert!(!entries.is_empty());
    for entry in entries {
        assert!(scheduling(entry).is_empty(), "nothing scheduled: {entry}");
        assert_ne!(entry["Type"], json!(4), "{entry}");
    }
    let scan = context(&entries[0], SCAN_KEY);
    assert_eq!(scan, &expected);
    assert_eq!(scan["status"], "COMPLETE");
    let entity_keys = BTreeSet::from([
        "entity-id",
        "ip_address",
        "type",
        "vulnerability_status",
        "vulns",
    ]);
    for entity in scan["entities"].as_array().unwrap() {
        let found: BTreeSet<&str> = json_keys(entity).into_iter().collect();
        assert_eq!(found, entity_keys, "{entity}");
    }
    assert_readable_starts_with(
        &entries[0],
        &format!(
            "### Scan {scan_id} results\n|entity-id|ip_address|type|vulnerability_status|vulns|\n"
        ),
    );

    let cves: BTreeSet<&str> = scan["entities"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|entity| entity["vulns"].as_array().unwrap())
        .map(|cve| cve.as_str().unwrap())
        .collect();
    assert!(!cves.is_empty(), "the host has findings to check: {scan}");
    let listed: Vec<&str> = entries[1..]
        .iter()
        .map(|entry| context(entry, CVE_KEY)[0]["ID"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        cves.into_iter().collect::<Vec<_>>(),
        "distinct, sorted"
    );
    for (entry, cve) in entries[1..].iter().zip(listed) {
        assert_eq!(context(entry, CVE_KEY), &json!([{"ID": cve}]));
        assert_eq!(
            context(entry, DBOT_KEY),
            &json!([{"Indicator": cve, "Type": "cve", "Vendor": "HelloWorld", "Score": 0}])
        );
        assert_eq!(entry["HumanReadable"], json!(format!("CVE {cve}")));
    }
}

// ---------------------------------------------------------------------------------------------
// Built-in polling.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn polling_starts_polls_quietly_then_returns_the_results_and_one_entry_per_cve() {
    let hw = instance(3).await;

    // First run: the scan starts, "Fetching Results:", and a ScheduledCommand.
    let first = start_polling(&hw, "h", &[]).await;
    assert_eq!(first["NextRun"], "30");
    assert_eq!(first["Timeout"], "600");
    assert_eq!(first["HumanReadable"], "Fetching Results:");
    let scan = context(&first, SCAN_KEY);
    assert_eq!(
        (&scan["status"], &scan["hostname"]),
        (&json!("RUNNING"), &json!("h"))
    );
    let scan_id = scan["scan_id"].as_str().unwrap().to_owned();
    let next = polling_args(&first);
    assert_eq!(
        next.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "hostname",
            "polling",
            "interval_in_seconds",
            "timeout_in_seconds",
            "hide_polling_output",
            "scan_id",
            "polling_deadline"
        ]
    );
    assert_eq!(next["hostname"], "h");
    assert_eq!(next["polling"], "true");
    assert_eq!(next["interval_in_seconds"], "30");
    assert_eq!(next["timeout_in_seconds"], "600");
    assert_eq!(next["hide_polling_output"], json!(true));
    assert_eq!(next["scan_id"], json!(scan_id));
    let deadline: i64 = next["polling_deadline"].as_str().unwrap().parse().unwrap();
    assert!(deadline > 0);

    // Second run, before the scan completes: scheduled again, quietly.
    let entries = hw.run("helloworld-scan-start", next.clone()).await;
    let quiet = scheduled(&entries);
    assert_eq!(quiet["NextRun"], "30");
    assert_eq!(quiet["HumanReadable"], Value::Null);
    assert_eq!(quiet["Contents"], Value::Null);
    assert_eq!(quiet["EntryContext"], json!({}));
    assert_eq!(polling_args(quiet), next, "the same scan and deadline");
    let remaining: u64 = quiet["Timeout"].as_str().unwrap().parse().unwrap();
    assert!(remaining <= 600, "{remaining}");

    // After the scan's three seconds: the results, nothing scheduled.
    hw.sim.advance_clock(3).await;
    let entries = hw.run("helloworld-scan-start", next).await;
    assert_results(&hw, &entries, &scan_id).await;
    let (_, status) = hw.sim.get_json(&format!("/api/v2/scans/{scan_id}")).await;
    assert_eq!(status["status"], "COMPLETE");
}

#[tokio::test]
async fn an_interval_under_ten_seconds_is_raised_to_ten_with_xsoars_notice() {
    let hw = instance(600).await;
    let recording = hw
        .execute(
            "helloworld-scan-start",
            args(&[
                ("hostname", "h"),
                ("polling", "true"),
                ("interval_in_seconds", "3"),
            ]),
        )
        .await;
    let entries = entry_values(&recording.entries);
    let entry = scheduled(&entries);
    assert_eq!(entry["NextRun"], "10");
    assert_eq!(entry["PollingArgs"]["interval_in_seconds"], "3");
    let notice = LogLine {
        level: LogLevel::Info,
        message: "ScheduledCommandConfiguration provided value for next_run_in_seconds: 3 is too low - minimum interval is 10 seconds. next_run_in_seconds was set to 10 seconds.".to_owned(),
    };
    assert!(recording.logs.contains(&notice), "{:#?}", recording.logs);
}

#[tokio::test]
async fn polling_past_its_deadline_is_an_error_entry() {
    let hw = instance(600).await;
    let first = start_polling(&hw, "h", &[("timeout_in_seconds", "1")]).await;
    assert_eq!(first["Timeout"], "1");
    let mut next = polling_args(&first);
    let scan_id = next["scan_id"].as_str().unwrap().to_owned();
    // What a second of wall clock would do: the deadline is now in the past.
    let deadline: i64 = next["polling_deadline"].as_str().unwrap().parse().unwrap();
    next.insert(
        "polling_deadline".to_owned(),
        json!((deadline - 1).to_string()),
    );
    assert_poll_fails(
        &hw,
        next,
        &format!("scan {scan_id} did not complete within 1 seconds (timeout_in_seconds)"),
    )
    .await;
}

#[tokio::test]
async fn a_scan_that_vanishes_while_polling_is_an_error_entry_naming_it() {
    let hw = instance(600).await;
    let mut next = polling_args(&start_polling(&hw, "h", &[]).await);
    next.insert("scan_id".to_owned(), json!(UNKNOWN_SCAN));
    assert_poll_fails(&hw, next, &format!("scan {UNKNOWN_SCAN} not found")).await;
}

#[tokio::test]
async fn a_failing_host_ends_polling_with_an_error_once_its_time_is_up() {
    let hw = instance(3).await;
    let next = polling_args(&start_polling(&hw, "fail-01.corp.local", &[]).await);
    let scan_id = next["scan_id"].as_str().unwrap().to_owned();
    hw.sim.advance_clock(3).await;
    assert_poll_fails(
        &hw,
        next,
        &format!("scan {scan_id} of fail-01.corp.local failed"),
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// GenericPolling over the three commands.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn generic_polling_runs_start_then_status_until_complete_then_results() {
    // 30 s scans polled every 10 s of the simulator's clock: RUNNING, then COMPLETE after 30 s.
    let hw = instance(30).await;
    let ids = [start(&hw, "h").await, start(&hw, "ws-002.corp.local").await];
    let both = format!("{},{}", ids[0], ids[1]);

    let mut polls = Vec::new();
    loop {
        let entry = hw
            .run_one("helloworld-scan-status", args(&[("scan_id", &both)]))
            .await;
        let statuses = context(&entry, SCAN_KEY).as_array().unwrap().clone();
        let polled: Vec<&str> = statuses
            .iter()
            .map(|scan| scan["scan_id"].as_str().unwrap())
            .collect();
        assert_eq!(polled, ids, "one status per id, in order");
        for scan in &statuses {
            assert_eq!(json_keys(scan), ["scan_id", "status"]);
        }
        let all_complete = statuses.iter().all(|scan| scan["status"] == "COMPLETE");
        polls.push(statuses);
        if all_complete {
            break;
        }
        assert!(polls.len() < 10, "the scans never complete: {polls:#?}");
        hw.sim.advance_clock(10).await;
    }
    assert!(
        polls[0].iter().all(|scan| scan["status"] == "RUNNING"),
        "{polls:#?}"
    );
    assert!(polls.len() >= 2, "polled until COMPLETE: {polls:#?}");

    let entries = hw
        .run(
            "helloworld-scan-results",
            args(&[("scan_id", &ids[0]), ("format", "json")]),
        )
        .await;
    assert_results(&hw, &entries, &ids[0]).await;
}

#[tokio::test]
async fn scan_status_with_an_unknown_id_among_known_ones_fails_naming_it() {
    let hw = instance(3).await;
    let known = start(&hw, "h").await;
    let text = hw
        .run_failing(
            "helloworld-scan-status",
            args(&[("scan_id", &format!("{known}, {UNKNOWN_SCAN}"))]),
            &format!("scan {UNKNOWN_SCAN} not found"),
        )
        .await;
    assert!(
        !text.contains(&known),
        "only the unknown id is blamed: {text}"
    );
}

// ---------------------------------------------------------------------------------------------
// Results as a file, bad formats, unfinished scans.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn results_as_a_file_are_one_info_file_entry_holding_the_vendors_report() {
    let hw = instance(3).await;
    let scan_id = start(&hw, "h").await;
    hw.sim.advance_clock(3).await;
    let recording = hw
        .execute(
            "helloworld-scan-results",
            args(&[("scan_id", &scan_id), ("format", "file")]),
        )
        .await;
    assert_eq!(recording.entries.len(), 1, "{:#?}", recording.entries);
    let entry = &recording.entries[0];
    let fields = entry.to_value();
    assert_eq!(
        json_keys(&fields),
        ["Contents", "ContentsFormat", "Type", "File", "FileID"]
    );
    assert_eq!(fields["Contents"], "");
    assert_eq!(fields["ContentsFormat"], "text");
    assert_eq!(fields["Type"], json!(9));
    assert_eq!(fields["File"], json!(format!("{scan_id}.json")));
    let file_id = fields["FileID"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(file_id).is_ok(), "{file_id}");
    let file = entry.attached_file().expect("the report's bytes");
    assert_eq!(file.file_id, file_id);
    let attached: Value = serde_json::from_slice(&file.data).unwrap();

    let response = hw
        .sim
        .authed(Method::GET, &format!("/api/v2/scans/{scan_id}/report"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(attached, report);
}

#[tokio::test]
async fn a_bad_format_is_refused_by_the_declaration_before_any_call() {
    let vendor = MockServer::start().await;
    let params = args(&[("url", &vendor.uri()), ("api_key", "hwk-format-test")]);
    let host = RecordingHost::new(CallingContext::new(
        "helloworld-scan-results",
        args(&[("scan_id", UNKNOWN_SCAN), ("format", "xml")]),
        params,
    ));
    execute(&host).await;
    let entries = entry_values(&host.entries());
    let text = error_text(&entries);
    assert!(
        text.contains(
            "Invalid value \"xml\" for argument \"format\": it must be one of json, file"
        ),
        "{text}"
    );
    assert_eq!(
        vendor.received_requests().await.unwrap().len(),
        0,
        "no call"
    );
}

#[tokio::test]
async fn results_of_a_running_scan_say_it_has_no_results_yet() {
    let hw = instance(600).await;
    let scan_id = start(&hw, "h").await;
    for format in ["json", "file"] {
        let text = hw
            .run_failing(
                "helloworld-scan-results",
                args(&[("scan_id", &scan_id), ("format", format)]),
                &format!("scan {scan_id} has no results"),
            )
            .await;
        assert!(text.contains("RUNNING"), "{format}: {text}");
    }
}

// ---------------------------------------------------------------------------------------------
// The binary follows the polling.
// ---------------------------------------------------------------------------------------------

/// `helloworld run helloworld-scan-start hostname=h polling=true` on `url`, plus `extra` flags.
fn scan_start_binary(url: &str, api_key: &str, extra: &[&str]) -> crate::support::Run {
    let mut command = helloworld();
    command
        .args([
            "run",
            "helloworld-scan-start",
            "hostname=h",
            "polling=true",
            "-p",
            &format!("url={url}"),
        ])
        .args(extra)
        .env("HELLOWORLD_API_KEY", api_key);
    run_with(&mut command)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_binary_follows_polling_to_the_results_unless_told_not_to() {
    let hw = instance(1).await;
    let (url, key) = (hw.sim.running.url.clone(), hw.sim.running.api_key.clone());
    let (followed, first_only) = tokio::task::spawn_blocking(move || {
        (
            scan_start_binary(&url, &key, &["--poll-interval", "1"]),
            scan_start_binary(&url, &key, &["--no-follow"]),
        )
    })
    .await
    .unwrap();

    assert_eq!(followed.status, Some(0), "{}", followed.stderr);
    assert!(
        followed.stdout.contains("Fetching Results:"),
        "{}",
        followed.stdout
    );
    assert!(
        followed
            .stderr
            .contains("polling: running helloworld-scan-start again in 1 s"),
        "{}",
        followed.stderr
    );
    assert!(
        followed
            .stdout
            .contains("|entity-id|ip_address|type|vulnerability_status|vulns|"),
        "{}",
        followed.stdout
    );
    assert!(followed.stdout.contains("CVE CVE-"), "{}", followed.stdout);

    assert_eq!(first_only.status, Some(0), "{}", first_only.stderr);
    assert!(
        first_only.stdout.contains("Fetching Results:"),
        "{}",
        first_only.stdout
    );
    assert!(
        !first_only.stdout.contains("entity-id"),
        "{}",
        first_only.stdout
    );
    assert!(
        !first_only.stderr.contains("polling:"),
        "{}",
        first_only.stderr
    );
}
