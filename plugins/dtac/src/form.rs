//! Reading a completed DTAC form in the file the supplier sends: the form as
//! NHS England publishes it (v1.0 as an ODT document; suppliers return it as
//! ODT or DOCX), filled in.
//!
//! The form is a series of tables whose rows begin with a question code:
//! `Code | Question | Options | Supporting information | Scoring criteria`
//! in sections C and D, `Code | Question | Options` in section A. Suppliers
//! write their answer in the row's last cell (section A: in place of the
//! options). So each row whose first cell is a question code gives one
//! answer: the code, the text of the row's last cell, and that cell's
//! location (`/tables/2/rows/6/cells/4`, "table 3, row 7, cell 5"). A column
//! headed "Answer" or "Response" is read instead, where a form has one.
//!
//! The answers then go through the same reading as the JSON answers
//! ([`crate::interpret::interpret`]): the same options, skip routes and
//! facts. What the form is about comes from section A: A1 the company
//! (`dtac.supplier_name`), A2 the product (`dtac.product_name`) and, in
//! v2.0, A3 the version (`dtac.product_version`).

use std::collections::BTreeMap;

use assure_plugin_sdk::office::{self, OfficeDocument, Row, Table};
use assure_plugin_sdk::{Document, ExtractError, Extraction, FactSink, Facts, Location, error};

use crate::forms::AnswerValue;
use crate::interpret::{RawAnswer, interpret, list};
use crate::mapping::Version;
use assure_plugin_sdk::text::quote;

/// The largest form read, in bytes. A completed form with a few
/// screenshots is a megabyte or two.
pub const MAX_FORM_BYTES: usize = 16 * 1024 * 1024;

/// Column headings that name the supplier's answer column.
const ANSWER_HEADINGS: &[&str] = &[
    "answer",
    "answers",
    "response",
    "responses",
    "your response",
    "supplier response",
    "supplier answer",
];

/// One answer as the form gives it.
struct FormAnswer {
    id: String,
    text: String,
    location: Location,
}

/// Whether `bytes` is a zip archive (a DOCX or an ODT).
pub fn is_office(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Reads a completed DTAC form (DOCX or ODT).
///
/// # Errors
///
/// When the file is too large or not a readable office document; when no
/// table row begins with a DTAC question code; when a question is answered
/// twice; when the version cannot be told; when section A does not name the
/// product.
pub fn extract(doc: &Document) -> Result<Extraction, ExtractError> {
    if doc.bytes.len() > MAX_FORM_BYTES {
        return Err(error(
            format!(
                "the form is {} bytes: a completed DTAC form is at most {MAX_FORM_BYTES} bytes",
                doc.bytes.len()
            ),
            Location::Whole,
        ));
    }
    let form = office::read_tables(&doc.bytes)
        .map_err(|e| error(format!("cannot read the DTAC form: {e}"), Location::Whole))?;
    let mut out = Facts::new();
    let answers = answers(&form, &mut out)?;
    if answers.is_empty() {
        return Err(error(
            format!(
                "no table row of this {} document begins with a DTAC question code (A1, C1.2.2, …): it is not a completed DTAC form",
                kind_name(&form)
            ),
            Location::Whole,
        ));
    }
    let version = version(&answers, &mut out)?;
    subject(version, &answers, &mut out)?;
    let raw: Vec<RawAnswer> = answers
        .into_values()
        .map(|a| RawAnswer {
            id: a.id,
            answer: AnswerValue::Text(a.text),
            location: a.location,
            members: Vec::new(),
        })
        .collect();
    interpret(version, &raw, &Location::Whole, &mut out)?;
    Ok(out.finish())
}

fn kind_name(form: &OfficeDocument) -> &'static str {
    match form.kind {
        office::OfficeKind::Docx => "DOCX",
        office::OfficeKind::Odt => "ODT",
    }
}

/// Characters that print as nothing: a code written with one ("C3\u{200b}.6")
/// is the code without it.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
    )
}

/// A question code as the form writes it ("C3.2 ", "C1.1.", "c3.2",
/// "C3.6*"): `Ok(Some(code))`; `Ok(None)` for a first cell that is not a
/// code ("Code", "E1"); an error for one that only looks like a DTAC code,
/// its section letter written with a character from another script (a
/// Cyrillic "С"), so that no row can hide from the reader.
fn question_code(cell: &str) -> Result<Option<String>, String> {
    let cleaned: String = cell.chars().filter(|c| !invisible(*c)).collect();
    let code = cleaned
        .trim()
        .trim_end_matches(|c: char| c == '.' || c == '*' || c == ':' || c.is_whitespace());
    let mut chars = code.chars();
    let Some(section) = chars.next() else {
        return Ok(None);
    };
    let rest: &str = chars.as_str();
    let well_formed = !rest.is_empty()
        && rest.split('.').all(|part| {
            !part.is_empty() && part.len() <= 3 && part.bytes().all(|b| b.is_ascii_digit())
        });
    if !well_formed {
        return Ok(None);
    }
    match section.to_ascii_uppercase() {
        upper @ 'A'..='D' => Ok(Some(format!("{upper}{rest}"))),
        other if other.is_ascii() => Ok(None),
        other => Err(format!(
            "`{code}` looks like a DTAC question code, but its first character is U+{:04X}, not a Latin letter",
            u32::from(other)
        )),
    }
}

