//! What counts as an IP, a domain or a URL before anything is sent to the vendor: a value that
//! fails here gets its own error entry and costs no API call.

use std::net::IpAddr;

/// Why a value is not an indicator of its kind, or `None` when it is one.
pub(super) fn problem(kind: super::Kind, value: &str) -> Option<String> {
    match kind {
        super::Kind::Ip => value
            .parse::<IpAddr>()
            .is_err()
            .then(|| "not a valid IPv4 or IPv6 address".to_owned()),
        super::Kind::Domain => domain_problem(value),
        super::Kind::Url => url_problem(value),
    }
}

fn domain_problem(domain: &str) -> Option<String> {
    let domain = domain.trim_end_matches('.');
    if domain.len() > 253 {
        return Some("longer than 253 characters".to_owned());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Some(
            "not a domain name (it needs at least two labels, such as example.com)".to_owned(),
        );
    }
    let bad_label = labels.iter().find(|label| {
        label.is_empty()
            || label.len() > 63
            || label.starts_with('-')
            || label.ends_with('-')
            || !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    if let Some(label) = bad_label {
        return Some(format!(
            "the label `{label}` is not valid (letters, digits and inner hyphens, 1 to 63 characters)"
        ));
    }
    labels
        .last()
        .filter(|top| top.chars().all(|c| c.is_ascii_digit()))
        .map(|_| "an IP address, not a domain: use the ip command".to_owned())
}

fn url_problem(url: &str) -> Option<String> {
    match reqwest::Url::parse(url) {
        Err(error) => Some(format!("not a valid URL ({error})")),
        Ok(parsed) if !matches!(parsed.scheme(), "http" | "https") => {
            Some("only http and https URLs are looked up".to_owned())
        }
        Ok(parsed) if parsed.host_str().is_none_or(str::is_empty) => {
            Some("the URL has no host".to_owned())
        }
        Ok(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::Kind;
    use super::*;

    #[test]
    fn ips_domains_and_urls_are_checked_before_any_call() {
        assert_eq!(problem(Kind::Ip, "8.8.8.8"), None);
        assert_eq!(problem(Kind::Ip, "2001:4860:4860::8888"), None);
        assert!(problem(Kind::Ip, "1.1.1").is_some());
        assert_eq!(problem(Kind::Domain, "example.com"), None);
        assert!(
            problem(Kind::Domain, "-bad-.com")
                .unwrap()
                .contains("`-bad-`")
        );
        assert!(problem(Kind::Domain, "localhost").is_some());
        assert!(
            problem(Kind::Domain, "1.2.3.4")
                .unwrap()
                .contains("ip command")
        );
        assert_eq!(problem(Kind::Url, "https://example.com/a?b=c"), None);
        assert!(problem(Kind::Url, "ftp://example.com").is_some());
        assert!(problem(Kind::Url, "not a url").is_some());
    }
}
