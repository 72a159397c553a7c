//! Endpoint service actions (provider): create, get, list, update, delete.

use super::{done, tags};
use crate::domain::ApiError;
use crate::domain::bandwidth::{CONNECT_BANDWIDTH_MAX, CONNECT_BANDWIDTH_MIN};
use crate::domain::model::ServiceView;
use crate::domain::state::IpVersion;
use crate::openapi::params::Params;
use crate::openapi::wire::{self, Body, object};
use crate::ops::service_reads::ServiceFilter;
use crate::ops::services::{NewResource, NewService, ServiceUpdate};
use crate::ops::{Ctx, Ops};
use serde_json::{Value, json};

/// `AddressIpVersion`, or `DualStack` when only `ServiceSupportIPv6=true` is given.
fn ip_version(p: &Params) -> Result<Option<String>, ApiError> {
    Ok(p.string("AddressIpVersion")
        .or(match p.bool("ServiceSupportIPv6")? {
            Some(true) => Some(IpVersion::DualStack.to_string()),
            _ => None,
        }))
}

/// CreateVpcEndpointService.
pub async fn create(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    let region_id = p.required("RegionId")?.to_owned();
    let resources = p
        .objects("Resource")
        .into_iter()
        .enumerate()
        .map(|(i, mut o)| {
            Ok(NewResource {
                resource_id: o
                    .remove("ResourceId")
                    .ok_or_else(|| ApiError::missing(&format!("Resource.{}.ResourceId", i + 1)))?,
                resource_type: o.remove("ResourceType"),
                zone_id: o.remove("ZoneId"),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let n = NewService {
        id: None,
        region_id,
        description: p.string("ServiceDescription").unwrap_or_default(),
        auto_accept: p.bool("AutoAcceptEnabled")?.unwrap_or(false),
        zone_affinity: p.bool("ZoneAffinityEnabled")?.unwrap_or(false),
        payer: p.string("Payer"),
        resource_type: p.string("ServiceResourceType"),
        resources,
        address_ip_version: ip_version(p)?,
        supported_regions: p.list("SupportedRegionList"),
        resource_group_id: p.string("ResourceGroupId"),
        tags: tags(p),
    };
    let v = ops.create_service(ctx, n).await?;
    Ok(object(json!({
        "ServiceId": v.id,
        "ServiceName": v.name,
        "ServiceDomain": v.domain,
        "ServiceStatus": v.status,
        "ServiceBusinessStatus": v.business_status,
        "ServiceDescription": v.description,
        "CreateTime": v.created_at,
        "AutoAcceptEnabled": v.auto_accept,
        "ZoneAffinityEnabled": v.zone_affinity,
        "ServiceSupportIPv6": v.address_ip_version.is_dual(),
        "AddressIpVersion": v.address_ip_version,
        "ResourceGroupId": v.resource_group_id,
        "SupportedRegionSet": supported_regions(&v),
    })))
}

/// `SupportedRegionSet[]`.
fn supported_regions(v: &ServiceView) -> Value {
    Value::Array(
        v.supported_regions
            .iter()
            .map(|r| {
                json!({
                    "SupportedRegionId": r,
                    "ServiceRegionId": v.region_id,
                    "RegionServiceStatus": v.status,
                    "RegionBusinessStatus": v.business_status,
                })
            })
            .collect(),
    )
}

/// The fields of GetVpcEndpointServiceAttribute. `ConnectBandwidth` is read back only for CLB
/// (`slb`) services, like the real API.
pub(crate) fn service_fields(v: &ServiceView) -> Body {
    let mut m = object(json!({
        "ServiceId": v.id,
        "ServiceName": v.name,
        "ServiceDomain": v.domain,
        "ServiceDescription": v.description,
        "ServiceStatus": v.status,
        "ServiceBusinessStatus": v.business_status,
        "ServiceType": v.service_type,
        "ServiceResourceType": v.resource_type,
        "AutoAcceptEnabled": v.auto_accept,
        "ZoneAffinityEnabled": v.zone_affinity,
        "ServiceSupportIPv6": v.address_ip_version.is_dual(),
        "AddressIpVersion": v.address_ip_version,
        "MinBandwidth": CONNECT_BANDWIDTH_MIN,
        "MaxBandwidth": CONNECT_BANDWIDTH_MAX,
        "Payer": v.payer,
        "RegionId": v.region_id,
        "ResourceGroupId": v.resource_group_id,
        "CreateTime": v.created_at,
        "Zones": v.zones,
        "SupportedRegionSet": supported_regions(v),
    }));
    if v.resource_type == "slb" {
        m.insert("ConnectBandwidth".into(), json!(v.connect_bandwidth));
    }
    m
}

/// GetVpcEndpointServiceAttribute.
pub async fn get(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    let v = ops.get_service(ctx, p.required_param("ServiceId")?).await?;
    Ok(service_fields(&v))
}

/// ListVpcEndpointServices (paging 1–1000, default 50).
pub async fn list(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    let region_id = p.required("RegionId")?;
    let paging = wire::paging(p, 1000, 50)?;
    let f = ServiceFilter {
        service_id: p.string("ServiceId"),
        service_name: p.string("ServiceName"),
        status: p.string("ServiceStatus"),
        business_status: p.string("ServiceBusinessStatus"),
        auto_accept: p.bool("AutoAcceptEnabled")?,
        zone_affinity: p.bool("ZoneAffinityEnabled")?,
        resource_type: p.string("ServiceResourceType"),
        address_ip_version: p.string("AddressIpVersion"),
        resource_id: p.string("ResourceId"),
        resource_group_id: p.string("ResourceGroupId"),
        tags: tags(p),
    };
    let page = ops
        .list_services(ctx, region_id, &f, paging.token.as_deref(), paging.max)
        .await?;
    let services: Vec<Value> = page
        .items
        .iter()
        .map(|v| {
            let mut m = service_fields(v);
            m.remove("Zones");
            m.insert("Tags".into(), wire::tags(&v.tags));
            Value::Object(m)
        })
        .collect();
    Ok(object(json!({
        "Services": services,
        "TotalCount": page.total,
        "NextToken": wire::encode_token(page.next_token.as_deref()),
        "MaxResults": paging.max,
    })))
}

/// UpdateVpcEndpointServiceAttribute.
pub async fn update(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    let u = ServiceUpdate {
        description: p.string("ServiceDescription"),
        auto_accept: p.bool("AutoAcceptEnabled")?,
        connect_bandwidth: p.int("ConnectBandwidth")?,
        zone_affinity: p.bool("ZoneAffinityEnabled")?,
        address_ip_version: ip_version(p)?,
        add_regions: p.list("AddSupportedRegionSet"),
        remove_regions: p.list("DeleteSupportedRegionSet"),
    };
    ops.update_service(ctx, p.required_param("ServiceId")?, u)
        .await?;
    Ok(done())
}

/// DeleteVpcEndpointService.
pub async fn delete(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    ops.delete_service(ctx, p.required_param("ServiceId")?)
        .await?;
    Ok(done())
}
