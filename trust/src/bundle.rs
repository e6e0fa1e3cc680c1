//! Signed bundles: build, sign, pack, load safely, verify.
//!
//! See the crate documentation for the format. The life of a bundle:
//!
//! 1. [`build`] (or [`build_from_dir`]) computes `bundle.json` from the files;
//! 2. [`sign`] adds a signature to `bundle.json.dsse` (once per signer);
//! 3. [`pack`] makes a deterministic `.bundle` (tar.gz), or [`LoadedBundle::write_dir`]
//!    writes a folder;
//! 4. [`load`] reads a folder or a `.bundle` into memory (never extracting to disk);
//! 5. [`verify`] checks signatures, manifest, files, plugins, expiry and rollback.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write as _};
use std::path::Path;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::dsse::{self, Envelope};
use crate::error::{
    ArchiveError, BundleManifestError, DuplicateJsonKeyError, EnvelopeError, FreshnessError,
    PluginVerificationError, Result, TrustError, io_err,
};
use crate::json::{StrictJsonError, parse_strict};
use crate::keys::{KeyId, PrivateKey, PublicKey};
use crate::state::State;
use crate::wasmsig;

pub use crate::dsse::BUNDLE_PAYLOAD_TYPE;

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

fn invalid(reason: impl Into<String>) -> TrustError {
    TrustError::Manifest(BundleManifestError::Invalid {
        reason: reason.into(),
    })
}

