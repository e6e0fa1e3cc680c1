//! The `assure` command as a user runs it: verdicts, exit codes, messages.
//! Each test names what it guards.

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

use crate::common::{assure, copy_example, example, root, test_cache};

const AS_OF: &str = "2025-09-22T00:00:00Z";

fn json(output: &[u8]) -> serde_json::Value {
    serde_json::from_slice(output).unwrap()
}

/// Runs `assure check --format json` and returns the decision, asserting the exit code.
fn check_json(folder: &Path, code: i32) -> serde_json::Value {
    let output = assure()
        .args(["check", "--format", "json", "--as-of", AS_OF])
        .arg(folder)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    json(&output)
}

/// Removes the `sha256` lines from a submission's manifest.
fn strip_digests(folder: &Path) {
    let manifest = folder.join("submission.toml");
    let text: String = std::fs::read_to_string(&manifest)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("sha256"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&manifest, text).unwrap();
}

#[test]
fn readme_first_command_rejects_the_example_naming_rules_and_pointers() {
    // README: `cargo run --bin assure -- check examples/rejected`, as it
    // runs today: the bundled catalogue is stale and the example's
    // certificates have expired, and it is still a reject, saying so.
    assure()
        .args(["check", "examples/rejected"])
        .current_dir(root())
        .assert()
        .code(2)
        .stdout(predicate::str::contains("R1 [critical]"))
        .stdout(predicate::str::contains("rules     151: "))
        .stdout(predicate::str::contains(
            "current CISA Known Exploited Vulnerabilities catalogue",
        ));
    // As of the examples' evaluation time, the rule counts stay put.
    assure()
        .args(["check", "examples/rejected", "--as-of", AS_OF])
        .current_dir(root())
        .assert()
        .code(2)
        .stdout(predicate::str::contains("REJECT"))
        .stdout(predicate::str::contains("R1 [critical]"))
        .stdout(predicate::str::contains(
            "CVE-2021-44228 (affected, known exploited) in pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
        ))
        .stdout(predicate::str::contains(
            "rules     151: 2 failed, 2 advised, 147 passed",
        ))
        .stdout(predicate::str::contains("sbom.cdx.json#/vulnerabilities/0"))
        .stdout(predicate::str::contains(
            "bundle:data/kev.json#/vulnerabilities/",
        ));
}

#[test]
fn approved_example_approves_with_exit_0() {
    assure()
        .args(["check", "examples/approved", "--as-of", AS_OF])
        .current_dir(root())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("APPROVE"))
        .stdout(predicate::str::contains(
            "  tier      high (claimed high, implied by the profile high)",
        ));
}

#[test]
fn needs_evidence_example_lists_what_to_provide() {
    let decision = check_json(&example("needs-evidence"), 3);
    assert_eq!(decision["verdict"], "needs-evidence");
    assert!(decision["findings"].as_array().unwrap().is_empty());
    let missing = decision["missing_evidence"].as_array().unwrap();
    let kinds: Vec<&str> = missing
        .iter()
        .map(|m| m["evidence"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "assurance",
            "cyber_essentials",
            "dtac",
            "pentest",
            "provenance",
            "scorecard"
        ]
    );
    assert_eq!(missing[0]["title"], "supplier assurance statement");
    let ce = &missing[1];
    assert_eq!(ce["title"], "Cyber Essentials certificate");
    let rules: Vec<&str> = ce["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    for rule in ["R6.1", "R6.2", "R6.3", "R6.4"] {
        assert!(
            rules.contains(&rule),
            "{rule} should wait on the certificate: {rules:?}"
        );
    }
    // What was sent was read and decided: the SBOM rules pass.
    assert_eq!(decision["inputs"]["evidence"][0]["plugins"][0], "cyclonedx");
    assert_eq!(
        decision["facts"]["product"]["sbom.purl_percent"]["value"],
        100
    );
}

