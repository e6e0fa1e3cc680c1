//! Tables from office documents: a completed form as the supplier sends it.
//!
//! [`read_tables`] takes the bytes of a Word document (DOCX, Office Open XML)
//! or an OpenDocument text (ODT) and returns every table in it, in document
//! order, as rows of cells holding the text a person sees. It knows nothing
//! about any particular form: a plugin finds its questions by the text of the
//! cells (for instance a row whose first cell is `C1.1`).
//!
//! ```
//! use assure_plugin_sdk::office::{describe_pointer, read_tables, OfficeKind};
//!
//! // A DTAC v1.0 form as the Royal College of Paediatrics and Child Health
//! // filled it in (the same form as DOCX reads the same).
//! let form = include_bytes!(concat!(
//!     env!("CARGO_MANIFEST_DIR"),
//!     "/tests/fixtures/office/rcpch-dtac.odt"
//! ));
//! let document = read_tables(form)?;
//! assert_eq!(document.kind, OfficeKind::Odt);
//! let product = document.row_starting_with("A2").ok_or("no row A2")?;
//! let answer = product.cell(2).ok_or("no answer to A2")?;
//! assert_eq!(answer.text, "RCPCH Digital Growth Charts");
//! assert_eq!(answer.pointer.as_str(), "/tables/0/rows/2/cells/2");
//! assert_eq!(describe_pointer(answer.pointer.as_str()), "table 1, row 3, cell 3");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Locations
//!
//! The plugin protocol's locations are JSON Pointers, lines or the whole
//! document, so a cell is named by a JSON Pointer into the *table view* of
//! the document, `{"tables":[{"rows":[{"cells":[…]}]}]}`:
//! `/tables/{t}/rows/{r}/cells/{c}`, every index counted from 0 in document
//! order. `/tables/4/rows/2/cells/2` is "table 5, row 3, cell 3" as a person
//! counts them; a report can say it that way with [`describe_pointer`]. Row
//! `r` counts every row of the table, header rows included; cell `c` counts
//! the cells as the writer wrote them (see [`Cell`] for merged cells).
//!
//! # What counts as cell text
//!
//! - Paragraphs are joined with `\n`, the runs of a paragraph concatenated; a
//!   tab is `\t`, a line break `\n`; the whole is trimmed.
//! - A checkbox is `☒` when checked and `☐` when not, whatever glyph the
//!   document draws, set apart by spaces (`☒ Yes ☐ No`): Word content
//!   controls (`w14:checkbox`, by their checked state), legacy form-field
//!   checkboxes (Word and LibreOffice), LibreOffice content controls and the
//!   Wingdings checkbox symbols. A `☒` or `☐` typed as text stays as typed.
//! - ODF white space follows ODF: runs of spaces in the text are one space,
//!   `text:s` spaces are kept.
//! - Tracked changes: inserted text is read, deleted text (`w:del`, moved-from
//!   text, ODF's `text:tracked-changes`) is not; a deleted table row is left
//!   out. Comments, footnotes, field instructions, drawings and text boxes
//!   are not cell text.
//! - A table inside a cell is not part of the cell's text: it is a table of
//!   its own in [`OfficeDocument::tables`] (after the table that holds it),
//!   and its [`Table::within`] names the cell.
//!
//! # Limits
//!
//! A document is hostile until read. The reader refuses, with an
//! [`OfficeError`] that names the part, anything that is not a plain zip of
//! the expected parts: encrypted or split archives, entries whose path leaves
//! the package, two entries of the same name, more than [`MAX_ENTRIES`]
//! entries, more than [`MAX_INFLATED_BYTES`] inflated in all, an entry that
//! inflates past its declared size, XML with a DOCTYPE (no entities, hence no
//! entity expansion), more than [`MAX_XML_NODES`] XML nodes, elements nested
//! deeper than [`MAX_DEPTH`], and more than [`MAX_CELLS`] cells or
//! [`MAX_TEXT_BYTES`] of cell text (ODF can repeat a cell or a row).

mod docx;
mod model;
mod odt;
mod xml;
mod zip;

use model::truncate;
pub use model::{
    Cell, DOCX_MEDIA_TYPE, MAX_CELLS, MAX_DEPTH, MAX_ENTRIES, MAX_INFLATED_BYTES, MAX_TEXT_BYTES,
    MAX_XML_NODES, ODT_MEDIA_TYPE, OfficeDocument, OfficeError, OfficeKind, Row, Table,
    describe_pointer,
};

/// Reads every table of a DOCX or ODT document.
///
/// The kind is told from the archive itself: an ODT has a `mimetype` entry
/// saying `application/vnd.oasis.opendocument.text`; a DOCX has
/// `_rels/.rels` naming its main part (usually `word/document.xml`).
pub fn read_tables(bytes: &[u8]) -> Result<OfficeDocument, OfficeError> {
    let mut archive = zip::Archive::open(bytes)?;
    if archive.contains("mimetype") {
        let mimetype = archive.read("mimetype", 1024)?;
        let mimetype = String::from_utf8_lossy(&mimetype);
        let mimetype = mimetype.trim();
        if mimetype == ODT_MEDIA_TYPE
            || mimetype == "application/vnd.oasis.opendocument.text-template"
        {
            return odt::read(&mut archive);
        }
        return Err(OfficeError::WrongDocument {
            part: "mimetype".to_owned(),
            expected: "OpenDocument text",
            found: format!("it says `{}`", truncate(mimetype, 100)),
        });
    }
    if archive.contains("_rels/.rels") || archive.contains("[Content_Types].xml") {
        return docx::read(&mut archive);
    }
    if archive.contains("content.xml") {
        return odt::read(&mut archive);
    }
    Err(OfficeError::NotOffice {
        reason: "a zip archive with neither `[Content_Types].xml` (DOCX) nor `mimetype` (ODT)"
            .to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::describe_pointer;

    #[test]
    fn pointers_are_described_as_people_count() {
        assert_eq!(
            describe_pointer("/tables/4/rows/2/cells/2"),
            "table 5, row 3, cell 3"
        );
        assert_eq!(describe_pointer("/tables/0/rows/9"), "table 1, row 10");
        assert_eq!(describe_pointer("/components/1"), "/components/1");
        assert_eq!(
            describe_pointer("/tables/x/rows/1/cells/1"),
            "/tables/x/rows/1/cells/1"
        );
    }
}
