//! `assure data`: refresh the reference data a bundle carries, and check a
//! copy an operator gives `assure check --reference`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assure_engine::error::BundleError;
use assure_engine::reference::{Dataset, Kev, NhsAlerts};
use clap::{Args, Subcommand};

use crate::ExitStatus;
use crate::failure::{CommandResult, Failure};

#[derive(Debug, Args)]
pub struct DataArgs {
    #[command(subcommand)]
    pub command: DataCommand,
}

#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Check a CISA Known Exploited Vulnerabilities catalogue
    /// (known_exploited_vulnerabilities.json, as CISA publishes it) against
    /// CISA's JSON Schema and copy it, byte for byte, into a bundle's source
    /// as `data/kev.json`. Refuses a catalogue older than the one it replaces.
    Kev(DataFileArgs),
    /// Check a list of NHS England cyber alerts (`nhs-cyber-alerts/1`, its
    /// JSON Schema is in the README) and copy it into a bundle's source as
    /// `data/nhs-cyber-alerts.json`. Refuses a list older than the one it
    /// replaces.
    NhsAlerts(DataFileArgs),
}

#[derive(Debug, Args)]
pub struct DataFileArgs {
    /// The file, as downloaded or compiled.
    pub file: PathBuf,

    /// The bundle source folder to update.
    #[arg(long, default_value = "policies/nhs-baseline")]
    pub bundle_dir: PathBuf,

    /// Check the file and say what would change, without writing.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(args: &DataArgs) -> CommandResult {
    match &args.command {
        DataCommand::Kev(file) => install::<Kev>(file, "kev.json", |old, new| {
            let added = new
                .entries
                .keys()
                .filter(|cve| !old.entries.contains_key(*cve))
                .count();
            let removed = old
                .entries
                .keys()
                .filter(|cve| !new.entries.contains_key(*cve))
                .count();
            format!("{added} added, {removed} removed")
        }),
        DataCommand::NhsAlerts(file) => {
            install::<NhsAlerts>(file, "nhs-cyber-alerts.json", |old, new| {
                let added = new
                    .by_cve
                    .keys()
                    .filter(|cve| !old.by_cve.contains_key(*cve))
                    .count();
                let removed = old
                    .by_cve
                    .keys()
                    .filter(|cve| !new.by_cve.contains_key(*cve))
                    .count();
                format!("{added} CVEs added, {removed} removed")
            })
        }
    }
}

/// The JSON Schema a dataset's published form must meet.
fn schema_of(name: &str) -> Option<&'static jsonschema::Validator> {
    static KEV: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    static ALERTS: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    let (cell, text) = match name {
        "kev" => (
            &KEV,
            include_str!("../schemas/known_exploited_vulnerabilities_schema.json"),
        ),
        "nhs_alerts" => (
            &ALERTS,
            include_str!("../schemas/nhs-cyber-alerts.schema.json"),
        ),
        _ => return None,
    };
    cell.get_or_init(|| {
        let schema: serde_json::Value = serde_json::from_str(text).ok()?;
        jsonschema::draft7::options()
            .should_validate_formats(true)
            .build(&schema)
            .ok()
    })
    .as_ref()
}

/// Checks a copy of dataset `name` (`kev`, `nhs_alerts`) against its
/// published JSON Schema: every violation, with its JSON Pointer.
pub fn validate(name: &str, bytes: &[u8]) -> Result<(), Vec<String>> {
    let Some(validator) = schema_of(name) else {
        return Err(vec![format!(
            "`{name}` is not reference data assure knows: give `kev` or `nhs_alerts`"
        )]);
    };
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        vec![format!(
            "not JSON (line {}, column {}): {e}",
            e.line(),
            e.column()
        )]
    })?;
    let mut problems: Vec<String> = validator
        .iter_errors(&value)
        .take(20)
        .map(|e| {
            let at = e.instance_path().to_string();
            format!("{}: {e}", if at.is_empty() { "/".to_owned() } else { at })
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        problems.sort();
        Err(problems)
    }
}

/// Reads, validates and checks a copy of a dataset.
pub fn read_checked<T: Dataset>(path: &Path) -> Result<(Vec<u8>, T), assure_engine::Error> {
    let bytes = std::fs::read(path).map_err(|source| assure_engine::Error::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    })?;
    let invalid = |problems: Vec<String>| {
        assure_engine::Error::Bundle(BundleError::Invalid {
            bundle: format!("reference data ({})", T::TITLE),
            file: path.display().to_string(),
            problems,
        })
    };
    validate(T::NAME, &bytes).map_err(invalid)?;
    let data = T::parse_dataset(&bytes).map_err(|p| invalid(vec![p.message]))?;
    Ok((bytes, data))
}

fn install<T: Dataset>(
    args: &DataFileArgs,
    file_name: &str,
    changes: impl Fn(&T, &T) -> String,
) -> CommandResult {
    let (bytes, data) = read_checked::<T>(&args.file)?;
    let target = args.bundle_dir.join("data").join(file_name);
    let previous = std::fs::read(&target)
        .ok()
        .and_then(|b| T::parse_dataset(&b).ok());
    let mut out = anstream::stdout();
    let _ = writeln!(
        out,
        "{} {} (released {}): {} entries",
        T::TITLE,
        data.version(),
        data.released(),
        data.entry_count()
    );
    if let Some(previous) = &previous {
        let _ = writeln!(
            out,
            "replaces {} (released {}): {}",
            previous.version(),
            previous.released(),
            changes(previous, &data)
        );
        if let (Some(new), Some(old)) = (data.released_at(), previous.released_at())
            && new < old
        {
            return Err(Failure::usage(format!(
                "{} was released before the one it would replace ({}): \
                 refusing to make the bundle's knowledge older",
                args.file.display(),
                previous.released()
            )));
        }
    }
    if args.dry_run {
        let _ = writeln!(out, "dry run: {} not written", target.display());
        return Ok(ExitStatus::Success);
    }
    if let Some(parent) = target.parent()
        && let Err(source) = std::fs::create_dir_all(parent)
    {
        return Err(Failure::from(assure_engine::Error::Io {
            action: "create",
            path: parent.to_path_buf(),
            source,
        }));
    }
    if let Err(source) = std::fs::write(&target, &bytes) {
        return Err(Failure::from(assure_engine::Error::Io {
            action: "write",
            path: target,
            source,
        }));
    }
    let _ = writeln!(
        out,
        "wrote {}; rebuild assure (or the bundle) and re-sign it for checks to use it",
        target.display()
    );
    Ok(ExitStatus::Success)
}
