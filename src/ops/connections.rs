//! Endpoint connections: the provider accepts (with a bandwidth), rejects (with a reason kept for the
//! consumer), disconnects, changes the bandwidth, and enables or disables single zones.

use super::audit::Change;
use super::change::Done;
use super::endpoints::lb_of;
use super::{Ctx, Ops, Page};
use crate::domain::ApiError;
use crate::domain::bandwidth::{
    CONNECT_BANDWIDTH_MIN, check_throttle, limit_enforced, requested_traffic_mode, zone_limits,
    zone_max,
};
use crate::domain::model::ConnectionView;
use crate::domain::state::{BusinessStatus, ConnectionStatus, Machine, ResourceStatus, ZoneStatus};
use crate::store::Conn;
use crate::store::endpoints::{self as q, ConnectionRow, EndpointRow};
use crate::store::iso;
use crate::store::services::{self as svc, ServiceRow};
use serde_json::json;

/// Filters of ListVpcEndpointConnections.
#[derive(Debug, Clone, Default)]
pub struct ConnectionFilter {
    pub endpoint_id: Option<String>,
    pub endpoint_owner_id: Option<String>,
    pub status: Option<String>,
    pub eni_id: Option<String>,
    pub resource_id: Option<String>,
    pub resource_group_id: Option<String>,
}

impl Ops {
    /// The provider's service and one of its connections, checked for ownership.
    async fn provider_connection(
        &self,
        c: &mut Conn,
        ctx: &Ctx,
        service_id: &str,
        endpoint_id: &str,
    ) -> Result<(ServiceRow, EndpointRow, ConnectionRow), ApiError> {
        let s = self.owned_service(c, ctx, service_id).await?;
        let k = match q::connection(c, endpoint_id).await? {
            Some(k) if k.service_id == s.id => k,
            _ => return Err(ApiError::connection_not_found()),
        };
        let e = q::get(c, endpoint_id)
            .await?
            .ok_or_else(ApiError::connection_not_found)?;
        Ok((s, e, k))
    }

    fn check_bandwidth(
        &self,
        s: &ServiceRow,
        e: &EndpointRow,
        k: &ConnectionRow,
        mbps: i64,
    ) -> Result<(), ApiError> {
        check_throttle(
            mbps,
            lb_of(&s.resource_type),
            e.created_at,
            k.zone_max_override,
        )
        .map_err(|why| ApiError::illegal("Bandwidth", why))
    }

    /// EnableVpcEndpointConnection: accept a waiting endpoint (`Disconnected` → `Connecting` → `Connected`).
    pub async fn accept_connection(
        &self,
        ctx: &Ctx,
        service_id: &str,
        endpoint_id: &str,
        bandwidth: Option<i64>,
        mode: Option<&str>,
    ) -> Result<(), ApiError> {
        self.change(
            ctx,
            async |tx| {
                let (s, e, k) = self
                    .provider_connection(tx, ctx, service_id, endpoint_id)
                    .await?;
                if !k.status.decidable() {
                    return Err(ApiError::connection_denied());
                }
                // A service on its way out takes no new connections: its deletion turns every
                // connection into ServiceDeleted, which a live one cannot become.
                if s.status == ResourceStatus::Deleting {
                    return Err(ApiError::service_denied());
                }
                if e.status == ResourceStatus::Deleting {
                    return Err(ApiError::endpoint_denied());
                }
                if s.business_status != BusinessStatus::Normal {
                    return Err(ApiError::service_business_status(&s.id));
                }
                if e.business_status != BusinessStatus::Normal {
                    return Err(ApiError::endpoint_business_status(&e.id));
                }
                let zones = q::zones(tx, &e.id).await?;
                if !zones.is_empty()
                    && svc::resources(tx, &s.id).await?.is_empty()
                    && s.managed_product.is_none()
                {
                    return Err(ApiError::no_available_service_resource());
                }
                let mode = requested_traffic_mode(lb_of(&s.resource_type), mode)?;
                let bw = bandwidth.unwrap_or(k.bandwidth);
                self.check_bandwidth(&s, &e, &k, bw)?;
                Ok((s, e, k, zones, bw, mode))
            },
            async |tx, (s, e, mut k, zones, bw, mode)| {
                let before = k.status;
                let due = self.due();
                k.status = k.status.to(ConnectionStatus::Connecting)?;
                k.due_at = Some(due);
                k.bandwidth = bw;
                k.traffic_control_mode = mode;
                k.decided_by = Some(ctx.account_id.clone());
                k.reason = None;
                k.modified_at = self.clock.now();
                q::update_connection(tx, &k).await?;
                for z in zones
                    .iter()
                    .filter(|z| matches!(z.status, ZoneStatus::Wait | ZoneStatus::Disconnected))
                {
                    q::set_zone_status(tx, &e.id, &z.zone_id, ZoneStatus::Connecting, Some(due))
                        .await?;
                }
                Ok(Done::new(Change {
                    topic: "connection",
                    action: "EnableVpcEndpointConnection",
                    target: e.id.clone(),
                    region_id: s.region_id,
                    summary: format!("accepted {} with {bw} Mbit/s", e.id),
                    before: Some(json!({"status": before})),
                    after: Some(json!({"status": k.status, "bandwidth": bw})),
                    audience: vec![e.account_id],
                })
                .wake())
            },
        )
        .await
    }

