//! The compiled-code cache: each plugin is compiled once per user and engine
//! configuration, not once per process.
//!
//! wasmtime's own cache (its `cache` feature) does the compiling, the
//! (de)serialising and the writing: it names each entry by a SHA-256 of the
//! engine's compilation settings (target, Cranelift flags, tunables, wasm
//! features and the wasmtime version — the "engine configuration") and of the
//! component's bytes (so, of the plugin digest), compresses it and writes it
//! atomically (a temporary file, then a rename). Loading compiled code is only
//! as safe as the code loaded, so this module adds what wasmtime leaves to its
//! caller:
//!
//! - **Private.** The directory is created `0700`. An existing directory must
//!   belong to the current user and be writable by no one else, or it is
//!   refused: compiled code is never loaded from anyone else.
//! - **Checked.** The SHA-256 of each entry is recorded when this host writes
//!   it. Before wasmtime may read an entry, its bytes are checked against the
//!   record; an entry that does not match (corrupt, truncated, or written by
//!   something else) is deleted, and the plugin is compiled again.
//!
//! ```text
//! <dir>/wasmtime/modules/wasmtime-<version>/<entry>   wasmtime's entries (and .stats files)
//! <dir>/integrity/<entry>                             the SHA-256 of each entry, in hex
//! ```

use std::hash::{Hash, Hasher};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine as _;
use miette::Diagnostic;
use sha2::{Digest, Sha256};
use thiserror::Error;

/// Why a compiled-code cache directory cannot be used.
#[derive(Debug, Error, Diagnostic)]
#[error("cannot use `{dir}` as the compiled-code cache: {message}")]
#[diagnostic(
    code(assure::plugin::cache),
    help("choose another directory with `--cache-dir`, or run with `--no-cache`")
)]
pub struct CodeCacheError {
    /// The directory.
    pub dir: String,
    /// Why.
    pub message: String,
}

/// A private directory for compiled plugin code, ready for a
/// [`PluginHost`](crate::PluginHost).
#[derive(Debug, Clone)]
pub struct CodeCache {
    dir: PathBuf,
}

impl CodeCache {
    /// Opens (creating it `0700` if needed) the cache directory `dir`.
    ///
    /// Refused when the directory belongs to another user or others may
    /// write to it.
    pub fn open(dir: &Path) -> Result<Self, CodeCacheError> {
        let error = |message: String| CodeCacheError {
            dir: dir.display().to_string(),
            message,
        };
        let dir = std::path::absolute(dir).map_err(|e| error(e.to_string()))?;
        create_private(&dir).map_err(|e| error(format!("cannot create it: {e}")))?;
        check_private(&dir).map_err(error)?;
        for sub in [WASMTIME, INTEGRITY] {
            let sub = dir.join(sub);
            create_private(&sub)
                .map_err(|e| error(format!("cannot create `{}`: {e}", sub.display())))?;
            check_private(&sub).map_err(error)?;
        }
        Ok(Self { dir })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// wasmtime's cache, in its own sub-directory. Recompressing entries is
    /// turned off: it would rewrite them behind their integrity records.
    pub(crate) fn wasmtime_cache(&self) -> Result<wasmtime::Cache, CodeCacheError> {
        let mut config = wasmtime::CacheConfig::new();
        config
            .with_directory(self.dir.join(WASMTIME))
            .with_optimized_compression_usage_counter_threshold(u64::MAX);
        wasmtime::Cache::new(config).map_err(|e| CodeCacheError {
            dir: self.dir.display().to_string(),
            message: format!("{e:#}"),
        })
    }
}

const WASMTIME: &str = "wasmtime";
const INTEGRITY: &str = "integrity";

/// What a host did with each plugin it loaded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CodeStats {
    /// Plugins compiled by this host.
    pub compiled: usize,
    /// Plugins whose compiled code came from the cache.
    pub from_cache: usize,
    /// Cache entries deleted because their bytes did not match their record.
    pub discarded: usize,
}

/// How a loaded plugin's code came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeOrigin {
    /// Compiled now.
    Compiled,
    /// Read from the compiled-code cache.
    DiskCache,
}

impl CodeOrigin {
    /// A few words for a timing line.
    pub fn as_str(self) -> &'static str {
        match self {
            CodeOrigin::Compiled => "compiled",
            CodeOrigin::DiskCache => "from the code cache",
        }
    }
}

/// The counters behind [`CodeStats`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    compiled: AtomicUsize,
    from_cache: AtomicUsize,
    discarded: AtomicUsize,
}

impl Counters {
    pub(crate) fn count(&self, origin: CodeOrigin) {
        match origin {
            CodeOrigin::Compiled => self.compiled.fetch_add(1, Ordering::Relaxed),
            CodeOrigin::DiskCache => self.from_cache.fetch_add(1, Ordering::Relaxed),
        };
    }

    pub(crate) fn snapshot(&self) -> CodeStats {
        CodeStats {
            compiled: self.compiled.load(Ordering::Relaxed),
            from_cache: self.from_cache.load(Ordering::Relaxed),
            discarded: self.discarded.load(Ordering::Relaxed),
        }
    }
}

/// A cache in use by one host: the directory and wasmtime's handle on it.
#[derive(Debug)]
pub(crate) struct ActiveCache {
    pub(crate) dir: CodeCache,
    pub(crate) wasmtime: wasmtime::Cache,
}

