//! The decision: the verdict and everything that explains it.
//!
//! Serialised as JSON it is the engine's stable output format
//! (`assure.decision/v1`): the same inputs and evaluation time give the same
//! bytes.

mod inputs;
mod waivers;

use serde::{Deserialize, Serialize};

use crate::bundle::Severity;
use crate::facts::{FactProblem, FactValue, Superseded};

pub use crate::facts::{DocumentNote, UnmatchedStatement};
pub use crate::position::Region;
pub use inputs::{
    Contribution, DataInput, EntityReport, EvidenceInput, FactsReport, Inputs, PluginInput,
};
pub use waivers::{ApproverRef, WaivedRef, WaiverMark, WaiverReport, WaiverStatus};

/// The format identifier written into every decision.
pub const FORMAT: &str = "assure.decision/v1";

/// The verdict. Fail-closed: approve only when everything was evaluated and
/// nothing blocking fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every rule was evaluated and none blocking fired.
    Approve,
    /// A blocking rule fired.
    Reject,
    /// Nothing rejects, but some rule could not be decided: evidence is
    /// missing, unreadable or contradictory.
    NeedsEvidence,
}

impl Verdict {
    /// The verdict as users read it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Approve => "approve",
            Verdict::Reject => "reject",
            Verdict::NeedsEvidence => "needs-evidence",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A decision about one submission.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Decision {
    /// Always [`FORMAT`].
    pub format: String,
    /// The verdict.
    pub verdict: Verdict,
    /// One sentence saying why.
    pub summary: String,
    /// The product assessed.
    pub product: ProductRef,
    /// The evaluation time (RFC 3339, UTC).
    pub evaluated_at: String,
    /// The engine that decided.
    pub engine: EngineRef,
    /// The bundle whose policies decided.
    pub bundle: BundleRef,
    /// Every rule of the bundle and how it came out, in rule order.
    pub rules: Vec<RuleOutcome>,
    /// Every control the rules implement and how it came out.
    pub controls: Vec<ControlOutcome>,
    /// Blocking findings: each one rejects, unless a waiver accepted it
    /// (then it stays here, marked `waiver`).
    pub findings: Vec<Finding>,
    /// Advisory findings: reported, never blocking.
    pub advisories: Vec<Finding>,
    /// Evidence that is missing, and the rules waiting on it.
    pub missing_evidence: Vec<MissingEvidence>,
    /// Documents that could not be read: no plugin for them, or the plugin failed.
    pub document_errors: Vec<DocumentError>,
    /// Facts that were undeclared, ill-typed or contradictory.
    pub fact_problems: Vec<FactProblem>,
    /// Rules that failed to evaluate for a reason other than missing evidence.
    pub evaluation_errors: Vec<EvaluationError>,
    /// What plugins noticed that a person should see.
    pub notes: Vec<DocumentNote>,
    /// VEX statements that name no component of any submitted SBOM: reported,
    /// not dropped (their rules still judge them, against the product).
    pub unmatched_statements: Vec<UnmatchedStatement>,
    /// VEX statements replaced by a later one from another document.
    pub superseded: Vec<Superseded>,
    /// Every fact the rules saw, with where it came from, and what each
    /// plugin contributed from each document.
    pub facts: FactsReport,
    /// Every input, with its digest.
    pub inputs: Inputs,
    /// How many (policy, subject) pairs Cedar evaluated: every policy of the
    /// bundle, permit and forbid, once per request (the product, and each
    /// item a per-item rule judges). A rule's own count is in `rules`.
    pub evaluations: usize,
    /// Every waiver presented with the check, and what became of it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<WaiverReport>,
}

impl Decision {
    /// The blocking findings no waiver accepted: the ones that reject.
    pub fn blocking(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.waiver.is_none())
    }

    /// The findings, blocking and advisory, a waiver accepted.
    pub fn waived(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .chain(&self.advisories)
            .filter(|f| f.waiver.is_some())
    }

    /// The waivers that waived something.
    pub fn applied_waivers(&self) -> impl Iterator<Item = &WaiverReport> {
        self.waivers
            .iter()
            .filter(|w| w.status == WaiverStatus::Applied)
    }
}

