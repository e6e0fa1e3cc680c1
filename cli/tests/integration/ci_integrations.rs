//! The CI integrations vendors drop in — the GitHub Action (`action.yml`,
//! `ci/github/`), the GitLab template (`ci/gitlab/`) and the pre-commit hooks
//! (`.pre-commit-hooks.yaml`) — run as a CI runner runs them: bash, the
//! runner's variables and the inputs as the action or template passes them,
//! the developer's own environment cleared, no network beyond loopback.
//! Each test asserts what a user would notice: the verdict, whether the job
//! fails and with which exit code, and the files written.
//!
//! The compiled-code cache (`ASSURE_CACHE_DIR`) is the tests' shared one: a
//! runner would start cold, which changes nothing but the time taken.

#![allow(clippy::disallowed_macros, reason = "a test reports what it skipped")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::common::{copy_dir, example, root, test_cache};

const AS_OF: &str = "2025-09-22T00:00:00Z";

/// The `assure` binary under test.
fn assure_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_assure"))
}

fn text(output: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A command with the developer's environment cleared: only PATH (to find
/// bash, curl, git…) survives, and HOME is a folder of the test's own.
fn clean_command(program: &str, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("LANG", "C.UTF-8")
        .env("NO_COLOR", "1")
        .env("ASSURE_CACHE_DIR", test_cache());
    cmd
}

/// Runs `assure` itself (to make keys and bundles, and verify records).
fn assure(home: &Path) -> Command {
    clean_command(assure_bin().to_str().unwrap(), home)
}

/// action.yml or the GitLab template as JSON, through PyYAML; `None` (with a
/// note) when PyYAML is absent, unless `ASSURE_REQUIRE_PYTHON` is set.
fn yaml_as_json(path: &Path) -> Option<serde_json::Value> {
    let output = Command::new("python3")
        .args([
            "-c",
            "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)",
        ])
        .arg(path)
        .output();
    match output {
        Ok(output) if output.status.success() => {
            Some(serde_json::from_slice(&output.stdout).unwrap())
        }
        _ => {
            assert!(
                std::env::var_os("ASSURE_REQUIRE_PYTHON").is_none(),
                "ASSURE_REQUIRE_PYTHON is set but python3 with PyYAML is not installed"
            );
            eprintln!(
                "note: python3 with PyYAML is absent: {} checked by its text only",
                path.display()
            );
            None
        }
    }
}

// ---------------------------------------------------------------------------
// GitHub: a small runner for action.yml's steps.

/// One `run:` step of action.yml: its id, its `run:` line and its `env:`,
/// exactly as action.yml has them (the structure test checks they match).
struct Step {
    id: &'static str,
    run: &'static str,
    env: &'static [(&'static str, &'static str)],
}

const INSTALL: Step = Step {
    id: "install",
    run: r#"bash "$GITHUB_ACTION_PATH/ci/github/install.sh""#,
    env: &[
        ("ASSURE_INSTALL", "${{ inputs.install }}"),
        ("ASSURE_VERSION", "${{ inputs.version }}"),
        ("ASSURE_RELEASE_BASE_URL", "${{ inputs.release-base-url }}"),
        (
            "ASSURE_RELEASE_PUBLIC_KEY",
            "${{ inputs.release-public-key }}",
        ),
        ("ASSURE_PATH", "${{ inputs.assure-path }}"),
    ],
};

const RUN: Step = Step {
    id: "run",
    run: r#"bash "$GITHUB_ACTION_PATH/ci/github/run.sh""#,
    env: &[
        ("ASSURE_BIN", "${{ steps.install.outputs.path }}"),
        ("ASSURE_SUBMISSION", "${{ inputs.submission }}"),
        ("ASSURE_BUNDLE", "${{ inputs.bundle }}"),
        ("ASSURE_TRUST", "${{ inputs.trust }}"),
        ("ASSURE_THRESHOLD", "${{ inputs.threshold }}"),
        ("ASSURE_FAIL_ON", "${{ inputs.fail-on }}"),
        ("ASSURE_AS_OF", "${{ inputs.as-of }}"),
        ("ASSURE_SIGNING_KEY", "${{ inputs.signing-key }}"),
        ("ASSURE_ARGS", "${{ inputs.args }}"),
        ("ASSURE_OUTPUT_DIR", "${{ inputs.output-dir }}"),
    ],
};

const GATE: Step = Step {
    id: "gate",
    run: r#"bash "$GITHUB_ACTION_PATH/ci/github/gate.sh""#,
    env: &[
        ("ASSURE_GATE", "${{ steps.run.outputs.gate }}"),
        ("ASSURE_VERDICT", "${{ steps.run.outputs.verdict }}"),
        ("ASSURE_EXIT_CODE", "${{ steps.run.outputs.exit-code }}"),
        ("ASSURE_FAIL_ON", "${{ steps.run.outputs.fail-on }}"),
    ],
};

/// action.yml's inputs and their defaults (the structure test checks them).
const INPUT_DEFAULTS: &[(&str, &str)] = &[
    ("submission", "."),
    ("bundle", ""),
    ("trust", ""),
    ("threshold", "1"),
    ("fail-on", "needs-evidence"),
    ("as-of", ""),
    ("signing-key", ""),
    ("args", ""),
    ("output-dir", ""),
    ("upload-sarif", "true"),
    ("upload-artifact", "true"),
    ("artifact-name", "assure-decision"),
    ("install", "release"),
    ("version", ""),
    ("release-base-url", ""),
    ("release-public-key", ""),
    ("assure-path", ""),
];

/// What one step did.
struct StepRun {
    output: Output,
    outputs: BTreeMap<String, String>,
    summary: String,
}

impl StepRun {
    fn code(&self) -> i32 {
        self.output.status.code().unwrap()
    }
}

/// A GitHub-hosted job running the action: a workspace holding the supplier's
/// submission, the runner's temp folder, and the inputs given with `with:`.
struct GithubJob {
    dir: tempfile::TempDir,
    inputs: BTreeMap<String, String>,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    steps_run: usize,
}

impl GithubJob {
    /// The job, with `examples/<name>` at `submission/` in its workspace, and
    /// the action given `install: path` and the examples' `as-of`.
    fn new(name: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["home", "runner-temp", "workspace", "runner-files"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        copy_dir(&example(name), &dir.path().join("workspace/submission"));
        let mut job = GithubJob {
            dir,
            inputs: INPUT_DEFAULTS
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            outputs: BTreeMap::new(),
            steps_run: 0,
        };
        job.with("submission", "submission")
            .with("install", "path")
            .with("assure-path", assure_bin().to_str().unwrap())
            .with("as-of", AS_OF);
        job
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// An input given with `with:` (only those action.yml declares).
    fn with(&mut self, name: &str, value: &str) -> &mut Self {
        assert!(
            self.inputs.contains_key(name),
            "action.yml has no input {name}"
        );
        self.inputs.insert(name.to_owned(), value.to_owned());
        self
    }

    /// Evaluates the few expressions action.yml's `env:` uses.
    fn expand(&self, expression: &str) -> String {
        let inner = expression
            .strip_prefix("${{ ")
            .and_then(|e| e.strip_suffix(" }}"))
            .unwrap_or_else(|| panic!("not an expression: {expression}"));
        if let Some(name) = inner.strip_prefix("inputs.") {
            return self
                .inputs
                .get(name)
                .cloned()
                .unwrap_or_else(|| panic!("undeclared input {name}"));
        }
        if let Some(rest) = inner.strip_prefix("steps.") {
            let (step, output) = rest.split_once(".outputs.").unwrap();
            return self
                .outputs
                .get(step)
                .and_then(|o| o.get(output))
                .cloned()
                .unwrap_or_default();
        }
        panic!("expression not understood: {expression}");
    }

    /// Runs one step as the runner does: `bash --noprofile --norc -eo
    /// pipefail`, in the workspace, with the runner's variables, fresh
    /// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and the step's `env:`.
    fn step(&mut self, step: &Step) -> StepRun {
        self.steps_run += 1;
        let files = self.path("runner-files");
        let output_file = files.join(format!("set_output_{}", self.steps_run));
        let summary_file = files.join(format!("step_summary_{}", self.steps_run));
        std::fs::write(&output_file, "").unwrap();
        std::fs::write(&summary_file, "").unwrap();
        let mut cmd = clean_command("bash", &self.path("home"));
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run])
            .current_dir(self.path("workspace"))
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", self.path("workspace"))
            .env("GITHUB_ACTION_PATH", root())
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", &summary_file)
            .env("GITHUB_PATH", files.join("add_path"))
            .env("GITHUB_ENV", files.join("set_env"))
            .env("GITHUB_REPOSITORY", "northwind-health/careflow-evidence")
            .env("GITHUB_RUN_ID", "1")
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", self.path("runner-temp"));
        for (name, value) in step.env {
            cmd.env(name, self.expand(value));
        }
        let output = cmd.output().unwrap();
        let outputs = parse_github_output(&std::fs::read_to_string(&output_file).unwrap());
        self.outputs.insert(step.id.to_owned(), outputs.clone());
        StepRun {
            output,
            outputs,
            summary: std::fs::read_to_string(&summary_file).unwrap(),
        }
    }

    /// The action's steps in order (the uploads are not run here: the test
    /// checks what they would find). The gate runs when the check step
    /// succeeded, as its `if:` says.
    fn run_action(&mut self) -> ActionRun {
        let install = self.step(&INSTALL);
        assert_eq!(install.code(), 0, "install step: {}", text(&install.output));
        let run = self.step(&RUN);
        let gate = (run.code() == 0).then(|| self.step(&GATE));
        ActionRun { run, gate }
    }
}

struct ActionRun {
    run: StepRun,
    gate: Option<StepRun>,
}

impl ActionRun {
    fn out(&self, name: &str) -> &str {
        self.run.outputs.get(name).map_or_else(
            || panic!("no output {name}: {}", text(&self.run.output)),
            String::as_str,
        )
    }

    /// The job's outcome: the gate's exit code.
    fn gate_code(&self) -> i32 {
        self.gate.as_ref().expect("the gate step ran").code()
    }

    fn describe(&self) -> String {
        format!(
            "run step: {}\ngate step: {}",
            text(&self.run.output),
            self.gate
                .as_ref()
                .map_or_else(String::new, |g| text(&g.output))
        )
    }
}

/// The `name=value` and `name<<DELIMITER` lines of a GITHUB_OUTPUT file.
fn parse_github_output(content: &str) -> BTreeMap<String, String> {
    let mut outputs = BTreeMap::new();
    let mut lines = content.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delimiter)) = line.split_once("<<") {
            let mut value = Vec::new();
            for next in lines.by_ref() {
                if next == delimiter {
                    break;
                }
                value.push(next);
            }
            outputs.insert(name.to_owned(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            outputs.insert(name.to_owned(), value.to_owned());
        }
    }
    outputs
}

