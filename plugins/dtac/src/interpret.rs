//! Turning answers into facts, whatever they were read from: the JSON
//! answers document, or (later) the tables of a completed form. Each answer
//! is a question code, the answer as written, where it was written, and the
//! JSON format's extra members.

use assure_plugin_sdk::{ExtractError, FactSink, Facts, Location, error};

use crate::detect;
use crate::forms::{self, AnswerValue, Question, Reading};
use crate::mapping::{MAPPING, Read, Row, Source, Version};
use assure_plugin_sdk::text;

/// The most question ids quoted in one note or message.
const MAX_IDS_QUOTED: usize = 10;

/// A member of an answer beyond the answer itself (the JSON format's
/// `registration`, `ods_code`, `owasp_top10`, …).
#[derive(Debug, Clone)]
pub struct Member {
    /// The member's name.
    pub name: String,
    /// What it says.
    pub value: AnswerValue,
    /// Where it is written.
    pub location: Location,
}

/// One answer, from any source.
#[derive(Debug, Clone)]
pub struct RawAnswer {
    /// The question's code, e.g. `"C1.2.2"`.
    pub id: String,
    /// The answer as written.
    pub answer: AnswerValue,
    /// Where the answer is written: a JSON Pointer, a table cell.
    pub location: Location,
    /// Supporting members, each with its own location.
    pub members: Vec<Member>,
}

