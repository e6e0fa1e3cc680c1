//! The waiver document: an in-toto Statement v1 whose predicate
//! (`https://github.com/assure-health/assure/waiver/v1`) names exactly what
//! risk the buyer accepts — the product, the rule and the subject — and why,
//! who owns it, who approved it and until when. It travels in a DSSE
//! envelope signed by the approvers (docs/WAIVERS.md; JSON Schema
//! `docs/schema/assure.waiver.v1.schema.json`).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::submission::sha256_hex;

/// The DSSE payload type of a waiver: an in-toto statement.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// The in-toto Statement v1 type.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// The waiver predicate's type.
pub const PREDICATE_TYPE: &str = "https://github.com/assure-health/assure/waiver/v1";
pub use crate::submission::MAX_WAIVER_BYTES;

/// What a waiver accepts, why, and until when: the predicate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiverPredicate {
    /// The buyer's reference for it (`W-2025-014`).
    pub id: String,
    /// The product (and versions or artefacts) it is for.
    pub product: ProductScope,
    /// The rule whose findings it accepts (`R2.1`).
    pub rule: String,
    /// The finding's subject: an exposure, a component or the product.
    pub subject: WaiverSubject,
    /// Why the risk is accepted.
    pub reason: Reason,
    /// The reason in words.
    pub justification: String,
    /// Who owns the risk (name and role).
    pub risk_owner: String,
    /// What reduces the risk meanwhile.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compensating_controls: Vec<String>,
    /// Who approved it (names and roles); their keys sign the envelope.
    pub approvers: Vec<String>,
    /// When it was made (RFC 3339, UTC): it does not apply before.
    pub created: String,
    /// When it ends (RFC 3339, UTC): it does not apply from then on.
    pub expires: String,
}

/// The product a waiver is for: its name or one of its identifiers, and a
/// version, a version range or the digest of a shipped artefact. Every
/// part given must match the submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductScope {
    /// The product's name, or one of its identifiers (a purl).
    pub identifier: String,
    /// The supplier, when the waiver names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<String>,
    /// Exactly this version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// A semantic version range (`>=4.2.0, <4.3.0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<String>,
    /// The SHA-256 of a shipped artefact (`artifact_sha256` in the manifest).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub artifact_sha256: Vec<String>,
}

impl ProductScope {
    /// The scope in words: `CareFlow Reports 1.3.0`, `CareFlow >=4, <5`,
    /// `CareFlow (artefact sha256:ab12…)`.
    #[must_use]
    pub fn describe(&self) -> String {
        let mut out = self.identifier.clone();
        if let Some(v) = &self.version {
            out.push(' ');
            out.push_str(v);
        }
        if let Some(r) = &self.versions {
            out.push(' ');
            out.push_str(r);
        }
        for digest in &self.artifact_sha256 {
            out.push_str(&format!(
                " (artefact sha256:{})",
                digest.get(..12).unwrap_or(digest)
            ));
        }
        out
    }
}

/// What a waived finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum WaiverSubject {
    /// One vulnerability in one component.
    Exposure {
        /// The vulnerability id (`CVE-2021-44228`).
        vulnerability: String,
        /// The component's package URL.
        component: String,
    },
    /// One component.
    Component {
        /// The component's package URL.
        component: String,
    },
    /// The product itself.
    Product,
}

impl WaiverSubject {
    /// The subject in words.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            WaiverSubject::Exposure {
                vulnerability,
                component,
            } => format!("{vulnerability} in {component}"),
            WaiverSubject::Component { component } => component.clone(),
            WaiverSubject::Product => "the product".to_owned(),
        }
    }
}

/// Why a risk is accepted: a fixed list, so reports and audits can count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// Another control reduces the risk (network isolation, a WAF rule…).
    CompensatingControl,
    /// The supplier has scheduled the fix; the waiver covers the wait.
    FixScheduled,
    /// A fixed pen-test finding awaits its retest.
    AwaitingRetest,
    /// The clinical need outweighs the risk until it can be treated.
    ClinicalNeed,
    /// The risk owner accepts the risk as it is.
    RiskAccepted,
}

