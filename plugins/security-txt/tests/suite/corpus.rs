//! The plugin over security.txt files real organisations published (see
//! `corpus/PROVENANCE.md`). Each expected value was read off the file by
//! hand: its lines are short and numbered below where a fact points at one.

use crate::common::*;

const ALPHAGOV: &[u8] = include_bytes!("../corpus/alphagov_template_security.txt");
const SIGNED: &[u8] = include_bytes!("../corpus/harmless-systems_signed_security.txt");
const BIGBANK: &[u8] = include_bytes!("../corpus/bigbank_draft_security.txt");

/// GDS's file as committed: the fields are right, but `Expires: DATE_EXP`
/// (line 12) is a placeholder its build fills in, and line 14, `Generated at:
/// …`, has a space in the field name. A reviewer sees two contacts and a
/// file that is not valid as sent.
#[test]
fn alphagov_template() -> Result<(), String> {
    let x = ok(ALPHAGOV)?;
    assert_eq!(
        text_set(&x, "contacts")?,
        strings(&[
            "https://hackerone.com/44c348eb-e030-4273-b445-d4a2f6f83ba8/embedded_submissions/new",
            "https://www.gov.uk/contact/govuk",
        ])
    );
    assert_eq!(long(&x, "contact_count")?, 2);
    assert_eq!(at(&x, "contacts")?, "line 3");
    assert_eq!(
        text(&x, "policy")?,
        "https://www.gov.uk/help/report-vulnerability"
    );
    assert_eq!(at(&x, "policy")?, "line 1");
    assert_eq!(
        text_set(&x, "acknowledgments")?,
        strings(&["https://vdp.cabinetoffice.gov.uk/thanks.txt"])
    );
    assert_eq!(
        text_set(&x, "hiring")?,
        strings(&["https://www.civilservicejobs.service.gov.uk/"])
    );
    // One Expires field, but no date in it.
    assert_eq!(long(&x, "expires_count")?, 1);
    assert_eq!(at(&x, "expires_count")?, "line 12");
    assert!(!has(&x, "expires"));
    assert!(!boolean(&x, "signed")?);
    assert!(!boolean(&x, "valid")?);
    assert_eq!(
        problems(&x)?,
        strings(&[
            "Expires is not an RFC 3339 date-time",
            "a line is not a field, a comment or blank",
        ])
    );
    assert!(noted(
        &x,
        "line 12",
        "Expires `DATE_EXP` is not an RFC 3339 date-time"
    ));
    assert!(noted(
        &x,
        "line 14",
        "`Generated at: https://github.com/alphagov/security.txt`"
    ));
    Ok(())
}

/// An OpenPGP cleartext-signed file (`Hash: SHA256`) from before RFC 9116
/// required `Expires`: signed, one `mailto:` contact, and invalid for the
/// missing expiry alone.
#[test]
fn harmless_systems_signed() -> Result<(), String> {
    let x = ok(SIGNED)?;
    assert!(boolean(&x, "signed")?);
    assert_eq!(at(&x, "signed")?, "line 1");
    assert_eq!(
        text_set(&x, "contacts")?,
        strings(&["mailto:security@harmless.systems"])
    );
    assert_eq!(at(&x, "contacts")?, "line 4");
    assert_eq!(
        text_set(&x, "encryption")?,
        strings(&["https://www.harmless.systems/pgp.txt"])
    );
    assert_eq!(text_set(&x, "preferred_languages")?, strings(&["en"]));
    assert_eq!(
        text_set(&x, "canonical")?,
        strings(&["https://www.harmless.systems/.well-known/security.txt"])
    );
    assert_eq!(long(&x, "expires_count")?, 0);
    assert!(!boolean(&x, "valid")?);
    assert_eq!(problems(&x)?, strings(&["no Expires field"]));
    // The signature block is not read as fields.
    assert!(!has(&x, "policy"));
    assert_eq!(
        notes(&x),
        ["whole: no Expires field: RFC 9116 §2.5.5 requires exactly one"]
    );
    Ok(())
}

/// A 2019 file written to an Internet-Draft: its `Signature:` field (line 5)
/// was dropped from RFC 9116 and is ignored as an unknown field; the file is
/// not itself signed, and has no `Expires`.
#[test]
fn bigbank_draft_era() -> Result<(), String> {
    let x = ok(BIGBANK)?;
    assert_eq!(
        text_set(&x, "contacts")?,
        strings(&["mailto:security@bigbank.eu"])
    );
    assert_eq!(at(&x, "contacts")?, "line 10");
    assert_eq!(text(&x, "policy")?, "https://ca.bigbank.eu/security");
    assert_eq!(at(&x, "policy")?, "line 2");
    assert_eq!(
        text_set(&x, "hiring")?,
        strings(&["https://jobs.bigbank.eu"])
    );
    assert!(!boolean(&x, "signed")?);
    assert_eq!(long(&x, "expires_count")?, 0);
    assert!(!boolean(&x, "valid")?);
    assert_eq!(problems(&x)?, strings(&["no Expires field"]));
    Ok(())
}
