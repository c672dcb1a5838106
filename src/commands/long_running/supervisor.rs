//! Keeps the listener up. It binds the port and serves; when binding fails (the port is taken)
//! or the server task fails or panics, it reports the failure through module health, waits with
//! a growing backoff and starts again, and reports the recovery. A heartbeat goes to the host
//! every [`HEARTBEAT_INTERVAL`] from the same runtime that serves pushes, so a wedged runtime
//! falls silent and the bridge notices. Only the stop signal (SIGTERM, Ctrl-C, the host going
//! away) ends it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::mpsc::SyncSender;
use std::time::Duration;

use tokio::sync::{Semaphore, watch};

use super::listener::{self, App, MAX_QUEUED_BYTES, PANIC_HOOK_ENV};
use super::settings::ListenerSettings;
use super::writer::{Work, notice};

/// How often the job tells the host it is alive.
pub const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(10);
/// The first wait after a failure; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Serves until `stop` turns true. Fails only when no runtime can be started at all.
pub fn run(
    settings: ListenerSettings,
    queue: SyncSender<Work>,
    stop: &watch::Sender<bool>,
) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the listener runtime: {error}"))?;
    let port = settings.port;
    let app = Arc::new(App {
        settings,
        queue,
        budget: Arc::new(Semaphore::new(MAX_QUEUED_BYTES)),
        panic_alert_id: std::env::var(PANIC_HOOK_ENV).ok(),
    });
    runtime.block_on(async {
        tokio::spawn(stop_on_signal(stop.clone()));
        tokio::spawn(heartbeats(app.queue.clone(), stop.subscribe()));
        supervise(&app, port, stop.subscribe()).await;
    });
    // Dropping the runtime drops the last queue senders, which lets the writer drain and end.
    drop(app);
    drop(runtime);
    Ok(())
}

async fn supervise(app: &Arc<App>, port: u16, mut stop: watch::Receiver<bool>) {
    let mut backoff = FIRST_BACKOFF;
    while !*stop.borrow() {
        let started = tokio::time::Instant::now();
        let error = match serve_once(app.clone(), port, stop.clone()).await {
            Ok(()) => return,
            Err(error) => error,
        };
        // A listener that served for a while before failing starts over from a short wait.
        if started.elapsed() > MAX_BACKOFF {
            backoff = FIRST_BACKOFF;
        }
        notice(
            &app.queue,
            format!(
                "long-running-execution: {error}; retrying in {:.1} s",
                backoff.as_secs_f64()
            ),
            true,
        );
        tokio::select! {
            () = tokio::time::sleep(backoff) => {}
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// Binds and serves until the stop signal, on a task of its own so that even a panic of the
/// server comes back here as an error.
async fn serve_once(app: Arc<App>, port: u16, stop: watch::Receiver<bool>) -> Result<(), String> {
    let queue = app.queue.clone();
    let task = tokio::spawn(async move {
        // 0.0.0.0: XSOAR reaches the container through its port mapping or the server's
        // /instance/execute route; a reverse proxy or firewall decides who may connect.
        let address = SocketAddr::from(([0, 0, 0, 0], port));
        let tcp = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|error| {
                format!(
                    "cannot listen on port {port}: {error}; choose a free port for the instance"
                )
            })?;
        // Also the recovery notice after a failure: module health turns healthy again.
        notice(
            &queue,
            format!("long-running-execution: listening on port {port}"),
            false,
        );
        let mut stopped = stop.clone();
        axum::serve(tcp, listener::router(app))
            .with_graceful_shutdown(async move {
                let _ = stopped.wait_for(|stopped| *stopped).await;
            })
            .await
            .map_err(|error| format!("the listener failed: {error}"))?;
        if *stop.borrow() {
            Ok(())
        } else {
            Err("the listener stopped on its own".to_owned())
        }
    });
    match task.await {
        Ok(served) => served,
        Err(error) if error.is_panic() => Err("the listener panicked".to_owned()),
        Err(error) => Err(format!("the listener task ended: {error}")),
    }
}

async fn heartbeats(queue: SyncSender<Work>, mut stop: watch::Receiver<bool>) {
    let mut ticks = tokio::time::interval(HEARTBEAT_INTERVAL);
    loop {
        tokio::select! {
            _ = ticks.tick() => {
                // A full queue means the writer is busy talking to the host, which shows it is
                // alive anyway.
                let _ = queue.try_send(Work::Heartbeat);
            }
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
    }
}

/// SIGTERM (XSOAR stopping the container) or Ctrl-C (a person running it locally).
async fn stop_on_signal(stop: watch::Sender<bool>) {
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
    stop.send_replace(true);
}
