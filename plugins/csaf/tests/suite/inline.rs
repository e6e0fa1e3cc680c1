//! The plugin over small inline documents: the product tree, flags, threats,
//! scores, notes, errors and hostile shapes.

#![expect(clippy::indexing_slicing, reason = "tests")]

use crate::common::*;
use assure_plugin_csaf::{FACT_PATHS, MEDIA_TYPE, describe};
use assure_plugin_sdk::Location;

/// A CSAF 2.0 VEX document with this product tree and these vulnerabilities
/// (JSON text).
fn csaf(product_tree: &str, vulnerabilities: &str) -> Vec<u8> {
    format!(
        r#"{{"document":{{"category":"csaf_vex","csaf_version":"2.0",
        "publisher":{{"category":"vendor","name":"Example","namespace":"https://example.com"}},
        "title":"t","tracking":{{"current_release_date":"2024-05-01T10:00:00Z","id":"EX-1",
        "initial_release_date":"2024-05-01T10:00:00Z","revision_history":[],"status":"final","version":"1"}}}},
        "product_tree":{product_tree},"vulnerabilities":[{vulnerabilities}]}}"#
    )
    .into_bytes()
}

const TREE: &str = r#"{
    "full_product_names": [
        {"name": "App 1.0", "product_id": "APP-1",
         "product_identification_helper": {"purl": "pkg:generic/example/app@1.0",
            "cpe": "cpe:2.3:a:example:app:1.0:*:*:*:*:*:*:*",
            "x_generic_uris": [{"namespace": "https://example.com/ns", "uri": "https://example.com/app/1.0"}],
            "hashes": [{"file_hashes": [{"algorithm": "sha256", "value": "ab"}], "filename": "app"}]}},
        {"name": "log4j-core 2.14.1", "product_id": "LOG4J",
         "product_identification_helper": {"purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}},
        {"name": "Platform 9", "product_id": "PLATFORM",
         "product_identification_helper": {"cpe": "cpe:/o:example:platform:9"}}
    ],
    "relationships": [
        {"category": "default_component_of", "product_reference": "LOG4J",
         "relates_to_product_reference": "PLATFORM",
         "full_product_name": {"name": "log4j-core on Platform 9", "product_id": "PLATFORM:LOG4J"}}
    ],
    "product_groups": [{"group_id": "ALL", "product_ids": ["APP-1", "PLATFORM:LOG4J"]}]
}"#;

#[test]
fn describes_itself() {
    let info = describe();
    assert_eq!(info.name, "csaf");
    assert_eq!(info.media_types, [MEDIA_TYPE]);
    assert_eq!(MEDIA_TYPE, "application/csaf+json");
    assert_eq!(info.fact_paths.len(), FACT_PATHS.len());
    assert!(info.fact_paths.iter().all(|p| p.starts_with("Exposure.")));
    assert!(info.fact_paths.iter().any(|p| p == "Exposure.cvss_score"));
    assert!(info.fact_paths.iter().any(|p| p == "Exposure.aliases"));
    assert!(
        info.fact_paths
            .iter()
            .any(|p| p == "Exposure.product_scope")
    );
}

#[test]
fn tree_identifiers_flags_by_group_and_relationships() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &csaf(
            TREE,
            r#"{"cve": "CVE-2021-44228",
                "product_status": {"known_not_affected": ["APP-1", "PLATFORM:LOG4J"],
                                   "recommended": ["APP-1"]},
                "flags": [{"label": "vulnerable_code_not_in_execute_path", "group_ids": ["ALL"]},
                          {"label": "component_not_present", "product_ids": ["APP-1"]}]}"#,
        ),
    )?;
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    assert_eq!(x.entities.len(), 2, "`recommended` is not a status");

    let app = entity(&x, "CVE-2021-44228 @ pkg:generic/example/app@1.0")?;
    let f = &app.facts;
    assert_eq!(text(f, "status")?, "not_affected");
    // The first flag naming the product (here through its group).
    assert_eq!(
        text(f, "justification")?,
        "vulnerable_code_not_in_execute_path"
    );
    assert_eq!(at(f, "justification")?, "/vulnerabilities/0/flags/0/label");
    assert_eq!(
        text_set(f, "product_refs")?,
        [
            "cpe:2.3:a:example:app:1.0:*:*:*:*:*:*:*",
            "csaf:APP-1",
            "https://example.com/app/1.0",
            "pkg:generic/example/app@1.0"
        ]
    );
    assert_eq!(at(f, "product_refs")?, "/product_tree/full_product_names/0");

    // A relationship's product is the component: identified by the
    // component's purl, its statement names its own product id too.
    let combined = entity(
        &x,
        "CVE-2021-44228 @ pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
    )?;
    assert_eq!(
        pointer(&combined.location)?,
        "/vulnerabilities/0/product_status/known_not_affected/1"
    );
    assert_eq!(
        text_set(&combined.facts, "product_refs")?,
        [
            "csaf:PLATFORM:LOG4J",
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
        ]
    );
    assert_eq!(
        at(&combined.facts, "product_refs")?,
        "/product_tree/relationships/0/full_product_name"
    );
    assert_eq!(
        text(&combined.facts, "justification")?,
        "vulnerable_code_not_in_execute_path"
    );
    // The product the component is part of: the platform, with its CPE.
    assert_eq!(
        text_set(&combined.facts, "product_scope")?,
        ["cpe:/o:example:platform:9", "csaf:PLATFORM"]
    );
    assert_eq!(
        at(&combined.facts, "product_scope")?,
        "/product_tree/full_product_names/2"
    );
    // A product defined directly is itself the subject: no scope.
    assert!(!has(f, "product_scope"));
    Ok(())
}

