//! Bundles and plugins over a real OCI registry (the distribution project's
//! `docker-registry`, started by each test on a loopback port with storage
//! of its own), and `skopeo` as the independent client: it reads what
//! assure pushed, and assure pulls what it pushed — including the hostile
//! artifacts a test writes as an OCI layout.
//!
//! Without `docker-registry` and `skopeo` the tests say so and pass, unless
//! ASSURE_REQUIRE_REGISTRY=1 (CI sets it).

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::disallowed_macros,
    clippy::zombie_processes,
    reason = "tests; Drop kills and waits for the registry"
)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;
use sha2::{Digest, Sha256};

use crate::common::{assure, root};

const AS_OF: &str = "2025-09-22T00:00:00Z";
/// The test registry's one user (a bcrypt htpasswd line; the password is
/// only ever this test's).
const USER: &str = "assure-ci";
const PASSWORD: &str = "registry-test-password";
const HTPASSWD: &str = "assure-ci:$2b$05$PDGmFfFleXnTnvTHX8rip.EGLEXkc4o4tuadCBzSrQqx7haOrjQ6K\n";

fn required() -> bool {
    std::env::var_os("ASSURE_REQUIRE_REGISTRY").is_some_and(|v| v == "1")
}

fn found(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(program))
            .find(|p| p.is_file())
    })
}

/// A registry of our own on 127.0.0.1, killed when dropped.
struct Registry {
    child: Child,
    dir: tempfile::TempDir,
    host: String,
}

