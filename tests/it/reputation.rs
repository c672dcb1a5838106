//! The reputation commands `ip`, `domain` and `url`, run in-process through
//! `helloworld::commands::execute` with a recording host (and once as the binary): against
//! wiremock where an exact vendor answer is the point, against the simulator over HTTP where
//! realistic data is. Covered: the classic HelloWorld_test.py goldens (tests 8, 9 and 11 of its
//! checklist), the DBotScore boundaries, the threshold argument and param, one entry per value
//! in input order, bad values that cost no call, 404s as "unknown", retries that neither reorder
//! nor duplicate, and the bound on lookups in flight.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use helloworld::commands::execute;
use helloworld::host::CallingContext;
use helloworld::host::recorder::RecordingHost;
use helloworld::sim::SimConfig;
use helloworld::xsoar::Entry;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value, json};
use wiremock::matchers::{method, path, path_regex, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::fetch_reliability::mount_token;
use crate::support::{Sim, helloworld, run_with};

const API_KEY: &str = "hwk-reputation-tests";
const IP_PATH: &str = "/api/v2/reputation/ip/";
const DBOT_KEY: &str = "DBotScore(val.Indicator && val.Indicator == obj.Indicator && val.Vendor == obj.Vendor && val.Type == obj.Type)";
const IP_KEY: &str = "IP(val.Address && val.Address == obj.Address)";
const IPV6_KEY: &str = "IPv6(val.Address && val.Address == obj.Address)";
const DOMAIN_KEY: &str = "Domain(val.Name && val.Name == obj.Name)";
const URL_KEY: &str = "URL(val.Data && val.Data == obj.Data)";
const HW_IP_KEY: &str = "HelloWorld.IP(val.ip && val.ip == obj.ip)";
const HW_DOMAIN_KEY: &str = "HelloWorld.Domain(val.domain && val.domain == obj.domain)";
const HW_URL_KEY: &str = "HelloWorld.URL(val.url && val.url == obj.url)";

/// The classic `test_data/ip_reputation.json` (shared/reference/helloworld-v1), byte for byte.
const IP_REPUTATION: &str = r#"{
    "asn_registry": "ripencc",
    "asn": "3242",
    "asn_cidr": "151.1.1.0/24",
    "asn_country_code": "IT",
    "asn_date": "1991-05-13",
    "asn_description": "ASN-ITNET, IT",
    "query": "151.1.1.1",
    "network": {
        "handle": "151.1.0.0 - 151.2.127.255",
        "status": null,
        "remarks": null,
        "notices": [
            {
                "title": "Filtered",
                "description": "This output has been filtered.",
                "links": null
            },
            {
                "title": "Source",
                "description": "Objects returned came from source\nRIPE",
                "links": null
            },
            {
                "title": "Terms and Conditions",
                "description": "This is the RIPE Database query service. The objects are in RDAP format.",
                "links": [
                    "http://www.ripe.net/db/support/db-terms-conditions.pdf"
                ]
            }
        ],
        "links": [
            "https://rdap.db.ripe.net/ip/151.1.1.1",
            "http://www.ripe.net/data-tools/support/documentation/terms"
        ],
        "events": [
            {
                "action": "last changed",
                "timestamp": "2020-01-15T11:22:43Z",
                "actor": null
            }
        ],
        "raw": null,
        "start_address": "151.1.0.0",
        "end_address": "151.2.127.255",
        "cidr": "151.1.0.0/16, 151.2.0.0/17",
        "ip_version": "v4",
        "type": "ALLOCATED PA",
        "name": "IT-ITNET-19910513",
        "country": "IT",
        "parent_handle": "0.0.0.0 - 255.255.255.255"
    },
    "entities": [
        "EC8433-RIPE",
        "GP11665-RIPE",
        "ITNET-MNT",
        "LO2139-RIPE",
        "ORG-IA35-RIPE",
        "RB46030-RIPE",
        "RIPE-NCC-HM-MNT",
        "ATI6-RIPE"
    ],
     "raw": null,
    "score": 70,
    "ip": "151.1.1.1"
}"#;