impl Reason {
    /// Every reason, in order.
    pub const ALL: [Reason; 5] = [
        Reason::CompensatingControl,
        Reason::FixScheduled,
        Reason::AwaitingRetest,
        Reason::ClinicalNeed,
        Reason::RiskAccepted,
    ];

    /// Its name in documents (`compensating-control`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::CompensatingControl => "compensating-control",
            Reason::FixScheduled => "fix-scheduled",
            Reason::AwaitingRetest => "awaiting-retest",
            Reason::ClinicalNeed => "clinical-need",
            Reason::RiskAccepted => "risk-accepted",
        }
    }

    /// The reason with this name.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The in-toto statement of a waiver, as compact JSON bytes. Its subject is
/// the product's artefacts when the waiver names their digests; otherwise
/// one entry naming the product scope, with the SHA-256 of that name as its
/// digest (in-toto requires one; the engine judges scope by the predicate).
#[must_use]
pub fn statement(predicate: &WaiverPredicate) -> Vec<u8> {
    let name = predicate.product.describe();
    let subject: Vec<Value> = if predicate.product.artifact_sha256.is_empty() {
        vec![json!({ "name": name, "digest": { "sha256": sha256_hex(name.as_bytes()) } })]
    } else {
        predicate
            .product
            .artifact_sha256
            .iter()
            .map(|d| json!({ "name": predicate.product.identifier, "digest": { "sha256": d } }))
            .collect()
    };
    let statement = json!({
        "_type": STATEMENT_TYPE,
        "subject": subject,
        "predicateType": PREDICATE_TYPE,
        "predicate": predicate,
    });
    serde_json::to_vec(&statement).unwrap_or_default()
}

#[derive(Deserialize)]
struct Statement {
    #[serde(rename = "_type")]
    kind: String,
    subject: Vec<Value>,
    #[serde(rename = "predicateType")]
    predicate_type: String,
    predicate: Value,
}

/// Reads a statement's payload as a waiver predicate; the error says what
/// is wrong, in words a person can act on.
pub fn predicate(payload: &[u8]) -> Result<WaiverPredicate, String> {
    let statement: Statement = serde_json::from_slice(payload)
        .map_err(|e| format!("its payload is not an in-toto statement: {e}"))?;
    if statement.kind != STATEMENT_TYPE {
        return Err(format!(
            "its statement type is `{}`, not `{STATEMENT_TYPE}`",
            statement.kind
        ));
    }
    if statement.predicate_type != PREDICATE_TYPE {
        return Err(format!(
            "its predicate type is `{}`, not a waiver (`{PREDICATE_TYPE}`)",
            statement.predicate_type
        ));
    }
    if statement.subject.is_empty() {
        return Err("its statement has no subject".to_owned());
    }
    let predicate: WaiverPredicate = serde_json::from_value(statement.predicate)
        .map_err(|e| format!("its waiver predicate is malformed: {e}"))?;
    check(&predicate)?;
    Ok(predicate)
}

