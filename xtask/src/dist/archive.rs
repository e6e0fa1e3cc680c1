//! The release archive: a gzip'd tar that depends only on the files put in it.
//!
//! One folder `{stem}/` holding the files, sorted by name; ustar headers with
//! owner and group 0 and no names, modification time `SOURCE_DATE_EPOCH`, mode
//! 0755 for the folder and the binary and 0644 for the rest; gzip with no file
//! name, modification time 0, a fixed OS byte and the best compression.

use std::io::Write as _;

use flate2::{Compression, GzBuilder};
use tar::{EntryType, Header};

/// One file of the archive.
pub struct File {
    /// Its name inside the archive's folder.
    pub name: String,
    /// Its content.
    pub bytes: Vec<u8>,
    /// Mode 0755 rather than 0644.
    pub executable: bool,
}

fn header(entry_type: EntryType, size: u64, mode: u32, mtime: u64) -> Header {
    let mut header = Header::new_ustar();
    header.set_entry_type(entry_type);
    header.set_size(size);
    header.set_mode(mode);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(mtime);
    header
}

/// The `.tar.gz` of `files` under the folder `stem`.
pub fn tar_gz(stem: &str, mut files: Vec<File>, mtime: u64) -> std::io::Result<Vec<u8>> {
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let mut tar = tar::Builder::new(Vec::new());
    let mut folder = header(EntryType::Directory, 0, 0o755, mtime);
    tar.append_data(&mut folder, format!("{stem}/"), std::io::empty())?;
    for file in &files {
        let mode = if file.executable { 0o755 } else { 0o644 };
        let size = u64::try_from(file.bytes.len()).unwrap_or(u64::MAX);
        let mut entry = header(EntryType::Regular, size, mode, mtime);
        tar.append_data(
            &mut entry,
            format!("{stem}/{}", file.name),
            file.bytes.as_slice(),
        )?;
    }
    let tar = tar.into_inner()?;
    // 3 = Unix, whatever machine writes it.
    let mut gzip = GzBuilder::new()
        .mtime(0)
        .operating_system(3)
        .write(Vec::new(), Compression::best());
    gzip.write_all(&tar)?;
    gzip.finish()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use std::io::Read as _;

    use super::*;

    fn file(name: &str, bytes: &[u8], executable: bool) -> File {
        File {
            name: name.to_owned(),
            bytes: bytes.to_vec(),
            executable,
        }
    }

    #[test]
    fn entries_are_sorted_owned_by_root_dated_and_moded() {
        let bytes = tar_gz(
            "assure-1-t",
            vec![file("b", b"bee", false), file("a", b"ay", true)],
            1_700_000_000,
        )
        .unwrap();
        // gzip header: magic, deflate, no flags (no name), mtime 0, best, Unix.
        assert_eq!(&bytes[..10], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]);
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
        let mut seen = Vec::new();
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let h = entry.header().clone();
            let mut content = String::new();
            entry.read_to_string(&mut content).unwrap();
            seen.push((
                entry.path().unwrap().display().to_string(),
                h.mode().unwrap(),
                h.uid().unwrap(),
                h.gid().unwrap(),
                h.mtime().unwrap(),
                content,
            ));
        }
        let expect = |p: &str, m, c: &str| (p.to_owned(), m, 0, 0, 1_700_000_000, c.to_owned());
        assert_eq!(
            seen,
            vec![
                expect("assure-1-t/", 0o755, ""),
                expect("assure-1-t/a", 0o755, "ay"),
                expect("assure-1-t/b", 0o644, "bee"),
            ]
        );
    }

    #[test]
    fn the_same_files_give_the_same_bytes_in_any_order() {
        let one = tar_gz("s", vec![file("a", b"1", true), file("b", b"2", false)], 5).unwrap();
        let two = tar_gz("s", vec![file("b", b"2", false), file("a", b"1", true)], 5).unwrap();
        assert_eq!(one, two);
    }
}
