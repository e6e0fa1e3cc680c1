//! `assure check`.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use assure_engine::batch::{BatchOptions, Entry, Listing};
use assure_engine::{CheckOptions, CodeCache, Engine, Submission, Verdict};
use assure_report::Format;
use clap::Args;

use crate::{ExitStatus, fail};

/// `--format FORMAT`.
fn parse_format(text: &str) -> Result<Format, String> {
    text.parse().map_err(|e: assure_report::UnknownFormat| e.to_string())
}

/// `--output FORMAT=PATH`.
fn parse_output(text: &str) -> Result<(Format, PathBuf), String> {
    let (format, path) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not FORMAT=PATH (e.g. sarif=assure.sarif)"))?;
    let format: Format = format.parse().map_err(|e: assure_report::UnknownFormat| e.to_string())?;
    if path.is_empty() {
        return Err(format!("`{text}` names no file"));
    }
    Ok((format, PathBuf::from(path)))
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The submission folder (it holds submission.toml). Several folders, or
    /// one folder of submission folders, are checked as a batch on all cores,
    /// one result line each.
    #[arg(required = true, value_name = "SUBMISSION")]
    pub submissions: Vec<PathBuf>,

    /// Batch: how many submissions to check at once (default: one per core).
    #[arg(long, value_name = "N")]
    pub jobs: Option<std::num::NonZeroUsize>,

    /// The format printed on standard output.
    #[arg(long, default_value = "human", value_parser = parse_format)]
    pub format: Format,

    /// Also write the decision in FORMAT to PATH (repeatable), e.g.
    /// `--output sarif=assure.sarif --output html=report.html`.
    #[arg(long = "output", value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub outputs: Vec<(Format, PathBuf)>,

    /// Refuse evidence entries that do not declare their SHA-256 (for gates).
    #[arg(long)]
    pub require_digests: bool,

    /// Evaluate as of this time (RFC 3339, e.g. 2026-11-28T00:00:00Z), so a
    /// decision can be replayed. Default: now.
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,

    /// Print the time each stage took (to stderr).
    #[arg(long)]
    pub timings: bool,

    /// Wall-clock limit for one plugin call, in seconds (`limits.deadline_ms`;
    /// default: the bundle's, else 2). Overrides the bundle's, up to 60.
    #[arg(long, value_name = "SECONDS")]
    pub plugin_timeout: Option<f64>,

    /// Memory limit for one plugin instance, in MiB (`limits.memory_bytes`;
    /// default: the bundle's, else 512). Overrides the bundle's, up to 4096.
    #[arg(long, value_name = "MIB")]
    pub plugin_memory: Option<u64>,

    /// Fuel (about one per WebAssembly instruction) for one plugin call
    /// (`limits.fuel`; default: the bundle's, else 20,000,000,000).
    /// Overrides the bundle's.
    #[arg(long, value_name = "UNITS")]
    pub plugin_fuel: Option<u64>,

    /// Set any limit, as `NAME=VALUE` with a name from docs/LIMITS.md (e.g.
    /// `--limit files=5000`). Overrides the bundle's; may be repeated.
    #[arg(long = "limit", value_name = "NAME=VALUE", value_parser = parse_limit)]
    pub limits: Vec<(String, u64)>,

    /// Judge with a newer copy of the bundle's reference data than the
    /// bundle's own, as `NAME=FILE`: `kev=known_exploited_vulnerabilities.json`
    /// (checked against CISA's schema) or `nhs_alerts=FILE`. Refused unless it
    /// validates and is newer; its version and digest are in the decision and
    /// the signed record. May be repeated, once per name.
    #[arg(long = "reference", value_name = "NAME=FILE", value_parser = parse_reference)]
    pub references: Vec<(String, PathBuf)>,

    /// Write a signed decision record to FILE: a DSSE envelope holding an
    /// in-toto Statement (subjects: the evidence files and their SHA-256;
    /// predicate: an SLSA Verification Summary with the verdict and findings).
    /// Check it with `assure verify`.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub attest: Option<PathBuf>,

    /// The Ed25519 private key (PKCS#8 PEM, from `assure key generate`) that
    /// signs the decision record.
    #[arg(long, value_name = "PRIVATE_KEY", requires = "attest")]
    pub key: Option<PathBuf>,

    #[command(flatten)]
    pub bundle: crate::trust::BundleTrustArgs,

    #[command(flatten)]
    pub cache: CacheArgs,
}

