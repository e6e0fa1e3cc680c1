//! CycloneDX VEX: `Exposure` entities from real VEX documents (see
//! `fixtures/README.md`) and from small inline ones.

use crate::common::*;
use assure_plugin_sdk::{Entity, Extraction};

const VEX_AFFECTED: &[u8] =
    include_bytes!("../fixtures/bom-examples_VEX_CISA-Case-1_vex-affected.json");
const VEX_FIXED: &[u8] = include_bytes!("../fixtures/bom-examples_VEX_CISA-Case-1_vex-fixed.json");
const VEX_NOT_AFFECTED: &[u8] =
    include_bytes!("../fixtures/bom-examples_VEX_CISA-Case-1_vex-not_affected.json");
const VEX_UNDER_INVESTIGATION: &[u8] =
    include_bytes!("../fixtures/bom-examples_VEX_CISA-Case-1_vex-under_investigation.json");
const VEX_BOM_LINK: &[u8] = include_bytes!("../fixtures/bom-examples_VEX_vex.json");
const VULNERABILITY_1_5: &[u8] =
    include_bytes!("../fixtures/spec-testdata_valid-vulnerability-1.5.json");
const VULNERABILITY_1_6: &[u8] =
    include_bytes!("../fixtures/spec-testdata_valid-vulnerability-1.6.json");

const VEX_NOTE: &str = ": CycloneDX document with vulnerabilities but no components: read as VEX (Exposure entities), not as an SBOM";

/// The one Exposure of an extraction.
fn only_exposure(x: &Extraction) -> Result<&Entity, String> {
    match x.entities.as_slice() {
        [e] if e.kind == "Exposure" => Ok(e),
        other => Err(format!("expected one Exposure, got {other:?}")),
    }
}

