//! What operations return: endpoint services, endpoints, zones, connections and DNS answers, with
//! API status values (the console maps them through [`super::status`]). Times are ISO-8601 UTC.

use super::state::{
    BusinessStatus, ConnectionStatus, IpVersion, ResourceStatus, SecurityGroupStatus, TrafficMode,
    ZoneStatus,
};
use serde::{Deserialize, Serialize};

/// An endpoint service as its owner (or a permitted consumer) sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceView {
    pub id: String,
    pub owner_id: String,
    pub region_id: String,
    pub name: String,
    pub domain: String,
    pub description: String,
    pub status: ResourceStatus,
    pub business_status: BusinessStatus,
    /// API resource type: slb, alb, nlb, gwlb.
    pub resource_type: String,
    /// Interface or GatewayLoadBalancer.
    pub service_type: String,
    pub auto_accept: bool,
    pub zone_affinity: bool,
    pub address_ip_version: IpVersion,
    pub connect_bandwidth: i64,
    pub payer: String,
    pub resource_group_id: String,
    pub zones: Vec<String>,
    pub supported_regions: Vec<String>,
    /// Set for Alibaba Cloud managed services (`oss`, `sls` …).
    pub managed_product: Option<String>,
    pub custom_domain: Option<String>,
    pub policy_supported: bool,
    pub created_at: String,
    pub tags: Vec<(String, String)>,
    pub connection_count: i64,
    pub pending_count: i64,
}

/// A load balancer attached to a service in one zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceView {
    pub resource_id: String,
    pub resource_type: String,
    pub zone_id: String,
    pub vpc_id: String,
    pub auto_allocated: bool,
    pub supports_ipv6: bool,
    pub related_endpoints: i64,
}

/// A whitelist entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhitelistView {
    pub user_id: String,
    pub user_arn: String,
    pub label: String,
    pub added_by: String,
    pub added_at: String,
}

/// An endpoint as its owner sees it, with its connection summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointView {
    pub id: String,
    pub owner_id: String,
    pub region_id: String,
    pub name: String,
    pub description: String,
    pub endpoint_type: String,
    pub vpc_id: String,
    pub service_id: String,
    pub service_name: String,
    pub service_region_id: String,
    pub address_ip_version: IpVersion,
    pub zone_affinity: bool,
    pub policy_document: Option<String>,
    pub protected: bool,
    pub private_dns_enabled: bool,
    pub cross_region_bandwidth: Option<i64>,
    pub status: ResourceStatus,
    pub business_status: BusinessStatus,
    pub domain: String,
    pub resource_group_id: String,
    pub connection_status: ConnectionStatus,
    /// Disconnected and waiting for the provider to accept or reject it (as
    /// [`ConnectionView::awaiting_decision`]).
    #[serde(default)]
    pub awaiting_decision: bool,
    /// The provider's throttle (or the service default before acceptance).
    pub bandwidth: i64,
    /// Why the provider rejected the connection, if it did.
    pub reject_reason: Option<String>,
    pub payer: String,
    /// Endpoint owner == service owner.
    pub resource_owner: bool,
    pub created_at: String,
    pub tags: Vec<(String, String)>,
}

/// One zone of an endpoint: its ENI, address, domain and per-zone connection status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneView {
    pub endpoint_id: String,
    pub zone_id: String,
    pub vswitch_id: String,
    pub eni_id: String,
    pub ip: String,
    pub ipv6: Option<String>,
    pub domain: String,
    pub status: ZoneStatus,
    pub healthy: bool,
    pub resource_id: Option<String>,
    /// Bandwidth in force on this zone's ENI (Mbit/s) and its maximum.
    pub bandwidth_mbps: i64,
    pub max_bandwidth_mbps: i64,
    /// The ENI's local loopback address, where the data plane serves its traffic.
    #[serde(default)]
    pub local_ip: Option<String>,
}

/// A security group on an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointSgView {
    pub sg_id: String,
    pub status: SecurityGroupStatus,
}

/// An endpoint connection, seen by the provider or the consumer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionView {
    pub endpoint_id: String,
    pub endpoint_name: String,
    pub endpoint_owner_id: String,
    pub endpoint_vpc_id: String,
    pub endpoint_region_id: String,
    pub service_id: String,
    pub service_region_id: String,
    pub status: ConnectionStatus,
    pub bandwidth: i64,
    pub traffic_control_mode: TrafficMode,
    pub reason: Option<String>,
    /// Disconnected and waiting for the provider to accept or reject it.
    pub awaiting_decision: bool,
    /// The provider may accept or reject it now ([`ConnectionStatus::decidable`]).
    #[serde(default)]
    pub decidable: bool,
    /// The provider may disconnect it or change its limit now ([`ConnectionStatus::adjustable`]).
    #[serde(default)]
    pub adjustable: bool,
    pub resource_owner: bool,
    pub resource_group_id: String,
    pub created_at: String,
    pub modified_at: String,
    pub zones: Vec<ZoneView>,
    /// Allowed throttle range for the bandwidth editor (Mbit/s).
    pub min_bandwidth: i64,
    pub max_bandwidth: i64,
    /// The limit is recorded but not enforced: each zone scales elastically
    /// (`domain::bandwidth::limit_enforced`).
    pub elastic: bool,
    /// What each zone runs at while elastic (its elastic default, Mbit/s).
    pub elastic_zone_mbps: i64,
}

/// The A/AAAA records a name resolves to now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsAnswer {
    pub name: String,
    pub addresses: Vec<String>,
    /// Zones left out because they are unhealthy.
    pub withheld_zones: Vec<String>,
}

/// A VPC allowed to resolve the custom service domains of endpoints in another VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpcDnsLinkView {
    /// The VPC that resolves.
    pub vpc_id: String,
    /// The VPC whose endpoints' custom domains it resolves.
    pub target_vpc_id: String,
}

/// An object a console page shows, or why the signed-in account has none by that id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lookup<T> {
    Found(T),
    /// This account deleted it; `at` is when (the audit log's time).
    Deleted {
        at: String,
    },
    /// Not in this account: it never existed here, or it belongs to another account.
    NotFound,
}

impl<T> Lookup<T> {
    /// The object, when there is one.
    pub fn found(self) -> Option<T> {
        match self {
            Lookup::Found(t) => Some(t),
            _ => None,
        }
    }

    /// `Ok` with the object, or `Err` with why there is none (for any object type).
    pub fn split<U>(self) -> Result<T, Lookup<U>> {
        match self {
            Lookup::Found(t) => Ok(t),
            Lookup::Deleted { at } => Err(Lookup::Deleted { at }),
            Lookup::NotFound => Err(Lookup::NotFound),
        }
    }

    /// True when there is an object.
    pub fn is_found(&self) -> bool {
        matches!(self, Lookup::Found(_))
    }
}
