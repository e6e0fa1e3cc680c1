//! Keys, plugin signatures and signed bundles: `assure key`, `assure plugin`,
//! `assure bundle`, and the `--bundle/--trust` options of `check` and `test`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use assure_engine::{Bundle, TrustConfig, TrustedBundle};
use assure_trust::bundle::{self as tb, BuildSpec, LoadedBundle};
use assure_trust::keys::{self, PrivateKey, PublicKey};
use clap::{Args, Subcommand};

use crate::ExitStatus;
use crate::failure::{CommandResult, Failure};

/// Which bundle to judge with, and what to trust it by.
#[derive(Debug, Args)]
pub struct BundleTrustArgs {
    /// A published bundle (a `.bundle` file, a folder holding `bundle.json`, or
    /// `oci://REGISTRY/REPOSITORY:TAG|@sha256:DIGEST` in a registry): verified before use.
    /// Default: the built-in NHS baseline, trusted by the digest pinned in this binary.
    #[arg(long, value_name = "BUNDLE")]
    pub bundle: Option<PathBuf>,

    /// A public key (SPKI PEM) trusted to sign bundles; repeat for several.
    #[arg(long = "trust", value_name = "PUBLIC_KEY")]
    pub trust: Vec<PathBuf>,

    /// How many distinct trusted keys must have signed the bundle.
    #[arg(long, default_value_t = 1, value_name = "K")]
    pub threshold: usize,

    /// The anti-rollback state file: the highest version accepted per bundle name.
    /// Default: $XDG_STATE_HOME/assure/trust-state.json (~/.local/state/assure/…).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    #[command(flatten)]
    pub registry: crate::oci::RegistryArgs,
}

use crate::keyfiles::{default_state, read_private_key, read_public_keys, untrusted, usage};

impl BundleTrustArgs {
    /// The bundle to judge with: the built-in one, or a published bundle that
    /// verified. `now` is the evaluation time (expiry is checked against it).
    pub fn load(&self, now: jiff::Timestamp) -> Result<TrustedBundle, Failure> {
        let Some(path) = &self.bundle else {
            if !self.trust.is_empty() {
                return Err(usage(
                    "`--trust` is for a published bundle: pass it with `--bundle <file>`",
                ));
            }
            return TrustedBundle::builtin()
                .map_err(|e| Failure::from(assure_engine::Error::from(e)));
        };
        if self.trust.is_empty() {
            return Err(Failure::untrusted(format!(
                "bundle {} is not trusted: pass the public key(s) of its signers with \
                 `--trust <key.pub>` (and `--threshold <k>` when several must sign); no bundle is \
                 used unverified",
                path.display()
            )));
        }
        let config = TrustConfig {
            keys: read_public_keys(&self.trust)?,
            threshold: self.threshold,
            state: self.state.clone().unwrap_or_else(default_state),
        };
        if crate::oci::is_reference(path.as_os_str()) {
            let text = path.to_string_lossy();
            return crate::oci::pull_trusted_bundle(&text, &self.registry, &config, now)
                .map(|(bundle, _, _)| bundle);
        }
        TrustedBundle::load_signed(path, &config, now).map_err(Failure::from)
    }
}

// ----- assure key -----------------------------------------------------------------------

