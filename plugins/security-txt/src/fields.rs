//! Lines and fields: what a line is, which RFC 9116 field it names, and the
//! checks on a field's value (URI schemes, placeholders).

/// What one line of the (signed part of the) file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineKind<'a> {
    /// Empty or white space only.
    Blank,
    /// `# …`: the text after the `#`, trimmed.
    Comment(&'a str),
    /// `Name: value`, both trimmed.
    Field { name: &'a str, value: &'a str },
    /// Anything else: no `:`, or a name that is not a field name.
    NotAField,
}

/// Classifies a line. Leading white space is tolerated.
pub(crate) fn classify(line: &str) -> LineKind<'_> {
    let line = line.trim();
    if line.is_empty() {
        return LineKind::Blank;
    }
    if let Some(comment) = line.strip_prefix('#') {
        return LineKind::Comment(comment.trim());
    }
    match line.split_once(':') {
        Some((name, value)) if is_field_name(name.trim_end()) => LineKind::Field {
            name: name.trim_end(),
            value: value.trim(),
        },
        _ => LineKind::NotAField,
    }
}

/// RFC 5322 §3.6.8 `field-name`: printable ASCII but the colon, no spaces.
fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| (0x21..=0x7E).contains(&b) && b != b':')
}

/// The fields this plugin reads. Any other field is an extension field,
/// ignored as RFC 9116 §2.4 requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Known {
    Acknowledgments,
    Canonical,
    Contact,
    Csaf,
    Encryption,
    Expires,
    Hiring,
    Policy,
    PreferredLanguages,
}

impl Known {
    /// The field a name (any case) names. "Acknowledgements", a common
    /// misspelling, is read as Acknowledgments (see [`Known::is_alias`]).
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        let known = match name.to_ascii_lowercase().as_str() {
            "acknowledgments" | "acknowledgements" => Known::Acknowledgments,
            "canonical" => Known::Canonical,
            "contact" => Known::Contact,
            "csaf" => Known::Csaf,
            "encryption" => Known::Encryption,
            "expires" => Known::Expires,
            "hiring" => Known::Hiring,
            "policy" => Known::Policy,
            "preferred-languages" => Known::PreferredLanguages,
            _ => return None,
        };
        Some(known)
    }

    /// Whether `name` is a misspelling read as this field.
    pub(crate) fn is_alias(name: &str) -> bool {
        name.eq_ignore_ascii_case("acknowledgements")
    }

    /// The field's name as RFC 9116 (or CSAF 2.0, for `CSAF`) spells it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Known::Acknowledgments => "Acknowledgments",
            Known::Canonical => "Canonical",
            Known::Contact => "Contact",
            Known::Csaf => "CSAF",
            Known::Encryption => "Encryption",
            Known::Expires => "Expires",
            Known::Hiring => "Hiring",
            Known::Policy => "Policy",
            Known::PreferredLanguages => "Preferred-Languages",
        }
    }
}

/// A URI's scheme, lower case, when `value` is a URI: RFC 3986 §3.1 `scheme`,
/// a colon, something after it, and no white space or control character.
pub(crate) fn uri_scheme(value: &str) -> Option<String> {
    let (scheme, rest) = value.split_once(':')?;
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let rest_ok = !rest.is_empty() && !rest.chars().any(|c| c.is_whitespace() || c.is_control());
    (scheme_ok && rest_ok).then(|| scheme.to_ascii_lowercase())
}

/// Whether `value` is an `https://host…` URI.
pub(crate) fn is_https(value: &str) -> bool {
    uri_scheme(value).as_deref() == Some("https") && has_authority(value)
}

/// Whether the part after `scheme:` is `//` and a non-empty host.
fn has_authority(value: &str) -> bool {
    value
        .split_once(':')
        .and_then(|(_, rest)| rest.strip_prefix("//"))
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
}

/// Whether a Contact value is a `mailto:`, `https:` or `tel:` URI.
pub(crate) fn is_contact_uri(value: &str) -> bool {
    match uri_scheme(value).as_deref() {
        Some("mailto" | "tel") => true,
        Some("https") => has_authority(value),
        _ => false,
    }
}

/// Whether an Encryption value is an `https:`, `dns:` or `openpgp4fpr:` URI.
pub(crate) fn is_encryption_uri(value: &str) -> bool {
    match uri_scheme(value).as_deref() {
        Some("dns" | "openpgp4fpr") => true,
        Some("https") => has_authority(value),
        _ => false,
    }
}

/// What to tell the author of a Contact that is not a usable URI.
pub(crate) fn contact_advice(value: &str) -> String {
    let scheme = uri_scheme(value);
    if scheme.as_deref() == Some("http") {
        "a web contact must use https: (RFC 9116 §2.5.3)".to_owned()
    } else if scheme.is_none() && value.contains('@') && !value.contains(char::is_whitespace) {
        format!("a bare email address: write `mailto:{value}`")
    } else if scheme.is_none() && value.starts_with(|c: char| c == '+' || c.is_ascii_digit()) {
        "a bare telephone number: write it as a tel: URI".to_owned()
    } else {
        "RFC 9116 requires a mailto:, https: or tel: URI".to_owned()
    }
}

