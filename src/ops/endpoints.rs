//! Endpoints (consumer side): create, read, list, update, delete; zones (one ENI each); security groups.

use super::audit::Change;
use super::{Ctx, Ops, Page};
use crate::domain::ApiError;
use crate::domain::bandwidth::{
    default_traffic_mode, zone_bandwidth_in_force, zone_limits, zone_max,
};
use crate::domain::inventory::{LbType, format_ipv4, parse_ipv4, usable_range};
use crate::domain::model::{EndpointSgView, EndpointView, ZoneView};
use crate::domain::names::{default_resource_group, endpoint_domain, zone_domain};
use crate::domain::region::region;
use crate::domain::state::{
    BusinessStatus, ConnectionStatus, Machine, ResourceStatus, SecurityGroupStatus, ZoneStatus,
};
use crate::domain::validate;
use crate::store::Conn;
use crate::store::endpoints::{self as q, ConnectionRow, EndpointRow, ZoneRow};
use crate::store::inventory as inv;
use crate::store::services::{self as svc, ServiceRow};
use crate::store::{iso, tags};
use serde_json::json;
use std::collections::HashMap;

/// Most endpoints in one VPC, zones per endpoint and security groups per endpoint.
pub const ENDPOINTS_PER_VPC: i64 = 1000;
pub const ZONES_PER_ENDPOINT: usize = 10;
pub const SGS_PER_ENDPOINT: usize = 10;

/// One zone of a new endpoint: the vSwitch its ENI lives in and, optionally, the IP to use.
#[derive(Debug, Clone, Default)]
pub struct NewZone {
    pub zone_id: String,
    pub vswitch_id: String,
    pub ip: Option<String>,
}

/// Input of CreateVpcEndpoint.
#[derive(Debug, Clone, Default)]
pub struct NewEndpoint {
    pub region_id: String,
    pub vpc_id: String,
    pub service_id: Option<String>,
    pub service_name: Option<String>,
    pub service_region_id: Option<String>,
    pub name: String,
    pub description: String,
    pub endpoint_type: Option<String>,
    pub security_group_ids: Vec<String>,
    pub zones: Vec<NewZone>,
    pub address_ip_version: Option<String>,
    pub zone_affinity: bool,
    pub policy_document: Option<String>,
    pub protected: bool,
    pub private_dns_enabled: bool,
    pub cross_region_bandwidth: Option<i64>,
    pub resource_group_id: Option<String>,
    pub tags: Vec<(String, String)>,
}

/// Input of UpdateVpcEndpointAttribute; `None` leaves a field unchanged.
#[derive(Debug, Clone, Default)]
pub struct EndpointUpdate {
    pub name: Option<String>,
    pub description: Option<String>,
    pub policy_document: Option<String>,
    pub reset_policy: bool,
    pub zone_affinity: Option<bool>,
    pub private_dns_enabled: Option<bool>,
    pub cross_region_bandwidth: Option<i64>,
}

/// Filters of ListVpcEndpoints.
#[derive(Debug, Clone, Default)]
pub struct EndpointFilter {
    pub endpoint_id: Option<String>,
    pub endpoint_name: Option<String>,
    pub status: Option<String>,
    pub connection_status: Option<String>,
    pub endpoint_type: Option<String>,
    pub vpc_id: Option<String>,
    pub service_name: Option<String>,
    pub service_region_id: Option<String>,
    pub address_ip_version: Option<String>,
    pub resource_group_id: Option<String>,
    pub tags: Vec<(String, String)>,
}

/// Which endpoint types a service accepts.
fn endpoint_type_fits(endpoint_type: &str, s: &ServiceRow) -> bool {
    match endpoint_type {
        "Interface" => s.resource_type != "gwlb",
        "GatewayLoadBalancer" => s.resource_type == "gwlb" && s.managed_product.is_none(),
        "Reverse" => s.managed_product.is_some(),
        _ => false,
    }
}

/// The load balancer family behind a service (managed services count as CLB-backed).
pub(crate) fn lb_of(s_resource_type: &str) -> LbType {
    LbType::parse(s_resource_type).unwrap_or(LbType::Clb)
}

impl Ops {
    /// An endpoint the caller owns, or `EndpointNotFound`.
    pub(crate) async fn owned_endpoint(
        &self,
        c: &mut Conn,
        ctx: &Ctx,
        id: &str,
    ) -> Result<EndpointRow, ApiError> {
        match q::get(c, id).await? {
            Some(e) if e.account_id == ctx.account_id && ctx.sees_region(&e.region_id) => Ok(e),
            _ => Err(ApiError::endpoint_not_found()),
        }
    }

    /// An endpoint the caller owns that is `Active`.
    pub(crate) async fn active_owned_endpoint(
        &self,
        c: &mut Conn,
        ctx: &Ctx,
        id: &str,
    ) -> Result<EndpointRow, ApiError> {
        let e = self.owned_endpoint(c, ctx, id).await?;
        match e.status {
            ResourceStatus::Active => Ok(e),
            ResourceStatus::Pending => Err(ApiError::endpoint_locked()),
            _ => Err(ApiError::endpoint_denied()),
        }
    }

