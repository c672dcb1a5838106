//! DBotScore and the standard indicator context objects (IP, Domain, URL, CVE).
//!
//! Mirrors CommonServerPython's `Common.*` classes byte for byte: the DT keys the
//! objects are stored under, their key order, and which empty values are dropped.

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value, json};

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

/// DBot verdict for an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Score {
    /// No verdict ("Unknown").
    #[default]
    None = 0,
    /// Benign.
    Good = 1,
    /// Suspicious.
    Suspicious = 2,
    /// Malicious; also adds the `Malicious` sub-object to the indicator.
    Bad = 3,
}

impl Score {
    /// The numeric score written to context.
    pub fn value(self) -> u8 {
        self as u8
    }

    /// The label XSOAR shows for this score.
    pub fn readable(self) -> &'static str {
        match self {
            Self::None => "Unknown",
            Self::Good => "Good",
            Self::Suspicious => "Suspicious",
            Self::Bad => "Bad",
        }
    }

    /// HelloWorld's mapping of a vendor score `r` against threshold `T`:
    /// `r == 0` is None, `r >= T` Bad, `r >= T/2` Suspicious, anything else Good.
    ///
    /// `T/2` is a float division in Python, so the comparison is done as
    /// `2r >= T` (in i128, so it cannot overflow). With `T == 0` every
    /// positive score is Bad, 0 stays None and negative scores are Good.
    pub fn from_threshold(vendor_score: i64, threshold: i64) -> Score {
        if vendor_score == 0 {
            Score::None
        } else if vendor_score >= threshold {
            Score::Bad
        } else if 2 * i128::from(vendor_score) >= i128::from(threshold) {
            Score::Suspicious
        } else {
            Score::Good
        }
    }
}

/// Source reliability, as offered by the `integration_reliability` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reliability {
    /// `A+ - 3rd party enrichment`.
    APlus,
    /// `A - Completely reliable`.
    A,
    /// `B - Usually reliable`.
    B,
    /// `C - Fairly reliable` (the parameter's default).
    #[default]
    C,
    /// `D - Not usually reliable`.
    D,
    /// `E - Unreliable`.
    E,
    /// `F - Reliability cannot be judged`.
    F,
}

impl Reliability {
    /// Every value, best first (the order of the parameter's options).
    pub const ALL: [Reliability; 7] = [
        Self::APlus,
        Self::A,
        Self::B,
        Self::C,
        Self::D,
        Self::E,
        Self::F,
    ];

    /// The exact string XSOAR uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::APlus => "A+ - 3rd party enrichment",
            Self::A => "A - Completely reliable",
            Self::B => "B - Usually reliable",
            Self::C => "C - Fairly reliable",
            Self::D => "D - Not usually reliable",
            Self::E => "E - Unreliable",
            Self::F => "F - Reliability cannot be judged",
        }
    }
}

impl fmt::Display for Reliability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not one of the seven reliability values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseReliabilityError;

impl fmt::Display for ParseReliabilityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("reliability must be of type DBotScoreReliability enum")
    }
}

impl std::error::Error for ParseReliabilityError {}

impl FromStr for Reliability {
    type Err = ParseReliabilityError;

    /// Exact, case-sensitive match, as CommonServerPython does.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or(ParseReliabilityError)
    }
}

/// `DBotScoreType`: the indicator type written to DBotScore `Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndicatorType {
    /// `ip`.
    Ip,
    /// `file`.
    File,
    /// `domain`.
    Domain,
    /// `url`.
    Url,
    /// `cve`.
    Cve,
    /// `account`.
    Account,
    /// `cidr`.
    Cidr,
    /// `domainglob`.
    DomainGlob,
    /// `certificate`.
    Certificate,
    /// `cryptocurrency`.
    Cryptocurrency,
    /// `email`.
    Email,
    /// `attackpattern`.
    AttackPattern,
    /// `custom`.
    Custom,
}

