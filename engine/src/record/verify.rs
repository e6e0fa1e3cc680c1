//! Verifying a decision record, and that the submission still matches it.

use std::collections::BTreeMap;
use std::path::{Component, Path};

use assure_trust::TrustError;
use assure_trust::dsse::{self, Envelope};
use assure_trust::keys::{KeyId, PublicKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::statement::{PAYLOAD_TYPE, PREDICATE_TYPE, STATEMENT_TYPE};

/// One subject of a statement: an evidence file and its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordSubject {
    /// Its path, relative to the submission folder.
    pub name: String,
    /// Its SHA-256 (hex).
    pub sha256: String,
}

/// What a verified record says.
#[derive(Debug, Clone)]
pub struct VerifiedRecord {
    /// The trusted keys whose signatures verified.
    pub signers: Vec<KeyId>,
    /// The evidence files and their digests.
    pub subjects: Vec<RecordSubject>,
    /// `PASSED` or `FAILED`.
    pub result: String,
    /// When the decision was made (its `--as-of`).
    pub time_verified: String,
    /// The product.
    pub resource_uri: String,
    /// assure's extension (`verdict`, `summary`, `findings`, …), if present.
    pub assure: Option<Value>,
    /// The whole statement.
    pub statement: Value,
}

/// Why a record did not verify.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The envelope or its signatures.
    #[error(transparent)]
    Trust(#[from] TrustError),
    /// The payload is not the statement a decision record is.
    #[error("the signed payload is not an assure decision record: {0}")]
    Statement(String),
}

#[derive(Deserialize, Serialize)]
struct WireSubject {
    name: String,
    digest: BTreeMap<String, String>,
}

/// Verifies a decision record: at least `threshold` distinct `trusted` keys
/// signed it, and its payload is an in-toto Statement v1 with a Verification
/// Summary predicate whose subjects each carry a SHA-256.
pub fn verify(
    envelope_json: &[u8],
    trusted: &[PublicKey],
    threshold: usize,
) -> Result<VerifiedRecord, RecordError> {
    let envelope = Envelope::from_json(envelope_json)?;
    let verified = dsse::verify(&envelope, PAYLOAD_TYPE, trusted, threshold)?;
    // Strict, as every signed document: two members of one name could be
    // read one way here and another way by the next verifier.
    let statement: Value =
        assure_trust::json::parse_strict(&verified.payload).map_err(|e| match e {
            assure_trust::json::StrictJsonError::DuplicateKey(pointer) => {
                RecordError::Statement(format!("the statement has a duplicate key at `{pointer}`"))
            }
            assure_trust::json::StrictJsonError::Syntax(message) => {
                RecordError::Statement(format!("not JSON: {message}"))
            }
        })?;
    let text = |pointer: &str| -> Result<String, RecordError> {
        statement
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| RecordError::Statement(format!("`{pointer}` is missing or not text")))
    };
    let kind = text("/_type")?;
    if kind != STATEMENT_TYPE {
        return Err(RecordError::Statement(format!(
            "`_type` is `{kind}`, not `{STATEMENT_TYPE}`"
        )));
    }
    let predicate = text("/predicateType")?;
    if predicate != PREDICATE_TYPE {
        return Err(RecordError::Statement(format!(
            "`predicateType` is `{predicate}`, not `{PREDICATE_TYPE}`"
        )));
    }
    let wire: Vec<WireSubject> = statement
        .get("subject")
        .cloned()
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| RecordError::Statement(format!("`subject`: {e}")))?
        .unwrap_or_default();
    if wire.is_empty() {
        return Err(RecordError::Statement("it has no subjects".into()));
    }
    let mut subjects = Vec::with_capacity(wire.len());
    for subject in wire {
        let Some(sha256) = subject.digest.get("sha256") else {
            return Err(RecordError::Statement(format!(
                "subject `{}` has no sha256 digest",
                subject.name
            )));
        };
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(RecordError::Statement(format!(
                "subject `{}` has a malformed sha256 digest",
                subject.name
            )));
        }
        subjects.push(RecordSubject {
            name: subject.name,
            sha256: sha256.to_ascii_lowercase(),
        });
    }
    let result = text("/predicate/verificationResult")?;
    if result != "PASSED" && result != "FAILED" {
        return Err(RecordError::Statement(format!(
            "`verificationResult` is `{result}`, not PASSED or FAILED"
        )));
    }
    Ok(VerifiedRecord {
        signers: verified.signers,
        subjects,
        result,
        time_verified: text("/predicate/timeVerified")?,
        resource_uri: text("/predicate/resourceUri")?,
        assure: statement.pointer("/predicate/assure").cloned(),
        statement,
    })
}

