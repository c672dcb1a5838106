//! The model-based test of `fetch-incidents`: for each seed, a random alert stream (heavy
//! timestamp collisions, random visibility delays within look_back, random severities, types
//! and statuses) is injected into a fresh simulator that fails and garbles some answers, and
//! fetch runs again and again with random max_fetch while the simulator's clock moves in random
//! steps. The union of committed incidents must be exactly the alerts the filters select, each
//! once, and no alert may be reported as missed.
//!
//! `HELLOWORLD_MODEL_SEEDS=<n>` runs seeds 1 to n (12 by default); `HELLOWORLD_MODEL_SEED=<n>`
//! replays one seed. The simulator's clock also follows the wall clock, so a replay sees the same
//! stream and faults, with whole-second drift at most.

use std::collections::{BTreeSet, HashSet};

use chrono::{DateTime, TimeDelta, Utc};
use helloworld::commands::fetch::run;
use helloworld::commands::fetch::settings::{FetchSettings, SEVERITIES};
use helloworld::commands::fetch::state::FetchState;
use helloworld::sim::SimConfig;
use serde_json::{Value, json};

use crate::fetch_reliability::{at, client_of, mirror_ids, settings};
use crate::support::Sim;

/// The alert types the stream draws from.
const TYPES: [&str; 3] = ["Bug", "Attack", "Malware"];
/// Runs per seed at most: a seed that needs more is stuck.
const MAX_RUNS: usize = 5000;

/// SplitMix64: a small, good, seedable generator (no new crates for a test).
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (0 when `bound` is 0).
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 { 0 } else { self.next() % bound }
    }

    /// A number in `0.0..1.0`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[usize::try_from(self.below(items.len() as u64)).unwrap()]
    }

    /// Seconds as a time delta.
    fn seconds(&mut self, bound: u64) -> TimeDelta {
        TimeDelta::seconds(i64::try_from(self.below(bound)).unwrap())
    }
}

/// The seeds to run: one forced seed, or 1 to `HELLOWORLD_MODEL_SEEDS` (12 by default).
fn seeds() -> Vec<u64> {
    let number = |name: &str| {
        std::env::var(name).ok().map(|text| {
            text.trim()
                .parse::<u64>()
                .unwrap_or_else(|_| panic!("{name}={text} is not a number"))
        })
    };
    match number("HELLOWORLD_MODEL_SEED") {
        Some(seed) => vec![seed],
        None => (1..=number("HELLOWORLD_MODEL_SEEDS").unwrap_or(12)).collect(),
    }
}

/// One injected alert and whether the filters select it.
struct Planned {
    fixture: Value,
    visible_at: DateTime<Utc>,
    selected: bool,
}

/// What the filters of one seed select.
struct Filters {
    params: Value,
    min_severity: usize,
    status: &'static str,
    types: Vec<&'static str>,
}

impl Filters {
    fn random(rng: &mut SplitMix64) -> Self {
        let min_severity = usize::try_from(rng.below(4)).unwrap();
        let status = if rng.chance(0.75) { "ACTIVE" } else { "CLOSED" };
        let types: Vec<&str> = if rng.chance(0.5) {
            Vec::new()
        } else {
            TYPES.into_iter().filter(|_| rng.chance(0.6)).collect()
        };
        let mut params = json!({"min_severity": SEVERITIES[min_severity], "alert_status": status});
        if !types.is_empty() {
            params["alert_type"] = json!(types.join(","));
        }
        Self {
            params,
            min_severity,
            status,
            types,
        }
    }

    fn selects(&self, severity: usize, status: &str, kind: &str) -> bool {
        severity >= self.min_severity
            && status == self.status
            && (self.types.is_empty() || self.types.contains(&kind))
    }
}

/// A stream over a few minutes from `start`: bursts of up to 60 alerts in one second, each
/// visible within `look_back` of its creation.
fn stream(
    rng: &mut SplitMix64,
    start: DateTime<Utc>,
    look_back: TimeDelta,
    filters: &Filters,
) -> Vec<Planned> {
    let span = 60 + rng.below(180);
    let late_share = if look_back.is_zero() {
        0.0
    } else {
        rng.unit() * 0.5
    };
    let max_delay = u64::try_from(look_back.num_seconds()).unwrap() + 1;
    let mut planned = Vec::new();
    for second in 0..span {
        if !rng.chance(0.25) {
            continue;
        }
        let size = if rng.chance(0.1) {
            1 + rng.below(60)
        } else {
            1 + rng.below(4)
        };
        let created = start + TimeDelta::seconds(i64::try_from(second).unwrap());
        for _ in 0..size {
            let delay = if rng.chance(late_share) {
                rng.seconds(max_delay)
            } else {
                TimeDelta::zero()
            };
            let severity = usize::try_from(rng.below(4)).unwrap();
            let status = if rng.chance(0.8) { "ACTIVE" } else { "CLOSED" };
            let kind = rng.pick(&TYPES);
            planned.push(Planned {
                fixture: json!({"created": at(created), "visible_at": at(created + delay), "severity": SEVERITIES[severity], "status": status, "type": kind}),
                visible_at: created + delay,
                selected: filters.selects(severity, status, kind),
            });
        }
    }
    planned
}

