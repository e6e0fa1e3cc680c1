//! The decision as GitHub-flavoured Markdown, for `$GITHUB_STEP_SUMMARY`
//! and pull-request comments.
//!
//! Short by design: long lists are capped (saying how many more), and the
//! control outcomes and the evidence inventory are folded in `<details>`.
//! Everything from the evidence is escaped, so a supplier's text cannot add
//! links, images, HTML or table cells.

use std::fmt::Write as _;

use assure_engine::decision::{Decision, Finding, Verdict};

use crate::view::{
    OUTCOMES, controls_by_framework, data_age, markdown_text as md, natural_order, outcome_counts,
    subject_text,
};

/// At most this many rows in a findings table.
const MAX_FINDINGS: usize = 30;
/// At most this many items in the other lists.
const MAX_ITEMS: usize = 20;

/// The decision as Markdown.
pub fn markdown(decision: &Decision) -> String {
    let mut out = String::new();
    let p = &decision.product;
    let mark = match decision.verdict {
        Verdict::Approve => "✅",
        Verdict::Reject => "❌",
        Verdict::NeedsEvidence => "⚠️",
    };
    let _ = writeln!(
        out,
        "## {mark} {}: {} {}\n",
        crate::view::verdict_heading(decision),
        md(&p.name),
        md(&p.version)
    );
    let _ = writeln!(out, "{}\n", md(&decision.summary));
    let _ = writeln!(
        out,
        "Supplier **{}** · bundle **{}** v{} · evaluated {} · {} {}\n",
        md(&p.supplier),
        md(&decision.bundle.name),
        decision.bundle.version,
        md(&decision.evaluated_at),
        decision.engine.name,
        decision.engine.version
    );

    let blocking: Vec<&Finding> = decision.blocking().collect();
    findings_table(&mut out, "Blocking findings", &blocking);
    waived(&mut out, decision);

    if !decision.missing_evidence.is_empty() {
        let _ = writeln!(
            out,
            "### Missing evidence ({})\n",
            decision.missing_evidence.len()
        );
        for m in decision.missing_evidence.iter().take(MAX_ITEMS) {
            let _ = writeln!(
                out,
                "- **{}** (`{}`): provide {}. Rules waiting: {}",
                md(&m.title),
                code(&m.evidence),
                md(&m.ask),
                md(&natural_order(&m.rules).join(", "))
            );
        }
        more(
            &mut out,
            decision.missing_evidence.len(),
            "kinds of evidence",
        );
        out.push('\n');
    }

    if !decision.document_errors.is_empty() {
        let _ = writeln!(
            out,
            "### Evidence that could not be read ({})\n",
            decision.document_errors.len()
        );
        for e in decision.document_errors.iter().take(MAX_ITEMS) {
            let place = if e.location.is_empty() {
                String::new()
            } else {
                format!(" at {}", md(&e.location))
            };
            let _ = writeln!(
                out,
                "- {}{place} ({}): {}",
                md(&e.document),
                md(e.kind.as_str()),
                md(&e.message)
            );
        }
        more(&mut out, decision.document_errors.len(), "documents");
        out.push('\n');
    }

    let advisories: Vec<&Finding> = decision
        .advisories
        .iter()
        .filter(|f| f.waiver.is_none())
        .collect();
    findings_table(&mut out, "Advisories, not blocking", &advisories);

    controls(&mut out, decision);
    inventory(&mut out, decision);
    out
}

/// A table of findings: rule, severity, subject, message.
fn findings_table(out: &mut String, heading: &str, findings: &[&Finding]) {
    table(out, heading, findings, "Message", |f| f.message.clone());
}

/// A table of findings: rule, severity, subject, and a last column.
fn table(
    out: &mut String,
    heading: &str,
    findings: &[&Finding],
    last: &str,
    cell: impl Fn(&Finding) -> String,
) {
    if findings.is_empty() {
        return;
    }
    let _ = writeln!(out, "### {heading} ({})\n", findings.len());
    let _ = writeln!(
        out,
        "| Rule | Severity | Subject | {last} |\n| --- | --- | --- | --- |"
    );
    for f in findings.iter().take(MAX_FINDINGS) {
        let _ = writeln!(
            out,
            "| **{}** {} | {} | {} | {} |",
            md(&f.rule),
            md(&f.title),
            f.severity,
            md(&subject_text(f)),
            md(&cell(f))
        );
    }
    if findings.len() > MAX_FINDINGS {
        let _ = writeln!(
            out,
            "\n…and {} more (the JSON, SARIF and HTML reports list them all).",
            findings.len() - MAX_FINDINGS
        );
    }
    out.push('\n');
}