fn assert_sarif(path: &str) -> serde_json::Value {
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    assert_eq!(sarif["runs"][0]["tool"]["driver"]["name"], "assure");
    sarif
}

/// A key pair made with `assure key generate`: (private key path, public key path).
fn key_pair(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let prefix = dir.join(name);
    let output = assure(dir)
        .args(["key", "generate", "--out"])
        .arg(&prefix)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    (prefix.with_extension("key"), prefix.with_extension("pub"))
}

fn verify_record(record: &str, public: &Path, submission: &Path, home: &Path) {
    let output = assure(home)
        .arg("verify")
        .arg(record)
        .arg("--trust")
        .arg(public)
        .arg("--submission")
        .arg(submission)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the record does not verify: {}",
        text(&output)
    );
}

#[test]
fn github_action_declares_every_input_it_uses_and_ships_its_scripts() {
    let path = root().join("action.yml");
    let source = std::fs::read_to_string(&path).unwrap();

    // Every `inputs.X` used (in `${{ }}` and in `if:`) is declared.
    let mut declared = BTreeSet::new();
    let mut section = "";
    for line in source.lines() {
        if !line.starts_with(' ') && line.ends_with(':') {
            section = line.trim_end_matches(':');
        } else if section == "inputs"
            && let Some(name) = line.strip_prefix("  ").and_then(|l| l.strip_suffix(':'))
            && !name.starts_with(' ')
        {
            declared.insert(name.to_owned());
        }
    }
    let used: BTreeSet<String> = source
        .match_indices("inputs.")
        .map(|(at, _)| {
            source[at + "inputs.".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect()
        })
        .collect();
    assert!(!used.is_empty());
    let undeclared: Vec<_> = used.difference(&declared).collect();
    assert!(
        undeclared.is_empty(),
        "used but not declared: {undeclared:?}"
    );
    let expected: BTreeSet<String> = INPUT_DEFAULTS
        .iter()
        .map(|(k, _)| (*k).to_owned())
        .collect();
    assert_eq!(
        declared, expected,
        "action.yml's inputs are not the ones the tests give"
    );

    // Every script a step runs is in the repository, and so is the installer it calls.
    let scripts: Vec<&str> = source
        .match_indices("$GITHUB_ACTION_PATH/")
        .map(|(at, m)| source[at + m.len()..].split('"').next().unwrap())
        .collect();
    assert_eq!(scripts.len(), 3, "{scripts:?}");
    for script in scripts {
        assert!(
            root().join(script).is_file(),
            "action.yml runs {script}, which is missing"
        );
    }
    for script in ["ci/assure-ci.sh", "ci/install-assure.sh"] {
        assert!(root().join(script).is_file(), "{script} is missing");
    }

    // Third-party actions are pinned by commit.
    for line in source
        .lines()
        .filter(|l| l.trim_start().starts_with("uses:"))
    {
        let reference = line.trim_start().trim_start_matches("uses:").trim();
        let (_, pin) = reference.split_once('@').unwrap();
        let sha = pin.split_whitespace().next().unwrap();
        assert!(
            sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()),
            "not pinned by commit: {line}"
        );
    }

    let Some(action) = yaml_as_json(&path) else {
        return;
    };
    assert_eq!(action["runs"]["using"], "composite");
    let inputs = action["inputs"].as_object().unwrap();
    for (name, default) in INPUT_DEFAULTS {
        assert_eq!(
            inputs[*name]["default"].as_str(),
            Some(*default),
            "input {name}'s default"
        );
    }
    // The `run:` steps are the ones this file runs, with the same env.
    let steps = action["runs"]["steps"].as_array().unwrap();
    for expected in [&INSTALL, &RUN, &GATE] {
        let step = steps
            .iter()
            .find(|s| s["id"] == expected.id)
            .unwrap_or_else(|| panic!("no step {}", expected.id));
        assert_eq!(step["shell"], "bash");
        assert_eq!(step["run"].as_str().map(str::trim), Some(expected.run));
        let env: BTreeMap<String, String> = step["env"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        let want: BTreeMap<String, String> = expected
            .env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(env, want, "step {}'s env", expected.id);
    }
    // The uploads and the gate run whatever the check found; the gate comes last.
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert!(
        uses.iter()
            .any(|u| u.starts_with("github/codeql-action/upload-sarif@"))
    );
    assert!(
        uses.iter()
            .any(|u| u.starts_with("actions/upload-artifact@"))
    );
    assert!(uses.iter().any(|u| u.starts_with("actions/cache@")));
    let last = steps.last().unwrap();
    assert_eq!(last["id"], "gate");
    for step in steps
        .iter()
        .filter(|s| s["uses"].as_str().is_some_and(|u| u.contains("upload")))
    {
        assert!(
            step["if"].as_str().unwrap().contains("!cancelled()"),
            "{step}"
        );
    }
    // Every output comes from a step output the scripts write (checked by
    // github_approved_passes_with_every_report_and_a_verified_record).
    for (name, output) in action["outputs"].as_object().unwrap() {
        let value = output["value"].as_str().unwrap();
        assert!(value.starts_with("${{ steps."), "output {name}: {value}");
    }
}

#[test]
fn github_approved_passes_with_every_report_and_a_verified_record() {
    let mut job = GithubJob::new("approved");
    let (private, public) = key_pair(&job.path("home"), "records");
    // The signing key as a secret's content, as `signing-key: ${{ secrets.… }}` gives it.
    // (With the line ends and trailing newline a secret pasted on Windows has.)
    let pem = std::fs::read_to_string(&private)
        .unwrap()
        .replace('\n', "\r\n")
        + "\r\n";
    job.with("signing-key", &pem);
    let result = job.run_action();
    let describe = result.describe();

    assert_eq!(result.out("verdict"), "approve", "{describe}");
    assert_eq!(result.out("exit-code"), "0");
    assert_eq!(result.out("passed"), "true");
    assert_eq!(result.gate_code(), 0, "{describe}");

    // Every report is in $RUNNER_TEMP/assure, named by the outputs.
    let out_dir = job.path("runner-temp/assure");
    assert_eq!(Path::new(result.out("output-dir")), out_dir);
    for name in ["sarif", "report", "junit", "json", "html", "record"] {
        let file = result.out(name);
        assert!(
            Path::new(file).starts_with(&out_dir) && Path::new(file).is_file(),
            "{name}: {file}"
        );
    }
    let sarif = assert_sarif(result.out("sarif"));
    assert_eq!(sarif["runs"].as_array().unwrap().len(), 1);
    let decision: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(result.out("json")).unwrap()).unwrap();
    assert_eq!(decision["verdict"], "approve");
    roxmltree::Document::parse(&std::fs::read_to_string(result.out("junit")).unwrap()).unwrap();

    // The job summary holds the Markdown report, and says the gate passed.
    let report = std::fs::read_to_string(result.out("report")).unwrap();
    assert!(report.starts_with("## ✅ APPROVE"), "{report}");
    assert!(
        result.run.summary.contains(&report),
        "{}",
        result.run.summary
    );
    assert!(result.run.summary.contains("assure gate: passed"));

    // The signed record verifies, against the submission as committed.
    verify_record(
        result.out("record"),
        &public,
        &job.path("workspace/submission"),
        &job.path("home"),
    );
    // The key written from the secret is not left among the reports.
    for entry in std::fs::read_dir(&out_dir).unwrap() {
        let content = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&content).contains("PRIVATE KEY"));
    }

    // Every output action.yml declares is one the run step writes.
    let source = std::fs::read_to_string(root().join("action.yml")).unwrap();
    for (at, m) in source.match_indices("steps.run.outputs.") {
        let name: String = source[at + m.len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        assert!(
            result.run.outputs.contains_key(&name),
            "action.yml reads steps.run.outputs.{name}"
        );
    }
    // Supplier text cannot issue workflow commands: the check's output is fenced.
    let stdout = String::from_utf8_lossy(&result.run.output.stdout);
    assert!(stdout.contains("::stop-commands::"), "{stdout}");
}

