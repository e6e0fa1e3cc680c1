//! The plugin over realistic security.txt files written here: valid, signed,
//! expired, with two Expires, templates, violations, and broken files. Their
//! domains use the reserved `.test` top-level domain (RFC 2606).

use crate::common::*;
use assure_plugin_sdk::Location;

/// A complete, valid file: every field RFC 9116 defines, CSAF, and an
/// extension field.
const VALID: &str = "\
# Halden Medical Systems: how to report a security vulnerability
# in our products or services.
Contact: mailto:psirt@halden-medical.test
Contact: https://halden-medical.test/security/report
Contact: tel:+44-20-7946-0321
Expires: 2026-12-31T23:59:59Z
Encryption: https://halden-medical.test/.well-known/psirt-key.asc
Encryption: openpgp4fpr:5f2de5521c63a801ab59ccb603d49de44b29100f
Acknowledgments: https://halden-medical.test/security/thanks
Preferred-Languages: en, cy
Canonical: https://halden-medical.test/.well-known/security.txt
Canonical: https://www.halden-medical.test/.well-known/security.txt
Policy: https://halden-medical.test/security/disclosure-policy
Policy: https://halden-medical.test/security/old-policy
Hiring: https://careers.halden-medical.test/security
CSAF: https://halden-medical.test/.well-known/csaf/provider-metadata.json
Bug-Bounty: none at present
";

#[test]
fn valid_file_with_every_field() -> Result<(), String> {
    let x = ok(VALID.as_bytes())?;
    assert_eq!(
        text_set(&x, "contacts")?,
        [
            "https://halden-medical.test/security/report",
            "mailto:psirt@halden-medical.test",
            "tel:+44-20-7946-0321",
        ]
    );
    assert_eq!(long(&x, "contact_count")?, 3);
    assert_eq!(at(&x, "contacts")?, "line 3");
    assert_eq!(datetime(&x, "expires")?, "2026-12-31T23:59:59Z");
    assert_eq!(at(&x, "expires")?, "line 6");
    assert_eq!(long(&x, "expires_count")?, 1);
    assert_eq!(
        text_set(&x, "encryption")?,
        [
            "https://halden-medical.test/.well-known/psirt-key.asc",
            "openpgp4fpr:5f2de5521c63a801ab59ccb603d49de44b29100f",
        ]
    );
    assert_eq!(at(&x, "encryption")?, "line 7");
    assert_eq!(
        text_set(&x, "acknowledgments")?,
        ["https://halden-medical.test/security/thanks"]
    );
    assert_eq!(text_set(&x, "preferred_languages")?, ["cy", "en"]);
    assert_eq!(at(&x, "preferred_languages")?, "line 10");
    assert_eq!(text_set(&x, "canonical")?.len(), 2);
    // The first Policy is the policy.
    assert_eq!(
        text(&x, "policy")?,
        "https://halden-medical.test/security/disclosure-policy"
    );
    assert_eq!(at(&x, "policy")?, "line 13");
    assert_eq!(
        text_set(&x, "hiring")?,
        ["https://careers.halden-medical.test/security"]
    );
    assert_eq!(
        text_set(&x, "csaf")?,
        ["https://halden-medical.test/.well-known/csaf/provider-metadata.json"]
    );
    assert_eq!(at(&x, "csaf")?, "line 16");
    assert!(!boolean(&x, "signed")?);
    assert!(boolean(&x, "valid")?);
    assert!(problems(&x)?.is_empty());
    // The extension field and the comments pass silently.
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    assert_eq!(x.facts.len(), 14);
    Ok(())
}

#[test]
fn crlf_case_and_spacing_do_not_matter() -> Result<(), String> {
    let odd = VALID
        .replace('\n', "\r\n")
        .replace("Contact:", "CONTACT:")
        .replace("Expires: ", "expires:\t")
        .replace("Policy:", "  policy :");
    let x = ok(odd.as_bytes())?;
    let plain = ok(VALID.as_bytes())?;
    assert_eq!(format!("{:?}", x.facts), format!("{:?}", plain.facts));
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    Ok(())
}

