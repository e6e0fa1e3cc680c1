//! The plugin over real CycloneDX documents (see `fixtures/README.md`).

use crate::common::*;

const LARAVEL: &[u8] = include_bytes!("../fixtures/bom-examples_laravel-7.12.0_bom.1.4.json");
const BOM_1_3: &[u8] = include_bytes!("../fixtures/bom-examples_VEX_bom.json");
const SPEC_1_5: &[u8] = include_bytes!("../fixtures/spec-testdata_valid-bom-1.5.json");
const SPEC_1_6: &[u8] = include_bytes!("../fixtures/spec-testdata_valid-bom-1.6.json");
const CBOM: &[u8] = include_bytes!("../fixtures/bom-examples_CBOM_Certificate_1.6.json");
const SAASBOM_1_4: &[u8] = include_bytes!("../fixtures/bom-examples_SaaSBOM_apigateway.json");
const SAASBOM_1_6: &[u8] = include_bytes!("../fixtures/spec-testdata_valid-saasbom-1.6.json");
const ATTESTATION: &[u8] = include_bytes!("../fixtures/spec-testdata_valid-attestation-1.6.json");
const STANDARD: &[u8] = include_bytes!("../fixtures/spec-testdata_valid-standard-1.6.json");
const HASHES: &[u8] = include_bytes!("../fixtures/spec-testdata_valid-component-hashes-1.6.json");
const FORMULATION: &[u8] = include_bytes!("../fixtures/spec-testdata_valid-formulation-1.6.json");
const LIFECYCLE: &[u8] =
    include_bytes!("../fixtures/spec-testdata_valid-metadata-lifecycle-1.6.json");
const SUPPLIER: &[u8] =
    include_bytes!("../fixtures/spec-testdata_valid-metadata-supplier-1.6.json");
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

/// Every fixture.
const ALL: [&[u8]; 20] = [
    LARAVEL,
    BOM_1_3,
    SPEC_1_5,
    SPEC_1_6,
    CBOM,
    SAASBOM_1_4,
    SAASBOM_1_6,
    ATTESTATION,
    STANDARD,
    HASHES,
    FORMULATION,
    LIFECYCLE,
    SUPPLIER,
    VEX_AFFECTED,
    VEX_FIXED,
    VEX_NOT_AFFECTED,
    VEX_UNDER_INVESTIGATION,
    VEX_BOM_LINK,
    VULNERABILITY_1_5,
    VULNERABILITY_1_6,
];

#[test]
fn laravel_1_4() -> Result<(), String> {
    let x = ok("laravel/bom.json", LARAVEL)?;
    let f = &x.facts;
    assert_eq!(text(f, "sbom.format")?, "CycloneDX");
    assert_eq!(text(f, "sbom.spec_version")?, "1.4");
    assert_eq!(long(f, "sbom.spec_major")?, 1);
    assert_eq!(long(f, "sbom.spec_minor")?, 4);
    assert_eq!(at(f, "sbom.spec_minor")?, "/specVersion");
    assert!(!has(f, "sbom.timestamp"));
    assert_eq!(long(f, "sbom.component_count")?, 62);
    assert_eq!(at(f, "sbom.component_count")?, "/components");
    assert_eq!(long(f, "sbom.purl_percent")?, 100);
    assert_eq!(at(f, "sbom.purl_percent")?, "/components");
    assert_eq!(long(f, "sbom.strong_hash_percent")?, 0);
    assert_eq!(at(f, "sbom.strong_hash_percent")?, "/components/0");
    assert!(!boolean(f, "sbom.supplier_present")?);
    assert_eq!(at(f, "sbom.supplier_present")?, "/metadata");
    assert!(!has(f, "sbom.supplier_name"));
    assert!(boolean(f, "sbom.dependency_graph")?);
    // Checked independently: all 63 entries' references resolve.
    assert_eq!(long(f, "sbom.dangling_refs")?, 0);
    assert_eq!(at(f, "sbom.dangling_refs")?, "/dependencies");
    assert_eq!(text(f, "sbom.subject_name")?, "cyclonedx-php-composer-demo");
    assert_eq!(text(f, "sbom.subject_version")?, "dev-master");
    assert_eq!(
        text_set(f, "sbom.tools")?,
        ["cyclonedx-php-composer in-dev"]
    );

    assert_eq!(x.entities.len(), 62);
    let stack_cors = entity(&x, "pkg:composer/asm89/stack-cors@1.3.0")?;
    assert_eq!(pointer(&stack_cors.location)?, "/components/0");
    let e = &stack_cors.facts;
    assert_eq!(text(e, "name")?, "stack-cors");
    assert_eq!(text(e, "version")?, "1.3.0");
    assert_eq!(text(e, "bom_ref")?, "asm89/stack-cors-1.3.0.0");
    assert_eq!(text(e, "component_type")?, "library");
    assert_eq!(text_set(e, "licenses")?, ["MIT"]);
    assert!(text_set(e, "hashes")?.is_empty());
    assert!(!boolean(e, "strong_hash")?);
    assert!(!has(e, "scope"));
    assert!(stack_cors.parents.is_empty());
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    Ok(())
}

