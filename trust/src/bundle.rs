//! Signed bundles: build, sign, pack, load safely, verify.
//!
//! See the crate documentation for the format. The life of a bundle:
//!
//! 1. [`build`] (or [`build_from_dir`]) computes `bundle.json` from the files;
//! 2. [`sign`] adds a signature to `bundle.json.dsse` (once per signer);
//! 3. [`pack`] makes a deterministic `.bundle` (tar.gz), or [`LoadedBundle::write_dir`]
//!    writes a folder;
//! 4. [`load`] reads a folder or a `.bundle` into memory (never extracting to disk);
//! 5. [`verify`] checks signatures, manifest, files, plugins, expiry and rollback.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use jiff::Timestamp;

use crate::dsse::{self, Envelope};
use crate::error::{
    ArchiveError, BundleManifestError, EnvelopeError, FreshnessError, PluginVerificationError,
    Result, TrustError,
};
use crate::keys::{KeyId, PrivateKey, PublicKey};
use crate::state::State;
use crate::wasmsig;

mod archive;
mod manifest;

use archive::read_dir;
pub use archive::{load, load_archive, load_with_limits, pack};
pub use manifest::{
    ArchiveLimits, BundleManifest, ENVELOPE_FILE, FORMAT, FileEntry, LoadedBundle, MANIFEST_FILE,
    PluginEntry, sha256_hex,
};
use manifest::{check_name, is_reserved};

pub use crate::dsse::BUNDLE_PAYLOAD_TYPE;

// ----- build and sign ----------------------------------------------------------------------

/// What [`build`] needs besides the files.
#[derive(Debug, Clone)]
pub struct BuildSpec {
    /// Bundle name.
    pub name: String,
    /// Version (must exceed every version published before under this name).
    pub version: u64,
    /// Creation time.
    pub created: Timestamp,
    /// Expiry time.
    pub expires: Timestamp,
    /// Keys allowed to sign plugins.
    pub plugin_signers: Vec<PublicKey>,
}

/// Builds an unsigned bundle from `files` (path → bytes; must not contain `bundle.json` or
/// `bundle.json.dsse`). Every `*.wasm` file becomes a plugin named after its file stem,
/// pinned by SHA-256; each must already be signed by one of `spec.plugin_signers` (checked
/// here, so that a bundle that can never verify is not produced).
pub fn build(spec: &BuildSpec, mut files: BTreeMap<String, Vec<u8>>) -> Result<LoadedBundle> {
    let mut entries = Vec::new();
    let mut plugins = Vec::new();
    for (path, bytes) in &files {
        if check_name(path)? != *path {
            return Err(TrustError::Archive(ArchiveError::InvalidEntryName {
                entry: path.clone(),
                reason: "not normalised (leading `./`)".into(),
            }));
        }
        if is_reserved(path) {
            return Err(TrustError::Archive(ArchiveError::InvalidEntryName {
                entry: path.clone(),
                reason: "reserved for the bundle's own manifest and envelope".into(),
            }));
        }
        let sha256 = sha256_hex(bytes);
        if let Some(stem) = path
            .rsplit('/')
            .next()
            .and_then(|f| f.strip_suffix(".wasm"))
        {
            wasmsig::verify(path, bytes, &spec.plugin_signers)?;
            plugins.push(PluginEntry {
                name: stem.to_owned(),
                path: path.clone(),
                sha256: sha256.clone(),
            });
        }
        entries.push(FileEntry {
            path: path.clone(),
            sha256,
            size: bytes.len() as u64,
        });
    }
    let mut signers = Vec::new();
    let mut signer_keys = Vec::new();
    for key in &spec.plugin_signers {
        if !signers.contains(&key.key_id()) {
            signers.push(key.key_id());
            signer_keys.push(key.to_spki_pem()?);
        }
    }
    let manifest = BundleManifest {
        format: FORMAT.into(),
        name: spec.name.clone(),
        version: spec.version,
        created: spec.created,
        expires: spec.expires,
        files: entries,
        plugin_signers: signers,
        plugin_signer_keys: signer_keys,
        plugins,
    };
    manifest.validate()?;
    files.insert(MANIFEST_FILE.into(), manifest.to_json());
    Ok(LoadedBundle {
        source: format!("{} v{} (built)", spec.name, spec.version),
        files,
    })
}