fn is_sha256_hex(s: &str) -> bool {
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
    source: String,
    files: BTreeMap<String, Vec<u8>>,
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

    /// The deterministic `.bundle` bytes ([`pack`]).
    pub fn to_archive(&self) -> Result<Vec<u8>> {
        pack(&self.files)
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
fn is_reserved(path: &str) -> bool {
    path == MANIFEST_FILE || path == ENVELOPE_FILE
}

/// Checks an entry name and returns it normalised (leading `./` removed).
fn check_name(raw: &str) -> Result<String> {
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

// ----- build and sign ----------------------------------------------------------------------

/// What [`build`] needs besides the files.
#[derive(Debug, Clone)]
pub struct BuildSpec {
    /// Bundle name.
    pub name: String,
    /// Version (must exceed every version published before under this name).
    pub version: u64,
    /// Creation time.
    pub created: Timestamp,
    /// Expiry time.
    pub expires: Timestamp,
    /// Keys allowed to sign plugins.
    pub plugin_signers: Vec<PublicKey>,
}

/// Builds an unsigned bundle from `files` (path → bytes; must not contain `bundle.json` or
/// `bundle.json.dsse`). Every `*.wasm` file becomes a plugin named after its file stem,
/// pinned by SHA-256; each must already be signed by one of `spec.plugin_signers` (checked
/// here, so that a bundle that can never verify is not produced).
pub fn build(spec: &BuildSpec, mut files: BTreeMap<String, Vec<u8>>) -> Result<LoadedBundle> {
    let mut entries = Vec::new();
    let mut plugins = Vec::new();
    for (path, bytes) in &files {
        if check_name(path)? != *path {
            return Err(TrustError::Archive(ArchiveError::InvalidEntryName {
                entry: path.clone(),
                reason: "not normalised (leading `./`)".into(),
            }));
        }
        if is_reserved(path) {
            return Err(TrustError::Archive(ArchiveError::InvalidEntryName {
                entry: path.clone(),
                reason: "reserved for the bundle's own manifest and envelope".into(),
            }));
        }
        let sha256 = sha256_hex(bytes);
        if let Some(stem) = path
            .rsplit('/')
            .next()
            .and_then(|f| f.strip_suffix(".wasm"))
        {
            wasmsig::verify(path, bytes, &spec.plugin_signers)?;
            plugins.push(PluginEntry {
                name: stem.to_owned(),
                path: path.clone(),
                sha256: sha256.clone(),
            });
        }
        entries.push(FileEntry {
            path: path.clone(),
            sha256,
            size: bytes.len() as u64,
        });
    }
    let mut signers = Vec::new();
    let mut signer_keys = Vec::new();
    for key in &spec.plugin_signers {
        if !signers.contains(&key.key_id()) {
            signers.push(key.key_id());
            signer_keys.push(key.to_spki_pem()?);
        }
    }
    let manifest = BundleManifest {
        format: FORMAT.into(),
        name: spec.name.clone(),
        version: spec.version,
        created: spec.created,
        expires: spec.expires,
        files: entries,
        plugin_signers: signers,
        plugin_signer_keys: signer_keys,
        plugins,
    };
    manifest.validate()?;
    files.insert(MANIFEST_FILE.into(), manifest.to_json());
    Ok(LoadedBundle {
        source: format!("{} v{} (built)", spec.name, spec.version),
        files,
    })
}

/// [`build`] from the files of a folder (read like [`load`] does, with default limits).
/// An existing `bundle.json` / `bundle.json.dsse` at the top of the folder is ignored, so a
/// bundle folder can be rebuilt in place.
pub fn build_from_dir(spec: &BuildSpec, dir: &Path) -> Result<LoadedBundle> {
    let mut files = read_dir(dir, &ArchiveLimits::default())?;
    files.remove(MANIFEST_FILE);
    files.remove(ENVELOPE_FILE);
    build(spec, files)
}

/// Adds a signature by `key` to the bundle's `bundle.json.dsse` (creating it if absent).
/// Refuses to sign a manifest that does not parse and validate, and an existing envelope
/// over other content.
pub fn sign(bundle: &mut LoadedBundle, key: &PrivateKey) -> Result<()> {
    let manifest = bundle.files.get(MANIFEST_FILE).ok_or_else(|| {
        TrustError::Manifest(BundleManifestError::Missing {
            source_name: bundle.source.clone(),
        })
    })?;
    BundleManifest::parse(manifest)?;
    let mut envelope = match bundle.files.get(ENVELOPE_FILE) {
        Some(bytes) => Envelope::from_json(bytes)?,
        None => Envelope::new(BUNDLE_PAYLOAD_TYPE, manifest),
    };
    if envelope.payload_type != BUNDLE_PAYLOAD_TYPE {
        return Err(TrustError::Envelope(EnvelopeError::WrongPayloadType {
            expected: BUNDLE_PAYLOAD_TYPE.into(),
            found: envelope.payload_type,
        }));
    }
    if envelope.payload != *manifest {
        return Err(TrustError::Envelope(EnvelopeError::PayloadMismatch));
    }
    dsse::sign(&mut envelope, key);
    bundle
        .files
        .insert(ENVELOPE_FILE.into(), envelope.to_json());
    Ok(())
}

// ----- pack ------------------------------------------------------------------------------

/// A deterministic `.bundle`: gzip'd tar (GNU format) of `files`, sorted by path, every entry
/// a regular file with mode 0644, uid/gid 0, mtime 0, no user or group names; gzip header
/// with mtime 0 and OS "unknown". The same files always give the same bytes.
pub fn pack(files: &BTreeMap<String, Vec<u8>>) -> Result<Vec<u8>> {
    let failed = |e: std::io::Error| {
        TrustError::Archive(ArchiveError::Malformed {
            source_name: "bundle being packed".into(),
            reason: e.to_string(),
        })
    };
    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (path, bytes) in files {
        if check_name(path)? != *path {
            return Err(TrustError::Archive(ArchiveError::InvalidEntryName {
                entry: path.clone(),
                reason: "not normalised (leading `./`)".into(),
            }));
        }
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_uid(0);
        header.set_gid(0);
        header.set_mtime(0);
        tar.append_data(&mut header, path, bytes.as_slice())
            .map_err(failed)?;
    }
    let gz = tar.into_inner().map_err(failed)?;
    gz.finish().map_err(failed)
}

// ----- load ------------------------------------------------------------------------------

/// Loads a bundle folder, or a `.bundle` file (any other file is read as gzip'd tar), with
/// the default [`ArchiveLimits`].
pub fn load(path: &Path) -> Result<LoadedBundle> {
    load_with_limits(path, &ArchiveLimits::default())
}

/// [`load`] with explicit limits.
pub fn load_with_limits(path: &Path, limits: &ArchiveLimits) -> Result<LoadedBundle> {
    let meta = std::fs::metadata(path).map_err(io_err(path))?;
    let source = path.display().to_string();
    if meta.is_dir() {
        let files = read_dir(path, limits)?;
        return Ok(LoadedBundle { source, files });
    }
    let file = std::fs::File::open(path).map_err(io_err(path))?;
    load_archive(&source, std::io::BufReader::new(file), limits)
}

/// Reads a `.bundle` (gzip'd tar) from `reader` into memory, refusing unsafe entries.
/// `source_name` names it in errors.
///
/// Refused: entries with a `..` component, absolute names, links, devices/FIFOs/other
/// special entries, duplicate paths, non-UTF-8 names, more than `max_entries` entries, an
/// entry over `max_entry_size`, and a decompressed stream over `max_total_size` (counted as
/// it is read, so a decompression bomb stops at the limit). Folder entries are allowed and
/// ignored; a leading `./` is removed.
pub fn load_archive(
    source_name: &str,
    reader: impl Read,
    limits: &ArchiveLimits,
) -> Result<LoadedBundle> {
    let exceeded = Cell::new(false);
    let counting = CountingReader {
        inner: flate2::read::GzDecoder::new(reader),
        remaining: limits.max_total_size,
        exceeded: &exceeded,
    };
    let read_error = |e: std::io::Error| {
        if exceeded.get() {
            TrustError::Archive(ArchiveError::TotalSizeExceeded {
                source_name: source_name.into(),
                limit: limits.max_total_size,
            })
        } else {
            TrustError::Archive(ArchiveError::Malformed {
                source_name: source_name.into(),
                reason: e.to_string(),
            })
        }
    };
    let mut archive = tar::Archive::new(counting);
    let mut files = BTreeMap::new();
    let mut count: u64 = 0;
    for entry in archive.entries().map_err(read_error)? {
        let mut entry = entry.map_err(read_error)?;
        count += 1;
        if count > limits.max_entries {
            return Err(TrustError::Archive(ArchiveError::TooManyEntries {
                source_name: source_name.into(),
                limit: limits.max_entries,
            }));
        }
        let raw = entry.path_bytes().into_owned();
        let name = String::from_utf8(raw).map_err(|e| {
            TrustError::Archive(ArchiveError::NonUtf8Name {
                entry: String::from_utf8_lossy(e.as_bytes()).into_owned(),
            })
        })?;
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            let trimmed = name.trim_end_matches('/');
            if !trimmed.is_empty() && trimmed != "." {
                check_name(trimmed)?;
            }
            continue;
        }
        let path = check_name(&name)?;
        match kind {
            tar::EntryType::Regular => {}
            tar::EntryType::Symlink => {
                return Err(TrustError::Archive(ArchiveError::LinkEntry {
                    entry: path,
                    kind: "symbolic link".into(),
                }));
            }
            tar::EntryType::Link => {
                return Err(TrustError::Archive(ArchiveError::LinkEntry {
                    entry: path,
                    kind: "hard link".into(),
                }));
            }
            other => {
                return Err(TrustError::Archive(ArchiveError::SpecialEntry {
                    entry: path,
                    kind: entry_kind(other),
                }));
            }
        }
        let too_large = || {
            TrustError::Archive(ArchiveError::EntryTooLarge {
                entry: path.clone(),
                limit: limits.max_entry_size,
            })
        };
        if entry.size() > limits.max_entry_size {
            return Err(too_large());
        }
        let mut bytes = Vec::new();
        (&mut entry)
            .take(limits.max_entry_size.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(read_error)?;
        if bytes.len() as u64 > limits.max_entry_size {
            return Err(too_large());
        }
        if files.contains_key(&path) {
            return Err(TrustError::Archive(ArchiveError::DuplicateEntry {
                entry: path,
            }));
        }
        files.insert(path, bytes);
    }
    Ok(LoadedBundle {
        source: source_name.into(),
        files,
    })
}

fn entry_kind(kind: tar::EntryType) -> String {
    match kind {
        tar::EntryType::Char => "character device".into(),
        tar::EntryType::Block => "block device".into(),
        tar::EntryType::Fifo => "FIFO".into(),
        tar::EntryType::Continuous => "contiguous file".into(),
        tar::EntryType::GNUSparse => "sparse file".into(),
        tar::EntryType::XGlobalHeader => "pax global header".into(),
        other => format!("tar entry of type {:?}", other.as_byte() as char),
    }
}

/// Counts decompressed bytes and fails once more than the limit would be read.
struct CountingReader<'a, R> {
    inner: R,
    remaining: u64,
    exceeded: &'a Cell<bool>,
}

impl<R: Read> Read for CountingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // Ask for at most one byte more than allowed: enough to detect the overflow.
        let want = usize::try_from(self.remaining.saturating_add(1))
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(buf.get_mut(..want).unwrap_or_default())?;
        let n64 = n as u64;
        if n64 > self.remaining {
            self.exceeded.set(true);
            return Err(std::io::Error::other(
                "total uncompressed size limit exceeded",
            ));
        }
        self.remaining -= n64;
        Ok(n)
    }
}

