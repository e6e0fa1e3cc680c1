//! Each stage of a check on its own, and the whole check, on the real
//! fixtures (`examples/`, `tests/fixtures/every-format/`):
//!
//! - `plugin-call`: instantiate + call of a plugin doing trivial work (the
//!   `well-behaved` test plugin), and of the CycloneDX plugin on a minimal
//!   document: the sandbox's per-document cost;
//! - `extract`: each plugin on each fixture it reads;
//! - `stage`: the engine's own stages inside a real check (join, assembling
//!   Cedar entities, evaluating, explaining), timed by the engine;
//! - `assemble`: facts into Cedar entities, on their own;
//! - `cedar`: Cedar evaluation of the product, of every component and of
//!   every exposure;
//! - `render`: the decision as JSON;
//! - `check`: the whole check through the library, plugins compiled;
//! - `recognise`: recognising an undeclared document by its structure, on
//!   each fixture and on a generated 10,000-component SBOM whose markers
//!   come last (as cyclonedx-py writes them).
//!
//! `cargo bench -p assure-bench --bench stages [-- FILTER]`

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "benchmarks"
)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assure_engine::facts::{Assembly, FactValue, Provenance};
use assure_engine::plugin::{Extraction, LoadedPlugin};
use assure_engine::{
    Bundle, CheckOptions, Engine, LoadOptions, PluginHost, SandboxLimits, Submission, TrustedBundle,
};
use cedar_policy::{Authorizer, Context, EntityUid, Request, RestrictedExpression};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the repository")
        .to_path_buf()
}

fn options() -> CheckOptions {
    CheckOptions::at("2025-09-22T00:00:00Z".parse().unwrap())
}

fn load(folder: &str) -> Submission {
    Submission::load(&root().join(folder), &LoadOptions::default()).unwrap()
}

const FOLDERS: &[&str] = &[
    "examples/approved",
    "examples/rejected",
    "tests/fixtures/every-format",
];

fn plugin_call(c: &mut Criterion) {
    let host = PluginHost::new(SandboxLimits::default()).unwrap();
    let trivial = host
        .load(
            "well-behaved",
            &assure_tests::hostile::component("well-behaved").unwrap(),
        )
        .unwrap();
    let bundle = TrustedBundle::builtin().unwrap();
    let cyclonedx = bundle
        .plugins
        .iter()
        .find(|p| p.name == "cyclonedx")
        .unwrap();
    let cyclonedx = host.load("cyclonedx", &cyclonedx.bytes).unwrap();
    let minimal = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}"#;

    let mut group = c.benchmark_group("plugin-call");
    group.bench_function("trivial plugin", |b| {
        b.iter(|| {
            host.extract(
                &trivial,
                "sbom.cdx.json",
                "application/vnd.cyclonedx+json",
                black_box(b"{}"),
            )
            .unwrap()
        });
    });
    group.bench_function("cyclonedx, minimal document", |b| {
        b.iter(|| {
            host.extract(
                &cyclonedx,
                "sbom.cdx.json",
                "application/vnd.cyclonedx+json",
                black_box(minimal),
            )
            .unwrap()
        });
    });
    group.finish();
}

/// Each plugin the bundle routes a fixture to, loaded once.
fn loaded(host: &PluginHost, bundle: &Bundle) -> BTreeMap<String, LoadedPlugin> {
    bundle
        .plugins
        .iter()
        .map(|p| (p.name.clone(), host.load(&p.name, &p.bytes).unwrap()))
        .collect()
}

fn extract(c: &mut Criterion) {
    let host = PluginHost::new(SandboxLimits::default()).unwrap();
    let bundle = TrustedBundle::builtin().unwrap();
    let plugins = loaded(&host, &bundle);
    let mut group = c.benchmark_group("extract");
    for folder in ["examples/approved", "tests/fixtures/every-format"] {
        let submission = load(folder);
        let short = folder.rsplit('/').next().unwrap_or(folder);
        for evidence in &submission.evidence {
            for binary in bundle.plugins_for(&evidence.media_type) {
                let plugin = &plugins[&binary.name];
                group.bench_function(format!("{} {short}/{}", binary.name, evidence.path), |b| {
                    b.iter(|| {
                        host.extract(
                            plugin,
                            &evidence.path,
                            &evidence.media_type,
                            black_box(&evidence.bytes),
                        )
                    });
                });
            }
        }
    }
    group.finish();
}

