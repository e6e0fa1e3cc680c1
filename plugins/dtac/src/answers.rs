//! One answer of the JSON format: checking its id and its members' types.

use assure_plugin_sdk::json::{Map, Value as Json};
use assure_plugin_sdk::{ExtractError, Facts, Pointer, error};

use crate::mapping::{ANSWER_MEMBERS, YES_NO_MEMBERS};
use assure_plugin_sdk::text::{bounded, kind, optional_date, optional_text, quote};

/// The longest question id accepted, in bytes.
const MAX_ID_BYTES: usize = 32;

/// Whether `id` looks like a DTAC question id: a section letter A to D, then
/// numbers joined by dots (`C1.2.2`, `A4`, `D1.1`).
pub(crate) fn is_question_id(id: &str) -> bool {
    let Some(rest) = id.strip_prefix(['A', 'B', 'C', 'D']) else {
        return false;
    };
    id.len() <= MAX_ID_BYTES
        && rest
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

/// Checks one answer object: its id, that it is an object, and the type of
/// every member it may have. Unknown members are noted.
pub(crate) fn check<'a>(
    id: &str,
    value: &'a Json,
    at: &Pointer,
    out: &mut Facts,
) -> Result<&'a Map<String, Json>, ExtractError> {
    if !is_question_id(id) {
        return Err(error(
            format!(
                "\"{}\" is not a DTAC question id: ids are a section letter and numbers, such as \"C1.2.2\"",
                quote(id)
            ),
            at,
        ));
    }
    let Json::Object(answer) = value else {
        return Err(error(
            format!(
                "the answer to {id} must be an object such as {{\"answer\": \"yes\"}}, not {}",
                kind(value)
            ),
            at,
        ));
    };
    match answer.get("answer") {
        None => {
            return Err(error(
                format!("the answer to {id} has no `answer` member"),
                at.key("answer"),
            ));
        }
        Some(Json::Bool(_)) => {}
        Some(Json::String(s)) => {
            bounded(s, "answer", &at.key("answer"))?;
        }
        Some(other) => {
            return Err(error(
                format!("`answer` must be true/false or text, not {}", kind(other)),
                at.key("answer"),
            ));
        }
    }
    optional_text(answer, "detail", at)?;
    optional_text(answer, "registration", at)?;
    optional_text(answer, "ods_code", at)?;
    optional_date(answer, "date", at)?;
    evidence(answer, at)?;
    for key in YES_NO_MEMBERS {
        match answer.get(*key) {
            None | Some(Json::Bool(_)) => {}
            Some(Json::String(s)) => {
                bounded(s, key, &at.key(key))?;
            }
            Some(other) => {
                return Err(error(
                    format!("`{key}` must be true/false or text, not {}", kind(other)),
                    at.key(key),
                ));
            }
        }
    }
    let mut unknown: Vec<&str> = answer
        .keys()
        .map(String::as_str)
        .filter(|k| !ANSWER_MEMBERS.contains(k))
        .collect();
    unknown.sort_unstable();
    for key in unknown {
        out.note(
            format!(
                "the answer to {id} has an unknown member `{}`: ignored",
                quote(key)
            ),
            at.key(key),
        );
    }
    Ok(answer)
}

/// `evidence`: one reference or an array of them (paths in the submission,
/// URLs, document titles).
fn evidence(answer: &Map<String, Json>, at: &Pointer) -> Result<(), ExtractError> {
    let at = at.key("evidence");
    match answer.get("evidence") {
        None => Ok(()),
        Some(Json::String(s)) => bounded(s, "evidence", &at).map(|_| ()),
        Some(Json::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                match item {
                    Json::String(s) => {
                        bounded(s, "evidence", &at.index(i))?;
                    }
                    other => {
                        return Err(error(
                            format!(
                                "each `evidence` reference must be text, not {}",
                                kind(other)
                            ),
                            at.index(i),
                        ));
                    }
                }
            }
            Ok(())
        }
        Some(other) => Err(error(
            format!(
                "`evidence` must be text or an array of texts, not {}",
                kind(other)
            ),
            at,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_ids() {
        for id in ["C1.2.2", "A4", "D1.1", "C3.5.1"] {
            assert!(is_question_id(id), "{id}");
        }
        for id in [
            "", "C", "c1.1", "C1.", "C.1", "E1", "C1..2", "C1.a", " C1.1", "C1-1",
        ] {
            assert!(!is_question_id(id), "{id}");
        }
    }
}