pub fn run(args: &CheckArgs) -> ExitStatus {
    let started = Instant::now();
    let as_of = match &args.as_of {
        None => assure_engine::jiff::Timestamp::now(),
        Some(text) => {
            match assure_engine::facts::normalise_datetime(text).and_then(|t| t.parse().ok()) {
                Some(t) => t,
                None => {
                    let _ = writeln!(
                        anstream::stderr(),
                        "error: `--as-of {text}` is not an RFC 3339 date-time (e.g. 2026-11-28T00:00:00Z)"
                    );
                    return ExitStatus::Error;
                }
            }
        }
    };
    let overrides = match limit_overrides(args) {
        Ok(o) => o,
        Err(message) => {
            let _ = writeln!(anstream::stderr(), "error: {message}");
            return ExitStatus::Error;
        }
    };

    // Read the signing key first: a decision is not worth making if it
    // cannot be recorded as asked.
    let signing_key = match &args.key {
        None => None,
        Some(path) => match assure_trust::keys::PrivateKey::read_pem_file(path) {
            Ok(key) => Some(key),
            Err(e) => {
                let _ = writeln!(
                    anstream::stderr(),
                    "error: cannot read the signing key {}: {e}",
                    path.display()
                );
                return ExitStatus::Error;
            }
        },
    };

    let listing = match assure_engine::batch::list(&args.submissions) {
        Ok(listing) => listing,
        Err(e) => return fail(&e.into()),
    };
    // The bundle first: it sets the limits the submission is read under.
    let mut stages: Vec<(String, Duration)> = Vec::new();
    let t = Instant::now();
    let bundle = match args.bundle.load(as_of) {
        Ok(b) => b,
        Err(outcome) => return outcome,
    };
    stages.push(("load bundle".into(), t.elapsed()));
    let submission_path = match listing {
        Listing::One(path) => path,
        Listing::Batch(list) => {
            if signing_key.is_some() {
                let _ = writeln!(
                    anstream::stderr(),
                    "error: `--attest` signs one decision: check the submissions one at a time to record each"
                );
                return ExitStatus::Error;
            }
            // The batch's workers use the cores; each check runs its plugin
            // calls in turn.
            return match engine(args, bundle, &overrides, 1) {
                Ok(engine) => crate::batch::run(args, &engine, &list, as_of),
                Err(e) => fail(&e),
            };
        }
    };
    let submission_path = &submission_path;

    let t = Instant::now();
    let engine = match engine(args, bundle, &overrides, 0) {
        Ok(engine) => engine,
        Err(e) => return fail(&e),
    };
    stages.push(("start plugin sandbox".into(), t.elapsed()));

    let t = Instant::now();
    let submission = match Submission::load(submission_path, &engine.load_options(args.require_digests)) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    stages.push(("load submission".into(), t.elapsed()));
    // Nothing is written over what is judged.
    if let Err(message) = refuse_overwriting(args, &[submission_path.as_path()]) {
        let _ = writeln!(anstream::stderr(), "error: {message}");
        return ExitStatus::Error;
    }

    let (decision, timings) = match engine.check(&submission, &CheckOptions { as_of }) {
        Ok(result) => result,
        Err(e) => return fail(&e),
    };
    stages.extend(timings.stages);

    let t = Instant::now();
    let name = submission_path.display().to_string();
    for (format, path) in &args.outputs {
        let text = assure_report::render(*format, &decision, &name);
        if let Err(e) = crate::output::write(path, text.as_bytes()) {
            let _ = writeln!(
                anstream::stderr(),
                "error: cannot write the {format} report to {}: {e}",
                path.display()
            );
            return ExitStatus::Error;
        }
    }
    if let (Some(path), Some(key)) = (&args.attest, &signing_key) {
        let envelope = assure_engine::record::sign(&decision, key);
        if let Err(e) = crate::output::write(path, &envelope.to_json()) {
            let _ = writeln!(
                anstream::stderr(),
                "error: cannot write the decision record to {}: {e}",
                path.display()
            );
            return ExitStatus::Error;
        }
    }
    let text = assure_report::render(args.format, &decision, &name);
    if let Err(outcome) = crate::output::print(&text) {
        return outcome;
    }
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

    match decision.verdict {
        Verdict::Approve => ExitStatus::Success,
        Verdict::Reject => ExitStatus::Rejected,
        Verdict::NeedsEvidence => ExitStatus::NeedsEvidence,
    }
}

/// The engine for `bundle` with the operator's limits, code cache and
/// reference data; `threads` 0 for one plugin call per core.
fn engine(
    args: &CheckArgs,
    bundle: assure_engine::Bundle,
    overrides: &[(String, u64)],
    threads: usize,
) -> Result<Engine, assure_engine::Error> {
    let mut builder = Engine::builder(bundle)
        .limits(overrides)
        .code_cache(args.cache.open());
    if threads > 0 {
        builder = builder.threads(threads);
    }
    for (name, path) in &args.references {
        let bytes = match name.as_str() {
            "kev" => crate::data::read_checked::<assure_engine::reference::Kev>(path)?.0,
            _ => crate::data::read_checked::<assure_engine::reference::NhsAlerts>(path)?.0,
        };
        let label = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        builder = builder.reference(name, &label, bytes);
    }
    builder.build()
}

/// How a batch is loaded and judged.
pub fn batch_options(args: &CheckArgs, engine: &Engine, as_of: assure_engine::jiff::Timestamp, entries: &[Entry]) -> BatchOptions {
    let jobs = args
        .jobs
        .map(std::num::NonZeroUsize::get)
        .or_else(|| std::thread::available_parallelism().ok().map(std::num::NonZeroUsize::get))
        .unwrap_or(1)
        .min(entries.len())
        .max(1);
    BatchOptions {
        load: engine.load_options(args.require_digests),
        check: CheckOptions { as_of },
        jobs: std::num::NonZeroUsize::new(jobs).unwrap_or(std::num::NonZeroUsize::MIN),
    }
}

