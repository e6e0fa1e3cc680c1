//! The verdict: the few lines of the product that decide. Fail closed —
//! approve only when nothing blocks and everything was decided.

use std::collections::BTreeSet;

use crate::decision::{DocumentError, EvaluationError, Finding, MissingEvidence, Subject, Verdict};
use crate::facts::FactProblem;

/// What a verdict is reached on.
#[derive(Debug, Clone, Copy)]
pub struct Grounds<'a> {
    /// Blocking findings.
    pub findings: &'a [Finding],
    /// Evidence the rules need and the submission does not give.
    pub missing: &'a [MissingEvidence],
    /// Documents that could not be read.
    pub documents: &'a [DocumentError],
    /// Facts a plugin stated wrongly.
    pub facts: &'a [FactProblem],
    /// Rules that failed to evaluate.
    pub evaluation: &'a [EvaluationError],
}

/// The verdict: reject on any blocking finding; else needs-evidence on
/// anything missing, unread, ill-stated or unevaluated; else approve.
#[must_use]
pub fn verdict(grounds: &Grounds<'_>) -> Verdict {
    if !grounds.findings.is_empty() {
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
        missing,
        documents,
        facts,
        evaluation,
    } = *grounds;
    match verdict {
        Verdict::Approve => "every rule was evaluated and none blocks approval".to_owned(),
        Verdict::Reject => {
            let rules: BTreeSet<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
            format!(
                "{} blocking finding(s) from rule(s) {}",
                findings.len(),
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
    }
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
        missing: Vec<MissingEvidence>,
        documents: Vec<DocumentError>,
        facts: Vec<FactProblem>,
        evaluation: Vec<EvaluationError>,
    }

    impl Case {
        fn empty() -> Self {
            Case {
                findings: Vec::new(),
                missing: Vec::new(),
                documents: Vec::new(),
                facts: Vec::new(),
                evaluation: Vec::new(),
            }
        }

        fn grounds(&self) -> Grounds<'_> {
            Grounds {
                findings: &self.findings,
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
}