/// The waived findings with their waivers, and every waiver presented with
/// what became of it.
fn waived(out: &mut String, decision: &Decision) {
    let waived: Vec<&Finding> = decision.waived().collect();
    table(
        out,
        "Waived findings, accepted risk",
        &waived,
        "Waiver",
        |f| {
            f.waiver
                .as_ref()
                .map(crate::view::waiver_text)
                .unwrap_or_default()
        },
    );
    if !decision.waivers.is_empty() {
        let _ = writeln!(out, "### Waivers ({})\n", decision.waivers.len());
        for w in decision.waivers.iter().take(MAX_ITEMS) {
            let mark = if w.status.is_refused() {
                "❌"
            } else if w.expiring || w.status == assure_engine::decision::WaiverStatus::Unused {
                "⚠️"
            } else {
                "✅"
            };
            let _ = writeln!(
                out,
                "- {mark} {} (`{}`)",
                md(&crate::view::waiver_status_text(w)),
                code(w.digest.get(..16).unwrap_or(&w.digest))
            );
        }
        more(out, decision.waivers.len(), "waivers");
        out.push('\n');
    }
}

/// Says how many of a capped list were left out.
fn more(out: &mut String, total: usize, what: &str) {
    if total > MAX_ITEMS {
        let _ = writeln!(out, "- …and {} more {what}", total - MAX_ITEMS);
    }
}

/// The control outcomes by framework, folded.
fn controls(out: &mut String, decision: &Decision) {
    let counts = outcome_counts(decision.controls.iter().map(|c| &c.outcome));
    let summary: Vec<String> = OUTCOMES
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(o, n)| format!("{n} {o}"))
        .collect();
    let _ = writeln!(
        out,
        "<details>\n<summary>Controls ({}): {}</summary>\n",
        decision.controls.len(),
        summary.join(", ")
    );
    for (framework, list) in controls_by_framework(decision) {
        let _ = writeln!(out, "#### {}\n", md(framework));
        out.push_str("| Control | Outcome | Rules |\n| --- | --- | --- |\n");
        for c in list {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                md(&c.control),
                c.outcome,
                md(&c.rules.join(", "))
            );
        }
        out.push('\n');
    }
    out.push_str("</details>\n\n");
}

/// The inputs and their digests, folded.
fn inventory(out: &mut String, decision: &Decision) {
    let inputs = &decision.inputs;
    let _ = writeln!(
        out,
        "<details>\n<summary>Evidence inventory ({} files)</summary>\n",
        inputs.evidence.len()
    );
    out.push_str("| Document | Media type | Read by | SHA-256 |\n| --- | --- | --- | --- |\n");
    let _ = writeln!(
        out,
        "| submission.toml | manifest | assure | `{}` |",
        code(&inputs.manifest_sha256)
    );
    for e in inputs.evidence.iter().take(MAX_FINDINGS) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | `{}` |",
            md(&e.path),
            md(&e.media_type),
            if e.plugins.is_empty() {
                "(unread)".to_owned()
            } else {
                md(&e.plugins.join(", "))
            },
            code(&e.sha256)
        );
    }
    if inputs.evidence.len() > MAX_FINDINGS {
        let _ = writeln!(
            out,
            "\n…and {} more files.",
            inputs.evidence.len() - MAX_FINDINGS
        );
    }
    let _ = write!(
        out,
        "\nBundle **{}** v{}: `{}`",
        md(&decision.bundle.name),
        decision.bundle.version,
        code(&decision.bundle.digest)
    );
    if let Some(signed) = &decision.bundle.signed {
        let _ = write!(
            out,
            "; `bundle.json` `{}`, signed by {} trusted key(s), expires {}",
            code(&signed.manifest_sha256),
            signed.signers.len(),
            md(&signed.expires)
        );
    }
    out.push_str("\n\n");
    for plugin in &inputs.plugins {
        let _ = writeln!(
            out,
            "- plugin {} {}: `{}`",
            md(&plugin.name),
            md(&plugin.version),
            code(&plugin.sha256)
        );
    }
    for data in &inputs.reference_data {
        let _ = writeln!(
            out,
            "- reference data {} {}{} ({} entries, released {}; {}): `{}`",
            md(&data.name),
            md(&data.version),
            match data.origin {
                assure_engine::bundle::DataOrigin::Bundle => "",
                assure_engine::bundle::DataOrigin::Operator => " (given with --reference)",
            },
            data.entries,
            md(&data.released),
            data_age(data),
            code(&data.sha256)
        );
    }
    out.push_str("\n</details>\n");
}

/// Text for inside a code span: no backticks, pipes or line breaks.
fn code(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '`' | '|' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}
