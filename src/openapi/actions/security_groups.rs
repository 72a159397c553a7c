//! Endpoint security group actions (consumer): attach, detach, list.

use super::done;
use crate::domain::ApiError;
use crate::openapi::params::Params;
use crate::openapi::wire::{self, Body, object};
use crate::ops::{Ctx, Ops};
use serde_json::{Value, json};

/// AttachSecurityGroupToVpcEndpoint.
pub async fn attach(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    ops.attach_sg(
        ctx,
        p.required_param("EndpointId")?,
        p.required_param("SecurityGroupId")?,
    )
    .await?;
    Ok(done())
}

/// DetachSecurityGroupFromVpcEndpoint.
pub async fn detach(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    ops.detach_sg(
        ctx,
        p.required_param("EndpointId")?,
        p.required_param("SecurityGroupId")?,
    )
    .await?;
    Ok(done())
}

/// ListVpcEndpointSecurityGroups (paging 1–50).
pub async fn list(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    let paging = wire::paging(p, 50, 50)?;
    let all = ops
        .list_endpoint_sgs(ctx, p.required_param("EndpointId")?)
        .await?;
    let total = all.len();
    let (page, next) = wire::page_of(all, &paging)?;
    let groups: Vec<Value> = page
        .iter()
        .map(|g| json!({"SecurityGroupId": g.sg_id, "SecurityGroupStatus": g.status}))
        .collect();
    Ok(object(json!({
        "SecurityGroups": groups,
        "TotalCount": total,
        "NextToken": next,
        "MaxResults": paging.max,
    })))
}
