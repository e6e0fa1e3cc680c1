//! `assure check` on many submissions at once: one line each, in the order
//! given, a combined report, and the worst outcome as the exit code.

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use assert_cmd::Command;
use predicates::prelude::*;

use crate::common;
use crate::common::root;

/// `assure`, run from the repository root (the batch tests name submissions
/// by relative paths).
fn assure() -> Command {
    let mut cmd = common::assure();
    cmd.current_dir(root());
    cmd
}

const AS_OF: &str = "2025-09-22T00:00:00Z";

#[test]
fn a_folder_of_submissions_gives_one_line_each_in_order_and_the_worst_exit() {
    let output = assure()
        .args(["check", "examples", "--as-of", AS_OF])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(output).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("approve         examples/approved "),
        "{text}"
    );
    assert!(lines[0].contains("CareFlow 4.2.0"), "{text}");
    // assure checking itself (see cli/tests/integration/self_check.rs).
    assert!(
        lines[1].starts_with("reject          examples/assure-self "),
        "{text}"
    );
    assert!(lines[1].contains("R5.1"), "{text}");
    assert!(
        lines[2].starts_with("needs-evidence  examples/needs-evidence "),
        "{text}"
    );
    assert!(
        lines[3].starts_with("reject          examples/rejected "),
        "{text}"
    );
    assert!(lines[3].contains("R1, R2.1"), "{text}");
    assert!(
        text.contains("4 submissions: 1 approve, 2 reject, 1 needs-evidence, 0 error(s)"),
        "{text}"
    );
}

#[test]
fn a_submission_that_cannot_be_checked_is_a_line_and_exit_1_the_rest_are_decided() {
    assure()
        .args([
            "check",
            "--as-of",
            AS_OF,
            "examples/approved",
            "examples/absent",
        ])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("approve         examples/approved")
                .and(predicate::str::contains("error           examples/absent"))
                .and(predicate::str::contains(
                    "1 approve, 0 reject, 0 needs-evidence, 1 error(s)",
                )),
        );
}

#[test]
fn the_combined_json_holds_every_decision_and_the_counts() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("batch.xml");
    let output = assure()
        .args(["check", "--as-of", AS_OF, "--format", "json", "--jobs", "2"])
        .arg("--output")
        .arg(format!("junit={}", junit.display()))
        .args(["examples/rejected", "examples/approved"])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let batch: serde_json::Value = serde_json::from_slice(&output).unwrap();
    assert_eq!(batch["format"], "assure.batch/v1");
    // It is what its published schema says, and reads back as the library's type.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/schema/assure.batch.v1.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let problems: Vec<String> = validator
        .iter_errors(&batch)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let typed: assure_report::batch::BatchReport = serde_json::from_slice(&output).unwrap();
    assert_eq!(typed.counts.reject, 1);
    assert_eq!(
        typed.to_json().as_bytes(),
        output.as_slice(),
        "it reads back byte for byte"
    );
    assert_eq!(batch["counts"]["reject"], 1);
    assert_eq!(batch["counts"]["approve"], 1);
    assert_eq!(batch["submissions"][0]["path"], "examples/rejected");
    assert_eq!(batch["submissions"][0]["decision"]["verdict"], "reject");
    assert_eq!(batch["submissions"][1]["decision"]["verdict"], "approve");
    // The same decision as checking the submission alone.
    let alone = assure()
        .args([
            "check",
            "--as-of",
            AS_OF,
            "--format",
            "json",
            "examples/rejected",
        ])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let alone: serde_json::Value = serde_json::from_slice(&alone).unwrap();
    assert_eq!(batch["submissions"][0]["decision"], alone);

    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let suites: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 2);
    // Each suite, and each of its cases, names its submission.
    assert!(
        suites[0]
            .attribute("name")
            .unwrap()
            .starts_with("examples/rejected: nhs-baseline")
    );
    assert!(
        suites[1]
            .attribute("name")
            .unwrap()
            .starts_with("examples/approved: nhs-baseline")
    );
    let rules = alone["rules"].as_array().unwrap().len();
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    // One per rule and one for the evidence, per submission.
    assert_eq!(cases.len(), 2 * (rules + 1));
    assert!(
        cases[0]
            .attribute("classname")
            .unwrap()
            .starts_with("examples/rejected.nhs-baseline.")
    );
    let failures = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(failures, 2, "R1 and R2.1 in the rejected submission");
    assert_eq!(doc.root_element().attribute("failures"), Some("2"), "{xml}");
}

