//! The extraction: checks the certificate sidecar and emits the
//! `cyber_essentials.*` facts, the expiry capped at 12 months from issue.

use assure_plugin_sdk::json::{self, Map, Value as Json};
use assure_plugin_sdk::{
    Document, ExtractError, Extraction, FactSink, Facts, Location, Pointer, error,
};

use crate::{FORMAT, KNOWN_MEMBERS};
use assure_plugin_sdk::text::{
    kind, optional_date, optional_text, quote, required_bool, required_date, required_text,
};
use assure_plugin_sdk::time::Moment;

/// The largest document read, in bytes. A certificate sidecar is a few
/// hundred bytes; anything this large is not one.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// How long a Cyber Essentials certificate is valid, in calendar months.
pub const VALID_MONTHS: u32 = 12;

/// The published versions of the NCSC "Cyber Essentials: Requirements for IT
/// Infrastructure", each with the name of its IASME question set and the
/// date from which new assessments use it (an assessment account opened
/// before that date may finish under the version before). See the README for
/// the sources.
pub const REQUIREMENTS: &[(&str, &str, &str)] = &[
    ("3.0", "Evendine", "2022-01-24"),
    ("3.1", "Montpellier", "2023-04-24"),
    ("3.2", "Willow", "2025-04-28"),
    ("3.3", "Danzell", "2026-04-27"),
];

/// The two levels, as the facts spell them.
pub const CYBER_ESSENTIALS: &str = "Cyber Essentials";
/// The audited level.
pub const CYBER_ESSENTIALS_PLUS: &str = "Cyber Essentials Plus";

/// Reads one Cyber Essentials certificate sidecar.
///
/// # Errors
///
/// When the document is not JSON or too large; when it is not a
/// `cyber-essentials/1` document; when a member has the wrong type or a
/// required one is missing; when the level is not a Cyber Essentials level,
/// a date does not exist, or the certificate expires before it was issued.
pub fn extract(doc: &Document) -> Result<Extraction, ExtractError> {
    if doc.bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(error(
            format!(
                "the document is {} bytes: a Cyber Essentials certificate sidecar is at most {MAX_DOCUMENT_BYTES} bytes",
                doc.bytes.len()
            ),
            Location::Whole,
        ));
    }
    let root = json::parse(&doc.bytes)?;
    let Json::Object(root) = &root else {
        return Err(error(
            "the top level of a Cyber Essentials certificate sidecar must be a JSON object",
            Location::Whole,
        ));
    };
    check_format(root)?;
    let top = Pointer::root();
    let mut out = Facts::new();
    note_unknown_members(root, &mut out);

    let organisation = required_text(root, "organisation", &top)?;
    let (level, plus) = level(required_text(root, "level", &top)?)?;
    let certificate_number = required_text(root, "certificate_number", &top)?;
    let issued = required_date(root, "issued", &top)?;
    let stated = optional_date(root, "expires", &top)?;
    let scope = stated_text(root, "scope", &top)?;
    let whole_organisation = required_bool(root, "whole_organisation", &top)?;
    let certification_body = required_text(root, "certification_body", &top)?;
    let requirements = stated_text(root, "requirements_version", &top)?;

    let level_at = top.key("level");
    out.text("cyber_essentials.level", level, &level_at);
    out.boolean("cyber_essentials.plus", plus, level_at);
    out.text(
        "cyber_essentials.organisation",
        organisation,
        top.key("organisation"),
    );
    out.text(
        "cyber_essentials.certificate_number",
        certificate_number,
        top.key("certificate_number"),
    );
    out.datetime("cyber_essentials.issued", issued.text(), top.key("issued"));
    expires(&issued, stated.as_ref(), &mut out)?;
    match scope {
        Some(scope) => out.text("cyber_essentials.scope", scope, top.key("scope")),
        None if !whole_organisation => out.note(
            "the certificate states neither the whole organisation nor a scope: `cyber_essentials.scope` not emitted",
            top.key("scope"),
        ),
        None => {}
    }
    out.boolean(
        "cyber_essentials.whole_organisation",
        whole_organisation,
        top.key("whole_organisation"),
    );
    out.text(
        "cyber_essentials.certification_body",
        certification_body,
        top.key("certification_body"),
    );
    let requirements_at = top.key("requirements_version");
    match requirements {
        Some(text) => {
            let (version, name) = requirements_version(text, &requirements_at)?;
            out.text(
                "cyber_essentials.requirements_version",
                version,
                &requirements_at,
            );
            if let Some(name) = name {
                out.text("cyber_essentials.requirements_name", name, requirements_at);
            }
        }
        None => out.note(
            "no `requirements_version`: which Cyber Essentials requirements the assessment used is unknown",
            requirements_at,
        ),
    }
    Ok(out.finish())
}

