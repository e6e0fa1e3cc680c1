//! `assure check`'s arguments, and what they set up: the output paths that
//! must not overwrite evidence, the engine with the operator's limits,
//! cache and reference data, and how a batch is run.

use std::io::Write;
use std::path::PathBuf;

use assure_engine::batch::{BatchOptions, Entry};
use assure_engine::{CheckOptions, CodeCache, Engine};
use assure_report::Format;
use clap::Args;

/// `--format`: a report format, listed by `--help` with what it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatArg(pub Format);

impl clap::ValueEnum for FormatArg {
    fn value_variants<'a>() -> &'a [Self] {
        const ALL: [FormatArg; 6] = [
            FormatArg(Format::Human),
            FormatArg(Format::Json),
            FormatArg(Format::Sarif),
            FormatArg(Format::Junit),
            FormatArg(Format::Markdown),
            FormatArg(Format::Html),
        ];
        &ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.0.name()).help(self.0.description()))
    }
}

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Self {
        format.0
    }
}

/// `--output FORMAT=PATH`.
fn parse_output(text: &str) -> Result<(Format, PathBuf), String> {
    let (format, path) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not FORMAT=PATH (e.g. sarif=assure.sarif)"))?;
    let format: Format = format
        .parse()
        .map_err(|e: assure_report::UnknownFormat| e.to_string())?;
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
    #[arg(long, value_enum, default_value_t = FormatArg(Format::Human))]
    pub format: FormatArg,

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

    /// A waiver to judge with (a signed DSSE envelope, from `assure waiver
    /// new` and `sign`); repeatable. A `waivers/` folder in the submission,
    /// or beside it, is read too. The bundle says who may approve waivers
    /// and for what; a waiver that does not stand is reported, its findings
    /// stay active.
    #[arg(long = "waiver", value_name = "FILE")]
    pub waivers: Vec<PathBuf>,

    #[command(flatten)]
    pub bundle: crate::trust::BundleTrustArgs,

    #[command(flatten)]
    pub cache: CacheArgs,
}

/// The engine for `bundle` with the operator's limits, code cache and
/// reference data; `threads` 0 for one plugin call per core.
pub fn engine(
    args: &CheckArgs,
    bundle: assure_engine::TrustedBundle,
    overrides: &[(String, u64)],
    threads: usize,
) -> Result<Engine, assure_engine::Error> {
    build_engine(
        bundle,
        overrides,
        args.cache.open(),
        &args.references,
        threads,
    )
}

/// The engine for `bundle` with these limits, code cache and reference data
/// (`--reference NAME=FILE`, each checked against its schema); `threads` 0
/// for one plugin call per core. `check` and `recheck` build theirs here.
pub(crate) fn build_engine(
    bundle: assure_engine::TrustedBundle,
    overrides: &[(String, u64)],
    code_cache: Option<CodeCache>,
    references: &[(String, PathBuf)],
    threads: usize,
) -> Result<Engine, assure_engine::Error> {
    let mut builder = Engine::builder(bundle)
        .limits(overrides)
        .code_cache(code_cache);
    if threads > 0 {
        builder = builder.threads(threads);
    }
    for (name, path) in references {
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
pub fn batch_options(
    args: &CheckArgs,
    engine: &Engine,
    check: CheckOptions,
    entries: &[Entry],
) -> BatchOptions {
    BatchOptions {
        load: engine.load_options(args.require_digests),
        check,
        jobs: jobs(args.jobs, entries.len()),
    }
}

/// How many of `count` submissions to check at once: `--jobs`, else one per
/// core, never more than there are.
pub(crate) fn jobs(given: Option<std::num::NonZeroUsize>, count: usize) -> std::num::NonZeroUsize {
    let jobs = given
        .map(std::num::NonZeroUsize::get)
        .or_else(|| {
            std::thread::available_parallelism()
                .ok()
                .map(std::num::NonZeroUsize::get)
        })
        .unwrap_or(1)
        .min(count)
        .max(1);
    std::num::NonZeroUsize::new(jobs).unwrap_or(std::num::NonZeroUsize::MIN)
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

/// An RFC 3339 date-time given to `flag` (`--as-of`, `--since`).
pub(crate) fn parse_time(
    flag: &str,
    text: &str,
) -> Result<assure_engine::jiff::Timestamp, crate::failure::Failure> {
    assure_engine::facts::normalise_datetime(text)
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| {
            crate::failure::Failure::usage(format!(
                "`{flag} {text}` is not an RFC 3339 date-time (e.g. 2026-11-28T00:00:00Z)"
            ))
        })
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

/// `NAME=FILE` for `--reference`.
pub(crate) fn parse_reference(text: &str) -> Result<(String, PathBuf), String> {
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

/// `NAME=VALUE` for `--limit`.
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
pub fn limit_overrides(args: &CheckArgs) -> Result<Vec<(String, u64)>, String> {
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
