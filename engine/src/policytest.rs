//! Policy tests: decision tables that state facts (or name a whole
//! submission) and what the bundle's rules must decide, with rule coverage.
//!
//! The file format is documented in `policies/nhs-baseline/tests/README.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::check::{CheckOptions, Engine, Evaluation, Timings};
use crate::decision::Decision;
use crate::facts::{self, Assembly, FactValue, Provenance};
use crate::plugin;
use crate::submission::{LoadOptions, Product, Submission};

mod format;

use format::{Case, Defaults, EntityToml, Expect, TestFile, fact_value, typed};

/// The evaluation time when a file gives none.
const DEFAULT_AS_OF: &str = "2025-09-22T00:00:00Z";

/// How one case went.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The test file, relative to the folder tested.
    pub file: String,
    /// The case's name.
    pub name: String,
    /// Why it failed; empty when it passed.
    pub failures: Vec<String>,
}

impl CaseResult {
    /// Whether the case passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Whether some case made a rule fire, and some case left it silent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Some case made it fire.
    pub fired: bool,
    /// Some case evaluated it without it firing.
    pub silent: bool,
}

/// The outcome of a test run.
#[derive(Debug, Clone, Default)]
pub struct TestReport {
    /// Every case, in file and case order.
    pub cases: Vec<CaseResult>,
    /// Each forbid rule of the bundle, by id.
    pub coverage: BTreeMap<String, Coverage>,
}

impl TestReport {
    /// Cases that passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed()).count()
    }

    /// Cases that failed.
    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }

    /// Rules covered both ways, and all rules.
    pub fn covered(&self) -> (usize, usize) {
        let both = self
            .coverage
            .values()
            .filter(|c| c.fired && c.silent)
            .count();
        (both, self.coverage.len())
    }
}

/// Runs every `*.toml` under `tests` against the engine's bundle.
pub fn run(engine: &Engine, tests: &Path) -> Result<TestReport, crate::error::PolicyTestError> {
    run_text(engine, tests).map_err(Into::into)
}

fn run_text(engine: &Engine, tests: &Path) -> Result<TestReport, String> {
    let mut files = Vec::new();
    collect(tests, &mut files)?;
    files.sort();
    if files.is_empty() {
        return Err(format!("{}: no test files (*.toml)", tests.display()));
    }
    let mut report = TestReport {
        cases: Vec::new(),
        coverage: engine
            .bundle()
            .rules
            .iter()
            .filter(|r| r.effect == cedar_policy::Effect::Forbid)
            .map(|r| (r.id.clone(), Coverage::default()))
            .collect(),
    };
    for path in files {
        let label = path
            .strip_prefix(tests)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let file: TestFile = toml::from_str(&text)
            .map_err(|e| format!("{}: {}", path.display(), e.to_string().trim()))?;
        if file.cases.is_empty() {
            return Err(format!("{}: no [[case]]", path.display()));
        }
        for case in &file.cases {
            let failures = match run_case(engine, &path, &file.defaults, case) {
                Ok((decision, entity_kinds)) => {
                    record_coverage(engine, &decision, &entity_kinds, &mut report.coverage);
                    judge(engine, &case.expect, &decision, &entity_kinds)
                }
                Err(problem) => vec![problem],
            };
            report.cases.push(CaseResult {
                file: label.clone(),
                name: case.name.clone(),
                failures,
            });
        }
    }
    Ok(report)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("{}: cannot read: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if kind.is_symlink() {
            return Err(format!(
                "{}: a symbolic link; test files must be regular files",
                path.display()
            ));
        }
        if kind.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "toml") {
            out.push(path);
        }
    }
    Ok(())
}

fn timestamp(text: &str) -> Result<jiff::Timestamp, String> {
    facts::normalise_datetime(text)
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| format!("`as_of` `{text}` is not an RFC 3339 date-time"))
}

