//! The plugin over the documented examples (see `examples/README.md`), and
//! the examples, the schema and the plugin held to each other.

use crate::common::schema::{cedar_record, keys_at, sorted, strings_at, validate};
use crate::common::*;

const V2: &[u8] = include_bytes!("../../examples/careflow-dtac-v2.json");
const V1: &[u8] = include_bytes!("../../examples/careflow-dtac-v1.json");
const CHARTER: &[u8] = include_bytes!("../../examples/careflow-dtac-v2-charter.json");
const SCHEMA: &str = include_str!("../../schema/dtac-answers.schema.json");
const CEDAR: &str = include_str!("../../../../policies/nhs-baseline/schema.cedarschema");

#[test]
fn version_2_0() -> Result<(), String> {
    let x = ok(V2)?;
    let f = &x.facts;
    assert_eq!(text(f, "dtac.version")?, "2.0");
    assert_eq!(at(f, "dtac.version")?, "/dtac_version");
    // C1: not a device; C1.1.1 "No" routes past C1.1.2.
    assert!(!boolean(f, "dtac.medical_device")?);
    assert_eq!(at(f, "dtac.medical_device")?, "/answers/C1.1.1/answer");
    for absent in [
        "dtac.standalone_medical_device",
        "dtac.paq_provided",
        "dtac.mhra_registered",
        "dtac.conformity_declaration",
        "dtac.dcb0129_out_of_scope_reason",
    ] {
        assert!(!has(f, absent), "{absent}");
    }
    assert!(noted(
        &x,
        "/answers/C1.1.1/answer",
        &["\"No\" routes past C1.1.2"]
    ));
    // C1.2 "Yes - visit notes are read…": the option, and the words as a note.
    assert!(boolean(f, "dtac.dcb0129_in_scope")?);
    assert_eq!(at(f, "dtac.dcb0129_in_scope")?, "/answers/C1.2/answer");
    assert!(noted(
        &x,
        "/answers/C1.2/answer",
        &["\"Yes\"", "visit notes are read"]
    ));
    assert!(boolean(f, "dtac.dcb0129_compliant")?);
    assert_eq!(at(f, "dtac.dcb0129_compliant")?, "/answers/C1.2.2/answer");
    assert!(boolean(f, "dtac.clinical_risk_management_system")?);
    assert!(boolean(f, "dtac.safety_case_and_hazard_log")?);
    assert_eq!(
        at(f, "dtac.safety_case_and_hazard_log")?,
        "/answers/C1.2.4/answer"
    );
    // C1.2.5 is free text: the CSO is named, the registration read from it.
    assert!(boolean(f, "dtac.clinical_safety_officer")?);
    assert_eq!(
        text(f, "dtac.clinical_safety_officer_registration")?,
        "GMC 7012345"
    );
    assert_eq!(
        at(f, "dtac.clinical_safety_officer_registration")?,
        "/answers/C1.2.5/answer"
    );
    assert!(noted(
        &x,
        "/answers/C1.2.5/answer",
        &["free text", "Dr Priya Raman"]
    ));
    // C2.1 "Confirmed. Standards Met …, ODS code 8NW01."
    assert!(boolean(f, "dtac.patient_data_access")?);
    assert!(boolean(f, "dtac.dspt_confirmed")?);
    assert_eq!(at(f, "dtac.dspt_confirmed")?, "/answers/C2.1/answer");
    assert_eq!(text(f, "dtac.dspt_status")?, "Standards Met");
    assert_eq!(text(f, "dtac.dspt_ods_code")?, "8NW01");
    assert!(boolean(f, "dtac.processes_personal_data")?);
    assert_eq!(
        at(f, "dtac.processes_personal_data")?,
        "/answers/C2.2/answer"
    );
    assert!(boolean(f, "dtac.ico_registered")?);
    assert_eq!(at(f, "dtac.ico_registered")?, "/answers/C2.2.1/answer");
    assert_eq!(text(f, "dtac.ico_registration_number")?, "ZB987654");
    assert_eq!(
        at(f, "dtac.ico_registration_number")?,
        "/answers/C2.2.1/registration"
    );
    assert!(boolean(f, "dtac.dpia")?);
    assert!(!boolean(f, "dtac.data_in_uk")?);
    assert_eq!(
        text(f, "dtac.data_transfer_basis")?,
        "UK adequacy regulations (EU/EEA): Ireland"
    );
    assert_eq!(at(f, "dtac.data_transfer_basis")?, "/answers/C2.2.6/answer");
    // C3.
    assert!(boolean(f, "dtac.cyber_essentials")?);
    assert!(!boolean(f, "dtac.supplier_charter_signed")?);
    assert!(boolean(f, "dtac.pentest_summary_provided")?);
    assert_eq!(
        at(f, "dtac.pentest_summary_provided")?,
        "/answers/C3.3/answer"
    );
    assert!(boolean(f, "dtac.pentest_within_12_months")?);
    assert_eq!(
        at(f, "dtac.pentest_within_12_months")?,
        "/answers/C3.3/within_12_months"
    );
    assert!(boolean(f, "dtac.pentest_owasp_top10")?);
    assert!(boolean(f, "dtac.pentest_no_open_high")?);
    assert!(boolean(f, "dtac.sscop_conformant")?);
    assert!(boolean(f, "dtac.mfa_plan")?);
    assert_eq!(at(f, "dtac.mfa_plan")?, "/answers/C3.5/answer");
    assert!(boolean(f, "dtac.supplier_has_access")?);
    assert!(boolean(f, "dtac.mfa_privileged")?);
    assert_eq!(at(f, "dtac.mfa_privileged")?, "/answers/C3.5.1/answer");
    assert!(boolean(f, "dtac.mfa_remote_access")?);
    assert!(boolean(f, "dtac.audit_logging")?);
    assert_eq!(at(f, "dtac.audit_logging")?, "/answers/C3.6/answer");
    // What the answers are about: the top-level members.
    assert_eq!(text(f, "dtac.product_name")?, "CareFlow");
    assert_eq!(at(f, "dtac.product_name")?, "/product");
    assert_eq!(text(f, "dtac.product_version")?, "4.2.0");
    assert_eq!(text(f, "dtac.supplier_name")?, "Northwind Health Ltd");
    // A bare date is midnight UTC.
    assert_eq!(datetime(f, "dtac.completed")?, "2026-04-20T00:00:00Z");
    assert_eq!(f.len(), 34);
    assert!(noted(
        &x,
        "/answers",
        &["4 answers", "C2.2.3, C2.2.4, C4.1, D1.1"]
    ));
    assert!(x.entities.is_empty());
    Ok(())
}