/// A minimal CycloneDX 1.6 document with extra top-level members.
fn bom(members: &str) -> Vec<u8> {
    let sep = if members.is_empty() { "" } else { "," };
    format!(r#"{{"bomFormat":"CycloneDX","specVersion":"1.6"{sep}{members}}}"#).into_bytes()
}

/// A standalone VEX document with these vulnerabilities.
fn vex(vulnerabilities: &str) -> Vec<u8> {
    bom(&format!(r#""vulnerabilities":[{vulnerabilities}]"#))
}

#[test]
fn cisa_case_1_in_each_state() -> Result<(), String> {
    let cases = [
        (
            VEX_AFFECTED,
            "product-DEF",
            "product:DEF@1.0",
            "affected",
            "exploitable",
        ),
        (
            VEX_FIXED,
            "product-DEF",
            "product:DEF@1.1",
            "fixed",
            "resolved",
        ),
        (
            VEX_NOT_AFFECTED,
            "product-ABC",
            "product:ABC@4.2",
            "not_affected",
            "not_affected",
        ),
        (
            VEX_UNDER_INVESTIGATION,
            "product-GHI",
            "product:GHI@17.4",
            "under_investigation",
            "in_triage",
        ),
    ];
    for (bytes, product, named, status, source) in cases {
        let x = ok("vex.json", bytes)?;
        // A VEX document is not an SBOM: no product facts.
        assert!(x.facts.is_empty(), "{:?}", x.facts);
        assert_eq!(notes(&x), [VEX_NOTE]);
        let e = only_exposure(&x)?;
        assert_eq!(e.id, format!("CVE-2021-44228 @ {product}"));
        assert_eq!(pointer(&e.location)?, "/vulnerabilities/0/affects/0");
        assert!(e.parents.is_empty());
        let f = &e.facts;
        assert_eq!(text(f, "vulnerability")?, "CVE-2021-44228");
        assert_eq!(at(f, "vulnerability")?, "/vulnerabilities/0/id");
        assert_eq!(text(f, "status")?, status);
        assert_eq!(at(f, "status")?, "/vulnerabilities/0/analysis/state");
        assert_eq!(text(f, "status_source")?, source);
        assert_eq!(text(f, "format")?, "CycloneDX");
        // The subject's bom-ref, and the product it names for the engine to
        // match against the submission.
        assert_eq!(text_set(f, "product_refs")?, [product, named]);
        assert_eq!(at(f, "product_refs")?, "/vulnerabilities/0/affects/0/ref");
        // The product the statement is about: the document's subject.
        assert_eq!(text_set(f, "product_scope")?, [product, named]);
        assert_eq!(at(f, "product_scope")?, "/metadata/component");
        assert_eq!(
            at(f, "impact_statement")?,
            "/vulnerabilities/0/analysis/detail"
        );
        // The engine sets these; no timestamp or rating in these documents.
        for absent in [
            "matched",
            "known_exploited",
            "timestamp",
            "cvss_score",
            "severity",
        ] {
            assert!(!has(f, absent), "{absent}");
        }
    }

    let x = ok("vex.json", VEX_AFFECTED)?;
    let f = &only_exposure(&x)?.facts;
    assert_eq!(
        text(f, "impact_statement")?,
        "This version of Product DEF is affected by the vulnerability. Customers are advised to upgrade to the latest release."
    );
    assert_eq!(text(f, "action_statement")?, "will_not_fix, update");
    assert_eq!(
        at(f, "action_statement")?,
        "/vulnerabilities/0/analysis/response"
    );
    assert!(!has(f, "justification"));

    let x = ok("vex.json", VEX_NOT_AFFECTED)?;
    let f = &only_exposure(&x)?.facts;
    assert_eq!(text(f, "justification")?, "code_not_present");
    assert_eq!(
        at(f, "justification")?,
        "/vulnerabilities/0/analysis/justification"
    );
    assert_eq!(text(f, "action_statement")?, "will_not_fix");

    let x = ok("vex.json", VEX_FIXED)?;
    let f = &only_exposure(&x)?.facts;
    assert_eq!(
        text(f, "impact_statement")?,
        "This version of Product DEF has been fixed."
    );
    assert!(!has(f, "action_statement"));
    Ok(())
}

#[test]
fn bom_link_reference_with_ratings() -> Result<(), String> {
    let x = ok("vex.json", VEX_BOM_LINK)?;
    assert!(x.facts.is_empty(), "{:?}", x.facts);
    let link = "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar";
    let e = only_exposure(&x)?;
    assert_eq!(e.id, format!("CVE-2020-25649 @ {link}"));
    let f = &e.facts;
    assert_eq!(text(f, "status")?, "not_affected");
    assert_eq!(text(f, "justification")?, "code_not_reachable");
    assert_eq!(
        text(f, "impact_statement")?,
        "Automated dataflow analysis and manual code review indicates that the vulnerable code is not reachable, either directly or indirectly."
    );
    assert_eq!(
        text(f, "action_statement")?,
        "will_not_fix, update; Upgrade com.fasterxml.jackson.core:jackson-databind to version 2.6.7.4, 2.9.10.7, 2.10.5.1 or higher."
    );
    // The BOM-Link names another document: kept as written, nothing added.
    assert_eq!(text_set(f, "product_refs")?, [link]);
    // No `metadata.component`: the document does not say which product.
    assert!(!has(f, "product_scope"));
    // No analysis.lastUpdated: `updated` is the statement's time.
    assert_eq!(datetime(f, "timestamp")?, "2021-10-26T00:00:00.000Z");
    assert_eq!(at(f, "timestamp")?, "/vulnerabilities/0/updated");
    // Ratings 7.5 (NVD), 8.2 (SNYK) and 0.0 (Acme): the highest wins.
    assert_eq!(decimal(f, "cvss_score")?, "8.2");
    assert_eq!(at(f, "cvss_score")?, "/vulnerabilities/0/ratings/1/score");
    assert_eq!(text(f, "severity")?, "high");
    assert_eq!(at(f, "severity")?, "/vulnerabilities/0/ratings/1/severity");
    assert_eq!(notes(&x), [VEX_NOTE]);
    Ok(())
}

#[test]
fn spec_vulnerability_examples_are_embedded_vex() -> Result<(), String> {
    for (bytes, minor) in [(VULNERABILITY_1_5, 5), (VULNERABILITY_1_6, 6)] {
        let x = ok("vulnerability.json", bytes)?;
        let f = &x.facts;
        // An SBOM (one component) with its VEX statements embedded.
        assert_eq!(long(f, "sbom.spec_minor")?, minor);
        assert_eq!(long(f, "sbom.component_count")?, 1);
        assert_eq!(long(f, "sbom.purl_percent")?, 100);
        assert_eq!(long(f, "sbom.embedded_vex_statements")?, 1);
        assert_eq!(at(f, "sbom.embedded_vex_statements")?, "/vulnerabilities");
        assert_eq!(
            text_set(f, "sbom.advisory_refs")?,
            [
                "https://github.com/FasterXML/jackson-databind/commit/6799f8f10cc78e9af6d443ed6982d00a13f2e7d2",
                "https://github.com/FasterXML/jackson-databind/issues/1931"
            ]
        );
        assert_eq!(
            at(f, "sbom.advisory_refs")?,
            "/vulnerabilities/0/advisories/0/url"
        );

        let purl = "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.4";
        assert_eq!(x.entities.len(), 2);
        assert!(entity(&x, purl)?.kind == "Component");
        let e = entity(
            &x,
            &format!("SNYK-JAVA-COMFASTERXMLJACKSONCORE-32111 @ {purl}"),
        )?;
        assert_eq!(e.kind, "Exposure");
        assert!(e.parents.is_empty());
        let f = &e.facts;
        assert_eq!(
            text(f, "vulnerability")?,
            "SNYK-JAVA-COMFASTERXMLJACKSONCORE-32111"
        );
        assert_eq!(text(f, "status")?, "not_affected");
        assert_eq!(text(f, "status_source")?, "not_affected");
        assert_eq!(text(f, "justification")?, "code_not_reachable");
        assert_eq!(
            text(f, "impact_statement")?,
            "An optional explanation of why the application is not affected by the vulnerable component."
        );
        assert_eq!(
            text(f, "action_statement")?,
            "will_not_fix, update; Upgrade com.fasterxml.jackson.core:jackson-databind to version 2.6.7.5, 2.8.11.1, 2.9.5 or higher."
        );
        // The ref is the component's bom-ref, which is also its purl.
        assert_eq!(text_set(f, "product_refs")?, [purl]);
        // No `metadata.component`: no scope.
        assert!(!has(f, "product_scope"));
        assert_eq!(datetime(f, "timestamp")?, "2022-02-01T00:00:00.000Z");
        assert_eq!(
            at(f, "timestamp")?,
            "/vulnerabilities/0/analysis/lastUpdated"
        );
        assert_eq!(decimal(f, "cvss_score")?, "9.8");
        assert_eq!(text(f, "severity")?, "critical");
        assert_eq!(
            notes(&x),
            [
                "/vulnerabilities/0/rejected: SNYK-JAVA-COMFASTERXMLJACKSONCORE-32111 is marked rejected (2022-01-01T00:00:00.000Z): its statements are still read"
            ]
        );
    }
    Ok(())
}

#[test]
fn bom_ref_adds_the_component_purl() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &bom(
            r#""metadata":{"component":{"bom-ref":"app","name":"app","purl":"pkg:generic/app@2"}},
            "components":[{"bom-ref":"a","name":"a","purl":"pkg:npm/a@1",
                           "components":[{"bom-ref":"a1","name":"a1","purl":"pkg:npm/a1@1"}]},
                          {"bom-ref":"b","name":"b"}],
            "vulnerabilities":[{"id":"CVE-1","analysis":{"state":"in_triage"},
               "affects":[{"ref":"a1"},{"ref":"app"},{"ref":"b"},{"ref":"pkg:npm/zzz@9"}]}]"#,
        ),
    )?;
    assert_eq!(long(&x.facts, "sbom.embedded_vex_statements")?, 4);
    assert!(!has(&x.facts, "sbom.advisory_refs"));
    let refs = |id: &str| -> Result<Vec<String>, String> {
        text_set(&entity(&x, id)?.facts, "product_refs")
    };
    assert_eq!(refs("CVE-1 @ a1")?, ["a1", "pkg:npm/a1@1"]);
    // The subject: its purl, and its name for the engine to match against
    // the submission (no version, so any version).
    assert_eq!(
        refs("CVE-1 @ app")?,
        ["app", "pkg:generic/app@2", "product:app"]
    );
    assert_eq!(refs("CVE-1 @ b")?, ["b"]);
    assert_eq!(refs("CVE-1 @ pkg:npm/zzz@9")?, ["pkg:npm/zzz@9"]);
    let e = entity(&x, "CVE-1 @ app")?;
    assert_eq!(pointer(&e.location)?, "/vulnerabilities/0/affects/1");
    assert_eq!(text(&e.facts, "status")?, "under_investigation");
    // Embedded VEX is about the SBOM's subject, whatever it names.
    for id in [
        "CVE-1 @ a1",
        "CVE-1 @ app",
        "CVE-1 @ b",
        "CVE-1 @ pkg:npm/zzz@9",
    ] {
        let f = &entity(&x, id)?.facts;
        assert_eq!(
            text_set(f, "product_scope")?,
            ["app", "pkg:generic/app@2", "product:app"]
        );
        assert_eq!(at(f, "product_scope")?, "/metadata/component");
    }
    Ok(())
}

const LOG4J: &str = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1";

/// A VEX BOM about the product `component` (the members of
/// `metadata.component`) with these vulnerabilities.
fn vex_about(component: &str, vulnerabilities: &str) -> Vec<u8> {
    bom(&format!(
        r#""metadata":{{"component":{{"type":"application",{component}}}}},
        "vulnerabilities":[{vulnerabilities}]"#
    ))
}

/// A statement about Log4Shell in log4j-core 2.14.1.
fn log4shell(state: &str, updated: &str) -> String {
    format!(
        r#"{{"id":"CVE-2021-44228","analysis":{{"state":"{state}","justification":"code_not_present",
        "lastUpdated":"{updated}"}},"affects":[{{"ref":"{LOG4J}"}}]}}"#
    )
}

