//! CSAF statements about a component in or on a platform, through the
//! engine: the platform's CPE (kept as the statement's `product_scope`) binds
//! the statement to a submitted product that declares that CPE, and sets it
//! aside for any other product.

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

/// A submission of `product` 7.6 with `identifiers`, holding `documents`
/// (name, bytes), checked with the built-in bundle.
fn decide(product: &str, identifiers: &[&str], documents: &[(&str, Vec<u8>)]) -> Decision {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = identifiers.iter().map(|i| format!("\"{i}\"")).collect();
    let mut manifest = format!(
        "[product]\nname = \"{product}\"\nversion = \"7.6\"\nsupplier = \"Example Company\"\nidentifiers = [{}]\n",
        ids.join(", ")
    );
    for (name, bytes) in documents {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        manifest.push_str(&format!(
            "\n[[evidence]]\npath = \"{name}\"\nmedia_type = \"application/csaf+json\"\n"
        ));
    }
    std::fs::write(dir.path().join("submission.toml"), manifest).unwrap();
    check(builtin_engine().unwrap(), Path::new(dir.path())).unwrap()
}

fn red_hat_telnet() -> Vec<u8> {
    std::fs::read(root().join("plugins/csaf/tests/corpus/csaf2.0_rhsa-2022_0011.json")).unwrap()
}

fn exposures(decision: &Decision) -> Vec<&EntityReport> {
    decision
        .facts
        .entities
        .iter()
        .filter(|e| e.kind == "Exposure")
        .collect()
}

fn boolean(entity: &EntityReport, path: &str) -> bool {
    match &entity.facts[path].value {
        FactValue::Bool(b) => *b,
        other => panic!("{path} is {other:?}"),
    }
}

#[test]
fn red_hat_packages_bind_to_the_platform_the_manifest_names_by_its_cpe() {
    let aus = "cpe:/o:redhat:rhel_aus:7.6::server";
    let decision = decide(
        "Red Hat Enterprise Linux Server AUS",
        &[aus],
        &[("rhsa-2022_0011.json", red_hat_telnet())],
    );
    // The four telnet packages on RHEL 7.6 AUS are about the product, though
    // no SBOM lists them.
    let kept = exposures(&decision);
    assert_eq!(kept.len(), 4, "{kept:#?}");
    for e in &kept {
        assert!(
            e.id.starts_with("CVE-2020-10188 @ csaf:7Server-7.6.AUS:"),
            "{}",
            e.id
        );
        assert!(boolean(e, "matched"), "{}", e.id);
    }
    // The eleven on E4S and TUS are about other products: set aside, named.
    let aside = &decision.unmatched_statements;
    assert_eq!(aside.len(), 11, "{aside:#?}");
    for statement in aside {
        assert!(
            statement.exposure.contains("7Server-7.6.E4S:")
                || statement.exposure.contains("7Server-7.6.TUS:"),
            "{}",
            statement.exposure
        );
        assert!(
            statement.reason.contains("not the submitted product"),
            "{}",
            statement.reason
        );
    }
}

#[test]
fn red_hat_packages_for_a_product_that_is_none_of_the_platforms_are_set_aside() {
    let decision = decide(
        "CareFlow",
        &["pkg:maven/uk.co.northwindhealth.careflow/careflow-app@4.2.0"],
        &[("rhsa-2022_0011.json", red_hat_telnet())],
    );
    assert!(exposures(&decision).is_empty());
    assert_eq!(decision.unmatched_statements.len(), 15);
}

/// A component `installed_on` a platform, the platform identified by a CPE
/// 2.3 name: the statement binds to the product declaring that CPE.
#[test]
fn a_component_installed_on_the_submitted_platform_binds_to_it() {
    let platform = "cpe:2.3:o:example:medbox_os:7.6:*:*:*:*:*:*:*";
    let doc = format!(
        r#"{{"document": {{"category": "csaf_security_advisory", "csaf_version": "2.0",
            "title": "Agent on MedBox OS", "publisher": {{"category": "vendor", "name": "Example", "namespace": "https://example.com"}},
            "tracking": {{"id": "EX-1", "status": "final", "version": "1", "initial_release_date": "2025-05-01T00:00:00Z",
                "current_release_date": "2025-05-01T00:00:00Z", "revision_history": [{{"date": "2025-05-01T00:00:00Z", "number": "1", "summary": "first"}}]}}}},
          "product_tree": {{
            "full_product_names": [
              {{"name": "Remote agent 2.0", "product_id": "AGENT",
                "product_identification_helper": {{"purl": "pkg:generic/example/remote-agent@2.0"}}}},
              {{"name": "MedBox OS 7.6", "product_id": "MEDBOX",
                "product_identification_helper": {{"cpe": "{platform}"}}}}
            ],
            "relationships": [{{"category": "installed_on", "product_reference": "AGENT",
              "relates_to_product_reference": "MEDBOX",
              "full_product_name": {{"name": "Remote agent 2.0 on MedBox OS 7.6", "product_id": "AGENT:MEDBOX"}}}}]
          }},
          "vulnerabilities": [{{"cve": "CVE-2026-0001",
            "product_status": {{"known_affected": ["AGENT:MEDBOX"]}},
            "remediations": [{{"category": "vendor_fix", "details": "Update the agent to 2.1", "product_ids": ["AGENT:MEDBOX"]}}]}}]}}"#
    );
    let decision = decide(
        "MedBox OS",
        &[platform],
        &[("ex-1.json", doc.clone().into_bytes())],
    );
    let kept = exposures(&decision);
    assert_eq!(kept.len(), 1, "{:#?}", decision.unmatched_statements);
    assert_eq!(
        kept[0].id,
        "CVE-2026-0001 @ pkg:generic/example/remote-agent@2.0"
    );
    assert!(boolean(kept[0], "matched"));
    assert!(decision.unmatched_statements.is_empty());

    // The same statement, for a product on another platform: set aside.
    let elsewhere = decide(
        "MedBox OS",
        &["cpe:2.3:o:example:medbox_os:8.0:*:*:*:*:*:*:*"],
        &[("ex-1.json", doc.into_bytes())],
    );
    assert!(exposures(&elsewhere).is_empty());
    assert_eq!(elsewhere.unmatched_statements.len(), 1);
}
