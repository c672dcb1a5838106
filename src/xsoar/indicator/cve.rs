//! `Common.CVE`: the CVE context object with its own score-None DBotScore, stored under
//! [`CVE_KEY`].

use serde_json::Value;

use super::context::{ContextObject, setters};
use super::{CVE_KEY, DBotScore, IndicatorType, Score};

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
        ContextObject::default()
            .put("ID", Some(self.id.as_str().into()))
            .text("CVSS", self.cvss.as_deref())
            .text("Published", self.published.as_deref())
            .text("Modified", self.modified.as_deref())
            .text("Description", self.description.as_deref())
            .into_value()
    }
}

#[cfg(test)]
mod tests {
    use super::super::Indicator;
    use super::super::test_support::json;
    use super::*;

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
}