    /// Finds the service an endpoint is created for, checking visibility (whitelist).
    async fn service_for_endpoint(
        &self,
        c: &mut Conn,
        ctx: &Ctx,
        n: &NewEndpoint,
    ) -> Result<ServiceRow, ApiError> {
        let by_id = match n.service_id.as_deref().filter(|s| !s.is_empty()) {
            Some(id) => Some(
                svc::get(c, id)
                    .await?
                    .ok_or_else(ApiError::service_not_found)?,
            ),
            None => None,
        };
        let s = match (by_id, n.service_name.as_deref().filter(|s| !s.is_empty())) {
            (Some(s), Some(name)) if s.name != name => return Err(ApiError::service_not_found()),
            (Some(s), _) => s,
            (None, Some(name)) => svc::by_name(c, name)
                .await?
                .ok_or_else(ApiError::service_not_found)?,
            (None, None) => return Err(ApiError::missing("ServiceId")),
        };
        let service_region = n
            .service_region_id
            .as_deref()
            .filter(|r| !r.is_empty())
            .unwrap_or(&n.region_id);
        if s.region_id != service_region {
            return Err(ApiError::service_not_found());
        }
        if !self.may_use_service(c, &ctx.account_id, &s).await? {
            return Err(ApiError::not_authorized());
        }
        if s.status == ResourceStatus::Deleting {
            return Err(ApiError::service_deleted());
        }
        if s.status != ResourceStatus::Active && s.status != ResourceStatus::Pending {
            return Err(ApiError::incorrect_status("VpcEndpointService", &s.id));
        }
        Ok(s)
    }

    /// Picks (or checks) an ENI address in a vSwitch and records it.
    async fn allocate_ip(
        &self,
        c: &mut Conn,
        vswitch: &crate::store::inventory::VSwitchRow,
        wanted: Option<&str>,
        owner: &str,
    ) -> Result<String, ApiError> {
        let (first, last) = usable_range(&vswitch.cidr).ok_or_else(ApiError::vswitch_unusable)?;
        let taken = inv::allocated_ips(c, &vswitch.id).await?;
        let ip = match wanted.filter(|s| !s.is_empty()) {
            Some(w) => {
                let n = parse_ipv4(w).ok_or_else(|| {
                    ApiError::illegal("Ip", format!("`{w}` is not an IPv4 address"))
                })?;
                if n < first || n > last || taken.iter().any(|t| t == w) {
                    return Err(ApiError::eni_ip_unavailable(w, &vswitch.id));
                }
                w.to_string()
            }
            None => {
                let taken: std::collections::HashSet<u32> =
                    taken.iter().filter_map(|t| parse_ipv4(t)).collect();
                let free = (first..=last)
                    .find(|n| !taken.contains(n))
                    .ok_or_else(|| ApiError::vswitch_full(&vswitch.id))?;
                format_ipv4(free)
            }
        };
        inv::allocate_ip(c, &vswitch.id, &ip, "eni", owner).await?;
        Ok(ip)
    }

    /// Validates one zone for an endpoint and builds its row (allocating the ENI address).
    #[allow(clippy::too_many_arguments)]
    async fn build_zone(
        &self,
        c: &mut Conn,
        ctx: &Ctx,
        e: &EndpointRow,
        s: &ServiceRow,
        z: &NewZone,
        status: ZoneStatus,
        dual_stack_prefix: Option<&str>,
    ) -> Result<ZoneRow, ApiError> {
        let resources = svc::resources(c, &s.id).await?;
        let same_region = e.region_id == s.region_id;
        if same_region && !resources.iter().any(|r| r.zone_id == z.zone_id) {
            return Err(ApiError::service_zone_not_supported(&z.zone_id));
        }
        let vsw = inv::vswitch(c, &z.vswitch_id).await?;
        let vsw = match vsw {
            Some(v)
                if v.account_id == ctx.account_id
                    && v.vpc_id == e.vpc_id
                    && v.zone_id == z.zone_id =>
            {
                v
            }
            _ => {
                return Err(ApiError::vswitch_not_found(
                    &z.vswitch_id,
                    &z.zone_id,
                    &e.vpc_id,
                ));
            }
        };
        let eni = self
            .ids
            .make("eni", region(&e.region_id).map_or("", |r| r.id_prefix));
        let ip = self.allocate_ip(c, &vsw, z.ip.as_deref(), &eni).await?;
        let ipv6 = dual_stack_prefix.map(|p| {
            let host = parse_ipv4(&ip).unwrap_or(0) & 0xffff;
            format!(
                "{}{:x}",
                p.trim_end_matches("::/56").to_string() + "::",
                host
            )
        });
        let serving = resources
            .iter()
            .find(|r| r.zone_id == z.zone_id && r.auto_allocated)
            .map(|r| r.resource_id.clone());
        Ok(ZoneRow {
            endpoint_id: e.id.clone(),
            zone_id: z.zone_id.clone(),
            vswitch_id: vsw.id,
            domain: zone_domain(&e.id, &z.zone_id, &s.id, &s.region_id),
            eni_id: eni,
            ip,
            ipv6,
            status,
            due_at: Some(self.due()),
            healthy: true,
            resource_id: serving,
            created_at: self.clock.now(),
            local_seq: None,
        })
    }

