//! Signatures embedded in WebAssembly modules and components.
//!
//! The format is the WebAssembly tool-conventions signature proposal, as written by
//! `wasmsign2` (<https://github.com/wasm-signatures/design>):
//!
//! * The signature lives in a custom section named `signature`, which must be the **first**
//!   section after the 8-byte header (module `00 61 73 6d 01 00 00 00` or component
//!   `00 61 73 6d 0d 00 01 00`).
//! * Its payload (all integers unsigned LEB128; `bytes` = LEB128 length + bytes):
//!   ```text
//!   spec_version = 0x01 · content_type = 0x01 (module) · hash_fn = 0x01 (SHA-256)
//!   count, then count × bytes(signed_hashes)
//!   signed_hashes = count, count × 32-byte hash · count, count × bytes(signature)
//!   signature     = bytes(key_id) (empty = none) · alg_id (0x01 = Ed25519) · bytes(sig)
//!   ```
//! * A hash is SHA-256 over everything after the signature section (all other sections,
//!   exactly as stored). The signed message is
//!   `"wasmsig" ‖ 0x01 ‖ 0x01 ‖ 0x01 ‖ hash₁ ‖ … ‖ hashₙ` (all hashes of the set).
//!
//! This crate only does **whole-module** verification: a signature counts only if its set
//! contains the SHA-256 of everything after the signature section, so appending, removing or
//! changing any section afterwards voids it. Signatures use `verify_strict`. Several signers
//! may sign one module ([`sign`] adds to the existing section). The key id stored with our
//! signatures is the 32-byte SHA-256 of the raw public key (see [`crate::keys::KeyId`]); key
//! ids are only hints: every allowed key is tried against every signature.

use std::collections::BTreeSet;

use sha2::{Digest as _, Sha256};

use crate::error::{PluginVerificationError, Result, TrustError};
use crate::keys::{KeyId, PrivateKey, PublicKey};

const MODULE_HEADER: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const COMPONENT_HEADER: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
/// Name of the custom section holding signatures.
pub const SIGNATURE_SECTION: &str = "signature";
const DOMAIN: &[u8] = b"wasmsig";
const SPEC_VERSION: u8 = 0x01;
const CONTENT_TYPE_MODULE: u8 = 0x01;
const HASH_SHA256: u8 = 0x01;
const ALG_ED25519: u8 = 0x01;
const MAX_HASHES: usize = 64;
const MAX_SIGNATURES: usize = 256;

/// A byte cursor with LEB128 readers.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(b)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.rest.split_at_checked(n)?;
        self.rest = rest;
        Some(head)
    }

    /// One byte below 0x80 (what wasmsign2 calls `get7`).
    fn u7(&mut self) -> Option<u8> {
        self.byte().filter(|b| b & 0x80 == 0)
    }

    fn u32(&mut self) -> Option<u32> {
        let mut v: u32 = 0;
        for i in 0..5u32 {
            let b = self.byte()?;
            let bits = u32::from(b & 0x7f);
            if i == 4 && bits > 0x0f {
                return None;
            }
            v |= bits << (i * 7);
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn len(&mut self) -> Option<usize> {
        self.u32().and_then(|n| usize::try_from(n).ok())
    }

    fn slice(&mut self) -> Option<&'a [u8]> {
        let n = self.len()?;
        self.take(n)
    }
}

