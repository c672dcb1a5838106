//! The fetch cursor kept in XSOAR's last_run: the newest creation time fetched, the ids already
//! fetched inside the look-back window (so re-reading the window creates no duplicates), and the
//! late-alert probe's per-second counts of what was fetched just below the window. Times are epoch
//! milliseconds; the JSON is versioned and stays far under 1 MB.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Map, Value, json};

/// The format version of the last_run this code writes.
pub const LAST_RUN_VERSION: u64 = 1;
/// The most ids kept in the seen set: 20,000 ids are about 600 KB of JSON.
pub const MAX_SEEN: usize = 20_000;
/// How far below the window the probe looks for alerts that became visible too late.
pub const PROBE_MARGIN: TimeDelta = TimeDelta::minutes(30);

/// The fetch cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchState {
    /// The newest creation time fetched so far; `None` before the first incident.
    pub newest: Option<i64>,
    /// Where the first run started (the probe never looks before it).
    pub origin: Option<i64>,
    /// Ids fetched with their creation times, for every id at or after the window start.
    pub seen: BTreeMap<String, i64>,
    /// No window starts before this: the start of the last window, so that raising look_back
    /// never re-reads alerts already forgotten; raised further when the seen set is capped.
    pub floor: Option<i64>,
    /// Per creation second (epoch seconds): how many alerts were fetched, for the probe window.
    pub retired: BTreeMap<i64, u64>,
    /// The filters the probe counts were made with.
    pub filters: String,
    /// Alerts found visible too late to be fetched, in all runs so far.
    pub missed_late: u64,
}

impl FetchState {
    /// Reads a last_run; `{}` is the state before the first run. Anything else that is not what
    /// this code writes is an error, never a silent restart (which would duplicate incidents).
    pub fn from_last_run(last_run: &Value) -> Result<Self, String> {
        let Some(map) = last_run.as_object() else {
            return Err(format!("the last run is {last_run}, not an object"));
        };
        if map.is_empty() {
            return Ok(Self::default());
        }
        let version = map.get("version").and_then(Value::as_u64);
        if version != Some(LAST_RUN_VERSION) {
            return Err(format!(
                "the last run has version {}, this integration writes version {LAST_RUN_VERSION}",
                map.get("version")
                    .map_or_else(|| "none".to_owned(), Value::to_string)
            ));
        }
        let number = |key: &str| map.get(key).and_then(Value::as_i64);
        let seen = map
            .get("seen")
            .and_then(Value::as_object)
            .map(|seen| {
                seen.iter()
                    .filter_map(|(id, created)| Some((id.clone(), created.as_i64()?)))
                    .collect()
            })
            .unwrap_or_default();
        let retired = map
            .get("retired")
            .and_then(Value::as_object)
            .map(|retired| {
                retired
                    .iter()
                    .filter_map(|(second, count)| Some((second.parse().ok()?, count.as_u64()?)))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            newest: number("newest"),
            origin: number("origin"),
            seen,
            floor: number("floor"),
            retired,
            filters: map
                .get("filters")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            missed_late: map.get("missed_late").and_then(Value::as_u64).unwrap_or(0),
        })
    }

    /// The last_run JSON.
    pub fn to_last_run(&self) -> Value {
        let seen: Map<String, Value> = self
            .seen
            .iter()
            .map(|(id, created)| (id.clone(), json!(created)))
            .collect();
        let retired: Map<String, Value> = self
            .retired
            .iter()
            .map(|(second, count)| (second.to_string(), json!(count)))
            .collect();
        json!({
            "version": LAST_RUN_VERSION,
            "newest": self.newest,
            "newest_time": self.newest.map(rfc3339_ms),
            "origin": self.origin,
            "floor": self.floor,
            "seen": seen,
            "retired": retired,
            "filters": self.filters,
            "missed_late": self.missed_late,
        })
    }

    /// Where the next query starts (epoch ms, a whole second): the newest creation time less
    /// the look-back, never before the floor; or `first_fetch` before the first incident.
    pub fn window_start(&self, first_fetch: DateTime<Utc>, look_back: TimeDelta) -> i64 {
        let start = match self.newest {
            Some(newest) => newest - look_back.num_milliseconds(),
            None => self
                .origin
                .unwrap_or_else(|| first_fetch.timestamp_millis()),
        };
        floor_to_second(start.max(self.floor.unwrap_or(i64::MIN)))
    }

