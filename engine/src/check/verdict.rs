//! The verdict: the few lines of the product that decide. Fail closed —
//! approve only when nothing blocks and everything was decided.

use std::collections::BTreeSet;

use crate::decision::{
    DocumentError, EvaluationError, Finding, MissingEvidence, Subject, Verdict, WaiverReport,
    WaiverStatus,
};
use crate::facts::FactProblem;

/// What a verdict is reached on.
#[derive(Debug, Clone, Copy)]
pub struct Grounds<'a> {
    /// Blocking findings; those a waiver accepted (marked `waiver`) do not
    /// block.
    pub findings: &'a [Finding],
    /// The waivers presented, and what became of each.
    pub waivers: &'a [WaiverReport],
    /// Evidence the rules need and the submission does not give.
    pub missing: &'a [MissingEvidence],
    /// Documents that could not be read.
    pub documents: &'a [DocumentError],
    /// Facts a plugin stated wrongly.
    pub facts: &'a [FactProblem],
    /// Rules that failed to evaluate.
    pub evaluation: &'a [EvaluationError],
}

/// The blocking findings no waiver accepted: the ones that reject.
fn unwaived(findings: &[Finding]) -> impl Iterator<Item = &Finding> {
    findings.iter().filter(|f| f.waiver.is_none())
}

/// The verdict: reject on any blocking finding no waiver accepted; else
/// needs-evidence on anything missing, unread, ill-stated or unevaluated;
/// else approve.
#[must_use]
pub fn verdict(grounds: &Grounds<'_>) -> Verdict {
    if unwaived(grounds.findings).next().is_some() {
        Verdict::Reject
    } else if !grounds.missing.is_empty()
        || !grounds.documents.is_empty()
        || !grounds.facts.is_empty()
        || !grounds.evaluation.is_empty()
    {
        Verdict::NeedsEvidence
    } else {
        Verdict::Approve
    }
}

/// When Cedar denied `approve` on the product and nothing explains it — no
/// permit policy allowed it, no forbid rule fired on the product, no rule
/// failed to evaluate — the evaluation error that keeps the verdict from
/// approve. A bundle without a permit policy never approves.
#[must_use]
pub fn unexplained_denial(
    product: &str,
    permitted: bool,
    forbidden_by_rule: bool,
    any_errored: bool,
) -> Option<EvaluationError> {
    (!permitted && !forbidden_by_rule && !any_errored).then(|| EvaluationError {
        rule: "approve".into(),
        subject: Subject {
            kind: "Product".into(),
            id: product.to_owned(),
        },
        message: "no permit policy allowed approval, and no rule explains why".into(),
    })
}

