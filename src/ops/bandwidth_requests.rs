//! Requests for more per-zone bandwidth than an endpoint's maximum: the consumer asks with a
//! reason; an operator (the demo tools in the console) grants or denies. A grant raises the
//! connection's per-zone maximum, so the provider may then throttle it up to the granted value.

use super::audit::Change;
use super::change::Done;
use super::endpoints::lb_of;
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::bandwidth::{BandwidthRequestView, REQUEST_MAX_MBPS, zone_max};
use crate::domain::state::{Machine, RequestStatus};
use crate::store::bandwidth_requests::{self as rq, RequestRow};
use crate::store::endpoints as eq;
use crate::store::iso;
use crate::store::services as sq;
use serde_json::json;

fn view(r: RequestRow) -> BandwidthRequestView {
    BandwidthRequestView {
        id: r.id,
        endpoint_id: r.endpoint_id,
        account_id: r.account_id,
        mbps: r.mbps,
        reason: r.reason,
        status: r.status,
        created_at: iso(r.created_at),
        decided_at: r.decided_at.map(iso),
    }
}

impl Ops {
    /// A consumer asks for `mbps` per zone on its endpoint, above the zone maximum in force.
    pub async fn request_bandwidth(
        &self,
        ctx: &Ctx,
        endpoint_id: &str,
        mbps: i64,
        reason: &str,
    ) -> Result<BandwidthRequestView, ApiError> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 256 {
            return Err(ApiError::illegal("Reason", "say why, in 1–256 characters"));
        }
        self.change(
            ctx,
            async |tx| {
                let e = self.owned_endpoint(tx, ctx, endpoint_id).await?;
                let k = eq::connection(tx, &e.id)
                    .await?
                    .ok_or_else(ApiError::connection_not_found)?;
                let s = sq::get(tx, &k.service_id)
                    .await?
                    .ok_or_else(ApiError::service_not_found)?;
                let in_force = zone_max(lb_of(&s.resource_type), e.created_at, k.zone_max_override);
                if mbps <= in_force || mbps > REQUEST_MAX_MBPS {
                    return Err(ApiError::illegal(
                        "Bandwidth",
                        format!(
                            "ask for more than the {in_force} Mbit/s per zone already allowed, at most {REQUEST_MAX_MBPS}"
                        ),
                    ));
                }
                if rq::has_open(tx, &e.id).await? {
                    return Err(ApiError::bandwidth_request_exists(&e.id));
                }
                Ok((e, s, in_force))
            },
            async |tx, (e, s, in_force)| {
                let now = self.clock.now();
                let mut row = RequestRow {
                    id: 0,
                    endpoint_id: e.id.clone(),
                    account_id: ctx.account_id.clone(),
                    mbps,
                    reason: reason.into(),
                    status: RequestStatus::Pending,
                    created_at: now,
                    decided_at: None,
                };
                row.id = rq::insert(tx, &row).await?;
                let change = Change {
                    topic: "endpoint",
                    action: "RequestBandwidthIncrease",
                    target: e.id,
                    region_id: e.region_id,
                    summary: format!("asked for {mbps} Mbit/s per zone: {reason}"),
                    before: Some(json!({"zone_max": in_force})),
                    after: Some(json!({"requested": mbps})),
                    audience: vec![s.account_id],
                };
                Ok(Done::with(view(row), change))
            },
        )
        .await
    }

    /// The requests made for one of the caller's endpoints, newest first.
    pub async fn bandwidth_requests(
        &self,
        ctx: &Ctx,
        endpoint_id: &str,
    ) -> Result<Vec<BandwidthRequestView>, ApiError> {
        let mut c = self.pool.acquire().await?;
        self.owned_endpoint(&mut c, ctx, endpoint_id).await?;
        let rows = rq::of_endpoint(&mut c, endpoint_id).await?;
        Ok(rows.into_iter().map(view).collect())
    }

    /// Operator: every request waiting for a decision, oldest first (demo tools only).
    pub async fn pending_bandwidth_requests(&self) -> Result<Vec<BandwidthRequestView>, ApiError> {
        self.require_demo_tools()?;
        let mut c = self.pool.acquire().await?;
        let rows = rq::with_status(&mut c, RequestStatus::Pending).await?;
        Ok(rows.into_iter().map(view).collect())
    }

    /// Operator: grants (raising the connection's per-zone maximum) or denies a request.
    pub async fn decide_bandwidth_request(
        &self,
        ctx: &Ctx,
        id: i64,
        grant: bool,
    ) -> Result<(), ApiError> {
        self.require_demo_tools()?;
        self.change(
            ctx,
            async |tx| {
                let r = rq::get(tx, id)
                    .await?
                    .ok_or_else(|| ApiError::bandwidth_request_not_found(id))?;
                if r.status != RequestStatus::Pending {
                    return Err(ApiError::bandwidth_request_decided(
                        id,
                        r.status.as_str().to_lowercase(),
                    ));
                }
                Ok(r)
            },
            async |tx, r| {
                let to = if grant {
                    RequestStatus::Granted
                } else {
                    RequestStatus::Denied
                };
                let now = self.clock.now();
                let status = r.status.to(to)?;
                rq::decide(tx, id, status, now).await?;
                let mut audience = vec![r.account_id.clone()];
                let mut region_id = String::new();
                if let Some(mut k) = eq::connection(tx, &r.endpoint_id).await? {
                    if grant {
                        k.zone_max_override = Some(k.zone_max_override.unwrap_or(0).max(r.mbps));
                        k.modified_at = now;
                        eq::update_connection(tx, &k).await?;
                    }
                    audience.push(k.service_owner_id);
                }
                if let Some(e) = eq::get(tx, &r.endpoint_id).await? {
                    region_id = e.region_id;
                }
                Ok(Done::new(Change {
                    topic: "connection",
                    action: if grant {
                        "GrantBandwidthIncrease"
                    } else {
                        "DenyBandwidthIncrease"
                    },
                    target: r.endpoint_id,
                    region_id,
                    summary: format!(
                        "{} {} Mbit/s per zone",
                        status.as_str().to_lowercase(),
                        r.mbps
                    ),
                    before: Some(json!({"request": id, "status": r.status})),
                    after: Some(json!({"request": id, "status": status})),
                    audience,
                }))
            },
        )
        .await
    }
}