/// [`build`] from the files of a folder (read like [`load`] does, with default limits).
/// An existing `bundle.json` / `bundle.json.dsse` at the top of the folder is ignored, so a
/// bundle folder can be rebuilt in place.
pub fn build_from_dir(spec: &BuildSpec, dir: &Path) -> Result<LoadedBundle> {
    let mut files = read_dir(dir, &ArchiveLimits::default())?;
    files.remove(MANIFEST_FILE);
    files.remove(ENVELOPE_FILE);
    build(spec, files)
}

/// Adds a signature by `key` to the bundle's `bundle.json.dsse` (creating it if absent).
/// Refuses to sign a manifest that does not parse and validate, and an existing envelope
/// over other content.
pub fn sign(bundle: &mut LoadedBundle, key: &PrivateKey) -> Result<()> {
    let manifest = bundle.files.get(MANIFEST_FILE).ok_or_else(|| {
        TrustError::Manifest(BundleManifestError::Missing {
            source_name: bundle.source.clone(),
        })
    })?;
    BundleManifest::parse(manifest)?;
    let mut envelope = match bundle.files.get(ENVELOPE_FILE) {
        Some(bytes) => Envelope::from_json(bytes)?,
        None => Envelope::new(BUNDLE_PAYLOAD_TYPE, manifest),
    };
    if envelope.payload_type != BUNDLE_PAYLOAD_TYPE {
        return Err(TrustError::Envelope(EnvelopeError::WrongPayloadType {
            expected: BUNDLE_PAYLOAD_TYPE.into(),
            found: envelope.payload_type,
        }));
    }
    if envelope.payload != *manifest {
        return Err(TrustError::Envelope(EnvelopeError::PayloadMismatch));
    }
    dsse::sign(&mut envelope, key);
    bundle
        .files
        .insert(ENVELOPE_FILE.into(), envelope.to_json());
    Ok(())
}

// ----- pack ------------------------------------------------------------------------------

// ----- load ------------------------------------------------------------------------------

// ----- verify ----------------------------------------------------------------------------

/// A bundle that passed [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedBundle {
    /// The parsed, validated manifest.
    pub manifest: BundleManifest,
    /// SHA-256 (lowercase hex) of `bundle.json`: the bundle's digest.
    pub digest: String,
    /// Distinct trusted keys that signed `bundle.json` (empty for [`verify_pinned`]).
    pub signers: Vec<KeyId>,
    /// The bundle's files (everything but `bundle.json` and `bundle.json.dsse`), each
    /// checked against the manifest.
    pub files: BTreeMap<String, Vec<u8>>,
    /// For each plugin path, the allowed keys whose signature covers the whole module.
    pub plugin_signers: BTreeMap<String, Vec<KeyId>>,
}

impl VerifiedBundle {
    /// The bytes of a file of the bundle.
    #[must_use]
    pub fn file(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }
}

/// Verifies a loaded bundle and records it in the anti-rollback `state`.
///
/// In order: the trust configuration (at least one key, `1 <= threshold <=` distinct
/// keys) → `bundle.json` present → `bundle.json.dsse` present → DSSE: payload type,
/// `threshold` distinct trusted signatures → envelope payload is byte-for-byte
/// `bundle.json` → strict manifest parse and validation → not expired (`expires > now`)
/// → not a rollback → exact file list (nothing unlisted, nothing missing, sizes and
/// digests) → every `.wasm` declared, every plugin matches its pin and is signed over the
/// whole module by one of `plugin_signers` → the version is recorded in `state`.
///
/// There is no unsigned mode. A bundle trusted by digest instead (the built-in one) goes
/// through [`verify_pinned`].
pub fn verify(
    loaded: &LoadedBundle,
    trusted_keys: &[PublicKey],
    threshold: usize,
    now: Timestamp,
    state: &mut State,
) -> Result<VerifiedBundle> {
    dsse::distinct_trusted(trusted_keys, threshold)?;
    let manifest = manifest_of(loaded)?;
    let envelope_bytes = loaded.files.get(ENVELOPE_FILE).ok_or_else(|| {
        TrustError::Envelope(EnvelopeError::UnsignedBundle {
            source_name: loaded.source.clone(),
        })
    })?;
    let envelope = Envelope::from_json(envelope_bytes)?;
    let verified = dsse::verify(&envelope, BUNDLE_PAYLOAD_TYPE, trusted_keys, threshold)?;
    if verified.payload != manifest {
        return Err(TrustError::Envelope(EnvelopeError::PayloadMismatch));
    }
    finish(loaded, manifest, verified.signers, now, state)
}

