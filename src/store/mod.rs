//! Persistence with sqlx, on SQLite (a file in WAL mode, the embedded default) or PostgreSQL (for
//! several replicas), chosen by the database URL at start.
//!
//! Queries are runtime-checked (`query_as::<_, T>` with `FromRow`) and written once, in the SQL both
//! stores accept; [`dialect`] holds the few fragments they write differently. Each aggregate has its
//! own module; [`locks`] holds the locks between replicas.

pub mod accounts;
pub mod audit;
pub mod bandwidth_requests;
pub mod buckets;
pub mod dataplane;
pub mod due;
pub mod endpoints;
pub mod gateways;
pub mod idempotency;
pub mod inventory;
pub mod links;
pub mod locks;
pub mod nonces;
pub mod services;
pub mod signin_failures;
pub mod tags;

pub mod dialect;

pub use dialect::{Backend, Flag};

use sqlx::Executor;
use sqlx::any::AnyPoolOptions;
use std::time::Duration;

/// The database driver: `Any`, so one build serves both stores (SQLite, the embedded default, and
/// PostgreSQL for several replicas). Statements are written once, in the SQL both accept; the few
/// spots where the dialects differ ask [`dialect`].
pub type Db = sqlx::Any;
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

/// The advisory lock every PostgreSQL write transaction takes first: writes from all replicas
/// queue on it as SQLite's writers queue on its write lock, so a check-then-write step sees the
/// same serial history on both stores.
const PG_WRITE_LOCK: i64 = 0x4c49_4e4b_5941_5244; // "LINKYARD"

/// Starts a write transaction that holds the store's write lock from its first statement:
/// `BEGIN IMMEDIATE` on SQLite (it never has to upgrade from a reader and fail with
/// `SQLITE_BUSY`), the transaction-scoped [`PG_WRITE_LOCK`] on PostgreSQL.
pub async fn begin_write(writer: &DbPool) -> sqlx::Result<Tx> {
    match backend(writer) {
        Backend::Sqlite => writer.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => {
            let mut tx = writer.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(PG_WRITE_LOCK)
                .execute(&mut *tx)
                .await?;
            Ok(tx)
        }
    }
}

/// Starts a transaction that takes SQLite's write lock at once (`BEGIN IMMEDIATE`), for writes that
/// need no serial order with the rest (a plain transaction on PostgreSQL).
pub async fn begin_immediate(pool: &DbPool) -> sqlx::Result<Tx> {
    match backend(pool) {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => pool.begin().await,
    }
}

/// Makes deleted and overwritten data be zeroed in the file (this connection only; SQLite, where
/// deleted pages stay in the file; PostgreSQL's VACUUM reclaims dead rows itself).
pub async fn secure_delete(c: &mut Conn, on: bool) -> sqlx::Result<()> {
    if Backend::of(c) != Backend::Sqlite {
        return Ok(());
    }
    let sql = if on {
        "PRAGMA secure_delete = ON"
    } else {
        "PRAGMA secure_delete = OFF"
    };
    sqlx::query(sql).execute(c).await?;
    Ok(())
}

/// Rows changed by this connection since it opened (SQLite's `total_changes()`; `None` on
/// PostgreSQL, which has no such counter): a debug check that a step wrote nothing.
pub async fn total_changes(c: &mut Conn) -> sqlx::Result<Option<i64>> {
    if Backend::of(c) != Backend::Sqlite {
        return Ok(None);
    }
    sqlx::query_scalar("SELECT total_changes()")
        .fetch_one(c)
        .await
        .map(Some)
}

/// How a [`checkpoint`] treats the others using the database.
#[derive(Clone, Copy, Debug)]
pub enum Checkpoint {
    /// Copies what it can without waiting for readers or the writer, which go on meanwhile.
    Passive,
    /// Waits for them, copies everything and empties the WAL (no old frame stays behind).
    Truncate,
}

/// Copies the WAL's committed pages back into the SQLite database file (nothing on PostgreSQL).
pub async fn checkpoint(c: &mut Conn, mode: Checkpoint) -> sqlx::Result<()> {
    if Backend::of(c) != Backend::Sqlite {
        return Ok(());
    }
    let sql = match mode {
        Checkpoint::Passive => "PRAGMA wal_checkpoint(PASSIVE)",
        Checkpoint::Truncate => "PRAGMA wal_checkpoint(TRUNCATE)",
    };
    sqlx::query(sql).execute(c).await?;
    Ok(())
}

/// Whether `pool`'s database keeps a write-ahead log (a SQLite file; not PostgreSQL, not an
/// in-memory database).
pub fn has_wal(pool: &DbPool) -> bool {
    backend(pool) == Backend::Sqlite
        && !pool
            .connect_options()
            .database_url
            .as_str()
            .contains(":memory:")
}

