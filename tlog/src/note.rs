//! Signed checkpoints: the log's key ([`LogKey`]) signs C2SP tlog-checkpoints as C2SP
//! signed notes; a [`LogVerifier`] checks them.
//!
//! A checkpoint, signed, reads:
//!
//! ```text
//! assure.example.nhs.uk/log
//! 300
//! <base64 of the 32-byte root hash>
//!
//! — assure.example.nhs.uk/log <base64 of the 4-byte key id and the 64-byte signature>
//! ```
//!
//! The key id is the first four bytes of `SHA-256(origin ‖ "\n" ‖ 0x01 ‖ public key)`, and
//! the verifier key is `origin+<key id in hex>+<base64 of 0x01 ‖ public key>`: the formats
//! of Go's `golang.org/x/mod/sumdb/note`, so Go and C2SP tooling read them too.

use assure_trust::keys::{PrivateKey, PublicKey};
use base64::Engine as _;
use serde::Serialize;
use signed_note::{Note, NoteError, Signature, VerifierList};

use crate::Hash;
use crate::error::{LogError, Result};

/// The signed-note algorithm byte for Ed25519.
const ALG_ED25519: u8 = 1;

/// A checkpoint whose signature by the log's key has been verified.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Checkpoint {
    /// The log's origin (its name, the key's name).
    pub origin: String,
    /// How many entries the log held.
    pub size: u64,
    /// The RFC 6962 root hash of those entries (base64 in JSON).
    #[serde(serialize_with = "crate::serialize_hash")]
    pub root: Hash,
}

/// Whether `origin` may name a log: a valid signed-note key name (non-empty, no Unicode
/// spaces, no `+`) without control characters.
fn check_origin(origin: &str) -> Result<()> {
    if signed_note::is_key_name_valid(origin) && !origin.chars().any(char::is_control) {
        Ok(())
    } else {
        Err(LogError::InvalidOrigin {
            origin: origin.escape_debug().to_string(),
        })
    }
}

/// The signed-note key id of an Ed25519 key under a name.
fn note_key_id(origin: &str, key: &PublicKey) -> u32 {
    signed_note::key_id(origin, &encoded_key(key))
}

/// A key as signed-note encodes it: the algorithm byte, then the raw key.
fn encoded_key(key: &PublicKey) -> Vec<u8> {
    let mut encoded = Vec::with_capacity(33);
    encoded.push(ALG_ED25519);
    encoded.extend_from_slice(key.as_bytes());
    encoded
}

/// The log's signing key: an Ed25519 key and the origin it signs checkpoints as.
#[derive(Debug, Clone)]
pub struct LogKey {
    origin: String,
    key: PrivateKey,
    id: u32,
}

impl LogKey {
    /// The key that signs checkpoints of the log named `origin`.
    ///
    /// # Errors
    ///
    /// [`LogError::InvalidOrigin`] if `origin` is not a valid key name.
    pub fn new(origin: impl Into<String>, key: PrivateKey) -> Result<Self> {
        let origin = origin.into();
        check_origin(&origin)?;
        let id = note_key_id(&origin, &key.public_key());
        Ok(Self { origin, key, id })
    }

    /// The log's origin.
    #[must_use]
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The verifier that checks this key's checkpoints.
    #[must_use]
    pub fn verifier(&self) -> LogVerifier {
        LogVerifier {
            origin: self.origin.clone(),
            id: self.id,
            key: self.key.public_key(),
        }
    }

    /// The signed-note verifier key to publish: `origin+<hex key id>+<base64 of 0x01 ‖ key>`.
    #[must_use]
    pub fn verifier_key(&self) -> String {
        self.verifier().verifier_key()
    }

    /// The signed note of the checkpoint for a log of `size` entries with this root.
    ///
    /// # Errors
    ///
    /// [`LogError::Internal`] only if the note library refuses what was checked when the
    /// key was made.
    pub fn sign_checkpoint(&self, size: u64, root: &Hash) -> Result<String> {
        let checkpoint = tlog_tiles::Checkpoint::new(&self.origin, size, *root, "")
            .map_err(|e| LogError::Internal(e.to_string()))?;
        self.sign_note(&checkpoint.to_bytes())
    }