/// Reads every file under `root` into memory, refusing links and special files. Each file
/// is opened relative to the folder's handle, refusing any link *as it opens*
/// ([`crate::folder`]): a link swapped in after the listing is never followed.
fn read_dir(root: &Path, limits: &ArchiveLimits) -> Result<BTreeMap<String, Vec<u8>>> {
    let source = root.display().to_string();
    let folder = crate::folder::Folder::open(root).map_err(io_err(root))?;
    let mut files = BTreeMap::new();
    let mut count: u64 = 0;
    let mut total: u64 = 0;
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        for item in std::fs::read_dir(&dir).map_err(io_err(&dir))? {
            let item = item.map_err(io_err(&dir))?;
            count += 1;
            if count > limits.max_entries {
                return Err(TrustError::Archive(ArchiveError::TooManyEntries {
                    source_name: source.clone(),
                    limit: limits.max_entries,
                }));
            }
            let name = item.file_name().into_string().map_err(|n| {
                TrustError::Archive(ArchiveError::NonUtf8Name {
                    entry: format!("{prefix}{}", n.to_string_lossy()),
                })
            })?;
            let rel = check_name(&format!("{prefix}{name}"))?;
            let path = item.path();
            let kind = item.file_type().map_err(io_err(&path))?;
            if kind.is_symlink() {
                return Err(TrustError::Archive(ArchiveError::LinkEntry {
                    entry: rel,
                    kind: "symbolic link".into(),
                }));
            }
            if kind.is_dir() {
                stack.push((path, format!("{rel}/")));
                continue;
            }
            if !kind.is_file() {
                return Err(TrustError::Archive(ArchiveError::SpecialEntry {
                    entry: rel,
                    kind: "special file (device, FIFO or socket)".into(),
                }));
            }
            let file = folder
                .open_file(&rel, crate::folder::Links::Refused)
                .map_err(|e| match e {
                    crate::folder::OpenError::Link | crate::folder::OpenError::Escapes => {
                        TrustError::Archive(ArchiveError::LinkEntry {
                            entry: rel.clone(),
                            kind: "symbolic link".into(),
                        })
                    }
                    crate::folder::OpenError::NotAFile => {
                        TrustError::Archive(ArchiveError::SpecialEntry {
                            entry: rel.clone(),
                            kind: "non-regular file".into(),
                        })
                    }
                    crate::folder::OpenError::Missing => {
                        io_err(&path)(std::io::Error::from(std::io::ErrorKind::NotFound))
                    }
                    crate::folder::OpenError::Io(e) => io_err(&path)(e),
                })?;
            let meta = file.metadata().map_err(io_err(&path))?;
            let too_large = || {
                TrustError::Archive(ArchiveError::EntryTooLarge {
                    entry: rel.clone(),
                    limit: limits.max_entry_size,
                })
            };
            if meta.len() > limits.max_entry_size {
                return Err(too_large());
            }
            let mut bytes = Vec::new();
            file.take(limits.max_entry_size.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(io_err(&path))?;
            if bytes.len() as u64 > limits.max_entry_size {
                return Err(too_large());
            }
            total = total.saturating_add(bytes.len() as u64);
            if total > limits.max_total_size {
                return Err(TrustError::Archive(ArchiveError::TotalSizeExceeded {
                    source_name: source,
                    limit: limits.max_total_size,
                }));
            }
            files.insert(rel, bytes);
        }
    }
    Ok(files)
}

