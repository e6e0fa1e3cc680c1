//! The reports of assure: a [`Decision`] (or a batch of them) as a person,
//! a CI system or a code-scanning dashboard reads it.
//!
//! Every renderer is a pure function of the decision: nothing is read from
//! disk or the environment, so every front end (the command line, a
//! service, a re-evaluation job) prints the same bytes for the same
//! decision. Every format but JSON renders supplier text made
//! [`inert::inert`] (JSON's escaping keeps each string a string).
//!
//! ```
//! use assure_report::Format;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A decision as the engine returns it (here read back from its JSON).
//! let decision: assure_engine::Decision =
//!     serde_json::from_str(include_str!("../tests/fixtures/decision.json"))?;
//! for format in Format::ALL {
//!     let text = assure_report::render(format, &decision, "examples/rejected");
//!     assert!(!text.is_empty(), "{format}");
//! }
//! let sarif = assure_report::render(Format::Sarif, &decision, "examples/rejected");
//! assert!(sarif.contains("\"version\": \"2.1.0\""));
//! # Ok(())
//! # }
//! ```

use assure_engine::decision::Decision;

pub mod batch;
mod html;
mod human;
pub mod inert;
mod junit;
mod markdown;
mod sarif;
pub mod view;

pub use view::{markdown_text, terminal_text};

/// A report format ([`Format::description`] says what each is for).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// For a person at a terminal.
    Human,
    /// `assure.decision/v1`.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// JUnit XML.
    Junit,
    /// Markdown.
    Markdown,
    /// HTML.
    Html,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 6] = [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Markdown,
        Format::Html,
    ];

    /// The format's name (`human`, `json`, `sarif`, `junit`, `markdown`, `html`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }

    /// What the format is for, in one line (the command line's `--help`
    /// lists it).
    #[must_use]
    pub fn description(self) -> &'static str {
        match self {
            Format::Human => "A summary and the findings, for a person at a terminal",
            Format::Json => {
                "The decision as JSON (`assure.decision/v1`), deterministic for a given `--as-of`"
            }
            Format::Sarif => {
                "SARIF 2.1.0: one reporting rule per policy, results located in the evidence"
            }
            Format::Junit => "JUnit XML: one test case per rule",
            Format::Markdown => "Markdown, for CI job summaries and pull-request comments",
            Format::Html => "One self-contained HTML report",
        }
    }

    /// Whether a batch has a combined report in this format (SARIF and HTML
    /// reports are made one submission at a time).
    #[must_use]
    pub fn batches(self) -> bool {
        !matches!(self, Format::Sarif | Format::Html)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not a format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a format: use human, json, sarif, junit, markdown or html")]
pub struct UnknownFormat(pub String);

impl std::str::FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| UnknownFormat(name.to_owned()))
    }
}

/// The decision in `format`. `submission` names the submission for a
/// person (the human report's heading); the other formats name evidence
/// files as the decision does, relative to the submission.
#[must_use]
pub fn render(format: Format, decision: &Decision, submission: &str) -> String {
    match format {
        Format::Json => decision.to_json(),
        // SARIF escapes each text itself, after locating it.
        Format::Sarif => sarif::sarif(decision),
        Format::Human => human::human(&inert::decision(decision), submission),
        Format::Junit => junit::junit(&inert::decision(decision)),
        Format::Markdown => markdown::markdown(&inert::decision(decision)),
        Format::Html => html::html(&inert::decision(decision)),
    }
}

/// An engine error as miette renders it, with its help.
pub fn diagnostic(error: &assure_engine::Error) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    let mut out = String::new();
    if handler.render_report(&mut out, error).is_err() {
        out = format!("error: {error}\n");
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}
