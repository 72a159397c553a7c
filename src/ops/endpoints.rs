//! Endpoints (consumer side), write side: create, update, delete. Reads are in
//! `endpoint_reads`, zones in `endpoint_zones`, security groups in `endpoint_sgs`; the rules of a
//! new endpoint are planned purely in `domain::plan::endpoint`.

use super::audit::Change;
use super::change::Done;
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::bandwidth::{default_traffic_mode, zone_limits};
use crate::domain::inventory::LbType;
use crate::domain::model::EndpointView;
use crate::domain::names::{default_resource_group, endpoint_domain};
use crate::domain::plan::endpoint::{self as plan, ServiceFacts};
use crate::domain::state::{
    BusinessStatus, ConnectionStatus, Machine, ResourceStatus, SecurityGroupStatus, ZoneStatus,
};
use crate::domain::validate;
use crate::store::Conn;
use crate::store::endpoints::{self as q, ConnectionRow, EndpointRow, ServiceTerms};
use crate::store::inventory as inv;
use crate::store::services::{self as svc, ServiceRow};
use crate::store::tags;
use serde_json::json;

pub use crate::domain::plan::endpoint::{
    ENDPOINTS_PER_VPC, NewEndpoint, NewZone, SGS_PER_ENDPOINT, ZONES_PER_ENDPOINT,
};

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
        owned(ctx, q::get(c, id).await?)
    }

    /// An endpoint the caller owns that is `Active`.
    pub(crate) async fn active_owned_endpoint(
        &self,
        c: &mut Conn,
        ctx: &Ctx,
        id: &str,
    ) -> Result<EndpointRow, ApiError> {
        active(self.owned_endpoint(c, ctx, id).await?)
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

    /// CreateVpcEndpoint: the endpoint starts `Creating`; its connection is `Connecting` when the
    /// service auto-accepts, otherwise `Disconnected` until the provider decides.
    pub async fn create_endpoint(
        &self,
        ctx: &Ctx,
        n: NewEndpoint,
    ) -> Result<EndpointView, ApiError> {
        let spec = plan::spec(&n)?;
        let r = spec.region;
        self.change(
            ctx,
            async |tx| {
                let vpc = match inv::vpc(tx, &n.vpc_id).await? {
                    Some(v) if v.account_id == ctx.account_id && v.region_id == r.id => v,
                    _ => return Err(ApiError::vpc_not_found(&n.vpc_id)),
                };
                let s = self.service_for_endpoint(tx, ctx, &n).await?;
                let supported_regions = if s.region_id != r.id {
                    svc::supported_regions(tx, &s.id).await?
                } else {
                    Vec::new()
                };
                let cross_region = plan::fits_service(
                    &spec,
                    &n,
                    ServiceFacts {
                        id: &s.id,
                        region_id: &s.region_id,
                        resource_type: &s.resource_type,
                        managed: s.managed_product.is_some(),
                        dual_stack: s.address_ip_version.is_dual(),
                        policy_supported: s.policy_supported,
                        supported_regions: &supported_regions,
                    },
                    vpc.ipv6_cidr.is_some(),
                )?;
                let mut sg_types = Vec::with_capacity(n.security_group_ids.len());
                for sg in &n.security_group_ids {
                    sg_types.push(
                        inv::security_group(tx, sg)
                            .await?
                            .filter(|g| g.account_id == ctx.account_id && g.vpc_id == vpc.id)
                            .map(|g| g.sg_type),
                    );
                }
                plan::security_groups_fit(&n.security_group_ids, &sg_types, &vpc.id)?;
                let used = q::count_in_vpc(tx, &vpc.id).await?;
                if used >= ENDPOINTS_PER_VPC {
                    return Err(ApiError::quota(
                        "totalEpPerVpc",
                        used as usize,
                        ENDPOINTS_PER_VPC as usize,
                    ));
                }
                let id = self.ids.make("ep", r.id_prefix);
                let now = self.clock.now();
                let business_status = self.account_business_status(tx, &ctx.account_id).await?;
                let auto = plan::auto_connects(
                    s.auto_accept,
                    business_status != BusinessStatus::Normal,
                    s.business_status != BusinessStatus::Normal,
                );
                let row = EndpointRow {
                    domain: endpoint_domain(&id, &s.id, &s.region_id),
                    id,
                    account_id: ctx.account_id.clone(),
                    region_id: r.id.into(),
                    name: n.name.clone(),
                    description: n.description.clone(),
                    endpoint_type: spec.endpoint_type.clone(),
                    vpc_id: vpc.id.clone(),
                    service_id: s.id.clone(),
                    service_name: s.name.clone(),
                    service_region_id: s.region_id.clone(),
                    address_ip_version: spec.ip_version,
                    zone_affinity: n.zone_affinity,
                    policy_document: n.policy_document.clone().filter(|p| !p.is_empty()).or_else(
                        || {
                            s.policy_supported
                                .then(|| validate::DEFAULT_POLICY.to_string())
                        },
                    ),
                    protected: n.protected,
                    private_dns_enabled: n.private_dns_enabled && s.custom_domain.is_some(),
                    cross_region_bandwidth: n.cross_region_bandwidth.filter(|_| cross_region),
                    status: ResourceStatus::Creating,
                    due_at: Some(self.due()),
                    business_status,
                    resource_group_id: n
                        .resource_group_id
                        .clone()
                        .filter(|g| !g.is_empty())
                        .unwrap_or_else(|| default_resource_group(&ctx.account_id)),
                    created_at: now,
                    updated_at: now,
                };
                // Every zone is checked and gets its address before anything is written.
                let dual = spec
                    .ip_version
                    .is_dual()
                    .then(|| vpc.ipv6_cidr.clone())
                    .flatten();
                let mut zones = Vec::new();
                for z in &n.zones {
                    zones.push(
                        self.plan_zone(tx, ctx, &row, &s, z, ZoneStatus::Creating, dual.as_deref())
                            .await?,
                    );
                }
                Ok((row, s, zones, auto))
            },
            async |tx, (row, s, zones, auto)| {
                q::insert(tx, &row).await?;
                for z in &zones {
                    self.persist_zone(tx, z).await?;
                }
                for sg in &n.security_group_ids {
                    q::set_sg(tx, &row.id, sg, SecurityGroupStatus::Attached, None).await?;
                }
                for (k, v) in &n.tags {
                    tags::set(tx, "VpcEndpoint", &row.id, k, v).await?;
                }
                let lb = lb_of(&s.resource_type);
                let (_, zone_max) = zone_limits(lb, row.created_at);
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
                    created_at: row.created_at,
                    modified_at: row.created_at,
                };
                q::insert_connection(tx, &connection).await?;
                let change = Change {
                    topic: "endpoint",
                    action: "CreateVpcEndpoint",
                    target: row.id.clone(),
                    region_id: row.region_id.clone(),
                    summary: format!(
                        "{} endpoint to {} in {} zone(s){}",
                        row.endpoint_type,
                        s.id,
                        zones.len(),
                        if auto {
                            ", auto-accepted"
                        } else {
                            ", waiting for the provider"
                        }
                    ),
                    before: None,
                    after: Some(json!({"service": s.id, "zones": zones.iter().map(|z| &z.zone_id).collect::<Vec<_>>(), "connection": connection.status})),
                    audience: vec![s.account_id.clone()],
                };
                let view = self.endpoint_view(tx, row).await?;
                Ok(Done::with(view, change).wake())
            },
        )
        .await
    }

    /// UpdateVpcEndpointAttribute. The change holds the writer for two statements (the endpoint
    /// read with its service's terms, and the update); whoever wants the updated view reads it
    /// afterwards ([`Ops::get_endpoint`]), on a reader.
    pub async fn update_endpoint(
        &self,
        ctx: &Ctx,
        id: &str,
        u: EndpointUpdate,
    ) -> Result<(), ApiError> {
        self.change(
            ctx,
            async |tx| {
                let (e, terms) = q::get_with_service_terms(tx, id).await?.unzip();
                let mut e = active(owned(ctx, e)?)?;
                let terms = terms.flatten().ok_or_else(ApiError::service_deleted)?;
                let before = endpoint_settings(&e);
                apply_update(&mut e, &terms, u)?;
                Ok((e, before))
            },
            async |tx, (mut e, before)| {
                e.updated_at = self.clock.now();
                q::update(tx, &e).await?;
                let change = Change {
                    topic: "endpoint",
                    action: "UpdateVpcEndpointAttribute",
                    target: e.id.clone(),
                    region_id: e.region_id.clone(),
                    summary: "endpoint settings changed".into(),
                    before: Some(before),
                    after: Some(endpoint_settings(&e)),
                    audience: vec![],
                };
                Ok(Done::with((), change))
            },
        )
        .await
    }

    /// DeleteVpcEndpoint: the endpoint, its zones and its connection go `Deleting`, then away
    /// (zones are removed with it; see README "Fidelity notes").
    pub async fn delete_endpoint(&self, ctx: &Ctx, id: &str) -> Result<(), ApiError> {
        self.change(
            ctx,
            async |tx| self.active_owned_endpoint(tx, ctx, id).await,
            async |tx, mut e| {
                let due = self.due();
                e.status = e.status.to(ResourceStatus::Deleting)?;
                e.due_at = Some(due);
                e.updated_at = self.clock.now();
                q::update(tx, &e).await?;
                if let Some(mut k) = q::connection(tx, &e.id).await? {
                    k.status = k.status.to(ConnectionStatus::Deleting)?;
                    k.due_at = None;
                    k.modified_at = self.clock.now();
                    q::update_connection(tx, &k).await?;
                }
                for z in q::zones(tx, &e.id).await? {
                    q::set_zone_status(tx, &e.id, &z.zone_id, ZoneStatus::Deleting, None).await?;
                }
                let provider = svc::get(tx, &e.service_id).await?.map(|s| s.account_id);
                Ok(Done::new(Change {
                    topic: "endpoint",
                    action: "DeleteVpcEndpoint",
                    target: e.id,
                    region_id: e.region_id,
                    summary: "endpoint deletion started".into(),
                    before: None,
                    after: None,
                    audience: provider.into_iter().collect(),
                })
                .wake())
            },
        )
        .await
    }
}

