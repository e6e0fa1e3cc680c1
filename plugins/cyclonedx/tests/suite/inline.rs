//! The plugin over small inline documents: errors, nesting, the dependency
//! graph, duplicates, metadata variants and hostile shapes.

use crate::common::*;
use assure_plugin_sdk::Location;

/// A minimal CycloneDX 1.6 document with extra top-level members.
fn bom(members: &str) -> Vec<u8> {
    let sep = if members.is_empty() { "" } else { "," };
    format!(r#"{{"bomFormat":"CycloneDX","specVersion":"1.6"{sep}{members}}}"#).into_bytes()
}

#[test]
fn malformed_json_names_the_line() -> Result<(), String> {
    let e = err(
        b"{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\"\n  \"components\": []\n}",
    )?;
    assert!(matches!(e.location, Location::Line(4)), "{:?}", e.location);
    assert!(e.message.contains("not valid JSON"), "{}", e.message);
    Ok(())
}

#[test]
fn top_level_must_be_an_object() -> Result<(), String> {
    for doc in [&b"[]"[..], b"null", b"\"CycloneDX\"", b"3"] {
        let e = err(doc)?;
        assert!(matches!(e.location, Location::Whole), "{:?}", e.location);
    }
    Ok(())
}

#[test]
fn bom_format_must_be_cyclonedx() -> Result<(), String> {
    for doc in [
        &br#"{"bomFormat":"SPDX","specVersion":"1.6"}"#[..],
        br#"{"specVersion":"1.6"}"#,
        br#"{"bomFormat":7,"specVersion":"1.6"}"#,
        br#"{"bomFormat":"cyclonedx","specVersion":"1.6"}"#,
    ] {
        let e = err(doc)?;
        assert_eq!(pointer(&e.location)?, "/bomFormat");
    }
    Ok(())
}

#[test]
fn spec_version_must_be_1_2_or_later() -> Result<(), String> {
    for version in [
        r#""1.1""#,
        r#""1.0""#,
        r#""2.0""#,
        r#""1.""#,
        r#"".6""#,
        r#""1.6.1""#,
        r#""1.+6""#,
        r#""1.99999999999999999999""#,
        "1.4",
        "null",
    ] {
        let doc = format!(r#"{{"bomFormat":"CycloneDX","specVersion":{version}}}"#);
        let e = err(doc.as_bytes())?;
        assert_eq!(pointer(&e.location)?, "/specVersion", "{version}");
    }
    let e = err(br#"{"bomFormat":"CycloneDX","specVersion":"1.1"}"#)?;
    assert!(e.message.contains("no JSON form"), "{}", e.message);
    let e = err(br#"{"bomFormat":"CycloneDX"}"#)?;
    assert_eq!(pointer(&e.location)?, "/specVersion");
    Ok(())
}

#[test]
fn newer_spec_is_read_with_a_note() -> Result<(), String> {
    let x = ok(
        "doc.json",
        br#"{"bomFormat":"CycloneDX","specVersion":"1.7","components":[]}"#,
    )?;
    assert_eq!(long(&x.facts, "sbom.spec_minor")?, 7);
    assert_eq!(text(&x.facts, "sbom.spec_version")?, "1.7");
    assert_eq!(notes(&x).len(), 1);
    assert!(notes(&x).iter().all(|n| n.starts_with("/specVersion: ")));
    Ok(())
}

#[test]
fn components_must_be_an_array() -> Result<(), String> {
    for value in [r#"{"name":"x"}"#, "3", "null", r#""x""#] {
        let e = err(&bom(&format!(r#""components":{value}"#)))?;
        assert_eq!(pointer(&e.location)?, "/components");
    }
    Ok(())
}

#[test]
fn no_components_is_an_empty_sbom() -> Result<(), String> {
    let x = ok("doc.json", &bom(r#""vulnerabilities":[]"#))?;
    assert_eq!(long(&x.facts, "sbom.component_count")?, 0);
    assert_eq!(at(&x.facts, "sbom.component_count")?, "");
    assert!(!has(&x.facts, "sbom.purl_percent"));
    assert!(!has(&x.facts, "sbom.strong_hash_percent"));
    assert!(!boolean(&x.facts, "sbom.supplier_present")?);
    assert_eq!(at(&x.facts, "sbom.supplier_present")?, "");
    assert_eq!(long(&x.facts, "sbom.dangling_refs")?, 0);
    assert_eq!(at(&x.facts, "sbom.dangling_refs")?, "");
    assert!(!has(&x.facts, "sbom.tools"));

    // No components but vulnerabilities: VEX, not an SBOM. This one affects
    // nothing, so there is no Exposure either, and a note says why.
    let x = ok(
        "doc.json",
        &bom(r#""components":[],"vulnerabilities":[{"id":"CVE-1"}]"#),
    )?;
    assert!(x.facts.is_empty());
    assert!(x.entities.is_empty());
    assert_eq!(x.notes.len(), 2, "{:?}", notes(&x));
    Ok(())
}

#[test]
fn hostile_documents_are_errors_not_crashes() -> Result<(), String> {
    // Truncated.
    let full = bom(r#""components":[{"name":"a","purl":"pkg:npm/a@1"}]"#);
    for cut in [1, full.len() / 2, full.len() - 1] {
        let e = err(full.get(..cut).ok_or("cut")?)?;
        assert!(matches!(e.location, Location::Line(1)), "{:?}", e.location);
        assert!(e.message.contains("ends early"), "{}", e.message);
    }
    // Invalid UTF-8 inside a string.
    let mut bad = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":""#.to_vec();
    bad.extend(b"\xff\xfe\"}");
    let e = err(&bad)?;
    assert!(matches!(e.location, Location::Line(1)), "{:?}", e.location);
    assert!(e.message.contains("not valid JSON"), "{}", e.message);
    // 10,000 levels of nesting.
    let deep = format!(
        r#"{{"bomFormat":"CycloneDX","specVersion":"1.6","components":{}{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let e = err(deep.as_bytes())?;
    assert!(e.message.contains("recursion limit"), "{}", e.message);
    // A 50 MB text value.
    let huge = bom(&format!(
        r#""vulnerabilities":[{{"id":"CVE-1","description":"{}"}}]"#,
        "a".repeat(50_000_000)
    ));
    let e = err(&huge)?;
    assert_eq!(pointer(&e.location)?, "/vulnerabilities/0/description");
    assert!(e.message.contains("50000000 bytes"), "{}", e.message);
    // Wrong types: a number where text is due, an object where an array is.
    let e = err(br#"{"bomFormat":"CycloneDX","specVersion":1.6}"#)?;
    assert_eq!(pointer(&e.location)?, "/specVersion");
    let e = err(&bom(r#""components":{"name":"a"}"#))?;
    assert_eq!(pointer(&e.location)?, "/components");
    Ok(())
}

const NESTED: &str = r#"
    "metadata": {"component": {"bom-ref": "app", "name": "app",
        "components": [{"bom-ref": "app-part", "name": "part"}]}},
    "components": [
        {"bom-ref": "a", "name": "a", "purl": "pkg:npm/a@1", "type": "library",
         "hashes": [{"alg": "sha-256", "content": "aa"}],
         "components": [
            {"bom-ref": "a1", "name": "a1", "purl": "pkg:npm/a1@1",
             "hashes": [{"alg": "SHA-1", "content": "bb"}]},
            {"bom-ref": "a2", "name": "a2",
             "components": [{"name": "a2x", "hashes": [{"alg": "BLAKE3", "content": "cc"}]}]}
         ]},
        {"bom-ref": "b", "name": "b", "purl": "pkg:npm/b@1",
         "hashes": [{"alg": "MD5", "content": "ee"}, {"alg": "SHA-512", "content": "dd"}]}
    ],
    "services": [{"bom-ref": "svc", "name": "svc",
        "services": [{"bom-ref": "svc-inner", "name": "inner"}]}],
    "dependencies": [
        {"ref": "app", "dependsOn": ["a", "b", "svc-inner", "app-part"]},
        {"ref": "a", "dependsOn": ["a1", "a2", "ghost"]},
        {"ref": "phantom", "dependsOn": ["a2", 7]}
    ]"#;

#[test]
fn nested_components_and_dangling_references() -> Result<(), String> {
    let x = ok("doc.json", &bom(NESTED))?;
    let f = &x.facts;
    assert_eq!(long(f, "sbom.component_count")?, 5);
    assert_eq!(long(f, "sbom.purl_percent")?, 60);
    assert_eq!(at(f, "sbom.purl_percent")?, "/components/0/components/1");
    assert_eq!(long(f, "sbom.strong_hash_percent")?, 60);
    assert_eq!(
        at(f, "sbom.strong_hash_percent")?,
        "/components/0/components/0"
    );
    assert!(boolean(f, "sbom.dependency_graph")?);
    // "ghost", "phantom" and the number 7 name no bom-ref.
    assert_eq!(long(f, "sbom.dangling_refs")?, 3);
    assert_eq!(at(f, "sbom.dangling_refs")?, "/dependencies/1/dependsOn/2");
    assert!(
        notes(&x)
            .iter()
            .any(|n| n.starts_with("/dependencies/1/dependsOn/2: 3 ") && n.contains("\"ghost\"")),
        "{:?}",
        notes(&x)
    );

    assert_eq!(x.entities.len(), 5);
    let a = entity(&x, "pkg:npm/a@1")?;
    assert!(a.parents.is_empty());
    assert_eq!(text(&a.facts, "component_type")?, "library");
    assert_eq!(at(&a.facts, "strong_hash")?, "/components/0/hashes/0");
    let a1 = entity(&x, "pkg:npm/a1@1")?;
    assert_eq!(pointer(&a1.location)?, "/components/0/components/0");
    assert_eq!(a1.parents.len(), 1);
    assert!(
        a1.parents
            .iter()
            .all(|p| p.kind == "Component" && p.id == "pkg:npm/a@1")
    );
    assert!(!boolean(&a1.facts, "strong_hash")?);
    assert_eq!(text_set(&a1.facts, "hashes")?, ["SHA-1:bb"]);
    let a2 = entity(&x, "doc.json#a2")?;
    assert!(a2.parents.iter().all(|p| p.id == "pkg:npm/a@1"));
    assert_eq!(text(&a2.facts, "bom_ref")?, "a2");
    assert!(!has(&a2.facts, "purl"));
    assert!(text_set(&a2.facts, "licenses")?.is_empty());
    assert_eq!(at(&a2.facts, "licenses")?, "/components/0/components/1");
    let a2x = entity(&x, "doc.json#/components/0/components/1/components/0")?;
    assert!(a2x.parents.iter().all(|p| p.id == "doc.json#a2"));
    assert!(boolean(&a2x.facts, "strong_hash")?);
    let b = entity(&x, "pkg:npm/b@1")?;
    assert_eq!(text_set(&b.facts, "hashes")?, ["MD5:ee", "SHA-512:dd"]);
    assert_eq!(at(&b.facts, "strong_hash")?, "/components/1/hashes/1");
    Ok(())
}

#[test]
fn duplicate_purl_is_one_entity_and_a_note() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &bom(r#""components":[
            {"name":"x","purl":"pkg:npm/x@1"},
            {"name":"y"},
            {"name":"x-again","purl":"pkg:npm/x@1"}]"#),
    )?;
    assert_eq!(x.entities.len(), 2);
    assert_eq!(text(&entity(&x, "pkg:npm/x@1")?.facts, "name")?, "x");
    assert_eq!(long(&x.facts, "sbom.component_count")?, 3);
    assert_eq!(long(&x.facts, "sbom.purl_percent")?, 66);
    assert_eq!(at(&x.facts, "sbom.purl_percent")?, "/components/1");
    let notes = notes(&x);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes
            .iter()
            .all(|n| n.starts_with("/components/2: ") && n.contains("/components/0")),
        "{notes:?}"
    );
    Ok(())
}

#[test]
fn component_without_a_name() -> Result<(), String> {
    let x = ok("doc.json", &bom(r#""components":[{"type":"library"}]"#))?;
    let e = entity(&x, "doc.json#/components/0")?;
    assert_eq!(text(&e.facts, "name")?, "");
    assert_eq!(notes(&x), ["/components/0: component without a name"]);
    Ok(())
}

#[test]
fn tools_in_the_object_form() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &bom(r#""metadata":{"tools":{
            "components":[{"type":"application","name":"cdxgen","version":"10.0.0"}],
            "services":[{"name":"scanner"}]}},"components":[]"#),
    )?;
    assert_eq!(
        text_set(&x.facts, "sbom.tools")?,
        ["cdxgen 10.0.0", "scanner"]
    );
    assert_eq!(at(&x.facts, "sbom.tools")?, "/metadata/tools");
    Ok(())
}

#[test]
fn supplier_fallbacks() -> Result<(), String> {
    let cases = [
        (
            r#"{"manufacture":{"name":"Old Co"}}"#,
            "Old Co",
            "/metadata/manufacture/name",
        ),
        (
            r#"{"manufacturer":{"name":"New Co"}}"#,
            "New Co",
            "/metadata/manufacturer/name",
        ),
        (
            r#"{"manufacturer":{"name":"  "},"component":{"name":"p","supplier":{"name":"Sub Co"}}}"#,
            "Sub Co",
            "/metadata/component/supplier/name",
        ),
    ];
    for (metadata, name, pointer) in cases {
        let x = ok("doc.json", &bom(&format!(r#""metadata":{metadata}"#)))?;
        assert!(boolean(&x.facts, "sbom.supplier_present")?);
        assert_eq!(text(&x.facts, "sbom.supplier_name")?, name);
        assert_eq!(at(&x.facts, "sbom.supplier_name")?, pointer);
        assert_eq!(at(&x.facts, "sbom.supplier_present")?, pointer);
    }
    let x = ok("doc.json", &bom(r#""metadata":{"supplier":{"url":["x"]}}"#))?;
    assert!(!boolean(&x.facts, "sbom.supplier_present")?);
    assert_eq!(at(&x.facts, "sbom.supplier_present")?, "/metadata");
    assert!(!has(&x.facts, "sbom.supplier_name"));
    Ok(())
}

#[test]
fn timestamp_that_is_not_a_date_time_is_a_note() -> Result<(), String> {
    for value in ["12", r#""last tuesday""#] {
        let x = ok(
            "doc.json",
            &bom(&format!(r#""metadata":{{"timestamp":{value}}}"#)),
        )?;
        assert!(!has(&x.facts, "sbom.timestamp"));
        assert!(
            notes(&x)
                .iter()
                .all(|n| n.starts_with("/metadata/timestamp: "))
        );
        assert_eq!(x.notes.len(), 1);
    }
    Ok(())
}

#[test]
fn byte_order_mark_is_accepted() -> Result<(), String> {
    let mut doc = b"\xEF\xBB\xBF".to_vec();
    doc.extend(bom(r#""components":[]"#));
    let x = ok("doc.json", &doc)?;
    assert_eq!(long(&x.facts, "sbom.component_count")?, 0);
    Ok(())
}

#[test]
fn odd_shapes_do_not_panic() -> Result<(), String> {
    let deep = format!(
        r#""components":{}{{"name":"leaf"}}{}"#,
        r#"[{"name":"n","components":"#.repeat(40),
        "}]".repeat(40)
    );
    let members = [
        r#""components":[1,"x",null,[],true,{}]"#.to_owned(),
        r#""components":[{"name":5,"purl":{},"hashes":"no","licenses":[1,{"license":3},{"license":{"id":4}},{"expression":[]}],"components":{"a":1},"supplier":"s","version":1.5,"bom-ref":[],"type":null,"scope":false}]"#.to_owned(),
        r#""components":[{"hashes":[1,{"alg":5,"content":"x"},{"alg":"SHA-256"},{"alg":"SHA-256","content":""},{"alg":"SHA-256","content":7}]}]"#.to_owned(),
        r#""components":[{"name":"a","bom-ref":"r"},{"name":"b","bom-ref":"r"}]"#.to_owned(),
        r#""metadata":5"#.to_owned(),
        r#""metadata":{"tools":5,"supplier":"x","timestamp":{},"component":7,"manufacturer":[]}"#.to_owned(),
        r#""metadata":{"tools":{"components":3,"services":[1,{"name":2}]}}"#.to_owned(),
        r#""metadata":{"tools":[null,{"name":""},{"version":"1"}],"component":{"name":[],"version":{}}}"#.to_owned(),
        r#""dependencies":5"#.to_owned(),
        r#""dependencies":[1,{"ref":5,"dependsOn":"x"},{"dependsOn":[null]},{}]"#.to_owned(),
        r#""vulnerabilities":3"#.to_owned(),
        r#""services":7,"components":[{"name":"x","bom-ref":"x"}],"dependencies":[{"ref":"x"}]"#.to_owned(),
        r#""metadata":{"timestamp":"2024-99-99T99:99:99Z"}"#.to_owned(),
        r#""components":[{"name":"/~ é","bom-ref":"a/b~c"}]"#.to_owned(),
        deep,
    ];
    for member in &members {
        let x = ok("odd.json", &bom(member))?;
        assert!(has(&x.facts, "sbom.component_count"), "{member}");
    }
    let errors = [
        &b""[..],
        b"{",
        b"\xff\xfe",
        br#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":{"0":{}}}"#,
        br#"{"bomFormat":["CycloneDX"],"specVersion":"1.6"}"#,
    ];
    for doc in errors {
        assert!(run("odd.json", doc).is_err());
    }
    let nesting = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(run("odd.json", nesting.as_bytes()).is_err());
    Ok(())
}

#[test]
fn hostile_values_are_counted_or_noted() -> Result<(), String> {
    let x = ok(
        "odd.json",
        &bom(r#""components":[1,{"name":5,"purl":{},"version":1.5}]"#),
    )?;
    assert_eq!(long(&x.facts, "sbom.component_count")?, 1);
    assert_eq!(long(&x.facts, "sbom.purl_percent")?, 0);
    assert_eq!(at(&x.facts, "sbom.purl_percent")?, "/components/1");
    let e = entity(&x, "odd.json#/components/1")?;
    assert_eq!(text(&e.facts, "name")?, "");
    assert!(!has(&e.facts, "version"));
    let seen = notes(&x);
    assert!(
        seen.iter()
            .any(|n| n == "/components/0: component is not an object: skipped")
    );
    assert!(
        seen.iter()
            .any(|n| n == "/components/1/purl: `purl` is not text: ignored")
    );

    // Two components with one bom-ref and no purl: one entity and a note.
    let x = ok(
        "odd.json",
        &bom(r#""components":[{"name":"a","bom-ref":"r"},{"name":"b","bom-ref":"r"}]"#),
    )?;
    assert_eq!(x.entities.len(), 1);
    assert_eq!(long(&x.facts, "sbom.component_count")?, 2);
    assert!(
        notes(&x)
            .iter()
            .any(|n| n.starts_with("/components/1: ") && n.contains("bom-ref"))
    );
    Ok(())
}

/// `cdx:lifecycle:milestone:endOfSupport` (the CycloneDX property taxonomy):
/// a date or a date-time is the component's end of support; anything else
/// is noted and not used; of two, the earliest stands.
#[test]
fn end_of_support_from_the_property_taxonomy() -> Result<(), String> {
    let doc = bom(r#""components":[
        {"name":"a","purl":"pkg:npm/a@1","properties":[
            {"name":"cdx:npm:package:path","value":"node_modules/a"},
            {"name":"cdx:lifecycle:milestone:endOfSupport","value":"2025-06-30"}]},
        {"name":"b","purl":"pkg:npm/b@1","properties":[
            {"name":"cdx:lifecycle:milestone:endOfSupport","value":"2027-01-01T00:00:00Z"},
            {"name":"cdx:lifecycle:milestone:endOfSupport","value":"2026-03-31T12:00:00+01:00"}]},
        {"name":"c","purl":"pkg:npm/c@1","properties":[
            {"name":"cdx:lifecycle:milestone:endOfSupport","value":"end of 2025"},
            {"name":"cdx:lifecycle:milestone:endOfLife","value":"2020-01-01"}]},
        {"name":"d","purl":"pkg:npm/d@1"}
    ]"#);
    let x = ok("eos.json", &doc)?;
    let a = entity(&x, "pkg:npm/a@1")?;
    assert_eq!(datetime(&a.facts, "end_of_support")?, "2025-06-30");
    assert_eq!(
        at(&a.facts, "end_of_support")?,
        "/components/0/properties/1/value"
    );
    let b = entity(&x, "pkg:npm/b@1")?;
    assert_eq!(
        datetime(&b.facts, "end_of_support")?,
        "2026-03-31T12:00:00+01:00"
    );
    assert_eq!(
        at(&b.facts, "end_of_support")?,
        "/components/1/properties/1/value"
    );
    // Not a date; and endOfLife (the end of sale) is not the end of support.
    let c = entity(&x, "pkg:npm/c@1")?;
    assert!(!has(&c.facts, "end_of_support"));
    assert!(
        notes(&x)
            .iter()
            .any(|n| n.contains("\"end of 2025\" is not a date")),
        "{:?}",
        notes(&x)
    );
    assert!(!has(&entity(&x, "pkg:npm/d@1")?.facts, "end_of_support"));
    Ok(())
}

/// `metadata.lifecycles`: phases and custom names; a phase CycloneDX does
/// not define is kept with a note; an entry with neither is noted.
#[test]
fn metadata_lifecycles_as_written() -> Result<(), String> {
    let doc = bom(
        r#""metadata":{"lifecycles":[{"phase":"design"},{"phase":"compile"},{"name":"uat"},{"description":"?"}]},"components":[]"#,
    );
    let x = ok("lc.json", &doc)?;
    // It names no tool, and says so (R5.6 judges it).
    assert!(!boolean(&x.facts, "sbom.tool_named")?);
    assert_eq!(at(&x.facts, "sbom.tool_named")?, "/metadata");
    assert_eq!(
        text_set(&x.facts, "sbom.lifecycles")?,
        ["compile", "design", "uat"]
    );
    let said = notes(&x);
    assert!(
        said.iter()
            .any(|n| n.contains("\"compile\" is not one CycloneDX defines")),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|n| n.contains("neither a `phase` nor a `name`")),
        "{said:?}"
    );
    let x = ok(
        "lc.json",
        &bom(r#""metadata":{"lifecycles":{"phase":"build"}},"components":[]"#),
    )?;
    assert!(!has(&x.facts, "sbom.lifecycles"));
    assert!(notes(&x).iter().any(|n| n.contains("not an array")));
    Ok(())
}