/// The answer a ticked box gives: a cell with boxes ("☐ Yes ☒ No") answers
/// with the text after its one ticked box. `Ok(None)` for a cell without
/// boxes; an error (why it is unanswered) when no box or more than one is
/// ticked.
fn ticked(text: &str) -> Result<Option<String>, String> {
    const TICKED: &[char] = &['☒', '☑', '■'];
    const BOXES: &[char] = &['☒', '☑', '■', '☐', '□'];
    if !text.contains(BOXES) {
        return Ok(None);
    }
    let mut answers = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(BOXES) {
        let mark = rest.get(at..).and_then(|r| r.chars().next()).unwrap_or(' ');
        let after = rest.get(at + mark.len_utf8()..).unwrap_or_default();
        let end = after.find(BOXES).unwrap_or(after.len());
        if TICKED.contains(&mark) {
            answers.push(after.get(..end).unwrap_or_default().trim().to_owned());
        }
        rest = after;
    }
    match answers.as_slice() {
        [one] => Ok(Some(one.clone())),
        [] => Err("no box is ticked".to_owned()),
        many => Err(format!("{} boxes are ticked", many.len())),
    }
}

/// The column of a table that holds the answers, when its header row
/// names one.
fn answer_column(table: &Table) -> Option<usize> {
    let header = table.rows.first()?;
    header.cells.iter().find_map(|cell| {
        let heading = cell.text.trim().trim_end_matches(':').to_lowercase();
        ANSWER_HEADINGS
            .contains(&heading.as_str())
            .then_some(cell.column)
    })
}

/// The answer cell of a question row.
fn answer_cell(row: &Row, column: Option<usize>) -> Option<&office::Cell> {
    match column {
        Some(column) => row.cells.iter().find(|c| c.column == column),
        None => row.cells.last().filter(|_| row.cells.len() >= 3),
    }
}

/// Text a blank form has where the answer goes: the options as printed
/// ("Yes | No", "Free text") or the scoring criteria ("Pass: …").
fn blank_form_text(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    lower == "free text"
        || lower.contains(" | ")
        || lower.starts_with("pass:")
        || lower.starts_with("pass -")
}

