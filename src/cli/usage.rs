//! The error of an invocation that cannot run at all: it says what was wrong and how to write
//! it instead, and ends the process with exit status 2.

/// A wrong invocation of the `helloworld` binary itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct UsageError {
    message: String,
}

impl UsageError {
    /// A usage error with a message that says how to fix it.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}
