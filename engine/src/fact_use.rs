//! Which rules look at each fact a bundle's schema declares, and so which
//! facts no rule judges.
//!
//! A plugin may only emit facts the schema declares. A declared fact that no
//! rule reads is either kept for people (shown in reports, a subject the
//! engine binds documents by) or a sign that evidence is read but never
//! judged: a DTAC answer that there was no pen test, emitted and ignored.
//! Bundle authors see the list with `assure test --coverage`; the baseline's
//! own tests demand that each such fact is explained in its plugin's README.

use crate::bundle::Bundle;
use crate::facts::MANIFEST_ATTRIBUTES;

/// The entity kinds whose attributes plugins state.
const EVIDENCE_KINDS: &[&str] = &["Product", "Component", "Exposure"];

/// Product attributes the engine sets from the manifest, not from evidence.
const MANIFEST_ONLY: &[&str] = &["artifact_digests"];

/// One declared fact and the rules that look at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactUse {
    /// The entity kind: `Product`, `Component` or `Exposure`.
    pub kind: String,
    /// The attribute path, dot-separated (`dtac.mfa_privileged`).
    pub path: String,
    /// The ids of the rules that read it or test it with `has`.
    pub rules: Vec<String>,
}

impl FactUse {
    /// The fact as people name it: `dtac.mfa_privileged` for a product
    /// fact, `Exposure.aliases` for an entity attribute.
    pub fn name(&self) -> String {
        if self.kind == "Product" {
            self.path.clone()
        } else {
            format!("{}.{}", self.kind, self.path)
        }
    }

    /// Whether no rule looks at it.
    pub fn unread(&self) -> bool {
        self.rules.is_empty()
    }
}

impl Bundle {
    /// Every fact the schema declares for the evidence kinds, with the
    /// rules that read it, in schema order by kind.
    pub fn fact_use(&self) -> Vec<FactUse> {
        let mut uses = Vec::new();
        for kind in EVIDENCE_KINDS {
            for path in self.vocabulary.leaves(kind) {
                let top = path.split('.').next().unwrap_or_default();
                if *kind == "Product"
                    && (MANIFEST_ATTRIBUTES.contains(&top) || MANIFEST_ONLY.contains(&top))
                {
                    continue;
                }
                let rules = self
                    .rules
                    .iter()
                    .filter(|rule| rule_kinds(rule).contains(kind))
                    .filter(|rule| {
                        rule.mentions
                            .iter()
                            .any(|read| read.root == "resource" && looks_at(&read.path, &path))
                    })
                    .map(|rule| rule.id.clone())
                    .collect();
                uses.push(FactUse {
                    kind: (*kind).to_owned(),
                    path,
                    rules,
                });
            }
        }
        uses
    }
}

/// The resource kinds a rule can judge.
fn rule_kinds(rule: &crate::bundle::Rule) -> Vec<&'static str> {
    match rule.action.as_deref() {
        Some("approve") => vec!["Product"],
        Some("accept") => match rule.resource_type.as_deref() {
            Some("Component") => vec!["Component"],
            Some("Exposure") => vec!["Exposure"],
            Some(_) => Vec::new(),
            None => vec!["Component", "Exposure"],
        },
        _ => EVIDENCE_KINDS.to_vec(),
    }
}

/// Whether reading `read` looks at the fact at `path`: the same path. A
/// rule that only tests a record's presence (`resource has dtac`) judges
/// none of its facts.
fn looks_at(read: &[String], path: &str) -> bool {
    read.iter().map(String::as_str).eq(path.split('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_fact_itself_counts() {
        let read = |p: &[&str]| p.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(looks_at(&read(&["dtac", "dpia"]), "dtac.dpia"));
        assert!(!looks_at(&read(&["dtac"]), "dtac.dpia"));
        assert!(!looks_at(&read(&["dtac", "dpi"]), "dtac.dpia"));
        assert!(!looks_at(&read(&["dtac", "dpia", "x"]), "dtac.dpia"));
        assert!(!looks_at(&read(&[]), "dtac.dpia"));
    }
}
