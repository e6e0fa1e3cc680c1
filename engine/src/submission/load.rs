//! Loading a submission: from a folder on disk, from files in memory, or
//! from a `.tar.gz` upload. All three read the manifest and every evidence
//! file through the same checks — sizes against the limits, each path
//! inside the submission, each declared digest matched — so a server that
//! receives uploads judges exactly what `assure check` judges on a folder.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use assure_trust::folder::{Folder, Links, OpenError};

use super::{
    EntryProblem, Evidence, LoadOptions, MANIFEST, Submission, check_count, check_entry,
    list_files_bounded, parse_manifest, product_problems, read_limited_from, refuse, sha256_hex,
};
use crate::error::{Error, IntegrityError, SubmissionError};
use crate::media;

/// Why a file of a submission could not be read.
enum Unread {
    /// It is not there.
    Missing,
    /// It leads out of the submission (a link, an escaping path), and how.
    Escapes(String),
    /// It is a folder, a device or a FIFO.
    NotAFile,
    /// It is larger than the limit allows (the message says so).
    TooLarge(String),
    /// Reading it failed.
    Failed(String),
}

/// Where a submission's files come from.
trait Files {
    /// The file at `relative` (`/`-separated), at most `limit` bytes (the
    /// limit `name`).
    fn read(&self, relative: &str, limit: u64, name: &str) -> Result<Vec<u8>, Unread>;
    /// The files present (relative), looking at no more than `cap`, and
    /// whether that was all of them.
    fn listing(&self, cap: usize) -> (Vec<String>, bool);
}

/// A folder on disk, every file opened relative to its handle by a call
/// that refuses a way out as it opens (not a check before it).
struct OnDisk<'a> {
    root: &'a Path,
    folder: Folder,
}

impl Files for OnDisk<'_> {
    fn read(&self, relative: &str, limit: u64, name: &str) -> Result<Vec<u8>, Unread> {
        let file = match self.folder.open_file(relative, Links::StayInside) {
            Ok(file) => file,
            Err(OpenError::Missing) => return Err(Unread::Missing),
            Err(e @ (OpenError::Escapes | OpenError::Link)) => {
                return Err(Unread::Escapes(e.to_string()));
            }
            Err(OpenError::NotAFile) => return Err(Unread::NotAFile),
            Err(OpenError::Io(e)) => return Err(Unread::Failed(e.to_string())),
        };
        match read_limited_from(file, &self.root.join(relative), limit, name) {
            Ok(bytes) => Ok(bytes),
            Err(Error::Submission(SubmissionError::Limit { message, .. })) => {
                Err(Unread::TooLarge(message))
            }
            Err(e) => Err(Unread::Failed(e.to_string())),
        }
    }

    fn listing(&self, cap: usize) -> (Vec<String>, bool) {
        list_files_bounded(self.root, cap)
    }
}

/// Files in memory, by their path in the submission.
struct InMemory<'a> {
    files: &'a BTreeMap<String, Vec<u8>>,
}

impl Files for InMemory<'_> {
    fn read(&self, relative: &str, limit: u64, name: &str) -> Result<Vec<u8>, Unread> {
        let Some(bytes) = self.files.get(relative) else {
            return Err(Unread::Missing);
        };
        if bytes.len() as u64 > limit {
            return Err(Unread::TooLarge(format!(
                "the file is larger than allowed ({})",
                crate::limits::named(name, limit)
            )));
        }
        Ok(bytes.clone())
    }

    fn listing(&self, cap: usize) -> (Vec<String>, bool) {
        let files: Vec<String> = self.files.keys().take(cap).cloned().collect();
        let complete = self.files.len() <= cap;
        (files, complete)
    }
}

