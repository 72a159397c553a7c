//! Data-plane reads and listener writes: load-balancer listeners, the zone ENIs that carry
//! traffic to them, the rows DNS answers from, and the VPC resolver addresses.

use super::Conn;
use super::Db;
use crate::domain::state::{ConnectionStatus, TrafficMode, ZoneStatus};
use sqlx::FromRow;

/// A load-balancer listener row.
#[derive(Debug, Clone, FromRow)]
pub struct ListenerRow {
    pub lb_id: String,
    pub port: i64,
    pub protocol: String,
    pub backend: String,
    pub created_at: i64,
}

/// The listeners of one load balancer, by port.
pub async fn listeners(c: &mut Conn, lb_id: &str) -> sqlx::Result<Vec<ListenerRow>> {
    sqlx::query_as::<Db, ListenerRow>("SELECT * FROM lb_listeners WHERE lb_id = $1 ORDER BY port")
        .bind(lb_id)
        .fetch_all(c)
        .await
}

/// The listeners of every load balancer `account` owns, by load balancer and port.
pub async fn listeners_of_account(c: &mut Conn, account: &str) -> sqlx::Result<Vec<ListenerRow>> {
    sqlx::query_as::<Db, ListenerRow>(
        "SELECT l.* FROM lb_listeners l JOIN load_balancers b ON b.id = l.lb_id
         WHERE b.account_id = $1 ORDER BY l.lb_id, l.port",
    )
    .bind(account)
    .fetch_all(c)
    .await
}

/// Creates or replaces the listener on `(lb_id, port)`.
pub async fn upsert_listener(c: &mut Conn, l: &ListenerRow) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "INSERT INTO lb_listeners (lb_id, port, protocol, backend, created_at) VALUES ($1,$2,$3,$4,$5)
         ON CONFLICT (lb_id, port) DO UPDATE SET protocol = excluded.protocol, backend = excluded.backend",
    )
    .bind(&l.lb_id)
    .bind(l.port)
    .bind(&l.protocol)
    .bind(&l.backend)
    .bind(l.created_at)
    .execute(c)
    .await?;
    Ok(())
}

/// Deletes the listener on `(lb_id, port)`; returns how many rows went.
pub async fn delete_listener(c: &mut Conn, lb_id: &str, port: i64) -> sqlx::Result<u64> {
    Ok(
        sqlx::query::<Db>("DELETE FROM lb_listeners WHERE lb_id = $1 AND port = $2")
            .bind(lb_id)
            .bind(port)
            .execute(c)
            .await?
            .rows_affected(),
    )
}

/// One listener port of the resource serving one endpoint zone, with everything that decides
/// whether and how fast the zone carries traffic.
#[derive(Debug, Clone, FromRow)]
pub struct ProxyRow {
    pub endpoint_id: String,
    pub zone_id: String,
    pub local_seq: Option<i64>,
    pub endpoint_type: String,
    pub endpoint_created_at: i64,
    pub connection_status: ConnectionStatus,
    pub bandwidth: i64,
    pub traffic_control_mode: TrafficMode,
    pub zone_max_override: Option<i64>,
    pub zone_status: ZoneStatus,
    #[sqlx(try_from = "crate::store::Flag")]
    pub healthy: bool,
    #[sqlx(try_from = "crate::store::Flag")]
    pub outage: bool,
    pub resource_type: String,
    pub lb_id: String,
    pub port: i64,
    pub backend: String,
}

