//! Accounts, passwords (argon2) and access keys.

use super::audit::Change;
use super::change::Done;
use super::throttle::{Policy, Throttle};
use super::{Ctx, Ops, Source};
use crate::domain::ApiError;
use crate::domain::account::{AccountView, valid_account_id};
use crate::domain::state::BusinessStatus;
use crate::store::accounts::{self as q, AccessKeyRow, AccountRow};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Hashes a password with argon2id (PHC string).
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).expect("salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hash")
        .to_string()
}

/// Checks a password against a PHC hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A password hash of the same cost as real ones, checked when the account does not exist so an
/// unknown account id takes as long to refuse as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("linkyard: no such account"))
}

fn invalid_credentials() -> ApiError {
    ApiError::invalid_credentials()
}

/// `SignInThrottled` (HTTP 429): too many failed sign-ins for the account or from the address.
fn throttled(secs: i64, until_ms: i64) -> ApiError {
    ApiError::sign_in_throttled(secs, crate::store::iso(until_ms + 999))
}

/// A refused console sign-in: the error, and for a throttled one the seconds to wait
/// (the `Retry-After` header).
#[derive(Debug, Clone)]
pub struct SignInRefused {
    pub error: ApiError,
    pub retry_after_s: Option<u64>,
}

/// Console sign-in protection: failure counters per account and per client address, and a bound
/// on concurrent argon2 work (hashing and verifying run on the blocking pool, at most one per CPU).
#[derive(Debug)]
pub struct SignInGuard {
    pub accounts: Throttle,
    pub clients: Throttle,
    permits: tokio::sync::Semaphore,
}

impl Default for SignInGuard {
    fn default() -> Self {
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        let policy = |free| Policy {
            free,
            base_ms: 2_000,
            max_ms: 15 * 60_000,
            forget_ms: 15 * 60_000,
        };
        Self {
            // 5 free failures per account; 10 per address (offices share one).
            accounts: Throttle::new(policy(5), 10_000),
            clients: Throttle::new(policy(10), 10_000),
            permits: tokio::sync::Semaphore::new(cpus),
        }
    }
}

impl SignInGuard {
    /// Keeps the failure counters in `pool`'s database, so replicas sharing it count together.
    pub fn share_through(&self, pool: &crate::store::DbPool) {
        self.accounts.share_through(pool.clone());
        self.clients.share_through(pool.clone());
    }

    /// Hashes a password on the blocking pool, within the argon2 concurrency bound.
    pub async fn hash(&self, password: &str) -> Result<String, ApiError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| ApiError::internal())?;
        let password = password.to_string();
        tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|_| ApiError::internal())
    }

    /// Checks `password` against `hash` (against a dummy hash of the same cost when `None`, and
    /// then always false), on the blocking pool within the concurrency bound.
    pub async fn verify(&self, password: &str, hash: Option<String>) -> Result<bool, ApiError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| ApiError::internal())?;
        let password = password.to_string();
        tokio::task::spawn_blocking(move || match hash {
            Some(h) => verify_password(&password, &h),
            None => {
                let _ = verify_password(&password, dummy_hash());
                false
            }
        })
        .await
        .map_err(|_| ApiError::internal())
    }
}

/// What a new account needs.
pub struct NewAccount<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub password: &'a str,
    pub is_platform: bool,
}

impl Ops {
    /// Creates an account (operator action: scenario loading and the CLI).
    pub async fn create_account(&self, a: NewAccount<'_>) -> Result<AccountView, ApiError> {
        if !valid_account_id(a.id) {
            return Err(ApiError::illegal(
                "AccountId",
                format!("`{}` is not a 16-digit account id", a.id),
            ));
        }
        if a.name.trim().is_empty() {
            return Err(ApiError::missing("AccountName"));
        }
        let hash = self.sign_ins.hash(a.password).await?;
        self.change(
            &Ctx::system(),
            async |tx| {
                if q::account(tx, a.id).await?.is_some() {
                    return Err(ApiError::account_exists(a.id));
                }
                Ok(hash)
            },
            async |tx, password_hash| {
                q::insert_account(
                    tx,
                    &AccountRow {
                        id: a.id.into(),
                        name: a.name.into(),
                        password_hash,
                        is_platform: a.is_platform,
                        business_status: BusinessStatus::Normal,
                        created_at: self.clock.now(),
                    },
                )
                .await?;
                let view = AccountView {
                    id: a.id.into(),
                    name: a.name.into(),
                };
                // An operator action outside any request: nothing to audit.
                Ok(Done::many(view, vec![]))
            },
        )
        .await
    }

