//! The extraction: finds the columns, reads metadata and question rows,
//! normalises answers, and emits the `mds2.*` facts.

use std::collections::BTreeMap;

use assure_plugin_sdk::{Document, ExtractError, Extraction, FactSink, Facts, Location, error};

use crate::answer::{Answer, normalise};
use crate::csv::{Record, records};
use crate::question::{FACT_QUESTIONS, fact_path, question_id};
use crate::text::{self, quote};

/// Header names of the question id column (normalised: lower case, single
/// spaces, no trailing colon).
const ID_NAMES: &[&str] = &[
    "id",
    "question id",
    "question_id",
    "questionid",
    "question ref",
    "question #",
    "question no",
    "question number",
    "mds2 id",
    "mds2_id",
    "qid",
    "ref",
    "reference",
    "item",
    "key",
];

/// Header names of the answer column.
const ANSWER_NAMES: &[&str] = &[
    "answer",
    "answers",
    "response",
    "responses",
    "reply",
    "value",
    "status",
    "yes/no",
    "yes/no/n/a",
    "yes/no/n/a/see note",
    "manufacturer response",
    "manufacturer's response",
];

/// Header names of the note column.
const NOTE_NAMES: &[&str] = &[
    "note",
    "notes",
    "note #",
    "note#",
    "comment",
    "comments",
    "explanation",
    "details",
    "remarks",
    "additional information",
    "manufacturer notes",
    "manufacturer's notes",
];

/// The most notes about ignored rows; the rest are counted.
const IGNORED_ROW_NOTES: usize = 50;

/// Reads one MDS2 CSV export.
///
/// # Errors
///
/// When the file is not UTF-8, has a line over 64 KiB or more than 100,000
/// lines, ends inside a quoted cell, has a header with no answer column, has
/// no row with an MDS2 question id, or answers a question twice differently.
pub fn extract(doc: &Document) -> Result<Extraction, ExtractError> {
    let text = text::decode(&doc.bytes)?;
    let (rows, tolerated) = records(text)?;
    let mut out = Facts::new();
    for (line, message) in tolerated {
        out.note(message, Location::Line(line));
    }
    let (columns, rows) = columns(&rows)?;
    let form = read_rows(rows, columns, &mut out)?;
    if form.questions.is_empty() {
        return Err(error(
            "not an MDS2 export: no row has an HN 1-2019 question id (such as `PAUT-1`) in its id column",
            Location::Line(1),
        ));
    }
    Ok(emit(&form, out))
}

/// Where the id, answer and note are in a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Columns {
    id: usize,
    answer: usize,
    note: Option<usize>,
}

/// Without a header: `id, answer, note`.
const DEFAULT_COLUMNS: Columns = Columns {
    id: 0,
    answer: 1,
    note: Some(2),
};

/// The columns, from the header row when the first row is one, and the rows
/// after it.
fn columns(rows: &[Record]) -> Result<(Columns, &[Record]), ExtractError> {
    let Some((first, rest)) = rows.split_first() else {
        return Ok((DEFAULT_COLUMNS, rows));
    };
    let names: Vec<String> = first.cells.iter().map(|c| header_name(c)).collect();
    let find = |known: &[&str]| names.iter().position(|n| known.contains(&n.as_str()));
    let (id, answer, note) = (find(ID_NAMES), find(ANSWER_NAMES), find(NOTE_NAMES));
    let is_question = first.cells.iter().any(|c| question_id(c).is_some());
    if is_question || (id.is_none() && answer.is_none() && note.is_none()) {
        return Ok((DEFAULT_COLUMNS, rows));
    }
    let Some(answer) = answer else {
        return Err(error(
            format!(
                "the header row on line {} names no answer column (such as `answer` or `response`)",
                first.line
            ),
            Location::Line(first.line),
        ));
    };
    Ok((
        Columns {
            id: id.unwrap_or(0),
            answer,
            note,
        },
        rest,
    ))
}

