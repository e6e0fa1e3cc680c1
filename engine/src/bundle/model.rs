//! A bundle as the engine holds it: its rules, plugins, evidence kinds,
//! reference data and sources, and how it was trusted.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use cedar_policy::{Effect, PolicySet, Schema};
use serde::{Deserialize, Serialize};

use crate::reference::{Kev, NhsAlerts};
use crate::vocabulary::{Read, Vocabulary};

/// A rule's severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Must be fixed before approval.
    Critical,
    /// Serious.
    High,
    /// Moderate.
    Medium,
    /// Minor.
    Low,
}

impl FromStr for Severity {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "critical" => Ok(Self::Critical),
            "high" => Ok(Self::High),
            "medium" => Ok(Self::Medium),
            "low" => Ok(Self::Low),
            _ => Err(()),
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Critical => "critical",
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
        })
    }
}

/// One policy and what its annotations say.
#[derive(Debug, Clone)]
pub struct Rule {
    /// `@id`: the stable rule id findings cite.
    pub id: String,
    /// `@title`.
    pub title: String,
    /// `@control`, split on `;`: the controls this rule implements.
    pub controls: Vec<String>,
    /// `@pillar`: the health cyber strategy pillar it serves.
    pub pillar: Option<String>,
    /// `@severity`.
    pub severity: Severity,
    /// `@message`: what a finding says.
    pub message: String,
    /// `@remediation`: what to do about it.
    pub remediation: String,
    /// `@advisory`: reported, never blocking.
    pub advisory: bool,
    /// `@tier`: the lowest criticality tier at which the rule applies
    /// (`high`, `critical`); none for a rule of every tier. The rule's
    /// condition tests `context.profile.tier` itself: the annotation says so
    /// to people and to generated documents.
    pub tier: Option<crate::submission::Tier>,
    /// `permit` or `forbid`.
    pub effect: Effect,
    /// The action the policy is scoped to (`approve`, `accept`), if any.
    pub action: Option<String>,
    /// The entity type the policy is scoped to (`resource is Exposure`, or
    /// `resource == E`), if any; none for `resource in E`, whose descendants
    /// may be of any type.
    pub resource_type: Option<String>,
    /// The file it came from.
    pub file: String,
    /// The attributes it reads.
    pub reads: Vec<Read>,
    /// The attributes it reads or tests with `has`: what it looks at.
    pub mentions: Vec<Read>,
    /// Whether a bundle may let a waiver accept its findings: not when its
    /// policy says `@waivable("never")` (a finding that the evidence is not
    /// what it claims to be).
    pub waivable: bool,
}

impl Rule {
    /// Whether the rule is a `forbid` (a rule that can fire), not a `permit`.
    pub fn is_forbid(&self) -> bool {
        self.effect == Effect::Forbid
    }
}

/// A plugin binary carried by a bundle.
#[derive(Debug, Clone)]
pub struct PluginBinary {
    /// Its name in the bundle.
    pub name: String,
    /// The media types routed to it.
    pub media_types: Vec<String>,
    /// Its SHA-256.
    pub sha256: String,
    /// The component's bytes.
    pub bytes: Arc<[u8]>,
}

/// A document the rules' `@control`s cite, with the edition they were
/// checked against and when (`[[source]]` in `bundle.toml`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The start of the controls it covers (`DTAC v2`, `SSCoP`): a control
    /// belongs to the source with the longest key it starts with.
    pub key: String,
    /// The document, its author and title.
    pub document: String,
    /// The edition or date the rules follow.
    pub edition: String,
    /// Where it is published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When the rules were last checked against it (`YYYY-MM` or `YYYY-MM-DD`).
    pub checked: String,
}

impl Source {
    /// Whether `control` belongs to this source: it is the key, or starts
    /// with it followed by a space, a colon or a bracket.
    pub fn covers(&self, control: &str) -> bool {
        control
            .strip_prefix(self.key.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', ':', '(', ',']))
    }
}

/// What a kind of evidence is, for telling a supplier what to provide.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EvidenceKind {
    /// A short name ("SBOM").
    pub title: String,
    /// What to provide.
    pub ask: String,
}

/// Where a dataset a check used came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DataOrigin {
    /// The bundle carries it (and its signature covers it).
    Bundle,
    /// The operator gave it (`assure check --reference NAME=FILE`).
    Operator,
}

/// Reference data a bundle carries, with the file it came from.
#[derive(Debug, Clone)]
pub struct ReferenceData<T> {
    /// The file's path in the bundle (`bundle:` citations), or the file the
    /// operator gave.
    pub path: String,
    /// Its SHA-256.
    pub sha256: String,
    /// Its contents, checked.
    pub data: Arc<T>,
    /// How old it may be, in days, when a check uses it (the bundle's policy).
    pub max_age_days: u32,
    /// Where it came from.
    pub origin: DataOrigin,
}

