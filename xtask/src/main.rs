//! Project automation.
//!
//! `cargo xtask plugins` rebuilds every plugin under `plugins/` into a
//! WebAssembly component in `plugins/dist/`. `cargo xtask plugins --check`
//! rebuilds them and fails if any byte differs from what is committed: the
//! committed binaries are reproducible from source.
//!
//! `cargo xtask dist --key KEY.pem` builds the `assure` binary reproducibly and
//! writes the signed release artefacts ([`dist`], docs/RELEASE.md).
//!
//! Reproducibility: the guest crates are built for `wasm32-unknown-unknown`
//! with the pinned toolchain, the `plugin` profile (one codegen unit, LTO,
//! stripped, `panic = "abort"`), in their own target folder, with the
//! workspace and cargo-home paths remapped so that no machine path ends up in
//! the binary; the core module is then encoded as a component with
//! `wit-component`. The result imports nothing.

#![expect(
    clippy::disallowed_macros,
    reason = "a command-line program: it prints"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use sha2::{Digest, Sha256};

mod dist;

/// The usage text.
fn usage() -> String {
    format!(
        "usage: cargo xtask plugins [--check]\n       {}",
        dist::USAGE
    )
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("plugins") => plugins(args.iter().any(|a| a == "--check")),
        Some("dist") => dist::run(args.get(1..).unwrap_or_default(), &workspace_root()),
        _ => Err(usage()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Where cargo keeps its registry: remapped out of reproducible builds.
fn cargo_home() -> Result<PathBuf, String> {
    std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|_| std::env::var("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map_err(|_| "neither CARGO_HOME nor HOME is set".to_owned())
}

fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

/// The plugin crates: every folder under `plugins/` with a Cargo.toml,
/// except the SDK.
fn plugin_crates(root: &Path) -> Result<Vec<String>, String> {
    let dir = root.join("plugins");
    let mut names = Vec::new();
    for entry in
        std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?
    {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name != "sdk" && entry.path().join("Cargo.toml").is_file() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

fn plugins(check: bool) -> Result<(), String> {
    let root = workspace_root();
    let names = plugin_crates(&root)?;
    let target = root.join("target").join("plugins");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let cargo_home = cargo_home()?;
    let rustflags = format!(
        "--remap-path-prefix={}=/assure --remap-path-prefix={}=/cargo -C debuginfo=0",
        root.display(),
        cargo_home.display()
    );
    let mut command = Command::new(&cargo);
    command
        .current_dir(&root)
        .args([
            "build",
            "--locked",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "plugin",
        ])
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTFLAGS", &rustflags)
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env("SOURCE_DATE_EPOCH", "0");
    for name in &names {
        command.args(["--package", &format!("assure-plugin-{name}")]);
    }
    let status = command
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("building the plugins failed".to_owned());
    }

    let dist = root.join("plugins").join("dist");
    std::fs::create_dir_all(&dist).map_err(|e| format!("cannot create {}: {e}", dist.display()))?;
    let mut differ = Vec::new();
    for name in &names {
        let module_path = target
            .join("wasm32-unknown-unknown")
            .join("plugin")
            .join(format!("assure_plugin_{}.wasm", name.replace('-', "_")));
        let module = std::fs::read(&module_path)
            .map_err(|e| format!("cannot read {}: {e}", module_path.display()))?;
        let component = wit_component::ComponentEncoder::default()
            .module(&module)
            .and_then(|encoder| encoder.validate(true).encode())
            .map_err(|e| format!("cannot encode plugin `{name}` as a component: {e:#}"))?;
        let out = dist.join(format!("{name}.wasm"));
        let digest = hex::encode(Sha256::digest(&component));
        if check {
            let committed = std::fs::read(&out).unwrap_or_default();
            if committed == component {
                println!("{name}: reproducible ({digest})");
            } else {
                println!(
                    "{name}: DIFFERS: committed {} bytes ({}), rebuilt {} bytes ({digest})",
                    committed.len(),
                    hex::encode(Sha256::digest(&committed)),
                    component.len()
                );
                differ.push(name.clone());
            }
        } else {
            std::fs::write(&out, &component)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            println!(
                "{name}: {} bytes, sha256 {digest} -> plugins/dist/{name}.wasm",
                component.len()
            );
        }
    }
    if differ.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "plugin(s) {} differ from the committed binaries; run `cargo xtask plugins` and commit plugins/dist/",
            differ.join(", ")
        ))
    }
}
