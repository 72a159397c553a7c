//! Endpoint services, their resources, supported regions and whitelist.

use super::Db;
use super::{Backend, Conn};
use crate::domain::console::ServiceColumn;
use crate::domain::state::{BusinessStatus, ConnectionStatus, IpVersion, ResourceStatus};
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct ServiceRow {
    pub id: String,
    pub account_id: String,
    pub region_id: String,
    pub name: String,
    pub domain: String,
    pub description: String,
    pub status: ResourceStatus,
    pub due_at: Option<i64>,
    pub business_status: BusinessStatus,
    pub resource_type: String,
    #[sqlx(try_from = "crate::store::Flag")]
    pub auto_accept: bool,
    #[sqlx(try_from = "crate::store::Flag")]
    pub zone_affinity: bool,
    pub address_ip_version: IpVersion,
    pub connect_bandwidth: i64,
    pub payer: String,
    pub resource_group_id: String,
    pub managed_product: Option<String>,
    pub custom_domain: Option<String>,
    #[sqlx(try_from = "crate::store::Flag")]
    pub policy_supported: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct ResourceRow {
    pub service_id: String,
    pub resource_id: String,
    pub resource_type: String,
    pub zone_id: String,
    #[sqlx(try_from = "crate::store::Flag")]
    pub auto_allocated: bool,
    pub created_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct UserRow {
    pub service_id: String,
    pub user_id: String,
    pub user_arn: String,
    pub label: String,
    pub added_by: String,
    pub added_at: i64,
}

pub async fn insert(c: &mut Conn, s: &ServiceRow) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "INSERT INTO endpoint_services (id, account_id, region_id, name, domain, description, status, due_at,
            business_status, resource_type, auto_accept, zone_affinity, address_ip_version, connect_bandwidth, payer,
            resource_group_id, managed_product, custom_domain, policy_supported, created_at, updated_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)",
    )
    .bind(&s.id)
    .bind(&s.account_id)
    .bind(&s.region_id)
    .bind(&s.name)
    .bind(&s.domain)
    .bind(&s.description)
    .bind(s.status)
    .bind(s.due_at)
    .bind(s.business_status)
    .bind(&s.resource_type)
    .bind(s.auto_accept)
    .bind(s.zone_affinity)
    .bind(s.address_ip_version)
    .bind(s.connect_bandwidth)
    .bind(&s.payer)
    .bind(&s.resource_group_id)
    .bind(&s.managed_product)
    .bind(&s.custom_domain)
    .bind(s.policy_supported)
    .bind(s.created_at)
    .bind(s.updated_at)
    .execute(c)
    .await?;
    Ok(())
}

/// Writes back every mutable attribute of a service.
pub async fn update(c: &mut Conn, s: &ServiceRow) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "UPDATE endpoint_services SET description=$2, status=$3, due_at=$4, business_status=$5, auto_accept=$6,
            zone_affinity=$7, address_ip_version=$8, connect_bandwidth=$9, payer=$10, resource_group_id=$11,
            updated_at=$12 WHERE id=$1",
    )
    .bind(&s.id)
    .bind(&s.description)
    .bind(s.status)
    .bind(s.due_at)
    .bind(s.business_status)
    .bind(s.auto_accept)
    .bind(s.zone_affinity)
    .bind(s.address_ip_version)
    .bind(s.connect_bandwidth)
    .bind(&s.payer)
    .bind(&s.resource_group_id)
    .bind(s.updated_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn get(c: &mut Conn, id: &str) -> sqlx::Result<Option<ServiceRow>> {
    sqlx::query_as::<Db, ServiceRow>("SELECT * FROM endpoint_services WHERE id = $1")
        .bind(id)
        .fetch_optional(c)
        .await
}

pub async fn by_name(c: &mut Conn, name: &str) -> sqlx::Result<Option<ServiceRow>> {
    sqlx::query_as::<Db, ServiceRow>("SELECT * FROM endpoint_services WHERE name = $1")
        .bind(name)
        .fetch_optional(c)
        .await
}

/// A page of the services `account` owns in `region`, after `after` (keyset pagination by id).
pub async fn owned_page(
    c: &mut Conn,
    account: &str,
    region: &str,
    after: &str,
    limit: i64,
) -> sqlx::Result<Vec<ServiceRow>> {
    sqlx::query_as::<Db, ServiceRow>(
        "SELECT * FROM endpoint_services WHERE account_id = $1 AND region_id = $2 AND id > $3 ORDER BY id LIMIT $4",
    )
    .bind(account)
    .bind(region)
    .bind(after)
    .bind(limit)
    .fetch_all(c)
    .await
}

/// Services in `region` that `account` may see: owned, whitelisted, or managed (platform) services.
pub async fn visible(c: &mut Conn, account: &str, region: &str) -> sqlx::Result<Vec<ServiceRow>> {
    sqlx::query_as::<Db, ServiceRow>(
        "SELECT s.* FROM endpoint_services s WHERE s.region_id = $2 AND (
            s.account_id = $1 OR s.managed_product IS NOT NULL
            OR EXISTS (SELECT 1 FROM service_users u WHERE u.service_id = s.id AND u.user_id = $1))
         ORDER BY s.managed_product IS NULL, s.id",
    )
    .bind(account)
    .bind(region)
    .fetch_all(c)
    .await
}

