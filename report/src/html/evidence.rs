//! The HTML report's sections about the evidence: the exposures, what could
//! not be read or trusted, and the inventory of what was submitted.

use assure_engine::decision::{Decision, EntityReport};
use assure_engine::facts::FactValue;

use super::page::Page;
use crate::view::component_labels;

/// A fact's value as a person reads it: text without quotes.
pub(super) fn value_text(value: &FactValue) -> String {
    match value {
        FactValue::Text(s) | FactValue::Decimal(s) | FactValue::Datetime(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A fact's value as text, if the entity states it.
fn fact(entity: &EntityReport, name: &str) -> Option<String> {
    entity.facts.get(name).map(|f| value_text(&f.value))
}

/// Each component's exposures: vulnerability, VEX status, known exploited.
pub(super) fn exposures(page: &mut Page, decision: &Decision) {
    let labels = component_labels(decision);
    let mut rows: Vec<(String, &EntityReport)> = Vec::new();
    for e in decision
        .facts
        .entities
        .iter()
        .filter(|e| e.kind == "Exposure")
    {
        let components: Vec<&str> = e
            .parents
            .iter()
            .filter_map(|p| p.strip_prefix("Component[")?.strip_suffix(']'))
            .collect();
        if components.is_empty() {
            rows.push((String::new(), e));
        }
        for c in components {
            rows.push((c.to_owned(), e));
        }
    }
    rows.sort_by(|a, b| (&a.0, &a.1.id).cmp(&(&b.0, &b.1.id)));
    page.raw("<section id=\"exposures\">\n");
    page.el(
        "h2",
        &[],
        &format!("Exposures by component ({})", rows.len()),
    );
    if rows.is_empty() {
        page.el(
            "p",
            &[],
            "The evidence states no vulnerability affecting a component.",
        );
        page.raw("</section>\n");
        return;
    }
    page.raw("<table class=\"exposures\"><thead><tr><th scope=\"col\">Component</th><th scope=\"col\">Vulnerability</th><th scope=\"col\">VEX status</th><th scope=\"col\">Known exploited</th><th scope=\"col\">CVSS</th><th scope=\"col\">Justification or action</th><th scope=\"col\">Stated in</th></tr></thead>\n<tbody>\n");
    for (component, e) in rows {
        page.raw("<tr>");
        let label = match (component.is_empty(), labels.get(component.as_str())) {
            (true, _) => "the product (no submitted component named)".to_owned(),
            (false, Some(label)) => format!("{label} ({component})"),
            (false, None) => component.clone(),
        };
        page.el("th", &[("scope", "row")], &label);
        page.el(
            "td",
            &[],
            &fact(e, "vulnerability").unwrap_or_else(|| e.id.clone()),
        );
        page.el(
            "td",
            &[],
            &fact(e, "status").unwrap_or_else(|| "unknown".to_owned()),
        );
        let exploited = match fact(e, "known_exploited").as_deref() {
            Some("true") => "yes (listed as known exploited)",
            Some("false") => "no",
            _ => "not known",
        };
        page.el("td", &[], exploited);
        page.el("td", &[], &fact(e, "cvss_score").unwrap_or_default());
        let why = ["justification", "impact_statement", "action_statement"]
            .iter()
            .filter_map(|n| fact(e, n))
            .collect::<Vec<_>>()
            .join("; ");
        page.el("td", &[], &why);
        let sources: Vec<String> = e.provenance.iter().map(|p| p.document.clone()).collect();
        page.el("td", &[], &sources.join(", "));
        page.raw("</tr>\n");
    }
    page.raw("</tbody></table>\n</section>\n");
}

/// Evidence that could not be read, fact problems, evaluation errors,
/// plugins' notes, and VEX statements naming no submitted component.
pub(super) fn problems(page: &mut Page, decision: &Decision) {
    page.raw("<section id=\"problems\">\n<h2>Unreadable evidence and notes</h2>\n");
    let mut any = false;
    let mut table =
        |page: &mut Page, heading: &str, id: &str, head: &[&str], rows: Vec<Vec<String>>| {
            if rows.is_empty() {
                return;
            }
            any = true;
            page.el("h3", &[("id", id)], heading);
            page.raw("<table><thead><tr>");
            for h in head {
                page.el("th", &[("scope", "col")], h);
            }
            page.raw("</tr></thead>\n<tbody>\n");
            for row in rows {
                page.raw("<tr>");
                for cell in row {
                    page.el("td", &[], &cell);
                }
                page.raw("</tr>\n");
            }
            page.raw("</tbody></table>\n");
        };
    table(
        page,
        "Evidence that could not be read",
        "document-errors",
        &["Document", "Problem", "Plugin", "Where", "What went wrong"],
        decision
            .document_errors
            .iter()
            .map(|e| {
                vec![
                    e.document.clone(),
                    e.kind.as_str().to_owned(),
                    e.plugin.clone().unwrap_or_default(),
                    e.location.clone(),
                    e.message.clone(),
                ]
            })
            .collect(),
    );
    table(
        page,
        "Fact problems",
        "fact-problems",
        &["Fact", "Document", "Plugin", "Problem"],
        decision
            .fact_problems
            .iter()
            .map(|p| {
                vec![
                    p.fact.clone(),
                    p.document.clone(),
                    p.plugin.clone(),
                    p.message.clone(),
                ]
            })
            .collect(),
    );
    table(
        page,
        "Rules that failed to evaluate",
        "evaluation-errors",
        &["Rule", "Subject", "Error"],
        decision
            .evaluation_errors
            .iter()
            .map(|e| {
                vec![
                    e.rule.clone(),
                    format!("{} {}", e.subject.kind, e.subject.id),
                    e.message.clone(),
                ]
            })
            .collect(),
    );
    table(
        page,
        "Notes from the plugins",
        "notes",
        &["Document", "Plugin", "Where", "Note"],
        decision
            .notes
            .iter()
            .map(|n| {
                vec![
                    n.document.clone(),
                    n.plugin.clone(),
                    n.location.clone(),
                    n.message.clone(),
                ]
            })
            .collect(),
    );
    table(
        page,
        "VEX statements that do not apply",
        "unmatched-statements",
        &[
            "Vulnerability",
            "Names",
            "Why it does not apply",
            "Stated in",
        ],
        decision
            .unmatched_statements
            .iter()
            .map(|s| {
                vec![
                    s.vulnerability.clone(),
                    s.product_refs.join(", "),
                    s.reason.clone(),
                    s.provenance
                        .iter()
                        .map(|p| format!("{} {}", p.document, p.location))
                        .collect::<Vec<_>>()
                        .join(", "),
                ]
            })
            .collect(),
    );
    if !any {
        page.el(
            "p",
            &[],
            "Every document was read; the plugins noted nothing.",
        );
    }
    page.raw("</section>\n");
}

/// Every input with its digest: manifest, evidence, plugins, reference
/// data, bundle and its signature.
pub(super) fn inventory(page: &mut Page, decision: &Decision) {
    let inputs = &decision.inputs;
    page.raw("<section id=\"inventory\">\n<h2>Evidence inventory</h2>\n<table class=\"inventory\"><thead><tr><th scope=\"col\">File</th><th scope=\"col\">Media type</th><th scope=\"col\">Size (bytes)</th><th scope=\"col\">Read by</th><th scope=\"col\">SHA-256</th></tr></thead>\n<tbody>\n<tr><th scope=\"row\">submission.toml</th><td>manifest</td><td></td><td>assure</td>");
    page.el("td", &[("class", "digest")], &inputs.manifest_sha256);
    page.raw("</tr>\n");
    for e in &inputs.evidence {
        page.raw("<tr>");
        page.el("th", &[("scope", "row")], &e.path);
        let declared = if e.media_type_declared {
            "declared"
        } else {
            "sniffed"
        };
        page.el("td", &[], &format!("{} ({declared})", e.media_type));
        page.el("td", &[], &e.size.to_string());
        page.el(
            "td",
            &[],
            &if e.plugins.is_empty() {
                "not read".to_owned()
            } else {
                e.plugins.join(", ")
            },
        );
        page.el("td", &[("class", "digest")], &e.sha256);
        page.raw("</tr>\n");
    }
    page.raw("</tbody></table>\n");
    if !inputs.unlisted.is_empty() {
        page.el(
            "p",
            &[],
            &format!(
                "Not judged (in the folder, not in submission.toml): {}",
                inputs.unlisted.join(", ")
            ),
        );
    }
    page.raw("<h3>Plugins</h3>\n<table class=\"plugins\"><thead><tr><th scope=\"col\">Plugin</th><th scope=\"col\">Version</th><th scope=\"col\">SHA-256</th></tr></thead>\n<tbody>\n");
    for plugin in &inputs.plugins {
        page.raw("<tr>");
        page.el("th", &[("scope", "row")], &plugin.name);
        page.el("td", &[], &plugin.version);
        page.el("td", &[("class", "digest")], &plugin.sha256);
        page.raw("</tr>\n");
    }
    page.raw("</tbody></table>\n<h3>Reference data</h3>\n");
    if inputs.reference_data.is_empty() {
        page.el("p", &[], "The bundle carries no reference data.");
    } else {
        page.raw("<table class=\"reference-data\"><thead><tr><th scope=\"col\">Data</th><th scope=\"col\">Version</th><th scope=\"col\">Released</th><th scope=\"col\">Entries</th><th scope=\"col\">Age</th><th scope=\"col\">SHA-256</th></tr></thead>\n<tbody>\n");
        for data in &inputs.reference_data {
            page.raw("<tr>");
            page.el(
                "th",
                &[("scope", "row")],
                &match data.origin {
                    assure_engine::bundle::DataOrigin::Bundle => {
                        format!("{} ({})", data.name, data.path)
                    }
                    assure_engine::bundle::DataOrigin::Operator => {
                        format!("{} ({}, given with --reference)", data.name, data.path)
                    }
                },
            );
            page.el("td", &[], &data.version);
            page.el("td", &[], &data.released);
            page.el("td", &[], &data.entries.to_string());
            page.el("td", &[], &crate::view::data_age(data).replace("**", ""));
            page.el("td", &[("class", "digest")], &data.sha256);
            page.raw("</tr>\n");
        }
        page.raw("</tbody></table>\n");
    }
    page.raw("<h3>Policy bundle</h3>\n<dl class=\"bundle\">");
    page.el("dt", &[], "Bundle");
    page.el(
        "dd",
        &[],
        &format!("{} v{}", decision.bundle.name, decision.bundle.version),
    );
    page.el("dt", &[], "Digest of its files");
    page.el("dd", &[("class", "digest")], &decision.bundle.digest);
    match &decision.bundle.signed {
        Some(signed) => {
            page.el("dt", &[], "bundle.json SHA-256");
            page.el("dd", &[("class", "digest")], &signed.manifest_sha256);
            page.el("dt", &[], "Signed by (trusted key ids)");
            page.el("dd", &[("class", "digest")], &signed.signers.join(", "));
            page.el("dt", &[], "Expires");
            page.el("dd", &[], &signed.expires);
        }
        None => {
            page.el("dt", &[], "Signature");
            page.el(
                "dd",
                &[],
                "The built-in bundle, trusted by the digest pinned in the assure binary.",
            );
        }
    }
    page.raw("</dl>\n</section>\n");
}
