//! The fail-closed property: start from `examples/approved` (which approves),
//! inject one fault, and the verdict is never approve.
//!
//! Every generated fault is a real fault, by construction:
//! - **trap**: one plugin that reads a document of the submission is swapped
//!   for the `trap` hostile fixture: that document cannot be read.
//! - **missing**: a listed evidence file is deleted: a trust failure.
//! - **flip**: one bit of one evidence file flips, the manifest's digest is
//!   left as it was: a digest mismatch, a trust failure (the bytes read are
//!   not the bytes declared, wherever the flip landed).
//! - **truncate**: a JSON evidence file is cut before its last
//!   non-whitespace byte (its closing brace), so it is no longer JSON; the
//!   digest is updated (so the plugin must notice) or not (a trust failure).
//!   Text files (security.txt, MDS2 CSV) are truncated with the digest left,
//!   only: a prefix of them can be a valid, smaller document.
//! - **quote**: a `"` is inserted into a JSON file at an offset not preceded
//!   by a backslash, digest updated. The new quote is unescaped, and it
//!   leaves the escaping of the byte after it as it was, so the document has
//!   an odd number of unescaped quotes and cannot be JSON.
//! - **invalid UTF-8**: one byte of a JSON file becomes 0xFF, digest
//!   updated: 0xFF is never valid UTF-8, and JSON is UTF-8.
//! - **remove**: a field a rule reads is removed from a JSON evidence file
//!   (a curated list, each checked on its own by
//!   `each_removed_field_alone_is_not_approved`), digest updated.
//!
//! A byte flip with the digest updated could land in whitespace or in a
//! field no rule reads, and still approve legitimately: that generator is
//! deliberately absent.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::path::Path;
use std::sync::OnceLock;

use assure_engine::decision::Verdict;
use assure_engine::{Bundle, CodeCache, Engine, TrustedBundle};
use assure_tests::{builtin_engine, builtin_files, check, example, hostile};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

/// The approved example's evidence: file, plugin that reads it, JSON or not.
const EVIDENCE: &[(&str, &str, bool)] = &[
    ("sbom.cdx.json", "cyclonedx", true),
    ("vex.openvex.json", "openvex", true),
    ("security.txt", "security-txt", false),
    ("dtac.json", "dtac", true),
    ("mds2.csv", "mds2", false),
    ("cyber-essentials.json", "cyber-essentials", true),
    ("pentest-summary.json", "pentest", true),
    ("provenance.intoto.json", "slsa", true),
    ("scorecard.json", "scorecard", true),
    ("supplier-assurance.json", "supplier-assurance", true),
];

/// JSON evidence files (indexes into [`EVIDENCE`]).
const JSON: &[usize] = &[0, 1, 3, 5, 6, 7, 8, 9];

/// Fields a rule reads, as (file, JSON Pointer): removing one leaves a rule
/// undecided or fires it. Not here, because the plugins derive them by
/// design: the Cyber Essentials `/expires` (issued + 12 months) and the
/// DTAC `/dtac_version` (told from the question numbering).
const READ_FIELDS: &[(&str, &str)] = &[
    ("cyber-essentials.json", "/issued"),
    ("cyber-essentials.json", "/organisation"),
    ("cyber-essentials.json", "/level"),
    ("pentest-summary.json", "/date"),
    ("pentest-summary.json", "/accreditation"),
    ("pentest-summary.json", "/owasp_top10_in_scope"),
    ("pentest-summary.json", "/findings/0/status"),
    // The example's DTAC is v1.0: safety case and hazard log, the clinical
    // safety officer, DSPT, ICO registration, custom code review, supplier MFA.
    ("dtac.json", "/answers/C1.1.2"),
    ("dtac.json", "/answers/C1.2"),
    ("dtac.json", "/answers/C2.3.1"),
    ("dtac.json", "/answers/C2.1"),
    ("dtac.json", "/answers/C3.3"),
    ("dtac.json", "/answers/C3.4"),
    ("scorecard.json", "/score"),
    ("provenance.intoto.json", "/subject"),
    ("provenance.intoto.json", "/predicate/runDetails"),
    ("vex.openvex.json", "/statements/0/status"),
    ("sbom.cdx.json", "/specVersion"),
    ("sbom.cdx.json", "/bomFormat"),
    ("sbom.cdx.json", "/metadata/component"),
    ("sbom.cdx.json", "/dependencies"),
    ("supplier-assurance.json", "/statement_date"),
    ("supplier-assurance.json", "/development"),
    ("supplier-assurance.json", "/incident_response"),
    ("supplier-assurance.json", "/dspt"),
    ("supplier-assurance.json", "/support"),
];

