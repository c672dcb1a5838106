//! The response bodies of the classic API (`/api/v1`), shaped key for key like the classic
//! service's test data (`shared/reference/helloworld-v1/test_data/*.json`). Values the store does
//! not hold (an alert's location and device, a whole RDAP or WHOIS record) are derived from the
//! value with `stable_hash`, so they are the same in every process and every seed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use chrono::DateTime;
use serde_json::{Value, json};

use crate::sim::intel::ScanFinding;
use crate::sim::model::{StoredAlert, alert_id};
use crate::sim::rng::stable_hash;

/// One alert as `get_alerts` lists it, keys in the classic order.
pub(super) fn alert_summary(alert: &StoredAlert) -> Value {
    let mut rendered = alert.to_json();
    json!({
        "name": rendered["name"].take(),
        "alert_type": alert.alert_type(),
        "alert_status": alert.status.as_str(),
        "severity": alert.severity.as_str(),
        "created": alert.created,
        "alert_id": alert_id(alert.seq),
    })
}

/// Fictional sites, like the classic service's alert records.
const LOCATIONS: [&str; 8] = [
    "Medina Station",
    "Tycho Station",
    "Ceres Station",
    "Eros Outpost",
    "Ganymede Dome",
    "Pallas Yard",
    "Callisto Ring",
    "Luna Base",
];

/// `get_alert_details`: the classic service's record of an alert. Every field is non-empty, as
/// the classic test playbook checks, even for injected alerts without a user or address.
pub(super) fn alert_details(alert: &StoredAlert) -> Value {
    let rendered = alert.to_json();
    let text = |key: &str| {
        rendered[key]
            .as_str()
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    };
    let id = alert_id(alert.seq);
    let hash = stable_hash(format!("classic-alert:{id}").as_bytes());
    // Alerts on the same host share a device, so the device id follows the hostname.
    let device = text("hostname").unwrap_or_else(|| id.clone());
    let device_ip = text("source_ip").unwrap_or_else(|| {
        let [_, b, c, d, ..] = hash.to_le_bytes();
        Ipv4Addr::new(10, b, c, d.max(1)).to_string()
    });
    json!({
        "description": text("description").or_else(|| text("name")),
        "location": LOCATIONS[pick(hash, LOCATIONS.len())],
        "user": text("user").unwrap_or_else(|| "unknown".to_owned()),
        "device_id": stable_uuid(&format!("device:{device}")),
        "device_ip": device_ip,
        "created": alert.created,
        "alert_id": id,
    })
}

/// `change_alert_status`: the alert after the change.
pub(super) fn status_update(alert: &StoredAlert) -> Value {
    json!({
        "updated": alert.updated,
        "alert_status": alert.status.as_str(),
        "alert_id": alert_id(alert.seq),
    })
}

/// `get_scan_results` of a COMPLETE scan; note `entity-id`, hyphenated as the classic service
/// wrote it.
pub(super) fn scan_results(scan_id: &str, findings: &[ScanFinding]) -> Value {
    let entities: Vec<Value> = findings
        .iter()
        .map(|finding| {
            json!({
                "type": finding.entity_type,
                "entity-id": finding.entity_id,
                "ip_address": finding.ip_address,
                "vulnerability_status": finding.vulnerability_status,
                "vulns": finding.vulns,
            })
        })
        .collect();
    json!({"scan_id": scan_id, "status": "COMPLETE", "entities": entities})
}

/// Whether a registry could hold a record of `address`: not private, loopback, link-local,
/// multicast, documentation, shared, benchmarking or otherwise reserved.
pub(super) fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || a >= 240
                || (a == 100 && b & 0xc0 == 64)
                || (a == 198 && b & 0xfe == 18)
                || (a == 192 && b == 0 && c == 0))
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public(IpAddr::V4(v4)),
            None => {
                let [first, second, ..] = v6.segments();
                !(v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || v6.is_unique_local()
                    || v6.is_unicast_link_local()
                    || (first == 0x2001 && second == 0x0db8))
            }
        },
    }
}

/// A regional internet registry as RDAP answers name it.
struct Registry {
    name: &'static str,
    handle_suffix: &'static str,
    rdap: &'static str,
    terms: &'static str,
    countries: &'static [&'static str],
}