/// A tree with a platform in three versions (9, a range, and 8), an agent,
/// log4j-core, and two products log4j-core is part of.
const PLATFORM_TREE: &str = r#"{
    "branches": [{"category": "vendor", "name": "Example", "branches": [
        {"category": "product_name", "name": "Platform", "branches": [
            {"category": "product_version", "name": "9",
             "product": {"name": "Platform 9", "product_id": "PLATFORM-9",
                "product_identification_helper": {"cpe": "cpe:2.3:o:example:platform:9:*:*:*:*:*:*:*"}}},
            {"category": "product_version_range", "name": "vers:generic/>=10|<12",
             "product": {"name": "Platform 10 to 11", "product_id": "PLATFORM-10-11"}}]},
        {"category": "product_name", "name": "Agent", "branches": [
            {"category": "product_version", "name": "2.0",
             "product": {"name": "Agent 2.0", "product_id": "AGENT-2",
                "product_identification_helper": {"purl": "pkg:generic/example/agent@2.0"}}}]},
        {"category": "product_name", "name": "A", "branches": [
            {"category": "product_version", "name": "1.3.0",
             "product": {"name": "A 1.3.0", "product_id": "A",
                "product_identification_helper": {"purl": "pkg:generic/example/a@1.3.0"}}}]},
        {"category": "product_name", "name": "B",
         "product": {"name": "B", "product_id": "B"}}]}],
    "full_product_names": [
        {"name": "log4j-core 2.14.1", "product_id": "LOG4J",
         "product_identification_helper": {"purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}}
    ],
    "relationships": [
        {"category": "installed_on", "product_reference": "AGENT-2",
         "relates_to_product_reference": "PLATFORM-9",
         "full_product_name": {"name": "Agent 2.0 on Platform 9", "product_id": "AGENT-2:PLATFORM-9"}},
        {"category": "installed_on", "product_reference": "AGENT-2",
         "relates_to_product_reference": "PLATFORM-10-11",
         "full_product_name": {"name": "Agent 2.0 on Platform 10 to 11", "product_id": "AGENT-2:PLATFORM-10-11"}},
        {"category": "default_component_of", "product_reference": "LOG4J",
         "relates_to_product_reference": "A",
         "full_product_name": {"name": "log4j-core in A", "product_id": "A:LOG4J"}},
        {"category": "default_component_of", "product_reference": "LOG4J",
         "relates_to_product_reference": "B",
         "full_product_name": {"name": "log4j-core in B", "product_id": "B:LOG4J"}},
        {"category": "optional_component_of", "product_reference": "LOG4J",
         "relates_to_product_reference": "A",
         "full_product_name": {"name": "log4j-core optionally in A", "product_id": "A:LOG4J-OPTIONAL"}},
        {"category": "installed_with", "product_reference": "LOG4J",
         "relates_to_product_reference": "NOWHERE",
         "full_product_name": {"name": "log4j-core with something", "product_id": "NOWHERE:LOG4J"}}
    ]
}"#;

const LOG4J: &str = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1";

#[test]
fn a_component_installed_on_a_platform_keeps_the_platforms_cpe() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &csaf(
            PLATFORM_TREE,
            r#"{"cve": "CVE-2", "product_status": {
                "known_not_affected": ["AGENT-2:PLATFORM-9"],
                "fixed": ["AGENT-2:PLATFORM-10-11", "AGENT-2"]}}"#,
        ),
    )?;
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    let found = entities(&x, "CVE-2 @ pkg:generic/example/agent@2.0");
    assert_eq!(found.len(), 3);
    let [on_9, on_10, alone] = found.as_slice() else {
        return Err("three statements".into());
    };
    // The agent is the subject, on Platform 9: the platform's CPE and name
    // are the scope, not references.
    let f = &on_9.facts;
    assert_eq!(text(f, "status")?, "not_affected");
    assert_eq!(
        text_set(f, "product_refs")?,
        ["csaf:AGENT-2:PLATFORM-9", "pkg:generic/example/agent@2.0"]
    );
    assert_eq!(
        text_set(f, "product_scope")?,
        [
            "cpe:2.3:o:example:platform:9:*:*:*:*:*:*:*",
            "csaf:PLATFORM-9",
            "product:Platform@9"
        ]
    );
    assert_eq!(
        at(f, "product_scope")?,
        "/product_tree/branches/0/branches/0/branches/0/product"
    );
    // On a range of versions: the range as written.
    let f = &on_10.facts;
    assert_eq!(text(f, "status")?, "fixed");
    assert_eq!(
        text_set(f, "product_scope")?,
        [
            "csaf:PLATFORM-10-11",
            "product:Platform@vers:generic/>=10|<12"
        ]
    );
    // The agent on its own is the subject, with its name: no scope.
    let f = &alone.facts;
    assert_eq!(
        text_set(f, "product_refs")?,
        [
            "csaf:AGENT-2",
            "pkg:generic/example/agent@2.0",
            "product:Agent@2.0"
        ]
    );
    assert!(!has(f, "product_scope"));
    Ok(())
}

