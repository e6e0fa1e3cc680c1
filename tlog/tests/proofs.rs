//! Proof documents as an auditor meets them: a valid proof verifies offline with only
//! the log's verifier key, and each kind of tampering fails with its own error.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use assure_tlog::{
    ConsistencyProof, Entry, EntryKind, InclusionProof, LogError, LogKey, LogProof, LogVerifier,
    MemoryLog, object_sha256, verify_consistency, verify_inclusion,
};
use assure_trust::keys::PrivateKey;
use base64::Engine as _;

const ORIGIN: &str = "assure.example.nhs.uk/log";

fn key(seed: u8) -> LogKey {
    LogKey::new(ORIGIN, PrivateKey::from_seed(&[seed; 32])).unwrap()
}

fn entry(i: u64) -> Entry {
    Entry::new(
        EntryKind::Decision,
        format!("dec-{i:04}"),
        object_sha256(format!("record {i}").as_bytes()),
        "2025-09-22T00:00:00Z",
        "assessor@trust.nhs.uk",
    )
    .unwrap()
}

fn log(n: u64) -> MemoryLog {
    let mut log = MemoryLog::new();
    for i in 0..n {
        log.append(&entry(i)).unwrap();
    }
    log
}

fn inclusion(key: &LogKey, log: &MemoryLog, index: u64) -> InclusionProof {
    let size = log.size();
    let note = key.sign_checkpoint(size, &log.root(size).unwrap()).unwrap();
    InclusionProof::new(
        note,
        index,
        &entry(index),
        &log.prove_inclusion(size, index).unwrap(),
    )
}

fn consistency(key: &LogKey, log: &MemoryLog, old: u64, new: u64) -> ConsistencyProof {
    ConsistencyProof::new(
        key.sign_checkpoint(old, &log.root(old).unwrap()).unwrap(),
        key.sign_checkpoint(new, &log.root(new).unwrap()).unwrap(),
        &log.prove_consistency(old, new).unwrap(),
    )
}

fn verifier() -> LogVerifier {
    LogVerifier::from_verifier_key(&key(1).verifier_key()).unwrap()
}

#[test]
fn a_valid_inclusion_proof_verifies_after_a_json_round_trip() {
    let log = log(13);
    for index in [0, 6, 12] {
        let proof = inclusion(&key(1), &log, index);
        let json = serde_json::to_vec(&proof).unwrap();
        let LogProof::Inclusion(read) = LogProof::from_json(&json).unwrap() else {
            panic!("not read as an inclusion proof")
        };
        let verified = verify_inclusion(&read, &verifier()).unwrap();
        assert_eq!(verified.index, index);
        assert_eq!(verified.entry, entry(index));
        assert_eq!(verified.checkpoint.size, 13);
        assert_eq!(verified.checkpoint.origin, ORIGIN);
        assert!(
            verified
                .entry
                .matches_object(format!("record {index}").as_bytes())
        );
    }
    // With the key given as origin and public key instead.
    let public = PrivateKey::from_seed(&[1; 32]).public_key();
    let other = LogVerifier::from_public_key(ORIGIN, &public).unwrap();
    assert_eq!(other, verifier());
}

#[test]
fn the_checkpoint_is_the_c2sp_format() {
    let log = log(3);
    let note = key(1).sign_checkpoint(3, &log.root(3).unwrap()).unwrap();
    let lines: Vec<&str> = note.split('\n').collect();
    assert_eq!(lines[0], ORIGIN);
    assert_eq!(lines[1], "3");
    assert_eq!(lines[2], log.root(3).unwrap().to_string());
    assert_eq!(lines[3], "");
    assert!(lines[4].starts_with(&format!("— {ORIGIN} ")));
    assert_eq!(lines[5], "");
    assert_eq!(lines.len(), 6);
}

#[test]
fn a_changed_entry_byte_fails() {
    let mut proof = inclusion(&key(1), &log(9), 4);
    let b64 = base64::engine::general_purpose::STANDARD;
    // Another digest, still a well-formed entry: the Merkle path no longer fits.
    let mut bytes = b64.decode(&proof.entry).unwrap();
    let at = bytes.windows(8).position(|w| w == b"\"sha256\"").unwrap() + 10;
    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    proof.entry = b64.encode(&bytes);
    assert_eq!(
        verify_inclusion(&proof, &verifier()).unwrap_err(),
        LogError::NotIncluded { index: 4, size: 9 }
    );
    // A byte that breaks the entry itself.
    bytes[0] = b' ';
    proof.entry = b64.encode(&bytes);
    assert!(matches!(
        verify_inclusion(&proof, &verifier()),
        Err(LogError::MalformedEntry { .. })
    ));
}

#[test]
fn a_changed_index_or_proof_hash_fails() {
    let good = inclusion(&key(1), &log(9), 4);
    let mut proof = good.clone();
    proof.index = 5;
    assert_eq!(
        verify_inclusion(&proof, &verifier()).unwrap_err(),
        LogError::NotIncluded { index: 5, size: 9 }
    );
    proof.index = 9;
    assert!(matches!(
        verify_inclusion(&proof, &verifier()),
        Err(LogError::NotIncluded { index: 9, .. })
    ));
    for i in 0..good.proof.len() {
        let mut proof = good.clone();
        let mut hash = assure_tlog::Hash::parse_hash(&proof.proof[i]).unwrap();
        hash.0[31] ^= 0x80;
        proof.proof[i] = hash.to_string();
        assert!(matches!(
            verify_inclusion(&proof, &verifier()),
            Err(LogError::NotIncluded { .. })
        ));
    }
    let mut proof = good.clone();
    proof.proof.pop();
    assert!(verify_inclusion(&proof, &verifier()).is_err());
    let mut proof = good.clone();
    proof.proof = vec![good.proof[0].clone(); 1000];
    assert!(matches!(
        verify_inclusion(&proof, &verifier()),
        Err(LogError::MalformedProof { .. })
    ));
    let mut proof = good;
    proof.proof[0] = "not base64!".into();
    assert!(matches!(
        verify_inclusion(&proof, &verifier()),
        Err(LogError::MalformedProof { .. })
    ));
}

