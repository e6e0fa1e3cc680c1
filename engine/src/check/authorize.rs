//! Authorize: the facts as Cedar entities, and one Cedar request per
//! subject — `approve` on the product, `accept` on each component and
//! exposure some rule can judge — against the bundle's policies. Which
//! rules fired and which failed to evaluate is all this stage answers;
//! explaining them is the next.

use cedar_policy::{
    ActionConstraint, Authorizer, Context, Decision as CedarDecision, Effect, EntityUid, PolicyId,
    PolicySet, Request, RestrictedExpression,
};

use crate::bundle::Bundle;
use crate::decision::Subject;
use crate::error::Error;
use crate::facts::{self, Assembly};
use crate::submission::{Product, Profile};
use std::time::Instant;

use super::engine::Timings;

/// The Cedar responses, as rules and subjects.
pub(super) struct Authorized {
    /// Each subject asked about, its entity and the action asked.
    pub subjects: Vec<(Subject, EntityUid, &'static str)>,
    /// Each forbid rule that fired, and on what.
    pub fired: Vec<(String, Subject)>,
    /// Each rule that failed to evaluate, on what, and why.
    pub errored: Vec<(String, Subject, String)>,
    /// Whether a permit policy allowed `approve` on the product.
    pub product_permitted: bool,
    /// Whether a forbid (blocking or advisory) fired on the product, so
    /// that Cedar's deny of `approve` is explained by a finding or an
    /// advisory.
    pub product_forbidden_by_rule: bool,
    /// How many rule evaluations were made (subjects × rules).
    pub evaluations: usize,
}

/// Asks Cedar about the product and every subject some rule can judge.
pub(super) fn authorize(
    bundle: &Bundle,
    assembly: &Assembly,
    product: &Product,
    profile: &Profile,
    as_of: jiff::Timestamp,
    timings: &mut Timings,
) -> Result<Authorized, Error> {
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
    // For each action, only the policies whose scope can match it. Cedar
    // builds and evaluates every policy's condition for every request, and a
    // policy scoped to another action (`action == Action::"approve"` on an
    // `accept` request) can never be satisfied nor err: its scope is the
    // first conjunct. At 10,000 components this is most of the evaluation.
    let mut scoped: std::collections::BTreeMap<&str, PolicySet> = std::collections::BTreeMap::new();
    for (_, _, action) in &subjects {
        if scoped.contains_key(action) {
            continue;
        }
        let action_uid =
            facts::uid("Action", action).map_err(|m| bundle_error(bundle, m.to_string()))?;
        let mut set = PolicySet::new();
        for policy in bundle.policies.policies() {
            if matches!(policy.action_constraint(), ActionConstraint::Eq(ref other) if *other != action_uid)
            {
                continue;
            }
            set.add(policy.clone())
                .map_err(|e| bundle_error(bundle, e.to_string()))?;
        }
        scoped.insert(action, set);
    }
    for (subject, resource, action) in &subjects {
        let action_uid =
            facts::uid("Action", action).map_err(|m| bundle_error(bundle, m.to_string()))?;
        let policies = scoped.get(action).unwrap_or(&bundle.policies);
        let request = Request::new(
            supplier.clone(),
            action_uid,
            resource.clone(),
            context.clone(),
            None,
        )
        .map_err(|e| bundle_error(bundle, e.to_string()))?;
        let response = authorizer.is_authorized(&request, policies, &entities);
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
    Ok(Authorized {
        subjects,
        fired,
        errored,
        product_permitted,
        product_forbidden_by_rule,
        evaluations,
    })
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
