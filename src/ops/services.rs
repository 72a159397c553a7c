//! Endpoint services (provider side): create, read, list, update, delete, and their resources.

use super::audit::Change;
use super::change::Done;
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::bandwidth::{
    CONNECT_BANDWIDTH_DEFAULT, CONNECT_BANDWIDTH_MAX, CONNECT_BANDWIDTH_MIN,
};
use crate::domain::model::ServiceView;
use crate::domain::names::{default_resource_group, service_domain, service_name};
use crate::domain::plan::service as plan;
use crate::domain::region::region;
use crate::domain::state::{BusinessStatus, IpVersion, Machine, ResourceStatus};
use crate::domain::validate;
use crate::store::Conn;
use crate::store::inventory as inv;
use crate::store::services::{self as q, ResourceRow, ServiceRow};
use crate::store::tags;
use serde_json::json;

/// Most services one account may own.
pub const SERVICES_PER_ACCOUNT: i64 = 200;
/// Most resources per service, and per zone.
pub const RESOURCES_PER_SERVICE: usize = 500;
pub const RESOURCES_PER_ZONE: usize = 100;

pub use crate::domain::plan::service::{NewResource, NewService, RESOURCES_AT_CREATE};

/// Input of UpdateVpcEndpointServiceAttribute; `None` leaves a field unchanged.
#[derive(Debug, Clone, Default)]
pub struct ServiceUpdate {
    pub description: Option<String>,
    pub auto_accept: Option<bool>,
    pub connect_bandwidth: Option<i64>,
    pub zone_affinity: Option<bool>,
    pub address_ip_version: Option<String>,
    pub add_regions: Vec<String>,
    pub remove_regions: Vec<String>,
}

impl Ops {
    /// A service the caller owns, or `EndpointServiceNotFound`.
    pub(crate) async fn owned_service(
        &self,
        c: &mut Conn,
        ctx: &Ctx,
        id: &str,
    ) -> Result<ServiceRow, ApiError> {
        match q::get(c, id).await? {
            Some(s) if s.account_id == ctx.account_id && ctx.sees_region(&s.region_id) => Ok(s),
            _ => Err(ApiError::service_not_found()),
        }
    }

    /// Puts a service in `Pending` until the reconciler finishes a change to it.
    pub(crate) async fn mark_service_pending(
        &self,
        c: &mut Conn,
        s: &mut ServiceRow,
    ) -> Result<(), ApiError> {
        s.status = s.status.to(ResourceStatus::Pending)?;
        s.due_at = Some(self.due());
        s.updated_at = self.clock.now();
        q::update(c, s).await?;
        Ok(())
    }

    /// A service the caller owns and that is `Active` (not being created, changed or deleted).
    pub(crate) async fn active_owned_service(
        &self,
        c: &mut Conn,
        ctx: &Ctx,
        id: &str,
    ) -> Result<ServiceRow, ApiError> {
        let s = self.owned_service(c, ctx, id).await?;
        match s.status {
            ResourceStatus::Active => Ok(s),
            ResourceStatus::Pending => Err(ApiError::service_locked()),
            _ => Err(ApiError::service_denied()),
        }
    }

