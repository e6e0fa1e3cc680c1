//! The completed form itself, as a real supplier sent it: RCPCH's DTAC
//! v1.0 form for the Digital Growth Charts, in the DOCX and the ODT it
//! published (see `../sdk/tests/fixtures/office/PROVENANCE.md`), read with
//! each answer located at its table cell. Read from the form, the facts are
//! the ones a reviewer transcribed from it by hand (`corpus/`).

use assure_plugin_dtac::{MEDIA_TYPE, read};
use assure_plugin_sdk::office::{DOCX_MEDIA_TYPE, ODT_MEDIA_TYPE};
use assure_plugin_sdk::{Document, ExtractError, Extraction, Location, Value};

const DOCX: &[u8] = include_bytes!("../../../sdk/tests/fixtures/office/rcpch-dtac.docx");
const ODT: &[u8] = include_bytes!("../../../sdk/tests/fixtures/office/rcpch-dtac.odt");
const LIBREOFFICE_DOCX: &[u8] =
    include_bytes!("../../../sdk/tests/fixtures/office/rcpch-dtac-libreoffice.docx");
const TRANSCRIBED: &[u8] = include_bytes!("../corpus/rcpch-dgc-dtac-v1.json");
const NOT_A_FORM: &[u8] =
    include_bytes!("../../../sdk/tests/fixtures/office/libreoffice-features.docx");

fn run(bytes: &[u8], media_type: &str) -> Result<Extraction, ExtractError> {
    read(&Document {
        name: "dtac-form".to_owned(),
        media_type: media_type.to_owned(),
        bytes: bytes.to_vec(),
    })
}

fn ok(bytes: &[u8], media_type: &str) -> Result<Extraction, String> {
    run(bytes, media_type).map_err(|e| format!("{} at {:?}", e.message, e.location))
}

/// Each `dtac.*` fact's path and value, in order.
fn values(x: &Extraction) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = x
        .facts
        .iter()
        .map(|f| (f.path.clone(), format!("{:?}", f.value)))
        .collect();
    out.sort();
    out
}

fn fact<'a>(x: &'a Extraction, path: &str) -> Option<&'a assure_plugin_sdk::Fact> {
    x.facts.iter().find(|f| f.path == path)
}

fn pointer(location: &Location) -> &str {
    match location {
        Location::Pointer(p) => p,
        _ => "",
    }
}

#[test]
fn the_form_gives_the_facts_a_reviewer_transcribed_from_it() -> Result<(), String> {
    let transcribed = ok(TRANSCRIBED, MEDIA_TYPE)?;
    for (name, bytes, media_type) in [
        ("DOCX", DOCX, DOCX_MEDIA_TYPE),
        ("ODT", ODT, ODT_MEDIA_TYPE),
        ("LibreOffice DOCX", LIBREOFFICE_DOCX, DOCX_MEDIA_TYPE),
    ] {
        let form = ok(bytes, media_type)?;
        let (mut from_form, mut by_hand) = (values(&form), values(&transcribed));
        // The transcription also states what the form's table cannot: that
        // nothing more was said. Compare the facts both have, and demand
        // that the form gives every fact the transcription does.
        from_form.retain(|(p, _)| p != "dtac.completed");
        by_hand.retain(|(p, _)| p != "dtac.completed");
        let missing: Vec<_> = by_hand.iter().filter(|f| !from_form.contains(f)).collect();
        let extra: Vec<_> = from_form.iter().filter(|f| !by_hand.contains(f)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{name}: facts only the transcription has: {missing:?}\nfacts only the form has: {extra:?}"
        );
    }
    Ok(())
}

#[test]
fn each_answer_is_located_at_its_table_cell() -> Result<(), String> {
    let form = ok(DOCX, DOCX_MEDIA_TYPE)?;
    // Section A is the form's first table: A2, the product, in row 3, cell 3.
    let product = fact(&form, "dtac.product_name").ok_or("no product")?;
    assert_eq!(pointer(&product.location), "/tables/0/rows/2/cells/2");
    // C1.2, the Clinical Safety Officer, is in the C1 table (the third),
    // row 5; the supplier answered in the last column.
    let cso = fact(&form, "dtac.clinical_safety_officer_registration").ok_or("no CSO")?;
    assert_eq!(pointer(&cso.location), "/tables/2/rows/4/cells/4");
    assert!(
        matches!(&cso.value, Value::Text(t) if t == "GMC 4712729"),
        "{:?}",
        cso.value
    );
    let version = fact(&form, "dtac.version").ok_or("no version")?;
    assert!(
        matches!(&version.value, Value::Text(t) if t == "1.0"),
        "{:?}",
        version.value
    );
    Ok(())
}

#[test]
fn the_pen_test_in_progress_is_no_passing_fact() -> Result<(), String> {
    // C3.2: "Penetration testing is in the process of being conducted."
    // That is none of the options (Provided | No evidence available).
    let form = ok(ODT, ODT_MEDIA_TYPE)?;
    for path in [
        "dtac.pentest_summary_provided",
        "dtac.pentest_within_12_months",
    ] {
        assert!(
            fact(&form, path).is_none_or(|f| matches!(f.value, Value::Boolean(false))),
            "{path}: {:?}",
            fact(&form, path)
        );
    }
    assert!(
        form.notes
            .iter()
            .any(|n| n.message.contains("C3.2")
                && pointer(&n.location).starts_with("/tables/4/rows/2")),
        "{:?}",
        form.notes
    );
    Ok(())
}

#[test]
fn a_document_that_is_not_a_dtac_form_is_refused_by_name() {
    let e = run(NOT_A_FORM, DOCX_MEDIA_TYPE).err();
    let message = e.map(|e| e.message).unwrap_or_default();
    // Its tables have no DTAC question rows, or none that tells a version.
    assert!(
        message.contains("not a completed DTAC form")
            || message.contains("is this a completed DTAC form?"),
        "{message}"
    );
    let e = run(b"PK\x03\x04 not really a zip", ODT_MEDIA_TYPE).err();
    let message = e.map(|e| e.message).unwrap_or_default();
    assert!(
        message.starts_with("cannot read the DTAC form"),
        "{message}"
    );
}
