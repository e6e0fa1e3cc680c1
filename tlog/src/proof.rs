//! Proof documents (`assure.log-proof/v1`, JSON) and their offline verification.
//!
//! ```json
//! {"format": "assure.log-proof/v1", "kind": "inclusion",
//!  "checkpoint": "<signed note>", "index": 41,
//!  "entry": "<base64 of the entry's canonical bytes>", "proof": ["<base64 hash>", …]}
//!
//! {"format": "assure.log-proof/v1", "kind": "consistency",
//!  "old": "<signed note>", "new": "<signed note>", "proof": ["<base64 hash>", …]}
//! ```

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::entry::Entry;
use crate::error::{LogError, Result};
use crate::note::{Checkpoint, LogVerifier};
use crate::{EMPTY_HASH, Hash, entry_hash};

/// The `format` of every proof document.
pub const PROOF_FORMAT: &str = "assure.log-proof/v1";

/// The largest proof document read, in bytes.
pub const MAX_PROOF_BYTES: u64 = 1 << 20;

/// The most hashes a proof may hold. Proofs within a log of [`crate::MAX_LOG_SIZE`] need
/// at most 2 × 62; the bound keeps a hostile document from costing time or memory.
pub const MAX_PROOF_HASHES: usize = 128;

const INCLUSION: &str = "inclusion";
const CONSISTENCY: &str = "consistency";

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// That an entry is in the log: a signed checkpoint, the entry and its audit path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionProof {
    /// Always [`PROOF_FORMAT`].
    pub format: String,
    /// Always `inclusion`.
    pub kind: String,
    /// The signed checkpoint (a C2SP signed note).
    pub checkpoint: String,
    /// The entry's index (0-based).
    pub index: u64,
    /// Base64 of the entry's canonical bytes ([`Entry::to_bytes`]).
    pub entry: String,
    /// The RFC 6962 audit path, base64 hashes.
    pub proof: Vec<String>,
}

impl InclusionProof {
    /// The document proving `entry` is at `index` under the signed `checkpoint`.
    #[must_use]
    pub fn new(checkpoint: String, index: u64, entry: &Entry, proof: &[Hash]) -> Self {
        Self {
            format: PROOF_FORMAT.to_owned(),
            kind: INCLUSION.to_owned(),
            checkpoint,
            index,
            entry: b64().encode(entry.to_bytes()),
            proof: proof.iter().map(Hash::to_string).collect(),
        }
    }
}

/// That a log only grew between two signed checkpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyProof {
    /// Always [`PROOF_FORMAT`].
    pub format: String,
    /// Always `consistency`.
    pub kind: String,
    /// The older signed checkpoint.
    pub old: String,
    /// The newer signed checkpoint.
    pub new: String,
    /// The RFC 6962 consistency proof, base64 hashes.
    pub proof: Vec<String>,
}

impl ConsistencyProof {
    /// The document proving the log of checkpoint `old` is a prefix of that of `new`.
    #[must_use]
    pub fn new(old: String, new: String, proof: &[Hash]) -> Self {
        Self {
            format: PROOF_FORMAT.to_owned(),
            kind: CONSISTENCY.to_owned(),
            old,
            new,
            proof: proof.iter().map(Hash::to_string).collect(),
        }
    }
}

/// Either proof document, as read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogProof {
    /// An inclusion proof.
    Inclusion(InclusionProof),
    /// A consistency proof.
    Consistency(ConsistencyProof),
}

impl LogProof {
    /// Parses a proof document of either kind (strictly: unknown or repeated members are
    /// refused).
    ///
    /// # Errors
    ///
    /// [`LogError::MalformedProof`].
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        let malformed = |reason: String| LogError::MalformedProof { reason };
        if bytes.len() as u64 > MAX_PROOF_BYTES {
            return Err(malformed(format!("larger than {MAX_PROOF_BYTES} bytes")));
        }
        #[derive(Deserialize)]
        struct Head {
            format: String,
            kind: String,
        }
        let head: Head =
            serde_json::from_slice(bytes).map_err(|e| malformed(format!("not JSON: {e}")))?;
        check_head(&head.format, &head.kind, &[INCLUSION, CONSISTENCY])?;
        let parsed = match head.kind.as_str() {
            INCLUSION => serde_json::from_slice(bytes).map(LogProof::Inclusion),
            _ => serde_json::from_slice(bytes).map(LogProof::Consistency),
        };
        parsed.map_err(|e| malformed(e.to_string()))
    }
}

