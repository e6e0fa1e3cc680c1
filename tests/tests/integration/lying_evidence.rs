//! Lying evidence never approves: every [`Lie`] (the generator in
//! `tests/src/lies.rs`, which says for each kind why the lied-about
//! submission no longer deserves approval), told at random on every example
//! and on generated submissions, is never approved.
//!
//! The generated submissions are the approved example from other suppliers
//! about other products (every mention of the names replaced alike): they
//! approve before the lie, so a lie that approved would be the lie's doing.

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::sync::OnceLock;

use assure_engine::decision::{Decision, Verdict};
use assure_tests::lies::{Case, Lie};
use assure_tests::{as_of, builtin_engine, example};
use proptest::prelude::*;

/// Names for the generated submissions: (product, supplier).
const GENERATED: &[(&str, &str)] = &[
    ("Ashdown Triage", "Harrow Digital Limited"),
    ("Kestrel PAS", "Kestrel Health Systems plc"),
    ("Mira", "Orbis Medical Inc."),
];

/// Every base submission: the examples, then the generated ones.
fn bases() -> &'static [Case] {
    static BASES: OnceLock<Vec<Case>> = OnceLock::new();
    BASES.get_or_init(|| {
        let mut cases: Vec<Case> = ["approved", "rejected", "needs-evidence", "assure-self"]
            .iter()
            .map(|name| Case::load(&example(name)).unwrap())
            .collect();
        let approved = cases[0].clone();
        cases.extend(
            GENERATED
                .iter()
                .map(|(product, supplier)| approved.renamed(product, supplier)),
        );
        cases
    })
}

fn decide(case: &Case) -> Decision {
    builtin_engine()
        .unwrap()
        .check(&case.submission(), &as_of())
        .unwrap()
        .0
}

fn explain(decision: &Decision) -> String {
    format!(
        "findings {:?}; fact problems {:?}; missing {:?}",
        decision
            .findings
            .iter()
            .map(|f| (&f.rule, &f.subject.id))
            .collect::<Vec<_>>(),
        decision.fact_problems,
        decision
            .missing_evidence
            .iter()
            .map(|m| &m.facts)
            .collect::<Vec<_>>()
    )
}

#[test]
fn the_generated_submissions_approve_before_any_lie() {
    for case in &bases()[4..] {
        let decision = decide(case);
        assert_eq!(
            decision.verdict,
            Verdict::Approve,
            "{}: {}",
            case.name,
            explain(&decision)
        );
    }
}

/// Every form of every lie on the approved example, one by one: each is
/// applicable there and none approves.
#[test]
fn every_form_of_every_lie_on_the_approved_example_is_not_approved() {
    let approved = &bases()[0];
    let mut approved_lies = Vec::new();
    for lie in Lie::ALL {
        for variant in 0..18 {
            let mut case = approved.clone();
            if lie.tell(&mut case, variant).is_none() {
                continue;
            }
            let decision = decide(&case);
            if decision.verdict == Verdict::Approve {
                approved_lies.push(format!("{lie:?} #{variant}: {}", lie.why()));
            }
        }
    }
    assert!(approved_lies.is_empty(), "approved: {approved_lies:#?}");
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 10_000,
        failure_persistence: None,
        max_global_rejects: 100_000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_lie_on_any_submission_approves(
        base in 0..bases().len(),
        lie in 0..Lie::ALL.len(),
        variant in any::<u64>(),
    ) {
        let lie = Lie::ALL[lie];
        let mut case = bases()[base].clone();
        prop_assume!(lie.tell(&mut case, variant).is_some());
        let decision = decide(&case);
        prop_assert_ne!(
            decision.verdict,
            Verdict::Approve,
            "{:?} #{} on {}: {}",
            lie,
            variant,
            case.name,
            lie.why()
        );
    }
}
