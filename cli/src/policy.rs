//! Commands for policy authors: `assure test`, `assure policy validate` and
//! `assure controls`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use anstyle::{AnsiColor, Style};
use assure_engine::decision::natural_key as natural;
use assure_engine::submission::Tier;
use assure_engine::{Bundle, Engine, TrustedBundle};
use clap::{Args, Subcommand, ValueEnum};

use crate::ExitStatus;
use crate::failure::{CommandResult, Failure};

/// The bundle source folder commands default to.
const DEFAULT_DIR: &str = "policies/nhs-baseline";

#[derive(Debug, Args)]
pub struct TestArgs {
    /// The bundle source folder; its tests are the `*.toml` files under `tests/`.
    #[arg(default_value = DEFAULT_DIR)]
    pub dir: PathBuf,

    /// Report, per rule, whether some case makes it fire and some case leaves it silent.
    #[arg(long)]
    pub coverage: bool,

    /// Fail when fewer than this percentage of rules are covered both ways
    /// (default 100 with --coverage).
    #[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub fail_under: Option<u8>,

    /// Run the tests against a published bundle's policies instead of DIR's
    /// (verified like `check --bundle`; the tests still come from DIR/tests).
    #[command(flatten)]
    pub bundle: crate::trust::BundleTrustArgs,
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Validate a bundle's policies strictly against its schema: every problem at once, with
    /// file, line and help.
    Validate(ValidateArgs),
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The bundle source folder.
    #[arg(default_value = DEFAULT_DIR)]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct ControlsArgs {
    /// The bundle source folder (default: the built-in bundle).
    pub dir: Option<PathBuf>,