/// A signed file: armor header, a dash-escaped line, a signature with its own
/// armor header (which is not a field).
const SIGNED: &str = "\
-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA512

# Canonical URI
Canonical: https://halden-medical.test/.well-known/security.txt
- Contact: mailto:psirt@halden-medical.test
Expires: 2026-06-30T12:00:00.000+01:00
Policy: https://halden-medical.test/security/disclosure-policy
Preferred-Languages: en
-----BEGIN PGP SIGNATURE-----
Version: GnuPG v2.2
Comment: Contact: mailto:not-a-field@halden-medical.test

iHUEARYKAB0WIQRfLeVSHGOoAatZy7YD1J3kSyKQDwUCZbYcZwAKCRAD1J3kSyKQ
D1mKAP9Fj0a5Q2gWc8xjz6k2fWc7n1B0i5ZqfX2Jb2c3v4cHHwD/bS3kP9m1VbQ8
=q8Ey
-----END PGP SIGNATURE-----
";

#[test]
fn signed_file() -> Result<(), String> {
    let x = ok(SIGNED.as_bytes())?;
    assert!(boolean(&x, "signed")?);
    assert_eq!(at(&x, "signed")?, "line 1");
    // "- " dash-escaping is removed; the signature's armor is not read.
    assert_eq!(
        text_set(&x, "contacts")?,
        ["mailto:psirt@halden-medical.test"]
    );
    assert_eq!(at(&x, "contacts")?, "line 6");
    assert_eq!(datetime(&x, "expires")?, "2026-06-30T12:00:00.000+01:00");
    assert_eq!(at(&x, "expires")?, "line 7");
    assert_eq!(text_set(&x, "preferred_languages")?, ["en"]);
    assert!(boolean(&x, "valid")?, "{:?}", problems(&x));
    // The RFC example's "# Canonical URI" comment is only noted.
    assert_eq!(
        notes(&x),
        [
            "line 4: `# Canonical URI` is a comment from the RFC 9116 example and securitytxt.org template"
        ]
    );
    Ok(())
}

#[test]
fn signed_file_with_crlf_and_text_outside() -> Result<(), String> {
    let doc = format!(
        "# fetched from https://halden-medical.test\n{SIGNED}Contact: mailto:intruder@evil.test\n"
    )
    .replace('\n', "\r\n");
    let x = ok(doc.as_bytes())?;
    assert!(boolean(&x, "signed")?);
    assert_eq!(at(&x, "signed")?, "line 2");
    // Unsigned text is not read as fields.
    assert_eq!(
        text_set(&x, "contacts")?,
        ["mailto:psirt@halden-medical.test"]
    );
    assert!(!boolean(&x, "valid")?);
    assert_eq!(problems(&x)?, ["text outside the OpenPGP signed part"]);
    assert!(noted(&x, "line 1", "outside the OpenPGP signed message"));
    assert!(noted(&x, "line 19", "outside the OpenPGP signed message"));
    Ok(())
}

#[test]
fn signed_file_without_the_blank_line_after_its_header() -> Result<(), String> {
    let doc = SIGNED.replacen("Hash: SHA512\n\n", "Hash: SHA512\n", 1);
    let x = ok(doc.as_bytes())?;
    assert!(boolean(&x, "signed")?);
    assert!(boolean(&x, "valid")?);
    assert!(noted(
        &x,
        "line 3",
        "no blank line after the signed message's armor headers"
    ));
    Ok(())
}

#[test]
fn expired_file_is_emitted_as_is() -> Result<(), String> {
    // The plugin has no clock: expiry is the policy's to judge.
    let x = ok(b"Contact: mailto:security@halden-medical.test\nExpires: 2021-12-31T18:37:07z\n")?;
    assert_eq!(datetime(&x, "expires")?, "2021-12-31T18:37:07Z");
    assert_eq!(at(&x, "expires")?, "line 2");
    assert!(boolean(&x, "valid")?);
    assert!(problems(&x)?.is_empty());
    Ok(())
}