impl IndicatorType {
    /// The type string XSOAR expects.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ip => "ip",
            Self::File => "file",
            Self::Domain => "domain",
            Self::Url => "url",
            Self::Cve => "cve",
            Self::Account => "account",
            // Python's `CIDR = 'cidr',` has a trailing comma that makes it a
            // tuple; that is a bug, so we emit the plain string.
            Self::Cidr => "cidr",
            Self::DomainGlob => "domainglob",
            Self::Certificate => "certificate",
            Self::Cryptocurrency => "cryptocurrency",
            Self::Email => "email",
            Self::AttackPattern => "attackpattern",
            Self::Custom => "custom",
        }
    }
}

/// One vendor's verdict on one indicator (`Common.DBotScore`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DBotScore {
    /// The indicator value (`Indicator`).
    pub indicator: String,
    /// `Type`.
    pub indicator_type: IndicatorType,
    /// `Vendor`: the integration brand. XSOAR replaces Python's
    /// `integration_name` with `IntegrationBrand` whenever a brand exists, so
    /// callers pass the brand here.
    pub vendor: String,
    /// `Score`.
    pub score: Score,
    /// `Reliability`, written only when set.
    pub reliability: Option<Reliability>,
    /// `Message`, written only when non-empty.
    pub message: Option<String>,
    /// Description in the indicator's `Malicious` object (score Bad only).
    pub malicious_description: Option<String>,
}

impl DBotScore {
    /// A score without reliability, message or malicious description.
    pub fn new(
        indicator: impl Into<String>,
        indicator_type: IndicatorType,
        vendor: impl Into<String>,
        score: Score,
    ) -> Self {
        Self {
            indicator: indicator.into(),
            indicator_type,
            vendor: vendor.into(),
            score,
            reliability: None,
            message: None,
            malicious_description: None,
        }
    }

    /// Sets `Reliability`.
    #[must_use]
    pub fn with_reliability(mut self, reliability: Reliability) -> Self {
        self.reliability = Some(reliability);
        self
    }

    /// Sets `Message`.
    #[must_use]
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Sets the description used when the score is Bad.
    #[must_use]
    pub fn with_malicious_description(mut self, description: impl Into<String>) -> Self {
        self.malicious_description = Some(description.into());
        self
    }

    /// The context value stored under [`DBOT_SCORE_KEY`].
    pub fn to_value(&self) -> Value {
        Obj::default()
            .put("Indicator", Some(self.indicator.as_str().into()))
            .put("Type", Some(self.indicator_type.as_str().into()))
            .put("Vendor", Some(self.vendor.as_str().into()))
            .put("Score", Some(self.score.value().into()))
            .put("Reliability", self.reliability.map(|r| r.as_str().into()))
            .text("Message", self.message.as_deref())
            .into_value()
    }
}

/// Context object under construction; drops what Python would treat as falsy.
#[derive(Default)]
struct Obj(Map<String, Value>);

impl Obj {
    fn put(mut self, key: &str, value: Option<Value>) -> Self {
        if let Some(value) = value {
            self.0.insert(key.to_owned(), value);
        }
        self
    }

    /// Strings: only when non-empty.
    fn text(self, key: &str, value: Option<&str>) -> Self {
        self.put(key, value.filter(|s| !s.is_empty()).map(Value::from))
    }

    /// Counters are checked with `is not None` in Python, so 0 is kept.
    fn count(self, key: &str, value: Option<i64>) -> Self {
        self.put(key, value.map(Value::from))
    }

    fn list(self, key: &str, values: &[String]) -> Self {
        self.put(key, (!values.is_empty()).then(|| Value::from(values)))
    }

    /// Lands wherever the caller puts it, because each class adds it at its
    /// own position in the key order.
    fn malicious(self, dbot: &DBotScore) -> Self {
        let malicious = (dbot.score == Score::Bad)
            .then(|| json!({"Vendor": dbot.vendor, "Description": dbot.malicious_description}));
        self.put("Malicious", malicious)
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn into_value(self) -> Value {
        Value::Object(self.0)
    }
}

fn truthy(value: Option<&str>) -> bool {
    value.is_some_and(|s| !s.is_empty())
}

/// Domain's Registrar/Registrant groups: present when any field is truthy, and
/// then every key is written, unset ones as null.
fn group(fields: &[(&str, Option<&str>)]) -> Option<Value> {
    fields.iter().any(|(_, v)| truthy(*v)).then(|| {
        let map = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.map_or(Value::Null, Value::from)));
        Value::Object(map.collect())
    })
}

