//! The plugin over small inline documents: subcomponents, history, notes,
//! errors and hostile shapes.

#![expect(clippy::indexing_slicing, reason = "tests")]

use crate::common::*;
use assure_plugin_openvex::{FACT_PATHS, MEDIA_TYPE, describe};
use assure_plugin_sdk::Location;

/// An OpenVEX 0.2.0 document with these statements (JSON text).
fn vex(statements: &str) -> Vec<u8> {
    format!(
        r#"{{"@context":"https://openvex.dev/ns/v0.2.0","@id":"https://example.com/vex-1",
        "author":"Example","timestamp":"2024-01-10T00:00:00Z","version":1,
        "statements":[{statements}]}}"#
    )
    .into_bytes()
}

/// One statement about CVE-1 with these extra members.
fn statement(members: &str) -> String {
    format!(r#"{{"vulnerability":{{"name":"CVE-1"}},{members}}}"#)
}

#[test]
fn describes_itself() {
    let info = describe();
    assert_eq!(info.name, "openvex");
    assert_eq!(info.media_types, [MEDIA_TYPE]);
    assert_eq!(MEDIA_TYPE, "application/openvex+json");
    assert_eq!(info.fact_paths.len(), FACT_PATHS.len());
    assert!(info.fact_paths.iter().all(|p| p.starts_with("Exposure.")));
    assert!(!info.fact_paths.iter().any(|p| p.ends_with(".matched")));
    assert!(info.fact_paths.iter().any(|p| p == "Exposure.aliases"));
    assert!(
        info.fact_paths
            .iter()
            .any(|p| p == "Exposure.product_scope")
    );
}

#[test]
fn subcomponents_are_what_the_statement_concerns() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &vex(&statement(
            r#""status":"affected","action_statement":"Upgrade to 2.17.1",
            "products":[{"@id":"pkg:oci/app@sha256%3Aabc",
              "subcomponents":[
                {"@id":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                 "identifiers":{"cpe23":"cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"},
                 "hashes":{"sha-256":"deadbeef"}},
                {"identifiers":{"purl":"pkg:npm/left-pad@1.3.0","cpe22":"cpe:/a:left-pad:left-pad:1.3.0"}}
              ]}]"#,
        )),
    )?;
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    assert_eq!(x.entities.len(), 2);
    let log4j = entity(
        &x,
        "CVE-1 @ pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
    )?;
    assert_eq!(
        pointer(&log4j.location)?,
        "/statements/0/products/0/subcomponents/0"
    );
    let f = &log4j.facts;
    assert_eq!(text(f, "status")?, "affected");
    assert_eq!(text(f, "action_statement")?, "Upgrade to 2.17.1");
    assert_eq!(
        text_set(f, "product_refs")?,
        [
            "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*",
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
        ]
    );
    assert_eq!(
        at(f, "product_refs")?,
        "/statements/0/products/0/subcomponents/0"
    );
    assert_eq!(text_set(f, "product_scope")?, ["pkg:oci/app@sha256%3Aabc"]);
    assert_eq!(at(f, "product_scope")?, "/statements/0/products/0");
    // No `@id`: the purl is the primary identifier.
    let pad = entity(&x, "CVE-1 @ pkg:npm/left-pad@1.3.0")?;
    assert_eq!(
        text_set(&pad.facts, "product_refs")?,
        ["cpe:/a:left-pad:left-pad:1.3.0", "pkg:npm/left-pad@1.3.0"]
    );
    // The statement inherits the document's timestamp.
    assert_eq!(datetime(&pad.facts, "timestamp")?, "2024-01-10T00:00:00Z");
    Ok(())
}

#[test]
fn aliases_are_other_ids_of_the_vulnerability() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &vex(&[
            // Named by a GHSA id, the CVE among its aliases: the name stays.
            r#"{"vulnerability":{"@id":"https://osv.dev/GHSA-jfh8-c2jp-5v3q","name":"GHSA-jfh8-c2jp-5v3q",
                "aliases":["CVE-2021-44228"," ","ghsa-JFH8-c2jp-5v3q","CVE-2021-44228"]},
              "products":[{"@id":"pkg:npm/a@1"}],"status":"affected"}"#,
            r#"{"vulnerability":{"name":"CVE-2","aliases":[]},"products":[{"@id":"pkg:npm/a@1"}],"status":"fixed"}"#,
        ]
        .join(",")),
    )?;
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    let f = &entity(&x, "GHSA-jfh8-c2jp-5v3q @ pkg:npm/a@1")?.facts;
    assert_eq!(text(f, "vulnerability")?, "GHSA-jfh8-c2jp-5v3q");
    // Blank ones and the name itself (in any case) are not aliases.
    assert_eq!(text_set(f, "aliases")?, ["CVE-2021-44228"]);
    assert_eq!(at(f, "aliases")?, "/statements/0/vulnerability/aliases");
    assert!(!has(&entity(&x, "CVE-2 @ pkg:npm/a@1")?.facts, "aliases"));
    Ok(())
}

