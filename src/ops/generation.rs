//! The write generation: a counter that moves on after every write transaction of this process
//! ends, so a cached read can tell whether anything was written since it was read (see
//! [`super::read_cache`]).
//!
//! A reader takes the generation *before* it queries and files its answer under it; a writer
//! moves it on *after* its commit and before its caller is answered. So an answer filed under the
//! current generation was read after every acknowledged write, and the next read after a write
//! never finds an older answer.

use crate::store::{Conn, Tx};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// The process's write generation (cheap to clone: shared counters).
#[derive(Clone, Default, Debug)]
pub struct Generation(Arc<Counters>);

#[derive(Default, Debug)]
struct Counters {
    generation: AtomicU64,
    /// Writes between their start and their bump.
    open: AtomicUsize,
}

impl Generation {
    /// The generation now.
    pub fn current(&self) -> u64 {
        self.0.generation.load(Ordering::SeqCst)
    }

    /// Whether no write is open: none can become visible before the generation moves on.
    pub fn quiet(&self) -> bool {
        self.0.open.load(Ordering::SeqCst) == 0
    }

    /// Moves the generation on: every answer cached so far is stale.
    pub fn bump(&self) {
        self.0.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// A guard for a write: it counts as open until dropped, then moves the generation on. Held
    /// across a write, it bumps after the commit (or the rollback, which costs only a cache miss)
    /// on every path out.
    pub fn bump_on_drop(&self) -> BumpOnDrop {
        self.0.open.fetch_add(1, Ordering::SeqCst);
        BumpOnDrop(self.clone())
    }
}

/// See [`Generation::bump_on_drop`].
#[must_use = "the generation moves on when this guard is dropped"]
pub struct BumpOnDrop(Generation);

impl Drop for BumpOnDrop {
    fn drop(&mut self) {
        self.0.bump();
        self.0.0.open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A write transaction of [`super::Ops::write_tx`]: it derefs to the connection the store's
/// functions take, and moves the generation on when it ends (committed or rolled back).
pub struct WriteTx {
    tx: Tx,
    _bump: BumpOnDrop,
}

impl WriteTx {
    pub(super) fn new(tx: Tx, generation: &Generation) -> Self {
        Self {
            tx,
            _bump: generation.bump_on_drop(),
        }
    }

    /// Commits the transaction; the generation moves on once the commit returned.
    pub async fn commit(self) -> Result<(), crate::store::Error> {
        let Self { tx, _bump } = self;
        tx.commit().await
    }
}

impl Deref for WriteTx {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.tx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guard_bumps_once_when_dropped() {
        let g = Generation::default();
        let before = g.current();
        let guard = g.bump_on_drop();
        assert_eq!(g.current(), before);
        assert!(!g.quiet());
        drop(guard);
        assert_eq!(g.current(), before + 1);
        assert!(g.quiet());
    }
}