pub async fn count_owned(c: &mut Conn, account: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar::<Db, i64>("SELECT COUNT(*) FROM endpoint_services WHERE account_id = $1")
        .bind(account)
        .fetch_one(c)
        .await
}

pub async fn delete(c: &mut Conn, id: &str) -> sqlx::Result<()> {
    sqlx::query::<Db>("DELETE FROM endpoint_services WHERE id = $1")
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn resources(c: &mut Conn, service: &str) -> sqlx::Result<Vec<ResourceRow>> {
    sqlx::query_as::<Db, ResourceRow>(
        "SELECT * FROM service_resources WHERE service_id = $1 ORDER BY zone_id, resource_id",
    )
    .bind(service)
    .fetch_all(c)
    .await
}

pub async fn insert_resource(c: &mut Conn, r: &ResourceRow) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "INSERT INTO service_resources (service_id, resource_id, resource_type, zone_id, auto_allocated, created_at)
         VALUES ($1,$2,$3,$4,$5,$6)",
    )
    .bind(&r.service_id)
    .bind(&r.resource_id)
    .bind(&r.resource_type)
    .bind(&r.zone_id)
    .bind(r.auto_allocated)
    .bind(r.created_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn delete_resource(
    c: &mut Conn,
    service: &str,
    resource: &str,
    zone: &str,
) -> sqlx::Result<u64> {
    Ok(sqlx::query::<Db>(
        "DELETE FROM service_resources WHERE service_id = $1 AND resource_id = $2 AND zone_id = $3",
    )
    .bind(service)
    .bind(resource)
    .bind(zone)
    .execute(c)
    .await?
    .rows_affected())
}

/// Whether a load balancer already backs any service (in any zone).
pub async fn resource_in_use(c: &mut Conn, resource: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar::<Db, String>(
        "SELECT service_id FROM service_resources WHERE resource_id = $1 LIMIT 1",
    )
    .bind(resource)
    .fetch_optional(c)
    .await
}

pub async fn supported_regions(c: &mut Conn, service: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar::<Db, String>(
        "SELECT region_id FROM service_supported_regions WHERE service_id = $1 ORDER BY region_id",
    )
    .bind(service)
    .fetch_all(c)
    .await
}

pub async fn set_supported_region(
    c: &mut Conn,
    service: &str,
    region: &str,
    on: bool,
) -> sqlx::Result<()> {
    if on {
        sqlx::query::<Db>("INSERT INTO service_supported_regions (service_id, region_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(service)
            .bind(region)
            .execute(c)
            .await?;
    } else {
        sqlx::query::<Db>(
            "DELETE FROM service_supported_regions WHERE service_id = $1 AND region_id = $2",
        )
        .bind(service)
        .bind(region)
        .execute(c)
        .await?;
    }
    Ok(())
}

pub async fn users(c: &mut Conn, service: &str) -> sqlx::Result<Vec<UserRow>> {
    sqlx::query_as::<Db, UserRow>(
        "SELECT * FROM service_users WHERE service_id = $1 ORDER BY added_at, user_id",
    )
    .bind(service)
    .fetch_all(c)
    .await
}

pub async fn is_whitelisted(c: &mut Conn, service: &str, account: &str) -> sqlx::Result<bool> {
    Ok(sqlx::query_scalar::<Db, i64>(
        "SELECT COUNT(*) FROM service_users WHERE service_id = $1 AND user_id = $2",
    )
    .bind(service)
    .bind(account)
    .fetch_one(c)
    .await?
        > 0)
}

pub async fn insert_user(c: &mut Conn, u: &UserRow) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "INSERT INTO service_users (service_id, user_id, user_arn, label, added_by, added_at) VALUES ($1,$2,$3,$4,$5,$6)
         ON CONFLICT (service_id, user_id) DO UPDATE SET user_arn = excluded.user_arn, label = excluded.label",
    )
    .bind(&u.service_id)
    .bind(&u.user_id)
    .bind(&u.user_arn)
    .bind(&u.label)
    .bind(&u.added_by)
    .bind(u.added_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn delete_user(c: &mut Conn, service: &str, user: &str) -> sqlx::Result<u64> {
    Ok(
        sqlx::query::<Db>("DELETE FROM service_users WHERE service_id = $1 AND user_id = $2")
            .bind(service)
            .bind(user)
            .execute(c)
            .await?
            .rows_affected(),
    )
}

/// Connections of a service by status (for dependency checks and counts).
pub async fn connection_counts(
    c: &mut Conn,
    service: &str,
) -> sqlx::Result<Vec<(ConnectionStatus, i64)>> {
    sqlx::query_as::<Db, (ConnectionStatus, i64)>(
        "SELECT status, COUNT(*) FROM connections WHERE service_id = $1 GROUP BY status",
    )
    .bind(service)
    .fetch_all(c)
    .await
}

/// Sets the business status of every service an account owns (overdue payment, or cleared).
pub async fn set_business_status_of_account(
    c: &mut Conn,
    account: &str,
    status: BusinessStatus,
) -> sqlx::Result<()> {
    sqlx::query::<Db>("UPDATE endpoint_services SET business_status = $2 WHERE account_id = $1")
        .bind(account)
        .bind(status)
        .execute(c)
        .await?;
    Ok(())
}

/// Marks one resource of a service (in one zone) as automatically allocated, or not.
pub async fn set_auto_allocated(
    c: &mut Conn,
    service: &str,
    resource: &str,
    zone: &str,
    enabled: bool,
) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "UPDATE service_resources SET auto_allocated = $4
         WHERE service_id = $1 AND resource_id = $2 AND zone_id = $3",
    )
    .bind(service)
    .bind(resource)
    .bind(zone)
    .bind(enabled)
    .execute(c)
    .await?;
    Ok(())
}

