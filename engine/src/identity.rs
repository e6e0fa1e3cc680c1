//! Identities in evidence, normalised and validated before they are
//! compared: vulnerability ids (out of IRIs and aliases, Unicode-normalised,
//! format characters refused), text that only looks present, and whether an
//! identifier names the submitted product.

use unicode_general_category::{GeneralCategory, get_general_category};
use unicode_normalization::UnicodeNormalization;

use crate::submission::Product;

/// Whether a character shows nothing: a format character (zero-width
/// space, joiners, bidi controls, BOM…), a control, a separator, a lone
/// combining mark, or one of the Unicode fillers.
fn is_invisible(c: char) -> bool {
    matches!(
        get_general_category(c),
        GeneralCategory::Format
            | GeneralCategory::Control
            | GeneralCategory::SpaceSeparator
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
            | GeneralCategory::NonspacingMark
            | GeneralCategory::EnclosingMark
    ) || matches!(
        c,
        '\u{115F}' | '\u{1160}' | '\u{2800}' | '\u{3164}' | '\u{FFA0}'
    )
}

/// Whether a character is a Unicode format character (category Cf).
pub fn is_format(c: char) -> bool {
    get_general_category(c) == GeneralCategory::Format
}

/// `Some(the code points)` when `text` is not empty yet shows nothing but
/// holds some character other than plain white space: text made to look
/// given (`"\u{200B}"`) rather than left empty.
pub fn only_invisible(text: &str) -> Option<String> {
    if text.is_empty() || !text.chars().all(is_invisible) {
        return None;
    }
    if text.chars().all(char::is_whitespace) {
        return None;
    }
    Some(code_points(text))
}

/// The format characters in `text`, as `U+XXXX` code points; empty when none.
pub fn format_characters(text: &str) -> String {
    let found: String = text.chars().filter(|c| is_format(*c)).collect();
    if found.is_empty() {
        String::new()
    } else {
        code_points(&found)
    }
}

fn code_points(text: &str) -> String {
    let mut seen: Vec<String> = text
        .chars()
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    seen.dedup();
    seen.join(" ")
}

/// The vulnerability id schemes assure recognises (upper case, before the
/// first `-`): CVE, GitHub and the OSV ecosystems, and the common distribution
/// advisories.
const SCHEMES: &[&str] = &[
    "CVE",
    "GHSA",
    "PYSEC",
    "RUSTSEC",
    "GO",
    "GSD",
    "OSV",
    "MAL",
    "SNYK",
    "RHSA",
    "RHBA",
    "DSA",
    "DLA",
    "USN",
    "ALSA",
    "ALBA",
    "ELSA",
    "BIT",
    "EUVD",
    "JVNDB",
    "CNVD",
    "GCVE",
    "OESA",
    "SUSE-SU",
    "OPENSUSE-SU",
    "MGASA",
    "ASB",
    "PSF",
    "DRUPAL",
    "WORDFENCE",
    "CGA",
    "RLSA",
];

/// A vulnerability id as a statement gives it, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VulnerabilityId {
    /// The id, normalised: NFKC, format characters removed, trimmed, a CVE
    /// id taken out of an IRI and upper-cased.
    pub id: String,
    /// The format characters it held (`U+200B …`); empty when none.
    pub format_characters: String,
    /// Whether it is an id of a scheme assure knows.
    pub known_scheme: bool,
}

