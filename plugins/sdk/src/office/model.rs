//! What reading an office document gives — its tables, rows and cells with
//! a JSON Pointer for each — the limits it is read under, its errors, and
//! the collector the DOCX and ODT readers share.

use crate::{Location, Pointer};

/// The most bytes inflated from one document, all parts together.
pub const MAX_INFLATED_BYTES: u64 = 32 * 1024 * 1024;

/// The most entries a document's zip archive may hold.
pub const MAX_ENTRIES: usize = 10_000;

/// The most XML nodes (elements, text, attributes' owners) in one part.
pub const MAX_XML_NODES: u32 = 2_000_000;

/// The deepest nesting of XML elements read.
pub const MAX_DEPTH: usize = 256;

/// The most cells in one document (a row or a table counts as a cell). At
/// this many a plugin reads a document in about a second.
pub const MAX_CELLS: usize = 100_000;

/// The most bytes of text in all the cells of one document.
pub const MAX_TEXT_BYTES: usize = 32 * 1024 * 1024;

/// The media type of a Word document (Office Open XML, `.docx`).
pub const DOCX_MEDIA_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
/// The media type of an OpenDocument text (`.odt`).
pub const ODT_MEDIA_TYPE: &str = "application/vnd.oasis.opendocument.text";

/// Which kind of office document was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OfficeKind {
    /// A Word document, Office Open XML (`word/document.xml` in a zip).
    Docx,
    /// An OpenDocument text (`content.xml` in a zip).
    Odt,
}

impl OfficeKind {
    /// The media type a manifest declares for this kind of document.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Docx => DOCX_MEDIA_TYPE,
            Self::Odt => ODT_MEDIA_TYPE,
        }
    }
}

/// The tables of an office document, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeDocument {
    /// DOCX or ODT.
    pub kind: OfficeKind,
    /// The XML part the tables were read from: `word/document.xml` (or the
    /// part `_rels/.rels` names), `content.xml`.
    pub part: String,
    /// Every table, in the order each begins in the document; a table inside
    /// a cell comes after the table holding it.
    pub tables: Vec<Table>,
}

impl OfficeDocument {
    /// Every row of every table, in document order.
    pub fn rows(&self) -> impl Iterator<Item = &Row> {
        self.tables.iter().flat_map(|table| table.rows.iter())
    }

    /// The first row, in any table, whose first cell's text is `text`.
    pub fn row_starting_with(&self, text: &str) -> Option<&Row> {
        self.rows().find(|row| row.text(0) == text)
    }
}

/// One table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The last heading before the table in the body of the document (for a
    /// table inside a cell, the one before the table holding it): a Word
    /// paragraph styled `Heading…` or with an outline level, an ODF
    /// `text:h` or a paragraph whose style is a `Heading…` style.
    pub heading: Option<String>,
    /// The text of the last non-empty paragraph before the table at the same
    /// level (the body, or the cell holding it): usually its heading.
    pub preceding_text: Option<String>,
    /// For a table inside a cell, that cell.
    pub within: Option<Pointer>,
    /// The rows, header rows included.
    pub rows: Vec<Row>,
}

/// One row of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// A header row (repeated on each page): `w:tblHeader`, or a row in
    /// `table:table-header-rows`.
    pub header: bool,
    /// The cells, as the writer wrote them.
    pub cells: Vec<Cell>,
}

impl Row {
    /// The cell at a 0-based index.
    pub fn cell(&self, index: usize) -> Option<&Cell> {
        self.cells.get(index)
    }

    /// The text of the cell at a 0-based index; empty when there is none.
    pub fn text(&self, index: usize) -> &str {
        self.cell(index).map_or("", |cell| cell.text.as_str())
    }
}

/// One cell of a row.
///
/// A cell merged across columns is one cell whose [`Cell::column_span`] is
/// more than 1; the columns it covers have no cells of their own, so the
/// cells after it keep the indices they have in the Word document. A cell
/// merged down from the row above is a cell of its own, empty, with
/// [`Cell::continues_above`] set (Word writes one; ODF's covered cell becomes
/// one), so both formats give the same cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The text: paragraphs joined with `\n`, trimmed.
    pub text: String,
    /// Where the cell is: `/tables/{t}/rows/{r}/cells/{c}`.
    pub pointer: Pointer,
    /// The 0-based grid column the cell starts in.
    pub column: usize,
    /// How many grid columns the cell spans (at least 1).
    pub column_span: usize,
    /// The cell continues a cell merged down from the row above.
    pub continues_above: bool,
}

impl Cell {
    /// The cell's location for a fact, a note or an error.
    pub fn location(&self) -> Location {
        Location::from(&self.pointer)
    }
}