macro_rules! setters {
    (text: $($field:ident),* $(,)?) => {$(
        #[doc = concat!("Sets `", stringify!($field), "`.")]
        #[must_use]
        pub fn $field(mut self, value: impl Into<String>) -> Self {
            self.$field = Some(value.into());
            self
        }
    )*};
    (count: $($field:ident),* $(,)?) => {$(
        #[doc = concat!("Sets `", stringify!($field), "` (0 is kept in context).")]
        #[must_use]
        pub fn $field(mut self, value: i64) -> Self {
            self.$field = Some(value);
            self
        }
    )*};
    (list: $($field:ident),* $(,)?) => {$(
        #[doc = concat!("Sets `", stringify!($field), "`.")]
        #[must_use]
        pub fn $field<S: Into<String>>(mut self, values: impl IntoIterator<Item = S>) -> Self {
            self.$field = values.into_iter().map(Into::into).collect();
            self
        }
    )*};
}

/// `Common.IP`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ip {
    /// `Address`.
    pub address: String,
    /// The verdict stored next to this object.
    pub dbot_score: DBotScore,
    /// Store under [`IPV6_KEY`] instead of [`IP_KEY`] (Python's `ip_type="IPv6"`).
    pub ipv6: bool,
    /// `ASN`.
    pub asn: Option<String>,
    /// `ASOwner`.
    pub as_owner: Option<String>,
    /// `Region`.
    pub region: Option<String>,
    /// `Port`.
    pub port: Option<String>,
    /// `UpdatedDate`.
    pub updated_date: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `Hostname`.
    pub hostname: Option<String>,
    /// Latitude half of `Geo.Location` (`"lat:long"`, needs both halves).
    pub geo_latitude: Option<String>,
    /// Longitude half of `Geo.Location`.
    pub geo_longitude: Option<String>,
    /// `Geo.Country`.
    pub geo_country: Option<String>,
    /// `Geo.Description`.
    pub geo_description: Option<String>,
    /// `Organization.Name`.
    pub organization_name: Option<String>,
    /// `Organization.Type`.
    pub organization_type: Option<String>,
    /// `DetectionEngines`.
    pub detection_engines: Option<i64>,
    /// `PositiveDetections`.
    pub positive_detections: Option<i64>,
    /// `Tags`.
    pub tags: Vec<String>,
}

impl Ip {
    /// An IPv4-keyed IP with only `Address` set.
    pub fn new(address: impl Into<String>, dbot_score: DBotScore) -> Self {
        Self {
            address: address.into(),
            dbot_score,
            ipv6: false,
            asn: None,
            as_owner: None,
            region: None,
            port: None,
            updated_date: None,
            description: None,
            hostname: None,
            geo_latitude: None,
            geo_longitude: None,
            geo_country: None,
            geo_description: None,
            organization_name: None,
            organization_type: None,
            detection_engines: None,
            positive_detections: None,
            tags: Vec::new(),
        }
    }

    setters!(text: asn, as_owner, region, port, updated_date, description, hostname,
        geo_latitude, geo_longitude, geo_country, geo_description,
        organization_name, organization_type);
    setters!(count: detection_engines, positive_detections);
    setters!(list: tags);

    /// Sets whether the object goes under [`IPV6_KEY`].
    #[must_use]
    pub fn ipv6(mut self, ipv6: bool) -> Self {
        self.ipv6 = ipv6;
        self
    }

