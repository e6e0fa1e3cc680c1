//! Key files, trust state and the two kinds of failure shared by the
//! commands that verify or sign: `assure bundle|plugin|key`, and the
//! registry commands.

use std::path::{Path, PathBuf};

use assure_trust::TrustError;
use assure_trust::keys::{PrivateKey, PublicKey};

use crate::failure::Failure;

/// The default anti-rollback state file.
pub fn default_state() -> PathBuf {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("assure").join("trust-state.json")
}

/// A trust failure (exit 4).
pub fn untrusted(what: &str, error: &TrustError) -> Failure {
    Failure::untrusted(format!("{what}: {error}"))
}

/// A usage error (exit 1).
pub fn usage(message: &str) -> Failure {
    Failure::usage(message)
}

pub fn read_public_keys(paths: &[PathBuf]) -> Result<Vec<PublicKey>, Failure> {
    paths
        .iter()
        .map(|p| {
            PublicKey::read_pem_file(p)
                .map_err(|e| untrusted(&format!("trusted key {}", p.display()), &e))
        })
        .collect()
}

pub fn read_private_key(path: &Path) -> Result<PrivateKey, Failure> {
    PrivateKey::read_pem_file(path).map_err(|e| untrusted(&format!("key {}", path.display()), &e))
}
