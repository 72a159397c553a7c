//! Endpoints, their zones (ENIs), security groups and the connection row each endpoint has.

use super::Db;
use super::{Backend, Conn};
use crate::domain::console::EndpointColumn;
use crate::domain::state::{
    BusinessStatus, ConnectionStatus, IpVersion, ResourceStatus, SecurityGroupStatus, TrafficMode,
    ZoneStatus,
};
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct EndpointRow {
    pub id: String,
    pub account_id: String,
    pub region_id: String,
    pub name: String,
    pub description: String,
    pub endpoint_type: String,
    pub vpc_id: String,
    pub service_id: String,
    pub service_name: String,
    pub service_region_id: String,
    pub address_ip_version: IpVersion,
    #[sqlx(try_from = "crate::store::Flag")]
    pub zone_affinity: bool,
    pub policy_document: Option<String>,
    #[sqlx(try_from = "crate::store::Flag")]
    pub protected: bool,
    #[sqlx(try_from = "crate::store::Flag")]
    pub private_dns_enabled: bool,
    pub cross_region_bandwidth: Option<i64>,
    pub status: ResourceStatus,
    pub due_at: Option<i64>,
    pub business_status: BusinessStatus,
    pub domain: String,
    pub resource_group_id: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct ZoneRow {
    pub endpoint_id: String,
    pub zone_id: String,
    pub vswitch_id: String,
    pub eni_id: String,
    pub ip: String,
    pub ipv6: Option<String>,
    pub domain: String,
    pub status: ZoneStatus,
    pub due_at: Option<i64>,
    #[sqlx(try_from = "crate::store::Flag")]
    pub healthy: bool,
    pub resource_id: Option<String>,
    pub created_at: i64,
    /// The ENI's local loopback address number (see `domain::dataplane::eni_local_ip`); allocated
    /// by [`insert_zone`].
    pub local_seq: Option<i64>,
}

#[derive(Debug, Clone, FromRow)]
pub struct SgRow {
    pub endpoint_id: String,
    pub sg_id: String,
    pub status: SecurityGroupStatus,
    pub due_at: Option<i64>,
}

#[derive(Debug, Clone, FromRow)]
pub struct ConnectionRow {
    pub endpoint_id: String,
    pub service_id: String,
    pub endpoint_owner_id: String,
    pub service_owner_id: String,
    pub status: ConnectionStatus,
    pub due_at: Option<i64>,
    pub bandwidth: i64,
    pub traffic_control_mode: TrafficMode,
    pub zone_max_override: Option<i64>,
    pub locked_from: Option<ConnectionStatus>,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
    pub created_at: i64,
    pub modified_at: i64,
}

pub async fn insert(c: &mut Conn, e: &EndpointRow) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "INSERT INTO endpoints (id, account_id, region_id, name, description, endpoint_type, vpc_id, service_id,
            service_name, service_region_id, address_ip_version, zone_affinity, policy_document, protected,
            private_dns_enabled, cross_region_bandwidth, status, due_at, business_status, domain, resource_group_id,
            created_at, updated_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23)",
    )
    .bind(&e.id)
    .bind(&e.account_id)
    .bind(&e.region_id)
    .bind(&e.name)
    .bind(&e.description)
    .bind(&e.endpoint_type)
    .bind(&e.vpc_id)
    .bind(&e.service_id)
    .bind(&e.service_name)
    .bind(&e.service_region_id)
    .bind(e.address_ip_version)
    .bind(e.zone_affinity)
    .bind(&e.policy_document)
    .bind(e.protected)
    .bind(e.private_dns_enabled)
    .bind(e.cross_region_bandwidth)
    .bind(e.status)
    .bind(e.due_at)
    .bind(e.business_status)
    .bind(&e.domain)
    .bind(&e.resource_group_id)
    .bind(e.created_at)
    .bind(e.updated_at)
    .execute(c)
    .await?;
    Ok(())
}

