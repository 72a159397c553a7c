//! Tags on endpoints and endpoint services.

use super::Db;
use crate::store::{Backend, Conn};

pub async fn of(c: &mut Conn, resource: &str) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as::<Db, (String, String)>(
        "SELECT tag_key, tag_value FROM tags WHERE resource_id = $1 ORDER BY tag_key",
    )
    .bind(resource)
    .fetch_all(c)
    .await
}

/// The tags of every resource in `ids`, in one query: (resource id, key, value) by id and key.
pub async fn of_many(c: &mut Conn, ids: &[&str]) -> sqlx::Result<Vec<(String, String, String)>> {
    let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    let sql = format!(
        "SELECT resource_id, tag_key, tag_value FROM tags
         WHERE resource_id IN ({}) ORDER BY resource_id, tag_key",
        Backend::of(c).json_values(1)
    );
    sqlx::query_as::<Db, (String, String, String)>(&sql)
        .bind(list)
        .fetch_all(c)
        .await
}

pub async fn set(
    c: &mut Conn,
    kind: &str,
    resource: &str,
    key: &str,
    value: &str,
) -> sqlx::Result<()> {
    sqlx::query::<Db>(
        "INSERT INTO tags (resource_type, resource_id, tag_key, tag_value) VALUES ($1,$2,$3,$4)
         ON CONFLICT (resource_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value",
    )
    .bind(kind)
    .bind(resource)
    .bind(key)
    .bind(value)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn remove(c: &mut Conn, resource: &str, key: Option<&str>) -> sqlx::Result<u64> {
    let r = match key {
        Some(k) => {
            sqlx::query::<Db>("DELETE FROM tags WHERE resource_id = $1 AND tag_key = $2")
                .bind(resource)
                .bind(k)
                .execute(c)
                .await?
        }
        None => {
            sqlx::query::<Db>("DELETE FROM tags WHERE resource_id = $1")
                .bind(resource)
                .execute(c)
                .await?
        }
    };
    Ok(r.rows_affected())
}

/// The kinds of resource that carry tags and a resource group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tagged {
    Endpoint,
    Service,
}

impl Tagged {
    fn table(self) -> &'static str {
        match self {
            Tagged::Endpoint => "endpoints",
            Tagged::Service => "endpoint_services",
        }
    }
}

/// Where a page of tags starts: after this (resource, key).
#[derive(Debug, Clone, Default)]
pub struct TagCursor {
    pub resource_id: String,
    pub key: String,
}

/// The tags of `kind` resources that `account` owns (in `region`, if given; among `ids`, if not
/// empty), after `cursor`, ordered by resource and key: (resource, key, value).
pub async fn of_owner(
    c: &mut Conn,
    kind: Tagged,
    account: &str,
    region: Option<&str>,
    ids: &[&str],
    cursor: &TagCursor,
) -> sqlx::Result<Vec<(String, String, String)>> {
    let sql = format!(
        "SELECT t.resource_id, t.tag_key, t.tag_value FROM tags t JOIN {table} r ON r.id = t.resource_id
         WHERE r.account_id = $1 AND ($2 IS NULL OR r.region_id = $2)
           AND ($3 = '[]' OR t.resource_id IN ({values}))
           AND (t.resource_id, t.tag_key) > ($4, $5)
         ORDER BY t.resource_id, t.tag_key",
        table = kind.table(),
        values = Backend::of(c).json_values(3)
    );
    sqlx::query_as::<Db, (String, String, String)>(&sql)
        .bind(account)
        .bind(region)
        .bind(serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()))
        .bind(&cursor.resource_id)
        .bind(&cursor.key)
        .fetch_all(c)
        .await
}

/// The resource group of one resource.
pub async fn resource_group(c: &mut Conn, kind: Tagged, id: &str) -> sqlx::Result<String> {
    sqlx::query_scalar::<Db, String>(&format!(
        "SELECT resource_group_id FROM {} WHERE id = $1",
        kind.table()
    ))
    .bind(id)
    .fetch_one(c)
    .await
}

/// Moves one resource to another resource group.
pub async fn set_resource_group(
    c: &mut Conn,
    kind: Tagged,
    id: &str,
    group: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query::<Db>(&format!(
        "UPDATE {} SET resource_group_id = $2, updated_at = $3 WHERE id = $1",
        kind.table()
    ))
    .bind(id)
    .bind(group)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}
