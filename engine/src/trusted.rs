//! A bundle the engine may judge with: one whose origin is established —
//! the built-in bundle checked against the digest pinned in the binary, or
//! a published bundle whose signatures, file list, plugins, expiry and
//! anti-rollback state verified — or one a policy author declares their own
//! working source. [`crate::Engine::builder`] takes only this type, so a
//! bundle read from files cannot reach the engine without one of these.

use std::collections::BTreeMap;

use crate::bundle::{Bundle, Signed, TrustConfig, builtin};
use crate::error::BundleError;
use crate::submission::sha256_hex;

/// How a bundle came to be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrustBasis {
    /// The built-in bundle, matching the digest pinned at build time.
    Pinned,
    /// A published bundle whose signatures and files verified.
    Signed,
    /// A policy author's own source folder (or a test's files), trusted
    /// because the person running assure wrote it; never a bundle received
    /// from someone else.
    AuthorsOwn,
}

/// A bundle whose origin is established (see the module documentation).
/// It reads as the [`Bundle`] it holds.
#[derive(Debug, Clone)]
pub struct TrustedBundle {
    bundle: Bundle,
    basis: TrustBasis,
}

impl std::ops::Deref for TrustedBundle {
    type Target = Bundle;

    fn deref(&self) -> &Bundle {
        &self.bundle
    }
}

impl TrustedBundle {
    /// The built-in NHS baseline bundle, checked against the digest pinned
    /// when this binary was built.
    pub fn builtin() -> Result<Self, BundleError> {
        let files: BTreeMap<String, Vec<u8>> = builtin::FILES
            .iter()
            .map(|(path, bytes)| ((*path).to_owned(), bytes.to_vec()))
            .collect();
        let bundle = Bundle::from_files("built-in", files)?;
        if bundle.digest != builtin::DIGEST {
            return Err(BundleError::Digest {
                bundle: bundle.name,
                expected: builtin::DIGEST.to_owned(),
                found: bundle.digest,
            });
        }
        Ok(Self {
            bundle,
            basis: TrustBasis::Pinned,
        })
    }

    /// Loads a published bundle — a `.bundle` file or a folder holding
    /// `bundle.json` and `bundle.json.dsse` — and verifies it before anything
    /// in it is used: the threshold of trusted signatures, the exact file
    /// list and digests, every plugin's pin and signature, expiry at `now`
    /// and the anti-rollback state, which records it when it is accepted.
    /// There is no unverified path.
    pub fn load_signed(
        path: &std::path::Path,
        trust: &TrustConfig,
        now: jiff::Timestamp,
    ) -> Result<Self, crate::Error> {
        let source_name = path.display().to_string();
        let loaded =
            assure_trust::bundle::load(path).map_err(|error| crate::Error::BundleTrust {
                source_name: source_name.clone(),
                error,
            })?;
        Self::verify_loaded(&loaded, trust, now)
    }

    /// [`TrustedBundle::load_signed`] for a `.bundle` file's bytes (from a
    /// registry, say), named `source_name` in errors: verified in exactly
    /// the same way, nothing written but the anti-rollback state.
    pub fn load_signed_bytes(
        source_name: &str,
        bytes: &[u8],
        trust: &TrustConfig,
        now: jiff::Timestamp,
    ) -> Result<Self, crate::Error> {
        let loaded = assure_trust::bundle::load_archive(
            source_name,
            bytes,
            &assure_trust::bundle::ArchiveLimits::default(),
        )
        .map_err(|error| crate::Error::BundleTrust {
            source_name: source_name.to_owned(),
            error,
        })?;
        Self::verify_loaded(&loaded, trust, now)
    }

    fn verify_loaded(
        loaded: &assure_trust::bundle::LoadedBundle,
        trust: &TrustConfig,
        now: jiff::Timestamp,
    ) -> Result<Self, crate::Error> {
        let source_name = loaded.source().to_owned();
        let untrusted = |error| crate::Error::BundleTrust {
            source_name: source_name.clone(),
            error,
        };
        let mut state = assure_trust::state::State::load(&trust.state).map_err(untrusted)?;
        let verified =
            assure_trust::bundle::verify(loaded, &trust.keys, trust.threshold, now, &mut state)
                .map_err(untrusted)?;
        let mut bundle = Bundle::from_files(&source_name, verified.files.clone())?;
        if bundle.name != verified.manifest.name || bundle.version != verified.manifest.version {
            return Err(BundleError::Invalid {
                bundle: source_name.clone(),
                file: "bundle.toml".into(),
                problems: vec![format!(
                    "names {} v{}, but the signed bundle.json says {} v{}",
                    bundle.name, bundle.version, verified.manifest.name, verified.manifest.version
                )],
            }
            .into());
        }
        // Every plugin the engine will run is one the trust layer checked
        // against the bundle's allowed plugin signers.
        for plugin in &bundle.plugins {
            let signed = verified.plugin_signers.iter().any(|(p, signers)| {
                !signers.is_empty()
                    && verified
                        .files
                        .get(p)
                        .is_some_and(|b| sha256_hex(b) == plugin.sha256)
            });
            if !signed {
                return Err(untrusted(
                    assure_trust::error::PluginVerificationError::Unsigned {
                        plugin: plugin.name.clone(),
                    }
                    .into(),
                ));
            }
        }
        // Recorded only once the bundle is known to load.
        state.save().map_err(untrusted)?;
        bundle.signed = Some(Signed {
            manifest_sha256: verified.digest.clone(),
            signers: verified.signers.iter().map(|k| k.to_hex()).collect(),
            expires: crate::time::format_datetime(verified.manifest.expires),
        });
        Ok(Self {
            bundle,
            basis: TrustBasis::Signed,
        })
    }

    /// A bundle the person running assure wrote: a policy author's source
    /// folder (`assure test`, `policy validate`), or the files of a test.
    /// Never use it for a bundle received from someone else: load that
    /// with [`TrustedBundle::load_signed`].
    #[must_use]
    pub fn authors_own(bundle: Bundle) -> Self {
        Self {
            bundle,
            basis: TrustBasis::AuthorsOwn,
        }
    }

    /// How it came to be trusted.
    #[must_use]
    pub fn basis(&self) -> TrustBasis {
        self.basis
    }

    /// The bundle itself (no longer marked trusted).
    pub fn into_inner(self) -> Bundle {
        self.bundle
    }
}
