//! The signed-in session as the pages read it: the shared session resource (provided by the
//! layout) and reactive getters for the region and the active account.

use leptos::prelude::*;

/// The session resource every signed-in page shares (provided by the layout, fetched each time the
/// layout mounts, e.g. right after signing in): refetched when the account or region changes.
#[derive(Clone, Copy)]
pub struct SessionCtx {
    pub session: Resource<Result<crate::api::session::ConsoleSession, crate::domain::ApiError>>,
    /// Bump to refetch the session (after switching account or region).
    pub version: RwSignal<u32>,
}

/// The region chosen in the top bar, as a reactive getter (empty until the session loaded).
pub fn use_region() -> impl Fn() -> String + Copy {
    let ctx = expect_context::<SessionCtx>();
    move || {
        ctx.session
            .get()
            .and_then(|s| s.ok())
            .map(|s| s.region)
            .unwrap_or_default()
    }
}

/// The active account and region as a reactive getter: what account-scoped data that is not
/// live keys on, so it refetches when either changes.
pub fn use_scope() -> impl Fn() -> (String, String) + Copy {
    let ctx = expect_context::<SessionCtx>();
    move || {
        ctx.session
            .get()
            .and_then(|s| s.ok())
            .map(|s| (s.info.active.map(|a| a.id).unwrap_or_default(), s.region))
            .unwrap_or_default()
    }
}
