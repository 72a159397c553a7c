//! CreateVpcEndpoint (and AddZoneToVpcEndpoint), planned: the request's own rules, the rules
//! between an endpoint and its service, security groups, and the choice of ENI addresses.

use crate::domain::ApiError;
use crate::domain::inventory::{format_ipv4, parse_ipv4, usable_range};
use crate::domain::region::{Region, region};
use crate::domain::state::IpVersion;
use crate::domain::validate;

/// Most endpoints in one VPC, zones per endpoint and security groups per endpoint.
pub const ENDPOINTS_PER_VPC: i64 = 1000;
pub const ZONES_PER_ENDPOINT: usize = 10;
pub const SGS_PER_ENDPOINT: usize = 10;

/// One zone of a new endpoint: the vSwitch its ENI lives in and, optionally, the IP to use.
#[derive(Debug, Clone, Default)]
pub struct NewZone {
    pub zone_id: String,
    pub vswitch_id: String,
    pub ip: Option<String>,
}

/// Input of CreateVpcEndpoint.
#[derive(Debug, Clone, Default)]
pub struct NewEndpoint {
    pub region_id: String,
    pub vpc_id: String,
    pub service_id: Option<String>,
    pub service_name: Option<String>,
    pub service_region_id: Option<String>,
    pub name: String,
    pub description: String,
    pub endpoint_type: Option<String>,
    pub security_group_ids: Vec<String>,
    pub zones: Vec<NewZone>,
    pub address_ip_version: Option<String>,
    pub zone_affinity: bool,
    pub policy_document: Option<String>,
    pub protected: bool,
    pub private_dns_enabled: bool,
    pub cross_region_bandwidth: Option<i64>,
    pub resource_group_id: Option<String>,
    pub tags: Vec<(String, String)>,
}

/// What a valid request asks for, before anything is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSpec {
    pub region: &'static Region,
    pub endpoint_type: String,
    pub ip_version: IpVersion,
}

/// Checks everything the request says on its own: region, name, description, tags, endpoint
/// type, IP version, and its lists of zones and security groups (sizes, duplicate zones).
pub fn spec(n: &NewEndpoint) -> Result<EndpointSpec, ApiError> {
    let r = region(&n.region_id).ok_or_else(|| {
        ApiError::illegal("RegionId", format!("unknown region `{}`", n.region_id))
    })?;
    validate::endpoint_name(&n.name)?;
    validate::description("EndpointDescription", &n.description)?;
    validate::tags(&n.tags)?;
    let endpoint_type = n
        .endpoint_type
        .clone()
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "Interface".into());
    if !validate::ENDPOINT_TYPES.contains(&endpoint_type.as_str()) {
        return Err(ApiError::illegal(
            "EndpointType",
            "use Interface, GatewayLoadBalancer or Reverse",
        ));
    }
    let ip_version = validate::ip_version(n.address_ip_version.as_deref())?;
    if n.zones.len() > ZONES_PER_ENDPOINT {
        return Err(ApiError::quota(
            "epZonePerEndpoint",
            n.zones.len(),
            ZONES_PER_ENDPOINT,
        ));
    }
    for (i, z) in n.zones.iter().enumerate() {
        if n.zones[..i].iter().any(|o| o.zone_id == z.zone_id) {
            return Err(ApiError::zone_listed_twice(&z.zone_id));
        }
    }
    if n.security_group_ids.len() > SGS_PER_ENDPOINT {
        return Err(ApiError::quota(
            "SecurityGroupPerEndpoint",
            n.security_group_ids.len(),
            SGS_PER_ENDPOINT,
        ));
    }
    Ok(EndpointSpec {
        region: r,
        endpoint_type,
        ip_version,
    })
}

/// What an endpoint needs to know of the service it connects to.
#[derive(Debug, Clone, Copy)]
pub struct ServiceFacts<'a> {
    pub id: &'a str,
    pub region_id: &'a str,
    /// `clb`, `alb`, `nlb` or `gwlb`.
    pub resource_type: &'a str,
    /// An Alibaba Cloud managed service (OSS, SLS, …).
    pub managed: bool,
    pub dual_stack: bool,
    pub policy_supported: bool,
    /// The regions a cross-region endpoint may connect from.
    pub supported_regions: &'a [String],
}

/// Which endpoint types a service accepts: Interface for load-balancer services other than GWLB,
/// GatewayLoadBalancer for GWLB services, Reverse for managed services.
pub fn type_fits(endpoint_type: &str, resource_type: &str, managed: bool) -> bool {
    match endpoint_type {
        "Interface" => resource_type != "gwlb",
        "GatewayLoadBalancer" => resource_type == "gwlb" && !managed,
        "Reverse" => managed,
        _ => false,
    }
}

