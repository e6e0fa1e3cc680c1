//! The plugin over small inline statements and envelopes: versions, other
//! predicates, subjects and digests, envelope errors and hostile shapes.

use crate::common::*;
use assure_plugin_sdk::Location;

const SHA256: &str = "fe4fe40ac7250263c5dbe1cf3138912f3f416140aa248637a60d65fe22c47da4";

/// A SLSA provenance v1 statement with the given subjects and predicate.
fn statement_with(subject: &str, predicate: &str) -> String {
    format!(
        r#"{{"_type":"https://in-toto.io/Statement/v1",
            "subject":{subject},
            "predicateType":"https://slsa.dev/provenance/v1",
            "predicate":{predicate}}}"#
    )
}

const PREDICATE: &str = r#"{
    "buildDefinition":{"buildType":"https://actions.github.io/buildtypes/workflow/v1",
        "externalParameters":{}},
    "runDetails":{"builder":{"id":"https://github.com/actions/runner/github-hosted"}}}"#;

fn statement(subject: &str) -> String {
    statement_with(subject, PREDICATE)
}

fn one_subject() -> String {
    statement(&format!(
        r#"[{{"name":"app.tar.gz","digest":{{"sha256":"{SHA256}"}}}}]"#
    ))
}

#[test]
fn statement_v1() -> Result<(), String> {
    let doc = statement(&format!(
        r#"[{{"name":"app.tar.gz","digest":{{"sha256":"{SHA256}","sha512":"{}"}}}},
            {{"name":"app.zip","digest":{{"SHA256":"{}","gitCommit":"{}"}}}},
            {{"digest":{{"sha256":"{SHA256}"}}}}]"#,
        "ab".repeat(64),
        "CD".repeat(32),
        "1".repeat(40)
    ));
    let x = ok("p.json", doc.as_bytes())?;
    let f = &x.facts;
    assert_eq!(
        text(f, "provenance.predicate_type")?,
        "https://slsa.dev/provenance/v1"
    );
    assert_eq!(
        text_set(f, "provenance.subject_digests")?,
        [
            format!("gitcommit:{}", "1".repeat(40)),
            format!("sha256:{}", "cd".repeat(32)),
            format!("sha256:{SHA256}"),
            format!("sha512:{}", "ab".repeat(64)),
        ]
    );
    assert_eq!(
        text_set(f, "provenance.subject_names")?,
        ["app.tar.gz", "app.zip"]
    );
    assert_eq!(
        text(f, "provenance.builder_id")?,
        "https://github.com/actions/runner/github-hosted"
    );
    assert_eq!(
        text(f, "provenance.build_type")?,
        "https://actions.github.io/buildtypes/workflow/v1"
    );
    assert!(!boolean(f, "provenance.dsse")?);
    assert_eq!(
        notes(&x),
        ["/subject/1/digest/SHA256: digest in upper-case hex: read in lower case"]
    );
    Ok(())
}

#[test]
fn statement_v0_1_with_provenance_v0_2() -> Result<(), String> {
    let doc = format!(
        r#"{{"_type":"https://in-toto.io/Statement/v0.1",
            "predicateType":"https://slsa.dev/provenance/v0.2",
            "subject":[{{"name":"ghcr.io/acme/app","digest":{{"sha256":"{SHA256}"}}}}],
            "predicate":{{"builder":{{"id":"https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v1.9.0"}},
                "buildType":"https://github.com/slsa-framework/slsa-github-generator/container@v1",
                "invocation":{{}},"materials":[]}}}}"#
    );
    for bytes in [doc.clone().into_bytes(), envelope(doc.as_bytes())] {
        let x = ok("p.json", &bytes)?;
        let f = &x.facts;
        assert_eq!(
            text(f, "provenance.predicate_type")?,
            "https://slsa.dev/provenance/v0.2"
        );
        assert!(
            text(f, "provenance.builder_id")?
                .ends_with("generator_container_slsa3.yml@refs/tags/v1.9.0")
        );
        assert!(at(f, "provenance.builder_id")?.ends_with("/predicate/builder/id"));
        assert_eq!(
            text(f, "provenance.build_type")?,
            "https://github.com/slsa-framework/slsa-github-generator/container@v1"
        );
        assert!(at(f, "provenance.build_type")?.ends_with("/predicate/buildType"));
        assert_eq!(
            text_set(f, "provenance.subject_digests")?,
            [format!("sha256:{SHA256}")]
        );
        let notes = notes(&x);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes
                .iter()
                .any(|n| n.contains("_type: in-toto Statement v0.1"))
        );
        assert!(
            notes
                .iter()
                .any(|n| n.contains("predicateType: SLSA provenance v0.2")
                    && n.contains("`predicate.builder.id`")
                    && n.contains("`predicate.buildType`")),
            "{notes:?}"
        );
    }
    Ok(())
}

