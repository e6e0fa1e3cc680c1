//! `assure verify`: check a signed decision record, and that the evidence it
//! names is still the evidence on disk.

use std::io::{Read, Write};
use std::path::PathBuf;

use assure_engine::record::{self, MAX_ENVELOPE_BYTES, RecordError};
use assure_trust::keys::PublicKey;
use clap::Args;

use crate::Outcome;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The decision record (`assure check … --attest FILE`).
    pub record: PathBuf,

    /// A public key (SPKI PEM) trusted to sign decision records; repeat for several.
    #[arg(long = "trust", value_name = "PUBLIC_KEY", required = true)]
    pub trust: Vec<PathBuf>,

    /// How many distinct trusted keys must have signed it.
    #[arg(long, default_value_t = 1, value_name = "K")]
    pub threshold: usize,

    /// The submission folder: check that every evidence file the record
    /// names is still there with the same SHA-256.
    #[arg(long, value_name = "DIR")]
    pub submission: Option<PathBuf>,

    /// Re-run the check on the submission as of the record's time, with the
    /// built-in bundle, and compare: the same decision, byte for byte, or
    /// what changed (needs `--submission`).
    #[arg(long, requires = "submission")]
    pub replay: bool,

    /// Print the verified statement (JSON) instead of a summary.
    #[arg(long)]
    pub json: bool,
}

fn trust_failure(message: &str) -> Outcome {
    let _ = writeln!(anstream::stderr(), "error: {message}");
    Outcome::TrustFailure
}

pub fn run(args: &VerifyArgs) -> Outcome {
    let mut keys = Vec::new();
    for path in &args.trust {
        match PublicKey::read_pem_file(path) {
            Ok(key) => keys.push(key),
            Err(e) => {
                let _ = writeln!(
                    anstream::stderr(),
                    "error: trusted key {}: {e}",
                    path.display()
                );
                return Outcome::Error;
            }
        }
    }
    let mut bytes = Vec::new();
    let read = std::fs::File::open(&args.record)
        .and_then(|file| file.take(MAX_ENVELOPE_BYTES + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        let _ = writeln!(
            anstream::stderr(),
            "error: cannot read {}: {e}",
            args.record.display()
        );
        return Outcome::Error;
    }
    if bytes.len() as u64 > MAX_ENVELOPE_BYTES {
        return trust_failure(&format!(
            "{}: larger than {} MiB; not a decision record",
            args.record.display(),
            MAX_ENVELOPE_BYTES / (1024 * 1024)
        ));
    }
    let verified = match record::verify(&bytes, &keys, args.threshold) {
        Ok(v) => v,
        Err(RecordError::Trust(assure_trust::TrustError::Config(
            assure_trust::error::TrustConfigError { reason },
        ))) => {
            let _ = writeln!(anstream::stderr(), "error: {reason}");
            return Outcome::Error;
        }
        Err(e) => {
            return trust_failure(&format!("{} does not verify: {e}", args.record.display()));
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
        args.record.display(),
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
                    crate::render::terminal_text(&m.name),
                    m.problem
                );
            }
            return trust_failure(&message);
        }
        let _ = writeln!(
            out,
            "  submission {}: every file matches its recorded sha256",
            dir.display()
        );
    }
    if args.replay
        && let Some(dir) = &args.submission
    {
        match replay(&verified, dir) {
            Ok(line) => {
                let _ = writeln!(out, "  replay    {line}");
            }
            Err(outcome) => return outcome,
        }
    }
    if args.json {
        out = serde_json::to_string_pretty(&verified.statement).unwrap_or_default();
        out.push('\n');
    }
    let mut stdout = anstream::stdout();
    let _ = stdout.write_all(out.as_bytes());
    Outcome::Success
}