/// The classic `test_data/domain_reputation.json` (shared/reference/helloworld-v1), byte for byte.
const DOMAIN_REPUTATION: &str = r#"{
    "domain": "google.com",
    "domain_name": [
      "GOOGLE.COM",
      "google.com"
    ],
    "registrar": "MarkMonitor, Inc.",
    "whois_server": "whois.markmonitor.com",
    "referral_url": null,
    "updated_date": [
      "2019-09-09 15:39:04",
      "2019-09-09 08:39:04"
    ],
    "creation_date": [
      "1997-09-15 04:00:00",
      "1997-09-15 00:00:00"
    ],
    "expiration_date": [
      "2028-09-14 04:00:00",
      "2028-09-13 00:00:00"
    ],
    "name_servers": [
      "NS1.GOOGLE.COM",
      "NS2.GOOGLE.COM",
      "NS3.GOOGLE.COM",
      "NS4.GOOGLE.COM",
      "ns4.google.com",
      "ns3.google.com",
      "ns2.google.com",
      "ns1.google.com"
    ],
    "status": [
      "clientDeleteProhibited https://icann.org/epp#clientDeleteProhibited",
      "clientTransferProhibited https://icann.org/epp#clientTransferProhibited",
      "clientUpdateProhibited https://icann.org/epp#clientUpdateProhibited",
      "serverDeleteProhibited https://icann.org/epp#serverDeleteProhibited",
      "serverTransferProhibited https://icann.org/epp#serverTransferProhibited",
      "serverUpdateProhibited https://icann.org/epp#serverUpdateProhibited",
      "clientUpdateProhibited (https://www.icann.org/epp#clientUpdateProhibited)",
      "clientTransferProhibited (https://www.icann.org/epp#clientTransferProhibited)",
      "clientDeleteProhibited (https://www.icann.org/epp#clientDeleteProhibited)",
      "serverUpdateProhibited (https://www.icann.org/epp#serverUpdateProhibited)",
      "serverTransferProhibited (https://www.icann.org/epp#serverTransferProhibited)",
      "serverDeleteProhibited (https://www.icann.org/epp#serverDeleteProhibited)"
    ],
    "emails": [
      "abusecomplaints@markmonitor.com",
      "whoisrequest@markmonitor.com"
    ],
    "dnssec": "unsigned",
    "name": null,
    "org": "Google LLC",
    "address": null,
    "city": null,
    "state": "CA",
    "zipcode": null,
    "country": "US",
    "score": 68
  }"#;

// ---------------------------------------------------------------------------------------------
// Helpers: running a command, reading its entries, and vendors that answer reputation calls.
// ---------------------------------------------------------------------------------------------

/// The object inside `value`.
fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

/// The params of an instance on `url` with the test key, plus `extra`.
fn params(url: &str, extra: &[(&str, &str)]) -> Value {
    let mut params = json!({"url": url, "api_key": API_KEY});
    for (name, value) in extra {
        params[*name] = json!(value);
    }
    params
}

/// Runs `command` in-process as XSOAR would and returns the entries it sent.
async fn run(command: &str, args: Value, params: Value) -> Vec<Entry> {
    let calling = CallingContext::new(command, object(args), object(params));
    let host = RecordingHost::new(calling);
    execute(&host).await;
    host.recording().entries
}

/// `key` of an entry's EntryContext; null when absent.
fn context<'e>(entry: &'e Entry, key: &str) -> &'e Value {
    entry
        .entry_context()
        .and_then(|context| context.get(key))
        .unwrap_or(&Value::Null)
}

/// The (one) DBotScore of an entry.
fn dbot(entry: &Entry) -> &Value {
    &context(entry, DBOT_KEY)[0]
}

/// The DBotScore `Indicator` of each entry, in order.
fn indicators(entries: &[Entry]) -> Vec<&Value> {
    entries
        .iter()
        .map(|entry| &dbot(entry)["Indicator"])
        .collect()
}

/// The DBotScore `Score` of each entry, in order.
fn scores(entries: &[Entry]) -> Vec<u64> {
    entries
        .iter()
        .map(|entry| dbot(entry)["Score"].as_u64().unwrap())
        .collect()
}

/// The text of an error entry, and panics on any other entry.
fn error_text(entry: &Entry) -> &str {
    assert!(entry.is_error(), "not an error entry: {}", entry.to_value());
    entry.contents().as_str().unwrap()
}

/// The error entry of a value that was skipped, worded as the command words it.
fn skipped(label: &str, value: &str, problem: &str) -> String {
    format!("{label} \"{value}\" was skipped: {problem}. The other values were looked up.")
}

