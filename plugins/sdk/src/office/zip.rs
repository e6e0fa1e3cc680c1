//! A zip reader for the few parts an office document needs, bounded.
//!
//! Written here rather than taken from the `zip` crate because the reader
//! needs only the central directory and two or three named entries, stored
//! or deflated, and it must refuse what a general zip library accepts (two
//! entries of one name, paths leaving the package, any inflate past a
//! document-wide budget). Inflate itself is `miniz_oxide`'s.

use std::collections::BTreeSet;

use super::model::{MAX_ENTRIES, MAX_INFLATED_BYTES, OfficeError};

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_DIRECTORY: u32 = 0x0605_4b50;
const ZIP64_LOCATOR: u32 = 0x0706_4b50;
const ZIP64_END_OF_DIRECTORY: u32 = 0x0606_4b50;
/// The end-of-directory record without its comment.
const END_LEN: usize = 22;

/// One entry of the central directory.
struct Entry {
    name: String,
    raw_name: Vec<u8>,
    flags: u16,
    method: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    local_offset: u64,
}

/// An opened archive: its directory, and what is left of the inflate budget.
pub(super) struct Archive<'a> {
    bytes: &'a [u8],
    entries: Vec<Entry>,
    inflate_left: u64,
}

/// Little-endian fields at an offset, every read checked.
struct Bytes<'a> {
    bytes: &'a [u8],
    /// The entry being read, or none for the directory.
    part: Option<&'a str>,
}

impl Bytes<'_> {
    fn slice(&self, at: u64, len: u64) -> Result<&[u8], OfficeError> {
        let start = usize::try_from(at).ok();
        let end = at.checked_add(len).and_then(|e| usize::try_from(e).ok());
        match (start, end) {
            (Some(start), Some(end)) => self.bytes.get(start..end),
            _ => None,
        }
        .ok_or_else(|| OfficeError::Damaged {
            part: self.part.map(str::to_owned),
            reason: format!(
                "{len} bytes at offset {at} lie past the end of the archive ({} bytes): it is truncated",
                self.bytes.len()
            ),
        })
    }

    fn u16(&self, at: u64) -> Result<u16, OfficeError> {
        let b = self.slice(at, 2)?;
        Ok(u16::from_le_bytes([
            b.first().copied().unwrap_or(0),
            b.get(1).copied().unwrap_or(0),
        ]))
    }

    fn u32(&self, at: u64) -> Result<u32, OfficeError> {
        Ok(u32::from(self.u16(at)?) | (u32::from(self.u16(at.saturating_add(2))?) << 16))
    }

    fn u64(&self, at: u64) -> Result<u64, OfficeError> {
        Ok(u64::from(self.u32(at)?) | (u64::from(self.u32(at.saturating_add(4))?) << 32))
    }
}

impl<'a> Archive<'a> {
    /// Reads the central directory and checks every entry's name.
    pub(super) fn open(bytes: &'a [u8]) -> Result<Self, OfficeError> {
        let looks_like_zip = bytes.starts_with(b"PK\x03\x04");
        let Some(end) = find_end_of_directory(bytes) else {
            return Err(if looks_like_zip {
                OfficeError::Damaged {
                    part: None,
                    reason: "the archive has no end-of-central-directory record: it is truncated"
                        .to_owned(),
                }
            } else {
                OfficeError::NotOffice {
                    reason: format!(
                        "not a zip archive ({} bytes, no zip signature); DOCX and ODT documents are zip archives",
                        bytes.len()
                    ),
                }
            });
        };
        let at = Bytes { bytes, part: None };
        let disk = at.u16(end + 4)?;
        let directory_disk = at.u16(end + 6)?;
        if disk != 0 || directory_disk != 0 {
            return Err(OfficeError::Unsupported {
                part: None,
                reason: "it is split over several files".to_owned(),
            });
        }
        let mut count = u64::from(at.u16(end + 10)?);
        let mut directory_len = u64::from(at.u32(end + 12)?);
        let mut directory_at = u64::from(at.u32(end + 16)?);
        if count == 0xFFFF || directory_len == 0xFFFF_FFFF || directory_at == 0xFFFF_FFFF {
            (count, directory_len, directory_at) = zip64_directory(&at, end)?;
        }
        if count > MAX_ENTRIES as u64 {
            return Err(OfficeError::TooMany {
                part: None,
                what: "entries",
                limit: MAX_ENTRIES as u64,
            });
        }
        let directory = at.slice(directory_at, directory_len)?;
        let entries = read_directory(directory, count)?;
        check_names(&entries)?;
        Ok(Self {
            bytes,
            entries,
            inflate_left: MAX_INFLATED_BYTES,
        })
    }

