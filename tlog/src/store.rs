//! Building the tree and proving over stored hashes that the caller keeps.
//!
//! The log is stored as Go sumdb's *stored hashes* (`golang.org/x/mod/sumdb/tlog`): each
//! entry `n` adds the hashes returned by [`hashes_to_store`], at consecutive stored-hash
//! indexes from `stored_hash_index(0, n)`; roots and proofs are computed from them. A
//! service keeps them in a table keyed by index, and these functions never touch it: each
//! is given a [`HashCache`] and, when hashes it needs are not there, returns
//! [`LogError::Missing`] listing their indexes. The caller reads those from its store
//! into the cache and calls again, until the call succeeds (each function asks once, so
//! one round is enough when the cache starts empty):
//!
//! ```
//! # use assure_tlog::{HashCache, LogError, tree_root};
//! # use std::collections::BTreeMap;
//! # fn fetch(_: &[u64]) -> BTreeMap<u64, assure_tlog::Hash> { BTreeMap::new() }
//! let mut cache = HashCache::new();
//! let root = loop {
//!     match tree_root(0, &cache) {
//!         Err(LogError::Missing(indexes)) => cache.extend(fetch(&indexes)),
//!         other => break other?,
//!     }
//! };
//! # Ok::<(), LogError>(())
//! ```

use std::cell::RefCell;
use std::collections::BTreeMap;

use tlog_tiles::{HashReader, stored_hash_index};

use crate::Hash;
use crate::entry::Entry;
use crate::error::{LogError, Result};

/// Stored hashes at hand, by stored-hash index.
pub type HashCache = BTreeMap<u64, Hash>;

/// The largest log these functions build or prove over (2⁶²): far past any real log, and
/// low enough that no stored-hash index overflows.
pub const MAX_LOG_SIZE: u64 = 1 << 62;

/// Reads from the cache; records what is missing instead of failing blindly.
struct CacheReader<'a> {
    cache: &'a HashCache,
    missing: RefCell<Vec<u64>>,
}

impl HashReader for CacheReader<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> std::result::Result<Vec<Hash>, tlog_tiles::Error> {
        let mut found = Vec::with_capacity(indexes.len());
        let mut missing = Vec::new();
        for index in indexes {
            match self.cache.get(index) {
                Some(hash) => found.push(*hash),
                None => missing.push(*index),
            }
        }
        if missing.is_empty() {
            Ok(found)
        } else {
            self.missing.replace(missing);
            Err(tlog_tiles::Error::IndexesNotInTree)
        }
    }
}

