//! The plugin over SBOMs written by syft, trivy and cdxgen (see
//! `corpus/PROVENANCE.md` for where each came from).
//!
//! Every expected value was read off the document independently of the
//! plugin, with Python's `json` module: `spdxVersion`, `creationInfo`, the
//! described package (`documentDescribes` and `DESCRIBES` relationships from
//! the document), the other packages, those with a `purl` external reference,
//! those with a SHA-256 or stronger checksum (percentages rounded down), and
//! whether a `CONTAINS`/`DEPENDS_ON`-like relationship joins two packages.

use crate::common::*;

const SYFT: &[u8] = include_bytes!("../corpus/syft-0.83.0_kong-atc-router.spdx.json");
const TRIVY_CONDA: &[u8] = include_bytes!("../corpus/trivy_conda-spdx.json");
const TRIVY_CENTOS: &[u8] = include_bytes!("../corpus/trivy_centos-7-spdx.json");
const CDXGEN_SPDX3: &[u8] = include_bytes!("../corpus/cdxgen_theatre-board.spdx3.json");

/// syft 0.83 names the document itself as what it `DESCRIBES`: no package
/// is the subject, so all 44 are components, and a note says so.
#[test]
fn syft_rust_project() -> Result<(), String> {
    let x = ok("sbom.spdx.json", SYFT)?;
    let f = &x.facts;
    assert_eq!(text(f, "sbom.format")?, "SPDX");
    assert_eq!(text(f, "sbom.spec_version")?, "2.3");
    assert_eq!(long(f, "sbom.spec_minor")?, 3);
    assert_eq!(datetime(f, "sbom.timestamp")?, "2023-06-15T16:37:59Z");
    assert_eq!(text_set(f, "sbom.tools")?, ["syft-0.83.0"]);
    assert!(!has(f, "sbom.subject_name"));
    assert!(!boolean(f, "sbom.supplier_present")?);
    assert_eq!(long(f, "sbom.component_count")?, 44);
    assert_eq!(long(f, "sbom.purl_percent")?, 100);
    assert_eq!(long(f, "sbom.strong_hash_percent")?, 0);
    // 44 `OTHER` ("evident-by" Cargo.lock) relationships and the document
    // describing itself: nothing joins two packages.
    assert!(!boolean(f, "sbom.dependency_graph")?);
    assert_eq!(long(f, "sbom.dangling_refs")?, 0);
    assert_eq!(
        notes(&x),
        [
            "/relationships/44/relatedSpdxElement: the document describes no package: every package is read as a component, and there is no subject name, version or supplier"
        ]
    );
    let regex = entity(&x, "pkg:cargo/regex@1.8.4")?;
    assert_eq!(pointer(&regex.location)?, "/packages/27");
    let e = &regex.facts;
    assert_eq!(text(e, "version")?, "1.8.4");
    assert_eq!(
        text(e, "spdx_id")?,
        "SPDXRef-Package-rust-crate-regex-7fe342d002451096"
    );
    // The first of syft's guessed CPEs.
    assert_eq!(text(e, "cpe")?, "cpe:2.3:a:regex:regex:1.8.4:*:*:*:*:*:*:*");
    // licenseConcluded and licenseDeclared are both NOASSERTION.
    assert!(text_set(e, "licenses")?.is_empty());
    Ok(())
}

#[test]
fn trivy_conda_environment() -> Result<(), String> {
    let x = ok("conda.spdx.json", TRIVY_CONDA)?;
    let f = &x.facts;
    assert_eq!(text(f, "sbom.spec_version")?, "2.3");
    assert_eq!(datetime(f, "sbom.timestamp")?, "2021-08-25T12:20:30Z");
    assert_eq!(text_set(f, "sbom.tools")?, ["trivy-dev"]);
    assert_eq!(
        text(f, "sbom.subject_name")?,
        "testdata/fixtures/repo/conda"
    );
    assert_eq!(at(f, "sbom.subject_name")?, "/packages/2/name");
    assert!(!has(f, "sbom.subject_version"));
    assert!(!boolean(f, "sbom.supplier_present")?);
    // openssl and pip; the described filesystem is the subject.
    assert_eq!(long(f, "sbom.component_count")?, 2);
    assert_eq!(long(f, "sbom.purl_percent")?, 100);
    assert_eq!(long(f, "sbom.strong_hash_percent")?, 0);
    // The filesystem CONTAINS both packages.
    assert!(boolean(f, "sbom.dependency_graph")?);
    assert_eq!(long(f, "sbom.dangling_refs")?, 0);
    assert!(notes(&x).is_empty(), "{:?}", notes(&x));
    let openssl = entity(&x, "pkg:conda/openssl@1.1.1q")?;
    assert_eq!(text(&openssl.facts, "version")?, "1.1.1q");
    assert_eq!(text_set(&openssl.facts, "licenses")?, ["OpenSSL"]);
    let pip = entity(&x, "pkg:conda/pip@22.2.2")?;
    assert_eq!(text_set(&pip.facts, "licenses")?, ["MIT"]);
    Ok(())
}

/// trivy's members are sorted: `SPDXID` first, `spdxVersion` last.
#[test]
fn trivy_container_image_spdx_2_2() -> Result<(), String> {
    let x = ok("centos-7.spdx.json", TRIVY_CENTOS)?;
    let f = &x.facts;
    assert_eq!(text(f, "sbom.spec_version")?, "2.2");
    assert_eq!(long(f, "sbom.spec_minor")?, 2);
    assert_eq!(
        datetime(f, "sbom.timestamp")?,
        "2022-09-13T13:27:55.874784Z"
    );
    assert_eq!(text_set(f, "sbom.tools")?, ["trivy-dev"]);
    assert_eq!(
        text(f, "sbom.subject_name")?,
        "integration/testdata/fixtures/images/centos-7.tar.gz"
    );
    // The OS package (no purl) and two RPMs.
    assert_eq!(long(f, "sbom.component_count")?, 3);
    assert_eq!(long(f, "sbom.purl_percent")?, 66);
    assert_eq!(at(f, "sbom.purl_percent")?, "/packages/1");
    assert_eq!(long(f, "sbom.strong_hash_percent")?, 0);
    assert!(boolean(f, "sbom.dependency_graph")?);
    assert_eq!(long(f, "sbom.dangling_refs")?, 0);
    let os = entity(
        &x,
        "centos-7.spdx.json#SPDXRef-OperatingSystem-2e91c856c499a371",
    )?;
    assert_eq!(text(&os.facts, "name")?, "centos");
    assert_eq!(text(&os.facts, "version")?, "7.6.1810");
    let openssl = entity(
        &x,
        "pkg:rpm/centos/openssl-libs@1.0.2k-16.el7?arch=x86_64&epoch=1&distro=centos-7.6.1810",
    )?;
    // The document's own versionInfo, which disagrees with its purl.
    assert_eq!(text(&openssl.facts, "version")?, "1:1.0.2k-19.el7");
    assert_eq!(text_set(&openssl.facts, "licenses")?, ["OpenSSL"]);
    Ok(())
}

/// cdxgen's `--format spdx` writes SPDX 3.0.1 JSON-LD, which this plugin does
/// not read: the refusal says what the document is.
#[test]
fn cdxgen_spdx_3_is_refused_by_name() -> Result<(), String> {
    let e = err(CDXGEN_SPDX3)?;
    assert_eq!(
        e.message,
        "this looks like an SPDX 3 (JSON-LD) document: this plugin reads SPDX 2.2 and 2.3 JSON"
    );
    Ok(())
}
