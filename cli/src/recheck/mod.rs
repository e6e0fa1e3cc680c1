//! `assure recheck`: which decisions of a folder of submissions would
//! change, and why, with new reference data, a new bundle or a later date —
//! without a server.
//!
//! Each submission is decided twice. *Before*: with the built-in bundle (or
//! `--baseline-bundle`) and its own reference data, as of `--since`
//! (default: now). *After*: with `--bundle` (default: the same bundle) and
//! the operator's reference data (`--kev`, `--reference`), as of `--as-of`
//! (default: now). Both decisions share one facts store, so each document is
//! read by its plugins at most once: the second decision is the join and
//! Cedar only. `report` says what changed.

mod report;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use assure_engine::batch::{BatchItem, BatchOptions, BatchResult, Entry, Listing};
use assure_engine::factcache::{DiskFacts, FactsStats, FactsStore, MemoryFacts};
use assure_engine::jiff::Timestamp;
use assure_engine::{CheckOptions, Engine};
use clap::{Args, ValueEnum};

use crate::check::{CacheArgs, build_engine, jobs, parse_reference, parse_time};
use crate::failure::{CommandResult, Failure};
use crate::trust::BundleTrustArgs;
use report::{Compared, Problem, Recheck};

/// What `recheck` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecheckFormat {
    /// One block per decision that changes, then a summary line.
    Human,
    /// One JSON object: every change with its transition, and the errors.
    Json,
}

#[derive(Debug, Args)]
pub struct RecheckArgs {
    /// The submission folders, or one folder of submission folders (as
    /// `assure check` takes them).
    #[arg(required = true, value_name = "SUBMISSION")]
    pub submissions: Vec<PathBuf>,

    /// A newer CISA Known Exploited Vulnerabilities catalogue to judge
    /// "after" with: shorthand for `--reference kev=FILE`.
    #[arg(long, value_name = "FILE")]
    pub kev: Option<PathBuf>,

    /// Newer reference data to judge "after" with, as `NAME=FILE` (`kev`,
    /// `nhs_alerts`), checked as `assure check --reference` checks it.
    #[arg(long = "reference", value_name = "NAME=FILE", value_parser = parse_reference)]
    pub references: Vec<(String, PathBuf)>,

    /// The published bundle "before" is judged with: verified as `--bundle`
    /// is, with the same `--trust` keys and anti-rollback state (so not older
    /// than a version already accepted), as of `--since`. Default: the
    /// built-in NHS baseline. "After" uses `--bundle` if given, else this one.
    #[arg(long, value_name = "BUNDLE")]
    pub baseline_bundle: Option<PathBuf>,

    /// When "after" is judged (RFC 3339, e.g. 2026-11-28T00:00:00Z).
    /// Default: now.
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,

    /// When "before" is judged (RFC 3339). Default: now.
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,

    /// The format printed on standard output.
    #[arg(long, value_enum, default_value_t = RecheckFormat::Human)]
    pub format: RecheckFormat,

    /// How many submissions to check at once (default: one per core).
    #[arg(long, value_name = "N")]
    pub jobs: Option<std::num::NonZeroUsize>,

    /// Also list each decision that does not change (`path: approve
    /// (unchanged)`), and how the facts store was used.
    #[arg(short, long)]
    pub verbose: bool,

    /// "After": the published bundle to judge with (the same flags as
    /// `assure check`).
    #[command(flatten)]
    pub bundle: BundleTrustArgs,

    #[command(flatten)]
    pub cache: CacheArgs,
}

/// Where the two decisions of each submission keep what the plugins read.
enum Facts {
    /// `<cache dir>/facts/`: kept between runs too.
    Disk(Arc<DiskFacts>),
    /// This run only (`--no-cache`, or a cache directory that cannot be used).
    Memory(Arc<MemoryFacts>),
}

impl Facts {
    fn store(&self) -> Arc<dyn FactsStore> {
        match self {
            Facts::Disk(store) => store.clone(),
            Facts::Memory(store) => store.clone(),
        }
    }

    fn stats(&self) -> FactsStats {
        match self {
            Facts::Disk(store) => store.stats(),
            Facts::Memory(store) => store.stats(),
        }
    }
}