/// Opens the database at `url`: `sqlite://linkyard.db` (created if missing), `sqlite::memory:`,
/// or `postgres://user:password@host:5432/db`. A failure is one line that says what to fix.
pub async fn connect(url: &str) -> Result<DbPool, String> {
    sqlx::any::install_default_drivers();
    let backend = Backend::of_url(url).ok_or_else(|| {
        format!(
            "unsupported database URL `{}`: use sqlite://PATH (for example sqlite://linkyard.db) \
             or postgres://USER:PASSWORD@HOST:PORT/DATABASE",
            dialect::redact(url)
        )
    })?;
    match backend {
        Backend::Sqlite => connect_sqlite(url).await,
        Backend::Postgres => connect_postgres(url).await,
    }
}

async fn connect_sqlite(url: &str) -> Result<DbPool, String> {
    let memory = url.contains(":memory:");
    // Validate the URL the way the SQLite driver reads it, for a clear message.
    <sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str(url)
        .map_err(|e| format!("bad database URL `{url}`: {e}"))?;
    let url = dialect::sqlite_url_creating(url);
    let journal = if memory { "MEMORY" } else { "WAL" };
    AnyPoolOptions::new()
        .max_connections(if memory { 1 } else { 8 })
        .min_connections(1)
        // A ping before every acquire is a round trip to the connection's thread; a local SQLite
        // connection does not go stale the way a network one does.
        .test_before_acquire(false)
        .after_connect(move |c, _| {
            Box::pin(async move {
                c.execute(
                    format!("{} PRAGMA journal_mode = {journal};", connection_pragmas()).as_str(),
                )
                .await?;
                Ok(())
            })
        })
        .connect(&url)
        .await
        .map_err(|e| format!("cannot open database `{url}`: {e}"))
}

async fn connect_postgres(url: &str) -> Result<DbPool, String> {
    let shown = dialect::redact(url);
    AnyPoolOptions::new()
        .max_connections(16)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await
        .map_err(|e| dialect::explain_postgres_error(&shown, &e))
}

/// The backend of `pool`'s database.
pub fn backend(pool: &DbPool) -> Backend {
    Backend::of_url(pool.connect_options().database_url.as_str()).unwrap_or(Backend::Sqlite)
}

/// A pool for write transactions on the same database as `pool`: one connection on SQLite (its
/// single writer; `pool` itself when it already has a single connection, as an in-memory database
/// does), two on PostgreSQL (the group committer's connection and one for writes outside it).
pub fn writer_pool(pool: &DbPool) -> DbPool {
    if pool.options().get_max_connections() <= 1 {
        return pool.clone();
    }
    let size = match backend(pool) {
        Backend::Sqlite => 1,
        Backend::Postgres => 2,
    };
    let mut writer = AnyPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(Duration::from_secs(30));
    if backend(pool) == Backend::Sqlite {
        writer = writer.test_before_acquire(false).after_connect(|c, _| {
            Box::pin(async move {
                c.execute(connection_pragmas().as_str()).await?;
                Ok(())
            })
        });
    }
    writer.connect_lazy_with((*pool.connect_options()).clone())
}

/// WAL pages after which the connection that commits copies them back into the database file
/// itself (SQLite's automatic checkpoint, 1 000 pages by default). Set high because the group
/// committer has a passive [`checkpoint`] do it off the writer after its commits; the automatic
/// one stays as a backstop.
const WAL_AUTOCHECKPOINT_PAGES: u32 = 16_384;

/// The settings of every SQLite connection, readers and the writer alike.
fn connection_pragmas() -> String {
    format!(
        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; \
         PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES};"
    )
}

/// Applies the embedded migrations of the pool's backend (`migrations/sqlite`,
/// `migrations/postgres`: the same version numbers, each in its dialect). A database that a newer
/// Linkyard migrated is refused with one line.
pub async fn migrate(pool: &DbPool) -> Result<(), String> {
    let migrator = match backend(pool) {
        Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
        Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
    };
    migrator.run(pool).await.map_err(|e| match e {
        sqlx::migrate::MigrateError::VersionMissing(v) => format!(
            "the database was migrated by another Linkyard version (it has schema version {v}, \
             which this build does not know); use the Linkyard version that created it or a new database"
        ),
        sqlx::migrate::MigrateError::VersionMismatch(v) => format!(
            "the database was migrated by another Linkyard version (schema version {v} differs \
             from this build's); use the Linkyard version that created it or a new database"
        ),
        e => format!("database migration failed: {e}"),
    })
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
