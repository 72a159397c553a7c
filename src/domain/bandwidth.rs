//! Elastic bandwidth per endpoint zone and the provider's throttle (all figures in Mbit/s).
//!
//! From the concepts file: Interface→NLB 10 Gbps default, 50 Gbps maximum per zone (endpoints created
//! after 2026-02-01; 10 Gbps before); ALB 5→25 Gbps; CLB 3072 Mbps per endpoint per zone unless the
//! provider changes the limit, at most 5 Gbps; GWLB 5→25 Gbps. A throttle set on a connection is
//! inherited by every zone's ENI and may not exceed the zone maximum (unless an operator granted more).

use super::ApiError;
use super::inventory::LbType;
use super::state::TrafficMode;

/// 2026-02-01T00:00:00Z in unix milliseconds: NLB endpoints created from then on may reach 50 Gbps.
pub const NLB_50G_SINCE_MS: i64 = 1_769_904_000_000;

/// Service `ConnectBandwidth` bounds and default.
pub const CONNECT_BANDWIDTH_MIN: i64 = 100;
pub const CONNECT_BANDWIDTH_MAX: i64 = 10240;
pub const CONNECT_BANDWIDTH_DEFAULT: i64 = 3072;

/// The elastic default and the maximum per zone for an endpoint to a service of `lb` type.
pub fn zone_limits(lb: LbType, endpoint_created_ms: i64) -> (i64, i64) {
    match lb {
        LbType::Nlb => (
            10240,
            if endpoint_created_ms >= NLB_50G_SINCE_MS {
                51200
            } else {
                10240
            },
        ),
        LbType::Alb => (5120, 25600),
        LbType::Clb => (3072, 5120),
        LbType::Gwlb => (5120, 25600),
    }
}

/// The maximum per zone in force: the type's maximum, or the operator's grant when larger.
pub fn zone_max(lb: LbType, endpoint_created_ms: i64, grant: Option<i64>) -> i64 {
    let (_, max) = zone_limits(lb, endpoint_created_ms);
    grant.map_or(max, |g| g.max(max))
}

/// Validates a connection throttle: at least 100 Mbit/s and at most the zone maximum (or the
/// operator's grant, when larger).
pub fn check_throttle(
    mbps: i64,
    lb: LbType,
    endpoint_created_ms: i64,
    grant: Option<i64>,
) -> Result<(), String> {
    let max = zone_max(lb, endpoint_created_ms, grant);
    if mbps < CONNECT_BANDWIDTH_MIN || mbps > max {
        return Err(format!(
            "the bandwidth must be between {CONNECT_BANDWIDTH_MIN} and {max} Mbit/s for a {} service",
            lb.label()
        ));
    }
    Ok(())
}

/// Whether a connection's bandwidth limit is enforced on its zones' ENIs: always for CLB
/// services, for the others only in `BandwidthLimit` traffic-control mode. Otherwise the
/// connection is elastic: the limit is recorded but each zone scales up to its elastic default.
pub fn limit_enforced(lb: LbType, mode: TrafficMode) -> bool {
    lb == LbType::Clb || mode == TrafficMode::BandwidthLimit
}

/// The traffic-control mode of a new connection: CLB services limit, the others scale.
pub fn default_traffic_mode(lb: LbType) -> TrafficMode {
    if lb == LbType::Clb {
        TrafficMode::BandwidthLimit
    } else {
        TrafficMode::Scalability
    }
}

/// The mode a provider asks for (none: the type's default); `BandwidthLimit` only for CLB.
pub fn requested_traffic_mode(lb: LbType, asked: Option<&str>) -> Result<TrafficMode, ApiError> {
    match asked.filter(|m| !m.is_empty()) {
        None => Ok(default_traffic_mode(lb)),
        Some(m) => match TrafficMode::parse(m) {
            Some(TrafficMode::BandwidthLimit) if lb != LbType::Clb => Err(ApiError::new(
                "UpdateBandWidthUnSupported",
                "Bandwidth limits apply only to CLB services; this service scales elastically.",
            )),
            Some(mode) => Ok(mode),
            None => Err(ApiError::illegal(
                "TrafficControlMode",
                format!("`{m}`: use Scalability or BandwidthLimit"),
            )),
        },
    }
}

