//! Hostile documents through the real built-in engine: a 100 MB evidence
//! file, 100,000-deep nesting, duplicate keys, a byte-order mark, CRLF line
//! ends, and submissions of 100,000 files. None may approve, crash the host
//! or take long; the ones that are harmless (BOM, CRLF) must read the same
//! as without.

#![allow(
    clippy::disallowed_macros,
    reason = "a test reports what it measured or skipped"
)]
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use assure_engine::decision::Verdict;
use assure_engine::{CodeCache, Decision, Engine, LoadOptions, Submission, SubmissionLimits};
use assure_tests::{as_of, builtin_engine, check, example};

/// A submission folder holding `documents` (name, media type, bytes).
fn submission(documents: &[(&str, &str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut manifest = String::from(
        "[product]\nname = \"CareFlow\"\nversion = \"4.2.0\"\nsupplier = \"Northwind Health Ltd\"\n",
    );
    for (name, media_type, bytes) in documents {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        manifest.push_str(&format!(
            "\n[[evidence]]\npath = \"{name}\"\nmedia_type = \"{media_type}\"\n"
        ));
    }
    std::fs::write(dir.path().join("submission.toml"), manifest).unwrap();
    dir
}

fn load(dir: &Path, limits: SubmissionLimits) -> Result<Submission, String> {
    Submission::load(
        dir,
        &LoadOptions {
            limits,
            ..LoadOptions::default()
        },
    )
    .map_err(|e| e.to_string())
}

/// The one error for `document`: its kind and message.
fn error_for<'a>(decision: &'a Decision, document: &str) -> (&'static str, &'a str) {
    let errors: Vec<_> = decision
        .document_errors
        .iter()
        .filter(|e| e.document == document)
        .collect();
    assert_eq!(
        errors.len(),
        1,
        "{document}: {:#?}",
        decision.document_errors
    );
    (errors[0].kind.as_str(), errors[0].message.as_str())
}

// ---------------------------------------------------------------------------
// A 100 MB evidence file.

const HUNDRED_MB: usize = 100 * 1024 * 1024;

/// A CycloneDX SBOM of just over 100 MB: the approved example's SBOM with a
/// 100 MB component description. Built once.
fn big_sbom() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let sbom = std::fs::read_to_string(example("approved").join("sbom.cdx.json")).unwrap();
        let marker = "\"components\": [";
        let at = sbom.find(marker).unwrap() + marker.len();
        let mut text = String::with_capacity(sbom.len() + HUNDRED_MB + 200);
        text.push_str(&sbom[..at]);
        text.push_str("\n    {\"type\": \"library\", \"name\": \"padding\", \"description\": \"");
        text.push_str(&"a".repeat(HUNDRED_MB));
        text.push_str("\"},");
        text.push_str(&sbom[at..]);
        submission(&[(
            "sbom.cdx.json",
            "application/vnd.cyclonedx+json",
            text.as_bytes(),
        )])
    })
    .path()
}

#[test]
fn a_100_mb_file_over_the_file_limit_is_refused_naming_file_and_limit() {
    let error = load(
        big_sbom(),
        SubmissionLimits {
            max_file_bytes: 64 * 1024 * 1024,
            ..SubmissionLimits::default()
        },
    )
    .unwrap_err();
    assert!(error.contains("sbom.cdx.json"), "{error}");
    assert!(
        error.contains("larger than allowed (limits.file_bytes = 64 MiB)"),
        "{error}"
    );
}

#[test]
fn a_100_mb_file_over_the_plugin_input_cap_is_a_limit_error() {
    let code = tempfile::tempdir().unwrap();
    let engine = Engine::builder(assure_engine::TrustedBundle::builtin().unwrap())
        .limit("input_bytes", 64 * 1024 * 1024)
        .code_cache(Some(CodeCache::open(code.path()).unwrap()))
        .build()
        .unwrap();
    let decision = check(&engine, big_sbom()).unwrap();
    let (kind, message) = error_for(&decision, "sbom.cdx.json");
    assert_eq!(kind, "limit");
    assert!(
        message.contains("more than a plugin may read (limits.input_bytes = 64 MiB)"),
        "{message}"
    );
    assert_ne!(decision.verdict, Verdict::Approve);
}

#[test]
fn a_100_mb_file_within_the_defaults_is_read_by_the_plugin_and_refused() {
    // Default limits let 100 MB through to the plugin, which refuses a text
    // value over 16 MiB, unless parsing 100 MB outlasts the 2 s deadline
    // first (it does on a slow machine): an error for the document naming
    // what stopped it, never approve.
    let started = Instant::now();
    let decision = check(builtin_engine().unwrap(), big_sbom()).unwrap();
    let took = started.elapsed();
    let (kind, message) = error_for(&decision, "sbom.cdx.json");
    match kind {
        "invalid" => assert!(
            message.contains("a text value of 104857600 bytes is longer than this plugin reads (16777216 bytes at most)"),
            "{message}"
        ),
        "limit" => assert!(
            message.contains("deadline exceeded (limits.deadline_ms = 2,000 milliseconds)"),
            "{message}"
        ),
        other => panic!("{other}: {message}"),
    }
    assert_ne!(decision.verdict, Verdict::Approve);
    eprintln!("100 MB SBOM: decided in {took:?}");
}

