//! Answers of reads, kept exact: each answer is filed under the write generation taken before it
//! was read (see [`super::generation`]) and served only while the generation has not moved on.
//! So a write is visible to the next read, and between writes a repeated read (an SDK polling
//! `GetVpcEndpointAttribute`, Terraform refreshing its state) costs no database round trip.
//!
//! On by default on SQLite, where this process is the only writer. Off on PostgreSQL, where
//! another replica may write without this process's generation moving; there every read asks the
//! database. `LINKYARD_READ_CACHE=0` turns it off (to compare). Debug builds check every hit
//! against a fresh read, answer with the fresh one and log an error when the two differ (a write
//! path that forgot the generation).

use super::Ops;
use crate::domain::ApiError;
use crate::store::{Backend, DbPool};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, RwLock};

/// Most answers kept.
const MAX_ENTRIES: usize = 4096;
/// Most bytes of answers kept; past it the cache starts over.
const MAX_BYTES: usize = 16 * 1024 * 1024;
/// Larger answers (a long list page) are not kept.
const MAX_ANSWER: usize = 256 * 1024;

/// See the module documentation. Cheap to clone.
#[derive(Clone, Default)]
pub struct ReadCache {
    /// `None`: off.
    inner: Option<Arc<Inner>>,
}

#[derive(Default)]
struct Inner {
    map: RwLock<Entries>,
}

#[derive(Default)]
struct Entries {
    by_key: HashMap<String, Entry>,
    bytes: usize,
}

struct Entry {
    generation: u64,
    answer: Arc<str>,
}

impl ReadCache {
    /// On for a SQLite store (unless `LINKYARD_READ_CACHE=0`), off for PostgreSQL.
    pub fn for_store(pool: &DbPool) -> Self {
        let wanted = std::env::var("LINKYARD_READ_CACHE").map_or(true, |v| v != "0");
        if wanted && crate::store::backend(pool) == Backend::Sqlite {
            Self::on()
        } else {
            Self::off()
        }
    }

    /// A cache that keeps answers.
    pub fn on() -> Self {
        Self {
            inner: Some(Arc::default()),
        }
    }

    /// A cache that keeps nothing: every read runs.
    pub fn off() -> Self {
        Self { inner: None }
    }

    /// Whether answers are kept.
    pub fn is_on(&self) -> bool {
        self.inner.is_some()
    }

    /// Answers kept now (for tests and `/metrics`).
    pub fn len(&self) -> usize {
        self.inner.as_ref().map_or(0, |i| {
            i.map.read().expect("read cache poisoned").by_key.len()
        })
    }

    /// True when no answer is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn get(&self, key: &str, generation: u64) -> Option<Arc<str>> {
        let inner = self.inner.as_ref()?;
        let map = inner.map.read().expect("read cache poisoned");
        map.by_key
            .get(key)
            .filter(|e| e.generation == generation)
            .map(|e| e.answer.clone())
    }

    fn put(&self, key: String, generation: u64, answer: Arc<str>, current: u64) {
        let Some(inner) = &self.inner else { return };
        if answer.len() > MAX_ANSWER {
            return;
        }
        let mut map = inner.map.write().expect("read cache poisoned");
        if map.by_key.len() >= MAX_ENTRIES || map.bytes + answer.len() > MAX_BYTES {
            // Drop what is stale first; start over when that is not enough.
            map.by_key.retain(|_, e| e.generation == current);
            if map.by_key.len() >= MAX_ENTRIES || map.bytes + answer.len() > MAX_BYTES {
                map.by_key.clear();
            }
            map.bytes = map.by_key.values().map(|e| e.answer.len()).sum();
        }
        map.bytes += answer.len();
        if let Some(old) = map.by_key.insert(key, Entry { generation, answer }) {
            map.bytes -= old.answer.len();
        }
    }
}

