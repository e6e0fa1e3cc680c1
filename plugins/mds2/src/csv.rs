//! CSV records (RFC 4180), read tolerantly: quoted cells with embedded
//! delimiters, doubled quotes and line breaks; CRLF or LF; `;` or tab as the
//! delimiter when the first line says so (spreadsheets in some locales write
//! them); stray quotes kept as text.

use assure_plugin_sdk::{ExtractError, Location, error};

/// The largest cell read, in bytes.
pub(crate) const MAX_CELL_BYTES: usize = 64 * 1024;

/// One row of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    /// The line the row starts on, 1-based.
    pub line: u32,
    /// The cells, as written (quotes removed, not trimmed).
    pub cells: Vec<String>,
}

impl Record {
    /// The trimmed cell at `index`; empty when the row is shorter.
    pub(crate) fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map_or("", |c| c.trim())
    }

    /// Whether every cell is blank.
    pub(crate) fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// Where the reader is within a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Inside a quoted cell.
    Quoted,
    /// After a quoted cell's closing quote.
    AfterQuote,
    /// In an unquoted cell (or past the tolerated text after a quote).
    Plain,
}

/// Something odd the reader tolerated: the line, and a note for it.
pub(crate) type Tolerated = (u32, String);

/// The rows of `text`, blank ones left out, and notes on what was tolerated.
///
/// # Errors
///
/// When a quoted cell is never closed (a truncated file) or a cell is larger
/// than [`MAX_CELL_BYTES`]; the error names the line the cell starts on.
pub(crate) fn records(text: &str) -> Result<(Vec<Record>, Vec<Tolerated>), ExtractError> {
    let delimiter = delimiter(text);
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let mut line: u32 = 1;
    let mut row = Record {
        line,
        cells: Vec::new(),
    };
    let mut cell = String::new();
    let mut cell_line = line;
    let mut chars = text.chars().peekable();
    loop {
        // At the start of a cell.
        let mut state = if chars.next_if_eq(&'"').is_some() {
            State::Quoted
        } else {
            State::Plain
        };
        let mut ended_row = true;
        loop {
            let Some(c) = chars.next() else {
                if state == State::Quoted {
                    return Err(error(
                        format!(
                            "the quoted cell that starts on line {cell_line} is never closed: the file is truncated or a quote is missing"
                        ),
                        Location::Line(cell_line),
                    ));
                }
                break;
            };
            match state {
                State::Quoted => {
                    if c == '"' {
                        if chars.next_if_eq(&'"').is_some() {
                            cell.push('"');
                        } else {
                            state = State::AfterQuote;
                        }
                        continue;
                    }
                    if c == '\n' {
                        line = line.saturating_add(1);
                    }
                }
                State::Plain | State::AfterQuote => {
                    if c == delimiter {
                        ended_row = false;
                        break;
                    }
                    if c == '\n' || (c == '\r' && chars.peek() == Some(&'\n')) {
                        if c == '\r' {
                            chars.next();
                        }
                        line = line.saturating_add(1);
                        break;
                    }
                    if state == State::AfterQuote && !c.is_whitespace() {
                        notes.push((
                            line,
                            format!("text after the closing quote of a cell on line {line}: kept"),
                        ));
                        state = State::Plain;
                    }
                }
            }
            cell.push(c);
            if cell.len() > MAX_CELL_BYTES {
                return Err(error(
                    format!(
                        "the cell that starts on line {cell_line} is over {MAX_CELL_BYTES} bytes: not an MDS2 export"
                    ),
                    Location::Line(cell_line),
                ));
            }
        }
        row.cells.push(std::mem::take(&mut cell));
        cell_line = line;
        if ended_row {
            let finished = std::mem::replace(
                &mut row,
                Record {
                    line,
                    cells: Vec::new(),
                },
            );
            if !finished.is_blank() {
                rows.push(finished);
            }
            if chars.peek().is_none() {
                break;
            }
        }
    }
    Ok((rows, notes))
}

/// The delimiter: whichever of `,`, `;` and tab the first non-blank line has
/// most of, outside quotes; a comma when in doubt.
fn delimiter(text: &str) -> char {
    let first = text
        .split('\n')
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let mut counts = [(',', 0usize), (';', 0), ('\t', 0)];
    let mut in_quotes = false;
    for c in first.chars() {
        if c == '"' {
            in_quotes = !in_quotes;
        } else if !in_quotes {
            for (d, n) in &mut counts {
                if c == *d {
                    *n += 1;
                }
            }
        }
    }
    // The first of the largest counts, so a comma wins ties.
    counts
        .iter()
        .fold(
            (',', 0),
            |best, &(d, n)| if n > best.1 { (d, n) } else { best },
        )
        .0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<(u32, Vec<String>)> {
        records(text)
            .map(|(r, _)| r.into_iter().map(|r| (r.line, r.cells)).collect())
            .unwrap_or_default()
    }

    fn cells(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn plain_and_quoted_cells() {
        let got = rows(
            "id,answer,note\r\nPAUT-1,\"Yes, LDAP\",\"a \"\"quoted\"\"\nnote\"\r\n\r\n,,\nPAUT-2,No\n",
        );
        assert_eq!(
            got,
            [
                (1, cells(&["id", "answer", "note"])),
                (2, cells(&["PAUT-1", "Yes, LDAP", "a \"quoted\"\nnote"])),
                (6, cells(&["PAUT-2", "No"])),
            ]
        );
    }

    #[test]
    fn semicolons_and_tabs() {
        assert_eq!(
            rows("id;answer\nA;\"x;y\""),
            [(1, cells(&["id", "answer"])), (2, cells(&["A", "x;y"]))]
        );
        assert_eq!(
            rows("id\tanswer\nA\tB"),
            [(1, cells(&["id", "answer"])), (2, cells(&["A", "B"]))]
        );
    }

    #[test]
    fn stray_quotes_are_text() -> Result<(), ExtractError> {
        let (got, notes) = records("A,\"Yes\" (LDAP),ab\"c\n")?;
        assert_eq!(
            got.first().map(|r| r.cells.clone()),
            Some(cells(&["A", "Yes (LDAP)", "ab\"c"]))
        );
        assert_eq!(notes.len(), 1);
        Ok(())
    }

    #[test]
    fn unclosed_quote_names_its_line() {
        let e = records("A,B\nC,\"open\nmore\n").err();
        assert!(matches!(e.map(|e| e.location), Some(Location::Line(2))));
    }

    #[test]
    fn empty_input() {
        assert!(rows("").is_empty());
        assert!(rows("\n\n").is_empty());
    }
}
