//! ClientToken rows: the first answer of a request made under a token, kept for replays.

use super::Db;
use crate::store::Conn;

/// Which token: the account, the action and the caller's ClientToken.
#[derive(Debug, Clone, Copy)]
pub struct TokenKey<'a> {
    pub account: &'a str,
    pub action: &'a str,
    pub token: &'a str,
}

/// A token row as a retry sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    /// The stored answer (JSON), or the placeholder written with the change.
    pub response: String,
    /// What the first request's parameters hash to.
    pub fingerprint: String,
    pub request_id: String,
}

/// The row of `key` created after `since` (older rows have expired).
pub async fn find(c: &mut Conn, key: TokenKey<'_>, since: i64) -> sqlx::Result<Option<TokenRow>> {
    let row = sqlx::query_as::<Db, (String, String, String)>(
        "SELECT response, fingerprint, request_id FROM idempotency
         WHERE account_id = $1 AND action = $2 AND token = $3 AND created_at > $4",
    )
    .bind(key.account)
    .bind(key.action)
    .bind(key.token)
    .bind(since)
    .fetch_optional(c)
    .await?;
    Ok(row.map(|(response, fingerprint, request_id)| TokenRow {
        response,
        fingerprint,
        request_id,
    }))
}

/// Inserts (or replaces an expired) row, first dropping the rows created at or before `expired`.
pub async fn upsert(
    c: &mut Conn,
    key: TokenKey<'_>,
    row: &TokenRow,
    now: i64,
    expired: i64,
) -> sqlx::Result<()> {
    sqlx::query::<Db>("DELETE FROM idempotency WHERE created_at <= $1")
        .bind(expired)
        .execute(&mut *c)
        .await?;
    sqlx::query::<Db>(
        "INSERT INTO idempotency (account_id, action, token, response, fingerprint, request_id, created_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7)
         ON CONFLICT (account_id, action, token) DO UPDATE
         SET response = excluded.response, fingerprint = excluded.fingerprint,
             request_id = excluded.request_id, created_at = excluded.created_at",
    )
    .bind(key.account)
    .bind(key.action)
    .bind(key.token)
    .bind(&row.response)
    .bind(&row.fingerprint)
    .bind(&row.request_id)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// Sets the answer of the row `request_id` wrote; how many rows took it.
pub async fn set_response(
    c: &mut Conn,
    key: TokenKey<'_>,
    request_id: &str,
    response: &str,
) -> sqlx::Result<u64> {
    Ok(sqlx::query::<Db>(
        "UPDATE idempotency SET response = $5
         WHERE account_id = $1 AND action = $2 AND token = $3 AND request_id = $4",
    )
    .bind(key.account)
    .bind(key.action)
    .bind(key.token)
    .bind(request_id)
    .bind(response)
    .execute(c)
    .await?
    .rows_affected())
}

/// Removes the row `request_id` wrote while it still holds `response` (the placeholder).
pub async fn delete_unanswered(
    c: &mut Conn,
    key: TokenKey<'_>,
    request_id: &str,
    response: &str,
) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "DELETE FROM idempotency WHERE account_id = $1 AND action = $2 AND token = $3
         AND request_id = $4 AND response = $5",
    )
    .bind(key.account)
    .bind(key.action)
    .bind(key.token)
    .bind(request_id)
    .bind(response)
    .execute(c)
    .await?;
    Ok(())
}
