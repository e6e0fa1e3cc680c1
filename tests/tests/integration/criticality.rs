//! Criticality tiers end to end: the same submission judged at the standard
//! and at the critical tier gives the difference the README documents, and a
//! manifest that does not say its tier is judged at the critical one.

#![expect(clippy::unwrap_used, reason = "tests")]

use assure_engine::decision::{Decision, Verdict};
use assure_engine::submission::{DeviceClass, Tier};
use assure_tests::lies::{self, Case};
use assure_tests::{as_of, builtin_engine, example};
use serde_json::json;

fn decide(case: &Case) -> Decision {
    builtin_engine()
        .unwrap()
        .check(&case.submission(), &as_of())
        .unwrap()
        .0
}

fn blocking(decision: &Decision) -> Vec<&str> {
    decision.findings.iter().map(|f| f.rule.as_str()).collect()
}

fn advised(decision: &Decision) -> Vec<&str> {
    decision
        .advisories
        .iter()
        .map(|f| f.rule.as_str())
        .collect()
}

/// The approved CareFlow with an open CVSS 8.1 exposure (CycloneDX
/// `exploitable`: affected) on one of its components, and a profile of the
/// standard tier: not hosted by the supplier, no essential function, no
/// device, standard claimed.
fn careflow_with_a_high_exposure() -> Case {
    let mut case = Case::load(&example("approved")).unwrap();
    let (bom_ref, _) = case.component().unwrap();
    lies::push_sbom_vulnerability(
        &mut case,
        lies::sbom_vulnerability(
            "CVE-2025-99881",
            &bom_ref,
            json!([{ "score": 8.1, "severity": "high", "method": "CVSSv31" }]),
            "exploitable",
        ),
    )
    .unwrap();
    let profile = &mut case.manifest.profile;
    profile.hosted_service = Some(false);
    profile.essential_function = Some(false);
    profile.criticality = Some(Tier::Standard);
    assert_eq!(profile.tier(), Tier::Standard);
    case
}

#[test]
fn a_high_exposure_is_advised_at_standard_and_rejected_at_critical() {
    let mut case = careflow_with_a_high_exposure();

    // Standard: R2.2 refers the exposure; nothing blocks.
    let standard = decide(&case);
    assert_eq!(
        standard.verdict,
        Verdict::Approve,
        "{:?} {:#?}",
        blocking(&standard),
        standard.missing_evidence
    );
    assert!(
        advised(&standard).contains(&"R2.2"),
        "{:?}",
        advised(&standard)
    );

    // The same evidence claimed at the critical tier: R2.3 blocks, on the
    // exposure.
    case.manifest.profile.criticality = Some(Tier::Critical);
    let critical = decide(&case);
    assert_eq!(critical.verdict, Verdict::Reject);
    let tier = &critical.product.criticality;
    assert_eq!(
        (tier.tier, tier.claimed, tier.implied),
        (Tier::Critical, Tier::Critical, Tier::Standard)
    );
    assert_eq!(blocking(&critical), ["R2.3"]);
    let finding = critical.findings.iter().find(|f| f.rule == "R2.3").unwrap();
    assert_eq!(finding.subject.kind, "Exposure");
    assert!(
        finding.subject.id.contains("CVE-2025-99881"),
        "{}",
        finding.subject.id
    );

    // Implied rather than claimed: a class IIb device with standard claimed
    // is judged critical too, and the understatement is referred (R29.2).
    case.manifest.profile.criticality = Some(Tier::Standard);
    case.manifest.profile.medical_device = Some(true);
    case.manifest.profile.device_class = Some(DeviceClass::IIb);
    let implied = decide(&case);
    assert_eq!(implied.verdict, Verdict::Reject);
    assert!(
        blocking(&implied).contains(&"R2.3"),
        "{:?}",
        blocking(&implied)
    );
    assert!(
        advised(&implied).contains(&"R29.2"),
        "{:?}",
        advised(&implied)
    );
}

#[test]
fn a_manifest_that_does_not_say_its_tier_is_judged_as_critical() {
    let mut case = Case::load(&example("approved")).unwrap();
    // As a manifest written before the tiers: the four questions only.
    let profile = &mut case.manifest.profile;
    profile.criticality = None;
    profile.real_time_direct_care = None;
    profile.device_class = None;
    profile.essential_function = None;
    profile.designated_critical_supplier = None;
    profile.managed_service = None;
    let decision = decide(&case);
    let tier = &decision.product.criticality;
    assert_eq!(
        (tier.tier, tier.claimed, tier.implied),
        (Tier::Critical, Tier::Critical, Tier::Critical)
    );
    // Nothing the strictest tier asks of CareFlow fails (it has CE Plus, a
    // CREST tester and no open high exposure), so the verdict is
    // needs-evidence only for the questions, each named.
    assert_eq!(
        decision.verdict,
        Verdict::NeedsEvidence,
        "{:?}",
        blocking(&decision)
    );
    assert!(decision.findings.is_empty());
    let asked: Vec<&str> = decision
        .missing_evidence
        .iter()
        .map(|m| m.evidence.as_str())
        .collect();
    assert_eq!(asked, ["profile"]);
    let profile = decision.missing_evidence.first().unwrap();
    assert_eq!(
        profile.facts,
        [
            "profile.criticality",
            "profile.real_time_direct_care",
            "profile.device_class",
            "profile.essential_function",
            "profile.designated_critical_supplier",
            "profile.managed_service",
        ]
    );
    assert!(
        profile
            .ask
            .contains("`criticality` (standard, high, critical; judged as critical)"),
        "{}",
        profile.ask
    );
    for rule in ["R2.3", "R6.12", "R7.11", "R29.1", "R29.2", "R29.3"] {
        assert!(
            profile.rules.iter().any(|r| r == rule),
            "{rule} not in {:?}",
            profile.rules
        );
    }
    // A claim with no class: unanswered inputs count as their strictest, so
    // the claim is understated and the critical tier applies.
    case.manifest.profile.criticality = Some(Tier::High);
    let decision = decide(&case);
    assert!(
        advised(&decision).contains(&"R29.3"),
        "{:?}",
        advised(&decision)
    );

    // And judged as critical, it rejects what the critical tier rejects.
    let mut case = careflow_with_a_high_exposure();
    case.manifest.profile.criticality = None;
    let decision = decide(&case);
    assert_eq!(decision.verdict, Verdict::Reject);
    assert_eq!(blocking(&decision), ["R2.3"]);
}

#[test]
fn the_examples_say_their_tiers() {
    for (name, tier) in [
        ("approved", Tier::High),
        ("rejected", Tier::High),
        ("needs-evidence", Tier::High),
        ("assure-self", Tier::Standard),
    ] {
        let case = Case::load(&example(name)).unwrap();
        let profile = &case.manifest.profile;
        assert!(
            profile.unanswered().is_empty(),
            "{name}: {:?}",
            profile.unanswered()
        );
        assert_eq!(profile.claimed_tier(), tier, "{name}");
        assert_eq!(profile.implied_tier(), tier, "{name}: the claim is honest");
    }
}
