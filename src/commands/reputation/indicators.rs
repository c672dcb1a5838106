//! From a vendor reputation answer to what XSOAR shows: the standard indicator object (IP,
//! Domain, URL) with its DBotScore, the vendor context (`HelloWorld.IP` ...) and a short table.
//! Field names of the classic HelloWorld API are read too, so its answers map the same way.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value, json};

use super::Kind;
use crate::xsoar::indicator::{DBotScore, Domain, Indicator, Ip, Url};

/// The first of `keys` that holds a non-empty string (or a number, as text).
fn text(raw: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|key| {
        let value = pointer(raw, key)?;
        match value {
            Value::String(text) if !text.is_empty() => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        }
    })
}

/// `a.b` reads `raw["a"]["b"]`.
fn pointer<'a>(raw: &'a Value, dotted: &str) -> Option<&'a Value> {
    dotted.split('.').try_fold(raw, |value, key| value.get(key))
}

/// A date as the classic integration wrote domain dates: `%Y-%m-%dT%H:%M:%S.000Z`, from a string
/// or the first string of a list, in RFC 3339 or `YYYY-mm-dd HH:MM:SS`.
pub(super) fn classic_date(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(text) => text.as_str(),
        Value::Array(items) => items.first()?.as_str()?,
        _ => return None,
    };
    let parsed = DateTime::parse_from_rfc3339(text)
        .map(|time| time.with_timezone(&Utc).naive_utc())
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|date| date.and_hms_opt(0, 0, 0))
        })?;
    Some(parsed.format("%Y-%m-%dT%H:%M:%S.000Z").to_string())
}

/// The vendor context object: the answer as received, with the value under the key field, the
/// RDAP internals the classic integration also dropped removed, and domain dates made ISO.
pub(super) fn vendor_context(kind: Kind, value: &str, raw: &Value) -> Value {
    let mut object: Map<String, Value> = raw.as_object().cloned().unwrap_or_default();
    object.insert(kind.key_field().to_owned(), json!(value));
    if kind == Kind::Ip {
        object.remove("objects");
        object.remove("nir");
    }
    if kind == Kind::Domain {
        for key in ["creation_date", "expiration_date", "updated_date"] {
            if let Some(date) = object.get(key).map(classic_date) {
                object.insert(key.to_owned(), date.map_or(Value::Null, Value::String));
            }
        }
    }
    Value::Object(object)
}

/// The standard indicator object for the answer.
pub(super) fn indicator(kind: Kind, value: &str, raw: &Value, dbot: DBotScore) -> Indicator {
    match kind {
        Kind::Ip => Ip {
            asn: text(raw, &["asn"]),
            as_owner: text(raw, &["as_owner", "asn_description"]),
            geo_country: text(raw, &["country", "asn_country_code"]),
            organization_name: text(raw, &["whois.organization"]),
            updated_date: text(raw, &["whois.updated"]),
            ipv6: value.contains(':'),
            ..Ip::new(value, dbot)
        }
        .into(),
        Kind::Domain => Domain {
            registrar_name: text(raw, &["registrar"]),
            registrant_name: text(raw, &["registrant.name", "name"]),
            registrant_country: text(raw, &["registrant.country", "country"]),
            organization: text(raw, &["organization", "org"]),
            creation_date: raw.get("creation_date").and_then(classic_date),
            updated_date: raw.get("updated_date").and_then(classic_date),
            expiration_date: raw.get("expiration_date").and_then(classic_date),
            name_servers: string_list(raw.get("name_servers")),
            ..Domain::new(value, dbot)
        }
        .into(),
        Kind::Url => Url {
            category: Some(string_list(raw.get("categories")).join(","))
                .filter(|categories| !categories.is_empty()),
            ..Url::new(value, dbot)
        }
        .into(),
    }
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(text)) => vec![text.clone()],
        _ => Vec::new(),
    }
}

/// The table row: the value, its score and verdict first, then what an analyst checks next.
pub(super) fn readable_row(
    kind: Kind,
    value: &str,
    raw: &Value,
    score: i64,
    verdict: &str,
) -> (Vec<String>, Value) {
    let mut row = Map::new();
    row.insert(kind.label().to_owned(), json!(value));
    row.insert("Score".to_owned(), json!(score));
    row.insert("Verdict".to_owned(), json!(verdict));
    let extra: &[(&str, &[&str])] = match kind {
        Kind::Ip => &[
            ("ASN", &["asn"]),
            ("Owner", &["as_owner", "asn_description"]),
            ("Country", &["country", "asn_country_code"]),
        ],
        Kind::Domain => &[
            ("Registrar", &["registrar"]),
            ("Organization", &["organization", "org"]),
        ],
        Kind::Url => &[("Domain", &["domain"])],
    };
    for (header, keys) in extra {
        row.insert(
            (*header).to_owned(),
            text(raw, keys).map_or(Value::Null, Value::String),
        );
    }
    if kind == Kind::Domain {
        row.insert(
            "Created".to_owned(),
            raw.get("creation_date")
                .and_then(classic_date)
                .map_or(Value::Null, Value::String),
        );
    }
    if kind == Kind::Url {
        row.insert(
            "Categories".to_owned(),
            json!(string_list(raw.get("categories"))),
        );
    }
    let headers = row.keys().cloned().collect();
    (headers, Value::Object(row))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_dates_are_iso_with_zero_milliseconds() {
        assert_eq!(
            classic_date(&json!("1997-09-15 04:00:00")).unwrap(),
            "1997-09-15T04:00:00.000Z"
        );
        assert_eq!(
            classic_date(&json!(["2028-09-14 04:00:00", "x"])).unwrap(),
            "2028-09-14T04:00:00.000Z"
        );
        assert_eq!(
            classic_date(&json!("2020-01-02T03:04:05+02:00")).unwrap(),
            "2020-01-02T01:04:05.000Z"
        );
        assert_eq!(classic_date(&json!("garbage")), None);
        assert_eq!(classic_date(&json!(5)), None);
    }
}