/// An optional text member that, when present, says something.
fn stated_text<'a>(
    root: &'a Map<String, Json>,
    key: &str,
    at: &Pointer,
) -> Result<Option<&'a str>, ExtractError> {
    match optional_text(root, key, at)? {
        None if root.contains_key(key) => Err(error(
            format!("`{key}` is empty: leave it out, or say what the certificate states"),
            at.key(key),
        )),
        text => Ok(text),
    }
}

/// The requirements version, as "3.3", and its question set's name, from
/// "3.3", "v3.3", "Danzell" or "v3.3 (Danzell)". A version number that was
/// never published is kept as written (the policies judge it); a name that
/// is not a question set's, or a number and a name that disagree, is an
/// error.
fn requirements_version<'a>(
    text: &'a str,
    at: &Pointer,
) -> Result<(&'a str, Option<&'static str>), ExtractError> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || "(),;/–-".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    let number = words.iter().find_map(|w| {
        let w = w.strip_prefix(['v', 'V']).unwrap_or(w);
        let (major, minor) = w.split_once('.')?;
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit());
        (digits(major) && digits(minor)).then_some(w)
    });
    let named = REQUIREMENTS
        .iter()
        .find(|(_, name, _)| words.iter().any(|w| w.eq_ignore_ascii_case(name)));
    match (number, named) {
        (Some(number), Some((version, name, _))) if number == *version => Ok((version, Some(name))),
        (Some(number), Some((version, name, _))) => Err(error(
            format!(
                "`requirements_version` \"{}\" names version {number} and the {name} question set, which is version {version}",
                quote(text)
            ),
            at.clone(),
        )),
        (None, Some((version, name, _))) => Ok((version, Some(name))),
        (Some(number), None) => {
            let name = REQUIREMENTS
                .iter()
                .find(|(version, _, _)| *version == number)
                .map(|(_, name, _)| *name);
            Ok((number, name))
        }
        (None, None) => Err(error(
            format!(
                "`requirements_version` \"{}\" is neither a version number (\"3.3\") nor a question set's name ({})",
                quote(text),
                REQUIREMENTS
                    .iter()
                    .map(|(v, name, _)| format!("{name} = {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            at.clone(),
        )),
    }
}

/// `assure_format` must be `cyber-essentials/1`.
fn check_format(root: &Map<String, Json>) -> Result<(), ExtractError> {
    let at = Pointer::root().key("assure_format");
    match root.get("assure_format") {
        Some(Json::String(s)) if s == FORMAT => Ok(()),
        Some(Json::String(s)) if s.starts_with("cyber-essentials/") => Err(error(
            format!(
                "`assure_format` is \"{}\": this plugin reads \"{FORMAT}\"",
                quote(s)
            ),
            at,
        )),
        Some(Json::String(s)) => Err(error(
            format!(
                "`assure_format` is \"{}\", not \"{FORMAT}\": this is not a Cyber Essentials certificate sidecar",
                quote(s)
            ),
            at,
        )),
        Some(other) => Err(error(
            format!(
                "`assure_format` must be the text \"{FORMAT}\", not {}",
                kind(other)
            ),
            at,
        )),
        None => Err(error(
            format!(
                "`assure_format` is missing: a Cyber Essentials certificate sidecar starts with `\"assure_format\": \"{FORMAT}\"`"
            ),
            at,
        )),
    }
}

fn note_unknown_members(root: &Map<String, Json>, out: &mut Facts) {
    let mut unknown: Vec<&str> = root
        .keys()
        .map(String::as_str)
        .filter(|k| !KNOWN_MEMBERS.contains(k))
        .collect();
    unknown.sort_unstable();
    for key in unknown {
        out.note(
            format!("unknown member `{}`: ignored", quote(key)),
            Pointer::root().key(key),
        );
    }
}

/// The level, normalised, and whether it is Plus. Case, spaces and
/// punctuation do not matter; "CE", "CE+", "CE Plus" and "Cyber Essentials+"
/// are read too.
fn level(text: &str) -> Result<(&'static str, bool), ExtractError> {
    let compact: String = text
        .replace('+', "plus")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match compact.as_str() {
        "cyberessentials" | "ce" => Ok((CYBER_ESSENTIALS, false)),
        "cyberessentialsplus" | "ceplus" => Ok((CYBER_ESSENTIALS_PLUS, true)),
        _ => Err(error(
            format!(
                "`level` is \"{}\": it must be \"{CYBER_ESSENTIALS}\" or \"{CYBER_ESSENTIALS_PLUS}\" (\"CE\", \"CE+\" and \"CE Plus\" are read too)",
                quote(text)
            ),
            Pointer::root().key("level"),
        )),
    }
}

/// `cyber_essentials.expires`: the earlier of the stated expiry and 12
/// calendar months from issue, with a note when the stated one is later or
/// absent.
fn expires(
    issued: &Moment<'_>,
    stated: Option<&Moment<'_>>,
    out: &mut Facts,
) -> Result<(), ExtractError> {
    let top = Pointer::root();
    if let Some(stated) = stated
        && stated.instant() < issued.instant()
    {
        return Err(error(
            format!(
                "`expires` {} is before `issued` {}: a certificate cannot expire before it is issued",
                stated.text(),
                issued.text()
            ),
            top.key("expires"),
        ));
    }
    let Some(limit_text) = issued.plus_months(VALID_MONTHS) else {
        return Err(error(
            format!(
                "`issued` {} is too late to add {VALID_MONTHS} months to (dates run to 9999-12-31)",
                issued.text()
            ),
            top.key("issued"),
        ));
    };
    let limit = Moment::parse(&limit_text).map_err(|why| error(why, top.key("issued")))?;
    match stated {
        Some(stated) if stated.instant() <= limit.instant() => {
            out.datetime(
                "cyber_essentials.expires",
                stated.text(),
                top.key("expires"),
            );
        }
        Some(stated) => {
            out.note(
                format!(
                    "`expires` {} is more than {VALID_MONTHS} months after `issued` {}: a Cyber Essentials certificate is valid for {VALID_MONTHS} months, so `cyber_essentials.expires` is {limit_text}",
                    stated.text(),
                    issued.text()
                ),
                top.key("expires"),
            );
            out.datetime(
                "cyber_essentials.expires",
                limit_text.as_str(),
                top.key("issued"),
            );
        }
        None => {
            out.note(
                format!(
                    "no `expires`: a Cyber Essentials certificate is valid for {VALID_MONTHS} months from issue, so `cyber_essentials.expires` is {limit_text}"
                ),
                top.key("issued"),
            );
            out.datetime(
                "cyber_essentials.expires",
                limit_text.as_str(),
                top.key("issued"),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_version_spellings() {
        let at = Pointer::root();
        for (text, version, name) in [
            ("3.3", "3.3", Some("Danzell")),
            ("v3.3", "3.3", Some("Danzell")),
            ("Danzell", "3.3", Some("Danzell")),
            ("v3.3 (Danzell)", "3.3", Some("Danzell")),
            (
                "Requirements for IT Infrastructure v3.2 - Willow",
                "3.2",
                Some("Willow"),
            ),
            ("montpellier", "3.1", Some("Montpellier")),
            ("3.7", "3.7", None),
        ] {
            let read = requirements_version(text, &at).ok();
            assert_eq!(read, Some((version, name)), "{text}");
        }
        for text in ["v3.3 Willow", "Oakwood", "latest", "3"] {
            assert!(requirements_version(text, &at).is_err(), "{text}");
        }
    }

    #[test]
    fn level_spellings() {
        for (text, plus) in [
            ("Cyber Essentials", false),
            ("cyber essentials", false),
            ("CE", false),
            ("Cyber Essentials Plus", true),
            ("CYBER ESSENTIALS PLUS", true),
            ("CE+", true),
            ("CE Plus", true),
            ("ce plus", true),
            ("Cyber Essentials+", true),
            ("Cyber-Essentials Plus", true),
        ] {
            assert_eq!(level(text).ok().map(|(_, p)| p), Some(plus), "{text}");
        }
        for text in [
            "IASME Gold",
            "CE++",
            "Cyber Essentials Plus Plus",
            "Essentials",
            "",
            "CE Pluss",
        ] {
            assert!(level(text).is_err(), "{text}");
        }
    }
}
