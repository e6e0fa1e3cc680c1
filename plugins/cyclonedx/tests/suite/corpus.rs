//! The plugin over SBOMs written by the common generators (see
//! `corpus/PROVENANCE.md`: the exact command, tool and version of each).
//!
//! Every expected value was read off the document independently of the
//! plugin, with Python's `json` module: `specVersion`, `metadata.timestamp`,
//! `metadata.component`, `metadata.tools`, the components counted at any
//! depth, those with a `purl`, those with a SHA-256/384/512 (or SHA-3,
//! BLAKE2b, BLAKE3) entry in their own `hashes` (percentages rounded down), and
//! every `dependencies[].ref` / `dependsOn[]` checked against the declared
//! `bom-ref`s.

use crate::common::*;
use assure_plugin_sdk::Extraction;

const PY_REQUIREMENTS: &[u8] = include_bytes!("../corpus/cyclonedx-py_requirements.cdx1.6.json");
const PY_POETRY: &[u8] = include_bytes!("../corpus/cyclonedx-py_poetry.cdx1.6.json");
const PY_ENVIRONMENT: &[u8] = include_bytes!("../corpus/cyclonedx-py_environment.cdx1.5.json");
const CARGO_1_3: &[u8] = include_bytes!("../corpus/cargo-cyclonedx_ward-roster.cdx1.3.json");
const CARGO_1_5: &[u8] = include_bytes!("../corpus/cargo-cyclonedx_ward-roster.cdx1.5.json");
const CDXGEN_1_6: &[u8] = include_bytes!("../corpus/cdxgen_theatre-board.cdx1.6.json");
const CDXGEN_1_7: &[u8] = include_bytes!("../corpus/cdxgen_theatre-board.cdx1.7.json");
const CYCLONEDX_NPM: &[u8] = include_bytes!("../corpus/cyclonedx-npm_theatre-board.cdx1.6.json");
const TRIVY_NPM: &[u8] = include_bytes!("../corpus/trivy_npm-cyclonedx.cdx1.7.json");
const TRIVY_CENTOS: &[u8] = include_bytes!("../corpus/trivy_centos-7-cyclonedx.json");
const SYFT: &[u8] = include_bytes!("../corpus/syft-1.20.0_git-repo.cdx1.6.json");

/// What a reviewer reads off an SBOM's header and counts.
struct Sbom {
    spec: &'static str,
    minor: i64,
    timestamp: &'static str,
    subject: &'static str,
    subject_version: Option<&'static str>,
    tools: &'static [&'static str],
    components: i64,
    purl_percent: i64,
    strong_hash_percent: i64,
    /// Whether `dependencies` has any entry.
    dependency_graph: bool,
}

/// Reads `bytes` and checks the facts every SBOM in this corpus has: the
/// spec version, timestamp, subject, tools, counts and coverage, no supplier
/// (none of these generators writes `metadata.supplier` or `manufacturer`),
/// and no dangling dependency reference.
fn sbom(name: &str, bytes: &[u8], want: &Sbom) -> Result<Extraction, String> {
    let x = ok(name, bytes)?;
    let f = &x.facts;
    assert_eq!(text(f, "sbom.format")?, "CycloneDX", "{name}");
    assert_eq!(text(f, "sbom.spec_version")?, want.spec, "{name}");
    assert_eq!(long(f, "sbom.spec_major")?, 1, "{name}");
    assert_eq!(long(f, "sbom.spec_minor")?, want.minor, "{name}");
    assert_eq!(datetime(f, "sbom.timestamp")?, want.timestamp, "{name}");
    assert_eq!(text(f, "sbom.subject_name")?, want.subject, "{name}");
    match want.subject_version {
        Some(version) => assert_eq!(text(f, "sbom.subject_version")?, version, "{name}"),
        None => assert!(!has(f, "sbom.subject_version"), "{name}"),
    }
    assert_eq!(text_set(f, "sbom.tools")?, want.tools, "{name}");
    assert!(boolean(f, "sbom.tool_named")?, "{name}");
    // No generator here but cdxgen states `metadata.lifecycles`.
    if !want.tools.contains(&"cdxgen 12.8.4") {
        assert!(!has(f, "sbom.lifecycles"), "{name}");
    }
    assert_eq!(long(f, "sbom.component_count")?, want.components, "{name}");
    assert_eq!(long(f, "sbom.purl_percent")?, want.purl_percent, "{name}");
    assert_eq!(
        long(f, "sbom.strong_hash_percent")?,
        want.strong_hash_percent,
        "{name}"
    );
    assert!(!boolean(f, "sbom.supplier_present")?, "{name}");
    assert_eq!(at(f, "sbom.supplier_present")?, "/metadata", "{name}");
    assert!(!has(f, "sbom.supplier_name"), "{name}");
    assert_eq!(
        boolean(f, "sbom.dependency_graph")?,
        want.dependency_graph,
        "{name}"
    );
    assert_eq!(long(f, "sbom.dangling_refs")?, 0, "{name}");
    let components = x.entities.iter().filter(|e| e.kind == "Component").count();
    assert_eq!(
        i64::try_from(components).map_err(|e| e.to_string())?,
        want.components,
        "{name}: one Component entity per component (no two share a purl)"
    );
    Ok(x)
}

