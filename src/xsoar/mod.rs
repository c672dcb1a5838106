//! The XSOAR runtime model, as CommonServerPython defines it: entries, DT keys, tableToMarkdown,
//! DBotScore and indicators, ScheduledCommand, the argument helpers, secret masking and the
//! command/param declarations, and the content items a pack ships around an integration. It
//! knows nothing of the vendor, and nothing of where entries go.
//! Every behaviour is pinned by golden tests named after the section of
//! `shared/reference/xsoar-runtime.md` that states it.

pub mod args;
pub mod content;
pub mod context_key;
pub mod entry;
pub mod indicator;
pub mod manifest;
pub mod markdown;
pub mod pyjson;
mod relative_date;
pub mod results;
pub mod scheduled;
pub mod secrets;
pub mod spec;

pub use entry::{Entry, EntryFormat, EntryType, FileKind};
pub use results::{CommandResults, ResultsError};
pub use scheduled::ScheduledCommand;
