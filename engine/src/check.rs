//! The check: a submission and a bundle in, a fail-closed decision out.
//!
//! ```text
//! submission ─▶ route each document by media type ─▶ plugin (sandboxed) ─▶ facts
//! facts ─▶ type-checked, merged ─▶ Cedar entities ─▶ one request per subject
//! responses ─▶ findings, missing evidence, errors ─▶ verdict
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cedar_policy::{
    Authorizer, Context, Decision as CedarDecision, Effect, EntityUid, PolicyId, Request,
    RestrictedExpression,
};

use crate::bundle::{Bundle, PluginBinary, ReferenceData, Rule};
use crate::codecache::CodeCache;
use crate::decision::{
    BundleRef, Citation, Contribution, ControlOutcome, CriticalityRef, DataInput, Decision,
    DocumentError, DocumentNote, EngineRef, EvaluationError, EvidenceInput, FORMAT, FactsReport,
    Finding, Inputs, MissingEvidence, Outcome, PluginInput, ProductRef, RuleOutcome, Subject,
    SubjectDetails, Verdict,
};
use crate::error::Error;
use crate::facts::{self, Assembly, FactMap, FactValue, Provenance};
use crate::join;
use crate::join::UnmatchedStatement;
use crate::plugin::{CallError, Extraction, Limits, Loaded, PluginCache, PluginHost};
use crate::submission::{Evidence, Product, Profile, Submission};

/// Everything besides the facts that a decision records.
#[derive(Debug)]
pub struct Evaluation<'a> {
    /// The product assessed.
    pub product: &'a Product,
    /// Its deployment profile.
    pub profile: &'a Profile,
    /// The evaluation time.
    pub as_of: jiff::Timestamp,
    /// The manifest's SHA-256.
    pub manifest_sha256: String,
    /// Documents that could not be read.
    pub document_errors: Vec<DocumentError>,
    /// What plugins noticed.
    pub notes: Vec<DocumentNote>,
    /// VEX statements that named nothing submitted.
    pub unmatched_statements: Vec<UnmatchedStatement>,
    /// Each evidence file.
    pub evidence: Vec<EvidenceInput>,
    /// Each plugin that ran.
    pub plugins: Vec<PluginInput>,
    /// What each plugin contributed.
    pub contributions: Vec<Contribution>,
    /// Files present but not declared.
    pub unlisted: Vec<String>,
    /// Whether reference data older than the bundle allows makes the
    /// decision needs-evidence. A check judges its age; a policy test that
    /// gives the joined facts (`known_exploited`) itself does not use the data.
    pub judge_data_age: bool,
}

/// How long each stage took.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// (stage, time), in order.
    pub stages: Vec<(String, Duration)>,
}

impl Timings {
    fn record(&mut self, stage: impl Into<String>, since: Instant) {
        self.stages.push((stage.into(), since.elapsed()));
    }

    /// The sum of all stages.
    pub fn total(&self) -> Duration {
        self.stages.iter().map(|(_, d)| *d).sum()
    }
}

/// Options for one check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The evaluation time.
    pub as_of: jiff::Timestamp,
}

/// The engine: a verified bundle and a plugin sandbox. Build it once and
/// check many submissions; plugins are compiled on first use and reused.
pub struct Engine {
    bundle: Bundle,
    host: PluginHost,
    cache: PluginCache,
    threads: usize,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("bundle", &self.bundle.name)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// An engine for `bundle`, running plugins under `limits`, that compiles
    /// each plugin it uses. `limits` are used as given: start from
    /// [`Limits::for_bundle`] to honour the limits the bundle sets. Limits
    /// above their hard ceilings are refused.
    pub fn new(bundle: Bundle, limits: Limits) -> Result<Self, Error> {
        Self::with_code_cache(bundle, limits, None)
    }

    /// An engine for `bundle`, running plugins under `limits`, that keeps
    /// compiled plugin code in `code_cache` (when given) and reuses it.
    pub fn with_code_cache(
        bundle: Bundle,
        limits: Limits,
        code_cache: Option<CodeCache>,
    ) -> Result<Self, Error> {
        limits.validate()?;
        let host = PluginHost::with_code_cache(limits, code_cache)?;
        let cache = PluginCache::new(bundle.plugins.iter().map(|p| p.name.clone()));
        let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        Ok(Self {
            bundle,
            host,
            cache,
            threads,
        })
    }

