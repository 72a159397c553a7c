//! Inventory operations: create VPCs, vSwitches, security groups and load balancers (deletes are in
//! [`inventory_delete`](super::inventory_delete), the read view in
//! [`inventory_reads`](super::inventory_reads)).

use super::audit::Change;
use super::change::Done;
use super::inventory_reads::{lb_view, sg_view, vpc_view, vswitch_view};
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::inventory::*;
use crate::domain::region::{region, zone_in_region};
use crate::store::inventory::{self as q, LoadBalancerRow, SecurityGroupRow, VSwitchRow, VpcRow};
use serde_json::json;

/// A new VPC. `id` is generated when `None`.
#[derive(Debug, Clone, Default)]
pub struct NewVpc {
    pub id: Option<String>,
    pub region_id: String,
    pub name: String,
    pub cidr: String,
    pub ipv6_cidr: Option<String>,
}

/// A new vSwitch in a VPC and zone.
#[derive(Debug, Clone, Default)]
pub struct NewVSwitch {
    pub id: Option<String>,
    pub vpc_id: String,
    pub zone_id: String,
    pub name: String,
    pub cidr: String,
}

/// A new security group in a VPC.
#[derive(Debug, Clone, Default)]
pub struct NewSecurityGroup {
    pub id: Option<String>,
    pub vpc_id: String,
    pub name: String,
    pub sg_type: Option<String>,
}

/// A new load balancer in a VPC, serving in `zones`.
#[derive(Debug, Clone)]
pub struct NewLoadBalancer {
    pub id: Option<String>,
    pub vpc_id: String,
    pub lb_type: LbType,
    pub name: String,
    pub zones: Vec<String>,
    pub dual_stack: bool,
    pub privatelink_supported: bool,
}

pub(super) fn not_found(kind: &str, id: &str) -> ApiError {
    ApiError::inventory_not_found(kind, id)
}

fn check_name(name: &str) -> Result<(), ApiError> {
    if name.chars().count() > 128 {
        return Err(ApiError::illegal("Name", "at most 128 characters"));
    }
    Ok(())
}

fn check_explicit_id(id: &Option<String>, prefix: &str) -> Result<(), ApiError> {
    if let Some(id) = id {
        let ok = id.starts_with(&format!("{prefix}-"))
            && id.len() > prefix.len() + 1
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !ok {
            return Err(ApiError::illegal(
                "Id",
                format!("`{id}` must look like {prefix}-xxxxxxxx"),
            ));
        }
    }
    Ok(())
}

impl Ops {
    /// Looks up a VPC the caller owns.
    async fn own_vpc(
        &self,
        c: &mut crate::store::Conn,
        ctx: &Ctx,
        id: &str,
    ) -> Result<VpcRow, ApiError> {
        match q::vpc(c, id).await? {
            Some(v) if v.account_id == ctx.account_id => Ok(v),
            _ => Err(not_found("Vpc", id)),
        }
    }

    pub async fn create_vpc(&self, ctx: &Ctx, n: NewVpc) -> Result<VpcView, ApiError> {
        let r = region(&n.region_id).ok_or_else(|| {
            ApiError::illegal("RegionId", format!("unknown region `{}`", n.region_id))
        })?;
        check_name(&n.name)?;
        check_explicit_id(&n.id, "vpc")?;
        let Some((_, len)) = parse_cidr(&n.cidr) else {
            return Err(ApiError::illegal(
                "CidrBlock",
                format!("`{}` is not an IPv4 CIDR block", n.cidr),
            ));
        };
        if !(8..=24).contains(&len) {
            return Err(ApiError::illegal(
                "CidrBlock",
                "the VPC prefix length must be between /8 and /24",
            ));
        }
        self.change(
            ctx,
            async |tx| {
                let row = VpcRow {
                    id: n.id.unwrap_or_else(|| self.ids.make("vpc", r.id_prefix)),
                    account_id: ctx.account_id.clone(),
                    region_id: r.id.into(),
                    name: n.name,
                    cidr: n.cidr,
                    ipv6_cidr: n.ipv6_cidr,
                    created_at: self.clock.now(),
                    resolver_seq: None,
                };
                if q::vpc(tx, &row.id).await?.is_some() {
                    return Err(ApiError::vpc_exists(&row.id));
                }
                Ok(row)
            },
            async |tx, mut row| {
                row.resolver_seq = Some(q::insert_vpc(tx, &row).await?);
                let change = Change {
                    topic: "inventory",
                    action: "CreateVpc",
                    target: row.id.clone(),
                    region_id: row.region_id.clone(),
                    summary: format!("VPC {} ({})", row.name, row.cidr),
                    before: None,
                    after: Some(json!({"cidr": row.cidr, "name": row.name})),
                    audience: vec![],
                };
                Ok(Done::with(vpc_view(&row), change))
            },
        )
        .await
    }

