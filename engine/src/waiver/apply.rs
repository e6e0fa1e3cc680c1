//! Applying waivers to a decision's findings, after evaluation: each
//! presented waiver judged against the bundle's governance, the evaluation
//! time and the product, then matched to the findings it names. Every
//! refusal leaves the findings active and says why.

use crate::bundle::{Bundle, Rule};
use crate::decision::{Finding, WaivedRef, WaiverMark, WaiverReport, WaiverStatus};
use crate::submission::{Product, Tier};

use super::document::{ProductScope, WaiverPredicate, WaiverSubject, time};
use super::present::Presented;

/// What a waiver is judged against besides the bundle: the product
/// submitted, its criticality tier and the evaluation time.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// The product assessed.
    pub product: &'a Product,
    /// The tier its rules were applied at.
    pub tier: Tier,
    /// The evaluation time.
    pub as_of: jiff::Timestamp,
}

/// Judges each presented waiver and marks the findings (blocking and
/// advisory) it waives. Returns one report per waiver, in the order presented (by id).
#[must_use]
pub fn apply(
    bundle: &Bundle,
    presented: Vec<Presented>,
    scope: Scope<'_>,
    findings: &mut [Finding],
    advisories: &mut [Finding],
) -> Vec<WaiverReport> {
    presented
        .into_iter()
        .map(|p| {
            let mut report = WaiverReport {
                file: p.file,
                digest: p.digest,
                status: WaiverStatus::Unused,
                message: String::new(),
                approved_by: p.approved_by,
                waived: Vec::new(),
                expires_in_days: None,
                expiring: false,
                waiver: p.waiver,
                content: p.content,
            };
            if let Some((status, message)) = p.refused {
                report.status = status;
                report.message = message;
                return report;
            }
            let (status, message) = judge(bundle, &mut report, scope, findings, advisories);
            report.status = status;
            report.message = message;
            report
        })
        .collect()
}

/// What became of one waiver that was read and approved.
fn judge(
    bundle: &Bundle,
    report: &mut WaiverReport,
    scope: Scope<'_>,
    findings: &mut [Finding],
    advisories: &mut [Finding],
) -> (WaiverStatus, String) {
    let (Some(waiver), Some(policy)) = (report.waiver.clone(), &bundle.waivers) else {
        return (
            WaiverStatus::Invalid,
            "it could not be read as a waiver".to_owned(),
        );
    };
    if let Err(refusal) = standing(bundle, &waiver, scope.as_of) {
        return refusal;
    }
    let Some(rule) = bundle.rule(&waiver.rule) else {
        return (WaiverStatus::Invalid, "its rule is gone".to_owned());
    };
    let Some(expires) = time(&waiver.expires) else {
        return (
            WaiverStatus::Invalid,
            "its expiry is not a date-time".to_owned(),
        );
    };
    if let Err(why) = in_scope(&waiver.product, scope.product) {
        return (
            WaiverStatus::OutOfScope,
            format!(
                "it is for {}, not the product submitted ({} {}): {why}",
                waiver.product.describe(),
                scope.product.name,
                scope.product.version
            ),
        );
    }
    let mark = WaiverMark {
        id: waiver.id.clone(),
        digest: report.digest.clone(),
        reason: waiver.reason,
        justification: waiver.justification.clone(),
        risk_owner: waiver.risk_owner.clone(),
        approved_by: report.approved_by.iter().map(|a| a.name.clone()).collect(),
        expires: waiver.expires.clone(),
    };
    let mut refused_kev = 0_usize;
    let mut already: Vec<String> = Vec::new();
    for finding in findings.iter_mut().chain(advisories.iter_mut()) {
        if finding.rule != waiver.rule || !subject_matches(&waiver.subject, finding) {
            continue;
        }
        if let Some(other) = &finding.waiver {
            already.push(other.id.clone());
            continue;
        }
        if scope.tier == Tier::Critical
            && finding.subject_details.known_exploited == Some(true)
            && !policy.known_exploited_at_critical_tier
        {
            refused_kev += 1;
            continue;
        }
        finding.waiver = Some(mark.clone());
        report.waived.push(WaivedRef {
            rule: finding.rule.clone(),
            kind: finding.subject.kind.clone(),
            id: finding.subject.id.clone(),
        });
    }
    if !report.waived.is_empty() {
        let left = expires.as_second().saturating_sub(scope.as_of.as_second());
        let days = left / 86_400;
        report.expires_in_days = Some(days);
        report.expiring = days < i64::from(policy.warn_days);
        let expiry = if report.expiring {
            format!(
                "; it expires in {days} day(s), on {}: renew it or treat the risk before then",
                waiver.expires
            )
        } else {
            format!("; it expires on {}", waiver.expires)
        };
        return (
            WaiverStatus::Applied,
            format!(
                "it waives {} finding(s) of rule {} on {}{expiry}",
                report.waived.len(),
                rule.id,
                waiver.subject.describe()
            ),
        );
    }
    if refused_kev > 0 {
        return (
            WaiverStatus::NotWaivable,
            format!(
                "{} is on the known-exploited list and the product is of the critical tier: the bundle `{}` never waives that",
                waiver.subject.describe(),
                bundle.name
            ),
        );
    }
    if !already.is_empty() {
        already.sort();
        already.dedup();
        return (
            WaiverStatus::Unused,
            format!("its findings are already waived by {}", already.join(", ")),
        );
    }
    (
        WaiverStatus::Unused,
        format!(
            "no finding of rule {} on {}: it waives nothing in this decision",
            rule.id,
            waiver.subject.describe()
        ),
    )
}

