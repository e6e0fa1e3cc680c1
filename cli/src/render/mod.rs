//! Rendering decisions and errors for a person at a terminal.
//!
//! Colour comes from ANSI styles written through `anstream`, which strips them
//! when the output is not a terminal or `NO_COLOR` is set.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anstyle::{AnsiColor, Style};
use assure_engine::bundle::Severity;
use assure_engine::decision::{
    Citation, ControlOutcome, Decision, Finding, Outcome, RuleOutcome, Verdict, natural_key,
};
use assure_engine::facts::FactValue;

mod html;
pub mod inert;
mod junit;
mod markdown;
mod sarif;

/// The decision in a format: `human`, `json`, `sarif`, `junit`, `markdown`
/// or `html`. `submission` is the folder the evidence was read from (reports
/// locate findings in its files). Every format but JSON (where the JSON
/// escaping keeps each string a string) renders the decision with its text
/// made [`inert::inert`].
pub fn report(format: &str, decision: &Decision, submission: &Path) -> String {
    if format == "json" {
        return decision.to_json();
    }
    if format == "sarif" {
        // SARIF locates findings by reading the documents the decision
        // names, so it is given the decision as it is.
        return sarif::sarif(decision, submission);
    }
    let clean = inert::decision(decision);
    match format {
        "junit" => junit::junit(&clean),
        "markdown" => markdown::markdown(&clean),
        "html" => html::html(&clean),
        _ => human(&clean, submission),
    }
}

/// Supplier text made inert for Markdown: one line, no markup, links or
/// mentions.
pub fn markdown_text(text: &str) -> String {
    markdown::md(text)
}

/// Supplier text made safe for a terminal line: line breaks, control
/// characters (escape sequences among them) and format characters (bidi
/// controls) written as visible escapes ([`inert::inert`]), so supplier text
/// can neither restyle the screen nor start a line of its own.
pub fn terminal_text(text: &str) -> String {
    inert::inert(text).into_owned()
}

