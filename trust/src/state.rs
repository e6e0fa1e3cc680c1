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
//! ([`TrustError::Rollback`]), or equal with a different digest
//! ([`TrustError::VersionContentChanged`]). A successful verification records a higher
//! version. Writes are atomic (temporary file in the same folder, `fsync`, rename). A state
//! file that cannot be parsed is an error, never silently reset. Concurrent writers are not
//! locked against each other: the last rename wins (each only ever raises versions it saw).

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::{Result, TrustError, io_err};
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
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self {
                    path: Some(path.to_owned()),
                    entries: BTreeMap::new(),
                });
            }
            Err(e) => return Err(io_err(path)(e)),
        };
        let corrupt = |reason: String| TrustError::StateCorrupt {
            path: path.to_owned(),
            reason,
        };
        let value = parse_strict(&bytes).map_err(|e| match e {
            StrictJsonError::DuplicateKey(p) => corrupt(format!("duplicate key at {p}")),
            StrictJsonError::Syntax(s) => corrupt(s),
        })?;
        let entries = serde_json::from_value(value).map_err(|e| corrupt(e.to_string()))?;
        Ok(Self {
            path: Some(path.to_owned()),
            entries,
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
            return Err(TrustError::Rollback {
                name: name.to_owned(),
                version,
                recorded: entry.version,
            });
        }
        if version == entry.version && digest != entry.digest {
            return Err(TrustError::VersionContentChanged {
                name: name.to_owned(),
                version,
                digest: digest.to_owned(),
                recorded: entry.digest.clone(),
            });
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
        Ok(())
    }

    /// Writes the state to its file (if any): temporary file, `fsync`, rename.
    pub fn save(&self) -> Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let mut bytes =
            serde_json::to_vec_pretty(&self.entries).map_err(|e| TrustError::StateCorrupt {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        bytes.push(b'\n');
        write_atomically(path, &bytes)
    }
}

/// Writes `bytes` to `path` via a temporary file in the same folder and a rename.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
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
