//! Joins across documents and with the bundle's reference data, after every
//! document is read:
//!
//! - each VEX statement (`Exposure`) to the SBOM components it names — by
//!   purl (exact; without qualifiers; or any version when the statement's purl
//!   has none), bom-ref, CycloneDX BOM-Link (`urn:cdx:…#bom-ref`) or CPE — or
//!   to the product itself: a plugin names the product a document describes
//!   as `product:<name>@<version>` (or `product:<name>` for every version),
//!   and any of the manifest's `[product] identifiers` names it too. A
//!   statement that names neither is reported, never dropped;
//! - each statement to the known-exploited catalogue (`known_exploited`, and a
//!   `Vulnerability` parent);
//! - build provenance subjects to the artefact digests the manifest declares
//!   (`artifact_digests`, absent when none is declared, so rules that need
//!   them ask for them);
//! - a security.txt's `Expires` to the evaluation time (`security_txt.expired`);
//! - each statement's `fix_available` to the evaluation time: a fix dated
//!   after it is a fact problem, and the date is not used.

use std::collections::{BTreeMap, BTreeSet};

use crate::bundle::{Bundle, ReferenceData};
use crate::facts::DocumentNote;
pub use crate::facts::UnmatchedStatement;
use crate::facts::{Assembly, FactProblem, FactValue, Provenance};
use crate::identity::{names_product, purl_base, purl_unversioned};
use crate::reference::{Kev, NhsAlerts};
use crate::submission::Product;

mod binding;
mod read;
mod severity;

use binding::{bind_documents, provenance};
use read::{percent_decode, text, text_set};
use severity::severity;

/// Why a statement that names nothing submitted does not apply.
pub const NAMES_NOTHING_SUBMITTED: &str =
    "names no component of a submitted SBOM and not the submitted product";

/// Components indexed by every identifier a statement may use.
#[derive(Default)]
struct Index {
    exact: BTreeMap<String, BTreeSet<String>>,
    purl_base: BTreeMap<String, BTreeSet<String>>,
    purl_unversioned: BTreeMap<String, BTreeSet<String>>,
}

impl Index {
    fn build(assembly: &Assembly) -> Self {
        let mut index = Index::default();
        for ((kind, id), entity) in &assembly.entities {
            if kind != "Component" {
                continue;
            }
            let add = |map: &mut BTreeMap<String, BTreeSet<String>>, key: String| {
                map.entry(key).or_default().insert(id.clone());
            };
            add(&mut index.exact, id.clone());
            for attr in ["purl", "bom_ref", "cpe", "spdx_id"] {
                if let Some(FactValue::Text(value)) = entity.facts.get(attr).map(|r| &r.value) {
                    add(&mut index.exact, value.clone());
                }
            }
            let purl = match entity.facts.get("purl").map(|r| &r.value) {
                Some(FactValue::Text(p)) => Some(p.clone()),
                _ => id.starts_with("pkg:").then(|| id.clone()),
            };
            if let Some(purl) = purl {
                add(&mut index.purl_base, purl_base(&purl).to_owned());
                add(
                    &mut index.purl_unversioned,
                    purl_unversioned(&purl).to_owned(),
                );
            }
        }
        index
    }

    /// The components a statement's identifier names.
    fn lookup(&self, reference: &str) -> BTreeSet<String> {
        let reference = reference.trim();
        let get = |map: &BTreeMap<String, BTreeSet<String>>, key: &str| {
            map.get(key).cloned().unwrap_or_default()
        };
        if let Some(rest) = reference.strip_prefix("urn:cdx:") {
            // BOM-Link: urn:cdx:<serial>/<version>#<bom-ref, percent-encoded>.
            return match rest.split_once('#') {
                Some((_, fragment)) => get(&self.exact, &percent_decode(fragment)),
                None => BTreeSet::new(),
            };
        }
        let found = get(&self.exact, reference);
        if !found.is_empty() || !reference.starts_with("pkg:") {
            return found;
        }
        let base = purl_base(reference);
        let found = get(&self.purl_base, base);
        if found.is_empty() && purl_unversioned(base) == base {
            return get(&self.purl_unversioned, base);
        }
        found
    }
}

