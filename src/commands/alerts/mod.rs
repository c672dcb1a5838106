//! The alert commands: search, get, create, update (and the classic update-status), delete, and
//! the notes. Each is one API call. Outputs go to `HelloWorld.Alert` keyed by `alert_id`, with the
//! classic field names (`alert_id`, `alert_status`, `alert_type`), so existing playbooks keep
//! working; a missing alert is a clear "alert X not found".

mod notes;
mod search;

use serde_json::{Map, Value, json};

use super::connection::client;
use super::{Call, Command, CommandError, CommandOutcome, HandlerFuture};
use crate::client::{Alert, AlertUpdate, ClientError, NewAlert};
use crate::xsoar::CommandResults;
use crate::xsoar::markdown::{TableOptions, table_to_markdown_with};
use crate::xsoar::spec::{ArgSpec, CommandSpec, OutputSpec, OutputType};

pub(super) use notes::{ADD_ALERT_NOTE, LIST_ALERT_NOTES};
pub(super) use search::SEARCH_ALERTS;

/// The statuses the API knows.
pub(super) const STATUSES: &[&str] = &["ACTIVE", "CLOSED"];
/// The severities the API knows.
pub(super) const SEVERITIES: &[&str] = &["Low", "Medium", "High", "Critical"];
/// Where alerts go in the context, and their key.
pub(super) const ALERT_PREFIX: &str = "HelloWorld.Alert";
const ALERT_KEY: &str = "alert_id";

/// The context outputs of an alert, shared by every alert command.
pub(super) const ALERT_OUTPUTS: &[OutputSpec] = &[
    OutputSpec::new(
        "HelloWorld.Alert.alert_id",
        OutputType::String,
        "Alert ID (key).",
    ),
    OutputSpec::new("HelloWorld.Alert.name", OutputType::String, "Alert name."),
    OutputSpec::new(
        "HelloWorld.Alert.alert_type",
        OutputType::String,
        "Alert type.",
    ),
    OutputSpec::new(
        "HelloWorld.Alert.alert_status",
        OutputType::String,
        "Alert status: ACTIVE or CLOSED.",
    ),
    OutputSpec::new(
        "HelloWorld.Alert.severity",
        OutputType::String,
        "Alert severity: Low, Medium, High or Critical.",
    ),
    OutputSpec::new(
        "HelloWorld.Alert.created",
        OutputType::Date,
        "Alert creation time, ISO 8601.",
    ),
    OutputSpec::new(
        "HelloWorld.Alert.updated",
        OutputType::Date,
        "Alert last update time, ISO 8601.",
    ),
    OutputSpec::new(
        "HelloWorld.Alert.description",
        OutputType::String,
        "Alert description.",
    ),
    OutputSpec::new(
        "HelloWorld.Alert.assignee",
        OutputType::String,
        "Who the alert is assigned to.",
    ),
    OutputSpec::new(
        "HelloWorld.Alert.source_ip",
        OutputType::String,
        "Source IP of the alert.",
    ),
    OutputSpec::new(
        "HelloWorld.Alert.user",
        OutputType::String,
        "User of the alert.",
    ),
    OutputSpec::new(
        "HelloWorld.Alert.hostname",
        OutputType::String,
        "Host name of the alert.",
    ),
    OutputSpec::new(
        "HelloWorld.Alert.url",
        OutputType::String,
        "URL of the alert.",
    ),
];

const ALERT_ID_ARG: ArgSpec =
    ArgSpec::new("alert_id", "The alert ID, such as HW-000000000042.").required();

/// The declaration and body of `helloworld-get-alert`.
pub(super) const GET_ALERT: Command = Command {
    spec: CommandSpec {
        args: &[ALERT_ID_ARG],
        outputs: ALERT_OUTPUTS,
        ..CommandSpec::new("helloworld-get-alert", "Returns one alert.")
    },
    run: get_alert,
};