    /// Signs a note's text (ending in a newline) with this key.
    pub(crate) fn sign_note(&self, text: &[u8]) -> Result<String> {
        let internal = |e: NoteError| LogError::Internal(e.to_string());
        let signature = Signature::new(self.origin.clone(), self.id, self.key.sign(text).to_vec())
            .map_err(internal)?;
        let note = Note::new(text, &[signature]).map_err(internal)?;
        String::from_utf8(note.to_bytes()).map_err(|e| LogError::Internal(e.to_string()))
    }
}

/// Checks checkpoints signed by one log key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogVerifier {
    origin: String,
    id: u32,
    key: PublicKey,
}

impl LogVerifier {
    /// From a signed-note verifier key (`origin+<hex key id>+<base64 of 0x01 ‖ key>`), as
    /// [`LogKey::verifier_key`] writes and Go's `note.NewVerifier` reads. Weak keys (small
    /// order, non-canonical) are refused.
    ///
    /// # Errors
    ///
    /// [`LogError::VerifierKey`].
    pub fn from_verifier_key(vkey: &str) -> Result<Self> {
        let bad = |reason: String| LogError::VerifierKey { reason };
        // Syntax, name, algorithm and key id checked by the note library.
        signed_note::StandardVerifier::new(vkey).map_err(|e| bad(e.to_string()))?;
        let (origin, rest) = vkey.split_once('+').ok_or_else(|| bad("no `+`".into()))?;
        let (_, encoded) = rest
            .split_once('+')
            .ok_or_else(|| bad("no second `+`".into()))?;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|e| bad(e.to_string()))?;
        let key: [u8; 32] = match raw.split_first() {
            Some((&ALG_ED25519, key)) => key
                .try_into()
                .map_err(|_| bad("an Ed25519 key is 32 bytes".into()))?,
            _ => return Err(bad("not an Ed25519 key".into())),
        };
        let key = PublicKey::from_bytes(&key).map_err(|e| bad(e.to_string()))?;
        Self::from_public_key(origin, &key)
    }

    /// From the log's origin and its public key (e.g. read from an SPKI PEM file).
    ///
    /// # Errors
    ///
    /// [`LogError::InvalidOrigin`].
    pub fn from_public_key(origin: &str, key: &PublicKey) -> Result<Self> {
        check_origin(origin)?;
        Ok(Self {
            origin: origin.to_owned(),
            id: note_key_id(origin, key),
            key: key.clone(),
        })
    }

    /// The log's origin.
    #[must_use]
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The signed-note key id, 8 hex digits.
    #[must_use]
    pub fn key_id(&self) -> String {
        format!("{:08x}", self.id)
    }

    /// The verifier key string: `origin+<hex key id>+<base64 of 0x01 ‖ key>`.
    #[must_use]
    pub fn verifier_key(&self) -> String {
        format!(
            "{}+{:08x}+{}",
            self.origin,
            self.id,
            base64::engine::general_purpose::STANDARD.encode(encoded_key(&self.key))
        )
    }

    /// Verifies a signed checkpoint: well-formed, for this log's origin, and signed by
    /// this key (other signatures, such as witnesses' cosignatures, are ignored).
    ///
    /// # Errors
    ///
    /// [`LogError::MalformedCheckpoint`], [`LogError::WrongOrigin`],
    /// [`LogError::UnknownKey`] (not signed by this key) or [`LogError::BadSignature`].
    pub fn verify_checkpoint(&self, note: &str) -> Result<Checkpoint> {
        let malformed = |reason: &str| LogError::MalformedCheckpoint {
            reason: reason.to_owned(),
        };
        let parsed = Note::from_bytes(note.as_bytes()).map_err(|_| {
            malformed("not a signed note (text, a blank line, then `— <name> <signature>` lines)")
        })?;
        let checkpoint = tlog_tiles::Checkpoint::from_bytes(parsed.text()).map_err(|_| {
            malformed("the note is not a tlog-checkpoint (origin, size, root hash)")
        })?;
        if checkpoint.origin() != self.origin {
            return Err(LogError::WrongOrigin {
                expected: self.origin.clone(),
                found: checkpoint.origin().escape_debug().to_string(),
            });
        }
        let known = VerifierList::new(vec![Box::new(self.clone())]);
        match parsed.verify(&known) {
            Ok(_) => Ok(Checkpoint {
                origin: checkpoint.origin().to_owned(),
                size: checkpoint.size(),
                root: *checkpoint.hash(),
            }),
            Err(NoteError::InvalidSignature { .. }) => Err(LogError::BadSignature {
                origin: self.origin.clone(),
                key_id: self.key_id(),
            }),
            Err(NoteError::UnverifiedNote) => Err(LogError::UnknownKey {
                origin: self.origin.clone(),
                key_id: self.key_id(),
            }),
            Err(e) => Err(malformed(&e.to_string())),
        }
    }
}

