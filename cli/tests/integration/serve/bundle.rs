//! A published bundle served with, and never rolled back: the database
//! remembers the newest version any process decided with.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::harness::{AS_OF, Client, Database, Server, json, tar_gz, token};
use crate::common;

/// The baseline's source as version `version`, built and signed by `key`.
fn published(dir: &Path, key: &Path, version: u64) -> PathBuf {
    let source = dir.join(format!("source-{version}"));
    common::copy_dir(&common::root().join("policies/nhs-baseline"), &source);
    let toml = std::fs::read_to_string(source.join("bundle.toml")).unwrap();
    let toml = toml.replacen("version = 1\n", &format!("version = {version}\n"), 1);
    std::fs::write(source.join("bundle.toml"), toml).unwrap();
    let bundle = dir.join(format!("v{version}.bundle"));
    common::assure()
        .args(["bundle", "build"])
        .arg(&source)
        .arg("-o")
        .arg(&bundle)
        .arg("--plugin-key")
        .arg(key)
        .args([
            "--created",
            "2025-09-01T00:00:00Z",
            "--expires",
            "2027-12-01T00:00:00Z",
        ])
        .assert()
        .success();
    common::assure()
        .args(["bundle", "sign", "--key"])
        .arg(key)
        .arg(&bundle)
        .assert()
        .success();
    bundle
}

#[test]
fn a_published_bundle_is_decided_with_and_never_rolled_back() {
    let dir = tempfile::tempdir().unwrap();
    let publisher = dir.path().join("publisher");
    common::assure()
        .args(["key", "generate", "--out"])
        .arg(&publisher)
        .assert()
        .success();
    let key = publisher.with_extension("key");
    let public = publisher.with_extension("pub");
    let newer = published(dir.path(), &key, 7);
    let older = published(dir.path(), &key, 6);
    let db = Database::sqlite();
    let args = |bundle: &Path, state: &str| -> Vec<std::ffi::OsString> {
        vec![
            "--bundle".into(),
            bundle.into(),
            "--trust".into(),
            public.clone().into(),
            "--state".into(),
            dir.path().join(state).into(),
        ]
    };
    {
        let with_newer = args(&newer, "state-a.json");
        let refs: Vec<&OsStr> = with_newer.iter().map(|a| a.as_os_str()).collect();
        let server = Server::start_with(&db, &refs);
        let client = Client::new(Some(&token(&db, "procurement", None)));
        let body = json(
            client.upload(&server, tar_gz(&common::example("approved"))),
            201,
        );
        let decision = json(
            client.get(&server.url(body["links"]["self"].as_str().unwrap())),
            200,
        );
        assert_eq!(decision["bundle"]["version"], 7, "{}", decision["bundle"]);
    }
    // Another process (its own, empty anti-rollback state) with the older
    // version: the service's log says v7 was used, so it will not start.
    let out = common::assure()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--as-of",
            AS_OF,
            "--database",
            &db.url,
        ])
        .arg("--key")
        .arg(db.key())
        .args(args(&older, "state-b.json"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("older than v7"), "{stderr}");
    // Without `--trust`, a published bundle is never used.
    let out = common::assure()
        .args(["serve", "--listen", "127.0.0.1:0", "--database", &db.url])
        .arg("--bundle")
        .arg(&newer)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