/// Refuses an `--output` or `--attest` path that is a file of one of the
/// submission `folders` (the manifest, evidence, anything present).
pub fn refuse_overwriting(args: &CheckArgs, folders: &[&std::path::Path]) -> Result<(), String> {
    let inputs = crate::output::JudgedFiles::of(folders.iter().copied());
    for (format, path) in &args.outputs {
        inputs.refuse(&format!("the {} report", format.name()), path)?;
    }
    if let Some(path) = &args.attest {
        inputs.refuse("the decision record", path)?;
    }
    Ok(())
}

/// Where compiled plugin code is kept between runs.
#[derive(Debug, Args)]
pub struct CacheArgs {
    /// Compile every plugin afresh, and read or write no compiled-code cache.
    #[arg(long)]
    pub no_cache: bool,

    /// The compiled-code cache, a private directory (created mode 0700).
    /// Default: $ASSURE_CACHE_DIR, else $XDG_CACHE_HOME/assure, else
    /// ~/.cache/assure.
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache_dir: Option<PathBuf>,
}

impl CacheArgs {
    /// The code cache to use, if any. A directory that cannot be used (not
    /// the user's own, open to others, not writable) is reported and
    /// skipped: the check still runs, compiling its plugins.
    pub fn open(&self) -> Option<CodeCache> {
        if self.no_cache {
            return None;
        }
        let dir = self.cache_dir.clone().or_else(default_cache_dir)?;
        match CodeCache::open(&dir) {
            Ok(cache) => Some(cache),
            Err(e) => {
                let _ = writeln!(
                    anstream::stderr(),
                    "warning: {e}; plugins are compiled for this run only"
                );
                None
            }
        }
    }
}

/// `$ASSURE_CACHE_DIR`, else `$XDG_CACHE_HOME/assure` (when absolute, as
/// the XDG specification requires), else `~/.cache/assure`.
fn default_cache_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
    };
    var("ASSURE_CACHE_DIR")
        .or_else(|| {
            var("XDG_CACHE_HOME")
                .filter(|dir| dir.is_absolute())
                .map(|dir| dir.join("assure"))
        })
        .or_else(|| var("HOME").map(|home| home.join(".cache").join("assure")))
}

/// `NAME=VALUE` for `--limit`.
fn parse_reference(text: &str) -> Result<(String, PathBuf), String> {
    let (name, file) = text.split_once('=').ok_or_else(|| {
        format!("`{text}` is not NAME=FILE (e.g. kev=known_exploited_vulnerabilities.json)")
    })?;
    let name = name.trim();
    if !["kev", "nhs_alerts"].contains(&name) {
        return Err(format!(
            "`{name}` is not reference data assure knows: give `kev` or `nhs_alerts`"
        ));
    }
    if file.is_empty() {
        return Err(format!("`{text}` names no file"));
    }
    Ok((name.to_owned(), PathBuf::from(file)))
}

fn parse_limit(text: &str) -> Result<(String, u64), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not NAME=VALUE"))?;
    let value: u64 = value
        .trim()
        .replace('_', "")
        .parse()
        .map_err(|_| format!("`{value}` is not a whole number"))?;
    let name = name.trim().trim_start_matches("limits.").to_owned();
    assure_engine::limits::check(&name, value).map_err(|e| e.to_string())?;
    Ok((name, value))
}

/// The limits the operator set on the command line, by name, each checked
/// against its ceiling.
fn limit_overrides(args: &CheckArgs) -> Result<Vec<(String, u64)>, String> {
    let mut out = Vec::new();
    if let Some(seconds) = args.plugin_timeout {
        if !(seconds.is_finite() && seconds > 0.0) {
            return Err("`--plugin-timeout` must be a positive number of seconds".into());
        }
        // Whole milliseconds; `as` saturates, and the ceiling check below
        // refuses anything too large.
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a positive, finite number of milliseconds, range-checked next"
        )]
        let ms = (seconds * 1000.0).round().max(1.0) as u64;
        out.push(("deadline_ms".to_owned(), ms));
    }
    if let Some(mib) = args.plugin_memory {
        out.push(("memory_bytes".to_owned(), mib.saturating_mul(1024 * 1024)));
    }
    if let Some(fuel) = args.plugin_fuel {
        out.push(("fuel".to_owned(), fuel));
    }
    out.extend(args.limits.iter().cloned());
    for (name, value) in &out {
        assure_engine::limits::check(name, *value).map_err(|e| {
            let flag = match name.as_str() {
                "deadline_ms" => "`--plugin-timeout`: ",
                "memory_bytes" => "`--plugin-memory`: ",
                "fuel" => "`--plugin-fuel`: ",
                _ => "",
            };
            format!("{flag}{e}")
        })?;
    }
    Ok(out)
}
