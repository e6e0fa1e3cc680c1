//! Keys (PEM, key ids, openssl interop, weak keys) and DSSE envelopes (PAE, attacks).
#![allow(
    clippy::disallowed_macros,
    reason = "a test reports what it measured or skipped"
)]
#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::path::Path;
use std::process::Command;

use assure_trust::TrustError;
use assure_trust::dsse::{self, Envelope, EnvelopeSignature, pae};
use assure_trust::error::{
    DuplicateJsonKeyError, EnvelopeError, KeyError, SignatureError, TrustConfigError,
};
use assure_trust::keys::{self, KeyId, PrivateKey, PublicKey};
use sha2::{Digest as _, Sha256};

const TYPE: &str = "application/vnd.assure.bundle+json";

// ----- keys --------------------------------------------------------------------------------

#[test]
fn key_id_is_sha256_of_raw_public_key() {
    let k = keys::generate();
    let raw = *k.public_key().as_bytes();
    assert_eq!(k.key_id().to_hex(), hex::encode(Sha256::digest(raw)));
    assert_eq!(k.key_id(), k.public_key().key_id());
    assert_eq!(k.key_id().to_hex().len(), 64);
    let parsed: KeyId = k.key_id().to_hex().parse().unwrap();
    assert_eq!(parsed, k.key_id());
    assert!("ABC".parse::<KeyId>().is_err());
    assert!(k.key_id().to_hex().to_uppercase().parse::<KeyId>().is_err());
}

#[test]
fn pem_round_trip_and_file_modes() {
    let dir = tempfile::tempdir().unwrap();
    let k = keys::generate();
    let sk_path = dir.path().join("k.pem");
    let pk_path = dir.path().join("k.pub");
    k.write_pem_file(&sk_path).unwrap();
    k.public_key().write_pem_file(&pk_path).unwrap();
    let pem = std::fs::read_to_string(&sk_path).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert!(
        std::fs::read_to_string(&pk_path)
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----\n")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&sk_path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let k2 = PrivateKey::read_pem_file(&sk_path).unwrap();
    assert_eq!(k2.key_id(), k.key_id());
    let p2 = PublicKey::read_pem_file(&pk_path).unwrap();
    assert_eq!(p2, k.public_key());
    // Never overwrite a key.
    assert!(matches!(k.write_pem_file(&sk_path), Err(TrustError::Io(_))));
    // Secrets are not printed.
    assert!(!format!("{k:?}").contains(pem.lines().nth(1).unwrap()));
}

fn openssl() -> Option<()> {
    match Command::new("openssl").arg("version").output() {
        Ok(o) if o.status.success() => Some(()),
        _ => {
            eprintln!("openssl not found: skipping openssl interoperability test");
            None
        }
    }
}

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn openssl_pubout(private: &Path) -> String {
    String::from_utf8(run(Command::new("openssl")
        .args(["pkey", "-pubout", "-in"])
        .arg(private)))
    .unwrap()
}

#[test]
fn openssl_keys_load_and_ours_load_in_openssl() {
    if openssl().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();

    // openssl → ours
    let theirs = dir.path().join("theirs.pem");
    run(Command::new("openssl")
        .args(["genpkey", "-algorithm", "ed25519", "-out"])
        .arg(&theirs));
    let k = PrivateKey::read_pem_file(&theirs).unwrap();
    let their_pub = openssl_pubout(&theirs);
    let p = PublicKey::from_spki_pem(&their_pub).unwrap();
    assert_eq!(p.key_id(), k.key_id());
    assert_eq!(k.public_key().to_spki_pem().unwrap(), their_pub);
    // Our PKCS#8 is byte-for-byte openssl's.
    assert_eq!(
        k.to_pkcs8_pem().unwrap().as_str(),
        std::fs::read_to_string(&theirs).unwrap()
    );

    // ours → openssl
    let ours = dir.path().join("ours.pem");
    let mine = keys::generate();
    mine.write_pem_file(&ours).unwrap();
    assert_eq!(
        openssl_pubout(&ours),
        mine.public_key().to_spki_pem().unwrap()
    );

    // openssl signs a DSSE PAE with our key; we verify it.
    let payload = b"{\"hello\": \"world\"}";
    let msg = dir.path().join("pae.bin");
    std::fs::write(&msg, pae(TYPE, payload)).unwrap();
    let sig = dir.path().join("sig.bin");
    run(Command::new("openssl")
        .args(["pkeyutl", "-sign", "-rawin", "-inkey"])
        .arg(&ours)
        .arg("-in")
        .arg(&msg)
        .arg("-out")
        .arg(&sig));
    let sig = std::fs::read(&sig).unwrap();
    let mut env = Envelope::new(TYPE, payload);
    env.signatures.push(EnvelopeSignature {
        keyid: String::new(),
        sig: sig.clone(),
    });
    let v = dsse::verify(&env, TYPE, &[mine.public_key()], 1).unwrap();
    assert_eq!(v.signers, vec![mine.key_id()]);
    // Ed25519 is deterministic: openssl's signature is ours.
    assert_eq!(sig, mine.sign(&pae(TYPE, payload)).to_vec());
}

/// The identity point: small order. Plain Ed25519 verification accepts the signature
/// (R = identity, s = 0) under it for every message.
const IDENTITY: [u8; 32] = {
    let mut b = [0u8; 32];
    b[0] = 1;
    b
};

fn identity_signature() -> [u8; 64] {
    let mut s = [0u8; 64];
    s[0] = 1;
    s
}

#[test]
fn small_order_key_is_refused() {
    // The attack works against non-strict verification…
    use ed25519_dalek::Verifier as _;
    let weak = ed25519_dalek::VerifyingKey::from_bytes(&IDENTITY).unwrap();
    let sig = ed25519_dalek::Signature::from_bytes(&identity_signature());
    for msg in [&b"anything"[..], b"something else"] {
        assert!(weak.verify(msg, &sig).is_ok());
        assert!(weak.verify_strict(msg, &sig).is_err());
    }
    // …so such a key can never be loaded as a trusted key, in any encoding.
    assert!(matches!(
        PublicKey::from_bytes(&IDENTITY),
        Err(TrustError::Key(KeyError::Weak { .. }))
    ));
    let mut der = hex::decode("302a300506032b6570032100").unwrap();
    der.extend_from_slice(&IDENTITY);
    assert!(matches!(
        PublicKey::from_spki_der(&der),
        Err(TrustError::Key(KeyError::Weak { .. }))
    ));
    // And an envelope "signed" by it is refused.
    let good = keys::generate();
    let mut env = Envelope::new(TYPE, b"{}");
    env.signatures.push(EnvelopeSignature {
        keyid: KeyId::of_raw_public_key(&IDENTITY).to_hex(),
        sig: identity_signature().to_vec(),
    });
    let err = dsse::verify(&env, TYPE, &[good.public_key()], 1).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Signature(SignatureError::UntrustedKey { .. })
        ),
        "{err}"
    );
}

