//! Tags on the active account's own endpoint services and endpoints.

use crate::domain::ApiError;
use leptos::prelude::*;

/// Adds (or overwrites) one tag; `resource_type` is `VpcEndpointService` or `VpcEndpoint`.
#[server(prefix = "/api", endpoint = "tag_resource")]
pub async fn tag_resource(
    resource_type: String,
    resource_id: String,
    key: String,
    value: String,
) -> Result<(), ApiError> {
    use super::context::*;
    use crate::ops::tags::TagTarget;
    let (ops, ctx) = caller().await?;
    let target = TagTarget::parse(&resource_type).map_err(fail)?;
    ops.tag_resources(&ctx, target, &[resource_id], &[(key, value)])
        .await
        .map_err(fail)
}

/// Removes one tag by its key.
#[server(prefix = "/api", endpoint = "untag_resource")]
pub async fn untag_resource(
    resource_type: String,
    resource_id: String,
    key: String,
) -> Result<(), ApiError> {
    use super::context::*;
    use crate::ops::tags::TagTarget;
    let (ops, ctx) = caller().await?;
    let target = TagTarget::parse(&resource_type).map_err(fail)?;
    ops.untag_resources(&ctx, target, &[resource_id], &[key], false)
        .await
        .map_err(fail)
}
