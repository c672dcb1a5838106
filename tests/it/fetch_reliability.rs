//! The reliability of `fetch-incidents`, item by item of the B14 list of
//! `peers-and-failure-modes.md`: `run::fetch` driven in-process the way the command drives it
//! (commit the incidents and `next` together, keep the old state on an empty run or an error),
//! against the simulator (real HTTP, a movable clock) or against wiremock where an exact vendor
//! answer is the point; and the command end to end as a process.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::RangeInclusive;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use helloworld::client::{Client, ClientConfig, ClientError, NoCache, RetryPolicy};
use helloworld::commands::fetch::incident::created_ms;
use helloworld::commands::fetch::run::{self, AlertSource, FetchOutcome};
use helloworld::commands::fetch::settings::FetchSettings;
use helloworld::commands::fetch::state::{FetchState, MAX_SEEN};
use helloworld::sim::SimConfig;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::fetch_model::SplitMix64;
use crate::local_host::{assert_failed_with, json_output};
use crate::support::{Sim, helloworld, json_keys, run_with};

const TOKEN_PATH: &str = "/api/v2/auth/token";
const ALERTS_PATH: &str = "/api/v2/alerts";

// ---------------------------------------------------------------------------------------------
// Helpers: clients, settings, fixtures, and the fetch loop as the command runs it.
// ---------------------------------------------------------------------------------------------

/// Retries a few milliseconds apart (a `Retry-After` is capped at 20 ms), so tests stay fast.
pub(crate) fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(10),
        retry_after_cap: Duration::from_millis(20),
        total_budget: Duration::from_secs(5),
    }
}

/// A client of `url` with fast retries and no token cache but its own memory.
pub(crate) fn client_of(url: &str, api_key: &str) -> Client<'static> {
    let mut config = ClientConfig::new(url, api_key);
    config.retry = fast_retry();
    Client::new(&config, NoCache).unwrap()
}

fn sim_client(sim: &Sim) -> Client<'static> {
    client_of(&sim.running.url, &sim.running.api_key)
}

/// What most simulator tests start from: settings from `params` at the simulator's now, a
/// client of it, and a fetch loop with the empty state.
async fn on_sim(sim: &Sim, params: &Value) -> (FetchSettings, Client<'static>, Drive) {
    let settings = settings(params, sim.now().await);
    (settings, sim_client(sim), Drive::default())
}

/// Settings from fetch params laid over the defaults of these tests (max_fetch 10, first_fetch
/// 1 hour, Low, ACTIVE, look_back 0), relative times resolved against `now`.
pub(crate) fn settings(params: &Value, now: DateTime<Utc>) -> FetchSettings {
    let mut all = json!({"max_fetch": "10", "first_fetch": "1 hour", "min_severity": "Low", "alert_status": "ACTIVE", "look_back": "0"});
    for (name, value) in params.as_object().unwrap() {
        all[name] = value.clone();
    }
    FetchSettings::from_params(all.as_object().unwrap(), now).unwrap()
}

