//! The alert commands run in-process through `helloworld::commands::execute` with a recording
//! host, against the simulator over real HTTP: search with its filters and `next_token` paging,
//! get, create, update (each field, `assignee=none`), the classic update-alert-status, notes and
//! delete; a missing alert as one clear error entry per command; arguments refused by the
//! declaration or the command with what to do. Runs share one integration context, as an XSOAR
//! instance does, so the access token is reused.

use std::collections::BTreeSet;
use std::sync::Mutex;

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use helloworld::commands::connection::ACCESS_TOKEN_KEY;
use helloworld::commands::execute;
use helloworld::host::CallingContext;
use helloworld::host::recorder::{Recording, RecordingHost};
use helloworld::sim::SimConfig;
use helloworld::xsoar::Entry;
use serde_json::{Map, Value, json};

use crate::support::{Sim, json_keys};

/// Where alerts go in the context.
const ALERT_KEY: &str = "HelloWorld.Alert(val.alert_id && val.alert_id == obj.alert_id)";
/// Where notes go in the context.
const NOTE_KEY: &str = "HelloWorld.AlertNote(val.note_id && val.note_id == obj.note_id)";
/// Where the search keeps the token of its next page.
const PAGE_KEY: &str = "HelloWorld.AlertPage(true)";

// ---------------------------------------------------------------------------------------------
// Helpers, shared with scan_commands.
// ---------------------------------------------------------------------------------------------

/// An integration instance on a simulator: the params XSOAR would pass and the integration
/// context it keeps between runs.
pub(crate) struct Instance {
    pub(crate) sim: Sim,
    context: Mutex<Map<String, Value>>,
}

impl Instance {
    /// A simulator started from `config`, with an empty integration context.
    pub(crate) async fn start(config: SimConfig) -> Self {
        Self {
            sim: Sim::start(config).await,
            context: Mutex::new(Map::new()),
        }
    }

    /// The instance params: the simulator's URL and API key.
    pub(crate) fn params(&self) -> Map<String, Value> {
        args(&[
            ("url", self.sim.running.url.as_str()),
            ("api_key", self.sim.running.api_key.as_str()),
        ])
    }

    /// The integration context as the last run left it.
    pub(crate) fn integration_context(&self) -> Map<String, Value> {
        self.context.lock().unwrap().clone()
    }

    /// Runs `command` with `args` as XSOAR would; everything the run recorded.
    pub(crate) async fn execute(&self, command: &str, args: Map<String, Value>) -> Recording {
        let host = RecordingHost::new(CallingContext::new(command, args, self.params()))
            .with_integration_context(self.integration_context());
        execute(&host).await;
        let recording = host.recording();
        recording
            .integration_context
            .clone_into(&mut self.context.lock().unwrap());
        recording
    }

    /// Runs `command` with `args`; the entries it sent, as JSON.
    pub(crate) async fn run(&self, command: &str, args: Map<String, Value>) -> Vec<Value> {
        entry_values(&self.execute(command, args).await.entries)
    }

    /// Runs `command` with `args`; the one entry of the successful run (see [`only`]).
    pub(crate) async fn run_one(&self, command: &str, args: Map<String, Value>) -> Value {
        only(&self.run(command, args).await).clone()
    }

    /// Runs `command` with `args`, which must fail with one error entry saying `expected`; the
    /// whole text of that entry.
    pub(crate) async fn run_failing(
        &self,
        command: &str,
        args: Map<String, Value>,
        expected: &str,
    ) -> String {
        let entries = self.run(command, args).await;
        let text = error_text(&entries);
        assert!(text.contains(expected), "{command}: {text}");
        text.to_owned()
    }
}

/// Entries as JSON, in order.
pub(crate) fn entry_values(entries: &[Entry]) -> Vec<Value> {
    entries.iter().map(Entry::to_value).collect()
}

/// Arguments (or params) as XSOAR passes them from the war room: every value a string.
pub(crate) fn args(pairs: &[(&str, &str)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), json!(value)))
        .collect()
}

