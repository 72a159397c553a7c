//! Inventory server functions.

use crate::domain::ApiError;
use crate::domain::event::AuditView;
use crate::domain::inventory::InventoryView;
use leptos::prelude::*;

/// The active account's inventory in `region`.
#[server(prefix = "/api", endpoint = "inventory")]
pub async fn get_inventory(region: String) -> Result<InventoryView, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.inventory(&ctx, &region).await.map_err(fail)
}

/// The newest audit events the active account may see.
#[server(prefix = "/api", endpoint = "recent_activity")]
pub async fn recent_activity(limit: i64) -> Result<Vec<AuditView>, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.recent_audit(&ctx.account_id, limit.clamp(1, 200))
        .await
        .map_err(fail)
}
