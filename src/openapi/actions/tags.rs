//! Tag and resource-group actions on the caller's own endpoints and services.

use super::{done, tags};
use crate::domain::ApiError;
use crate::openapi::params::Params;
use crate::openapi::wire::{self, Body, object};
use crate::ops::tags::TagTarget;
use crate::ops::{Ctx, Ops};
use serde_json::json;

fn target(p: &Params) -> Result<TagTarget, ApiError> {
    TagTarget::parse(p.get("ResourceType").unwrap_or(""))
}

/// TagResources.
pub async fn tag(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    ops.tag_resources(ctx, target(p)?, &p.list("ResourceId"), &tags(p))
        .await?;
    Ok(done())
}

/// UntagResources (`All` is ignored when `TagKey.N` is given).
pub async fn untag(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    let all = p.bool("All")?.unwrap_or(false);
    ops.untag_resources(
        ctx,
        target(p)?,
        &p.list("ResourceId"),
        &p.list("TagKey"),
        all,
    )
    .await?;
    Ok(done())
}

/// ListTagResources: a flat `TagResources[]` and `NextToken` (no `MaxResults`).
pub async fn list(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    let token = wire::next_token(p)?;
    let page = ops
        .list_tag_resources(
            ctx,
            target(p)?,
            &p.list("ResourceId"),
            &tags(p),
            token.as_deref(),
        )
        .await?;
    let rows: Vec<_> = page
        .items
        .iter()
        .map(|t| {
            json!({
                "ResourceId": t.resource_id,
                "ResourceType": t.resource_type,
                "TagKey": t.key,
                "TagValue": t.value,
            })
        })
        .collect();
    Ok(object(json!({
        "TagResources": rows,
        "NextToken": wire::encode_token(page.next_token.as_deref()),
    })))
}

/// ChangeResourceGroup (`ResourceType` defaults to `VpcEndpoint`; no `RegionId` needed).
pub async fn change_group(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    let target = match p.get("ResourceType") {
        None => TagTarget::Endpoint,
        Some(t) => TagTarget::parse(t)?,
    };
    ops.change_resource_group(
        ctx,
        target,
        p.get("ResourceId").unwrap_or(""),
        p.get("ResourceGroupId").unwrap_or(""),
    )
    .await?;
    Ok(done())
}
