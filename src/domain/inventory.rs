//! Network inventory the services and endpoints are built from: VPCs, vSwitches, security groups and
//! load balancers.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Load balancer families that can back an endpoint service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LbType {
    Clb,
    Alb,
    Nlb,
    Gwlb,
}

impl LbType {
    pub const ALL: [LbType; 4] = [LbType::Clb, LbType::Alb, LbType::Nlb, LbType::Gwlb];

    /// The `ServiceResourceType`/`ResourceType` value of the cloud API (`slb` for CLB).
    pub fn api_name(self) -> &'static str {
        match self {
            LbType::Clb => "slb",
            LbType::Alb => "alb",
            LbType::Nlb => "nlb",
            LbType::Gwlb => "gwlb",
        }
    }

    /// The id prefix of this kind of load balancer.
    pub fn id_prefix(self) -> &'static str {
        match self {
            LbType::Clb => "lb",
            LbType::Alb => "alb",
            LbType::Nlb => "nlb",
            LbType::Gwlb => "gwlb",
        }
    }

    /// Short upper-case label for the console (CLB, ALB …).
    pub fn label(self) -> &'static str {
        match self {
            LbType::Clb => "CLB",
            LbType::Alb => "ALB",
            LbType::Nlb => "NLB",
            LbType::Gwlb => "GWLB",
        }
    }

    /// Parses the inventory name (`clb`) or the API name (`slb`), case-insensitively.
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "clb" | "slb" => Some(LbType::Clb),
            "alb" => Some(LbType::Alb),
            "nlb" => Some(LbType::Nlb),
            "gwlb" => Some(LbType::Gwlb),
            _ => None,
        }
    }

    /// The stored name (`clb`, `alb`, `nlb`, `gwlb`).
    pub fn as_str(self) -> &'static str {
        match self {
            LbType::Clb => "clb",
            LbType::Alb => "alb",
            LbType::Nlb => "nlb",
            LbType::Gwlb => "gwlb",
        }
    }
}

impl fmt::Display for LbType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LbType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LbType::parse(s).ok_or_else(|| {
            format!("unknown load balancer type `{s}` (expected clb, alb, nlb or gwlb)")
        })
    }
}

/// A VPC as listed in the console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpcView {
    pub id: String,
    pub region_id: String,
    pub name: String,
    pub cidr: String,
    pub ipv6_cidr: Option<String>,
    pub created_at: String,
    /// The VPC's DNS resolver address: queries arriving there see its custom service domains.
    #[serde(default)]
    pub resolver_ip: Option<String>,
}

/// A vSwitch with its zone, CIDR and how many addresses are still free.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VSwitchView {
    pub id: String,
    pub vpc_id: String,
    pub zone_id: String,
    pub name: String,
    pub cidr: String,
    pub free_ips: u64,
}

/// A security group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityGroupView {
    pub id: String,
    pub vpc_id: String,
    pub name: String,
    pub sg_type: String,
}

/// A load balancer that can back an endpoint service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadBalancerView {
    pub id: String,
    pub vpc_id: String,
    pub lb_type: LbType,
    pub name: String,
    pub zones: Vec<String>,
    pub dual_stack: bool,
    pub privatelink_supported: bool,
    pub created_at: String,
}

/// One account's inventory in one region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct InventoryView {
    pub vpcs: Vec<VpcView>,
    pub vswitches: Vec<VSwitchView>,
    pub security_groups: Vec<SecurityGroupView>,
    pub load_balancers: Vec<LoadBalancerView>,
}

/// The console's "Create a VPC" form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewVpcForm {
    pub region: String,
    #[serde(default)]
    pub name: String,
    pub cidr: String,
    /// Empty for IPv4 only.
    #[serde(default)]
    pub ipv6_cidr: String,
}

/// The console's "Create a vSwitch" form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewVSwitchForm {
    pub vpc_id: String,
    pub zone_id: String,
    #[serde(default)]
    pub name: String,
    pub cidr: String,
}