    /// Runs at most `threads` plugin calls at once (default: one per core;
    /// 1 runs them one after another). The decision is the same either way.
    #[must_use]
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Judges with a newer copy of a dataset the bundle carries than the
    /// bundle's own (`assure check --reference NAME=FILE`): `name` is `kev` or
    /// `nhs_alerts`, `file` names the copy in decisions. The copy is checked
    /// as the bundle's would be, keeps the bundle's maximum age, and is
    /// refused when it is not newer than the bundle's, or the bundle carries
    /// no such data (it then declares no maximum age for it).
    pub fn with_reference(mut self, name: &str, file: &str, bytes: &[u8]) -> Result<Self, Error> {
        let refuse = |problem: String| {
            Error::Bundle(crate::error::BundleError::Invalid {
                bundle: format!("--reference {name}"),
                file: file.to_owned(),
                problems: vec![problem],
            })
        };
        match name {
            "kev" => {
                let current = self.bundle.kev.as_ref();
                let replaced = newer_reference::<crate::reference::Kev>(current, file, bytes)
                    .map_err(refuse)?;
                self.bundle.kev = Some(replaced);
            }
            "nhs_alerts" => {
                let current = self.bundle.nhs_alerts.as_ref();
                let replaced = newer_reference::<crate::reference::NhsAlerts>(current, file, bytes)
                    .map_err(refuse)?;
                self.bundle.nhs_alerts = Some(replaced);
            }
            other => {
                return Err(refuse(format!(
                    "`{other}` is not reference data assure knows: give `kev` or `nhs_alerts`"
                )));
            }
        }
        Ok(self)
    }

