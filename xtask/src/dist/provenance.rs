//! The provenance of a release: an in-toto Statement v1 with an SLSA Provenance v1
//! predicate, whose subjects are the archive and the SBOM.
//!
//! The statement is compact JSON with members in a fixed order and holds nothing that
//! depends on the machine or the moment (no paths, no clock): the same inputs give the
//! same bytes, so two builders can compare their signed statements as well as their
//! archives. Build times are not claimed; `SOURCE_DATE_EPOCH` is recorded instead.

use serde_json::{Value, json};
use sha2::Digest as _;

/// The DSSE payload type of an in-toto statement.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// The in-toto Statement v1 type.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// The SLSA Provenance v1 predicate type.
pub const PREDICATE_TYPE: &str = "https://slsa.dev/provenance/v1";
/// What `buildType` names: this program's way of building a release (its parameters
/// are the `externalParameters` below).
pub const BUILD_TYPE: &str = "https://github.com/assure-health/assure/xtask-dist/v1";
/// The source repository.
pub const REPOSITORY: &str = "https://github.com/assure-health/assure";
/// The builder when `ASSURE_DIST_BUILDER_ID` does not name one (a CI job should: its
/// workflow's URI).
pub const LOCAL_BUILDER_ID: &str = "https://github.com/assure-health/assure/xtask-dist/local";

/// A file named with its SHA-256 (an in-toto ResourceDescriptor).
#[derive(Debug, Clone)]
pub struct Resource {
    /// The file name.
    pub name: String,
    /// Lowercase hex SHA-256 of its bytes.
    pub sha256: String,
}

impl Resource {
    /// Names `bytes` as `name`.
    pub fn new(name: &str, bytes: &[u8]) -> Self {
        Self {
            name: name.to_owned(),
            sha256: hex::encode(sha2::Sha256::digest(bytes)),
        }
    }

    fn to_json(&self) -> Value {
        json!({ "name": self.name, "digest": { "sha256": self.sha256 } })
    }
}

/// How the binary was built, when `cargo xtask dist` built it.
#[derive(Debug)]
pub struct Build {
    /// The cargo profile.
    pub profile: &'static str,
    /// The arguments cargo was run with.
    pub cargo_args: Vec<String>,
    /// RUSTFLAGS, with the machine's paths as `<workspace>` and `<cargo-home>`.
    pub rustflags: String,
    /// `rustc -vV`'s `release:`.
    pub rustc_release: String,
    /// `rustc -vV`'s `commit-hash:`.
    pub rustc_commit: String,
    /// All of `rustc -vV`.
    pub rustc_verbose: String,
}

/// Everything the statement says.
#[derive(Debug)]
pub struct Provenance<'a> {
    /// The released files: the archive and the SBOM.
    pub subjects: Vec<Resource>,
    /// The binary inside the archive.
    pub binary: Resource,
    /// The cargo package built.
    pub package: &'a str,
    /// Its version.
    pub version: &'a str,
    /// The target triple.
    pub target: &'a str,
    /// The git commit of the sources, when known.
    pub commit: Option<&'a str>,
    /// Whether tracked files differed from that commit.
    pub dirty: bool,
    /// SHA-256 of `Cargo.lock`.
    pub cargo_lock_sha256: String,
    /// The archive's timestamps, and the build's `SOURCE_DATE_EPOCH`.
    pub source_date_epoch: u64,
    /// How the binary was built; `None` when a built binary was given (`--binary`).
    pub build: Option<&'a Build>,
    /// Who built it; `None` for [`LOCAL_BUILDER_ID`].
    pub builder_id: Option<String>,
}

