//! The plugin over the documented examples (see `examples/README.md`), and
//! the examples, the schema and the plugin held to each other.

use crate::common::schema::{cedar_record, keys_at, sorted, strings_at, validate};
use crate::common::*;
use assure_plugin_supplier_assurance as assurance;

const GOOD: &[u8] = include_bytes!("../../examples/careflow-assurance-2025.json");
const WEAK: &[u8] = include_bytes!("../../examples/careflow-assurance-2024-iso2013.json");
const SCHEMA: &str = include_str!("../../schema/supplier-assurance.schema.json");
const CEDAR: &str = include_str!("../../../../policies/nhs-baseline/schema.cedarschema");

#[test]
fn a_full_statement_gives_every_fact_where_it_stands() -> Result<(), String> {
    let x = ok(GOOD)?;
    let f = &x.facts;
    assert_eq!(text(f, "assurance.supplier_name")?, "Northwind Health Ltd");
    assert_eq!(at(f, "assurance.supplier_name")?, "/supplier");
    assert_eq!(text(f, "assurance.product_name")?, "CareFlow");
    assert_eq!(at(f, "assurance.product_name")?, "/product");
    assert_eq!(text(f, "assurance.product_version")?, "4.2.0");
    assert_eq!(at(f, "assurance.product_version")?, "/product_version");
    assert_eq!(datetime(f, "assurance.statement_date")?, "2025-08-29");
    assert_eq!(at(f, "assurance.statement_date")?, "/statement_date");
    assert!(text(f, "assurance.secure_development_framework")?.starts_with("NIST"));
    assert_eq!(
        at(f, "assurance.secure_development_framework")?,
        "/development/framework"
    );
    assert!(boolean(f, "assurance.tests_before_release")?);
    assert_eq!(
        at(f, "assurance.tests_before_release")?,
        "/development/tests_before_release"
    );
    assert!(boolean(f, "assurance.secure_by_default")?);
    assert_eq!(
        text_set(f, "assurance.reports_vulnerabilities_to")?.len(),
        3
    );
    assert_eq!(
        at(f, "assurance.reports_vulnerabilities_to")?,
        "/vulnerability_reporting/reports_to"
    );
    assert!(boolean(f, "assurance.security_monitoring_24x7")?);
    assert!(boolean(f, "assurance.notifies_customers_of_incidents")?);
    assert!(boolean(f, "assurance.notifies_nhs_england_of_incidents")?);
    assert_eq!(long(f, "assurance.incident_notification_hours")?, 24);
    assert_eq!(
        at(f, "assurance.incident_notification_hours")?,
        "/incident_response/notification_hours"
    );
    assert_eq!(datetime(f, "assurance.board_exercise_date")?, "2025-03-20");
    assert_eq!(
        at(f, "assurance.board_exercise_date")?,
        "/incident_response/board_exercise_date"
    );
    assert!(boolean(f, "assurance.backups_immutable")?);
    assert_eq!(at(f, "assurance.backups_immutable")?, "/backups/immutable");
    assert_eq!(
        datetime(f, "assurance.backup_restore_tested")?,
        "2025-07-31"
    );
    assert_eq!(
        at(f, "assurance.backup_restore_tested")?,
        "/backups/restore_tested"
    );
    assert_eq!(text(f, "assurance.dspt_status")?, "Standards Met");
    assert_eq!(text(f, "assurance.dspt_assessment_year")?, "2024-25");
    assert_eq!(
        datetime(f, "assurance.dspt_year_ends")?,
        "2025-06-30T23:59:59Z"
    );
    assert_eq!(at(f, "assurance.dspt_year_ends")?, "/dspt/assessment_year");
    assert_eq!(datetime(f, "assurance.dspt_published")?, "2025-06-24");
    assert_eq!(text(f, "assurance.dspt_ods_code")?, "8JX21");
    assert_eq!(text(f, "assurance.iso27001_edition")?, "2022");
    assert_eq!(at(f, "assurance.iso27001_edition")?, "/iso27001/edition");
    assert_eq!(
        text(f, "assurance.iso27001_certificate_number")?,
        "IS 781204"
    );
    assert_eq!(datetime(f, "assurance.iso27001_expires")?, "2027-02-28");
    assert!(text(f, "assurance.iso27001_scope")?.contains("CareFlow"));
    // Not a device: no post-market surveillance section, no fact.
    assert!(!has(f, "assurance.pms_plan"));
    assert_eq!(datetime(f, "assurance.support_ends")?, "2029-12-31");
    assert_eq!(at(f, "assurance.support_ends")?, "/support/ends");
    assert_eq!(long(f, "assurance.end_of_support_notice_months")?, 18);
    assert_eq!(f.len(), 26);
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    assert!(x.entities.is_empty());
    Ok(())
}

