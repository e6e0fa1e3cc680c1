//! The plugin over small inline documents: errors, the subject, NOASSERTION,
//! relationships, duplicates and hostile shapes.

use crate::common::*;
use assure_plugin_sdk::Location;

/// A minimal SPDX 2.3 document with extra top-level members, and a
/// `creationInfo` unless the members bring their own.
fn spdx(members: &str) -> Vec<u8> {
    let creation = if members.contains(r#""creationInfo""#) {
        ""
    } else {
        r#","creationInfo":{"created":"2024-01-01T00:00:00Z","creators":["Tool: test"]}"#
    };
    let sep = if members.is_empty() { "" } else { "," };
    format!(
        r#"{{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"doc"{creation}{sep}{members}}}"#
    )
    .into_bytes()
}

/// A document whose subject is `SPDXRef-app`, with `packages` after it.
fn with_subject(packages: &str, relationships: &str) -> Vec<u8> {
    let sep = if packages.is_empty() { "" } else { "," };
    let rsep = if relationships.is_empty() { "" } else { "," };
    spdx(&format!(
        r#""packages":[{{"SPDXID":"SPDXRef-app","name":"app","versionInfo":"2.0"}}{sep}{packages}],
           "relationships":[{{"spdxElementId":"SPDXRef-DOCUMENT","relationshipType":"DESCRIBES","relatedSpdxElement":"SPDXRef-app"}}{rsep}{relationships}]"#
    ))
}

#[test]
fn malformed_json_names_the_line() -> Result<(), String> {
    let e = err(b"{\n  \"spdxVersion\": \"SPDX-2.3\",\n  \"packages\": [\n")?;
    assert!(matches!(e.location, Location::Line(_)), "{:?}", e.location);
    assert!(e.message.contains("ends early"), "{}", e.message);
    let e = err(b"{\n  \"spdxVersion\": \"SPDX-2.3\"\n  \"packages\": []\n}")?;
    assert!(matches!(e.location, Location::Line(3)), "{:?}", e.location);
    assert!(e.message.contains("not valid JSON"), "{}", e.message);
    Ok(())
}

#[test]
fn top_level_must_be_an_object() -> Result<(), String> {
    for doc in [&b"[]"[..], b"null", b"\"SPDX-2.3\"", b"3"] {
        let e = err(doc)?;
        assert!(matches!(e.location, Location::Whole), "{:?}", e.location);
        assert!(e.message.contains("JSON object"), "{}", e.message);
    }
    Ok(())
}

