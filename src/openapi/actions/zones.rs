//! Endpoint zone actions (consumer): add, remove, list.

use super::done;
use crate::domain::ApiError;
use crate::openapi::params::Params;
use crate::openapi::wire::{self, Body, object};
use crate::ops::endpoints::NewZone;
use crate::ops::{Ctx, Ops};
use serde_json::{Value, json};

/// AddZoneToVpcEndpoint (`ip` is the requested ENI address, echoed later as `EniIp`).
pub async fn add(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    let z = NewZone {
        zone_id: p.required_param("ZoneId")?.to_owned(),
        vswitch_id: p.required_param("VSwitchId")?.to_owned(),
        ip: p.string("ip").or_else(|| p.string("Ip")),
    };
    ops.add_zone(ctx, p.required_param("EndpointId")?, z)
        .await?;
    Ok(done())
}

/// RemoveZoneFromVpcEndpoint.
pub async fn remove(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    ops.remove_zone(
        ctx,
        p.required_param("EndpointId")?,
        p.required_param("ZoneId")?,
    )
    .await?;
    Ok(done())
}

/// ListVpcEndpointZones (paging 1–1000, default 50).
pub async fn list(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    let region_id = p.required("RegionId")?;
    let paging = wire::paging(p, 1000, 50)?;
    let all = ops.list_zones(ctx, p.required_param("EndpointId")?).await?;
    let total = all.len();
    let (page, next) = wire::page_of(all, &paging)?;
    let zones: Vec<Value> = page
        .iter()
        .map(|z| {
            json!({
                "ZoneId": z.zone_id,
                "VSwitchId": z.vswitch_id,
                "EniId": z.eni_id,
                "EniIp": z.ip,
                "ZoneIpv6Address": z.ipv6.clone().unwrap_or_default(),
                "ZoneDomain": z.domain,
                "ZoneStatus": z.status,
                "RegionId": region_id,
            })
        })
        .collect();
    Ok(object(json!({
        "Zones": zones,
        "TotalCount": total,
        "NextToken": next,
        "MaxResults": paging.max,
    })))
}