/// Writes back every mutable attribute of an endpoint.
pub async fn update(c: &mut Conn, e: &EndpointRow) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "UPDATE endpoints SET name=$2, description=$3, address_ip_version=$4, zone_affinity=$5, policy_document=$6,
            private_dns_enabled=$7, cross_region_bandwidth=$8, status=$9, due_at=$10, business_status=$11,
            resource_group_id=$12, updated_at=$13 WHERE id=$1",
    )
    .bind(&e.id)
    .bind(&e.name)
    .bind(&e.description)
    .bind(e.address_ip_version)
    .bind(e.zone_affinity)
    .bind(&e.policy_document)
    .bind(e.private_dns_enabled)
    .bind(e.cross_region_bandwidth)
    .bind(e.status)
    .bind(e.due_at)
    .bind(e.business_status)
    .bind(&e.resource_group_id)
    .bind(e.updated_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn get(c: &mut Conn, id: &str) -> sqlx::Result<Option<EndpointRow>> {
    sqlx::query_as::<Db, EndpointRow>("SELECT * FROM endpoints WHERE id = $1")
        .bind(id)
        .fetch_optional(c)
        .await
}

/// What a change of an endpoint's settings needs to know of its service.
#[derive(Debug, Clone)]
pub struct ServiceTerms {
    /// The service accepts endpoint policies.
    pub policy_supported: bool,
    /// The service has a custom domain (so private DNS can be enabled).
    pub has_custom_domain: bool,
}

/// The endpoint `id` and the terms of its service (`None` when the service is gone), in one
/// query: a change of settings holds the writer for one read instead of two.
pub async fn get_with_service_terms(
    c: &mut Conn,
    id: &str,
) -> sqlx::Result<Option<(EndpointRow, Option<ServiceTerms>)>> {
    use sqlx::Row;
    let row = sqlx::query::<Db>(
        "SELECT e.*, s.id AS terms_service_id, s.policy_supported AS terms_policy_supported, \
                s.custom_domain AS terms_custom_domain \
         FROM endpoints e LEFT JOIN endpoint_services s ON s.id = e.service_id WHERE e.id = $1",
    )
    .bind(id)
    .fetch_optional(c)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let endpoint = EndpointRow::from_row(&row)?;
    let terms = match row.try_get::<Option<String>, _>("terms_service_id")? {
        None => None,
        Some(_) => Some(ServiceTerms {
            policy_supported: row
                .try_get::<Option<super::Flag>, _>("terms_policy_supported")?
                .is_some_and(|f| f.0),
            has_custom_domain: row
                .try_get::<Option<String>, _>("terms_custom_domain")?
                .is_some(),
        }),
    };
    Ok(Some((endpoint, terms)))
}

/// A page of `account`'s endpoints in `region` after `after` (keyset pagination by id).
pub async fn owned_page(
    c: &mut Conn,
    account: &str,
    region: &str,
    after: &str,
    limit: i64,
) -> sqlx::Result<Vec<EndpointRow>> {
    sqlx::query_as::<Db, EndpointRow>(
        "SELECT * FROM endpoints WHERE account_id = $1 AND region_id = $2 AND id > $3 ORDER BY id LIMIT $4",
    )
    .bind(account)
    .bind(region)
    .bind(after)
    .bind(limit)
    .fetch_all(c)
    .await
}

/// Column filters of an endpoint list; `None` matches everything.
#[derive(Debug, Clone, Default)]
pub struct EndpointColumns<'a> {
    pub id: Option<&'a str>,
    pub name: Option<&'a str>,
    pub status: Option<&'a str>,
    pub endpoint_type: Option<&'a str>,
    pub vpc_id: Option<&'a str>,
    pub service_name: Option<&'a str>,
    pub service_region_id: Option<&'a str>,
    pub address_ip_version: Option<&'a str>,
    pub resource_group_id: Option<&'a str>,
    /// The connection's status (`ServiceDeleted` when the endpoint has no connection).
    pub connection_status: Option<&'a str>,
    /// Tags the endpoint must all carry; an empty value matches any value of the key.
    pub tags: &'a [(String, String)],
}

