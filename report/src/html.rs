//! The decision as one self-contained HTML page, for a procurement officer.
//!
//! The page makes no request of any kind: its style is inline, its charts
//! are inline SVG, it has no script, and a Content-Security-Policy forbids
//! anything else. Every text from the evidence is supplier-controlled, so all
//! of it goes through [`Page::text`] or an attribute value, both escaped:
//! markup is only ever a `&'static str`.

use std::collections::BTreeMap;

use assure_engine::decision::{Decision, Finding, Outcome, Verdict};

use crate::view::{
    citation_place, component_labels, controls_by_framework, natural_order, subject_text,
    undecided_reasons,
};

mod charts;
mod evidence;
mod page;

use evidence::{exposures, inventory, problems, value_text};
use page::Page;

/// The page's style: system fonts only, colour never the only signal,
/// print-friendly.
const STYLE: &str = include_str!("html/style.css");

/// The decision as an HTML page.
pub fn html(decision: &Decision) -> String {
    let mut page = Page::default();
    let p = &decision.product;
    let verdict_word = crate::view::verdict_heading(decision);
    page.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    page.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
    page.raw("<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    page.el(
        "title",
        &[],
        &format!("assure: {verdict_word} — {} {}", p.name, p.version),
    );
    page.raw("\n<style>");
    page.raw(STYLE);
    page.raw("</style>\n</head>\n<body>\n");

    banner(&mut page, decision, &verdict_word);
    page.raw("<main class=\"wrap\">\n<nav aria-label=\"Contents\"><ul>");
    for (id, label) in [
        ("charts", "At a glance"),
        ("controls", "Controls"),
        ("findings", "Findings"),
        ("waivers", "Waivers"),
        ("missing-evidence", "Missing evidence"),
        ("exposures", "Exposures"),
        ("problems", "Unreadable evidence and notes"),
        ("inventory", "Evidence inventory"),
    ] {
        if id == "waivers" && decision.waivers.is_empty() {
            continue;
        }
        page.raw("<li>");
        page.el("a", &[("href", &format!("#{id}"))], label);
        page.raw("</li>");
    }
    page.raw("</ul></nav>\n");

    charts::charts(&mut page, decision);
    controls(&mut page, decision);
    findings(&mut page, decision);
    waivers(&mut page, decision);
    missing(&mut page, decision);
    exposures(&mut page, decision);
    problems(&mut page, decision);
    inventory(&mut page, decision);

    page.raw("</main>\n<footer class=\"wrap\"><p>");
    page.text(&format!(
        "{} {} · {} · evaluated at {} · {} rule evaluations. This page is self-contained: it loads nothing.",
        decision.engine.name,
        decision.engine.version,
        decision.format,
        decision.evaluated_at,
        decision.evaluations
    ));
    page.raw("</p></footer>\n</body>\n</html>\n");
    page.out
}

/// The verdict, big and first, with what was assessed.
fn banner(page: &mut Page, decision: &Decision, verdict_word: &str) {
    let p = &decision.product;
    let (class, icon) = match decision.verdict {
        Verdict::Approve => ("verdict verdict-approve", "✓"),
        Verdict::Reject => ("verdict verdict-reject", "✗"),
        Verdict::NeedsEvidence => ("verdict verdict-needs-evidence", "?"),
    };
    page.open(
        "header",
        &[
            ("id", "verdict"),
            ("class", class),
            ("data-verdict", decision.verdict.as_str()),
        ],
    );
    page.raw("<div class=\"wrap\">\n<p class=\"verdict-label\"><span aria-hidden=\"true\">");
    page.text(icon);
    page.raw("</span> ");
    page.text(verdict_word);
    page.raw("</p>\n");
    page.el("h1", &[], &format!("{} {}", p.name, p.version));
    page.raw("<dl>");
    let bundle = format!(
        "{} v{} (sha256:{})",
        decision.bundle.name, decision.bundle.version, decision.bundle.digest
    );
    for (term, value) in [
        ("Supplier", p.supplier.as_str()),
        ("Product", p.name.as_str()),
        ("Version", p.version.as_str()),
        ("Evaluated", decision.evaluated_at.as_str()),
        ("Policy bundle", bundle.as_str()),
    ] {
        page.el("dt", &[], term);
        page.el("dd", &[], value);
    }
    page.raw("</dl>\n");
    page.el("p", &[("id", "summary")], &decision.summary);
    page.raw("<ul class=\"figures\">");
    let undecided = decision
        .rules
        .iter()
        .filter(|r| r.outcome == Outcome::Undecided)
        .count();
    let waived = decision.waived().count();
    for item in [
        format!("{} blocking finding(s)", decision.blocking().count()),
        format!("{} advisory finding(s)", decision.advisories.len()),
        format!("{undecided} rule(s) undecided"),
        format!("{} rules evaluated", decision.rules.len()),
    ] {
        page.el("li", &[], &item);
    }
    if waived > 0 {
        page.el("li", &[], &format!("{waived} waived finding(s)"));
    }
    page.raw("</ul>\n</div></header>\n");
}

