//! End to end through the engine library: submissions in, decisions out.
//! Each test names what it guards.

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::time::{Duration, Instant};

use assure_engine::decision::Verdict;
use assure_engine::{Bundle, Engine, TrustedBundle};
use assure_tests::{
    builtin_engine, builtin_files, bundle_with_cyclonedx_plugin, check, example, hostile,
};

fn engine_with(fixture: &str, limits: &[(&str, u64)]) -> Engine {
    engine_for(hostile::component(fixture).unwrap(), limits)
}

/// An engine with the built-in policies and `plugin` in place of CycloneDX's.
fn engine_for(plugin: Vec<u8>, limits: &[(&str, u64)]) -> Engine {
    let mut builder = Engine::builder(bundle_with_cyclonedx_plugin(plugin).unwrap());
    for (name, value) in limits {
        builder = builder.limit(name, *value);
    }
    builder.build().unwrap()
}

/// Runs a hostile plugin on the approved example and returns the decision.
fn decide_with(fixture: &str) -> assure_engine::Decision {
    let engine = engine_with(fixture, &[]);
    check(&engine, &example("approved")).unwrap()
}

fn document_error(decision: &assure_engine::Decision) -> (&'static str, String) {
    assure_tests::sole_document_error(decision, "sbom.cdx.json")
}

#[test]
fn examples_give_their_verdicts() {
    let engine = builtin_engine().unwrap();
    assert_eq!(
        check(engine, &example("approved")).unwrap().verdict,
        Verdict::Approve
    );
    assert_eq!(
        check(engine, &example("rejected")).unwrap().verdict,
        Verdict::Reject
    );
    assert_eq!(
        check(engine, &example("needs-evidence")).unwrap().verdict,
        Verdict::NeedsEvidence
    );
}

#[test]
fn builtin_bundle_is_pinned_and_matches_its_source() {
    let builtin = TrustedBundle::builtin().unwrap();
    let from_source = Bundle::from_files("source", builtin_files().unwrap()).unwrap();
    assert_eq!(
        builtin.digest, from_source.digest,
        "the embedded bundle must be the one in policies/ and plugins/dist/"
    );
    assert!(builtin.rules.iter().any(|r| r.id == "R4.1"));
    assert!(builtin.rules.iter().any(|r| r.id == "R5.5"));
}

#[test]
fn well_behaved_control_plugin_is_read() {
    // The control for every hostile fixture: the same plugin without the hostile change.
    let decision = decide_with("well-behaved");
    assert!(
        decision.document_errors.is_empty(),
        "{:#?}",
        decision.document_errors
    );
    assert!(
        decision.fact_problems.is_empty(),
        "{:#?}",
        decision.fact_problems
    );
    // It only states sbom.format, so the other SBOM rules are undecided.
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
    assert_eq!(decision.missing_evidence[0].evidence, "sbom");
}

