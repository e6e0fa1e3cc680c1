//! Hostile plugins beyond the basic corpus (tests/tests/e2e.rs): table
//! growth, compile-time bombs, a plugin describing someone else's product;
//! how fast each is contained; and that a hostile plugin's decision is the
//! same run after run.
//!
//! Each hostile plugin stands in for the CycloneDX plugin of the built-in
//! bundle and is run on the approved example, which approves with the real
//! plugin: so any verdict but approve is the hostile plugin's doing, and the
//! test asserts both the error a user would read and that the verdict is not
//! approve.

#![allow(
    clippy::disallowed_macros,
    reason = "a test reports what it measured or skipped"
)]
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use assure_engine::decision::Verdict;
use assure_engine::{CodeCache, Decision, Engine};
use assure_tests::{bundle_with_cyclonedx_plugin, check, example, hostile};

/// One code cache for the test process, so the built-in plugins beside the
/// hostile one are compiled once, not once per engine.
fn code_cache() -> CodeCache {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| tempfile::tempdir().unwrap());
    CodeCache::open(&dir.path().join("code")).unwrap()
}

/// An engine with the built-in policies and `plugin` in place of CycloneDX's.
fn engine_for(plugin: Vec<u8>, limits: &[(&str, u64)]) -> Engine {
    let mut builder = Engine::builder(bundle_with_cyclonedx_plugin(plugin).unwrap())
        .code_cache(Some(code_cache()));
    for (name, value) in limits {
        builder = builder.limit(name, *value);
    }
    builder.build().unwrap()
}

fn engine_with(fixture: &str, limits: &[(&str, u64)]) -> Engine {
    engine_for(hostile::component(fixture).unwrap(), limits)
}

fn approved() -> PathBuf {
    example("approved")
}

/// The one document error (the SBOM's): its kind and message.
fn sbom_error(decision: &Decision) -> (&'static str, String) {
    assure_tests::sole_document_error(decision, "sbom.cdx.json")
}

/// `fixture` in place of the CycloneDX plugin with the default limits: the
/// approved example checked twice, the first compiling, the second timed.
fn second_check_timed(fixture: &str) -> (Decision, Duration) {
    let engine = engine_with(fixture, &[]);
    check(&engine, &approved()).unwrap();
    let started = Instant::now();
    let decision = check(&engine, &approved()).unwrap();
    (decision, started.elapsed())
}

