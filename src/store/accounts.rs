//! Accounts and access keys.

use super::Conn;
use super::Db;
use crate::domain::state::BusinessStatus;
use sqlx::FromRow;
use std::sync::atomic::{AtomicU64, Ordering};

/// Bumped by every function here that writes `accounts` or `access_keys` (inside its
/// transaction, before the commit), so a cache of keys (`openapi::keys`) can tell that what it
/// read may have changed. Process-wide: a write to any database of this process bumps it.
static KEY_GENERATION: AtomicU64 = AtomicU64::new(0);

/// The current generation of accounts and AccessKeys (see [`KEY_GENERATION`]).
pub fn key_generation() -> u64 {
    KEY_GENERATION.load(Ordering::SeqCst)
}

fn keys_changed() {
    KEY_GENERATION.fetch_add(1, Ordering::SeqCst);
}

/// An account row, including the password hash (server-only; never serialised to the browser).
#[derive(Debug, Clone, FromRow)]
pub struct AccountRow {
    pub id: String,
    pub name: String,
    pub password_hash: String,
    #[sqlx(try_from = "crate::store::Flag")]
    pub is_platform: bool,
    pub business_status: BusinessStatus,
    pub created_at: i64,
}

/// An access key row.
#[derive(Debug, Clone, FromRow)]
pub struct AccessKeyRow {
    pub id: String,
    pub secret: String,
    pub account_id: String,
    #[sqlx(try_from = "crate::store::Flag")]
    pub enabled: bool,
}

pub async fn insert_account(c: &mut Conn, a: &AccountRow) -> sqlx::Result<()> {
    keys_changed();
    sqlx::query::<Db>(
        "INSERT INTO accounts (id, name, password_hash, is_platform, business_status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&a.id)
    .bind(&a.name)
    .bind(&a.password_hash)
    .bind(a.is_platform)
    .bind(a.business_status)
    .bind(a.created_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn insert_access_key(c: &mut Conn, k: &AccessKeyRow, now: i64) -> sqlx::Result<()> {
    keys_changed();
    sqlx::query::<Db>("INSERT INTO access_keys (id, secret, account_id, enabled, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&k.id)
        .bind(&k.secret)
        .bind(&k.account_id)
        .bind(k.enabled)
        .bind(now)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn account(c: &mut Conn, id: &str) -> sqlx::Result<Option<AccountRow>> {
    sqlx::query_as::<Db, AccountRow>("SELECT * FROM accounts WHERE id = $1")
        .bind(id)
        .fetch_optional(c)
        .await
}

pub async fn accounts(c: &mut Conn) -> sqlx::Result<Vec<AccountRow>> {
    sqlx::query_as::<Db, AccountRow>("SELECT * FROM accounts ORDER BY id")
        .fetch_all(c)
        .await
}

pub async fn access_key(c: &mut Conn, id: &str) -> sqlx::Result<Option<AccessKeyRow>> {
    sqlx::query_as::<Db, AccessKeyRow>(
        "SELECT id, secret, account_id, enabled FROM access_keys WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(c)
    .await
}

pub async fn set_business_status(
    c: &mut Conn,
    id: &str,
    status: BusinessStatus,
) -> sqlx::Result<u64> {
    keys_changed();
    Ok(
        sqlx::query::<Db>("UPDATE accounts SET business_status = $1 WHERE id = $2")
            .bind(status)
            .bind(id)
            .execute(c)
            .await?
            .rows_affected(),
    )
}

/// Number of user accounts (the platform account does not count: a store with none is "empty" for
/// scenario loading).
pub async fn count(c: &mut Conn) -> sqlx::Result<i64> {
    sqlx::query_scalar::<Db, i64>("SELECT COUNT(*) FROM accounts WHERE is_platform = FALSE")
        .fetch_one(c)
        .await
}

/// The tables a scenario fills, children before parents (the order [`wipe`] deletes in).
pub const TABLES: &[&str] = &[
    "idempotency",
    "audit_events",
    "tags",
    "vpc_dns_links",
    "bandwidth_requests",
    "zone_faults",
    "gateway_endpoint_route_tables",
    "gateway_endpoints",
    "connections",
    "endpoint_zones",
    "endpoint_security_groups",
    "endpoints",
    "service_users",
    "service_resources",
    "service_supported_regions",
    "endpoint_services",
    "lb_listeners",
    "load_balancers",
    "security_groups",
    "ip_allocations",
    "vswitches",
    "vpcs",
    "access_keys",
    "accounts",
];

/// Deletes every row of every table (scenario reset), leaving the schema in place.
pub async fn wipe(c: &mut Conn) -> sqlx::Result<()> {
    keys_changed();
    for table in TABLES {
        sqlx::query::<Db>(&format!("DELETE FROM {table}"))
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// After rows were copied in with their ids: the next generated id of each table with one follows
/// the largest copied (PostgreSQL's identity sequences do not see explicit ids; SQLite's do).
pub async fn restart_ids(c: &mut Conn) -> sqlx::Result<()> {
    if super::Backend::of(c) != super::Backend::Postgres {
        return Ok(());
    }
    for table in ["audit_events", "bandwidth_requests"] {
        sqlx::query::<Db>(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}"
        ))
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}

/// The regions in which `account` owns inventory (VPCs, vSwitches, security groups, load
/// balancers), endpoint services, endpoints or gateway endpoints, in no particular order.
pub async fn regions_in_use(c: &mut Conn, account: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar::<Db, String>(
        "SELECT region_id FROM vpcs WHERE account_id = $1
         UNION SELECT region_id FROM vswitches WHERE account_id = $1
         UNION SELECT region_id FROM security_groups WHERE account_id = $1
         UNION SELECT region_id FROM load_balancers WHERE account_id = $1
         UNION SELECT region_id FROM endpoint_services WHERE account_id = $1
         UNION SELECT region_id FROM endpoints WHERE account_id = $1
         UNION SELECT region_id FROM gateway_endpoints WHERE account_id = $1",
    )
    .bind(account)
    .fetch_all(c)
    .await
}

/// Every account id, sorted.
pub async fn ids(c: &mut Conn) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar::<Db, String>("SELECT id FROM accounts ORDER BY id")
        .fetch_all(c)
        .await
}

/// Every AccessKey's stored secret (sealed or, before the first start with a seal key, plain):
/// (id, secret), sorted by id.
pub async fn secrets(c: &mut Conn) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as::<Db, (String, String)>("SELECT id, secret FROM access_keys ORDER BY id")
        .fetch_all(c)
        .await
}

/// Replaces an AccessKey's stored secret.
pub async fn set_secret(c: &mut Conn, id: &str, secret: &str) -> sqlx::Result<()> {
    keys_changed();
    sqlx::query::<Db>("UPDATE access_keys SET secret = $2 WHERE id = $1")
        .bind(id)
        .bind(secret)
        .execute(c)
        .await?;
    Ok(())
}

/// Enables or disables an AccessKey; returns whether it exists.
pub async fn set_access_key_enabled(c: &mut Conn, id: &str, enabled: bool) -> sqlx::Result<bool> {
    keys_changed();
    let done = sqlx::query::<Db>("UPDATE access_keys SET enabled = $2 WHERE id = $1")
        .bind(id)
        .bind(enabled)
        .execute(c)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Deletes an AccessKey; returns whether it existed.
pub async fn delete_access_key(c: &mut Conn, id: &str) -> sqlx::Result<bool> {
    keys_changed();
    let done = sqlx::query::<Db>("DELETE FROM access_keys WHERE id = $1")
        .bind(id)
        .execute(c)
        .await?;
    Ok(done.rows_affected() > 0)
}
