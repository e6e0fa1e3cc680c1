//! The office table reader on real completed forms (DOCX and ODT, from the
//! supplier and from LibreOffice), on the Word features a form uses, and on
//! hostile archives. Fixtures and their provenance: `fixtures/office/`.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

mod zipfile;

use assure_plugin_sdk::Location;
use assure_plugin_sdk::office::{
    DOCX_MEDIA_TYPE, MAX_CELLS, ODT_MEDIA_TYPE, OfficeDocument, OfficeError, OfficeKind, Row,
    describe_pointer, read_tables,
};
use zipfile::{Entry, docx, zip};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/office/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn read(name: &str) -> OfficeDocument {
    read_tables(&fixture(name)).unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn row<'a>(document: &'a OfficeDocument, code: &str) -> &'a Row {
    document
        .row_starting_with(code)
        .unwrap_or_else(|| panic!("no row starts with `{code}`"))
}

/// The table whose heading is `heading`.
fn table_under(document: &OfficeDocument, heading: &str) -> usize {
    document
        .tables
        .iter()
        .position(|table| table.heading.as_deref() == Some(heading))
        .unwrap_or_else(|| panic!("no table under the heading `{heading}`"))
}

fn error_of(bytes: &[u8]) -> OfficeError {
    match read_tables(bytes) {
        Ok(document) => panic!(
            "read {} tables from a hostile document",
            document.tables.len()
        ),
        Err(error) => error,
    }
}

// ---------------------------------------------------------------- real forms

/// What a reviewer reads off section A of the RCPCH form, in both formats.
#[test]
fn the_rcpch_form_names_the_company_and_product_in_both_formats() {
    for (name, kind, part) in [
        ("rcpch-dtac.docx", OfficeKind::Docx, "word/document.xml"),
        ("rcpch-dtac.odt", OfficeKind::Odt, "content.xml"),
    ] {
        let document = read(name);
        assert_eq!(document.kind, kind, "{name}");
        assert_eq!(document.part, part, "{name}");
        assert_eq!(document.tables.len(), 7, "{name}: sections A, B, C1-C4, D1");
        let company = row(&document, "A1");
        assert_eq!(
            company.text(1),
            "Provide the name of your company",
            "{name}"
        );
        let cell = company.cell(2).unwrap();
        assert_eq!(
            cell.text, "Royal College of Paediatrics and Child Health (RCPCH)",
            "{name}"
        );
        assert_eq!(cell.pointer.as_str(), "/tables/0/rows/1/cells/2", "{name}");
        assert!(matches!(cell.location(), Location::Pointer(p) if p == "/tables/0/rows/1/cells/2"));
        assert_eq!(
            describe_pointer(cell.pointer.as_str()),
            "table 1, row 2, cell 3"
        );
        assert_eq!(
            row(&document, "A2").text(2),
            "RCPCH Digital Growth Charts",
            "{name}"
        );
        assert_eq!(
            row(&document, "A5").text(2),
            "richard.burley@rcpch.ac.uk",
            "{name}"
        );
        assert_eq!(row(&document, "A10").text(2), "Not applicable", "{name}");
        let header = &document.tables[0].rows[0];
        assert_eq!(
            [header.text(0), header.text(1), header.text(2)],
            ["Code", "Question", "Options"],
            "{name}"
        );
        assert_eq!(
            document.tables[0].heading.as_deref(),
            Some("A. Company information - Non-assessed section"),
            "{name}"
        );
    }
}

