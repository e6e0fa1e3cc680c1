//! The decision log in the database: every stored decision (and every bundle
//! and reference-data snapshot the service accepts) appended to an RFC 6962
//! Merkle tree, its stored hashes kept in `log_hashes`, its latest signed
//! checkpoint in `log_head`. Appending locks the head row, so several
//! processes sharing one PostgreSQL append one at a time, in the same
//! transaction as what they log.

use assure_tlog::{ConsistencyProof, Entry, HashCache, InclusionProof, LogError, LogKey};
use sqlx::{Any, Executor, Transaction};

use crate::db::{Db, placeholders};
use crate::error::ServerError;
use crate::problem::Problem;

/// Loads the stored hashes `missing` into `cache`.
async fn fetch<'e, E>(executor: E, missing: &[u64], cache: &mut HashCache) -> Result<(), Problem>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!(
        "SELECT idx, hash FROM log_hashes WHERE idx IN ({})",
        placeholders(1, missing.len())
    );
    let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
    for index in missing {
        query = query.bind(i64::try_from(*index).unwrap_or(i64::MAX));
    }
    let rows = query.fetch_all(executor).await.map_err(Problem::internal)?;
    if rows.len() != missing.len() {
        return Err(Problem::internal(format!(
            "the log is missing stored hashes {missing:?}"
        )));
    }
    for (index, hash) in rows {
        let bytes: [u8; 32] = hex::decode(&hash)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| {
                Problem::internal(format!("stored hash {index} is not 32 bytes of hex"))
            })?;
        cache.insert(u64::try_from(index).unwrap_or(0), assure_tlog::Hash(bytes));
    }
    Ok(())
}

/// Runs `step` over the cache, fetching what it says is missing, until it
/// answers.
macro_rules! with_hashes {
    ($conn:expr, $cache:expr, $step:expr) => {{
        loop {
            match $step {
                Ok(value) => break Ok::<_, Problem>(value),
                Err(LogError::Missing(missing)) => {
                    fetch(&mut *$conn, &missing, &mut $cache).await?
                }
                Err(e) => break Err(Problem::internal(e)),
            }
        }
    }};
}

/// Creates the log's head on first start; on every other, checks that the
/// stored checkpoint is this service's, so a server never appends to a log
/// another key signed.
pub async fn open(db: &Db, key: &LogKey) -> Result<(), ServerError> {
    let empty = key
        .sign_checkpoint(0, &assure_tlog::EMPTY_HASH)
        .map_err(|e| ServerError::Log(e.to_string()))?;
    for sql in [
        "INSERT INTO log_head (id, size, checkpoint) VALUES (1, 0, $1) ON CONFLICT (id) DO NOTHING",
        "INSERT INTO log_checkpoints (size, checkpoint) VALUES (0, $1) ON CONFLICT (size) DO NOTHING",
    ] {
        sqlx::query(sql)
            .bind(&empty)
            .execute(&db.pool)
            .await
            .map_err(|e| ServerError::Log(e.to_string()))?;
    }
    let (size, checkpoint): (i64, String) =
        sqlx::query_as("SELECT size, checkpoint FROM log_head WHERE id = 1")
            .fetch_one(&db.pool)
            .await
            .map_err(|e| ServerError::Log(e.to_string()))?;
    let verified = key.verifier().verify_checkpoint(&checkpoint).map_err(|e| {
        ServerError::Log(format!(
            "the database's latest checkpoint does not verify with this service's key ({e}); \
             start with the key that signed it"
        ))
    })?;
    if i64::try_from(verified.size).ok() != Some(size) {
        return Err(ServerError::Log(format!(
            "the head says {size} entries but its checkpoint says {}",
            verified.size
        )));
    }
    Ok(())
}