#[test]
fn other_predicates_are_named_in_the_error() -> Result<(), String> {
    for (predicate_type, what) in [
        (
            "https://slsa.dev/verification_summary/v1",
            "verification summary (VSA)",
        ),
        ("https://spdx.dev/Document", "SPDX SBOM"),
        ("https://cyclonedx.org/bom/v1.5", "CycloneDX SBOM"),
        (
            "https://in-toto.io/attestation/vulns/v0.1",
            "vulnerability scan",
        ),
        ("https://slsa.dev/provenance/v0.1", "does not read"),
        ("https://example.com/custom", "another kind of attestation"),
    ] {
        let doc = format!(
            r#"{{"_type":"https://in-toto.io/Statement/v1","predicateType":"{predicate_type}",
                "subject":[{{"digest":{{"sha256":"{SHA256}"}}}}],"predicate":{{}}}}"#
        );
        for (bytes, pointer_at) in [
            (doc.clone().into_bytes(), "/predicateType"),
            (envelope(doc.as_bytes()), "/payload/predicateType"),
        ] {
            let e = err(&bytes)?;
            assert_eq!(pointer(&e.location)?, pointer_at);
            assert!(e.message.contains(what), "{}", e.message);
            assert!(e.message.contains(predicate_type), "{}", e.message);
            assert!(
                e.message.contains("not SLSA build provenance"),
                "{}",
                e.message
            );
        }
    }
    Ok(())
}

