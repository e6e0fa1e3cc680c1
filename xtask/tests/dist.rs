//! `cargo xtask dist` and the two release scripts, as a release manager and a vendor use
//! them: package a (stand-in) binary twice, check that the artefacts are byte-identical
//! and verify, and that `scripts/verify-release.sh` and `scripts/install-release.sh`
//! accept them and refuse a tampered archive, another signer and a renamed version.
//!
//! No release binary is built here (that takes a quarter of an hour): `--binary`
//! packages a file of arbitrary bytes. The script tests need bash, openssl 3, python3
//! and curl, as every CI runner has.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests: a failed step fails the test"
)]

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assure_trust::dsse::{self, Envelope};
use assure_trust::keys::{self, PublicKey};
use sha2::{Digest as _, Sha256};

const TARGET: &str = "x86_64-unknown-linux-gnu";
const VERSION: &str = env!("CARGO_PKG_VERSION");
const BINARY: &[u8] = b"\x7fELF not really a binary, but bytes to ship\n";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn stem() -> String {
    format!("assure-{VERSION}-{TARGET}")
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Fails the test with a clear message when a tool the scripts need is missing.
fn require(tool: &str, arg: &str) {
    let found = Command::new(tool)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "`{tool}` is needed by the release scripts and their tests, and was not found: install it"
    );
}

/// A scratch folder with a stand-in binary and two key pairs.
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("assure"), BINARY).unwrap();
        for name in ["release", "other"] {
            let key = keys::generate();
            key.write_pem_file(&dir.path().join(format!("{name}.key.pem")))
                .unwrap();
            key.public_key()
                .write_pem_file(&dir.path().join(format!("{name}.pub.pem")))
                .unwrap();
        }
        Self { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `cargo xtask dist --binary … --key KEY.key.pem --out OUT`.
    fn dist(&self, key: &str, out: &str) -> PathBuf {
        let out = self.path(out);
        let output = Command::new(env!("CARGO_BIN_EXE_assure-xtask"))
            .arg("dist")
            .arg("--key")
            .arg(self.path(&format!("{key}.key.pem")))
            .arg("--binary")
            .arg(self.path("assure"))
            .arg("--target")
            .arg(TARGET)
            .arg(format!("--out={}", out.display()))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "dist failed: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        for name in [".tar.gz", ".cdx.json", ".intoto.json"] {
            assert!(stdout.contains(&format!("{}{name}", stem())), "{stdout}");
        }
        out
    }
}

fn script(name: &str) -> Command {
    require("bash", "--version");
    require("openssl", "version");
    require("python3", "--version");
    let mut command = Command::new("bash");
    command.arg(root().join("scripts").join(name));
    command
}

fn verify(archive: &Path, envelope: &Path, key: &Path) -> Output {
    script("verify-release.sh")
        .args([archive, envelope, key])
        .output()
        .unwrap()
}