    /// DisableVpcEndpointConnection: reject a waiting endpoint (the reason is kept for the consumer)
    /// or disconnect a connected one. The row stays, `Disconnected`.
    pub async fn reject_connection(
        &self,
        ctx: &Ctx,
        service_id: &str,
        endpoint_id: &str,
        reason: Option<&str>,
    ) -> Result<(), ApiError> {
        let reason = reason
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        self.change(
            ctx,
            async |tx| {
                let (s, e, k) = self
                    .provider_connection(tx, ctx, service_id, endpoint_id)
                    .await?;
                if reason.as_deref().is_some_and(|r| r.chars().count() > 256) {
                    return Err(ApiError::illegal("Reason", "at most 256 characters"));
                }
                let rejecting = k.status.decidable();
                if !rejecting && !k.status.adjustable() {
                    return Err(ApiError::connection_denied());
                }
                Ok((s, e, k, rejecting))
            },
            async |tx, (s, e, mut k, rejecting)| {
                let before = k.status;
                k.decided_by = Some(ctx.account_id.clone());
                // The provider's decision replaces what an overdue payment remembered: clearing
                // the payment must not reconnect what the provider rejected.
                k.locked_from = None;
                k.reason = reason
                    .clone()
                    .or_else(|| rejecting.then(|| "Rejected by the service provider.".to_string()));
                k.modified_at = self.clock.now();
                if !rejecting {
                    let due = self.due();
                    k.status = k.status.to(ConnectionStatus::Disconnecting)?;
                    k.due_at = Some(due);
                    for z in q::zones(tx, &e.id).await?.iter().filter(|z| {
                        matches!(z.status, ZoneStatus::Connected | ZoneStatus::Connecting)
                    }) {
                        q::set_zone_status(
                            tx,
                            &e.id,
                            &z.zone_id,
                            ZoneStatus::Disconnecting,
                            Some(due),
                        )
                        .await?;
                    }
                }
                q::update_connection(tx, &k).await?;
                Ok(Done::new(Change {
                    topic: "connection",
                    action: "DisableVpcEndpointConnection",
                    target: e.id.clone(),
                    region_id: s.region_id,
                    summary: if rejecting {
                        format!("rejected {}", e.id)
                    } else {
                        format!("disconnecting {}", e.id)
                    },
                    before: Some(json!({"status": before})),
                    after: Some(json!({"status": k.status, "reason": k.reason})),
                    audience: vec![e.account_id],
                })
                .wake())
            },
        )
        .await
    }

