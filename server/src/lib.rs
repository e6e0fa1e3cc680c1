//! `assure serve`: a procurement team's portfolio of suppliers, products,
//! submitted versions and decisions over time, with every decision signed and
//! appended to a tamper-evident Merkle log before it is returned.
//!
//! A thin shell over the engine and the report library: uploads are checked
//! by [`assure_engine::Engine`] and rendered by [`assure_report`]; this crate
//! stores, attributes, logs and serves them. SQLite is the embedded default;
//! PostgreSQL serves several processes sharing one database.

mod api;
mod app;
mod auth;
mod config;
mod current;
mod db;
mod diff;
mod error;
mod jobs;
mod log;
pub mod notify;
mod openapi;
mod portfolio;
mod problem;
mod reference;
mod respond;
mod state;
mod ui;
mod upload;
mod watch;

pub use auth::{Role, new_token};
pub use config::{Config, DEFAULT_DATABASE, DEFAULT_LISTEN, DEFAULT_MAX_UPLOAD_BYTES};
pub use error::ServerError;

/// Runs the server until interrupted (Ctrl-C or SIGTERM), on a runtime of
/// its own. `ready` is called with the bound address once it listens.
pub fn run(config: Config, ready: impl FnOnce(std::net::SocketAddr)) -> Result<(), ServerError> {
    runtime()?.block_on(app::serve(config, ready))
}

/// Creates an API token with `role` (for a supplier, bound to `supplier`)
/// in the database at `database`, migrating it first; returns the token,
/// which is shown once and stored only as its SHA-256.
pub fn create_token(
    database: &str,
    role: Role,
    supplier: Option<&str>,
    label: &str,
) -> Result<String, ServerError> {
    runtime()?.block_on(async {
        let db = db::Db::connect(database).await?;
        auth::create(&db, role, supplier, label).await
    })
}

fn runtime() -> Result<tokio::runtime::Runtime, ServerError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| ServerError::Io {
            what: "cannot start the runtime".into(),
            source: e,
        })
}
