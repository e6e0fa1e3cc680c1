//! The decision as SARIF 2.1.0, for code scanning (GitHub, GitLab, Azure
//! DevOps) and SARIF viewers.
//!
//! One run; one reporting rule per forbid rule of the bundle; one result per
//! finding, located in the evidence file and the line that holds the cited
//! value; one `open` result per rule that could not be decided, located at
//! `submission.toml`. Files are named relative to the submission folder
//! (`uriBaseId` `SUBMISSION`) and the bundle (`BUNDLE`), so the log holds no
//! machine path.

use std::collections::BTreeMap;

use assure_engine::bundle::Severity;
use assure_engine::decision::{Decision, Finding, Outcome, RuleOutcome, Verdict};
use serde_json::{Map, Value, json};

use crate::view::{subject_text, undecided_reasons};

mod locations;

use locations::{
    Artifacts, BUNDLE, BUNDLE_PREFIX, Positions, SUBMISSION, bundle_location, evidence_location,
    evidence_place, manifest_location,
};

/// The schema the log declares, as GitHub and SARIF tools expect it.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The decision as a SARIF 2.1.0 log, its results located at the lines
/// and columns the engine found each cited JSON Pointer at.
pub fn sarif(decision: &Decision) -> String {
    // Every message is written from the decision with its text made inert.
    let positions = Positions::of(decision);
    let decision = &crate::inert::decision(decision);
    let artifacts = Artifacts::of(decision);
    let rule_index: BTreeMap<&str, usize> = decision
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.rule.as_str(), i))
        .collect();

    let mut results = Vec::new();
    for finding in decision.findings.iter().chain(&decision.advisories) {
        results.push(finding_result(finding, &rule_index, &artifacts, &positions));
    }
    for rule in decision
        .rules
        .iter()
        .filter(|r| r.outcome == Outcome::Undecided)
    {
        results.push(undecided_result(decision, rule, &rule_index, &artifacts));
    }
    results.extend(engine_results(
        decision,
        &artifacts,
        &positions,
        decision.rules.len(),
    ));

    let (exit_code, exit_description) = match decision.verdict {
        Verdict::Approve => (0, "approved"),
        Verdict::Reject => (2, "rejected"),
        Verdict::NeedsEvidence => (3, "needs evidence"),
    };
    let mut log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": decision.engine.name,
                    "version": decision.engine.version,
                    "semanticVersion": decision.engine.version,
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": decision
                        .rules
                        .iter()
                        .map(|r| descriptor(decision, r))
                        .chain(ENGINE_RULES.into_iter().map(engine_descriptor))
                        .collect::<Vec<_>>(),
                    "notifications": notification_descriptors(),
                }
            },
            "invocations": [{
                "executionSuccessful": true,
                "exitCode": exit_code,
                "exitCodeDescription": exit_description,
                "toolExecutionNotifications": notifications(decision, &artifacts, &positions),
                "properties": { "verdict": decision.verdict.as_str() },
            }],
            "originalUriBaseIds": {
                SUBMISSION: { "description": { "text": "The submission folder: the folder holding submission.toml." } },
                BUNDLE: { "description": { "text": format!(
                    "The policy bundle {} v{} (sha256:{}).",
                    decision.bundle.name, decision.bundle.version, decision.bundle.digest
                ) } },
            },
            "artifacts": artifacts.list,
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": run_properties(decision),
        }]
    });
    escape_braces(&mut log);
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

/// What GitHub reads as a rule's security severity (0.0–10.0, as a string).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

/// A result's level: a blocking finding by its severity; an advisory one is a note.
fn level(severity: Severity, advisory: bool) -> &'static str {
    if advisory {
        return "note";
    }
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// A rule's title as a SARIF rule name: `NoKnownExploitedVulnerabilityLeftOpen`.
fn rule_name(title: &str) -> String {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect()
}

