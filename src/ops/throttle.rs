//! Failure throttling with exponential back-off, for console sign-in.
//!
//! Each key (an account id, a client address) gets a number of free failures; every failure after
//! that locks the key for a doubling time (`base`, `2·base`, `4·base` … up to `max`). A key with no
//! failure for `forget` after its lock ended starts over. The table holds at most `cap` keys: when
//! it is full, stale keys go first, then the least recently failed one.

use std::collections::HashMap;
use std::sync::Mutex;

/// How many failures are free and how the lock grows.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failures allowed before the first lock.
    pub free: u32,
    /// The first lock, in milliseconds.
    pub base_ms: i64,
    /// The longest lock, in milliseconds.
    pub max_ms: i64,
    /// A key whose lock ended this long ago (and that failed no more) is forgotten.
    pub forget_ms: i64,
}

/// One key's failure count: what the table keeps per key, in memory or, with replicas, in the
/// database (`store::signin_failures`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub failures: u32,
    /// Unix ms until which the key is locked (0: not locked).
    pub locked_until: i64,
    pub last_failure: i64,
}

impl Entry {
    fn stale(&self, policy: &Policy, now: i64) -> bool {
        now >= self.locked_until.max(self.last_failure) + policy.forget_ms
    }
}

impl Policy {
    /// `e` after one more failure at `now`, and how long the key is locked now (0 while
    /// failures are free).
    pub fn fail(&self, e: Option<Entry>, now: i64) -> (Entry, i64) {
        let mut e = match e {
            Some(e) if !e.stale(self, now) => e,
            _ => Entry {
                failures: 0,
                locked_until: 0,
                last_failure: now,
            },
        };
        e.failures = e.failures.saturating_add(1);
        e.last_failure = now;
        if e.failures < self.free {
            return (e, 0);
        }
        let doublings = (e.failures - self.free).min(40);
        let lock = self
            .base_ms
            .saturating_mul(1i64 << doublings)
            .min(self.max_ms);
        e.locked_until = now + lock;
        (e, lock)
    }

    /// An attempt at `now`: refused with the milliseconds left while `e` is locked, otherwise
    /// counted as a failure (until forgiven): the entry after it.
    pub fn attempt(&self, e: Option<Entry>, now: i64) -> Result<Entry, i64> {
        match e {
            Some(e) if e.locked_until > now => Err(e.locked_until - now),
            e => Ok(self.fail(e, now).0),
        }
    }

    /// `e` with one counted failure taken back, unlocked when the rest are free again.
    pub fn forgive(&self, mut e: Entry) -> Entry {
        e.failures = e.failures.saturating_sub(1);
        if e.failures < self.free {
            e.locked_until = 0;
        }
        e
    }
}

/// Failure counters per key, bounded in memory.
#[derive(Debug)]
pub struct Throttle {
    policy: Policy,
    cap: usize,
    entries: Mutex<HashMap<String, Entry>>,
    /// Set when replicas share the database: the counters live there.
    shared: std::sync::OnceLock<crate::store::DbPool>,
}

impl Throttle {
    pub fn new(policy: Policy, cap: usize) -> Self {
        Self {
            policy,
            cap: cap.max(1),
            entries: Mutex::new(HashMap::new()),
            shared: std::sync::OnceLock::new(),
        }
    }

    /// Keeps the counters in `pool`'s database, shared by every replica on it.
    pub fn share_through(&self, pool: crate::store::DbPool) {
        let _ = self.shared.set(pool);
    }

    /// Runs `f` on `key`'s entry in the shared table; `None` when not shared or the database
    /// failed (then the caller uses the counters in memory).
    async fn in_shared<R>(
        &self,
        key: &str,
        f: impl FnOnce(Option<Entry>) -> (Option<Entry>, R),
    ) -> Option<R> {
        let pool = self.shared.get()?;
        let to_row = |e: Entry| (e.failures as i64, e.locked_until, e.last_failure);
        let done = crate::store::signin_failures::update(
            pool,
            key,
            |(failures, locked_until, last_failure)| {
                let e = (failures > 0 || locked_until > 0).then_some(Entry {
                    failures: failures.clamp(0, u32::MAX as i64) as u32,
                    locked_until,
                    last_failure,
                });
                let (next, out) = f(e);
                (next.map(to_row), out)
            },
        )
        .await;
        done.inspect_err(|e| tracing::warn!(error = %e, "shared sign-in counters unavailable; counting in memory"))
            .ok()
    }

    /// [`Self::attempt`], in the shared table when replicas share the database.
    pub async fn attempt_shared(&self, key: &str, now: i64) -> Result<(), i64> {
        let p = self.policy;
        let shared = self
            .in_shared(key, |e| match p.attempt(e, now) {
                Ok(next) => (Some(next), Ok(())),
                Err(ms) => (e, Err(ms)),
            })
            .await;
        shared.unwrap_or_else(|| self.attempt(key, now))
    }

    /// [`Self::forgive`], in the shared table when replicas share the database.
    pub async fn forgive_shared(&self, key: &str) {
        let p = self.policy;
        if self
            .in_shared(key, |e| (e.map(|e| p.forgive(e)), ()))
            .await
            .is_none()
        {
            self.forgive(key);
        }
    }

