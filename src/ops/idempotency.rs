//! ClientToken idempotency: a write retried with the same token within 24 hours gets the first
//! response again instead of running twice. Only successes are remembered, so a request that
//! failed can be retried with its token. Concurrent requests with one token run one at a time.
//!
//! The token's row is written in the same transaction as the change it guards: [`Ops::idempotent`]
//! puts a [`Claim`] on the request's [`Ctx`], and the first audit row of the request
//! ([`Ops::record`]) inserts the row, without a response yet, next to it. Once the operation has
//! returned, its response is stored into the row. A crash between the commit and storing the
//! response leaves a row without a response: a retry then answers from the row and the audit log
//! (the id of what the first request created) and never runs the change again.

use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::store::Conn;
use crate::store::idempotency::{self as iq, TokenKey, TokenRow};
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// How long a token is remembered.
pub const TOKEN_TTL_MS: i64 = 24 * 60 * 60 * 1000;

/// Longest accepted token.
pub const MAX_TOKEN_LEN: usize = 64;

/// The stored response of a row whose change committed but whose response was not stored yet.
const PENDING: &str = "";

/// The id field each create action answers with, filled from the audit log when a retry finds a
/// committed change without a stored response.
const CREATED_ID_FIELDS: [(&str, &str); 2] = [
    ("CreateVpcEndpointService", "ServiceId"),
    ("CreateVpcEndpoint", "EndpointId"),
];

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

/// A request's ClientToken: written by the first audit row of the request, in its transaction.
#[derive(Debug)]
pub struct Claim {
    pub action: String,
    pub token: String,
    /// The request's business parameters (a reuse with others is refused).
    pub fingerprint: String,
    /// Set once the row was inserted in one of the request's transactions.
    written: AtomicBool,
}

impl Claim {
    pub fn new(action: &str, token: &str, fingerprint: &str) -> Self {
        Self {
            action: action.into(),
            token: token.into(),
            fingerprint: fingerprint.into(),
            written: AtomicBool::new(false),
        }
    }

    /// True once a transaction of the request inserted the token's row.
    pub fn written(&self) -> bool {
        self.written.load(Ordering::SeqCst)
    }
}