/// `key` of an entry's EntryContext; null when absent.
pub(crate) fn context<'e>(entry: &'e Value, key: &str) -> &'e Value {
    entry["EntryContext"].get(key).unwrap_or(&Value::Null)
}

/// The text of the one entry of a failed run; panics unless there is exactly one error entry.
pub(crate) fn error_text(entries: &[Value]) -> &str {
    assert_eq!(entries.len(), 1, "one error entry: {entries:#?}");
    assert_eq!(
        entries[0]["Type"],
        json!(4),
        "an error entry: {}",
        entries[0]
    );
    entries[0]["Contents"].as_str().unwrap()
}

/// The one entry of a successful run; panics on an error entry or on more than one entry.
fn only(entries: &[Value]) -> &Value {
    assert_eq!(entries.len(), 1, "one entry: {entries:#?}");
    assert_ne!(entries[0]["Type"], json!(4), "an error: {}", entries[0]);
    &entries[0]
}

/// The simulator's id of alert number `n`.
fn alert_id(n: u64) -> String {
    format!("HW-{n:012}")
}

/// The `alert_id`s of an entry's `HelloWorld.Alert` list, in order.
fn alert_ids(entry: &Value) -> Vec<String> {
    context(entry, ALERT_KEY)
        .as_array()
        .unwrap()
        .iter()
        .map(|alert| alert["alert_id"].as_str().unwrap().to_owned())
        .collect()
}

/// Asserts that an entry's HumanReadable starts with `prefix`.
pub(crate) fn assert_readable_starts_with(entry: &Value, prefix: &str) {
    let readable = entry["HumanReadable"].as_str().unwrap();
    assert!(readable.starts_with(prefix), "{readable}");
}

/// RFC 3339 in whole seconds, as the simulator takes it.
fn at(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An instance on a simulator with a backlog of `alerts`.
async fn instance(alerts: u64) -> Instance {
    Instance::start(SimConfig {
        alerts,
        ..SimConfig::new(21)
    })
    .await
}

/// The alert as the API has it now (status and body).
async fn vendor_alert(instance: &Instance, id: &str) -> (u16, Value) {
    instance.sim.get_json(&format!("/api/v2/alerts/{id}")).await
}

// ---------------------------------------------------------------------------------------------
// Happy paths.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn search_filters_by_severity_status_type_and_start_time_oldest_first() {
    let hw = instance(0).await;
    let now = hw.sim.now().await;
    let ago = |hours: i64| at(now - TimeDelta::hours(hours));
    let fixture = |severity: &str, status: &str, kind: &str, hours: i64| json!({"severity": severity, "status": status, "type": kind, "created": ago(hours)});
    let ids = hw
        .sim
        .inject(vec![
            fixture("High", "ACTIVE", "Bug", 24),     // 0: matches
            fixture("Critical", "ACTIVE", "Bug", 48), // 1: matches, the oldest
            fixture("Low", "ACTIVE", "Bug", 24),      // 2: severity
            fixture("High", "CLOSED", "Bug", 24),     // 3: status
            fixture("High", "ACTIVE", "Attack", 24),  // 4: type, unless Attack is asked for
            fixture("Critical", "ACTIVE", "Bug", 96), // 5: older than 3 days
            fixture("Critical", "ACTIVE", "Bug", 1),  // 6: matches, the newest
        ])
        .await;
    let search = |alert_type: &'static str, max_results: &'static str| {
        args(&[
            ("severity", "High,Critical"),
            ("status", "ACTIVE"),
            ("alert_type", alert_type),
            ("start_time", "3 days"),
            ("max_results", max_results),
        ])
    };

    let entry = hw
        .run_one("helloworld-search-alerts", search("Bug", "10"))
        .await;
    let expected = vec![ids[1].clone(), ids[0].clone(), ids[6].clone()];
    assert_eq!(alert_ids(&entry), expected);
    for alert in context(&entry, ALERT_KEY).as_array().unwrap() {
        assert_eq!(alert["alert_status"], "ACTIVE");
        assert_eq!(alert["alert_type"], "Bug");
        assert!(["High", "Critical"].contains(&alert["severity"].as_str().unwrap()));
        assert_eq!(
            &json_keys(alert)[..4],
            ["alert_id", "name", "alert_type", "alert_status"]
        );
    }
    assert_eq!(context(&entry, PAGE_KEY), &json!({"next_token": ""}));
    assert_readable_starts_with(
        &entry,
        "### HelloWorld alerts (3)\n|alert_id|name|severity|alert_status|alert_type|created|assignee|\n",
    );

    // A list of types, and a page smaller than the matches.
    let entry = hw
        .run_one("helloworld-search-alerts", search("Bug,Attack", "2"))
        .await;
    assert_eq!(alert_ids(&entry), [ids[1].clone(), ids[0].clone()]);
    let token = context(&entry, PAGE_KEY)["next_token"].as_str().unwrap();
    assert!(!token.is_empty(), "more alerts match");
    assert!(
        entry["HumanReadable"]
            .as_str()
            .unwrap()
            .contains(&format!("run again with next_token=\"{token}\"")),
        "{}",
        entry["HumanReadable"]
    );
    let mut rest = search("Bug,Attack", "2");
    rest.insert("next_token".to_owned(), json!(token));
    let entry = hw.run_one("helloworld-search-alerts", rest).await;
    assert_eq!(alert_ids(&entry), [ids[4].clone(), ids[6].clone()]);
}