/// "table 5, row 3, cell 3" for `/tables/4/rows/2/cells/2`: a cell pointer
/// as a person counts. Any other pointer is returned unchanged.
pub fn describe_pointer(pointer: &str) -> String {
    let parts: Vec<&str> = pointer.split('/').collect();
    let number = |text: &str| text.parse::<usize>().ok().map(|n| n.saturating_add(1));
    match parts.as_slice() {
        ["", "tables", t, "rows", r, "cells", c] => match (number(t), number(r), number(c)) {
            (Some(t), Some(r), Some(c)) => format!("table {t}, row {r}, cell {c}"),
            _ => pointer.to_owned(),
        },
        ["", "tables", t, "rows", r] => match (number(t), number(r)) {
            (Some(t), Some(r)) => format!("table {t}, row {r}"),
            _ => pointer.to_owned(),
        },
        ["", "tables", t] => match number(t) {
            Some(t) => format!("table {t}"),
            None => pointer.to_owned(),
        },
        _ => pointer.to_owned(),
    }
}

/// Why an office document could not be read. Each message names the part
/// of the document (the zip entry) where it went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OfficeError {
    /// Not a zip archive, or a zip that is neither a DOCX nor an ODT.
    #[error("not an office document: {reason}")]
    NotOffice {
        /// What was found instead.
        reason: String,
    },
    /// An office document, but not a text document (a spreadsheet, ...).
    #[error("`{part}` is not a {expected}: {found}")]
    WrongDocument {
        /// The part that says what the document is.
        part: String,
        /// What was expected.
        expected: &'static str,
        /// What was found.
        found: String,
    },
    /// The zip structure is damaged or truncated.
    #[error("the zip archive is damaged at {}: {reason}", place(.part.as_deref(), "its central directory"))]
    Damaged {
        /// The entry, or none for the archive's directory.
        part: Option<String>,
        /// What is wrong.
        reason: String,
    },
    /// A zip feature the reader refuses (split archives, other compression).
    #[error("{} cannot be read: {reason}", place(.part.as_deref(), "the archive"))]
    Unsupported {
        /// The entry, or none for the whole archive.
        part: Option<String>,
        /// What it uses.
        reason: String,
    },
    /// An encrypted entry.
    #[error("`{part}` is encrypted: a password-protected document cannot be read as evidence")]
    Encrypted {
        /// The entry.
        part: String,
    },
    /// An entry whose path leaves the package (`..`, an absolute path).
    #[error("the archive has an entry named `{part}`, a path that leaves the package")]
    UnsafeName {
        /// The entry's name.
        part: String,
    },
    /// Two entries of the same name: which one is the document is ambiguous.
    #[error("the archive has two entries named `{part}`: which one is the document is ambiguous")]
    DuplicatePart {
        /// The name.
        part: String,
    },
    /// A part the document needs is missing.
    #[error("`{part}` is missing from the {kind} archive")]
    MissingPart {
        /// The part.
        part: String,
        /// "DOCX" or "ODT".
        kind: &'static str,
    },
    /// An entry larger than the reader reads, or inflating past its size.
    #[error("`{part}` is too large: {reason}")]
    TooLarge {
        /// The entry.
        part: String,
        /// Its size and the limit.
        reason: String,
    },
    /// More of something than the reader reads.
    #[error("{} has more than {limit} {what}", place(.part.as_deref(), "the archive"))]
    TooMany {
        /// The entry, or none for the whole archive.
        part: Option<String>,
        /// What was counted.
        what: &'static str,
        /// The limit.
        limit: u64,
    },
    /// XML that is not well-formed (or not UTF-8).
    #[error("`{part}` is not well-formed XML: {message}")]
    Xml {
        /// The entry.
        part: String,
        /// The parser's message, with the line and column.
        message: String,
    },
    /// XML with a document type declaration.
    #[error(
        "`{part}` has a DOCTYPE declaration: office documents never need one, and its entities are refused"
    )]
    Doctype {
        /// The entry.
        part: String,
    },
    /// XML nested deeper than [`MAX_DEPTH`].
    #[error("`{part}` nests XML elements more than {limit} deep")]
    TooDeep {
        /// The entry.
        part: String,
        /// The limit.
        limit: usize,
    },
}

impl OfficeError {
    /// The zip entry (part) the error is about, when it is about one.
    pub fn part(&self) -> Option<&str> {
        match self {
            Self::NotOffice { .. } => None,
            Self::Damaged { part, .. }
            | Self::Unsupported { part, .. }
            | Self::TooMany { part, .. } => part.as_deref(),
            Self::WrongDocument { part, .. }
            | Self::Encrypted { part }
            | Self::UnsafeName { part }
            | Self::DuplicatePart { part }
            | Self::MissingPart { part, .. }
            | Self::TooLarge { part, .. }
            | Self::Xml { part, .. }
            | Self::Doctype { part }
            | Self::TooDeep { part, .. } => Some(part),
        }
    }
}

