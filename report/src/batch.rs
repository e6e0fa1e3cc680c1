//! Many decisions as one report: `assure.batch/v1` JSON, JUnit, Markdown,
//! or one line per submission.

use std::fmt::Write as _;

use assure_engine::batch::{BatchItem, BatchResult};
use assure_engine::decision::{Decision, Verdict};
use serde::{Deserialize, Serialize};

use crate::view::{escape_markup, markdown_text, terminal_text};
use crate::{Format, inert, junit};

/// The format of the combined JSON report.
pub const FORMAT: &str = "assure.batch/v1";

/// The combined JSON report of a batch (`assure.batch/v1`; its JSON Schema
/// is `docs/schema/batch.schema.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchReport {
    /// Always [`FORMAT`].
    pub format: String,
    /// The time every submission was judged as of (RFC 3339, UTC).
    pub evaluated_at: String,
    /// How many submissions came out each way.
    pub counts: BatchCounts,
    /// Each submission, in the order given.
    pub submissions: Vec<SubmissionReport>,
}

/// How many submissions came out each way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct BatchCounts {
    /// Approved.
    pub approve: usize,
    /// Rejected.
    pub reject: usize,
    /// Needing evidence.
    pub needs_evidence: usize,
    /// Could not be checked (unreadable, untrusted).
    pub error: usize,
    /// Folders that are not submissions.
    pub not_checked: usize,
}

/// One submission of a batch.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubmissionReport {
    /// The folder, as it was named.
    pub path: String,
    /// How it came out.
    pub verdict: BatchVerdict,
    /// The decision's summary, when it was decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The decision, when it was decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Box<Decision>>,
    /// Why it was not decided (one line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// How one submission of a batch came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BatchVerdict {
    /// Approved.
    Approve,
    /// Rejected.
    Reject,
    /// Needs evidence.
    NeedsEvidence,
    /// Could not be checked.
    Error,
    /// Not a submission.
    NotChecked,
}

impl From<Verdict> for BatchVerdict {
    fn from(verdict: Verdict) -> Self {
        match verdict {
            Verdict::Approve => BatchVerdict::Approve,
            Verdict::Reject => BatchVerdict::Reject,
            Verdict::NeedsEvidence => BatchVerdict::NeedsEvidence,
        }
    }
}

impl BatchCounts {
    /// The counts of a batch's results.
    #[must_use]
    pub fn of(items: &[BatchItem]) -> Self {
        let mut counts = BatchCounts::default();
        for item in items {
            match &item.result {
                BatchResult::Decided(d) => match d.verdict {
                    Verdict::Approve => counts.approve += 1,
                    Verdict::Reject => counts.reject += 1,
                    Verdict::NeedsEvidence => counts.needs_evidence += 1,
                },
                BatchResult::Failed { .. } => counts.error += 1,
                BatchResult::NotChecked { .. } => counts.not_checked += 1,
            }
        }
        counts
    }
}

