//! The signed decision record (`check --attest`) and `assure verify`, as a
//! user and an auditor meet them: a record that verifies, here and with an
//! independent implementation (securesystemslib + in-toto-attestation), and
//! one byte changed anywhere — the envelope or an evidence file — that does
//! not.

#![allow(
    clippy::disallowed_macros,
    reason = "a test reports what it measured or skipped"
)]
#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::OnceLock;

use base64::Engine as _;
use predicates::prelude::*;

use crate::common::{assure, copy_example, example, root};

const AS_OF: &str = "2025-09-22T00:00:00Z";

/// A key pair and the rejected example's record, made once per test process.
struct Made {
    dir: tempfile::TempDir,
    /// The record's bytes.
    record: Vec<u8>,
    /// The decision JSON printed alongside.
    decision: Vec<u8>,
}

impl Made {
    fn key(&self) -> PathBuf {
        self.dir.path().join("records.key")
    }
    fn public(&self) -> PathBuf {
        self.dir.path().join("records.pub")
    }
    fn record_path(&self) -> PathBuf {
        self.dir.path().join("decision.dsse.json")
    }
}

fn made() -> &'static Made {
    static MADE: OnceLock<Made> = OnceLock::new();
    MADE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        assure()
            .args(["key", "generate", "--out"])
            .arg(dir.path().join("records"))
            .assert()
            .success();
        let record = dir.path().join("decision.dsse.json");
        let output = assure()
            .args(["check", "--format", "json", "--as-of", AS_OF, "--attest"])
            .arg(&record)
            .arg("--key")
            .arg(dir.path().join("records.key"))
            .arg(example("rejected"))
            .assert()
            .code(2)
            .get_output()
            .stdout
            .clone();
        Made {
            record: std::fs::read(&record).unwrap(),
            decision: output,
            dir,
        }
    })
}