/// RFC 3339 in whole seconds, as the simulator takes it.
pub(crate) fn at(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `count` injectable alerts created at `created` (visible at once, Low, ACTIVE, Bug).
fn burst(count: usize, created: DateTime<Utc>) -> Vec<Value> {
    vec![json!({"created": at(created)}); count]
}

/// The dbotMirrorIds of incidents, in order.
pub(crate) fn mirror_ids(incidents: &[Value]) -> Vec<String> {
    incidents
        .iter()
        .map(|incident| incident["dbotMirrorId"].as_str().unwrap().to_owned())
        .collect()
}

/// The fetch loop of the command: the state XSOAR keeps, and every incident committed so far.
#[derive(Debug, Default)]
struct Drive {
    state: FetchState,
    committed: Vec<String>,
}

impl Drive {
    /// One run. Success commits the incidents and `next` together (an empty run keeps the
    /// state); an error commits nothing.
    async fn run(
        &mut self,
        source: &impl AlertSource,
        settings: &FetchSettings,
        now: DateTime<Utc>,
    ) -> Result<FetchOutcome, ClientError> {
        let outcome = run::fetch(source, settings, &self.state, now).await?;
        self.committed.extend(mirror_ids(&outcome.incidents));
        if let Some(next) = &outcome.next {
            self.state = next.clone();
        }
        Ok(outcome)
    }

    /// One run that must succeed.
    async fn ok(
        &mut self,
        source: &impl AlertSource,
        settings: &FetchSettings,
        now: DateTime<Utc>,
    ) -> FetchOutcome {
        self.run(source, settings, now)
            .await
            .unwrap_or_else(|error| panic!("the run failed: {error}"))
    }

    /// One run at the wall-clock now that must succeed; the ids of the incidents it committed.
    async fn ids_now(
        &mut self,
        source: &impl AlertSource,
        settings: &FetchSettings,
    ) -> Vec<String> {
        mirror_ids(&self.ok(source, settings, Utc::now()).await.incidents)
    }

    /// Runs until one comes back empty; returns the number of incidents of each run before it.
    async fn drain(
        &mut self,
        source: &impl AlertSource,
        settings: &FetchSettings,
        now: DateTime<Utc>,
    ) -> Vec<usize> {
        let mut sizes = Vec::new();
        loop {
            let outcome = self.ok(source, settings, now).await;
            if outcome.incidents.is_empty() {
                assert_eq!(outcome.next, None, "an empty run changes no state");
                return sizes;
            }
            sizes.push(outcome.incidents.len());
            assert!(sizes.len() < 1000, "the drain does not end");
        }
    }

    /// Asserts no incident was committed twice.
    fn assert_no_duplicate(&self) {
        let mut seen = HashSet::new();
        let twice: Vec<&String> = self
            .committed
            .iter()
            .filter(|id| !seen.insert(*id))
            .collect();
        assert!(twice.is_empty(), "committed twice: {twice:?}");
    }
}

/// A fresh simulator with no backlog.
async fn empty_sim() -> Sim {
    Sim::start(SimConfig {
        alerts: 0,
        ..SimConfig::new(11)
    })
    .await
}

/// Every alert of the simulator's ground truth (`/_sim/alerts`), in (created, id) order.
async fn ground_truth(sim: &Sim) -> Vec<Value> {
    sim.ground("/_sim/alerts").await["alerts"]
        .as_array()
        .unwrap()
        .clone()
}

// ---------------------------------------------------------------------------------------------
// A vendor API on wiremock that pages like the real one.
// ---------------------------------------------------------------------------------------------

/// Serves alerts (kept in (created, id) order) as `GET /api/v2/alerts` does: `created_after`
/// inclusive by whole second, at most `limit` and at most `page_cap` per page, and an opaque
/// cursor (an offset); or a 429 while `throttled` counts down. Clones share the alerts and the
/// count, so a test can change them between runs.
#[derive(Clone)]
struct Feed {
    alerts: Arc<Mutex<Vec<Value>>>,
    page_cap: usize,
    throttled: Arc<AtomicUsize>,
}

impl Feed {
    fn new(alerts: Vec<Value>, page_cap: usize) -> Self {
        Self {
            alerts: Arc::new(Mutex::new(alerts)),
            page_cap,
            throttled: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn push(&self, alerts: Vec<Value>) {
        self.alerts.lock().unwrap().extend(alerts);
    }

    /// Answers the next `requests` listings with a 429.
    fn throttle(&self, requests: usize) {
        self.throttled.store(requests, Ordering::SeqCst);
    }
}

impl Respond for Feed {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let throttled = self
            .throttled
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(1)
            });
        if throttled.is_ok() {
            return too_many();
        }
        let query: HashMap<String, String> = request.url.query_pairs().into_owned().collect();
        let after = query
            .get("created_after")
            .and_then(|text| created_ms(text))
            .unwrap_or(i64::MIN);
        let limit: usize = query
            .get("limit")
            .and_then(|text| text.parse().ok())
            .unwrap_or(50);
        let limit = limit.min(self.page_cap);
        let offset: usize = query
            .get("cursor")
            .and_then(|text| text.parse().ok())
            .unwrap_or(0);
        let alerts = self.alerts.lock().unwrap();
        let matching: Vec<&Value> = alerts
            .iter()
            .filter(|alert| created_ms(alert["created"].as_str().unwrap()).unwrap() >= after)
            .collect();
        let page: Vec<&Value> = matching.iter().skip(offset).take(limit).copied().collect();
        let next = (offset + limit < matching.len()).then(|| (offset + limit).to_string());
        ResponseTemplate::new(200).set_body_json(json!({"alerts": page, "next_cursor": next}))
    }
}

/// A vendor alert as the API sends it.
fn vendor_alert(id: &str, created: &str) -> Value {
    json!({"id": id, "name": format!("alert {id}"), "type": "Attack", "status": "ACTIVE", "severity": "High", "created": created, "description": "d"})
}

/// Vendor alerts `HW-<n>` created at `2025-11-20T12:00:0<n>Z`, for `n` of `numbers` (1 to 9).
fn numbered_alerts(numbers: RangeInclusive<u32>) -> Vec<Value> {
    numbers
        .map(|n| vendor_alert(&format!("HW-{n}"), &format!("2025-11-20T12:00:0{n}Z")))
        .collect()
}

/// The ids of [`numbered_alerts`] for `numbers`, in order.
fn numbered_ids(numbers: RangeInclusive<u32>) -> Vec<String> {
    numbers.map(|n| format!("HW-{n}")).collect()
}

/// Mounts on `server` a token endpoint that issues `access_token` for an hour.
pub(crate) async fn mount_token(server: &MockServer, access_token: &str) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": access_token, "expires_in": 3600})),
        )
        .mount(server)
        .await;
}

/// A wiremock vendor: `earlier` mocks (which win while they last), a token endpoint, and
/// `feed` behind `GET /api/v2/alerts`; with a client of it.
async fn vendor(feed: &Feed, earlier: Vec<Mock>) -> (MockServer, Client<'static>) {
    let server = MockServer::start().await;
    for mock in earlier {
        mock.mount(&server).await;
    }
    mount_token(&server, "t0k").await;
    Mock::given(method("GET"))
        .and(path(ALERTS_PATH))
        .respond_with(feed.clone())
        .mount(&server)
        .await;
    let client = client_of(&server.uri(), "hwk-test");
    (server, client)
}

/// The query strings of the window's alert listings `server` received, in order; the late-alert
/// probe's listings (the only ones with `created_before`) are left out.
async fn listings(server: &MockServer) -> Vec<HashMap<String, String>> {
    let queries = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|request| request.url.path() == ALERTS_PATH)
        .map(|request| {
            request
                .url
                .query_pairs()
                .into_owned()
                .collect::<HashMap<String, String>>()
        });
    queries
        .filter(|query| !query.contains_key("created_before"))
        .collect()
}

/// A fixed fetch time for the wiremock tests, after every alert they serve.
fn wiremock_now() -> DateTime<Utc> {
    "2025-11-21T00:00:00Z".parse().unwrap()
}