#[test]
fn only_spdx_2_2_and_2_3_are_read() -> Result<(), String> {
    let x = ok(
        "doc.json",
        br#"{"spdxVersion":"SPDX-2.2","SPDXID":"SPDXRef-DOCUMENT"}"#,
    )?;
    assert_eq!(text(&x.facts, "sbom.spec_version")?, "2.2");
    assert_eq!(long(&x.facts, "sbom.spec_major")?, 2);
    assert_eq!(long(&x.facts, "sbom.spec_minor")?, 2);

    for version in [
        r#""SPDX-2.1""#,
        r#""SPDX-3.0""#,
        r#""2.3""#,
        r#""SPDX-2.3.1""#,
        r#""spdx-2.3""#,
        "2.3",
        "null",
        r#"["SPDX-2.3"]"#,
    ] {
        let doc = format!(r#"{{"spdxVersion":{version}}}"#);
        let e = err(doc.as_bytes())?;
        assert_eq!(pointer(&e.location)?, "/spdxVersion", "{version}");
        assert!(e.message.contains("spdxVersion"), "{}", e.message);
    }
    let e = err(br#"{"spdxVersion":"SPDX-2.1"}"#)?;
    assert!(
        e.message.contains("\"SPDX-2.2\" and \"SPDX-2.3\""),
        "{}",
        e.message
    );
    let e = err(br#"{"SPDXID":"SPDXRef-DOCUMENT"}"#)?;
    assert_eq!(pointer(&e.location)?, "/spdxVersion");
    assert!(e.message.contains("missing"), "{}", e.message);
    let e = err(br#"{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[]}"#)?;
    assert!(e.message.contains("SPDX 3"), "{}", e.message);
    Ok(())
}

#[test]
fn structural_members_must_be_arrays() -> Result<(), String> {
    for (key, value) in [
        ("packages", r#"{"name":"x"}"#),
        ("packages", "3"),
        ("packages", r#""x""#),
        ("relationships", r#"{"spdxElementId":"a"}"#),
        ("documentDescribes", r#""SPDXRef-app""#),
    ] {
        let e = err(&spdx(&format!(r#""{key}":{value}"#)))?;
        assert_eq!(pointer(&e.location)?, format!("/{key}"), "{key}: {value}");
        assert!(e.message.contains("must be an array"), "{}", e.message);
    }
    // Null is as good as absent.
    let x = ok("doc.json", &spdx(r#""packages":null,"relationships":null"#))?;
    assert_eq!(long(&x.facts, "sbom.component_count")?, 0);
    Ok(())
}

#[test]
fn hostile_documents_are_errors_not_crashes() -> Result<(), String> {
    // Truncated.
    let full = spdx(r#""packages":[{"SPDXID":"SPDXRef-a","name":"a"}]"#);
    for cut in [1, full.len() / 2, full.len() - 1] {
        let e = err(full.get(..cut).ok_or("cut")?)?;
        assert!(matches!(e.location, Location::Line(1)), "{:?}", e.location);
    }
    // Invalid UTF-8 inside a string.
    let mut bad = br#"{"spdxVersion":"SPDX-2.3","comment":""#.to_vec();
    bad.extend(b"\xff\xfe\"}");
    let e = err(&bad)?;
    assert!(matches!(e.location, Location::Line(1)), "{:?}", e.location);
    assert!(e.message.contains("not valid JSON"), "{}", e.message);
    // 10,000 levels of nesting.
    let deep = format!(
        r#"{{"spdxVersion":"SPDX-2.3","packages":{}{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let e = err(deep.as_bytes())?;
    assert!(e.message.contains("recursion limit"), "{}", e.message);
    // A 50 MB text value.
    let huge = spdx(&format!(
        r#""packages":[{{"SPDXID":"SPDXRef-a","name":"{}"}}]"#,
        "a".repeat(50_000_000)
    ));
    let e = err(&huge)?;
    assert_eq!(pointer(&e.location)?, "/packages/0/name");
    assert!(e.message.contains("50000000 bytes"), "{}", e.message);
    // Wrong types where the plugin cannot go on.
    let e = err(br#"{"spdxVersion":2.3}"#)?;
    assert_eq!(pointer(&e.location)?, "/spdxVersion");
    Ok(())
}

#[test]
fn subject_is_not_a_component() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &with_subject(
            r#"{"SPDXID":"SPDXRef-lib","name":"lib","externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:npm/lib@1"}],"checksums":[{"algorithm":"SHA3-256","checksumValue":"ab"}]}"#,
            "",
        ),
    )?;
    let f = &x.facts;
    assert_eq!(text(f, "sbom.subject_name")?, "app");
    assert_eq!(text(f, "sbom.subject_version")?, "2.0");
    assert!(!boolean(f, "sbom.supplier_present")?);
    assert_eq!(at(f, "sbom.supplier_present")?, "/packages/0");
    assert_eq!(long(f, "sbom.component_count")?, 1);
    assert_eq!(long(f, "sbom.purl_percent")?, 100);
    assert_eq!(long(f, "sbom.strong_hash_percent")?, 100);
    assert_eq!(x.entities.len(), 1);
    let lib = entity(&x, "pkg:npm/lib@1")?;
    assert!(boolean(&lib.facts, "strong_hash")?);
    assert_eq!(text_set(&lib.facts, "hashes")?, ["SHA3-256:ab"]);
    Ok(())
}

#[test]
fn described_by_and_document_describes_name_the_subject() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &spdx(
            r#""packages":[{"SPDXID":"SPDXRef-lib","name":"lib"},{"SPDXID":"SPDXRef-app","name":"app"}],
               "relationships":[{"spdxElementId":"SPDXRef-app","relationshipType":"DESCRIBED_BY","relatedSpdxElement":"SPDXRef-DOCUMENT"}]"#,
        ),
    )?;
    assert_eq!(text(&x.facts, "sbom.subject_name")?, "app");
    assert_eq!(long(&x.facts, "sbom.component_count")?, 1);
    assert!(entity(&x, "doc.json#SPDXRef-lib").is_ok());

    let x = ok(
        "doc.json",
        &spdx(
            r#""documentDescribes":["SPDXRef-app"],
               "packages":[{"SPDXID":"SPDXRef-lib","name":"lib"},{"SPDXID":"SPDXRef-app","name":"app"}]"#,
        ),
    )?;
    assert_eq!(text(&x.facts, "sbom.subject_name")?, "app");
    assert_eq!(long(&x.facts, "sbom.component_count")?, 1);
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    Ok(())
}

#[test]
fn several_described_packages_are_all_the_subject() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &spdx(
            r#""documentDescribes":["SPDXRef-b","SPDXRef-a"],
               "packages":[{"SPDXID":"SPDXRef-a","name":"a"},{"SPDXID":"SPDXRef-b","name":"b"},{"SPDXID":"SPDXRef-c","name":"c"}]"#,
        ),
    )?;
    // The first named is the subject whose facts are read.
    assert_eq!(text(&x.facts, "sbom.subject_name")?, "b");
    assert_eq!(long(&x.facts, "sbom.component_count")?, 1);
    assert!(entity(&x, "doc.json#SPDXRef-c").is_ok());
    assert_eq!(
        notes(&x),
        [
            "/documentDescribes/0: the document describes 2 packages: all are read as the subject, and the first (named at /documentDescribes/0) gives its name, version and supplier"
        ]
    );
    Ok(())
}

#[test]
fn no_subject_makes_every_package_a_component() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &spdx(r#""packages":[{"SPDXID":"SPDXRef-a","name":"a","supplier":"Organization: A"}]"#),
    )?;
    assert_eq!(long(&x.facts, "sbom.component_count")?, 1);
    assert!(!has(&x.facts, "sbom.subject_name"));
    assert!(!boolean(&x.facts, "sbom.supplier_present")?);
    assert_eq!(at(&x.facts, "sbom.supplier_present")?, "/packages");
    assert!(
        notes(&x)
            .iter()
            .any(|n| n.starts_with(": the document names no subject"))
    );

    // Only a file is described.
    let x = ok(
        "doc.json",
        &spdx(
            r#""documentDescribes":["SPDXRef-f"],"files":[{"SPDXID":"SPDXRef-f","fileName":"f"}],
               "packages":[{"SPDXID":"SPDXRef-a","name":"a"}]"#,
        ),
    )?;
    assert_eq!(long(&x.facts, "sbom.component_count")?, 1);
    assert_eq!(long(&x.facts, "sbom.dangling_refs")?, 0);
    assert!(
        notes(&x)
            .iter()
            .any(|n| n.starts_with("/documentDescribes/0: the document describes no package"))
    );
    Ok(())
}

#[test]
fn noassertion_and_none_are_never_values() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &spdx(
            r#""documentDescribes":["SPDXRef-app"],
               "packages":[
                 {"SPDXID":"SPDXRef-app","name":"app","versionInfo":"NOASSERTION","supplier":"NOASSERTION"},
                 {"SPDXID":"SPDXRef-a","name":"a","versionInfo":"NONE","supplier":"NOASSERTION","originator":"NOASSERTION",
                  "licenseConcluded":"NOASSERTION","licenseDeclared":"NONE","primaryPackagePurpose":"LIBRARY",
                  "externalRefs":[{"referenceType":"purl","referenceLocator":"NOASSERTION"},
                                  {"referenceType":"advisory","referenceLocator":"NONE"}]}]"#,
        ),
    )?;
    let f = &x.facts;
    assert!(!boolean(f, "sbom.supplier_present")?);
    assert_eq!(at(f, "sbom.supplier_present")?, "/packages/0");
    assert!(!has(f, "sbom.subject_version"));
    assert!(!has(f, "sbom.advisory_refs"));
    assert_eq!(long(f, "sbom.purl_percent")?, 0);
    let a = entity(&x, "doc.json#SPDXRef-a")?;
    for absent in ["version", "supplier", "purl", "advisories"] {
        assert!(!has(&a.facts, absent), "{absent}");
    }
    assert!(text_set(&a.facts, "licenses")?.is_empty());
    assert_eq!(text(&a.facts, "component_type")?, "library");
    Ok(())
}

#[test]
fn originator_names_the_subject_supplier_when_supplier_does_not() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &spdx(
            r#""documentDescribes":["SPDXRef-app"],
               "packages":[{"SPDXID":"SPDXRef-app","name":"app","supplier":"NOASSERTION",
                            "originator":"Person: Jane Doe (jane@example.com)"}]"#,
        ),
    )?;
    assert!(boolean(&x.facts, "sbom.supplier_present")?);
    assert_eq!(text(&x.facts, "sbom.supplier_name")?, "Jane Doe");
    assert_eq!(
        at(&x.facts, "sbom.supplier_name")?,
        "/packages/0/originator"
    );
    Ok(())
}

#[test]
fn cpe_23_is_preferred_and_advisories_are_collected() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &with_subject(
            r#"{"SPDXID":"SPDXRef-a","name":"a","externalRefs":[
                 {"referenceCategory":"SECURITY","referenceType":"cpe22Type","referenceLocator":"cpe:/a:acme:a:1"},
                 {"referenceCategory":"SECURITY","referenceType":"cpe23Type","referenceLocator":"cpe:2.3:a:acme:a:1:*:*:*:*:*:*:*"},
                 {"referenceCategory":"SECURITY","referenceType":"advisory","referenceLocator":"https://example.com/adv/2"},
                 {"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:npm/a@1"},
                 {"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:npm/a@2"}]}"#,
            "",
        ),
    )?;
    let a = entity(&x, "pkg:npm/a@1")?;
    assert_eq!(text(&a.facts, "cpe")?, "cpe:2.3:a:acme:a:1:*:*:*:*:*:*:*");
    assert_eq!(
        at(&a.facts, "cpe")?,
        "/packages/1/externalRefs/1/referenceLocator"
    );
    assert_eq!(
        text_set(&a.facts, "advisories")?,
        ["https://example.com/adv/2"]
    );
    assert_eq!(
        notes(&x),
        ["/packages/1/externalRefs: package has 2 purls: the first is read"]
    );

    // The subject's own advisories count in the product's advisory_refs.
    let x = ok(
        "doc.json",
        &spdx(
            r#""documentDescribes":["SPDXRef-app"],
               "packages":[{"SPDXID":"SPDXRef-app","name":"app","externalRefs":[{"referenceType":"advisory","referenceLocator":"https://example.com/adv/1"}]},
                           {"SPDXID":"SPDXRef-a","name":"a","externalRefs":[{"referenceType":"cpe22Type","referenceLocator":"cpe:/a:acme:a:1"},{"referenceType":"advisory","referenceLocator":"https://example.com/adv/2"}]}]"#,
        ),
    )?;
    assert_eq!(
        text_set(&x.facts, "sbom.advisory_refs")?,
        ["https://example.com/adv/1", "https://example.com/adv/2"]
    );
    assert_eq!(
        at(&x.facts, "sbom.advisory_refs")?,
        "/packages/0/externalRefs/0/referenceLocator"
    );
    let a = entity(&x, "doc.json#SPDXRef-a")?;
    assert_eq!(text(&a.facts, "cpe")?, "cpe:/a:acme:a:1");
    Ok(())
}

#[test]
fn dangling_references_are_counted() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &spdx(
            r#""documentDescribes":["SPDXRef-app","SPDXRef-ghost"],
               "externalDocumentRefs":[{"externalDocumentId":"DocumentRef-known","spdxDocument":"https://example.com/d"}],
               "packages":[{"SPDXID":"SPDXRef-app","name":"app"},{"SPDXID":"SPDXRef-a","name":"a"}],
               "files":[{"SPDXID":"SPDXRef-f","fileName":"f"}],
               "snippets":[{"SPDXID":"SPDXRef-s"}],
               "relationships":[
                 {"spdxElementId":"SPDXRef-app","relationshipType":"CONTAINS","relatedSpdxElement":"SPDXRef-f"},
                 {"spdxElementId":"SPDXRef-f","relationshipType":"CONTAINS","relatedSpdxElement":"SPDXRef-s"},
                 {"spdxElementId":"SPDXRef-app","relationshipType":"DEPENDS_ON","relatedSpdxElement":"NONE"},
                 {"spdxElementId":"SPDXRef-app","relationshipType":"DEPENDS_ON","relatedSpdxElement":"NOASSERTION"},
                 {"spdxElementId":"SPDXRef-app","relationshipType":"AMENDS","relatedSpdxElement":"DocumentRef-known:SPDXRef-x"},
                 {"spdxElementId":"SPDXRef-app","relationshipType":"AMENDS","relatedSpdxElement":"DocumentRef-unknown:SPDXRef-x"},
                 {"spdxElementId":"SPDXRef-phantom","relationshipType":"DEPENDS_ON","relatedSpdxElement":7},
                 {"spdxElementId":"SPDXRef-app","relationshipType":"DEPENDS_ON"}]"#,
        ),
    )?;
    let f = &x.facts;
    // The described ghost, the phantom and the number 7.
    assert_eq!(long(f, "sbom.dangling_refs")?, 3);
    assert_eq!(at(f, "sbom.dangling_refs")?, "/documentDescribes/1");
    // No relationship joins two packages with a graph type.
    assert!(!boolean(f, "sbom.dependency_graph")?);
    assert_eq!(at(f, "sbom.dependency_graph")?, "/relationships");
    let seen = notes(&x);
    assert!(
        seen.iter()
            .any(|n| n.starts_with("/documentDescribes/1: 3 ") && n.contains("\"SPDXRef-ghost\"")),
        "{seen:?}"
    );
    assert!(
        seen.iter()
            .any(|n| n.starts_with("/relationships/5/relatedSpdxElement: ")
                && n.contains("DocumentRef-unknown")),
        "{seen:?}"
    );
    assert!(
        seen.iter()
            .any(|n| n == "/relationships/7: relationship without `relatedSpdxElement`"),
        "{seen:?}"
    );
    Ok(())
}