    /// The DT key this object is stored under.
    pub fn key(&self) -> &'static str {
        if self.ipv6 { IPV6_KEY } else { IP_KEY }
    }

    /// The context object.
    pub fn to_value(&self) -> Value {
        let lat = self.geo_latitude.as_deref();
        let long = self.geo_longitude.as_deref();
        let location = lat
            .zip(long)
            .filter(|(lat, long)| !lat.is_empty() && !long.is_empty())
            .map(|(lat, long)| format!("{lat}:{long}"));
        let geo = Obj::default()
            .text("Location", location.as_deref())
            .text("Country", self.geo_country.as_deref())
            .text("Description", self.geo_description.as_deref());
        // Python opens Geo on latitude, country or description (not longitude),
        // so a lone latitude yields an empty `Geo: {}`; mirrored for parity.
        let geo_open = truthy(lat)
            || truthy(self.geo_country.as_deref())
            || truthy(self.geo_description.as_deref());
        let org = Obj::default()
            .text("Name", self.organization_name.as_deref())
            .text("Type", self.organization_type.as_deref());
        let org = (!org.is_empty()).then(|| org.into_value());
        Obj::default()
            .put("Address", Some(self.address.as_str().into()))
            .text("ASN", self.asn.as_deref())
            .text("ASOwner", self.as_owner.as_deref())
            .text("Region", self.region.as_deref())
            .text("Port", self.port.as_deref())
            .text("UpdatedDate", self.updated_date.as_deref())
            .text("Description", self.description.as_deref())
            .text("Hostname", self.hostname.as_deref())
            .put("Geo", geo_open.then(|| geo.into_value()))
            .put("Organization", org)
            .count("DetectionEngines", self.detection_engines)
            .count("PositiveDetections", self.positive_detections)
            .list("Tags", &self.tags)
            .malicious(&self.dbot_score)
            .into_value()
    }
}

/// `Common.Domain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    /// `Name`.
    pub name: String,
    /// The verdict stored next to this object.
    pub dbot_score: DBotScore,
    /// `DNS`.
    pub dns: Option<String>,
    /// `DetectionEngines`.
    pub detection_engines: Option<i64>,
    /// `PositiveDetections`.
    pub positive_detections: Option<i64>,
    /// `Registrar.Name`.
    pub registrar_name: Option<String>,
    /// `Registrar.AbuseEmail`.
    pub registrar_abuse_email: Option<String>,
    /// `Registrar.AbusePhone`.
    pub registrar_abuse_phone: Option<String>,
    /// `Registrant.Name`.
    pub registrant_name: Option<String>,
    /// `Registrant.Email`.
    pub registrant_email: Option<String>,
    /// `Registrant.Phone`.
    pub registrant_phone: Option<String>,
    /// `Registrant.Country`.
    pub registrant_country: Option<String>,
    /// `Organization`.
    pub organization: Option<String>,
    /// `DomainStatus`.
    pub domain_status: Option<String>,
    /// `CreationDate`.
    pub creation_date: Option<String>,
    /// `UpdatedDate`.
    pub updated_date: Option<String>,
    /// `ExpirationDate`.
    pub expiration_date: Option<String>,
    /// `NameServers`.
    pub name_servers: Vec<String>,
    /// `Tags`.
    pub tags: Vec<String>,
}

impl Domain {
    /// A domain with only `Name` set.
    pub fn new(name: impl Into<String>, dbot_score: DBotScore) -> Self {
        Self {
            name: name.into(),
            dbot_score,
            dns: None,
            detection_engines: None,
            positive_detections: None,
            registrar_name: None,
            registrar_abuse_email: None,
            registrar_abuse_phone: None,
            registrant_name: None,
            registrant_email: None,
            registrant_phone: None,
            registrant_country: None,
            organization: None,
            domain_status: None,
            creation_date: None,
            updated_date: None,
            expiration_date: None,
            name_servers: Vec::new(),
            tags: Vec::new(),
        }
    }

    setters!(text: dns, registrar_name, registrar_abuse_email, registrar_abuse_phone,
        registrant_name, registrant_email, registrant_phone, registrant_country,
        organization, domain_status, creation_date, updated_date, expiration_date);
    setters!(count: detection_engines, positive_detections);
    setters!(list: name_servers, tags);