/// Like [`verify`], but `bundle.json` is trusted because its SHA-256 equals
/// `manifest_sha256` (a digest pinned at compile time) instead of by signatures; any
/// envelope is ignored. Everything else (files, plugins, expiry, rollback) is checked.
pub fn verify_pinned(
    loaded: &LoadedBundle,
    manifest_sha256: &str,
    now: Timestamp,
    state: &mut State,
) -> Result<VerifiedBundle> {
    let manifest = manifest_of(loaded)?;
    let actual = sha256_hex(manifest);
    if actual != manifest_sha256 {
        return Err(TrustError::Manifest(
            BundleManifestError::PinnedDigestMismatch {
                expected: manifest_sha256.into(),
                actual,
            },
        ));
    }
    finish(loaded, manifest, Vec::new(), now, state)
}

fn manifest_of(loaded: &LoadedBundle) -> Result<&[u8]> {
    loaded.manifest_bytes().ok_or_else(|| {
        TrustError::Manifest(BundleManifestError::Missing {
            source_name: loaded.source.clone(),
        })
    })
}

/// Everything after the manifest is authenticated.
fn finish(
    loaded: &LoadedBundle,
    manifest_bytes: &[u8],
    signers: Vec<KeyId>,
    now: Timestamp,
    state: &mut State,
) -> Result<VerifiedBundle> {
    let manifest = BundleManifest::parse(manifest_bytes)?;
    let digest = sha256_hex(manifest_bytes);
    if manifest.expires <= now {
        return Err(TrustError::Freshness(FreshnessError::Expired {
            name: manifest.name,
            version: manifest.version,
            expires: manifest.expires.to_string(),
            now: now.to_string(),
        }));
    }
    state.check(&manifest.name, manifest.version, &digest)?;

    let files: BTreeMap<String, Vec<u8>> = loaded
        .files
        .iter()
        .filter(|(path, _)| !is_reserved(path))
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect();
    for entry in &manifest.files {
        let Some(bytes) = files.get(&entry.path) else {
            return Err(TrustError::Manifest(BundleManifestError::MissingFile {
                path: entry.path.clone(),
            }));
        };
        if bytes.len() as u64 != entry.size {
            return Err(TrustError::Manifest(
                BundleManifestError::FileSizeMismatch {
                    path: entry.path.clone(),
                    expected: entry.size,
                    actual: bytes.len() as u64,
                },
            ));
        }
        let actual = sha256_hex(bytes);
        if actual != entry.sha256 {
            return Err(TrustError::Manifest(
                BundleManifestError::FileDigestMismatch {
                    path: entry.path.clone(),
                    expected: entry.sha256.clone(),
                    actual,
                },
            ));
        }
    }
    let listed: BTreeSet<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    if let Some(path) = files.keys().find(|p| !listed.contains(p.as_str())) {
        return Err(TrustError::Manifest(BundleManifestError::UnlistedFile {
            path: path.clone(),
        }));
    }

    let declared: BTreeSet<&str> = manifest.plugins.iter().map(|p| p.path.as_str()).collect();
    if let Some(path) = files
        .keys()
        .find(|p| p.ends_with(".wasm") && !declared.contains(p.as_str()))
    {
        return Err(TrustError::Plugin(PluginVerificationError::Undeclared {
            path: path.clone(),
        }));
    }
    let signer_keys = manifest.plugin_signer_public_keys()?;
    let mut plugin_signers = BTreeMap::new();
    for plugin in &manifest.plugins {
        let bytes = files.get(&plugin.path).ok_or_else(|| {
            TrustError::Manifest(BundleManifestError::MissingFile {
                path: plugin.path.clone(),
            })
        })?;
        let actual = sha256_hex(bytes);
        if actual != plugin.sha256 {
            return Err(TrustError::Plugin(
                PluginVerificationError::DigestMismatch {
                    plugin: plugin.name.clone(),
                    path: plugin.path.clone(),
                    expected: plugin.sha256.clone(),
                    actual,
                },
            ));
        }
        let keys = wasmsig::verify(&plugin.path, bytes, &signer_keys)?;
        plugin_signers.insert(plugin.path.clone(), keys);
    }

    state.record(&manifest.name, manifest.version, &digest, now)?;
    Ok(VerifiedBundle {
        manifest,
        digest,
        signers,
        files,
        plugin_signers,
    })
}
