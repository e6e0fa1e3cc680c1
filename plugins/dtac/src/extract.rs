//! The extraction: checks the document, tells the form's version, and turns
//! answers into `dtac.*` facts through the mapping.

use std::collections::BTreeMap;

use assure_plugin_sdk::json::{self, Map, Value as Json};
use assure_plugin_sdk::{
    Document, ExtractError, Extraction, FactSink, Facts, Location, Pointer, error,
};

use crate::answers::{self, Reading};
use crate::date;
use crate::mapping::{CHARTER_QUESTION, CHARTER_SKIPPABLE, Kind, MAPPING, Row, Version};
use crate::text::{kind_of, optional_date, optional_text, quote, required_text};
use crate::{FORMAT, KNOWN_MEMBERS};

/// The largest document read, in bytes. A DTAC answers document is a few
/// kilobytes; anything this large is not one.
pub const MAX_DOCUMENT_BYTES: usize = 4 * 1024 * 1024;

/// The most question ids quoted in one note or message.
const MAX_IDS_QUOTED: usize = 10;

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
                    kind_of(other)
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
    read_rows(version, &checked, &answers_at, &mut out);
    note_unread(version, &checked, &answers_at, &mut out);
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
            date::as_datetime(completed),
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
                kind_of(other)
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
                kind_of(other)
            ),
            at,
        )),
    }
}

/// Up to [`MAX_IDS_QUOTED`] ids, comma-separated, "…" after that.
fn list(ids: &[&str]) -> String {
    let mut out = ids
        .iter()
        .take(MAX_IDS_QUOTED)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > MAX_IDS_QUOTED {
        out.push_str(", …");
    }
    out
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
    let only = |version: Version| -> Vec<&str> {
        answers
            .keys()
            .copied()
            .filter(|id| version.only_asks(id))
            .collect()
    };
    let (v1, v2) = (only(Version::V1), only(Version::V2));
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
                "cannot tell the DTAC version: no answer is to a question only one version asks (such as C1.1 in v1.0 or C1.2.2 in v2.0); add `\"dtac_version\": \"1.0\"` or `\"2.0\"`",
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

/// Whether a supplier who signed the charter took its route: v2.0, C3.2 yes.
fn charter_signed(version: Version, answers: &Answers<'_>) -> bool {
    version == Version::V2
        && answers
            .get(CHARTER_QUESTION)
            .and_then(|a| a.get("answer"))
            .is_some_and(|v| answers::read(v, Kind::YesNo) == Reading::Boolean(true))
}

/// Turns each mapped answer of `version` into its fact.
fn read_rows(version: Version, answers: &Answers<'_>, answers_at: &Pointer, out: &mut Facts) {
    let charter = charter_signed(version, answers);
    let mut skipped_questions: Vec<&str> = Vec::new();
    let mut skipped_facts: Vec<&str> = Vec::new();
    for row in MAPPING {
        let Some(source) = version.source(row) else {
            continue;
        };
        let Some(answer) = answers.get(source.id) else {
            if charter && CHARTER_SKIPPABLE.contains(&source.id) {
                if !skipped_questions.contains(&source.id) {
                    skipped_questions.push(source.id);
                }
                skipped_facts.push(row.fact);
            } else if row.required {
                out.note(
                    format!(
                        "question {} ({}) is not answered: `{}` is absent",
                        source.id,
                        version_name(version),
                        row.fact
                    ),
                    answers_at,
                );
            }
            continue;
        };
        read_row(row, source.id, answer, version, answers_at, out);
    }
    if !skipped_facts.is_empty() {
        out.note(
            format!(
                "the supplier signed the NHS supplier cyber charter ({CHARTER_QUESTION}) and took the charter route, skipping {}: {} absent",
                list(&skipped_questions),
                skipped_facts
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
                    + if skipped_facts.len() == 1 { " is" } else { " are" }
            ),
            answers_at.key(CHARTER_QUESTION).key("answer"),
        );
    }
}

fn version_name(version: Version) -> String {
    format!("DTAC v{}", version.as_str())
}

/// Reads one row's fact from its answer.
fn read_row(
    row: &Row,
    id: &str,
    answer: &Map<String, Json>,
    version: Version,
    answers_at: &Pointer,
    out: &mut Facts,
) {
    let Some(source) = version.source(row) else {
        return;
    };
    let at = answers_at.key(id);
    let found = answer
        .get(source.member)
        .map(|v| (source.member, v))
        .or_else(|| {
            // The fallback (`detail`) is free text about anything: read it as
            // the registration only when the question is answered yes.
            let yes = answer
                .get("answer")
                .is_some_and(|a| answers::read(a, Kind::YesNo) == Reading::Boolean(true));
            source
                .fallback
                .filter(|_| yes)
                .and_then(|f| answer.get(f).map(|v| (f, v)))
        });
    let Some((member, value)) = found else {
        return;
    };
    let at = at.key(member);
    match answers::read(value, row.kind) {
        Reading::Boolean(b) => out.boolean(row.fact, b, at),
        Reading::Text(s) => out.text(row.fact, s, at),
        Reading::Renamed(s, why) => {
            out.text(row.fact, s, &at);
            out.note(format!("{id} `{member}` {why}"), at);
        }
        Reading::Absent(why) => out.note(
            format!("{id} `{member}` {why}: `{}` is absent", row.fact),
            at,
        ),
    }
}

/// One note for the answers to questions the mapping does not read.
fn note_unread(version: Version, answers: &Answers<'_>, answers_at: &Pointer, out: &mut Facts) {
    let unread: Vec<&str> = answers
        .keys()
        .copied()
        .filter(|id| !version.asks(id))
        .collect();
    if unread.is_empty() {
        return;
    }
    out.note(
        format!(
            "{} {} to questions this plugin does not turn into facts ({}): checked, not read",
            unread.len(),
            if unread.len() == 1 {
                "answer is"
            } else {
                "answers are"
            },
            list(&unread)
        ),
        answers_at,
    );
}
