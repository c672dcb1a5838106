//! `test-module`: the instance settings' Test button. It checks the Server URL, the API key and
//! the connection settings with one token request and one one-alert read, and answers `ok`.
//! XSOAR forbids the integration context here, so the token is not cached.

use super::connection::uncached_client;
use super::{Call, Command, HandlerFuture};
use crate::xsoar::Entry;
use crate::xsoar::spec::CommandSpec;

/// The declaration and body of `test-module`.
pub(super) const TEST_MODULE: Command = Command {
    spec: CommandSpec::new(
        "test-module",
        "Tests the connection: the Server URL, the API key and the proxy and certificate settings.",
    ),
    run,
};

fn run(call: Call<'_>) -> HandlerFuture<'_> {
    Box::pin(async move {
        uncached_client(&call)?.check().await?;
        Ok(vec![Entry::text("ok")])
    })
}