#[test]
fn a_vex_bom_about_another_product_scopes_its_statements() -> Result<(), String> {
    // A VEX BOM whose subject is someone else's product clears log4j-core:
    // its statement carries that product, for the engine to set aside.
    let x = ok(
        "vex.json",
        &vex_about(
            r#""bom-ref":"other","name":"Other Product","version":"3.0",
            "purl":"pkg:generic/other/product@3.0","cpe":"cpe:2.3:a:other:product:3.0:*:*:*:*:*:*:*""#,
            &log4shell("not_affected", "2024-01-01T00:00:00Z"),
        ),
    )?;
    let e = only_exposure(&x)?;
    assert_eq!(e.id, format!("CVE-2021-44228 @ {LOG4J}"));
    let f = &e.facts;
    assert_eq!(text(f, "status")?, "not_affected");
    assert_eq!(text_set(f, "product_refs")?, [LOG4J]);
    assert_eq!(
        text_set(f, "product_scope")?,
        [
            "cpe:2.3:a:other:product:3.0:*:*:*:*:*:*:*",
            "other",
            "pkg:generic/other/product@3.0",
            "product:Other Product@3.0",
        ]
    );
    assert_eq!(at(f, "product_scope")?, "/metadata/component");

    // A subject with a name and no version: every version of it.
    let x = ok(
        "vex.json",
        &vex_about(
            r#""name":"Other""#,
            &log4shell("resolved", "2024-01-01T00:00:00Z"),
        ),
    )?;
    let f = &only_exposure(&x)?.facts;
    assert_eq!(text_set(f, "product_scope")?, ["product:Other"]);

    // A subject that names nothing gives no scope.
    let x = ok(
        "vex.json",
        &vex_about(
            r#""description":"x""#,
            &log4shell("resolved", "2024-01-01T00:00:00Z"),
        ),
    )?;
    assert!(!has(&only_exposure(&x)?.facts, "product_scope"));
    Ok(())
}