/// A header cell, normalised: lower case, single spaces, no trailing colon.
fn header_name(cell: &str) -> String {
    let lower = cell.trim().trim_end_matches(':').to_lowercase();
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One question's row.
#[derive(Debug)]
struct Row {
    answer: Answer,
    note: Option<String>,
    line: u32,
}

/// A metadata value and its line.
#[derive(Debug)]
struct Meta {
    value: String,
    line: u32,
}

/// What the form says.
#[derive(Debug, Default)]
struct Form {
    manufacturer: Option<Meta>,
    device: Option<Meta>,
    document_id: Option<Meta>,
    /// By question id, in the form's spelling.
    questions: BTreeMap<String, Row>,
}

/// Reads the rows after the header.
fn read_rows(rows: &[Record], columns: Columns, out: &mut Facts) -> Result<Form, ExtractError> {
    let mut form = Form::default();
    let mut ignored = 0usize;
    for row in rows {
        let id = row.cell(columns.id);
        let answer = row.cell(columns.answer);
        if let Some(slot) = metadata_slot(&mut form, id) {
            read_metadata(slot, id, answer, row.line, out);
            continue;
        }
        let Some(question) = question_id(id) else {
            ignored += 1;
            if ignored <= IGNORED_ROW_NOTES {
                let message = if id.is_empty() {
                    format!("line {}: row without a question id: ignored", row.line)
                } else {
                    format!(
                        "line {}: `{}` is not an MDS2 question id (SECTION-n.n with an HN 1-2019 section code): row ignored",
                        row.line,
                        quote(id)
                    )
                };
                out.note(message, Location::Line(row.line));
            }
            continue;
        };
        let (normalised, rest) = normalise(answer);
        let note_cell = columns.note.map(|i| row.cell(i)).filter(|n| !n.is_empty());
        let note = match (rest, note_cell) {
            (Some(rest), Some(cell)) => Some(format!("{rest}; {cell}")),
            (Some(rest), None) => Some(rest),
            (None, Some(cell)) => Some(cell.to_owned()),
            (None, None) => None,
        };
        if let Some(first) = form.questions.get(&question) {
            if first.answer != normalised {
                return Err(error(
                    format!(
                        "question {question} is answered twice with different answers: \"{}\" on line {} and \"{}\" on line {}",
                        first.answer.as_str(),
                        first.line,
                        normalised.as_str(),
                        row.line
                    ),
                    Location::Line(row.line),
                ));
            }
            out.note(
                format!(
                    "question {question} is answered again on line {} (first on line {}), with the same answer: the first row is kept",
                    row.line, first.line
                ),
                Location::Line(row.line),
            );
            continue;
        }
        form.questions.insert(
            question,
            Row {
                answer: normalised,
                note,
                line: row.line,
            },
        );
    }
    if let Some(more) = ignored.checked_sub(IGNORED_ROW_NOTES).filter(|n| *n > 0) {
        out.note(
            format!("{more} more rows without an MDS2 question id were ignored"),
            Location::Whole,
        );
    }
    Ok(form)
}

/// The metadata field a row's id names: `manufacturer`, `device` or
/// `document_id` (also written `document-id`, `document id` or `doc_id`).
fn metadata_slot<'a>(form: &'a mut Form, id: &str) -> Option<&'a mut Option<Meta>> {
    let key: String = id
        .trim()
        .chars()
        .map(|c| {
            if c == '-' || c == ' ' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    match key.as_str() {
        "manufacturer" => Some(&mut form.manufacturer),
        "device" => Some(&mut form.device),
        "document_id" | "doc_id" => Some(&mut form.document_id),
        _ => None,
    }
}

fn read_metadata(slot: &mut Option<Meta>, id: &str, value: &str, line: u32, out: &mut Facts) {
    let at = Location::Line(line);
    if value.is_empty() {
        out.note(format!("`{}` has no value: ignored", quote(id)), at);
        return;
    }
    match slot {
        None => {
            *slot = Some(Meta {
                value: value.to_owned(),
                line,
            });
        }
        Some(first) if first.value == value => {}
        Some(first) => out.note(
            format!(
                "`{}` is given again on line {line} as \"{}\": the first, \"{}\" on line {}, is kept",
                quote(id),
                quote(value),
                quote(&first.value),
                first.line
            ),
            at,
        ),
    }
}

/// The facts.
fn emit(form: &Form, mut out: Facts) -> Extraction {
    let metadata = [
        ("mds2.manufacturer", &form.manufacturer),
        ("mds2.device", &form.device),
        ("mds2.document_id", &form.document_id),
    ];
    for (path, meta) in metadata {
        if let Some(meta) = meta {
            out.text(path, meta.value.as_str(), Location::Line(meta.line));
        }
    }
    let answered = i64::try_from(form.questions.len()).unwrap_or(i64::MAX);
    out.long("mds2.answered", answered, Location::Whole);
    let mut missing = Vec::new();
    for question in FACT_QUESTIONS {
        let Some(row) = form.questions.get(*question) else {
            missing.push(*question);
            continue;
        };
        let path = fact_path(question);
        let at = Location::Line(row.line);
        out.text(&path, row.answer.as_str(), at.clone());
        if let Some(note) = &row.note {
            out.text(&format!("{path}_note"), note.as_str(), at);
        }
    }
    if !missing.is_empty() {
        out.note(
            format!(
                "the form does not answer {}: rules that read them need other evidence",
                missing.join(", ")
            ),
            Location::Whole,
        );
    }
    out.finish()
}