    /// How to print the control map.
    #[arg(long, value_enum, default_value_t = ControlsFormat::Table)]
    pub format: ControlsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ControlsFormat {
    /// Aligned text for a terminal.
    Table,
    /// A Markdown table.
    Markdown,
    /// Comma-separated values, one row per control and rule.
    Csv,
    /// The baseline as a document for an assurance lead (docs/BASELINE.md):
    /// every rule with its tier, what it judges, its controls and the
    /// document and edition each was checked against (`[[source]]`), and
    /// the sources. A control no source covers is an error.
    Baseline,
}

fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

pub fn test(args: &TestArgs) -> CommandResult {
    let bundle = if args.bundle.bundle.is_some() {
        args.bundle.load(jiff::Timestamp::now())?
    } else if args.dir.join("bundle.json").exists() {
        return Err(Failure::untrusted(format!(
            "{} is a published bundle: verify it with `--bundle {} --trust <key.pub>`",
            args.dir.display(),
            args.dir.display()
        )));
    } else {
        // The author's own source folder: what they run their tests on.
        match Bundle::from_source_dir(&args.dir) {
            Ok(b) => TrustedBundle::authors_own(b),
            Err(e) => return Err(e.into()),
        }
    };
    let engine = Engine::new(bundle)?;
    let tests = args.dir.join("tests");
    let report = match assure_engine::policytest::run(&engine, &tests) {
        Ok(r) => r,
        Err(problem) => return Err(Failure::usage(problem.to_string())),
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "running {} cases from {}\n",
        report.cases.len(),
        tests.display()
    );
    for case in &report.cases {
        let status = if case.passed() {
            paint(AnsiColor::Green.on_default(), "ok")
        } else {
            paint(AnsiColor::Red.on_default().bold(), "FAILED")
        };
        let _ = writeln!(out, "test {} :: {} ... {status}", case.file, case.name);
        for failure in &case.failures {
            let _ = writeln!(out, "    {failure}");
        }
    }
    let mut coverage_failed = false;
    if args.coverage || args.fail_under.is_some() {
        let (both, all) = report.covered();
        let _ = writeln!(
            out,
            "\ncoverage (does some case make the rule fire / leave it silent?)"
        );
        let mut rules: Vec<_> = report.coverage.iter().collect();
        rules.sort_by_key(|(rule, _)| natural(rule));
        for (rule, c) in rules {
            let mark = |b: bool| if b { "yes" } else { "NO " };
            let _ = writeln!(
                out,
                "  {rule:<8} fires: {}  silent: {}",
                mark(c.fired),
                mark(c.silent)
            );
        }
        let percent = (both * 100).checked_div(all).unwrap_or(100);
        let threshold = usize::from(args.fail_under.unwrap_or(100));
        coverage_failed = percent < threshold;
        let _ = writeln!(
            out,
            "{both} of {all} rules covered both ways ({percent}%, required {threshold}%)"
        );
        // Facts the schema declares that no rule looks at: read from the
        // evidence but never judged, unless kept for people on purpose.
        let unread: Vec<String> = engine
            .bundle()
            .fact_use()
            .iter()
            .filter(|fact| fact.unread())
            .map(assure_engine::fact_use::FactUse::name)
            .collect();
        if !unread.is_empty() {
            let _ = writeln!(
                out,
                "\n{} declared facts no rule reads (shown in reports, never judged):",
                unread.len()
            );
            for chunk in unread.chunks(4) {
                let _ = writeln!(out, "  {}", chunk.join(", "));
            }
        }
    }
    let _ = writeln!(
        out,
        "\n{} passed, {} failed",
        report.passed(),
        report.failed()
    );
    let _ = anstream::stdout().write_all(out.as_bytes());
    if report.failed() > 0 || coverage_failed {
        Ok(ExitStatus::Error)
    } else {
        Ok(ExitStatus::Success)
    }
}

pub fn validate(args: &ValidateArgs) -> CommandResult {
    match Bundle::from_source_dir(&args.dir) {
        Ok(bundle) => {
            let _ = writeln!(
                anstream::stdout(),
                "{}: {} policies valid against the schema (strict)",
                args.dir.display(),
                bundle.rules.len()
            );
            Ok(ExitStatus::Success)
        }
        Err(e) => Err(e.into()),
    }
}

pub fn controls(args: &ControlsArgs) -> CommandResult {
    let bundle = match &args.dir {
        Some(dir) => Bundle::from_source_dir(dir),
        None => TrustedBundle::builtin()
            .map(TrustedBundle::into_inner)
            .map_err(assure_engine::Error::from),
    };
    let bundle = bundle?;
    // Control -> the rules that implement it.
    let mut map: BTreeMap<&str, Vec<&assure_engine::Rule>> = BTreeMap::new();
    for rule in &bundle.rules {
        if !rule.is_forbid() {
            continue;
        }
        for control in &rule.controls {
            map.entry(control.as_str()).or_default().push(rule);
        }
    }
    for rules in map.values_mut() {
        rules.sort_by_key(|r| natural(&r.id));
    }
    let mut out = String::new();
    match args.format {
        ControlsFormat::Baseline => match baseline_document(&bundle) {
            Ok(text) => out.push_str(&text),
            Err(uncovered) => {
                return Err(Failure::usage(format!(
                    "no [[source]] in bundle.toml covers these controls: {}",
                    uncovered.join("; ")
                )));
            }
        },
        ControlsFormat::Csv => {
            let mut rows = vec![
                ["control", "rule", "title", "severity", "advisory", "tier"].map(String::from),
            ];
            for (control, rules) in &map {
                for rule in rules {
                    rows.push([
                        (*control).to_owned(),
                        rule.id.clone(),
                        rule.title.clone(),
                        rule.severity.to_string(),
                        rule.advisory.to_string(),
                        rule.tier.unwrap_or(Tier::Standard).as_str().to_owned(),
                    ]);
                }
            }
            match csv_text(&rows) {
                Ok(text) => out.push_str(&text),
                Err(e) => {
                    return Err(Failure::usage(format!("cannot write the CSV: {e}")));
                }
            }
        }
        ControlsFormat::Markdown => {
            let _ = writeln!(out, "| control | rules |\n|---|---|");
            for (control, rules) in &map {
                let listed: Vec<String> = rules
                    .iter()
                    .map(|r| assure_report::markdown_text(&format!("{} {}", r.id, r.title)))
                    .collect();
                let _ = writeln!(
                    out,
                    "| {} | {} |",
                    assure_report::markdown_text(control),
                    listed.join("<br>")
                );
            }
            let _ = writeln!(
                out,
                "\n| criticality tier | implied by (any one) | rules it adds |\n|---|---|---|"
            );
            for (tier, rules) in tiers(&bundle) {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} |",
                    tier.as_str(),
                    assure_report::markdown_text(tier.implied_by()),
                    assure_report::markdown_text(&rules)
                );
            }
        }
        ControlsFormat::Table => {
            let width = map
                .keys()
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(7)
                .max(7);
            let _ = writeln!(out, "{:<width$}  rules", "control");
            for (control, rules) in &map {
                let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
                let _ = writeln!(
                    out,
                    "{:<width$}  {}",
                    assure_report::terminal_text(control),
                    assure_report::terminal_text(&ids.join(", "))
                );
            }
            let _ = writeln!(
                out,
                "\ncriticality tiers: the rules apply the stricter of the tier claimed \
                 (`criticality`) and the tier the profile implies; a tier's rules apply above it too"
            );
            for (tier, rules) in tiers(&bundle) {
                let _ = writeln!(
                    out,
                    "  {:<8}  implied by: {}\n  {:<8}  adds: {}",
                    tier.as_str(),
                    tier.implied_by(),
                    "",
                    assure_report::terminal_text(&rules)
                );
            }
            let _ = writeln!(
                out,
                "\n{} controls, {} rules, bundle {} v{}",
                map.len(),
                bundle.rules.iter().filter(|r| r.is_forbid()).count(),
                bundle.name,
                bundle.version
            );
        }
    }
    let _ = anstream::stdout().write_all(out.as_bytes());
    Ok(ExitStatus::Success)
}

