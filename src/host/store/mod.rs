//! The local host's state: one SQLite file per instance holding the integration context (with a
//! version for compare-and-set writes), last_run, every created incident and a log. The file is
//! shared by every process of the instance (scheduled fetches, `run`, the long-running job), so
//! each write is its own transaction and a fetch run's incidents and last_run are one.
//! [`schema`] owns the table layout and its migrations.

pub mod schema;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde_json::{Map, Value, json};

use super::{HostError, VersionedContext};

/// How long a write waits for another process holding the lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the state database cannot be used. Each message ends with what to do.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// Read-only commands need a file that a run created.
    #[error(
        "there is no state database at {0}. Hint: run `helloworld fetch` or `helloworld run` with the same --state (or --config) first, or check the path"
    )]
    Missing(PathBuf),
    /// The file is not an SQLite database, or is damaged.
    #[error(
        "the state database {path} is corrupt or not a helloworld state file ({detail}). Hint: move it aside (or delete it) to start fresh; the next run creates a new one and fetches from first_fetch"
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        detail: String,
    },
    /// Anything else: permissions, a newer schema, a full disk.
    #[error("cannot use the state database {path}: {detail}")]
    Other {
        /// The file.
        path: PathBuf,
        /// What failed.
        detail: String,
    },
}

/// One incident as the incidents table keeps it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoredIncident {
    /// The vendor id (`dbotMirrorId`), when the incident has one.
    pub source_id: Option<String>,
    /// The run that created it.
    pub run_id: String,
    /// When it was committed, RFC 3339 UTC.
    pub created_at: String,
    /// The incident as the command produced it.
    pub incident: Value,
}

/// An open state database.
#[derive(Debug)]
pub struct StateStore {
    path: PathBuf,
    // One connection per process; rusqlite's Connection is not Sync, hosts are shared.
    connection: Mutex<Connection>,
}

