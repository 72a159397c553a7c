//! Endpoint services (provider side): create, read, list, update, delete, and their resources.

use super::audit::Change;
use super::{Ctx, Ops, Page, PageBuilder};
use crate::domain::ApiError;
use crate::domain::bandwidth::{
    CONNECT_BANDWIDTH_DEFAULT, CONNECT_BANDWIDTH_MAX, CONNECT_BANDWIDTH_MIN,
};
use crate::domain::inventory::LbType;
use crate::domain::model::{ResourceView, ServiceView};
use crate::domain::names::{default_resource_group, service_domain, service_name};
use crate::domain::region::region;
use crate::domain::state::{BusinessStatus, ConnectionStatus, Machine, ResourceStatus};
use crate::domain::validate;
use crate::store::Conn;
use crate::store::inventory as inv;
use crate::store::services::{self as q, ResourceRow, ServiceRow};
use crate::store::{iso, tags};
use serde_json::json;

/// Most services one account may own.
pub const SERVICES_PER_ACCOUNT: i64 = 200;
/// Most resources in one CreateVpcEndpointService call, per service, and per zone.
pub const RESOURCES_AT_CREATE: usize = 10;
pub const RESOURCES_PER_SERVICE: usize = 500;
pub const RESOURCES_PER_ZONE: usize = 100;

/// One load balancer to attach, in one zone (zone optional for CLB: its primary zone).
#[derive(Debug, Clone, Default)]
pub struct NewResource {
    pub resource_id: String,
    pub resource_type: Option<String>,
    pub zone_id: Option<String>,
}

/// Input of CreateVpcEndpointService.
#[derive(Debug, Clone, Default)]
pub struct NewService {
    /// An explicit id (scenarios); generated when `None`.
    pub id: Option<String>,
    pub region_id: String,
    pub description: String,
    pub auto_accept: bool,
    pub zone_affinity: bool,
    pub payer: Option<String>,
    pub resource_type: Option<String>,
    pub resources: Vec<NewResource>,
    pub address_ip_version: Option<String>,
    pub supported_regions: Vec<String>,
    pub resource_group_id: Option<String>,
    pub tags: Vec<(String, String)>,
}

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

/// Filters of ListVpcEndpointServices.
#[derive(Debug, Clone, Default)]
pub struct ServiceFilter {
    pub service_id: Option<String>,
    pub service_name: Option<String>,
    pub status: Option<String>,
    pub business_status: Option<String>,
    pub auto_accept: Option<bool>,
    pub zone_affinity: Option<bool>,
    pub resource_type: Option<String>,
    pub address_ip_version: Option<String>,
    pub resource_id: Option<String>,
    pub resource_group_id: Option<String>,
    pub tags: Vec<(String, String)>,
}