#[test]
fn statements_about_two_products_never_supersede_each_other() -> Result<(), String> {
    let id = format!("CVE-1 @ {LOG4J}");
    // About log4j-core in A, then (later in the document) in B.
    let x = ok(
        "doc.json",
        &csaf(
            PLATFORM_TREE,
            r#"{"cve": "CVE-1", "product_status": {"known_affected": ["A:LOG4J"]}},
               {"cve": "CVE-1", "product_status": {"known_not_affected": ["B:LOG4J"]},
                "flags": [{"label": "component_not_present", "product_ids": ["B:LOG4J"]}]}"#,
        ),
    )?;
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    let found = entities(&x, &id);
    assert_eq!(found.len(), 2);
    let [a, b] = found.as_slice() else {
        return Err("two statements".into());
    };
    assert_eq!(text(&a.facts, "status")?, "affected");
    assert_eq!(
        text_set(&a.facts, "product_scope")?,
        ["csaf:A", "pkg:generic/example/a@1.3.0", "product:A@1.3.0"]
    );
    assert_eq!(text(&b.facts, "status")?, "not_affected");
    // A product with a name and no version: every version of it.
    assert_eq!(
        text_set(&b.facts, "product_scope")?,
        ["csaf:B", "product:B"]
    );
    assert_eq!(
        at(&b.facts, "product_scope")?,
        "/product_tree/branches/0/branches/3/product"
    );

    // About log4j-core in A twice: the second is not read, with a note.
    let x = ok(
        "doc.json",
        &csaf(
            PLATFORM_TREE,
            r#"{"cve": "CVE-1", "product_status": {"known_affected": ["A:LOG4J"]}},
               {"cve": "CVE-1", "product_status": {"fixed": ["A:LOG4J"]}}"#,
        ),
    )?;
    let e = entity(&x, &id)?;
    assert_eq!(text(&e.facts, "status")?, "affected");
    assert_eq!(
        notes(&x),
        [
            "/vulnerabilities/1/product_status/fixed/0: a statement about CVE-1 for product \"A:LOG4J\" was already read at /vulnerabilities/0/product_status/known_affected/0: this one is ignored"
        ]
    );

    // Two product ids for log4j-core in A: the same product, so the second
    // is told apart by its product id, with a note.
    let x = ok(
        "doc.json",
        &csaf(
            PLATFORM_TREE,
            r#"{"cve": "CVE-1", "product_status": {"known_affected": ["A:LOG4J", "A:LOG4J-OPTIONAL"]}}"#,
        ),
    )?;
    assert_eq!(x.entities.len(), 2);
    let optional = entity(&x, "CVE-1 @ csaf:A:LOG4J-OPTIONAL")?;
    assert_eq!(
        text_set(&optional.facts, "product_scope")?,
        ["csaf:A", "pkg:generic/example/a@1.3.0", "product:A@1.3.0"]
    );
    assert_eq!(notes(&x).len(), 1, "{:?}", notes(&x));
    assert!(notes(&x)[0].contains("has the same identifier"));

    // A relationship to a product the tree does not define: named by its
    // product id, with a note.
    let x = ok(
        "doc.json",
        &csaf(
            PLATFORM_TREE,
            r#"{"cve": "CVE-1", "product_status": {"fixed": ["NOWHERE:LOG4J"]}}"#,
        ),
    )?;
    let f = &entity(&x, &id)?.facts;
    assert_eq!(text_set(f, "product_scope")?, ["csaf:NOWHERE"]);
    assert_eq!(
        at(f, "product_scope")?,
        "/product_tree/relationships/5/relates_to_product_reference"
    );
    assert_eq!(notes(&x).len(), 1, "{:?}", notes(&x));
    assert!(notes(&x)[0].starts_with("/product_tree/relationships/5/relates_to_product_reference: product id \"NOWHERE\" is not defined"));
    Ok(())
}

