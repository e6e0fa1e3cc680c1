//! A bundle's signed manifest (`bundle.json`): every file with its SHA-256,
//! the plugins and the keys allowed to sign them, the version and expiry;
//! and a bundle's files as loaded, before anything is verified.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::Path;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::error::{
    ArchiveError, BundleManifestError, DuplicateJsonKeyError, Result, TrustError, io_err,
};
use crate::json::{StrictJsonError, parse_strict};
use crate::keys::{KeyId, PublicKey};

/// The manifest's file name.
pub const MANIFEST_FILE: &str = "bundle.json";

/// The envelope's file name.
pub const ENVELOPE_FILE: &str = "bundle.json.dsse";

/// The manifest `format` value.
pub const FORMAT: &str = "assure.bundle/v1";

/// Lowercase hex SHA-256.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Limits on an archive (a gzip'd tar: a `.bundle` file, or a submission uploaded as
/// `.tar.gz`) or a bundle folder read by [`load_with_limits`] and [`load_archive`], checked
/// as it is read, before anything in it is verified. Not the engine's limits on plugins or
/// submissions (a caller loading a submission archive derives these from those).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// Most entries (files and folders) in the bundle. Default 10,000.
    pub max_entries: u64,
    /// Largest single file, in bytes. Default 256 MiB.
    pub max_entry_size: u64,
    /// Most bytes in total: the decompressed tar stream for a `.bundle`, the sum of file
    /// sizes for a folder. Default 1 GiB.
    pub max_total_size: u64,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        Self {
            max_entries: 10_000,
            max_entry_size: 256 << 20,
            max_total_size: 1 << 30,
        }
    }
}

/// One file of the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Path inside the bundle, `/`-separated.
    pub path: String,
    /// Lowercase hex SHA-256 of the content.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// One plugin of the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginEntry {
    /// Plugin name (by default the file stem).
    pub name: String,
    /// Path of the `.wasm` file (also listed in `files`).
    pub path: String,
    /// Pinned lowercase hex SHA-256 of the `.wasm` file, signature section included.
    pub sha256: String,
}

/// The signed manifest of a bundle, `bundle.json`: its name, version, expiry, every file
/// with its digest, and the plugins with their pins and allowed signers. Not the
/// submission's `submission.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleManifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// Bundle name (the anti-rollback state is kept per name).
    pub name: String,
    /// Monotonic version.
    pub version: u64,
    /// When the bundle was built.
    #[serde(with = "crate::rfc3339")]
    pub created: Timestamp,
    /// When it stops being valid (refused when `expires <= now`).
    #[serde(with = "crate::rfc3339")]
    pub expires: Timestamp,
    /// Every other file, sorted by path.
    pub files: Vec<FileEntry>,
    /// Key ids allowed to sign plugins.
    pub plugin_signers: Vec<KeyId>,
    /// SPKI PEM public keys of `plugin_signers` — one per id, no others.
    pub plugin_signer_keys: Vec<String>,
    /// Plugins, pinned by digest.
    pub plugins: Vec<PluginEntry>,
}

pub(crate) fn invalid(reason: impl Into<String>) -> TrustError {
    TrustError::Manifest(BundleManifestError::Invalid {
        reason: reason.into(),
    })
}

pub(crate) fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl BundleManifest {
    /// Parses `bundle.json` strictly (duplicate keys and unknown members refused) and
    /// validates it ([`BundleManifest::validate`]).
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let value = parse_strict(bytes).map_err(|e| match e {
            StrictJsonError::DuplicateKey(pointer) => {
                TrustError::DuplicateJsonKey(DuplicateJsonKeyError {
                    file: MANIFEST_FILE.into(),
                    pointer,
                })
            }
            StrictJsonError::Syntax(reason) => invalid(reason),
        })?;
        let manifest: Self = serde_json::from_value(value).map_err(|e| invalid(e.to_string()))?;
        manifest.validate()?;
        Ok(manifest)
    }

    /// `bundle.json` bytes: pretty JSON, members in declaration order, trailing newline.
    #[must_use]
    pub fn to_json(&self) -> Vec<u8> {
        // Plain strings, numbers and vectors: serialising cannot fail.
        let mut out = serde_json::to_vec_pretty(self).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// Checks internal consistency: format, name, dates, sorted and well-formed file
    /// entries, plugin entries, and that `plugin_signer_keys` are exactly the keys of
    /// `plugin_signers`.
    pub fn validate(&self) -> Result<()> {
        if self.format != FORMAT {
            return Err(invalid(format!(
                "format is {:?}, expected {FORMAT:?}",
                self.format
            )));
        }
        if self.name.is_empty() || self.name.chars().any(char::is_control) {
            return Err(invalid("name is empty or has control characters"));
        }
        if self.created > self.expires {
            return Err(invalid("created is after expires"));
        }
        let mut previous: Option<&str> = None;
        for f in &self.files {
            let normal = check_name(&f.path)?;
            if normal != f.path {
                return Err(invalid(format!("file path {:?} is not normalised", f.path)));
            }
            if is_reserved(&f.path) {
                return Err(invalid(format!("{:?} must not be listed in files", f.path)));
            }
            if previous.is_some_and(|p| p >= f.path.as_str()) {
                return Err(invalid(format!(
                    "files are not sorted by path without duplicates (at {:?})",
                    f.path
                )));
            }
            previous = Some(&f.path);
            if !is_sha256_hex(&f.sha256) {
                return Err(invalid(format!(
                    "sha256 of {:?} is not lowercase hex",
                    f.path
                )));
            }
        }
        self.plugin_signer_public_keys()?;
        let mut names = BTreeSet::new();
        let mut paths = BTreeSet::new();
        for p in &self.plugins {
            if p.name.is_empty() || !names.insert(p.name.as_str()) {
                return Err(invalid(format!(
                    "plugin name {:?} is empty or repeated",
                    p.name
                )));
            }
            if !paths.insert(p.path.as_str()) {
                return Err(invalid(format!("plugin path {:?} is repeated", p.path)));
            }
            if !self.files.iter().any(|f| f.path == p.path) {
                return Err(invalid(format!(
                    "plugin {} path {:?} is not listed in files",
                    p.name, p.path
                )));
            }
            if !is_sha256_hex(&p.sha256) {
                return Err(invalid(format!(
                    "sha256 of plugin {} is not lowercase hex",
                    p.name
                )));
            }
        }
        Ok(())
    }

    /// Parses `plugin_signer_keys` and checks they are exactly the keys of
    /// `plugin_signers` (same ids, one key each, nothing else).
    pub fn plugin_signer_public_keys(&self) -> Result<Vec<PublicKey>> {
        let keys = self
            .plugin_signer_keys
            .iter()
            .map(|pem| PublicKey::from_spki_pem(pem))
            .collect::<Result<Vec<_>>>()?;
        let ids: BTreeSet<KeyId> = self.plugin_signers.iter().copied().collect();
        let key_ids: BTreeSet<KeyId> = keys.iter().map(PublicKey::key_id).collect();
        if ids.len() != self.plugin_signers.len() || key_ids.len() != keys.len() || ids != key_ids {
            return Err(invalid(
                "plugin_signer_keys must be exactly one SPKI PEM key per plugin_signers key id",
            ));
        }
        Ok(keys)
    }
}

