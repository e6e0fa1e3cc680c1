//! Reference data a bundle carries: the CISA Known Exploited Vulnerabilities
//! (KEV) catalogue, as published (`known_exploited_vulnerabilities.json`).
//!
//! Plugins have no network, so the bundle carries a dated snapshot; a
//! decision records the catalogue's version and digest, so it can be
//! replayed against the data it was made with. Refresh it with
//! `assure data kev <file>`.

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
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
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
    crate::facts::normalise_datetime(s).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"2024.01.01","dateReleased":"2024-01-01T12:00:00.000Z","count":1,"vulnerabilities":[{"cveID":"CVE-2021-44228","vendorProject":"Apache","product":"Log4j2","vulnerabilityName":"Apache Log4j2 Remote Code Execution Vulnerability","dateAdded":"2021-12-10","shortDescription":"","requiredAction":"","dueDate":"2021-12-24","knownRansomwareCampaignUse":"Known","notes":""}]}"#;

    #[test]
    fn reads_the_published_format() -> Result<(), String> {
        let kev = Kev::parse(SMALL.as_bytes())?;
        assert_eq!(kev.catalog_version, "2024.01.01");
        let log4shell = kev.get("cve-2021-44228").ok_or("missing")?;
        assert_eq!(log4shell.date_added, "2021-12-10");
        assert!(log4shell.known_ransomware);
        Ok(())
    }

    #[test]
    fn refuses_a_wrong_count_and_bad_ids() {
        let wrong_count = SMALL.replace("\"count\":1", "\"count\":2");
        assert!(Kev::parse(wrong_count.as_bytes()).is_err_and(|e| e.contains("count")));
        let bad_id = SMALL.replace("CVE-2021-44228", "LOG4SHELL");
        assert!(
            Kev::parse(bad_id.as_bytes()).is_err_and(|e| e.contains("/vulnerabilities/0/cveID"))
        );
        assert!(Kev::parse(b"[]").is_err_and(|e| e.contains("not a KEV catalogue")));
    }
}