#[test]
fn two_expires() -> Result<(), String> {
    let x = ok(b"Contact: mailto:security@halden-medical.test\n\
Expires: 2025-12-31T00:00:00Z\n\
Policy: https://halden-medical.test/vdp\n\
Expires: 2026-12-31T00:00:00Z\n")?;
    assert_eq!(long(&x, "expires_count")?, 2);
    assert_eq!(at(&x, "expires_count")?, "line 2");
    assert!(!has(&x, "expires"));
    assert!(!boolean(&x, "valid")?);
    assert_eq!(problems(&x)?, ["more than one Expires field"]);
    assert_eq!(
        notes(&x),
        [
            "line 4: Expires appears again on line 4 (first on line 2): RFC 9116 §2.5.5 allows exactly one"
        ]
    );
    Ok(())
}

#[test]
fn expires_that_is_not_rfc_3339() -> Result<(), String> {
    for value in [
        "31/12/2026",
        "2026-12-31",
        "2026-12-31 23:59:59Z",
        "2026-02-30T00:00:00Z",
        "soon",
    ] {
        let doc = format!("Contact: mailto:security@halden-medical.test\nExpires: {value}\n");
        let x = ok(doc.as_bytes())?;
        assert_eq!(long(&x, "expires_count")?, 1, "{value}");
        assert!(!has(&x, "expires"), "{value}");
        assert_eq!(
            problems(&x)?,
            ["Expires is not an RFC 3339 date-time"],
            "{value}"
        );
        assert!(noted(&x, "line 2", value), "{value}");
    }
    Ok(())
}

#[test]
fn missing_contact_and_bad_contacts() -> Result<(), String> {
    let x = ok(b"Expires: 2026-12-31T00:00:00Z\nPolicy: https://halden-medical.test/vdp\n")?;
    assert!(text_set(&x, "contacts")?.is_empty());
    assert_eq!(at(&x, "contacts")?, "whole");
    assert_eq!(long(&x, "contact_count")?, 0);
    assert_eq!(problems(&x)?, ["no Contact field"]);
    assert!(noted(&x, "whole", "no Contact field"));

    let x = ok(b"Contact: psirt@halden-medical.test\n\
Contact: http://halden-medical.test/security\n\
Contact: +44 20 7946 0321\n\
Contact: mailto:psirt@halden-medical.test\n\
Expires: 2026-12-31T00:00:00Z\n")?;
    assert_eq!(long(&x, "contact_count")?, 4);
    assert_eq!(text_set(&x, "contacts")?.len(), 4);
    assert_eq!(
        problems(&x)?,
        ["a Contact is not a mailto:, https: or tel: URI"]
    );
    assert!(noted(
        &x,
        "line 1",
        "write `mailto:psirt@halden-medical.test`"
    ));
    assert!(noted(&x, "line 2", "must use https:"));
    assert!(noted(&x, "line 3", "tel: URI"));
    assert_eq!(x.notes.len(), 3, "{:?}", notes(&x));
    Ok(())
}

