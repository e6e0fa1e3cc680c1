//! The errors of this crate: [`TrustError`], a short list of groups, each wrapping a small
//! error enum (or struct) whose every leaf has a stable diagnostic code
//! (`assure::trust::<group>::<leaf>`) and, where one helps, a help line.
//!
//! Codes are part of the interface (logs, tests and users match on them): once published,
//! a code never changes meaning. The table in this module's tests lists every leaf and its
//! code.

use std::path::PathBuf;

use miette::Diagnostic;
use thiserror::Error;

/// Every way trust can fail.
///
/// Each variant is a **trust failure**: a caller (the CLI) maps all of them to the same
/// outcome ("trust failure", exit code 4). Leaves are fine-grained so that tests, logs and
/// users can tell one attack from another; each message names the file, archive entry,
/// plugin or key id concerned. The message and the diagnostic code are those of the leaf.
#[derive(Debug, Error, Diagnostic)]
#[non_exhaustive]
pub enum TrustError {
    /// A file or folder could not be read or written.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Io(#[from] IoError),

    /// A key could not be parsed, or is weak.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Key(#[from] KeyError),

    /// The caller's trust configuration (keys and threshold) cannot be satisfied.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] TrustConfigError),

    /// A DSSE envelope is malformed, missing, of the wrong type or over other bytes.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Envelope(#[from] EnvelopeError),

    /// The signatures in a DSSE envelope do not meet the threshold of trusted keys.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Signature(#[from] SignatureError),

    /// A WebAssembly plugin is unsigned, badly signed, not pinned or not declared.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Plugin(#[from] PluginVerificationError),

    /// A bundle archive (or folder) holds an entry that is refused while loading it.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Archive(#[from] ArchiveError),

    /// `bundle.json` is missing, invalid, or does not match the files of the bundle.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Manifest(#[from] BundleManifestError),

    /// A JSON document (a manifest or an envelope) has the same member twice.
    #[error(transparent)]
    #[diagnostic(transparent)]
    DuplicateJsonKey(#[from] DuplicateJsonKeyError),

    /// The bundle has expired, is older than one already accepted, or the anti-rollback
    /// state cannot be read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Freshness(#[from] FreshnessError),
}

/// Result with [`TrustError`].
pub type Result<T, E = TrustError> = std::result::Result<T, E>;

pub(crate) fn io_err(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> TrustError {
    let path = path.into();
    move |source| IoError { path, source }.into()
}

// ----- I/O ---------------------------------------------------------------------------------

/// A file or folder could not be read or written.
#[derive(Debug, Error, Diagnostic)]
#[error("cannot access {}: {source}", path.display())]
#[diagnostic(code(assure::trust::io))]
pub struct IoError {
    /// The file or folder.
    pub path: PathBuf,
    /// The underlying error.
    #[source]
    pub source: std::io::Error,
}

// ----- keys --------------------------------------------------------------------------------

/// A key that cannot be used.
#[derive(Debug, Error, Diagnostic)]
#[non_exhaustive]
pub enum KeyError {
    /// A key could not be parsed (bad PEM, DER, algorithm or length).
    #[error("invalid key ({what}): {reason}")]
    #[diagnostic(
        code(assure::trust::key::parse),
        help(
            "public keys are Ed25519 SPKI PEM (`openssl pkey -pubout`), private keys PKCS#8 PEM; \
             `assure key generate` writes both"
        )
    )]
    Parse {
        /// What was being parsed (file name or description).
        what: String,
        /// Why it failed.
        reason: String,
    },

    /// A public key is of small order (e.g. the identity point) or not canonically encoded:
    /// such keys make forged signatures verify, so they are never accepted.
    #[error("refusing weak Ed25519 public key {key_id}: {reason}")]
    #[diagnostic(
        code(assure::trust::key::weak),
        help(
            "with this key any signature could verify; it is never trusted: use a key pair from \
             `assure key generate`"
        )
    )]
    Weak {
        /// Key id of the refused key.
        key_id: String,
        /// Why it is weak.
        reason: String,
    },
}

