//! Inventory server functions: list, create and delete VPCs, vSwitches, security groups and load
//! balancers.

use crate::domain::ApiError;
use crate::domain::dataplane::ListenerView;
use crate::domain::event::AuditView;
use crate::domain::inventory::{
    InventoryView, LbType, LoadBalancerView, SecurityGroupView, VSwitchView, VpcView,
};
use leptos::prelude::*;

/// The active account's inventory in `region`.
#[server(prefix = "/api", endpoint = "inventory")]
pub async fn get_inventory(region: String) -> Result<InventoryView, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.inventory(&ctx, &region).await.map_err(fail)
}

/// The newest audit events the active account may see.
#[server(prefix = "/api", endpoint = "recent_activity")]
pub async fn recent_activity(limit: i64) -> Result<Vec<AuditView>, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.recent_audit(&ctx.account_id, limit.clamp(1, 200))
        .await
        .map_err(fail)
}

/// Creates a VPC in `region` (`ipv6_cidr` empty for IPv4 only).
#[server(prefix = "/api", endpoint = "create_vpc")]
pub async fn create_vpc(
    region: String,
    name: String,
    cidr: String,
    ipv6_cidr: String,
) -> Result<VpcView, ApiError> {
    use super::context::*;
    use crate::ops::inventory::NewVpc;
    let (ops, ctx) = caller().await?;
    let n = NewVpc {
        id: None,
        region_id: region,
        name,
        cidr: cidr.trim().to_string(),
        ipv6_cidr: Some(ipv6_cidr.trim().to_string()).filter(|c| !c.is_empty()),
    };
    ops.create_vpc(&ctx, n).await.map_err(fail)
}

/// Creates a vSwitch in a VPC and zone.
#[server(prefix = "/api", endpoint = "create_vswitch")]
pub async fn create_vswitch(
    vpc_id: String,
    zone_id: String,
    name: String,
    cidr: String,
) -> Result<VSwitchView, ApiError> {
    use super::context::*;
    use crate::ops::inventory::NewVSwitch;
    let (ops, ctx) = caller().await?;
    let n = NewVSwitch {
        id: None,
        vpc_id,
        zone_id,
        name,
        cidr: cidr.trim().to_string(),
    };
    ops.create_vswitch(&ctx, n).await.map_err(fail)
}

/// Creates a security group in a VPC.
#[server(prefix = "/api", endpoint = "create_security_group")]
pub async fn create_security_group(
    vpc_id: String,
    name: String,
) -> Result<SecurityGroupView, ApiError> {
    use super::context::*;
    use crate::ops::inventory::NewSecurityGroup;
    let (ops, ctx) = caller().await?;
    let n = NewSecurityGroup {
        id: None,
        vpc_id,
        name,
        sg_type: None,
    };
    ops.create_security_group(&ctx, n).await.map_err(fail)
}

/// Creates a load balancer (`lb_type` nlb, alb, clb or gwlb) serving in `zones`.
#[server(prefix = "/api", endpoint = "create_load_balancer")]
pub async fn create_load_balancer(
    vpc_id: String,
    lb_type: LbType,
    name: String,
    #[server(default)] zones: Vec<String>,
    dual_stack: bool,
) -> Result<LoadBalancerView, ApiError> {
    use super::context::*;
    use crate::ops::inventory::NewLoadBalancer;
    let (ops, ctx) = caller().await?;
    let n = NewLoadBalancer {
        id: None,
        vpc_id,
        lb_type,
        name,
        zones,
        dual_stack,
        privatelink_supported: true,
    };
    ops.create_load_balancer(&ctx, n).await.map_err(fail)
}

/// Deletes a VPC, vSwitch, security group or load balancer; refused while something uses it.
#[server(prefix = "/api", endpoint = "delete_inventory_item")]
pub async fn delete_inventory_item(id: String) -> Result<(), ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.delete_inventory(&ctx, &id).await.map_err(fail)
}

/// The listeners of the active account's load balancers.
#[server(prefix = "/api", endpoint = "listeners")]
pub async fn my_listeners() -> Result<Vec<ListenerView>, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.my_listeners(&ctx).await.map_err(fail)
}

/// Creates a TCP listener on a load balancer, or points an existing one at another backend.
#[server(prefix = "/api", endpoint = "set_listener")]
pub async fn set_listener(
    lb_id: String,
    port: String,
    backend: String,
) -> Result<ListenerView, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.console_set_listener(&ctx, &lb_id, &port, &backend)
        .await
        .map_err(fail)
}

/// Removes a listener from a load balancer.
#[server(prefix = "/api", endpoint = "delete_listener")]
pub async fn delete_listener(lb_id: String, port: u16) -> Result<(), ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.delete_listener(&ctx, &lb_id, port.into())
        .await
        .map_err(fail)
}