/// Answer text fit to quote in a note: one line, at most a few dozen
/// characters.
fn quote(answer: &str) -> String {
    text::quote(&answer.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A fact's value before it is emitted.
enum Value {
    Bool(bool),
    Text(String),
}

/// One answer, read against its question.
struct Answered<'a> {
    raw: &'a RawAnswer,
    reading: Reading,
}

/// Up to [`MAX_IDS_QUOTED`] ids, comma-separated, "…" after that.
pub(crate) fn list(ids: &[&str]) -> String {
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

/// Reads `answers` to DTAC `version` into `dtac.*` facts and notes.
///
/// Every answer must be to a question of that version, once. An answer is
/// read against its question's options; the skip logic decides which
/// questions apply; answers to questions routed past give no fact.
/// `whole` locates notes about the answers as a whole.
///
/// # Errors
///
/// When an answer is to a question the version does not ask, or a question
/// is answered twice.
pub fn interpret(
    version: Version,
    answers: &[RawAnswer],
    whole: &Location,
    out: &mut Facts,
) -> Result<(), ExtractError> {
    let mut read: Vec<(&'static Question, Answered<'_>)> = Vec::with_capacity(answers.len());
    for raw in answers {
        let Some(question) = forms::question(version, &raw.id) else {
            let other = version.other();
            let why = if other.asks(&raw.id) {
                format!(
                    ", only v{}: the two versions number their questions differently",
                    other.as_str()
                )
            } else {
                String::new()
            };
            return Err(error(
                format!(
                    "{} is not a question of DTAC v{}{why}",
                    quote(&raw.id),
                    version.as_str()
                ),
                raw.location.clone(),
            ));
        };
        if read.iter().any(|(q, _)| q.id == question.id) {
            return Err(error(
                format!("question {} is answered twice", question.id),
                raw.location.clone(),
            ));
        }
        let reading = forms::read(question, &raw.answer);
        read.push((question, Answered { raw, reading }));
    }
    let find = |id: &str| read.iter().find(|(q, _)| q.id == id).map(|(_, a)| a);
    let skipped = forms::skipped(version, |id| find(id).map(|a| &a.reading));
    let skipped_by = |id: &str| skipped.iter().find(|(s, _, _)| *s == id);

    note_routes(&skipped, &find, whole, out);
    for (question, answered) in &read {
        note_answer(version, question, answered, skipped_by(question.id), out);
    }
    for row in MAPPING {
        read_row(version, row, &find, &skipped_by, whole, out);
    }
    let unread: Vec<&str> = read
        .iter()
        .map(|(q, _)| q.id)
        .filter(|id| !version.reads(id))
        .collect();
    if !unread.is_empty() {
        out.note(
            format!(
                "{} {} to questions this plugin does not turn into facts ({}): checked against the form, not read",
                unread.len(),
                if unread.len() == 1 { "answer is" } else { "answers are" },
                list(&unread)
            ),
            whole.clone(),
        );
    }
    Ok(())
}

/// One note per route taken: which questions it routes past.
fn note_routes<'a>(
    skipped: &[(&'static str, &'static str, &'static str)],
    find: &impl Fn(&str) -> Option<&'a Answered<'a>>,
    whole: &Location,
    out: &mut Facts,
) {
    let mut routes: Vec<(&str, &str)> = skipped
        .iter()
        .map(|(_, by, option)| (*by, *option))
        .collect();
    routes.dedup();
    for (by, option) in routes {
        let ids: Vec<&str> = skipped
            .iter()
            .filter(|(_, b, _)| *b == by)
            .map(|(id, _, _)| *id)
            .collect();
        let at = find(by).map_or_else(|| whole.clone(), |a| a.raw.location.clone());
        let (past, apply) = if ids.len() == 1 {
            ("it does not apply, and gives", "")
        } else {
            ("they do not apply, and give", "")
        };
        out.note(
            format!(
                "{by} \"{option}\" routes past {}: {past} no facts{apply}",
                list(&ids)
            ),
            at,
        );
    }
}

/// Notes about one answer: routed past, not an option, or words after the
/// option kept for a reader.
fn note_answer(
    version: Version,
    question: &Question,
    answered: &Answered<'_>,
    skipped_by: Option<&(&'static str, &'static str, &'static str)>,
    out: &mut Facts,
) {
    let at = answered.raw.location.clone();
    let id = question.id;
    if let Some((_, by, option)) = skipped_by {
        out.note(
            format!(
                "{id} is answered ({}) although {by} \"{option}\" routes past it: it does not apply, and its answer gives no fact",
                shown(&answered.raw.answer)
            ),
            at,
        );
        return;
    }
    // Sections A, B and D are not assessed: their answers are checked
    // against the form, and only the assessed sections' are noted.
    let assessed = id.starts_with('C') || version.reads(id);
    match &answered.reading {
        Reading::Invalid(why) if assessed => {
            out.note(format!("{id}: the answer {why}; it gives no fact"), at);
        }
        Reading::Option {
            option,
            rest: Some(rest),
        } if assessed => out.note(
            format!(
                "{id}: read as \"{option}\"; the answer goes on: \"{}\"",
                quote(rest)
            ),
            at,
        ),
        Reading::Text(text) if version.reads(id) => {
            out.note(format!("{id} (free text): \"{}\"", quote(text)), at);
        }
        _ => {}
    }
}

/// How an answer is shown in a note.
fn shown(value: &AnswerValue) -> String {
    match value {
        AnswerValue::Text(text) => format!("\"{}\"", quote(text.trim())),
        AnswerValue::Bool(b) => b.to_string(),
    }
}

/// Emits `row`'s fact from the first of its sources that applies and gives
/// a value; notes a required fact whose questions apply but are unanswered.
fn read_row<'a>(
    version: Version,
    row: &Row,
    find: &impl Fn(&str) -> Option<&'a Answered<'a>>,
    skipped_by: &impl Fn(&str) -> Option<&'a (&'static str, &'static str, &'static str)>,
    whole: &Location,
    out: &mut Facts,
) {
    let sources = version.sources(row);
    let mut unanswered: Vec<&str> = Vec::new();
    let mut applies = false;
    for source in sources {
        if skipped_by(source.id).is_some() {
            continue;
        }
        applies = true;
        let answered = find(source.id);
        if answered.is_none() && !matches!(source.read, Read::Always(_)) {
            unanswered.push(source.id);
            continue;
        }
        if let Some((value, at)) = value(source, answered, whole, out) {
            match value {
                Value::Bool(b) => out.boolean(row.fact, b, at),
                Value::Text(t) => out.text(row.fact, t, at),
            }
            return;
        }
    }
    if row.required && applies && !unanswered.is_empty() {
        out.note(
            format!(
                "{} (DTAC v{}) {} not answered: `{}` is absent",
                list(&unanswered),
                version.as_str(),
                if unanswered.len() == 1 { "is" } else { "are" },
                row.fact
            ),
            whole.clone(),
        );
    }
}

/// The value `source` gives from its answer, and where.
fn value(
    source: &Source,
    answered: Option<&Answered<'_>>,
    whole: &Location,
    out: &mut Facts,
) -> Option<(Value, Location)> {
    if let Read::Always(b) = source.read {
        let at = answered.map_or_else(|| whole.clone(), |a| a.raw.location.clone());
        return Some((Value::Bool(b), at));
    }
    let answered = answered?;
    let at = answered.raw.location.clone();
    let text = match &answered.raw.answer {
        AnswerValue::Text(t) => Some(t.as_str()),
        AnswerValue::Bool(_) => None,
    };
    let member = |name: &str| answered.raw.members.iter().find(|m| m.name == name);
    let member_text = |name: &str| {
        member(name).and_then(|m| match &m.value {
            AnswerValue::Text(t) if !t.trim().is_empty() => {
                Some((Value::Text(t.trim().to_owned()), m.location.clone()))
            }
            _ => None,
        })
    };
    match source.read {
        Read::Always(_) => None,
        Read::Options(map) => match &answered.reading {
            Reading::Option { option, .. } => map
                .iter()
                .find(|(o, _)| forms::same_option(option, o))
                .map(|(_, b)| (Value::Bool(*b), at)),
            _ => None,
        },
        Read::Text => match &answered.reading {
            Reading::Text(t) if says_nothing(t) => {
                out.note(
                    format!("{}: \"{}\" says nothing the question asks", source.id, quote(t)),
                    at,
                );
                None
            }
            Reading::Text(t) => Some((Value::Text(t.clone()), at)),
            _ => None,
        },
        Read::Named => match &answered.reading {
            Reading::Text(t) if is_none(t) => Some((Value::Bool(false), at)),
            Reading::Text(t) if says_nothing(t) => None,
            Reading::Text(_) => Some((Value::Bool(true), at)),
            _ => None,
        },
        Read::YesNoMember(name) => {
            let m = member(name)?;
            match forms::read(&MEMBER_QUESTION, &m.value) {
                Reading::Option { option, .. } => {
                    let yes = ["Yes", "Provided", "Confirmed"].contains(&option);
                    Some((Value::Bool(yes), m.location.clone()))
                }
                Reading::Invalid(why) => {
                    out.note(
                        format!("{} `{name}` {why}: it gives no fact", source.id),
                        m.location.clone(),
                    );
                    None
                }
                Reading::Text(_) => None,
            }
        }
        Read::ProfessionalRegistration => member_text("registration").or_else(|| {
            let found = text
                .and_then(detect::professional_registration)
                .map(|r| (Value::Text(r), at.clone()));
            found.or_else(|| match member("detail") {
                Some(Member {
                    value: AnswerValue::Text(t),
                    location,
                    ..
                }) => detect::professional_registration(t).map(|r| (Value::Text(r), location.clone())),
                _ => None,
            })
        }),
        Read::IcoNumber => member_text("registration").or_else(|| {
            let provided = matches!(&answered.reading, Reading::Option { option, .. } if forms::same_option(option, "Provided"));
            text.filter(|_| provided)
                .and_then(detect::ico_number)
                .map(|n| (Value::Text(n), at))
        }),
        Read::OdsCode => member_text("ods_code")
            .or_else(|| text.and_then(detect::ods_code).map(|c| (Value::Text(c), at))),
        Read::DsptStatus => {
            let (status, renamed) = text.and_then(detect::dspt_status)?;
            if let Some(why) = renamed {
                out.note(format!("{} {why}", source.id), at.clone());
            }
            Some((Value::Text(status), at))
        }
    }
}

/// The options a yes/no member may take.
const MEMBER_QUESTION: Question = Question {
    id: "member",
    wording: "",
    options: &[
        "Yes",
        "No",
        "Provided",
        "Not provided",
        "Confirmed",
        "Unable to confirm",
    ],
    routes: &[],
};

/// Lower-case words of `text`, space-separated.
fn lower(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A free-text answer that answers nothing: "n/a", "not applicable",
/// "unknown", "tbc".
fn says_nothing(text: &str) -> bool {
    let words = lower(text);
    [
        "n a",
        "na",
        "not applicable",
        "unknown",
        "not known",
        "tbc",
        "tbd",
    ]
    .iter()
    .any(|w| words == *w || words.starts_with(&format!("{w} ")))
}

/// A free-text answer saying there is nobody: "No", "None".
fn is_none(text: &str) -> bool {
    let words = lower(text);
    ["no", "none", "no cso", "not appointed", "none appointed"].contains(&words.as_str())
}
