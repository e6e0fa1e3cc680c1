//! `assure verify --log`: a proof from a tamper-evident log (`assure-tlog`),
//! checked offline against the log's key — that an entry (and, given the
//! record, this record) is in the log, or that the log only grew.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::Path;

use assure_tlog::{
    ConsistencyProof, InclusionProof, LogProof, LogVerifier, MAX_PROOF_BYTES, object_sha256,
    verify_consistency, verify_inclusion,
};
use assure_trust::keys::PublicKey;
use serde_json::{Value, json};

use crate::failure::Failure;

/// A key file is small; anything larger is not one.
const MAX_KEY_BYTES: u64 = 64 * 1024;

/// Verifies the proof document at `path`: the summary to print, and what it
/// established (JSON).
/// What `assure verify --log` was given besides the proof.
pub(super) struct LogArgs<'a> {
    /// The decision record the inclusion proof should cover.
    pub record: Option<&'a Path>,
    /// `--log-key`: a verifier key, a file holding one, or an SPKI PEM file.
    pub key: &'a str,
    /// `--log-origin`, for an SPKI PEM key.
    pub origin: Option<&'a str>,
}

pub(super) fn verify(args: &LogArgs<'_>, path: &Path) -> Result<(String, Value), Failure> {
    let verifier = log_verifier(args)?;
    // One byte more than a proof may have: the library refuses a larger one.
    let bytes = read_prefix(path, MAX_PROOF_BYTES + 1)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
    let untrusted = |e: assure_tlog::LogError| {
        Failure::untrusted(format!("{} does not verify: {e}", path.display()))
    };
    match LogProof::from_json(&bytes).map_err(untrusted)? {
        LogProof::Inclusion(proof) => inclusion(args, &proof, &verifier).map_err(|e| match e {
            Outcome::Log(e) => untrusted(e),
            Outcome::Failure(failure) => failure,
        }),
        LogProof::Consistency(proof) => {
            if let Some(record) = args.record {
                return Err(Failure::usage(format!(
                    "{} is a consistency proof: it says nothing about {}; give an inclusion proof",
                    path.display(),
                    record.display()
                )));
            }
            consistency(&proof, &verifier).map_err(untrusted)
        }
    }
}

/// Why an inclusion check failed: the proof, or the record beside it.
enum Outcome {
    Log(assure_tlog::LogError),
    Failure(Failure),
}

fn inclusion(
    args: &LogArgs<'_>,
    proof: &InclusionProof,
    verifier: &LogVerifier,
) -> Result<(String, Value), Outcome> {
    let verified = verify_inclusion(proof, verifier).map_err(Outcome::Log)?;
    let entry = &verified.entry;
    let mut out = format!(
        "included at index {} of a log of size {}, checkpoint signed by {} (key {})\n",
        verified.index,
        verified.checkpoint.size,
        verified.checkpoint.origin,
        verifier.key_id()
    );
    let line = format!(
        "  entry     {} `{}` sha256:{}, logged {} by {}",
        entry.kind, entry.id, entry.sha256, entry.at, entry.actor
    );
    let _ = writeln!(out, "{}", assure_report::terminal_text(&line));
    let _ = writeln!(out, "  root      {}", verified.checkpoint.root);
    let mut value = as_object("inclusion", serde_json::to_value(&verified));
    if let Some(record) = args.record {
        let bytes = std::fs::read(record).map_err(|e| {
            Outcome::Failure(Failure::usage(format!(
                "cannot read {}: {e}",
                record.display()
            )))
        })?;
        let sha256 = object_sha256(&bytes);
        if !entry.matches_object(&bytes) {
            return Err(Outcome::Failure(Failure::untrusted(format!(
                "{} is not the object the log entry names: its sha256 is {sha256}, the entry's \
                 (`{}`) is {}",
                record.display(),
                assure_report::terminal_text(&entry.id),
                entry.sha256
            ))));
        }
        let _ = writeln!(
            out,
            "  record    {}: its sha256 is the entry's",
            record.display()
        );
        value.insert(
            "record".into(),
            json!({ "path": record.display().to_string(), "sha256": sha256 }),
        );
    }
    Ok((out, Value::Object(value)))
}

fn consistency(
    proof: &ConsistencyProof,
    verifier: &LogVerifier,
) -> Result<(String, Value), assure_tlog::LogError> {
    let verified = verify_consistency(proof, verifier)?;
    let mut out = format!(
        "consistent: size {} is a prefix of size {}, both checkpoints signed by {} (key {})\n",
        verified.old.size,
        verified.new.size,
        verifier.origin(),
        verifier.key_id()
    );
    let _ = writeln!(out, "  old root  {}", verified.old.root);
    let _ = writeln!(out, "  new root  {}", verified.new.root);
    Ok((
        out,
        Value::Object(as_object("consistency", serde_json::to_value(&verified))),
    ))
}

/// What a proof established, as JSON: its kind, then the verified fields.
fn as_object(kind: &str, verified: serde_json::Result<Value>) -> serde_json::Map<String, Value> {
    let mut map = serde_json::Map::new();
    map.insert("kind".into(), kind.into());
    if let Ok(Value::Object(fields)) = verified {
        map.extend(fields);
    }
    map
}

/// The log's key: a verifier key given inline or in a file, or an SPKI PEM
/// public key file and `--log-origin`. Every problem here is a usage error.
fn log_verifier(args: &LogArgs<'_>) -> Result<LogVerifier, Failure> {
    let given = args.key;
    let checked = |verifier: LogVerifier| match args.origin {
        Some(origin) if origin != verifier.origin() => Err(Failure::usage(format!(
            "--log-origin `{origin}` is not the origin the verifier key names (`{}`)",
            verifier.origin()
        ))),
        _ => Ok(verifier),
    };
    if let Ok(verifier) = LogVerifier::from_verifier_key(given.trim()) {
        return checked(verifier);
    }
    let path = Path::new(given);
    let bytes = read_prefix(path, MAX_KEY_BYTES + 1)
        .and_then(|bytes| {
            if bytes.len() as u64 > MAX_KEY_BYTES {
                Err(std::io::Error::other("larger than any key file"))
            } else {
                Ok(bytes)
            }
        })
        .map_err(|e| {
            Failure::usage(format!(
                "--log-key `{given}` is neither a log verifier key nor a readable key file: {e}"
            ))
        })?;
    let text = String::from_utf8_lossy(&bytes);
    if text.contains("-----BEGIN PUBLIC KEY-----") {
        let Some(origin) = args.origin else {
            return Err(Failure::usage(format!(
                "{} is a PEM public key: give the log's origin with --log-origin",
                path.display()
            )));
        };
        let key = PublicKey::from_spki_pem(&text)
            .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
        return LogVerifier::from_public_key(origin, &key)
            .map_err(|e| Failure::usage(format!("--log-origin: {e}")));
    }
    LogVerifier::from_verifier_key(text.trim())
        .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))
        .and_then(checked)
}

/// At most the first `limit` bytes of a file.
fn read_prefix(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}
