//! `Common.Domain`: the Domain context object (with its `WHOIS` copy), stored under
//! [`DOMAIN_KEY`].

use serde_json::Value;

use super::context::{ContextObject, group, setters};
use super::{DBotScore, DOMAIN_KEY};

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
        let whois_part = |obj: ContextObject| {
            obj.text("DomainStatus", self.domain_status.as_deref())
                .text("CreationDate", self.creation_date.as_deref())
                .text("UpdatedDate", self.updated_date.as_deref())
                .text("ExpirationDate", self.expiration_date.as_deref())
                .list("NameServers", &self.name_servers)
        };
        let whois = whois_part(
            ContextObject::default()
                .put("Registrar", registrar.clone())
                .put("Registrant", registrant.clone()),
        );
        let whois = (!whois.is_empty()).then(|| whois.into_value());
        let domain = ContextObject::default()
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

#[cfg(test)]
mod tests {
    use super::super::test_support::{hello, json};
    use super::super::{Indicator, IndicatorType, Score};
    use super::*;

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
}
