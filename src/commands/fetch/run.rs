//! One fetch run, as a pure function of the settings, the last run and an alert source: read the
//! window from the cursor (less the look-back), skip ids already fetched, page until `max_fetch`
//! new alerts or the end or the time budget, and return the incidents with the next cursor. It
//! writes nothing: the caller commits incidents and last_run together, or neither.

use std::collections::HashSet;
use std::future::Future;
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::incident::{created_ms, incident, xsoar_severity};
use super::settings::FetchSettings;
use super::state::{FetchState, PROBE_MARGIN, floor_to_second, rfc3339_ms};
use crate::client::{Alert, AlertFilter, AlertPage, Client, ClientError};

/// The largest page the API serves.
const MAX_PAGE: usize = 1000;

/// Where fetch reads alerts from: the vendor client, or a model in tests.
pub trait AlertSource {
    /// One page of alerts matching `filter`.
    fn page(
        &self,
        filter: &AlertFilter,
    ) -> impl Future<Output = Result<AlertPage, ClientError>> + Send;
}

impl AlertSource for Client<'_> {
    fn page(
        &self,
        filter: &AlertFilter,
    ) -> impl Future<Output = Result<AlertPage, ClientError>> + Send {
        self.list_alerts(filter)
    }
}

/// What a run found.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchOutcome {
    /// New incidents, oldest first.
    pub incidents: Vec<Value>,
    /// The next last_run; `None` when nothing changed (an empty run leaves last_run as it was).
    pub next: Option<FetchState>,
    /// What happened, for the log.
    pub report: FetchReport,
}

/// Counts and warnings of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchReport {
    /// Where the query started (RFC 3339).
    pub window_start: String,
    /// Pages read.
    pub pages: usize,
    /// Alerts skipped because an earlier run fetched them.
    pub skipped_seen: usize,
    /// Alerts fetched although created before the newest one of earlier runs: late arrivals the
    /// look-back rescued.
    pub late_rescued: usize,
    /// Paging stopped at the time budget.
    pub budget_exhausted: bool,
    /// Warnings to log (unknown severities, unreadable times, alerts missed for arriving too late).
    pub warnings: Vec<String>,
}

/// Runs one fetch against `source`.
pub async fn fetch(
    source: &impl AlertSource,
    settings: &FetchSettings,
    state: &FetchState,
    now: DateTime<Utc>,
) -> Result<FetchOutcome, ClientError> {
    let started = Instant::now();
    let start = state.window_start(settings.first_fetch, settings.look_back);
    let mut report = FetchReport {
        window_start: rfc3339_ms(start),
        ..FetchReport::default()
    };
    let mut filter = base_filter(settings, start);
    filter.limit =
        Some(u32::try_from((settings.max_fetch + state.seen.len()).min(MAX_PAGE)).unwrap_or(1000));
    let mut collected: Vec<Alert> = Vec::new();
    let mut taken: HashSet<String> = HashSet::new();
    'pages: loop {
        let page = source.page(&filter).await?;
        report.pages += 1;
        for alert in page.alerts {
            if state.seen.contains_key(&alert.id) || taken.contains(&alert.id) {
                report.skipped_seen += 1;
                continue;
            }
            taken.insert(alert.id.clone());
            collected.push(alert);
            if collected.len() == settings.max_fetch {
                break 'pages;
            }
        }
        let Some(cursor) = page.next_cursor else {
            break;
        };
        // The budget stops a run only once it made progress: pages of alerts fetched before are
        // bounded by the seen set, so skipping them always ends.
        if started.elapsed() >= settings.time_budget && !collected.is_empty() {
            report.budget_exhausted = true;
            break;
        }
        filter.cursor = Some(cursor);
    }
    if collected.is_empty() {
        return Ok(FetchOutcome {
            incidents: Vec::new(),
            next: None,
            report,
        });
    }

    let mut incidents = Vec::with_capacity(collected.len());
    let mut fetched = Vec::with_capacity(collected.len());
    for alert in &collected {
        let created = created_ms(&alert.created);
        if created.is_none() {
            report.warnings.push(format!(
                "alert {} has an unreadable created time `{}`; it is fetched with the fetch time as occurred",
                alert.id, alert.created
            ));
        }
        let severity = xsoar_severity(&alert.severity).unwrap_or_else(|| {
            report.warnings.push(format!(
                "alert {} has an unknown severity `{}`; its incident severity is 0 (unknown)",
                alert.id, alert.severity
            ));
            0
        });
        if state
            .newest
            .is_some_and(|newest| created.is_some_and(|created| created < newest))
        {
            report.late_rescued += 1;
        }
        incidents.push(incident(
            alert,
            created.unwrap_or_else(|| now.timestamp_millis()),
            severity,
        ));
        // An unreadable time keeps the id in the window's seen set while the window stays put.
        fetched.push((alert.id.clone(), created.unwrap_or(start)));
    }
    let mut next = state.clone();
    let fingerprint = settings.filters.fingerprint();
    if next.filters != fingerprint {
        // New filters: what lies below the window was selected differently, so the probe starts over.
        next.retired.clear();
        next.filters = fingerprint;
        next.origin = Some(next.origin.unwrap_or(start).max(start));
    }
    next.advance(&fetched, start, settings.look_back);
    probe_for_missed(source, settings, &mut next, &mut report).await;
    Ok(FetchOutcome {
        incidents,
        next: Some(next),
        report,
    })
}

