//! Gateway endpoints: a VPC feature separate from PrivateLink that routes traffic for an Alibaba
//! Cloud service (only OSS) through the VPC's route tables, using addresses from the reserved
//! space 100.64.0.0/10, under an endpoint policy.

use super::region::{REGIONS, region};
use serde::{Deserialize, Serialize};

/// The reserved address space gateway endpoints route.
pub const RESERVED_SPACE: &str = "100.64.0.0/10";

/// The one service that supports gateway endpoints.
pub const GATEWAY_PRODUCT: &str = "oss";

/// The gateway service name of OSS in `region_id`: `com.aliyun.<region>.oss`.
pub fn oss_gateway_service(region_id: &str) -> String {
    format!("com.aliyun.{region_id}.{GATEWAY_PRODUCT}")
}

/// The address prefix OSS answers from in `region_id`, inside 100.64.0.0/10: one /22 per region.
pub fn oss_prefix(region_id: &str) -> Option<String> {
    let index = REGIONS.iter().position(|r| r.id == region_id)?;
    let third = 28 + index * 4;
    (third < 256).then(|| format!("100.118.{third}.0/22"))
}

/// The system route table every VPC has: `vtb-` and the VPC id's suffix.
pub fn system_route_table(vpc_id: &str) -> String {
    format!("vtb-{}", vpc_id.trim_start_matches("vpc-"))
}

/// True when `name` is the OSS gateway service of a known region.
pub fn is_gateway_service(name: &str) -> Option<&'static str> {
    let region_id = name.strip_prefix("com.aliyun.")?.strip_suffix(".oss")?;
    region(region_id).map(|r| r.id)
}

/// A gateway endpoint as the console and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayEndpointView {
    pub id: String,
    pub name: String,
    pub region_id: String,
    pub vpc_id: String,
    pub service_name: String,
    /// The destination its route entries send to the endpoint.
    pub prefix_cidr: String,
    pub policy_document: Option<String>,
    /// Creating | Active | Deleting.
    pub status: super::state::ResourceStatus,
    pub route_tables: Vec<String>,
    pub created_at: String,
}

/// The console's "Create a gateway endpoint" form (for OSS in `region`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewGatewayEndpointForm {
    pub region: String,
    pub vpc_id: String,
    #[serde(default)]
    pub name: String,
    /// Empty for the default policy.
    #[serde(default)]
    pub policy_document: String,
    #[serde(default)]
    pub route_tables: Vec<String>,
}

/// A gateway endpoint's new name and policy (an empty policy removes it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayEndpointEdit {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub policy_document: String,
}

/// Associates (`associate`) a route table with a gateway endpoint, or dissociates it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteTableChange {
    pub id: String,
    pub route_table: String,
    #[serde(default)]
    pub associate: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::inventory::{cidr_contains, parse_cidr};

    #[test]
    fn oss_prefixes_lie_in_the_reserved_space_and_differ_by_region() {
        let mut seen = Vec::new();
        for r in REGIONS {
            let p = oss_prefix(r.id).unwrap();
            assert!(parse_cidr(&p).is_some(), "{p}");
            assert!(cidr_contains(RESERVED_SPACE, &p), "{p}");
            assert!(!seen.contains(&p));
            seen.push(p);
        }
        assert_eq!(
            is_gateway_service("com.aliyun.cn-hangzhou.oss"),
            Some("cn-hangzhou")
        );
        assert_eq!(is_gateway_service("com.aliyun.cn-hangzhou.sls"), None);
        assert_eq!(system_route_table("vpc-bp1abc"), "vtb-bp1abc");
    }
}