impl<'a> EndpointColumns<'a> {
    /// The filters that are set, as (column, value).
    fn set(&self) -> Vec<(&'static str, &'a str)> {
        [
            ("id", self.id),
            ("name", self.name),
            ("status", self.status),
            ("endpoint_type", self.endpoint_type),
            ("vpc_id", self.vpc_id),
            ("service_name", self.service_name),
            ("service_region_id", self.service_region_id),
            ("address_ip_version", self.address_ip_version),
            ("resource_group_id", self.resource_group_id),
        ]
        .into_iter()
        .filter_map(|(c, v)| v.map(|v| (c, v)))
        .collect()
    }

    /// The owner and region (`$1`, `$2`) plus one condition per set filter (`$3`…; tags as
    /// subqueries), and the filter values in order. Only set filters appear, so an unfiltered count
    /// reads the `endpoints_owner` index alone, and one filtered by connection status the
    /// `connections_owner_status` range (every endpoint has its connection row).
    fn condition(&self) -> (String, Vec<&'a str>) {
        let mut out: Vec<&'a str> = Vec::new();
        let mut sql = match self.connection_status {
            Some(st) => {
                out.push(st);
                String::from(
                    "k.endpoint_owner_id = $1 AND k.endpoint_region_id = $2 AND k.status = $3",
                )
            }
            None => String::from("e.account_id = $1 AND e.region_id = $2"),
        };
        for (c, v) in self.set() {
            out.push(v);
            sql.push_str(&format!(" AND e.{c} = ${}", out.len() + 2));
        }
        for (k, v) in self.tags {
            out.push(k);
            let key = out.len() + 2;
            if v.is_empty() {
                sql.push_str(&format!(
                    " AND EXISTS (SELECT 1 FROM tags t WHERE t.resource_id = e.id AND t.tag_key = ${key})"
                ));
            } else {
                out.push(v);
                sql.push_str(&format!(
                    " AND EXISTS (SELECT 1 FROM tags t WHERE t.resource_id = e.id AND t.tag_key = ${key} AND t.tag_value = ${})",
                    key + 1
                ));
            }
        }
        (sql, out)
    }

    /// `endpoints e`, reached from its connection `k` when the connection status is filtered.
    fn from(&self) -> &'static str {
        if self.connection_status.is_some() {
            "connections k JOIN endpoints e ON e.id = k.endpoint_id"
        } else {
            "endpoints e"
        }
    }

    /// The id column pages are ordered by (the one the chosen index holds).
    fn id_column(&self) -> &'static str {
        if self.connection_status.is_some() {
            "k.endpoint_id"
        } else {
            "e.id"
        }
    }

    /// Only the connection status is filtered: a count needs no endpoint row.
    fn connection_only(&self) -> bool {
        self.connection_status.is_some() && self.set().is_empty() && self.tags.is_empty()
    }
}

/// How many of `account`'s endpoints in `region` match `f` (an index range count).
pub async fn count_owned(
    c: &mut Conn,
    account: &str,
    region: &str,
    f: &EndpointColumns<'_>,
) -> sqlx::Result<i64> {
    let (cond, values) = f.condition();
    let from = if f.connection_only() {
        "connections k"
    } else {
        f.from()
    };
    let sql = format!("SELECT COUNT(*) FROM {from} WHERE {cond}");
    let mut q = sqlx::query_scalar::<Db, i64>(&sql)
        .bind(account)
        .bind(region);
    for v in values {
        q = q.bind(v);
    }
    q.fetch_one(c).await
}

/// Up to `limit` of `account`'s endpoints in `region` matching `f`, after `after` by id.
pub async fn owned_filtered_page(
    c: &mut Conn,
    account: &str,
    region: &str,
    f: &EndpointColumns<'_>,
    after: &str,
    limit: i64,
) -> sqlx::Result<Vec<EndpointRow>> {
    let (cond, values) = f.condition();
    let n = values.len() + 3;
    let sql = format!(
        "SELECT e.* FROM {} WHERE {cond} AND {id} > ${n} ORDER BY {id} LIMIT ${}",
        f.from(),
        n + 1,
        id = f.id_column()
    );
    let mut q = sqlx::query_as::<Db, EndpointRow>(&sql)
        .bind(account)
        .bind(region);
    for v in values {
        q = q.bind(v);
    }
    q.bind(after).bind(limit).fetch_all(c).await
}

