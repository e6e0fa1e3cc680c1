//! A property of waivers: no waiver outside its scope ever changes a
//! decision. Waivers are generated at random — for this product or others,
//! this version or others, in force or not, for waivable rules or not, for
//! this exposure or another — and applied by the engine to the findings of
//! `examples/rejected` (Log4Shell: R1 and R2.1). A waiver that an
//! independent reading of its scope puts outside must mark no finding (so
//! the verdict stays reject); one inside must mark exactly its finding.

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::sync::OnceLock;

use assure_engine::Bundle;
use assure_engine::bundle::Severity;
use assure_engine::decision::{Finding, Subject, SubjectDetails, WaiverStatus};
use assure_engine::submission::{Product, Tier};
use assure_engine::waiver::{
    Presented, ProductScope, Reason, Scope, WaiverPredicate, WaiverSubject, apply,
};
use proptest::prelude::*;

const LOG4J: &str = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1";
const AS_OF: &str = "2025-09-22T00:00:00Z";

fn bundle() -> &'static Bundle {
    static BUNDLE: OnceLock<Bundle> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        assure_engine::TrustedBundle::builtin()
            .unwrap()
            .into_inner()
    })
}

fn product() -> Product {
    Product {
        name: "CareFlow Reports".into(),
        version: "1.3.0".into(),
        supplier: "Northwind Health Ltd".into(),
        identifiers: vec!["pkg:maven/uk.co.northwindhealth.careflow/careflow-reports@1.3.0".into()],
        artifact_sha256: vec!["ab".repeat(32)],
    }
}

fn exposure_finding(rule: &str, severity: Severity) -> Finding {
    Finding {
        rule: rule.into(),
        title: String::new(),
        severity,
        controls: Vec::new(),
        pillar: None,
        message: String::new(),
        remediation: String::new(),
        advisory: false,
        subject: Subject {
            kind: "Exposure".into(),
            id: format!("CVE-2021-44228 @ {LOG4J}"),
        },
        subject_details: SubjectDetails {
            vulnerability: Some("CVE-2021-44228".into()),
            vex_status: Some("affected".into()),
            known_exploited: Some(true),
            components: vec![LOG4J.into()],
            ..SubjectDetails::default()
        },
        evidence: Vec::new(),
        waiver: None,
    }
}

/// A generated waiver and the tier it is applied at.
#[derive(Debug, Clone)]
struct Case {
    identifier: &'static str,
    supplier: Option<&'static str>,
    version: Option<&'static str>,
    versions: Option<&'static str>,
    artifact: Option<String>,
    rule: &'static str,
    kind: u8,
    vulnerability: &'static str,
    component: &'static str,
    created_days: i64,
    length_days: i64,
    tier: Tier,
}

fn cases() -> impl Strategy<Value = Case> {
    (
        (
            prop::sample::select(vec![
                "CareFlow Reports",
                "pkg:maven/uk.co.northwindhealth.careflow/careflow-reports@1.3.0",
                "CareFlow",
                "careflow reports",
                "CareFlow Reports ",
            ]),
            prop::option::of(prop::sample::select(vec![
                "Northwind Health Ltd",
                "Northwind",
            ])),
            prop::option::of(prop::sample::select(vec!["1.3.0", "1.3.1", "1.2.9", "1.3"])),
            prop::option::of(prop::sample::select(vec![
                ">=1.3.0, <1.4.0",
                ">=1.0.0, <1.3.0",
                "^1.3",
                "=1.3.1",
            ])),
            prop::option::of(prop::sample::select(vec!["ab".repeat(32), "cd".repeat(32)])),
        ),
        (
            prop::sample::select(vec!["R1", "R2.1", "R3.2", "R26.1", "R99"]),
            0_u8..3,
            prop::sample::select(vec!["CVE-2021-44228", "cve-2021-44228", "CVE-2021-45046"]),
            prop::sample::select(vec![
                LOG4J,
                "pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1",
            ]),
            -60_i64..10,
            1_i64..60,
            prop::sample::select(vec![Tier::High, Tier::Critical]),
        ),
    )
        .prop_map(
            |(
                (identifier, supplier, version, versions, artifact),
                (rule, kind, vulnerability, component, created_days, length_days, tier),
            )| Case {
                identifier,
                supplier,
                version,
                versions,
                artifact,
                rule,
                kind,
                vulnerability,
                component,
                created_days,
                length_days,
                tier,
            },
        )
}

