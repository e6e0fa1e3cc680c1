//! The one error type of this crate.

use std::path::PathBuf;

/// Every way trust can fail.
///
/// Each variant is a **trust failure**: a caller (the CLI) maps all of them to the same
/// outcome ("trust failure", exit code 4). Variants are fine-grained so that tests, logs
/// and users can tell one attack from another; each message names the file, archive
/// entry, plugin or key id concerned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrustError {
    // ----- I/O -------------------------------------------------------------------------
    /// A file or folder could not be read or written.
    #[error("cannot access {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    // ----- keys -------------------------------------------------------------------------
    /// A key could not be parsed (bad PEM, DER, algorithm or length).
    #[error("invalid key ({what}): {reason}")]
    KeyParse {
        /// What was being parsed (file name or description).
        what: String,
        /// Why it failed.
        reason: String,
    },
    /// A public key is of small order (e.g. the identity point) or not canonically encoded:
    /// such keys make forged signatures verify, so they are never accepted.
    #[error("refusing weak Ed25519 public key {key_id}: {reason}")]
    WeakKey {
        /// Key id of the refused key.
        key_id: String,
        /// Why it is weak.
        reason: String,
    },

    // ----- trust configuration -----------------------------------------------------------
    /// The caller's trust configuration cannot be satisfied (no keys, threshold 0, or a
    /// threshold above the number of distinct trusted keys).
    #[error("invalid trust configuration: {reason}")]
    InvalidTrustConfig {
        /// What is wrong.
        reason: String,
    },

    // ----- DSSE ---------------------------------------------------------------------------
    /// The DSSE envelope is not valid JSON of the expected shape, or its base64 is bad.
    #[error("malformed DSSE envelope: {reason}")]
    EnvelopeMalformed {
        /// What is wrong.
        reason: String,
    },
    /// The envelope's payloadType is not the one expected.
    #[error("DSSE payloadType is {found:?}, expected {expected:?}")]
    WrongPayloadType {
        /// The expected payload type.
        expected: String,
        /// The payload type found.
        found: String,
    },
    /// A signature is not 64 bytes long.
    #[error("DSSE signature (keyid {keyid:?}) is {len} bytes, not a 64-byte Ed25519 signature")]
    MalformedSignature {
        /// The keyid hint given with the signature.
        keyid: String,
        /// Its length.
        len: usize,
    },
    /// A signature's scalar `s` is not reduced modulo the group order ℓ (malleability).
    #[error("DSSE signature (keyid {keyid:?}) is non-canonical (s >= l)")]
    NonCanonicalSignature {
        /// The keyid hint given with the signature.
        keyid: String,
    },
    /// A signature verifies under none of the trusted keys and its keyid names none of them.
    #[error("DSSE signature by untrusted key (keyid {keyid:?}): it verifies under no trusted key")]
    UntrustedKey {
        /// The keyid hint given with the signature.
        keyid: String,
    },
    /// A signature's keyid names a trusted key, but the signature does not verify under
    /// that key (nor under any other trusted key): it was made by another key, or the
    /// payload was altered.
    #[error(
        "DSSE signature claims trusted key {keyid} but does not verify under it \
         (made by another key, or the payload was altered)"
    )]
    KeyIdMismatch {
        /// The (trusted) key id the signature claims.
        keyid: String,
    },
    /// A trusted key signed the raw payload instead of the DSSE pre-authentication
    /// encoding (PAE); such a signature is not counted.
    #[error(
        "DSSE signature by {keyid} is over the raw payload, not over PAE(payloadType, payload)"
    )]
    RawPayloadSignature {
        /// The key that signed the raw payload.
        keyid: String,
    },
    /// Fewer distinct trusted keys signed than the threshold requires (duplicates count once).
    #[error("{found} distinct trusted signature(s), {required} required")]
    ThresholdNotMet {
        /// The threshold.
        required: usize,
        /// Distinct trusted keys with a valid signature.
        found: usize,
    },

    // ----- WebAssembly signatures --------------------------------------------------------
    /// The plugin is not a well-formed WebAssembly module/component, or its signature
    /// section cannot be parsed.
    #[error("plugin {plugin}: malformed WebAssembly or signature section: {reason}")]
    WasmMalformed {
        /// The plugin (path or name).
        plugin: String,
        /// What is wrong.
        reason: String,
    },
    /// The plugin has no `signature` custom section.
    #[error("plugin {plugin} is not signed (no `signature` custom section)")]
    PluginUnsigned {
        /// The plugin (path or name).
        plugin: String,
    },
    /// A `signature` custom section appears somewhere other than first after the header.
    #[error("plugin {plugin}: a `signature` section is not the first section of the module")]
    SignatureSectionNotFirst {
        /// The plugin (path or name).
        plugin: String,
    },
    /// An allowed key signed this plugin, but the module was changed after signing
    /// (e.g. a section appended): the signed hash does not cover the whole module.
    #[error(
        "plugin {plugin} was modified after signing by {key_ids:?}: its hash is not the signed one"
    )]
    PluginModifiedAfterSigning {
        /// The plugin (path or name).
        plugin: String,
        /// Keys whose signatures are valid, but over other content.
        key_ids: Vec<String>,
    },
    /// No key allowed to sign plugins has a valid signature on this plugin.
    #[error(
        "plugin {plugin} is not signed by an allowed key (signature key id hints: {key_id_hints:?})"
    )]
    PluginSignerNotAllowed {
        /// The plugin (path or name).
        plugin: String,
        /// Hex key ids stored with the signatures (hints only; unauthenticated).
        key_id_hints: Vec<String>,
    },

    // ----- archive / folder extraction ---------------------------------------------------
    /// The archive is not a valid gzip'd tar.
    #[error("bundle {source_name}: malformed archive: {reason}")]
    ArchiveMalformed {
        /// The bundle file.
        source_name: String,
        /// What is wrong.
        reason: String,
    },
    /// An entry name contains a `..` component.
    #[error("bundle entry {entry:?} escapes the bundle (`..` component)")]
    PathTraversal {
        /// The entry name.
        entry: String,
    },
    /// An entry name is absolute (`/…`, `\…` or a drive letter).
    #[error("bundle entry {entry:?} is an absolute path")]
    AbsolutePath {
        /// The entry name.
        entry: String,
    },
    /// An entry name is otherwise unacceptable (empty component, `.`, backslash, control
    /// character, reserved name).
    #[error("bundle entry {entry:?} has an invalid name: {reason}")]
    InvalidEntryName {
        /// The entry name.
        entry: String,
        /// What is wrong.
        reason: String,
    },
    /// An entry name is not UTF-8.
    #[error("bundle entry {entry:?} has a name that is not UTF-8")]
    NonUtf8Name {
        /// The name, lossily decoded.
        entry: String,
    },
    /// A symbolic or hard link.
    #[error("bundle entry {entry:?} is a link ({kind}); links are refused")]
    LinkEntry {
        /// The entry name.
        entry: String,
        /// symlink or hardlink.
        kind: String,
    },
    /// A device, FIFO, socket, sparse file or other non-regular entry.
    #[error("bundle entry {entry:?} is a {kind}, not a regular file")]
    SpecialEntry {
        /// The entry name.
        entry: String,
        /// The kind of entry.
        kind: String,
    },
    /// The same path appears twice.
    #[error("bundle entry {entry:?} appears more than once")]
    DuplicateEntry {
        /// The entry name.
        entry: String,
    },
    /// More entries than allowed.
    #[error("bundle {source_name} has more than {limit} entries")]
    TooManyEntries {
        /// The bundle.
        source_name: String,
        /// The limit.
        limit: u64,
    },
    /// One entry is larger than allowed.
    #[error("bundle entry {entry:?} is larger than the {limit}-byte limit")]
    EntryTooLarge {
        /// The entry name.
        entry: String,
        /// The limit.
        limit: u64,
    },
    /// The uncompressed contents exceed the total limit (decompression bomb).
    #[error("bundle {source_name} inflates past the {limit}-byte limit on total uncompressed size")]
    TotalSizeExceeded {
        /// The bundle.
        source_name: String,
        /// The limit.
        limit: u64,
    },

    // ----- bundle verification ----------------------------------------------------------
    /// `bundle.json` is missing.
    #[error("bundle {source_name} has no bundle.json")]
    ManifestMissing {
        /// The bundle.
        source_name: String,
    },
    /// `bundle.json.dsse` is missing although trusted keys are configured.
    #[error(
        "bundle {source_name} is unsigned (no bundle.json.dsse) but trusted keys are configured"
    )]
    UnsignedBundle {
        /// The bundle.
        source_name: String,
    },
    /// The envelope's payload is not byte-for-byte `bundle.json`.
    #[error("bundle.json.dsse does not sign this bundle.json (payload differs)")]
    EnvelopePayloadMismatch,
    /// A JSON object has the same member twice (parsers disagree on which one wins).
    #[error("{file}: duplicate JSON key at {pointer}")]
    DuplicateJsonKey {
        /// The file.
        file: String,
        /// JSON pointer of the duplicated member.
        pointer: String,
    },
    /// The manifest is not valid (syntax, unknown member, wrong format, unsorted or
    /// malformed entries, inconsistent plugin signer keys…).
    #[error("bundle.json is invalid: {reason}")]
    ManifestInvalid {
        /// What is wrong.
        reason: String,
    },
    /// A file is present in the bundle but not listed in the manifest.
    #[error("bundle file {path:?} is not listed in bundle.json")]
    UnlistedFile {
        /// The file.
        path: String,
    },
    /// A file listed in the manifest is missing.
    #[error("bundle file {path:?} is listed in bundle.json but missing")]
    MissingFile {
        /// The file.
        path: String,
    },
    /// A file's size differs from the manifest.
    #[error("bundle file {path:?} is {actual} bytes, bundle.json says {expected}")]
    FileSizeMismatch {
        /// The file.
        path: String,
        /// Size in the manifest.
        expected: u64,
        /// Actual size.
        actual: u64,
    },
    /// A file's SHA-256 differs from the manifest.
    #[error("bundle file {path:?} has sha256 {actual}, bundle.json says {expected}")]
    FileDigestMismatch {
        /// The file.
        path: String,
        /// Digest in the manifest.
        expected: String,
        /// Actual digest.
        actual: String,
    },
    /// The bundle has expired (`expires <= now`).
    #[error("bundle {name} v{version} expired at {expires} (now {now})")]
    Expired {
        /// Bundle name.
        name: String,
        /// Bundle version.
        version: u64,
        /// Expiry time.
        expires: String,
        /// Evaluation time.
        now: String,
    },
    /// The bundle's version is lower than the last accepted one for its name.
    #[error("bundle {name} v{version} is older than v{recorded}, already accepted (rollback)")]
    Rollback {
        /// Bundle name.
        name: String,
        /// Offered version.
        version: u64,
        /// Highest accepted version.
        recorded: u64,
    },
    /// The bundle has the same version as the last accepted one but different content.
    #[error(
        "bundle {name} v{version} has digest {digest}, but v{version} was accepted with digest {recorded}"
    )]
    VersionContentChanged {
        /// Bundle name.
        name: String,
        /// Version.
        version: u64,
        /// Digest offered.
        digest: String,
        /// Digest recorded.
        recorded: String,
    },
    /// A bundle trusted by pinned digest does not have that digest.
    #[error("bundle.json has sha256 {actual}, pinned {expected}")]
    PinnedDigestMismatch {
        /// Pinned digest.
        expected: String,
        /// Actual digest.
        actual: String,
    },
    /// A plugin's bytes do not match the SHA-256 pinned in `plugins`.
    #[error("plugin {plugin} ({path}) has sha256 {actual}, pinned {expected}")]
    PluginDigestMismatch {
        /// Plugin name.
        plugin: String,
        /// Plugin path.
        path: String,
        /// Pinned digest.
        expected: String,
        /// Actual digest.
        actual: String,
    },
    /// A `.wasm` file is in the bundle but not declared as a plugin.
    #[error("bundle file {path:?} is WebAssembly but not declared in `plugins`")]
    UndeclaredPlugin {
        /// The file.
        path: String,
    },

    // ----- anti-rollback state ----------------------------------------------------------
    /// The anti-rollback state file cannot be parsed. It is never silently reset (that
    /// would re-open rollback).
    #[error("anti-rollback state {}: {reason}", path.display())]
    StateCorrupt {
        /// The state file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// Result with [`TrustError`].
pub type Result<T, E = TrustError> = std::result::Result<T, E>;

pub(crate) fn io_err(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> TrustError {
    let path = path.into();
    move |source| TrustError::Io { path, source }
}