    /// Whether an entry of this name exists.
    pub(super) fn contains(&self, name: &str) -> bool {
        self.entries.iter().any(|entry| entry.name == name)
    }

    /// The inflated bytes of an entry, at most `max` of them (and never more
    /// than what is left of [`MAX_INFLATED_BYTES`]).
    pub(super) fn read(&mut self, name: &str, max: u64) -> Result<Vec<u8>, OfficeError> {
        let Some(entry) = self.entries.iter().find(|entry| entry.name == name) else {
            return Err(OfficeError::Damaged {
                part: Some(name.to_owned()),
                reason: "the entry is not in the archive".to_owned(),
            });
        };
        let part = || entry.name.clone();
        if entry.flags & 0x0001 != 0 || entry.flags & 0x0040 != 0 || entry.method == 99 {
            return Err(OfficeError::Encrypted { part: part() });
        }
        if entry.method != 0 && entry.method != 8 {
            return Err(OfficeError::Unsupported {
                part: Some(part()),
                reason: format!(
                    "it uses compression method {}; only stored (0) and deflate (8) are read",
                    entry.method
                ),
            });
        }
        let limit = max.min(self.inflate_left);
        if entry.size > limit {
            return Err(OfficeError::TooLarge {
                part: part(),
                reason: format!(
                    "it declares {} bytes inflated, and at most {limit} more are read from this document",
                    entry.size
                ),
            });
        }
        let at = Bytes {
            bytes: self.bytes,
            part: Some(&entry.name),
        };
        if at.u32(entry.local_offset)? != LOCAL_HEADER {
            return Err(damaged(
                &entry.name,
                "no local file header where the directory points",
            ));
        }
        let name_len = u64::from(at.u16(entry.local_offset.saturating_add(26))?);
        let extra_len = u64::from(at.u16(entry.local_offset.saturating_add(28))?);
        if at.slice(entry.local_offset.saturating_add(30), name_len)? != entry.raw_name.as_slice() {
            return Err(damaged(
                &entry.name,
                "the local file header names another entry than the central directory",
            ));
        }
        let data_at = entry
            .local_offset
            .saturating_add(30)
            .saturating_add(name_len)
            .saturating_add(extra_len);
        let data = at.slice(data_at, entry.compressed)?;
        let inflated = if entry.method == 0 {
            if entry.compressed != entry.size {
                return Err(damaged(
                    &entry.name,
                    "a stored entry whose compressed and inflated sizes differ",
                ));
            }
            data.to_vec()
        } else {
            let size = usize::try_from(entry.size).unwrap_or(usize::MAX);
            match miniz_oxide::inflate::decompress_to_vec_with_limit(data, size) {
                Ok(inflated) => inflated,
                Err(error) if error.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
                    return Err(OfficeError::TooLarge {
                        part: part(),
                        reason: format!(
                            "it inflates past its declared size of {} bytes (a zip bomb?)",
                            entry.size
                        ),
                    });
                }
                Err(error) => {
                    return Err(damaged(
                        &entry.name,
                        &format!("its deflate data is damaged ({:?})", error.status),
                    ));
                }
            }
        };
        if inflated.len() as u64 != entry.size {
            return Err(damaged(
                &entry.name,
                &format!(
                    "it inflates to {} bytes, not the {} its header declares",
                    inflated.len(),
                    entry.size
                ),
            ));
        }
        if crc32fast::hash(&inflated) != entry.crc {
            return Err(damaged(
                &entry.name,
                "its CRC-32 does not match its contents",
            ));
        }
        self.inflate_left = self.inflate_left.saturating_sub(entry.size);
        Ok(inflated)
    }
}

fn damaged(part: &str, reason: &str) -> OfficeError {
    OfficeError::Damaged {
        part: Some(part.to_owned()),
        reason: reason.to_owned(),
    }
}

/// The offset of the end-of-central-directory record: the last one whose
/// comment runs exactly to the end of the archive.
fn find_end_of_directory(bytes: &[u8]) -> Option<u64> {
    let last = bytes.len().checked_sub(END_LEN)?;
    let first = last.saturating_sub(usize::from(u16::MAX));
    (first..=last).rev().find_map(|at| {
        let record = bytes.get(at..at.checked_add(END_LEN)?)?;
        let signature = u32::from_le_bytes(record.get(0..4)?.try_into().ok()?);
        let comment = usize::from(u16::from_le_bytes(record.get(20..22)?.try_into().ok()?));
        (signature == END_OF_DIRECTORY && at + END_LEN + comment == bytes.len())
            .then_some(at as u64)
    })
}

