//! `assure verify --log`: proofs from a tamper-evident log, checked offline as an
//! auditor checks them — a valid proof verifies (exit 0), and a tampered proof, the wrong
//! key, a record the log does not hold or a rewritten log is a trust failure (exit 4).

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::path::{Path, PathBuf};

use assure_tlog::{
    ConsistencyProof, Entry, EntryKind, InclusionProof, LogKey, MemoryLog, object_sha256,
};
use assure_trust::keys::PrivateKey;
use predicates::prelude::*;

use crate::common::assure;

const ORIGIN: &str = "assure.example.nhs.uk/log";

fn log_key(seed: u8) -> LogKey {
    LogKey::new(ORIGIN, PrivateKey::from_seed(&[seed; 32])).unwrap()
}

/// The bytes of the `i`th logged object (a stand-in for a signed decision record).
fn record(i: u64) -> Vec<u8> {
    format!("{{\"payloadType\":\"record {i}\"}}").into_bytes()
}

fn entry(i: u64) -> Entry {
    Entry::new(
        EntryKind::Decision,
        format!("dec-{i:04}"),
        object_sha256(&record(i)),
        "2025-09-22T00:00:00Z",
        "assessor@trust.nhs.uk",
    )
    .unwrap()
}

/// A log of `n` entries; entry `fork_at`, if any, is replaced by another.
fn log(n: u64, fork_at: Option<u64>) -> MemoryLog {
    let mut log = MemoryLog::new();
    for i in 0..n {
        log.append(&entry(if Some(i) == fork_at { 999 } else { i }))
            .unwrap();
    }
    log
}

fn checkpoint(key: &LogKey, log: &MemoryLog, size: u64) -> String {
    key.sign_checkpoint(size, &log.root(size).unwrap()).unwrap()
}

fn inclusion(key: &LogKey, index: u64) -> InclusionProof {
    let log = log(10, None);
    InclusionProof::new(
        checkpoint(key, &log, 10),
        index,
        &entry(index),
        &log.prove_inclusion(10, index).unwrap(),
    )
}

/// Writes a proof document as JSON.
fn write(dir: &Path, name: &str, document: serde_json::Result<serde_json::Value>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(
        &path,
        serde_json::to_vec_pretty(&document.unwrap()).unwrap(),
    )
    .unwrap();
    path
}

#[test]
fn a_valid_inclusion_proof_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let proof = write(
        dir.path(),
        "proof.json",
        serde_json::to_value(inclusion(&log_key(1), 3)),
    );
    assure()
        .arg("verify")
        .arg("--log")
        .arg(&proof)
        .args(["--log-key", &log_key(1).verifier_key()])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!(
            "included at index 3 of a log of size 10, checkpoint signed by {ORIGIN}"
        )))
        .stdout(predicate::str::contains("decision `dec-0003`"));

    // The key from a file, and as JSON.
    let key_file = dir.path().join("log.vkey");
    std::fs::write(&key_file, format!("{}\n", log_key(1).verifier_key())).unwrap();
    let output = assure()
        .arg("verify")
        .arg("--log")
        .arg(&proof)
        .arg("--log-key")
        .arg(&key_file)
        .arg("--json")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&output).unwrap();
    assert_eq!(json["kind"], "inclusion");
    assert_eq!(json["index"], 3);
    assert_eq!(json["checkpoint"]["size"], 10);
    assert_eq!(json["checkpoint"]["origin"], ORIGIN);
    assert_eq!(json["entry"]["id"], "dec-0003");

    // The key as an SPKI PEM file needs the origin.
    let pem = dir.path().join("log.pub");
    PrivateKey::from_seed(&[1; 32])
        .public_key()
        .write_pem_file(&pem)
        .unwrap();
    let pem_args = |cmd: &mut assert_cmd::Command| {
        cmd.arg("verify")
            .arg("--log")
            .arg(&proof)
            .arg("--log-key")
            .arg(&pem);
    };
    let mut cmd = assure();
    pem_args(&mut cmd);
    cmd.assert()
        .code(1)
        .stderr(predicate::str::contains("--log-origin"));
    let mut cmd = assure();
    pem_args(&mut cmd);
    cmd.args(["--log-origin", ORIGIN]).assert().code(0);
}

