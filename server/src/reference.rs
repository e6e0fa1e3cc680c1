//! What makes the service decide again, besides new evidence: reference
//! data loaded (`POST /api/v1/reference/{name}`), a new bundle at start,
//! the time each decision can next change by itself, and a nightly sweep
//! of every product as a safety net.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use assure_engine::reference::{Dataset, Kev, NhsAlerts};
use assure_tlog::{Entry, EntryKind};
use serde::Serialize;
use utoipa::ToSchema;

use crate::current::{Redecided, redecide};
use crate::db::Db;
use crate::problem::Problem;
use crate::state::AppState;

/// The names reference data is loaded under.
pub const NAMES: [&str; 2] = [Kev::NAME, NhsAlerts::NAME];

/// How often due re-decisions are looked for.
const TICK: Duration = Duration::from_secs(30);

/// How often every product is decided again, whatever else happened.
const SWEEP: Duration = Duration::from_secs(24 * 60 * 60);

/// The newest reference data of each name loaded into the service:
/// name → (file name, bytes, SHA-256).
pub async fn stored(db: &Db) -> Result<BTreeMap<String, (String, Vec<u8>, String)>, Problem> {
    let rows: Vec<(String, String, Vec<u8>, String)> = sqlx::query_as(
        "SELECT name, sha256, content, released FROM reference_data ORDER BY released, loaded_at",
    )
    .fetch_all(&db.pool)
    .await
    .map_err(Problem::internal)?;
    let mut newest = BTreeMap::new();
    for (name, sha256, content, _) in rows {
        // Ordered oldest first: the last of each name wins.
        newest.insert(name.clone(), (format!("{name}.json"), content, sha256));
    }
    Ok(newest)
}

/// What loading reference data came to.
#[derive(Debug, Serialize, ToSchema)]
pub struct Loaded {
    /// `kev` or `nhs_alerts`.
    pub name: String,
    /// Its own version.
    pub version: String,
    /// When it was released.
    pub released: String,
    /// Its SHA-256.
    pub sha256: String,
    /// True when this very data was already in use: nothing was decided again.
    pub unchanged: bool,
    /// The known-exploited CVEs added, removed or changed since the data used before.
    pub changed_cves: Vec<String>,
    /// The products decided again: those whose evidence names a changed CVE
    /// (every product when the data used before was too old to judge with,
    /// or for NHS alerts).
    pub considered: usize,
    /// Each product decided again and what came of it.
    pub redecided: Vec<Redecided>,
}

/// Loads reference data `name` for every decision from now on: checked as
/// `assure check --reference` checks it, never older than the data in use,
/// stored and logged; then the products it can change are decided again.
pub async fn load(
    state: &AppState,
    name: &str,
    bytes: Vec<u8>,
    actor: &str,
) -> Result<Loaded, Problem> {
    if !NAMES.contains(&name) {
        return Err(Problem::not_found(format!(
            "no reference data named `{name}`: one of {}",
            NAMES.join(", ")
        )));
    }
    let _one_at_a_time = state.loading.lock().await;
    let sha256 = assure_engine::submission::sha256_hex(&bytes);
    let (version, released, released_at) = describe(name, &bytes)?;
    let old = state.engine();
    let now = state.now();
    let in_use = old.reference_data(now).into_iter().find(|d| d.name == name);
    let mut loaded = Loaded {
        name: name.to_owned(),
        version: version.clone(),
        released: released.clone(),
        sha256: sha256.clone(),
        unchanged: false,
        changed_cves: Vec::new(),
        considered: 0,
        redecided: Vec::new(),
    };
    if let Some(current) = &in_use {
        if current.sha256 == sha256 {
            loaded.unchanged = true;
            return Ok(loaded);
        }
        let current_at = assure_engine::time::normalise_datetime(&current.released)
            .and_then(|t| t.parse::<jiff::Timestamp>().ok());
        if current_at.is_some_and(|c| released_at <= c) {
            return Err(Problem::new(
                axum::http::StatusCode::CONFLICT,
                "reference-data-not-newer",
                "Reference data not newer",
                format!(
                    "{name} {version} (released {released}) is not newer than the {name} {} (released {}) in use: reference data is never rolled back",
                    current.version, current.released
                ),
            ));
        }
    }
    let mut source = state.source();
    source.references.insert(
        name.to_owned(),
        (format!("{name}.json"), bytes.clone(), sha256.clone()),
    );
    let building = source.clone();
    let engine = tokio::task::spawn_blocking(move || building.build())
        .await
        .map_err(Problem::internal)?
        .map_err(|e| Problem::unprocessable(e.to_string()))?;
    let mut tx = state.db.pool.begin().await.map_err(Problem::internal)?;
    sqlx::query(
        "INSERT INTO reference_data (name, sha256, version, released, content, loaded_at, loaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name, sha256) DO NOTHING",
    )
    .bind(name)
    .bind(&sha256)
    .bind(&version)
    .bind(released_at.to_string())
    .bind(bytes)
    .bind(jiff::Timestamp::now().to_string())
    .bind(actor)
    .execute(&mut *tx)
    .await
    .map_err(Problem::internal)?;
    crate::log::append_once(
        &mut tx,
        &state.log_key,
        &Entry {
            kind: EntryKind::ReferenceData,
            id: format!("{name} {version}"),
            sha256: sha256.clone(),
            at: jiff::Timestamp::now().to_string(),
            actor: actor.to_owned(),
        },
    )
    .await?;
    tx.commit().await.map_err(Problem::internal)?;
    let stale_before = in_use.as_ref().is_some_and(|d| d.stale);
    let products = if name == Kev::NAME && !stale_before {
        let changed = changed_cves(old.bundle().kev.as_ref(), engine.bundle().kev.as_ref());
        let products = products_with(&state.db, "cve", &changed).await?;
        loaded.changed_cves = changed;
        products
    } else {
        all_products(&state.db).await?
    };
    state.replace_engine(engine, source);
    loaded.considered = products.len();
    let cause = format!("{name} {version} loaded");
    loaded.redecided = redecide(state, &products, &cause).await?;
    Ok(loaded)
}

