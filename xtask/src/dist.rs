//! `cargo xtask dist`: signed, reproducible release artefacts.
//!
//! Writes, for `assure {version}` on `{target}`:
//!
//! * `assure-{version}-{target}.tar.gz`, a deterministic archive of the binary, the
//!   README and the licence ([`archive`]);
//! * `assure-{version}-{target}.cdx.json`, the committed CycloneDX SBOM of the binary;
//! * `assure-{version}-{target}.intoto.json`, a DSSE envelope over an in-toto Statement v1
//!   with SLSA Provenance v1 whose subjects are the archive and the SBOM
//!   ([`provenance`]);
//! * `SHA256SUMS` of the three.
//!
//! Without `--binary` the binary is built here, reproducibly: its own target folder, the
//! workspace and cargo-home paths remapped, no debug info, symbols stripped,
//! `SOURCE_DATE_EPOCH` from the last commit. Everything written is a function of the
//! inputs only: the same binary, sources and key give byte-identical files.

mod archive;
mod provenance;

use std::path::{Path, PathBuf};
use std::process::Command;

use assure_trust::dsse::{self, Envelope};
use assure_trust::keys::PrivateKey;
use sha2::{Digest as _, Sha256};

use provenance::{Build, Provenance, Resource};

/// The usage line of `cargo xtask dist`.
pub const USAGE: &str =
    "cargo xtask dist --key KEY.pem [--out DIR] [--binary PATH] [--target TRIPLE]";

/// The package whose binary is released, and the binary's name.
const PACKAGE: &str = "assure-cli";
const BINARY: &str = "assure";

/// The command line of `cargo xtask dist`.
#[derive(Debug, Default)]
struct Options {
    key: Option<PathBuf>,
    out: Option<PathBuf>,
    binary: Option<PathBuf>,
    target: Option<String>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| rest.next().cloned())
                .ok_or_else(|| format!("`{flag}` needs a value\nusage: {USAGE}"))
        };
        match flag {
            "--key" => options.key = Some(PathBuf::from(value()?)),
            "--out" => options.out = Some(PathBuf::from(value()?)),
            "--binary" => options.binary = Some(PathBuf::from(value()?)),
            "--target" => options.target = Some(value()?),
            other => return Err(format!("unexpected argument `{other}`\nusage: {USAGE}")),
        }
    }
    Ok(options)
}

/// Runs `cargo xtask dist` with the arguments after `dist`.
pub fn run(args: &[String], root: &Path) -> Result<(), String> {
    let options = parse(args)?;
    let key_path = options
        .key
        .ok_or_else(|| format!("`--key` is required\nusage: {USAGE}"))?;
    // Read the key first: a bad key should not cost a fifteen-minute build.
    let key = PrivateKey::read_pem_file(&key_path)
        .map_err(|e| format!("cannot use the signing key: {e}"))?;

    let version = package_version(root)?;
    let host = rustc_version(root)?;
    let target = options.target.unwrap_or_else(|| host.host.clone());
    if !is_safe_name(&target) {
        return Err(format!("`{target}` is not a target triple"));
    }
    let epoch = source_date_epoch(root)?;
    let commit = git(root, &["rev-parse", "HEAD"]);
    let dirty = git(root, &["status", "--porcelain", "--untracked-files=no"])
        .is_some_and(|status| !status.is_empty());
    if dirty {
        eprintln!("warning: the work tree has uncommitted changes; the provenance says so");
    }

    let (binary_path, build) = match options.binary {
        Some(path) => (path, None),
        None => {
            let build = build_binary(root, &target, epoch)?;
            (build.0, Some(build.1))
        }
    };
    let binary = std::fs::read(&binary_path)
        .map_err(|e| format!("cannot read the binary {}: {e}", binary_path.display()))?;

    let stem = format!("{BINARY}-{version}-{target}");
    let mut files = vec![archive::File {
        name: BINARY.to_owned(),
        bytes: binary.clone(),
        executable: true,
    }];
    for name in ["LICENSE", "README.md"] {
        let path = root.join(name);
        if path.is_file() {
            let bytes =
                std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            files.push(archive::File {
                name: name.to_owned(),
                bytes,
                executable: false,
            });
        }
    }
    let tarball = archive::tar_gz(&stem, files, epoch)
        .map_err(|e| format!("cannot write the archive: {e}"))?;
    let sbom_path = root.join("sbom").join("assure.cdx.json");
    let sbom = std::fs::read(&sbom_path)
        .map_err(|e| format!("cannot read the SBOM {}: {e}", sbom_path.display()))?;
    let lock_path = root.join("Cargo.lock");
    let lock = std::fs::read(&lock_path)
        .map_err(|e| format!("cannot read {}: {e}", lock_path.display()))?;

    let archive_name = format!("{stem}.tar.gz");
    let sbom_name = format!("{stem}.cdx.json");
    let envelope_name = format!("{stem}.intoto.json");
    let statement = provenance::statement(&Provenance {
        subjects: vec![
            Resource::new(&archive_name, &tarball),
            Resource::new(&sbom_name, &sbom),
        ],
        binary: Resource::new(BINARY, &binary),
        package: PACKAGE,
        version: &version,
        target: &target,
        commit: commit.as_deref(),
        dirty,
        cargo_lock_sha256: sha256_hex(&lock),
        source_date_epoch: epoch,
        build: build.as_ref(),
        builder_id: std::env::var("ASSURE_DIST_BUILDER_ID").ok(),
    });
    let mut envelope = Envelope::new(provenance::PAYLOAD_TYPE, &statement);
    dsse::sign(&mut envelope, &key);
    let envelope = envelope.to_json();

    let out = options
        .out
        .unwrap_or_else(|| root.join("target").join("dist"));
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut artefacts = [
        (archive_name, tarball),
        (sbom_name, sbom),
        (envelope_name, envelope),
    ];
    artefacts.sort_by(|a, b| a.0.cmp(&b.0));
    let mut sums = String::new();
    for (name, bytes) in &artefacts {
        let digest = sha256_hex(bytes);
        write_file(&out.join(name), bytes)?;
        println!(
            "wrote {} ({} bytes, sha256 {digest})",
            out.join(name).display(),
            bytes.len()
        );
        sums.push_str(&format!("{digest}  {name}\n"));
    }
    write_file(&out.join("SHA256SUMS"), sums.as_bytes())?;
    println!("wrote {}", out.join("SHA256SUMS").display());
    println!(
        "signed by key {} (binary sha256 {}, SOURCE_DATE_EPOCH {epoch})",
        key.key_id(),
        sha256_hex(&binary)
    );
    Ok(())
}

