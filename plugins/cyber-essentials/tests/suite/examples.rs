//! The plugin over the documented examples (see `examples/README.md`), and
//! the examples, the schema and the plugin held to each other.

use crate::common::schema::{cedar_record, keys_at, sorted, strings_at, validate};
use crate::common::*;
use assure_plugin_cyber_essentials as ce;

const PLUS: &[u8] = include_bytes!("../../examples/northwind-ce-plus-2025.json");
const BASIC: &[u8] = include_bytes!("../../examples/northwind-ce-2024.json");
const SCHEMA: &str = include_str!("../../schema/cyber-essentials.schema.json");
const CEDAR: &str = include_str!("../../../../policies/nhs-baseline/schema.cedarschema");

#[test]
fn plus_for_the_whole_organisation() -> Result<(), String> {
    let x = ok(PLUS)?;
    let f = &x.facts;
    assert_eq!(text(f, "cyber_essentials.level")?, "Cyber Essentials Plus");
    assert_eq!(at(f, "cyber_essentials.level")?, "/level");
    assert!(boolean(f, "cyber_essentials.plus")?);
    assert_eq!(
        text(f, "cyber_essentials.organisation")?,
        "Northwind Health Ltd"
    );
    assert_eq!(at(f, "cyber_essentials.organisation")?, "/organisation");
    assert_eq!(
        text(f, "cyber_essentials.certificate_number")?,
        "3f9c2a71-5d84-4b0e-a6c3-8e17d2b45f90"
    );
    assert_eq!(datetime(f, "cyber_essentials.issued")?, "2025-11-03");
    assert_eq!(at(f, "cyber_essentials.issued")?, "/issued");
    // Exactly 12 months: the printed date stands.
    assert_eq!(datetime(f, "cyber_essentials.expires")?, "2026-11-03");
    assert_eq!(at(f, "cyber_essentials.expires")?, "/expires");
    assert!(text(f, "cyber_essentials.scope")?.starts_with("Whole organisation: 48 staff laptops"));
    assert!(boolean(f, "cyber_essentials.whole_organisation")?);
    assert_eq!(
        text(f, "cyber_essentials.certification_body")?,
        "Pennine Cyber Assurance Ltd"
    );
    assert_eq!(
        at(f, "cyber_essentials.certification_body")?,
        "/certification_body"
    );
    assert_eq!(text(f, "cyber_essentials.requirements_version")?, "3.2");
    assert_eq!(
        at(f, "cyber_essentials.requirements_version")?,
        "/requirements_version"
    );
    assert_eq!(text(f, "cyber_essentials.requirements_name")?, "Willow");
    assert_eq!(f.len(), 11);
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    assert!(x.entities.is_empty());
    Ok(())
}

#[test]
fn basic_issued_on_29_february_without_an_expiry() -> Result<(), String> {
    let x = ok(BASIC)?;
    let f = &x.facts;
    assert_eq!(text(f, "cyber_essentials.level")?, "Cyber Essentials");
    assert!(!boolean(f, "cyber_essentials.plus")?);
    assert!(!boolean(f, "cyber_essentials.whole_organisation")?);
    assert_eq!(datetime(f, "cyber_essentials.issued")?, "2024-02-29");
    assert_eq!(datetime(f, "cyber_essentials.expires")?, "2025-02-28");
    assert_eq!(at(f, "cyber_essentials.expires")?, "/issued");
    assert_eq!(
        notes(&x),
        [
            "/issued: no `expires`: a Cyber Essentials certificate is valid for 12 months from issue, so `cyber_essentials.expires` is 2025-02-28"
        ]
    );
    assert_eq!(text(f, "cyber_essentials.requirements_version")?, "3.1");
    assert_eq!(
        text(f, "cyber_essentials.requirements_name")?,
        "Montpellier"
    );
    assert_eq!(f.len(), 11);
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
        assert_eq!(x.facts.len(), ce::FACT_PATHS.len(), "{}", path.display());
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
        Some(ce::FORMAT)
    );
    assert_eq!(
        strings_at(&schema, &["required"]),
        sorted(ce::REQUIRED_MEMBERS)
    );
    assert_eq!(keys_at(&schema, &["properties"]), sorted(ce::KNOWN_MEMBERS));
    Ok(())
}

/// The schema and the plugin agree on broken variants of the Plus example.
#[test]
fn schema_and_plugin_reject_the_same_breakage() -> Result<(), String> {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).map_err(|e| e.to_string())?;
    let good: serde_json::Value = serde_json::from_slice(PLUS).map_err(|e| e.to_string())?;
    let mut breakages: Vec<(&str, serde_json::Value)> = ce::REQUIRED_MEMBERS
        .iter()
        .map(|m| (*m, serde_json::Value::Null))
        .collect();
    breakages.extend([
        ("assure_format", "dtac-answers/1".into()),
        ("organisation", 7.into()),
        ("organisation", "".into()),
        ("whole_organisation", "yes".into()),
        ("issued", serde_json::json!(["2025-11-03"])),
        ("scope", serde_json::json!({"text": "x"})),
        ("requirements_version", 3.3.into()),
        ("requirements_version", "".into()),
    ]);
    for (member, value) in breakages {
        let mut doc = good.clone();
        let object = doc.as_object_mut().ok_or("object")?;
        if value.is_null() {
            object.remove(member);
        } else {
            object.insert(member.to_owned(), value);
        }
        assert!(
            validate(&schema, &doc).is_err(),
            "schema accepts broken {member}"
        );
        let bytes = serde_json::to_vec(&doc).map_err(|e| e.to_string())?;
        let (at, _) = err_at(&bytes)?;
        assert_eq!(at, format!("/{member}"));
    }
    Ok(())
}

#[test]
fn describe_names_what_the_schema_declares() -> Result<(), String> {
    let info = ce::describe();
    assert_eq!(info.name, "cyber-essentials");
    assert_eq!(
        info.media_types,
        ["application/vnd.assure.cyber-essentials+json"]
    );
    let record = cedar_record(CEDAR, "CyberEssentials");
    // `scope_names_product` is the engine's: it binds the scope to the product.
    let declared: Vec<String> = record
        .iter()
        .filter(|(f, _)| f != "scope_names_product")
        .map(|(f, _)| format!("cyber_essentials.{f}"))
        .collect();
    assert_eq!(info.fact_paths, declared);
    let optional: Vec<&str> = record
        .iter()
        .filter(|(_, required)| !*required)
        .map(|(f, _)| f.as_str())
        .collect();
    assert_eq!(
        optional,
        ["scope", "requirements_name", "scope_names_product"]
    );
    Ok(())
}