    pub async fn create_vswitch(&self, ctx: &Ctx, n: NewVSwitch) -> Result<VSwitchView, ApiError> {
        check_name(&n.name)?;
        check_explicit_id(&n.id, "vsw")?;
        self.change(
            ctx,
            async |tx| {
                let vpc = self.own_vpc(tx, ctx, &n.vpc_id).await?;
                if !zone_in_region(&vpc.region_id, &n.zone_id) {
                    return Err(ApiError::invalid_zone(&n.zone_id, &vpc.region_id));
                }
                let Some((_, len)) = parse_cidr(&n.cidr) else {
                    return Err(ApiError::illegal(
                        "CidrBlock",
                        format!("`{}` is not an IPv4 CIDR block", n.cidr),
                    ));
                };
                if !cidr_contains(&vpc.cidr, &n.cidr) || len > 29 {
                    return Err(ApiError::cidr_malformed(&n.cidr, &vpc.cidr));
                }
                for other in q::vswitches(tx, &ctx.account_id, &vpc.region_id).await? {
                    if other.vpc_id == vpc.id
                        && (cidr_contains(&other.cidr, &n.cidr)
                            || cidr_contains(&n.cidr, &other.cidr))
                    {
                        return Err(ApiError::cidr_overlaps(&n.cidr, &other.id, &other.cidr));
                    }
                }
                let r = region(&vpc.region_id).expect("vpc region is known");
                let row = VSwitchRow {
                    id: n.id.unwrap_or_else(|| self.ids.make("vsw", r.id_prefix)),
                    account_id: ctx.account_id.clone(),
                    region_id: vpc.region_id.clone(),
                    vpc_id: vpc.id.clone(),
                    zone_id: n.zone_id,
                    name: n.name,
                    cidr: n.cidr,
                    ipv6_cidr: None,
                    created_at: self.clock.now(),
                };
                if q::vswitch(tx, &row.id).await?.is_some() {
                    return Err(ApiError::vswitch_exists(&row.id));
                }
                Ok(row)
            },
            async |tx, row| {
                q::insert_vswitch(tx, &row).await?;
                let change = Change {
                    topic: "inventory",
                    action: "CreateVSwitch",
                    target: row.id.clone(),
                    region_id: row.region_id.clone(),
                    summary: format!("vSwitch {} in {} ({})", row.name, row.zone_id, row.cidr),
                    before: None,
                    after: Some(json!({"vpc": row.vpc_id, "zone": row.zone_id, "cidr": row.cidr})),
                    audience: vec![],
                };
                Ok(Done::with(vswitch_view(&row, 0), change))
            },
        )
        .await
    }