/// One reporting descriptor per forbid rule.
fn descriptor(decision: &Decision, rule: &RuleOutcome) -> Value {
    // The decision carries a rule's message and remediation only in its
    // findings; a rule that did not fire is described by its title.
    let example = decision
        .findings
        .iter()
        .chain(&decision.advisories)
        .find(|f| f.rule == rule.rule);
    let full = example.map_or(rule.title.as_str(), |f| f.message.as_str());
    let controls = rule.controls.join("; ");
    let policy = format!(
        "policy file {} of bundle {} v{}",
        rule.file, decision.bundle.name, decision.bundle.version
    );
    let (help_text, help_markdown) = match example {
        Some(f) => (
            format!(
                "{}\n\nControls: {controls}. Rule {} in {policy}.",
                f.remediation, rule.rule
            ),
            format!(
                "**Remediation:** {}\n\n**Controls:** {controls}\n\nRule `{}` in {policy}.",
                f.remediation, rule.rule
            ),
        ),
        None => (
            format!(
                "{}\n\nControls: {controls}. Rule {} in {policy}.",
                rule.title, rule.rule
            ),
            format!(
                "**{}**\n\n**Controls:** {controls}\n\nRule `{}` in {policy}.",
                rule.title, rule.rule
            ),
        ),
    };
    let mut tags = vec![
        "security".to_owned(),
        "compliance".to_owned(),
        if rule.advisory {
            "advisory"
        } else {
            "blocking"
        }
        .to_owned(),
    ];
    for control in &rule.controls {
        let framework = assure_engine::decision::framework(control);
        if !framework.is_empty() && !tags.contains(&framework) {
            tags.push(framework);
        }
    }
    let mut pillar = Map::new();
    if let Some(p) = example.and_then(|f| f.pillar.as_ref()) {
        pillar.insert("pillar".to_owned(), json!(p));
    }
    let mut properties = json!({
        "severity": rule.severity.to_string(),
        "security-severity": security_severity(rule.severity),
        "advisory": rule.advisory,
        "controls": rule.controls,
        "policyFile": rule.file,
        "outcome": rule.outcome.as_str(),
        "evaluated": rule.evaluated,
        "fired": rule.fired,
        "undecided": rule.undecided,
        "tags": tags,
    });
    if let Some(map) = properties.as_object_mut() {
        map.extend(pillar);
    }
    json!({
        "id": rule.rule,
        "name": rule_name(&rule.title),
        "shortDescription": { "text": rule.title },
        "fullDescription": { "text": full },
        "help": { "text": help_text, "markdown": help_markdown },
        "defaultConfiguration": { "level": level(rule.severity, rule.advisory) },
        "properties": properties,
    })
}

/// A finding as a result, located in the evidence it cites.
fn finding_result(
    finding: &Finding,
    rule_index: &BTreeMap<&str, usize>,
    artifacts: &Artifacts,
    positions: &Positions,
) -> Value {
    let mut locations = Vec::new();
    let mut related = Vec::new();
    for citation in &finding.evidence {
        // A submitted file comes first: an evidence file named like a
        // bundle citation (`bundle:data/kev.json`) stays the supplier's.
        if artifacts.submitted(&citation.document) {
            let location = evidence_location(citation, artifacts, positions);
            if !locations.contains(&location) {
                locations.push(location);
            }
        } else if let Some(path) = citation.document.strip_prefix(BUNDLE_PREFIX) {
            let location = bundle_location(path, citation, artifacts);
            if !related.contains(&location) {
                related.push(location);
            }
        }
    }
    if locations.is_empty() {
        locations.push(manifest_location(
            artifacts,
            "No evidence file is cited: the finding is about the submission as a whole.",
        ));
    }
    let subject = subject_text(finding);
    let mut result = Map::new();
    result.insert("ruleId".to_owned(), json!(finding.rule));
    if let Some(index) = rule_index.get(finding.rule.as_str()) {
        result.insert("ruleIndex".to_owned(), json!(index));
    }
    result.insert("kind".to_owned(), json!("fail"));
    result.insert(
        "level".to_owned(),
        json!(level(finding.severity, finding.advisory)),
    );
    result.insert(
        "message".to_owned(),
        json!({ "text": format!("{}: {subject}. {}. Fix: {}.",
            finding.title,
            finding.message.trim_end_matches('.'),
            finding.remediation.trim_end_matches('.')) }),
    );
    result.insert("locations".to_owned(), Value::Array(locations));
    if !related.is_empty() {
        result.insert("relatedLocations".to_owned(), Value::Array(related));
    }
    result.insert(
        "partialFingerprints".to_owned(),
        json!({ "assureFinding/v1": format!("{}|{}|{}", finding.rule, finding.subject.kind, finding.subject.id) }),
    );
    result.insert(
        "properties".to_owned(),
        json!({
            "severity": finding.severity.to_string(),
            "advisory": finding.advisory,
            "controls": finding.controls,
            "subject": finding.subject,
            "subjectDetails": finding.subject_details,
        }),
    );
    // Waived, never hidden: the result stays, suppressed as accepted with
    // the waiver's justification (code scanning shows it as dismissed).
    if let Some(mark) = &finding.waiver {
        result.insert(
            "suppressions".to_owned(),
            json!([{
                "kind": "external",
                "status": "accepted",
                "justification": format!("{}: {} ({})", mark.id, mark.justification, mark.reason),
                "properties": {
                    "waiver": mark.id,
                    "digest": mark.digest,
                    "reason": mark.reason,
                    "riskOwner": mark.risk_owner,
                    "approvedBy": mark.approved_by,
                    "expires": mark.expires,
                },
            }]),
        );
    }
    Value::Object(result)
}

