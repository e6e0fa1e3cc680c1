//! `assure recheck` as a team that keeps its suppliers' submissions in a
//! repository runs it: which decisions a newer known-exploited catalogue or
//! a later date would change, and why; nothing listed when nothing changes;
//! refusals; the JSON; and the facts store that spares the plugins the
//! second reading.

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use serde_json::Value;
use sha2::Digest as _;

use crate::common::{assure, copy_dir, example, root};

/// The examples' documented date: the bundled catalogue (2025-08-25) is fresh.
const AS_OF: &str = "2025-09-22T00:00:00Z";
/// After the approved example's Cyber Essentials certificate expires
/// (2026-05-12).
const LATER: &str = "2026-06-01T00:00:00Z";
const COMMONS_LANG: &str = "pkg:maven/org.apache.commons/commons-lang3@3.17.0";

fn bundled_kev() -> Value {
    let path = root().join("policies/nhs-baseline/data/kev.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// A catalogue made for this test from the bundled one (not CISA's),
/// released 2025-09-19 (newer than the bundle's, before `AS_OF`), listing
/// `extra` CVEs besides.
fn newer_kev(dir: &Path, extra: &[&str]) -> PathBuf {
    let mut kev = bundled_kev();
    kev["catalogVersion"] = "2025.09.19".into();
    kev["dateReleased"] = "2025-09-19T17:00:00.000Z".into();
    let list = kev["vulnerabilities"].as_array_mut().unwrap();
    for cve in extra {
        let mut entry = list[0].clone();
        entry["cveID"] = (*cve).into();
        entry["vendorProject"] = "Apache".into();
        entry["product"] = "Commons Lang".into();
        entry["vulnerabilityName"] = "Test entry: not from CISA".into();
        entry["dateAdded"] = "2025-09-19".into();
        entry["dueDate"] = "2025-10-10".into();
        list.insert(0, entry);
    }
    let count = list.len();
    kev["count"] = count.into();
    let path = dir.join("kev-2025.09.19.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&kev).unwrap()).unwrap();
    path
}

/// A folder of submissions: the four examples, and `exposed` — the approved
/// example whose supplier has revised its analysis of CVE-2025-48924 in
/// commons-lang3: affected (rated medium, which blocks nothing), to be
/// fixed by an upgrade. The revision and its rating are invented for this
/// test; no example lists a CVE that R1 would newly read (the approved
/// example's two are justified not_affected, the rejected one's Log4Shell
/// is already in the bundled catalogue).
fn submissions() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["approved", "assure-self", "needs-evidence", "rejected"] {
        copy_dir(&example(name), &dir.path().join(name));
    }
    let exposed = dir.path().join("exposed");
    copy_dir(&example("approved"), &exposed);
    // The OpenVEX keeps its other statement.
    let vex_path = exposed.join("vex.openvex.json");
    let old_vex = std::fs::read(&vex_path).unwrap();
    let mut vex: Value = serde_json::from_slice(&old_vex).unwrap();
    let statements = vex["statements"].as_array_mut().unwrap();
    assert_eq!(statements[0]["vulnerability"]["name"], "CVE-2025-48924");
    statements.remove(0);
    let new_vex = serde_json::to_vec_pretty(&vex).unwrap();
    std::fs::write(&vex_path, &new_vex).unwrap();
    // The revised analysis, as a CycloneDX VEX document about CareFlow 4.2.0.
    let cdx = serde_json::json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:5b0e7d1c-3f4a-4c2e-9d1b-7a6e2f8c9d01",
        "version": 1,
        "metadata": {
            "timestamp": "2025-09-21T09:00:00Z",
            "component": {
                "type": "application",
                "bom-ref": "pkg:maven/uk.co.northwindhealth.careflow/careflow-app@4.2.0",
                "name": "CareFlow",
                "version": "4.2.0",
                "purl": "pkg:maven/uk.co.northwindhealth.careflow/careflow-app@4.2.0"
            }
        },
        "vulnerabilities": [{
            "id": "CVE-2025-48924",
            "source": { "name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2025-48924" },
            "ratings": [{ "score": 5.3, "severity": "medium", "method": "CVSSv31" }],
            "analysis": {
                "state": "exploitable",
                "response": ["update"],
                "detail": "A crafted class name reaches ClassUtils.getClass in the report import.",
                "lastUpdated": "2025-09-21T09:00:00Z"
            },
            "recommendation": "Upgrade commons-lang3 to 3.18.0 (CareFlow 4.2.1)",
            "affects": [{ "ref": COMMONS_LANG }]
        }]
    });
    std::fs::write(
        exposed.join("vex.cdx.json"),
        serde_json::to_vec_pretty(&cdx).unwrap(),
    )
    .unwrap();
    let manifest = exposed.join("submission.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let (old, new) = (sha256(&old_vex), sha256(&new_vex));
    assert!(text.contains(&old));
    let text = text.replace(&old, &new)
        + "\n[[evidence]]\npath = \"vex.cdx.json\"\nmedia_type = \"application/vnd.cyclonedx+json\"\n";
    std::fs::write(&manifest, text).unwrap();
    dir
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// `assure recheck FOLDER` with these arguments, run in a private cache.
fn recheck(folder: &Path, cache: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    assure()
        .arg("recheck")
        .arg(folder)
        .arg("--cache-dir")
        .arg(cache)
        .args(args)
        .assert()
}

fn stdout(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.get_output().stdout.clone()).unwrap()
}

#[test]
fn a_cve_added_to_the_catalogue_rejects_the_one_submission_it_affects() {
    let folder = submissions();
    let cache = tempfile::tempdir().unwrap();
    let kev = newer_kev(cache.path(), &["CVE-2025-48924"]);
    let assert = recheck(
        folder.path(),
        cache.path(),
        &[
            "--kev",
            kev.to_str().unwrap(),
            "--since",
            AS_OF,
            "--as-of",
            AS_OF,
        ],
    )
    .code(6);
    let text = stdout(&assert);
    let exposed = format!(
        "{}: approve → reject",
        folder.path().join("exposed").display()
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], exposed, "{text}");
    assert!(
        lines[1].starts_with(&format!(
            "    R1 now fires on Exposure:CVE-2025-48924 @ {COMMONS_LANG}: A vulnerability in \
             the CISA Known Exploited Vulnerabilities catalogue"
        )),
        "{text}"
    );
    assert!(
        text.contains("    reference data kev 2025.08.25 → 2025.09.19"),
        "{text}"
    );
    // No other submission is listed: the approved example's statement about
    // the same CVE is a justified not_affected, and the rejected one's
    // Log4Shell was known exploited already.
    for other in ["approved", "assure-self", "needs-evidence", "rejected"] {
        assert!(
            !text.contains(&format!("{}:", folder.path().join(other).display())),
            "{text}"
        );
    }
    assert!(
        text.ends_with("1 of 5 decisions would change (1 verdict: 1 approve → reject)\n"),
        "{text}"
    );
}

