//! Tags on endpoints and endpoint services.

use super::Db;
use sqlx::SqliteConnection;

pub async fn of(c: &mut SqliteConnection, resource: &str) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as::<Db, (String, String)>(
        "SELECT tag_key, tag_value FROM tags WHERE resource_id = $1 ORDER BY tag_key",
    )
    .bind(resource)
    .fetch_all(c)
    .await
}

/// The tags of every resource in `ids`, in one query: (resource id, key, value) by id and key.
pub async fn of_many(
    c: &mut SqliteConnection,
    ids: &[&str],
) -> sqlx::Result<Vec<(String, String, String)>> {
    let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    sqlx::query_as::<Db, (String, String, String)>(
        "SELECT resource_id, tag_key, tag_value FROM tags
         WHERE resource_id IN (SELECT value FROM json_each($1)) ORDER BY resource_id, tag_key",
    )
    .bind(list)
    .fetch_all(c)
    .await
}

pub async fn set(
    c: &mut SqliteConnection,
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

pub async fn remove(
    c: &mut SqliteConnection,
    resource: &str,
    key: Option<&str>,
) -> sqlx::Result<u64> {
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
