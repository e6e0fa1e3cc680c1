//! The facts cache: what a plugin extracted from a document, kept so that a
//! decision made again — after new reference data, a new bundle, a waiver or
//! simply a later date — runs only the join and Cedar, never the plugins.
//!
//! An entry is keyed by everything the extraction depends on: the contract
//! the host speaks, this engine's version, the plugin's SHA-256, and the
//! document's SHA-256, path and media type. It holds the plugin's answer
//! (its facts, or its refusal of the document; a call stopped by a limit or
//! a fault is never kept) as JSON, headed by the SHA-256 of that JSON. An
//! entry whose header does not name its key, or whose body does not match
//! its digest or does not parse, is discarded and the plugin runs again.
//!
//! Where entries live is the caller's: [`MemoryFacts`] (the service loads
//! entries from its database into one), [`DiskFacts`] (the CLI's, a private
//! directory beside the compiled-code cache).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::plugin::{CallError, Extraction, Location};

/// The entry format, first on an entry's header line.
const FORMAT: &str = "assure-facts/1";

/// Where facts are kept. Implementations store bytes; the engine checks them.
pub trait FactsStore: Send + Sync + std::fmt::Debug {
    /// The entry under `key`, if there is one.
    fn get(&self, key: &str) -> Option<Vec<u8>>;
    /// Keeps `entry` under `key`.
    fn put(&self, key: &str, entry: &[u8]);
    /// Forgets `key` (its entry did not verify).
    fn discard(&self, key: &str);
    /// Counts a use of an entry (`hit`) or a plugin run for want of one.
    fn count(&self, hit: bool);
}

/// The key of one plugin's extraction from one document.
pub fn key(plugin_sha256: &str, document_sha256: &str, path: &str, media_type: &str) -> String {
    let mut h = Sha256::new();
    for part in [
        FORMAT,
        crate::plugin::CONTRACT,
        env!("CARGO_PKG_VERSION"),
        plugin_sha256,
        document_sha256,
        path,
        media_type,
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize())
}

/// What a plugin answered, as kept.
#[derive(Serialize, Deserialize)]
enum Answer {
    Facts(Extraction),
    Refused { message: String, location: Location },
}

/// The entry for a call's outcome, or `None` for an outcome that is not
/// kept (a limit or a fault).
pub(crate) fn encode(key: &str, outcome: &Result<Extraction, CallError>) -> Option<Vec<u8>> {
    let answer = match outcome {
        Ok(extraction) => Answer::Facts(extraction.clone()),
        Err(CallError::Rejected { message, location }) => Answer::Refused {
            message: message.clone(),
            location: location.clone(),
        },
        Err(CallError::Limit(_) | CallError::Fault(_)) => return None,
    };
    let body = serde_json::to_vec(&answer).ok()?;
    let mut entry = format!("{FORMAT} {key} {}\n", hex::encode(Sha256::digest(&body))).into_bytes();
    entry.extend_from_slice(&body);
    Some(entry)
}

/// The outcome an entry holds, if it is the entry for `key` and verifies.
pub(crate) fn decode(key: &str, entry: &[u8]) -> Option<Result<Extraction, CallError>> {
    let newline = entry.iter().position(|&b| b == b'\n')?;
    let header = std::str::from_utf8(entry.get(..newline)?).ok()?;
    let body = entry.get(newline + 1..)?;
    let mut parts = header.split(' ');
    if parts.next()? != FORMAT || parts.next()? != key {
        return None;
    }
    if parts.next()? != hex::encode(Sha256::digest(body)) || parts.next().is_some() {
        return None;
    }
    match serde_json::from_slice(body).ok()? {
        Answer::Facts(extraction) => Some(Ok(extraction)),
        Answer::Refused { message, location } => {
            Some(Err(CallError::Rejected { message, location }))
        }
    }
}

/// How a facts store was used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FactsStats {
    /// Extractions taken from the store.
    pub hits: usize,
    /// Plugin runs for want of an entry.
    pub misses: usize,
}

#[derive(Debug, Default)]
struct Counters {
    hits: AtomicUsize,
    misses: AtomicUsize,
}

impl Counters {
    fn count(&self, hit: bool) {
        let c = if hit { &self.hits } else { &self.misses };
        c.fetch_add(1, Ordering::Relaxed);
    }
    fn stats(&self) -> FactsStats {
        FactsStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }
}

/// Entries in memory; the service fills one from its database before a
/// check and stores what [`MemoryFacts::written`] lists after it.
#[derive(Debug, Default)]
pub struct MemoryFacts {
    entries: Mutex<BTreeMap<String, Vec<u8>>>,
    written: Mutex<Vec<String>>,
    discarded: Mutex<Vec<String>>,
    counters: Counters,
}