/// The SQL text a services-list column sorts by: the same string as the view's
/// `Listed::sort_key` (`s` the service; `$7` binds the Disconnected status, which the
/// connection count leaves out).
fn console_key(b: Backend, column: ServiceColumn) -> String {
    match column {
        ServiceColumn::Name => "LOWER(s.description)".into(),
        ServiceColumn::Type => "s.resource_type".into(),
        ServiceColumn::Status => "s.status".into(),
        ServiceColumn::Auto => "CASE WHEN s.auto_accept THEN 'true' ELSE 'false' END".into(),
        ServiceColumn::Connections => b.zero_pad10(
            "(SELECT COUNT(*) FROM connections k WHERE k.service_id = s.id AND k.status <> $7)",
        ),
        ServiceColumn::Created => b.iso_ms("s.created_at"),
    }
}

/// One page of the console's services list: `owner`'s services in `region` whose description,
/// id or name contains `needle` (ASCII case ignored; empty matches all), ordered by
/// (`column`'s key, id) in the asked direction, strictly after the keyset `after`; with how
/// many match in all.
#[allow(clippy::too_many_arguments)]
pub async fn console_page(
    c: &mut Conn,
    owner: &str,
    region: &str,
    needle: &str,
    column: ServiceColumn,
    descending: bool,
    after: Option<(&str, &str)>,
    limit: i64,
) -> sqlx::Result<(Vec<ServiceRow>, i64)> {
    let pattern = super::endpoints::like_pattern(needle);
    let b = Backend::of(c);
    let like = b.ilike();
    let matches = format!(
        "s.account_id = $1 AND s.region_id = $2 AND ($3 = '%%' OR s.description {like} $3 ESCAPE '\\'
        OR s.id {like} $3 ESCAPE '\\' OR s.name {like} $3 ESCAPE '\\')"
    );
    let total = sqlx::query_scalar::<Db, i64>(&format!(
        "SELECT COUNT(*) FROM endpoint_services s WHERE {matches}"
    ))
    .bind(owner)
    .bind(region)
    .bind(&pattern)
    .fetch_one(&mut *c)
    .await?;
    let key = console_key(b, column);
    let (cmp, dir) = if descending {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    let sql = format!(
        "SELECT s.* FROM endpoint_services s
         WHERE {matches} AND ($4 IS NULL OR ({key}, s.id) {cmp} ($4, $5))
         ORDER BY {key} {dir}, s.id {dir} LIMIT $6"
    );
    let rows = sqlx::query_as::<Db, ServiceRow>(&sql)
        .bind(owner)
        .bind(region)
        .bind(&pattern)
        .bind(after.map(|a| a.0))
        .bind(after.map(|a| a.1))
        .bind(limit)
        .bind(ConnectionStatus::Disconnected)
        .fetch_all(c)
        .await?;
    Ok((rows, total))
}
