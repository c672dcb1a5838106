//! The alert store: the simulator's ground truth. Alerts are kept sorted by (created, seq), the
//! order the list endpoint pages in, with an index from number to creation time so lookups by id
//! are a binary search. Generation from a seed is deterministic: the same flags give the same
//! alerts in every run.

use std::collections::HashMap;

use super::model::{ALERT_TYPES, AlertText, Severity, Status, StoredAlert};
use super::rng::SplitMix64;

/// How the backlog is generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Backlog {
    pub(crate) seed: u64,
    pub(crate) count: u64,
    /// The newest possible creation time, unix seconds.
    pub(crate) anchor: i64,
    /// How far back before the anchor the backlog reaches, in seconds.
    pub(crate) window_seconds: i64,
    /// The longest ingestion delay, in seconds (0: visible when created).
    pub(crate) ingest_delay_max: i64,
}

/// One page of a listing and where the next page starts.
#[derive(Debug)]
pub(crate) struct Page<'a> {
    pub(crate) alerts: Vec<&'a StoredAlert>,
    /// The (created, seq) of the last alert when more matching alerts follow.
    pub(crate) next: Option<(i64, u64)>,
}

/// What a listing asks for.
#[derive(Debug, Clone, Default)]
pub(crate) struct AlertQuery {
    pub(crate) status: Option<Status>,
    /// Empty means every severity.
    pub(crate) severities: Vec<Severity>,
    /// Empty means every type.
    pub(crate) types: Vec<String>,
    /// Inclusive, unix seconds.
    pub(crate) created_after: Option<i64>,
    /// Exclusive, unix seconds.
    pub(crate) created_before: Option<i64>,
    /// Strictly after this (created, seq): the keyset cursor.
    pub(crate) after: Option<(i64, u64)>,
    pub(crate) limit: usize,
    /// Only alerts visible at this time, unix seconds.
    pub(crate) now: i64,
}

impl AlertQuery {
    fn matches(&self, alert: &StoredAlert) -> bool {
        alert.visible_at <= self.now
            && self.status.is_none_or(|status| alert.status == status)
            && (self.severities.is_empty() || self.severities.contains(&alert.severity))
            && (self.types.is_empty() || self.types.iter().any(|kind| kind == alert.alert_type()))
    }
}

/// A note on an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Note {
    pub(crate) id: u64,
    pub(crate) text: String,
    pub(crate) author: String,
    pub(crate) created: i64,
}

/// Fields of an alert to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub(crate) struct AlertChange {
    pub(crate) status: Option<Status>,
    pub(crate) severity: Option<Severity>,
    /// `Some(None)` unassigns.
    pub(crate) assignee: Option<Option<String>>,
}

/// Every alert, sorted, with notes and an id index.
#[derive(Debug, Default)]
pub(crate) struct AlertStore {
    alerts: Vec<StoredAlert>,
    created_by_seq: HashMap<u64, i64>,
    notes: HashMap<u64, Vec<Note>>,
    next_seq: u64,
    next_note: u64,
}

impl AlertStore {
    /// A store holding the generated backlog.
    pub(crate) fn generate(backlog: &Backlog) -> Self {
        let mut rng = SplitMix64::for_purpose(backlog.seed, "backlog");
        let window = backlog.window_seconds.max(1);
        let mut created_times = Vec::with_capacity(usize::try_from(backlog.count).unwrap_or(0));
        let mut previous = backlog.anchor;
        for _ in 0..backlog.count {
            // Half the alerts land in the same second as the one before: bursts of alerts that
            // share a timestamp are what breaks naive fetch cursors.
            let created = if rng.chance(0.5) {
                previous
            } else {
                backlog.anchor - rng.below(window.unsigned_abs()).cast_signed()
            };
            created_times.push(created);
            previous = created;
        }
        created_times.sort_unstable();
        let mut store = Self {
            next_seq: 1,
            next_note: 1,
            ..Self::default()
        };
        store.alerts.reserve(created_times.len());
        for created in created_times {
            let seq = store.take_seq();
            let alert = generated_alert(&mut rng, seq, created, backlog.ingest_delay_max);
            store.created_by_seq.insert(seq, created);
            store.alerts.push(alert);
        }
        store
    }

    fn take_seq(&mut self) -> u64 {
        let seq = self.next_seq.max(1);
        self.next_seq = seq + 1;
        seq
    }

    /// How many alerts exist, visible or not.
    pub(crate) fn len(&self) -> usize {
        self.alerts.len()
    }

    /// Every alert in (created, seq) order, visible or not.
    pub(crate) fn all(&self) -> &[StoredAlert] {
        &self.alerts
    }

