//! ClientToken idempotency: a write retried with the same token within 24 hours gets the first
//! response again instead of running twice. Only successes are remembered, so a request that
//! failed can be retried with its token. Concurrent requests with one token run one at a time.

use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::store::Db;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// How long a token is remembered.
pub const TOKEN_TTL_MS: i64 = 24 * 60 * 60 * 1000;

/// Longest accepted token.
pub const MAX_TOKEN_LEN: usize = 64;

/// Requests in flight per (account, action, token), so a retry waits for the first attempt.
#[derive(Clone, Default)]
pub struct InFlight(Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>);

impl InFlight {
    fn slot(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(key.to_string()).or_default().clone()
    }

    fn release(&self, key: &str) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map.get(key).is_some_and(|m| Arc::strong_count(m) == 1) {
            map.remove(key);
        }
    }
}

/// A ClientToken must be printable ASCII of at most 64 characters.
pub fn check_token(token: &str) -> Result<(), ApiError> {
    if token.len() > MAX_TOKEN_LEN || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::illegal(
            "ClientToken",
            format!("use at most {MAX_TOKEN_LEN} printable ASCII characters"),
        ));
    }
    Ok(())
}

impl Ops {
    /// Runs `run` once per (caller, `action`, `token`): a repeat within 24 hours with the same
    /// `fingerprint` (the request's business parameters) returns the remembered response; with
    /// another fingerprint it is refused with `IdempotentParameterMismatch`.
    pub async fn idempotent<F, Fut>(
        &self,
        ctx: &Ctx,
        action: &str,
        token: &str,
        fingerprint: &str,
        run: F,
    ) -> Result<serde_json::Value, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<serde_json::Value, ApiError>>,
    {
        check_token(token)?;
        let key = format!("{}\u{1f}{action}\u{1f}{token}", ctx.account_id);
        let slot = self.inflight.slot(&key);
        let result = {
            let _turn = slot.lock().await;
            self.idempotent_locked(ctx, action, token, fingerprint, run)
                .await
        };
        drop(slot);
        self.inflight.release(&key);
        result
    }

    async fn idempotent_locked<F, Fut>(
        &self,
        ctx: &Ctx,
        action: &str,
        token: &str,
        fingerprint: &str,
        run: F,
    ) -> Result<serde_json::Value, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<serde_json::Value, ApiError>>,
    {
        let now = self.clock.now();
        let seen = sqlx::query_as::<Db, (String, String)>(
            "SELECT response, fingerprint FROM idempotency
             WHERE account_id = $1 AND action = $2 AND token = $3 AND created_at > $4",
        )
        .bind(&ctx.account_id)
        .bind(action)
        .bind(token)
        .bind(now - TOKEN_TTL_MS)
        .fetch_optional(&self.pool)
        .await?;
        if let Some((response, first)) = seen {
            if first != fingerprint {
                return Err(ApiError::new(
                    "IdempotentParameterMismatch",
                    "The ClientToken was already used with other parameters.",
                ));
            }
            return serde_json::from_str(&response).map_err(|_| ApiError::internal());
        }
        let response = run().await?;
        if ctx.dry_run {
            return Ok(response);
        }
        let mut c = self.pool.acquire().await?;
        sqlx::query::<Db>("DELETE FROM idempotency WHERE created_at <= $1")
            .bind(now - TOKEN_TTL_MS)
            .execute(&mut *c)
            .await?;
        sqlx::query::<Db>(
            "INSERT INTO idempotency (account_id, action, token, response, fingerprint, created_at)
             VALUES ($1,$2,$3,$4,$5,$6)
             ON CONFLICT (account_id, action, token) DO UPDATE
             SET response = excluded.response, fingerprint = excluded.fingerprint, created_at = excluded.created_at",
        )
        .bind(&ctx.account_id)
        .bind(action)
        .bind(token)
        .bind(response.to_string())
        .bind(fingerprint)
        .bind(now)
        .execute(&mut *c)
        .await?;
        Ok(response)
    }
}