    /// The bundle.
    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }

    /// The plugin sandbox.
    pub fn host(&self) -> &PluginHost {
        &self.host
    }

    /// Checks a submission.
    pub fn check(
        &self,
        submission: &Submission,
        options: &CheckOptions,
    ) -> Result<(Decision, Timings), Error> {
        let mut timings = Timings::default();
        let bundle = &self.bundle;

        // Extract: route each document to its plugins, then make every call
        // in parallel — each loads (compiles, or reads from the code cache)
        // its plugin the first time it is needed — and take the results in
        // document order, so the decision is the same whichever call
        // finishes first.
        let mut assembly = Assembly::bound_to(&submission.manifest.product, options.as_of);
        let mut document_errors = Vec::new();
        let mut notes = Vec::new();
        let mut evidence_inputs = Vec::new();
        let mut plugins_used: BTreeMap<String, PluginInput> = BTreeMap::new();
        let mut contributions = Vec::new();
        let mut steps: Vec<Step> = Vec::new();
        let mut calls: Vec<Call<'_>> = Vec::new();
        for evidence in &submission.evidence {
            let mut input = EvidenceInput {
                path: evidence.path.clone(),
                media_type: evidence.media_type.clone(),
                media_type_declared: evidence.media_type_declared,
                sha256: evidence.sha256.clone(),
                size: evidence.bytes.len(),
                plugins: Vec::new(),
            };
            let binaries: Vec<&PluginBinary> = bundle.plugins_for(&evidence.media_type).collect();
            if binaries.is_empty() {
                steps.push(Step::Error(document_error(
                    evidence,
                    None,
                    "unrecognised",
                    format!(
                        "no plugin in bundle `{}` reads media type `{}`{}",
                        bundle.name,
                        evidence.media_type,
                        if evidence.media_type_declared {
                            String::new()
                        } else {
                            // Said again here (it runs only for documents no
                            // plugin reads): why it was not recognised.
                            let why = crate::media::recognise(&evidence.path, &evidence.bytes);
                            format!(
                                " (not recognised: {}; declare `media_type` in submission.toml \
                                 if a plugin reads it)",
                                why.reason().unwrap_or("sniffed")
                            )
                        }
                    ),
                    String::new(),
                )));
                evidence_inputs.push(input);
                continue;
            }
            input.plugins = binaries.iter().map(|b| b.name.clone()).collect();
            evidence_inputs.push(input);
            for binary in binaries {
                steps.push(Step::Call(calls.len()));
                calls.push(Call { evidence, binary });
            }
        }

        let mut done = self.run_calls(&calls);
        for step in steps {
            let index = match step {
                Step::Error(e) => {
                    document_errors.push(e);
                    continue;
                }
                Step::Call(index) => index,
            };
            let (Some(Call { evidence, binary }), Some(Some(done))) =
                (calls.get(index), done.get_mut(index).map(Option::take))
            else {
                // A call that did not complete (its thread failed): an error
                // for the document, never a silent omission.
                if let Some(Call { evidence, binary }) = calls.get(index) {
                    document_errors.push(document_error(
                        evidence,
                        Some(&binary.name),
                        "fault",
                        "the plugin call did not complete".into(),
                        String::new(),
                    ));
                }
                continue;
            };
            let failed = |kind: &'static str, message: String, location: String| {
                document_error(evidence, Some(&binary.name), kind, message, location)
            };
            if let Some((Ok(plugin), true)) = &done.loaded {
                timings.stages.push((
                    format!("load plugin {} ({})", binary.name, plugin.origin.as_str()),
                    done.load_took,
                ));
            }
            let plugin = match done.loaded {
                Some((Ok(plugin), _)) => plugin,
                Some((Err(message), _)) => {
                    document_errors.push(failed("plugin", message, String::new()));
                    continue;
                }
                None => {
                    document_errors.push(failed(
                        "plugin",
                        "the plugin is not in the bundle".into(),
                        String::new(),
                    ));
                    continue;
                }
            };
            let Some((outcome, took)) = done.outcome else {
                document_errors.push(failed(
                    "plugin",
                    "the compiled plugin does not match the bundle's binary".into(),
                    String::new(),
                ));
                continue;
            };
            plugins_used.insert(
                plugin.name.clone(),
                PluginInput {
                    name: plugin.name.clone(),
                    version: plugin.info.version.clone(),
                    sha256: plugin.sha256.clone(),
                },
            );
            timings
                .stages
                .push((format!("extract {} ({})", evidence.path, plugin.name), took));
            let source = Provenance {
                document: evidence.path.clone(),
                document_sha256: evidence.sha256.clone(),
                plugin: plugin.name.clone(),
                plugin_sha256: plugin.sha256.clone(),
                location: String::new(),
            };
            match outcome {
                Ok(extraction) => {
                    for note in &extraction.notes {
                        notes.push(DocumentNote {
                            document: evidence.path.clone(),
                            plugin: plugin.name.clone(),
                            message: note.message.clone(),
                            location: facts::location_text(&note.location),
                        });
                    }
                    contributions.push(Contribution::of(&evidence.path, &plugin.name, &extraction));
                    assembly.add(&bundle.vocabulary, &source, extraction);
                }
                Err(CallError::Rejected { message, location }) => {
                    document_errors.push(failed(
                        "invalid",
                        message,
                        facts::location_text(&location),
                    ));
                }
                Err(e @ CallError::Limit(_)) => {
                    document_errors.push(failed("limit", e.to_string(), String::new()));
                }
                Err(e @ CallError::Fault(_)) => {
                    document_errors.push(failed("fault", e.to_string(), String::new()));
                }
            }
        }
        assembly.finish(&submission.manifest.product);
        if let Some(cap) = submission.unlisted_stopped_at {
            notes.push(DocumentNote {
                document: crate::submission::MANIFEST.into(),
                plugin: "assure".into(),
                message: format!(
                    "the folder holds more than the {cap} entries assure looks at (10 × limits.files): \
                     the list of files the manifest does not declare is incomplete"
                ),
                location: String::new(),
            });
        }
        for document in &assembly.set_aside {
            notes.push(DocumentNote {
                document: document.clone(),
                plugin: "assure".into(),
                message: "its `sbom` product facts were set aside: another SBOM names the \
                          submitted product as its subject (its components are kept)"
                    .into(),
                location: String::new(),
            });
        }

        let started = Instant::now();
        let product = &submission.manifest.product;
        let unmatched_statements = join::join(
            &mut assembly,
            bundle,
            product,
            &submission.manifest_sha256,
            options.as_of,
        );
        notes.append(&mut assembly.notes);
        timings.record("join", started);
        let decision = self.evaluate(
            &assembly,
            Evaluation {
                product,
                profile: &submission.manifest.profile,
                as_of: options.as_of,
                manifest_sha256: submission.manifest_sha256.clone(),
                document_errors,
                notes,
                unmatched_statements,
                evidence: evidence_inputs,
                plugins: plugins_used.into_values().collect(),
                contributions,
                unlisted: submission.unlisted.clone(),
                judge_data_age: true,
            },
            &mut timings,
        )?;
        Ok((decision, timings))
    }

    /// Decides on assembled facts: the Cedar requests, the findings, the
    /// missing evidence and the verdict. [`Engine::check`] calls it after
    /// extracting and joining a submission's evidence; policy tests call it
    /// on facts they state.
    pub fn evaluate(
        &self,
        assembly: &Assembly,
        what: Evaluation<'_>,
        timings: &mut Timings,
    ) -> Result<Decision, Error> {
        // Assemble.
        let bundle = &self.bundle;
        let Evaluation {
            product,
            profile,
            as_of,
            manifest_sha256,
            document_errors,
            notes,
            unmatched_statements,
            evidence,
            plugins,
            contributions,
            unlisted,
            judge_data_age,
        } = what;
        let started = Instant::now();
        let (entities, supplier, product_uid) = match assembly.to_entities(product) {
            Ok(built) => built,
            Err(message) => {
                return Err(crate::error::BundleError::Invalid {
                    bundle: bundle.name.clone(),
                    file: "schema".into(),
                    problems: vec![format!("cannot build entities: {message}")],
                }
                .into());
            }
        };
        let context = context(profile, as_of)?;
        timings.record("assemble entities", started);

        // Evaluate: one request for the product, one per component when
        // per-component rules exist.
        let started = Instant::now();
        let authorizer = Authorizer::new();
        let mut subjects: Vec<(Subject, EntityUid, &'static str)> = vec![(
            Subject {
                kind: "Product".into(),
                id: product.name.clone(),
            },
            product_uid,
            "approve",
        )];
        let has_rules_for = |action: &str| {
            bundle
                .rules
                .iter()
                // A rule scoped to no single action (`action in [...]`, or
                // none) may apply to this one too.
                .any(|r| {
                    r.effect == Effect::Forbid
                        && (r.action.is_none() || r.action.as_deref() == Some(action))
                })
        };
        if has_rules_for("accept") {
            let accepted = bundle.resources_of("accept");
            // Only the kinds some rule can judge: a rule scoped to
            // `resource is Exposure` needs no request per Component.
            let judged = |kind: &str| {
                bundle.rules.iter().any(|r| {
                    r.effect == Effect::Forbid
                        && r.action.as_deref().is_none_or(|a| a == "accept")
                        && r.resource_type.as_deref().is_none_or(|t| t == kind)
                })
            };
            for (kind, id) in assembly
                .entities
                .keys()
                .filter(|(kind, _)| accepted.contains(kind) && judged(kind))
            {
                if let Ok(uid) = facts::uid(kind, id) {
                    subjects.push((
                        Subject {
                            kind: kind.clone(),
                            id: id.clone(),
                        },
                        uid,
                        "accept",
                    ));
                }
            }
        }
        let mut fired: Vec<(String, Subject)> = Vec::new();
        let mut errored: Vec<(String, Subject, String)> = Vec::new();
        let mut product_permitted = false;
        // A forbid (blocking or advisory) fired on the product: Cedar's deny
        // of `approve` is explained by a finding or an advisory.
        let mut product_forbidden_by_rule = false;
        for (subject, resource, action) in &subjects {
            let action_uid = facts::uid("Action", action).map_err(|m| bundle_error(bundle, m))?;
            let request = Request::new(
                supplier.clone(),
                action_uid,
                resource.clone(),
                context.clone(),
                None,
            )
            .map_err(|e| bundle_error(bundle, e.to_string()))?;
            let response = authorizer.is_authorized(&request, &bundle.policies, &entities);
            let reasons: Vec<&PolicyId> = response.diagnostics().reason().collect();
            if *action == "approve" && response.decision() == CedarDecision::Allow {
                product_permitted = true;
            }
            for id in reasons {
                if let Some(rule) = bundle.rule(id.as_ref())
                    && rule.effect == Effect::Forbid
                {
                    if *action == "approve" {
                        product_forbidden_by_rule = true;
                    }
                    fired.push((rule.id.clone(), subject.clone()));
                }
            }
            for error in response.diagnostics().errors() {
                let cedar_policy::AuthorizationError::PolicyEvaluationError(e) = error;
                errored.push((
                    e.policy_id().to_string(),
                    subject.clone(),
                    e.inner().to_string(),
                ));
            }
        }
        let evaluations = subjects.len() * bundle.rules.len();
        timings.record("evaluate policies", started);

        // Explain.
        let started = Instant::now();
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
        for (rule_id, subject) in &fired {
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
        for (rule_id, subject, message) in &errored {
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
        if !product_permitted && !product_forbidden_by_rule && errored.is_empty() {
            evaluation_errors.push(EvaluationError {
                rule: "approve".into(),
                subject: Subject {
                    kind: "Product".into(),
                    id: product.name.clone(),
                },
                message: "no permit policy allowed approval, and no rule explains why".into(),
            });
        }

        let (rules, controls) = outcomes(bundle, &subjects, &fired, &errored);

        let mut fact_problems = assembly.problems.clone();
        fact_problems.sort();

        let verdict = if !findings.is_empty() {
            Verdict::Reject
        } else if !missing_evidence.is_empty()
            || !document_errors.is_empty()
            || !fact_problems.is_empty()
            || !evaluation_errors.is_empty()
        {
            Verdict::NeedsEvidence
        } else {
            Verdict::Approve
        };
        let summary = summary(
            verdict,
            &findings,
            &missing_evidence,
            &document_errors,
            &fact_problems,
            &evaluation_errors,
        );
        timings.record("explain", started);

        let decision = Decision {
            format: FORMAT,
            verdict,
            summary,
            product: ProductRef {
                name: product.name.clone(),
                version: product.version.clone(),
                supplier: product.supplier.clone(),
                identifiers: product.identifiers.clone(),
                criticality: CriticalityRef {
                    tier: profile.tier().as_str(),
                    claimed: profile.claimed_tier().as_str(),
                    implied: profile.implied_tier().as_str(),
                },
            },
            evaluated_at: facts::format_datetime(as_of),
            engine: EngineRef {
                name: "assure",
                version: env!("CARGO_PKG_VERSION"),
            },
            bundle: BundleRef {
                name: bundle.name.clone(),
                version: bundle.version,
                digest: bundle.digest.clone(),
                signed: bundle.signed.clone(),
            },
            rules,
            controls,
            findings,
            advisories,
            missing_evidence,
            document_errors,
            fact_problems,
            evaluation_errors,
            notes,
            unmatched_statements,
            superseded: assembly.superseded.clone(),
            facts: FactsReport::of(assembly, contributions),
            inputs: Inputs {
                manifest_sha256,
                evidence,
                plugins,
                unlisted,
                reference_data: bundle
                    .kev
                    .iter()
                    .map(|k| data_input(k, as_of))
                    .chain(bundle.nhs_alerts.iter().map(|a| data_input(a, as_of)))
                    .collect(),
            },
            evaluations,
        };
        Ok(decision)
    }
}