#[test]
fn github_rejected_fails_the_gate_after_writing_sarif_summary_and_outputs() {
    let mut job = GithubJob::new("rejected");
    let result = job.run_action();
    let describe = result.describe();

    // The check step succeeds, so the uploads have their files…
    assert_eq!(result.run.code(), 0, "{describe}");
    assert_eq!(result.out("verdict"), "reject");
    assert_eq!(result.out("exit-code"), "2");
    assert_eq!(result.out("passed"), "false");
    let sarif = assert_sarif(result.out("sarif"));
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());
    let report = std::fs::read_to_string(result.out("report")).unwrap();
    assert!(report.starts_with("## ❌ REJECT"), "{report}");
    assert!(result.run.summary.contains(&report));
    assert!(result.run.summary.contains("assure gate: failed"));
    // No signing key, no record.
    assert_eq!(result.out("record"), "");
    assert!(
        !job.path("runner-temp/assure/assure.decision.dsse.json")
            .exists()
    );

    // …and the last step fails the job, with assure's exit code.
    assert_eq!(result.gate_code(), 2, "{describe}");
    let gate_out =
        String::from_utf8_lossy(&result.gate.as_ref().unwrap().output.stdout).into_owned();
    assert!(
        gate_out.contains("::error title=assure::verdict reject"),
        "{gate_out}"
    );

    // Even with fail-on: reject nothing changes; only `never` lets it pass.
    let mut job = GithubJob::new("rejected");
    job.with("fail-on", "reject");
    assert_eq!(job.run_action().gate_code(), 2);
    let mut job = GithubJob::new("rejected");
    job.with("fail-on", "never");
    let result = job.run_action();
    assert_eq!(result.out("verdict"), "reject");
    assert_eq!(result.gate_code(), 0, "{}", result.describe());
}