/// The connections of the endpoints `ids`, in one query.
pub async fn connections_of(c: &mut Conn, ids: &[&str]) -> sqlx::Result<Vec<ConnectionRow>> {
    let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    let sql = format!(
        "SELECT * FROM connections WHERE endpoint_id IN ({})",
        Backend::of(c).json_values(1)
    );
    sqlx::query_as::<Db, ConnectionRow>(&sql)
        .bind(list)
        .fetch_all(c)
        .await
}

/// Filters of a service's connection list; `None` matches everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConnectionColumns<'a> {
    pub status: Option<&'a str>,
    pub endpoint: Option<&'a str>,
    pub owner: Option<&'a str>,
    /// An ENI of one of the endpoint's zones.
    pub eni: Option<&'a str>,
    /// The service resource serving one of the endpoint's zones.
    pub resource: Option<&'a str>,
    /// The endpoint's resource group.
    pub resource_group: Option<&'a str>,
}

impl<'a> ConnectionColumns<'a> {
    /// The condition for the filters that are set (zone and endpoint filters as correlated
    /// subqueries), with the values to bind after the service id (`$2`…). Unset filters stay out
    /// of the SQL so an unfiltered count reads the `connections_service` index alone.
    fn condition(&self) -> (String, Vec<&'a str>) {
        let mut sql = String::from("service_id = $1");
        let mut values = Vec::new();
        for (template, v) in [
            ("status = ${}", self.status),
            ("endpoint_id = ${}", self.endpoint),
            ("endpoint_owner_id = ${}", self.owner),
            (
                "EXISTS (SELECT 1 FROM endpoint_zones z WHERE z.endpoint_id = connections.endpoint_id AND z.eni_id = ${})",
                self.eni,
            ),
            (
                "EXISTS (SELECT 1 FROM endpoint_zones z WHERE z.endpoint_id = connections.endpoint_id AND z.resource_id = ${})",
                self.resource,
            ),
            (
                "EXISTS (SELECT 1 FROM endpoints e WHERE e.id = connections.endpoint_id AND e.resource_group_id = ${})",
                self.resource_group,
            ),
        ] {
            if let Some(v) = v {
                values.push(v);
                sql.push_str(" AND ");
                sql.push_str(&template.replace("${}", &format!("${}", values.len() + 1)));
            }
        }
        (sql, values)
    }
}

/// How many of a service's connections match `f`.
pub async fn count_connections(
    c: &mut Conn,
    service: &str,
    f: &ConnectionColumns<'_>,
) -> sqlx::Result<i64> {
    let (cond, values) = f.condition();
    let sql = format!("SELECT COUNT(*) FROM connections WHERE {cond}");
    let mut q = sqlx::query_scalar::<Db, i64>(&sql).bind(service);
    for v in values {
        q = q.bind(v);
    }
    q.fetch_one(c).await
}

/// Up to `limit` of a service's connections matching `f`, after `after` by endpoint id.
pub async fn filtered_connections_page(
    c: &mut Conn,
    service: &str,
    f: &ConnectionColumns<'_>,
    after: &str,
    limit: i64,
) -> sqlx::Result<Vec<ConnectionRow>> {
    let (cond, values) = f.condition();
    let n = values.len() + 2;
    let sql = format!(
        "SELECT * FROM connections WHERE {cond} AND endpoint_id > ${n} ORDER BY endpoint_id LIMIT ${}",
        n + 1
    );
    let mut q = sqlx::query_as::<Db, ConnectionRow>(&sql).bind(service);
    for v in values {
        q = q.bind(v);
    }
    q.bind(after).bind(limit).fetch_all(c).await
}

