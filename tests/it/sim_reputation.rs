//! The simulator's reputation routes over real HTTP: complete answers for public indicators that
//! are the same in every simulator, 404 for indicators that can have no data, 400 for values that
//! are not indicators, and 401 without a token.

use helloworld::sim::SimConfig;
use serde_json::Value;

use crate::support::Sim;

async fn sim(seed: u64) -> Sim {
    Sim::start(SimConfig {
        alerts: 0,
        ..SimConfig::new(seed)
    })
    .await
}

fn assert_score(body: &Value) {
    let score = body["score"].as_u64().expect("an integer score");
    assert!(score <= 100, "score {score} out of range");
}

fn assert_strings(body: &Value, pointers: &[&str]) {
    for pointer in pointers {
        let value = body.pointer(pointer).and_then(Value::as_str);
        assert!(
            value.is_some_and(|text| !text.is_empty()),
            "{pointer} missing in {body}"
        );
    }
}

fn url_path(url: &str) -> String {
    let query = serde_urlencoded::to_string([("url", url)]).unwrap();
    format!("/api/v2/reputation/url?{query}")
}

async fn assert_error(sim: &Sim, path: &str, status: u16, code: &str) {
    let (got, body) = sim.get_json(path).await;
    assert_eq!(
        (got, body["error"].as_str()),
        (status, Some(code)),
        "{path}: {body}"
    );
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|text| !text.is_empty())
    );
}

#[tokio::test]
async fn an_ip_has_network_and_whois_facts() {
    let sim = sim(1).await;
    let (status, body) = sim.get_json("/api/v2/reputation/ip/8.8.8.8").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ip"], "8.8.8.8");
    assert_score(&body);
    assert_strings(
        &body,
        &[
            "/as_owner",
            "/country",
            "/network/name",
            "/network/registry",
            "/whois/organization",
            "/whois/abuse_email",
            "/whois/updated",
            "/last_seen",
        ],
    );
    assert!(body["asn"].as_str().unwrap().starts_with("AS"));
    assert_eq!(body["network"]["cidr"], "8.8.8.0/24");
    assert_eq!(body["network"]["start_address"], "8.8.8.0");
    assert_eq!(body["network"]["end_address"], "8.8.8.255");
    assert_eq!(body["country"].as_str().unwrap().len(), 2);
}

#[tokio::test]
async fn an_ipv6_address_works() {
    let sim = sim(1).await;
    let (status, body) = sim
        .get_json("/api/v2/reputation/ip/2001:4860:4860::8888")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ip"], "2001:4860:4860::8888");
    assert_score(&body);
    assert_eq!(body["network"]["cidr"], "2001:4860:4860::/48");
}

#[tokio::test]
async fn a_domain_has_whois_facts() {
    let sim = sim(1).await;
    let (status, body) = sim
        .get_json("/api/v2/reputation/domain/acme-corp.com")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["domain"], "acme-corp.com");
    assert_score(&body);
    assert_strings(
        &body,
        &[
            "/registrar",
            "/creation_date",
            "/updated_date",
            "/expiration_date",
            "/organization",
            "/registrant/name",
            "/registrant/country",
        ],
    );
    let created = body["creation_date"].as_str().unwrap();
    let expires = body["expiration_date"].as_str().unwrap();
    assert!(created < expires, "{body}");
    let servers = body["name_servers"].as_array().unwrap().len();
    assert!((2..=4).contains(&servers), "{body}");
}

#[tokio::test]
async fn a_url_has_its_domain_and_categories() {
    let sim = sim(1).await;
    let url = "https://login.acme-corp.com/reset?user=jdoe&next=/home";
    let (status, body) = sim.get_json(&url_path(url)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["url"], url);
    assert_eq!(body["domain"], "login.acme-corp.com");
    assert_score(&body);
    assert_strings(&body, &["/last_seen"]);
    let categories = body["categories"].as_array().unwrap().len();
    assert!((1..=3).contains(&categories), "{body}");
}

#[tokio::test]
async fn answers_are_the_same_whatever_the_seed() {
    let (first, second) = (sim(1).await, sim(987_654).await);
    for path in [
        "/api/v2/reputation/ip/185.220.101.4".to_owned(),
        "/api/v2/reputation/ip/2a01:4f8::1".to_owned(),
        "/api/v2/reputation/domain/evil-payments.net".to_owned(),
        url_path("http://evil-payments.net/pay"),
    ] {
        let (one, two) = (first.get_json(&path).await, second.get_json(&path).await);
        assert_eq!(one.0, 200, "{path}: {}", one.1);
        assert_eq!(one, two, "{path}");
    }
}

#[tokio::test]
async fn indicators_that_cannot_have_data_are_not_found() {
    let sim = sim(1).await;
    for path in [
        "/api/v2/reputation/ip/10.1.2.3".to_owned(),
        "/api/v2/reputation/ip/192.168.0.1".to_owned(),
        "/api/v2/reputation/ip/127.0.0.1".to_owned(),
        "/api/v2/reputation/ip/100.64.1.1".to_owned(),
        "/api/v2/reputation/ip/192.0.2.10".to_owned(),
        "/api/v2/reputation/ip/203.0.113.5".to_owned(),
        "/api/v2/reputation/ip/fd12::1".to_owned(),
        "/api/v2/reputation/ip/2001:db8::1".to_owned(),
        "/api/v2/reputation/domain/printer.test".to_owned(),
        "/api/v2/reputation/domain/www.example.com".to_owned(),
        url_path("http://files.example.org/a.zip"),
        url_path("http://192.168.1.1/admin"),
        url_path("http://[::1]:8080/"),
        url_path("http://localhost/"),
    ] {
        assert_error(&sim, &path, 404, "not_found").await;
    }
}

#[tokio::test]
async fn values_that_are_not_indicators_are_bad_requests() {
    let sim = sim(1).await;
    assert_error(&sim, "/api/v2/reputation/ip/1.1.1", 400, "invalid_ip").await;
    assert_error(&sim, "/api/v2/reputation/ip/not-an-ip", 400, "invalid_ip").await;
    assert_error(
        &sim,
        "/api/v2/reputation/domain/-bad-.com",
        400,
        "invalid_domain",
    )
    .await;
    assert_error(
        &sim,
        "/api/v2/reputation/domain/localhost",
        400,
        "invalid_domain",
    )
    .await;
    assert_error(&sim, "/api/v2/reputation/url", 400, "invalid_url").await;
    assert_error(&sim, "/api/v2/reputation/url?url=", 400, "invalid_url").await;
    assert_error(&sim, &url_path("not a url"), 400, "invalid_url").await;
    assert_error(
        &sim,
        &url_path("ftp://files.acme-corp.com/a"),
        400,
        "invalid_url",
    )
    .await;
}

#[tokio::test]
async fn a_request_without_a_token_is_unauthorized() {
    let sim = sim(1).await;
    let response = sim
        .http
        .get(sim.url("/api/v2/reputation/ip/8.8.8.8"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "missing_token");
}