/// A dataset the operator gave, checked, to replace `current`.
fn newer_reference<T: crate::reference::Dataset>(
    current: Option<&ReferenceData<T>>,
    file: &str,
    bytes: &[u8],
) -> Result<ReferenceData<T>, String> {
    let Some(current) = current else {
        return Err(format!(
            "the bundle carries no `{}` data, so it sets no maximum age for it: \
             --reference only replaces data a bundle carries",
            T::NAME
        ));
    };
    let data = T::parse_dataset(bytes)?;
    let (Some(released), Some(bundled)) = (data.released_at(), current.data.released_at()) else {
        return Err(format!(
            "its release date `{}` is not a date",
            data.released()
        ));
    };
    if released <= bundled {
        return Err(format!(
            "{} {} (released {}) is not newer than the bundle's {} (released {}): \
             --reference only judges with newer data",
            T::TITLE,
            data.version(),
            data.released(),
            current.data.version(),
            current.data.released()
        ));
    }
    Ok(ReferenceData {
        path: file.to_owned(),
        sha256: crate::submission::sha256_hex(bytes),
        data: std::sync::Arc::new(data),
        max_age_days: current.max_age_days,
        origin: crate::bundle::DataOrigin::Operator,
    })
}

/// The reference data a check used, with its age at the evaluation time.
fn data_input<T: crate::reference::Dataset>(
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

/// One plugin call: a document and a plugin that reads it.
struct Call<'a> {
    evidence: &'a Evidence,
    binary: &'a PluginBinary,
}

