//! The one integration-test binary: the `helloworld` executable driven as a user or XSOAR
//! would drive it. Each module is one area.

// Helpers outside #[test] functions unwrap too: a test should fail loudly, not handle errors.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test on unexpected errors"
)]

mod alert_commands; // the alert commands in-process against the simulator: CRUD, notes, errors, paging
mod architecture; // the one-way doors between the rooms of src/
mod bridge; // the Python bridge under python3 with a recording fake demisto, real and fake binaries
mod cli_run; // `helloworld run`: output, --json document, exit statuses, bad input
mod client_sim; // the client and test-module against the simulator: token reuse and refresh
mod client_wiremock; // the vendor client against wiremock: tokens, retries, errors, proxy
mod content_pack; // `helloworld pack`: the tree, --force, drift from integration.yml, mapper vs fetched rawJSON
mod fetch_model; // fetch-incidents against random streams, faults and clock steps: exactly once
mod fetch_reliability; // fetch-incidents item by item of the B14 reliability list
mod host_protocol; // `helloworld xsoar` as a child process, answered by a fake bridge
mod local_host; // the local host: instances from a config, the SQLite state, fetch, incidents, context
mod long_running; // long-running-execution as a process, pushed to over loopback HTTP
mod long_running_bridge; // long-running-execution behind the host protocol, this test as the bridge
mod manifest; // integration.yml, the README reference, the Dockerfile and the bridge agree with the code
mod reputation; // ip, domain and url: goldens, DBotScore, input order, retries, concurrency
mod scan_commands; // scan start/status/results: built-in polling, GenericPolling, files, the binary
mod secrets; // no secret reaches output, logs or errors
mod sim_alerts; // the simulator's /api/v2/alerts routes over real HTTP
mod sim_auth; // the simulator's tokens: issue, expiry, invalid and missing
mod sim_classic; // the simulator's classic /api/v1 routes, as the classic integration calls them
mod sim_contract; // the simulator serves exactly api/openapi.yaml; `sim` and `demo` as processes
mod sim_faults; // rate limits, failures, garbage bodies, late visibility
mod sim_reputation; // the simulator's reputation routes: facts, stability, 404s and 400s
mod sim_scans; // the simulator's scan routes: running, complete, failed, report
mod sim_webhook; // live alerts pushed to a real subscriber, signed, retried until accepted
mod support; // spawning the binary and reading what it says