#[test]
fn a_record_is_checked_against_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let proof = write(
        dir.path(),
        "proof.json",
        serde_json::to_value(inclusion(&log_key(1), 3)),
    );
    let matching = dir.path().join("decision.dsse.json");
    std::fs::write(&matching, record(3)).unwrap();
    assure()
        .arg("verify")
        .arg(&matching)
        .arg("--log")
        .arg(&proof)
        .args(["--log-key", &log_key(1).verifier_key()])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("its sha256 is the entry's"));

    // Another record (the log holds record 3, not 4): a trust failure.
    let other = dir.path().join("other.dsse.json");
    std::fs::write(&other, record(4)).unwrap();
    assure()
        .arg("verify")
        .arg(&other)
        .arg("--log")
        .arg(&proof)
        .args(["--log-key", &log_key(1).verifier_key()])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "is not the object the log entry names",
        ));
}

#[test]
fn a_tampered_proof_fails() {
    let dir = tempfile::tempdir().unwrap();
    let mut proof = inclusion(&log_key(1), 3);
    proof.index = 4;
    let path = write(dir.path(), "proof.json", serde_json::to_value(proof));
    assure()
        .arg("verify")
        .arg("--log")
        .arg(&path)
        .args(["--log-key", &log_key(1).verifier_key()])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "the entry is not at index 4 of the log of size 10",
        ));

    // The checkpoint's size edited: its signature no longer verifies.
    let mut proof = inclusion(&log_key(1), 3);
    proof.checkpoint = proof.checkpoint.replacen("\n10\n", "\n11\n", 1);
    let path = write(dir.path(), "resized.json", serde_json::to_value(proof));
    assure()
        .arg("verify")
        .arg("--log")
        .arg(&path)
        .args(["--log-key", &log_key(1).verifier_key()])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "does not verify: the checkpoint was altered",
        ));

    // Not a proof at all.
    let path = dir.path().join("garbage.json");
    std::fs::write(&path, "{\"format\": 1}").unwrap();
    assure()
        .arg("verify")
        .arg("--log")
        .arg(&path)
        .args(["--log-key", &log_key(1).verifier_key()])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("malformed log proof"));
}

#[test]
fn the_wrong_key_fails() {
    let dir = tempfile::tempdir().unwrap();
    let proof = write(
        dir.path(),
        "proof.json",
        serde_json::to_value(inclusion(&log_key(2), 3)),
    );
    assure()
        .arg("verify")
        .arg("--log")
        .arg(&proof)
        .args(["--log-key", &log_key(1).verifier_key()])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(format!(
            "the checkpoint is not signed by the log key `{ORIGIN}+"
        )));

    // A key that is not a key at all is a usage error.
    assure()
        .arg("verify")
        .arg("--log")
        .arg(&proof)
        .args(["--log-key", "no-such-key"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("neither a log verifier key"));
    // And --log without a key is refused by the parser.
    assure()
        .arg("verify")
        .arg("--log")
        .arg(&proof)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--log-key"));
}

#[test]
fn a_valid_consistency_proof_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let key = log_key(1);
    let log = log(10, None);
    let proof = ConsistencyProof::new(
        checkpoint(&key, &log, 4),
        checkpoint(&key, &log, 10),
        &log.prove_consistency(4, 10).unwrap(),
    );
    let path = write(dir.path(), "consistency.json", serde_json::to_value(proof));
    assure()
        .arg("verify")
        .arg("--log")
        .arg(&path)
        .args(["--log-key", &key.verifier_key()])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "consistent: size 4 is a prefix of size 10",
        ));
}

#[test]
fn inconsistent_trees_fail() {
    let dir = tempfile::tempdir().unwrap();
    let key = log_key(1);
    let honest = log(10, None);
    // The log as later served: entry 2 rewritten, re-signed with the log's own key.
    let rewritten = log(10, Some(2));
    let proof = ConsistencyProof::new(
        checkpoint(&key, &honest, 4),
        checkpoint(&key, &rewritten, 10),
        &rewritten.prove_consistency(4, 10).unwrap(),
    );
    let path = write(dir.path(), "forked.json", serde_json::to_value(proof));
    assure()
        .arg("verify")
        .arg("--log")
        .arg(&path)
        .args(["--log-key", &key.verifier_key()])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "the checkpoints of sizes 4 and 10 are inconsistent",
        ));

    // Old and new swapped: the log went back.
    let proof = ConsistencyProof::new(
        checkpoint(&key, &honest, 10),
        checkpoint(&key, &honest, 4),
        &honest.prove_consistency(4, 10).unwrap(),
    );
    let path = write(dir.path(), "rollback.json", serde_json::to_value(proof));
    assure()
        .arg("verify")
        .arg("--log")
        .arg(&path)
        .args(["--log-key", &key.verifier_key()])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("is smaller than the old one"));
}
