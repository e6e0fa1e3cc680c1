//! Waivers end to end, as an assurance team, its approvers and a
//! procurement officer run them: a trust's bundle built from the baseline
//! with two approvers, waivers written and signed with `assure waiver`,
//! `examples/rejected` (Log4Shell: R1 and R2.1) approved with two waivers —
//! and every waiver that must not stand (expired, under-approved, for
//! another version, forged, tampered, of a rule the bundle does not allow,
//! under the national baseline) leaving its finding blocking and saying why.

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{assure, copy_dir, example, root};

const AS_OF: &str = "2025-09-22T00:00:00Z";
const LOG4J: &str = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1";

/// Keys, and the trust's bundle: the baseline with two approvers, signed.
pub(crate) struct Trust {
    dir: tempfile::TempDir,
}

impl Trust {
    pub(crate) fn new() -> Self {
        let trust = Trust {
            dir: tempfile::tempdir().unwrap(),
        };
        for name in ["publisher", "patel", "jones", "mallory"] {
            assure()
                .args(["key", "generate", "--out"])
                .arg(trust.path(name))
                .assert()
                .success();
        }
        let source = trust.path("bundle-source");
        copy_dir(&root().join("policies/nhs-baseline"), &source);
        std::fs::create_dir_all(source.join("waivers")).unwrap();
        for name in ["patel", "jones"] {
            std::fs::copy(
                trust.path(&format!("{name}.pub")),
                source.join(format!("waivers/{name}.pub")),
            )
            .unwrap();
        }
        let mut toml = std::fs::read_to_string(source.join("bundle.toml")).unwrap();
        toml.push_str(
            "\n[[waivers.approver]]\nname = \"Dr A. Patel, Chief Clinical Information Officer\"\nkey = \"waivers/patel.pub\"\n\n[[waivers.approver]]\nname = \"B. Jones, Head of Cyber Security\"\nkey = \"waivers/jones.pub\"\n",
        );
        std::fs::write(source.join("bundle.toml"), toml).unwrap();
        assure()
            .args(["bundle", "build"])
            .arg(&source)
            .arg("-o")
            .arg(trust.path("trust.bundle"))
            .arg("--plugin-key")
            .arg(trust.path("publisher.key"))
            .args([
                "--created",
                "2025-09-01T00:00:00Z",
                "--expires",
                "2027-12-01T00:00:00Z",
            ])
            .assert()
            .success();
        assure()
            .args(["bundle", "sign", "--key"])
            .arg(trust.path("publisher.key"))
            .arg(trust.path("trust.bundle"))
            .assert()
            .success();
        trust
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `assure waiver new` for `rule` on Log4Shell in CareFlow Reports, with
    /// `extra` flags (defaults: version 1.3.0, created 2025-09-20, 30 days),
    /// then signed by each of `signers`.
    pub(crate) fn waiver(
        &self,
        file: &str,
        rule: &str,
        extra: &[&str],
        signers: &[&str],
    ) -> PathBuf {
        let path = self.path(file);
        let has = |flag: &str| extra.contains(&flag);
        let mut cmd = assure();
        cmd.args(["waiver", "new", "-o"])
            .arg(&path)
            .args([
                "--id",
                &format!("W-{rule}"),
                "--product",
                "CareFlow Reports",
            ])
            .args(["--rule", rule])
            .args(["--vulnerability", "CVE-2021-44228", "--component", LOG4J])
            .args(["--reason", "compensating-control"])
            .args(["--justification", "JNDI lookups disabled; no outbound LDAP"])
            .args(["--risk-owner", "Dr A. Patel, CCIO"])
            .args(["--control", "egress firewall denies LDAP and RMI"])
            .args(["--approver", "Dr A. Patel", "--approver", "B. Jones"]);
        if !has("--version") && !has("--versions") {
            cmd.args(["--version", "1.3.0"]);
        }
        if !has("--created") {
            cmd.args(["--created", "2025-09-20T00:00:00Z"]);
        }
        if !has("--expires") && !has("--days") {
            cmd.args(["--days", "30"]);
        }
        cmd.args(extra).assert().success();
        for signer in signers {
            assure()
                .args(["waiver", "sign", "--key"])
                .arg(self.path(&format!("{signer}.key")))
                .arg(&path)
                .assert()
                .success()
                .stdout(predicate::str::contains("signed"));
        }
        path
    }

    /// `assure check` of `submission` with the trust's bundle and `args`.
    fn check(&self, submission: &Path, args: &[&std::ffi::OsStr]) -> assert_cmd::assert::Assert {
        assure()
            .args(["check", "--as-of", AS_OF, "--bundle"])
            .arg(self.path("trust.bundle"))
            .arg("--trust")
            .arg(self.path("publisher.pub"))
            .arg("--state")
            .arg(self.path("state.json"))
            .args(args)
            .arg(submission)
            .assert()
    }

    /// The decision JSON of checking `examples/rejected` with `waivers`.
    fn decide(&self, waivers: &[&Path], code: i32) -> Value {
        let mut args: Vec<&std::ffi::OsStr> = vec!["--format".as_ref(), "json".as_ref()];
        for w in waivers {
            args.push("--waiver".as_ref());
            args.push(w.as_os_str());
        }
        let out = self.check(&example("rejected"), &args).code(code);
        serde_json::from_slice(&out.get_output().stdout).unwrap()
    }
}

/// Each finding's rule and, if waived, its waiver's id.
fn marks(decision: &Value) -> Vec<(String, Option<String>)> {
    decision["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["waiver"]["id"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

#[test]
fn two_approved_waivers_approve_the_rejected_example_and_every_format_shows_them() {
    let trust = Trust::new();
    let r1 = trust.waiver("r1.json", "R1", &[], &["patel", "jones"]);
    let r21 = trust.waiver("r21.json", "R2.1", &[], &["jones", "patel"]);

    // Without them: rejected on R1 and R2.1.
    let decision = trust.decide(&[], 2);
    assert_eq!(decision["verdict"], "reject");

    let out = trust.path("out");
    std::fs::create_dir_all(&out).unwrap();
    let mut args: Vec<std::ffi::OsString> = vec!["--waiver".into(), r1.clone().into()];
    args.extend(["--waiver".into(), r21.clone().into()]);
    for format in ["json", "sarif", "junit", "markdown", "html"] {
        args.push("--output".into());
        args.push(format!("{format}={}", out.join(format).display()).into());
    }
    let argv: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsString::as_os_str).collect();
    trust
        .check(&example("rejected"), &argv)
        .code(0)
        .stdout(predicate::str::contains("APPROVE with 2 waivers"))
        .stdout(predicate::str::contains("Waived findings (accepted risk)"))
        .stdout(predicate::str::contains(
            "waived by W-R1 until 2025-10-20T00:00:00Z",
        ));

    let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap();
    let decision: Value = serde_json::from_str(&read("json")).unwrap();
    crate::decision_schema::assert_valid("a decision with two waivers", &decision);
    assert_eq!(decision["verdict"], "approve");
    assert_eq!(
        marks(&decision),
        [
            ("R1".to_owned(), Some("W-R1".to_owned())),
            ("R2.1".to_owned(), Some("W-R2.1".to_owned()))
        ]
    );
    let waivers = decision["waivers"].as_array().unwrap();
    assert_eq!(waivers.len(), 2);
    for w in waivers {
        assert_eq!(w["status"], "applied", "{w}");
        assert_eq!(w["approved_by"].as_array().unwrap().len(), 2, "{w}");
        assert_eq!(w["expires_in_days"], 28);
    }
    let outcome = |rule: &str| {
        decision["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == rule)
            .unwrap()["outcome"]
            .clone()
    };
    assert_eq!(outcome("R1"), "waived");
    assert_eq!(outcome("R2.1"), "waived");

    // SARIF: the results stay, suppressed as accepted with the justification.
    let sarif: Value = serde_json::from_str(&read("sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    for rule in ["R1", "R2.1"] {
        let result = results.iter().find(|r| r["ruleId"] == rule).unwrap();
        let suppression = &result["suppressions"][0];
        assert_eq!(suppression["status"], "accepted", "{result}");
        assert_eq!(suppression["kind"], "external");
        assert!(
            suppression["justification"]
                .as_str()
                .unwrap()
                .contains("JNDI lookups disabled"),
            "{suppression}"
        );
    }
    // JUnit: skipped, with the waiver as the reason.
    let junit = read("junit");
    let doc = roxmltree::Document::parse(&junit).unwrap();
    let case = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("testcase") && n.attribute("name").is_some_and(|a| a.starts_with("R1 "))
        })
        .unwrap();
    let skipped = case.children().find(|n| n.has_tag_name("skipped")).unwrap();
    assert!(
        skipped
            .attribute("message")
            .unwrap()
            .starts_with("waived by W-R1"),
        "{junit}"
    );
    assert!(!junit.contains("<failure"), "{junit}");
    // Markdown and HTML: the verdict says so, and the waived findings have
    // a section of their own.
    let markdown = read("markdown");
    assert!(markdown.contains("APPROVE with 2 waivers"), "{markdown}");
    assert!(
        markdown.contains("### Waived findings, accepted risk (2)"),
        "{markdown}"
    );
    assert!(markdown.contains("### Waivers (2)"), "{markdown}");
    let html = read("html");
    assert!(html.contains("APPROVE with 2 waivers"));
    assert!(html.contains("Waived findings, accepted risk (2)"));
    assert!(html.contains("<section id=\"waivers\">"));
}

#[test]
fn a_waiver_that_does_not_stand_leaves_its_finding_blocking_and_says_why() {
    let trust = Trust::new();
    let tampered = trust.waiver("tampered.json", "R1", &[], &["patel", "jones"]);
    // Change the statement after signing: the signatures no longer verify.
    let mut envelope: Value = serde_json::from_slice(&std::fs::read(&tampered).unwrap()).unwrap();
    let payload = {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD;
        let text = String::from_utf8(b64.decode(envelope["payload"].as_str().unwrap()).unwrap())
            .unwrap()
            .replace("\"1.3.0\"", "\"1.3.1\"");
        b64.encode(text)
    };
    envelope["payload"] = Value::String(payload);
    std::fs::write(&tampered, serde_json::to_vec(&envelope).unwrap()).unwrap();

    let cases: Vec<(&str, PathBuf, &str)> = vec![
        (
            "one day past expiry",
            trust.waiver(
                "expired.json",
                "R1",
                &[
                    "--created",
                    "2025-08-22T00:00:00Z",
                    "--expires",
                    "2025-09-21T00:00:00Z",
                ],
                &["patel", "jones"],
            ),
            "expired",
        ),
        (
            "signed by one approver where two are required",
            trust.waiver("one.json", "R1", &[], &["patel"]),
            "under-approved",
        ),
        (
            "for another product version",
            trust.waiver(
                "other.json",
                "R1",
                &["--version", "1.2.9"],
                &["patel", "jones"],
            ),
            "out-of-scope",
        ),
        (
            "for a version range that leaves it out",
            trust.waiver(
                "range.json",
                "R1",
                &["--versions", ">=1.0.0, <1.3.0"],
                &["patel", "jones"],
            ),
            "out-of-scope",
        ),
        (
            "forged: signed by a key the bundle does not name",
            trust.waiver("forged.json", "R1", &[], &["mallory"]),
            "untrusted",
        ),
        (
            "half forged: one approver and one stranger",
            trust.waiver("half.json", "R1", &[], &["patel", "mallory"]),
            "under-approved",
        ),
        ("tampered after signing", tampered, "untrusted"),
        (
            "unsigned",
            trust.waiver("unsigned.json", "R1", &[], &[]),
            "unsigned",
        ),
        (
            "longer than the bundle allows for R1 (30 days)",
            trust.waiver("long.json", "R1", &["--days", "31"], &["patel", "jones"]),
            "too-long",
        ),
        (
            "dated after the evaluation time",
            trust.waiver(
                "future.json",
                "R1",
                &["--created", "2025-09-23T00:00:00Z"],
                &["patel", "jones"],
            ),
            "not-yet-valid",
        ),
        (
            "of a rule the bundle does not let a waiver accept (R3.2)",
            trust.waiver("r32.json", "R3.2", &[], &["patel", "jones"]),
            "not-waivable",
        ),
    ];
    for (what, file, status) in &cases {
        let decision = trust.decide(&[file.as_path()], 2);
        assert_eq!(decision["verdict"], "reject", "{what}");
        assert!(
            marks(&decision).iter().all(|(_, waiver)| waiver.is_none()),
            "{what}: {:?}",
            marks(&decision)
        );
        crate::decision_schema::assert_valid(what, &decision);
        let report = &decision["waivers"][0];
        assert_eq!(report["status"], *status, "{what}: {report}");
        assert!(!report["message"].as_str().unwrap().is_empty(), "{what}");
        let summary = decision["summary"].as_str().unwrap();
        assert!(
            summary.contains("1 waiver(s) not applied: ") && summary.contains(status),
            "{what}: {summary}"
        );
    }
    // `assure waiver verify` says the same, and exits 4.
    assure()
        .args(["waiver", "verify", "--as-of", AS_OF, "--bundle"])
        .arg(trust.path("trust.bundle"))
        .arg("--trust")
        .arg(trust.path("publisher.pub"))
        .arg("--state")
        .arg(trust.path("state.json"))
        .arg(trust.path("one.json"))
        .assert()
        .code(4)
        .stdout(predicate::str::contains("under-approved W-R1"))
        .stdout(predicate::str::contains("the bundle requires 2"));
}

#[test]
fn the_national_baseline_names_no_approver_so_no_waiver_applies() {
    let trust = Trust::new();
    let r1 = trust.waiver("r1.json", "R1", &[], &["patel", "jones"]);
    let out = assure()
        .args(["check", "--as-of", AS_OF, "--format", "json", "--waiver"])
        .arg(&r1)
        .arg(example("rejected"))
        .assert()
        .code(2);
    let decision: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(decision["waivers"][0]["status"], "not-allowed");
    assert!(
        decision["waivers"][0]["message"]
            .as_str()
            .unwrap()
            .contains("names no waiver approver")
    );
}

#[test]
fn the_signed_record_lists_the_waivers_and_replay_reproduces_the_waived_decision() {
    let trust = Trust::new();
    let r1 = trust.waiver("r1.json", "R1", &[], &["patel", "jones"]);
    let r21 = trust.waiver("r21.json", "R2.1", &[], &["patel", "jones"]);
    let record = trust.path("record.json");
    trust
        .check(
            &example("rejected"),
            &[
                "--waiver".as_ref(),
                r1.as_os_str(),
                "--waiver".as_ref(),
                r21.as_os_str(),
                "--attest".as_ref(),
                record.as_os_str(),
                "--key".as_ref(),
                trust.path("publisher.key").as_os_str(),
            ],
        )
        .code(0);
    assure()
        .args(["verify", "--json", "--trust"])
        .arg(trust.path("publisher.pub"))
        .arg(&record)
        .assert()
        .success()
        .stdout(predicate::str::contains("\"status\": \"applied\""))
        .stdout(predicate::str::contains("\"id\": \"W-R1\""));
    assure()
        .args(["verify", "--trust"])
        .arg(trust.path("publisher.pub"))
        .arg("--submission")
        .arg(example("rejected"))
        .args(["--replay", "--bundle"])
        .arg(trust.path("trust.bundle"))
        .arg("--bundle-trust")
        .arg(trust.path("publisher.pub"))
        .arg("--bundle-state")
        .arg(trust.path("state.json"))
        .arg(&record)
        .assert()
        .success()
        .stdout(predicate::str::contains("the same decision"));
}

#[test]
fn waivers_in_the_submission_or_beside_it_are_judged_too() {
    let trust = Trust::new();
    let r1 = trust.waiver("r1.json", "R1", &[], &["patel", "jones"]);
    let r21 = trust.waiver("r21.json", "R2.1", &[], &["patel", "jones"]);

    // Inside the submission: `waivers/` is not evidence, and not unlisted.
    let inside = trust.path("inside");
    copy_dir(&example("rejected"), &inside);
    std::fs::create_dir_all(inside.join("waivers")).unwrap();
    std::fs::copy(&r1, inside.join("waivers/r1.json")).unwrap();
    std::fs::copy(&r21, inside.join("waivers/r21.json")).unwrap();
    let out = trust
        .check(&inside, &["--format".as_ref(), "json".as_ref()])
        .code(0);
    let decision: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(decision["verdict"], "approve");
    assert!(
        decision["inputs"]["unlisted"]
            .as_array()
            .is_none_or(Vec::is_empty)
    );

    // Beside a folder of submissions: it applies to each, by its scope.
    let batch = trust.path("batch");
    copy_dir(&example("rejected"), &batch.join("reports-1.3.0"));
    copy_dir(&example("approved"), &batch.join("careflow-4.2.0"));
    std::fs::create_dir_all(batch.join("waivers")).unwrap();
    std::fs::copy(&r1, batch.join("waivers/r1.json")).unwrap();
    std::fs::copy(&r21, batch.join("waivers/r21.json")).unwrap();
    trust
        .check(&batch, &[])
        .code(0)
        .stdout(predicate::str::contains("approve with 2 waivers"));
}

#[test]
fn waiver_new_refuses_what_the_engine_would_refuse() {
    let trust = Trust::new();
    // `waiver new` for the whole product, with `extra` flags.
    let new = |file: &str, extra: &[&str]| {
        assure()
            .args(["waiver", "new", "-o"])
            .arg(trust.path(file))
            .args([
                "--id",
                "W-1",
                "--product",
                "CareFlow Reports",
                "--rule",
                "R1",
            ])
            .args([
                "--whole-product",
                "--justification",
                "x",
                "--risk-owner",
                "y",
            ])
            .args(["--approver", "z"])
            .args(extra)
            .assert()
    };
    // No version, range or artefact: a waiver for every version.
    new("all.json", &["--reason", "risk-accepted", "--days", "10"])
        .code(1)
        .stderr(predicate::str::contains("never all of them"));
    // No expiry at all.
    new(
        "forever.json",
        &["--version", "1.3.0", "--reason", "risk-accepted"],
    )
    .code(1)
    .stderr(predicate::str::contains("--expires"));
    // An unknown reason.
    new(
        "why.json",
        &["--version", "1.3.0", "--reason", "because", "--days", "1"],
    )
    .code(1)
    .stderr(predicate::str::contains("compensating-control"));
    // Nobody signs what is not a waiver.
    std::fs::write(trust.path("sbom.json"), b"{\"bomFormat\":\"CycloneDX\"}").unwrap();
    assure()
        .args(["waiver", "sign", "--key"])
        .arg(trust.path("patel.key"))
        .arg(trust.path("sbom.json"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a DSSE envelope"));
}

/// A command line split as a shell would: words, and double-quoted words
/// with spaces.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(word);
    }
    out
}

#[test]
fn readme_waiver_commands_work_as_shown() {
    // README "Accepted risk: waivers": its commands, run as written (today,
    // in a folder holding the trust's bundle and the approvers' keys).
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme.split("### Accepted risk: waivers").nth(1).unwrap();
    let block = section
        .split("```sh\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let joined = block.replace("\\\n", " ");
    let commands: Vec<Vec<String>> = joined
        .lines()
        .flat_map(|line| line.split(" && "))
        .map(|command| words(command.split(" # ").next().unwrap()))
        .filter(|w| !w.is_empty())
        .collect();
    assert_eq!(commands.len(), 5, "{commands:?}");
    let trust = Trust::new();
    for command in commands {
        assert_eq!(command[0], "assure", "{command:?}");
        let mut cmd = assure();
        cmd.current_dir(trust.dir.path());
        for arg in &command[1..] {
            if arg.starts_with("examples/") {
                cmd.arg(root().join(arg));
            } else {
                cmd.arg(arg);
            }
        }
        if command[1] == "check" {
            // Today: the waiver applies to R1; R2.1 still blocks.
            cmd.arg("--state").arg(trust.path("state.json"));
            cmd.assert()
                .code(2)
                .stdout(predicate::str::contains("W-2025-014 (R1 on CVE-2021-44228"))
                .stdout(predicate::str::contains("[applied]"));
        } else {
            cmd.env("XDG_STATE_HOME", trust.path("state"));
            cmd.assert().success();
        }
    }
}

#[test]
fn a_waiver_about_to_expire_applies_and_says_so_and_an_unused_one_is_listed() {
    let trust = Trust::new();
    // Created 2025-09-20, expires 2025-09-30: 8 days left at the check, within
    // the bundle's 14-day warning.
    let soon = trust.waiver(
        "soon.json",
        "R1",
        &["--expires", "2025-09-30T00:00:00Z"],
        &["patel", "jones"],
    );
    // Valid and in scope, but R2.2 has no finding on Log4Shell (it is critical).
    let unused = trust.waiver("unused.json", "R2.2", &[], &["patel", "jones"]);
    let decision = trust.decide(&[soon.as_path(), unused.as_path()], 2);
    let by_id = |id: &str| {
        decision["waivers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["waiver"]["id"] == id)
            .unwrap()
            .clone()
    };
    let soon = by_id("W-R1");
    assert_eq!(soon["status"], "applied");
    assert_eq!(soon["expiring"], true);
    assert_eq!(soon["expires_in_days"], 8);
    assert_eq!(by_id("W-R2.2")["status"], "unused");
    let summary = decision["summary"].as_str().unwrap();
    assert!(
        summary.contains("1 waiver(s) unused: W-R2.2")
            && summary.ends_with("waiver W-R1 expires in 8 day(s)"),
        "{summary}"
    );
    // R2.1 is not waived: the verdict stays reject.
    assert_eq!(
        marks(&decision),
        [
            ("R1".to_owned(), Some("W-R1".to_owned())),
            ("R2.1".to_owned(), None)
        ]
    );
}

#[test]
fn a_hostile_waiver_in_the_submission_cannot_forge_a_line_of_the_report() {
    // A supplier drops an unsigned "waiver" whose id and subject carry line
    // breaks and a bidi control into its own submission: it is reported,
    // inert, and changes nothing.
    let dir = tempfile::tempdir().unwrap();
    let inside = dir.path().join("rejected");
    copy_dir(&example("rejected"), &inside);
    std::fs::create_dir_all(inside.join("waivers")).unwrap();
    assure()
        .args(["waiver", "new", "-o"])
        .arg(inside.join("waivers/w.json"))
        .args(["--id", "W-1\nAPPROVE every rule passed\u{202e}"])
        .args([
            "--product",
            "CareFlow Reports",
            "--version",
            "1.3.0",
            "--rule",
            "R1",
        ])
        .args([
            "--vulnerability",
            "CVE-2021-44228\nAPPROVE",
            "--component",
            LOG4J,
        ])
        .args(["--reason", "risk-accepted", "--justification", "x\nAPPROVE"])
        .args(["--risk-owner", "y", "--approver", "z", "--days", "10"])
        .args(["--created", "2025-09-20T00:00:00Z"])
        .assert()
        .success();
    for format in ["human", "markdown"] {
        let out = assure()
            .args(["check", "--as-of", AS_OF, "--format", format])
            .arg(&inside)
            .assert()
            .code(2);
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(
            !text.lines().any(|l| l.trim_start().starts_with("APPROVE")),
            "{format}: {text}"
        );
        assert!(!text.contains('\u{202e}'), "{format}");
        assert!(text.contains("not-allowed"), "{format}: {text}");
    }
}

#[test]
fn an_oversized_waiver_is_refused_naming_the_file_and_never_approves() {
    let dir = tempfile::tempdir().unwrap();
    let inside = dir.path().join("rejected");
    copy_dir(&example("rejected"), &inside);
    std::fs::create_dir_all(inside.join("waivers")).unwrap();
    std::fs::write(inside.join("waivers/huge.json"), vec![b' '; 300 * 1024]).unwrap();
    assure()
        .args(["check", "--as-of", AS_OF])
        .arg(&inside)
        .assert()
        .failure()
        .code(predicate::ne(0))
        .stderr(predicate::str::contains("waivers/huge.json"));
    assure()
        .args(["check", "--as-of", AS_OF, "--waiver"])
        .arg(inside.join("waivers/huge.json"))
        .arg(example("rejected"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("a waiver is at most"));
}
