//! Evidence cannot talk the gate into approve: each well-formed lie of the
//! issue, on a copy of an example, with the verdict and the finding, fact
//! problem, unmatched statement or missing evidence a user would see.

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use assure_engine::decision::{Decision, Verdict};
use assure_tests::lies::{
    self, CYBER_ESSENTIALS, Case, DTAC, KEV_CVE, OPENVEX, PENTEST, future_date, openvex, statement,
};
use assure_tests::{as_of, builtin_engine, example};
use serde_json::json;

const LOG4J: &str = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1";

fn case(name: &str) -> Case {
    Case::load(&example(name)).unwrap()
}

fn decide(case: &Case) -> Decision {
    builtin_engine()
        .unwrap()
        .check(&case.submission(), &as_of())
        .unwrap()
        .0
}

fn fired(decision: &Decision, rule: &str) -> bool {
    decision.findings.iter().any(|f| f.rule == rule)
}

fn rules(decision: &Decision) -> Vec<&str> {
    decision.findings.iter().map(|f| f.rule.as_str()).collect()
}

fn undecided(decision: &Decision, rule: &str) -> bool {
    decision
        .missing_evidence
        .iter()
        .any(|m| m.rules.iter().any(|r| r == rule))
}

/// The log4j exposure of `examples/rejected` is rejected on R1 whatever
/// else the lie added, and the lie's statement is listed as not applying,
/// with a reason containing `reason`.
fn still_rejected_on_log4shell(decision: &Decision, reason: &str) {
    assert_eq!(decision.verdict, Verdict::Reject, "{:?}", rules(decision));
    assert!(
        decision
            .findings
            .iter()
            .any(|f| f.rule == "R1" && f.subject.id.contains("log4j-core")),
        "{:?}",
        rules(decision)
    );
    assert!(
        decision
            .unmatched_statements
            .iter()
            .any(|u| u.vulnerability == KEV_CVE && u.reason.contains(reason)),
        "{:#?}",
        decision.unmatched_statements
    );
    assert!(decision.superseded.is_empty(), "{:#?}", decision.superseded);
}

// ---- 1. A statement applies only to what it is about ---------------------

#[test]
fn an_openvex_statement_about_another_product_does_not_clear_log4shell() {
    let mut case = case("rejected");
    let lie = statement(
        KEV_CVE,
        "pkg:npm/unrelated-product@1.0.0",
        LOG4J,
        "not_affected",
        "2025-09-21T12:00:00Z",
    );
    case.add(
        "vex.openvex.json",
        OPENVEX,
        &openvex(vec![lie], "2025-09-21T12:00:00Z"),
    );
    let decision = decide(&case);
    still_rejected_on_log4shell(&decision, "pkg:npm/unrelated-product@1.0.0");
}

#[test]
fn a_fixed_statement_for_the_next_version_does_not_clear_this_one() {
    let mut case = case("rejected");
    let next = "pkg:maven/uk.co.northwindhealth.careflow/careflow-reports@1.4.0";
    let lie = statement(KEV_CVE, next, LOG4J, "fixed", "2025-09-21T12:00:00Z");
    case.add(
        "vex.openvex.json",
        OPENVEX,
        &openvex(vec![lie], "2025-09-21T12:00:00Z"),
    );
    still_rejected_on_log4shell(&decide(&case), "careflow-reports@1.4.0");
}

#[test]
fn a_cyclonedx_vex_bom_about_another_product_does_not_clear_log4shell() {
    let mut case = case("rejected");
    let vex = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {
            "timestamp": "2025-09-21T12:00:00Z",
            "component": {
                "type": "application", "bom-ref": "other", "name": "Other Product",
                "version": "1.3.0", "purl": "pkg:generic/other/other-product@1.3.0"
            }
        },
        "vulnerabilities": [{
            "id": KEV_CVE,
            "analysis": { "state": "not_affected", "justification": "code_not_reachable" },
            "affects": [{ "ref": LOG4J }]
        }]
    });
    case.add("vex.cdx.json", lies::CYCLONEDX, &vex);
    still_rejected_on_log4shell(&decide(&case), "other-product@1.3.0");
}