/// The baseline document: its tiers, every rule (in file and rule order)
/// with the source of each control, and the sources. Errs with the controls
/// no source covers.
fn baseline_document(bundle: &Bundle) -> Result<String, Vec<String>> {
    use assure_report::markdown_text as md;
    let mut uncovered: Vec<String> = Vec::new();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}: every rule, what it judges and where it comes from\n\n\
         Generated by `assure controls --format baseline` from the bundle `{}` v{} ({}); \
         `cli/tests/integration/baseline_doc.rs` fails when this file and the bundle disagree. Each rule is \
         a Cedar policy in `policies/{}/`; this page says what it does without the Cedar.\n",
        md(&bundle.name),
        md(&bundle.name),
        bundle.version,
        md(&bundle.description),
        md(&bundle.name),
    );
    let _ = writeln!(
        out,
        "**How to read it.** A rule *blocks* (its finding rejects the submission) or *refers* \
         (an advisory finding for a reviewer; it never approves by itself and never rejects). A \
         rule whose facts the evidence does not give is *undecided*, and the decision is \
         needs-evidence at best. *Applies* is the criticality tier from which the rule applies \
         (`criticality` in `submission.toml`: the stricter of the tier claimed and the tier the \
         profile implies; a missing answer counts as the strictest). *Checked* is when the rule's \
         controls were last checked against the document named.\n"
    );
    let _ = writeln!(out, "## Criticality tiers\n");
    let _ = writeln!(
        out,
        "| tier | implied by (any one) | rules it adds |\n|---|---|---|"
    );
    for (tier, rules) in tiers(bundle) {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            tier.as_str(),
            md(tier.implied_by()),
            md(&rules)
        );
    }
    let forbid: Vec<&assure_engine::Rule> = bundle.rules.iter().filter(|r| r.is_forbid()).collect();
    let blocking = forbid.iter().filter(|r| !r.advisory).count();
    let _ = writeln!(
        out,
        "\n## Rules\n\n{} rules: {} block, {} refer.\n",
        forbid.len(),
        blocking,
        forbid.len() - blocking
    );
    let mut files: Vec<&str> = Vec::new();
    for rule in &forbid {
        if !files.contains(&rule.file.as_str()) {
            files.push(rule.file.as_str());
        }
    }
    for file in files {
        let _ = writeln!(out, "### `{}`\n", md(file));
        let mut rules: Vec<&&assure_engine::Rule> =
            forbid.iter().filter(|r| r.file == file).collect();
        rules.sort_by_key(|r| natural(&r.id));
        for rule in rules {
            let judges = match rule.resource_type.as_deref() {
                Some("Exposure") => "each VEX statement (Exposure)",
                Some("Component") => "each SBOM component",
                Some("Product") | None => "the product",
                Some(other) => other,
            };
            let _ = writeln!(out, "#### {} — {}\n", md(&rule.id), md(&rule.title));
            let _ = writeln!(out, "| | |\n|---|---|");
            let _ = writeln!(
                out,
                "| outcome | {} ({}) |",
                if rule.advisory { "refers" } else { "blocks" },
                rule.severity
            );
            let _ = writeln!(
                out,
                "| applies | {} |",
                match rule.tier {
                    None => "every tier".to_owned(),
                    Some(tier) => format!("from the {} tier", tier.as_str()),
                }
            );
            let _ = writeln!(out, "| judges | {judges} |");
            let _ = writeln!(out, "| finding | {} |", md(&rule.message));
            let _ = writeln!(out, "| remediation | {} |", md(&rule.remediation));
            let controls: Vec<String> = rule
                .controls
                .iter()
                .map(|control| match bundle.source_of(control) {
                    Some(source) => format!(
                        "{} — {}, {} (checked {})",
                        md(control),
                        md(&source.document),
                        md(&source.edition),
                        md(&source.checked)
                    ),
                    None => {
                        if !uncovered.contains(control) {
                            uncovered.push(control.clone());
                        }
                        md(control)
                    }
                })
                .collect();
            let _ = writeln!(out, "| controls | {} |\n", controls.join("<br>"));
        }
    }
    let _ = writeln!(out, "## Sources\n");
    let _ = writeln!(
        out,
        "| controls starting | document | edition | checked | published at |\n|---|---|---|---|---|"
    );
    for source in &bundle.sources {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            md(&source.key),
            md(&source.document),
            md(&source.edition),
            md(&source.checked),
            source.url.as_deref().map(md).unwrap_or_default()
        );
    }
    if uncovered.is_empty() {
        Ok(out)
    } else {
        Err(uncovered)
    }
}