    /// CreateVpcEndpoint: the endpoint starts `Creating`; its connection is `Connecting` when the
    /// service auto-accepts, otherwise `Disconnected` until the provider decides.
    pub async fn create_endpoint(
        &self,
        ctx: &Ctx,
        n: NewEndpoint,
    ) -> Result<EndpointView, ApiError> {
        let r = region(&n.region_id).ok_or_else(|| {
            ApiError::illegal("RegionId", format!("unknown region `{}`", n.region_id))
        })?;
        validate::endpoint_name(&n.name)?;
        validate::description("EndpointDescription", &n.description)?;
        validate::tags(&n.tags)?;
        let endpoint_type = n
            .endpoint_type
            .clone()
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "Interface".into());
        if !validate::ENDPOINT_TYPES.contains(&endpoint_type.as_str()) {
            return Err(ApiError::illegal(
                "EndpointType",
                "use Interface, GatewayLoadBalancer or Reverse",
            ));
        }
        let ip_version = validate::ip_version(n.address_ip_version.as_deref())?;
        if n.zones.len() > ZONES_PER_ENDPOINT {
            return Err(ApiError::quota(
                "epZonePerEndpoint",
                n.zones.len(),
                ZONES_PER_ENDPOINT,
            ));
        }
        for (i, z) in n.zones.iter().enumerate() {
            if n.zones[..i].iter().any(|o| o.zone_id == z.zone_id) {
                return Err(ApiError::zone_listed_twice(&z.zone_id));
            }
        }
        if n.security_group_ids.len() > SGS_PER_ENDPOINT {
            return Err(ApiError::quota(
                "SecurityGroupPerEndpoint",
                n.security_group_ids.len(),
                SGS_PER_ENDPOINT,
            ));
        }
        let mut tx = self.write_tx().await?;
        let vpc = match inv::vpc(&mut tx, &n.vpc_id).await? {
            Some(v) if v.account_id == ctx.account_id && v.region_id == r.id => v,
            _ => {
                return Err(ApiError::vpc_not_found(&n.vpc_id));
            }
        };
        let s = self.service_for_endpoint(&mut tx, ctx, &n).await?;
        if !endpoint_type_fits(&endpoint_type, &s) {
            return Err(ApiError::endpoint_type_mismatch(&endpoint_type, &s.id));
        }
        let cross_region = s.region_id != r.id;
        if cross_region {
            if !svc::supported_regions(&mut tx, &s.id)
                .await?
                .iter()
                .any(|x| x == r.id)
            {
                return Err(ApiError::service_region_not_supported(r.id));
            }
            if n.cross_region_bandwidth.is_none_or(|b| b < 100) {
                return Err(ApiError::illegal(
                    "CrossRegionBandwidth",
                    "a cross-region endpoint needs CrossRegionBandwidth of at least 100 Mbit/s",
                ));
            }
        }
        if ip_version.is_dual() && (!s.address_ip_version.is_dual() || vpc.ipv6_cidr.is_none()) {
            return Err(ApiError::endpoint_not_dual_stack_capable());
        }
        if let Some(p) = n.policy_document.as_deref().filter(|p| !p.is_empty()) {
            if endpoint_type != "Interface" || !s.policy_supported {
                return Err(ApiError::policy_not_supported());
            }
            validate::policy_document(p)?;
        }
        if endpoint_type != "GatewayLoadBalancer" && n.security_group_ids.is_empty() {
            return Err(ApiError::security_group_required());
        }
        let mut sg_type: Option<String> = None;
        for (i, sg) in n.security_group_ids.iter().enumerate() {
            if n.security_group_ids[..i].contains(sg) {
                return Err(ApiError::security_group_listed_twice(sg));
            }
            let row = match inv::security_group(&mut tx, sg).await? {
                Some(g) if g.account_id == ctx.account_id && g.vpc_id == vpc.id => g,
                _ => {
                    return Err(ApiError::security_group_not_in_vpc(sg, &vpc.id));
                }
            };
            match &sg_type {
                Some(t) if *t != row.sg_type => {
                    return Err(ApiError::security_groups_of_one_type());
                }
                _ => sg_type = Some(row.sg_type),
            }
        }
        let used = q::count_in_vpc(&mut tx, &vpc.id).await?;
        if used >= ENDPOINTS_PER_VPC {
            return Err(ApiError::quota(
                "totalEpPerVpc",
                used as usize,
                ENDPOINTS_PER_VPC as usize,
            ));
        }
        let id = self.ids.make("ep", r.id_prefix);
        let now = self.clock.now();
        let locked = self
            .account_business_status(&mut tx, &ctx.account_id)
            .await?
            != BusinessStatus::Normal
            || s.business_status != BusinessStatus::Normal;
        let auto = s.auto_accept && !locked;
        let lb = lb_of(&s.resource_type);
        let (_, zone_max) = zone_limits(lb, now);
        let row = EndpointRow {
            domain: endpoint_domain(&id, &s.id, &s.region_id),
            id: id.clone(),
            account_id: ctx.account_id.clone(),
            region_id: r.id.into(),
            name: n.name,
            description: n.description,
            endpoint_type,
            vpc_id: vpc.id.clone(),
            service_id: s.id.clone(),
            service_name: s.name.clone(),
            service_region_id: s.region_id.clone(),
            address_ip_version: ip_version,
            zone_affinity: n.zone_affinity,
            policy_document: n.policy_document.filter(|p| !p.is_empty()).or_else(|| {
                s.policy_supported
                    .then(|| validate::DEFAULT_POLICY.to_string())
            }),
            protected: n.protected,
            private_dns_enabled: n.private_dns_enabled && s.custom_domain.is_some(),
            cross_region_bandwidth: if cross_region {
                n.cross_region_bandwidth
            } else {
                None
            },
            status: ResourceStatus::Creating,
            due_at: Some(self.due()),
            business_status: self
                .account_business_status(&mut tx, &ctx.account_id)
                .await?,
            resource_group_id: n
                .resource_group_id
                .filter(|g| !g.is_empty())
                .unwrap_or_else(|| default_resource_group(&ctx.account_id)),
            created_at: now,
            updated_at: now,
        };
        // Validate and allocate every zone before writing anything else (a failure rolls back).
        let dual = ip_version
            .is_dual()
            .then(|| vpc.ipv6_cidr.clone())
            .flatten();
        q::insert(&mut tx, &row).await?;
        let mut zones = Vec::new();
        for z in &n.zones {
            zones.push(
                self.build_zone(
                    &mut tx,
                    ctx,
                    &row,
                    &s,
                    z,
                    ZoneStatus::Creating,
                    dual.as_deref(),
                )
                .await?,
            );
        }
        if ctx.dry_run {
            return Err(ApiError::dry_run());
        }
        for z in &zones {
            q::insert_zone(&mut tx, z).await?;
        }
        for sg in &n.security_group_ids {
            q::set_sg(&mut tx, &row.id, sg, SecurityGroupStatus::Attached, None).await?;
        }
        for (k, v) in &n.tags {
            tags::set(&mut tx, "VpcEndpoint", &row.id, k, v).await?;
        }
        let connection = ConnectionRow {
            endpoint_id: row.id.clone(),
            service_id: s.id.clone(),
            endpoint_owner_id: ctx.account_id.clone(),
            service_owner_id: s.account_id.clone(),
            status: if auto {
                ConnectionStatus::Connecting
            } else {
                ConnectionStatus::Disconnected
            },
            due_at: auto.then(|| self.due()),
            bandwidth: s.connect_bandwidth.min(zone_max),
            traffic_control_mode: default_traffic_mode(lb),
            zone_max_override: None,
            locked_from: None,
            decided_by: auto.then(|| "auto-accept".to_string()),
            reason: None,
            created_at: now,
            modified_at: now,
        };
        q::insert_connection(&mut tx, &connection).await?;
        let ev = self
            .record(&mut tx, ctx, Change {
                topic: "endpoint",
                action: "CreateVpcEndpoint",
                target: &row.id,
                region_id: &row.region_id,
                summary: format!("{} endpoint to {} in {} zone(s){}", row.endpoint_type, s.id, zones.len(), if auto { ", auto-accepted" } else { ", waiting for the provider" }),
                before: None,
                after: Some(json!({"service": s.id, "zones": zones.iter().map(|z| &z.zone_id).collect::<Vec<_>>(), "connection": connection.status})),
                audience: vec![s.account_id.clone()],
            })
            .await?;
        let view = self.endpoint_view(&mut tx, row).await?;
        tx.commit().await?;
        self.publish([ev]);
        self.wake();
        Ok(view)
    }

    /// Builds the full view of an endpoint.
    pub(crate) async fn endpoint_view(
        &self,
        c: &mut Conn,
        e: EndpointRow,
    ) -> Result<EndpointView, ApiError> {
        let k = q::connection(c, &e.id).await?;
        let s = svc::get(c, &e.service_id).await?;
        let tags = tags::of(c, &e.id).await?;
        Ok(view_of(e, k.as_ref(), s.as_ref(), tags))
    }
}