/// The product assessed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProductRef {
    /// Its name.
    pub name: String,
    /// The version submitted.
    pub version: String,
    /// Its supplier.
    pub supplier: String,
    /// Its other identifiers from the manifest (purl, CPE, UDI…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<String>,
    /// The criticality tier its rules were applied at.
    pub criticality: CriticalityRef,
}

/// The criticality tier the rules applied (`context.profile.tier`), and
/// both sides of it, so a reader sees why a tier's rules applied.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CriticalityRef {
    /// The tier applied: the stricter of the claimed and the implied.
    pub tier: crate::submission::Tier,
    /// The tier the profile claims (`criticality`); `critical` when
    /// unanswered.
    pub claimed: crate::submission::Tier,
    /// The tier the profile's other answers imply (an unanswered one
    /// counts as its strictest answer).
    pub implied: crate::submission::Tier,
}

/// The engine.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EngineRef {
    /// "assure".
    pub name: String,
    /// The engine's version.
    pub version: String,
}

/// The bundle.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BundleRef {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: u64,
    /// The SHA-256 of its file list.
    pub digest: String,
    /// For a published bundle: its `bundle.json` digest, the trusted keys
    /// that signed it, and its expiry. Absent for the built-in bundle, which
    /// is trusted by the digest pinned in the binary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed: Option<crate::bundle::Signed>,
}

/// What a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Subject {
    /// "Product", "Component", ...
    pub kind: String,
    /// The entity's id (a component's purl where it has one).
    pub id: String,
}

/// What identifies a finding's subject to a person. Only what the evidence
/// states is present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectDetails {
    /// The name (a component's, or the product's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// A component's package URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    /// An exposure's vulnerability id (`CVE-2021-44228`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerability: Option<String>,
    /// An exposure's VEX status (`affected`, `not_affected`, `fixed`,
    /// `under_investigation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vex_status: Option<String>,
    /// Whether the reference data lists the vulnerability as known exploited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known_exploited: Option<bool>,
    /// The components an exposure concerns (their purls, or ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<String>,
}

/// How a rule came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// A blocking rule fired on at least one subject.
    Failed,
    /// The rule fired, and a waiver accepted every finding.
    Waived,
    /// An advisory rule fired: reported, not blocking.
    Advised,
    /// The rule could not be decided on at least one subject (and fired on none).
    Undecided,
    /// The rule was evaluated on every subject it applies to and fired on none.
    Passed,
    /// There was nothing for the rule to judge (a per-item rule, no items).
    NotApplicable,
}

impl Outcome {
    /// The outcome as users read it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Failed => "failed",
            Outcome::Waived => "waived",
            Outcome::Advised => "advised",
            Outcome::Undecided => "undecided",
            Outcome::Passed => "passed",
            Outcome::NotApplicable => "not-applicable",
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule of the bundle and how it came out.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RuleOutcome {
    /// The rule's id.
    pub rule: String,
    /// Its title.
    pub title: String,
    /// How serious a finding is.
    pub severity: Severity,
    /// The controls it implements.
    pub controls: Vec<String>,
    /// Whether it only advises.
    pub advisory: bool,
    /// The policy file it is in.
    pub file: String,
    /// How it came out.
    pub outcome: Outcome,
    /// On how many subjects it was evaluated.
    pub evaluated: usize,
    /// On how many it fired.
    pub fired: usize,
    /// On how many it could not be decided.
    pub undecided: usize,
}

/// One control and how the rules implementing it came out.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ControlOutcome {
    /// The control as the rules cite it (`DTAC v2 C3.3`).
    pub control: String,
    /// The framework it belongs to (`DTAC`, `DSPT`, `Cyber Essentials`, `SSCoP`…).
    pub framework: String,
    /// The worst outcome of its rules: failed, undecided, passed (an advisory
    /// rule that fired leaves a control `advised`), or not-applicable.
    pub outcome: Outcome,
    /// The rules implementing it, in rule order.
    pub rules: Vec<String>,
}

