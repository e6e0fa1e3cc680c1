//! A supplier's submission: a folder with a `submission.toml` manifest and the
//! evidence files it declares.
//!
//! Loading parses the manifest, then validates every entry in one pass and
//! reports every problem at once. Integrity problems (a digest mismatch, a path
//! that escapes the folder, a declared file that is missing) are trust
//! failures, never warnings.

use std::collections::BTreeSet;
use std::path::{Component as PathComponent, Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, IntegrityError, SubmissionError};
use crate::media;

mod load;
mod profile;

pub use profile::{DeviceClass, Profile, TIER_INPUTS, Tier};

/// The manifest's file name at the root of a submission folder.
pub const MANIFEST: &str = "submission.toml";

/// How `assure init` marks the product fields a supplier must fill in.
pub(crate) const PLACEHOLDER: &str = "CHANGE ME";

pub use crate::limits::SubmissionLimits;

/// How to load a submission.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Every evidence entry must declare its SHA-256 (what a gate uses).
    pub require_digests: bool,
    /// Size limits.
    pub limits: SubmissionLimits,
}

/// The manifest as written (`submission.toml`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The product under assessment.
    pub product: Product,
    /// What the product is and does; decides which rules apply.
    #[serde(default)]
    pub profile: Profile,
    /// The evidence files.
    #[serde(default, rename = "evidence", skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceEntry>,
}

/// The product under assessment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// The product's name.
    pub name: String,
    /// The version submitted for assessment.
    pub version: String,
    /// The supplier's legal name.
    pub supplier: String,
    /// Other identifiers (purl, CPE, UDI...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<String>,
    /// The SHA-256 of each artefact shipped (installer, image, archive): 64
    /// hex digits each. Build provenance is matched against them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub artifact_sha256: Vec<String>,
}

impl Product {
    /// The declared artefact digests as `sha256:<hex>`, lower-case.
    pub fn artifact_digests(&self) -> Vec<String> {
        self.artifact_sha256
            .iter()
            .map(|d| format!("sha256:{}", d.trim().to_ascii_lowercase()))
            .collect()
    }
}

/// One evidence file as the manifest declares it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EvidenceEntry {
    /// Path relative to the submission folder, with `/` separators.
    pub path: String,
    /// Media type; sniffed from the content when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Lower-case hex SHA-256 of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// A loaded, validated submission.
#[derive(Debug, Clone)]
pub struct Submission {
    /// The folder it was loaded from.
    pub root: PathBuf,
    /// The manifest.
    pub manifest: Manifest,
    /// The SHA-256 of the manifest file.
    pub manifest_sha256: String,
    /// The manifest file's bytes, as read (what `manifest_sha256` covers).
    pub manifest_bytes: Arc<[u8]>,
    /// Each evidence file, in manifest order.
    pub evidence: Vec<Evidence>,
    /// Files in the folder that the manifest does not declare (not judged).
    pub unlisted: Vec<String>,
    /// When the folder holds more entries than are looked at, the number
    /// looked at: `unlisted` is then incomplete, and the decision says so.
    pub unlisted_stopped_at: Option<usize>,
    /// The waivers in its `waivers/` folder (`*.json`), not yet judged.
    pub waivers: Vec<WaiverFile>,
}

/// The folder of a submission that holds the buyer's waivers.
pub const WAIVERS: &str = "waivers/";

/// Whether `path` (relative, `/`-separated) is a waiver file of a
/// submission: `waivers/NAME.json`. Such files are judged as waivers, never
/// as evidence.
#[must_use]
pub fn is_waiver_path(path: &str) -> bool {
    path.strip_prefix(WAIVERS)
        .is_some_and(|name| !name.contains('/') && name.ends_with(".json"))
}

/// The largest waiver file read: a waiver is a few kilobytes.
pub const MAX_WAIVER_BYTES: usize = 256 * 1024;

/// A waiver file as given to a check (see [`crate::waiver`]): its name (as
/// the user gave it, or relative to the submission) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiverFile {
    /// Where it came from.
    pub name: String,
    /// Its bytes: a DSSE envelope (JSON).
    pub bytes: Vec<u8>,
}

/// One evidence file, read and checked.
#[derive(Debug, Clone)]
pub struct Evidence {
    /// Path relative to the submission root, with `/` separators.
    pub path: String,
    /// The media type used to route it.
    pub media_type: String,
    /// Whether the media type was declared or sniffed.
    pub media_type_declared: bool,
    /// The SHA-256 of its bytes.
    pub sha256: String,
    /// Its bytes.
    pub bytes: Arc<[u8]>,
}