    pub async fn create_security_group(
        &self,
        ctx: &Ctx,
        n: NewSecurityGroup,
    ) -> Result<SecurityGroupView, ApiError> {
        check_name(&n.name)?;
        check_explicit_id(&n.id, "sg")?;
        let sg_type = n.sg_type.unwrap_or_else(|| "normal".into());
        if !matches!(sg_type.as_str(), "normal" | "enterprise") {
            return Err(ApiError::illegal(
                "SecurityGroupType",
                "use normal or enterprise",
            ));
        }
        self.change(
            ctx,
            async |tx| {
                let vpc = self.own_vpc(tx, ctx, &n.vpc_id).await?;
                let r = region(&vpc.region_id).expect("vpc region is known");
                let row = SecurityGroupRow {
                    id: n.id.unwrap_or_else(|| self.ids.make("sg", r.id_prefix)),
                    account_id: ctx.account_id.clone(),
                    region_id: vpc.region_id.clone(),
                    vpc_id: vpc.id,
                    name: n.name,
                    sg_type,
                    created_at: self.clock.now(),
                };
                if q::security_group(tx, &row.id).await?.is_some() {
                    return Err(ApiError::security_group_exists(&row.id));
                }
                Ok(row)
            },
            async |tx, row| {
                q::insert_security_group(tx, &row).await?;
                let change = Change {
                    topic: "inventory",
                    action: "CreateSecurityGroup",
                    target: row.id.clone(),
                    region_id: row.region_id.clone(),
                    summary: format!("security group {}", row.name),
                    before: None,
                    after: Some(json!({"vpc": row.vpc_id, "type": row.sg_type})),
                    audience: vec![],
                };
                Ok(Done::with(sg_view(&row), change))
            },
        )
        .await
    }

    pub async fn create_load_balancer(
        &self,
        ctx: &Ctx,
        n: NewLoadBalancer,
    ) -> Result<LoadBalancerView, ApiError> {
        check_name(&n.name)?;
        check_explicit_id(&n.id, n.lb_type.id_prefix())?;
        let lb_type = n.lb_type;
        self.change(
            ctx,
            async |tx| {
                let vpc = self.own_vpc(tx, ctx, &n.vpc_id).await?;
                if n.zones.is_empty() {
                    return Err(ApiError::missing("ZoneMappings"));
                }
                for z in &n.zones {
                    if !zone_in_region(&vpc.region_id, z) {
                        return Err(ApiError::invalid_zone(z, &vpc.region_id));
                    }
                }
                let mut zones = n.zones;
                zones.sort();
                zones.dedup();
                if lb_type == LbType::Clb && zones.len() > 2 {
                    return Err(ApiError::invalid(
                        "A CLB instance has one primary and at most one backup zone.",
                    ));
                }
                if n.dual_stack && vpc.ipv6_cidr.is_none() {
                    return Err(ApiError::invalid(
                        "A dual-stack load balancer needs a VPC with an IPv6 CIDR block.",
                    ));
                }
                let r = region(&vpc.region_id).expect("vpc region is known");
                let row = LoadBalancerRow {
                    id: n
                        .id
                        .unwrap_or_else(|| self.ids.make(lb_type.id_prefix(), r.id_prefix)),
                    account_id: ctx.account_id.clone(),
                    region_id: vpc.region_id.clone(),
                    vpc_id: vpc.id,
                    lb_type: lb_type.as_str().into(),
                    name: n.name,
                    zones: zones.join(","),
                    dual_stack: n.dual_stack,
                    privatelink_supported: n.privatelink_supported,
                    address: String::new(),
                    created_at: self.clock.now(),
                };
                if q::load_balancer(tx, &row.id).await?.is_some() {
                    return Err(ApiError::load_balancer_exists(&row.id));
                }
                Ok(row)
            },
            async |tx, row| {
                q::insert_load_balancer(tx, &row).await?;
                let change = Change {
                    topic: "inventory",
                    action: "CreateLoadBalancer",
                    target: row.id.clone(),
                    region_id: row.region_id.clone(),
                    summary: format!("{} {} in {}", lb_type.label(), row.name, row.zones),
                    before: None,
                    after: Some(json!({
                        "type": row.lb_type,
                        "zones": row.zones,
                        "dual_stack": row.dual_stack,
                    })),
                    audience: vec![],
                };
                Ok(Done::with(lb_view(&row), change))
            },
        )
        .await
    }
}
