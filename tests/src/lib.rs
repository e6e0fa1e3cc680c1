//! Support for assure's end-to-end tests: paths, a shared engine, bundles
//! with a chosen plugin, and the hostile-plugin corpus.

pub mod fuzzing;
pub mod hostile;
pub mod lies;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assure_engine::{
    Bundle, CheckOptions, Decision, Engine, LoadOptions, Submission, TrustedBundle,
};

/// The repository root.
pub fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map_or_else(|| manifest.to_path_buf(), Path::to_path_buf)
}

/// An example submission's folder.
pub fn example(name: &str) -> PathBuf {
    root().join("examples").join(name)
}

/// The evaluation time every test uses.
pub fn as_of() -> CheckOptions {
    CheckOptions::at(
        "2025-09-22T00:00:00Z"
            .parse()
            .unwrap_or(assure_engine::jiff::Timestamp::UNIX_EPOCH),
    )
}

/// One engine with the built-in bundle for the whole test process, so each
/// plugin is compiled once.
pub fn builtin_engine() -> Result<&'static Engine, String> {
    static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let bundle = TrustedBundle::builtin().map_err(|e| e.to_string())?;
            Engine::new(bundle).map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// The built-in bundle's files with the CycloneDX plugin replaced by
/// `plugin`: the same policies, routed to a plugin under test, trusted as
/// the test's own.
pub fn bundle_with_cyclonedx_plugin(plugin: Vec<u8>) -> Result<TrustedBundle, String> {
    let builtin = TrustedBundle::builtin().map_err(|e| e.to_string())?;
    let mut files: BTreeMap<String, Vec<u8>> = builtin_files()?;
    files.insert("plugins/cyclonedx.wasm".to_owned(), plugin);
    let bundle = Bundle::from_files("test bundle", files).map_err(|e| e.to_string())?;
    assert_eq!(bundle.rules.len(), builtin.rules.len());
    // The test's own bundle.
    Ok(TrustedBundle::authors_own(bundle))
}

/// The built-in bundle's files, read from the source tree the way the
/// engine's build script embeds them: `policies/nhs-baseline/` (without its
/// `tests/` and Markdown) and every plugin in `plugins/dist/`.
pub fn builtin_files() -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut files = BTreeMap::new();
    let policies = root().join("policies").join("nhs-baseline");
    collect(&policies, &policies, "", &mut files)?;
    let dist = root().join("plugins").join("dist");
    collect(&dist, &dist, "plugins/", &mut files)?;
    files.retain(|path, _| !path.starts_with("tests/") && !path.ends_with(".md"));
    Ok(files)
}

fn collect(
    base: &Path,
    dir: &Path,
    prefix: &str,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), String> {
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            collect(base, &path, prefix, files)?;
        } else if path.is_file() {
            let relative = path
                .strip_prefix(base)
                .map_err(|e| e.to_string())?
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.insert(
                format!("{prefix}{relative}"),
                std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?,
            );
        }
    }
    Ok(())
}

/// The decision's only document error, which must be about `document`: its
/// kind and message. Panics (the test fails) otherwise.
#[expect(clippy::panic, reason = "a test helper: a mismatch fails the test")]
pub fn sole_document_error(decision: &Decision, document: &str) -> (&'static str, String) {
    match decision.document_errors.as_slice() {
        [e] if e.document == document => (e.kind.as_str(), e.message.clone()),
        errors => panic!("expected one error, for {document}: {errors:#?}"),
    }
}

/// Checks a submission folder with an engine.
pub fn check(engine: &Engine, folder: &Path) -> Result<Decision, String> {
    let submission =
        Submission::load(folder, &LoadOptions::default()).map_err(|e| e.to_string())?;
    engine
        .check(&submission, &as_of())
        .map(|(d, _)| d)
        .map_err(|e| e.to_string())
}
