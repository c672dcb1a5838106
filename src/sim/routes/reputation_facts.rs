//! The invented facts of a reputation answer: who owns an IP's network, a domain's WHOIS, a
//! URL's categories. Everything derives from `stable_hash` of the value (or of its network), so
//! every process and every seed tells the same story about the same indicator, and addresses in
//! one network share an owner, as they do in real WHOIS data.

use std::net::{IpAddr, Ipv6Addr};

use serde_json::{Value, json};

use crate::sim::model::rfc3339;
use crate::sim::rng::{SplitMix64, stable_hash};

/// Dates are relative to this fixed instant (2026-01-01T00:00:00Z), not to now, so that an
/// answer is the same on every day and can be compared across runs.
const EPOCH: i64 = 1_767_225_600;
const DAY: i64 = 86_400;

/// From this score on, a URL gets categories of the risky kind, so that categories and score
/// tell the same story (XSOAR's default "bad" threshold is in this range too).
const RISKY_SCORE: u8 = 65;

/// Owners of the networks IPs belong to: name, network handle, ASN, country, registry, domain.
struct Owner {
    name: &'static str,
    handle: &'static str,
    asn: u32,
    country: &'static str,
    registry: &'static str,
    domain: &'static str,
}

const fn owner(
    name: &'static str,
    handle: &'static str,
    asn: u32,
    country: &'static str,
    registry: &'static str,
    domain: &'static str,
) -> Owner {
    Owner {
        name,
        handle,
        asn,
        country,
        registry,
        domain,
    }
}

// One owner a line, as a table reads best.
#[rustfmt::skip]
const OWNERS: [Owner; 22] = [
    owner("Google LLC", "GOOGLE", 15169, "US", "arin", "google.com"),
    owner("Amazon.com, Inc.", "AMAZON", 16509, "US", "arin", "amazon.com"),
    owner("Microsoft Corporation", "MSFT", 8075, "US", "arin", "microsoft.com"),
    owner("Cloudflare, Inc.", "CLOUDFLARENET", 13335, "US", "arin", "cloudflare.com"),
    owner("DigitalOcean, LLC", "DIGITALOCEAN", 14061, "US", "arin", "digitalocean.com"),
    owner("Akamai Technologies, Inc.", "AKAMAI", 16625, "US", "arin", "akamai.com"),
    owner("Linode, LLC", "LINODE", 63949, "US", "arin", "linode.com"),
    owner("Comcast Cable Communications, LLC", "COMCAST", 7922, "US", "arin", "comcast.net"),
    owner("Hetzner Online GmbH", "HETZNER", 24940, "DE", "ripencc", "hetzner.com"),
    owner("OVH SAS", "OVH", 16276, "FR", "ripencc", "ovh.net"),
    owner("Deutsche Telekom AG", "DTAG", 3320, "DE", "ripencc", "telekom.de"),
    owner("PJSC Rostelecom", "RT", 12389, "RU", "ripencc", "rt.ru"),
    owner("Chinanet", "CHINANET", 4134, "CN", "apnic", "chinatelecom.cn"),
    owner("Korea Telecom", "KT", 4766, "KR", "apnic", "kt.com"),
    owner("NTT Communications Corporation", "OCN", 4713, "JP", "apnic", "ntt.com"),
    owner("Bharti Airtel Ltd.", "AIRTEL", 24560, "IN", "apnic", "airtel.com"),
    owner("Telstra Limited", "TELSTRA", 1221, "AU", "apnic", "telstra.com"),
    owner("Claro NXT Telecomunicacoes Ltda", "CLARO", 28573, "BR", "lacnic", "claro.com.br"),
    owner("Uninet S.A. de C.V.", "UNINET", 8151, "MX", "lacnic", "telmex.com"),
    owner("MTN Nigeria", "MTNNS", 29465, "NG", "afrinic", "mtnnigeria.net"),
    owner("Safaricom Limited", "SAFARICOM", 33771, "KE", "afrinic", "safaricom.co.ke"),
    owner("Vodacom", "VODACOM", 29975, "ZA", "afrinic", "vodacom.co.za"),
];

const REGISTRARS: [&str; 12] = [
    "MarkMonitor Inc.",
    "GoDaddy.com, LLC",
    "NameCheap, Inc.",
    "Tucows Domains Inc.",
    "Gandi SAS",
    "Network Solutions, LLC",
    "Cloudflare, Inc.",
    "Amazon Registrar, Inc.",
    "Porkbun LLC",
    "IONOS SE",
    "Dynadot Inc",
    "Alibaba Cloud Computing (Beijing) Co., Ltd.",
];

