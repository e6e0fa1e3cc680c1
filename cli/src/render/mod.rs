//! Rendering decisions and errors for a person at a terminal.
//!
//! Colour comes from ANSI styles written through `anstream`, which strips them
//! when the output is not a terminal or `NO_COLOR` is set.

use std::fmt::Write as _;
use std::path::Path;

use anstyle::{AnsiColor, Style};
use assure_engine::decision::{Citation, Decision, Finding, Verdict};

mod html;
mod junit;
mod markdown;
mod sarif;

/// The decision in a format: `human`, `json`, `sarif`, `junit`, `markdown`
/// or `html`. `submission` is the folder the evidence was read from (reports
/// locate findings in its files).
pub fn report(format: &str, decision: &Decision, submission: &Path) -> String {
    match format {
        "json" => decision.to_json(),
        "sarif" => sarif::sarif(decision, submission),
        "junit" => junit::junit(decision),
        "markdown" => markdown::markdown(decision),
        "html" => html::html(decision),
        _ => human(decision, submission),
    }
}

/// Several decisions as one JUnit document: each submission's test suite
/// (as [`junit::junit`] writes it) inside one `<testsuites>`, and a
/// submission that could not be checked as a suite with one error.
pub fn junit_batch(results: &[(String, Result<&Decision, &str>)]) -> String {
    use assure_engine::decision::Outcome as O;
    let (mut tests, mut failures, mut errors, mut skipped) = (0usize, 0usize, 0usize, 0usize);
    let mut suites = String::new();
    for (path, result) in results {
        match result {
            Ok(decision) => {
                let count = |o: O| decision.rules.iter().filter(|r| r.outcome == o).count();
                tests += decision.rules.len();
                failures += count(O::Failed);
                errors += count(O::Undecided);
                skipped += count(O::NotApplicable);
                let single = junit::junit(decision);
                // The suites of the single document, without its wrapper.
                let inner = single
                    .find("<testsuite ")
                    .zip(single.rfind("</testsuites>"))
                    .and_then(|(start, end)| single.get(start..end))
                    .unwrap_or("");
                suites.push_str(inner.trim_end());
                suites.push('\n');
            }
            Err(message) => {
                tests += 1;
                errors += 1;
                let _ = writeln!(
                    suites,
                    "  <testsuite name=\"{}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n    \
                     <testcase classname=\"assure\" name=\"check\">\n      <error type=\"error\" message=\"{}\"/>\n    \
                     </testcase>\n  </testsuite>",
                    xml_escape(path),
                    xml_escape(message)
                );
            }
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"assure batch\" tests=\"{tests}\" \
         failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">\n  {}</testsuites>\n",
        suites
    )
}

/// Text escaped for XML attributes and content; characters XML 1.0 forbids
/// become U+FFFD.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const RED: Style = AnsiColor::Red.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();

fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// An engine error as miette renders it, with its help.
pub fn diagnostic(error: &assure_engine::Error) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    let mut out = String::new();
    if handler.render_report(&mut out, error).is_err() {
        out = format!("error: {error}\n");
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// The decision as a summary and tables.
pub fn human(decision: &Decision, submission: &Path) -> String {
    let mut out = String::new();
    let p = &decision.product;
    let _ = writeln!(
        out,
        "{} {}",
        paint(BOLD, "assure check"),
        submission.display()
    );
    let _ = writeln!(
        out,
        "  product   {} {} (supplier: {})",
        p.name, p.version, p.supplier
    );
    let _ = writeln!(
        out,
        "  bundle    {} v{} (sha256:{})",
        decision.bundle.name,
        decision.bundle.version,
        decision
            .bundle
            .digest
            .get(..12)
            .unwrap_or(&decision.bundle.digest)
    );
    if let Some(signed) = &decision.bundle.signed {
        let short: Vec<&str> = signed
            .signers
            .iter()
            .map(|k| k.get(..12).unwrap_or(k))
            .collect();
        let _ = writeln!(
            out,
            "  signed    by {} trusted key(s): {}; expires {}",
            signed.signers.len(),
            short.join(", "),
            signed.expires
        );
    }
    let documents: Vec<String> = decision
        .inputs
        .evidence
        .iter()
        .map(|e| {
            if e.plugins.is_empty() {
                format!("{} (unread)", e.path)
            } else {
                format!("{} ({})", e.path, e.plugins.join(", "))
            }
        })
        .collect();
    let _ = writeln!(
        out,
        "  evidence  {}",
        if documents.is_empty() {
            "none".to_owned()
        } else {
            documents.join(", ")
        }
    );
    for data in &decision.inputs.reference_data {
        let _ = writeln!(
            out,
            "  data      {} {} ({} entries, released {})",
            data.name, data.version, data.entries, data.released
        );
    }
    let _ = writeln!(out, "  as of     {}", decision.evaluated_at);
    let _ = writeln!(out, "  rules     {}", tally(decision));
    let _ = writeln!(out);

    let listed: Vec<&Finding> = decision
        .findings
        .iter()
        .chain(&decision.advisories)
        .collect();
    if !listed.is_empty() {
        table(&mut out, &listed);
    }
    if !decision.findings.is_empty() {
        let _ = writeln!(out, "{}", paint(BOLD, "Findings"));
        for finding in &decision.findings {
            finding_block(&mut out, finding, &paint(RED, "✗"));
        }
    }
    if !decision.missing_evidence.is_empty() {
        let _ = writeln!(out, "{}", paint(BOLD, "Missing evidence"));
        for missing in &decision.missing_evidence {
            let _ = writeln!(
                out,
                "  {} {}: provide {}",
                paint(YELLOW, "?"),
                paint(BOLD, &missing.title),
                missing.ask
            );
            let _ = writeln!(out, "      undecided rules: {}", missing.rules.join(", "));
            let _ = writeln!(
                out,
                "      {}",
                paint(DIM, &format!("missing facts: {}", missing.facts.join(", ")))
            );
        }
        let _ = writeln!(out);
    }
    if !decision.document_errors.is_empty() {
        let _ = writeln!(out, "{}", paint(BOLD, "Evidence that could not be read"));
        for error in &decision.document_errors {
            let place = if error.location.is_empty() {
                String::new()
            } else {
                format!(" at {}", error.location)
            };
            let plugin = error
                .plugin
                .as_deref()
                .map(|p| format!(" ({p})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} {}{plugin}{place}: {}",
                paint(YELLOW, "!"),
                error.document,
                error.message
            );
        }
        let _ = writeln!(out);
    }
    if !decision.fact_problems.is_empty() {
        let _ = writeln!(out, "{}", paint(BOLD, "Fact problems"));
        for problem in &decision.fact_problems {
            let _ = writeln!(
                out,
                "  {} {} from {} ({}): {}",
                paint(YELLOW, "!"),
                problem.fact,
                problem.document,
                problem.plugin,
                problem.message
            );
        }
        let _ = writeln!(out);
    }
    if !decision.evaluation_errors.is_empty() {
        let _ = writeln!(out, "{}", paint(BOLD, "Rules that failed to evaluate"));
        for error in &decision.evaluation_errors {
            let _ = writeln!(
                out,
                "  {} {} on {} {}: {}",
                paint(YELLOW, "!"),
                error.rule,
                error.subject.kind,
                error.subject.id,
                error.message
            );
        }
        let _ = writeln!(out);
    }
    if !decision.advisories.is_empty() {
        let _ = writeln!(out, "{}", paint(BOLD, "Advisories (not blocking)"));
        for finding in &decision.advisories {
            finding_block(&mut out, finding, &paint(YELLOW, "•"));
        }
    }
    if !decision.unmatched_statements.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            paint(BOLD, "VEX statements that name no submitted component")
        );
        for statement in &decision.unmatched_statements {
            let place = statement
                .provenance
                .first()
                .map(|p| {
                    if p.location.is_empty() {
                        p.document.clone()
                    } else {
                        format!("{} {}", p.document, p.location)
                    }
                })
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} {} ({place}): names {}",
                paint(YELLOW, "?"),
                statement.vulnerability,
                statement.product_refs.join(", ")
            );
        }
        let _ = writeln!(out);
    }
    if !decision.notes.is_empty() {
        let _ = writeln!(out, "{}", paint(BOLD, "Notes"));
        for note in &decision.notes {
            let place = if note.location.is_empty() {
                String::new()
            } else {
                format!(" {}", note.location)
            };
            let _ = writeln!(out, "  - {}{place}: {}", note.document, note.message);
        }
        let _ = writeln!(out);
    }
    if !decision.inputs.unlisted.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            paint(
                DIM,
                &format!(
                    "Not judged (not in submission.toml): {}",
                    decision.inputs.unlisted.join(", ")
                )
            )
        );
        let _ = writeln!(out);
    }

    let (style, code) = match decision.verdict {
        Verdict::Approve => (GREEN, 0),
        Verdict::Reject => (RED, 2),
        Verdict::NeedsEvidence => (YELLOW, 3),
    };
    let _ = writeln!(
        out,
        "{} {}  {}",
        paint(style, &decision.verdict.as_str().to_uppercase()),
        decision.summary,
        paint(
            DIM,
            &format!("(exit {code}; {} rule evaluations)", decision.evaluations)
        )
    );
    out
}