/// What a well-formed predicate must say beyond its shape.
fn check(p: &WaiverPredicate) -> Result<(), String> {
    let mut problems = Vec::new();
    for (field, value) in [
        ("id", &p.id),
        ("rule", &p.rule),
        ("product.identifier", &p.product.identifier),
        ("justification", &p.justification),
        ("risk_owner", &p.risk_owner),
    ] {
        if value.trim().is_empty() {
            problems.push(format!("`{field}` is empty"));
        }
    }
    if p.approvers.iter().all(|a| a.trim().is_empty()) {
        problems.push("`approvers` names nobody".to_owned());
    }
    if p.product.version.is_none()
        && p.product.versions.is_none()
        && p.product.artifact_sha256.is_empty()
    {
        problems.push(
            "`product` gives no `version`, `versions` or `artifact_sha256`: a waiver is for named versions of a product, never all of them".to_owned(),
        );
    }
    if let Some(range) = &p.product.versions
        && semver::VersionReq::parse(range).is_err()
    {
        problems.push(format!(
            "`product.versions` `{range}` is not a version range (e.g. `>=4.2.0, <4.3.0`)"
        ));
    }
    for digest in &p.product.artifact_sha256 {
        if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
            problems.push(format!(
                "`product.artifact_sha256` `{digest}` is not 64 hex digits"
            ));
        }
    }
    match &p.subject {
        WaiverSubject::Exposure {
            vulnerability,
            component,
        } => {
            if vulnerability.trim().is_empty() || component.trim().is_empty() {
                problems
                    .push("an exposure subject names its `vulnerability` and `component`".into());
            }
        }
        WaiverSubject::Component { component } => {
            if component.trim().is_empty() {
                problems.push("a component subject names its `component`".into());
            }
        }
        WaiverSubject::Product => {}
    }
    let created = time(&p.created);
    let expires = time(&p.expires);
    if created.is_none() {
        problems.push(format!(
            "`created` `{}` is not an RFC 3339 date-time",
            p.created
        ));
    }
    if expires.is_none() {
        problems.push(format!(
            "`expires` `{}` is not an RFC 3339 date-time",
            p.expires
        ));
    }
    if let (Some(c), Some(e)) = (created, expires)
        && e <= c
    {
        problems.push(format!(
            "it expires ({}) no later than it was created ({})",
            p.expires, p.created
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// An RFC 3339 date-time.
#[must_use]
pub fn time(text: &str) -> Option<jiff::Timestamp> {
    text.trim().parse().ok()
}

/// A well-formed waiver predicate for unit tests.
#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    pub(crate) fn example() -> WaiverPredicate {
        WaiverPredicate {
            id: "W-2025-014".into(),
            product: ProductScope {
                identifier: "CareFlow Reports".into(),
                supplier: Some("Northwind Health Ltd".into()),
                version: Some("1.3.0".into()),
                versions: None,
                artifact_sha256: Vec::new(),
            },
            rule: "R2.1".into(),
            subject: WaiverSubject::Exposure {
                vulnerability: "CVE-2021-44228".into(),
                component: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1".into(),
            },
            reason: Reason::CompensatingControl,
            justification: "JNDI lookups disabled".into(),
            risk_owner: "Dr A. Patel, CCIO".into(),
            compensating_controls: vec!["no outbound LDAP".into()],
            approvers: vec!["A. Patel".into(), "B. Jones".into()],
            created: "2025-09-20T00:00:00Z".into(),
            expires: "2025-10-20T00:00:00Z".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use super::tests_support::example;
    use super::*;

    #[test]
    fn a_statement_reads_back_as_its_predicate() {
        let p = example();
        assert_eq!(predicate(&statement(&p)).unwrap(), p);
    }

    #[test]
    fn a_waiver_for_every_version_is_refused() {
        let mut p = example();
        p.product.version = None;
        let err = predicate(&statement(&p)).unwrap_err();
        assert!(err.contains("never all of them"), "{err}");
    }

    #[test]
    fn unknown_fields_and_other_predicates_are_refused() {
        let mut value: Value = serde_json::from_slice(&statement(&example())).unwrap();
        value["predicate"]["scope"] = json!("everything");
        let err = predicate(&serde_json::to_vec(&value).unwrap()).unwrap_err();
        assert!(err.contains("unknown field"), "{err}");
        value["predicateType"] = json!("https://slsa.dev/provenance/v1");
        let err = predicate(&serde_json::to_vec(&value).unwrap()).unwrap_err();
        assert!(err.contains("not a waiver"), "{err}");
    }

    #[test]
    fn expiry_before_creation_is_refused() {
        let mut p = example();
        p.expires = "2025-09-01T00:00:00Z".into();
        let err = predicate(&statement(&p)).unwrap_err();
        assert!(err.contains("no later than it was created"), "{err}");
    }
}