#[test]
fn uris_that_break_rfc_9116() -> Result<(), String> {
    let x = ok(b"Contact: mailto:psirt@halden-medical.test\n\
Expires: 2026-12-31T00:00:00Z\n\
Policy: http://halden-medical.test/vdp\n\
Encryption: -----BEGIN PGP PUBLIC KEY BLOCK-----\n\
Encryption: dns:5d2d37ab76d47d36._openpgpkey.halden-medical.test?type=OPENPGPKEY\n\
Canonical: halden-medical.test/.well-known/security.txt\n\
CSAF: http://halden-medical.test/provider-metadata.json\n\
Acknowledgments: http://halden-medical.test/thanks\n\
Hiring: our careers page\n")?;
    // The values are still facts; `valid` says they are wrong.
    assert_eq!(text(&x, "policy")?, "http://halden-medical.test/vdp");
    assert_eq!(text_set(&x, "encryption")?.len(), 2);
    assert!(!boolean(&x, "valid")?);
    assert_eq!(
        problems(&x)?,
        [
            "Acknowledgments is an http: URI, not https:",
            "CSAF is not an https: URI",
            "Canonical is not an https: URI",
            "Encryption is not an https:, dns: or openpgp4fpr: URI",
            "Hiring is not a URI",
            "Policy is not an https: URI",
        ]
    );
    assert!(noted(
        &x,
        "line 3",
        "Policy `http://halden-medical.test/vdp`"
    ));
    assert!(noted(&x, "line 4", "never the key"));
    assert!(noted(
        &x,
        "line 9",
        "Hiring `our careers page` is not a URI"
    ));
    assert_eq!(x.notes.len(), 6, "{:?}", notes(&x));
    Ok(())
}

#[test]
fn preferred_languages_once_and_as_tags() -> Result<(), String> {
    let x = ok(b"Contact: mailto:psirt@halden-medical.test\n\
Expires: 2026-12-31T00:00:00Z\n\
Preferred-Languages: en, fr,de\n\
Preferred-Languages: English; Welsh\n")?;
    assert_eq!(
        text_set(&x, "preferred_languages")?,
        ["English; Welsh", "de", "en", "fr"]
    );
    assert_eq!(
        problems(&x)?,
        [
            "Preferred-Languages is not a comma-separated list of language tags",
            "more than one Preferred-Languages field",
        ]
    );
    assert!(noted(&x, "line 4", "(first on line 3)"));
    Ok(())
}

/// A template filled in only half-way.
const HALF_TEMPLATE: &str = "\
# Our security address
Contact: mailto:<your security email>
Contact security@halden-medical.test
Expires: YYYY-MM-DDThh:mm:ss.000Z
# Policy: https://example.com/security-policy.html
# Hiring:
# Acknowledgments: https://halden-medical.test/thanks
Canonical: https://www.example.org/.well-known/security.txt
Encryption: https://yourdomain.tld/pgp-key.txt
Acknowledgments:
";

#[test]
fn template_placeholders_and_commented_template_lines() -> Result<(), String> {
    let x = ok(HALF_TEMPLATE.as_bytes())?;
    assert!(!boolean(&x, "valid")?);
    assert_eq!(
        problems(&x)?,
        [
            "Canonical holds template placeholder text",
            "Contact holds template placeholder text",
            "Encryption holds template placeholder text",
            "Expires holds template placeholder text",
            "Expires is not an RFC 3339 date-time",
            "a Contact is not a mailto:, https: or tel: URI",
            "a field has no value",
            "a line is not a field, a comment or blank",
            "a template line is left commented out",
        ]
    );
    assert_eq!(long(&x, "expires_count")?, 1);
    assert!(!has(&x, "expires"));
    assert!(!has(&x, "acknowledgments"));
    assert!(noted(&x, "line 2", "`<…>` placeholder"));
    assert!(noted(&x, "line 3", "line 3 is not a field"));
    assert!(noted(&x, "line 4", "date placeholder"));
    assert!(noted(&x, "line 5", "commented-out Policy field"));
    assert!(noted(
        &x,
        "line 6",
        "commented-out Hiring field with no value"
    ));
    // A commented-out field with a real value is only noted.
    assert!(noted(
        &x,
        "line 7",
        "commented-out Acknowledgments field: ignored"
    ));
    assert!(noted(&x, "line 9", "\"your domain\" placeholder"));
    assert!(noted(&x, "line 10", "`Acknowledgments` has no value"));
    Ok(())
}

