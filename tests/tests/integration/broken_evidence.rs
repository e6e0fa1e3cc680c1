//! Broken variants of every evidence format, through the engine: truncated,
//! wrong types, 10,000-deep nesting, a 50 MB string and invalid UTF-8. Each
//! is a clear extract error naming the document and the place — never a
//! trap, a hang or an approve.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use assure_engine::{Decision, TrustedBundle, Verdict};
use std::sync::OnceLock;

use assure_engine::Engine;
use assure_tests::{check, root};
use serde_json::Value;

/// Each JSON format: its plugin, media type and a valid document.
const JSON_FORMATS: &[(&str, &str, &str)] = &[
    (
        "cyclonedx",
        "application/vnd.cyclonedx+json",
        "plugins/cyclonedx/tests/fixtures/bom-examples_laravel-7.12.0_bom.1.4.json",
    ),
    (
        "spdx",
        "application/spdx+json",
        "plugins/spdx/tests/fixtures/spdx-examples_04-SBOMwSecurity.spdx2.3.json",
    ),
    (
        "openvex",
        "application/openvex+json",
        "plugins/openvex/tests/fixtures/vexctl_v020-1.vex.json",
    ),
    (
        "csaf",
        "application/csaf+json",
        "plugins/csaf/tests/fixtures/csaf2.0_bsi-2022-0001.json",
    ),
    (
        "dtac",
        "application/vnd.assure.dtac+json",
        "plugins/dtac/examples/careflow-dtac-v2.json",
    ),
    (
        "cyber-essentials",
        "application/vnd.assure.cyber-essentials+json",
        CYBER_ESSENTIALS_EXAMPLE,
    ),
    (
        "pentest",
        "application/vnd.assure.pentest+json",
        PENTEST_EXAMPLE,
    ),
    (
        "supplier-assurance",
        "application/vnd.assure.supplier-assurance+json",
        "plugins/supplier-assurance/examples/careflow-assurance-2025.json",
    ),
    (
        "slsa",
        "application/vnd.in-toto+json",
        "plugins/slsa/tests/fixtures/slsa_github-actions-workflow_v1_example.json",
    ),
    (
        "scorecard",
        "application/vnd.ossf.scorecard+json",
        "plugins/scorecard/tests/fixtures/scorecard-testdata_check3.json",
    ),
];

const CYBER_ESSENTIALS_EXAMPLE: &str =
    "plugins/cyber-essentials/examples/northwind-ce-plus-2025.json";
const PENTEST_EXAMPLE: &str = "plugins/pentest/examples/careflow-pentest-2026.json";

/// A submission of the given documents (name, media type, bytes).
fn decide(documents: &[(String, &str, Vec<u8>)]) -> Decision {
    let dir = tempfile::tempdir().unwrap();
    let mut manifest = String::from(
        "[product]\nname = \"CareFlow\"\nversion = \"1\"\nsupplier = \"Northwind Health Ltd\"\n",
    );
    for (name, media_type, bytes) in documents {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        manifest.push_str(&format!(
            "\n[[evidence]]\npath = \"{name}\"\nmedia_type = \"{media_type}\"\n"
        ));
    }
    std::fs::write(dir.path().join("submission.toml"), manifest).unwrap();
    check(engine(), dir.path()).unwrap()
}

/// The built-in bundle with a generous deadline: these tests are about how
/// a plugin reads a broken document, and a 50 MB document on a busy machine
/// can take longer than the default 2 s (which would be a `limit` error,
/// not the `invalid` one under test).
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::builder(TrustedBundle::builtin().unwrap())
            .limit("deadline_ms", 60_000)
            .build()
            .unwrap()
    })
}

/// Every document is an `invalid` error from its plugin, with a short
/// message, and the verdict is not approve.
fn assert_each_is_an_extract_error(
    decision: &Decision,
    documents: &[(String, &str, Vec<u8>)],
    want_location: bool,
) {
    assert_ne!(decision.verdict, Verdict::Approve);
    for (name, _, _) in documents {
        let errors: Vec<_> = decision
            .document_errors
            .iter()
            .filter(|e| &e.document == name)
            .collect();
        assert_eq!(errors.len(), 1, "{name}: {:?}", decision.document_errors);
        let error = errors[0];
        assert_eq!(error.kind, "invalid", "{name}: {error:?}");
        assert!(error.plugin.is_some(), "{name}");
        assert!(!error.message.is_empty(), "{name}");
        assert!(
            error.message.len() < 1_000,
            "{name}: message of {} bytes",
            error.message.len()
        );
        if want_location {
            assert!(
                !error.location.is_empty(),
                "{name}: no location: {}",
                error.message
            );
        }
    }
}

fn valid(path: &str) -> Vec<u8> {
    std::fs::read(root().join(path)).unwrap()
}

fn each_json_format(
    variant: &str,
    make: impl Fn(&[u8]) -> Vec<u8>,
) -> Vec<(String, &'static str, Vec<u8>)> {
    JSON_FORMATS
        .iter()
        .map(|(plugin, media_type, path)| {
            (
                format!("{plugin}-{variant}.json"),
                *media_type,
                make(&valid(path)),
            )
        })
        .collect()
}

