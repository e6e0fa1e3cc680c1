//! The decision as JUnit XML, for CI systems that show test reports
//! (GitLab, Jenkins, Azure DevOps, GitHub test-report actions).
//!
//! One test suite, the bundle; one test case per forbid rule, named after
//! the rule and classed by its policy file (`nhs-baseline.vulnerabilities`).
//! A rule that fired (blocking) fails; one that could not be decided is an
//! error of type `needs-evidence`; one with nothing to judge is skipped; an
//! advisory rule that fired passes, with its advice in `system-out`; a rule
//! whose every finding a waiver accepted is skipped, the waiver named in the
//! reason.

use std::fmt::Write as _;

use assure_engine::decision::{Decision, Finding, Outcome, RuleOutcome};

use crate::view::{
    citation_place, escape_markup as esc, escape_text as content, policy_name, subject_text,
    undecided_reasons, waiver_text,
};

/// The decision as a JUnit XML report.
pub fn junit(decision: &Decision) -> String {
    junit_for(decision, None)
}

/// What keeps a decision from approval besides its rules: unreadable
/// documents, fact problems and evaluation errors, one line each.
fn evidence_problems(decision: &Decision) -> Vec<String> {
    let mut out = Vec::new();
    for e in &decision.document_errors {
        out.push(format!(
            "{} could not be read ({}): {}",
            e.document, e.kind, e.message
        ));
    }
    for p in &decision.fact_problems {
        out.push(format!(
            "{} from {} ({}): {}",
            p.fact, p.document, p.plugin, p.message
        ));
    }
    for e in &decision.evaluation_errors {
        out.push(format!(
            "{} on {} {}: {}",
            e.rule, e.subject.kind, e.subject.id, e.message
        ));
    }
    out
}

/// A suite's test, failure, error and skipped counts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    /// Test cases.
    pub tests: usize,
    /// Failed (blocking rules that fired).
    pub failures: usize,
    /// Errors (undecided rules, and evidence problems).
    pub errors: usize,
    /// Skipped (rules with nothing to judge, and rules whose findings were
    /// all waived).
    pub skipped: usize,
}

impl Counts {
    /// The counts of a decision's suite: one test case per rule, and one for
    /// the evidence itself, which errors when a document could not be read
    /// or a fact is in doubt, so a needs-evidence decision never shows as a
    /// clean report.
    pub fn of(decision: &Decision) -> Self {
        let count = |outcome: Outcome| {
            decision
                .rules
                .iter()
                .filter(|r| r.outcome == outcome)
                .count()
        };
        Self {
            tests: decision.rules.len() + 1,
            failures: count(Outcome::Failed),
            errors: count(Outcome::Undecided)
                + usize::from(!evidence_problems(decision).is_empty()),
            skipped: count(Outcome::NotApplicable) + count(Outcome::Waived),
        }
    }

    /// The sum of two.
    pub fn add(self, other: Self) -> Self {
        Self {
            tests: self.tests + other.tests,
            failures: self.failures + other.failures,
            errors: self.errors + other.errors,
            skipped: self.skipped + other.skipped,
        }
    }

    /// As XML attributes.
    pub fn attributes(&self) -> String {
        format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"",
            self.tests, self.failures, self.errors, self.skipped
        )
    }
}

/// As [`junit`]; with `submission`, the suite and its test cases are named
/// after it, so a report of several submissions keeps them apart.
pub fn junit_for(decision: &Decision, submission: Option<&str>) -> String {
    let p = &decision.product;
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" {} time=\"0\">",
        esc(&format!("assure check: {} {}", p.name, p.version)),
        Counts::of(decision).attributes()
    );
    out.push_str(&suite(decision, submission));
    out.push_str("</testsuites>\n");
    out
}

/// The decision's `<testsuite>` element, indented for a `<testsuites>`.
pub fn suite(decision: &Decision, submission: Option<&str>) -> String {
    let counts = Counts::of(decision);
    let problems = evidence_problems(decision);
    let suite = match submission {
        None => format!("{} v{}", decision.bundle.name, decision.bundle.version),
        Some(path) => format!(
            "{path}: {} v{}",
            decision.bundle.name, decision.bundle.version
        ),
    };
    let class_prefix = match submission {
        None => decision.bundle.name.clone(),
        Some(path) => format!("{path}.{}", decision.bundle.name),
    };
    let p = &decision.product;
    // JUnit's timestamp has no zone; the evaluation time is UTC.
    let timestamp = decision
        .evaluated_at
        .split(['.', 'Z'])
        .next()
        .unwrap_or(&decision.evaluated_at);

    let mut out = String::new();
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" {} time=\"0\" timestamp=\"{}\">",
        esc(&suite),
        counts.attributes(),
        esc(timestamp)
    );
    out.push_str("    <properties>\n");
    let mut properties = vec![
        ("verdict", decision.verdict.as_str().to_owned()),
        ("summary", decision.summary.clone()),
        ("product", p.name.clone()),
        ("product.version", p.version.clone()),
        ("supplier", p.supplier.clone()),
        ("evaluated_at", decision.evaluated_at.clone()),
        (
            "engine",
            format!("{} {}", decision.engine.name, decision.engine.version),
        ),
        ("bundle.digest", decision.bundle.digest.clone()),
        ("manifest.sha256", decision.inputs.manifest_sha256.clone()),
    ];
    for e in &decision.inputs.evidence {
        properties.push(("evidence", format!("{} sha256:{}", e.path, e.sha256)));
    }
    for (name, value) in properties {
        let _ = writeln!(
            out,
            "      <property name=\"{}\" value=\"{}\"/>",
            esc(name),
            esc(&value)
        );
    }
    out.push_str("    </properties>\n");
    for rule in &decision.rules {
        testcase(&mut out, decision, rule, &class_prefix);
    }
    let _ = write!(
        out,
        "    <testcase classname=\"{}\" name=\"evidence read and consistent\" time=\"0\"",
        esc(&format!("{class_prefix}.evidence"))
    );
    if problems.is_empty() {
        out.push_str("/>\n");
    } else {
        let _ = writeln!(
            out,
            ">\n      <error type=\"needs-evidence\" message=\"{}\">{}</error>\n    </testcase>",
            esc(&format!(
                "{} problem(s) with the evidence keep the decision from approval",
                problems.len()
            )),
            content(&problems.join("\n"))
        );
    }
    let _ = writeln!(
        out,
        "    <system-out>{}</system-out>",
        content(&suite_notes(decision))
    );
    out.push_str("  </testsuite>\n");
    out
}