// ----- trust configuration -----------------------------------------------------------------

/// The caller's trust configuration cannot be satisfied (no keys, threshold 0, or a
/// threshold above the number of distinct trusted keys).
#[derive(Debug, Error, Diagnostic)]
#[error("invalid trust configuration: {reason}")]
#[diagnostic(
    code(assure::trust::config),
    help("trust at least one public key, with a threshold from 1 to the number of distinct keys")
)]
pub struct TrustConfigError {
    /// What is wrong.
    pub reason: String,
}

// ----- DSSE envelopes ----------------------------------------------------------------------

/// A DSSE envelope that cannot be checked, or that signs something else.
#[derive(Debug, Error, Diagnostic)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// The DSSE envelope is not valid JSON of the expected shape, or its base64 is bad.
    #[error("malformed DSSE envelope: {reason}")]
    #[diagnostic(
        code(assure::trust::envelope::malformed),
        help(
            "a DSSE envelope is a JSON object with `payloadType`, a base64 `payload` and \
             `signatures`, each with a `keyid` and a base64 `sig`"
        )
    )]
    Malformed {
        /// What is wrong.
        reason: String,
    },

    /// The envelope's payloadType is not the one expected.
    #[error("DSSE payloadType is {found:?}, expected {expected:?}")]
    #[diagnostic(
        code(assure::trust::envelope::payload_type),
        help("the envelope signs another kind of document: check that the right file was given")
    )]
    WrongPayloadType {
        /// The expected payload type.
        expected: String,
        /// The payload type found.
        found: String,
    },

    /// `bundle.json.dsse` is missing although trusted keys are configured.
    #[error(
        "bundle {source_name} is unsigned (no bundle.json.dsse) but trusted keys are configured"
    )]
    #[diagnostic(
        code(assure::trust::envelope::unsigned_bundle),
        help("a bundle is signed with `assure bundle sign`; an unsigned bundle is never used")
    )]
    UnsignedBundle {
        /// The bundle.
        source_name: String,
    },

    /// The envelope's payload is not byte-for-byte `bundle.json`.
    #[error("bundle.json.dsse does not sign this bundle.json (payload differs)")]
    #[diagnostic(
        code(assure::trust::envelope::payload_mismatch),
        help(
            "bundle.json was changed after it was signed: get the bundle again from its publisher"
        )
    )]
    PayloadMismatch,
}

// ----- DSSE signatures ---------------------------------------------------------------------

/// A signature in a DSSE envelope that is not counted, or too few that are.
#[derive(Debug, Error, Diagnostic)]
#[non_exhaustive]
pub enum SignatureError {
    /// A signature is not 64 bytes long.
    #[error("DSSE signature (keyid {keyid:?}) is {len} bytes, not a 64-byte Ed25519 signature")]
    #[diagnostic(code(assure::trust::signature::malformed))]
    Malformed {
        /// The keyid hint given with the signature.
        keyid: String,
        /// Its length.
        len: usize,
    },

    /// A signature's scalar `s` is not reduced modulo the group order ℓ (malleability).
    #[error("DSSE signature (keyid {keyid:?}) is non-canonical (s >= l)")]
    #[diagnostic(
        code(assure::trust::signature::non_canonical),
        help("a non-canonical signature is an altered copy of a real one; it is never counted")
    )]
    NonCanonical {
        /// The keyid hint given with the signature.
        keyid: String,
    },

    /// A signature verifies under none of the trusted keys and its keyid names none of them.
    #[error("DSSE signature by untrusted key (keyid {keyid:?}): it verifies under no trusted key")]
    #[diagnostic(
        code(assure::trust::signature::untrusted_key),
        help(
            "`assure bundle inspect` shows the key ids that signed; trust a signer's public key \
             only if you know whose it is"
        )
    )]
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
    #[diagnostic(
        code(assure::trust::signature::key_id_mismatch),
        help("get the signed file again from its publisher; never edit a signed file")
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
    #[diagnostic(
        code(assure::trust::signature::raw_payload),
        help("sign with a DSSE signer such as `assure bundle sign`, which signs the PAE")
    )]
    RawPayload {
        /// The key that signed the raw payload.
        keyid: String,
    },

    /// Fewer distinct trusted keys signed than the threshold requires (duplicates count once).
    #[error("{found} distinct trusted signature(s), {required} required")]
    #[diagnostic(
        code(assure::trust::signature::threshold_not_met),
        help("more trusted keys must sign; several signatures by one key count once")
    )]
    ThresholdNotMet {
        /// The threshold.
        required: usize,
        /// Distinct trusted keys with a valid signature.
        found: usize,
    },
}