#[test]
fn truncated_documents() {
    let documents = each_json_format("truncated", |bytes| bytes[..bytes.len() / 2].to_vec());
    let decision = decide(&documents);
    assert_each_is_an_extract_error(&decision, &documents, true);
    for error in &decision.document_errors {
        assert!(error.location.starts_with("line "), "{error:?}");
    }
}

/// Every string in the document becomes a number.
fn numbers_for_strings(value: &mut Value) {
    match value {
        Value::String(_) => *value = Value::from(12345),
        Value::Array(items) => items.iter_mut().for_each(numbers_for_strings),
        Value::Object(members) => members.values_mut().for_each(numbers_for_strings),
        _ => {}
    }
}

#[test]
fn wrong_types() {
    let documents = each_json_format("wrong-types", |bytes| {
        let mut value: Value = serde_json::from_slice(bytes).unwrap();
        numbers_for_strings(&mut value);
        serde_json::to_vec_pretty(&value).unwrap()
    });
    let decision = decide(&documents);
    assert_each_is_an_extract_error(&decision, &documents, false);
}

#[test]
fn deep_nesting() {
    let documents = each_json_format("deep", |_| {
        let mut doc = String::from("{\"nested\": ");
        doc.push_str(&"[".repeat(10_000));
        doc.push_str(&"]".repeat(10_000));
        doc.push('}');
        doc.into_bytes()
    });
    let decision = decide(&documents);
    // The host refuses them before any plugin reads them, naming the limit.
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
    assert_eq!(decision.document_errors.len(), documents.len());
    for error in &decision.document_errors {
        assert_eq!(error.kind, "limit", "{error:?}");
        assert!(
            error
                .message
                .contains("at line 1 (limits.nesting_depth = 64 levels)"),
            "{error:?}"
        );
    }
}

/// The document with its first string value replaced.
fn replace_first_string(bytes: &[u8], with: &[u8]) -> Vec<u8> {
    // The first `": "` or `":"` followed by a quote opens a string value.
    let text = bytes;
    let mut i = 0;
    while i + 1 < text.len() {
        if text[i] == b':' {
            let mut j = i + 1;
            while text[j] == b' ' {
                j += 1;
            }
            if text[j] == b'"' {
                let end = j + 1 + text[j + 1..].iter().position(|&b| b == b'"').unwrap();
                let mut out = text[..=j].to_vec();
                out.extend_from_slice(with);
                out.extend_from_slice(&text[end..]);
                return out;
            }
        }
        i += 1;
    }
    panic!("no string value");
}

#[test]
fn a_fifty_megabyte_string() {
    let huge = vec![b'a'; 50 * 1024 * 1024];
    let documents = each_json_format("huge", |bytes| replace_first_string(bytes, &huge));
    let decision = decide(&documents);
    // Some plugins refuse a document that size whole; the others name the
    // value.
    assert_each_is_an_extract_error(&decision, &documents, false);
}

#[test]
fn invalid_utf8() {
    let documents = each_json_format("utf8", |bytes| replace_first_string(bytes, b"caf\xff"));
    let decision = decide(&documents);
    assert_each_is_an_extract_error(&decision, &documents, true);
}

#[test]
fn broken_text_formats() {
    let security_txt = "Contact: mailto:security@example.org\nExpires: 2027-01-01T00:00:00Z\n";
    let mut invalid_utf8 = security_txt.as_bytes().to_vec();
    invalid_utf8.extend_from_slice(b"Policy: https://example.org/\xff\n");
    let signed_truncated = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: mailto:security@example.org\nExp";
    let mut long_line = b"Contact: mailto:".to_vec();
    long_line.extend(std::iter::repeat_n(b'a', 50 * 1024 * 1024));
    let mds2 = valid("plugins/mds2/examples/corvane-voluflow3-mds2.csv");
    let mut mds2_utf8 = mds2.clone();
    mds2_utf8.extend_from_slice(b"PAUT-9,Y\xffes,\n");
    let documents: Vec<(String, &str, Vec<u8>)> = vec![
        (
            "utf8.security.txt".into(),
            "text/security.txt",
            invalid_utf8,
        ),
        (
            "signed.security.txt".into(),
            "text/security.txt",
            signed_truncated.as_bytes().to_vec(),
        ),
        (
            "long.security.txt".into(),
            "text/security.txt",
            long_line.clone(),
        ),
        (
            "binary.security.txt".into(),
            "text/security.txt",
            vec![0u8, 159, 146, 150],
        ),
        ("utf8-mds2.csv".into(), "text/csv", mds2_utf8),
        ("long-mds2.csv".into(), "text/csv", long_line),
        (
            "nothing-mds2.csv".into(),
            "text/csv",
            b"a,b,c\n1,2,3\n".to_vec(),
        ),
    ];
    let decision = decide(&documents);
    assert_each_is_an_extract_error(&decision, &documents, true);
}
