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
