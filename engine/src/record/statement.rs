//! The statement a decision record signs, and signing it.

use std::collections::BTreeMap;

use assure_trust::dsse::{self, Envelope};
use assure_trust::keys::PrivateKey;
use serde_json::{Value, json};

use crate::decision::{Decision, Finding, Outcome, Verdict};
use crate::submission::{MANIFEST, sha256_hex};

/// The DSSE payload type of an in-toto statement.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// The in-toto Statement v1 type.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// The SLSA Verification Summary v1 predicate type.
pub const PREDICATE_TYPE: &str = "https://slsa.dev/verification_summary/v1";
/// The format of assure's extension inside the predicate.
pub const EXTENSION_FORMAT: &str = "assure.decision-record/v1";
/// Who verifies: the `verifier.id` of every record.
pub const VERIFIER_ID: &str = "https://github.com/assure-health/assure";
/// The largest envelope `assure verify` reads.
pub const MAX_ENVELOPE_BYTES: u64 = 64 * 1024 * 1024;

/// The in-toto statement of a decision, as JSON bytes (compact, members in a
/// fixed order).
pub fn statement(decision: &Decision) -> Vec<u8> {
    let mut subjects = vec![json!({
        "name": MANIFEST,
        "digest": { "sha256": decision.inputs.manifest_sha256 },
    })];
    for evidence in &decision.inputs.evidence {
        subjects.push(json!({
            "name": evidence.path,
            "digest": { "sha256": evidence.sha256 },
        }));
    }
    let passed = decision.verdict == Verdict::Approve;
    let mut policy = json!({
        "uri": format!("assure-bundle:{}@{}", decision.bundle.name, decision.bundle.version),
        "name": decision.bundle.name,
        "digest": { "sha256": decision.bundle.digest },
        "annotations": { "version": decision.bundle.version },
    });
    if let Some(signed) = &decision.bundle.signed
        && let Some(annotations) = policy.get_mut("annotations").and_then(Value::as_object_mut)
    {
        annotations.insert("bundle_json_sha256".into(), json!(signed.manifest_sha256));
        annotations.insert("signers".into(), json!(signed.signers));
        annotations.insert("expires".into(), json!(signed.expires));
    }
    let predicate = json!({
        "verifier": {
            "id": VERIFIER_ID,
            "version": { "assure": decision.engine.version },
        },
        "timeVerified": decision.evaluated_at,
        "resourceUri": resource_uri(decision),
        "policy": policy,
        "verificationResult": if passed { "PASSED" } else { "FAILED" },
        // assure judges a procurement policy, not a SLSA track: no track
        // level is claimed. The verdict is in `verificationResult` and `assure`.
        "verifiedLevels": [],
        "assure": extension(decision),
    });
    let statement = json!({
        "_type": STATEMENT_TYPE,
        "subject": subjects,
        "predicateType": PREDICATE_TYPE,
        "predicate": predicate,
    });
    serde_json::to_vec(&statement).unwrap_or_default()
}

/// The product as a URI: its first package URL, else a generic one.
fn resource_uri(decision: &Decision) -> String {
    if let Some(purl) = decision
        .product
        .identifiers
        .iter()
        .find(|i| i.starts_with("pkg:"))
    {
        return purl.clone();
    }
    format!(
        "pkg:generic/{}@{}",
        percent(&decision.product.name),
        percent(&decision.product.version)
    )
}

/// Percent-encodes all but the purl-safe characters.
fn percent(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b".-_~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn finding(f: &Finding) -> Value {
    let mut value = json!({
        "rule": f.rule,
        "title": f.title,
        "severity": f.severity,
        "controls": f.controls,
        "message": f.message,
        "remediation": f.remediation,
        "subject": f.subject,
        "subject_details": f.subject_details,
        "evidence": f.evidence.iter().map(|c| json!({
            "document": c.document,
            "sha256": c.document_sha256,
            "location": c.location,
            "fact": c.fact,
            "value": c.value,
            "plugin": c.plugin,
        })).collect::<Vec<_>>(),
    });
    if let (Some(mark), Some(object)) = (&f.waiver, value.as_object_mut()) {
        object.insert(
            "waiver".into(),
            json!({ "id": mark.id, "digest": mark.digest, "expires": mark.expires }),
        );
    }
    value
}

/// Each waiver presented: its digest, what became of it, who approved it,
/// and the file itself (base64), so that replay judges the same waivers.
fn waivers(decision: &Decision) -> Value {
    use base64::Engine as _;
    decision
        .waivers
        .iter()
        .map(|w| {
            json!({
                "file": w.file,
                "digest": w.digest,
                "id": w.waiver.as_ref().map(|p| p.id.as_str()),
                "rule": w.waiver.as_ref().map(|p| p.rule.as_str()),
                "status": w.status,
                "approved_by": w.approved_by,
                "expires": w.waiver.as_ref().map(|p| p.expires.as_str()),
                "content": base64::engine::general_purpose::STANDARD.encode(&w.content),
            })
        })
        .collect()
}

fn extension(decision: &Decision) -> Value {
    let mut outcomes: BTreeMap<&'static str, usize> = BTreeMap::new();
    for rule in &decision.rules {
        *outcomes.entry(rule.outcome.as_str()).or_insert(0) += 1;
    }
    let failed_controls: Vec<&str> = decision
        .controls
        .iter()
        .filter(|c| c.outcome == Outcome::Failed)
        .map(|c| c.control.as_str())
        .collect();
    json!({
        "format": EXTENSION_FORMAT,
        "verdict": decision.verdict,
        "summary": decision.summary,
        "product": decision.product,
        "evaluated_at": decision.evaluated_at,
        "engine": decision.engine,
        "bundle": decision.bundle,
        "reference_data": decision.inputs.reference_data,
        "plugins": decision.inputs.plugins,
        "decision_sha256": sha256_hex(decision.to_json().as_bytes()),
        "rule_outcomes": outcomes,
        "failed_controls": failed_controls,
        "findings": decision.findings.iter().map(finding).collect::<Vec<_>>(),
        "advisories": decision.advisories.iter().map(finding).collect::<Vec<_>>(),
        "waivers": waivers(decision),
        "missing_evidence": decision.missing_evidence.iter().map(|m| json!({
            "evidence": m.evidence,
            "title": m.title,
            "ask": m.ask,
            "rules": m.rules,
        })).collect::<Vec<_>>(),
        "document_errors": decision.document_errors.iter().map(|e| json!({
            "document": e.document,
            "sha256": e.sha256,
            "kind": e.kind,
            "message": e.message,
        })).collect::<Vec<_>>(),
    })
}

/// The decision record: the statement in a DSSE envelope signed by `key`.
pub fn sign(decision: &Decision, key: &PrivateKey) -> Envelope {
    let mut envelope = Envelope::new(PAYLOAD_TYPE, &statement(decision));
    dsse::sign(&mut envelope, key);
    envelope
}
