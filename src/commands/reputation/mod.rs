//! The reputation commands `ip`, `domain` and `url`: XSOAR runs them on every indicator it
//! extracts. Each takes a list, checks every value first (a bad one gets its own error entry,
//! the others still get results), looks each distinct value up once, several at a time, and
//! answers one entry per value in input order: a verdict with DBotScore, or "unknown" when the
//! vendor has no data.
//!
//! # DBotScore
//! For threshold T (the `threshold` argument, else the `threshold_<kind>` param, default 65) and
//! vendor score r: r = 0 is 0 (unknown); r ≥ T is 3 (bad, with a Malicious block); r ≥ T/2 is 2
//! (suspicious); anything else is 1 (good). The vendor is the integration's brand, the
//! reliability the `integrationReliability` param.

mod indicators;
mod validate;

use futures_util::StreamExt;
use serde_json::{Map, Value, json};

use super::connection::client;
use super::{Call, Command, CommandError, CommandOutcome, HandlerFuture};
use crate::client::{Client, ClientError};
use crate::xsoar::args::{arg_to_number, arg_to_string_list};
use crate::xsoar::indicator::{DBotScore, IndicatorType, Reliability, Score};
use crate::xsoar::markdown::{TableOptions, table_to_markdown_with};
use crate::xsoar::results::unknown_indicator_results;
use crate::xsoar::spec::{ArgSpec, CommandSpec, OutputSpec, OutputType};
use crate::xsoar::{CommandResults, Entry};

/// Which reputation command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// `ip`
    Ip,
    /// `domain`
    Domain,
    /// `url`
    Url,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Ip => "ip",
            Self::Domain => "domain",
            Self::Url => "url",
        }
    }

    /// The label in tables and messages.
    fn label(self) -> &'static str {
        match self {
            Self::Ip => "IP",
            Self::Domain => "Domain",
            Self::Url => "URL",
        }
    }

    /// The key field of the vendor context object.
    fn key_field(self) -> &'static str {
        self.name()
    }

    fn indicator_type(self) -> IndicatorType {
        match self {
            Self::Ip => IndicatorType::Ip,
            Self::Domain => IndicatorType::Domain,
            Self::Url => IndicatorType::Url,
        }
    }

    fn vendor_prefix(self) -> &'static str {
        match self {
            Self::Ip => "HelloWorld.IP",
            Self::Domain => "HelloWorld.Domain",
            Self::Url => "HelloWorld.URL",
        }
    }
}

const THRESHOLD_HELP: &str = "Vendor score (0-100) from which the indicator is malicious; half of it makes it suspicious. Overrides the instance's threshold param.";

const DBOT_OUTPUTS: [OutputSpec; 5] = [
    OutputSpec::new(
        "DBotScore.Indicator",
        OutputType::String,
        "The indicator that was tested.",
    ),
    OutputSpec::new("DBotScore.Type", OutputType::String, "The indicator type."),
    OutputSpec::new(
        "DBotScore.Vendor",
        OutputType::String,
        "The vendor used to calculate the score.",
    ),
    OutputSpec::new("DBotScore.Score", OutputType::Number, "The actual score."),
    OutputSpec::new(
        "DBotScore.Reliability",
        OutputType::String,
        "Reliability of the source providing the intelligence data.",
    ),
];

/// A reputation command's arguments: the values (a required list, the default argument) and
/// the `threshold` override.
const fn reputation_args(name: &'static str, description: &'static str) -> [ArgSpec; 2] {
    [
        ArgSpec::new(name, description)
            .required()
            .default_arg()
            .is_array(),
        ArgSpec::new("threshold", THRESHOLD_HELP),
    ]
}

/// A reputation command's outputs: DBotScore's, then the command's own.
macro_rules! reputation_outputs {
    ($($output:expr),* $(,)?) => {
        &[
            DBOT_OUTPUTS[0],
            DBOT_OUTPUTS[1],
            DBOT_OUTPUTS[2],
            DBOT_OUTPUTS[3],
            DBOT_OUTPUTS[4],
            $($output),*
        ]
    };
}

