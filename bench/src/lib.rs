//! Benchmark support for assure: a seeded generator of realistic CycloneDX
//! SBOMs with matching OpenVEX documents, written as submissions, and the
//! Rego peer of the baseline's R1, R4 and R5.
//!
//! The same seed and size always give the same bytes, so a benchmark run can
//! be repeated on another machine.
//!
//! ```
//! let generated = assure_bench::generate(100, 7);
//! assert_eq!(generated.components, 100);
//! assert_eq!(generated, assure_bench::generate(100, 7));
//! ```

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Value, json};
use sha2::{Digest, Sha256, Sha512};

/// The product every generated submission is about.
pub const PRODUCT_NAME: &str = "Generated Care Platform";
/// Its version.
pub const PRODUCT_VERSION: &str = "3.1.0";
/// Its supplier.
pub const SUPPLIER: &str = "Benchmark Health Ltd";
/// Its package URL (the SBOM's `metadata.component`).
pub const PRODUCT_PURL: &str = "pkg:maven/uk.co.benchmarkhealth/care-platform@3.1.0";

/// Rego rules equivalent to the baseline's R1, R4 and R5, over the raw
/// SBOM and VEX JSON (input `{"product": …, "sbom": …, "vex": …}`) and the
/// known-exploited catalogue as data (`data.kev`).
pub const REGO: &str = include_str!("../rego/nhs.rego");

/// The rule the peer evaluates: the set of denials.
pub const REGO_RULE: &str = "data.assure.nhs.deny";

/// A generated SBOM and VEX document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Components in the SBOM (not counting the product itself).
    pub components: usize,
    /// VEX statements.
    pub statements: usize,
    /// The CycloneDX 1.6 JSON SBOM.
    pub sbom: Vec<u8>,
    /// The OpenVEX 0.2.0 JSON document.
    pub vex: Vec<u8>,
}

/// SplitMix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        let n = u64::try_from(n.max(1)).unwrap_or(u64::MAX);
        usize::try_from(self.next() % n).unwrap_or(0)
    }

    /// One of `items`, chosen by weight (`fallback` for an empty list).
    fn weighted<T: Copy>(&mut self, items: &[(T, usize)], fallback: T) -> T {
        let total: usize = items.iter().map(|(_, w)| w).sum();
        let mut pick = self.below(total);
        for (item, weight) in items {
            if pick < *weight {
                return *item;
            }
            pick -= weight;
        }
        fallback
    }

    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("x")
    }
}

const WORDS: &[&str] = &[
    "acorn", "amber", "anchor", "apex", "arrow", "atlas", "aurora", "beacon", "birch", "blaze",
    "bolt", "bridge", "brook", "canyon", "cedar", "cinder", "cloud", "comet", "coral", "crest",
    "delta", "drift", "ember", "falcon", "fern", "flint", "forge", "frost", "garnet", "glacier",
    "grove", "harbor", "hazel", "helix", "horizon", "iris", "jade", "juniper", "kernel", "lagoon",
    "lantern", "lark", "lumen", "maple", "meadow", "mesa", "nova", "oak", "onyx", "orbit",
    "pebble", "pine", "prism", "quartz", "quill", "raven", "reef", "ridge", "river", "sage",
    "sierra", "spark", "spruce", "stone", "summit", "tide", "timber", "vale", "vertex", "willow",
    "zephyr",
];

const SUFFIXES: &[&str] = &[
    "core", "utils", "client", "parser", "http", "json", "logging", "config", "auth", "crypto",
    "io", "cache", "codec", "runtime", "streams", "xml", "test", "api", "db", "metrics",
];

const LICENCES: &[(&str, usize)] = &[
    ("Apache-2.0", 35),
    ("MIT", 35),
    ("BSD-3-Clause", 10),
    ("ISC", 5),
    ("BSD-2-Clause", 4),
    ("MPL-2.0", 3),
    ("EPL-2.0", 3),
    ("LGPL-2.1-only", 2),
    ("Apache-2.0 OR MIT", 3),
];

#[derive(Clone, Copy)]
enum Ecosystem {
    Maven,
    Npm,
    Pypi,
    Golang,
    Cargo,
}