/// The full view of an endpoint from its row, connection, service and tags.
fn view_of(
    e: EndpointRow,
    k: Option<&ConnectionRow>,
    s: Option<&ServiceRow>,
    tags: Vec<(String, String)>,
) -> EndpointView {
    {
        EndpointView {
            connection_status: k
                .as_ref()
                .map_or(ConnectionStatus::ServiceDeleted, |k| k.status),
            bandwidth: k.as_ref().map_or(0, |k| k.bandwidth),
            awaiting_decision: k.is_some_and(|k| {
                k.status
                    .awaiting_decision(k.decided_by.is_some(), k.locked_from.is_some())
            }),
            reject_reason: k.as_ref().and_then(|k| k.reason.clone()),
            resource_owner: s.as_ref().is_some_and(|s| s.account_id == e.account_id),
            payer: s.as_ref().map_or("Endpoint".into(), |s| s.payer.clone()),
            tags,
            created_at: iso(e.created_at),
            id: e.id,
            owner_id: e.account_id,
            region_id: e.region_id,
            name: e.name,
            description: e.description,
            endpoint_type: e.endpoint_type,
            vpc_id: e.vpc_id,
            service_id: e.service_id,
            service_name: e.service_name,
            service_region_id: e.service_region_id,
            address_ip_version: e.address_ip_version,
            zone_affinity: e.zone_affinity,
            policy_document: e.policy_document,
            protected: e.protected,
            private_dns_enabled: e.private_dns_enabled,
            cross_region_bandwidth: e.cross_region_bandwidth,
            status: e.status,
            business_status: e.business_status,
            domain: e.domain,
            resource_group_id: e.resource_group_id,
        }
    }
}