// ----- verify ----------------------------------------------------------------------------

/// A bundle that passed [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedBundle {
    /// The parsed, validated manifest.
    pub manifest: BundleManifest,
    /// SHA-256 (lowercase hex) of `bundle.json`: the bundle's digest.
    pub digest: String,
    /// Distinct trusted keys that signed `bundle.json` (empty for [`verify_pinned`]).
    pub signers: Vec<KeyId>,
    /// The bundle's files (everything but `bundle.json` and `bundle.json.dsse`), each
    /// checked against the manifest.
    pub files: BTreeMap<String, Vec<u8>>,
    /// For each plugin path, the allowed keys whose signature covers the whole module.
    pub plugin_signers: BTreeMap<String, Vec<KeyId>>,
}

impl VerifiedBundle {
    /// The bytes of a file of the bundle.
    #[must_use]
    pub fn file(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }
}

/// Verifies a loaded bundle and records it in the anti-rollback `state`.
///
/// In order: the trust configuration (at least one key, `1 <= threshold <=` distinct
/// keys) → `bundle.json` present → `bundle.json.dsse` present → DSSE: payload type,
/// `threshold` distinct trusted signatures → envelope payload is byte-for-byte
/// `bundle.json` → strict manifest parse and validation → not expired (`expires > now`)
/// → not a rollback → exact file list (nothing unlisted, nothing missing, sizes and
/// digests) → every `.wasm` declared, every plugin matches its pin and is signed over the
/// whole module by one of `plugin_signers` → the version is recorded in `state`.
///
/// There is no unsigned mode. A bundle trusted by digest instead (the built-in one) goes
/// through [`verify_pinned`].
pub fn verify(
    loaded: &LoadedBundle,
    trusted_keys: &[PublicKey],
    threshold: usize,
    now: Timestamp,
    state: &mut State,
) -> Result<VerifiedBundle> {
    dsse::distinct_trusted(trusted_keys, threshold)?;
    let manifest = manifest_of(loaded)?;
    let envelope_bytes = loaded.files.get(ENVELOPE_FILE).ok_or_else(|| {
        TrustError::Envelope(EnvelopeError::UnsignedBundle {
            source_name: loaded.source.clone(),
        })
    })?;
    let envelope = Envelope::from_json(envelope_bytes)?;
    let verified = dsse::verify(&envelope, BUNDLE_PAYLOAD_TYPE, trusted_keys, threshold)?;
    if verified.payload != manifest {
        return Err(TrustError::Envelope(EnvelopeError::PayloadMismatch));
    }
    finish(loaded, manifest, verified.signers, now, state)
}

