//! VEX statements through the engine: each dialect normalised to one status
//! model, joined to the component or product it names and to the
//! known-exploited catalogue; statements naming nothing submitted reported.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::path::Path;

use assure_engine::Decision;
use assure_engine::decision::EntityReport;
use assure_engine::facts::FactValue;
use assure_tests::{builtin_engine, check, root};

/// A submission of `product` `version` holding the given plugin fixtures
/// (`plugins/<plugin>/tests/fixtures/<file>`), checked with the built-in
/// bundle.
fn decide(product: &str, version: &str, documents: &[(&str, &str)]) -> Decision {
    let dir = tempfile::tempdir().unwrap();
    let mut manifest = format!(
        "[product]\nname = \"{product}\"\nversion = \"{version}\"\nsupplier = \"Example Company\"\n"
    );
    for (plugin, file) in documents {
        let from = root()
            .join("plugins")
            .join(plugin)
            .join("tests/fixtures")
            .join(file);
        std::fs::copy(&from, dir.path().join(file)).unwrap();
        manifest.push_str(&format!("\n[[evidence]]\npath = \"{file}\"\n"));
    }
    std::fs::write(dir.path().join("submission.toml"), manifest).unwrap();
    check(builtin_engine().unwrap(), Path::new(dir.path())).unwrap()
}

fn exposures(decision: &Decision) -> Vec<&EntityReport> {
    decision
        .facts
        .entities
        .iter()
        .filter(|e| e.kind == "Exposure")
        .collect()
}

fn text(entity: &EntityReport, path: &str) -> String {
    match &entity.facts[path].value {
        FactValue::Text(t) => t.clone(),
        other => panic!("{path} is {other:?}"),
    }
}

fn boolean(entity: &EntityReport, path: &str) -> bool {
    match &entity.facts[path].value {
        FactValue::Bool(b) => *b,
        other => panic!("{path} is {other:?}"),
    }
}

#[test]
fn cyclonedx_cisa_case_1_gives_the_four_statuses_joined_to_the_product_and_kev() {
    let cases = [
        (
            "bom-examples_VEX_CISA-Case-1_vex-affected.json",
            "DEF",
            "1.0",
            "affected",
        ),
        (
            "bom-examples_VEX_CISA-Case-1_vex-fixed.json",
            "DEF",
            "1.1",
            "fixed",
        ),
        (
            "bom-examples_VEX_CISA-Case-1_vex-not_affected.json",
            "ABC",
            "4.2",
            "not_affected",
        ),
        (
            "bom-examples_VEX_CISA-Case-1_vex-under_investigation.json",
            "GHI",
            "17.4",
            "under_investigation",
        ),
    ];
    for (file, product, version, status) in cases {
        let decision = decide(product, version, &[("cyclonedx", file)]);
        assert!(
            decision.document_errors.is_empty(),
            "{file}: {:?}",
            decision.document_errors
        );
        let found = exposures(&decision);
        assert_eq!(found.len(), 1, "{file}");
        let exposure = found[0];
        assert_eq!(text(exposure, "vulnerability"), "CVE-2021-44228");
        assert_eq!(text(exposure, "status"), status, "{file}");
        assert_eq!(text(exposure, "format"), "CycloneDX");
        // The statement names the document's subject, which is the
        // submitted product.
        assert!(boolean(exposure, "matched"), "{file}");
        assert!(decision.unmatched_statements.is_empty(), "{file}");
        // Log4Shell is in the bundle's known-exploited catalogue, cited.
        assert!(boolean(exposure, "known_exploited"));
        let cited = &exposure.facts["known_exploited"].provenance[0];
        assert_eq!(cited.document, "bundle:data/kev.json");
        assert!(cited.location.starts_with("/vulnerabilities/"));
        assert!(
            exposure
                .parents
                .contains(&"Vulnerability[CVE-2021-44228]".to_owned())
        );
        let vulnerability = decision
            .facts
            .entities
            .iter()
            .find(|e| e.kind == "Vulnerability")
            .unwrap();
        assert_eq!(vulnerability.id, "CVE-2021-44228");
        assert_eq!(text(vulnerability, "vendor_project"), "Apache");
        // The catalogue used is recorded with the decision.
        let data = &decision.inputs.reference_data[0];
        assert_eq!(data.name, "kev");
        assert_eq!(data.path, "data/kev.json");
        assert!(data.entries > 300);
    }
}

