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
//! - a security.txt's `Expires` to the evaluation time (`security_txt.expired`).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::bundle::{Bundle, ReferenceData};
use crate::facts::{Assembly, FactMap, FactValue, Provenance};
use crate::reference::Kev;
use crate::submission::Product;

/// A VEX statement that names no component of any SBOM submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnmatchedStatement {
    /// The `Exposure` entity id.
    pub exposure: String,
    /// The vulnerability.
    pub vulnerability: String,
    /// What the statement names.
    pub product_refs: Vec<String>,
    /// Where the statement is.
    pub provenance: Vec<Provenance>,
}

/// Whether a statement's identifier names the submitted product.
fn names_product(reference: &str, product: &Product) -> bool {
    let reference = reference.trim();
    if product.identifiers.iter().any(|i| i.trim() == reference) {
        return true;
    }
    let Some(named) = reference.strip_prefix("product:") else {
        return false;
    };
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
    match named.rsplit_once('@') {
        Some((name, version)) => same(name, &product.name) && same(version, &product.version),
        None => same(named, &product.name),
    }
}

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

/// A purl without qualifiers and subpath.
fn purl_base(purl: &str) -> &str {
    let end = purl.find(['?', '#']).unwrap_or(purl.len());
    purl.get(..end).unwrap_or(purl)
}

/// A purl without its version, qualifiers and subpath.
fn purl_unversioned(purl: &str) -> &str {
    let base = purl_base(purl);
    // The version follows the last '@' after the last '/'.
    let name_start = base.rfind('/').unwrap_or(0);
    match base.get(name_start..).and_then(|tail| tail.find('@')) {
        Some(at) => base.get(..name_start + at).unwrap_or(base),
        None => base,
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let (Some(h), Some(l)) = (bytes.get(i + 1), bytes.get(i + 2))
            && let (Some(h), Some(l)) = ((*h as char).to_digit(16), (*l as char).to_digit(16))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

fn text_set(facts: &FactMap, path: &str) -> Vec<String> {
    match facts.get(path).map(|r| &r.value) {
        Some(FactValue::TextSet(set)) => set.clone(),
        Some(FactValue::Text(t)) => vec![t.clone()],
        _ => Vec::new(),
    }
}

fn text(facts: &FactMap, path: &str) -> Option<String> {
    match facts.get(path).map(|r| &r.value) {
        Some(FactValue::Text(t)) => Some(t.clone()),
        _ => None,
    }
}

/// The provenance of an engine-derived fact that cites the bundle's
/// reference data.
fn data_provenance<T>(data: &ReferenceData<T>, location: String) -> Provenance {
    Provenance {
        document: format!("bundle:{}", data.path),
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
    let unmatched = exposures(assembly, bundle.kev.as_ref(), product);
    provenance(assembly, product, manifest_sha256);
    expiry(assembly, as_of);
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

fn exposures(
    assembly: &mut Assembly,
    kev: Option<&ReferenceData<Kev>>,
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
        let matched = !components.is_empty() || refs.iter().any(|r| names_product(r, product));
        if !matched {
            unmatched.push(UnmatchedStatement {
                exposure: key.1.clone(),
                vulnerability: vulnerability.clone(),
                product_refs: refs.clone(),
                provenance: statement_provenance.clone(),
            });
        }
        let aliases = text_set(&entity.facts, "aliases");
        let ids: Vec<&str> = std::iter::once(vulnerability.as_str())
            .chain(aliases.iter().map(String::as_str))
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .collect();
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
            if let Some(d) = crate::facts::normalise_datetime(&entry.date_added) {
                set("date_added", FactValue::Datetime(d));
            }
            if let Some(d) = crate::facts::normalise_datetime(&entry.due_date) {
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

/// `provenance.subject_matches_artifact`: whether a provenance subject is an
/// artefact the manifest declares. Set only when both are given.
fn provenance(assembly: &mut Assembly, product: &Product, manifest_sha256: &str) {
    let declared = product.artifact_digests();
    if declared.is_empty() {
        return;
    }
    let mut digests = declared.clone();
    digests.sort();
    digests.dedup();
    assembly.set_derived(
        None,
        "artifact_digests",
        FactValue::TextSet(digests),
        vec![Provenance {
            document: crate::submission::MANIFEST.to_owned(),
            document_sha256: manifest_sha256.to_owned(),
            plugin: "assure".into(),
            plugin_sha256: String::new(),
            location: "product.artifact_sha256".into(),
        }],
    );
    let Some(record) = assembly.product.get("provenance.subject_digests") else {
        return;
    };
    let FactValue::TextSet(subjects) = &record.value else {
        return;
    };
    let matches = subjects
        .iter()
        .any(|s| declared.contains(&s.to_ascii_lowercase()));
    let mut provenance = record.provenance.clone();
    provenance.push(Provenance {
        document: crate::submission::MANIFEST.to_owned(),
        document_sha256: manifest_sha256.to_owned(),
        plugin: "assure".into(),
        plugin_sha256: String::new(),
        location: "product.artifact_sha256".into(),
    });
    assembly.set_derived(
        None,
        "provenance.subject_matches_artifact",
        FactValue::Bool(matches),
        provenance,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_name_the_product_by_name_version_or_identifier() {
        let product = Product {
            name: "DEF".into(),
            version: "1.0".into(),
            supplier: "Example Company".into(),
            identifiers: vec!["pkg:generic/example/def@1.0".into()],
            artifact_sha256: Vec::new(),
        };
        assert!(names_product("product:DEF@1.0", &product));
        assert!(names_product("product:def", &product));
        assert!(names_product("pkg:generic/example/def@1.0", &product));
        assert!(!names_product("product:DEF@2.0", &product));
        assert!(!names_product("DEF", &product));
    }

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
        assert_eq!(percent_decode("100%"), "100%");
    }
}