/// The declaration and body of `helloworld-create-alert`.
pub(super) const CREATE_ALERT: Command = Command {
    spec: CommandSpec {
        args: &[
            ArgSpec::new("name", "The alert name.").required(),
            ArgSpec::new("severity", "The alert severity.")
                .required()
                .predefined(SEVERITIES),
            ArgSpec::new("alert_type", "The alert type, such as Bug or Attack.").required(),
            ArgSpec::new("description", "What happened."),
            ArgSpec::new("source_ip", "The source IP involved."),
            ArgSpec::new("affected_user", "The user involved."),
            ArgSpec::new("hostname", "The host involved."),
            ArgSpec::new("related_url", "The URL involved."),
        ],
        outputs: ALERT_OUTPUTS,
        ..CommandSpec::new(
            "helloworld-create-alert",
            "Creates an alert. Safe to retry: the API de-duplicates retries.",
        )
    },
    run: create_alert,
};

/// The declaration and body of `helloworld-update-alert`.
pub(super) const UPDATE_ALERT: Command = Command {
    spec: CommandSpec {
        args: &[
            ALERT_ID_ARG,
            ArgSpec::new("status", "The new status.").predefined(STATUSES),
            ArgSpec::new("severity", "The new severity.").predefined(SEVERITIES),
            ArgSpec::new(
                "assignee",
                "Who to assign the alert to; `none` unassigns it.",
            ),
        ],
        outputs: ALERT_OUTPUTS,
        ..CommandSpec::new(
            "helloworld-update-alert",
            "Changes an alert's status, severity or assignee (at least one).",
        )
    },
    run: update_alert,
};

/// The declaration and body of `helloworld-update-alert-status` (the classic command).
pub(super) const UPDATE_ALERT_STATUS: Command = Command {
    spec: CommandSpec {
        args: &[
            ALERT_ID_ARG,
            ArgSpec::new("status", "The new status.")
                .required()
                .predefined(STATUSES),
        ],
        outputs: &[
            OutputSpec::new(
                "HelloWorld.Alert.alert_id",
                OutputType::String,
                "Alert ID (key).",
            ),
            OutputSpec::new(
                "HelloWorld.Alert.alert_status",
                OutputType::String,
                "Alert status: ACTIVE or CLOSED.",
            ),
            OutputSpec::new(
                "HelloWorld.Alert.updated",
                OutputType::Date,
                "Alert update time, ISO 8601.",
            ),
        ],
        ..CommandSpec::new(
            "helloworld-update-alert-status",
            "Changes an alert's status (kept from the classic integration).",
        )
    },
    run: update_alert_status,
};

/// The declaration and body of `helloworld-delete-alert`.
pub(super) const DELETE_ALERT: Command = Command {
    spec: CommandSpec {
        args: &[ALERT_ID_ARG],
        execution: true,
        ..CommandSpec::new("helloworld-delete-alert", "Deletes an alert.")
    },
    run: delete_alert,
};

/// The classic context object of an alert: `alert_id`, `alert_status`, `alert_type`, then the rest.
pub(super) fn alert_context(alert: &Alert) -> Value {
    json!({
        "alert_id": alert.id,
        "name": alert.name,
        "alert_type": alert.alert_type,
        "alert_status": alert.status,
        "severity": alert.severity,
        "created": alert.created,
        "updated": alert.updated,
        "description": alert.description,
        "assignee": alert.assignee,
        "source_ip": alert.source_ip,
        "user": alert.user,
        "hostname": alert.hostname,
        "url": alert.url,
    })
}

/// A short table: the fields an analyst reads first.
pub(super) fn alert_table(title: &str, alerts: &[Value]) -> String {
    let headers = [
        "alert_id",
        "name",
        "severity",
        "alert_status",
        "alert_type",
        "created",
        "assignee",
    ];
    let options = TableOptions {
        headers: Some(headers.map(str::to_owned).to_vec()),
        ..TableOptions::default()
    };
    table_to_markdown_with(title, &Value::Array(alerts.to_vec()), &options).unwrap_or_default()
}

/// The entry of one alert.
fn alert_results(title: &str, alert: &Alert) -> CommandOutcome {
    let context = alert_context(alert);
    let readable = alert_table(title, std::slice::from_ref(&context));
    Ok(vec![
        CommandResults::new()
            .outputs(ALERT_PREFIX, &[ALERT_KEY], context)
            .readable_output(readable)
            .raw_response(alert.raw.clone())
            .into_entry()?,
    ])
}

