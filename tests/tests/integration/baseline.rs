//! The NHS baseline through the whole engine: the R1 matrix in two VEX
//! dialects, single rules on real documents, and missing evidence named.

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::path::Path;

use assure_engine::{Decision, Verdict};
use assure_tests::{builtin_engine, check, root};
use serde_json::{Value, json};

/// An SBOM of product DEF 1.0 that ships log4j-core 2.14.1.
fn log4shell_sbom() -> Value {
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "version": 1,
        "metadata": {
            "timestamp": "2026-10-01T00:00:00Z",
            "supplier": {"name": "Example Company"},
            "component": {"type": "application", "name": "DEF", "version": "1.0", "bom-ref": "product-DEF"}
        },
        "components": [{
            "type": "library",
            "bom-ref": "log4j-core",
            "group": "org.apache.logging.log4j",
            "name": "log4j-core",
            "version": "2.14.1",
            "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            "hashes": [{"alg": "SHA-256", "content": "ade7402a70667a727635d5c4c29495f4ff96f061f12539763f6f123973b465b0"}]
        }],
        "dependencies": [
            {"ref": "product-DEF", "dependsOn": ["log4j-core"]},
            {"ref": "log4j-core", "dependsOn": []}
        ]
    })
}

/// A CycloneDX VEX statement on log4j-core in `state`.
fn cyclonedx_vex(state: &str) -> Value {
    let mut analysis = json!({"state": state});
    if state == "not_affected" {
        analysis["justification"] = json!("code_not_reachable");
    }
    if state == "exploitable" {
        analysis["response"] = json!(["update"]);
    }
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "vulnerabilities": [{
            "id": "CVE-2021-44228",
            "ratings": [{"score": 10.0, "severity": "critical", "method": "CVSSv31"}],
            "analysis": analysis,
            "affects": [{"ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#log4j-core"}]
        }]
    })
}

/// The OASIS CSAF VEX example, made to state `status` for log4j-core.
fn csaf_vex(status: &str) -> Value {
    let fixture = root().join("plugins/csaf/tests/fixtures/csaf2.0-vex_2022-evd-uc-01-a-001.json");
    let mut doc: Value = serde_json::from_slice(&std::fs::read(fixture).unwrap()).unwrap();
    // The product: log4j-core, identified by its purl.
    let product = &mut doc["product_tree"]["branches"][0]["branches"][0]["branches"][0]["product"];
    product["product_identification_helper"] =
        json!({"purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"});
    let vulnerability = &mut doc["vulnerabilities"][0];
    vulnerability["product_status"] = json!({ status: ["CSAFPID-0001"] });
    if status == "known_not_affected" {
        vulnerability["flags"] = json!([{"label": "vulnerable_code_not_in_execute_path", "product_ids": ["CSAFPID-0001"]}]);
        vulnerability["threats"] = json!([]);
    }
    if status != "known_affected" {
        vulnerability["remediations"] = json!([]);
    }
    doc
}

/// A submission of DEF 1.0 with these documents.
fn decide(documents: &[(&str, Value)]) -> Decision {
    let dir = tempfile::tempdir().unwrap();
    let mut manifest = String::from(
        "[product]\nname = \"DEF\"\nversion = \"1.0\"\nsupplier = \"Example Company\"\n",
    );
    for (name, doc) in documents {
        std::fs::write(
            dir.path().join(name),
            serde_json::to_vec_pretty(doc).unwrap(),
        )
        .unwrap();
        manifest.push_str(&format!("\n[[evidence]]\npath = \"{name}\"\n"));
    }
    std::fs::write(dir.path().join("submission.toml"), manifest).unwrap();
    check(builtin_engine().unwrap(), Path::new(dir.path())).unwrap()
}

fn fired_on_exposure(decision: &Decision, rule: &str) -> bool {
    decision
        .findings
        .iter()
        .any(|f| f.rule == rule && f.subject.kind == "Exposure")
}

#[test]
fn r1_matrix_in_cyclonedx_and_csaf_vex() {
    // (CycloneDX state, CSAF status, does R1 fire?)
    let matrix = [
        ("exploitable", "known_affected", true),
        ("resolved", "fixed", false),
        ("not_affected", "known_not_affected", false),
        ("in_triage", "under_investigation", true),
    ];
    for (state, status, fires) in matrix {
        for (dialect, vex) in [
            ("cyclonedx", ("vex.cdx.json", cyclonedx_vex(state))),
            ("csaf", ("vex.csaf.json", csaf_vex(status))),
        ] {
            let decision = decide(&[("sbom.cdx.json", log4shell_sbom()), vex]);
            assert!(
                decision.document_errors.is_empty(),
                "{dialect} {state}: {:?}",
                decision.document_errors
            );
            // The statement is joined to the component and the catalogue.
            let exposure = decision
                .facts
                .entities
                .iter()
                .find(|e| e.kind == "Exposure")
                .unwrap();
            assert!(
                exposure
                    .parents
                    .iter()
                    .any(|p| p
                        .starts_with("Component[pkg:maven/org.apache.logging.log4j/log4j-core")),
                "{dialect} {state}: {:?}",
                exposure.parents
            );
            assert_eq!(
                fired_on_exposure(&decision, "R1"),
                fires,
                "{dialect} {state}: R1 {}",
                if fires {
                    "should fire"
                } else {
                    "should be silent"
                }
            );
            if fires {
                assert_eq!(decision.verdict, Verdict::Reject, "{dialect} {state}");
                let finding = decision.findings.iter().find(|f| f.rule == "R1").unwrap();
                // The finding names the exposure and cites the statement.
                assert!(finding.subject.id.starts_with("CVE-2021-44228 @ "));
                assert!(
                    finding
                        .evidence
                        .iter()
                        .any(|c| c.document.starts_with("vex."))
                );
            } else {
                assert_ne!(
                    decision.verdict,
                    Verdict::Approve,
                    "other evidence is missing"
                );
                assert!(decision.findings.iter().all(|f| f.rule != "R1"));
            }
        }
    }
}