    /// The DT key this object is stored under.
    pub fn key(&self) -> &'static str {
        DOMAIN_KEY
    }

    /// The context object, including the `WHOIS` copy of the registration data.
    pub fn to_value(&self) -> Value {
        let registrar = group(&[
            ("Name", self.registrar_name.as_deref()),
            ("AbuseEmail", self.registrar_abuse_email.as_deref()),
            ("AbusePhone", self.registrar_abuse_phone.as_deref()),
        ]);
        let registrant = group(&[
            ("Name", self.registrant_name.as_deref()),
            ("Email", self.registrant_email.as_deref()),
            ("Phone", self.registrant_phone.as_deref()),
            ("Country", self.registrant_country.as_deref()),
        ]);
        // Both the top level and WHOIS carry these, in this order.
        let whois_part = |obj: Obj| {
            obj.text("DomainStatus", self.domain_status.as_deref())
                .text("CreationDate", self.creation_date.as_deref())
                .text("UpdatedDate", self.updated_date.as_deref())
                .text("ExpirationDate", self.expiration_date.as_deref())
                .list("NameServers", &self.name_servers)
        };
        let whois = whois_part(
            Obj::default()
                .put("Registrar", registrar.clone())
                .put("Registrant", registrant.clone()),
        );
        let whois = (!whois.is_empty()).then(|| whois.into_value());
        let domain = Obj::default()
            .put("Name", Some(self.name.as_str().into()))
            .text("DNS", self.dns.as_deref())
            .count("DetectionEngines", self.detection_engines)
            .count("PositiveDetections", self.positive_detections)
            .put("Registrar", registrar)
            .put("Registrant", registrant)
            .text("Organization", self.organization.as_deref());
        whois_part(domain)
            .list("Tags", &self.tags)
            .malicious(&self.dbot_score)
            .put("WHOIS", whois)
            .into_value()
    }
}

/// `Common.URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// `Data`: the URL itself.
    pub data: String,
    /// The verdict stored next to this object.
    pub dbot_score: DBotScore,
    /// `Description`.
    pub description: Option<String>,
    /// `DetectionEngines`.
    pub detection_engines: Option<i64>,
    /// `PositiveDetections`.
    pub positive_detections: Option<i64>,
    /// `Category`.
    pub category: Option<String>,
    /// `Tags`.
    pub tags: Vec<String>,
    /// `ASN`.
    pub asn: Option<String>,
    /// `Geo.Country`.
    pub geo_country: Option<String>,
    /// `Organization`.
    pub organization: Option<String>,
}

impl Url {
    /// A URL with only `Data` set.
    pub fn new(data: impl Into<String>, dbot_score: DBotScore) -> Self {
        Self {
            data: data.into(),
            dbot_score,
            description: None,
            detection_engines: None,
            positive_detections: None,
            category: None,
            tags: Vec::new(),
            asn: None,
            geo_country: None,
            organization: None,
        }
    }

    setters!(text: description, category, asn, geo_country, organization);
    setters!(count: detection_engines, positive_detections);
    setters!(list: tags);

    /// The DT key this object is stored under.
    pub fn key(&self) -> &'static str {
        URL_KEY
    }

    /// The context object.
    pub fn to_value(&self) -> Value {
        let geo = Obj::default().text("Country", self.geo_country.as_deref());
        Obj::default()
            .put("Data", Some(self.data.as_str().into()))
            .text("Description", self.description.as_deref())
            .count("DetectionEngines", self.detection_engines)
            .count("PositiveDetections", self.positive_detections)
            .text("Category", self.category.as_deref())
            .list("Tags", &self.tags)
            .text("ASN", self.asn.as_deref())
            .put("Geo", (!geo.is_empty()).then(|| geo.into_value()))
            .text("Organization", self.organization.as_deref())
            .malicious(&self.dbot_score)
            .into_value()
    }
}

/// `Common.CVE` (classic shape: `CVSS` is a plain value, not an object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cve {
    /// `ID`.
    pub id: String,
    /// Always score None: a CVE carries no verdict.
    pub dbot_score: DBotScore,
    /// `CVSS`.
    pub cvss: Option<String>,
    /// `Published`.
    pub published: Option<String>,
    /// `Modified`.
    pub modified: Option<String>,
    /// `Description`.
    pub description: Option<String>,
}