/// The lower-case hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Parses a `submission.toml`'s bytes and checks everything about it that
/// does not need the folder: its size and entry count against the limits,
/// the product fields, and each entry's path, uniqueness, digest and media
/// type. For a manifest whose declared files are all present and match, the
/// error is the one [`Submission::load`] gives (the loader runs the same
/// checks, between which it reads the files). `path` names the manifest in
/// errors. Used to fuzz the manifest without a folder on disk.
pub fn validate_manifest(
    path: &Path,
    bytes: &[u8],
    options: &LoadOptions,
) -> Result<Manifest, Error> {
    if bytes.len() as u64 > options.limits.max_manifest_bytes {
        return Err(SubmissionError::Limit {
            path: path.to_path_buf(),
            message: format!(
                "the file is larger than allowed ({})",
                crate::limits::named("manifest_bytes", options.limits.max_manifest_bytes)
            ),
        }
        .into());
    }
    let manifest = parse_manifest(path, bytes)?;
    check_count(path, &manifest, &options.limits)?;
    let mut problems = product_problems(&manifest.product);
    problems.extend(manifest.profile.problems());
    let mut trust = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, entry) in manifest.evidence.iter().enumerate() {
        match check_entry(i, entry, options.require_digests, &mut seen) {
            Ok(_) => {}
            Err(EntryProblem::Trust(message)) => trust.push(message),
            Err(EntryProblem::Invalid(message)) => problems.push(message),
        }
    }
    refuse(path, trust, problems)?;
    Ok(manifest)
}

/// Refuses a manifest with more evidence entries than the limit.
pub(crate) fn check_count(
    path: &Path,
    manifest: &Manifest,
    limits: &SubmissionLimits,
) -> Result<(), Error> {
    if manifest.evidence.len() > limits.max_files {
        return Err(SubmissionError::Limit {
            path: path.to_path_buf(),
            message: format!(
                "{} evidence entries, more than allowed ({})",
                manifest.evidence.len(),
                crate::limits::named("files", u64::try_from(limits.max_files).unwrap_or(u64::MAX))
            ),
        }
        .into());
    }
    Ok(())
}

/// What is wrong with the product fields.
pub(crate) fn product_problems(product: &Product) -> Vec<String> {
    let mut problems = Vec::new();
    if product.name.trim().is_empty() {
        problems.push("`product.name` is empty".to_owned());
    }
    if product.version.trim().is_empty() {
        problems.push("`product.version` is empty".to_owned());
    }
    if product.supplier.trim().is_empty() {
        problems.push("`product.supplier` is empty".to_owned());
    }
    for (field, value) in [
        ("name", &product.name),
        ("version", &product.version),
        ("supplier", &product.supplier),
    ] {
        if value.starts_with(PLACEHOLDER) {
            problems.push(format!(
                "`product.{field}` is still the placeholder `assure init` wrote; fill it in"
            ));
        }
    }
    for (i, digest) in product.artifact_sha256.iter().enumerate() {
        if !is_sha256_hex(digest.trim()) {
            problems.push(format!(
                "`product.artifact_sha256[{i}]` must be 64 hex digits, found `{digest}`"
            ));
        }
    }
    problems
}

/// Why a manifest entry is refused before its file is read.
pub(crate) enum EntryProblem {
    /// An integrity problem.
    Trust(String),
    /// A mistake in the manifest.
    Invalid(String),
}

/// Checks entry `i`'s path, uniqueness (against `seen`), declared digest and
/// media type; returns how errors name it, its normalised path and its
/// digest.
pub(crate) fn check_entry(
    i: usize,
    entry: &EvidenceEntry,
    require_digests: bool,
    seen: &mut BTreeSet<String>,
) -> Result<(String, String, Option<String>), EntryProblem> {
    let at = format!("evidence[{i}] `{}`", entry.path);
    let relative = normalise_relative(&entry.path)
        .map_err(|why| EntryProblem::Trust(format!("{at}: {why}")))?;
    if relative == MANIFEST {
        return Err(EntryProblem::Invalid(format!(
            "{at}: the manifest cannot be evidence"
        )));
    }
    if !seen.insert(relative.clone()) {
        return Err(EntryProblem::Invalid(format!(
            "{at}: declared more than once"
        )));
    }
    let declared_digest = match &entry.sha256 {
        Some(d) if is_sha256_hex(d) => Some(d.to_ascii_lowercase()),
        Some(d) => {
            return Err(EntryProblem::Invalid(format!(
                "{at}: `sha256` must be 64 hex digits, found `{d}`"
            )));
        }
        None if require_digests => {
            return Err(EntryProblem::Trust(format!(
                "{at}: no `sha256` declared, and digests are required"
            )));
        }
        None => None,
    };
    if let Some(media_type) = &entry.media_type
        && !media::is_valid(media_type)
    {
        return Err(EntryProblem::Invalid(format!(
            "{at}: `media_type` `{media_type}` is not a media type (type/subtype)"
        )));
    }
    Ok((at, relative, declared_digest))
}