#[test]
fn a_statement_about_another_product_version_is_reported_not_dropped() {
    // The affected statement is about DEF 1.0; the submission is DEF 2.0.
    let decision = decide(
        "DEF",
        "2.0",
        &[(
            "cyclonedx",
            "bom-examples_VEX_CISA-Case-1_vex-affected.json",
        )],
    );
    // About another version: set aside before it could apply or supersede,
    // so it is no exposure of this product, and listed with the reason.
    assert!(exposures(&decision).is_empty());
    let unmatched = &decision.unmatched_statements;
    assert_eq!(unmatched.len(), 1);
    assert_eq!(unmatched[0].vulnerability, "CVE-2021-44228");
    assert!(
        unmatched[0]
            .product_scope
            .contains(&"product:DEF@1.0".to_owned()),
        "{:?}",
        unmatched[0].product_scope
    );
    assert!(
        unmatched[0]
            .reason
            .contains("not the submitted product `DEF` version `2.0`"),
        "{}",
        unmatched[0].reason
    );
    assert!(
        unmatched[0]
            .product_refs
            .contains(&"product:DEF@1.0".to_owned())
    );
    assert_eq!(
        unmatched[0].provenance[0].document,
        "bom-examples_VEX_CISA-Case-1_vex-affected.json"
    );
    assert_ne!(decision.verdict, assure_engine::Verdict::Approve);
}

#[test]
fn csaf_vex_profile_gives_affected_and_not_affected_for_the_products() {
    for (file, product, version, status) in [
        (
            "csaf2.0-vex_2022-evd-uc-01-a-001.json",
            "DEF",
            "1.0",
            "affected",
        ),
        (
            "csaf2.0-vex_2022-evd-uc-01-na-001.json",
            "ABC",
            "4.2",
            "not_affected",
        ),
    ] {
        let decision = decide(product, version, &[("csaf", file)]);
        assert!(
            decision.document_errors.is_empty(),
            "{file}: {:?}",
            decision.document_errors
        );
        let found = exposures(&decision);
        assert_eq!(found.len(), 1, "{file}");
        assert_eq!(text(found[0], "status"), status);
        assert_eq!(
            text(found[0], "status_source"),
            if status == "affected" {
                "known_affected"
            } else {
                "known_not_affected"
            }
        );
        assert_eq!(text(found[0], "format"), "CSAF");
        assert!(boolean(found[0], "matched"), "{file}");
        assert!(boolean(found[0], "known_exploited"));
    }
}

#[test]
fn cyclonedx_vex_bom_link_joins_the_statement_to_the_sbom_component() {
    let decision = decide(
        "example-app",
        "1.0.0",
        &[
            ("cyclonedx", "bom-examples_VEX_bom.json"),
            ("cyclonedx", "bom-examples_VEX_vex.json"),
        ],
    );
    assert!(
        decision.document_errors.is_empty(),
        "{:?}",
        decision.document_errors
    );
    let exposure = exposures(&decision)[0];
    assert_eq!(text(exposure, "vulnerability"), "CVE-2020-25649");
    assert_eq!(text(exposure, "status"), "not_affected");
    assert_eq!(text(exposure, "justification"), "code_not_reachable");
    assert!(boolean(exposure, "matched"));
    // Not in the catalogue.
    assert!(!boolean(exposure, "known_exploited"));
    assert_eq!(
        exposure.parents,
        ["Component[pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar]"]
    );
}

#[test]
fn openvex_history_keeps_the_latest_statement() {
    let decision = decide(
        "product",
        "1",
        &[("openvex", "vexctl_sample-history.openvex.json")],
    );
    assert!(
        decision.document_errors.is_empty(),
        "{:?}",
        decision.document_errors
    );
    let found = exposures(&decision);
    assert_eq!(found.len(), 1);
    assert_eq!(text(found[0], "format"), "OpenVEX");
    // Superseded statements are noted, with where they are.
    assert!(
        decision
            .notes
            .iter()
            .any(|n| n.plugin == "openvex" && n.location.starts_with("/statements/")),
        "{:?}",
        decision.notes
    );
    // Nothing submitted is named: reported.
    assert_eq!(decision.unmatched_statements.len(), 1);
}
