//! The plugin over small exports written here: headers or none, column
//! orders, delimiters, quoting, answers, ids, duplicates, and broken files.

use crate::common::*;

#[test]
fn without_a_header_the_columns_are_id_answer_note() -> Result<(), String> {
    let x =
        ok(b"PAUT-8,Yes,Duo push for the service menu\nDOC-8,No\nSBOM-1,\"N/A\",,extra,columns\n")?;
    assert_eq!(long(&x, "answered")?, 3);
    assert_eq!(text(&x, "paut_8")?, "yes");
    assert_eq!(text(&x, "paut_8_note")?, "Duo push for the service menu");
    assert_eq!(at(&x, "paut_8")?, "line 1");
    assert_eq!(text(&x, "doc_8")?, "no");
    assert_eq!(at(&x, "doc_8")?, "line 2");
    assert_eq!(text(&x, "sbom_1")?, "na");
    assert!(!has(&x, "sbom_1_note"));
    assert!(!has(&x, "manufacturer"));
    // One note lists the schema's questions the form does not answer.
    assert_eq!(x.notes.len(), 1, "{:?}", notes(&x));
    assert!(noted(&x, "whole", "does not answer PAUT-1.1, PAUT-3,"));
    assert!(!noted(&x, "whole", "PAUT-8,"));
    Ok(())
}

#[test]
fn header_gives_the_column_order() -> Result<(), String> {
    let x = ok(b"Comments,Question,Response,Question ID\n\
Planned for 4.4,Does the device support MFA?,No,PAUT-8\n\
,Manufacturer,Acme Infusion plc,MANUFACTURER\n")?;
    assert_eq!(text(&x, "paut_8")?, "no");
    assert_eq!(text(&x, "paut_8_note")?, "Planned for 4.4");
    assert_eq!(at(&x, "paut_8")?, "line 2");
    assert_eq!(text(&x, "manufacturer")?, "Acme Infusion plc");
    assert_eq!(long(&x, "answered")?, 1);
    Ok(())
}

#[test]
fn header_without_an_answer_column_is_an_error() -> Result<(), String> {
    let e = err(b"\n\nID,Question,Notes\nPAUT-8,Yes,\n")?;
    assert_eq!(place(&e.location), "line 3");
    assert!(
        e.message.contains("names no answer column"),
        "{}",
        e.message
    );
    Ok(())
}

#[test]
fn semicolons_bom_crlf_and_quoting() -> Result<(), String> {
    let mut doc = b"\xEF\xBB\xBF".to_vec();
    doc.extend_from_slice(
        "id;answer;note\r\n\
         \r\n\
         Device;\"VoluFlow; model 3\";\r\n\
         PAUT-9;\"Yes; LDAP\";\"AD via \"\"LDAPS\"\"\r\nservice menu only\"\r\n\
         CONN-7;Yes;\r\n"
            .as_bytes(),
    );
    let x = ok(&doc)?;
    assert_eq!(text(&x, "device")?, "VoluFlow; model 3");
    assert_eq!(at(&x, "device")?, "line 3");
    assert_eq!(text(&x, "paut_9")?, "yes");
    assert_eq!(
        text(&x, "paut_9_note")?,
        "LDAP; AD via \"LDAPS\"\r\nservice menu only"
    );
    assert_eq!(at(&x, "paut_9")?, "line 4");
    // The quoted line break moves the next row to line 6.
    assert_eq!(at(&x, "conn_7")?, "line 6");
    Ok(())
}

#[test]
fn answers_are_normalised() -> Result<(), String> {
    let cases = [
        ("Yes", "yes", None),
        ("Y", "yes", None),
        ("yes,LDAP", "yes", Some("LDAP")),
        ("Yes - see note", "yes", None),
        ("No", "no", None),
        ("N", "no", None),
        ("N/A", "na", None),
        ("NA", "na", None),
        (
            "N/A: No default accounts",
            "na",
            Some("No default accounts"),
        ),
        ("Not applicable", "na", None),
        ("", "unknown", None),
        ("See note", "unknown", None),
        ("TBD", "unknown", Some("TBD")),
        ("Unknown", "unknown", Some("Unknown")),
        ("Supported via AD", "unknown", Some("Supported via AD")),
    ];
    for (answer, normalised, note) in cases {
        let doc = format!("PAUT-4,\"{answer}\"\n");
        let x = ok(doc.as_bytes())?;
        assert_eq!(text(&x, "paut_4")?, normalised, "{answer}");
        match note {
            Some(note) => assert_eq!(text(&x, "paut_4_note")?, note, "{answer}"),
            None => assert!(!has(&x, "paut_4_note"), "{answer}"),
        }
    }
    // The answer's own text comes first, then the note column.
    let x = ok(b"PAUT-4,\"N/A: No default accounts\",Service account is per-site\n")?;
    assert_eq!(
        text(&x, "paut_4_note")?,
        "No default accounts; Service account is per-site"
    );
    Ok(())
}