/// Says which decisions of the submissions `args` names would change.
pub fn run(args: &RecheckArgs) -> CommandResult {
    let now = Timestamp::now();
    let since = match &args.since {
        Some(text) => parse_time("--since", text)?,
        None => now,
    };
    let as_of = match &args.as_of {
        Some(text) => parse_time("--as-of", text)?,
        None => now,
    };
    let mut references = args.references.clone();
    if let Some(kev) = &args.kev {
        if references.iter().any(|(name, _)| name == "kev") {
            return Err(Failure::usage(
                "`--kev FILE` is `--reference kev=FILE`: give the catalogue once",
            ));
        }
        references.push(("kev".to_owned(), kev.clone()));
    }
    let new_bundle = args.bundle.bundle.is_some();
    if references.is_empty() && !new_bundle && since == as_of {
        return Err(Failure::usage(
            "nothing would change: `recheck` compares each decision with the one made with \
             newer reference data (`--kev FILE`, `--reference NAME=FILE`), another bundle \
             (`--bundle FILE --trust KEY`) or at another time (`--as-of TIME`, `--since TIME`); \
             give at least one",
        ));
    }

    let entries = match assure_engine::batch::list(&args.submissions) {
        Ok(Listing::One(path)) => vec![Entry::Check(path)],
        Ok(Listing::Batch(list)) => list,
        Err(e) => return Err(Failure::from(assure_engine::Error::from(e))),
    };

    // Before first: a published baseline is then accepted before a newer
    // bundle, as the anti-rollback state requires.
    let before_bundle = match &args.baseline_bundle {
        None => assure_engine::TrustedBundle::builtin()
            .map_err(|e| Failure::from(assure_engine::Error::from(e)))?,
        Some(path) => BundleTrustArgs {
            bundle: Some(path.clone()),
            trust: args.bundle.trust.clone(),
            threshold: args.bundle.threshold,
            state: args.bundle.state.clone(),
            registry: args.bundle.registry.clone(),
        }
        .load(since)?,
    };
    let after_bundle = if new_bundle {
        Some(args.bundle.load(as_of)?)
    } else if !args.bundle.trust.is_empty() && args.baseline_bundle.is_none() {
        return Err(Failure::usage(
            "`--trust` is for a published bundle: pass it with `--bundle <file>` or \
             `--baseline-bundle <file>`",
        ));
    } else {
        None
    };

    let code_cache = args.cache.open();
    let facts = match code_cache.as_ref().map(DiskFacts::open) {
        Some(Ok(store)) => Facts::Disk(Arc::new(store)),
        Some(Err(e)) => {
            let _ = std::io::Write::write_all(
                &mut anstream::stderr(),
                format!("warning: {e}; the facts read are kept for this run only\n").as_bytes(),
            );
            Facts::Memory(Arc::new(MemoryFacts::default()))
        }
        None => Facts::Memory(Arc::new(MemoryFacts::default())),
    };

    // The batch's workers use the cores; each check makes its plugin calls
    // in turn.
    let same_engine = after_bundle.is_none() && references.is_empty();
    let after_bundle = after_bundle.unwrap_or_else(|| before_bundle.clone());
    let before = build_engine(before_bundle, &[], code_cache.clone(), &[], 1)?;
    let after = if same_engine {
        None
    } else {
        Some(build_engine(after_bundle, &[], code_cache, &references, 1)?)
    };
    let after_engine = after.as_ref().unwrap_or(&before);

    let paths: Vec<&std::path::Path> = entries.iter().map(Entry::path).collect();
    let waivers = crate::waiver::for_check(&[], &paths)?;
    let jobs = jobs(args.jobs, entries.len());
    let bar = progress(entries.len());
    let done = || bar.inc(1);
    let decide = |engine: &Engine, at: Timestamp| {
        let options = BatchOptions {
            load: engine.load_options(false),
            check: CheckOptions::at(at)
                .with_waivers(waivers.clone())
                .with_facts(facts.store()),
            jobs,
        };
        engine.check_all(&entries, &options, &|_| {}, &done)
    };
    let before_items = decide(&before, since);
    let after_items = decide(after_engine, as_of);
    bar.finish_and_clear();

    let recheck = compare(
        &before_items,
        &after_items,
        after_engine,
        since,
        as_of,
        facts.stats(),
    );
    let text = match args.format {
        RecheckFormat::Human => recheck.human(args.verbose),
        RecheckFormat::Json => recheck.json(),
    };
    crate::output::print(&text)?;
    Ok(recheck.status())
}

/// A progress bar over both decisions of `count` submissions, on a
/// terminal only.
fn progress(count: usize) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(2 * count as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} decisions  eta {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// Each submission's two decisions, compared.
fn compare(
    before: &[BatchItem],
    after: &[BatchItem],
    after_engine: &Engine,
    since: Timestamp,
    as_of: Timestamp,
    facts: FactsStats,
) -> Recheck {
    let mut recheck = Recheck::new(since, as_of, facts);
    for (old, new) in before.iter().zip(after) {
        let path = old.path.display().to_string();
        match (&old.result, &new.result) {
            (BatchResult::Decided(old), BatchResult::Decided(new)) => {
                recheck.add(Compared::of(path, old, new, after_engine.bundle()));
            }
            (failed @ (BatchResult::Failed { .. } | BatchResult::NotChecked { .. }), _)
            | (_, failed) => recheck.fail(Problem::of(path, failed)),
        }
    }
    recheck
}
