//! The assure engine: decides whether a piece of health technology may be
//! bought and deployed, from the security evidence its supplier hands over.
//!
//! Evidence documents are read by sandboxed WebAssembly plugins into typed
//! facts; Cedar policies from a bundle judge the facts; the result is a
//! fail-closed [`Decision`] — approve, reject or needs-evidence — in which
//! every finding cites its rule, its controls and the place in the evidence
//! that caused it.
//!
//! The engine never prints, reads environment variables or exits: the `assure`
//! command-line tool does that.
//!
//! ```no_run
//! use assure_engine::{CheckOptions, Engine, Submission, TrustedBundle};
//!
//! # fn main() -> Result<(), assure_engine::Error> {
//! // The bundle's own limits, then the caller's overrides, within the ceilings.
//! let engine = Engine::builder(TrustedBundle::builtin()?)
//!     .limit("deadline_ms", 5_000)
//!     .build()?;
//! let submission = Submission::load("examples/approved".as_ref(), &engine.load_options(false))?;
//! let (decision, _timings) = engine.check(&submission, &CheckOptions::at(jiff::Timestamp::now()))?;
//! println!("{}: {}", decision.verdict, decision.summary);
//! # Ok(())
//! # }
//! ```

pub mod batch;
pub mod bundle;
pub mod change;
mod check;
pub mod codecache;
pub mod decision;
pub mod error;
pub mod fact_use;
pub mod factcache;
pub mod facts;
pub mod identity;
pub mod init;
pub mod join;
pub mod limits;
pub mod media;
pub mod plugin;
pub mod policytest;
pub mod position;
pub mod record;
pub mod reference;
pub mod submission;
pub mod time;
pub mod trusted;
pub mod vocabulary;
pub mod waiver;

pub use bundle::{Bundle, Rule, Severity, TrustConfig};
pub use check::{CheckOptions, Engine, EngineBuilder, Evaluation, Timings, verdict};
pub use codecache::CodeCache;
pub use decision::{Decision, Finding, Verdict};
pub use error::Error;
pub use limits::{SandboxLimits, SubmissionLimits};
pub use plugin::PluginHost;
pub use submission::{LoadOptions, Submission};
pub use trusted::{TrustBasis, TrustedBundle};

pub use jiff;