/// A subject whose file no longer matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The subject.
    pub name: String,
    /// What is wrong: `missing`, `altered (sha256 …)`, `unsafe path`.
    pub problem: String,
}

/// Re-hashes each subject's file under `submission` and lists those that are
/// missing or differ. A subject name that would leave the folder (absolute,
/// with `..`, or through a link that resolves outside it) is a mismatch and
/// is never read; so is anything but a regular file (a FIFO would block), and
/// a file larger than the largest evidence file a submission may hold.
pub fn check_subjects(subjects: &[RecordSubject], submission: &Path) -> Vec<Mismatch> {
    use assure_trust::folder::{Folder, Links, OpenError};
    let limit = crate::submission::SubmissionLimits::default().max_file_bytes;
    // The same rule as the loader's, enforced as each file opens: relative
    // to the folder's handle, refusing a way out (never check-then-open).
    let folder = Folder::open(submission);
    let mut out = Vec::new();
    let mut mismatch = |name: &str, problem: String| {
        out.push(Mismatch {
            name: name.to_owned(),
            problem,
        });
    };
    for subject in subjects {
        let relative = Path::new(&subject.name);
        if subject.name.is_empty()
            || relative
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
        {
            mismatch(
                &subject.name,
                "unsafe path: not a plain relative path inside the submission".into(),
            );
            continue;
        }
        let Ok(folder) = &folder else {
            mismatch(
                &subject.name,
                "missing: the submission folder cannot be read".into(),
            );
            continue;
        };
        let file = match folder.open_file(&subject.name, Links::StayInside) {
            Ok(file) => file,
            Err(OpenError::Missing) => {
                mismatch(&subject.name, "missing".into());
                continue;
            }
            Err(OpenError::Escapes | OpenError::Link) => {
                mismatch(
                    &subject.name,
                    "unsafe path: it resolves outside the submission".into(),
                );
                continue;
            }
            Err(OpenError::NotAFile) => {
                mismatch(&subject.name, "not a regular file".into());
                continue;
            }
            Err(OpenError::Io(e)) => {
                mismatch(&subject.name, format!("cannot be read: {e}"));
                continue;
            }
        };
        match hash_limited(file, limit) {
            Ok(Some(found)) if found == subject.sha256 => {}
            Ok(Some(found)) => {
                mismatch(&subject.name, format!("altered: its sha256 is now {found}"));
            }
            Ok(None) => mismatch(
                &subject.name,
                format!("altered: larger than {} MiB", limit / (1024 * 1024)),
            ),
            Err(e) => mismatch(&subject.name, format!("cannot be read: {e}")),
        }
    }
    out
}

/// The SHA-256 of a file read in blocks, or `None` when it holds more than
/// `limit` bytes.
fn hash_limited(file: std::fs::File, limit: u64) -> std::io::Result<Option<String>> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut file = file.take(limit.saturating_add(1));
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total: u64 = 0;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        total = total.saturating_add(n as u64);
        hasher.update(buffer.get(..n).unwrap_or(&[]));
    }
    if total > limit {
        return Ok(None);
    }
    Ok(Some(hex::encode(hasher.finalize())))
}
