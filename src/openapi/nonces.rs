//! Signature nonce replay protection, bounded in memory and kept across restarts.
//!
//! A signed request may be sent once: its `(AccessKeyId, nonce)` pair is remembered for
//! [`NONCE_TTL_MS`] and a second use is refused with `SignatureNonceUsed`. What is kept per request
//! is a 64-bit hash of the pair and the time it was first seen (16 bytes in the expiry queue plus
//! about 9 in the hash set, so 25–50 bytes with the collections' spare capacity), never the nonce
//! itself. (A false "used already" needs two of one key's live nonces to share 64 bits: about
//! 1 in 10^7 for a million live nonces.) Memory is bounded three ways:
//! - a nonce longer than [`MAX_NONCE_LEN`] is refused before it is looked at;
//! - each AccessKey holds at most [`NonceCache::per_key_cap`] live entries; past that its requests
//!   are refused with `Throttling.User` until old entries expire, so the replay window never
//!   shrinks (a rate limit far below the cap keeps honest clients away from it);
//! - entries expire in the order they were seen, so eviction pops a queue front (O(1) each).
//!
//! Durability: accepted pairs are queued in memory and written to the `api_nonces` table in
//! batches by a background task ([`NonceCache::spawn_flusher`]), off the request path: a request
//! never waits for a database write. At start the unexpired rows are loaded back, so a restart
//! does not reopen the replay window (at most the last flush interval, 250 ms, can be lost by a
//! `kill -9`; a graceful shutdown flushes).

use crate::domain::ApiError;
use crate::store::{self, DbPool};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

/// How long a nonce is remembered: twice the allowed clock skew. A request stamped up to 15
/// minutes in the future, first seen at `s`, stays acceptable until `s + 30 min`, so a shorter
/// memory would let it be replayed.
pub const NONCE_TTL_MS: i64 = 2 * super::sign::MAX_SKEW_SECS * 1000;

/// Longest accepted nonce (the SDKs send 32 hex digits or a 36-character UUID).
pub const MAX_NONCE_LEN: usize = 128;

/// Default cap of live entries per AccessKey when flow control is off (about 100 MB per key at
/// most); with flow control the cap is what the rate allows in [`NONCE_TTL_MS`]
/// ([`NonceCache::cap_for_rate`]), so the rate limit always answers first.
pub const DEFAULT_PER_KEY_CAP: usize = 2_000_000;

/// How often accepted nonces are written to the database.
pub const FLUSH_INTERVAL: Duration = Duration::from_millis(250);

/// A 64-bit digest of `(access key id, nonce)`.
pub type NonceHash = u64;

/// Hashes an `(access key id, nonce)` pair (stable across restarts, so it can be stored).
pub fn hash(key_id: &str, nonce: &str) -> NonceHash {
    let mut h = Sha256::new();
    h.update(key_id.as_bytes());
    h.update([0u8]);
    h.update(nonce.as_bytes());
    let digest = h.finalize();
    let mut out = [0u8; 8];
    out.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(out)
}

/// Nonces seen by the cloud API, per AccessKey. Thread-safe; see the module docs.
#[derive(Debug)]
pub struct NonceCache {
    inner: Mutex<State>,
    per_key_cap: usize,
    /// Set when several replicas share one database (PostgreSQL): each accepted nonce is then
    /// also claimed in `api_nonces` before the request runs, so a replay sent to another
    /// replica is refused too.
    shared: std::sync::OnceLock<DbPool>,
}

#[derive(Debug, Default)]
struct State {
    keys: HashMap<String, KeyNonces>,
    /// Accepted since the last flush: `(access key id, hash, seen at)`.
    pending: Vec<(String, NonceHash, i64)>,
}

#[derive(Debug, Default)]
struct KeyNonces {
    /// Live hashes.
    set: HashSet<NonceHash>,
    /// The same hashes in the order they were seen, with the time.
    order: VecDeque<(i64, NonceHash)>,
}

impl KeyNonces {
    fn evict_expired(&mut self, now_ms: i64) {
        while let Some(&(seen, h)) = self.order.front() {
            if now_ms - seen < NONCE_TTL_MS {
                break;
            }
            self.order.pop_front();
            self.set.remove(&h);
        }
    }
}

impl Default for NonceCache {
    fn default() -> Self {
        Self::with_cap(DEFAULT_PER_KEY_CAP)
    }
}

impl NonceCache {
    /// An empty cache with the default per-key cap.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty cache holding at most `per_key_cap` live entries per AccessKey.
    pub fn with_cap(per_key_cap: usize) -> Self {
        Self {
            inner: Mutex::new(State::default()),
            per_key_cap: per_key_cap.max(1),
            shared: std::sync::OnceLock::new(),
        }
    }

    /// The cap of live entries per AccessKey.
    pub fn per_key_cap(&self) -> usize {
        self.per_key_cap
    }