#[test]
fn a_bare_product_id_names_the_product() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &vex(&statement(
            r#""status":"fixed","products":[
                {"@id":"Example DEF"},
                {"@id":"https://example.com/products/def"},
                {"@id":"pkg:generic/def@1.0"},
                {"identifiers":{"purl":"pkg:generic/ghi@2"}},
                {"@id":"JKL","subcomponents":[{"@id":"libjkl"}]}]"#,
        )),
    )?;
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    let refs = |id: &str| -> Result<Vec<String>, String> {
        text_set(&entity(&x, id)?.facts, "product_refs")
    };
    // The Exposure is still identified by the product's own `@id`.
    assert_eq!(
        refs("CVE-1 @ Example DEF")?,
        ["Example DEF", "product:Example DEF"]
    );
    assert_eq!(
        refs("CVE-1 @ https://example.com/products/def")?,
        ["https://example.com/products/def"]
    );
    assert_eq!(
        refs("CVE-1 @ pkg:generic/def@1.0")?,
        ["pkg:generic/def@1.0"]
    );
    assert_eq!(refs("CVE-1 @ pkg:generic/ghi@2")?, ["pkg:generic/ghi@2"]);
    // A subcomponent is a part, not the product: no `product:` reference.
    assert_eq!(refs("CVE-1 @ libjkl")?, ["libjkl"]);
    // Its scope is the product, named by its bare name.
    assert_eq!(
        text_set(&entity(&x, "CVE-1 @ libjkl")?.facts, "product_scope")?,
        ["JKL", "product:JKL"]
    );
    assert!(!has(
        &entity(&x, "CVE-1 @ Example DEF")?.facts,
        "product_scope"
    ));
    Ok(())
}

#[test]
fn legacy_statement_level_subcomponents() -> Result<(), String> {
    let doc = br#"{"@context":"https://openvex.dev/ns/v0.0.1","statements":[
        {"vulnerability":"CVE-2","products":["pkg:oci/a","pkg:oci/b"],
         "subcomponents":["pkg:npm/x@1"],"status":"fixed"}]}"#;
    let x = ok("legacy.json", doc)?;
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    // Part of both products: read once for each, with that product's scope.
    let found = entities(&x, "CVE-2 @ pkg:npm/x@1");
    assert_eq!(x.entities.len(), 2);
    assert_eq!(found.len(), 2);
    for (i, e) in found.iter().enumerate() {
        assert_eq!(pointer(&e.location)?, "/statements/0/subcomponents/0");
        assert!(!has(&e.facts, "timestamp"));
        assert_eq!(text_set(&e.facts, "product_refs")?, ["pkg:npm/x@1"]);
        let product = ["pkg:oci/a", "pkg:oci/b"][i];
        assert_eq!(text_set(&e.facts, "product_scope")?, [product]);
        assert_eq!(
            at(&e.facts, "product_scope")?,
            format!("/statements/0/products/{i}")
        );
    }

    // Named twice under one product: read once, with a note.
    let doc = br#"{"@context":"https://openvex.dev/ns/v0.0.1","statements":[
        {"vulnerability":"CVE-2","products":["pkg:oci/a","pkg:oci/a"],
         "subcomponents":["pkg:npm/x@1"],"status":"fixed"}]}"#;
    let x = ok("legacy.json", doc)?;
    assert_eq!(x.entities.len(), 1);
    assert_eq!(x.notes.len(), 1, "{:?}", notes(&x));
    assert!(notes(&x)[0].contains("more than once"));
    Ok(())
}

const LOG4J: &str = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1";

/// A statement about log4j-core as a subcomponent of `product` (a JSON
/// object's members), with these extra members.
fn log4j_in(product: &str, members: &str) -> String {
    format!(
        r#"{{"vulnerability":{{"name":"CVE-2021-44228"}},
        "products":[{{{product},"subcomponents":[{{"@id":"{LOG4J}"}}]}}],{members}}}"#
    )
}

