//! Threat-intel facts the simulator invents, stable per value in every process and every seed:
//! reputation scores, and what a host scan finds. Shared by the v2 routes and the classic routes,
//! so both APIs agree about the same indicator or host.

use super::rng::{SplitMix64, stable_hash};

/// The reputation score (0 to 100) of an indicator of `kind` (`ip`, `domain`, `url`).
pub(crate) fn reputation_score(kind: &str, value: &str) -> u8 {
    let hash = stable_hash(format!("{kind}:{}", value.to_ascii_lowercase()).as_bytes());
    u8::try_from(hash % 101).unwrap_or(0)
}

/// Real CVE ids, so that scan results look like what analysts see.
const CVES: [&str; 16] = [
    "CVE-2021-44228",
    "CVE-2021-45046",
    "CVE-2022-22965",
    "CVE-2023-4966",
    "CVE-2023-34362",
    "CVE-2023-23397",
    "CVE-2019-0708",
    "CVE-2020-1472",
    "CVE-2017-0144",
    "CVE-2018-13379",
    "CVE-2021-26855",
    "CVE-2021-34527",
    "CVE-2022-30190",
    "CVE-2023-20198",
    "CVE-2024-3400",
    "CVE-2014-0160",
];

const ENTITY_TYPES: [&str; 3] = ["Device", "Service", "Application"];
const VULNERABILITY_STATUSES: [&str; 3] = ["SERIOUS", "NON-SERIOUS", "TRIVIAL"];

/// One thing a scan found on a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScanFinding {
    pub(crate) entity_id: String,
    pub(crate) entity_type: &'static str,
    pub(crate) ip_address: String,
    pub(crate) vulnerability_status: &'static str,
    pub(crate) vulns: Vec<&'static str>,
}

/// What scanning `hostname` finds: 3 to 8 entities, the same every time.
pub(crate) fn scan_findings(hostname: &str) -> Vec<ScanFinding> {
    let mut rng = SplitMix64::new(stable_hash(
        format!("scan:{}", hostname.to_ascii_lowercase()).as_bytes(),
    ));
    let count = 3 + rng.below(6);
    let subnet = [10, rng.below(256), rng.below(256)];
    (0..count)
        .map(|index| {
            let vuln_count = rng.below(4);
            let mut vulns: Vec<&'static str> = (0..vuln_count)
                .map(|_| CVES[rng.below(CVES.len() as u64) as usize])
                .collect();
            vulns.sort_unstable();
            vulns.dedup();
            ScanFinding {
                entity_id: format!("{:08x}", rng.next_u64() as u32),
                entity_type: ENTITY_TYPES[rng.below(ENTITY_TYPES.len() as u64) as usize],
                ip_address: format!("{}.{}.{}.{}", subnet[0], subnet[1], subnet[2], 10 + index),
                vulnerability_status: VULNERABILITY_STATUSES
                    [rng.below(VULNERABILITY_STATUSES.len() as u64) as usize],
                vulns,
            }
        })
        .collect()
}

/// RUNNING, COMPLETE or FAILED.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScanStatus {
    Running,
    Complete,
    Failed,
}

impl ScanStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Running => "RUNNING",
            Self::Complete => "COMPLETE",
            Self::Failed => "FAILED",
        }
    }
}

/// A scan's status at `now`: RUNNING for `scan_seconds` after it started, then COMPLETE, or
/// FAILED for hosts whose name contains `fail` (so failures can be tested on purpose).
pub(crate) fn scan_status(hostname: &str, started: i64, scan_seconds: i64, now: i64) -> ScanStatus {
    if now < started + scan_seconds {
        ScanStatus::Running
    } else if hostname.to_ascii_lowercase().contains("fail") {
        ScanStatus::Failed
    } else {
        ScanStatus::Complete
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_stable_and_in_range() {
        assert_eq!(
            reputation_score("ip", "8.8.8.8"),
            reputation_score("ip", "8.8.8.8")
        );
        assert_eq!(
            reputation_score("domain", "Example.COM"),
            reputation_score("domain", "example.com")
        );
        assert!((0..500).all(|n| reputation_score("ip", &format!("1.2.3.{n}")) <= 100));
    }

    #[test]
    fn findings_are_stable_per_host() {
        let findings = scan_findings("ws-001.corp.example");
        assert_eq!(findings, scan_findings("WS-001.corp.example"));
        assert!((3..=8).contains(&findings.len()));
        assert!(
            findings
                .iter()
                .all(|finding| finding.vulns.iter().all(|cve| cve.starts_with("CVE-")))
        );
    }

    #[test]
    fn scans_run_then_complete_or_fail() {
        assert_eq!(scan_status("host", 100, 10, 105), ScanStatus::Running);
        assert_eq!(scan_status("host", 100, 10, 110), ScanStatus::Complete);
        assert_eq!(scan_status("will-fail", 100, 10, 110), ScanStatus::Failed);
    }
}
