//! Every limit: a bundle sets it within its hard ceiling, a breach names
//! it, and docs/LIMITS.md lists them as the engine enforces them.

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use assure_engine::decision::Verdict;
use assure_engine::{Bundle, Engine, Submission, TrustedBundle};
use assure_tests::{as_of, builtin_files, example, hostile, root};

/// The built-in bundle's files with `[limits]` appended to `bundle.toml`
/// and, when given, the CycloneDX plugin replaced.
fn files_with(limits: &str, cyclonedx: Option<Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    let mut files = builtin_files().unwrap();
    let manifest = files.get_mut("bundle.toml").unwrap();
    manifest.extend_from_slice(format!("\n[limits]\n{limits}\n").as_bytes());
    if let Some(plugin) = cyclonedx {
        files.insert("plugins/cyclonedx.wasm".to_owned(), plugin);
    }
    files
}

fn bundle_with(limits: &str, cyclonedx: Option<Vec<u8>>) -> Result<Bundle, String> {
    Bundle::from_files("limits test", files_with(limits, cyclonedx)).map_err(|e| e.to_string())
}

/// Checks `folder` the way `assure check` does: the bundle's limits for the
/// submission and for the plugins.
fn check(bundle: Bundle, folder: &std::path::Path) -> Result<assure_engine::Decision, String> {
    let engine = Engine::new(TrustedBundle::authors_own(bundle)).map_err(|e| e.to_string())?;
    let submission =
        Submission::load(folder, &engine.load_options(false)).map_err(|e| e.to_string())?;
    engine
        .check(&submission, &as_of())
        .map(|(d, _)| d)
        .map_err(|e| e.to_string())
}

fn the_sbom_error(decision: &assure_engine::Decision) -> String {
    let errors: Vec<_> = decision
        .document_errors
        .iter()
        .filter(|e| e.document == "sbom.cdx.json")
        .collect();
    assert_eq!(errors.len(), 1, "{:#?}", decision.document_errors);
    assert_eq!(errors[0].kind, "limit", "{:?}", errors[0]);
    errors[0].message.clone()
}

#[test]
fn a_bundle_sets_the_deadline_and_the_breach_names_it() {
    let bundle = bundle_with(
        "deadline_ms = 300",
        Some(hostile::component("infinite-loop").unwrap()),
    )
    .unwrap();
    assert_eq!(bundle.limits.get("deadline_ms"), Some(300));
    let started = Instant::now();
    let decision = check(bundle, &example("approved")).unwrap();
    let took = started.elapsed();
    let message = the_sbom_error(&decision);
    assert!(
        message.contains("deadline exceeded (limits.deadline_ms = 300 milliseconds)"),
        "{message}"
    );
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
    // The whole check, other plugins' compilation included, in far less than
    // the default 2 s deadline would allow the loop alone.
    assert!(took < Duration::from_secs(30), "took {took:?}");
}

#[test]
fn a_bundle_sets_fuel_memory_and_tables() {
    let cases = [
        (
            "fuel = 5000000",
            "infinite-loop",
            "limits.fuel = 5,000,000 units",
        ),
        (
            "memory_bytes = 33554432",
            "memory-bomb",
            "limits.memory_bytes = 32 MiB",
        ),
    ];
    for (limits, fixture, named) in cases {
        let bundle = bundle_with(limits, Some(hostile::component(fixture).unwrap())).unwrap();
        let decision = check(bundle, &example("approved")).unwrap();
        let message = the_sbom_error(&decision);
        assert!(message.contains(named), "{fixture}: {message}");
        assert_ne!(decision.verdict, Verdict::Approve, "{fixture}");
    }
}

#[test]
fn a_bundle_sets_the_nesting_depth() {
    // examples/approved's SBOM nests a few levels; allow fewer.
    let bundle = bundle_with("nesting_depth = 2", None).unwrap();
    let decision = check(bundle, &example("approved")).unwrap();
    let message = the_sbom_error(&decision);
    assert!(
        message.contains("nests arrays and objects more deeply than allowed, at line")
            && message.contains("(limits.nesting_depth = 2 levels)"),
        "{message}"
    );
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
}