impl Ctx {
    /// This context running under ClientToken `token` of `action` (what [`Ops::idempotent`]
    /// hands to the operation).
    pub fn with_client_token(&self, action: &str, token: &str, fingerprint: &str) -> Ctx {
        Ctx {
            idempotency: Some(Arc::new(Claim::new(action, token, fingerprint))),
            ..self.clone()
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
    ///
    /// `run` gets the caller's context with the token's [`Claim`]: the operation must use it, so
    /// that its audit row writes the token's row in the same transaction as the change.
    pub async fn idempotent<F, Fut>(
        &self,
        ctx: &Ctx,
        action: &str,
        token: &str,
        fingerprint: &str,
        run: F,
    ) -> Result<serde_json::Value, ApiError>
    where
        F: FnOnce(Ctx) -> Fut,
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
        F: FnOnce(Ctx) -> Fut,
        Fut: Future<Output = Result<serde_json::Value, ApiError>>,
    {
        if ctx.dry_run {
            return run(ctx.clone()).await;
        }
        let now = self.clock.now();
        let key = TokenKey {
            account: &ctx.account_id,
            action,
            token,
        };
        let seen = iq::find(&mut *self.pool.acquire().await?, key, now - TOKEN_TTL_MS).await?;
        if let Some(TokenRow {
            response,
            fingerprint: first,
            request_id: first_request,
        }) = seen
        {
            if first != fingerprint {
                return Err(ApiError::idempotent_mismatch());
            }
            if response != PENDING {
                return serde_json::from_str(&response).map_err(|_| ApiError::internal());
            }
            // The first request's change committed, its response was never stored (the server
            // stopped in between): answer what it did, from the audit log, and keep that answer.
            let answer = self.recovered_answer(action, &first_request).await?;
            tracing::info!(
                action,
                first_request,
                "ClientToken retry after an interrupted request: answering from the audit log"
            );
            self.store_response(ctx, action, token, &first_request, &answer)
                .await;
            return Ok(answer);
        }
        let claimed = ctx.with_client_token(action, token, fingerprint);
        let claim = claimed.idempotency.clone().expect("claim just set");
        match run(claimed).await {
            Ok(response) => {
                let stored = if claim.written() {
                    self.store_response(ctx, action, token, &ctx.request_id, &response)
                        .await
                } else {
                    Some(0)
                };
                if stored == Some(0) {
                    // No row to complete: the operation changed nothing (no audit row), or the
                    // transaction that wrote the row was rolled back and another one made the
                    // change. Remember the answer anyway, so a retry replays it and a reuse of
                    // the token with other parameters is still refused.
                    let mut tx = self.write_tx().await?;
                    insert_row(&mut tx, ctx, &claim, &response.to_string(), now).await?;
                    tx.commit().await?;
                }
                Ok(response)
            }
            Err(e) => {
                if claim.written() {
                    // Failures are not remembered: a row a committed step of this request wrote
                    // must not turn the retry into a success.
                    let mut tx = self.write_tx().await?;
                    iq::delete_unanswered(&mut tx, key, &ctx.request_id, PENDING).await?;
                    tx.commit().await?;
                }
                Err(e)
            }
        }
    }

    /// Writes the token's row of `ctx`'s claim, without a response, in the caller's transaction
    /// (once per request). Called by [`Ops::record`].
    pub(crate) async fn write_claim(&self, c: &mut Conn, ctx: &Ctx) -> Result<(), ApiError> {
        let Some(claim) = &ctx.idempotency else {
            return Ok(());
        };
        if claim.written.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        insert_row(c, ctx, claim, PENDING, self.clock.now()).await
    }

    /// Stores the response of a token's row (after the change committed); how many rows took
    /// it, `None` when the store failed. A failure here loses nothing: a retry finds the row
    /// without a response and answers from the audit log.
    async fn store_response(
        &self,
        ctx: &Ctx,
        action: &str,
        token: &str,
        request_id: &str,
        response: &serde_json::Value,
    ) -> Option<u64> {
        let stored = async {
            let mut tx = self.write_tx().await?;
            let key = TokenKey {
                account: &ctx.account_id,
                action,
                token,
            };
            let n = iq::set_response(&mut tx, key, request_id, &response.to_string()).await?;
            tx.commit().await?;
            Ok::<_, ApiError>(n)
        };
        match stored.await {
            Ok(n) => Some(n),
            Err(e) => {
                tracing::warn!(code = %e.code, action, "could not store a ClientToken response");
                None
            }
        }
    }

    /// What a committed request answered, rebuilt from the audit log: the id of the object a
    /// create made (other actions answer with no fields).
    async fn recovered_answer(
        &self,
        action: &str,
        request_id: &str,
    ) -> Result<serde_json::Value, ApiError> {
        let mut answer = serde_json::Map::new();
        if let Some((_, field)) = CREATED_ID_FIELDS.iter().find(|(a, _)| *a == action) {
            let target = crate::store::audit::first_target(
                &mut *self.pool.acquire().await?,
                request_id,
                action,
            )
            .await?;
            if let Some(target) = target {
                answer.insert((*field).into(), serde_json::Value::String(target));
            }
        }
        Ok(serde_json::Value::Object(answer))
    }
}

/// Inserts (or replaces an expired) token row, and drops expired rows.
async fn insert_row(
    c: &mut Conn,
    ctx: &Ctx,
    claim: &Claim,
    response: &str,
    now: i64,
) -> Result<(), ApiError> {
    let key = TokenKey {
        account: &ctx.account_id,
        action: &claim.action,
        token: &claim.token,
    };
    let row = TokenRow {
        response: response.into(),
        fingerprint: claim.fingerprint.clone(),
        request_id: ctx.request_id.clone(),
    };
    iq::upsert(c, key, &row, now, now - TOKEN_TTL_MS).await?;
    Ok(())
}
