//! The plugin over the hostile and dishonest statements of `tests/corpus/`
//! (see its README): what it reads from each, or where it refuses it. What
//! the gate decides on each is `tests/tests/integration/supplier_assurance.rs`.

use crate::common::*;

fn corpus(name: &str) -> Result<Vec<u8>, String> {
    let path = format!("{}/tests/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).map_err(|e| format!("{path}: {e}"))
}

#[test]
fn statements_about_another_product_version_or_supplier_are_read_as_written() -> Result<(), String>
{
    // The plugin reads them; the engine binds them to the submission and
    // the baseline rejects them (R26.6, R26.7).
    let x = ok(&corpus("another-product.json")?)?;
    assert_eq!(
        text(&x.facts, "assurance.product_name")?,
        "CareFlow Reports"
    );
    let x = ok(&corpus("another-version.json")?)?;
    assert_eq!(text(&x.facts, "assurance.product_version")?, "3.8.0");
    let x = ok(&corpus("another-supplier.json")?)?;
    assert_eq!(
        text(&x.facts, "assurance.supplier_name")?,
        "Southwind Health Ltd"
    );
    Ok(())
}

#[test]
fn a_future_dated_statement_keeps_its_date() -> Result<(), String> {
    // The plugin has no clock: the date goes to the baseline (R27.8).
    let x = ok(&corpus("future-dated.json")?)?;
    assert_eq!(
        datetime(&x.facts, "assurance.statement_date")?,
        "2031-01-06"
    );
    assert_eq!(
        datetime(&x.facts, "assurance.backup_restore_tested")?,
        "2030-12-01"
    );
    Ok(())
}

#[test]
fn a_2013_certificate_is_read_as_the_2013_edition() -> Result<(), String> {
    let x = ok(&corpus("iso27001-2013.json")?)?;
    assert_eq!(text(&x.facts, "assurance.iso27001_edition")?, "2013");
    assert_eq!(
        at(&x.facts, "assurance.iso27001_edition")?,
        "/iso27001/edition"
    );
    // Its own expiry is later; the edition decides (R31.1).
    assert_eq!(
        datetime(&x.facts, "assurance.iso27001_expires")?,
        "2026-05-31"
    );
    Ok(())
}

#[test]
fn a_claim_with_no_date_is_refused_where_the_date_is_missing() -> Result<(), String> {
    let (at, message) = err_at(&corpus("claim-without-date.json")?)?;
    assert_eq!(at, "/backups/restore_tested");
    assert!(
        message.contains("`backups.restore_tested` is missing"),
        "{message}"
    );
    Ok(())
}

#[test]
fn a_claim_dated_after_the_statement_is_refused() -> Result<(), String> {
    let (at, message) = err_at(&corpus("claim-after-statement.json")?)?;
    assert_eq!(at, "/incident_response/board_exercise_date");
    assert!(
        message.contains("2025-09-01 is after the statement's date 2025-08-29"),
        "{message}"
    );
    Ok(())
}

#[test]
fn invisible_text_is_passed_on_for_the_engine_to_refuse() -> Result<(), String> {
    // Text of invisible characters only is not trimmed away (they are not
    // white space): the engine refuses the fact as no answer, a fact
    // problem that keeps the verdict from approve.
    let x = ok(&corpus("invisible-framework.json")?)?;
    assert_eq!(
        text(&x.facts, "assurance.secure_development_framework")?,
        "\u{200b}\u{2060}"
    );
    Ok(())
}

#[test]
fn a_wrong_type_is_refused_where_it_is() -> Result<(), String> {
    let (at, message) = err_at(&corpus("wrong-type.json")?)?;
    assert_eq!(at, "/incident_response/notification_hours");
    assert!(
        message.contains("must be a whole number from 0 to 8760, not text"),
        "{message}"
    );
    Ok(())
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() -> Result<(), String> {
    let e = err(&corpus("deeply-nested.json")?)?;
    assert!(e.message.contains("recursion limit"), "{}", e.message);
    Ok(())
}