/// Entry count, directory length and offset from the Zip64 records.
fn zip64_directory(at: &Bytes<'_>, end: u64) -> Result<(u64, u64, u64), OfficeError> {
    let locator = end.checked_sub(20).ok_or_else(|| OfficeError::Damaged {
        part: None,
        reason: "a Zip64 archive without its Zip64 locator".to_owned(),
    })?;
    if at.u32(locator)? != ZIP64_LOCATOR {
        return Err(OfficeError::Damaged {
            part: None,
            reason: "a Zip64 archive without its Zip64 locator".to_owned(),
        });
    }
    let record = at.u64(locator.saturating_add(8))?;
    if at.u32(record)? != ZIP64_END_OF_DIRECTORY {
        return Err(OfficeError::Damaged {
            part: None,
            reason: "the Zip64 locator does not point at a Zip64 directory record".to_owned(),
        });
    }
    Ok((
        at.u64(record.saturating_add(32))?,
        at.u64(record.saturating_add(40))?,
        at.u64(record.saturating_add(48))?,
    ))
}

/// Parses `count` central directory headers.
fn read_directory(directory: &[u8], count: u64) -> Result<Vec<Entry>, OfficeError> {
    let at = Bytes {
        bytes: directory,
        part: None,
    };
    let mut entries = Vec::new();
    let mut offset = 0u64;
    for index in 0..count {
        if at.u32(offset)? != CENTRAL_HEADER {
            return Err(OfficeError::Damaged {
                part: None,
                reason: format!("entry {} has no central directory header", index + 1),
            });
        }
        let flags = at.u16(offset + 8)?;
        let method = at.u16(offset + 10)?;
        let crc = at.u32(offset + 16)?;
        let mut compressed = u64::from(at.u32(offset + 20)?);
        let mut size = u64::from(at.u32(offset + 24)?);
        let name_len = u64::from(at.u16(offset + 28)?);
        let extra_len = u64::from(at.u16(offset + 30)?);
        let comment_len = u64::from(at.u16(offset + 32)?);
        let mut local_offset = u64::from(at.u32(offset + 42)?);
        let raw_name = at.slice(offset + 46, name_len)?.to_vec();
        let extra = at.slice(offset + 46 + name_len, extra_len)?;
        zip64_extra(extra, &mut size, &mut compressed, &mut local_offset)?;
        let name = String::from_utf8_lossy(&raw_name).into_owned();
        entries.push(Entry {
            name,
            raw_name,
            flags,
            method,
            crc,
            compressed,
            size,
            local_offset,
        });
        offset += 46 + name_len + extra_len + comment_len;
    }
    Ok(entries)
}

/// Replaces the 32-bit sizes and offset saturated at `0xFFFFFFFF` by those
/// of the Zip64 extra field, in the order the format gives them.
fn zip64_extra(
    extra: &[u8],
    size: &mut u64,
    compressed: &mut u64,
    local_offset: &mut u64,
) -> Result<(), OfficeError> {
    let at = Bytes {
        bytes: extra,
        part: None,
    };
    let mut field = 0u64;
    while field + 4 <= extra.len() as u64 {
        let id = at.u16(field)?;
        let len = u64::from(at.u16(field + 2)?);
        if id == 0x0001 {
            let mut next = field + 4;
            for value in [size, compressed, local_offset] {
                if *value == 0xFFFF_FFFF && next + 8 <= field + 4 + len {
                    *value = at.u64(next)?;
                    next += 8;
                }
            }
            return Ok(());
        }
        field += 4 + len;
    }
    Ok(())
}

/// Refuses names that leave the package and names given twice (part names
/// are compared without case, as Office Open XML does).
fn check_names(entries: &[Entry]) -> Result<(), OfficeError> {
    let mut seen = BTreeSet::new();
    for entry in entries {
        let name = entry.name.as_str();
        let leaves = name.starts_with('/')
            || name.starts_with('\\')
            || name.contains('\0')
            || name.get(1..2) == Some(":")
            || name.split(['/', '\\']).any(|segment| segment == "..");
        if leaves {
            return Err(OfficeError::UnsafeName {
                part: super::model::truncate(name, 200),
            });
        }
        if !seen.insert(name.to_lowercase()) {
            return Err(OfficeError::DuplicatePart {
                part: super::model::truncate(name, 200),
            });
        }
    }
    Ok(())
}