/// The classic DBotScore mapping, written as the Python is (`T/2` a float division).
fn classic_dbot(vendor_score: i32, threshold: i32) -> u64 {
    if vendor_score == 0 {
        0
    } else if vendor_score >= threshold {
        3
    } else if f64::from(vendor_score) >= f64::from(threshold) / 2.0 {
        2
    } else {
        1
    }
}

/// A vendor whose token endpoint issues one-hour tokens.
async fn mock_vendor() -> MockServer {
    let server = MockServer::start().await;
    mount_token(&server, "tok-reputation").await;
    server
}

/// A [`mock_vendor`] whose IP lookups `vendor` answers.
async fn ip_vendor(vendor: &IpVendor) -> MockServer {
    let server = mock_vendor().await;
    vendor.mount(&server).await;
    server
}

/// Looks up `ips` with `reputation_concurrency` on a vendor whose IP lookups `vendor` answers;
/// checks there is one entry per IP, in input order (by its DBotScore indicator).
async fn lookup_in_order(vendor: &IpVendor, ips: &[&str], concurrency: &str) -> Vec<Entry> {
    let server = ip_vendor(vendor).await;
    let entries = run(
        "ip",
        json!({"ip": ips.join(",")}),
        params(&server.uri(), &[("reputation_concurrency", concurrency)]),
    )
    .await;
    assert_eq!(indicators(&entries), ips, "{entries:?}");
    entries
}

/// The API's 404 for an indicator it has no data on.
fn not_found(value: &str) -> ResponseTemplate {
    ResponseTemplate::new(404).set_body_json(
        json!({"error": "not_found", "message": format!("no reputation data for `{value}`")}),
    )
}

/// An IP reputation answer with `score`.
fn ip_answer(ip: &str, score: i64) -> Value {
    json!({"ip": ip, "score": score, "asn": "AS64500", "as_owner": "Example Net", "country": "NL"})
}

/// One reputation request: the indicator asked about and when it arrived.
type Lookup = (String, Instant);

/// The vendor's `GET /api/v2/reputation/ip/{ip}`: the IPs in `scores` get an answer with that
/// score, any other a 404; an IP in `throttled` gets one 429 (`Retry-After: 0`) first. Every
/// answer waits `delay`. Each request is logged; clones share the log.
#[derive(Clone, Default)]
struct IpVendor {
    scores: HashMap<String, i64>,
    throttled: Vec<String>,
    delay: Duration,
    log: Arc<Mutex<Vec<Lookup>>>,
}

impl IpVendor {
    fn scoring(scores: &[(&str, i64)]) -> Self {
        Self {
            scores: scores
                .iter()
                .map(|(ip, score)| ((*ip).to_owned(), *score))
                .collect(),
            ..Self::default()
        }
    }

    /// Answers every `GET /api/v2/reputation/ip/...` of `server`.
    async fn mount(&self, server: &MockServer) {
        Mock::given(method("GET"))
            .and(path_regex("^/api/v2/reputation/ip/"))
            .respond_with(self.clone())
            .mount(server)
            .await;
    }

    /// The IPs looked up, in arrival order.
    fn lookups(&self) -> Vec<String> {
        let log = self.log.lock().unwrap();
        log.iter().map(|(ip, _)| ip.clone()).collect()
    }

    /// The IPs looked up, sorted.
    fn sorted_lookups(&self) -> Vec<String> {
        let mut lookups = self.lookups();
        lookups.sort();
        lookups
    }

    /// The most requests that were surely in flight together: a request is in flight at least
    /// from its arrival until its answer's `delay` has passed, and the client sends none while
    /// it waits for a free slot, so this never counts more than the client really had in flight.
    fn max_in_flight(&self) -> usize {
        let log = self.log.lock().unwrap();
        let arrivals: Vec<Instant> = log.iter().map(|(_, at)| *at).collect();
        let open_at = |moment: Instant| {
            arrivals
                .iter()
                .filter(|start| **start <= moment && moment < **start + self.delay)
                .count()
        };
        arrivals.iter().map(|at| open_at(*at)).max().unwrap_or(0)
    }
}

