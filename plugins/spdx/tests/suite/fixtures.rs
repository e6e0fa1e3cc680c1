//! The plugin over real SPDX documents (see `fixtures/README.md`).

use crate::common::*;

const MINIMAL: &[u8] = include_bytes!("../fixtures/spdx-examples_01-MinimalSBOM.spdx2.3.json");
const SECURITY: &[u8] = include_bytes!("../fixtures/spdx-examples_04-SBOMwSecurity.spdx2.3.json");
const EXAMPLE11: &[u8] = include_bytes!("../fixtures/spdx-examples_example11_sbom.spdx2.3.json");
const EXAMPLE14: &[u8] =
    include_bytes!("../fixtures/spdx-examples_example14_examplemaven-enriched.spdx2.3.json");

const ALL: [&[u8]; 4] = [MINIMAL, SECURITY, EXAMPLE11, EXAMPLE14];

#[test]
fn minimal_sbom_is_its_subject_only() -> Result<(), String> {
    let x = ok("minimal.spdx.json", MINIMAL)?;
    let f = &x.facts;
    assert_eq!(text(f, "sbom.format")?, "SPDX");
    assert_eq!(text(f, "sbom.spec_version")?, "2.3");
    assert_eq!(long(f, "sbom.spec_major")?, 2);
    assert_eq!(long(f, "sbom.spec_minor")?, 3);
    assert_eq!(at(f, "sbom.spec_minor")?, "/spdxVersion");
    assert_eq!(datetime(f, "sbom.timestamp")?, "2023-05-12T18:30:22Z");
    assert_eq!(at(f, "sbom.timestamp")?, "/creationInfo/created");
    // The only creator is a person, not a tool.
    assert!(!has(f, "sbom.tools"));
    assert_eq!(text(f, "sbom.subject_name")?, "tools-java");
    assert_eq!(at(f, "sbom.subject_name")?, "/packages/0/name");
    assert_eq!(text(f, "sbom.subject_version")?, "1.5.1");
    assert!(boolean(f, "sbom.supplier_present")?);
    assert_eq!(text(f, "sbom.supplier_name")?, "SPDX");
    assert_eq!(at(f, "sbom.supplier_name")?, "/packages/0/supplier");
    assert_eq!(long(f, "sbom.component_count")?, 0);
    assert_eq!(at(f, "sbom.component_count")?, "/packages");
    assert!(!has(f, "sbom.purl_percent"));
    assert!(!has(f, "sbom.strong_hash_percent"));
    assert!(!boolean(f, "sbom.dependency_graph")?);
    assert_eq!(at(f, "sbom.dependency_graph")?, "/relationships");
    assert_eq!(long(f, "sbom.dangling_refs")?, 0);
    assert!(!has(f, "sbom.advisory_refs"));
    assert!(x.entities.is_empty());
    assert_eq!(
        notes(&x),
        [
            "/packages: the document lists no package besides its subject: no purl or strong-hash share"
        ]
    );
    Ok(())
}