impl Ops {
    /// GetVpcEndpointAttribute.
    pub async fn get_endpoint(&self, ctx: &Ctx, id: &str) -> Result<EndpointView, ApiError> {
        let mut c = self.pool.acquire().await?;
        let e = self.owned_endpoint(&mut c, ctx, id).await?;
        self.endpoint_view(&mut c, e).await
    }

    /// ListVpcEndpoints: the caller's endpoints in a region, filtered, keyset-paged.
    pub async fn list_endpoints(
        &self,
        ctx: &Ctx,
        region_id: &str,
        f: &EndpointFilter,
        next_token: Option<&str>,
        max: i64,
    ) -> Result<Page<EndpointView>, ApiError> {
        let mut c = self.pool.acquire().await?;
        // Every filter is a condition in SQL: count and fetch one page there, then build the
        // page's views with one query per table instead of a scan of every endpoint the caller owns.
        let cols = q::EndpointColumns {
            id: f.endpoint_id.as_deref(),
            name: f.endpoint_name.as_deref(),
            status: f.status.as_deref(),
            endpoint_type: f.endpoint_type.as_deref(),
            vpc_id: f.vpc_id.as_deref(),
            service_name: f.service_name.as_deref(),
            service_region_id: f.service_region_id.as_deref(),
            address_ip_version: f.address_ip_version.as_deref(),
            resource_group_id: f.resource_group_id.as_deref(),
            connection_status: f.connection_status.as_deref(),
            tags: &f.tags,
        };
        let total = q::count_owned(&mut c, &ctx.account_id, region_id, &cols).await?;
        let max = max.max(1);
        let mut rows = q::owned_filtered_page(
            &mut c,
            &ctx.account_id,
            region_id,
            &cols,
            next_token.unwrap_or(""),
            max + 1,
        )
        .await?;
        let more = rows.len() as i64 > max;
        rows.truncate(max as usize);
        let ids: Vec<&str> = rows.iter().map(|e| e.id.as_str()).collect();
        let mut conns: HashMap<String, ConnectionRow> = q::connections_of(&mut c, &ids)
            .await?
            .into_iter()
            .map(|k| (k.endpoint_id.clone(), k))
            .collect();
        let mut tags_of: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for (id, k, v) in tags::of_many(&mut c, &ids).await? {
            tags_of.entry(id).or_default().push((k, v));
        }
        let mut services: HashMap<String, Option<ServiceRow>> = HashMap::new();
        let mut items = Vec::with_capacity(rows.len());
        for e in rows {
            if !services.contains_key(&e.service_id) {
                let s = svc::get(&mut c, &e.service_id).await?;
                services.insert(e.service_id.clone(), s);
            }
            let k = conns.remove(&e.id);
            let tags = tags_of.remove(&e.id).unwrap_or_default();
            let s = services.get(&e.service_id).and_then(Option::as_ref);
            items.push(view_of(e, k.as_ref(), s, tags));
        }
        let next_token = if more {
            items.last().map(|v| v.id.clone())
        } else {
            None
        };
        Ok(Page {
            items,
            next_token,
            total,
        })
    }

