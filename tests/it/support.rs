//! Helpers shared by the integration tests: run the binary, capture what it prints.

use std::process::{Command, Output};

/// The `helloworld` binary Cargo built for these tests, with no HELLOWORLD_* variables
/// inherited from the machine, so each test states its own params.
pub(crate) fn helloworld() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_helloworld"));
    for (name, _) in std::env::vars() {
        if name.starts_with("HELLOWORLD_") {
            command.env_remove(name);
        }
    }
    command
}

/// What one run printed, and how it exited.
pub(crate) struct Run {
    pub(crate) status: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// Runs `helloworld` with `args` and collects its output.
pub(crate) fn run(args: &[&str]) -> Run {
    run_with(helloworld().args(args))
}

/// Runs a prepared command and collects its output.
pub(crate) fn run_with(command: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("the helloworld binary runs");
    let run = Run {
        status: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "the binary panicked:\n{}",
        run.stderr
    );
    run
}