impl Cve {
    /// A CVE with its own score-None DBotScore from `vendor` (the brand).
    pub fn new(id: impl Into<String>, vendor: impl Into<String>) -> Self {
        let id = id.into();
        let dbot_score = DBotScore::new(id.as_str(), IndicatorType::Cve, vendor, Score::None);
        Self {
            id,
            dbot_score,
            cvss: None,
            published: None,
            modified: None,
            description: None,
        }
    }

    setters!(text: cvss, published, modified, description);

    /// The DT key this object is stored under.
    pub fn key(&self) -> &'static str {
        CVE_KEY
    }

    /// The context object.
    pub fn to_value(&self) -> Value {
        Obj::default()
            .put("ID", Some(self.id.as_str().into()))
            .text("CVSS", self.cvss.as_deref())
            .text("Published", self.published.as_deref())
            .text("Modified", self.modified.as_deref())
            .text("Description", self.description.as_deref())
            .into_value()
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn json(value: &Value) -> String {
        serde_json::to_string(value).expect("serializable")
    }

    fn hello(indicator: &str, kind: IndicatorType, score: Score) -> DBotScore {
        DBotScore::new(indicator, kind, "HelloWorld", score)
    }

    #[test]
    fn section_1_5_verified_ip_bad_with_malicious() {
        let dbot = hello("1.2.3.4", IndicatorType::Ip, Score::Bad)
            .with_malicious_description("Hello World returned reputation 90")
            .with_reliability(Reliability::C);
        let context = Indicator::from(Ip::new("1.2.3.4", dbot).asn("AS123")).to_context();
        assert_eq!(context.len(), 2);
        assert_eq!(context[0].0, IP_KEY);
        assert_eq!(
            json(&context[0].1),
            r#"{"Address":"1.2.3.4","ASN":"AS123","Malicious":{"Vendor":"HelloWorld","Description":"Hello World returned reputation 90"}}"#
        );
        assert_eq!(context[1].0, DBOT_SCORE_KEY);
        assert_eq!(
            json(&context[1].1),
            r#"{"Indicator":"1.2.3.4","Type":"ip","Vendor":"HelloWorld","Score":3,"Reliability":"C - Fairly reliable"}"#
        );
    }

    #[test]
    fn section_1_5_verified_domain_with_whois() {
        let dbot = hello("x.com", IndicatorType::Domain, Score::None);
        let domain = Domain::new("x.com", dbot)
            .registrar_name("R")
            .creation_date("2020");
        let context = Indicator::from(domain).to_context();
        assert_eq!(context[0].0, DOMAIN_KEY);
        assert_eq!(
            json(&context[0].1),
            r#"{"Name":"x.com","Registrar":{"Name":"R","AbuseEmail":null,"AbusePhone":null},"CreationDate":"2020","WHOIS":{"Registrar":{"Name":"R","AbuseEmail":null,"AbusePhone":null},"CreationDate":"2020"}}"#
        );
        assert_eq!(
            json(&context[1].1),
            r#"{"Indicator":"x.com","Type":"domain","Vendor":"HelloWorld","Score":0}"#
        );
    }

    #[test]
    fn section_1_5_domain_full_order() {
        let dbot = hello("x.com", IndicatorType::Domain, Score::Bad);
        let domain = Domain::new("x.com", dbot)
            .dns("1.1.1.1")
            .positive_detections(0)
            .registrant_country("US")
            .organization("Org")
            .updated_date("u")
            .expiration_date("e")
            .name_servers(["ns1"])
            .tags(["t"]);
        assert_eq!(
            json(&domain.to_value()),
            r#"{"Name":"x.com","DNS":"1.1.1.1","PositiveDetections":0,"Registrant":{"Name":null,"Email":null,"Phone":null,"Country":"US"},"Organization":"Org","UpdatedDate":"u","ExpirationDate":"e","NameServers":["ns1"],"Tags":["t"],"Malicious":{"Vendor":"HelloWorld","Description":null},"WHOIS":{"Registrant":{"Name":null,"Email":null,"Phone":null,"Country":"US"},"UpdatedDate":"u","ExpirationDate":"e","NameServers":["ns1"]}}"#
        );
    }

    #[test]
    fn section_1_5_domain_without_registration_data_has_no_whois() {
        let domain = Domain::new("x.com", hello("x.com", IndicatorType::Domain, Score::Good))
            .organization("Org");
        assert_eq!(
            json(&domain.to_value()),
            r#"{"Name":"x.com","Organization":"Org"}"#
        );
    }

    #[test]
    fn section_1_5_verified_url_bad_null_description() {
        let dbot = hello("http://x", IndicatorType::Url, Score::Bad);
        let context =
            Indicator::from(Url::new("http://x", dbot).positive_detections(0)).to_context();
        assert_eq!(context[0].0, URL_KEY);
        assert_eq!(
            json(&context[0].1),
            r#"{"Data":"http://x","PositiveDetections":0,"Malicious":{"Vendor":"HelloWorld","Description":null}}"#
        );
    }

    #[test]
    fn section_1_5_url_full_order() {
        let url = Url::new(
            "http://x",
            hello("http://x", IndicatorType::Url, Score::Good),
        )
        .organization("O")
        .geo_country("US")
        .asn("AS1")
        .tags(["t"])
        .category("c")
        .detection_engines(5)
        .description("d");
        assert_eq!(
            json(&url.to_value()),
            r#"{"Data":"http://x","Description":"d","DetectionEngines":5,"Category":"c","Tags":["t"],"ASN":"AS1","Geo":{"Country":"US"},"Organization":"O"}"#
        );
    }

    #[test]
    fn section_1_5_ip_full_order_and_empty_strings_dropped() {
        let ip = Ip::new("1.2.3.4", hello("1.2.3.4", IndicatorType::Ip, Score::Good))
            .tags(["a", "b"])
            .positive_detections(0)
            .detection_engines(7)
            .organization_type("ISP")
            .geo_description("gd")
            .geo_country("US")
            .geo_longitude("2.0")
            .geo_latitude("1.5")
            .hostname("h")
            .description("")
            .updated_date("2024")
            .port("443")
            .region("EU")
            .as_owner("Owner")
            .asn("AS1");
        assert_eq!(
            json(&ip.to_value()),
            r#"{"Address":"1.2.3.4","ASN":"AS1","ASOwner":"Owner","Region":"EU","Port":"443","UpdatedDate":"2024","Hostname":"h","Geo":{"Location":"1.5:2.0","Country":"US","Description":"gd"},"Organization":{"Type":"ISP"},"DetectionEngines":7,"PositiveDetections":0,"Tags":["a","b"]}"#
        );
    }

    #[test]
    fn section_1_5_ip_geo_opens_on_latitude_only() {
        let dbot = hello("1.2.3.4", IndicatorType::Ip, Score::None);
        let lat_only = Ip::new("1.2.3.4", dbot.clone()).geo_latitude("1");
        assert_eq!(
            json(&lat_only.to_value()),
            r#"{"Address":"1.2.3.4","Geo":{}}"#
        );
        let long_only = Ip::new("1.2.3.4", dbot).geo_longitude("1");
        assert_eq!(json(&long_only.to_value()), r#"{"Address":"1.2.3.4"}"#);
    }

    #[test]
    fn section_12_quirk_4_no_malicious_at_suspicious() {
        let dbot = hello("1.2.3.4", IndicatorType::Ip, Score::Suspicious)
            .with_malicious_description("Hello World returned reputation 40");
        let context = Indicator::from(Ip::new("1.2.3.4", dbot)).to_context();
        assert_eq!(json(&context[0].1), r#"{"Address":"1.2.3.4"}"#);
        assert_eq!(
            json(&context[1].1),
            r#"{"Indicator":"1.2.3.4","Type":"ip","Vendor":"HelloWorld","Score":2}"#
        );
    }

    #[test]
    fn section_1_5_ipv6_key() {
        let dbot = hello("::1", IndicatorType::Ip, Score::None);
        let context = Indicator::from(Ip::new("::1", dbot).ipv6(true)).to_context();
        assert_eq!(context[0].0, IPV6_KEY);
        assert_eq!(IPV6_KEY, "IPv6(val.Address && val.Address == obj.Address)");
    }

    #[test]
    fn section_1_5_cve_with_own_unknown_score() {
        let context = Indicator::from(Cve::new("CVE-2020-1", "HelloWorld")).to_context();
        assert_eq!(context[0].0, "CVE(val.ID && val.ID == obj.ID)");
        assert_eq!(json(&context[0].1), r#"{"ID":"CVE-2020-1"}"#);
        assert_eq!(
            json(&context[1].1),
            r#"{"Indicator":"CVE-2020-1","Type":"cve","Vendor":"HelloWorld","Score":0}"#
        );
        let full = Cve::new("CVE-2020-1", "HelloWorld")
            .description("d")
            .modified("m")
            .published("p")
            .cvss("9.8");
        assert_eq!(
            json(&full.to_value()),
            r#"{"ID":"CVE-2020-1","CVSS":"9.8","Published":"p","Modified":"m","Description":"d"}"#
        );
    }

    #[test]
    fn section_1_4_dbot_score_key_and_message() {
        assert_eq!(
            DBOT_SCORE_KEY,
            "DBotScore(val.Indicator && val.Indicator == obj.Indicator && val.Vendor == obj.Vendor && val.Type == obj.Type)"
        );
        let dbot = hello("1.2.3.4", IndicatorType::Ip, Score::None)
            .with_message("No results found.")
            .with_reliability(Reliability::APlus);
        assert_eq!(
            json(&dbot.to_value()),
            r#"{"Indicator":"1.2.3.4","Type":"ip","Vendor":"HelloWorld","Score":0,"Reliability":"A+ - 3rd party enrichment","Message":"No results found."}"#
        );
    }

    #[test]
    fn section_1_4_score_values_and_labels() {
        let all = [Score::None, Score::Good, Score::Suspicious, Score::Bad];
        let values: Vec<u8> = all.iter().map(|s| s.value()).collect();
        let labels: Vec<&str> = all.iter().map(|s| s.readable()).collect();
        assert_eq!(values, [0, 1, 2, 3]);
        assert_eq!(labels, ["Unknown", "Good", "Suspicious", "Bad"]);
    }

    #[test]
    fn section_1_4_indicator_type_strings() {
        assert_eq!(IndicatorType::Cidr.as_str(), "cidr");
        assert_eq!(IndicatorType::DomainGlob.as_str(), "domainglob");
        assert_eq!(IndicatorType::AttackPattern.as_str(), "attackpattern");
    }

    #[test]
    fn helloworld_section_5_from_threshold_65() {
        let cases = [
            (0, Score::None),
            (1, Score::Good),
            (32, Score::Good),
            (33, Score::Suspicious),
            (64, Score::Suspicious),
            (65, Score::Bad),
            (100, Score::Bad),
            (-5, Score::Good),
        ];
        for (reputation, expected) in cases {
            assert_eq!(
                Score::from_threshold(reputation, 65),
                expected,
                "r={reputation}"
            );
        }
    }

    #[test]
    fn helloworld_section_5_from_threshold_zero_and_extremes() {
        assert_eq!(Score::from_threshold(0, 0), Score::None);
        assert_eq!(Score::from_threshold(1, 0), Score::Bad);
        assert_eq!(Score::from_threshold(-1, 0), Score::Good);
        assert_eq!(
            Score::from_threshold(i64::MAX - 1, i64::MAX),
            Score::Suspicious
        );
        assert_eq!(Score::from_threshold(1, 2), Score::Suspicious);
    }

    #[test]
    fn section_1_4_reliability_round_trip_and_error() {
        for reliability in Reliability::ALL {
            assert_eq!(reliability.as_str().parse::<Reliability>(), Ok(reliability));
            assert_eq!(reliability.to_string(), reliability.as_str());
        }
        assert_eq!(Reliability::default(), Reliability::C);
        assert_eq!(Reliability::F.as_str(), "F - Reliability cannot be judged");
        let err = "c - fairly reliable".parse::<Reliability>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "reliability must be of type DBotScoreReliability enum"
        );
        assert!("A++ - Reputation script".parse::<Reliability>().is_err());
    }
}
