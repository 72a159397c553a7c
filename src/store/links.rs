//! Two-column link tables (a gateway endpoint's route tables, VPC DNS links): is a pair linked,
//! link it, unlink it.

use super::Db;
use crate::store::Conn;

/// One pair of a link table: `table(left.0 = left.1, right.0 = right.1)`.
#[derive(Debug, Clone, Copy)]
pub struct Link<'a> {
    pub table: &'static str,
    pub left: (&'static str, &'a str),
    pub right: (&'static str, &'a str),
}

/// True when the pair is in the table.
pub async fn exists(c: &mut Conn, l: &Link<'_>) -> sqlx::Result<bool> {
    let sql = format!(
        "SELECT COUNT(*) FROM {} WHERE {} = $1 AND {} = $2",
        l.table, l.left.0, l.right.0
    );
    Ok(sqlx::query_scalar::<Db, i64>(&sql)
        .bind(l.left.1)
        .bind(l.right.1)
        .fetch_one(c)
        .await?
        > 0)
}

/// Adds the pair (`linked = true`, a no-op when present) or removes it.
pub async fn set(c: &mut Conn, l: &Link<'_>, linked: bool) -> sqlx::Result<()> {
    let sql = if linked {
        format!(
            "INSERT INTO {} ({}, {}) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            l.table, l.left.0, l.right.0
        )
    } else {
        format!(
            "DELETE FROM {} WHERE {} = $1 AND {} = $2",
            l.table, l.left.0, l.right.0
        )
    };
    sqlx::query::<Db>(&sql)
        .bind(l.left.1)
        .bind(l.right.1)
        .execute(c)
        .await?;
    Ok(())
}

/// The VPC-to-VPC DNS link: `vpc` resolves the custom service domains of endpoints in `target`.
pub fn dns_link<'a>(vpc: &'a str, target: &'a str) -> Link<'a> {
    Link {
        table: "vpc_dns_links",
        left: ("vpc_id", vpc),
        right: ("target_vpc_id", target),
    }
}

/// The VPCs linked to `target` (a VPC `account` owns), as (vpc, target) pairs sorted by VPC.
pub async fn dns_links_to(
    c: &mut Conn,
    target: &str,
    account: &str,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as::<Db, (String, String)>(
        "SELECT l.vpc_id, l.target_vpc_id FROM vpc_dns_links l JOIN vpcs v ON v.id = l.target_vpc_id
         WHERE l.target_vpc_id = $1 AND v.account_id = $2 ORDER BY l.vpc_id",
    )
    .bind(target)
    .bind(account)
    .fetch_all(c)
    .await
}