/// The verdict in one sentence.
#[must_use]
pub fn summary(verdict: Verdict, grounds: &Grounds<'_>) -> String {
    let Grounds {
        findings,
        waivers,
        missing,
        documents,
        facts,
        evaluation,
    } = *grounds;
    let mut text = match verdict {
        Verdict::Approve => {
            let applied: Vec<&WaiverReport> = waivers
                .iter()
                .filter(|w| w.status == WaiverStatus::Applied)
                .collect();
            if applied.is_empty() {
                "every rule was evaluated and none blocks approval".to_owned()
            } else {
                let rules: BTreeSet<&str> = applied
                    .iter()
                    .flat_map(|w| w.waived.iter().map(|f| f.rule.as_str()))
                    .collect();
                let count: usize = applied.iter().map(|w| w.waived.len()).sum();
                format!(
                    "{} waiver(s) ({}) accept {count} finding(s) of rule(s) {}; every other rule was evaluated and none blocks approval",
                    applied.len(),
                    applied
                        .iter()
                        .map(|w| w.label())
                        .collect::<Vec<_>>()
                        .join(", "),
                    rules.into_iter().collect::<Vec<_>>().join(", ")
                )
            }
        }
        Verdict::Reject => {
            let rules: BTreeSet<&str> = unwaived(findings).map(|f| f.rule.as_str()).collect();
            format!(
                "{} blocking finding(s) from rule(s) {}",
                unwaived(findings).count(),
                rules.into_iter().collect::<Vec<_>>().join(", ")
            )
        }
        Verdict::NeedsEvidence => {
            let mut parts = Vec::new();
            if !missing.is_empty() {
                parts.push(format!(
                    "missing evidence: {}",
                    missing
                        .iter()
                        .map(|m| m.title.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if !documents.is_empty() {
                parts.push(format!("{} document(s) could not be read", documents.len()));
            }
            if !facts.is_empty() {
                parts.push(format!("{} fact problem(s)", facts.len()));
            }
            if !evaluation.is_empty() {
                parts.push(format!("{} rule(s) failed to evaluate", evaluation.len()));
            }
            format!(
                "nothing rejects, but not every rule could be decided: {}",
                parts.join("; ")
            )
        }
    };
    if verdict != Verdict::Approve {
        let count: usize = waivers
            .iter()
            .filter(|w| w.status == WaiverStatus::Applied)
            .map(|w| w.waived.len())
            .sum();
        if count > 0 {
            text.push_str(&format!("; {count} other finding(s) waived"));
        }
    }
    text.push_str(&waiver_clauses(waivers));
    text
}

/// What a reader must know about the waivers besides those applied: the
/// ones refused and why, the unused, the ones about to expire.
fn waiver_clauses(waivers: &[WaiverReport]) -> String {
    let mut out = String::new();
    let refused: Vec<String> = waivers
        .iter()
        .filter(|w| w.status.is_refused())
        .map(|w| format!("{} ({})", w.label(), w.status))
        .collect();
    if !refused.is_empty() {
        out.push_str(&format!(
            "; {} waiver(s) not applied: {}",
            refused.len(),
            refused.join(", ")
        ));
    }
    let unused: Vec<&str> = waivers
        .iter()
        .filter(|w| w.status == WaiverStatus::Unused)
        .map(WaiverReport::label)
        .collect();
    if !unused.is_empty() {
        out.push_str(&format!(
            "; {} waiver(s) unused: {}",
            unused.len(),
            unused.join(", ")
        ));
    }
    for w in waivers.iter().filter(|w| w.expiring) {
        out.push_str(&format!(
            "; waiver {} expires in {} day(s)",
            w.label(),
            w.expires_in_days.unwrap_or(0)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #![expect(clippy::panic, reason = "tests")]

    use super::*;
    use crate::bundle::Severity;
    use crate::decision::{DocumentErrorKind, SubjectDetails};

    fn product() -> Subject {
        Subject {
            kind: "Product".into(),
            id: "CareFlow".into(),
        }
    }

    fn finding(rule: &str) -> Finding {
        Finding {
            rule: rule.into(),
            title: "No known-exploited vulnerability left open".into(),
            severity: Severity::Critical,
            controls: vec!["KEV BOD 22-01".into()],
            pillar: None,
            message: String::new(),
            remediation: String::new(),
            advisory: false,
            subject: product(),
            subject_details: SubjectDetails::default(),
            evidence: Vec::new(),
            waiver: None,
        }
    }

    fn missing() -> MissingEvidence {
        MissingEvidence {
            evidence: "sbom".into(),
            title: "Software bill of materials".into(),
            ask: "an SBOM".into(),
            facts: vec!["sbom.present".into()],
            rules: vec!["R5".into()],
            subjects: vec![product()],
        }
    }

    fn unread() -> DocumentError {
        DocumentError {
            document: "sbom.cdx.json".into(),
            sha256: "00".repeat(32),
            media_type: "application/vnd.cyclonedx+json".into(),
            plugin: Some("cyclonedx".into()),
            kind: DocumentErrorKind::Invalid,
            message: "not JSON".into(),
            location: String::new(),
            region: None,
        }
    }

    fn ill_stated() -> FactProblem {
        FactProblem {
            plugin: "cyclonedx".into(),
            document: "sbom.cdx.json".into(),
            fact: "sbom.generated".into(),
            message: "not a datetime".into(),
        }
    }

    fn unevaluated() -> EvaluationError {
        EvaluationError {
            rule: "R7".into(),
            subject: product(),
            message: "attribute missing".into(),
        }
    }

    struct Case {
        findings: Vec<Finding>,
        waivers: Vec<WaiverReport>,
        missing: Vec<MissingEvidence>,
        documents: Vec<DocumentError>,
        facts: Vec<FactProblem>,
        evaluation: Vec<EvaluationError>,
    }

    impl Case {
        fn empty() -> Self {
            Case {
                findings: Vec::new(),
                waivers: Vec::new(),
                missing: Vec::new(),
                documents: Vec::new(),
                facts: Vec::new(),
                evaluation: Vec::new(),
            }
        }

        fn grounds(&self) -> Grounds<'_> {
            Grounds {
                findings: &self.findings,
                waivers: &self.waivers,
                missing: &self.missing,
                documents: &self.documents,
                facts: &self.facts,
                evaluation: &self.evaluation,
            }
        }
    }

    #[test]
    fn nothing_against_and_everything_decided_approves() {
        let case = Case::empty();
        assert_eq!(verdict(&case.grounds()), Verdict::Approve);
        assert_eq!(
            summary(Verdict::Approve, &case.grounds()),
            "every rule was evaluated and none blocks approval"
        );
    }

    #[test]
    fn a_blocking_finding_rejects() {
        let case = Case {
            findings: vec![finding("R1"), finding("R2.1"), finding("R1")],
            ..Case::empty()
        };
        assert_eq!(verdict(&case.grounds()), Verdict::Reject);
        assert_eq!(
            summary(Verdict::Reject, &case.grounds()),
            "3 blocking finding(s) from rule(s) R1, R2.1"
        );
    }

    #[test]
    fn each_thing_left_undecided_keeps_the_verdict_from_approve() {
        let cases = [
            Case {
                missing: vec![missing()],
                ..Case::empty()
            },
            Case {
                documents: vec![unread()],
                ..Case::empty()
            },
            Case {
                facts: vec![ill_stated()],
                ..Case::empty()
            },
            Case {
                evaluation: vec![unevaluated()],
                ..Case::empty()
            },
        ];
        let said = [
            "missing evidence: Software bill of materials",
            "1 document(s) could not be read",
            "1 fact problem(s)",
            "1 rule(s) failed to evaluate",
        ];
        for (case, said) in cases.iter().zip(said) {
            assert_eq!(verdict(&case.grounds()), Verdict::NeedsEvidence, "{said}");
            let text = summary(Verdict::NeedsEvidence, &case.grounds());
            assert!(
                text.starts_with("nothing rejects, but not every rule could be decided: "),
                "{text}"
            );
            assert!(text.ends_with(said), "{text}");
        }
    }

    #[test]
    fn a_finding_rejects_even_when_other_things_are_undecided() {
        let case = Case {
            findings: vec![finding("R1")],
            waivers: Vec::new(),
            missing: vec![missing()],
            documents: vec![unread()],
            facts: vec![ill_stated()],
            evaluation: vec![unevaluated()],
        };
        assert_eq!(verdict(&case.grounds()), Verdict::Reject);
    }

    #[test]
    fn every_reason_is_named_in_the_summary() {
        let case = Case {
            missing: vec![missing()],
            documents: vec![unread(), unread()],
            facts: vec![ill_stated()],
            evaluation: vec![unevaluated()],
            ..Case::empty()
        };
        assert_eq!(
            summary(Verdict::NeedsEvidence, &case.grounds()),
            "nothing rejects, but not every rule could be decided: missing evidence: Software \
             bill of materials; 2 document(s) could not be read; 1 fact problem(s); 1 rule(s) \
             failed to evaluate"
        );
    }

    #[test]
    fn a_denial_nothing_explains_is_an_evaluation_error() {
        // No permit allowed approve, no forbid fired, nothing errored: a
        // bundle without a permit policy must never approve.
        let error = unexplained_denial("CareFlow", false, false, false);
        let Some(error) = error else {
            panic!("an unexplained denial must be reported");
        };
        assert_eq!(error.rule, "approve");
        assert_eq!(error.subject, product());
        let case = Case {
            evaluation: vec![error],
            ..Case::empty()
        };
        assert_eq!(verdict(&case.grounds()), Verdict::NeedsEvidence);
    }

    #[test]
    fn a_denial_explained_by_a_rule_or_an_error_adds_nothing() {
        assert!(unexplained_denial("CareFlow", true, false, false).is_none());
        assert!(unexplained_denial("CareFlow", false, true, false).is_none());
        assert!(unexplained_denial("CareFlow", false, false, true).is_none());
        assert!(unexplained_denial("CareFlow", true, true, true).is_none());
    }

    fn report(id: &str, status: WaiverStatus, waived: &[&str]) -> WaiverReport {
        let mut predicate = crate::waiver::document::tests_support::example();
        predicate.id = id.into();
        WaiverReport {
            file: format!("{id}.json"),
            digest: "ab".repeat(32),
            status,
            message: String::new(),
            approved_by: Vec::new(),
            waived: waived
                .iter()
                .map(|rule| crate::decision::WaivedRef {
                    rule: (*rule).into(),
                    kind: "Exposure".into(),
                    id: "CVE-2021-44228 @ pkg:maven/x/y@1".into(),
                })
                .collect(),
            expires_in_days: Some(20),
            expiring: false,
            waiver: Some(predicate),
            content: Vec::new(),
        }
    }

    #[test]
    fn waived_findings_approve_and_the_summary_says_with_what() {
        // No finding left that a waiver did not accept.
        let case = Case {
            waivers: vec![
                report("W-1", WaiverStatus::Applied, &["R1"]),
                report("W-2", WaiverStatus::Applied, &["R2.1"]),
            ],
            ..Case::empty()
        };
        assert_eq!(verdict(&case.grounds()), Verdict::Approve);
        assert_eq!(
            summary(Verdict::Approve, &case.grounds()),
            "2 waiver(s) (W-1, W-2) accept 2 finding(s) of rule(s) R1, R2.1; every other rule \
             was evaluated and none blocks approval"
        );
    }

    #[test]
    fn a_refused_waiver_leaves_its_finding_blocking_and_is_named() {
        let case = Case {
            findings: vec![finding("R1")],
            waivers: vec![
                report("W-1", WaiverStatus::Expired, &[]),
                report("W-2", WaiverStatus::Applied, &["R2.1"]),
                report("W-3", WaiverStatus::Unused, &[]),
            ],
            ..Case::empty()
        };
        assert_eq!(verdict(&case.grounds()), Verdict::Reject);
        assert_eq!(
            summary(Verdict::Reject, &case.grounds()),
            "1 blocking finding(s) from rule(s) R1; 1 other finding(s) waived; 1 waiver(s) not \
             applied: W-1 (expired); 1 waiver(s) unused: W-3"
        );
    }

    #[test]
    fn a_waiver_about_to_expire_is_said() {
        let mut expiring = report("W-1", WaiverStatus::Applied, &["R1"]);
        expiring.expiring = true;
        expiring.expires_in_days = Some(3);
        let case = Case {
            waivers: vec![expiring],
            ..Case::empty()
        };
        assert!(
            summary(Verdict::Approve, &case.grounds())
                .ends_with("; waiver W-1 expires in 3 day(s)")
        );
    }
}