/// Reads a vulnerability id: `CVE-2021-44228`, ` cve-2021-44228 `,
/// `https://nvd.nist.gov/vuln/detail/CVE-2021-44228`, `CVE‑2021‑44228` with
/// non-ASCII hyphens, or with a zero-width space inside all read as
/// `CVE-2021-44228` (the last one also reports its format character).
pub fn vulnerability_id(raw: &str) -> VulnerabilityId {
    let format_characters = format_characters(raw);
    let cleaned: String = raw
        .nfkc()
        .filter(|c| !is_format(*c))
        .map(|c| match c {
            // Hyphens and dashes a document may use for `-`.
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
            c => c,
        })
        .collect();
    let cleaned = cleaned.trim();
    if let Some(cve) = find_cve(cleaned) {
        return VulnerabilityId {
            id: cve,
            format_characters,
            known_scheme: true,
        };
    }
    // An IRI whose last path segment is an id (`…/advisories/GHSA-…`).
    let last = if cleaned.contains("://") || cleaned.starts_with("urn:") {
        cleaned
            .trim_end_matches('/')
            .rsplit(['/', ':', '#', '='])
            .next()
            .unwrap_or(cleaned)
    } else {
        cleaned
    };
    let upper = last.to_ascii_uppercase();
    let known_scheme = !last.contains(char::is_whitespace)
        && SCHEMES.iter().any(|scheme| {
            upper
                .strip_prefix(scheme)
                .is_some_and(|rest| rest.starts_with('-') && rest.len() > 1)
        });
    let id = if known_scheme && upper.starts_with("GHSA-") {
        // GHSA ids are lower case after the prefix.
        format!(
            "GHSA-{}",
            last.get(5..).unwrap_or_default().to_ascii_lowercase()
        )
    } else if known_scheme {
        last.to_owned()
    } else {
        cleaned.to_owned()
    };
    VulnerabilityId {
        id,
        format_characters,
        known_scheme,
    }
}

/// The first `CVE-YYYY-NNNN…` in `text`, in any case, upper-cased; `None`
/// when there is none or more than one different.
fn find_cve(text: &str) -> Option<String> {
    let upper = text.to_ascii_uppercase();
    let mut found: Option<String> = None;
    let mut rest = upper.as_str();
    while let Some(at) = rest.find("CVE-") {
        let tail = rest.get(at + 4..).unwrap_or_default();
        let year: String = tail.chars().take_while(char::is_ascii_digit).collect();
        let after_year = tail.get(year.len()..).unwrap_or_default();
        let number: String = after_year
            .strip_prefix('-')
            .map(|n| n.chars().take_while(char::is_ascii_digit).collect())
            .unwrap_or_default();
        // The character before `CVE` must not be a letter or digit
        // (`XCVE-…` is not a CVE id), nor the one after the number.
        let before_ok = upper
            .get(..upper.len() - rest.len() + at)
            .and_then(|b| b.chars().next_back())
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        let end = after_year.get(1 + number.len()..).unwrap_or_default();
        let after_ok = end
            .chars()
            .next()
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        if year.len() == 4 && number.len() >= 4 && before_ok && after_ok {
            let id = format!("CVE-{year}-{number}");
            match &found {
                Some(previous) if *previous != id => return None,
                _ => found = Some(id),
            }
        }
        rest = tail;
    }
    found
}

