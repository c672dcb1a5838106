//! The one place the listener's work meets the host: pushes queue here, are grouped into one
//! createIncidents call (whatever queued while the previous call ran, up to [`MAX_BATCH`]
//! incidents, so a busy listener makes few large calls and an idle one answers at once), are
//! de-duplicated by alert id, and are acknowledged only after the host accepted them. It runs on
//! its own thread because host calls block (the stdio bridge is a pipe), so a slow host never
//! stalls the HTTP runtime; it only fills the bounded queue, which the listener turns into 503s.
//! Module health is reported on each error and on recovery. A panic while writing is caught,
//! reported, and the loop goes on after a backoff.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{OwnedSemaphorePermit, oneshot};

use super::dedup::SeenWindow;
use crate::host::{Host, LogLevel};

/// The most incidents one createIncidents call carries.
pub const MAX_BATCH: usize = 1_000;
/// How many alert ids the duplicate check remembers.
pub const SEEN_WINDOW: usize = 200_000;
/// The longest pause after a failed or panicking write, while the queue answers 503.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// What the listener hands the writer.
pub enum Work {
    /// Alerts to create, as (alert id, incident); `ack` hears how it went.
    Push {
        /// The incidents, with the alert id they come from.
        incidents: Vec<(String, Value)>,
        /// Where the outcome goes: the numbers created and skipped as duplicates, or the error.
        ack: oneshot::Sender<Result<Created, String>>,
        /// The push's share of the listener's memory budget, given back when it is written.
        permit: OwnedSemaphorePermit,
    },
    /// Tell the host the job is alive.
    Heartbeat,
    /// Something for the log and module health (`is_error` marks a failure).
    Notice {
        /// What happened.
        message: String,
        /// Whether it is a failure.
        is_error: bool,
    },
}

/// Sends a line for the log and module health through the writer, the only one that talks to
/// the host. When the queue is full or closed, it goes to stderr instead, so it is never lost.
pub fn notice(queue: &SyncSender<Work>, message: String, is_error: bool) {
    if let Err(
        TrySendError::Full(Work::Notice { message, .. })
        | TrySendError::Disconnected(Work::Notice { message, .. }),
    ) = queue.try_send(Work::Notice { message, is_error })
    {
        eprintln!("{message}");
    }
}

/// The outcome of one push.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Created {
    /// New incidents.
    pub created: usize,
    /// Alerts already created earlier (vendor retries), skipped.
    pub duplicates: usize,
}

