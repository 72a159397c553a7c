//! Inventory server functions: list, create and delete VPCs, vSwitches, security groups and load
//! balancers.

use crate::domain::ApiError;
use crate::domain::dataplane::ListenerView;
use crate::domain::event::AuditView;
use crate::domain::inventory::{
    InventoryView, ListenerForm, ListenerRef, LoadBalancerView, NewLoadBalancerForm,
    NewSecurityGroupForm, NewVSwitchForm, NewVpcForm, SecurityGroupView, VSwitchView, VpcView,
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
    ops.console_recent_activity(&ctx, limit).await.map_err(fail)
}

/// Creates a VPC.
#[server(prefix = "/api", endpoint = "create_vpc")]
pub async fn create_vpc(form: NewVpcForm) -> Result<VpcView, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.console_create_vpc(&ctx, form).await.map_err(fail)
}

/// Creates a vSwitch in a VPC and zone.
#[server(prefix = "/api", endpoint = "create_vswitch")]
pub async fn create_vswitch(form: NewVSwitchForm) -> Result<VSwitchView, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.console_create_vswitch(&ctx, form).await.map_err(fail)
}

/// Creates a security group in a VPC.
#[server(prefix = "/api", endpoint = "create_security_group")]
pub async fn create_security_group(
    form: NewSecurityGroupForm,
) -> Result<SecurityGroupView, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.console_create_security_group(&ctx, form)
        .await
        .map_err(fail)
}

/// Creates a load balancer serving in the form's zones.
#[server(prefix = "/api", endpoint = "create_load_balancer")]
pub async fn create_load_balancer(form: NewLoadBalancerForm) -> Result<LoadBalancerView, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.console_create_load_balancer(&ctx, form)
        .await
        .map_err(fail)
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
pub async fn set_listener(form: ListenerForm) -> Result<ListenerView, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.console_set_listener(&ctx, form).await.map_err(fail)
}

/// Removes a listener from a load balancer.
#[server(prefix = "/api", endpoint = "delete_listener")]
pub async fn delete_listener(listener: ListenerRef) -> Result<(), ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.delete_listener(&ctx, &listener.lb_id, listener.port.into())
        .await
        .map_err(fail)
}