// ----- WebAssembly plugins -----------------------------------------------------------------

/// A WebAssembly plugin that is not used: its signature section, its signers, or its pin in
/// `bundle.json` do not check out.
#[derive(Debug, Error, Diagnostic)]
#[non_exhaustive]
pub enum PluginVerificationError {
    /// The plugin is not a well-formed WebAssembly module/component, or its signature
    /// section cannot be parsed.
    #[error("plugin {plugin}: malformed WebAssembly or signature section: {reason}")]
    #[diagnostic(code(assure::trust::plugin::malformed))]
    Malformed {
        /// The plugin (path or name).
        plugin: String,
        /// What is wrong.
        reason: String,
    },

    /// The plugin has no `signature` custom section.
    #[error("plugin {plugin} is not signed (no `signature` custom section)")]
    #[diagnostic(
        code(assure::trust::plugin::unsigned),
        help("sign it with `assure plugin sign --key <key> <plugin.wasm>`")
    )]
    Unsigned {
        /// The plugin (path or name).
        plugin: String,
    },

    /// A `signature` custom section appears somewhere other than first after the header.
    #[error("plugin {plugin}: a `signature` section is not the first section of the module")]
    #[diagnostic(
        code(assure::trust::plugin::signature_not_first),
        help(
            "a signature section elsewhere would leave what precedes it unsigned; sign the \
             original plugin with `assure plugin sign`"
        )
    )]
    SignatureSectionNotFirst {
        /// The plugin (path or name).
        plugin: String,
    },

    /// An allowed key signed this plugin, but the module was changed after signing
    /// (e.g. a section appended): the signed hash does not cover the whole module.
    #[error(
        "plugin {plugin} was modified after signing by {key_ids:?}: its hash is not the signed one"
    )]
    #[diagnostic(
        code(assure::trust::plugin::modified_after_signing),
        help("get the plugin as its signer published it; any change needs a new signature")
    )]
    ModifiedAfterSigning {
        /// The plugin (path or name).
        plugin: String,
        /// Keys whose signatures are valid, but over other content.
        key_ids: Vec<String>,
    },

    /// No key allowed to sign plugins has a valid signature on this plugin.
    #[error(
        "plugin {plugin} is not signed by an allowed key (signature key id hints: {key_id_hints:?})"
    )]
    #[diagnostic(
        code(assure::trust::plugin::signer_not_allowed),
        help(
            "a bundle's plugins must be signed by a key in its `plugin_signers`; \
             `assure bundle build --plugin-key <key>` signs them"
        )
    )]
    SignerNotAllowed {
        /// The plugin (path or name).
        plugin: String,
        /// Hex key ids stored with the signatures (hints only; unauthenticated).
        key_id_hints: Vec<String>,
    },

    /// A plugin's bytes do not match the SHA-256 pinned in `plugins`.
    #[error("plugin {plugin} ({path}) has sha256 {actual}, pinned {expected}")]
    #[diagnostic(
        code(assure::trust::plugin::digest_mismatch),
        help("the plugin is not the one the signed bundle.json pins; it is never run")
    )]
    DigestMismatch {
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
    #[diagnostic(
        code(assure::trust::plugin::undeclared),
        help("every `.wasm` file of a bundle is declared, pinned and signed in `plugins`")
    )]
    Undeclared {
        /// The file.
        path: String,
    },
}

