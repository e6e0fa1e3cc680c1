//! The plugin over real, Sigstore-signed SLSA provenance (see
//! `corpus/PROVENANCE.md`).
//!
//! Every expected value was read independently of the plugin: the DSSE
//! `payload` base64-decoded and parsed with Python, then `predicateType`,
//! `subject[].name`, `subject[].digest`, and `predicate.runDetails.builder.id`
//! and `predicate.buildDefinition.buildType` (v1) or `predicate.builder.id`
//! and `predicate.buildType` (v0.2) read off it.

use crate::common::*;
use assure_plugin_sdk::Extraction;

const GENERIC_V2_0: &[u8] =
    include_bytes!("../corpus/slsa-github-generator-v2.0.0_generic_workflow_dispatch.intoto.jsonl");
const GENERIC_V1_2: &[u8] =
    include_bytes!("../corpus/slsa-github-generator-v1.2.2_annotated-tag.intoto.jsonl");
const CONTAINER_BASED: &[u8] =
    include_bytes!("../corpus/slsa-github-generator-v2.1.0_container-based.sigstore.json");
const RULES_LINT: &[u8] =
    include_bytes!("../corpus/bazel-contrib_rules_lint-v1.3.1.tar.gz.sigstore.json");
const NPM: &[u8] = include_bytes!("../corpus/npm-registry_attestations_sigstore-2.3.1.json");
const PYPI_SLSA: &[u8] = include_bytes!("../corpus/pypi-attestations-0.0.19_slsa.attestation.json");
const PYPI_PROVENANCE: &[u8] =
    include_bytes!("../corpus/pypi-attestations-0.0.19_pypi-provenance.json");

/// What a reviewer reads off one provenance document.
struct Provenance {
    predicate_type: &'static str,
    names: &'static [&'static str],
    digests: &'static [&'static str],
    builder_id: &'static str,
    build_type: &'static str,
    /// Where the envelope is: "" for a bare envelope, else the pointer of
    /// the bundle's `dsseEnvelope` (or PyPI's `envelope`).
    envelope: &'static str,
    /// Where the statement is: the envelope's `payload` (PyPI: `statement`).
    statement: &'static str,
}

fn provenance(name: &str, bytes: &[u8], want: &Provenance) -> Result<Extraction, String> {
    let x = ok(name, bytes)?;
    let f = &x.facts;
    assert_eq!(
        text(f, "provenance.predicate_type")?,
        want.predicate_type,
        "{name}"
    );
    assert_eq!(
        text_set(f, "provenance.subject_names")?,
        want.names,
        "{name}"
    );
    assert_eq!(
        text_set(f, "provenance.subject_digests")?,
        want.digests,
        "{name}"
    );
    assert_eq!(
        at(f, "provenance.subject_digests")?,
        format!("{}/subject", want.statement),
        "{name}"
    );
    assert_eq!(text(f, "provenance.builder_id")?, want.builder_id, "{name}");
    assert_eq!(text(f, "provenance.build_type")?, want.build_type, "{name}");
    assert!(boolean(f, "provenance.dsse")?, "{name}");
    assert_eq!(at(f, "provenance.dsse")?, want.envelope, "{name}");
    // Each is signed once; no "no signatures" note.
    assert!(
        !notes(&x).iter().any(|n| n.contains("no signatures")),
        "{name}: {:?}",
        notes(&x)
    );
    Ok(x)
}

#[test]
fn slsa_github_generator_generic_v2_0_0() -> Result<(), String> {
    let x = provenance(
        "binary.intoto.jsonl",
        GENERIC_V2_0,
        &Provenance {
            predicate_type: "https://slsa.dev/provenance/v0.2",
            names: &["gha_generic-binary-linux-amd64-workflow_dispatch"],
            digests: &["sha256:2892146b063a94cb4a4318c0e98d38af12dcf2b1e29237486b58463b59607bbd"],
            builder_id: "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.0.0",
            build_type: "https://github.com/slsa-framework/slsa-github-generator/generic@v1",
            envelope: "",
            statement: "/payload",
        },
    )?;
    assert_eq!(
        at(&x.facts, "provenance.builder_id")?,
        "/payload/predicate/builder/id"
    );
    let said = notes(&x);
    assert!(
        said.iter()
            .any(|n| n.starts_with("/payload/_type: in-toto Statement v0.1")),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|n| n.starts_with("/payload/predicateType: SLSA provenance v0.2")),
        "{said:?}"
    );
    Ok(())
}

#[test]
fn slsa_github_generator_two_subjects() -> Result<(), String> {
    provenance(
        "annotated-tag.intoto.jsonl",
        GENERIC_V1_2,
        &Provenance {
            predicate_type: "https://slsa.dev/provenance/v0.2",
            names: &["artifact1", "artifact2"],
            digests: &[
                "sha256:482ce8c8f7e867da3a3c05a9aee637703e17470ed1cf882a9e5b405e8f82619d",
                "sha256:89cfc6954e88b2f92a7c2879d9eb085c42f3c7065d012a5066f450dbe59b2c00",
            ],
            builder_id: "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v1.2.2",
            build_type: "https://github.com/slsa-framework/slsa-github-generator/generic@v1",
            envelope: "",
            statement: "/payload",
        },
    )?;
    Ok(())
}