pub(crate) fn service_type(resource_type: &str) -> &'static str {
    if resource_type == "gwlb" {
        "GatewayLoadBalancer"
    } else {
        "Interface"
    }
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

    /// Checks a load balancer for attachment to a service of `service_type` and returns its zone.
    async fn check_resource(
        &self,
        c: &mut Conn,
        ctx: &Ctx,
        region_id: &str,
        service_type: LbType,
        r: &NewResource,
    ) -> Result<(crate::store::inventory::LoadBalancerRow, String), ApiError> {
        let declared = match r.resource_type.as_deref().filter(|t| !t.is_empty()) {
            Some(t) => LbType::parse(t).ok_or_else(|| ApiError::resource_type_not_supported(t))?,
            None => service_type,
        };
        if declared != service_type {
            return Err(ApiError::resource_type_mismatch(
                declared.api_name(),
                service_type.api_name(),
            ));
        }
        let not_found = || {
            if declared == LbType::Alb {
                ApiError::alb_not_found(&r.resource_id)
            } else {
                ApiError::load_balancer_not_found(&r.resource_id)
            }
        };
        let lb = inv::load_balancer(c, &r.resource_id)
            .await?
            .ok_or_else(not_found)?;
        if lb.account_id != ctx.account_id || lb.region_id != region_id {
            return Err(not_found());
        }
        if LbType::parse(&lb.lb_type) != Some(declared) {
            return Err(ApiError::resource_type_mismatch(
                &r.resource_id,
                declared.api_name(),
            ));
        }
        if !lb.privatelink_supported {
            return Err(ApiError::load_balancer_not_supported(&lb.id));
        }
        let zones = lb.zone_list();
        let zone = match r.zone_id.as_deref().filter(|z| !z.is_empty()) {
            Some(z) => z.to_string(),
            None if declared == LbType::Clb => zones.first().cloned().unwrap_or_default(),
            None => return Err(ApiError::missing("ZoneId")),
        };
        if !zones.contains(&zone) {
            return Err(ApiError::load_balancer_not_in_zone(&lb.id, zone));
        }
        Ok((lb, zone))
    }

    /// CreateVpcEndpointService: the service starts `Creating` and becomes `Active` after the delay.
    pub async fn create_service(&self, ctx: &Ctx, n: NewService) -> Result<ServiceView, ApiError> {
        let r = region(&n.region_id).ok_or_else(|| {
            ApiError::illegal("RegionId", format!("unknown region `{}`", n.region_id))
        })?;
        validate::description("ServiceDescription", &n.description)?;
        validate::tags(&n.tags)?;
        let lb_type = match n.resource_type.as_deref().filter(|t| !t.is_empty()) {
            Some(t) => LbType::parse(t).ok_or_else(|| ApiError::resource_type_not_supported(t))?,
            None => LbType::Clb,
        };
        let ip_version = validate::ip_version(n.address_ip_version.as_deref())?;
        let payer = n
            .payer
            .clone()
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "Endpoint".into());
        match payer.as_str() {
            "Endpoint" => {}
            "EndpointService" => {
                return Err(ApiError::payer_forbidden());
            }
            _ => {
                return Err(ApiError::illegal(
                    "Payer",
                    "use Endpoint or EndpointService",
                ));
            }
        }
        for reg in &n.supported_regions {
            if region(reg).is_none() {
                return Err(ApiError::illegal(
                    "SupportedRegionList",
                    format!("unknown region `{reg}`"),
                ));
            }
        }
        if n.resources.len() > RESOURCES_AT_CREATE {
            return Err(ApiError::quota_mismatched());
        }
        let mut tx = self.write_tx().await?;
        if q::count_owned(&mut tx, &ctx.account_id).await? >= SERVICES_PER_ACCOUNT {
            return Err(ApiError::quota_mismatched());
        }
        let mut attached: Vec<(String, String, bool)> = Vec::new();
        for res in &n.resources {
            let (lb, zone) = self
                .check_resource(&mut tx, ctx, r.id, lb_type, res)
                .await?;
            if attached.iter().any(|(id, z, _)| *id == lb.id && *z == zone)
                || q::resource_in_use(&mut tx, &lb.id).await?.is_some()
            {
                return Err(ApiError::resource_attached(&lb.id));
            }
            attached.push((lb.id.clone(), zone, lb.dual_stack));
        }
        if ip_version.is_dual() {
            if !matches!(lb_type, LbType::Nlb | LbType::Gwlb) {
                return Err(ApiError::service_not_dual_stack_capable());
            }
            if attached.iter().any(|(_, _, dual)| !dual) {
                return Err(ApiError::resources_not_dual_stack());
            }
        }
        if ctx.dry_run {
            return Err(ApiError::dry_run());
        }
        let id = match n.id.filter(|i| !i.is_empty()) {
            Some(id) if id.starts_with("epsrv-") && q::get(&mut tx, &id).await?.is_none() => id,
            Some(id) => {
                return Err(ApiError::service_id_taken(id));
            }
            None => self.ids.make("epsrv", r.id_prefix),
        };
        let now = self.clock.now();
        let row = ServiceRow {
            name: service_name(r.id, &id),
            domain: service_domain(r.id, &id),
            id,
            account_id: ctx.account_id.clone(),
            region_id: r.id.into(),
            description: n.description,
            status: ResourceStatus::Creating,
            due_at: Some(self.due()),
            business_status: self
                .account_business_status(&mut tx, &ctx.account_id)
                .await?,
            resource_type: lb_type.api_name().into(),
            auto_accept: n.auto_accept,
            zone_affinity: n.zone_affinity,
            address_ip_version: ip_version,
            connect_bandwidth: CONNECT_BANDWIDTH_DEFAULT,
            payer,
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
        q::insert(&mut tx, &row).await?;
        for (lb, zone, _) in &attached {
            q::insert_resource(
                &mut tx,
                &ResourceRow {
                    service_id: row.id.clone(),
                    resource_id: lb.clone(),
                    resource_type: lb_type.api_name().into(),
                    zone_id: zone.clone(),
                    auto_allocated: true,
                    created_at: now,
                },
            )
            .await?;
        }
        for reg in &n.supported_regions {
            q::set_supported_region(&mut tx, &row.id, reg, true).await?;
        }
        for (k, v) in &n.tags {
            tags::set(&mut tx, "VpcEndpointService", &row.id, k, v).await?;
        }
        let ev = self
            .record(&mut tx, ctx, Change {
                topic: "service",
                action: "CreateVpcEndpointService",
                target: &row.id,
                region_id: &row.region_id,
                summary: format!("{} service with {} resource(s)", lb_type.label(), attached.len()),
                before: None,
                after: Some(json!({"auto_accept": row.auto_accept, "resources": attached.len(), "ip_version": row.address_ip_version})),
                audience: vec![],
            })
            .await?;
        let view = self.service_view(&mut tx, row).await?;
        tx.commit().await?;
        self.publish([ev]);
        self.wake();
        Ok(view)
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

    /// Builds the full view of a service.
    pub(crate) async fn service_view(
        &self,
        c: &mut Conn,
        s: ServiceRow,
    ) -> Result<ServiceView, ApiError> {
        let resources = q::resources(c, &s.id).await?;
        let mut zones: Vec<String> = resources.iter().map(|r| r.zone_id.clone()).collect();
        zones.sort();
        zones.dedup();
        let counts = q::connection_counts(c, &s.id).await?;
        let connection_count = counts
            .iter()
            .filter(|(st, _)| *st != ConnectionStatus::Disconnected)
            .map(|(_, n)| n)
            .sum();
        let pending_count = crate::store::endpoints::pending_for_service(c, &s.id).await?;
        Ok(ServiceView {
            service_type: service_type(&s.resource_type).into(),
            zones,
            supported_regions: q::supported_regions(c, &s.id).await?,
            tags: tags::of(c, &s.id).await?,
            created_at: iso(s.created_at),
            id: s.id,
            owner_id: s.account_id,
            region_id: s.region_id,
            name: s.name,
            domain: s.domain,
            description: s.description,
            status: s.status,
            business_status: s.business_status,
            resource_type: s.resource_type,
            auto_accept: s.auto_accept,
            zone_affinity: s.zone_affinity,
            address_ip_version: s.address_ip_version,
            connect_bandwidth: s.connect_bandwidth,
            payer: s.payer,
            resource_group_id: s.resource_group_id,
            managed_product: s.managed_product,
            custom_domain: s.custom_domain,
            policy_supported: s.policy_supported,
            connection_count,
            pending_count,
        })
    }

    /// GetVpcEndpointServiceAttribute: one service the caller owns.
    pub async fn get_service(&self, ctx: &Ctx, id: &str) -> Result<ServiceView, ApiError> {
        let mut c = self.pool.acquire().await?;
        let s = self.owned_service(&mut c, ctx, id).await?;
        self.service_view(&mut c, s).await
    }

    /// ListVpcEndpointServices: the caller's services in a region, filtered, paged by `next_token`.
    pub async fn list_services(
        &self,
        ctx: &Ctx,
        region_id: &str,
        f: &ServiceFilter,
        next_token: Option<&str>,
        max: i64,
    ) -> Result<Page<ServiceView>, ApiError> {
        let mut c = self.pool.acquire().await?;
        let mut page = PageBuilder::new(next_token, max);
        let mut after = String::new();
        loop {
            let chunk = q::owned_page(&mut c, &ctx.account_id, region_id, &after, 500).await?;
            let done = chunk.len() < 500;
            for s in chunk {
                after = s.id.clone();
                if !self.service_matches(&mut c, &s, f).await? {
                    continue;
                }
                let key = s.id.clone();
                let view = if page.wants(&key) {
                    Some(self.service_view(&mut c, s).await?)
                } else {
                    None
                };
                page.push(&key, view);
            }
            if done {
                return Ok(page.finish());
            }
        }
    }

    async fn service_matches(
        &self,
        c: &mut Conn,
        s: &ServiceRow,
        f: &ServiceFilter,
    ) -> Result<bool, ApiError> {
        let eq = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        if !(eq(&f.service_id, &s.id)
            && eq(&f.service_name, &s.name)
            && eq(&f.status, s.status.as_str())
            && eq(&f.business_status, s.business_status.as_str())
            && f.auto_accept.is_none_or(|a| a == s.auto_accept)
            && f.zone_affinity.is_none_or(|a| a == s.zone_affinity)
            && f.resource_type.as_deref().is_none_or(|t| {
                LbType::parse(t).map(|l| l.api_name()) == Some(s.resource_type.as_str())
            })
            && eq(&f.address_ip_version, s.address_ip_version.as_str())
            && eq(&f.resource_group_id, &s.resource_group_id))
        {
            return Ok(false);
        }
        if let Some(r) = &f.resource_id
            && !q::resources(c, &s.id)
                .await?
                .iter()
                .any(|x| &x.resource_id == r)
        {
            return Ok(false);
        }
        if !f.tags.is_empty() {
            let have = tags::of(c, &s.id).await?;
            if !f.tags.iter().all(|(k, v)| {
                have.iter()
                    .any(|(hk, hv)| hk == k && (v.is_empty() || hv == v))
            }) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// UpdateVpcEndpointServiceAttribute. Region-list and IP-version changes pass through `Pending`.
    pub async fn update_service(
        &self,
        ctx: &Ctx,
        id: &str,
        u: ServiceUpdate,
    ) -> Result<ServiceView, ApiError> {
        let mut tx = self.write_tx().await?;
        let mut s = self.active_owned_service(&mut tx, ctx, id).await?;
        let before = json!({"description": s.description, "auto_accept": s.auto_accept, "connect_bandwidth": s.connect_bandwidth, "zone_affinity": s.zone_affinity, "ip_version": s.address_ip_version});
        let mut pending = false;
        if let Some(d) = u.description {
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
                    format!("use {CONNECT_BANDWIDTH_MIN} to {CONNECT_BANDWIDTH_MAX} Mbit/s"),
                ));
            }
            s.connect_bandwidth = bw;
        }
        if let Some(z) = u.zone_affinity {
            s.zone_affinity = z;
        }
        if let Some(v) = u.address_ip_version.filter(|v| !v.is_empty()) {
            let v = validate::ip_version(Some(&v))?;
            if v != s.address_ip_version {
                if v.is_dual() {
                    if !matches!(s.resource_type.as_str(), "nlb" | "gwlb") {
                        return Err(ApiError::service_not_dual_stack_capable());
                    }
                    for r in q::resources(&mut tx, &s.id).await? {
                        if !inv::load_balancer(&mut tx, &r.resource_id)
                            .await?
                            .is_some_and(|l| l.dual_stack)
                        {
                            return Err(ApiError::resource_not_dual_stack(&r.resource_id));
                        }
                    }
                } else {
                    let dual_eps = crate::store::endpoints::of_service(&mut tx, &s.id)
                        .await?
                        .iter()
                        .filter(|e| e.address_ip_version.is_dual())
                        .count();
                    if dual_eps > 0 {
                        return Err(ApiError::downgrade_not_allowed(dual_eps));
                    }
                }
                s.address_ip_version = v;
                pending = true;
            }
        }
        for reg in u.add_regions.iter().chain(&u.remove_regions) {
            if region(reg).is_none() {
                return Err(ApiError::illegal(
                    "SupportedRegionSet",
                    format!("unknown region `{reg}`"),
                ));
            }
        }
        if ctx.dry_run {
            return Err(ApiError::dry_run());
        }
        for reg in &u.add_regions {
            q::set_supported_region(&mut tx, &s.id, reg, true).await?;
            pending = true;
        }
        for reg in &u.remove_regions {
            q::set_supported_region(&mut tx, &s.id, reg, false).await?;
            pending = true;
        }
        if pending {
            s.status = s.status.to(ResourceStatus::Pending)?;
            s.due_at = Some(self.due());
        }
        s.updated_at = self.clock.now();
        q::update(&mut tx, &s).await?;
        let after = json!({"description": s.description, "auto_accept": s.auto_accept, "connect_bandwidth": s.connect_bandwidth, "zone_affinity": s.zone_affinity, "ip_version": s.address_ip_version});
        let ev = self
            .record(
                &mut tx,
                ctx,
                Change {
                    topic: "service",
                    action: "UpdateVpcEndpointServiceAttribute",
                    target: &s.id,
                    region_id: &s.region_id,
                    summary: "service settings changed".into(),
                    before: Some(before),
                    after: Some(after),
                    audience: vec![],
                },
            )
            .await?;
        let view = self.service_view(&mut tx, s).await?;
        tx.commit().await?;
        self.publish([ev]);
        self.wake();
        Ok(view)
    }

    /// DeleteVpcEndpointService: refused while endpoints are connected (or connecting); works with
    /// resources still attached (Terraform relies on that). The service goes `Deleting`, then away;
    /// its remaining connections become `ServiceDeleted`.
    pub async fn delete_service(&self, ctx: &Ctx, id: &str) -> Result<(), ApiError> {
        let mut tx = self.write_tx().await?;
        let mut s = self.active_owned_service(&mut tx, ctx, id).await?;
        let live = q::connection_counts(&mut tx, &s.id)
            .await?
            .iter()
            .filter(|(st, _)| st.holds_service())
            .map(|(_, n)| n)
            .sum::<i64>();
        if live > 0 {
            return Err(ApiError::service_has_connections());
        }
        if ctx.dry_run {
            return Err(ApiError::dry_run());
        }
        s.status = s.status.to(ResourceStatus::Deleting)?;
        s.due_at = Some(self.due());
        s.updated_at = self.clock.now();
        q::update(&mut tx, &s).await?;
        let audience = self.service_audience(&mut tx, &s.id).await?;
        self.commit_change(
            tx,
            ctx,
            Change {
                topic: "service",
                action: "DeleteVpcEndpointService",
                target: &s.id,
                region_id: &s.region_id,
                summary: "service deletion started".into(),
                before: None,
                after: None,
                audience,
            },
        )
        .await?;
        self.wake();
        Ok(())
    }

    /// Accounts with endpoints on a service (they see its events).
    pub(crate) async fn service_audience(
        &self,
        c: &mut Conn,
        service: &str,
    ) -> Result<Vec<String>, ApiError> {
        Ok(crate::store::endpoints::owners_on_service(c, service).await?)
    }

    /// AttachResourceToVpcEndpointService: the service passes through `Pending`.
    pub async fn attach_resource(
        &self,
        ctx: &Ctx,
        service_id: &str,
        r: NewResource,
    ) -> Result<(), ApiError> {
        let mut tx = self.write_tx().await?;
        let mut s = self.active_owned_service(&mut tx, ctx, service_id).await?;
        if s.managed_product.is_some() {
            return Err(ApiError::service_denied());
        }
        let lb_type = LbType::parse(&s.resource_type).unwrap_or(LbType::Clb);
        let (lb, zone) = self
            .check_resource(&mut tx, ctx, &s.region_id.clone(), lb_type, &r)
            .await?;
        let existing = q::resources(&mut tx, &s.id).await?;
        if existing
            .iter()
            .any(|x| x.resource_id == lb.id && x.zone_id == zone)
            || q::resource_in_use(&mut tx, &lb.id)
                .await?
                .is_some_and(|o| o != s.id)
        {
            return Err(ApiError::resource_attached(&lb.id));
        }
        if existing.len() >= RESOURCES_PER_SERVICE
            || existing.iter().filter(|x| x.zone_id == zone).count() >= RESOURCES_PER_ZONE
        {
            return Err(ApiError::quota_mismatched());
        }
        if s.address_ip_version.is_dual() && !lb.dual_stack {
            return Err(ApiError::resource_not_dual_stack(&lb.id));
        }
        if ctx.dry_run {
            return Err(ApiError::dry_run());
        }
        let now = self.clock.now();
        q::insert_resource(
            &mut tx,
            &ResourceRow {
                service_id: s.id.clone(),
                resource_id: lb.id.clone(),
                resource_type: lb_type.api_name().into(),
                zone_id: zone.clone(),
                auto_allocated: true,
                created_at: now,
            },
        )
        .await?;
        self.mark_service_pending(&mut tx, &mut s).await?;
        self.commit_change(
            tx,
            ctx,
            Change {
                topic: "service",
                action: "AttachResourceToVpcEndpointService",
                target: &s.id,
                region_id: &s.region_id,
                summary: format!("attached {} in {zone}", lb.id),
                before: None,
                after: Some(json!({"resource": lb.id, "zone": zone})),
                audience: vec![],
            },
        )
        .await?;
        self.wake();
        Ok(())
    }

    /// DetachResourceFromVpcEndpointService: refused while a connected endpoint zone uses it.
    pub async fn detach_resource(
        &self,
        ctx: &Ctx,
        service_id: &str,
        resource_id: &str,
        zone_id: Option<&str>,
    ) -> Result<(), ApiError> {
        let mut tx = self.write_tx().await?;
        let mut s = self.active_owned_service(&mut tx, ctx, service_id).await?;
        let existing = q::resources(&mut tx, &s.id).await?;
        let Some(res) = existing.iter().find(|x| {
            x.resource_id == resource_id && zone_id.is_none_or(|z| z.is_empty() || z == x.zone_id)
        }) else {
            return Err(ApiError::service_resource_not_found());
        };
        if crate::store::endpoints::resource_carries_traffic(&mut tx, &s.id, resource_id).await? {
            return Err(ApiError::resource_in_use());
        }
        if ctx.dry_run {
            return Err(ApiError::dry_run());
        }
        q::delete_resource(&mut tx, &s.id, &res.resource_id, &res.zone_id).await?;
        crate::store::endpoints::unassign_resource(&mut tx, &s.id, resource_id).await?;
        self.mark_service_pending(&mut tx, &mut s).await?;
        self.commit_change(
            tx,
            ctx,
            Change {
                topic: "service",
                action: "DetachResourceFromVpcEndpointService",
                target: &s.id,
                region_id: &s.region_id,
                summary: format!("detached {resource_id} from {}", res.zone_id),
                before: Some(json!({"resource": resource_id, "zone": res.zone_id})),
                after: None,
                audience: vec![],
            },
        )
        .await?;
        self.wake();
        Ok(())
    }

    /// ListVpcEndpointServiceResources.
    pub async fn list_resources(
        &self,
        ctx: &Ctx,
        service_id: &str,
    ) -> Result<Vec<ResourceView>, ApiError> {
        let mut c = self.pool.acquire().await?;
        let s = self.owned_service(&mut c, ctx, service_id).await?;
        let mut out = Vec::new();
        for r in q::resources(&mut c, &s.id).await? {
            let lb = inv::load_balancer(&mut c, &r.resource_id).await?;
            let related =
                crate::store::endpoints::zones_served_by(&mut c, &s.id, &r.resource_id).await?;
            out.push(ResourceView {
                vpc_id: lb.as_ref().map(|l| l.vpc_id.clone()).unwrap_or_default(),
                supports_ipv6: lb.as_ref().is_some_and(|l| l.dual_stack),
                resource_id: r.resource_id,
                resource_type: r.resource_type,
                zone_id: r.zone_id,
                auto_allocated: r.auto_allocated,
                related_endpoints: related,
            });
        }
        Ok(out)
    }
}
