//! `assure init`.

use std::io::Write;
use std::path::PathBuf;

use assure_engine::submission::{self, MANIFEST};
use clap::Args;

use crate::{Outcome, fail};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder holding the evidence files.
    pub folder: PathBuf,

    /// Print the manifest instead of writing it.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(args: &InitArgs) -> Outcome {
    let manifest = match submission::init(&args.folder) {
        Ok(m) => m,
        Err(e) => return fail(&e),
    };
    let text = submission::manifest_to_toml(&manifest);
    if args.dry_run {
        let _ = anstream::stdout().write_all(text.as_bytes());
        return Outcome::Success;
    }
    let path = args.folder.join(MANIFEST);
    if let Err(source) = std::fs::write(&path, text) {
        return fail(&assure_engine::Error::Io {
            action: "write",
            path,
            source,
        });
    }
    let mut out = anstream::stdout();
    let _ = writeln!(
        out,
        "wrote {} with {} evidence file(s) and their SHA-256 digests",
        path.display(),
        manifest.evidence.len()
    );
    if manifest.product.name.starts_with("CHANGE ME") {
        let _ = writeln!(
            out,
            "next: fill in [product] (name, version, supplier) and [profile], then run `assure check {}`",
            args.folder.display()
        );
    }
    Outcome::Success
}
