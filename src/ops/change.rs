//! The change combinator: the one sequence every state-changing operation runs.
//!
//! An operation supplies two steps of its own, and [`Ops::change`] runs the fixed order around them:
//!
//! 1. open the write transaction (`BEGIN IMMEDIATE` on the single writer);
//! 2. `check`: authorize and validate — read what the change depends on and refuse with the
//!    error the caller gets; it returns the plan of the change and writes nothing;
//! 3. the dry-run gate: a `DryRun=true` request stops here with `DryRunOperation`;
//! 4. `write`: apply the plan and describe what changed ([`Done`]);
//! 5. audit (one row per [`Change`], written with the batch's commit, and the request's ClientToken
//!    row), commit, publish the live events, and wake the reconciler when the change scheduled a
//!    transition.
//!
//! Because checks and writes are separate steps, a refused or dry-run request has changed nothing
//! by construction, and no operation can forget the gate, the audit row or the publish.
//!
//! Changes run by group commit on the one writer (see [`super::group_commit`]).

use super::audit::Change;
use super::generation::WriteTx;
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::event::LiveEvent;
use crate::store::Conn;
use std::ops::{Deref, DerefMut};

/// What an operation's writes leave for the combinator to finish: the value to answer, the audit
/// records of the change and whether a transition was scheduled.
#[must_use]
pub struct Done<T> {
    value: T,
    changes: Vec<Change>,
    wake: bool,
}

impl Done<()> {
    /// A change that answers nothing but its success.
    pub fn new(change: Change) -> Self {
        Done::with((), change)
    }
}

impl<T> Done<T> {
    /// A change that answers `value`.
    pub fn with(value: T, change: Change) -> Self {
        Done {
            value,
            changes: vec![change],
            wake: false,
        }
    }

    /// Answers `value` with one audit record per entry of `changes` (possibly none).
    pub fn many(value: T, changes: Vec<Change>) -> Self {
        Done {
            value,
            changes,
            wake: false,
        }
    }

    /// The change scheduled a transition: wake the reconciler after the commit.
    pub fn wake(mut self) -> Self {
        self.wake = true;
        self
    }
}

/// The write transaction a change's steps run in; it derefs to the connection the store's
/// functions take. It is a type of its own without lifetime parameters because the compiler
/// cannot yet prove that async closures over `&mut sqlx::Transaction<'static, _>` are `Send` for
/// every borrow (rust-lang/rust#110338); for the same reason the plan `check` hands to `write`
/// owns its data (no type with a lifetime parameter in it).
pub struct Work(WriteTx);

impl Work {
    pub(super) fn new(tx: WriteTx) -> Self {
        Work(tx)
    }

    /// Commits the transaction.
    pub(super) async fn commit(self) -> Result<(), crate::store::Error> {
        self.0.commit().await
    }
}

impl Deref for Work {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.0
    }
}

impl DerefMut for Work {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.0
    }
}