/// The settings of the wiremock tests: the defaults with `first_fetch`, at [`wiremock_now`].
fn wiremock_settings(first_fetch: &str) -> FetchSettings {
    settings(&json!({ "first_fetch": first_fetch }), wiremock_now())
}

// ---------------------------------------------------------------------------------------------
// B14-1 equal timestamps straddling max_fetch.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn alerts_sharing_one_second_across_max_fetch_are_each_fetched_once_in_order() {
    let sim = empty_sim().await;
    let base = sim.now().await - TimeDelta::minutes(10);
    let mut fixtures = Vec::new();
    for before in [5, 3, 1] {
        fixtures.extend(burst(1, base - TimeDelta::seconds(before)));
    }
    fixtures.extend(burst(25, base));
    for after in 1..=3 {
        fixtures.extend(burst(1, base + TimeDelta::seconds(after)));
    }
    // Injected in (created, id) order: ids grow with injection, times never go back.
    let expected = sim.inject(fixtures).await;
    let (settings, client, mut drive) = on_sim(&sim, &json!({"max_fetch": "10"})).await;
    let sizes = drive.drain(&client, &settings, Utc::now()).await;
    assert_eq!(sizes, [10, 10, 10, 1]);
    drive.assert_no_duplicate();
    assert_eq!(
        drive.committed, expected,
        "every alert once, in (created, id) order"
    );
}

// ---------------------------------------------------------------------------------------------
// B14-2 precision and timezone.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn creation_times_of_any_zone_and_precision_become_utc_milliseconds_and_a_whole_second_cursor()
 {
    let feed = Feed::new(
        vec![
            vendor_alert("HW-1", "2025-11-20T12:00:00Z"),
            vendor_alert("HW-2", "2025-11-20T14:00:01+02:00"),
            vendor_alert("HW-3", "2025-11-20T12:00:02.250Z"),
            vendor_alert("HW-4", "2025-11-20T12:00:03"),
            vendor_alert("HW-5", "2025-11-20T14:00:04.999+02:00"),
        ],
        100,
    );
    let (server, client) = vendor(&feed, Vec::new()).await;
    let settings = wiremock_settings("2025-11-20T11:30:00.5Z");
    let mut drive = Drive::default();
    let first = drive.ok(&client, &settings, wiremock_now()).await;
    let occurred: Vec<&str> = first
        .incidents
        .iter()
        .map(|incident| incident["occurred"].as_str().unwrap())
        .collect();
    assert_eq!(
        occurred,
        [
            "2025-11-20T12:00:00.000Z",
            "2025-11-20T12:00:01.000Z",
            "2025-11-20T12:00:02.250Z",
            "2025-11-20T12:00:03.000Z",
            "2025-11-20T12:00:04.999Z"
        ]
    );
    let second = drive.ok(&client, &settings, wiremock_now()).await;
    assert!(second.incidents.is_empty(), "{:?}", second.incidents);
    let queries = listings(&server).await;
    let created_after: Vec<&str> = queries
        .iter()
        .map(|query| query["created_after"].as_str())
        .collect();
    // The first run starts at first_fetch's whole second; the next at the newest alert's
    // second in UTC, rounded down so that the rest of that second is read again.
    assert_eq!(
        created_after,
        ["2025-11-20T11:30:00Z", "2025-11-20T12:00:04Z"]
    );
    assert_eq!(
        drive.state.to_last_run()["newest_time"],
        "2025-11-20T12:00:04.999Z"
    );
}

// ---------------------------------------------------------------------------------------------
// B14-3 late visibility.
// ---------------------------------------------------------------------------------------------

/// An alert 30 s old, and `late`, created 40 s ago but visible only in two minutes.
async fn with_a_late_alert(sim: &Sim) -> (String, String) {
    let now = sim.now().await;
    let on_time = sim
        .inject(burst(1, now - TimeDelta::seconds(30)))
        .await
        .remove(0);
    let late = json!({"created": at(now - TimeDelta::seconds(40)), "visible_at": at(now + TimeDelta::seconds(120))});
    (on_time, sim.inject(vec![late]).await.remove(0))
}

#[tokio::test]
async fn an_alert_visible_late_within_look_back_is_fetched_once_in_the_run_after_it_appears() {
    let sim = empty_sim().await;
    let (on_time, late) = with_a_late_alert(&sim).await;
    let (settings, client, mut drive) = on_sim(&sim, &json!({"look_back": "5"})).await;
    assert_eq!(
        drive.ids_now(&client, &settings).await,
        std::slice::from_ref(&on_time)
    );
    sim.advance_clock(60).await;
    assert!(
        drive.ids_now(&client, &settings).await.is_empty(),
        "not visible yet"
    );
    sim.advance_clock(61).await;
    let found = drive.ok(&client, &settings, Utc::now()).await;
    assert_eq!(mirror_ids(&found.incidents), std::slice::from_ref(&late));
    assert_eq!(found.report.late_rescued, 1);
    for _ in 0..3 {
        assert!(drive.ids_now(&client, &settings).await.is_empty());
        sim.advance_clock(30).await;
    }
    assert_eq!(drive.committed, [on_time, late]);
    assert_eq!(drive.state.missed_late, 0);
}