/// Signatures are checked strictly (`verify_strict`), with the key assure-trust loaded.
impl signed_note::Verifier for LogVerifier {
    fn name(&self) -> &str {
        &self.origin
    }

    fn key_id(&self) -> u32 {
        self.id
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        <&[u8; 64]>::try_from(sig).is_ok_and(|sig| self.key.verify_strict(msg, sig))
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use super::*;

    /// The example key and note of Go's `golang.org/x/mod/sumdb/note` documentation (and
    /// of the `signed_note` crate's): Ed25519 is deterministic, so the same seed must give
    /// the same verifier key and the same signature line.
    #[test]
    fn matches_the_go_note_example() {
        let skey = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
        let raw = base64::engine::general_purpose::STANDARD
            .decode(skey)
            .unwrap();
        assert_eq!(raw[0], ALG_ED25519);
        let seed: [u8; 32] = raw[1..].try_into().unwrap();
        let key = LogKey::new("PeterNeumann", PrivateKey::from_seed(&seed)).unwrap();
        assert_eq!(
            key.verifier_key(),
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
        );
        let text = "If you think cryptography is the answer to your problem,\n\
                    then you don't know what your problem is.\n";
        assert_eq!(
            key.sign_note(text.as_bytes()).unwrap(),
            format!(
                "{text}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
            )
        );
        let verifier = LogVerifier::from_verifier_key(&key.verifier_key()).unwrap();
        assert_eq!(verifier, key.verifier());
    }

    #[test]
    fn origins_are_key_names() {
        let key = || PrivateKey::from_seed(&[1; 32]);
        for bad in ["", "a b", "a+b", "a\nb", "tab\there", "nul\u{0}"] {
            assert!(matches!(
                LogKey::new(bad, key()),
                Err(LogError::InvalidOrigin { .. })
            ));
        }
        assert!(LogKey::new("assure.example.nhs.uk/log", key()).is_ok());
    }

    #[test]
    fn malformed_verifier_keys_are_refused() {
        let good = LogKey::new("log.example", PrivateKey::from_seed(&[1; 32]))
            .unwrap()
            .verifier_key();
        let (name, rest) = good.split_once('+').unwrap();
        let (id, key) = rest.split_once('+').unwrap();
        let flipped_id = format!(
            "{name}+{:08x}+{key}",
            u32::from_str_radix(id, 16).unwrap() ^ 1
        );
        for bad in [
            "",
            "log.example",
            &flipped_id,
            &format!("other.example+{id}+{key}"),
            &format!("{name}+{id}+{}", &key[..key.len() - 4]),
        ] {
            assert!(
                matches!(
                    LogVerifier::from_verifier_key(bad),
                    Err(LogError::VerifierKey { .. })
                ),
                "{bad}"
            );
        }
        // The identity point, encoded 01 00 … 00, is refused as weak.
        let mut weak = vec![ALG_ED25519, 1];
        weak.extend([0u8; 31]);
        let weak_id = signed_note::key_id("log.example", &weak);
        let vkey = format!(
            "log.example+{weak_id:08x}+{}",
            base64::engine::general_purpose::STANDARD.encode(&weak)
        );
        let err = LogVerifier::from_verifier_key(&vkey).unwrap_err();
        assert!(err.to_string().contains("small order"), "{err}");
    }
}
