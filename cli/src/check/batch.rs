//! `assure check A B C…` (or a folder of submission folders): many
//! submissions in one process, on all cores, with one result line each.
//!
//! The engine checks the batch ([`Engine::check_all`]); this prints each
//! line as soon as it and every one before it are known, shows a progress
//! bar on a terminal, writes the combined reports, and exits with the worst
//! outcome: 4 if any submission failed a trust check, else 1 if any could
//! not be checked, else 5 if a folder is not a submission, else 2 if any
//! was rejected, else 3 if any needs evidence, else 0.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

use assure_engine::Engine;
use assure_engine::batch::{BatchItem, Entry};
use assure_report::Format;
use assure_report::batch::BatchCounts;

use super::args::{CheckArgs, batch_options, refuse_overwriting};
use crate::ExitStatus;
use crate::failure::{CommandResult, Failure};

/// Checks the batch `entries` and reports it.
pub fn run(
    args: &CheckArgs,
    engine: &Engine,
    entries: &[Entry],
    as_of: assure_engine::jiff::Timestamp,
) -> CommandResult {
    for format in std::iter::once(args.format.into()).chain(args.outputs.iter().map(|(f, _)| *f)) {
        if !format.batches() {
            return Err(Failure::usage(format!(
                "a batch gives one line per submission, and a combined human, json, junit \
                 or markdown report; {format} reports are made one submission at a time"
            )));
        }
    }
    let started = Instant::now();
    let list: Vec<&Path> = entries.iter().map(Entry::path).collect();
    // Nothing is written over what is judged.
    if let Err(message) = refuse_overwriting(args, &list) {
        return Err(Failure::usage(message));
    }
    let waivers = crate::waiver::for_check(&args.waivers, &list)?;
    let check = assure_engine::CheckOptions::at(as_of).with_waivers(waivers);
    let options = batch_options(args, engine, check, entries);
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(list.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} submissions  {per_sec}  eta {eta}",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let human = Format::from(args.format) == Format::Human;
    let width = list
        .iter()
        .map(|p| {
            assure_report::terminal_text(&p.display().to_string())
                .chars()
                .count()
        })
        .max()
        .unwrap_or(0);
    let ready = |item: &BatchItem| {
        if human {
            let line = assure_report::batch::line(item, width);
            bar.suspend(|| {
                let _ = writeln!(anstream::stdout(), "{line}");
            });
        }
    };
    let done = || bar.inc(1);
    let items = engine.check_all(entries, &options, &ready, &done);
    bar.finish_and_clear();

    let counts = BatchCounts::of(&items);
    let untrusted = items.iter().any(|i| i.result.is_trust_failure());
    let took = started.elapsed().as_secs_f64();
    for (format, path) in &args.outputs {
        let text = assure_report::batch::render(*format, &items, as_of);
        if let Err(e) = crate::output::write(path, text.as_bytes()) {
            return Err(Failure::usage(format!(
                "cannot write the {format} report to {}: {e}",
                path.display()
            )));
        }
    }
    let text = if human {
        format!(
            "\n{} submissions: {} approve, {} reject, {} needs-evidence, {} error(s), {} not \
             checked in {took:.2} s ({:.1}/s, {} at a time)\n",
            items.len(),
            counts.approve,
            counts.reject,
            counts.needs_evidence,
            counts.error,
            counts.not_checked,
            items.len() as f64 / took.max(1e-9),
            options.jobs,
        )
    } else {
        assure_report::batch::render(args.format.into(), &items, as_of)
    };
    crate::output::print(&text)?;
    if untrusted {
        Ok(ExitStatus::TrustFailure)
    } else if counts.error > 0 {
        Ok(ExitStatus::Error)
    } else if counts.not_checked > 0 {
        Ok(ExitStatus::NotChecked)
    } else if counts.reject > 0 {
        Ok(ExitStatus::Rejected)
    } else if counts.needs_evidence > 0 {
        Ok(ExitStatus::NeedsEvidence)
    } else {
        Ok(ExitStatus::Success)
    }
}