/// The time the engine recorded for `stage` over `iters` whole checks.
fn stage_time(engine: &Engine, submission: &Submission, stage: &str, iters: u64) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let (_, timings) = engine.check(submission, &options()).unwrap();
        total += timings
            .stages
            .iter()
            .filter(|(name, _)| name == stage)
            .map(|(_, took)| *took)
            .sum::<Duration>();
    }
    total
}

fn engine_stages(c: &mut Criterion) {
    let engine = Engine::new(TrustedBundle::builtin().unwrap()).unwrap();
    let mut group = c.benchmark_group("stage");
    for folder in FOLDERS {
        let submission = load(folder);
        let short = folder.rsplit('/').next().unwrap_or(folder);
        for stage in ["join", "assemble entities", "evaluate policies", "explain"] {
            group.bench_function(format!("{stage} {short}"), |b| {
                b.iter_custom(|iters| stage_time(&engine, &submission, stage, iters));
            });
        }
    }
    group.finish();
}

/// Every document's extraction, as the check makes them.
fn extractions(
    host: &PluginHost,
    bundle: &Bundle,
    plugins: &BTreeMap<String, LoadedPlugin>,
    submission: &Submission,
) -> Vec<(Provenance, Extraction)> {
    let mut out = Vec::new();
    for evidence in &submission.evidence {
        for binary in bundle.plugins_for(&evidence.media_type) {
            let plugin = &plugins[&binary.name];
            if let Ok(extraction) = host.extract(
                plugin,
                &evidence.path,
                &evidence.media_type,
                &evidence.bytes,
            ) {
                let source = Provenance {
                    document: evidence.path.clone(),
                    document_sha256: evidence.sha256.clone(),
                    plugin: plugin.name.clone(),
                    plugin_sha256: plugin.sha256.clone(),
                    location: String::new(),
                };
                out.push((source, extraction));
            }
        }
    }
    out
}

/// The facts of a submission assembled, with the two facts the engine's
/// join derives for each exposure set as the join would for these fixtures.
fn assembly(
    bundle: &Bundle,
    submission: &Submission,
    extracted: &[(Provenance, Extraction)],
) -> Assembly {
    let mut assembly = Assembly::default();
    for (source, extraction) in extracted {
        assembly.add(&bundle.vocabulary, source, extraction.clone());
    }
    assembly.finish(&submission.manifest.product);
    let exposures: Vec<(String, String)> = assembly
        .entities
        .keys()
        .filter(|(kind, _)| kind == "Exposure")
        .cloned()
        .collect();
    for key in &exposures {
        assembly.set_derived(Some(key), "matched", FactValue::Bool(true), Vec::new());
        assembly.set_derived(
            Some(key),
            "known_exploited",
            FactValue::Bool(false),
            Vec::new(),
        );
    }
    assembly
}

fn assemble(c: &mut Criterion) {
    let host = PluginHost::new(SandboxLimits::default()).unwrap();
    let bundle = TrustedBundle::builtin().unwrap();
    let plugins = loaded(&host, &bundle);
    let mut group = c.benchmark_group("assemble");
    for folder in FOLDERS {
        let submission = load(folder);
        let short = folder.rsplit('/').next().unwrap_or(folder);
        let extracted = extractions(&host, &bundle, &plugins, &submission);
        group.bench_function(format!("facts {short}"), |b| {
            b.iter_batched(
                || extracted.clone(),
                |extracted| {
                    let mut assembly = Assembly::default();
                    for (source, extraction) in extracted {
                        assembly.add(&bundle.vocabulary, &source, extraction);
                    }
                    assembly.finish(&submission.manifest.product);
                    assembly
                },
                BatchSize::SmallInput,
            );
        });
        let assembled = assembly(&bundle, &submission, &extracted);
        group.bench_function(format!("cedar entities {short}"), |b| {
            b.iter(|| assembled.to_entities(&submission.manifest.product).unwrap());
        });
    }
    group.finish();
}

fn context(submission: &Submission) -> Context {
    let profile = &submission.manifest.profile;
    let flag = |name: &str, value: bool| (name.to_owned(), RestrictedExpression::new_bool(value));
    let profile = RestrictedExpression::new_record([
        flag("patient_data", profile.effective("patient_data")),
        flag("hosted_service", profile.effective("hosted_service")),
        flag("medical_device", profile.effective("medical_device")),
        flag(
            "supplier_remote_access",
            profile.effective("supplier_remote_access"),
        ),
    ])
    .unwrap();
    Context::from_pairs([
        (
            "now".to_owned(),
            RestrictedExpression::new_datetime("2025-09-22T00:00:00Z"),
        ),
        ("profile".to_owned(), profile),
    ])
    .unwrap()
}