    /// CreateVpcEndpointService: the service starts `Creating` and becomes `Active` after the delay.
    pub async fn create_service(&self, ctx: &Ctx, n: NewService) -> Result<ServiceView, ApiError> {
        let spec = plan::spec(&n)?;
        self.change(
            ctx,
            async |tx| {
                if q::count_owned(tx, &ctx.account_id).await? >= SERVICES_PER_ACCOUNT {
                    return Err(ApiError::quota_mismatched());
                }
                let mut attached: Vec<(String, String, bool)> = Vec::new();
                for res in &n.resources {
                    let (lb, zone) = self
                        .check_resource(tx, ctx, spec.region.id, spec.lb_type, res)
                        .await?;
                    if attached.iter().any(|(id, z, _)| *id == lb.id && *z == zone)
                        || q::resource_in_use(tx, &lb.id).await?.is_some()
                    {
                        return Err(ApiError::resource_attached(&lb.id));
                    }
                    attached.push((lb.id.clone(), zone, lb.dual_stack));
                }
                plan::dual_stack_fits(
                    spec.lb_type,
                    spec.ip_version,
                    attached.iter().map(|(_, _, dual)| *dual),
                )?;
                let id = match n.id.clone().filter(|i| !i.is_empty()) {
                    Some(id) if id.starts_with("epsrv-") && q::get(tx, &id).await?.is_none() => {
                        Some(id)
                    }
                    Some(id) => return Err(ApiError::service_id_taken(id)),
                    None => None,
                };
                let business_status = self.account_business_status(tx, &ctx.account_id).await?;
                Ok((id, attached, business_status))
            },
            async |tx, (id, attached, business_status)| {
                let now = self.clock.now();
                let r = spec.region;
                let id = id.unwrap_or_else(|| self.ids.make("epsrv", r.id_prefix));
                let row = ServiceRow {
                    name: service_name(r.id, &id),
                    domain: service_domain(r.id, &id),
                    id,
                    account_id: ctx.account_id.clone(),
                    region_id: r.id.into(),
                    description: n.description,
                    status: ResourceStatus::Creating,
                    due_at: Some(self.due()),
                    business_status,
                    resource_type: spec.lb_type.api_name().into(),
                    auto_accept: n.auto_accept,
                    zone_affinity: n.zone_affinity,
                    address_ip_version: spec.ip_version,
                    connect_bandwidth: CONNECT_BANDWIDTH_DEFAULT,
                    payer: "Endpoint".into(),
                    resource_group_id: n
                        .resource_group_id
                        .filter(|g| !g.is_empty())
                        .unwrap_or_else(|| default_resource_group(&ctx.account_id)),
                    managed_product: None,
                    custom_domain: None,
                    policy_supported: false,
                    created_at: now,
                    updated_at: now,
                };
                q::insert(tx, &row).await?;
                for (lb, zone, _) in &attached {
                    q::insert_resource(
                        tx,
                        &ResourceRow {
                            service_id: row.id.clone(),
                            resource_id: lb.clone(),
                            resource_type: spec.lb_type.api_name().into(),
                            zone_id: zone.clone(),
                            auto_allocated: true,
                            created_at: now,
                        },
                    )
                    .await?;
                }
                for reg in &n.supported_regions {
                    q::set_supported_region(tx, &row.id, reg, true).await?;
                }
                for (k, v) in &n.tags {
                    tags::set(tx, "VpcEndpointService", &row.id, k, v).await?;
                }
                let change = Change {
                    topic: "service",
                    action: "CreateVpcEndpointService",
                    target: row.id.clone(),
                    region_id: row.region_id.clone(),
                    summary: format!(
                        "{} service with {} resource(s)",
                        spec.lb_type.label(),
                        attached.len()
                    ),
                    before: None,
                    after: Some(json!({"auto_accept": row.auto_accept, "resources": attached.len(), "ip_version": row.address_ip_version})),
                    audience: vec![],
                };
                let view = self.service_view(tx, row).await?;
                Ok(Done::with(view, change).wake())
            },
        )
        .await
    }

    pub(crate) async fn account_business_status(
        &self,
        c: &mut Conn,
        account: &str,
    ) -> Result<BusinessStatus, ApiError> {
        Ok(crate::store::accounts::account(c, account)
            .await?
            .map_or(BusinessStatus::Normal, |a| a.business_status))
    }

    /// UpdateVpcEndpointServiceAttribute. Region-list and IP-version changes pass through `Pending`.
    pub async fn update_service(
        &self,
        ctx: &Ctx,
        id: &str,
        u: ServiceUpdate,
    ) -> Result<ServiceView, ApiError> {
        self.change(
            ctx,
            async |tx| {
                let mut s = self.active_owned_service(tx, ctx, id).await?;
                let before = settings(&s);
                let mut pending = false;
                if let Some(d) = u.description.clone() {
                    validate::description("ServiceDescription", &d)?;
                    s.description = d;
                }
                if let Some(a) = u.auto_accept {
                    s.auto_accept = a;
                }
                if let Some(bw) = u.connect_bandwidth {
                    if !(CONNECT_BANDWIDTH_MIN..=CONNECT_BANDWIDTH_MAX).contains(&bw) {
                        return Err(ApiError::illegal(
                            "ConnectBandwidth",
                            format!(
                                "use {CONNECT_BANDWIDTH_MIN} to {CONNECT_BANDWIDTH_MAX} Mbit/s"
                            ),
                        ));
                    }
                    s.connect_bandwidth = bw;
                }
                if let Some(z) = u.zone_affinity {
                    s.zone_affinity = z;
                }
                if let Some(v) = u.address_ip_version.as_deref().filter(|v| !v.is_empty()) {
                    let v = validate::ip_version(Some(v))?;
                    if v != s.address_ip_version {
                        self.check_ip_version_change(tx, &s, v).await?;
                        s.address_ip_version = v;
                        pending = true;
                    }
                }
                if let Some(reg) = u
                    .add_regions
                    .iter()
                    .chain(&u.remove_regions)
                    .find(|reg| region(reg).is_none())
                {
                    return Err(ApiError::illegal(
                        "SupportedRegionSet",
                        format!("unknown region `{reg}`"),
                    ));
                }
                pending |= !u.add_regions.is_empty() || !u.remove_regions.is_empty();
                Ok((s, before, pending))
            },
            async |tx, (mut s, before, pending)| {
                for reg in &u.add_regions {
                    q::set_supported_region(tx, &s.id, reg, true).await?;
                }
                for reg in &u.remove_regions {
                    q::set_supported_region(tx, &s.id, reg, false).await?;
                }
                if pending {
                    s.status = s.status.to(ResourceStatus::Pending)?;
                    s.due_at = Some(self.due());
                }
                s.updated_at = self.clock.now();
                q::update(tx, &s).await?;
                let change = Change {
                    topic: "service",
                    action: "UpdateVpcEndpointServiceAttribute",
                    target: s.id.clone(),
                    region_id: s.region_id.clone(),
                    summary: "service settings changed".into(),
                    before: Some(before),
                    after: Some(settings(&s)),
                    audience: vec![],
                };
                let view = self.service_view(tx, s).await?;
                Ok(Done::with(view, change).wake())
            },
        )
        .await
    }