#[test]
fn statements_about_two_products_never_supersede_each_other() -> Result<(), String> {
    // One BOM speaks of one product (its `metadata.component`): statements
    // about product A and about product B come from two documents, and each
    // keeps its own scope.
    let a = ok(
        "a.json",
        &vex_about(
            r#""name":"A","version":"1.3.0""#,
            &log4shell("exploitable", "2024-02-01T00:00:00Z"),
        ),
    )?;
    let b = ok(
        "b.json",
        &vex_about(
            r#""name":"B","version":"2.0""#,
            &log4shell("not_affected", "2024-03-01T00:00:00Z"),
        ),
    )?;
    for (x, scope, status) in [
        (&a, "product:A@1.3.0", "affected"),
        (&b, "product:B@2.0", "not_affected"),
    ] {
        assert_eq!(notes(x), [VEX_NOTE]);
        let f = &only_exposure(x)?.facts;
        assert_eq!(text(f, "status")?, status);
        assert_eq!(text_set(f, "product_scope")?, [scope]);
    }

    // Within one BOM (one product), the later statement supersedes.
    let x = ok(
        "a.json",
        &vex_about(
            r#""name":"A","version":"1.3.0""#,
            &[
                log4shell("exploitable", "2024-02-01T00:00:00Z"),
                log4shell("resolved", "2024-03-01T00:00:00Z"),
            ]
            .join(","),
        ),
    )?;
    let f = &only_exposure(&x)?.facts;
    assert_eq!(text(f, "status")?, "fixed");
    assert_eq!(text_set(f, "product_scope")?, ["product:A@1.3.0"]);
    assert_eq!(
        notes(&x),
        [
            VEX_NOTE.to_owned(),
            format!(
                "/vulnerabilities/0/affects/0: the statement at /vulnerabilities/0/affects/0 about CVE-2021-44228 for \"{LOG4J}\" is superseded by the one at /vulnerabilities/1/affects/0: it has the later timestamp"
            )
        ]
    );
    Ok(())
}

