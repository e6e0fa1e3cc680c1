//! `assure-gen`: writes a generated submission (a CycloneDX SBOM of N
//! components and a matching OpenVEX document) to a folder, for the
//! whole-process benchmarks.
//!
//! ```text
//! assure-gen COMPONENTS FOLDER [SEED]
//! ```

#![expect(
    clippy::disallowed_macros,
    reason = "a command-line program: it prints"
)]

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(count), Some(folder)) = (args.first(), args.get(1)) else {
        eprintln!("usage: assure-gen COMPONENTS FOLDER [SEED]");
        return ExitCode::from(1);
    };
    let Ok(count) = count.replace([',', '_'], "").parse::<usize>() else {
        eprintln!("error: `{count}` is not a number of components");
        return ExitCode::from(1);
    };
    let seed = match args.get(2).map(|s| s.parse::<u64>()) {
        None => 1,
        Some(Ok(seed)) => seed,
        Some(Err(_)) => {
            eprintln!("error: the seed must be a number");
            return ExitCode::from(1);
        }
    };
    let generated = assure_bench::generate(count, seed);
    let folder = PathBuf::from(folder);
    if let Err(e) = assure_bench::write_submission(&folder, &generated) {
        eprintln!("error: cannot write {}: {e}", folder.display());
        return ExitCode::from(1);
    }
    println!(
        "{}: {} components ({} bytes), {} VEX statements ({} bytes)",
        folder.display(),
        generated.components,
        generated.sbom.len(),
        generated.statements,
        generated.vex.len()
    );
    ExitCode::SUCCESS
}
