//! The extraction: finds the columns, reads metadata and question rows,
//! normalises answers, and emits the `mds2.*` facts.

use std::collections::BTreeMap;

use assure_plugin_sdk::{Document, ExtractError, Extraction, FactSink, Facts, Location, error};

use crate::answer::{Answer, normalise};
use crate::csv::{Record, records};
use crate::date;
use crate::question::{FACT_QUESTIONS, fact_path, question_id};
use assure_plugin_sdk::text::quote;

use crate::text;

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

/// A metadata value, its line, and the row it came from (`manufacturer`,
/// `DOC-1`).
#[derive(Debug)]
struct Meta {
    value: String,
    line: u32,
    source: String,
}

/// What the form says.
#[derive(Debug, Default)]
struct Form {
    /// The `manufacturer` row or DOC-1 Manufacturer Name.
    manufacturer: Option<Meta>,
    /// The `device` row.
    device: Option<Meta>,
    /// DOC-2 Device Description: `mds2.device` when there is no `device` row.
    device_description: Option<Meta>,
    /// DOC-3 Device Model.
    device_model: Option<Meta>,
    /// The `document_id` row or DOC-4 Document ID.
    document_id: Option<Meta>,
    /// DOC-7 Document Release Date, as written.
    release_date: Option<Meta>,
    /// By question id, in the form's spelling.
    questions: BTreeMap<String, Row>,
}

/// The DOC questions that say what the form is about, and what each is.
const SUBJECT_QUESTIONS: &[(&str, &str)] = &[
    ("DOC-1", "the manufacturer name"),
    ("DOC-2", "the device description"),
    ("DOC-3", "the device model"),
    ("DOC-4", "the document id"),
    ("DOC-7", "the document release date"),
];

/// Reads the rows after the header.
fn read_rows(rows: &[Record], columns: Columns, out: &mut Facts) -> Result<Form, ExtractError> {
    let mut form = Form::default();
    let mut ignored = 0usize;
    for row in rows {
        let id = row.cell(columns.id);
        let answer = row.cell(columns.answer);
        if let Some((slot, what)) = metadata_slot(&mut form, id) {
            read_metadata(slot, what, id, answer, row.line, out)?;
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
        if let Some((slot, what)) = subject_slot(&mut form, &question)
            && !answer.is_empty()
        {
            read_metadata(slot, what, &question, answer, row.line, out)?;
        }
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
/// `document_id` (also written `document-id`, `document id` or `doc_id`),
/// and what it is.
fn metadata_slot<'a>(form: &'a mut Form, id: &str) -> Option<(&'a mut Option<Meta>, &'static str)> {
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
        "manufacturer" => Some((&mut form.manufacturer, "the manufacturer name")),
        "device" => Some((&mut form.device, "the device")),
        "document_id" | "doc_id" => Some((&mut form.document_id, "the document id")),
        _ => None,
    }
}

/// The metadata field a DOC question (in the form's spelling) fills, and
/// what it is: DOC-1 the manufacturer, DOC-2 the device description, DOC-3
/// the model, DOC-4 the document id, DOC-7 the release date.
fn subject_slot<'a>(
    form: &'a mut Form,
    question: &str,
) -> Option<(&'a mut Option<Meta>, &'static str)> {
    let what = SUBJECT_QUESTIONS
        .iter()
        .find(|(id, _)| *id == question)
        .map(|(_, what)| *what)?;
    let slot = match question {
        "DOC-1" => &mut form.manufacturer,
        "DOC-2" => &mut form.device_description,
        "DOC-3" => &mut form.device_model,
        "DOC-4" => &mut form.document_id,
        "DOC-7" => &mut form.release_date,
        _ => return None,
    };
    Some((slot, what))
}

/// Text compared as a reader would: case, and runs of spaces, aside.
fn same(a: &str, b: &str) -> bool {
    a.split_whitespace()
        .map(str::to_lowercase)
        .eq(b.split_whitespace().map(str::to_lowercase))
}

/// Fills a metadata field. The same value again is fine; a different one is
/// an error, since a form that names two manufacturers (or two models, two
/// documents) cannot be bound to one submission.
fn read_metadata(
    slot: &mut Option<Meta>,
    what: &str,
    id: &str,
    value: &str,
    line: u32,
    out: &mut Facts,
) -> Result<(), ExtractError> {
    let at = Location::Line(line);
    if value.is_empty() {
        out.note(format!("`{}` has no value: ignored", quote(id)), at);
        return Ok(());
    }
    match slot {
        None => {
            *slot = Some(Meta {
                value: value.to_owned(),
                line,
                source: id.to_owned(),
            });
            Ok(())
        }
        Some(first) if same(&first.value, value) => Ok(()),
        Some(first) => Err(error(
            format!(
                "the form gives two different values for {what}: \"{}\" (`{}`, line {}) and \"{}\" (`{}`, line {line}); which one the form describes cannot be told",
                quote(&first.value),
                quote(&first.source),
                first.line,
                quote(value),
                quote(id),
            ),
            at,
        )),
    }
}

/// The facts.
fn emit(form: &Form, mut out: Facts) -> Extraction {
    if let (Some(device), Some(description)) = (&form.device, &form.device_description)
        && !same(&device.value, &description.value)
    {
        out.note(
            format!(
                "`mds2.device` is the `device` row (line {}), not the DOC-2 device description \"{}\"",
                device.line,
                quote(&description.value)
            ),
            Location::Line(description.line),
        );
    }
    let metadata = [
        ("mds2.manufacturer", &form.manufacturer),
        (
            "mds2.device",
            form.device
                .as_ref()
                .map_or(&form.device_description, |_| &form.device),
        ),
        ("mds2.device_model", &form.device_model),
        ("mds2.document_id", &form.document_id),
    ];
    for (path, meta) in metadata {
        if let Some(meta) = meta {
            out.text(path, meta.value.as_str(), Location::Line(meta.line));
        }
    }
    if let Some(meta) = &form.release_date {
        let at = Location::Line(meta.line);
        match date::release_date(&meta.value) {
            Ok(when) => out.datetime("mds2.release_date", when, at),
            Err(why) => out.note(
                format!(
                    "DOC-7 release date \"{}\" is not read: {why}; `mds2.release_date` is absent",
                    quote(&meta.value)
                ),
                at,
            ),
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
