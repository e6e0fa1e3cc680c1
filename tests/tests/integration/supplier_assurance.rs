//! The supplier assurance statement end to end: the approved example with
//! its statement replaced by each hostile or dishonest variant of
//! `plugins/supplier-assurance/tests/corpus/` (see its README) is never
//! approved, and the user sees why — the finding, the fact problem or the
//! unreadable document.

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use assure_engine::CheckOptions;
use assure_engine::decision::{Decision, Verdict};
use assure_tests::lies::Case;
use assure_tests::{as_of, builtin_engine, example, root};

const MEDIA_TYPE: &str = "application/vnd.assure.supplier-assurance+json";

/// The approved example with `bytes` as its supplier assurance statement.
fn approved_with(bytes: Vec<u8>) -> Case {
    let mut case = Case::load(&example("approved")).unwrap();
    match case.of_type(MEDIA_TYPE) {
        Some(path) => case.put(&path, bytes),
        None => case.files.push((
            "supplier-assurance.json".to_owned(),
            MEDIA_TYPE.to_owned(),
            bytes,
        )),
    }
    case
}

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(
        root()
            .join("plugins/supplier-assurance/tests/corpus")
            .join(name),
    )
    .unwrap()
}

fn decide_at(case: &Case, options: &CheckOptions) -> Decision {
    builtin_engine()
        .unwrap()
        .check(&case.submission(), options)
        .unwrap()
        .0
}

fn decide(case: &Case) -> Decision {
    decide_at(case, &as_of())
}

fn rules(decision: &Decision) -> Vec<&str> {
    decision.findings.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn the_approved_example_approves_with_its_own_statement() {
    let case = Case::load(&example("approved")).unwrap();
    assert!(
        case.of_type(MEDIA_TYPE).is_some(),
        "the approved example carries a supplier assurance statement"
    );
    let decision = decide(&case);
    assert_eq!(decision.verdict, Verdict::Approve, "{:?}", rules(&decision));
    // Every assurance rule was decided, none undecided.
    assert!(decision.missing_evidence.is_empty());
}

#[test]
fn without_a_statement_the_approved_example_asks_for_one() {
    let mut case = Case::load(&example("approved")).unwrap();
    case.files.retain(|(_, m, _)| m != MEDIA_TYPE);
    let decision = decide(&case);
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
    let missing = decision
        .missing_evidence
        .iter()
        .find(|m| m.evidence == "assurance")
        .unwrap();
    assert!(
        missing.ask.contains("supplier-assurance/1"),
        "{}",
        missing.ask
    );
    for rule in ["R18.4", "R21.4", "R21.8", "R30.2"] {
        assert!(missing.rules.iter().any(|r| r == rule), "{rule}");
    }
}

#[test]
fn a_statement_about_another_product_version_or_supplier_is_rejected() {
    for (file, rule) in [
        ("another-product.json", "R26.6"),
        ("another-version.json", "R26.6"),
        ("another-supplier.json", "R26.7"),
        ("future-dated.json", "R27.8"),
    ] {
        let decision = decide(&approved_with(corpus(file)));
        assert_eq!(decision.verdict, Verdict::Reject, "{file}");
        assert_eq!(rules(&decision), [rule], "{file}");
        let finding = &decision.findings[0];
        assert!(
            finding
                .evidence
                .iter()
                .any(|e| e.document.ends_with("supplier-assurance.json")),
            "{file}: {:?}",
            finding.evidence
        );
    }
}

#[test]
fn a_2013_certificate_is_rejected_after_31_october_2025() {
    let case = approved_with(corpus("iso27001-2013.json"));
    // On the example's evaluation date the 2013 edition is still in its
    // transition period.
    let before = decide(&case);
    assert!(!rules(&before).contains(&"R31.1"), "{:?}", rules(&before));
    let after = decide_at(
        &case,
        &CheckOptions::at("2025-11-01T00:00:00Z".parse().unwrap()),
    );
    assert_eq!(after.verdict, Verdict::Reject);
    assert!(rules(&after).contains(&"R31.1"), "{:?}", rules(&after));
}

#[test]
fn an_unreadable_statement_is_needs_evidence_saying_where() {
    for (file, location) in [
        ("claim-without-date.json", "/backups/restore_tested"),
        (
            "claim-after-statement.json",
            "/incident_response/board_exercise_date",
        ),
        ("wrong-type.json", "/incident_response/notification_hours"),
        ("deeply-nested.json", ""),
    ] {
        let decision = decide(&approved_with(corpus(file)));
        assert_eq!(decision.verdict, Verdict::NeedsEvidence, "{file}");
        let error = decision
            .document_errors
            .iter()
            .find(|e| e.document == "supplier-assurance.json")
            .unwrap_or_else(|| unreachable!("{file}: no document error"));
        assert_eq!(
            error.plugin.as_deref(),
            Some("supplier-assurance"),
            "{file}"
        );
        assert!(
            error.location.contains(location),
            "{file}: {}",
            error.location
        );
    }
}

#[test]
fn a_framework_of_invisible_characters_is_a_fact_problem() {
    let decision = decide(&approved_with(corpus("invisible-framework.json")));
    assert_ne!(decision.verdict, Verdict::Approve);
    assert!(
        decision
            .fact_problems
            .iter()
            .any(|p| p.fact == "assurance.secure_development_framework"
                && p.message.contains("invisible")),
        "{:?}",
        decision.fact_problems
    );
}

#[test]
fn a_weak_statement_is_rejected_on_each_gap() {
    let bytes = std::fs::read(
        root().join("plugins/supplier-assurance/examples/careflow-assurance-2024-iso2013.json"),
    )
    .unwrap();
    let decision = decide(&approved_with(bytes));
    assert_eq!(decision.verdict, Verdict::Reject);
    let fired = rules(&decision);
    for rule in ["R10.3", "R10.4", "R18.5", "R21.4", "R21.6", "R21.7"] {
        assert!(fired.contains(&rule), "{rule}: {fired:?}");
    }
    // The charter's commitments are referred, never blocking.
    let advised: Vec<&str> = decision
        .advisories
        .iter()
        .map(|f| f.rule.as_str())
        .collect();
    for rule in ["R30.1", "R30.2", "R30.3", "R30.4"] {
        assert!(advised.contains(&rule), "{rule}: {advised:?}");
        assert!(!fired.contains(&rule), "{rule} blocks: {fired:?}");
    }
    // "Northwind Health Limited" is the supplier, and a statement with no
    // version is about the product: it is bound.
    assert!(
        !fired.contains(&"R26.6") && !fired.contains(&"R26.7"),
        "{fired:?}"
    );
}
