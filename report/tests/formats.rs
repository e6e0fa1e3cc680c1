//! The report library on a real decision: the engine's decision on the
//! rejected example, in every format, and read back from its JSON.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::path::PathBuf;
use std::sync::OnceLock;

use assure_engine::{CheckOptions, Decision, Engine, Submission, TrustedBundle};
use assure_report::Format;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The built-in bundle's decision on `examples/rejected`, as of the date the
/// examples are judged at.
fn rejected() -> &'static Decision {
    static DECISION: OnceLock<Decision> = OnceLock::new();
    DECISION.get_or_init(|| {
        let engine = Engine::new(TrustedBundle::builtin().unwrap()).unwrap();
        let submission = Submission::load(
            &root().join("examples/rejected"),
            &engine.load_options(false),
        )
        .unwrap();
        let as_of = "2025-09-22T00:00:00Z".parse().unwrap();
        engine
            .check(&submission, &CheckOptions::at(as_of))
            .unwrap()
            .0
    })
}

#[test]
fn the_doc_example_fixture_is_the_decision_the_engine_gives_today() {
    let fixture =
        std::fs::read_to_string(root().join("report/tests/fixtures/decision.json")).unwrap();
    assert!(
        fixture == rejected().to_json(),
        "report/tests/fixtures/decision.json is stale: regenerate it with \
         `assure check examples/rejected --as-of 2025-09-22T00:00:00Z --format json`"
    );
}

#[test]
fn a_decision_read_back_renders_the_same_bytes_in_every_format() {
    let decision = rejected();
    let json = decision.to_json();
    let back: Decision = serde_json::from_str(&json).unwrap();
    assert_eq!(back.to_json(), json, "the JSON reads back byte for byte");
    for format in Format::ALL {
        assert_eq!(
            assure_report::render(format, &back, "examples/rejected"),
            assure_report::render(format, decision, "examples/rejected"),
            "{format}"
        );
    }
}

#[test]
fn frameworks_come_in_the_bundles_order_then_by_name() {
    let decision = rejected();
    let frameworks: Vec<&str> = assure_report::view::controls_by_framework(decision)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    let bundle = TrustedBundle::builtin().unwrap();
    assert_eq!(
        bundle.frameworks,
        ["DTAC", "DSPT", "Cyber Essentials", "SSCoP"]
    );
    assert_eq!(
        frameworks[..4],
        ["DTAC", "DSPT", "Cyber Essentials", "SSCoP"]
    );
    let rest = &frameworks[4..];
    let mut sorted = rest.to_vec();
    sorted.sort_by_key(|name| name.to_lowercase());
    assert_eq!(rest, sorted.as_slice(), "the others by name");
    // The Markdown report shows them in that order.
    let markdown = assure_report::render(Format::Markdown, decision, "examples/rejected");
    let at = |name: &str| {
        markdown
            .find(&format!("#### {name}\n"))
            .unwrap_or(usize::MAX)
    };
    assert!(
        at("DTAC") < at("DSPT")
            && at("DSPT") < at("Cyber Essentials")
            && at("Cyber Essentials") < at("SSCoP"),
        "{markdown}"
    );
}

#[test]
fn sarif_locates_findings_from_the_regions_the_engine_found() {
    let decision = rejected();
    let located = decision
        .findings
        .iter()
        .flat_map(|f| &f.evidence)
        .find(|c| c.location.starts_with('/') && c.region.is_some())
        .expect("a finding citing a JSON Pointer the engine located");
    let region = located.region.unwrap();
    let sarif: serde_json::Value = serde_json::from_str(&assure_report::render(
        Format::Sarif,
        decision,
        "examples/rejected",
    ))
    .unwrap();
    let regions: Vec<&serde_json::Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["locations"].as_array().into_iter().flatten())
        .map(|l| &l["physicalLocation"]["region"])
        .collect();
    assert!(
        regions.iter().any(|r| r["startLine"] == region.start_line
            && r["startColumn"] == region.start_column
            && r["endLine"] == region.end_line),
        "{region:?} not in {regions:?}"
    );
}

#[test]
fn format_names_parse_and_a_typo_is_an_error_not_the_human_format() {
    for format in Format::ALL {
        assert_eq!(format.name().parse::<Format>().unwrap(), format);
    }
    assert_eq!("SARIF".parse::<Format>().unwrap(), Format::Sarif);
    let error = "sarf".parse::<Format>().unwrap_err();
    assert_eq!(
        error.to_string(),
        "`sarf` is not a format: use human, json, sarif, junit, markdown or html"
    );
}