impl Ops {
    /// The answer of the read `compute`, from the cache when nothing was written since it was
    /// read under `key` (which must name everything the answer depends on: the caller's account
    /// and every parameter). Failures are not kept.
    pub async fn read_through<F, Fut>(&self, key: String, compute: F) -> Result<Arc<str>, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<String, ApiError>>,
    {
        if !self.reads.is_on() {
            return compute().await.map(Arc::from);
        }
        let generation = self.generation.current();
        if let Some(hit) = self.reads.get(&key, generation) {
            if cfg!(debug_assertions) {
                // Debug builds check the hit against the store and answer from the store, so a
                // write path that forgot the generation shows in the log without failing a run.
                let quiet = self.generation.quiet();
                let fresh = compute().await?;
                // A write that was open, or ended, while `compute` ran may have made the two
                // differ rightly (it was not acknowledged before this read began).
                if quiet
                    && self.generation.quiet()
                    && self.generation.current() == generation
                    && *hit != *fresh
                {
                    tracing::error!(%key, "read cache: a cached answer differs from the store (a write path does not move the generation on)");
                }
                return Ok(fresh.into());
            }
            metrics::counter!("linkyard_read_cache_hits_total").increment(1);
            return Ok(hit);
        }
        metrics::counter!("linkyard_read_cache_misses_total").increment(1);
        let answer: Arc<str> = compute().await?.into();
        self.reads
            .put(key, generation, answer.clone(), self.generation.current());
        Ok(answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Bus;

    async fn ops() -> Ops {
        let mut ops = Ops::new(crate::store::memory().await, Bus::new(), 0);
        ops.reads = ReadCache::on();
        ops
    }

    #[tokio::test]
    async fn a_hit_until_the_generation_moves_on() {
        let ops = ops().await;
        let runs = std::sync::atomic::AtomicUsize::new(0);
        let read = |v: &'static str| {
            let runs = &runs;
            move || async move {
                runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Ok::<_, ApiError>(v.to_owned())
            }
        };
        assert_eq!(
            &*ops.read_through("k".into(), read("a")).await.unwrap(),
            "a"
        );
        // Debug builds run the read again to check the hit; release builds do not.
        let before = runs.load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!(
            &*ops.read_through("k".into(), read("a")).await.unwrap(),
            "a"
        );
        let checked = runs.load(std::sync::atomic::Ordering::SeqCst) - before;
        assert_eq!(checked, usize::from(cfg!(debug_assertions)));
        ops.generation.bump();
        assert_eq!(
            &*ops.read_through("k".into(), read("b")).await.unwrap(),
            "b"
        );
        assert_eq!(ops.reads.len(), 1);
    }

    #[tokio::test]
    async fn a_write_transaction_makes_every_answer_stale() {
        let ops = ops().await;
        let g = ops.generation.current();
        let tx = ops.write_tx().await.unwrap();
        assert_eq!(ops.generation.current(), g, "not before the commit");
        tx.commit().await.unwrap();
        assert_eq!(ops.generation.current(), g + 1);
        drop(ops.write_tx().await.unwrap());
        assert_eq!(
            ops.generation.current(),
            g + 2,
            "a rollback moves it on too"
        );
    }

    #[tokio::test]
    async fn failures_and_large_answers_are_not_kept() {
        let ops = ops().await;
        let err = ops
            .read_through("e".into(), || async {
                Err::<String, _>(ApiError::internal())
            })
            .await;
        assert!(err.is_err());
        let big = "x".repeat(MAX_ANSWER + 1);
        ops.read_through("big".into(), || async { Ok(big) })
            .await
            .unwrap();
        assert!(ops.reads.is_empty());
    }

    #[test]
    fn the_cache_stays_within_its_bounds() {
        let cache = ReadCache::on();
        for i in 0..MAX_ENTRIES + 10 {
            cache.put(format!("k{i}"), 1, Arc::from("answer"), 1);
        }
        assert!(cache.len() <= MAX_ENTRIES);
        let large: Arc<str> = Arc::from("y".repeat(MAX_ANSWER));
        for i in 0..(MAX_BYTES / MAX_ANSWER) + 5 {
            cache.put(format!("l{i}"), 1, large.clone(), 1);
        }
        let inner = cache.inner.as_ref().unwrap().map.read().unwrap();
        assert!(inner.bytes <= MAX_BYTES);
        assert_eq!(
            inner.bytes,
            inner.by_key.values().map(|e| e.answer.len()).sum::<usize>()
        );
    }
}
