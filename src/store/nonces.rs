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
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    // SQLite allows 32 766 bound values per statement: 3 per row.
    for chunk in batch.chunks(5_000) {
        let mut q = sqlx::QueryBuilder::<Db>::new(
            "INSERT OR IGNORE INTO api_nonces (access_key_id, nonce_hash, seen_at) ",
        );
        q.push_values(chunk, |mut b, (k, h, t)| {
            b.push_bind(k).push_bind(*h as i64).push_bind(*t);
        });
        q.build().execute(&mut *tx).await?;
    }
    tx.commit().await
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