#[test]
fn version_1_0_told_from_its_question_ids() -> Result<(), String> {
    let x = ok(V1)?;
    let f = &x.facts;
    assert_eq!(text(f, "dtac.version")?, "1.0");
    assert_eq!(at(f, "dtac.version")?, "/answers/C1.1");
    assert_eq!(text(f, "dtac.product_version")?, "3.8.1");
    // A date-time with an offset is kept as written.
    assert_eq!(datetime(f, "dtac.completed")?, "2025-09-01T14:05:00+01:00");
    assert!(noted(
        &x,
        "/answers/C1.1",
        &["no `dtac_version`", "v1.0", "C1.1, C1.3"]
    ));
    // v1.0 always asks DCB0129.
    assert!(boolean(f, "dtac.dcb0129_in_scope")?);
    assert!(boolean(f, "dtac.dcb0129_compliant")?);
    assert_eq!(at(f, "dtac.dcb0129_compliant")?, "/answers/C1.1/answer");
    assert!(boolean(f, "dtac.clinical_risk_management_system")?);
    assert_eq!(
        at(f, "dtac.clinical_risk_management_system")?,
        "/answers/C1.1.1/answer"
    );
    // "Provided." with a full stop.
    assert!(boolean(f, "dtac.safety_case_and_hazard_log")?);
    assert_eq!(
        at(f, "dtac.safety_case_and_hazard_log")?,
        "/answers/C1.1.2/answer"
    );
    assert!(boolean(f, "dtac.clinical_safety_officer")?);
    assert_eq!(
        text(f, "dtac.clinical_safety_officer_registration")?,
        "NMC 09A1234E"
    );
    // C1.3 "Not applicable": not a device, and C1.3.1, C1.3.2 routed past.
    assert!(!boolean(f, "dtac.medical_device")?);
    assert_eq!(at(f, "dtac.medical_device")?, "/answers/C1.3/answer");
    assert!(!has(f, "dtac.mhra_registered"));
    assert!(!has(f, "dtac.mhra_registration"));
    assert!(noted(
        &x,
        "/answers/C1.3.1/answer",
        &["\"N/A\"", "routes past it"]
    ));
    // C2.
    assert!(boolean(f, "dtac.ico_registered")?);
    assert_eq!(at(f, "dtac.ico_registered")?, "/answers/C2.1/answer");
    assert_eq!(text(f, "dtac.ico_registration_number")?, "ZB987654");
    assert!(boolean(f, "dtac.patient_data_access")?);
    assert!(boolean(f, "dtac.processes_personal_data")?);
    assert_eq!(
        at(f, "dtac.processes_personal_data")?,
        "/answers/C2.3/answer"
    );
    assert!(boolean(f, "dtac.dspt_confirmed")?);
    assert_eq!(text(f, "dtac.dspt_status")?, "Standards Met");
    assert_eq!(at(f, "dtac.dspt_status")?, "/answers/C2.3.1/answer");
    assert_eq!(text(f, "dtac.dspt_ods_code")?, "8NW01");
    assert_eq!(at(f, "dtac.dspt_ods_code")?, "/answers/C2.3.1/ods_code");
    assert!(boolean(f, "dtac.dpia")?);
    assert_eq!(at(f, "dtac.dpia")?, "/answers/C2.3.2/answer");
    // "UK Only".
    assert!(boolean(f, "dtac.data_in_uk")?);
    assert!(!has(f, "dtac.data_transfer_basis"));
    // C3.
    assert!(boolean(f, "dtac.cyber_essentials")?);
    assert!(boolean(f, "dtac.pentest_summary_provided")?);
    assert_eq!(
        at(f, "dtac.pentest_summary_provided")?,
        "/answers/C3.2/answer"
    );
    assert!(boolean(f, "dtac.pentest_owasp_top10")?);
    assert!(!has(f, "dtac.pentest_no_open_high"));
    assert!(boolean(f, "dtac.custom_code_reviewed")?);
    assert_eq!(at(f, "dtac.custom_code_reviewed")?, "/answers/C3.3/answer");
    assert!(boolean(f, "dtac.mfa_privileged")?);
    assert_eq!(at(f, "dtac.mfa_privileged")?, "/answers/C3.4/answer");
    assert!(boolean(f, "dtac.mfa_remote_access")?);
    assert_eq!(
        at(f, "dtac.mfa_remote_access")?,
        "/answers/C3.4/remote_access"
    );
    assert!(boolean(f, "dtac.audit_logging")?);
    assert_eq!(at(f, "dtac.audit_logging")?, "/answers/C3.5/answer");
    // v2.0-only topics are not asked by v1.0.
    for absent in [
        "dtac.supplier_charter_signed",
        "dtac.sscop_conformant",
        "dtac.mfa_plan",
        "dtac.supplier_has_access",
        "dtac.paq_provided",
    ] {
        assert!(!has(f, absent), "{absent}");
    }
    Ok(())
}

