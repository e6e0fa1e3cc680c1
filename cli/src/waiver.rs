//! `assure waiver`: write a waiver from flags (`new`), add an approver's
//! signature (`sign`), check waivers against a bundle's governance
//! (`verify`); and the waivers `assure check` judges with (`--waiver`, a
//! `waivers/` folder in the submission or beside it).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use assure_engine::decision::WaiverStatus;
use assure_engine::waiver::{
    self, MAX_WAIVER_BYTES, PAYLOAD_TYPE, ProductScope, Reason, WaiverFile, WaiverPredicate,
    WaiverSubject,
};
use assure_trust::dsse::{self, Envelope};
use clap::{Args, Subcommand};

use crate::ExitStatus;
use crate::failure::{CommandResult, Failure};

#[derive(Debug, Args)]
pub struct WaiverArgs {
    #[command(subcommand)]
    pub command: WaiverCommand,
}

#[derive(Debug, Subcommand)]
pub enum WaiverCommand {
    /// Write a waiver (an unsigned DSSE envelope over its in-toto statement)
    /// from flags; approvers then sign it with `assure waiver sign`.
    New(Box<NewArgs>),
    /// Add an approver's signature to a waiver, in place. Each approver
    /// signs the same file; the bundle says how many must.
    Sign {
        /// The approver's private key (PKCS#8 PEM, from `assure key generate`).
        #[arg(long, value_name = "KEY")]
        key: PathBuf,
        /// The waiver file.
        waiver: PathBuf,
    },
    /// Check waivers against a bundle's governance: approvers' signatures,
    /// threshold, whether the rule may be waived, the longest validity, and
    /// whether each is in force. Exit 0 when every one stands, 4 when not.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The buyer's reference for the waiver (e.g. W-2025-014).
    #[arg(long, value_name = "ID")]
    pub id: String,
    /// The product's name, or one of its identifiers (a purl).
    #[arg(long, value_name = "NAME")]
    pub product: String,
    /// The supplier, exactly as in the submission's submission.toml.
    #[arg(long, value_name = "NAME")]
    pub supplier: Option<String>,
    /// Exactly this product version.
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,
    /// A semantic version range (e.g. ">=4.2.0, <4.3.0").
    #[arg(long, value_name = "RANGE")]
    pub versions: Option<String>,
    /// The SHA-256 of a shipped artefact (`artifact_sha256`); repeatable.
    #[arg(long = "artifact-sha256", value_name = "HEX")]
    pub artifact_sha256: Vec<String>,
    /// The rule whose findings it accepts (e.g. R2.1).
    #[arg(long, value_name = "RULE")]
    pub rule: String,
    /// An exposure's vulnerability (with `--component`).
    #[arg(long, value_name = "ID", requires = "component")]
    pub vulnerability: Option<String>,
    /// The component's package URL: with `--vulnerability` an exposure,
    /// alone the component itself.
    #[arg(long, value_name = "PURL")]
    pub component: Option<String>,
    /// The subject is the product itself (not an exposure or a component).
    #[arg(long, conflicts_with_all = ["vulnerability", "component"])]
    pub whole_product: bool,
    /// Why: compensating-control, fix-scheduled, awaiting-retest,
    /// clinical-need or risk-accepted.
    #[arg(long, value_name = "REASON", value_parser = parse_reason)]
    pub reason: Reason,
    /// The reason in words.
    #[arg(long, value_name = "TEXT")]
    pub justification: String,
    /// Who owns the risk (name and role).
    #[arg(long, value_name = "NAME")]
    pub risk_owner: String,
    /// A compensating control; repeatable.
    #[arg(long = "control", value_name = "TEXT")]
    pub controls: Vec<String>,
    /// An approver (name and role); repeatable. Their keys sign it.
    #[arg(long = "approver", value_name = "NAME", required = true)]
    pub approvers: Vec<String>,
    /// When it takes effect (RFC 3339). Default: now.
    #[arg(long, value_name = "TIME")]
    pub created: Option<String>,
    /// When it ends (RFC 3339). Mandatory, here or as `--days`.
    #[arg(
        long,
        value_name = "TIME",
        required_unless_present = "days",
        conflicts_with = "days"
    )]
    pub expires: Option<String>,
    /// How many days it runs from `--created`.
    #[arg(long, value_name = "DAYS")]
    pub days: Option<u32>,
    /// The file to write (refused if it exists).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The waiver files.
    #[arg(required = true, value_name = "WAIVER")]
    pub waivers: Vec<PathBuf>,
    /// Judge expiry as of this time (RFC 3339). Default: now.
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,
    #[command(flatten)]
    pub bundle: crate::trust::BundleTrustArgs,
}

