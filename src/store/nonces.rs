//! Signature nonces of the cloud API (`api_nonces`): hashes with the time they were first seen.

use super::{Db, DbPool};

/// A remembered `(access key id, nonce hash, first seen)` row.
pub type NonceRow = (String, u64, i64);

/// Every row seen after `since` (unix ms).
pub async fn live(pool: &DbPool, since: i64) -> sqlx::Result<Vec<NonceRow>> {
    let rows = sqlx::query_as::<Db, (String, i64, i64)>(
        "SELECT access_key_id, nonce_hash, seen_at FROM api_nonces WHERE seen_at > $1",
    )
    .bind(since)
    .fetch_all(pool)
    .await?;
    // Stored as the signed 64-bit integer with the same bits.
    Ok(rows.into_iter().map(|(k, h, t)| (k, h as u64, t)).collect())
}

/// Inserts `batch` in one transaction.
pub async fn save(pool: &DbPool, batch: &[NonceRow]) -> sqlx::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let mut tx = super::begin_immediate(pool).await?;
    // SQLite allows 32 766 bound values per statement: 3 per row.
    for chunk in batch.chunks(5_000) {
        // Numbered placeholders ($1, $2 …): the one syntax both stores read.
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect();
        let sql = format!(
            "INSERT INTO api_nonces (access_key_id, nonce_hash, seen_at) VALUES {} ON CONFLICT DO NOTHING",
            values.join(", ")
        );
        let mut q = sqlx::query::<Db>(&sql);
        for (k, h, t) in chunk {
            q = q.bind(k).bind(*h as i64).bind(*t);
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await
}

/// Records one nonce at once; false when it was recorded (by any replica) after
/// `expired_before`, that is, it is still live.
pub async fn claim(
    pool: &DbPool,
    key: &str,
    hash: u64,
    seen_at: i64,
    expired_before: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query::<Db>(
        "INSERT INTO api_nonces (access_key_id, nonce_hash, seen_at) VALUES ($1, $2, $3)
         ON CONFLICT (access_key_id, nonce_hash) DO UPDATE SET seen_at = excluded.seen_at
         WHERE api_nonces.seen_at <= $4",
    )
    .bind(key)
    .bind(hash as i64)
    .bind(seen_at)
    .bind(expired_before)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes the rows seen at or before `expired_before`.
pub async fn expire(pool: &DbPool, expired_before: i64) -> sqlx::Result<u64> {
    Ok(
        sqlx::query::<Db>("DELETE FROM api_nonces WHERE seen_at <= $1")
            .bind(expired_before)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}