const ORGANIZATIONS: [&str; 10] = [
    "Domains By Proxy, LLC",
    "Withheld for Privacy ehf",
    "Contoso Ltd.",
    "Fabrikam, Inc.",
    "Northwind Traders",
    "Globex Corporation",
    "Initech LLC",
    "Tailspin Toys",
    "Wide World Importers",
    "Adventure Works Cycles",
];

const REGISTRANTS: [&str; 8] = [
    "REDACTED FOR PRIVACY",
    "REDACTED FOR PRIVACY",
    "Domain Administrator",
    "Hostmaster",
    "Maria Schmidt",
    "Kenji Tanaka",
    "Priya Sharma",
    "Carlos Mendes",
];

const COUNTRIES: [&str; 12] = [
    "US", "GB", "DE", "FR", "NL", "CA", "JP", "CN", "RU", "BR", "IN", "IS",
];

const CLOUDFLARE_NAMES: [&str; 8] = ["ada", "bob", "cruz", "dina", "elle", "fred", "gail", "hugo"];
const AWS_TLDS: [&str; 4] = ["com", "net", "org", "co.uk"];

const RISKY_CATEGORIES: [&str; 4] = ["phishing", "malware", "gambling", "parked"];
const BENIGN_CATEGORIES: [&str; 6] = [
    "business",
    "news",
    "social",
    "technology",
    "shopping",
    "education",
];

fn rng_for(purpose: &str, value: &str) -> SplitMix64 {
    SplitMix64::new(stable_hash(format!("{purpose}:{value}").as_bytes()))
}

fn pick<'a, T>(rng: &mut SplitMix64, items: &'a [T]) -> &'a T {
    &items[rng.below(items.len() as u64) as usize]
}

/// A time within `max_days` before [`EPOCH`], at any second of the day.
fn days_before(rng: &mut SplitMix64, max_days: u64) -> i64 {
    EPOCH - rng.below(max_days) as i64 * DAY - rng.below(DAY as u64) as i64
}

/// The IpReputation body of a public `address`.
pub(super) fn ip_reputation(address: IpAddr, score: u8) -> Value {
    let (cidr, start, end) = network_of(address);
    let mut network_rng = rng_for("ip-network", &cidr);
    let owner = pick(&mut network_rng, &OWNERS);
    let mut address_rng = rng_for("ip", &address.to_string());
    json!({
        "ip": address.to_string(),
        "score": score,
        "asn": format!("AS{}", owner.asn),
        "as_owner": owner.name,
        "country": owner.country,
        "network": {
            "cidr": cidr,
            "name": format!("{}-NET-{:04X}", owner.handle, network_rng.below(0x1_0000)),
            "start_address": start,
            "end_address": end,
            "registry": owner.registry,
        },
        "whois": {
            "organization": owner.name,
            "abuse_email": format!("abuse@{}", owner.domain),
            "updated": rfc3339(days_before(&mut network_rng, 3 * 365)),
        },
        "last_seen": rfc3339(days_before(&mut address_rng, 90)),
    })
}

/// The /24 (IPv4) or /48 (IPv6) holding `address`: CIDR, first and last address.
fn network_of(address: IpAddr) -> (String, String, String) {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            (
                format!("{a}.{b}.{c}.0/24"),
                format!("{a}.{b}.{c}.0"),
                format!("{a}.{b}.{c}.255"),
            )
        }
        IpAddr::V6(v6) => {
            let [a, b, c, ..] = v6.segments();
            let start = Ipv6Addr::new(a, b, c, 0, 0, 0, 0, 0);
            let all = 0xFFFF;
            let end = Ipv6Addr::new(a, b, c, all, all, all, all, all);
            (format!("{start}/48"), start.to_string(), end.to_string())
        }
    }
}

/// The DomainReputation body of a valid, lowercase, public `domain`.
pub(super) fn domain_reputation(domain: &str, score: u8) -> Value {
    let mut rng = rng_for("domain", domain);
    // At least a month old; updated after creation; expiring on a later anniversary of it.
    let created = days_before(&mut rng, 9000) - 30 * DAY;
    let age_days = (EPOCH - created) / DAY;
    let updated = days_before(&mut rng, age_days.clamp(1, 365) as u64).max(created);
    let years = age_days / 365 + 1 + rng.below(5) as i64;
    let expires = created + years * 365 * DAY;
    json!({
        "domain": domain,
        "score": score,
        "registrar": pick(&mut rng, &REGISTRARS),
        "creation_date": rfc3339(created),
        "updated_date": rfc3339(updated),
        "expiration_date": rfc3339(expires),
        "name_servers": name_servers(&mut rng, domain),
        "organization": pick(&mut rng, &ORGANIZATIONS),
        "registrant": {
            "name": pick(&mut rng, &REGISTRANTS),
            "country": pick(&mut rng, &COUNTRIES),
        },
    })
}

