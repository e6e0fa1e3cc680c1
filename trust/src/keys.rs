//! Ed25519 keys, their PEM files and their key ids.
//!
//! * A **private key** is stored as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), version 1
//!   (RFC 8410 §7, seed only) — byte-for-byte what `openssl genpkey -algorithm ed25519`
//!   writes. Version 2 documents (with the public key) are read too. Files are created
//!   with mode `0600` and never overwritten.
//! * A **public key** is stored as SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`),
//!   as `openssl pkey -pubout` writes.
//! * A **key id** is the lowercase hex SHA-256 of the 32-byte raw public key (64 hex
//!   characters). It is a name, never a credential: verification always uses the key.
//! * **Weak keys are refused**: a public key of small order (such as the identity point,
//!   encoded `01 00 … 00`, under which one fixed signature "verifies" for every message
//!   with non-strict verification) or a non-canonical point encoding cannot be loaded.

use std::fmt;
use std::io::Write as _;
use std::path::Path;
use std::str::FromStr;

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, KeypairBytes,
};
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest as _, Sha256};

use zeroize::Zeroizing;

use crate::error::{KeyError, Result, TrustError, io_err};

/// A key id: SHA-256 of the 32-byte raw Ed25519 public key, shown as lowercase hex.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId([u8; 32]);

impl KeyId {
    /// The key id of a raw 32-byte public key.
    #[must_use]
    pub fn of_raw_public_key(raw: &[u8; 32]) -> Self {
        Self(Sha256::digest(raw).into())
    }

    /// The 32 digest bytes (what a WebAssembly signature stores as its key id).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The lowercase hex form.
    #[must_use]
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", self.to_hex())
    }
}

impl FromStr for KeyId {
    type Err = TrustError;

    /// Parses exactly 64 lowercase hex characters.
    fn from_str(s: &str) -> Result<Self> {
        let bad = || {
            TrustError::Key(KeyError::Parse {
                what: format!("key id {s:?}"),
                reason: "a key id is 64 lowercase hex characters".into(),
            })
        };
        if s.len() != 64
            || !s
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).map_err(|_| bad())?;
        Ok(Self(out))
    }
}

impl serde::Serialize for KeyId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for KeyId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An Ed25519 public key that is safe to trust: never of small order, canonically encoded.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
    id: KeyId,
}

impl PublicKey {
    /// From the 32-byte raw encoding. Refuses small-order and non-canonical keys
    /// ([`KeyError::Weak`]).
    pub fn from_bytes(raw: &[u8; 32]) -> Result<Self> {
        let id = KeyId::of_raw_public_key(raw);
        let key = VerifyingKey::from_bytes(raw).map_err(|e| {
            TrustError::Key(KeyError::Parse {
                what: format!("public key {id}"),
                reason: e.to_string(),
            })
        })?;
        Self::checked(key, id)
    }

    fn checked(key: VerifyingKey, id: KeyId) -> Result<Self> {
        if key.is_weak() {
            return Err(TrustError::Key(KeyError::Weak {
                key_id: id.to_hex(),
                reason: "the point has small order".into(),
            }));
        }
        if key.to_edwards().compress().to_bytes() != key.to_bytes() {
            return Err(TrustError::Key(KeyError::Weak {
                key_id: id.to_hex(),
                reason: "the point encoding is not canonical".into(),
            }));
        }
        Ok(Self { key, id })
    }

    /// From SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`).
    pub fn from_spki_pem(pem: &str) -> Result<Self> {
        let key = VerifyingKey::from_public_key_pem(pem).map_err(|e| {
            TrustError::Key(KeyError::Parse {
                what: "SPKI PEM public key".into(),
                reason: e.to_string(),
            })
        })?;
        let id = KeyId::of_raw_public_key(key.as_bytes());
        Self::checked(key, id)
    }

    /// From SubjectPublicKeyInfo DER.
    pub fn from_spki_der(der: &[u8]) -> Result<Self> {
        let key = VerifyingKey::from_public_key_der(der).map_err(|e| {
            TrustError::Key(KeyError::Parse {
                what: "SPKI DER public key".into(),
                reason: e.to_string(),
            })
        })?;
        let id = KeyId::of_raw_public_key(key.as_bytes());
        Self::checked(key, id)
    }

    /// Reads an SPKI PEM file.
    pub fn read_pem_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(io_err(path))?;
        Self::from_spki_pem(&text).map_err(|e| match e {
            TrustError::Key(KeyError::Parse { reason, .. }) => TrustError::Key(KeyError::Parse {
                what: path.display().to_string(),
                reason,
            }),
            other => other,
        })
    }

    /// SubjectPublicKeyInfo PEM, LF line endings.
    pub fn to_spki_pem(&self) -> Result<String> {
        self.key.to_public_key_pem(LineEnding::LF).map_err(|e| {
            TrustError::Key(KeyError::Parse {
                what: format!("public key {}", self.id),
                reason: e.to_string(),
            })
        })
    }

    /// Writes the SPKI PEM to a new file (refuses to overwrite).
    pub fn write_pem_file(&self, path: &Path) -> Result<()> {
        let pem = self.to_spki_pem()?;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(io_err(path))?;
        f.write_all(pem.as_bytes()).map_err(io_err(path))
    }

    /// The key id (SHA-256 of the raw key).
    #[must_use]
    pub fn key_id(&self) -> KeyId {
        self.id
    }

    /// The 32-byte raw encoding.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; 32] {
        self.key.as_bytes()
    }

    /// Strict verification (`verify_strict`: canonical `s`, no small-order `R` or key).
    #[must_use]
    pub fn verify_strict(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        let sig = Signature::from_bytes(signature);
        self.key.verify_strict(message, &sig).is_ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.id)
    }
}

