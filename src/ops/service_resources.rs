//! Endpoint services' resources: the load balancers behind a service, zone by zone. Attaching
//! and detaching pass the service through `Pending`.

use super::audit::Change;
use super::change::Done;
use super::services::{NewResource, RESOURCES_PER_SERVICE, RESOURCES_PER_ZONE};
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::inventory::LbType;
use crate::domain::model::ResourceView;
use crate::store::Conn;
use crate::store::inventory as inv;
use crate::store::services::{self as q, ResourceRow};
use serde_json::json;

impl Ops {
    /// Checks a load balancer for attachment to a service of `service_type` and returns its zone.
    pub(crate) async fn check_resource(
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

    /// AttachResourceToVpcEndpointService: the service passes through `Pending`.
    pub async fn attach_resource(
        &self,
        ctx: &Ctx,
        service_id: &str,
        r: NewResource,
    ) -> Result<(), ApiError> {
        self.change(
            ctx,
            async |tx| {
                let s = self.active_owned_service(tx, ctx, service_id).await?;
                if s.managed_product.is_some() {
                    return Err(ApiError::service_denied());
                }
                let lb_type = LbType::parse(&s.resource_type).unwrap_or(LbType::Clb);
                let (lb, zone) = self
                    .check_resource(tx, ctx, &s.region_id, lb_type, &r)
                    .await?;
                let existing = q::resources(tx, &s.id).await?;
                if existing
                    .iter()
                    .any(|x| x.resource_id == lb.id && x.zone_id == zone)
                    || q::resource_in_use(tx, &lb.id)
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
                Ok((s, lb_type, lb.id, zone))
            },
            async |tx, (mut s, lb_type, lb_id, zone)| {
                q::insert_resource(
                    tx,
                    &ResourceRow {
                        service_id: s.id.clone(),
                        resource_id: lb_id.clone(),
                        resource_type: lb_type.api_name().into(),
                        zone_id: zone.clone(),
                        auto_allocated: true,
                        created_at: self.clock.now(),
                    },
                )
                .await?;
                self.mark_service_pending(tx, &mut s).await?;
                Ok(Done::new(Change {
                    topic: "service",
                    action: "AttachResourceToVpcEndpointService",
                    target: s.id,
                    region_id: s.region_id,
                    summary: format!("attached {lb_id} in {zone}"),
                    before: None,
                    after: Some(json!({"resource": lb_id, "zone": zone})),
                    audience: vec![],
                })
                .wake())
            },
        )
        .await
    }

    /// DetachResourceFromVpcEndpointService: refused while a connected endpoint zone uses it.
    pub async fn detach_resource(
        &self,
        ctx: &Ctx,
        service_id: &str,
        resource_id: &str,
        zone_id: Option<&str>,
    ) -> Result<(), ApiError> {
        self.change(
            ctx,
            async |tx| {
                let s = self.active_owned_service(tx, ctx, service_id).await?;
                let Some(res) = q::resources(tx, &s.id).await?.into_iter().find(|x| {
                    x.resource_id == resource_id
                        && zone_id.is_none_or(|z| z.is_empty() || z == x.zone_id)
                }) else {
                    return Err(ApiError::service_resource_not_found());
                };
                if crate::store::endpoints::resource_carries_traffic(tx, &s.id, resource_id).await?
                {
                    return Err(ApiError::resource_in_use());
                }
                Ok((s, res))
            },
            async |tx, (mut s, res)| {
                q::delete_resource(tx, &s.id, &res.resource_id, &res.zone_id).await?;
                crate::store::endpoints::unassign_resource(tx, &s.id, resource_id).await?;
                self.mark_service_pending(tx, &mut s).await?;
                Ok(Done::new(Change {
                    topic: "service",
                    action: "DetachResourceFromVpcEndpointService",
                    target: s.id,
                    region_id: s.region_id,
                    summary: format!("detached {resource_id} from {}", res.zone_id),
                    before: Some(json!({"resource": resource_id, "zone": res.zone_id})),
                    after: None,
                    audience: vec![],
                })
                .wake())
            },
        )
        .await
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
