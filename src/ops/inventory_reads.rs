//! The inventory read view: everything an account owns in a region, and the views of its rows.

use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::inventory::*;
use crate::store::inventory::{self as q, LoadBalancerRow, SecurityGroupRow, VSwitchRow, VpcRow};
use crate::store::iso;

impl Ops {
    /// Everything the caller owns in `region_id`.
    pub async fn inventory(&self, ctx: &Ctx, region_id: &str) -> Result<InventoryView, ApiError> {
        let mut c = self.pool.acquire().await?;
        let a = &ctx.account_id;
        let vpcs = q::vpcs(&mut c, a, region_id)
            .await?
            .iter()
            .map(vpc_view)
            .collect();
        let mut vswitches = Vec::new();
        for v in q::vswitches(&mut c, a, region_id).await? {
            let used = q::allocated_count(&mut c, &v.id).await?;
            vswitches.push(vswitch_view(&v, used));
        }
        let security_groups = q::security_groups(&mut c, a, region_id)
            .await?
            .iter()
            .map(sg_view)
            .collect();
        let load_balancers = q::load_balancers(&mut c, a, region_id)
            .await?
            .iter()
            .map(lb_view)
            .collect();
        Ok(InventoryView {
            vpcs,
            vswitches,
            security_groups,
            load_balancers,
        })
    }
}

pub(super) fn vpc_view(v: &VpcRow) -> VpcView {
    VpcView {
        id: v.id.clone(),
        region_id: v.region_id.clone(),
        name: v.name.clone(),
        cidr: v.cidr.clone(),
        ipv6_cidr: v.ipv6_cidr.clone(),
        created_at: iso(v.created_at),
        resolver_ip: v
            .resolver_seq
            .and_then(crate::domain::dataplane::vpc_resolver_ip)
            .map(|ip| ip.to_string()),
    }
}

pub(super) fn vswitch_view(v: &VSwitchRow, used: i64) -> VSwitchView {
    let total = usable_range(&v.cidr)
        .map(|(a, b)| (b - a + 1) as u64)
        .unwrap_or(0);
    VSwitchView {
        id: v.id.clone(),
        vpc_id: v.vpc_id.clone(),
        zone_id: v.zone_id.clone(),
        name: v.name.clone(),
        cidr: v.cidr.clone(),
        free_ips: total.saturating_sub(used as u64),
    }
}

pub(super) fn sg_view(s: &SecurityGroupRow) -> SecurityGroupView {
    SecurityGroupView {
        id: s.id.clone(),
        vpc_id: s.vpc_id.clone(),
        name: s.name.clone(),
        sg_type: s.sg_type.clone(),
    }
}

pub(super) fn lb_view(l: &LoadBalancerRow) -> LoadBalancerView {
    LoadBalancerView {
        id: l.id.clone(),
        vpc_id: l.vpc_id.clone(),
        lb_type: LbType::parse(&l.lb_type).unwrap_or(LbType::Clb),
        name: l.name.clone(),
        zones: l.zone_list(),
        dual_stack: l.dual_stack,
        privatelink_supported: l.privatelink_supported,
        created_at: iso(l.created_at),
    }
}