impl Respond for IpVendor {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let encoded = request.url.path().trim_start_matches(IP_PATH);
        let ip = percent_decode_str(encoded)
            .decode_utf8()
            .unwrap()
            .into_owned();
        let earlier = {
            let mut log = self.log.lock().unwrap();
            let earlier = log.iter().filter(|(seen, _)| *seen == ip).count();
            log.push((ip.clone(), Instant::now()));
            earlier
        };
        let answer = if earlier == 0 && self.throttled.contains(&ip) {
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "0")
                .set_body_json(json!({"error": "rate_limited", "message": "slow down"}))
        } else {
            match self.scores.get(&ip) {
                Some(score) => ResponseTemplate::new(200).set_body_json(ip_answer(&ip, *score)),
                None => not_found(&ip),
            }
        };
        answer.set_delay(self.delay)
    }
}

/// A simulator with no alerts.
async fn sim() -> Sim {
    Sim::start(SimConfig {
        alerts: 0,
        ..SimConfig::new(7)
    })
    .await
}

/// The simulator's own answer for `path`, which must be a 200.
async fn sim_answer(sim: &Sim, path: &str) -> Value {
    let (status, body) = sim.get_json(path).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// The vendor score in an answer, as the classic's `int(...)` reads it.
fn vendor_score(answer: &Value) -> i32 {
    i32::try_from(answer["score"].as_i64().unwrap()).unwrap()
}

/// Asserts that `entry` carries the simulator's `answer`: its vendor score under `hw_key`, and
/// the DBotScore the classic maps that score to at the default threshold, 65.
fn assert_sim_verdict(entry: &Entry, hw_key: &str, answer: &Value) {
    assert_eq!(context(entry, hw_key)["score"], answer["score"], "{answer}");
    assert_eq!(
        dbot(entry)["Score"],
        classic_dbot(vendor_score(answer), 65),
        "{answer}"
    );
}

// ---------------------------------------------------------------------------------------------
// The classic goldens.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn classic_ip_golden_151_1_1_1_scores_bad_with_the_file_as_vendor_context() {
    let server = mock_vendor().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/reputation/ip/151.1.1.1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(IP_REPUTATION, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let args = json!({"ip": "151.1.1.1", "threshold": 65});
    let entries = run("ip", args, params(&server.uri(), &[])).await;

    assert_eq!(entries.len(), 1, "{entries:?}");
    let entry = &entries[0];
    assert!(!entry.is_error(), "{}", entry.to_value());
    let file: Value = serde_json::from_str(IP_REPUTATION).unwrap();
    let ip = context(entry, IP_KEY);
    assert_eq!(ip.as_array().map(Vec::len), Some(1), "{ip}");
    assert_eq!(ip[0]["Address"], "151.1.1.1");
    assert_eq!(ip[0]["ASN"], json!(file["asn"].as_str().unwrap()));
    assert_eq!(
        ip[0]["Malicious"],
        json!({"Vendor": "HelloWorld", "Description": "Hello World returned reputation 70"})
    );
    assert_eq!(
        context(entry, DBOT_KEY),
        &json!([{"Indicator": "151.1.1.1", "Type": "ip", "Vendor": "HelloWorld", "Score": 3, "Reliability": "C - Fairly reliable"}])
    );
    assert_eq!(context(entry, HW_IP_KEY), &file);
    server.verify().await;
}

#[tokio::test]
async fn classic_domain_golden_google_com_has_classic_dates_and_a_bad_verdict() {
    let server = mock_vendor().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/reputation/domain/google.com"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(DOMAIN_REPUTATION, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let args = json!({"domain": "google.com", "threshold": 65});
    let entries = run("domain", args, params(&server.uri(), &[])).await;

    assert_eq!(entries.len(), 1, "{entries:?}");
    let entry = &entries[0];
    // The classic test's expectation: the file, with its three dates made ISO.
    let mut expected: Value = serde_json::from_str(DOMAIN_REPUTATION).unwrap();
    expected["creation_date"] = json!("1997-09-15T04:00:00.000Z");
    expected["expiration_date"] = json!("2028-09-14T04:00:00.000Z");
    expected["updated_date"] = json!("2019-09-09T15:39:04.000Z");
    assert_eq!(context(entry, HW_DOMAIN_KEY), &expected);

    let domain = &context(entry, DOMAIN_KEY)[0];
    assert_eq!(domain["Name"], "google.com");
    assert_eq!(domain["CreationDate"], "1997-09-15T04:00:00.000Z");
    assert_eq!(domain["ExpirationDate"], "2028-09-14T04:00:00.000Z");
    assert_eq!(domain["UpdatedDate"], "2019-09-09T15:39:04.000Z");
    assert_eq!(domain["Organization"], "Google LLC");
    assert_eq!(domain["Registrar"]["Name"], "MarkMonitor, Inc.");
    assert_eq!(domain["Registrant"]["Country"], "US");
    assert_eq!(domain["NameServers"], expected["name_servers"]);
    assert_eq!(domain["WHOIS"]["CreationDate"], "1997-09-15T04:00:00.000Z");
    assert_eq!(
        domain["Malicious"],
        json!({"Vendor": "HelloWorld", "Description": "Hello World returned reputation 68"})
    );
    assert_eq!(
        context(entry, DBOT_KEY),
        &json!([{"Indicator": "google.com", "Type": "domain", "Vendor": "HelloWorld", "Score": 3, "Reliability": "C - Fairly reliable"}])
    );
    server.verify().await;
}

// ---------------------------------------------------------------------------------------------
// Scores and thresholds.
// ---------------------------------------------------------------------------------------------

/// The edges of the classic mapping for threshold `t`: (vendor score, DBotScore). `T/2` is a
/// float in the classic, so the least suspicious score is `ceil(T/2)`: 33 for 65, 5 for 10.
fn boundaries(t: i64) -> [(i64, u64); 5] {
    let half_up = (t + 1) / 2;
    [(t - 1, 2), (t, 3), (half_up - 1, 1), (half_up, 2), (0, 0)]
}

/// Looks up one IP per boundary of `t` with `args` and `extra` params; checks each verdict.
async fn assert_boundaries(t: i64, args: Value, extra: &[(&str, &str)]) {
    let cases = boundaries(t);
    let ips: Vec<String> = (0..cases.len()).map(|i| format!("11.{t}.0.{i}")).collect();
    let table: Vec<(&str, i64)> = ips
        .iter()
        .zip(cases)
        .map(|(ip, (score, _))| (ip.as_str(), score))
        .collect();
    let server = ip_vendor(&IpVendor::scoring(&table)).await;
    let mut args = args;
    args["ip"] = json!(ips.join(","));
    let entries = run("ip", args, params(&server.uri(), extra)).await;

    let expected: Vec<u64> = cases.iter().map(|(_, dbot)| *dbot).collect();
    assert_eq!(scores(&entries), expected, "T={t}, cases {cases:?}");
    for (entry, (score, dbot)) in entries.iter().zip(cases) {
        let malicious = &context(entry, IP_KEY)[0]["Malicious"];
        if dbot == 3 {
            let description = format!("Hello World returned reputation {score}");
            assert_eq!(malicious["Description"], json!(description), "T={t}");
        } else {
            assert_eq!(malicious, &Value::Null, "T={t}, score {score}");
        }
    }
}

#[tokio::test]
async fn boundary_scores_map_as_the_classic_for_odd_and_even_thresholds() {
    assert_eq!(boundaries(65), [(64, 2), (65, 3), (32, 1), (33, 2), (0, 0)]);
    assert_boundaries(65, json!({"threshold": "65"}), &[]).await;
    // T = 10 from the instance's threshold_ip param (no argument).
    assert_eq!(boundaries(10), [(9, 2), (10, 3), (4, 1), (5, 2), (0, 0)]);
    assert_boundaries(10, json!({}), &[("threshold_ip", "10")]).await;
}

#[tokio::test]
async fn the_threshold_argument_overrides_the_threshold_ip_param() {
    let server = ip_vendor(&IpVendor::scoring(&[("8.8.8.8", 60)])).await;
    let strict = params(&server.uri(), &[("threshold_ip", "90")]);
    // The param alone: 60 is under 90 but at least 45.
    let by_param = run("ip", json!({"ip": "8.8.8.8"}), strict.clone()).await;
    assert_eq!(scores(&by_param), [2]);
    let by_arg = run(
        "ip",
        json!({"ip": "8.8.8.8", "threshold": "50"}),
        strict.clone(),
    )
    .await;
    assert_eq!(scores(&by_arg), [3]);
    // An empty argument is no argument (as for every other argument): the param still holds.
    // 70 is suspicious under the param's 90, and bad only under the default 65.
    let server = ip_vendor(&IpVendor::scoring(&[("8.8.4.4", 70)])).await;
    let strict = params(&server.uri(), &[("threshold_ip", "90")]);
    let empty_arg = run("ip", json!({"ip": "8.8.4.4", "threshold": ""}), strict).await;
    assert_eq!(
        scores(&empty_arg),
        [2],
        "threshold=\"\" must fall back to threshold_ip=90, not to 65"
    );
}

#[tokio::test]
async fn a_bad_threshold_is_one_error_entry_and_costs_no_call() {
    let cases = [
        ("abc", "Invalid number: \"threshold\"=\"abc\""),
        ("150", "threshold is 150; use a vendor score from 0 to 100"),
        ("-1", "threshold is -1; use a vendor score from 0 to 100"),
    ];
    for (threshold, message) in cases {
        let server = ip_vendor(&IpVendor::scoring(&[("8.8.8.8", 60)])).await;
        let args = json!({"ip": "8.8.8.8,1.1.1.1", "threshold": threshold});
        let entries = run("ip", args, params(&server.uri(), &[])).await;
        assert_eq!(entries.len(), 1, "threshold={threshold}: {entries:?}");
        assert_eq!(
            error_text(&entries[0]),
            format!("Failed to execute ip command.\nError:\n{message}")
        );
        let received = server.received_requests().await.unwrap();
        assert!(received.is_empty(), "threshold={threshold}: {received:?}");
    }
    // The param is checked the same way, under its own name.
    let server = mock_vendor().await;
    let entries = run(
        "ip",
        json!({"ip": "8.8.8.8"}),
        params(&server.uri(), &[("threshold_ip", "101")]),
    )
    .await;
    assert_eq!(
        error_text(&entries[0]),
        "Failed to execute ip command.\nError:\nthreshold_ip is 101; use a vendor score from 0 to 100"
    );
}

// ---------------------------------------------------------------------------------------------
// One entry per value, in input order.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_mixed_list_gives_verdicts_unknowns_and_errors_in_input_order_with_one_call_per_ip() {
    let vendor = IpVendor::scoring(&[("8.8.8.8", 20)]);
    let server = ip_vendor(&vendor).await;
    let args = json!({"ip": "8.8.8.8,1.1.1,10.0.0.1,8.8.8.8,2001:db8::1,not-an-ip"});
    let entries = run("ip", args, params(&server.uri(), &[])).await;

    assert_eq!(
        indicators(&entries),
        [
            &json!("8.8.8.8"),
            &Value::Null,
            &json!("10.0.0.1"),
            &json!("2001:db8::1"),
            &Value::Null
        ],
        "{entries:?}"
    );
    // 8.8.8.8: a verdict, once although given twice.
    assert!(!entries[0].is_error());
    assert_eq!(context(&entries[0], HW_IP_KEY)["score"], 20);
    assert_eq!(dbot(&entries[0])["Score"], 1);
    // 1.1.1 and not-an-ip: their own errors.
    let invalid = "not a valid IPv4 or IPv6 address";
    assert_eq!(error_text(&entries[1]), skipped("IP", "1.1.1", invalid));
    assert_eq!(error_text(&entries[4]), skipped("IP", "not-an-ip", invalid));
    // 10.0.0.1 and 2001:db8::1: 404, so unknown.
    for (entry, ip, key) in [
        (&entries[2], "10.0.0.1", IP_KEY),
        (&entries[3], "2001:db8::1", IPV6_KEY),
    ] {
        assert!(!entry.is_error());
        assert_eq!(
            dbot(entry),
            &json!({"Indicator": ip, "Type": "ip", "Vendor": "HelloWorld", "Score": 0, "Reliability": "C - Fairly reliable", "Message": "No results found."})
        );
        assert_eq!(context(entry, key), &json!([{"Address": ip}]));
        assert_eq!(
            entry.human_readable(),
            Some(
                format!("### HelloWorld:\n|IP|Result|\n|---|---|\n| {ip} | Not found |\n").as_str()
            )
        );
    }
    // Invalid values cost no call; the duplicate costs none either.
    assert_eq!(
        vendor.sorted_lookups(),
        ["10.0.0.1", "2001:db8::1", "8.8.8.8"]
    );
}

