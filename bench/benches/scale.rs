//! The whole check against its floor and a peer, on generated submissions of
//! 100, 1,000, 10,000 and 50,000 components (a CycloneDX SBOM and a matching
//! OpenVEX document; `assure_bench::generate`, seed 1):
//!
//! - `assure`: the whole check through the library, warm (plugins compiled),
//!   with the NHS baseline (every rule);
//! - `assure-r1-r5`: the same with a bundle of only the rules the peer has
//!   (R1–R3 in `vulnerabilities.cedar`, R4 and R5 in `sbom.cedar`);
//! - `floor`: `serde_json::from_slice` of the same two documents into
//!   `serde_json::Value`;
//! - `regorus`: Microsoft's Rego engine evaluating R1, R4 and R5
//!   (`bench/rego/nhs.rego`) over the same raw JSON, parsing included.
//!
//! `cargo bench -p assure-bench --bench scale [-- FILTER]`; `ASSURE_BENCH_SIZES=100,1000`
//! picks the sizes.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "benchmarks"
)]

use std::hint::black_box;
use std::time::Duration;

use assure_bench::{REGO, REGO_RULE, generate, rego_input, write_submission};
use assure_engine::{Bundle, CheckOptions, Engine, LoadOptions, Submission, TrustedBundle};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn options() -> CheckOptions {
    CheckOptions::at("2025-09-22T00:00:00Z".parse().unwrap())
}

/// The built-in bundle's files with only the policies the peer implements.
fn r1_to_r5_bundle() -> Bundle {
    let mut files = assure_tests::builtin_files().unwrap();
    let keep = ["approve.cedar", "sbom.cedar", "vulnerabilities.cedar"];
    files.retain(|path, _| !path.ends_with(".cedar") || keep.contains(&path.as_str()));
    let manifest = String::from_utf8(files["bundle.toml"].clone()).unwrap();
    let start = manifest.find("policies = [").expect("a policies list");
    let end = start + manifest[start..].find(']').expect("its end") + 1;
    let manifest = format!(
        "{}policies = {:?}{}",
        &manifest[..start],
        keep,
        &manifest[end..]
    );
    files.insert("bundle.toml".into(), manifest.into_bytes());
    Bundle::from_files("R1-R5", files).unwrap()
}

/// A regorus engine with the peer policy and the known-exploited catalogue.
fn regorus_engine() -> regorus::Engine {
    let mut engine = regorus::Engine::new();
    engine
        .add_policy("nhs.rego".into(), REGO.into())
        .expect("the peer policy parses");
    let kev =
        std::fs::read_to_string(assure_tests::root().join("policies/nhs-baseline/data/kev.json"))
            .unwrap();
    let mut data = String::from("{\"kev\":");
    data.push_str(&kev);
    data.push('}');
    engine
        .add_data(regorus::Value::from_json_str(&data).unwrap())
        .unwrap();
    engine
}

fn sizes() -> Vec<usize> {
    std::env::var("ASSURE_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100, 1_000, 10_000, 50_000])
}

fn scale(c: &mut Criterion) {
    let baseline = Engine::new(TrustedBundle::builtin().unwrap()).unwrap();
    let peer_rules = Engine::new(TrustedBundle::authors_own(r1_to_r5_bundle())).unwrap();
    let regorus = regorus_engine();
    let dir = tempfile::tempdir().unwrap();

    for n in sizes() {
        let generated = generate(n, 1);
        let folder = dir.path().join(n.to_string());
        write_submission(&folder, &generated).unwrap();
        let submission = Submission::load(&folder, &LoadOptions::default()).unwrap();
        // Warm: compile the plugins before measuring.
        baseline.check(&submission, &options()).unwrap();
        peer_rules.check(&submission, &options()).unwrap();
        let input = rego_input(&generated.sbom, &generated.vex);
        {
            let mut engine = regorus.clone();
            engine.set_input(regorus::Value::from_json_str(&input).unwrap());
            let denials = engine.eval_rule(REGO_RULE.into()).unwrap();
            assert!(
                denials.as_set().is_ok(),
                "the peer returns a set of denials"
            );
        }

        let mut group = c.benchmark_group(format!("scale/{n}"));
        group.throughput(Throughput::Elements(n as u64));
        if n >= 10_000 {
            group.sample_size(10);
            group.measurement_time(Duration::from_secs(20));
        }
        group.bench_function("assure", |b| {
            b.iter(|| baseline.check(&submission, &options()).unwrap());
        });
        group.bench_function("assure-r1-r5", |b| {
            b.iter(|| peer_rules.check(&submission, &options()).unwrap());
        });
        group.bench_function("floor", |b| {
            b.iter(|| {
                let sbom: serde_json::Value =
                    serde_json::from_slice(black_box(&generated.sbom)).unwrap();
                let vex: serde_json::Value =
                    serde_json::from_slice(black_box(&generated.vex)).unwrap();
                (sbom, vex)
            });
        });
        group.bench_function("regorus", |b| {
            b.iter(|| {
                let mut engine = regorus.clone();
                engine.set_input(regorus::Value::from_json_str(black_box(&input)).unwrap());
                engine.eval_rule(REGO_RULE.into()).unwrap()
            });
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    targets = scale
}
criterion_main!(benches);