/// Several decisions as one JUnit document: each submission's test suite
/// (as [`junit::junit`] writes it) inside one `<testsuites>`, and a
/// submission that could not be checked as a suite with one error.
pub fn junit_batch(results: &[(String, Result<&Decision, String>)]) -> String {
    let mut total = junit::Counts::default();
    let mut suites = String::new();
    for (path, result) in results {
        match result {
            Ok(decision) => {
                total = total.add(junit::Counts::of(decision));
                let clean = inert::decision(decision);
                suites.push_str(&junit::suite(&clean, Some(inert::inert(path).as_ref())));
            }
            Err(message) => {
                let counts = junit::Counts {
                    tests: 1,
                    errors: 1,
                    ..junit::Counts::default()
                };
                total = total.add(counts);
                let _ = writeln!(
                    suites,
                    "  <testsuite name=\"{path}\" {}>\n    <testcase classname=\"{path}\" name=\"check\">\n      \
                     <error type=\"error\" message=\"{message}\"/>\n    </testcase>\n  </testsuite>",
                    counts.attributes(),
                    path = escape_markup(&inert::inert(path)),
                    message = escape_markup(&inert::inert(message))
                );
            }
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"assure batch\" {}>\n{suites}</testsuites>\n",
        total.attributes()
    )
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
fn human_styled(decision: &Decision, submission: &Path) -> String {
    let mut out = String::new();
    let p = &decision.product;
    let _ = writeln!(
        out,
        "{} {}",
        paint(BOLD, "assure check"),
        terminal_text(&submission.display().to_string())
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
    if !decision.advisories.is_empty() {
        let _ = writeln!(out, "{}", paint(BOLD, "Advisories (not blocking)"));
        for finding in &decision.advisories {
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
        paint(style, &decision.verdict.as_str().to_uppercase()),
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
pub fn human(decision: &Decision, submission: &Path) -> String {
    scrub(&human_styled(decision, submission))
}

/// Replaces control characters with U+FFFD, except line breaks, tabs and
/// the SGR style sequences [`paint`] writes (bold, dim, red, green, yellow
/// and reset).
fn scrub(text: &str) -> String {
    const OURS: [&str; 7] = ["0", "1", "2", "22", "31", "32", "33"];
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
                if f.advisory {
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

// Helpers the report formats share.

/// Text made safe for XML and HTML attribute values (quoted with `"` or
/// `'`): markup characters become entities, line breaks and tabs character
/// references (so the value keeps them), and the characters XML 1.0 forbids
/// (C0 controls other than tab, line feed and carriage return; U+FFFE,
/// U+FFFF) become U+FFFD.
pub fn escape_markup(text: &str) -> String {
    escape(text, true)
}

/// Text made safe for XML and HTML element content: as [`escape_markup`],
/// but quotes, line breaks and tabs stay as they are.
pub fn escape_text(text: &str) -> String {
    escape(text, false)
}

fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&#39;"),
            '\t' | '\n' if !attribute => out.push(c),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if u32::from(c) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// What a finding is about, for a person: an exposure's vulnerability, VEX
/// status and components; a component's name, version and purl; the product.
pub fn subject_text(finding: &Finding) -> String {
    let d = &finding.subject_details;
    if let Some(vulnerability) = &d.vulnerability {
        let mut state = Vec::new();
        if let Some(status) = &d.vex_status {
            state.push(format!("VEX status {status}"));
        }
        if d.known_exploited == Some(true) {
            state.push("known exploited".to_owned());
        }
        let state = if state.is_empty() {
            String::new()
        } else {
            format!(" ({})", state.join("; "))
        };
        let place = if d.components.is_empty() {
            String::new()
        } else {
            format!(" in {}", d.components.join(", "))
        };
        return format!("{vulnerability}{state}{place}");
    }
    let named = [d.name.as_deref(), d.version.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let label = match (named.is_empty(), &d.purl) {
        (true, None) => finding.subject.id.clone(),
        (true, Some(purl)) => purl.clone(),
        (false, None) => named,
        (false, Some(purl)) => format!("{named} ({purl})"),
    };
    if finding.subject.kind == "Product" {
        format!("product {label}")
    } else if finding.subject.kind == "Component" {
        format!("component {label}")
    } else {
        format!("{} {label}", finding.subject.kind)
    }
}

/// Where a citation points, as a person reads it: `sbom.cdx.json#/components/3`,
/// `mds2.csv line 59`, or the document alone.
pub fn citation_place(c: &Citation) -> String {
    if c.location.is_empty() {
        c.document.clone()
    } else if c.location.starts_with('/') {
        format!("{}#{}", c.document, c.location)
    } else {
        format!("{} {}", c.document, c.location)
    }
}

/// Why a rule could not be decided: the missing evidence it waits on, its
/// evaluation errors, or else the evidence that could not be read.
pub fn undecided_reasons(decision: &Decision, rule: &str) -> Vec<String> {
    let mut reasons: Vec<String> = decision
        .missing_evidence
        .iter()
        .filter(|m| m.rules.iter().any(|r| r == rule))
        .map(|m| format!("missing evidence: {} (provide {})", m.title, m.ask))
        .collect();
    reasons.extend(
        decision
            .evaluation_errors
            .iter()
            .filter(|e| e.rule == rule)
            .map(|e| {
                format!(
                    "evaluation error on {} {}: {}",
                    e.subject.kind, e.subject.id, e.message
                )
            }),
    );
    if reasons.is_empty() {
        let unread: Vec<&str> = decision
            .document_errors
            .iter()
            .map(|e| e.document.as_str())
            .collect();
        reasons.push(if unread.is_empty() {
            "not every subject could be decided: its evidence is missing or contradictory"
                .to_owned()
        } else {
            format!(
                "not every subject could be decided; evidence that could not be read: {}",
                unread.join(", ")
            )
        });
    }
    reasons
}

/// The frameworks shown first, in this order; the others follow by name.
const FIRST_FRAMEWORKS: [&str; 4] = ["DTAC", "DSPT", "Cyber Essentials", "SSCoP"];

/// The controls grouped by framework: DTAC, DSPT, Cyber Essentials and SSCoP
/// first, then the others by name; controls in natural order within each.
pub fn controls_by_framework(decision: &Decision) -> Vec<(&str, Vec<&ControlOutcome>)> {
    let mut groups: Vec<(&str, Vec<&ControlOutcome>)> = Vec::new();
    for control in &decision.controls {
        match groups
            .iter_mut()
            .find(|(name, _)| *name == control.framework)
        {
            Some((_, list)) => list.push(control),
            None => groups.push((control.framework.as_str(), vec![control])),
        }
    }
    for (_, list) in &mut groups {
        list.sort_by_key(|c| natural_key(&c.control));
    }
    groups.sort_by_key(|(name, _)| framework_rank(name));
    groups
}

/// Where a framework comes: the first four in their order, then by name.
fn framework_rank(name: &str) -> (usize, String) {
    let rank = FIRST_FRAMEWORKS
        .iter()
        .position(|f| *f == name)
        .unwrap_or(FIRST_FRAMEWORKS.len());
    (rank, name.to_lowercase())
}

/// How many of `items` have each outcome, in [`OUTCOMES`] order.
pub fn outcome_counts<'a>(outcomes: impl Iterator<Item = &'a Outcome>) -> [usize; 5] {
    let mut counts = [0; 5];
    for outcome in outcomes {
        if let Some(slot) = OUTCOMES
            .iter()
            .position(|o| o == outcome)
            .and_then(|i| counts.get_mut(i))
        {
            *slot += 1;
        }
    }
    counts
}

/// Every outcome, worst first.
pub const OUTCOMES: [Outcome; 5] = [
    Outcome::Failed,
    Outcome::Undecided,
    Outcome::Advised,
    Outcome::Passed,
    Outcome::NotApplicable,
];

/// Every severity, worst first.
pub const SEVERITIES: [Severity; 4] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
];

/// The rule's policy file without its extension (`vulnerabilities`).
pub fn policy_name(rule: &RuleOutcome) -> &str {
    let file = rule.file.rsplit('/').next().unwrap_or(&rule.file);
    file.strip_suffix(".cedar").unwrap_or(file)
}

/// The name and version of each submitted component that has a name, by
/// its id (purl).
pub fn component_labels(decision: &Decision) -> BTreeMap<&str, String> {
    let mut labels = BTreeMap::new();
    for entity in decision
        .facts
        .entities
        .iter()
        .filter(|e| e.kind == "Component")
    {
        let text = |fact: &str| match entity.facts.get(fact).map(|f| &f.value) {
            Some(FactValue::Text(s)) => Some(s.as_str()),
            _ => None,
        };
        if let Some(name) = text("name") {
            let label = match text("version") {
                Some(version) => format!("{name} {version}"),
                None => name.to_owned(),
            };
            labels.insert(entity.id.as_str(), label);
        }
    }
    labels
}

/// Rule ids in the order people read them (R2 before R10).
pub fn natural_order(rules: &[String]) -> Vec<&str> {
    let mut sorted: Vec<&str> = rules.iter().map(String::as_str).collect();
    sorted.sort_by_key(|r| natural_key(r));
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_terminal_gets_our_styles_and_none_of_the_suppliers_sequences() {
        for style in [BOLD, DIM, RED, GREEN, YELLOW] {
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

    #[test]
    fn markdown_text_breaks_links_and_mentions() {
        let text = markdown_text("see https://evil.example or www.evil.example, ping @org/team");
        assert!(!text.contains("https://"), "{text}");
        assert!(!text.contains("www."), "{text}");
        assert!(!text.contains("@o"), "{text}");
    }

    #[test]
    fn markup_escaping_leaves_no_markup_and_no_character_xml_forbids() {
        let hostile = "<a href=\"x\">'&'</a>\u{0}\u{1b}\u{b}\u{fffe}\tok\n";
        assert_eq!(
            escape_markup(hostile),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\u{fffd}\u{fffd}\u{fffd}\u{fffd}&#9;ok&#10;"
        );
        assert_eq!(
            escape_text(hostile),
            "&lt;a href=\"x\"&gt;'&amp;'&lt;/a&gt;\u{fffd}\u{fffd}\u{fffd}\u{fffd}\tok\n"
        );
    }

    #[test]
    fn frameworks_come_in_the_order_officers_read_them() {
        let names = ["MDS2", "SSCoP", "Cyber Essentials", "CSAF", "DSPT", "DTAC"];
        let mut sorted = names.to_vec();
        sorted.sort_by_key(|name| framework_rank(name));
        assert_eq!(
            sorted,
            ["DTAC", "DSPT", "Cyber Essentials", "SSCoP", "CSAF", "MDS2"]
        );
    }
}