#[test]
fn security_sbom_has_an_advisory() -> Result<(), String> {
    let x = ok("security.spdx.json", SECURITY)?;
    let f = &x.facts;
    assert_eq!(text(f, "sbom.subject_name")?, "tools-java");
    assert_eq!(text(f, "sbom.supplier_name")?, "SPDX");
    assert_eq!(long(f, "sbom.component_count")?, 1);
    assert_eq!(long(f, "sbom.purl_percent")?, 100);
    assert_eq!(at(f, "sbom.purl_percent")?, "/packages");
    // xlsx has a SHA1 checksum only.
    assert_eq!(long(f, "sbom.strong_hash_percent")?, 0);
    assert_eq!(at(f, "sbom.strong_hash_percent")?, "/packages/1");
    assert!(boolean(f, "sbom.dependency_graph")?);
    assert_eq!(at(f, "sbom.dependency_graph")?, "/relationships/1");
    assert_eq!(long(f, "sbom.dangling_refs")?, 0);
    assert_eq!(
        text_set(f, "sbom.advisory_refs")?,
        ["https://nvd.nist.gov/vuln/detail/CVE-2021-32012"]
    );
    assert_eq!(
        at(f, "sbom.advisory_refs")?,
        "/packages/1/externalRefs/1/referenceLocator"
    );

    assert_eq!(x.entities.len(), 1);
    let xlsx = entity(&x, "pkg:maven/org.webjars.npm/xlsx@0.16.6")?;
    assert_eq!(xlsx.kind, "Component");
    assert_eq!(pointer(&xlsx.location)?, "/packages/1");
    assert!(xlsx.parents.is_empty());
    let e = &xlsx.facts;
    assert_eq!(text(e, "name")?, "xlsx");
    assert_eq!(text(e, "version")?, "0.16.6");
    assert_eq!(text(e, "spdx_id")?, "SPDXRef-xlsx");
    assert_eq!(text(e, "purl")?, "pkg:maven/org.webjars.npm/xlsx@0.16.6");
    assert_eq!(
        at(e, "purl")?,
        "/packages/1/externalRefs/0/referenceLocator"
    );
    assert_eq!(text(e, "supplier")?, "Webjar");
    assert_eq!(at(e, "supplier")?, "/packages/1/supplier");
    assert_eq!(
        text_set(e, "hashes")?,
        ["SHA1:8f2715fa4ea3619b08615aa8f57828a80e6eb703"]
    );
    assert!(!boolean(e, "strong_hash")?);
    assert_eq!(at(e, "strong_hash")?, "/packages/1/checksums");
    assert_eq!(
        text_set(e, "advisories")?,
        ["https://nvd.nist.gov/vuln/detail/CVE-2021-32012"]
    );
    assert!(text_set(e, "licenses")?.is_empty());
    assert!(!has(e, "cpe"));
    assert!(!has(e, "component_type"));
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    Ok(())
}

#[test]
fn example11_describes_a_package_and_a_file() -> Result<(), String> {
    let x = ok("example11.spdx.json", EXAMPLE11)?;
    let f = &x.facts;
    assert_eq!(datetime(f, "sbom.timestamp")?, "2022-11-03T07:10:10Z");
    assert_eq!(text_set(f, "sbom.tools")?, ["sigs.k8s.io/bom/pkg/spdx"]);
    assert_eq!(at(f, "sbom.tools")?, "/creationInfo/creators");
    assert_eq!(text(f, "sbom.subject_name")?, "hello-server-src");
    assert_eq!(text(f, "sbom.subject_version")?, "0.1.0");
    // The subject names no supplier (nor originator).
    assert!(!boolean(f, "sbom.supplier_present")?);
    assert_eq!(at(f, "sbom.supplier_present")?, "/packages/0");
    assert!(!has(f, "sbom.supplier_name"));
    assert_eq!(long(f, "sbom.component_count")?, 3);
    assert_eq!(long(f, "sbom.purl_percent")?, 100);
    assert_eq!(long(f, "sbom.strong_hash_percent")?, 100);
    assert_eq!(at(f, "sbom.strong_hash_percent")?, "/packages");
    assert!(boolean(f, "sbom.dependency_graph")?);
    assert_eq!(at(f, "sbom.dependency_graph")?, "/relationships/0");
    // Every end, the described file included, is declared.
    assert_eq!(long(f, "sbom.dangling_refs")?, 0);
    assert_eq!(at(f, "sbom.dangling_refs")?, "/relationships");
    assert!(!has(f, "sbom.advisory_refs"));

    assert_eq!(x.entities.len(), 3);
    let hyper = entity(&x, "pkg:cargo/hyper@0.14")?;
    let e = &hyper.facts;
    assert_eq!(text(e, "name")?, "hyper");
    assert_eq!(text(e, "version")?, "0.14");
    assert_eq!(
        text(e, "spdx_id")?,
        "SPDXRef-Package-SPDXRef-Package-cargo-hyper-0.14"
    );
    // licenseDeclared is NOASSERTION: only the concluded licence is a value.
    assert_eq!(text_set(e, "licenses")?, ["MIT"]);
    assert_eq!(at(e, "licenses")?, "/packages/1/licenseConcluded");
    assert_eq!(
        text_set(e, "hashes")?,
        ["SHA256:02c929dc5c39e335a03c405292728118860721b10190d98c2a0f0efd5baafbac"]
    );
    assert!(boolean(e, "strong_hash")?);
    assert_eq!(at(e, "strong_hash")?, "/packages/1/checksums/0");
    assert!(!has(e, "supplier"));
    assert!(!has(e, "advisories"));
    let logger = entity(&x, "pkg:cargo/pretty_env_logger@0.4.0")?;
    assert_eq!(text_set(&logger.facts, "licenses")?, ["MIT OR Apache-2.0"]);
    assert!(entity(&x, "pkg:cargo/tokio@1.19.2").is_ok());
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    Ok(())
}

