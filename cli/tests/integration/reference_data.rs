//! Reference data as a user meets it: a check judged later than the bundle's
//! data allows says the data is stale and never approves; the same check
//! within the data's age does; `--reference` judges with a newer catalogue
//! (turning a CVE the bundle did not know into an R1 reject) and refuses an
//! older or malformed one; `assure data kev` checks a catalogue against
//! CISA's schema and refuses to make the bundle's knowledge older.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use sha2::Digest as _;

use crate::common::{assure, copy_example, example, root};

/// Within 30 days of the bundled catalogue's release (2025-08-25).
const FRESH: &str = "2025-09-22T00:00:00Z";
/// 66 whole days after it: every certificate of the example is still valid.
const STALE: &str = "2025-10-31T00:00:00Z";

fn bundled_kev() -> serde_json::Value {
    let path = root().join("policies/nhs-baseline/data/kev.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// A catalogue made for this test from the bundled one (not CISA's): released
/// 2025-10-30, listing one more CVE.
fn newer_kev(dir: &Path, extra_cve: &str) -> PathBuf {
    let mut kev = bundled_kev();
    kev["catalogVersion"] = "2025.10.30".into();
    kev["dateReleased"] = "2025-10-30T17:00:00.000Z".into();
    let list = kev["vulnerabilities"].as_array_mut().unwrap();
    let mut entry = list[0].clone();
    entry["cveID"] = extra_cve.into();
    entry["vendorProject"] = "Apache".into();
    entry["product"] = "Commons Lang".into();
    entry["vulnerabilityName"] = "Test entry: not from CISA".into();
    entry["dateAdded"] = "2025-10-30".into();
    entry["dueDate"] = "2025-11-20".into();
    list.insert(0, entry);
    let count = list.len();
    kev["count"] = count.into();
    let path = dir.join("kev-2025.10.30.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&kev).unwrap()).unwrap();
    path
}

/// The approved example, with its first VEX statement (CVE-2025-48924 in
/// commons-lang3) turned to `affected`, the manifest's digest updated.
fn with_open_statement() -> tempfile::TempDir {
    let dir = copy_example("approved");
    let vex_path = dir.path().join("vex.openvex.json");
    let mut vex: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&vex_path).unwrap()).unwrap();
    let statement = &mut vex["statements"][0];
    assert_eq!(statement["vulnerability"]["name"], "CVE-2025-48924");
    statement["status"] = "affected".into();
    let object = statement.as_object_mut().unwrap();
    object.remove("justification");
    object.remove("impact_statement");
    object.insert(
        "action_statement".into(),
        "Upgrade commons-lang3 to 3.18.0 in CareFlow 4.2.1".into(),
    );
    let bytes = serde_json::to_vec_pretty(&vex).unwrap();
    let old = hex::encode(sha2::Sha256::digest(std::fs::read(&vex_path).unwrap()));
    std::fs::write(&vex_path, &bytes).unwrap();
    let new = hex::encode(sha2::Sha256::digest(&bytes));
    let manifest = dir.path().join("submission.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(text.contains(&old));
    std::fs::write(&manifest, text.replace(&old, &new)).unwrap();
    dir
}

#[test]
fn stale_reference_data_is_needs_evidence_and_fresh_data_approves() {
    // Within the data's age: the documented verdict.
    assure()
        .args(["check", "--as-of", FRESH])
        .arg(example("approved"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("APPROVE"))
        .stdout(predicate::str::contains("STALE").not());
    // Later: nothing else changed, but the catalogue is too old to trust
    // what it does not list.
    let out = assure()
        .args(["check", "--as-of", STALE, "--format", "json"])
        .arg(example("approved"))
        .assert()
        .code(3)
        .get_output()
        .stdout
        .clone();
    let decision: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(decision["verdict"], "needs-evidence");
    assert!(decision["findings"].as_array().unwrap().is_empty());
    let missing = decision["missing_evidence"].as_array().unwrap();
    let kev = missing
        .iter()
        .find(|m| m["evidence"] == "reference_data.kev")
        .expect("the stale catalogue is missing evidence");
    let ask = kev["ask"].as_str().unwrap();
    assert!(ask.contains("2025.08.25"), "{ask}");
    assert!(ask.contains("66 days old"), "{ask}");
    assert!(ask.contains("assure data kev FILE"), "{ask}");
    assert!(ask.contains("--reference kev=FILE"), "{ask}");
    assert!(kev["rules"].as_array().unwrap().iter().any(|r| r == "R1"));
    let data = decision["inputs"]["reference_data"].as_array().unwrap();
    let bundled = data.iter().find(|d| d["name"] == "kev").unwrap();
    assert_eq!(bundled["stale"], true);
    assert_eq!(bundled["age_days"], 66);
    assert_eq!(bundled["max_age_days"], 30);
    assert_eq!(bundled["origin"], "bundle");
    // A reject still rejects: the rejected example is rejected either way.
    assure()
        .args(["check", "--as-of", STALE])
        .arg(example("rejected"))
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "current CISA Known Exploited Vulnerabilities catalogue",
        ));
}

#[test]
fn a_newer_catalogue_given_with_reference_turns_an_unknown_cve_into_an_r1_reject() {
    let submission = with_open_statement();
    let data = tempfile::tempdir().unwrap();
    let newer = newer_kev(data.path(), "CVE-2025-48924");
    // With the bundle's catalogue (fresh on this date), the CVE is not known
    // exploited: no R1.
    let out = assure()
        .args(["check", "--as-of", FRESH, "--format", "json"])
        .arg(submission.path())
        .output()
        .unwrap();
    let before: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        !before["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "R1"),
        "{before}"
    );
    // A month later the bundle's catalogue is stale; the operator's newer
    // one lists the CVE: R1 rejects, and the decision names the data used.
    let out = assure()
        .args([
            "check",
            "--as-of",
            "2025-11-02T00:00:00Z",
            "--format",
            "json",
        ])
        .arg("--reference")
        .arg(format!("kev={}", newer.display()))
        .arg(submission.path())
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let after: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let r1 = after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "R1")
        .expect("R1 fires");
    assert!(
        r1["subject"]["id"]
            .as_str()
            .unwrap()
            .contains("CVE-2025-48924")
    );
    let used = after["inputs"]["reference_data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "kev")
        .unwrap()
        .clone();
    assert_eq!(used["origin"], "operator");
    assert_eq!(used["version"], "2025.10.30");
    assert_eq!(used["stale"], false);
    assert_eq!(used["path"], "kev-2025.10.30.json");
    assert_eq!(
        used["sha256"],
        hex::encode(sha2::Sha256::digest(std::fs::read(&newer).unwrap()))
    );
    assert!(
        !after["missing_evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["evidence"] == "reference_data.kev")
    );
}

#[test]
fn reference_refuses_older_malformed_and_unknown_data() {
    let dir = tempfile::tempdir().unwrap();
    // Older than the bundle's.
    let mut old = bundled_kev();
    old["catalogVersion"] = "2025.08.01".into();
    old["dateReleased"] = "2025-08-01T17:00:00.000Z".into();
    let old_path = dir.path().join("old.json");
    std::fs::write(&old_path, serde_json::to_vec(&old).unwrap()).unwrap();
    assure()
        .args(["check", "--as-of", FRESH])
        .arg("--reference")
        .arg(format!("kev={}", old_path.display()))
        .arg(example("approved"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "not newer than the bundle's 2025.08.25",
        ));
    // Not CISA's format: the schema violation, at its place.
    let mut bad = bundled_kev();
    bad["vulnerabilities"][3]["cveID"] = "CVE-25-1".into();
    let bad_path = dir.path().join("bad.json");
    std::fs::write(&bad_path, serde_json::to_vec(&bad).unwrap()).unwrap();
    assure()
        .args(["check", "--as-of", FRESH])
        .arg("--reference")
        .arg(format!("kev={}", bad_path.display()))
        .arg(example("approved"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("/vulnerabilities/3/cveID"));
    // A name assure does not know.
    assure()
        .args(["check", "--as-of", FRESH, "--reference", "epss=x.json"])
        .arg(example("approved"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`epss` is not reference data assure knows",
        ));
}

#[test]
fn data_kev_checks_against_the_schema_and_refuses_older_data() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("bundle");
    std::fs::create_dir_all(bundle.join("data")).unwrap();
    std::fs::copy(
        root().join("policies/nhs-baseline/data/kev.json"),
        bundle.join("data/kev.json"),
    )
    .unwrap();
    // A newer catalogue installs, saying what changed.
    let newer = newer_kev(dir.path(), "CVE-2025-48924");
    assure()
        .args(["data", "kev"])
        .arg(&newer)
        .arg("--bundle-dir")
        .arg(&bundle)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("1 added, 0 removed"));
    assert_eq!(
        std::fs::read(bundle.join("data/kev.json")).unwrap(),
        std::fs::read(&newer).unwrap()
    );
    // The bundled one is now older: refused, nothing written.
    let shared = root().join("policies/nhs-baseline/data/kev.json");
    assure()
        .args(["data", "kev"])
        .arg(&shared)
        .arg("--bundle-dir")
        .arg(&bundle)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "refusing to make the bundle's knowledge older",
        ));
    assert_eq!(
        std::fs::read(bundle.join("data/kev.json")).unwrap(),
        std::fs::read(&newer).unwrap()
    );
    // A required member missing: CISA's schema says so.
    let mut incomplete = bundled_kev();
    incomplete.as_object_mut().unwrap().remove("dateReleased");
    let path = dir.path().join("incomplete.json");
    std::fs::write(&path, serde_json::to_vec(&incomplete).unwrap()).unwrap();
    assure()
        .args(["data", "kev", "--dry-run"])
        .arg(&path)
        .arg("--bundle-dir")
        .arg(&bundle)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("dateReleased"));
}