/// Whether a waiver that was read and approved stands under the bundle's
/// governance at `as_of`, whatever product it is for: its rule may be
/// waived, it runs no longer than the bundle allows, and it is in force.
/// If it does, its rule and expiry; if not, what it is and why.
pub fn standing<'a>(
    bundle: &'a Bundle,
    waiver: &WaiverPredicate,
    as_of: jiff::Timestamp,
) -> Result<(&'a Rule, jiff::Timestamp), (WaiverStatus, String)> {
    let Some(policy) = &bundle.waivers else {
        return Err((
            WaiverStatus::NotAllowed,
            format!("the bundle `{}` allows no waivers", bundle.name),
        ));
    };
    let Some(rule) = bundle.rule(&waiver.rule) else {
        return Err((
            WaiverStatus::NotWaivable,
            format!(
                "it names rule `{}`, which is no rule of the bundle `{}`",
                waiver.rule, bundle.name
            ),
        ));
    };
    if !policy.rules.contains(&rule.id) {
        return Err((
            WaiverStatus::NotWaivable,
            format!(
                "the bundle `{}` does not allow rule {} ({}) to be waived",
                bundle.name, rule.id, rule.title
            ),
        ));
    }
    let (Some(created), Some(expires)) = (time(&waiver.created), time(&waiver.expires)) else {
        return Err((
            WaiverStatus::Invalid,
            "its dates are not RFC 3339 date-times".to_owned(),
        ));
    };
    let max_days = policy.max_days_for(rule);
    let seconds = expires.as_second().saturating_sub(created.as_second());
    if seconds > i64::from(max_days) * 86_400 {
        return Err((
            WaiverStatus::TooLong,
            format!(
                "it runs {} day(s), from {} to {}; the bundle allows a waiver of rule {} ({} severity) at most {max_days} day(s)",
                ceil_days(seconds),
                waiver.created,
                waiver.expires,
                rule.id,
                rule.severity
            ),
        ));
    }
    let as_of_text = crate::time::format_datetime(as_of);
    if created > as_of {
        return Err((
            WaiverStatus::NotYetValid,
            format!(
                "it was created on {}, after the evaluation time {as_of_text}",
                waiver.created
            ),
        ));
    }
    if expires <= as_of {
        return Err((
            WaiverStatus::Expired,
            format!(
                "it expired on {}, at or before the evaluation time {as_of_text}",
                waiver.expires
            ),
        ));
    }
    Ok((rule, expires))
}

/// Whole days, rounded up.
fn ceil_days(seconds: i64) -> i64 {
    (seconds + 86_399) / 86_400
}

/// Whether the waiver's product scope holds for the submitted product; if
/// not, what differs.
fn in_scope(scope: &ProductScope, product: &Product) -> Result<(), String> {
    if scope.identifier != product.name && !product.identifiers.contains(&scope.identifier) {
        return Err(format!(
            "`{}` is neither its name nor one of its identifiers",
            scope.identifier
        ));
    }
    if let Some(supplier) = &scope.supplier
        && supplier != &product.supplier
    {
        return Err(format!(
            "the supplier is `{}`, not `{supplier}`",
            product.supplier
        ));
    }
    if let Some(version) = &scope.version
        && version != &product.version
    {
        return Err(format!(
            "the version is `{}`, not `{version}`",
            product.version
        ));
    }
    if let Some(range) = &scope.versions {
        let req = semver::VersionReq::parse(range)
            .map_err(|_| format!("`{range}` is not a version range"))?;
        let version = semver::Version::parse(product.version.trim()).map_err(|_| {
            format!(
                "the version `{}` is not a semantic version, so no range includes it",
                product.version
            )
        })?;
        if !req.matches(&version) {
            return Err(format!(
                "the version `{}` is outside `{range}`",
                product.version
            ));
        }
    }
    for digest in &scope.artifact_sha256 {
        if !product
            .artifact_sha256
            .iter()
            .any(|d| d.trim().eq_ignore_ascii_case(digest))
        {
            return Err(format!(
                "no shipped artefact has the SHA-256 {digest} (`artifact_sha256` in submission.toml)"
            ));
        }
    }
    Ok(())
}

/// Whether a finding is about the waiver's subject.
fn subject_matches(subject: &WaiverSubject, finding: &Finding) -> bool {
    let details = &finding.subject_details;
    match subject {
        WaiverSubject::Exposure {
            vulnerability,
            component,
        } => {
            finding.subject.kind == "Exposure"
                && details
                    .vulnerability
                    .as_deref()
                    .is_some_and(|v| v.eq_ignore_ascii_case(vulnerability))
                && details.components.len() == 1
                && details.components.first() == Some(component)
        }
        WaiverSubject::Component { component } => {
            finding.subject.kind == "Component"
                && (details.purl.as_ref() == Some(component) || &finding.subject.id == component)
        }
        WaiverSubject::Product => finding.subject.kind == "Product",
    }
}