    /// Gives an account an AccessKey pair for the cloud API.
    pub async fn add_access_key(
        &self,
        account: &str,
        id: &str,
        secret: &str,
    ) -> Result<(), ApiError> {
        if id.len() < 8 || secret.len() < 8 {
            return Err(ApiError::illegal(
                "AccessKey",
                "AccessKey id and secret need at least 8 characters",
            ));
        }
        self.change(
            &Ctx::system(),
            async |tx| {
                if q::access_key(tx, id).await?.is_some() {
                    return Err(ApiError::access_key_exists(id));
                }
                Ok(())
            },
            async |tx, ()| {
                let key = AccessKeyRow {
                    id: id.into(),
                    secret: self.seal.seal(id, secret),
                    account_id: account.into(),
                    enabled: true,
                };
                q::insert_access_key(tx, &key, self.clock.now()).await?;
                // An operator action outside any request: nothing to audit.
                Ok(Done::many((), vec![]))
            },
        )
        .await
    }

    /// Checks an account id and password without throttling or audit (tests, tools). The
    /// console signs in with [`Ops::sign_in`].
    pub async fn authenticate(
        &self,
        account_id: &str,
        password: &str,
    ) -> Result<AccountView, ApiError> {
        let mut c = self.pool.acquire().await?;
        let row = q::account(&mut c, account_id.trim()).await?;
        drop(c);
        let hash = row.as_ref().map(|r| r.password_hash.clone());
        let ok = self.sign_ins.verify(password, hash).await?;
        match row {
            Some(row) if ok => Ok(AccountView {
                id: row.id,
                name: row.name,
            }),
            _ => Err(invalid_credentials()),
        }
    }

    /// The console's sign-in: refuses a throttled account or client address (`SignInThrottled`,
    /// HTTP 429), checks the password (an unknown account costs the same time as a wrong
    /// password), counts failures per account and per client, and audits the outcome
    /// (`SignIn` / `SignInFailed`, source console). `client` is the caller's address, or a fixed
    /// key when it is not known.
    pub async fn sign_in(
        &self,
        account_id: &str,
        password: &str,
        client: &str,
    ) -> Result<AccountView, SignInRefused> {
        let account_id = account_id.trim();
        let account_key = format!("account:{account_id}");
        let client_key = format!("client:{client}");
        let now = self.clock.now();
        // Every attempt counts as a failure until it succeeds, so parallel guesses cannot all
        // slip past the limit.
        let guard = &self.sign_ins;
        let mut counted = guard.accounts.attempt_shared(&account_key, now).await;
        if counted.is_ok() {
            counted = guard.clients.attempt_shared(&client_key, now).await;
            if counted.is_err() {
                guard.accounts.forgive_shared(&account_key).await;
            }
        }
        if let Err(ms) = counted {
            let secs = (ms + 999) / 1000;
            tracing::warn!(account = %account_id, %client, retry_after_s = secs, "sign-in throttled");
            return Err(SignInRefused {
                error: throttled(secs, now + ms),
                retry_after_s: Some(secs.max(1) as u64),
            });
        }
        let refused = |error: ApiError| SignInRefused {
            error,
            retry_after_s: None,
        };
        let mut c = self.pool.acquire().await.map_err(|e| refused(e.into()))?;
        let row = q::account(&mut c, account_id)
            .await
            .map_err(|e| refused(e.into()))?;
        drop(c);
        let hash = row.as_ref().map(|r| r.password_hash.clone());
        let ok = self
            .sign_ins
            .verify(password, hash)
            .await
            .map_err(refused)?;
        match row {
            Some(row) if ok => {
                self.sign_ins.accounts.reset_shared(&account_key).await;
                self.sign_ins.clients.forgive_shared(&client_key).await;
                let ctx = Ctx::new(row.id.clone(), Source::Console);
                self.audit_session(
                    &ctx,
                    "SignIn",
                    &row.id,
                    format!("signed in to the console from {client}"),
                    vec![row.id.clone()],
                )
                .await
                .map_err(refused)?;
                Ok(AccountView {
                    id: row.id,
                    name: row.name,
                })
            }
            row => {
                // The id as typed, shortened: it is attacker-controlled text.
                let target: String = account_id.chars().take(32).collect();
                let audience = row.map(|r| vec![r.id]).unwrap_or_default();
                let ctx = Ctx::new(super::ANONYMOUS, Source::Console);
                self.audit_session(
                    &ctx,
                    "SignInFailed",
                    &target,
                    format!("failed console sign-in from {client}"),
                    audience,
                )
                .await
                .map_err(refused)?;
                Err(refused(invalid_credentials()))
            }
        }
    }