/// How the rules and controls came out, in one line.
fn tally(decision: &Decision) -> String {
    use assure_engine::decision::Outcome as O;
    let count = |o: O| decision.rules.iter().filter(|r| r.outcome == o).count();
    let mut parts = Vec::new();
    for o in [
        O::Failed,
        O::Advised,
        O::Undecided,
        O::Passed,
        O::NotApplicable,
    ] {
        let n = count(o);
        if n > 0 {
            parts.push(format!("{n} {o}"));
        }
    }
    let controls_failed = decision
        .controls
        .iter()
        .filter(|c| c.outcome == O::Failed)
        .count();
    format!(
        "{}: {}; controls: {} of {} failed",
        decision.rules.len(),
        parts.join(", "),
        controls_failed,
        decision.controls.len()
    )
}

/// A package URL's last segment (`log4j-core@2.14.1`), for narrow columns.
fn short_purl(purl: &str) -> &str {
    let purl = purl.split(['?', '#']).next().unwrap_or(purl);
    purl.rsplit('/').next().unwrap_or(purl)
}

/// What a finding is about, in words: `the product`, a component's purl, or
/// an exposure's vulnerability, status and component.
fn subject_words(finding: &Finding) -> String {
    subject_text(finding, false)
}

fn subject_text(finding: &Finding, short: bool) -> String {
    let d = &finding.subject_details;
    match finding.subject.kind.as_str() {
        "Product" => "the product".to_owned(),
        "Exposure" => {
            let mut text = d
                .vulnerability
                .clone()
                .unwrap_or_else(|| finding.subject.id.clone());
            let mut flags = Vec::new();
            if let Some(status) = &d.vex_status {
                flags.push(status.clone());
            }
            if d.known_exploited == Some(true) {
                flags.push("known exploited".to_owned());
            }
            if !flags.is_empty() {
                text.push_str(&format!(" ({})", flags.join(", ")));
            }
            if !d.components.is_empty() {
                let components: Vec<&str> = d
                    .components
                    .iter()
                    .map(|c| if short { short_purl(c) } else { c.as_str() })
                    .collect();
                text.push_str(&format!(" in {}", components.join(", ")));
            }
            text
        }
        kind => match &d.purl {
            Some(purl) if short => short_purl(purl).to_owned(),
            Some(purl) => purl.clone(),
            None => format!("{kind} {}", finding.subject.id),
        },
    }
}