    /// UpdateVpcEndpointAttribute.
    pub async fn update_endpoint(
        &self,
        ctx: &Ctx,
        id: &str,
        u: EndpointUpdate,
    ) -> Result<EndpointView, ApiError> {
        let mut tx = self.write_tx().await?;
        let mut e = self.active_owned_endpoint(&mut tx, ctx, id).await?;
        let s = svc::get(&mut tx, &e.service_id)
            .await?
            .ok_or_else(ApiError::service_deleted)?;
        let before = json!({"name": e.name, "description": e.description, "policy": e.policy_document.is_some()});
        if let Some(n) = u.name {
            validate::endpoint_name(&n)?;
            e.name = n;
        }
        if let Some(d) = u.description {
            validate::description("EndpointDescription", &d)?;
            e.description = d;
        }
        if u.reset_policy || u.policy_document.as_deref().is_some_and(|p| !p.is_empty()) {
            if e.endpoint_type != "Interface" || !s.policy_supported {
                return Err(ApiError::policy_not_supported());
            }
            if u.reset_policy {
                e.policy_document = Some(validate::DEFAULT_POLICY.into());
            } else if let Some(p) = u.policy_document {
                validate::policy_document(&p)?;
                e.policy_document = Some(p);
            }
        }
        if let Some(z) = u.zone_affinity {
            e.zone_affinity = z;
        }
        if let Some(p) = u.private_dns_enabled {
            if p && s.custom_domain.is_none() {
                return Err(ApiError::private_domain_not_supported());
            }
            e.private_dns_enabled = p;
        }
        if let Some(b) = u.cross_region_bandwidth {
            if e.region_id == e.service_region_id {
                return Err(ApiError::illegal(
                    "CrossRegionBandwidth",
                    "only cross-region endpoints have a cross-region bandwidth",
                ));
            }
            if b < 100 {
                return Err(ApiError::illegal(
                    "CrossRegionBandwidth",
                    "at least 100 Mbit/s",
                ));
            }
            e.cross_region_bandwidth = Some(b);
        }
        if ctx.dry_run {
            return Err(ApiError::dry_run());
        }
        e.updated_at = self.clock.now();
        q::update(&mut tx, &e).await?;
        let ev = self
            .record(&mut tx, ctx, Change {
                topic: "endpoint",
                action: "UpdateVpcEndpointAttribute",
                target: &e.id,
                region_id: &e.region_id,
                summary: "endpoint settings changed".into(),
                before: Some(before),
                after: Some(json!({"name": e.name, "description": e.description, "policy": e.policy_document.is_some()})),
                audience: vec![],
            })
            .await?;
        let view = self.endpoint_view(&mut tx, e).await?;
        tx.commit().await?;
        self.publish([ev]);
        Ok(view)
    }

    /// DeleteVpcEndpoint: the endpoint, its zones and its connection go `Deleting`, then away
    /// (zones are removed with it; see README "Fidelity notes").
    pub async fn delete_endpoint(&self, ctx: &Ctx, id: &str) -> Result<(), ApiError> {
        let mut tx = self.write_tx().await?;
        let mut e = self.active_owned_endpoint(&mut tx, ctx, id).await?;
        if ctx.dry_run {
            return Err(ApiError::dry_run());
        }
        let due = self.due();
        e.status = e.status.to(ResourceStatus::Deleting)?;
        e.due_at = Some(due);
        e.updated_at = self.clock.now();
        q::update(&mut tx, &e).await?;
        if let Some(mut k) = q::connection(&mut tx, &e.id).await? {
            k.status = k.status.to(ConnectionStatus::Deleting)?;
            k.due_at = None;
            k.modified_at = self.clock.now();
            q::update_connection(&mut tx, &k).await?;
        }
        for z in q::zones(&mut tx, &e.id).await? {
            q::set_zone_status(&mut tx, &e.id, &z.zone_id, ZoneStatus::Deleting, None).await?;
        }
        let provider = svc::get(&mut tx, &e.service_id)
            .await?
            .map(|s| s.account_id);
        self.commit_change(
            tx,
            ctx,
            Change {
                topic: "endpoint",
                action: "DeleteVpcEndpoint",
                target: &e.id,
                region_id: &e.region_id,
                summary: "endpoint deletion started".into(),
                before: None,
                after: None,
                audience: provider.into_iter().collect(),
            },
        )
        .await?;
        self.wake();
        Ok(())
    }

    /// ListVpcEndpointZones (and the console's Zones & ENIs tab).
    pub async fn list_zones(
        &self,
        ctx: &Ctx,
        endpoint_id: &str,
    ) -> Result<Vec<ZoneView>, ApiError> {
        let mut c = self.pool.acquire().await?;
        let e = self.owned_endpoint(&mut c, ctx, endpoint_id).await?;
        self.zone_views(&mut c, &e).await
    }

