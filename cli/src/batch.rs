//! `assure check A B C…` (or a folder of submission folders): many
//! submissions in one process, on all cores, with one result line each.
//!
//! The engine (bundle, compiled plugins) is shared by the workers; each
//! submission is loaded, extracted and judged on its own. Lines are printed
//! in the order the submissions were given, as soon as each is known; a
//! progress bar shows on a terminal. The exit code is the worst outcome: 4
//! if any submission failed a trust check, else 1 if any could not be
//! checked, else 2 if any was rejected, else 3 if any needs evidence, else 0.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use assure_engine::decision::Decision;
use assure_engine::{CheckOptions, Engine, LoadOptions, Submission, Verdict};
use serde_json::json;

use crate::Outcome;
use crate::check::{CheckArgs, Format};

/// The format of the combined JSON report.
pub const FORMAT: &str = "assure.batch/v1";

/// What was named on the command line: one submission, or a batch.
pub enum Listing {
    /// One submission folder (or a path that is not a folder: the loader
    /// says why it cannot be read).
    One(PathBuf),
    /// Several submissions, in the order they are reported. The output of a
    /// batch keeps its shape however many of them there are.
    Batch(Vec<Entry>),
}

/// One place in a batch.
pub enum Entry {
    /// A folder to check.
    Check(PathBuf),
    /// A folder inside a folder of submissions that is not checked, and why.
    /// It is reported as such, and the batch exits 5.
    NotChecked(PathBuf, String),
}

impl Entry {
    /// The folder this entry is about.
    pub fn path(&self) -> &Path {
        match self {
            Entry::Check(path) | Entry::NotChecked(path, _) => path,
        }
    }
}

/// The submissions named on the command line: each folder holding a
/// `submission.toml`; a single folder without one stands for the folders
/// directly inside it (sorted by name), every one of which is either checked
/// or listed as not checked with the reason — never skipped in silence.
pub fn submissions(paths: &[PathBuf]) -> Result<Listing, String> {
    let manifest = assure_engine::submission::MANIFEST;
    let [only] = paths else {
        return Ok(Listing::Batch(
            paths.iter().cloned().map(Entry::Check).collect(),
        ));
    };
    // `symlink_metadata`: a manifest that is a link is the loader's to refuse.
    if only.join(manifest).symlink_metadata().is_ok() || !only.is_dir() {
        return Ok(Listing::One(only.clone()));
    }
    let entries = std::fs::read_dir(only).map_err(|e| format!("{}: {e}", only.display()))?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", only.display()))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if kind.is_dir() {
            found.push(match not_a_submission(&path) {
                None => Entry::Check(path),
                Some(reason) => Entry::NotChecked(path, reason),
            });
        } else if kind.is_symlink() {
            let target = std::fs::read_link(&path)
                .map(|t| format!(" to `{}`", t.display()))
                .unwrap_or_default();
            let reason = if path.exists() {
                format!(
                    "a symbolic link{target}, not followed: check the folder it names on its own"
                )
            } else {
                format!("a symbolic link{target} that leads nowhere")
            };
            found.push(Entry::NotChecked(path, reason));
        }
        // Files beside the submission folders (a README) are not submissions.
    }
    if found.is_empty() {
        return Err(format!(
            "{} holds no {manifest}, and no folder directly inside it does",
            only.display()
        ));
    }
    found.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(Listing::Batch(found))
}

/// Why a folder inside a folder of submissions is not one, if it is not.
fn not_a_submission(folder: &Path) -> Option<String> {
    let manifest = assure_engine::submission::MANIFEST;
    if folder.join(manifest).symlink_metadata().is_ok() {
        return None;
    }
    let names: Vec<String> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    Some(
        match names.iter().find(|n| n.eq_ignore_ascii_case(manifest)) {
            Some(near) => format!("no {manifest} (there is `{near}`: the name is case-sensitive)"),
            None if names.is_empty() => format!("an empty folder: no {manifest}"),
            None => format!("no {manifest}"),
        },
    )
}

/// What became of one submission.
enum Result1 {
    Decided(Box<Decision>),
    /// Why it could not be checked, and whether that was a trust failure
    /// (a digest mismatch, a path escaping the folder…).
    Failed(String, bool),
    /// A folder that was not checked, and why.
    NotChecked(String),
}

