//! OpenDocument text (ODF 1.2/1.3): `table:table` / `table:table-row` /
//! `table:table-cell` in `content.xml`.

use std::collections::BTreeMap;

use roxmltree::Node;

use super::model::{
    Cell, Collector, MAX_INFLATED_BYTES, OfficeDocument, OfficeError, OfficeKind, Paragraphs, Row,
    cell_pointer, checkbox,
};
use super::xml::{attribute, child, is};
use super::zip::Archive;
use crate::Pointer;

const OFFICE: &[&str] = &["urn:oasis:names:tc:opendocument:xmlns:office:1.0"];
const TEXT: &[&str] = &["urn:oasis:names:tc:opendocument:xmlns:text:1.0"];
const TABLE: &[&str] = &["urn:oasis:names:tc:opendocument:xmlns:table:1.0"];
const DRAW: &str = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0";
/// LibreOffice's extensions (content controls, checkboxes among them).
const LOEXT: &[&str] = &["urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"];
/// Form fields written for Word interoperability (legacy checkboxes).
const FIELD: &[&str] = &["urn:openoffice:names:experimental:ooo-ms-interop:xmlns:field:1.0"];

const CONTENT: &str = "content.xml";

pub(super) fn read(archive: &mut Archive<'_>) -> Result<OfficeDocument, OfficeError> {
    if !archive.contains(CONTENT) {
        return Err(OfficeError::MissingPart {
            part: CONTENT.to_owned(),
            kind: "ODT",
        });
    }
    let bytes = archive.read(CONTENT, MAX_INFLATED_BYTES)?;
    let document = super::xml::parse(CONTENT, &bytes)?;
    let root = document.root_element();
    if !is(root, OFFICE, "document-content") {
        return Err(OfficeError::WrongDocument {
            part: CONTENT.to_owned(),
            expected: "OpenDocument content part",
            found: format!("its root element is `{}`", root.tag_name().name()),
        });
    }
    let mut reader = Reader {
        out: Collector::new(CONTENT),
        parents: automatic_styles(root),
    };
    if let Some(body) = child(root, OFFICE, "body") {
        match child(body, OFFICE, "text") {
            Some(text) => reader.blocks(text, &mut Paragraphs::for_body(), None)?,
            None => {
                if let Some(other) = body.children().find(Node::is_element) {
                    return Err(OfficeError::WrongDocument {
                        part: CONTENT.to_owned(),
                        expected: "OpenDocument text",
                        found: format!("its body is `office:{}`", other.tag_name().name()),
                    });
                }
            }
        }
    }
    Ok(reader.out.finish(OfficeKind::Odt))
}

struct Reader {
    out: Collector,
    /// Automatic paragraph styles (`P12`) and the styles they derive from.
    parents: BTreeMap<String, String>,
}

/// Cells merged down from an earlier row: by starting column, the rows
/// still covered and the columns spanned.
type Spans = BTreeMap<usize, (usize, usize)>;

impl Reader {
    /// Block-level content: paragraphs, headings, tables, lists, sections.
    fn blocks(
        &mut self,
        parent: Node<'_, '_>,
        paragraphs: &mut Paragraphs,
        within: Option<&Pointer>,
    ) -> Result<(), OfficeError> {
        for node in parent.children().filter(Node::is_element) {
            let name = node.tag_name().name();
            if is(node, TEXT, "p") || is(node, TEXT, "h") {
                let mut text = Text::default();
                self.inline(node, &mut text)?;
                let heading = is(node, TEXT, "h") || self.heading_style(node);
                self.out.paragraph(&text.out, heading, within.is_none());
                paragraphs.push(text.out);
            } else if is(node, TABLE, "table") {
                self.table(node, paragraphs.last_non_empty.clone(), within.cloned())?;
            } else if is(node, TEXT, name) {
                // Lists, list items, sections, indexes; but not the record
                // of tracked changes (deleted text lives there) nor the
                // declarations.
                if name != "tracked-changes" && !name.ends_with("-decls") {
                    self.blocks(node, paragraphs, within)?;
                }
            }
        }
        Ok(())
    }

    /// Whether a paragraph's style, or the style its automatic style
    /// derives from, is a heading style (`Heading_20_1` is "Heading 1").
    fn heading_style(&self, paragraph: Node<'_, '_>) -> bool {
        let Some(style) = attribute(paragraph, TEXT, "style-name") else {
            return false;
        };
        let parent = self.parents.get(style).map_or("", String::as_str);
        style.starts_with("Heading") || parent.starts_with("Heading")
    }