/// The C1-C3 questions and the supplier's answers (the fifth column, headed
/// "Scoring criteria" in this form), as the form's Markdown conversion shows.
#[test]
fn the_rcpch_form_gives_the_clinical_safety_data_and_security_answers() {
    for name in [
        "rcpch-dtac.docx",
        "rcpch-dtac.odt",
        "rcpch-dtac-libreoffice.docx",
    ] {
        let document = read(name);
        let safety = table_under(&document, "C1 - Clinical safety");
        assert_eq!(
            document.tables[safety].rows[0].text(4),
            "Scoring criteria",
            "{name}"
        );
        let c1_1 = row(&document, "C1.1");
        assert_eq!(c1_1.text(2), "Yes | No", "{name}");
        assert_eq!(c1_1.text(4), "Yes", "{name}");
        assert_eq!(
            c1_1.cell(4).unwrap().pointer.as_str(),
            format!("/tables/{safety}/rows/1/cells/4"),
            "{name}"
        );
        let cso = row(&document, "C1.2").text(4);
        assert!(cso.starts_with("Dr Marcus Baw\n"), "{name}: {cso:?}");
        assert!(cso.contains("GMC: 4712729"), "{name}: {cso:?}");
        let mhra = row(&document, "C1.3");
        assert!(
            mhra.text(1).contains(
                "registered with the Medicines and Healthcare products Regulatory Agency"
            ),
            "{name}"
        );
        assert!(
            mhra.text(4)
                .starts_with("Yes, the RCPCH Digital Growth Charts API is registered as a Class I Medical Device with the MHRA."),
            "{name}: {:?}",
            mhra.text(4)
        );
        assert!(
            row(&document, "C1.3.1")
                .text(4)
                .starts_with("MHRA Account Number 13251"),
            "{name}"
        );
        assert_eq!(row(&document, "C1.4").text(4), "No", "{name}");

        let data = table_under(&document, "C2 - Data protection");
        let c2_1 = row(&document, "C2.1");
        assert_eq!(
            c2_1.cell(4).unwrap().pointer.as_str(),
            format!("/tables/{data}/rows/1/cells/4")
        );
        assert!(
            c2_1.text(4).contains("registration number: Z5143673"),
            "{name}"
        );
        assert_eq!(row(&document, "C2.2").text(4), "Yes.", "{name}");
        assert_eq!(row(&document, "C2.3").text(4), "No", "{name}");
        assert!(
            row(&document, "C2.3.1").text(4).starts_with("Confirmed."),
            "{name}"
        );
        assert_eq!(
            row(&document, "C2.5").text(2),
            "UK only | In EU | Outside of EU",
            "{name}"
        );
        assert!(
            row(&document, "C2.5").text(4).starts_with("UK Only"),
            "{name}"
        );

        table_under(&document, "C3 - Technical security");
        assert!(
            row(&document, "C3.1")
                .text(4)
                .starts_with("Our Cyber Essentials certificate is published here"),
            "{name}"
        );
        assert!(
            row(&document, "C3.2")
                .text(4)
                .starts_with("Penetration testing is in the process of being conducted."),
            "{name}"
        );
        assert_eq!(
            row(&document, "C3.3").text(4),
            "Yes - Internal code review",
            "{name}"
        );
        for code in ["C3.4", "C3.5", "C3.6"] {
            assert_eq!(row(&document, code).text(4), "Yes.", "{name} {code}");
        }
    }
}

/// The supplier's DOCX, its ODT and LibreOffice's DOCX of that ODT are the
/// same tables: same cells, same text, same places.
#[test]
fn the_rcpch_form_reads_the_same_from_every_writer() {
    let original = read("rcpch-dtac.docx");
    for name in ["rcpch-dtac.odt", "rcpch-dtac-libreoffice.docx"] {
        let other = read(name);
        assert_eq!(other.tables.len(), original.tables.len(), "{name}");
        for (ours, theirs) in original.tables.iter().zip(&other.tables) {
            assert_eq!(ours.heading, theirs.heading, "{name}");
            assert_eq!(ours.rows, theirs.rows, "{name}");
        }
    }
    let cells: usize = original.rows().map(|row| row.cells.len()).sum();
    assert!(cells > 250, "{cells} cells");
}