#[test]
fn infinite_loop_stops_at_the_deadline() {
    let started = Instant::now();
    let decision = decide_with("infinite-loop");
    let took = started.elapsed();
    let (kind, message) = document_error(&decision);
    assert_eq!(kind, "limit");
    assert!(
        message.contains("deadline exceeded (limits.deadline_ms = 2,000 milliseconds)"),
        "{message}"
    );
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
    // Generous bound: the default deadline is 2 s; this guards "stops", not speed.
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

#[test]
fn infinite_loop_runs_out_of_fuel_under_a_small_budget() {
    let engine = engine_with("infinite-loop", &[("fuel", 10_000_000)]);
    let decision = check(&engine, &example("approved")).unwrap();
    let (kind, message) = document_error(&decision);
    assert_eq!(kind, "limit");
    assert!(
        message.contains("fuel budget exhausted (limits.fuel = 10,000,000 units)"),
        "{message}"
    );
    assert_ne!(decision.verdict, Verdict::Approve);
}

#[test]
fn memory_bomb_hits_the_memory_cap() {
    let engine = engine_with("memory-bomb", &[("memory_bytes", 64 * 1024 * 1024)]);
    let decision = check(&engine, &example("approved")).unwrap();
    let (kind, message) = document_error(&decision);
    assert_eq!(kind, "limit");
    assert!(
        message.contains("memory cap reached")
            && message.contains("(limits.memory_bytes = 64 MiB)"),
        "{message}"
    );
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
}

#[test]
fn plugin_importing_wasi_is_refused_before_it_runs() {
    let decision = decide_with("import-wasi");
    let (kind, message) = document_error(&decision);
    assert_eq!(kind, "plugin");
    assert!(message.contains("wasi:cli/environment"), "{message}");
    assert!(message.contains("plugins may import nothing"), "{message}");
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
}

#[test]
fn plugin_importing_an_unknown_function_is_refused_before_it_runs() {
    let decision = decide_with("import-unknown");
    let (kind, message) = document_error(&decision);
    assert_eq!(kind, "plugin");
    assert!(message.contains("host-exec"), "{message}");
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
}

#[test]
fn oversized_output_is_rejected() {
    let decision = decide_with("huge-output");
    let (kind, message) = document_error(&decision);
    assert_eq!(kind, "limit");
    assert!(message.contains("limits.output_bytes"), "{message}");
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
}

#[test]
fn trap_is_a_fault_for_the_document() {
    let decision = decide_with("trap");
    let (kind, message) = document_error(&decision);
    assert_eq!(kind, "fault");
    assert!(message.contains("unreachable"), "{message}");
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
}

#[test]
fn unbounded_recursion_is_contained() {
    let decision = decide_with("deep-recursion");
    let (kind, message) = document_error(&decision);
    assert_eq!(kind, "limit");
    assert!(message.contains("stack"), "{message}");
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
}

#[test]
fn loop_in_start_function_is_contained() {
    let decision = decide_with("start-loop");
    assert_eq!(
        decision.document_errors.len(),
        1,
        "{:#?}",
        decision.document_errors
    );
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
}

#[test]
fn invalid_utf8_output_is_a_fault() {
    let decision = decide_with("invalid-utf8");
    let (kind, message) = document_error(&decision);
    assert_eq!(kind, "fault");
    assert!(message.to_lowercase().contains("utf-8"), "{message}");
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
}

#[test]
fn undeclared_fact_names_the_plugin_and_the_fact() {
    let decision = decide_with("undeclared-fact");
    let problem = &decision.fact_problems[0];
    assert_eq!(problem.plugin, "cyclonedx");
    assert_eq!(problem.fact, "sbom.no_such_fact");
    assert!(
        problem.message.contains("not declared"),
        "{}",
        problem.message
    );
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
}

#[test]
fn ill_typed_fact_names_the_plugin_the_fact_and_the_type() {
    let decision = decide_with("wrong-type-fact");
    let problem = &decision.fact_problems[0];
    assert_eq!(problem.plugin, "cyclonedx");
    assert_eq!(problem.fact, "sbom.component_count");
    assert!(
        problem
            .message
            .contains("text value, but the schema declares Long"),
        "{}",
        problem.message
    );
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
}

/// The laravel SBOM: 62 components with purls, no hashes, no supplier.
fn laravel() -> std::path::PathBuf {
    assure_tests::root()
        .join("plugins/cyclonedx/tests/fixtures/bom-examples_laravel-7.12.0_bom.1.4.json")
}

/// A submission of the approved example's SBOM and the laravel SBOM, for a
/// product named `name`.
fn two_sboms(name: &str, version: &str) -> assure_engine::Decision {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        example("approved").join("sbom.cdx.json"),
        dir.path().join("a.cdx.json"),
    )
    .unwrap();
    std::fs::copy(laravel(), dir.path().join("b.cdx.json")).unwrap();
    std::fs::write(
        dir.path().join("submission.toml"),
        format!(
            "[product]\nname = \"{name}\"\nversion = \"{version}\"\nsupplier = \"Acme, Inc.\"\n\n\
             [[evidence]]\npath = \"a.cdx.json\"\n\n[[evidence]]\npath = \"b.cdx.json\"\n"
        ),
    )
    .unwrap();
    check(builtin_engine().unwrap(), dir.path()).unwrap()
}

#[test]
fn contradictory_facts_are_reported_and_never_approve() {
    // Two SBOMs that disagree, neither of them naming the submitted product:
    // the contradicted facts are withdrawn and reported, not silently
    // overwritten by the later one.
    let decision = two_sboms("Acme Suite", "1");
    let conflicted: Vec<&str> = decision
        .fact_problems
        .iter()
        .map(|p| p.fact.as_str())
        .collect();
    assert!(
        conflicted.contains(&"sbom.strong_hash_percent"),
        "{conflicted:?}"
    );
    assert!(
        conflicted.contains(&"sbom.supplier_present"),
        "{conflicted:?}"
    );
    assert!(
        decision
            .fact_problems
            .iter()
            .all(|p| p.message.contains("contradicts"))
    );
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
    // R5.3 is not decided on either side of the contradiction.
    assert!(decision.findings.iter().all(|f| f.rule != "R5.3"));
}