// ----- DSSE --------------------------------------------------------------------------------

#[test]
fn pae_matches_the_spec_example() {
    assert_eq!(
        pae("http://example.com/HelloWorld", b"hello world"),
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
    );
    assert_eq!(pae("", b""), b"DSSEv1 0  0 ".to_vec());
}

#[test]
fn spec_test_vector_envelope_parses() {
    // The envelope of the DSSE spec's test vector (ECDSA P-256; we only parse it).
    let json = br#"{"payload": "aGVsbG8gd29ybGQ=",
 "payloadType": "http://example.com/HelloWorld",
 "signatures": [{"sig": "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="}]}"#;
    let env = Envelope::from_json(json).unwrap();
    assert_eq!(env.payload, b"hello world");
    assert_eq!(env.payload_type, "http://example.com/HelloWorld");
    assert_eq!(env.signatures.len(), 1);
    assert_eq!(env.signatures[0].keyid, "");
    assert_eq!(env.signatures[0].sig.len(), 64);
    // An ECDSA signature is not an Ed25519 signature by any of our keys (read as Ed25519,
    // its second half happens not even to be a reduced scalar).
    let err = dsse::verify(
        &env,
        "http://example.com/HelloWorld",
        &[keys::generate().public_key()],
        1,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Signature(SignatureError::UntrustedKey { .. })
                | TrustError::Signature(SignatureError::NonCanonical { .. })
        ),
        "{err}"
    );
}

#[test]
fn rfc8032_key_signs_the_spec_example() {
    // RFC 8032 §7.1 TEST 1 key; Ed25519 is deterministic, so this is a fixed vector.
    let seed: [u8; 32] =
        hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
            .unwrap()
            .try_into()
            .unwrap();
    let k = PrivateKey::from_seed(&seed);
    assert_eq!(
        hex::encode(k.public_key().as_bytes()),
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    );
    let mut env = Envelope::new("http://example.com/HelloWorld", b"hello world");
    dsse::sign(&mut env, &k);
    let json = env.to_json();
    let back = Envelope::from_json(&json).unwrap();
    assert_eq!(back, env);
    let v = dsse::verify(&back, "http://example.com/HelloWorld", &[k.public_key()], 1).unwrap();
    assert_eq!(v.payload, b"hello world");
    let sig = k.sign(b"DSSEv1 29 http://example.com/HelloWorld 11 hello world");
    assert_eq!(env.signatures[0].sig, sig.to_vec());
}