/// A dataset's version, release text and release time, or why it is refused.
fn describe(name: &str, bytes: &[u8]) -> Result<(String, String, jiff::Timestamp), Problem> {
    fn of<T: Dataset>(bytes: &[u8]) -> Result<(String, String, jiff::Timestamp), Problem> {
        let data = T::parse_dataset(bytes).map_err(|e| {
            Problem::unprocessable(format!("not a {} the engine accepts: {e}", T::TITLE))
        })?;
        let at = data.released_at().ok_or_else(|| {
            Problem::unprocessable(format!(
                "its release date `{}` is not a date",
                data.released()
            ))
        })?;
        Ok((data.version().to_owned(), data.released().to_owned(), at))
    }
    if name == Kev::NAME {
        of::<Kev>(bytes)
    } else {
        of::<NhsAlerts>(bytes)
    }
}

/// The CVEs listed in one catalogue and not the other, or listed in both
/// with something different said of them.
fn changed_cves(
    old: Option<&assure_engine::bundle::ReferenceData<Kev>>,
    new: Option<&assure_engine::bundle::ReferenceData<Kev>>,
) -> Vec<String> {
    let entries = |d: Option<&assure_engine::bundle::ReferenceData<Kev>>| {
        d.map(|d| {
            d.data
                .entries
                .iter()
                .map(|(cve, e)| {
                    let mut e = e.clone();
                    e.index = 0;
                    (cve.clone(), e)
                })
                .collect::<BTreeMap<_, _>>()
        })
        .unwrap_or_default()
    };
    let (a, b) = (entries(old), entries(new));
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// The products whose current decision's index holds any of `values`.
async fn products_with(db: &Db, kind: &str, values: &[String]) -> Result<Vec<String>, Problem> {
    let mut products = BTreeSet::new();
    for chunk in values.chunks(500) {
        if chunk.is_empty() {
            continue;
        }
        let sql = format!(
            "SELECT DISTINCT product_id FROM product_index WHERE kind = $1 AND value IN ({})",
            crate::db::placeholders(2, chunk.len())
        );
        let mut query = sqlx::query_scalar::<_, String>(&sql).bind(kind);
        for v in chunk {
            query = query.bind(v);
        }
        products.extend(query.fetch_all(&db.pool).await.map_err(Problem::internal)?);
    }
    Ok(products.into_iter().collect())
}

/// Every product with a decision.
pub async fn all_products(db: &Db) -> Result<Vec<String>, Problem> {
    sqlx::query_scalar("SELECT DISTINCT product_id FROM decisions ORDER BY product_id")
        .fetch_all(&db.pool)
        .await
        .map_err(Problem::internal)
}

/// The products whose decision can have changed by itself by `now`, each
/// with what passed.
async fn due(db: &Db, now: jiff::Timestamp) -> Result<Vec<(String, String)>, Problem> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT product_id, next_check_reason FROM product_state WHERE next_check_at IS NOT NULL AND next_check_at <= $1 ORDER BY next_check_at",
    )
    .bind(crate::current::sortable(now))
    .fetch_all(&db.pool)
    .await
    .map_err(Problem::internal)?;
    Ok(rows
        .into_iter()
        .map(|(p, reason)| (p, reason.unwrap_or_default()))
        .collect())
}

