//! Trust end to end, as a user runs it: keys, a signed baseline bundle, and
//! attacks on it — each refused with exit code 4 and a specific error.

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::common::{assure, root};

const AS_OF: &str = "2025-09-22T00:00:00Z";

/// Two keys and the baseline built as a bundle, signed by both.
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Self {
        let setup = Setup {
            dir: tempfile::tempdir().unwrap(),
        };
        for name in ["alice", "bob", "mallory"] {
            assure()
                .args(["key", "generate", "--out"])
                .arg(setup.path(name))
                .assert()
                .success()
                .stdout(predicate::str::contains("key id "));
        }
        setup.build("nhs.bundle", "2027-06-01T00:00:00Z");
        for key in ["alice", "bob"] {
            setup.sign("nhs.bundle", key);
        }
        setup
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn build_from(&self, source: &Path, out: &str, expires: &str) {
        assure()
            .args(["bundle", "build"])
            .arg(source)
            .arg("-o")
            .arg(self.path(out))
            .arg("--plugin-key")
            .arg(self.path("alice.key"))
            .args(["--expires", expires, "--created", "2025-09-01T00:00:00Z"])
            .assert()
            .success();
    }

    fn build(&self, out: &str, expires: &str) {
        self.build_from(&root().join("policies/nhs-baseline"), out, expires);
    }

    fn sign(&self, bundle: &str, key: &str) {
        assure()
            .args(["bundle", "sign", "--key"])
            .arg(self.path(&format!("{key}.key")))
            .arg(self.path(bundle))
            .assert()
            .success();
    }

    /// `assure check examples/approved` against a bundle, trusting alice and bob.
    fn check(&self, bundle: &str, threshold: &str) -> assert_cmd::assert::Assert {
        assure()
            .args([
                "check",
                "--as-of",
                AS_OF,
                "--threshold",
                threshold,
                "--bundle",
            ])
            .arg(self.path(bundle))
            .arg("--trust")
            .arg(self.path("alice.pub"))
            .arg("--trust")
            .arg(self.path("bob.pub"))
            .arg("--state")
            .arg(self.path("state.json"))
            .arg(root().join("examples/approved"))
            .assert()
    }

    /// Unpacks a .bundle into a folder (a folder bundle loads too).
    fn unpack(&self, bundle: &str, folder: &str) -> PathBuf {
        let out = self.path(folder);
        std::fs::create_dir_all(&out).unwrap();
        let status = std::process::Command::new("tar")
            .arg("-xzf")
            .arg(self.path(bundle))
            .arg("-C")
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        out
    }
}