#[test]
fn url_safe_and_unpadded_base64_accepted() {
    let k = keys::generate();
    let mut env = Envelope::new(TYPE, b"\xfb\xff payload?>");
    dsse::sign(&mut env, &k);
    let url_safe = |b: &[u8]| {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    };
    let url = format!(
        r#"{{"payloadType":"{TYPE}","payload":"{}","signatures":[{{"keyid":"{}","sig":"{}"}}]}}"#,
        url_safe(&env.payload),
        env.signatures[0].keyid,
        url_safe(&env.signatures[0].sig)
    );
    assert!(!url.contains('='));
    let back = Envelope::from_json(url.as_bytes()).unwrap();
    assert_eq!(back, env);
}

#[test]
fn envelope_json_is_strict() {
    let dup = br#"{"payloadType":"a","payload":"","payloadType":"b","signatures":[]}"#;
    assert!(matches!(
        Envelope::from_json(dup),
        Err(TrustError::DuplicateJsonKey(DuplicateJsonKeyError { .. }))
    ));
    let unknown = br#"{"payloadType":"a","payload":"","signatures":[],"extra":1}"#;
    assert!(matches!(
        Envelope::from_json(unknown),
        Err(TrustError::Envelope(EnvelopeError::Malformed { .. }))
    ));
    let bad64 = br#"{"payloadType":"a","payload":"!!","signatures":[]}"#;
    assert!(matches!(
        Envelope::from_json(bad64),
        Err(TrustError::Envelope(EnvelopeError::Malformed { .. }))
    ));
}

fn two_keys() -> (PrivateKey, PrivateKey) {
    (keys::generate(), keys::generate())
}

#[test]
fn threshold_two_of_two() {
    let (a, b) = two_keys();
    let mut env = Envelope::new(TYPE, b"payload");
    dsse::sign(&mut env, &a);
    dsse::sign(&mut env, &b);
    let v = dsse::verify(&env, TYPE, &[a.public_key(), b.public_key()], 2).unwrap();
    let mut expected = vec![a.key_id(), b.key_id()];
    expected.sort();
    assert_eq!(v.signers, expected);
    // An extra signature by an untrusted key does not hurt once the threshold is met.
    let c = keys::generate();
    dsse::sign(&mut env, &c);
    assert!(dsse::verify(&env, TYPE, &[a.public_key(), b.public_key()], 2).is_ok());
}

#[test]
fn attack_untrusted_key() {
    let (a, attacker) = two_keys();
    let mut env = Envelope::new(TYPE, b"payload");
    dsse::sign(&mut env, &attacker);
    let err = dsse::verify(&env, TYPE, &[a.public_key()], 1).unwrap_err();
    assert!(
        matches!(err, TrustError::Signature(SignatureError::UntrustedKey { ref keyid }) if *keyid == attacker.key_id().to_hex()),
        "{err}"
    );
}

#[test]
fn attack_duplicate_signature_counts_once() {
    let (a, b) = two_keys();
    let mut env = Envelope::new(TYPE, b"payload");
    dsse::sign(&mut env, &a);
    // The same signature twice, and again under b's keyid.
    let dup = env.signatures[0].clone();
    env.signatures.push(dup.clone());
    let err = dsse::verify(&env, TYPE, &[a.public_key(), b.public_key()], 2).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Signature(SignatureError::ThresholdNotMet {
                required: 2,
                found: 1
            })
        ),
        "{err}"
    );
    // Listing a trusted key twice does not make it two keys either.
    let err = dsse::verify(&env, TYPE, &[a.public_key(), a.public_key()], 2).unwrap_err();
    assert!(
        matches!(err, TrustError::Config(TrustConfigError { .. })),
        "{err}"
    );
}

