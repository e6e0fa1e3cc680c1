#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test fails on the first surprise"
)]

use super::*;

/// A document the real tools wrote (`engine/tests/fixtures/generated`,
/// see PROVENANCE.md there).
macro_rules! generated {
    ($file:literal) => {
        include_bytes!(concat!("../../tests/fixtures/generated/", $file)).as_slice()
    };
}

/// An example submission's file.
fn example(folder: &str, file: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(folder)
        .join(file);
    std::fs::read(&path).unwrap()
}

#[track_caller]
fn recognised(name: &str, bytes: &[u8], media_type: &str) -> String {
    match recognise(name, bytes) {
        Recognition::Recognised {
            media_type: m,
            format,
        } if m == media_type => format,
        other => panic!("{name}: expected {media_type}, got {other:?}"),
    }
}

#[track_caller]
fn unrecognised(name: &str, bytes: &[u8]) -> (&'static str, String) {
    match recognise(name, bytes) {
        Recognition::Unrecognised { media_type, reason } => (media_type, reason),
        other => panic!("{name}: expected it unrecognised, got {other:?}"),
    }
}

/// A JSON object's top-level members in reverse order.
fn reversed(bytes: &[u8]) -> Vec<u8> {
    let value: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    let object = value.as_object().unwrap();
    let members: serde_json::Map<String, serde_json::Value> = object
        .iter()
        .rev()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    serde_json::to_vec(&serde_json::Value::Object(members)).unwrap()
}

#[test]
fn sboms_the_generators_wrote_are_recognised() {
    // cyclonedx-py sorts its keys: `bomFormat` and `specVersion` come last.
    let format = recognised(
        "bom.json",
        generated!("cyclonedx-py-requirements.cdx.json"),
        CYCLONEDX_JSON,
    );
    assert_eq!(format, "CycloneDX 1.6 JSON");
    recognised(
        "bom.json",
        generated!("cyclonedx-py-environment.cdx.json"),
        CYCLONEDX_JSON,
    );
    recognised(
        "bom.json",
        generated!("careflow-lite.cdx.json"),
        CYCLONEDX_JSON,
    );
    // cdxgen writes one line; cargo-cyclonedx pretty-prints.
    recognised(
        "bom.json",
        generated!("cdxgen-python.cdx.json"),
        CYCLONEDX_JSON,
    );
    let format = recognised(
        "bom.json",
        generated!("cargo-cyclonedx.cdx.json"),
        CYCLONEDX_JSON,
    );
    assert_eq!(format, "CycloneDX 1.5 JSON");
    // pyspdxtools sorts its keys too: `SPDXID` first, `spdxVersion` late.
    let format = recognised(
        "sbom.json",
        generated!("SPDXTagExample-v2.3.spdx.json"),
        SPDX_JSON,
    );
    assert_eq!(format, "SPDX 2.3 JSON");
}

#[test]
fn spdx_tag_value_is_named_with_how_to_convert_it() {
    let (media_type, reason) = unrecognised("sbom.spdx", generated!("SPDXTagExample-v2.3.spdx"));
    assert_eq!(media_type, "text/spdx");
    assert!(reason.contains("SPDX 2.3 tag-value"), "{reason}");
    assert!(reason.contains("pyspdxtools"), "{reason}");
}

#[test]
fn every_example_document_is_recognised_as_its_manifest_declares() {
    for folder in ["approved", "rejected", "needs-evidence", "assure-self"] {
        let manifest: toml::Value =
            toml::from_str(&String::from_utf8(example(folder, "submission.toml")).unwrap())
                .unwrap();
        for entry in manifest["evidence"].as_array().unwrap() {
            let path = entry["path"].as_str().unwrap();
            let declared = entry["media_type"].as_str().unwrap();
            let bytes = example(folder, path);
            recognised(path, &bytes, declared);
            // Neither the name nor the key order decides.
            recognised("evidence", &bytes, declared);
            if is_json(declared) {
                recognised("evidence", &reversed(&bytes), declared);
            }
        }
    }
}

