//! The engine's errors. Findings about the evidence are not errors: they are
//! part of the [`Decision`](crate::Decision). An error means no decision could
//! be made at all.

use std::path::PathBuf;

use miette::Diagnostic;
use thiserror::Error;

/// Everything that can stop the engine from reaching a decision.
#[derive(Debug, Error, Diagnostic)]
pub enum Error {
    /// The submission could not be read or its manifest is malformed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Submission(#[from] SubmissionError),

    /// The submission's integrity could not be established: a digest does
    /// not match, a path escapes the folder, a declared file is missing.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Integrity(#[from] IntegrityError),

    /// A signed bundle, or a plugin in it, failed verification: a signature,
    /// digest, file list, expiry or anti-rollback check.
    #[error("bundle `{source_name}`: {error}")]
    #[diagnostic(
        code(assure::bundle::untrusted),
        help(
            "nothing from this bundle was used; `assure bundle inspect` shows what it holds and who signed it"
        )
    )]
    BundleTrust {
        /// The bundle file or folder.
        source_name: String,
        /// What failed: its own code and help are shown beneath.
        #[diagnostic_source]
        error: assure_trust::TrustError,
    },

    /// The policy bundle is malformed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Bundle(#[from] BundleError),

    /// The folders named for a batch could not be listed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Batch(#[from] ListError),

    /// The plugin host could not be set up, or a plugin could not be loaded.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Plugin(#[from] PluginError),

    /// A limit asked of the engine is zero or above its hard ceiling.
    #[error("{0}")]
    #[diagnostic(
        code(assure::limits),
        help("docs/LIMITS.md lists every limit with its default and ceiling")
    )]
    Limit(#[from] crate::limits::LimitError),

    /// An I/O error outside the submission (e.g. writing `submission.toml`).
    #[error("cannot {action} `{path}`: {source}")]
    #[diagnostic(code(assure::io))]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl Error {
    /// Whether this error is a trust failure (exit code 4): integrity,
    /// signature, digest, rollback or expiry.
    pub fn is_trust_failure(&self) -> bool {
        matches!(self, Error::Integrity(_) | Error::BundleTrust { .. })
    }
}

/// A problem with the submission folder or its manifest.
#[derive(Debug, Error, Diagnostic)]
pub enum SubmissionError {
    /// The submission path is not a folder.
    #[error("`{path}` is not a submission folder")]
    #[diagnostic(
        code(assure::submission::not_a_folder),
        help("pass a folder that holds a `submission.toml`; `assure init <folder>` writes one")
    )]
    NotAFolder {
        /// The path given.
        path: PathBuf,
    },

    /// The folder has no manifest.
    #[error("`{path}` has no `submission.toml`")]
    #[diagnostic(
        code(assure::submission::no_manifest),
        help("run `assure init <folder>` to write one from the files present")
    )]
    NoManifest {
        /// The folder.
        path: PathBuf,
    },

    /// The manifest could not be read.
    #[error("cannot read `{path}`: {source}")]
    #[diagnostic(code(assure::submission::io))]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },

    /// The manifest is not valid TOML or does not have the expected shape.
    #[error("`{path}` is malformed: {message}")]
    #[diagnostic(
        code(assure::submission::malformed),
        help("see the `submission.toml` format in the README")
    )]
    Malformed {
        /// The manifest.
        path: PathBuf,
        /// What is wrong, with the line and column.
        message: String,
    },

    /// The manifest parsed but has problems; every one is listed.
    #[error("`{path}` has {} problem(s):\n{}", problems.len(), bullet(problems))]
    #[diagnostic(code(assure::submission::invalid))]
    Invalid {
        /// The manifest.
        path: PathBuf,
        /// Each problem, naming the entry.
        problems: Vec<String>,
    },

    /// The submission is larger than the configured limits.
    #[error("submission `{path}` exceeds a limit: {message}")]
    #[diagnostic(code(assure::submission::limit))]
    Limit {
        /// The submission folder.
        path: PathBuf,
        /// Which limit and by how much.
        message: String,
    },
}

/// A trust failure in the submission: never a warning.
#[derive(Debug, Error, Diagnostic)]
#[error("submission `{path}` failed integrity checks:\n{}", bullet(problems))]
#[diagnostic(
    code(assure::trust),
    help(
        "the evidence must be exactly the files the manifest declares; re-run `assure init` only if you produced these files yourself"
    )
)]
pub struct IntegrityError {
    /// The submission folder or manifest.
    pub path: PathBuf,
    /// Each failure, naming the file.
    pub problems: Vec<String>,
}

