//! `assure init`: a manifest for the files in a folder, each declared with
//! the media type it was recognised as, and a word on every file that was
//! not declared and why.

use std::collections::BTreeMap;
use std::path::Path;

use assure_trust::folder::{Folder, Links, OpenError};

use crate::error::{Error, IntegrityError, SubmissionError};
use crate::media::{self, Recognition};
use crate::submission::{
    EvidenceEntry, MANIFEST, Manifest, PLACEHOLDER, Product, Profile, SubmissionLimits, list_files,
    normalise_relative, parse_manifest, read_limited_from, sha256_hex,
};

/// One file and what `assure init` says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileNote {
    /// The file, relative to the folder, with `/` separators.
    pub path: String,
    /// What was found: the format recognised, or why the file was not
    /// declared.
    pub note: String,
}

/// What `assure init` found in a folder: the manifest to write, and a note on
/// each file.
#[derive(Debug, Clone)]
pub struct InitReport {
    /// The manifest.
    pub manifest: Manifest,
    /// The files declared with the media type they were recognised as, and
    /// the format ("CycloneDX 1.6 JSON").
    pub recognised: Vec<FileNote>,
    /// The files listed (with their digest) but no media type, because no
    /// format was recognised, and why: `assure check` reports each as
    /// unrecognised evidence.
    pub unrecognised: Vec<FileNote>,
    /// The files an existing manifest declared with a generic media type
    /// (`application/json`…), now declared as the format they were
    /// recognised as.
    pub redeclared: Vec<FileNote>,
    /// The files left out of the manifest, and why: a symbolic link, a FIFO,
    /// a socket or device, unreadable, too large.
    pub skipped: Vec<FileNote>,
}

/// Builds a `submission.toml` for the files in `root`, with their SHA-256
/// digests and media types. An existing manifest's product, profile and
/// declared media types are kept; otherwise the product fields are
/// placeholders for the supplier to fill in. See [`init_report`] for what it
/// says about each file.
///
/// # Errors
///
/// When `root` is not a folder, an existing manifest cannot be read or
/// parsed, or the folder holds more files than a manifest may list.
pub fn init(root: &Path) -> Result<Manifest, Error> {
    init_report(root).map(|report| report.manifest)
}

/// Why a file that could not be opened as a regular file was left out.
fn skipped_reason(root: &Path, relative: &str, error: &OpenError) -> String {
    match error {
        OpenError::Link => "a symbolic link (or in a linked folder): a link is not evidence \
                            the supplier vouches for; copy the file itself into the folder"
            .to_owned(),
        OpenError::Escapes => "it resolves outside the folder".to_owned(),
        OpenError::Missing => "it disappeared while `assure init` ran".to_owned(),
        OpenError::NotAFile => {
            let kind = std::fs::symlink_metadata(root.join(relative))
                .map(|m| file_kind(&m.file_type()))
                .unwrap_or("not a regular file");
            format!("{kind}, not a regular file: only files are evidence")
        }
        OpenError::Io(e) => format!("it cannot be read: {e}"),
    }
}

/// What kind of special file this is.
fn file_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    if kind.is_dir() {
        return "a folder";
    }
    "a special file"
}

