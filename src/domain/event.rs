//! Live events: what changed, pushed to open console pages over Server-Sent Events.

use serde::{Deserialize, Serialize};

/// One change, as the browser receives it. `audience` lists the accounts allowed to see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEvent {
    /// What kind of thing changed: `inventory`, `service`, `endpoint`, `connection`, `audit`, `demo`.
    pub topic: String,
    /// The action name (`CreateVpcEndpoint`, `Reconcile` …).
    pub action: String,
    /// The id of the changed object.
    pub target: String,
    /// Only the receiving session's own accounts are sent to a browser (may be empty there).
    #[serde(default)]
    pub audience: Vec<String>,
}

/// An audit-log entry as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditView {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub source: String,
    pub action: String,
    pub target: String,
    pub region_id: String,
    pub summary: String,
    pub request_id: String,
}