#[tokio::test]
async fn an_alert_visible_later_than_look_back_is_not_fetched_and_is_reported_once() {
    let sim = empty_sim().await;
    let (on_time, late) = with_a_late_alert(&sim).await;
    // A new alert arrives when the late one becomes visible, so that run has something to do.
    let arriving = sim
        .inject(burst(1, sim.now().await + TimeDelta::seconds(120)))
        .await
        .remove(0);
    let (settings, client, mut drive) = on_sim(&sim, &json!({"look_back": "0"})).await;
    drive.ok(&client, &settings, Utc::now()).await;
    sim.advance_clock(121).await;
    let found = drive.ok(&client, &settings, Utc::now()).await;
    assert_eq!(
        mirror_ids(&found.incidents),
        std::slice::from_ref(&arriving)
    );
    let warnings: Vec<&String> = found
        .report
        .warnings
        .iter()
        .filter(|warning| warning.contains("missed late alert(s)"))
        .collect();
    assert_eq!(warnings.len(), 1, "{:?}", found.report.warnings);
    assert!(
        warnings[0].contains(&late),
        "the warning names the alert: {}",
        warnings[0]
    );
    assert_eq!(drive.state.missed_late, 1);
    // Later runs neither fetch it nor count it again.
    let newer = sim.inject(burst(1, sim.now().await)).await.remove(0);
    let later = drive.ok(&client, &settings, Utc::now()).await;
    assert!(
        later.report.warnings.is_empty(),
        "{:?}",
        later.report.warnings
    );
    assert_eq!(drive.state.missed_late, 1);
    assert_eq!(drive.committed, [on_time, arriving, newer]);
}

#[tokio::test]
async fn a_late_alert_that_appears_while_nothing_new_arrives_is_still_counted_as_missed() {
    // The guarantee: "the run that finds it logs a `missed late alert(s)` warning naming it,
    // and last_run's `missed_late` counts all of them". Here the late alert becomes visible
    // during a quiet spell; the next new alert comes 15 minutes later.
    let sim = empty_sim().await;
    let (_, late) = with_a_late_alert(&sim).await;
    let (settings, client, mut drive) = on_sim(&sim, &json!({"look_back": "0"})).await;
    let mut warnings = Vec::new();
    drive.ok(&client, &settings, Utc::now()).await;
    for _ in 0..6 {
        sim.advance_clock(180).await;
        warnings.extend(
            drive
                .ok(&client, &settings, Utc::now())
                .await
                .report
                .warnings,
        );
    }
    sim.inject(burst(1, sim.now().await)).await;
    warnings.extend(
        drive
            .ok(&client, &settings, Utc::now())
            .await
            .report
            .warnings,
    );
    assert!(!drive.committed.contains(&late));
    assert_eq!(
        drive.state.missed_late, 1,
        "the late alert {late} was visible for 16 minutes of runs and is counted nowhere; warnings: {warnings:?}"
    );
    assert!(
        warnings.iter().any(|warning| warning.contains(&late)),
        "no run named {late}: {warnings:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// B14-4 empty pages.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_run_with_nothing_new_changes_nothing_reads_one_page_and_fails_nothing() {
    let sim = empty_sim().await;
    let (settings, client, mut drive) = on_sim(&sim, &json!({})).await;
    // Before the first alert ever: empty, and the state stays the empty one.
    let nothing = drive.ok(&client, &settings, Utc::now()).await;
    assert_eq!(
        (
            nothing.incidents.len(),
            nothing.next.clone(),
            nothing.report.pages
        ),
        (0, None, 1)
    );
    let ids = sim
        .inject(burst(3, sim.now().await - TimeDelta::seconds(5)))
        .await;
    assert_eq!(drive.ids_now(&client, &settings).await.len(), 3);
    let committed = drive.state.clone();
    for round in 0..4 {
        sim.advance_clock(20).await;
        let empty = drive.ok(&client, &settings, Utc::now()).await;
        assert!(empty.incidents.is_empty(), "round {round}");
        assert_eq!(
            empty.next, None,
            "round {round}: an empty run writes no last_run"
        );
        assert_eq!(
            empty.report.pages, 1,
            "round {round}: one page, no re-query loop"
        );
        assert_eq!(
            empty.report.skipped_seen, 3,
            "round {round}: the window's ids are kept"
        );
        assert!(
            empty.report.warnings.is_empty(),
            "round {round}: {:?}",
            empty.report.warnings
        );
        assert_eq!(drive.state, committed, "round {round}");
    }
    assert_eq!(drive.committed, ids);
}

// ---------------------------------------------------------------------------------------------
// B14-5 backlog drain.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_backlog_of_ten_times_max_fetch_drains_in_exactly_ten_full_runs() {
    let sim = empty_sim().await;
    let start = sim.now().await - TimeDelta::minutes(30);
    // 200 alerts over 40 seconds, five to a second: every run ends inside a second.
    let fixtures: Vec<Value> = (0..200)
        .map(|n| json!({"created": at(start + TimeDelta::seconds(n / 5))}))
        .collect();
    let expected = sim.inject(fixtures).await;
    let (settings, client, mut drive) = on_sim(&sim, &json!({"max_fetch": "20"})).await;
    for run in 1..=10 {
        let outcome = drive.ok(&client, &settings, Utc::now()).await;
        assert_eq!(outcome.incidents.len(), 20, "run {run}");
        assert_eq!(
            outcome.report.pages, 1,
            "run {run}: pages per run stay bounded"
        );
    }
    let last = drive.ok(&client, &settings, Utc::now()).await;
    assert!(last.incidents.is_empty() && last.next.is_none());
    drive.assert_no_duplicate();
    assert_eq!(drive.committed, expected);
}

