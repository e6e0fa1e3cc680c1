//! The published JSON Schema of `assure.decision/v1`
//! (docs/schema/assure.decision.v1.schema.json) and what `assure check
//! --format json` writes: every example's decision validates, the schema is
//! itself a valid draft 2020-12 schema, and it refuses what no decision is.

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::path::Path;
use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::common::{assure, root};

const AS_OF: &str = "2025-09-22T00:00:00Z";

fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let path = root().join("docs/schema/assure.decision.v1.schema.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    })
}

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| jsonschema::draft202012::new(schema()).unwrap())
}

/// Every way `decision` breaks the schema, one line each (empty when valid).
fn violations(decision: &Value) -> Vec<String> {
    validator()
        .iter_errors(decision)
        .map(|e| format!("{} at {}: {e}", e.schema_path(), e.instance_path()))
        .collect()
}

pub(crate) fn assert_valid(what: &str, decision: &Value) {
    let problems = violations(decision);
    assert!(
        problems.is_empty(),
        "{what}: the decision breaks the schema:\n{}",
        problems.join("\n")
    );
}

/// `assure check DIR --as-of AS_OF --format json`, asserting the exit code.
fn check_json(folder: &Path, code: i32) -> Value {
    let output = assure()
        .args(["check", "--format", "json", "--as-of", AS_OF])
        .arg(folder)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&output).unwrap()
}

macro_rules! decision_of {
    ($name:ident, $folder:expr, $code:expr) => {
        fn $name() -> &'static Value {
            static DECISION: OnceLock<Value> = OnceLock::new();
            DECISION.get_or_init(|| check_json(&root().join($folder), $code))
        }
    };
}

decision_of!(approved, "examples/approved", 0);
decision_of!(rejected, "examples/rejected", 2);
decision_of!(needs_evidence, "examples/needs-evidence", 3);
decision_of!(every_format, "tests/fixtures/every-format", 2);