    pub(crate) async fn zone_views(
        &self,
        c: &mut Conn,
        e: &EndpointRow,
    ) -> Result<Vec<ZoneView>, ApiError> {
        let k = q::connection(c, &e.id).await?;
        let s = svc::get(c, &e.service_id).await?;
        let lb = lb_of(s.as_ref().map_or("slb", |s| s.resource_type.as_str()));
        let throttle = k
            .as_ref()
            .filter(|k| crate::domain::bandwidth::limit_enforced(lb, k.traffic_control_mode))
            .map(|k| k.bandwidth);
        let grant = k.as_ref().and_then(|k| k.zone_max_override);
        let max = zone_max(lb, e.created_at, grant);
        let faults = q::faulty_zones(c).await?;
        Ok(q::zones(c, &e.id)
            .await?
            .into_iter()
            .map(|z| ZoneView {
                healthy: z.healthy && !faults.contains(&z.zone_id),
                bandwidth_mbps: zone_bandwidth_in_force(throttle, lb, e.created_at, grant),
                max_bandwidth_mbps: max,
                endpoint_id: z.endpoint_id,
                zone_id: z.zone_id,
                vswitch_id: z.vswitch_id,
                eni_id: z.eni_id,
                ip: z.ip,
                ipv6: z.ipv6,
                domain: z.domain,
                status: z.status,
                resource_id: z.resource_id,
                local_ip: z
                    .local_seq
                    .and_then(crate::domain::dataplane::eni_local_ip)
                    .map(|ip| ip.to_string()),
            })
            .collect())
    }

    /// AddZoneToVpcEndpoint: the zone starts `Creating`, then waits (`Wait`) or connects.
    pub async fn add_zone(
        &self,
        ctx: &Ctx,
        endpoint_id: &str,
        z: NewZone,
    ) -> Result<ZoneView, ApiError> {
        let mut tx = self.write_tx().await?;
        let e = self
            .active_owned_endpoint(&mut tx, ctx, endpoint_id)
            .await?;
        let k = q::connection(&mut tx, &e.id)
            .await?
            .ok_or_else(ApiError::service_deleted)?;
        if k.status.is_transitional() {
            return Err(ApiError::connection_denied());
        }
        let s = svc::get(&mut tx, &e.service_id)
            .await?
            .ok_or_else(ApiError::service_deleted)?;
        let zones = q::zones(&mut tx, &e.id).await?;
        if zones.iter().any(|x| x.zone_id == z.zone_id) {
            return Err(ApiError::zone_exists(&z.zone_id));
        }
        if zones.len() >= ZONES_PER_ENDPOINT {
            return Err(ApiError::quota(
                "epZonePerEndpoint",
                zones.len() + 1,
                ZONES_PER_ENDPOINT,
            ));
        }
        let vpc = inv::vpc(&mut tx, &e.vpc_id).await?;
        let dual = e
            .address_ip_version
            .is_dual()
            .then(|| vpc.and_then(|v| v.ipv6_cidr))
            .flatten();
        let row = self
            .build_zone(
                &mut tx,
                ctx,
                &e,
                &s,
                &z,
                ZoneStatus::Creating,
                dual.as_deref(),
            )
            .await?;
        if ctx.dry_run {
            return Err(ApiError::dry_run());
        }
        q::insert_zone(&mut tx, &row).await?;
        self.commit_change(
            tx,
            ctx,
            Change {
                topic: "endpoint",
                action: "AddZoneToVpcEndpoint",
                target: &e.id,
                region_id: &e.region_id,
                summary: format!("added zone {} ({})", row.zone_id, row.ip),
                before: None,
                after: Some(json!({"zone": row.zone_id, "ip": row.ip, "eni": row.eni_id})),
                audience: vec![s.account_id.clone()],
            },
        )
        .await?;
        self.wake();
        let mut c = self.pool.acquire().await?;
        let views = self.zone_views(&mut c, &e).await?;
        views
            .into_iter()
            .find(|v| v.zone_id == z.zone_id)
            .ok_or_else(ApiError::internal)
    }

    /// RemoveZoneFromVpcEndpoint: the zone goes `Deleting`, then its ENI and address are released.
    pub async fn remove_zone(
        &self,
        ctx: &Ctx,
        endpoint_id: &str,
        zone_id: &str,
    ) -> Result<(), ApiError> {
        let mut tx = self.write_tx().await?;
        let e = self
            .active_owned_endpoint(&mut tx, ctx, endpoint_id)
            .await?;
        let zones = q::zones(&mut tx, &e.id).await?;
        let Some(z) = zones.iter().find(|x| x.zone_id == zone_id) else {
            return Err(ApiError::zone_not_found());
        };
        if z.status.is_transitional() {
            return Err(ApiError::endpoint_locked());
        }
        if ctx.dry_run {
            return Err(ApiError::dry_run());
        }
        q::set_zone_status(
            &mut tx,
            &e.id,
            zone_id,
            ZoneStatus::Deleting,
            Some(self.due()),
        )
        .await?;
        let provider = svc::get(&mut tx, &e.service_id)
            .await?
            .map(|s| s.account_id);
        self.commit_change(
            tx,
            ctx,
            Change {
                topic: "endpoint",
                action: "RemoveZoneFromVpcEndpoint",
                target: &e.id,
                region_id: &e.region_id,
                summary: format!("removing zone {zone_id}"),
                before: Some(json!({"zone": zone_id, "ip": z.ip})),
                after: None,
                audience: provider.into_iter().collect(),
            },
        )
        .await?;
        self.wake();
        Ok(())
    }

