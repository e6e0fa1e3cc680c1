//! What can stop the server from starting or a command from completing.

/// An error starting or running the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The database cannot be opened, migrated or used.
    #[error("database {url}: {message}")]
    Database {
        /// The database URL, without its password.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// A file or socket operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The engine refused to start (its bundle or plugins).
    #[error("the engine cannot start: {0}")]
    Engine(String),
    /// The service's signing key cannot be read, created or used.
    #[error("the service key {path}: {message}")]
    Key {
        /// Where the key is.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// The decision log in the database does not verify with this service's key.
    #[error("the decision log: {0}")]
    Log(String),
    /// The configuration is not usable.
    #[error("{0}")]
    Config(String),
}

impl ServerError {
    pub(crate) fn database(url: &str, e: impl std::fmt::Display) -> Self {
        ServerError::Database {
            url: redact(url),
            message: e.to_string(),
        }
    }
}

/// A database URL with any password replaced, for messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}