#[test]
fn data_nhs_alerts_checks_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let bundled = root().join("policies/nhs-baseline/data/nhs-cyber-alerts.json");
    assure()
        .args(["data", "nhs-alerts", "--dry-run"])
        .arg(&bundled)
        .arg("--bundle-dir")
        .arg(root().join("policies/nhs-baseline"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "NHS England cyber alerts 2025.08.25",
        ));
    let mut list: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&bundled).unwrap()).unwrap();
    list["alerts"][0]["severity"] = "Critical".into();
    let path = dir.path().join("alerts.json");
    std::fs::write(&path, serde_json::to_vec(&list).unwrap()).unwrap();
    assure()
        .args(["data", "nhs-alerts", "--dry-run"])
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("/alerts/0/severity"));
}

#[test]
fn an_open_statement_named_in_an_nhs_cyber_alert_is_rejected_on_r1_2() {
    let submission = with_open_statement();
    let dir = tempfile::tempdir().unwrap();
    // A list made for this test (not NHS England's): the bundled one, a day
    // later, with one more alert naming the CVE.
    let bundled = root().join("policies/nhs-baseline/data/nhs-cyber-alerts.json");
    let mut list: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&bundled).unwrap()).unwrap();
    list["version"] = "2025.09.20".into();
    list["released"] = "2025-09-20T00:00:00Z".into();
    list["alerts"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "id": "CC-9999",
            "title": "Test alert: not from NHS England",
            "published": "2025-09-19",
            "severity": "High",
            "cves": ["CVE-2025-48924"]
        }));
    let path = dir.path().join("alerts.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&list).unwrap()).unwrap();
    let out = assure()
        .args(["check", "--as-of", FRESH, "--format", "json"])
        .arg("--reference")
        .arg(format!("nhs_alerts={}", path.display()))
        .arg(submission.path())
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let decision: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let finding = decision["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "R1.2")
        .expect("R1.2 fires");
    assert!(
        finding["subject"]["id"]
            .as_str()
            .unwrap()
            .contains("CVE-2025-48924")
    );
    let cites_alert = finding["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["document"] == "reference:alerts.json" && e["location"] == "/alerts/1");
    assert!(cites_alert, "{finding}");
}

#[test]
fn a_record_made_with_reference_data_names_it_and_replay_refuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let newer = newer_kev(dir.path(), "CVE-2025-48924");
    let keys = dir.path().join("records");
    assure()
        .args(["key", "generate", "--out"])
        .arg(&keys)
        .assert()
        .success();
    let record = dir.path().join("decision.dsse.json");
    assure()
        .args(["check", "--as-of", "2025-11-02T00:00:00Z", "--attest"])
        .arg(&record)
        .arg("--key")
        .arg(dir.path().join("records.key"))
        .arg("--reference")
        .arg(format!("kev={}", newer.display()))
        .arg(example("rejected"))
        .assert()
        .code(2);
    let text = std::fs::read_to_string(&record).unwrap();
    let envelope: serde_json::Value = serde_json::from_str(&text).unwrap();
    use base64::Engine as _;
    let payload = base64::engine::general_purpose::STANDARD
        .decode(envelope["payload"].as_str().unwrap())
        .unwrap();
    let statement: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    let data = statement["predicate"]["assure"]["reference_data"][0].clone();
    assert_eq!(data["origin"], "operator", "{data}");
    assert_eq!(data["version"], "2025.10.30", "{data}");
    assert_eq!(
        data["sha256"],
        hex::encode(sha2::Sha256::digest(std::fs::read(&newer).unwrap()))
    );
    // Replay has only the built-in data: it says so rather than differing.
    assure()
        .args(["verify"])
        .arg(&record)
        .arg("--trust")
        .arg(dir.path().join("records.pub"))
        .arg("--submission")
        .arg(example("rejected"))
        .arg("--replay")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("given with --reference"));
}
