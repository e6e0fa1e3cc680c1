//! The plugin over small inline documents: version detection, normalisation,
//! errors with their pointers, and hostile input.

mod common;

use assure_plugin_sdk::Location;
use common::*;

/// A document with `answers` (a JSON object's members) and extra top-level
/// members.
fn doc(extra: &str, answers: &str) -> Vec<u8> {
    format!(
        r#"{{"assure_format":"dtac-answers/1","product":"CareFlow"{extra},"answers":{{{answers}}}}}"#
    )
    .into_bytes()
}

/// A v2.0 document with `answers`.
fn v2(answers: &str) -> Vec<u8> {
    doc(r#","dtac_version":"2.0""#, answers)
}

#[test]
fn malformed_and_truncated_json_name_the_line() -> Result<(), String> {
    let e = err(b"{\n  \"assure_format\": \"dtac-answers/1\"\n  \"product\": \"x\"\n}")?;
    assert!(matches!(e.location, Location::Line(3)), "{:?}", e.location);
    assert!(e.message.contains("not valid JSON"), "{}", e.message);
    let full = String::from_utf8(v2(r#""C3.1":{"answer":"yes"}"#)).map_err(|e| e.to_string())?;
    let truncated = full.get(..full.len() - 7).ok_or("short")?;
    let e = err(truncated.as_bytes())?;
    assert!(matches!(e.location, Location::Line(1)), "{:?}", e.location);
    assert!(e.message.contains("ends early"), "{}", e.message);
    Ok(())
}

#[test]
fn top_level_must_be_an_object() -> Result<(), String> {
    for bytes in [&b"[]"[..], b"null", b"\"dtac-answers/1\"", b"3"] {
        let e = err(bytes)?;
        assert!(matches!(e.location, Location::Whole), "{:?}", e.location);
    }
    Ok(())
}

#[test]
fn the_format_marker_is_checked() -> Result<(), String> {
    let cases = [
        (r#"{"product":"p","answers":{}}"#, "is missing"),
        (
            r#"{"assure_format":"dtac-answers/2","product":"p","answers":{}}"#,
            "this plugin reads",
        ),
        (
            r#"{"assure_format":"cyber-essentials/1","product":"p","answers":{}}"#,
            "not a DTAC answers document",
        ),
        (
            r#"{"assure_format":1,"product":"p","answers":{}}"#,
            "not a number",
        ),
    ];
    for (bytes, words) in cases {
        let (at, message) = err_at(bytes.as_bytes())?;
        assert_eq!(at, "/assure_format");
        assert!(message.contains(words), "{message}");
    }
    Ok(())
}

#[test]
fn wrong_types_and_missing_members_name_their_pointer() -> Result<(), String> {
    let cases: &[(Vec<u8>, &str, &str)] = &[
        (
            br#"{"assure_format":"dtac-answers/1","answers":{}}"#.to_vec(),
            "/product",
            "missing",
        ),
        (
            br#"{"assure_format":"dtac-answers/1","product":7,"answers":{}}"#.to_vec(),
            "/product",
            "not a number",
        ),
        (
            br#"{"assure_format":"dtac-answers/1","product":"  ","answers":{}}"#.to_vec(),
            "/product",
            "empty",
        ),
        (
            br#"{"assure_format":"dtac-answers/1","product":"p"}"#.to_vec(),
            "/answers",
            "missing",
        ),
        (
            br#"{"assure_format":"dtac-answers/1","product":"p","answers":[]}"#.to_vec(),
            "/answers",
            "not an array",
        ),
        (
            doc(r#","supplier":{"name":"x"}"#, ""),
            "/supplier",
            "not an object",
        ),
        (
            doc(r#","completed":"20/04/2026""#, ""),
            "/completed",
            "not a date",
        ),
        (
            doc(r#","completed":"2026-02-30""#, ""),
            "/completed",
            "no day 30",
        ),
        (
            doc(r#","dtac_version":2"#, ""),
            "/dtac_version",
            "not a number",
        ),
        (
            doc(r#","dtac_version":"3.0""#, ""),
            "/dtac_version",
            "\"1.0\" and \"2.0\"",
        ),
        (v2(r#""C3.1":"yes""#), "/answers/C3.1", "must be an object"),
        (
            v2(r#""C3.1":{"detail":"x"}"#),
            "/answers/C3.1/answer",
            "no `answer`",
        ),
        (
            v2(r#""C3.1":{"answer":1}"#),
            "/answers/C3.1/answer",
            "not a number",
        ),
        (
            v2(r#""C3.1":{"answer":null}"#),
            "/answers/C3.1/answer",
            "not null",
        ),
        (
            v2(r#""C3.1":{"answer":"yes","detail":["x"]}"#),
            "/answers/C3.1/detail",
            "not an array",
        ),
        (
            v2(r#""C3.1":{"answer":"yes","evidence":{"file":"x"}}"#),
            "/answers/C3.1/evidence",
            "not an object",
        ),
        (
            v2(r#""C3.1":{"answer":"yes","evidence":["a",2]}"#),
            "/answers/C3.1/evidence/1",
            "not a number",
        ),
        (
            v2(r#""C3.3":{"answer":"yes","date":"last January"}"#),
            "/answers/C3.3/date",
            "not a date",
        ),
        (
            v2(r#""C3.3":{"answer":"yes","owasp_top10":1}"#),
            "/answers/C3.3/owasp_top10",
            "not a number",
        ),
        (
            v2(r#""C2.2.1":{"answer":"yes","registration":123456}"#),
            "/answers/C2.2.1/registration",
            "not a number",
        ),
        (
            v2(r#""C2.1":{"answer":"Standards Met","ods_code":false}"#),
            "/answers/C2.1/ods_code",
            "not true/false",
        ),
        (
            v2(r#""c3.1":{"answer":"yes"}"#),
            "/answers/c3.1",
            "not a DTAC question id",
        ),
        (
            v2(r#""C3.1 ":{"answer":"yes"}"#),
            "/answers/C3.1 ",
            "not a DTAC question id",
        ),
        (
            v2(r#""a/b~c":{"answer":"yes"}"#),
            "/answers/a~1b~0c",
            "not a DTAC question id",
        ),
    ];
    for (bytes, pointer, words) in cases {
        let (at, message) = err_at(bytes)?;
        assert_eq!(&at, pointer, "{message}");
        assert!(message.contains(words), "{pointer}: {message}");
    }
    Ok(())
}

#[test]
fn declared_version_must_match_the_question_ids() -> Result<(), String> {
    let (at, message) = err_at(&v2(
        r#""C3.1":{"answer":"yes"},"C2.3.1":{"answer":"Standards Met"}"#,
    ))?;
    assert_eq!(at, "/answers/C2.3.1");
    assert!(
        message.contains("\"2.0\"") && message.contains("only in DTAC v1.0"),
        "{message}"
    );

    let bytes = doc(
        r#","dtac_version":"1.0""#,
        r#""C1.2.2":{"answer":"yes"},"C3.6":{"answer":"yes"}"#,
    );
    let (at, message) = err_at(&bytes)?;
    assert_eq!(at, "/answers/C1.2.2");
    assert!(
        message.contains("questions C1.2.2, C3.6 are only in DTAC v2.0"),
        "{message}"
    );
    Ok(())
}

#[test]
fn undeclared_version_must_be_clear() -> Result<(), String> {
    let (where_, message) = err_at(&doc(
        "",
        r#""C1.1":{"answer":"yes"},"C1.2.2":{"answer":"yes"}"#,
    ))?;
    assert_eq!(where_, "/answers");
    assert!(
        message.contains("mix") && message.contains("C1.1") && message.contains("C1.2.2"),
        "{message}"
    );

    // Questions both versions ask tell nothing.
    let (where_, message) = err_at(&doc(
        "",
        r#""C3.1":{"answer":"yes"},"C2.1":{"answer":"yes"}"#,
    ))?;
    assert_eq!(where_, "/answers");
    assert!(
        message.contains("cannot tell") && message.contains("dtac_version"),
        "{message}"
    );
    let (where_, _) = err_at(&doc("", ""))?;
    assert_eq!(where_, "/answers");

    // One v2.0-only id is enough.
    let x = ok(&doc(
        "",
        r#""C3.1":{"answer":"yes"},"C3.6":{"answer":"no"}"#,
    ))?;
    assert_eq!(text(&x.facts, "dtac.version")?, "2.0");
    assert_eq!(at(&x.facts, "dtac.version")?, "/answers/C3.6");
    assert!(!boolean(&x.facts, "dtac.audit_logging")?);
    Ok(())
}

#[test]
fn yes_no_answers_are_normalised() -> Result<(), String> {
    let cases = [
        ("true", Some(true)),
        ("false", Some(false)),
        (r#""Yes""#, Some(true)),
        (r#""y""#, Some(true)),
        (r#"" YES ""#, Some(true)),
        (r#""TRUE""#, Some(true)),
        (r#""No""#, Some(false)),
        (r#""n""#, Some(false)),
        (r#""na""#, None),
        (r#""N/A""#, None),
        (r#""Not applicable""#, None),
        (r#""unknown""#, None),
        (r#""""#, None),
        (r#""Yes, via our SSO""#, None),
        (r#""2026-01-19""#, None),
    ];
    for (answer, expected) in cases {
        let x = ok(&v2(&format!(r#""C3.1":{{"answer":{answer}}}"#)))?;
        match expected {
            Some(b) => {
                assert_eq!(boolean(&x.facts, "dtac.cyber_essentials")?, b, "{answer}");
                assert_eq!(
                    at(&x.facts, "dtac.cyber_essentials")?,
                    "/answers/C3.1/answer"
                );
                assert!(!noted(&x, "/answers/C3.1/answer", &[]), "{answer}");
            }
            None => {
                assert!(!has(&x.facts, "dtac.cyber_essentials"), "{answer}");
                assert!(
                    noted(
                        &x,
                        "/answers/C3.1/answer",
                        &["C3.1 `answer`", "`dtac.cyber_essentials` is absent"]
                    ),
                    "{answer}: {:?}",
                    notes(&x)
                );
            }
        }
    }
    let x = ok(&v2(r#""C3.1":{"answer":"N/A"}"#))?;
    assert!(noted(
        &x,
        "/answers/C3.1/answer",
        &["\"N/A\" (not applicable)"]
    ));
    let x = ok(&v2(r#""C3.1":{"answer":"Certified"}"#))?;
    assert!(noted(
        &x,
        "/answers/C3.1/answer",
        &["\"Certified\", not yes or no"]
    ));
    Ok(())
}

#[test]
fn dspt_status_is_normalised() -> Result<(), String> {
    let cases = [
        ("Standards Met", Some("Standards Met")),
        ("standards exceeded", Some("Standards Exceeded")),
        ("APPROACHING STANDARDS", Some("Approaching Standards")),
        ("Standards not met", Some("Standards Not Met")),
        ("Not published", Some("Not Published")),
        (
            "Standards Not Fully Met (Plan Agreed)",
            Some("Approaching Standards"),
        ),
        ("Green", None),
        ("n/a", None),
    ];
    for (answer, expected) in cases {
        let x = ok(&v2(&format!(r#""C2.1":{{"answer":"{answer}"}}"#)))?;
        match expected {
            Some(status) => assert_eq!(text(&x.facts, "dtac.dspt_status")?, status),
            None => {
                assert!(!has(&x.facts, "dtac.dspt_status"), "{answer}");
                assert!(noted(
                    &x,
                    "/answers/C2.1/answer",
                    &["`dtac.dspt_status` is absent"]
                ));
            }
        }
    }
    let x = ok(&v2(
        r#""C2.1":{"answer":"Standards Not Fully Met (Plan Agreed)"}"#,
    ))?;
    assert!(noted(
        &x,
        "/answers/C2.1/answer",
        &["before 2024", "Approaching Standards"]
    ));
    let x = ok(&v2(r#""C2.1":{"answer":"Green"}"#))?;
    assert!(noted(
        &x,
        "/answers/C2.1/answer",
        &["not a DSPT status", "Standards Exceeded"]
    ));
    let x = ok(&v2(r#""C2.1":{"answer":true}"#))?;
    assert!(noted(
        &x,
        "/answers/C2.1/answer",
        &["true/false, not a DSPT status"]
    ));
    Ok(())
}

#[test]
fn unanswered_required_questions_are_noted() -> Result<(), String> {
    let x = ok(&v2(r#""C3.1":{"answer":"yes"},"C3.2":{"answer":"no"}"#))?;
    // The product, the version, C3.1 and C3.2.
    assert_eq!(x.facts.len(), 4);
    assert!(noted(
        &x,
        "/answers",
        &[
            "question C3.3 (DTAC v2.0) is not answered",
            "`dtac.pentest_within_12_months`"
        ]
    ));
    assert!(noted(
        &x,
        "/answers",
        &["question C1.2.2 (DTAC v2.0)", "`dtac.dcb0129_compliant`"]
    ));
    // Twelve required facts besides the version and C3.1; optional ones are not noted.
    assert_eq!(x.notes.len(), 11, "{:?}", notes(&x));
    assert!(!notes(&x).iter().any(|n| n.contains("sscop")));
    Ok(())
}

#[test]
fn charter_route_only_when_signed() -> Result<(), String> {
    // Signed and some of C3.3–C3.6 answered anyway: those are read.
    let x = ok(&v2(
        r#""C3.2":{"answer":"Yes"},"C3.5":{"answer":"yes"},"C3.5.1":{"answer":"no"}"#,
    ))?;
    assert!(boolean(&x.facts, "dtac.mfa_privileged")?);
    assert!(!boolean(&x.facts, "dtac.mfa_remote_access")?);
    assert!(!has(&x.facts, "dtac.audit_logging"));
    assert!(noted(
        &x,
        "/answers/C3.2/answer",
        &["charter route", "skipping C3.3, C3.4, C3.6"]
    ));
    assert!(
        !notes(&x)
            .iter()
            .any(|n| n.contains("`dtac.mfa_privileged`"))
    );
    // v1.0's C3.2 is the pen test: no charter there.
    let x = ok(&doc(
        r#","dtac_version":"1.0""#,
        r#""C3.2":{"answer":"yes"}"#,
    ))?;
    assert!(boolean(&x.facts, "dtac.pentest_within_12_months")?);
    assert!(!has(&x.facts, "dtac.supplier_charter_signed"));
    assert!(noted(&x, "/answers", &["C3.4 (DTAC v1.0) is not answered"]));
    Ok(())
}

#[test]
fn members_give_the_extra_facts() -> Result<(), String> {
    // The registration falls back to `detail` when the answer is yes.
    let x = ok(&v2(
        r#""C1.2.5":{"answer":"yes","detail":"Dr A. Person, GMC 7000001"}"#,
    ))?;
    assert_eq!(
        text(&x.facts, "dtac.clinical_safety_officer_registration")?,
        "Dr A. Person, GMC 7000001"
    );
    assert_eq!(
        at(&x.facts, "dtac.clinical_safety_officer_registration")?,
        "/answers/C1.2.5/detail"
    );
    let x = ok(&v2(r#""C1.2.5":{"answer":"no","detail":"Recruiting one"}"#))?;
    assert!(!has(&x.facts, "dtac.clinical_safety_officer_registration"));
    assert!(!boolean(&x.facts, "dtac.clinical_safety_officer")?);

    // Medical device facts, v2.0 and v1.0.
    let x = ok(&v2(
        r#""C1.1.1":{"answer":"yes"},"C1.1.2":{"answer":"yes","registration":"MHRA 1234","conformity_declaration":"y"}"#,
    ))?;
    assert!(boolean(&x.facts, "dtac.medical_device")?);
    assert!(boolean(&x.facts, "dtac.mhra_registered")?);
    assert!(boolean(&x.facts, "dtac.conformity_declaration")?);
    assert_eq!(
        at(&x.facts, "dtac.conformity_declaration")?,
        "/answers/C1.1.2/conformity_declaration"
    );
    let x = ok(&doc(
        "",
        r#""C1.3":{"answer":"yes"},"C1.3.1":{"answer":"yes"},"C1.3.2":{"answer":"no"}"#,
    ))?;
    assert!(boolean(&x.facts, "dtac.medical_device")?);
    assert!(boolean(&x.facts, "dtac.mhra_registered")?);
    assert!(!boolean(&x.facts, "dtac.conformity_declaration")?);
    assert_eq!(
        at(&x.facts, "dtac.conformity_declaration")?,
        "/answers/C1.3.2/answer"
    );

    // A yes/no member that says n/a gives no fact, with a note.
    let x = ok(&v2(
        r#""C3.3":{"answer":"yes","owasp_top10":"n/a","no_open_high":false}"#,
    ))?;
    assert!(!has(&x.facts, "dtac.pentest_owasp_top10"));
    assert!(!boolean(&x.facts, "dtac.pentest_no_open_high")?);
    assert!(noted(
        &x,
        "/answers/C3.3/owasp_top10",
        &["`dtac.pentest_owasp_top10` is absent"]
    ));

    // A text answer that is n/a, or not text.
    let x = ok(&v2(
        r#""C2.2.5":{"answer":"yes"},"C2.2.6":{"answer":"N/A"}"#,
    ))?;
    assert!(!has(&x.facts, "dtac.data_transfer_basis"));
    assert!(noted(&x, "/answers/C2.2.6/answer", &["not applicable"]));
    let x = ok(&v2(r#""C2.2.6":{"answer":false}"#))?;
    assert!(noted(&x, "/answers/C2.2.6/answer", &["not text"]));
    Ok(())
}

#[test]
fn unknown_members_and_questions_are_noted() -> Result<(), String> {
    let x = ok(&doc(
        r#","dtac_version":"2.0","notes":"x""#,
        r#""C3.1":{"answer":"yes","regstration":"x"},"A1":{"answer":"Northwind"},"D2.1":{"answer":true}"#,
    ))?;
    assert!(noted(&x, "/notes", &["unknown member `notes`"]));
    assert!(noted(
        &x,
        "/answers/C3.1/regstration",
        &["unknown member `regstration`"]
    ));
    assert!(noted(
        &x,
        "/answers",
        &["2 answers are to questions this plugin does not turn into facts (A1, D2.1)"]
    ));
    assert!(boolean(&x.facts, "dtac.cyber_essentials")?);
    Ok(())
}

#[test]
fn the_subject_is_emitted_where_it_is_written() -> Result<(), String> {
    // Only `product` is required: the others give facts when given.
    let x = ok(&v2(r#""C3.1":{"answer":"yes"}"#))?;
    assert_eq!(text(&x.facts, "dtac.product_name")?, "CareFlow");
    assert_eq!(at(&x.facts, "dtac.product_name")?, "/product");
    for absent in [
        "dtac.product_version",
        "dtac.supplier_name",
        "dtac.completed",
    ] {
        assert!(!has(&x.facts, absent), "{absent}");
    }
    // Text is trimmed; an empty optional member gives no fact.
    let x = ok(&doc(
        r#","dtac_version":"2.0","product_version":" 4.2.0 ","supplier":"  ","completed":"2026-04-06T09:30:00.5-05:00""#,
        r#""C3.1":{"answer":"yes"}"#,
    ))?;
    assert_eq!(text(&x.facts, "dtac.product_version")?, "4.2.0");
    assert_eq!(at(&x.facts, "dtac.product_version")?, "/product_version");
    assert!(!has(&x.facts, "dtac.supplier_name"));
    assert_eq!(
        datetime(&x.facts, "dtac.completed")?,
        "2026-04-06T09:30:00.5-05:00"
    );
    // A bare date is midnight UTC.
    let x = ok(&doc(
        r#","dtac_version":"2.0","supplier":"Northwind Health Ltd","completed":"2024-02-29""#,
        r#""C3.1":{"answer":"yes"}"#,
    ))?;
    assert_eq!(
        text(&x.facts, "dtac.supplier_name")?,
        "Northwind Health Ltd"
    );
    assert_eq!(at(&x.facts, "dtac.supplier_name")?, "/supplier");
    assert_eq!(
        datetime(&x.facts, "dtac.completed")?,
        "2024-02-29T00:00:00Z"
    );
    assert_eq!(at(&x.facts, "dtac.completed")?, "/completed");
    // A date that does not exist, or a member of the wrong type, is an error.
    for (extra, pointer) in [
        (r#","completed":"2025-02-29""#, "/completed"),
        (r#","completed":"20/04/2026""#, "/completed"),
        (r#","supplier":["Northwind"]"#, "/supplier"),
        (r#","product_version":4.2"#, "/product_version"),
    ] {
        let (at, _) = err_at(&doc(extra, r#""C1.2.2":{"answer":"yes"}"#))?;
        assert_eq!(at, pointer, "{extra}");
    }
    Ok(())
}

#[test]
fn byte_order_mark_is_accepted() -> Result<(), String> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(v2(r#""C3.1":{"answer":"yes"}"#));
    let x = ok(&bytes)?;
    assert!(boolean(&x.facts, "dtac.cyber_essentials")?);
    Ok(())
}

#[test]
fn hostile_input_is_an_error_not_a_crash() -> Result<(), String> {
    // 10,000-deep nesting, at the top and inside an answer.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let e = err(deep.as_bytes())?;
    assert!(matches!(e.location, Location::Line(1)), "{:?}", e.location);
    assert!(
        e.message.contains("recursion") || e.message.contains("nest"),
        "{}",
        e.message
    );
    let e = err(&v2(&format!(
        r#""C3.1":{{"answer":"yes","detail":{deep}}}"#
    )))?;
    assert!(matches!(e.location, Location::Line(1)), "{:?}", e.location);

    // A 50 MB string value.
    let huge = "a".repeat(50 * 1024 * 1024);
    let e = err(&v2(&format!(
        r#""C3.1":{{"answer":"yes","detail":"{huge}"}}"#
    )))?;
    assert!(matches!(e.location, Location::Whole), "{:?}", e.location);
    assert!(e.message.contains("at most"), "{}", e.message);
    drop(huge);

    // A long string in a document under the size limit.
    let long = "a".repeat(100_000);
    let (at, message) = err_at(&v2(&format!(
        r#""C3.1":{{"answer":"yes","detail":"{long}"}}"#
    )))?;
    assert_eq!(at, "/answers/C3.1/detail");
    assert!(message.contains("100000 bytes"), "{message}");

    // Invalid UTF-8 inside a string.
    let mut bytes = v2(r#""C3.1":{"answer":"yes","detail":"caf"#);
    bytes.extend(b"\xff\xfe\"}}}");
    let e = err(&bytes)?;
    assert!(matches!(e.location, Location::Line(1)), "{:?}", e.location);
    assert!(
        e.message.contains("not valid JSON") || e.message.contains("unexpected"),
        "{}",
        e.message
    );

    for bytes in [
        &b""[..],
        b"{",
        b"\xff\xfe",
        b"{\"assure_format\":\"dtac-answers/1\",\"answers\":{\"C3.1\":",
    ] {
        assert!(run(bytes).is_err());
    }
    Ok(())
}