#[test]
fn charter_route_and_no_personal_data() -> Result<(), String> {
    let x = ok(CHARTER)?;
    let f = &x.facts;
    assert_eq!(text(f, "dtac.version")?, "2.0");
    assert_eq!(text(f, "dtac.product_version")?, "4.3.0");
    assert_eq!(datetime(f, "dtac.completed")?, "2026-09-14T00:00:00Z");
    assert_eq!(
        text(f, "dtac.clinical_safety_officer_registration")?,
        "GMC 7012345"
    );
    // C2.1 "No access …" and C2.2 "No": what the rules read instead of the
    // skipped answers.
    assert!(!boolean(f, "dtac.patient_data_access")?);
    assert!(!boolean(f, "dtac.processes_personal_data")?);
    assert!(noted(
        &x,
        "/answers/C2.2/answer",
        &["\"No\" routes past C2.2.1", "C2.2.6"]
    ));
    // C3.2 "Yes" routes past C3.3 to C3.6.
    assert!(boolean(f, "dtac.supplier_charter_signed")?);
    assert!(noted(
        &x,
        "/answers/C3.2/answer",
        &["routes past C3.3, C3.4, C3.5, C3.5.1, C3.6"]
    ));
    // C3.5.1, answered anyway, gives nothing.
    assert!(noted(
        &x,
        "/answers/C3.5.1/answer",
        &["C3.2 \"Yes\" routes past it"]
    ));
    for absent in [
        "dtac.dspt_confirmed",
        "dtac.dspt_status",
        "dtac.dpia",
        "dtac.ico_registered",
        "dtac.data_in_uk",
        "dtac.pentest_summary_provided",
        "dtac.sscop_conformant",
        "dtac.mfa_plan",
        "dtac.supplier_has_access",
        "dtac.mfa_privileged",
        "dtac.mfa_remote_access",
        "dtac.audit_logging",
    ] {
        assert!(!has(f, absent), "{absent}");
    }
    // Nothing that applies is unanswered, so no "not answered" note.
    assert!(
        !notes(&x).iter().any(|n| n.contains("not answered")),
        "{:?}",
        notes(&x)
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
        assert!(has(&x.facts, "dtac.version"), "{}", path.display());
        // Every example names its product, so the engine can bind it.
        let product = doc.get("product").and_then(|p| p.as_str()).unwrap_or("");
        assert_eq!(
            text(&x.facts, "dtac.product_name")?,
            product.trim(),
            "{}",
            path.display()
        );
        seen += 1;
    }
    assert_eq!(seen, 3);
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
        Some(assure_plugin_dtac::FORMAT)
    );
    assert_eq!(
        strings_at(&schema, &["required"]),
        sorted(assure_plugin_dtac::REQUIRED_MEMBERS)
    );
    assert_eq!(
        keys_at(&schema, &["properties"]),
        sorted(assure_plugin_dtac::KNOWN_MEMBERS)
    );
    assert_eq!(
        strings_at(&schema, &["$defs", "answer", "required"]),
        sorted(assure_plugin_dtac::REQUIRED_ANSWER_MEMBERS)
    );
    assert_eq!(
        keys_at(&schema, &["$defs", "answer", "properties"]),
        sorted(assure_plugin_dtac::ANSWER_MEMBERS)
    );
    Ok(())
}

