//! Persistence with sqlx. SQLite (a file in WAL mode) is the embedded default.
//!
//! Queries are runtime-checked (`query_as::<_, T>` with `FromRow`) and written in portable SQL so the
//! same statements can later run on PostgreSQL. Each aggregate has its own module.

pub mod accounts;
pub mod audit;
pub mod bandwidth_requests;
pub mod dataplane;
pub mod due;
pub mod endpoints;
pub mod gateways;
pub mod idempotency;
pub mod inventory;
pub mod links;
pub mod nonces;
pub mod services;
pub mod tags;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// The database backend in use.
pub type Db = sqlx::Sqlite;
/// A connection pool for [`Db`].
pub type DbPool = sqlx::Pool<Db>;
/// One connection of [`Db`]: what every store function takes (a pooled connection or an open
/// transaction, through `&mut *`).
pub type Conn = <Db as sqlx::Database>::Connection;
/// An open write transaction.
pub type Tx = sqlx::Transaction<'static, Db>;
/// A database failure.
pub type Error = sqlx::Error;

/// A database failure reaches callers as `InternalError`; the details go to the log.
impl From<Error> for crate::domain::ApiError {
    fn from(e: Error) -> Self {
        tracing::error!(error = %e, "database error");
        crate::domain::ApiError::internal()
    }
}

/// Starts a write transaction that takes the write lock at once (`BEGIN IMMEDIATE`), so it
/// never has to upgrade from a reader and fail with `SQLITE_BUSY`.
pub async fn begin_write(writer: &DbPool) -> sqlx::Result<Tx> {
    writer.begin_with("BEGIN IMMEDIATE").await
}

/// Makes deleted and overwritten data be zeroed in the file (this connection only).
pub async fn secure_delete(c: &mut Conn, on: bool) -> sqlx::Result<()> {
    let sql = if on {
        "PRAGMA secure_delete = ON"
    } else {
        "PRAGMA secure_delete = OFF"
    };
    sqlx::query(sql).execute(c).await?;
    Ok(())
}

/// Rows changed by this connection since it opened (SQLite's `total_changes()`): a debug check
/// that a step wrote nothing.
pub async fn total_changes(c: &mut Conn) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT total_changes()")
        .fetch_one(c)
        .await
}

/// Copies the WAL into the database file and empties it (no old frame stays behind).
pub async fn checkpoint(c: &mut Conn) -> sqlx::Result<()> {
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(c)
        .await?;
    Ok(())
}

/// Opens (creating if needed) the database at `url` (`sqlite://linkyard.db`, `sqlite::memory:`).
pub async fn connect(url: &str) -> Result<DbPool, String> {
    if !url.starts_with("sqlite:") {
        return Err(format!(
            "unsupported database URL `{url}`: use sqlite://PATH (for example sqlite://linkyard.db)"
        ));
    }
    let memory = url.contains(":memory:");
    let opts = SqliteConnectOptions::from_str(url)
        .map_err(|e| format!("bad database URL `{url}`: {e}"))?
        .create_if_missing(true)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        .journal_mode(if memory {
            SqliteJournalMode::Memory
        } else {
            SqliteJournalMode::Wal
        })
        .synchronous(SqliteSynchronous::Normal);
    SqlitePoolOptions::new()
        .max_connections(if memory { 1 } else { 8 })
        .min_connections(1)
        .connect_with(opts)
        .await
        .map_err(|e| format!("cannot open database `{url}`: {e}"))
}

/// A pool of one connection to the same database as `pool`, for write transactions (`pool`
/// itself when it already has a single connection, as an in-memory database does).
pub fn writer_pool(pool: &DbPool) -> DbPool {
    if pool.options().get_max_connections() <= 1 {
        return pool.clone();
    }
    SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .connect_lazy_with((*pool.connect_options()).clone())
}

/// Applies the embedded migrations under `migrations/`.
pub async fn migrate(pool: &DbPool) -> Result<(), String> {
    sqlx::migrate!("./migrations")
        .run(pool)
        .await
        .map_err(|e| format!("database migration failed: {e}"))
}

/// A fresh, migrated in-memory database for tests.
pub async fn memory() -> DbPool {
    let pool = connect("sqlite::memory:")
        .await
        .expect("open in-memory sqlite");
    migrate(&pool).await.expect("migrate");
    pool
}

/// Milliseconds since the unix epoch, from the wall clock.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Formats unix milliseconds the way the cloud API does: `2021-09-24T18:00:07Z`.
pub fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}
