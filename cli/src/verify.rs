//! `assure verify`: check a signed decision record, and that the evidence it
//! names is still the evidence on disk; with `--log`, a proof from a
//! tamper-evident log (`log`).

mod log;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use assure_engine::record::{self, MAX_ENVELOPE_BYTES, RecordError};
use assure_trust::keys::PublicKey;
use clap::Args;

use crate::ExitStatus;
use crate::failure::{CommandResult, Failure};

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The decision record (`assure check … --attest FILE`). With `--log` it
    /// is optional, and is the object the logged entry must name (its SHA-256).
    #[arg(required_unless_present = "log")]
    pub record: Option<PathBuf>,

    /// A public key (SPKI PEM) trusted to sign decision records; repeat for several.
    #[arg(
        long = "trust",
        value_name = "PUBLIC_KEY",
        required_unless_present = "log",
        requires = "record"
    )]
    pub trust: Vec<PathBuf>,

    /// How many distinct trusted keys must have signed it.
    #[arg(long, default_value_t = 1, value_name = "K")]
    pub threshold: usize,

    /// The submission folder: check that every evidence file the record
    /// names is still there with the same SHA-256.
    #[arg(long, value_name = "DIR", requires = "trust")]
    pub submission: Option<PathBuf>,

    /// Re-run the check on the submission as of the record's time, with the
    /// built-in bundle (or `--bundle`) and the waivers the record carries,
    /// and compare: the same decision, byte for byte, or what changed
    /// (needs `--submission`).
    #[arg(long, requires = "submission")]
    pub replay: bool,

    /// Replay with this published bundle (verified as `check --bundle`
    /// does, as of the record's time) instead of the built-in one.
    #[arg(long, value_name = "BUNDLE", requires = "replay")]
    pub bundle: Option<PathBuf>,

    /// A public key (SPKI PEM) trusted to sign that bundle; repeat for several.
    #[arg(long = "bundle-trust", value_name = "PUBLIC_KEY", requires = "bundle")]
    pub bundle_trust: Vec<PathBuf>,

    /// How many distinct trusted keys must have signed that bundle.
    #[arg(long = "bundle-threshold", default_value_t = 1, value_name = "K")]
    pub bundle_threshold: usize,

    /// The anti-rollback state file for that bundle (as `check --state`).
    #[arg(long = "bundle-state", value_name = "FILE", requires = "bundle")]
    pub bundle_state: Option<PathBuf>,

    /// A log proof (`assure.log-proof/v1`, from an assure service): that an
    /// entry is in its tamper-evident log, or that the log only grew between
    /// two checkpoints. Checked offline against `--log-key`.
    #[arg(long, value_name = "PROOF.json", requires = "log_key")]
    pub log: Option<PathBuf>,

    /// The log's verifier key (`origin+keyid+base64`), or a file holding it,
    /// or the log's SPKI PEM public key file with `--log-origin`.
    #[arg(long = "log-key", value_name = "KEY", requires = "log")]
    pub log_key: Option<String>,

    /// The log's origin (its name), for a `--log-key` that is a PEM public key.
    #[arg(long = "log-origin", value_name = "ORIGIN", requires = "log_key")]
    pub log_origin: Option<String>,

    /// The bundle the buyer trusts, by its digest (`sha256:…` of its
    /// `bundle.json`, as `assure bundle pull`, `bundle inspect` and `check`
    /// print it): the record must have been made with exactly that bundle,
    /// and by this version of assure (or `--engine-version`).
    #[arg(long = "bundle-digest", value_name = "SHA256", requires = "trust")]
    pub bundle_digest: Option<String>,

    /// With `--bundle-digest`: the assure version the record must have been
    /// made by. Default: this binary's version.
    #[arg(
        long = "engine-version",
        value_name = "VERSION",
        requires = "bundle_digest"
    )]
    pub engine_version: Option<String>,

    /// Print the verified statement (JSON) instead of a summary (with `--log`,
    /// what the proof established; with both, an object of `record` and `log`).
    #[arg(long)]
    pub json: bool,
}

fn trust_failure(message: &str) -> Failure {
    Failure::untrusted(message)
}