#[tokio::test]
async fn create_get_update_notes_and_delete_round_trip_through_the_api() {
    let hw = instance(5).await;

    // Create: 201, numbered after the backlog, classic names first.
    let created = hw
        .run_one(
            "helloworld-create-alert",
            args(&[
                ("name", "Suspicious login"),
                ("severity", "High"),
                ("alert_type", "Attack"),
                ("description", "three countries in an hour"),
                ("source_ip", "203.0.113.7"),
                ("affected_user", "alice"),
                ("hostname", "ws-001.corp.local"),
                ("related_url", "https://login.example/"),
            ]),
        )
        .await;
    let id = alert_id(6);
    let alert = context(&created, ALERT_KEY);
    assert_eq!(
        json_keys(alert),
        [
            "alert_id",
            "name",
            "alert_type",
            "alert_status",
            "severity",
            "created",
            "updated",
            "description",
            "assignee",
            "source_ip",
            "user",
            "hostname",
            "url"
        ]
    );
    assert_eq!(alert["alert_id"], json!(id));
    assert_eq!(alert["alert_status"], "ACTIVE");
    assert_eq!(alert["alert_type"], "Attack");
    assert_eq!(alert["name"], "Suspicious login");
    assert_eq!(alert["severity"], "High");
    assert_eq!(alert["source_ip"], "203.0.113.7");
    assert_eq!(alert["assignee"], Value::Null);
    assert_readable_starts_with(&created, &format!("### HelloWorld Alert {id} created\n"));
    let (status, stored) = vendor_alert(&hw, &id).await;
    assert_eq!(status, 200);
    assert_eq!(
        (&stored["name"], &stored["type"], &stored["user"]),
        (
            &json!("Suspicious login"),
            &json!("Attack"),
            &json!("alice")
        )
    );
    let token = hw.integration_context()[ACCESS_TOKEN_KEY].clone();
    assert!(token.is_string(), "the token is cached");

    // Get.
    let got = hw
        .run_one("helloworld-get-alert", args(&[("alert_id", &id)]))
        .await;
    assert_eq!(context(&got, ALERT_KEY), alert);
    assert_readable_starts_with(&got, &format!("### HelloWorld Alert {id}\n"));

    // Update, one field at a time; `none` unassigns.
    let steps: [(&str, &str, &str, Value); 4] = [
        ("status", "CLOSED", "alert_status", json!("CLOSED")),
        ("severity", "Low", "severity", json!("Low")),
        ("assignee", "bob", "assignee", json!("bob")),
        ("assignee", "none", "assignee", Value::Null),
    ];
    for (field, value, output, expected) in steps {
        let entry = hw
            .run_one(
                "helloworld-update-alert",
                args(&[("alert_id", &id), (field, value)]),
            )
            .await;
        let updated = context(&entry, ALERT_KEY);
        assert_eq!(updated[output], expected, "{field}={value}");
        assert_eq!(updated["alert_id"], json!(id));
        let (_, stored) = vendor_alert(&hw, &id).await;
        let vendor_field = if output == "alert_status" {
            "status"
        } else {
            output
        };
        assert_eq!(
            stored[vendor_field], expected,
            "{field}={value} reached the API"
        );
    }
    let (_, stored) = vendor_alert(&hw, &id).await;
    assert_eq!(
        (&stored["status"], &stored["severity"], &stored["assignee"]),
        (&json!("CLOSED"), &json!("Low"), &Value::Null),
        "each update changed only its own field"
    );

    // The classic update-alert-status: alert_id, alert_status, updated, nothing else.
    let entry = hw
        .run_one(
            "helloworld-update-alert-status",
            args(&[("alert_id", &id), ("status", "ACTIVE")]),
        )
        .await;
    let classic = context(&entry, ALERT_KEY);
    assert_eq!(json_keys(classic), ["alert_id", "alert_status", "updated"]);
    assert_eq!(classic["alert_id"], json!(id));
    assert_eq!(classic["alert_status"], "ACTIVE");
    assert!(classic["updated"].is_string());
    assert_eq!(vendor_alert(&hw, &id).await.1["status"], "ACTIVE");

    // Notes: add two, list them oldest first.
    let mut note_ids = Vec::new();
    for text in ["first look: benign", "second look: not benign"] {
        let entry = hw
            .run_one(
                "helloworld-add-alert-note",
                args(&[("alert_id", &id), ("note", text)]),
            )
            .await;
        let notes = context(&entry, NOTE_KEY).as_array().unwrap();
        assert_eq!(notes.len(), 1);
        assert_eq!(
            json_keys(&notes[0]),
            ["note_id", "alert_id", "text", "author", "created"]
        );
        assert_eq!(
            (&notes[0]["alert_id"], &notes[0]["text"]),
            (&json!(id), &json!(text))
        );
        note_ids.push(notes[0]["note_id"].as_str().unwrap().to_owned());
    }
    assert_ne!(note_ids[0], note_ids[1]);
    let entry = hw
        .run_one("helloworld-list-alert-notes", args(&[("alert_id", &id)]))
        .await;
    let listed = context(&entry, NOTE_KEY).as_array().unwrap();
    let listed_ids: Vec<&str> = listed
        .iter()
        .map(|note| note["note_id"].as_str().unwrap())
        .collect();
    assert_eq!(listed_ids, note_ids);
    assert_eq!(listed[1]["text"], "second look: not benign");

    // Delete, then the alert is gone.
    let deleted = hw
        .run_one("helloworld-delete-alert", args(&[("alert_id", &id)]))
        .await;
    assert_eq!(
        deleted["HumanReadable"],
        json!(format!("Alert {id} was deleted."))
    );
    assert_eq!(vendor_alert(&hw, &id).await.0, 404);
    hw.run_failing(
        "helloworld-get-alert",
        args(&[("alert_id", &id)]),
        &format!("alert {id} not found"),
    )
    .await;

    assert_eq!(
        hw.integration_context()[ACCESS_TOKEN_KEY],
        token,
        "one token served every run"
    );
}

