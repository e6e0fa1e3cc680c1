//! Office documents, told apart by the members of their ZIP archive: an
//! OpenDocument by its `mimetype` member (stored, uncompressed, by the
//! OpenDocument specification), an Office Open XML document by its
//! `[Content_Types].xml` and main part (`word/document.xml`). Only the
//! central directory is read (no member is decompressed), with a cap on the
//! entries looked at.

use super::types::{DOCX, OCTET_STREAM, ODT, Recognition};

/// The end-of-central-directory record's signature.
const EOCD: &[u8] = b"PK\x05\x06";
/// A central directory entry's signature.
const CENTRAL: &[u8] = b"PK\x01\x02";
/// A local file header's signature.
const LOCAL: &[u8] = b"PK\x03\x04";
/// The most central directory entries looked at.
const MAX_ENTRIES: usize = 10_000;

fn u16_at(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(usize::from(u16::from_le_bytes(b.try_into().ok()?)))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    usize::try_from(u32::from_le_bytes(b.try_into().ok()?)).ok()
}

/// One central directory entry: its name and its local header's offset.
struct Entry {
    name: String,
    local: usize,
}

/// The archive's entries, from its central directory.
fn entries(bytes: &[u8]) -> Option<Vec<Entry>> {
    // The end record is in the last 22 + 65,535 (its comment) bytes.
    let tail_start = bytes.len().saturating_sub(22 + 65_535);
    let tail = bytes.get(tail_start..)?;
    let eocd = tail_start.checked_add(tail.windows(4).rposition(|w| w == EOCD)?)?;
    let count = u16_at(bytes, eocd.checked_add(10)?)?;
    let mut at = u32_at(bytes, eocd.checked_add(16)?)?;
    let mut out = Vec::new();
    for _ in 0..count.min(MAX_ENTRIES) {
        if bytes.get(at..at.checked_add(4)?)? != CENTRAL {
            return None;
        }
        let name_len = u16_at(bytes, at.checked_add(28)?)?;
        let extra_len = u16_at(bytes, at.checked_add(30)?)?;
        let comment_len = u16_at(bytes, at.checked_add(32)?)?;
        let local = u32_at(bytes, at.checked_add(42)?)?;
        let name_start = at.checked_add(46)?;
        let name = bytes.get(name_start..name_start.checked_add(name_len)?)?;
        out.push(Entry {
            name: String::from_utf8_lossy(name).into_owned(),
            local,
        });
        at = name_start
            .checked_add(name_len)?
            .checked_add(extra_len)?
            .checked_add(comment_len)?;
    }
    Some(out)
}

/// The content of a stored (uncompressed) member, from its local header.
fn stored(bytes: &[u8], local: usize) -> Option<&[u8]> {
    if bytes.get(local..local.checked_add(4)?)? != LOCAL {
        return None;
    }
    let method = u16_at(bytes, local.checked_add(8)?)?;
    if method != 0 {
        return None;
    }
    let size = u32_at(bytes, local.checked_add(18)?)?;
    let name_len = u16_at(bytes, local.checked_add(26)?)?;
    let extra_len = u16_at(bytes, local.checked_add(28)?)?;
    let start = local
        .checked_add(30)?
        .checked_add(name_len)?
        .checked_add(extra_len)?;
    bytes.get(start..start.checked_add(size.min(256))?)
}

/// Recognises a ZIP archive (it starts with a local file header).
pub(super) fn recognise(bytes: &[u8]) -> Recognition {
    let Some(entries) = entries(bytes) else {
        return Recognition::unrecognised(
            OCTET_STREAM,
            "a ZIP archive whose central directory cannot be read (truncated, or ZIP64)",
        );
    };
    let has = |name: &str| entries.iter().any(|e| e.name == name);
    if let Some(mimetype) = entries.iter().find(|e| e.name == "mimetype") {
        let kind = stored(bytes, mimetype.local)
            .map(|m| String::from_utf8_lossy(m).trim().to_owned())
            .unwrap_or_default();
        if kind == ODT {
            return Recognition::Recognised {
                media_type: ODT,
                format: "OpenDocument text (ODT)".to_owned(),
            };
        }
        if kind.starts_with("application/vnd.oasis.opendocument.") {
            return Recognition::unrecognised(
                OCTET_STREAM,
                format!("an OpenDocument of type `{kind}`, which no plugin reads"),
            );
        }
    }
    if has("[Content_Types].xml") {
        if has("word/document.xml") {
            return Recognition::Recognised {
                media_type: DOCX,
                format: "Office Open XML word-processing document (DOCX)".to_owned(),
            };
        }
        let what = if has("xl/workbook.xml") {
            "a spreadsheet (XLSX)"
        } else if has("ppt/presentation.xml") {
            "a presentation (PPTX)"
        } else {
            "an Office Open XML package"
        };
        return Recognition::unrecognised(OCTET_STREAM, format!("{what}, which no plugin reads"));
    }
    Recognition::unrecognised(
        OCTET_STREAM,
        "a ZIP archive, neither a DOCX nor an ODT document",
    )
}
