//! The extraction: checks the document, tells the form's version, and turns
//! answers into `dtac.*` facts through the mapping.

use std::collections::BTreeMap;

use assure_plugin_sdk::json::{self, Map, Value as Json};
use assure_plugin_sdk::{
    Document, ExtractError, Extraction, FactSink, Facts, Location, Pointer, error,
};

use crate::answers;
use crate::forms::AnswerValue;
use crate::interpret::{Member, RawAnswer, interpret, list};
use crate::mapping::Version;
use crate::{FORMAT, KNOWN_MEMBERS};
use assure_plugin_sdk::text::{kind, optional_date, optional_text, quote, required_text};

/// The largest document read, in bytes. A DTAC answers document is a few
/// kilobytes; anything this large is not one.
pub const MAX_DOCUMENT_BYTES: usize = 4 * 1024 * 1024;

/// Answers by question id, each checked.
type Answers<'a> = BTreeMap<&'a str, &'a Map<String, Json>>;

/// Reads one DTAC answers document.
///
/// # Errors
///
/// When the document is not JSON or too large; when it is not a
/// `dtac-answers/1` document; when a member has the wrong type or a required
/// one is missing; when an answer's id is not a question id; and when the
/// form's version cannot be told or contradicts `dtac_version`.
pub fn extract(doc: &Document) -> Result<Extraction, ExtractError> {
    if doc.bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(error(
            format!(
                "the document is {} bytes: a DTAC answers document is at most {MAX_DOCUMENT_BYTES} bytes",
                doc.bytes.len()
            ),
            Location::Whole,
        ));
    }
    let root = json::parse(&doc.bytes)?;
    let Json::Object(root) = &root else {
        return Err(error(
            "the top level of a DTAC answers document must be a JSON object",
            Location::Whole,
        ));
    };
    check_format(root)?;
    let mut out = Facts::new();
    let top = Pointer::root();
    read_subject(root, &mut out)?;
    note_unknown_members(root, &mut out);
    let declared = declared_version(root)?;

    let answers_at = top.key("answers");
    let raw = match root.get("answers") {
        Some(Json::Object(raw)) => raw,
        Some(other) => {
            return Err(error(
                format!(
                    "`answers` must be an object keyed by question id, not {}",
                    kind(other)
                ),
                answers_at,
            ));
        }
        None => {
            return Err(error(
                "`answers` is missing: a DTAC answers document has `\"answers\": {\"C1.2.2\": {\"answer\": \"yes\"}, …}`",
                answers_at,
            ));
        }
    };
    // In id order, whatever order the JSON map keeps, so notes come out the
    // same with or without serde_json's `preserve_order`.
    let mut ordered: Vec<(&String, &Json)> = raw.iter().collect();
    ordered.sort_unstable_by_key(|(id, _)| *id);
    let mut checked = Answers::new();
    for (id, value) in ordered {
        checked.insert(
            id.as_str(),
            answers::check(id, value, &answers_at.key(id), &mut out)?,
        );
    }

    let version = version(declared, &checked, &answers_at, &mut out)?;
    interpret(
        version,
        &raw_answers(&checked, &answers_at),
        &(&answers_at).into(),
        &mut out,
    )?;
    Ok(out.finish())
}

/// What the answers are about, for the engine to bind to the submission:
/// `dtac.product_name` (always), `dtac.product_version`, `dtac.supplier_name`
/// and `dtac.completed` (each when given), located at their members.
fn read_subject(root: &Map<String, Json>, out: &mut Facts) -> Result<(), ExtractError> {
    let top = Pointer::root();
    let product = required_text(root, "product", &top)?;
    let version = optional_text(root, "product_version", &top)?;
    let supplier = optional_text(root, "supplier", &top)?;
    let completed = optional_date(root, "completed", &top)?;
    out.text("dtac.product_name", product, top.key("product"));
    if let Some(version) = version {
        out.text("dtac.product_version", version, top.key("product_version"));
    }
    if let Some(supplier) = supplier {
        out.text("dtac.supplier_name", supplier, top.key("supplier"));
    }
    if let Some(completed) = completed {
        out.datetime(
            "dtac.completed",
            completed.to_datetime(),
            top.key("completed"),
        );
    }
    Ok(())
}

