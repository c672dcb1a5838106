//! The simulator's alert model: a compact stored alert (tens of bytes, so a million fit in well
//! under a gigabyte) whose texts are derived from its number and the seed when it was generated,
//! and stored only when a client created it. Rendering turns it into the API's JSON.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::rng::stable_hash;

/// The classic HelloWorld alert types, kept so that classic filters and playbooks still match.
pub(crate) const ALERT_TYPES: [&str; 10] = [
    "Physics",
    "Feature",
    "Something Else",
    "Bug",
    "Supernatural",
    "Deprecated",
    "Attack",
    "Science Fiction",
    "Behavior",
    "Network",
];

/// ACTIVE or CLOSED.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Active,
    Closed,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Active => "ACTIVE",
            Self::Closed => "CLOSED",
        }
    }

    /// Exact, case-sensitive, as the API documents.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "ACTIVE" => Some(Self::Active),
            "CLOSED" => Some(Self::Closed),
            _ => None,
        }
    }
}

/// Low, Medium, High or Critical, ordered by seriousness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub(crate) const ALL: [Self; 4] = [Self::Low, Self::Medium, Self::High, Self::Critical];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Low => "Low",
            Self::Medium => "Medium",
            Self::High => "High",
            Self::Critical => "Critical",
        }
    }

    /// Exact, case-sensitive, as the API documents.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|severity| severity.as_str() == text)
    }
}

/// Texts of an alert a client created (generated alerts derive theirs instead).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct AlertText {
    pub(crate) name: String,
    pub(crate) alert_type: String,
    pub(crate) description: String,
    pub(crate) source_ip: Option<String>,
    pub(crate) user: Option<String>,
    pub(crate) hostname: Option<String>,
    pub(crate) url: Option<String>,
}

/// One alert as the simulator keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredAlert {
    /// The number behind the id; ids sort like numbers.
    pub(crate) seq: u64,
    /// Creation time, unix seconds.
    pub(crate) created: i64,
    /// When the list endpoint starts showing it (ingestion delay), unix seconds.
    pub(crate) visible_at: i64,
    /// Last change, unix seconds.
    pub(crate) updated: i64,
    /// Index into [`ALERT_TYPES`] for generated alerts.
    pub(crate) type_index: u8,
    pub(crate) status: Status,
    pub(crate) severity: Severity,
    pub(crate) assignee: Option<Box<str>>,
    /// Present for alerts created through the API.
    pub(crate) text: Option<Box<AlertText>>,
}

/// The API id of alert number `seq`.
pub(crate) fn alert_id(seq: u64) -> String {
    format!("HW-{seq:012}")
}

/// The number behind an API id, `None` for anything that is not one of ours.
pub(crate) fn parse_alert_id(id: &str) -> Option<u64> {
    let digits = id.strip_prefix("HW-")?;
    if digits.len() != 12 || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// RFC 3339 with second precision in UTC, as the API writes every time.
pub(crate) fn rfc3339(unix_seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix_seconds, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

const USERS: [&str; 8] = [
    "jdoe", "asmith", "mchen", "rpatel", "lgarcia", "tkim", "onguyen", "bwilson",
];
const SITES: [&str; 6] = [
    "login-update",
    "invoice-portal",
    "cdn-assets",
    "mail-secure",
    "docs-share",
    "vpn-access",
];

impl StoredAlert {
    /// The alert's type name.
    pub(crate) fn alert_type(&self) -> &str {
        match &self.text {
            Some(text) => &text.alert_type,
            None => ALERT_TYPES[usize::from(self.type_index) % ALERT_TYPES.len()],
        }
    }

    /// The alert as the API returns it.
    pub(crate) fn to_json(&self) -> Value {
        let id = alert_id(self.seq);
        let (name, description, source_ip, user, hostname, url) = match &self.text {
            Some(text) => (
                text.name.clone(),
                text.description.clone(),
                text.source_ip.clone(),
                text.user.clone(),
                text.hostname.clone(),
                text.url.clone(),
            ),
            None => self.generated_texts(),
        };
        json!({
            "id": id,
            "name": name,
            "type": self.alert_type(),
            "status": self.status.as_str(),
            "severity": self.severity.as_str(),
            "created": rfc3339(self.created),
            "updated": rfc3339(self.updated),
            "description": description,
            "assignee": self.assignee.as_deref(),
            "source_ip": source_ip,
            "user": user,
            "hostname": hostname,
            "url": url,
        })
    }

    /// Texts of a generated alert, derived from its number so they cost no memory.
    fn generated_texts(
        &self,
    ) -> (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ) {
        let hash = stable_hash(&self.seq.to_le_bytes());
        let pick = |shift: u32, len: usize| (hash >> shift) as usize % len;
        let alert_type = self.alert_type();
        let user = USERS[pick(0, USERS.len())];
        let host = format!("ws-{:03}.corp.example", pick(8, 1000));
        let octets = [
            (hash >> 16) as u8 % 223 + 1,
            (hash >> 24) as u8,
            (hash >> 32) as u8,
            (hash >> 40) as u8 % 254 + 1,
        ];
        let source_ip = format!("{}.{}.{}.{}", octets[0], octets[1], octets[2], octets[3]);
        let url = format!(
            "http://{}.example.net/{}",
            SITES[pick(48, SITES.len())],
            pick(52, 10_000)
        );
        (
            format!("Hello World Alert of type {alert_type}"),
            format!("{alert_type} activity by {user} on {host} from {source_ip}"),
            Some(source_ip),
            Some(user.to_owned()),
            Some(host),
            Some(url),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(seq: u64) -> StoredAlert {
        StoredAlert {
            seq,
            created: 1_700_000_000,
            visible_at: 1_700_000_000,
            updated: 1_700_000_000,
            type_index: 3,
            status: Status::Active,
            severity: Severity::High,
            assignee: None,
            text: None,
        }
    }

    #[test]
    fn ids_round_trip_and_reject_strangers() {
        assert_eq!(alert_id(42), "HW-000000000042");
        assert_eq!(parse_alert_id("HW-000000000042"), Some(42));
        for bad in ["HW-42", "hw-000000000042", "HW-00000000004x", "42", ""] {
            assert_eq!(parse_alert_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn generated_alerts_render_every_field_stably() {
        let json = alert(7).to_json();
        assert_eq!(json["id"], "HW-000000000007");
        assert_eq!(json["name"], "Hello World Alert of type Bug");
        assert_eq!(json["created"], "2023-11-14T22:13:20Z");
        assert_eq!(json, alert(7).to_json());
        assert_ne!(json["source_ip"], alert(8).to_json()["source_ip"]);
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "id",
                "name",
                "type",
                "status",
                "severity",
                "created",
                "updated",
                "description",
                "assignee",
                "source_ip",
                "user",
                "hostname",
                "url"
            ]
        );
    }

    #[test]
    fn statuses_and_severities_parse_exactly() {
        assert_eq!(Status::parse("ACTIVE"), Some(Status::Active));
        assert_eq!(Status::parse("active"), None);
        assert_eq!(Severity::parse("Critical"), Some(Severity::Critical));
        assert_eq!(Severity::parse("critical"), None);
        assert!(Severity::Low < Severity::Critical);
    }
}