/// Each criticality tier and the rules it adds (`@tier`), as text.
fn tiers(bundle: &Bundle) -> Vec<(Tier, String)> {
    Tier::ALL
        .into_iter()
        .map(|tier| {
            let mut rules: Vec<&assure_engine::Rule> = bundle
                .rules
                .iter()
                .filter(|r| r.is_forbid() && r.tier.unwrap_or(Tier::Standard) == tier)
                .collect();
            rules.sort_by_key(|r| natural(&r.id));
            let text = match (tier, rules.is_empty()) {
                (Tier::Standard, _) => format!(
                    "every rule without a tier annotation ({} rules)",
                    rules.len()
                ),
                (_, true) => {
                    "no rule of its own yet (the rules of the tiers below apply)".to_owned()
                }
                (_, false) => rules
                    .iter()
                    .map(|r| format!("{} {}", r.id, r.title))
                    .collect::<Vec<_>>()
                    .join("; "),
            };
            (tier, text)
        })
        .collect()
}

/// Rows as CSV (RFC 4180, by the `csv` crate: any field holding a comma,
/// quote, line feed or carriage return is quoted), each field guarded
/// against being run as a spreadsheet formula.
fn csv_text<const N: usize>(rows: &[[String; N]]) -> Result<String, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for row in rows {
        writer.write_record(row.iter().map(|field| formula_guard(field).into_owned()))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A field a spreadsheet would run as a formula (starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return) is prefixed with `'`, which
/// spreadsheets show as text (OWASP's advice on CSV injection).
fn formula_guard(field: &str) -> std::borrow::Cow<'_, str> {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{field}"))
    } else {
        std::borrow::Cow::Borrowed(field)
    }
}
