//! Accounts, passwords (argon2) and access keys.

use super::Ops;
use crate::domain::ApiError;
use crate::domain::account::{AccountView, valid_account_id};
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
        let password = a.password.to_string();
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|_| ApiError::internal())?;
        let mut tx = self.write_tx().await?;
        if q::account(&mut tx, a.id).await?.is_some() {
            return Err(ApiError::new(
                "AccountExist",
                format!("The account {} already exists.", a.id),
            ));
        }
        q::insert_account(
            &mut tx,
            &AccountRow {
                id: a.id.into(),
                name: a.name.into(),
                password_hash: hash,
                is_platform: a.is_platform,
                business_status: "Normal".into(),
                created_at: self.clock.now(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(AccountView {
            id: a.id.into(),
            name: a.name.into(),
        })
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
        let mut tx = self.write_tx().await?;
        if q::access_key(&mut tx, id).await?.is_some() {
            return Err(ApiError::new(
                "AccessKeyExist",
                format!("The AccessKey {id} already exists."),
            ));
        }
        let key = AccessKeyRow {
            id: id.into(),
            secret: self.seal.seal(id, secret),
            account_id: account.into(),
            enabled: true,
        };
        q::insert_access_key(&mut tx, &key, self.clock.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks an account id and password; the console's sign-in.
    pub async fn authenticate(
        &self,
        account_id: &str,
        password: &str,
    ) -> Result<AccountView, ApiError> {
        let bad = || {
            ApiError::new(
                "InvalidCredentials",
                "The account id or password is incorrect.",
            )
            .status(401)
        };
        let mut c = self.pool.acquire().await?;
        let Some(row) = q::account(&mut c, account_id.trim()).await? else {
            return Err(bad());
        };
        let password = password.to_string();
        let hash = row.password_hash.clone();
        let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .unwrap_or(false);
        if ok {
            Ok(AccountView {
                id: row.id,
                name: row.name,
            })
        } else {
            Err(bad())
        }
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
        let db = |e: sqlx::Error| format!("cannot read the AccessKeys: {e}");
        let mut tx = self.write_tx().await.map_err(|e| e.message)?;
        let rows = sqlx::query_as::<crate::store::Db, (String, String)>(
            "SELECT id, secret FROM access_keys ORDER BY id",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        let mut sealed = 0;
        // Overwrite the plaintext in the page, not just unlink it (this connection only).
        sqlx::query("PRAGMA secure_delete = ON")
            .execute(&mut *tx)
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
            sqlx::query::<crate::store::Db>("UPDATE access_keys SET secret = $2 WHERE id = $1")
                .bind(&id)
                .bind(self.seal.seal(&id, &secret))
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            sealed += 1;
        }
        tx.commit().await.map_err(db)?;
        let mut c = self.write_pool.acquire().await.map_err(db)?;
        sqlx::query("PRAGMA secure_delete = OFF")
            .execute(&mut *c)
            .await
            .map_err(db)?;
        if sealed > 0 {
            // Copy the sealed pages into the database file and empty the WAL, so no frame with
            // the plaintext stays behind.
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&mut *c)
                .await
                .map_err(db)?;
        }
        Ok(sealed)
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