    /// ListVpcEndpointSecurityGroups.
    pub async fn list_endpoint_sgs(
        &self,
        ctx: &Ctx,
        endpoint_id: &str,
    ) -> Result<Vec<EndpointSgView>, ApiError> {
        let mut c = self.pool.acquire().await?;
        let e = self.owned_endpoint(&mut c, ctx, endpoint_id).await?;
        Ok(q::security_groups(&mut c, &e.id)
            .await?
            .into_iter()
            .map(|g| EndpointSgView {
                sg_id: g.sg_id,
                status: g.status,
            })
            .collect())
    }

    /// AttachSecurityGroupToVpcEndpoint: the endpoint passes through `Pending`, the group `Attaching`.
    pub async fn attach_sg(
        &self,
        ctx: &Ctx,
        endpoint_id: &str,
        sg_id: &str,
    ) -> Result<(), ApiError> {
        self.change_sg(ctx, endpoint_id, sg_id, true).await
    }

    /// DetachSecurityGroupFromVpcEndpoint: the last group of an interface endpoint stays.
    pub async fn detach_sg(
        &self,
        ctx: &Ctx,
        endpoint_id: &str,
        sg_id: &str,
    ) -> Result<(), ApiError> {
        self.change_sg(ctx, endpoint_id, sg_id, false).await
    }

    async fn change_sg(
        &self,
        ctx: &Ctx,
        endpoint_id: &str,
        sg_id: &str,
        attach: bool,
    ) -> Result<(), ApiError> {
        let mut tx = self.write_tx().await?;
        let mut e = self
            .active_owned_endpoint(&mut tx, ctx, endpoint_id)
            .await?;
        if svc::get(&mut tx, &e.service_id).await?.is_none() {
            return Err(ApiError::service_deleted());
        }
        let current = q::security_groups(&mut tx, &e.id).await?;
        let sg = match inv::security_group(&mut tx, sg_id).await? {
            Some(g) if g.account_id == ctx.account_id && g.vpc_id == e.vpc_id => g,
            _ => {
                return Err(ApiError::security_group_not_in_vpc(sg_id, &e.vpc_id));
            }
        };
        if attach {
            if current.iter().any(|g| g.sg_id == sg_id) {
                return Err(ApiError::security_group_attached(sg_id));
            }
            if current.is_empty() && e.endpoint_type == "GatewayLoadBalancer" {
                return Err(ApiError::no_security_group_to_add_to());
            }
            if current.len() >= SGS_PER_ENDPOINT {
                return Err(ApiError::quota(
                    "SecurityGroupPerEndpoint",
                    current.len() + 1,
                    SGS_PER_ENDPOINT,
                ));
            }
            for g in &current {
                if inv::security_group(&mut tx, &g.sg_id)
                    .await?
                    .is_some_and(|x| x.sg_type != sg.sg_type)
                {
                    return Err(ApiError::security_groups_of_one_type());
                }
            }
        } else {
            if !current.iter().any(|g| g.sg_id == sg_id) {
                return Err(ApiError::security_group_not_attached(sg_id));
            }
            if current.len() == 1 && e.endpoint_type != "GatewayLoadBalancer" {
                return Err(ApiError::security_group_required());
            }
        }
        if ctx.dry_run {
            return Err(ApiError::dry_run());
        }
        let due = self.due();
        q::set_sg(
            &mut tx,
            &e.id,
            sg_id,
            if attach {
                SecurityGroupStatus::Attaching
            } else {
                SecurityGroupStatus::Detaching
            },
            Some(due),
        )
        .await?;
        e.status = e.status.to(ResourceStatus::Pending)?;
        e.due_at = Some(due);
        e.updated_at = self.clock.now();
        q::update(&mut tx, &e).await?;
        let action = if attach {
            "AttachSecurityGroupToVpcEndpoint"
        } else {
            "DetachSecurityGroupFromVpcEndpoint"
        };
        self.commit_change(
            tx,
            ctx,
            Change {
                topic: "endpoint",
                action,
                target: &e.id,
                region_id: &e.region_id,
                summary: format!(
                    "{} security group {sg_id}",
                    if attach { "attaching" } else { "detaching" }
                ),
                before: None,
                after: Some(json!({"security_group": sg_id})),
                audience: vec![],
            },
        )
        .await?;
        self.wake();
        Ok(())
    }
}
