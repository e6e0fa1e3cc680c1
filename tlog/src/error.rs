//! [`LogError`]: every way building or checking the log can fail, each with a stable
//! diagnostic code (`assure::log::<leaf>`).

use miette::Diagnostic;
use thiserror::Error;

/// Every way building or checking the log can fail.
///
/// Verification failures (`WrongOrigin` to `Inconsistent`, and the malformed inputs) are
/// *trust failures*: a caller (the CLI) treats them like a record that does not verify.
/// [`LogError::Missing`] is not a failure but a request: fetch those stored hashes and
/// call again.
#[derive(Debug, Error, Diagnostic, PartialEq, Eq)]
#[non_exhaustive]
pub enum LogError {
    /// The stored hashes with these indexes are needed and were not in the cache.
    #[error("stored hashes {0:?} are needed and not in the cache")]
    #[diagnostic(
        code(assure::log::missing),
        help("read these stored-hash indexes from the log's store into the cache and call again")
    )]
    Missing(Vec<u64>),

    /// A log origin (key name) that C2SP signed-note does not allow.
    #[error("`{origin}` is not a valid log origin")]
    #[diagnostic(
        code(assure::log::origin),
        help(
            "an origin is non-empty, with no spaces, control characters or `+`, e.g. `assure.example.nhs.uk/log`"
        )
    )]
    InvalidOrigin {
        /// The origin given.
        origin: String,
    },

    /// A log verifier key that cannot be used.
    #[error("not a log verifier key: {reason}")]
    #[diagnostic(
        code(assure::log::verifier_key),
        help(
            "a verifier key reads `<origin>+<8 hex digits>+<base64 of 0x01 and the Ed25519 public key>`"
        )
    )]
    VerifierKey {
        /// What is wrong with it.
        reason: String,
    },

    /// A signed note or the checkpoint it carries is malformed.
    #[error("malformed signed checkpoint: {reason}")]
    #[diagnostic(code(assure::log::malformed_checkpoint))]
    MalformedCheckpoint {
        /// What is wrong with it.
        reason: String,
    },

    /// The checkpoint names another log.
    #[error("the checkpoint is for the log `{found}`, not `{expected}`")]
    #[diagnostic(code(assure::log::wrong_origin))]
    WrongOrigin {
        /// The origin of the trusted key.
        expected: String,
        /// The origin the checkpoint names.
        found: String,
    },

    /// No signature by the trusted key is on the checkpoint.
    #[error("the checkpoint is not signed by the log key `{origin}+{key_id}`")]
    #[diagnostic(
        code(assure::log::unknown_key),
        help(
            "the checkpoint was signed by another key: check that the log key given is this log's"
        )
    )]
    UnknownKey {
        /// The log's origin.
        origin: String,
        /// The trusted key's id (8 hex digits).
        key_id: String,
    },

    /// A signature by the trusted key is on the checkpoint and does not verify.
    #[error(
        "the checkpoint's signature by `{origin}+{key_id}` does not verify: the checkpoint was altered"
    )]
    #[diagnostic(code(assure::log::bad_signature))]
    BadSignature {
        /// The log's origin.
        origin: String,
        /// The trusted key's id (8 hex digits).
        key_id: String,
    },

    /// A log entry is malformed or not in its canonical form.
    #[error("malformed log entry: {reason}")]
    #[diagnostic(code(assure::log::malformed_entry))]
    MalformedEntry {
        /// What is wrong with it.
        reason: String,
    },

    /// A proof document is malformed.
    #[error("malformed log proof: {reason}")]
    #[diagnostic(code(assure::log::malformed_proof))]
    MalformedProof {
        /// What is wrong with it.
        reason: String,
    },

    /// Sizes or an index out of range for the operation asked.
    #[error("{reason}")]
    #[diagnostic(code(assure::log::range))]
    Range {
        /// Which numbers and why.
        reason: String,
    },

    /// The inclusion proof does not lead from the entry to the checkpoint's root.
    #[error(
        "the entry is not at index {index} of the log of size {size}: the proof does not lead to the checkpoint's root"
    )]
    #[diagnostic(code(assure::log::not_included))]
    NotIncluded {
        /// The index claimed.
        index: u64,
        /// The checkpoint's size.
        size: u64,
    },

    /// The newer checkpoint is smaller than the older one.
    #[error(
        "the new checkpoint (size {new}) is smaller than the old one (size {old}): the log went back"
    )]
    #[diagnostic(
        code(assure::log::rollback),
        help("give the older checkpoint as `old` and the newer as `new`")
    )]
    Rollback {
        /// The old checkpoint's size.
        old: u64,
        /// The new checkpoint's size.
        new: u64,
    },

    /// The two checkpoints are not of one append-only log.
    #[error(
        "the checkpoints of sizes {old} and {new} are inconsistent: the log was rewritten, or the proof is wrong"
    )]
    #[diagnostic(code(assure::log::inconsistent))]
    Inconsistent {
        /// The old checkpoint's size.
        old: u64,
        /// The new checkpoint's size.
        new: u64,
    },

    /// A failure inside the Merkle tree library that the checks above should have
    /// prevented.
    #[error("internal error in the log's tree: {0}")]
    #[diagnostic(code(assure::log::internal))]
    Internal(String),
}

/// Result with [`LogError`].
pub type Result<T, E = LogError> = std::result::Result<T, E>;