/// Up to `limit` of a service's connections, newest first (ties by endpoint id, descending),
/// after the one `after` names by its creation time and endpoint id: the console's queue.
pub async fn connections_newest_first(
    c: &mut Conn,
    service: &str,
    after: Option<(i64, &str)>,
    limit: i64,
) -> sqlx::Result<Vec<ConnectionRow>> {
    sqlx::query_as::<Db, ConnectionRow>(
        "SELECT * FROM connections WHERE service_id = $1
           AND ($2 IS NULL OR created_at < $2 OR (created_at = $2 AND endpoint_id < $3))
         ORDER BY created_at DESC, endpoint_id DESC LIMIT $4",
    )
    .bind(service)
    .bind(after.map(|a| a.0))
    .bind(after.map(|a| a.1))
    .bind(limit)
    .fetch_all(c)
    .await
}

pub async fn count_in_vpc(c: &mut Conn, vpc: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar::<Db, i64>("SELECT COUNT(*) FROM endpoints WHERE vpc_id = $1")
        .bind(vpc)
        .fetch_one(c)
        .await
}

pub async fn of_service(c: &mut Conn, service: &str) -> sqlx::Result<Vec<EndpointRow>> {
    sqlx::query_as::<Db, EndpointRow>("SELECT * FROM endpoints WHERE service_id = $1")
        .bind(service)
        .fetch_all(c)
        .await
}

pub async fn delete(c: &mut Conn, id: &str) -> sqlx::Result<()> {
    sqlx::query::<Db>("DELETE FROM endpoints WHERE id = $1")
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn zones(c: &mut Conn, endpoint: &str) -> sqlx::Result<Vec<ZoneRow>> {
    sqlx::query_as::<Db, ZoneRow>(
        "SELECT * FROM endpoint_zones WHERE endpoint_id = $1 ORDER BY zone_id",
    )
    .bind(endpoint)
    .fetch_all(c)
    .await
}

/// Inserts a zone, allocating its local address number (one more than the largest in use).
pub async fn insert_zone(c: &mut Conn, z: &ZoneRow) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "INSERT INTO endpoint_zones (endpoint_id, zone_id, vswitch_id, eni_id, ip, ipv6, domain, status, due_at, healthy,
            resource_id, created_at, local_seq) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,
            (SELECT COALESCE(MAX(local_seq), 0) + 1 FROM endpoint_zones))",
    )
    .bind(&z.endpoint_id)
    .bind(&z.zone_id)
    .bind(&z.vswitch_id)
    .bind(&z.eni_id)
    .bind(&z.ip)
    .bind(&z.ipv6)
    .bind(&z.domain)
    .bind(z.status)
    .bind(z.due_at)
    .bind(z.healthy)
    .bind(&z.resource_id)
    .bind(z.created_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn set_zone_status(
    c: &mut Conn,
    endpoint: &str,
    zone: &str,
    status: ZoneStatus,
    due: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query::<Db>("UPDATE endpoint_zones SET status = $3, due_at = $4 WHERE endpoint_id = $1 AND zone_id = $2")
        .bind(endpoint)
        .bind(zone)
        .bind(status)
        .bind(due)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn delete_zone(c: &mut Conn, endpoint: &str, zone: &str) -> sqlx::Result<()> {
    sqlx::query::<Db>("DELETE FROM endpoint_zones WHERE endpoint_id = $1 AND zone_id = $2")
        .bind(endpoint)
        .bind(zone)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn security_groups(c: &mut Conn, endpoint: &str) -> sqlx::Result<Vec<SgRow>> {
    sqlx::query_as::<Db, SgRow>(
        "SELECT * FROM endpoint_security_groups WHERE endpoint_id = $1 ORDER BY sg_id",
    )
    .bind(endpoint)
    .fetch_all(c)
    .await
}

pub async fn set_sg(
    c: &mut Conn,
    endpoint: &str,
    sg: &str,
    status: SecurityGroupStatus,
    due: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "INSERT INTO endpoint_security_groups (endpoint_id, sg_id, status, due_at) VALUES ($1,$2,$3,$4)
         ON CONFLICT (endpoint_id, sg_id) DO UPDATE SET status = excluded.status, due_at = excluded.due_at",
    )
    .bind(endpoint)
    .bind(sg)
    .bind(status)
    .bind(due)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn delete_sg(c: &mut Conn, endpoint: &str, sg: &str) -> sqlx::Result<()> {
    sqlx::query::<Db>("DELETE FROM endpoint_security_groups WHERE endpoint_id = $1 AND sg_id = $2")
        .bind(endpoint)
        .bind(sg)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn connection(c: &mut Conn, endpoint: &str) -> sqlx::Result<Option<ConnectionRow>> {
    sqlx::query_as::<Db, ConnectionRow>("SELECT * FROM connections WHERE endpoint_id = $1")
        .bind(endpoint)
        .fetch_optional(c)
        .await
}

pub async fn insert_connection(c: &mut Conn, k: &ConnectionRow) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "INSERT INTO connections (endpoint_id, service_id, endpoint_owner_id, service_owner_id, status, due_at, bandwidth,
            traffic_control_mode, zone_max_override, locked_from, decided_by, reason, created_at, modified_at,
            endpoint_region_id)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,
            COALESCE((SELECT region_id FROM endpoints WHERE id = $1), ''))",
    )
    .bind(&k.endpoint_id)
    .bind(&k.service_id)
    .bind(&k.endpoint_owner_id)
    .bind(&k.service_owner_id)
    .bind(k.status)
    .bind(k.due_at)
    .bind(k.bandwidth)
    .bind(k.traffic_control_mode)
    .bind(k.zone_max_override)
    .bind(k.locked_from)
    .bind(&k.decided_by)
    .bind(&k.reason)
    .bind(k.created_at)
    .bind(k.modified_at)
    .execute(c)
    .await?;
    Ok(())
}