/// The rules between a new endpoint and its service: the type fits, a cross-region endpoint comes
/// from a supported region with a bandwidth, dual-stack needs a dual-stack service and VPC, a
/// policy needs an Interface endpoint of a policy-capable service, and every type but GWLB needs a
/// security group. Answers whether the endpoint is cross-region.
pub fn fits_service(
    spec: &EndpointSpec,
    n: &NewEndpoint,
    s: ServiceFacts<'_>,
    vpc_dual_stack: bool,
) -> Result<bool, ApiError> {
    if !type_fits(&spec.endpoint_type, s.resource_type, s.managed) {
        return Err(ApiError::endpoint_type_mismatch(&spec.endpoint_type, s.id));
    }
    let cross_region = s.region_id != spec.region.id;
    if cross_region {
        if !s.supported_regions.iter().any(|x| x == spec.region.id) {
            return Err(ApiError::service_region_not_supported(spec.region.id));
        }
        if n.cross_region_bandwidth.is_none_or(|b| b < 100) {
            return Err(ApiError::illegal(
                "CrossRegionBandwidth",
                "a cross-region endpoint needs CrossRegionBandwidth of at least 100 Mbit/s",
            ));
        }
    }
    if spec.ip_version.is_dual() && (!s.dual_stack || !vpc_dual_stack) {
        return Err(ApiError::endpoint_not_dual_stack_capable());
    }
    if let Some(p) = n.policy_document.as_deref().filter(|p| !p.is_empty()) {
        if spec.endpoint_type != "Interface" || !s.policy_supported {
            return Err(ApiError::policy_not_supported());
        }
        validate::policy_document(p)?;
    }
    if spec.endpoint_type != "GatewayLoadBalancer" && n.security_group_ids.is_empty() {
        return Err(ApiError::security_group_required());
    }
    Ok(cross_region)
}

/// The security groups of a new endpoint: each listed once, each in the endpoint's VPC (and the
/// caller's), all of one type. `found[i]` is the type of `ids[i]` when that group is usable.
pub fn security_groups_fit(
    ids: &[String],
    found: &[Option<String>],
    vpc_id: &str,
) -> Result<(), ApiError> {
    let mut one_type: Option<&str> = None;
    for (i, sg) in ids.iter().enumerate() {
        if ids[..i].contains(sg) {
            return Err(ApiError::security_group_listed_twice(sg));
        }
        let Some(Some(t)) = found.get(i) else {
            return Err(ApiError::security_group_not_in_vpc(sg, vpc_id));
        };
        match one_type {
            Some(o) if o != t => return Err(ApiError::security_groups_of_one_type()),
            _ => one_type = Some(t),
        }
    }
    Ok(())
}

/// The ENI address in a vSwitch of `cidr`: `wanted` when it is inside the usable range and not
/// `taken`, else the lowest free address.
pub fn pick_ip(
    cidr: &str,
    taken: &[String],
    wanted: Option<&str>,
    vswitch_id: &str,
) -> Result<String, ApiError> {
    let (first, last) = usable_range(cidr).ok_or_else(ApiError::vswitch_unusable)?;
    match wanted.filter(|s| !s.is_empty()) {
        Some(w) => {
            let n = parse_ipv4(w)
                .ok_or_else(|| ApiError::illegal("Ip", format!("`{w}` is not an IPv4 address")))?;
            if n < first || n > last || taken.iter().any(|t| t == w) {
                return Err(ApiError::eni_ip_unavailable(w, vswitch_id));
            }
            Ok(w.to_string())
        }
        None => {
            let taken: std::collections::HashSet<u32> =
                taken.iter().filter_map(|t| parse_ipv4(t)).collect();
            (first..=last)
                .find(|n| !taken.contains(n))
                .map(format_ipv4)
                .ok_or_else(|| ApiError::vswitch_full(vswitch_id))
        }
    }
}

/// The IPv6 address of a dual-stack ENI: the VPC's /56 prefix with the IPv4 address' low 16 bits.
pub fn eni_ipv6(vpc_prefix: &str, ipv4: &str) -> String {
    let host = parse_ipv4(ipv4).unwrap_or(0) & 0xffff;
    format!("{}::{host:x}", vpc_prefix.trim_end_matches("::/56"))
}