/// The provenance of an engine-derived fact that cites the bundle's
/// reference data.
fn data_provenance<T>(data: &ReferenceData<T>, location: String) -> Provenance {
    let document = match data.origin {
        crate::bundle::DataOrigin::Bundle => format!("bundle:{}", data.path),
        // Given with `check --reference`: not the bundle's.
        crate::bundle::DataOrigin::Operator => format!("reference:{}", data.path),
    };
    Provenance {
        document,
        document_sha256: data.sha256.clone(),
        plugin: "assure".into(),
        plugin_sha256: String::new(),
        location,
    }
}

/// Runs every join; returns the statements that matched no component.
pub(crate) fn join(
    assembly: &mut Assembly,
    bundle: &Bundle,
    product: &Product,
    manifest_sha256: &str,
    as_of: jiff::Timestamp,
) -> Vec<UnmatchedStatement> {
    let mut unmatched = exposures(
        assembly,
        bundle.kev.as_ref(),
        bundle.nhs_alerts.as_ref(),
        product,
    );
    unmatched.extend(assembly.set_aside_statements.iter().cloned());
    unmatched.sort_by(|a, b| (&a.exposure, &a.provenance).cmp(&(&b.exposure, &b.provenance)));
    provenance(assembly, product, manifest_sha256);
    expiry(assembly, as_of);
    future_fixes(assembly, as_of);
    bind_documents(assembly, product);
    unmatched
}

/// `security_txt.expired`: whether the file's `Expires` has passed at the
/// evaluation time, so a decision replayed `--as-of` the same time agrees.
fn expiry(assembly: &mut Assembly, as_of: jiff::Timestamp) {
    let Some(record) = assembly.product.get("security_txt.expires") else {
        return;
    };
    let FactValue::Datetime(expires) = &record.value else {
        return;
    };
    let Ok(expires) = expires.parse::<jiff::Timestamp>() else {
        return;
    };
    let provenance = record.provenance.clone();
    assembly.set_derived(
        None,
        "security_txt.expired",
        FactValue::Bool(expires <= as_of),
        provenance,
    );
}

/// A statement whose fix (`fix_available`) is dated after the evaluation
/// time claims a fix not yet released at that time: a contradiction in the
/// evidence, not a fix within the 14 days. It is a fact problem (so the
/// decision is needs-evidence at best), and the date is withdrawn so that no
/// rule judges it.
fn future_fixes(assembly: &mut Assembly, as_of: jiff::Timestamp) {
    for ((kind, id), entity) in &mut assembly.entities {
        if kind != "Exposure" {
            continue;
        }
        let Some(record) = entity.facts.get("fix_available") else {
            continue;
        };
        let FactValue::Datetime(date) = &record.value else {
            continue;
        };
        let Ok(at) = date.parse::<jiff::Timestamp>() else {
            continue;
        };
        if at <= as_of {
            continue;
        }
        let first = record.provenance.first().cloned().unwrap_or_default();
        assembly.problems.push(FactProblem {
            plugin: first.plugin,
            document: first.document,
            fact: format!("Exposure[{id}].fix_available"),
            message: format!(
                "the fix is dated {date}, after the evaluation time {}: a fix not yet released \
                 cannot start the 14-day patching clock; correct the date",
                crate::time::format_datetime(as_of)
            ),
        });
        entity.facts.remove("fix_available");
    }
}

