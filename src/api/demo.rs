//! Demo tools: reset to the scenario, fault injection, and the guided tour's progress.

use crate::domain::ApiError;
pub use crate::domain::demo::{OverdueSwitch, TrafficSwitch, ZoneOutageSwitch};
use crate::domain::state::BusinessStatus;
pub use crate::domain::tour::{TourAccount, TourCast, TourProgress};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the demo page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoView {
    pub demo_mode: bool,
    pub scenario: Option<String>,
    /// Every zone of the current region, with whether it is down.
    pub zones: Vec<(String, bool)>,
    /// Signed-in accounts with their business status (Normal / FinancialLocked).
    pub accounts: Vec<(String, String, BusinessStatus)>,
    /// How far the accounts signed in here got in the guided tour; its connected endpoint is the
    /// one the traffic generator drives.
    pub progress: TourProgress,
    /// The traffic generator runs for `progress.connected_endpoint`.
    #[serde(default)]
    pub traffic_running: bool,
    /// Why zone outages and the reset are not available to this session, if they are not.
    pub global_tools_refused: Option<String>,
    /// Who plays which part in the guided tour (from the scenario), if it has a provider.
    pub tour: Option<TourCast>,
    /// How long transitional states (Creating, Connecting …) last, in milliseconds.
    pub transition_delay_ms: i64,
}

/// The demo page's data.
#[server(prefix = "/api", endpoint = "demo_state")]
pub async fn demo_state(region: String) -> Result<DemoView, ApiError> {
    use super::context::*;
    let state = state()?;
    let (ops, _ctx) = caller().await?;
    let session = session().await?;
    let access = demo_access_of(&state, &session).await?;
    let signed_in = crate::auth::signed_in(&session).await?;
    let down = ops.zone_outages().await.map_err(fail)?;
    let zones = crate::domain::region::region(&region)
        .map(|r| {
            r.zones
                .iter()
                .map(|z| (z.to_string(), down.iter().any(|d| d == z)))
                .collect()
        })
        .unwrap_or_default();
    let mut accounts = Vec::new();
    for a in &signed_in {
        accounts.push((
            a.id.clone(),
            a.name.clone(),
            ops.business_status(&a.id).await.map_err(fail)?,
        ));
    }
    let ids: Vec<String> = signed_in.iter().map(|a| a.id.clone()).collect();
    let progress = ops.tour_progress(&region, &ids).await.map_err(fail)?;
    let global_tools_refused = access.global_refusal();
    Ok(DemoView {
        demo_mode: state.demo_mode,
        scenario: state.scenario.as_ref().map(|s| s.name.clone()),
        zones,
        accounts,
        traffic_running: progress
            .connected_endpoint
            .as_deref()
            .is_some_and(|e| ops.generators.running(e)),
        progress,
        global_tools_refused,
        tour: state.scenario.as_ref().and_then(|s| s.tour_cast()),
        transition_delay_ms: ops.transition_delay_ms(),
    })
}

/// Who may use the demo tools from this browser session.
#[cfg(feature = "ssr")]
async fn demo_access() -> Result<crate::ops::faults::DemoAccess, ApiError> {
    use super::context::*;
    let state = state()?;
    let session = session().await?;
    demo_access_of(&state, &session).await
}

/// [`demo_access`] from an already extracted state and session (no context lookups: the SSR
/// owner may be gone after the first awaits of a cancelled render).
#[cfg(feature = "ssr")]
async fn demo_access_of(
    state: &super::context::Console,
    session: &tower_sessions::Session,
) -> Result<crate::ops::faults::DemoAccess, ApiError> {
    use super::context::fail;
    let signed_in = crate::auth::signed_in(session)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let (operators, accounts) = match &state.scenario {
        Some(s) => (s.operators.clone(), Some(s.account_ids())),
        None => (Vec::new(), None),
    };
    state
        .ops
        .demo_access(signed_in, &operators, accounts)
        .await
        .map_err(fail)
}

/// Takes a zone down or brings it back.
#[server(prefix = "/api", endpoint = "zone_outage")]
pub async fn zone_outage(outage: ZoneOutageSwitch) -> Result<(), ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    let access = demo_access().await?;
    ops.demo_zone_outage(&ctx, &access, &outage.zone_id, outage.down)
        .await
        .map_err(fail)
}

/// Marks an account's payment overdue, or clears it.
#[server(prefix = "/api", endpoint = "overdue_payment")]
pub async fn overdue_payment(payment: OverdueSwitch) -> Result<(), ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    let access = demo_access().await?;
    ops.demo_overdue(&ctx, &access, &payment.account_id, payment.overdue)
        .await
        .map_err(fail)
}

/// Sets how long transitions started from now on last (slow them down to watch each state);
/// answers the delay now in force.
#[server(prefix = "/api", endpoint = "transition_delay")]
pub async fn transition_delay(delay_ms: i64) -> Result<i64, ApiError> {
    use super::context::*;
    let (ops, _ctx) = caller().await?;
    let access = demo_access().await?;
    ops.demo_set_transition_delay(&access, delay_ms)
        .map_err(fail)?;
    Ok(delay_ms)
}

/// Resets everything to the scenario the server was started with.
#[server(prefix = "/api", endpoint = "reset_demo")]
pub async fn reset_demo() -> Result<(), ApiError> {
    use super::context::*;
    let state = state()?;
    let (ops, ctx) = caller().await?;
    let access = demo_access().await?;
    crate::scenario::reset(&ops, &ctx, &access, state.scenario.as_deref())
        .await
        .map_err(fail)
}

/// Starts or stops the traffic generator of an endpoint (demo mode); returns whether it runs.
#[server(prefix = "/api", endpoint = "demo_traffic")]
pub async fn demo_traffic(switch: TrafficSwitch) -> Result<bool, ApiError> {
    use super::context::*;
    let (ops, _ctx) = caller().await?;
    let access = demo_access().await?;
    ops.demo_traffic(&access, &switch.endpoint_id, switch.on)
        .await
        .map_err(fail)
}
