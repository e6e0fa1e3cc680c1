//! `plugins/README.md` walks through the Scorecard plugin as the worked
//! example. Its code blocks must be the plugin's real code and configuration,
//! and the plugin must run through the engine as the README says.

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use assure_engine::decision::Verdict;
use assure_tests::{builtin_engine, root};

/// The fenced blocks of one language in a Markdown text.
fn blocks(markdown: &str, language: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.trim_start() == format!("```{language}") => current = Some(String::new()),
            Some(block) if line.trim_start() == "```" => {
                out.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    out
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

#[test]
fn rust_blocks_are_the_plugin_s_own_code() {
    let readme = read("plugins/README.md");
    let source = read("plugins/scorecard/src/lib.rs");
    let rust = blocks(&readme, "rust");
    assert!(rust.len() >= 4, "the worked example shows its code");
    for block in rust {
        assert!(
            source.contains(&block),
            "plugins/README.md shows code that is not in plugins/scorecard/src/lib.rs:\n{block}"
        );
    }
}

#[test]
fn toml_blocks_are_the_crate_and_bundle_configuration() {
    let readme = read("plugins/README.md");
    let toml = blocks(&readme, "toml");
    assert_eq!(toml.len(), 2);
    assert!(read("plugins/scorecard/Cargo.toml").contains(&toml[0]));
    assert!(read("policies/nhs-baseline/bundle.toml").contains(&toml[1]));
}

#[test]
fn shell_commands_are_the_ones_ci_runs() {
    let readme = read("plugins/README.md");
    let ci = read(".ci/run");
    let commands: Vec<String> = blocks(&readme, "sh")
        .iter()
        .flat_map(|b| b.lines().map(str::to_owned).collect::<Vec<_>>())
        .map(|l| l.split('#').next().unwrap_or("").trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        commands,
        [
            "cargo test -p assure-plugin-scorecard",
            "cargo xtask plugins"
        ]
    );
    // `cargo test --workspace` runs the plugin's tests; CI rebuilds the
    // plugins and checks the committed bytes.
    assert!(ci.contains("cargo test --workspace"));
    assert!(ci.contains("cargo xtask plugins --check"));
}

#[test]
fn the_worked_example_runs_through_the_engine() {
    let engine = builtin_engine().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("plugins/scorecard/tests/fixtures/scorecard-testdata_check3.json"),
        dir.path().join("scorecard.json"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("submission.toml"),
        "[product]\nname = \"name\"\nversion = \"1\"\nsupplier = \"org\"\n\n\
         [[evidence]]\npath = \"scorecard.json\"\n",
    )
    .unwrap();
    let decision = assure_tests::check(engine, dir.path()).unwrap();
    // Sniffed, routed to the plugin, read.
    let input = &decision.inputs.evidence[0];
    assert_eq!(input.media_type, "application/vnd.ossf.scorecard+json");
    assert_eq!(input.plugins, ["scorecard"]);
    assert!(
        decision.document_errors.is_empty(),
        "{:?}",
        decision.document_errors
    );
    let facts = &decision.facts.product;
    assert_eq!(facts["scorecard.repo"].value.to_string(), "\"org/name\"");
    assert_eq!(facts["scorecard.score"].value.to_string(), "\"0.0\"");
    assert_eq!(
        facts["scorecard.low_checks"].value.to_string(),
        "[Check-Name, Check-Name2]"
    );
    assert_eq!(facts["scorecard.score"].provenance[0].location, "/score");
    assert_eq!(facts["scorecard.score"].provenance[0].plugin, "scorecard");
    // No SBOM: the baseline's SBOM rules are undecided.
    assert_eq!(decision.verdict, Verdict::NeedsEvidence);
}