/// A form written by LibreOffice, as ODT and as DOCX: merged cells, tracked
/// changes, checkboxes, a footnote, a comment and a table in a cell.
#[test]
fn libreoffice_form_features_read_the_same_from_docx_and_odt() {
    let odt = read("libreoffice-features.odt");
    let docx = read("libreoffice-features.docx");
    assert_eq!(odt.kind, OfficeKind::Odt);
    assert_eq!(docx.kind, OfficeKind::Docx);
    assert_eq!(odt.tables, docx.tables);
    for document in [&odt, &docx] {
        let table = &document.tables[0];
        assert_eq!(table.heading.as_deref(), Some("C3 - Technical security"));
        assert_eq!(
            table.preceding_text.as_deref(),
            Some("Answer every question.")
        );
        assert!(table.rows[0].header, "the first row is a header row");
        assert!(!table.rows[1].header);

        // Merged across two columns: one cell spanning both.
        let c3_1 = row(document, "C3.1");
        assert_eq!(c3_1.cells.len(), 3);
        assert_eq!(c3_1.cell(2).unwrap().column_span, 2);
        assert_eq!(
            c3_1.text(2),
            "Provided: certificate 1234\t(2026)\nSee\nannex A"
        );

        // Merged down: the row below has an empty continuation cell.
        let below = &table.rows[3];
        assert!(below.cells[0].continues_above);
        assert_eq!(below.text(0), "");
        assert_eq!(below.text(1), "Which checks?");
        assert_eq!(below.text(3), "☒ External ☐ Internal");

        // Tracked changes: the insertion is the answer, the deletion is not.
        assert_eq!(row(document, "C3.2").text(3), "Yes");
        // Footnotes and comments are not cell text.
        assert_eq!(row(document, "C3.3").text(1), "Code review");
        assert_eq!(row(document, "C3.3").text(3), "Yes - Internal code review");

        // A table in a cell is a table of its own, naming that cell.
        let c3_4 = row(document, "C3.4");
        assert_eq!(c3_4.text(3), "Scope:\nEnd of scope.");
        let nested = &document.tables[1];
        assert_eq!(nested.within.as_ref(), Some(&c3_4.cells[3].pointer));
        assert_eq!(nested.preceding_text.as_deref(), Some("Scope:"));
        assert_eq!(nested.rows[0].text(1), "In scope");
        assert_eq!(
            nested.rows[0].cells[1].pointer.as_str(),
            "/tables/1/rows/0/cells/1"
        );
    }
}