/// One fault. Offsets are fractions of the file's length (in 1/65536ths),
/// so one strategy fits every file.
#[derive(Debug, Clone)]
enum Fault {
    Trap {
        evidence: usize,
    },
    Missing {
        evidence: usize,
    },
    Flip {
        evidence: usize,
        at: u16,
        bit: u8,
    },
    Truncate {
        evidence: usize,
        at: u16,
        update_digest: bool,
    },
    Quote {
        json: usize,
        at: u16,
    },
    InvalidUtf8 {
        json: usize,
        at: u16,
    },
    Remove {
        field: usize,
    },
}

fn fault() -> impl Strategy<Value = Fault> {
    let evidence = 0..EVIDENCE.len();
    prop_oneof![
        evidence
            .clone()
            .prop_map(|evidence| Fault::Trap { evidence }),
        evidence
            .clone()
            .prop_map(|evidence| Fault::Missing { evidence }),
        (evidence.clone(), any::<u16>(), 0..8u8).prop_map(|(evidence, at, bit)| Fault::Flip {
            evidence,
            at,
            bit
        }),
        (evidence, any::<u16>(), any::<bool>()).prop_map(|(evidence, at, update_digest)| {
            Fault::Truncate {
                evidence,
                at,
                update_digest,
            }
        }),
        (0..JSON.len(), any::<u16>()).prop_map(|(json, at)| Fault::Quote { json, at }),
        (0..JSON.len(), any::<u16>()).prop_map(|(json, at)| Fault::InvalidUtf8 { json, at }),
        (0..READ_FIELDS.len()).prop_map(|field| Fault::Remove { field }),
    ]
}

/// A shared code cache, so every engine compiles each plugin once.
fn code_cache() -> CodeCache {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| tempfile::tempdir().unwrap());
    CodeCache::open(&dir.path().join("code")).unwrap()
}

/// The built-in bundle with the plugin reading `EVIDENCE[evidence]` replaced
/// by the `trap` fixture; one engine per plugin, built on first use.
fn trap_engine(evidence: usize) -> &'static Engine {
    static ENGINES: [OnceLock<Engine>; EVIDENCE.len()] = [const { OnceLock::new() }; 10];
    static TRAP: OnceLock<Vec<u8>> = OnceLock::new();
    ENGINES[evidence].get_or_init(|| {
        let trap = TRAP.get_or_init(|| hostile::component("trap").unwrap());
        let mut files = builtin_files().unwrap();
        let key = format!("plugins/{}.wasm", EVIDENCE[evidence].1);
        assert!(files.contains_key(&key), "{key}");
        files.insert(key, trap.clone());
        Engine::builder(TrustedBundle::authors_own(
            Bundle::from_files("trap bundle", files).unwrap(),
        ))
        .code_cache(Some(code_cache()))
        .build()
        .unwrap()
    })
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A copy of the approved example in a fresh folder.
fn approved_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(example("approved")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

/// Writes `bytes` as `file`, and with `update_digest` the manifest's
/// `sha256` for it too.
fn rewrite(dir: &Path, file: &str, bytes: &[u8], update_digest: bool) {
    let path = dir.join(file);
    if update_digest {
        let old = sha256_hex(&std::fs::read(&path).unwrap());
        let manifest_path = dir.join("submission.toml");
        let manifest = std::fs::read_to_string(&manifest_path).unwrap();
        assert!(manifest.contains(&old), "{file}: digest not in manifest");
        std::fs::write(&manifest_path, manifest.replace(&old, &sha256_hex(bytes))).unwrap();
    }
    std::fs::write(path, bytes).unwrap();
}

/// The offset `at` (a fraction in 1/65536ths) of a file of `len` bytes,
/// within `0..limit`.
fn offset(at: u16, limit: usize) -> usize {
    (usize::from(at) * limit) / 65536
}

/// Applies `fault` to the submission in `dir`; returns the engine to judge
/// it with.
fn apply(fault: &Fault, dir: &Path) -> &'static Engine {
    let read = |file: &str| std::fs::read(dir.join(file)).unwrap();
    match *fault {
        Fault::Trap { evidence } => return trap_engine(evidence),
        Fault::Missing { evidence } => {
            std::fs::remove_file(dir.join(EVIDENCE[evidence].0)).unwrap();
        }
        Fault::Flip { evidence, at, bit } => {
            let file = EVIDENCE[evidence].0;
            let mut bytes = read(file);
            let i = offset(at, bytes.len());
            bytes[i] ^= 1 << bit;
            rewrite(dir, file, &bytes, false);
        }
        Fault::Truncate {
            evidence,
            at,
            update_digest,
        } => {
            let (file, _, json) = EVIDENCE[evidence];
            let mut bytes = read(file);
            // JSON: cut at or before the closing brace. Text: anywhere short
            // of the end, digest never updated.
            let limit = if json {
                bytes
                    .iter()
                    .rposition(|b| !b.is_ascii_whitespace())
                    .unwrap()
            } else {
                bytes.len() - 1
            };
            bytes.truncate(offset(at, limit + 1));
            rewrite(dir, file, &bytes, update_digest && json);
        }
        Fault::Quote { json, at } => {
            let file = EVIDENCE[JSON[json]].0;
            let mut bytes = read(file);
            let mut i = offset(at, bytes.len());
            // Not after a backslash, where the quote would be escaped.
            while i > 0 && bytes[i - 1] == b'\\' {
                i -= 1;
            }
            bytes.insert(i, b'"');
            rewrite(dir, file, &bytes, true);
        }
        Fault::InvalidUtf8 { json, at } => {
            let file = EVIDENCE[JSON[json]].0;
            let mut bytes = read(file);
            let i = offset(at, bytes.len());
            bytes[i] = 0xFF;
            rewrite(dir, file, &bytes, true);
        }
        Fault::Remove { field } => remove_field(dir, READ_FIELDS[field]),
    }
    builtin_engine().unwrap()
}

