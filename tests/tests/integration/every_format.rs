//! A submission holding one document of every format: each is routed to its
//! plugin, whose facts the decision shows, and the document no plugin reads
//! is listed as unrecognised.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::collections::BTreeMap;

use assure_engine::Decision;
use assure_engine::facts::FactValue;
use assure_tests::{builtin_engine, check, root};

fn decision() -> Decision {
    check(
        builtin_engine().unwrap(),
        &root().join("tests/fixtures/every-format"),
    )
    .unwrap()
}

fn product(decision: &Decision, path: &str) -> FactValue {
    decision
        .facts
        .product
        .get(path)
        .unwrap_or_else(|| panic!("no product fact {path}"))
        .value
        .clone()
}

#[test]
fn every_document_goes_to_its_plugin() {
    let decision = decision();
    let routed: BTreeMap<&str, (&str, Vec<&str>)> = decision
        .inputs
        .evidence
        .iter()
        .map(|e| {
            (
                e.path.as_str(),
                (
                    e.media_type.as_str(),
                    e.plugins.iter().map(String::as_str).collect(),
                ),
            )
        })
        .collect();
    let expected: &[(&str, &str, &[&str])] = &[
        (
            "sbom.cdx.json",
            "application/vnd.cyclonedx+json",
            &["cyclonedx"],
        ),
        ("sbom.spdx.json", "application/spdx+json", &["spdx"]),
        (
            "vex.cdx.json",
            "application/vnd.cyclonedx+json",
            &["cyclonedx"],
        ),
        ("vex.openvex.json", "application/openvex+json", &["openvex"]),
        ("advisory.csaf.json", "application/csaf+json", &["csaf"]),
        ("security.txt", "text/security.txt", &["security-txt"]),
        ("dtac.json", "application/vnd.assure.dtac+json", &["dtac"]),
        ("mds2.csv", "text/csv", &["mds2"]),
        (
            "cyber-essentials.json",
            "application/vnd.assure.cyber-essentials+json",
            &["cyber-essentials"],
        ),
        (
            "pentest.json",
            "application/vnd.assure.pentest+json",
            &["pentest"],
        ),
        (
            "supplier-assurance.json",
            "application/vnd.assure.supplier-assurance+json",
            &["supplier-assurance"],
        ),
        (
            "provenance.intoto.json",
            "application/vnd.in-toto+json",
            &["slsa"],
        ),
        (
            "scorecard.json",
            "application/vnd.ossf.scorecard+json",
            &["scorecard"],
        ),
        ("covering-letter.txt", "text/plain", &[]),
    ];
    for (path, media_type, plugins) in expected {
        let (got_type, got_plugins) = &routed[path];
        assert_eq!(got_type, media_type, "{path}");
        assert_eq!(got_plugins, plugins, "{path}");
    }
    // The one document no plugin reads is reported, and only it.
    let errors: Vec<_> = decision
        .document_errors
        .iter()
        .map(|e| (e.document.as_str(), e.kind.as_str()))
        .collect();
    assert_eq!(errors, [("covering-letter.txt", "unrecognised")]);
    assert!(
        decision.fact_problems.is_empty(),
        "{:?}",
        decision.fact_problems
    );
}