/// What extraction yields for each document and plugin, in order: an error
/// found before any call, or the index of a call.
enum Step {
    Error(DocumentError),
    Call(usize),
}

/// A finished call: its plugin (and whether this call loaded it, and how
/// long that took), and — when the plugin loaded and is the bundle's binary —
/// the call's result and how long it took.
struct Done {
    loaded: Option<(Loaded, bool)>,
    load_took: Duration,
    outcome: Option<(Result<Extraction, CallError>, Duration)>,
}

impl Engine {
    /// Makes the calls on up to `self.threads` threads. Each result is
    /// returned at its call's index, whichever thread made it and whenever
    /// it finished.
    fn run_calls(&self, calls: &[Call<'_>]) -> Vec<Option<Done>> {
        let run = |call: &Call<'_>| {
            let started = Instant::now();
            let binary = call.binary;
            let loaded = self
                .cache
                .get(&binary.name, || self.host.load(&binary.name, &binary.bytes));
            let load_took = started.elapsed();
            let outcome = match &loaded {
                Some((Ok(plugin), _)) if plugin.sha256 == binary.sha256 => {
                    let started = Instant::now();
                    let evidence = call.evidence;
                    let outcome = self.host.extract(
                        plugin,
                        &evidence.path,
                        &evidence.media_type,
                        &evidence.bytes,
                    );
                    Some((outcome, started.elapsed()))
                }
                _ => None,
            };
            Done {
                loaded,
                load_took,
                outcome,
            }
        };
        let threads = self.threads.min(calls.len());
        if threads <= 1 {
            return calls.iter().map(|call| Some(run(call))).collect();
        }
        // The largest documents first, so that a big SBOM does not start last.
        let mut order: Vec<usize> = (0..calls.len()).collect();
        order.sort_by_key(|&i| {
            std::cmp::Reverse(calls.get(i).map_or(0, |c| c.evidence.bytes.len()))
        });
        let next = AtomicUsize::new(0);
        let mut done: Vec<Option<Done>> = calls.iter().map(|_| None).collect();
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut finished = Vec::new();
                        while let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                            if let Some(call) = calls.get(index) {
                                finished.push((index, run(call)));
                            }
                        }
                        finished
                    })
                })
                .collect();
            for worker in workers {
                // A worker that panicked leaves its calls without a result,
                // which the caller reports as a fault for those documents.
                for (index, result) in worker.join().unwrap_or_default() {
                    if let Some(slot) = done.get_mut(index) {
                        *slot = Some(result);
                    }
                }
            }
        });
        done
    }
}