/// A 404 as the message a playbook author wants.
pub(super) fn not_found(alert_id: &str) -> impl FnOnce(ClientError) -> CommandError + '_ {
    move |error| match error {
        ClientError::NotFound { .. } => CommandError::Config(format!(
            "alert {alert_id} not found; check the ID with helloworld-search-alerts"
        )),
        other => other.into(),
    }
}

fn required_text(args: &Map<String, Value>, name: &str) -> String {
    args.get(name)
        .map(crate::xsoar::pyjson::py_str)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

fn optional_text(args: &Map<String, Value>, name: &str) -> Option<String> {
    Some(required_text(args, name)).filter(|text| !text.is_empty())
}

fn get_alert(call: Call<'_>) -> HandlerFuture<'_> {
    Box::pin(async move {
        let alert_id = required_text(&call.args, "alert_id");
        let alert = client(&call)?
            .get_alert(&alert_id)
            .await
            .map_err(not_found(&alert_id))?;
        alert_results(&format!("HelloWorld Alert {alert_id}"), &alert)
    })
}

fn create_alert(call: Call<'_>) -> HandlerFuture<'_> {
    Box::pin(async move {
        let new = NewAlert {
            name: required_text(&call.args, "name"),
            severity: required_text(&call.args, "severity"),
            alert_type: required_text(&call.args, "alert_type"),
            description: optional_text(&call.args, "description"),
            source_ip: optional_text(&call.args, "source_ip"),
            user: optional_text(&call.args, "affected_user"),
            hostname: optional_text(&call.args, "hostname"),
            url: optional_text(&call.args, "related_url"),
        };
        let alert = client(&call)?.create_alert(&new).await?;
        alert_results(&format!("HelloWorld Alert {} created", alert.id), &alert)
    })
}

fn update_alert(call: Call<'_>) -> HandlerFuture<'_> {
    Box::pin(async move {
        let alert_id = required_text(&call.args, "alert_id");
        let update = AlertUpdate {
            status: optional_text(&call.args, "status"),
            severity: optional_text(&call.args, "severity"),
            assignee: optional_text(&call.args, "assignee")
                .map(|who| (!who.eq_ignore_ascii_case("none")).then_some(who)),
        };
        if update == AlertUpdate::default() {
            return Err(CommandError::Config(
                "give at least one of status, severity or assignee to change".to_owned(),
            ));
        }
        let alert = client(&call)?
            .update_alert(&alert_id, &update)
            .await
            .map_err(not_found(&alert_id))?;
        alert_results(&format!("HelloWorld Alert {alert_id} updated"), &alert)
    })
}

fn update_alert_status(call: Call<'_>) -> HandlerFuture<'_> {
    Box::pin(async move {
        let alert_id = required_text(&call.args, "alert_id");
        let update = AlertUpdate {
            status: optional_text(&call.args, "status"),
            ..AlertUpdate::default()
        };
        let alert = client(&call)?
            .update_alert(&alert_id, &update)
            .await
            .map_err(not_found(&alert_id))?;
        let context =
            json!({"alert_id": alert.id, "alert_status": alert.status, "updated": alert.updated});
        let options = TableOptions {
            headers: Some(vec![
                "alert_id".into(),
                "alert_status".into(),
                "updated".into(),
            ]),
            ..TableOptions::default()
        };
        let readable =
            table_to_markdown_with(&format!("HelloWorld Alert {alert_id}"), &context, &options)
                .unwrap_or_default();
        Ok(vec![
            CommandResults::new()
                .outputs(ALERT_PREFIX, &[ALERT_KEY], context)
                .readable_output(readable)
                .raw_response(alert.raw.clone())
                .into_entry()?,
        ])
    })
}

fn delete_alert(call: Call<'_>) -> HandlerFuture<'_> {
    Box::pin(async move {
        let alert_id = required_text(&call.args, "alert_id");
        client(&call)?
            .delete_alert(&alert_id)
            .await
            .map_err(not_found(&alert_id))?;
        Ok(vec![
            CommandResults::new()
                .readable_output(format!("Alert {alert_id} was deleted."))
                .into_entry()?,
        ])
    })
}
