//! The in-toto statement: its type, its subjects and digests, and the SLSA
//! provenance predicate's builder id and build type.

use assure_plugin_sdk::json::Value as Json;
use assure_plugin_sdk::{ExtractError, FactSink, Facts, Pointer, error};

use assure_plugin_sdk::text::quote;

const STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";
const STATEMENT_V0_1: &str = "https://in-toto.io/Statement/v0.1";
const PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";
const PROVENANCE_V1_DRAFT: &str = "https://slsa.dev/provenance/v1?draft";
const PROVENANCE_V0_2: &str = "https://slsa.dev/provenance/v0.2";

/// What other predicate types are, by prefix, for the error that rejects them.
const OTHER_PREDICATES: &[(&str, &str)] = &[
    (
        "https://slsa.dev/verification_summary/",
        "a SLSA verification summary (VSA): it says provenance was checked, but is not the provenance",
    ),
    (
        "https://slsa.dev/provenance/",
        "a version of SLSA provenance this plugin does not read (it reads v1 and v0.2)",
    ),
    ("https://spdx.dev/Document", "an SPDX SBOM"),
    ("https://cyclonedx.org/bom", "a CycloneDX SBOM"),
    ("https://openvex.dev/ns", "an OpenVEX document"),
    (
        "https://in-toto.io/attestation/vulns",
        "a vulnerability scan",
    ),
    (
        "https://in-toto.io/attestation/test-result",
        "a test result",
    ),
    ("https://in-toto.io/attestation/link", "an in-toto link"),
    (
        "https://in-toto.io/attestation/release",
        "a release attestation",
    ),
    (
        "https://in-toto.io/attestation/scai",
        "a SCAI attribute report",
    ),
    (
        "https://in-toto.io/attestation/runtime-trace",
        "a runtime trace",
    ),
    (
        "https://cosign.sigstore.dev/attestation/",
        "a cosign attestation",
    ),
];

/// Digest algorithms whose value is hexadecimal of a known length (in-toto's
/// digest set, names lower-cased). Other algorithms need only be hexadecimal.
const HEX_LENGTHS: &[(&str, &[usize])] = &[
    ("sha256", &[64]),
    ("sha224", &[56]),
    ("sha384", &[96]),
    ("sha512", &[128]),
    ("sha512_224", &[56]),
    ("sha512_256", &[64]),
    ("sha3_224", &[56]),
    ("sha3_256", &[64]),
    ("sha3_384", &[96]),
    ("sha3_512", &[128]),
    ("sha1", &[40]),
    ("md5", &[32]),
    ("sm3", &[64]),
    ("ripemd160", &[40]),
    ("gitcommit", &[40, 64]),
    ("gittree", &[40, 64]),
    ("gitblob", &[40, 64]),
    ("gittag", &[40, 64]),
];

/// Digest algorithms whose value in-toto defines as something other than hex.
const NOT_HEX: &[&str] = &["gomoduleh1"];

/// Which SLSA provenance predicate, and so where its fields are.
#[derive(Debug, Clone, Copy)]
enum Predicate {
    V1,
    V0_2,
}

impl Predicate {
    fn builder_id(self) -> &'static [&'static str] {
        match self {
            Predicate::V1 => &["runDetails", "builder", "id"],
            Predicate::V0_2 => &["builder", "id"],
        }
    }

    fn build_type(self) -> &'static [&'static str] {
        match self {
            Predicate::V1 => &["buildDefinition", "buildType"],
            Predicate::V0_2 => &["buildType"],
        }
    }
}

/// Reads the statement at `at`.
///
/// # Errors
///
/// When it is not an in-toto statement, not SLSA provenance, has no subjects,
/// has a member of the wrong type, or a malformed digest.
pub(crate) fn read(statement: &Json, at: &Pointer, out: &mut Facts) -> Result<(), ExtractError> {
    if !statement.is_object() {
        return Err(error("an in-toto statement must be a JSON object", at));
    }
    statement_type(statement, at, out)?;
    let predicate = predicate_type(statement, at, out)?;
    subjects(statement, at, out)?;
    let body_at = at.key("predicate");
    let body = match statement.get("predicate") {
        Some(body @ Json::Object(_)) => Some(body),
        None | Some(Json::Null) => None,
        Some(_) => return Err(error("the `predicate` must be an object", body_at)),
    };
    text_fact(
        body,
        predicate.builder_id(),
        &body_at,
        "provenance.builder_id",
        out,
    )?;
    text_fact(
        body,
        predicate.build_type(),
        &body_at,
        "provenance.build_type",
        out,
    )
}

