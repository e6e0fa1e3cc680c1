//! The plugin over small inline documents: levels, the expiry rule, errors
//! with their pointers, and hostile input.

use crate::common::*;
use assure_plugin_sdk::Location;

/// A certificate with `members` (JSON object members) replacing the defaults.
fn cert(members: &[(&str, &str)]) -> Vec<u8> {
    let mut fields = vec![
        ("assure_format", r#""cyber-essentials/1""#),
        ("organisation", r#""Northwind Health Ltd""#),
        ("level", r#""Cyber Essentials Plus""#),
        ("certificate_number", r#""CE-1""#),
        ("issued", r#""2025-11-03""#),
        ("expires", r#""2026-11-03""#),
        ("scope", r#""Whole organisation""#),
        ("whole_organisation", "true"),
        ("certification_body", r#""Pennine Cyber Assurance Ltd""#),
        ("requirements_version", r#""3.2""#),
    ];
    for (key, value) in members {
        match fields.iter_mut().find(|(k, _)| k == key) {
            Some(field) => field.1 = value,
            None => fields.push((key, value)),
        }
    }
    let body: Vec<String> = fields
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!(r#""{k}":{v}"#))
        .collect();
    format!("{{{}}}", body.join(",")).into_bytes()
}

#[test]
fn malformed_and_truncated_json_name_the_line() -> Result<(), String> {
    let e = err(b"{\n  \"assure_format\": \"cyber-essentials/1\",\n  \"level\": CE\n}")?;
    assert!(matches!(e.location, Location::Line(3)), "{:?}", e.location);
    assert!(e.message.contains("not valid JSON"), "{}", e.message);
    let full = cert(&[]);
    let e = err(full.get(..full.len() / 2).ok_or("short")?)?;
    assert!(matches!(e.location, Location::Line(1)), "{:?}", e.location);
    assert!(e.message.contains("ends early"), "{}", e.message);
    Ok(())
}

#[test]
fn top_level_must_be_an_object() -> Result<(), String> {
    for bytes in [&b"[]"[..], b"null", b"\"cyber-essentials/1\"", b"3"] {
        let e = err(bytes)?;
        assert!(matches!(e.location, Location::Whole), "{:?}", e.location);
    }
    Ok(())
}

#[test]
fn the_format_marker_is_checked() -> Result<(), String> {
    for (value, words) in [
        ("", "is missing"),
        (r#""cyber-essentials/2""#, "this plugin reads"),
        (
            r#""pentest-summary/1""#,
            "not a Cyber Essentials certificate",
        ),
        ("true", "not true/false"),
    ] {
        let (at, message) = err_at(&cert(&[("assure_format", value)]))?;
        assert_eq!(at, "/assure_format");
        assert!(message.contains(words), "{message}");
    }
    Ok(())
}

#[test]
fn wrong_types_and_missing_members_name_their_pointer() -> Result<(), String> {
    let cases = [
        ("organisation", "", "/organisation", "missing"),
        ("organisation", r#"" ""#, "/organisation", "empty"),
        ("organisation", "7", "/organisation", "not a number"),
        ("level", r#"["CE"]"#, "/level", "not an array"),
        (
            "level",
            r#""IASME Gold""#,
            "/level",
            "\"Cyber Essentials\" or \"Cyber Essentials Plus\"",
        ),
        (
            "certificate_number",
            "12345",
            "/certificate_number",
            "not a number",
        ),
        ("issued", "", "/issued", "missing"),
        ("issued", r#""3 November 2025""#, "/issued", "not a date"),
        ("issued", r#""2025-02-29""#, "/issued", "no day 29"),
        ("issued", "20251103", "/issued", "not a number"),
        (
            "expires",
            r#""2026-11-03T00:00:00""#,
            "/expires",
            "`Z` or `+HH:MM`",
        ),
        ("expires", "{}", "/expires", "not an object"),
        ("scope", "null", "/scope", "not null"),
        ("whole_organisation", "", "/whole_organisation", "missing"),
        (
            "whole_organisation",
            r#""yes""#,
            "/whole_organisation",
            "true or false, not text",
        ),
        (
            "certification_body",
            "[]",
            "/certification_body",
            "not an array",
        ),
    ];
    for (member, value, pointer, words) in cases {
        let (at, message) = err_at(&cert(&[(member, value)]))?;
        assert_eq!(at, pointer, "{member}={value}: {message}");
        assert!(message.contains(words), "{member}={value}: {message}");
    }
    Ok(())
}

#[test]
fn levels_are_normalised() -> Result<(), String> {
    for (written, level, plus) in [
        ("CE", "Cyber Essentials", false),
        ("cyber essentials", "Cyber Essentials", false),
        ("CE+", "Cyber Essentials Plus", true),
        ("CE Plus", "Cyber Essentials Plus", true),
        ("Cyber Essentials+", "Cyber Essentials Plus", true),
        ("CYBER ESSENTIALS PLUS", "Cyber Essentials Plus", true),
    ] {
        let x = ok(&cert(&[("level", &format!(r#""{written}""#))]))?;
        assert_eq!(text(&x.facts, "cyber_essentials.level")?, level);
        assert_eq!(boolean(&x.facts, "cyber_essentials.plus")?, plus);
        assert_eq!(at(&x.facts, "cyber_essentials.plus")?, "/level");
    }
    Ok(())
}

#[test]
fn expiry_is_capped_at_twelve_months() -> Result<(), String> {
    // (issued, stated expiry, expected expires, pointer, noted)
    let cases = [
        ("2025-11-03", "2026-11-03", "2026-11-03", "/expires", false),
        ("2025-11-03", "2026-05-01", "2026-05-01", "/expires", false),
        ("2025-11-03", "2025-11-03", "2025-11-03", "/expires", false),
        ("2025-11-03", "2026-11-04", "2026-11-03", "/issued", true),
        ("2025-11-03", "2027-11-03", "2026-11-03", "/issued", true),
        ("2024-02-29", "2025-03-01", "2025-02-28", "/issued", true),
        ("2024-02-29", "2025-02-28", "2025-02-28", "/expires", false),
        ("2023-02-28", "2024-02-29", "2024-02-28", "/issued", true),
        // Date-times keep their time and offset; a bare date is midnight UTC.
        (
            "2025-11-03T10:00:00Z",
            "2026-11-03",
            "2026-11-03",
            "/expires",
            false,
        ),
        (
            "2025-11-03T10:00:00Z",
            "2026-11-03T10:00:01Z",
            "2026-11-03T10:00:00Z",
            "/issued",
            true,
        ),
        (
            "2025-11-03T10:00:00+01:00",
            "2026-11-03T09:00:00Z",
            "2026-11-03T09:00:00Z",
            "/expires",
            false,
        ),
        (
            "2025-11-03T10:00:00+01:00",
            "2026-11-03T09:30:00Z",
            "2026-11-03T10:00:00+01:00",
            "/issued",
            true,
        ),
        (
            "2025-11-03",
            "2026-11-03T00:00:00.000000001Z",
            "2026-11-03",
            "/issued",
            true,
        ),
    ];
    for (issued, stated, expected, pointer, noted_) in cases {
        let x = ok(&cert(&[
            ("issued", &format!(r#""{issued}""#)),
            ("expires", &format!(r#""{stated}""#)),
        ]))?;
        let case = format!("{issued} → {stated}");
        assert_eq!(
            datetime(&x.facts, "cyber_essentials.expires")?,
            expected,
            "{case}"
        );
        assert_eq!(
            datetime(&x.facts, "cyber_essentials.issued")?,
            issued,
            "{case}"
        );
        assert_eq!(at(&x.facts, "cyber_essentials.expires")?, pointer, "{case}");
        assert_eq!(
            noted(&x, "/expires", &["more than 12 months after", expected]),
            noted_,
            "{case}: {:?}",
            notes(&x)
        );
        assert_eq!(x.notes.len(), usize::from(noted_), "{case}");
    }
    // No stated expiry: 12 months from issue, with a note.
    let x = ok(&cert(&[
        ("issued", r#""2025-12-31T23:59:59-05:00""#),
        ("expires", ""),
    ]))?;
    assert_eq!(
        datetime(&x.facts, "cyber_essentials.expires")?,
        "2026-12-31T23:59:59-05:00"
    );
    assert!(noted(
        &x,
        "/issued",
        &["no `expires`", "2026-12-31T23:59:59-05:00"]
    ));
    Ok(())
}

#[test]
fn expiry_before_issue_is_an_error() -> Result<(), String> {
    for (issued, stated) in [
        ("2025-11-03", "2025-11-02"),
        ("2025-11-03", "2024-11-03"),
        ("2025-11-03T10:00:00Z", "2025-11-03"),
        ("2025-11-03T00:30:00+01:00", "2025-11-02T23:29:59Z"),
    ] {
        let (at, message) = err_at(&cert(&[
            ("issued", &format!(r#""{issued}""#)),
            ("expires", &format!(r#""{stated}""#)),
        ]))?;
        assert_eq!(at, "/expires");
        assert!(
            message.contains("before `issued`") && message.contains(issued),
            "{message}"
        );
    }
    let (at, message) = err_at(&cert(&[("issued", r#""9999-03-01""#), ("expires", "")]))?;
    assert_eq!(at, "/issued");
    assert!(message.contains("too late"), "{message}");
    Ok(())
}

#[test]
fn unknown_members_are_noted() -> Result<(), String> {
    let x = ok(&cert(&[("expiry", r#""2026-11-03""#)]))?;
    assert_eq!(notes(&x), ["/expiry: unknown member `expiry`: ignored"]);
    Ok(())
}

#[test]
fn byte_order_mark_is_accepted() -> Result<(), String> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(cert(&[]));
    let x = ok(&bytes)?;
    assert!(boolean(&x.facts, "cyber_essentials.plus")?);
    Ok(())
}

#[test]
fn hostile_input_is_an_error_not_a_crash() -> Result<(), String> {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let e = err(deep.as_bytes())?;
    assert!(matches!(e.location, Location::Line(1)), "{:?}", e.location);
    let e = err(&cert(&[("scope", &deep)]))?;
    assert!(matches!(e.location, Location::Line(1)), "{:?}", e.location);

    let huge = format!("\"{}\"", "a".repeat(50 * 1024 * 1024));
    let e = err(&cert(&[("scope", &huge)]))?;
    assert!(matches!(e.location, Location::Whole), "{:?}", e.location);
    assert!(e.message.contains("at most"), "{}", e.message);
    drop(huge);

    let long = format!("\"{}\"", "a".repeat(100_000));
    let (at, message) = err_at(&cert(&[("scope", &long)]))?;
    assert_eq!(at, "/scope");
    assert!(message.contains("100000 bytes"), "{message}");

    let mut bytes = cert(&[("scope", "")]);
    bytes.pop();
    bytes.extend(b",\"scope\":\"caf\xe9\"}");
    let e = err(&bytes)?;
    assert!(matches!(e.location, Location::Line(1)), "{:?}", e.location);

    for bytes in [
        &b""[..],
        b"{",
        b"\xff\xfe",
        b"{\"assure_format\":\"cyber-essentials/1\",\"issued\":",
    ] {
        assert!(run(bytes).is_err());
    }
    Ok(())
}

#[test]
fn requirements_version_as_a_number_or_a_question_set_s_name() -> Result<(), String> {
    for (written, version, name) in [
        (r#""3.3""#, "3.3", Some("Danzell")),
        (r#""v3.3 (Danzell)""#, "3.3", Some("Danzell")),
        (r#""Willow""#, "3.2", Some("Willow")),
        // Never published: kept as written, for the policies to judge (R6.6).
        (r#""3.9""#, "3.9", None),
    ] {
        let x = ok(&cert(&[("requirements_version", written)]))?;
        assert_eq!(
            text(&x.facts, "cyber_essentials.requirements_version")?,
            version,
            "{written}"
        );
        assert_eq!(
            at(&x.facts, "cyber_essentials.requirements_version")?,
            "/requirements_version"
        );
        match name {
            Some(name) => assert_eq!(
                text(&x.facts, "cyber_essentials.requirements_name")?,
                name,
                "{written}"
            ),
            None => assert!(!has(&x.facts, "cyber_essentials.requirements_name")),
        }
    }
    Ok(())
}

#[test]
fn requirements_version_that_names_nothing_or_disagrees_is_an_error() -> Result<(), String> {
    for (written, part) in [
        (r#""Oakwood""#, "neither a version number"),
        (r#""v3.3 Willow""#, "which is version 3.2"),
        (r#""""#, "is empty"),
        ("3.3", "must be text"),
    ] {
        let (at, message) = err_at(&cert(&[("requirements_version", written)]))?;
        assert_eq!(at, "/requirements_version", "{written}");
        assert!(message.contains(part), "{written}: {message}");
    }
    Ok(())
}

#[test]
fn no_requirements_version_is_a_note_and_no_fact() -> Result<(), String> {
    let x = ok(&cert(&[("requirements_version", "")]))?;
    assert!(!has(&x.facts, "cyber_essentials.requirements_version"));
    assert!(noted(
        &x,
        "/requirements_version",
        &["no `requirements_version`"]
    ));
    Ok(())
}

#[test]
fn scope_may_be_left_out_for_the_whole_organisation_only() -> Result<(), String> {
    let whole = ok(&cert(&[("scope", "")]))?;
    assert!(!has(&whole.facts, "cyber_essentials.scope"));
    assert!(whole.notes.is_empty(), "{:?}", notes(&whole));
    let neither = ok(&cert(&[("scope", ""), ("whole_organisation", "false")]))?;
    assert!(!has(&neither.facts, "cyber_essentials.scope"));
    assert!(!boolean(
        &neither.facts,
        "cyber_essentials.whole_organisation"
    )?);
    assert!(noted(
        &neither,
        "/scope",
        &["neither the whole organisation nor a scope"]
    ));
    let (at, message) = err_at(&cert(&[("scope", r#""   ""#)]))?;
    assert_eq!(at, "/scope");
    assert!(message.contains("is empty"), "{message}");
    Ok(())
}