fn parse_reason(text: &str) -> Result<Reason, String> {
    Reason::parse(text).ok_or_else(|| {
        format!(
            "`{text}` is not a reason: give one of {}",
            Reason::ALL.map(Reason::as_str).join(", ")
        )
    })
}

fn time(flag: &str, text: &str) -> Result<assure_engine::jiff::Timestamp, Failure> {
    assure_engine::facts::normalise_datetime(text)
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| {
            Failure::usage(format!(
                "`{flag} {text}` is not an RFC 3339 date-time (e.g. 2026-03-31T00:00:00Z)"
            ))
        })
}

pub fn run(args: &WaiverArgs) -> CommandResult {
    match &args.command {
        WaiverCommand::New(new) => create(new),
        WaiverCommand::Sign { key, waiver } => sign(key, waiver),
        WaiverCommand::Verify(verify) => check(verify),
    }
}

fn create(args: &NewArgs) -> CommandResult {
    let created = match &args.created {
        Some(text) => time("--created", text)?,
        None => assure_engine::jiff::Timestamp::now(),
    };
    let expires = match (&args.expires, args.days) {
        (Some(text), _) => time("--expires", text)?,
        (None, Some(days)) => created
            .checked_add(assure_engine::jiff::SignedDuration::from_hours(
                i64::from(days) * 24,
            ))
            .map_err(|e| Failure::usage(format!("`--days {days}`: {e}")))?,
        (None, None) => return Err(Failure::usage("give `--expires TIME` or `--days N`")),
    };
    let subject = match (&args.vulnerability, &args.component, args.whole_product) {
        (Some(vulnerability), Some(component), _) => WaiverSubject::Exposure {
            vulnerability: vulnerability.clone(),
            component: component.clone(),
        },
        (None, Some(component), _) => WaiverSubject::Component {
            component: component.clone(),
        },
        (None, None, true) => WaiverSubject::Product,
        _ => {
            return Err(Failure::usage(
                "say what the waiver accepts: `--vulnerability ID --component PURL` (an exposure), `--component PURL` (a component) or `--whole-product`",
            ));
        }
    };
    let predicate = WaiverPredicate {
        id: args.id.clone(),
        product: ProductScope {
            identifier: args.product.clone(),
            supplier: args.supplier.clone(),
            version: args.version.clone(),
            versions: args.versions.clone(),
            artifact_sha256: args
                .artifact_sha256
                .iter()
                .map(|d| d.trim().to_ascii_lowercase())
                .collect(),
        },
        rule: args.rule.clone(),
        subject,
        reason: args.reason,
        justification: args.justification.clone(),
        risk_owner: args.risk_owner.clone(),
        compensating_controls: args.controls.clone(),
        approvers: args.approvers.clone(),
        created: assure_engine::time::format_datetime(created),
        expires: assure_engine::time::format_datetime(expires),
    };
    let statement = waiver::statement(&predicate);
    // What the engine would refuse is refused here, before anyone signs.
    waiver::document::predicate(&statement)
        .map_err(|why| Failure::usage(format!("the waiver would not be valid: {why}")))?;
    if args.out.symlink_metadata().is_ok() {
        return Err(Failure::usage(format!(
            "{} exists: a waiver is written once, then signed in place",
            args.out.display()
        )));
    }
    let envelope = Envelope::new(PAYLOAD_TYPE, &statement);
    crate::output::write(&args.out, &envelope.to_json())
        .map_err(|e| Failure::usage(format!("cannot write {}: {e}", args.out.display())))?;
    let mut out = anstream::stdout();
    let _ = writeln!(
        out,
        "wrote {} ({}: {} on {} for {}, until {}); sha256:{}\nnext: each approver signs it with `assure waiver sign --key KEY {}`",
        args.out.display(),
        predicate.id,
        predicate.rule,
        predicate.subject.describe(),
        predicate.product.describe(),
        predicate.expires,
        assure_engine::submission::sha256_hex(&statement),
        args.out.display()
    );
    Ok(ExitStatus::Success)
}

/// Reads a waiver file (at most [`MAX_WAIVER_BYTES`]).
fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Failure::usage(format!("cannot read the waiver {}: {e}", path.display())))?;
    if meta.len() > MAX_WAIVER_BYTES as u64 {
        return Err(Failure::usage(format!(
            "{} is {} bytes: a waiver is at most {MAX_WAIVER_BYTES}",
            path.display(),
            meta.len()
        )));
    }
    std::fs::read(path)
        .map_err(|e| Failure::usage(format!("cannot read the waiver {}: {e}", path.display())))
}