#[test]
fn cyclonedx_whatever_its_layout() {
    let bom = example("approved", "sbom.cdx.json");
    let value: serde_json::Value = serde_json::from_slice(&bom).unwrap();
    // Compact, pretty, reversed, with a byte-order mark and leading space.
    recognised("x", &serde_json::to_vec(&value).unwrap(), CYCLONEDX_JSON);
    recognised(
        "x",
        &serde_json::to_vec_pretty(&value).unwrap(),
        CYCLONEDX_JSON,
    );
    recognised("x", &reversed(&bom), CYCLONEDX_JSON);
    let mut with_bom = b"\xef\xbb\xbf \r\n\t".to_vec();
    with_bom.extend_from_slice(&reversed(&bom));
    recognised("x", &with_bom, CYCLONEDX_JSON);
    // A 1 MiB `components` array before the marker, as a sorted writer
    // puts it, far past any byte window.
    let component = r#"{"type":"library","name":"left-pad","version":"1.3.0","purl":"pkg:npm/left-pad@1.3.0","hashes":[{"alg":"SHA-256","content":"0000000000000000000000000000000000000000000000000000000000000000"}],"properties":[{"name":"a","value":"b"}]}"#;
    let count = (1024 * 1024) / component.len() + 1;
    let components = vec![component; count].join(",");
    let doc = format!(
        "{{\"components\":[{components}],\"metadata\":{{\"component\":{{\"type\":\"application\",\"name\":\"x\"}}}},\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\"}}"
    );
    assert!(doc.len() > 1024 * 1024);
    assert_eq!(
        recognised("x", doc.as_bytes(), CYCLONEDX_JSON),
        "CycloneDX 1.6 JSON"
    );
}

#[test]
fn each_json_format_by_its_members() {
    let cases: &[(&str, &str, &str)] = &[
        (
            r#"{"SPDXID":"SPDXRef-DOCUMENT","packages":[],"spdxVersion":"SPDX-2.2"}"#,
            SPDX_JSON,
            "SPDX 2.2 JSON",
        ),
        (
            r#"{"statements":[],"@id":"https://x/1","@context":"https://openvex.dev/ns/v0.2.0"}"#,
            OPENVEX_JSON,
            "OpenVEX 0.2.0",
        ),
        (
            r#"{"@context":"https://openvex.dev/ns","@id":"x","statements":[]}"#,
            OPENVEX_JSON,
            "OpenVEX (before 0.2)",
        ),
        (
            r#"{"vulnerabilities":[],"product_tree":{},"document":{"tracking":{},"category":"csaf_vex","csaf_version":"2.0"}}"#,
            CSAF_JSON,
            "CSAF 2.0 csaf_vex",
        ),
        (
            r#"{"predicate":{},"predicateType":"https://slsa.dev/provenance/v1","subject":[],"_type":"https://in-toto.io/Statement/v1"}"#,
            IN_TOTO_JSON,
            "in-toto Statement (https://slsa.dev/provenance/v1)",
        ),
        (
            r#"{"subject":[{"name":"x"}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{}}"#,
            IN_TOTO_JSON,
            "in-toto Statement (https://slsa.dev/provenance/v1)",
        ),
        (
            r#"{"signatures":[],"payload":"e30=","payloadType":"application/vnd.in-toto+json"}"#,
            DSSE_JSON,
            "DSSE envelope (application/vnd.in-toto+json)",
        ),
        (
            r#"{"date":"2024-01-01","repo":{"name":"github.com/x/y"},"scorecard":{"version":"v5"},"score":5.1,"checks":[{"name":"Fuzzing","score":0}]}"#,
            SCORECARD_JSON,
            "OpenSSF Scorecard result",
        ),
        // deps.dev: the result at the top, with `check`.
        (
            r#"{"check":[{"name":"Fuzzing","score":-1,"reason":"x"}],"date":"2024-01-01","repo":{"name":"github.com/x/y"},"score":4}"#,
            SCORECARD_JSON,
            "OpenSSF Scorecard result",
        ),
        (
            r#"{"projectKey":{"id":"github.com/x/y"},"scorecard":{"date":"2024","overallScore":5,"checks":[]}}"#,
            SCORECARD_JSON,
            "OpenSSF Scorecard result in a deps.dev project response",
        ),
        (
            r#"{"version":{"versionKey":{"system":"CARGO"},"projects":[{"projectKey":{"id":"a"}},{"projectKey":{"id":"b"},"scorecardV2":{"date":"2024","repo":{"name":"b"},"score":5,"check":[]}}]}}"#,
            SCORECARD_JSON,
            "OpenSSF Scorecard result in a deps.dev version response (`version.projects[N].scorecardV2`)",
        ),
        (
            r#"{"answers":{},"assure_format":"dtac-answers/1"}"#,
            DTAC_JSON,
            "DTAC answers (`dtac-answers/1`)",
        ),
        (
            r#"{"assure_format":"cyber-essentials/1"}"#,
            CYBER_ESSENTIALS_JSON,
            "Cyber Essentials certificate (`cyber-essentials/1`)",
        ),
        (
            r#"{"assure_format":"pentest-summary/1"}"#,
            PENTEST_JSON,
            "penetration test summary (`pentest-summary/1`)",
        ),
        (
            r#"{"assure_format":"supplier-assurance/1"}"#,
            SUPPLIER_ASSURANCE_JSON,
            "supplier assurance statement (`supplier-assurance/1`)",
        ),
    ];
    for (doc, media_type, format) in cases {
        assert_eq!(recognised("x.json", doc.as_bytes(), media_type), *format);
        recognised("x.json", &reversed(doc.as_bytes()), media_type);
    }
}