/// Why a submission was not decided, on one line and made inert.
#[must_use]
pub fn failure_line(result: &BatchResult) -> Option<String> {
    match result {
        BatchResult::Decided(_) => None,
        BatchResult::Failed { error, .. } => Some(terminal_text(&one_line(&error.to_string()))),
        BatchResult::NotChecked { reason } => Some(reason.clone()),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl BatchReport {
    /// The report of a batch judged as of `evaluated_at`.
    #[must_use]
    pub fn new(items: &[BatchItem], evaluated_at: assure_engine::jiff::Timestamp) -> Self {
        let submissions = items
            .iter()
            .map(|item| {
                let path = item.path.display().to_string();
                match &item.result {
                    BatchResult::Decided(d) => SubmissionReport {
                        path,
                        verdict: d.verdict.into(),
                        summary: Some(d.summary.clone()),
                        decision: Some(d.clone()),
                        error: None,
                    },
                    other => SubmissionReport {
                        path,
                        verdict: if matches!(other, BatchResult::NotChecked { .. }) {
                            BatchVerdict::NotChecked
                        } else {
                            BatchVerdict::Error
                        },
                        summary: None,
                        decision: None,
                        error: failure_line(other),
                    },
                }
            })
            .collect();
        BatchReport {
            format: FORMAT.to_owned(),
            evaluated_at: assure_engine::facts::format_datetime(evaluated_at),
            counts: BatchCounts::of(items),
            submissions,
        }
    }

    /// The report as pretty JSON, with a final line break.
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_default();
        out.push('\n');
        out
    }
}

/// A batch in `format`: the combined JSON, JUnit or Markdown report, or one
/// line per submission (human, and the formats a batch does not combine).
#[must_use]
pub fn render(
    format: Format,
    items: &[BatchItem],
    evaluated_at: assure_engine::jiff::Timestamp,
) -> String {
    match format {
        Format::Json => BatchReport::new(items, evaluated_at).to_json(),
        Format::Junit => junit_batch(items),
        Format::Markdown => markdown(items),
        Format::Human | Format::Sarif | Format::Html => items
            .iter()
            .map(|item| format!("{}\n", line(item, 0)))
            .collect(),
    }
}

/// One result line: verdict, folder, product, why; the folder padded to
/// `width` characters.
#[must_use]
pub fn line(item: &BatchItem, width: usize) -> String {
    let path = format!(
        "{:<width$}",
        terminal_text(&item.path.display().to_string())
    );
    match &item.result {
        BatchResult::Decided(d) => terminal_text(&format!(
            "{:<15} {path}  {} {} — {}",
            crate::view::verdict_text(d),
            d.product.name,
            d.product.version,
            d.summary
        )),
        BatchResult::Failed { .. } => format!(
            "{:<15} {path}  {}",
            "error",
            failure_line(&item.result).unwrap_or_default()
        ),
        BatchResult::NotChecked { reason } => {
            format!("{:<15} {path}  {}", "not-checked", terminal_text(reason))
        }
    }
}

/// The batch as a Markdown table.
fn markdown(items: &[BatchItem]) -> String {
    let mut out = String::from(
        "## assure: batch\n\n| verdict | submission | product | why |\n|---|---|---|---|\n",
    );
    for item in items {
        let path = markdown_text(&item.path.display().to_string());
        let row = match &item.result {
            BatchResult::Decided(d) => format!(
                "| {} | {} | {} {} | {} |\n",
                crate::view::verdict_text(d),
                path,
                markdown_text(&d.product.name),
                markdown_text(&d.product.version),
                markdown_text(&d.summary)
            ),
            BatchResult::Failed { .. } => format!(
                "| error | {} | | {} |\n",
                path,
                markdown_text(&failure_line(&item.result).unwrap_or_default())
            ),
            BatchResult::NotChecked { reason } => {
                format!("| not-checked | {} | | {} |\n", path, markdown_text(reason))
            }
        };
        out.push_str(&row);
    }
    out
}

/// Several decisions as one JUnit document: each submission's test suite
/// (as the single-decision JUnit report writes it) inside one
/// `<testsuites>`, and a submission that could not be checked as a suite
/// with one error.
fn junit_batch(items: &[BatchItem]) -> String {
    let mut total = junit::Counts::default();
    let mut suites = String::new();
    for item in items {
        let path = item.path.display().to_string();
        match &item.result {
            BatchResult::Decided(decision) => {
                total = total.add(junit::Counts::of(decision));
                let clean = inert::decision(decision);
                suites.push_str(&junit::suite(&clean, Some(inert::inert(&path).as_ref())));
            }
            other => {
                let message = match other {
                    BatchResult::NotChecked { reason } => format!("not checked: {reason}"),
                    _ => failure_line(other).unwrap_or_default(),
                };
                let counts = junit::Counts {
                    tests: 1,
                    errors: 1,
                    ..junit::Counts::default()
                };
                total = total.add(counts);
                let _ = writeln!(
                    suites,
                    "  <testsuite name=\"{path}\" {}>\n    <testcase classname=\"{path}\" name=\"check\">\n      \
                     <error type=\"error\" message=\"{message}\"/>\n    </testcase>\n  </testsuite>",
                    counts.attributes(),
                    path = escape_markup(&inert::inert(&path)),
                    message = escape_markup(&inert::inert(&message))
                );
            }
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"assure batch\" {}>\n{suites}</testsuites>\n",
        total.attributes()
    )
}