#[test]
fn a_catalogue_with_nothing_new_changes_nothing() {
    let folder = submissions();
    let cache = tempfile::tempdir().unwrap();
    let kev = newer_kev(cache.path(), &[]);
    let assert = recheck(
        folder.path(),
        cache.path(),
        &[
            "--kev",
            kev.to_str().unwrap(),
            "--since",
            AS_OF,
            "--as-of",
            AS_OF,
        ],
    )
    .code(0);
    assert_eq!(stdout(&assert), "0 of 5 decisions would change\n");
    // With -v each decision is listed, unchanged.
    let assert = recheck(
        folder.path(),
        cache.path(),
        &[
            "--kev",
            kev.to_str().unwrap(),
            "--since",
            AS_OF,
            "--as-of",
            AS_OF,
            "-v",
        ],
    )
    .code(0);
    let text = stdout(&assert);
    assert!(
        text.contains(&format!(
            "{}: approve (unchanged)",
            folder.path().join("approved").display()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{}: reject (unchanged)",
            folder.path().join("rejected").display()
        )),
        "{text}"
    );
}

#[test]
fn a_later_date_alone_changes_the_approved_example_on_its_certificate() {
    let folder = submissions();
    let cache = tempfile::tempdir().unwrap();
    let assert = recheck(
        folder.path(),
        cache.path(),
        &["--since", AS_OF, "--as-of", LATER],
    )
    .code(6);
    let text = stdout(&assert);
    let approved = folder.path().join("approved").display().to_string();
    let block: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with(&format!("{approved}: ")))
        .collect();
    assert!(
        block[0] == format!("{approved}: approve → reject")
            || block[0] == format!("{approved}: approve → needs-evidence"),
        "{text}"
    );
    let reasons: Vec<&str> = block[1..]
        .iter()
        .take_while(|l| l.starts_with("    "))
        .copied()
        .collect();
    assert!(
        reasons
            .iter()
            .any(|l| l.starts_with("    R6.") && l.contains("now fires")),
        "the certificate rule is named: {text}"
    );
    // Unchanged verdicts whose findings change are listed, and say so.
    assert!(
        text.contains(&format!(
            "{}: reject (verdict unchanged)",
            folder.path().join("rejected").display()
        )),
        "{text}"
    );
    assert!(text.contains(" decisions would change ("), "{text}");
}