const ECOSYSTEMS: &[(Ecosystem, usize)] = &[
    (Ecosystem::Maven, 40),
    (Ecosystem::Npm, 30),
    (Ecosystem::Pypi, 15),
    (Ecosystem::Golang, 10),
    (Ecosystem::Cargo, 5),
];

/// Known-exploited vulnerabilities (all in the bundle's catalogue), stated
/// fixed or justified not_affected, so that R1 has work to do.
const KNOWN_EXPLOITED: &[&str] = &[
    "CVE-2021-44228",
    "CVE-2022-22965",
    "CVE-2017-5638",
    "CVE-2021-45046",
    "CVE-2023-46604",
];

const JUSTIFICATIONS: &[&str] = &[
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
];

struct Component {
    purl: String,
    value: Value,
}

/// One component: a realistic purl, name, version, hashes and licence.
fn component(rng: &mut Rng, index: usize, taken: &mut BTreeSet<String>) -> Component {
    let version = format!("{}.{}.{}", rng.below(12), rng.below(30), rng.below(20));
    let ecosystem = rng.weighted(ECOSYSTEMS, Ecosystem::Maven);
    let (mut group, mut name) = (String::new(), String::new());
    for attempt in 0.. {
        let a = rng.pick(WORDS);
        let b = rng.pick(SUFFIXES);
        let unique = if attempt > 3 {
            format!("-{index}")
        } else {
            String::new()
        };
        (group, name) = match ecosystem {
            Ecosystem::Maven => (
                format!("org.{}.{}", rng.pick(WORDS), a),
                format!("{a}-{b}{unique}"),
            ),
            Ecosystem::Npm if rng.below(3) == 0 => {
                (format!("@{}", rng.pick(WORDS)), format!("{a}-{b}{unique}"))
            }
            Ecosystem::Golang => (
                format!("github.com/{}", rng.pick(WORDS)),
                format!("{a}{unique}"),
            ),
            Ecosystem::Npm | Ecosystem::Pypi | Ecosystem::Cargo => {
                (String::new(), format!("{a}-{b}{unique}"))
            }
        };
        if taken.insert(format!("{group}/{name}")) {
            break;
        }
    }
    let purl = match ecosystem {
        Ecosystem::Maven => format!("pkg:maven/{group}/{name}@{version}"),
        Ecosystem::Npm if group.is_empty() => format!("pkg:npm/{name}@{version}"),
        Ecosystem::Npm => format!("pkg:npm/{}/{name}@{version}", group.replacen('@', "%40", 1)),
        Ecosystem::Pypi => format!("pkg:pypi/{name}@{version}"),
        Ecosystem::Golang => format!("pkg:golang/{group}/{name}@v{version}"),
        Ecosystem::Cargo => format!("pkg:cargo/{name}@{version}"),
    };
    let digest_input = format!("{purl}#{}", rng.next());
    let mut hashes = vec![json!({
        "alg": "SHA-256",
        "content": hex::encode(Sha256::digest(digest_input.as_bytes())),
    })];
    if rng.below(10) < 3 {
        hashes.push(
            json!({"alg": "SHA-1", "content": hex::encode(Sha256::digest(purl.as_bytes())).get(..40).unwrap_or_default()}),
        );
    }
    if rng.below(10) == 0 {
        hashes.push(json!({"alg": "SHA-512", "content": hex::encode(Sha512::digest(digest_input.as_bytes()))}));
    }
    let licence = rng.weighted(LICENCES, "MIT");
    let licences = if licence.contains(" OR ") {
        json!([{ "expression": licence }])
    } else {
        json!([{ "license": { "id": licence } }])
    };
    let mut value = json!({
        "type": "library",
        "bom-ref": purl,
    });
    if let Value::Object(map) = &mut value {
        if !group.is_empty() && matches!(ecosystem, Ecosystem::Maven | Ecosystem::Npm) {
            map.insert("group".into(), json!(group));
        }
        map.insert("name".into(), json!(name));
        map.insert("version".into(), json!(version));
        map.insert(
            "scope".into(),
            json!(if rng.below(10) == 0 {
                "optional"
            } else {
                "required"
            }),
        );
        map.insert("hashes".into(), Value::Array(hashes));
        map.insert("licenses".into(), licences);
        map.insert("purl".into(), json!(purl));
    }
    Component { purl, value }
}