#[test]
fn example14_subject_from_a_relationship() -> Result<(), String> {
    let x = ok("examplemaven.spdx.json", EXAMPLE14)?;
    let f = &x.facts;
    assert_eq!(datetime(f, "sbom.timestamp")?, "2024-11-18T10:22:12Z");
    assert_eq!(text_set(f, "sbom.tools")?, ["Parlay", "spdx-maven-plugin"]);
    assert_eq!(text(f, "sbom.subject_name")?, "examplemaven");
    assert_eq!(at(f, "sbom.subject_name")?, "/packages/5/name");
    assert_eq!(text(f, "sbom.subject_version")?, "0.0.1");
    // `supplier` wins over `originator` when both are there.
    assert_eq!(text(f, "sbom.supplier_name")?, "SPDX");
    assert_eq!(at(f, "sbom.supplier_present")?, "/packages/5/supplier");
    assert_eq!(long(f, "sbom.component_count")?, 5);
    assert_eq!(long(f, "sbom.purl_percent")?, 0);
    assert_eq!(at(f, "sbom.purl_percent")?, "/packages/0");
    assert_eq!(long(f, "sbom.strong_hash_percent")?, 0);
    assert_eq!(at(f, "sbom.strong_hash_percent")?, "/packages/0");
    // JUnit TEST_DEPENDENCY_OF examplemaven.
    assert!(boolean(f, "sbom.dependency_graph")?);
    assert_eq!(at(f, "sbom.dependency_graph")?, "/relationships/1");
    // The AMENDS relationship names a declared external document.
    assert_eq!(long(f, "sbom.dangling_refs")?, 0);

    assert_eq!(x.entities.len(), 5);
    let junit = entity(&x, "examplemaven.spdx.json#SPDXRef-junit")?;
    assert_eq!(pointer(&junit.location)?, "/packages/0");
    let e = &junit.facts;
    assert_eq!(text(e, "name")?, "JUnit");
    assert_eq!(text(e, "version")?, "3.8.1");
    assert_eq!(text(e, "spdx_id")?, "SPDXRef-junit");
    // No supplier: the originator names it.
    assert_eq!(text(e, "supplier")?, "JUnit");
    assert_eq!(at(e, "supplier")?, "/packages/0/originator");
    assert_eq!(text_set(e, "licenses")?, ["CPL-1.0"]);
    assert_eq!(at(e, "licenses")?, "/packages/0/licenseDeclared");
    assert!(text_set(e, "hashes")?.is_empty());
    assert!(!boolean(e, "strong_hash")?);
    assert_eq!(at(e, "strong_hash")?, "/packages/0");
    assert!(!has(e, "purl"));
    let core = entity(&x, "examplemaven.spdx.json#SPDXRef-log4jImpl")?;
    assert_eq!(text(&core.facts, "name")?, "Apache Log4j Core");
    assert!(!has(&core.facts, "version"));
    assert!(!has(&core.facts, "supplier"));
    assert!(text_set(&core.facts, "licenses")?.is_empty());
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
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
    let info = assure_plugin_spdx::describe();
    assert_eq!(info.name, "spdx");
    assert_eq!(info.media_types, ["application/spdx+json"]);
    assert!(!info.version.is_empty());
    for bytes in ALL {
        let x = ok("a.json", bytes)?;
        for fact in &x.facts {
            assert!(info.fact_paths.contains(&fact.path), "{}", fact.path);
        }
        for entity in &x.entities {
            assert_eq!(entity.kind, "Component");
            for fact in &entity.facts {
                let path = format!("{}.{}", entity.kind, fact.path);
                assert!(info.fact_paths.contains(&path), "{path}");
            }
        }
    }
    Ok(())
}
