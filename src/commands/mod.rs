//! The commands: each declared once ([`Command`]: its XSOAR spec plus the function that runs
//! it) in the single table [`COMMANDS`]. A command maps XSOAR inputs to client calls and client
//! results to entries; it never prints and never talks to XSOAR except through its [`Call`].
//! Adding a command is one file here and one line in [`COMMANDS`].

mod alerts;
pub mod connection;
mod dispatch;
pub mod fetch;
pub mod long_running;
pub mod pack;
pub mod params;
mod reputation;
mod say_hello;
mod scans;
mod test_module;

use std::future::Future;
use std::pin::Pin;

use serde_json::{Map, Value};

pub use dispatch::execute;

use crate::host::{Host, HostError};
use crate::xsoar::args::ArgError;
use crate::xsoar::manifest::Identity;
use crate::xsoar::pyjson::py_str;
use crate::xsoar::spec::{CommandSpec, InvalidArgument};
use crate::xsoar::{Entry, ResultsError};

/// Every command the integration implements, in the order the yml and README list them.
pub static COMMANDS: &[Command] = &[
    test_module::TEST_MODULE,
    fetch::FETCH_INCIDENTS,
    long_running::LONG_RUNNING_EXECUTION,
    say_hello::SAY_HELLO,
    reputation::IP,
    reputation::DOMAIN,
    reputation::URL,
    alerts::SEARCH_ALERTS,
    alerts::GET_ALERT,
    alerts::CREATE_ALERT,
    alerts::UPDATE_ALERT,
    alerts::UPDATE_ALERT_STATUS,
    alerts::DELETE_ALERT,
    alerts::LIST_ALERT_NOTES,
    alerts::ADD_ALERT_NOTE,
    scans::SCAN_START,
    scans::SCAN_STATUS,
    scans::SCAN_RESULTS,
];

/// Who the integration is, for `integration.yml`.
pub const IDENTITY: Identity = Identity {
    id: "HelloWorldRust",
    display: "HelloWorld (Rust)",
    category: "Utilities",
    description: "HelloWorld alerts as incidents, exactly once; IP, domain and URL reputation; alert management and host scans. A native binary behind a small Python bridge.",
    detailed_description: include_str!("../../helloworld_description.md"),
    // Marketplace images live under demisto/; docker/Dockerfile builds this tag.
    docker_image: concat!("demisto/helloworld-rust:", env!("CARGO_PKG_VERSION")),
    from_version: "6.10.0",
};

/// The Python bridge XSOAR runs, embedded into `integration.yml`.
pub const BRIDGE_SCRIPT: &str = include_str!("../../bridge/helloworld_bridge.py");

/// The declarations of every command, in table order.
pub fn specs() -> Vec<CommandSpec> {
    COMMANDS.iter().map(|command| command.spec).collect()
}

/// Commands XSOAR runs itself rather than a person: a failure there raises instead of writing
/// an error entry, as CommonServerPython's `return_error` does.
pub const SERVER_HANDLED_COMMANDS: [&str; 4] = [
    "fetch-incidents",
    "fetch-credentials",
    "long-running-execution",
    "fetch-indicators",
];

/// The command called `name`.
pub fn find(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|command| command.spec.name == name)
}

/// What a command body returns: its entries, or why it failed.
pub type CommandOutcome = Result<Vec<Entry>, CommandError>;

/// The future a command body returns; boxed so that the table can hold plain function pointers.
pub type HandlerFuture<'a> = Pin<Box<dyn Future<Output = CommandOutcome> + Send + 'a>>;

/// A command body.
pub type Handler = for<'a> fn(Call<'a>) -> HandlerFuture<'a>;

/// A command: its declaration and its body.
#[derive(Clone, Copy)]
pub struct Command {
    /// Name, description, arguments and outputs, as XSOAR sees them.
    pub spec: CommandSpec,
    /// The body.
    pub run: Handler,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Command")
            .field("name", &self.spec.name)
            .finish_non_exhaustive()
    }
}

/// One run of a command, as its body sees it: arguments already checked against the
/// declaration and completed with defaults, params completed with defaults, and the host.
pub struct Call<'a> {
    /// The checked arguments.
    pub args: Map<String, Value>,
    /// The instance params, declared defaults filled in.
    pub params: Map<String, Value>,
    /// Where `demisto.*` calls go (already masking secrets).
    pub host: &'a dyn Host,
}

impl Call<'_> {
    /// The integration brand, for DBotScore's Vendor.
    pub fn brand(&self) -> &str {
        &self.host.calling_context().brand
    }

    /// An argument as text (Python's `str()` of what XSOAR passed), `None` when absent.
    pub fn arg_text(&self, name: &str) -> Option<String> {
        self.args
            .get(name)
            .filter(|value| !value.is_null())
            .map(py_str)
    }
}

/// Why a command failed. Each message says what was wrong and, where it can, how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// An argument does not fit the command's declaration.
    #[error(transparent)]
    InvalidArgument(#[from] InvalidArgument),
    /// An argument helper refused a value.
    #[error(transparent)]
    Arg(#[from] ArgError),
    /// The results could not become an entry (a bug in the command).
    #[error("internal error, please report it: {0}")]
    Results(#[from] ResultsError),
    /// XSOAR could not be reached or refused a call.
    #[error(transparent)]
    Host(#[from] HostError),
    /// The command is not one this integration implements.
    #[error("Command {0} is not implemented")]
    NotImplemented(String),
    /// A param cannot be used; the message says which and how to fix it.
    #[error("{0}")]
    Config(String),
    /// The vendor call failed.
    #[error(transparent)]
    Client(#[from] crate::client::ClientError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_declaration_is_sound() {
        let problems = crate::xsoar::spec::declaration_problems("helloworld", &specs());
        assert!(
            problems.is_empty(),
            "broken declarations:\n{}",
            problems.join("\n")
        );
    }

    #[test]
    fn find_knows_every_command_and_nothing_else() {
        for command in COMMANDS {
            assert_eq!(
                find(command.spec.name).map(|found| found.spec.name),
                Some(command.spec.name)
            );
        }
        assert!(find("helloworld-no-such-command").is_none());
    }
}