    fn position(&self, seq: u64) -> Option<usize> {
        let created = *self.created_by_seq.get(&seq)?;
        self.alerts
            .binary_search_by_key(&(created, seq), |alert| (alert.created, alert.seq))
            .ok()
    }

    /// The alert numbered `seq`.
    pub(crate) fn get(&self, seq: u64) -> Option<&StoredAlert> {
        self.position(seq).map(|index| &self.alerts[index])
    }

    /// One page of alerts matching `query`, in (created, seq) order.
    pub(crate) fn list(&self, query: &AlertQuery) -> Page<'_> {
        let start = match (query.after, query.created_after) {
            (Some(after), Some(floor)) => self.alerts.partition_point(|alert| {
                (alert.created, alert.seq) <= after || alert.created < floor
            }),
            (Some(after), None) => self
                .alerts
                .partition_point(|alert| (alert.created, alert.seq) <= after),
            (None, Some(floor)) => self.alerts.partition_point(|alert| alert.created < floor),
            (None, None) => 0,
        };
        let limit = query.limit.max(1);
        let mut alerts = Vec::with_capacity(limit.min(1000));
        let mut more = false;
        for alert in &self.alerts[start..] {
            if query
                .created_before
                .is_some_and(|ceiling| alert.created >= ceiling)
            {
                break;
            }
            if !query.matches(alert) {
                continue;
            }
            if alerts.len() == limit {
                more = true;
                break;
            }
            alerts.push(alert);
        }
        let next = if more {
            alerts.last().map(|alert| (alert.created, alert.seq))
        } else {
            None
        };
        Page { alerts, next }
    }

    /// Adds an alert and returns its number. `created` may be in the past (injected alerts).
    pub(crate) fn insert(
        &mut self,
        created: i64,
        visible_at: i64,
        severity: Severity,
        status: Status,
        text: AlertText,
    ) -> u64 {
        let seq = self.take_seq();
        let alert = StoredAlert {
            seq,
            created,
            visible_at,
            updated: created,
            type_index: 0,
            status,
            severity,
            assignee: None,
            text: Some(Box::new(text)),
        };
        self.place(alert)
    }

    /// Adds a generated-style alert created now (the `--rate` stream).
    pub(crate) fn insert_generated(
        &mut self,
        rng: &mut SplitMix64,
        created: i64,
        ingest_delay_max: i64,
    ) -> u64 {
        let seq = self.take_seq();
        let alert = StoredAlert {
            status: Status::Active,
            ..generated_alert(rng, seq, created, ingest_delay_max)
        };
        self.place(alert)
    }

    /// Puts an alert at its (created, seq) position and indexes it.
    fn place(&mut self, alert: StoredAlert) -> u64 {
        let (created, seq) = (alert.created, alert.seq);
        let index = self
            .alerts
            .partition_point(|other| (other.created, other.seq) < (created, seq));
        self.alerts.insert(index, alert);
        self.created_by_seq.insert(seq, created);
        seq
    }

    /// Applies `change` at time `now`; `None` when there is no such alert.
    pub(crate) fn update(
        &mut self,
        seq: u64,
        change: AlertChange,
        now: i64,
    ) -> Option<&StoredAlert> {
        let index = self.position(seq)?;
        let alert = &mut self.alerts[index];
        if let Some(status) = change.status {
            alert.status = status;
        }
        if let Some(severity) = change.severity {
            alert.severity = severity;
        }
        if let Some(assignee) = change.assignee {
            alert.assignee = assignee.map(String::into_boxed_str);
        }
        alert.updated = now.max(alert.created);
        Some(&self.alerts[index])
    }

    /// Removes an alert and its notes; false when there was none.
    pub(crate) fn delete(&mut self, seq: u64) -> bool {
        let Some(index) = self.position(seq) else {
            return false;
        };
        self.alerts.remove(index);
        self.created_by_seq.remove(&seq);
        self.notes.remove(&seq);
        true
    }

    /// The notes of an alert, oldest first; `None` when there is no such alert.
    pub(crate) fn notes(&self, seq: u64) -> Option<&[Note]> {
        self.position(seq)?;
        Some(self.notes.get(&seq).map_or(&[], Vec::as_slice))
    }

    /// Adds a note; `None` when there is no such alert.
    pub(crate) fn add_note(
        &mut self,
        seq: u64,
        text: String,
        author: String,
        now: i64,
    ) -> Option<Note> {
        self.position(seq)?;
        let note = Note {
            id: self.next_note,
            text,
            author,
            created: now,
        };
        self.next_note += 1;
        self.notes.entry(seq).or_default().push(note.clone());
        Some(note)
    }
}

