//! Product, location and discovery actions (either role).

use super::tags;
use crate::domain::ApiError;
use crate::domain::region::{REGIONS, region};
use crate::openapi::params::Params;
use crate::openapi::wire::{self, Body, object};
use crate::ops::discovery::VisibleFilter;
use crate::ops::{Ctx, Ops};
use serde_json::{Value, json};

/// The service resource types every modelled region offers.
const RESOURCE_TYPES: [&str; 4] = ["slb", "alb", "nlb", "gwlb"];

/// DescribeRegions: `Regions.Region[]` (nested wrappers, unlike the flat arrays elsewhere).
pub fn describe_regions(_p: &Params) -> Result<Body, ApiError> {
    let regions: Vec<Value> = REGIONS
        .iter()
        .map(|r| {
            json!({
                "RegionId": r.id,
                "LocalName": r.local_name,
                "RegionEndpoint": format!("privatelink.{}.aliyuncs.com", r.id),
                "ServiceResourceTypes": {"ServiceResourceType": RESOURCE_TYPES},
            })
        })
        .collect();
    Ok(object(json!({"Regions": {"Region": regions}})))
}

/// DescribeZones: `Zones.Zone[]{ZoneId, LocalName}` of one region.
pub fn describe_zones(p: &Params) -> Result<Body, ApiError> {
    let id = p.required("RegionId")?;
    let r = region(id)
        .ok_or_else(|| ApiError::illegal("RegionId", format!("unknown region `{id}`")))?;
    let zones: Vec<Value> = r
        .zones
        .iter()
        .map(|z| {
            let letter = z.trim_start_matches(r.id).trim_start_matches('-');
            json!({
                "ZoneId": z,
                "LocalName": format!("{} Zone {}", r.local_name, letter.to_uppercase()),
            })
        })
        .collect();
    Ok(object(json!({"Zones": {"Zone": zones}})))
}

/// CheckProductOpen: the product is always open in Linkyard.
pub fn check_product_open() -> Body {
    object(json!({"Success": true}))
}

/// OpenPrivateLinkService: the product is always open, so the answer is `OrderOpend` (which
/// Terraform's `alicloud_privatelink_service` counts as success).
pub fn open_service() -> ApiError {
    ApiError::new(
        "OrderOpend",
        "You have already opened the PrivateLink service.",
    )
}

/// ListVpcEndpointServicesByEndUser (paging 1–1000, default 50): services the caller may connect
/// to. `TotalCount` is a string here.
pub async fn by_end_user(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    let region_id = p.required("RegionId")?;
    let paging = wire::paging(p, 1000, 50)?;
    let f = VisibleFilter {
        service_id: p.string("ServiceId"),
        service_name: p.string("ServiceName"),
        service_type: p.string("ServiceType"),
        resource_group_id: p.string("ResourceGroupId"),
        tags: tags(p),
    };
    let service_region = p.get("ServiceRegionId").unwrap_or(region_id);
    let all = ops.list_visible_services(ctx, service_region, &f).await?;
    let total = all.len();
    let (page, next) = wire::page_of(all, &paging)?;
    let services: Vec<Value> = page
        .iter()
        .map(|v| {
            json!({
                "ServiceId": v.id,
                "ServiceName": v.name,
                "ServiceDomain": v.domain,
                "ServiceType": v.service_type,
                "ServiceResourceType": v.resource_type,
                "AutoAcceptEnabled": v.auto_accept,
                "Payer": v.payer,
                "ZoneAffinityEnabled": v.zone_affinity,
                "ServiceSupportIPv6": v.address_ip_version.is_dual(),
                "AddressIpVersion": v.address_ip_version,
                "Zones": v.zones,
                "ResourceGroupId": v.resource_group_id,
                "Tags": wire::tags(&v.tags),
                "VpcEndpointPolicySupported": v.policy_supported,
            })
        })
        .collect();
    Ok(object(json!({
        "Services": services,
        "TotalCount": total.to_string(),
        "NextToken": next,
        "MaxResults": paging.max,
    })))
}
