//! Embeds the built-in bundle: `policies/nhs-baseline/` and the plugins in
//! `plugins/dist/`, with the digest of the file list pinned at build time.

#![expect(
    clippy::disallowed_macros,
    reason = "a build script talks to cargo by printing"
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let root = manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let policies = root.join("policies").join("nhs-baseline");
    let dist = root.join("plugins").join("dist");

    // Bundle path -> file on disk.
    let mut files: BTreeMap<String, PathBuf> = BTreeMap::new();
    collect(&policies, &policies, "", &mut files);
    collect(&dist, &dist, "plugins/", &mut files);
    files.retain(|path, _| !path.starts_with("tests/") && !path.ends_with(".md"));

    let mut digests = BTreeMap::new();
    let mut out = String::from(
        "/// Each file of the built-in bundle: its path in the bundle and its bytes.\n",
    );
    out.push_str("pub(crate) static FILES: &[(&str, &[u8])] = &[\n");
    for (path, disk) in &files {
        let bytes = std::fs::read(disk)
            .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", disk.display())));
        digests.insert(path.clone(), hex::encode(Sha256::digest(&bytes)));
        let _ = writeln!(
            out,
            "    ({path:?}, include_bytes!({:?})),",
            disk.display().to_string()
        );
        println!("cargo::rerun-if-changed={}", disk.display());
    }
    out.push_str("];\n");
    let mut hasher = Sha256::new();
    for (path, sha) in &digests {
        hasher.update(path.as_bytes());
        hasher.update(b"\0");
        hasher.update(sha.as_bytes());
        hasher.update(b"\n");
    }
    let digest = hex::encode(hasher.finalize());
    let _ = writeln!(
        out,
        "/// The digest of the built-in bundle's file list, pinned when this binary was built.\npub(crate) const DIGEST: &str = {digest:?};"
    );
    println!("cargo::rerun-if-changed={}", policies.display());
    println!("cargo::rerun-if-changed={}", dist.display());
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    std::fs::write(out_dir.join("builtin_bundle.rs"), out)
        .unwrap_or_else(|e| fail(&format!("cannot write the built-in bundle: {e}")));
}

fn collect(base: &Path, dir: &Path, prefix: &str, out: &mut BTreeMap<String, PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(base, &path, prefix, out);
        } else if let Ok(rel) = path.strip_prefix(base) {
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.insert(format!("{prefix}{}", rel.join("/")), path);
        }
    }
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}
