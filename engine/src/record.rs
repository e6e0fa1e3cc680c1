//! The signed decision record: an in-toto Statement v1 whose subjects are the
//! evidence files (with their SHA-256) and whose predicate is an SLSA
//! Verification Summary (`https://slsa.dev/verification_summary/v1`)
//! extended with assure's verdict and findings, in a DSSE envelope signed
//! with Ed25519.
//!
//! Any in-toto / DSSE tool can check the signature and read the statement;
//! `assure verify` also re-hashes the submission's files against the
//! subjects. The payload is deterministic: the same decision (same inputs and
//! `--as-of`) gives the same bytes, and Ed25519 signatures are deterministic,
//! so the whole envelope is too.

mod replay;
mod statement;
mod verify;

pub use replay::{Replay, ReplayError};
pub use statement::{
    EXTENSION_FORMAT, MAX_ENVELOPE_BYTES, PAYLOAD_TYPE, PREDICATE_TYPE, STATEMENT_TYPE,
    VERIFIER_ID, sign, statement,
};
pub use verify::{Mismatch, RecordError, RecordSubject, VerifiedRecord, check_subjects, verify};
