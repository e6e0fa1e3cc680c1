//! `assure data`: refresh the reference data a bundle carries.

use std::io::Write;
use std::path::PathBuf;

use assure_engine::error::BundleError;
use assure_engine::reference::Kev;
use clap::{Args, Subcommand};

use crate::{Outcome, fail};

#[derive(Debug, Args)]
pub struct DataArgs {
    #[command(subcommand)]
    pub command: DataCommand,
}

#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Check a CISA Known Exploited Vulnerabilities catalogue
    /// (known_exploited_vulnerabilities.json, as CISA publishes it) and copy it,
    /// byte for byte, into a bundle's source as `data/kev.json`.
    Kev(KevArgs),
}

#[derive(Debug, Args)]
pub struct KevArgs {
    /// The catalogue, as downloaded from CISA.
    pub file: PathBuf,

    /// The bundle source folder to update.
    #[arg(long, default_value = "policies/nhs-baseline")]
    pub bundle_dir: PathBuf,

    /// Check the catalogue and say what would change, without writing.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(args: &DataArgs) -> Outcome {
    match &args.command {
        DataCommand::Kev(kev) => run_kev(kev),
    }
}

fn run_kev(args: &KevArgs) -> Outcome {
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(source) => {
            return fail(&assure_engine::Error::Io {
                action: "read",
                path: args.file.clone(),
                source,
            });
        }
    };
    let catalogue = match Kev::parse(&bytes) {
        Ok(k) => k,
        Err(problem) => {
            return fail(&assure_engine::Error::Bundle(BundleError::Invalid {
                bundle: "reference data".into(),
                file: args.file.display().to_string(),
                problems: vec![problem],
            }));
        }
    };
    let target = args.bundle_dir.join("data").join("kev.json");
    let previous = std::fs::read(&target)
        .ok()
        .and_then(|b| Kev::parse(&b).ok());
    let mut out = anstream::stdout();
    let _ = writeln!(
        out,
        "KEV catalogue {} (released {}): {} entries",
        catalogue.catalog_version,
        catalogue.date_released,
        catalogue.entries.len()
    );
    if let Some(previous) = &previous {
        let added = catalogue
            .entries
            .keys()
            .filter(|cve| !previous.entries.contains_key(*cve))
            .count();
        let removed = previous
            .entries
            .keys()
            .filter(|cve| !catalogue.entries.contains_key(*cve))
            .count();
        let _ = writeln!(
            out,
            "replaces {} (released {}): {added} added, {removed} removed",
            previous.catalog_version, previous.date_released
        );
        if catalogue.date_released < previous.date_released {
            let _ = writeln!(
                out,
                "warning: this catalogue is older than the one it replaces"
            );
        }
    }
    if args.dry_run {
        let _ = writeln!(out, "dry run: {} not written", target.display());
        return Outcome::Success;
    }
    if let Some(parent) = target.parent()
        && let Err(source) = std::fs::create_dir_all(parent)
    {
        return fail(&assure_engine::Error::Io {
            action: "create",
            path: parent.to_path_buf(),
            source,
        });
    }
    if let Err(source) = std::fs::write(&target, &bytes) {
        return fail(&assure_engine::Error::Io {
            action: "write",
            path: target,
            source,
        });
    }
    let _ = writeln!(
        out,
        "wrote {}; rebuild assure (or the bundle) for checks to use it",
        target.display()
    );
    Outcome::Success
}