#[test]
fn github_needs_evidence_passes_with_fail_on_reject_and_fails_by_default() {
    let mut job = GithubJob::new("needs-evidence");
    let result = job.run_action();
    assert_eq!(
        result.out("verdict"),
        "needs-evidence",
        "{}",
        result.describe()
    );
    assert_eq!(result.out("exit-code"), "3");
    assert_eq!(result.gate_code(), 3, "{}", result.describe());
    assert!(result.run.summary.contains("## ⚠️ NEEDS-EVIDENCE"));

    let mut job = GithubJob::new("needs-evidence");
    job.with("fail-on", "reject");
    let result = job.run_action();
    assert_eq!(result.out("verdict"), "needs-evidence");
    assert_eq!(result.out("passed"), "true");
    assert_eq!(result.gate_code(), 0, "{}", result.describe());
    assert!(Path::new(result.out("sarif")).is_file());
}

#[test]
fn github_bundle_with_the_wrong_trust_key_fails_with_exit_4_whatever_fail_on() {
    let keys = tempfile::tempdir().unwrap();
    let (alice, alice_pub) = key_pair(keys.path(), "alice");
    let (_, mallory_pub) = key_pair(keys.path(), "mallory");
    let bundle = keys.path().join("nhs.bundle");
    let built = assure(keys.path())
        .args(["bundle", "build"])
        .arg(root().join("policies/nhs-baseline"))
        .arg("-o")
        .arg(&bundle)
        .arg("--plugin-key")
        .arg(&alice)
        .args([
            "--expires",
            "2027-06-01T00:00:00Z",
            "--created",
            "2025-09-01T00:00:00Z",
        ])
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", text(&built));
    let signed = assure(keys.path())
        .args(["bundle", "sign", "--key"])
        .arg(&alice)
        .arg(&bundle)
        .output()
        .unwrap();
    assert!(signed.status.success(), "{}", text(&signed));

    for fail_on in ["reject", "needs-evidence", "never"] {
        let mut job = GithubJob::new("approved");
        job.with("bundle", bundle.to_str().unwrap())
            .with("trust", mallory_pub.to_str().unwrap())
            .with("fail-on", fail_on);
        let result = job.run_action();
        let describe = result.describe();
        assert_eq!(result.out("verdict"), "trust-failure", "{describe}");
        assert_eq!(result.out("exit-code"), "4");
        assert_eq!(result.out("passed"), "false");
        assert_eq!(result.gate_code(), 4, "fail-on {fail_on}: {describe}");
        // The summary says why, without a report.
        assert!(
            result.run.summary.contains("trust failure"),
            "{}",
            result.run.summary
        );
        assert!(
            result.run.summary.contains("untrusted key"),
            "{}",
            result.run.summary
        );
        assert_eq!(result.out("sarif"), "");
    }

    // The right key (among others, newline-separated as a YAML block gives
    // them) approves: the bundle and trust inputs reach `assure check`.
    let mut job = GithubJob::new("approved");
    let trust = format!("{}\n{}\n", mallory_pub.display(), alice_pub.display());
    job.with("bundle", bundle.to_str().unwrap())
        .with("trust", &trust);
    let result = job.run_action();
    assert_eq!(result.out("verdict"), "approve", "{}", result.describe());
    assert_eq!(result.gate_code(), 0);
    let decision: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(result.out("json")).unwrap()).unwrap();
    assert_eq!(
        decision["bundle"]["signed"]["signers"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "the decision names the bundle's signer"
    );
}