#[test]
fn a_csaf_advisory_whose_product_tree_lacks_the_product_does_not_clear_log4shell() {
    let mut case = case("rejected");
    let csaf = json!({
        "document": {
            "category": "csaf_vex",
            "csaf_version": "2.0",
            "publisher": { "category": "vendor", "name": "Other", "namespace": "https://other.example" },
            "title": "Other Product and log4j",
            "tracking": {
                "current_release_date": "2025-09-21T12:00:00Z",
                "id": "OTHER-2026-1",
                "initial_release_date": "2025-09-21T12:00:00Z",
                "revision_history": [{ "date": "2025-09-21T12:00:00Z", "number": "1", "summary": "Initial" }],
                "status": "final",
                "version": "1"
            }
        },
        "product_tree": {
            "branches": [{
                "category": "vendor", "name": "Other",
                "branches": [{
                    "category": "product_name", "name": "Other Product",
                    "branches": [{
                        "category": "product_version", "name": "1.3.0",
                        "product": {
                            "name": "Other Product 1.3.0", "product_id": "OTHER-1.3.0",
                            "product_identification_helper": { "purl": "pkg:generic/other/other-product@1.3.0" }
                        }
                    }]
                }]
            }, {
                "category": "vendor", "name": "Apache",
                "branches": [{
                    "category": "product_name", "name": "log4j-core",
                    "branches": [{
                        "category": "product_version", "name": "2.14.1",
                        "product": {
                            "name": "log4j-core 2.14.1", "product_id": "LOG4J-2.14.1",
                            "product_identification_helper": { "purl": LOG4J }
                        }
                    }]
                }]
            }],
            "relationships": [{
                "category": "default_component_of",
                "full_product_name": { "name": "log4j-core 2.14.1 in Other Product 1.3.0", "product_id": "OTHER-1.3.0:LOG4J" },
                "product_reference": "LOG4J-2.14.1",
                "relates_to_product_reference": "OTHER-1.3.0"
            }]
        },
        "vulnerabilities": [{
            "cve": KEV_CVE,
            "product_status": { "known_not_affected": ["OTHER-1.3.0:LOG4J"] },
            "threats": [{ "category": "impact", "details": "JNDI lookups are disabled", "product_ids": ["OTHER-1.3.0:LOG4J"] }],
            "flags": [{ "label": "vulnerable_code_not_in_execute_path", "product_ids": ["OTHER-1.3.0:LOG4J"] }]
        }]
    });
    case.add("advisory.csaf.json", "application/csaf+json", &csaf);
    still_rejected_on_log4shell(&decide(&case), "other-product@1.3.0");
}

// ---- 2. Identities are normalised and validated ---------------------------

#[test]
fn a_known_exploited_vulnerability_named_by_an_iri_is_recognised() {
    let mut case = case("approved");
    let (bom_ref, _) = case.component().unwrap();
    let ratings = json!([{ "score": 5.3, "severity": "medium", "method": "CVSSv31" }]);
    lies::push_sbom_vulnerability(
        &mut case,
        lies::sbom_vulnerability(
            &format!("https://nvd.nist.gov/vuln/detail/{KEV_CVE}"),
            &bom_ref,
            ratings,
            "exploitable",
        ),
    )
    .unwrap();
    let decision = decide(&case);
    assert_eq!(decision.verdict, Verdict::Reject);
    assert!(fired(&decision, "R1"), "{:?}", rules(&decision));
}

#[test]
fn an_id_with_an_invisible_character_is_a_fact_problem_and_still_known_exploited() {
    let mut case = case("approved");
    let (bom_ref, _) = case.component().unwrap();
    let ratings = json!([{ "score": 5.3, "severity": "medium", "method": "CVSSv31" }]);
    lies::push_sbom_vulnerability(
        &mut case,
        lies::sbom_vulnerability("CVE-2021-\u{200B}44228", &bom_ref, ratings, "exploitable"),
    )
    .unwrap();
    let decision = decide(&case);
    assert_ne!(decision.verdict, Verdict::Approve);
    assert!(fired(&decision, "R1"), "{:?}", rules(&decision));
    assert!(
        decision
            .fact_problems
            .iter()
            .any(|p| p.message.contains("U+200B") && p.message.contains("CVE-2021-44228")),
        "{:#?}",
        decision.fact_problems
    );
}