/// The findings as a table: rule, severity, subject, title.
fn table(out: &mut String, findings: &[&Finding]) {
    let rows: Vec<[String; 4]> = findings
        .iter()
        .map(|f| {
            [
                f.rule.clone(),
                if f.advisory {
                    format!("{} (advisory)", f.severity)
                } else {
                    f.severity.to_string()
                },
                subject_text(f, true),
                f.title.clone(),
            ]
        })
        .collect();
    let header = ["rule", "severity", "subject", "title"];
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count()).min(72);
        }
    }
    let line = |cells: [&str; 4]| {
        let mut text = String::from(" ");
        for (cell, w) in cells.iter().zip(widths) {
            let shown: String = if cell.chars().count() > 72 {
                cell.chars().take(71).chain(['…']).collect()
            } else {
                (*cell).to_owned()
            };
            text.push_str(&format!(" {shown:<w$}"));
        }
        text.trim_end().to_owned()
    };
    let _ = writeln!(out, "{}", paint(BOLD, &line(header)));
    for row in &rows {
        let _ = writeln!(out, "{}", line([&row[0], &row[1], &row[2], &row[3]]));
    }
    let _ = writeln!(out);
}

fn finding_block(out: &mut String, finding: &Finding, mark: &str) {
    let subject = if finding.subject.kind == "Product" {
        String::new()
    } else {
        format!(" — {}", subject_words(finding))
    };
    let _ = writeln!(
        out,
        "  {mark} {} [{}] {}{subject}",
        paint(BOLD, &finding.rule),
        finding.severity,
        finding.title
    );
    let _ = writeln!(out, "      {}", finding.message);
    let _ = writeln!(out, "      controls: {}", finding.controls.join("; "));
    for citation in &finding.evidence {
        let _ = writeln!(out, "      evidence: {}", cite(citation));
    }
    let _ = writeln!(out, "      fix: {}", finding.remediation);
    let _ = writeln!(out);
}

fn cite(c: &Citation) -> String {
    let place = if c.location.is_empty() {
        c.document.clone()
    } else if c.location.starts_with('/') {
        format!("{}#{}", c.document, c.location)
    } else {
        format!("{} {}", c.document, c.location)
    };
    format!("{place}  {} = {}  ({})", c.fact, c.value, c.plugin)
}