// ---------------------------------------------------------------------------------------------
// B14-7 failure mid-page.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_failure_on_the_second_page_commits_nothing_and_the_next_run_fetches_everything_once() {
    let feed = Feed::new(numbered_alerts(1..=8), 4);
    // The page after the first fails once with a 500 (not retried: the server acted and failed).
    let failing = Mock::given(method("GET"))
        .and(path(ALERTS_PATH))
        .and(query_param("cursor", "4"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"error": "internal", "message": "boom"})),
        )
        .up_to_n_times(1)
        .expect(1);
    let (server, client) = vendor(&feed, vec![failing]).await;
    let settings = wiremock_settings("2025-11-20T11:00:00Z");
    let mut drive = Drive::default();
    let error = drive
        .run(&client, &settings, wiremock_now())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("500"), "{error}");
    assert_eq!(
        drive.state,
        FetchState::default(),
        "a failed run leaves the last run as it was"
    );
    assert!(drive.committed.is_empty());
    assert_eq!(
        listings(&server).await.len(),
        2,
        "page 1, then the failing page 2"
    );
    let sizes = drive.drain(&client, &settings, wiremock_now()).await;
    assert_eq!(sizes, [8]);
    assert_eq!(drive.committed, numbered_ids(1..=8));
}

// ---------------------------------------------------------------------------------------------
// B14-8 a bounded seen set.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_last_run_stays_small_while_thousands_of_alerts_sharing_three_seconds_drain() {
    let sim = empty_sim().await;
    let start = sim.now().await - TimeDelta::minutes(5);
    let mut fixtures = Vec::new();
    for second in 0..3 {
        fixtures.extend(burst(1000, start + TimeDelta::seconds(second)));
    }
    let expected = sim.inject(fixtures).await;
    let (settings, client, mut drive) = on_sim(&sim, &json!({"max_fetch": "200"})).await;
    loop {
        let outcome = drive.ok(&client, &settings, Utc::now()).await;
        let size = drive.state.to_last_run().to_string().len();
        assert!(size < 100_000, "the last_run is {size} bytes");
        assert!(drive.state.seen.len() <= MAX_SEEN);
        if outcome.incidents.is_empty() {
            break;
        }
    }
    drive.assert_no_duplicate();
    assert_eq!(drive.committed, expected);
}

/// `counts[n]` alerts created in second `n` after `start`; the ids with their creation times
/// (epoch ms), in (created, id) order.
async fn inject_seconds(sim: &Sim, start: DateTime<Utc>, counts: &[usize]) -> Vec<(String, i64)> {
    let mut fixtures = Vec::new();
    let mut times = Vec::new();
    for (second, count) in counts.iter().enumerate() {
        let created = start + TimeDelta::seconds(i64::try_from(second).unwrap());
        fixtures.extend(burst(*count, created));
        times.extend(std::iter::repeat_n(created.timestamp_millis(), *count));
    }
    let ids = sim.inject(fixtures).await;
    ids.into_iter().zip(times).collect()
}

/// The ids of alerts given with their creation times, in order.
fn ids_of(alerts: &[(String, i64)]) -> Vec<String> {
    alerts.iter().map(|(id, _)| id.clone()).collect()
}

/// The state that earlier runs under `settings` left after fetching `earlier` (ids with their
/// creation times).
fn state_after(settings: &FetchSettings, earlier: &[(String, i64)]) -> FetchState {
    let mut state = FetchState {
        filters: settings.filters.fingerprint(),
        ..FetchState::default()
    };
    state.advance(
        earlier,
        settings.first_fetch.timestamp_millis(),
        settings.look_back,
    );
    state
}

#[tokio::test]
async fn a_seen_set_over_max_seen_is_capped_by_whole_seconds_and_nothing_is_fetched_twice() {
    let sim = empty_sim().await;
    let start = sim.now().await - TimeDelta::minutes(20);
    // 20 seconds of 1,000 alerts, then 700 more in the 21st second.
    let mut counts = vec![1000; 20];
    counts.push(700);
    let all = inject_seconds(&sim, start, &counts).await;
    let params = json!({"max_fetch": "200", "look_back": "60"});
    let (settings, client, mut drive) = on_sim(&sim, &params).await;
    // Earlier runs fetched the first 20,300: more than MAX_SEEN ids inside the look-back.
    let (earlier, rest) = all.split_at(MAX_SEEN + 300);
    let state = state_after(&settings, earlier);
    assert!(
        state.seen.len() <= MAX_SEEN,
        "{} ids kept",
        state.seen.len()
    );
    let second_ms = start.timestamp_millis() + 1000;
    assert_eq!(
        state.floor,
        Some(second_ms),
        "the oldest whole second is dropped, the floor is raised above it"
    );
    assert!(state.seen.values().all(|created| *created >= second_ms));
    let kept: BTreeSet<&String> = earlier
        .iter()
        .filter(|(_, created)| *created >= second_ms)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        state.seen.keys().collect::<BTreeSet<_>>(),
        kept,
        "only whole seconds are dropped"
    );
    assert_eq!(
        state.window_start(settings.first_fetch, settings.look_back),
        second_ms
    );

    drive.state = state;
    drive.drain(&client, &settings, Utc::now()).await;
    drive.assert_no_duplicate();
    assert_eq!(
        drive.committed,
        ids_of(rest),
        "the rest once, and no id fetched by the earlier runs"
    );
    assert!(drive.state.seen.len() <= MAX_SEEN);
    assert!(drive.state.to_last_run().to_string().len() < 1_000_000);
}