#[test]
fn an_id_of_no_known_scheme_is_noted() {
    let mut case = case("approved");
    let (bom_ref, _) = case.component().unwrap();
    lies::push_sbom_vulnerability(
        &mut case,
        lies::sbom_vulnerability(
            "ACME-BUG-17",
            &bom_ref,
            json!([{ "score": 3.1, "method": "CVSSv31" }]),
            "exploitable",
        ),
    )
    .unwrap();
    let decision = decide(&case);
    assert!(
        decision
            .notes
            .iter()
            .any(|n| n.message.contains("`ACME-BUG-17` is of no scheme")),
        "{:#?}",
        decision.notes
    );
}

// ---- 3. Unknown severity is not low severity -------------------------------

fn with_open_vulnerability(ratings: serde_json::Value, state: &str) -> Decision {
    let mut case = case("approved");
    let (bom_ref, _) = case.component().unwrap();
    lies::push_sbom_vulnerability(
        &mut case,
        lies::sbom_vulnerability("CVE-2024-99999", &bom_ref, ratings, state),
    )
    .unwrap();
    decide(&case)
}

#[test]
fn critical_without_a_score_is_rejected_on_r2_1() {
    let decision = with_open_vulnerability(json!([{ "severity": "critical" }]), "exploitable");
    assert_eq!(decision.verdict, Verdict::Reject);
    assert!(fired(&decision, "R2.1"), "{:?}", rules(&decision));
}

#[test]
fn a_score_out_of_range_is_not_used_and_never_approves() {
    let decision = with_open_vulnerability(
        json!([{ "score": 10.5, "method": "CVSSv31" }]),
        "exploitable",
    );
    // The plugin ignores the score, saying so where it is; with nothing
    // else to rate it by, R2 waits for a usable score.
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
    assert!(
        decision
            .notes
            .iter()
            .any(|n| n.message.contains("not a number from 0 to 10")
                && n.location == "/vulnerabilities/0/ratings/0/score"),
        "{:#?}",
        decision.notes
    );
    assert!(
        undecided(&decision, "R2.1"),
        "{:#?}",
        decision.missing_evidence
    );
}

#[test]
fn under_investigation_without_a_score_waits_for_one() {
    let decision = with_open_vulnerability(json!([]), "in_triage");
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
    assert!(
        undecided(&decision, "R2.1"),
        "{:#?}",
        decision.missing_evidence
    );
    let severity = decision
        .missing_evidence
        .iter()
        .find(|m| m.evidence == "severity_rating")
        .unwrap();
    assert_eq!(severity.title, "vulnerability severity");
}

// ---- invisible justifications ------------------------------------------------

#[test]
fn an_impact_statement_of_invisible_characters_is_no_justification() {
    let mut case = case("approved");
    let (_, purl) = case.component().unwrap();
    let mut s = statement(
        KEV_CVE,
        &case.product_ref(),
        &purl,
        "not_affected",
        "2025-09-21T00:00:00Z",
    );
    s.as_object_mut().unwrap().remove("justification");
    s["impact_statement"] = json!("\u{200B}\u{200B}");
    case.add(
        "invisible.openvex.json",
        OPENVEX,
        &openvex(vec![s], "2025-09-21T00:00:00Z"),
    );
    let decision = decide(&case);
    assert_eq!(decision.verdict, Verdict::Reject);
    assert!(
        fired(&decision, "R1") && fired(&decision, "R3.1"),
        "{:?}",
        rules(&decision)
    );
    assert!(
        decision
            .fact_problems
            .iter()
            .any(|p| p.fact.ends_with(".impact_statement") && p.message.contains("U+200B")),
        "{:#?}",
        decision.fact_problems
    );
}