/// An outcome in a table cell: a symbol and the word, coloured.
fn outcome_cell(page: &mut Page, outcome: Outcome) {
    let symbol = match outcome {
        Outcome::Failed => "✗",
        Outcome::Waived => "~",
        Outcome::Undecided => "?",
        Outcome::Advised => "!",
        Outcome::Passed => "✓",
        Outcome::NotApplicable => "–",
    };
    page.open(
        "td",
        &[
            ("class", &format!("outcome outcome-{outcome}")),
            ("data-outcome", outcome.as_str()),
        ],
    );
    page.text(&format!("{symbol} {outcome}"));
    page.raw("</td>");
}

/// The controls, grouped by framework, with their outcome and rules.
fn controls(page: &mut Page, decision: &Decision) {
    page.raw("<section id=\"controls\">\n<h2>Controls by framework</h2>\n");
    for (framework, list) in controls_by_framework(decision) {
        page.el("h3", &[], framework);
        page.open(
            "table",
            &[("class", "controls"), ("data-framework", framework)],
        );
        page.raw("<thead><tr><th scope=\"col\">Control</th><th scope=\"col\">Outcome</th><th scope=\"col\">Rules</th></tr></thead>\n<tbody>\n");
        for control in list {
            page.raw("<tr>");
            page.el("th", &[("scope", "row")], &control.control);
            outcome_cell(page, control.outcome);
            page.el("td", &[], &control.rules.join(", "));
            page.raw("</tr>\n");
        }
        page.raw("</tbody></table>\n");
    }
    page.raw("</section>\n");
}

/// Blocking findings, then advisories.
fn findings(page: &mut Page, decision: &Decision) {
    let labels = component_labels(decision);
    page.raw("<section id=\"findings\">\n");
    let blocking: Vec<&Finding> = decision.blocking().collect();
    page.el(
        "h2",
        &[],
        &format!("Blocking findings ({})", blocking.len()),
    );
    if blocking.is_empty() {
        page.el("p", &[], "No blocking rule fired.");
    }
    for (i, f) in blocking.iter().enumerate() {
        finding(page, f, &format!("finding-{}", i + 1), "finding", &labels);
    }
    let waived: Vec<&Finding> = decision.waived().collect();
    if !waived.is_empty() {
        page.el(
            "h2",
            &[("id", "waived")],
            &format!("Waived findings, accepted risk ({})", waived.len()),
        );
        for (i, f) in waived.iter().enumerate() {
            finding(
                page,
                f,
                &format!("waived-{}", i + 1),
                "finding waived",
                &labels,
            );
        }
    }
    let advisories: Vec<&Finding> = decision
        .advisories
        .iter()
        .filter(|f| f.waiver.is_none())
        .collect();
    page.el(
        "h2",
        &[("id", "advisories")],
        &format!("Advisories, not blocking ({})", advisories.len()),
    );
    if advisories.is_empty() {
        page.el("p", &[], "No advisory rule fired.");
    }
    for (i, f) in advisories.iter().enumerate() {
        finding(
            page,
            f,
            &format!("advisory-{}", i + 1),
            "finding advisory",
            &labels,
        );
    }
    page.raw("</section>\n");
}

/// Every waiver presented, and what became of it.
fn waivers(page: &mut Page, decision: &Decision) {
    if decision.waivers.is_empty() {
        return;
    }
    page.raw("<section id=\"waivers\">\n");
    page.el("h2", &[], &format!("Waivers ({})", decision.waivers.len()));
    page.raw("<table><thead><tr><th scope=\"col\">Waiver</th><th scope=\"col\">Rule and subject</th><th scope=\"col\">Status</th><th scope=\"col\">Why</th><th scope=\"col\">Approved by</th><th scope=\"col\">Expires</th><th scope=\"col\">SHA-256</th></tr></thead>\n<tbody>\n");
    for w in &decision.waivers {
        page.raw("<tr>");
        page.el("td", &[], w.label());
        page.el(
            "td",
            &[],
            &w.waiver
                .as_ref()
                .map(|p| format!("{} on {}", p.rule, p.subject.describe()))
                .unwrap_or_default(),
        );
        page.el(
            "td",
            &[("data-status", w.status.as_str())],
            w.status.as_str(),
        );
        page.el("td", &[], &w.message);
        page.el(
            "td",
            &[],
            &w.approved_by
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        );
        page.el(
            "td",
            &[],
            w.waiver.as_ref().map_or("", |p| p.expires.as_str()),
        );
        page.el("td", &[("class", "digest")], &w.digest);
        page.raw("</tr>\n");
    }
    page.raw("</tbody></table>\n</section>\n");
}