/// Lowercase hex SHA-256.
fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Writes through a temporary file and a rename, so that a reader never sees half a file.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".partial");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, bytes)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Letters, digits, `.`, `_`, `-`: what may go into a file name.
fn is_safe_name(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with('.')
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// The released package's version (`cli/Cargo.toml`, or the workspace's when inherited).
fn package_version(root: &Path) -> Result<String, String> {
    let read = |path: PathBuf| -> Result<toml::Table, String> {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        text.parse::<toml::Table>()
            .map_err(|e| format!("cannot parse {}: {e}", path.display()))
    };
    let cli = read(root.join("cli").join("Cargo.toml"))?;
    let version = cli.get("package").and_then(|p| p.get("version"));
    let version = match version {
        Some(toml::Value::String(v)) => v.clone(),
        Some(toml::Value::Table(t)) if t.get("workspace") == Some(&toml::Value::Boolean(true)) => {
            read(root.join("Cargo.toml"))?
                .get("workspace")
                .and_then(|w| w.get("package"))
                .and_then(|p| p.get("version"))
                .and_then(toml::Value::as_str)
                .ok_or("the workspace Cargo.toml has no [workspace.package] version")?
                .to_owned()
        }
        _ => return Err("cli/Cargo.toml has no package version".to_owned()),
    };
    if is_safe_name(&version) {
        Ok(version)
    } else {
        Err(format!(
            "the version `{version}` cannot be part of a file name"
        ))
    }
}

/// What `rustc -vV` says, run in the workspace so that the pinned toolchain answers.
pub(crate) struct RustcVersion {
    /// The whole output.
    pub verbose: String,
    /// The `release:` line.
    pub release: String,
    /// The `commit-hash:` line.
    pub commit_hash: String,
    /// The `host:` line.
    pub host: String,
}

fn rustc_version(root: &Path) -> Result<RustcVersion, String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let output = Command::new(&rustc)
        .current_dir(root)
        .arg("-vV")
        .output()
        .map_err(|e| format!("cannot run `{rustc} -vV`: {e}"))?;
    if !output.status.success() {
        return Err(format!("`{rustc} -vV` failed"));
    }
    let verbose = String::from_utf8_lossy(&output.stdout).into_owned();
    let field = |name: &str| {
        verbose
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let version = RustcVersion {
        release: field("release:"),
        commit_hash: field("commit-hash:"),
        host: field("host:"),
        verbose: verbose.clone(),
    };
    if version.host.is_empty() {
        return Err(format!("`{rustc} -vV` names no host"));
    }
    Ok(version)
}

/// `git ARGS` in the workspace, trimmed; `None` when git or the repository is missing.
fn git(root: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .current_dir(root)
        .args(args)
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// `SOURCE_DATE_EPOCH` if set (the reproducible-builds convention), else the last
/// commit's time, else 0.
fn source_date_epoch(root: &Path) -> Result<u64, String> {
    if let Ok(value) = std::env::var("SOURCE_DATE_EPOCH") {
        return value
            .trim()
            .parse()
            .map_err(|_| format!("SOURCE_DATE_EPOCH `{value}` is not a number of seconds"));
    }
    Ok(git(root, &["log", "-1", "--format=%ct"])
        .and_then(|t| t.parse().ok())
        .unwrap_or(0))
}

/// The RUSTFLAGS of a release build, with the machine's paths. The provenance records
/// them with the paths replaced by `<workspace>` and `<cargo-home>`.
fn rustflags(root: &str, cargo_home: &str) -> String {
    format!(
        "--remap-path-prefix={root}=/assure --remap-path-prefix={cargo_home}=/cargo \
         -C debuginfo=0 -C strip=symbols"
    )
}

/// A variable cargo sets for the program it runs, describing that program's package.
fn is_package_variable(name: &str) -> bool {
    name.starts_with("CARGO_PKG_")
        || [
            "CARGO_MANIFEST_DIR",
            "CARGO_MANIFEST_PATH",
            "CARGO_MANIFEST_LINKS",
            "CARGO_CRATE_NAME",
            "CARGO_BIN_NAME",
            "CARGO_PRIMARY_PACKAGE",
            "OUT_DIR",
        ]
        .contains(&name)
}

/// Builds the release binary reproducibly; returns its path and how it was built.
fn build_binary(root: &Path, target: &str, epoch: u64) -> Result<(PathBuf, Build), String> {
    let rustc = rustc_version(root)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let cargo_home = crate::cargo_home()?;
    let target_dir = root.join("target").join("dist-build");
    let flags = rustflags(
        &root.display().to_string(),
        &cargo_home.display().to_string(),
    );
    let profile = "release";
    let cargo_args: Vec<String> = [
        "build",
        "--release",
        "--locked",
        "--package",
        PACKAGE,
        "--target",
        target,
        "--bin",
        BINARY,
    ]
    .map(str::to_owned)
    .to_vec();
    println!("building {PACKAGE} for {target} (release, reproducible; this takes a while)");
    let mut command = Command::new(&cargo);
    // `cargo xtask` runs this program with the variables cargo sets for a package
    // (CARGO_MANIFEST_DIR, CARGO_PKG_NAME, OUT_DIR…). Build scripts that declare
    // `rerun-if-env-changed` on them (ring does) would otherwise be rerun, and the
    // build would depend on how it was started. They are the user's environment
    // minus those.
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(is_package_variable) {
            command.env_remove(&name);
        }
    }
    let status = command
        .current_dir(root)
        .args(&cargo_args)
        .env("CARGO_TARGET_DIR", &target_dir)
        .env("RUSTFLAGS", &flags)
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env("SOURCE_DATE_EPOCH", epoch.to_string())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("the release build failed".to_owned());
    }
    let path = target_dir.join(target).join(profile).join(BINARY);
    Ok((
        path,
        Build {
            profile,
            cargo_args,
            rustflags: rustflags("<workspace>", "<cargo-home>"),
            rustc_release: rustc.release,
            rustc_commit: rustc.commit_hash,
            rustc_verbose: rustc.verbose,
        },
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn options_take_separate_or_inline_values() {
        let o = parse(&args(&["--key", "k.pem", "--out=d", "--target", "t"])).unwrap();
        assert_eq!(o.key, Some(PathBuf::from("k.pem")));
        assert_eq!(o.out, Some(PathBuf::from("d")));
        assert_eq!(o.target.as_deref(), Some("t"));
        assert!(o.binary.is_none());
    }

    #[test]
    fn unknown_and_valueless_options_are_refused_with_the_usage() {
        let e = parse(&args(&["--sign", "k"])).unwrap_err();
        assert!(
            e.contains("unexpected argument `--sign`") && e.contains(USAGE),
            "{e}"
        );
        let e = parse(&args(&["--key"])).unwrap_err();
        assert!(e.contains("`--key` needs a value"), "{e}");
    }

    #[test]
    fn names_that_could_escape_a_folder_are_not_safe() {
        assert!(is_safe_name("x86_64-unknown-linux-gnu"));
        assert!(is_safe_name("0.1.0-rc.1"));
        assert!(!is_safe_name("../x"));
        assert!(!is_safe_name("a/b"));
        assert!(!is_safe_name(""));
    }

    #[test]
    fn only_the_variables_of_the_running_package_are_dropped_from_the_build() {
        for name in ["CARGO_PKG_NAME", "CARGO_MANIFEST_DIR", "OUT_DIR"] {
            assert!(is_package_variable(name), "{name}");
        }
        for name in [
            "CARGO_HOME",
            "CARGO_NET_OFFLINE",
            "RUSTUP_TOOLCHAIN",
            "PATH",
        ] {
            assert!(!is_package_variable(name), "{name}");
        }
    }

    #[test]
    fn the_version_is_the_workspace_version() {
        let root = crate::workspace_root();
        assert_eq!(package_version(&root).unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