// ---- 4. Every document is bound to the submission --------------------------

#[test]
fn an_sbom_of_another_product_of_the_same_version_is_rejected_on_r4_3() {
    let mut case = case("approved");
    case.edit(lies::CYCLONEDX, |v| {
        v["metadata"]["component"]["name"] = json!("Other Product");
        Some(())
    })
    .unwrap();
    let decision = decide(&case);
    assert_eq!(decision.verdict, Verdict::Reject);
    assert!(fired(&decision, "R4.3"), "{:?}", rules(&decision));
}

#[test]
fn an_sbom_whose_subject_has_no_version_leaves_r4_3_undecided() {
    let mut case = case("approved");
    case.edit(lies::CYCLONEDX, |v| {
        v["metadata"]["component"]
            .as_object_mut()?
            .remove("version");
        Some(())
    })
    .unwrap();
    let decision = decide(&case);
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
    assert!(
        undecided(&decision, "R4.3"),
        "{:#?}",
        decision.missing_evidence
    );
}

/// A rewrite of a case that tells a lie.
type Lie<'a> = dyn Fn(&mut Case) -> Option<()> + 'a;

#[test]
fn documents_about_another_product_or_supplier_are_rejected() {
    const OTHER: &str = "Bellweather Dispatch";
    const SUPPLIER: &str = "Crowmarsh Systems Ltd";
    let (other, supplier) = (OTHER, SUPPLIER);
    let cases: Vec<(&str, Box<Lie<'_>>)> = vec![
        (
            "R26.1",
            Box::new(|c| {
                c.edit(DTAC, |v| {
                    v["product"] = json!(other);
                    Some(())
                })
            }),
        ),
        (
            "R26.2",
            Box::new(|c| {
                c.edit(DTAC, |v| {
                    v["supplier"] = json!(supplier);
                    Some(())
                })
            }),
        ),
        (
            "R26.5",
            Box::new(|c| {
                c.edit(PENTEST, |v| {
                    v["product"] = json!(other);
                    Some(())
                })
            }),
        ),
        (
            "R6.3",
            Box::new(|c| {
                c.edit(CYBER_ESSENTIALS, |v| {
                    v["organisation"] = json!(supplier);
                    Some(())
                })
            }),
        ),
        (
            "R26.3",
            Box::new(|c| {
                let path = lies::mds2_path(c)?;
                let csv = c.text(&path)?;
                c.put(
                    &path,
                    lies::mds2_with(&csv, &["device", "DOC-2", "DOC-3"], other).into_bytes(),
                );
                Some(())
            }),
        ),
        (
            "R26.4",
            Box::new(|c| {
                let path = lies::mds2_path(c)?;
                let csv = c.text(&path)?;
                c.put(
                    &path,
                    lies::mds2_with(&csv, &["manufacturer", "DOC-1"], supplier).into_bytes(),
                );
                Some(())
            }),
        ),
    ];
    for (rule, lie) in cases {
        let mut case = case("approved");
        lie(&mut case).unwrap();
        let decision = decide(&case);
        assert_eq!(
            decision.verdict,
            Verdict::Reject,
            "{rule}: {:?}",
            rules(&decision)
        );
        assert!(fired(&decision, rule), "{rule}: {:?}", rules(&decision));
    }
}

#[test]
fn names_are_compared_as_a_person_would() {
    let mut case = case("approved");
    // Case, white space and the legal suffix's spelling do not make another
    // supplier.
    case.edit(DTAC, |v| {
        v["supplier"] = json!("NORTHWIND  HEALTH LIMITED");
        v["product"] = json!("careflow");
        Some(())
    })
    .unwrap();
    let decision = decide(&case);
    assert_eq!(decision.verdict, Verdict::Approve, "{:?}", rules(&decision));
}

#[test]
fn a_profile_that_contradicts_the_mds2_form_is_rejected_on_r28_1() {
    let mut case = case("approved");
    case.manifest.profile.supplier_remote_access = Some(false);
    let decision = decide(&case);
    assert_eq!(decision.verdict, Verdict::Reject);
    assert!(fired(&decision, "R28.1"), "{:?}", rules(&decision));
}