/// `_type`: in-toto Statement v1, or v0.1 (same shape), or absent (as in the
/// SLSA specification's examples) when the statement is otherwise recognisable.
fn statement_type(statement: &Json, at: &Pointer, out: &mut Facts) -> Result<(), ExtractError> {
    let type_at = at.key("_type");
    match statement.get("_type") {
        Some(Json::String(t)) if t == STATEMENT_V1 => {}
        Some(Json::String(t)) if t == STATEMENT_V0_1 => out.note(
            "in-toto Statement v0.1: read as v1, which has the same `subject`, `predicateType` and `predicate`",
            type_at,
        ),
        Some(Json::String(t)) => {
            return Err(error(
                format!(
                    "`_type` is `{}`, not an in-toto statement (`{STATEMENT_V1}`)",
                    quote(t)
                ),
                type_at,
            ));
        }
        Some(_) => return Err(error("`_type` must be text", type_at)),
        None if statement.get("predicateType").is_some() => out.note(
            format!("no `_type`: read as an in-toto statement (`{STATEMENT_V1}`)"),
            at,
        ),
        None => {
            return Err(error(
                "not an in-toto statement: it has neither `_type` nor `predicateType`",
                at,
            ));
        }
    }
    Ok(())
}

/// `predicateType`, which must be SLSA provenance; emits it as a fact.
fn predicate_type(
    statement: &Json,
    at: &Pointer,
    out: &mut Facts,
) -> Result<Predicate, ExtractError> {
    let type_at = at.key("predicateType");
    let text = match statement.get("predicateType") {
        Some(Json::String(t)) => t.as_str(),
        Some(_) => return Err(error("`predicateType` must be text", type_at)),
        None => {
            return Err(error(
                format!(
                    "the statement has no `predicateType` (SLSA provenance is `{PROVENANCE_V1}`)"
                ),
                type_at,
            ));
        }
    };
    let predicate = match text {
        PROVENANCE_V1 => Predicate::V1,
        PROVENANCE_V1_DRAFT => {
            out.note("the draft of SLSA provenance v1: read as v1", &type_at);
            Predicate::V1
        }
        PROVENANCE_V0_2 => {
            out.note(
                "SLSA provenance v0.2: the builder id is read from `predicate.builder.id` and the \
                 build type from `predicate.buildType` (v1 moved them to `runDetails.builder.id` \
                 and `buildDefinition.buildType`); v0.2's other fields differ too and are not read",
                &type_at,
            );
            Predicate::V0_2
        }
        other => {
            let what = OTHER_PREDICATES
                .iter()
                .find(|(prefix, _)| other.starts_with(prefix))
                .map_or("another kind of attestation", |(_, what)| what);
            return Err(error(
                format!(
                    "`predicateType` is `{}`: {what}, not SLSA build provenance (`{PROVENANCE_V1}`)",
                    quote(other)
                ),
                type_at,
            ));
        }
    };
    out.text("provenance.predicate_type", text, type_at);
    Ok(predicate)
}

/// `subject[]`: at least one, each with a digest set; emits the digests as
/// `<alg>:<hex>` and the names.
fn subjects(statement: &Json, at: &Pointer, out: &mut Facts) -> Result<(), ExtractError> {
    let subjects_at = at.key("subject");
    let subjects = match statement.get("subject") {
        Some(Json::Array(subjects)) if !subjects.is_empty() => subjects,
        None | Some(Json::Null | Json::Array(_)) => {
            return Err(error(
                "the statement has no subjects: provenance names the artefacts it is about, by digest",
                subjects_at,
            ));
        }
        Some(_) => return Err(error("`subject` must be an array of subjects", subjects_at)),
    };
    let mut digests = Vec::new();
    let mut names = Vec::new();
    let mut first_upper_case = None;
    for (i, subject) in subjects.iter().enumerate() {
        let subject_at = subjects_at.index(i);
        if !subject.is_object() {
            return Err(error("a subject must be an object", subject_at));
        }
        match subject.get("name") {
            Some(Json::String(name)) if !name.trim().is_empty() => names.push(name.clone()),
            None | Some(Json::String(_)) => {}
            Some(_) => {
                return Err(error(
                    "a subject's `name` must be text",
                    subject_at.key("name"),
                ));
            }
        }
        let set_at = subject_at.key("digest");
        let set = match subject.get("digest") {
            Some(Json::Object(set)) if !set.is_empty() => set,
            None | Some(Json::Object(_)) => {
                return Err(error(
                    "the subject has no digest: provenance identifies each artefact by digest",
                    set_at,
                ));
            }
            Some(_) => {
                return Err(error(
                    "a subject's `digest` must be an object of algorithm and hex digest",
                    set_at,
                ));
            }
        };
        for (alg, value) in set {
            let value_at = set_at.key(alg);
            let alg = alg.to_ascii_lowercase();
            let Json::String(hex) = value else {
                return Err(error(
                    format!("the `{}` digest must be text", quote(&alg)),
                    value_at,
                ));
            };
            if NOT_HEX.contains(&alg.as_str()) {
                out.note(
                    format!("the `{alg}` digest is not hexadecimal: not among the subject digests"),
                    value_at,
                );
                continue;
            }
            check_hex(&alg, hex).map_err(|why| error(why, &value_at))?;
            if first_upper_case.is_none() && hex.bytes().any(|b| b.is_ascii_uppercase()) {
                first_upper_case = Some(value_at);
            }
            digests.push(format!("{alg}:{}", hex.to_ascii_lowercase()));
        }
    }
    if let Some(at) = first_upper_case {
        out.note("digest in upper-case hex: read in lower case", at);
    }
    out.text_set("provenance.subject_digests", digests, &subjects_at);
    out.text_set("provenance.subject_names", names, subjects_at);
    Ok(())
}

