//! The host behind `helloworld run` and `helloworld fetch`: in human mode each entry is printed
//! for a person as it arrives (readable output on stdout, error entries on stderr, file entries
//! saved to a folder). State lives in memory for the run, or, given a [`StateStore`], in the
//! instance's state database: last_run, the versioned context, the incidents and a log.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::recorder::{Recording, RecordingHost};
use super::store::{StateStore, new_run_id};
use super::{CallingContext, Host, HostError, LogLevel, VersionedContext};
use crate::xsoar::Entry;
use crate::xsoar::markdown::{TableOptions, table_to_markdown_with};

/// Writes `text` to stdout. A reader that closed the pipe (`| head`) chose to stop reading; that
/// is no failure of the command, so it is ignored rather than a panic as `print!` would make it.
pub fn print_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

/// [`print_stdout`] with a line break.
pub fn println_stdout(text: &str) {
    print_stdout(&format!("{text}\n"));
}

/// How the CLI host shows a run while it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Display {
    /// Print entries as they arrive (off for `--json`, which prints one document at the end).
    pub live: bool,
    /// Also print log lines on stderr.
    pub verbose: bool,
    /// Where file entries are saved.
    pub files_dir: PathBuf,
}

/// The host of a terminal run. Without a store its state is in memory; with one, the store is
/// the truth and the in-memory recording only feeds the `--json` document.
#[derive(Debug)]
pub struct CliHost {
    inner: RecordingHost,
    display: Display,
    store: Option<Arc<StateStore>>,
    run_id: String,
}

impl CliHost {
    /// A host for one run.
    pub fn new(calling: CallingContext, display: Display) -> Self {
        Self {
            inner: RecordingHost::new(calling),
            display,
            store: None,
            run_id: new_run_id(),
        }
    }

    /// Keeps the state in `store`: starts from its last_run and context, and writes back there.
    pub fn with_store(mut self, store: Arc<StateStore>) -> Result<Self, HostError> {
        let last_run = store.last_run()?;
        let context = store.integration_context()?.context;
        self.inner = self.inner.with_integration_context(context);
        // Before the first fetch there is no last_run, as in memory: `{}` when asked for.
        if last_run.as_object().is_none_or(|object| !object.is_empty()) {
            self.inner = self.inner.with_last_run(last_run);
        }
        self.store = Some(store);
        Ok(self)
    }

    /// The state database, when the run has one.
    pub fn store(&self) -> Option<Arc<StateStore>> {
        self.store.clone()
    }

    /// The id under which this run's incidents and log lines are stored.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// Starts from an existing integration context (a cached token of an earlier run).
    pub fn with_integration_context(mut self, context: Map<String, Value>) -> Self {
        self.inner = self.inner.with_integration_context(context);
        self
    }

    /// How this host shows the run.
    pub fn display(&self) -> &Display {
        &self.display
    }

    /// Starts from an earlier last_run, to continue a fetch.
    pub fn with_last_run(mut self, last_run: Value) -> Self {
        self.inner = self.inner.with_last_run(last_run);
        self
    }

    /// Everything the run did, for the JSON document.
    pub fn recording(&self) -> Recording {
        self.inner.recording()
    }

    fn show_incidents(&self, incidents: &[Value]) {
        if self.display.live {
            print_stdout(&incident_table(
                &format!("{} incident(s) fetched", incidents.len()),
                incidents,
            ));
        }
    }

    fn show(&self, entry: &Entry) -> Result<(), HostError> {
        if let Some(file) = entry.attached_file() {
            let name = entry
                .fields()
                .get("File")
                .and_then(Value::as_str)
                .unwrap_or(&file.file_id);
            let path = self.display.files_dir.join(name);
            std::fs::write(&path, &file.data)?;
            if self.display.live {
                println_stdout(&format!("Saved file {name} to {}", path.display()));
            }
            return Ok(());
        }
        if !self.display.live {
            return Ok(());
        }
        let text = entry.display_text();
        if entry.is_error() {
            eprintln!("{text}");
        } else if !text.is_empty() {
            println_stdout(text.trim_end_matches('\n'));
        }
        Ok(())
    }
}