/// cyclonedx-py's members are sorted, so `bomFormat` and `specVersion` come
/// last; the plugin reads the document all the same.
#[test]
fn cyclonedx_py_requirements() -> Result<(), String> {
    let x = sbom(
        "requirements.cdx.json",
        PY_REQUIREMENTS,
        &Sbom {
            spec: "1.6",
            minor: 6,
            timestamp: "2026-12-07T03:40:49.479581+00:00",
            subject: "clinic-notify",
            subject_version: Some("1.4.0"),
            tools: &["cyclonedx-py 7.5.0", "cyclonedx-python-lib 11.12.0"],
            components: 5,
            purl_percent: 100,
            // The requirements' `--hash=sha256:` pins are written to each
            // component's `externalReferences[].hashes` (the distribution),
            // not to the component's own `hashes`, which is what is counted.
            strong_hash_percent: 0,
            dependency_graph: true,
        },
    )?;
    assert!(notes(&x).is_empty(), "{:?}", notes(&x));
    assert_eq!(at(&x.facts, "sbom.strong_hash_percent")?, "/components/0");
    let certifi = entity(&x, "pkg:pypi/certifi@2026.10.19.post1")?;
    assert_eq!(pointer(&certifi.location)?, "/components/0");
    assert_eq!(text(&certifi.facts, "bom_ref")?, "requirements-L1");
    assert!(!boolean(&certifi.facts, "strong_hash")?);
    assert!(text_set(&certifi.facts, "hashes")?.is_empty());
    Ok(())
}

/// From a poetry lock file, dev group included: 86 KB, and `bomFormat`
/// sits 85,856 bytes in (cyclonedx-py sorts members).
#[test]
fn cyclonedx_py_poetry() -> Result<(), String> {
    let x = sbom(
        "poetry.cdx.json",
        PY_POETRY,
        &Sbom {
            spec: "1.6",
            minor: 6,
            timestamp: "2026-12-07T04:10:10.326467+00:00",
            subject: "clinic-notify",
            subject_version: Some("1.4.0"),
            tools: &["cyclonedx-py 7.5.0", "cyclonedx-python-lib 11.12.0"],
            // requests and its four dependencies; pytest and its four
            // (iniconfig, packaging, pluggy, colorama).
            components: 10,
            purl_percent: 100,
            // The lock file's wheel and sdist hashes go to
            // `externalReferences[].hashes`, as with requirements.
            strong_hash_percent: 0,
            dependency_graph: true,
        },
    )?;
    assert!(notes(&x).is_empty(), "{:?}", notes(&x));
    let pytest = entity(&x, "pkg:pypi/pytest@8.3.3")?;
    assert_eq!(text(&pytest.facts, "bom_ref")?, "pytest@8.3.3");
    // The dev group is a property, not a CycloneDX scope.
    assert!(!has(&pytest.facts, "scope"));
    Ok(())
}

#[test]
fn cyclonedx_py_environment() -> Result<(), String> {
    let x = sbom(
        "environment.cdx.json",
        PY_ENVIRONMENT,
        &Sbom {
            spec: "1.5",
            minor: 5,
            timestamp: "2026-12-07T03:40:52.676744+00:00",
            subject: "clinic-notify",
            subject_version: Some("1.4.0"),
            tools: &["cyclonedx-py 7.5.0", "cyclonedx-python-lib 11.12.0"],
            // requests and its four dependencies, plus the venv's pip and
            // setuptools.
            components: 7,
            purl_percent: 100,
            strong_hash_percent: 0,
            dependency_graph: true,
        },
    )?;
    let requests = entity(&x, "pkg:pypi/requests@2.32.3")?;
    assert_eq!(text(&requests.facts, "name")?, "requests");
    assert_eq!(text(&requests.facts, "bom_ref")?, "requests==2.32.3");
    entity(&x, "pkg:pypi/pip@23.2.1")?;
    entity(&x, "pkg:pypi/setuptools@65.5.0")?;
    Ok(())
}