    /// Records fetched alerts, moves the cursor, and forgets ids that fell out of the window:
    /// their counts move to the probe's record first.
    pub fn advance(
        &mut self,
        fetched: &[(String, i64)],
        settings_start: i64,
        look_back: TimeDelta,
    ) {
        self.origin.get_or_insert(settings_start);
        for (id, created) in fetched {
            self.seen.insert(id.clone(), *created);
            self.newest = Some(self.newest.map_or(*created, |newest| newest.max(*created)));
        }
        let Some(newest) = self.newest else {
            return;
        };
        let start = floor_to_second(
            (newest - look_back.num_milliseconds()).max(self.floor.unwrap_or(i64::MIN)),
        );
        // Windows only move forward: a later, larger look_back must not reach back below it.
        self.floor = Some(start);
        let leaving: Vec<String> = self
            .seen
            .iter()
            .filter(|(_, created)| **created < start)
            .map(|(id, _)| id.clone())
            .collect();
        for id in leaving {
            if let Some(created) = self.seen.remove(&id) {
                *self.retired.entry(created.div_euclid(1000)).or_default() += 1;
            }
        }
        self.cap_seen();
        let probe_start = (start - PROBE_MARGIN.num_milliseconds()).div_euclid(1000);
        self.retired.retain(|second, _| *second >= probe_start);
    }

    /// Keeps the seen set under [`MAX_SEEN`] by dropping whole seconds, oldest first, and raising
    /// the floor above them, so a dropped id can never be fetched again.
    fn cap_seen(&mut self) {
        while self.seen.len() > MAX_SEEN {
            let Some(oldest) = self.seen.values().min().copied() else {
                return;
            };
            let second_end = floor_to_second(oldest) + 1000;
            // The cursor's own second is never dropped: its alerts may still be coming in.
            if self.newest.is_some_and(|newest| newest < second_end) {
                return;
            }
            let retired = &mut self.retired;
            self.seen.retain(|_, created| {
                let keep = *created >= second_end;
                if !keep {
                    *retired.entry(created.div_euclid(1000)).or_default() += 1;
                }
                keep
            });
            self.floor = Some(self.floor.unwrap_or(i64::MIN).max(second_end));
        }
    }
}

/// Epoch milliseconds rounded down to a whole second.
pub fn floor_to_second(epoch_ms: i64) -> i64 {
    epoch_ms.div_euclid(1000) * 1000
}

/// ISO 8601 UTC with milliseconds, as XSOAR's `occurred` wants it.
pub fn rfc3339_ms(epoch_ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(epoch_ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_last_run_is_the_start_and_a_foreign_one_is_an_error() {
        assert_eq!(
            FetchState::from_last_run(&json!({})).unwrap(),
            FetchState::default()
        );
        assert!(
            FetchState::from_last_run(&json!({"last_fetch": 1581944401}))
                .unwrap_err()
                .contains("version none")
        );
        assert!(FetchState::from_last_run(&json!([])).is_err());
    }

    #[test]
    fn state_round_trips_through_last_run() {
        let mut state = FetchState {
            filters: "ACTIVE|Low|".into(),
            ..FetchState::default()
        };
        state.advance(
            &[
                ("a".into(), 5_000),
                ("b".into(), 5_000),
                ("c".into(), 3_500),
            ],
            1_000,
            TimeDelta::zero(),
        );
        let again = FetchState::from_last_run(&state.to_last_run()).unwrap();
        assert_eq!(again, state);
        assert_eq!(
            state.to_last_run()["newest_time"],
            "1970-01-01T00:00:05.000Z"
        );
    }

    #[test]
    fn the_window_keeps_the_ids_of_its_own_second_and_retires_the_rest() {
        let mut state = FetchState::default();
        state.advance(
            &[
                ("old".into(), 4_200),
                ("a".into(), 5_100),
                ("b".into(), 5_900),
            ],
            0,
            TimeDelta::zero(),
        );
        assert_eq!(
            state.window_start(DateTime::UNIX_EPOCH, TimeDelta::zero()),
            5_000
        );
        assert_eq!(state.seen.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(state.retired.get(&4), Some(&1));
        let mut wide = FetchState::default();
        wide.advance(
            &[("old".into(), 4_200), ("b".into(), 65_900)],
            0,
            TimeDelta::minutes(1),
        );
        assert_eq!(
            wide.window_start(DateTime::UNIX_EPOCH, TimeDelta::minutes(1)),
            5_000
        );
        assert!(wide.seen.contains_key("b") && !wide.seen.contains_key("old"));
    }

    #[test]
    fn the_seen_set_is_capped_by_whole_seconds_with_a_floor() {
        let mut state = FetchState::default();
        let many: Vec<(String, i64)> = (0..(MAX_SEEN as i64 + 10))
            .map(|n| (format!("id{n}"), 1_000 * (n / 10)))
            .collect();
        state.advance(&many, 0, TimeDelta::days(1));
        assert!(state.seen.len() <= MAX_SEEN);
        let floor = state.floor.unwrap();
        assert!(state.seen.values().all(|created| *created >= floor));
        assert_eq!(
            state.window_start(DateTime::UNIX_EPOCH, TimeDelta::days(1)),
            floor
        );
        assert!(state.to_last_run().to_string().len() < 1_000_000);
    }
}