impl Submission {
    /// Loads and validates the submission in the folder `root`.
    pub fn load(root: &Path, options: &LoadOptions) -> Result<Self, Error> {
        if !root.is_dir() {
            return Err(SubmissionError::NotAFolder {
                path: root.to_path_buf(),
            }
            .into());
        }
        let folder = Folder::open(root).map_err(|source| SubmissionError::Io {
            path: root.to_path_buf(),
            source,
        })?;
        assemble(root, &OnDisk { root, folder }, options)
    }

    /// Loads and validates a submission given as files in memory, by their
    /// `/`-separated path in the submission (`submission.toml` among them),
    /// with the same checks as a folder. `name` names it in errors and
    /// decisions (an upload's file name).
    pub fn from_files(
        name: &str,
        files: &BTreeMap<String, Vec<u8>>,
        options: &LoadOptions,
    ) -> Result<Self, Error> {
        let root = PathBuf::from(name);
        let mut problems = Vec::new();
        for path in files.keys() {
            match super::normalise_relative(path) {
                Ok(normal) if normal == *path => {}
                Ok(_) => problems.push(format!("`{path}`: not a normal path (write it as `a/b`)")),
                Err(why) => problems.push(format!("`{path}`: {why}")),
            }
        }
        if !problems.is_empty() {
            return Err(IntegrityError {
                path: root,
                problems,
            }
            .into());
        }
        assemble(&root, &InMemory { files }, options)
    }

    /// Loads and validates a submission uploaded as a `.tar.gz`: read in
    /// memory (never extracted to disk) under the submission's limits, then
    /// as [`Submission::from_files`]. An archive with a link, a device, an
    /// absolute or escaping path, a repeated path, or more than the limits
    /// allow (a decompression bomb stops at the limit) is refused, naming the
    /// entry. Folder entries are ignored; a single top-level folder holding
    /// `submission.toml` is the submission.
    pub fn from_tar_gz(
        name: &str,
        archive: impl Read,
        options: &LoadOptions,
    ) -> Result<Self, Error> {
        let limits = &options.limits;
        let archive_limits = assure_trust::bundle::ArchiveLimits {
            max_entries: u64::try_from(limits.max_files.saturating_mul(10)).unwrap_or(u64::MAX),
            max_entry_size: limits.max_file_bytes.max(limits.max_manifest_bytes),
            max_total_size: limits
                .max_total_bytes
                .saturating_add(limits.max_manifest_bytes),
        };
        let loaded =
            assure_trust::bundle::load_archive(name, archive, &archive_limits).map_err(|e| {
                IntegrityError {
                    path: PathBuf::from(name),
                    problems: vec![format!("the archive cannot be read safely: {e}")],
                }
            })?;
        let mut files = loaded.into_files();
        if !files.contains_key(MANIFEST) {
            files = strip_single_folder(files);
        }
        Self::from_files(name, &files, options)
    }
}

/// The files of an archive whose every file sits in one top-level folder
/// holding `submission.toml` (`product-1.2/submission.toml`), with that
/// folder taken off their paths; otherwise the files as they are.
fn strip_single_folder(files: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    let tops: BTreeSet<&str> = files
        .keys()
        .map(|p| p.split('/').next().unwrap_or(p))
        .collect();
    let [top] = tops.into_iter().collect::<Vec<_>>()[..] else {
        return files;
    };
    let prefix = format!("{top}/");
    if !files.contains_key(&format!("{prefix}{MANIFEST}")) {
        return files;
    }
    files
        .into_iter()
        .filter_map(|(path, bytes)| {
            path.strip_prefix(&prefix)
                .map(|rest| (rest.to_owned(), bytes))
        })
        .collect()
}