#[test]
fn ids_are_matched_loosely_and_unknown_ids_are_noted() -> Result<(), String> {
    let x = ok(b"  stcf-1.2  ,yes\n\
XYZ-1,yes\n\
PAUT,Person authentication\n\
PAUT-1.x,yes\n\
Question 12,yes\n\
,,orphan note\n")?;
    assert_eq!(text(&x, "stcf_1_2")?, "yes");
    assert_eq!(long(&x, "answered")?, 1);
    assert!(noted(&x, "line 2", "`XYZ-1` is not an MDS2 question id"));
    assert!(noted(&x, "line 3", "`PAUT` is not an MDS2 question id"));
    assert!(noted(&x, "line 4", "`PAUT-1.x` is not an MDS2 question id"));
    assert!(noted(
        &x,
        "line 5",
        "`Question 12` is not an MDS2 question id"
    ));
    assert!(noted(&x, "line 6", "row without a question id"));
    Ok(())
}

#[test]
fn many_ignored_rows_have_capped_notes() -> Result<(), String> {
    let mut doc = String::from("DOC-8,Yes\n");
    for i in 0..200 {
        doc.push_str(&format!("junk-{i},x\n"));
    }
    let x = ok(doc.as_bytes())?;
    // 50 row notes, one summary, one for the unanswered questions.
    assert_eq!(x.notes.len(), 52);
    assert!(noted(&x, "whole", "150 more rows"));
    Ok(())
}

#[test]
fn duplicate_questions() -> Result<(), String> {
    // The same answer twice: kept once, noted.
    let x = ok(b"PAUT-8,No\nPAUT-9,Yes\npaut-8 ,\"No, planned\"\n")?;
    assert_eq!(long(&x, "answered")?, 2);
    assert_eq!(at(&x, "paut_8")?, "line 1");
    assert!(!has(&x, "paut_8_note"));
    assert!(noted(
        &x,
        "line 3",
        "PAUT-8 is answered again on line 3 (first on line 1)"
    ));

    // Different answers: an error naming both lines.
    let e = err(b"PAUT-8,No\nPAUT-9,Yes\nPAUT-8,Yes - Duo\n")?;
    assert_eq!(place(&e.location), "line 3");
    assert_eq!(
        e.message,
        "question PAUT-8 is answered twice with different answers: \"no\" on line 1 and \"yes\" on line 3"
    );
    Ok(())
}

#[test]
fn metadata_rows() -> Result<(), String> {
    let x = ok(b"Manufacturer,Acme Infusion plc\n\
DOCUMENT-ID,ACME-MDS2-7\n\
device,\n\
manufacturer,Acme Infusion plc\n\
manufacturer,ACME  infusion PLC\n\
DOC-8,yes\n")?;
    // The same name again, whatever its case and spacing, is the same.
    assert_eq!(text(&x, "manufacturer")?, "Acme Infusion plc");
    assert_eq!(at(&x, "manufacturer")?, "line 1");
    assert_eq!(text(&x, "document_id")?, "ACME-MDS2-7");
    assert!(!has(&x, "device"));
    assert_eq!(long(&x, "answered")?, 1);
    assert!(noted(&x, "line 3", "`device` has no value"));
    // A different one is an error: the form names two manufacturers.
    let e = err(b"manufacturer,Acme Infusion plc\nmanufacturer,Acme Holdings\nDOC-8,yes\n")?;
    assert_eq!(place(&e.location), "line 2");
    assert_eq!(
        e.message,
        "the form gives two different values for the manufacturer name: \"Acme Infusion plc\" (`manufacturer`, line 1) and \"Acme Holdings\" (`manufacturer`, line 2); which one the form describes cannot be told"
    );
    Ok(())
}

