//! Helpers the report formats share: escaping supplier text for each
//! medium, and the views of a decision several formats show.

use std::collections::BTreeMap;

use assure_engine::bundle::Severity;
use assure_engine::decision::{
    Citation, ControlOutcome, Decision, Finding, Outcome, RuleOutcome, WaiverMark, WaiverReport,
    natural_key,
};
use assure_engine::facts::FactValue;

use crate::inert;

/// Supplier text made inert for Markdown: one line, no markup, links or
/// mentions.
pub fn markdown_text(text: &str) -> String {
    let text = crate::inert::inert(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        // GitHub turns `https://…`, `www.…`, e-mail addresses and `@team`
        // into links and mentions even without markup: an invisible word
        // joiner after `@` and `:`, and before the dot of `www.`, breaks
        // each trigger.
        if c == '.'
            && out
                .get(out.len().saturating_sub(3)..)
                .is_some_and(|tail| tail.eq_ignore_ascii_case("www"))
        {
            out.push('\u{2060}');
        }
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '!' | '#' | '~' | '&' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
        if matches!(c, '@' | ':') {
            out.push('\u{2060}');
        }
    }
    out
}

/// Supplier text made safe for a terminal line: line breaks, control
/// characters (escape sequences among them) and format characters (bidi
/// controls) written as visible escapes ([`inert::inert`]), so supplier text
/// can neither restyle the screen nor start a line of its own.
pub fn terminal_text(text: &str) -> String {
    inert::inert(text).into_owned()
}

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

/// The verdict as people read it: `approve`, or `approve with 2 waivers`
/// when waivers accepted findings.
pub fn verdict_text(decision: &Decision) -> String {
    with_waivers(decision.verdict.as_str(), decision)
}

/// The verdict as a heading: `APPROVE`, or `APPROVE with 2 waivers`.
pub fn verdict_heading(decision: &Decision) -> String {
    with_waivers(&decision.verdict.as_str().to_uppercase(), decision)
}

/// `word`, and how many waivers accepted findings, if any did.
fn with_waivers(word: &str, decision: &Decision) -> String {
    match decision.applied_waivers().count() {
        0 => word.to_owned(),
        1 => format!("{word} with 1 waiver"),
        n => format!("{word} with {n} waivers"),
    }
}

/// The waiver on a finding, in one line: which, until when, why, whose
/// risk, approved by whom, and its digest.
pub fn waiver_text(mark: &WaiverMark) -> String {
    format!(
        "waived by {} until {} ({}: {}; risk owner {}; approved by {}; sha256:{})",
        mark.id,
        mark.expires,
        mark.reason,
        mark.justification,
        mark.risk_owner,
        mark.approved_by.join(", "),
        mark.digest.get(..16).unwrap_or(&mark.digest)
    )
}

/// A waiver presented and what became of it, in one line.
pub fn waiver_status_text(report: &WaiverReport) -> String {
    let what = report.waiver.as_ref().map_or_else(String::new, |w| {
        format!(" ({} on {})", w.rule, w.subject.describe())
    });
    format!(
        "{}{what} [{}]: {}",
        report.label(),
        report.status,
        report.message
    )
}

/// The controls grouped by framework, in the order the decision lists them:
/// the engine orders a decision's controls by the bundle's `frameworks`
/// (the order its officers read them), then by name, then naturally.
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
    groups
}

/// How many of `items` have each outcome, in [`OUTCOMES`] order.
pub fn outcome_counts<'a>(outcomes: impl Iterator<Item = &'a Outcome>) -> [usize; 6] {
    let mut counts = [0; 6];
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
pub const OUTCOMES: [Outcome; 6] = [
    Outcome::Failed,
    Outcome::Undecided,
    Outcome::Waived,
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

/// A dataset's age at the evaluation time and whether the bundle allows it.
pub fn data_age(data: &assure_engine::decision::DataInput) -> String {
    let age = data
        .age_days
        .map_or_else(|| "age unknown".to_owned(), |d| format!("{d} days old"));
    if data.stale {
        format!(
            "{age}, **stale**: over the {} days the bundle allows",
            data.max_age_days
        )
    } else {
        format!(
            "{age}, within the {} days the bundle allows",
            data.max_age_days
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
