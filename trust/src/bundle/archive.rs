//! A published bundle on disk or in a `.bundle` archive, read into memory
//! without ever extracting it, under limits; and a deterministic archive
//! written from its files.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use super::manifest::{ArchiveLimits, LoadedBundle, check_name};
use crate::error::{ArchiveError, Result, TrustError, io_err};

impl LoadedBundle {
    /// The deterministic `.bundle` bytes ([`pack`]).
    pub fn to_archive(&self) -> Result<Vec<u8>> {
        pack(self.files())
    }
}

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
pub(super) fn read_dir(root: &Path, limits: &ArchiveLimits) -> Result<BTreeMap<String, Vec<u8>>> {
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
