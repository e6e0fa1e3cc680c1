//! Word documents (Office Open XML, ECMA-376): `w:tbl` / `w:tr` / `w:tc`.

use roxmltree::Node;

use super::model::{
    Cell, Collector, MAX_INFLATED_BYTES, OfficeDocument, OfficeError, OfficeKind, Paragraphs, Row,
    cell_pointer, checkbox,
};
use super::xml::{attribute, child, is};
use super::zip::Archive;
use crate::Pointer;

/// WordprocessingML, transitional and strict.
const W: &[&str] = &[
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];
/// Word 2010's additions (content-control checkboxes).
const W14: &[&str] = &["http://schemas.microsoft.com/office/word/2010/wordml"];
/// Markup compatibility (`mc:AlternateContent`).
const MC: &[&str] = &["http://schemas.openxmlformats.org/markup-compatibility/2006"];
/// Package relationships.
const RELATIONSHIPS: &[&str] = &["http://schemas.openxmlformats.org/package/2006/relationships"];

/// The main part when the package does not name one.
const DEFAULT_MAIN_PART: &str = "word/document.xml";

pub(super) fn read(archive: &mut Archive<'_>) -> Result<OfficeDocument, OfficeError> {
    let part = main_part(archive)?;
    if !archive.contains(&part) {
        return Err(OfficeError::MissingPart { part, kind: "DOCX" });
    }
    let bytes = archive.read(&part, MAX_INFLATED_BYTES)?;
    let document = super::xml::parse(&part, &bytes)?;
    let root = document.root_element();
    if !is(root, W, "document") {
        return Err(OfficeError::WrongDocument {
            part,
            expected: "Word document",
            found: format!("its root element is `{}`", root.tag_name().name()),
        });
    }
    let mut reader = Reader {
        out: Collector::new(&part),
        after_checkbox: false,
    };
    if let Some(body) = child(root, W, "body") {
        reader.blocks(body, &mut Paragraphs::for_body(), None)?;
    }
    Ok(reader.out.finish(OfficeKind::Docx))
}

/// The part `_rels/.rels` names as the office document.
fn main_part(archive: &mut Archive<'_>) -> Result<String, OfficeError> {
    const RELS: &str = "_rels/.rels";
    if !archive.contains(RELS) {
        return Ok(DEFAULT_MAIN_PART.to_owned());
    }
    let bytes = archive.read(RELS, 1024 * 1024)?;
    let rels = super::xml::parse(RELS, &bytes)?;
    let target = rels
        .root_element()
        .children()
        .filter(|node| is(*node, RELATIONSHIPS, "Relationship"))
        .find(|node| {
            node.attribute("Type")
                .is_some_and(|kind| kind.ends_with("/officeDocument"))
        })
        .and_then(|node| node.attribute("Target"));
    let Some(target) = target else {
        return Err(OfficeError::MissingPart {
            part: "the officeDocument relationship in `_rels/.rels`".to_owned(),
            kind: "DOCX",
        });
    };
    let target = target.trim_start_matches('/');
    if target.is_empty() || target.split('/').any(|segment| segment == "..") {
        return Err(OfficeError::UnsafeName {
            part: super::model::truncate(target, 200),
        });
    }
    Ok(target.to_owned())
}

struct Reader {
    out: Collector,
    /// A checkbox glyph was just written: the text after it gets a space.
    after_checkbox: bool,
}

impl Reader {
    /// Block-level content: paragraphs and tables, through content controls,
    /// custom XML and tracked insertions.
    fn blocks(
        &mut self,
        parent: Node<'_, '_>,
        paragraphs: &mut Paragraphs,
        within: Option<&Pointer>,
    ) -> Result<(), OfficeError> {
        for node in parent.children().filter(Node::is_element) {
            if is(node, W, "p") {
                let mut text = String::new();
                self.after_checkbox = false;
                self.inline(node, &mut text)?;
                self.out
                    .paragraph(&text, is_heading(node), within.is_none());
                paragraphs.push(text);
            } else if is(node, W, "tbl") {
                self.table(node, paragraphs.last_non_empty.clone(), within.cloned())?;
            } else if is(node, W, "sdt") {
                if let Some(checked) = checkbox_state(node) {
                    self.out.charge_text(3)?;
                    paragraphs.push(checkbox(checked).to_string());
                } else if let Some(content) = child(node, W, "sdtContent") {
                    self.blocks(content, paragraphs, within)?;
                }
            } else if ["customXml", "ins", "moveTo", "smartTag"]
                .iter()
                .any(|name| is(node, W, name))
            {
                self.blocks(node, paragraphs, within)?;
            } else if is(node, MC, "AlternateContent")
                && let Some(choice) = child(node, MC, "Choice")
            {
                self.blocks(choice, paragraphs, within)?;
            }
        }
        Ok(())
    }

