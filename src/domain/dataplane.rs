//! Data-plane rules shared by the DNS server and the TCP proxy: local loopback addresses, when a
//! zone carries traffic, the rate each zone ENI enforces, and load-balancer listeners.

use super::ApiError;
use super::bandwidth::{limit_enforced, zone_bandwidth_in_force};
use super::inventory::LbType;
use super::state::{ConnectionStatus, TrafficMode, ZoneStatus};
use serde::{Deserialize, Serialize};
use std::net::{Ipv4Addr, SocketAddr};

/// ENI local addresses: sequence number n is `127.1.0.0 + n` (up to 127.52.255.255).
const ENI_BASE: u32 = u32::from_be_bytes([127, 1, 0, 0]);
const ENI_LAST: u32 = u32::from_be_bytes([127, 52, 255, 255]);
/// VPC resolver addresses: sequence number n is `127.53.0.0 + n` (up to 127.255.255.254).
const RESOLVER_BASE: u32 = u32::from_be_bytes([127, 53, 0, 0]);
const RESOLVER_LAST: u32 = u32::from_be_bytes([127, 255, 255, 254]);

fn offset(base: u32, last: u32, seq: i64) -> Option<Ipv4Addr> {
    let n = u32::try_from(seq).ok().filter(|n| *n > 0)?;
    base.checked_add(n)
        .filter(|a| *a <= last)
        .map(Ipv4Addr::from)
}

/// The loopback address of the endpoint zone ENI with local sequence number `seq`.
pub fn eni_local_ip(seq: i64) -> Option<Ipv4Addr> {
    offset(ENI_BASE, ENI_LAST, seq)
}

/// The loopback resolver address of the VPC with resolver sequence number `seq`.
pub fn vpc_resolver_ip(seq: i64) -> Option<Ipv4Addr> {
    offset(RESOLVER_BASE, RESOLVER_LAST, seq)
}

/// Bytes per second of a bandwidth in Mbit/s (1 Mbit/s = 125 000 bytes/s).
pub fn bytes_per_second(mbps: i64) -> u64 {
    (mbps.max(0) as u64).saturating_mul(125_000)
}

/// What decides whether one endpoint zone carries traffic (and appears in DNS answers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneState {
    /// The connection's status (`None`: the endpoint has no connection).
    pub connection_status: Option<ConnectionStatus>,
    /// The zone's own status (`Connected`, `Disconnected` when disabled …).
    pub zone_status: ZoneStatus,
    /// The ENI's health check.
    pub healthy: bool,
    /// The zone is down (a fault injected from the Demo page).
    pub outage: bool,
}

impl ZoneState {
    /// True when the zone serves: the connection is Connected (or `Pending`, which is a bandwidth
    /// change of a connected connection), the zone is enabled (Connected), healthy and not down.
    /// An overdue payment disconnects the connection, so it is covered by the first condition.
    pub fn serves(&self) -> bool {
        matches!(
            self.connection_status,
            Some(ConnectionStatus::Connected | ConnectionStatus::Pending)
        ) && self.zone_status == ZoneStatus::Connected
            && self.healthy
            && !self.outage
    }
}

/// True for endpoint types whose traffic the local proxy carries (Reverse and GWLB endpoints are
/// control-plane only).
pub fn proxied_endpoint_type(endpoint_type: &str) -> bool {
    endpoint_type == "Interface"
}

/// The rate (Mbit/s) each zone ENI of a connection runs at: the connection's bandwidth limit when it
/// is enforced (CLB services, or `BandwidthLimit` mode), otherwise the elastic bandwidth of the
/// endpoint and resource type.
pub fn zone_rate_mbps(
    lb: LbType,
    traffic_control_mode: TrafficMode,
    bandwidth: i64,
    endpoint_created_ms: i64,
    grant: Option<i64>,
) -> i64 {
    let throttle = limit_enforced(lb, traffic_control_mode).then_some(bandwidth);
    zone_bandwidth_in_force(throttle, lb, endpoint_created_ms, grant)
}

/// Splits a PrivateLink name into the endpoint id and, for a zone domain, the zone id:
/// `ep-x.epsrv-y.<region>.privatelink.aliyuncs.com` → (`ep-x`, None) and
/// `ep-x-cn-hangzhou-h.epsrv-y…` → (`ep-x`, Some(`cn-hangzhou-h`)). The caller still compares the
/// whole name with the stored domain.
pub fn split_endpoint_name(name: &str) -> Option<(&str, Option<&str>)> {
    if !name.ends_with(".privatelink.aliyuncs.com") {
        return None;
    }
    let first = name.split('.').next()?;
    let rest = first.strip_prefix("ep-")?;
    match rest.split_once('-') {
        Some((id, zone)) if !zone.is_empty() => Some((&first[..3 + id.len()], Some(zone))),
        Some(_) => None,
        None => Some((first, None)),
    }
}

/// A load-balancer listener: a TCP port and the backend that answers behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListenerView {
    pub lb_id: String,
    pub port: u16,
    pub protocol: String,
    /// A loopback `host:port`.
    pub backend: String,
}