pub fn run(args: &VerifyArgs) -> CommandResult {
    let mut text = String::new();
    let mut json = serde_json::Map::new();
    if let Some(record) = &args.record
        && !args.trust.is_empty()
    {
        let (summary, statement) = verify_record(args, record)?;
        text.push_str(&summary);
        json.insert("record".into(), statement);
    }
    if let Some(proof) = &args.log {
        let log_args = log::LogArgs {
            record: args.record.as_deref(),
            key: args.log_key.as_deref().unwrap_or_default(),
            origin: args.log_origin.as_deref(),
        };
        let (summary, verified) = log::verify(&log_args, proof)?;
        text.push_str(&summary);
        json.insert("log".into(), verified);
    }
    if args.json {
        let value = match json.len() {
            1 => json.into_iter().next().map(|(_, v)| v).unwrap_or_default(),
            _ => serde_json::Value::Object(json),
        };
        text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
    }
    let mut stdout = anstream::stdout();
    let _ = stdout.write_all(text.as_bytes());
    Ok(ExitStatus::Success)
}

/// Verifies the signed decision record: its summary, and its statement.
fn verify_record(args: &VerifyArgs, path: &Path) -> Result<(String, serde_json::Value), Failure> {
    let mut keys = Vec::new();
    for path in &args.trust {
        match PublicKey::read_pem_file(path) {
            Ok(key) => keys.push(key),
            Err(e) => {
                return Err(Failure::usage(format!(
                    "trusted key {}: {e}",
                    path.display()
                )));
            }
        }
    }
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path)
        .and_then(|file| file.take(MAX_ENVELOPE_BYTES + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        return Err(Failure::usage(format!(
            "cannot read {}: {e}",
            path.display()
        )));
    }
    if bytes.len() as u64 > MAX_ENVELOPE_BYTES {
        return Err(trust_failure(&format!(
            "{}: larger than {} MiB; not a decision record",
            path.display(),
            MAX_ENVELOPE_BYTES / (1024 * 1024)
        )));
    }
    let verified = match record::verify(&bytes, &keys, args.threshold) {
        Ok(v) => v,
        Err(RecordError::Trust(assure_trust::TrustError::Config(
            assure_trust::error::TrustConfigError { reason },
        ))) => {
            return Err(Failure::usage(reason));
        }
        Err(e) => {
            return Err(trust_failure(&format!(
                "{} does not verify: {e}",
                path.display()
            )));
        }
    };

    let mut out = String::new();
    use std::fmt::Write as _;
    let assure = verified.assure.as_ref();
    let field = |pointer: &str| {
        assure
            .and_then(|a| a.pointer(pointer))
            .and_then(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .or_else(|| Some(v.to_string()))
            })
            .unwrap_or_else(|| "?".to_owned())
    };
    let _ = writeln!(
        out,
        "verified: {} signed by {} trusted key(s): {}",
        path.display(),
        verified.signers.len(),
        verified
            .signers
            .iter()
            .map(|k| k.to_hex())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        out,
        "  product   {} {} (supplier: {}) {}",
        field("/product/name"),
        field("/product/version"),
        field("/product/supplier"),
        verified.resource_uri
    );
    let _ = writeln!(
        out,
        "  verdict   {} ({}): {}",
        field("/verdict"),
        verified.result,
        field("/summary")
    );
    for waiver in assure
        .and_then(|a| a.get("waivers"))
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
    {
        let text = |key: &str| {
            waiver
                .get(key)
                .and_then(serde_json::Value::as_str)
                .unwrap_or("?")
        };
        let line = format!(
            "  waiver    {} ({} {}, until {}): {}; sha256:{}",
            text("id"),
            text("rule"),
            text("file"),
            text("expires"),
            text("status"),
            text("digest")
        );
        let _ = writeln!(out, "{}", assure_report::terminal_text(&line));
    }
    let _ = writeln!(
        out,
        "  bundle    {} v{} (sha256:{})",
        field("/bundle/name"),
        field("/bundle/version"),
        field("/bundle/digest")
    );
    let _ = writeln!(out, "  as of     {}", verified.time_verified);
    let _ = writeln!(out, "  evidence  {} file(s)", verified.subjects.len());

    if let Some(dir) = &args.submission {
        let mismatches = record::check_subjects(&verified.subjects, dir);
        if !mismatches.is_empty() {
            let mut message = format!(
                "the submission {} no longer matches the record:",
                dir.display()
            );
            for m in &mismatches {
                let _ = write!(
                    message,
                    "\n  {}: {}",
                    assure_report::terminal_text(&m.name),
                    m.problem
                );
            }
            return Err(trust_failure(&message));
        }
        let _ = writeln!(
            out,
            "  submission {}: every file matches its recorded sha256",
            dir.display()
        );
    }
    if let Some(expected) = &args.bundle_digest {
        let line = same_engine_and_bundle(args, expected, &field)?;
        let _ = writeln!(out, "  {line}");
    }
    if args.replay
        && let Some(dir) = &args.submission
    {
        match replay(args, &verified, dir) {
            Ok(line) => {
                let _ = writeln!(out, "  replay    {line}");
            }
            Err(failure) => return Err(failure),
        }
    }
    Ok((out, verified.statement))
}

