//! Reference data a bundle carries: the CISA Known Exploited Vulnerabilities
//! (KEV) catalogue, as published (`known_exploited_vulnerabilities.json`),
//! and NHS England's cyber alerts (`nhs-cyber-alerts/1`).
//!
//! Plugins have no network, so the bundle carries a dated snapshot of each;
//! a decision records each one's version, release date, age and digest, so
//! it can be replayed against the data it was made with. The bundle declares
//! how old each may be (`max_age_days`): judged later than that, the data is
//! stale and the decision is needs-evidence at best. Refresh with
//! `assure data kev <file>` / `assure data nhs-alerts <file>`, or judge with a
//! newer copy with `assure check --reference NAME=FILE`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The most entries a catalogue may hold (the real one holds about 1,500).
const MAX_ENTRIES: usize = 100_000;

/// One known-exploited vulnerability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KevEntry {
    /// `CVE-2021-44228`.
    pub cve: String,
    /// Its index in the catalogue's `vulnerabilities` array.
    pub index: usize,
    /// The vendor or project.
    pub vendor_project: String,
    /// The product.
    pub product: String,
    /// The vulnerability's name.
    pub name: String,
    /// When CISA added it (`YYYY-MM-DD`).
    pub date_added: String,
    /// The remediation due date for US federal agencies (`YYYY-MM-DD`).
    pub due_date: String,
    /// Whether it is known to be used in ransomware campaigns.
    pub known_ransomware: bool,
}

/// A KEV catalogue snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kev {
    /// The catalogue's own version (`catalogVersion`).
    pub catalog_version: String,
    /// When it was released (`dateReleased`).
    pub date_released: String,
    /// Entries by CVE id.
    pub entries: BTreeMap<String, KevEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Catalogue {
    catalog_version: String,
    date_released: String,
    count: usize,
    vulnerabilities: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEntry {
    #[serde(rename = "cveID")]
    cve_id: String,
    #[serde(default)]
    vendor_project: String,
    #[serde(default)]
    product: String,
    #[serde(default)]
    vulnerability_name: String,
    date_added: String,
    #[serde(default)]
    due_date: String,
    #[serde(default)]
    known_ransomware_campaign_use: String,
}

impl Kev {
    /// Reads a catalogue in CISA's published JSON format, checking it: the
    /// `count` matches, every CVE id is well formed and listed once, and
    /// every date is a date.
    pub fn parse(bytes: &[u8]) -> Result<Self, crate::error::DataError> {
        Self::parse_text(bytes).map_err(Into::into)
    }

    fn parse_text(bytes: &[u8]) -> Result<Self, String> {
        let raw: Catalogue = serde_json::from_slice(bytes).map_err(|e| {
            format!(
                "not a KEV catalogue (line {}, column {}): {e}",
                e.line(),
                e.column()
            )
        })?;
        if raw.vulnerabilities.len() != raw.count {
            return Err(format!(
                "`count` says {} but `vulnerabilities` holds {}",
                raw.count,
                raw.vulnerabilities.len()
            ));
        }
        if raw.count > MAX_ENTRIES {
            return Err(format!(
                "{} entries is more than the {MAX_ENTRIES} a catalogue may hold",
                raw.count
            ));
        }
        if !is_date(&raw.date_released) {
            return Err(format!(
                "`dateReleased` `{}` is not a date",
                raw.date_released
            ));
        }
        let mut entries = BTreeMap::new();
        for (index, entry) in raw.vulnerabilities.into_iter().enumerate() {
            let at = format!("/vulnerabilities/{index}");
            if !is_cve(&entry.cve_id) {
                return Err(format!(
                    "{at}/cveID: `{}` is not a CVE id (CVE-YYYY-NNNN)",
                    entry.cve_id
                ));
            }
            if !is_date(&entry.date_added) {
                return Err(format!(
                    "{at}/dateAdded: `{}` is not a date",
                    entry.date_added
                ));
            }
            if !entry.due_date.is_empty() && !is_date(&entry.due_date) {
                return Err(format!("{at}/dueDate: `{}` is not a date", entry.due_date));
            }
            let cve = entry.cve_id.clone();
            let parsed = KevEntry {
                cve: entry.cve_id,
                index,
                vendor_project: entry.vendor_project,
                product: entry.product,
                name: entry.vulnerability_name,
                date_added: date_part(&entry.date_added).to_owned(),
                due_date: date_part(&entry.due_date).to_owned(),
                known_ransomware: entry
                    .known_ransomware_campaign_use
                    .eq_ignore_ascii_case("known"),
            };
            if entries.insert(cve.clone(), parsed).is_some() {
                return Err(format!("{at}/cveID: `{cve}` is listed twice"));
            }
        }
        Ok(Self {
            catalog_version: raw.catalog_version,
            date_released: raw.date_released,
            entries,
        })
    }

    /// The entry for a CVE id (compared ignoring ASCII case).
    pub fn get(&self, cve: &str) -> Option<&KevEntry> {
        self.entries
            .get(cve)
            .or_else(|| self.entries.get(&cve.to_ascii_uppercase()))
    }
}

/// What every dataset says of itself.
pub trait Dataset {
    /// The name a bundle and `--reference` give it (`kev`, `nhs_alerts`).
    const NAME: &'static str;
    /// What it is, for a person.
    const TITLE: &'static str;
    /// The command that installs a new copy into a bundle's source.
    const REFRESH: &'static str;
    /// Reads and checks a copy.
    fn parse_dataset(bytes: &[u8]) -> Result<Self, crate::error::DataError>
    where
        Self: Sized;
    /// Its own version.
    fn version(&self) -> &str;
    /// When it was released (RFC 3339 or a date).
    fn released(&self) -> &str;
    /// How many entries it holds.
    fn entry_count(&self) -> usize;
    /// When it was released, as a timestamp (a date is its midnight UTC).
    fn released_at(&self) -> Option<jiff::Timestamp> {
        crate::time::normalise_datetime(self.released())?
            .parse()
            .ok()
    }
}

impl Dataset for Kev {
    const NAME: &'static str = "kev";
    const TITLE: &'static str = "CISA Known Exploited Vulnerabilities catalogue";
    const REFRESH: &'static str = "assure data kev FILE";
    fn parse_dataset(bytes: &[u8]) -> Result<Self, crate::error::DataError> {
        Self::parse(bytes)
    }
    fn version(&self) -> &str {
        &self.catalog_version
    }
    fn released(&self) -> &str {
        &self.date_released
    }
    fn entry_count(&self) -> usize {
        self.entries.len()
    }
}

/// The most alerts a list may hold.
const MAX_ALERTS: usize = 100_000;

/// One NHS England cyber alert that names vulnerabilities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NhsAlert {
    /// `CC-4690`.
    pub id: String,
    /// Its index in the list's `alerts` array.
    pub index: usize,
    /// The alert's title.
    pub title: String,
    /// When it was published (`YYYY-MM-DD`).
    pub published: String,
    /// "High", "Medium", "Low" or "Information only", as NHS England rates
    /// it; empty when the list does not record it.
    pub severity: String,
    /// Where it is published.
    pub url: String,
}