impl StateStore {
    /// Opens (creating it and its folder when missing) the state database at `path`, migrated to
    /// the current schema.
    pub fn open(path: &Path) -> Result<Self, StateError> {
        if let Some(parent) = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(|error| StateError::Other {
                path: path.to_owned(),
                detail: format!("cannot create its folder: {error}"),
            })?;
        }
        Self::open_file(path)
    }

    /// Opens an existing state database; a missing file is [`StateError::Missing`].
    pub fn open_existing(path: &Path) -> Result<Self, StateError> {
        if !path.is_file() {
            return Err(StateError::Missing(path.to_owned()));
        }
        Self::open_file(path)
    }

    fn open_file(path: &Path) -> Result<Self, StateError> {
        // Several processes may open a new file at once (a fetch and a command); switching it to
        // WAL can then answer "locked" without waiting, so a busy open is retried for a while.
        let mut attempts = 0;
        loop {
            match Self::try_open(path) {
                Err(OpenError::Sqlite(error)) if is_busy(&error) && attempts < OPEN_ATTEMPTS => {
                    attempts += 1;
                    std::thread::sleep(OPEN_RETRY_PAUSE);
                }
                Err(OpenError::Sqlite(error)) => return Err(classify(path, &error)),
                Err(OpenError::Newer(newer)) => {
                    return Err(StateError::Other {
                        path: path.to_owned(),
                        detail: format!("{newer}; use the newer helloworld, or another --state"),
                    });
                }
                Ok(connection) => {
                    return Ok(Self {
                        path: path.to_owned(),
                        connection: Mutex::new(connection),
                    });
                }
            }
        }
    }

    fn try_open(path: &Path) -> Result<Connection, OpenError> {
        let mut connection = Connection::open(path)?;
        connection.busy_timeout(BUSY_TIMEOUT)?;
        // WAL: readers never block the writer; NORMAL sync in WAL mode keeps every committed
        // transaction across a process crash (kill -9), which is the failure that matters here.
        // The mode is stored in the file, so it is set only once, by the first open.
        let mode: String = connection.query_row("PRAGMA journal_mode", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            connection.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
        }
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        schema::migrate(&mut connection).map_err(|error| match error {
            schema::MigrateError::Sqlite(error) => OpenError::Sqlite(error),
            newer @ schema::MigrateError::Newer(_) => OpenError::Newer(newer),
        })?;
        Ok(connection)
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn connection(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves the connection usable: SQLite rolls back any
        // open transaction when it is dropped.
        self.connection
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The stored last_run, `{}` before the first fetch.
    pub fn last_run(&self) -> Result<Value, HostError> {
        let text: Option<String> = self
            .connection()
            .query_row("SELECT data FROM last_run WHERE id = 1", [], |row| {
                row.get(0)
            })
            .optional()
            .map_err(io)?;
        parse(text.as_deref().unwrap_or("{}"))
    }

    /// Replaces last_run.
    pub fn set_last_run(&self, last_run: &Value) -> Result<(), HostError> {
        write_last_run(&self.connection(), last_run)
    }

    /// The integration context and its version.
    pub fn integration_context(&self) -> Result<VersionedContext, HostError> {
        let (text, version): (String, i64) = self
            .connection()
            .query_row(
                "SELECT data, version FROM context WHERE id = 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(io)?;
        let context = match parse(&text)? {
            Value::Object(context) => context,
            _ => Map::new(),
        };
        Ok(VersionedContext {
            context,
            version: json!(version),
        })
    }

    /// Writes the context if it is still at `version` (`-1` skips the check), as
    /// `setIntegrationContextVersioned` does; otherwise [`HostError::VersionConflict`].
    pub fn set_integration_context(
        &self,
        context: &Map<String, Value>,
        version: &Value,
    ) -> Result<(), HostError> {
        let mut connection = self.connection();
        // IMMEDIATE: the version check and the write happen under one write lock.
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(io)?;
        let current: i64 = transaction
            .query_row("SELECT version FROM context WHERE id = 1", [], |row| {
                row.get(0)
            })
            .map_err(io)?;
        if version.as_i64() != Some(-1) && version.as_i64() != Some(current) {
            return Err(HostError::VersionConflict(format!(
                "written at version {version}, but the context is at version {current}"
            )));
        }
        let text = serde_json::to_string(context)
            .map_err(|error| HostError::Protocol(error.to_string()))?;
        transaction
            .execute(
                "UPDATE context SET data = ?1, version = version + 1 WHERE id = 1",
                params![text],
            )
            .map_err(io)?;
        transaction.commit().map_err(io)
    }

    /// Records the incidents of `run_id` and the new last_run in one transaction: after a crash
    /// at any point, either both are stored or neither.
    pub fn commit_fetch(
        &self,
        run_id: &str,
        incidents: &[Value],
        last_run: Option<&Value>,
    ) -> Result<(), HostError> {
        let mut connection = self.connection();
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(io)?;
        insert_incidents(&transaction, run_id, incidents)?;
        if let Some(last_run) = last_run {
            write_last_run(&transaction, last_run)?;
        }
        transaction.commit().map_err(io)
    }

    /// Records incidents created outside a fetch run (the long-running job).
    pub fn add_incidents(&self, run_id: &str, incidents: &[Value]) -> Result<(), HostError> {
        self.commit_fetch(run_id, incidents, None)
    }

    /// Appends a line to the log (`kind` is a log level, `entry` or `health`).
    pub fn log(&self, run_id: &str, kind: &str, message: &str) -> Result<(), HostError> {
        self.connection()
            .execute(
                "INSERT INTO log (at, run_id, kind, message) VALUES (?1, ?2, ?3, ?4)",
                params![now(), run_id, kind, message],
            )
            .map(|_| ())
            .map_err(io)
    }

    /// The incidents committed at or after `since` (RFC 3339), oldest first.
    pub fn incidents(&self, since: Option<&str>) -> Result<Vec<StoredIncident>, HostError> {
        let connection = self.connection();
        let mut statement = connection
            .prepare(
                "SELECT source_id, run_id, created_at, incident FROM incidents
                 WHERE created_at >= ?1 ORDER BY seq",
            )
            .map_err(io)?;
        let rows = statement
            .query_map(params![since.unwrap_or("")], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get::<_, String>(3)?,
                ))
            })
            .map_err(io)?;
        let mut incidents = Vec::new();
        for row in rows {
            let (source_id, run_id, created_at, text) = row.map_err(io)?;
            incidents.push(StoredIncident {
                source_id,
                run_id,
                created_at,
                incident: parse(&text)?,
            });
        }
        Ok(incidents)
    }
}

/// The default state file of `instance`: `$XDG_STATE_HOME/helloworld/<instance>.sqlite`, else
/// `~/.local/state/helloworld/<instance>.sqlite`, else the current folder.
pub fn default_path(instance: &str) -> PathBuf {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|dir| !dir.is_empty())
                .map(|home| PathBuf::from(home).join(".local").join("state"))
        })
        .unwrap_or_else(|| PathBuf::from("."));
    // The instance name becomes a file name: keep it to safe characters.
    let file: String = instance
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    base.join("helloworld").join(format!("{file}.sqlite"))
}