    /// The cap that lets a key sending `per_second` requests (after a `burst`) for the whole
    /// [`NONCE_TTL_MS`] stay under it; [`DEFAULT_PER_KEY_CAP`] when flow control is off.
    pub fn cap_for_rate(per_second: u32, burst: u32) -> usize {
        if per_second == 0 {
            return DEFAULT_PER_KEY_CAP;
        }
        per_second as usize * (NONCE_TTL_MS / 1000) as usize + burst as usize
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records the nonce, or refuses the request: `SignatureNonceUsed` when this AccessKey used it
    /// within [`NONCE_TTL_MS`], `InvalidParameter` for an empty or over-long nonce,
    /// `Throttling.User` when the key already holds its cap of live nonces.
    pub fn check_and_insert(&self, key_id: &str, nonce: &str, now_ms: i64) -> Result<(), ApiError> {
        check_nonce(nonce)?;
        let h = hash(key_id, nonce);
        let mut state = self.lock();
        let entry = match state.keys.get_mut(key_id) {
            Some(e) => e,
            None => state.keys.entry(key_id.to_owned()).or_default(),
        };
        entry.evict_expired(now_ms);
        if entry.set.contains(&h) {
            return Err(ApiError::new(
                "SignatureNonceUsed",
                "Specified signature nonce was used already.",
            ));
        }
        if entry.set.len() >= self.per_key_cap {
            return Err(ApiError::new(
                "Throttling.User",
                "Request was denied due to user flow control: this AccessKey sent more signed requests in the last 30 minutes than the server remembers; retry later.",
            ));
        }
        entry.set.insert(h);
        entry.order.push_back((now_ms, h));
        if self.shared.get().is_none() {
            state.pending.push((key_id.to_owned(), h, now_ms));
        }
        Ok(())
    }

    /// Makes every accepted nonce be claimed in `pool`'s `api_nonces` table at once (see
    /// [`NonceCache::check_and_claim`]): for replicas sharing one PostgreSQL database.
    pub fn share_through(&self, pool: DbPool) {
        let _ = self.shared.set(pool);
    }

    /// [`NonceCache::check_and_insert`], then, when the database is shared by replicas, claims
    /// the nonce there: a nonce another replica accepted first is `SignatureNonceUsed`.
    pub async fn check_and_claim(
        &self,
        key_id: &str,
        nonce: &str,
        now_ms: i64,
    ) -> Result<(), ApiError> {
        self.check_and_insert(key_id, nonce, now_ms)?;
        let Some(pool) = self.shared.get() else {
            return Ok(());
        };
        if store::nonces::claim(
            pool,
            key_id,
            hash(key_id, nonce),
            now_ms,
            now_ms - NONCE_TTL_MS,
        )
        .await?
        {
            Ok(())
        } else {
            Err(ApiError::new(
                "SignatureNonceUsed",
                "Specified signature nonce was used already.",
            ))
        }
    }

    /// Loads remembered pairs (from the database at start). Expired ones are skipped.
    pub fn restore(&self, rows: impl IntoIterator<Item = (String, NonceHash, i64)>, now_ms: i64) {
        let mut state = self.lock();
        let mut rows: Vec<_> = rows
            .into_iter()
            .filter(|(_, _, seen)| now_ms - seen < NONCE_TTL_MS)
            .collect();
        rows.sort_by_key(|(_, _, seen)| *seen);
        for (key, h, seen) in rows {
            let entry = state.keys.entry(key).or_default();
            if entry.set.insert(h) {
                entry.order.push_back((seen, h));
            }
        }
    }

    /// Drops expired entries of every key and forgets keys with none left.
    pub fn evict_expired(&self, now_ms: i64) {
        let mut state = self.lock();
        state.keys.retain(|_, k| {
            k.evict_expired(now_ms);
            !k.set.is_empty()
        });
    }

    /// Takes the pairs accepted since the last call (for the database writer).
    pub fn take_pending(&self) -> Vec<(String, NonceHash, i64)> {
        std::mem::take(&mut self.lock().pending)
    }

    /// Number of remembered nonces, over all keys (expired ones included until evicted).
    pub fn len(&self) -> usize {
        self.lock().keys.values().map(|k| k.set.len()).sum()
    }

    /// Whether no nonce is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Loads the unexpired nonces of `pool` into this cache.
    pub async fn load(&self, pool: &DbPool, now_ms: i64) -> Result<usize, sqlx::Error> {
        let rows = store::nonces::live(pool, now_ms - NONCE_TTL_MS).await?;
        let n = rows.len();
        self.restore(rows, now_ms);
        Ok(n)
    }

    /// Writes what was accepted since the last flush (one transaction; nothing when idle).
    pub async fn flush(&self, pool: &DbPool) -> Result<usize, sqlx::Error> {
        let batch = self.take_pending();
        let n = batch.len();
        if let Err(e) = store::nonces::save(pool, &batch).await {
            // Put the batch back so the next flush retries it.
            self.lock().pending.extend(batch);
            return Err(e);
        }
        Ok(n)
    }

    /// Flushes every [`FLUSH_INTERVAL`] and evicts expired entries every minute, until the
    /// process ends. `pool` should be the single-writer pool.
    pub fn spawn_flusher(
        self: &std::sync::Arc<Self>,
        pool: DbPool,
        clock: crate::ops::Clock,
    ) -> tokio::task::JoinHandle<()> {
        let cache = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(FLUSH_INTERVAL);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut last_evict = clock.now();
            loop {
                tick.tick().await;
                let now = clock.now();
                if let Err(e) = cache.flush(&pool).await {
                    tracing::warn!(error = %e, "could not save signature nonces; will retry");
                }
                if now - last_evict >= 60_000 {
                    cache.evict_expired(now);
                    if let Err(e) = store::nonces::expire(&pool, now - NONCE_TTL_MS).await {
                        tracing::warn!(error = %e, "could not delete expired signature nonces");
                    }
                    last_evict = now;
                }
                metrics::gauge!("api_nonces_remembered").set(cache.len() as f64);
            }
        })
    }
}

