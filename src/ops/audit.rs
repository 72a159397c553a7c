//! Audit events: every change records actor, source, action, target, before/after and request id.

use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::event::{AuditView, LiveEvent};
use crate::domain::model::Lookup;
use crate::store::{Db, iso};
use sqlx::SqliteConnection;

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

/// What one change did, for the audit log and the live bus.
pub struct Change<'a> {
    pub topic: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub region_id: &'a str,
    pub summary: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// Accounts that may see this event (the caller is always added).
    pub audience: Vec<String>,
}

impl Ops {
    /// Writes the audit row inside the caller's transaction and returns the live event to publish
    /// once the transaction commits. The first row of a request that runs under a ClientToken
    /// also writes the token's row, so the token and the change commit together.
    pub async fn record(
        &self,
        c: &mut SqliteConnection,
        ctx: &Ctx,
        change: Change<'_>,
    ) -> Result<LiveEvent, ApiError> {
        let mut audience = change.audience;
        if ctx.account_id != super::SYSTEM
            && ctx.account_id != super::ANONYMOUS
            && !audience.contains(&ctx.account_id)
        {
            audience.push(ctx.account_id.clone());
        }
        sqlx::query::<Db>(
            "INSERT INTO audit_events (at, actor, source, action, target, region_id, summary, before_json, after_json,
                request_id, audience) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
        )
        .bind(self.clock.now())
        .bind(&ctx.account_id)
        .bind(ctx.source.as_str())
        .bind(change.action)
        .bind(change.target)
        .bind(change.region_id)
        .bind(&change.summary)
        .bind(change.before.map(|v| v.to_string()))
        .bind(change.after.map(|v| v.to_string()))
        .bind(&ctx.request_id)
        .bind(format!(",{},", audience.join(",")))
        .execute(&mut *c)
        .await?;
        self.write_claim(c, ctx).await?;
        Ok(LiveEvent {
            topic: change.topic.into(),
            action: change.action.into(),
            target: change.target.into(),
            audience,
        })
    }

    /// Records `change` in the caller's transaction, commits it and publishes the live event:
    /// how most operations end.
    pub async fn commit_change(
        &self,
        mut tx: sqlx::Transaction<'static, crate::store::Db>,
        ctx: &Ctx,
        change: Change<'_>,
    ) -> Result<(), ApiError> {
        let ev = self.record(&mut tx, ctx, change).await?;
        tx.commit().await?;
        self.publish([ev]);
        Ok(())
    }

    /// The newest audit events `account` may see, newest first.
    pub async fn recent_audit(
        &self,
        account: &str,
        limit: i64,
    ) -> Result<Vec<AuditView>, ApiError> {
        self.audit_log(
            account,
            &AuditFilter {
                limit,
                ..Default::default()
            },
        )
        .await
    }

    /// Turns a failed look-up of `target` into what a console page says: `not_found_code`
    /// becomes [`Lookup::Deleted`] when `account` saw a `delete_action` on it, else
    /// [`Lookup::NotFound`]; other errors pass through.
    pub async fn lookup<T>(
        &self,
        account: &str,
        found: Result<T, ApiError>,
        not_found_code: &str,
        delete_action: &str,
        target: &str,
    ) -> Result<Lookup<T>, ApiError> {
        match found {
            Ok(t) => Ok(Lookup::Found(t)),
            Err(e) if e.code == not_found_code => {
                let deletes = self
                    .audit_log(
                        account,
                        &AuditFilter {
                            action: Some(delete_action.to_string()),
                            target: Some(target.to_string()),
                            limit: 10,
                            ..Default::default()
                        },
                    )
                    .await?;
                Ok(match deletes.into_iter().find(|d| d.target == target) {
                    Some(d) => Lookup::Deleted { at: d.at },
                    None => Lookup::NotFound,
                })
            }
            Err(e) => Err(e),
        }
    }

    /// The audit events `account` may see that match `f`, newest first.
    pub async fn audit_log(
        &self,
        account: &str,
        f: &AuditFilter,
    ) -> Result<Vec<AuditView>, ApiError> {
        let opt = |s: &Option<String>| s.clone().filter(|v| !v.is_empty());
        let rows = sqlx::query_as::<Db, (i64, i64, String, String, String, String, String, String, String)>(
            "SELECT id, at, actor, source, action, target, region_id, summary, request_id FROM audit_events
             WHERE audience LIKE $1
               AND ($2 IS NULL OR actor = $2)
               AND ($3 IS NULL OR action = $3)
               AND ($4 IS NULL OR instr(target, $4) > 0)
               AND ($5 IS NULL OR at >= $5)
               AND ($6 IS NULL OR at < $6)
             ORDER BY id DESC LIMIT $7",
        )
        .bind(format!("%,{account},%"))
        .bind(opt(&f.actor))
        .bind(opt(&f.action))
        .bind(opt(&f.target))
        .bind(f.since_ms)
        .bind(f.until_ms)
        .bind(if f.limit > 0 { f.limit.min(10_000) } else { 200 })
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, at, actor, source, action, target, region_id, summary, request_id)| {
                    AuditView {
                        id,
                        at: iso(at),
                        actor,
                        source,
                        action,
                        target,
                        region_id,
                        summary,
                        request_id,
                    }
                },
            )
            .collect())
    }
}