/// A bundle read into memory: every file by its `/`-separated path, `bundle.json` and
/// `bundle.json.dsse` included. Nothing here is trusted until [`verify`] says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedBundle {
    pub(super) source: String,
    pub(super) files: BTreeMap<String, Vec<u8>>,
}

impl LoadedBundle {
    /// Wraps files already in memory (e.g. a bundle embedded in the binary). Names are
    /// checked as for an archive.
    pub fn from_files(source: impl Into<String>, files: BTreeMap<String, Vec<u8>>) -> Result<Self> {
        for name in files.keys() {
            if check_name(name)? != *name {
                return Err(TrustError::Archive(ArchiveError::InvalidEntryName {
                    entry: name.clone(),
                    reason: "not normalised (leading `./`)".into(),
                }));
            }
        }
        Ok(Self {
            source: source.into(),
            files,
        })
    }

    /// Where the bundle came from (for messages).
    #[must_use]
    pub fn source(&self) -> &str {
        &self.source
    }

    /// All files.
    #[must_use]
    pub fn files(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.files
    }

    /// All files, owned.
    #[must_use]
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files
    }

    /// The raw `bundle.json`, if present.
    #[must_use]
    pub fn manifest_bytes(&self) -> Option<&[u8]> {
        self.files.get(MANIFEST_FILE).map(Vec::as_slice)
    }

    /// SHA-256 (lowercase hex) of `bundle.json`, if present: the bundle's digest.
    #[must_use]
    pub fn digest(&self) -> Option<String> {
        self.manifest_bytes().map(sha256_hex)
    }

    /// Writes the bundle as a folder at `dir` (created if needed). Refuses to overwrite
    /// existing files.
    pub fn write_dir(&self, dir: &Path) -> Result<()> {
        for (name, bytes) in &self.files {
            let path = name.split('/').fold(dir.to_path_buf(), |p, c| p.join(c));
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io_err(parent))?;
            }
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .map_err(io_err(&path))?;
            f.write_all(bytes).map_err(io_err(&path))?;
        }
        Ok(())
    }
}

/// Whether a path is one of the two files that describe the bundle itself.
pub(crate) fn is_reserved(path: &str) -> bool {
    path == MANIFEST_FILE || path == ENVELOPE_FILE
}

/// Checks an entry name and returns it normalised (leading `./` removed).
pub(crate) fn check_name(raw: &str) -> Result<String> {
    let mut name = raw;
    while let Some(rest) = name.strip_prefix("./") {
        name = rest;
    }
    let bytes = name.as_bytes();
    let drive = bytes.first().is_some_and(u8::is_ascii_alphabetic) && bytes.get(1) == Some(&b':');
    if name.starts_with('/') || name.starts_with('\\') || drive {
        return Err(TrustError::Archive(ArchiveError::AbsolutePath {
            entry: raw.into(),
        }));
    }
    if name.split(['/', '\\']).any(|c| c == "..") {
        return Err(TrustError::Archive(ArchiveError::PathTraversal {
            entry: raw.into(),
        }));
    }
    let bad = |reason: &str| {
        TrustError::Archive(ArchiveError::InvalidEntryName {
            entry: raw.into(),
            reason: reason.into(),
        })
    };
    if name.is_empty() {
        return Err(bad("empty name"));
    }
    if name.contains('\\') {
        return Err(bad("backslash in name"));
    }
    if name.chars().any(char::is_control) {
        return Err(bad("control character in name"));
    }
    if name.split('/').any(|c| c.is_empty() || c == ".") {
        return Err(bad("empty or `.` path component"));
    }
    Ok(name.to_owned())
}