/// Builds the manifest as [`init`] does, and says what it recognised in
/// each file and which files it did not declare, and why.
///
/// # Errors
///
/// As [`init`].
pub fn init_report(root: &Path) -> Result<InitReport, Error> {
    if !root.is_dir() {
        return Err(SubmissionError::NotAFolder {
            path: root.to_path_buf(),
        }
        .into());
    }
    let manifest_path = root.join(MANIFEST);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io {
            action: "read",
            path,
            source,
        }
    };
    let folder = Folder::open(root).map_err(io(root))?;
    let existing = match folder.open_file(MANIFEST, Links::StayInside) {
        Ok(file) => {
            let bytes = read_limited_from(
                file,
                &manifest_path,
                SubmissionLimits::default().max_manifest_bytes,
                "manifest_bytes",
            )?;
            Some(parse_manifest(&manifest_path, &bytes)?)
        }
        Err(OpenError::Missing | OpenError::NotAFile) => None,
        Err(e @ (OpenError::Escapes | OpenError::Link)) => {
            return Err(IntegrityError {
                path: manifest_path,
                problems: vec![format!("{MANIFEST}: {e}")],
            }
            .into());
        }
        Err(OpenError::Io(source)) => return Err(io(&manifest_path)(source)),
    };
    let declared: BTreeMap<String, String> = existing
        .iter()
        .flat_map(|m| m.evidence.iter())
        .filter_map(|e| Some((normalise_relative(&e.path).ok()?, e.media_type.clone()?)))
        .collect();
    let limits = SubmissionLimits::default();
    let mut report = InitReport {
        manifest: Manifest {
            product: Product {
                name: String::new(),
                version: String::new(),
                supplier: String::new(),
                identifiers: Vec::new(),
                artifact_sha256: Vec::new(),
            },
            profile: Profile::default(),
            evidence: Vec::new(),
        },
        recognised: Vec::new(),
        unrecognised: Vec::new(),
        redeclared: Vec::new(),
        skipped: Vec::new(),
    };
    let mut by_path = BTreeMap::new();
    for rel in list_files(root, limits.max_files.saturating_mul(10)) {
        if rel == MANIFEST || rel.split('/').any(|p| p.starts_with('.')) {
            continue;
        }
        let path = root.join(&rel);
        let note = |note: String| FileNote {
            path: rel.clone(),
            note,
        };
        if crate::submission::is_waiver_path(&rel) {
            report.skipped.push(note(
                "a buyer's waiver (`waivers/`): `assure check` judges it as a waiver, never as evidence".into(),
            ));
            continue;
        }
        // Links and special files are not evidence a supplier vouches for.
        let file = match folder.open_file(&rel, Links::Refused) {
            Ok(file) => file,
            Err(e) => {
                report.skipped.push(note(skipped_reason(root, &rel, &e)));
                continue;
            }
        };
        let bytes = match read_limited_from(file, &path, limits.max_file_bytes, "file_bytes") {
            Ok(bytes) => bytes,
            Err(Error::Submission(SubmissionError::Limit { message, .. })) => {
                report.skipped.push(note(format!(
                    "too large: {}",
                    message.trim_start_matches("the file is ")
                )));
                continue;
            }
            Err(e) => {
                report.skipped.push(note(format!("it cannot be read: {e}")));
                continue;
            }
        };
        let recognition = media::recognise(&rel, &bytes);
        let media_type = match (declared.get(&rel), recognition) {
            (Some(old), Recognition::Recognised { media_type, format })
                if media::is_generic(old) =>
            {
                report.redeclared.push(note(format!(
                    "declared `{old}` before, recognised now as {format} (`{media_type}`)"
                )));
                Some(media_type.to_owned())
            }
            (Some(old), _) => Some(old.clone()),
            (None, Recognition::Recognised { media_type, format }) => {
                report.recognised.push(note(format));
                Some(media_type.to_owned())
            }
            (None, Recognition::Unrecognised { reason, .. }) => {
                report.unrecognised.push(note(reason));
                None
            }
        };
        by_path.insert(
            rel.clone(),
            EvidenceEntry {
                media_type,
                sha256: Some(sha256_hex(&bytes)),
                path: rel,
            },
        );
    }
    let evidence: Vec<EvidenceEntry> = by_path.into_values().collect();
    if evidence.len() > limits.max_files {
        return Err(SubmissionError::Limit {
            path: root.to_path_buf(),
            message: format!(
                "{} files, more than allowed ({})",
                evidence.len(),
                crate::limits::named("files", u64::try_from(limits.max_files).unwrap_or(u64::MAX))
            ),
        }
        .into());
    }
    let (product, profile) = match existing {
        Some(m) => (m.product, m.profile),
        None => (
            Product {
                name: format!("{PLACEHOLDER}: product name"),
                version: format!("{PLACEHOLDER}: version"),
                supplier: format!("{PLACEHOLDER}: supplier legal name"),
                identifiers: Vec::new(),
                artifact_sha256: Vec::new(),
            },
            Profile::default(),
        ),
    };
    report.manifest = Manifest {
        product,
        profile,
        evidence,
    };
    Ok(report)
}

/// `text` with its control characters escaped (`\n`, `\u{1b}`), to show a
/// file name or a reason on one line of a terminal or a TOML comment.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The manifest as TOML text, as `assure init` writes it.
pub fn manifest_to_toml(manifest: &Manifest) -> String {
    to_toml(manifest, &BTreeMap::new(), &[])
}

/// The manifest as TOML text, as `assure init` writes it, with its notes as
/// comments: the format of each file recognised, why each unrecognised file
/// has no media type, and which files were left out and why.
pub fn report_to_toml(report: &InitReport) -> String {
    let mut notes: BTreeMap<&str, String> = BTreeMap::new();
    for n in &report.recognised {
        notes.insert(&n.path, format!("# {}\n", printable(&n.note)));
    }
    for n in &report.redeclared {
        notes.insert(&n.path, format!("# {}\n", printable(&n.note)));
    }
    for n in &report.unrecognised {
        notes.insert(
            &n.path,
            format!(
                "# not recognised: {}.\n# Declare its media_type if a plugin reads it; as it is, \
                 `assure check` reports it as unrecognised evidence.\n",
                printable(n.note.trim_end_matches('.'))
            ),
        );
    }
    to_toml(&report.manifest, &notes, &report.skipped)
}