/// Whether a Component entity is named `name`.
fn has_component(x: &Extraction, name: &str) -> bool {
    x.entities
        .iter()
        .any(|e| e.kind == "Component" && text(&e.facts, "name").is_ok_and(|n| n == name))
}

#[test]
fn cargo_cyclonedx_default_1_3_and_1_5() -> Result<(), String> {
    for (bytes, spec, minor, timestamp) in [
        (CARGO_1_3, "1.3", 3, "2026-12-07T03:41:03.588153377Z"),
        (CARGO_1_5, "1.5", 5, "2026-12-07T03:41:01.898070912Z"),
    ] {
        let x = sbom(
            "ward-roster.cdx.json",
            bytes,
            &Sbom {
                spec,
                minor,
                timestamp,
                subject: "ward-roster",
                subject_version: Some("0.3.1"),
                tools: &["cargo-cyclonedx 0.5.9"],
                // serde_json and what it pulls in: itoa, memchr, serde_core, zmij.
                components: 5,
                purl_percent: 100,
                strong_hash_percent: 100,
                dependency_graph: true,
            },
        )?;
        assert!(notes(&x).is_empty(), "{spec}: {:?}", notes(&x));
        let serde_json = entity(&x, "pkg:cargo/serde_json@1.0.154")?;
        let e = &serde_json.facts;
        assert_eq!(
            text(e, "bom_ref")?,
            "registry+https://github.com/rust-lang/crates.io-index#serde_json@1.0.154"
        );
        assert_eq!(text_set(e, "licenses")?, ["MIT OR Apache-2.0"]);
        assert_eq!(
            text_set(e, "hashes")?,
            ["SHA-256:e7e9cc8b1b85264074fbcc02a88680c4096b1e47df8f739dceb03bf482f04bd6"]
        );
        assert!(boolean(e, "strong_hash")?);
    }
    Ok(())
}

/// cdxgen writes 1.7 unless told otherwise; the plugin reads it as 1.6 and
/// says so.
#[test]
fn cdxgen_1_6_and_1_7() -> Result<(), String> {
    for (bytes, spec, minor, timestamp) in [
        (CDXGEN_1_6, "1.6", 6, "2026-12-07T03:42:42Z"),
        (CDXGEN_1_7, "1.7", 7, "2026-12-07T03:42:47Z"),
    ] {
        let x = sbom(
            "theatre-board.cdx.json",
            bytes,
            &Sbom {
                spec,
                minor,
                timestamp,
                subject: "theatre-board",
                subject_version: Some("2.0.3"),
                tools: &["cdxgen 12.8.4"],
                // debug, ms, semver, lru-cache, yallist.
                components: 5,
                purl_percent: 100,
                // The lock file's `integrity` (SHA-512) on every component.
                strong_hash_percent: 100,
                dependency_graph: true,
            },
        )?;
        // cdxgen run on the project's lock file says so: generated before the
        // build (R5.8 refers such an SBOM).
        assert_eq!(
            text_set(&x.facts, "sbom.lifecycles")?,
            ["pre-build"],
            "{spec}"
        );
        let newer = "CycloneDX 1.7 is newer than this plugin knows (1.2 to 1.6): read as 1.6";
        let said = notes(&x).iter().any(|n| n.contains(newer));
        assert_eq!(said, minor == 7, "{spec}: {:?}", notes(&x));
        let debug = entity(&x, "pkg:npm/debug@4.3.4")?;
        assert_eq!(text_set(&debug.facts, "licenses")?, ["MIT"]);
        assert_eq!(
            text_set(&debug.facts, "hashes")?,
            [
                "SHA-512:3d15851ee494dde0ed4093ef9cd63b25c91eb758f4b793ae3ac1733cfcec7a40f9d9997ca947c520f122b305ea22f1d61951ce817fbb1bfbc234d85e870c5f91"
            ]
        );
    }
    Ok(())
}

#[test]
fn cyclonedx_npm() -> Result<(), String> {
    let x = sbom(
        "theatre-board.cdx.json",
        CYCLONEDX_NPM,
        &Sbom {
            spec: "1.6",
            minor: 6,
            timestamp: "2026-12-07T03:42:40.265Z",
            subject: "theatre-board",
            subject_version: Some("2.0.3"),
            tools: &[
                "cyclonedx-library 10.3.0",
                "cyclonedx-npm 6.0.1",
                "npm 11.19.1",
            ],
            components: 5,
            purl_percent: 100,
            // This run wrote no `hashes` at all.
            strong_hash_percent: 0,
            dependency_graph: true,
        },
    )?;
    let semver = entity(&x, "pkg:npm/semver@7.6.0")?;
    assert_eq!(
        text(&semver.facts, "bom_ref")?,
        "theatre-board@2.0.3|semver@7.6.0"
    );
    assert_eq!(text_set(&semver.facts, "licenses")?, ["ISC"]);
    Ok(())
}