const REGISTRIES: [Registry; 5] = [
    Registry {
        name: "arin",
        handle_suffix: "ARIN",
        rdap: "https://rdap.arin.net/registry",
        terms: "https://www.arin.net/resources/registry/whois/tou/",
        countries: &["US", "CA"],
    },
    Registry {
        name: "ripencc",
        handle_suffix: "RIPE",
        rdap: "https://rdap.db.ripe.net",
        terms: "http://www.ripe.net/data-tools/support/documentation/terms",
        countries: &["IT", "DE", "FR", "NL", "GB"],
    },
    Registry {
        name: "apnic",
        handle_suffix: "AP",
        rdap: "https://rdap.apnic.net",
        terms: "https://www.apnic.net/about-apnic/whois_search/about/termsofuse/",
        countries: &["JP", "AU", "SG", "IN"],
    },
    Registry {
        name: "lacnic",
        handle_suffix: "LACNIC",
        rdap: "https://rdap.lacnic.net/rdap",
        terms: "https://www.lacnic.net/terms",
        countries: &["BR", "AR", "MX", "CL"],
    },
    Registry {
        name: "afrinic",
        handle_suffix: "AFRINIC",
        rdap: "https://rdap.afrinic.net/rdap",
        terms: "https://afrinic.net/whois/terms",
        countries: &["ZA", "NG", "KE", "EG"],
    },
];

const NETWORK_NAMES: [&str; 8] = [
    "ITNET",
    "NETSERV",
    "TELCOM",
    "DATALINK",
    "FIBERNET",
    "METRONET",
    "GLOBALCOM",
    "SKYLINK",
];

/// The address block around an address: the /16 (v4) or /32 (v6) network and its /24 or /48.
struct Block {
    start: IpAddr,
    end: IpAddr,
    prefix: u8,
    asn_cidr: String,
    version: &'static str,
    parent: &'static str,
}

fn block_of(address: IpAddr) -> Block {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            Block {
                start: Ipv4Addr::new(a, b, 0, 0).into(),
                end: Ipv4Addr::new(a, b, 255, 255).into(),
                prefix: 16,
                asn_cidr: format!("{}/24", Ipv4Addr::new(a, b, c, 0)),
                version: "v4",
                parent: "0.0.0.0 - 255.255.255.255",
            }
        }
        IpAddr::V6(v6) => {
            let [a, b, c, ..] = v6.segments();
            let ones = 0xffff;
            Block {
                start: Ipv6Addr::new(a, b, 0, 0, 0, 0, 0, 0).into(),
                end: Ipv6Addr::new(a, b, ones, ones, ones, ones, ones, ones).into(),
                prefix: 32,
                asn_cidr: format!("{}/48", Ipv6Addr::new(a, b, c, 0, 0, 0, 0, 0)),
                version: "v6",
                parent: "2000:: - 3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            }
        }
    }
}

/// `ip`: an ipwhois RDAP lookup (depth 1) plus `score`, shaped like the classic test data: the
/// lookup's `nir` and `objects` are left out and `ip` echoes the address, as there.
pub(super) fn ip_record(ip: &str, address: IpAddr, score: u8) -> Value {
    let block = block_of(address);
    let hash = stable_hash(format!("rdap:{}", block.start).as_bytes());
    let registry = &REGISTRIES[pick(hash, REGISTRIES.len())];
    let country = registry.countries[pick(hash >> 8, registry.countries.len())];
    let network_name = NETWORK_NAMES[pick(hash >> 16, NETWORK_NAMES.len())];
    // Registered some time from 1990 to 2019; last changed some time from 2015 to 2024.
    let registered = 631_152_000 + modulo(hash >> 20, 30 * 365 * 86_400);
    let changed = 1_420_070_400 + modulo(hash >> 24, 10 * 365 * 86_400);
    let entities: Vec<String> = (0..3 + pick(hash >> 32, 6))
        .map(|index| {
            let part = stable_hash(format!("{hash}:{index}").as_bytes());
            let letters: String = [part, part >> 8]
                .iter()
                .map(|byte| char::from(b'A' + (*byte % 26) as u8))
                .collect();
            format!(
                "{letters}{}-{}",
                modulo(part >> 16, 99_999) + 1,
                registry.handle_suffix
            )
        })
        .collect();
    json!({
        "asn_registry": registry.name,
        "asn": (modulo(hash >> 40, 64_000) + 1000).to_string(),
        "asn_cidr": block.asn_cidr,
        "asn_country_code": country,
        "asn_date": format_time(registered, "%Y-%m-%d"),
        "asn_description": format!("ASN-{network_name}, {country}"),
        "query": ip,
        "network": {
            "handle": format!("{} - {}", block.start, block.end),
            "status": null,
            "remarks": null,
            "notices": [
                {"title": "Filtered", "description": "This output has been filtered.", "links": null},
                {
                    "title": "Source",
                    "description": format!("Objects returned came from source\n{}", registry.handle_suffix),
                    "links": null,
                },
                {
                    "title": "Terms and Conditions",
                    "description": "This is the registry's RDAP query service.",
                    "links": [registry.terms],
                },
            ],
            "links": [format!("{}/ip/{ip}", registry.rdap), registry.terms],
            "events": [{
                "action": "last changed",
                "timestamp": format_time(changed, "%Y-%m-%dT%H:%M:%SZ"),
                "actor": null,
            }],
            "raw": null,
            "start_address": block.start.to_string(),
            "end_address": block.end.to_string(),
            "cidr": format!("{}/{}", block.start, block.prefix),
            "ip_version": block.version,
            "type": if hash & 1 == 0 { "ALLOCATED PA" } else { "ASSIGNED PA" },
            "name": format!("{country}-{network_name}-{}", format_time(registered, "%Y%m%d")),
            "country": country,
            "parent_handle": block.parent,
        },
        "entities": entities,
        "raw": null,
        "score": score,
        "ip": ip,
    })
}