#[test]
fn dependency_graph_needs_two_packages() -> Result<(), String> {
    for (kind, graph) in [
        ("DEPENDS_ON", true),
        ("STATIC_LINK", true),
        ("RUNTIME_DEPENDENCY_OF", true),
        ("CONTAINED_BY", true),
        ("DESCRIBES", false),
        ("GENERATED_FROM", false),
        ("COPY_OF", false),
    ] {
        let x = ok(
            "doc.json",
            &with_subject(
                r#"{"SPDXID":"SPDXRef-a","name":"a"}"#,
                &format!(
                    r#"{{"spdxElementId":"SPDXRef-app","relationshipType":"{kind}","relatedSpdxElement":"SPDXRef-a"}}"#
                ),
            ),
        )?;
        assert_eq!(boolean(&x.facts, "sbom.dependency_graph")?, graph, "{kind}");
        if graph {
            assert_eq!(at(&x.facts, "sbom.dependency_graph")?, "/relationships/1");
        }
    }
    Ok(())
}

#[test]
fn duplicate_purl_is_one_entity_and_a_note() -> Result<(), String> {
    let purl = r#""externalRefs":[{"referenceType":"purl","referenceLocator":"pkg:npm/x@1"}]"#;
    let x = ok(
        "doc.json",
        &with_subject(
            &format!(
                r#"{{"SPDXID":"SPDXRef-x","name":"x",{purl}}},{{"SPDXID":"SPDXRef-y","name":"y"}},{{"SPDXID":"SPDXRef-x2","name":"x-again",{purl}}}"#
            ),
            "",
        ),
    )?;
    assert_eq!(x.entities.len(), 2);
    assert_eq!(text(&entity(&x, "pkg:npm/x@1")?.facts, "name")?, "x");
    assert_eq!(long(&x.facts, "sbom.component_count")?, 3);
    assert_eq!(long(&x.facts, "sbom.purl_percent")?, 66);
    assert_eq!(at(&x.facts, "sbom.purl_percent")?, "/packages/2");
    let seen = notes(&x);
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(
        seen.iter()
            .all(|n| n.starts_with("/packages/3: ") && n.contains("/packages/1")),
        "{seen:?}"
    );
    Ok(())
}