/// The declaration and body of `ip`.
pub(super) const IP: Command = Command {
    spec: CommandSpec {
        args: &reputation_args("ip", "IPv4 or IPv6 addresses, comma-separated."),
        outputs: reputation_outputs![
            OutputSpec::new("IP.Address", OutputType::String, "IP address."),
            OutputSpec::new(
                "IP.ASN",
                OutputType::String,
                "The autonomous system name for the IP address.",
            ),
            OutputSpec::new(
                "IP.ASOwner",
                OutputType::String,
                "The owner of the autonomous system.",
            ),
            OutputSpec::new(
                "IP.Geo.Country",
                OutputType::String,
                "The country of the IP address.",
            ),
            OutputSpec::new(
                "IP.Malicious.Vendor",
                OutputType::String,
                "The vendor reporting the IP address as malicious.",
            ),
            OutputSpec::new(
                "IP.Malicious.Description",
                OutputType::String,
                "A description explaining why the IP address was reported as malicious.",
            ),
            OutputSpec::new(
                "HelloWorld.IP.ip",
                OutputType::String,
                "The IP address (key).",
            ),
            OutputSpec::new(
                "HelloWorld.IP.score",
                OutputType::Number,
                "The vendor's reputation score, 0 to 100.",
            ),
            OutputSpec::new(
                "HelloWorld.IP.asn",
                OutputType::String,
                "The autonomous system number.",
            ),
            OutputSpec::new(
                "HelloWorld.IP.as_owner",
                OutputType::String,
                "The owner of the autonomous system.",
            ),
            OutputSpec::new(
                "HelloWorld.IP.country",
                OutputType::String,
                "The country code.",
            ),
            OutputSpec::new(
                "HelloWorld.IP.network.cidr",
                OutputType::String,
                "The network range.",
            ),
            OutputSpec::new(
                "HelloWorld.IP.network.name",
                OutputType::String,
                "The network name.",
            ),
            OutputSpec::new(
                "HelloWorld.IP.whois.organization",
                OutputType::String,
                "The registered organization.",
            ),
            OutputSpec::new(
                "HelloWorld.IP.last_seen",
                OutputType::Date,
                "When the vendor last saw the address.",
            ),
        ],
        ..CommandSpec::new(
            "ip",
            "Returns the reputation of IP addresses, scored to DBotScore.",
        )
    },
    run: ip,
};

/// The declaration and body of `domain`.
pub(super) const DOMAIN: Command = Command {
    spec: CommandSpec {
        args: &reputation_args("domain", "Domain names, comma-separated."),
        outputs: reputation_outputs![
            OutputSpec::new("Domain.Name", OutputType::String, "The domain name."),
            OutputSpec::new(
                "Domain.Malicious.Vendor",
                OutputType::String,
                "The vendor reporting the domain as malicious.",
            ),
            OutputSpec::new(
                "Domain.Malicious.Description",
                OutputType::String,
                "A description explaining why the domain was reported as malicious.",
            ),
            OutputSpec::new(
                "Domain.Registrant.Name",
                OutputType::String,
                "The name of the registrant.",
            ),
            OutputSpec::new(
                "Domain.Registrant.Country",
                OutputType::String,
                "The country of the registrant.",
            ),
            OutputSpec::new(
                "Domain.Organization",
                OutputType::String,
                "The organization of the domain.",
            ),
            OutputSpec::new(
                "Domain.CreationDate",
                OutputType::Date,
                "The creation date of the domain.",
            ),
            OutputSpec::new(
                "Domain.ExpirationDate",
                OutputType::Date,
                "The expiration date of the domain.",
            ),
            OutputSpec::new(
                "Domain.UpdatedDate",
                OutputType::Date,
                "The date when the domain was last updated.",
            ),
            OutputSpec::new(
                "Domain.NameServers",
                OutputType::String,
                "Name servers of the domain.",
            ),
            OutputSpec::new(
                "Domain.WHOIS.NameServers",
                OutputType::String,
                "Name servers of the domain.",
            ),
            OutputSpec::new(
                "Domain.WHOIS.CreationDate",
                OutputType::Date,
                "The creation date of the domain.",
            ),
            OutputSpec::new(
                "Domain.WHOIS.UpdatedDate",
                OutputType::Date,
                "The date when the domain was last updated.",
            ),
            OutputSpec::new(
                "Domain.WHOIS.ExpirationDate",
                OutputType::Date,
                "The expiration date of the domain.",
            ),
            OutputSpec::new(
                "Domain.WHOIS.Registrar.Name",
                OutputType::String,
                "The name of the registrar.",
            ),
            OutputSpec::new(
                "HelloWorld.Domain.domain",
                OutputType::String,
                "The domain (key).",
            ),
            OutputSpec::new(
                "HelloWorld.Domain.score",
                OutputType::Number,
                "The vendor's reputation score, 0 to 100.",
            ),
            OutputSpec::new(
                "HelloWorld.Domain.registrar",
                OutputType::String,
                "The registrar.",
            ),
            OutputSpec::new(
                "HelloWorld.Domain.creation_date",
                OutputType::Date,
                "The creation date.",
            ),
            OutputSpec::new(
                "HelloWorld.Domain.expiration_date",
                OutputType::Date,
                "The expiration date.",
            ),
            OutputSpec::new(
                "HelloWorld.Domain.updated_date",
                OutputType::Date,
                "The last update date.",
            ),
            OutputSpec::new(
                "HelloWorld.Domain.name_servers",
                OutputType::String,
                "The name servers.",
            ),
            OutputSpec::new(
                "HelloWorld.Domain.organization",
                OutputType::String,
                "The organization.",
            ),
        ],
        ..CommandSpec::new(
            "domain",
            "Returns the reputation and WHOIS data of domains, scored to DBotScore.",
        )
    },
    run: domain,
};