#[test]
fn the_schema_is_a_valid_draft_2020_12_schema() {
    assert_eq!(
        schema()["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(
        schema()["$id"],
        "https://assure.dev/schema/assure.decision.v1.schema.json"
    );
    let checked = jsonschema::draft202012::meta::validate(schema()).map_err(|e| e.to_string());
    assert_eq!(checked, Ok(()), "not a valid draft 2020-12 schema");
}

#[test]
fn the_approved_example_validates() {
    assert_eq!(approved()["verdict"], "approve");
    assert_valid("examples/approved", approved());
}

#[test]
fn the_rejected_example_validates() {
    assert_eq!(rejected()["verdict"], "reject");
    assert_valid("examples/rejected", rejected());
}

#[test]
fn the_needs_evidence_example_validates() {
    assert_eq!(needs_evidence()["verdict"], "needs-evidence");
    assert_valid("examples/needs-evidence", needs_evidence());
}

#[test]
fn the_every_format_fixture_validates() {
    // Every evidence format the baseline reads, a document no plugin reads
    // (a document error), VEX statements that match no component, and notes.
    let decision = every_format();
    assert!(!decision["document_errors"].as_array().unwrap().is_empty());
    assert!(
        !decision["unmatched_statements"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_valid("tests/fixtures/every-format", decision);
}

#[test]
fn a_decision_under_a_signed_bundle_validates() {
    // `bundle.signed` is present only for a published bundle: build the
    // baseline as one, sign it, and check the approved example against it.
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    assure()
        .args(["key", "generate", "--out"])
        .arg(path("alice"))
        .assert()
        .success();
    assure()
        .args(["bundle", "build"])
        .arg(root().join("policies/nhs-baseline"))
        .arg("-o")
        .arg(path("nhs.bundle"))
        .arg("--plugin-key")
        .arg(path("alice.key"))
        .args(["--expires", "2027-06-01T00:00:00Z"])
        .args(["--created", "2025-09-01T00:00:00Z"])
        .assert()
        .success();
    assure()
        .args(["bundle", "sign", "--key"])
        .arg(path("alice.key"))
        .arg(path("nhs.bundle"))
        .assert()
        .success();
    let output = assure()
        .args(["check", "--format", "json", "--as-of", AS_OF, "--bundle"])
        .arg(path("nhs.bundle"))
        .arg("--trust")
        .arg(path("alice.pub"))
        .arg("--state")
        .arg(path("state.json"))
        .arg(root().join("examples/approved"))
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let decision: Value = serde_json::from_slice(&output).unwrap();
    assert_eq!(
        decision["bundle"]["signed"]["signers"][0]
            .as_str()
            .map(str::len),
        Some(64)
    );
    assert_valid("examples/approved under a signed bundle", &decision);
}

/// Asserts the schema refuses `decision` for the reason meant: a violation
/// of the keyword `keyword` (the end of its schema path) at `instance` (a
/// JSON Pointer into the decision).
fn assert_refused(what: &str, decision: &Value, keyword: &str, instance: &str) {
    let errors: Vec<(String, String)> = validator()
        .iter_errors(decision)
        .map(|e| (e.schema_path().to_string(), e.instance_path().to_string()))
        .collect();
    assert!(
        errors
            .iter()
            .any(|(schema, at)| schema.ends_with(keyword) && at == instance),
        "the schema should refuse {what} by `{keyword}` at `{instance}`; it says {errors:?}"
    );
}

#[test]
fn an_unknown_member_is_refused() {
    let mut decision = approved().clone();
    decision["confidence"] = json!(0.9);
    assert_refused(
        "a decision with an unknown member",
        &decision,
        "/additionalProperties",
        "",
    );

    // Nested objects are as strict as the top level.
    let mut decision = rejected().clone();
    decision["findings"][0]["subject"]["colour"] = json!("red");
    assert_refused(
        "a finding's subject with an unknown member",
        &decision,
        "/additionalProperties",
        "/findings/0/subject",
    );
}

#[test]
fn an_unknown_verdict_is_refused() {
    let mut decision = needs_evidence().clone();
    decision["verdict"] = json!("maybe");
    assert_refused("the verdict `maybe`", &decision, "/enum", "/verdict");
}

#[test]
fn an_approval_with_a_finding_is_refused() {
    let mut decision = approved().clone();
    let finding = rejected()["findings"][0].clone();
    decision["findings"] = json!([finding]);
    assert_refused(
        "an approve with a blocking finding",
        &decision,
        "/allOf/0/then/properties/findings/items/required",
        "/findings/0",
    );
}

#[test]
fn a_rejection_without_a_finding_is_refused() {
    let mut decision = rejected().clone();
    decision["findings"] = json!([]);
    assert_refused(
        "a reject with no finding",
        &decision,
        "/allOf/1/then/properties/findings/minItems",
        "/findings",
    );
}

#[test]
fn a_rejection_whose_every_finding_is_waived_is_refused() {
    let mut decision = rejected().clone();
    let mark = json!({
        "id": "W-1",
        "digest": "ab".repeat(32),
        "reason": "risk-accepted",
        "justification": "accepted",
        "risk_owner": "CCIO",
        "approved_by": ["A", "B"],
        "expires": "2025-10-20T00:00:00Z",
    });
    for finding in decision["findings"].as_array_mut().unwrap() {
        finding["waiver"] = mark.clone();
    }
    assert_refused(
        "a reject whose findings are all waived",
        &decision,
        "/allOf/1/then/properties/findings/contains",
        "/findings",
    );
}

#[test]
fn a_needs_evidence_with_nothing_undecided_is_refused() {
    let mut decision = needs_evidence().clone();
    decision["missing_evidence"] = json!([]);
    assert_refused(
        "a needs-evidence that names no missing or unreadable evidence",
        &decision,
        "/allOf/2/then/anyOf",
        "",
    );
}

#[test]
fn an_advisory_among_the_blocking_findings_is_refused() {
    let mut decision = rejected().clone();
    let advisory = decision["advisories"][0].clone();
    decision["findings"].as_array_mut().unwrap().push(advisory);
    assert_refused(
        "an advisory finding listed as blocking",
        &decision,
        "/advisory/const",
        "/findings/2/advisory",
    );
}

#[test]
fn a_missing_member_a_bad_digest_and_a_local_time_are_refused() {
    let mut decision = approved().clone();
    decision.as_object_mut().unwrap().remove("inputs");
    assert_refused("a decision without `inputs`", &decision, "/required", "");

    let mut decision = approved().clone();
    decision["bundle"]["digest"] = json!("ABC123");
    assert_refused(
        "a bundle digest that is not lowercase SHA-256 hex",
        &decision,
        "/pattern",
        "/bundle/digest",
    );

    let mut decision = approved().clone();
    decision["evaluated_at"] = json!("2025-09-22T01:00:00+01:00");
    assert_refused(
        "an evaluation time that is not UTC",
        &decision,
        "/pattern",
        "/evaluated_at",
    );

    let mut decision = approved().clone();
    decision["format"] = json!("assure.decision/v2");
    assert_refused("another format id", &decision, "/const", "/format");
}