#[test]
fn of_several_sboms_the_one_naming_the_product_describes_it() {
    // The approved example's SBOM names "CareFlow" 4.2.0 as its subject:
    // its facts describe the product, the other SBOM's are set aside with a
    // note, and both SBOMs' components are kept.
    let decision = two_sboms("CareFlow", "4.2.0");
    assert!(
        decision.fact_problems.is_empty(),
        "{:?}",
        decision.fact_problems
    );
    // The SBOM rules pass on the approved example's SBOM (the rest of the
    // evidence is missing).
    assert!(
        decision
            .findings
            .iter()
            .all(|f| !f.rule.starts_with("R4") && !f.rule.starts_with("R5")),
        "{:?}",
        decision.findings
    );
    assert_eq!(
        decision.verdict,
        Verdict::NeedsEvidence,
        "{}",
        decision.summary
    );
    let note = decision
        .notes
        .iter()
        .find(|n| n.document == "b.cdx.json")
        .unwrap();
    assert!(note.message.contains("set aside"), "{}", note.message);
    let from = |document: &str| {
        decision
            .facts
            .entities
            .iter()
            .filter(|e| {
                e.kind == "Component" && e.provenance.iter().any(|p| p.document == document)
            })
            .count()
    };
    assert!(from("a.cdx.json") > 0);
    assert!(from("b.cdx.json") > 0);
    // Naming the other SBOM's subject picks that one, and it rejects.
    let other = two_sboms("cyclonedx-php-composer-demo", "dev-master");
    assert_eq!(other.verdict, Verdict::Reject);
    assert!(other.findings.iter().any(|f| f.rule == "R5.3"));
}

#[test]
fn unrecognised_evidence_is_reported_not_ignored() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        example("approved").join("sbom.cdx.json"),
        dir.path().join("sbom.cdx.json"),
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.txt"), "pen test passed, trust us\n").unwrap();
    std::fs::write(
        dir.path().join("submission.toml"),
        "[product]\nname = \"CareFlow\"\nversion = \"4.2.0\"\nsupplier = \"Northwind Health Ltd\"\n\n\
         [[evidence]]\npath = \"sbom.cdx.json\"\n\n[[evidence]]\npath = \"notes.txt\"\n",
    )
    .unwrap();
    let decision = check(builtin_engine().unwrap(), dir.path()).unwrap();
    let (kind, message) = (
        decision.document_errors[0].kind,
        &decision.document_errors[0].message,
    );
    assert_eq!(kind, "unrecognised");
    assert!(message.contains("text/plain"), "{message}");
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
}

#[test]
fn policy_without_required_annotations_is_refused_naming_file_and_annotation() {
    let mut files = builtin_files().unwrap();
    let sbom = String::from_utf8(files["sbom.cedar"].clone()).unwrap();
    files.insert(
        "sbom.cedar".into(),
        sbom.replacen("@severity(\"high\")\n", "", 1).into_bytes(),
    );
    let error = Bundle::from_files("test", files).unwrap_err().to_string();
    assert!(error.contains("sbom.cedar"), "{error}");
    assert!(error.contains("`@severity`"), "{error}");
}

#[test]
fn policy_reading_an_undeclared_fact_fails_strict_validation() {
    let mut files = builtin_files().unwrap();
    let sbom = String::from_utf8(files["sbom.cedar"].clone()).unwrap();
    files.insert(
        "sbom.cedar".into(),
        sbom.replace(
            "resource.sbom.dangling_refs > 0",
            "resource.sbom.dangling_refz > 0",
        )
        .into_bytes(),
    );
    let error = Bundle::from_files("test", files).unwrap_err().to_string();
    assert!(error.contains("R5.5"), "{error}");
    assert!(error.contains("dangling_refz"), "{error}");
}

#[test]
fn component_rules_are_decided_per_component_and_name_it() {
    // A bundle with one per-component rule: each finding names its component.
    let mut files = builtin_files().unwrap();
    files.insert(
        "components.cedar".into(),
        br#"@id("T1")
@title("Components carry a strong hash")
@control("test control")
@severity("low")
@message("This component has no SHA-256 or stronger hash")
@remediation("Hash it")
forbid (principal, action == Action::"accept", resource is Component)
when { !resource.strong_hash };
"#
        .to_vec(),
    );
    let manifest = String::from_utf8(files["bundle.toml"].clone()).unwrap();
    assert!(manifest.contains("policies = [\n"));
    files.insert(
        "bundle.toml".into(),
        manifest
            .replacen(
                "policies = [\n",
                "policies = [\n    \"components.cedar\",\n",
                1,
            )
            .into_bytes(),
    );
    let engine = Engine::new(TrustedBundle::authors_own(
        Bundle::from_files("test", files).unwrap(),
    ))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(laravel(), dir.path().join("bom.json")).unwrap();
    std::fs::write(
        dir.path().join("submission.toml"),
        "[product]\nname = \"cyclonedx-php-composer-demo\"\nversion = \"dev-master\"\n\
         supplier = \"CycloneDX\"\n\n[[evidence]]\npath = \"bom.json\"\n",
    )
    .unwrap();
    let decision = check(&engine, dir.path()).unwrap();
    let per_component: Vec<_> = decision
        .findings
        .iter()
        .filter(|f| f.rule == "T1")
        .collect();
    assert_eq!(
        per_component.len(),
        62,
        "every laravel component lacks a hash"
    );
    let first = per_component
        .iter()
        .find(|f| f.subject.id == "pkg:composer/asm89/stack-cors@1.3.0")
        .unwrap();
    assert_eq!(first.subject.kind, "Component");
    assert_eq!(first.evidence[0].fact, "strong_hash");
    assert_eq!(first.evidence[0].location, "/components/0");
    // The approved example's components all carry SHA-256: nothing fires.
    let approved = check(&engine, &example("approved")).unwrap();
    assert_eq!(
        approved.verdict,
        Verdict::Approve,
        "{:#?}",
        approved.findings
    );
}