/// Appends `entry` in `tx`, after locking the head; returns its index.
pub async fn append(
    tx: &mut Transaction<'static, Any>,
    key: &LogKey,
    entry: &Entry,
) -> Result<u64, Problem> {
    lock(tx).await?;
    let size: i64 = sqlx::query_scalar("SELECT size FROM log_head WHERE id = 1")
        .fetch_one(&mut **tx)
        .await
        .map_err(Problem::internal)?;
    let n = u64::try_from(size).map_err(Problem::internal)?;
    let bytes = entry.to_bytes();
    let mut cache = HashCache::new();
    let conn = &mut **tx;
    let new = with_hashes!(conn, cache, assure_tlog::hashes_to_store(n, &bytes, &cache))?;
    sqlx::query("INSERT INTO log_entries (idx, kind, object_id, sha256, entry, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(size)
        .bind(entry.kind.as_str())
        .bind(&entry.id)
        .bind(&entry.sha256)
        .bind(String::from_utf8_lossy(&bytes).into_owned())
        .bind(jiff::Timestamp::now().to_string())
        .execute(&mut *conn)
        .await
        .map_err(Problem::internal)?;
    for (index, hash) in &new {
        sqlx::query("INSERT INTO log_hashes (idx, hash) VALUES ($1, $2)")
            .bind(i64::try_from(*index).unwrap_or(i64::MAX))
            .bind(hex::encode(hash.0))
            .execute(&mut *conn)
            .await
            .map_err(Problem::internal)?;
        cache.insert(*index, *hash);
    }
    let root = with_hashes!(conn, cache, assure_tlog::tree_root(n + 1, &cache))?;
    let checkpoint = key
        .sign_checkpoint(n + 1, &root)
        .map_err(Problem::internal)?;
    sqlx::query("UPDATE log_head SET size = $1, checkpoint = $2 WHERE id = 1")
        .bind(size + 1)
        .bind(&checkpoint)
        .execute(&mut *conn)
        .await
        .map_err(Problem::internal)?;
    sqlx::query("INSERT INTO log_checkpoints (size, checkpoint) VALUES ($1, $2)")
        .bind(size + 1)
        .bind(&checkpoint)
        .execute(&mut *conn)
        .await
        .map_err(Problem::internal)?;
    Ok(n)
}

/// Appends `entry` in `tx` unless an entry of its kind for the same object
/// (id and SHA-256) is already in the log.
pub async fn append_once(
    tx: &mut Transaction<'static, Any>,
    key: &LogKey,
    entry: &Entry,
) -> Result<Option<u64>, Problem> {
    lock(tx).await?;
    let seen: Option<i64> = sqlx::query_scalar(
        "SELECT idx FROM log_entries WHERE kind = $1 AND object_id = $2 AND sha256 = $3",
    )
    .bind(entry.kind.as_str())
    .bind(&entry.id)
    .bind(&entry.sha256)
    .fetch_optional(&mut **tx)
    .await
    .map_err(Problem::internal)?;
    match seen {
        Some(_) => Ok(None),
        None => append(tx, key, entry).await.map(Some),
    }
}

/// Takes the head's row lock (PostgreSQL: a row lock; SQLite: the write
/// lock), so appenders queue rather than race. Held until `tx` ends.
async fn lock(tx: &mut Transaction<'static, Any>) -> Result<(), Problem> {
    sqlx::query("UPDATE log_head SET size = size WHERE id = 1")
        .execute(&mut **tx)
        .await
        .map_err(Problem::internal)?;
    Ok(())
}

/// The latest signed checkpoint and the log's size.
pub async fn head(db: &Db) -> Result<(u64, String), Problem> {
    let (size, checkpoint): (i64, String) =
        sqlx::query_as("SELECT size, checkpoint FROM log_head WHERE id = 1")
            .fetch_one(&db.pool)
            .await
            .map_err(Problem::internal)?;
    Ok((u64::try_from(size).unwrap_or(0), checkpoint))
}

/// A proof that entry `index` is in the log at its latest checkpoint.
pub async fn prove_inclusion(db: &Db, index: u64) -> Result<InclusionProof, Problem> {
    let mut conn = db.pool.acquire().await.map_err(Problem::internal)?;
    let (size, checkpoint) = head(db).await?;
    if index >= size {
        return Err(Problem::not_found(format!("the log has no entry {index}")));
    }
    let entry: String = sqlx::query_scalar("SELECT entry FROM log_entries WHERE idx = $1")
        .bind(i64::try_from(index).unwrap_or(i64::MAX))
        .fetch_one(&mut *conn)
        .await
        .map_err(Problem::internal)?;
    let mut cache = HashCache::new();
    let proof = with_hashes!(
        conn,
        cache,
        assure_tlog::prove_inclusion(size, index, &cache)
    )?;
    let entry = Entry::from_bytes(entry.as_bytes()).map_err(Problem::internal)?;
    Ok(InclusionProof::new(checkpoint, index, &entry, &proof))
}

/// A proof that the log at `old_size` entries (its checkpoint as signed
/// then) is a prefix of the log at its latest checkpoint.
pub async fn prove_consistency(db: &Db, old_size: u64) -> Result<ConsistencyProof, Problem> {
    let mut conn = db.pool.acquire().await.map_err(Problem::internal)?;
    let (size, checkpoint) = head(db).await?;
    if old_size > size {
        return Err(Problem::bad_request(format!(
            "the log has {size} entries, fewer than {old_size}"
        )));
    }
    let old: Option<String> =
        sqlx::query_scalar("SELECT checkpoint FROM log_checkpoints WHERE size = $1")
            .bind(i64::try_from(old_size).unwrap_or(i64::MAX))
            .fetch_optional(&mut *conn)
            .await
            .map_err(Problem::internal)?;
    let Some(old) = old else {
        return Err(Problem::not_found(format!(
            "the log never had a checkpoint of size {old_size}"
        )));
    };
    let mut cache = HashCache::new();
    let proof = with_hashes!(
        conn,
        cache,
        assure_tlog::prove_consistency(old_size, size, &cache)
    )?;
    Ok(ConsistencyProof::new(old, checkpoint, &proof))
}