/// The statement's bytes (compact JSON).
pub fn statement(p: &Provenance<'_>) -> Vec<u8> {
    let mut external = json!({
        "source": {
            "repository": REPOSITORY,
            "commit": p.commit,
        },
        "package": p.package,
        "version": p.version,
        "target": p.target,
    });
    let mut dependencies = Vec::new();
    if let Some(commit) = p.commit {
        dependencies.push(json!({
            "uri": format!("git+{REPOSITORY}@{commit}"),
            "digest": { "gitCommit": commit },
        }));
    }
    dependencies.push(json!({
        "name": "Cargo.lock",
        "digest": { "sha256": p.cargo_lock_sha256 },
    }));
    if let (Some(build), Some(object)) = (p.build, external.as_object_mut()) {
        object.insert("mode".into(), json!("build"));
        object.insert("profile".into(), json!(build.profile));
        object.insert("rustflags".into(), json!(build.rustflags));
        object.insert("cargoArgs".into(), json!(build.cargo_args));
        dependencies.push(json!({
            "name": "rustc",
            "uri": format!("pkg:generic/rustc@{}", build.rustc_release),
            "digest": { "gitCommit": build.rustc_commit },
            "annotations": { "rustc -vV": build.rustc_verbose },
        }));
    } else if let Some(object) = external.as_object_mut() {
        // Packaged from a binary built elsewhere: this statement vouches for the
        // packaging only, and names the binary it was given.
        object.insert("mode".into(), json!("package-prebuilt-binary"));
    }
    let statement = json!({
        "_type": STATEMENT_TYPE,
        "subject": p.subjects.iter().map(Resource::to_json).collect::<Vec<_>>(),
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "buildDefinition": {
                "buildType": BUILD_TYPE,
                "externalParameters": external,
                "internalParameters": {
                    "sourceDateEpoch": p.source_date_epoch,
                    "worktreeDirty": p.dirty,
                },
                "resolvedDependencies": dependencies,
            },
            "runDetails": {
                "builder": { "id": p.builder_id.as_deref().unwrap_or(LOCAL_BUILDER_ID) },
                "byproducts": [p.binary.to_json()],
            },
        },
    });
    serde_json::to_vec(&statement).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use super::*;

    fn provenance(build: Option<&Build>) -> Provenance<'_> {
        Provenance {
            subjects: vec![
                Resource::new("assure-1-t.tar.gz", b"archive"),
                Resource::new("assure-1-t.cdx.json", b"sbom"),
            ],
            binary: Resource::new("assure", b"binary"),
            package: "assure-cli",
            version: "1",
            target: "t",
            commit: Some("0123456789abcdef0123456789abcdef01234567"),
            dirty: false,
            cargo_lock_sha256: "ab".repeat(32),
            source_date_epoch: 1_700_000_000,
            build,
            builder_id: None,
        }
    }

    #[test]
    fn a_built_release_records_its_toolchain_flags_and_sources() {
        let build = Build {
            profile: "release",
            cargo_args: vec!["build".into(), "--release".into()],
            rustflags: "-C debuginfo=0".into(),
            rustc_release: "1.95.0".into(),
            rustc_commit: "feed".into(),
            rustc_verbose: "rustc 1.95.0\nrelease: 1.95.0\n".into(),
        };
        let bytes = statement(&provenance(Some(&build)));
        assert_eq!(bytes, statement(&provenance(Some(&build))), "deterministic");
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["_type"], STATEMENT_TYPE);
        assert_eq!(v["predicateType"], PREDICATE_TYPE);
        assert_eq!(v["subject"][0]["name"], "assure-1-t.tar.gz");
        assert_eq!(
            v["subject"][0]["digest"]["sha256"],
            super::super::sha256_hex(b"archive")
        );
        let definition = &v["predicate"]["buildDefinition"];
        assert_eq!(definition["buildType"], BUILD_TYPE);
        assert_eq!(definition["externalParameters"]["mode"], "build");
        assert_eq!(
            definition["externalParameters"]["rustflags"],
            "-C debuginfo=0"
        );
        assert_eq!(
            definition["externalParameters"]["cargoArgs"],
            json!(["build", "--release"])
        );
        let deps = definition["resolvedDependencies"].as_array().unwrap();
        assert_eq!(
            deps[0]["digest"]["gitCommit"],
            "0123456789abcdef0123456789abcdef01234567"
        );
        assert_eq!(deps[1]["name"], "Cargo.lock");
        assert_eq!(deps[2]["uri"], "pkg:generic/rustc@1.95.0");
        assert_eq!(
            v["predicate"]["runDetails"]["builder"]["id"],
            LOCAL_BUILDER_ID
        );
    }

    #[test]
    fn a_packaged_binary_does_not_claim_a_build() {
        let v: Value = serde_json::from_slice(&statement(&provenance(None))).unwrap();
        let definition = &v["predicate"]["buildDefinition"];
        assert_eq!(
            definition["externalParameters"]["mode"],
            "package-prebuilt-binary"
        );
        assert!(definition["externalParameters"].get("rustflags").is_none());
        assert_eq!(
            definition["resolvedDependencies"].as_array().unwrap().len(),
            2
        );
        assert_eq!(
            v["predicate"]["runDetails"]["byproducts"][0]["digest"]["sha256"],
            super::super::sha256_hex(b"binary")
        );
    }
}