#[test]
fn sigstore_bundle_container_based_builder() -> Result<(), String> {
    let x = provenance(
        "binary.build.slsa",
        CONTAINER_BASED,
        &Provenance {
            predicate_type: "https://slsa.dev/provenance/v1",
            names: &["gha_container-based-binary-linux-amd64-workflow_dispatch"],
            // SHA-256 of the empty file: that is what this build produced.
            digests: &["sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
            builder_id: "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_container-based_slsa3.yml@refs/tags/v2.1.0",
            build_type: "https://slsa.dev/container-based-build/v0.1?draft",
            envelope: "/dsseEnvelope",
            statement: "/dsseEnvelope/payload",
        },
    )?;
    assert!(
        notes(&x)
            .iter()
            .any(|n| n.starts_with("/dsseEnvelope: a Sigstore bundle"))
    );
    Ok(())
}

/// GitHub's artifact attestation for a real release: a Sigstore bundle v0.3,
/// in-toto Statement v1, SLSA provenance v1.
#[test]
fn github_artifact_attestation_rules_lint() -> Result<(), String> {
    let x = provenance(
        "rules_lint-v1.3.1.tar.gz.intoto.jsonl",
        RULES_LINT,
        &Provenance {
            predicate_type: "https://slsa.dev/provenance/v1",
            names: &["rules_lint-v1.3.1.tar.gz"],
            digests: &["sha256:1636f443b01c9ee310ee5834956d0dce374c3d3bf8d4cebc9f6b86f8304b4982"],
            builder_id: "https://github.com/bazel-contrib/.github/.github/workflows/release_ruleset.yaml@refs/tags/v7.1.0",
            build_type: "https://actions.github.io/buildtypes/workflow/v1",
            envelope: "/dsseEnvelope",
            statement: "/dsseEnvelope/payload",
        },
    )?;
    assert_eq!(
        at(&x.facts, "provenance.build_type")?,
        "/dsseEnvelope/payload/predicate/buildDefinition/buildType"
    );
    // Statement v1 and provenance v1: nothing read "as" something else.
    assert_eq!(
        notes(&x),
        [
            "/dsseEnvelope: a Sigstore bundle: its `dsseEnvelope` is read; its verification material is not checked here"
        ]
    );
    Ok(())
}

/// The npm registry's attestations for sigstore@2.3.1: the second entry is
/// the SLSA provenance (the first is npm's publish attestation), and its
/// subject is the package by purl with a SHA-512 digest.
#[test]
fn npm_registry_attestations() -> Result<(), String> {
    let x = provenance(
        "sigstore-2.3.1.attestations.json",
        NPM,
        &Provenance {
            predicate_type: "https://slsa.dev/provenance/v1",
            names: &["pkg:npm/sigstore@2.3.1"],
            digests: &[
                "sha512:f06fbf5c353cc0db093904b9cac0d53b412d83dff6b80e6047d9786708a38e5c3105cad4e913dfc22dbe8c999b3fe029d47969fe75406843b8163db6fd22f681",
            ],
            builder_id: "https://github.com/actions/runner/github-hosted",
            build_type: "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1",
            envelope: "/attestations/1/bundle/dsseEnvelope",
            statement: "/attestations/1/bundle/dsseEnvelope/payload",
        },
    )?;
    assert_eq!(
        notes(&x),
        [
            "/attestations/1: an npm registry attestations list: the SLSA provenance attestation's Sigstore bundle is read (1 other attestation(s) are not provenance and are not read); its verification material is not checked here"
        ]
    );
    Ok(())
}

/// A PEP 740 attestation object holding SLSA provenance v1 for a release of
/// pypi-attestations itself, built on GitHub Actions.
#[test]
fn pypi_attestation_with_slsa_provenance() -> Result<(), String> {
    let x = provenance(
        "pypi_attestations-0.0.19.tar.gz.slsa.attestation",
        PYPI_SLSA,
        &Provenance {
            predicate_type: "https://slsa.dev/provenance/v1",
            names: &["pypi_attestations-0.0.19.tar.gz"],
            digests: &["sha256:9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3"],
            builder_id: "https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19",
            build_type: "https://actions.github.io/buildtypes/workflow/v1",
            envelope: "/envelope",
            statement: "/envelope/statement",
        },
    )?;
    // The statement pointer continues through `envelope.statement`.
    assert_eq!(
        at(&x.facts, "provenance.builder_id")?,
        "/envelope/statement/predicate/runDetails/builder/id"
    );
    Ok(())
}

/// What PyPI's integrity API serves for that file: one publish attestation,
/// which says who published it, not how it was built. Refused, saying so.
#[test]
fn pypi_provenance_with_only_a_publish_attestation() -> Result<(), String> {
    let e = err(PYPI_PROVENANCE)?;
    assert_eq!(pointer(&e.location)?, "/attestation_bundles");
    assert_eq!(
        e.message,
        "a PyPI provenance object (PEP 740) with no SLSA provenance attestation: its attestations' predicate types are `https://docs.pypi.org/attestations/publish/v1` (PyPI's publish attestation says who published the file, not how it was built)"
    );
    Ok(())
}