#[tokio::test]
async fn a_second_holding_more_than_max_seen_alerts_loses_none_of_them() {
    // 20,500 alerts share one second; earlier runs fetched the first 20,000 of them.
    let sim = empty_sim().await;
    let start = sim.now().await - TimeDelta::minutes(5);
    let all = inject_seconds(&sim, start, &[MAX_SEEN + 500]).await;
    let (settings, client, mut drive) = on_sim(&sim, &json!({"max_fetch": "200"})).await;
    let (earlier, rest) = all.split_at(MAX_SEEN);
    drive.state = state_after(&settings, earlier);
    drive.drain(&client, &settings, Utc::now()).await;
    drive.assert_no_duplicate();
    let expected = ids_of(rest);
    assert_eq!(
        drive.committed.len(),
        expected.len(),
        "{} of the {} unfetched alerts of the crowded second were fetched; missed_late = {}, floor = {:?}",
        drive.committed.len(),
        expected.len(),
        drive.state.missed_late,
        drive.state.floor
    );
    assert_eq!(drive.committed, expected);
}

// ---------------------------------------------------------------------------------------------
// B14-12 429 during fetch.
// ---------------------------------------------------------------------------------------------

/// A 429 asking to come back in a second (capped to 20 ms by [`fast_retry`]).
fn too_many() -> ResponseTemplate {
    ResponseTemplate::new(429)
        .insert_header("Retry-After", "1")
        .set_body_json(json!({"error": "rate_limited", "message": "slow down"}))
}

#[tokio::test]
async fn a_429_is_retried_within_the_run_and_a_persistent_429_fails_it_without_moving_the_cursor() {
    let feed = Feed::new(numbered_alerts(1..=4), 100);
    let (server, client) = vendor(&feed, Vec::new()).await;
    let settings = wiremock_settings("2025-11-20T11:00:00Z");
    let mut drive = Drive::default();
    feed.throttle(1);
    let first = drive.ok(&client, &settings, wiremock_now()).await;
    assert_eq!(
        mirror_ids(&first.incidents),
        ["HW-1", "HW-2", "HW-3", "HW-4"]
    );
    assert_eq!(listings(&server).await.len(), 2, "one 429, then the retry");
    let committed = drive.state.clone();

    feed.push(numbered_alerts(5..=6));
    feed.throttle(usize::MAX);
    let error = drive
        .run(&client, &settings, wiremock_now())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("429"), "{error}");
    assert_eq!(
        drive.state, committed,
        "a failed run leaves the last run as it was"
    );
    let attempts = usize::try_from(fast_retry().max_attempts).unwrap();
    assert_eq!(
        listings(&server).await.len(),
        2 + attempts,
        "retries are capped"
    );

    feed.throttle(0);
    drive.drain(&client, &settings, wiremock_now()).await;
    assert_eq!(
        drive.committed,
        numbered_ids(1..=6),
        "each alert once over the three runs"
    );
}

// ---------------------------------------------------------------------------------------------
// B14-16 time budget.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_run_out_of_time_returns_what_it_has_and_the_next_run_continues() {
    let sim = empty_sim().await;
    let start = sim.now().await - TimeDelta::minutes(10);
    // 900 alerts share a second, then 300 follow, ten to a second: once 900 ids of the crowded
    // second are kept, the first page (1,000 at most) holds only 100 new alerts.
    let mut counts = vec![900];
    counts.extend([10; 30]);
    let all = inject_seconds(&sim, start, &counts).await;
    let (mut settings, client, mut drive) = on_sim(&sim, &json!({"max_fetch": "180"})).await;
    for _ in 0..5 {
        assert_eq!(drive.ids_now(&client, &settings).await.len(), 180);
    }
    assert_eq!(drive.state.seen.len(), 900);
    settings.time_budget = Duration::ZERO;
    let cut = drive.ok(&client, &settings, Utc::now()).await;
    assert!(cut.report.budget_exhausted);
    assert_eq!(cut.report.pages, 1, "it stops after the first page");
    assert_eq!(cut.incidents.len(), 100, "what the first page had");
    let next = cut.next.clone().unwrap();
    let newest = next.newest.unwrap();
    assert_eq!(
        Some(newest),
        created_ms(cut.incidents.last().unwrap()["occurred"].as_str().unwrap())
    );
    assert!(
        next.seen
            .values()
            .all(|created| *created >= newest / 1000 * 1000),
        "the window's ids only"
    );
    let sizes = drive.drain(&client, &settings, Utc::now()).await;
    assert_eq!(sizes.iter().sum::<usize>(), 200);
    drive.assert_no_duplicate();
    assert_eq!(drive.committed, ids_of(&all));
}

#[tokio::test]
async fn a_run_out_of_time_on_pages_of_already_fetched_alerts_still_makes_progress() {
    // 1,200 alerts share a second. After five runs of 200 the window keeps 1,000 ids, which fill
    // the whole first page (1,000 at most). A run whose budget is spent after that page (a slow
    // vendor) has collected nothing.
    let sim = empty_sim().await;
    let start = sim.now().await - TimeDelta::minutes(10);
    let all = inject_seconds(&sim, start, &[1200]).await;
    let (mut settings, client, mut drive) = on_sim(&sim, &json!({"max_fetch": "200"})).await;
    for _ in 0..5 {
        drive.ok(&client, &settings, Utc::now()).await;
    }
    settings.time_budget = Duration::ZERO;
    let mut reports = Vec::new();
    for _ in 0..5 {
        let outcome = drive.ok(&client, &settings, Utc::now()).await;
        reports.push((
            outcome.incidents.len(),
            outcome.report.pages,
            outcome.report.budget_exhausted,
            outcome.next.is_some(),
        ));
    }
    drive.assert_no_duplicate();
    assert_eq!(
        drive.committed.len(),
        all.len(),
        "five more runs fetched {} of the last 200; each run (incidents, pages, budget_exhausted, wrote last_run): {reports:?}",
        drive.committed.len() - 1000
    );
}

