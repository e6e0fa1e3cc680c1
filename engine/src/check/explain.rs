//! Explain: what the fired and errored rules mean for a person — findings
//! and advisories citing the facts and the place in the evidence each came
//! from, the evidence missing (with the rules waiting on it), reference
//! data too old to judge with, and each rule's and control's outcome.

use std::collections::{BTreeMap, BTreeSet};

use crate::bundle::{Bundle, ReferenceData, Rule};
use crate::decision::{
    Citation, ControlOutcome, DataInput, EvaluationError, Finding, MissingEvidence, Outcome,
    RuleOutcome, Subject, SubjectDetails,
};
use cedar_policy::EntityUid;

use crate::facts::{self, Assembly, FactMap, FactValue};
use crate::submission::{Product, Profile};

use super::authorize::Authorized;

/// What the rules' results mean.
pub(super) struct Explained {
    pub findings: Vec<Finding>,
    pub advisories: Vec<Finding>,
    pub missing_evidence: Vec<MissingEvidence>,
    pub evaluation_errors: Vec<EvaluationError>,
    pub rules: Vec<RuleOutcome>,
    pub controls: Vec<ControlOutcome>,
}

/// Explains `authorized` on the facts of `assembly`.
pub(super) fn explain(
    bundle: &Bundle,
    assembly: &Assembly,
    product: &Product,
    profile: &Profile,
    as_of: jiff::Timestamp,
    judge_data_age: bool,
    authorized: &Authorized,
) -> Explained {
    let Authorized {
        subjects,
        fired,
        errored,
        ..
    } = authorized;
    let facts_of = |subject: &Subject| -> Option<&FactMap> {
        if subject.kind == "Product" {
            Some(&assembly.product)
        } else {
            assembly
                .entities
                .get(&(subject.kind.clone(), subject.id.clone()))
                .map(|e| &e.facts)
        }
    };
    let mut findings = Vec::new();
    let mut advisories = Vec::new();
    for (rule_id, subject) in fired {
        let Some(rule) = bundle.rule(rule_id) else {
            continue;
        };
        let evidence = citations(rule, facts_of(subject));
        let subject_details = details(assembly, product, subject);
        let finding = Finding {
            rule: rule.id.clone(),
            title: rule.title.clone(),
            severity: rule.severity,
            controls: rule.controls.clone(),
            pillar: rule.pillar.clone(),
            message: rule.message.clone(),
            remediation: rule.remediation.clone(),
            advisory: rule.advisory,
            subject: subject.clone(),
            subject_details,
            evidence,
            waiver: None,
        };
        if rule.advisory {
            advisories.push(finding);
        } else {
            findings.push(finding);
        }
    }
    let sort = |list: &mut Vec<Finding>| {
        list.sort_by(|a, b| {
            (a.severity, &a.rule, &a.subject).cmp(&(b.severity, &b.rule, &b.subject))
        });
    };
    sort(&mut findings);
    sort(&mut advisories);

    // Which facts each errored rule needed and did not get.
    let mut missing: BTreeMap<String, Waiting> = BTreeMap::new();
    let mut evaluation_errors = Vec::new();
    for (rule_id, subject, message) in errored {
        let Some(rule) = bundle.rule(rule_id) else {
            evaluation_errors.push(EvaluationError {
                rule: rule_id.clone(),
                subject: subject.clone(),
                message: message.clone(),
            });
            continue;
        };
        let have = facts_of(subject);
        let absent: Vec<String> = rule
            .reads
            .iter()
            .filter(|read| read.root == "resource")
            .map(|read| read.dotted())
            .filter(|path| !is_present(have, path))
            .collect();
        if absent.is_empty() {
            evaluation_errors.push(EvaluationError {
                rule: rule_id.clone(),
                subject: subject.clone(),
                message: message.clone(),
            });
            continue;
        }
        for path in absent {
            let kind = path.split('.').next().unwrap_or(&path).to_owned();
            let slot = missing.entry(kind).or_default();
            slot.facts.insert(path);
            slot.rules.insert(rule_id.clone());
            slot.subjects.insert(subject.clone());
        }
    }
    let missing_evidence: Vec<MissingEvidence> = missing
        .into_iter()
        .map(
            |(
                kind,
                Waiting {
                    facts,
                    rules,
                    subjects,
                },
            )| {
                let described = bundle.evidence.get(&kind);
                MissingEvidence {
                    title: described.map_or_else(|| kind.clone(), |d| d.title.clone()),
                    ask: described.map_or_else(
                        || format!("evidence that provides the `{kind}` facts"),
                        |d| d.ask.clone(),
                    ),
                    evidence: kind,
                    facts: facts.into_iter().collect(),
                    rules: {
                        let mut rules: Vec<String> = rules.into_iter().collect();
                        rules.sort_by_cached_key(|r| crate::decision::natural_key(r));
                        rules
                    },
                    subjects: subjects.into_iter().collect(),
                }
            },
        )
        .collect();
    let stale = if judge_data_age {
        [
            stale_data(
                bundle,
                bundle.kev.as_ref(),
                &["known_exploited"],
                product,
                as_of,
            ),
            stale_data(
                bundle,
                bundle.nhs_alerts.as_ref(),
                &["nhs_alert"],
                product,
                as_of,
            ),
        ]
    } else {
        [None, None]
    };
    let missing_evidence: Vec<MissingEvidence> = unanswered_profile(bundle, profile, product)
        .into_iter()
        .chain(missing_evidence)
        .chain(stale.into_iter().flatten())
        .collect();
    let (rules, controls) = outcomes(bundle, subjects, fired, errored);
    Explained {
        findings,
        advisories,
        missing_evidence,
        evaluation_errors,
        rules,
        controls,
    }
}