#[test]
fn github_install_step_and_bad_inputs_fail_loudly() {
    // install: path writes the binary's path as the step's output and adds
    // its folder to PATH for later steps.
    let mut job = GithubJob::new("approved");
    let install = job.step(&INSTALL);
    assert_eq!(install.code(), 0, "{}", text(&install.output));
    assert_eq!(install.outputs["path"], assure_bin().to_str().unwrap());
    let added = std::fs::read_to_string(job.path("runner-files/add_path")).unwrap();
    assert_eq!(
        added.trim(),
        assure_bin().parent().unwrap().to_str().unwrap()
    );

    // install: release without the key to verify it with is refused, before any download.
    let mut job = GithubJob::new("approved");
    job.with("install", "release");
    let install = job.step(&INSTALL);
    assert_ne!(install.code(), 0);
    assert!(
        String::from_utf8_lossy(&install.output.stderr).contains("release-public-key"),
        "{}",
        text(&install.output)
    );

    // install: release calls scripts/install-release.sh with this action's
    // version and the key, here on an empty mirror: nothing to verify, so
    // nothing is installed and the step fails.
    let mut job = GithubJob::new("approved");
    let (_, release_pub) = key_pair(&job.path("workspace"), "release");
    let mirror = job.path("mirror");
    std::fs::create_dir_all(&mirror).unwrap();
    job.with("install", "release")
        .with(
            "release-public-key",
            release_pub.file_name().unwrap().to_str().unwrap(),
        )
        .with("release-base-url", &format!("file://{}", mirror.display()));
    let install = job.step(&INSTALL);
    assert_ne!(install.code(), 0);
    let stderr = String::from_utf8_lossy(&install.output.stderr);
    let archive = format!("assure-{}-", env!("CARGO_PKG_VERSION"));
    assert!(
        stderr.contains(&archive) && stderr.contains(".tar.gz"),
        "{stderr}"
    );
    assert!(!install.outputs.contains_key("path"));
    assert!(!job.path("runner-temp/assure-bin").exists());

    // install: path to something that is not there.
    let mut job = GithubJob::new("approved");
    job.with("assure-path", "/nonexistent/assure");
    assert_ne!(job.step(&INSTALL).code(), 0);

    // A fail-on that is not one of the three stops the check step (and so the job).
    let mut job = GithubJob::new("approved");
    job.with("fail-on", "sometimes");
    assert_eq!(job.step(&INSTALL).code(), 0);
    let run = job.step(&RUN);
    assert_eq!(run.code(), 1, "{}", text(&run.output));
    assert!(String::from_utf8_lossy(&run.output.stderr).contains("fail-on"));

    // A gate step that never got a verdict fails.
    let mut job = GithubJob::new("approved");
    let gate = job.step(&GATE);
    assert_eq!(gate.code(), 1);
}