#[test]
fn malformed_reference_data_and_nothing_to_compare_are_refused() {
    let folder = submissions();
    let cache = tempfile::tempdir().unwrap();
    let mut bad = bundled_kev();
    bad["vulnerabilities"][3]["cveID"] = "CVE-25-1".into();
    let bad_path = cache.path().join("bad-kev.json");
    std::fs::write(&bad_path, serde_json::to_vec(&bad).unwrap()).unwrap();
    recheck(
        folder.path(),
        cache.path(),
        &["--kev", bad_path.to_str().unwrap(), "--as-of", AS_OF],
    )
    .code(1)
    .stdout("")
    .stderr(predicate::str::contains("bad-kev.json"))
    .stderr(predicate::str::contains("/vulnerabilities/3/cveID"));
    // No override, no other date: nothing would change.
    recheck(folder.path(), cache.path(), &[])
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("nothing would change"));
    recheck(
        folder.path(),
        cache.path(),
        &["--since", AS_OF, "--as-of", AS_OF],
    )
    .code(1)
    .stderr(predicate::str::contains("nothing would change"));
    // A published bundle is verified before anything is judged with it.
    recheck(
        folder.path(),
        cache.path(),
        &["--bundle", "nhs.bundle", "--as-of", AS_OF],
    )
    .code(4)
    .stdout("")
    .stderr(predicate::str::contains("nhs.bundle is not trusted"));
    recheck(
        folder.path(),
        cache.path(),
        &["--trust", "alice.pub", "--as-of", LATER],
    )
    .code(1)
    .stderr(predicate::str::contains(
        "`--trust` is for a published bundle",
    ));
    // The catalogue given twice.
    let kev = newer_kev(cache.path(), &[]);
    recheck(
        folder.path(),
        cache.path(),
        &[
            "--kev",
            kev.to_str().unwrap(),
            "--reference",
            &format!("kev={}", kev.display()),
        ],
    )
    .code(1)
    .stderr(predicate::str::contains("give the catalogue once"));
}

#[test]
fn a_folder_that_cannot_be_checked_is_an_error_line_and_exit_1() {
    let folder = submissions();
    std::fs::create_dir(folder.path().join("draft")).unwrap();
    let cache = tempfile::tempdir().unwrap();
    let kev = newer_kev(cache.path(), &["CVE-2025-48924"]);
    let assert = recheck(
        folder.path(),
        cache.path(),
        &[
            "--kev",
            kev.to_str().unwrap(),
            "--since",
            AS_OF,
            "--as-of",
            AS_OF,
        ],
    )
    .code(1);
    let text = stdout(&assert);
    assert!(
        text.contains(&format!(
            "{}: error: not a submission: an empty folder",
            folder.path().join("draft").display()
        )),
        "{text}"
    );
    // The rest are still compared.
    assert!(text.contains(": approve → reject"), "{text}");
    assert!(
        text.contains(
            "1 of 5 decisions would change (1 verdict: 1 approve → reject); 1 could not be checked"
        ),
        "{text}"
    );
}