// ---------------------------------------------------------------------------------------------
// B14-17 first_fetch far in the past.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_first_fetch_a_year_back_over_a_large_backlog_is_bounded_and_catches_up_in_order() {
    let sim = Sim::start(SimConfig {
        alerts: 3000,
        days: 300,
        ..SimConfig::new(17)
    })
    .await;
    let active: Vec<String> = ground_truth(&sim)
        .await
        .iter()
        .filter(|alert| alert["status"] == "ACTIVE")
        .map(|alert| alert["id"].as_str().unwrap().to_owned())
        .collect();
    let params = json!({"max_fetch": "200", "first_fetch": "365 days"});
    let (settings, client, mut drive) = on_sim(&sim, &params).await;
    let mut newest = i64::MIN;
    for run in 0..6 {
        let outcome = drive.ok(&client, &settings, Utc::now()).await;
        assert_eq!(
            outcome.incidents.len(),
            200,
            "run {run} is bounded by max_fetch"
        );
        assert_eq!(outcome.report.pages, 1, "run {run}");
        let next = drive.state.newest.unwrap();
        assert!(next > newest, "run {run}: the cursor moves forward");
        newest = next;
    }
    drive.assert_no_duplicate();
    assert_eq!(
        drive.committed,
        active[..1200],
        "the oldest first, none skipped"
    );
}

// ---------------------------------------------------------------------------------------------
// B14-18 filter changes between runs.
// ---------------------------------------------------------------------------------------------

/// A batch of alerts from `start`, three to a second, of every severity and two types.
fn mixed_batch(start: DateTime<Utc>, count: i64) -> Vec<Value> {
    const SEVERITIES: [&str; 4] = ["Low", "Medium", "High", "Critical"];
    (0..count)
        .map(|n| {
            json!({
                "created": at(start + TimeDelta::seconds(n / 3)),
                "severity": SEVERITIES[usize::try_from(n % 4).unwrap()],
                "type": if n % 3 == 0 { "Attack" } else { "Bug" },
            })
        })
        .collect()
}

/// The ids of `batch` (with `ids`) whose severity and type `keep` accepts.
fn matching(batch: &[Value], ids: &[String], keep: impl Fn(&str, &str) -> bool) -> Vec<String> {
    batch
        .iter()
        .zip(ids)
        .filter(|(alert, _)| {
            keep(
                alert["severity"].as_str().unwrap(),
                alert["type"].as_str().unwrap(),
            )
        })
        .map(|(_, id)| id.clone())
        .collect()
}

#[tokio::test]
async fn changing_the_filters_between_runs_never_corrupts_the_cursor() {
    let sim = empty_sim().await;
    let now = sim.now().await;
    let client = sim_client(&sim);
    let mut drive = Drive::default();
    let serious = |severity: &str| severity == "High" || severity == "Critical";

    let batch = mixed_batch(now - TimeDelta::minutes(30), 40);
    let ids = sim.inject(batch.clone()).await;
    let low = settings(&json!({"max_fetch": "7", "min_severity": "Low"}), now);
    drive.drain(&client, &low, Utc::now()).await;
    assert_eq!(drive.committed, ids);

    let batch = mixed_batch(now - TimeDelta::minutes(20), 40);
    let ids = sim.inject(batch.clone()).await;
    let high = settings(&json!({"max_fetch": "7", "min_severity": "High"}), now);
    let before = drive.committed.len();
    drive.drain(&client, &high, Utc::now()).await;
    assert_eq!(
        drive.committed[before..],
        matching(&batch, &ids, |severity, _| serious(severity))
    );

    let batch = mixed_batch(now - TimeDelta::minutes(10), 40);
    let ids = sim.inject(batch.clone()).await;
    let attacks = settings(
        &json!({"max_fetch": "7", "min_severity": "High", "alert_type": "Attack"}),
        now,
    );
    let before = drive.committed.len();
    drive.drain(&client, &attacks, Utc::now()).await;
    assert_eq!(
        drive.committed[before..],
        matching(&batch, &ids, |severity, kind| serious(severity)
            && kind == "Attack")
    );

    // Back to everything: only what is new, and the window's one second re-read finds no duplicate.
    let batch = mixed_batch(now - TimeDelta::minutes(5), 12);
    let ids = sim.inject(batch).await;
    let before = drive.committed.len();
    drive.drain(&client, &low, Utc::now()).await;
    assert_eq!(drive.committed[before..], ids);
    drive.assert_no_duplicate();
    assert_eq!(drive.state.missed_late, 0);
}

#[tokio::test]
async fn raising_look_back_between_runs_fetches_nothing_twice() {
    // The missed-late warning says "Raise look_back to fetch such alerts"; doing so must not
    // re-create the incidents that the wider window now covers again.
    let sim = empty_sim().await;
    let now = sim.now().await;
    let ids = sim
        .inject(vec![
            json!({"created": at(now - TimeDelta::minutes(20))}),
            json!({"created": at(now - TimeDelta::minutes(10))}),
            json!({"created": at(now - TimeDelta::minutes(1))}),
        ])
        .await;
    let client = sim_client(&sim);
    let mut drive = Drive::default();
    drive
        .drain(
            &client,
            &settings(&json!({"look_back": "0"}), now),
            Utc::now(),
        )
        .await;
    assert_eq!(drive.committed, ids);
    let wider = settings(&json!({"look_back": "30"}), now);
    let again = drive.ok(&client, &wider, Utc::now()).await;
    assert_eq!(
        mirror_ids(&again.incidents),
        Vec::<String>::new(),
        "re-fetched after look_back went from 0 to 30 minutes"
    );
    drive.assert_no_duplicate();
}