/// The reference data a check used, with its age at the evaluation time.
pub(super) fn data_input<T: crate::reference::Dataset>(
    data: &ReferenceData<T>,
    as_of: jiff::Timestamp,
) -> DataInput {
    DataInput {
        name: T::NAME.into(),
        path: data.path.clone(),
        sha256: data.sha256.clone(),
        version: data.data.version().to_owned(),
        released: data.data.released().to_owned(),
        entries: data.data.entry_count(),
        origin: data.origin,
        max_age_days: data.max_age_days,
        age_days: data.age_days(as_of),
        stale: data.stale(as_of),
    }
}

/// A dataset too old to judge with, as missing evidence: the rules that read
/// what it says wait for current data.
fn stale_data<T: crate::reference::Dataset>(
    bundle: &Bundle,
    data: Option<&ReferenceData<T>>,
    reads: &[&str],
    product: &Product,
    as_of: jiff::Timestamp,
) -> Option<MissingEvidence> {
    let data = data?;
    if !data.stale(as_of) {
        return None;
    }
    let age = data
        .age_days(as_of)
        .map_or_else(|| "of unknown age".to_owned(), |d| format!("{d} days old"));
    let mut rules: Vec<String> = bundle
        .rules
        .iter()
        .filter(|rule| {
            rule.mentions
                .iter()
                .chain(&rule.reads)
                .any(|read| read.path.iter().any(|p| reads.contains(&p.as_str())))
        })
        .map(|rule| rule.id.clone())
        .collect();
    rules.sort_by_cached_key(|r| crate::decision::natural_key(r));
    rules.dedup();
    if rules.is_empty() {
        // No rule reads what the data says: its age changes nothing.
        return None;
    }
    let from = match data.origin {
        crate::bundle::DataOrigin::Bundle => format!("the bundle's `{}`", data.path),
        crate::bundle::DataOrigin::Operator => format!("`{}` (given with --reference)", data.path),
    };
    let on = facts::format_datetime(as_of);
    Some(MissingEvidence {
        evidence: format!("reference_data.{}", T::NAME),
        title: format!("current {}", T::TITLE),
        ask: format!(
            "a current copy: {from} ({} {}, released {}) is {age} on {}, more than the {} days \
             the bundle allows, so what it does not list cannot be taken as not listed. Refresh \
             it with `{}` from the current release, then rebuild and re-sign the bundle; or judge \
             with a newer copy: `assure check --reference {}=FILE`",
            T::TITLE,
            data.data.version(),
            data.data.released(),
            on.get(..10).unwrap_or(&on),
            data.max_age_days,
            T::REFRESH,
            T::NAME,
        ),
        facts: reads.iter().map(|r| (*r).to_owned()).collect(),
        rules,
        subjects: vec![Subject {
            kind: "Product".into(),
            id: product.name.clone(),
        }],
    })
}