impl ActiveCache {
    /// Before wasmtime may read the entry for `wasm`: deletes it unless its
    /// bytes match the SHA-256 recorded when it was written. Returns the
    /// entry, or why the plugin must not be loaded (an entry that does not
    /// match and cannot be deleted).
    pub(crate) fn vet(
        &self,
        engine: &wasmtime::Engine,
        wasm: &[u8],
        counters: &Counters,
    ) -> Result<Vetted, String> {
        let name = entry_name(engine, wasm);
        let record = self.dir.dir.join(INTEGRITY).join(&name);
        let expected = std::fs::read_to_string(&record).ok();
        let mut good = None;
        for path in self.entries(&name) {
            let matches = match (&expected, std::fs::read(&path)) {
                (Some(expected), Ok(bytes)) => {
                    expected.trim() == hex::encode(Sha256::digest(&bytes))
                }
                _ => false,
            };
            if matches {
                good = stamp(&path).map(|stamp| (path, stamp));
                continue;
            }
            counters.discarded.fetch_add(1, Ordering::Relaxed);
            let _ = std::fs::remove_file(&record);
            std::fs::remove_file(&path).map_err(|e| {
                format!(
                    "its compiled code in the cache at `{}` does not match its record and cannot be deleted ({e}); delete it, or run with `--no-cache`",
                    path.display()
                )
            })?;
        }
        Ok(Vetted { name, good })
    }

    /// After wasmtime loaded `vetted`'s component: whether its code came
    /// from the good entry (left as it was), or was compiled (and written,
    /// whose SHA-256 is then recorded).
    pub(crate) fn origin(&self, vetted: &Vetted) -> CodeOrigin {
        if let Some((path, before)) = &vetted.good
            && stamp(path).as_ref() == Some(before)
        {
            return CodeOrigin::DiskCache;
        }
        self.record(&vetted.name);
        CodeOrigin::Compiled
    }

    /// After wasmtime compiled and wrote the entry `name`: records its SHA-256.
    fn record(&self, name: &str) {
        let Some(path) = self.entries(name).into_iter().next() else {
            return;
        };
        let Ok(bytes) = std::fs::read(&path) else {
            return;
        };
        let digest = hex::encode(Sha256::digest(&bytes));
        let _ = write_atomic(&self.dir.dir.join(INTEGRITY), name, digest.as_bytes());
    }

    /// The files wasmtime keeps for entry `name` (one per wasmtime version
    /// directory; normally one).
    fn entries(&self, name: &str) -> Vec<PathBuf> {
        let modules = self.dir.dir.join(WASMTIME).join("modules");
        let Ok(versions) = std::fs::read_dir(&modules) else {
            return Vec::new();
        };
        versions
            .flatten()
            .map(|version| version.path().join(name))
            .filter(|path| path.is_file())
            .collect()
    }
}

/// A cache entry before wasmtime reads it: its name, and the file that
/// matched its record, with its size and modification time then.
#[derive(Debug)]
pub(crate) struct Vetted {
    name: String,
    good: Option<(PathBuf, (u64, std::time::SystemTime))>,
}

/// A file's size and modification time: wasmtime replaces an entry it could
/// not use (a new file), which changes them.
fn stamp(path: &Path) -> Option<(u64, std::time::SystemTime)> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.len(), metadata.modified().ok()?))
}

/// The name wasmtime gives the cache entry of `wasm` compiled by `engine`.
///
/// This mirrors wasmtime 48's `CodeBuilder::compile_cached`: the URL-safe
/// base64 of a SHA-256, fed through `std::hash::Hash`, of (the engine's
/// compilation environment, the wasm bytes, no DWARF package, no
/// unsafe-intrinsics import). The engine's tests fail if a wasmtime upgrade
/// changes it (a second engine would find no entry to reuse).
pub(crate) fn entry_name(engine: &wasmtime::Engine, wasm: &[u8]) -> String {
    let mut hasher = Sha256Hasher(Sha256::new());
    (
        engine.precompile_compatibility_hash(),
        wasm,
        None::<&[u8]>,
        None::<&str>,
    )
        .hash(&mut hasher);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hasher.0.finalize())
}

struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn finish(&self) -> u64 {
        // Only the full digest is used; `finish` is never called for a key.
        let digest = self.0.clone().finalize();
        digest
            .iter()
            .take(8)
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// Writes `dir/name` by writing a temporary file and renaming it over.
pub(crate) fn write_atomic(dir: &Path, name: &str, contents: &[u8]) -> std::io::Result<()> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let temporary = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .and_then(|mut file| file.write_all(contents))
        .and_then(|()| std::fs::rename(&temporary, dir.join(name)));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

#[cfg(unix)]
fn create_private(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt as _;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// The directory must be a directory of the current user's that no one else
/// may write to.
#[cfg(unix)]
fn check_private(dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt as _;
    let metadata = std::fs::metadata(dir).map_err(|e| e.to_string())?;
    if !metadata.is_dir() {
        return Err("it is not a directory".into());
    }
    let me = rustix::process::geteuid().as_raw();
    if metadata.uid() != me {
        return Err(format!(
            "it belongs to another user (uid {}, not {me})",
            metadata.uid()
        ));
    }
    if metadata.mode() & 0o022 != 0 {
        return Err(format!(
            "other users may write to it (mode {:04o}); `chmod 700` it",
            metadata.mode() & 0o7777
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(dir: &Path) -> Result<(), String> {
    if std::fs::metadata(dir).map_err(|e| e.to_string())?.is_dir() {
        Ok(())
    } else {
        Err("it is not a directory".into())
    }
}