/// NHS England cyber alerts (`nhs-cyber-alerts/1`): the alerts that name
/// CVEs, indexed by CVE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NhsAlerts {
    /// The list's version (`version`).
    pub version: String,
    /// When it was compiled (`released`).
    pub released: String,
    /// How many alerts it holds.
    pub alert_count: usize,
    /// Alerts by CVE id: the first alert (in list order) naming it.
    pub by_cve: BTreeMap<String, NhsAlert>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlerts {
    assure_format: String,
    #[serde(default)]
    source: String,
    version: String,
    released: String,
    alerts: Vec<RawAlert>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlert {
    id: String,
    title: String,
    published: String,
    #[serde(default)]
    severity: Option<String>,
    cves: Vec<String>,
    #[serde(default)]
    url: String,
}

/// The severities NHS England gives its cyber alerts.
pub const NHS_ALERT_SEVERITIES: [&str; 4] = ["High", "Medium", "Low", "Information only"];

impl NhsAlerts {
    /// Reads a list in `nhs-cyber-alerts/1`, checking it: the format marker,
    /// every alert id (`CC-` and digits) listed once, every CVE id well
    /// formed, every date a date, every severity one NHS England uses.
    pub fn parse(bytes: &[u8]) -> Result<Self, crate::error::DataError> {
        Self::parse_text(bytes).map_err(Into::into)
    }

    fn parse_text(bytes: &[u8]) -> Result<Self, String> {
        let raw: RawAlerts = serde_json::from_slice(bytes).map_err(|e| {
            format!(
                "not an NHS cyber alerts list (line {}, column {}): {e}",
                e.line(),
                e.column()
            )
        })?;
        if raw.assure_format != "nhs-cyber-alerts/1" {
            return Err(format!(
                "/assure_format: `{}` is not `nhs-cyber-alerts/1`",
                raw.assure_format
            ));
        }
        let _ = raw.source;
        if raw.alerts.len() > MAX_ALERTS {
            return Err(format!(
                "{} alerts is more than the {MAX_ALERTS} a list may hold",
                raw.alerts.len()
            ));
        }
        if raw.version.trim().is_empty() {
            return Err("/version: empty".into());
        }
        if !is_date(&raw.released) {
            return Err(format!("/released: `{}` is not a date", raw.released));
        }
        let mut ids = std::collections::BTreeSet::new();
        let mut by_cve = BTreeMap::new();
        let alert_count = raw.alerts.len();
        for (index, alert) in raw.alerts.into_iter().enumerate() {
            let at = format!("/alerts/{index}");
            let well_formed = alert.id.strip_prefix("CC-").is_some_and(|n| {
                !n.is_empty() && n.len() <= 8 && n.bytes().all(|b| b.is_ascii_digit())
            });
            if !well_formed {
                return Err(format!(
                    "{at}/id: `{}` is not an alert id (CC-NNNN)",
                    alert.id
                ));
            }
            if !ids.insert(alert.id.clone()) {
                return Err(format!("{at}/id: `{}` is listed twice", alert.id));
            }
            if !is_date(&alert.published) {
                return Err(format!(
                    "{at}/published: `{}` is not a date",
                    alert.published
                ));
            }
            if let Some(severity) = &alert.severity
                && !NHS_ALERT_SEVERITIES.contains(&severity.as_str())
            {
                return Err(format!(
                    "{at}/severity: `{severity}` is not one of {}",
                    NHS_ALERT_SEVERITIES.join(", ")
                ));
            }
            if alert.cves.is_empty() {
                return Err(format!(
                    "{at}/cves: an alert in this list names at least one CVE"
                ));
            }
            let entry = NhsAlert {
                id: alert.id,
                index,
                title: alert.title,
                published: date_part(&alert.published).to_owned(),
                severity: alert.severity.unwrap_or_default(),
                url: alert.url,
            };
            for (n, cve) in alert.cves.iter().enumerate() {
                if !is_cve(cve) {
                    return Err(format!(
                        "{at}/cves/{n}: `{cve}` is not a CVE id (CVE-YYYY-NNNN)"
                    ));
                }
                by_cve.entry(cve.clone()).or_insert_with(|| entry.clone());
            }
        }
        Ok(Self {
            version: raw.version,
            released: raw.released,
            alert_count,
            by_cve,
        })
    }

    /// The alert naming a CVE id (compared ignoring ASCII case).
    pub fn get(&self, cve: &str) -> Option<&NhsAlert> {
        self.by_cve
            .get(cve)
            .or_else(|| self.by_cve.get(&cve.to_ascii_uppercase()))
    }
}

impl Dataset for NhsAlerts {
    const NAME: &'static str = "nhs_alerts";
    const TITLE: &'static str = "NHS England cyber alerts";
    const REFRESH: &'static str = "assure data nhs-alerts FILE";
    fn parse_dataset(bytes: &[u8]) -> Result<Self, crate::error::DataError> {
        Self::parse(bytes)
    }
    fn version(&self) -> &str {
        &self.version
    }
    fn released(&self) -> &str {
        &self.released
    }
    fn entry_count(&self) -> usize {
        self.alert_count
    }
}

fn is_cve(s: &str) -> bool {
    let mut parts = s.splitn(3, '-');
    parts.next() == Some("CVE")
        && parts
            .next()
            .is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        && parts
            .next()
            .is_some_and(|n| n.len() >= 4 && n.bytes().all(|b| b.is_ascii_digit()))
}

fn date_part(s: &str) -> &str {
    s.get(..10).unwrap_or(s)
}

fn is_date(s: &str) -> bool {
    crate::time::normalise_datetime(s).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"2024.01.01","dateReleased":"2024-01-01T12:00:00.000Z","count":1,"vulnerabilities":[{"cveID":"CVE-2021-44228","vendorProject":"Apache","product":"Log4j2","vulnerabilityName":"Apache Log4j2 Remote Code Execution Vulnerability","dateAdded":"2021-12-10","shortDescription":"","requiredAction":"","dueDate":"2021-12-24","knownRansomwareCampaignUse":"Known","notes":""}]}"#;

    #[test]
    fn reads_the_published_format() -> Result<(), String> {
        let kev = Kev::parse(SMALL.as_bytes()).map_err(|e| e.message)?;
        assert_eq!(kev.catalog_version, "2024.01.01");
        let log4shell = kev.get("cve-2021-44228").ok_or("missing")?;
        assert_eq!(log4shell.date_added, "2021-12-10");
        assert!(log4shell.known_ransomware);
        Ok(())
    }

    #[test]
    fn refuses_a_wrong_count_and_bad_ids() {
        let wrong_count = SMALL.replace("\"count\":1", "\"count\":2");
        assert!(Kev::parse(wrong_count.as_bytes()).is_err_and(|e| e.message.contains("count")));
        let bad_id = SMALL.replace("CVE-2021-44228", "LOG4SHELL");
        assert!(
            Kev::parse(bad_id.as_bytes())
                .is_err_and(|e| e.message.contains("/vulnerabilities/0/cveID"))
        );
        assert!(Kev::parse(b"[]").is_err_and(|e| e.message.contains("not a KEV catalogue")));
    }
}