/// A part name in backticks, or what stands for the whole archive.
pub(super) fn place(part: Option<&str>, whole: &str) -> String {
    match part {
        Some(part) => format!("`{part}`"),
        None => whole.to_owned(),
    }
}

/// At most `max` characters of `text`, for messages.
pub(super) fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", text.get(..end).unwrap_or(text)),
        None => text.to_owned(),
    }
}

/// The tables read so far, and what is left of the document's budgets.
pub(super) struct Collector {
    pub(super) part: String,
    pub(super) tables: Vec<Table>,
    pub(super) cells: usize,
    pub(super) text_bytes: usize,
    pub(super) heading: Option<String>,
}

impl Collector {
    pub(super) fn new(part: &str) -> Self {
        Self {
            part: part.to_owned(),
            tables: Vec::new(),
            cells: 0,
            text_bytes: 0,
            heading: None,
        }
    }

    /// Counts `count` more cells (or rows, or tables) against [`MAX_CELLS`].
    pub(super) fn charge_cells(&mut self, count: usize) -> Result<(), OfficeError> {
        self.cells = self.cells.saturating_add(count);
        if self.cells > MAX_CELLS {
            return Err(OfficeError::TooMany {
                part: Some(self.part.clone()),
                what: "table cells",
                limit: MAX_CELLS as u64,
            });
        }
        Ok(())
    }

    /// Counts `count` more bytes of text against [`MAX_TEXT_BYTES`].
    pub(super) fn charge_text(&mut self, count: usize) -> Result<(), OfficeError> {
        self.text_bytes = self.text_bytes.saturating_add(count);
        if self.text_bytes > MAX_TEXT_BYTES {
            return Err(OfficeError::TooMany {
                part: Some(self.part.clone()),
                what: "bytes of table text",
                limit: MAX_TEXT_BYTES as u64,
            });
        }
        Ok(())
    }

    /// Starts a table and returns its index.
    pub(super) fn start_table(
        &mut self,
        preceding_text: Option<String>,
        within: Option<Pointer>,
    ) -> Result<usize, OfficeError> {
        self.charge_cells(1)?;
        self.tables.push(Table {
            heading: self.heading.clone(),
            preceding_text,
            within,
            rows: Vec::new(),
        });
        Ok(self.tables.len().saturating_sub(1))
    }

    /// Notes a paragraph: a non-empty heading in the body becomes the
    /// heading of the tables after it.
    pub(super) fn paragraph(&mut self, text: &str, heading: bool, in_body: bool) {
        let text = text.trim();
        if heading && in_body && !text.is_empty() {
            self.heading = Some(text.to_owned());
        }
    }

    /// The index the next row of table `table` gets.
    pub(super) fn next_row(&self, table: usize) -> usize {
        self.tables.get(table).map_or(0, |t| t.rows.len())
    }

    /// Adds a row to table `table`.
    pub(super) fn push_row(&mut self, table: usize, row: Row) -> Result<(), OfficeError> {
        self.charge_cells(1)?;
        if let Some(t) = self.tables.get_mut(table) {
            t.rows.push(row);
        }
        Ok(())
    }

    pub(super) fn finish(self, kind: OfficeKind) -> OfficeDocument {
        OfficeDocument {
            kind,
            part: self.part,
            tables: self.tables,
        }
    }
}

/// The pointer of a cell in the table view.
pub(super) fn cell_pointer(table: usize, row: usize, cell: usize) -> Pointer {
    Pointer::root()
        .key("tables")
        .index(table)
        .key("rows")
        .index(row)
        .key("cells")
        .index(cell)
}

/// The paragraphs of a block container (the body, or a cell) as they are
/// read: a cell keeps them all, the body only the last non-empty one.
pub(super) struct Paragraphs {
    pub(super) keep_all: bool,
    pub(super) all: Vec<String>,
    pub(super) last_non_empty: Option<String>,
}

impl Paragraphs {
    pub(super) fn for_body() -> Self {
        Self {
            keep_all: false,
            all: Vec::new(),
            last_non_empty: None,
        }
    }

    pub(super) fn for_cell() -> Self {
        Self {
            keep_all: true,
            ..Self::for_body()
        }
    }

    pub(super) fn push(&mut self, paragraph: String) {
        let trimmed = paragraph.trim();
        if !trimmed.is_empty() {
            self.last_non_empty = Some(trimmed.to_owned());
        }
        if self.keep_all {
            self.all.push(paragraph);
        }
    }

    /// The cell text: paragraphs joined with `\n`, trimmed.
    pub(super) fn into_text(self) -> String {
        self.all.join("\n").trim().to_owned()
    }
}

/// The glyph for a checkbox in cell text.
pub(super) fn checkbox(checked: bool) -> char {
    if checked { '☒' } else { '☐' }
}
