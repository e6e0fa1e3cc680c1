//! Anti-rollback state: the highest bundle version accepted, per bundle name.
//!
//! The state file is a small JSON object mapping each bundle name to the last accepted
//! version, the SHA-256 (lowercase hex) of that version's `bundle.json`, and when it was
//! accepted:
//!
//! ```json
//! {
//!   "nhs-baseline": {"version": 7, "digest": "3f0c…", "accepted_at": "2026-03-01T09:00:00Z"}
//! }
//! ```
//!
//! A bundle is refused if its version is lower than the recorded one
//! ([`FreshnessError::Rollback`]), or equal with a different digest
//! ([`FreshnessError::VersionContentChanged`]). A successful verification records a higher
//! version. A state file that cannot be parsed is an error, never silently reset.
//!
//! Several checks may share one state file at once. [`State::save`] takes an exclusive lock
//! (on `<state>.lock` beside it), re-reads the file and merges: a version another writer
//! recorded meanwhile is kept, and a bundle this process accepted that is now below (or the
//! same version as, with other content) what the file holds is refused as a rollback — so the
//! highest accepted version is never lost. The write is atomic (temporary file in the same
//! folder, `fsync`, rename). A state path that is a symbolic link is followed, for reading,
//! locking and writing alike: the rename replaces the file the link names, never the link
//! (which would silently fork the state); a link that leads nowhere is refused.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::{FreshnessError, Result, TrustError, io_err};
use crate::json::{StrictJsonError, parse_strict};

/// What was last accepted for one bundle name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateEntry {
    /// The highest accepted version.
    pub version: u64,
    /// SHA-256 (lowercase hex) of that version's `bundle.json`.
    pub digest: String,
    /// When it was accepted (RFC 3339).
    #[serde(with = "crate::rfc3339")]
    pub accepted_at: Timestamp,
}

/// Anti-rollback state, optionally backed by a file.
#[derive(Debug, Clone, Default)]
pub struct State {
    path: Option<PathBuf>,
    entries: BTreeMap<String, StateEntry>,
    /// The names [`State::record`] raised in this process, which
    /// [`State::save`] merges into the file.
    recorded: BTreeSet<String>,
}

impl State {
    /// State that lives only in memory (nothing is persisted).
    #[must_use]
    pub fn in_memory() -> Self {
        Self::default()
    }