fn put_leb(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = u8::try_from(v & 0x7f).unwrap_or(0);
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn put_slice(out: &mut Vec<u8>, bytes: &[u8]) {
    put_leb(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// One section of a module, as stored.
struct Section<'a> {
    /// Custom section name (`None` for standard sections).
    custom_name: Option<&'a str>,
    /// Section content after the custom section's name.
    payload: &'a [u8],
    /// Offset of the byte following this section.
    end: usize,
}

/// Parses the header and the section framing of a module or component.
fn sections<'a>(plugin: &str, module: &'a [u8]) -> Result<Vec<Section<'a>>> {
    let malformed = |reason: &str| {
        TrustError::Plugin(PluginVerificationError::Malformed {
            plugin: plugin.to_owned(),
            reason: reason.to_owned(),
        })
    };
    let (header, body) = module
        .split_at_checked(8)
        .ok_or_else(|| malformed("shorter than the WebAssembly header"))?;
    if header != MODULE_HEADER && header != COMPONENT_HEADER {
        return Err(malformed("not a WebAssembly module or component header"));
    }
    let mut r = Reader::new(body);
    let mut out = Vec::new();
    while !r.is_empty() {
        let id = r.u7().ok_or_else(|| malformed("bad section id"))?;
        let content = r.slice().ok_or_else(|| malformed("truncated section"))?;
        let end = module.len() - r.rest.len();
        if id == 0 {
            let mut c = Reader::new(content);
            let name = c
                .slice()
                .ok_or_else(|| malformed("truncated custom section name"))?;
            let name = std::str::from_utf8(name)
                .map_err(|_| malformed("custom section name is not UTF-8"))?;
            out.push(Section {
                custom_name: Some(name),
                payload: c.rest,
                end,
            });
        } else {
            out.push(Section {
                custom_name: None,
                payload: content,
                end,
            });
        }
    }
    Ok(out)
}

/// One signature of a signed-hashes set.
#[derive(Clone)]
struct SigEntry {
    key_id: Vec<u8>,
    alg_id: u8,
    sig: Vec<u8>,
}

/// A set of hashes and the signatures over them.
#[derive(Clone)]
struct SignedHashes {
    hashes: Vec<[u8; 32]>,
    signatures: Vec<SigEntry>,
}

fn parse_signature_data(plugin: &str, payload: &[u8]) -> Result<Vec<SignedHashes>> {
    let malformed = |reason: &str| {
        TrustError::Plugin(PluginVerificationError::Malformed {
            plugin: plugin.to_owned(),
            reason: format!("signature section: {reason}"),
        })
    };
    let mut r = Reader::new(payload);
    if r.u7() != Some(SPEC_VERSION) {
        return Err(malformed("unsupported specification version"));
    }
    if r.u7() != Some(CONTENT_TYPE_MODULE) {
        return Err(malformed("unsupported content type"));
    }
    if r.u7() != Some(HASH_SHA256) {
        return Err(malformed("unsupported hash function"));
    }
    let count = r.len().ok_or_else(|| malformed("truncated"))?;
    if count > MAX_HASHES {
        return Err(malformed("too many signed hash sets"));
    }
    let mut sets = Vec::with_capacity(count);
    for _ in 0..count {
        let set = r.slice().ok_or_else(|| malformed("truncated hash set"))?;
        let mut s = Reader::new(set);
        let n = s.len().ok_or_else(|| malformed("truncated hash set"))?;
        if n > MAX_HASHES {
            return Err(malformed("too many hashes"));
        }
        let mut hashes = Vec::with_capacity(n);
        for _ in 0..n {
            let h = s
                .take(32)
                .and_then(|h| <[u8; 32]>::try_from(h).ok())
                .ok_or_else(|| malformed("truncated hash"))?;
            hashes.push(h);
        }
        let n = s.len().ok_or_else(|| malformed("truncated signatures"))?;
        if n > MAX_SIGNATURES {
            return Err(malformed("too many signatures"));
        }
        let mut signatures = Vec::with_capacity(n);
        for _ in 0..n {
            let entry = s.slice().ok_or_else(|| malformed("truncated signature"))?;
            let mut e = Reader::new(entry);
            let key_id = e.slice().ok_or_else(|| malformed("truncated key id"))?;
            let alg_id = e.byte().ok_or_else(|| malformed("truncated algorithm"))?;
            let sig = e.slice().ok_or_else(|| malformed("truncated signature"))?;
            if !e.is_empty() {
                return Err(malformed("trailing bytes in a signature"));
            }
            signatures.push(SigEntry {
                key_id: key_id.to_vec(),
                alg_id,
                sig: sig.to_vec(),
            });
        }
        if !s.is_empty() {
            return Err(malformed("trailing bytes in a hash set"));
        }
        sets.push(SignedHashes { hashes, signatures });
    }
    if !r.is_empty() {
        return Err(malformed("trailing bytes"));
    }
    Ok(sets)
}

