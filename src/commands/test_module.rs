//! `test-module`: the instance settings' Test button. It checks the Server URL, the API key and
//! the connection settings with one token request and one one-alert read, and answers `ok`.
//! With `isFetch` on, the fetch params are checked too, with a one-alert query of the fetch's
//! filters. XSOAR forbids the integration context here, so the token is not cached.

use chrono::Utc;

use super::connection::uncached_client;
use super::fetch::settings::FetchSettings;
use super::{Call, Command, HandlerFuture};
use crate::client::AlertFilter;
use crate::xsoar::Entry;
use crate::xsoar::args::arg_to_boolean;
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
        let client = uncached_client(&call)?;
        let fetching = call
            .params
            .get("isFetch")
            .is_some_and(|value| arg_to_boolean(Some(value)).unwrap_or(false));
        if fetching {
            // The fetch params are checked and tried with a one-alert query, as fetch would run it.
            let settings = FetchSettings::from_params(&call.params, Utc::now())?;
            let filter = AlertFilter {
                created_after: Some(
                    settings
                        .first_fetch
                        .format("%Y-%m-%dT%H:%M:%SZ")
                        .to_string(),
                ),
                limit: Some(1),
                ..settings.filters.alert_filter()
            };
            client.list_alerts(&filter).await?;
        } else {
            client.check().await?;
        }
        Ok(vec![Entry::text("ok")])
    })
}
