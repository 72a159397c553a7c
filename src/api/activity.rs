//! The activity (audit) log with filters.

use crate::domain::ApiError;
use crate::domain::activity::ActivityQuery;
use crate::domain::event::AuditView;
use leptos::prelude::*;

/// The newest 500 audit events the active account may see that match the page's filters.
#[server(prefix = "/api", endpoint = "activity")]
pub async fn activity(query: ActivityQuery) -> Result<Vec<AuditView>, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.activity(&ctx.account_id, &query, 500)
        .await
        .map_err(fail)
}
