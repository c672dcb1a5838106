//! Reputation lookups (`/api/v2/reputation/{ip,domain,url}`): which indicators are valid (400),
//! which can never have data because they are not public (404), and the answer for the rest.
//! Scores come from `intel`, shared with the classic API; the other facts from
//! `reputation_facts`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery};
use axum::routing::get;
use reqwest::Url;
use serde_json::Value;

use super::reputation_facts as facts;
use super::{Routes, query_map};
use crate::sim::error::ApiError;
use crate::sim::intel::reputation_score;

pub(super) fn routes() -> Routes {
    vec![
        ("/api/v2/reputation/ip/{ip}", get(ip_reputation)),
        ("/api/v2/reputation/domain/{domain}", get(domain_reputation)),
        ("/api/v2/reputation/url", get(url_reputation)),
    ]
}

async fn ip_reputation(path: Result<Path<String>, PathRejection>) -> Result<Json<Value>, ApiError> {
    let text = path_text(path, "invalid_ip")?;
    let address = parse_ip(&text)?;
    ensure_public_ip(address, &text)?;
    let score = reputation_score("ip", &address.to_string());
    Ok(Json(facts::ip_reputation(address, score)))
}

async fn domain_reputation(
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let text = path_text(path, "invalid_domain")?;
    let domain = normalize_domain(&text).map_err(|problem| {
        ApiError::bad_request(
            "invalid_domain",
            format!("`{text}` is not a valid domain: {problem}"),
        )
    })?;
    ensure_public_domain(&domain, &text)?;
    let score = reputation_score("domain", &domain);
    Ok(Json(facts::domain_reputation(&domain, score)))
}

async fn url_reputation(query: RawQuery) -> Result<Json<Value>, ApiError> {
    let query = query_map(query)?;
    let url = query
        .get("url")
        .filter(|url| !url.is_empty())
        .ok_or_else(|| {
            invalid_url(
                "the `url` query parameter is missing or empty; \
                 send ?url=<percent-encoded http(s) URL>",
            )
        })?;
    let parsed = Url::parse(url).map_err(|error| {
        invalid_url(format!(
            "`{url}` is not an absolute URL ({error}); send one such as https://acme-corp.com/login"
        ))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid_url(format!(
            "`{url}` uses the `{}` scheme; only http and https URLs have reputation data",
            parsed.scheme()
        )));
    }
    let host = parsed
        .host_str()
        .filter(|host| !host.is_empty())
        .ok_or_else(|| invalid_url(format!("`{url}` has no host; send http(s)://<host>/...")))?;
    let host = public_url_host(host)?;
    let score = reputation_score("url", url);
    Ok(Json(facts::url_reputation(url, &host, score)))
}

fn invalid_url(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("invalid_url", message)
}

/// The path parameter, or the route's 400 when it is not valid UTF-8 after percent-decoding.
fn path_text(
    path: Result<Path<String>, PathRejection>,
    code: &'static str,
) -> Result<String, ApiError> {
    path.map(|Path(text)| text).map_err(|rejection| {
        ApiError::bad_request(code, format!("cannot read the path parameter: {rejection}"))
    })
}

/// An IPv4 or IPv6 address; an IPv4-mapped IPv6 address counts as the IPv4 one.
fn parse_ip(text: &str) -> Result<IpAddr, ApiError> {
    text.parse::<IpAddr>()
        .map(|address| address.to_canonical())
        .map_err(|_| {
            ApiError::bad_request(
                "invalid_ip",
                format!(
                    "`{text}` is not an IPv4 or IPv6 address; \
                     send one such as 8.8.8.8 or 2001:4860:4860::8888"
                ),
            )
        })
}

fn ensure_public_ip(address: IpAddr, text: &str) -> Result<(), ApiError> {
    match non_public_ip(address) {
        Some(kind) => Err(ApiError::not_found(format!(
            "no reputation data for `{text}`: it is {kind}, which is never seen on the internet; \
             query a public address"
        ))),
        None => Ok(()),
    }
}

/// What kind of address `address` is when it cannot appear on the public internet.
fn non_public_ip(address: IpAddr) -> Option<&'static str> {
    match address {
        IpAddr::V4(v4) => non_public_v4(v4),
        IpAddr::V6(v6) => non_public_v6(v6),
    }
}

fn non_public_v4(address: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = address.octets();
    // Ipv4Addr::is_shared, is_benchmarking and is_reserved are not stable yet; hence the masks.
    let kinds = [
        (address.is_unspecified(), "the unspecified address"),
        (address.is_loopback(), "a loopback address"),
        (address.is_private(), "a private (RFC 1918) address"),
        (address.is_link_local(), "a link-local address"),
        (address.is_broadcast(), "the broadcast address"),
        (address.is_multicast(), "a multicast address"),
        (
            address.is_documentation(),
            "a documentation (RFC 5737) address",
        ),
        (
            a == 100 && b & 0xC0 == 64,
            "a shared (carrier-grade NAT) address",
        ),
        (a == 0, "a \"this network\" address"),
        ((a, b, c) == (192, 0, 0), "an IETF protocol address"),
        (a == 198 && b & 0xFE == 18, "a benchmarking address"),
        (a >= 240, "a reserved address"),
    ];
    kinds.into_iter().find_map(|(is, kind)| is.then_some(kind))
}

