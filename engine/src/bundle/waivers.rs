//! `[waivers]` in `bundle.toml`: the assurance team's governance of
//! accepted risk — who may approve a waiver (their public keys, files of the
//! bundle), how many of them must, which rules may be waived at all and for
//! how long at most, and when an expiring waiver is worth a warning.
//!
//! ```toml
//! [waivers]
//! threshold = 2
//! rules = ["R1", "R2.1", "R7.3"]
//! warn_days = 14
//! known_exploited_at_critical_tier = false
//! [waivers.max_days]
//! critical = 30
//! high = 90
//! [waivers.rule_max_days]
//! "R1" = 14
//! [[waivers.approver]]
//! name = "Dr A. Patel, Chief Clinical Information Officer"
//! key = "waivers/patel.pub"
//! ```

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::model::{Approver, Rule, Severity, WaiverPolicy};

/// `[waivers]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WaiversToml {
    /// Who may approve: a name and a public key file of the bundle.
    #[serde(default, rename = "approver")]
    approvers: Vec<ApproverToml>,
    /// How many distinct approvers' keys a waiver needs.
    threshold: usize,
    /// The rules a waiver may accept; every other rule never.
    rules: Vec<String>,
    /// The longest validity by the rule's severity, in days.
    #[serde(default)]
    max_days: MaxDaysToml,
    /// The longest validity of one rule's waivers, in days.
    #[serde(default)]
    rule_max_days: BTreeMap<String, u32>,
    /// A waiver in use that expires within this many days is an advisory.
    #[serde(default = "default_warn_days")]
    warn_days: u32,
    /// Whether an exposure on the known-exploited list may be waived for a
    /// product of the critical tier. Never, unless the bundle says so.
    #[serde(default)]
    known_exploited_at_critical_tier: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ApproverToml {
    name: String,
    key: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MaxDaysToml {
    #[serde(default = "critical_days")]
    critical: u32,
    #[serde(default = "high_days")]
    high: u32,
    #[serde(default = "medium_days")]
    medium: u32,
    #[serde(default = "low_days")]
    low: u32,
}

impl Default for MaxDaysToml {
    fn default() -> Self {
        MaxDaysToml {
            critical: critical_days(),
            high: high_days(),
            medium: medium_days(),
            low: low_days(),
        }
    }
}

fn default_warn_days() -> u32 {
    14
}
fn critical_days() -> u32 {
    30
}
fn high_days() -> u32 {
    90
}
fn medium_days() -> u32 {
    180
}
fn low_days() -> u32 {
    365
}

/// The longest a bundle may let a waiver run: two years.
pub const MAX_WAIVER_DAYS: u32 = 730;

/// Checks `[waivers]` against the bundle's files and rules: every problem
/// at once.
pub(super) fn governance(
    toml: WaiversToml,
    files: &BTreeMap<String, Vec<u8>>,
    rules: &[Rule],
) -> Result<WaiverPolicy, Vec<String>> {
    let mut problems = Vec::new();
    let mut approvers: Vec<Approver> = Vec::new();
    for (n, approver) in toml.approvers.iter().enumerate() {
        let at = format!("[[waivers.approver]] {} (`{}`)", n + 1, approver.name);
        if approver.name.trim().is_empty() {
            problems.push(format!("{at}: `name` is empty"));
        }
        let Some(bytes) = files.get(&approver.key) else {
            problems.push(format!(
                "{at}: its key `{}` is not a file of the bundle",
                approver.key
            ));
            continue;
        };
        let key = std::str::from_utf8(bytes)
            .map_err(|_| "not UTF-8 text".to_owned())
            .and_then(|pem| {
                assure_trust::keys::PublicKey::from_spki_pem(pem).map_err(|e| e.to_string())
            });
        match key {
            Ok(key) => {
                let key_id = key.key_id().to_hex();
                if approvers.iter().any(|a| a.key_id == key_id) {
                    problems.push(format!(
                        "{at}: its key is also another approver's: each approver has a key of their own"
                    ));
                }
                approvers.push(Approver {
                    name: approver.name.trim().to_owned(),
                    key,
                    key_id,
                });
            }
            Err(e) => problems.push(format!(
                "{at}: its key `{}` is not an Ed25519 public key (SPKI PEM): {e}",
                approver.key
            )),
        }
    }
    if toml.threshold == 0 {
        problems.push("`[waivers] threshold` is 0: a waiver needs at least one approver".into());
    }
    if !approvers.is_empty() && toml.threshold > approvers.len() {
        problems.push(format!(
            "`[waivers] threshold` {} exceeds the {} approver(s)",
            toml.threshold,
            approvers.len()
        ));
    }
    let mut waivable = BTreeSet::new();
    for id in &toml.rules {
        match rules.iter().find(|r| &r.id == id) {
            None => problems.push(format!("`[waivers] rules` names `{id}`, which is no rule of the bundle")),
            Some(rule) if !rule.is_forbid() => problems.push(format!(
                "`[waivers] rules` names `{id}`, a permit policy: only rules that fire can be waived"
            )),
            Some(rule) if !rule.waivable => problems.push(format!(
                "`[waivers] rules` names `{id}`, which its policy marks `@waivable(\"never\")`: a finding that the evidence is not what it claims is never waived"
            )),
            Some(_) => {
                if !waivable.insert(id.clone()) {
                    problems.push(format!("`[waivers] rules` names `{id}` twice"));
                }
            }
        }
    }
    for (id, days) in &toml.rule_max_days {
        if !waivable.contains(id) {
            problems.push(format!(
                "`[waivers.rule_max_days]` gives `{id}`, which `[waivers] rules` does not list"
            ));
        }
        if *days == 0 || *days > MAX_WAIVER_DAYS {
            problems.push(format!(
                "`[waivers.rule_max_days]` `{id}` = {days}: from 1 to {MAX_WAIVER_DAYS} days"
            ));
        }
    }
    let max_days = BTreeMap::from([
        (Severity::Critical, toml.max_days.critical),
        (Severity::High, toml.max_days.high),
        (Severity::Medium, toml.max_days.medium),
        (Severity::Low, toml.max_days.low),
    ]);
    for (severity, days) in &max_days {
        if *days == 0 || *days > MAX_WAIVER_DAYS {
            problems.push(format!(
                "`[waivers.max_days]` {severity} = {days}: from 1 to {MAX_WAIVER_DAYS} days"
            ));
        }
    }
    if toml.warn_days > MAX_WAIVER_DAYS {
        problems.push(format!(
            "`[waivers] warn_days` {} is more than {MAX_WAIVER_DAYS}",
            toml.warn_days
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(WaiverPolicy {
        approvers,
        threshold: toml.threshold,
        rules: waivable,
        max_days,
        rule_max_days: toml.rule_max_days,
        warn_days: toml.warn_days,
        known_exploited_at_critical_tier: toml.known_exploited_at_critical_tier,
    })
}