/// The declaration and body of `url`.
pub(super) const URL: Command = Command {
    spec: CommandSpec {
        args: &reputation_args("url", "URLs, comma-separated."),
        outputs: reputation_outputs![
            OutputSpec::new("URL.Data", OutputType::String, "The URL."),
            OutputSpec::new(
                "URL.Category",
                OutputType::String,
                "The URL's categories, comma-separated.",
            ),
            OutputSpec::new(
                "URL.Malicious.Vendor",
                OutputType::String,
                "The vendor reporting the URL as malicious.",
            ),
            OutputSpec::new(
                "URL.Malicious.Description",
                OutputType::String,
                "A description explaining why the URL was reported as malicious.",
            ),
            OutputSpec::new("HelloWorld.URL.url", OutputType::String, "The URL (key)."),
            OutputSpec::new(
                "HelloWorld.URL.score",
                OutputType::Number,
                "The vendor's reputation score, 0 to 100.",
            ),
            OutputSpec::new(
                "HelloWorld.URL.domain",
                OutputType::String,
                "The URL's host.",
            ),
            OutputSpec::new(
                "HelloWorld.URL.categories",
                OutputType::String,
                "The URL's categories.",
            ),
            OutputSpec::new(
                "HelloWorld.URL.last_seen",
                OutputType::Date,
                "When the vendor last saw the URL.",
            ),
        ],
        ..CommandSpec::new(
            "url",
            "Returns the reputation and categories of URLs, scored to DBotScore.",
        )
    },
    run: url,
};

