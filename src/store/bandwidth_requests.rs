//! Requests for more per-zone bandwidth than a connection's maximum, and their decisions.

use super::Conn;
use super::Db;
use crate::domain::state::RequestStatus;
use sqlx::FromRow;

/// A stored bandwidth request.
#[derive(Debug, Clone, FromRow)]
pub struct RequestRow {
    pub id: i64,
    pub endpoint_id: String,
    pub account_id: String,
    pub mbps: i64,
    pub reason: String,
    pub status: RequestStatus,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

/// Whether an endpoint has a request waiting for a decision.
pub async fn has_open(c: &mut Conn, endpoint: &str) -> sqlx::Result<bool> {
    let n = sqlx::query_scalar::<Db, i64>(
        "SELECT COUNT(*) FROM bandwidth_requests WHERE endpoint_id = $1 AND status = $2",
    )
    .bind(endpoint)
    .bind(RequestStatus::Pending)
    .fetch_one(c)
    .await?;
    Ok(n > 0)
}

/// Stores a new request (its `id` is ignored); returns the id it got.
pub async fn insert(c: &mut Conn, r: &RequestRow) -> sqlx::Result<i64> {
    sqlx::query_scalar::<Db, i64>(
        "INSERT INTO bandwidth_requests (endpoint_id, account_id, mbps, reason, status, created_at)
         VALUES ($1,$2,$3,$4,$5,$6) RETURNING id",
    )
    .bind(&r.endpoint_id)
    .bind(&r.account_id)
    .bind(r.mbps)
    .bind(&r.reason)
    .bind(r.status)
    .bind(r.created_at)
    .fetch_one(c)
    .await
}

/// One request.
pub async fn get(c: &mut Conn, id: i64) -> sqlx::Result<Option<RequestRow>> {
    sqlx::query_as::<Db, RequestRow>("SELECT * FROM bandwidth_requests WHERE id = $1")
        .bind(id)
        .fetch_optional(c)
        .await
}

/// An endpoint's requests, newest first.
pub async fn of_endpoint(c: &mut Conn, endpoint: &str) -> sqlx::Result<Vec<RequestRow>> {
    sqlx::query_as::<Db, RequestRow>(
        "SELECT * FROM bandwidth_requests WHERE endpoint_id = $1 ORDER BY id DESC",
    )
    .bind(endpoint)
    .fetch_all(c)
    .await
}

/// Every request in `status`, oldest first.
pub async fn with_status(c: &mut Conn, status: RequestStatus) -> sqlx::Result<Vec<RequestRow>> {
    sqlx::query_as::<Db, RequestRow>(
        "SELECT * FROM bandwidth_requests WHERE status = $1 ORDER BY id",
    )
    .bind(status)
    .fetch_all(c)
    .await
}

/// Records the decision on a request.
pub async fn decide(c: &mut Conn, id: i64, status: RequestStatus, at: i64) -> sqlx::Result<()> {
    sqlx::query::<Db>("UPDATE bandwidth_requests SET status = $2, decided_at = $3 WHERE id = $1")
        .bind(id)
        .bind(status)
        .bind(at)
        .execute(c)
        .await?;
    Ok(())
}
