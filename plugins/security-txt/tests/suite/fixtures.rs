//! The plugin over a real security.txt (see `fixtures/README.md`).

use crate::common::*;

const TEMPLATE: &[u8] = include_bytes!("../fixtures/securitytxt-project_template_security.txt");

#[test]
fn securitytxt_org_template_is_invalid() -> Result<(), String> {
    let x = ok(TEMPLATE)?;
    assert_eq!(text_set(&x, "contacts")?, ["security@example.com"]);
    assert_eq!(long(&x, "contact_count")?, 1);
    assert_eq!(at(&x, "contacts")?, "line 3");
    assert_eq!(at(&x, "contact_count")?, "line 3");
    assert_eq!(long(&x, "expires_count")?, 0);
    assert_eq!(at(&x, "expires_count")?, "whole");
    assert!(!has(&x, "expires"));
    assert_eq!(
        text_set(&x, "encryption")?,
        ["https://example.com/pgp-key.txt"]
    );
    assert_eq!(at(&x, "encryption")?, "line 4");
    assert!(!has(&x, "policy"));
    assert!(!has(&x, "canonical"));
    assert!(!has(&x, "preferred_languages"));
    assert!(!boolean(&x, "signed")?);
    assert!(!boolean(&x, "valid")?);
    assert_eq!(
        problems(&x)?,
        [
            "Contact holds template placeholder text",
            "Encryption holds template placeholder text",
            "a Contact is not a mailto:, https: or tel: URI",
            "no Expires field",
        ]
    );
    assert!(noted(
        &x,
        "line 3",
        "Contact `security@example.com` is not a mailto:, https: or tel: URI: a bare email address: write `mailto:security@example.com`"
    ));
    assert!(noted(&x, "line 3", "example domain"));
    assert!(noted(&x, "line 4", "example domain"));
    assert!(noted(&x, "whole", "no Expires field"));
    assert!(noted(
        &x,
        "line 1",
        "`# Our security address` is a comment from the RFC 9116 example"
    ));
    assert_eq!(x.notes.len(), 5, "{:?}", notes(&x));
    assert!(x.entities.is_empty());
    Ok(())
}

#[test]
fn template_with_crlf_line_ends_reads_the_same() -> Result<(), String> {
    let crlf: Vec<u8> = String::from_utf8_lossy(TEMPLATE)
        .replace('\n', "\r\n")
        .into_bytes();
    let lf = ok(TEMPLATE)?;
    let x = ok(&crlf)?;
    assert_eq!(summary(&x), summary(&lf));
    Ok(())
}