/// `assure_format` must be `dtac-answers/1`.
fn check_format(root: &Map<String, Json>) -> Result<(), ExtractError> {
    let at = Pointer::root().key("assure_format");
    match root.get("assure_format") {
        Some(Json::String(s)) if s == FORMAT => Ok(()),
        Some(Json::String(s)) if s.starts_with("dtac-answers/") => Err(error(
            format!(
                "`assure_format` is \"{}\": this plugin reads \"{FORMAT}\"",
                quote(s)
            ),
            at,
        )),
        Some(Json::String(s)) => Err(error(
            format!(
                "`assure_format` is \"{}\", not \"{FORMAT}\": this is not a DTAC answers document",
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
                "`assure_format` is missing: a DTAC answers document starts with `\"assure_format\": \"{FORMAT}\"`"
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

/// `dtac_version`, when the document declares it.
fn declared_version(root: &Map<String, Json>) -> Result<Option<Version>, ExtractError> {
    let at = Pointer::root().key("dtac_version");
    match root.get("dtac_version") {
        None => Ok(None),
        Some(Json::String(s)) if s == "1.0" => Ok(Some(Version::V1)),
        Some(Json::String(s)) if s == "2.0" => Ok(Some(Version::V2)),
        Some(Json::String(s)) => Err(error(
            format!(
                "`dtac_version` is \"{}\": DTAC versions are \"1.0\" and \"2.0\"",
                quote(s)
            ),
            at,
        )),
        Some(other) => Err(error(
            format!(
                "`dtac_version` must be the text \"1.0\" or \"2.0\", not {}",
                kind(other)
            ),
            at,
        )),
    }
}

/// The form's version: `dtac_version` when given (checked against the
/// question ids), else told from the ids only one version asks. Emits
/// `dtac.version`.
fn version(
    declared: Option<Version>,
    answers: &Answers<'_>,
    answers_at: &Pointer,
    out: &mut Facts,
) -> Result<Version, ExtractError> {
    let ids = || answers.keys().copied();
    let (v1, v2) = (Version::V1.only_asked(ids()), Version::V2.only_asked(ids()));
    if let Some(declared) = declared {
        let contradicting = match declared {
            Version::V1 => &v2,
            Version::V2 => &v1,
        };
        if let Some(first) = contradicting.first() {
            return Err(error(
                format!(
                    "`dtac_version` is \"{}\", but {} only in DTAC v{}, which numbers its questions differently: answer one version of the form",
                    declared.as_str(),
                    if contradicting.len() == 1 {
                        format!("question {first} is")
                    } else {
                        format!("questions {} are", list(contradicting))
                    },
                    declared.other().as_str(),
                ),
                answers_at.key(first),
            ));
        }
        out.text(
            "dtac.version",
            declared.as_str(),
            Pointer::root().key("dtac_version"),
        );
        return Ok(declared);
    }
    let (detected, ids) = match (v1.first(), v2.first()) {
        (Some(_), None) => (Version::V1, &v1),
        (None, Some(_)) => (Version::V2, &v2),
        (Some(_), Some(_)) => {
            return Err(error(
                format!(
                    "the answers mix DTAC v1.0 questions ({}) and v2.0 questions ({}), which number the same topics differently: answer one version of the form and declare it in `dtac_version`",
                    list(&v1),
                    list(&v2)
                ),
                answers_at,
            ));
        }
        (None, None) => {
            return Err(error(
                "cannot tell the DTAC version: no answer is to a question only one version asks (such as C1.1 or C1.3 in v1.0, C1.2.2 or C2.2.5 in v2.0); add `\"dtac_version\": \"1.0\"` or `\"2.0\"`",
                answers_at,
            ));
        }
    };
    let at = ids
        .first()
        .map_or_else(|| answers_at.clone(), |id| answers_at.key(id));
    out.text("dtac.version", detected.as_str(), &at);
    out.note(
        format!(
            "no `dtac_version`: read as v{0}, since only v{0} asks {1}",
            detected.as_str(),
            list(ids)
        ),
        at,
    );
    Ok(detected)
}

/// The checked answers as [`RawAnswer`]s, located at their members.
fn raw_answers(answers: &Answers<'_>, answers_at: &Pointer) -> Vec<RawAnswer> {
    answers
        .iter()
        .map(|(id, answer)| {
            let at = answers_at.key(id);
            let members = answer
                .iter()
                .filter(|(name, _)| name.as_str() != "answer")
                .filter_map(|(name, value)| {
                    let value = match value {
                        Json::Bool(b) => AnswerValue::Bool(*b),
                        Json::String(s) => AnswerValue::Text(s.clone()),
                        _ => return None,
                    };
                    Some(Member {
                        name: name.clone(),
                        value,
                        location: at.key(name).into(),
                    })
                })
                .collect();
            RawAnswer {
                id: (*id).to_owned(),
                answer: match answer.get("answer") {
                    Some(Json::Bool(b)) => AnswerValue::Bool(*b),
                    Some(Json::String(s)) => AnswerValue::Text(s.clone()),
                    _ => AnswerValue::Text(String::new()),
                },
                location: at.key("answer").into(),
                members,
            }
        })
        .collect()
}