/// Every question row's answer, by code; a code twice is an error.
fn answers(
    form: &OfficeDocument,
    out: &mut Facts,
) -> Result<BTreeMap<String, FormAnswer>, ExtractError> {
    let mut answers: BTreeMap<String, FormAnswer> = BTreeMap::new();
    for table in &form.tables {
        let column = answer_column(table);
        // Header rows too: a row marked as a header is still read.
        for row in &table.rows {
            let id = match question_code(row.text(0)) {
                Ok(Some(id)) => id,
                Ok(None) => continue,
                Err(why) => {
                    return Err(error(
                        format!("{why}: write the code in Latin letters"),
                        row.cell(0).map_or(Location::Whole, office::Cell::location),
                    ));
                }
            };
            let Some(cell) = answer_cell(row, column) else {
                continue;
            };
            let location = cell.location();
            // Paragraphs, one a line, without the empty ones a writer leaves
            // between them.
            let mut text = if cell.continues_above {
                String::new()
            } else {
                cell.text
                    .lines()
                    .map(str::trim)
                    .filter(|line| !line.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            match ticked(&text) {
                Ok(None) => {}
                Ok(Some(answer)) => text = answer,
                Err(why) => {
                    out.note(format!("{id}: {why}: read as unanswered"), location.clone());
                    text.clear();
                }
            }
            if blank_form_text(&text) {
                out.note(
                    format!(
                        "{id}: \"{}\" is the blank form's own text, not an answer: read as unanswered",
                        quote(&text)
                    ),
                    location.clone(),
                );
                text.clear();
            }
            if let Some(first) = answers.get(&id) {
                return Err(error(
                    format!(
                        "question {id} is answered twice in the form (at {} and {}): a form answers each question once",
                        describe(&first.location),
                        describe(&location)
                    ),
                    location,
                ));
            }
            answers.insert(id.clone(), FormAnswer { id, text, location });
        }
    }
    Ok(answers)
}

fn describe(location: &Location) -> String {
    match location {
        Location::Pointer(p) => office::describe_pointer(p),
        Location::Line(n) => format!("line {n}"),
        Location::Whole => "the whole form".to_owned(),
    }
}

/// The form's version, told from the questions only one version asks.
/// Emits `dtac.version`.
fn version(
    answers: &BTreeMap<String, FormAnswer>,
    out: &mut Facts,
) -> Result<Version, ExtractError> {
    let ids = || answers.keys().map(String::as_str);
    let (v1, v2) = (Version::V1.only_asked(ids()), Version::V2.only_asked(ids()));
    let (version, ids) = match (v1.is_empty(), v2.is_empty()) {
        (false, true) => (Version::V1, v1),
        (true, false) => (Version::V2, v2),
        (false, false) => {
            return Err(error(
                format!(
                    "the form has rows for DTAC v1.0 questions ({}) and v2.0 questions ({}), which number the same topics differently: send one version of the form",
                    list(&v1),
                    list(&v2)
                ),
                Location::Whole,
            ));
        }
        (true, true) => {
            return Err(error(
                "cannot tell the DTAC version of the form: no row is for a question only one version asks (such as C1.3 in v1.0 or C2.2.5 in v2.0); is this a completed DTAC form?",
                Location::Whole,
            ));
        }
    };
    let at = ids
        .first()
        .and_then(|id| answers.get(*id))
        .map_or(Location::Whole, |a| a.location.clone());
    out.text("dtac.version", version.as_str(), at.clone());
    out.note(
        format!(
            "read as a DTAC v{0} form, since only v{0} asks {1}",
            version.as_str(),
            list(&ids)
        ),
        at,
    );
    Ok(version)
}

/// Section A: who supplies what. The product (A2) is required.
fn subject(
    version: Version,
    answers: &BTreeMap<String, FormAnswer>,
    out: &mut Facts,
) -> Result<(), ExtractError> {
    let given = |id: &str| {
        answers.get(id).filter(|a| !a.text.is_empty()).map(|a| {
            (
                a.text.lines().next().unwrap_or_default().trim().to_owned(),
                a.location.clone(),
            )
        })
    };
    let Some((product, at)) = given("A2") else {
        return Err(error(
            "the form does not name the product: answer A2 (the name of your product)",
            answers
                .get("A2")
                .map_or(Location::Whole, |a| a.location.clone()),
        ));
    };
    out.text("dtac.product_name", product, at);
    if let Some((supplier, at)) = given("A1") {
        out.text("dtac.supplier_name", supplier, at);
    }
    if version == Version::V2
        && let Some((product_version, at)) = given("A3")
    {
        out.text("dtac.product_version", product_version, at);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_codes_as_forms_write_them() {
        let code = |text: &str| question_code(text).ok().flatten();
        assert_eq!(code("C3.2 ").as_deref(), Some("C3.2"));
        assert_eq!(code("C1.1.").as_deref(), Some("C1.1"));
        assert_eq!(code("A10").as_deref(), Some("A10"));
        assert_eq!(code("D1.4.1").as_deref(), Some("D1.4.1"));
        assert_eq!(code("c3.6").as_deref(), Some("C3.6"));
        assert_eq!(code("C3.6*").as_deref(), Some("C3.6"));
        assert_eq!(code("C3\u{200b}.6").as_deref(), Some("C3.6"));
        for not in ["Code", "C", "C1..2", "E1", "C1.a", "", "1.2", "C1.2.3.4x"] {
            assert_eq!(question_code(not), Ok(None), "{not}");
        }
        // A Cyrillic "С" would hide the row from the reader.
        assert!(question_code("\u{0421}3.6").is_err());
    }

    #[test]
    fn a_ticked_box_is_the_answer() {
        assert_eq!(ticked("☐ Yes ☒ No"), Ok(Some("No".to_owned())));
        assert_eq!(
            ticked("☒ Provided ☐ Not provided"),
            Ok(Some("Provided".to_owned()))
        );
        assert_eq!(ticked("Yes"), Ok(None));
        assert!(ticked("☐ Yes ☐ No").is_err());
        assert!(ticked("☒ Yes ☒ No").is_err());
    }

    #[test]
    fn the_blank_form_s_text_is_not_an_answer() {
        assert!(blank_form_text("Yes | No"));
        assert!(blank_form_text("Free text"));
        assert!(blank_form_text(
            "Pass: the manufacturer confirms compliance."
        ));
        assert!(!blank_form_text("Yes"));
        assert!(!blank_form_text("Provided. See the link"));
    }
}