/// How each forbid rule, and each control, came out.
fn outcomes(
    bundle: &Bundle,
    subjects: &[(Subject, EntityUid, &'static str)],
    fired: &[(String, Subject)],
    errored: &[(String, Subject, String)],
) -> (Vec<RuleOutcome>, Vec<ControlOutcome>) {
    let mut rules: Vec<RuleOutcome> = bundle
        .rules
        .iter()
        .filter(|r| r.is_forbid())
        .map(|rule| {
            // The subjects the rule applies to: its action, and its
            // resource type (`resource is Exposure`) when it names one.
            let evaluated = subjects
                .iter()
                .filter(|(subject, _, action)| {
                    rule.action.as_deref().is_none_or(|a| a == *action)
                        && rule
                            .resource_type
                            .as_deref()
                            .is_none_or(|t| t == subject.kind)
                })
                .count();
            let fired: BTreeSet<&Subject> = fired
                .iter()
                .filter(|(id, _)| *id == rule.id)
                .map(|(_, s)| s)
                .collect();
            let undecided: BTreeSet<&Subject> = errored
                .iter()
                .filter(|(id, _, _)| *id == rule.id)
                .map(|(_, s, _)| s)
                .collect();
            let outcome = if !fired.is_empty() {
                if rule.advisory {
                    Outcome::Advised
                } else {
                    Outcome::Failed
                }
            } else if !undecided.is_empty() {
                Outcome::Undecided
            } else if evaluated == 0 {
                Outcome::NotApplicable
            } else {
                Outcome::Passed
            };
            RuleOutcome {
                rule: rule.id.clone(),
                title: rule.title.clone(),
                severity: rule.severity,
                controls: rule.controls.clone(),
                advisory: rule.advisory,
                file: rule.file.clone(),
                outcome,
                evaluated,
                fired: fired.len(),
                undecided: undecided.len(),
            }
        })
        .collect();
    rules.sort_by(|a, b| {
        crate::decision::natural_key(&a.rule).cmp(&crate::decision::natural_key(&b.rule))
    });

    let controls = controls(bundle, &rules);
    (rules, controls)
}

/// Each control and the worst outcome of the rules implementing it:
/// failed, then undecided (a control with an undecided rule is not known to
/// hold), waived, advised, passed, not-applicable; in the bundle's
/// framework order.
pub(super) fn controls(bundle: &Bundle, rules: &[RuleOutcome]) -> Vec<ControlOutcome> {
    let mut by_control: BTreeMap<&str, Vec<&RuleOutcome>> = BTreeMap::new();
    for rule in rules {
        for control in &rule.controls {
            by_control.entry(control.as_str()).or_default().push(rule);
        }
    }
    let mut controls: Vec<ControlOutcome> = by_control
        .into_iter()
        .map(|(control, rules)| {
            let has = |o: Outcome| rules.iter().any(|r| r.outcome == o);
            let outcome = [
                Outcome::Failed,
                Outcome::Undecided,
                Outcome::Waived,
                Outcome::Advised,
                Outcome::Passed,
            ]
            .into_iter()
            .find(|o| has(*o))
            .unwrap_or(Outcome::NotApplicable);
            ControlOutcome {
                control: control.to_owned(),
                framework: crate::decision::framework(control),
                outcome,
                rules: rules.iter().map(|r| r.rule.clone()).collect(),
            }
        })
        .collect();
    // The bundle's frameworks first, in its order; then the others by name.
    let rank = |framework: &str| {
        let first = bundle.frameworks.iter().position(|f| f == framework);
        (
            first.unwrap_or(bundle.frameworks.len()),
            framework.to_lowercase(),
        )
    };
    controls.sort_by_cached_key(|c| (rank(&c.framework), crate::decision::natural_key(&c.control)));
    controls
}

/// A rule that fired whose every finding a waiver accepted comes out
/// `waived`.
pub(super) fn waive_outcomes(
    rules: &mut [RuleOutcome],
    findings: &[Finding],
    advisories: &[Finding],
) {
    for rule in rules {
        if !matches!(rule.outcome, Outcome::Failed | Outcome::Advised) {
            continue;
        }
        let mut its = findings
            .iter()
            .chain(advisories)
            .filter(|f| f.rule == rule.rule)
            .peekable();
        if its.peek().is_some() && its.all(|f| f.waiver.is_some()) {
            rule.outcome = Outcome::Waived;
        }
    }
}

/// What identifies a subject to a person, from its facts.
fn details(assembly: &Assembly, product: &Product, subject: &Subject) -> SubjectDetails {
    let text = |facts: &FactMap, path: &str| match facts.get(path).map(|r| &r.value) {
        Some(FactValue::Text(t)) => Some(t.clone()),
        _ => None,
    };
    if subject.kind == "Product" {
        return SubjectDetails {
            name: Some(product.name.clone()),
            version: Some(product.version.clone()),
            ..SubjectDetails::default()
        };
    }
    let Some(entity) = assembly
        .entities
        .get(&(subject.kind.clone(), subject.id.clone()))
    else {
        return SubjectDetails::default();
    };
    let facts = &entity.facts;
    let mut out = SubjectDetails {
        name: text(facts, "name"),
        version: text(facts, "version"),
        purl: text(facts, "purl"),
        vulnerability: text(facts, "vulnerability"),
        vex_status: text(facts, "status"),
        known_exploited: match facts.get("known_exploited").map(|r| &r.value) {
            Some(FactValue::Bool(b)) => Some(*b),
            _ => None,
        },
        components: Vec::new(),
    };
    for (kind, id) in &entity.parents {
        if kind == "Component" {
            let purl = assembly
                .entities
                .get(&(kind.clone(), id.clone()))
                .and_then(|c| text(&c.facts, "purl"));
            out.components.push(purl.unwrap_or_else(|| id.clone()));
        }
    }
    out.components.sort();
    out.components.dedup();
    out
}

/// What one kind of evidence would decide: its missing facts, the rules
/// waiting on them and the subjects concerned.
#[derive(Default)]
struct Waiting {
    facts: BTreeSet<String>,
    rules: BTreeSet<String>,
    subjects: BTreeSet<Subject>,
}

/// The profile questions `submission.toml` leaves unanswered, as missing
/// evidence naming each key and the rules that read it: they are judged as
/// `true` meanwhile, and the verdict is needs-evidence at best.
fn unanswered_profile(
    bundle: &Bundle,
    profile: &Profile,
    product: &Product,
) -> Option<MissingEvidence> {
    let keys = profile.unanswered();
    if keys.is_empty() {
        return None;
    }
    let mut rules: Vec<String> = bundle
        .rules
        .iter()
        .filter(|rule| {
            rule.reads.iter().any(|read| {
                read.root == "context"
                    && read.path.first().is_some_and(|p| p == "profile")
                    && read
                        .path
                        .get(1)
                        .is_none_or(|k| Profile::depends_on(k).iter().any(|d| keys.contains(d)))
            })
        })
        .map(|rule| rule.id.clone())
        .collect();
    rules.sort_by_cached_key(|r| crate::decision::natural_key(r));
    rules.dedup();
    Some(MissingEvidence {
        evidence: "profile".into(),
        title: "Deployment profile".into(),
        ask: format!(
            "answer {} in submission.toml [profile] (`assure init --profile KEY=VALUE`); \
             until then each is judged as its strictest answer",
            keys.iter()
                .map(|k| format!(
                    "`{k}` ({}; judged as {})",
                    Profile::answers(k).join(", "),
                    Profile::strictest(k)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        facts: keys.iter().map(|k| format!("profile.{k}")).collect(),
        rules,
        subjects: vec![Subject {
            kind: "Product".into(),
            id: product.name.clone(),
        }],
    })
}

/// Whether `path` (or something under it) is among the facts.
fn is_present(facts: Option<&FactMap>, path: &str) -> bool {
    if facts::MANIFEST_ATTRIBUTES.contains(&path) {
        return true;
    }
    let Some(facts) = facts else { return false };
    let prefix = format!("{path}.");
    facts.contains_key(path)
        || facts
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&prefix))
}

/// The facts a rule read on its subject, with where each came from.
fn citations(rule: &Rule, facts: Option<&FactMap>) -> Vec<Citation> {
    let Some(facts) = facts else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for read in rule.reads.iter().filter(|r| r.root == "resource") {
        let path = read.dotted();
        if let Some(record) = facts.get(&path) {
            for provenance in &record.provenance {
                out.push(Citation {
                    fact: path.clone(),
                    value: record.value.clone(),
                    document: provenance.document.clone(),
                    document_sha256: provenance.document_sha256.clone(),
                    plugin: provenance.plugin.clone(),
                    location: provenance.location.clone(),
                    region: None,
                });
            }
        }
    }
    out
}
