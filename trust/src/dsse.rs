//! DSSE envelopes (Dead Simple Signing Envelope, <https://github.com/secure-systems-lab/dsse>).
//!
//! ```json
//! {"payloadType": "application/vnd.assure.bundle+json",
//!  "payload": "<base64 of the payload bytes>",
//!  "signatures": [{"keyid": "<hex key id>", "sig": "<base64 of the 64-byte Ed25519 signature>"}]}
//! ```
//!
//! Each signature is Ed25519 over the pre-authentication encoding
//! `PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, where `LEN` is the
//! byte length in ASCII decimal without leading zeros ([`pae`]).
//!
//! Verification ([`verify`]) is given trusted public keys and a threshold `k`, and counts
//! **distinct trusted keys** whose `verify_strict` accepts a signature. The `keyid` is only a
//! hint and never decides anything: every signature is tried against every trusted key and
//! the key counted is the one that verified. A key that signs twice counts once. Base64 is
//! accepted in the standard or URL-safe alphabet, padded or not (as the spec requires);
//! written as standard, padded. The envelope JSON is parsed strictly (duplicate keys and
//! unknown members are refused).

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::{Deserialize, Serialize};

use crate::error::{
    DuplicateJsonKeyError, EnvelopeError, Result, SignatureError, TrustConfigError, TrustError,
};
use crate::json::{StrictJsonError, parse_strict};
use crate::keys::{KeyId, PrivateKey, PublicKey, signature_is_canonical};

/// The payload type of a bundle manifest envelope.
pub const BUNDLE_PAYLOAD_TYPE: &str = "application/vnd.assure.bundle+json";

/// At most this many signatures are examined in one envelope (bounds the work of an
/// attacker who pads an envelope with junk signatures).
pub const MAX_SIGNATURES: usize = 64;

const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

fn b64_encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn b64_decode(text: &str, what: &str) -> Result<Vec<u8>> {
    STANDARD_LENIENT
        .decode(text)
        .or_else(|_| URL_SAFE_LENIENT.decode(text))
        .map_err(|e| {
            TrustError::Envelope(EnvelopeError::Malformed {
                reason: format!("{what} is not base64: {e}"),
            })
        })
}

/// One signature of an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeSignature {
    /// Unauthenticated hint naming the key (our key ids: hex SHA-256 of the raw key).
    /// May be empty.
    pub keyid: String,
    /// The raw signature bytes (64 for Ed25519).
    pub sig: Vec<u8>,
}

