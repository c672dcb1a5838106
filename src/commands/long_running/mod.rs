//! `long-running-execution`: a push listener that turns the vendor's signed webhooks into
//! incidents as they arrive, and does not die. [`settings`] checks the params, [`verify`] the
//! signature and basic auth, [`listener`] is the HTTP side, [`supervisor`] keeps it up (its own
//! multi-thread runtime, rebinding with backoff, heartbeats), [`writer`] the host side (one
//! thread grouping pushes into createIncidents calls), [`dedup`] the bounded window of alert ids
//! already created.
//!
//! It ends only when asked to: SIGTERM or Ctrl-C, or the host going away (the bridge closed the
//! pipe). Then the listener stops accepting, answers the pushes in flight, the writer drains the
//! queue into the host, and the command returns. Every other failure (a taken port, a failing
//! host, a panic) is reported through module health and retried.

pub mod dedup;
pub mod listener;
pub mod settings;
pub mod supervisor;
pub mod verify;
pub mod writer;

use std::sync::mpsc::sync_channel;
use std::time::Duration;

use tokio::sync::watch;

use super::{Call, Command, CommandError, HandlerFuture};
use crate::host::Host;
use crate::xsoar::spec::CommandSpec;
use settings::ListenerSettings;
use writer::Work;

/// Pushes waiting for the host at most; beyond it the listener answers 503. The bytes those
/// pushes hold are bounded too ([`listener::MAX_QUEUED_BYTES`]).
pub const QUEUE_CAPACITY: usize = 1_024;
/// How often the job checks whether the host went away.
const HOST_CHECK_INTERVAL: Duration = Duration::from_millis(100);

/// The declaration and body of `long-running-execution`.
pub(super) const LONG_RUNNING_EXECUTION: Command = Command {
    spec: CommandSpec::new(
        "long-running-execution",
        "Listens for the vendor's signed alert pushes and creates an incident for each new alert, until the instance is stopped.",
    ),
    run: long_running_execution,
};

fn long_running_execution(call: Call<'_>) -> HandlerFuture<'_> {
    Box::pin(async move {
        let settings = ListenerSettings::from_params(&call.params)?;
        let host = call.host;
        let (queue, pending) = sync_channel::<Work>(QUEUE_CAPACITY);
        let (stop, _) = watch::channel(false);
        // Host calls block, and this future runs on a single-thread runtime: the writer, the
        // host watch and the listener get their own threads, and this one waits for them.
        let served = std::thread::scope(|scope| {
            let stop = &stop;
            let writer = scope.spawn(move || writer::run(host, &pending));
            scope.spawn(move || stop_when_host_goes_away(host, stop));
            let served = scope
                .spawn(move || supervisor::run(settings, queue, stop))
                .join()
                .unwrap_or_else(|_| Err("the listener supervisor panicked".to_owned()));
            stop.send_replace(true);
            // The writer ends once the listener dropped its queue and the queue is drained.
            let _ = writer.join();
            served
        });
        served.map_err(CommandError::Config)?;
        Ok(Vec::new())
    })
}

/// Asks the listener to stop once the host is gone: nothing it accepts could reach XSOAR.
fn stop_when_host_goes_away(host: &dyn Host, stop: &watch::Sender<bool>) {
    while !*stop.borrow() {
        if host.has_gone_away() {
            eprintln!("long-running-execution: the bridge closed the pipe; draining and exiting");
            stop.send_replace(true);
            return;
        }
        std::thread::sleep(HOST_CHECK_INTERVAL);
    }
}