    /// UpdateVpcEndpointConnectionAttribute: change the throttle (`Connected` → `Pending` → `Connected`).
    pub async fn set_connection_bandwidth(
        &self,
        ctx: &Ctx,
        service_id: &str,
        endpoint_id: &str,
        bandwidth: Option<i64>,
        mode: Option<&str>,
    ) -> Result<(), ApiError> {
        self.change(
            ctx,
            async |tx| {
                let (s, e, k) = self
                    .provider_connection(tx, ctx, service_id, endpoint_id)
                    .await?;
                if !k.status.adjustable() {
                    return Err(ApiError::connection_denied());
                }
                let mode = match mode {
                    Some(m) if !m.is_empty() => {
                        requested_traffic_mode(lb_of(&s.resource_type), Some(m))?
                    }
                    _ => k.traffic_control_mode,
                };
                let bw = bandwidth.unwrap_or(k.bandwidth);
                self.check_bandwidth(&s, &e, &k, bw)?;
                Ok((s, e, k, bw, mode))
            },
            async |tx, (s, e, mut k, bw, mode)| {
                let before = json!({"bandwidth": k.bandwidth, "mode": k.traffic_control_mode});
                k.status = k.status.to(ConnectionStatus::Pending)?;
                k.due_at = Some(self.due());
                k.bandwidth = bw;
                k.traffic_control_mode = mode;
                k.modified_at = self.clock.now();
                q::update_connection(tx, &k).await?;
                Ok(Done::new(Change {
                    topic: "connection",
                    action: "UpdateVpcEndpointConnectionAttribute",
                    target: e.id.clone(),
                    region_id: s.region_id,
                    summary: format!("bandwidth of {} set to {bw} Mbit/s", e.id),
                    before: Some(before),
                    after: Some(json!({"bandwidth": bw, "mode": k.traffic_control_mode})),
                    audience: vec![e.account_id],
                })
                .wake())
            },
        )
        .await
    }

    /// Enable (`true`) or disable one zone of a connected endpoint (404 codes, per the API).
    pub async fn set_zone_connection(
        &self,
        ctx: &Ctx,
        service_id: &str,
        endpoint_id: &str,
        zone_id: &str,
        enable: bool,
    ) -> Result<(), ApiError> {
        self.change(
            ctx,
            async |tx| {
                let s = match svc::get(tx, service_id).await? {
                    Some(s) if s.account_id == ctx.account_id && ctx.sees_region(&s.region_id) => s,
                    _ => {
                        return Err(ApiError::resource_not_found(
                            "VpcEndpointService",
                            service_id,
                        ));
                    }
                };
                let e = q::get(tx, endpoint_id)
                    .await?
                    .ok_or_else(|| ApiError::resource_not_found("VpcEndpoint", endpoint_id))?;
                let k = match q::connection(tx, endpoint_id).await? {
                    Some(k) if k.service_id == s.id => k,
                    _ => {
                        return Err(ApiError::resource_not_found(
                            "VpcEndpointConnection",
                            endpoint_id,
                        ));
                    }
                };
                let z = q::zones(tx, endpoint_id)
                    .await?
                    .into_iter()
                    .find(|z| z.zone_id == zone_id)
                    .ok_or_else(|| ApiError::resource_not_found("VpcEndpointZone", zone_id))?;
                if k.status != ConnectionStatus::Connected {
                    return Err(ApiError::incorrect_status(
                        "VpcEndpointConnection",
                        endpoint_id,
                    ));
                }
                let ok = if enable {
                    z.status == ZoneStatus::Disconnected
                } else {
                    z.status == ZoneStatus::Connected
                };
                if !ok {
                    return Err(ApiError::incorrect_status("VpcEndpointZone", zone_id));
                }
                Ok((s, e, z))
            },
            async |tx, (s, e, z)| {
                let (to, action, verb) = if enable {
                    (
                        ZoneStatus::Connecting,
                        "EnableVpcEndpointZoneConnection",
                        "enabling",
                    )
                } else {
                    (
                        ZoneStatus::Disconnecting,
                        "DisableVpcEndpointZoneConnection",
                        "disabling",
                    )
                };
                q::set_zone_status(tx, endpoint_id, zone_id, to, Some(self.due())).await?;
                Ok(Done::new(Change {
                    topic: "connection",
                    action,
                    target: endpoint_id.to_string(),
                    region_id: s.region_id,
                    summary: format!("{verb} zone {zone_id} of {endpoint_id}"),
                    before: Some(json!({"zone": zone_id, "status": z.status})),
                    after: Some(json!({"zone": zone_id, "status": to})),
                    audience: vec![e.account_id],
                })
                .wake())
            },
        )
        .await
    }