#[test]
fn extension_fields_and_misspellings() -> Result<(), String> {
    let x = ok(b"Contact: mailto:psirt@halden-medical.test\n\
Expires: 2026-12-31T00:00:00Z\n\
OpenBugBounty: https://openbugbounty.test/halden\n\
Acknowledgements: https://halden-medical.test/thanks\n")?;
    assert!(boolean(&x, "valid")?);
    assert_eq!(
        text_set(&x, "acknowledgments")?,
        ["https://halden-medical.test/thanks"]
    );
    assert_eq!(
        notes(&x),
        ["line 4: `Acknowledgements` is read as `Acknowledgments`, the RFC 9116 spelling"]
    );
    Ok(())
}

#[test]
fn byte_order_mark_is_noted() -> Result<(), String> {
    let mut doc = b"\xEF\xBB\xBF".to_vec();
    doc.extend_from_slice(VALID.as_bytes());
    let x = ok(&doc)?;
    assert!(boolean(&x, "valid")?);
    assert_eq!(at(&x, "contacts")?, "line 3");
    assert!(noted(&x, "line 1", "byte-order mark"));
    Ok(())
}

#[test]
fn stray_signature_block() -> Result<(), String> {
    let x = ok(b"Contact: mailto:psirt@halden-medical.test\n\
Expires: 2026-12-31T00:00:00Z\n\
-----BEGIN PGP SIGNATURE-----\n\
\n\
iHUEARYKAB0WIQRfLeVSHGOoAatZy7YD1J3kSyKQDwUCZbYcZwAKCRAD1J3kSyKQ\n\
-----END PGP SIGNATURE-----\n")?;
    assert!(!boolean(&x, "signed")?);
    assert_eq!(
        problems(&x)?,
        ["an OpenPGP signature without a signed message"]
    );
    assert!(noted(&x, "line 3", "starts an OpenPGP signature block"));
    Ok(())
}

#[test]
fn many_bad_lines_have_capped_notes() -> Result<(), String> {
    let mut doc =
        String::from("Contact: mailto:psirt@halden-medical.test\nExpires: 2026-12-31T00:00:00Z\n");
    for i in 0..100 {
        doc.push_str(&format!("junk line {i}\n"));
    }
    let x = ok(doc.as_bytes())?;
    assert_eq!(problems(&x)?, ["a line is not a field, a comment or blank"]);
    assert_eq!(x.notes.len(), 21);
    assert!(noted(&x, "whole", "80 more like this"));
    Ok(())
}

#[test]
fn not_a_security_txt() -> Result<(), String> {
    let html = b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n<body>Not Found</body></html>\n";
    for doc in [
        &html[..],
        b"",
        b"\n\n",
        b"# Contact: mailto:psirt@halden-medical.test\n",
        b"{\"contact\": \"mailto:a@b.test\"}",
        b"Server: nginx\nContent-Type: text/html\n",
    ] {
        let e = err(doc)?;
        assert!(
            e.message.starts_with("not a security.txt: "),
            "{}",
            e.message
        );
        assert_eq!(place(&e.location), "line 1");
    }
    Ok(())
}

#[test]
fn truncated_signed_files_are_errors() -> Result<(), String> {
    let cut = SIGNED.find("-----BEGIN PGP SIGNATURE-----").unwrap_or(0);
    let e = err(SIGNED.get(..cut).unwrap_or_default().as_bytes())?;
    assert_eq!(place(&e.location), "line 1");
    assert!(e.message.contains("has no signature"), "{}", e.message);
    assert!(e.message.contains("truncated"), "{}", e.message);

    let cut = SIGNED.find("=q8Ey").unwrap_or(0);
    let e = err(SIGNED.get(..cut).unwrap_or_default().as_bytes())?;
    assert_eq!(place(&e.location), "line 10");
    assert!(e.message.contains("is not closed"), "{}", e.message);
    Ok(())
}

#[test]
fn truncated_unsigned_file_reads_what_is_there() -> Result<(), String> {
    // Cut mid-line: the Expires value is cut short, which is a problem.
    let cut = VALID.find("23:59:59Z").unwrap_or(0);
    let x = ok(VALID.get(..cut).unwrap_or_default().as_bytes())?;
    assert_eq!(long(&x, "contact_count")?, 3);
    assert_eq!(problems(&x)?, ["Expires is not an RFC 3339 date-time"]);
    Ok(())
}