/// Re-runs the check the record describes and compares the decisions.
fn replay(verified: &record::VerifiedRecord, dir: &std::path::Path) -> Result<String, Outcome> {
    use assure_engine::{Bundle, CheckOptions, Engine, Limits, LoadOptions, Submission};
    let recorded = |pointer: &str| {
        verified
            .assure
            .as_ref()
            .and_then(|a| a.pointer(pointer))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
    };
    let (Some(recorded_digest), Some(recorded_bundle)) =
        (recorded("/decision_sha256"), recorded("/bundle/digest"))
    else {
        return Err(trust_failure(
            "the record carries no assure decision digest to replay against",
        ));
    };
    let Ok(as_of) = verified
        .time_verified
        .parse::<assure_engine::jiff::Timestamp>()
    else {
        return Err(trust_failure(&format!(
            "the record's time `{}` is not an RFC 3339 time",
            verified.time_verified
        )));
    };
    let bundle = Bundle::builtin().map_err(|e| crate::fail(&e.into()))?;
    if bundle.digest != recorded_bundle {
        let _ = writeln!(
            anstream::stderr(),
            "error: the record was decided with bundle sha256:{recorded_bundle}; this assure \
             carries sha256:{} — replay needs the same bundle",
            bundle.digest
        );
        return Err(Outcome::Error);
    }
    // Reference data the operator gave (`check --reference`) is not in this
    // binary: replaying without it would judge with other knowledge.
    let given: Vec<String> = verified
        .assure
        .as_ref()
        .and_then(|a| a.get("reference_data"))
        .and_then(serde_json::Value::as_array)
        .map(|list| {
            list.iter()
                .filter(|d| d.get("origin").and_then(serde_json::Value::as_str) == Some("operator"))
                .map(|d| {
                    let field =
                        |k: &str| d.get(k).and_then(serde_json::Value::as_str).unwrap_or("?");
                    format!(
                        "{} {} ({}, sha256:{})",
                        field("name"),
                        field("version"),
                        field("path"),
                        field("sha256")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if !given.is_empty() {
        let _ = writeln!(
            anstream::stderr(),
            "error: the record was decided with reference data given with --reference: {}; \
             replay judges with this binary's built-in data only, so it cannot reproduce it",
            given.join(", ")
        );
        return Err(Outcome::Error);
    }
    let options = LoadOptions {
        limits: assure_engine::SubmissionLimits::for_bundle(&bundle),
        ..LoadOptions::default()
    };
    let submission = Submission::load(dir, &options).map_err(|e| crate::fail(&e))?;
    let limits = Limits::for_bundle(&bundle);
    let engine = Engine::new(bundle, limits).map_err(|e| crate::fail(&e))?;
    let (decision, _) = engine
        .check(&submission, &CheckOptions { as_of })
        .map_err(|e| crate::fail(&e))?;
    let digest = assure_engine::submission::sha256_hex(decision.to_json().as_bytes());
    if digest == recorded_digest {
        return Ok(format!(
            "re-ran as of {}: the same decision (sha256:{digest})",
            verified.time_verified
        ));
    }
    let mut message = format!(
        "the replay as of {} gives a different decision (sha256:{digest}, recorded sha256:{recorded_digest})",
        verified.time_verified
    );
    let was = recorded("/verdict").unwrap_or_default();
    if was != decision.verdict.as_str() {
        message.push_str(&format!(
            "\n  verdict: recorded {was}, now {}",
            decision.verdict
        ));
    }
    let rules = |list: Option<&serde_json::Value>| -> Vec<String> {
        list.and_then(serde_json::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.get("rule").and_then(serde_json::Value::as_str))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let before = rules(verified.assure.as_ref().and_then(|a| a.get("findings")));
    let now: Vec<String> = decision.findings.iter().map(|f| f.rule.clone()).collect();
    if before != now {
        message.push_str(&format!(
            "\n  findings: recorded [{}], now [{}]",
            before.join(", "),
            now.join(", ")
        ));
    }
    let engine_was = recorded("/engine/version").unwrap_or_default();
    if engine_was != decision.engine.version {
        message.push_str(&format!(
            "\n  engine: recorded assure {engine_was}, now {}",
            decision.engine.version
        ));
    }
    Err(trust_failure(&message))
}