// ----- archive / folder extraction ---------------------------------------------------------

/// An entry of a bundle archive (or a file of a bundle folder) that is refused while loading.
#[derive(Debug, Error, Diagnostic)]
#[non_exhaustive]
pub enum ArchiveError {
    /// The archive is not a valid gzip'd tar.
    #[error("bundle {source_name}: malformed archive: {reason}")]
    #[diagnostic(
        code(assure::trust::archive::malformed),
        help("a `.bundle` file is a gzip'd tar, as `assure bundle build` writes it")
    )]
    Malformed {
        /// The bundle file.
        source_name: String,
        /// What is wrong.
        reason: String,
    },

    /// An entry name contains a `..` component.
    #[error("bundle entry {entry:?} escapes the bundle (`..` component)")]
    #[diagnostic(
        code(assure::trust::archive::path_traversal),
        help("a bundle holds only regular files at relative paths inside it")
    )]
    PathTraversal {
        /// The entry name.
        entry: String,
    },

    /// An entry name is absolute (`/…`, `\…` or a drive letter).
    #[error("bundle entry {entry:?} is an absolute path")]
    #[diagnostic(
        code(assure::trust::archive::absolute_path),
        help("a bundle holds only regular files at relative paths inside it")
    )]
    AbsolutePath {
        /// The entry name.
        entry: String,
    },

    /// An entry name is otherwise unacceptable (empty component, `.`, backslash, control
    /// character, reserved name).
    #[error("bundle entry {entry:?} has an invalid name: {reason}")]
    #[diagnostic(
        code(assure::trust::archive::invalid_entry_name),
        help(
            "entry names are `/`-separated relative paths of printable characters that mean the \
             same file on every system"
        )
    )]
    InvalidEntryName {
        /// The entry name.
        entry: String,
        /// What is wrong.
        reason: String,
    },

    /// An entry name is not UTF-8.
    #[error("bundle entry {entry:?} has a name that is not UTF-8")]
    #[diagnostic(code(assure::trust::archive::non_utf8_name))]
    NonUtf8Name {
        /// The name, lossily decoded.
        entry: String,
    },

    /// A symbolic or hard link.
    #[error("bundle entry {entry:?} is a link ({kind}); links are refused")]
    #[diagnostic(
        code(assure::trust::archive::link),
        help("a bundle holds only regular files at relative paths inside it")
    )]
    LinkEntry {
        /// The entry name.
        entry: String,
        /// symlink or hardlink.
        kind: String,
    },

    /// A device, FIFO, socket, sparse file or other non-regular entry.
    #[error("bundle entry {entry:?} is a {kind}, not a regular file")]
    #[diagnostic(
        code(assure::trust::archive::special_entry),
        help("a bundle holds only regular files at relative paths inside it")
    )]
    SpecialEntry {
        /// The entry name.
        entry: String,
        /// The kind of entry.
        kind: String,
    },

    /// The same path appears twice.
    #[error("bundle entry {entry:?} appears more than once")]
    #[diagnostic(
        code(assure::trust::archive::duplicate_entry),
        help("tools disagree on which copy wins, so a bundle with two is refused")
    )]
    DuplicateEntry {
        /// The entry name.
        entry: String,
    },

    /// More entries than allowed.
    #[error("bundle {source_name} has more than {limit} entries")]
    #[diagnostic(code(assure::trust::archive::too_many_entries))]
    TooManyEntries {
        /// The bundle.
        source_name: String,
        /// The limit.
        limit: u64,
    },

    /// One entry is larger than allowed.
    #[error("bundle entry {entry:?} is larger than the {limit}-byte limit")]
    #[diagnostic(code(assure::trust::archive::entry_too_large))]
    EntryTooLarge {
        /// The entry name.
        entry: String,
        /// The limit.
        limit: u64,
    },

    /// The uncompressed contents exceed the total limit (decompression bomb).
    #[error("bundle {source_name} inflates past the {limit}-byte limit on total uncompressed size")]
    #[diagnostic(
        code(assure::trust::archive::total_size_exceeded),
        help(
            "nothing past the limit is inflated: a small file that inflates this far is a decompression bomb"
        )
    )]
    TotalSizeExceeded {
        /// The bundle.
        source_name: String,
        /// The limit.
        limit: u64,
    },
}