// ---------------------------------------------------------------------------
// GitLab.

/// The template's variables and their defaults (the structure test checks them).
const GITLAB_DEFAULTS: &[(&str, &str)] = &[
    ("ASSURE_SUBMISSION", "."),
    ("ASSURE_BUNDLE", ""),
    ("ASSURE_TRUST", ""),
    ("ASSURE_THRESHOLD", "1"),
    ("ASSURE_FAIL_ON", "needs-evidence"),
    ("ASSURE_AS_OF", ""),
    ("ASSURE_ARGS", ""),
    ("ASSURE_INSTALL", "release"),
    ("ASSURE_VERSION", "0.1.0"),
    ("ASSURE_RELEASE_BASE_URL", ""),
    ("ASSURE_RELEASE_PUBLIC_KEY", ""),
    ("ASSURE_PATH", ""),
];

/// A GitLab job of the template: the project (the supplier's submission at
/// its root, the default `ASSURE_SUBMISSION: .`), the runner's variables, and
/// the template's variables with the job's overrides.
struct GitlabJob {
    dir: tempfile::TempDir,
    variables: BTreeMap<String, String>,
}

impl GitlabJob {
    fn new(name: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        copy_dir(&example(name), &dir.path().join("project"));
        let mut job = GitlabJob {
            dir,
            variables: GITLAB_DEFAULTS
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        };
        job.set("ASSURE_INSTALL", "path")
            .set("ASSURE_PATH", assure_bin().to_str().unwrap())
            .set("ASSURE_AS_OF", AS_OF);
        job
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn set(&mut self, name: &str, value: &str) -> &mut Self {
        self.variables.insert(name.to_owned(), value.to_owned());
        self
    }

    /// The template's script line: `bash "$ASSURE_CI_DIR/ci/gitlab/run.sh"`,
    /// with this checkout as ASSURE_CI_DIR.
    fn run(&self) -> Output {
        let mut cmd = clean_command("bash", &self.path("home"));
        cmd.args(["-c", r#"bash "$ASSURE_CI_DIR/ci/gitlab/run.sh""#])
            .current_dir(self.path("project"))
            .env("CI", "true")
            .env("GITLAB_CI", "true")
            .env("CI_PROJECT_DIR", self.path("project"))
            .env("CI_PROJECT_ID", "42")
            .env("CI_JOB_ID", "1001")
            .env(
                "CI_JOB_URL",
                "https://gitlab.example/northwind/careflow/-/jobs/1001",
            )
            .env("CI_PIPELINE_SOURCE", "push")
            .env("CI_SERVER_URL", "https://gitlab.example")
            .env("CI_API_V4_URL", "https://gitlab.example/api/v4")
            .env("ASSURE_CI_DIR", root());
        for (name, value) in &self.variables {
            cmd.env(name, value);
        }
        cmd.output().unwrap()
    }
}

#[test]
fn gitlab_template_has_the_hidden_job_the_default_job_and_its_artefacts() {
    let path = root().join("ci/gitlab/assure.gitlab-ci.yml");
    let source = std::fs::read_to_string(&path).unwrap();
    assert!(source.contains(r#"bash "$ASSURE_CI_DIR/ci/gitlab/run.sh""#));
    assert!(root().join("ci/gitlab/run.sh").is_file());
    assert!(source.contains("junit: assure-reports/assure.junit.xml"));

    let Some(template) = yaml_as_json(&path) else {
        return;
    };
    let hidden = &template[".assure"];
    assert!(hidden.is_object(), "no hidden job .assure");
    assert_eq!(template["assure-check"]["extends"], ".assure");
    let variables = hidden["variables"].as_object().unwrap();
    for (name, default) in GITLAB_DEFAULTS {
        assert_eq!(variables[*name].as_str(), Some(*default), "variable {name}");
    }
    // Secrets are never given defaults in the template.
    for secret in ["ASSURE_SIGNING_KEY", "ASSURE_GITLAB_TOKEN"] {
        assert!(!variables.contains_key(secret), "{secret}");
    }
    let artifacts = &hidden["artifacts"];
    assert_eq!(artifacts["when"], "always");
    assert!(artifacts["expose_as"].is_string());
    assert_eq!(
        artifacts["reports"]["junit"],
        "assure-reports/assure.junit.xml"
    );

    // A job of the template writes every artefact path it lists (the record
    // given a key).
    let mut job = GitlabJob::new("approved");
    let (private, _) = key_pair(&job.path("home"), "records");
    job.set("ASSURE_SIGNING_KEY", private.to_str().unwrap());
    let output = job.run();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    for artefact in artifacts["paths"].as_array().unwrap() {
        let artefact = artefact.as_str().unwrap();
        assert!(
            !artefact.starts_with("./") && !artefact.contains('$'),
            "{artefact}"
        );
        assert!(
            job.path("project").join(artefact).is_file(),
            "{artefact} not written"
        );
    }
}

#[test]
fn gitlab_approved_writes_junit_and_a_verified_record_and_passes() {
    let mut job = GitlabJob::new("approved");
    let (private, public) = key_pair(&job.path("home"), "records");
    // A file-type CI/CD variable: its value is the path of a file holding the key.
    job.set("ASSURE_SIGNING_KEY", private.to_str().unwrap());
    let output = job.run();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("verdict approve (exit 0) passes the gate"),
        "{stdout}"
    );
    // Not a merge-request pipeline: nothing to post to.
    assert!(
        stdout.contains("the summary is in the artefact"),
        "{stdout}"
    );

    let reports = job.path("project/assure-reports");
    let junit = std::fs::read_to_string(reports.join("assure.junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&junit).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "testsuites");
    assert_eq!(doc.root_element().attribute("failures"), Some("0"));
    assert_sarif(reports.join("assure.sarif").to_str().unwrap());
    assert!(
        std::fs::read_to_string(reports.join("assure.md"))
            .unwrap()
            .starts_with("## ✅ APPROVE")
    );
    verify_record(
        reports.join("assure.decision.dsse.json").to_str().unwrap(),
        &public,
        &job.path("project"),
        &job.path("home"),
    );
}

#[test]
fn gitlab_needs_evidence_exits_by_verdict_and_fail_on() {
    let mut job = GitlabJob::new("needs-evidence");
    // A merge-request pipeline without a token: the note is not posted.
    job.set("CI_MERGE_REQUEST_IID", "7");
    let output = job.run();
    assert_eq!(output.status.code(), Some(3), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("the summary is in the artefact assure-reports/assure.md"),
        "{stdout}"
    );
    assert!(stdout.contains("ASSURE_GITLAB_TOKEN"), "{stdout}");
    assert!(
        job.path("project/assure-reports/assure.junit.xml")
            .is_file()
    );

    job.set("ASSURE_FAIL_ON", "reject");
    let output = job.run();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));

    let mut job = GitlabJob::new("rejected");
    job.set("ASSURE_FAIL_ON", "reject");
    let output = job.run();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        job.path("project/assure-reports/assure.junit.xml")
            .is_file()
    );
}

/// One HTTP request as a loopback server received it.
struct Received {
    request_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// A one-request HTTP server on 127.0.0.1 answering as GitLab's notes API
/// does (201 Created); the handle yields the request, or `None` if none came
/// within a minute.
fn receiver() -> (String, std::thread::JoinHandle<Option<Received>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    let handle = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(60);
        let stream = loop {
            match listener.accept() {
                Ok((stream, _)) => break stream,
                Err(e)
                    if e.kind() == std::io::ErrorKind::WouldBlock && Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(_) => return None,
            }
        };
        stream.set_nonblocking(false).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut writer = stream.try_clone().unwrap();
        let mut reader = BufReader::new(stream);
        let mut request_line = String::new();
        reader.read_line(&mut request_line).unwrap();
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').unwrap();
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        if header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
            writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").unwrap();
        }
        let length: usize = header("content-length")
            .unwrap_or_default()
            .parse()
            .unwrap_or(0);
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let response = "{\"id\":1}";
        write!(
            writer,
            "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{response}",
            response.len()
        )
        .unwrap();
        writer.flush().unwrap();
        Some(Received {
            request_line: request_line.trim_end().to_owned(),
            headers,
            body,
        })
    });
    (format!("http://{address}/api/v4"), handle)
}

/// The value of `key` in an `application/x-www-form-urlencoded` body.
fn form_value(body: &[u8], key: &str) -> Option<String> {
    let body = std::str::from_utf8(body).unwrap();
    body.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| {
            let bytes = v.as_bytes();
            let mut decoded = Vec::with_capacity(bytes.len());
            let mut i = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'+' => decoded.push(b' '),
                    b'%' => {
                        let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                        decoded.push(u8::from_str_radix(hex, 16).unwrap());
                        i += 2;
                    }
                    b => decoded.push(b),
                }
                i += 1;
            }
            String::from_utf8(decoded).unwrap()
        })
    })
}