/// Writes back the mutable fields of a connection.
pub async fn update_connection(c: &mut Conn, k: &ConnectionRow) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "UPDATE connections SET status=$2, due_at=$3, bandwidth=$4, traffic_control_mode=$5, zone_max_override=$6,
            locked_from=$7, decided_by=$8, reason=$9, modified_at=$10 WHERE endpoint_id=$1",
    )
    .bind(&k.endpoint_id)
    .bind(k.status)
    .bind(k.due_at)
    .bind(k.bandwidth)
    .bind(k.traffic_control_mode)
    .bind(k.zone_max_override)
    .bind(k.locked_from)
    .bind(&k.decided_by)
    .bind(&k.reason)
    .bind(k.modified_at)
    .execute(c)
    .await?;
    Ok(())
}

/// Connections involving `account` on either side.
pub async fn connections_of_account(
    c: &mut Conn,
    account: &str,
) -> sqlx::Result<Vec<ConnectionRow>> {
    sqlx::query_as::<Db, ConnectionRow>(
        "SELECT * FROM connections WHERE endpoint_owner_id = $1 OR service_owner_id = $1",
    )
    .bind(account)
    .fetch_all(c)
    .await
}

/// A connection waits for its provider's decision while it is Disconnected (bound as `$2`), nobody
/// decided on it yet, and no overdue payment cut it: the SQL form of
/// [`ConnectionStatus::awaiting_decision`].
const WAITING: &str = "status = $2 AND decided_by IS NULL AND locked_from IS NULL";

/// How many connections wait for `provider`'s decision (across its services).
pub async fn pending_for_provider(c: &mut Conn, provider: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar::<Db, i64>(&format!(
        "SELECT COUNT(*) FROM connections WHERE service_owner_id = $1 AND {WAITING}"
    ))
    .bind(provider)
    .bind(ConnectionStatus::Disconnected)
    .fetch_one(c)
    .await
}

/// How many connections of one service wait for a decision.
pub async fn pending_for_service(c: &mut Conn, service: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar::<Db, i64>(&format!(
        "SELECT COUNT(*) FROM connections WHERE service_id = $1 AND {WAITING}"
    ))
    .bind(service)
    .bind(ConnectionStatus::Disconnected)
    .fetch_one(c)
    .await
}

