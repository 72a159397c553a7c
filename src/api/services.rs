//! Provider server functions: endpoint services, their whitelist and connection queue.

use crate::domain::ApiError;
use crate::domain::console::{
    BatchDecision, ConnectionBandwidth, ConnectionRejection, ConnectionsQuery, ListPage, ListQuery,
    NewServiceForm, ServiceColumn, ServiceSettings, WhitelistEntry, WhitelistRemoval,
};
use crate::domain::model::{ConnectionView, Lookup, ResourceView, ServiceView, WhitelistView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything the service detail page shows but its connection queue (see [`ConnectionQueuePage`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceDetailView {
    pub service: ServiceView,
    pub resources: Vec<ResourceView>,
    pub whitelist: Vec<WhitelistView>,
}

/// One page of a service's connection queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionQueuePage {
    pub connections: ListPage<ConnectionView>,
    /// The server's time of this answer (ISO-8601 UTC), to show how long connections have waited.
    pub now: String,
}

pub use crate::domain::console::BatchOutcome;

/// One page of the active account's services (filtered, sorted, after `query.next_token`).
#[server(prefix = "/api", endpoint = "services")]
pub async fn list_my_services(
    query: ListQuery<ServiceColumn>,
) -> Result<ListPage<ServiceView>, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.console_services(&ctx, &query).await.map_err(fail)
}

/// One service with its resources and whitelist.
#[server(prefix = "/api", endpoint = "service_detail")]
pub async fn service_detail(service_id: String) -> Result<Lookup<ServiceDetailView>, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    let found = ops.get_service(&ctx, &service_id).await;
    let service = match ops
        .lookup(
            &ctx.account_id,
            found,
            "EndpointServiceNotFound",
            "DeleteVpcEndpointService",
            &service_id,
        )
        .await
        .map_err(fail)?
        .split()
    {
        Ok(s) => s,
        Err(missing) => return Ok(missing),
    };
    let resources = ops.list_resources(&ctx, &service_id).await.map_err(fail)?;
    let whitelist = ops
        .list_whitelist(&ctx, &service_id, None)
        .await
        .map_err(fail)?;
    Ok(Lookup::Found(ServiceDetailView {
        service,
        resources,
        whitelist,
    }))
}

/// One page of the connection queue of one of the active account's services (or why there is
/// none: like the detail, a service not ours or deleted is no HTTP error).
#[server(prefix = "/api", endpoint = "service_connections")]
pub async fn service_connections(
    query: ConnectionsQuery,
) -> Result<Lookup<ConnectionQueuePage>, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    let found = ops
        .console_connections(&ctx, &query)
        .await
        .map(|connections| ConnectionQueuePage {
            connections,
            now: ops.now_iso(),
        });
    ops.lookup(
        &ctx.account_id,
        found,
        "EndpointServiceNotFound",
        "DeleteVpcEndpointService",
        &query.service_id,
    )
    .await
    .map_err(fail)
}

/// Publishes a service from the console's form.
#[server(prefix = "/api", endpoint = "create_service")]
pub async fn create_service(form: NewServiceForm) -> Result<ServiceView, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.console_create_service(&ctx, form).await.map_err(fail)
}

/// Edits a service's settings in place.
#[server(prefix = "/api", endpoint = "update_service")]
pub async fn update_service(form: ServiceSettings) -> Result<ServiceView, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.console_update_service(&ctx, form).await.map_err(fail)
}

/// Deletes a service.
#[server(prefix = "/api", endpoint = "delete_service")]
pub async fn delete_service(service_id: String) -> Result<(), ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.delete_service(&ctx, &service_id).await.map_err(fail)
}

/// Adds an account id or ARN to the whitelist.
#[server(prefix = "/api", endpoint = "add_whitelist")]
pub async fn add_whitelist(form: WhitelistEntry) -> Result<WhitelistView, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.console_add_whitelist(&ctx, form).await.map_err(fail)
}

/// Removes an account from the whitelist.
#[server(prefix = "/api", endpoint = "remove_whitelist")]
pub async fn remove_whitelist(form: WhitelistRemoval) -> Result<(), ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.remove_whitelist(&ctx, &form.service_id, Some(&form.user_id), None)
        .await
        .map_err(fail)
}

/// Accepts a waiting connection with a bandwidth (Mbit/s).
#[server(prefix = "/api", endpoint = "accept_connection")]
pub async fn accept_connection(form: ConnectionBandwidth) -> Result<(), ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    let ConnectionBandwidth {
        service_id,
        endpoint_id,
        bandwidth,
    } = form;
    ops.accept_connection(&ctx, &service_id, &endpoint_id, Some(bandwidth), None)
        .await
        .map_err(fail)
}

/// Rejects a waiting connection (with a reason) or disconnects a connected one.
#[server(prefix = "/api", endpoint = "reject_connection")]
pub async fn reject_connection(form: ConnectionRejection) -> Result<(), ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.reject_connection(
        &ctx,
        &form.service_id,
        &form.endpoint_id,
        Some(&form.reason),
    )
    .await
    .map_err(fail)
}

/// Accepts or rejects several connections, one operation per endpoint; every row reports its own
/// outcome, so one refusal does not stop the others.
#[server(prefix = "/api", endpoint = "decide_connections")]
pub async fn decide_connections(form: BatchDecision) -> Result<Vec<BatchOutcome>, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    Ok(ops.decide_connections(&ctx, form).await)
}

/// Changes a connection's bandwidth limit.
#[server(prefix = "/api", endpoint = "set_bandwidth")]
pub async fn set_bandwidth(form: ConnectionBandwidth) -> Result<(), ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    let ConnectionBandwidth {
        service_id,
        endpoint_id,
        bandwidth,
    } = form;
    ops.set_connection_bandwidth(&ctx, &service_id, &endpoint_id, Some(bandwidth), None)
        .await
        .map_err(fail)
}

/// How many connections wait for the active provider's decision.
#[server(prefix = "/api", endpoint = "pending_decisions")]
pub async fn pending_decisions() -> Result<i64, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.pending_decisions(&ctx).await.map_err(fail)
}