/// A CycloneDX SBOM of `components` components with a dependency graph, and
/// an OpenVEX document with statements about about 2% of them, from `seed`.
pub fn generate(components: usize, seed: u64) -> Generated {
    let mut rng = Rng(seed ^ 0x5eed_a55e_5eed_a55e);
    let mut taken = BTreeSet::new();
    let list: Vec<Component> = (0..components)
        .map(|i| component(&mut rng, i, &mut taken))
        .collect();

    // A DAG: the product depends on the first dozen; each component on up to
    // four later ones.
    let mut dependencies = Vec::with_capacity(components + 1);
    dependencies.push(json!({
        "ref": PRODUCT_PURL,
        "dependsOn": list.iter().take(12).map(|c| c.purl.clone()).collect::<Vec<_>>(),
    }));
    for (i, c) in list.iter().enumerate() {
        let later = components - i - 1;
        let count = if later == 0 {
            0
        } else {
            rng.below(5).min(later)
        };
        let mut targets = BTreeSet::new();
        for _ in 0..count {
            let j = i + 1 + rng.below(later);
            if let Some(target) = list.get(j) {
                targets.insert(target.purl.clone());
            }
        }
        dependencies.push(json!({ "ref": c.purl, "dependsOn": targets }));
    }

    let sbom = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{}", uuid_like(&mut rng)),
        "version": 1,
        "metadata": {
            "timestamp": "2026-10-01T09:00:00Z",
            "tools": { "components": [{
                "type": "application", "group": "org.cyclonedx",
                "name": "cyclonedx-maven-plugin", "version": "2.9.1"
            }]},
            "component": {
                "type": "application",
                "bom-ref": PRODUCT_PURL,
                "supplier": { "name": SUPPLIER },
                "group": "uk.co.benchmarkhealth",
                "name": PRODUCT_NAME,
                "version": PRODUCT_VERSION,
                "purl": PRODUCT_PURL,
            },
            "supplier": { "name": SUPPLIER, "url": ["https://benchmarkhealth.example"] },
        },
        "components": list.iter().map(|c| c.value.clone()).collect::<Vec<_>>(),
        "dependencies": dependencies,
    });

    let statements: Vec<Value> = (0..(components / 50).max(2).min(components.max(1)))
        .map(|k| statement(&mut rng, k, &list))
        .collect();
    let vex = json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": format!("https://benchmarkhealth.example/vex/{}", uuid_like(&mut rng)),
        "author": "Benchmark Health Ltd Product Security",
        "role": "Document Creator",
        "timestamp": "2026-10-02T10:00:00Z",
        "version": 1,
        "statements": statements,
    });
    Generated {
        components,
        statements: statements.len(),
        sbom: serde_json::to_vec_pretty(&sbom).unwrap_or_default(),
        vex: serde_json::to_vec_pretty(&vex).unwrap_or_default(),
    }
}

/// One VEX statement about a component: mostly not_affected (justified) or
/// fixed, some affected or under investigation.
fn statement(rng: &mut Rng, k: usize, list: &[Component]) -> Value {
    let subject = list
        .get(rng.below(list.len()))
        .map_or(PRODUCT_PURL, |c| c.purl.as_str());
    let vulnerability = match KNOWN_EXPLOITED.get(k) {
        Some(kev) => (*kev).to_owned(),
        None => format!("CVE-{}-{}", 2019 + rng.below(7), 10_000 + rng.below(50_000)),
    };
    let status = if k < KNOWN_EXPLOITED.len() {
        if k.is_multiple_of(2) {
            "fixed"
        } else {
            "not_affected"
        }
    } else {
        rng.weighted(
            &[
                ("not_affected", 55),
                ("fixed", 30),
                ("affected", 10),
                ("under_investigation", 5),
            ],
            "not_affected",
        )
    };
    let mut value = json!({
        "vulnerability": {
            "@id": format!("https://nvd.nist.gov/vuln/detail/{vulnerability}"),
            "name": vulnerability,
        },
        "products": [{
            "@id": PRODUCT_PURL,
            "subcomponents": [{ "@id": subject }],
        }],
        "status": status,
    });
    if let Value::Object(map) = &mut value {
        match status {
            "not_affected" => {
                map.insert("justification".into(), json!(rng.pick(JUSTIFICATIONS)));
                map.insert(
                    "impact_statement".into(),
                    json!(format!(
                        "The vulnerable code in {subject} is not reachable from the product's entry points."
                    )),
                );
            }
            "affected" => {
                map.insert(
                    "action_statement".into(),
                    json!("Upgrade to the next patch release when it is published."),
                );
            }
            _ => {}
        }
    }
    value
}

