//! A small zip writer and reader for making test documents, hostile ones
//! included: every header field can be set to a lie.

/// One entry as it will be written.
#[derive(Clone)]
pub struct Entry {
    pub name: String,
    /// The bytes written after the local header.
    pub data: Vec<u8>,
    pub method: u16,
    pub flags: u16,
    pub crc: u32,
    /// The inflated size the headers declare.
    pub size: u64,
}

impl Entry {
    pub fn stored(name: &str, content: &[u8]) -> Self {
        Self {
            name: name.to_owned(),
            data: content.to_vec(),
            method: 0,
            flags: 0,
            crc: crc32(content),
            size: content.len() as u64,
        }
    }

    pub fn deflated(name: &str, content: &[u8]) -> Self {
        Self {
            name: name.to_owned(),
            data: miniz_oxide::deflate::compress_to_vec(content, 1),
            method: 8,
            flags: 0,
            crc: crc32(content),
            size: content.len() as u64,
        }
    }
}

/// CRC-32 (IEEE) with a byte table: the tests do not trust the reader's.
fn crc32(bytes: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (index, slot) in table.iter_mut().enumerate() {
        let mut crc = index as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
        *slot = crc;
    }
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc = table[((crc ^ u32::from(byte)) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

fn u16le(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn u32le(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

/// Sizes past 32 bits are written saturated (the reader then refuses the
/// declared size before reading anything).
fn size32(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX - 1)
}

/// A zip archive of the entries, in order.
pub fn zip(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut directory = Vec::new();
    for entry in entries {
        let offset = out.len() as u32;
        let name = entry.name.as_bytes();
        for (header, signature) in [(&mut out, 0x0403_4b50u32), (&mut directory, 0x0201_4b50)] {
            u32le(header, signature);
            if signature == 0x0201_4b50 {
                u16le(header, 20); // made by
            }
            u16le(header, 20); // needed
            u16le(header, entry.flags);
            u16le(header, entry.method);
            u16le(header, 0); // time
            u16le(header, 0x21); // date
            u32le(header, entry.crc);
            u32le(header, entry.data.len() as u32);
            u32le(header, size32(entry.size));
            u16le(header, name.len() as u16);
            u16le(header, 0); // extra
            if signature == 0x0201_4b50 {
                u16le(header, 0); // comment
                u16le(header, 0); // disk
                u16le(header, 0); // internal attributes
                u32le(header, 0); // external attributes
                u32le(header, offset);
            }
            header.extend_from_slice(name);
        }
        out.extend_from_slice(&entry.data);
    }
    let directory_at = out.len() as u32;
    out.extend_from_slice(&directory);
    u32le(&mut out, 0x0605_4b50);
    u16le(&mut out, 0);
    u16le(&mut out, 0);
    let count = u16::try_from(entries.len()).unwrap_or(u16::MAX - 1);
    u16le(&mut out, count);
    u16le(&mut out, count);
    u32le(&mut out, directory.len() as u32);
    u32le(&mut out, directory_at);
    u16le(&mut out, 0);
    out
}

/// The entries of an archive this module wrote (local headers in order).
pub fn entries(bytes: &[u8]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut at = 0usize;
    let u16at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]);
    let u32at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    while u32at(at) == 0x0403_4b50 {
        let flags = u16at(at + 6);
        let method = u16at(at + 8);
        let crc = u32at(at + 14);
        let compressed = u32at(at + 18) as usize;
        let size = u64::from(u32at(at + 22));
        let name_len = usize::from(u16at(at + 26));
        let name = String::from_utf8(bytes[at + 30..at + 30 + name_len].to_vec()).unwrap();
        let data_at = at + 30 + name_len;
        out.push(Entry {
            name,
            data: bytes[data_at..data_at + compressed].to_vec(),
            method,
            flags,
            crc,
            size,
        });
        at = data_at + compressed;
    }
    out
}

pub const RELS: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>",
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>",
    "</Relationships>",
);

/// A DOCX whose body is `body` (WordprocessingML with `w`, `w14` and `mc`
/// prefixes bound).
pub fn docx(body: &str) -> Vec<u8> {
    let document = format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>",
            "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" ",
            "xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\" ",
            "xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">",
            "<w:body>{}</w:body></w:document>"
        ),
        body
    );
    zip(&[
        Entry::deflated(
            "[Content_Types].xml",
            b"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>",
        ),
        Entry::deflated("_rels/.rels", RELS.as_bytes()),
        Entry::deflated("word/document.xml", document.as_bytes()),
    ])
}

/// An ODF `content.xml` whose text body is `text`.
pub fn odt_content(text: &str) -> String {
    format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" ",
            "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" ",
            "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" office:version=\"1.3\">",
            "<office:body><office:text>{}</office:text></office:body></office:document-content>"
        ),
        text
    )
}

/// An ODT with that `content.xml`.
pub fn odt(content: &str) -> Vec<u8> {
    zip(&[
        Entry::stored("mimetype", b"application/vnd.oasis.opendocument.text"),
        Entry::deflated("content.xml", content.as_bytes()),
    ])
}