    /// The text of a paragraph's content.
    fn inline(&mut self, parent: Node<'_, '_>, text: &mut Text) -> Result<(), OfficeError> {
        for node in parent.children() {
            if node.is_text() {
                let value = node.text().unwrap_or("");
                self.out.charge_text(value.len())?;
                text.characters(value);
                continue;
            }
            if !node.is_element() {
                continue;
            }
            let name = node.tag_name().name();
            if is(node, TEXT, name) {
                match name {
                    "s" => {
                        let count = attribute(node, TEXT, "c")
                            .and_then(|c| c.trim().parse::<usize>().ok())
                            .unwrap_or(1);
                        self.out.charge_text(count)?;
                        text.literal(&" ".repeat(count));
                    }
                    "tab" => {
                        self.out.charge_text(1)?;
                        text.literal("\t");
                    }
                    "line-break" => {
                        self.out.charge_text(1)?;
                        text.literal("\n");
                    }
                    // Footnotes and endnotes, tracked-change markers, and
                    // paragraphs that only occur inside them.
                    "note" | "change" | "change-start" | "change-end" | "tracked-changes" | "p"
                    | "h" => {}
                    _ => self.inline(node, text)?,
                }
            } else if is(node, OFFICE, "annotation") || is(node, OFFICE, "annotation-end") {
                // Comments are not cell text.
            } else if is(node, LOEXT, "content-control")
                && attribute(node, LOEXT, "checkbox") == Some("true")
            {
                let checked = attribute(node, LOEXT, "checked") == Some("true");
                self.out.charge_text(4)?;
                text.checkbox(checked);
            } else if is(node, FIELD, "fieldmark")
                && attribute(node, FIELD, "type").is_some_and(|kind| kind.ends_with("FORMCHECKBOX"))
            {
                let checked = node.children().any(|param| {
                    is(param, FIELD, "param")
                        && attribute(param, FIELD, "name") == Some("Checkbox_Checked")
                        && attribute(param, FIELD, "value") == Some("true")
                });
                self.out.charge_text(4)?;
                text.checkbox(checked);
            } else if node.tag_name().namespace() != Some(DRAW) {
                // Drawings and their text boxes are not cell text; anything
                // else (LibreOffice's spans of its own) is read through.
                self.inline(node, text)?;
            }
        }
        Ok(())
    }

    /// A table: its rows (header rows marked) and their cells.
    fn table(
        &mut self,
        table: Node<'_, '_>,
        preceding_text: Option<String>,
        within: Option<Pointer>,
    ) -> Result<(), OfficeError> {
        let index = self.out.start_table(preceding_text, within)?;
        let mut spans = Spans::new();
        self.rows(table, index, false, &mut spans)
    }

    /// The rows directly in `parent`, or in its row groups.
    fn rows(
        &mut self,
        parent: Node<'_, '_>,
        table: usize,
        header: bool,
        spans: &mut Spans,
    ) -> Result<(), OfficeError> {
        for node in parent.children().filter(Node::is_element) {
            if is(node, TABLE, "table-row") {
                self.row(node, table, header, spans)?;
            } else if is(node, TABLE, "table-header-rows") {
                self.rows(node, table, true, spans)?;
            } else if is(node, TABLE, "table-rows") || is(node, TABLE, "table-row-group") {
                self.rows(node, table, header, spans)?;
            }
        }
        Ok(())
    }