#[test]
fn creation_info_variants() -> Result<(), String> {
    let x = ok(
        "doc.json",
        &spdx(
            r#""creationInfo":{"created":"yesterday","creators":["Tool: syft-0.90.0","Tool:  ","tool: other","Organization: Acme",7]}"#,
        ),
    )?;
    assert!(!has(&x.facts, "sbom.timestamp"));
    assert_eq!(text_set(&x.facts, "sbom.tools")?, ["other", "syft-0.90.0"]);
    assert!(
        notes(&x)
            .iter()
            .any(|n| n.starts_with("/creationInfo/created: ") && n.contains("yesterday"))
    );
    let x = ok("doc.json", br#"{"spdxVersion":"SPDX-2.3"}"#)?;
    assert!(
        notes(&x)
            .iter()
            .any(|n| n.starts_with(": no `creationInfo`"))
    );
    Ok(())
}

#[test]
fn byte_order_mark_is_accepted() -> Result<(), String> {
    let mut doc = b"\xEF\xBB\xBF".to_vec();
    doc.extend(spdx(""));
    let x = ok("doc.json", &doc)?;
    assert_eq!(text(&x.facts, "sbom.format")?, "SPDX");
    Ok(())
}

#[test]
fn odd_shapes_do_not_panic() -> Result<(), String> {
    let members = [
        r#""packages":[1,"x",null,[],true,{}]"#,
        r#""packages":[{"name":5,"SPDXID":{},"versionInfo":1.5,"supplier":["x"],"originator":7,"checksums":"no","externalRefs":{"a":1},"licenseConcluded":[],"primaryPackagePurpose":false}]"#,
        r#""packages":[{"checksums":[1,{"algorithm":5,"checksumValue":"x"},{"algorithm":"SHA256"},{"algorithm":"SHA256","checksumValue":""}]}]"#,
        r#""packages":[{"externalRefs":[1,{},{"referenceType":"purl"},{"referenceType":"purl","referenceLocator":5},{"referenceType":7,"referenceLocator":"x"}]}]"#,
        r#""packages":[{"SPDXID":"SPDXRef-a","name":"a"},{"SPDXID":"SPDXRef-a","name":"b"}]"#,
        r#""creationInfo":5"#,
        r#""creationInfo":{"created":5,"creators":"Tool: x"}"#,
        r#""creationInfo":{"creators":[null,{},"Tool:"]}"#,
        r#""relationships":[1,{},{"spdxElementId":[],"relatedSpdxElement":{},"relationshipType":5}]"#,
        r#""documentDescribes":[1,null,"","SPDXRef-DOCUMENT"]"#,
        r#""files":7,"snippets":{"a":1},"externalDocumentRefs":"x""#,
        r#""packages":[{"SPDXID":"/~ é","name":"a/b~c"}]"#,
        r#""packages":[{"supplier":"Organization: (","originator":")"}]"#,
    ];
    for member in members {
        let x = ok("odd.json", &spdx(member))?;
        assert!(has(&x.facts, "sbom.component_count"), "{member}");
        assert!(has(&x.facts, "sbom.dangling_refs"), "{member}");
    }
    // A document SPDXID that is not text.
    let doc = br#"{"spdxVersion":"SPDX-2.3","SPDXID":7,"name":"doc","creationInfo":{"created":"2024-01-01T00:00:00Z","creators":["Tool: test"]},"relationships":[{"spdxElementId":"SPDXRef-DOCUMENT","relationshipType":"DESCRIBES","relatedSpdxElement":"SPDXRef-DOCUMENT"}]}"#;
    let x = ok("odd.json", doc)?;
    assert!(has(&x.facts, "sbom.component_count"));
    Ok(())
}

#[test]
fn a_member_named_twice_is_refused_not_read_either_way() -> Result<(), String> {
    let e = err(&spdx(r#""SPDXID":7"#))?;
    assert!(
        e.message
            .contains("the member `SPDXID` appears twice in one object"),
        "{}",
        e.message
    );
    Ok(())
}

#[test]
fn hostile_values_are_counted_or_noted() -> Result<(), String> {
    let x = ok(
        "odd.json",
        &spdx(r#""packages":[1,{"name":5,"SPDXID":"SPDXRef-a","versionInfo":1.5}]"#),
    )?;
    assert_eq!(long(&x.facts, "sbom.component_count")?, 1);
    assert_eq!(long(&x.facts, "sbom.purl_percent")?, 0);
    assert_eq!(at(&x.facts, "sbom.purl_percent")?, "/packages/1");
    let e = entity(&x, "odd.json#SPDXRef-a")?;
    assert_eq!(text(&e.facts, "name")?, "");
    assert!(!has(&e.facts, "version"));
    let seen = notes(&x);
    for expected in [
        "/packages/0: package is not an object: skipped",
        "/packages/1/name: `name` is not text: ignored",
        "/packages/1: package without a name",
        "/packages/1/versionInfo: `versionInfo` is not text: ignored",
    ] {
        assert!(seen.iter().any(|n| n == expected), "{expected}: {seen:?}");
    }
    // Without an SPDXID the id is the document and the pointer.
    let x = ok("odd.json", &spdx(r#""packages":[{"name":"a"}]"#))?;
    assert!(entity(&x, "odd.json#/packages/0").is_ok());
    Ok(())
}

/// `validUntilDate` (SPDX 2.3: "the end of the support period for a package
/// from the supplier") is the component's end of support; NOASSERTION or a
/// text that is not a date-time gives none, the latter with a note. SPDX 2.3
/// has no field for the SBOM's lifecycle phase: never `sbom.lifecycles`.
#[test]
fn valid_until_date_is_the_end_of_support() -> Result<(), String> {
    let doc = with_subject(
        r#"{"SPDXID":"SPDXRef-a","name":"a","versionInfo":"1","validUntilDate":"2025-06-30T00:00:00Z",
            "externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:npm/a@1"}]},
           {"SPDXID":"SPDXRef-b","name":"b","versionInfo":"1","validUntilDate":"NOASSERTION",
            "externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:npm/b@1"}]},
           {"SPDXID":"SPDXRef-c","name":"c","versionInfo":"1","validUntilDate":"June 2025",
            "externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:npm/c@1"}]}"#,
        "",
    );
    let x = ok("eos.spdx.json", &doc)?;
    let a = entity(&x, "pkg:npm/a@1")?;
    assert_eq!(
        datetime(&a.facts, "end_of_support")?,
        "2025-06-30T00:00:00Z"
    );
    assert_eq!(
        at(&a.facts, "end_of_support")?,
        "/packages/1/validUntilDate"
    );
    assert!(!has(&entity(&x, "pkg:npm/b@1")?.facts, "end_of_support"));
    assert!(!has(&entity(&x, "pkg:npm/c@1")?.facts, "end_of_support"));
    assert!(
        notes(&x)
            .iter()
            .any(|n| n.contains("`validUntilDate` \"June 2025\" is not")),
        "{:?}",
        notes(&x)
    );
    assert!(!has(&x.facts, "sbom.lifecycles"));
    assert_eq!(text_set(&x.facts, "sbom.tools")?, ["test"]);
    assert!(boolean(&x.facts, "sbom.tool_named")?);
    // Creators that are people or organisations only name no tool.
    let x = ok(
        "people.spdx.json",
        &spdx(
            r#""creationInfo":{"created":"2024-01-01T00:00:00Z","creators":["Organization: Acme"]},"packages":[]"#,
        ),
    )?;
    assert!(!boolean(&x.facts, "sbom.tool_named")?);
    assert!(!has(&x.facts, "sbom.tools"));
    Ok(())
}