/// Writes until every sender of `queue` is gone and the queue is empty: that is the drain.
pub fn run(host: &dyn Host, queue: &Receiver<Work>) {
    let mut seen = SeenWindow::new(SEEN_WINDOW);
    let mut failing = false;
    let mut backoff = Duration::from_millis(100);
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        let mut size = incident_count(&batch[0]);
        while size < MAX_BATCH {
            match queue.try_recv() {
                Ok(work) => {
                    size += incident_count(&work);
                    batch.push(work);
                }
                Err(_) => break,
            }
        }
        let written = catch_unwind(AssertUnwindSafe(|| write(host, &mut seen, batch)));
        let failure = match written {
            Ok(Ok(())) => None,
            Ok(Err(error)) => Some(format!("createIncidents failed: {error}")),
            Err(_) => Some("the incident writer panicked; it restarts".to_owned()),
        };
        match failure {
            Some(message) => {
                report(host, &format!("long-running-execution: {message}"), true);
                failing = true;
                // A host that is gone will not come back: drain the queue without waiting.
                if !host.has_gone_away() {
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
            None if failing => {
                failing = false;
                backoff = Duration::from_millis(100);
                report(
                    host,
                    "long-running-execution: recovered; incidents are created again",
                    false,
                );
            }
            None => {}
        }
    }
}

fn incident_count(work: &Work) -> usize {
    match work {
        Work::Push { incidents, .. } => incidents.len(),
        Work::Notice { .. } | Work::Heartbeat => 0,
    }
}

/// Logs `message` and puts it in module health. A failed health update is only logged: the
/// listener keeps running whatever the host says.
fn report(host: &dyn Host, message: &str, is_error: bool) {
    let level = if is_error {
        LogLevel::Error
    } else {
        LogLevel::Info
    };
    host.log(level, message);
    if let Err(error) = host.update_module_health(message, is_error) {
        host.log(
            LogLevel::Error,
            &format!("long-running-execution: updateModuleHealth failed: {error}"),
        );
    }
}

/// One createIncidents call for `batch`, then the acknowledgements.
fn write(host: &dyn Host, seen: &mut SeenWindow, batch: Vec<Work>) -> Result<(), String> {
    let mut incidents = Vec::new();
    let mut new_ids = HashSet::new();
    let mut pushes = Vec::new();
    // The pushes' memory budget is given back when this call returns, after the host call.
    let mut held = Vec::new();
    for work in batch {
        match work {
            Work::Notice { message, is_error } => report(host, &message, is_error),
            // A failed heartbeat needs no report: the host is unreachable, and the next
            // createIncidents says so.
            Work::Heartbeat => {
                let _ = host.heartbeat();
            }
            Work::Push {
                incidents: items,
                ack,
                permit,
            } => {
                held.push(permit);
                let mut outcome = Created::default();
                for (id, incident) in items {
                    if seen.contains(&id) || !new_ids.insert(id) {
                        outcome.duplicates += 1;
                    } else {
                        outcome.created += 1;
                        incidents.push(incident);
                    }
                }
                pushes.push((ack, outcome));
            }
        }
    }
    let result = if incidents.is_empty() {
        Ok(())
    } else {
        host.create_incidents(&incidents, None)
            .map_err(|error| error.to_string())
    };
    if result.is_ok() {
        for id in new_ids {
            seen.insert(&id);
        }
    }
    for (ack, outcome) in pushes {
        // A handler that gave up (timeout) no longer listens; the vendor retries and the
        // duplicate check absorbs it.
        let _ = ack.send(result.clone().map(|()| outcome));
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::CallingContext;
    use crate::host::recorder::RecordingHost;
    use serde_json::json;
    use std::sync::Arc;
    use std::sync::mpsc::sync_channel;
    use tokio::sync::Semaphore;

    fn push(
        ids: &[&str],
        budget: &Arc<Semaphore>,
    ) -> (Work, oneshot::Receiver<Result<Created, String>>) {
        let (ack, answer) = oneshot::channel();
        let incidents = ids
            .iter()
            .map(|id| ((*id).to_owned(), json!({"dbotMirrorId": id})))
            .collect();
        let permit = budget.clone().try_acquire_many_owned(1).unwrap();
        let work = Work::Push {
            incidents,
            ack,
            permit,
        };
        (work, answer)
    }

    #[test]
    fn pushes_are_created_once_acknowledged_and_their_budget_given_back() {
        let host = RecordingHost::new(CallingContext::new(
            "long-running-execution",
            serde_json::Map::new(),
            serde_json::Map::new(),
        ));
        let budget = Arc::new(Semaphore::new(2));
        let (queue, pending) = sync_channel(8);
        let (first, first_answer) = push(&["HW-1", "HW-2"], &budget);
        let (retry, retry_answer) = push(&["HW-2", "HW-2"], &budget);
        queue.send(first).unwrap();
        queue.send(Work::Heartbeat).unwrap();
        queue.send(retry).unwrap();
        drop(queue);
        run(&host, &pending);
        let created: Vec<_> = host
            .recording()
            .created_incidents
            .iter()
            .map(|incident| incident["dbotMirrorId"].clone())
            .collect();
        assert_eq!(created, [json!("HW-1"), json!("HW-2")]);
        let outcome = |answer: oneshot::Receiver<Result<Created, String>>| {
            answer.blocking_recv().unwrap().unwrap()
        };
        assert_eq!(
            outcome(first_answer),
            Created {
                created: 2,
                duplicates: 0
            }
        );
        assert_eq!(
            outcome(retry_answer),
            Created {
                created: 0,
                duplicates: 2
            }
        );
        assert_eq!(budget.available_permits(), 2);
    }
}
