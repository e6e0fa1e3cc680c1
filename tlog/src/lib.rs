//! A tamper-evident log for assure: every decision record, bundle, reference dataset and
//! waiver an assure service handles is logged as an [`Entry`], and anyone holding the
//! log's public key can check offline that an object is in the log ([`InclusionProof`])
//! and that the log was only ever appended to ([`ConsistencyProof`]).
//!
//! The log is the one Certificate Transparency and Go's checksum database use, through
//! Cloudflare's ports of Go's `golang.org/x/mod/sumdb` (`tlog_tiles`, `signed_note`):
//!
//! * **Hashing**: an RFC 6962 Merkle tree; an entry's leaf hash is
//!   `SHA-256(0x00 ‖ entry bytes)` ([`entry_hash`]), an interior node's
//!   `SHA-256(0x01 ‖ left ‖ right)`.
//! * **Storage**: Go sumdb's *stored hashes*, kept by the caller ([`store`]).
//! * **Checkpoints**: C2SP tlog-checkpoint (origin, size, base64 root), signed as a C2SP
//!   signed note with Ed25519 ([`LogKey`], [`LogVerifier`]).
//!
//! See `docs/LOG.md` for the formats.
//!
//! # Example
//!
//! ```
//! use assure_trust::keys::PrivateKey;
//! use assure_tlog::{Entry, EntryKind, InclusionProof, LogKey, MemoryLog, object_sha256};
//!
//! let key = LogKey::new("assure.example.nhs.uk/log", PrivateKey::from_seed(&[7; 32]))?;
//! let record = b"{\"payloadType\":\"...\"}"; // a signed decision record, say
//! let entry = Entry::new(
//!     EntryKind::Decision,
//!     "dec-0001",
//!     object_sha256(record),
//!     "2025-09-22T00:00:00Z",
//!     "assessor@trust.nhs.uk",
//! )?;
//!
//! let mut log = MemoryLog::new();
//! let index = log.append(&entry)?;
//! let checkpoint = key.sign_checkpoint(log.size(), &log.root(log.size())?)?;
//! let proof = InclusionProof::new(checkpoint, index, &entry, &log.prove_inclusion(log.size(), index)?);
//!
//! // Offline, with only the published verifier key:
//! let verifier = assure_tlog::LogVerifier::from_verifier_key(&key.verifier_key())?;
//! let verified = assure_tlog::verify_inclusion(&proof, &verifier)?;
//! assert!(verified.entry.matches_object(record));
//! assert_eq!(verified.checkpoint.size, 1);
//! # Ok::<(), assure_tlog::LogError>(())
//! ```

mod entry;
mod error;
mod note;
mod proof;
pub mod store;

pub use entry::{Entry, EntryKind, MAX_FIELD_BYTES, object_sha256};
pub use error::{LogError, Result};
pub use note::{Checkpoint, LogKey, LogVerifier};
pub use proof::{
    ConsistencyProof, InclusionProof, LogProof, MAX_PROOF_BYTES, MAX_PROOF_HASHES, PROOF_FORMAT,
    VerifiedConsistency, VerifiedInclusion, verify_consistency, verify_inclusion,
};
pub use store::{
    HashCache, MAX_LOG_SIZE, MemoryLog, entry_hash, hashes_to_store, prove_consistency,
    prove_inclusion, tree_root,
};
/// The root hash of the empty tree, `SHA-256("")`.
pub use tlog_tiles::EMPTY_HASH;
/// A SHA-256 hash in the tree (a leaf, a node, a root); `Display` is base64.
pub use tlog_tiles::Hash;

/// Serializes a hash as base64, as checkpoints and proofs write it.
fn serialize_hash<S: serde::Serializer>(hash: &Hash, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.collect_str(hash)
}