    /// [`Self::reset`], in the shared table when replicas share the database.
    pub async fn reset_shared(&self, key: &str) {
        if self.in_shared(key, |_| (None, ())).await.is_none() {
            self.reset(key);
        }
    }

    /// The policy the counters follow.
    pub fn policy(&self) -> Policy {
        self.policy
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Milliseconds `key` stays locked, or `None` when it may try now.
    pub fn locked_for(&self, key: &str, now: i64) -> Option<i64> {
        self.lock()
            .get(key)
            .filter(|e| e.locked_until > now)
            .map(|e| e.locked_until - now)
    }

    /// Records a failure of `key`; returns how long it is now locked (0 while failures are free).
    pub fn fail(&self, key: &str, now: i64) -> i64 {
        let mut entries = self.lock();
        self.make_room(&mut entries, key, now);
        let (e, lock) = self.policy.fail(entries.get(key).copied(), now);
        entries.insert(key.to_string(), e);
        lock
    }

    /// An attempt that counts as a failure until [`Self::forgive`]n or [`Self::reset`]: refused
    /// with the milliseconds left while `key` is locked, otherwise counted. Checking and counting
    /// in one step means parallel attempts cannot all slip past the limit.
    pub fn attempt(&self, key: &str, now: i64) -> Result<(), i64> {
        let mut entries = self.lock();
        let e = self.policy.attempt(entries.get(key).copied(), now)?;
        self.make_room(&mut entries, key, now);
        entries.insert(key.to_string(), e);
        Ok(())
    }

    /// Takes back one counted failure of `key` (an attempt that succeeded), lifting the lock when
    /// the remaining failures are free again.
    pub fn forgive(&self, key: &str) {
        let mut entries = self.lock();
        if let Some(e) = entries.get_mut(key) {
            *e = self.policy.forgive(*e);
        }
    }

    /// Before a new key goes in: stale keys go first, then the least recently failed one.
    fn make_room(&self, entries: &mut HashMap<String, Entry>, key: &str, now: i64) {
        let p = self.policy;
        if !entries.contains_key(key) && entries.len() >= self.cap {
            entries.retain(|_, e| !e.stale(&p, now));
            if entries.len() >= self.cap
                && let Some(oldest) = entries
                    .iter()
                    .min_by_key(|(_, e)| e.last_failure)
                    .map(|(k, _)| k.clone())
            {
                entries.remove(&oldest);
            }
        }
    }

    /// Forgets the failures of `key` (after a success).
    pub fn reset(&self, key: &str) {
        self.lock().remove(key);
    }

    /// How many keys are tracked.
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: Policy = Policy {
        free: 3,
        base_ms: 1_000,
        max_ms: 10_000,
        forget_ms: 60_000,
    };

    #[test]
    fn free_failures_then_doubling_locks_up_to_the_cap() {
        let t = Throttle::new(P, 100);
        assert_eq!(t.fail("a", 0), 0);
        assert_eq!(t.fail("a", 0), 0);
        assert_eq!(t.locked_for("a", 0), None);
        assert_eq!(t.fail("a", 0), 1_000);
        assert_eq!(t.locked_for("a", 500), Some(500));
        assert_eq!(t.locked_for("a", 1_000), None);
        assert_eq!(t.fail("a", 1_000), 2_000);
        assert_eq!(t.fail("a", 3_000), 4_000);
        assert_eq!(t.fail("a", 7_000), 8_000);
        assert_eq!(t.fail("a", 15_000), 10_000, "capped");
        assert_eq!(t.fail("a", 25_000), 10_000, "stays capped");
        assert_eq!(t.locked_for("b", 25_000), None, "other keys are free");
    }

    #[test]
    fn reset_and_forgetting_start_over() {
        let t = Throttle::new(P, 100);
        for _ in 0..5 {
            t.fail("a", 0);
        }
        assert!(t.locked_for("a", 0).is_some());
        t.reset("a");
        assert_eq!(t.locked_for("a", 0), None);
        assert_eq!(t.fail("a", 0), 0);
        for _ in 0..4 {
            t.fail("b", 0);
        }
        // Long after the lock ended the key starts with free failures again.
        assert_eq!(t.fail("b", 200_000), 0);
    }

    #[test]
    fn attempts_count_until_forgiven() {
        let t = Throttle::new(P, 100);
        assert_eq!(t.attempt("a", 0), Ok(()));
        assert_eq!(t.attempt("a", 0), Ok(()));
        assert_eq!(t.attempt("a", 0), Ok(()), "the third is counted and locks");
        assert_eq!(t.attempt("a", 10), Err(990), "a parallel fourth is refused");
        t.forgive("a");
        assert_eq!(t.attempt("a", 10), Ok(()), "a success lifted the lock");
    }

    #[test]
    fn the_table_is_bounded() {
        let t = Throttle::new(P, 10);
        for i in 0..1_000 {
            t.fail(&format!("k{i}"), i);
        }
        assert!(t.len() <= 10, "{}", t.len());
        // The newest keys are kept.
        t.fail("k999", 1_000);
        t.fail("k999", 1_000);
        assert!(t.locked_for("k999", 1_000).is_some());
    }
}