fn serialize_signature_data(sets: &[SignedHashes]) -> Vec<u8> {
    let mut out = vec![SPEC_VERSION, CONTENT_TYPE_MODULE, HASH_SHA256];
    put_leb(&mut out, sets.len() as u64);
    for set in sets {
        let mut s = Vec::new();
        put_leb(&mut s, set.hashes.len() as u64);
        for h in &set.hashes {
            s.extend_from_slice(h);
        }
        put_leb(&mut s, set.signatures.len() as u64);
        for sig in &set.signatures {
            let mut e = Vec::new();
            put_slice(&mut e, &sig.key_id);
            e.push(sig.alg_id);
            put_slice(&mut e, &sig.sig);
            put_slice(&mut s, &e);
        }
        put_slice(&mut out, &s);
    }
    out
}

fn signed_message(hashes: &[[u8; 32]]) -> Vec<u8> {
    let mut msg = Vec::with_capacity(DOMAIN.len() + 3 + 32 * hashes.len());
    msg.extend_from_slice(DOMAIN);
    msg.extend_from_slice(&[SPEC_VERSION, CONTENT_TYPE_MODULE, HASH_SHA256]);
    for h in hashes {
        msg.extend_from_slice(h);
    }
    msg
}

/// The module split around its signature section.
struct Split<'a> {
    /// The 8-byte header.
    header: &'a [u8],
    /// Parsed signature sets (empty when unsigned).
    sets: Option<Vec<SignedHashes>>,
    /// Everything after the signature section (or after the header if none).
    rest: &'a [u8],
}

fn split<'a>(plugin: &str, module: &'a [u8]) -> Result<Split<'a>> {
    let secs = sections(plugin, module)?;
    let is_sig = |s: &Section<'_>| s.custom_name == Some(SIGNATURE_SECTION);
    let (header, _) = module.split_at_checked(8).unwrap_or((module, &[]));
    match secs.split_first() {
        Some((first, others)) if is_sig(first) => {
            if others.iter().any(is_sig) {
                return Err(TrustError::Plugin(
                    PluginVerificationError::SignatureSectionNotFirst {
                        plugin: plugin.to_owned(),
                    },
                ));
            }
            let rest = module.get(first.end..).unwrap_or_default();
            Ok(Split {
                header,
                sets: Some(parse_signature_data(plugin, first.payload)?),
                rest,
            })
        }
        _ => {
            if secs.iter().any(is_sig) {
                return Err(TrustError::Plugin(
                    PluginVerificationError::SignatureSectionNotFirst {
                        plugin: plugin.to_owned(),
                    },
                ));
            }
            Ok(Split {
                header,
                sets: None,
                rest: module.get(8..).unwrap_or_default(),
            })
        }
    }
}

/// Adds an Ed25519 signature by `key` over the whole module (or component) and returns the
/// signed module. Existing signatures over the same content are kept (several signers);
/// signatures over other content are dropped. Signing twice with one key is a no-op.
///
/// Fails if the module is malformed or has a `signature` section that is not first.
pub fn sign(module: &[u8], key: &PrivateKey) -> Result<Vec<u8>> {
    let label = "module to sign";
    let parts = split(label, module)?;
    let hash: [u8; 32] = Sha256::digest(parts.rest).into();
    let mut sets: Vec<SignedHashes> = parts
        .sets
        .unwrap_or_default()
        .into_iter()
        .filter(|s| s.hashes.contains(&hash))
        .collect();
    let entry = SigEntry {
        key_id: key.key_id().as_bytes().to_vec(),
        alg_id: ALG_ED25519,
        sig: key.sign(&signed_message(&[hash])).to_vec(),
    };
    match sets.iter_mut().find(|s| s.hashes == [hash]) {
        Some(set) => {
            if !set
                .signatures
                .iter()
                .any(|s| s.key_id == entry.key_id && s.sig == entry.sig)
            {
                if set.signatures.len() >= MAX_SIGNATURES {
                    return Err(TrustError::Plugin(PluginVerificationError::Malformed {
                        plugin: label.into(),
                        reason: "too many signatures".into(),
                    }));
                }
                set.signatures.push(entry);
            }
        }
        None => sets.push(SignedHashes {
            hashes: vec![hash],
            signatures: vec![entry],
        }),
    }
    let data = serialize_signature_data(&sets);
    let mut content = Vec::new();
    put_slice(&mut content, SIGNATURE_SECTION.as_bytes());
    content.extend_from_slice(&data);
    let mut out = Vec::with_capacity(module.len() + content.len() + 16);
    out.extend_from_slice(parts.header);
    out.push(0);
    put_slice(&mut out, &content);
    out.extend_from_slice(parts.rest);
    Ok(out)
}