impl<T: crate::reference::Dataset> ReferenceData<T> {
    /// Its age in whole days at `as_of` (negative when released after it).
    pub fn age_days(&self, as_of: jiff::Timestamp) -> Option<i64> {
        let released = self.data.released_at()?;
        let seconds = as_of.as_second() - released.as_second();
        Some(seconds.div_euclid(86_400))
    }

    /// Whether it is older than its maximum age at `as_of`, or has no
    /// usable release date (which cannot show it is current).
    pub fn stale(&self, as_of: jiff::Timestamp) -> bool {
        let Some(released) = self.data.released_at() else {
            return true;
        };
        let limit = i64::from(self.max_age_days) * 86_400;
        as_of.as_second() - released.as_second() > limit
    }
}

/// A loaded, validated bundle.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// The bundle's name.
    pub name: String,
    /// Its version (monotonic).
    pub version: u64,
    /// What it is for.
    pub description: String,
    /// SHA-256 over its file list (each file's path and SHA-256).
    pub digest: String,
    /// Each file's SHA-256.
    pub files: BTreeMap<String, String>,
    /// The Cedar schema.
    pub schema: Schema,
    /// The fact vocabulary the schema declares.
    pub vocabulary: Vocabulary,
    /// The policies, each with its `@id` as its Cedar id.
    pub policies: PolicySet,
    /// One rule per policy, in id order.
    pub rules: Vec<Rule>,
    /// The plugins.
    pub plugins: Vec<PluginBinary>,
    /// What each evidence kind (the first part of a fact path) is.
    pub evidence: BTreeMap<String, EvidenceKind>,
    /// The known-exploited vulnerabilities catalogue, if the bundle carries one.
    pub kev: Option<ReferenceData<Kev>>,
    /// NHS England's cyber alerts, if the bundle carries them.
    pub nhs_alerts: Option<ReferenceData<NhsAlerts>>,
    /// The documents its controls cite, with the edition checked.
    pub sources: Vec<Source>,
    /// The frameworks (`DTAC`, `DSPT`…) in the order its readers expect
    /// them; a decision lists controls in this order, then the other
    /// frameworks by name.
    pub frameworks: Vec<String>,
    /// The limits it sets (`[limits]` in `bundle.toml`), each checked
    /// against its hard ceiling.
    pub limits: crate::limits::BundleLimits,
    /// How the bundle was trusted: by signatures (a published bundle), or
    /// `None` for the built-in bundle (pinned digest) and an author's
    /// source folder.
    pub signed: Option<Signed>,
    /// How it governs waivers (`[waivers]`), if it allows any.
    pub waivers: Option<WaiverPolicy>,
}

/// A bundle's governance of waivers (`[waivers]` in `bundle.toml`): who may
/// approve accepted risk, how many must, which rules and for how long.
#[derive(Debug, Clone)]
pub struct WaiverPolicy {
    /// The people who may approve a waiver, with their public keys.
    pub approvers: Vec<Approver>,
    /// How many distinct approvers must sign a waiver.
    pub threshold: usize,
    /// The rules a waiver may accept; no other rule's findings are ever waived.
    pub rules: std::collections::BTreeSet<String>,
    /// The longest validity, in days, by the rule's severity.
    pub max_days: BTreeMap<Severity, u32>,
    /// The longest validity, in days, of a rule's waivers, where the bundle sets one.
    pub rule_max_days: BTreeMap<String, u32>,
    /// A waiver in use that expires within this many days is an advisory.
    pub warn_days: u32,
    /// Whether a known-exploited exposure may be waived at the critical tier.
    pub known_exploited_at_critical_tier: bool,
}

impl WaiverPolicy {
    /// The longest a waiver of `rule` may run, in days.
    #[must_use]
    pub fn max_days_for(&self, rule: &Rule) -> u32 {
        self.rule_max_days
            .get(&rule.id)
            .or_else(|| self.max_days.get(&rule.severity))
            .copied()
            .unwrap_or(0)
    }
}

/// Someone the bundle allows to approve waivers.
#[derive(Debug, Clone)]
pub struct Approver {
    /// Their name and role.
    pub name: String,
    /// Their Ed25519 public key.
    pub key: assure_trust::keys::PublicKey,
    /// The key's id (hex).
    pub key_id: String,
}

/// A published bundle's verified signatures.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Signed {
    /// The SHA-256 of its `bundle.json`.
    pub manifest_sha256: String,
    /// The trusted keys (key ids) whose signatures verified.
    pub signers: Vec<String>,
    /// When it expires.
    pub expires: String,
}

/// What a published bundle must be verified against.
#[derive(Debug, Clone)]
pub struct TrustConfig {
    /// The public keys trusted to sign bundles.
    pub keys: Vec<assure_trust::keys::PublicKey>,
    /// How many distinct trusted keys must have signed.
    pub threshold: usize,
    /// The anti-rollback state file.
    pub state: std::path::PathBuf,
}