impl MemoryFacts {
    /// A store holding `entries`.
    pub fn with(entries: impl IntoIterator<Item = (String, Vec<u8>)>) -> Self {
        Self {
            entries: Mutex::new(entries.into_iter().collect()),
            ..Self::default()
        }
    }

    /// The entries put since it was made, in key order.
    pub fn written(&self) -> Vec<(String, Vec<u8>)> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        let keys: std::collections::BTreeSet<&String> = written.iter().collect();
        keys.into_iter()
            .filter_map(|k| entries.get(k).map(|e| (k.clone(), e.clone())))
            .collect()
    }

    /// The keys whose entries did not verify.
    pub fn discarded(&self) -> Vec<String> {
        self.discarded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// How it was used.
    pub fn stats(&self) -> FactsStats {
        self.counters.stats()
    }
}

impl FactsStore for MemoryFacts {
    fn get(&self, key: &str) -> Option<Vec<u8>> {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned()
    }
    fn put(&self, key: &str, entry: &[u8]) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.to_owned(), entry.to_vec());
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(key.to_owned());
    }
    fn discard(&self, key: &str) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
        self.discarded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(key.to_owned());
    }
    fn count(&self, hit: bool) {
        self.counters.count(hit);
    }
}

/// Entries as files in a private directory (`<cache dir>/facts/`), written
/// atomically, one per key.
#[derive(Debug)]
pub struct DiskFacts {
    dir: PathBuf,
    counters: Counters,
}

impl DiskFacts {
    /// Opens (creating it private if needed) the facts directory inside the
    /// compiled-code cache `cache`; refused on the same grounds as it.
    pub fn open(cache: &crate::CodeCache) -> Result<Self, crate::codecache::CodeCacheError> {
        let dir = cache.dir().join("facts");
        crate::codecache::CodeCache::open(&dir)?;
        Ok(Self {
            dir,
            counters: Counters::default(),
        })
    }

    fn path(&self, key: &str) -> Option<PathBuf> {
        // Keys are hex: never a path of their own.
        key.bytes()
            .all(|b| b.is_ascii_hexdigit())
            .then(|| self.dir.join(key))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// How it was used.
    pub fn stats(&self) -> FactsStats {
        self.counters.stats()
    }
}

impl FactsStore for DiskFacts {
    fn get(&self, key: &str) -> Option<Vec<u8>> {
        std::fs::read(self.path(key)?).ok()
    }
    fn put(&self, key: &str, entry: &[u8]) {
        if self.path(key).is_some() {
            // A cache: an entry that cannot be written is made again next time.
            let _ = crate::codecache::write_atomic(&self.dir, key, entry);
        }
    }
    fn discard(&self, key: &str) {
        if let Some(path) = self.path(key) {
            let _ = std::fs::remove_file(path);
        }
    }
    fn count(&self, hit: bool) {
        self.counters.count(hit);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::plugin::{Fact, Value};

    fn extraction() -> Extraction {
        Extraction {
            facts: vec![Fact {
                path: "sbom.format".into(),
                value: Value::Text("CycloneDX".into()),
                location: Location::Pointer("/bomFormat".into()),
            }],
            entities: Vec::new(),
            notes: Vec::new(),
        }
    }

    #[test]
    fn an_entry_gives_back_what_was_kept() {
        let key = key("aa", "bb", "sbom.json", "application/vnd.cyclonedx+json");
        let entry = encode(&key, &Ok(extraction())).unwrap();
        assert_eq!(decode(&key, &entry).unwrap().unwrap(), extraction());
        let refused: Result<Extraction, CallError> = Err(CallError::Rejected {
            message: "not CycloneDX".into(),
            location: Location::Line(3),
        });
        let entry = encode(&key, &refused).unwrap();
        assert!(matches!(
            decode(&key, &entry).unwrap(),
            Err(CallError::Rejected { message, .. }) if message == "not CycloneDX"
        ));
        assert!(encode(&key, &Err(CallError::Limit("fuel".into()))).is_none());
    }

    #[test]
    fn an_entry_that_does_not_verify_is_not_used() {
        let key = key("aa", "bb", "sbom.json", "application/json");
        let entry = encode(&key, &Ok(extraction())).unwrap();
        // Another key's entry.
        let other = super::key("aa", "cc", "sbom.json", "application/json");
        assert!(decode(&other, &entry).is_none());
        // A fact changed after the digest was taken.
        let text = String::from_utf8(entry.clone()).unwrap();
        let forged = text.replace("CycloneDX", "CycloneDY");
        assert!(decode(&key, forged.as_bytes()).is_none());
        // Truncated.
        assert!(decode(&key, entry.get(..entry.len() - 3).unwrap()).is_none());
        assert!(decode(&key, b"").is_none());
    }
}