// ---------------------------------------------------------------------------------------------
// Errors.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_missing_alert_is_one_error_entry_naming_it_for_every_command() {
    let hw = instance(3).await;
    let missing = alert_id(99_999);
    let calls: [(&str, &[(&str, &str)]); 6] = [
        ("helloworld-get-alert", &[]),
        ("helloworld-update-alert", &[("status", "CLOSED")]),
        ("helloworld-update-alert-status", &[("status", "CLOSED")]),
        ("helloworld-delete-alert", &[]),
        ("helloworld-list-alert-notes", &[]),
        ("helloworld-add-alert-note", &[("note", "anyone there?")]),
    ];
    for (command, extra) in calls {
        let mut call = args(extra);
        call.insert("alert_id".to_owned(), json!(missing));
        let text = hw
            .run_failing(command, call, &format!("alert {missing} not found"))
            .await;
        assert!(
            text.starts_with(&format!("Failed to execute {command} command.\nError:\n")),
            "{command}: {text}"
        );
    }
    // Nothing was created on the way.
    assert_eq!(hw.sim.ground("/_sim/health").await["alerts"], json!(3));
}

#[tokio::test]
async fn bad_arguments_are_refused_with_what_to_do() {
    let hw = instance(3).await;
    let id = alert_id(1);
    let (_, before) = vendor_alert(&hw, &id).await;
    let predefined =
        "Invalid value \"OPEN\" for argument \"status\": it must be one of ACTIVE, CLOSED";
    for (command, call) in [
        (
            "helloworld-update-alert",
            args(&[("alert_id", &id), ("status", "OPEN")]),
        ),
        (
            "helloworld-update-alert-status",
            args(&[("alert_id", &id), ("status", "OPEN")]),
        ),
        ("helloworld-search-alerts", args(&[("status", "OPEN")])),
    ] {
        hw.run_failing(command, call, predefined).await;
    }
    hw.run_failing(
        "helloworld-search-alerts",
        args(&[("severity", "High,Severe")]),
        "Invalid value \"Severe\" for argument \"severity\": it must be one of Low, Medium, High, Critical",
    )
    .await;
    hw.run_failing(
        "helloworld-update-alert",
        args(&[("alert_id", &id)]),
        "give at least one of status, severity or assignee",
    )
    .await;
    hw.run_failing(
        "helloworld-create-alert",
        args(&[("severity", "Low"), ("alert_type", "Bug")]),
        "Missing required argument \"name\". Give it a value: helloworld-create-alert name=<value>",
    )
    .await;
    hw.run_failing(
        "helloworld-search-alerts",
        args(&[("max_results", "5000")]),
        "max_results is 5000; use 1 to 1000",
    )
    .await;

    // None of these reached the API as a change.
    assert_eq!(vendor_alert(&hw, &id).await.1, before);
    assert_eq!(hw.sim.ground("/_sim/health").await["alerts"], json!(3));
}