#[test]
fn not_quite_json_documents_say_why() {
    let cases: &[(&str, &str)] = &[
        (
            r#"{"bomFormat":"CycloneDX","components":[]}"#,
            "it has the marker of CycloneDX, but it has no `specVersion`",
        ),
        (
            r#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":{}}"#,
            "`components` is an object, not an array",
        ),
        (
            r#"{"bomFormat":"cyclonedx","specVersion":"1.6"}"#,
            "`bomFormat` is `cyclonedx`, where CycloneDX says `CycloneDX`",
        ),
        (
            r#"{"spdxVersion":"SPDX-2.3","name":"x"}"#,
            "it has the marker of SPDX, but it has no `SPDXID`",
        ),
        (
            r#"{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[]}"#,
            "SPDX 3 (JSON-LD)",
        ),
        (
            r#"{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x"}"#,
            "it has the marker of OpenVEX, but it has no `statements` (an array)",
        ),
        (
            r#"{"csaf_version":"2.0","category":"csaf_vex"}"#,
            "`csaf_version` is at the top, where CSAF has it under `document`",
        ),
        (
            r#"{"document":{"csaf_version":"2.0"}}"#,
            "no `document.category`",
        ),
        (
            r#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"x"}"#,
            "it has no `subject` (an array)",
        ),
        (
            r#"{"payloadType":"application/vnd.in-toto+json","payload":"e30="}"#,
            "it has no `signatures` (an array)",
        ),
        (
            r#"{"assure_format":"dtac-answers"}"#,
            "`assure_format` is `dtac-answers`, not one this version reads",
        ),
        (
            r#"{"name":"x","version":"1","dependencies":{}}"#,
            "JSON, but no member says which format (it has `name`, `version`, `dependencies`)",
        ),
        (r"[1, 2]", "JSON, but an array at the top"),
        (r"{}", "JSON, but an empty object"),
        (
            r#"{"bomFormat":"CycloneDX","specVersion":"1.6"#,
            "it starts like JSON but does not parse",
        ),
        (
            r#"{"bomFormat":"CycloneDX","specVersion":"1.6","bomFormat":"SPDX"}"#,
            "the member `bomFormat` twice",
        ),
        // The check's own scorecard shape needs its checks to be checks.
        (
            r#"{"date":"2024","score":3,"checks":["x"]}"#,
            "no member says which format",
        ),
    ];
    for (doc, expected) in cases {
        let (media_type, reason) = unrecognised("x.json", doc.as_bytes());
        assert_eq!(media_type, JSON, "{doc}");
        assert!(reason.contains(expected), "{doc}: {reason}");
    }
}

#[test]
fn a_document_that_looks_like_two_formats_is_not_guessed() {
    // A CycloneDX BOM that is also a valid-looking OpenVEX document.
    let doc = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","@context":"https://openvex.dev/ns/v0.2.0","@id":"x","statements":[]}"#;
    let (media_type, reason) = unrecognised("x.json", doc.as_bytes());
    assert_eq!(media_type, JSON);
    assert!(
        reason.contains("more than one format: CycloneDX 1.6 JSON and OpenVEX 0.2.0"),
        "{reason}"
    );
    assert!(reason.contains("declare its `media_type`"), "{reason}");
    // A valid SBOM that also claims to be SPDX, without SPDX's structure.
    let doc = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","spdxVersion":"SPDX-2.3"}"#;
    let (_, reason) = unrecognised("x.json", doc.as_bytes());
    assert!(
        reason.contains("CycloneDX 1.6 JSON and SPDX (but it has no `SPDXID`"),
        "{reason}"
    );
}

