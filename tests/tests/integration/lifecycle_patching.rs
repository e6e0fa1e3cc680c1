//! How an SBOM was made (R5.6–R5.8), components past their end of support
//! (R18.6) and the Cyber Essentials 14-day patching rule (R2.4), end to end:
//! the approved example with one thing changed, through the plugins, the
//! engine's joins and the rules, judged as a user sees it (verdict, finding,
//! subject).

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use assure_engine::decision::{Decision, Verdict};
use assure_engine::submission::Tier;
use assure_tests::lies::{CSAF, CYCLONEDX, Case, csaf_advisory, future, past};
use assure_tests::{as_of, builtin_engine, example};
use serde_json::json;

fn approved() -> Case {
    Case::load(&example("approved")).unwrap()
}

fn decide(case: &Case) -> Decision {
    builtin_engine()
        .unwrap()
        .check(&case.submission(), &as_of())
        .unwrap()
        .0
}

/// Each finding as (rule, subject id).
fn findings(decision: &Decision) -> Vec<(String, String)> {
    decision
        .findings
        .iter()
        .map(|f| (f.rule.clone(), f.subject.id.clone()))
        .collect()
}

/// The advisory rules that fired, beside those the approved example itself
/// is advised on.
fn advised(decision: &Decision) -> Vec<String> {
    let baseline: Vec<String> = decide(&approved())
        .advisories
        .iter()
        .map(|f| f.rule.clone())
        .collect();
    decision
        .advisories
        .iter()
        .map(|f| f.rule.clone())
        .filter(|rule| !baseline.contains(rule))
        .collect()
}

/// The approved example's first component, with its supplier's end of
/// support stated in the SBOM (CycloneDX property taxonomy).
fn with_end_of_support(when: &str) -> (Case, String) {
    let mut case = approved();
    let (_, purl) = case.component().unwrap();
    case.edit(CYCLONEDX, |v| {
        let first = v.get_mut("components")?.as_array_mut()?.first_mut()?;
        first.as_object_mut()?.insert(
            "properties".into(),
            json!([{"name": "cdx:lifecycle:milestone:endOfSupport", "value": when}]),
        );
        Some(())
    })
    .unwrap();
    (case, purl)
}

#[test]
fn the_approved_example_still_approves() {
    let decision = decide(&approved());
    assert_eq!(
        decision.verdict,
        Verdict::Approve,
        "{:?}",
        findings(&decision)
    );
    // None of these rules advises on it.
    let rules: Vec<&str> = decision
        .advisories
        .iter()
        .map(|f| f.rule.as_str())
        .collect();
    for rule in ["R2.2", "R5.7", "R5.8"] {
        assert!(!rules.contains(&rule), "{rules:?}");
    }
}

#[test]
fn a_component_past_its_end_of_support_is_rejected_on_that_component() {
    let (case, purl) = with_end_of_support(&past(30)[..10]);
    let decision = decide(&case);
    assert_eq!(decision.verdict, Verdict::Reject);
    assert_eq!(findings(&decision), [("R18.6".to_owned(), purl.clone())]);
    let finding = &decision.findings[0];
    assert_eq!(finding.subject.kind, "Component");
    // The finding cites the SBOM's property.
    let cited: Vec<&str> = finding
        .evidence
        .iter()
        .map(|c| c.location.as_str())
        .collect();
    assert!(
        cited.contains(&"/components/0/properties/0/value"),
        "{cited:?}"
    );

    // Still supported at the evaluation time: nothing to find.
    let (case, _) = with_end_of_support(&future(30));
    let decision = decide(&case);
    assert_eq!(
        decision.verdict,
        Verdict::Approve,
        "{:?}",
        findings(&decision)
    );
}

/// The approved example at the standard criticality tier (claimed so, and
/// neither an essential function nor hosted by the supplier), where an open
/// high vulnerability on its own only advises (R2.2; R2.3 blocks it from the
/// high tier up), so that what blocks here is the 14-day rule.
fn standard_tier() -> Case {
    let mut case = approved();
    let profile = &mut case.manifest.profile;
    profile.criticality = Some(Tier::Standard);
    profile.essential_function = Some(false);
    profile.hosted_service = Some(false);
    case
}

