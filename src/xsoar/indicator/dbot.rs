//! DBotScore: the verdict vocabulary (`Score`, `Reliability`, `IndicatorType`) and the
//! `Common.DBotScore` object stored under [`DBOT_SCORE_KEY`](super::DBOT_SCORE_KEY).

use std::fmt;
use std::str::FromStr;

use serde_json::Value;

use super::context::ContextObject;

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

    /// The context value stored under [`DBOT_SCORE_KEY`](super::DBOT_SCORE_KEY).
    pub fn to_value(&self) -> Value {
        ContextObject::default()
            .put("Indicator", Some(self.indicator.as_str().into()))
            .put("Type", Some(self.indicator_type.as_str().into()))
            .put("Vendor", Some(self.vendor.as_str().into()))
            .put("Score", Some(self.score.value().into()))
            .put("Reliability", self.reliability.map(|r| r.as_str().into()))
            .text("Message", self.message.as_deref())
            .into_value()
    }
}

#[cfg(test)]
mod tests {
    use super::super::DBOT_SCORE_KEY;
    use super::super::test_support::{hello, json};
    use super::*;

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