/// The record was made with the bundle whose `bundle.json` has the digest
/// `expected`, by the expected version of assure.
fn same_engine_and_bundle(
    args: &VerifyArgs,
    expected: &str,
    field: &dyn Fn(&str) -> String,
) -> Result<String, Failure> {
    let want = expected
        .trim()
        .strip_prefix("sha256:")
        .unwrap_or(expected.trim())
        .to_ascii_lowercase();
    if want.len() != 64 || !want.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Failure::usage(format!(
            "`--bundle-digest {expected}` is not a SHA-256 digest (sha256: and 64 hex digits)"
        )));
    }
    // Either of the bundle's two names: the SHA-256 of its signed
    // `bundle.json` (what `bundle pull` and `bundle inspect` print), or of
    // its file list (what the built-in bundle is pinned by).
    let made_with = field("/bundle/digest");
    let manifest = field("/bundle/signed/manifest_sha256");
    if made_with != want && manifest != want {
        return Err(trust_failure(&format!(
            "the record was made with bundle {} v{} (bundle.json sha256:{manifest}, files \
             sha256:{made_with}), not the bundle you trust (sha256:{want})",
            field("/bundle/name"),
            field("/bundle/version"),
        )));
    }
    let this = env!("CARGO_PKG_VERSION");
    let engine = args.engine_version.as_deref().unwrap_or(this);
    let made_by = field("/engine/version");
    if made_by != engine {
        return Err(trust_failure(&format!(
            "the record was made by assure {made_by}, not assure {engine}{}",
            if args.engine_version.is_none() {
                " (this binary; pass `--engine-version` to accept another)"
            } else {
                ""
            }
        )));
    }
    Ok(format!(
        "same      bundle sha256:{want} and assure {engine} as you trust"
    ))
}

/// Re-runs the check the record describes with the built-in bundle (or
/// `--bundle`) and compares the decisions.
fn replay(
    args: &VerifyArgs,
    verified: &record::VerifiedRecord,
    dir: &std::path::Path,
) -> Result<String, Failure> {
    use assure_engine::record::{Replay, ReplayError};
    let as_of = verified
        .time_verified
        .parse::<assure_engine::jiff::Timestamp>()
        .map_err(|_| {
            trust_failure(&format!(
                "the record's time `{}` is not an RFC 3339 time",
                verified.time_verified
            ))
        })?;
    let bundle = crate::trust::BundleTrustArgs {
        bundle: args.bundle.clone(),
        trust: args.bundle_trust.clone(),
        threshold: args.bundle_threshold,
        state: args.bundle_state.clone(),
        registry: crate::oci::RegistryArgs::default(),
    }
    .load(as_of)?;
    let engine = assure_engine::Engine::new(bundle).map_err(Failure::from)?;
    match verified.replay(&engine, dir) {
        Ok(same @ Replay::Same { .. }) => Ok(same.to_string()),
        Ok(different) => Err(trust_failure(&different.to_string())),
        Err(ReplayError::Engine(e)) => Err(Failure::from(e)),
        Err(e) if e.is_trust_failure() => Err(trust_failure(&e.to_string())),
        Err(e) => Err(Failure::usage(e.to_string())),
    }
}