impl Registry {
    /// Starts one (with htpasswd authentication when `auth`), or `None`
    /// when the tools are not installed and not required.
    fn start(auth: bool) -> Option<Self> {
        let (Some(registry), Some(_)) = (
            std::env::var_os("ASSURE_REGISTRY_BIN")
                .map(PathBuf::from)
                .or_else(|| found("docker-registry"))
                .or_else(|| found("registry")),
            found("skopeo"),
        ) else {
            assert!(
                !required(),
                "ASSURE_REQUIRE_REGISTRY=1 but docker-registry or skopeo is not installed"
            );
            eprintln!("SKIPPED: docker-registry and skopeo are needed for the registry tests");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        for _ in 0..10 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let mut config = format!(
                "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n",
                dir.path().join("store").display()
            );
            if auth {
                std::fs::write(dir.path().join("htpasswd"), HTPASSWD).unwrap();
                config.push_str(&format!(
                    "auth:\n  htpasswd:\n    realm: assure-test\n    path: {}\n",
                    dir.path().join("htpasswd").display()
                ));
            }
            std::fs::write(dir.path().join("config.yml"), config).unwrap();
            let mut child = Command::new(&registry)
                .arg("serve")
                .arg(dir.path().join("config.yml"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let host = format!("127.0.0.1:{port}");
            let deadline = Instant::now() + Duration::from_secs(20);
            while Instant::now() < deadline {
                if child.try_wait().unwrap().is_some() {
                    break; // the port was taken: another one
                }
                if std::net::TcpStream::connect(&host).is_ok() {
                    return Some(Self { child, dir, host });
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("docker-registry did not start");
    }

    fn reference(&self, repo_tag: &str) -> String {
        format!("oci://{}/{repo_tag}", self.host)
    }

    /// The file holding a blob in the registry's own storage.
    fn blob_file(&self, digest: &str) -> PathBuf {
        let hex = digest.strip_prefix("sha256:").unwrap();
        self.dir
            .path()
            .join("store/docker/registry/v2/blobs/sha256")
            .join(&hex[..2])
            .join(hex)
            .join("data")
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn skopeo() -> Command {
    let mut cmd = Command::new("skopeo");
    // Nothing of the developer's: no credentials, no policy surprises.
    cmd.env_remove("REGISTRY_AUTH_FILE")
        .env_remove("DOCKER_CONFIG")
        .env("HOME", std::env::temp_dir());
    cmd
}

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Keys, a signed baseline bundle, and the commands a publisher and a
/// buyer run, with no credentials of the developer's in reach.
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Self {
        let setup = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        for name in ["alice", "mallory"] {
            setup
                .assure()
                .args(["key", "generate", "--out"])
                .arg(setup.path(name))
                .assert()
                .success();
        }
        setup
            .assure()
            .args(["bundle", "build"])
            .arg(root().join("policies/nhs-baseline"))
            .arg("-o")
            .arg(setup.path("nhs.bundle"))
            .arg("--plugin-key")
            .arg(setup.path("alice.key"))
            .args([
                "--expires",
                "2030-01-01T00:00:00Z",
                "--created",
                "2025-09-01T00:00:00Z",
            ])
            .assert()
            .success();
        std::fs::copy(setup.path("nhs.bundle"), setup.path("unsigned.bundle")).unwrap();
        setup
            .assure()
            .args(["bundle", "sign", "--key"])
            .arg(setup.path("alice.key"))
            .arg(setup.path("nhs.bundle"))
            .assert()
            .success();
        setup
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn assure(&self) -> assert_cmd::Command {
        let mut cmd = assure();
        for var in [
            "ASSURE_REGISTRY_USERNAME",
            "ASSURE_REGISTRY_PASSWORD",
            "REGISTRY_AUTH_FILE",
            "DOCKER_CONFIG",
            "XDG_RUNTIME_DIR",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", self.path("home"));
        cmd.env("XDG_STATE_HOME", self.path("state"));
        cmd
    }

    fn push(&self, file: &str, reference: &str) -> assert_cmd::assert::Assert {
        self.assure()
            .args(["bundle", "push"])
            .arg(self.path(file))
            .arg(reference)
            .assert()
    }

    /// `assure bundle|plugin pull REFERENCE -o OUT --trust KEY.pub`, not yet run.
    fn pull_command(
        &self,
        what: &str,
        reference: &str,
        out: &str,
        key: &str,
    ) -> assert_cmd::Command {
        let mut cmd = self.assure();
        cmd.args([what, "pull", reference, "-o"])
            .arg(self.path(out))
            .arg("--trust")
            .arg(self.path(&format!("{key}.pub")));
        cmd
    }

    fn pull(&self, reference: &str, out: &str, key: &str) -> assert_cmd::assert::Assert {
        self.pull_command("bundle", reference, out, key).assert()
    }

    fn check(&self, bundle: &str) -> assert_cmd::assert::Assert {
        self.assure()
            .args(["check", "--as-of", AS_OF, "--bundle", bundle, "--trust"])
            .arg(self.path("alice.pub"))
            .arg(root().join("examples/approved"))
            .assert()
    }
}

/// The `pinned: oci://…@sha256:…` line `push` prints.
fn pinned(stdout: &[u8]) -> String {
    let text = String::from_utf8_lossy(stdout);
    text.lines()
        .find_map(|l| l.trim().strip_prefix("pinned: "))
        .unwrap()
        .to_owned()
}

fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// Writes an OCI image layout holding one artifact manifest with these
/// layers, tagged `tag` — the form `skopeo copy oci:DIR:TAG` reads — so a
/// test can put any artifact, honest or not, into the registry through an
/// independent client.
fn oci_layout(dir: &Path, tag: &str, artifact_type: &str, layers: &[(&str, &[u8])]) -> PathBuf {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).unwrap();
    let put = |bytes: &[u8]| {
        let digest = sha256(bytes);
        std::fs::write(blobs.join(&digest[7..]), bytes).unwrap();
        digest
    };
    let config = put(b"{}");
    let layers: Vec<serde_json::Value> = layers
        .iter()
        .map(|(media_type, bytes)| {
            serde_json::json!({
                "mediaType": media_type,
                "digest": put(bytes),
                "size": bytes.len(),
            })
        })
        .collect();
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "artifactType": artifact_type,
        "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": config, "size": 2},
        "layers": layers,
    }))
    .unwrap();
    let manifest_digest = put(&manifest);
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    std::fs::write(
        dir.join("index.json"),
        serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "manifests": [{
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": manifest_digest,
                "size": manifest.len(),
                "annotations": {"org.opencontainers.image.ref.name": tag},
            }],
        }))
        .unwrap(),
    )
    .unwrap();
    dir.to_path_buf()
}