/// Removes the field at a JSON Pointer, digest updated.
fn remove_field(dir: &Path, (file, pointer): (&str, &str)) {
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(file)).unwrap()).unwrap();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let removed = match value.pointer_mut(parent).unwrap() {
        serde_json::Value::Object(map) => map.shift_remove(key).is_some(),
        other => panic!("{file}{parent} is not an object: {other}"),
    };
    assert!(removed, "{file}{pointer} not found");
    let bytes = serde_json::to_vec_pretty(&value).unwrap();
    rewrite(dir, file, &bytes, true);
}

/// The verdict for the submission in `dir`, or `None` when it does not load
/// (a trust failure or an invalid manifest: never approve either).
fn verdict(engine: &Engine, dir: &Path) -> Option<Verdict> {
    check(engine, dir).ok().map(|d| d.verdict)
}

#[test]
fn the_unfaulted_copy_approves() {
    let dir = approved_copy();
    assert_eq!(
        verdict(builtin_engine().unwrap(), dir.path()),
        Some(Verdict::Approve)
    );
    // And a digest rewritten to the same bytes changes nothing.
    let bytes = std::fs::read(dir.path().join("dtac.json")).unwrap();
    rewrite(dir.path(), "dtac.json", &bytes, true);
    assert_eq!(
        verdict(builtin_engine().unwrap(), dir.path()),
        Some(Verdict::Approve)
    );
}

#[test]
fn each_removed_field_alone_is_not_approved() {
    let mut approved = Vec::new();
    for field in READ_FIELDS {
        let dir = approved_copy();
        remove_field(dir.path(), *field);
        if verdict(builtin_engine().unwrap(), dir.path()) == Some(Verdict::Approve) {
            approved.push(*field);
        }
    }
    assert!(approved.is_empty(), "approved without: {approved:?}");
}

#[test]
fn each_plugin_trapping_is_not_approved() {
    for (evidence, (file, plugin, _)) in EVIDENCE.iter().enumerate() {
        let dir = approved_copy();
        let decision = check(trap_engine(evidence), dir.path()).unwrap();
        assert_ne!(decision.verdict, Verdict::Approve, "{plugin}");
        assert!(
            decision
                .document_errors
                .iter()
                .any(|e| e.document == *file && e.kind == "fault"),
            "{:#?}",
            decision.document_errors
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_single_fault_approves(fault in fault()) {
        let dir = approved_copy();
        let engine = apply(&fault, dir.path());
        let verdict = verdict(engine, dir.path());
        prop_assert_ne!(verdict, Some(Verdict::Approve), "{:?}", fault);
    }
}
