//! What the reconciler reads: the items whose transition is due, and when the next one is.

use super::Db;
use crate::domain::state::{ConnectionStatus, ResourceStatus, SecurityGroupStatus, ZoneStatus};
use crate::store::Conn;
use sqlx::any::AnyRow;

/// The rows `sql` lists for the time `now` (its only parameter).
async fn listed<T>(c: &mut Conn, sql: &str, now: i64) -> sqlx::Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, AnyRow> + Send + Unpin,
{
    sqlx::query_as::<Db, T>(sql).bind(now).fetch_all(c).await
}

/// Services due at `now`, oldest first, with the status they were due in.
pub async fn services(c: &mut Conn, now: i64) -> sqlx::Result<Vec<(String, ResourceStatus)>> {
    listed::<(String, ResourceStatus)>(
        c,
        "SELECT id, status FROM endpoint_services WHERE due_at <= $1 ORDER BY due_at",
        now,
    )
    .await
}

/// Connections due at `now` (keyed by endpoint id).
pub async fn connections(c: &mut Conn, now: i64) -> sqlx::Result<Vec<(String, ConnectionStatus)>> {
    listed::<(String, ConnectionStatus)>(
        c,
        "SELECT endpoint_id, status FROM connections WHERE due_at <= $1 ORDER BY due_at",
        now,
    )
    .await
}

/// Endpoint zones due at `now`: (endpoint, zone, status).
pub async fn zones(c: &mut Conn, now: i64) -> sqlx::Result<Vec<(String, String, ZoneStatus)>> {
    listed::<(String, String, ZoneStatus)>(c, "SELECT endpoint_id, zone_id, status FROM endpoint_zones WHERE due_at <= $1 ORDER BY due_at", now).await
}

/// Endpoints due at `now`.
pub async fn endpoints(c: &mut Conn, now: i64) -> sqlx::Result<Vec<(String, ResourceStatus)>> {
    listed::<(String, ResourceStatus)>(
        c,
        "SELECT id, status FROM endpoints WHERE due_at <= $1 ORDER BY due_at",
        now,
    )
    .await
}

/// Gateway endpoints due at `now`.
pub async fn gateways(c: &mut Conn, now: i64) -> sqlx::Result<Vec<(String, ResourceStatus)>> {
    listed::<(String, ResourceStatus)>(
        c,
        "SELECT id, status FROM gateway_endpoints WHERE due_at <= $1 ORDER BY due_at",
        now,
    )
    .await
}

/// Settles every due endpoint security group: Attaching → Attached, Detaching → removed.
pub async fn settle_security_groups(c: &mut Conn, now: i64) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "UPDATE endpoint_security_groups SET status = $2, due_at = NULL WHERE status = $3 AND due_at <= $1",
    )
    .bind(now)
    .bind(SecurityGroupStatus::Attached)
    .bind(SecurityGroupStatus::Attaching)
    .execute(&mut *c)
    .await?;
    sqlx::query::<Db>("DELETE FROM endpoint_security_groups WHERE status = $2 AND due_at <= $1")
        .bind(now)
        .bind(SecurityGroupStatus::Detaching)
        .execute(c)
        .await?;
    Ok(())
}

/// When the next transition of any kind is due (unix ms), if any.
pub async fn next(c: &mut Conn) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar::<Db, Option<i64>>(
        "SELECT MIN(d) FROM (
            SELECT MIN(due_at) AS d FROM endpoint_services UNION ALL SELECT MIN(due_at) FROM endpoints
            UNION ALL SELECT MIN(due_at) FROM connections UNION ALL SELECT MIN(due_at) FROM endpoint_zones
            UNION ALL SELECT MIN(due_at) FROM endpoint_security_groups
            UNION ALL SELECT MIN(due_at) FROM gateway_endpoints)",
    )
    .fetch_one(c)
    .await
}
