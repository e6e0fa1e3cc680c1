//! Supplier text made inert, once, for every report a person or a CI system
//! reads.
//!
//! A product name, a file name, a component or a message in the evidence is
//! written by the party being judged. Before any human-facing format (the
//! terminal, batch lines, Markdown, HTML, JUnit, SARIF messages) renders a
//! decision, every string in it goes through [`inert`]: line breaks (line
//! feed, carriage return, next line, the line and paragraph separators),
//! every other control character (escape sequences among them) and every
//! format character (bidirectional embeddings, overrides and isolates such
//! as U+202E, zero-width characters, the byte-order mark) are written as
//! visible escapes (`\n`, `\u{202e}`). A supplier string is then one line
//! that reads in the order it is stored, so it cannot start a line of its
//! own (a forged `APPROVE`), split a batch's one line each, or reorder what
//! is shown around it. Each format then escapes its own syntax on top
//! (markup, Markdown, SARIF braces).

use std::borrow::Cow;
use std::fmt::Write as _;

use assure_engine::decision::{Citation, Decision, Finding, Subject};
use assure_engine::facts::{FactMap, FactValue, Provenance};
use unicode_general_category::{GeneralCategory, get_general_category};

/// Whether `c` must not reach a report as itself: a control character, a
/// format character (bidi controls, zero-width characters), a line or
/// paragraph separator, or a noncharacter XML forbids.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            get_general_category(c),
            GeneralCategory::Format
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        )
        || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// `text` with every line break, control and format character written as a