// ---------------------------------------------------------------------------
// 100,000-deep nesting.

#[test]
fn nesting_100000_deep_is_an_error_for_each_document_not_a_crash() {
    let mut deep = String::from("{\"nested\": ");
    deep.push_str(&"[".repeat(100_000));
    deep.push_str(&"]".repeat(100_000));
    deep.push('}');
    let formats = [
        ("cdx.json", "application/vnd.cyclonedx+json"),
        ("openvex.json", "application/openvex+json"),
        ("csaf.json", "application/csaf+json"),
        ("dtac.json", "application/vnd.assure.dtac+json"),
        ("spdx.json", "application/spdx+json"),
        ("ce.json", "application/vnd.assure.cyber-essentials+json"),
        ("pentest.json", "application/vnd.assure.pentest+json"),
        (
            "assurance.json",
            "application/vnd.assure.supplier-assurance+json",
        ),
        ("intoto.json", "application/vnd.in-toto+json"),
        ("scorecard.json", "application/vnd.ossf.scorecard+json"),
    ];
    let documents: Vec<(&str, &str, &[u8])> = formats
        .iter()
        .map(|(name, media_type)| (*name, *media_type, deep.as_bytes()))
        .collect();
    let dir = submission(&documents);
    let decision = check(builtin_engine().unwrap(), dir.path()).unwrap();
    for (name, _) in formats {
        // Refused by the host before any plugin reads it, naming the limit.
        let (kind, message) = error_for(&decision, name);
        assert_eq!(kind, "limit", "{name}: {message}");
        assert!(
            message.contains("at line 1 (limits.nesting_depth = 64 levels)"),
            "{name}: {message}"
        );
    }
    assert_ne!(decision.verdict, Verdict::Approve);
}

// ---------------------------------------------------------------------------
// Duplicate keys, a byte-order mark, CRLF line ends.

/// The product facts' values (not their provenance, whose digests differ).
fn product_values(decision: &Decision) -> BTreeMap<String, String> {
    decision
        .facts
        .product
        .iter()
        .map(|(path, record)| (path.clone(), record.value.to_string()))
        .collect()
}

/// The approved example with `file` rewritten by `change`, digest updated.
fn approved_with(file: &str, change: impl Fn(&[u8]) -> Vec<u8>) -> Decision {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(example("approved")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    let path = dir.path().join(file);
    let before = std::fs::read(&path).unwrap();
    let after = change(&before);
    assert!(before != after, "{file}: the change changed nothing");
    std::fs::write(&path, &after).unwrap();
    // Drop the declared digest of the changed file: a same-content change
    // should not be a trust failure for this test.
    let manifest = std::fs::read_to_string(dir.path().join("submission.toml")).unwrap();
    let entry = format!("path = \"{file}\"\n");
    let start = manifest.find(&entry).unwrap();
    let sha_line = manifest[start..].find("sha256 = ").unwrap() + start;
    let end = manifest[sha_line..].find('\n').unwrap() + sha_line + 1;
    let manifest = format!("{}{}", &manifest[..sha_line], &manifest[end..]);
    std::fs::write(dir.path().join("submission.toml"), manifest).unwrap();
    check(builtin_engine().unwrap(), dir.path()).unwrap()
}

fn baseline() -> &'static Decision {
    static DECISION: OnceLock<Decision> = OnceLock::new();
    DECISION.get_or_init(|| check(builtin_engine().unwrap(), &example("approved")).unwrap())
}

/// CRLF line ends made LF, or LF made CRLF (the example's MDS2 CSV is
/// CRLF, its security.txt LF).
fn other_line_ends(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    if text.contains("\r\n") {
        text.replace("\r\n", "\n").into_bytes()
    } else {
        text.replace('\n', "\r\n").into_bytes()
    }
}

fn with_bom(bytes: &[u8]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    out.extend_from_slice(bytes);
    out
}

/// Read without error, approved, and with the same product facts as the
/// unchanged example.
fn assert_reads_like_the_baseline(file: &str, decision: &Decision) {
    assert!(
        decision.document_errors.is_empty(),
        "{file}: {:#?}",
        decision.document_errors
    );
    assert_eq!(
        decision.verdict,
        Verdict::Approve,
        "{file}: {}",
        decision.summary
    );
    assert_eq!(
        product_values(decision),
        product_values(baseline()),
        "{file}"
    );
}

#[test]
fn a_byte_order_mark_reads_the_same_as_without() {
    for file in ["dtac.json", "sbom.cdx.json", "security.txt", "mds2.csv"] {
        let decision = approved_with(file, with_bom);
        assert_reads_like_the_baseline(file, &decision);
    }
}

#[test]
fn crlf_line_ends_read_the_same_as_lf() {
    for file in ["security.txt", "mds2.csv"] {
        let decision = approved_with(file, other_line_ends);
        assert_reads_like_the_baseline(file, &decision);
        // Line locations are the same lines.
        let lines = |d: &Decision| -> Vec<String> {
            d.facts
                .product
                .values()
                .flat_map(|r| r.provenance.iter())
                .filter(|p| p.document == file)
                .map(|p| p.location.clone())
                .collect()
        };
        assert_eq!(lines(&decision), lines(baseline()), "{file}");
    }
}