/// Whether a Preferred-Languages item looks like an RFC 5646 language tag:
/// subtags of 1 to 8 letters or digits joined by `-`, the first of letters.
pub(crate) fn is_language_tag(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let first_ok = subtags
        .next()
        .is_some_and(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Why `value` looks like template text rather than a real value, if it does.
pub(crate) fn placeholder(value: &str) -> Option<&'static str> {
    let lower = value.to_ascii_lowercase();
    if ["example.com", "example.org", "example.net"]
        .iter()
        .any(|domain| has_domain(&lower, domain))
        || has_example_tld(&lower)
    {
        return Some("an example domain reserved for documentation (RFC 2606)");
    }
    if lower.contains("yyyy") {
        return Some("a date placeholder such as YYYY-MM-DD");
    }
    if let Some(open) = value.find('<')
        && value.get(open..).is_some_and(|rest| rest.contains('>'))
    {
        return Some("a `<…>` placeholder");
    }
    const YOUR: &[&str] = &[
        "yourdomain",
        "your-domain",
        "your_domain",
        "your.domain",
        "yourcompany",
        "your-company",
        "youremail",
        "your-email",
        "your_email",
        "yourorganisation",
        "yourorganization",
        "your-organisation",
        "your-organization",
    ];
    if YOUR.iter().any(|p| lower.contains(p)) {
        return Some("a \"your domain\" placeholder");
    }
    None
}

/// Whether `domain` occurs in `text` as a whole host name (or its suffix):
/// not preceded or followed by a letter, digit or hyphen.
fn has_domain(text: &str, domain: &str) -> bool {
    text.match_indices(domain).any(|(at, _)| {
        let before = text.get(..at).and_then(|s| s.chars().next_back());
        let after = text.get(at + domain.len()..).and_then(|s| s.chars().next());
        !before.is_some_and(is_label_char) && !after.is_some_and(is_label_char)
    })
}

/// Whether a host in `text` ends in the `.example` top-level domain (RFC 2606).
fn has_example_tld(text: &str) -> bool {
    text.match_indices(".example").any(|(at, found)| {
        let before = text.get(..at).and_then(|s| s.chars().next_back());
        let after = text.get(at + found.len()..).and_then(|s| s.chars().next());
        before.is_some_and(is_label_char) && !after.is_some_and(|c| is_label_char(c) || c == '.')
    })
}

fn is_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_lines() {
        assert_eq!(classify("  \t"), LineKind::Blank);
        assert_eq!(
            classify("# Our security address"),
            LineKind::Comment("Our security address")
        );
        assert_eq!(
            classify("Contact: mailto:a@b.c  "),
            LineKind::Field {
                name: "Contact",
                value: "mailto:a@b.c"
            }
        );
        assert_eq!(
            classify("X-Thing :x"),
            LineKind::Field {
                name: "X-Thing",
                value: "x"
            }
        );
        assert_eq!(classify("Contact security@b.c"), LineKind::NotAField);
        assert_eq!(classify("Our address: x"), LineKind::NotAField);
        assert_eq!(classify(": x"), LineKind::NotAField);
    }

    #[test]
    fn uri_checks() {
        assert!(is_contact_uri("mailto:security@acme.test"));
        assert!(is_contact_uri("MAILTO:security@acme.test"));
        assert!(is_contact_uri("tel:+44-20-7946-0000"));
        assert!(is_contact_uri("https://acme.test/security"));
        assert!(!is_contact_uri("security@acme.test"));
        assert!(!is_contact_uri("http://acme.test/security"));
        assert!(!is_contact_uri("https:"));
        assert!(!is_contact_uri("https:///path"));
        assert!(!is_contact_uri("mailto:a b@c"));
        assert!(!is_contact_uri("1mailto:x"));
        assert!(is_encryption_uri(
            "openpgp4fpr:5f2de5521c63a801ab59ccb603d49de44b29100f"
        ));
        assert!(is_encryption_uri(
            "dns:5d2d37ab76d47d36._openpgpkey.acme.test?type=OPENPGPKEY"
        ));
        assert!(!is_encryption_uri("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
        assert!(is_https("https://acme.test/policy"));
        assert!(!is_https("http://acme.test/policy"));
    }

    #[test]
    fn advice_for_bad_contacts() {
        assert_eq!(
            contact_advice("security@acme.test"),
            "a bare email address: write `mailto:security@acme.test`"
        );
        assert!(contact_advice("+44 20 7946 0000").contains("tel:"));
        assert!(contact_advice("http://acme.test").contains("https:"));
    }

    #[test]
    fn language_tags() {
        for ok in ["en", "en-GB", "zh-Hant-TW", "de-CH-1996", "x-klingon"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "english language", "en_GB", "-en", "toolongtag", "1en"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn placeholders() {
        for text in [
            "security@example.com",
            "mailto:security@example.com",
            "https://example.com/pgp-key.txt",
            "https://www.example.org/policy",
            "https://EXAMPLE.NET",
            "https://security.example/policy",
            "YYYY-MM-DDThh:mm:ss.000Z",
            "mailto:<your security email>",
            "https://yourdomain.tld/.well-known/security.txt",
        ] {
            assert!(placeholder(text).is_some(), "{text}");
        }
        for text in [
            "mailto:security@acme.test",
            "https://myexample.com/x",
            "https://example.community/x",
            "https://example.company.co.uk/",
            "https://acme.test/examples/a",
            "2026-01-01T00:00:00Z",
            "https://[2001:db8::1]/security",
        ] {
            assert!(placeholder(text).is_none(), "{text}");
        }
    }
}
