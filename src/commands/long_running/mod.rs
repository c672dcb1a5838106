//! `long-running-execution`: a push listener that turns the vendor's signed webhooks into
//! incidents as they arrive, and does not die. [`settings`] checks the params, [`verify`] the
//! signature and basic auth, [`listener`] is the HTTP side (axum on its own multi-thread
//! runtime), [`writer`] the host side (one thread grouping pushes into createIncidents calls),
//! [`dedup`] the bounded window of alert ids already created.
//!
//! It ends only when SIGTERM or Ctrl-C arrives: the listener stops accepting, answers the pushes
//! in flight, the writer drains the queue into the host, and the command returns. A bind failure
//! (the port is taken) is reported through module health and fails the command, because no
//! amount of waiting makes a wrong port right.

pub mod dedup;
pub mod listener;
pub mod settings;
pub mod verify;
pub mod writer;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::mpsc::{SyncSender, sync_channel};

use super::{Call, Command, CommandError, HandlerFuture};
use crate::xsoar::spec::CommandSpec;
use listener::{App, PANIC_HOOK_ENV};
use settings::ListenerSettings;
use writer::Work;

/// Pushes waiting for the host at most; beyond it the listener answers 503 (memory stays bounded).
pub const QUEUE_CAPACITY: usize = 1_024;

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
        // Host calls block, and this future runs on a single-thread runtime: both sides get
        // their own threads and this one waits for them.
        let served = std::thread::scope(|scope| {
            let writer = scope.spawn(move || writer::run(host, &pending));
            let listener = scope.spawn(move || serve(settings, queue));
            let served = listener
                .join()
                .unwrap_or_else(|_| Err("the listener thread panicked".to_owned()));
            // The writer ends once the listener dropped its queue and the queue is drained.
            let _ = writer.join();
            served
        });
        served.map_err(CommandError::Config)?;
        Ok(Vec::new())
    })
}

/// Runs the HTTP listener until SIGTERM or Ctrl-C, then lets the pushes in flight finish.
fn serve(settings: ListenerSettings, queue: SyncSender<Work>) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the listener runtime: {error}"))?;
    let port = settings.port;
    let notice = queue.clone();
    let app = Arc::new(App {
        settings,
        queue,
        panic_alert_id: std::env::var(PANIC_HOOK_ENV).ok(),
    });
    let result = runtime.block_on(async move {
        // 0.0.0.0: XSOAR reaches the container through its port mapping or the server's
        // /instance/execute route; a reverse proxy or firewall decides who may connect.
        let address = SocketAddr::from(([0, 0, 0, 0], port));
        let tcp = match tokio::net::TcpListener::bind(address).await {
            Ok(tcp) => tcp,
            Err(error) => {
                let message = format!(
                    "long-running-execution: cannot listen on port {port}: {error}; choose a free port for the instance"
                );
                let _ = notice.send(Work::Notice {
                    message: message.clone(),
                    is_error: true,
                });
                return Err(message);
            }
        };
        let _ = notice.send(Work::Notice {
            message: format!("long-running-execution: listening on port {port}"),
            is_error: false,
        });
        drop(notice);
        axum::serve(tcp, listener::router(app))
            .with_graceful_shutdown(stop_requested())
            .await
            .map_err(|error| format!("the listener failed: {error}"))
    });
    // Dropping the runtime drops the last queue sender, which lets the writer drain and end.
    drop(runtime);
    result
}

/// SIGTERM (XSOAR stopping the container) or Ctrl-C (a person running it locally).
async fn stop_requested() {
    #[cfg(unix)]
    {
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = terminate => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
