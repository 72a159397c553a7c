//! The change combinator: the one sequence every state-changing operation runs.
//!
//! An operation supplies two steps of its own, and [`Ops::change`] runs the fixed order around them:
//!
//! 1. open the write transaction (`BEGIN IMMEDIATE` on the single writer);
//! 2. `check`: authorize and validate — read what the change depends on and refuse with the
//!    error the caller gets; it returns the plan of the change and writes nothing;
//! 3. the dry-run gate: a `DryRun=true` request stops here with `DryRunOperation`;
//! 4. `write`: apply the plan and describe what changed ([`Done`]);
//! 5. audit (one row per [`Change`], with the request's ClientToken row), commit, publish the
//!    live events, and wake the reconciler when the change scheduled a transition.
//!
//! Because checks and writes are separate steps, a refused or dry-run request has changed nothing
//! by construction, and no operation can forget the gate, the audit row or the publish.
//!
//! **Group commit.** Changes that arrive while another one runs join its transaction: they queue
//! for the one open batch, run their steps in it one after the other, and the committer task
//! commits the batch once no change is queued any more (or it holds [`MAX_BATCH`] changes). Every
//! caller is answered after the commit that holds its change, so an acknowledged change is durable
//! as before, and publishes its events only then. A refused check or a dry run wrote nothing, so
//! it leaves the batch untouched (debug builds assert that `check` wrote nothing); a write step
//! that fails, or a change whose caller goes away in the middle of its steps, fails the whole
//! batch: it rolls back and every change in it answers `InternalError`.

use super::audit::Change;
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::event::LiveEvent;
use crate::store::{Conn, Tx};
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::{MutexGuard, Notify, watch};

/// Most changes one group commit holds.
pub const MAX_BATCH: usize = 64;

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
pub struct Work(Tx);

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

/// The single writer's group commit: the open batch, the changes queued for it and the task
/// that commits it (see the module documentation).
pub struct GroupCommit {
    /// Most changes one transaction holds ([`MAX_BATCH`]; 1 turns group commit off, as the
    /// benchmark does for comparison).
    pub max_batch: AtomicUsize,
    batch: tokio::sync::Mutex<Option<Batch>>,
    /// Changes that entered [`Ops::change`] and have not finished their steps.
    queued: AtomicUsize,
    /// Tells the committer that a change finished its steps (or gave up).
    ran: Notify,
    committer: OnceLock<()>,
    /// Batches committed, and changes they held (for `/metrics` and tests).
    commits: AtomicU64,
    committed_changes: AtomicU64,
}

/// One open write transaction and the changes that ran in it.
struct Batch {
    tx: Work,
    changes: usize,
    /// The batch's outcome, sent once: `Some(Ok)` after its commit.
    done: watch::Sender<Option<Result<(), ApiError>>>,
}

impl Batch {
    /// Fails the batch: its transaction rolls back (when dropped) and every change in it answers
    /// `InternalError`.
    fn fail(self) {
        self.done.send_replace(Some(Err(ApiError::internal())));
    }
}

impl Default for GroupCommit {
    fn default() -> Self {
        Self {
            max_batch: AtomicUsize::new(MAX_BATCH),
            batch: Default::default(),
            queued: AtomicUsize::new(0),
            ran: Notify::new(),
            committer: OnceLock::new(),
            commits: AtomicU64::new(0),
            committed_changes: AtomicU64::new(0),
        }
    }
}

impl GroupCommit {
    fn max_batch(&self) -> usize {
        self.max_batch.load(Ordering::Relaxed).max(1)
    }

    /// Batches committed so far and the changes they held.
    pub fn stats(&self) -> (u64, u64) {
        (
            self.commits.load(Ordering::Relaxed),
            self.committed_changes.load(Ordering::Relaxed),
        )
    }

    /// Starts the committer task the first time a change runs.
    fn start(self: &Arc<Self>) {
        self.committer.get_or_init(|| {
            tokio::spawn(commit_loop(self.clone()));
        });
    }

