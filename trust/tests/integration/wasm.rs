//! WebAssembly signature sections: wasmsign2 interoperability and attacks.
#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::collections::HashSet;

use crate::common::{custom_section, module};
use assure_trust::error::PluginVerificationError;
use assure_trust::keys::{self, PrivateKey, PublicKey};
use assure_trust::{TrustError, wasmsig};

fn ws_module(bytes: &[u8]) -> wasmsign2::Module {
    wasmsign2::Module::deserialize(&mut &bytes[..]).unwrap()
}

fn ws_bytes(m: &wasmsign2::Module) -> Vec<u8> {
    let mut out = Vec::new();
    m.serialize(&mut out).unwrap();
    out
}

/// A wasmsign2 key pair and the same key as ours (through PEM).
fn ws_keypair() -> (wasmsign2::KeyPair, PrivateKey, PublicKey) {
    let kp = wasmsign2::KeyPair::generate();
    let ours = PrivateKey::from_pkcs8_pem(&kp.sk.to_pem()).unwrap();
    let pk = PublicKey::from_spki_pem(&kp.pk.to_pem()).unwrap();
    assert_eq!(ours.key_id(), pk.key_id());
    (kp, ours, pk)
}

fn ws_public(k: &PrivateKey) -> wasmsign2::PublicKey {
    wasmsign2::PublicKey::from_pem(&k.public_key().to_spki_pem().unwrap()).unwrap()
}

#[test]
fn signed_by_wasmsign2_verifies_with_ours() {
    let (kp, _, pk) = ws_keypair();
    let signed = kp.sk.sign(ws_module(&module("a")), None).unwrap();
    let bytes = ws_bytes(&signed);
    assert_eq!(
        wasmsig::verify("a.wasm", &bytes, std::slice::from_ref(&pk)).unwrap(),
        vec![pk.key_id()]
    );
    // With a wasmsign2 key id attached, too.
    let key_id = kp.pk.clone().attach_default_key_id().key_id().cloned();
    let signed = kp
        .sk
        .sign(ws_module(&module("a")), key_id.as_ref())
        .unwrap();
    assert!(wasmsig::verify("a.wasm", &ws_bytes(&signed), &[pk]).is_ok());
}

#[test]
fn signed_by_ours_verifies_with_wasmsign2() {
    let k = keys::generate();
    let signed = wasmsig::sign(&module("b"), &k).unwrap();
    ws_public(&k).verify(&mut &signed[..], None).unwrap();
    // …and with a wasmsign2 key that carries a (different) default key id, the hint is
    // only compared if both sides have one: ours stores the SHA-256 key id.
    let other = keys::generate();
    assert!(ws_public(&other).verify(&mut &signed[..], None).is_err());
    // Our output also parses as a module and round-trips through wasmsign2 unchanged.
    assert_eq!(ws_bytes(&ws_module(&signed)), signed);
}

#[test]
fn several_signers_both_ways() {
    let a = keys::generate();
    let b = keys::generate();
    let once = wasmsig::sign(&module("c"), &a).unwrap();
    let twice = wasmsig::sign(&once, &b).unwrap();
    assert_eq!(
        wasmsig::sign(&twice, &b).unwrap(),
        twice,
        "re-signing is a no-op"
    );
    let mut both = vec![a.key_id(), b.key_id()];
    both.sort();
    assert_eq!(
        wasmsig::signers("c", &twice, &[a.public_key(), b.public_key()]).unwrap(),
        both
    );
    assert_eq!(
        wasmsig::verify("c", &twice, &[b.public_key()]).unwrap(),
        vec![b.key_id()]
    );
    let set = wasmsign2::PublicKeySet::new(HashSet::from([ws_public(&a), ws_public(&b)]));
    assert_eq!(set.verify(&mut &twice[..], None).unwrap().len(), 2);

    // wasmsign2 adds its signature next to ours, and we see all three.
    let (kp, _, w) = ws_keypair();
    let (m, _) = kp
        .sk
        .sign_multi(ws_module(&twice), None, false, false)
        .unwrap();
    let three = ws_bytes(&m);
    let found =
        wasmsig::signers("c", &three, &[a.public_key(), b.public_key(), w.clone()]).unwrap();
    assert_eq!(found.len(), 3);
    // And we add ours next to wasmsign2's.
    let (kp2, _, w2) = ws_keypair();
    let theirs = ws_bytes(&kp2.sk.sign(ws_module(&module("d")), None).unwrap());
    let mixed = wasmsig::sign(&theirs, &a).unwrap();
    assert_eq!(
        wasmsig::signers("d", &mixed, &[a.public_key(), w2.clone()])
            .unwrap()
            .len(),
        2
    );
    kp2.pk.verify(&mut &mixed[..], None).unwrap();
}