/// An Ed25519 private (signing) key.
#[derive(Clone)]
pub struct PrivateKey {
    key: SigningKey,
}

impl PrivateKey {
    /// From PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), v1 or v2 — what openssl writes.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self> {
        let key = SigningKey::from_pkcs8_pem(pem).map_err(|e| {
            TrustError::Key(KeyError::Parse {
                what: "PKCS#8 PEM private key".into(),
                reason: e.to_string(),
            })
        })?;
        Ok(Self { key })
    }

    /// From the 32-byte seed.
    #[must_use]
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self {
            key: SigningKey::from_bytes(seed),
        }
    }

    /// Reads a PKCS#8 PEM file. The file's bytes stay in a buffer that is wiped when
    /// dropped. On Unix a key file that its group or others may read or write is refused,
    /// as ssh refuses one: `chmod 600` it.
    pub fn read_pem_file(path: &Path) -> Result<Self> {
        use std::io::Read as _;
        let mut file = std::fs::File::open(path).map_err(io_err(path))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = file.metadata().map_err(io_err(path))?.permissions().mode();
            if mode & 0o077 != 0 {
                return Err(TrustError::Key(KeyError::Parse {
                    what: path.display().to_string(),
                    reason: format!(
                        "the private key file is open to others (mode {:04o}); \
                         run `chmod 600 {}`",
                        mode & 0o7777,
                        path.display()
                    ),
                }));
            }
        }
        let mut bytes = Zeroizing::new(Vec::new());
        file.read_to_end(&mut bytes).map_err(io_err(path))?;
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            TrustError::Key(KeyError::Parse {
                what: path.display().to_string(),
                reason: "not PEM text (not UTF-8)".into(),
            })
        })?;
        Self::from_pkcs8_pem(text).map_err(|e| match e {
            TrustError::Key(KeyError::Parse { reason, .. }) => TrustError::Key(KeyError::Parse {
                what: path.display().to_string(),
                reason,
            }),
            other => other,
        })
    }

    /// PKCS#8 v1 PEM (seed only, RFC 8410), LF line endings — the same bytes openssl
    /// writes for this key. The returned string holds the secret, in a buffer wiped when
    /// dropped: do not log it or copy it out.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>> {
        let secret = Zeroizing::new(self.key.to_bytes());
        let doc = KeypairBytes {
            secret_key: *secret,
            public_key: None,
        };
        let pem = doc.to_pkcs8_pem(LineEnding::LF).map_err(|e| {
            TrustError::Key(KeyError::Parse {
                what: "private key".into(),
                reason: e.to_string(),
            })
        })?;
        Ok(pem)
    }

    /// Writes the PKCS#8 PEM to a **new** file with mode `0600` (on Unix); refuses to
    /// overwrite an existing file.
    pub fn write_pem_file(&self, path: &Path) -> Result<()> {
        let pem = self.to_pkcs8_pem()?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut f = options.open(path).map_err(io_err(path))?;
        f.write_all(pem.as_bytes()).map_err(io_err(path))?;
        f.sync_all().map_err(io_err(path))
    }

    /// The matching public key.
    #[must_use]
    pub fn public_key(&self) -> PublicKey {
        let key = self.key.verifying_key();
        PublicKey {
            id: KeyId::of_raw_public_key(key.as_bytes()),
            key,
        }
    }

    /// The key id of the matching public key.
    #[must_use]
    pub fn key_id(&self) -> KeyId {
        KeyId::of_raw_public_key(self.key.verifying_key().as_bytes())
    }

    /// Signs a message (pure Ed25519, RFC 8032).
    #[must_use]
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({}, secret redacted)", self.key_id())
    }
}

/// Generates a fresh key from the operating system's random number generator.
#[must_use]
pub fn generate() -> PrivateKey {
    PrivateKey {
        key: SigningKey::generate(&mut rand_core::OsRng),
    }
}

/// The group order ℓ = 2^252 + 27742317777372353535851937790883648493, little-endian.
const ORDER_L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// Whether the scalar half `s` of a signature is canonical (`s < ℓ`).
pub(crate) fn signature_is_canonical(signature: &[u8; 64]) -> bool {
    let (_, s) = signature.split_at(32);
    // Compare little-endian numbers from the most significant byte.
    for (a, b) in s.iter().rev().zip(ORDER_L.iter().rev()) {
        if a != b {
            return a < b;
        }
    }
    false // s == ℓ
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_scalar_check() {
        let mut sig = [0u8; 64];
        assert!(signature_is_canonical(&sig));
        sig[32..].copy_from_slice(&ORDER_L);
        assert!(!signature_is_canonical(&sig));
        sig[32] = 0xec; // ℓ - 1
        assert!(signature_is_canonical(&sig));
        sig[63] = 0xff;
        assert!(!signature_is_canonical(&sig));
    }
}