    /// Commits the open batch when no change is queued for it any more, or when it is full.
    async fn commit_if_idle(&self) {
        let mut slot = self.batch.lock().await;
        let ready = slot.as_ref().is_some_and(|b| {
            self.queued.load(Ordering::SeqCst) == 0 || b.changes >= self.max_batch()
        });
        if !ready {
            return;
        }
        let Some(b) = slot.take() else { return };
        let result = b.tx.0.commit().await.map_err(ApiError::from);
        if result.is_ok() {
            self.commits.fetch_add(1, Ordering::Relaxed);
            self.committed_changes
                .fetch_add(b.changes as u64, Ordering::Relaxed);
            metrics::counter!("linkyard_write_commits_total").increment(1);
            metrics::counter!("linkyard_write_committed_changes_total").increment(b.changes as u64);
        }
        b.done.send_replace(Some(result));
    }
}

/// The committer: after every finished change, commits the batch if nothing else is queued for
/// it. It runs in a task of its own, so a commit is never cut short by a caller going away.
async fn commit_loop(group: Arc<GroupCommit>) {
    loop {
        group.ran.notified().await;
        group.commit_if_idle().await;
    }
}

/// Counts a change as queued until it finished its steps or went away, then tells the committer.
struct Queued<'a>(&'a GroupCommit);

impl<'a> Queued<'a> {
    fn new(g: &'a GroupCommit) -> Self {
        g.queued.fetch_add(1, Ordering::SeqCst);
        Queued(g)
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.queued.fetch_sub(1, Ordering::SeqCst);
        self.0.ran.notify_one();
    }
}

/// The batch while one change runs its steps in it. Dropped before [`Running::finish`] (an error
/// in the write step, or the caller went away mid-change), it fails the batch, so no half-done
/// change can be committed with the others.
struct Running<'a> {
    slot: MutexGuard<'a, Option<Batch>>,
    clean: bool,
}

