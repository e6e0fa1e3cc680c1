//! One answer: checking its members, and reading yes/no, DSPT status and text.

use assure_plugin_sdk::json::{Map, Value as Json};
use assure_plugin_sdk::{ExtractError, Facts, Pointer, error};

use crate::mapping::{ANSWER_MEMBERS, DSPT_STATUSES, Kind, YES_NO_MEMBERS};
use crate::text::{bounded, kind_of, optional_date, optional_text, quote};

/// The longest question id accepted, in bytes.
const MAX_ID_BYTES: usize = 32;

/// What an answer member says, read as a fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reading {
    /// A yes/no answer.
    Boolean(bool),
    /// Text (a normalised DSPT status, a registration number, …).
    Text(String),
    /// Text read from an older spelling, and a note saying so.
    Renamed(String, String),
    /// No fact: why, for a note ("is \"N/A\" (not applicable)").
    Absent(String),
}

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
                kind_of(value)
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
                format!(
                    "`answer` must be true/false or text, not {}",
                    kind_of(other)
                ),
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
                    format!("`{key}` must be true/false or text, not {}", kind_of(other)),
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
                                kind_of(other)
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
                kind_of(other)
            ),
            at,
        )),
    }
}

/// Reads a member's value as `kind`. The value has been type-checked.
pub(crate) fn read(value: &Json, kind: Kind) -> Reading {
    match kind {
        Kind::YesNo => yes_no(value),
        Kind::DsptStatus => match value {
            Json::String(s) => dspt_status(s),
            other => Reading::Absent(format!("is {}, not a DSPT status", kind_of(other))),
        },
        Kind::Text => match value {
            Json::String(s) => match special(s) {
                Some(why) => Reading::Absent(why),
                None => Reading::Text(s.trim().to_owned()),
            },
            other => Reading::Absent(format!("is {}, not text", kind_of(other))),
        },
    }
}

/// "n/a" and "unknown" answers, and empty ones: why they give no fact.
fn special(text: &str) -> Option<String> {
    match words(text).as_str() {
        "" => Some("is empty".to_owned()),
        "na" | "n a" | "not applicable" => {
            Some(format!("is \"{}\" (not applicable)", quote(text.trim())))
        }
        "unknown" | "not known" | "don t know" => Some(format!("is \"{}\"", quote(text.trim()))),
        _ => None,
    }
}

/// A yes/no answer: `true`/`false`, or "yes"/"y"/"true", "no"/"n"/"false"
/// in any case.
fn yes_no(value: &Json) -> Reading {
    match value {
        Json::Bool(b) => Reading::Boolean(*b),
        Json::String(s) => match words(s).as_str() {
            "yes" | "y" | "true" => Reading::Boolean(true),
            "no" | "n" | "false" => Reading::Boolean(false),
            _ => special(s).map_or_else(
                || Reading::Absent(format!("is \"{}\", not yes or no", quote(s.trim()))),
                Reading::Absent,
            ),
        },
        other => Reading::Absent(format!("is {}, not yes or no", kind_of(other))),
    }
}

/// A DSPT status, normalised: case, spacing and punctuation do not matter.
/// The pre-2024 label "Standards Not Fully Met (Plan Agreed)" is read as its
/// successor, "Approaching Standards".
fn dspt_status(text: &str) -> Reading {
    let key = words(text);
    if let Some(status) = DSPT_STATUSES.iter().find(|status| words(status) == key) {
        return Reading::Text((*status).to_owned());
    }
    if key == "standards not fully met plan agreed" {
        return Reading::Renamed(
            "Approaching Standards".to_owned(),
            format!(
                "is \"{}\", the DSPT's name before 2024 for what is now \"Approaching Standards\"",
                quote(text.trim())
            ),
        );
    }
    special(text).map_or_else(
        || {
            Reading::Absent(format!(
                "is \"{}\", not a DSPT status ({})",
                quote(text.trim()),
                DSPT_STATUSES.join(", ")
            ))
        },
        Reading::Absent,
    )
}

/// Lower-case words: every run of characters other than ASCII letters and
/// digits becomes one space.
fn words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
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

    #[test]
    fn yes_no_spellings() {
        for yes in [r#"true"#, r#""Yes""#, r#""y""#, r#"" YES ""#, r#""True""#] {
            let value: Json = serde_json::from_str(yes).unwrap_or_default();
            assert_eq!(yes_no(&value), Reading::Boolean(true), "{yes}");
        }
        for no in [r#"false"#, r#""No""#, r#""n""#, r#""no.""#] {
            let value: Json = serde_json::from_str(no).unwrap_or_default();
            assert_eq!(yes_no(&value), Reading::Boolean(false), "{no}");
        }
        for absent in [
            r#""na""#,
            r#""N/A""#,
            r#""Not applicable""#,
            r#""unknown""#,
            r#""""#,
            r#""Yes, via SSO""#,
        ] {
            let value: Json = serde_json::from_str(absent).unwrap_or_default();
            assert!(matches!(yes_no(&value), Reading::Absent(_)), "{absent}");
        }
    }

    #[test]
    fn dspt_spellings() {
        assert_eq!(
            dspt_status("standards met"),
            Reading::Text("Standards Met".into())
        );
        assert_eq!(
            dspt_status(" STANDARDS  EXCEEDED "),
            Reading::Text("Standards Exceeded".into())
        );
        assert!(matches!(
            dspt_status("Standards Not Fully Met (Plan Agreed)"),
            Reading::Renamed(s, _) if s == "Approaching Standards"
        ));
        assert_eq!(
            dspt_status("not-published"),
            Reading::Text("Not Published".into())
        );
        assert!(matches!(dspt_status("Green"), Reading::Absent(m) if m.contains("Standards Met")));
        assert!(matches!(dspt_status("N/A"), Reading::Absent(m) if m.contains("not applicable")));
    }
}