#[test]
fn scores_take_the_highest_v3_else_v2() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &csaf(
            TREE,
            r#"{"cve": "CVE-3", "product_status": {"known_affected": ["APP-1", "LOG4J", "PLATFORM"]},
                "scores": [
                  {"products": ["APP-1", "LOG4J"], "cvss_v3": {"version": "3.1", "baseScore": 7.5, "baseSeverity": "HIGH", "vectorString": "x"}},
                  {"products": ["APP-1"], "cvss_v3": {"version": "3.1", "baseScore": 9.8, "baseSeverity": "CRITICAL", "vectorString": "y"},
                   "cvss_v2": {"version": "2.0", "baseScore": 10.0, "vectorString": "z"}},
                  {"products": ["PLATFORM"], "cvss_v2": {"version": "2.0", "baseScore": 5, "vectorString": "z"}},
                  {"products": ["LOG4J"], "cvss_v3": {"version": "3.1", "baseScore": 11, "baseSeverity": "HIGH"}}
                ],
                "remediations": [
                  {"category": "vendor_fix", "details": "Upgrade to 1.1", "product_ids": ["APP-1"]},
                  {"category": "workaround", "details": "Set LOG4J_FORMAT_MSG_NO_LOOKUPS", "group_ids": ["ALL"]}
                ]}"#,
        ),
    )?;
    let app = entity(&x, "CVE-3 @ pkg:generic/example/app@1.0")?;
    assert_eq!(decimal(&app.facts, "cvss_score")?, "9.8");
    assert_eq!(
        at(&app.facts, "cvss_score")?,
        "/vulnerabilities/0/scores/1/cvss_v3/baseScore"
    );
    assert_eq!(text(&app.facts, "severity")?, "critical");
    assert_eq!(
        text(&app.facts, "action_statement")?,
        "vendor_fix: Upgrade to 1.1\nworkaround: Set LOG4J_FORMAT_MSG_NO_LOOKUPS"
    );
    let log4j = entity(
        &x,
        "CVE-3 @ pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
    )?;
    assert_eq!(decimal(&log4j.facts, "cvss_score")?, "7.5");
    assert!(
        !has(&log4j.facts, "action_statement"),
        "LOG4J is not in group ALL"
    );
    // CVSS v2 only: its score, and no severity.
    let platform = entity(&x, "CVE-3 @ cpe:/o:example:platform:9")?;
    assert_eq!(decimal(&platform.facts, "cvss_score")?, "5");
    assert!(!has(&platform.facts, "severity"));
    assert_eq!(
        notes(&x),
        [
            "/vulnerabilities/0/scores/3/cvss_v3/baseScore: `baseScore` 11 is not a CVSS score from 0 to 10 with at most four fractional digits: ignored"
        ]
    );
    Ok(())
}

#[test]
fn odd_but_readable_things_are_noted() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &csaf(
            r#"{"full_product_names": [
                {"name": "a", "product_id": "A", "product_identification_helper": {"purl": "pkg:npm/same@1"}},
                {"name": "b", "product_id": "B", "product_identification_helper": {"purl": "pkg:npm/same@1"}},
                {"name": "a again", "product_id": "A"}]}"#,
            r#"{"ids": [{"system_name": "GHSA", "text": "GHSA-xxxx-yyyy-zzzz"}],
                "product_status": {"under_investigation": ["A", "B", "GHOST"]},
                "threats": [{"category": "impact", "details": "everywhere"},
                            {"category": "exploit_status", "details": "none", "product_ids": ["A"]}],
                "flags": [{"label": "component_not_present", "group_ids": ["NOPE"]}]},
               {"title": "no identifier", "product_status": {"known_affected": ["A"]}},
               {"cve": "GHSA-xxxx-yyyy-zzzz", "product_status": {"fixed": ["A"]}},
               {"cve": "CVE-9", "product_status": {}}"#,
        ),
    )?;
    let seen = notes(&x);
    let expect_at = [
        "/product_tree/full_product_names/2: product id \"A\" is defined again",
        "/vulnerabilities/0/flags/0/group_ids/0: group id \"NOPE\" is not defined",
        "/vulnerabilities/0/threats/0: impact threat that names no product",
        "/vulnerabilities/0/product_status/under_investigation/1: product \"B\" has the same identifier \"pkg:npm/same@1\"",
        "/vulnerabilities/0/product_status/under_investigation/2: product id \"GHOST\" is not defined",
        "/vulnerabilities/1: vulnerability with neither a `cve` nor `ids`",
        "/vulnerabilities/2/product_status/fixed/0: a statement about GHSA-xxxx-yyyy-zzzz for product \"A\" was already read",
        "/vulnerabilities/3/product_status: vulnerability CVE-9 lists no product",
    ];
    assert_eq!(seen.len(), expect_at.len(), "{seen:?}");
    for (note, start) in seen.iter().zip(expect_at) {
        assert!(note.starts_with(start), "{note} / {start}");
    }
    assert_eq!(x.entities.len(), 3);
    let a = entity(&x, "GHSA-xxxx-yyyy-zzzz @ pkg:npm/same@1")?;
    assert_eq!(text(&a.facts, "status")?, "under_investigation");
    assert_eq!(
        at(&a.facts, "vulnerability")?,
        "/vulnerabilities/0/ids/0/text"
    );
    assert!(!has(&a.facts, "impact_statement"));
    let b = entity(&x, "GHSA-xxxx-yyyy-zzzz @ csaf:B")?;
    assert_eq!(
        text_set(&b.facts, "product_refs")?,
        ["csaf:B", "pkg:npm/same@1"]
    );
    let ghost = entity(&x, "GHSA-xxxx-yyyy-zzzz @ csaf:GHOST")?;
    assert_eq!(text_set(&ghost.facts, "product_refs")?, ["csaf:GHOST"]);
    assert_eq!(
        at(&ghost.facts, "product_refs")?,
        "/vulnerabilities/0/product_status/under_investigation/2"
    );
    Ok(())
}