#[test]
fn json_lists_each_change_with_its_transition() {
    let folder = submissions();
    let cache = tempfile::tempdir().unwrap();
    let kev = newer_kev(cache.path(), &["CVE-2025-48924"]);
    let assert = assure()
        .arg("recheck")
        .arg(folder.path())
        .args(["--no-cache", "--format", "json", "--kev"])
        .arg(&kev)
        .args(["--since", AS_OF, "--as-of", AS_OF])
        .assert()
        .code(6);
    let report: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(report["format"], "assure.recheck/v1");
    assert_eq!(report["checked"], 5);
    assert_eq!(report["errors"].as_array().unwrap().len(), 0);
    assert_eq!(report["verdict_changes"]["approve → reject"], 1);
    let changed = report["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{report}");
    let change = &changed[0];
    assert_eq!(
        change["path"],
        folder.path().join("exposed").display().to_string()
    );
    assert_eq!(change["from"], "approve");
    assert_eq!(change["to"], "reject");
    assert_eq!(change["verdict_changed"], true);
    let appeared = change["transition"]["appeared"].as_array().unwrap();
    assert!(
        appeared.iter().any(|f| f["rule"] == "R1"
            && f["blocking"] == true
            && f["subject"].as_str().unwrap().contains("CVE-2025-48924")),
        "{change}"
    );
    assert_eq!(
        change["transition"]["reference_data_changed"][0],
        "kev 2025.08.25 → 2025.09.19"
    );
    // The next date the decision can change by itself, after the check.
    let next = change["next_change"]["at"].as_str().unwrap();
    assert!(next > AS_OF, "{next}");
    assert_eq!(report["unchanged"].as_array().unwrap().len(), 4);
    // With --no-cache the facts are kept for the run: the second decision
    // of each submission reads none of its documents again (and a document
    // two submissions share, byte for byte, may be read once for both).
    let facts = &report["facts"];
    let (hits, misses) = (
        facts["hits"].as_u64().unwrap(),
        facts["misses"].as_u64().unwrap(),
    );
    assert!(misses > 0 && hits >= misses, "{facts}");
}

#[test]
fn the_facts_cache_spares_every_plugin_call_on_the_next_run() {
    let folder = submissions();
    let cache = tempfile::tempdir().unwrap();
    let run = || {
        let assert = recheck(
            folder.path(),
            cache.path(),
            &["--format", "json", "--since", AS_OF, "--as-of", LATER],
        )
        .code(6);
        let report: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
        report["facts"].clone()
    };
    // The first run reads each document once (the second decision of each
    // submission, and a document two submissions share byte for byte, are
    // read from the store).
    let first = run();
    let (hits, misses) = (
        first["hits"].as_u64().unwrap(),
        first["misses"].as_u64().unwrap(),
    );
    assert!(misses > 0 && hits >= misses, "{first}");
    assert!(cache.path().join("facts").is_dir());
    // The next run reads none: every extraction is in the store.
    let second = run();
    assert_eq!(second["misses"], 0, "{second}");
    assert_eq!(second["hits"].as_u64().unwrap(), hits + misses, "{second}");
}

#[test]
fn readme_recheck_command_works_as_shown() {
    // README "What would change": its command, run as written in a
    // repository holding the examples as `submissions/` and a catalogue
    // released a day ago (today's date: the verdicts are whatever today's
    // are, so only the shape is checked).
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme
        .split("### What would change: `assure recheck`")
        .nth(1)
        .unwrap();
    let block = section
        .split("```sh\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let commands: Vec<Vec<&str>> = block
        .lines()
        .map(|l| l.split(" # ").next().unwrap().split_whitespace().collect())
        .filter(|w: &Vec<&str>| !w.is_empty())
        .collect();
    assert_eq!(commands.len(), 1, "{commands:?}");
    let repo = tempfile::tempdir().unwrap();
    for name in ["approved", "assure-self", "needs-evidence", "rejected"] {
        copy_dir(&example(name), &repo.path().join("submissions").join(name));
    }
    let yesterday = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24);
    let mut kev = bundled_kev();
    kev["catalogVersion"] = yesterday.strftime("%Y.%m.%d").to_string().into();
    kev["dateReleased"] = yesterday
        .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
        .into();
    std::fs::write(
        repo.path().join("known_exploited_vulnerabilities.json"),
        serde_json::to_vec(&kev).unwrap(),
    )
    .unwrap();
    let command = &commands[0];
    assert_eq!(command[..2], ["assure", "recheck"], "{command:?}");
    let output = assure()
        .current_dir(repo.path())
        .args(&command[1..])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 6)),
        "{text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.contains(" of 4 decisions would change"), "{text}");
    // Today the bundled catalogue is stale; the newer one answers that.
    assert!(
        text.contains("no longer asks: current CISA Known Exploited Vulnerabilities catalogue"),
        "{text}"
    );
}