    /// The text of a paragraph's content, appended to `out`.
    fn inline(&mut self, parent: Node<'_, '_>, out: &mut String) -> Result<(), OfficeError> {
        for node in parent.children().filter(Node::is_element) {
            let name = node.tag_name().name();
            let in_w = node
                .tag_name()
                .namespace()
                .is_some_and(|space| W.contains(&space));
            if in_w {
                match name {
                    "t" => self.push(out, node.text().unwrap_or(""))?,
                    "tab" | "ptab" => self.push(out, "\t")?,
                    "br" | "cr" => self.push(out, "\n")?,
                    "noBreakHyphen" => self.push(out, "-")?,
                    "sym" => match symbol(node) {
                        Some(Symbol::Checkbox(checked)) => self.push_checkbox(out, checked)?,
                        Some(Symbol::Char(symbol)) => {
                            self.push(out, symbol.encode_utf8(&mut [0; 4]))?;
                        }
                        None => {}
                    },
                    "fldChar" => {
                        if let Some(checked) = form_field_checkbox(node) {
                            self.push_checkbox(out, checked)?;
                        }
                    }
                    "sdt" => {
                        if let Some(checked) = checkbox_state(node) {
                            self.push_checkbox(out, checked)?;
                        } else if let Some(content) = child(node, W, "sdtContent") {
                            self.inline(content, out)?;
                        }
                    }
                    "p" => {
                        if !out.is_empty() {
                            self.push(out, "\n")?;
                        }
                        self.inline(node, out)?;
                    }
                    // Deleted and moved-away text, field instructions,
                    // properties, drawings, notes and comments: not cell text.
                    "del" | "moveFrom" | "delText" | "instrText" | "delInstrText" | "rPr"
                    | "pPr" | "sdtPr" | "sdtEndPr" | "drawing" | "pict" | "object"
                    | "footnoteReference" | "endnoteReference" | "commentReference" => {}
                    _ => self.inline(node, out)?,
                }
            } else if is(node, MC, "AlternateContent")
                && let Some(choice) = child(node, MC, "Choice")
            {
                self.inline(choice, out)?;
            }
        }
        Ok(())
    }

    fn push(&mut self, out: &mut String, text: &str) -> Result<(), OfficeError> {
        if text.is_empty() {
            return Ok(());
        }
        self.out.charge_text(text.len().saturating_add(1))?;
        if std::mem::take(&mut self.after_checkbox) && !text.starts_with(char::is_whitespace) {
            out.push(' ');
        }
        out.push_str(text);
        Ok(())
    }

    /// A checkbox as `☒`/`☐`, apart from the text before and after it.
    fn push_checkbox(&mut self, out: &mut String, checked: bool) -> Result<(), OfficeError> {
        if out.ends_with(|c: char| !c.is_whitespace()) {
            self.push(out, " ")?;
        }
        self.push(out, checkbox(checked).encode_utf8(&mut [0; 4]))?;
        self.after_checkbox = true;
        Ok(())
    }

    /// A table: its rows (a deleted row left out) and their cells.
    fn table(
        &mut self,
        table: Node<'_, '_>,
        preceding_text: Option<String>,
        within: Option<Pointer>,
    ) -> Result<(), OfficeError> {
        let index = self.out.start_table(preceding_text, within)?;
        let mut rows = Vec::new();
        wrapped(table, "tr", &mut rows);
        for row in rows {
            let properties = child(row, W, "trPr");
            if properties.is_some_and(|p| child(p, W, "del").is_some()) {
                continue;
            }
            let header = properties
                .and_then(|p| child(p, W, "tblHeader"))
                .is_some_and(on);
            let mut column = properties
                .and_then(|p| child(p, W, "gridBefore"))
                .and_then(|n| number(n))
                .unwrap_or(0);
            let row_index = self.out.next_row(index);
            let mut cells: Vec<Cell> = Vec::new();
            let mut tcs = Vec::new();
            wrapped(row, "tc", &mut tcs);
            for tc in tcs {
                let properties = child(tc, W, "tcPr");
                if properties.is_some_and(|p| child(p, W, "cellDel").is_some()) {
                    continue;
                }
                let span = properties
                    .and_then(|p| child(p, W, "gridSpan"))
                    .and_then(|n| number(n))
                    .unwrap_or(1)
                    .clamp(1, 1000);
                let merged_left = properties
                    .and_then(|p| child(p, W, "hMerge"))
                    .is_some_and(|n| attribute(n, W, "val") != Some("restart"));
                if merged_left && let Some(previous) = cells.last_mut() {
                    previous.column_span = previous.column_span.saturating_add(span);
                    column = column.saturating_add(span);
                    continue;
                }
                let continues_above = properties
                    .and_then(|p| child(p, W, "vMerge"))
                    .is_some_and(|n| attribute(n, W, "val") != Some("restart"));
                self.out.charge_cells(1)?;
                let pointer = cell_pointer(index, row_index, cells.len());
                let mut paragraphs = Paragraphs::for_cell();
                self.blocks(tc, &mut paragraphs, Some(&pointer))?;
                cells.push(Cell {
                    text: paragraphs.into_text(),
                    pointer,
                    column,
                    column_span: span,
                    continues_above,
                });
                column = column.saturating_add(span);
            }
            self.out.push_row(index, Row { header, cells })?;
        }
        Ok(())
    }
}

