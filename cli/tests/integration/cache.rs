//! The compiled-code cache as a user meets it: `--cache-dir`,
//! `ASSURE_CACHE_DIR`, `--no-cache`. Each test names what it guards.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("examples")
        .join(name)
}

/// `assure` with every default cache location pointed into `home`.
fn assure(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("assure").unwrap();
    cmd.env("NO_COLOR", "1")
        .env("HOME", home)
        .env("XDG_CACHE_HOME", home.join("xdg"))
        .env_remove("ASSURE_CACHE_DIR");
    cmd
}

#[test]
fn no_cache_writes_nothing() {
    let home = tempfile::tempdir().unwrap();
    assure(home.path())
        .env("ASSURE_CACHE_DIR", home.path().join("cache"))
        .args(["check", "--no-cache"])
        .arg(example("needs-evidence"))
        .args(["--as-of", "2025-09-22T00:00:00Z"])
        .assert()
        .code(3);
    assert!(
        std::fs::read_dir(home.path()).unwrap().next().is_none(),
        "nothing written under the home directory"
    );
}

#[test]
fn the_second_run_reads_compiled_code_from_the_cache() {
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join("cache");
    let run = || {
        assure(home.path())
            .args(["check", "--timings", "--cache-dir"])
            .arg(&cache)
            .arg(example("needs-evidence"))
            .args(["--as-of", "2025-09-22T00:00:00Z"])
            .assert()
            .code(3)
    };
    run()
        .stderr(predicate::str::contains("load plugin cyclonedx (compiled)"))
        .stderr(predicate::str::contains("(from the code cache)").not());
    run()
        .stderr(predicate::str::contains(
            "load plugin cyclonedx (from the code cache)",
        ))
        .stderr(predicate::str::contains("(compiled)").not());
}

#[test]
fn the_default_cache_is_under_xdg_cache_home_and_private() {
    let home = tempfile::tempdir().unwrap();
    assure(home.path())
        .arg("check")
        .arg(example("needs-evidence"))
        .args(["--as-of", "2025-09-22T00:00:00Z"])
        .assert()
        .code(3);
    let cache = home.path().join("xdg").join("assure");
    assert!(cache.join("wasmtime").is_dir(), "{}", cache.display());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&cache).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }
}

#[cfg(unix)]
#[test]
fn a_cache_directory_others_may_write_to_is_refused_and_the_check_still_runs() {
    use std::os::unix::fs::PermissionsExt as _;
    let home = tempfile::tempdir().unwrap();
    let open = home.path().join("open");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
    assure(home.path())
        .args(["check", "--cache-dir"])
        .arg(&open)
        .arg(example("needs-evidence"))
        .args(["--as-of", "2025-09-22T00:00:00Z"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("other users may write to it"));
    assert!(std::fs::read_dir(&open).unwrap().next().is_none());
}