#[derive(Debug, Args)]
pub struct KeyArgs {
    #[command(subcommand)]
    pub command: KeyCommand,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Generate an Ed25519 key pair: `<OUT>.key` (PKCS#8 PEM, mode 0600) and `<OUT>.pub` (SPKI PEM).
    Generate {
        /// The path prefix of the two files.
        #[arg(long, value_name = "PREFIX")]
        out: PathBuf,
    },
    /// Print the key id of a public or private key.
    Id {
        /// A public (SPKI PEM) or private (PKCS#8 PEM) key file.
        key: PathBuf,
    },
}

pub fn key(args: &KeyArgs) -> CommandResult {
    match &args.command {
        KeyCommand::Generate { out } => {
            let private = keys::generate();
            let key_path = with_suffix(out, "key");
            let pub_path = with_suffix(out, "pub");
            if let Err(e) = private.write_pem_file(&key_path) {
                return Err(usage(&format!("cannot write the private key: {e}")));
            }
            if let Err(e) = private.public_key().write_pem_file(&pub_path) {
                // Leave no half of a pair behind.
                let _ = std::fs::remove_file(&key_path);
                return Err(usage(&format!("cannot write the public key: {e}")));
            }
            let _ = writeln!(
                anstream::stdout(),
                "wrote {} (private, mode 0600) and {}\nkey id {}",
                key_path.display(),
                pub_path.display(),
                private.key_id().to_hex()
            );
            Ok(ExitStatus::Success)
        }
        KeyCommand::Id { key } => {
            // It may be a private key: kept where it is wiped on drop.
            let text = match std::fs::read_to_string(key) {
                Ok(t) => zeroize::Zeroizing::new(t),
                Err(e) => return Err(usage(&format!("cannot read {}: {e}", key.display()))),
            };
            let id = if text.contains("PRIVATE KEY") {
                PrivateKey::from_pkcs8_pem(&text).map(|k| k.key_id())
            } else {
                PublicKey::from_spki_pem(&text).map(|k| k.key_id())
            };
            match id {
                Ok(id) => {
                    let _ = writeln!(anstream::stdout(), "{}", id.to_hex());
                    Ok(ExitStatus::Success)
                }
                Err(e) => Err(untrusted(&key.display().to_string(), &e)),
            }
        }
    }
}

fn with_suffix(prefix: &Path, suffix: &str) -> PathBuf {
    let mut name = prefix.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

// ----- assure plugin --------------------------------------------------------------------

#[derive(Debug, Args)]
pub struct PluginArgs {
    #[command(subcommand)]
    pub command: PluginCommand,
}

#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// Sign a plugin: add an Ed25519 signature over the whole component in a `signature`
    /// custom section (the WebAssembly tool-conventions format that wasmsign2 writes).
    Sign {
        /// The private key (PKCS#8 PEM).
        #[arg(long, value_name = "KEY")]
        key: PathBuf,
        /// The plugin (.wasm).
        plugin: PathBuf,
        /// Where to write the signed plugin. Default: in place.
        #[arg(long, short = 'o', value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Push a signed plugin to an OCI registry (artifact type
    /// application/vnd.assure.plugin.v1; the signature travels inside the component).
    Push(crate::oci::args::PluginPushArgs),
    /// Pull a plugin from an OCI registry; written only once its signature verifies.
    Pull(crate::oci::args::PluginPullArgs),
    /// Verify that a plugin is signed, over the whole component, by one of the given keys.
    Verify {
        /// The plugin (.wasm).
        plugin: PathBuf,
        /// A public key (SPKI PEM) allowed to sign it; repeat for several.
        #[arg(long = "trust", value_name = "PUBLIC_KEY", required = true)]
        trust: Vec<PathBuf>,
    },
}

pub fn plugin(args: &PluginArgs) -> CommandResult {
    match &args.command {
        PluginCommand::Sign { key, plugin, out } => {
            let key = read_private_key(key)?;
            let bytes = match std::fs::read(plugin) {
                Ok(b) => b,
                Err(e) => return Err(usage(&format!("cannot read {}: {e}", plugin.display()))),
            };
            let signed = match assure_trust::wasmsig::sign(&bytes, &key) {
                Ok(s) => s,
                Err(e) => return Err(untrusted(&plugin.display().to_string(), &e)),
            };
            let target = out.as_ref().unwrap_or(plugin);
            if let Err(e) = std::fs::write(target, &signed) {
                return Err(usage(&format!("cannot write {}: {e}", target.display())));
            }
            let _ = writeln!(
                anstream::stdout(),
                "signed {} with key {}",
                target.display(),
                key.key_id().to_hex()
            );
            Ok(ExitStatus::Success)
        }
        PluginCommand::Push(args) => crate::oci::commands::plugin_push(args),
        PluginCommand::Pull(args) => crate::oci::commands::plugin_pull(args),
        PluginCommand::Verify { plugin, trust } => {
            let keys = read_public_keys(trust)?;
            let bytes = match std::fs::read(plugin) {
                Ok(b) => b,
                Err(e) => return Err(usage(&format!("cannot read {}: {e}", plugin.display()))),
            };
            let name = plugin.display().to_string();
            match assure_trust::wasmsig::verify(&name, &bytes, &keys) {
                Ok(signers) => {
                    let ids: Vec<String> = signers.iter().map(|k| k.to_hex()).collect();
                    let _ = writeln!(
                        anstream::stdout(),
                        "{name}: signed over the whole component by {}",
                        ids.join(", ")
                    );
                    Ok(ExitStatus::Success)
                }
                Err(e) => Err(untrusted(&name, &e)),
            }
        }
    }
}

// ----- assure bundle --------------------------------------------------------------------

#[derive(Debug, Args)]
pub struct BundleArgs {
    #[command(subcommand)]
    pub command: BundleCommand,
}

#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Build a bundle from a bundle source folder: policies, schema, plugins, reference data,
    /// the exact file list with SHA-256 and size, name, version, created and expires.
    Build {
        /// The bundle source folder (holding bundle.toml).
        dir: PathBuf,
        /// The bundle file to write (.bundle, a gzip'd tar).
        #[arg(long, short = 'o', value_name = "FILE")]
        out: PathBuf,
        /// A key that signs the bundle's plugins and becomes an allowed plugin signer;
        /// repeat for several. Plugins already signed by it keep their signatures.
        #[arg(long = "plugin-key", value_name = "KEY", required = true)]
        plugin_keys: Vec<PathBuf>,
        /// When the bundle expires (RFC 3339). Default: 365 days after it is built.
        #[arg(long, value_name = "TIME")]
        expires: Option<String>,
        /// The build time to record (RFC 3339). Default: now.
        #[arg(long, value_name = "TIME")]
        created: Option<String>,
    },
    /// Add a signature to a bundle: a DSSE envelope over its bundle.json.
    Sign {
        /// The private key (PKCS#8 PEM).
        #[arg(long, value_name = "KEY")]
        key: PathBuf,
        /// The bundle (.bundle file or folder).
        bundle: PathBuf,
    },
    /// Verify a bundle against trusted keys and a threshold, as `check --bundle` does.
    Verify {
        /// The bundle (.bundle file or folder).
        bundle: PathBuf,
        /// A public key (SPKI PEM) trusted to sign bundles; repeat for several.
        #[arg(long = "trust", value_name = "PUBLIC_KEY", required = true)]
        trust: Vec<PathBuf>,
        /// How many distinct trusted keys must have signed.
        #[arg(long, default_value_t = 1, value_name = "K")]
        threshold: usize,
        /// Check expiry as of this time (RFC 3339). Default: now.
        #[arg(long, value_name = "TIME")]
        as_of: Option<String>,
        /// The anti-rollback state file to check against (it is not updated).
        #[arg(long, value_name = "FILE")]
        state: Option<PathBuf>,
    },
    /// Push a signed bundle to an OCI registry (artifact type application/vnd.assure.bundle.v1:
    /// the `.bundle` file and its DSSE envelope as layers).
    Push(crate::oci::args::BundlePushArgs),
    /// Pull a bundle from an OCI registry: verified as `check` verifies it (trusted keys,
    /// threshold, files, plugins, expiry, anti-rollback) before anything is written.
    Pull(crate::oci::args::BundlePullArgs),
    /// Show what a bundle holds: name, version, expiry, files, plugins with digests and
    /// signers, and the key ids of its signatures (not verified: use `verify`).
    Inspect {
        /// The bundle (.bundle file or folder).
        bundle: PathBuf,
    },
}

fn time(text: Option<&str>, flag: &str) -> Result<jiff::Timestamp, Failure> {
    match text {
        // Whole seconds: what a manifest records.
        None => jiff::Timestamp::from_second(jiff::Timestamp::now().as_second())
            .map_err(|e| usage(&e.to_string())),
        Some(t) => assure_engine::facts::normalise_datetime(t)
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| usage(&format!("`{flag} {t}` is not an RFC 3339 date-time"))),
    }
}