fn base_filter(settings: &FetchSettings, start_ms: i64) -> AlertFilter {
    AlertFilter {
        created_after: Some(second_precision(start_ms)),
        ..settings.filters.alert_filter()
    }
}

fn second_precision(epoch_ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(floor_to_second(epoch_ms))
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Looks just below the window for alerts that became visible after the window passed them:
/// they will never be fetched, so each is reported once, in a warning and in `missed_late`.
/// A probe that fails is skipped: it must never fail a fetch that succeeded.
async fn probe_for_missed(
    source: &impl AlertSource,
    settings: &FetchSettings,
    state: &mut FetchState,
    report: &mut FetchReport,
) {
    if state.filters != settings.filters.fingerprint() {
        // The counts below the window were made with other filters.
        return;
    }
    let window_start = state.window_start(settings.first_fetch, settings.look_back);
    let probe_start = floor_to_second(
        (window_start - PROBE_MARGIN.num_milliseconds()).max(state.origin.unwrap_or(window_start)),
    );
    if probe_start >= window_start {
        return;
    }
    let mut filter = base_filter(settings, probe_start);
    filter.created_before = Some(second_precision(window_start));
    filter.limit = Some(u32::try_from(MAX_PAGE).unwrap_or(1000));
    let Ok(page) = source.page(&filter).await else {
        return;
    };
    // A full page may stop inside a second: only seconds wholly before its last one count.
    let complete_before = if page.next_cursor.is_some() {
        page.alerts
            .last()
            .and_then(|alert| created_ms(&alert.created))
            .map_or(i64::MIN, |ms| ms.div_euclid(1000))
    } else {
        i64::MAX
    };
    let mut visible: std::collections::BTreeMap<i64, Vec<&str>> = std::collections::BTreeMap::new();
    for alert in &page.alerts {
        if let Some(second) = created_ms(&alert.created)
            .map(|ms| ms.div_euclid(1000))
            .filter(|second| *second < complete_before)
        {
            visible.entry(second).or_default().push(&alert.id);
        }
    }
    for (second, ids) in visible {
        let counted = state.retired.entry(second).or_default();
        let extra = (ids.len() as u64).saturating_sub(*counted);
        if extra > 0 {
            report.warnings.push(format!(
                "missed late alert(s): {extra} alert(s) created at {} became visible more than look_back ({} min) after creation and will not be fetched; alerts of that second: {}. Raise look_back to fetch such alerts",
                rfc3339_ms(second * 1000),
                settings.look_back.num_minutes(),
                ids.join(", ")
            ));
            state.missed_late += extra;
            *counted = ids.len() as u64;
        }
    }
}
