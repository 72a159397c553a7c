//! Endpoint actions (consumer): create, get, list, update, delete.

use super::{done, tags};
use crate::domain::ApiError;
use crate::domain::model::EndpointView;
use crate::openapi::params::Params;
use crate::openapi::wire::{self, Body, object};
use crate::ops::endpoints::{EndpointFilter, EndpointUpdate, NewEndpoint, NewZone};
use crate::ops::{Ctx, Ops};
use serde_json::{Value, json};

/// `Zone.N.ZoneId` / `Zone.N.VSwitchId` / `Zone.N.ip` (lower-case `ip`, as the SDKs send it).
fn zones(p: &Params) -> Result<Vec<NewZone>, ApiError> {
    p.objects("Zone")
        .into_iter()
        .enumerate()
        .map(|(i, mut o)| {
            let n = i + 1;
            Ok(NewZone {
                zone_id: o
                    .remove("ZoneId")
                    .ok_or_else(|| ApiError::missing(&format!("Zone.{n}.ZoneId")))?,
                vswitch_id: o
                    .remove("VSwitchId")
                    .ok_or_else(|| ApiError::missing(&format!("Zone.{n}.VSwitchId")))?,
                ip: o.remove("ip").or_else(|| o.remove("Ip")),
            })
        })
        .collect()
}

/// CreateVpcEndpoint.
pub async fn create(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    let n = NewEndpoint {
        region_id: p.required("RegionId")?.to_owned(),
        vpc_id: p.required_param("VpcId")?.to_owned(),
        service_id: p.string("ServiceId"),
        service_name: p.string("ServiceName"),
        service_region_id: p.string("ServiceRegionId"),
        name: p.string("EndpointName").unwrap_or_default(),
        description: p.string("EndpointDescription").unwrap_or_default(),
        endpoint_type: p.string("EndpointType"),
        security_group_ids: p.list("SecurityGroupId"),
        zones: zones(p)?,
        address_ip_version: p.string("AddressIpVersion"),
        zone_affinity: p.bool("ZoneAffinityEnabled")?.unwrap_or(false),
        policy_document: p.string("PolicyDocument"),
        protected: p.bool("ProtectedEnabled")?.unwrap_or(false),
        private_dns_enabled: false,
        cross_region_bandwidth: p.int("CrossRegionBandwidth")?,
        resource_group_id: p.string("ResourceGroupId"),
        tags: tags(p),
    };
    let v = ops.create_endpoint(ctx, n).await?;
    let mut m = endpoint_fields(&v);
    for extra in [
        "EndpointType",
        "RegionId",
        "Payer",
        "PolicyDocument",
        "ProtectedEnabled",
        "ResourceOwner",
        "ResourceGroupId",
        "ZonePrivateIpAddressCount",
    ] {
        m.remove(extra);
    }
    Ok(m)
}

/// The fields of GetVpcEndpointAttribute.
fn endpoint_fields(v: &EndpointView) -> Body {
    let mut m = object(json!({
        "EndpointId": v.id,
        "EndpointName": v.name,
        "EndpointDescription": v.description,
        "EndpointDomain": v.domain,
        "EndpointStatus": v.status,
        "EndpointBusinessStatus": v.business_status,
        "EndpointType": v.endpoint_type,
        "ConnectionStatus": v.connection_status,
        "Bandwidth": v.bandwidth,
        "ServiceId": v.service_id,
        "ServiceName": v.service_name,
        "ServiceRegionId": v.service_region_id,
        "VpcId": v.vpc_id,
        "RegionId": v.region_id,
        "Payer": v.payer,
        "ProtectedEnabled": v.protected,
        "ResourceOwner": v.resource_owner,
        "ResourceGroupId": v.resource_group_id,
        "AddressIpVersion": v.address_ip_version,
        "ZoneAffinityEnabled": v.zone_affinity,
        "ZonePrivateIpAddressCount": 1,
        "CreateTime": v.created_at,
    }));
    if let Some(bw) = v.cross_region_bandwidth {
        m.insert("CrossRegionBandwidth".into(), json!(bw));
    }
    if let Some(doc) = &v.policy_document {
        m.insert("PolicyDocument".into(), json!(doc));
    }
    m
}

/// GetVpcEndpointAttribute.
pub async fn get(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    let v = ops
        .get_endpoint(ctx, p.required_param("EndpointId")?)
        .await?;
    Ok(endpoint_fields(&v))
}

/// ListVpcEndpoints (paging 1–1000, default 50).
pub async fn list(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    let region_id = p.required("RegionId")?;
    let paging = wire::paging(p, 1000, 50)?;
    let f = EndpointFilter {
        endpoint_id: p.string("EndpointId"),
        endpoint_name: p.string("EndpointName"),
        status: p.string("EndpointStatus"),
        connection_status: p.string("ConnectionStatus"),
        endpoint_type: p.string("EndpointType"),
        vpc_id: p.string("VpcId"),
        service_name: p.string("ServiceName"),
        service_region_id: p.string("ServiceRegionId"),
        address_ip_version: p.string("AddressIpVersion"),
        resource_group_id: p.string("ResourceGroupId"),
        tags: tags(p),
    };
    let page = ops
        .list_endpoints(ctx, region_id, &f, paging.token.as_deref(), paging.max)
        .await?;
    let endpoints: Vec<Value> = page
        .items
        .iter()
        .map(|v| {
            let mut m = endpoint_fields(v);
            m.remove("Payer");
            m.remove("ZonePrivateIpAddressCount");
            m.insert("Tags".into(), wire::tags(&v.tags));
            Value::Object(m)
        })
        .collect();
    Ok(object(json!({
        "Endpoints": endpoints,
        "TotalCount": page.total,
        "NextToken": wire::encode_token(page.next_token.as_deref()),
        "MaxResults": paging.max,
    })))
}

/// UpdateVpcEndpointAttribute. `AddressIpVersion` is accepted and not applied, like the real API.
pub async fn update(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    let u = EndpointUpdate {
        name: p.string("EndpointName"),
        description: p.string("EndpointDescription"),
        policy_document: p.string("PolicyDocument"),
        reset_policy: p.bool("ResetPolicy")?.unwrap_or(false),
        zone_affinity: p.bool("ZoneAffinityEnabled")?,
        private_dns_enabled: None,
        cross_region_bandwidth: p.int("CrossRegionBandwidth")?,
    };
    ops.update_endpoint(ctx, p.required_param("EndpointId")?, u)
        .await?;
    Ok(done())
}

/// DeleteVpcEndpoint.
pub async fn delete(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    ops.delete_endpoint(ctx, p.required_param("EndpointId")?)
        .await?;
    Ok(done())
}