#[test]
fn submission_limits_are_enforced_and_named() {
    let options = assure_engine::LoadOptions {
        limits: assure_engine::SubmissionLimits {
            max_file_bytes: 1024,
            ..Default::default()
        },
        ..Default::default()
    };
    let error = assure_engine::Submission::load(&example("rejected"), &options)
        .unwrap_err()
        .to_string();
    assert!(error.contains("evidence[0] `sbom.cdx.json`"), "{error}");
    assert!(error.contains("evidence[2] `dtac.json`"), "{error}");
    assert!(
        error.contains("larger than allowed (limits.file_bytes = 1,024 bytes)"),
        "{error}"
    );
}

#[test]
fn files_the_manifest_does_not_declare_are_listed_not_judged() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(example("approved")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    std::fs::write(dir.path().join("extra.json"), "{}").unwrap();
    let decision = check(builtin_engine().unwrap(), dir.path()).unwrap();
    assert_eq!(decision.inputs.unlisted, ["extra.json"]);
    assert_eq!(decision.verdict, Verdict::Approve);
}

#[test]
fn plugin_that_is_not_a_component_is_a_plugin_error_not_a_crash() {
    let engine = engine_for(b"\0asm\x01\0\0\0garbage".to_vec(), &[]);
    let decision = check(&engine, &example("approved")).unwrap();
    let (kind, message) = document_error(&decision);
    assert_eq!(kind, "plugin");
    assert!(
        message.contains("not a valid WebAssembly component"),
        "{message}"
    );
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
}

#[test]
fn an_advisory_annotation_other_than_true_is_refused() {
    let mut files = builtin_files().unwrap();
    let sbom = String::from_utf8(files["sbom.cedar"].clone()).unwrap();
    files.insert(
        "sbom.cedar".into(),
        sbom.replacen(
            "@id(\"R5.1\")\n",
            "@id(\"R5.1\")\n@advisory(\"false\")\n",
            1,
        )
        .into_bytes(),
    );
    let error = Bundle::from_files("test", files).unwrap_err().to_string();
    assert!(error.contains("@advisory(\"false\")"), "{error}");
}

#[test]
fn a_policy_file_the_bundle_does_not_list_is_refused() {
    let mut files = builtin_files().unwrap();
    files.insert(
        "forgotten.cedar".into(),
        b"// a rule its author forgot to list\n".to_vec(),
    );
    let error = Bundle::from_files("test", files).unwrap_err().to_string();
    assert!(error.contains("`forgotten.cedar`"), "{error}");
}

#[test]
fn without_a_known_exploited_catalogue_r1_is_undecided_not_passed() {
    // The baseline without its KEV data: whether a vulnerability is known
    // exploited cannot be known, so R1 waits rather than passing.
    let mut files = builtin_files().unwrap();
    files.remove("data/kev.json");
    let manifest = String::from_utf8(files["bundle.toml"].clone()).unwrap();
    files.insert(
        "bundle.toml".into(),
        manifest
            .replace(
                "[data.kev]\npath = \"data/kev.json\"\nmax_age_days = 30\n",
                "",
            )
            .into_bytes(),
    );
    let engine = Engine::new(TrustedBundle::authors_own(
        Bundle::from_files("test", files).unwrap(),
    ))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        assure_tests::root()
            .join("plugins/cyclonedx/tests/fixtures/bom-examples_VEX_CISA-Case-1_vex-fixed.json"),
        dir.path().join("vex.json"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("submission.toml"),
        "[product]\nname = \"DEF\"\nversion = \"1.1\"\nsupplier = \"Example Company\"\n\n\
         [[evidence]]\npath = \"vex.json\"\n",
    )
    .unwrap();
    let decision = check(&engine, dir.path()).unwrap();
    let exposure = decision
        .facts
        .entities
        .iter()
        .find(|e| e.kind == "Exposure")
        .unwrap();
    assert!(!exposure.facts.contains_key("known_exploited"));
    assert!(
        decision
            .missing_evidence
            .iter()
            .any(|m| m.rules.iter().any(|r| r == "R1")),
        "{:?}",
        decision.missing_evidence
    );
    assert_ne!(decision.verdict, Verdict::Approve);
}
