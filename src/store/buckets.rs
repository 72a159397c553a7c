//! Token buckets in the database, for flow control shared by replicas (see
//! `openapi::throttle`): one row per AccessKey with its tokens and when they were counted.

use super::{Db, DbPool};

/// Takes one token from `key`'s bucket (`burst` tokens at most, refilled at `per_second`) at
/// `now_ms`, in one statement; false when the bucket holds less than one token.
pub async fn take(
    pool: &DbPool,
    key: &str,
    per_second: f64,
    burst: f64,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let taken = sqlx::query::<Db>(
        "INSERT INTO api_buckets (access_key_id, tokens, updated_ms) VALUES ($1, $2 - 1, $4)
         ON CONFLICT (access_key_id) DO UPDATE SET
             tokens = LEAST($2, api_buckets.tokens
                      + GREATEST(0, $4 - api_buckets.updated_ms) * $3 / 1000.0) - 1,
             updated_ms = GREATEST(api_buckets.updated_ms, $4)
         WHERE LEAST($2, api_buckets.tokens
                     + GREATEST(0, $4 - api_buckets.updated_ms) * $3 / 1000.0) >= 1",
    )
    .bind(key)
    .bind(burst)
    .bind(per_second)
    .bind(now_ms)
    .execute(pool)
    .await?;
    Ok(taken.rows_affected() == 1)
}