#[test]
fn a_weak_statement_says_so_in_its_facts() -> Result<(), String> {
    let x = ok(WEAK)?;
    let f = &x.facts;
    // "None" names no framework.
    assert_eq!(text(f, "assurance.secure_development_framework")?, "none");
    assert_eq!(
        notes(&x),
        [
            "/development/framework: `framework` \"None\" names no framework: `assurance.secure_development_framework` is \"none\""
        ]
    );
    assert!(!boolean(f, "assurance.secure_by_default")?);
    assert!(text_set(f, "assurance.reports_vulnerabilities_to")?.is_empty());
    assert!(!boolean(f, "assurance.security_monitoring_24x7")?);
    assert!(!boolean(f, "assurance.notifies_nhs_england_of_incidents")?);
    assert_eq!(long(f, "assurance.incident_notification_hours")?, 120);
    assert_eq!(text(f, "assurance.dspt_status")?, "Approaching Standards");
    assert_eq!(
        datetime(f, "assurance.dspt_year_ends")?,
        "2024-06-30T23:59:59Z"
    );
    assert_eq!(text(f, "assurance.iso27001_edition")?, "2013");
    assert!(!boolean(f, "assurance.pms_plan")?);
    assert_eq!(
        at(f, "assurance.pms_plan")?,
        "/post_market_surveillance/plan"
    );
    assert_eq!(long(f, "assurance.end_of_support_notice_months")?, 6);
    // No version named, no backups section: neither fact.
    assert!(!has(f, "assurance.product_version"));
    assert!(!has(f, "assurance.backups_immutable"));
    assert!(!has(f, "assurance.backup_restore_tested"));
    assert_eq!(
        datetime(f, "assurance.statement_date")?,
        "2025-02-03T16:30:00Z"
    );
    Ok(())
}

/// Every file in `examples/`: valid against the schema and read by the plugin.
#[test]
fn every_example_is_valid_and_read() -> Result<(), String> {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).map_err(|e| e.to_string())?;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        let doc: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        validate(&schema, &doc).map_err(|e| format!("{}: {e}", path.display()))?;
        let x = ok(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        assert!(
            has(&x.facts, "assurance.statement_date"),
            "{}",
            path.display()
        );
        seen += 1;
    }
    assert_eq!(seen, 2);
    Ok(())
}

#[test]
fn schema_names_what_the_plugin_reads() -> Result<(), String> {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).map_err(|e| e.to_string())?;
    assert_eq!(
        schema.get("$schema").and_then(|s| s.as_str()),
        Some("https://json-schema.org/draft/2020-12/schema")
    );
    assert_eq!(
        schema
            .pointer("/properties/assure_format/const")
            .and_then(|s| s.as_str()),
        Some(assurance::FORMAT)
    );
    assert_eq!(
        strings_at(&schema, &["required"]),
        sorted(assurance::REQUIRED_MEMBERS)
    );
    assert_eq!(
        keys_at(&schema, &["properties"]),
        sorted(assurance::KNOWN_MEMBERS)
    );
    for (name, required, known) in assurance::SECTIONS {
        assert_eq!(
            strings_at(&schema, &["properties", name, "required"]),
            sorted(required),
            "{name}"
        );
        assert_eq!(
            keys_at(&schema, &["properties", name, "properties"]),
            sorted(known),
            "{name}"
        );
    }
    assert_eq!(
        strings_at(
            &schema,
            &["properties", "dspt", "properties", "status", "enum"]
        ),
        sorted(assurance::DSPT_STATUSES)
    );
    Ok(())
}