/// visible escape: `\n`, `\r`, `\t`, or `\u{202e}`. Borrowed when there is
/// nothing to change.
#[must_use]
pub fn inert(text: &str) -> Cow<'_, str> {
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if hidden(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A copy of `decision` with every string in it made [`inert`]. The same
/// text always gives the same result, so the cross-references between parts
/// of a decision (a finding's components and the component entities, a
/// citation's document and the evidence list) still match.
#[must_use]
pub fn decision(decision: &Decision) -> Decision {
    let mut d = decision.clone();
    text(&mut d.summary);
    text(&mut d.evaluated_at);
    let p = &mut d.product;
    for s in [&mut p.name, &mut p.version, &mut p.supplier] {
        text(s);
    }
    list(&mut p.identifiers);
    text(&mut d.bundle.name);
    text(&mut d.bundle.digest);
    if let Some(signed) = &mut d.bundle.signed {
        text(&mut signed.manifest_sha256);
        text(&mut signed.expires);
        list(&mut signed.signers);
    }
    for r in &mut d.rules {
        text(&mut r.rule);
        text(&mut r.title);
        text(&mut r.file);
        list(&mut r.controls);
    }
    for c in &mut d.controls {
        text(&mut c.control);
        text(&mut c.framework);
        list(&mut c.rules);
    }
    d.findings.iter_mut().for_each(finding);
    d.advisories.iter_mut().for_each(finding);
    for w in &mut d.waivers {
        text(&mut w.file);
        text(&mut w.message);
        for a in &mut w.approved_by {
            text(&mut a.name);
        }
        if let Some(p) = &mut w.waiver {
            for s in [
                &mut p.id,
                &mut p.rule,
                &mut p.justification,
                &mut p.risk_owner,
                &mut p.product.identifier,
                &mut p.created,
                &mut p.expires,
            ] {
                text(s);
            }
            list(&mut p.compensating_controls);
            list(&mut p.approvers);
            for s in [
                &mut p.product.supplier,
                &mut p.product.version,
                &mut p.product.versions,
            ]
            .into_iter()
            .flatten()
            {
                text(s);
            }
            list(&mut p.product.artifact_sha256);
            match &mut p.subject {
                assure_engine::waiver::WaiverSubject::Exposure {
                    vulnerability,
                    component,
                } => {
                    text(vulnerability);
                    text(component);
                }
                assure_engine::waiver::WaiverSubject::Component { component } => text(component),
                assure_engine::waiver::WaiverSubject::Product => {}
            }
        }
        for r in &mut w.waived {
            for s in [&mut r.rule, &mut r.kind, &mut r.id] {
                text(s);
            }
        }
    }
    for m in &mut d.missing_evidence {
        for s in [&mut m.evidence, &mut m.title, &mut m.ask] {
            text(s);
        }
        list(&mut m.facts);
        list(&mut m.rules);
        m.subjects.iter_mut().for_each(subject);
    }
    for e in &mut d.document_errors {
        for s in [
            &mut e.document,
            &mut e.sha256,
            &mut e.media_type,
            &mut e.message,
            &mut e.location,
        ] {
            text(s);
        }
        if let Some(plugin) = &mut e.plugin {
            text(plugin);
        }
    }
    for f in &mut d.fact_problems {
        for s in [&mut f.plugin, &mut f.document, &mut f.fact, &mut f.message] {
            text(s);
        }
    }
    for e in &mut d.evaluation_errors {
        text(&mut e.rule);
        text(&mut e.message);
        subject(&mut e.subject);
    }
    for n in &mut d.notes {
        for s in [
            &mut n.document,
            &mut n.plugin,
            &mut n.message,
            &mut n.location,
        ] {
            text(s);
        }
    }
    for u in &mut d.unmatched_statements {
        text(&mut u.exposure);
        text(&mut u.vulnerability);
        text(&mut u.reason);
        list(&mut u.product_refs);
        list(&mut u.product_scope);
        u.provenance.iter_mut().for_each(provenance);
    }
    for s in &mut d.superseded {
        text(&mut s.entity);
        provenance(&mut s.by);
        s.replaced.iter_mut().for_each(provenance);
    }
    for c in &mut d.facts.contributions {
        text(&mut c.document);
        text(&mut c.plugin);
        list(&mut c.facts);
        c.entities = std::mem::take(&mut c.entities)
            .into_iter()
            .map(|(k, v)| (inert(&k).into_owned(), v))
            .collect();
    }
    facts(&mut d.facts.product);
    for e in &mut d.facts.entities {
        text(&mut e.kind);
        text(&mut e.id);
        list(&mut e.parents);
        facts(&mut e.facts);
        e.provenance.iter_mut().for_each(provenance);
    }
    let i = &mut d.inputs;
    text(&mut i.manifest_sha256);
    list(&mut i.unlisted);
    for e in &mut i.evidence {
        text(&mut e.path);
        text(&mut e.media_type);
        text(&mut e.sha256);
        list(&mut e.plugins);
    }
    for p in &mut i.plugins {
        for s in [&mut p.name, &mut p.version, &mut p.sha256] {
            text(s);
        }
    }
    for r in &mut i.reference_data {
        for s in [
            &mut r.name,
            &mut r.path,
            &mut r.sha256,
            &mut r.version,
            &mut r.released,
        ] {
            text(s);
        }
    }
    d
}

fn text(s: &mut String) {
    if let Cow::Owned(clean) = inert(s) {
        *s = clean;
    }
}

fn list(items: &mut [String]) {
    items.iter_mut().for_each(text);
}

fn subject(s: &mut Subject) {
    text(&mut s.kind);
    text(&mut s.id);
}

fn provenance(p: &mut Provenance) {
    for s in [
        &mut p.document,
        &mut p.document_sha256,
        &mut p.plugin,
        &mut p.plugin_sha256,
        &mut p.location,
    ] {
        text(s);
    }
}

fn value(v: &mut FactValue) {
    match v {
        FactValue::Text(s) | FactValue::Decimal(s) | FactValue::Datetime(s) => text(s),
        FactValue::TextSet(items) => list(items),
        FactValue::Bool(_) | FactValue::Long(_) => {}
    }
}

fn facts(map: &mut FactMap) {
    *map = std::mem::take(map)
        .into_iter()
        .map(|(name, mut record)| {
            value(&mut record.value);
            record.provenance.iter_mut().for_each(provenance);
            (inert(&name).into_owned(), record)
        })
        .collect();
}

fn citation(c: &mut Citation) {
    for s in [
        &mut c.fact,
        &mut c.document,
        &mut c.document_sha256,
        &mut c.plugin,
        &mut c.location,
    ] {
        text(s);
    }
    value(&mut c.value);
}

fn finding(f: &mut Finding) {
    for s in [
        &mut f.rule,
        &mut f.title,
        &mut f.message,
        &mut f.remediation,
    ] {
        text(s);
    }
    if let Some(mark) = &mut f.waiver {
        for s in [
            &mut mark.id,
            &mut mark.justification,
            &mut mark.risk_owner,
            &mut mark.expires,
        ] {
            text(s);
        }
        list(&mut mark.approved_by);
    }
    if let Some(pillar) = &mut f.pillar {
        text(pillar);
    }
    list(&mut f.controls);
    subject(&mut f.subject);
    let d = &mut f.subject_details;
    for s in [
        &mut d.name,
        &mut d.version,
        &mut d.purl,
        &mut d.vulnerability,
        &mut d.vex_status,
    ]
    .into_iter()
    .flatten()
    {
        text(s);
    }
    list(&mut d.components);
    f.evidence.iter_mut().for_each(citation);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_bidi_and_control_characters_become_visible_escapes() {
        let hostile = "Acme\nAPPROVE\r\u{85}\u{2028}\u{2029}x\u{202e}evil\u{2066}\u{200b}\u{feff}\u{1b}[2J\t.";
        assert_eq!(
            inert(hostile),
            "Acme\\nAPPROVE\\r\\u{85}\\u{2028}\\u{2029}x\\u{202e}evil\\u{2066}\\u{200b}\\u{feff}\\u{1b}[2J\\t."
        );
        assert!(matches!(
            inert("Acme Application 9.1.1 — ü"),
            Cow::Borrowed(_)
        ));
    }
}