/// What the signature section says about a set of candidate keys.
struct Findings {
    /// Candidates with a valid signature covering the whole module.
    whole: BTreeSet<KeyId>,
    /// Candidates with a valid signature over other content only.
    other: BTreeSet<KeyId>,
    /// Key id hints stored with the signatures (hex).
    hints: Vec<String>,
}

fn examine(plugin: &str, module: &[u8], candidates: &[PublicKey]) -> Result<Findings> {
    let parts = split(plugin, module)?;
    let Some(sets) = parts.sets else {
        return Err(TrustError::Plugin(PluginVerificationError::Unsigned {
            plugin: plugin.to_owned(),
        }));
    };
    let hash: [u8; 32] = Sha256::digest(parts.rest).into();
    let mut findings = Findings {
        whole: BTreeSet::new(),
        other: BTreeSet::new(),
        hints: Vec::new(),
    };
    for set in &sets {
        let msg = signed_message(&set.hashes);
        let covers = set.hashes.contains(&hash);
        for entry in &set.signatures {
            if !entry.key_id.is_empty() {
                findings.hints.push(hex::encode(&entry.key_id));
            }
            if entry.alg_id != ALG_ED25519 {
                continue;
            }
            let Ok(sig) = <[u8; 64]>::try_from(entry.sig.as_slice()) else {
                continue;
            };
            for key in candidates {
                if key.verify_strict(&msg, &sig) {
                    if covers {
                        findings.whole.insert(key.key_id());
                    } else {
                        findings.other.insert(key.key_id());
                    }
                }
            }
        }
    }
    Ok(findings)
}

/// The keys among `candidates` whose signature covers the whole module (possibly none).
///
/// Fails only if the module is malformed, unsigned, or its signature section is not first.
/// `plugin` names the module in errors.
pub fn signers(plugin: &str, module: &[u8], candidates: &[PublicKey]) -> Result<Vec<KeyId>> {
    Ok(examine(plugin, module, candidates)?
        .whole
        .into_iter()
        .collect())
}

/// Verifies that at least one key of `allowed` signed the whole module; returns every
/// allowed key that did. `plugin` names the module in errors.
///
/// Errors: [`PluginVerificationError::Unsigned`], [`PluginVerificationError::SignatureSectionNotFirst`],
/// [`PluginVerificationError::ModifiedAfterSigning`] (an allowed key signed other content, e.g.
/// before a section was appended), [`PluginVerificationError::SignerNotAllowed`],
/// [`PluginVerificationError::Malformed`].
pub fn verify(plugin: &str, module: &[u8], allowed: &[PublicKey]) -> Result<Vec<KeyId>> {
    let findings = examine(plugin, module, allowed)?;
    if !findings.whole.is_empty() {
        return Ok(findings.whole.into_iter().collect());
    }
    if !findings.other.is_empty() {
        return Err(TrustError::Plugin(
            PluginVerificationError::ModifiedAfterSigning {
                plugin: plugin.to_owned(),
                key_ids: findings.other.iter().map(KeyId::to_hex).collect(),
            },
        ));
    }
    Err(TrustError::Plugin(
        PluginVerificationError::SignerNotAllowed {
            plugin: plugin.to_owned(),
            key_id_hints: findings.hints,
        },
    ))
}