fn day(offset: i64) -> String {
    let as_of: jiff::Timestamp = AS_OF.parse().unwrap();
    assure_engine::time::format_datetime(
        as_of
            .checked_add(jiff::SignedDuration::from_hours(offset * 24))
            .unwrap(),
    )
}

/// Whether the case is outside the waiver's scope, read independently of
/// the engine: another product, supplier, version or artefact; not in
/// force at the evaluation time; longer than the bundle allows; a rule the
/// baseline does not let a waiver accept; another subject; or a
/// known-exploited exposure at the critical tier.
fn outside(case: &Case) -> bool {
    let range_includes_130 = match case.versions {
        None | Some(">=1.3.0, <1.4.0" | "^1.3") => true,
        Some(_) => false,
    };
    let max_days = match case.rule {
        "R1" => 30,
        _ => 30, // R2.1 is critical: 30 days
    };
    !matches!(
        case.identifier,
        "CareFlow Reports" | "pkg:maven/uk.co.northwindhealth.careflow/careflow-reports@1.3.0"
    ) || case.supplier.is_some_and(|s| s != "Northwind Health Ltd")
        || case.version.is_some_and(|v| v != "1.3.0")
        || !range_includes_130
        || case
            .artifact
            .as_ref()
            .is_some_and(|a| *a != "ab".repeat(32))
        || case.created_days > 0
        || case.created_days + case.length_days <= 0
        || case.length_days > max_days
        || !matches!(case.rule, "R1" | "R2.1")
        || case.kind != 0
        || !case.vulnerability.eq_ignore_ascii_case("CVE-2021-44228")
        || case.component != LOG4J
        || case.tier == Tier::Critical
}

fn predicate(case: &Case) -> WaiverPredicate {
    let mut version = case.version.map(str::to_owned);
    if version.is_none() && case.versions.is_none() && case.artifact.is_none() {
        version = Some("1.3.0".into());
    }
    WaiverPredicate {
        id: "W-prop".into(),
        product: ProductScope {
            identifier: case.identifier.into(),
            supplier: case.supplier.map(str::to_owned),
            version,
            versions: case.versions.map(str::to_owned),
            artifact_sha256: case.artifact.iter().cloned().collect(),
        },
        rule: case.rule.into(),
        subject: match case.kind {
            0 => WaiverSubject::Exposure {
                vulnerability: case.vulnerability.into(),
                component: case.component.into(),
            },
            1 => WaiverSubject::Component {
                component: case.component.into(),
            },
            _ => WaiverSubject::Product,
        },
        reason: Reason::RiskAccepted,
        justification: "generated".into(),
        risk_owner: "generated".into(),
        compensating_controls: Vec::new(),
        approvers: vec!["generated".into()],
        created: day(case.created_days),
        expires: day(case.created_days + case.length_days),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn no_waiver_outside_its_scope_changes_a_decision(case in cases()) {
        let mut findings = vec![
            exposure_finding("R1", Severity::Critical),
            exposure_finding("R2.1", Severity::Critical),
        ];
        let mut advisories = vec![exposure_finding("R3.2", Severity::Medium)];
        let product = product();
        let presented = Presented::stated("generated.json", predicate(&case), Vec::new());
        let reports = apply(
            bundle(),
            vec![presented],
            Scope { product: &product, tier: case.tier, as_of: AS_OF.parse().unwrap() },
            &mut findings,
            &mut advisories,
        );
        let marked: Vec<&str> = findings
            .iter()
            .chain(&advisories)
            .filter(|f| f.waiver.is_some())
            .map(|f| f.rule.as_str())
            .collect();
        if outside(&case) {
            prop_assert!(marked.is_empty(), "{case:?} marked {marked:?}: {:?}", reports[0].message);
            prop_assert_ne!(reports[0].status, WaiverStatus::Applied);
        } else {
            prop_assert_eq!(marked, vec![case.rule], "{:?}", reports[0].message);
            prop_assert_eq!(reports[0].status, WaiverStatus::Applied);
        }
    }
}
