//! The database: SQLite (embedded default) or PostgreSQL, one schema, its
//! migrations embedded in the binary.

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};

use rand_core::{OsRng, RngCore};

use crate::error::{ServerError, redact};

/// Which database the pool speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite: one file, one writer at a time.
    Sqlite,
    /// PostgreSQL: shared by several server processes.
    Postgres,
}

/// A connection pool and its dialect.
#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub dialect: Dialect,
}

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Db {
    /// Connects to `url` and brings its schema up to date.
    pub async fn connect(url: &str) -> Result<Self, ServerError> {
        install_default_drivers();
        let (dialect, url_to_open) = if url.starts_with("sqlite:") {
            let with_mode = if url.contains("mode=") {
                url.to_owned()
            } else if url.contains('?') {
                format!("{url}&mode=rwc")
            } else {
                format!("{url}?mode=rwc")
            };
            (Dialect::Sqlite, with_mode)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Dialect::Postgres, url.to_owned())
        } else {
            return Err(ServerError::Config(format!(
                "database `{}`: use sqlite://FILE or postgres://USER@HOST/NAME",
                redact(url)
            )));
        };
        let options = AnyPoolOptions::new()
            .max_connections(match dialect {
                Dialect::Sqlite => 4,
                Dialect::Postgres => 8,
            })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if dialect == Dialect::Sqlite {
                        // Readers never wait for the writer; the schema's
                        // references are enforced; a writer waits its turn.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 30000").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                    }
                    Ok(())
                })
            });
        let pool = options
            .connect(&url_to_open)
            .await
            .map_err(|e| ServerError::database(url, e))?;
        let migrator = match dialect {
            Dialect::Sqlite => &SQLITE,
            Dialect::Postgres => &POSTGRES,
        };
        migrator
            .run(&pool)
            .await
            .map_err(|e| ServerError::database(url, e))?;
        Ok(Db { pool, dialect })
    }
}

/// A new random id with a readable prefix (`d-…` for a decision).
pub fn new_id(prefix: &str) -> String {
    let mut bytes = [0u8; 12];
    OsRng.fill_bytes(&mut bytes);
    format!("{prefix}-{}", hex::encode(bytes))
}

/// `n` placeholders `$start, $start+1, …` joined by commas.
pub fn placeholders(start: usize, n: usize) -> String {
    (start..start + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_a_message() {
        assert_eq!(
            crate::error::redact("postgres://assure:s3cret@127.0.0.1:5432/a"),
            "postgres://assure:***@127.0.0.1:5432/a"
        );
        assert_eq!(
            crate::error::redact("sqlite://assure.db"),
            "sqlite://assure.db"
        );
        assert_eq!(placeholders(2, 3), "$2, $3, $4");
    }
}
