//! Console sign-in failure counters in the database, for replicas that share it (the rule that
//! moves them is `ops::throttle::Policy`; this module only keeps the rows).

use super::{Backend, Db, DbPool};

/// One key's counters: (failures, locked until, last failure), all zero for a key never seen.
pub type Counters = (i64, i64, i64);

/// Runs `f` on `key`'s counters with the row locked (`SELECT … FOR UPDATE` on PostgreSQL), and
/// stores what it returns (`None` deletes the row): attempts on several replicas at once are
/// counted one after another.
pub async fn update<R>(
    pool: &DbPool,
    key: &str,
    f: impl FnOnce(Counters) -> (Option<Counters>, R),
) -> sqlx::Result<R> {
    let mut tx = super::begin_immediate(pool).await?;
    sqlx::query::<Db>(
        "INSERT INTO signin_failures (throttle_key, failures, locked_until, last_failure)
         VALUES ($1, 0, 0, 0) ON CONFLICT DO NOTHING",
    )
    .bind(key)
    .execute(&mut *tx)
    .await?;
    let lock = if Backend::of(&tx) == Backend::Postgres {
        " FOR UPDATE"
    } else {
        ""
    };
    let now: Counters = sqlx::query_as::<Db, Counters>(&format!(
        "SELECT failures, locked_until, last_failure FROM signin_failures WHERE throttle_key = $1{lock}"
    ))
    .bind(key)
    .fetch_one(&mut *tx)
    .await?;
    let (next, out) = f(now);
    match next {
        Some((failures, locked_until, last_failure)) => {
            sqlx::query::<Db>(
                "UPDATE signin_failures SET failures = $2, locked_until = $3, last_failure = $4
                 WHERE throttle_key = $1",
            )
            .bind(key)
            .bind(failures)
            .bind(locked_until)
            .bind(last_failure)
            .execute(&mut *tx)
            .await?;
        }
        None => {
            sqlx::query::<Db>("DELETE FROM signin_failures WHERE throttle_key = $1")
                .bind(key)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(out)
}