/// `skopeo copy` of a layout into the registry as `repo:tag`.
fn skopeo_push(layout: &Path, tag: &str, registry: &Registry, repo: &str) {
    run_ok(
        skopeo()
            .args(["copy", "--quiet", "--dest-tls-verify=false"])
            .arg(format!("oci:{}:{tag}", layout.display()))
            .arg(format!("docker://{}/{repo}:{tag}", registry.host)),
    );
}

#[test]
fn push_pull_check_round_trip_and_skopeo_reads_it() {
    let Some(registry) = Registry::start(false) else {
        return;
    };
    let setup = Setup::new();
    let reference = registry.reference("assure/baseline:2026.12");
    let pushed = setup.push("nhs.bundle", &reference).success();
    let by_digest = pinned(&pushed.get_output().stdout);
    assert!(by_digest.contains("@sha256:"), "{by_digest}");

    // By tag and by digest: verified, then written byte for byte.
    setup
        .pull(&reference, "pulled.bundle", "alice")
        .success()
        .stdout(predicate::str::contains("verified nhs-baseline v1"))
        .stdout(predicate::str::contains(&by_digest));
    assert_eq!(
        std::fs::read(setup.path("pulled.bundle")).unwrap(),
        std::fs::read(setup.path("nhs.bundle")).unwrap()
    );
    setup
        .pull(&by_digest, "by-digest.bundle", "alice")
        .success();

    // check straight from the registry, by tag and by digest: the same
    // verdict as from the file, and the decision names the same bundle.
    let from_file = setup
        .assure()
        .args(["check", "--format", "json", "--as-of", AS_OF, "--bundle"])
        .arg(setup.path("nhs.bundle"))
        .arg("--trust")
        .arg(setup.path("alice.pub"))
        .arg(root().join("examples/approved"))
        .assert()
        .success();
    let from_registry = setup
        .assure()
        .args(["check", "--format", "json", "--as-of", AS_OF, "--bundle"])
        .arg(&by_digest)
        .arg("--trust")
        .arg(setup.path("alice.pub"))
        .arg(root().join("examples/approved"))
        .assert()
        .success();
    let bundle_of = |out: &[u8]| {
        let json: serde_json::Value = serde_json::from_slice(out).unwrap();
        (json["verdict"].clone(), json["bundle"]["digest"].clone())
    };
    assert_eq!(
        bundle_of(&from_file.get_output().stdout),
        bundle_of(&from_registry.get_output().stdout)
    );
    setup.check(&reference).success();

    // skopeo reads it: the manifest says what it is, and a copy out of the
    // registry holds the very bundle file.
    let raw = run_ok(
        skopeo()
            .args(["inspect", "--raw", "--tls-verify=false"])
            .arg(format!(
                "docker://{}/assure/baseline:2026.12",
                registry.host
            )),
    );
    let manifest: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(manifest["artifactType"], "application/vnd.assure.bundle.v1");
    assert_eq!(
        manifest["layers"][0]["mediaType"],
        "application/vnd.assure.bundle.v1.tar+gzip"
    );
    assert_eq!(
        manifest["layers"][1]["mediaType"],
        "application/vnd.dsse.envelope.v1+json"
    );
    assert_eq!(
        manifest["annotations"]["health.assure.bundle.name"],
        "nhs-baseline"
    );
    let layout = setup.path("copied");
    run_ok(
        skopeo()
            .args(["copy", "--quiet", "--src-tls-verify=false"])
            .arg(format!(
                "docker://{}/assure/baseline:2026.12",
                registry.host
            ))
            .arg(format!("oci:{}:copied", layout.display())),
    );
    let layer = manifest["layers"][0]["digest"].as_str().unwrap();
    assert_eq!(
        std::fs::read(layout.join("blobs/sha256").join(&layer[7..])).unwrap(),
        std::fs::read(setup.path("nhs.bundle")).unwrap()
    );

    // And assure pulls what skopeo pushed (the copy, back under another name).
    run_ok(
        skopeo()
            .args(["copy", "--quiet", "--dest-tls-verify=false"])
            .arg(format!("oci:{}:copied", layout.display()))
            .arg(format!("docker://{}/mirror/baseline:copied", registry.host)),
    );
    setup
        .pull(
            &registry.reference("mirror/baseline:copied"),
            "mirrored.bundle",
            "alice",
        )
        .success();
    assert_eq!(
        std::fs::read(setup.path("mirrored.bundle")).unwrap(),
        std::fs::read(setup.path("nhs.bundle")).unwrap()
    );
}