#[test]
fn media_types_are_the_registered_ones() {
    assert_eq!(
        OfficeKind::Docx.media_type(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    assert_eq!(OfficeKind::Odt.media_type(), ODT_MEDIA_TYPE);
    assert_eq!(DOCX_MEDIA_TYPE, OfficeKind::Docx.media_type());
}

// ----------------------------------------------------------- Word features

#[test]
fn word_checkboxes_read_as_checked_or_not() {
    let document = read_tables(&docx(concat!(
        "<w:tbl><w:tr>",
        "<w:tc><w:p><w:r><w:t>C2.2</w:t></w:r></w:p></w:tc>",
        // A content control checkbox: the state, not the glyph, decides.
        "<w:tc><w:p>",
        "<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val=\"1\"/></w14:checkbox></w:sdtPr>",
        "<w:sdtContent><w:r><w:t>\u{2610}</w:t></w:r></w:sdtContent></w:sdt>",
        "<w:r><w:t xml:space=\"preserve\"> Yes </w:t></w:r>",
        "<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val=\"0\"/></w14:checkbox></w:sdtPr>",
        "<w:sdtContent><w:r><w:t>\u{2612}</w:t></w:r></w:sdtContent></w:sdt>",
        "<w:r><w:t>No</w:t></w:r>",
        "</w:p></w:tc>",
        // Symbol-font checkboxes (Wingdings) and a legacy form field.
        "<w:tc><w:p><w:r><w:sym w:font=\"Wingdings\" w:char=\"F0FE\"/><w:t>Provided</w:t></w:r>",
        "<w:r><w:sym w:font=\"Wingdings\" w:char=\"F0A8\"/><w:t xml:space=\"preserve\"> Not provided</w:t></w:r></w:p>",
        "<w:p><w:r><w:fldChar w:fldCharType=\"begin\"><w:ffData><w:checkBox><w:default w:val=\"1\"/></w:checkBox></w:ffData></w:fldChar></w:r>",
        "<w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
        "<w:r><w:t>Confirmed</w:t></w:r></w:p></w:tc>",
        "</w:tr></w:tbl>",
    )))
    .unwrap();
    let answers = row(&document, "C2.2");
    assert_eq!(answers.text(1), "☒ Yes ☐ No");
    assert_eq!(answers.text(2), "☒ Provided ☐ Not provided\n☒ Confirmed");
}

#[test]
fn word_tracked_deletions_comments_and_deleted_rows_are_not_answers() {
    let document = read_tables(&docx(concat!(
        "<w:tbl>",
        "<w:tr><w:tc><w:p><w:r><w:t>C3.2</w:t></w:r></w:p></w:tc>",
        "<w:tc><w:p><w:commentRangeStart w:id=\"1\"/>",
        "<w:del w:id=\"2\" w:author=\"R\"><w:r><w:delText>No</w:delText></w:r></w:del>",
        "<w:ins w:id=\"3\" w:author=\"R\"><w:r><w:t>Yes</w:t></w:r></w:ins>",
        "<w:moveFrom w:id=\"4\" w:author=\"R\"><w:r><w:t>moved away</w:t></w:r></w:moveFrom>",
        "<w:commentRangeEnd w:id=\"1\"/><w:r><w:commentReference w:id=\"1\"/></w:r>",
        "<w:r><w:footnoteReference w:id=\"5\"/></w:r>",
        "</w:p></w:tc></w:tr>",
        "<w:tr><w:trPr><w:del w:id=\"6\" w:author=\"R\"/></w:trPr>",
        "<w:tc><w:p><w:r><w:t>C3.2</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>deleted row</w:t></w:r></w:p></w:tc></w:tr>",
        "<w:tr><w:tc><w:p><w:r><w:t>C3.3</w:t></w:r></w:p></w:tc>",
        "<w:tc><w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> HYPERLINK \"x\" </w:instrText></w:r>",
        "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>shown</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
        "</w:p></w:tc></w:tr>",
        "</w:tbl>",
    )))
    .unwrap();
    let table = &document.tables[0];
    assert_eq!(table.rows.len(), 2, "the deleted row is left out");
    assert_eq!(row(&document, "C3.2").text(1), "Yes");
    assert_eq!(row(&document, "C3.3").text(1), "shown");
    assert_eq!(
        table.rows[1].cells[1].pointer.as_str(),
        "/tables/0/rows/1/cells/1"
    );
}

#[test]
fn word_merged_cells_content_controls_and_breaks() {
    let document = read_tables(&docx(concat!(
        "<w:p><w:pPr><w:pStyle w:val=\"Heading2\"/></w:pPr><w:r><w:t>C4 - Interoperability</w:t></w:r></w:p>",
        "<w:tbl>",
        "<w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr><w:p><w:r><w:t>Code and question</w:t></w:r></w:p></w:tc>",
        "<w:tc><w:p><w:r><w:t>Answer</w:t></w:r></w:p></w:tc></w:tr>",
        "<w:tr><w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr><w:p><w:r><w:t>C4.1</w:t></w:r></w:p></w:tc>",
        "<w:tc><w:p><w:r><w:t>APIs?</w:t></w:r></w:p></w:tc>",
        "<w:tc><w:p><w:r><w:t>Yes</w:t><w:tab/><w:t>FHIR</w:t><w:br/><w:t>R4</w:t></w:r></w:p></w:tc></w:tr>",
        // A row wrapped in a content control; a vertically merged cell.
        "<w:sdt><w:sdtContent><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>",
        "<w:tc><w:p><w:r><w:t>Which?</w:t></w:r></w:p></w:tc>",
        "<w:sdt><w:sdtContent><w:tc><w:p><w:sdt><w:sdtContent><w:r><w:t>GP Connect</w:t></w:r></w:sdtContent></w:sdt></w:p></w:tc></w:sdtContent></w:sdt>",
        "</w:tr></w:sdtContent></w:sdt>",
        "</w:tbl>",
    )))
    .unwrap();
    let table = &document.tables[0];
    assert_eq!(table.heading.as_deref(), Some("C4 - Interoperability"));
    assert!(table.rows[0].header);
    assert_eq!(table.rows[0].cells.len(), 2);
    assert_eq!(table.rows[0].cells[0].column_span, 2);
    assert_eq!(table.rows[0].cells[1].column, 2);
    assert_eq!(row(&document, "C4.1").text(2), "Yes\tFHIR\nR4");
    let third = &table.rows[2];
    assert!(third.cells[0].continues_above);
    assert_eq!(third.text(2), "GP Connect");
    assert_eq!(third.cells[2].pointer.as_str(), "/tables/0/rows/2/cells/2");
}

/// A cell merged two across and two down is the same cells in Word and ODF:
/// one spanning cell, then an empty continuation spanning as much below it.
#[test]
fn a_block_merge_gives_the_same_cells_in_docx_and_odt() {
    let word = read_tables(&docx(concat!(
        "<w:tbl>",
        "<w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/><w:vMerge w:val=\"restart\"/></w:tcPr>",
        "<w:p><w:r><w:t xml:space=\"preserve\">a   b</w:t></w:r></w:p></w:tc>",
        "<w:tc><w:p><w:r><w:t>right</w:t></w:r></w:p></w:tc></w:tr>",
        "<w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/><w:vMerge/></w:tcPr><w:p/></w:tc>",
        "<w:tc><w:p><w:r><w:t>below right</w:t></w:r></w:p></w:tc></w:tr>",
        "</w:tbl>",
    )))
    .unwrap();
    let odf = read_tables(&zipfile::odt(&zipfile::odt_content(concat!(
        "<table:table><table:table-row>",
        "<table:table-cell table:number-columns-spanned=\"2\" table:number-rows-spanned=\"2\">",
        "<text:p>a<text:s text:c=\"2\"/> b</text:p></table:table-cell>",
        "<table:covered-table-cell/>",
        "<table:table-cell><text:p>right</text:p></table:table-cell></table:table-row>",
        "<table:table-row><table:covered-table-cell table:number-columns-repeated=\"2\"/>",
        "<table:table-cell><text:p>below  \n right</text:p></table:table-cell></table:table-row>",
        "</table:table>",
    ))))
    .unwrap();
    assert_eq!(word.tables, odf.tables);
    let rows = &odf.tables[0].rows;
    assert_eq!(rows[0].text(0), "a   b");
    assert_eq!(rows[0].cells[1].column, 2);
    assert!(rows[1].cells[0].continues_above);
    assert_eq!(rows[1].cells[0].column_span, 2);
    assert_eq!(rows[1].text(1), "below right", "ODF white space collapses");
    assert_eq!(
        rows[1].cells[1].pointer.as_str(),
        "/tables/0/rows/1/cells/1"
    );
}

/// The main part is the one `_rels/.rels` names, whatever its name.
#[test]
fn the_package_relationships_name_the_main_part() {
    let mut entries = zipfile::entries(&docx(
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>A1</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
    ));
    for entry in &mut entries {
        if entry.name == "word/document.xml" {
            entry.name = "word/main.xml".to_owned();
        }
    }
    entries.retain(|entry| entry.name != "_rels/.rels");
    entries.push(zipfile::Entry::stored(
        "_rels/.rels",
        zipfile::RELS
            .replace("word/document.xml", "/word/main.xml")
            .as_bytes(),
    ));
    let document = read_tables(&zip(&entries)).unwrap();
    assert_eq!(document.part, "word/main.xml");
    assert_eq!(document.tables[0].rows[0].text(0), "A1");
}

// ------------------------------------------------------------ hostile input

#[test]
fn not_a_zip_is_not_an_office_document() {
    let error = error_of(b"%PDF-1.7\n1 0 obj << >> endobj\n");
    assert!(matches!(error, OfficeError::NotOffice { .. }));
    assert!(error.to_string().contains("not a zip archive"), "{error}");
    assert!(matches!(error_of(b""), OfficeError::NotOffice { .. }));
    let error = error_of(&zip(&[Entry::stored("readme.txt", b"hello")]));
    assert!(
        error
            .to_string()
            .contains("neither `[Content_Types].xml` (DOCX) nor `mimetype` (ODT)"),
        "{error}"
    );
}

#[test]
fn a_truncated_document_is_damaged() {
    let whole = fixture("rcpch-dtac.odt");
    for keep in [whole.len() / 2, whole.len() - 10, 40] {
        let error = error_of(&whole[..keep]);
        assert!(
            matches!(error, OfficeError::Damaged { .. }),
            "cut at {keep}: {error}"
        );
        assert!(error.to_string().contains("truncated"), "{error}");
    }
}

#[test]
fn a_damaged_entry_is_named() {
    // A flipped byte inside the deflated content: CRC or inflate fails.
    let mut bytes = docx("<w:p><w:r><w:t>hello hello hello hello</w:t></w:r></w:p>");
    let mut entries = zipfile::entries(&bytes);
    let document = entries
        .iter_mut()
        .find(|e| e.name == "word/document.xml")
        .unwrap();
    document.crc ^= 1;
    bytes = zip(&entries);
    let error = error_of(&bytes);
    assert_eq!(
        error.to_string(),
        "the zip archive is damaged at `word/document.xml`: its CRC-32 does not match its contents"
    );
}

#[test]
fn a_zip_bomb_is_refused_before_it_fills_memory() {
    // Declares a small size but inflates to much more.
    let body = "<w:p/>".repeat(200_000);
    let mut entries = zipfile::entries(&docx(&body));
    let document = entries
        .iter_mut()
        .find(|e| e.name == "word/document.xml")
        .unwrap();
    document.size = 1000;
    let error = error_of(&zip(&entries));
    assert!(matches!(error, OfficeError::TooLarge { .. }), "{error}");
    assert!(
        error.to_string().starts_with(
            "`word/document.xml` is too large: it inflates past its declared size of 1000 bytes"
        ),
        "{error}"
    );

    // Declares honestly more than the document budget.
    let mut entries = zipfile::entries(&docx("<w:p/>"));
    let document = entries
        .iter_mut()
        .find(|e| e.name == "word/document.xml")
        .unwrap();
    document.size = 4_000_000_000;
    let error = error_of(&zip(&entries));
    assert!(
        error
            .to_string()
            .starts_with("`word/document.xml` is too large: it declares 4000000000 bytes inflated"),
        "{error}"
    );

    // 40 MiB of zeros deflate to about 40 KiB, size declared truthfully.
    let zeros = vec![b' '; 40 * 1024 * 1024];
    let bomb = zip(&[
        Entry::deflated("[Content_Types].xml", b"<Types/>"),
        Entry::deflated("word/document.xml", &zeros),
    ]);
    assert!(bomb.len() < 200_000, "{} bytes", bomb.len());
    let error = error_of(&bomb);
    assert!(matches!(error, OfficeError::TooLarge { part, .. } if part == "word/document.xml"));
}

#[test]
fn missing_parts_are_named() {
    let error = error_of(&zip(&[
        Entry::stored("[Content_Types].xml", b"<Types/>"),
        Entry::stored("_rels/.rels", zipfile::RELS.as_bytes()),
    ]));
    assert_eq!(
        error.to_string(),
        "`word/document.xml` is missing from the DOCX archive"
    );
    let error = error_of(&zip(&[Entry::stored(
        "mimetype",
        ODT_MEDIA_TYPE.as_bytes(),
    )]));
    assert_eq!(
        error.to_string(),
        "`content.xml` is missing from the ODT archive"
    );
}

#[test]
fn two_entries_of_one_name_are_ambiguous() {
    let mut entries = zipfile::entries(&docx("<w:p/>"));
    entries.push(Entry::stored("Word/Document.xml", b"<w:document/>"));
    let error = error_of(&zip(&entries));
    assert_eq!(
        error.to_string(),
        "the archive has two entries named `Word/Document.xml`: which one is the document is ambiguous"
    );
}

#[test]
fn paths_that_leave_the_package_are_refused() {
    for name in [
        "../evil.xml",
        "word/../../evil.xml",
        "/etc/passwd",
        "C:/x.xml",
    ] {
        let mut entries = zipfile::entries(&docx("<w:p/>"));
        entries.push(Entry::stored(name, b"x"));
        let error = error_of(&zip(&entries));
        assert!(
            matches!(error, OfficeError::UnsafeName { .. }),
            "{name}: {error}"
        );
        assert!(error.to_string().contains(name), "{error}");
    }
}

#[test]
fn encrypted_entries_and_other_compression_are_refused() {
    let mut entries = zipfile::entries(&docx("<w:p/>"));
    let document = entries
        .iter_mut()
        .find(|e| e.name == "word/document.xml")
        .unwrap();
    document.flags |= 1;
    let error = error_of(&zip(&entries));
    assert_eq!(
        error.to_string(),
        "`word/document.xml` is encrypted: a password-protected document cannot be read as evidence"
    );

    let mut entries = zipfile::entries(&docx("<w:p/>"));
    let document = entries
        .iter_mut()
        .find(|e| e.name == "word/document.xml")
        .unwrap();
    document.method = 12;
    let error = error_of(&zip(&entries));
    assert!(
        error
            .to_string()
            .contains("`word/document.xml` cannot be read: it uses compression method 12"),
        "{error}"
    );
}

#[test]
fn too_many_entries_are_refused() {
    let mut entries = zipfile::entries(&docx("<w:p/>"));
    for index in 0..10_001 {
        entries.push(Entry::stored(&format!("customXml/item{index}.xml"), b""));
    }
    let error = error_of(&zip(&entries));
    assert_eq!(error.to_string(), "the archive has more than 10000 entries");
}

#[test]
fn deeply_nested_xml_is_refused() {
    let depth = 100_000;
    let body = format!("{}{}", "<w:sdt>".repeat(depth), "</w:sdt>".repeat(depth));
    let error = error_of(&docx(&body));
    assert_eq!(
        error.to_string(),
        "`word/document.xml` nests XML elements more than 256 deep"
    );
}

#[test]
fn entities_are_refused_so_billion_laughs_cannot_expand() {
    let mut laughs =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE w:document [\n<!ENTITY lol \"lol\">\n");
    for level in 1..10 {
        let previous = if level == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", level - 1)
        };
        laughs.push_str(&format!(
            "<!ENTITY lol{level} \"{}\">\n",
            format!("&{previous};").repeat(10)
        ));
    }
    laughs.push_str("]>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>");
    let bytes = zip(&[
        Entry::stored("[Content_Types].xml", b"<Types/>"),
        Entry::deflated("word/document.xml", laughs.as_bytes()),
    ]);
    let error = error_of(&bytes);
    assert_eq!(
        error.to_string(),
        "`word/document.xml` has a DOCTYPE declaration: office documents never need one, and its entities are refused"
    );
}

#[test]
fn a_flood_of_cells_is_refused() {
    // Word: a quarter of a million cells written out.
    let body = format!("<w:tbl><w:tr>{}</w:tr></w:tbl>", "<w:tc/>".repeat(250_000));
    let error = error_of(&docx(&body));
    assert_eq!(
        error.to_string(),
        format!("`word/document.xml` has more than {MAX_CELLS} table cells")
    );
    // ODF: a few bytes that repeat a cell a million times, a million times.
    let content = zipfile::odt_content(concat!(
        "<table:table><table:table-row table:number-rows-repeated=\"1000000\">",
        "<table:table-cell table:number-columns-repeated=\"1000000\"><text:p>x</text:p></table:table-cell>",
        "</table:table-row></table:table>",
    ));
    let error = error_of(&zipfile::odt(&content));
    assert_eq!(
        error.to_string(),
        format!("`content.xml` has more than {MAX_CELLS} table cells")
    );
    // ODF: cells covered by a cell a million columns wide, a million times.
    let covered =
        "<table:covered-table-cell table:number-columns-repeated=\"1000000\"/>".repeat(2000);
    let content = zipfile::odt_content(&format!(
        concat!(
            "<table:table><table:table-row><table:table-cell table:number-columns-spanned=\"1000000\" ",
            "table:number-rows-spanned=\"1000000\"/>{covered}</table:table-row>",
            "<table:table-row table:number-rows-repeated=\"1000\">{covered}</table:table-row></table:table>"
        ),
        covered = covered
    ));
    let started = std::time::Instant::now();
    let error = error_of(&zipfile::odt(&content));
    assert_eq!(
        error.to_string(),
        format!("`content.xml` has more than {MAX_CELLS} table cells")
    );
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    // ODF: a run of spaces a billion long.
    let content = zipfile::odt_content(
        "<table:table><table:table-row><table:table-cell><text:p>a<text:s text:c=\"1000000000\"/>b</text:p></table:table-cell></table:table-row></table:table>",
    );
    let error = error_of(&zipfile::odt(&content));
    assert!(
        error
            .to_string()
            .starts_with("`content.xml` has more than 33554432 bytes of table text"),
        "{error}"
    );
}

#[test]
fn other_office_documents_are_not_forms() {
    let error = error_of(&zip(&[Entry::stored(
        "mimetype",
        b"application/vnd.oasis.opendocument.spreadsheet",
    )]));
    assert_eq!(
        error.to_string(),
        "`mimetype` is not a OpenDocument text: it says `application/vnd.oasis.opendocument.spreadsheet`"
    );
    let workbook = zip(&[
        Entry::stored("[Content_Types].xml", b"<Types/>"),
        Entry::stored(
            "_rels/.rels",
            zipfile::RELS
                .replace("word/document.xml", "xl/workbook.xml")
                .as_bytes(),
        ),
        Entry::stored(
            "xl/workbook.xml",
            b"<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"/>",
        ),
    ]);
    let error = error_of(&workbook);
    assert_eq!(
        error.to_string(),
        "`xl/workbook.xml` is not a Word document: its root element is `workbook`"
    );
}

#[test]
fn malformed_xml_names_the_part_and_place() {
    let error = error_of(&docx("<w:p><w:r><w:t>open</w:r></w:p>"));
    let message = error.to_string();
    assert!(
        message.starts_with("`word/document.xml` is not well-formed XML: "),
        "{message}"
    );
    assert!(message.contains("1:"), "{message}");
}

/// Arbitrary damage to a real document gives a table or an error, never a
/// panic.
mod damage {
    use proptest::prelude::*;

    use super::{fixture, read_tables};

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn flipped_bytes_never_panic(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
            for name in ["rcpch-dtac.odt", "libreoffice-features.docx"] {
                let mut bytes = fixture(name);
                for (index, value) in &flips {
                    let at = index.index(bytes.len());
                    bytes[at] ^= value | 1;
                }
                let _ = read_tables(&bytes);
            }
        }
    }
}