#[test]
fn component_header_supported() {
    let k = keys::generate();
    let mut component = vec![0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
    component.extend_from_slice(&custom_section("x", b"component"));
    let signed = wasmsig::sign(&component, &k).unwrap();
    assert!(wasmsig::verify("c.wasm", &signed, &[k.public_key()]).is_ok());
    ws_public(&k).verify(&mut &signed[..], None).unwrap();
}

#[test]
fn attack_section_appended_after_signing() {
    let k = keys::generate();
    let mut signed = wasmsig::sign(&module("e"), &k).unwrap();
    signed.extend_from_slice(&custom_section("evil", b"payload"));
    let err = wasmsig::verify("e.wasm", &signed, &[k.public_key()]).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Plugin(PluginVerificationError::ModifiedAfterSigning { .. })
        ),
        "{err}"
    );
    assert!(ws_public(&k).verify(&mut &signed[..], None).is_err());
    // A changed byte inside the code, likewise.
    let mut signed = wasmsig::sign(&module("e"), &k).unwrap();
    let last = signed.len() - 1;
    signed[last] ^= 1;
    let err = wasmsig::verify("e.wasm", &signed, &[k.public_key()]).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Plugin(PluginVerificationError::ModifiedAfterSigning { .. })
        ),
        "{err}"
    );
}

#[test]
fn attack_signature_section_not_first() {
    let k = keys::generate();
    let signed = wasmsig::sign(&module("f"), &k).unwrap();
    // Move the signature section after the type section.
    let m = ws_module(&signed);
    let mut moved = m.clone();
    moved.sections.swap(0, 1);
    let bytes = ws_bytes(&moved);
    let err = wasmsig::verify("f.wasm", &bytes, &[k.public_key()]).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Plugin(PluginVerificationError::SignatureSectionNotFirst { .. })
        ),
        "{err}"
    );
    // A second signature section, even with the first in place.
    let mut two = signed.clone();
    let sig_section = ws_bytes(&wasmsign2::Module {
        header: m.header,
        sections: vec![m.sections[0].clone()],
    });
    two.extend_from_slice(&sig_section[8..]);
    let err = wasmsig::verify("f.wasm", &two, &[k.public_key()]).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Plugin(PluginVerificationError::SignatureSectionNotFirst { .. })
        ),
        "{err}"
    );
    // Ours refuses to sign such a module.
    assert!(matches!(
        wasmsig::sign(&bytes, &k),
        Err(TrustError::Plugin(
            PluginVerificationError::SignatureSectionNotFirst { .. }
        ))
    ));
}

#[test]
fn attack_unexpected_key() {
    let k = keys::generate();
    let attacker = keys::generate();
    let signed = wasmsig::sign(&module("g"), &attacker).unwrap();
    let err = wasmsig::verify("g.wasm", &signed, &[k.public_key()]).unwrap_err();
    match err {
        TrustError::Plugin(PluginVerificationError::SignerNotAllowed { key_id_hints, .. }) => {
            assert_eq!(key_id_hints, vec![attacker.key_id().to_hex()]);
        }
        other => unreachable!("{other}"),
    }
    // A signature by another key labelled with the allowed key's id changes nothing.
    let (kp, _, _) = ws_keypair();
    let claimed = k.key_id().as_bytes().to_vec();
    let forged = ws_bytes(&kp.sk.sign(ws_module(&module("g")), Some(&claimed)).unwrap());
    let err = wasmsig::verify("g.wasm", &forged, &[k.public_key()]).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Plugin(PluginVerificationError::SignerNotAllowed { .. })
        ),
        "{err}"
    );
    let err = wasmsig::verify("g.wasm", &signed, &[]).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Plugin(PluginVerificationError::SignerNotAllowed { .. })
        ),
        "{err}"
    );
    assert!(
        wasmsig::signers("g.wasm", &signed, &[k.public_key()])
            .unwrap()
            .is_empty()
    );
}

#[test]
fn attack_unsigned_module() {
    let k = keys::generate();
    let err = wasmsig::verify("h.wasm", &module("h"), &[k.public_key()]).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Plugin(PluginVerificationError::Unsigned { .. })
        ),
        "{err}"
    );
}

#[test]
fn malformed_modules_refused() {
    let k = keys::generate();
    for bad in [&b""[..], b"\0asm\x02\0\0\0", b"not wasm at all"] {
        let err = wasmsig::verify("x", bad, &[k.public_key()]).unwrap_err();
        assert!(
            matches!(
                err,
                TrustError::Plugin(PluginVerificationError::Malformed { .. })
            ),
            "{err}"
        );
    }
    let mut truncated = wasmsig::sign(&module("i"), &k).unwrap();
    truncated.truncate(truncated.len() - 2);
    let err = wasmsig::verify("x", &truncated, &[k.public_key()]).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Plugin(PluginVerificationError::Malformed { .. })
        ),
        "{err}"
    );
}
