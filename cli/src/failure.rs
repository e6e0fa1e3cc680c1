//! The one error path of the command line: every command returns what went
//! wrong as a [`Failure`], and `main` renders it once, on standard error,
//! and exits with its code.

use crate::ExitStatus;

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// An engine error: rendered as miette renders its diagnostic (code,
    /// help); exit 4 for a trust failure, else 1.
    Engine(Box<assure_engine::Error>),
    /// A usage or internal error: exit 1.
    Usage(String),
    /// A trust failure: a digest, signature, path, expiry or rollback check
    /// failed: exit 4.
    Untrusted(String),
}

impl Failure {
    /// A usage or internal error.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure::Usage(message.into())
    }

    /// A trust failure.
    pub fn untrusted(message: impl Into<String>) -> Self {
        Failure::Untrusted(message.into())
    }

    /// The exit status it ends the process with.
    pub fn status(&self) -> ExitStatus {
        match self {
            Failure::Engine(e) if e.is_trust_failure() => ExitStatus::TrustFailure,
            Failure::Engine(_) | Failure::Usage(_) => ExitStatus::Error,
            Failure::Untrusted(_) => ExitStatus::TrustFailure,
        }
    }

    /// What is printed on standard error.
    pub fn render(&self) -> String {
        match self {
            Failure::Engine(e) => assure_report::diagnostic(e),
            Failure::Usage(message) | Failure::Untrusted(message) => format!("error: {message}\n"),
        }
    }
}

impl From<assure_engine::Error> for Failure {
    fn from(error: assure_engine::Error) -> Self {
        Failure::Engine(Box::new(error))
    }
}

/// What a command returns: how the process ends, or why it failed.
pub type CommandResult = Result<ExitStatus, Failure>;
