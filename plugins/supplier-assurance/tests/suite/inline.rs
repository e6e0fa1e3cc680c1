//! The plugin over small inline statements: the format marker, sections,
//! dates, DSPT years, ISO/IEC 27001 editions, and hostile input.

use crate::common::*;
use assure_plugin_sdk::Location;
use assure_plugin_supplier_assurance::{MAX_DOCUMENT_BYTES, MAX_REPORTED_TO};

/// A statement with the required members, and `extra` top-level members
/// (`"key": value` pairs, written as JSON).
fn statement(extra: &str) -> Vec<u8> {
    let mut body = String::from(
        r#"{"assure_format":"supplier-assurance/1","supplier":"Northwind Health Ltd","product":"CareFlow","statement_date":"2025-08-29""#,
    );
    if !extra.is_empty() {
        body.push(',');
        body.push_str(extra);
    }
    body.push('}');
    body.into_bytes()
}

#[test]
fn the_least_statement_gives_who_what_and_when_only() -> Result<(), String> {
    let x = ok(&statement(""))?;
    let mut paths: Vec<&str> = x.facts.iter().map(|f| f.path.as_str()).collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "assurance.product_name",
            "assurance.statement_date",
            "assurance.supplier_name"
        ]
    );
    Ok(())
}

#[test]
fn top_level_must_be_an_object_with_the_marker() -> Result<(), String> {
    for bytes in [&b"[]"[..], b"null", b"\"supplier-assurance/1\"", b"3"] {
        let e = err(bytes)?;
        assert!(matches!(e.location, Location::Whole), "{:?}", e.location);
    }
    for (doc, words) in [
        (r#"{"supplier":"x"}"#, "is missing"),
        (
            r#"{"assure_format":"supplier-assurance/2"}"#,
            "this plugin reads",
        ),
        (
            r#"{"assure_format":"pentest-summary/1"}"#,
            "not a supplier assurance statement",
        ),
        (r#"{"assure_format":1}"#, "not a number"),
    ] {
        let (at, message) = err_at(doc.as_bytes())?;
        assert_eq!(at, "/assure_format");
        assert!(message.contains(words), "{message}");
    }
    Ok(())
}

#[test]
fn a_section_is_an_object_given_whole() -> Result<(), String> {
    let (at, message) = err_at(&statement(r#""backups":null"#))?;
    assert_eq!(at, "/backups");
    assert!(message.contains("must be an object"), "{message}");
    let (at, message) = err_at(&statement(r#""backups":{"immutable":true}"#))?;
    assert_eq!(at, "/backups/restore_tested");
    assert!(message.contains("given whole"), "{message}");
    // Unknown members are noted, not read.
    let x = ok(&statement(
        r#""backups":{"immutable":true,"restore_tested":"2025-08-01","offsite":true},"colour":"blue""#,
    ))?;
    assert!(noted(&x, "/backups/offsite", &["unknown member"]));
    assert!(noted(&x, "/colour", &["unknown member"]));
    Ok(())
}

#[test]
fn dates_must_exist_and_dated_claims_precede_the_statement() -> Result<(), String> {
    let (at, message) = err_at(
        &String::from_utf8_lossy(&statement(""))
            .replace("2025-08-29", "2025-02-29")
            .into_bytes(),
    )?;
    assert_eq!(at, "/statement_date");
    assert!(message.contains("has no day 29"), "{message}");
    let (at, _) = err_at(&statement(
        r#""support":{"ends":"31/12/2029","end_of_support_notice_months":12}"#,
    ))?;
    assert_eq!(at, "/support/ends");
    // The same day, later in that day, is after the statement.
    let x = ok(&statement(
        r#""backups":{"immutable":true,"restore_tested":"2025-08-29"}"#,
    ))?;
    assert_eq!(
        datetime(&x.facts, "assurance.backup_restore_tested")?,
        "2025-08-29"
    );
    let (at, message) = err_at(&statement(
        r#""backups":{"immutable":true,"restore_tested":"2025-08-29T10:00:00+00:00"}"#,
    ))?;
    assert_eq!(at, "/backups/restore_tested");
    assert!(
        message.contains("cannot report what had not yet happened"),
        "{message}"
    );
    // The support period ends in the future: that is not a claim of the past.
    let x = ok(&statement(
        r#""support":{"ends":"2031-12-31","end_of_support_notice_months":12}"#,
    ))?;
    assert_eq!(datetime(&x.facts, "assurance.support_ends")?, "2031-12-31");
    Ok(())
}

#[test]
fn dspt_years_and_statuses() -> Result<(), String> {
    let dspt = |status: &str, year: &str| {
        statement(&format!(
            r#""dspt":{{"status":"{status}","assessment_year":"{year}","published":"2025-06-24","ods_code":"8JX21"}}"#
        ))
    };
    let x = ok(&dspt("standards exceeded", "2025-26"))?;
    assert_eq!(
        text(&x.facts, "assurance.dspt_status")?,
        "Standards Exceeded"
    );
    assert_eq!(
        datetime(&x.facts, "assurance.dspt_year_ends")?,
        "2026-06-30T23:59:59Z"
    );
    for year in ["2025-27", "2025/26", "2025-2026", "FY25"] {
        let (at, message) = err_at(&dspt("Standards Met", year))?;
        assert_eq!(at, "/dspt/assessment_year");
        assert!(message.contains("\"2025-26\""), "{message}");
    }
    let (at, message) = err_at(&dspt("Compliant", "2025-26"))?;
    assert_eq!(at, "/dspt/status");
    assert!(message.contains("Standards Met"), "{message}");
    Ok(())
}

#[test]
fn iso27001_editions() -> Result<(), String> {
    let iso = |edition: &str| {
        statement(&format!(
            r#""iso27001":{{"edition":"{edition}","certificate_number":"IS 1","expires":"2027-01-01","scope":"all"}}"#
        ))
    };
    for (written, edition) in [
        ("2022", "2022"),
        ("ISO/IEC 27001:2013", "2013"),
        ("ISO 27001:2022", "2022"),
    ] {
        let x = ok(&iso(written))?;
        assert_eq!(
            text(&x.facts, "assurance.iso27001_edition")?,
            edition,
            "{written}"
        );
    }
    for bad in ["2005", "ISO 9001:2015", "latest", "27001"] {
        let (at, _) = err_at(&iso(bad))?;
        assert_eq!(at, "/iso27001/edition", "{bad}");
    }
    // A certificate without its expiry is no certificate.
    let (at, _) = err_at(&statement(
        r#""iso27001":{"edition":"2022","certificate_number":"IS 1","scope":"all"}"#,
    ))?;
    assert_eq!(at, "/iso27001/expires");
    Ok(())
}

#[test]
fn numbers_are_whole_and_in_range() -> Result<(), String> {
    let ir = |hours: &str| {
        statement(&format!(
            r#""incident_response":{{"monitoring_24x7":true,"notifies_customers":true,"notifies_nhs_england":true,"notification_hours":{hours},"board_exercise_date":"2025-03-20"}}"#
        ))
    };
    assert_eq!(
        long(
            &ok(&ir("0"))?.facts,
            "assurance.incident_notification_hours"
        )?,
        0
    );
    for bad in [
        "-1",
        "8761",
        "24.0",
        "2.4e1",
        "18446744073709551616",
        "\"24\"",
        "true",
        "null",
    ] {
        let (at, _) = err_at(&ir(bad)).map_err(|e| format!("{bad}: {e}"))?;
        assert_eq!(at, "/incident_response/notification_hours", "{bad}");
    }
    // A number past what JSON numbers hold is no document at all.
    assert!(err(&ir("1e400")).is_ok());
    Ok(())
}

#[test]
fn reported_to_is_a_bounded_list_of_names() -> Result<(), String> {
    let list = |items: &str| {
        statement(&format!(
            r#""vulnerability_reporting":{{"reports_to":[{items}]}}"#
        ))
    };
    let x = ok(&list(r#"" NCSC ","NCSC","upstream""#))?;
    assert_eq!(
        text_set(&x.facts, "assurance.reports_vulnerabilities_to")?,
        ["NCSC", "upstream"]
    );
    let (at, _) = err_at(&list(r#""NCSC","  ""#))?;
    assert_eq!(at, "/vulnerability_reporting/reports_to/1");
    let (at, _) = err_at(&list(r#""NCSC",7"#))?;
    assert_eq!(at, "/vulnerability_reporting/reports_to/1");
    let many = vec!["\"x\""; MAX_REPORTED_TO + 1].join(",");
    let (at, message) = err_at(&list(&many))?;
    assert_eq!(at, "/vulnerability_reporting/reports_to");
    assert!(message.contains("at most 64"), "{message}");
    Ok(())
}

#[test]
fn huge_documents_and_text_are_refused() -> Result<(), String> {
    let big = statement(&format!(
        r#""signed_by":"{}""#,
        "x".repeat(MAX_DOCUMENT_BYTES)
    ));
    let e = err(&big)?;
    assert!(matches!(e.location, Location::Whole), "{:?}", e.location);
    assert!(e.message.contains("at most 1048576 bytes"), "{}", e.message);
    // A long value anywhere, read or not, is refused where it stands.
    let long_text = statement(&format!(r#""colour":{{"a":["{}"]}}"#, "x".repeat(70_000)));
    let (at, message) = err_at(&long_text)?;
    assert_eq!(at, "/colour/a/0");
    assert!(message.contains("70000 bytes"), "{message}");
    Ok(())
}

#[test]
fn a_member_named_twice_is_refused() -> Result<(), String> {
    let doc = statement(
        r#""development":{"framework":"SSDF","tests_before_release":true,"tests_before_release":false,"secure_by_default":true}"#,
    );
    let e = err(&doc)?;
    assert!(e.message.contains("appears twice"), "{}", e.message);
    Ok(())
}