#[test]
fn a_checkpoint_signed_by_another_key_fails() {
    // The same origin and tree, re-signed by another key: not this log's signature.
    let proof = inclusion(&key(2), &log(9), 4);
    assert_eq!(
        verify_inclusion(&proof, &verifier()).unwrap_err(),
        LogError::UnknownKey {
            origin: ORIGIN.into(),
            key_id: verifier().key_id()
        }
    );
    // Another log's checkpoint.
    let other = LogKey::new("other.example/log", PrivateKey::from_seed(&[1; 32])).unwrap();
    let proof = inclusion(&other, &log(9), 4);
    assert!(matches!(
        verify_inclusion(&proof, &verifier()),
        Err(LogError::WrongOrigin { .. })
    ));
}

#[test]
fn an_altered_checkpoint_fails() {
    let log = log(9);
    let mut proof = inclusion(&key(1), &log, 4);
    // The size rolled back to 8 in the signed text: the signature no longer verifies.
    proof.checkpoint = proof.checkpoint.replacen("\n9\n", "\n8\n", 1);
    assert!(matches!(
        verify_inclusion(&proof, &verifier()),
        Err(LogError::BadSignature { .. })
    ));
    proof.checkpoint = "not a note".into();
    assert!(matches!(
        verify_inclusion(&proof, &verifier()),
        Err(LogError::MalformedCheckpoint { .. })
    ));
    let mut proof = inclusion(&key(1), &log, 4);
    proof.format = "assure.log-proof/v2".into();
    assert!(matches!(
        verify_inclusion(&proof, &verifier()),
        Err(LogError::MalformedProof { .. })
    ));
}

#[test]
fn consistency_verifies_and_detects_forks_and_rollbacks() {
    let log = log(20);
    for (old, new) in [(0, 20), (1, 20), (7, 20), (16, 20), (20, 20), (5, 6)] {
        let verified = verify_consistency(&consistency(&key(1), &log, old, new), &verifier())
            .unwrap_or_else(|e| panic!("{old} → {new}: {e}"));
        assert_eq!((verified.old.size, verified.new.size), (old, new));
    }
    // Old and new swapped: the log went back.
    let good = consistency(&key(1), &log, 7, 20);
    let mut swapped = good.clone();
    std::mem::swap(&mut swapped.old, &mut swapped.new);
    assert_eq!(
        verify_consistency(&swapped, &verifier()).unwrap_err(),
        LogError::Rollback { old: 20, new: 7 }
    );
    // A fork: a second log under the same key whose entry 3 differs.
    let mut fork = MemoryLog::new();
    for i in 0..20 {
        fork.append(&entry(if i == 3 { 999 } else { i })).unwrap();
    }
    let forked = ConsistencyProof::new(
        good.old.clone(),
        key(1).sign_checkpoint(20, &fork.root(20).unwrap()).unwrap(),
        &fork.prove_consistency(7, 20).unwrap(),
    );
    assert_eq!(
        verify_consistency(&forked, &verifier()).unwrap_err(),
        LogError::Inconsistent { old: 7, new: 20 }
    );
    // Two different roots signed for one size.
    let split = ConsistencyProof::new(
        key(1).sign_checkpoint(20, &log.root(20).unwrap()).unwrap(),
        key(1).sign_checkpoint(20, &fork.root(20).unwrap()).unwrap(),
        &[],
    );
    assert!(matches!(
        verify_consistency(&split, &verifier()),
        Err(LogError::Inconsistent { .. })
    ));
    // A proof hash changed.
    let mut bad = good.clone();
    let mut hash = assure_tlog::Hash::parse_hash(&bad.proof[0]).unwrap();
    hash.0[0] ^= 1;
    bad.proof[0] = hash.to_string();
    assert!(matches!(
        verify_consistency(&bad, &verifier()),
        Err(LogError::Inconsistent { .. })
    ));
    // The new checkpoint re-signed by another key.
    let mut resigned = good;
    resigned.new = key(3).sign_checkpoint(20, &log.root(20).unwrap()).unwrap();
    assert!(matches!(
        verify_consistency(&resigned, &verifier()),
        Err(LogError::UnknownKey { .. })
    ));
}

#[test]
fn documents_are_read_strictly() {
    let proof = consistency(&key(1), &log(3), 1, 3);
    let mut json: serde_json::Value = serde_json::to_value(&proof).unwrap();
    assert!(matches!(
        LogProof::from_json(&serde_json::to_vec(&json).unwrap()).unwrap(),
        LogProof::Consistency(_)
    ));
    json["extra"] = true.into();
    assert!(matches!(
        LogProof::from_json(&serde_json::to_vec(&json).unwrap()),
        Err(LogError::MalformedProof { .. })
    ));
    json.as_object_mut().unwrap().remove("extra");
    json["kind"] = "exclusion".into();
    let err = LogProof::from_json(&serde_json::to_vec(&json).unwrap()).unwrap_err();
    assert!(
        err.to_string().contains("`inclusion` or `consistency`"),
        "{err}"
    );
    assert!(LogProof::from_json(b"[]").is_err());
    assert!(
        LogProof::from_json(br#"{"format":"assure.log-proof/v1","kind":"inclusion","format":"x"}"#)
            .is_err()
    );
}
