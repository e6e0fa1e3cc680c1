//! `assure`: decide whether health technology may be bought and deployed,
//! from its supplier's security evidence.
//!
//! This binary only parses arguments, calls the engine and renders; the work
//! is in the `assure-engine` library.

mod check;
mod data;
mod failure;
mod init;
mod keyfiles;
mod oci;
mod output;
mod policy;
mod recheck;
mod serve;
mod trust;
mod verify;
mod waiver;

use std::process::{ExitCode, Termination};

use clap::{Parser, Subcommand};

const EXIT_CODES: &str = "\
Exit codes:
  0  approved
  1  usage or internal error
  2  rejected: a blocking rule fired
  3  needs evidence: nothing rejects, but not every rule could be decided
  4  trust failure: a digest, signature, path, expiry or rollback check failed
  5  batch: a folder in the folder of submissions was not checked (no submission.toml, a link)";

const RECHECK_EXIT_CODES: &str = "\
Before: each submission judged with the built-in bundle (or --baseline-bundle) and its own
reference data, as of --since (default: now). After: with --bundle (default: the same bundle),
--kev / --reference, as of --as-of (default: now). Each document is read by its plugins once
(the facts are kept in the cache directory's facts/, or in memory with --no-cache).

Exit codes:
  0  no verdict would change (findings, missing evidence or waiver warnings that change
     without the verdict are printed, and still exit 0)
  1  usage or internal error (malformed reference data; nothing to compare), or a
     submission that could not be checked (listed with the error)
  4  trust failure: a bundle, or a submission, failed a digest, signature, path, expiry
     or rollback check
  6  at least one verdict would change";

/// Decide whether health technology may be bought and deployed in the NHS,
/// from the security evidence its supplier hands over.
#[derive(Debug, Parser)]
#[command(name = "assure", version, about, after_help = EXIT_CODES, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a submission against the policy bundle and give a verdict.
    #[command(after_help = EXIT_CODES)]
    Check(Box<check::CheckArgs>),
    /// Say which decisions would change with new reference data, a new
    /// bundle or a later date.
    ///
    /// Each submission (a folder, several, or a folder of them, as `check`
    /// takes them) is decided before and after, and each decision that
    /// changes is listed with what changed: the rules that now fire or no
    /// longer do, the evidence asked for or answered.
    #[command(after_help = RECHECK_EXIT_CODES)]
    Recheck(Box<recheck::RecheckArgs>),
    /// Write a submission.toml for the files in a folder, with their digests.
    Init(init::InitArgs),
    /// Run a bundle's policy tests (decision tables), with rule coverage.
    Test(policy::TestArgs),
    /// Work on a bundle's policies.
    Policy(policy::PolicyArgs),
    /// Print the control map: each control (DTAC, DSPT, CE, SSCoP…) and the rules implementing it.
    Controls(policy::ControlsArgs),
    /// Refresh the reference data a bundle carries (the known-exploited catalogue).
    Data(data::DataArgs),
    /// Generate Ed25519 signing keys.
    Key(trust::KeyArgs),
    /// Sign and verify plugins.
    Plugin(trust::PluginArgs),
    /// Build, sign, verify and inspect policy bundles.
    Bundle(trust::BundleArgs),
    /// Verify a signed decision record (`check --attest`), and that the
    /// submission still matches it.
    Verify(verify::VerifyArgs),
    /// Accept a risk: write, sign and verify waivers (signed, scoped,
    /// expiring; the bundle says who may approve them and for what).
    Waiver(waiver::WaiverArgs),
    /// Run the portfolio service: uploads checked, decisions signed, stored
    /// and logged, a REST API and web pages (`assure serve --help`).
    Serve(Box<serve::ServeArgs>),
}

/// How the process ends; its number is the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: approved, or a command that succeeded.
    Success = 0,
    /// 1: usage or internal error.
    Error = 1,
    /// 2: rejected.
    Rejected = 2,
    /// 3: needs evidence.
    NeedsEvidence = 3,
    /// 4: trust failure.
    TrustFailure = 4,
    /// 5: a batch left a folder unchecked (no `submission.toml`, a link).
    NotChecked = 5,
    /// 6: `recheck`: at least one verdict would change.
    Changes = 6,
}

impl Termination for ExitStatus {
    fn report(self) -> ExitCode {
        ExitCode::from(self as u8)
    }
}

fn main() -> ExitStatus {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitStatus::Error
            } else {
                ExitStatus::Success
            };
        }
    };
    let outcome = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Recheck(args) => recheck::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Data(args) => data::run(&args),
        Command::Test(args) => policy::test(&args),
        Command::Policy(args) => match &args.command {
            policy::PolicyCommand::Validate(v) => policy::validate(v),
        },
        Command::Controls(args) => policy::controls(&args),
        Command::Key(args) => trust::key(&args),
        Command::Plugin(args) => trust::plugin(&args),
        Command::Bundle(args) => trust::bundle(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Waiver(args) => waiver::run(&args),
        Command::Serve(args) => serve::run(&args),
    };
    // The one place an error is printed.
    outcome.unwrap_or_else(|failure| {
        let _ = std::io::Write::write_all(&mut anstream::stderr(), failure.render().as_bytes());
        failure.status()
    })
}
