//! Where console sessions live: in the same database as everything else, so a user whose requests
//! alternate between replicas stays signed in. SQLite keeps them in its `tower_sessions` table,
//! PostgreSQL in the `tower_sessions` schema (tower-sessions-sqlx-store); expired ones are deleted
//! every few minutes.

use crate::store::{Backend, DbPool};
use async_trait::async_trait;
use std::time::Duration;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// The session store of the backend the server runs on.
#[derive(Clone, Debug)]
pub enum Sessions {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Sessions {
    /// Opens the session store in the database `pool` uses (a small pool of its own, since the
    /// session store needs the driver's concrete pool type) and creates its table if missing.
    pub async fn open(pool: &DbPool) -> Result<Sessions, String> {
        let url = pool.connect_options().database_url.to_string();
        let fail = |e: sqlx::Error| format!("cannot prepare the session table: {e}");
        match crate::store::backend(pool) {
            Backend::Sqlite => {
                let opts =
                    <sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str(&url)
                        .map_err(fail)?
                        .create_if_missing(true)
                        .busy_timeout(Duration::from_secs(10));
                let sessions = sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(if url.contains(":memory:") { 1 } else { 4 })
                    .connect_with(opts)
                    .await
                    .map_err(fail)?;
                let store = SqliteStore::new(sessions);
                store.migrate().await.map_err(fail)?;
                Ok(Sessions::Sqlite(store))
            }
            Backend::Postgres => {
                let sessions = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(8)
                    .connect(&url)
                    .await
                    .map_err(fail)?;
                let store = PostgresStore::new(sessions);
                // Two replicas starting together race to create the schema: the loser retries.
                if store.migrate().await.is_err() {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    store.migrate().await.map_err(fail)?;
                }
                Ok(Sessions::Postgres(store))
            }
        }
    }

    /// Deletes expired sessions every five minutes, for as long as the server runs.
    pub fn spawn_cleanup(&self) {
        let store = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(300));
            loop {
                every.tick().await;
                if let Err(e) = store.delete_expired().await {
                    tracing::warn!(error = %e, "could not delete expired sessions");
                }
            }
        });
    }
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(s) => s.create(record).await,
            Sessions::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(s) => s.save(record).await,
            Sessions::Postgres(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Sessions::Sqlite(s) => s.load(id).await,
            Sessions::Postgres(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(s) => s.delete(id).await,
            Sessions::Postgres(s) => s.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(s) => s.delete_expired().await,
            Sessions::Postgres(s) => s.delete_expired().await,
        }
    }
}