#[test]
fn a_subcomponent_carries_the_product_it_is_part_of() -> Result<(), String> {
    // The issue's case: a justified not_affected about log4j-core in a
    // product that is not the one submitted.
    let x = ok(
        "doc.json",
        &vex(&log4j_in(
            r#""@id":"pkg:npm/unrelated-product@1.0.0""#,
            r#""status":"not_affected","justification":"vulnerable_code_not_present""#,
        )),
    )?;
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    let e = entity(&x, &format!("CVE-2021-44228 @ {LOG4J}"))?;
    let f = &e.facts;
    assert_eq!(text(f, "status")?, "not_affected");
    assert_eq!(text_set(f, "product_refs")?, [LOG4J]);
    assert_eq!(
        text_set(f, "product_scope")?,
        ["pkg:npm/unrelated-product@1.0.0"]
    );
    assert_eq!(at(f, "product_scope")?, "/statements/0/products/0");

    // Every identifier of the product, and `product:<@id>` for a bare name;
    // the next version of the product is another product.
    let x = ok(
        "doc.json",
        &vex(&[
            log4j_in(
                r#""@id":"Example App","identifiers":{"purl":"pkg:generic/example/app@1.4.0",
                  "cpe23":"cpe:2.3:a:example:app:1.4.0:*:*:*:*:*:*:*","cpe22":"cpe:/a:example:app:1.4.0"}"#,
                r#""status":"fixed""#,
            ),
            log4j_in(
                r#""identifiers":{"purl":"pkg:generic/example/app@1.4.0"}"#,
                r#""status":"fixed""#,
            ),
        ]
        .join(",")),
    )?;
    let found = entities(&x, &format!("CVE-2021-44228 @ {LOG4J}"));
    assert_eq!(found.len(), 2, "{:?}", notes(&x));
    let scope = |i: usize| -> Result<Vec<String>, String> {
        text_set(&found.get(i).ok_or("missing")?.facts, "product_scope")
    };
    assert_eq!(
        scope(0)?,
        [
            "Example App",
            "cpe:/a:example:app:1.4.0",
            "cpe:2.3:a:example:app:1.4.0:*:*:*:*:*:*:*",
            "pkg:generic/example/app@1.4.0",
            "product:Example App",
        ]
    );
    assert_eq!(scope(1)?, ["pkg:generic/example/app@1.4.0"]);

    // A product that is itself the subject has no scope.
    let x = ok(
        "doc.json",
        &vex(&statement(
            r#""status":"fixed","products":[{"@id":"pkg:npm/a@1"}]"#,
        )),
    )?;
    assert!(!has(
        &entity(&x, "CVE-1 @ pkg:npm/a@1")?.facts,
        "product_scope"
    ));

    // A product that names nothing: its subcomponents stand without a scope,
    // and a note says so.
    let x = ok(
        "doc.json",
        &vex(&log4j_in(
            r#""hashes":{"sha-256":"ab"}"#,
            r#""status":"fixed""#,
        )),
    )?;
    let e = entity(&x, &format!("CVE-2021-44228 @ {LOG4J}"))?;
    assert!(!has(&e.facts, "product_scope"));
    assert_eq!(notes(&x).len(), 1, "{:?}", notes(&x));
    assert!(notes(&x)[0].starts_with("/statements/0/products/0: product without"));
    Ok(())
}