/// 2 to 4 distinct name servers in the style of one DNS provider.
fn name_servers(rng: &mut SplitMix64, domain: &str) -> Vec<String> {
    let count = 2 + rng.below(3) as usize;
    let first = rng.below(64) as usize;
    (0..count)
        .map(|index| match first % 5 {
            0 => format!(
                "{}.ns.cloudflare.com",
                CLOUDFLARE_NAMES[(first + index) % CLOUDFLARE_NAMES.len()]
            ),
            1 => format!(
                "ns-{}.awsdns-{:02}.{}",
                rng.below(2048),
                rng.below(64),
                AWS_TLDS[index % AWS_TLDS.len()]
            ),
            2 => format!("ns{:02}.domaincontrol.com", first + index + 1),
            3 => format!("dns{}.registrar-servers.com", index + 1),
            _ => format!("ns{}.{domain}", index + 1),
        })
        .collect()
}

/// The UrlReputation body of `url`, whose host is `host`.
pub(super) fn url_reputation(url: &str, host: &str, score: u8) -> Value {
    let mut rng = rng_for("url", &url.to_ascii_lowercase());
    let pool: &[&str] = if score >= RISKY_SCORE {
        &RISKY_CATEGORIES
    } else {
        &BENIGN_CATEGORIES
    };
    let count = 1 + rng.below(3) as usize;
    let first = rng.below(pool.len() as u64) as usize;
    // Consecutive entries of the pool, so the categories are distinct.
    let categories: Vec<&str> = (0..count)
        .map(|index| pool[(first + index) % pool.len()])
        .collect();
    json!({
        "url": url,
        "score": score,
        "domain": host,
        "categories": categories,
        "last_seen": rfc3339(days_before(&mut rng, 60)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ips_in_one_network_share_its_owner() {
        let first = ip_reputation("8.8.8.8".parse().unwrap(), 1);
        let second = ip_reputation("8.8.8.9".parse().unwrap(), 1);
        assert_eq!(first["network"], second["network"]);
        assert_eq!(first["asn"], second["asn"]);
        assert_eq!(first["network"]["cidr"], "8.8.8.0/24");
        assert_eq!(first["network"]["end_address"], "8.8.8.255");
        let v6 = ip_reputation("2001:4860:4860::8888".parse().unwrap(), 1);
        assert_eq!(v6["network"]["cidr"], "2001:4860:4860::/48");
        assert_eq!(
            v6["network"]["end_address"],
            "2001:4860:4860:ffff:ffff:ffff:ffff:ffff"
        );
    }

    #[test]
    fn domain_dates_are_in_order_and_servers_distinct() {
        for n in 0..300 {
            let domain = format!("site-{n}.com");
            let json = domain_reputation(&domain, 1);
            let created = json["creation_date"].as_str().unwrap();
            let updated = json["updated_date"].as_str().unwrap();
            let expires = json["expiration_date"].as_str().unwrap();
            assert!(created <= updated && updated < expires, "{domain}: {json}");
            assert!(expires > rfc3339(EPOCH).as_str(), "{domain} expired");
            let servers = json["name_servers"].as_array().unwrap();
            assert!((2..=4).contains(&servers.len()));
            let unique: std::collections::HashSet<&str> =
                servers.iter().map(|name| name.as_str().unwrap()).collect();
            assert_eq!(unique.len(), servers.len(), "{domain}");
        }
    }

    #[test]
    fn url_categories_follow_the_score() {
        let risky = url_reputation("http://a.com/x", "a.com", 90);
        let benign = url_reputation("http://a.com/x", "a.com", 10);
        let categories = |json: &Value| -> Vec<String> {
            json["categories"]
                .as_array()
                .unwrap()
                .iter()
                .map(|value| value.as_str().unwrap().to_owned())
                .collect()
        };
        assert!(
            categories(&risky)
                .iter()
                .all(|name| RISKY_CATEGORIES.contains(&name.as_str()))
        );
        assert!(
            categories(&benign)
                .iter()
                .all(|name| BENIGN_CATEGORIES.contains(&name.as_str()))
        );
        assert!((1..=3).contains(&categories(&risky).len()));
    }
}
