//! ScheduledCommand: how a command asks XSOAR to run a command again later (built-in polling).
//! XSOAR never waits less than 10 seconds between runs, and the wire fields are strings.

use serde_json::{Map, Value, json};

/// XSOAR's shortest polling interval.
pub const MINIMUM_INTERVAL_SECONDS: u64 = 10;

/// A follow-up run of `command` with `args` in `next_run_in_seconds`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduledCommand {
    command: String,
    next_run_in_seconds: u64,
    requested_interval: u64,
    args: Map<String, Value>,
    timeout_in_seconds: Option<u64>,
    items_remaining: u64,
}

impl ScheduledCommand {
    /// Schedules `command`; an interval under 10 s is raised to 10 s, as XSOAR does.
    pub fn new(
        command: &str,
        next_run_in_seconds: u64,
        args: Map<String, Value>,
        timeout_in_seconds: Option<u64>,
    ) -> Self {
        Self {
            command: command.to_owned(),
            next_run_in_seconds: next_run_in_seconds.max(MINIMUM_INTERVAL_SECONDS),
            requested_interval: next_run_in_seconds,
            args,
            timeout_in_seconds,
            items_remaining: 0,
        }
    }

    /// How many items the polling still waits for.
    pub fn with_items_remaining(mut self, items_remaining: u64) -> Self {
        self.items_remaining = items_remaining;
        self
    }

    /// The command that will run.
    pub fn command(&self) -> &str {
        &self.command
    }

    /// Seconds until the next run, after clamping.
    pub fn next_run_in_seconds(&self) -> u64 {
        self.next_run_in_seconds
    }

    /// The arguments of the next run.
    pub fn args(&self) -> &Map<String, Value> {
        &self.args
    }

    /// Seconds after which XSOAR gives up polling.
    pub fn timeout_in_seconds(&self) -> Option<u64> {
        self.timeout_in_seconds
    }

    /// The line CommonServerPython logs at info level when it raised the interval.
    pub fn clamp_notice(&self) -> Option<String> {
        (self.requested_interval < MINIMUM_INTERVAL_SECONDS).then(|| {
            format!(
                "ScheduledCommandConfiguration provided value for next_run_in_seconds: {} is too low - \
                 minimum interval is 10 seconds. next_run_in_seconds was set to 10 seconds.",
                self.requested_interval
            )
        })
    }

    /// The fields added to the entry, in order: empty args are left out, `0` items remaining is
    /// kept, NextRun and Timeout are strings.
    pub fn entry_fields(&self) -> Map<String, Value> {
        let mut fields = Map::new();
        fields.insert("PollingCommand".into(), json!(self.command));
        fields.insert(
            "NextRun".into(),
            json!(self.next_run_in_seconds.to_string()),
        );
        if !self.args.is_empty() {
            fields.insert("PollingArgs".into(), Value::Object(self.args.clone()));
        }
        if let Some(timeout) = self.timeout_in_seconds {
            fields.insert("Timeout".into(), json!(timeout.to_string()));
        }
        fields.insert("PollingItemsRemaining".into(), json!(self.items_remaining));
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_4_1_fields_are_strings_in_order() {
        let mut args = Map::new();
        args.insert("scan_id".into(), json!("100"));
        args.insert("hide_polling_output".into(), json!(true));
        let scheduled = ScheduledCommand::new("helloworld-scan-status", 30, args, Some(600));
        assert_eq!(
            serde_json::to_string(&scheduled.entry_fields()).unwrap(),
            r#"{"PollingCommand":"helloworld-scan-status","NextRun":"30","PollingArgs":{"scan_id":"100","hide_polling_output":true},"Timeout":"600","PollingItemsRemaining":0}"#
        );
        assert_eq!(scheduled.clamp_notice(), None);
    }

    #[test]
    fn section_4_1_interval_is_clamped_to_ten_seconds() {
        let scheduled = ScheduledCommand::new("x", 3, Map::new(), None);
        assert_eq!(scheduled.next_run_in_seconds(), 10);
        assert_eq!(
            scheduled.clamp_notice().unwrap(),
            "ScheduledCommandConfiguration provided value for next_run_in_seconds: 3 is too low - minimum interval is 10 seconds. next_run_in_seconds was set to 10 seconds."
        );
        assert_eq!(
            serde_json::to_string(&scheduled.entry_fields()).unwrap(),
            r#"{"PollingCommand":"x","NextRun":"10","PollingItemsRemaining":0}"#
        );
    }
}
