//! The AccessKeys of signed requests, kept in memory once read and opened: a signed request whose
//! key is cached costs no query and no ChaCha20 opening.
//!
//! Exact, not eventually right. Every store function that writes `access_keys` or `accounts`
//! bumps [`crate::store::accounts::key_generation`] inside its transaction, and an entry is used
//! only while the generation is the one it was read at. A miss reads through the single writer
//! connection, so no write transaction is open while it reads: what it reads is committed, every
//! earlier write has bumped already, and any later write bumps after it (once it holds the
//! writer). So a key disabled, deleted or replaced (a demo reset, a scenario load) is refused on
//! the very next request; a write that rolls back only costs misses. Writes by another process
//! on the same database file are not seen (they do not bump this process's generation).

use crate::domain::ApiError;
use crate::ops::Ops;
use crate::store::accounts::{self as q, AccessKeyRow};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// More cached keys than this and the cache starts over (only keys that exist are cached).
const MAX_KEYS: usize = 10_000;

/// AccessKey id → the key as stored, secret opened, with the generation it was read at.
#[derive(Debug, Default)]
pub struct KeyCache {
    keys: RwLock<HashMap<String, (u64, Arc<AccessKeyRow>)>>,
    /// Every lookup reads the store (`linkyard-bench --api` measures the difference).
    off: bool,
}

impl KeyCache {
    /// A "cache" that keeps nothing: every lookup reads and opens the key.
    pub fn off() -> Self {
        Self {
            off: true,
            ..Self::default()
        }
    }

    /// The key `id` with its secret opened (enabled or not), as [`Ops::access_key`] would read it
    /// now; `None` if there is no such key.
    pub async fn get(&self, ops: &Ops, id: &str) -> Result<Option<Arc<AccessKeyRow>>, ApiError> {
        if self.off {
            return Ok(ops.access_key(id).await?.map(Arc::new));
        }
        let now = q::key_generation();
        let hit = {
            let keys = self.keys.read().expect("key cache poisoned");
            keys.get(id)
                .filter(|(at, _)| *at == now)
                .map(|(_, key)| key.clone())
        };
        if hit.is_some() {
            return Ok(hit);
        }
        let mut c = ops.write_pool.acquire().await?;
        // Read while holding the writer: no write transaction is between its write and commit.
        let at = q::key_generation();
        let row = q::access_key(&mut c, id).await?;
        drop(c);
        let Some(mut row) = row else {
            return Ok(None);
        };
        row.secret = ops.seal.open(&row.id, &row.secret).map_err(|_| {
            tracing::error!(access_key = %row.id, "the AccessKey secret does not open with the seal key");
            ApiError::internal()
        })?;
        let key = Arc::new(row);
        let mut keys = self.keys.write().expect("key cache poisoned");
        if keys.len() >= MAX_KEYS {
            keys.clear();
        }
        keys.insert(id.to_owned(), (at, key.clone()));
        Ok(Some(key))
    }
}