/// The bandwidth in force on each zone's ENI: the throttle when the provider set one (capped by the
/// maximum or grant), otherwise the elastic default.
pub fn zone_bandwidth_in_force(
    throttle: Option<i64>,
    lb: LbType,
    endpoint_created_ms: i64,
    grant: Option<i64>,
) -> i64 {
    let (default, _) = zone_limits(lb, endpoint_created_ms);
    let max = zone_max(lb, endpoint_created_ms, grant);
    match throttle {
        Some(t) => t.min(max),
        None => default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elastic_unless_clb_or_bandwidth_limit_mode() {
        assert!(limit_enforced(LbType::Clb, TrafficMode::Scalability));
        assert!(limit_enforced(LbType::Nlb, TrafficMode::BandwidthLimit));
        assert!(!limit_enforced(LbType::Nlb, TrafficMode::Scalability));
        assert_eq!(
            default_traffic_mode(LbType::Clb),
            TrafficMode::BandwidthLimit
        );
        assert_eq!(default_traffic_mode(LbType::Alb), TrafficMode::Scalability);
    }

    #[test]
    fn only_clb_may_ask_for_a_bandwidth_limit() {
        assert_eq!(
            requested_traffic_mode(LbType::Clb, Some("BandwidthLimit")),
            Ok(TrafficMode::BandwidthLimit)
        );
        assert_eq!(
            requested_traffic_mode(LbType::Nlb, None),
            Ok(TrafficMode::Scalability)
        );
        assert_eq!(
            requested_traffic_mode(LbType::Nlb, Some("BandwidthLimit"))
                .unwrap_err()
                .code,
            "UpdateBandWidthUnSupported"
        );
        assert!(requested_traffic_mode(LbType::Nlb, Some("Turbo")).is_err());
    }

    #[test]
    fn a_grant_raises_the_zone_maximum_only_upwards() {
        assert_eq!(zone_max(LbType::Clb, 0, None), 5120);
        assert_eq!(zone_max(LbType::Clb, 0, Some(8000)), 8000);
        assert_eq!(zone_max(LbType::Clb, 0, Some(1000)), 5120);
    }

    #[test]
    fn limits_by_type_and_date() {
        assert_eq!(zone_limits(LbType::Nlb, NLB_50G_SINCE_MS), (10240, 51200));
        assert_eq!(
            zone_limits(LbType::Nlb, NLB_50G_SINCE_MS - 1),
            (10240, 10240)
        );
        assert_eq!(zone_limits(LbType::Alb, 0), (5120, 25600));
        assert_eq!(zone_limits(LbType::Clb, 0), (3072, 5120));
        assert_eq!(zone_limits(LbType::Gwlb, 0), (5120, 25600));
    }

    #[test]
    fn throttles() {
        assert!(check_throttle(1024, LbType::Clb, 0, None).is_ok());
        assert!(check_throttle(99, LbType::Clb, 0, None).is_err());
        assert!(check_throttle(6000, LbType::Clb, 0, None).is_err());
        assert!(
            check_throttle(6000, LbType::Clb, 0, Some(8000)).is_ok(),
            "operator grant"
        );
        assert_eq!(
            zone_bandwidth_in_force(Some(1000), LbType::Clb, 0, None),
            1000
        );
        assert_eq!(
            zone_bandwidth_in_force(Some(9000), LbType::Clb, 0, None),
            5120
        );
        assert_eq!(zone_bandwidth_in_force(None, LbType::Nlb, 0, None), 10240);
    }
}

/// Largest per-zone bandwidth a consumer may ask an operator for (100 Gbit/s).
pub const REQUEST_MAX_MBPS: i64 = 102_400;

/// A consumer's request for more per-zone bandwidth than its maximum, and the operator's decision.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BandwidthRequestView {
    pub id: i64,
    pub endpoint_id: String,
    pub account_id: String,
    /// Per-zone Mbit/s asked for.
    pub mbps: i64,
    pub reason: String,
    pub status: super::state::RequestStatus,
    pub created_at: String,
    pub decided_at: Option<String>,
}

/// A consumer's request for `mbps` per zone on one of its endpoints, with why.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BandwidthRequestForm {
    pub endpoint_id: String,
    pub mbps: i64,
    #[serde(default)]
    pub reason: String,
}

/// The operator's decision on bandwidth request `id`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BandwidthDecision {
    pub id: i64,
    pub grant: bool,
}
