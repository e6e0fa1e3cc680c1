//! The decision as a person reads it at a terminal: a summary line, the
//! findings as tables and blocks, what is missing, and how the rules and
//! controls came out.
//!
//! Colour comes from ANSI styles; the caller's stream (`anstream`) strips
//! them when the output is not a terminal or `NO_COLOR` is set.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use assure_engine::decision::{Citation, Decision, Finding, Verdict};

use crate::view::{
    citation_place, terminal_text, verdict_heading, waiver_status_text, waiver_text,
};

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const RED: Style = AnsiColor::Red.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const BLUE: Style = AnsiColor::Blue.on_default().bold();

fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// The decision as a summary and tables.
fn human_styled(decision: &Decision, submission: &str) -> String {
    let mut out = String::new();
    let p = &decision.product;
    let _ = writeln!(
        out,
        "{} {}",
        paint(BOLD, "assure check"),
        terminal_text(submission)
    );
    let _ = writeln!(
        out,
        "  product   {} {} (supplier: {})",
        p.name, p.version, p.supplier
    );
    let c = &decision.product.criticality;
    let _ = writeln!(
        out,
        "  tier      {} (claimed {}, implied by the profile {})",
        c.tier, c.claimed, c.implied
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
        let age = data
            .age_days
            .map_or_else(|| "age unknown".to_owned(), |d| format!("{d} days old"));
        let state = if data.stale {
            paint(
                YELLOW,
                &format!("STALE: over the {} days allowed", data.max_age_days),
            )
        } else {
            format!("at most {} days allowed", data.max_age_days)
        };
        let origin = match data.origin {
            assure_engine::bundle::DataOrigin::Bundle => "",
            assure_engine::bundle::DataOrigin::Operator => " (--reference)",
        };
        let _ = writeln!(
            out,
            "  data      {} {}{origin} ({} entries, released {}; {age}, {state})",
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
    if decision.blocking().next().is_some() {
        let _ = writeln!(out, "{}", paint(BOLD, "Findings"));
        for finding in decision.blocking() {
            finding_block(&mut out, finding, &paint(RED, "✗"));
        }
    }
    if decision.waived().next().is_some() {
        let _ = writeln!(out, "{}", paint(BOLD, "Waived findings (accepted risk)"));
        for finding in decision.waived() {
            finding_block(&mut out, finding, &paint(BLUE, "~"));
        }
    }
    if !decision.waivers.is_empty() {
        let _ = writeln!(out, "{}", paint(BOLD, "Waivers"));
        for report in &decision.waivers {
            let mark = if report.status.is_refused() {
                paint(RED, "✗")
            } else if report.expiring {
                paint(YELLOW, "!")
            } else if report.status == assure_engine::decision::WaiverStatus::Unused {
                paint(YELLOW, "?")
            } else {
                paint(GREEN, "✓")
            };
            let _ = writeln!(out, "  {mark} {}", waiver_status_text(report));
            let _ = writeln!(
                out,
                "      {}",
                paint(DIM, &format!("{} sha256:{}", report.file, report.digest))
            );
        }
        let _ = writeln!(out);
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
            if !missing.facts.is_empty() {
                let _ = writeln!(
                    out,
                    "      {}",
                    paint(DIM, &format!("missing facts: {}", missing.facts.join(", ")))
                );
            }
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
    if decision.advisories.iter().any(|f| f.waiver.is_none()) {
        let _ = writeln!(out, "{}", paint(BOLD, "Advisories (not blocking)"));
        for finding in decision.advisories.iter().filter(|f| f.waiver.is_none()) {
            finding_block(&mut out, finding, &paint(YELLOW, "•"));
        }
    }
    if !decision.unmatched_statements.is_empty() {
        let _ = writeln!(out, "{}", paint(BOLD, "VEX statements that do not apply"));
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
                "  {} {} ({place}): names {}: {}",
                paint(YELLOW, "?"),
                statement.vulnerability,
                statement.product_refs.join(", "),
                statement.reason
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
        paint(style, &verdict_heading(decision)),
        decision.summary,
        paint(
            DIM,
            &format!("(exit {code}; {} rule evaluations)", decision.evaluations)
        )
    );
    out
}

/// The decision as a summary and tables. Supplier text cannot reach the
/// terminal as control sequences: every escape sequence but the styles this
/// renderer writes itself is replaced.
pub fn human(decision: &Decision, submission: &str) -> String {
    scrub(&human_styled(decision, submission))
}

/// Replaces control characters with U+FFFD, except line breaks, tabs and
/// the SGR style sequences [`paint`] writes (bold, dim, red, green, yellow
/// and reset).
fn scrub(text: &str) -> String {
    const OURS: [&str; 8] = ["0", "1", "2", "22", "31", "32", "33", "34"];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}'
            && let Some(after) = rest.strip_prefix("\u{1b}[")
            && let Some(end) = after.find('m')
            && let Some(params) = after.get(..end)
            && params.split(';').all(|p| OURS.contains(&p))
        {
            let len = 2 + end + 1;
            out.push_str(rest.get(..len).unwrap_or(""));
            rest = rest.get(len..).unwrap_or("");
            continue;
        }
        if c.is_control() && c != '\n' && c != '\t' {
            out.push('\u{FFFD}');
        } else {
            out.push(c);
        }
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    out
}
/// How the rules and controls came out, in one line.
fn tally(decision: &Decision) -> String {
    use assure_engine::decision::Outcome as O;
    let count = |o: O| decision.rules.iter().filter(|r| r.outcome == o).count();
    let mut parts = Vec::new();
    for o in [
        O::Failed,
        O::Waived,
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
    human_subject(finding, false)
}

fn human_subject(finding: &Finding, short: bool) -> String {
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
                if f.waiver.is_some() {
                    format!("{} (waived)", f.severity)
                } else if f.advisory {
                    format!("{} (advisory)", f.severity)
                } else {
                    f.severity.to_string()
                },
                human_subject(f, true),
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
    if let Some(mark) = &finding.waiver {
        let _ = writeln!(out, "      {}", paint(BLUE, &waiver_text(mark)));
    }
    let _ = writeln!(out);
}

fn cite(c: &Citation) -> String {
    format!(
        "{}  {} = {}  ({})",
        citation_place(c),
        c.fact,
        c.value,
        c.plugin
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_terminal_gets_our_styles_and_none_of_the_suppliers_sequences() {
        for style in [BOLD, DIM, RED, GREEN, YELLOW, BLUE] {
            let styled = paint(style, "x");
            assert!(styled.contains('\u{1b}'), "{styled:?}");
            assert_eq!(scrub(&styled), styled);
        }
        // A title change, a screen clear, concealed text and a bell.
        let hostile = "a\u{1b}]0;pwned\u{7}b\u{1b}[2Jc\u{1b}[8md\u{9b}31m\n";
        let clean = scrub(hostile);
        assert!(!clean.contains('\u{1b}'), "{clean:?}");
        assert!(
            !clean.contains('\u{7}') && !clean.contains('\u{9b}'),
            "{clean:?}"
        );
        assert!(clean.ends_with('\n'));
    }
}