/// Zones currently taken down by fault injection.
pub async fn faulty_zones(c: &mut Conn) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar::<Db, String>("SELECT zone_id FROM zone_faults ORDER BY zone_id")
        .fetch_all(c)
        .await
}

/// Sets the business status of every endpoint an account owns (overdue payment, or cleared).
pub async fn set_business_status_of_account(
    c: &mut Conn,
    account: &str,
    status: BusinessStatus,
) -> sqlx::Result<()> {
    sqlx::query::<Db>("UPDATE endpoints SET business_status = $2 WHERE account_id = $1")
        .bind(account)
        .bind(status)
        .execute(c)
        .await?;
    Ok(())
}

/// A service is gone: its connections (except those being deleted with their endpoint) become
/// ServiceDeleted, and their zones not being removed Disconnected.
pub async fn orphan_connections_of_service(
    c: &mut Conn,
    service: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "UPDATE connections SET status = $3, due_at = NULL, modified_at = $2 WHERE service_id = $1 AND status <> $4",
    )
    .bind(service)
    .bind(now)
    .bind(ConnectionStatus::ServiceDeleted)
    .bind(ConnectionStatus::Deleting)
    .execute(&mut *c)
    .await?;
    // Zones being removed keep going: their ENIs and addresses are released when due.
    sqlx::query::<Db>(
        "UPDATE endpoint_zones SET status = $2, due_at = NULL WHERE status <> $3
           AND endpoint_id IN (SELECT endpoint_id FROM connections WHERE service_id = $1)",
    )
    .bind(service)
    .bind(ZoneStatus::Disconnected)
    .bind(ZoneStatus::Deleting)
    .execute(c)
    .await?;
    Ok(())
}

/// Whether a zone connected (or connecting) to `service` is served by `resource`.
pub async fn resource_carries_traffic(
    c: &mut Conn,
    service: &str,
    resource: &str,
) -> sqlx::Result<bool> {
    let n = sqlx::query_scalar::<Db, i64>(
        "SELECT COUNT(*) FROM endpoint_zones z JOIN connections c ON c.endpoint_id = z.endpoint_id
         WHERE c.service_id = $1 AND z.resource_id = $2 AND z.status IN ($3, $4)",
    )
    .bind(service)
    .bind(resource)
    .bind(ZoneStatus::Connected)
    .bind(ZoneStatus::Connecting)
    .fetch_one(c)
    .await?;
    Ok(n > 0)
}

/// Takes a zone down (fault injection) or brings it back.
pub async fn set_zone_fault(c: &mut Conn, zone: &str, down: bool, now: i64) -> sqlx::Result<()> {
    if down {
        sqlx::query::<Db>(
            "INSERT INTO zone_faults (zone_id, created_at) VALUES ($1, $2) ON CONFLICT (zone_id) DO NOTHING",
        )
        .bind(zone)
        .bind(now)
        .execute(c)
        .await?;
    } else {
        sqlx::query::<Db>("DELETE FROM zone_faults WHERE zone_id = $1")
            .bind(zone)
            .execute(c)
            .await?;
    }
    Ok(())
}

/// Endpoints that enabled the custom service domain `name`: (endpoint, its VPC).
pub async fn with_custom_domain(c: &mut Conn, name: &str) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as::<Db, (String, String)>(
        "SELECT e.id, e.vpc_id FROM endpoints e JOIN endpoint_services s ON s.id = e.service_id
         WHERE e.private_dns_enabled = $2 AND s.custom_domain = $1",
    )
    .bind(name)
    .bind(true)
    .fetch_all(c)
    .await
}

/// Accounts with an endpoint connected to `service`, sorted.
pub async fn owners_on_service(c: &mut Conn, service: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar::<Db, String>(
        "SELECT DISTINCT endpoint_owner_id FROM connections WHERE service_id = $1 ORDER BY endpoint_owner_id",
    )
    .bind(service)
    .fetch_all(c)
    .await
}