#[test]
fn a_duplicated_key_that_changes_the_format_is_not_read_as_cyclonedx() {
    // `{"bomFormat":"CycloneDX","bomFormat":"SPDX",…}`: serde_json keeps the
    // last, so the CycloneDX plugin sees "SPDX" and refuses the document.
    let decision = approved_with("sbom.cdx.json", |bytes| {
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        text.replacen(
            "\"bomFormat\": \"CycloneDX\",",
            "\"bomFormat\": \"CycloneDX\", \"bomFormat\": \"SPDX\",",
            1,
        )
        .into_bytes()
    });
    let (_, message) = error_for(&decision, "sbom.cdx.json");
    assert!(
        message.contains("bomFormat") || message.contains("SPDX"),
        "{message}"
    );
    assert_ne!(decision.verdict, Verdict::Approve);
}

#[test]
fn a_duplicated_vex_status_is_an_error_not_a_silent_choice() {
    // A statement saying both "affected" and "not_affected": a user expects
    // an error (or at least a note), never one of the two picked silently.
    let decision = approved_with("vex.openvex.json", |bytes| {
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        text.replacen(
            "\"status\": \"not_affected\",",
            "\"status\": \"affected\", \"status\": \"not_affected\",",
            1,
        )
        .into_bytes()
    });
    let (_, message) = error_for(&decision, "vex.openvex.json");
    assert!(message.contains("status"), "{message}");
    assert_ne!(decision.verdict, Verdict::Approve);
}

// ---------------------------------------------------------------------------
// 100,000 files.

#[test]
fn a_manifest_listing_100000_files_is_refused_fast_naming_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut manifest = String::from(
        "[product]\nname = \"CareFlow\"\nversion = \"4.2.0\"\nsupplier = \"Northwind Health Ltd\"\n",
    );
    for i in 0..100_000 {
        manifest.push_str(&format!("\n[[evidence]]\npath = \"f{i}.json\"\n"));
    }
    std::fs::write(dir.path().join("submission.toml"), &manifest).unwrap();

    let started = Instant::now();
    // The default manifest limit (1 MiB) bites first: the manifest is ~3 MB.
    let error = load(dir.path(), SubmissionLimits::default()).unwrap_err();
    assert!(error.contains("submission.toml"), "{error}");
    assert!(
        error.contains("larger than allowed (limits.manifest_bytes = 1 MiB)"),
        "{error}"
    );
    // With room for the manifest, the file-count limit bites.
    let error = load(
        dir.path(),
        SubmissionLimits {
            max_manifest_bytes: 16 * 1024 * 1024,
            ..SubmissionLimits::default()
        },
    )
    .unwrap_err();
    assert!(
        error.contains("100000 evidence entries, more than allowed (limits.files = 1,000 files)"),
        "{error}"
    );
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "took {took:?}");
    eprintln!("manifest of 100,000 entries refused twice in {took:?}");
}

#[test]
fn a_folder_of_100000_unlisted_files_is_handled_fast() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(example("approved")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    let junk = dir.path().join("junk");
    std::fs::create_dir(&junk).unwrap();
    let started = Instant::now();
    // Hard links (one system call each, the cheapest way to make 100,000
    // directory entries), to one file per 50,000 (ext4 allows 65,000 links).
    for i in 0..100_000 {
        let name = junk.join(format!("{i}.json"));
        if i % 50_000 == 0 {
            std::fs::write(&name, b"{}").unwrap();
        } else {
            std::fs::hard_link(junk.join(format!("{}.json", i / 50_000 * 50_000)), name).unwrap();
        }
    }
    eprintln!("wrote 100,000 files in {:?}", started.elapsed());

    let started = Instant::now();
    let submission = load(dir.path(), SubmissionLimits::default()).unwrap();
    let (decision, _) = builtin_engine()
        .unwrap()
        .check(&submission, &as_of())
        .unwrap();
    let took = started.elapsed();
    // Unlisted files are listed, not judged: the listed evidence still
    // decides, and the listing is bounded (10 × the file limit).
    assert_eq!(decision.verdict, Verdict::Approve, "{}", decision.summary);
    assert!(!decision.inputs.unlisted.is_empty());
    assert!(
        decision.inputs.unlisted.len() <= 10 * 1000,
        "{}",
        decision.inputs.unlisted.len()
    );
    // …and says that it is cut short, rather than dropping the rest silently.
    assert!(
        decision
            .notes
            .iter()
            .any(|n| n.document == "submission.toml"
                && n.message
                    .contains("more than the 10000 entries assure looks at (10 × limits.files)")),
        "{:#?}",
        decision.notes
    );
    assert!(took < Duration::from_secs(10), "took {took:?}");
    eprintln!(
        "100,000 unlisted files: {} listed, decided in {took:?}",
        decision.inputs.unlisted.len()
    );
}