/// Like [`verify`], but `bundle.json` is trusted because its SHA-256 equals
/// `manifest_sha256` (a digest pinned at compile time) instead of by signatures; any
/// envelope is ignored. Everything else (files, plugins, expiry, rollback) is checked.
pub fn verify_pinned(
    loaded: &LoadedBundle,
    manifest_sha256: &str,
    now: Timestamp,
    state: &mut State,
) -> Result<VerifiedBundle> {
    let manifest = manifest_of(loaded)?;
    let actual = sha256_hex(manifest);
    if actual != manifest_sha256 {
        return Err(TrustError::Manifest(
            BundleManifestError::PinnedDigestMismatch {
                expected: manifest_sha256.into(),
                actual,
            },
        ));
    }
    finish(loaded, manifest, Vec::new(), now, state)
}

fn manifest_of(loaded: &LoadedBundle) -> Result<&[u8]> {
    loaded.manifest_bytes().ok_or_else(|| {
        TrustError::Manifest(BundleManifestError::Missing {
            source_name: loaded.source.clone(),
        })
    })
}

/// Everything after the manifest is authenticated.
fn finish(
    loaded: &LoadedBundle,
    manifest_bytes: &[u8],
    signers: Vec<KeyId>,
    now: Timestamp,
    state: &mut State,
) -> Result<VerifiedBundle> {
    let manifest = BundleManifest::parse(manifest_bytes)?;
    let digest = sha256_hex(manifest_bytes);
    if manifest.expires <= now {
        return Err(TrustError::Freshness(FreshnessError::Expired {
            name: manifest.name,
            version: manifest.version,
            expires: manifest.expires.to_string(),
            now: now.to_string(),
        }));
    }
    state.check(&manifest.name, manifest.version, &digest)?;

    let files: BTreeMap<String, Vec<u8>> = loaded
        .files
        .iter()
        .filter(|(path, _)| !is_reserved(path))
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect();
    for entry in &manifest.files {
        let Some(bytes) = files.get(&entry.path) else {
            return Err(TrustError::Manifest(BundleManifestError::MissingFile {
                path: entry.path.clone(),
            }));
        };
        if bytes.len() as u64 != entry.size {
            return Err(TrustError::Manifest(
                BundleManifestError::FileSizeMismatch {
                    path: entry.path.clone(),
                    expected: entry.size,
                    actual: bytes.len() as u64,
                },
            ));
        }
        let actual = sha256_hex(bytes);
        if actual != entry.sha256 {
            return Err(TrustError::Manifest(
                BundleManifestError::FileDigestMismatch {
                    path: entry.path.clone(),
                    expected: entry.sha256.clone(),
                    actual,
                },
            ));
        }
    }
    let listed: BTreeSet<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    if let Some(path) = files.keys().find(|p| !listed.contains(p.as_str())) {
        return Err(TrustError::Manifest(BundleManifestError::UnlistedFile {
            path: path.clone(),
        }));
    }

    let declared: BTreeSet<&str> = manifest.plugins.iter().map(|p| p.path.as_str()).collect();
    if let Some(path) = files
        .keys()
        .find(|p| p.ends_with(".wasm") && !declared.contains(p.as_str()))
    {
        return Err(TrustError::Plugin(PluginVerificationError::Undeclared {
            path: path.clone(),
        }));
    }
    let signer_keys = manifest.plugin_signer_public_keys()?;
    let mut plugin_signers = BTreeMap::new();
    for plugin in &manifest.plugins {
        let bytes = files.get(&plugin.path).ok_or_else(|| {
            TrustError::Manifest(BundleManifestError::MissingFile {
                path: plugin.path.clone(),
            })
        })?;
        let actual = sha256_hex(bytes);
        if actual != plugin.sha256 {
            return Err(TrustError::Plugin(
                PluginVerificationError::DigestMismatch {
                    plugin: plugin.name.clone(),
                    path: plugin.path.clone(),
                    expected: plugin.sha256.clone(),
                    actual,
                },
            ));
        }
        let keys = wasmsig::verify(&plugin.path, bytes, &signer_keys)?;
        plugin_signers.insert(plugin.path.clone(), keys);
    }

    state.record(&manifest.name, manifest.version, &digest, now)?;
    Ok(VerifiedBundle {
        manifest,
        digest,
        signers,
        files,
        plugin_signers,
    })
}
