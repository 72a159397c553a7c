//! Console sign-in state kept in the tower-sessions session (HttpOnly, SameSite=Strict cookie).
//!
//! A browser session may hold several signed-in accounts (demo mode) and one active account; every
//! server function acts as the active account.

use crate::domain::ApiError;
use crate::domain::account::{AccountView, SessionInfo};
use tower_sessions::Session;

const SIGNED_IN: &str = "linkyard.signed_in";
const ACTIVE: &str = "linkyard.active";

fn internal(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "session store error");
    ApiError::internal()
}

/// The accounts signed in to this session.
pub async fn signed_in(session: &Session) -> Result<Vec<AccountView>, ApiError> {
    Ok(session
        .get::<Vec<AccountView>>(SIGNED_IN)
        .await
        .map_err(internal)?
        .unwrap_or_default())
}

/// The active account, or `Unauthenticated`.
pub async fn active(session: &Session) -> Result<AccountView, ApiError> {
    let id: Option<String> = session.get(ACTIVE).await.map_err(internal)?;
    let all = signed_in(session).await?;
    id.and_then(|id| all.into_iter().find(|a| a.id == id))
        .ok_or_else(ApiError::unauthenticated)
}

/// Adds `account` to the session and makes it active. Outside demo mode it replaces the others.
pub async fn sign_in(
    session: &Session,
    account: AccountView,
    demo_mode: bool,
) -> Result<(), ApiError> {
    let mut all = if demo_mode {
        signed_in(session).await?
    } else {
        Vec::new()
    };
    // Every sign-in (also adding an account in demo mode) gets a fresh session id: an id planted
    // or seen before the sign-in never carries the new privileges (no session fixation).
    session.cycle_id().await.map_err(internal)?;
    all.retain(|a| a.id != account.id);
    let id = account.id.clone();
    all.push(account);
    session.insert(SIGNED_IN, all).await.map_err(internal)?;
    session.insert(ACTIVE, id).await.map_err(internal)?;
    Ok(())
}

/// Makes another already signed-in account active.
pub async fn switch(session: &Session, account_id: &str) -> Result<AccountView, ApiError> {
    let all = signed_in(session).await?;
    let a = all
        .into_iter()
        .find(|a| a.id == account_id)
        .ok_or_else(ApiError::unauthenticated)?;
    session
        .insert(ACTIVE, a.id.clone())
        .await
        .map_err(internal)?;
    Ok(a)
}

/// Signs every account out: deletes the session from the store (its id no longer works) and
/// clears the cookie. Returns the accounts that were signed in.
pub async fn sign_out(session: &Session) -> Result<Vec<AccountView>, ApiError> {
    let was = signed_in(session).await.unwrap_or_default();
    session.flush().await.map_err(internal)?;
    Ok(was)
}

/// What the top bar shows.
pub async fn info(session: &Session, demo_mode: bool) -> Result<SessionInfo, ApiError> {
    let signed_in = signed_in(session).await?;
    let active = active(session).await.ok();
    Ok(SessionInfo {
        active,
        signed_in,
        demo_mode,
    })
}