/// The DOC section of a form shaped like HN 1-2019's, as a spreadsheet
/// exports it: the question text in a column of its own, no metadata rows.
const DOC_SECTION: &str = "Question ID,Question,Answer,Notes\r\n\
DOC-1,Manufacturer Name,Acme Infusion plc,\r\n\
DOC-2,Device Description,Syringe driver,\r\n\
DOC-3,Device Model,SD-40 (software 2.1),\r\n\
DOC-4,Document ID,ACME-MDS2-SD40-3,\r\n\
DOC-5,Manufacturer Contact Information,psirt@acme-infusion.test,\r\n\
DOC-6,Intended use of device in network-connected environment:,See note,Drug library updates\r\n\
DOC-7,Document Release Date,{release},\r\n\
DOC-8,Coordinated Vulnerability Disclosure: Does the manufacturer have a vulnerability disclosure program for this device?,Yes,\r\n\
RMOT-1,Does the device permit remote service connections for device analysis or repair?,{rmot},{rmot_note}\r\n";

fn doc_section(release: &str, rmot: &str, rmot_note: &str) -> Vec<u8> {
    DOC_SECTION
        .replace("{release}", release)
        .replace("{rmot}", rmot)
        .replace("{rmot_note}", rmot_note)
        .into_bytes()
}

#[test]
fn the_doc_section_says_what_the_form_is_about() -> Result<(), String> {
    let x = ok(&doc_section(
        "2025-03-31",
        "Yes",
        "Via the Acme service gateway",
    ))?;
    // DOC-1 Manufacturer Name.
    assert_eq!(text(&x, "manufacturer")?, "Acme Infusion plc");
    assert_eq!(at(&x, "manufacturer")?, "line 2");
    // DOC-2 Device Description, with no `device` row.
    assert_eq!(text(&x, "device")?, "Syringe driver");
    assert_eq!(at(&x, "device")?, "line 3");
    // DOC-3 Device Model.
    assert_eq!(text(&x, "device_model")?, "SD-40 (software 2.1)");
    assert_eq!(at(&x, "device_model")?, "line 4");
    // DOC-4 Document ID.
    assert_eq!(text(&x, "document_id")?, "ACME-MDS2-SD40-3");
    assert_eq!(at(&x, "document_id")?, "line 5");
    // DOC-7 Document Release Date, midnight UTC.
    assert_eq!(datetime(&x, "release_date")?, "2025-03-31T00:00:00Z");
    assert_eq!(at(&x, "release_date")?, "line 8");
    // RMOT-1, normalised like every answer.
    assert_eq!(text(&x, "rmot_1")?, "yes");
    assert_eq!(text(&x, "rmot_1_note")?, "Via the Acme service gateway");
    assert_eq!(at(&x, "rmot_1")?, "line 10");
    // The DOC rows are questions of the form, and counted.
    assert_eq!(long(&x, "answered")?, 9);
    assert!(!has(&x, "doc_1"));
    Ok(())
}

#[test]
fn remote_service_answers_are_normalised() -> Result<(), String> {
    for (answer, note, normalised, kept) in [
        ("No", "", "no", None),
        (
            "N/A: no network connection",
            "",
            "na",
            Some("no network connection"),
        ),
        (
            "Yes - see note",
            "Customer-initiated only",
            "yes",
            Some("Customer-initiated only"),
        ),
        ("See note", "Planned", "unknown", Some("Planned")),
        ("", "", "unknown", None),
    ] {
        let x = ok(&doc_section("2025-03-31", answer, note))?;
        assert_eq!(text(&x, "rmot_1")?, normalised, "{answer}");
        match kept {
            Some(kept) => assert_eq!(text(&x, "rmot_1_note")?, kept, "{answer}"),
            None => assert!(!has(&x, "rmot_1_note"), "{answer}"),
        }
    }
    // Not answered at all: no fact, and the note of unanswered questions says so.
    let x = ok(b"PAUT-8,Yes\n")?;
    assert!(!has(&x, "rmot_1"));
    assert!(noted(&x, "whole", "RDMP-4, RMOT-1, RMOT-1.1"));
    Ok(())
}

