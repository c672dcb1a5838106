//! The simulator's alert routes over real HTTP: filters, keyset pages over shared seconds, late
//! visibility, the documented errors, create with Idempotency-Key, get/patch/delete, notes, and
//! determinism from the seed. Fixtures are injected through `/_sim/alerts` and time moves through
//! `/_sim/clock`, never by sleeping.

use chrono::{DateTime, Duration, Utc};
use helloworld::sim::SimConfig;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::Sim;

const SEED: u64 = 7;

fn anchor() -> DateTime<Utc> {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

async fn sim_with(alerts: u64) -> Sim {
    Sim::start(SimConfig {
        alerts,
        anchor: Some(anchor()),
        ..SimConfig::new(SEED)
    })
    .await
}

fn at(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Sends `method path` with the token and an optional JSON body; status and JSON reply.
async fn send(sim: &Sim, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = sim.authed(method, path);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// One page of `GET /api/v2/alerts` with `params`, percent-encoded.
async fn list(sim: &Sim, params: &[(&str, &str)]) -> (u16, Value) {
    let query = serde_urlencoded::to_string(params).unwrap();
    let response = sim
        .authed(Method::GET, &format!("/api/v2/alerts?{query}"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn ids_of(page: &Value) -> Vec<String> {
    page["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|alert| alert["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The ids of one page, asserting it was served.
async fn listed(sim: &Sim, params: &[(&str, &str)]) -> Vec<String> {
    let (status, page) = list(sim, params).await;
    assert_eq!(status, 200, "{params:?}: {page}");
    ids_of(&page)
}

/// Every page from `cursor` on (the first page when `None`); the pages' ids.
async fn pages_from(sim: &Sim, limit: &str, mut cursor: Option<String>) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    loop {
        let mut params = vec![("limit", limit)];
        if let Some(cursor) = &cursor {
            params.push(("cursor", cursor.as_str()));
        }
        let (status, page) = list(sim, &params).await;
        assert_eq!(status, 200, "{page}");
        pages.push(ids_of(&page));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return pages,
        }
        assert!(pages.len() < 1000, "the cursor never ends");
    }
}

fn pick(ids: &[String], indexes: &[usize]) -> Vec<String> {
    indexes.iter().map(|&index| ids[index].clone()).collect()
}

/// Query parameters and the indexes of the fixtures they select.
type Case<'a> = (&'a [(&'a str, &'a str)], &'a [usize]);

#[tokio::test]
async fn each_filter_and_their_combination_select_exactly_the_matching_alerts() {
    let sim = sim_with(0).await;
    let fixture = |second: u32, status: &str, severity: &str, kind: &str| {
        json!({
            "created": format!("2026-03-01T10:00:0{second}Z"),
            "status": status,
            "severity": severity,
            "type": kind,
        })
    };
    let ids = sim
        .inject(vec![
            fixture(0, "ACTIVE", "Low", "Bug"),
            fixture(0, "CLOSED", "High", "Attack"),
            fixture(1, "ACTIVE", "Critical", "Network"),
            fixture(2, "CLOSED", "Medium", "Bug"),
            fixture(3, "ACTIVE", "High", "Something Else"),
            fixture(4, "ACTIVE", "Critical", "Attack"),
        ])
        .await;
    let cases: [Case<'_>; 13] = [
        (&[], &[0, 1, 2, 3, 4, 5]),
        (&[("colour", "blue")], &[0, 1, 2, 3, 4, 5]),
        (&[("status", "CLOSED")], &[1, 3]),
        (&[("status", "ACTIVE")], &[0, 2, 4, 5]),
        (&[("severity", "High,Critical")], &[1, 2, 4, 5]),
        (&[("severity", "Low")], &[0]),
        (&[("type", "Bug,Something Else")], &[0, 3, 4]),
        (&[("type", "bug")], &[]),
        (&[("created_after", "2026-03-01T10:00:01Z")], &[2, 3, 4, 5]),
        (&[("created_before", "2026-03-01T10:00:03Z")], &[0, 1, 2, 3]),
        (
            &[
                ("created_after", "2026-03-01T10:00:01Z"),
                ("created_before", "2026-03-01T10:00:04Z"),
            ],
            &[2, 3, 4],
        ),
        (
            &[("created_after", "2026-03-01T12:00:01+02:00")],
            &[2, 3, 4, 5],
        ),
        (
            &[
                ("status", "ACTIVE"),
                ("severity", "High,Critical"),
                ("type", "Attack,Network,Something Else"),
                ("created_after", "2026-03-01T10:00:01Z"),
                ("created_before", "2026-03-01T10:00:04Z"),
            ],
            &[2, 4],
        ),
    ];
    for (params, expected) in cases {
        assert_eq!(
            listed(&sim, params).await,
            pick(&ids, expected),
            "{params:?}"
        );
    }
}

#[tokio::test]
async fn pages_over_one_crowded_second_return_every_alert_once_in_order() {
    let sim = sim_with(0).await;
    let second = anchor() - Duration::days(30);
    let crowded: Vec<Value> = (0..50).map(|_| json!({"created": at(second)})).collect();
    let crowded_ids = sim.inject(crowded).await;
    // Injected after the crowd, so their ids are larger although some were created earlier.
    let around: Vec<Value> = [-3, 2, -1, 1, -2, 3, -4, 4]
        .into_iter()
        .map(|offset| json!({"created": at(second + Duration::seconds(offset))}))
        .collect();
    let around_ids = sim.inject(around).await;
    let mut expected = pick(&around_ids, &[6, 0, 4, 2]);
    expected.extend(crowded_ids);
    expected.extend(pick(&around_ids, &[3, 1, 5, 7]));

    let pages = pages_from(&sim, "7", None).await;
    assert_eq!(pages.len(), 9);
    assert!(pages[..8].iter().all(|page| page.len() == 7));
    assert_eq!(pages.concat(), expected);

    // When the last page is full, next_cursor is still null: no empty page follows.
    let pages = pages_from(&sim, "29", None).await;
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[1].len(), 29);
    assert_eq!(pages.concat(), expected);
}

#[tokio::test]
async fn a_late_alert_is_listed_once_visible_even_behind_a_passed_cursor() {
    let sim = sim_with(0).await;
    let now = sim.now().await;
    let ago = |seconds: i64| at(now - Duration::seconds(seconds));
    let ids = sim
        .inject(vec![
            json!({"created": ago(100)}),
            json!({"created": ago(50), "visible_at": at(now + Duration::seconds(60))}),
            json!({"created": ago(10)}),
            json!({"created": ago(5)}),
        ])
        .await;
    let (status, first) = list(&sim, &[("limit", "2")]).await;
    assert_eq!(status, 200);
    assert_eq!(ids_of(&first), pick(&ids, &[0, 2]));
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    assert_eq!(listed(&sim, &[]).await, pick(&ids, &[0, 2, 3]));
    // Fetching by id does not wait for ingestion; only the listing does.
    let (status, late) = sim.get_json(&format!("/api/v2/alerts/{}", ids[1])).await;
    assert_eq!((status, late["id"].as_str()), (200, Some(ids[1].as_str())));

    sim.advance_clock(61).await;
    assert_eq!(listed(&sim, &[]).await, ids);
    // The cursor already passed its creation time: resuming from it never shows the late alert.
    let resumed = pages_from(&sim, "2", Some(cursor)).await.concat();
    assert_eq!(resumed, pick(&ids, &[3]));
}

#[tokio::test]
async fn bad_requests_get_the_documented_json_errors() {
    let sim = sim_with(5).await;
    let listing_cases = [
        ("cursor", "not-a-cursor", "invalid_cursor"),
        ("cursor", "djI6MToy", "invalid_cursor"), // "v2:1:2": base64, but not our format
        ("severity", "Urgent", "invalid_severity"),
        ("severity", "High,critical", "invalid_severity"),
        ("limit", "100000", "invalid_limit"),
        ("limit", "0", "invalid_limit"),
        ("limit", "abc", "invalid_limit"),
        ("created_after", "yesterday", "invalid_time"),
        ("created_before", "2026-13-01T00:00:00Z", "invalid_time"),
        ("status", "open", "invalid_status"),
    ];
    for (name, value, code) in listing_cases {
        let (status, body) = list(&sim, &[(name, value)]).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some(code)),
            "{name}={value}: {body}"
        );
        // The message names the offending value (for a list, the item at fault).
        let offender = value.rsplit(',').next().unwrap();
        assert!(
            body["message"].as_str().unwrap().contains(offender),
            "{body}"
        );
    }
    let (_, body) = list(&sim, &[("severity", "Urgent")]).await;
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("Low, Medium, High, Critical")
    );

    let response = sim
        .authed(Method::POST, "/api/v2/alerts")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_json");

    let id = sim.inject(vec![json!({})]).await.remove(0);
    let alert = format!("/api/v2/alerts/{id}");
    let notes = format!("{alert}/notes");
    let long_name = "n".repeat(501);
    let body_cases = [
        (
            Method::POST,
            "/api/v2/alerts",
            json!({"severity": "Low", "type": "Bug"}),
            422,
            "`name`",
        ),
        (
            Method::POST,
            "/api/v2/alerts",
            json!({"name": "x", "severity": "critical", "type": "Bug"}),
            422,
            "`severity`",
        ),
        (
            Method::POST,
            "/api/v2/alerts",
            json!({"name": long_name, "severity": "Low", "type": "Bug"}),
            422,
            "`name`",
        ),
        (
            Method::POST,
            "/api/v2/alerts",
            json!({"name": "x", "severity": "Low", "type": ""}),
            422,
            "`type`",
        ),
        (
            Method::POST,
            "/api/v2/alerts",
            json!({"name": "x", "severity": "Low", "type": "Bug", "user": 7}),
            422,
            "`user`",
        ),
        (
            Method::POST,
            "/api/v2/alerts",
            json!(["not", "an", "object"]),
            422,
            "NewAlert",
        ),
        (
            Method::PATCH,
            alert.as_str(),
            json!({}),
            422,
            "at least one",
        ),
        (
            Method::PATCH,
            alert.as_str(),
            json!({"status": "DONE"}),
            422,
            "`status`",
        ),
        (
            Method::PATCH,
            alert.as_str(),
            json!({"assignee": 3}),
            422,
            "`assignee`",
        ),
        (
            Method::PATCH,
            "/api/v2/alerts/HW-999999999999",
            json!({"status": "CLOSED"}),
            404,
            "HW-999999999999",
        ),
        (
            Method::GET,
            "/api/v2/alerts/HW-42",
            Value::Null,
            404,
            "HW-42",
        ),
        (
            Method::DELETE,
            "/api/v2/alerts/nope",
            Value::Null,
            404,
            "nope",
        ),
        (
            Method::POST,
            notes.as_str(),
            json!({"text": ""}),
            422,
            "`text`",
        ),
        (
            Method::POST,
            notes.as_str(),
            json!({"author": "ana"}),
            422,
            "`text`",
        ),
        (
            Method::GET,
            "/api/v2/alerts/HW-999999999999/notes",
            Value::Null,
            404,
            "HW-999999999999",
        ),
    ];
    for (method, path, body, status, hint) in body_cases {
        let request = (!body.is_null()).then_some(body.clone());
        let (got, reply) = send(&sim, method.clone(), path, request).await;
        let code = if status == 404 {
            "not_found"
        } else {
            "unprocessable"
        };
        assert_eq!(
            (got, reply["error"].as_str()),
            (status, Some(code)),
            "{method} {path} {body}: {reply}"
        );
        assert!(reply["message"].as_str().unwrap().contains(hint), "{reply}");
    }

    let response = sim
        .authed(Method::POST, "/api/v2/alerts")
        .header("Idempotency-Key", "k".repeat(201))
        .json(&json!({"name": "x", "severity": "Low", "type": "Bug"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        sim.ground("/_sim/alerts?limit=0").await["total"]
            .as_u64()
            .unwrap(),
        6,
        "a rejected request created an alert"
    );
}

async fn create(sim: &Sim, key: Option<&str>, body: &Value) -> (u16, Value) {
    let mut request = sim.authed(Method::POST, "/api/v2/alerts").json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn create_with_an_idempotency_key_is_safe_to_retry() {
    let sim = sim_with(3).await;
    let new_alert = json!({
        "name": "Suspicious login",
        "severity": "High",
        "type": "Attack",
        "description": "five failures then a success",
        "source_ip": "203.0.113.7",
        "user": "jdoe",
        "hostname": "ws-001.corp.example",
        "url": "http://login-update.example.net/1",
    });
    let before = sim.now().await;
    let (status, created) = create(&sim, Some("retry-me"), &new_alert).await;
    assert_eq!(status, 201, "{created}");
    for field in [
        "name",
        "severity",
        "type",
        "description",
        "source_ip",
        "user",
        "hostname",
        "url",
    ] {
        assert_eq!(created[field], new_alert[field], "{field}");
    }
    assert_eq!(created["status"], "ACTIVE");
    assert_eq!(created["assignee"], Value::Null);
    assert_eq!(created["created"], created["updated"]);
    let created_at: DateTime<Utc> = created["created"].as_str().unwrap().parse().unwrap();
    assert!(created_at >= before && created_at <= sim.now().await);
    assert_eq!(
        sim.ground("/_sim/alerts?limit=0").await["total"]
            .as_u64()
            .unwrap(),
        4
    );

    let (status, retried) = create(&sim, Some("retry-me"), &new_alert).await;
    assert_eq!((status, &retried), (200, &created));
    assert_eq!(
        sim.ground("/_sim/alerts?limit=0").await["total"]
            .as_u64()
            .unwrap(),
        4,
        "the retry created a second alert"
    );

    let (status, fetched) = sim
        .get_json(&format!(
            "/api/v2/alerts/{}",
            created["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!((status, &fetched), (200, &created));
    assert!(
        listed(&sim, &[("limit", "1000")])
            .await
            .contains(&created["id"].as_str().unwrap().to_owned())
    );

    let minimal = json!({"name": "n", "severity": "Low", "type": "Bug"});
    let (first_status, first) = create(&sim, None, &minimal).await;
    let (second_status, second) = create(&sim, None, &minimal).await;
    let (other_status, other) = create(&sim, Some("another-key"), &minimal).await;
    assert_eq!((first_status, second_status, other_status), (201, 201, 201));
    assert_ne!(first["id"], second["id"]);
    assert_ne!(second["id"], other["id"]);
    assert_eq!(first["description"], "");
    assert_eq!(first["source_ip"], Value::Null);
    assert_eq!(
        sim.ground("/_sim/alerts?limit=0").await["total"]
            .as_u64()
            .unwrap(),
        7
    );

    // Once the alert a key created is deleted, the key cannot replay it, nor silently make another.
    let path = format!("/api/v2/alerts/{}", created["id"].as_str().unwrap());
    assert_eq!(send(&sim, Method::DELETE, &path, None).await.0, 204);
    let (status, body) = create(&sim, Some("retry-me"), &new_alert).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("unprocessable"))
    );
    assert_eq!(
        sim.ground("/_sim/alerts?limit=0").await["total"]
            .as_u64()
            .unwrap(),
        6
    );
}

#[tokio::test]
async fn an_alert_can_be_fetched_patched_field_by_field_and_deleted() {
    let sim = sim_with(0).await;
    let id = sim
        .inject(vec![json!({"created": at(anchor()), "severity": "Low"})])
        .await
        .remove(0);
    let path = format!("/api/v2/alerts/{id}");
    let (status, alert) = sim.get_json(&path).await;
    assert_eq!((status, alert["id"].as_str()), (200, Some(id.as_str())));
    assert_eq!(
        (alert["status"].as_str(), alert["severity"].as_str()),
        (Some("ACTIVE"), Some("Low"))
    );

    sim.advance_clock(30).await;
    let (status, closed) = send(
        &sim,
        Method::PATCH,
        &path,
        Some(json!({"status": "CLOSED"})),
    )
    .await;
    assert_eq!((status, closed["status"].as_str()), (200, Some("CLOSED")));
    let updated: DateTime<Utc> = closed["updated"].as_str().unwrap().parse().unwrap();
    assert!(updated > anchor(), "updated stayed at {updated}");
    assert_eq!(closed["created"], at(anchor()));

    let (_, raised) = send(
        &sim,
        Method::PATCH,
        &path,
        Some(json!({"severity": "Critical"})),
    )
    .await;
    assert_eq!(
        (raised["severity"].as_str(), raised["status"].as_str()),
        (Some("Critical"), Some("CLOSED"))
    );
    let (_, assigned) = send(&sim, Method::PATCH, &path, Some(json!({"assignee": "ana"}))).await;
    assert_eq!(assigned["assignee"], "ana");
    let (_, kept) = send(
        &sim,
        Method::PATCH,
        &path,
        Some(json!({"status": "ACTIVE"})),
    )
    .await;
    assert_eq!(
        (kept["assignee"].as_str(), kept["status"].as_str()),
        (Some("ana"), Some("ACTIVE"))
    );
    let (status, unassigned) =
        send(&sim, Method::PATCH, &path, Some(json!({"assignee": null}))).await;
    assert_eq!((status, &unassigned["assignee"]), (200, &Value::Null));
    let (_, fetched) = sim.get_json(&path).await;
    assert_eq!(fetched, unassigned);

    let response = sim.authed(Method::DELETE, &path).send().await.unwrap();
    assert_eq!(response.status(), 204);
    assert!(response.bytes().await.unwrap().is_empty());
    for method in [Method::GET, Method::DELETE] {
        let (status, body) = send(&sim, method, &path, None).await;
        assert_eq!((status, body["error"].as_str()), (404, Some("not_found")));
    }
    let (status, _) = send(
        &sim,
        Method::PATCH,
        &path,
        Some(json!({"status": "CLOSED"})),
    )
    .await;
    assert_eq!(status, 404);
    assert!(listed(&sim, &[]).await.is_empty());
}

#[tokio::test]
async fn notes_are_added_and_listed_oldest_first() {
    let sim = sim_with(0).await;
    let id = sim.inject(vec![json!({})]).await.remove(0);
    let path = format!("/api/v2/alerts/{id}/notes");
    let (status, empty) = sim.get_json(&path).await;
    assert_eq!((status, empty), (200, json!({"notes": []})));

    let (status, first) = send(
        &sim,
        Method::POST,
        &path,
        Some(json!({"text": "looked at it", "author": "ana"})),
    )
    .await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(
        (
            first["alert_id"].as_str(),
            first["text"].as_str(),
            first["author"].as_str()
        ),
        (Some(id.as_str()), Some("looked at it"), Some("ana"))
    );
    let note_time: DateTime<Utc> = first["created"].as_str().unwrap().parse().unwrap();
    assert!(note_time <= sim.now().await);
    let (status, second) = send(
        &sim,
        Method::POST,
        &path,
        Some(json!({"text": "x".repeat(10_000)})),
    )
    .await;
    assert_eq!(status, 201, "{second}");
    assert_eq!(second["author"], "helloworld");
    assert!(first["id"].is_string() && first["id"] != second["id"]);

    let (status, listed_notes) = sim.get_json(&path).await;
    assert_eq!(
        (status, listed_notes),
        (200, json!({"notes": [first, second]}))
    );
    let (status, _) = send(
        &sim,
        Method::POST,
        &path,
        Some(json!({"text": "x".repeat(10_001)})),
    )
    .await;
    assert_eq!(status, 422);
    let (status, body) = send(
        &sim,
        Method::POST,
        "/api/v2/alerts/HW-999999999999/notes",
        Some(json!({"text": "hi"})),
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (404, Some("not_found")));
}

async fn first_page(seed: u64) -> Value {
    let sim = Sim::start(SimConfig {
        alerts: 3000,
        anchor: Some(anchor()),
        ..SimConfig::new(seed)
    })
    .await;
    let (status, page) = list(&sim, &[("limit", "1000")]).await;
    assert_eq!(status, 200);
    assert_eq!(page["alerts"].as_array().unwrap().len(), 1000);
    page
}

#[tokio::test]
async fn the_same_seed_and_anchor_serve_the_same_alerts() {
    let first = first_page(11).await;
    assert_eq!(first, first_page(11).await);
    assert_ne!(first["alerts"], first_page(12).await["alerts"]);
}

#[tokio::test]
async fn a_page_of_200_is_served_from_100000_alerts() {
    let sim = sim_with(100_000).await;
    let (status, page) = list(&sim, &[("limit", "200")]).await;
    assert_eq!(status, 200);
    let alerts = page["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 200);
    let order: Vec<(&str, &str)> = alerts
        .iter()
        .map(|alert| {
            (
                alert["created"].as_str().unwrap(),
                alert["id"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        order.windows(2).all(|pair| pair[0] < pair[1]),
        "not in (created, id) order"
    );
    let cursor = page["next_cursor"].as_str().expect("more pages follow");
    let (status, next) = list(&sim, &[("limit", "200"), ("cursor", cursor)]).await;
    assert_eq!(status, 200);
    let next_first = &next["alerts"][0];
    let last = order[199];
    assert!(
        (
            next_first["created"].as_str().unwrap(),
            next_first["id"].as_str().unwrap()
        ) > last
    );
}