#[test]
fn attack_keyid_names_trusted_key_over_another_keys_signature() {
    let (a, b) = two_keys();
    let attacker = keys::generate();
    let mut env = Envelope::new(TYPE, b"payload");
    dsse::sign(&mut env, &attacker);
    env.signatures[0].keyid = a.key_id().to_hex();
    let err = dsse::verify(&env, TYPE, &[a.public_key()], 1).unwrap_err();
    assert!(
        matches!(err, TrustError::Signature(SignatureError::KeyIdMismatch { ref keyid }) if *keyid == a.key_id().to_hex()),
        "{err}"
    );

    // b's signature labelled as a's: counted as b (the key that verified), never as a.
    let mut env = Envelope::new(TYPE, b"payload");
    dsse::sign(&mut env, &b);
    env.signatures[0].keyid = a.key_id().to_hex();
    let v = dsse::verify(&env, TYPE, &[a.public_key(), b.public_key()], 1).unwrap();
    assert_eq!(v.signers, vec![b.key_id()]);
    let err = dsse::verify(&env, TYPE, &[a.public_key(), b.public_key()], 2).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Signature(SignatureError::ThresholdNotMet {
                required: 2,
                found: 1
            })
        ),
        "{err}"
    );
}

/// Adds ℓ to the scalar half of a signature (little-endian).
fn add_group_order(sig: &mut [u8]) {
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut carry = 0u16;
    for (i, l) in L.iter().enumerate() {
        let sum = u16::from(sig[32 + i]) + u16::from(*l) + carry;
        sig[32 + i] = (sum & 0xff) as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
}

#[test]
fn attack_non_canonical_signature() {
    let a = keys::generate();
    let mut env = Envelope::new(TYPE, b"payload");
    dsse::sign(&mut env, &a);
    add_group_order(&mut env.signatures[0].sig);
    let err = dsse::verify(&env, TYPE, &[a.public_key()], 1).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Signature(SignatureError::NonCanonical { .. })
        ),
        "{err}"
    );
}

#[test]
fn attack_wrong_payload_type() {
    let a = keys::generate();
    let mut env = Envelope::new("application/vnd.in-toto+json", b"payload");
    dsse::sign(&mut env, &a);
    let err = dsse::verify(&env, TYPE, &[a.public_key()], 1).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Envelope(EnvelopeError::WrongPayloadType { .. })
        ),
        "{err}"
    );
    // Relabelling the type breaks the signature (the type is inside PAE).
    env.payload_type = TYPE.into();
    let err = dsse::verify(&env, TYPE, &[a.public_key()], 1).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Signature(SignatureError::KeyIdMismatch { .. })
        ),
        "{err}"
    );
}

#[test]
fn attack_signature_over_raw_payload() {
    let a = keys::generate();
    let mut env = Envelope::new(TYPE, b"payload");
    env.signatures.push(EnvelopeSignature {
        keyid: a.key_id().to_hex(),
        sig: a.sign(b"payload").to_vec(),
    });
    let err = dsse::verify(&env, TYPE, &[a.public_key()], 1).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Signature(SignatureError::RawPayload { .. })
        ),
        "{err}"
    );
}

#[test]
fn malformed_signature_and_bad_config() {
    let a = keys::generate();
    let mut env = Envelope::new(TYPE, b"payload");
    env.signatures.push(EnvelopeSignature {
        keyid: String::new(),
        sig: vec![0; 63],
    });
    let err = dsse::verify(&env, TYPE, &[a.public_key()], 1).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Signature(SignatureError::Malformed { len: 63, .. })
        ),
        "{err}"
    );
    for (keys, t) in [
        (vec![], 1),
        (vec![a.public_key()], 0),
        (vec![a.public_key()], 2),
    ] {
        let err = dsse::verify(&env, TYPE, &keys, t).unwrap_err();
        assert!(
            matches!(err, TrustError::Config(TrustConfigError { .. })),
            "{err}"
        );
    }
    let empty = Envelope::new(TYPE, b"payload");
    let err = dsse::verify(&empty, TYPE, &[a.public_key()], 1).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Signature(SignatureError::ThresholdNotMet {
                required: 1,
                found: 0
            })
        ),
        "{err}"
    );
}

/// As ssh does: a private key file its group or others may read is refused,
/// naming the file and the fix; the same key at 0600 reads.
#[cfg(unix)]
#[test]
fn a_private_key_file_open_to_others_is_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.key");
    let k = keys::generate();
    k.write_pem_file(&path).unwrap();
    for mode in [0o644, 0o640, 0o604, 0o660] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        let err = PrivateKey::read_pem_file(&path).unwrap_err().to_string();
        assert!(err.contains("open to others"), "{mode:o}: {err}");
        assert!(err.contains("chmod 600"), "{mode:o}: {err}");
    }
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(
        PrivateKey::read_pem_file(&path).unwrap().key_id(),
        k.key_id()
    );
}
