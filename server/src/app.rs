//! The running service: its state, its routes and its middleware.

use std::time::Duration;

use assure_engine::TrustedBundle;
use assure_tlog::{Entry, EntryKind, LogKey};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::db::Db;
use crate::error::ServerError;
use crate::state::{AppState, EngineSource};

/// Starts the service and serves until interrupted.
pub async fn serve(
    config: Config,
    ready: impl FnOnce(std::net::SocketAddr),
) -> Result<(), ServerError> {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ASSURE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none(),
        )
        .try_init();
    let state = state(&config).await?;
    tokio::spawn(crate::jobs::work(state.clone()));
    tokio::spawn(crate::reference::keep_current(state.clone()));
    tokio::spawn(crate::notify::outbox::Notifier::start(
        state.db.clone(),
        config.smtp.clone(),
        state.outbox.clone(),
    ));
    let app = router(state, config.request_timeout_secs);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| ServerError::Io {
            what: format!("cannot listen on {}", config.listen),
            source: e,
        })?;
    let address = listener.local_addr().map_err(|e| ServerError::Io {
        what: "cannot read the bound address".into(),
        source: e,
    })?;
    ready(address);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| ServerError::Io {
            what: "the server stopped".into(),
            source: e,
        })
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Opens the database, the key, the engine and the log.
pub async fn state(config: &Config) -> Result<AppState, ServerError> {
    let db = Db::connect(&config.database).await?;
    let key = crate::config::load_or_create_key(&config.key)?;
    let origin = match &config.log_origin {
        Some(origin) => origin.clone(),
        None => format!(
            "assure.local/log/{}",
            key.public_key()
                .key_id()
                .to_hex()
                .get(..16)
                .unwrap_or_default()
        ),
    };
    let log_key = LogKey::new(&origin, key.clone()).map_err(|e| ServerError::Log(e.to_string()))?;
    crate::log::open(&db, &log_key).await?;
    let chosen = match config.bundle.clone() {
        Some(bundle) => bundle,
        None => TrustedBundle::builtin().map_err(|e| ServerError::Engine(e.to_string()))?,
    };
    let source = EngineSource {
        bundle: chosen,
        code_cache: config.code_cache.clone(),
        references: crate::reference::stored(&db)
            .await
            .map_err(|p| ServerError::Engine(p.detail))?,
    };
    let building = source.clone();
    let (engine, source) = tokio::task::spawn_blocking(move || {
        match building.build() {
            Ok(engine) => Ok((engine, building)),
            // Reference data loaded earlier that this bundle's own copy
            // has overtaken (a newer bundle): the bundle's is used.
            Err(e) if !building.references.is_empty() => {
                tracing::warn!(error = %e, "reference data loaded earlier is not used with this bundle");
                let mut plain = building;
                plain.references.clear();
                let engine = plain
                    .build()
                    .map_err(|e| ServerError::Engine(e.to_string()))?;
                Ok((engine, plain))
            }
            Err(e) => Err(ServerError::Engine(e.to_string())),
        }
    })
    .await
    .map_err(|e| ServerError::Engine(e.to_string()))??;
    let limits = engine.load_options(false).limits;
    let upload_limit = usize::try_from(
        limits
            .max_total_bytes
            .saturating_add(limits.max_manifest_bytes)
            .saturating_add(1024 * 1024)
            .min(config.max_upload_bytes),
    )
    .unwrap_or(usize::MAX);
    let state = AppState::new(db, engine, source, key, log_key, config.as_of, upload_limit);
    log_accepted(&state).await?;
    Ok(state)
}

/// Logs the bundle and the reference data this process decides with, the
/// first time the service uses each; refuses a bundle older than one the
/// service has already decided with (anti-rollback across every process
/// and restart, whatever a process's own state file says).
async fn log_accepted(state: &AppState) -> Result<(), ServerError> {
    let engine = state.engine();
    let bundle = engine.bundle();
    let logged: Vec<String> =
        sqlx::query_scalar("SELECT object_id FROM log_entries WHERE kind = 'bundle'")
            .fetch_all(&state.db.pool)
            .await
            .map_err(|e| ServerError::Log(e.to_string()))?;
    let newest = logged
        .iter()
        .filter_map(|id| id.rsplit_once(" v"))
        .filter(|(name, _)| *name == bundle.name)
        .filter_map(|(_, version)| version.parse::<u64>().ok())
        .max();
    if let Some(newest) = newest.filter(|v| *v > bundle.version) {
        return Err(ServerError::Config(format!(
            "bundle {} v{} is older than v{newest}, which this service has already decided with: \
             a bundle is never rolled back",
            bundle.name, bundle.version
        )));
    }
    let mut entries = vec![Entry {
        kind: EntryKind::Bundle,
        id: format!("{} v{}", bundle.name, bundle.version),
        sha256: bundle.digest.clone(),
        at: jiff::Timestamp::now().to_string(),
        actor: "assure serve (start)".into(),
    }];
    for data in engine.reference_data(state.now()) {
        entries.push(Entry {
            kind: EntryKind::ReferenceData,
            id: format!("{} {}", data.name, data.version),
            sha256: data.sha256.clone(),
            at: jiff::Timestamp::now().to_string(),
            actor: "assure serve (start)".into(),
        });
    }
    for entry in entries {
        let mut tx = state
            .db
            .pool
            .begin()
            .await
            .map_err(|e| ServerError::Log(e.to_string()))?;
        crate::log::append_once(&mut tx, &state.log_key, &entry)
            .await
            .map_err(|p| ServerError::Log(p.detail))?;
        tx.commit()
            .await
            .map_err(|e| ServerError::Log(e.to_string()))?;
    }
    Ok(())
}

/// The body limit's refusal as a problem document, like every other error.
async fn problem_for_too_large(response: axum::response::Response) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let is_problem = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == b"application/problem+json");
    if response.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE && !is_problem {
        return crate::problem::Problem::too_large(
            "the request is larger than this service accepts (assure serve --max-upload-bytes; docs/LIMITS.md); nothing was stored",
        )
        .into_response();
    }
    response
}

/// Every route, with the limits and timeouts around them.
pub fn router(state: AppState, timeout_secs: u64) -> Router {
    let upload_limit = state.upload_limit;
    Router::new()
        .merge(crate::api::routes())
        .merge(crate::watch::routes())
        .route("/openapi.json", axum::routing::get(crate::openapi::serve))
        .merge(crate::ui::routes())
        .layer(DefaultBodyLimit::max(upload_limit))
        .layer(RequestBodyLimitLayer::new(upload_limit))
        // Outside the limit, so its refusal is turned into a problem document.
        .layer(axum::middleware::map_response(problem_for_too_large))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(timeout_secs),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