fn install(version: &str, dist: &Path, key: &Path, dest: &Path) -> Output {
    require("curl", "--version");
    script("install-release.sh")
        .arg(version)
        .arg(format!("file://{}", dist.display()))
        .arg(key)
        .arg(dest)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts a refusal: exit 1, `message` on stderr, nothing in `dest` if given.
fn assert_refused(output: &Output, message: &str, dest: Option<&Path>) {
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert!(
        stderr.contains(message),
        "expected `{message}` in: {stderr}"
    );
    assert!(output.stdout.is_empty(), "stdout: {}", text(&output.stdout));
    if let Some(dest) = dest {
        let empty = !dest.exists() || std::fs::read_dir(dest).unwrap().next().is_none();
        assert!(empty, "something was installed in {}", dest.display());
    }
}

#[test]
fn the_artefacts_are_reproducible_signed_and_describe_what_they_ship() {
    let setup = Setup::new();
    let one = setup.dist("release", "one");
    let two = setup.dist("release", "two");

    let mut names: Vec<String> = std::fs::read_dir(&one)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let stem = stem();
    assert_eq!(
        names,
        [
            "SHA256SUMS".to_owned(),
            format!("{stem}.cdx.json"),
            format!("{stem}.intoto.json"),
            format!("{stem}.tar.gz"),
        ]
    );
    for name in &names {
        assert_eq!(
            std::fs::read(one.join(name)).unwrap(),
            std::fs::read(two.join(name)).unwrap(),
            "{name} differs between two runs"
        );
    }

    // SHA256SUMS names the three files.
    let sums = std::fs::read_to_string(one.join("SHA256SUMS")).unwrap();
    for name in &names[1..] {
        let digest = sha256_hex(&std::fs::read(one.join(name)).unwrap());
        assert!(sums.contains(&format!("{digest}  {name}\n")), "{sums}");
    }

    // The SBOM is the committed one.
    assert_eq!(
        std::fs::read(one.join(format!("{stem}.cdx.json"))).unwrap(),
        std::fs::read(root().join("sbom").join("assure.cdx.json")).unwrap()
    );

    // The envelope verifies with assure-trust's DSSE code, and its statement's
    // subjects are the archive and the SBOM.
    let envelope =
        Envelope::from_json(&std::fs::read(one.join(format!("{stem}.intoto.json"))).unwrap())
            .unwrap();
    let public = PublicKey::read_pem_file(&setup.path("release.pub.pem")).unwrap();
    let verified = dsse::verify(&envelope, "application/vnd.in-toto+json", &[public], 1).unwrap();
    let statement: serde_json::Value = serde_json::from_slice(&verified.payload).unwrap();
    assert_eq!(statement["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(statement["predicateType"], "https://slsa.dev/provenance/v1");
    for (i, name) in [format!("{stem}.tar.gz"), format!("{stem}.cdx.json")]
        .iter()
        .enumerate()
    {
        assert_eq!(statement["subject"][i]["name"], name.as_str());
        assert_eq!(
            statement["subject"][i]["digest"]["sha256"],
            sha256_hex(&std::fs::read(one.join(name)).unwrap())
        );
    }
    let definition = &statement["predicate"]["buildDefinition"];
    assert_eq!(
        definition["buildType"],
        "https://github.com/assure-health/assure/xtask-dist/v1"
    );
    assert_eq!(definition["externalParameters"]["target"], TARGET);
    assert_eq!(
        statement["predicate"]["runDetails"]["byproducts"][0]["digest"]["sha256"],
        sha256_hex(BINARY)
    );
    let lock = std::fs::read(root().join("Cargo.lock")).unwrap();
    assert!(
        definition["resolvedDependencies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "Cargo.lock" && d["digest"]["sha256"] == sha256_hex(&lock))
    );

    // The archive: sorted, owned by root, fixed modes, the binary inside.
    let archive = std::fs::read(one.join(format!("{stem}.tar.gz"))).unwrap();
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive.as_slice()));
    let mut entries = Vec::new();
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        let header = entry.header().clone();
        let path = entry.path().unwrap().display().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        assert_eq!((header.uid().unwrap(), header.gid().unwrap()), (0, 0));
        if path == format!("{stem}/assure") {
            assert_eq!(bytes, BINARY);
        }
        entries.push((path, header.mode().unwrap()));
    }
    let mut expected = vec![
        (format!("{stem}/"), 0o755),
        (format!("{stem}/README.md"), 0o644),
        (format!("{stem}/assure"), 0o755),
    ];
    if root().join("LICENSE").is_file() {
        expected.insert(1, (format!("{stem}/LICENSE"), 0o644));
    }
    assert_eq!(entries, expected);
}

#[test]
fn the_scripts_verify_and_install_a_genuine_release() {
    let setup = Setup::new();
    let dist = setup.dist("release", "dist");
    let stem = stem();
    let key = setup.path("release.pub.pem");

    let output = verify(
        &dist.join(format!("{stem}.tar.gz")),
        &dist.join(format!("{stem}.intoto.json")),
        &key,
    );
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(stdout.starts_with("verified: "), "{stdout}");
    assert!(
        stdout.contains(&sha256_hex(
            &std::fs::read(dist.join(format!("{stem}.tar.gz"))).unwrap()
        )),
        "{stdout}"
    );

    let dest = setup.path("bin");
    let output = install(VERSION, &dist, &key, &dest);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let installed = dest.join("assure");
    assert_eq!(
        text(&output.stdout).trim_end(),
        installed.display().to_string()
    );
    assert_eq!(std::fs::read(&installed).unwrap(), BINARY);
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(&installed).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o755);
    // Only the binary: no scratch files left behind.
    assert_eq!(std::fs::read_dir(&dest).unwrap().count(), 1);
}

