//! Group commit on the one writer connection, for [`Ops::change`].
//!
//! Changes that arrive while another one runs join its transaction: they queue
//! for the one open batch, run their steps in it one after the other, and the committer task
//! commits the batch once no change is queued any more (or it holds [`MAX_BATCH`] changes). Every
//! caller is answered after the commit that holds its change, so an acknowledged change is durable
//! as before, and publishes its events only then. A refused check or a dry run wrote nothing, so
//! it leaves the batch untouched (debug builds assert that `check` wrote nothing); a write step
//! that fails, or a change whose caller goes away in the middle of its steps, fails the whole
//! batch: it rolls back and every change in it answers `InternalError`.
//!
//! The audit rows of the batch's changes are written by the committer, in one statement per
//! [`crate::store::audit::insert_many`] chunk just before the commit, in the order the changes
//! ran: each change holds the writer for its own statements only.
//!
//! On SQLite the committer also has the WAL copied back into the database file every
//! [`CHECKPOINT_EVERY`] commits, by a passive checkpoint on a reader connection: the writer
//! does not stall on the checkpoint's copying and fsync, as it did when SQLite ran one inside a
//! commit every 1 000 pages.

use super::Ops;
use super::change::Work;
use crate::domain::ApiError;
use crate::store::DbPool;
use crate::store::audit::{self as aq, AuditRow};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::{MutexGuard, Notify, watch};

/// Most changes one group commit holds.
pub const MAX_BATCH: usize = 64;

/// Commits between two checkpoints of the SQLite WAL (see the module documentation).
pub const CHECKPOINT_EVERY: u64 = 16;

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
    /// Set when the committer task starts: the pool the WAL checkpoints run on (`None` when the
    /// database keeps no WAL: PostgreSQL, an in-memory SQLite).
    committer: OnceLock<Option<DbPool>>,
    /// A checkpoint is running.
    checkpointing: Arc<AtomicBool>,
    /// Checkpoints that ran to their end.
    checkpoints: Arc<AtomicU64>,
    /// Batches committed, and changes they held (for `/metrics` and tests).
    commits: AtomicU64,
    committed_changes: AtomicU64,
}

/// One open write transaction and the changes that ran in it.
struct Batch {
    tx: Work,
    changes: usize,
    /// The audit rows of the changes that ran, written just before the commit.
    audit: Vec<AuditRow>,
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
            checkpointing: Arc::default(),
            checkpoints: Arc::default(),
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

