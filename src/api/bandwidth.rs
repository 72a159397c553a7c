//! Bandwidth increase requests: the consumer asks, the operator (demo tools) decides.

use crate::domain::ApiError;
use crate::domain::bandwidth::{BandwidthDecision, BandwidthRequestForm, BandwidthRequestView};
use leptos::prelude::*;

/// Asks for more bandwidth per zone on one of the caller's endpoints.
#[server(prefix = "/api", endpoint = "request_bandwidth")]
pub async fn request_bandwidth(
    form: BandwidthRequestForm,
) -> Result<BandwidthRequestView, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.request_bandwidth(&ctx, &form.endpoint_id, form.mbps, &form.reason)
        .await
        .map_err(fail)
}

/// The requests made for one of the caller's endpoints.
#[server(prefix = "/api", endpoint = "bandwidth_requests")]
pub async fn bandwidth_requests(
    endpoint_id: String,
) -> Result<Vec<BandwidthRequestView>, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.console_bandwidth_requests(&ctx, &endpoint_id)
        .await
        .map_err(fail)
}

/// Operator: requests waiting for a decision (demo mode).
#[server(prefix = "/api", endpoint = "pending_bandwidth_requests")]
pub async fn pending_bandwidth_requests() -> Result<Vec<BandwidthRequestView>, ApiError> {
    use super::context::*;
    let (ops, _ctx) = caller().await?;
    ops.pending_bandwidth_requests().await.map_err(fail)
}

/// Operator: grants or denies a request (demo mode).
#[server(prefix = "/api", endpoint = "decide_bandwidth_request")]
pub async fn decide_bandwidth_request(decision: BandwidthDecision) -> Result<(), ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.decide_bandwidth_request(&ctx, decision.id, decision.grant)
        .await
        .map_err(fail)
}