pub fn run(
    args: &CheckArgs,
    engine: &Engine,
    entries: &[Entry],
    as_of: jiff_ts::Timestamp,
    submission_limits: assure_engine::SubmissionLimits,
) -> Outcome {
    for (format, _) in std::iter::once((args.format, PathBuf::new())).chain(args.outputs.clone()) {
        if matches!(format, Format::Sarif | Format::Html) {
            let _ = writeln!(
                anstream::stderr(),
                "error: a batch gives one line per submission, and a combined human, json, junit \
                 or markdown report; {} reports are made one submission at a time",
                format.name()
            );
            return Outcome::Error;
        }
    }
    let started = Instant::now();
    let list: Vec<&Path> = entries.iter().map(Entry::path).collect();
    let list = list.as_slice();
    // Nothing is written over what is judged.
    if let Err(message) = crate::check::refuse_overwriting(args, list) {
        let _ = writeln!(anstream::stderr(), "error: {message}");
        return Outcome::Error;
    }
    let jobs = args
        .jobs
        .map(std::num::NonZeroUsize::get)
        .or_else(|| {
            std::thread::available_parallelism()
                .ok()
                .map(std::num::NonZeroUsize::get)
        })
        .unwrap_or(1)
        .min(list.len())
        .max(1);
    let options = LoadOptions {
        require_digests: args.require_digests,
        limits: submission_limits,
    };
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

    let human = args.format == Format::Human;
    let width = list
        .iter()
        .map(|p| {
            crate::render::terminal_text(&p.display().to_string())
                .chars()
                .count()
        })
        .max()
        .unwrap_or(0);
    let results: Vec<Mutex<Option<Result1>>> = entries
        .iter()
        .map(|e| {
            Mutex::new(match e {
                Entry::Check(_) => None,
                Entry::NotChecked(_, reason) => Some(Result1::NotChecked(reason.clone())),
            })
        })
        .collect();
    // The next line to print, so lines come out in the order given.
    let printed = Mutex::new(0usize);
    let next = AtomicUsize::new(0);
    let print_ready = || {
        let Ok(mut printed) = printed.lock() else {
            return;
        };
        while let Some(slot) = results.get(*printed) {
            let Ok(guard) = slot.lock() else { return };
            let Some(result) = guard.as_ref() else { break };
            if human {
                let line = line(
                    list.get(*printed).copied().unwrap_or(Path::new("")),
                    result,
                    width,
                );
                bar.suspend(|| {
                    let mut out = anstream::stdout();
                    let _ = writeln!(out, "{line}");
                });
            }
            *printed += 1;
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let (Some(entry), Some(slot)) = (entries.get(index), results.get(index)) else {
                        break;
                    };
                    let Entry::Check(path) = entry else {
                        bar.inc(1);
                        print_ready();
                        continue;
                    };
                    let result = match Submission::load(path, &options)
                        .and_then(|s| engine.check(&s, &CheckOptions { as_of }))
                    {
                        Ok((decision, _)) => Result1::Decided(Box::new(decision)),
                        Err(e) => Result1::Failed(
                            crate::render::terminal_text(&one_line(&e.to_string())),
                            e.is_trust_failure(),
                        ),
                    };
                    if let Ok(mut slot) = slot.lock() {
                        *slot = Some(result);
                    }
                    bar.inc(1);
                    print_ready();
                }
            });
        }
    });
    bar.finish_and_clear();
    print_ready();

    let results: Vec<Result1> = results
        .into_iter()
        .map(|m| {
            m.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| Result1::Failed("not checked".into(), false))
        })
        .collect();
    let count = |v: Verdict| {
        results
            .iter()
            .filter(|r| matches!(r, Result1::Decided(d) if d.verdict == v))
            .count()
    };
    let (approved, rejected, needs) = (
        count(Verdict::Approve),
        count(Verdict::Reject),
        count(Verdict::NeedsEvidence),
    );
    let not_checked = results
        .iter()
        .filter(|r| matches!(r, Result1::NotChecked(_)))
        .count();
    let errors = results.len() - approved - rejected - needs - not_checked;
    let untrusted = results
        .iter()
        .any(|r| matches!(r, Result1::Failed(_, true)));
    let took = started.elapsed().as_secs_f64();

    for (format, path) in &args.outputs {
        let text = report(*format, list, &results, as_of);
        if let Err(e) = crate::output::write(path, text.as_bytes()) {
            let _ = writeln!(
                anstream::stderr(),
                "error: cannot write the {} report to {}: {e}",
                format.name(),
                path.display()
            );
            return Outcome::Error;
        }
    }
    let mut stdout = anstream::stdout();
    if human {
        let _ = writeln!(
            stdout,
            "\n{} submissions: {approved} approve, {rejected} reject, {needs} needs-evidence, \
             {errors} error(s), {not_checked} not checked in {took:.2} s ({:.1}/s, {jobs} at a time)",
            results.len(),
            results.len() as f64 / took.max(1e-9),
        );
    } else {
        let _ = stdout.write_all(report(args.format, list, &results, as_of).as_bytes());
    }
    let _ = stdout.flush();

    if untrusted {
        Outcome::TrustFailure
    } else if errors > 0 {
        Outcome::Error
    } else if not_checked > 0 {
        Outcome::NotChecked
    } else if rejected > 0 {
        Outcome::Rejected
    } else if needs > 0 {
        Outcome::NeedsEvidence
    } else {
        Outcome::Success
    }
}