#[test]
fn rejected_json_cites_rule_control_and_pointer() {
    let decision = check_json(&example("rejected"), 2);
    assert_eq!(decision["verdict"], "reject");
    let findings = decision["findings"].as_array().unwrap();
    let rules: Vec<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["R1", "R2.1"]);
    let r1 = &findings[0];
    assert_eq!(r1["subject"]["kind"], "Exposure");
    assert_eq!(
        r1["subject"]["id"],
        "CVE-2021-44228 @ pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
    );
    assert!(
        r1["controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().unwrap().contains("KEV"))
    );
    let status = r1["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["fact"] == "status")
        .unwrap();
    assert_eq!(status["value"], "affected");
    assert_eq!(status["document"], "sbom.cdx.json");
    assert_eq!(status["location"], "/vulnerabilities/0");
    assert_eq!(status["plugin"], "cyclonedx");
    let exploited = r1["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["fact"] == "known_exploited")
        .unwrap();
    assert_eq!(exploited["document"], "bundle:data/kev.json");
}

#[test]
fn removing_one_document_from_the_approved_example_asks_for_it() {
    for (file, kind, rule) in [
        ("cyber-essentials.json", "cyber_essentials", "R6.1"),
        ("dtac.json", "dtac", "R13.1"),
        ("pentest-summary.json", "pentest", "R7.1"),
        ("provenance.intoto.json", "provenance", "R20.1"),
        ("supplier-assurance.json", "assurance", "R21.4"),
    ] {
        let dir = copy_example("approved");
        std::fs::remove_file(dir.path().join(file)).unwrap();
        let manifest = dir.path().join("submission.toml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        // Drop the [[evidence]] entry for the file.
        let kept: Vec<&str> = text
            .split("\n[[evidence]]")
            .filter(|entry| !entry.contains(&format!("path = \"{file}\"")))
            .collect();
        std::fs::write(&manifest, kept.join("\n[[evidence]]")).unwrap();
        let decision = check_json(dir.path(), 3);
        assert_eq!(decision["verdict"], "needs-evidence", "{file}");
        let missing = decision["missing_evidence"].as_array().unwrap();
        assert_eq!(missing.len(), 1, "{file}: {missing:?}");
        assert_eq!(missing[0]["evidence"], kind, "{file}");
        assert!(
            missing[0]["rules"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r == rule),
            "{file}: {rule} not in {:?}",
            missing[0]["rules"]
        );
    }
}

#[test]
fn json_is_byte_identical_across_runs_with_the_same_as_of() {
    let run = || {
        assure()
            .args(["check", "--format", "json", "--as-of", AS_OF])
            .arg(example("rejected"))
            .output()
            .unwrap()
            .stdout
    };
    let first = run();
    assert!(!first.is_empty());
    assert_eq!(first, run());
    assert_eq!(json(&first)["evaluated_at"], AS_OF);
}

#[test]
fn digest_mismatch_is_a_trust_failure_naming_the_file() {
    let dir = copy_example("approved");
    let sbom = dir.path().join("sbom.cdx.json");
    let mut bytes = std::fs::read(&sbom).unwrap();
    bytes.extend_from_slice(b"\n");
    std::fs::write(&sbom, bytes).unwrap();
    assure()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(4)
        .stderr(predicate::str::contains("sbom.cdx.json"))
        .stderr(predicate::str::contains("SHA-256 mismatch"));
}

#[test]
fn path_escaping_the_folder_is_refused() {
    let dir = copy_example("approved");
    let manifest = dir.path().join("submission.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace("path = \"sbom.cdx.json\"", "path = \"../sbom.cdx.json\""),
    )
    .unwrap();
    assure()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(4)
        .stderr(predicate::str::contains("`..`"));
}

#[cfg(unix)]
#[test]
fn symlink_escaping_the_folder_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("secret.json");
    std::fs::copy(example("approved").join("sbom.cdx.json"), &target).unwrap();
    let dir = copy_example("approved");
    std::fs::remove_file(dir.path().join("sbom.cdx.json")).unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("sbom.cdx.json")).unwrap();
    assure()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(4)
        .stderr(predicate::str::contains("outside the submission folder"));
}

#[test]
fn missing_digest_is_refused_under_require_digests() {
    let dir = copy_example("approved");
    strip_digests(dir.path());
    assure()
        .args(["check", "--as-of", AS_OF])
        .arg(dir.path())
        .assert()
        .code(0);
    assure()
        .args(["check", "--require-digests"])
        .arg(dir.path())
        .assert()
        .code(4)
        .stderr(predicate::str::contains("no `sha256` declared"));
}

