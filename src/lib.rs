//! HelloWorld for Cortex XSOAR, in Rust: one binary that implements the integration's commands
//! and runs them inside XSOAR (through a small Python bridge) or on a laptop.
//!
//! The code is a set of rooms whose doors open one way:
//! - [`xsoar`]: the runtime model (entries, DT keys, tableToMarkdown, indicators, polling, args,
//!   secret masking, declarations). Knows nothing of the vendor.
//! - [`client`]: the vendor API. Knows nothing of XSOAR.
//! - [`commands`]: the single table of commands; each maps XSOAR inputs to client calls and
//!   client results to entries. Start reading at [`commands::COMMANDS`].
//! - [`host`]: where `demisto.*` calls go: the stdio bridge, the terminal (with an instance's
//!   state in an SQLite file), or a test recorder.
//! - [`sim`]: the vendor simulator. Integration code never imports it.
//! - [`cli`]: the command line that wires these together.

pub mod cli;
pub mod client;
pub mod commands;
pub mod host;
pub mod sim;
pub mod xsoar;