#[test]
fn invalid_utf8_names_the_line() -> Result<(), String> {
    let mut doc = b"Contact: mailto:psirt@halden-medical.test\nExpires: 2026-12-31T00:00:00Z\nPolicy: https://halden-medical.test/".to_vec();
    doc.extend_from_slice(b"\xC3\x28vdp\n");
    let e = err(&doc)?;
    assert_eq!(place(&e.location), "line 3");
    assert!(e.message.contains("not valid UTF-8"), "{}", e.message);
    assert!(e.message.contains("0xC3"), "{}", e.message);
    Ok(())
}

#[test]
fn huge_line_is_refused_quickly() -> Result<(), String> {
    let mut doc =
        b"Contact: mailto:psirt@halden-medical.test\nPolicy: https://halden-medical.test/".to_vec();
    doc.resize(doc.len() + 50 * 1024 * 1024, b'a');
    doc.push(b'\n');
    let e = err(&doc)?;
    assert_eq!(place(&e.location), "line 2");
    assert!(
        e.message.contains("over the limit of 65536"),
        "{}",
        e.message
    );
    Ok(())
}

#[test]
fn too_many_lines_are_refused() -> Result<(), String> {
    let doc = format!(
        "Contact: mailto:psirt@halden-medical.test\n{}",
        "#\n".repeat(20_000)
    );
    let e = err(doc.as_bytes())?;
    assert_eq!(place(&e.location), "line 10001");
    Ok(())
}

#[test]
fn odd_input_does_not_panic() {
    let docs: [&[u8]; 10] = [
        b"-----BEGIN PGP SIGNED MESSAGE-----",
        b"-----BEGIN PGP SIGNED MESSAGE-----\n-----BEGIN PGP SIGNATURE-----\n-----END PGP SIGNATURE-----\n",
        b"\r\n\r\r\n:",
        b"Contact:\xE2\x80\xA8mailto:a@b.test\nExpires: 2026-12-31T00:00:00\xE2\x80\xAFZ",
        b"Expires: 9999-99-99T99:99:99+99:99\nContact: mailto:",
        b"Contact: https://\nContact: tel:\nContact: mailto:\xC3\xA9@\xC3\xA9.test",
        b"\x00\x01Contact: \x00",
        b"Contact: mailto:a@b.test\rExpires: 2026-12-31T00:00:00Z",
        b"- Contact: mailto:a@b.test",
        b"Preferred-Languages: ,,,\nContact: x",
    ];
    for doc in docs {
        let _ = run(doc);
    }
    assert!(matches!(
        err(b"-----BEGIN PGP SIGNED MESSAGE-----").map(|e| e.location),
        Ok(Location::Line(1))
    ));
}

#[test]
fn describe_names_every_fact() {
    let info = assure_plugin_security_txt::describe();
    assert_eq!(info.name, "security-txt");
    assert_eq!(info.media_types, ["text/security.txt"]);
    assert_eq!(info.fact_paths.len(), 14);
    // Every fact of the valid file is declared.
    if let Ok(x) = ok(VALID.as_bytes()) {
        for fact in &x.facts {
            assert!(info.fact_paths.contains(&fact.path), "{}", fact.path);
        }
    }
}

#[test]
fn fact_paths_are_in_the_schema() {
    let schema = include_str!("../../../../policies/nhs-baseline/schema.cedarschema");
    let block = schema
        .split("type SecurityTxt = {")
        .nth(1)
        .and_then(|rest| rest.split("};").next())
        .unwrap_or_default();
    for path in assure_plugin_security_txt::FACT_PATHS {
        let field = path.trim_start_matches("security_txt.");
        assert!(
            block.contains(&format!("  {field}:")) || block.contains(&format!("  {field}?:")),
            "{field} is not a field of SecurityTxt"
        );
    }
}