// ----- bundle.json -------------------------------------------------------------------------

/// `bundle.json` (the signed manifest) is missing or invalid, or the files of the bundle are
/// not the ones it lists.
#[derive(Debug, Error, Diagnostic)]
#[non_exhaustive]
pub enum BundleManifestError {
    /// `bundle.json` is missing.
    #[error("bundle {source_name} has no bundle.json")]
    #[diagnostic(
        code(assure::trust::manifest::missing),
        help(
            "a bundle is a folder, or a `.bundle` file, with bundle.json at its top, as \
             `assure bundle build` writes it"
        )
    )]
    Missing {
        /// The bundle.
        source_name: String,
    },

    /// The manifest is not valid (syntax, unknown member, wrong format, unsorted or
    /// malformed entries, inconsistent plugin signer keys…).
    #[error("bundle.json is invalid: {reason}")]
    #[diagnostic(
        code(assure::trust::manifest::invalid),
        help(
            "bundle.json is written by `assure bundle build`; its format is in the trust crate's documentation"
        )
    )]
    Invalid {
        /// What is wrong.
        reason: String,
    },

    /// A file is present in the bundle but not listed in the manifest.
    #[error("bundle file {path:?} is not listed in bundle.json")]
    #[diagnostic(
        code(assure::trust::manifest::unlisted_file),
        help("a file was added after the bundle was signed; nothing unlisted is ever used")
    )]
    UnlistedFile {
        /// The file.
        path: String,
    },

    /// A file listed in the manifest is missing.
    #[error("bundle file {path:?} is listed in bundle.json but missing")]
    #[diagnostic(
        code(assure::trust::manifest::missing_file),
        help("the bundle is incomplete: get it again from its publisher")
    )]
    MissingFile {
        /// The file.
        path: String,
    },

    /// A file's size differs from the manifest.
    #[error("bundle file {path:?} is {actual} bytes, bundle.json says {expected}")]
    #[diagnostic(
        code(assure::trust::manifest::file_size_mismatch),
        help("the file was changed after the bundle was signed: get it again from its publisher")
    )]
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
    #[diagnostic(
        code(assure::trust::manifest::file_digest_mismatch),
        help("the file was changed after the bundle was signed: get it again from its publisher")
    )]
    FileDigestMismatch {
        /// The file.
        path: String,
        /// Digest in the manifest.
        expected: String,
        /// Actual digest.
        actual: String,
    },

    /// A bundle trusted by pinned digest does not have that digest.
    #[error("bundle.json has sha256 {actual}, pinned {expected}")]
    #[diagnostic(code(assure::trust::manifest::pinned_digest_mismatch))]
    PinnedDigestMismatch {
        /// Pinned digest.
        expected: String,
        /// Actual digest.
        actual: String,
    },
}

// ----- strict JSON -------------------------------------------------------------------------

/// A JSON object has the same member twice (parsers disagree on which one wins).
#[derive(Debug, Error, Diagnostic)]
#[error("{file}: duplicate JSON key at {pointer}")]
#[diagnostic(
    code(assure::trust::json::duplicate_key),
    help("parsers disagree on which of two equal members wins, so signed JSON may hold each once")
)]
pub struct DuplicateJsonKeyError {
    /// The file.
    pub file: String,
    /// JSON pointer of the duplicated member.
    pub pointer: String,
}

// ----- expiry and anti-rollback ------------------------------------------------------------

