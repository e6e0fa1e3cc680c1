//! Binding: which documents are about the submitted product, and the
//! product's own facts from the manifest, each with its provenance.

use super::read::repository_key;
use crate::facts::{Assembly, FactValue, Provenance};
use crate::submission::Product;

/// Organisation names compared as a person would: folded, punctuation
/// dropped, and the common legal suffixes in one spelling.
fn organisation(name: &str) -> String {
    let folded = crate::identity::folded(name);
    let words: Vec<String> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "limited" => "ltd".to_owned(),
            "incorporated" => "inc".to_owned(),
            "company" => "co".to_owned(),
            "corporation" => "corp".to_owned(),
            w => w.to_owned(),
        })
        .collect();
    words.join(" ")
}

/// Binds each document to the submission: whether the product (and the
/// supplier) a document names is the one in `submission.toml`. Each fact is
/// set only when the document names one, so a document that names none
/// leaves the rules that need it undecided.
///
/// - `sbom.names_product`: the SBOM's subject has the product's name and
///   version (a subject with no version does not say it is this version);
/// - `dtac.names_product`, `dtac.names_supplier`: the DTAC answers' product
///   and supplier;
/// - `mds2.names_product`, `mds2.names_supplier`: the MDS2 form's device
///   description or model names the product, its manufacturer is the
///   supplier;
/// - `pentest.names_product`: the pen test summary's product;
///   `pentest.external`: the tester is not the supplier itself;
/// - `scorecard.names_product`: the Scorecard result's repository is one
///   the manifest's `identifiers` declare (a repository URL, or a github /
///   gitlab / bitbucket purl); absent when none is declared, so the rule
///   that binds it asks for one;
/// - `cyber_essentials.scope_names_product`: the certificate's scope text
///   names the product (compared after [`crate::identity::folded`]);
/// - `assurance.names_product`: the supplier assurance statement names the
///   product and, when it names a version, the submitted version (a
///   statement about another version does not count for this one);
///   `assurance.names_supplier`: it is the supplier's.
pub(super) fn bind_documents(assembly: &mut Assembly, product: &Product) {
    let same_text = |a: &str, b: &str| crate::identity::folded(a) == crate::identity::folded(b);
    let same_org = |a: &str, b: &str| organisation(a) == organisation(b);
    let get = |assembly: &Assembly, path: &str| {
        assembly
            .product
            .get(path)
            .and_then(|record| match &record.value {
                FactValue::Text(t) => Some((t.clone(), record.provenance.clone())),
                _ => None,
            })
    };
    let mut derived: Vec<(&str, bool, Vec<Provenance>)> = Vec::new();

    if let Some((name, at)) = get(assembly, "sbom.subject_name")
        && let Some((version, version_at)) = get(assembly, "sbom.subject_version")
    {
        let both = same_text(&name, &product.name) && same_text(&version, &product.version);
        derived.push(("sbom.names_product", both, [at, version_at].concat()));
    } else if let Some((name, at)) = get(assembly, "sbom.subject_name")
        && !same_text(&name, &product.name)
    {
        // Another product, whatever its version.
        derived.push(("sbom.names_product", false, at));
    }
    if let Some((name, at)) = get(assembly, "dtac.product_name") {
        derived.push(("dtac.names_product", same_text(&name, &product.name), at));
    }
    if let Some((name, at)) = get(assembly, "dtac.supplier_name") {
        derived.push((
            "dtac.names_supplier",
            same_org(&name, &product.supplier),
            at,
        ));
    }
    let device: Vec<(String, Vec<Provenance>)> = ["mds2.device", "mds2.device_model"]
        .iter()
        .filter_map(|path| get(assembly, path))
        .collect();
    if !device.is_empty() {
        let wanted = crate::identity::folded(&product.name);
        let names = device
            .iter()
            .any(|(text, _)| crate::identity::folded(text).contains(&wanted));
        let at = device.into_iter().flat_map(|(_, at)| at).collect();
        derived.push(("mds2.names_product", names, at));
    }
    if let Some((name, at)) = get(assembly, "mds2.manufacturer") {
        derived.push((
            "mds2.names_supplier",
            same_org(&name, &product.supplier),
            at,
        ));
    }
    if let Some((name, at)) = get(assembly, "pentest.product_name") {
        derived.push(("pentest.names_product", same_text(&name, &product.name), at));
    }
    if let Some((tester, at)) = get(assembly, "pentest.tester") {
        let supplier = organisation(&product.supplier);
        let tester = organisation(&tester);
        // "Northwind Health Ltd (internal security team)" is the supplier.
        let own = !supplier.is_empty()
            && (tester == supplier
                || format!(" {tester} ").contains(&format!(" {supplier} "))
                || format!(" {supplier} ").contains(&format!(" {tester} ")));
        derived.push(("pentest.external", !own, at));
    }
    if let Some((repo, at)) = get(assembly, "scorecard.repo") {
        // Only a product that declares its source repository can be bound.
        let declared: Vec<String> = product
            .identifiers
            .iter()
            .filter_map(|i| repository_key(i))
            .collect();
        if !declared.is_empty() {
            let names = repository_key(&repo).is_some_and(|r| declared.contains(&r));
            derived.push(("scorecard.names_product", names, at));
        }
    }
    if let Some((scope, at)) = get(assembly, "cyber_essentials.scope") {
        let wanted = crate::identity::folded(&product.name);
        let names = !wanted.is_empty() && crate::identity::folded(&scope).contains(&wanted);
        derived.push(("cyber_essentials.scope_names_product", names, at));
    }
    if let Some((name, at)) = get(assembly, "assurance.product_name") {
        let mut names = same_text(&name, &product.name);
        let mut at = at;
        if let Some((version, version_at)) = get(assembly, "assurance.product_version") {
            names = names && same_text(&version, &product.version);
            at.extend(version_at);
        }
        derived.push(("assurance.names_product", names, at));
    }
    if let Some((name, at)) = get(assembly, "assurance.supplier_name") {
        derived.push((
            "assurance.names_supplier",
            same_org(&name, &product.supplier),
            at,
        ));
    }
    for (path, value, at) in derived {
        assembly.set_derived(None, path, FactValue::Bool(value), at);
    }
}

/// `provenance.subject_matches_artifact`: whether a provenance subject is an
/// artefact the manifest declares. Set only when both are given.
pub(super) fn provenance(assembly: &mut Assembly, product: &Product, manifest_sha256: &str) {
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