#[test]
fn branch_paths_name_the_product() -> Result<(), String> {
    let tree = r#"{"branches": [{"category": "vendor", "name": "Example Company", "branches": [
        {"category": "product_name", "name": "DEF", "branches": [
            {"category": "product_version", "name": "1.0",
             "product": {"name": "DEF 1.0", "product_id": "V"}},
            {"category": "product_version_range", "name": "vers:generic/<2.0",
             "product": {"name": "DEF before 2.0", "product_id": "R"}},
            {"category": "architecture", "name": "x86_64", "branches": [
                {"category": "product_version", "name": "1.1",
                 "product": {"name": "DEF 1.1 x86_64", "product_id": "ARCH",
                    "product_identification_helper": {"purl": "pkg:generic/example/def@1.1"}}}]}],
         "product": {"name": "DEF", "product_id": "N"}},
        {"category": "product_family", "name": "Tools",
         "product": {"name": "Example tools", "product_id": "F"}}]}],
      "full_product_names": [{"name": "Loose", "product_id": "L"}]}"#;
    let x = ok(
        "doc.json",
        &csaf(
            tree,
            r#"{"cve": "CVE-1", "product_status": {"known_affected": ["V", "R", "ARCH", "N", "F", "L"]}}"#,
        ),
    )?;
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    let refs = |id: &str| -> Result<Vec<String>, String> {
        text_set(&entity(&x, id)?.facts, "product_refs")
    };
    assert_eq!(refs("CVE-1 @ csaf:V")?, ["csaf:V", "product:DEF@1.0"]);
    // A version range is not a version: nothing names the product.
    assert_eq!(refs("CVE-1 @ csaf:R")?, ["csaf:R"]);
    // Branches between the name and the version do not matter.
    assert_eq!(
        refs("CVE-1 @ pkg:generic/example/def@1.1")?,
        [
            "csaf:ARCH",
            "pkg:generic/example/def@1.1",
            "product:DEF@1.1"
        ]
    );
    // A product_name without a version names every version.
    assert_eq!(refs("CVE-1 @ csaf:N")?, ["csaf:N", "product:DEF"]);
    // No product_name on the path, or not in a branch: nothing.
    assert_eq!(refs("CVE-1 @ csaf:F")?, ["csaf:F"]);
    assert_eq!(refs("CVE-1 @ csaf:L")?, ["csaf:L"]);
    Ok(())
}

#[test]
fn other_ids_are_aliases() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &csaf(
            TREE,
            r#"{"cve": "CVE-2021-44228",
                "ids": [{"system_name": "GHSA", "text": "GHSA-jfh8-c2jp-5v3q"},
                        {"system_name": "NVD", "text": "cve-2021-44228"},
                        {"system_name": "blank", "text": " "}],
                "product_status": {"fixed": ["APP-1"]}},
               {"ids": [{"system_name": "GHSA", "text": "GHSA-aaaa-bbbb-cccc"},
                        {"system_name": "OSV", "text": "PYSEC-2024-1"},
                        {"system_name": "OSV", "text": "PYSEC-2024-1"}],
                "product_status": {"fixed": ["APP-1"]}},
               {"cve": "CVE-2", "ids": [], "product_status": {"fixed": ["APP-1"]}}"#,
        ),
    )?;
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    let app = "pkg:generic/example/app@1.0";
    let f = &entity(&x, &format!("CVE-2021-44228 @ {app}"))?.facts;
    // The CVE itself (in any case) and blank ids are not aliases.
    assert_eq!(text_set(f, "aliases")?, ["GHSA-jfh8-c2jp-5v3q"]);
    assert_eq!(at(f, "aliases")?, "/vulnerabilities/0/ids");
    // Without a `cve`, the first id names the vulnerability.
    let f = &entity(&x, &format!("GHSA-aaaa-bbbb-cccc @ {app}"))?.facts;
    assert_eq!(text(f, "vulnerability")?, "GHSA-aaaa-bbbb-cccc");
    assert_eq!(text_set(f, "aliases")?, ["PYSEC-2024-1"]);
    let f = &entity(&x, &format!("CVE-2 @ {app}"))?.facts;
    assert!(!has(f, "aliases"));
    Ok(())
}