fn payload(envelope: &[u8]) -> serde_json::Value {
    let envelope: serde_json::Value = serde_json::from_slice(envelope).unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(envelope["payload"].as_str().unwrap())
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[test]
fn the_record_is_an_in_toto_statement_with_a_verification_summary() {
    let made = made();
    let envelope: serde_json::Value = serde_json::from_slice(&made.record).unwrap();
    assert_eq!(envelope["payloadType"], "application/vnd.in-toto+json");
    assert_eq!(envelope["signatures"].as_array().unwrap().len(), 1);
    let statement = payload(&made.record);
    assert_eq!(statement["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(
        statement["predicateType"],
        "https://slsa.dev/verification_summary/v1"
    );
    // Subjects: the manifest and every evidence file, with the digests the
    // decision recorded.
    let decision: serde_json::Value = serde_json::from_slice(&made.decision).unwrap();
    let subjects = statement["subject"].as_array().unwrap();
    assert_eq!(subjects[0]["name"], "submission.toml");
    assert_eq!(
        subjects[0]["digest"]["sha256"],
        decision["inputs"]["manifest_sha256"]
    );
    let evidence = decision["inputs"]["evidence"].as_array().unwrap();
    assert_eq!(subjects.len(), evidence.len() + 1);
    for e in evidence {
        assert!(
            subjects
                .iter()
                .any(|s| s["name"] == e["path"] && s["digest"]["sha256"] == e["sha256"]),
            "{} is a subject",
            e["path"]
        );
    }
    let predicate = &statement["predicate"];
    assert_eq!(predicate["verificationResult"], "FAILED");
    assert_eq!(predicate["timeVerified"], AS_OF);
    assert_eq!(predicate["policy"]["name"], "nhs-baseline");
    assert_eq!(
        predicate["policy"]["digest"]["sha256"],
        decision["bundle"]["digest"]
    );
    assert_eq!(
        predicate["resourceUri"],
        "pkg:maven/uk.co.northwindhealth.careflow/careflow-reports@1.3.0"
    );
    let assure = &predicate["assure"];
    assert_eq!(assure["verdict"], "reject");
    let rules: Vec<&str> = assure["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["R1", "R2.1"]);
    assert_eq!(
        assure["findings"][0]["subject_details"]["vulnerability"],
        "CVE-2021-44228"
    );
    assert_eq!(
        assure["reference_data"][0]["version"],
        decision["inputs"]["reference_data"][0]["version"]
    );
    // Each dataset's age at the recorded time, and that it was current.
    for data in assure["reference_data"].as_array().unwrap() {
        assert_eq!(data["origin"], "bundle", "{data}");
        assert_eq!(data["stale"], false, "{data}");
        assert_eq!(data["max_age_days"], 30, "{data}");
        assert!(data["age_days"].as_i64().unwrap() <= 30, "{data}");
    }
    assert_eq!(assure["reference_data"][1]["name"], "nhs_alerts");
}

#[test]
fn an_approved_decision_is_passed() {
    let made = made();
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("approved.dsse.json");
    assure()
        .args(["check", "--as-of", AS_OF, "--attest"])
        .arg(&record)
        .arg("--key")
        .arg(made.key())
        .arg(example("approved"))
        .assert()
        .code(0);
    let statement = payload(&std::fs::read(&record).unwrap());
    assert_eq!(statement["predicate"]["verificationResult"], "PASSED");
    assert_eq!(statement["predicate"]["assure"]["verdict"], "approve");
    assure()
        .args(["verify"])
        .arg(&record)
        .arg("--trust")
        .arg(made.public())
        .arg("--submission")
        .arg(example("approved"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("verdict   approve (PASSED)"));
}

#[test]
fn assure_verify_accepts_the_record_and_the_unchanged_submission() {
    let made = made();
    assure()
        .arg("verify")
        .arg(made.record_path())
        .arg("--trust")
        .arg(made.public())
        .arg("--submission")
        .arg(example("rejected"))
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("signed by 1 trusted key(s)")
                .and(predicate::str::contains(
                    "verdict   reject (FAILED): 2 blocking finding(s) from rule(s) R1, R2.1",
                ))
                .and(predicate::str::contains(
                    "every file matches its recorded sha256",
                )),
        );
}

#[test]
fn two_runs_give_the_same_record_bytes() {
    let made = made();
    let dir = tempfile::tempdir().unwrap();
    let again = dir.path().join("again.dsse.json");
    let output = assure()
        .args(["check", "--format", "json", "--as-of", AS_OF, "--attest"])
        .arg(&again)
        .arg("--key")
        .arg(made.key())
        .arg(example("rejected"))
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    assert!(output == made.decision, "the decision JSON differs");
    assert!(
        std::fs::read(&again).unwrap() == made.record,
        "the record differs"
    );
}

#[test]
fn one_byte_changed_in_the_envelope_fails_verification() {
    let made = made();
    let dir = tempfile::tempdir().unwrap();
    // In the signed payload: FAILED becomes PAILED, re-encoded so the
    // envelope is still well-formed.
    let mut envelope: serde_json::Value = serde_json::from_slice(&made.record).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut bytes = b64.decode(envelope["payload"].as_str().unwrap()).unwrap();
    let at = bytes.windows(8).position(|w| w == b"\"FAILED\"").unwrap();
    bytes[at + 1] = b'P';
    envelope["payload"] = b64.encode(&bytes).into();
    let forged = dir.path().join("forged.dsse.json");
    std::fs::write(&forged, serde_json::to_vec(&envelope).unwrap()).unwrap();
    assure()
        .arg("verify")
        .arg(&forged)
        .arg("--trust")
        .arg(made.public())
        .assert()
        .code(4)
        .stderr(predicate::str::contains("does not verify"));

    // Any single byte of the file, flipped: never verifies.
    for at in [10, made.record.len() / 2, made.record.len() - 30] {
        let mut bytes = made.record.clone();
        bytes[at] ^= 0x01;
        let flipped = dir.path().join(format!("flipped-{at}.dsse.json"));
        std::fs::write(&flipped, &bytes).unwrap();
        assure()
            .arg("verify")
            .arg(&flipped)
            .arg("--trust")
            .arg(made.public())
            .assert()
            .code(4);
    }
}

#[test]
fn a_changed_or_missing_evidence_file_fails_verification_and_is_named() {
    let made = made();
    let copy = copy_example("rejected");
    let sbom = copy.path().join("sbom.cdx.json");
    let mut bytes = std::fs::read(&sbom).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    std::fs::write(&sbom, bytes).unwrap();
    std::fs::remove_file(copy.path().join("scorecard.json")).unwrap();
    assure()
        .arg("verify")
        .arg(made.record_path())
        .arg("--trust")
        .arg(made.public())
        .arg("--submission")
        .arg(copy.path())
        .assert()
        .code(4)
        .stderr(
            predicate::str::contains("no longer matches the record")
                .and(predicate::str::contains("sbom.cdx.json: altered"))
                .and(predicate::str::contains("scorecard.json: missing")),
        );
}

#[test]
fn a_record_signed_by_another_key_is_refused() {
    let made = made();
    let dir = tempfile::tempdir().unwrap();
    assure()
        .args(["key", "generate", "--out"])
        .arg(dir.path().join("other"))
        .assert()
        .success();
    assure()
        .arg("verify")
        .arg(made.record_path())
        .arg("--trust")
        .arg(dir.path().join("other.pub"))
        .assert()
        .code(4)
        .stderr(predicate::str::contains("does not verify"));
}

#[test]
fn a_signed_bundle_envelope_is_not_a_decision_record() {
    // Same key, same DSSE, another payload type: refused for what it is.
    let made = made();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bundle.dsse.json");
    sign_with_records_key(
        made,
        assure_trust::dsse::BUNDLE_PAYLOAD_TYPE,
        &payload_bytes(&made.record),
        &path,
    );
    assure()
        .arg("verify")
        .arg(&path)
        .arg("--trust")
        .arg(made.public())
        .assert()
        .code(4)
        .stderr(predicate::str::contains("application/vnd.in-toto+json"));
}

/// Writes to `path` an envelope of `payload_type` over `payload`, signed
/// with the records key: what a holder of that key could forge.
fn sign_with_records_key(made: &Made, payload_type: &str, payload: &[u8], path: &Path) {
    let key = assure_trust::keys::PrivateKey::read_pem_file(&made.key()).unwrap();
    let mut envelope = assure_trust::dsse::Envelope::new(payload_type, payload);
    assure_trust::dsse::sign(&mut envelope, &key);
    std::fs::write(path, envelope.to_json()).unwrap();
}

fn payload_bytes(envelope: &[u8]) -> Vec<u8> {
    let envelope: serde_json::Value = serde_json::from_slice(envelope).unwrap();
    base64::engine::general_purpose::STANDARD
        .decode(envelope["payload"].as_str().unwrap())
        .unwrap()
}

#[test]
fn a_signed_subject_outside_the_submission_is_never_read() {
    // A record, validly signed, naming `../secret`: the verifier refuses the
    // path instead of hashing a file outside the folder.
    let made = made();
    let dir = tempfile::tempdir().unwrap();
    let mut statement = payload(&made.record);
    statement["subject"][1]["name"] = "../secret".into();
    let path = dir.path().join("escape.dsse.json");
    sign_with_records_key(
        made,
        "application/vnd.in-toto+json",
        &serde_json::to_vec(&statement).unwrap(),
        &path,
    );
    assure()
        .arg("verify")
        .arg(&path)
        .arg("--trust")
        .arg(made.public())
        .arg("--submission")
        .arg(example("rejected"))
        .assert()
        .code(4)
        .stderr(predicate::str::contains("../secret: unsafe path"));
}

#[test]
fn attest_needs_a_key_and_a_readable_one() {
    let dir = tempfile::tempdir().unwrap();
    assure()
        .args(["check", "--attest"])
        .arg(dir.path().join("d.json"))
        .arg(example("approved"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--key"));
    assure()
        .args(["check", "--attest"])
        .arg(dir.path().join("d.json"))
        .arg("--key")
        .arg(dir.path().join("absent.key"))
        .arg(example("approved"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot read the signing key"));
    assert!(!dir.path().join("d.json").exists());
}

/// Whether the independent verifier's Python packages are installed. CI
/// installs them and sets `ASSURE_REQUIRE_PYTHON=1`, so there a missing
/// package fails the test rather than skipping it.
fn python_verifier() -> Option<PathBuf> {
    let script = root().join("cli/tests/python/verify_record.py");
    let ok = Process::new("python3")
        .args([
            "-c",
            "import securesystemslib.dsse, in_toto_attestation.v1.statement, cryptography",
        ])
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Some(script);
    }
    assert!(
        std::env::var_os("ASSURE_REQUIRE_PYTHON").is_none(),
        "ASSURE_REQUIRE_PYTHON is set but securesystemslib / in-toto-attestation are not installed"
    );
    eprintln!(
        "skipped: python3 with securesystemslib and in-toto-attestation is not installed \
         (pip install securesystemslib[crypto] in-toto-attestation)"
    );
    None
}

#[test]
fn securesystemslib_and_in_toto_attestation_verify_the_record() {
    let Some(script) = python_verifier() else {
        return;
    };
    let made = made();
    let output = Process::new("python3")
        .arg(&script)
        .arg(made.record_path())
        .arg(made.public())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("signature: OK"), "{stdout}");
    assert!(stdout.contains("verificationResult: FAILED"), "{stdout}");
    assert!(stdout.contains("verdict: reject"), "{stdout}");
    let decision: serde_json::Value = serde_json::from_slice(&made.decision).unwrap();
    let sbom = decision["inputs"]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "sbom.cdx.json")
        .unwrap();
    assert!(
        stdout.contains(&format!(
            "subject: sbom.cdx.json sha256:{}",
            sbom["sha256"].as_str().unwrap()
        )),
        "{stdout}"
    );

    // One byte changed in the payload: the independent verifier refuses it too.
    let dir = tempfile::tempdir().unwrap();
    let mut envelope: serde_json::Value = serde_json::from_slice(&made.record).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut bytes = b64.decode(envelope["payload"].as_str().unwrap()).unwrap();
    let at = bytes.windows(8).position(|w| w == b"\"FAILED\"").unwrap();
    bytes[at + 1] = b'P';
    envelope["payload"] = b64.encode(&bytes).into();
    let forged = dir.path().join("forged.dsse.json");
    std::fs::write(&forged, serde_json::to_vec(&envelope).unwrap()).unwrap();
    let output = Process::new("python3")
        .arg(&script)
        .arg(&forged)
        .arg(made.public())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{stdout}");
    assert!(stdout.contains("signature: FAILED"), "{stdout}");
}

#[test]
fn replay_reruns_the_check_as_of_the_record_and_finds_the_same_decision() {
    let made = made();
    assure()
        .arg("verify")
        .arg(made.record_path())
        .arg("--trust")
        .arg(made.public())
        .arg("--submission")
        .arg(example("rejected"))
        .arg("--replay")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!(
            "replay    re-ran as of {AS_OF}: the same decision (sha256:{})",
            sha256_hex(&made.decision)
        )));
}

#[test]
fn replay_that_gives_another_decision_says_what_changed() {
    // A record (validly signed) claiming a verdict this submission does not
    // give: the replay refuses it and names the difference.
    let made = made();
    let dir = tempfile::tempdir().unwrap();
    let mut statement = payload(&made.record);
    statement["predicate"]["assure"]["decision_sha256"] = "0".repeat(64).into();
    statement["predicate"]["assure"]["verdict"] = "approve".into();
    statement["predicate"]["assure"]["findings"] = serde_json::json!([]);
    let path = dir.path().join("claimed.dsse.json");
    sign_with_records_key(
        made,
        "application/vnd.in-toto+json",
        &serde_json::to_vec(&statement).unwrap(),
        &path,
    );
    assure()
        .arg("verify")
        .arg(&path)
        .arg("--trust")
        .arg(made.public())
        .arg("--submission")
        .arg(example("rejected"))
        .arg("--replay")
        .assert()
        .code(4)
        .stderr(
            predicate::str::contains("gives a different decision")
                .and(predicate::str::contains(
                    "verdict: recorded approve, now reject",
                ))
                .and(predicate::str::contains(
                    "findings: recorded [], now [R1, R2.1]",
                )),
        );
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[test]
fn readme_decision_record_commands_work_as_shown() {
    // README "Signed decision records", run in a scratch folder.
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut cmd = assure();
        cmd.current_dir(dir.path());
        for arg in args {
            if arg.starts_with("examples/") {
                cmd.arg(root().join(arg));
            } else {
                cmd.arg(arg);
            }
        }
        cmd.assert()
    };
    run(&["key", "generate", "--out", "records"]).success();
    run(&[
        "check",
        "examples/rejected",
        "--as-of",
        "2025-09-22T00:00:00Z",
        "--attest",
        "decision.dsse.json",
        "--key",
        "records.key",
    ])
    .code(2);
    run(&[
        "verify",
        "decision.dsse.json",
        "--trust",
        "records.pub",
        "--submission",
        "examples/rejected",
        "--replay",
    ])
    .code(0)
    .stdout(predicate::str::contains("the same decision"));
}

#[test]
fn verify_never_reads_a_fifo_or_follows_a_link_out_of_the_submission() {
    // The evidence replaced by a FIFO (a read would block) and by a link to a
    // file outside the folder: each is named, and verify ends with exit 4.
    let made = made();
    let copy = copy_example("rejected");
    let outside = tempfile::tempdir().unwrap();
    std::fs::copy(
        example("rejected").join("scorecard.json"),
        outside.path().join("scorecard.json"),
    )
    .unwrap();
    std::fs::remove_file(copy.path().join("scorecard.json")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("scorecard.json"),
        copy.path().join("scorecard.json"),
    )
    .unwrap();
    std::fs::remove_file(copy.path().join("security.txt")).unwrap();
    let status = Process::new("mkfifo")
        .arg(copy.path().join("security.txt"))
        .status()
        .unwrap();
    assert!(status.success());
    assure()
        .arg("verify")
        .arg(made.record_path())
        .arg("--trust")
        .arg(made.public())
        .arg("--submission")
        .arg(copy.path())
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(4)
        .stderr(
            predicate::str::contains("security.txt: not a regular file").and(
                predicate::str::contains("scorecard.json: unsafe path: it resolves outside"),
            ),
        );
}

#[test]
fn a_record_whose_statement_repeats_a_key_is_refused_as_the_bundle_manifest_is() {
    // Validly signed, but `predicateType` appears twice: one JSON reader
    // keeps the first, another the last. Refused, not read either way.
    let made = made();
    let dir = tempfile::tempdir().unwrap();
    let text = String::from_utf8(payload_bytes(&made.record)).unwrap();
    let twice = text.replacen(
        "\"predicateType\":",
        "\"predicateType\": \"https://example.com/other\", \"predicateType\":",
        1,
    );
    assert_ne!(twice, text);
    let path = dir.path().join("duplicate.dsse.json");
    sign_with_records_key(
        made,
        "application/vnd.in-toto+json",
        twice.as_bytes(),
        &path,
    );
    assure()
        .arg("verify")
        .arg(&path)
        .arg("--trust")
        .arg(made.public())
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "duplicate key at `/predicateType`",
        ));
}
