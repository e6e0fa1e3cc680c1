//! assure checks itself: its own SBOM is current, and the baseline's verdict
//! on assure as a submission is the one the README documents.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::collections::{BTreeMap, BTreeSet};

use crate::common::{assure, root};

const AS_OF: &str = "2025-09-22T00:00:00Z";

/// `name@version` of every crate the `assure` binary is built from, read from
/// `Cargo.lock` alone: the packages reachable from `assure-cli`, following
/// every dependency edge except the dev-dependencies of our own crates (the
/// lock file does not tell them apart, so each member's `Cargo.toml` does).
/// The lock file does not record which platform an edge is for, so this is
/// the graph for every platform: what the SBOM describes.
fn crates_in_the_lock_file() -> BTreeSet<String> {
    let lock: toml::Table = std::fs::read_to_string(root().join("Cargo.lock"))
        .unwrap()
        .parse()
        .unwrap();
    let mut by_name: BTreeMap<String, Vec<&toml::Table>> = BTreeMap::new();
    for package in lock["package"].as_array().unwrap() {
        let package = package.as_table().unwrap();
        let name = package["name"].as_str().unwrap().to_owned();
        by_name.entry(name).or_default().push(package);
    }
    // A lock entry names a dependency `name` when one version is locked, else
    // `name version`.
    let resolve = |dependency: &str| -> &toml::Table {
        let mut parts = dependency.split(' ');
        let name = parts.next().unwrap();
        let candidates = &by_name[name];
        match parts.next() {
            None => candidates.first().unwrap(),
            Some(version) => candidates
                .iter()
                .find(|p| p["version"].as_str() == Some(version))
                .unwrap(),
        }
    };
    let mut seen = BTreeSet::new();
    let mut stack = vec![resolve("assure-cli")];
    while let Some(package) = stack.pop() {
        let name = package["name"].as_str().unwrap();
        let version = package["version"].as_str().unwrap();
        if !seen.insert(format!("{name}@{version}")) {
            continue;
        }
        let dev_only = if package.contains_key("source") {
            BTreeSet::new()
        } else {
            dev_only_dependencies(name)
        };
        for dependency in package
            .get("dependencies")
            .and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
        {
            let target = resolve(dependency.as_str().unwrap());
            if !dev_only.contains(target["name"].as_str().unwrap()) {
                stack.push(target);
            }
        }
    }
    seen
}

/// The dev-dependencies of one of our crates that are not also normal or
/// build dependencies.
fn dev_only_dependencies(member: &str) -> BTreeSet<String> {
    let workspace: toml::Table = std::fs::read_to_string(root().join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    for dir in workspace["workspace"]["members"].as_array().unwrap() {
        let manifest: toml::Table =
            std::fs::read_to_string(root().join(dir.as_str().unwrap()).join("Cargo.toml"))
                .unwrap()
                .parse()
                .unwrap();
        if manifest["package"]["name"].as_str() != Some(member) {
            continue;
        }
        let keys = |table: &str| -> BTreeSet<String> {
            manifest
                .get(table)
                .and_then(toml::Value::as_table)
                .map(|t| t.keys().cloned().collect())
                .unwrap_or_default()
        };
        let mut normal = keys("dependencies");
        normal.extend(keys("build-dependencies"));
        for target in manifest
            .get("target")
            .and_then(toml::Value::as_table)
            .into_iter()
            .flat_map(|t| t.values())
        {
            for table in ["dependencies", "build-dependencies"] {
                normal.extend(
                    target
                        .get(table)
                        .and_then(toml::Value::as_table)
                        .into_iter()
                        .flat_map(|t| t.keys().cloned()),
                );
            }
        }
        return keys("dev-dependencies")
            .difference(&normal)
            .cloned()
            .collect();
    }
    panic!("`{member}` is not a workspace member");
}

fn sbom() -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(root().join("sbom/assure.cdx.json")).unwrap()).unwrap()
}

/// `name@version` of the SBOM's subject and of every component it lists.
fn crates_in_the_sbom(sbom: &serde_json::Value) -> BTreeSet<String> {
    let component = |c: &serde_json::Value| {
        format!(
            "{}@{}",
            c["name"].as_str().unwrap(),
            c["version"].as_str().unwrap()
        )
    };
    let mut crates: BTreeSet<String> = sbom["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(component)
        .collect();
    crates.insert(component(&sbom["metadata"]["component"]));
    crates
}

#[test]
fn the_committed_sbom_lists_exactly_the_crates_of_the_lock_file_assure_is_built_from() {
    let sbom = sbom();
    assert_eq!(sbom["bomFormat"], "CycloneDX");
    assert_eq!(sbom["specVersion"], "1.6");
    assert_eq!(sbom["metadata"]["component"]["name"], "assure-cli");

    let expected = crates_in_the_lock_file();
    let listed = crates_in_the_sbom(&sbom);
    let missing: Vec<_> = expected.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&expected).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "sbom/assure.cdx.json is out of date with Cargo.lock (regenerate it: see sbom/README.md)\n\
         in Cargo.lock, not in the SBOM: {missing:?}\n\
         in the SBOM, not in Cargo.lock: {stale:?}"
    );
    // A real graph, not a list: assure-cli depends on the engine.
    assert!(listed.contains("assure-engine@0.1.0"));
    assert!(listed.iter().any(|c| c.starts_with("wasmtime@")));
}

#[test]
fn the_example_s_sbom_is_the_committed_one() {
    assert_eq!(
        std::fs::read(root().join("examples/assure-self/sbom.cdx.json")).unwrap(),
        std::fs::read(root().join("sbom/assure.cdx.json")).unwrap(),
        "examples/assure-self/sbom.cdx.json differs from sbom/assure.cdx.json: copy it, and its \
         SHA-256 into examples/assure-self/submission.toml"
    );
}

#[test]
fn assure_checking_itself_rejects_on_the_missing_supplier_and_lists_what_else_it_needs() {
    // README: `cargo run -p assure-cli -- check examples/assure-self`
    let output = assure()
        .args(["check", "--format", "json", "--as-of", AS_OF])
        .arg(root().join("examples/assure-self"))
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let decision: serde_json::Value = serde_json::from_slice(&output).unwrap();
    assert_eq!(decision["verdict"], "reject");
    let fired: BTreeSet<&str> = decision["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(fired, BTreeSet::from(["R5.1"]), "{decision:#}");
    let missing = decision["missing_evidence"].to_string();
    for kind in ["DTAC", "security.txt", "penetration test", "provenance"] {
        assert!(
            missing.contains(kind),
            "missing evidence lacks {kind}: {missing}"
        );
    }
}