/// The framework a control belongs to: its first word and the words after
/// it before one holding a digit (`DTAC v2 C3.3` → `DTAC`, `MDS2 AUDT-1` →
/// `MDS2`, `NHS supplier charter 5` → `NHS supplier charter`). An RFC keeps
/// its number (`RFC 9116`).
pub fn framework(control: &str) -> String {
    let mut words = control.split_whitespace();
    let Some(first) = words.next() else {
        return String::new();
    };
    if first == "RFC" {
        return control.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    let mut out = vec![first];
    out.extend(words.take_while(|w| !w.chars().any(|c| c.is_ascii_digit())));
    out.join(" ")
}

/// A key that orders rule ids as people do: R2 before R10, R5.2 before R5.10.
pub fn natural_key(id: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut text = String::new();
    let mut number: Option<u64> = None;
    for c in id.chars() {
        match (c.to_digit(10), &mut number) {
            (Some(d), Some(n)) => *n = n.saturating_mul(10).saturating_add(u64::from(d)),
            (Some(d), None) => number = Some(u64::from(d)),
            (None, _) => {
                if let Some(n) = number.take() {
                    key.push((std::mem::take(&mut text), n));
                }
                text.push(c);
            }
        }
    }
    key.push((text, number.unwrap_or(0)));
    key
}

/// A rule that fired, on one subject, with the evidence that made it fire.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    /// The rule's id.
    pub rule: String,
    /// The rule's title.
    pub title: String,
    /// How serious.
    pub severity: Severity,
    /// The controls the rule implements.
    pub controls: Vec<String>,
    /// The strategy pillar it serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pillar: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub remediation: String,
    /// Whether it only advises.
    pub advisory: bool,
    /// What it is about.
    pub subject: Subject,
    /// What identifies the subject to a person: a component's name, version
    /// and purl; an exposure's vulnerability, VEX status and components.
    pub subject_details: SubjectDetails,
    /// The facts the rule read, and where each came from.
    pub evidence: Vec<Citation>,
    /// The waiver that accepted it, if one did: it then does not block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverMark>,
}

/// A fact a rule read, with where it came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Citation {
    /// The fact's path (`sbom.purl_percent`).
    pub fact: String,
    /// Its value.
    pub value: FactValue,
    /// The evidence file.
    pub document: String,
    /// Its SHA-256.
    pub document_sha256: String,
    /// The plugin that read it.
    pub plugin: String,
    /// A JSON Pointer or `line N` into the document; empty for the whole document.
    pub location: String,
    /// Where the pointed-at value is in the document's text, when the
    /// location is a JSON Pointer found in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
}

/// Why a document could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentErrorKind {
    /// No plugin in the bundle reads its media type.
    Unrecognised,
    /// Its plugin could not be loaded or did not complete.
    Plugin,
    /// Its plugin refused it as malformed.
    Invalid,
    /// Reading it broke a limit.
    Limit,
    /// Its plugin faulted.
    Fault,
}

impl DocumentErrorKind {
    /// Its name in decisions (`unrecognised`, `invalid`…).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentErrorKind::Unrecognised => "unrecognised",
            DocumentErrorKind::Plugin => "plugin",
            DocumentErrorKind::Invalid => "invalid",
            DocumentErrorKind::Limit => "limit",
            DocumentErrorKind::Fault => "fault",
        }
    }
}

impl PartialEq<&str> for DocumentErrorKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for DocumentErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Evidence the rules need and the submission does not give.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MissingEvidence {
    /// The evidence kind (`sbom`): the first part of the fact paths.
    pub evidence: String,
    /// Its name.
    pub title: String,
    /// What to provide.
    pub ask: String,
    /// The facts missing.
    pub facts: Vec<String>,
    /// The rules that could not be decided without it.
    pub rules: Vec<String>,
    /// The subjects concerned.
    pub subjects: Vec<Subject>,
}

/// A document that could not be read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocumentError {
    /// The evidence file.
    pub document: String,
    /// Its SHA-256.
    pub sha256: String,
    /// Its media type.
    pub media_type: String,
    /// The plugin that tried, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugin: Option<String>,
    /// `unrecognised`, `invalid`, `limit`, `fault` or `plugin`.
    pub kind: DocumentErrorKind,
    /// What went wrong.
    pub message: String,
    /// Where in the document, if known.
    pub location: String,
    /// Where that is in the document's text, when it is a JSON Pointer
    /// found in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
}

/// A rule that failed to evaluate.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EvaluationError {
    /// The rule.
    pub rule: String,
    /// The subject.
    pub subject: Subject,
    /// Cedar's error.
    pub message: String,
}

impl Decision {
    /// The decision as pretty JSON, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_default();
        out.push('\n');
        out
    }
}
