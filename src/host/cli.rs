//! The host behind `helloworld run`: state lives in memory for the length of the run (a later
//! issue persists it), and in human mode each entry is printed for a person as it arrives:
//! readable output on stdout, error entries on stderr, file entries saved to a folder.

use std::io::Write;
use std::path::PathBuf;

use serde_json::{Map, Value};

use super::recorder::{Recording, RecordingHost};
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

/// The in-memory host of a terminal run.
#[derive(Debug)]
pub struct CliHost {
    inner: RecordingHost,
    display: Display,
}

impl CliHost {
    /// A host for one run.
    pub fn new(calling: CallingContext, display: Display) -> Self {
        Self {
            inner: RecordingHost::new(calling),
            display,
        }
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
        self.inner.set_last_run(last_run)
    }

    fn integration_context(&self) -> Result<VersionedContext, HostError> {
        self.inner.integration_context()
    }

    fn set_integration_context(
        &self,
        context: &Map<String, Value>,
        version: &Value,
    ) -> Result<(), HostError> {
        self.inner.set_integration_context(context, version)
    }

    fn results(&self, entries: &[Entry]) -> Result<(), HostError> {
        for entry in entries {
            self.show(entry)?;
        }
        self.inner.results(entries)
    }

    fn incidents(&self, incidents: &[Value]) -> Result<(), HostError> {
        if self.display.live {
            print_stdout(&incident_table(
                &format!("{} incident(s) fetched", incidents.len()),
                incidents,
            ));
        }
        self.inner.incidents(incidents)
    }

    fn create_incidents(
        &self,
        incidents: &[Value],
        last_run: Option<&Value>,
    ) -> Result<(), HostError> {
        if self.display.live {
            println_stdout(&format!("{} incident(s) created", incidents.len()));
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
        self.inner.update_module_health(message, is_error)
    }

    fn log(&self, level: LogLevel, message: &str) {
        if self.display.verbose {
            eprintln!("[{}] {message}", level.as_str());
        }
        self.inner.log(level, message);
    }
}