#[test]
fn each_plugin_contributes_its_facts() {
    let decision = decision();
    let contributed: BTreeMap<(&str, &str), &assure_engine::decision::Contribution> = decision
        .facts
        .contributions
        .iter()
        .map(|c| ((c.document.as_str(), c.plugin.as_str()), c))
        .collect();
    let has_fact = |document: &str, plugin: &str, fact: &str| {
        let c = contributed[&(document, plugin)];
        assert!(
            c.facts.iter().any(|f| f == fact),
            "{document} ({plugin}): {:?}",
            c.facts
        );
    };
    has_fact("sbom.cdx.json", "cyclonedx", "sbom.purl_percent");
    has_fact("sbom.spdx.json", "spdx", "sbom.strong_hash_percent");
    has_fact("security.txt", "security-txt", "security_txt.expires");
    has_fact("dtac.json", "dtac", "dtac.dspt_status");
    has_fact("mds2.csv", "mds2", "mds2.paut_8");
    has_fact(
        "cyber-essentials.json",
        "cyber-essentials",
        "cyber_essentials.expires",
    );
    has_fact("pentest.json", "pentest", "pentest.open_high");
    has_fact("provenance.intoto.json", "slsa", "provenance.builder_id");
    has_fact("scorecard.json", "scorecard", "scorecard.score");
    has_fact(
        "supplier-assurance.json",
        "supplier-assurance",
        "assurance.incident_notification_hours",
    );
    assert_eq!(
        contributed[&("sbom.cdx.json", "cyclonedx")].entities["Component"],
        62
    );
    assert!(contributed[&("vex.openvex.json", "openvex")].entities["Exposure"] >= 1);
    assert!(contributed[&("advisory.csaf.json", "csaf")].entities["Exposure"] >= 1);
    assert!(contributed[&("vex.cdx.json", "cyclonedx")].entities["Exposure"] >= 1);

    // The merged product facts, with their values.
    assert_eq!(
        product(&decision, "sbom.format"),
        FactValue::Text("CycloneDX".into())
    );
    assert_eq!(
        product(&decision, "sbom.component_count"),
        FactValue::Long(62)
    );
    assert_eq!(
        product(&decision, "security_txt.valid"),
        FactValue::Bool(true)
    );
    assert_eq!(
        product(&decision, "security_txt.expires"),
        FactValue::Datetime("2027-06-30T23:59:59Z".into())
    );
    assert_eq!(
        product(&decision, "dtac.version"),
        FactValue::Text("2.0".into())
    );
    assert_eq!(
        product(&decision, "provenance.dsse"),
        FactValue::Bool(false)
    );
    // The engine joins the provenance subject to the declared artefact.
    assert_eq!(
        product(&decision, "provenance.subject_matches_artifact"),
        FactValue::Bool(true)
    );
    assert_eq!(
        product(&decision, "scorecard.score"),
        FactValue::Decimal("0.0".into())
    );
    assert_eq!(
        product(&decision, "cyber_essentials.plus"),
        FactValue::Bool(true)
    );
    // The engine binds the supplier assurance statement: it is the
    // supplier's, about another product (CareFlow).
    assert_eq!(
        product(&decision, "assurance.names_supplier"),
        FactValue::Bool(true)
    );
    assert_eq!(
        product(&decision, "assurance.names_product"),
        FactValue::Bool(false)
    );
    // SPDX components are kept beside the CycloneDX ones; the SPDX SBOM's
    // product facts are set aside, with a note saying so.
    assert!(
        decision
            .facts
            .entities
            .iter()
            .any(|e| e.kind == "Component" && e.provenance[0].document == "sbom.spdx.json")
    );
    assert!(decision.notes.iter().any(|n| n.document == "sbom.spdx.json"
        && n.plugin == "assure"
        && n.message.contains("set aside")));
}

#[test]
fn an_expired_security_txt_is_marked_at_the_evaluation_time() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("security.txt"),
        "Contact: mailto:security@northwindhealth.co.uk\nExpires: 2025-06-30T00:00:00Z\n\
         Policy: https://northwindhealth.co.uk/security/policy\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("submission.toml"),
        "[product]\nname = \"CareFlow\"\nversion = \"1\"\nsupplier = \"Northwind Health Ltd\"\n\n\
         [[evidence]]\npath = \"security.txt\"\n",
    )
    .unwrap();
    // Tests evaluate as of 2025-09-22: after the Expires date.
    let decision = check(builtin_engine().unwrap(), dir.path()).unwrap();
    assert_eq!(
        product(&decision, "security_txt.expired"),
        FactValue::Bool(true)
    );
    assert_eq!(
        decision.facts.product["security_txt.expired"].provenance[0].location,
        "line 2"
    );
    // Replayed as of a time before it, the same file has not expired.
    let submission =
        assure_engine::Submission::load(dir.path(), &assure_engine::LoadOptions::default())
            .unwrap();
    let (earlier, _) = builtin_engine()
        .unwrap()
        .check(
            &submission,
            &assure_engine::CheckOptions::at("2025-01-01T00:00:00Z".parse().unwrap()),
        )
        .unwrap();
    assert_eq!(
        product(&earlier, "security_txt.expired"),
        FactValue::Bool(false)
    );
}