    /// Whether a service may move to IP version `v`: dual-stack needs an NLB or GWLB whose
    /// load balancers are all dual-stack; back to IPv4 needs no dual-stack endpoint on it.
    async fn check_ip_version_change(
        &self,
        c: &mut Conn,
        s: &ServiceRow,
        v: IpVersion,
    ) -> Result<(), ApiError> {
        if v.is_dual() {
            if !matches!(s.resource_type.as_str(), "nlb" | "gwlb") {
                return Err(ApiError::service_not_dual_stack_capable());
            }
            for r in q::resources(c, &s.id).await? {
                if !inv::load_balancer(c, &r.resource_id)
                    .await?
                    .is_some_and(|l| l.dual_stack)
                {
                    return Err(ApiError::resource_not_dual_stack(&r.resource_id));
                }
            }
            return Ok(());
        }
        let dual_eps = crate::store::endpoints::of_service(c, &s.id)
            .await?
            .iter()
            .filter(|e| e.address_ip_version.is_dual())
            .count();
        if dual_eps > 0 {
            return Err(ApiError::downgrade_not_allowed(dual_eps));
        }
        Ok(())
    }

    /// DeleteVpcEndpointService: refused while endpoints are connected (or connecting); works with
    /// resources still attached (Terraform relies on that). The service goes `Deleting`, then away;
    /// its remaining connections become `ServiceDeleted`.
    pub async fn delete_service(&self, ctx: &Ctx, id: &str) -> Result<(), ApiError> {
        self.change(
            ctx,
            async |tx| {
                let s = self.active_owned_service(tx, ctx, id).await?;
                let live = q::connection_counts(tx, &s.id)
                    .await?
                    .iter()
                    .filter(|(st, _)| st.holds_service())
                    .map(|(_, n)| n)
                    .sum::<i64>();
                if live > 0 {
                    return Err(ApiError::service_has_connections());
                }
                Ok(s)
            },
            async |tx, mut s| {
                s.status = s.status.to(ResourceStatus::Deleting)?;
                s.due_at = Some(self.due());
                s.updated_at = self.clock.now();
                q::update(tx, &s).await?;
                let audience = self.service_audience(tx, &s.id).await?;
                Ok(Done::new(Change {
                    topic: "service",
                    action: "DeleteVpcEndpointService",
                    target: s.id,
                    region_id: s.region_id,
                    summary: "service deletion started".into(),
                    before: None,
                    after: None,
                    audience,
                })
                .wake())
            },
        )
        .await
    }

    /// Accounts with endpoints on a service (they see its events).
    pub(crate) async fn service_audience(
        &self,
        c: &mut Conn,
        service: &str,
    ) -> Result<Vec<String>, ApiError> {
        Ok(crate::store::endpoints::owners_on_service(c, service).await?)
    }
}

/// The settings UpdateVpcEndpointServiceAttribute changes, for its audit record.
fn settings(s: &ServiceRow) -> serde_json::Value {
    json!({"description": s.description, "auto_accept": s.auto_accept, "connect_bandwidth": s.connect_bandwidth, "zone_affinity": s.zone_affinity, "ip_version": s.address_ip_version})
}
