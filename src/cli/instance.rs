//! The flags every instance-bound mode shares (`run`, `fetch`, `incidents`, `context`,
//! `config check`): where the params come from and where the instance's state database is.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use super::UsageError;
use super::params::{Instance, resolve_instance};
use crate::host::store::{StateStore, default_path};

/// The instance name when the config file gives none, as XSOAR names a first instance.
pub(super) const DEFAULT_INSTANCE: &str = "helloworld_instance_1";

/// Which instance, with which params and which state.
#[derive(Debug, Args)]
pub(super) struct InstanceArgs {
    /// An instance param as NAME=VALUE; overrides HELLOWORLD_<NAME> and --config. Repeatable.
    #[arg(short, long = "param", value_name = "NAME=VALUE")]
    pub(super) params: Vec<String>,
    /// A TOML file with an [instance] section: name, api_key_file and a params table.
    #[arg(long, value_name = "FILE")]
    pub(super) config: Option<PathBuf>,
    /// The instance's state database (last_run, integration context, incidents, log).
    /// Default: $XDG_STATE_HOME/helloworld/<instance>.sqlite (~/.local/state when unset).
    #[arg(long, value_name = "PATH")]
    pub(super) state: Option<PathBuf>,
}

impl InstanceArgs {
    /// The instance's name and params.
    pub(super) fn resolve(&self) -> Result<Instance, UsageError> {
        resolve_instance(&self.params, self.config.as_deref(), |name| {
            std::env::var(name).ok()
        })
    }

    /// The state file of `instance`.
    pub(super) fn state_path(&self, instance: &Instance) -> PathBuf {
        self.state
            .clone()
            .unwrap_or_else(|| default_path(instance.name.as_deref().unwrap_or(DEFAULT_INSTANCE)))
    }

    /// Opens (creating when missing) the state database, for modes that run commands.
    pub(super) fn open_state(&self, instance: &Instance) -> Result<Arc<StateStore>, UsageError> {
        StateStore::open(&self.state_path(instance))
            .map(Arc::new)
            .map_err(|error| UsageError::new(error.to_string()))
    }

    /// Opens an existing state database, for modes that only read it.
    pub(super) fn existing_state(&self, instance: &Instance) -> Result<StateStore, UsageError> {
        StateStore::open_existing(&self.state_path(instance))
            .map_err(|error| UsageError::new(error.to_string()))
    }
}
