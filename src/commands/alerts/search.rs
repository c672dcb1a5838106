//! `helloworld-search-alerts`: one page of alerts with filters, and the token of the next page,
//! so a playbook can page through a search with `next_token`.

use serde_json::{Map, Value, json};

use super::{ALERT_OUTPUTS, ALERT_PREFIX, SEVERITIES, STATUSES, alert_context, alert_table};
use crate::client::AlertFilter;
use crate::commands::connection::client;
use crate::commands::{Call, Command, CommandError, HandlerFuture};
use crate::xsoar::CommandResults;
use crate::xsoar::args::{arg_to_datetime, arg_to_number, arg_to_string_list};
use crate::xsoar::context_key::dt_key;
use crate::xsoar::spec::{ArgSpec, CommandSpec, OutputSpec, OutputType};

const SEARCH_OUTPUTS: &[OutputSpec] = &[
    ALERT_OUTPUTS[0],
    ALERT_OUTPUTS[1],
    ALERT_OUTPUTS[2],
    ALERT_OUTPUTS[3],
    ALERT_OUTPUTS[4],
    ALERT_OUTPUTS[5],
    ALERT_OUTPUTS[6],
    ALERT_OUTPUTS[7],
    ALERT_OUTPUTS[8],
    OutputSpec::new(
        "HelloWorld.AlertPage.next_token",
        OutputType::String,
        "Pass it as next_token to get the next page; empty on the last page.",
    ),
];

/// The declaration and body of `helloworld-search-alerts`.
pub(in crate::commands) const SEARCH_ALERTS: Command = Command {
    spec: CommandSpec {
        args: &[
            ArgSpec::new("severity", "Severities to include (all by default).")
                .predefined(SEVERITIES)
                .is_array(),
            ArgSpec::new("status", "ACTIVE or CLOSED (both by default).").predefined(STATUSES),
            ArgSpec::new(
                "alert_type",
                "Alert types to include, comma-separated, such as Bug,Attack.",
            )
            .is_array(),
            ArgSpec::new("max_results", "How many alerts per page, 1 to 1000.").default_value("10"),
            ArgSpec::new(
                "start_time",
                "Only alerts created at or after this: \"3 days\", \"2019-10-10T12:22:00\", epoch seconds.",
            ),
            ArgSpec::new(
                "next_token",
                "The next_token of the previous page, to continue a search.",
            ),
        ],
        outputs: SEARCH_OUTPUTS,
        ..CommandSpec::new(
            "helloworld-search-alerts",
            "Searches alerts, one page at a time, oldest first.",
        )
    },
    run: search_alerts,
};

fn search_alerts(call: Call<'_>) -> HandlerFuture<'_> {
    Box::pin(async move {
        let filter = filter(&call.args)?;
        let page = client(&call)?.list_alerts(&filter).await?;
        let alerts: Vec<Value> = page.alerts.iter().map(alert_context).collect();
        let raw: Vec<Value> = page.alerts.iter().map(|alert| alert.raw.clone()).collect();
        let mut readable = alert_table(&format!("HelloWorld alerts ({})", alerts.len()), &alerts);
        if let Some(token) = &page.next_cursor {
            readable.push_str(&format!(
                "\nMore alerts match: run again with next_token=\"{token}\"\n"
            ));
        }
        let mut outputs = Map::new();
        outputs.insert(dt_key(ALERT_PREFIX, &["alert_id"]), Value::Array(alerts));
        // `(true)` replaces the previous page's token instead of piling tokens up.
        outputs.insert(
            "HelloWorld.AlertPage(true)".to_owned(),
            json!({"next_token": page.next_cursor.unwrap_or_default()}),
        );
        Ok(vec![
            CommandResults::new()
                .unprefixed_outputs(outputs)
                .readable_output(readable)
                .raw_response(Value::Array(raw))
                .into_entry()?,
        ])
    })
}

fn filter(args: &Map<String, Value>) -> Result<AlertFilter, CommandError> {
    let limit = arg_to_number(args.get("max_results"), Some("max_results"), false)?.unwrap_or(10);
    if !(1..=1000).contains(&limit) {
        return Err(CommandError::Config(format!(
            "max_results is {limit}; use 1 to 1000 and page with next_token"
        )));
    }
    let start_time = arg_to_datetime(args.get("start_time"), Some("start_time"), false)?;
    Ok(AlertFilter {
        status: args
            .get("status")
            .and_then(Value::as_str)
            .filter(|status| !status.is_empty())
            .map(str::to_owned),
        severities: arg_to_string_list(args.get("severity"))
            .into_iter()
            .filter(|item| !item.is_empty())
            .collect(),
        types: arg_to_string_list(args.get("alert_type"))
            .into_iter()
            .filter(|item| !item.is_empty())
            .collect(),
        created_after: start_time.map(|time| time.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        limit: u32::try_from(limit).ok(),
        cursor: args
            .get("next_token")
            .and_then(Value::as_str)
            .filter(|token| !token.is_empty())
            .map(str::to_owned),
        ..AlertFilter::default()
    })
}