/// Top-level domains that never hold registrations (RFC 2606, RFC 6761, RFC 6762).
const RESERVED_TLDS: [&str; 5] = ["test", "example", "invalid", "localhost", "local"];

/// Registrars, their WHOIS servers and abuse addresses.
const REGISTRARS: [(&str, &str, &str); 6] = [
    (
        "MarkMonitor, Inc.",
        "whois.markmonitor.com",
        "abusecomplaints@markmonitor.com",
    ),
    ("GoDaddy.com, LLC", "whois.godaddy.com", "abuse@godaddy.com"),
    (
        "NameCheap, Inc.",
        "whois.namecheap.com",
        "abuse@namecheap.com",
    ),
    ("Gandi SAS", "whois.gandi.net", "abuse@support.gandi.net"),
    (
        "Tucows Domains Inc.",
        "whois.tucows.com",
        "domainabuse@tucows.com",
    ),
    (
        "CSC Corporate Domains, Inc.",
        "whois.corporatedomains.com",
        "domainabuse@cscglobal.com",
    ),
];

const COUNTRIES: [&str; 6] = ["US", "DE", "GB", "FR", "JP", "CA"];
const US_STATES: [&str; 5] = ["CA", "NY", "TX", "WA", "VA"];
const COMPANY_SUFFIXES: [&str; 5] = ["LLC", "Inc.", "Ltd", "GmbH", "S.A."];

/// `domain`: a python-whois record plus `score`, shaped like the classic test data (dates as
/// `YYYY-mm-dd HH:MM:SS` lists, `domain` echoing the name); `None` for a reserved or
/// single-label name, of which WHOIS has no record.
pub(super) fn domain_record(domain: &str, score: u8) -> Option<Value> {
    let name = domain.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = name.split('.').collect();
    let (tld, registered_label) = match labels.as_slice() {
        [.., label, tld] if !label.is_empty() && !tld.is_empty() => (*tld, *label),
        _ => return None,
    };
    if RESERVED_TLDS.contains(&tld) || labels.iter().any(|label| label.is_empty()) {
        return None;
    }
    let hash = stable_hash(format!("whois:{name}").as_bytes());
    let (registrar, whois_server, abuse) = REGISTRARS[pick(hash, REGISTRARS.len())];
    let country = COUNTRIES[pick(hash >> 8, COUNTRIES.len())];
    let state = (country == "US").then(|| US_STATES[pick(hash >> 12, US_STATES.len())]);
    // Created some time from 1995 to 2019, registered for 10 to 30 years, updated in between.
    let created = 788_918_400 + modulo(hash >> 16, 25 * 365 * 86_400);
    let expires = created + (10 + modulo(hash >> 24, 21)) * 365 * 86_400;
    let updated = created + 86_400 + modulo(hash >> 32, expires - created - 2 * 86_400);
    // python-whois lists a date once per WHOIS server it read, in their own time zones.
    let dates = |time: i64| {
        json!([
            format_time(time, "%Y-%m-%d %H:%M:%S"),
            format_time(time - 7 * 3600, "%Y-%m-%d %H:%M:%S"),
        ])
    };
    let upper = name.to_ascii_uppercase();
    let mut org = registered_label.to_owned();
    if let Some(first) = org.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    Some(json!({
        "domain": domain,
        "domain_name": [upper, name],
        "registrar": registrar,
        "whois_server": whois_server,
        "referral_url": null,
        "updated_date": dates(updated),
        "creation_date": dates(created),
        "expiration_date": dates(expires),
        "name_servers": [format!("NS1.{upper}"), format!("NS2.{upper}"), format!("ns1.{name}"), format!("ns2.{name}")],
        "status": [
            "clientDeleteProhibited https://icann.org/epp#clientDeleteProhibited",
            "clientTransferProhibited https://icann.org/epp#clientTransferProhibited",
            "clientUpdateProhibited https://icann.org/epp#clientUpdateProhibited",
        ],
        "emails": [abuse, format!("hostmaster@{name}")],
        "dnssec": if hash & 1 == 0 { "unsigned" } else { "signedDelegation" },
        "name": null,
        "org": format!("{org} {}", COMPANY_SUFFIXES[pick(hash >> 40, COMPANY_SUFFIXES.len())]),
        "address": null,
        "city": null,
        "state": state,
        "zipcode": null,
        "country": country,
        "score": score,
    }))
}

