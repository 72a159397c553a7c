//! Inventory operations: create, list and delete VPCs, vSwitches, security groups and load balancers.
//! Deletes are refused while something depends on the item.

use super::audit::Change;
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::inventory::*;
use crate::domain::region::{region, zone_in_region};
use crate::store::inventory::{self as q, LoadBalancerRow, SecurityGroupRow, VSwitchRow, VpcRow};
use crate::store::iso;
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

fn not_found(kind: &str, id: &str) -> ApiError {
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
        let mut tx = self.write_tx().await?;
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
        if q::vpc(&mut tx, &row.id).await?.is_some() {
            return Err(ApiError::vpc_exists(&row.id));
        }
        if ctx.dry_run {
            return Err(ApiError::dry_run());
        }
        let mut row = row;
        row.resolver_seq = Some(q::insert_vpc(&mut tx, &row).await?);
        self.commit_change(
            tx,
            ctx,
            Change {
                topic: "inventory",
                action: "CreateVpc",
                target: &row.id,
                region_id: &row.region_id,
                summary: format!("VPC {} ({})", row.name, row.cidr),
                before: None,
                after: Some(json!({"cidr": row.cidr, "name": row.name})),
                audience: vec![],
            },
        )
        .await?;
        Ok(vpc_view(&row))
    }

    pub async fn create_vswitch(&self, ctx: &Ctx, n: NewVSwitch) -> Result<VSwitchView, ApiError> {
        check_name(&n.name)?;
        check_explicit_id(&n.id, "vsw")?;
        let mut tx = self.write_tx().await?;
        let vpc = self.own_vpc(&mut tx, ctx, &n.vpc_id).await?;
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
        for other in q::vswitches(&mut tx, &ctx.account_id, &vpc.region_id).await? {
            if other.vpc_id == vpc.id
                && (cidr_contains(&other.cidr, &n.cidr) || cidr_contains(&n.cidr, &other.cidr))
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
        if q::vswitch(&mut tx, &row.id).await?.is_some() {
            return Err(ApiError::vswitch_exists(&row.id));
        }
        if ctx.dry_run {
            return Err(ApiError::dry_run());
        }
        q::insert_vswitch(&mut tx, &row).await?;
        self.commit_change(
            tx,
            ctx,
            Change {
                topic: "inventory",
                action: "CreateVSwitch",
                target: &row.id,
                region_id: &row.region_id,
                summary: format!("vSwitch {} in {} ({})", row.name, row.zone_id, row.cidr),
                before: None,
                after: Some(json!({"vpc": row.vpc_id, "zone": row.zone_id, "cidr": row.cidr})),
                audience: vec![],
            },
        )
        .await?;
        Ok(vswitch_view(&row, 0))
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
        let mut tx = self.write_tx().await?;
        let vpc = self.own_vpc(&mut tx, ctx, &n.vpc_id).await?;
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
        if q::security_group(&mut tx, &row.id).await?.is_some() {
            return Err(ApiError::security_group_exists(&row.id));
        }
        if ctx.dry_run {
            return Err(ApiError::dry_run());
        }
        q::insert_security_group(&mut tx, &row).await?;
        self.commit_change(
            tx,
            ctx,
            Change {
                topic: "inventory",
                action: "CreateSecurityGroup",
                target: &row.id,
                region_id: &row.region_id,
                summary: format!("security group {}", row.name),
                before: None,
                after: Some(json!({"vpc": row.vpc_id, "type": row.sg_type})),
                audience: vec![],
            },
        )
        .await?;
        Ok(sg_view(&row))
    }

    pub async fn create_load_balancer(
        &self,
        ctx: &Ctx,
        n: NewLoadBalancer,
    ) -> Result<LoadBalancerView, ApiError> {
        check_name(&n.name)?;
        check_explicit_id(&n.id, n.lb_type.id_prefix())?;
        let mut tx = self.write_tx().await?;
        let vpc = self.own_vpc(&mut tx, ctx, &n.vpc_id).await?;
        if n.zones.is_empty() {
            return Err(ApiError::missing("ZoneMappings"));
        }
        for z in &n.zones {
            if !zone_in_region(&vpc.region_id, z) {
                return Err(ApiError::invalid_zone(z, &vpc.region_id));
            }
        }
        let mut zones = n.zones.clone();
        zones.sort();
        zones.dedup();
        if n.lb_type == LbType::Clb && zones.len() > 2 {
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
                .unwrap_or_else(|| self.ids.make(n.lb_type.id_prefix(), r.id_prefix)),
            account_id: ctx.account_id.clone(),
            region_id: vpc.region_id.clone(),
            vpc_id: vpc.id,
            lb_type: n.lb_type.as_str().into(),
            name: n.name,
            zones: zones.join(","),
            dual_stack: n.dual_stack,
            privatelink_supported: n.privatelink_supported,
            address: String::new(),
            created_at: self.clock.now(),
        };
        if q::load_balancer(&mut tx, &row.id).await?.is_some() {
            return Err(ApiError::load_balancer_exists(&row.id));
        }
        if ctx.dry_run {
            return Err(ApiError::dry_run());
        }
        q::insert_load_balancer(&mut tx, &row).await?;
        let ev = self
            .record(&mut tx, ctx, Change {
                topic: "inventory",
                action: "CreateLoadBalancer",
                target: &row.id,
                region_id: &row.region_id,
                summary: format!("{} {} in {}", n.lb_type.label(), row.name, row.zones),
                before: None,
                after: Some(json!({"type": row.lb_type, "zones": row.zones, "dual_stack": row.dual_stack})),
                audience: vec![],
            })
            .await?;
        tx.commit().await?;
        self.publish([ev]);
        Ok(lb_view(&row))
    }

    /// Deletes an inventory item the caller owns; refused while anything depends on it.
    pub async fn delete_inventory(&self, ctx: &Ctx, id: &str) -> Result<(), ApiError> {
        let mut tx = self.write_tx().await?;
        let (table, kind, region_id, owner, deps): (&str, &str, String, String, Vec<(&str, &str)>) =
            if id.starts_with("vpc-") {
                let v = q::vpc(&mut tx, id)
                    .await?
                    .ok_or_else(|| not_found("Vpc", id))?;
                (
                    "vpcs",
                    "Vpc",
                    v.region_id,
                    v.account_id,
                    vec![
                        (
                            "vSwitches",
                            "SELECT COUNT(*) FROM vswitches WHERE vpc_id = $1",
                        ),
                        (
                            "security groups",
                            "SELECT COUNT(*) FROM security_groups WHERE vpc_id = $1",
                        ),
                        (
                            "load balancers",
                            "SELECT COUNT(*) FROM load_balancers WHERE vpc_id = $1",
                        ),
                        (
                            "endpoints",
                            "SELECT COUNT(*) FROM endpoints WHERE vpc_id = $1",
                        ),
                        (
                            "gateway endpoints",
                            "SELECT COUNT(*) FROM gateway_endpoints WHERE vpc_id = $1",
                        ),
                    ],
                )
            } else if id.starts_with("vsw-") {
                let v = q::vswitch(&mut tx, id)
                    .await?
                    .ok_or_else(|| not_found("VSwitch", id))?;
                (
                    "vswitches",
                    "VSwitch",
                    v.region_id,
                    v.account_id,
                    vec![
                        (
                            "endpoint ENIs",
                            "SELECT COUNT(*) FROM endpoint_zones WHERE vswitch_id = $1",
                        ),
                        (
                            "allocated addresses",
                            "SELECT COUNT(*) FROM ip_allocations WHERE vswitch_id = $1",
                        ),
                    ],
                )
            } else if id.starts_with("sg-") {
                let s = q::security_group(&mut tx, id)
                    .await?
                    .ok_or_else(|| not_found("SecurityGroup", id))?;
                (
                    "security_groups",
                    "SecurityGroup",
                    s.region_id,
                    s.account_id,
                    vec![(
                        "endpoints",
                        "SELECT COUNT(*) FROM endpoint_security_groups WHERE sg_id = $1",
                    )],
                )
            } else {
                let l = q::load_balancer(&mut tx, id)
                    .await?
                    .ok_or_else(|| not_found("LoadBalancer", id))?;
                (
                    "load_balancers",
                    "LoadBalancer",
                    l.region_id,
                    l.account_id,
                    vec![(
                        "endpoint services",
                        "SELECT COUNT(*) FROM service_resources WHERE resource_id = $1",
                    )],
                )
            };
        if owner != ctx.account_id {
            return Err(not_found(kind, id));
        }
        for (what, sql) in deps {
            let n = q::count_where(&mut tx, sql, id).await?;
            if n > 0 {
                return Err(ApiError::dependency_violation(kind, id, n, what));
            }
        }
        if ctx.dry_run {
            return Err(ApiError::dry_run());
        }
        q::delete(&mut tx, table, id).await?;
        self.commit_change(
            tx,
            ctx,
            Change {
                topic: "inventory",
                action: &format!("Delete{kind}"),
                target: id,
                region_id: &region_id,
                summary: format!("deleted {id}"),
                before: None,
                after: None,
                audience: vec![],
            },
        )
        .await?;
        Ok(())
    }

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

fn vpc_view(v: &VpcRow) -> VpcView {
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

fn vswitch_view(v: &VSwitchRow, used: i64) -> VSwitchView {
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

fn sg_view(s: &SecurityGroupRow) -> SecurityGroupView {
    SecurityGroupView {
        id: s.id.clone(),
        vpc_id: s.vpc_id.clone(),
        name: s.name.clone(),
        sg_type: s.sg_type.clone(),
    }
}

fn lb_view(l: &LoadBalancerRow) -> LoadBalancerView {
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