/// An error about one document.
fn document_error(
    evidence: &Evidence,
    plugin: Option<&str>,
    kind: &'static str,
    message: String,
    location: String,
) -> DocumentError {
    DocumentError {
        document: evidence.path.clone(),
        sha256: evidence.sha256.clone(),
        media_type: evidence.media_type.clone(),
        plugin: plugin.map(str::to_owned),
        kind,
        message,
        location,
    }
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

    let mut by_control: BTreeMap<&str, Vec<&RuleOutcome>> = BTreeMap::new();
    for rule in &rules {
        for control in &rule.controls {
            by_control.entry(control.as_str()).or_default().push(rule);
        }
    }
    let mut controls: Vec<ControlOutcome> = by_control
        .into_iter()
        .map(|(control, rules)| {
            // The worst outcome: Failed < Advised < Undecided < Passed < NotApplicable,
            // except that undecided outranks advised (a control with an
            // undecided rule is not known to hold).
            let has = |o: Outcome| rules.iter().any(|r| r.outcome == o);
            let outcome = if has(Outcome::Failed) {
                Outcome::Failed
            } else if has(Outcome::Undecided) {
                Outcome::Undecided
            } else if has(Outcome::Advised) {
                Outcome::Advised
            } else if has(Outcome::Passed) {
                Outcome::Passed
            } else {
                Outcome::NotApplicable
            };
            ControlOutcome {
                control: control.to_owned(),
                framework: crate::decision::framework(control),
                outcome,
                rules: rules.iter().map(|r| r.rule.clone()).collect(),
            }
        })
        .collect();
    controls.sort_by(|a, b| {
        (&a.framework, crate::decision::natural_key(&a.control))
            .cmp(&(&b.framework, crate::decision::natural_key(&b.control)))
    });
    (rules, controls)
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

fn bundle_error(bundle: &Bundle, message: String) -> Error {
    crate::error::BundleError::Invalid {
        bundle: bundle.name.clone(),
        file: "schema".into(),
        problems: vec![message],
    }
    .into()
}

fn context(profile: &Profile, as_of: jiff::Timestamp) -> Result<Context, Error> {
    let mut fields: Vec<(String, RestrictedExpression)> = Profile::QUESTIONS
        .iter()
        .filter(|(key, _)| Profile::is_yes_no(key))
        .map(|(key, _)| {
            (
                (*key).to_owned(),
                RestrictedExpression::new_bool(profile.effective(key)),
            )
        })
        .collect();
    // The tier: the stricter of the claimed and the implied, as a name and a
    // number (1 standard, 2 high, 3 critical), with both sides of it so a
    // rule can compare them.
    let tier = profile.tier();
    fields.extend([
        (
            "criticality".to_owned(),
            RestrictedExpression::new_string(tier.as_str().to_owned()),
        ),
        (
            "tier".to_owned(),
            RestrictedExpression::new_long(tier.level()),
        ),
        (
            "claimed_tier".to_owned(),
            RestrictedExpression::new_long(profile.claimed_tier().level()),
        ),
        (
            "implied_tier".to_owned(),
            RestrictedExpression::new_long(profile.implied_tier().level()),
        ),
        (
            "device_class".to_owned(),
            RestrictedExpression::new_string(profile.effective_device_class().as_str().to_owned()),
        ),
    ]);
    let profile = RestrictedExpression::new_record(fields)
        .map_err(|e| crate::error::PluginError::Host(e.to_string()))?;
    Context::from_pairs([
        (
            "now".to_owned(),
            RestrictedExpression::new_datetime(facts::format_datetime(as_of)),
        ),
        ("profile".to_owned(), profile),
    ])
    .map_err(|e| crate::error::PluginError::Host(e.to_string()).into())
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
                });
            }
        }
    }
    out
}

fn summary(
    verdict: Verdict,
    findings: &[Finding],
    missing: &[MissingEvidence],
    documents: &[DocumentError],
    facts: &[crate::facts::FactProblem],
    evaluation: &[EvaluationError],
) -> String {
    match verdict {
        Verdict::Approve => "every rule was evaluated and none blocks approval".to_owned(),
        Verdict::Reject => {
            let rules: BTreeSet<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
            format!(
                "{} blocking finding(s) from rule(s) {}",
                findings.len(),
                rules.into_iter().collect::<Vec<_>>().join(", ")
            )
        }
        Verdict::NeedsEvidence => {
            let mut parts = Vec::new();
            if !missing.is_empty() {
                parts.push(format!(
                    "missing evidence: {}",
                    missing
                        .iter()
                        .map(|m| m.title.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if !documents.is_empty() {
                parts.push(format!("{} document(s) could not be read", documents.len()));
            }
            if !facts.is_empty() {
                parts.push(format!("{} fact problem(s)", facts.len()));
            }
            if !evaluation.is_empty() {
                parts.push(format!("{} rule(s) failed to evaluate", evaluation.len()));
            }
            format!(
                "nothing rejects, but not every rule could be decided: {}",
                parts.join("; ")
            )
        }
    }
}