/// A bundle that verified but is stale: expired, or older than (or different from) the
/// version already accepted; or the anti-rollback state that says so cannot be read.
#[derive(Debug, Error, Diagnostic)]
#[non_exhaustive]
pub enum FreshnessError {
    /// The bundle has expired (`expires <= now`).
    #[error("bundle {name} v{version} expired at {expires} (now {now})")]
    #[diagnostic(
        code(assure::trust::freshness::expired),
        help("ask the bundle's publisher for a current version")
    )]
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
    #[diagnostic(
        code(assure::trust::freshness::rollback),
        help("an older version may lack rules or fixes of the newer one; use the newest version")
    )]
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
    #[diagnostic(
        code(assure::trust::freshness::version_content_changed),
        help("a publisher never re-uses a version number: this is not the bundle accepted before")
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

    /// The anti-rollback state file cannot be parsed. It is never silently reset (that
    /// would re-open rollback).
    #[error("anti-rollback state {}: {reason}", path.display())]
    #[diagnostic(
        code(assure::trust::freshness::state_corrupt),
        help(
            "the state file is never reset on its own, since that would allow a rollback: \
             restore it from a backup"
        )
    )]
    StateCorrupt {
        /// The state file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The stable table: each leaf and its code. The match is exhaustive, so a new leaf does
    /// not compile until it has a row here; a row's code never changes once published.
    fn published_code(e: &TrustError) -> &'static str {
        match e {
            TrustError::Io(IoError { .. }) => "assure::trust::io",
            TrustError::Key(e) => match e {
                KeyError::Parse { .. } => "assure::trust::key::parse",
                KeyError::Weak { .. } => "assure::trust::key::weak",
            },
            TrustError::Config(TrustConfigError { .. }) => "assure::trust::config",
            TrustError::Envelope(e) => match e {
                EnvelopeError::Malformed { .. } => "assure::trust::envelope::malformed",
                EnvelopeError::WrongPayloadType { .. } => "assure::trust::envelope::payload_type",
                EnvelopeError::UnsignedBundle { .. } => "assure::trust::envelope::unsigned_bundle",
                EnvelopeError::PayloadMismatch => "assure::trust::envelope::payload_mismatch",
            },
            TrustError::Signature(e) => match e {
                SignatureError::Malformed { .. } => "assure::trust::signature::malformed",
                SignatureError::NonCanonical { .. } => "assure::trust::signature::non_canonical",
                SignatureError::UntrustedKey { .. } => "assure::trust::signature::untrusted_key",
                SignatureError::KeyIdMismatch { .. } => "assure::trust::signature::key_id_mismatch",
                SignatureError::RawPayload { .. } => "assure::trust::signature::raw_payload",
                SignatureError::ThresholdNotMet { .. } => {
                    "assure::trust::signature::threshold_not_met"
                }
            },
            TrustError::Plugin(e) => match e {
                PluginVerificationError::Malformed { .. } => "assure::trust::plugin::malformed",
                PluginVerificationError::Unsigned { .. } => "assure::trust::plugin::unsigned",
                PluginVerificationError::SignatureSectionNotFirst { .. } => {
                    "assure::trust::plugin::signature_not_first"
                }
                PluginVerificationError::ModifiedAfterSigning { .. } => {
                    "assure::trust::plugin::modified_after_signing"
                }
                PluginVerificationError::SignerNotAllowed { .. } => {
                    "assure::trust::plugin::signer_not_allowed"
                }
                PluginVerificationError::DigestMismatch { .. } => {
                    "assure::trust::plugin::digest_mismatch"
                }
                PluginVerificationError::Undeclared { .. } => "assure::trust::plugin::undeclared",
            },
            TrustError::Archive(e) => match e {
                ArchiveError::Malformed { .. } => "assure::trust::archive::malformed",
                ArchiveError::PathTraversal { .. } => "assure::trust::archive::path_traversal",
                ArchiveError::AbsolutePath { .. } => "assure::trust::archive::absolute_path",
                ArchiveError::InvalidEntryName { .. } => {
                    "assure::trust::archive::invalid_entry_name"
                }
                ArchiveError::NonUtf8Name { .. } => "assure::trust::archive::non_utf8_name",
                ArchiveError::LinkEntry { .. } => "assure::trust::archive::link",
                ArchiveError::SpecialEntry { .. } => "assure::trust::archive::special_entry",
                ArchiveError::DuplicateEntry { .. } => "assure::trust::archive::duplicate_entry",
                ArchiveError::TooManyEntries { .. } => "assure::trust::archive::too_many_entries",
                ArchiveError::EntryTooLarge { .. } => "assure::trust::archive::entry_too_large",
                ArchiveError::TotalSizeExceeded { .. } => {
                    "assure::trust::archive::total_size_exceeded"
                }
            },
            TrustError::Manifest(e) => match e {
                BundleManifestError::Missing { .. } => "assure::trust::manifest::missing",
                BundleManifestError::Invalid { .. } => "assure::trust::manifest::invalid",
                BundleManifestError::UnlistedFile { .. } => {
                    "assure::trust::manifest::unlisted_file"
                }
                BundleManifestError::MissingFile { .. } => "assure::trust::manifest::missing_file",
                BundleManifestError::FileSizeMismatch { .. } => {
                    "assure::trust::manifest::file_size_mismatch"
                }
                BundleManifestError::FileDigestMismatch { .. } => {
                    "assure::trust::manifest::file_digest_mismatch"
                }
                BundleManifestError::PinnedDigestMismatch { .. } => {
                    "assure::trust::manifest::pinned_digest_mismatch"
                }
            },
            TrustError::DuplicateJsonKey(DuplicateJsonKeyError { .. }) => {
                "assure::trust::json::duplicate_key"
            }
            TrustError::Freshness(e) => match e {
                FreshnessError::Expired { .. } => "assure::trust::freshness::expired",
                FreshnessError::Rollback { .. } => "assure::trust::freshness::rollback",
                FreshnessError::VersionContentChanged { .. } => {
                    "assure::trust::freshness::version_content_changed"
                }
                FreshnessError::StateCorrupt { .. } => "assure::trust::freshness::state_corrupt",
            },
        }
    }

    /// One error of every leaf.
    fn one_of_each() -> Vec<TrustError> {
        let s = String::new;
        vec![
            IoError {
                path: PathBuf::new(),
                source: std::io::Error::other("x"),
            }
            .into(),
            KeyError::Parse {
                what: s(),
                reason: s(),
            }
            .into(),
            KeyError::Weak {
                key_id: s(),
                reason: s(),
            }
            .into(),
            TrustConfigError { reason: s() }.into(),
            EnvelopeError::Malformed { reason: s() }.into(),
            EnvelopeError::WrongPayloadType {
                expected: s(),
                found: s(),
            }
            .into(),
            EnvelopeError::UnsignedBundle { source_name: s() }.into(),
            EnvelopeError::PayloadMismatch.into(),
            SignatureError::Malformed { keyid: s(), len: 0 }.into(),
            SignatureError::NonCanonical { keyid: s() }.into(),
            SignatureError::UntrustedKey { keyid: s() }.into(),
            SignatureError::KeyIdMismatch { keyid: s() }.into(),
            SignatureError::RawPayload { keyid: s() }.into(),
            SignatureError::ThresholdNotMet {
                required: 2,
                found: 1,
            }
            .into(),
            PluginVerificationError::Malformed {
                plugin: s(),
                reason: s(),
            }
            .into(),
            PluginVerificationError::Unsigned { plugin: s() }.into(),
            PluginVerificationError::SignatureSectionNotFirst { plugin: s() }.into(),
            PluginVerificationError::ModifiedAfterSigning {
                plugin: s(),
                key_ids: vec![],
            }
            .into(),
            PluginVerificationError::SignerNotAllowed {
                plugin: s(),
                key_id_hints: vec![],
            }
            .into(),
            PluginVerificationError::DigestMismatch {
                plugin: s(),
                path: s(),
                expected: s(),
                actual: s(),
            }
            .into(),
            PluginVerificationError::Undeclared { path: s() }.into(),
            ArchiveError::Malformed {
                source_name: s(),
                reason: s(),
            }
            .into(),
            ArchiveError::PathTraversal { entry: s() }.into(),
            ArchiveError::AbsolutePath { entry: s() }.into(),
            ArchiveError::InvalidEntryName {
                entry: s(),
                reason: s(),
            }
            .into(),
            ArchiveError::NonUtf8Name { entry: s() }.into(),
            ArchiveError::LinkEntry {
                entry: s(),
                kind: s(),
            }
            .into(),
            ArchiveError::SpecialEntry {
                entry: s(),
                kind: s(),
            }
            .into(),
            ArchiveError::DuplicateEntry { entry: s() }.into(),
            ArchiveError::TooManyEntries {
                source_name: s(),
                limit: 1,
            }
            .into(),
            ArchiveError::EntryTooLarge {
                entry: s(),
                limit: 1,
            }
            .into(),
            ArchiveError::TotalSizeExceeded {
                source_name: s(),
                limit: 1,
            }
            .into(),
            BundleManifestError::Missing { source_name: s() }.into(),
            BundleManifestError::Invalid { reason: s() }.into(),
            BundleManifestError::UnlistedFile { path: s() }.into(),
            BundleManifestError::MissingFile { path: s() }.into(),
            BundleManifestError::FileSizeMismatch {
                path: s(),
                expected: 1,
                actual: 2,
            }
            .into(),
            BundleManifestError::FileDigestMismatch {
                path: s(),
                expected: s(),
                actual: s(),
            }
            .into(),
            BundleManifestError::PinnedDigestMismatch {
                expected: s(),
                actual: s(),
            }
            .into(),
            DuplicateJsonKeyError {
                file: s(),
                pointer: s(),
            }
            .into(),
            FreshnessError::Expired {
                name: s(),
                version: 1,
                expires: s(),
                now: s(),
            }
            .into(),
            FreshnessError::Rollback {
                name: s(),
                version: 1,
                recorded: 2,
            }
            .into(),
            FreshnessError::VersionContentChanged {
                name: s(),
                version: 1,
                digest: s(),
                recorded: s(),
            }
            .into(),
            FreshnessError::StateCorrupt {
                path: PathBuf::new(),
                reason: s(),
            }
            .into(),
        ]
    }

    /// Every leaf reports the code the table publishes for it, and no two leaves share one.
    #[test]
    fn every_leaf_has_its_published_code_and_codes_are_unique() {
        let errors = one_of_each();
        let mut codes = BTreeSet::new();
        for e in &errors {
            let code = e.code().map(|c| c.to_string());
            assert_eq!(code.as_deref(), Some(published_code(e)), "{e:?}");
            assert!(
                codes.insert(published_code(e)),
                "code used twice: {}",
                published_code(e)
            );
        }
        // One sample per leaf: 44 leaves in 10 groups. A new leaf needs a sample here too.
        assert_eq!(codes.len(), 44);
        assert!(codes.iter().all(|c| c.starts_with("assure::trust::")));
    }

    /// Messages follow the house style: no final period, and the leaf's message is the
    /// whole message (the groups add nothing).
    #[test]
    fn messages_are_the_leaves_own() {
        for e in one_of_each() {
            let message = e.to_string();
            assert!(!message.ends_with('.'), "{message}");
            let leaf = match &e {
                TrustError::Io(l) => l.to_string(),
                TrustError::Key(l) => l.to_string(),
                TrustError::Config(l) => l.to_string(),
                TrustError::Envelope(l) => l.to_string(),
                TrustError::Signature(l) => l.to_string(),
                TrustError::Plugin(l) => l.to_string(),
                TrustError::Archive(l) => l.to_string(),
                TrustError::Manifest(l) => l.to_string(),
                TrustError::DuplicateJsonKey(l) => l.to_string(),
                TrustError::Freshness(l) => l.to_string(),
            };
            assert_eq!(message, leaf);
        }
    }
}