/// A problem with a policy bundle.
#[derive(Debug, Error, Diagnostic)]
pub enum BundleError {
    /// A file the bundle needs is not in it.
    #[error("bundle `{bundle}` has no `{file}`")]
    #[diagnostic(code(assure::bundle::missing_file))]
    MissingFile {
        /// The bundle's name or path.
        bundle: String,
        /// The missing file.
        file: String,
    },

    /// The bundle's files do not match the digest pinned for it.
    #[error(
        "bundle `{bundle}` does not match its pinned digest (expected {expected}, found {found})"
    )]
    #[diagnostic(code(assure::bundle::digest))]
    Digest {
        /// The bundle.
        bundle: String,
        /// The pinned digest.
        expected: String,
        /// The digest of what was loaded.
        found: String,
    },

    /// A bundle file is malformed; every problem is listed.
    #[error("bundle `{bundle}`: `{file}` is invalid:\n{}", bullet(problems))]
    #[diagnostic(code(assure::bundle::invalid))]
    Invalid {
        /// The bundle.
        bundle: String,
        /// The file at fault.
        file: String,
        /// Each problem, with its place.
        problems: Vec<String>,
    },
}

/// A problem setting up the plugin host or loading a plugin binary.
#[derive(Debug, Error, Diagnostic)]
pub enum PluginError {
    /// The WebAssembly engine could not be configured.
    #[error("cannot set up the plugin sandbox: {0}")]
    #[diagnostic(code(assure::plugin::host))]
    Host(String),

    /// A plugin is not a valid component for this host.
    #[error("plugin `{plugin}` cannot be loaded: {message}")]
    #[diagnostic(code(assure::plugin::load))]
    Load {
        /// The plugin's name.
        plugin: String,
        /// Why.
        message: String,
    },

    /// A plugin imports something; plugins may import nothing.
    #[error("plugin `{plugin}` is refused: it imports {}, and plugins may import nothing", imports.join(", "))]
    #[diagnostic(
        code(assure::plugin::imports),
        help(
            "a plugin must implement the `assure:plugin/extractor` world only; build it for wasm32-unknown-unknown, not wasm32-wasip2"
        )
    )]
    Imports {
        /// The plugin's name.
        plugin: String,
        /// The imports it declares.
        imports: Vec<String>,
    },
}

pub(crate) fn bullet(items: &[String]) -> String {
    items
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A folder that could not be listed as submissions.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ListError {
    /// A folder could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    #[diagnostic(code(assure::batch::unreadable))]
    Unreadable {
        /// The folder or entry.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A folder holds no submission, and no folder inside it does.
    #[error("{} holds no submission.toml, and no folder directly inside it does", path.display())]
    #[diagnostic(
        code(assure::batch::empty),
        help("name a submission folder (it holds submission.toml), or a folder of them")
    )]
    NoSubmissions {
        /// The folder.
        path: PathBuf,
    },
}

/// Declares an error that carries one message naming the file and place,
/// with a stable code.
macro_rules! message_error {
    ($(#[$doc:meta])* $name:ident, $code:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Error, Diagnostic)]
        #[error("{message}")]
        #[diagnostic(code($code))]
        pub struct $name {
            /// What is wrong, and where.
            pub message: String,
        }

        impl From<String> for $name {
            fn from(message: String) -> Self {
                Self { message }
            }
        }

        impl From<&str> for $name {
            fn from(message: &str) -> Self {
                Self {
                    message: message.to_owned(),
                }
            }
        }
    };
}

message_error!(
    /// A reference dataset (the KEV catalogue, NHS cyber alerts) that is not
    /// what its format says.
    DataError,
    "assure::data::invalid"
);
message_error!(
    /// A bundle's Cedar schema that does not declare a fact vocabulary assure
    /// can use, or an entity id Cedar cannot hold.
    SchemaError,
    "assure::bundle::schema"
);
message_error!(
    /// A deployment-profile answer that is not one the question takes.
    ProfileError,
    "assure::submission::profile"
);
message_error!(
    /// A bundle's policy tests that could not be read or run.
    PolicyTestError,
    "assure::policy_test"
);