/// Text compared as a person would: NFKC, format characters removed, white
/// space folded, lower case.
pub fn folded(text: &str) -> String {
    let cleaned: String = text.nfkc().filter(|c| !is_format(*c)).collect();
    cleaned
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A purl without qualifiers and subpath.
pub(crate) fn purl_base(purl: &str) -> &str {
    let end = purl.find(['?', '#']).unwrap_or(purl.len());
    purl.get(..end).unwrap_or(purl)
}

/// A purl without its version, qualifiers and subpath.
pub(crate) fn purl_unversioned(purl: &str) -> &str {
    let base = purl_base(purl);
    // The version follows the last '@' after the last '/'.
    let name_start = base.rfind('/').unwrap_or(0);
    match base.get(name_start..).and_then(|tail| tail.find('@')) {
        Some(at) => base.get(..name_start + at).unwrap_or(base),
        None => base,
    }
}

/// Whether an identifier a document uses names the submitted product: one
/// of the manifest's `identifiers` (a purl also without its qualifiers, or
/// without its version when the reference gives none: every version), or
/// `product:<name>@<version>` / `product:<name>` (every version) with the
/// manifest's name and version, compared after [`folded`].
pub fn names_product(reference: &str, product: &Product) -> bool {
    let reference = reference.trim();
    if reference.is_empty() {
        return false;
    }
    if product.identifiers.iter().any(|i| i.trim() == reference) {
        return true;
    }
    if reference.starts_with("pkg:") {
        let base = purl_base(reference);
        let unversioned = purl_unversioned(base) == base;
        return product
            .identifiers
            .iter()
            .map(|i| i.trim())
            .filter(|i| i.starts_with("pkg:"))
            .any(|i| purl_base(i) == base || (unversioned && purl_unversioned(i) == base));
    }
    let Some(named) = reference.strip_prefix("product:") else {
        return false;
    };
    let same = |a: &str, b: &str| folded(a) == folded(b);
    match named.rsplit_once('@') {
        Some((name, version)) => same(name, &product.name) && same(version, &product.version),
        None => same(named, &product.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vulnerability_ids_are_read_out_of_iris_and_disguises() {
        for raw in [
            "CVE-2021-44228",
            " cve-2021-44228 ",
            "https://nvd.nist.gov/vuln/detail/CVE-2021-44228",
            "https://www.cve.org/CVERecord?id=CVE-2021-44228",
            "CVE\u{2011}2021\u{2011}44228",
            "ＣＶＥ-2021-44228",
        ] {
            let read = vulnerability_id(raw);
            assert_eq!(read.id, "CVE-2021-44228", "{raw:?}");
            assert!(read.known_scheme);
            assert!(read.format_characters.is_empty(), "{raw:?}");
        }
        let hidden = vulnerability_id("CVE-2021-\u{200B}44228");
        assert_eq!(hidden.id, "CVE-2021-44228");
        assert_eq!(hidden.format_characters, "U+200B");
        let ghsa = vulnerability_id("https://github.com/advisories/GHSA-JFH8-C2JP-5V3Q");
        assert_eq!(ghsa.id, "GHSA-jfh8-c2jp-5v3q");
        assert!(ghsa.known_scheme);
        let odd = vulnerability_id("ACME-BUG-17");
        assert!(!odd.known_scheme);
        assert_eq!(odd.id, "ACME-BUG-17");
        // Two different CVE ids: not one of them silently.
        assert!(!vulnerability_id("CVE-2021-44228 and CVE-2021-45046").known_scheme);
        assert!(!vulnerability_id("XCVE-2021-44228").known_scheme);
    }

    #[test]
    fn text_made_of_invisible_characters_is_told_apart_from_empty_text() {
        assert_eq!(only_invisible("\u{200B}").as_deref(), Some("U+200B"));
        assert_eq!(
            only_invisible(" \u{200B}\u{2060} ").as_deref(),
            Some("U+0020 U+200B U+2060 U+0020")
        );
        assert_eq!(only_invisible("\u{3164}").as_deref(), Some("U+3164"));
        assert_eq!(only_invisible(""), None);
        assert_eq!(only_invisible("   "), None);
        assert_eq!(only_invisible("not in the execute path"), None);
    }

    #[test]
    fn statements_name_the_product_by_name_version_or_identifier() {
        let product = Product {
            name: "DEF".into(),
            version: "1.0".into(),
            supplier: "Example Company".into(),
            identifiers: vec!["pkg:generic/example/def@1.0?arch=x86".into()],
            artifact_sha256: Vec::new(),
        };
        assert!(names_product("product:DEF@1.0", &product));
        assert!(names_product("product:def", &product));
        assert!(names_product("product:D\u{200B}EF@1.0", &product));
        assert!(names_product(
            "pkg:generic/example/def@1.0?arch=x86",
            &product
        ));
        assert!(names_product("pkg:generic/example/def@1.0", &product));
        assert!(names_product("pkg:generic/example/def", &product));
        assert!(!names_product("pkg:generic/example/def@1.1", &product));
        assert!(!names_product("pkg:npm/unrelated-product@1.0.0", &product));
        assert!(!names_product("product:DEF@2.0", &product));
        assert!(!names_product("product:DEF@<2.0", &product));
        assert!(!names_product("DEF", &product));
    }
}