/// The manifest and every evidence file, read from `files` and checked.
fn assemble(root: &Path, files: &dyn Files, options: &LoadOptions) -> Result<Submission, Error> {
    let manifest_path = root.join(MANIFEST);
    let manifest_bytes = match files.read(
        MANIFEST,
        options.limits.max_manifest_bytes,
        "manifest_bytes",
    ) {
        Ok(bytes) => bytes,
        Err(Unread::Missing | Unread::NotAFile) => {
            return Err(SubmissionError::NoManifest {
                path: root.to_path_buf(),
            }
            .into());
        }
        Err(Unread::Escapes(how)) => {
            return Err(IntegrityError {
                path: manifest_path,
                problems: vec![format!("{MANIFEST}: {how}")],
            }
            .into());
        }
        Err(Unread::TooLarge(message)) => {
            return Err(SubmissionError::Limit {
                path: manifest_path,
                message,
            }
            .into());
        }
        Err(Unread::Failed(message)) => {
            return Err(SubmissionError::Io {
                path: manifest_path,
                source: std::io::Error::other(message),
            }
            .into());
        }
    };
    let manifest = parse_manifest(&manifest_path, &manifest_bytes)?;

    check_count(root, &manifest, &options.limits)?;

    let mut problems = product_problems(&manifest.product);
    problems.extend(manifest.profile.problems());
    let mut trust = Vec::new();
    let mut seen = BTreeSet::new();
    let mut evidence = Vec::new();
    let mut total: u64 = 0;
    for (i, entry) in manifest.evidence.iter().enumerate() {
        let (at, relative, declared_digest) =
            match check_entry(i, entry, options.require_digests, &mut seen) {
                Ok(checked) => checked,
                Err(EntryProblem::Trust(message)) => {
                    trust.push(message);
                    continue;
                }
                Err(EntryProblem::Invalid(message)) => {
                    problems.push(message);
                    continue;
                }
            };
        let bytes = match files.read(&relative, options.limits.max_file_bytes, "file_bytes") {
            Ok(bytes) => bytes,
            Err(Unread::Missing) => {
                trust.push(format!("{at}: the file is missing"));
                continue;
            }
            Err(Unread::Escapes(_)) => {
                trust.push(format!(
                    "{at}: resolves outside the submission folder (symlink escape)"
                ));
                continue;
            }
            Err(Unread::NotAFile) => {
                problems.push(format!("{at}: is not a regular file"));
                continue;
            }
            Err(Unread::TooLarge(message)) => {
                problems.push(format!("{at}: {message}"));
                continue;
            }
            Err(Unread::Failed(message)) => {
                trust.push(format!("{at}: cannot be read: {message}"));
                continue;
            }
        };
        total = total.saturating_add(bytes.len() as u64);
        let sha256 = sha256_hex(&bytes);
        if let Some(expected) = declared_digest
            && expected != sha256
        {
            trust.push(format!(
                "{at}: SHA-256 mismatch: the manifest declares {expected}, the file is {sha256}"
            ));
            continue;
        }
        let (media_type, declared) = match &entry.media_type {
            Some(m) => (media::normalise(m), true),
            None => (media::sniff(&relative, &bytes).to_owned(), false),
        };
        evidence.push(Evidence {
            path: relative,
            media_type,
            media_type_declared: declared,
            sha256,
            bytes: bytes.into(),
        });
    }
    if total > options.limits.max_total_bytes {
        return Err(SubmissionError::Limit {
            path: root.to_path_buf(),
            message: format!(
                "evidence totals {total} bytes, more than allowed ({})",
                crate::limits::named("total_bytes", options.limits.max_total_bytes)
            ),
        }
        .into());
    }
    let cap = options.limits.max_files.saturating_mul(10);
    let (listed, complete) = files.listing(cap);
    // The buyer's waivers may travel with the submission, in `waivers/`:
    // read here, judged by the engine against the bundle's approvers.
    let mut waivers = Vec::new();
    for path in listed.iter().filter(|p| super::is_waiver_path(p)) {
        let limit = super::MAX_WAIVER_BYTES as u64;
        match files.read(path, limit, "waiver_bytes") {
            Ok(bytes) => waivers.push(super::WaiverFile {
                name: path.clone(),
                bytes,
            }),
            Err(Unread::TooLarge(_)) => {
                problems.push(format!("`{path}`: a waiver is at most {limit} bytes"))
            }
            Err(Unread::Escapes(how)) => trust.push(format!("`{path}`: {how}")),
            Err(Unread::Missing | Unread::NotAFile) => {}
            Err(Unread::Failed(message)) => {
                trust.push(format!("`{path}`: cannot be read: {message}"));
            }
        }
    }
    refuse(&manifest_path, trust, problems)?;
    let unlisted = listed
        .into_iter()
        .filter(|p| p != MANIFEST && !seen.contains(p) && !super::is_waiver_path(p))
        .collect();
    let unlisted_stopped_at = (!complete).then_some(cap);
    Ok(Submission {
        root: root.to_path_buf(),
        manifest,
        manifest_sha256: sha256_hex(&manifest_bytes),
        manifest_bytes: manifest_bytes.into(),
        evidence,
        unlisted,
        unlisted_stopped_at,
        waivers,
    })
}