// ---------------------------------------------------------------------------------------------
// B14-20 crash at any point.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_crash_before_the_commit_at_random_points_loses_nothing_and_duplicates_nothing() {
    let sim = empty_sim().await;
    let now = sim.now().await;
    let mut rng = SplitMix64::new(20);
    // 300 alerts over two minutes in bursts, a third of them visible up to 4 minutes late.
    let mut fixtures = Vec::new();
    let mut second = 0;
    while fixtures.len() < 300 {
        second += rng.below(3);
        let created =
            now - TimeDelta::minutes(2) + TimeDelta::seconds(i64::try_from(second).unwrap());
        for _ in 0..=rng.below(12) {
            let delay = if rng.below(3) == 0 { rng.below(240) } else { 0 };
            let visible = created + TimeDelta::seconds(i64::try_from(delay).unwrap());
            fixtures.push(json!({"created": at(created), "visible_at": at(visible)}));
        }
    }
    let expected: BTreeSet<String> = sim.inject(fixtures).await.into_iter().collect();
    let params = json!({"max_fetch": "25", "look_back": "5"});
    let (settings, client, mut drive) = on_sim(&sim, &params).await;
    let (mut crashes, mut empty_in_a_row, mut elapsed) = (0, 0, 0);
    while elapsed < 300 || empty_in_a_row < 2 {
        let outcome = run::fetch(&client, &settings, &drive.state, Utc::now())
            .await
            .unwrap();
        if rng.below(3) == 0 {
            // The process died after the run and before XSOAR stored anything.
            crashes += 1;
            continue;
        }
        empty_in_a_row = if outcome.incidents.is_empty() {
            empty_in_a_row + 1
        } else {
            0
        };
        drive.committed.extend(mirror_ids(&outcome.incidents));
        if let Some(next) = outcome.next {
            drive.state = next;
        }
        let step = rng.below(40);
        sim.advance_clock(i64::try_from(step).unwrap()).await;
        elapsed += step;
    }
    assert!(crashes > 5, "only {crashes} crashes");
    drive.assert_no_duplicate();
    assert_eq!(
        drive.committed.iter().cloned().collect::<BTreeSet<_>>(),
        expected
    );
    assert_eq!(drive.state.missed_late, 0);
}

// ---------------------------------------------------------------------------------------------
// The command end to end.
// ---------------------------------------------------------------------------------------------

/// `helloworld run fetch-incidents --json` with `params` and `extra` arguments.
fn fetch_command(url: &str, api_key: &str, params: &[&str], extra: &[&str]) -> crate::support::Run {
    let mut command = helloworld();
    command
        .args([
            "run",
            "fetch-incidents",
            "--json",
            "-p",
            &format!("url={url}"),
        ])
        .env("HELLOWORLD_API_KEY", api_key);
    for param in params {
        command.args(["-p", param]);
    }
    run_with(command.args(extra))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_command_fetches_five_then_the_next_five_and_refuses_bad_input_clearly() {
    let sim = empty_sim().await;
    let now = sim.now().await;
    let fixtures: Vec<Value> = (0..12).map(|n| json!({"created": at(now - TimeDelta::minutes(10) + TimeDelta::seconds(n / 3)), "description": format!("d{n}")})).collect();
    let ids = sim.inject(fixtures).await;
    let (url, key) = (sim.running.url.clone(), sim.running.api_key.clone());
    let (first, second, bad_param, bad_last_run) = tokio::task::spawn_blocking(move || {
        let first = fetch_command(&url, &key, &["max_fetch=5"], &[]);
        let document: Value = serde_json::from_str(&first.stdout).unwrap_or_default();
        let last_run = document["last_run"].to_string();
        let second = fetch_command(&url, &key, &["max_fetch=5"], &["--last-run", &last_run]);
        let bad_param = fetch_command(&url, &key, &["max_fetch=500"], &[]);
        let bad_last_run = fetch_command(
            &url,
            &key,
            &["max_fetch=5"],
            &["--last-run", r#"{"foo":1}"#],
        );
        (first, second, bad_param, bad_last_run)
    })
    .await
    .unwrap();

    let mut fetched = Vec::new();
    for run in [&first, &second] {
        let document = json_output(run);
        let incidents = document["incidents"].as_array().unwrap();
        assert_eq!(incidents.len(), 5);
        for incident in incidents {
            let keys: BTreeSet<&str> = json_keys(incident).into_iter().collect();
            assert_eq!(
                keys,
                BTreeSet::from([
                    "name",
                    "occurred",
                    "rawJSON",
                    "severity",
                    "dbotMirrorId",
                    "details"
                ])
            );
        }
        assert!(document["last_run"].is_object());
        fetched.extend(mirror_ids(incidents));
    }
    assert_eq!(fetched, ids[..10], "5 + 5 distinct, oldest first");

    assert_failed_with(
        &bad_param,
        1,
        "the max_fetch param is 500; use a whole number from 1 to 200",
    );
    assert_failed_with(&bad_last_run, 1, "the last run has version none");
    assert!(
        bad_last_run.stderr.contains("Reset the last run"),
        "{}",
        bad_last_run.stderr
    );
    let document: Value = serde_json::from_str(&bad_last_run.stdout).unwrap();
    assert!(
        document["incidents"].as_array().is_none_or(Vec::is_empty),
        "no silent restart: {}",
        document["incidents"]
    );
    assert_eq!(
        document["last_run"],
        json!({"foo": 1}),
        "the last run is left as it was"
    );
}