    /// One row, repeated as `table:number-rows-repeated` says.
    fn row(
        &mut self,
        row: Node<'_, '_>,
        table: usize,
        header: bool,
        spans: &mut Spans,
    ) -> Result<(), OfficeError> {
        let repeat = repeated(row, "number-rows-repeated");
        let row_index = self.out.next_row(table);
        let mut cells: Vec<Cell> = Vec::new();
        let mut column = 0usize;
        let mut covered_left = 0usize;
        let mut new_spans = Vec::new();
        for node in row.children().filter(Node::is_element) {
            let times = repeated(node, "number-columns-repeated");
            if is(node, TABLE, "table-cell") {
                let span = count(node, "number-columns-spanned");
                let rows = count(node, "number-rows-spanned");
                let mut paragraphs = Paragraphs::for_cell();
                let first = cell_pointer(table, row_index, cells.len());
                self.out.charge_cells(1)?;
                self.blocks(node, &mut paragraphs, Some(&first))?;
                let text = paragraphs.into_text();
                for time in 0..times {
                    if time > 0 {
                        self.out.charge_cells(1)?;
                        self.out.charge_text(text.len())?;
                    }
                    if rows > 1 {
                        new_spans.push((column, (rows - 1, span)));
                    }
                    cells.push(Cell {
                        text: text.clone(),
                        pointer: cell_pointer(table, row_index, cells.len()),
                        column,
                        column_span: span,
                        continues_above: false,
                    });
                    covered_left = span - 1;
                    column = column.saturating_add(1);
                }
            } else if is(node, TABLE, "covered-table-cell") {
                let mut left = times;
                loop {
                    // Covered by the cell to their left: part of that cell.
                    let part_of_left = left.min(covered_left);
                    covered_left -= part_of_left;
                    column = column.saturating_add(part_of_left);
                    left -= part_of_left;
                    if left == 0 {
                        break;
                    }
                    // Covered from above: the continuation of that cell.
                    let span = spans.get(&column).map_or(1, |&(_, span)| span);
                    self.out.charge_cells(1)?;
                    cells.push(Cell {
                        text: String::new(),
                        pointer: cell_pointer(table, row_index, cells.len()),
                        column,
                        column_span: span,
                        continues_above: true,
                    });
                    covered_left = span - 1;
                    column = column.saturating_add(1);
                    left -= 1;
                }
            }
        }
        spans.retain(|_, (left, _)| {
            *left = left.saturating_sub(repeat);
            *left > 0
        });
        spans.extend(new_spans);
        if repeat == 1 {
            return self.out.push_row(table, Row { header, cells });
        }
        self.out.push_row(
            table,
            Row {
                header,
                cells: cells.clone(),
            },
        )?;
        for time in 1..repeat {
            self.out.charge_cells(cells.len())?;
            let again = row_index.saturating_add(time);
            let mut copy = cells.clone();
            for (index, cell) in copy.iter_mut().enumerate() {
                self.out.charge_text(cell.text.len())?;
                cell.pointer = cell_pointer(table, again, index);
            }
            self.out.push_row(
                table,
                Row {
                    header,
                    cells: copy,
                },
            )?;
        }
        Ok(())
    }
}

/// The parent style of each automatic paragraph style in `content.xml`.
fn automatic_styles(root: Node<'_, '_>) -> BTreeMap<String, String> {
    const STYLE: &[&str] = &["urn:oasis:names:tc:opendocument:xmlns:style:1.0"];
    let Some(styles) = child(root, OFFICE, "automatic-styles") else {
        return BTreeMap::new();
    };
    styles
        .children()
        .filter(|node| is(*node, STYLE, "style"))
        .filter_map(|node| {
            Some((
                attribute(node, STYLE, "name")?.to_owned(),
                attribute(node, STYLE, "parent-style-name")?.to_owned(),
            ))
        })
        .collect()
}

/// `table:number-…-repeated`: at least 1.
fn repeated(node: Node<'_, '_>, name: &str) -> usize {
    count(node, name)
}

/// A `table:` count attribute: at least 1, at most 1,000,000 (the cell
/// budget stops a document long before that).
fn count(node: Node<'_, '_>, name: &str) -> usize {
    attribute(node, TABLE, name)
        .and_then(|value| value.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, 1_000_000)
}

/// Paragraph text with ODF's white-space rule: a run of spaces, tabs and
/// newlines in the character data is one space, and none at the start;
/// `text:s`, `text:tab` and `text:line-break` are kept as written.
#[derive(Default)]
struct Text {
    out: String,
    after_space: bool,
    after_checkbox: bool,
}

impl Text {
    fn characters(&mut self, value: &str) {
        if std::mem::take(&mut self.after_checkbox)
            && value.starts_with(|c: char| !c.is_whitespace())
        {
            self.out.push(' ');
        }
        for c in value.chars() {
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                if !self.out.is_empty() && !self.after_space {
                    self.out.push(' ');
                    self.after_space = true;
                }
            } else {
                self.out.push(c);
                self.after_space = false;
            }
        }
    }

    fn literal(&mut self, value: &str) {
        self.out.push_str(value);
        self.after_space = false;
        self.after_checkbox = false;
    }

    /// A checkbox as `☒`/`☐`, apart from the text before and after it.
    fn checkbox(&mut self, checked: bool) {
        if self.out.ends_with(|c: char| !c.is_whitespace()) {
            self.out.push(' ');
        }
        self.literal(checkbox(checked).encode_utf8(&mut [0; 4]));
        self.after_checkbox = true;
    }
}