fn to_toml(manifest: &Manifest, notes: &BTreeMap<&str, String>, skipped: &[FileNote]) -> String {
    #[derive(serde::Serialize)]
    struct One<'a> {
        evidence: [&'a EvidenceEntry; 1],
    }
    let head = Manifest {
        evidence: Vec::new(),
        ..manifest.clone()
    };
    let mut body = toml::to_string_pretty(&head).unwrap_or_default();
    // Each answered profile question with the question as a comment, so a
    // reader knows what `criticality = "high"` answers.
    if let Some(at) = body.find("[profile]\n") {
        let (before, section) = body.split_at(at);
        let section: String = section
            .split_inclusive('\n')
            .map(|line| {
                let key = line.split(" = ").next().unwrap_or_default();
                match Profile::QUESTIONS.iter().find(|(k, _)| *k == key) {
                    Some((_, question)) if manifest.profile.answer(key).is_some() => {
                        format!("{}   # {question}\n", line.trim_end())
                    }
                    _ => line.to_owned(),
                }
            })
            .collect();
        body = format!("{before}{section}");
    }
    // Each unanswered profile question as a comment to answer, under
    // `[profile]`: never a silent `false`, and never a silent tier.
    let unanswered: String = Profile::QUESTIONS
        .iter()
        .filter(|(key, _)| manifest.profile.answer(key).is_none())
        .map(|(key, question)| {
            if Profile::is_yes_no(key) {
                format!("# {key} = true or false   # {question} (unanswered: judged as true)\n")
            } else {
                let answers: Vec<String> = Profile::answers(key)
                    .iter()
                    .map(|a| format!("\"{a}\""))
                    .collect();
                format!(
                    "# {key} = {}   # {question} (unanswered: judged as \"{}\")\n",
                    answers.join(" | "),
                    Profile::strictest(key)
                )
            }
        })
        .collect();
    if !unanswered.is_empty() {
        body = match body.find("[profile]\n") {
            Some(at) => {
                let (head, tail) = body.split_at(at + "[profile]\n".len());
                format!("{head}{unanswered}{tail}")
            }
            None => format!("{}\n\n[profile]\n{unanswered}", body.trim_end()),
        };
    }
    // Each entry on its own, so that its note goes just above it.
    for entry in &manifest.evidence {
        let text = toml::to_string_pretty(&One { evidence: [entry] }).unwrap_or_default();
        let note = notes.get(entry.path.as_str()).map_or("", String::as_str);
        body = format!("{}\n\n{note}{}", body.trim_end(), text.trim_end());
    }
    if !skipped.is_empty() {
        body = format!(
            "{}\n\n# Left out of this manifest by `assure init`:\n",
            body.trim_end()
        );
        for s in skipped {
            body.push_str(&format!(
                "#   {}: {}\n",
                printable(&s.path),
                printable(&s.note)
            ));
        }
    }
    format!(
        "# assure submission manifest: the product, its deployment profile, and each evidence file\n\
         # with its media type and SHA-256. See the README for the format.\n\n{}\n",
        body.trim_end()
    )
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "a test fails on the first surprise")]

    use super::*;

    #[test]
    fn notes_are_comments_that_cannot_break_out_of_their_line() {
        let report = InitReport {
            manifest: Manifest {
                product: Product {
                    name: "x".to_owned(),
                    version: "1".to_owned(),
                    supplier: "s".to_owned(),
                    identifiers: Vec::new(),
                    artifact_sha256: Vec::new(),
                },
                profile: Profile::default(),
                evidence: vec![
                    EvidenceEntry {
                        path: "a.json".to_owned(),
                        media_type: None,
                        sha256: Some("0".repeat(64)),
                    },
                    EvidenceEntry {
                        path: "b.cdx.json".to_owned(),
                        media_type: Some(media::CYCLONEDX_JSON.to_owned()),
                        sha256: Some("1".repeat(64)),
                    },
                ],
            },
            recognised: vec![FileNote {
                path: "b.cdx.json".to_owned(),
                note: "CycloneDX 1.6 JSON".to_owned(),
            }],
            unrecognised: vec![FileNote {
                path: "a.json".to_owned(),
                note: "JSON, but no member says which format (it has `x\n[product]`)".to_owned(),
            }],
            redeclared: Vec::new(),
            skipped: vec![FileNote {
                path: "evil\nname = \"y\"".to_owned(),
                note: "a FIFO (named pipe), not a regular file".to_owned(),
            }],
        };
        let text = report_to_toml(&report);
        assert!(
            text.contains(
                "# CycloneDX 1.6 JSON\n[[evidence]]\npath = \"b.cdx.json\"\nmedia_type = \"application/vnd.cyclonedx+json\""
            ),
            "{text}"
        );
        assert!(
            text.contains("# not recognised: JSON, but no member says which format (it has `x\\n[product]`).\n# Declare its media_type"),
            "{text}"
        );
        assert!(
            text.contains("#   evil\\nname = \"y\": a FIFO (named pipe), not a regular file\n"),
            "{text}"
        );
        // The comments change nothing: it parses back to the same manifest.
        let parsed: Manifest = toml::from_str(&text).unwrap();
        assert_eq!(parsed, report.manifest);
        assert_eq!(
            toml::from_str::<Manifest>(&manifest_to_toml(&report.manifest)).unwrap(),
            report.manifest
        );
    }
}