fn exposures(
    assembly: &mut Assembly,
    kev: Option<&ReferenceData<Kev>>,
    alerts: Option<&ReferenceData<NhsAlerts>>,
    product: &Product,
) -> Vec<UnmatchedStatement> {
    let index = Index::build(assembly);
    let mut unmatched = Vec::new();
    let mut vulnerabilities: BTreeMap<String, usize> = BTreeMap::new();
    let keys: Vec<(String, String)> = assembly
        .entities
        .keys()
        .filter(|(kind, _)| kind == "Exposure")
        .cloned()
        .collect();
    for key in keys {
        let Some(entity) = assembly.entities.get(&key) else {
            continue;
        };
        let refs = text_set(&entity.facts, "product_refs");
        let vulnerability = text(&entity.facts, "vulnerability").unwrap_or_default();
        let statement_provenance = entity.provenance.clone();
        let mut components = BTreeSet::new();
        for reference in &refs {
            components.extend(index.lookup(reference));
        }
        // A statement about a component in or on the submitted product (CSAF
        // `default_component_of` / `installed_on` a platform the manifest
        // names, e.g. by its CPE) is about the product, listed in its SBOM or
        // not.
        let in_product = text_set(&entity.facts, "product_scope")
            .iter()
            .any(|r| names_product(r, product));
        let matched =
            !components.is_empty() || in_product || refs.iter().any(|r| names_product(r, product));
        if !matched {
            unmatched.push(UnmatchedStatement {
                exposure: key.1.clone(),
                vulnerability: vulnerability.clone(),
                product_refs: refs.clone(),
                product_scope: text_set(&entity.facts, "product_scope"),
                reason: NAMES_NOTHING_SUBMITTED.into(),
                provenance: statement_provenance.clone(),
            });
        }
        let aliases = text_set(&entity.facts, "aliases");
        let read: Vec<(String, crate::identity::VulnerabilityId)> =
            std::iter::once(vulnerability.clone())
                .chain(aliases)
                .filter(|id| !id.trim().is_empty())
                .map(|raw| {
                    let id = crate::identity::vulnerability_id(&raw);
                    (raw, id)
                })
                .collect();
        let first = statement_provenance.first().cloned().unwrap_or_default();
        for (raw, id) in &read {
            if !id.format_characters.is_empty() {
                assembly.problems.push(FactProblem {
                    plugin: first.plugin.clone(),
                    document: first.document.clone(),
                    fact: format!("Exposure[{}].vulnerability", key.1),
                    message: format!(
                        "the vulnerability id {raw:?} holds invisible format characters ({}); \
                         it was read as `{}`, but a disguised id is not accepted as given",
                        id.format_characters, id.id
                    ),
                });
            } else if !id.known_scheme {
                assembly.notes.push(DocumentNote {
                    document: first.document.clone(),
                    plugin: "assure".into(),
                    message: format!(
                        "the vulnerability id `{raw}` is of no scheme assure knows (CVE, GHSA, \
                         OSV ecosystems, distribution advisories): it cannot be looked up in \
                         the known-exploited catalogue; give its CVE id as an alias"
                    ),
                    location: first.location.clone(),
                    region: None,
                });
            }
        }
        let ids: Vec<&str> = read.iter().map(|(_, id)| id.id.as_str()).collect();
        let listed = kev.and_then(|k| ids.iter().find_map(|id| k.data.get(id)).map(|e| (k, e)));
        if let Some(entity) = assembly.entities.get_mut(&key) {
            for component in &components {
                entity
                    .parents
                    .insert(("Component".to_owned(), component.clone()));
            }
            if let Some((_, entry)) = listed {
                entity
                    .parents
                    .insert(("Vulnerability".to_owned(), entry.cve.clone()));
            }
        }
        severity(assembly, &key);
        assembly.set_derived(
            Some(&key),
            "matched",
            FactValue::Bool(matched),
            statement_provenance,
        );
        // Whether it is known exploited is only stated when it can be known:
        // with a catalogue, and a vulnerability id to look up. Otherwise the
        // fact stays absent and the rules that need it are undecided.
        let exploited = match (kev, listed) {
            (_, Some((k, entry))) => {
                vulnerabilities.insert(entry.cve.clone(), entry.index);
                Some((
                    true,
                    vec![data_provenance(
                        k,
                        format!("/vulnerabilities/{}", entry.index),
                    )],
                ))
            }
            (Some(k), None) if !ids.is_empty() => {
                Some((false, vec![data_provenance(k, String::new())]))
            }
            _ => None,
        };
        if let Some((value, provenance)) = exploited {
            assembly.set_derived(
                Some(&key),
                "known_exploited",
                FactValue::Bool(value),
                provenance,
            );
        }
        // Likewise whether an NHS England cyber alert names it.
        if let Some(a) = alerts
            && !ids.is_empty()
        {
            match ids.iter().find_map(|id| a.data.get(id)) {
                Some(alert) => {
                    let at = vec![data_provenance(a, format!("/alerts/{}", alert.index))];
                    assembly.set_derived(
                        Some(&key),
                        "nhs_alert",
                        FactValue::Bool(true),
                        at.clone(),
                    );
                    assembly.set_derived(
                        Some(&key),
                        "nhs_alert_id",
                        FactValue::Text(alert.id.clone()),
                        at.clone(),
                    );
                    if !alert.severity.is_empty() {
                        assembly.set_derived(
                            Some(&key),
                            "nhs_alert_severity",
                            FactValue::Text(alert.severity.clone()),
                            at,
                        );
                    }
                }
                None => assembly.set_derived(
                    Some(&key),
                    "nhs_alert",
                    FactValue::Bool(false),
                    vec![data_provenance(a, String::new())],
                ),
            }
        }
    }
    // The catalogue entries the statements name, as Vulnerability entities.
    if let Some(k) = kev {
        for cve in vulnerabilities.keys() {
            let Some(entry) = k.data.get(cve) else {
                continue;
            };
            let key = ("Vulnerability".to_owned(), entry.cve.clone());
            let at = vec![data_provenance(
                k,
                format!("/vulnerabilities/{}", entry.index),
            )];
            let mut set = |path: &str, value: FactValue| {
                assembly.set_derived(Some(&key), path, value, at.clone());
            };
            set("known_exploited", FactValue::Bool(true));
            set("known_ransomware", FactValue::Bool(entry.known_ransomware));
            if let Some(d) = crate::time::normalise_datetime(&entry.date_added) {
                set("date_added", FactValue::Datetime(d));
            }
            if let Some(d) = crate::time::normalise_datetime(&entry.due_date) {
                set("due_date", FactValue::Datetime(d));
            }
            for (path, value) in [
                ("vendor_project", &entry.vendor_project),
                ("product", &entry.product),
                ("name", &entry.name),
            ] {
                if !value.is_empty() {
                    set(path, FactValue::Text(value.clone()));
                }
            }
        }
    }
    unmatched.sort_by(|a, b| a.exposure.cmp(&b.exposure));
    unmatched
}