fn non_public_v6(address: Ipv6Addr) -> Option<&'static str> {
    let [a, b, ..] = address.segments();
    let kinds = [
        (address.is_unspecified(), "the unspecified address"),
        (address.is_loopback(), "a loopback address"),
        (address.is_unique_local(), "a unique-local address"),
        (address.is_unicast_link_local(), "a link-local address"),
        (address.is_multicast(), "a multicast address"),
        (
            (a, b) == (0x2001, 0x0DB8),
            "a documentation (RFC 3849) address",
        ),
    ];
    kinds.into_iter().find_map(|(is, kind)| is.then_some(kind))
}

/// `text` lowercased without a final dot, if it is a valid hostname of at least two labels;
/// else what is wrong with it.
fn normalize_domain(text: &str) -> Result<String, String> {
    let domain = text.strip_suffix('.').unwrap_or(text).to_ascii_lowercase();
    if domain.is_empty() || domain.len() > 253 {
        return Err("a domain has 1 to 253 characters".to_owned());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err("it needs at least two labels, such as acme-corp.com".to_owned());
    }
    if let Some(label) = labels.iter().find(|label| !valid_label(label)) {
        return Err(format!(
            "the label `{label}` must be 1 to 63 letters, digits or '-', not starting or ending with '-'"
        ));
    }
    if labels
        .last()
        .is_some_and(|tld| tld.bytes().all(|byte| byte.is_ascii_digit()))
    {
        return Err(
            "a top-level domain is never numeric; query addresses at /api/v2/reputation/ip/{ip}"
                .to_owned(),
        );
    }
    Ok(domain)
}

fn valid_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && label
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// Top-level domains reserved by RFC 2606 and RFC 6762, which never resolve on the internet.
const RESERVED_TLDS: [&str; 5] = ["test", "example", "invalid", "localhost", "local"];
/// Second-level domains reserved for documentation by RFC 2606.
const RESERVED_DOMAINS: [&str; 3] = ["example.com", "example.net", "example.org"];

/// 404 for a valid, lowercase `domain` under a reserved name.
fn ensure_public_domain(domain: &str, text: &str) -> Result<(), ApiError> {
    let tld = domain.rsplit('.').next().unwrap_or(domain);
    let reserved = RESERVED_TLDS.contains(&tld)
        || RESERVED_DOMAINS.iter().any(|reserved| {
            domain == *reserved
                || domain
                    .strip_suffix(reserved)
                    .is_some_and(|rest| rest.ends_with('.'))
        });
    if reserved {
        return Err(ApiError::not_found(format!(
            "no reputation data for `{text}`: it is under a reserved name that never resolves \
             on the internet; query a public domain"
        )));
    }
    Ok(())
}

/// The host of a URL (as `Url` normalized it) when it is public: an IP text without brackets,
/// or a lowercase domain. 404 for hosts without data, 400 for hosts that are not hostnames.
fn public_url_host(host: &str) -> Result<String, ApiError> {
    let bracketed = host
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'));
    if let Some(address) = bracketed
        .unwrap_or(host)
        .parse::<IpAddr>()
        .ok()
        .map(|address| address.to_canonical())
    {
        ensure_public_ip(address, host)?;
        return Ok(address.to_string());
    }
    if !host.contains('.') {
        return Err(ApiError::not_found(format!(
            "no reputation data for `{host}`: a single-label host is an intranet name; \
             query a URL on a public domain"
        )));
    }
    let domain = normalize_domain(host)
        .map_err(|problem| invalid_url(format!("the host `{host}` is not valid: {problem}")))?;
    ensure_public_domain(&domain, host)?;
    Ok(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_public_addresses_are_named() {
        for address in [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "127.0.0.1",
            "169.254.1.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "100.64.0.1",
            "100.127.255.254",
            "::",
            "::1",
            "fe80::1",
            "fd00::1",
            "fc00::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:10.0.0.1",
        ] {
            let parsed: IpAddr = address.parse().unwrap();
            assert!(non_public_ip(parsed.to_canonical()).is_some(), "{address}");
        }
        for address in ["8.8.8.8", "100.128.0.1", "1.1.1.1", "2001:4860:4860::8888"] {
            assert_eq!(non_public_ip(address.parse().unwrap()), None, "{address}");
        }
    }

    #[test]
    fn domains_are_checked_and_normalized() {
        assert_eq!(
            normalize_domain("Acme-Corp.COM.").as_deref(),
            Ok("acme-corp.com")
        );
        assert!(normalize_domain("xn--bcher-kva.de").is_ok());
        let too_long = format!("{}com", "a.".repeat(126));
        for bad in [
            "",
            "com",
            "-bad-.com",
            "bad-.com",
            "a..com",
            "under_score.com",
            "1.2.3.4",
            &too_long,
            &format!("{}.com", "a".repeat(64)),
        ] {
            assert!(normalize_domain(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reserved_domains_have_no_data() {
        for reserved in [
            "a.test",
            "example.com",
            "www.example.org",
            "printer.local",
            "x.localhost",
        ] {
            assert!(
                ensure_public_domain(reserved, reserved).is_err(),
                "{reserved}"
            );
        }
        for public in ["notexample.com", "example.co", "acme-corp.com"] {
            assert!(ensure_public_domain(public, public).is_ok(), "{public}");
        }
    }
}
