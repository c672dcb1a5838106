//! The `demisto` object: everything a command may ask of XSOAR, as the [`Host`] trait, and the
//! places those calls can go: the stdio bridge inside XSOAR ([`stdio`]), a person's terminal
//! ([`cli`], with its state in [`store`] when it runs an instance) and tests ([`recorder`]).
//! [`masked`] wraps any host so no secret leaves through it.
//! Hosts use the runtime model in `xsoar`; they know nothing of the vendor or of commands.

pub mod cli;
pub mod masked;
pub mod recorder;
pub mod stdio;
pub mod store;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::xsoar::Entry;

/// The brand XSOAR reports when the integration runs under its own name.
pub const DEFAULT_BRAND: &str = "HelloWorld";

/// The severity of a log line (`demisto.info`, `demisto.debug`, `demisto.error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    /// Detail for troubleshooting.
    Debug,
    /// Normal progress.
    Info,
    /// Something failed.
    Error,
}

impl LogLevel {
    /// The name XSOAR uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Debug => "debug",
            Self::Info => "info",
            Self::Error => "error",
        }
    }
}

/// One log line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogLine {
    /// How serious it is.
    pub level: LogLevel,
    /// What happened.
    pub message: String,
}

/// What XSOAR tells the integration about this run: the command, its args, the instance params
/// and the parts of `demisto.callingContext` that commands use.
#[derive(Debug, Clone, PartialEq)]
pub struct CallingContext {
    /// The command name, such as `helloworld-say-hello`.
    pub command: String,
    /// The command's arguments as XSOAR passes them (strings, or lists, numbers and booleans
    /// from playbooks).
    pub args: Map<String, Value>,
    /// The instance params.
    pub params: Map<String, Value>,
    /// `context.IntegrationBrand`: the vendor name in DBotScore.
    pub brand: String,
    /// `context.IntegrationInstance`.
    pub instance: String,
    /// `context.Inv.id`: where file entries are stored.
    pub investigation_id: String,
    /// `context.IsDebug`.
    pub is_debug: bool,
    /// `context.ParentEntry`: polling metadata on a scheduled re-run.
    pub parent_entry: Value,
}

impl CallingContext {
    /// A context for running `command` outside XSOAR.
    pub fn new(command: &str, args: Map<String, Value>, params: Map<String, Value>) -> Self {
        Self {
            command: command.to_owned(),
            args,
            params,
            brand: DEFAULT_BRAND.to_owned(),
            instance: "helloworld_instance_1".to_owned(),
            investigation_id: "local".to_owned(),
            is_debug: false,
            parent_entry: Value::Null,
        }
    }

    /// A context built from XSOAR's `callingContext['context']` dict. As `demisto.args()` does,
    /// `debug-mode` is dropped from the args in debug mode.
    pub fn from_xsoar(
        command: &str,
        mut args: Map<String, Value>,
        params: Map<String, Value>,
        context: &Map<String, Value>,
    ) -> Self {
        let text = |key: &str| {
            context
                .get(key)
                .and_then(Value::as_str)
                .filter(|text| !text.is_empty())
        };
        let is_debug = context
            .get("IsDebug")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if is_debug {
            args.remove("debug-mode");
        }
        let defaults = Self::new(command, args, params);
        Self {
            brand: text("IntegrationBrand").map_or(defaults.brand.clone(), str::to_owned),
            instance: text("IntegrationInstance").map_or(defaults.instance.clone(), str::to_owned),
            investigation_id: context
                .get("Inv")
                .and_then(|inv| inv.get("id"))
                .and_then(Value::as_str)
                .map_or(defaults.investigation_id.clone(), str::to_owned),
            is_debug,
            parent_entry: context.get("ParentEntry").cloned().unwrap_or(Value::Null),
            ..defaults
        }
    }
}

/// The integration context with the version it was read at, for compare-and-set writes.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionedContext {
    /// The stored key/value map (values are strings by XSOAR's rule).
    pub context: Map<String, Value>,
    /// Opaque: pass it back unchanged when writing. `-1` skips the check.
    pub version: Value,
}