/// A resource left `service`: the zones of its endpoints it served have none now.
pub async fn unassign_resource(c: &mut Conn, service: &str, resource: &str) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "UPDATE endpoint_zones SET resource_id = NULL WHERE resource_id = $1
           AND endpoint_id IN (SELECT endpoint_id FROM connections WHERE service_id = $2)",
    )
    .bind(resource)
    .bind(service)
    .execute(c)
    .await?;
    Ok(())
}

/// How many zones of endpoints on `service` are served by `resource`.
pub async fn zones_served_by(c: &mut Conn, service: &str, resource: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar::<Db, i64>(
        "SELECT COUNT(*) FROM endpoint_zones z JOIN connections c ON c.endpoint_id = z.endpoint_id
         WHERE c.service_id = $1 AND z.resource_id = $2",
    )
    .bind(service)
    .bind(resource)
    .fetch_one(c)
    .await
}

/// Sets the service resource that serves one zone of an endpoint.
pub async fn set_zone_resource(
    c: &mut Conn,
    endpoint: &str,
    zone: &str,
    resource: &str,
) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "UPDATE endpoint_zones SET resource_id = $3 WHERE endpoint_id = $1 AND zone_id = $2",
    )
    .bind(endpoint)
    .bind(zone)
    .bind(resource)
    .execute(c)
    .await?;
    Ok(())
}

/// The SQL text an endpoints-list column sorts by: the same string as the view's
/// `Listed::sort_key` (`e` the endpoint, `k` its connection, left-joined).
fn console_key(column: EndpointColumn) -> &'static str {
    match column {
        EndpointColumn::Name => "LOWER(CASE WHEN e.name = '' THEN e.id ELSE e.name END)",
        EndpointColumn::Type => "e.endpoint_type",
        EndpointColumn::Service => "e.service_name",
        EndpointColumn::Status => "e.status",
        EndpointColumn::Connection => "COALESCE(k.status, 'ServiceDeleted')",
        EndpointColumn::Vpc => "e.vpc_id",
    }
}

/// `needle` as a `LIKE … ESCAPE '\'` pattern matching it anywhere (its `%`, `_`, `\` literal).
pub(crate) fn like_pattern(needle: &str) -> String {
    let mut p = String::from("%");
    for ch in needle.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

/// One page of the console's endpoints list: `owner`'s endpoints in `region` whose name, id or
/// service name contains `needle` (ASCII case ignored; empty matches all), ordered by
/// (`column`'s key, id) in the asked direction, strictly after the keyset `after`; with how
/// many match in all.
#[allow(clippy::too_many_arguments)]
pub async fn console_page(
    c: &mut Conn,
    owner: &str,
    region: &str,
    needle: &str,
    column: EndpointColumn,
    descending: bool,
    after: Option<(&str, &str)>,
    limit: i64,
) -> sqlx::Result<(Vec<EndpointRow>, i64)> {
    let pattern = like_pattern(needle);
    let like = Backend::of(c).ilike();
    let matches = format!(
        "e.account_id = $1 AND e.region_id = $2 AND ($3 = '%%' OR e.name {like} $3 ESCAPE '\\'
        OR e.id {like} $3 ESCAPE '\\' OR e.service_name {like} $3 ESCAPE '\\')"
    );
    let total =
        sqlx::query_scalar::<Db, i64>(&format!("SELECT COUNT(*) FROM endpoints e WHERE {matches}"))
            .bind(owner)
            .bind(region)
            .bind(&pattern)
            .fetch_one(&mut *c)
            .await?;
    let key = console_key(column);
    let (cmp, dir) = if descending {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    let sql = format!(
        "SELECT e.* FROM endpoints e LEFT JOIN connections k ON k.endpoint_id = e.id
         WHERE {matches} AND ($4 IS NULL OR ({key}, e.id) {cmp} ($4, $5))
         ORDER BY {key} {dir}, e.id {dir} LIMIT $6"
    );
    let rows = sqlx::query_as::<Db, EndpointRow>(&sql)
        .bind(owner)
        .bind(region)
        .bind(&pattern)
        .bind(after.map(|a| a.0))
        .bind(after.map(|a| a.1))
        .bind(limit)
        .fetch_all(c)
        .await?;
    Ok((rows, total))
}
