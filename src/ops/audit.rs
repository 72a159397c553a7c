//! Audit events: every change records actor, source, action, target, before/after and request id.

use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::activity::ActivityQuery;
use crate::domain::event::{AuditView, LiveEvent};
use crate::domain::model::Lookup;
use crate::store::audit::{self as aq, AuditRow};
use crate::store::{Conn, iso};

pub use crate::store::audit::AuditFilter;

/// What one change did, for the audit log and the live bus.
pub struct Change {
    /// The live topic ("service", "endpoint", "connection", …) the console refetches by.
    pub topic: &'static str,
    /// The API action name (also for console-only changes).
    pub action: &'static str,
    pub target: String,
    pub region_id: String,
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
        c: &mut Conn,
        ctx: &Ctx,
        change: Change,
    ) -> Result<LiveEvent, ApiError> {
        let (row, event) = self.audit_row(ctx, change);
        aq::insert(c, &row).await?;
        self.write_claim(c, ctx).await?;
        Ok(event)
    }

    /// The audit row of `change` made by `ctx`'s caller (who is always in its audience), and the
    /// live event to publish once it is committed.
    pub(super) fn audit_row(&self, ctx: &Ctx, change: Change) -> (AuditRow, LiveEvent) {
        let mut audience = change.audience;
        if ctx.account_id != super::SYSTEM
            && ctx.account_id != super::ANONYMOUS
            && !audience.contains(&ctx.account_id)
        {
            audience.push(ctx.account_id.clone());
        }
        let event = LiveEvent {
            topic: change.topic.into(),
            action: change.action.into(),
            target: change.target.clone(),
            audience: audience.clone(),
        };
        let row = AuditRow {
            id: 0,
            at: self.clock.now(),
            actor: ctx.account_id.clone(),
            source: ctx.source.as_str().into(),
            action: change.action.into(),
            target: change.target,
            region_id: change.region_id,
            summary: change.summary,
            before_json: change.before.map(|v| v.to_string()),
            after_json: change.after.map(|v| v.to_string()),
            request_id: ctx.request_id.clone(),
            audience,
        };
        (row, event)
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

    /// The audit events `account` may see that match the Activity page's filters (an empty one
    /// matches everything; a day that is no `YYYY-MM-DD` bounds nothing), newest first.
    pub async fn activity(
        &self,
        account: &str,
        q: &ActivityQuery,
        limit: i64,
    ) -> Result<Vec<AuditView>, ApiError> {
        let f = AuditFilter {
            actor: Some(q.actor.clone()),
            action: Some(q.action.clone()),
            target: Some(q.target.clone()),
            since_ms: day_ms(&q.from, 0),
            until_ms: day_ms(&q.to, 1),
            limit,
        };
        self.audit_log(account, &f).await
    }

    /// The audit events `account` may see that match `f`, newest first.
    pub async fn audit_log(
        &self,
        account: &str,
        f: &AuditFilter,
    ) -> Result<Vec<AuditView>, ApiError> {
        let rows = aq::list(&mut *self.pool.acquire().await?, account, f).await?;
        Ok(rows
            .into_iter()
            .map(|r| AuditView {
                id: r.id,
                at: iso(r.at),
                actor: r.actor,
                source: r.source,
                action: r.action,
                target: r.target,
                region_id: r.region_id,
                summary: r.summary,
                request_id: r.request_id,
            })
            .collect())
    }
}

/// A `YYYY-MM-DD` day as unix milliseconds at its start (`plus_days` later).
fn day_ms(day: &str, plus_days: i64) -> Option<i64> {
    let d = chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").ok()?;
    Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis() + plus_days * 86_400_000)
}

#[cfg(test)]
mod tests {
    use super::day_ms;

    #[test]
    fn a_day_starts_at_its_midnight_utc() {
        assert_eq!(day_ms("1970-01-02", 0), Some(86_400_000));
        assert_eq!(day_ms("1970-01-01", 1), Some(86_400_000));
        assert_eq!(day_ms("yesterday", 0), None);
        assert_eq!(day_ms("", 0), None);
    }
}