fn cedar(c: &mut Criterion) {
    let host = PluginHost::new(SandboxLimits::default()).unwrap();
    let bundle = TrustedBundle::builtin().unwrap();
    let plugins = loaded(&host, &bundle);
    let authorizer = Authorizer::new();
    let mut group = c.benchmark_group("cedar");
    for folder in FOLDERS {
        let submission = load(folder);
        let short = folder.rsplit('/').next().unwrap_or(folder);
        let extracted = extractions(&host, &bundle, &plugins, &submission);
        let assembled = assembly(&bundle, &submission, &extracted);
        let (entities, supplier, product) =
            assembled.to_entities(&submission.manifest.product).unwrap();
        let context = context(&submission);
        let request = |action: &str, resource: EntityUid| {
            Request::new(
                supplier.clone(),
                assure_engine::facts::uid("Action", action).unwrap(),
                resource,
                context.clone(),
                None,
            )
            .unwrap()
        };
        let of_kind = |kind: &str| -> Vec<Request> {
            assembled
                .entities
                .keys()
                .filter(|(k, _)| k == kind)
                .map(|(k, id)| request("accept", assure_engine::facts::uid(k, id).unwrap()))
                .collect()
        };
        let sets: [(&str, Vec<Request>); 3] = [
            ("product", vec![request("approve", product.clone())]),
            ("components", of_kind("Component")),
            ("exposures", of_kind("Exposure")),
        ];
        for (what, requests) in sets {
            if requests.is_empty() {
                continue;
            }
            group.bench_function(format!("{what} ({}) {short}", requests.len()), |b| {
                b.iter(|| {
                    for request in &requests {
                        black_box(authorizer.is_authorized(request, &bundle.policies, &entities));
                    }
                });
            });
        }
    }
    group.finish();
}

fn render_and_check(c: &mut Criterion) {
    let engine = Engine::new(TrustedBundle::builtin().unwrap()).unwrap();
    let mut render = c.benchmark_group("render");
    let mut decisions = Vec::new();
    for folder in FOLDERS {
        let submission = load(folder);
        let (decision, _) = engine.check(&submission, &options()).unwrap();
        decisions.push((*folder, submission, decision));
    }
    for (folder, _, decision) in &decisions {
        let short = folder.rsplit('/').next().unwrap_or(folder);
        render.bench_function(format!("json {short}"), |b| b.iter(|| decision.to_json()));
    }
    render.finish();

    let mut check = c.benchmark_group("check");
    for (folder, submission, _) in &decisions {
        let short = folder.rsplit('/').next().unwrap_or(folder);
        check.bench_function(format!("whole {short}"), |b| {
            b.iter(|| engine.check(submission, &options()).unwrap());
        });
    }
    let one_thread = Engine::builder(TrustedBundle::builtin().unwrap())
        .threads(1)
        .build()
        .unwrap();
    for (folder, submission, _) in &decisions {
        let short = folder.rsplit('/').next().unwrap_or(folder);
        check.bench_function(format!("whole, one thread {short}"), |b| {
            b.iter(|| one_thread.check(submission, &options()).unwrap());
        });
    }
    check.finish();
}

fn recognise(c: &mut Criterion) {
    let mut group = c.benchmark_group("recognise");
    for folder in FOLDERS {
        let short = folder.rsplit('/').next().unwrap_or(folder);
        let documents: Vec<(String, Vec<u8>)> = std::fs::read_dir(root().join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().is_some_and(|n| n != "submission.toml"))
            .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
            .collect();
        group.bench_function(format!("every document of {short}"), |b| {
            b.iter(|| {
                for (name, bytes) in &documents {
                    black_box(assure_engine::media::recognise(name, black_box(bytes)));
                }
            });
        });
    }
    // The markers last: every member of the generated SBOM in reverse order.
    let sbom: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&assure_bench::generate(10_000, 1).sbom).unwrap();
    let reversed: serde_json::Map<String, serde_json::Value> = sbom.into_iter().rev().collect();
    let reversed = serde_json::to_vec(&reversed).unwrap();
    group.throughput(criterion::Throughput::Bytes(reversed.len() as u64));
    group.bench_function("10k-component SBOM, markers last", |b| {
        b.iter(|| assure_engine::media::recognise("sbom.json", black_box(&reversed)));
    });
    group.finish();
}

criterion_group! {
    name = stages;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = plugin_call, extract, engine_stages, assemble, cedar, render_and_check, recognise
}
criterion_main!(stages);