    /// Audits a console sign-out of `accounts` (the accounts the browser session held).
    pub async fn sign_out(&self, accounts: &[String]) -> Result<(), ApiError> {
        if accounts.is_empty() {
            return Ok(());
        }
        // Each account signs out as itself: one change per account, recorded with its own actor.
        for a in accounts {
            let ctx = Ctx::new(a.clone(), Source::Console);
            self.change(
                &ctx,
                async |_| Ok(()),
                async |_, ()| {
                    Ok(Done::new(Change {
                        topic: "session",
                        action: "SignOut",
                        target: a.clone(),
                        region_id: String::new(),
                        summary: "signed out of the console".into(),
                        before: None,
                        after: None,
                        audience: vec![a.clone()],
                    }))
                },
            )
            .await?;
        }
        Ok(())
    }

    async fn audit_session(
        &self,
        ctx: &Ctx,
        action: &'static str,
        target: &str,
        summary: String,
        audience: Vec<String>,
    ) -> Result<(), ApiError> {
        self.change(
            ctx,
            async |_| Ok(()),
            async |_, ()| {
                Ok(Done::new(Change {
                    topic: "session",
                    action,
                    target: target.to_string(),
                    region_id: String::new(),
                    summary,
                    before: None,
                    after: None,
                    audience,
                }))
            },
        )
        .await
    }

    /// The account for an id, if it exists.
    pub async fn account(&self, id: &str) -> Result<Option<AccountView>, ApiError> {
        let mut c = self.pool.acquire().await?;
        Ok(q::account(&mut c, id).await?.map(|r| AccountView {
            id: r.id,
            name: r.name,
        }))
    }

    /// The owner, status and plaintext secret of an access key (opened from its sealed form).
    pub async fn access_key(&self, id: &str) -> Result<Option<AccessKeyRow>, ApiError> {
        let mut c = self.pool.acquire().await?;
        let Some(mut row) = q::access_key(&mut c, id).await? else {
            return Ok(None);
        };
        row.secret = self.seal.open(&row.id, &row.secret).map_err(|_| {
            tracing::error!(access_key = %row.id, "the AccessKey secret does not open with the seal key");
            ApiError::internal()
        })?;
        Ok(Some(row))
    }

    /// Start-up step: seals every AccessKey secret still stored in plaintext and checks that
    /// every sealed one opens with this server's key. Returns how many were sealed now; a key
    /// that opens none of them is refused with one line naming where the key came from.
    pub async fn seal_secrets(&self) -> Result<usize, String> {
        let db = |e: crate::store::Error| format!("cannot read the AccessKeys: {e}");
        let mut tx = self.write_tx().await.map_err(|e| e.message)?;
        let rows = q::secrets(&mut tx).await.map_err(db)?;
        let mut sealed = 0;
        // Overwrite the plaintext in the page, not just unlink it (this connection only).
        crate::store::secure_delete(&mut tx, true)
            .await
            .map_err(db)?;
        for (id, secret) in rows {
            if crate::seal::is_sealed(&secret) {
                if self.seal.open(&id, &secret).is_err() {
                    return Err(format!(
                        "the seal key ({}) does not open the AccessKey secrets in this database \
                         (AccessKey {id}): start with the key the database was sealed with \
                         (LINKYARD_SEAL_KEY or --seal-key-file), or replace the data with \
                         `serve --scenario FILE --reset`",
                        self.seal.source
                    ));
                }
                continue;
            }
            q::set_secret(&mut tx, &id, &self.seal.seal(&id, &secret))
                .await
                .map_err(db)?;
            sealed += 1;
        }
        tx.commit().await.map_err(db)?;
        let mut c = self.write_pool.acquire().await.map_err(db)?;
        crate::store::secure_delete(&mut c, false)
            .await
            .map_err(db)?;
        if sealed > 0 {
            // Copy the sealed pages into the database file and empty the WAL, so no frame with
            // the plaintext stays behind.
            crate::store::checkpoint(&mut c, crate::store::Checkpoint::Truncate)
                .await
                .map_err(db)?;
        }
        Ok(sealed)
    }
}

impl Ops {
    /// The region the console opens in for the caller when it has not chosen one: the first
    /// region (catalogue order) where it owns inventory, a service or an endpoint.
    pub async fn home_region(&self, ctx: &Ctx) -> Result<&'static str, ApiError> {
        let mut c = self.pool.acquire().await?;
        let used = q::regions_in_use(&mut c, &ctx.account_id).await?;
        Ok(crate::domain::region::home_region(&used))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let h = hash_password("s3cret-pass");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("s3cret-pass", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("s3cret-pass", "not-a-hash"));
    }
}
