//! Each policy of a bundle read into a rule: its annotations checked, what
//! it reads found, and Cedar's errors located in the policy file.

use std::str::FromStr;

use cedar_policy::Policy;

use super::model::{Rule, Severity};
use crate::vocabulary::{policy_mentions, policy_reads};

/// A Cedar diagnostic located in its source text: `line:column: message
/// (help: …)`, or ` message` when it carries no location.
pub(super) fn located(e: &dyn miette::Diagnostic, src: &str) -> String {
    let offset = e
        .labels()
        .and_then(|mut labels| labels.next())
        .map(|label| label.offset());
    match offset {
        Some(offset) => {
            let before = src.get(..offset).unwrap_or(src);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("{line}:{column}: {}", diagnostic(e))
        }
        None => format!(" {}", diagnostic(e)),
    }
}

/// A Cedar diagnostic as one line, with its help where it has one.
pub(super) fn diagnostic(e: &dyn miette::Diagnostic) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    if let Some(help) = e.help() {
        out.push_str(&format!(" (help: {help})"));
    }
    out
}

/// Reads a policy's annotations; every missing or bad one is reported.
pub(super) fn rule_of(policy: &Policy, file: &str) -> Result<Rule, Vec<String>> {
    let mut problems = Vec::new();
    let mut required = |key: &str| match policy.annotation(key) {
        Some(v) if !v.trim().is_empty() => v.trim().to_owned(),
        _ => {
            problems.push(format!(
                "a policy at {} has no `@{key}` annotation",
                location(policy)
            ));
            String::new()
        }
    };
    let id = required("id");
    let title = required("title");
    let message = required("message");
    let remediation = required("remediation");
    let control = required("control");
    let severity_text = required("severity");
    let severity = match Severity::from_str(&severity_text) {
        Ok(s) => s,
        Err(()) => {
            if !severity_text.is_empty() {
                problems.push(format!(
                    "policy `{id}`: `@severity(\"{severity_text}\")` must be critical, high, medium or low"
                ));
            }
            Severity::Low
        }
    };
    let advisory = match policy.annotation("advisory").map(str::trim) {
        None => false,
        Some("" | "true") => true,
        Some(other) => {
            problems.push(format!(
                "policy `{id}`: `@advisory(\"{other}\")` must be `@advisory` or `@advisory(\"true\")`; leave it out for a blocking rule"
            ));
            false
        }
    };
    let tier = match policy.annotation("tier").map(str::trim) {
        None => None,
        Some(text) => match crate::submission::Tier::parse(text) {
            Some(t) if t != crate::submission::Tier::Standard => Some(t),
            _ => {
                problems.push(format!(
                    "policy `{id}`: `@tier(\"{text}\")` must be `high` or `critical`, the lowest tier the rule applies at; leave it out for a rule of every tier"
                ));
                None
            }
        },
    };
    let waivable = match policy.annotation("waivable").map(str::trim) {
        None => true,
        Some("never") => false,
        Some(other) => {
            problems.push(format!(
                "policy `{id}`: `@waivable(\"{other}\")` must be `@waivable(\"never\")`; leave it out for a rule the bundle's `[waivers]` may list"
            ));
            true
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let est = policy.to_json().ok();
    let reads = est.as_ref().map(policy_reads).unwrap_or_default();
    let mentions = est.as_ref().map(policy_mentions).unwrap_or_default();
    // An annotated tier must be one the condition tests, or the annotation
    // would tell people something the rule does not do.
    if tier.is_some()
        && !reads.iter().any(|read| {
            read.root == "context"
                && read.path.first().is_some_and(|p| p == "profile")
                && read
                    .path
                    .get(1)
                    .is_some_and(|k| k == "tier" || k == "criticality")
        })
    {
        return Err(vec![format!(
            "policy `{id}`: it has a `@tier` annotation but its condition does not read `context.profile.tier` (or `criticality`)"
        )]);
    }
    let action = match policy.action_constraint() {
        cedar_policy::ActionConstraint::Eq(uid) => Some(uid.id().unescaped().to_owned()),
        _ => None,
    };
    let resource_type = match policy.resource_constraint() {
        cedar_policy::ResourceConstraint::Is(ty)
        | cedar_policy::ResourceConstraint::IsIn(ty, _) => Some(ty.to_string()),
        cedar_policy::ResourceConstraint::Eq(uid) => Some(uid.type_name().to_string()),
        // `resource in E` admits E's descendants, of any type.
        cedar_policy::ResourceConstraint::In(_) | cedar_policy::ResourceConstraint::Any => None,
    };
    Ok(Rule {
        id,
        title,
        controls: control
            .split(';')
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect(),
        pillar: policy.annotation("pillar").map(str::to_owned),
        severity,
        message,
        remediation,
        advisory,
        tier,
        effect: policy.effect(),
        action,
        resource_type,
        file: file.to_owned(),
        reads,
        mentions,
        waivable,
    })
}

fn location(policy: &Policy) -> String {
    let text = policy.to_string();
    let first = text
        .lines()
        .find(|l| !l.trim_start().starts_with('@'))
        .unwrap_or("");
    format!("`{}`", first.trim())
}