/// A generated alert: random type, status and severity, visible up to `ingest_delay_max`
/// seconds after its creation.
fn generated_alert(
    rng: &mut SplitMix64,
    seq: u64,
    created: i64,
    ingest_delay_max: i64,
) -> StoredAlert {
    let delay = rng
        .below(ingest_delay_max.max(0).unsigned_abs() + 1)
        .cast_signed();
    StoredAlert {
        seq,
        created,
        visible_at: created + delay,
        updated: created,
        type_index: u8::try_from(rng.below(ALERT_TYPES.len() as u64)).unwrap_or(0),
        status: if rng.chance(0.8) {
            Status::Active
        } else {
            Status::Closed
        },
        severity: pick_severity(rng),
        assignee: None,
        text: None,
    }
}

/// Severities weighted like a real queue: mostly Low and Medium, few Critical.
fn pick_severity(rng: &mut SplitMix64) -> Severity {
    match rng.below(10) {
        0..=3 => Severity::Low,
        4..=6 => Severity::Medium,
        7..=8 => Severity::High,
        _ => Severity::Critical,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backlog(count: u64) -> Backlog {
        Backlog {
            seed: 7,
            count,
            anchor: 1_700_000_000,
            window_seconds: 2 * 86_400,
            ingest_delay_max: 0,
        }
    }

    fn query(limit: usize) -> AlertQuery {
        AlertQuery {
            limit,
            now: i64::MAX,
            ..AlertQuery::default()
        }
    }

    #[test]
    fn generation_is_deterministic_sorted_and_bursty() {
        let first = AlertStore::generate(&backlog(5000));
        let second = AlertStore::generate(&backlog(5000));
        assert_eq!(first.all(), second.all());
        assert!(
            first
                .all()
                .windows(2)
                .all(|pair| (pair[0].created, pair[0].seq) < (pair[1].created, pair[1].seq))
        );
        let shared = first
            .all()
            .windows(2)
            .filter(|pair| pair[0].created == pair[1].created)
            .count();
        assert!(
            shared > 1000,
            "only {shared} alerts share a second with the one before"
        );
        assert!(
            first
                .all()
                .iter()
                .all(|alert| alert.created <= 1_700_000_000)
        );
    }

    #[test]
    fn keyset_pages_return_every_alert_once() {
        let store = AlertStore::generate(&backlog(1000));
        let mut seen = Vec::new();
        let mut query = query(37);
        loop {
            let page = store.list(&query);
            seen.extend(page.alerts.iter().map(|alert| alert.seq));
            match page.next {
                Some(next) => query.after = Some(next),
                None => break,
            }
        }
        let expected: Vec<u64> = store.all().iter().map(|alert| alert.seq).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn filters_and_visibility_apply() {
        let mut store = AlertStore::default();
        let text = AlertText {
            alert_type: "Bug".into(),
            ..AlertText::default()
        };
        let early = store.insert(100, 100, Severity::High, Status::Active, text.clone());
        let late = store.insert(100, 500, Severity::Low, Status::Closed, text);
        let mut listing = query(10);
        listing.now = 200;
        assert_eq!(
            store
                .list(&listing)
                .alerts
                .iter()
                .map(|alert| alert.seq)
                .collect::<Vec<_>>(),
            [early]
        );
        listing.now = 500;
        listing.status = Some(Status::Closed);
        assert_eq!(store.list(&listing).alerts[0].seq, late);
        listing.status = None;
        listing.severities = vec![Severity::High];
        assert_eq!(store.list(&listing).alerts.len(), 1);
        listing.severities.clear();
        listing.types = vec!["Attack".into()];
        assert!(store.list(&listing).alerts.is_empty());
        listing.types.clear();
        listing.created_before = Some(100);
        assert!(store.list(&listing).alerts.is_empty());
        listing.created_before = None;
        listing.created_after = Some(101);
        assert!(store.list(&listing).alerts.is_empty());
    }

    #[test]
    fn update_delete_and_notes() {
        let mut store = AlertStore::generate(&backlog(10));
        let seq = store.all()[3].seq;
        let change = AlertChange {
            status: Some(Status::Closed),
            assignee: Some(Some("ana".into())),
            ..AlertChange::default()
        };
        let updated = store.update(seq, change, 1_800_000_000).unwrap();
        assert_eq!(updated.status, Status::Closed);
        assert_eq!(updated.assignee.as_deref(), Some("ana"));
        assert_eq!(updated.updated, 1_800_000_000);
        assert_eq!(store.notes(seq).unwrap().len(), 0);
        store
            .add_note(seq, "looked".into(), "analyst".into(), 5)
            .unwrap();
        assert_eq!(store.notes(seq).unwrap()[0].text, "looked");
        assert!(store.delete(seq));
        assert!(!store.delete(seq));
        assert!(store.get(seq).is_none());
        assert!(store.notes(seq).is_none());
        assert!(store.add_note(seq, "x".into(), "y".into(), 1).is_none());
    }
}
