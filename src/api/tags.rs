//! Tags on the active account's own endpoint services and endpoints.

use crate::domain::ApiError;
use crate::domain::console::{TagEntry, TagRemoval};
use leptos::prelude::*;

/// Adds (or overwrites) one tag.
#[server(prefix = "/api", endpoint = "tag_resource")]
pub async fn tag_resource(tag: TagEntry) -> Result<(), ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.console_tag(&ctx, tag).await.map_err(fail)
}

/// Removes one tag by its key.
#[server(prefix = "/api", endpoint = "untag_resource")]
pub async fn untag_resource(tag: TagRemoval) -> Result<(), ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.console_untag(&ctx, tag).await.map_err(fail)
}