#[test]
fn malformed_sbom_needs_evidence_naming_file_and_line() {
    let dir = copy_example("approved");
    std::fs::write(
        dir.path().join("sbom.cdx.json"),
        "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",\n  oops\n}\n",
    )
    .unwrap();
    strip_digests(dir.path());
    assure()
        .args(["check", "--as-of", AS_OF])
        .arg(dir.path())
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "sbom.cdx.json (cyclonedx) at line 4",
        ))
        .stdout(predicate::str::contains("not valid JSON"));
}

#[test]
fn malformed_manifest_is_an_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("submission.toml"),
        "[product]\nname = \"x\"\nversion = 3\n",
    )
    .unwrap();
    assure()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("submission.toml"))
        .stderr(predicate::str::contains("line 3"));
}

/// A folder holding the needs-evidence example's two documents and no
/// manifest, as a supplier starts.
fn needs_evidence_documents_only() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in ["sbom.cdx.json", "security.txt"] {
        std::fs::copy(example("needs-evidence").join(file), dir.path().join(file)).unwrap();
    }
    dir
}

/// The manifest `assure init` wrote, with its product placeholders filled in.
fn filled_in(manifest: &str) -> String {
    manifest
        .replace("CHANGE ME: product name", "CareFlow Lite")
        .replace("CHANGE ME: version", "0.9.0")
        .replace("CHANGE ME: supplier legal name", "Northwind Health Ltd")
}

#[test]
fn init_writes_a_manifest_with_digests_that_check_then_uses() {
    let dir = needs_evidence_documents_only();
    assure()
        .arg("init")
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("2 evidence file(s)"));
    let manifest = std::fs::read_to_string(dir.path().join("submission.toml")).unwrap();
    // The same digests and media types as the example's own manifest.
    let example_manifest =
        std::fs::read_to_string(example("needs-evidence").join("submission.toml")).unwrap();
    for line in example_manifest
        .lines()
        .filter(|l| l.starts_with("sha256") || l.starts_with("media_type"))
    {
        assert!(manifest.contains(line), "{line} not in:\n{manifest}");
    }
    // The placeholders must be filled in before a check.
    assure()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("placeholder"));
    let filled = filled_in(&manifest);
    std::fs::write(dir.path().join("submission.toml"), filled).unwrap();
    // Both documents are read and decided; the rest is asked for.
    let decision = check_json(dir.path(), 3);
    assert!(decision["document_errors"].as_array().unwrap().is_empty());
    assert!(decision["findings"].as_array().unwrap().is_empty());
}

