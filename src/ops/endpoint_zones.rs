//! Endpoint zones: one ENI per zone in a vSwitch of the endpoint's VPC, with its address, zone
//! domain and the service resource that serves it. Adding a zone starts it `Creating`; removing
//! one passes it through `Deleting` before its ENI and address are released.

use super::audit::Change;
use super::change::Done;
use super::endpoints::{NewZone, ZONES_PER_ENDPOINT, lb_of};
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::bandwidth::{zone_bandwidth_in_force, zone_max};
use crate::domain::model::ZoneView;
use crate::domain::names::zone_domain;
use crate::domain::plan::endpoint::{eni_ipv6, pick_ip};
use crate::domain::region::region;
use crate::domain::state::{Machine, ZoneStatus};
use crate::store::Conn;
use crate::store::endpoints::{self as q, EndpointRow, ZoneRow};
use crate::store::inventory as inv;
use crate::store::services::{self as svc, ServiceRow};
use serde_json::json;

impl Ops {
    /// Checks one zone of endpoint `e` (its service serves the zone, the vSwitch is the caller's,
    /// in the endpoint's VPC and zone) and plans its row with a free ENI address. Writes nothing:
    /// [`Ops::persist_zone`] records it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn plan_zone(
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
        let vsw = match inv::vswitch(c, &z.vswitch_id).await? {
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
        let taken = inv::allocated_ips(c, &vsw.id).await?;
        let ip = pick_ip(&vsw.cidr, &taken, z.ip.as_deref(), &vsw.id)?;
        Ok(ZoneRow {
            endpoint_id: e.id.clone(),
            zone_id: z.zone_id.clone(),
            domain: zone_domain(&e.id, &z.zone_id, &s.id, &s.region_id),
            ipv6: dual_stack_prefix.map(|p| eni_ipv6(p, &ip)),
            vswitch_id: vsw.id,
            eni_id: eni,
            ip,
            status,
            due_at: Some(self.due()),
            healthy: true,
            resource_id: resources
                .iter()
                .find(|r| r.zone_id == z.zone_id && r.auto_allocated)
                .map(|r| r.resource_id.clone()),
            created_at: self.clock.now(),
            local_seq: None,
        })
    }

    /// Records a planned zone: its ENI address is allocated in the vSwitch and the zone inserted.
    pub(crate) async fn persist_zone(&self, c: &mut Conn, z: &ZoneRow) -> Result<(), ApiError> {
        inv::allocate_ip(c, &z.vswitch_id, &z.ip, "eni", &z.eni_id).await?;
        q::insert_zone(c, z).await?;
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
        let e = self
            .change(
                ctx,
                async |tx| {
                    let e = self.active_owned_endpoint(tx, ctx, endpoint_id).await?;
                    let k = q::connection(tx, &e.id)
                        .await?
                        .ok_or_else(ApiError::service_deleted)?;
                    if k.status.is_transitional() {
                        return Err(ApiError::connection_denied());
                    }
                    let s = svc::get(tx, &e.service_id)
                        .await?
                        .ok_or_else(ApiError::service_deleted)?;
                    let zones = q::zones(tx, &e.id).await?;
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
                    let vpc = inv::vpc(tx, &e.vpc_id).await?;
                    let dual = e
                        .address_ip_version
                        .is_dual()
                        .then(|| vpc.and_then(|v| v.ipv6_cidr))
                        .flatten();
                    let row = self
                        .plan_zone(tx, ctx, &e, &s, &z, ZoneStatus::Creating, dual.as_deref())
                        .await?;
                    Ok((e, s, row))
                },
                async |tx, (e, s, row)| {
                    self.persist_zone(tx, &row).await?;
                    let change = Change {
                        topic: "endpoint",
                        action: "AddZoneToVpcEndpoint",
                        target: e.id.clone(),
                        region_id: e.region_id.clone(),
                        summary: format!("added zone {} ({})", row.zone_id, row.ip),
                        before: None,
                        after: Some(json!({"zone": row.zone_id, "ip": row.ip, "eni": row.eni_id})),
                        audience: vec![s.account_id],
                    };
                    Ok(Done::with(e, change).wake())
                },
            )
            .await?;
        let mut c = self.pool.acquire().await?;
        self.zone_views(&mut c, &e)
            .await?
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
        self.change(
            ctx,
            async |tx| {
                let e = self.active_owned_endpoint(tx, ctx, endpoint_id).await?;
                let Some(z) = q::zones(tx, &e.id)
                    .await?
                    .into_iter()
                    .find(|x| x.zone_id == zone_id)
                else {
                    return Err(ApiError::zone_not_found());
                };
                if z.status.is_transitional() {
                    return Err(ApiError::endpoint_locked());
                }
                Ok((e, z))
            },
            async |tx, (e, z)| {
                q::set_zone_status(tx, &e.id, zone_id, ZoneStatus::Deleting, Some(self.due()))
                    .await?;
                let provider = svc::get(tx, &e.service_id).await?.map(|s| s.account_id);
                Ok(Done::new(Change {
                    topic: "endpoint",
                    action: "RemoveZoneFromVpcEndpoint",
                    target: e.id,
                    region_id: e.region_id,
                    summary: format!("removing zone {zone_id}"),
                    before: Some(json!({"zone": zone_id, "ip": z.ip})),
                    after: None,
                    audience: provider.into_iter().collect(),
                })
                .wake())
            },
        )
        .await
    }
}