#[test]
fn statement_type_must_be_in_toto() -> Result<(), String> {
    let e = err(one_subject()
        .replace(
            "https://in-toto.io/Statement/v1",
            "https://example.com/Statement",
        )
        .as_bytes())?;
    assert_eq!(pointer(&e.location)?, "/_type");
    assert!(
        e.message.contains("not an in-toto statement"),
        "{}",
        e.message
    );
    let e = err(one_subject()
        .replace(r#""https://in-toto.io/Statement/v1""#, "1")
        .as_bytes())?;
    assert_eq!(pointer(&e.location)?, "/_type");
    let e = err(br#"{"bomFormat":"CycloneDX","specVersion":"1.6"}"#)?;
    assert_eq!(pointer(&e.location)?, "");
    assert!(
        e.message.contains("not an in-toto statement"),
        "{}",
        e.message
    );
    let e = err(br#"{"_type":"https://in-toto.io/Statement/v1","subject":[]}"#)?;
    assert_eq!(pointer(&e.location)?, "/predicateType");
    Ok(())
}

#[test]
fn subjects_are_required() -> Result<(), String> {
    for subject in ["[]", "null"] {
        let e = err(statement(subject).as_bytes())?;
        assert_eq!(pointer(&e.location)?, "/subject", "{subject}");
        assert!(e.message.contains("no subjects"), "{}", e.message);
    }
    let e = err(statement(r#"{"name":"a"}"#).as_bytes())?;
    assert_eq!(pointer(&e.location)?, "/subject");
    let no_subject = statement("[]").replace(r#""subject":[],"#, "");
    let e = err(no_subject.as_bytes())?;
    assert_eq!(pointer(&e.location)?, "/subject");
    Ok(())
}

#[test]
fn malformed_digests_are_errors_at_their_pointer() -> Result<(), String> {
    let cases = [
        (
            r#"{"sha256":"abc"}"#,
            "/subject/0/digest/sha256",
            "3 hex digits, not 64",
        ),
        (
            &*format!(r#"{{"sha256":"{}"}}"#, "g".repeat(64)),
            "/subject/0/digest/sha256",
            "not hexadecimal",
        ),
        (
            r#"{"sha1":""}"#,
            "/subject/0/digest/sha1",
            "not hexadecimal",
        ),
        (
            r#"{"sha256":7}"#,
            "/subject/0/digest/sha256",
            "must be text",
        ),
        (r#"{}"#, "/subject/0/digest", "no digest"),
        (r#"["sha256"]"#, "/subject/0/digest", "must be an object"),
        (
            r#"{"a/b~c":"zz"}"#,
            "/subject/0/digest/a~1b~0c",
            "not hexadecimal",
        ),
    ];
    for (digest, expected_at, message) in cases {
        let doc = statement(&format!(r#"[{{"name":"x","digest":{digest}}}]"#));
        let e = err(doc.as_bytes())?;
        assert_eq!(pointer(&e.location)?, expected_at, "{digest}");
        assert!(e.message.contains(message), "{}", e.message);
        let e = err(&envelope(doc.as_bytes()))?;
        assert_eq!(pointer(&e.location)?, format!("/payload{expected_at}"));
    }
    let doc = statement(&format!(
        r#"[{{"digest":{{"sha256":"{SHA256}"}}}},{{"name":"bad","digest":{{"sha256":"{SHA256}0"}}}}]"#
    ));
    let e = err(doc.as_bytes())?;
    assert_eq!(pointer(&e.location)?, "/subject/1/digest/sha256");
    Ok(())
}

#[test]
fn go_module_digest_is_noted_not_compared() -> Result<(), String> {
    let doc = statement(&format!(
        r#"[{{"name":"example.com/mod","digest":{{"goModuleH1":"h1:abc+/=","sha256":"{SHA256}"}}}}]"#
    ));
    let x = ok("p.json", doc.as_bytes())?;
    assert_eq!(
        text_set(&x.facts, "provenance.subject_digests")?,
        [format!("sha256:{SHA256}")]
    );
    assert!(
        notes(&x)
            .iter()
            .any(|n| n.starts_with("/subject/0/digest/goModuleH1: ")),
        "{:?}",
        notes(&x)
    );
    Ok(())
}

#[test]
fn missing_builder_or_build_type_is_a_note() -> Result<(), String> {
    let subject = format!(r#"[{{"digest":{{"sha256":"{SHA256}"}}}}]"#);
    let x = ok(
        "p.json",
        statement_with(&subject, r#"{"runDetails":{"builder":{}}}"#).as_bytes(),
    )?;
    assert!(!has(&x.facts, "provenance.builder_id"));
    assert!(!has(&x.facts, "provenance.build_type"));
    assert_eq!(
        notes(&x),
        [
            "/predicate: no `predicate.runDetails.builder.id`: `provenance.builder_id` not emitted",
            "/predicate: no `predicate.buildDefinition.buildType`: `provenance.build_type` not emitted",
        ]
    );
    let no_predicate = format!(
        r#"{{"_type":"https://in-toto.io/Statement/v1","subject":{subject},
            "predicateType":"https://slsa.dev/provenance/v1"}}"#
    );
    for doc in [no_predicate, statement_with(&subject, "null")] {
        let x = ok("p.json", doc.as_bytes())?;
        assert!(!has(&x.facts, "provenance.builder_id"));
        assert!(has(&x.facts, "provenance.subject_digests"));
        assert_eq!(x.notes.len(), 2);
    }
    let x = ok(
        "p.json",
        statement_with(&subject, r#"{"runDetails":{"builder":{"id":"  "}}}"#).as_bytes(),
    )?;
    assert!(
        notes(&x)
            .iter()
            .any(|n| n.starts_with("/predicate/runDetails/builder/id: ") && n.contains("empty"))
    );
    Ok(())
}

#[test]
fn wrong_types_in_the_predicate_are_errors() -> Result<(), String> {
    let subject = format!(r#"[{{"digest":{{"sha256":"{SHA256}"}}}}]"#);
    for (predicate, expected_at) in [
        (r#""provenance""#, "/predicate"),
        (r#"{"runDetails":[]}"#, "/predicate/runDetails"),
        (
            r#"{"runDetails":{"builder":"me"}}"#,
            "/predicate/runDetails/builder",
        ),
        (
            r#"{"runDetails":{"builder":{"id":5}}}"#,
            "/predicate/runDetails/builder/id",
        ),
        (
            r#"{"buildDefinition":{"buildType":{}}}"#,
            "/predicate/buildDefinition/buildType",
        ),
    ] {
        let e = err(statement_with(&subject, predicate).as_bytes())?;
        assert_eq!(pointer(&e.location)?, expected_at, "{predicate}");
    }
    let e = err(statement(&format!(
        r#"[{{"name":5,"digest":{{"sha256":"{SHA256}"}}}}]"#
    ))
    .as_bytes())?;
    assert_eq!(pointer(&e.location)?, "/subject/0/name");
    let e = err(statement("[7]").as_bytes())?;
    assert_eq!(pointer(&e.location)?, "/subject/0");
    let e = err(one_subject()
        .replace(r#""https://slsa.dev/provenance/v1""#, "[]")
        .as_bytes())?;
    assert_eq!(pointer(&e.location)?, "/predicateType");
    Ok(())
}

#[test]
fn envelope_payload_type_must_be_in_toto() -> Result<(), String> {
    let payload = base64(one_subject().as_bytes(), false);
    for payload_type in [r#""application/vnd.cyclonedx+json""#, "3", "null"] {
        let doc =
            format!(r#"{{"payloadType":{payload_type},"payload":"{payload}","signatures":[]}}"#);
        let e = err(doc.as_bytes())?;
        assert_eq!(pointer(&e.location)?, "/payloadType", "{payload_type}");
    }
    let e = err(format!(r#"{{"payload":"{payload}"}}"#).as_bytes())?;
    assert_eq!(pointer(&e.location)?, "/payloadType");
    assert!(e.message.contains("no `payloadType`"), "{}", e.message);
    Ok(())
}

#[test]
fn envelope_without_signatures_is_a_note() -> Result<(), String> {
    let payload = base64(one_subject().as_bytes(), false);
    for signatures in [r#","signatures":[]"#, ""] {
        let doc = format!(
            r#"{{"payloadType":"application/vnd.in-toto+json","payload":"{payload}"{signatures}}}"#
        );
        let x = ok("p.json", doc.as_bytes())?;
        assert!(boolean(&x.facts, "provenance.dsse")?);
        assert_eq!(notes(&x).len(), 1);
        assert!(
            notes(&x).iter().all(|n| n.starts_with("/signatures: ")
                && n.contains("no signatures")
                && n.contains("not this plugin's job")),
            "{:?}",
            notes(&x)
        );
    }
    let doc = format!(
        r#"{{"payloadType":"application/vnd.in-toto+json","payload":"{payload}","signatures":{{"sig":"x"}}}}"#
    );
    let e = err(doc.as_bytes())?;
    assert_eq!(pointer(&e.location)?, "/signatures");
    Ok(())
}

#[test]
fn bad_payloads_are_errors_at_the_payload() -> Result<(), String> {
    let good = base64(one_subject().as_bytes(), false);
    let doc = |payload: &str| {
        format!(
            r#"{{"payloadType":"application/vnd.in-toto+json","payload":{payload},"signatures":[{{"sig":"x"}}]}}"#
        )
        .into_bytes()
    };
    let cases = [
        (
            format!(r#""{}!{}""#, &good[..8], &good[8..]),
            "not base64 at byte 8",
        ),
        (format!(r#""{}""#, &good[..good.len() - 3]), "cut short"),
        (r#""Zm9v=Zm9v""#.to_owned(), "padding"),
        (r#""Zg===""#.to_owned(), "wrong number of `=`"),
        (
            format!(r#""{}""#, base64(b"{\"_type\": ", false)),
            "decoded DSSE payload ends early",
        ),
        (
            format!(r#""{}""#, base64(b"\n\nnot json", false)),
            "decoded DSSE payload is not valid JSON",
        ),
        (
            format!(r#""{}""#, base64(b"{\"x\":\"\xff\"}", false)),
            "decoded DSSE payload",
        ),
        (
            format!(r#""{}""#, base64(b"[1,2]", false)),
            "must be a JSON object",
        ),
        (
            format!(r#""{}""#, base64(br#"{"hello":"world"}"#, false)),
            "not an in-toto statement",
        ),
        ("42".to_owned(), "must be base64 text"),
    ];
    for (payload, message) in &cases {
        let e = err(&doc(payload))?;
        assert_eq!(pointer(&e.location)?, "/payload", "{payload}");
        assert!(e.message.contains(message), "{payload}: {}", e.message);
    }
    // The parser's line is the decoded payload's.
    let e = err(&doc(&format!(r#""{}""#, base64(b"\n\nnot json", false))))?;
    assert!(e.message.contains("line 3"), "{}", e.message);
    let e = err(br#"{"payloadType":"application/vnd.in-toto+json","signatures":[]}"#)?;
    assert_eq!(pointer(&e.location)?, "/payload");
    Ok(())
}

#[test]
fn sigstore_bundle_envelope_is_read() -> Result<(), String> {
    let doc = format!(
        r#"{{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json",
            "verificationMaterial":{{}},
            "dsseEnvelope":{}}}"#,
        String::from_utf8(envelope(one_subject().as_bytes())).map_err(|e| e.to_string())?
    );
    let x = ok("bundle.json", doc.as_bytes())?;
    assert!(boolean(&x.facts, "provenance.dsse")?);
    assert_eq!(at(&x.facts, "provenance.dsse")?, "/dsseEnvelope");
    assert_eq!(
        at(&x.facts, "provenance.subject_digests")?,
        "/dsseEnvelope/payload/subject"
    );
    assert!(
        notes(&x)
            .iter()
            .any(|n| n.starts_with("/dsseEnvelope: a Sigstore bundle"))
    );
    let e = err(br#"{"dsseEnvelope":"x"}"#)?;
    assert_eq!(pointer(&e.location)?, "/dsseEnvelope");
    Ok(())
}

/// The npm registry's attestations list: the SLSA provenance entry is read
/// wherever it is; a list without one, or whose provenance has no bundle
/// envelope, is an error that says so.
#[test]
fn npm_attestations_list() -> Result<(), String> {
    let bundle = |predicate_type: &str| -> Result<String, String> {
        Ok(format!(
            r#"{{"predicateType":"{predicate_type}","bundle":{{"dsseEnvelope":{}}}}}"#,
            String::from_utf8(envelope(one_subject().as_bytes())).map_err(|e| e.to_string())?
        ))
    };
    let publish = bundle("https://github.com/npm/attestation/tree/main/specs/publish/v0.1")?;
    let slsa = bundle("https://slsa.dev/provenance/v1")?;

    let doc = format!(r#"{{"attestations":[{slsa},{publish}]}}"#);
    let x = ok("attestations.json", doc.as_bytes())?;
    assert_eq!(
        text_set(&x.facts, "provenance.subject_names")?,
        ["app.tar.gz"]
    );
    assert_eq!(
        at(&x.facts, "provenance.dsse")?,
        "/attestations/0/bundle/dsseEnvelope"
    );
    assert!(
        notes(&x)
            .iter()
            .any(|n| n.starts_with("/attestations/0: an npm registry attestations list")),
        "{:?}",
        notes(&x)
    );

    let only_publish = format!(r#"{{"attestations":[{publish}]}}"#);
    let e = err(only_publish.as_bytes())?;
    assert_eq!(pointer(&e.location)?, "/attestations");
    assert_eq!(
        e.message,
        "an attestations list (as the npm registry serves it) with no SLSA provenance: their predicate types are `https://github.com/npm/attestation/tree/main/specs/publish/v0.1`"
    );
    let e = err(br#"{"attestations":[]}"#)?;
    assert!(
        e.message.ends_with("none has a `predicateType`"),
        "{}",
        e.message
    );

    let e = err(
        br#"{"attestations":[{"predicateType":"https://slsa.dev/provenance/v1","bundle":{}}]}"#,
    )?;
    assert_eq!(pointer(&e.location)?, "/attestations/0/bundle");
    assert_eq!(
        e.message,
        "the SLSA provenance attestation has no `bundle.dsseEnvelope`"
    );
    Ok(())
}

/// PEP 740: an attestation object is read through `envelope.statement`; a
/// provenance object's SLSA attestation is found among the others; broken
/// envelopes are errors at their pointer.
#[test]
fn pypi_attestations() -> Result<(), String> {
    let statement = base64(one_subject().as_bytes(), false);
    let object =
        format!(r#"{{"version":1,"envelope":{{"statement":"{statement}","signature":""}}}}"#);
    let x = ok("app.attestation", object.as_bytes())?;
    assert_eq!(
        at(&x.facts, "provenance.subject_digests")?,
        "/envelope/statement/subject"
    );
    assert!(boolean(&x.facts, "provenance.dsse")?);
    assert!(
        notes(&x)
            .iter()
            .any(|n| n.starts_with("/envelope/signature: the PyPI attestation has no signature")),
        "{:?}",
        notes(&x)
    );

    let publish = base64(
        br#"{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"https://docs.pypi.org/attestations/publish/v1","predicate":{}}"#,
        false,
    );
    let provenance = format!(
        r#"{{"version":1,"attestation_bundles":[{{"publisher":{{}},"attestations":[
            {{"envelope":{{"statement":"{publish}","signature":"c2ln"}}}},
            {{"envelope":{{"statement":"{statement}","signature":"c2ln"}}}}]}}]}}"#
    );
    let x = ok("app.provenance", provenance.as_bytes())?;
    assert_eq!(
        at(&x.facts, "provenance.dsse")?,
        "/attestation_bundles/0/attestations/1/envelope"
    );
    assert_eq!(
        text_set(&x.facts, "provenance.subject_names")?,
        ["app.tar.gz"]
    );

    let e = err(br#"{"envelope":{"statement":"not base64!"}}"#)?;
    assert_eq!(pointer(&e.location)?, "/envelope/statement");
    assert!(
        e.message.starts_with("the PyPI attestation's `statement`"),
        "{}",
        e.message
    );
    let e = err(br#"{"attestation_bundles":[{"attestations":[{"version":1}]}]}"#)?;
    assert_eq!(
        pointer(&e.location)?,
        "/attestation_bundles/0/attestations/0/envelope"
    );
    let e = err(br#"{"attestation_bundles":[]}"#)?;
    assert_eq!(
        e.message,
        "a PyPI provenance object (PEP 740) with no attestations"
    );
    Ok(())
}

#[test]
fn json_lines_with_several_envelopes_says_to_split() -> Result<(), String> {
    let one = envelope(one_subject().replace('\n', " ").as_bytes());
    let mut lines = one.clone();
    lines.push(b'\n');
    lines.extend(&one);
    let e = err(&lines)?;
    assert!(e.message.contains("split"), "{}", e.message);
    assert!(matches!(e.location, Location::Line(2)), "{:?}", e.location);
    // One envelope on one line, as `.intoto.jsonl` files often hold, is fine.
    let mut line = one;
    line.push(b'\n');
    assert!(boolean(
        &ok("p.intoto.jsonl", &line)?.facts,
        "provenance.dsse"
    )?);
    Ok(())
}

#[test]
fn broken_documents_are_errors_not_panics() -> Result<(), String> {
    let whole = one_subject();
    let e = err(whole.get(..whole.len() / 2).ok_or("short")?.as_bytes())?;
    assert!(e.message.contains("ends early"), "{}", e.message);
    assert!(matches!(e.location, Location::Line(_)), "{:?}", e.location);

    for doc in [&b"[]"[..], b"null", b"\"x\"", b"5"] {
        let e = err(doc)?;
        assert!(e.message.contains("JSON object"), "{}", e.message);
        assert_eq!(pointer(&e.location)?, "");
    }

    let e = err(b"{\"_type\":\"\xff\"}")?;
    assert!(e.message.contains("invalid unicode"), "{}", e.message);

    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let e = err(deep.as_bytes())?;
    assert!(e.message.contains("recursion limit"), "{}", e.message);
    let nested = one_subject().replace(
        r#""externalParameters":{}"#,
        &format!(
            r#""externalParameters":{}{}"#,
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
    );
    let e = err(&envelope(nested.as_bytes()))?;
    assert_eq!(pointer(&e.location)?, "/payload");
    assert!(e.message.contains("recursion limit"), "{}", e.message);
    Ok(())
}

#[test]
fn huge_values_are_handled() -> Result<(), String> {
    let big = "a".repeat(50 * 1024 * 1024);
    // A 50 MB digest: too long for SHA-256, and not quoted whole.
    let doc = statement(&format!(r#"[{{"digest":{{"sha256":"{big}"}}}}]"#));
    let e = err(doc.as_bytes())?;
    assert_eq!(pointer(&e.location)?, "/subject/0/digest/sha256");
    assert!(e.message.len() < 200, "{}", e.message.len());
    // A 50 MB payload: valid base64, but not JSON once decoded.
    let doc = format!(
        r#"{{"payloadType":"application/vnd.in-toto+json","payload":"{big}","signatures":[]}}"#
    );
    let e = err(doc.as_bytes())?;
    assert_eq!(pointer(&e.location)?, "/payload");
    assert!(e.message.len() < 300, "{}", e.message.len());
    // A 50 MB predicate type: rejected, quoted short.
    let e = err(one_subject()
        .replace("https://slsa.dev/provenance/v1", &big)
        .as_bytes())?;
    assert!(e.message.len() < 300, "{}", e.message.len());
    Ok(())
}

#[test]
fn byte_order_mark_is_accepted() -> Result<(), String> {
    let mut doc = b"\xEF\xBB\xBF".to_vec();
    doc.extend(one_subject().as_bytes());
    let x = ok("p.json", &doc)?;
    assert!(!boolean(&x.facts, "provenance.dsse")?);
    Ok(())
}