#[test]
fn a_published_bundle_with_a_newer_catalogue_is_compared_with_the_one_in_use() {
    // An assurance team's bundles: version 1 (the baseline as it is) and
    // version 2 (the same, carrying the newer catalogue), signed by alice.
    let folder = submissions();
    let cache = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let key = |name: &str| keys.path().join(name);
    assure()
        .args(["key", "generate", "--out"])
        .arg(key("alice"))
        .assert()
        .success();
    let build = |source: &Path, out: &str| {
        assure()
            .args(["bundle", "build"])
            .arg(source)
            .arg("-o")
            .arg(key(out))
            .arg("--plugin-key")
            .arg(key("alice.key"))
            .args([
                "--expires",
                "2027-06-01T00:00:00Z",
                "--created",
                "2025-09-01T00:00:00Z",
            ])
            .assert()
            .success();
        assure()
            .args(["bundle", "sign", "--key"])
            .arg(key("alice.key"))
            .arg(key(out))
            .assert()
            .success();
    };
    build(&root().join("policies/nhs-baseline"), "v1.bundle");
    let source = keys.path().join("source");
    copy_dir(&root().join("policies/nhs-baseline"), &source);
    let kev = newer_kev(keys.path(), &["CVE-2025-48924"]);
    std::fs::copy(&kev, source.join("data/kev.json")).unwrap();
    let toml = std::fs::read_to_string(source.join("bundle.toml")).unwrap();
    assert!(toml.contains("\nversion = 1\n"));
    std::fs::write(
        source.join("bundle.toml"),
        toml.replacen("\nversion = 1\n", "\nversion = 2\n", 1),
    )
    .unwrap();
    build(&source, "v2.bundle");

    let published = |baseline: &str, bundle: Option<&str>, as_of: &str| {
        let mut cmd = assure();
        cmd.arg("recheck")
            .arg(folder.path())
            .arg("--cache-dir")
            .arg(cache.path())
            .args(["--since", AS_OF, "--as-of", as_of])
            .arg("--baseline-bundle")
            .arg(key(baseline))
            .arg("--trust")
            .arg(key("alice.pub"))
            .arg("--state")
            .arg(key("state.json"));
        if let Some(bundle) = bundle {
            cmd.arg("--bundle").arg(key(bundle));
        }
        cmd
    };
    let assert = published("v1.bundle", Some("v2.bundle"), AS_OF)
        .assert()
        .code(6);
    let text = stdout(&assert);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "{}: approve → reject",
            folder.path().join("exposed").display()
        ),
        "{text}"
    );
    assert!(
        lines[1].starts_with("    R1 now fires on Exposure:CVE-2025-48924 @ "),
        "{text}"
    );
    assert!(text.contains("    judged with another bundle\n"), "{text}");
    assert!(
        text.ends_with("1 of 5 decisions would change (1 verdict: 1 approve → reject)\n"),
        "{text}"
    );
    // Version 2 in use, a later date: the approved examples' certificate.
    published("v2.bundle", None, LATER)
        .assert()
        .code(6)
        .stdout(predicate::str::contains("approved: approve → reject"));
    // The anti-rollback state has accepted version 2: version 1 is refused
    // as a baseline too.
    published("v1.bundle", Some("v2.bundle"), AS_OF)
        .assert()
        .code(4)
        .stdout("");
}
