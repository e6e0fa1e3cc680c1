//! docs/BASELINE.md is the baseline as an assurance lead reviews it, made by
//! `assure controls --format baseline`: it must be what the bundle says, and
//! every control a rule cites must name the document it was checked against.

#![expect(clippy::unwrap_used, reason = "tests")]

use predicates::prelude::*;

use crate::common::{assure, root};

#[test]
fn docs_baseline_is_the_built_in_bundle_rule_by_rule() {
    let made = assure()
        .args(["controls", "--format", "baseline"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let made = String::from_utf8(made).unwrap();
    let committed = std::fs::read_to_string(root().join("docs/BASELINE.md")).unwrap();
    assert!(
        made == committed,
        "docs/BASELINE.md is out of date: run `cargo run -q --bin assure -- controls --format \
         baseline > docs/BASELINE.md`"
    );
    // Every rule is there, with its tier and the source of its controls.
    for needle in [
        "#### R1 — No known-exploited vulnerability left open",
        "#### R1.2 — No vulnerability named in an NHS cyber alert left open",
        "| applies | from the high tier |",
        "KEV BOD 22-01 — CISA, Binding Operational Directive 22-01",
        "DTAC v2 C3.4 — NHS England, Digital Technology Assessment Criteria",
        "(checked 2026-12)",
        "## Sources",
    ] {
        assert!(made.contains(needle), "missing: {needle}");
    }
}

#[test]
fn a_control_no_source_covers_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let source = root().join("policies/nhs-baseline");
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::create_dir(dir.path().join("data")).unwrap();
    for name in ["kev.json", "nhs-cyber-alerts.json"] {
        std::fs::copy(
            source.join("data").join(name),
            dir.path().join("data").join(name),
        )
        .unwrap();
    }
    let policy = dir.path().join("operations.cedar");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(
        &policy,
        text.replacen(
            "@control(\"DTAC v1 C3.5; DTAC v2 C3.6;",
            "@control(\"Made-up Framework 9; DTAC v1 C3.5; DTAC v2 C3.6;",
            1,
        ),
    )
    .unwrap();
    assure()
        .args(["controls", "--format", "baseline"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no [[source]] in bundle.toml covers these controls: Made-up Framework 9",
        ));
}
