//! Sign-in, sign-out, account switching and the region picker.

use crate::domain::ApiError;
use crate::domain::account::{AccountView, SessionInfo, SignInForm};
use leptos::prelude::*;

/// The signed-in accounts, the active one and its region: the last one chosen for this account
/// in this session, else the first region where the account has resources (remembered from then).
#[server(prefix = "/api", endpoint = "session")]
pub async fn get_session() -> Result<ConsoleSession, ApiError> {
    use super::context::*;
    let state = state()?;
    let session = session().await?;
    let info = crate::auth::info(&session, state.demo_mode).await?;
    let region = match &info.active {
        None => crate::domain::region::DEFAULT_REGION.to_string(),
        Some(active) => {
            let mut regions = regions(&session).await;
            match regions.get(&active.id) {
                Some(r) => r.clone(),
                None => {
                    let ctx = crate::ops::Ctx::new(active.id.clone(), crate::ops::Source::Console);
                    let home = state.ops.home_region(&ctx).await.map_err(fail)?.to_string();
                    regions.insert(active.id.clone(), home.clone());
                    keep_regions(&session, &info, regions).await?;
                    home
                }
            }
        }
    };
    Ok(ConsoleSession { info, region })
}

/// Session key of the region each signed-in account last showed (account id → region id).
/// Kept in the session, not the database: the demo accounts are shared by everyone who signs in
/// with their public passwords, and one person's region must not move another's console.
pub const REGIONS_KEY: &str = "linkyard.regions";

#[cfg(feature = "ssr")]
async fn regions(session: &tower_sessions::Session) -> std::collections::BTreeMap<String, String> {
    session
        .get(REGIONS_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Stores the regions, keeping only the accounts still signed in to this session.
#[cfg(feature = "ssr")]
async fn keep_regions(
    session: &tower_sessions::Session,
    info: &SessionInfo,
    mut regions: std::collections::BTreeMap<String, String>,
) -> Result<(), ApiError> {
    regions.retain(|id, _| info.signed_in.iter().any(|a| a.id == *id));
    session
        .insert(REGIONS_KEY, regions)
        .await
        .map_err(|_| ApiError::internal())
}

/// What every page needs to know about the session.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, Default)]
pub struct ConsoleSession {
    pub info: SessionInfo,
    pub region: String,
}

/// Signs in with an account id and password, then goes to `next` (default `/`).
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(form: SignInForm) -> Result<AccountView, ApiError> {
    use super::context::*;
    let state = state()?;
    let session = session().await?;
    let account = state
        .ops
        .sign_in(&form.account_id, &form.password, &client_address())
        .await
        .map_err(|refused| {
            if let Some(secs) = refused.retry_after_s {
                set_header("retry-after", &secs.to_string());
            }
            fail(refused.error)
        })?;
    crate::auth::sign_in(&session, account.clone(), state.demo_mode).await?;
    let next = form
        .next
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

/// Chooses the region the console shows for the active account (remembered per account).
#[server(prefix = "/api", endpoint = "set_region")]
pub async fn set_region(region: String) -> Result<(), ApiError> {
    use super::context::*;
    if crate::domain::region::region(&region).is_none() {
        return Err(fail(ApiError::illegal(
            "RegionId",
            format!("unknown region `{region}`"),
        )));
    }
    let state = state()?;
    let session = session().await?;
    let info = crate::auth::info(&session, state.demo_mode).await?;
    let active = info
        .active
        .clone()
        .ok_or_else(|| fail(ApiError::unauthenticated()))?;
    let mut regions = regions(&session).await;
    regions.insert(active.id, region);
    keep_regions(&session, &info, regions).await
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
