//! Service resource actions (provider): attach, detach and list load balancers.

use super::done;
use crate::domain::ApiError;
use crate::openapi::params::Params;
use crate::openapi::wire::{self, Body, object};
use crate::ops::allocation::ZoneResourceChange;
use crate::ops::services::NewResource;
use crate::ops::{Ctx, Ops};
use serde_json::{Value, json};

/// AttachResourceToVpcEndpointService.
pub async fn attach(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    let r = NewResource {
        resource_id: p.required_param("ResourceId")?.to_owned(),
        resource_type: Some(p.required_param("ResourceType")?.to_owned()),
        zone_id: p.string("ZoneId"),
    };
    ops.attach_resource(ctx, p.required_param("ServiceId")?, r)
        .await?;
    Ok(done())
}

/// DetachResourceFromVpcEndpointService.
pub async fn detach(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    ops.detach_resource(
        ctx,
        p.required_param("ServiceId")?,
        p.required_param("ResourceId")?,
        p.get("ZoneId"),
    )
    .await?;
    Ok(done())
}

/// ListVpcEndpointServiceResources (paging 1–50); every resource carries its `ZoneId`.
pub async fn list(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    let region_id = p.required("RegionId")?;
    let paging = wire::paging(p, 50, 50)?;
    let all = ops
        .list_resources(ctx, p.required_param("ServiceId")?)
        .await?;
    let total = all.len();
    let (page, next) = wire::page_of(all, &paging)?;
    let resources: Vec<Value> = page
        .iter()
        .map(|r| {
            json!({
                "ResourceId": r.resource_id,
                "ResourceType": r.resource_type,
                "ZoneId": r.zone_id,
                "VpcId": r.vpc_id,
                "RegionId": region_id,
                "AutoAllocatedEnabled": r.auto_allocated,
                "ResourceSupportIPv6": r.supports_ipv6,
                "RelatedEndpointCount": r.related_endpoints,
                "RelatedDeprecatedEndpointCount": 0,
            })
        })
        .collect();
    Ok(object(json!({
        "Resources": resources,
        "TotalCount": total,
        "NextToken": next,
        "MaxResults": paging.max,
    })))
}

/// UpdateVpcEndpointServiceResourceAttribute: automatic allocation on or off.
pub async fn update(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    let enabled = p
        .bool("AutoAllocatedEnabled")?
        .ok_or_else(|| ApiError::missing("AutoAllocatedEnabled"))?;
    ops.set_resource_auto_allocation(
        ctx,
        p.required_param("ServiceId")?,
        p.required_param("ResourceId")?,
        p.get("ZoneId"),
        enabled,
    )
    .await?;
    Ok(done())
}

/// UpdateVpcEndpointZoneConnectionResourceAttribute: the resource behind one zone of a connection.
pub async fn update_zone(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    let change = ZoneResourceChange::from_params(
        p.get("ResourceAllocateMode"),
        p.get("ResourceReplaceMode"),
        p.get("ResourceId"),
        p.get("ResourceType"),
    )?;
    ops.set_zone_resource(
        ctx,
        p.required_param("ServiceId")?,
        p.required_param("EndpointId")?,
        p.required_param("ZoneId")?,
        change,
    )
    .await?;
    Ok(done())
}