/// A DSSE envelope, with payload and signatures decoded from base64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// What the payload is (authenticated through PAE).
    pub payload_type: String,
    /// The signed bytes.
    pub payload: Vec<u8>,
    /// Signatures, in order.
    pub signatures: Vec<EnvelopeSignature>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireEnvelope {
    #[serde(rename = "payloadType")]
    payload_type: String,
    payload: String,
    signatures: Vec<WireSignature>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireSignature {
    #[serde(default)]
    keyid: String,
    sig: String,
}

impl Envelope {
    /// An unsigned envelope.
    #[must_use]
    pub fn new(payload_type: &str, payload: &[u8]) -> Self {
        Self {
            payload_type: payload_type.to_owned(),
            payload: payload.to_vec(),
            signatures: Vec::new(),
        }
    }

    /// Parses envelope JSON strictly (duplicate keys, unknown members and bad base64 are
    /// refused).
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        let value = parse_strict(bytes).map_err(|e| match e {
            StrictJsonError::DuplicateKey(pointer) => {
                TrustError::DuplicateJsonKey(DuplicateJsonKeyError {
                    file: "DSSE envelope".into(),
                    pointer,
                })
            }
            StrictJsonError::Syntax(reason) => {
                TrustError::Envelope(EnvelopeError::Malformed { reason })
            }
        })?;
        let wire: WireEnvelope = serde_json::from_value(value).map_err(|e| {
            TrustError::Envelope(EnvelopeError::Malformed {
                reason: e.to_string(),
            })
        })?;
        if wire.signatures.len() > MAX_SIGNATURES {
            return Err(TrustError::Envelope(EnvelopeError::Malformed {
                reason: format!("more than {MAX_SIGNATURES} signatures"),
            }));
        }
        let payload = b64_decode(&wire.payload, "payload")?;
        let signatures = wire
            .signatures
            .into_iter()
            .map(|s| {
                Ok(EnvelopeSignature {
                    sig: b64_decode(&s.sig, "signature")?,
                    keyid: s.keyid,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            payload_type: wire.payload_type,
            payload,
            signatures,
        })
    }

    /// Envelope JSON (pretty, members in the spec's order, trailing newline).
    #[must_use]
    pub fn to_json(&self) -> Vec<u8> {
        let wire = WireEnvelope {
            payload_type: self.payload_type.clone(),
            payload: b64_encode(&self.payload),
            signatures: self
                .signatures
                .iter()
                .map(|s| WireSignature {
                    keyid: s.keyid.clone(),
                    sig: b64_encode(&s.sig),
                })
                .collect(),
        };
        // Serialising plain strings and vectors cannot fail.
        let mut out = serde_json::to_vec_pretty(&wire).unwrap_or_default();
        out.push(b'\n');
        out
    }
}

/// The DSSE v1 pre-authentication encoding:
/// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`.
#[must_use]
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload_type.len() + payload.len() + 32);
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(payload_type.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

/// Adds a signature by `key` (keyid = its [`KeyId`]) over `PAE(payloadType, payload)`.
/// Signing twice with one key is a no-op (Ed25519 signatures are deterministic).
pub fn sign(envelope: &mut Envelope, key: &PrivateKey) {
    let sig = key
        .sign(&pae(&envelope.payload_type, &envelope.payload))
        .to_vec();
    let keyid = key.key_id().to_hex();
    if envelope
        .signatures
        .iter()
        .any(|s| s.keyid == keyid && s.sig == sig)
    {
        return;
    }
    envelope.signatures.push(EnvelopeSignature { keyid, sig });
}

/// A verified envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The authenticated payload.
    pub payload: Vec<u8>,
    /// The distinct trusted keys whose signatures verified, sorted.
    pub signers: Vec<KeyId>,
}

/// Checks a trust configuration and returns the trusted keys without duplicates.
pub(crate) fn distinct_trusted(trusted: &[PublicKey], threshold: usize) -> Result<Vec<&PublicKey>> {
    let mut seen = BTreeSet::new();
    let keys: Vec<&PublicKey> = trusted.iter().filter(|k| seen.insert(k.key_id())).collect();
    if keys.is_empty() {
        return Err(TrustError::Config(TrustConfigError {
            reason: "no trusted keys".into(),
        }));
    }
    if threshold == 0 {
        return Err(TrustError::Config(TrustConfigError {
            reason: "threshold is 0".into(),
        }));
    }
    if threshold > keys.len() {
        return Err(TrustError::Config(TrustConfigError {
            reason: format!(
                "threshold {threshold} exceeds the {} distinct trusted key(s)",
                keys.len()
            ),
        }));
    }
    Ok(keys)
}

/// Verifies `envelope`: its payloadType must be `payload_type`, and at least `threshold`
/// **distinct** keys of `trusted` must have a valid (`verify_strict`) signature over PAE.
///
/// Signatures that do not count are ignored when the threshold is met anyway. When it is
/// not, the error names the first rejected signature's fault ([`SignatureError::UntrustedKey`],
/// [`SignatureError::KeyIdMismatch`], [`SignatureError::NonCanonical`],
/// [`SignatureError::RawPayload`], [`SignatureError::Malformed`]); if every
/// signature verified but too few distinct keys signed (a key signing twice counts once),
/// it is [`SignatureError::ThresholdNotMet`].
pub fn verify(
    envelope: &Envelope,
    payload_type: &str,
    trusted: &[PublicKey],
    threshold: usize,
) -> Result<Verified> {
    let keys = distinct_trusted(trusted, threshold)?;
    if envelope.payload_type != payload_type {
        return Err(TrustError::Envelope(EnvelopeError::WrongPayloadType {
            expected: payload_type.to_owned(),
            found: envelope.payload_type.clone(),
        }));
    }
    if envelope.signatures.len() > MAX_SIGNATURES {
        return Err(TrustError::Envelope(EnvelopeError::Malformed {
            reason: format!("more than {MAX_SIGNATURES} signatures"),
        }));
    }
    let message = pae(&envelope.payload_type, &envelope.payload);
    let mut signers = BTreeSet::new();
    let mut first_rejection = None;
    for s in &envelope.signatures {
        match check_one(s, &message, &envelope.payload, &keys) {
            Ok(id) => {
                signers.insert(id);
            }
            Err(e) => {
                first_rejection.get_or_insert(e);
            }
        }
    }
    if signers.len() >= threshold {
        return Ok(Verified {
            payload: envelope.payload.clone(),
            signers: signers.into_iter().collect(),
        });
    }
    Err(
        first_rejection.unwrap_or(TrustError::Signature(SignatureError::ThresholdNotMet {
            required: threshold,
            found: signers.len(),
        })),
    )
}

/// Which trusted key made this signature, or why none did.
fn check_one(
    s: &EnvelopeSignature,
    message: &[u8],
    payload: &[u8],
    keys: &[&PublicKey],
) -> Result<KeyId> {
    let Ok(sig) = <[u8; 64]>::try_from(s.sig.as_slice()) else {
        return Err(TrustError::Signature(SignatureError::Malformed {
            keyid: s.keyid.clone(),
            len: s.sig.len(),
        }));
    };
    if !signature_is_canonical(&sig) {
        return Err(TrustError::Signature(SignatureError::NonCanonical {
            keyid: s.keyid.clone(),
        }));
    }
    // The keyid is a hint only: try every trusted key, count the one that verifies.
    if let Some(key) = keys.iter().find(|k| k.verify_strict(message, &sig)) {
        return Ok(key.key_id());
    }
    // Diagnostics only; nothing below is ever counted.
    if let Some(key) = keys.iter().find(|k| k.verify_strict(payload, &sig)) {
        return Err(TrustError::Signature(SignatureError::RawPayload {
            keyid: key.key_id().to_hex(),
        }));
    }
    if keys.iter().any(|k| k.key_id().to_hex() == s.keyid) {
        return Err(TrustError::Signature(SignatureError::KeyIdMismatch {
            keyid: s.keyid.clone(),
        }));
    }
    Err(TrustError::Signature(SignatureError::UntrustedKey {
        keyid: s.keyid.clone(),
    }))
}