/// The error for a manifest's problems, integrity problems first; `Ok` when
/// there are none.
pub(crate) fn refuse(
    path: &Path,
    mut trust: Vec<String>,
    problems: Vec<String>,
) -> Result<(), Error> {
    if !trust.is_empty() {
        trust.extend(problems);
        return Err(IntegrityError {
            path: path.to_path_buf(),
            problems: trust,
        }
        .into());
    }
    if !problems.is_empty() {
        return Err(SubmissionError::Invalid {
            path: path.to_path_buf(),
            problems,
        }
        .into());
    }
    Ok(())
}

pub(crate) fn parse_manifest(path: &Path, bytes: &[u8]) -> Result<Manifest, Error> {
    let text = std::str::from_utf8(bytes).map_err(|e| SubmissionError::Malformed {
        path: path.to_path_buf(),
        message: format!("not UTF-8 text ({e})"),
    })?;
    toml::from_str(text).map_err(|e| {
        SubmissionError::Malformed {
            path: path.to_path_buf(),
            message: toml_message(text, &e),
        }
        .into()
    })
}

/// A TOML error as one line with its line and column.
fn toml_message(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim().to_owned();
    match e.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    }
}

/// Reads at most `limit` bytes from the open `file` (`path` names it in
/// errors); more is a breach of the limit `name`.
pub(crate) fn read_limited_from(
    file: std::fs::File,
    path: &Path,
    limit: u64,
    name: &str,
) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| SubmissionError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(SubmissionError::Limit {
            path: path.to_path_buf(),
            message: format!(
                "the file is larger than allowed ({})",
                crate::limits::named(name, limit)
            ),
        }
        .into());
    }
    Ok(bytes)
}

/// Checks a manifest path is relative and stays inside the folder, and
/// returns it with `/` separators and no `.` parts.
pub(crate) fn normalise_relative(path: &str) -> Result<String, &'static str> {
    if path.is_empty() {
        return Err("the path is empty");
    }
    if path.contains('\\') {
        return Err("the path contains `\\`; use `/` separators");
    }
    let mut parts = Vec::new();
    for component in Path::new(path).components() {
        match component {
            PathComponent::Normal(part) => match part.to_str() {
                Some(p) => parts.push(p),
                None => return Err("the path is not valid UTF-8"),
            },
            PathComponent::CurDir => {}
            PathComponent::ParentDir => {
                return Err("the path contains `..` and could escape the submission folder");
            }
            PathComponent::RootDir | PathComponent::Prefix(_) => {
                return Err("the path is absolute; it must be relative to the submission folder");
            }
        }
    }
    if parts.is_empty() {
        return Err("the path names the folder itself");
    }
    Ok(parts.join("/"))
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Regular files under `root`, relative, sorted; symlinks are not followed.
/// Stops after `cap` entries.
pub(crate) fn list_files(root: &Path, cap: usize) -> Vec<String> {
    list_files_bounded(root, cap).0
}

/// The files under `root` (relative, `/`-separated), looking at no more
/// than `cap` entries, and whether that was all of them.
pub(crate) fn list_files_bounded(root: &Path, cap: usize) -> (Vec<String>, bool) {
    let mut walk = walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok);
    let files = files_of(root, walk.by_ref().take(cap));
    let complete = walk.next().is_none();
    (files, complete)
}

fn files_of(root: &Path, entries: impl Iterator<Item = walkdir::DirEntry>) -> Vec<String> {
    let mut out = BTreeSet::new();
    for entry in entries {
        if entry.file_type().is_dir() {
            continue;
        }
        if let Ok(rel) = entry.path().strip_prefix(root) {
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.insert(parts.join("/"));
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::normalise_relative;

    #[test]
    fn relative_paths_are_normalised_and_escapes_refused() {
        assert_eq!(
            normalise_relative("./a/./b.json"),
            Ok("a/b.json".to_owned())
        );
        assert!(normalise_relative("../x").is_err());
        assert!(normalise_relative("a/../../x").is_err());
        assert!(normalise_relative("/etc/passwd").is_err());
        assert!(normalise_relative("a\\..\\b").is_err());
        assert!(normalise_relative(".").is_err());
    }
}