// ---- 5. Time is bounded on both sides ----------------------------------------

#[test]
fn a_pen_test_dated_tomorrow_is_rejected_on_r27_5() {
    let mut case = case("approved");
    case.edit(PENTEST, |v| {
        v["date"] = json!(future_date(1));
        Some(())
    })
    .unwrap();
    let decision = decide(&case);
    assert_eq!(decision.verdict, Verdict::Reject);
    assert!(fired(&decision, "R27.5"), "{:?}", rules(&decision));
    let finding = decision
        .findings
        .iter()
        .find(|f| f.rule == "R27.5")
        .unwrap();
    assert!(
        finding
            .evidence
            .iter()
            .any(|c| c.fact == "pentest.date" && c.document == "pentest-summary.json"),
        "{:#?}",
        finding.evidence
    );
}

#[test]
fn dtac_answers_completed_in_2030_or_two_years_ago_are_rejected() {
    for (completed, rule) in [("2030-01-01", "R27.2"), ("2024-08-01", "R27.3")] {
        let mut case = case("approved");
        case.edit(DTAC, |v| {
            v["completed"] = json!(completed);
            Some(())
        })
        .unwrap();
        let decision = decide(&case);
        assert_eq!(decision.verdict, Verdict::Reject, "{completed}");
        assert!(
            fired(&decision, rule),
            "{completed}: {:?}",
            rules(&decision)
        );
    }
}

#[test]
fn a_future_dated_vex_statement_neither_applies_nor_supersedes() {
    let mut case = case("rejected");
    let product = case.product_ref();
    let lie = statement(KEV_CVE, &product, LOG4J, "not_affected", &lies::future(30));
    case.add(
        "vex.openvex.json",
        OPENVEX,
        &openvex(vec![lie], &lies::future(30)),
    );
    let decision = decide(&case);
    still_rejected_on_log4shell(&decision, "after the evaluation time");
    assert!(
        decision
            .fact_problems
            .iter()
            .any(|p| p.document == "vex.openvex.json" && p.message.contains("is not applied")),
        "{:#?}",
        decision.fact_problems
    );
}

// ---- 6. The profile is answered, not defaulted -------------------------------

#[test]
fn an_unanswered_profile_key_is_missing_evidence_and_judged_strictly() {
    let mut case = case("approved");
    case.manifest.profile.medical_device = None;
    let decision = decide(&case);
    assert_ne!(decision.verdict, Verdict::Approve);
    let profile = decision
        .missing_evidence
        .iter()
        .find(|m| m.evidence == "profile")
        .unwrap();
    assert_eq!(profile.facts, ["profile.medical_device"]);
    assert!(profile.ask.contains("`medical_device`"), "{}", profile.ask);
    // Judged as a medical device meanwhile: the MHRA rules apply.
    assert!(
        profile.rules.iter().any(|r| r.starts_with("R14")),
        "{:?}",
        profile.rules
    );
}

// ---- 7. Who judges whom ------------------------------------------------------

#[test]
fn a_critical_finding_the_supplier_accepted_is_still_open() {
    let mut case = case("approved");
    case.edit(PENTEST, |v| {
        v["findings"].as_array_mut()?.push(json!({
            "id": "X-1", "title": "Remote code execution", "cvss": 10.0, "status": "accepted"
        }));
        Some(())
    })
    .unwrap();
    let decision = decide(&case);
    assert_eq!(decision.verdict, Verdict::Reject);
    assert!(fired(&decision, "R7.3"), "{:?}", rules(&decision));
}

#[test]
fn a_pen_test_by_the_supplier_itself_is_not_external() {
    let mut case = case("approved");
    case.edit(PENTEST, |v| {
        v["tester"] = json!("Northwind Health Ltd (internal security team)");
        Some(())
    })
    .unwrap();
    let decision = decide(&case);
    assert_eq!(decision.verdict, Verdict::Reject);
    assert!(fired(&decision, "R7.6"), "{:?}", rules(&decision));
}
