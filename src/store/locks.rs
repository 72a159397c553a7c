//! Locks between replicas that share one PostgreSQL database, as advisory locks held by a
//! dedicated connection (released by PostgreSQL the moment that connection ends, so a replica
//! killed with `kill -9` frees them at once). On SQLite there is one process: both always hold.

use super::{Backend, DbPool};
use sqlx::{Connection, PgConnection};
use std::time::{Duration, Instant};

/// Lock keys (arbitrary, fixed): which replica runs the reconciler; who loads the first scenario.
const RECONCILER: i64 = 0x4c59_5245_434f_4e43; // "LYRECONC"
const STARTUP: i64 = 0x4c59_5354_4152_5455; // "LYSTARTU"

/// How long a held leadership is trusted before its connection is checked again.
const RECHECK: Duration = Duration::from_millis(500);

/// Leadership of the reconciler: exactly one replica holds it at a time.
pub struct Leadership {
    url: Option<String>,
    conn: Option<PgConnection>,
    checked: Option<Instant>,
}

impl Leadership {
    /// Leadership over `pool`'s database (always held on SQLite).
    pub fn over(pool: &DbPool) -> Leadership {
        let url = match super::backend(pool) {
            Backend::Sqlite => None,
            Backend::Postgres => Some(pool.connect_options().database_url.to_string()),
        };
        Leadership {
            url,
            conn: None,
            checked: None,
        }
    }

    /// Whether this replica leads now: keeps a held lock (checking its connection at most every
    /// [`RECHECK`]) or tries to take it.
    pub async fn hold(&mut self) -> bool {
        let Some(url) = &self.url else {
            return true;
        };
        if let (Some(conn), Some(at)) = (&mut self.conn, self.checked) {
            if at.elapsed() < RECHECK {
                return true;
            }
            if conn.ping().await.is_ok() {
                self.checked = Some(Instant::now());
                leader_gauge(true);
                return true;
            }
            tracing::warn!("lost the reconciler's lock connection; another replica takes over");
            leader_gauge(false);
            self.conn = None;
            self.checked = None;
        }
        if self.conn.is_none() {
            match PgConnection::connect(url).await {
                Ok(c) => self.conn = Some(c),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot open the reconciler's lock connection");
                    return false;
                }
            }
        }
        let conn = self.conn.as_mut().expect("connected above");
        match sqlx::query_scalar::<_, bool>("SELECT pg_try_advisory_lock($1)")
            .bind(RECONCILER)
            .fetch_one(&mut *conn)
            .await
        {
            Ok(true) => {
                tracing::info!("this replica runs the reconciler");
                leader_gauge(true);
                self.checked = Some(Instant::now());
                true
            }
            Ok(false) => {
                leader_gauge(false);
                false
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot take the reconciler's lock");
                self.conn = None;
                false
            }
        }
    }
}

/// `linkyard_reconciler_leader`: 1 while this replica runs the reconciler, else 0 (set at every
/// check, so it is right whenever the recorder was installed).
fn leader_gauge(leads: bool) {
    metrics::gauge!("linkyard_reconciler_leader").set(if leads { 1.0 } else { 0.0 });
}

/// Held while a replica starts up (migrations, the first scenario load), so replicas starting
/// together do not load the scenario twice. Dropping it releases the lock.
pub struct StartupLock(#[allow(dead_code)] Option<PgConnection>);

impl StartupLock {
    /// Waits for the startup lock of `pool`'s database (nothing to wait for on SQLite).
    pub async fn take(pool: &DbPool) -> Result<StartupLock, String> {
        if super::backend(pool) == Backend::Sqlite {
            return Ok(StartupLock(None));
        }
        let url = pool.connect_options().database_url.to_string();
        let mut conn = PgConnection::connect(&url).await.map_err(|e| {
            super::dialect::explain_postgres_error(&super::dialect::redact(&url), &e)
        })?;
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(STARTUP)
            .execute(&mut conn)
            .await
            .map_err(|e| format!("cannot take the startup lock: {e}"))?;
        Ok(StartupLock(Some(conn)))
    }
}