#[test]
fn a_tampered_archive_is_refused_and_nothing_is_installed() {
    let setup = Setup::new();
    let dist = setup.dist("release", "dist");
    let stem = stem();
    let archive = dist.join(format!("{stem}.tar.gz"));
    let mut bytes = std::fs::read(&archive).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&archive, &bytes).unwrap();
    let key = setup.path("release.pub.pem");

    let output = verify(&archive, &dist.join(format!("{stem}.intoto.json")), &key);
    assert_refused(&output, &format!("{stem}.tar.gz: sha256 "), None);
    assert_refused(&output, "does not match the signed sha256", None);

    let dest = setup.path("bin");
    let output = install(VERSION, &dist, &key, &dest);
    assert_refused(
        &output,
        "did not verify; nothing was installed",
        Some(&dest),
    );
    assert_refused(&output, "does not match the signed sha256", Some(&dest));
}

#[test]
fn a_release_signed_by_another_key_is_refused() {
    let setup = Setup::new();
    let dist = setup.dist("other", "dist");
    let stem = stem();
    let key = setup.path("release.pub.pem");

    let output = verify(
        &dist.join(format!("{stem}.tar.gz")),
        &dist.join(format!("{stem}.intoto.json")),
        &key,
    );
    assert_refused(&output, "no valid signature by the key in", None);
    assert_refused(&output, &format!("{stem}.intoto.json"), None);

    let dest = setup.path("bin");
    let output = install(VERSION, &dist, &key, &dest);
    assert_refused(&output, "no valid signature by the key in", Some(&dest));
}

#[test]
fn an_archive_renamed_to_another_version_is_refused() {
    let setup = Setup::new();
    let dist = setup.dist("release", "dist");
    let stem = stem();
    let renamed = format!("assure-99.0.0-{TARGET}");
    for suffix in [".tar.gz", ".intoto.json"] {
        std::fs::rename(
            dist.join(format!("{stem}{suffix}")),
            dist.join(format!("{renamed}{suffix}")),
        )
        .unwrap();
    }
    let key = setup.path("release.pub.pem");

    let output = verify(
        &dist.join(format!("{renamed}.tar.gz")),
        &dist.join(format!("{renamed}.intoto.json")),
        &key,
    );
    assert_refused(
        &output,
        &format!("{renamed}.tar.gz is not a subject of the statement"),
        None,
    );

    let dest = setup.path("bin");
    let output = install("99.0.0", &dist, &key, &dest);
    assert_refused(&output, "is not a subject of the statement", Some(&dest));
}

#[test]
fn the_installer_refuses_a_missing_release_and_a_plain_http_url() {
    let setup = Setup::new();
    let dist = setup.dist("release", "dist");
    let key = setup.path("release.pub.pem");
    let dest = setup.path("bin");

    let output = install("0.0.0-missing", &dist, &key, &dest);
    assert_refused(&output, "cannot download", Some(&dest));

    let output = script("install-release.sh")
        .args(["0.1.0", "http://example.com/releases"])
        .arg(&key)
        .arg(&dest)
        .output()
        .unwrap();
    assert_refused(&output, "must be https://", Some(&dest));

    let output = script("install-release.sh")
        .args(["../../etc", "https://example.com/releases"])
        .arg(&key)
        .arg(&dest)
        .output()
        .unwrap();
    assert_refused(&output, "is not a version", Some(&dest));
}

#[test]
fn an_envelope_that_is_not_dsse_names_the_file() {
    let setup = Setup::new();
    let dist = setup.dist("release", "dist");
    let stem = stem();
    let envelope = setup.path("bad.intoto.json");
    std::fs::write(&envelope, b"{\"payloadType\": 1}").unwrap();
    let output = verify(
        &dist.join(format!("{stem}.tar.gz")),
        &envelope,
        &setup.path("release.pub.pem"),
    );
    assert_refused(&output, "bad.intoto.json: not a DSSE envelope", None);
}