/// The settings UpdateVpcEndpointAttribute records before and after.
fn endpoint_settings(e: &EndpointRow) -> serde_json::Value {
    json!({"name": e.name, "description": e.description, "policy": e.policy_document.is_some()})
}

/// Applies an update to an endpoint of service `s`, refusing what the endpoint cannot take.
/// `e` when `ctx` may see it (its account, in a region it sees); otherwise not found.
fn owned(ctx: &Ctx, e: Option<EndpointRow>) -> Result<EndpointRow, ApiError> {
    match e {
        Some(e) if e.account_id == ctx.account_id && ctx.sees_region(&e.region_id) => Ok(e),
        _ => Err(ApiError::endpoint_not_found()),
    }
}

/// `e` when it is `Active`; a pending one is locked, any other refused.
fn active(e: EndpointRow) -> Result<EndpointRow, ApiError> {
    match e.status {
        ResourceStatus::Active => Ok(e),
        ResourceStatus::Pending => Err(ApiError::endpoint_locked()),
        _ => Err(ApiError::endpoint_denied()),
    }
}

fn apply_update(e: &mut EndpointRow, s: &ServiceTerms, u: EndpointUpdate) -> Result<(), ApiError> {
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
        if p && !s.has_custom_domain {
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
    Ok(())
}