#[test]
fn unanalysed_finding_is_affected() -> Result<(), String> {
    let x = ok(
        "vex.json",
        &vex(r#"{"id":"CVE-2","affects":[{"ref":"pkg:npm/a@1"}]}"#),
    )?;
    let f = &only_exposure(&x)?.facts;
    assert_eq!(text(f, "status")?, "affected");
    assert_eq!(text(f, "status_source")?, "no analysis");
    assert_eq!(at(f, "status")?, "/vulnerabilities/0");
    assert_eq!(
        notes(&x),
        [
            VEX_NOTE,
            "/vulnerabilities/0: CVE-2 has no `analysis.state`: read as an unanalysed finding, status affected"
        ]
    );
    // An analysis without a state is no better.
    let x = ok(
        "vex.json",
        &vex(r#"{"id":"CVE-2","analysis":{"detail":"looking"},"affects":[{"ref":"x"}]}"#),
    )?;
    let f = &only_exposure(&x)?.facts;
    assert_eq!(text(f, "status")?, "affected");
    assert_eq!(text(f, "impact_statement")?, "looking");
    Ok(())
}

#[test]
fn every_cyclonedx_state_maps() -> Result<(), String> {
    for (state, status) in [
        ("resolved", "fixed"),
        ("resolved_with_pedigree", "fixed"),
        ("exploitable", "affected"),
        ("in_triage", "under_investigation"),
        ("false_positive", "not_affected"),
        ("not_affected", "not_affected"),
    ] {
        let x = ok(
            "vex.json",
            &vex(&format!(
                r#"{{"id":"CVE-3","analysis":{{"state":"{state}"}},"affects":[{{"ref":"r"}}]}}"#
            )),
        )?;
        let f = &only_exposure(&x)?.facts;
        assert_eq!(text(f, "status")?, status, "{state}");
        assert_eq!(text(f, "status_source")?, state);
    }
    Ok(())
}

#[test]
fn malformed_analysis_is_an_error() -> Result<(), String> {
    let e = err(&vex(
        r#"{"id":"CVE-1","analysis":{"state":"exploitable"},"affects":[{"ref":"r"}]},
           {"id":"CVE-2","analysis":{"state":"probably_fine"},"affects":[{"ref":"r"}]}"#,
    ))?;
    assert_eq!(pointer(&e.location)?, "/vulnerabilities/1/analysis/state");
    assert!(e.message.contains("\"probably_fine\""), "{}", e.message);
    assert!(
        e.message.contains("not a CycloneDX impact analysis state"),
        "{}",
        e.message
    );
    let e = err(&vex(
        r#"{"id":"CVE-1","analysis":{"state":3},"affects":[{"ref":"r"}]}"#,
    ))?;
    assert_eq!(pointer(&e.location)?, "/vulnerabilities/0/analysis/state");
    let e = err(&vex(r#"{"id":"CVE-1","analysis":["exploitable"]}"#))?;
    assert_eq!(pointer(&e.location)?, "/vulnerabilities/0/analysis");
    // Also inside an SBOM.
    let e = err(&bom(
        r#""components":[{"name":"a"}],"vulnerabilities":[{"id":"CVE-1","analysis":{"state":"OK"}}]"#,
    ))?;
    assert_eq!(pointer(&e.location)?, "/vulnerabilities/0/analysis/state");
    Ok(())
}

#[test]
fn a_vulnerability_that_affects_nothing_is_noted() -> Result<(), String> {
    for affects in [
        "",
        r#","affects":[]"#,
        r#","affects":{}"#,
        r#","affects":[{},{"ref":7},{"ref":" "}]"#,
    ] {
        let x = ok(
            "vex.json",
            &vex(&format!(
                r#"{{"id":"CVE-4","analysis":{{"state":"exploitable"}}{affects}}}"#
            )),
        )?;
        assert!(x.entities.is_empty());
        assert!(x.facts.is_empty());
        assert!(
            notes(&x).iter().any(|n| n
                == "/vulnerabilities/0: CVE-4 names nothing it affects (no `affects[].ref`): no Exposure is made from it"),
            "{:?}",
            notes(&x)
        );
    }
    // In an SBOM the count says so too.
    let x = ok(
        "doc.json",
        &bom(r#""components":[{"name":"a"}],"vulnerabilities":[{"id":"CVE-4"}]"#),
    )?;
    assert_eq!(long(&x.facts, "sbom.embedded_vex_statements")?, 0);
    assert_eq!(x.entities.len(), 1);
    let x = ok(
        "doc.json",
        &bom(r#""components":[{"name":"a"}],"vulnerabilities":[]"#),
    )?;
    assert_eq!(long(&x.facts, "sbom.embedded_vex_statements")?, 0);
    let x = ok("doc.json", &bom(r#""components":[{"name":"a"}]"#))?;
    assert!(!has(&x.facts, "sbom.embedded_vex_statements"));
    Ok(())
}

#[test]
fn vulnerability_without_an_id_is_noted() -> Result<(), String> {
    let x = ok(
        "vex.json",
        &vex(r#"{"analysis":{"state":"exploitable"},"affects":[{"ref":"r"}]},7"#),
    )?;
    assert!(x.entities.is_empty());
    let seen = notes(&x);
    assert!(
        seen.iter()
            .any(|n| n.starts_with("/vulnerabilities/0: vulnerability without an `id`")),
        "{seen:?}"
    );
    assert!(
        seen.iter()
            .any(|n| n == "/vulnerabilities/1: vulnerability is not an object: skipped"),
        "{seen:?}"
    );
    Ok(())
}

#[test]
fn later_statements_supersede_earlier_ones() -> Result<(), String> {
    let statement = |state: &str, updated: &str| {
        let time = if updated.is_empty() {
            String::new()
        } else {
            format!(r#","lastUpdated":"{updated}""#)
        };
        format!(
            r#"{{"id":"CVE-5","analysis":{{"state":"{state}"{time}}},"affects":[{{"ref":"pkg:npm/a@1"}}]}}"#
        )
    };
    // (first, second, status kept, superseded pointer)
    let cases = [
        // The first is later in time: it stands.
        (
            statement("not_affected", "2024-02-01T00:00:00Z"),
            statement("exploitable", "2024-01-01T00:00:00Z"),
            "not_affected",
            "/vulnerabilities/1/affects/0",
        ),
        // The second is later in time.
        (
            statement("exploitable", "2024-01-01T00:00:00Z"),
            statement("resolved", "2024-01-01T00:00:01Z"),
            "fixed",
            "/vulnerabilities/0/affects/0",
        ),
        // The same instant, written with different offsets: document order.
        (
            statement("exploitable", "2024-01-01T01:00:00+01:00"),
            statement("in_triage", "2024-01-01T00:00:00Z"),
            "under_investigation",
            "/vulnerabilities/0/affects/0",
        ),
        // A missing timestamp: document order.
        (
            statement("not_affected", "2030-01-01T00:00:00Z"),
            statement("exploitable", ""),
            "affected",
            "/vulnerabilities/0/affects/0",
        ),
    ];
    for (first, second, status, superseded) in cases {
        let x = ok(
            "doc.json",
            &bom(&format!(
                r#""components":[{{"name":"a","purl":"pkg:npm/a@1"}}],"vulnerabilities":[{first},{second}]"#
            )),
        )?;
        assert_eq!(long(&x.facts, "sbom.embedded_vex_statements")?, 1);
        let e = entity(&x, "CVE-5 @ pkg:npm/a@1")?;
        assert_eq!(text(&e.facts, "status")?, status, "{first} {second}");
        let seen = notes(&x);
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(
            seen.iter().all(|n| n.starts_with(&format!("{superseded}: the statement at {superseded} about CVE-5 for \"pkg:npm/a@1\" is superseded"))),
            "{seen:?}"
        );
    }

    // One entry naming the same ref twice, and a third statement.
    let x = ok(
        "vex.json",
        &vex(
            r#"{"id":"CVE-6","analysis":{"state":"exploitable"},"affects":[{"ref":"r"},{"ref":"r"},{"ref":"s"}]},
                {"id":"CVE-6","analysis":{"state":"resolved"},"affects":[{"ref":"r"}]}"#,
        ),
    )?;
    assert_eq!(x.entities.len(), 2);
    assert_eq!(text(&entity(&x, "CVE-6 @ r")?.facts, "status")?, "fixed");
    assert_eq!(
        pointer(&entity(&x, "CVE-6 @ r")?.location)?,
        "/vulnerabilities/1/affects/0"
    );
    assert_eq!(text(&entity(&x, "CVE-6 @ s")?.facts, "status")?, "affected");
    assert_eq!(notes(&x).len(), 3, "{:?}", notes(&x));
    Ok(())
}

#[test]
fn ratings_give_the_highest_score() -> Result<(), String> {
    let with_ratings = |ratings: &str| {
        vex(&format!(
            r#"{{"id":"CVE-7","analysis":{{"state":"exploitable"}},"ratings":[{ratings}],"affects":[{{"ref":"r"}}]}}"#
        ))
    };
    let x = ok(
        "vex.json",
        &with_ratings(
            r#"{"score":7,"severity":"high"},{"score":"9.85","severity":"critical"},{"score":11,"severity":"critical"},
               {"score":"x"},{"score":{}},{"severity":"low"},{"score":-1},{"score":9.85,"severity":"other"}"#,
        ),
    )?;
    let f = &only_exposure(&x)?.facts;
    assert_eq!(decimal(f, "cvss_score")?, "9.85");
    assert_eq!(at(f, "cvss_score")?, "/vulnerabilities/0/ratings/1/score");
    assert_eq!(text(f, "severity")?, "critical");
    let ignored: Vec<String> = notes(&x)
        .into_iter()
        .filter(|n| n.ends_with("rating `score` is not a number from 0 to 10: ignored"))
        .collect();
    assert_eq!(ignored.len(), 4, "{ignored:?}");

    for (score, decimal_text) in [
        ("7", "7.0"),
        ("10", "10.0"),
        ("0", "0.0"),
        ("5.55555", "5.5556"),
        ("1e0", "1.0"),
        (r#""6.25""#, "6.25"),
    ] {
        let x = ok(
            "vex.json",
            &with_ratings(&format!(r#"{{"score":{score}}}"#)),
        )?;
        let f = &only_exposure(&x)?.facts;
        assert_eq!(decimal(f, "cvss_score")?, decimal_text, "{score}");
        assert!(!has(f, "severity"));
    }
    let x = ok("vex.json", &with_ratings(r#"{"severity":"high"}"#))?;
    assert!(!has(&only_exposure(&x)?.facts, "cvss_score"));
    // With no usable score, the worst severity word stands alone: an open
    // vulnerability rated critical and scored nowhere is still critical.
    assert_eq!(text(&only_exposure(&x)?.facts, "severity")?, "high");
    let x = ok(
        "vex.json",
        &with_ratings(
            r#"{"severity":"low"},{"severity":"Critical"},{"score":12,"severity":"medium"},{"severity":"unknown"}"#,
        ),
    )?;
    let f = &only_exposure(&x)?.facts;
    assert!(!has(f, "cvss_score"));
    assert_eq!(text(f, "severity")?, "Critical");
    assert_eq!(at(f, "severity")?, "/vulnerabilities/0/ratings/1/severity");
    let x = ok("vex.json", &with_ratings(r#"{"severity":"unknown"}"#))?;
    assert!(!has(&only_exposure(&x)?.facts, "severity"));

    // Odd shapes are noted, not fatal.
    let x = ok(
        "vex.json",
        &vex(
            r#"{"id":"CVE-7","ratings":{"score":9},"advisories":"https://example.com","affects":[{"ref":"r"}]}"#,
        ),
    )?;
    assert!(!has(&only_exposure(&x)?.facts, "cvss_score"));
    let seen = notes(&x);
    for expected in [
        "/vulnerabilities/0/ratings: `ratings` is not an array: ignored",
        "/vulnerabilities/0/advisories: `advisories` is not an array: ignored",
    ] {
        assert!(seen.iter().any(|n| n == expected), "{expected}: {seen:?}");
    }
    Ok(())
}

#[test]
fn timestamps_and_actions() -> Result<(), String> {
    let x = ok(
        "vex.json",
        &vex(
            r#"{"id":"CVE-8","published":"2020-01-01T00:00:00Z","updated":"soon",
                "analysis":{"state":"exploitable","lastUpdated":"2021-13-01T00:00:00Z","response":["update",5]},
                "affects":[{"ref":"r"}]}"#,
        ),
    )?;
    let f = &only_exposure(&x)?.facts;
    assert_eq!(datetime(f, "timestamp")?, "2020-01-01T00:00:00Z");
    assert_eq!(at(f, "timestamp")?, "/vulnerabilities/0/published");
    assert_eq!(text(f, "action_statement")?, "update");
    let seen = notes(&x);
    for expected in [
        "/vulnerabilities/0/analysis/lastUpdated: `analysis.lastUpdated` \"2021-13-01T00:00:00Z\" is not an RFC 3339 date-time: ignored",
        "/vulnerabilities/0/updated: `updated` \"soon\" is not an RFC 3339 date-time: ignored",
        "/vulnerabilities/0/analysis/response/1: `analysis.response` entry is not text: ignored",
    ] {
        assert!(seen.iter().any(|n| n == expected), "{expected}: {seen:?}");
    }

    let x = ok(
        "vex.json",
        &vex(
            r#"{"id":"CVE-8","recommendation":"Upgrade to 2.0","analysis":{"state":"exploitable","response":"update"},"affects":[{"ref":"r"}]}"#,
        ),
    )?;
    let f = &only_exposure(&x)?.facts;
    assert_eq!(text(f, "action_statement")?, "Upgrade to 2.0");
    assert_eq!(
        at(f, "action_statement")?,
        "/vulnerabilities/0/recommendation"
    );
    assert!(!has(f, "timestamp"));
    Ok(())
}

#[test]
fn standalone_vex_has_no_sbom_facts_even_with_advisories() -> Result<(), String> {
    let x = ok(
        "vex.json",
        &bom(
            r#""metadata":{"timestamp":"2024-01-01T00:00:00Z","component":{"name":"p","bom-ref":"p"}},
                "vulnerabilities":[{"id":"CVE-9","advisories":[{"url":"https://example.com/a"}],
                                    "analysis":{"state":"false_positive"},"affects":[{"ref":"p"}]}]"#,
        ),
    )?;
    assert!(x.facts.is_empty(), "{:?}", x.facts);
    assert_eq!(text(&only_exposure(&x)?.facts, "status")?, "not_affected");
    Ok(())
}