/// What one seed's runs did, for the log.
#[derive(Debug, Default)]
struct Tally {
    runs: usize,
    failed: usize,
    rescued: usize,
    committed: Vec<String>,
    warnings: Vec<String>,
}

#[tokio::test]
async fn fetch_is_exactly_once_over_random_streams_faults_and_clock_steps() {
    for seed in seeds() {
        eprintln!("fetch model seed {seed}");
        check_seed(seed).await;
    }
}

async fn check_seed(seed: u64) {
    let mut rng = SplitMix64::new(seed);
    let sim = Sim::start(SimConfig {
        alerts: 0,
        fail_rate: rng.unit() * 0.2,
        garbage_rate: rng.unit() * 0.05,
        ..SimConfig::new(seed)
    })
    .await;
    let look_back = TimeDelta::minutes(i64::try_from(rng.below(11)).unwrap());
    let filters = Filters::random(&mut rng);
    let now = sim.now().await;
    let planned = stream(&mut rng, now - TimeDelta::seconds(30), look_back, &filters);
    let ids = sim
        .inject(planned.iter().map(|plan| plan.fixture.clone()).collect())
        .await;
    let expected: BTreeSet<String> = planned
        .iter()
        .zip(&ids)
        .filter(|(plan, _)| plan.selected)
        .map(|(_, id)| id.clone())
        .collect();
    let last_visible = planned
        .iter()
        .map(|plan| plan.visible_at)
        .max()
        .unwrap_or(now);

    let mut params = filters.params.clone();
    params["look_back"] = json!(look_back.num_minutes().to_string());
    let mut settings = settings(&params, now);
    let max_fetch_cap = [3, 20, 200][usize::try_from(rng.below(3)).unwrap()];
    let client = client_of(&sim.running.url, &sim.running.api_key);
    let (tally, state) = drive(
        &sim,
        &client,
        &mut settings,
        &mut rng,
        (last_visible, max_fetch_cap),
    )
    .await;

    let context = format!(
        "seed {seed}: look_back {} min, filters {}, {} alerts ({} selected), {} runs ({} failed), {} late alerts rescued",
        look_back.num_minutes(),
        filters.params,
        planned.len(),
        expected.len(),
        tally.runs,
        tally.failed,
        tally.rescued
    );
    eprintln!("  {context}");
    let mut once = HashSet::new();
    let twice: Vec<&String> = tally
        .committed
        .iter()
        .filter(|id| !once.insert(*id))
        .collect();
    assert!(twice.is_empty(), "{context}: committed twice: {twice:?}");
    let got: BTreeSet<String> = tally.committed.iter().cloned().collect();
    let missing: Vec<&String> = expected.difference(&got).collect();
    let extra: Vec<&String> = got.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{context}: missing {missing:?}, not selected but fetched {extra:?}"
    );
    assert_eq!(
        state.missed_late, 0,
        "{context}: alerts counted as missed though every delay is within look_back; warnings {:?}",
        tally.warnings
    );
    assert!(
        tally
            .warnings
            .iter()
            .all(|warning| !warning.contains("missed late")),
        "{context}: {:?}",
        tally.warnings
    );
}

/// Runs fetch as the command does while the clock moves in random steps, until the clock has
/// passed every `visible_at` and two successful runs after that came back empty.
async fn drive(
    sim: &Sim,
    client: &helloworld::client::Client<'_>,
    settings: &mut FetchSettings,
    rng: &mut SplitMix64,
    (last_visible, max_fetch_cap): (DateTime<Utc>, u64),
) -> (Tally, FetchState) {
    let mut tally = Tally::default();
    let mut state = FetchState::default();
    let mut empty_after_end = 0;
    while empty_after_end < 2 {
        assert!(
            tally.runs < MAX_RUNS,
            "seed stuck after {} runs: {tally:?}",
            tally.runs
        );
        tally.runs += 1;
        settings.max_fetch = usize::try_from(1 + rng.below(max_fetch_cap)).unwrap();
        let now = sim.now().await;
        match run::fetch(client, settings, &state, now).await {
            Ok(outcome) => {
                tally.committed.extend(mirror_ids(&outcome.incidents));
                tally.rescued += outcome.report.late_rescued;
                tally.warnings.extend(outcome.report.warnings);
                let empty = outcome.incidents.is_empty();
                if let Some(next) = outcome.next {
                    state = next;
                }
                empty_after_end = if empty && now > last_visible {
                    empty_after_end + 1
                } else {
                    0
                };
            }
            Err(_) => tally.failed += 1,
        }
        if rng.chance(0.7) {
            sim.advance_clock(i64::try_from(rng.below(15)).unwrap())
                .await;
        }
    }
    (tally, state)
}
