//! A completed DTAC form as the supplier sends it — RCPCH's v1.0 form for
//! the Digital Growth Charts, as DOCX and as ODT — through the whole engine:
//! recognised without a declared media type, read by the dtac plugin inside
//! the sandbox (within its fuel, memory and time), every fact located at the
//! table cell it came from, and never an approve on what the form does not
//! say.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::path::Path;

use assure_engine::facts::FactValue;
use assure_engine::{Decision, Verdict};
use assure_tests::{builtin_engine, check, root};

const PRODUCT: &str = "RCPCH Digital Growth Charts";
const SUPPLIER: &str = "Royal College of Paediatrics and Child Health (RCPCH)";

/// A submission of the product holding the form `name`, media type left
/// for the engine to recognise.
fn decide(name: &str, fixture: &str) -> Decision {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(
        root()
            .join("plugins/sdk/tests/fixtures/office")
            .join(fixture),
    )
    .unwrap();
    let path = dir.path().join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
    std::fs::write(
        dir.path().join("submission.toml"),
        format!(
            "[product]\nname = \"{PRODUCT}\"\nversion = \"3.0\"\nsupplier = \"{SUPPLIER}\"\n\n\
             [profile]\npatient_data = false\nhosted_service = true\nmedical_device = true\nsupplier_remote_access = false\n\n\
             [[evidence]]\npath = \"{name}\"\n"
        ),
    )
    .unwrap();
    check(builtin_engine().unwrap(), Path::new(dir.path())).unwrap()
}

fn text(decision: &Decision, path: &str) -> String {
    match &decision.facts.product[path].value {
        FactValue::Text(t) => t.clone(),
        other => panic!("{path} is {other:?}"),
    }
}

#[test]
fn the_form_is_read_in_the_sandbox_with_each_fact_at_its_cell() {
    for (name, fixture) in [
        ("dtac/RCPCH dGC DTAC.docx", "rcpch-dtac.docx"),
        ("dtac/RCPCH dGC DTAC.odt", "rcpch-dtac.odt"),
    ] {
        let decision = decide(name, fixture);
        assert!(
            decision.document_errors.is_empty(),
            "{name}: {:?}",
            decision.document_errors
        );
        assert_eq!(text(&decision, "dtac.version"), "1.0", "{name}");
        assert_eq!(text(&decision, "dtac.product_name"), PRODUCT, "{name}");
        assert_eq!(
            text(&decision, "dtac.clinical_safety_officer_registration"),
            "GMC 4712729"
        );
        // Each fact names the form and the cell: C1.2 is table 3, row 5,
        // last cell.
        let cso = &decision.facts.product["dtac.clinical_safety_officer_registration"];
        assert_eq!(cso.provenance[0].document, name);
        assert_eq!(cso.provenance[0].plugin, "dtac");
        assert_eq!(cso.provenance[0].location, "/tables/2/rows/4/cells/4");
        // The form says the pen test is "in the process of being
        // conducted": no pen test fact passes, and the rest of the evidence
        // is missing, so the verdict is never approve.
        assert_ne!(decision.verdict, Verdict::Approve, "{name}");
    }
}
