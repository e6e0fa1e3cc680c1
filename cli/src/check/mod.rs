//! `assure check`: one submission, or a batch (`batch`).

mod args;
mod batch;

use std::io::Write;
use std::time::{Duration, Instant};

use assure_engine::batch::Listing;
use assure_engine::{CheckOptions, Submission, Verdict};

pub use args::{CacheArgs, CheckArgs};
pub(crate) use args::{build_engine, jobs, parse_reference, parse_time};
use args::{engine, limit_overrides, refuse_overwriting};

use crate::ExitStatus;
use crate::failure::{CommandResult, Failure};

/// Checks the submission (or the batch) `args` name.
pub fn run(args: &CheckArgs) -> CommandResult {
    let started = Instant::now();
    let as_of = match &args.as_of {
        None => assure_engine::jiff::Timestamp::now(),
        Some(text) => parse_time("--as-of", text)?,
    };
    let overrides = match limit_overrides(args) {
        Ok(o) => o,
        Err(message) => {
            return Err(Failure::usage(message));
        }
    };

    // Read the signing key first: a decision is not worth making if it
    // cannot be recorded as asked.
    let signing_key = match &args.key {
        None => None,
        Some(path) => match assure_trust::keys::PrivateKey::read_pem_file(path) {
            Ok(key) => Some(key),
            Err(e) => {
                return Err(Failure::usage(format!(
                    "cannot read the signing key {}: {e}",
                    path.display()
                )));
            }
        },
    };

    let listing = match assure_engine::batch::list(&args.submissions) {
        Ok(listing) => listing,
        Err(e) => return Err(Failure::from(assure_engine::Error::from(e))),
    };
    // The bundle first: it sets the limits the submission is read under.
    let mut stages: Vec<(String, Duration)> = Vec::new();
    let t = Instant::now();
    let bundle = args.bundle.load(as_of)?;
    stages.push(("load bundle".into(), t.elapsed()));
    let submission_path = match listing {
        Listing::One(path) => path,
        Listing::Batch(list) => {
            if signing_key.is_some() {
                return Err(Failure::usage(
                    "`--attest` signs one decision: check the submissions one at a time to record each",
                ));
            }
            // The batch's workers use the cores; each check runs its plugin
            // calls in turn.
            return match engine(args, bundle, &overrides, 1) {
                Ok(engine) => batch::run(args, &engine, &list, as_of),
                Err(e) => Err(e.into()),
            };
        }
    };
    let submission_path = &submission_path;

    let t = Instant::now();
    let engine = engine(args, bundle, &overrides, 0)?;
    stages.push(("start plugin sandbox".into(), t.elapsed()));

    let t = Instant::now();
    let submission = Submission::load(submission_path, &engine.load_options(args.require_digests))?;
    stages.push(("load submission".into(), t.elapsed()));
    // Nothing is written over what is judged.
    if let Err(message) = refuse_overwriting(args, &[submission_path.as_path()]) {
        return Err(Failure::usage(message));
    }

    let waivers = crate::waiver::for_check(&args.waivers, &[submission_path.as_path()])?;
    let (decision, timings) =
        engine.check(&submission, &CheckOptions::at(as_of).with_waivers(waivers))?;
    stages.extend(timings.stages);

    let t = Instant::now();
    let name = submission_path.display().to_string();
    for (format, path) in &args.outputs {
        let text = assure_report::render(*format, &decision, &name);
        if let Err(e) = crate::output::write(path, text.as_bytes()) {
            return Err(Failure::usage(format!(
                "cannot write the {format} report to {}: {e}",
                path.display()
            )));
        }
    }
    if let (Some(path), Some(key)) = (&args.attest, &signing_key) {
        let envelope = assure_engine::record::sign(&decision, key);
        if let Err(e) = crate::output::write(path, &envelope.to_json()) {
            return Err(Failure::usage(format!(
                "cannot write the decision record to {}: {e}",
                path.display()
            )));
        }
    }
    let text = assure_report::render(args.format.into(), &decision, &name);
    crate::output::print(&text)?;
    stages.push(("render".into(), t.elapsed()));

    if args.timings {
        let mut err = anstream::stderr();
        let _ = writeln!(err, "timings:");
        for (stage, took) in &stages {
            let _ = writeln!(err, "  {:>10.3} ms  {stage}", took.as_secs_f64() * 1000.0);
        }
        let _ = writeln!(
            err,
            "  {:>10.3} ms  total",
            started.elapsed().as_secs_f64() * 1000.0
        );
    }

    Ok(match decision.verdict {
        Verdict::Approve => ExitStatus::Success,
        Verdict::Reject => ExitStatus::Rejected,
        Verdict::NeedsEvidence => ExitStatus::NeedsEvidence,
    })
}