/// The products whose current decision was made with another bundle, or
/// that have no current state yet (decided before the service kept one).
async fn unsettled(state: &AppState) -> Result<Vec<String>, Problem> {
    let digest = state.engine().bundle().digest.clone();
    let mut products: BTreeSet<String> = sqlx::query_scalar(
        "SELECT s.product_id FROM product_state s JOIN decisions d ON d.id = s.decision_id WHERE d.bundle_digest <> $1",
    )
    .bind(digest)
    .fetch_all(&state.db.pool)
    .await
    .map_err(Problem::internal)?
    .into_iter()
    .collect();
    products.extend(
        sqlx::query_scalar::<_, String>(
            "SELECT DISTINCT d.product_id FROM decisions d WHERE NOT EXISTS (SELECT 1 FROM product_state s WHERE s.product_id = d.product_id)",
        )
        .fetch_all(&state.db.pool)
        .await
        .map_err(Problem::internal)?,
    );
    Ok(products.into_iter().collect())
}

/// Re-decides what is due, for ever: at start, the products decided with
/// another bundle (and those with no state yet); every tick, reference data
/// another process loaded, then the products whose next change has come;
/// every day, every product.
pub async fn keep_current(state: AppState) {
    match unsettled(&state).await {
        Ok(products) if !products.is_empty() => {
            let cause = format!(
                "bundle {} v{} in use",
                state.engine().bundle().name,
                state.engine().bundle().version
            );
            if let Err(p) = redecide(&state, &products, &cause).await {
                tracing::warn!(error = %p.detail, "could not re-decide after a bundle change");
            }
        }
        Ok(_) => {}
        Err(p) => tracing::warn!(error = %p.detail, "could not list products to re-decide"),
    }
    let mut last_sweep = tokio::time::Instant::now();
    loop {
        if let Err(p) = tick(&state).await {
            tracing::warn!(error = %p.detail, "re-deciding what is due failed");
        }
        if last_sweep.elapsed() >= SWEEP {
            last_sweep = tokio::time::Instant::now();
            if let Err(p) = sweep(&state, "nightly sweep").await {
                tracing::warn!(error = %p.detail, "the nightly sweep failed");
            }
        }
        tokio::time::sleep(TICK).await;
    }
}

/// One tick: reference data loaded by another process sharing the
/// database is taken up, then what is due is decided again.
pub async fn tick(state: &AppState) -> Result<Vec<Redecided>, Problem> {
    // Only the digests every tick; a dataset's bytes only when it is new here.
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT name, sha256 FROM reference_data ORDER BY released, loaded_at")
            .fetch_all(&state.db.pool)
            .await
            .map_err(Problem::internal)?;
    let newest: BTreeMap<String, String> = rows.into_iter().collect();
    let in_use = state.reference_digests();
    for (name, sha256) in newest {
        if in_use.get(&name) == Some(&sha256) {
            continue;
        }
        let bytes: Vec<u8> = sqlx::query_scalar(
            "SELECT content FROM reference_data WHERE name = $1 AND sha256 = $2",
        )
        .bind(&name)
        .bind(&sha256)
        .fetch_one(&state.db.pool)
        .await
        .map_err(Problem::internal)?;
        // The same path as a load here: checked, then the products it changes.
        match load(
            state,
            &name,
            bytes,
            "assure serve (loaded by another process)",
        )
        .await
        {
            Ok(_) => {}
            // Older than what this process uses (its bundle's own copy is newer).
            Err(p) if p.status == 409 => {}
            Err(p) => {
                tracing::warn!(name, error = %p.detail, "reference data in the database was not taken up");
            }
        }
    }
    let mut done = Vec::new();
    for (product, reason) in due(&state.db, state.now()).await? {
        let cause = format!("time passed: {reason}");
        done.extend(redecide(state, std::slice::from_ref(&product), &cause).await?);
    }
    Ok(done)
}

/// Decides every product again.
pub async fn sweep(state: &AppState, cause: &str) -> Result<Vec<Redecided>, Problem> {
    let products = all_products(&state.db).await?;
    redecide(state, &products, cause).await
}