/// Whether a new endpoint connects at once: the service auto-accepts and neither side is locked
/// by an overdue payment.
pub fn auto_connects(auto_accept: bool, consumer_locked: bool, service_locked: bool) -> bool {
    auto_accept && !consumer_locked && !service_locked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new() -> NewEndpoint {
        NewEndpoint {
            region_id: "cn-hangzhou".into(),
            name: "orders".into(),
            security_group_ids: vec!["sg-1".into()],
            ..Default::default()
        }
    }

    fn facts(regions: &[String]) -> ServiceFacts<'_> {
        ServiceFacts {
            id: "epsrv-1",
            region_id: "cn-hangzhou",
            resource_type: "nlb",
            managed: false,
            dual_stack: false,
            policy_supported: false,
            supported_regions: regions,
        }
    }

    #[test]
    fn spec_defaults_to_an_ipv4_interface_endpoint() {
        let s = spec(&new()).unwrap();
        assert_eq!(s.endpoint_type, "Interface");
        assert_eq!(s.ip_version, IpVersion::Ipv4);
    }

    #[test]
    fn spec_refuses_bad_types_and_duplicate_zones() {
        let mut n = new();
        n.endpoint_type = Some("Tunnel".into());
        assert_eq!(
            spec(&n).unwrap_err().code,
            "IllegalParamFormat.EndpointType"
        );
        let mut n = new();
        let z = NewZone {
            zone_id: "cn-hangzhou-h".into(),
            ..Default::default()
        };
        n.zones = vec![z.clone(), z];
        assert_eq!(
            spec(&n).unwrap_err(),
            ApiError::zone_listed_twice("cn-hangzhou-h")
        );
    }

    #[test]
    fn endpoint_types_fit_their_services() {
        assert!(type_fits("Interface", "nlb", false));
        assert!(!type_fits("Interface", "gwlb", false));
        assert!(type_fits("GatewayLoadBalancer", "gwlb", false));
        assert!(type_fits("Reverse", "clb", true));
        assert!(!type_fits("Reverse", "clb", false));
    }

    #[test]
    fn cross_region_needs_a_supported_region_and_a_bandwidth() {
        let mut n = new();
        n.region_id = "cn-shanghai".into();
        let sp = spec(&n).unwrap();
        assert_eq!(
            fits_service(&sp, &n, facts(&[]), false).unwrap_err(),
            ApiError::service_region_not_supported("cn-shanghai")
        );
        let regions = vec!["cn-shanghai".to_string()];
        assert_eq!(
            fits_service(&sp, &n, facts(&regions), false)
                .unwrap_err()
                .code,
            "IllegalParamFormat.CrossRegionBandwidth"
        );
        n.cross_region_bandwidth = Some(100);
        assert_eq!(fits_service(&sp, &n, facts(&regions), false), Ok(true));
    }

    #[test]
    fn interface_endpoints_need_a_security_group_of_one_type() {
        let mut n = new();
        n.security_group_ids.clear();
        let sp = spec(&n).unwrap();
        assert_eq!(
            fits_service(&sp, &n, facts(&[]), false).unwrap_err(),
            ApiError::security_group_required()
        );
        let ids = vec!["sg-1".to_string(), "sg-2".to_string()];
        let normal = Some("normal".to_string());
        assert!(security_groups_fit(&ids, &[normal.clone(), normal.clone()], "vpc-1").is_ok());
        assert_eq!(
            security_groups_fit(&ids, &[normal.clone(), Some("enterprise".into())], "vpc-1")
                .unwrap_err(),
            ApiError::security_groups_of_one_type()
        );
        assert_eq!(
            security_groups_fit(&ids, &[normal.clone(), None], "vpc-1").unwrap_err(),
            ApiError::security_group_not_in_vpc("sg-2", "vpc-1")
        );
        let twice = vec!["sg-1".to_string(), "sg-1".to_string()];
        assert_eq!(
            security_groups_fit(&twice, &[normal.clone(), normal], "vpc-1").unwrap_err(),
            ApiError::security_group_listed_twice("sg-1")
        );
    }

    #[test]
    fn picks_the_lowest_free_address_or_checks_the_wanted_one() {
        let taken = vec!["10.0.1.1".to_string()];
        let first = pick_ip("10.0.1.0/24", &[], None, "vsw-1").unwrap();
        let next = pick_ip("10.0.1.0/24", std::slice::from_ref(&first), None, "vsw-1").unwrap();
        assert_ne!(first, next);
        assert_eq!(
            pick_ip("10.0.1.0/24", &taken, Some("10.0.1.1"), "vsw-1").unwrap_err(),
            ApiError::eni_ip_unavailable("10.0.1.1", "vsw-1")
        );
        assert_eq!(
            pick_ip("10.0.1.0/24", &[], Some("10.0.1.77"), "vsw-1").unwrap(),
            "10.0.1.77"
        );
        assert_eq!(
            pick_ip("10.0.1.0/24", &[], Some("10.0.2.7"), "vsw-1").unwrap_err(),
            ApiError::eni_ip_unavailable("10.0.2.7", "vsw-1")
        );
    }

    #[test]
    fn a_dual_stack_eni_takes_the_low_bits_of_its_ipv4_address() {
        assert_eq!(
            eni_ipv6("2408:4000:1000::/56", "10.10.1.5"),
            "2408:4000:1000::105"
        );
    }

    #[test]
    fn auto_accept_waits_while_either_side_is_locked() {
        assert!(auto_connects(true, false, false));
        assert!(!auto_connects(true, true, false));
        assert!(!auto_connects(true, false, true));
        assert!(!auto_connects(false, false, false));
    }
}