/// The schema and the plugin agree on broken variants of the v2.0 example.
#[test]
fn schema_and_plugin_reject_the_same_breakage() -> Result<(), String> {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).map_err(|e| e.to_string())?;
    let good: serde_json::Value = serde_json::from_slice(V2).map_err(|e| e.to_string())?;
    let breakages: [(&str, serde_json::Value); 8] = [
        ("/assure_format", serde_json::Value::Null),
        ("/assure_format", "pentest-summary/1".into()),
        ("/product", 7.into()),
        ("/answers", serde_json::json!([])),
        ("/dtac_version", "3.0".into()),
        ("/answers/C3.1", "yes".into()),
        ("/answers/C3.1/evidence", serde_json::json!({"file": "x"})),
        ("/answers/C3.1/answer", 1.into()),
    ];
    for (pointer, value) in breakages {
        let mut doc = good.clone();
        let (parent, key) = pointer.rsplit_once('/').ok_or("pointer")?;
        let parent = doc
            .pointer_mut(parent)
            .and_then(|p| p.as_object_mut())
            .ok_or(pointer)?;
        if value.is_null() {
            parent.remove(key);
        } else {
            parent.insert(key.to_owned(), value);
        }
        assert!(validate(&schema, &doc).is_err(), "schema accepts {pointer}");
        let bytes = serde_json::to_vec(&doc).map_err(|e| e.to_string())?;
        let (at, _) = err_at(&bytes)?;
        assert!(
            at == pointer || at.starts_with(&format!("{pointer}/")),
            "{pointer}: {at}"
        );
    }
    Ok(())
}

#[test]
fn describe_names_what_the_schema_declares() -> Result<(), String> {
    let info = assure_plugin_dtac::describe();
    assert_eq!(info.name, "dtac");
    assert_eq!(
        info.media_types,
        [
            "application/vnd.assure.dtac+json",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.oasis.opendocument.text",
        ]
    );
    let record = cedar_record(CEDAR, "Dtac");
    assert!(!record.is_empty());
    // Every field of the record but those the engine sets (its binding of
    // the answers to submission.toml), and nothing else.
    let mut expected: Vec<String> = record
        .iter()
        .filter(|(f, _)| !matches!(f.as_str(), "names_product" | "names_supplier"))
        .map(|(f, _)| format!("dtac.{f}"))
        .collect();
    expected.sort();
    let mut emitted = info.fact_paths.clone();
    emitted.sort();
    assert_eq!(emitted, expected);
    // The mapping's `required` flags follow the schema's `?`.
    for row in assure_plugin_dtac::mapping::MAPPING {
        let field = row.fact.strip_prefix("dtac.").ok_or(row.fact)?;
        let required = record.iter().find(|(f, _)| f == field).map(|(_, r)| *r);
        assert_eq!(required, Some(row.required), "{field}");
    }
    Ok(())
}

/// Every fact the plugin emits is read by a rule of the baseline, or by the
/// engine, or the README says why it is kept ("shown in reports"): a new
/// fact with neither fails here.
#[test]
fn every_fact_is_read_or_kept_for_a_reason() -> Result<(), String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let mut policies = String::new();
    let dir = format!("{root}/policies/nhs-baseline");
    for entry in std::fs::read_dir(&dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|e| e == "cedar") {
            policies.push_str(&std::fs::read_to_string(&path).map_err(|e| e.to_string())?);
        }
    }
    // The engine's joins: join.rs and the files of its module.
    let mut join =
        std::fs::read_to_string(format!("{root}/engine/src/join.rs")).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(format!("{root}/engine/src/join")).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        join.push_str(&std::fs::read_to_string(&path).map_err(|e| e.to_string())?);
    }
    let readme = include_str!("../../README.md");
    for fact in assure_plugin_dtac::describe().fact_paths {
        let field = fact.strip_prefix("dtac.").ok_or(fact.as_str())?;
        let in_rule = policies.contains(&format!("resource.dtac.{field}"))
            || policies.contains(&format!("resource.dtac has {field}"));
        let by_engine = join.contains(&format!("\"{fact}\""));
        let kept = readme
            .lines()
            .any(|l| l.starts_with(&format!("| `{fact}`")) && l.contains("shown in reports"));
        assert!(
            in_rule || by_engine || kept,
            "{fact}: no rule reads it, the engine does not, and the README does not say why it is kept"
        );
    }
    Ok(())
}