/// Validates a listener: a port 1–65535, protocol TCP, and a loopback backend `ip:port` (no
/// traffic leaves the machine). Returns the port and the backend address.
pub fn check_listener(
    port: i64,
    protocol: &str,
    backend: &str,
) -> Result<(u16, SocketAddr), ApiError> {
    let port = u16::try_from(port)
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| ApiError::illegal("ListenerPort", "the port must be between 1 and 65535"))?;
    if !protocol.eq_ignore_ascii_case("TCP") {
        return Err(ApiError::illegal(
            "ListenerProtocol",
            "only TCP listeners carry traffic here",
        ));
    }
    let addr: SocketAddr = backend.trim().parse().map_err(|_| {
        ApiError::illegal(
            "Backend",
            format!("`{backend}` is not an address and port such as 127.0.0.1:8080"),
        )
    })?;
    if !addr.ip().is_loopback() || addr.port() == 0 {
        return Err(ApiError::illegal(
            "Backend",
            "the backend must be a loopback address with a port (traffic stays on this machine)",
        ));
    }
    Ok((port, addr))
}

/// One second of a zone ENI's traffic, in Mbit/s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrafficSample {
    /// Unix milliseconds at the end of the second.
    pub at_ms: i64,
    /// Consumer → provider (into the endpoint).
    pub in_mbps: f64,
    /// Provider → consumer.
    pub out_mbps: f64,
}

/// The traffic of one zone ENI of a connection: totals, the last minute, the limit in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZoneTrafficView {
    pub zone_id: String,
    /// The limit each direction runs at (Mbit/s).
    pub limit_mbps: f64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// Proxied connections open now.
    pub connections: u64,
    /// Oldest first, about one a second.
    pub samples: Vec<TrafficSample>,
}

/// The traffic of one endpoint's connection, zone by zone (zones the proxy serves or served).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrafficView {
    pub endpoint_id: String,
    pub zones: Vec<ZoneTrafficView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_addresses() {
        assert_eq!(eni_local_ip(1), Some(Ipv4Addr::new(127, 1, 0, 1)));
        assert_eq!(eni_local_ip(256), Some(Ipv4Addr::new(127, 1, 1, 0)));
        assert_eq!(eni_local_ip(0), None);
        assert_eq!(eni_local_ip(-3), None);
        assert_eq!(eni_local_ip(1 << 30), None);
        assert_eq!(vpc_resolver_ip(2), Some(Ipv4Addr::new(127, 53, 0, 2)));
        assert!(vpc_resolver_ip(i64::from(u32::MAX)).is_none());
    }

    #[test]
    fn a_zone_serves_only_when_everything_is_up() {
        let up = ZoneState {
            connection_status: Some(ConnectionStatus::Connected),
            zone_status: ZoneStatus::Connected,
            healthy: true,
            outage: false,
        };
        assert!(up.serves());
        assert!(
            ZoneState {
                connection_status: Some(ConnectionStatus::Pending),
                ..up.clone()
            }
            .serves(),
            "a bandwidth change keeps traffic flowing"
        );
        for down in [
            ZoneState {
                connection_status: Some(ConnectionStatus::Disconnected),
                ..up.clone()
            },
            ZoneState {
                connection_status: Some(ConnectionStatus::Disconnecting),
                ..up.clone()
            },
            ZoneState {
                connection_status: None,
                ..up.clone()
            },
            ZoneState {
                zone_status: ZoneStatus::Disconnected,
                ..up.clone()
            },
            ZoneState {
                healthy: false,
                ..up.clone()
            },
            ZoneState {
                outage: true,
                ..up.clone()
            },
        ] {
            assert!(!down.serves(), "{down:?}");
        }
        assert!(proxied_endpoint_type("Interface"));
        assert!(!proxied_endpoint_type("Reverse"));
    }

    #[test]
    fn rates() {
        assert_eq!(bytes_per_second(10), 1_250_000);
        assert_eq!(
            zone_rate_mbps(LbType::Clb, TrafficMode::Scalability, 200, 0, None),
            200
        );
        assert_eq!(
            zone_rate_mbps(LbType::Nlb, TrafficMode::BandwidthLimit, 300, 0, None),
            300
        );
        assert_eq!(
            zone_rate_mbps(LbType::Nlb, TrafficMode::Scalability, 300, 0, None),
            10240,
            "elastic"
        );
    }

    #[test]
    fn names() {
        let d = "ep-bp1abc.epsrv-x.cn-hangzhou.privatelink.aliyuncs.com";
        assert_eq!(split_endpoint_name(d), Some(("ep-bp1abc", None)));
        let z = "ep-bp1abc-cn-hangzhou-h.epsrv-x.cn-hangzhou.privatelink.aliyuncs.com";
        assert_eq!(
            split_endpoint_name(z),
            Some(("ep-bp1abc", Some("cn-hangzhou-h")))
        );
        assert_eq!(split_endpoint_name("oss.aliyuncs.com"), None);
        assert_eq!(
            split_endpoint_name("epsrv-x.cn-hangzhou.privatelink.aliyuncs.com"),
            None
        );
    }

    #[test]
    fn listeners() {
        assert_eq!(
            check_listener(80, "tcp", "127.0.0.1:8080").unwrap(),
            (80, "127.0.0.1:8080".parse().unwrap())
        );
        assert!(check_listener(0, "TCP", "127.0.0.1:1").is_err());
        assert!(check_listener(70000, "TCP", "127.0.0.1:1").is_err());
        assert!(check_listener(80, "UDP", "127.0.0.1:1").is_err());
        assert_eq!(
            check_listener(80, "TCP", "10.0.0.1:80").unwrap_err().code,
            "IllegalParamFormat.Backend"
        );
        assert!(check_listener(80, "TCP", "localhost").is_err());
        assert!(check_listener(80, "TCP", "[::1]:9000").is_ok());
    }
}