/// The console's "Create a security group" form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSecurityGroupForm {
    pub vpc_id: String,
    #[serde(default)]
    pub name: String,
}

/// The console's "Create a load balancer" form: its type and the zones it serves in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewLoadBalancerForm {
    pub vpc_id: String,
    pub lb_type: LbType,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub zones: Vec<String>,
    #[serde(default)]
    pub dual_stack: bool,
}

/// A TCP listener as typed in the console: the port (as typed) and the backend it forwards to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListenerForm {
    pub lb_id: String,
    pub port: String,
    pub backend: String,
}

/// One listener of a load balancer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListenerRef {
    pub lb_id: String,
    pub port: u16,
}

/// Parses an IPv4 CIDR (`10.0.0.0/16`) into its network address and prefix length.
pub fn parse_cidr(cidr: &str) -> Option<(u32, u8)> {
    let (addr, len) = cidr.split_once('/')?;
    let len: u8 = len.parse().ok()?;
    if len > 32 {
        return None;
    }
    let mut octets = [0u8; 4];
    let mut parts = addr.split('.');
    for o in &mut octets {
        *o = parts.next()?.parse().ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    let ip = u32::from_be_bytes(octets);
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    (ip & mask == ip).then_some((ip, len))
}

/// Formats a u32 as dotted IPv4.
pub fn format_ipv4(ip: u32) -> String {
    let [a, b, c, d] = ip.to_be_bytes();
    format!("{a}.{b}.{c}.{d}")
}

/// Parses dotted IPv4.
pub fn parse_ipv4(s: &str) -> Option<u32> {
    parse_cidr(&format!("{s}/32")).map(|(ip, _)| ip)
}

/// True when `inner` lies entirely within `outer`.
pub fn cidr_contains(outer: &str, inner: &str) -> bool {
    match (parse_cidr(outer), parse_cidr(inner)) {
        (Some((o, ol)), Some((i, il))) => {
            il >= ol && {
                let mask = if ol == 0 { 0 } else { u32::MAX << (32 - ol) };
                i & mask == o
            }
        }
        _ => false,
    }
}

/// The addresses of a vSwitch CIDR that can be handed out. Alibaba Cloud reserves the first and the
/// last three addresses of every vSwitch.
pub fn usable_range(cidr: &str) -> Option<(u32, u32)> {
    let (net, len) = parse_cidr(cidr)?;
    if len > 29 {
        return None;
    }
    let size = 1u64 << (32 - len);
    let first = net + 1;
    let last = (net as u64 + size - 4) as u32;
    Some((first, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lb_types_parse_both_spellings() {
        assert_eq!(LbType::parse("slb"), Some(LbType::Clb));
        assert_eq!(LbType::parse("CLB"), Some(LbType::Clb));
        assert_eq!(LbType::parse("gwlb"), Some(LbType::Gwlb));
        assert_eq!(LbType::parse("vpc"), None);
        assert_eq!(LbType::Clb.api_name(), "slb");
    }

    #[test]
    fn cidrs() {
        assert_eq!(parse_cidr("10.0.0.0/16"), Some((0x0a00_0000, 16)));
        assert_eq!(parse_cidr("10.0.0.1/16"), None, "host bits set");
        assert_eq!(parse_cidr("10.0.0/16"), None);
        assert_eq!(parse_cidr("10.0.0.0/33"), None);
        assert!(cidr_contains("10.0.0.0/16", "10.0.1.0/24"));
        assert!(!cidr_contains("10.0.0.0/16", "10.1.1.0/24"));
        assert!(!cidr_contains("10.0.1.0/24", "10.0.0.0/16"));
        let (first, last) = usable_range("10.0.1.0/24").unwrap();
        assert_eq!(format_ipv4(first), "10.0.1.1");
        assert_eq!(format_ipv4(last), "10.0.1.252");
        assert_eq!(parse_ipv4("10.0.1.7"), Some(0x0a00_0107));
        assert_eq!(usable_range("10.0.0.0/30"), None);
    }
}
