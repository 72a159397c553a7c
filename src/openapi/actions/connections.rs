//! Connection actions (provider): list, accept, reject/disconnect, change bandwidth, and
//! enable/disable single zones.

use super::done;
use crate::domain::ApiError;
use crate::domain::model::{ConnectionView, ZoneView};
use crate::openapi::params::Params;
use crate::openapi::wire::{self, Body, object};
use crate::ops::connections::ConnectionFilter;
use crate::ops::{Ctx, Ops};
use serde_json::{Value, json};

/// A 16-digit account id as the JSON integer the API documents.
pub(crate) fn account_number(id: &str) -> Value {
    id.parse::<i64>().map_or_else(|_| json!(id), |n| json!(n))
}

fn connection_zone(z: &ZoneView) -> Value {
    json!({
        "ZoneId": z.zone_id,
        "VSwitchId": z.vswitch_id,
        "EniId": z.eni_id,
        "ResourceId": z.resource_id.clone().unwrap_or_default(),
        "ZoneDomain": z.domain,
        "ZoneStatus": z.status,
    })
}

fn connection(v: &ConnectionView) -> Value {
    json!({
        "EndpointId": v.endpoint_id,
        "EndpointOwnerId": account_number(&v.endpoint_owner_id),
        "EndpointVpcId": v.endpoint_vpc_id,
        "EndpointRegionId": v.endpoint_region_id,
        "ServiceId": v.service_id,
        "ServiceRegionId": v.service_region_id,
        "ConnectionStatus": v.status,
        "Bandwidth": v.bandwidth,
        "TrafficControlMode": v.traffic_control_mode,
        "ModifiedTime": v.modified_at,
        "ResourceOwner": v.resource_owner,
        "ResourceGroupId": v.resource_group_id,
        "Zones": v.zones.iter().map(connection_zone).collect::<Vec<_>>(),
    })
}

/// ListVpcEndpointConnections (paging 1–1000, default 50). `TotalCount` is a string here.
pub async fn list(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    let paging = wire::paging(p, 1000, 50)?;
    let f = ConnectionFilter {
        endpoint_id: p.string("EndpointId"),
        endpoint_owner_id: p.string("EndpointOwnerId"),
        status: p.string("ConnectionStatus"),
        eni_id: p.string("EniId"),
        resource_id: p.string("ResourceId"),
        resource_group_id: p.string("ResourceGroupId"),
    };
    let page = ops
        .list_connections(
            ctx,
            p.required_param("ServiceId")?,
            &f,
            paging.token.as_deref(),
            paging.max,
        )
        .await?;
    Ok(object(json!({
        "Connections": page.items.iter().map(connection).collect::<Vec<_>>(),
        "TotalCount": page.total.to_string(),
        "NextToken": wire::encode_token(page.next_token.as_deref()),
        "MaxResults": paging.max,
    })))
}

/// EnableVpcEndpointConnection.
pub async fn enable(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    ops.accept_connection(
        ctx,
        p.required_param("ServiceId")?,
        p.required_param("EndpointId")?,
        p.int("Bandwidth")?,
        p.get("TrafficControlMode"),
    )
    .await?;
    Ok(done())
}

/// DisableVpcEndpointConnection.
pub async fn disable(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    ops.reject_connection(
        ctx,
        p.required_param("ServiceId")?,
        p.required_param("EndpointId")?,
        None,
    )
    .await?;
    Ok(done())
}

/// UpdateVpcEndpointConnectionAttribute.
pub async fn update(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    ops.set_connection_bandwidth(
        ctx,
        p.required_param("ServiceId")?,
        p.required_param("EndpointId")?,
        p.int("Bandwidth")?,
        p.get("TrafficControlMode"),
    )
    .await?;
    Ok(done())
}

/// EnableVpcEndpointZoneConnection (`enable`) / DisableVpcEndpointZoneConnection.
pub async fn zone(ops: &Ops, ctx: &Ctx, p: &Params, enable: bool) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    p.bool("ReplacedResource")?;
    ops.set_zone_connection(
        ctx,
        p.required_param("ServiceId")?,
        p.required_param("EndpointId")?,
        p.required_param("ZoneId")?,
        enable,
    )
    .await?;
    Ok(done())
}