fn ip(call: Call<'_>) -> HandlerFuture<'_> {
    Box::pin(lookup_all(call, Kind::Ip))
}

fn domain(call: Call<'_>) -> HandlerFuture<'_> {
    Box::pin(lookup_all(call, Kind::Domain))
}

fn url(call: Call<'_>) -> HandlerFuture<'_> {
    Box::pin(lookup_all(call, Kind::Url))
}

/// How one lookup is scored.
struct Scoring {
    threshold: i64,
    reliability: Reliability,
    brand: String,
}

async fn lookup_all(call: Call<'_>, kind: Kind) -> CommandOutcome {
    let values = distinct_values(&call.args, kind)?;
    let scoring = Scoring {
        threshold: threshold(&call, kind)?,
        reliability: reliability(&call.params)?,
        brand: call.brand().to_owned(),
    };
    let in_flight = concurrency(&call.params)?;
    let client = client(&call)?;
    // `buffered` keeps input order while up to `in_flight` lookups run at once.
    let entries: Vec<Result<Entry, CommandError>> = futures_util::stream::iter(values)
        .map(|value| lookup_one(&client, kind, value, &scoring))
        .buffered(in_flight)
        .collect()
        .await;
    entries.into_iter().collect()
}

/// The argument's values, trimmed, empty ones dropped, each once, in the order given.
fn distinct_values(args: &Map<String, Value>, kind: Kind) -> Result<Vec<String>, CommandError> {
    let mut values: Vec<String> = Vec::new();
    for value in arg_to_string_list(args.get(kind.name())) {
        let value = value.trim().to_owned();
        if !value.is_empty() && !values.contains(&value) {
            values.push(value);
        }
    }
    if values.is_empty() {
        return Err(CommandError::Config(format!(
            "the {} argument is empty: give one or more values, comma-separated",
            kind.name()
        )));
    }
    Ok(values)
}

fn threshold(call: &Call<'_>, kind: Kind) -> Result<i64, CommandError> {
    let param = format!("threshold_{}", kind.name());
    // An empty argument (a playbook passing an unset input) falls back to the param.
    let given = call.args.get("threshold").filter(|value| {
        !value.is_null() && value.as_str().is_none_or(|text| !text.trim().is_empty())
    });
    let (value, name) = match given {
        Some(value) => (Some(value), "threshold"),
        None => (call.params.get(&param), param.as_str()),
    };
    let threshold = arg_to_number(value, Some(name), false)?.unwrap_or(65);
    if !(0..=100).contains(&threshold) {
        return Err(CommandError::Config(format!(
            "{name} is {threshold}; use a vendor score from 0 to 100"
        )));
    }
    Ok(threshold)
}

fn reliability(params: &Map<String, Value>) -> Result<Reliability, CommandError> {
    match params
        .get("integrationReliability")
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
    {
        None => Ok(Reliability::C),
        Some(text) => text.parse().map_err(|_| {
            let choices: Vec<&str> = Reliability::ALL
                .iter()
                .map(|reliability| reliability.as_str())
                .collect();
            CommandError::Config(format!(
                "the integrationReliability param is `{text}`; use one of: {}",
                choices.join(", ")
            ))
        }),
    }
}

/// How many lookups run at once (the `reputation_concurrency` param, 1 to 32, default 8).
fn concurrency(params: &Map<String, Value>) -> Result<usize, CommandError> {
    let value = arg_to_number(
        params.get("reputation_concurrency"),
        Some("reputation_concurrency"),
        false,
    )?
    .unwrap_or(8);
    if !(1..=32).contains(&value) {
        return Err(CommandError::Config(format!(
            "the reputation_concurrency param is {value}; use 1 to 32"
        )));
    }
    Ok(usize::try_from(value).unwrap_or(8))
}

async fn lookup_one(
    client: &Client<'_>,
    kind: Kind,
    value: String,
    scoring: &Scoring,
) -> Result<Entry, CommandError> {
    if let Some(problem) = validate::problem(kind, &value) {
        return Ok(Entry::error(&format!(
            "{} \"{value}\" was skipped: {problem}. The other values were looked up.",
            kind.label()
        )));
    }
    let answer = match kind {
        Kind::Ip => client.ip_reputation(&value).await,
        Kind::Domain => client.domain_reputation(&value).await,
        Kind::Url => client.url_reputation(&value).await,
    };
    match answer {
        Ok(reputation) => Ok(verdict_entry(
            kind,
            &value,
            reputation.score,
            &reputation.raw,
            scoring,
        )?),
        Err(ClientError::NotFound { .. }) => {
            let dbot = DBotScore::new(&value, kind.indicator_type(), &scoring.brand, Score::None)
                .with_reliability(scoring.reliability)
                .with_message("No results found.");
            let indicator = indicators::indicator(kind, &value, &Value::Null, dbot);
            Ok(unknown_indicator_results(
                indicator,
                &scoring.brand,
                &kind.label().to_uppercase(),
                &value,
            )
            .into_entry()?)
        }
        // A problem of the instance (key, URL, network, rate limit) would repeat for every value:
        // one command error says it once.
        Err(error) if is_instance_problem(&error) => Err(error.into()),
        Err(error) => Ok(Entry::error(&format!(
            "{} \"{value}\" could not be looked up: {error}",
            kind.label()
        ))),
    }
}

fn is_instance_problem(error: &ClientError) -> bool {
    !matches!(
        error,
        ClientError::NotFound { .. } | ClientError::Vendor { .. } | ClientError::InvalidJson { .. }
    )
}

fn verdict_entry(
    kind: Kind,
    value: &str,
    vendor_score: i64,
    raw: &Value,
    scoring: &Scoring,
) -> Result<Entry, CommandError> {
    let score = Score::from_threshold(vendor_score, scoring.threshold);
    let dbot = DBotScore::new(value, kind.indicator_type(), &scoring.brand, score)
        .with_reliability(scoring.reliability)
        .with_malicious_description(format!("Hello World returned reputation {vendor_score}"));
    let (headers, row) = indicators::readable_row(kind, value, raw, vendor_score, score.readable());
    let options = TableOptions {
        headers: Some(headers),
        ..TableOptions::default()
    };
    let readable = table_to_markdown_with(
        &format!("HelloWorld {} reputation", kind.label()),
        &json!([row]),
        &options,
    )
    .unwrap_or_default();
    Ok(CommandResults::new()
        .outputs(
            kind.vendor_prefix(),
            &[kind.key_field()],
            indicators::vendor_context(kind, value, raw),
        )
        .indicator(indicators::indicator(kind, value, raw, dbot))
        .readable_output(readable)
        .raw_response(raw.clone())
        .into_entry()?)
}