/// Why a call to the host failed.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// The integration context changed since it was read; read it again and retry.
    #[error("the integration context was changed by another run (version conflict): {0}")]
    VersionConflict(String),
    /// XSOAR answered the call with an error.
    #[error("XSOAR rejected the call: {0}")]
    Rejected(String),
    /// The conversation with the bridge broke.
    #[error("host protocol error: {0}")]
    Protocol(String),
    /// Reading or writing failed.
    #[error("host I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// How a run ended, as the `done` message reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunStatus {
    /// The command finished and its entries were sent.
    Ok,
    /// The command failed and an error entry was sent.
    Error,
    /// The command failed where XSOAR expects an exception (fetch-incidents,
    /// long-running-execution): the bridge raises it.
    Exception(String),
}

/// Everything a command may ask of XSOAR. Implementations are shared across threads (the
/// long-running job calls them from several tasks), so every method takes `&self`.
pub trait Host: Send + Sync {
    /// The command, args, params and calling context of this run.
    fn calling_context(&self) -> &CallingContext;

    /// `demisto.getLastRun()`: `{}` before the first fetch.
    fn last_run(&self) -> Result<Value, HostError>;

    /// `demisto.setLastRun(value)`.
    fn set_last_run(&self, last_run: &Value) -> Result<(), HostError>;

    /// `demisto.getIntegrationContextVersioned(refresh=True)`.
    fn integration_context(&self) -> Result<VersionedContext, HostError>;

    /// `demisto.setIntegrationContextVersioned(context, version, sync=True)`: fails with
    /// [`HostError::VersionConflict`] when someone wrote since `version` was read.
    fn set_integration_context(
        &self,
        context: &Map<String, Value>,
        version: &Value,
    ) -> Result<(), HostError>;

    /// `demisto.results(entries)`.
    fn results(&self, entries: &[Entry]) -> Result<(), HostError>;

    /// `demisto.incidents(incidents)`: the incidents of a fetch run.
    fn incidents(&self, incidents: &[Value]) -> Result<(), HostError>;

    /// `demisto.createIncidents(incidents, lastRun)`: incidents from the long-running job.
    fn create_incidents(
        &self,
        incidents: &[Value],
        last_run: Option<&Value>,
    ) -> Result<(), HostError>;

    /// `demisto.addEntry(id, entry)`: an entry in another investigation's war room.
    fn add_entry(&self, investigation_id: &str, entry: &Entry) -> Result<(), HostError>;

    /// `demisto.updateModuleHealth(message, is_error)`.
    fn update_module_health(&self, message: &str, is_error: bool) -> Result<(), HostError>;

    /// `demisto.info/debug/error(message)`. Logging never fails a command.
    fn log(&self, level: LogLevel, message: &str);

    /// Commits a fetch run: the incidents and the new last_run (when it changed), together. The
    /// default sends the incidents first: if last_run then fails to be written, the next run
    /// fetches those alerts again (at least once) rather than never (at most once). Hosts with a
    /// database make it one transaction.
    fn commit_fetch(&self, incidents: &[Value], last_run: Option<&Value>) -> Result<(), HostError> {
        self.incidents(incidents)?;
        match last_run {
            Some(last_run) => self.set_last_run(last_run),
            None => Ok(()),
        }
    }

    /// Registers a secret learnt at run time (an access token), so that no output or log line
    /// of this run shows it. Only masking hosts act on it.
    fn add_secret(&self, _secret: &str) {}

    /// Tells the host the long-running job is alive and working, so that a bridge can tell a
    /// hung job from a quiet one. Hosts without a peer to tell ignore it.
    fn heartbeat(&self) -> Result<(), HostError> {
        Ok(())
    }

    /// Whether the host is gone for good (the bridge closed the pipe): nothing sent to it can
    /// arrive any more, so the long-running job drains and ends. Local hosts never go away.
    fn has_gone_away(&self) -> bool {
        false
    }
}