/// One rule as a test case.
fn testcase(out: &mut String, decision: &Decision, rule: &RuleOutcome, class_prefix: &str) {
    let _ = write!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\" time=\"0\"",
        esc(&format!("{class_prefix}.{}", policy_name(rule))),
        esc(&format!("{} {}", rule.rule, rule.title))
    );
    let findings = |list: &[Finding]| -> String {
        list.iter()
            .filter(|f| f.rule == rule.rule)
            .map(finding_text)
            .collect::<Vec<_>>()
            .join("\n")
    };
    match rule.outcome {
        Outcome::Failed => {
            let fired: Vec<&Finding> = decision
                .blocking()
                .filter(|f| f.rule == rule.rule)
                .collect();
            let message = match fired.as_slice() {
                [one] => format!("{}: {}", subject_text(one), one.message),
                _ => format!(
                    "{} blocking findings: {}",
                    fired.len(),
                    fired.first().map_or("", |f| f.message.as_str())
                ),
            };
            let _ = writeln!(
                out,
                ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                esc(&message),
                esc(&rule.severity.to_string()),
                content(&findings(&decision.findings))
            );
        }
        Outcome::Undecided => {
            let reasons = undecided_reasons(decision, &rule.rule);
            let mut body = format!(
                "{} of {} subject(s) could not be decided.\n",
                rule.undecided, rule.evaluated
            );
            for m in decision
                .missing_evidence
                .iter()
                .filter(|m| m.rules.contains(&rule.rule))
            {
                let _ = writeln!(
                    body,
                    "missing: {}\n  provide: {}\n  facts: {}",
                    m.title,
                    m.ask,
                    m.facts.join(", ")
                );
            }
            let _ = writeln!(
                out,
                ">\n      <error message=\"{}\" type=\"needs-evidence\">{}</error>\n    </testcase>",
                esc(&reasons.join("; ")),
                content(&body)
            );
        }
        Outcome::NotApplicable => {
            let _ = writeln!(
                out,
                ">\n      <skipped message=\"nothing for the rule to judge in this submission\"/>\n    </testcase>"
            );
        }
        Outcome::Waived => {
            let marks: Vec<String> = decision
                .waived()
                .filter(|f| f.rule == rule.rule)
                .filter_map(|f| f.waiver.as_ref().map(waiver_text))
                .collect();
            let mut reasons = marks.clone();
            reasons.dedup();
            let _ = writeln!(
                out,
                ">\n      <skipped message=\"{}\"/>\n      <system-out>{}</system-out>\n    </testcase>",
                esc(&reasons.join("; ")),
                content(&format!(
                    "Waived (accepted risk, not blocking):\n{}",
                    findings(&decision.findings) + &findings(&decision.advisories)
                ))
            );
        }
        Outcome::Advised => {
            let _ = writeln!(
                out,
                ">\n      <system-out>{}</system-out>\n    </testcase>",
                content(&format!(
                    "Advisory (not blocking):\n{}",
                    findings(&decision.advisories)
                ))
            );
        }
        Outcome::Passed => out.push_str("/>\n"),
    }
}

/// A finding as text: subject, message, evidence, remediation.
fn finding_text(f: &Finding) -> String {
    let mut text = format!("{}\n  {}\n", subject_text(f), f.message);
    if let Some(mark) = &f.waiver {
        let _ = writeln!(text, "  {}", waiver_text(mark));
    }
    for c in &f.evidence {
        let _ = writeln!(
            text,
            "  evidence: {}  {} = {}  (read by {}; sha256:{})",
            citation_place(c),
            c.fact,
            c.value,
            c.plugin,
            c.document_sha256
        );
    }
    let _ = writeln!(text, "  controls: {}", f.controls.join("; "));
    let _ = writeln!(text, "  fix: {}", f.remediation);
    text
}

/// What the suite says beside its test cases: the verdict, and the evidence
/// that could not be read.
fn suite_notes(decision: &Decision) -> String {
    let mut text = format!(
        "{}: {}\n",
        decision.verdict.as_str().to_uppercase(),
        decision.summary
    );
    for e in &decision.document_errors {
        let _ = writeln!(
            text,
            "could not read {} ({}): {}",
            e.document, e.kind, e.message
        );
    }
    for p in &decision.fact_problems {
        let _ = writeln!(
            text,
            "fact problem: {} from {} ({}): {}",
            p.fact, p.document, p.plugin, p.message
        );
    }
    for n in &decision.notes {
        let _ = writeln!(text, "note: {} ({}): {}", n.document, n.plugin, n.message);
    }
    text
}