/// Every (endpoint zone, listener port) pair: the zone's ENI and the listeners of the service
/// resource that serves the zone (its `resource_id`, or else the service's resource in that zone).
/// Driven from the listeners, so the cost follows the endpoints of services that have some.
pub async fn proxy_plan(c: &mut Conn) -> sqlx::Result<Vec<ProxyRow>> {
    sqlx::query_as::<Db, ProxyRow>(
        "SELECT z.endpoint_id, z.zone_id, z.local_seq, e.endpoint_type,
                e.created_at AS endpoint_created_at, k.status AS connection_status, k.bandwidth,
                k.traffic_control_mode, k.zone_max_override, z.status AS zone_status, z.healthy,
                EXISTS (SELECT 1 FROM zone_faults f WHERE f.zone_id = z.zone_id) AS outage,
                s.resource_type, l.lb_id, l.port, l.backend
         FROM lb_listeners l
         JOIN service_resources r ON r.resource_id = l.lb_id
         JOIN endpoint_services s ON s.id = r.service_id
         JOIN endpoints e ON e.service_id = s.id
         JOIN endpoint_zones z ON z.endpoint_id = e.id AND z.zone_id = r.zone_id
              AND (z.resource_id IS NULL OR z.resource_id = l.lb_id)
         JOIN connections k ON k.endpoint_id = e.id
         ORDER BY z.endpoint_id, z.zone_id, l.port",
    )
    .fetch_all(c)
    .await
}

/// One zone of an endpoint as DNS sees it.
#[derive(Debug, Clone, FromRow)]
pub struct DnsZoneRow {
    pub zone_id: String,
    pub domain: String,
    pub ip: String,
    pub ipv6: Option<String>,
    pub local_seq: Option<i64>,
    pub zone_status: ZoneStatus,
    #[sqlx(try_from = "crate::store::Flag")]
    pub healthy: bool,
    #[sqlx(try_from = "crate::store::Flag")]
    pub outage: bool,
    /// `None` when the endpoint has no connection.
    pub connection_status: Option<ConnectionStatus>,
}

/// The domain of endpoint `id`, if it exists.
pub async fn endpoint_domain(c: &mut Conn, id: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar::<Db, String>("SELECT domain FROM endpoints WHERE id = $1")
        .bind(id)
        .fetch_optional(c)
        .await
}

/// The zones of `endpoint` with their connection's status, by zone.
pub async fn dns_zones(c: &mut Conn, endpoint: &str) -> sqlx::Result<Vec<DnsZoneRow>> {
    sqlx::query_as::<Db, DnsZoneRow>(
        "SELECT z.zone_id, z.domain, z.ip, z.ipv6, z.local_seq, z.status AS zone_status, z.healthy,
                EXISTS (SELECT 1 FROM zone_faults f WHERE f.zone_id = z.zone_id) AS outage,
                k.status AS connection_status
         FROM endpoint_zones z LEFT JOIN connections k ON k.endpoint_id = z.endpoint_id
         WHERE z.endpoint_id = $1 ORDER BY z.zone_id",
    )
    .bind(endpoint)
    .fetch_all(c)
    .await
}

/// Endpoints that enabled the custom service domain `name` and are visible from `vpc` (their own
/// VPC, or one `vpc` is linked to).
pub async fn custom_domain_endpoints(
    c: &mut Conn,
    name: &str,
    vpc: &str,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar::<Db, String>(
        "SELECT e.id FROM endpoints e JOIN endpoint_services s ON s.id = e.service_id
         WHERE e.private_dns_enabled = TRUE AND s.custom_domain = $1
           AND (e.vpc_id = $2 OR EXISTS (SELECT 1 FROM vpc_dns_links d
                                         WHERE d.vpc_id = $2 AND d.target_vpc_id = e.vpc_id))
         ORDER BY e.id",
    )
    .bind(name)
    .bind(vpc)
    .fetch_all(c)
    .await
}

/// VPCs and their resolver address numbers, oldest first, at most `limit`.
pub async fn vpc_resolvers(c: &mut Conn, limit: i64) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as::<Db, (String, i64)>(
        "SELECT id, resolver_seq FROM vpcs WHERE resolver_seq IS NOT NULL ORDER BY resolver_seq LIMIT $1",
    )
    .bind(limit)
    .fetch_all(c)
    .await
}