fn write_bundle(path: &Path, bundle: &LoadedBundle) -> Result<(), Failure> {
    if path.is_dir() {
        // A folder bundle: rewrite its envelope.
        let envelope = bundle
            .files()
            .get(tb::ENVELOPE_FILE)
            .ok_or_else(|| usage("the bundle has no envelope to write"))?;
        return std::fs::write(path.join(tb::ENVELOPE_FILE), envelope)
            .map_err(|e| usage(&format!("cannot write {}: {e}", path.display())));
    }
    let bytes = bundle
        .to_archive()
        .map_err(|e| untrusted(&path.display().to_string(), &e))?;
    let partial = with_suffix(path, "partial");
    std::fs::write(&partial, bytes)
        .and_then(|()| std::fs::rename(&partial, path))
        .map_err(|e| usage(&format!("cannot write {}: {e}", path.display())))
}

pub fn bundle(args: &BundleArgs) -> CommandResult {
    run_bundle(args)
}

fn run_bundle(args: &BundleArgs) -> CommandResult {
    let mut out = String::new();
    match &args.command {
        BundleCommand::Build {
            dir,
            out: target,
            plugin_keys,
            expires,
            created,
        } => {
            let created = time(created.as_deref(), "--created")?;
            let expires = match expires {
                Some(t) => time(Some(t), "--expires")?,
                None => created
                    .checked_add(jiff::SignedDuration::from_hours(365 * 24))
                    .map_err(|e| usage(&e.to_string()))?,
            };
            let keys: Vec<PrivateKey> = plugin_keys
                .iter()
                .map(|k| read_private_key(k))
                .collect::<Result<_, _>>()?;
            let mut files = assure_engine::bundle::source_files(dir).map_err(Failure::from)?;
            // The policies must load and validate before anything is signed.
            let checked = Bundle::from_files(&dir.display().to_string(), files.clone())
                .map_err(|e| Failure::from(assure_engine::Error::from(e)))?;
            for (path, bytes) in files.iter_mut() {
                if path.ends_with(".wasm") {
                    for key in &keys {
                        *bytes = assure_trust::wasmsig::sign(bytes, key)
                            .map_err(|e| untrusted(path, &e))?;
                    }
                }
            }
            let spec = BuildSpec {
                name: checked.name.clone(),
                version: checked.version,
                created,
                expires,
                plugin_signers: keys.iter().map(PrivateKey::public_key).collect(),
            };
            let built =
                tb::build(&spec, files).map_err(|e| untrusted(&dir.display().to_string(), &e))?;
            write_bundle(target, &built)?;
            let _ = writeln!(
                out,
                "built {} v{} -> {} ({} files, expires {expires}); sign it with `assure bundle sign --key <key> {}`",
                spec.name,
                spec.version,
                target.display(),
                built.files().len(),
                target.display()
            );
        }
        BundleCommand::Sign { key, bundle } => {
            let key = read_private_key(key)?;
            let mut loaded =
                tb::load(bundle).map_err(|e| untrusted(&bundle.display().to_string(), &e))?;
            tb::sign(&mut loaded, &key)
                .map_err(|e| untrusted(&bundle.display().to_string(), &e))?;
            write_bundle(bundle, &loaded)?;
            let _ = writeln!(
                out,
                "signed {} with key {}",
                bundle.display(),
                key.key_id().to_hex()
            );
        }
        BundleCommand::Verify {
            bundle,
            trust,
            threshold,
            as_of,
            state,
        } => {
            let now = time(as_of.as_deref(), "--as-of")?;
            let keys = read_public_keys(trust)?;
            let name = bundle.display().to_string();
            let loaded = tb::load(bundle).map_err(|e| untrusted(&name, &e))?;
            let mut state =
                assure_trust::state::State::load(&state.clone().unwrap_or_else(default_state))
                    .map_err(|e| untrusted(&name, &e))?;
            let verified = tb::verify(&loaded, &keys, *threshold, now, &mut state)
                .map_err(|e| untrusted(&name, &e))?;
            // The policies must load too, and name the bundle the signed
            // manifest names (as `check` requires).
            let policies = Bundle::from_files(&name, verified.files.clone())
                .map_err(|e| Failure::from(assure_engine::Error::from(e)))?;
            if policies.name != verified.manifest.name
                || policies.version != verified.manifest.version
            {
                return Err(usage(&format!(
                    "{name}: bundle.toml names {} v{}, but the signed bundle.json says {} v{}",
                    policies.name,
                    policies.version,
                    verified.manifest.name,
                    verified.manifest.version
                )));
            }
            let signers: Vec<String> = verified.signers.iter().map(|k| k.to_hex()).collect();
            let _ = writeln!(
                out,
                "{name}: {} v{} verified: {} of the trusted keys signed it (threshold {threshold}): {}; expires {}; {} files, {} plugins signed by allowed keys",
                verified.manifest.name,
                verified.manifest.version,
                signers.len(),
                signers.join(", "),
                verified.manifest.expires,
                verified.files.len(),
                verified.plugin_signers.len()
            );
        }
        BundleCommand::Push(args) => return crate::oci::commands::bundle_push(args),
        BundleCommand::Pull(args) => return crate::oci::commands::bundle_pull(args),
        BundleCommand::Inspect { bundle } => {
            let name = bundle.display().to_string();
            let loaded = tb::load(bundle).map_err(|e| untrusted(&name, &e))?;
            let manifest_bytes = loaded
                .manifest_bytes()
                .ok_or_else(|| usage(&format!("{name} has no bundle.json: not a built bundle")))?;
            let manifest =
                tb::BundleManifest::parse(manifest_bytes).map_err(|e| untrusted(&name, &e))?;
            let allowed = manifest
                .plugin_signer_public_keys()
                .map_err(|e| untrusted(&name, &e))?;
            let _ = writeln!(out, "bundle   {name}  (inspected, not verified)");
            let _ = writeln!(out, "name     {}", manifest.name);
            let _ = writeln!(out, "version  {}", manifest.version);
            let _ = writeln!(out, "created  {}", manifest.created);
            let _ = writeln!(out, "expires  {}", manifest.expires);
            let _ = writeln!(
                out,
                "digest   sha256:{}",
                loaded.digest().unwrap_or_default()
            );
            match loaded.files().get(tb::ENVELOPE_FILE) {
                None => {
                    let _ = writeln!(out, "signed by (none: unsigned)");
                }
                Some(bytes) => {
                    let ids: Vec<String> = assure_trust::dsse::Envelope::from_json(bytes)
                        .map(|e| e.signatures.iter().map(|s| s.keyid.clone()).collect())
                        .unwrap_or_else(|_| vec!["(malformed envelope)".into()]);
                    let _ = writeln!(out, "signed by {}", ids.join(", "));
                }
            }
            let allowed_ids: Vec<String> =
                manifest.plugin_signers.iter().map(|k| k.to_hex()).collect();
            let _ = writeln!(out, "plugin signers allowed: {}", allowed_ids.join(", "));
            let _ = writeln!(out, "plugins");
            for plugin in &manifest.plugins {
                let signers = loaded
                    .files()
                    .get(&plugin.path)
                    .map(|b| {
                        assure_trust::wasmsig::signers(&plugin.name, b, &allowed)
                            .map(|ids| {
                                ids.iter()
                                    .map(|k| k.to_hex())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            })
                            .unwrap_or_else(|e| format!("({e})"))
                    })
                    .unwrap_or_else(|| "(missing)".into());
                let _ = writeln!(
                    out,
                    "  {:<18} {}  sha256:{}  signed by {}",
                    plugin.name, plugin.path, plugin.sha256, signers
                );
            }
            let _ = writeln!(out, "files");
            for file in &manifest.files {
                let _ = writeln!(
                    out,
                    "  {:<40} {:>9} bytes  sha256:{}",
                    file.path, file.size, file.sha256
                );
            }
        }
    }
    let _ = anstream::stdout().write_all(out.as_bytes());
    Ok(ExitStatus::Success)
}