impl Running<'_> {
    fn tx(&mut self) -> &mut Work {
        &mut self.slot.as_mut().expect("an open batch").tx
    }

    /// Leaves the batch as it was (the change wrote nothing).
    fn leave(mut self) {
        self.clean = true;
    }

    /// Counts the change in the batch and returns the receiver of the batch's outcome.
    fn finish(mut self) -> watch::Receiver<Option<Result<(), ApiError>>> {
        self.clean = true;
        let b = self.slot.as_mut().expect("an open batch");
        b.changes += 1;
        b.done.subscribe()
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        if !self.clean
            && let Some(b) = self.slot.take()
        {
            b.fail();
        }
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
        self.group.start();
        let queued = Queued::new(&self.group);
        let mut slot = self.group.batch.lock().await;
        // A full batch waits for its commit; this change starts the next one.
        while let Some(b) = slot
            .as_ref()
            .filter(|b| b.changes >= self.group.max_batch())
        {
            let mut full = b.done.subscribe();
            drop(slot);
            self.group.ran.notify_one();
            let _ = full.wait_for(Option::is_some).await;
            slot = self.group.batch.lock().await;
        }
        if slot.is_none() {
            *slot = Some(Batch {
                tx: Work(self.write_tx().await?),
                changes: 0,
                done: watch::Sender::new(None),
            });
        }
        let mut run = Running { slot, clean: false };
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
        for change in done.changes {
            events.push(self.record(run.tx(), ctx, change).await?);
        }
        let mut outcome = run.finish();
        drop(queued);
        let committed = outcome
            .wait_for(Option::is_some)
            .await
            .map_err(|_| ApiError::internal())?
            .clone()
            .unwrap_or_else(|| Err(ApiError::internal()));
        committed?;
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

#[cfg(test)]
mod group_tests {
    use super::*;
    use crate::ops::Source;
    use crate::store::tags;

    async fn file_ops(dir: &tempfile::TempDir) -> Ops {
        let url = format!("sqlite://{}", dir.path().join("g.db").display());
        let pool = crate::store::connect(&url).await.unwrap();
        crate::store::migrate(&pool).await.unwrap();
        Ops::new(pool, crate::events::Bus::new(), 0)
    }

    fn tag_change(id: &str) -> Change {
        Change {
            topic: "service",
            action: "TagResources",
            target: id.into(),
            region_id: "cn-hangzhou".into(),
            summary: "tagged".into(),
            before: None,
            after: None,
            audience: vec![],
        }
    }

    async fn tags_of(ops: &Ops, id: &str) -> usize {
        tags::of(&mut ops.pool.acquire().await.unwrap(), id)
            .await
            .unwrap()
            .len()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_changes_share_commits_and_each_answers_after_its_commit() {
        let dir = tempfile::tempdir().unwrap();
        let ops = file_ops(&dir).await;
        let mut events = ops.bus.subscribe();
        let n = 48;
        let mut tasks = Vec::new();
        for i in 0..n {
            let ops = ops.clone();
            tasks.push(tokio::spawn(async move {
                let ctx = Ctx::new("1000000000000001", Source::Api);
                let id = format!("epsrv-{i}");
                ops.change(
                    &ctx,
                    async |_| Ok(()),
                    async |tx, ()| {
                        tags::set(tx, "VpcEndpointService", &id, "k", "v").await?;
                        Ok(Done::with(i, tag_change(&id)))
                    },
                )
                .await
                .map(|answer| (answer, id))
            }));
        }
        for t in tasks {
            let (answer, id) = t.await.unwrap().unwrap();
            // Answered: the change is committed, so another connection reads it at once.
            assert_eq!(tags_of(&ops, &id).await, 1, "change {answer} not committed");
        }
        let (commits, changes) = ops.group.stats();
        assert_eq!(changes, n as u64);
        assert!(
            commits < n as u64,
            "no batching: {commits} commits for {n} changes"
        );
        let mut published = 0;
        while events.try_recv().is_ok() {
            published += 1;
        }
        assert_eq!(published, n);
    }

    #[tokio::test]
    async fn a_change_cut_off_in_the_middle_of_its_writes_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let ops = file_ops(&dir).await;
        let ctx = Ctx::new("1000000000000001", Source::Api);
        let (wrote, wrote_rx) = tokio::sync::oneshot::channel::<()>();
        let stuck = {
            let ops = ops.clone();
            let ctx = ctx.clone();
            tokio::spawn(async move {
                ops.change(
                    &ctx,
                    async |_| Ok(()),
                    async |tx, ()| {
                        tags::set(tx, "VpcEndpointService", "epsrv-cut", "k", "v").await?;
                        let _ = wrote.send(());
                        std::future::pending::<()>().await;
                        Ok(Done::new(tag_change("epsrv-cut")))
                    },
                )
                .await
            })
        };
        wrote_rx.await.unwrap();
        stuck.abort();
        let _ = stuck.await;
        // The next change opens a fresh batch; the cut one's write was rolled back.
        ops.change(
            &ctx,
            async |_| Ok(()),
            async |tx, ()| {
                tags::set(tx, "VpcEndpointService", "epsrv-next", "k", "v").await?;
                Ok(Done::new(tag_change("epsrv-next")))
            },
        )
        .await
        .unwrap();
        assert_eq!(tags_of(&ops, "epsrv-cut").await, 0);
        assert_eq!(tags_of(&ops, "epsrv-next").await, 1);
    }

    #[tokio::test]
    #[should_panic(expected = "the check step of a change wrote")]
    async fn a_check_step_that_writes_is_caught_in_debug_builds() {
        let dir = tempfile::tempdir().unwrap();
        let ops = file_ops(&dir).await;
        let ctx = Ctx::new("1000000000000001", Source::Api);
        let _ = ops
            .change(
                &ctx,
                async |tx| {
                    tags::set(tx, "VpcEndpointService", "epsrv-x", "k", "v").await?;
                    Ok(())
                },
                async |_, ()| Ok(Done::many((), vec![])),
            )
            .await;
    }
}