/// Runs one case: the decision, and the kinds of entity it had.
fn run_case(
    engine: &Engine,
    file: &Path,
    defaults: &Defaults,
    case: &Case,
) -> Result<(Decision, BTreeSet<String>), String> {
    let expect = &case.expect;
    if expect.fires.is_empty()
        && expect.silent.is_empty()
        && expect.undecided.is_empty()
        && expect.missing.is_empty()
        && expect.waived.is_empty()
        && expect.unwaived.is_empty()
        && expect.verdict.is_none()
    {
        return Err("the case expects nothing: give `expect`".into());
    }
    let as_of = timestamp(
        case.as_of
            .as_deref()
            .or(defaults.as_of.as_deref())
            .unwrap_or(DEFAULT_AS_OF),
    )?;
    if let Some(folder) = &case.submission {
        if !case.facts.is_empty()
            || !case.unset.is_empty()
            || !case.entities.is_empty()
            || !case.waivers.is_empty()
        {
            return Err(
                "a submission case cannot also give facts, unset, entities or waivers (a submission's own waivers are in its `waivers/` folder)"
                    .into(),
            );
        }
        let folder = file.parent().unwrap_or(Path::new(".")).join(folder);
        let submission =
            Submission::load(&folder, &LoadOptions::default()).map_err(|e| e.to_string())?;
        let (decision, _) = engine
            .check(&submission, &CheckOptions::at(as_of))
            .map_err(|e| e.to_string())?;
        let kinds = decision
            .facts
            .entities
            .iter()
            .map(|e| e.kind.clone())
            .collect();
        return Ok((decision, kinds));
    }

    let bundle = engine.bundle();
    let vocabulary = &bundle.vocabulary;
    let product_toml = case.product.as_ref().or(defaults.product.as_ref());
    let product = Product {
        name: product_toml
            .and_then(|p| p.name.clone())
            .unwrap_or_else(|| "Product".into()),
        version: product_toml
            .and_then(|p| p.version.clone())
            .unwrap_or_else(|| "1".into()),
        supplier: product_toml
            .and_then(|p| p.supplier.clone())
            .unwrap_or_else(|| "Supplier".into()),
        identifiers: Vec::new(),
        artifact_sha256: product_toml
            .map(|p| p.artifact_sha256.clone())
            .unwrap_or_default(),
    };
    let stated_profile = case
        .profile
        .clone()
        .or_else(|| defaults.profile.clone())
        .unwrap_or_default();
    let claimed = stated_profile.criticality;
    // A decision table states only the answers that matter to a case; the
    // others are `false` here, a device class `none` (a submission's
    // unanswered ones are not) ...
    let mut profile = stated_profile.or(false);
    // ... and the claimed tier is the one the answers imply, so R29
    // (criticality understated) speaks only in a case that states a claim.
    profile.criticality = Some(claimed.unwrap_or_else(|| profile.implied_tier()));

    // Defaults, without what the case unsets, then the case's own facts.
    let mut stated: BTreeMap<String, toml::Value> = defaults
        .facts
        .iter()
        .filter(|(path, _)| {
            !case
                .unset
                .iter()
                .any(|u| *path == u || path.starts_with(&format!("{u}.")))
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    stated.extend(case.facts.iter().map(|(k, v)| (k.clone(), v.clone())));
    let mut entities: Vec<&EntityToml> = defaults
        .entities
        .iter()
        .filter(|e| {
            !case
                .unset
                .iter()
                .any(|u| *u == format!("{}[{}]", e.kind, e.id))
        })
        .collect();
    entities.extend(case.entities.iter());

    let source = Provenance {
        document: file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        document_sha256: String::new(),
        plugin: "test".into(),
        plugin_sha256: String::new(),
        location: String::new(),
    };
    let mut assembly = Assembly::default();
    let mut extraction = plugin::Extraction {
        facts: Vec::new(),
        entities: Vec::new(),
        notes: Vec::new(),
    };
    let mut derived: Vec<Derived> = Vec::new();
    for (path, value) in &stated {
        let ty = vocabulary
            .lookup("Product", path)
            .map_err(|_| format!("fact `{path}` is not declared for the product in the schema"))?
            .ty
            .clone();
        let value = typed(&ty, value).map_err(|why| format!("fact `{path}`: {why}"))?;
        if facts::RESERVED.contains(&path.as_str()) {
            derived.push((None, path.clone(), fact_value(&value)));
        } else {
            extraction.facts.push(plugin::Fact {
                path: path.clone(),
                value,
                location: plugin::Location::Pointer(format!("/case/{path}")),
            });
        }
    }
    for entity in entities {
        let mut facts_out = Vec::new();
        for (attr, value) in &entity.facts {
            let ty = vocabulary
                .lookup(&entity.kind, attr)
                .map_err(|_| {
                    format!(
                        "fact `{attr}` is not declared for `{}` in the schema",
                        entity.kind
                    )
                })?
                .ty
                .clone();
            let value = typed(&ty, value)
                .map_err(|why| format!("{}[{}].{attr}: {why}", entity.kind, entity.id))?;
            if facts::is_engine_fact(&entity.kind, attr) {
                derived.push((
                    Some((entity.kind.clone(), entity.id.clone())),
                    attr.clone(),
                    fact_value(&value),
                ));
            } else {
                facts_out.push(plugin::Fact {
                    path: attr.clone(),
                    value,
                    location: plugin::Location::Whole,
                });
            }
        }
        let mut parents = Vec::new();
        for parent in &entity.parents {
            let (kind, id) = parent
                .strip_suffix(']')
                .and_then(|p| p.split_once('['))
                .ok_or_else(|| format!("parent `{parent}` is not `Kind[id]`"))?;
            parents.push(plugin::EntityRef {
                kind: kind.to_owned(),
                id: id.to_owned(),
            });
        }
        if facts::is_engine_kind(&entity.kind) {
            // Reference data (Vulnerability): every fact is the engine's.
            for fact in facts_out.drain(..) {
                derived.push((
                    Some((entity.kind.clone(), entity.id.clone())),
                    fact.path,
                    fact_value(&fact.value),
                ));
            }
            assembly
                .entities
                .entry((entity.kind.clone(), entity.id.clone()))
                .or_default();
            continue;
        }
        extraction.entities.push(plugin::Entity {
            kind: entity.kind.clone(),
            id: entity.id.clone(),
            location: plugin::Location::Whole,
            facts: facts_out,
            parents,
        });
    }
    assembly.add(vocabulary, &source, extraction);
    assembly.finish(&product);
    if !product.artifact_sha256.is_empty() {
        let mut digests = product.artifact_digests();
        digests.sort();
        digests.dedup();
        derived.push((None, "artifact_digests".into(), FactValue::TextSet(digests)));
    }
    for (entity, path, value) in derived {
        assembly.set_derived(entity.as_ref(), &path, value, vec![source.clone()]);
    }
    if let Some(problem) = assembly.problems.first() {
        return Err(format!("fact `{}`: {}", problem.fact, problem.message));
    }
    let kinds = assembly.entities.keys().map(|(k, _)| k.clone()).collect();
    let mut timings = Timings::default();
    let decision = engine
        .evaluate(
            &assembly,
            Evaluation {
                product: &product,
                profile: &profile,
                as_of,
                manifest_sha256: String::new(),
                document_errors: Vec::new(),
                notes: Vec::new(),
                unmatched_statements: Vec::new(),
                evidence: Vec::new(),
                plugins: Vec::new(),
                contributions: Vec::new(),
                unlisted: Vec::new(),
                // The case gives the joined facts itself.
                judge_data_age: false,
                waivers: stated_waivers(engine.bundle(), &product, as_of, &case.waivers)?,
            },
            &mut timings,
        )
        .map_err(|e| e.to_string())?;
    Ok((decision, kinds))
}

/// The waivers a case states, as the engine would present them once
/// signed: approved by `approvals` of the bundle's approvers (or, when the
/// bundle names none yet, by as many stand-ins: a decision table tests the
/// governance — which rules, how long, how many approvers — not the keys).
fn stated_waivers(
    bundle: &crate::bundle::Bundle,
    product: &Product,
    as_of: jiff::Timestamp,
    stated: &[format::WaiverToml],
) -> Result<Vec<crate::waiver::Presented>, String> {
    use crate::decision::{ApproverRef, WaiverStatus};
    use crate::waiver::{Presented, ProductScope, WaiverPredicate};
    let mut out = Vec::new();
    for (n, w) in stated.iter().enumerate() {
        let created = match &w.created {
            Some(text) => facts::normalise_datetime(text).ok_or_else(|| {
                format!("waiver {}: `created` `{text}` is not a date-time", n + 1)
            })?,
            None => facts::format_datetime(
                as_of
                    .saturating_sub(jiff::SignedDuration::from_hours(24))
                    .unwrap_or(as_of),
            ),
        };
        let expires = facts::normalise_datetime(&w.expires).ok_or_else(|| {
            format!(
                "waiver {}: `expires` `{}` is not a date-time",
                n + 1,
                w.expires
            )
        })?;
        let predicate = WaiverPredicate {
            id: format!("case waiver {}", n + 1),
            product: ProductScope {
                identifier: product.name.clone(),
                supplier: None,
                version: Some(w.version.clone().unwrap_or_else(|| product.version.clone())),
                versions: None,
                artifact_sha256: Vec::new(),
            },
            rule: w.rule.clone(),
            subject: w.subject.clone(),
            reason: w.reason,
            justification: "stated by a policy test".into(),
            risk_owner: "policy test".into(),
            compensating_controls: Vec::new(),
            approvers: vec!["policy test".into()],
            created,
            expires,
        };
        let Some(policy) = &bundle.waivers else {
            let mut p = Presented::stated("case", predicate, Vec::new());
            p.refused = Some((
                WaiverStatus::NotAllowed,
                format!("the bundle `{}` allows no waivers", bundle.name),
            ));
            out.push(p);
            continue;
        };
        let approvals = w.approvals.unwrap_or(policy.threshold);
        let approved_by: Vec<ApproverRef> = (0..approvals)
            .map(|i| match policy.approvers.get(i) {
                Some(a) => ApproverRef {
                    name: a.name.clone(),
                    key_id: a.key_id.clone(),
                },
                None => ApproverRef {
                    name: format!("approver {}", i + 1),
                    key_id: format!("{:064x}", i + 1),
                },
            })
            .collect();
        let mut p = Presented::stated("case", predicate, approved_by);
        if approvals < policy.threshold {
            p.refused = Some((
                WaiverStatus::UnderApproved,
                format!(
                    "approved by {approvals}; the bundle requires {}",
                    policy.threshold
                ),
            ));
        }
        out.push(p);
    }
    Ok(out)
}

/// A fact the engine would derive, stated by a case: the entity (none for
/// the product), the path and the value.
type Derived = (Option<(String, String)>, String, FactValue);

/// What each rule did in one decision.
struct Outcomes {
    fired: BTreeSet<String>,
    undecided: BTreeSet<String>,
}

fn outcomes(decision: &Decision) -> Outcomes {
    let fired = decision
        .findings
        .iter()
        .chain(&decision.advisories)
        .map(|f| f.rule.clone())
        .collect();
    let undecided = decision
        .missing_evidence
        .iter()
        .flat_map(|m| m.rules.iter().cloned())
        .chain(decision.evaluation_errors.iter().map(|e| e.rule.clone()))
        .collect();
    Outcomes { fired, undecided }
}

/// Whether a rule was evaluated on some subject and did not fire.
fn is_silent(
    engine: &Engine,
    rule: &str,
    outcomes: &Outcomes,
    entity_kinds: &BTreeSet<String>,
) -> bool {
    if outcomes.fired.contains(rule) || outcomes.undecided.contains(rule) {
        return false;
    }
    // A per-item rule is silent only if there was an item of its type to
    // judge; a rule scoped to no single action gets no free coverage.
    let Some(found) = engine.bundle().rule(rule) else {
        return false;
    };
    match (found.action.as_deref(), found.resource_type.as_deref()) {
        (Some("approve"), _) => true,
        (Some(_), Some(kind)) => entity_kinds.contains(kind),
        (Some(action), None) => {
            let accepted = engine.bundle().resources_of(action);
            entity_kinds.iter().any(|k| accepted.contains(k))
        }
        (None, _) => false,
    }
}

fn record_coverage(
    engine: &Engine,
    decision: &Decision,
    entity_kinds: &BTreeSet<String>,
    coverage: &mut BTreeMap<String, Coverage>,
) {
    let outcomes = outcomes(decision);
    for (rule, covered) in coverage.iter_mut() {
        covered.fired |= outcomes.fired.contains(rule);
        covered.silent |= is_silent(engine, rule, &outcomes, entity_kinds);
    }
}

/// Every way the decision differs from what the case expects.
fn judge(
    engine: &Engine,
    expect: &Expect,
    decision: &Decision,
    entity_kinds: &BTreeSet<String>,
) -> Vec<String> {
    let outcomes = outcomes(decision);
    let mut failures = Vec::new();
    let known = |rule: &str| engine.bundle().rule(rule).is_some();
    for rule in expect
        .fires
        .iter()
        .chain(&expect.silent)
        .chain(&expect.undecided)
    {
        if !known(rule) {
            failures.push(format!("no rule `{rule}` in the bundle"));
        }
    }
    let state = |rule: &str| {
        if outcomes.fired.contains(rule) {
            "it fired"
        } else if outcomes.undecided.contains(rule) {
            "it was undecided (evidence missing)"
        } else {
            "it was silent"
        }
    };
    for rule in &expect.fires {
        if known(rule) && !outcomes.fired.contains(rule) {
            failures.push(format!("expected {rule} to fire; {}", state(rule)));
        }
    }
    for rule in &expect.silent {
        if known(rule) && !is_silent(engine, rule, &outcomes, entity_kinds) {
            failures.push(format!("expected {rule} to be silent; {}", state(rule)));
        }
    }
    for rule in &expect.undecided {
        if known(rule) && !outcomes.undecided.contains(rule) {
            failures.push(format!("expected {rule} to be undecided; {}", state(rule)));
        }
    }
    let missing: BTreeSet<&str> = decision
        .missing_evidence
        .iter()
        .map(|m| m.evidence.as_str())
        .collect();
    for kind in &expect.missing {
        if !missing.contains(kind.as_str()) {
            failures.push(format!(
                "expected `{kind}` among the missing evidence; missing: [{}]",
                missing.iter().copied().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    for rule in &expect.waived {
        let waived = decision
            .findings
            .iter()
            .chain(&decision.advisories)
            .any(|f| f.rule == *rule && f.waiver.is_some());
        if !waived {
            let why = decision
                .waivers
                .iter()
                .filter(|w| w.waiver.as_ref().is_some_and(|p| p.rule == *rule))
                .map(|w| format!("{}: {}", w.status, w.message))
                .collect::<Vec<_>>();
            failures.push(format!(
                "expected a finding of {rule} to be waived; {}",
                if why.is_empty() {
                    state(rule).to_owned()
                } else {
                    why.join("; ")
                }
            ));
        }
    }
    for rule in &expect.unwaived {
        let its: Vec<&crate::decision::Finding> = decision
            .findings
            .iter()
            .chain(&decision.advisories)
            .filter(|f| f.rule == *rule)
            .collect();
        if its.is_empty() {
            failures.push(format!(
                "expected {rule} to fire with no finding waived; {}",
                state(rule)
            ));
        } else if let Some(waived) = its.iter().find_map(|f| f.waiver.as_ref()) {
            failures.push(format!(
                "expected no finding of {rule} to be waived; {} waived one",
                waived.id
            ));
        }
    }
    if let Some(verdict) = &expect.verdict {
        let valid = ["approve", "reject", "needs-evidence"];
        if !valid.contains(&verdict.as_str()) {
            failures.push(format!(
                "`verdict = \"{verdict}\"` is not approve, reject or needs-evidence"
            ));
        } else if decision.verdict.as_str() != verdict {
            failures.push(format!(
                "expected verdict {verdict}; got {} ({})",
                decision.verdict, decision.summary
            ));
        }
    }
    failures
}
