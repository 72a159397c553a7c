//! The guided tour's cast: which accounts the Demo page's tour names (see `Scenario::tour_cast`).

use serde::{Deserialize, Serialize};

/// An account the guided tour names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TourAccount {
    pub id: String,
    pub name: String,
}

/// The guided tour's provider, consumer and (optionally) outsider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TourCast {
    pub provider: TourAccount,
    pub consumer: TourAccount,
    pub outsider: Option<TourAccount>,
}

/// The audit action that completes each step of the tour before its last, in order (publish,
/// whitelist, request, accept, set the bandwidth). The last step is done when
/// [`TourProgress::connected_endpoint`] is set.
pub const STEP_ACTIONS: [&str; 5] = [
    "CreateVpcEndpointService",
    "AddUserToVpcEndpointService",
    "CreateVpcEndpoint",
    "EnableVpcEndpointConnection",
    "UpdateVpcEndpointConnectionAttribute",
];

/// How far the accounts signed in here got in the guided tour.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TourProgress {
    /// One entry per [`STEP_ACTIONS`]: whether a signed-in account did it itself.
    pub steps_done: Vec<bool>,
    /// The newest connected endpoint of a signed-in account (what the presenter just built): the
    /// tour's last step, and the endpoint the Demo traffic generator drives.
    pub connected_endpoint: Option<String>,
}

impl TourProgress {
    /// The progress given the actions the signed-in accounts did (any order, repeats allowed).
    pub fn new(done_actions: &[String], connected_endpoint: Option<String>) -> Self {
        Self {
            steps_done: STEP_ACTIONS
                .iter()
                .map(|a| done_actions.iter().any(|d| d == a))
                .collect(),
            connected_endpoint,
        }
    }

    /// Whether step `i` (from 0) is done; the step after the last action is the connected endpoint.
    pub fn step_done(&self, i: usize) -> bool {
        match self.steps_done.get(i) {
            Some(done) => *done,
            None => i == STEP_ACTIONS.len() && self.connected_endpoint.is_some(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_is_done_by_its_own_action_and_the_last_by_a_connected_endpoint() {
        let done = vec![
            "CreateVpcEndpoint".to_string(),
            "CreateVpcEndpointService".into(),
        ];
        let p = TourProgress::new(&done, None);
        assert_eq!(p.steps_done, vec![true, false, true, false, false]);
        assert!(!p.step_done(5));
        assert!(TourProgress::new(&[], Some("ep-1".into())).step_done(5));
        assert!(!TourProgress::new(&[], None).step_done(9));
    }
}
