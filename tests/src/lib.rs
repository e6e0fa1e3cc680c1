//! Support for assure's end-to-end tests: paths, a shared engine, bundles
//! with a chosen plugin, and the hostile-plugin corpus.

pub mod hostile;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assure_engine::{Bundle, CheckOptions, Decision, Engine, Limits, LoadOptions, Submission};

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
    CheckOptions {
        as_of: "2026-11-28T00:00:00Z"
            .parse()
            .unwrap_or(assure_engine::jiff::Timestamp::UNIX_EPOCH),
    }
}

/// One engine with the built-in bundle for the whole test process, so each
/// plugin is compiled once.
pub fn builtin_engine() -> Result<&'static Engine, String> {
    static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let bundle = Bundle::builtin().map_err(|e| e.to_string())?;
            Engine::new(bundle, Limits::default()).map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// The built-in bundle's files with the CycloneDX plugin replaced by
/// `plugin`: the same policies, routed to a plugin under test.
pub fn bundle_with_cyclonedx_plugin(plugin: Vec<u8>) -> Result<Bundle, String> {
    let builtin = Bundle::builtin().map_err(|e| e.to_string())?;
    let mut files: BTreeMap<String, Vec<u8>> = builtin_files()?;
    files.insert("plugins/cyclonedx.wasm".to_owned(), plugin);
    let bundle = Bundle::from_files("test bundle", files).map_err(|e| e.to_string())?;
    assert_eq!(bundle.rules.len(), builtin.rules.len());
    Ok(bundle)
}

/// The built-in bundle's files, read from the source tree.
pub fn builtin_files() -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut files = BTreeMap::new();
    let policies = root().join("policies").join("nhs-baseline");
    for entry in std::fs::read_dir(&policies).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        if entry.path().is_file() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".md") {
                files.insert(
                    name,
                    std::fs::read(entry.path()).map_err(|e| e.to_string())?,
                );
            }
        }
    }
    let dist = root().join("plugins").join("dist").join("cyclonedx.wasm");
    files.insert(
        "plugins/cyclonedx.wasm".to_owned(),
        std::fs::read(dist).map_err(|e| e.to_string())?,
    );
    Ok(files)
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