/// A nonce must be 1 to [`MAX_NONCE_LEN`] printable ASCII characters.
pub fn check_nonce(nonce: &str) -> Result<(), ApiError> {
    if nonce.is_empty()
        || nonce.len() > MAX_NONCE_LEN
        || !nonce.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(ApiError::new(
            "InvalidParameter",
            format!("The signature nonce must be 1 to {MAX_NONCE_LEN} printable ASCII characters."),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    #[test]
    fn a_nonce_is_accepted_once_per_key_until_it_expires() {
        let c = NonceCache::new();
        c.check_and_insert("AK1", "n1", 0).unwrap();
        let e = c.check_and_insert("AK1", "n1", 10 * MIN).unwrap_err();
        assert_eq!(e.code, "SignatureNonceUsed");
        c.check_and_insert("AK2", "n1", 10 * MIN).unwrap();
        // Still refused just before the TTL, accepted after it.
        assert!(c.check_and_insert("AK1", "n1", NONCE_TTL_MS - 1).is_err());
        c.check_and_insert("AK1", "n1", NONCE_TTL_MS).unwrap();
    }

    #[test]
    fn long_empty_or_binary_nonces_are_refused() {
        let c = NonceCache::new();
        for bad in ["", "a b", "é", &"x".repeat(MAX_NONCE_LEN + 1)] {
            let e = c.check_and_insert("AK", bad, 0).unwrap_err();
            assert_eq!(e.code, "InvalidParameter", "{bad:?}");
        }
        c.check_and_insert("AK", &"x".repeat(MAX_NONCE_LEN), 0)
            .unwrap();
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn each_key_is_capped_and_the_cap_frees_as_entries_expire() {
        let c = NonceCache::with_cap(3);
        for (i, t) in [0, MIN, 2 * MIN].into_iter().enumerate() {
            c.check_and_insert("AK", &format!("n{i}"), t).unwrap();
        }
        let e = c.check_and_insert("AK", "n3", 3 * MIN).unwrap_err();
        assert_eq!(e.code, "Throttling.User");
        // Another key is not affected.
        c.check_and_insert("OTHER", "n3", 3 * MIN).unwrap();
        // Once the first entry expires there is room again, and the old nonces stay refused.
        c.check_and_insert("AK", "n3", NONCE_TTL_MS).unwrap();
        assert!(c.check_and_insert("AK", "n2", NONCE_TTL_MS).is_err());
        assert_eq!(c.len(), 4);
    }

    #[test]
    fn eviction_forgets_expired_keys() {
        let c = NonceCache::new();
        c.check_and_insert("AK", "a", 0).unwrap();
        c.check_and_insert("AK", "b", 20 * MIN).unwrap();
        c.evict_expired(NONCE_TTL_MS);
        assert_eq!(c.len(), 1);
        c.evict_expired(NONCE_TTL_MS + 20 * MIN);
        assert!(c.is_empty());
    }

    #[test]
    fn pending_pairs_are_handed_out_once_and_restore_refuses_replays() {
        let c = NonceCache::new();
        c.check_and_insert("AK", "a", 5).unwrap();
        c.check_and_insert("AK", "b", 6).unwrap();
        let batch = c.take_pending();
        assert_eq!(batch.len(), 2);
        assert!(c.take_pending().is_empty());
        assert_eq!(batch[0].1, hash("AK", "a"));

        let restarted = NonceCache::new();
        restarted.restore(batch, 10 * MIN);
        assert_eq!(
            restarted
                .check_and_insert("AK", "a", 10 * MIN)
                .unwrap_err()
                .code,
            "SignatureNonceUsed"
        );
        // Rows older than the TTL are not restored.
        let late = NonceCache::new();
        late.restore([("AK".to_string(), hash("AK", "a"), 0)], NONCE_TTL_MS);
        assert!(late.is_empty());
    }

    #[test]
    fn the_hash_separates_key_and_nonce() {
        assert_ne!(hash("AK1", "n"), hash("AK", "1n"));
        assert_eq!(hash("AK", "n"), hash("AK", "n"));
    }
}