use assure_engine::jiff as jiff_ts;

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One result line: verdict, folder, product, why.
fn line(path: &Path, result: &Result1, width: usize) -> String {
    let path = format!(
        "{:<width$}",
        crate::render::terminal_text(&path.display().to_string())
    );
    match result {
        Result1::Decided(d) => crate::render::terminal_text(&format!(
            "{:<15} {path}  {} {} — {}",
            d.verdict.as_str(),
            d.product.name,
            d.product.version,
            d.summary
        )),
        Result1::Failed(message, _) => format!("{:<15} {path}  {message}", "error"),
        Result1::NotChecked(reason) => format!(
            "{:<15} {path}  {}",
            "not-checked",
            crate::render::terminal_text(reason)
        ),
    }
}

/// A combined report.
fn report(
    format: Format,
    list: &[&Path],
    results: &[Result1],
    as_of: jiff_ts::Timestamp,
) -> String {
    match format {
        Format::Json => {
            let submissions: Vec<serde_json::Value> = list
                .iter()
                .zip(results)
                .map(|(path, result)| match result {
                    Result1::Decided(d) => json!({
                        "path": path.display().to_string(),
                        "verdict": d.verdict,
                        "summary": d.summary,
                        "decision": d,
                    }),
                    Result1::Failed(message, _) => json!({
                        "path": path.display().to_string(),
                        "verdict": "error",
                        "error": message,
                    }),
                    Result1::NotChecked(reason) => json!({
                        "path": path.display().to_string(),
                        "verdict": "not-checked",
                        "error": reason,
                    }),
                })
                .collect();
            let mut counts = serde_json::Map::new();
            for verdict in [
                "approve",
                "reject",
                "needs-evidence",
                "error",
                "not-checked",
            ] {
                let n = submissions
                    .iter()
                    .filter(|s| s["verdict"] == verdict)
                    .count();
                counts.insert(verdict.into(), n.into());
            }
            let mut out = serde_json::to_string_pretty(&json!({
                "format": FORMAT,
                "evaluated_at": assure_engine::facts::format_datetime(as_of),
                "counts": counts,
                "submissions": submissions,
            }))
            .unwrap_or_default();
            out.push('\n');
            out
        }
        Format::Junit => crate::render::junit_batch(
            &list
                .iter()
                .zip(results)
                .map(|(path, result)| match result {
                    Result1::Decided(d) => (path.display().to_string(), Ok(d.as_ref())),
                    Result1::Failed(m, _) => (path.display().to_string(), Err(m.clone())),
                    Result1::NotChecked(reason) => (
                        path.display().to_string(),
                        Err(format!("not checked: {reason}")),
                    ),
                })
                .collect::<Vec<_>>(),
        ),
        Format::Markdown => {
            let mut out = String::from(
                "## assure: batch\n\n| verdict | submission | product | why |\n|---|---|---|---|\n",
            );
            for (path, result) in list.iter().zip(results) {
                let cell = |t: &str| crate::render::markdown_text(t);
                let row = match result {
                    Result1::Decided(d) => format!(
                        "| {} | {} | {} {} | {} |\n",
                        d.verdict,
                        cell(&path.display().to_string()),
                        cell(&d.product.name),
                        cell(&d.product.version),
                        cell(&d.summary)
                    ),
                    Result1::Failed(m, _) => format!(
                        "| error | {} | | {} |\n",
                        cell(&path.display().to_string()),
                        cell(m)
                    ),
                    Result1::NotChecked(reason) => format!(
                        "| not-checked | {} | | {} |\n",
                        cell(&path.display().to_string()),
                        cell(reason)
                    ),
                };
                out.push_str(&row);
            }
            out
        }
        Format::Human | Format::Sarif | Format::Html => list
            .iter()
            .zip(results)
            .map(|(path, result)| format!("{}\n", line(path, result, 0)))
            .collect(),
    }
}