#[tokio::test]
async fn retried_429s_neither_reorder_nor_duplicate_the_entries() {
    let ips = [
        "23.1.1.1", "23.1.1.2", "23.1.1.3", "23.1.1.4", "23.1.1.5", "23.1.1.6",
    ];
    let table: Vec<(&str, i64)> = ips.iter().map(|ip| (*ip, 50)).collect();
    let vendor = IpVendor {
        // The first of each window of 3 is throttled: it finishes after the ones behind it.
        throttled: vec![ips[0].to_owned(), ips[3].to_owned()],
        ..IpVendor::scoring(&table)
    };
    let entries = lookup_in_order(&vendor, &ips, "3").await;

    let addresses: Vec<&Value> = entries
        .iter()
        .map(|entry| &context(entry, IP_KEY)[0]["Address"])
        .collect();
    assert_eq!(addresses, ips, "{entries:?}");
    for (entry, ip) in entries.iter().zip(ips) {
        assert_eq!(context(entry, HW_IP_KEY)["ip"], ip);
    }
    let mut expected_lookups: Vec<&str> = ips
        .iter()
        .chain(&ips[..1])
        .chain(&ips[3..4])
        .copied()
        .collect();
    expected_lookups.sort_unstable();
    assert_eq!(vendor.sorted_lookups(), expected_lookups);
}