#[test]
fn untrusted_tampered_unsigned_and_mislabelled_artifacts_are_refused_at_pull() {
    let Some(registry) = Registry::start(false) else {
        return;
    };
    let setup = Setup::new();
    let refused = |reference: &str, out: &str, key: &str, says: &str| {
        setup
            .pull(reference, out, key)
            .code(4)
            .stderr(predicate::str::contains(says));
        assert!(!setup.path(out).exists(), "{out} was written");
        assert!(
            !setup.path(&format!("{out}.partial")).exists(),
            "{out}.partial was left"
        );
    };

    // Signed by alice, pulled by a buyer who trusts only mallory.
    let honest = registry.reference("assure/baseline:1");
    setup.push("nhs.bundle", &honest).success();
    refused(&honest, "mallory.bundle", "mallory", "untrusted key");
    setup
        .assure()
        .args(["check", "--as-of", AS_OF, "--bundle", &honest, "--trust"])
        .arg(setup.path("mallory.pub"))
        .arg(root().join("examples/approved"))
        .assert()
        .code(4);

    // Unsigned: `push` refuses it; put there by another client, `pull` does.
    setup
        .push("unsigned.bundle", &registry.reference("assure/unsigned:1"))
        .code(1)
        .stderr(predicate::str::contains("is not signed"));
    let unsigned = std::fs::read(setup.path("unsigned.bundle")).unwrap();
    let layout = oci_layout(
        &setup.path("unsigned-layout"),
        "1",
        "application/vnd.assure.bundle.v1",
        &[("application/vnd.assure.bundle.v1.tar+gzip", &unsigned)],
    );
    skopeo_push(&layout, "1", &registry, "assure/unsigned");
    refused(
        &registry.reference("assure/unsigned:1"),
        "unsigned-pulled.bundle",
        "alice",
        "bundle.json.dsse",
    );

    // Tampered: a policy changed after signing, the signature kept. `push`
    // without --trust does not judge; the buyer's pull does.
    let tampered = setup.path("tampered");
    std::fs::create_dir_all(&tampered).unwrap();
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(setup.path("nhs.bundle"))
        .arg("-C")
        .arg(&tampered)
        .status()
        .unwrap();
    assert!(status.success());
    let policy = tampered.join("approve.cedar");
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&policy)
        .unwrap();
    writeln!(file, "\n// approve everything").unwrap();
    setup
        .assure()
        .args(["bundle", "push"])
        .arg(&tampered)
        .arg(registry.reference("assure/tampered:1"))
        .arg("--trust")
        .arg(setup.path("alice.pub"))
        .assert()
        .code(4);
    setup
        .assure()
        .args(["bundle", "push"])
        .arg(&tampered)
        .arg(registry.reference("assure/tampered:1"))
        .assert()
        .success();
    refused(
        &registry.reference("assure/tampered:1"),
        "tampered.bundle",
        "alice",
        "approve.cedar",
    );

    // A signatures layer that is not the bundle's own.
    let signed = std::fs::read(setup.path("nhs.bundle")).unwrap();
    let layout = oci_layout(
        &setup.path("dsse-layout"),
        "1",
        "application/vnd.assure.bundle.v1",
        &[
            ("application/vnd.assure.bundle.v1.tar+gzip", &signed),
            (
                "application/vnd.dsse.envelope.v1+json",
                b"{\"payload\":\"\",\"signatures\":[]}",
            ),
        ],
    );
    skopeo_push(&layout, "1", &registry, "assure/other-dsse");
    refused(
        &registry.reference("assure/other-dsse:1"),
        "other-dsse.bundle",
        "alice",
        "not the bundle's own",
    );

    // Something else under a bundle's name: the wrong artifact type, or two bundles.
    let layout = oci_layout(
        &setup.path("plugin-layout"),
        "1",
        "application/vnd.assure.plugin.v1",
        &[("application/vnd.assure.bundle.v1.tar+gzip", &signed)],
    );
    skopeo_push(&layout, "1", &registry, "assure/wrong-type");
    refused(
        &registry.reference("assure/wrong-type:1"),
        "wrong-type.bundle",
        "alice",
        "not an assure bundle",
    );
    let layout = oci_layout(
        &setup.path("two-layout"),
        "1",
        "application/vnd.assure.bundle.v1",
        &[
            ("application/vnd.assure.bundle.v1.tar+gzip", &signed),
            ("application/vnd.assure.bundle.v1.tar+gzip", &unsigned),
        ],
    );
    skopeo_push(&layout, "1", &registry, "assure/two");
    refused(
        &registry.reference("assure/two:1"),
        "two.bundle",
        "alice",
        "exactly one",
    );

    // A registry that serves other bytes than it was given (its storage
    // altered underneath it): refused by digest, nothing written.
    let raw = run_ok(
        skopeo()
            .args(["inspect", "--raw", "--tls-verify=false"])
            .arg(format!("docker://{}/assure/baseline:1", registry.host)),
    );
    let manifest: serde_json::Value = serde_json::from_str(&raw).unwrap();
    let layer = manifest["layers"][0]["digest"].as_str().unwrap();
    let blob = registry.blob_file(layer);
    let mut bytes = std::fs::read(&blob).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    std::fs::write(&blob, bytes).unwrap();
    refused(&honest, "altered.bundle", "alice", "altered");

    // A digest the registry does not hold.
    setup
        .pull(
            &format!(
                "oci://{}/assure/baseline@sha256:{}",
                registry.host,
                "0".repeat(64)
            ),
            "missing.bundle",
            "alice",
        )
        .code(1);
    assert!(!setup.path("missing.bundle").exists());
}

