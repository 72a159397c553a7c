//! Gateway endpoints (OSS) and their route-table associations.

use super::Conn;
use super::Db;
use crate::domain::state::ResourceStatus;
use sqlx::FromRow;

/// A stored gateway endpoint.
#[derive(Debug, Clone, FromRow)]
pub struct GatewayRow {
    pub id: String,
    pub account_id: String,
    pub region_id: String,
    pub vpc_id: String,
    pub name: String,
    pub service_name: String,
    pub policy_document: Option<String>,
    pub prefix_cidr: String,
    pub status: ResourceStatus,
    pub due_at: Option<i64>,
    pub created_at: i64,
}

/// The gateway endpoint `id`, whoever owns it.
pub async fn get(c: &mut Conn, id: &str) -> sqlx::Result<Option<GatewayRow>> {
    sqlx::query_as::<Db, GatewayRow>("SELECT * FROM gateway_endpoints WHERE id = $1")
        .bind(id)
        .fetch_optional(c)
        .await
}

/// An account's gateway endpoints in a region, newest first.
pub async fn list(c: &mut Conn, account: &str, region: &str) -> sqlx::Result<Vec<GatewayRow>> {
    sqlx::query_as::<Db, GatewayRow>(
        "SELECT * FROM gateway_endpoints WHERE account_id = $1 AND region_id = $2 ORDER BY created_at DESC, id",
    )
    .bind(account)
    .bind(region)
    .fetch_all(c)
    .await
}

/// Whether `vpc` already has a gateway endpoint for `service_name`.
pub async fn exists_in_vpc(c: &mut Conn, vpc: &str, service_name: &str) -> sqlx::Result<bool> {
    let n = sqlx::query_scalar::<Db, i64>(
        "SELECT COUNT(*) FROM gateway_endpoints WHERE vpc_id = $1 AND service_name = $2",
    )
    .bind(vpc)
    .bind(service_name)
    .fetch_one(c)
    .await?;
    Ok(n > 0)
}

pub async fn insert(c: &mut Conn, g: &GatewayRow) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "INSERT INTO gateway_endpoints (id, account_id, region_id, vpc_id, name, service_name, policy_document,
            prefix_cidr, status, due_at, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
    )
    .bind(&g.id)
    .bind(&g.account_id)
    .bind(&g.region_id)
    .bind(&g.vpc_id)
    .bind(&g.name)
    .bind(&g.service_name)
    .bind(&g.policy_document)
    .bind(&g.prefix_cidr)
    .bind(g.status)
    .bind(g.due_at)
    .bind(g.created_at)
    .execute(c)
    .await?;
    Ok(())
}

/// Writes back the mutable fields: name, policy, status and due time.
pub async fn update(c: &mut Conn, g: &GatewayRow) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "UPDATE gateway_endpoints SET name = $2, policy_document = $3, status = $4, due_at = $5 WHERE id = $1",
    )
    .bind(&g.id)
    .bind(&g.name)
    .bind(&g.policy_document)
    .bind(g.status)
    .bind(g.due_at)
    .execute(c)
    .await?;
    Ok(())
}

/// Removes a gateway endpoint (its route-table associations go with it).
pub async fn delete(c: &mut Conn, id: &str) -> sqlx::Result<()> {
    sqlx::query::<Db>("DELETE FROM gateway_endpoints WHERE id = $1")
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// The route tables a gateway endpoint is associated with, sorted.
pub async fn route_tables(c: &mut Conn, id: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar::<Db, String>(
        "SELECT route_table_id FROM gateway_endpoint_route_tables WHERE gateway_endpoint_id = $1 ORDER BY route_table_id",
    )
    .bind(id)
    .fetch_all(c)
    .await
}
