//! `Common.URL`: the URL context object, stored under [`URL_KEY`].

use serde_json::Value;

use super::context::{ContextObject, setters};
use super::{DBotScore, URL_KEY};

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
        let geo = ContextObject::default().text("Country", self.geo_country.as_deref());
        ContextObject::default()
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

#[cfg(test)]
mod tests {
    use super::super::test_support::{hello, json};
    use super::super::{Indicator, IndicatorType, Score};
    use super::*;

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
}