fn uuid_like(rng: &mut Rng) -> String {
    let a = rng.next();
    let b = rng.next();
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        (b >> 48) & 0xfff,
        b & 0xffff_ffff_ffff
    )
}

/// Writes a submission folder: `submission.toml`, `sbom.cdx.json` and
/// `vex.openvex.json`, with their digests.
pub fn write_submission(dir: &Path, generated: &Generated) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("sbom.cdx.json"), &generated.sbom)?;
    std::fs::write(dir.join("vex.openvex.json"), &generated.vex)?;
    let mut manifest = format!(
        "# Generated by assure-gen: {} components, {} VEX statements.\n\
         [product]\nname = \"{PRODUCT_NAME}\"\nversion = \"{PRODUCT_VERSION}\"\n\
         supplier = \"{SUPPLIER}\"\nidentifiers = [\"{PRODUCT_PURL}\"]\n",
        generated.components, generated.statements
    );
    for (path, media_type, bytes) in [
        (
            "sbom.cdx.json",
            "application/vnd.cyclonedx+json",
            &generated.sbom,
        ),
        (
            "vex.openvex.json",
            "application/openvex+json",
            &generated.vex,
        ),
    ] {
        let _ = write!(
            manifest,
            "\n[[evidence]]\npath = \"{path}\"\nmedia_type = \"{media_type}\"\nsha256 = \"{}\"\n",
            hex::encode(Sha256::digest(bytes))
        );
    }
    std::fs::write(dir.join("submission.toml"), manifest)
}

/// The peer's input: the product, and the SBOM and VEX as they are (the
/// peer parses them).
pub fn rego_input(sbom: &[u8], vex: &[u8]) -> String {
    let mut input = String::with_capacity(sbom.len() + vex.len() + 100);
    input.push_str("{\"product\":{\"version\":\"");
    input.push_str(PRODUCT_VERSION);
    input.push_str("\"},\"sbom\":");
    input.push_str(&String::from_utf8_lossy(sbom));
    input.push_str(",\"vex\":");
    input.push_str(&String::from_utf8_lossy(vex));
    input.push('}');
    input
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_bytes_and_another_seed_does_not() {
        assert_eq!(generate(300, 1), generate(300, 1));
        assert_ne!(generate(300, 1).sbom, generate(300, 2).sbom);
    }

    #[test]
    fn components_are_unique_and_well_formed() {
        let generated = generate(2_000, 42);
        let sbom: Value = serde_json::from_slice(&generated.sbom).unwrap();
        let components = sbom["components"].as_array().unwrap();
        assert_eq!(components.len(), 2_000);
        let refs: BTreeSet<&str> = components
            .iter()
            .map(|c| c["bom-ref"].as_str().unwrap())
            .collect();
        assert_eq!(refs.len(), 2_000, "every bom-ref is unique");
        for c in components {
            assert!(c["purl"].as_str().unwrap().starts_with("pkg:"));
            assert_eq!(c["hashes"][0]["content"].as_str().unwrap().len(), 64);
        }
        // Every dependency names a listed component: no dangling references.
        for d in sbom["dependencies"].as_array().unwrap() {
            for target in d["dependsOn"].as_array().unwrap() {
                assert!(refs.contains(target.as_str().unwrap()));
            }
        }
        let vex: Value = serde_json::from_slice(&generated.vex).unwrap();
        assert_eq!(vex["statements"].as_array().unwrap().len(), 40);
    }

    #[test]
    fn a_generated_submission_is_written_with_digests() {
        let dir = tempfile::tempdir().unwrap();
        write_submission(dir.path(), &generate(50, 3)).unwrap();
        let manifest = std::fs::read_to_string(dir.path().join("submission.toml")).unwrap();
        assert_eq!(manifest.matches("sha256 = ").count(), 2);
    }
}