/// trivy's SBOM with a scanner finding: the finding has no `analysis`, so it
/// is an unanalysed, affected exposure of jquery 3.3.9.
#[test]
fn trivy_npm_with_a_finding() -> Result<(), String> {
    let x = sbom(
        "npm.cdx.json",
        TRIVY_NPM,
        &Sbom {
            spec: "1.7",
            minor: 7,
            timestamp: "2021-08-25T12:20:30+00:00",
            subject: "testdata/fixtures/repo/npm",
            subject_version: None,
            tools: &["trivy dev"],
            // package-lock.json (an application, no purl) and 12 npm packages.
            components: 13,
            purl_percent: 92,
            strong_hash_percent: 0,
            dependency_graph: true,
        },
    )?;
    let f = &x.facts;
    assert_eq!(at(f, "sbom.purl_percent")?, "/components/0");
    assert_eq!(long(f, "sbom.embedded_vex_statements")?, 1);
    assert!(
        text_set(f, "sbom.advisory_refs")?
            .contains(&"https://nvd.nist.gov/vuln/detail/CVE-2019-11358".to_owned())
    );
    let exposure = entity(&x, "CVE-2019-11358 @ pkg:npm/jquery@3.3.9")?;
    let e = &exposure.facts;
    assert_eq!(text(e, "vulnerability")?, "CVE-2019-11358");
    assert_eq!(text(e, "status")?, "affected");
    assert_eq!(text(e, "status_source")?, "no analysis");
    assert_eq!(
        text(e, "action_statement")?,
        "Upgrade jquery to version 3.4.0"
    );
    assert_eq!(datetime(e, "timestamp")?, "2021-10-20T11:15:00+00:00");
    assert!(
        notes(&x)
            .iter()
            .any(|n| n.starts_with("/vulnerabilities/0: CVE-2019-11358 has no `analysis.state`")),
        "{:?}",
        notes(&x)
    );
    Ok(())
}

#[test]
fn trivy_container_image() -> Result<(), String> {
    let x = sbom(
        "centos-7.cdx.json",
        TRIVY_CENTOS,
        &Sbom {
            spec: "1.5",
            minor: 5,
            timestamp: "2022-06-14T15:08:48+00:00",
            subject: "integration/testdata/fixtures/images/centos-7.tar.gz",
            subject_version: None,
            tools: &["trivy dev"],
            // bash and openssl-libs (RPMs with purls) and the centos OS
            // component, which has none.
            components: 3,
            purl_percent: 66,
            strong_hash_percent: 0,
            dependency_graph: true,
        },
    )?;
    assert_eq!(at(&x.facts, "sbom.purl_percent")?, "/components/2");
    let openssl = entity(
        &x,
        "pkg:rpm/centos/openssl-libs@1.0.2k-16.el7?arch=x86_64&epoch=1&distro=centos-7.6.1810",
    )?;
    assert_eq!(text(&openssl.facts, "name")?, "openssl-libs");
    assert_eq!(text_set(&openssl.facts, "licenses")?, ["OpenSSL+"]);
    assert!(has_component(&x, "centos"));
    Ok(())
}

/// syft 1.20.0 over a checked-out Python project: 18 packages from its
/// requirements.txt and the file itself (which has a SHA-256 and no purl),
/// and an empty `dependencies`.
#[test]
fn syft_directory_scan() -> Result<(), String> {
    let x = sbom(
        "git-sbom.cdx.json",
        SYFT,
        &Sbom {
            spec: "1.6",
            minor: 6,
            timestamp: "2025-03-13T02:15:11+05:30",
            subject: "/tmp/git-sbom",
            subject_version: None,
            tools: &["syft v1.20.0"],
            components: 19,
            purl_percent: 94,
            strong_hash_percent: 5,
            dependency_graph: false,
        },
    )?;
    assert!(notes(&x).is_empty(), "{:?}", notes(&x));
    assert_eq!(at(&x.facts, "sbom.purl_percent")?, "/components/18");
    // syft's bom-ref carries a package id the purl does not.
    let aiohttp = entity(&x, "pkg:pypi/aiohttp@3.5.3")?;
    assert_eq!(
        text(&aiohttp.facts, "bom_ref")?,
        "pkg:pypi/aiohttp@3.5.3?package-id=0538e83b9cacecff"
    );
    assert!(!boolean(&aiohttp.facts, "strong_hash")?);
    assert!(has_component(&x, "/private/tmp/git-sbom/requirements.txt"));
    Ok(())
}