#[test]
fn statements_about_two_products_never_supersede_each_other() -> Result<(), String> {
    let id = format!("CVE-2021-44228 @ {LOG4J}");
    // About product A, then a later one about product B.
    let x = ok(
        "doc.json",
        &vex(&[
            log4j_in(
                r#""@id":"pkg:generic/example/a@1.3.0""#,
                r#""timestamp":"2024-02-01T00:00:00Z","status":"affected""#,
            ),
            log4j_in(
                r#""@id":"pkg:generic/example/b@2.0""#,
                r#""timestamp":"2024-03-01T00:00:00Z","status":"not_affected","justification":"component_not_present""#,
            ),
        ]
        .join(",")),
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
        ["pkg:generic/example/a@1.3.0"]
    );
    assert_eq!(at(&a.facts, "product_scope")?, "/statements/0/products/0");
    assert_eq!(text(&b.facts, "status")?, "not_affected");
    assert_eq!(
        text_set(&b.facts, "product_scope")?,
        ["pkg:generic/example/b@2.0"]
    );
    assert_eq!(at(&b.facts, "product_scope")?, "/statements/1/products/0");

    // About product A twice: the later supersedes, with a note.
    let x = ok(
        "doc.json",
        &vex(&[
            log4j_in(
                r#""@id":"pkg:generic/example/a@1.3.0""#,
                r#""timestamp":"2024-02-01T00:00:00Z","status":"affected""#,
            ),
            log4j_in(
                r#""@id":"pkg:generic/example/a@1.3.0""#,
                r#""timestamp":"2024-03-01T00:00:00Z","status":"fixed""#,
            ),
        ]
        .join(",")),
    )?;
    let e = entity(&x, &id)?;
    assert_eq!(text(&e.facts, "status")?, "fixed");
    assert_eq!(
        text_set(&e.facts, "product_scope")?,
        ["pkg:generic/example/a@1.3.0"]
    );
    assert_eq!(
        notes(&x),
        [format!(
            "/statements/0/products/0/subcomponents/0: statement about CVE-2021-44228 for \"{LOG4J}\" (affected) is superseded by the later statement at /statements/1 (fixed): only the latest is read"
        )]
    );
    Ok(())
}

#[test]
fn the_latest_statement_wins_whatever_its_place() -> Result<(), String> {
    let older_last = vex(&[
        statement(
            r#""timestamp":"2024-03-01T00:00:00Z","products":[{"@id":"pkg:npm/a@1"}],"status":"fixed""#,
        ),
        statement(
            r#""timestamp":"2024-02-01T00:00:00+01:00","products":[{"@id":"pkg:npm/a@1"}],"status":"affected""#,
        ),
    ]
    .join(","));
    let x = ok("doc.json", &older_last)?;
    assert_eq!(x.entities.len(), 1);
    let e = entity(&x, "CVE-1 @ pkg:npm/a@1")?;
    assert_eq!(text(&e.facts, "status")?, "fixed");
    assert_eq!(pointer(&e.location)?, "/statements/0/products/0");
    assert!(
        notes(&x)
            .iter()
            .all(|n| n.starts_with("/statements/1/products/0: ") && n.contains("/statements/0")),
        "{:?}",
        notes(&x)
    );

    // Equal timestamps (here, in two offsets): the later in the document.
    let tie = vex(&[
        statement(
            r#""timestamp":"2024-03-01T01:00:00+01:00","products":[{"@id":"pkg:npm/a@1"}],"status":"under_investigation""#,
        ),
        statement(
            r#""timestamp":"2024-03-01T00:00:00Z","products":[{"@id":"pkg:npm/a@1"}],"status":"not_affected","impact_statement":"not loaded""#,
        ),
        statement(r#""products":[{"@id":"pkg:npm/b@1"}],"status":"affected""#),
    ]
    .join(","));
    let x = ok("doc.json", &tie)?;
    assert_eq!(x.entities.len(), 2);
    let a = entity(&x, "CVE-1 @ pkg:npm/a@1")?;
    assert_eq!(text(&a.facts, "status")?, "not_affected");
    assert_eq!(text(&a.facts, "impact_statement")?, "not loaded");
    assert_eq!(notes(&x).len(), 1, "{:?}", notes(&x));
    assert!(notes(&x)[0].starts_with("/statements/0/products/0: "));
    Ok(())
}

#[test]
fn not_affected_without_justification_is_kept_with_a_note() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &vex(&statement(
            r#""products":[{"@id":"pkg:npm/a@1"}],"status":"not_affected""#,
        )),
    )?;
    let e = entity(&x, "CVE-1 @ pkg:npm/a@1")?;
    assert_eq!(text(&e.facts, "status")?, "not_affected");
    assert!(!has(&e.facts, "justification"));
    assert_eq!(notes(&x).len(), 1);
    assert!(notes(&x)[0].starts_with("/statements/0: not_affected statement about CVE-1 without"));

    // An unknown justification word is kept as written, with a note.
    let x = ok(
        "doc.json",
        &vex(&statement(
            r#""products":[{"@id":"pkg:npm/a@1"}],"status":"not_affected","justification":"trust_me""#,
        )),
    )?;
    let e = entity(&x, "CVE-1 @ pkg:npm/a@1")?;
    assert_eq!(text(&e.facts, "justification")?, "trust_me");
    assert!(notes(&x)[0].starts_with("/statements/0/justification: "));
    Ok(())
}

