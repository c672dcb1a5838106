//! DBotScore and the standard indicator context objects (IP, Domain, URL, CVE).
//!
//! Mirrors CommonServerPython's `Common.*` classes byte for byte: the DT keys the
//! objects are stored under, their key order, and which empty values are dropped.
//!
//! Submodules: `dbot`, `ip`, `domain`, `url`, `cve` (all re-exported here) and private `context`.

use serde_json::Value;

mod context;
mod cve;
mod dbot;
mod domain;
mod ip;
mod url;

pub use cve::Cve;
pub use dbot::{DBotScore, IndicatorType, ParseReliabilityError, Reliability, Score};
pub use domain::Domain;
pub use ip::Ip;
pub use url::Url;

/// DT key of every DBotScore entry.
pub const DBOT_SCORE_KEY: &str = "DBotScore(val.Indicator && val.Indicator == obj.Indicator && val.Vendor == obj.Vendor && val.Type == obj.Type)";
/// DT key of an IPv4 (default) IP object.
pub const IP_KEY: &str = "IP(val.Address && val.Address == obj.Address)";
/// DT key of an IP object flagged as IPv6.
pub const IPV6_KEY: &str = "IPv6(val.Address && val.Address == obj.Address)";
/// DT key of a Domain object.
pub const DOMAIN_KEY: &str = "Domain(val.Name && val.Name == obj.Name)";
/// DT key of a URL object.
pub const URL_KEY: &str = "URL(val.Data && val.Data == obj.Data)";
/// DT key of a CVE object.
pub const CVE_KEY: &str = "CVE(val.ID && val.ID == obj.ID)";

/// Any standard indicator a command result can carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Indicator {
    /// An IP.
    Ip(Ip),
    /// A domain.
    Domain(Domain),
    /// A URL.
    Url(Url),
    /// A CVE.
    Cve(Cve),
}

impl Indicator {
    /// The verdict that goes with the indicator.
    pub fn dbot_score(&self) -> &DBotScore {
        match self {
            Self::Ip(i) => &i.dbot_score,
            Self::Domain(d) => &d.dbot_score,
            Self::Url(u) => &u.dbot_score,
            Self::Cve(c) => &c.dbot_score,
        }
    }

    /// `(indicator key, object)` then `(DBotScore key, score)`; the caller
    /// wraps each value in a list.
    pub fn to_context(&self) -> Vec<(String, Value)> {
        let (key, value) = match self {
            Self::Ip(i) => (i.key(), i.to_value()),
            Self::Domain(d) => (d.key(), d.to_value()),
            Self::Url(u) => (u.key(), u.to_value()),
            Self::Cve(c) => (c.key(), c.to_value()),
        };
        vec![
            (key.to_owned(), value),
            (DBOT_SCORE_KEY.to_owned(), self.dbot_score().to_value()),
        ]
    }
}

impl From<Ip> for Indicator {
    fn from(ip: Ip) -> Self {
        Self::Ip(ip)
    }
}

impl From<Domain> for Indicator {
    fn from(domain: Domain) -> Self {
        Self::Domain(domain)
    }
}

impl From<Url> for Indicator {
    fn from(url: Url) -> Self {
        Self::Url(url)
    }
}

impl From<Cve> for Indicator {
    fn from(cve: Cve) -> Self {
        Self::Cve(cve)
    }
}

/// Helpers shared by the submodules' tests.
#[cfg(test)]
mod test_support {
    use serde_json::Value;

    use super::{DBotScore, IndicatorType, Score};

    pub(super) fn json(value: &Value) -> String {
        serde_json::to_string(value).expect("serializable")
    }

    pub(super) fn hello(indicator: &str, kind: IndicatorType, score: Score) -> DBotScore {
        DBotScore::new(indicator, kind, "HelloWorld", score)
    }
}