    /// Loads the state file at `path`; a missing file is an empty state. Later
    /// [`State::record`]s write back to `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let path = resolve(path)?;
        let entries = read_entries(&path)?;
        Ok(Self {
            path: Some(path),
            entries,
            recorded: BTreeSet::new(),
        })
    }

    /// The file backing this state, if any.
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// What was last accepted for `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&StateEntry> {
        self.entries.get(name)
    }

    /// All entries, by bundle name.
    #[must_use]
    pub fn entries(&self) -> &BTreeMap<String, StateEntry> {
        &self.entries
    }

    /// Refuses a rollback: `version` lower than recorded, or equal with another digest.
    pub fn check(&self, name: &str, version: u64, digest: &str) -> Result<()> {
        let Some(entry) = self.entries.get(name) else {
            return Ok(());
        };
        if version < entry.version {
            return Err(TrustError::Freshness(FreshnessError::Rollback {
                name: name.to_owned(),
                version,
                recorded: entry.version,
            }));
        }
        if version == entry.version && digest != entry.digest {
            return Err(TrustError::Freshness(
                FreshnessError::VersionContentChanged {
                    name: name.to_owned(),
                    version,
                    digest: digest.to_owned(),
                    recorded: entry.digest.clone(),
                },
            ));
        }
        Ok(())
    }

    /// Checks, then records `version` as accepted at `now` if it is higher than the recorded
    /// one — in memory: the caller [`State::save`]s once it has used the bundle, so that
    /// merely verifying one (or verifying one that then fails to load) changes nothing.
    pub fn record(&mut self, name: &str, version: u64, digest: &str, now: Timestamp) -> Result<()> {
        self.check(name, version, digest)?;
        if self.entries.get(name).is_some_and(|e| e.version == version) {
            return Ok(());
        }
        self.entries.insert(
            name.to_owned(),
            StateEntry {
                version,
                digest: digest.to_owned(),
                accepted_at: now,
            },
        );
        self.recorded.insert(name.to_owned());
        Ok(())
    }

    /// Writes the versions recorded in this process to the state file (if any): under an
    /// exclusive lock, re-reads the file, merges (keeping what other writers recorded
    /// meanwhile), then temporary file, `fsync`, rename. A version recorded here that the
    /// file has since moved past is refused ([`FreshnessError::Rollback`] or
    /// [`FreshnessError::VersionContentChanged`]), and nothing is written.
    pub fn save(&mut self) -> Result<()> {
        let Some(path) = self.path.clone() else {
            return Ok(());
        };
        if self.recorded.is_empty() {
            return Ok(());
        }
        let dir = parent_of(&path);
        std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let lock_path = lock_path(&path);
        let lock = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(io_err(&lock_path))?;
        lock.lock().map_err(io_err(&lock_path))?;
        let result = self.merge_and_write(&path);
        // Dropping the file releases the lock; say so explicitly.
        let _ = lock.unlock();
        result
    }

    /// Under the lock: the file as it is now, with this process's versions merged in.
    fn merge_and_write(&mut self, path: &Path) -> Result<()> {
        let mut merged = read_entries(path)?;
        let on_disk = Self {
            path: None,
            entries: merged.clone(),
            recorded: BTreeSet::new(),
        };
        for name in &self.recorded {
            let Some(ours) = self.entries.get(name) else {
                continue;
            };
            on_disk.check(name, ours.version, &ours.digest)?;
            if merged.get(name).is_none_or(|e| e.version < ours.version) {
                merged.insert(name.clone(), ours.clone());
            }
        }
        let mut bytes = serde_json::to_vec_pretty(&merged).map_err(|e| {
            TrustError::Freshness(FreshnessError::StateCorrupt {
                path: path.to_owned(),
                reason: e.to_string(),
            })
        })?;
        bytes.push(b'\n');
        write_atomically(path, &bytes)?;
        self.entries = merged;
        self.recorded.clear();
        Ok(())
    }
}

/// The state file `path` names: a symbolic link is followed to the file it names (so every
/// writer shares one file); a link that leads nowhere is refused.
fn resolve(path: &Path) -> Result<PathBuf> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => match path.canonicalize() {
            Ok(real) => Ok(real),
            Err(e) => Err(TrustError::Freshness(FreshnessError::StateCorrupt {
                path: path.to_owned(),
                reason: format!(
                    "is a symbolic link that cannot be followed ({e}): point it at an existing \
                     state file, or remove it"
                ),
            })),
        },
        _ => Ok(path.to_owned()),
    }
}

/// The entries in the state file at `path`; none when it does not exist.
fn read_entries(path: &Path) -> Result<BTreeMap<String, StateEntry>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(io_err(path)(e)),
    };
    let corrupt = |reason: String| {
        TrustError::Freshness(FreshnessError::StateCorrupt {
            path: path.to_owned(),
            reason,
        })
    };
    let value = parse_strict(&bytes).map_err(|e| match e {
        StrictJsonError::DuplicateKey(p) => corrupt(format!("duplicate key at {p}")),
        StrictJsonError::Syntax(s) => corrupt(s),
    })?;
    serde_json::from_value(value).map_err(|e| corrupt(e.to_string()))
}

/// The folder holding `path` (`.` for a bare name).
fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// The lock file beside the state file.
fn lock_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(std::ffi::OsStr::to_os_string)
        .unwrap_or_else(|| "state".into());
    name.push(".lock");
    path.with_file_name(name)
}

/// Writes `bytes` to `path` via a temporary file in the same folder and a rename.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = parent_of(path);
    std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".into());
    let nonce = Timestamp::now().as_nanosecond();
    let tmp = dir.join(format!(".{file_name}.{}.{nonce}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(io_err(&tmp))?;
        f.write_all(bytes).map_err(io_err(&tmp))?;
        f.sync_all().map_err(io_err(&tmp))?;
        drop(f);
        std::fs::rename(&tmp, path).map_err(io_err(path))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    } else if let Ok(d) = std::fs::File::open(&dir) {
        // Persist the rename; best effort (not supported everywhere).
        let _ = d.sync_all();
    }
    result
}
