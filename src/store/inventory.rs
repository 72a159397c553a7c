//! VPCs, vSwitches, IP allocations, security groups and load balancers.

use super::Conn;
use super::Db;
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct VpcRow {
    pub id: String,
    pub account_id: String,
    pub region_id: String,
    pub name: String,
    pub cidr: String,
    pub ipv6_cidr: Option<String>,
    pub created_at: i64,
    /// The VPC's resolver address number (see `domain::dataplane::vpc_resolver_ip`); allocated by
    /// [`insert_vpc`].
    pub resolver_seq: Option<i64>,
}

#[derive(Debug, Clone, FromRow)]
pub struct VSwitchRow {
    pub id: String,
    pub account_id: String,
    pub region_id: String,
    pub vpc_id: String,
    pub zone_id: String,
    pub name: String,
    pub cidr: String,
    pub ipv6_cidr: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct SecurityGroupRow {
    pub id: String,
    pub account_id: String,
    pub region_id: String,
    pub vpc_id: String,
    pub name: String,
    pub sg_type: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct LoadBalancerRow {
    pub id: String,
    pub account_id: String,
    pub region_id: String,
    pub vpc_id: String,
    pub lb_type: String,
    pub name: String,
    pub zones: String,
    #[sqlx(try_from = "crate::store::Flag")]
    pub dual_stack: bool,
    #[sqlx(try_from = "crate::store::Flag")]
    pub privatelink_supported: bool,
    pub address: String,
    pub created_at: i64,
}

impl LoadBalancerRow {
    /// The zones this load balancer serves in.
    pub fn zone_list(&self) -> Vec<String> {
        self.zones
            .split(',')
            .filter(|z| !z.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// Inserts a VPC, allocating its resolver address number; returns that number.
pub async fn insert_vpc(c: &mut Conn, v: &VpcRow) -> sqlx::Result<i64> {
    sqlx::query_scalar::<Db, i64>(
        "INSERT INTO vpcs (id, account_id, region_id, name, cidr, ipv6_cidr, created_at, resolver_seq)
         VALUES ($1,$2,$3,$4,$5,$6,$7,(SELECT COALESCE(MAX(resolver_seq), 0) + 1 FROM vpcs))
         RETURNING resolver_seq",
    )
    .bind(&v.id)
    .bind(&v.account_id)
    .bind(&v.region_id)
    .bind(&v.name)
    .bind(&v.cidr)
    .bind(&v.ipv6_cidr)
    .bind(v.created_at)
    .fetch_one(c)
    .await
}

pub async fn insert_vswitch(c: &mut Conn, v: &VSwitchRow) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "INSERT INTO vswitches (id, account_id, region_id, vpc_id, zone_id, name, cidr, ipv6_cidr, created_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
    )
    .bind(&v.id)
    .bind(&v.account_id)
    .bind(&v.region_id)
    .bind(&v.vpc_id)
    .bind(&v.zone_id)
    .bind(&v.name)
    .bind(&v.cidr)
    .bind(&v.ipv6_cidr)
    .bind(v.created_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn insert_security_group(c: &mut Conn, s: &SecurityGroupRow) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "INSERT INTO security_groups (id, account_id, region_id, vpc_id, name, sg_type, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)",
    )
    .bind(&s.id)
    .bind(&s.account_id)
    .bind(&s.region_id)
    .bind(&s.vpc_id)
    .bind(&s.name)
    .bind(&s.sg_type)
    .bind(s.created_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn insert_load_balancer(c: &mut Conn, l: &LoadBalancerRow) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "INSERT INTO load_balancers (id, account_id, region_id, vpc_id, lb_type, name, zones, dual_stack,
            privatelink_supported, address, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
    )
    .bind(&l.id)
    .bind(&l.account_id)
    .bind(&l.region_id)
    .bind(&l.vpc_id)
    .bind(&l.lb_type)
    .bind(&l.name)
    .bind(&l.zones)
    .bind(l.dual_stack)
    .bind(l.privatelink_supported)
    .bind(&l.address)
    .bind(l.created_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn vpc(c: &mut Conn, id: &str) -> sqlx::Result<Option<VpcRow>> {
    sqlx::query_as::<Db, VpcRow>("SELECT * FROM vpcs WHERE id = $1")
        .bind(id)
        .fetch_optional(c)
        .await
}

pub async fn vswitch(c: &mut Conn, id: &str) -> sqlx::Result<Option<VSwitchRow>> {
    sqlx::query_as::<Db, VSwitchRow>("SELECT * FROM vswitches WHERE id = $1")
        .bind(id)
        .fetch_optional(c)
        .await
}

pub async fn security_group(c: &mut Conn, id: &str) -> sqlx::Result<Option<SecurityGroupRow>> {
    sqlx::query_as::<Db, SecurityGroupRow>("SELECT * FROM security_groups WHERE id = $1")
        .bind(id)
        .fetch_optional(c)
        .await
}

pub async fn load_balancer(c: &mut Conn, id: &str) -> sqlx::Result<Option<LoadBalancerRow>> {
    sqlx::query_as::<Db, LoadBalancerRow>("SELECT * FROM load_balancers WHERE id = $1")
        .bind(id)
        .fetch_optional(c)
        .await
}

pub async fn vpcs(c: &mut Conn, account: &str, region: &str) -> sqlx::Result<Vec<VpcRow>> {
    sqlx::query_as::<Db, VpcRow>(
        "SELECT * FROM vpcs WHERE account_id = $1 AND region_id = $2 ORDER BY created_at, id",
    )
    .bind(account)
    .bind(region)
    .fetch_all(c)
    .await
}

pub async fn vswitches(c: &mut Conn, account: &str, region: &str) -> sqlx::Result<Vec<VSwitchRow>> {
    sqlx::query_as::<Db, VSwitchRow>(
        "SELECT * FROM vswitches WHERE account_id = $1 AND region_id = $2 ORDER BY vpc_id, zone_id, id",
    )
    .bind(account)
    .bind(region)
    .fetch_all(c)
    .await
}

pub async fn security_groups(
    c: &mut Conn,
    account: &str,
    region: &str,
) -> sqlx::Result<Vec<SecurityGroupRow>> {
    sqlx::query_as::<Db, SecurityGroupRow>(
        "SELECT * FROM security_groups WHERE account_id = $1 AND region_id = $2 ORDER BY created_at, id",
    )
    .bind(account)
    .bind(region)
    .fetch_all(c)
    .await
}

pub async fn load_balancers(
    c: &mut Conn,
    account: &str,
    region: &str,
) -> sqlx::Result<Vec<LoadBalancerRow>> {
    sqlx::query_as::<Db, LoadBalancerRow>(
        "SELECT * FROM load_balancers WHERE account_id = $1 AND region_id = $2 ORDER BY created_at, id",
    )
    .bind(account)
    .bind(region)
    .fetch_all(c)
    .await
}

/// Number of addresses already handed out from a vSwitch.
pub async fn allocated_count(c: &mut Conn, vswitch: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar::<Db, i64>("SELECT COUNT(*) FROM ip_allocations WHERE vswitch_id = $1")
        .bind(vswitch)
        .fetch_one(c)
        .await
}

/// Every address handed out from a vSwitch.
pub async fn allocated_ips(c: &mut Conn, vswitch: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar::<Db, String>("SELECT ip FROM ip_allocations WHERE vswitch_id = $1")
        .bind(vswitch)
        .fetch_all(c)
        .await
}

/// Records an allocation; fails with a unique violation if the address is taken.
pub async fn allocate_ip(
    c: &mut Conn,
    vswitch: &str,
    ip: &str,
    kind: &str,
    owner: &str,
) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "INSERT INTO ip_allocations (vswitch_id, ip, owner_kind, owner_id) VALUES ($1,$2,$3,$4)",
    )
    .bind(vswitch)
    .bind(ip)
    .bind(kind)
    .bind(owner)
    .execute(c)
    .await?;
    Ok(())
}

/// Releases every address held by `owner`.
pub async fn release_ips(c: &mut Conn, owner: &str) -> sqlx::Result<()> {
    sqlx::query::<Db>("DELETE FROM ip_allocations WHERE owner_id = $1")
        .bind(owner)
        .execute(c)
        .await?;
    Ok(())
}

/// Deletes one inventory row from `table` (one of the four inventory tables).
pub async fn delete(c: &mut Conn, table: &str, id: &str) -> sqlx::Result<u64> {
    debug_assert!(matches!(
        table,
        "vpcs" | "vswitches" | "security_groups" | "load_balancers"
    ));
    Ok(
        sqlx::query::<Db>(&format!("DELETE FROM {table} WHERE id = $1"))
            .bind(id)
            .execute(c)
            .await?
            .rows_affected(),
    )
}

/// Counts rows of `sql` (a `SELECT COUNT(*) … WHERE x = $1` statement) for dependency checks.
pub async fn count_where(c: &mut Conn, sql: &str, id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar::<Db, i64>(sql)
        .bind(id)
        .fetch_one(c)
        .await
}