// ---------------------------------------------------------------------------------------------
// Paging.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn paging_with_next_token_visits_every_alert_exactly_once() {
    let hw = instance(57).await;
    let mut seen = Vec::new();
    let mut page_sizes = Vec::new();
    let mut token = String::new();
    loop {
        let mut call = args(&[("max_results", "10")]);
        if !token.is_empty() {
            call.insert("next_token".to_owned(), json!(token));
        }
        let entry = hw.run_one("helloworld-search-alerts", call).await;
        let ids = alert_ids(&entry);
        page_sizes.push(ids.len());
        seen.extend(ids);
        token = context(&entry, PAGE_KEY)["next_token"]
            .as_str()
            .unwrap()
            .to_owned();
        if token.is_empty() {
            break;
        }
        assert!(page_sizes.len() < 20, "paging does not end: {page_sizes:?}");
    }
    assert_eq!(page_sizes, [10, 10, 10, 10, 10, 7]);
    let distinct: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(distinct.len(), seen.len(), "no alert twice: {seen:?}");
    let backlog: BTreeSet<String> = (1..=57).map(alert_id).collect();
    assert_eq!(seen.iter().cloned().collect::<BTreeSet<_>>(), backlog);

    // The API agrees the backlog is exactly these alerts.
    assert_eq!(vendor_alert(&hw, &alert_id(58)).await.0, 404);
}