#[test]
fn gitlab_merge_request_gets_the_report_as_a_note() {
    let (api, handle) = receiver();
    let mut job = GitlabJob::new("rejected");
    job.set("CI_MERGE_REQUEST_IID", "7")
        .set("CI_PIPELINE_SOURCE", "merge_request_event")
        .set("CI_API_V4_URL", &api)
        .set("ASSURE_GITLAB_TOKEN", "glpat-test-token");
    let output = job.run();
    let received = handle.join().unwrap().expect("no note was posted");
    // The job still fails by its verdict.
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("posted to merge request !7"));

    assert_eq!(
        received.request_line,
        "POST /api/v4/projects/42/merge_requests/7/notes HTTP/1.1"
    );
    assert!(
        received
            .headers
            .iter()
            .any(|(n, v)| n == "private-token" && v == "glpat-test-token"),
        "no PRIVATE-TOKEN header: {:?}",
        received.headers
    );
    let note = form_value(&received.body, "body").expect("no body field");
    let report = std::fs::read_to_string(job.path("project/assure-reports/assure.md")).unwrap();
    assert!(
        note.starts_with(&report),
        "the note is not the Markdown report:\n{note}"
    );
    assert!(note.contains("assure gate: failed"), "{note}");
    // The token is never printed.
    assert!(!text(&output).contains("glpat-test-token"));
}

