//! The audit log: one row per change, with the accounts that may read it.

use super::Db;
use crate::store::Conn;

/// Filters of the activity log; empty fields match everything.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Account id that made the change (or `system`).
    pub actor: Option<String>,
    pub action: Option<String>,
    /// Part of the target id.
    pub target: Option<String>,
    /// Unix milliseconds, inclusive / exclusive.
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
    /// Most rows (default 200, at most 10 000).
    pub limit: i64,
}

/// A stored audit event.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub source: String,
    pub action: String,
    pub target: String,
    pub region_id: String,
    pub summary: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub request_id: String,
    /// The accounts that may read it.
    pub audience: Vec<String>,
}

/// Appends an event (its `id` is ignored).
pub async fn insert(c: &mut Conn, r: &AuditRow) -> sqlx::Result<()> {
    insert_many(c, std::slice::from_ref(r)).await
}

/// Rows one INSERT of [`insert_many`] holds (11 parameters each, well under both stores' limits).
const ROWS_PER_INSERT: usize = 64;

/// Appends events in order (their `id`s are ignored), [`ROWS_PER_INSERT`] to a statement.
pub async fn insert_many(c: &mut Conn, rows: &[AuditRow]) -> sqlx::Result<()> {
    const COLUMNS: usize = 11;
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut sql = String::from(
            "INSERT INTO audit_events (at, actor, source, action, target, region_id, summary, before_json, after_json,
            request_id, audience) VALUES ",
        );
        for i in 0..chunk.len() {
            let n = i * COLUMNS;
            let params: Vec<String> = (1..=COLUMNS).map(|k| format!("${}", n + k)).collect();
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            sql.push_str(&params.join(","));
            sql.push(')');
        }
        let mut q = sqlx::query::<Db>(&sql);
        for r in chunk {
            q = q
                .bind(r.at)
                .bind(&r.actor)
                .bind(&r.source)
                .bind(&r.action)
                .bind(&r.target)
                .bind(&r.region_id)
                .bind(&r.summary)
                .bind(&r.before_json)
                .bind(&r.after_json)
                .bind(&r.request_id)
                .bind(format!(",{},", r.audience.join(",")));
        }
        q.execute(&mut *c).await?;
    }
    Ok(())
}

/// The events `account` may read that match `f`, newest first (without before/after and
/// audience, which the log does not show).
pub async fn list(c: &mut Conn, account: &str, f: &AuditFilter) -> sqlx::Result<Vec<AuditRow>> {
    let opt = |s: &Option<String>| s.clone().filter(|v| !v.is_empty());
    let sql = format!(
        "SELECT id, at, actor, source, action, target, region_id, summary, request_id FROM audit_events
         WHERE audience LIKE $1
           AND ($2 IS NULL OR actor = $2)
           AND ($3 IS NULL OR action = $3)
           AND ($4 IS NULL OR {contains})
           AND ($5 IS NULL OR at >= $5)
           AND ($6 IS NULL OR at < $6)
         ORDER BY id DESC LIMIT $7",
        contains = super::Backend::of(c).contains("target", "$4")
    );
    let rows = sqlx::query_as::<
        Db,
        (
            i64,
            i64,
            String,
            String,
            String,
            String,
            String,
            String,
            String,
        ),
    >(&sql)
    .bind(format!("%,{account},%"))
    .bind(opt(&f.actor))
    .bind(opt(&f.action))
    .bind(opt(&f.target))
    .bind(f.since_ms)
    .bind(f.until_ms)
    .bind(if f.limit > 0 {
        f.limit.min(10_000)
    } else {
        200
    })
    .fetch_all(c)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, at, actor, source, action, target, region_id, summary, request_id)| AuditRow {
                id,
                at,
                actor,
                source,
                action,
                target,
                region_id,
                summary,
                before_json: None,
                after_json: None,
                request_id,
                audience: Vec::new(),
            },
        )
        .collect())
}

/// The target of the first event `request_id` recorded for `action` (what a create made).
pub async fn first_target(
    c: &mut Conn,
    request_id: &str,
    action: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar::<Db, String>(
        "SELECT target FROM audit_events WHERE request_id = $1 AND action = $2 ORDER BY id LIMIT 1",
    )
    .bind(request_id)
    .bind(action)
    .fetch_optional(c)
    .await
}