#[tokio::test]
async fn invalid_domains_and_urls_get_their_own_errors_and_valid_ones_still_get_results() {
    let server = mock_vendor().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/reputation/domain/acme-corp.com"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "domain": "acme-corp.com", "score": 80, "registrar": "Example Registrar",
            "creation_date": "2001-02-03T04:05:06Z"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/reputation/url"))
        .and(query_param("url", "https://acme-corp.com/login"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "url": "https://acme-corp.com/login", "score": 10, "domain": "acme-corp.com",
            "categories": ["Login", "Business"]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let url = server.uri();

    let domains = run(
        "domain",
        json!({"domain": "-bad-.com,acme-corp.com,localhost"}),
        params(&url, &[]),
    )
    .await;
    assert_eq!(domains.len(), 3, "{domains:?}");
    assert_eq!(
        error_text(&domains[0]),
        skipped(
            "Domain",
            "-bad-.com",
            "the label `-bad-` is not valid (letters, digits and inner hyphens, 1 to 63 characters)"
        )
    );
    assert_eq!(context(&domains[1], DOMAIN_KEY)[0]["Name"], "acme-corp.com");
    assert_eq!(
        context(&domains[1], DOMAIN_KEY)[0]["CreationDate"],
        "2001-02-03T04:05:06.000Z"
    );
    assert_eq!(dbot(&domains[1])["Type"], "domain");
    assert_eq!(dbot(&domains[1])["Score"], 3);
    assert_eq!(
        error_text(&domains[2]),
        skipped(
            "Domain",
            "localhost",
            "not a domain name (it needs at least two labels, such as example.com)"
        )
    );

    let urls = run(
        "url",
        json!({"url": "ftp://x,https://acme-corp.com/login,not a url"}),
        params(&url, &[]),
    )
    .await;
    assert_eq!(urls.len(), 3, "{urls:?}");
    assert_eq!(
        error_text(&urls[0]),
        skipped("URL", "ftp://x", "only http and https URLs are looked up")
    );
    let found = &context(&urls[1], URL_KEY)[0];
    assert_eq!(found["Data"], "https://acme-corp.com/login");
    assert_eq!(found["Category"], "Login,Business");
    assert_eq!(dbot(&urls[1])["Type"], "url");
    assert_eq!(dbot(&urls[1])["Score"], 1);
    assert_eq!(
        context(&urls[1], HW_URL_KEY)["url"],
        "https://acme-corp.com/login"
    );
    assert_eq!(
        error_text(&urls[2]),
        skipped(
            "URL",
            "not a url",
            "not a valid URL (relative URL without a base)"
        )
    );
    server.verify().await;
}

// ---------------------------------------------------------------------------------------------
// Against the simulator, and as a process.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn against_the_simulator_every_verdict_matches_its_score_in_order() {
    let sim = sim().await;
    let mut ips: Vec<String> = (0..20)
        .map(|i| format!("{}.45.{}.89", 23 + i, 67 + i))
        .collect();
    // A private address in the middle: the simulator has no data on it.
    ips.insert(10, "192.168.7.7".to_owned());
    let mut params = params(&sim.running.url, &[]);
    params["api_key"] = json!(sim.running.api_key);
    let entries = run("ip", json!({"ip": ips.join(",")}), params.clone()).await;

    assert_eq!(entries.len(), 21, "{entries:?}");
    for (entry, ip) in entries.iter().zip(&ips) {
        assert_eq!(dbot(entry)["Indicator"], json!(ip));
        if ip == "192.168.7.7" {
            assert_eq!(dbot(entry)["Score"], 0);
            assert_eq!(dbot(entry)["Message"], "No results found.");
            assert_eq!(context(entry, HW_IP_KEY), &Value::Null);
            continue;
        }
        let answer = sim_answer(&sim, &format!("{IP_PATH}{ip}")).await;
        assert_sim_verdict(entry, HW_IP_KEY, &answer);
    }

    let domain = run("domain", json!({"domain": "acme-corp.com"}), params.clone()).await;
    let answer = sim_answer(&sim, "/api/v2/reputation/domain/acme-corp.com").await;
    assert_eq!(domain.len(), 1);
    assert_sim_verdict(&domain[0], HW_DOMAIN_KEY, &answer);

    let login = "https://acme-corp.com/login";
    let url = run("url", json!({"url": login}), params).await;
    let query = serde_urlencoded::to_string([("url", login)]).unwrap();
    let answer = sim_answer(&sim, &format!("/api/v2/reputation/url?{query}")).await;
    assert_eq!(url.len(), 1);
    assert_sim_verdict(&url[0], HW_URL_KEY, &answer);
}

#[tokio::test]
async fn no_more_lookups_than_reputation_concurrency_are_in_flight() {
    let ips: Vec<String> = (1..=16).map(|i| format!("31.0.0.{i}")).collect();
    let ips: Vec<&str> = ips.iter().map(String::as_str).collect();
    let table: Vec<(&str, i64)> = ips.iter().map(|ip| (*ip, 40)).collect();
    // The delay is the point: it keeps each request open long enough to overlap the others.
    let vendor = IpVendor {
        delay: Duration::from_millis(100),
        ..IpVendor::scoring(&table)
    };
    lookup_in_order(&vendor, &ips, "4").await;
    assert_eq!(vendor.lookups().len(), 16);
    let in_flight = vendor.max_in_flight();
    assert!(
        (2..=4).contains(&in_flight),
        "{in_flight} lookups in flight at once with reputation_concurrency=4"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_binary_prints_verdicts_on_stdout_and_skipped_values_on_stderr_and_exits_1() {
    let sim = sim().await;
    let answer = sim_answer(&sim, "/api/v2/reputation/ip/8.8.8.8").await;
    let (url, key) = (sim.running.url.clone(), sim.running.api_key.clone());
    let result = tokio::task::spawn_blocking(move || {
        run_with(
            helloworld()
                .args(["run", "ip", "ip=8.8.8.8,1.1.1", "-p", &format!("url={url}")])
                .env("HELLOWORLD_API_KEY", key),
        )
    })
    .await
    .unwrap();

    assert_eq!(result.status, Some(1), "{}", result.stderr);
    assert!(
        result
            .stdout
            .starts_with("### HelloWorld IP reputation\n|IP|Score|Verdict|"),
        "{}",
        result.stdout
    );
    let verdict = ["Unknown", "Good", "Suspicious", "Bad"]
        [usize::try_from(classic_dbot(vendor_score(&answer), 65)).unwrap()];
    let row = format!("| 8.8.8.8 | {} | {verdict} |", answer["score"]);
    assert!(result.stdout.contains(&row), "{row} in:\n{}", result.stdout);
    assert!(!result.stdout.contains("1.1.1 "), "{}", result.stdout);
    assert_eq!(
        result.stderr,
        format!(
            "{}\n",
            skipped("IP", "1.1.1", "not a valid IPv4 or IPv6 address")
        )
    );
}

#[tokio::test]
async fn a_rejected_api_key_is_one_error_for_the_whole_call_not_one_per_value() {
    let sim = sim().await;
    let mut settings = params(&sim.running.url, &[]);
    settings["api_key"] = json!("not-the-key");
    let entries = run("ip", json!({"ip": "8.8.8.8,1.1.1.1,9.9.9.9"}), settings).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    let text = error_text(&entries[0]);
    assert!(text.starts_with("Failed to execute ip command."), "{text}");
    assert!(text.contains("authentication failed"), "{text}");
}
