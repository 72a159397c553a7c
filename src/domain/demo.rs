//! What the demo tools ask for: a zone outage, an overdue payment, the traffic generator.

use serde::{Deserialize, Serialize};

/// Takes a zone down (`down`) or brings it back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneOutageSwitch {
    pub zone_id: String,
    #[serde(default)]
    pub down: bool,
}

/// Marks an account's payment overdue (`overdue`), or clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueSwitch {
    pub account_id: String,
    #[serde(default)]
    pub overdue: bool,
}

/// Starts (`on`) or stops the traffic generator of an endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrafficSwitch {
    pub endpoint_id: String,
    #[serde(default)]
    pub on: bool,
}