#[test]
fn not_affected_without_justification_fires_r3() {
    let mut vex = cyclonedx_vex("not_affected");
    vex["vulnerabilities"][0]["analysis"] = json!({"state": "not_affected"});
    let decision = decide(&[("sbom.cdx.json", log4shell_sbom()), ("vex.cdx.json", vex)]);
    assert!(
        fired_on_exposure(&decision, "R3.1"),
        "{:?}",
        decision.findings
    );
    assert_eq!(decision.verdict, Verdict::Reject);
}

/// A submission of one document, checked as of `as_of`.
fn decide_as_of(path: &str, as_of: &str) -> Decision {
    let dir = tempfile::tempdir().unwrap();
    let name = Path::new(path)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    std::fs::copy(root().join(path), dir.path().join(&name)).unwrap();
    std::fs::write(
        dir.path().join("submission.toml"),
        format!(
            "[product]\nname = \"CareFlow\"\nversion = \"4.2.0\"\nsupplier = \"Northwind Health Ltd\"\n\n\
             [profile]\npatient_data = true\n\n[[evidence]]\npath = \"{name}\"\n"
        ),
    )
    .unwrap();
    let submission = assure_engine::Submission::load(dir.path(), &Default::default()).unwrap();
    builtin_engine()
        .unwrap()
        .check(
            &submission,
            &assure_engine::CheckOptions::at(as_of.parse().unwrap()),
        )
        .unwrap()
        .0
}

fn fired(decision: &Decision, rule: &str) -> bool {
    decision
        .findings
        .iter()
        .chain(&decision.advisories)
        .any(|f| f.rule == rule)
}

#[test]
fn an_expired_cyber_essentials_certificate_fires_r6_relative_to_as_of() {
    // Issued 2025-11-03, valid for 12 months.
    let path = "plugins/cyber-essentials/examples/northwind-ce-plus-2025.json";
    let valid = decide_as_of(path, "2026-06-01T00:00:00Z");
    assert!(!fired(&valid, "R6.1"), "{:?}", valid.findings);
    assert!(!fired(&valid, "R6.3") && !fired(&valid, "R6.4"));
    let expired = decide_as_of(path, "2026-11-28T00:00:00Z");
    assert!(fired(&expired, "R6.1"));
    assert_eq!(expired.verdict, Verdict::Reject);
    let finding = expired.findings.iter().find(|f| f.rule == "R6.1").unwrap();
    assert!(
        finding
            .evidence
            .iter()
            .any(|c| c.fact == "cyber_essentials.expires"
                && c.document == "northwind-ce-plus-2025.json"),
        "{:?}",
        finding.evidence
    );
    // Within 30 days of expiry: R6.2.
    let soon = decide_as_of(path, "2026-10-20T00:00:00Z");
    assert!(fired(&soon, "R6.2") && !fired(&soon, "R6.1"));
}

#[test]
fn a_pen_test_four_hundred_days_old_fires_r7() {
    // Tested 2026-01-19.
    let path = "plugins/pentest/examples/careflow-pentest-2026.json";
    let recent = decide_as_of(path, "2026-11-28T00:00:00Z");
    assert!(!fired(&recent, "R7.1"), "{:?}", recent.findings);
    let old = decide_as_of(path, "2027-02-23T00:00:00Z"); // 400 days later
    assert!(fired(&old, "R7.1"));
    assert_eq!(old.verdict, Verdict::Reject);
}

#[test]
fn missing_evidence_names_the_kind_and_the_rules_waiting() {
    let decision = decide_as_of(
        "plugins/pentest/examples/careflow-pentest-2026.json",
        "2026-11-28T00:00:00Z",
    );
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
    let kinds: Vec<&str> = decision
        .missing_evidence
        .iter()
        .map(|m| m.evidence.as_str())
        .collect();
    for kind in [
        "sbom",
        "dtac",
        "cyber_essentials",
        "security_txt",
        "provenance",
        "scorecard",
    ] {
        assert!(kinds.contains(&kind), "{kind} not in {kinds:?}");
    }
    let ce = decision
        .missing_evidence
        .iter()
        .find(|m| m.evidence == "cyber_essentials")
        .unwrap();
    assert!(ce.rules.iter().any(|r| r == "R6.1"));
    assert_eq!(ce.title, "Cyber Essentials certificate");
}