/// The schema and the plugin agree on broken variants of the full example:
/// both refuse each, and the plugin says where.
#[test]
fn schema_and_plugin_reject_the_same_breakage() -> Result<(), String> {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).map_err(|e| e.to_string())?;
    let good: serde_json::Value = serde_json::from_slice(GOOD).map_err(|e| e.to_string())?;
    let mut breakages: Vec<(String, serde_json::Value)> = assurance::REQUIRED_MEMBERS
        .iter()
        .map(|m| (format!("/{m}"), serde_json::Value::Null))
        .collect();
    for (name, required, _) in assurance::SECTIONS {
        if good.get(*name).is_none() {
            continue;
        }
        for m in *required {
            breakages.push((format!("/{name}/{m}"), serde_json::Value::Null));
        }
    }
    breakages.extend([
        ("/supplier".to_owned(), 7.into()),
        ("/product".to_owned(), "".into()),
        ("/product_version".to_owned(), serde_json::json!(4.2)),
        ("/development".to_owned(), serde_json::json!(true)),
        ("/development/tests_before_release".to_owned(), "yes".into()),
        (
            "/vulnerability_reporting/reports_to".to_owned(),
            "NCSC".into(),
        ),
        (
            "/incident_response/notification_hours".to_owned(),
            serde_json::json!(-1),
        ),
        (
            "/incident_response/notification_hours".to_owned(),
            serde_json::json!(24.5),
        ),
        (
            "/incident_response/notification_hours".to_owned(),
            "24".into(),
        ),
        ("/backups/immutable".to_owned(), serde_json::json!(1)),
        ("/dspt/status".to_owned(), "Standards met-ish".into()),
        (
            "/support/end_of_support_notice_months".to_owned(),
            serde_json::json!(99_999),
        ),
    ]);
    for (pointer, value) in breakages {
        let mut doc = good.clone();
        let (parent, key) = pointer.rsplit_once('/').ok_or("pointer")?;
        let parent = doc
            .pointer_mut(parent)
            .and_then(|p| p.as_object_mut())
            .ok_or(pointer.clone())?;
        if value.is_null() {
            parent.remove(key);
        } else {
            parent.insert(key.to_owned(), value);
        }
        assert!(
            validate(&schema, &doc).is_err(),
            "schema accepts broken {pointer}"
        );
        let bytes = serde_json::to_vec(&doc).map_err(|e| e.to_string())?;
        let (at, _) = err_at(&bytes)?;
        assert_eq!(at, pointer);
    }
    Ok(())
}

#[test]
fn describe_names_what_the_schema_declares() -> Result<(), String> {
    let info = assurance::describe();
    assert_eq!(info.name, "supplier-assurance");
    assert_eq!(
        info.media_types,
        ["application/vnd.assure.supplier-assurance+json"]
    );
    // Every field but those the engine sets (its binding of the statement
    // to submission.toml).
    let record: Vec<(String, bool)> = cedar_record(CEDAR, "Assurance")
        .into_iter()
        .filter(|(f, _)| !matches!(f.as_str(), "names_product" | "names_supplier"))
        .collect();
    let mut declared: Vec<String> = record
        .iter()
        .map(|(f, _)| format!("assurance.{f}"))
        .collect();
    declared.sort();
    let mut emitted = info.fact_paths.clone();
    emitted.sort();
    assert_eq!(emitted, declared);
    // Optional: the version, and the certificate only some suppliers hold.
    let mut optional: Vec<&str> = record
        .iter()
        .filter(|(_, r)| !r)
        .map(|(f, _)| f.as_str())
        .collect();
    optional.sort_unstable();
    assert_eq!(
        optional,
        [
            "iso27001_certificate_number",
            "iso27001_edition",
            "iso27001_expires",
            "iso27001_scope",
            "product_version"
        ]
    );
    Ok(())
}