    /// Waits for this change's turn on the writer and returns the open batch to run it in
    /// (opening one when none is open; a full batch first waits for its commit), with the
    /// change counted as queued until it finished its steps.
    pub(super) async fn join<'a>(
        self: &'a Arc<Self>,
        ops: &Ops,
    ) -> Result<(Queued<'a>, Running<'a>), ApiError> {
        self.start(ops);
        let queued = Queued::new(self);
        let mut slot = self.batch.lock().await;
        while let Some(b) = slot.as_ref().filter(|b| b.changes >= self.max_batch()) {
            let mut full = b.done.subscribe();
            drop(slot);
            self.ran.notify_one();
            let _ = full.wait_for(Option::is_some).await;
            slot = self.batch.lock().await;
        }
        if slot.is_none() {
            *slot = Some(Batch {
                tx: Work::new(ops.write_tx().await?),
                changes: 0,
                audit: Vec::new(),
                done: watch::Sender::new(None),
            });
        }
        Ok((queued, Running { slot, clean: false }))
    }

    /// Checkpoints of the WAL that ran to their end.
    pub fn checkpoints(&self) -> u64 {
        self.checkpoints.load(Ordering::Relaxed)
    }

    /// Starts the committer task the first time a change runs.
    fn start(self: &Arc<Self>, ops: &Ops) {
        self.committer.get_or_init(|| {
            tokio::spawn(commit_loop(self.clone()));
            crate::store::has_wal(&ops.pool).then(|| ops.pool.clone())
        });
    }

    /// Starts a checkpoint of the WAL in a task of its own, unless one is running.
    fn checkpoint(&self) {
        let Some(Some(pool)) = self.committer.get().cloned() else {
            return;
        };
        if self.checkpointing.swap(true, Ordering::SeqCst) {
            return;
        }
        let (running, done) = (self.checkpointing.clone(), self.checkpoints.clone());
        tokio::spawn(async move {
            let passive = async {
                let mut c = pool.acquire().await?;
                crate::store::checkpoint(&mut c, crate::store::Checkpoint::Passive).await
            };
            match passive.await {
                Ok(()) => {
                    done.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => tracing::warn!(
                    error = %e,
                    "checkpointing the WAL failed; SQLite's own checkpoint stays as a backstop"
                ),
            }
            running.store(false, Ordering::SeqCst);
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
        let Some(mut b) = slot.take() else { return };
        if b.changes == 0 {
            // Only refused or dry-run changes ran in it: nothing to commit, nobody waits.
            return;
        }
        let audited = aq::insert_many(&mut b.tx, &b.audit).await;
        let result = match audited {
            Ok(()) => b.tx.commit().await.map_err(ApiError::from),
            Err(e) => {
                tracing::error!(error = %e, "writing the audit rows of a batch failed; it rolls back");
                Err(ApiError::from(e))
            }
        };
        if result.is_ok() {
            if (self.commits.fetch_add(1, Ordering::Relaxed) + 1).is_multiple_of(CHECKPOINT_EVERY) {
                self.checkpoint();
            }
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
pub(super) struct Queued<'a>(&'a GroupCommit);

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
pub(super) struct Running<'a> {
    slot: MutexGuard<'a, Option<Batch>>,
    clean: bool,
}

impl Running<'_> {
    pub(super) fn tx(&mut self) -> &mut Work {
        &mut self.slot.as_mut().expect("an open batch").tx
    }

    /// Leaves the batch as it was (the change wrote nothing).
    pub(super) fn leave(mut self) {
        self.clean = true;
    }

    /// Counts the change, with its audit rows, in the batch and releases the writer; the batch's
    /// outcome follows.
    pub(super) fn finish(mut self, audit: Vec<AuditRow>) -> Outcome {
        self.clean = true;
        let b = self.slot.as_mut().expect("an open batch");
        b.changes += 1;
        b.audit.extend(audit);
        Outcome(b.done.subscribe())
    }
}

/// The outcome of the batch a change ran in.
pub(super) struct Outcome(watch::Receiver<Option<Result<(), ApiError>>>);

impl Outcome {
    /// Waits for the commit of the batch (an error when it failed or was abandoned).
    pub(super) async fn committed(mut self) -> Result<(), ApiError> {
        self.0
            .wait_for(Option::is_some)
            .await
            .map_err(|_| ApiError::internal())?
            .clone()
            .unwrap_or_else(|| Err(ApiError::internal()))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Ctx;
    use crate::ops::Source;
    use crate::ops::audit::Change;
    use crate::ops::change::Done;
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
        // The committer wrote one audit row per change, with the batch that held it.
        let audited = ops.recent_audit("1000000000000001", 100).await.unwrap();
        assert_eq!(audited.len(), n as usize);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_wal_is_copied_into_the_database_file_off_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let ops = file_ops(&dir).await;
        let file = dir.path().join("g.db");
        let before = std::fs::metadata(&file).unwrap().len();
        let ctx = Ctx::new("1000000000000001", Source::Api);
        // One change after the other: a commit each, far fewer pages than SQLite's own
        // checkpoint waits for.
        for i in 0..2 * CHECKPOINT_EVERY {
            let id = format!("epsrv-wal-{i}");
            ops.change(
                &ctx,
                async |_| Ok(()),
                async |tx, ()| {
                    tags::set(tx, "VpcEndpointService", &id, "k", &"v".repeat(2000)).await?;
                    Ok(Done::new(tag_change(&id)))
                },
            )
            .await
            .unwrap();
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        // The one at the 16th commit at least (the one at the 32nd is skipped while it runs).
        while ops.group.checkpoints() < 1 {
            assert!(std::time::Instant::now() < deadline, "no checkpoint ran");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let after = std::fs::metadata(&file).unwrap().len();
        assert!(
            after > before + 64 * 1024,
            "the database file did not take the WAL's pages ({before} -> {after} bytes)"
        );
        assert_eq!(tags_of(&ops, "epsrv-wal-0").await, 1);
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
