//! Sign-in, sign-out, account switching and the region picker.

use crate::domain::ApiError;
use crate::domain::account::{AccountView, SessionInfo};
use leptos::prelude::*;

/// The signed-in accounts, the active one and the chosen region.
#[server(prefix = "/api", endpoint = "session")]
pub async fn get_session() -> Result<ConsoleSession, ApiError> {
    use super::context::*;
    let state = state()?;
    let session = session().await?;
    let info = crate::auth::info(&session, state.demo_mode).await?;
    let region = session
        .get::<String>(REGION_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| crate::domain::region::DEFAULT_REGION.to_string());
    Ok(ConsoleSession { info, region })
}

/// Session key of the region picker's value.
pub const REGION_KEY: &str = "linkyard.region";

/// What every page needs to know about the session.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, Default)]
pub struct ConsoleSession {
    pub info: SessionInfo,
    pub region: String,
}

/// Signs in with an account id and password, then goes to `next` (default `/`).
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(
    account_id: String,
    password: String,
    next: Option<String>,
) -> Result<AccountView, ApiError> {
    use super::context::*;
    let state = state()?;
    let session = session().await?;
    let account = state
        .ops
        .sign_in(&account_id, &password, &client_address())
        .await
        .map_err(|refused| {
            if let Some(secs) = refused.retry_after_s {
                set_header("retry-after", &secs.to_string());
            }
            fail(refused.error)
        })?;
    crate::auth::sign_in(&session, account.clone(), state.demo_mode).await?;
    let next = next
        .as_deref()
        .and_then(crate::domain::redirect::safe_next)
        .unwrap_or("/");
    leptos_axum::redirect(next);
    Ok(account)
}

/// Makes another signed-in account the active one.
#[server(prefix = "/api", endpoint = "switch_account")]
pub async fn switch_account(account_id: String) -> Result<AccountView, ApiError> {
    use super::context::*;
    let session = session().await?;
    crate::auth::switch(&session, &account_id)
        .await
        .map_err(fail)
}

/// Chooses the region the console shows.
#[server(prefix = "/api", endpoint = "set_region")]
pub async fn set_region(region: String) -> Result<(), ApiError> {
    use super::context::*;
    if crate::domain::region::region(&region).is_none() {
        return Err(fail(ApiError::illegal(
            "RegionId",
            format!("unknown region `{region}`"),
        )));
    }
    let session = session().await?;
    session
        .insert(REGION_KEY, region)
        .await
        .map_err(|_| ApiError::internal())
}

/// Signs every account of this browser out.
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), ApiError> {
    use super::context::*;
    let state = state()?;
    let session = session().await?;
    let accounts: Vec<String> = crate::auth::sign_out(&session)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    state.ops.sign_out(&accounts).await.map_err(fail)?;
    leptos_axum::redirect("/signin");
    Ok(())
}
