//! The one integration-test binary: the `helloworld` executable driven as a user or XSOAR
//! would drive it. Each module is one area.

// Helpers outside #[test] functions unwrap too: a test should fail loudly, not handle errors.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test on unexpected errors"
)]

mod architecture; // the one-way doors between the rooms of src/
mod cli_run; // `helloworld run`: output, --json document, exit statuses, bad input
mod host_protocol; // `helloworld xsoar` as a child process, answered by a fake bridge
mod secrets; // no secret reaches output, logs or errors
mod sim_alerts; // the simulator's /api/v2/alerts routes over real HTTP
mod support; // spawning the binary and reading what it says