#[cfg(test)]
mod tests {
    use super::read::repository_key;
    use super::*;

    #[test]
    fn purls_are_compared_without_qualifiers_or_version() {
        assert_eq!(
            purl_base("pkg:maven/org.apache/log4j-core@2.14.1?type=jar#sub"),
            "pkg:maven/org.apache/log4j-core@2.14.1"
        );
        assert_eq!(
            purl_unversioned("pkg:maven/org.apache/log4j-core@2.14.1?type=jar"),
            "pkg:maven/org.apache/log4j-core"
        );
        assert_eq!(
            purl_unversioned("pkg:npm/%40scope/name@1.0"),
            "pkg:npm/%40scope/name"
        );
        assert_eq!(percent_decode("pkg:npm/%40a%2Fb"), "pkg:npm/@a/b");
    }

    #[test]
    fn repositories_are_compared_however_they_are_written() {
        for written in [
            "https://github.com/Northwind-Health/CareFlow-App",
            "git+ssh://git@github.com/northwind-health/careflow-app.git",
            "github.com/northwind-health/careflow-app/",
            "https://www.github.com/northwind-health/careflow-app",
            "pkg:github/northwind-health/careflow-app@v4.2.0",
            "git@github.com:northwind-health/careflow-app.git",
        ] {
            assert_eq!(
                repository_key(written).as_deref(),
                Some("github.com/northwind-health/careflow-app"),
                "{written}"
            );
        }
        for not_a_repository in [
            "pkg:maven/uk.co.northwindhealth/careflow@4.2.0",
            "cpe:2.3:a:northwind:careflow:4.2.0:*:*:*:*:*:*:*",
            "CareFlow",
            "github.com",
        ] {
            assert_eq!(repository_key(not_a_repository), None, "{not_a_repository}");
        }
        assert_eq!(percent_decode("100%"), "100%");
    }
}