#[cfg(test)]
mod tests {
    #![expect(
        clippy::unwrap_used,
        clippy::panic,
        clippy::indexing_slicing,
        reason = "tests"
    )]

    use std::io::Write as _;

    use super::*;
    use crate::check::{CheckOptions, Engine};

    fn example(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples")
            .join(name)
    }

    /// Every file of an example folder, by its path in it.
    fn files_of(name: &str) -> BTreeMap<String, Vec<u8>> {
        let root = example(name);
        super::super::list_files(&root, 1000)
            .into_iter()
            .map(|p| {
                let bytes = std::fs::read(root.join(&p)).unwrap();
                (p, bytes)
            })
            .collect()
    }

    /// A `.tar.gz` of `entries`: (path as written in the header, entry type,
    /// bytes, link target).
    fn tar_gz(entries: &[(&str, tar::EntryType, &[u8], &str)]) -> Vec<u8> {
        let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::fast(),
        ));
        for (path, kind, bytes, link) in entries {
            let mut header = tar::Header::new_old();
            // Written raw, so a hostile path (`..`, absolute) is kept as is.
            let name = &mut header.as_old_mut().name;
            name[..path.len()].copy_from_slice(path.as_bytes());
            header.set_entry_type(*kind);
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            if !link.is_empty() {
                header.set_link_name(link).unwrap();
            }
            header.set_cksum();
            builder.append(&header, *bytes).unwrap();
        }
        let mut gz = builder.into_inner().unwrap();
        gz.flush().unwrap();
        gz.finish().unwrap()
    }

    fn regular<'a>(path: &'a str, bytes: &'a [u8]) -> (&'a str, tar::EntryType, &'a [u8], &'a str) {
        (path, tar::EntryType::Regular, bytes, "")
    }

    fn decision_json(submission: &Submission) -> String {
        let engine = Engine::new(crate::TrustedBundle::builtin().unwrap()).unwrap();
        let as_of = "2025-09-22T00:00:00Z".parse().unwrap();
        engine
            .check(submission, &CheckOptions::at(as_of))
            .unwrap()
            .0
            .to_json()
    }

    #[test]
    fn an_upload_is_judged_exactly_as_the_folder_it_came_from() {
        let options = LoadOptions::default();
        let folder = Submission::load(&example("rejected"), &options).unwrap();
        let files = files_of("rejected");
        let in_memory = Submission::from_files("rejected.tar.gz", &files, &options).unwrap();
        // Packed in a top-level folder, as `tar czf rejected.tar.gz rejected/` does.
        let entries: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|(p, b)| (format!("rejected/{p}"), b.clone()))
            .collect();
        let listed: Vec<_> = entries
            .iter()
            .map(|(p, b)| regular(p.as_str(), b.as_slice()))
            .collect();
        let upload =
            Submission::from_tar_gz("rejected.tar.gz", tar_gz(&listed).as_slice(), &options)
                .unwrap();
        let expected = decision_json(&folder);
        assert!(expected.contains("\"verdict\": \"reject\""));
        assert_eq!(decision_json(&in_memory), expected);
        assert_eq!(decision_json(&upload), expected);
        assert_eq!(upload.unlisted, folder.unlisted);
    }

    /// The integrity problems of a refused upload, or a panic if it loads.
    fn refused(archive: &[u8]) -> String {
        match Submission::from_tar_gz("upload.tar.gz", archive, &LoadOptions::default()) {
            Ok(_) => panic!("a hostile upload was loaded"),
            Err(e) => {
                assert!(e.is_trust_failure(), "{e}");
                e.to_string()
            }
        }
    }

    #[test]
    fn an_upload_with_a_way_out_is_refused_naming_the_entry() {
        let manifest = std::fs::read(example("approved").join(MANIFEST)).unwrap();
        let escape = tar_gz(&[
            regular("submission.toml", &manifest),
            regular("../evil", b"x"),
        ]);
        assert!(refused(&escape).contains("../evil"), "{}", refused(&escape));
        let absolute = tar_gz(&[
            regular("submission.toml", &manifest),
            regular("/etc/x", b"x"),
        ]);
        assert!(
            refused(&absolute).contains("/etc/x"),
            "{}",
            refused(&absolute)
        );
        let link = tar_gz(&[
            regular("submission.toml", &manifest),
            ("sbom.cdx.json", tar::EntryType::Symlink, b"", "/etc/passwd"),
        ]);
        assert!(
            refused(&link).contains("sbom.cdx.json"),
            "{}",
            refused(&link)
        );
        let twice = tar_gz(&[
            regular("submission.toml", &manifest),
            regular("submission.toml", b""),
        ]);
        assert!(
            refused(&twice).contains("submission.toml"),
            "{}",
            refused(&twice)
        );
    }

    #[test]
    fn an_upload_larger_than_the_limits_stops_at_the_limit() {
        let manifest = std::fs::read(example("approved").join(MANIFEST)).unwrap();
        let zeros = vec![0u8; 2 * 1024 * 1024];
        let options = LoadOptions {
            limits: crate::limits::SubmissionLimits {
                max_file_bytes: 1024 * 1024,
                max_total_bytes: 1024 * 1024,
                ..crate::limits::SubmissionLimits::default()
            },
            ..LoadOptions::default()
        };
        let bomb = tar_gz(&[
            regular("submission.toml", &manifest),
            regular("zeros.bin", &zeros),
        ]);
        let Err(e) = Submission::from_tar_gz("bomb.tar.gz", bomb.as_slice(), &options) else {
            panic!("a bomb was loaded");
        };
        assert!(e.to_string().contains("zeros.bin"), "{e}");
    }

    #[test]
    fn files_in_memory_are_checked_like_a_folder() {
        let mut files = files_of("approved");
        // A file the manifest declares with its digest, changed.
        let sbom = files.get_mut("sbom.cdx.json").unwrap();
        sbom.push(b' ');
        let Err(e) = Submission::from_files("approved", &files, &LoadOptions::default()) else {
            panic!("a changed file was loaded");
        };
        assert!(e.is_trust_failure(), "{e}");
        assert!(e.to_string().contains("SHA-256 mismatch"), "{e}");
        // A path that is not a path inside the submission.
        let mut files = files_of("approved");
        files.insert("a/../../b".into(), Vec::new());
        let Err(e) = Submission::from_files("approved", &files, &LoadOptions::default()) else {
            panic!("an escaping path was loaded");
        };
        assert!(e.to_string().contains("a/../../b"), "{e}");
        // No manifest.
        let Err(e) = Submission::from_files("empty", &BTreeMap::new(), &LoadOptions::default())
        else {
            panic!("an empty upload was loaded");
        };
        assert!(e.to_string().contains("submission.toml"), "{e}");
    }
}