#[test]
fn table_growth_stops_at_the_table_cap() {
    let (decision, took) = second_check_timed("table-grow");
    let (kind, message) = sbom_error(&decision);
    assert_eq!(kind, "limit");
    assert!(
        message.contains("table cap reached")
            && message.contains("(limits.table_elements = 100,000 elements)"),
        "{message}"
    );
    assert_eq!(
        decision.document_errors[0].plugin.as_deref(),
        Some("cyclonedx")
    );
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
    // Contained by the limiter at once, not by the 2 s deadline.
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn table_cap_is_the_configured_one() {
    let engine = engine_with("table-grow", &[("table_elements", 5_000)]);
    let decision = check(&engine, &approved()).unwrap();
    let (kind, message) = sbom_error(&decision);
    assert_eq!(kind, "limit");
    assert!(
        message.contains("table cap reached: the plugin asked for 5001 elements (limits.table_elements = 5,000 elements)"),
        "{message}"
    );
    assert_ne!(decision.verdict, Verdict::Approve);
}

/// A compile bomb: refused before Cranelift spends unbounded time on it,
/// naming the plugin. The static pre-compile check (limits `functions`,
/// `locals`) is the lead's, in engine/src/plugin.rs.
fn assert_refused_fast(plugin: Vec<u8>, limit_words: &[&str]) {
    let engine = engine_for(plugin.clone(), &[]);
    // Loading alone: the shape check refuses it before Cranelift starts.
    let started = Instant::now();
    let refused = engine.host().load("cyclonedx", &plugin).map(|_| ());
    let took = started.elapsed();
    let refused = refused.unwrap_err().to_string();
    assert!(
        limit_words.iter().any(|w| refused.contains(w)),
        "{refused} (expected one of {limit_words:?})"
    );
    // Through a check (which also compiles the other built-in plugins).
    let decision = check(&engine, &approved()).unwrap();
    let (kind, message) = sbom_error(&decision);
    assert_eq!(kind, "plugin", "{message}");
    assert!(message.contains("cyclonedx"), "{message}");
    assert!(
        limit_words.iter().any(|w| message.contains(w)),
        "{message} (expected one of {limit_words:?})"
    );
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
    // Compiling it would take about a minute; refusing it takes a parse.
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn a_plugin_with_100000_functions_is_refused_before_compiling() {
    let started = Instant::now();
    let plugin = hostile::compile_bomb_functions(100_000).unwrap();
    eprintln!(
        "compile-bomb (functions): {} bytes, built in {:?}",
        plugin.len(),
        started.elapsed()
    );
    assert_refused_fast(plugin, &["(limits.functions = 10,000 functions)"]);
}

#[test]
fn a_plugin_with_50000_locals_per_function_is_refused_before_compiling() {
    let started = Instant::now();
    let plugin = hostile::compile_bomb_locals(20, 50_000).unwrap();
    eprintln!(
        "compile-bomb (locals): {} bytes, built in {:?}",
        plugin.len(),
        started.elapsed()
    );
    assert_refused_fast(plugin, &["(limits.locals = 100,000 locals)"]);
}

#[test]
fn entities_of_another_supplier_or_product_are_refused() {
    let engine = engine_with("other-product", &[]);
    let decision = check(&engine, &approved()).unwrap();
    assert!(
        decision.document_errors.is_empty(),
        "{:#?}",
        decision.document_errors
    );
    let problem = |fact: &str| {
        decision
            .fact_problems
            .iter()
            .find(|p| p.fact == fact)
            .unwrap_or_else(|| panic!("no problem for {fact}: {:#?}", decision.fact_problems))
    };
    let supplier = problem("Supplier[Evil Corp]");
    assert_eq!(supplier.plugin, "cyclonedx");
    assert!(
        supplier.message.contains("entity kind `Supplier`"),
        "{}",
        supplier.message
    );
    let component = problem("Component[pkg:npm/evil@1.0.0]");
    assert_eq!(component.plugin, "cyclonedx");
    assert!(
        component.message.contains("Product[OtherProduct]"),
        "{}",
        component.message
    );
    // The rules saw no supplier entity, and the component under no other
    // product.
    let entities = &decision.facts.entities;
    assert!(
        entities.iter().all(|e| e.kind != "Supplier"),
        "{entities:#?}"
    );
    let evil = entities
        .iter()
        .find(|e| e.id == "pkg:npm/evil@1.0.0")
        .unwrap();
    assert!(evil.parents.is_empty(), "{:?}", evil.parents);
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
}

#[test]
fn deadline_is_kept_within_a_margin() {
    // A short deadline, so the margin is what is measured.
    let deadline = Duration::from_millis(500);
    for fixture in ["infinite-loop", "start-loop"] {
        let engine = engine_with(fixture, &[("deadline_ms", 500)]);
        // The first check compiles every plugin; time the second, which is
        // the sandbox's containment alone.
        check(&engine, &approved()).unwrap();
        let started = Instant::now();
        let decision = check(&engine, &approved()).unwrap();
        let took = started.elapsed();
        let (kind, message) = sbom_error(&decision);
        // A loop in the start function stops `describe`, so the plugin
        // cannot be loaded: a `plugin` error naming the deadline.
        let expected = if fixture == "start-loop" {
            "plugin"
        } else {
            "limit"
        };
        assert_eq!(kind, expected, "{fixture}: {message}");
        assert!(
            message.contains("deadline exceeded (limits.deadline_ms = 500 milliseconds)"),
            "{fixture}: {message}"
        );
        assert_ne!(decision.verdict, Verdict::Approve);
        assert!(
            took < deadline + Duration::from_secs(3),
            "{fixture} took {took:?}"
        );
        eprintln!("{fixture}: contained in {took:?} (deadline {deadline:?})");
    }
}

#[test]
fn memory_bomb_at_the_default_cap_names_it_and_stops() {
    let (decision, took) = second_check_timed("memory-bomb");
    let (kind, message) = sbom_error(&decision);
    assert_eq!(kind, "limit");
    // The limiter refuses the grow past the cap, so the plugin's memory never
    // exceeds it.
    assert!(
        message.contains("memory cap reached")
            && message.contains("(limits.memory_bytes = 512 MiB)"),
        "{message}"
    );
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
    assert!(
        took < Duration::from_secs(2) + Duration::from_secs(3),
        "took {took:?}"
    );
    eprintln!("memory-bomb: contained in {took:?}");
}

#[test]
fn every_hostile_fixture_decides_the_same_twice() {
    // The decision JSON carries no timings: even the wall-clock deadline cases
    // must give byte-identical decisions.
    let limits = [("deadline_ms", 500), ("memory_bytes", 64 * 1024 * 1024)];
    for fixture in hostile::ALL {
        let engine = engine_with(fixture, &limits);
        let first = check(&engine, &approved()).unwrap();
        let second = check(&engine, &approved()).unwrap();
        // A fresh engine too: nothing carried over in the plugin cache.
        let third = check(&engine_with(fixture, &limits), &approved()).unwrap();
        assert_ne!(first.verdict, Verdict::Approve, "{fixture}");
        assert_eq!(first.to_json(), second.to_json(), "{fixture}");
        assert_eq!(first.to_json(), third.to_json(), "{fixture}");
    }
}