/// Whether `hex` is a well-formed `alg` digest: hexadecimal, of the
/// algorithm's length where in-toto fixes one.
fn check_hex(alg: &str, hex: &str) -> Result<(), String> {
    let alg_shown = quote(alg);
    if alg.is_empty() {
        return Err("a digest has an empty algorithm name".to_owned());
    }
    if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "the `{alg_shown}` digest `{}` is not hexadecimal",
            quote(hex)
        ));
    }
    match HEX_LENGTHS.iter().find(|(name, _)| *name == alg) {
        Some((_, lengths)) if !lengths.contains(&hex.len()) => {
            let expected = lengths
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(" or ");
            Err(format!(
                "the `{alg_shown}` digest has {} hex digits, not {expected}",
                hex.len()
            ))
        }
        _ => Ok(()),
    }
}

/// The non-empty text at `path` under the predicate (at `at`) as fact `fact`;
/// a note when the predicate lacks it.
fn text_fact(
    predicate: Option<&Json>,
    path: &[&str],
    at: &Pointer,
    fact: &str,
    out: &mut Facts,
) -> Result<(), ExtractError> {
    let mut here = predicate.map(|p| (p, at.clone()));
    for (depth, key) in path.iter().enumerate() {
        here = match here {
            Some((Json::Object(map), here_at)) => map.get(*key).map(|v| (v, here_at.key(key))),
            Some((_, here_at)) => {
                let parent = path.get(..depth).unwrap_or_default().join(".");
                return Err(error(
                    format!("`predicate.{parent}` must be an object"),
                    here_at,
                ));
            }
            None => None,
        };
    }
    let dotted = path.join(".");
    match here {
        Some((Json::String(text), here_at)) if !text.trim().is_empty() => {
            out.text(fact, text, here_at);
        }
        Some((Json::String(_), here_at)) => out.note(
            format!("`predicate.{dotted}` is empty: `{fact}` not emitted"),
            here_at,
        ),
        None => out.note(format!("no `predicate.{dotted}`: `{fact}` not emitted"), at),
        Some((_, here_at)) => {
            return Err(error(format!("`predicate.{dotted}` must be text"), here_at));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_hex;

    #[test]
    fn digests_are_hex_of_the_right_length() {
        assert!(check_hex("sha256", &"ab".repeat(32)).is_ok());
        assert!(check_hex("sha256", &"AB".repeat(32)).is_ok());
        assert!(check_hex("gitcommit", &"0".repeat(40)).is_ok());
        assert!(check_hex("gitcommit", &"0".repeat(64)).is_ok());
        assert!(check_hex("blake2b", "abc").is_ok());
        assert_eq!(
            check_hex("sha256", "abcd").err().as_deref(),
            Some("the `sha256` digest has 4 hex digits, not 64")
        );
        assert_eq!(
            check_hex("gittree", "ab").err().as_deref(),
            Some("the `gittree` digest has 2 hex digits, not 40 or 64")
        );
        assert!(check_hex("sha256", &"zz".repeat(32)).is_err());
        assert!(check_hex("sha1", "").is_err());
        assert!(check_hex("", "ab").is_err());
        assert!(check_hex("sha256", &format!("{}é", "a".repeat(62))).is_err());
    }
}