#[test]
fn spec_1_3() -> Result<(), String> {
    let x = ok("vex/bom.json", BOM_1_3)?;
    let f = &x.facts;
    assert_eq!(long(f, "sbom.spec_minor")?, 3);
    assert_eq!(long(f, "sbom.component_count")?, 3);
    assert_eq!(long(f, "sbom.purl_percent")?, 100);
    assert_eq!(long(f, "sbom.strong_hash_percent")?, 100);
    assert_eq!(datetime(f, "sbom.timestamp")?, "2022-01-11T02:55:27Z");
    assert_eq!(at(f, "sbom.timestamp")?, "/metadata/timestamp");
    assert_eq!(text_set(f, "sbom.tools")?, ["CycloneDX Maven plugin 2.5.3"]);
    assert!(!boolean(f, "sbom.dependency_graph")?);
    assert_eq!(at(f, "sbom.dependency_graph")?, "");
    assert_eq!(x.entities.len(), 3);
    Ok(())
}

#[test]
fn spec_1_6() -> Result<(), String> {
    let x = ok("valid-bom-1.6.json", SPEC_1_6)?;
    let f = &x.facts;
    assert_eq!(text(f, "sbom.spec_version")?, "1.6");
    assert_eq!(long(f, "sbom.spec_minor")?, 6);
    assert_eq!(long(f, "sbom.component_count")?, 3);
    assert_eq!(long(f, "sbom.purl_percent")?, 100);
    assert_eq!(long(f, "sbom.strong_hash_percent")?, 100);
    assert_eq!(at(f, "sbom.strong_hash_percent")?, "/components");
    assert!(boolean(f, "sbom.supplier_present")?);
    assert_eq!(text(f, "sbom.supplier_name")?, "Acme, Inc.");
    assert_eq!(at(f, "sbom.supplier_name")?, "/metadata/supplier/name");
    assert_eq!(datetime(f, "sbom.timestamp")?, "2020-04-13T20:20:39+00:00");
    assert_eq!(text(f, "sbom.subject_name")?, "Acme Application");
    assert_eq!(text(f, "sbom.subject_version")?, "9.1.1");
    assert_eq!(text_set(f, "sbom.tools")?, ["Awesome Tool 9.1.2"]);
    assert!(boolean(f, "sbom.dependency_graph")?);
    assert_eq!(long(f, "sbom.dangling_refs")?, 0);

    assert_eq!(x.entities.len(), 3);
    let catalina = entity(
        &x,
        "pkg:maven/com.acme/tomcat-catalina@9.0.14?packaging=jar",
    )?;
    let e = &catalina.facts;
    assert_eq!(text(e, "name")?, "tomcat-catalina");
    assert_eq!(text(e, "scope")?, "required");
    assert_eq!(text_set(e, "licenses")?, ["Apache-2.0"]);
    assert_eq!(text_set(e, "hashes")?.len(), 4);
    assert!(boolean(e, "strong_hash")?);
    assert_eq!(at(e, "strong_hash")?, "/components/0/hashes/2");
    let library = entity(
        &x,
        "pkg:maven/com.example/myapplication@1.0.0?packaging=war",
    )?;
    assert_eq!(text(&library.facts, "supplier")?, "Example, Inc.");
    assert_eq!(
        text_set(&library.facts, "licenses")?,
        ["EPL-2.0 OR GPL-2.0-with-classpath-exception"]
    );
    let framework = entity(&x, "pkg:maven/com.example/myframework@1.0.0?packaging=war")?;
    assert_eq!(
        text_set(&framework.facts, "licenses")?,
        ["Some random license"]
    );
    assert!(!has(&framework.facts, "bom_ref"));
    Ok(())
}