fn sign(key: &Path, path: &Path) -> CommandResult {
    let key = assure_trust::keys::PrivateKey::read_pem_file(key)
        .map_err(|e| Failure::untrusted(format!("key {}: {e}", key.display())))?;
    let bytes = read(path)?;
    let mut envelope = Envelope::from_json(&bytes)
        .map_err(|e| Failure::usage(format!("{} is not a DSSE envelope: {e}", path.display())))?;
    if envelope.payload_type != PAYLOAD_TYPE {
        return Err(Failure::usage(format!(
            "{} is not a waiver: its payload type is `{}`",
            path.display(),
            envelope.payload_type
        )));
    }
    // Nobody signs what is not a valid waiver.
    let predicate = waiver::document::predicate(&envelope.payload).map_err(|why| {
        Failure::usage(format!("{} is not a valid waiver: {why}", path.display()))
    })?;
    let before = envelope.signatures.len();
    dsse::sign(&mut envelope, &key);
    crate::output::write(path, &envelope.to_json())
        .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))?;
    let mut out = anstream::stdout();
    let _ = writeln!(
        out,
        "{} {} ({}: {} on {}, until {}) with key {}; it carries {} signature(s)",
        if envelope.signatures.len() > before {
            "signed"
        } else {
            "already signed"
        },
        path.display(),
        predicate.id,
        predicate.rule,
        predicate.subject.describe(),
        predicate.expires,
        key.key_id().to_hex(),
        envelope.signatures.len()
    );
    Ok(ExitStatus::Success)
}

fn check(args: &VerifyArgs) -> CommandResult {
    let as_of = match &args.as_of {
        Some(text) => time("--as-of", text)?,
        None => assure_engine::jiff::Timestamp::now(),
    };
    let bundle = args.bundle.load(as_of)?.into_inner();
    let files = args
        .waivers
        .iter()
        .map(|path| {
            Ok(WaiverFile {
                name: path.display().to_string(),
                bytes: read(path)?,
            })
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let mut out = String::new();
    let mut all_stand = true;
    for presented in waiver::present(&bundle, &files) {
        let (status, message) = match (&presented.refused, &presented.waiver) {
            (Some((status, message)), _) => (*status, message.clone()),
            (None, Some(w)) => match waiver::standing(&bundle, w, as_of) {
                Ok(_) => (
                    WaiverStatus::Applied,
                    format!(
                        "stands: {} on {} for {}, until {}; it applies to a check of that product",
                        w.rule,
                        w.subject.describe(),
                        w.product.describe(),
                        w.expires
                    ),
                ),
                Err(refusal) => refusal,
            },
            (None, None) => (WaiverStatus::Invalid, "unreadable".to_owned()),
        };
        all_stand &= status == WaiverStatus::Applied;
        let label = presented
            .waiver
            .as_ref()
            .map_or(presented.file.as_str(), |w| w.id.as_str());
        let word = if status == WaiverStatus::Applied {
            "ok".to_owned()
        } else {
            status.to_string()
        };
        out.push_str(&assure_report::terminal_text(&format!(
            "{} {label} ({}, sha256:{}): {message}",
            word, presented.file, presented.digest
        )));
        out.push('\n');
        if !presented.approved_by.is_empty() {
            out.push_str(&assure_report::terminal_text(&format!(
                "  approved by {}",
                presented
                    .approved_by
                    .iter()
                    .map(|a| format!(
                        "{} (key {})",
                        a.name,
                        a.key_id.get(..12).unwrap_or(&a.key_id)
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
            out.push('\n');
        }
    }
    crate::output::print(&out)?;
    Ok(if all_stand {
        ExitStatus::Success
    } else {
        ExitStatus::TrustFailure
    })
}

/// The waivers a check judges with besides those in each submission's own
/// `waivers/` folder: every `--waiver` file, and the `*.json` files of a
/// `waivers/` folder beside each submission folder (in its parent).
pub fn for_check(given: &[PathBuf], submissions: &[&Path]) -> Result<Vec<WaiverFile>, Failure> {
    let mut files = Vec::new();
    for path in given {
        files.push(WaiverFile {
            name: path.display().to_string(),
            bytes: read(path)?,
        });
    }
    let mut folders: Vec<PathBuf> = submissions
        .iter()
        .filter_map(|s| s.parent().map(|p| p.join("waivers")))
        .filter(|dir| dir.is_dir())
        .collect();
    folders.sort();
    folders.dedup();
    for dir in folders {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| Failure::usage(format!("cannot read {}: {e}", dir.display())))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
            .collect();
        names.sort();
        for path in names {
            files.push(WaiverFile {
                name: path.display().to_string(),
                bytes: read(&path)?,
            });
        }
    }
    Ok(files)
}