/// A new run id: unique across processes, sortable by time.
pub fn new_run_id() -> String {
    format!(
        "{}-{}",
        Utc::now().format("%Y%m%dT%H%M%S%.3fZ"),
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    )
}

fn insert_incidents(
    connection: &Connection,
    run_id: &str,
    incidents: &[Value],
) -> Result<(), HostError> {
    let at = now();
    let mut statement = connection
        .prepare_cached(
            "INSERT INTO incidents (source_id, run_id, created_at, incident) VALUES (?1, ?2, ?3, ?4)",
        )
        .map_err(io)?;
    for incident in incidents {
        let source_id = incident.get("dbotMirrorId").and_then(Value::as_str);
        statement
            .execute(params![source_id, run_id, at, incident.to_string()])
            .map_err(io)?;
    }
    Ok(())
}

fn write_last_run(connection: &Connection, last_run: &Value) -> Result<(), HostError> {
    connection
        .execute(
            "INSERT INTO last_run (id, data) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE SET data = excluded.data",
            params![last_run.to_string()],
        )
        .map(|_| ())
        .map_err(io)
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse(text: &str) -> Result<Value, HostError> {
    serde_json::from_str(text)
        .map_err(|error| HostError::Protocol(format!("the state database holds bad JSON: {error}")))
}

fn io(error: rusqlite::Error) -> HostError {
    HostError::Io(std::io::Error::other(error))
}

fn classify(path: &Path, error: &rusqlite::Error) -> StateError {
    let corrupt = matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
    );
    if corrupt {
        StateError::Corrupt {
            path: path.to_owned(),
            detail: error.to_string(),
        }
    } else {
        StateError::Other {
            path: path.to_owned(),
            detail: error.to_string(),
        }
    }
}

/// How many times a busy open is retried, and the pause between tries (5 s in all).
const OPEN_ATTEMPTS: u32 = 50;
const OPEN_RETRY_PAUSE: std::time::Duration = std::time::Duration::from_millis(100);

/// Why an open attempt failed.
enum OpenError {
    Sqlite(rusqlite::Error),
    Newer(schema::MigrateError),
}

impl From<rusqlite::Error> for OpenError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Sqlite(error)
    }
}

/// Whether SQLite answered "busy" or "locked": another process holds the file for a moment.
fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("helloworld-store-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join("state.sqlite")
    }

    #[test]
    fn context_writes_are_compare_and_set_across_connections() {
        let path = temp("cas");
        let first = StateStore::open(&path).unwrap();
        let second = StateStore::open(&path).unwrap();
        let read = first.integration_context().unwrap();
        assert_eq!(read.version, json!(0));
        let mut context = Map::new();
        context.insert("access_token".into(), json!("a"));
        second
            .set_integration_context(&context, &read.version)
            .unwrap();
        let stale = first
            .set_integration_context(&context, &read.version)
            .unwrap_err();
        assert!(matches!(stale, HostError::VersionConflict(_)));
        first
            .set_integration_context(&Map::new(), &json!(-1))
            .unwrap();
        assert_eq!(second.integration_context().unwrap().version, json!(2));
        drop((first, second));
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_fetch_commit_stores_incidents_and_last_run() {
        let path = temp("commit");
        let store = StateStore::open(&path).unwrap();
        assert_eq!(store.last_run().unwrap(), json!({}));
        let incidents = [json!({"dbotMirrorId": "HW-1"}), json!({"name": "no id"})];
        store
            .commit_fetch("r1", &incidents, Some(&json!({"v": 1})))
            .unwrap();
        let reopened = StateStore::open_existing(&path).unwrap();
        assert_eq!(reopened.last_run().unwrap(), json!({"v": 1}));
        let stored = reopened.incidents(None).unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[0].source_id.as_deref(), Some("HW-1"));
        assert_eq!(stored[1].source_id, None);
        assert!(reopened.incidents(Some("9999")).unwrap().is_empty());
        drop((store, reopened));
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn instance_names_become_safe_file_names() {
        let path = default_path("../my instance");
        assert!(
            path.ends_with("helloworld/___my_instance.sqlite"),
            "{}",
            path.display()
        );
    }
}