/// An index below `len` from hash bits.
fn pick(bits: u64, len: usize) -> usize {
    (bits % len.max(1) as u64) as usize
}

/// A number in `0..bound` from hash bits (0 when `bound` is not positive).
fn modulo(bits: u64, bound: i64) -> i64 {
    u64::try_from(bound)
        .ok()
        .filter(|bound| *bound > 0)
        .and_then(|bound| i64::try_from(bits % bound).ok())
        .unwrap_or(0)
}

/// A version-4-looking UUID fixed by `key`.
fn stable_uuid(key: &str) -> String {
    let high = stable_hash(format!("{key}:high").as_bytes()).to_be_bytes();
    let low = stable_hash(format!("{key}:low").as_bytes()).to_be_bytes();
    let mut bytes = [0; 16];
    bytes[..8].copy_from_slice(&high);
    bytes[8..].copy_from_slice(&low);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

fn format_time(unix_seconds: i64, format: &str) -> String {
    DateTime::from_timestamp(unix_seconds, 0)
        .unwrap_or_default()
        .format(format)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_have_records() {
        for public in [
            "151.1.1.1",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:151.1.1.1",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
        let reserved = [
            "10.0.0.1",
            "127.0.0.1",
            "192.168.1.1",
            "172.16.0.1",
            "169.254.1.1",
            "100.64.0.1",
            "198.18.0.1",
            "192.0.2.1",
            "224.0.0.1",
            "240.0.0.1",
            "255.255.255.255",
            "0.0.0.0",
            "::1",
            "::",
            "fc00::1",
            "fe80::1",
            "2001:db8::1",
            "::ffff:10.0.0.1",
        ];
        for address in reserved {
            assert!(!is_public(address.parse().unwrap()), "{address}");
        }
    }

    #[test]
    fn ip_records_are_stable_per_address() {
        let address: IpAddr = "151.1.1.1".parse().unwrap();
        let record = ip_record("151.1.1.1", address, 70);
        assert_eq!(record, ip_record("151.1.1.1", address, 70));
        assert_eq!(record["network"]["cidr"], "151.1.0.0/16");
        assert_eq!(record["asn_cidr"], "151.1.1.0/24");
        assert_eq!(record["ip"], "151.1.1.1");
        let v6 = ip_record("2606:4700::1111", "2606:4700::1111".parse().unwrap(), 1);
        assert_eq!(v6["network"]["ip_version"], "v6");
        assert_eq!(v6["network"]["cidr"], "2606:4700::/32");
    }

    #[test]
    fn domain_records_are_stable_and_reserved_names_have_none() {
        let record = domain_record("google.com", 68).unwrap();
        assert_eq!(record, domain_record("google.com", 68).unwrap());
        assert_eq!(record["domain_name"], json!(["GOOGLE.COM", "google.com"]));
        let created = record["creation_date"][0].as_str().unwrap();
        let expires = record["expiration_date"][0].as_str().unwrap();
        let updated = record["updated_date"][0].as_str().unwrap();
        assert!(
            created < updated && updated < expires,
            "{created} {updated} {expires}"
        );
        assert_eq!(created.len(), "1997-09-15 04:00:00".len());
        assert!(record["org"].as_str().unwrap().starts_with("Google "));
        for reserved in [
            "a.test",
            "x.example",
            "b.invalid",
            "localhost",
            "c.local",
            "com",
            "a..com",
            "",
        ] {
            assert!(domain_record(reserved, 1).is_none(), "{reserved}");
        }
    }

    #[test]
    fn device_ids_are_stable_uuids() {
        let id = stable_uuid("device:ws-001");
        assert_eq!(id, stable_uuid("device:ws-001"));
        assert_ne!(id, stable_uuid("device:ws-002"));
        assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 4);
    }
}