#[test]
fn rollback_through_the_registry_is_refused() {
    let Some(registry) = Registry::start(false) else {
        return;
    };
    let setup = Setup::new();
    // Version 2 of the same bundle, signed by the same key.
    let source = setup.path("v2-source");
    crate::common::copy_dir(&root().join("policies/nhs-baseline"), &source);
    let toml = source.join("bundle.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let bumped = text.replacen("version = 1", "version = 2", 1);
    assert_ne!(text, bumped, "bundle.toml has no `version = 1` line");
    std::fs::write(&toml, bumped).unwrap();
    setup
        .assure()
        .args(["bundle", "build"])
        .arg(&source)
        .arg("-o")
        .arg(setup.path("v2.bundle"))
        .arg("--plugin-key")
        .arg(setup.path("alice.key"))
        .args(["--expires", "2030-01-01T00:00:00Z"])
        .assert()
        .success();
    setup
        .assure()
        .args(["bundle", "sign", "--key"])
        .arg(setup.path("alice.key"))
        .arg(setup.path("v2.bundle"))
        .assert()
        .success();
    setup
        .push("v2.bundle", &registry.reference("assure/baseline:2"))
        .success();
    setup
        .push("nhs.bundle", &registry.reference("assure/baseline:1"))
        .success();
    setup
        .pull(
            &registry.reference("assure/baseline:2"),
            "v2-pulled.bundle",
            "alice",
        )
        .success();
    // Version 1 after version 2 has been accepted: a rollback.
    setup
        .pull(
            &registry.reference("assure/baseline:1"),
            "v1-pulled.bundle",
            "alice",
        )
        .code(4)
        .stderr(predicate::str::contains("rollback").or(predicate::str::contains("version")));
    assert!(!setup.path("v1-pulled.bundle").exists());
}

#[test]
fn plugins_travel_signed_and_are_verified_before_writing() {
    let Some(registry) = Registry::start(false) else {
        return;
    };
    let setup = Setup::new();
    let plugin = setup.path("cyclonedx.wasm");
    setup
        .assure()
        .args(["plugin", "sign", "--key"])
        .arg(setup.path("alice.key"))
        .arg(root().join("plugins/dist/cyclonedx.wasm"))
        .arg("--out")
        .arg(&plugin)
        .assert()
        .success();
    let reference = registry.reference("assure/plugins/cyclonedx:1");
    setup
        .assure()
        .args(["plugin", "push"])
        .arg(&plugin)
        .arg(&reference)
        .arg("--trust")
        .arg(setup.path("alice.pub"))
        .assert()
        .success();
    let pull = |key: &str, out: &str| setup.pull_command("plugin", &reference, out, key).assert();
    pull("alice", "pulled.wasm")
        .success()
        .stdout(predicate::str::contains("signed over the whole component"));
    assert_eq!(
        std::fs::read(setup.path("pulled.wasm")).unwrap(),
        std::fs::read(&plugin).unwrap()
    );
    pull("mallory", "untrusted.wasm").code(4);
    assert!(!setup.path("untrusted.wasm").exists());
    // A bundle is not a plugin.
    setup
        .push("nhs.bundle", &registry.reference("assure/plugins/bundle:1"))
        .success();
    setup
        .pull_command(
            "plugin",
            &registry.reference("assure/plugins/bundle:1"),
            "bundle.wasm",
            "alice",
        )
        .assert()
        .code(4)
        .stderr(predicate::str::contains("not an assure plugin"));
    assert!(!setup.path("bundle.wasm").exists());
}

#[test]
fn credentials_from_the_environment_docker_config_and_skopeo_login() {
    let Some(registry) = Registry::start(true) else {
        return;
    };
    let setup = Setup::new();
    let reference = registry.reference("assure/baseline:1");
    // No credentials: the registry says no, and assure says so.
    setup
        .push("nhs.bundle", &reference)
        .code(1)
        .stderr(predicate::str::contains(&registry.host));

    // The environment.
    setup
        .assure()
        .args(["bundle", "push"])
        .arg(setup.path("nhs.bundle"))
        .arg(&reference)
        .env("ASSURE_REGISTRY_USERNAME", USER)
        .env("ASSURE_REGISTRY_PASSWORD", PASSWORD)
        .assert()
        .success();
    setup
        .pull_command("bundle", &reference, "env.bundle", "alice")
        .env("ASSURE_REGISTRY_USERNAME", USER)
        .env("ASSURE_REGISTRY_PASSWORD", "wrong")
        .assert()
        .code(1);
    assert!(!setup.path("env.bundle").exists());

    // docker's config.json (DOCKER_CONFIG).
    let docker = setup.path("docker");
    std::fs::create_dir_all(&docker).unwrap();
    let auth = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("{USER}:{PASSWORD}"),
    );
    std::fs::write(
        docker.join("config.json"),
        serde_json::to_vec(&serde_json::json!({"auths": {registry.host.clone(): {"auth": auth}}}))
            .unwrap(),
    )
    .unwrap();
    setup
        .pull_command("bundle", &reference, "docker.bundle", "alice")
        .env("DOCKER_CONFIG", &docker)
        .assert()
        .success();

    // The file `skopeo login` writes (REGISTRY_AUTH_FILE), and skopeo reads
    // what assure pushed with the same credentials.
    let authfile = setup.path("auth.json");
    run_ok(
        skopeo()
            .args(["login", "--tls-verify=false", "--authfile"])
            .arg(&authfile)
            .args(["--username", USER, "--password", PASSWORD, &registry.host]),
    );
    setup
        .assure()
        .args(["check", "--as-of", AS_OF, "--bundle", &reference, "--trust"])
        .arg(setup.path("alice.pub"))
        .arg(root().join("examples/approved"))
        .env("REGISTRY_AUTH_FILE", &authfile)
        .assert()
        .success();
    run_ok(
        skopeo()
            .args(["inspect", "--raw", "--tls-verify=false", "--authfile"])
            .arg(&authfile)
            .arg(format!("docker://{}/assure/baseline:1", registry.host)),
    );
    // A REGISTRY_AUTH_FILE that is not there is an error, not anonymous.
    setup
        .pull_command("bundle", &reference, "nofile.bundle", "alice")
        .env("REGISTRY_AUTH_FILE", setup.path("absent.json"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("REGISTRY_AUTH_FILE"));
}

#[test]
fn references_must_name_a_registry() {
    let setup = Setup {
        dir: tempfile::tempdir().unwrap(),
    };
    setup
        .assure()
        .args(["key", "generate", "--out"])
        .arg(setup.path("k"))
        .assert()
        .success();
    // No registry named: never Docker Hub by default, and nothing written.
    for reference in ["oci://baseline:1", "oci://library/baseline:1", "baseline:1"] {
        setup
            .pull_command("bundle", reference, "x.bundle", "k")
            .assert()
            .code(1)
            .stderr(predicate::str::contains("REGISTRY"));
    }
    assert!(!setup.path("x.bundle").exists());
}

#[test]
fn a_vendors_record_verifies_against_the_bundle_the_buyer_pulled() {
    let Some(registry) = Registry::start(false) else {
        return;
    };
    let setup = Setup::new();
    setup
        .assure()
        .args(["key", "generate", "--out"])
        .arg(setup.path("vendor"))
        .assert()
        .success();
    let reference = registry.reference("assure/baseline:2026.12");
    setup.push("nhs.bundle", &reference).success();

    // The vendor's CI: checks against the national bundle straight from the
    // registry and publishes the signed record.
    setup
        .assure()
        .args(["check", "--as-of", AS_OF, "--bundle", &reference, "--trust"])
        .arg(setup.path("alice.pub"))
        .arg("--attest")
        .arg(setup.path("record.dsse.json"))
        .arg("--key")
        .arg(setup.path("vendor.key"))
        .arg(root().join("examples/approved"))
        .assert()
        .success();

    // The buyer pulls the same bundle, reads its digest, and verifies the record.
    let pulled = setup.pull(&reference, "buyer.bundle", "alice").success();
    let text = String::from_utf8_lossy(&pulled.get_output().stdout).into_owned();
    let digest = text
        .split_whitespace()
        .find_map(|w| w.strip_prefix("sha256:").map(|d| d.trim_end_matches(',')))
        .unwrap()
        .to_owned();
    let verify = |digest: &str| {
        setup
            .assure()
            .arg("verify")
            .arg(setup.path("record.dsse.json"))
            .arg("--trust")
            .arg(setup.path("vendor.pub"))
            .arg("--submission")
            .arg(root().join("examples/approved"))
            .args(["--bundle-digest", digest])
            .assert()
    };
    verify(&format!("sha256:{digest}"))
        .success()
        .stdout(predicate::str::contains("verdict   approve"))
        .stdout(predicate::str::contains(format!(
            "same      bundle sha256:{digest}"
        )));

    // Against another bundle (the built-in baseline): refused, naming both.
    let builtin = setup
        .assure()
        .args(["check", "--format", "json", "--as-of", AS_OF])
        .arg(root().join("examples/approved"))
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&builtin.get_output().stdout).unwrap();
    let other = json["bundle"]["digest"].as_str().unwrap().to_owned();
    assert_ne!(other, digest);
    verify(&other)
        .code(4)
        .stderr(predicate::str::contains(format!(
            "not the bundle you trust (sha256:{other})"
        )));
    // Made by another version of assure than the buyer expects.
    setup
        .assure()
        .arg("verify")
        .arg(setup.path("record.dsse.json"))
        .arg("--trust")
        .arg(setup.path("vendor.pub"))
        .args(["--bundle-digest", &digest, "--engine-version", "0.0.1"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("not assure 0.0.1"));
    verify("sha256:abc").code(1);
}