#[test]
fn release_date_of_the_vulnerability_when_the_document_has_none() -> Result<(), String> {
    let doc = br#"{"document":{"category":"csaf_base","csaf_version":"2.0","tracking":{"current_release_date":"soon"}},
        "vulnerabilities":[{"cve":"CVE-1","release_date":"2024-01-02T03:04:05+01:00","product_status":{"fixed":["X"]}}]}"#;
    let x = ok("doc.json", doc)?;
    let e = entity(&x, "CVE-1 @ csaf:X")?;
    assert_eq!(
        datetime(&e.facts, "timestamp")?,
        "2024-01-02T03:04:05+01:00"
    );
    assert_eq!(
        at(&e.facts, "timestamp")?,
        "/vulnerabilities/0/release_date"
    );
    assert!(notes(&x)[0].starts_with("/document/tracking/current_release_date: "));
    Ok(())
}

#[test]
fn deep_branches_are_bounded() -> Result<(), String> {
    let depth = 40;
    let mut tree = String::from(
        r#"{"name":"leaf","category":"product_version","product":{"name":"x","product_id":"DEEP"}}"#,
    );
    for _ in 0..depth {
        tree = format!(r#"{{"name":"n","category":"vendor","branches":[{tree}]}}"#);
    }
    let x = ok(
        "doc.json",
        &csaf(
            &format!(r#"{{"branches":[{tree}]}}"#),
            r#"{"cve":"CVE-1","product_status":{"fixed":["DEEP"]}}"#,
        ),
    )?;
    let seen = notes(&x);
    assert!(
        seen.iter().any(|n| n.contains("deeper than 32 levels")),
        "{seen:?}"
    );
    assert!(
        seen.iter().any(|n| n.contains("\"DEEP\" is not defined")),
        "{seen:?}"
    );
    assert_eq!(x.entities.len(), 1);

    // Within the bound, a deep product is found.
    let mut tree = String::from(
        r#"{"name":"leaf","category":"product_version","product":{"name":"x","product_id":"DEEP","product_identification_helper":{"purl":"pkg:npm/deep@1"}}}"#,
    );
    for _ in 0..20 {
        tree = format!(r#"{{"name":"n","category":"vendor","branches":[{tree}]}}"#);
    }
    let x = ok(
        "doc.json",
        &csaf(
            &format!(r#"{{"branches":[{tree}]}}"#),
            r#"{"cve":"CVE-1","product_status":{"fixed":["DEEP"]}}"#,
        ),
    )?;
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    entity(&x, "CVE-1 @ pkg:npm/deep@1")?;
    Ok(())
}

#[test]
fn header_errors() -> Result<(), String> {
    let cases: [(&[u8], &str, &str); 6] = [
        (
            br#"{"document":{"category":"csaf_vex","csaf_version":"2.1"}}"#,
            "/document/csaf_version",
            "reads CSAF 2.0 only",
        ),
        (
            br#"{"document":{"category":"csaf_vex","csaf_version":2.0}}"#,
            "/document/csaf_version",
            "must be text",
        ),
        (
            br#"{"document":{"category":"csaf_vex"}}"#,
            "/document/csaf_version",
            "missing",
        ),
        (
            br#"{"document":{"csaf_version":"2.0"}}"#,
            "/document/category",
            "missing",
        ),
        (br#"{"document":[]}"#, "/document", "must be an object"),
        (
            br#"{"aggregator":{"category":"lister"},"aggregator_version":"2.0"}"#,
            "/document",
            "aggregator.json",
        ),
    ];
    for (doc, pointer, message) in cases {
        let (at, m) = err_at(doc)?;
        assert_eq!(at, pointer, "{m}");
        assert!(m.contains(message), "{m}");
    }
    let (_, m) = err_at(br#"{"title":"hello"}"#)?;
    assert!(m.contains("`document` is missing"), "{m}");
    Ok(())
}

#[test]
fn unknown_and_contradicting_statuses_are_errors() -> Result<(), String> {
    let (at, m) = err_at(&csaf(
        TREE,
        r#"{"cve":"CVE-1","product_status":{"known_affected":["APP-1"],"probably_fine":["LOG4J"]}}"#,
    ))?;
    assert_eq!(at, "/vulnerabilities/0/product_status/probably_fine");
    assert!(m.contains("not a CSAF product status"), "{m}");

    let (at, m) = err_at(&csaf(
        TREE,
        r#"{"cve":"CVE-1","product_status":{"known_not_affected":["APP-1"],"last_affected":["LOG4J","APP-1"]}}"#,
    ))?;
    assert_eq!(at, "/vulnerabilities/0/product_status/known_not_affected/0");
    assert!(m.contains("contradicting"), "{m}");
    assert!(
        m.contains("`last_affected` and `known_not_affected`"),
        "{m}"
    );
    Ok(())
}

#[test]
fn wrong_types_are_errors_with_pointers() -> Result<(), String> {
    let vulns = [
        (r#"{"cve":42}"#, "/vulnerabilities/0/cve"),
        (
            r#"{"cve":"CVE-1","product_status":[]}"#,
            "/vulnerabilities/0/product_status",
        ),
        (
            r#"{"cve":"CVE-1","product_status":{"fixed":"APP-1"}}"#,
            "/vulnerabilities/0/product_status/fixed",
        ),
        (
            r#"{"cve":"CVE-1","product_status":{"fixed":[7]}}"#,
            "/vulnerabilities/0/product_status/fixed/0",
        ),
        (
            r#"{"cve":"CVE-1","product_status":{"recommended":{}}}"#,
            "/vulnerabilities/0/product_status/recommended",
        ),
        (
            r#"{"cve":"CVE-1","product_status":{"fixed":["APP-1"]},"flags":{}}"#,
            "/vulnerabilities/0/flags",
        ),
        (
            r#"{"cve":"CVE-1","product_status":{"fixed":["APP-1"]},"flags":[{"label":1,"product_ids":["APP-1"]}]}"#,
            "/vulnerabilities/0/flags/0/label",
        ),
        (
            r#"{"cve":"CVE-1","product_status":{"fixed":["APP-1"]},"threats":[{"category":"impact","details":"x","product_ids":"APP-1"}]}"#,
            "/vulnerabilities/0/threats/0/product_ids",
        ),
        (
            r#"{"cve":"CVE-1","product_status":{"fixed":["APP-1"]},"scores":[{"products":["APP-1"],"cvss_v3":{"baseScore":"9.8"}}]}"#,
            "/vulnerabilities/0/scores/0/cvss_v3/baseScore",
        ),
        (
            r#"{"cve":"CVE-1","product_status":{"fixed":["APP-1"]},"scores":[{"products":["APP-1"],"cvss_v3":[]}]}"#,
            "/vulnerabilities/0/scores/0/cvss_v3",
        ),
        (
            r#"{"cve":"CVE-1","ids":[{"system_name":"a","text":"A-1"},{"system_name":"b","text":2}]}"#,
            "/vulnerabilities/0/ids/1/text",
        ),
        (r#"{"cve":"CVE-1","ids":{}}"#, "/vulnerabilities/0/ids"),
        (r#"3"#, "/vulnerabilities/0"),
    ];
    for (v, pointer) in vulns {
        let (at, m) = err_at(&csaf(TREE, v))?;
        assert_eq!(at, pointer, "{m}");
    }
    let trees = [
        (r#"[]"#, "/product_tree"),
        (r#"{"branches":{}}"#, "/product_tree/branches"),
        (
            r#"{"branches":[{"product":"x"}]}"#,
            "/product_tree/branches/0/product",
        ),
        (
            r#"{"branches":[{"category":"product_name","name":7}]}"#,
            "/product_tree/branches/0/name",
        ),
        (
            r#"{"branches":[{"category":[],"name":"x"}]}"#,
            "/product_tree/branches/0/category",
        ),
        (
            r#"{"full_product_names":[{"name":"x"}]}"#,
            "/product_tree/full_product_names/0",
        ),
        (
            r#"{"full_product_names":[{"name":"x","product_id":"X","product_identification_helper":{"purl":["p"]}}]}"#,
            "/product_tree/full_product_names/0/product_identification_helper/purl",
        ),
        (
            r#"{"relationships":[{"product_reference":"A","full_product_name":"A on B"}]}"#,
            "/product_tree/relationships/0/full_product_name",
        ),
        (
            r#"{"product_groups":[{"product_ids":["A"]}]}"#,
            "/product_tree/product_groups/0",
        ),
    ];
    for (tree, pointer) in trees {
        let (at, m) = err_at(&csaf(tree, ""))?;
        assert_eq!(at, pointer, "{m}");
    }
    let doc = br#"{"document":{"category":"csaf_vex","csaf_version":"2.0"},"vulnerabilities":{}}"#;
    let (at, m) = err_at(doc)?;
    assert_eq!(at, "/vulnerabilities");
    assert!(m.contains("must be an array, not an object"), "{m}");
    Ok(())
}

#[test]
fn broken_documents_are_errors_not_crashes() -> Result<(), String> {
    let whole = String::from_utf8(csaf(
        TREE,
        r#"{"cve":"CVE-1","product_status":{"fixed":["APP-1"]}}"#,
    ))
    .map_err(|e| e.to_string())?;
    ok("doc.json", whole.as_bytes())?;
    // Truncated.
    let e = err(whole.get(..whole.len() - 10).unwrap_or_default().as_bytes())?;
    assert!(e.message.contains("ends early"), "{}", e.message);
    assert!(matches!(e.location, Location::Line(_)));
    // Not an object.
    for doc in [&b"[]"[..], b"null", b"\"csaf\"", b"2.0"] {
        let e = err(doc)?;
        assert!(matches!(e.location, Location::Whole), "{:?}", e.location);
    }
    // Invalid UTF-8.
    let mut bad = whole.clone().into_bytes();
    bad.splice(12..12, [0xc3, 0x28]);
    let e = err(&bad)?;
    assert!(matches!(e.location, Location::Line(1)), "{:?}", e.location);
    // 10,000-deep nesting.
    let deep = format!(
        r#"{{"document":{{"category":"csaf_vex","csaf_version":"2.0"}},"vulnerabilities":{}{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert!(err(deep.as_bytes())?.message.contains("recursion limit"));
    // A 50 MB CVE and a 50 MB remediation.
    let huge = "C".repeat(50 * 1024 * 1024);
    let (at, m) = err_at(&csaf(
        TREE,
        &format!(r#"{{"cve":"{huge}","product_status":{{"fixed":["APP-1"]}}}}"#),
    ))?;
    assert_eq!(at, "/vulnerabilities/0/cve");
    assert!(m.len() < 300 && m.contains("bytes"), "{m}");
    let (at, _) = err_at(&csaf(
        TREE,
        &format!(
            r#"{{"cve":"CVE-1","product_status":{{"fixed":["APP-1"]}},"remediations":[{{"category":"vendor_fix","details":"{huge}","product_ids":["APP-1"]}}]}}"#
        ),
    ))?;
    assert_eq!(at, "/vulnerabilities/0/remediations/0/details");
    Ok(())
}

/// `fix_available`: a `vendor_fix` remediation's `date`, for each product it
/// names by id or group; the earliest of several; a mitigation or
/// workaround, however dated, is not a fix; a date that is not a date-time is
/// noted and not used.
#[test]
fn a_dated_vendor_fix_is_when_the_fix_became_available() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &csaf(
            TREE,
            r#"{"cve": "CVE-4", "product_status": {"known_affected": ["APP-1", "PLATFORM:LOG4J", "PLATFORM"]},
                "remediations": [
                  {"category": "vendor_fix", "date": "2024-03-01T00:00:00Z", "details": "Upgrade to 1.1", "group_ids": ["ALL"]},
                  {"category": "vendor_fix", "date": "2024-02-01T09:00:00+01:00", "details": "Hotfix 1.0.1", "product_ids": ["APP-1"]},
                  {"category": "vendor_fix", "date": "2024-04-01T00:00:00Z", "details": "Upgrade to 1.2", "product_ids": ["APP-1"]},
                  {"category": "mitigation", "date": "2023-01-01T00:00:00Z", "details": "Firewall it", "product_ids": ["PLATFORM"]},
                  {"category": "vendor_fix", "date": "soon", "details": "Upgrade", "product_ids": ["PLATFORM"]}
                ]}"#,
        ),
    )?;
    let app = entity(&x, "CVE-4 @ pkg:generic/example/app@1.0")?;
    assert_eq!(
        datetime(&app.facts, "fix_available")?,
        "2024-02-01T09:00:00+01:00"
    );
    assert_eq!(
        at(&app.facts, "fix_available")?,
        "/vulnerabilities/0/remediations/1/date"
    );
    let log4j = entity(
        &x,
        "CVE-4 @ pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
    )?;
    assert_eq!(
        datetime(&log4j.facts, "fix_available")?,
        "2024-03-01T00:00:00Z"
    );
    let platform = entity(&x, "CVE-4 @ cpe:/o:example:platform:9")?;
    assert!(!has(&platform.facts, "fix_available"));
    assert!(
        notes(&x)
            .iter()
            .any(|n| n.contains("remediation `date` \"soon\" is not an RFC 3339 date-time")),
        "{:?}",
        notes(&x)
    );
    Ok(())
}