/// A rule that could not be decided, as an `open` result at the manifest.
fn undecided_result(
    decision: &Decision,
    rule: &RuleOutcome,
    rule_index: &BTreeMap<&str, usize>,
    artifacts: &Artifacts,
) -> Value {
    let reasons = undecided_reasons(decision, &rule.rule);
    let missing: Vec<&str> = decision
        .missing_evidence
        .iter()
        .filter(|m| m.rules.contains(&rule.rule))
        .map(|m| m.evidence.as_str())
        .collect();
    let mut result = Map::new();
    result.insert("ruleId".to_owned(), json!(rule.rule));
    if let Some(index) = rule_index.get(rule.rule.as_str()) {
        result.insert("ruleIndex".to_owned(), json!(index));
    }
    // SARIF §3.27.10: a result whose kind is not `fail` has level `none`.
    result.insert("kind".to_owned(), json!("open"));
    result.insert("level".to_owned(), json!("none"));
    result.insert(
        "message".to_owned(),
        json!({ "text": format!("{} could not be decided: {}.", rule.title, reasons.join("; ")) }),
    );
    result.insert(
        "locations".to_owned(),
        json!([manifest_location(
            artifacts,
            "Evidence the rule needs is not in the submission."
        )]),
    );
    result.insert(
        "partialFingerprints".to_owned(),
        json!({ "assureFinding/v1": format!("{}|undecided", rule.rule) }),
    );
    result.insert(
        "properties".to_owned(),
        json!({
            "outcome": rule.outcome.as_str(),
            "severity": rule.severity.to_string(),
            "advisory": rule.advisory,
            "controls": rule.controls,
            "missingEvidence": missing,
            "undecidedSubjects": rule.undecided,
        }),
    );
    Value::Object(result)
}

/// The notifications the log can carry.
fn notification_descriptors() -> Value {
    json!([
        { "id": "document-unread", "shortDescription": { "text": "An evidence file could not be read" } },
        { "id": "fact-problem", "shortDescription": { "text": "A plugin stated an undeclared, ill-typed or contradictory fact" } },
        { "id": "evaluation-error", "shortDescription": { "text": "A rule failed to evaluate" } },
        { "id": "plugin-note", "shortDescription": { "text": "A plugin noted something a person should see" } },
        { "id": "waiver", "shortDescription": { "text": "A waiver presented with the check, and what became of it" } },
    ])
}

/// The reporting rules for what keeps a decision at needs-evidence besides
/// an undecided policy: each is a failing result, so code scanning never
/// shows a clean log for a submission that was not approved.
const ENGINE_RULES: [(&str, &str, &str); 3] = [
    (
        "assure.document-unread",
        "An evidence file could not be read",
        "Fix or replace the document so its plugin can read it, or declare its media type in submission.toml.",
    ),
    (
        "assure.fact-problem",
        "A plugin stated an undeclared, ill-typed or contradictory fact",
        "Make the documents agree (or remove the one that is wrong); an undeclared or ill-typed fact is a plugin defect to report to its author.",
    ),
    (
        "assure.evaluation-error",
        "A rule failed to evaluate",
        "Report it to the bundle's authors with the decision JSON.",
    ),
];

fn engine_descriptor((id, title, help): (&str, &str, &str)) -> Value {
    json!({
        "id": id,
        "name": id.trim_start_matches("assure.").replace('-', " "),
        "shortDescription": { "text": title },
        "fullDescription": { "text": format!("{title}: the decision cannot be approve until this is resolved.") },
        "help": { "text": help, "markdown": help },
        "defaultConfiguration": { "level": "error" },
        "properties": { "security-severity": "7.0", "tags": ["assure", "needs-evidence"] },
    })
}

