//! Deleting inventory: a VPC, vSwitch, security group or load balancer the caller owns, refused
//! while anything depends on it.

use super::audit::Change;
use super::change::Done;
use super::inventory::not_found;
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::store::inventory as q;

/// The kind of inventory item an id names (by its prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Vpc,
    VSwitch,
    SecurityGroup,
    LoadBalancer,
}

impl Item {
    fn of(id: &str) -> Self {
        if id.starts_with("vpc-") {
            Self::Vpc
        } else if id.starts_with("vsw-") {
            Self::VSwitch
        } else if id.starts_with("sg-") {
            Self::SecurityGroup
        } else {
            Self::LoadBalancer
        }
    }

    /// The name in errors.
    fn kind(self) -> &'static str {
        match self {
            Self::Vpc => "Vpc",
            Self::VSwitch => "VSwitch",
            Self::SecurityGroup => "SecurityGroup",
            Self::LoadBalancer => "LoadBalancer",
        }
    }

    /// The audited action.
    fn action(self) -> &'static str {
        match self {
            Self::Vpc => "DeleteVpc",
            Self::VSwitch => "DeleteVSwitch",
            Self::SecurityGroup => "DeleteSecurityGroup",
            Self::LoadBalancer => "DeleteLoadBalancer",
        }
    }

    fn table(self) -> &'static str {
        match self {
            Self::Vpc => "vpcs",
            Self::VSwitch => "vswitches",
            Self::SecurityGroup => "security_groups",
            Self::LoadBalancer => "load_balancers",
        }
    }

    /// What depends on an item of this kind: (what, count query with `$1` = the item's id).
    fn dependents(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::Vpc => &[
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
            Self::VSwitch => &[
                (
                    "endpoint ENIs",
                    "SELECT COUNT(*) FROM endpoint_zones WHERE vswitch_id = $1",
                ),
                (
                    "allocated addresses",
                    "SELECT COUNT(*) FROM ip_allocations WHERE vswitch_id = $1",
                ),
            ],
            Self::SecurityGroup => &[(
                "endpoints",
                "SELECT COUNT(*) FROM endpoint_security_groups WHERE sg_id = $1",
            )],
            Self::LoadBalancer => &[(
                "endpoint services",
                "SELECT COUNT(*) FROM service_resources WHERE resource_id = $1",
            )],
        }
    }
}

impl Ops {
    /// Deletes an inventory item the caller owns; refused while anything depends on it.
    pub async fn delete_inventory(&self, ctx: &Ctx, id: &str) -> Result<(), ApiError> {
        let item = Item::of(id);
        let kind = item.kind();
        self.change(
            ctx,
            async |tx| {
                let owner_region = match item {
                    Item::Vpc => q::vpc(tx, id).await?.map(|v| (v.account_id, v.region_id)),
                    Item::VSwitch => q::vswitch(tx, id)
                        .await?
                        .map(|v| (v.account_id, v.region_id)),
                    Item::SecurityGroup => q::security_group(tx, id)
                        .await?
                        .map(|s| (s.account_id, s.region_id)),
                    Item::LoadBalancer => q::load_balancer(tx, id)
                        .await?
                        .map(|l| (l.account_id, l.region_id)),
                };
                let (owner, region_id) = owner_region.ok_or_else(|| not_found(kind, id))?;
                if owner != ctx.account_id {
                    return Err(not_found(kind, id));
                }
                for (what, sql) in item.dependents() {
                    let n = q::count_where(tx, sql, id).await?;
                    if n > 0 {
                        return Err(ApiError::dependency_violation(kind, id, n, what));
                    }
                }
                Ok(region_id)
            },
            async |tx, region_id| {
                q::delete(tx, item.table(), id).await?;
                Ok(Done::new(Change {
                    topic: "inventory",
                    action: item.action(),
                    target: id.to_string(),
                    region_id,
                    summary: format!("deleted {id}"),
                    before: None,
                    after: None,
                    audience: vec![],
                }))
            },
        )
        .await
    }
}