#[test]
fn release_dates_are_read_when_they_cannot_be_mistaken() -> Result<(), String> {
    for (written, read) in [
        ("31/03/2025", "2025-03-31T00:00:00Z"),
        ("03/31/2025", "2025-03-31T00:00:00Z"),
        ("31-Mar-2025", "2025-03-31T00:00:00Z"),
        ("\"March 31, 2025\"", "2025-03-31T00:00:00Z"),
        ("2025-03-31T12:00:00+01:00", "2025-03-31T12:00:00+01:00"),
    ] {
        let x = ok(&doc_section(written, "Yes", ""))?;
        assert_eq!(datetime(&x, "release_date")?, read, "{written}");
    }
    for (written, why) in [
        ("04/03/2025", "could be day 4 of month 3 or month 4, day 3"),
        ("March 2025", "no day"),
        ("TBD", "is not a day, a month or a year"),
        ("31/02/2025", "2025-02 has no day 31"),
    ] {
        let x = ok(&doc_section(written, "Yes", ""))?;
        assert!(!has(&x, "release_date"), "{written}");
        assert!(noted(&x, "line 8", "DOC-7 release date"), "{written}");
        assert!(noted(&x, "line 8", why), "{written}: {:?}", notes(&x));
        assert!(noted(&x, "line 8", "`mds2.release_date` is absent"));
    }
    // No release date given: nothing, and no note.
    let x = ok(&doc_section("", "Yes", ""))?;
    assert!(!has(&x, "release_date"));
    assert!(!notes(&x).iter().any(|n| n.contains("DOC-7")));
    Ok(())
}

#[test]
fn a_form_naming_two_subjects_is_refused() -> Result<(), String> {
    // A metadata row and the DOC row disagree about the manufacturer.
    let doc = String::from_utf8(doc_section("2025-03-31", "Yes", ""))
        .map_err(|e| e.to_string())?
        .replace("Notes\r\n", "Notes\r\nmanufacturer,,Acme Infusion plc,\r\n")
        .replace(
            "DOC-1,Manufacturer Name,Acme Infusion plc",
            "DOC-1,Manufacturer Name,Other Devices Inc",
        );
    let e = err(doc.as_bytes())?;
    assert_eq!(place(&e.location), "line 3");
    assert!(
        e.message
            .contains("two different values for the manufacturer name"),
        "{}",
        e.message
    );
    assert!(
        e.message
            .contains("\"Acme Infusion plc\" (`manufacturer`, line 2)"),
        "{}",
        e.message
    );
    assert!(
        e.message
            .contains("\"Other Devices Inc\" (`DOC-1`, line 3)"),
        "{}",
        e.message
    );
    // The same DOC question answered twice, differently.
    for (id, first, second, what) in [
        ("DOC-3", "SD-40", "SD-60", "the device model"),
        ("DOC-4", "ACME-1", "ACME-2", "the document id"),
        (
            "DOC-7",
            "2025-03-31",
            "2025-04-30",
            "the document release date",
        ),
        (
            "DOC-2",
            "Syringe driver",
            "Infusion pump",
            "the device description",
        ),
    ] {
        let doc = format!("{id},{first}\n{id},{second}\nPAUT-8,Yes\n");
        let e = err(doc.as_bytes())?;
        assert_eq!(place(&e.location), "line 2", "{id}");
        assert!(e.message.contains(what), "{id}: {}", e.message);
    }
    // The `device` row names the device; DOC-2 only describes it, so a
    // different description is noted, not refused.
    let doc = String::from_utf8(doc_section("2025-03-31", "Yes", ""))
        .map_err(|e| e.to_string())?
        .replace(
            "Notes\r\n",
            "Notes\r\ndevice,,Acme SD-40 syringe driver,\r\n",
        );
    let x = ok(doc.as_bytes())?;
    assert_eq!(text(&x, "device")?, "Acme SD-40 syringe driver");
    assert_eq!(at(&x, "device")?, "line 2");
    assert_eq!(text(&x, "manufacturer")?, "Acme Infusion plc");
    assert!(noted(
        &x,
        "line 4",
        "not the DOC-2 device description \"Syringe driver\""
    ));
    Ok(())
}