#[test]
fn statement_without_products_is_noted_not_dropped() -> Result<(), String> {
    for products in ["", r#","products":[]"#, r#","products":null"#] {
        let x = ok(
            "doc.json",
            &vex(&statement(&format!(r#""status":"affected"{products}"#))),
        )?;
        assert!(x.entities.is_empty());
        assert_eq!(
            notes(&x),
            [
                "/statements/0: statement about CVE-1 names no product: it applies to nothing and gives no exposure"
            ]
        );
    }
    // A product with no identifier at all.
    let x = ok(
        "doc.json",
        &vex(&statement(
            r#""status":"affected","products":[{"hashes":{"sha-256":"ab"}},""]"#,
        )),
    )?;
    assert!(x.entities.is_empty());
    assert_eq!(notes(&x).len(), 2);
    assert!(notes(&x)[0].starts_with("/statements/0/products/0: product without"));
    assert!(notes(&x)[1].starts_with("/statements/0/products/1: product without"));
    Ok(())
}

#[test]
fn context_must_be_openvex() -> Result<(), String> {
    for doc in [
        &br#"{"statements":[]}"#[..],
        br#"{"@context":"https://cyclonedx.org/","statements":[]}"#,
        br#"{"@context":7,"statements":[]}"#,
        br#"{"@context":"https://openvex.dev.evil/ns/v0.2.0","statements":[]}"#,
    ] {
        let (at, message) = err_at(doc)?;
        assert_eq!(at, "/@context", "{message}");
    }
    let (_, message) = err_at(br#"{"@context":"https://example.com/","statements":[]}"#)?;
    assert!(message.contains("not an OpenVEX document"), "{message}");

    let x = ok(
        "doc.json",
        br#"{"@context":"https://openvex.dev/ns/v0.3.0","statements":[]}"#,
    )?;
    let seen = notes(&x);
    assert!(
        seen.iter()
            .any(|n| n.starts_with("/@context: ") && n.contains("v0.3.0")),
        "{seen:?}"
    );
    let x = ok(
        "doc.json",
        br#"{"@context":["https://www.w3.org/ns/x","https://openvex.dev/ns/v0.2.0"],"statements":[]}"#,
    )?;
    assert_eq!(
        notes(&x),
        ["/statements: the document has no statements: it says nothing"]
    );
    Ok(())
}

#[test]
fn unknown_status_and_missing_parts_are_errors() -> Result<(), String> {
    let cases = [
        (
            statement(r#""products":["p"],"status":"exploitable""#),
            "/statements/0/status",
            "not an OpenVEX status",
        ),
        (
            statement(r#""products":["p"]"#),
            "/statements/0",
            "without a `status`",
        ),
        (
            r#"{"products":["p"],"status":"fixed"}"#.to_owned(),
            "/statements/0",
            "without a `vulnerability`",
        ),
        (
            r#"{"vulnerability":{"aliases":["x"]},"products":["p"],"status":"fixed"}"#.to_owned(),
            "/statements/0/vulnerability",
            "names nothing",
        ),
    ];
    for (s, pointer, message) in cases {
        let (at, m) = err_at(&vex(&s))?;
        assert_eq!(at, pointer, "{m}");
        assert!(m.contains(message), "{m}");
    }
    let (at, m) = err_at(br#"{"@context":"https://openvex.dev/ns/v0.2.0"}"#)?;
    assert_eq!(at, "/statements", "{m}");
    Ok(())
}

#[test]
fn wrong_types_are_errors_with_pointers() -> Result<(), String> {
    let cases = [
        (
            statement(r#""products":["p"],"status":7"#),
            "/statements/0/status",
        ),
        (
            r#"{"vulnerability":42,"products":["p"],"status":"fixed"}"#.to_owned(),
            "/statements/0/vulnerability",
        ),
        (
            r#"{"vulnerability":{"name":["CVE-1"]},"products":["p"],"status":"fixed"}"#.to_owned(),
            "/statements/0/vulnerability/name",
        ),
        (
            r#"{"vulnerability":{"name":"CVE-1","aliases":"CVE-2"},"products":["p"],"status":"fixed"}"#.to_owned(),
            "/statements/0/vulnerability/aliases",
        ),
        (
            r#"{"vulnerability":{"name":"CVE-1","aliases":["CVE-2",{}]},"products":["p"],"status":"fixed"}"#.to_owned(),
            "/statements/0/vulnerability/aliases/1",
        ),
        (
            statement(r#""products":{"@id":"p"},"status":"fixed""#),
            "/statements/0/products",
        ),
        (
            statement(r#""products":[3],"status":"fixed""#),
            "/statements/0/products/0",
        ),
        (
            statement(r#""products":[{"@id":"p","identifiers":["pkg:npm/a"]}],"status":"fixed""#),
            "/statements/0/products/0/identifiers",
        ),
        (
            statement(r#""products":[{"@id":"p","subcomponents":{}}],"status":"fixed""#),
            "/statements/0/products/0/subcomponents",
        ),
        (
            statement(r#""products":["p"],"status":"not_affected","justification":1"#),
            "/statements/0/justification",
        ),
        (
            statement(r#""products":["p"],"status":"fixed","timestamp":20240101"#),
            "/statements/0/timestamp",
        ),
        ("[]".to_owned(), "/statements/0"),
    ];
    for (s, pointer) in cases {
        let (at, m) = err_at(&vex(&s))?;
        assert_eq!(at, pointer, "{m}");
    }
    let (at, m) = err_at(br#"{"@context":"https://openvex.dev/ns/v0.2.0","statements":{}}"#)?;
    assert_eq!(at, "/statements");
    assert!(m.contains("must be an array, not an object"), "{m}");
    Ok(())
}

#[test]
fn bad_timestamps_are_noted() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &vex(&statement(
            r#""products":["p"],"status":"fixed","timestamp":"2024-02-30T00:00:00Z""#,
        )),
    )?;
    let e = entity(&x, "CVE-1 @ p")?;
    assert_eq!(datetime(&e.facts, "timestamp")?, "2024-01-10T00:00:00Z");
    assert!(notes(&x)[0].starts_with("/statements/0/timestamp: "));

    let doc = br#"{"@context":"https://openvex.dev/ns/v0.2.0","timestamp":"last week",
        "statements":[{"vulnerability":{"name":"CVE-1"},"products":["p"],"status":"fixed"}]}"#;
    let x = ok("doc.json", doc)?;
    assert!(!has(&entity(&x, "CVE-1 @ p")?.facts, "timestamp"));
    assert_eq!(notes(&x).len(), 1);
    assert!(notes(&x)[0].starts_with("/timestamp: "));
    Ok(())
}

#[test]
fn broken_documents_are_errors_not_crashes() -> Result<(), String> {
    let whole = String::from_utf8(vex(&statement(r#""products":["p"],"status":"fixed""#)))
        .map_err(|e| e.to_string())?;
    // Truncated.
    let truncated = whole.get(..whole.len() / 2).unwrap_or_default();
    let e = err(truncated.as_bytes())?;
    assert!(e.message.contains("ends early"), "{}", e.message);
    assert!(matches!(e.location, Location::Line(_)));
    // Not an object.
    for doc in [&b"[]"[..], b"null", b"\"openvex\"", b"3"] {
        let e = err(doc)?;
        assert!(matches!(e.location, Location::Whole), "{:?}", e.location);
    }
    // Invalid UTF-8.
    let mut bad = whole.clone().into_bytes();
    bad.splice(20..20, [0xff, 0xfe]);
    let e = err(&bad)?;
    assert!(matches!(e.location, Location::Line(1)), "{:?}", e.location);
    // 10,000-deep nesting.
    let deep = format!(
        r#"{{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{}{}]}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let e = err(deep.as_bytes())?;
    assert!(e.message.contains("not valid JSON") || e.message.contains("unexpected"));
    // A 50 MB vulnerability name, and a 50 MB justification.
    let huge = "A".repeat(50 * 1024 * 1024);
    let (at, m) = err_at(&vex(&format!(
        r#"{{"vulnerability":{{"name":"{huge}"}},"products":["p"],"status":"fixed"}}"#
    )))?;
    assert_eq!(at, "/statements/0/vulnerability/name");
    assert!(m.contains("bytes long"), "{}", m.get(..200).unwrap_or(&m));
    let (at, m) = err_at(&vex(&statement(&format!(
        r#""products":["p"],"status":"not_affected","justification":"{huge}""#
    ))))?;
    assert_eq!(at, "/statements/0/justification");
    assert!(m.len() < 300, "the message does not quote the value");
    Ok(())
}
