//! What every CLI test file needs: where the repository and its examples
//! are, and the `assure` command as a test runs it.

#![allow(
    dead_code,
    clippy::unwrap_used,
    reason = "each test file uses some of these; a test helper fails the test on error"
)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// An example submission's folder.
pub fn example(name: &str) -> PathBuf {
    root().join("examples").join(name)
}

/// The compiled-code cache the tests use, in the target directory.
pub fn test_cache() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("assure-cache")
}

/// The `assure` binary, without colour, and never with the user's own
/// compiled-code cache.
pub fn assure() -> Command {
    let mut cmd = Command::cargo_bin("assure").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd.env("ASSURE_CACHE_DIR", test_cache());
    cmd
}

/// A copy of an example submission in a temporary folder.
pub fn copy_example(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(example(name)).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

/// Copies a folder and everything in it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
