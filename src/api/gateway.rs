//! Gateway endpoint server functions (OSS only; a VPC feature beside PrivateLink).

use crate::domain::ApiError;
use crate::domain::gateway::{
    GatewayEndpointEdit, GatewayEndpointView, NewGatewayEndpointForm, RouteTableChange,
};
use crate::domain::model::Lookup;
use leptos::prelude::*;

/// The active account's gateway endpoints in `region`.
#[server(prefix = "/api", endpoint = "gateway_endpoints")]
pub async fn list_gateway_endpoints(region: String) -> Result<Vec<GatewayEndpointView>, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.list_gateway_endpoints(&ctx, &region)
        .await
        .map_err(fail)
}

/// One gateway endpoint.
#[server(prefix = "/api", endpoint = "gateway_endpoint")]
pub async fn gateway_endpoint(id: String) -> Result<Lookup<GatewayEndpointView>, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    let found = ops.get_gateway_endpoint(&ctx, &id).await;
    ops.lookup(
        &ctx.account_id,
        found,
        "ResourceNotFound.GatewayEndpoint",
        "DeleteGatewayEndpoint",
        &id,
    )
    .await
    .map_err(fail)
}

/// The OSS gateway service name of `region` (what the create form offers).
#[server(prefix = "/api", endpoint = "gateway_service")]
pub async fn gateway_service(region: String) -> Result<String, ApiError> {
    Ok(crate::domain::gateway::oss_gateway_service(&region))
}

/// The route tables of one of the caller's VPCs.
#[server(prefix = "/api", endpoint = "gateway_route_tables")]
pub async fn gateway_route_tables(vpc_id: String) -> Result<Vec<String>, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.gateway_route_tables(&ctx, &vpc_id).await.map_err(fail)
}

/// Creates a gateway endpoint for OSS from the console's form.
#[server(prefix = "/api", endpoint = "create_gateway_endpoint")]
pub async fn create_gateway_endpoint(
    form: NewGatewayEndpointForm,
) -> Result<GatewayEndpointView, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.console_create_gateway_endpoint(&ctx, form)
        .await
        .map_err(fail)
}

/// Renames a gateway endpoint and replaces its policy (empty removes it).
#[server(prefix = "/api", endpoint = "update_gateway_endpoint")]
pub async fn update_gateway_endpoint(form: GatewayEndpointEdit) -> Result<(), ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    let GatewayEndpointEdit {
        id,
        name,
        policy_document,
    } = form;
    ops.update_gateway_endpoint(&ctx, &id, Some(name), Some(policy_document))
        .await
        .map_err(fail)
}

/// Associates or dissociates a route table.
#[server(prefix = "/api", endpoint = "gateway_route_table")]
pub async fn set_gateway_route_table(change: RouteTableChange) -> Result<(), ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.set_gateway_route_table(&ctx, &change.id, &change.route_table, change.associate)
        .await
        .map_err(fail)
}

/// Deletes a gateway endpoint.
#[server(prefix = "/api", endpoint = "delete_gateway_endpoint")]
pub async fn delete_gateway_endpoint(id: String) -> Result<(), ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.delete_gateway_endpoint(&ctx, &id).await.map_err(fail)
}