impl Ops {
    /// Runs one change: transaction, `check`, dry-run gate, `write`, audit, commit, publish, wake
    /// (see the module documentation). `check` must not write; everything it refuses reaches the
    /// caller unchanged.
    pub async fn change<P, T>(
        &self,
        ctx: &Ctx,
        check: impl AsyncFnOnce(&mut Work) -> Result<P, ApiError>,
        write: impl AsyncFnOnce(&mut Work, P) -> Result<Done<T>, ApiError>,
    ) -> Result<T, ApiError> {
        let (queued, mut run) = self.group.join(self).await?;
        #[cfg(debug_assertions)]
        let before = crate::store::total_changes(run.tx()).await?;
        let checked = check(run.tx()).await;
        #[cfg(debug_assertions)]
        assert_eq!(
            crate::store::total_changes(run.tx()).await?,
            before,
            "the check step of a change wrote to the database"
        );
        let plan = match checked {
            Ok(plan) if !ctx.dry_run => plan,
            Ok(_) => {
                run.leave();
                return Err(ApiError::dry_run());
            }
            Err(e) => {
                run.leave();
                return Err(e);
            }
        };
        let done = write(run.tx(), plan).await?;
        let mut events: Vec<LiveEvent> = Vec::with_capacity(done.changes.len());
        let mut audit = Vec::with_capacity(done.changes.len());
        for change in done.changes {
            let (row, event) = self.audit_row(ctx, change);
            audit.push(row);
            events.push(event);
        }
        if !audit.is_empty() {
            self.write_claim(run.tx(), ctx).await?;
        }
        let outcome = run.finish(audit);
        drop(queued);
        outcome.committed().await?;
        self.publish(events);
        if done.wake {
            self.wake();
        }
        Ok(done.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Source;
    use crate::store::tags;

    async fn ops() -> Ops {
        Ops::new(crate::store::memory().await, crate::events::Bus::new(), 0)
    }

    fn change(target: &str) -> Change {
        Change {
            topic: "service",
            action: "TagResources",
            target: target.into(),
            region_id: "cn-hangzhou".into(),
            summary: "test change".into(),
            before: None,
            after: None,
            audience: vec![],
        }
    }

    async fn tag_of(ops: &Ops, id: &str) -> Vec<(String, String)> {
        tags::of(&mut ops.pool.acquire().await.unwrap(), id)
            .await
            .unwrap()
    }

    async fn audited(ops: &Ops, account: &str) -> usize {
        ops.recent_audit(account, 100).await.unwrap().len()
    }

    /// Writes a tag on `id` and answers 7 with one audit record.
    async fn tag_write(tx: &mut Work, id: &str) -> Result<Done<i32>, ApiError> {
        tags::set(tx, "VpcEndpointService", id, "k", "v").await?;
        Ok(Done::with(7, change(id)).wake())
    }

    #[tokio::test]
    async fn a_change_commits_audits_publishes_and_wakes() {
        let ops = ops().await;
        let mut events = ops.bus.subscribe();
        let ctx = Ctx::new("1000000000000001", Source::Api);
        let answer = ops
            .change(
                &ctx,
                async |_| Ok("epsrv-1"),
                async |tx, id| tag_write(tx, id).await,
            )
            .await
            .unwrap();
        assert_eq!(answer, 7);
        assert_eq!(tag_of(&ops, "epsrv-1").await.len(), 1);
        assert_eq!(audited(&ops, &ctx.account_id).await, 1);
        let ev = events.try_recv().unwrap();
        assert_eq!(
            (ev.target.as_str(), ev.audience),
            ("epsrv-1", vec![ctx.account_id.clone()])
        );
        // The reconciler was woken: the permit is stored for its next wait.
        tokio::time::timeout(std::time::Duration::from_millis(100), ops.waker.notified())
            .await
            .expect("woken");
    }

    #[tokio::test]
    async fn a_refused_check_or_a_dry_run_never_reaches_the_write_step() {
        let ops = ops().await;
        let mut events = ops.bus.subscribe();
        let mut ctx = Ctx::new("1000000000000001", Source::Api);
        let refused = ops
            .change(
                &ctx,
                async |_| Err::<&str, _>(ApiError::service_not_found()),
                async |tx, id| tag_write(tx, id).await,
            )
            .await;
        assert_eq!(refused.unwrap_err(), ApiError::service_not_found());
        ctx.dry_run = true;
        let dry = ops
            .change(
                &ctx,
                async |_| Ok("epsrv-1"),
                async |tx, id| tag_write(tx, id).await,
            )
            .await;
        assert_eq!(dry.unwrap_err(), ApiError::dry_run());
        assert!(tag_of(&ops, "epsrv-1").await.is_empty());
        assert_eq!(audited(&ops, &ctx.account_id).await, 0);
        assert!(events.try_recv().is_err());
    }

    #[tokio::test]
    async fn a_failing_write_rolls_back_everything_it_wrote() {
        let ops = ops().await;
        let mut events = ops.bus.subscribe();
        let ctx = Ctx::new("1000000000000001", Source::Api);
        let failed = ops
            .change(
                &ctx,
                async |_| Ok("epsrv-1"),
                async |tx, id| {
                    let _written = tag_write(tx, id).await?;
                    Err::<Done<i32>, _>(ApiError::internal())
                },
            )
            .await;
        assert_eq!(failed.unwrap_err(), ApiError::internal());
        assert!(tag_of(&ops, "epsrv-1").await.is_empty());
        assert_eq!(audited(&ops, &ctx.account_id).await, 0);
        assert!(events.try_recv().is_err());
    }
}
