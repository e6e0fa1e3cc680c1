//! What every request handler shares.

use std::sync::Arc;

use assure_engine::Engine;
use assure_tlog::LogKey;
use assure_trust::keys::PrivateKey;

use crate::db::Db;

/// What every request handler shares. Nothing in it changes while serving:
/// every state that matters is in the database.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub engine: Arc<Engine>,
    pub key: Arc<PrivateKey>,
    pub log_key: Arc<LogKey>,
    pub as_of: Option<jiff::Timestamp>,
    /// The most an upload's body may hold.
    pub upload_limit: usize,
    /// Wakes this process's job worker when it queues an upload.
    pub work: Arc<tokio::sync::Notify>,
}

impl AppState {
    /// The time decisions are made as of.
    pub fn now(&self) -> jiff::Timestamp {
        self.as_of.unwrap_or_else(jiff::Timestamp::now)
    }
}