/// Failing results for unreadable documents, fact problems and evaluation errors.
fn engine_results(
    decision: &Decision,
    artifacts: &Artifacts,
    positions: &Positions,
    first_index: usize,
) -> Vec<Value> {
    let mut out = Vec::new();
    let mut push = |which: usize, text: String, locations: Vec<Value>, key: String| {
        let id = ENGINE_RULES
            .get(which)
            .map_or("assure.document-unread", |rule| rule.0);
        let locations = if locations.is_empty() {
            vec![manifest_location(
                artifacts,
                "The submission this concerns.",
            )]
        } else {
            locations
        };
        out.push(json!({
            "ruleId": id,
            "ruleIndex": first_index + which,
            "kind": "fail",
            "level": "error",
            "message": { "text": text },
            "locations": locations,
            "partialFingerprints": { "assureFinding/v1": format!("{id}|{key}") },
        }));
    };
    for e in &decision.document_errors {
        push(
            0,
            format!(
                "{} could not be read ({}): {}",
                e.document, e.kind, e.message
            ),
            evidence_place(artifacts, positions, &e.document, &e.location),
            format!("{}|{}", e.document, e.kind),
        );
    }
    for p in &decision.fact_problems {
        push(
            1,
            format!(
                "{} from {} ({}): {}",
                p.fact, p.document, p.plugin, p.message
            ),
            evidence_place(artifacts, positions, &p.document, ""),
            format!("{}|{}|{}", p.document, p.plugin, p.fact),
        );
    }
    for e in &decision.evaluation_errors {
        push(
            2,
            format!(
                "{} on {} {}: {}",
                e.rule, e.subject.kind, e.subject.id, e.message
            ),
            Vec::new(),
            format!("{}|{}|{}", e.rule, e.subject.kind, e.subject.id),
        );
    }
    out
}

/// SARIF §3.11.5: in message text, `{` and `}` are written `{{` and `}}`
/// (they would otherwise be read as placeholders). Applied to every `text`
/// and `markdown` string of the log, all of which are message strings.
fn escape_braces(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if (key == "text" || key == "markdown")
                    && let Value::String(text) = v
                {
                    if text.contains(['{', '}']) {
                        *text = text.replace('{', "{{").replace('}', "}}");
                    }
                } else {
                    escape_braces(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(escape_braces),
        _ => {}
    }
}

/// Problems and notes about the evidence, as tool execution notifications.
fn notifications(decision: &Decision, artifacts: &Artifacts, positions: &Positions) -> Vec<Value> {
    let mut out = Vec::new();
    let place = |document: &str, location: &str, positions: &Positions| {
        evidence_place(artifacts, positions, document, location)
    };
    for e in &decision.document_errors {
        out.push(json!({
            "descriptor": { "id": "document-unread", "index": 0 },
            "level": "warning",
            "message": { "text": format!("{} ({}): {}", e.document, e.kind, e.message) },
            "locations": place(&e.document, &e.location, positions),
        }));
    }
    for p in &decision.fact_problems {
        out.push(json!({
            "descriptor": { "id": "fact-problem", "index": 1 },
            "level": "warning",
            "message": { "text": format!("{} from {} ({}): {}", p.fact, p.document, p.plugin, p.message) },
            "locations": place(&p.document, "", positions),
        }));
    }
    for e in &decision.evaluation_errors {
        out.push(json!({
            "descriptor": { "id": "evaluation-error", "index": 2 },
            "level": "error",
            "message": { "text": format!("{} on {} {}: {}", e.rule, e.subject.kind, e.subject.id, e.message) },
        }));
    }
    for w in &decision.waivers {
        let level = if w.status.is_refused() {
            "error"
        } else if w.expiring || w.status == assure_engine::decision::WaiverStatus::Unused {
            "warning"
        } else {
            "note"
        };
        out.push(json!({
            "descriptor": { "id": "waiver", "index": 4 },
            "level": level,
            "message": { "text": crate::view::waiver_status_text(w) },
            "properties": { "status": w.status, "digest": w.digest, "file": w.file },
        }));
    }
    for n in &decision.notes {
        out.push(json!({
            "descriptor": { "id": "plugin-note", "index": 3 },
            "level": "note",
            "message": { "text": format!("{} ({}): {}", n.document, n.plugin, n.message) },
            "locations": place(&n.document, &n.location, positions),
        }));
    }
    out
}

/// The run's properties: the verdict and what it was reached with.
fn run_properties(decision: &Decision) -> Value {
    let mut bundle = json!({
        "name": decision.bundle.name,
        "version": decision.bundle.version,
        "digest": decision.bundle.digest,
    });
    if let (Some(signed), Some(map)) = (&decision.bundle.signed, bundle.as_object_mut()) {
        map.insert("signed".to_owned(), json!(signed));
    }
    json!({
        "verdict": decision.verdict.as_str(),
        "summary": decision.summary,
        "product": decision.product,
        "evaluatedAt": decision.evaluated_at,
        "bundle": bundle,
        "manifestSha256": decision.inputs.manifest_sha256,
        "evaluations": decision.evaluations,
        "decisionFormat": decision.format,
        "verdictText": crate::view::verdict_text(decision),
    })
}