#[test]
fn stray_quote_text_is_kept_and_noted() -> Result<(), String> {
    let x = ok(b"PAUT-9,\"Yes\" (LDAP),\n")?;
    assert_eq!(text(&x, "paut_9")?, "yes");
    assert_eq!(text(&x, "paut_9_note")?, "LDAP");
    assert!(noted(&x, "line 1", "text after the closing quote"));
    Ok(())
}

#[test]
fn not_an_mds2_export() -> Result<(), String> {
    for doc in [
        &b""[..],
        b"\n\r\n",
        b"id,answer,note\n",
        b"{\"PAUT-8\": \"yes\"}",
        b"name,version\nleft-pad,1.3.0\n",
        b"Contact: mailto:security@acme.test\nExpires: 2026-01-01T00:00:00Z\n",
    ] {
        let e = err(doc)?;
        assert!(e.message.starts_with("not an MDS2 export"), "{}", e.message);
        assert_eq!(place(&e.location), "line 1");
    }
    Ok(())
}

#[test]
fn truncated_inside_a_quoted_cell() -> Result<(), String> {
    let e = err(b"PAUT-8,No,\"Planned for\nrelease 4.4 once the")?;
    assert_eq!(place(&e.location), "line 1");
    assert!(e.message.contains("never closed"), "{}", e.message);
    assert!(e.message.contains("truncated"), "{}", e.message);
    Ok(())
}

#[test]
fn invalid_utf8_names_the_line() -> Result<(), String> {
    // Latin-1 "é", as a spreadsheet saving "CSV" rather than "CSV UTF-8" writes it.
    let e = err(b"Question ID,Answer\nDOC-1,Soci\xE9t\xE9 Acme\n")?;
    assert_eq!(place(&e.location), "line 2");
    assert!(e.message.contains("not valid UTF-8"), "{}", e.message);
    Ok(())
}

#[test]
fn huge_line_is_refused_quickly() -> Result<(), String> {
    let mut doc = b"DOC-8,Yes\nPAUT-8,Yes,".to_vec();
    doc.resize(doc.len() + 50 * 1024 * 1024, b'a');
    let e = err(&doc)?;
    assert_eq!(place(&e.location), "line 2");
    assert!(
        e.message.contains("over the limit of 65536"),
        "{}",
        e.message
    );
    Ok(())
}

#[test]
fn huge_quoted_cell_is_refused() -> Result<(), String> {
    let line = "b".repeat(40_000);
    let doc = format!("DOC-8,Yes\nPAUT-8,Yes,\"{line}\n{line}\n\"\n");
    let e = err(doc.as_bytes())?;
    assert_eq!(place(&e.location), "line 2");
    assert!(
        e.message.contains("cell that starts on line 2"),
        "{}",
        e.message
    );
    Ok(())
}

#[test]
fn too_many_lines_are_refused() -> Result<(), String> {
    let doc = format!("DOC-8,Yes\n{}", "\n".repeat(200_000));
    let e = err(doc.as_bytes())?;
    assert_eq!(place(&e.location), "line 100001");
    Ok(())
}

#[test]
fn odd_input_does_not_panic() {
    let docs: [&[u8]; 9] = [
        b"\"",
        b"\"\"\"",
        b",,,,,,\n,,,",
        b"PAUT-8,\"\"\"\"",
        b"PAUT-8,Yes\r",
        b"PAUT-8\rYes\r",
        b"\xEF\xBB\xBF",
        b"PAUT-99999999999999999999,Yes",
        b"PAUT-\xC3\xA9,Yes\nDOC-8,\xE2\x80\x94",
    ];
    for doc in docs {
        let _ = run(doc);
    }
}

#[test]
fn describe_and_schema_agree() {
    let info = assure_plugin_mds2::describe();
    assert_eq!(info.name, "mds2");
    assert_eq!(
        info.media_types,
        ["text/csv", "application/vnd.assure.mds2+csv"]
    );
    let schema = include_str!("../../../../policies/nhs-baseline/schema.cedarschema");
    let block = schema
        .split("type Mds2 = {")
        .nth(1)
        .and_then(|rest| rest.split("};").next())
        .unwrap_or_default();
    for path in &info.fact_paths {
        let field = path.trim_start_matches("mds2.");
        assert!(
            block.contains(&format!(" {field}:")) || block.contains(&format!(" {field}?:")),
            "{field} is not a field of Mds2"
        );
    }
}