/// One finding: what, about what, what to do, and the evidence.
fn finding(page: &mut Page, f: &Finding, id: &str, class: &str, labels: &BTreeMap<&str, String>) {
    let severity = f.severity.to_string();
    page.open(
        "article",
        &[
            ("id", id),
            ("class", class),
            ("data-rule", &f.rule),
            ("data-severity", &severity),
        ],
    );
    page.open("h3", &[]);
    page.text(&format!("{} {} ", f.rule, f.title));
    page.el(
        "span",
        &[("class", "badge")],
        &if f.waiver.is_some() {
            format!("{severity}, waived")
        } else if f.advisory {
            format!("{severity}, advisory")
        } else {
            severity.clone()
        },
    );
    page.raw("</h3>\n<dl>");
    let mut rows: Vec<(&str, String)> = vec![("Subject", subject_text(f))];
    for component in &f.subject_details.components {
        if let Some(label) = labels.get(component.as_str()) {
            rows.push(("Component", format!("{label} ({component})")));
        }
    }
    rows.push(("What is wrong", f.message.clone()));
    rows.push(("What to do", f.remediation.clone()));
    rows.push(("Controls", f.controls.join("; ")));
    if let Some(pillar) = &f.pillar {
        rows.push(("Strategy pillar", pillar.clone()));
    }
    if let Some(mark) = &f.waiver {
        rows.push(("Waiver", crate::view::waiver_text(mark)));
    }
    for (term, value) in rows {
        page.el("dt", &[], term);
        page.el("dd", &[], &value);
    }
    page.raw("</dl>\n");
    if f.evidence.is_empty() {
        page.el(
            "p",
            &[("class", "muted")],
            "No document is cited: the rule fired on what the evidence does not show.",
        );
        page.raw("</article>\n");
        return;
    }
    page.raw("<table class=\"evidence\"><caption class=\"muted\">Evidence the rule read</caption>\n<thead><tr><th scope=\"col\">Document</th><th scope=\"col\">Location</th><th scope=\"col\">Fact</th><th scope=\"col\">Value</th><th scope=\"col\">SHA-256</th><th scope=\"col\">Plugin</th></tr></thead>\n<tbody>\n");
    for c in &f.evidence {
        page.raw("<tr>");
        page.el("td", &[], &c.document);
        page.el(
            "td",
            &[("title", &citation_place(c))],
            if c.location.is_empty() {
                "whole document"
            } else {
                &c.location
            },
        );
        page.el("td", &[], &c.fact);
        page.el("td", &[], &value_text(&c.value));
        page.el("td", &[("class", "digest")], &c.document_sha256);
        page.el("td", &[], &c.plugin);
        page.raw("</tr>\n");
    }
    page.raw("</tbody></table>\n</article>\n");
}

/// The evidence that is missing and the rules waiting on it; other rules
/// that could not be decided, and why.
fn missing(page: &mut Page, decision: &Decision) {
    page.raw("<section id=\"missing-evidence\">\n<h2>Missing evidence</h2>\n");
    if decision.missing_evidence.is_empty() {
        page.el("p", &[], "Nothing is missing.");
    }
    let titles: BTreeMap<&str, &str> = decision
        .rules
        .iter()
        .map(|r| (r.rule.as_str(), r.title.as_str()))
        .collect();
    for m in &decision.missing_evidence {
        page.open(
            "div",
            &[("class", "missing"), ("data-evidence", &m.evidence)],
        );
        page.el("h3", &[], &m.title);
        page.open("p", &[]);
        page.text(&format!("Provide {}.", m.ask));
        page.raw("</p>\n<p>Rules waiting on it:</p>\n<ul>");
        for rule in natural_order(&m.rules) {
            page.el(
                "li",
                &[("data-rule", rule)],
                &format!("{rule} {}", titles.get(rule).unwrap_or(&"")),
            );
        }
        page.raw("</ul>\n");
        page.el(
            "p",
            &[("class", "muted")],
            &format!("Facts missing: {}", m.facts.join(", ")),
        );
        page.raw("</div>\n");
    }
    let others: Vec<_> = decision
        .rules
        .iter()
        .filter(|r| {
            r.outcome == Outcome::Undecided
                && !decision
                    .missing_evidence
                    .iter()
                    .any(|m| m.rules.contains(&r.rule))
        })
        .collect();
    if !others.is_empty() {
        page.raw("<h3>Other rules that could not be decided</h3>\n<ul>");
        for r in others {
            page.el(
                "li",
                &[("data-rule", &r.rule)],
                &format!(
                    "{} {}: {}",
                    r.rule,
                    r.title,
                    undecided_reasons(decision, &r.rule).join("; ")
                ),
            );
        }
        page.raw("</ul>\n");
    }
    page.raw("</section>\n");
}
