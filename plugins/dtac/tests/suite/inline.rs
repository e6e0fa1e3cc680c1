//! The plugin over small inline documents: version detection, normalisation,
//! errors with their pointers, and hostile input.

use crate::common::*;
use assure_plugin_sdk::Location;

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
        r#""C3.1":{"answer":"Provided"},"C2.3.1":{"answer":"Confirmed"}"#,
    ))?;
    assert_eq!(at, "/answers/C2.3.1");
    assert!(
        message.contains("\"2.0\"") && message.contains("only in DTAC v1.0"),
        "{message}"
    );

    let bytes = doc(
        r#","dtac_version":"1.0""#,
        r#""C1.2.2":{"answer":"Yes"},"C3.5.1":{"answer":"Yes"}"#,
    );
    let (at, message) = err_at(&bytes)?;
    assert_eq!(at, "/answers/C1.2.2");
    assert!(
        message.contains("questions C1.2.2, C3.5.1 are only in DTAC v2.0"),
        "{message}"
    );
    // A code neither version asks.
    let (at, message) = err_at(&v2(r#""C9.9":{"answer":"Yes"}"#))?;
    assert_eq!(at, "/answers/C9.9/answer");
    assert!(
        message.contains("C9.9 is not a question of DTAC v2.0"),
        "{message}"
    );
    Ok(())
}

/// A complete, real v1.0 form answers C1.1.1, C2.2.1, C3.3 and C3.6, which
/// v1.0 asks too: it is accepted (it used to be refused as a mix).
#[test]
fn v1_questions_that_share_a_code_with_v2_are_v1_questions() -> Result<(), String> {
    let x = ok(&doc(
        "",
        r#""C1.1":{"answer":"Yes"},"C1.1.1":{"answer":"Provided"},"C2.2.1":{"answer":"Jo Bloggs, DPO"},"C3.3":{"answer":"No because there is no custom code"},"C3.6":{"answer":"Yes"}"#,
    ))?;
    assert_eq!(text(&x.facts, "dtac.version")?, "1.0");
    assert!(boolean(&x.facts, "dtac.clinical_risk_management_system")?);
    assert_eq!(
        at(&x.facts, "dtac.clinical_risk_management_system")?,
        "/answers/C1.1.1/answer"
    );
    // "No because there is no custom code": no custom code, so no review to
    // judge.
    assert!(!boolean(&x.facts, "dtac.custom_code")?);
    assert!(!has(&x.facts, "dtac.custom_code_reviewed"));
    // v1.0 C3.6 is load testing, not logging.
    assert!(!has(&x.facts, "dtac.audit_logging"));
    Ok(())
}

#[test]
fn undeclared_version_must_be_clear() -> Result<(), String> {
    let (where_, message) = err_at(&doc(
        "",
        r#""C1.1":{"answer":"Yes"},"C1.2.2":{"answer":"Yes"}"#,
    ))?;
    assert_eq!(where_, "/answers");
    assert!(
        message.contains("mix") && message.contains("C1.1") && message.contains("C1.2.2"),
        "{message}"
    );

    // Questions both versions ask tell nothing.
    let (where_, message) = err_at(&doc(
        "",
        r#""C3.1":{"answer":"Provided"},"C3.6":{"answer":"Yes"}"#,
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
        r#""C3.1":{"answer":"Provided"},"C3.5.1":{"answer":"No"}"#,
    ))?;
    assert_eq!(text(&x.facts, "dtac.version")?, "2.0");
    assert_eq!(at(&x.facts, "dtac.version")?, "/answers/C3.5.1");
    assert!(!boolean(&x.facts, "dtac.mfa_privileged")?);
    Ok(())
}

#[test]
fn the_forms_own_words_are_understood() -> Result<(), String> {
    // (question, answer, fact, value)
    let cases: &[(&str, &str, &str, bool)] = &[
        ("C3.1", "true", "dtac.cyber_essentials", true),
        ("C3.1", "false", "dtac.cyber_essentials", false),
        ("C3.1", r#""Provided""#, "dtac.cyber_essentials", true),
        ("C3.1", r#""Not Provided""#, "dtac.cyber_essentials", false),
        ("C3.1", r#""not provided.""#, "dtac.cyber_essentials", false),
        (
            "C3.1",
            r#"" PROVIDED - see attached certificate ""#,
            "dtac.cyber_essentials",
            true,
        ),
        ("C2.1", r#""Confirmed""#, "dtac.dspt_confirmed", true),
        ("C2.1", r#""Confirm""#, "dtac.dspt_confirmed", true),
        (
            "C2.1",
            r#""Unable to Confirm""#,
            "dtac.dspt_confirmed",
            false,
        ),
        ("C2.1", r#""Cannot confirm""#, "dtac.dspt_confirmed", false),
        ("C2.2", r#""Yes""#, "dtac.processes_personal_data", true),
        ("C2.2", r#""y""#, "dtac.processes_personal_data", true),
        ("C2.2", r#""No.""#, "dtac.processes_personal_data", false),
        ("C3.4", r#""Confirmed""#, "dtac.sscop_conformant", true),
        ("C3.5", r#""No – planned for 2027""#, "dtac.mfa_plan", false),
    ];
    for (id, answer, fact, value) in cases {
        let x = ok(&v2(&format!(r#""{id}":{{"answer":{answer}}}"#)))?;
        assert_eq!(boolean(&x.facts, fact)?, *value, "{id} {answer}");
        assert_eq!(at(&x.facts, fact)?, format!("/answers/{id}/answer"));
    }
    // The words after the option are kept as a note, where they were written.
    let x = ok(&v2(
        r#""C3.1":{"answer":"Provided - see attached certificate"}"#,
    ))?;
    assert!(noted(
        &x,
        "/answers/C3.1/answer",
        &["\"Provided\"", "see attached certificate"]
    ));
    // UK only / Outside of UK (v2.0); UK only / In EU / Outside of EU (v1.0).
    for (answer, uk) in [
        ("UK only", true),
        ("UK Only", true),
        ("Outside of UK", false),
        ("outside the UK", false),
    ] {
        let x = ok(&v2(&format!(
            r#""C2.2":{{"answer":"Yes"}},"C2.2.5":{{"answer":"{answer}"}}"#
        )))?;
        assert_eq!(boolean(&x.facts, "dtac.data_in_uk")?, uk, "{answer}");
    }
    for (answer, uk) in [
        ("UK only", true),
        ("In EU", false),
        ("Outside of EU", false),
    ] {
        let x = ok(&doc(
            "",
            &format!(r#""C1.1":{{"answer":"Yes"}},"C2.5":{{"answer":"{answer}"}}"#),
        ))?;
        assert_eq!(boolean(&x.facts, "dtac.data_in_uk")?, uk, "{answer}");
    }
    Ok(())
}

/// An answer that is not one of the question's options gives no fact, and
/// a note naming the question, the answer and the options.
#[test]
fn answers_outside_the_options_give_no_fact() -> Result<(), String> {
    for answer in [
        r#""Yes""#,
        r#""Certified""#,
        r#""N/A""#,
        r#""""#,
        r#""2026-01-19""#,
    ] {
        let x = ok(&v2(&format!(r#""C3.1":{{"answer":{answer}}}"#)))?;
        assert!(!has(&x.facts, "dtac.cyber_essentials"), "{answer}");
        assert!(
            noted(&x, "/answers/C3.1/answer", &["C3.1"]),
            "{answer}: {:?}",
            notes(&x)
        );
    }
    let x = ok(&v2(r#""C3.1":{"answer":"Certified"}"#))?;
    assert!(noted(
        &x,
        "/answers/C3.1/answer",
        &["\"Certified\"", "Provided | Not Provided", "no fact"]
    ));
    // "Yesterday" is not "Yes"; "No" is not an option of C2.1.
    let x = ok(&v2(
        r#""C3.5":{"answer":"Yesterday"},"C2.1":{"answer":"No"}"#,
    ))?;
    assert!(!has(&x.facts, "dtac.mfa_plan"));
    assert!(!has(&x.facts, "dtac.patient_data_access"));
    assert!(!has(&x.facts, "dtac.dspt_confirmed"));
    Ok(())
}

#[test]
fn dspt_status_words_are_read_from_the_answer() -> Result<(), String> {
    let cases = [
        ("Confirmed - Standards Met", Some("Standards Met")),
        ("Confirmed. standards exceeded", Some("Standards Exceeded")),
        (
            "Unable to confirm: APPROACHING STANDARDS",
            Some("Approaching Standards"),
        ),
        (
            "Unable to Confirm, Standards not met",
            Some("Standards Not Met"),
        ),
        (
            "Standards Not Fully Met (Plan Agreed)",
            Some("Approaching Standards"),
        ),
        ("Confirmed", None),
        ("Green", None),
    ];
    for (answer, expected) in cases {
        let x = ok(&v2(&format!(r#""C2.1":{{"answer":"{answer}"}}"#)))?;
        match expected {
            Some(status) => {
                assert_eq!(text(&x.facts, "dtac.dspt_status")?, status, "{answer}");
            }
            None => assert!(!has(&x.facts, "dtac.dspt_status"), "{answer}"),
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
    // "No access to patient data or national NHS System": no DSPT asked.
    let x = ok(&v2(
        r#""C2.1":{"answer":"No access to patient data or national NHS System"}"#,
    ))?;
    assert!(!boolean(&x.facts, "dtac.patient_data_access")?);
    assert!(!has(&x.facts, "dtac.dspt_confirmed"));
    // The ODS code, from its member or the answer's words.
    let x = ok(&v2(r#""C2.1":{"answer":"Confirmed (ODS code 8AB12)"}"#))?;
    assert_eq!(text(&x.facts, "dtac.dspt_ods_code")?, "8AB12");
    Ok(())
}

#[test]
fn unanswered_questions_that_apply_are_noted() -> Result<(), String> {
    let x = ok(&v2(
        r#""C3.1":{"answer":"Provided"},"C3.2":{"answer":"No"}"#,
    ))?;
    assert!(noted(
        &x,
        "/answers",
        &[
            "C3.5.1 (DTAC v2.0) is not answered",
            "`dtac.mfa_privileged`"
        ]
    ));
    assert!(noted(
        &x,
        "/answers",
        &[
            "C1.2.2 (DTAC v2.0) is not answered",
            "`dtac.dcb0129_compliant`"
        ]
    ));
    assert!(noted(
        &x,
        "/answers",
        &["C2.2 (DTAC v2.0)", "`dtac.processes_personal_data`"]
    ));
    // Optional facts are not noted.
    assert!(!notes(&x).iter().any(|n| n.contains("sscop")));
    Ok(())
}

/// The skip logic: questions routed past give no fact, even when answered,
/// and the fact the route depends on is there for the rules.
#[test]
fn skip_routes_and_not_applicable() -> Result<(), String> {
    // v2.0 C1.1.2 Yes (a standalone device): C1.2 to C1.2.5 do not apply.
    let x = ok(&v2(
        r#""C1.1.1":{"answer":"Yes","paq":"Provided"},"C1.1.2":{"answer":"Yes"},"C1.2.2":{"answer":"No"}"#,
    ))?;
    assert!(boolean(&x.facts, "dtac.medical_device")?);
    assert!(boolean(&x.facts, "dtac.paq_provided")?);
    assert_eq!(at(&x.facts, "dtac.paq_provided")?, "/answers/C1.1.1/paq");
    assert!(boolean(&x.facts, "dtac.standalone_medical_device")?);
    assert!(!boolean(&x.facts, "dtac.dcb0129_in_scope")?);
    assert_eq!(
        at(&x.facts, "dtac.dcb0129_in_scope")?,
        "/answers/C1.1.2/answer"
    );
    assert!(!has(&x.facts, "dtac.dcb0129_compliant"));
    assert!(noted(
        &x,
        "/answers/C1.2.2/answer",
        &["C1.1.2 \"Yes\" routes past it"]
    ));
    assert!(
        !notes(&x)
            .iter()
            .any(|n| n.contains("C1.2.2 (DTAC v2.0) is not answered"))
    );

    // C1.2 No: C1.2.1's justification is read, C1.2.2 to C1.2.5 do not apply.
    let x = ok(&v2(
        r#""C1.1.1":{"answer":"No"},"C1.2":{"answer":"No"},"C1.2.1":{"answer":"Rota planning only; no information used in direct care."}"#,
    ))?;
    assert!(!boolean(&x.facts, "dtac.dcb0129_in_scope")?);
    assert_eq!(
        text(&x.facts, "dtac.dcb0129_out_of_scope_reason")?,
        "Rota planning only; no information used in direct care."
    );
    assert!(!notes(&x).iter().any(|n| n.contains("dcb0129_compliant")));

    // C3.5.1 "Not applicable as supplier has no access to the product", or "N/A".
    for answer in [
        "Not applicable as supplier has no access to the product",
        "N/A",
    ] {
        let x = ok(&v2(&format!(
            r#""C3.2":{{"answer":"No"}},"C3.5.1":{{"answer":"{answer}"}}"#
        )))?;
        assert!(!boolean(&x.facts, "dtac.supplier_has_access")?, "{answer}");
        assert!(!has(&x.facts, "dtac.mfa_privileged"));
        assert!(!has(&x.facts, "dtac.mfa_remote_access"));
    }

    // v1.0 C1.3 No: a device, not registered; C1.3.1 does not apply, C1.3.2 does.
    let x = ok(&doc(
        "",
        r#""C1.3":{"answer":"No"},"C1.3.1":{"answer":"MHRA 1234"},"C1.3.2":{"answer":"No evidence available"}"#,
    ))?;
    assert!(boolean(&x.facts, "dtac.medical_device")?);
    assert!(!boolean(&x.facts, "dtac.mhra_registered")?);
    assert!(!has(&x.facts, "dtac.mhra_registration"));
    assert!(!boolean(&x.facts, "dtac.conformity_declaration")?);
    assert_eq!(
        at(&x.facts, "dtac.conformity_declaration")?,
        "/answers/C1.3.2/answer"
    );
    // v1.0 C1.3 Yes: registered, with the registration as written.
    let x = ok(&doc(
        "",
        r#""C1.3":{"answer":"Yes, Class I"},"C1.3.1":{"answer":"MHRA Account Number 13251"}"#,
    ))?;
    assert!(boolean(&x.facts, "dtac.mhra_registered")?);
    assert_eq!(
        text(&x.facts, "dtac.mhra_registration")?,
        "MHRA Account Number 13251"
    );
    Ok(())
}

/// Lies: an answer the route skipped, or outside the options, never gives a
/// passing fact.
#[test]
fn contradictions_never_give_a_passing_fact() -> Result<(), String> {
    // "Not a device" (C1.1.1 No routes past C1.1.2), then "a standalone
    // device" (C1.1.2 Yes) to skip the DCB0129 questions: C1.1.2 is not read,
    // and DCB0129 stays in question.
    let x = ok(&v2(r#""C1.1.1":{"answer":"No"},"C1.1.2":{"answer":"Yes"}"#))?;
    assert!(!has(&x.facts, "dtac.standalone_medical_device"));
    assert!(!has(&x.facts, "dtac.dcb0129_in_scope"));
    assert!(noted(
        &x,
        "/answers/C1.1.2/answer",
        &["C1.1.1 \"No\" routes past it"]
    ));
    assert!(noted(
        &x,
        "/answers",
        &["C1.2 (DTAC v2.0) is not answered", "dcb0129_in_scope"]
    ));
    // No personal data (C2.2 No), then a "Provided" DPIA: not read.
    let x = ok(&v2(
        r#""C2.2":{"answer":"No"},"C2.2.2":{"answer":"Provided"}"#,
    ))?;
    assert!(!has(&x.facts, "dtac.dpia"));
    // Charter route taken, then "Yes" to C3.6: not read.
    let x = ok(&v2(r#""C3.2":{"answer":"Yes"},"C3.6":{"answer":"Yes"}"#))?;
    assert!(!has(&x.facts, "dtac.audit_logging"));
    // A boolean to a free-text question.
    let x = ok(&v2(r#""C1.2":{"answer":"Yes"},"C1.2.5":{"answer":true}"#))?;
    assert!(!has(&x.facts, "dtac.clinical_safety_officer"));
    assert!(noted(&x, "/answers/C1.2.5/answer", &["free text"]));
    Ok(())
}

#[test]
fn members_give_the_extra_facts() -> Result<(), String> {
    // The CSO's registration: the member, the answer's words, or `detail`.
    let x = ok(&v2(
        r#""C1.2.5":{"answer":"Dr A. Person","registration":"GMC 7000001"}"#,
    ))?;
    assert_eq!(
        text(&x.facts, "dtac.clinical_safety_officer_registration")?,
        "GMC 7000001"
    );
    assert_eq!(
        at(&x.facts, "dtac.clinical_safety_officer_registration")?,
        "/answers/C1.2.5/registration"
    );
    let x = ok(&v2(
        r#""C1.2.5":{"answer":"Dr A. Person","detail":"GMC number 7000001"}"#,
    ))?;
    assert_eq!(
        text(&x.facts, "dtac.clinical_safety_officer_registration")?,
        "GMC 7000001"
    );
    assert_eq!(
        at(&x.facts, "dtac.clinical_safety_officer_registration")?,
        "/answers/C1.2.5/detail"
    );
    // "None": no CSO.
    let x = ok(&v2(r#""C1.2.5":{"answer":"None"}"#))?;
    assert!(!boolean(&x.facts, "dtac.clinical_safety_officer")?);
    assert!(!has(&x.facts, "dtac.clinical_safety_officer_registration"));

    // Pen test members: yes/no, Provided, true/false; "n/a" gives no fact.
    let x = ok(&v2(
        r#""C3.3":{"answer":"Provided","within_12_months":"No","owasp_top10":"n/a","no_open_high":false}"#,
    ))?;
    assert!(boolean(&x.facts, "dtac.pentest_summary_provided")?);
    assert!(!boolean(&x.facts, "dtac.pentest_within_12_months")?);
    assert!(!has(&x.facts, "dtac.pentest_owasp_top10"));
    assert!(!boolean(&x.facts, "dtac.pentest_no_open_high")?);
    assert!(noted(
        &x,
        "/answers/C3.3/owasp_top10",
        &["C3.3 `owasp_top10`", "no fact"]
    ));

    // A transfer basis that says nothing.
    let x = ok(&v2(
        r#""C2.2":{"answer":"Yes"},"C2.2.5":{"answer":"Outside of UK"},"C2.2.6":{"answer":"N/A"}"#,
    ))?;
    assert!(!has(&x.facts, "dtac.data_transfer_basis"));
    assert!(noted(&x, "/answers/C2.2.6/answer", &["says nothing"]));
    Ok(())
}

#[test]
fn unknown_members_and_questions_are_noted() -> Result<(), String> {
    let x = ok(&doc(
        r#","dtac_version":"2.0","notes":"x""#,
        r#""C3.1":{"answer":"Provided","regstration":"x"},"A1":{"answer":"Northwind"},"D1.2":{"answer":true}"#,
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
        &["2 answers are to questions this plugin does not turn into facts (A1, D1.2)"]
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
    bytes.extend(v2(r#""C3.1":{"answer":"Provided"}"#));
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
