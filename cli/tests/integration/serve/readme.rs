//! README "A portfolio service": its commands, run as written, in a fresh
//! folder (only the port differs: `ASSURE_LISTEN` picks a free one).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::common;

/// The shell commands of the README section's code blocks, one per
/// command (continuation lines joined, comments dropped).
fn commands() -> Vec<String> {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let section = readme
        .split("### A portfolio service: `assure serve`")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    let mut commands = Vec::new();
    let mut current = String::new();
    let mut in_block = false;
    for line in section.lines() {
        if line.starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if !in_block {
            continue;
        }
        let line = line.split("   #").next().unwrap().trim_end();
        if let Some(head) = line.strip_suffix('\\') {
            current.push_str(head);
            continue;
        }
        current.push_str(line);
        commands.push(std::mem::take(&mut current).trim().to_owned());
    }
    commands
}

#[test]
fn readme_serve_commands_work_as_shown() {
    let commands = commands();
    assert_eq!(commands.len(), 4, "{commands:?}");
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(common::root().join("examples"), dir.path().join("examples"))
        .unwrap();
    let bin = assert_cmd::cargo::cargo_bin("assure");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let sh = |command: &str| {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", command])
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("ASSURE_CACHE_DIR", common::test_cache())
            .env("ASSURE_LISTEN", "127.0.0.1:0")
            .env("ASSURE_LOG", "warn");
        cmd
    };
    // assure serve token new --role procurement > token.txt
    assert!(sh(&commands[0]).status().unwrap().success());
    assert!(
        std::fs::read_to_string(dir.path().join("token.txt"))
            .unwrap()
            .starts_with("assure_")
    );
    // assure serve
    assert_eq!(commands[1], "assure serve");
    // `exec`, so that stopping the shell stops the server.
    let mut server = sh(&format!("exec {}", commands[1]))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let address = first.trim().rsplit("http://").next().unwrap().to_owned();
    assert!(
        dir.path().join("assure.db").exists(),
        "the default database is ./assure.db"
    );
    // tar czf …, then curl … (at the port it listens on).
    assert!(sh(&commands[2]).status().unwrap().success());
    let curl = commands[3].replace("127.0.0.1:8080", &address);
    let out = sh(&curl).output().unwrap();
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let body: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(body["id"].as_str().unwrap().starts_with("d-"), "{body}");
    assert!(["approve", "reject", "needs-evidence"].contains(&body["verdict"].as_str().unwrap()));
}