#[test]
fn spec_1_5() -> Result<(), String> {
    let x = ok("valid-bom-1.5.json", SPEC_1_5)?;
    let f = &x.facts;
    assert_eq!(long(f, "sbom.spec_minor")?, 5);
    assert!(boolean(f, "sbom.supplier_present")?);
    assert_eq!(text(f, "sbom.supplier_name")?, "Acme, Inc.");
    assert_eq!(text_set(f, "sbom.tools")?, ["Awesome Tool 9.1.2"]);
    assert_eq!(long(f, "sbom.component_count")?, 2);
    assert_eq!(long(f, "sbom.purl_percent")?, 50);
    assert_eq!(at(f, "sbom.purl_percent")?, "/components/1");
    assert_eq!(long(f, "sbom.strong_hash_percent")?, 50);
    assert_eq!(at(f, "sbom.strong_hash_percent")?, "/components/1");
    assert_eq!(long(f, "sbom.dangling_refs")?, 0);

    assert_eq!(x.entities.len(), 2);
    // Neither purl nor bom-ref: the id is the document and the pointer.
    let library = entity(&x, "valid-bom-1.5.json#/components/1")?;
    assert_eq!(text(&library.facts, "name")?, "mylibrary");
    assert_eq!(text(&library.facts, "supplier")?, "Example, Inc.");
    assert!(!boolean(&library.facts, "strong_hash")?);
    assert!(!has(&library.facts, "purl"));
    Ok(())
}

#[test]
fn cryptographic_bom() -> Result<(), String> {
    let x = ok("cbom.json", CBOM)?;
    let f = &x.facts;
    assert_eq!(long(f, "sbom.spec_minor")?, 6);
    assert_eq!(datetime(f, "sbom.timestamp")?, "2024-01-09T12:00:00Z");
    assert_eq!(text(f, "sbom.subject_name")?, "my application");
    assert_eq!(text(f, "sbom.subject_version")?, "1.0");
    // Four cryptographic assets: no purls, no hashes.
    assert_eq!(long(f, "sbom.component_count")?, 4);
    assert_eq!(long(f, "sbom.purl_percent")?, 0);
    assert_eq!(at(f, "sbom.purl_percent")?, "/components/0");
    assert_eq!(long(f, "sbom.strong_hash_percent")?, 0);
    assert!(!boolean(f, "sbom.dependency_graph")?);
    assert!(!has(f, "sbom.embedded_vex_statements"));
    assert_eq!(x.entities.len(), 4);
    let certificate = entity(
        &x,
        "cbom.json#crypto/certificate/google.com@sha256:1e15e0fbd3ce95bde5945633ae96add551341b11e5bae7bba12e98ad84a5beb4",
    )?;
    assert_eq!(text(&certificate.facts, "name")?, "google.com");
    assert_eq!(
        text(&certificate.facts, "component_type")?,
        "cryptographic-asset"
    );
    Ok(())
}

#[test]
fn saas_boms_have_services_and_a_graph() -> Result<(), String> {
    for (bytes, minor, subject) in [
        (SAASBOM_1_4, 4, "Acme Cloud Example"),
        (SAASBOM_1_6, 6, "Acme SaaSBOM Example"),
    ] {
        let x = ok("saasbom.json", bytes)?;
        let f = &x.facts;
        assert_eq!(long(f, "sbom.spec_minor")?, minor);
        assert_eq!(text(f, "sbom.subject_name")?, subject);
        assert_eq!(text(f, "sbom.subject_version")?, "2022-1");
        assert_eq!(datetime(f, "sbom.timestamp")?, "2021-01-10T12:00:00Z");
        // Services only: no components.
        assert_eq!(long(f, "sbom.component_count")?, 0);
        assert_eq!(at(f, "sbom.component_count")?, "");
        assert!(!has(f, "sbom.purl_percent"));
        // Five dependency entries over seven service bom-refs, all declared
        // (checked independently with a Python script).
        assert!(boolean(f, "sbom.dependency_graph")?);
        assert_eq!(long(f, "sbom.dangling_refs")?, 0);
        assert!(x.entities.is_empty());
    }
    Ok(())
}