#[test]
fn init_asks_for_the_profile_and_never_writes_a_silent_false() {
    let dir = needs_evidence_documents_only();
    // Not on a terminal and no answers: every question is left unanswered,
    // as a comment to answer, never `false`.
    assure()
        .arg("init")
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "the profile leaves `patient_data`, `hosted_service`, `medical_device`, \
             `supplier_remote_access`, `criticality`, `real_time_direct_care`, `device_class`, \
             `essential_function`, `designated_critical_supplier`, `managed_service` unanswered",
        ));
    let manifest = std::fs::read_to_string(dir.path().join("submission.toml")).unwrap();
    assert!(!manifest.contains("= false"), "{manifest}");
    assert!(
        manifest.contains(
            "[profile]\n# patient_data = true or false   # Does the product store or process patient data? (unanswered: judged as true)"
        ),
        "{manifest}"
    );
    let filled = filled_in(&manifest);
    std::fs::write(dir.path().join("submission.toml"), filled).unwrap();
    // The check asks for the answers.
    let decision = check_json(dir.path(), 3);
    let profile = decision["missing_evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["evidence"] == "profile")
        .unwrap();
    assert_eq!(profile["facts"].as_array().unwrap().len(), 10);
    // The tier questions are comments too, with their answers and the
    // strictest, which an unanswered one is judged as.
    assert!(
        manifest.contains(
            "# criticality = \"standard\" | \"high\" | \"critical\"   # Which criticality tier"
        ),
        "{manifest}"
    );
    assert!(
        manifest.contains("(unanswered: judged as \"III\")"),
        "{manifest}"
    );
    // Answered on the command line, the manifest keeps the product and says
    // each answer.
    assure()
        .arg("init")
        .arg(dir.path())
        .args([
            "--profile",
            "patient_data=true",
            "--profile",
            "hosted_service=false",
        ])
        .args([
            "--profile",
            "medical_device=no",
            "--profile",
            "supplier_remote_access=yes",
        ])
        .args([
            "--profile",
            "criticality=high",
            "--profile",
            "device_class=none",
            "--profile",
            "real_time_direct_care=false",
            "--profile",
            "essential_function=true",
            "--profile",
            "designated_critical_supplier=false",
            "--profile",
            "managed_service=false",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("unanswered").not());
    let manifest = std::fs::read_to_string(dir.path().join("submission.toml")).unwrap();
    for line in [
        "patient_data = true",
        "hosted_service = false",
        "medical_device = false",
        "supplier_remote_access = true",
        "criticality = \"high\"   # Which criticality tier do you claim for the product: \
         standard, high or critical?",
        "device_class = \"none\"   # What is its medical device class under UK MDR 2002",
        "essential_function = true   # Does the product support an essential function",
        "name = \"CareFlow Lite\"",
    ] {
        assert!(manifest.contains(line), "{line} not in:\n{manifest}");
    }
    let decision = check_json(dir.path(), 3);
    assert!(
        !decision["missing_evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["evidence"] == "profile")
    );
    // A question that does not exist is refused, naming the real ones.
    assure()
        .arg("init")
        .arg(dir.path())
        .args(["--profile", "patient=true"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("`patient` is no profile question"));
    // So is an answer that is not one of the question's.
    assure()
        .arg("init")
        .arg(dir.path())
        .args(["--profile", "criticality=medium"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "`criticality` must be `standard`, `high` or `critical`, not `medium`",
        ));
    assure()
        .arg("init")
        .arg(dir.path())
        .args(["--profile", "device_class=IV"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("`device_class` must be"));
    // And answers that contradict each other.
    assure()
        .arg("init")
        .arg(dir.path())
        .args(["--profile", "device_class=IIa"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "`profile.medical_device` is false but `profile.device_class` is `IIa`",
        ));
}

/// An unknown tier or device class in `submission.toml` is a manifest error
/// naming the file and the key, never a guess; so is a device class for a
/// product that is no medical device.
#[test]
fn an_unknown_tier_or_device_class_is_a_manifest_error() {
    for (answer, says) in [
        (
            "criticality = \"medium\"",
            "`criticality` must be `standard`, `high` or `critical`, not `medium`",
        ),
        ("device_class = \"IV\"", "not `IV`"),
        (
            "device_class = \"IIa\"",
            "`profile.medical_device` is false but `profile.device_class` is `IIa`",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let examples = example("approved");
        for entry in std::fs::read_dir(&examples).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
        let manifest = std::fs::read_to_string(dir.path().join("submission.toml")).unwrap();
        let key = answer.split(" = ").next().unwrap();
        let manifest: String = manifest
            .lines()
            .map(|l| {
                if l.starts_with(&format!("{key} = ")) {
                    answer.to_owned()
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(manifest.contains(answer), "{manifest}");
        std::fs::write(dir.path().join("submission.toml"), manifest).unwrap();
        assure()
            .arg("check")
            .arg(dir.path())
            .assert()
            .code(1)
            .stderr(predicate::str::contains("submission.toml"))
            .stderr(predicate::str::contains(says));
    }
}

/// On a terminal, `assure init` asks each profile question; an empty answer
/// leaves it unanswered. `script` (util-linux, on every Debian) gives the
/// command a terminal.
#[test]
fn init_asks_the_profile_questions_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        example("needs-evidence").join("sbom.cdx.json"),
        dir.path().join("sbom.cdx.json"),
    )
    .unwrap();
    let command = format!(
        "{} init {}",
        env!("CARGO_BIN_EXE_assure"),
        dir.path().display()
    );
    let output = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("NO_COLOR", "1")
        .env("ASSURE_CACHE_DIR", test_cache())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write as _;
            child.stdin.take().unwrap().write_all(b"y\nn\n\nyes\n")?;
            child.wait_with_output()
        })
        .unwrap();
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(
        shown.contains("Is the product (or does it contain) a medical device? [y/n"),
        "{shown}"
    );
    let manifest = std::fs::read_to_string(dir.path().join("submission.toml")).unwrap();
    for line in [
        "patient_data = true",
        "hosted_service = false",
        "supplier_remote_access = true",
        "# medical_device = true or false",
    ] {
        assert!(manifest.contains(line), "{line} not in:\n{manifest}");
    }
}

/// The issue's own example: on `examples/rejected`, an OpenVEX statement
/// that log4j-core is not affected — in another product — and one that it
/// is fixed in the next version. Neither talks the gate into approve.
#[test]
fn a_vex_about_another_product_or_the_next_version_still_exits_2() {
    for (product, status) in [
        ("pkg:npm/unrelated-product@1.0.0", "not_affected"),
        (
            "pkg:maven/uk.co.northwindhealth.careflow/careflow-reports@1.4.0",
            "fixed",
        ),
    ] {
        let dir = copy_example("rejected");
        let vex = serde_json::json!({
            "@context": "https://openvex.dev/ns/v0.2.0",
            "@id": "https://example.com/vex/1",
            "author": "Northwind Health Ltd",
            "timestamp": "2025-09-21T12:00:00Z",
            "version": 1,
            "statements": [{
                "vulnerability": { "name": "CVE-2021-44228" },
                "products": [{
                    "@id": product,
                    "subcomponents": [{ "@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1" }]
                }],
                "status": status,
                "justification": "vulnerable_code_not_in_execute_path"
            }]
        });
        std::fs::write(
            dir.path().join("vex.openvex.json"),
            serde_json::to_vec_pretty(&vex).unwrap(),
        )
        .unwrap();
        let manifest = std::fs::read_to_string(dir.path().join("submission.toml")).unwrap()
            + "\n[[evidence]]\npath = \"vex.openvex.json\"\nmedia_type = \"application/openvex+json\"\n";
        std::fs::write(dir.path().join("submission.toml"), manifest).unwrap();
        assure()
            .arg("check")
            .arg(dir.path())
            .args(["--as-of", "2025-09-22T00:00:00Z"])
            .assert()
            .code(2)
            .stdout(predicate::str::contains("R1 [critical]"))
            .stdout(predicate::str::contains("VEX statements that do not apply"))
            .stdout(predicate::str::contains(format!(
                "about `{product}`, not the submitted product `CareFlow Reports` version `1.3.0`"
            )));
    }
}

#[test]
fn timings_report_each_stage() {
    assure()
        .args(["check", "--timings"])
        .arg(example("rejected"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "extract sbom.cdx.json (cyclonedx)",
        ))
        .stderr(predicate::str::contains("evaluate policies"))
        .stderr(predicate::str::contains("total"));
}

#[test]
fn help_documents_the_exit_codes() {
    assure()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("3  needs evidence"))
        .stdout(predicate::str::contains("4  trust failure"));
}

#[test]
fn bad_as_of_is_a_usage_error() {
    assure()
        .args(["check", "--as-of", "yesterday"])
        .arg(example("approved"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("RFC 3339"));
}

#[test]
fn piped_output_has_no_colour_codes() {
    let output = Command::cargo_bin("assure")
        .unwrap()
        .env_remove("NO_COLOR")
        .env("ASSURE_CACHE_DIR", test_cache())
        .args(["check", "examples/rejected"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        !output.stdout.contains(&0x1b),
        "escape codes in piped output"
    );
}

#[test]
fn json_shows_each_plugin_s_facts_and_lists_unrecognised_evidence() {
    // The laravel SBOM names no supplier and has no hashes: R5 rejects.
    let decision = check_json(&root().join("tests/fixtures/every-format"), 2);
    assert_eq!(decision["verdict"], "reject");
    let fact = &decision["facts"]["product"]["dtac.version"];
    assert_eq!(fact["value"], "2.0");
    assert_eq!(fact["provenance"][0]["plugin"], "dtac");
    assert_eq!(fact["provenance"][0]["document"], "dtac.json");
    let contributions = decision["facts"]["contributions"].as_array().unwrap();
    assert!(contributions.len() >= 12);
    assert_eq!(
        decision["document_errors"][0]["document"],
        "covering-letter.txt"
    );
    assert_eq!(decision["document_errors"][0]["kind"], "unrecognised");
    assert_eq!(decision["inputs"]["reference_data"][0]["name"], "kev");
}

#[test]
fn data_kev_checks_a_catalogue_and_copies_it_into_the_bundle() {
    // The README's two commands, run from a repository root.
    let repo = tempfile::tempdir().unwrap();
    let catalogue = root().join("policies/nhs-baseline/data/kev.json");
    std::fs::copy(
        &catalogue,
        repo.path().join("known_exploited_vulnerabilities.json"),
    )
    .unwrap();
    let written = repo.path().join("policies/nhs-baseline/data/kev.json");
    // --dry-run checks and writes nothing.
    assure()
        .current_dir(repo.path())
        .args([
            "data",
            "kev",
            "known_exploited_vulnerabilities.json",
            "--dry-run",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Known Exploited Vulnerabilities catalogue 2025.08.25",
        ))
        .stdout(predicate::str::contains("not written"));
    assert!(!written.exists());
    assure()
        .current_dir(repo.path())
        .args(["data", "kev", "known_exploited_vulnerabilities.json"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read(&written).unwrap(),
        std::fs::read(&catalogue).unwrap()
    );
    let bundle = repo.path().join("policies/nhs-baseline");
    // A second run says what changed.
    assure()
        .args(["data", "kev"])
        .arg(&catalogue)
        .arg("--bundle-dir")
        .arg(&bundle)
        .assert()
        .success()
        .stdout(predicate::str::contains("0 added, 0 removed"));
    // A broken catalogue is refused, naming the file and the place.
    let broken = repo.path().join("broken.json");
    std::fs::write(
        &broken,
        r#"{"catalogVersion":"x","dateReleased":"2024-01-01","count":1,"vulnerabilities":[{"cveID":"LOG4SHELL","dateAdded":"2021-12-10"}]}"#,
    )
    .unwrap();
    assure()
        .args(["data", "kev"])
        .arg(&broken)
        .arg("--bundle-dir")
        .arg(&bundle)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("broken.json"))
        .stderr(predicate::str::contains("/vulnerabilities/0/cveID"));
}

/// A copy of the baseline's source (without its tests) that a test may change.
fn copy_baseline() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = root().join("policies/nhs-baseline");
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::create_dir(dir.path().join("data")).unwrap();
    for name in ["kev.json", "nhs-cyber-alerts.json"] {
        std::fs::copy(
            source.join("data").join(name),
            dir.path().join("data").join(name),
        )
        .unwrap();
    }
    dir
}

#[test]
fn the_baseline_s_policy_tests_pass_with_every_rule_covered_both_ways() {
    // README: `assure test policies/nhs-baseline --coverage`
    assure()
        .current_dir(root())
        .args(["test", "policies/nhs-baseline", "--coverage"])
        .assert()
        .success()
        .stdout(predicate::str::contains(" 0 failed"))
        .stdout(predicate::str::contains("covered both ways (100%"))
        // The facts the schema declares that no rule judges are listed for
        // the bundle's author (the plugins' READMEs say why each is kept).
        .stdout(predicate::str::contains(
            "declared facts no rule reads (shown in reports, never judged)",
        ))
        .stdout(predicate::str::contains("Exposure.status_source"));
}

#[test]
fn policy_tests_report_each_failure_and_exit_non_zero() {
    let bundle = copy_baseline();
    std::fs::create_dir(bundle.path().join("tests")).unwrap();
    std::fs::write(
        bundle.path().join("tests/sbom.toml"),
        r#"
[defaults.facts]
"sbom.format" = "CycloneDX"
"sbom.spec_version" = "1.6"
"sbom.spec_major" = 1
"sbom.spec_minor" = 6
"sbom.component_count" = 10
"sbom.supplier_present" = true
"sbom.purl_percent" = 100
"sbom.strong_hash_percent" = 100
"sbom.dependency_graph" = true
"sbom.dangling_refs" = 0

[[case]]
name = "purls on 90% of components fire R5.2"
facts = { "sbom.purl_percent" = 90 }
expect = { fires = ["R5.2"], silent = ["R5.1"] }

[[case]]
name = "a wrong expectation fails"
expect = { fires = ["R5.1"] }

[[case]]
name = "no SBOM leaves R5.2 undecided and asks for one"
unset = ["sbom"]
expect = { undecided = ["R5.2"], missing = ["sbom"] }
"#,
    )
    .unwrap();
    assure()
        .args(["test"])
        .arg(bundle.path())
        .args(["--coverage", "--fail-under", "0"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "sbom.toml :: purls on 90% of components fire R5.2 ... ok",
        ))
        .stdout(predicate::str::contains(
            "a wrong expectation fails ... FAILED",
        ))
        .stdout(predicate::str::contains(
            "expected R5.1 to fire; it was silent",
        ))
        .stdout(predicate::str::contains("R5.2     fires: yes  silent: yes"))
        .stdout(predicate::str::contains("2 passed, 1 failed"));
}

#[test]
fn policy_validate_names_file_line_and_help_for_a_type_error() {
    let bundle = copy_baseline();
    let sbom = bundle.path().join("sbom.cedar");
    let mut text = std::fs::read_to_string(&sbom).unwrap();
    let line = text.lines().count() + 10;
    text.push_str(
        "\n@id(\"R5.9\")\n@title(\"t\")\n@control(\"c\")\n@pillar(\"4\")\n@severity(\"low\")\n\
         @message(\"m\")\n@remediation(\"r\")\nforbid (principal, action == Action::\"approve\", resource is Product)\n\
         when { resource.sbom.component_count == \"many\" };\n",
    );
    std::fs::write(&sbom, text).unwrap();
    assure()
        .args(["policy", "validate"])
        .arg(bundle.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("sbom.cedar:{line}:")))
        .stderr(predicate::str::contains("R5.9"))
        .stderr(predicate::str::contains("help:"));
    // The unchanged baseline is valid.
    assure()
        .current_dir(root())
        .args(["policy", "validate", "policies/nhs-baseline"])
        .assert()
        .success()
        .stdout(predicate::str::contains("valid"));
}

#[test]
fn controls_map_each_control_to_its_rules_in_three_formats() {
    assure()
        .args(["controls"])
        .assert()
        .success()
        .stdout(predicate::str::contains("NTIA minimum elements"))
        .stdout(predicate::str::contains("R5.2"));
    assure()
        .args(["controls", "--format", "markdown"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("| control | rules |"));
    let csv = assure()
        .args(["controls", "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("control,rule,title,severity,advisory,tier\n"));
    assert!(csv.lines().any(|l| l.contains(",R5.2,")));
    assert!(
        csv.lines()
            .any(|l| l.starts_with("Cyber Essentials Plus,R6.12,") && l.ends_with(",false,high")),
        "{csv}"
    );
}

/// README "Criticality tiers": `assure controls` prints each tier, what
/// implies it and the rules it adds, read from the `@tier` annotations.
#[test]
fn controls_print_the_criticality_tiers_and_the_rules_each_adds() {
    let table = assure()
        .args(["controls"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(table).unwrap();
    assert!(
        table.contains("criticality tiers: the rules apply the stricter"),
        "{table}"
    );
    let high = table
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("high      implied by:"))
        .nth(1)
        .unwrap();
    for rule in ["R2.3 ", "R6.12 ", "R7.11 "] {
        assert!(high.contains(rule), "{rule} not in {high}");
    }
    assert!(!high.contains("R2.2 "), "{high}");
    assert!(
        table.contains("implied by: real-time or near-real-time direct care (DTAC v2.0 C1.2)"),
        "{table}"
    );
    let markdown = assure()
        .args(["controls", "--format", "markdown"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let markdown = String::from_utf8(markdown).unwrap();
    assert!(
        markdown.contains("| criticality tier | implied by (any one) | rules it adds |"),
        "{markdown}"
    );
    assert!(
        markdown
            .lines()
            .any(|l| l.starts_with("| high |")
                && l.contains("R7.11 Penetration tester CREST or CHECK")),
        "{markdown}"
    );
}

/// A `@tier` the loader does not know, or on a rule that does not test the
/// tier, stops the bundle from loading, naming the policy.
#[test]
fn a_bad_tier_annotation_is_refused() {
    for (from, to, says) in [
        (
            "@tier(\"high\")\n@message(\"A high vulnerability",
            "@tier(\"medium\")\n@message(\"A high vulnerability",
            "`@tier(\"medium\")` must be `high` or `critical`",
        ),
        (
            "@id(\"R3.1\")",
            "@id(\"R3.1\")\n@tier(\"critical\")",
            "policy `R3.1`: it has a `@tier` annotation but its condition does not read",
        ),
    ] {
        let dir = copy_baseline();
        let file = dir.path().join("vulnerabilities.cedar");
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains(from), "{from}");
        std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
        assure()
            .args(["policy", "validate"])
            .arg(dir.path())
            .assert()
            .failure()
            .stderr(predicate::str::contains(says));
    }
}

#[test]
fn controls_csv_quotes_carriage_returns_and_keeps_formulas_from_running() {
    // A rule title a spreadsheet would run, with a carriage return in it.
    let dir = copy_baseline();
    let file = dir.path().join("vulnerabilities.cedar");
    let text = std::fs::read_to_string(&file).unwrap();
    let at = text.find("@title(\"").unwrap() + "@title(\"".len();
    let hostile = format!(
        "{}=HYPERLINK(\\\"https://evil.example\\\")\\rsecond{}",
        &text[..at],
        &text[at..]
    );
    std::fs::write(&file, hostile).unwrap();
    let csv = assure()
        .args(["controls", "--format", "csv"])
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let csv = String::from_utf8(csv).unwrap();
    // Quoted (so the carriage return stays inside the cell), quotes doubled,
    // and a leading `'` so the cell shows as text.
    assert!(
        csv.contains(",\"'=HYPERLINK(\"\"https://evil.example\"\")\rsecond"),
        "{csv}"
    );
    assert!(!csv.contains(",=HYPERLINK"), "{csv}");
}

#[test]
fn readme_reports_command_writes_every_format_and_keeps_the_summary() {
    // README "Reports", run in a scratch folder.
    let dir = tempfile::tempdir().unwrap();
    assure()
        .current_dir(dir.path())
        .arg("check")
        .arg(example("rejected"))
        .args([
            "--output",
            "sarif=assure.sarif",
            "--output",
            "junit=assure.xml",
            "--output",
            "markdown=summary.md",
            "--output",
            "html=report.html",
            "--output",
            "json=decision.json",
        ])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("REJECT"));
    let sarif = json(&std::fs::read(dir.path().join("assure.sarif")).unwrap());
    assert_eq!(sarif["version"], "2.1.0");
    let decision = json(&std::fs::read(dir.path().join("decision.json")).unwrap());
    assert_eq!(decision["verdict"], "reject");
    let xml = std::fs::read_to_string(dir.path().join("assure.xml")).unwrap();
    assert!(xml.contains("<testsuites"), "{xml}");
    let markdown = std::fs::read_to_string(dir.path().join("summary.md")).unwrap();
    assert!(markdown.contains("R1"), "{markdown}");
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..100]);
}

#[test]
fn an_output_that_cannot_be_written_is_exit_1_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    assure()
        .arg("check")
        .arg(example("approved"))
        .arg("--output")
        .arg(format!(
            "html={}",
            dir.path().join("no/such/dir/r.html").display()
        ))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot write the html report to"));
}

#[test]
fn limits_are_set_on_the_command_line_and_a_breach_names_them() {
    // `--limit NAME=VALUE` over the bundle's limits: the submission is
    // refused, naming the limit (docs/LIMITS.md).
    assure()
        .args([
            "check",
            "--as-of",
            "2025-09-22T00:00:00Z",
            "--limit",
            "files=1",
        ])
        .arg(example("approved"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "more than allowed (limits.files = 1 files)",
        ));
    // A plugin limit: the SBOM is too big for a 100-byte input cap, so the
    // rules it decides are needs-evidence, and the report says why.
    assure()
        .args([
            "check",
            "--as-of",
            "2025-09-22T00:00:00Z",
            "--limit",
            "limits.input_bytes=100",
        ])
        .arg(example("approved"))
        .assert()
        .code(3)
        .stdout(predicate::str::contains("limits.input_bytes = 100 bytes"));
}

#[test]
fn limits_beyond_their_ceilings_are_refused_naming_them() {
    for (args, expected) in [
        (
            vec!["--plugin-timeout", "3600"],
            "`--plugin-timeout`: `limits.deadline_ms` = 3600000 is outside what assure allows: it must be between 1 and 60000 milliseconds",
        ),
        (
            vec!["--plugin-memory", "0"],
            "`--plugin-memory`: `limits.memory_bytes` = 0 is outside what assure allows",
        ),
        (
            vec!["--limit", "nesting_depth=129"],
            "`limits.nesting_depth` = 129 is outside what assure allows",
        ),
        (
            vec!["--limit", "speed=1"],
            "`limits.speed` is not a limit assure knows",
        ),
        (vec!["--limit", "files"], "`files` is not NAME=VALUE"),
    ] {
        assure()
            .arg("check")
            .args(&args)
            .arg(example("approved"))
            .assert()
            .code(1)
            .stderr(predicate::str::contains(expected));
    }
}
