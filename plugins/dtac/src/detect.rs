//! Finding what a reviewer reads in an answer's words: a professional
//! registration, an ICO registration number, an ODS code, a DSPT status.

use crate::mapping::DSPT_STATUSES;

/// Professional bodies that register clinicians, as written and as spelled
/// in the fact.
const BODIES: &[(&str, &str)] = &[
    ("gmc", "GMC"),
    ("nmc", "NMC"),
    ("hcpc", "HCPC"),
    ("gphc", "GPhC"),
    ("gdc", "GDC"),
    ("goc", "GOC"),
    ("gosc", "GOsC"),
    ("gcc", "GCC"),
    ("psni", "PSNI"),
];

/// Words that may stand between a body and its number ("GMC number:
/// 1234567", "NMC reg. no 12A3456E").
const FILLERS: &[&str] = &[
    "no",
    "number",
    "num",
    "reg",
    "registration",
    "registered",
    "pin",
    "ref",
];

/// Alphanumeric runs of `text`, in order.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// "GMC 4712729" from "Dr Marcus Baw / GMC: 4712729 / General Practitioner".
pub fn professional_registration(text: &str) -> Option<String> {
    let all: Vec<&str> = words(text).collect();
    for (i, word) in all.iter().enumerate() {
        let lower = word.to_lowercase();
        let Some((_, body)) = BODIES.iter().find(|(b, _)| *b == lower) else {
            continue;
        };
        let number = all
            .iter()
            .skip(i + 1)
            .take(4)
            .find(|w| !FILLERS.contains(&w.to_lowercase().as_str()))
            .filter(|w| w.chars().any(|c| c.is_ascii_digit()));
        if let Some(number) = number {
            return Some(format!("{body} {number}"));
        }
    }
    None
}

/// An ICO registration number: `Z` and seven digits, or `Z`, a capital and
/// six digits (`Z5143673`, `ZB987654`).
pub fn ico_number(text: &str) -> Option<String> {
    words(text)
        .find(|w| {
            let b = w.as_bytes();
            b.len() == 8
                && b.first() == Some(&b'Z')
                && b.get(1)
                    .is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                && b.get(2..).is_some_and(|d| d.iter().all(u8::is_ascii_digit))
        })
        .map(str::to_owned)
}

/// An ODS code: the word after "ODS" (and "code"), or the last part of a
/// DSPT `OrganisationSearch/` link; three to six letters and digits with a
/// digit among them.
pub fn ods_code(text: &str) -> Option<String> {
    let all: Vec<&str> = words(text).collect();
    let is_code = |w: &&str| {
        (3..=6).contains(&w.len())
            && w.chars().all(|c| c.is_ascii_alphanumeric())
            && w.chars().any(|c| c.is_ascii_digit())
    };
    for (i, word) in all.iter().enumerate() {
        let lower = word.to_lowercase();
        if lower == "ods" || lower == "organisationsearch" {
            let code = all
                .iter()
                .skip(i + 1)
                .take(2)
                .find(|w| !w.eq_ignore_ascii_case("code"))
                .filter(|w| is_code(w));
            if let Some(code) = code {
                return Some(code.to_uppercase());
            }
        }
    }
    None
}

/// A DSPT status named in `text`, normalised, and a note when it was named
/// by its pre-2024 label.
pub fn dspt_status(text: &str) -> Option<(String, Option<String>)> {
    let key = format!(" {} ", lower_words(text));
    // Longest first: "standards not met" must not be read as "standards met".
    if key.contains(" standards not fully met ") {
        return Some((
            "Approaching Standards".to_owned(),
            Some(
                "names \"Standards Not Fully Met (Plan Agreed)\", the DSPT's name before 2024 for what is now \"Approaching Standards\""
                    .to_owned(),
            ),
        ));
    }
    let mut statuses: Vec<&str> = DSPT_STATUSES.to_vec();
    statuses.sort_by_key(|s| std::cmp::Reverse(s.len()));
    statuses
        .into_iter()
        .find(|status| key.contains(&format!(" {} ", lower_words(status))))
        .map(|status| (status.to_owned(), None))
}

fn lower_words(text: &str) -> String {
    words(text)
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrations() {
        assert_eq!(
            professional_registration("Dr Marcus Baw / GMC: 4712729 / General Practitioner"),
            Some("GMC 4712729".to_owned())
        );
        assert_eq!(
            professional_registration("Sam Lee, nurse, NMC PIN 12A3456E"),
            Some("NMC 12A3456E".to_owned())
        );
        assert_eq!(
            professional_registration("Dr Ann Smith, registered with the GMC"),
            None
        );
        assert_eq!(
            ico_number("registration number: Z5143673"),
            Some("Z5143673".to_owned())
        );
        assert_eq!(ico_number("ZB987654"), Some("ZB987654".to_owned()));
        assert_eq!(ico_number("Z123"), None);
        assert_eq!(
            ods_code("https://www.dsptoolkit.nhs.uk/OrganisationSearch/8HV48"),
            Some("8HV48".to_owned())
        );
        assert_eq!(
            ods_code("Standards Met, ODS code 8NW01."),
            Some("8NW01".to_owned())
        );
        assert_eq!(ods_code("ODS pending"), None);
    }

    #[test]
    fn dspt_statuses() {
        assert_eq!(
            dspt_status("Confirmed. Standards Exceeded.").map(|s| s.0),
            Some("Standards Exceeded".to_owned())
        );
        assert_eq!(
            dspt_status("standards NOT met").map(|s| s.0),
            Some("Standards Not Met".to_owned())
        );
        assert!(
            dspt_status("Standards Not Fully Met (Plan Agreed)").is_some_and(|s| s.1.is_some())
        );
        assert_eq!(dspt_status("Confirmed"), None);
    }
}