#[test]
fn documents_without_components() -> Result<(), String> {
    for bytes in [ATTESTATION, STANDARD, LIFECYCLE] {
        let x = ok("doc.json", bytes)?;
        let f = &x.facts;
        assert_eq!(text(f, "sbom.spec_version")?, "1.6");
        assert_eq!(long(f, "sbom.component_count")?, 0);
        assert!(!boolean(f, "sbom.supplier_present")?);
        assert!(!has(f, "sbom.subject_name"));
        assert!(!has(f, "sbom.timestamp"));
        assert!(x.entities.is_empty());
    }
    // Only the lifecycle exemplar states lifecycles.
    for bytes in [ATTESTATION, STANDARD, SUPPLIER] {
        assert!(!has(&ok("doc.json", bytes)?.facts, "sbom.lifecycles"));
    }
    let x = ok("supplier.json", SUPPLIER)?;
    assert!(boolean(&x.facts, "sbom.supplier_present")?);
    assert_eq!(text(&x.facts, "sbom.supplier_name")?, "Acme, Inc.");
    assert_eq!(
        at(&x.facts, "sbom.supplier_name")?,
        "/metadata/supplier/name"
    );
    Ok(())
}

/// The specification's lifecycle exemplar: two pre-defined phases and a
/// custom one, kept by its name (the CISA 2025 draft's "Generation Context").
#[test]
fn metadata_lifecycles() -> Result<(), String> {
    let x = ok("lifecycle.json", LIFECYCLE)?;
    assert_eq!(
        text_set(&x.facts, "sbom.lifecycles")?,
        ["build", "platform-integration-testing", "post-build"]
    );
    assert_eq!(at(&x.facts, "sbom.lifecycles")?, "/metadata/lifecycles");
    // All three are defined or named: nothing to note about them.
    assert!(
        !notes(&x).iter().any(|n| n.contains("lifecycle")),
        "{:?}",
        notes(&x)
    );
    Ok(())
}

#[test]
fn every_hash_algorithm() -> Result<(), String> {
    let x = ok("hashes.json", HASHES)?;
    let f = &x.facts;
    assert_eq!(long(f, "sbom.component_count")?, 1);
    assert_eq!(long(f, "sbom.purl_percent")?, 0);
    assert_eq!(long(f, "sbom.strong_hash_percent")?, 100);
    let e = entity(&x, "hashes.json#/components/0")?;
    assert_eq!(text(&e.facts, "name")?, "acme-example");
    assert_eq!(text_set(&e.facts, "hashes")?.len(), 12);
    // MD5 and SHA-1 come first; SHA-256 is the first strong one.
    assert_eq!(at(&e.facts, "strong_hash")?, "/components/0/hashes/2");

    let x = ok("formulation.json", FORMULATION)?;
    assert_eq!(long(&x.facts, "sbom.component_count")?, 1);
    assert_eq!(long(&x.facts, "sbom.strong_hash_percent")?, 0);
    let e = entity(&x, "formulation.json#/components/0")?;
    assert_eq!(text(&e.facts, "version")?, "1.0.0");
    Ok(())
}

#[test]
fn same_bytes_same_output() -> Result<(), String> {
    for bytes in ALL {
        let first = format!("{:?}", ok("a.json", bytes)?);
        let second = format!("{:?}", ok("a.json", bytes)?);
        assert_eq!(first, second);
    }
    Ok(())
}

#[test]
fn describe_lists_every_emitted_path() -> Result<(), String> {
    let info = assure_plugin_cyclonedx::describe();
    assert_eq!(info.name, "cyclonedx");
    assert_eq!(info.media_types, ["application/vnd.cyclonedx+json"]);
    for bytes in ALL {
        let x = ok("a.json", bytes)?;
        for fact in &x.facts {
            assert!(info.fact_paths.contains(&fact.path), "{}", fact.path);
        }
        for entity in &x.entities {
            for fact in &entity.facts {
                let path = format!("{}.{}", entity.kind, fact.path);
                assert!(info.fact_paths.contains(&path), "{path}");
            }
        }
    }
    Ok(())
}
