//! What the state database adds to one fetch run: the host calls a `fetch-incidents` run makes
//! (read last_run and the context, two log lines, commit 50 incidents with the new last_run),
//! timed through the CLI host with a state store and without one (in memory), over many runs.
//! Run with `cargo run --release --example state_overhead [RUNS] [INCIDENTS_PER_RUN]`;
//! BENCHMARKS.md has the method and the figures.

use std::sync::Arc;
use std::time::{Duration, Instant};

use helloworld::host::cli::{CliHost, Display};
use helloworld::host::store::StateStore;
use helloworld::host::{CallingContext, Host, LogLevel};
use serde_json::{Map, Value, json};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|text| text.parse().ok())
        .unwrap_or(1000);
    let per_run: usize = std::env::args()
        .nth(2)
        .and_then(|text| text.parse().ok())
        .unwrap_or(50);
    let dir = std::env::temp_dir().join(format!("helloworld-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("bench.sqlite");

    let started = Instant::now();
    let store = Arc::new(StateStore::open(&path)?);
    let first_open = started.elapsed();
    let mut reopen = Vec::new();
    for _ in 0..100 {
        let started = Instant::now();
        drop(StateStore::open(&path)?);
        reopen.push(started.elapsed());
    }

    let mut memory = Vec::with_capacity(runs);
    let mut stored = Vec::with_capacity(runs);
    for run in 0..runs {
        let (incidents, last_run) = batch(run, per_run);
        // Alternate, so drift in the machine's speed hits both alike.
        memory.push(one_run(None, &incidents, &last_run)?);
        stored.push(one_run(Some(store.clone()), &incidents, &last_run)?);
    }
    let (memory, stored) = (summary(&mut memory), summary(&mut stored));
    println!("runs: {runs}, incidents per run: {per_run}");
    println!("in memory:  median {:?}, p95 {:?}", memory.0, memory.1);
    println!("with state: median {:?}, p95 {:?}", stored.0, stored.1);
    println!(
        "overhead per run: median {:?}, p95 {:?}",
        stored.0.saturating_sub(memory.0),
        stored.1.saturating_sub(memory.1)
    );
    println!(
        "open: first (create + migrate) {first_open:?}, reopen median {:?}",
        summary(&mut reopen).0
    );
    drop(store);
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

/// The host calls of one fetch run, timed.
fn one_run(
    store: Option<Arc<StateStore>>,
    incidents: &[Value],
    last_run: &Value,
) -> Result<Duration, Box<dyn std::error::Error>> {
    let started = Instant::now();
    let display = Display {
        live: false,
        verbose: false,
        files_dir: ".".into(),
    };
    let calling = CallingContext::new("fetch-incidents", Map::new(), Map::new());
    let mut host = CliHost::new(calling, display);
    if let Some(store) = store {
        host = host.with_store(store)?;
    }
    host.log(LogLevel::Debug, "Command being called is fetch-incidents");
    let _ = host.last_run()?;
    let _ = host.integration_context()?; // the token cache
    host.commit_fetch(incidents, Some(last_run))?;
    host.log(
        LogLevel::Info,
        "fetch-incidents: 50 incident(s) from 1 page(s)",
    );
    Ok(started.elapsed())
}

/// Incidents shaped like the command's (a ~1 KB rawJSON each) and a last_run remembering them.
fn batch(run: usize, per_run: usize) -> (Vec<Value>, Value) {
    let mut seen = Map::new();
    let incidents = (0..per_run)
        .map(|n| {
            let id = format!("HW-{:012}", run * per_run + n);
            seen.insert(id.clone(), json!(1_700_000_000_000_u64 + n as u64));
            let raw = json!({"id": id, "name": "Hello World Alert of type Bug", "severity": "Low",
                "status": "ACTIVE", "description": "x".repeat(800), "created": "2026-11-23T00:00:00Z"});
            json!({"name": "Hello World Alert of type Bug", "occurred": "2026-11-23T00:00:00.000Z",
                "rawJSON": raw.to_string(), "severity": 1, "dbotMirrorId": id, "details": "x".repeat(200)})
        })
        .collect();
    (
        incidents,
        json!({"version": 2, "newest": 1_700_000_000_000_u64, "seen": seen}),
    )
}

/// The median and the 95th percentile.
fn summary(samples: &mut [Duration]) -> (Duration, Duration) {
    samples.sort_unstable();
    let at = |fraction: f64| {
        let index = ((samples.len() as f64 - 1.0) * fraction).round() as usize;
        samples.get(index).copied().unwrap_or_default()
    };
    (at(0.5), at(0.95))
}