// ---------------------------------------------------------------------------
// pre-commit.

/// `pre-commit`, if installed (as a command or a python3 module).
fn pre_commit() -> Option<Vec<String>> {
    for candidate in [vec!["pre-commit"], vec!["python3", "-m", "pre_commit"]] {
        let ok = Command::new(candidate[0])
            .args(&candidate[1..])
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(candidate.into_iter().map(str::to_owned).collect());
        }
    }
    assert!(
        std::env::var_os("ASSURE_REQUIRE_PYTHON").is_none(),
        "ASSURE_REQUIRE_PYTHON is set but pre-commit is not installed (pip install pre-commit)"
    );
    eprintln!("skipped: pre-commit is not installed (python3 -m pip install pre-commit)");
    None
}

fn git(dir: &Path, home: &Path, args: &[&str]) -> String {
    let output = clean_command("git", home)
        .args([
            "-c",
            "user.name=CI test",
            "-c",
            "user.email=ci@example.com",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {}", text(&output));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn pre_commit_hooks_pass_approved_and_fail_rejected() {
    let Some(pre_commit) = pre_commit() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();

    // The hooks repository, as a user's config names it: a git repository
    // with .pre-commit-hooks.yaml, at a commit.
    let hooks = dir.path().join("hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    std::fs::copy(
        root().join(".pre-commit-hooks.yaml"),
        hooks.join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    git(&hooks, &home, &["init", "-q"]);
    git(&hooks, &home, &["add", "-A"]);
    git(&hooks, &home, &["commit", "-q", "-m", "hooks"]);
    let rev = git(&hooks, &home, &["rev-parse", "HEAD"]).trim().to_owned();

    // The supplier's repository: submissions, a bundle source, a broken one.
    let project = dir.path().join("project");
    copy_dir(&example("approved"), &project.join("approved"));
    copy_dir(&example("rejected"), &project.join("rejected"));
    copy_dir(
        &root().join("policies/nhs-baseline"),
        &project.join("policies"),
    );
    copy_dir(
        &root().join("policies/nhs-baseline"),
        &project.join("broken"),
    );
    let cedar = project.join("broken/approve.cedar");
    let mut policy = std::fs::read_to_string(&cedar).unwrap();
    policy
        .push_str("\npermit (principal, action, resource) when { resource.no_such_attribute };\n");
    std::fs::write(&cedar, policy).unwrap();
    let config = |name: &str, hook: &str, args: &[&str]| {
        let args: Vec<String> = args.iter().map(|a| format!("\"{a}\"")).collect();
        std::fs::write(
            project.join(name),
            format!(
                "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: {hook}\n        args: [{}]\n",
                hooks.display(),
                args.join(", ")
            ),
        )
        .unwrap();
    };
    config(
        "approved.yaml",
        "assure-check",
        &["--as-of", AS_OF, "approved"],
    );
    config(
        "rejected.yaml",
        "assure-check",
        &["--as-of", AS_OF, "rejected"],
    );
    config("policies.yaml", "assure-policy-validate", &["policies"]);
    config("broken.yaml", "assure-policy-validate", &["broken"]);
    git(&project, &home, &["init", "-q"]);
    git(&project, &home, &["add", "-A"]);

    let bin_dir = assure_bin().parent().unwrap().to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let run = |config: &str| {
        let mut cmd = clean_command(&pre_commit[0], &home);
        cmd.args(&pre_commit[1..])
            .args([
                "run",
                "--all-files",
                "--verbose",
                "--color",
                "never",
                "--config",
                config,
            ])
            .current_dir(&project)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", dir.path().join("pre-commit-cache"))
            .env("GIT_CONFIG_NOSYSTEM", "1");
        cmd.output().unwrap()
    };

    let output = run("approved.yaml");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("APPROVE"),
        "{}",
        text(&output)
    );

    let output = run("rejected.yaml");
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("REJECT") && stdout.contains("exit code: 2"),
        "{stdout}"
    );

    let output = run("policies.yaml");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("valid against the schema"));

    let output = run("broken.yaml");
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("assure policy validate")
            && stdout.contains("Failed")
            && stdout.contains("exit code: 1"),
        "{stdout}"
    );
}
