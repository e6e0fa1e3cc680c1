//! The check: a submission and a bundle in, a fail-closed decision out,
//! along the flow — each stage a module with typed input and output:
//!
//! ```text
//! setup     bundle + limits (the bundle's, then the caller's) ─▶ Engine
//! extract   submission ─▶ route by media type ─▶ plugins (sandboxed) ─▶ facts
//! join      facts ─▶ bound to the product; VEX, advisories, reference data joined
//! authorize facts ─▶ Cedar entities ─▶ one request per subject ─▶ fired, errored
//! explain   fired, errored ─▶ findings, missing evidence, rule and control outcomes
//! verdict   findings, missing, unread, ill-stated, unevaluated ─▶ approve / reject / needs-evidence
//! ```

mod authorize;
mod engine;
mod explain;
mod extract;
mod locate;
mod setup;
pub mod verdict;

use std::time::Instant;

use crate::decision::{
    BundleRef, Contribution, CriticalityRef, Decision, DocumentError, DocumentNote, EngineRef,
    EvidenceInput, FORMAT, FactsReport, Inputs, PluginInput, ProductRef,
};
use crate::error::Error;
use crate::facts::{self, Assembly};
use crate::join::{self, UnmatchedStatement};
use crate::submission::{Product, Profile, Submission};

pub use engine::{CheckOptions, Engine, Timings};
pub use setup::EngineBuilder;
use verdict::Grounds;

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
    /// The waivers presented (read, signatures checked): applied after
    /// evaluation.
    pub waivers: Vec<crate::waiver::Presented>,
}

impl Engine {
    /// The reference data this engine decides with (the bundle's, or the
    /// operator's `--reference`), as a decision made at `as_of` lists it.
    pub fn reference_data(&self, as_of: jiff::Timestamp) -> Vec<crate::decision::DataInput> {
        let bundle = self.bundle();
        bundle
            .kev
            .iter()
            .map(|k| explain::data_input(k, as_of))
            .chain(
                bundle
                    .nhs_alerts
                    .iter()
                    .map(|a| explain::data_input(a, as_of)),
            )
            .collect()
    }

    /// Checks a submission: extract, join, then [`Engine::evaluate`].
    pub fn check(
        &self,
        submission: &Submission,
        options: &CheckOptions,
    ) -> Result<(Decision, Timings), Error> {
        let mut timings = Timings::default();
        let extract::Extracted {
            mut assembly,
            document_errors,
            mut notes,
            evidence,
            plugins,
            contributions,
        } = self.extract(submission, options, &mut timings);

        let started = Instant::now();
        let product = &submission.manifest.product;
        let unmatched_statements = join::join(
            &mut assembly,
            &self.bundle,
            product,
            &submission.manifest_sha256,
            options.as_of,
        );
        notes.append(&mut assembly.notes);
        timings.record("join", started);
        let waivers = crate::waiver::present(
            &self.bundle,
            options.waivers.iter().chain(&submission.waivers),
        );
        let mut decision = self.evaluate(
            &assembly,
            Evaluation {
                product,
                profile: &submission.manifest.profile,
                as_of: options.as_of,
                manifest_sha256: submission.manifest_sha256.clone(),
                document_errors,
                notes,
                unmatched_statements,
                evidence,
                plugins,
                contributions,
                unlisted: submission.unlisted.clone(),
                judge_data_age: true,
                waivers,
            },
            &mut timings,
        )?;
        let started = Instant::now();
        locate::regions(&mut decision, submission);
        timings.record("locate citations", started);
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
            waivers,
        } = what;
        let authorized = authorize::authorize(bundle, assembly, product, profile, as_of, timings)?;

        let started = Instant::now();
        let explain::Explained {
            mut findings,
            mut advisories,
            missing_evidence,
            mut evaluation_errors,
            mut rules,
            mut controls,
        } = explain::explain(
            bundle,
            assembly,
            product,
            profile,
            as_of,
            judge_data_age,
            &authorized,
        );
        evaluation_errors.extend(verdict::unexplained_denial(
            &product.name,
            authorized.product_permitted,
            authorized.product_forbidden_by_rule,
            !authorized.errored.is_empty(),
        ));
        // Waivers, once, after evaluation: the findings they accept stay,
        // marked, and no longer block.
        let waivers = crate::waiver::apply(
            bundle,
            waivers,
            crate::waiver::Scope {
                product,
                tier: profile.tier(),
                as_of,
            },
            &mut findings,
            &mut advisories,
        );
        if waivers.iter().any(|w| !w.waived.is_empty()) {
            explain::waive_outcomes(&mut rules, &findings, &advisories);
            controls = explain::controls(bundle, &rules);
        }
        let mut fact_problems = assembly.problems.clone();
        fact_problems.sort();
        let grounds = Grounds {
            findings: &findings,
            waivers: &waivers,
            missing: &missing_evidence,
            documents: &document_errors,
            facts: &fact_problems,
            evaluation: &evaluation_errors,
        };
        let verdict = verdict::verdict(&grounds);
        let summary = verdict::summary(verdict, &grounds);
        timings.record("explain", started);

        let decision = Decision {
            format: FORMAT.to_owned(),
            verdict,
            summary,
            product: ProductRef {
                name: product.name.clone(),
                version: product.version.clone(),
                supplier: product.supplier.clone(),
                identifiers: product.identifiers.clone(),
                criticality: CriticalityRef {
                    tier: profile.tier(),
                    claimed: profile.claimed_tier(),
                    implied: profile.implied_tier(),
                },
            },
            evaluated_at: facts::format_datetime(as_of),
            engine: EngineRef {
                name: "assure".to_owned(),
                version: env!("CARGO_PKG_VERSION").to_owned(),
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
                reference_data: self.reference_data(as_of),
            },
            evaluations: authorized.evaluations,
            waivers,
        };
        Ok(decision)
    }
}