/// Runs `f` over the cache, turning a read of absent hashes into [`LogError::Missing`].
fn with_cache<T>(
    cache: &HashCache,
    f: impl FnOnce(&CacheReader<'_>) -> std::result::Result<T, tlog_tiles::Error>,
) -> Result<T> {
    let reader = CacheReader {
        cache,
        missing: RefCell::new(Vec::new()),
    };
    let result = f(&reader);
    let mut missing = reader.missing.into_inner();
    match result {
        Ok(value) => Ok(value),
        Err(_) if !missing.is_empty() => {
            missing.sort_unstable();
            missing.dedup();
            Err(LogError::Missing(missing))
        }
        Err(e) => Err(LogError::Internal(e.to_string())),
    }
}

fn check_size(size: u64) -> Result<()> {
    if size > MAX_LOG_SIZE {
        return Err(LogError::Range {
            reason: format!("a log of size {size} is larger than the {MAX_LOG_SIZE} supported"),
        });
    }
    Ok(())
}

/// The RFC 6962 leaf hash of an entry's bytes: `SHA-256(0x00 ‖ bytes)`.
#[must_use]
pub fn entry_hash(entry: &[u8]) -> Hash {
    tlog_tiles::record_hash(entry)
}

/// The stored hashes to write when appending entry `n` (0-based; the log holds `n`
/// entries before): `(stored-hash index, hash)`, at most `1 + log₂ n` of them. Needs up
/// to `log₂ n` earlier stored hashes.
///
/// # Errors
///
/// [`LogError::Missing`], or [`LogError::Range`] past [`MAX_LOG_SIZE`].
pub fn hashes_to_store(n: u64, entry: &[u8], cache: &HashCache) -> Result<Vec<(u64, Hash)>> {
    check_size(n.saturating_add(1))?;
    let hashes = with_cache(cache, |r| tlog_tiles::stored_hashes(n, entry, r))?;
    let first = stored_hash_index(0, n);
    Ok((first..).zip(hashes).collect())
}

/// The RFC 6962 root hash of the first `size` entries (the empty tree's is `SHA-256("")`).
///
/// # Errors
///
/// [`LogError::Missing`], or [`LogError::Range`] past [`MAX_LOG_SIZE`].
pub fn tree_root(size: u64, cache: &HashCache) -> Result<Hash> {
    check_size(size)?;
    with_cache(cache, |r| tlog_tiles::tree_hash(size, r))
}

/// The RFC 6962 inclusion proof (audit path) of entry `index` in the tree of `size`.
///
/// # Errors
///
/// [`LogError::Missing`], or [`LogError::Range`] unless `index < size ≤ MAX_LOG_SIZE`.
pub fn prove_inclusion(size: u64, index: u64, cache: &HashCache) -> Result<Vec<Hash>> {
    check_size(size)?;
    if index >= size {
        return Err(LogError::Range {
            reason: format!("entry index {index} is not in a log of size {size}"),
        });
    }
    with_cache(cache, |r| tlog_tiles::prove_record(size, index, r))
}

/// The RFC 6962 consistency proof that the tree of `old_size` is a prefix of the tree of
/// `new_size` (empty when `old_size` is 0 or equals `new_size`).
///
/// # Errors
///
/// [`LogError::Missing`], or [`LogError::Range`] unless `old_size ≤ new_size ≤
/// MAX_LOG_SIZE`.
pub fn prove_consistency(old_size: u64, new_size: u64, cache: &HashCache) -> Result<Vec<Hash>> {
    check_size(new_size)?;
    if old_size > new_size {
        return Err(LogError::Range {
            reason: format!(
                "no consistency proof from size {old_size} to the smaller size {new_size}"
            ),
        });
    }
    if old_size == 0 {
        return Ok(Vec::new());
    }
    with_cache(cache, |r| tlog_tiles::prove_tree(new_size, old_size, r))
}

/// A whole log in memory: for tests, examples and small tools. A service keeps the stored
/// hashes in its database and calls the functions above instead.
#[derive(Debug, Clone, Default)]
pub struct MemoryLog {
    hashes: HashCache,
    size: u64,
}

impl MemoryLog {
    /// An empty log.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// How many entries it holds.
    #[must_use]
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends an entry; returns its index.
    ///
    /// # Errors
    ///
    /// [`LogError::Range`] past [`MAX_LOG_SIZE`].
    pub fn append(&mut self, entry: &Entry) -> Result<u64> {
        self.append_bytes(&entry.to_bytes())
    }

    /// Appends an entry given as bytes; returns its index.
    ///
    /// # Errors
    ///
    /// [`LogError::Range`] past [`MAX_LOG_SIZE`].
    pub fn append_bytes(&mut self, entry: &[u8]) -> Result<u64> {
        let index = self.size;
        let new = hashes_to_store(index, entry, &self.hashes)?;
        self.hashes.extend(new);
        self.size += 1;
        Ok(index)
    }

    /// The root hash of the first `size` entries.
    ///
    /// # Errors
    ///
    /// [`LogError::Range`] if `size` is past the end of the log.
    pub fn root(&self, size: u64) -> Result<Hash> {
        self.check(size)?;
        tree_root(size, &self.hashes)
    }

    /// The inclusion proof of entry `index` in the first `size` entries.
    ///
    /// # Errors
    ///
    /// [`LogError::Range`].
    pub fn prove_inclusion(&self, size: u64, index: u64) -> Result<Vec<Hash>> {
        self.check(size)?;
        prove_inclusion(size, index, &self.hashes)
    }

    /// The consistency proof from the first `old_size` entries to the first `new_size`.
    ///
    /// # Errors
    ///
    /// [`LogError::Range`].
    pub fn prove_consistency(&self, old_size: u64, new_size: u64) -> Result<Vec<Hash>> {
        self.check(new_size)?;
        prove_consistency(old_size, new_size, &self.hashes)
    }

    fn check(&self, size: u64) -> Result<()> {
        if size > self.size {
            return Err(LogError::Range {
                reason: format!("the log holds {} entries, not {size}", self.size),
            });
        }
        Ok(())
    }
}
