//! How the server is configured: the command line's flags, with defaults
//! that work on a fresh machine.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Where the server listens unless told otherwise: loopback only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// The database unless told otherwise: one SQLite file in the current folder.
pub const DEFAULT_DATABASE: &str = "sqlite://assure.db";

/// The most one upload may hold unless told otherwise: 256 MiB.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 256 * 1024 * 1024;

/// The server's configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address to listen on (port 0: any free port).
    pub listen: SocketAddr,
    /// `sqlite://FILE` or `postgres://…`.
    pub database: String,
    /// The service's Ed25519 signing key (PKCS#8 PEM): signs decision
    /// records and log checkpoints. Created when absent.
    pub key: PathBuf,
    /// The log's origin line (its name in checkpoints and the verifier key).
    pub log_origin: Option<String>,
    /// Decide as of this time instead of the clock (rehearsals and tests;
    /// the operator's choice, never an uploader's).
    pub as_of: Option<jiff::Timestamp>,
    /// The longest a request may take, in seconds.
    pub request_timeout_secs: u64,
    /// The most one upload may hold, in bytes (also never more than a
    /// submission's limits allow: docs/LIMITS.md).
    pub max_upload_bytes: u64,
    /// Where compiled plugin code is cached between starts.
    pub code_cache: Option<assure_engine::CodeCache>,
    /// The bundle to decide with (already trusted: built-in or verified);
    /// `None`: the built-in one.
    pub bundle: Option<assure_engine::TrustedBundle>,
    /// Where e-mail notifications are sent from: `smtp://HOST:PORT?from=ADDRESS`.
    /// `None`: e-mail subscriptions wait, failing, until one is given.
    pub smtp: Option<String>,
}

impl Config {
    /// The defaults: loopback, `sqlite://assure.db`, the key beside the
    /// database (or in the current folder for PostgreSQL).
    pub fn new(listen: SocketAddr, database: String) -> Self {
        let key = default_key_path(&database);
        Config {
            listen,
            database,
            key,
            log_origin: None,
            as_of: None,
            request_timeout_secs: 120,
            code_cache: None,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            bundle: None,
            smtp: None,
        }
    }
}

/// `assure-service.key` beside a SQLite database file, else in the current
/// folder.
pub fn default_key_path(database: &str) -> PathBuf {
    const NAME: &str = "assure-service.key";
    let file = database
        .strip_prefix("sqlite://")
        .or_else(|| database.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(rest));
    match file {
        Some(file) if !file.is_empty() && file != ":memory:" => {
            let parent = std::path::Path::new(file).parent();
            match parent {
                Some(dir) if !dir.as_os_str().is_empty() => dir.join(NAME),
                _ => PathBuf::from(NAME),
            }
        }
        _ => PathBuf::from(NAME),
    }
}

/// Reads the service key at `path`, creating it (mode 0600) when there is
/// none. Two processes starting together both end up with the one that
/// reached the disk first.
pub fn load_or_create_key(
    path: &std::path::Path,
) -> Result<assure_trust::keys::PrivateKey, crate::error::ServerError> {
    use assure_trust::keys::{PrivateKey, generate};
    let error = |e: &dyn std::fmt::Display| crate::error::ServerError::Key {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    if !path.exists() {
        let key = generate();
        if let Err(e) = key.write_pem_file(path) {
            if !path.exists() {
                return Err(error(&e));
            }
        } else {
            tracing::info!(key = %path.display(), "created the service signing key");
        }
    }
    PrivateKey::read_pem_file(path).map_err(|e| error(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_sits_beside_a_sqlite_file() {
        assert_eq!(
            default_key_path("sqlite://assure.db"),
            PathBuf::from("assure-service.key")
        );
        assert_eq!(
            default_key_path("sqlite:///var/lib/assure/a.db?mode=rwc"),
            PathBuf::from("/var/lib/assure/assure-service.key")
        );
        assert_eq!(
            default_key_path("postgres://u@h/db"),
            PathBuf::from("assure-service.key")
        );
    }
}
