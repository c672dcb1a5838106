//! The in-memory host: it keeps last_run and a versioned integration context, and records every
//! entry, incident, log line and health report, for tests to read back and for the CLI host to
//! build on. Nothing is printed and nothing touches the disk.

use std::sync::{Mutex, MutexGuard};

use serde_json::{Map, Value, json};

use super::{CallingContext, Host, HostError, LogLevel, LogLine, VersionedContext};
use crate::xsoar::Entry;

/// Everything a run did, as recorded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recording {
    /// `results` entries, in order.
    pub entries: Vec<Entry>,
    /// The incidents of `incidents` calls, `None` when the command never called it.
    pub incidents: Option<Vec<Value>>,
    /// Incidents from `createIncidents`, in order.
    pub created_incidents: Vec<Value>,
    /// The last_run, `None` until one is set or given.
    pub last_run: Option<Value>,
    /// The integration context.
    pub integration_context: Map<String, Value>,
    /// How many times the context was written; the version compare-and-set checks.
    pub context_version: u64,
    /// Log lines, in order.
    pub logs: Vec<LogLine>,
    /// `updateModuleHealth` reports: message and whether it was an error.
    pub module_health: Vec<(String, bool)>,
    /// `addEntry` calls: investigation id and entry.
    pub added_entries: Vec<(String, Entry)>,
}

/// A host that remembers everything in memory.
#[derive(Debug)]
pub struct RecordingHost {
    calling: CallingContext,
    state: Mutex<Recording>,
}

impl RecordingHost {
    /// A host for one run described by `calling`.
    pub fn new(calling: CallingContext) -> Self {
        Self {
            calling,
            state: Mutex::new(Recording::default()),
        }
    }

    /// Starts from an earlier last_run, as the next scheduled fetch would.
    pub fn with_last_run(self, last_run: Value) -> Self {
        self.state().last_run = Some(last_run);
        self
    }

    /// Starts from an existing integration context.
    pub fn with_integration_context(self, context: Map<String, Value>) -> Self {
        self.state().integration_context = context;
        self
    }

    /// A copy of what has been recorded so far.
    pub fn recording(&self) -> Recording {
        self.state().clone()
    }

    /// The entries sent so far.
    pub fn entries(&self) -> Vec<Entry> {
        self.state().entries.clone()
    }

    /// The log lines so far.
    pub fn logs(&self) -> Vec<LogLine> {
        self.state().logs.clone()
    }

    fn state(&self) -> MutexGuard<'_, Recording> {
        // A panic elsewhere while holding the lock leaves plain data behind; keep recording.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Host for RecordingHost {
    fn calling_context(&self) -> &CallingContext {
        &self.calling
    }

    fn last_run(&self) -> Result<Value, HostError> {
        Ok(self.state().last_run.clone().unwrap_or_else(|| json!({})))
    }

    fn set_last_run(&self, last_run: &Value) -> Result<(), HostError> {
        self.state().last_run = Some(last_run.clone());
        Ok(())
    }

    fn integration_context(&self) -> Result<VersionedContext, HostError> {
        let state = self.state();
        Ok(VersionedContext {
            context: state.integration_context.clone(),
            version: json!(state.context_version),
        })
    }

    fn set_integration_context(
        &self,
        context: &Map<String, Value>,
        version: &Value,
    ) -> Result<(), HostError> {
        let mut state = self.state();
        let unchecked = version.as_i64() == Some(-1);
        if !unchecked && version.as_u64() != Some(state.context_version) {
            return Err(HostError::VersionConflict(format!(
                "written at version {version}, but the context is at version {}",
                state.context_version
            )));
        }
        state.integration_context = context.clone();
        state.context_version += 1;
        Ok(())
    }

    fn results(&self, entries: &[Entry]) -> Result<(), HostError> {
        self.state().entries.extend_from_slice(entries);
        Ok(())
    }

    fn incidents(&self, incidents: &[Value]) -> Result<(), HostError> {
        self.state()
            .incidents
            .get_or_insert_with(Vec::new)
            .extend_from_slice(incidents);
        Ok(())
    }

    fn create_incidents(
        &self,
        incidents: &[Value],
        last_run: Option<&Value>,
    ) -> Result<(), HostError> {
        let mut state = self.state();
        state.created_incidents.extend_from_slice(incidents);
        if let Some(last_run) = last_run {
            state.last_run = Some(last_run.clone());
        }
        Ok(())
    }

    fn add_entry(&self, investigation_id: &str, entry: &Entry) -> Result<(), HostError> {
        self.state()
            .added_entries
            .push((investigation_id.to_owned(), entry.clone()));
        Ok(())
    }

    fn update_module_health(&self, message: &str, is_error: bool) -> Result<(), HostError> {
        self.state()
            .module_health
            .push((message.to_owned(), is_error));
        Ok(())
    }

    fn log(&self, level: LogLevel, message: &str) {
        self.state().logs.push(LogLine {
            level,
            message: message.to_owned(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host() -> RecordingHost {
        RecordingHost::new(CallingContext::new(
            "fetch-incidents",
            Map::new(),
            Map::new(),
        ))
    }

    #[test]
    fn section_5_1_last_run_starts_empty() {
        assert_eq!(host().last_run().unwrap(), json!({}));
        let host = host().with_last_run(json!({"time": "x"}));
        assert_eq!(host.last_run().unwrap(), json!({"time": "x"}));
    }

    #[test]
    fn section_6_context_writes_are_compare_and_set() {
        let host = host();
        let first = host.integration_context().unwrap();
        let mut context = Map::new();
        context.insert("access_token".into(), json!("a"));
        host.set_integration_context(&context, &first.version)
            .unwrap();
        let stale = host
            .set_integration_context(&context, &first.version)
            .unwrap_err();
        assert!(matches!(stale, HostError::VersionConflict(_)));
        host.set_integration_context(&Map::new(), &json!(-1))
            .unwrap();
        assert_eq!(host.integration_context().unwrap().version, json!(2));
    }
}