/// The `w:name` children of `parent`, looking through the content controls,
/// custom XML and tracked insertions that may wrap rows and cells.
fn wrapped<'a, 'input>(parent: Node<'a, 'input>, name: &str, out: &mut Vec<Node<'a, 'input>>) {
    for node in parent.children().filter(Node::is_element) {
        if is(node, W, name) {
            out.push(node);
        } else if is(node, W, "sdt") {
            if let Some(content) = child(node, W, "sdtContent") {
                wrapped(content, name, out);
            }
        } else if is(node, W, "customXml") || is(node, W, "ins") || is(node, W, "moveTo") {
            wrapped(node, name, out);
        }
    }
}

/// A heading: styled `Heading…` (`Heading1`, `heading 2`, ...) or given an
/// outline level.
fn is_heading(paragraph: Node<'_, '_>) -> bool {
    let Some(properties) = child(paragraph, W, "pPr") else {
        return false;
    };
    let styled = child(properties, W, "pStyle")
        .and_then(|style| attribute(style, W, "val"))
        .is_some_and(|style| {
            style
                .get(..7)
                .is_some_and(|start| start.eq_ignore_ascii_case("heading"))
        });
    styled || child(properties, W, "outlineLvl").is_some()
}

/// An on/off property: present and not `0`, `false` or `off`.
fn on(node: Node<'_, '_>) -> bool {
    !matches!(attribute(node, W, "val"), Some("0" | "false" | "off"))
}

/// A property's `w:val` as a number.
fn number(node: Node<'_, '_>) -> Option<usize> {
    attribute(node, W, "val")?.trim().parse().ok()
}

/// The state of a content-control checkbox (`w14:checkbox`), if `sdt` is one.
fn checkbox_state(sdt: Node<'_, '_>) -> Option<bool> {
    let properties = child(sdt, W, "sdtPr")?;
    let checkbox = child(properties, W14, "checkbox")?;
    Some(
        child(checkbox, W14, "checked")
            .and_then(|checked| attribute(checked, W14, "val"))
            .is_some_and(|val| matches!(val, "1" | "true" | "on")),
    )
}

/// The state of a legacy checkbox form field (`w:ffData/w:checkBox`).
fn form_field_checkbox(field_char: Node<'_, '_>) -> Option<bool> {
    let data = child(field_char, W, "ffData")?;
    let checkbox = child(data, W, "checkBox")?;
    if let Some(checked) = child(checkbox, W, "checked") {
        return Some(on(checked));
    }
    Some(child(checkbox, W, "default").is_some_and(on))
}

/// What a `w:sym` stands for.
enum Symbol {
    /// A checkbox glyph of a symbol font, checked or not.
    Checkbox(bool),
    /// Any other character.
    Char(char),
}

/// A `w:sym` character: the checkbox glyphs of the symbol fonts as
/// checkboxes, any other character as itself (symbol-font private-use code
/// points are dropped: they mean nothing outside that font).
fn symbol(node: Node<'_, '_>) -> Option<Symbol> {
    let code = u32::from_str_radix(attribute(node, W, "char")?, 16).ok()?;
    let font = attribute(node, W, "font").unwrap_or("");
    let low = if (0xF000..=0xF0FF).contains(&code) {
        code - 0xF000
    } else {
        code
    };
    match (font, low) {
        ("Wingdings", 0xFE | 0x78 | 0xFD) | ("Wingdings 2", 0x51..=0x54) => {
            Some(Symbol::Checkbox(true))
        }
        ("Wingdings", 0xA8 | 0x6F) | ("Wingdings 2", 0xA3 | 0x2A | 0x30) => {
            Some(Symbol::Checkbox(false))
        }
        _ if (0xE000..=0xF8FF).contains(&code) => None,
        _ => char::from_u32(code).map(Symbol::Char),
    }
}