#[test]
fn happy_path_two_keys_threshold_two() {
    // README: generate two keys, build the baseline as a bundle, sign with
    // both, check an example against it with --threshold 2.
    let setup = Setup::new();
    setup
        .check("nhs.bundle", "2")
        .code(0)
        .stdout(predicate::str::contains("APPROVE"))
        .stdout(predicate::str::contains("signed    by 2 trusted key(s)"));
    // The decision records the bundle's signers.
    let output = assure()
        .args([
            "check",
            "--format",
            "json",
            "--as-of",
            AS_OF,
            "--threshold",
            "2",
            "--bundle",
        ])
        .arg(setup.path("nhs.bundle"))
        .arg("--trust")
        .arg(setup.path("alice.pub"))
        .arg("--trust")
        .arg(setup.path("bob.pub"))
        .arg("--state")
        .arg(setup.path("state.json"))
        .arg(root().join("examples/approved"))
        .output()
        .unwrap();
    let decision: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        decision["bundle"]["signed"]["signers"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // verify and inspect.
    assure()
        .args(["bundle", "verify"])
        .arg(setup.path("nhs.bundle"))
        .arg("--trust")
        .arg(setup.path("alice.pub"))
        .arg("--trust")
        .arg(setup.path("bob.pub"))
        .args(["--threshold", "2", "--as-of", AS_OF, "--state"])
        .arg(setup.path("state.json"))
        .assert()
        .success()
        .stdout(predicate::str::contains("2 of the trusted keys signed it"));
    assure()
        .args(["bundle", "inspect"])
        .arg(setup.path("nhs.bundle"))
        .assert()
        .success()
        .stdout(predicate::str::contains("name     nhs-baseline"))
        .stdout(predicate::str::contains("version  1"))
        .stdout(predicate::str::contains("expires  2027-06-01T00:00:00Z"))
        .stdout(predicate::str::contains("plugins/cyclonedx.wasm"))
        .stdout(predicate::str::contains("signed by"))
        .stdout(predicate::str::contains("schema.cedarschema"));
    // A folder bundle loads and verifies the same way.
    setup.unpack("nhs.bundle", "unpacked");
    setup.check("unpacked", "2").code(0);
    // `assure test` runs the baseline's tests against the published bundle,
    // verified first; a published folder is never read unverified.
    assure()
        .current_dir(root())
        .args([
            "test",
            "policies/nhs-baseline",
            "--threshold",
            "2",
            "--bundle",
        ])
        .arg(setup.path("nhs.bundle"))
        .arg("--trust")
        .arg(setup.path("alice.pub"))
        .arg("--trust")
        .arg(setup.path("bob.pub"))
        .arg("--state")
        .arg(setup.path("state.json"))
        .assert()
        .success()
        .stdout(predicate::str::contains(" 0 failed"));
    assure()
        .arg("test")
        .arg(setup.path("unpacked"))
        .assert()
        .code(4)
        .stderr(predicate::str::contains("--trust"));
}

#[test]
fn no_trust_configured_is_refused_saying_what_to_pass() {
    let setup = Setup::new();
    assure()
        .args(["check", "--bundle"])
        .arg(setup.path("nhs.bundle"))
        .arg(root().join("examples/approved"))
        .assert()
        .code(4)
        .stderr(predicate::str::contains("--trust"));
}

#[test]
fn signature_attacks_are_refused() {
    let setup = Setup::new();
    // Threshold 2 but only alice signed.
    setup.build("one.bundle", "2027-06-01T00:00:00Z");
    setup.sign("one.bundle", "alice");
    setup
        .check("one.bundle", "2")
        .code(4)
        .stderr(predicate::str::contains(
            "1 distinct trusted signature(s), 2 required",
        ));
    // Alice signing twice still counts once.
    setup.sign("one.bundle", "alice");
    setup
        .check("one.bundle", "2")
        .code(4)
        .stderr(predicate::str::contains("2 required"));
    // Signed only by an untrusted key.
    setup.build("mallory.bundle", "2027-06-01T00:00:00Z");
    setup.sign("mallory.bundle", "mallory");
    setup
        .check("mallory.bundle", "1")
        .code(4)
        .stderr(predicate::str::contains("untrusted key"));
    // Built but never signed, while trust is configured.
    setup.build("unsigned.bundle", "2027-06-01T00:00:00Z");
    setup
        .check("unsigned.bundle", "1")
        .code(4)
        .stderr(predicate::str::contains("unsigned.bundle"));
}

#[test]
fn tampered_extra_and_missing_files_are_refused() {
    let setup = Setup::new();
    // A policy altered after signing.
    let tampered = setup.unpack("nhs.bundle", "tampered");
    let policy = tampered.join("sbom.cedar");
    let text = std::fs::read_to_string(&policy).unwrap();
    // Same length, other content: the digest gives it away.
    std::fs::write(
        &policy,
        text.replace("purl_percent < 95", "purl_percent < 05"),
    )
    .unwrap();
    setup
        .check("tampered", "2")
        .code(4)
        .stderr(predicate::str::contains("\"sbom.cedar\" has sha256"));
    // A file the manifest does not list.
    let extra = setup.unpack("nhs.bundle", "extra");
    std::fs::write(
        extra.join("allow-all.cedar"),
        "permit (principal, action, resource);",
    )
    .unwrap();
    setup
        .check("extra", "2")
        .code(4)
        .stderr(predicate::str::contains(
            "\"allow-all.cedar\" is not listed",
        ));
    // A listed file missing.
    let missing = setup.unpack("nhs.bundle", "missing");
    std::fs::remove_file(missing.join("vulnerabilities.cedar")).unwrap();
    setup
        .check("missing", "2")
        .code(4)
        .stderr(predicate::str::contains(
            "\"vulnerabilities.cedar\" is listed in bundle.json but missing",
        ));
}

#[test]
fn freshness_attacks_are_refused() {
    let setup = Setup::new();
    // Expired relative to --as-of.
    setup.build("old.bundle", "2025-09-21T00:00:00Z");
    setup.sign("old.bundle", "alice");
    setup.sign("old.bundle", "bob");
    setup
        .check("old.bundle", "2")
        .code(4)
        .stderr(predicate::str::contains("expired"));

    // Version 2 accepted, then version 1 offered: a rollback.
    let v2 = setup.path("v2-source");
    std::fs::create_dir_all(&v2).unwrap();
    for entry in std::fs::read_dir(root().join("policies/nhs-baseline")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, v2.join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::create_dir_all(v2.join("data")).unwrap();
    for name in ["kev.json", "nhs-cyber-alerts.json"] {
        std::fs::copy(
            root().join("policies/nhs-baseline/data").join(name),
            v2.join("data").join(name),
        )
        .unwrap();
    }
    let toml = std::fs::read_to_string(v2.join("bundle.toml")).unwrap();
    std::fs::write(
        v2.join("bundle.toml"),
        toml.replace("version = 1", "version = 2"),
    )
    .unwrap();
    setup.build_from(&v2, "v2.bundle", "2027-06-01T00:00:00Z");
    setup.sign("v2.bundle", "alice");
    setup.sign("v2.bundle", "bob");
    setup.check("v2.bundle", "2").code(0);
    setup
        .check("nhs.bundle", "2")
        .code(4)
        .stderr(predicate::str::contains("rollback"));

    // The same version with other content.
    let policy = v2.join("sbom.cedar");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(&policy, format!("{text}\n// changed\n")).unwrap();
    setup.build_from(&v2, "v2b.bundle", "2027-06-01T00:00:00Z");
    setup.sign("v2b.bundle", "alice");
    setup.sign("v2b.bundle", "bob");
    setup
        .check("v2b.bundle", "2")
        .code(4)
        .stderr(predicate::str::contains("v2"));

    // Mix and match: v2's manifest with a policy file from v2b.
    let mixed = setup.unpack("v2.bundle", "mixed");
    std::fs::copy(&policy, mixed.join("sbom.cedar")).unwrap();
    setup
        .check("mixed", "2")
        .code(4)
        .stderr(predicate::str::contains("\"sbom.cedar\""));
}

#[test]
fn plugin_attacks_are_refused() {
    let setup = Setup::new();
    // A plugin replaced by another (unsigned) build: not the pinned digest.
    let swapped = setup.unpack("nhs.bundle", "swapped");
    std::fs::copy(
        root().join("plugins/dist/scorecard.wasm"),
        swapped.join("plugins/cyclonedx.wasm"),
    )
    .unwrap();
    setup
        .check("swapped", "2")
        .code(4)
        .stderr(predicate::str::contains("plugins/cyclonedx.wasm"));
    // A section appended to a signed plugin.
    let plugin = setup.path("scorecard.wasm");
    std::fs::copy(root().join("plugins/dist/scorecard.wasm"), &plugin).unwrap();
    assure()
        .args(["plugin", "sign", "--key"])
        .arg(setup.path("alice.key"))
        .arg(&plugin)
        .assert()
        .success();
    assure()
        .args(["plugin", "verify"])
        .arg(&plugin)
        .arg("--trust")
        .arg(setup.path("alice.pub"))
        .assert()
        .success()
        .stdout(predicate::str::contains("signed over the whole component"));
    let mut bytes = std::fs::read(&plugin).unwrap();
    bytes.extend_from_slice(&[0x00, 0x04, 0x03, b'x', b'y', b'z']);
    std::fs::write(&plugin, bytes).unwrap();
    assure()
        .args(["plugin", "verify"])
        .arg(&plugin)
        .arg("--trust")
        .arg(setup.path("alice.pub"))
        .assert()
        .code(4);
    // A key the caller does not allow, and an unsigned plugin.
    assure()
        .args(["plugin", "verify"])
        .arg(root().join("plugins/dist/scorecard.wasm"))
        .arg("--trust")
        .arg(setup.path("alice.pub"))
        .assert()
        .code(4)
        .stderr(predicate::str::contains("not signed"));
}
