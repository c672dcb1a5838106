//! The state database's schema, as numbered migrations. `PRAGMA user_version` records how many
//! have run; opening a file applies the missing ones in one transaction, so an older file is
//! brought up to date and a crash mid-migration leaves it at its old version.

use rusqlite::{Connection, TransactionBehavior};

/// Each migration, in order: migration `n` (1-based) takes the schema from version `n - 1` to `n`.
/// Never edit one that shipped; add a new one.
pub const MIGRATIONS: &[&str] = &[
    // 1: the integration context (one row, with the compare-and-set version), last_run (one
    // row) and every created incident.
    "CREATE TABLE context (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         data TEXT NOT NULL,
         version INTEGER NOT NULL
     );
     INSERT INTO context (id, data, version) VALUES (1, '{}', 0);
     CREATE TABLE last_run (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         data TEXT NOT NULL
     );
     CREATE TABLE incidents (
         seq INTEGER PRIMARY KEY AUTOINCREMENT,
         source_id TEXT,
         run_id TEXT NOT NULL,
         created_at TEXT NOT NULL,
         incident TEXT NOT NULL
     );",
    // 2: the log of entries and log lines, and listing incidents by time.
    "CREATE TABLE log (
         seq INTEGER PRIMARY KEY AUTOINCREMENT,
         at TEXT NOT NULL,
         run_id TEXT NOT NULL,
         kind TEXT NOT NULL,
         message TEXT NOT NULL
     );
     CREATE INDEX incidents_by_time ON incidents (created_at);",
];

/// The schema version this build writes.
pub fn current_version() -> i64 {
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}

/// Applies the migrations `connection`'s file lacks. Returns the version it was at. A file from
/// a newer build is refused rather than written with an older idea of the schema.
pub fn migrate(connection: &mut Connection) -> Result<i64, MigrateError> {
    // IMMEDIATE takes the write lock before reading the version, so two processes opening a new
    // file at once do not both run migration 1.
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: i64 = transaction.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > current_version() {
        return Err(MigrateError::Newer(found));
    }
    for (index, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(found).unwrap_or(0))
    {
        transaction.execute_batch(sql)?;
        transaction.pragma_update(
            None,
            "user_version",
            i64::try_from(index + 1).unwrap_or(i64::MAX),
        )?;
    }
    transaction.commit()?;
    Ok(found)
}

/// Why the schema could not be brought up to date.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// The file was written by a newer build.
    #[error("the state database has schema version {0}, newer than this build knows")]
    Newer(i64),
    /// SQLite failed.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}
