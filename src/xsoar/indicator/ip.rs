//! `Common.IP`: the IP context object, stored under [`IP_KEY`] or [`IPV6_KEY`].

use serde_json::Value;

use super::context::{ContextObject, setters, truthy};
use super::{DBotScore, IP_KEY, IPV6_KEY};

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
        let geo = ContextObject::default()
            .text("Location", location.as_deref())
            .text("Country", self.geo_country.as_deref())
            .text("Description", self.geo_description.as_deref());
        // Python opens Geo on latitude, country or description (not longitude),
        // so a lone latitude yields an empty `Geo: {}`; mirrored for parity.
        let geo_open = truthy(lat)
            || truthy(self.geo_country.as_deref())
            || truthy(self.geo_description.as_deref());
        let org = ContextObject::default()
            .text("Name", self.organization_name.as_deref())
            .text("Type", self.organization_type.as_deref());
        let org = (!org.is_empty()).then(|| org.into_value());
        ContextObject::default()
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

#[cfg(test)]
mod tests {
    use super::super::test_support::{hello, json};
    use super::super::{DBOT_SCORE_KEY, Indicator, IndicatorType, Reliability, Score};
    use super::*;

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
}