#[test]
fn a_bundle_sets_the_input_and_output_caps() {
    let bundle = bundle_with("input_bytes = 100", None).unwrap();
    let decision = check(bundle, &example("approved")).unwrap();
    assert!(
        the_sbom_error(&decision)
            .contains("more than a plugin may read (limits.input_bytes = 100 bytes)")
    );
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);

    let bundle = bundle_with(
        "output_base_bytes = 64\noutput_per_input_byte = 1\noutput_bytes = 256",
        None,
    )
    .unwrap();
    let decision = check(bundle, &example("approved")).unwrap();
    let message = the_sbom_error(&decision);
    assert!(
        message.contains("limits.output_base_bytes + limits.output_per_input_byte")
            && message.contains("limits.output_bytes = 256 bytes"),
        "{message}"
    );
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
}

#[test]
fn a_bundle_sets_the_plugin_shape_limits() {
    // The real CycloneDX plugin defines more than ten functions and more
    // than a hundred locals: it is refused before it is compiled.
    for (limits, named) in [
        ("functions = 10", "(limits.functions = 10 functions)"),
        ("locals = 100", "(limits.locals = 100 locals)"),
        ("plugin_bytes = 1000", "(limits.plugin_bytes = 1,000 bytes)"),
    ] {
        let bundle = bundle_with(limits, None).unwrap();
        let decision = check(bundle, &example("approved")).unwrap();
        let errors: Vec<_> = decision
            .document_errors
            .iter()
            .filter(|e| e.document == "sbom.cdx.json")
            .collect();
        assert_eq!(errors.len(), 1, "{limits}: {:#?}", decision.document_errors);
        assert!(
            errors[0].message.contains(named) && errors[0].message.contains("cyclonedx"),
            "{limits}: {:?}",
            errors[0]
        );
        assert_eq!(decision.verdict, Verdict::NeedsEvidence, "{limits}");
    }
}

#[test]
fn a_bundle_sets_the_submission_limits() {
    for (limits, named) in [
        ("files = 2", "more than allowed (limits.files = 2 files)"),
        (
            "file_bytes = 2048",
            "larger than allowed (limits.file_bytes = 2,048 bytes)",
        ),
        (
            "total_bytes = 4096",
            "more than allowed (limits.total_bytes = 4,096 bytes)",
        ),
        (
            "manifest_bytes = 64",
            "larger than allowed (limits.manifest_bytes = 64 bytes)",
        ),
    ] {
        let bundle = bundle_with(limits, None).unwrap();
        let error = check(bundle, &example("approved")).unwrap_err();
        assert!(error.contains(named), "{limits}: {error}");
    }
}

#[test]
fn limits_outside_their_ceilings_refuse_the_bundle() {
    for (limits, expected) in [
        (
            "deadline_ms = 600000",
            "`limits.deadline_ms` = 600000 is outside what assure allows: it must be between 1 and 60000 milliseconds",
        ),
        (
            "memory_bytes = 0",
            "`limits.memory_bytes` = 0 is outside what assure allows",
        ),
        (
            "nesting_depth = 1000",
            "`limits.nesting_depth` = 1000 is outside what assure allows: it must be between 1 and 128 levels",
        ),
        (
            "timeout = 5",
            "`limits.timeout` is not a limit assure knows",
        ),
    ] {
        let error = bundle_with(limits, None).unwrap_err();
        assert!(
            error.contains("`bundle.toml` is invalid") && error.contains(expected),
            "{limits}: {error}"
        );
    }
    let error = bundle_with("deadline_ms = \"fast\"", None).unwrap_err();
    assert!(error.contains("`bundle.toml` is invalid"), "{error}");
}

#[test]
fn the_engine_refuses_limits_above_their_ceilings() {
    let bundle = TrustedBundle::builtin().unwrap();
    let error = Engine::builder(bundle)
        .limit("deadline_ms", 3_600_000)
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("`limits.deadline_ms` = 3600000 is outside what assure allows"),
        "{error}"
    );
}

#[test]
fn the_limits_document_lists_every_limit_as_enforced() {
    let doc = std::fs::read_to_string(root().join("docs").join("LIMITS.md")).unwrap();
    let table = assure_engine::limits::markdown_table();
    assert!(
        doc.contains(&table),
        "docs/LIMITS.md's table differs from engine/src/limits.rs; it should read:\n{table}"
    );
}