/// A CSAF advisory from the first component's vendor: high (CVSS 7.5),
/// still `known_affected`, with a vendor fix released `days` before the
/// evaluation time.
fn with_vendor_fix(days: u64) -> (Case, String) {
    let mut case = standard_tier();
    let (_, purl) = case.component().unwrap();
    let fixed = past(days);
    case.add(
        "advisory.csaf.json",
        CSAF,
        &csaf_advisory(&purl, "CVE-2025-55501", 7.5, "HIGH", &fixed, &fixed),
    );
    (case, purl)
}

#[test]
fn the_standard_tier_example_approves() {
    let decision = decide(&standard_tier());
    assert_eq!(
        decision.verdict,
        Verdict::Approve,
        "{:?} {:?}",
        findings(&decision),
        decision.missing_evidence
    );
}

#[test]
fn a_high_fix_unapplied_for_15_days_is_rejected_and_13_days_is_not() {
    let (case, purl) = with_vendor_fix(15);
    let decision = decide(&case);
    assert_eq!(decision.verdict, Verdict::Reject);
    assert_eq!(
        findings(&decision),
        [("R2.4".to_owned(), format!("CVE-2025-55501 @ {purl}"))]
    );
    assert_eq!(advised(&decision), ["R2.2"]);

    // Within the 14 days: the high vulnerability is advised, not blocking.
    let (case, _) = with_vendor_fix(13);
    let decision = decide(&case);
    assert_eq!(
        decision.verdict,
        Verdict::Approve,
        "{:?}",
        findings(&decision)
    );
    assert_eq!(advised(&decision), ["R2.2"]);
}

#[test]
fn a_fix_months_old_on_a_fixed_statement_is_not_a_finding() {
    let (mut case, _) = with_vendor_fix(120);
    let path = "advisory.csaf.json";
    let mut advisory = case.json(path).unwrap();
    let status = advisory["vulnerabilities"][0]["product_status"]
        .as_object_mut()
        .unwrap();
    let affected = status.remove("known_affected").unwrap();
    status.insert("fixed".into(), affected);
    case.put_json(path, &advisory);
    let decision = decide(&case);
    assert_eq!(
        decision.verdict,
        Verdict::Approve,
        "{:?}",
        findings(&decision)
    );
}

#[test]
fn a_fix_dated_after_the_evaluation_time_is_a_fact_problem_not_a_pass() {
    let mut case = standard_tier();
    let (_, purl) = case.component().unwrap();
    case.add(
        "advisory.csaf.json",
        CSAF,
        &csaf_advisory(&purl, "CVE-2025-55501", 7.5, "HIGH", &future(10), &past(1)),
    );
    let decision = decide(&case);
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
    let problem = decision
        .fact_problems
        .iter()
        .find(|p| p.fact.ends_with(".fix_available"))
        .unwrap();
    assert_eq!(problem.document, "advisory.csaf.json");
    assert!(
        problem.message.contains("after the evaluation time"),
        "{}",
        problem.message
    );
}

#[test]
fn an_sbom_that_names_no_tool_is_rejected() {
    let mut case = approved();
    case.edit(CYCLONEDX, |v| {
        v.get_mut("metadata")?.as_object_mut()?.remove("tools")?;
        Some(())
    })
    .unwrap();
    let decision = decide(&case);
    assert_eq!(decision.verdict, Verdict::Reject);
    assert_eq!(
        findings(&decision),
        [("R5.6".to_owned(), "CareFlow".to_owned())]
    );
}

/// An SBOM that does not say when it was generated is referred (R5.7); an
/// advisory on the product does not stop approval.
#[test]
fn an_sbom_without_a_lifecycle_is_referred_and_still_approved() {
    let mut case = approved();
    case.edit(CYCLONEDX, |v| {
        v.get_mut("metadata")?
            .as_object_mut()?
            .remove("lifecycles")?;
        Some(())
    })
    .unwrap();
    let decision = decide(&case);
    assert_eq!(
        decision.verdict,
        Verdict::Approve,
        "{:?} {:?}",
        findings(&decision),
        decision.evaluation_errors
    );
    assert_eq!(advised(&decision), ["R5.7"]);
    assert!(decision.evaluation_errors.is_empty());

    // Generated at design time only: referred by R5.8.
    let mut case = approved();
    case.edit(CYCLONEDX, |v| {
        v.get_mut("metadata")?
            .as_object_mut()?
            .insert("lifecycles".into(), json!([{"phase": "design"}]));
        Some(())
    })
    .unwrap();
    let decision = decide(&case);
    assert_eq!(decision.verdict, Verdict::Approve);
    assert_eq!(advised(&decision), ["R5.8"]);
}