/// The incidents as a person reads them: the id, the name, the severity, when it occurred.
fn incident_table(title: &str, incidents: &[Value]) -> String {
    let rows: Vec<Value> = incidents
        .iter()
        .map(|incident| {
            serde_json::json!({
                "id": incident["dbotMirrorId"],
                "name": incident["name"],
                "severity": incident["severity"],
                "occurred": incident["occurred"],
            })
        })
        .collect();
    let options = TableOptions {
        headers: Some(
            ["id", "name", "severity", "occurred"]
                .map(str::to_owned)
                .to_vec(),
        ),
        ..TableOptions::default()
    };
    table_to_markdown_with(title, &Value::Array(rows), &options).unwrap_or_default()
}

impl Host for CliHost {
    fn calling_context(&self) -> &CallingContext {
        self.inner.calling_context()
    }

    fn last_run(&self) -> Result<Value, HostError> {
        self.inner.last_run()
    }

    fn set_last_run(&self, last_run: &Value) -> Result<(), HostError> {
        if let Some(store) = &self.store {
            store.set_last_run(last_run)?;
        }
        self.inner.set_last_run(last_run)
    }

    fn integration_context(&self) -> Result<VersionedContext, HostError> {
        // Another process may have written since this run started: always read the store.
        match &self.store {
            Some(store) => store.integration_context(),
            None => self.inner.integration_context(),
        }
    }

    fn set_integration_context(
        &self,
        context: &Map<String, Value>,
        version: &Value,
    ) -> Result<(), HostError> {
        match &self.store {
            Some(store) => {
                store.set_integration_context(context, version)?;
                self.inner
                    .set_integration_context(context, &serde_json::json!(-1))
            }
            None => self.inner.set_integration_context(context, version),
        }
    }

    fn results(&self, entries: &[Entry]) -> Result<(), HostError> {
        for entry in entries {
            self.show(entry)?;
            if let Some(store) = &self.store {
                // The log keeps what the war room would show; a failed log write fails no run.
                let _ = store.log(&self.run_id, "entry", &entry.display_text());
            }
        }
        self.inner.results(entries)
    }

    fn incidents(&self, incidents: &[Value]) -> Result<(), HostError> {
        self.show_incidents(incidents);
        if let Some(store) = &self.store {
            store.add_incidents(&self.run_id, incidents)?;
        }
        self.inner.incidents(incidents)
    }

    fn commit_fetch(&self, incidents: &[Value], last_run: Option<&Value>) -> Result<(), HostError> {
        let Some(store) = &self.store else {
            self.incidents(incidents)?;
            return match last_run {
                Some(last_run) => self.set_last_run(last_run),
                None => Ok(()),
            };
        };
        // One transaction: a crash commits the run whole or not at all.
        store.commit_fetch(&self.run_id, incidents, last_run)?;
        self.show_incidents(incidents);
        self.inner.incidents(incidents)?;
        match last_run {
            Some(last_run) => self.inner.set_last_run(last_run),
            None => Ok(()),
        }
    }

    fn create_incidents(
        &self,
        incidents: &[Value],
        last_run: Option<&Value>,
    ) -> Result<(), HostError> {
        if self.display.live {
            println_stdout(&format!("{} incident(s) created", incidents.len()));
        }
        if let Some(store) = &self.store {
            // The long-running job calls this without end: with a database, the database is the
            // record, and keeping every incident in memory too would grow without bound.
            return store.commit_fetch(&self.run_id, incidents, last_run);
        }
        self.inner.create_incidents(incidents, last_run)
    }

    fn add_entry(&self, investigation_id: &str, entry: &Entry) -> Result<(), HostError> {
        self.show(entry)?;
        self.inner.add_entry(investigation_id, entry)
    }

    fn update_module_health(&self, message: &str, is_error: bool) -> Result<(), HostError> {
        if self.display.verbose {
            eprintln!(
                "module health{}: {message}",
                if is_error { " (error)" } else { "" }
            );
        }
        if let Some(store) = &self.store {
            let kind = if is_error { "health-error" } else { "health" };
            let _ = store.log(&self.run_id, kind, message);
        }
        self.inner.update_module_health(message, is_error)
    }

    fn log(&self, level: LogLevel, message: &str) {
        if self.display.verbose {
            eprintln!("[{}] {message}", level.as_str());
        }
        if let Some(store) = &self.store {
            // Logging never fails a command, so neither does a failed log write.
            let _ = store.log(&self.run_id, level.as_str(), message);
        }
        self.inner.log(level, message);
    }
}