#[test]
fn json_nested_past_the_parsers_limit_is_not_recognised() {
    let doc = format!(
        "{{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"x\":{}{}}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    let (_, reason) = unrecognised("x.json", doc.as_bytes());
    assert!(
        reason.contains("nested more than 128 levels deep (at line 1)"),
        "{reason}"
    );
}

#[test]
fn text_formats_by_their_lines() {
    let format = recognised(
        "anything",
        b"# ours\nContact: mailto:security@example.com\nExpires: 2030-01-01T00:00:00Z\n",
        SECURITY_TXT,
    );
    assert_eq!(format, "security.txt (2 fields)");
    let signed = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nContact: https://example.com/\nExpires: 2030-01-01T00:00:00Z\n-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n";
    recognised("security.txt", signed.as_bytes(), SECURITY_TXT);
    let (media_type, reason) = unrecognised(".well-known/security.txt", b"Expires: 2030\n");
    assert_eq!(media_type, TEXT);
    assert_eq!(
        reason,
        "named security.txt, but it has no `Contact:` field, which RFC 9116 requires"
    );
    let (_, reason) = unrecognised("security.txt", b"Contact: x\nplease write to us\n");
    assert!(
        reason.contains("line 2 is not a `Field: value` line"),
        "{reason}"
    );

    // MDS2 by its question ids, whatever the file is called.
    recognised("form.txt", b"id,answer,note\nPAUT-8,Yes,", CSV);
    recognised(
        "mds2",
        b"\"DOC-1\";\"Northwind\"\r\n\"AUTH-1\";\"Yes\"\r\n",
        CSV,
    );
    let (media_type, reason) = unrecognised("data.csv", b"name,score\nalice,3\nbob,4\n");
    assert_eq!(media_type, TEXT);
    assert!(
        reason.contains("CSV, but no row has an MDS2 question id"),
        "{reason}"
    );
    let (_, reason) = unrecognised("notes.txt", b"hello\n");
    assert!(
        reason.starts_with("text, neither a security.txt"),
        "{reason}"
    );
}

#[test]
fn other_documents_are_named() {
    assert_eq!(
        unrecognised("x", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
        (
            "application/pdf",
            "a PDF document, which no plugin reads".to_owned()
        )
    );
    assert_eq!(unrecognised("x", b"").1, "an empty file");
    assert_eq!(unrecognised("x", &[0xff, 0xfe, 0x00]).0, OCTET_STREAM);
    let (media_type, reason) = unrecognised(
        "bom.xml",
        b"<?xml version=\"1.0\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\" version=\"1\"/>",
    );
    assert_eq!(media_type, "application/vnd.cyclonedx+xml");
    assert!(reason.contains("CycloneDX XML"), "{reason}");
    assert_eq!(
        recognise("x", &vec![b' '; MAX_RECOGNISED_BYTES + 1]).media_type(),
        OCTET_STREAM
    );
}

#[test]
fn office_documents_by_their_archive_members() {
    // Written by LibreOffice (see PROVENANCE.md); the name plays no part.
    let format = recognised("form", generated!("dtac-form.docx"), DOCX);
    assert!(format.contains("DOCX"), "{format}");
    let format = recognised("form", generated!("dtac-form.odt"), ODT);
    assert!(format.contains("ODT"), "{format}");
    // Cut short, the central directory is gone: not recognised.
    let docx = generated!("dtac-form.docx");
    let (media_type, reason) = unrecognised("form.docx", &docx[..docx.len() / 2]);
    assert_eq!(media_type, OCTET_STREAM);
    assert!(reason.contains("central directory"), "{reason}");
    let (_, reason) = unrecognised("form.txt", generated!("dtac-form.txt"));
    assert!(reason.starts_with("text, neither"), "{reason}");
}

#[test]
fn validates_media_types() {
    assert!(is_valid("application/vnd.cyclonedx+json; version=1.6"));
    assert!(!is_valid("cyclonedx"));
    assert!(!is_valid("a/"));
    assert_eq!(
        normalise("Application/JSON; charset=utf-8"),
        "application/json"
    );
    assert!(is_generic("application/json; charset=utf-8"));
    assert!(!is_generic(CYCLONEDX_JSON));
}

/// No input makes the recogniser panic: every cut of real documents (a
/// truncated upload), and each with bytes flipped.
#[test]
fn cut_or_damaged_documents_never_panic() {
    let documents: [&[u8]; 5] = [
        generated!("cyclonedx-py-requirements.cdx.json"),
        generated!("SPDXTagExample-v2.3.spdx"),
        generated!("dtac-form.docx"),
        generated!("dtac-form.odt"),
        b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nContact: x\n",
    ];
    for document in documents {
        let step = (document.len() / 300).max(1);
        for end in (0..document.len()).step_by(step) {
            let _ = recognise("x", &document[..end]);
            let mut damaged = document.to_vec();
            damaged[end] ^= 0x5a;
            let _ = recognise("x", &damaged);
            let _ = recognise("x", &document[end..]);
        }
    }
}