#[test]
fn the_batch_schema_refuses_what_no_batch_is() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/schema/assure.batch.v1.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let counts = serde_json::json!({
        "approve": 0, "reject": 0, "needs-evidence": 0, "error": 1, "not-checked": 0
    });
    let batch = |submission: serde_json::Value| {
        serde_json::json!({
            "format": "assure.batch/v1",
            "evaluated_at": AS_OF,
            "counts": counts,
            "submissions": [submission],
        })
    };
    let error =
        batch(serde_json::json!({ "path": "a", "verdict": "error", "error": "unreadable" }));
    assert!(validator.is_valid(&error));
    // An error without its reason, an approve without its decision, a
    // verdict no batch gives.
    for wrong in [
        serde_json::json!({ "path": "a", "verdict": "error" }),
        serde_json::json!({ "path": "a", "verdict": "approve", "summary": "ok" }),
        serde_json::json!({ "path": "a", "verdict": "approved", "error": "x" }),
        serde_json::json!({ "path": "a", "verdict": "error", "error": "x", "decision": {} }),
    ] {
        assert!(!validator.is_valid(&batch(wrong.clone())), "{wrong}");
    }
}

#[test]
fn a_folder_with_no_submissions_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    assure()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "holds no submission.toml, and no folder directly inside it does",
        ));
}

#[test]
fn a_batch_cannot_sign_one_record_or_write_per_submission_reports() {
    let dir = tempfile::tempdir().unwrap();
    assure()
        .args(["key", "generate", "--out"])
        .arg(dir.path().join("k"))
        .assert()
        .success();
    assure()
        .args(["check", "examples", "--attest"])
        .arg(dir.path().join("d.json"))
        .arg("--key")
        .arg(dir.path().join("k.key"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("`--attest` signs one decision"));
    assure()
        .args(["check", "examples", "--format", "sarif"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "sarif reports are made one submission at a time",
        ));
}

#[test]
fn a_tampered_submission_in_a_batch_is_a_trust_failure() {
    // One evidence file altered after its digest was declared: exit 4, as
    // for a single check, and the rest are still decided.
    let dir = tempfile::tempdir().unwrap();
    let tampered = dir.path().join("tampered");
    std::fs::create_dir(&tampered).unwrap();
    for entry in std::fs::read_dir(root().join("examples/approved")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), tampered.join(entry.file_name())).unwrap();
    }
    let mut sbom = std::fs::read(tampered.join("sbom.cdx.json")).unwrap();
    sbom.push(b'\n');
    std::fs::write(tampered.join("sbom.cdx.json"), sbom).unwrap();
    assure()
        .args(["check", "--as-of", AS_OF, "examples/approved"])
        .arg(&tampered)
        .assert()
        .code(4)
        .stdout(
            predicate::str::contains("approve         examples/approved")
                .and(predicate::str::contains("SHA-256 mismatch")),
        );
}

#[test]
fn the_batch_markdown_table_keeps_supplier_text_inert() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("hostile");
    std::fs::create_dir(&sub).unwrap();
    for entry in std::fs::read_dir(root().join("examples/approved")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), sub.join(entry.file_name())).unwrap();
    }
    let manifest = sub.join("submission.toml");
    let text = std::fs::read_to_string(&manifest).unwrap().replacen(
        "name = \"CareFlow\"",
        "name = \"CareFlow | ![x](https://tracker.example/p.png) @org/team\"",
        1,
    );
    std::fs::write(&manifest, text).unwrap();
    let output = assure()
        .args([
            "check",
            "--as-of",
            AS_OF,
            "--format",
            "markdown",
            "examples/approved",
        ])
        .arg(&sub)
        .assert()
        .get_output()
        .stdout
        .clone();
    let markdown = String::from_utf8(output).unwrap();
    let row = markdown.lines().find(|l| l.contains("hostile")).unwrap();
    // Five unescaped pipes: four cells.
    assert_eq!(row.replace("\\|", "").matches('|').count(), 5, "{row}");
    assert!(!row.contains("![x]"), "{row}");
    assert!(!row.contains("https://"), "{row}");
    assert!(!row.contains("@org"), "{row}");
}
