//! The fast path: compiled plugin code cached on disk, and plugin calls run
//! in parallel. Each test names what it guards.

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::path::{Path, PathBuf};

use assure_engine::codecache::CodeStats;
use assure_engine::{CheckOptions, CodeCache, Engine, LoadOptions, Submission, TrustedBundle};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn options() -> CheckOptions {
    CheckOptions::at("2025-09-22T00:00:00Z".parse().unwrap())
}

fn engine(cache: Option<&Path>) -> Engine {
    engine_on(cache, 0)
}

/// An engine making at most `threads` plugin calls at once (0: one per core).
fn engine_on(cache: Option<&Path>, threads: usize) -> Engine {
    let cache = cache.map(|dir| CodeCache::open(dir).unwrap());
    let mut builder = Engine::builder(TrustedBundle::builtin().unwrap()).code_cache(cache);
    if threads > 0 {
        builder = builder.threads(threads);
    }
    builder.build().unwrap()
}

/// The decision JSON for a submission folder (relative to the repository).
fn decide(engine: &Engine, folder: &str) -> String {
    let submission = Submission::load(&root().join(folder), &LoadOptions::default()).unwrap();
    engine.check(&submission, &options()).unwrap().0.to_json()
}

/// Every entry wasmtime wrote (not its `.stats` files or temporaries).
fn entries(cache: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for version in std::fs::read_dir(cache.join("wasmtime/modules")).unwrap() {
        for entry in std::fs::read_dir(version.unwrap().path()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none() {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn a_second_engine_over_the_same_cache_compiles_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");

    let first = engine(Some(&cache));
    let cold = decide(&first, "examples/approved");
    let used = first.host().code_stats().compiled;
    assert!(used >= 5, "{:?}", first.host().code_stats());
    assert_eq!(first.host().code_stats().from_cache, 0);
    assert_eq!(entries(&cache).len(), used, "one entry per plugin compiled");

    let second = engine(Some(&cache));
    let warm = decide(&second, "examples/approved");
    assert_eq!(
        second.host().code_stats(),
        CodeStats {
            compiled: 0,
            from_cache: used,
            discarded: 0
        }
    );
    assert_eq!(cold, warm, "the same decision from cached code");
}

#[test]
fn only_the_plugins_a_submission_needs_are_compiled() {
    // needs-evidence holds an SBOM and a security.txt: two plugins of eleven.
    let engine = engine(None);
    decide(&engine, "examples/needs-evidence");
    assert_eq!(engine.host().code_stats().compiled, 2);
}

#[test]
fn a_corrupt_cache_entry_is_discarded_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let expected = decide(&engine(Some(&cache)), "examples/approved");
    let written = entries(&cache);

    // One entry with a byte flipped in its middle (still a well-formed zstd
    // frame, possibly), one truncated, one replaced by garbage.
    let flip = &written[0];
    let mut bytes = std::fs::read(flip).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(flip, &bytes).unwrap();
    let truncate = &written[1];
    let bytes = std::fs::read(truncate).unwrap();
    std::fs::write(truncate, &bytes[..bytes.len() / 3]).unwrap();
    std::fs::write(&written[2], b"not compiled code").unwrap();

    let engine = engine(Some(&cache));
    assert_eq!(decide(&engine, "examples/approved"), expected);
    let stats = engine.host().code_stats();
    assert_eq!(stats.discarded, 3, "{stats:?}");
    assert_eq!(stats.compiled, 3, "{stats:?}");
    assert_eq!(stats.from_cache, written.len() - 3, "{stats:?}");

    // Rebuilt: the next engine reads all of them from the cache again.
    let again = self::engine(Some(&cache));
    assert_eq!(decide(&again, "examples/approved"), expected);
    assert_eq!(again.host().code_stats().compiled, 0);
    assert_eq!(again.host().code_stats().from_cache, written.len());
}

#[test]
fn an_entry_without_an_integrity_record_is_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    decide(&engine(Some(&cache)), "examples/needs-evidence");
    for record in std::fs::read_dir(cache.join("integrity")).unwrap() {
        std::fs::remove_file(record.unwrap().path()).unwrap();
    }
    let engine = engine(Some(&cache));
    decide(&engine, "examples/needs-evidence");
    assert_eq!(engine.host().code_stats().discarded, 2);
    assert_eq!(engine.host().code_stats().compiled, 2);
}

#[cfg(unix)]
#[test]
fn the_cache_directory_is_created_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("new").join("cache");
    CodeCache::open(&cache).unwrap();
    for created in [
        dir.path().join("new"),
        cache.clone(),
        cache.join("wasmtime"),
    ] {
        let mode = std::fs::metadata(&created).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{}", created.display());
    }
}

#[cfg(unix)]
#[test]
fn a_cache_directory_others_may_write_to_is_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let open = dir.path().join("open");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
    let error = CodeCache::open(&open).unwrap_err().to_string();
    assert!(error.contains("other users may write to it"), "{error}");
    assert!(
        std::fs::read_dir(&open).unwrap().next().is_none(),
        "nothing written"
    );
}

#[test]
fn parallel_extraction_gives_the_same_decision_bytes_as_sequential() {
    let one = engine_on(None, 1);
    let four = engine_on(None, 4);
    for folder in [
        "examples/approved",
        "examples/rejected",
        "examples/needs-evidence",
        "tests/fixtures/every-format",
    ] {
        let sequential = decide(&one, folder);
        for _ in 0..3 {
            assert_eq!(sequential, decide(&four, folder), "{folder}");
        }
    }
}