    /// ListVpcEndpointConnections (provider): one page of a service's connections.
    pub async fn list_connections(
        &self,
        ctx: &Ctx,
        service_id: &str,
        f: &ConnectionFilter,
        next_token: Option<&str>,
        max: i64,
    ) -> Result<Page<ConnectionView>, ApiError> {
        let mut c = self.pool.acquire().await?;
        let s = self.owned_service(&mut c, ctx, service_id).await?;
        // Every filter is a condition in SQL: count and fetch one page there instead of scanning
        // every connection of the service.
        let cols = q::ConnectionColumns {
            status: f.status.as_deref(),
            endpoint: f.endpoint_id.as_deref(),
            owner: f.endpoint_owner_id.as_deref(),
            eni: f.eni_id.as_deref(),
            resource: f.resource_id.as_deref(),
            resource_group: f.resource_group_id.as_deref(),
        };
        let total = q::count_connections(&mut c, &s.id, &cols).await?;
        let max = max.max(1);
        let mut rows =
            q::filtered_connections_page(&mut c, &s.id, &cols, next_token.unwrap_or(""), max + 1)
                .await?;
        let more = rows.len() as i64 > max;
        rows.truncate(max as usize);
        let mut items = Vec::with_capacity(rows.len());
        for k in rows {
            items.push(self.connection_view(&mut c, &s, k).await?);
        }
        let next_token = if more {
            items.last().map(|v| v.endpoint_id.clone())
        } else {
            None
        };
        Ok(Page {
            items,
            next_token,
            total,
        })
    }

    /// The consumer's view of its endpoint's connection.
    pub async fn endpoint_connection(
        &self,
        ctx: &Ctx,
        endpoint_id: &str,
    ) -> Result<Option<ConnectionView>, ApiError> {
        let mut c = self.pool.acquire().await?;
        let e = self.owned_endpoint(&mut c, ctx, endpoint_id).await?;
        let (Some(k), Some(s)) = (
            q::connection(&mut c, &e.id).await?,
            svc::get(&mut c, &e.service_id).await?,
        ) else {
            return Ok(None);
        };
        Ok(Some(self.connection_view(&mut c, &s, k).await?))
    }

    pub(crate) async fn connection_view(
        &self,
        c: &mut Conn,
        s: &ServiceRow,
        k: ConnectionRow,
    ) -> Result<ConnectionView, ApiError> {
        let e = q::get(c, &k.endpoint_id)
            .await?
            .ok_or_else(ApiError::internal)?;
        let zones = self.zone_views(c, &e).await?;
        let lb = lb_of(&s.resource_type);
        let (elastic_default, _) = zone_limits(lb, e.created_at);
        Ok(ConnectionView {
            elastic: !limit_enforced(lb, k.traffic_control_mode),
            elastic_zone_mbps: elastic_default,
            endpoint_name: e.name.clone(),
            endpoint_owner_id: k.endpoint_owner_id,
            endpoint_vpc_id: e.vpc_id.clone(),
            endpoint_region_id: e.region_id.clone(),
            service_id: k.service_id,
            service_region_id: s.region_id.clone(),
            awaiting_decision: k
                .status
                .awaiting_decision(k.decided_by.is_some(), k.locked_from.is_some()),
            decidable: k.status.decidable(),
            adjustable: k.status.adjustable(),
            status: k.status,
            bandwidth: k.bandwidth,
            traffic_control_mode: k.traffic_control_mode,
            reason: k.reason,
            resource_owner: s.account_id == e.account_id,
            resource_group_id: e.resource_group_id.clone(),
            created_at: iso(k.created_at),
            modified_at: iso(k.modified_at),
            zones,
            min_bandwidth: CONNECT_BANDWIDTH_MIN,
            max_bandwidth: zone_max(lb, e.created_at, k.zone_max_override),
            endpoint_id: k.endpoint_id,
        })
    }

    /// Connections waiting for this provider's decision (the console badge).
    pub async fn pending_decisions(&self, ctx: &Ctx) -> Result<i64, ApiError> {
        let mut c = self.pool.acquire().await?;
        Ok(q::pending_for_provider(&mut c, &ctx.account_id).await?)
    }
}