fn check_head(format: &str, kind: &str, want: &[&str]) -> Result<()> {
    let malformed = |reason: String| Err(LogError::MalformedProof { reason });
    if format != PROOF_FORMAT {
        return malformed(format!(
            "`format` is `{}`, not `{PROOF_FORMAT}`",
            format.escape_debug()
        ));
    }
    if !want.contains(&kind) {
        return malformed(format!(
            "`kind` is `{}`, not `{}`",
            kind.escape_debug(),
            want.join("` or `")
        ));
    }
    Ok(())
}

fn decode_hashes(proof: &[String]) -> Result<Vec<Hash>> {
    if proof.len() > MAX_PROOF_HASHES {
        return Err(LogError::MalformedProof {
            reason: format!(
                "{} hashes in `proof`, more than the {MAX_PROOF_HASHES} any log needs",
                proof.len()
            ),
        });
    }
    proof
        .iter()
        .enumerate()
        .map(|(i, text)| {
            Hash::parse_hash(text).map_err(|_| LogError::MalformedProof {
                reason: format!("`proof[{i}]` is not a base64 SHA-256 hash"),
            })
        })
        .collect()
}

/// What a verified inclusion proof establishes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifiedInclusion {
    /// The logged entry.
    pub entry: Entry,
    /// Its index.
    pub index: u64,
    /// The checkpoint it is included under.
    pub checkpoint: Checkpoint,
}

/// What a verified consistency proof establishes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifiedConsistency {
    /// The older checkpoint.
    pub old: Checkpoint,
    /// The newer checkpoint, whose log begins with the older one's.
    pub new: Checkpoint,
}

/// Verifies an inclusion proof offline: the checkpoint is signed by the log's key, the
/// entry is well-formed, and the audit path leads from its leaf hash at `index` to the
/// checkpoint's root.
///
/// # Errors
///
/// [`LogError::MalformedProof`], the checkpoint's errors
/// ([`LogVerifier::verify_checkpoint`]), [`LogError::MalformedEntry`] or
/// [`LogError::NotIncluded`].
pub fn verify_inclusion(proof: &InclusionProof, log: &LogVerifier) -> Result<VerifiedInclusion> {
    check_head(&proof.format, &proof.kind, &[INCLUSION])?;
    let checkpoint = log.verify_checkpoint(&proof.checkpoint)?;
    let hashes = decode_hashes(&proof.proof)?;
    let bytes = b64()
        .decode(&proof.entry)
        .map_err(|_| LogError::MalformedEntry {
            reason: "`entry` is not base64".into(),
        })?;
    let entry = Entry::from_bytes(&bytes)?;
    let not_included = LogError::NotIncluded {
        index: proof.index,
        size: checkpoint.size,
    };
    if proof.index >= checkpoint.size {
        return Err(not_included);
    }
    tlog_tiles::check_record(
        &hashes,
        checkpoint.size,
        checkpoint.root,
        proof.index,
        entry_hash(&bytes),
    )
    .map_err(|_| not_included)?;
    Ok(VerifiedInclusion {
        entry,
        index: proof.index,
        checkpoint,
    })
}

/// Verifies a consistency proof offline: both checkpoints are signed by the log's key,
/// the new one is no smaller, and the proof shows the old tree is a prefix of the new.
///
/// # Errors
///
/// [`LogError::MalformedProof`], the checkpoints' errors, [`LogError::Rollback`] or
/// [`LogError::Inconsistent`].
pub fn verify_consistency(
    proof: &ConsistencyProof,
    log: &LogVerifier,
) -> Result<VerifiedConsistency> {
    check_head(&proof.format, &proof.kind, &[CONSISTENCY])?;
    let old = log.verify_checkpoint(&proof.old)?;
    let new = log.verify_checkpoint(&proof.new)?;
    let hashes = decode_hashes(&proof.proof)?;
    if old.size > new.size {
        return Err(LogError::Rollback {
            old: old.size,
            new: new.size,
        });
    }
    let consistent = if old.size == 0 {
        // Every log extends the empty one; its root is fixed.
        hashes.is_empty() && old.root == EMPTY_HASH
    } else {
        // Equal sizes need equal roots and an empty proof; the library checks that too.
        tlog_tiles::check_tree(&hashes, new.size, new.root, old.size, old.root).is_ok()
    };
    if !consistent {
        return Err(LogError::Inconsistent {
            old: old.size,
            new: new.size,
        });
    }
    Ok(VerifiedConsistency { old, new })
}
