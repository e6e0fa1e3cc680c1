//! What every request handler shares.

use std::sync::{Arc, RwLock};

use assure_engine::{CodeCache, Engine, TrustedBundle};
use assure_tlog::LogKey;
use assure_trust::keys::PrivateKey;

use crate::db::Db;

/// What an engine is built from: the bundle, the compiled-code cache, and
/// the reference data loaded into the service (newest of each name), which
/// replaces the bundle's own.
#[derive(Clone)]
pub struct EngineSource {
    pub bundle: TrustedBundle,
    pub code_cache: Option<CodeCache>,
    /// name → (file name, bytes, SHA-256).
    pub references: std::collections::BTreeMap<String, (String, Vec<u8>, String)>,
}

impl EngineSource {
    /// Builds the engine (compiling nothing until a plugin is first used).
    pub fn build(&self) -> Result<Engine, assure_engine::Error> {
        let mut builder = Engine::builder(self.bundle.clone()).code_cache(self.code_cache.clone());
        for (name, (file, bytes, _)) in &self.references {
            builder = builder.reference(name, file, bytes.clone());
        }
        builder.build()
    }
}

/// What every request handler shares. Everything that matters is in the
/// database; the engine is rebuilt when reference data is loaded.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    engine: Arc<RwLock<Arc<Engine>>>,
    /// What the engine was built from.
    pub source: Arc<RwLock<EngineSource>>,
    pub key: Arc<PrivateKey>,
    pub log_key: Arc<LogKey>,
    pub as_of: Option<jiff::Timestamp>,
    /// The most an upload's body may hold.
    pub upload_limit: usize,
    /// Wakes this process's job worker when it queues an upload.
    pub work: Arc<tokio::sync::Notify>,
    /// Wakes this process's outbox worker when a notification is queued.
    pub outbox: Arc<tokio::sync::Notify>,
    /// Serialises loading reference data in this process.
    pub loading: Arc<tokio::sync::Mutex<()>>,
}

impl AppState {
    /// The state for an engine built from `source`.
    pub fn new(
        db: Db,
        engine: Engine,
        source: EngineSource,
        key: PrivateKey,
        log_key: LogKey,
        as_of: Option<jiff::Timestamp>,
        upload_limit: usize,
    ) -> Self {
        AppState {
            db,
            engine: Arc::new(RwLock::new(Arc::new(engine))),
            source: Arc::new(RwLock::new(source)),
            key: Arc::new(key),
            log_key: Arc::new(log_key),
            as_of,
            upload_limit,
            work: Arc::new(tokio::sync::Notify::new()),
            outbox: Arc::new(tokio::sync::Notify::new()),
            loading: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    /// The time decisions are made as of.
    pub fn now(&self) -> jiff::Timestamp {
        self.as_of.unwrap_or_else(jiff::Timestamp::now)
    }

    /// The engine decisions are made with now.
    pub fn engine(&self) -> Arc<Engine> {
        self.engine
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// What the engine is built from now.
    pub fn source(&self) -> EngineSource {
        self.source
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The SHA-256 of each reference dataset loaded into the service that the
    /// engine uses, by name.
    pub fn reference_digests(&self) -> std::collections::BTreeMap<String, String> {
        self.source
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .references
            .iter()
            .map(|(name, (_, _, sha256))| (name.clone(), sha256.clone()))
            .collect()
    }

    /// Decides with `engine`, built from `source`, from now on.
    pub fn replace_engine(&self, engine: Engine, source: EngineSource) {
        *self
            .engine
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(engine);
        *self
            .source
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = source;
    }
}
