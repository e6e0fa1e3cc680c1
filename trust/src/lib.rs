//! Trust for assure: keys, signatures and signed bundles.
//!
//! An assurance team publishes **bundles** (Cedar policies, schema, WebAssembly plugins,
//! reference data) signed with Ed25519 keys; assure refuses to use a bundle, or a plugin in
//! it, unless the signatures, digests, expiry and anti-rollback state all check out. Every
//! failure is a [`TrustError`] — each a *trust failure* (the CLI's exit code 4). Its
//! variants are groups by concern ([`error`]: keys, envelopes, signatures, plugins, archive
//! entries, `bundle.json`, freshness), each leaf one kind of attack with a stable
//! diagnostic code such as `assure::trust::archive::path_traversal`.
//!
//! # Formats
//!
//! **Keys** ([`keys`]). Ed25519. Private keys are PKCS#8 PEM (v1, what
//! `openssl genpkey -algorithm ed25519` writes; files are created `0600`), public keys are
//! SPKI PEM (`openssl pkey -pubout`). A key id is the lowercase hex SHA-256 of the 32-byte
//! raw public key. Small-order and non-canonically encoded public keys are refused.
//!
//! **DSSE envelopes** ([`dsse`]). `{"payloadType", "payload" (base64), "signatures":
//! [{"keyid", "sig" (base64)}]}`; each signature is Ed25519 over
//! `PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`. Verification
//! counts distinct trusted keys whose `verify_strict` accepts a signature against a
//! threshold; keyids are hints only.
//!
//! **Plugin signatures** ([`wasmsig`]). The WebAssembly tool-conventions signature format
//! written by `wasmsign2`: a `signature` custom section, first after the header, holding
//! sets of SHA-256 hashes of the rest of the module and Ed25519 signatures over
//! `"wasmsig" ‖ 01 ‖ 01 ‖ 01 ‖ hashes`. Only whole-module verification is offered.
//!
//! **Bundles** ([`bundle`]). A folder, or a `.bundle` file (gzip'd tar of the folder), with:
//!
//! * `bundle.json`, the manifest (fields in this order, all required, no others):
//!   ```json
//!   {
//!     "format": "assure.bundle/v1",
//!     "name": "nhs-baseline",
//!     "version": 7,
//!     "created": "2026-03-01T09:00:00Z",
//!     "expires": "2026-09-01T09:00:00Z",
//!     "files": [{"path": "policies/sbom.cedar", "sha256": "<hex>", "size": 1234}],
//!     "plugin_signers": ["<key id>"],
//!     "plugin_signer_keys": ["-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----\n"],
//!     "plugins": [{"name": "cyclonedx", "path": "plugins/cyclonedx.wasm", "sha256": "<hex>"}]
//!   }
//!   ```
//!   `files` lists every other file of the bundle (everything but `bundle.json` and
//!   `bundle.json.dsse`), sorted by path, with SHA-256 (lowercase hex) and size. `version`
//!   only goes up. `plugin_signers` are the key ids allowed to sign plugins and
//!   `plugin_signer_keys` their SPKI PEM public keys — exactly one key per id, no other
//!   keys (they are trusted because the manifest is signed). Every `.wasm` file must be
//!   declared in `plugins`, pinned by SHA-256 and signed by one of `plugin_signers`.
//! * `bundle.json.dsse`, a DSSE envelope of payload type
//!   `application/vnd.assure.bundle+json` whose payload is exactly the bytes of
//!   `bundle.json`, with one or more signatures.
//!
//! The manifest is parsed strictly (duplicate keys at any depth and unknown members are
//! refused). Loading an archive happens in memory only, refusing `..`, absolute paths,
//! links, devices, duplicate paths, non-UTF-8 names, more than 10,000 entries, an entry
//! over 256 MiB or more than 1 GiB decompressed ([`bundle::ArchiveLimits`]).
//!
//! **Anti-rollback state** ([`state`]). A JSON file mapping bundle name to
//! `{version, digest, accepted_at}`; lower versions, and the same version with another
//! digest, are refused.
//!
//! # Use
//!
//! ```no_run
//! # fn main() -> Result<(), assure_trust::TrustError> {
//! use assure_trust::{bundle, keys, state::State};
//! let trusted = [keys::PublicKey::read_pem_file("team.pub".as_ref())?];
//! let loaded = bundle::load("nhs-baseline.bundle".as_ref())?;
//! let mut state = State::load("trust-state.json".as_ref())?;
//! let verified = bundle::verify(&loaded, &trusted, 1, jiff::Timestamp::now(), &mut state)?;
//! println!("{} v{}", verified.manifest.name, verified.manifest.version);
//! # Ok(()) }
//! ```

pub mod bundle;
pub mod dsse;
pub mod error;
pub mod folder;
pub mod json;
pub mod keys;
pub mod state;
pub mod wasmsig;

pub use error::{Result, TrustError};

/// RFC 3339 timestamps as JSON strings.
pub(crate) mod rfc3339 {
    use jiff::Timestamp;
    use serde::{Deserialize as _, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_string())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
