//! The arguments of `assure bundle push|pull` and `assure plugin push|pull`.

use std::path::PathBuf;

use clap::Args;

use super::RegistryArgs;

#[derive(Debug, Args)]
pub struct BundlePushArgs {
    /// The signed bundle (a `.bundle` file, or a folder holding `bundle.json`).
    pub bundle: PathBuf,
    /// Where to push it: `oci://REGISTRY/REPOSITORY:TAG`.
    pub reference: String,
    /// Verify the bundle against these public keys (SPKI PEM) before
    /// pushing, as `check` will; repeat for several.
    #[arg(long = "trust", value_name = "PUBLIC_KEY")]
    pub trust: Vec<PathBuf>,
    /// With `--trust`: how many distinct trusted keys must have signed.
    #[arg(long, default_value_t = 1, value_name = "K")]
    pub threshold: usize,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

#[derive(Debug, Args)]
pub struct BundlePullArgs {
    /// `oci://REGISTRY/REPOSITORY:TAG` or `oci://REGISTRY/REPOSITORY@sha256:DIGEST`.
    pub reference: String,
    /// The bundle file to write, once it has verified.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: PathBuf,
    /// A public key (SPKI PEM) trusted to sign bundles; repeat for several.
    #[arg(long = "trust", value_name = "PUBLIC_KEY", required = true)]
    pub trust: Vec<PathBuf>,
    /// How many distinct trusted keys must have signed the bundle.
    #[arg(long, default_value_t = 1, value_name = "K")]
    pub threshold: usize,
    /// The anti-rollback state file (as `check --state`); the version
    /// pulled is recorded in it.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

#[derive(Debug, Args)]
pub struct PluginPushArgs {
    /// The signed plugin (`.wasm`, signed with `assure plugin sign`).
    pub plugin: PathBuf,
    /// Where to push it: `oci://REGISTRY/REPOSITORY:TAG`.
    pub reference: String,
    /// Verify the plugin's signature against these public keys before
    /// pushing; repeat for several.
    #[arg(long = "trust", value_name = "PUBLIC_KEY")]
    pub trust: Vec<PathBuf>,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

#[derive(Debug, Args)]
pub struct PluginPullArgs {
    /// `oci://REGISTRY/REPOSITORY:TAG` or `…@sha256:DIGEST`.
    pub reference: String,
    /// The plugin file to write, once its signature has verified.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: PathBuf,
    /// A public key (SPKI PEM) allowed to sign the plugin; repeat for several.
    #[arg(long = "trust", value_name = "PUBLIC_KEY", required = true)]
    pub trust: Vec<PathBuf>,
    #[command(flatten)]
    pub registry: RegistryArgs,
}
