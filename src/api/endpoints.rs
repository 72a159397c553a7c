//! Consumer server functions: endpoints, the services one may connect to, and DNS answers.

use crate::domain::ApiError;
use crate::domain::console::{
    EndpointColumn, EndpointPolicyForm, ListPage, ListQuery, NewEndpointForm,
};
use crate::domain::model::{
    ConnectionView, DnsAnswer, EndpointSgView, EndpointView, Lookup, ZoneView,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything the endpoint detail page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointDetailView {
    pub endpoint: EndpointView,
    pub zones: Vec<ZoneView>,
    pub security_groups: Vec<EndpointSgView>,
    pub connection: Option<ConnectionView>,
    pub dns: DnsAnswer,
}

/// One page of the active account's endpoints (filtered, sorted, after `query.next_token`).
#[server(prefix = "/api", endpoint = "endpoints")]
pub async fn list_my_endpoints(
    query: ListQuery<EndpointColumn>,
) -> Result<ListPage<EndpointView>, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.console_endpoints(&ctx, &query).await.map_err(fail)
}

/// One endpoint with zones, security groups, connection and the DNS answer of its domain now.
#[server(prefix = "/api", endpoint = "endpoint_detail")]
pub async fn endpoint_detail(endpoint_id: String) -> Result<Lookup<EndpointDetailView>, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    let found = ops.get_endpoint(&ctx, &endpoint_id).await;
    let endpoint = match ops
        .lookup(
            &ctx.account_id,
            found,
            "EndpointNotFound",
            "DeleteVpcEndpoint",
            &endpoint_id,
        )
        .await
        .map_err(fail)?
        .split()
    {
        Ok(e) => e,
        Err(missing) => return Ok(missing),
    };
    let zones = ops.list_zones(&ctx, &endpoint_id).await.map_err(fail)?;
    let security_groups = ops
        .list_endpoint_sgs(&ctx, &endpoint_id)
        .await
        .map_err(fail)?;
    let connection = ops
        .endpoint_connection(&ctx, &endpoint_id)
        .await
        .map_err(fail)?;
    let dns = ops
        .resolve(&ctx, &endpoint.domain, Some(&endpoint.vpc_id), None)
        .await
        .map_err(fail)?;
    Ok(Lookup::Found(EndpointDetailView {
        endpoint,
        zones,
        security_groups,
        connection,
        dns,
    }))
}

/// Creates an endpoint from the console's form.
#[server(prefix = "/api", endpoint = "create_endpoint")]
pub async fn create_endpoint(form: NewEndpointForm) -> Result<EndpointView, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.console_create_endpoint(&ctx, form).await.map_err(fail)
}

/// Replaces the endpoint's policy document, or restores the default policy.
#[server(prefix = "/api", endpoint = "update_endpoint_policy")]
pub async fn update_endpoint_policy(form: EndpointPolicyForm) -> Result<EndpointView, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.console_update_endpoint_policy(&ctx, form)
        .await
        .map_err(fail)
}

/// Deletes an endpoint.
#[server(prefix = "/api", endpoint = "delete_endpoint")]
pub async fn delete_endpoint(endpoint_id: String) -> Result<(), ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.delete_endpoint(&ctx, &endpoint_id).await.map_err(fail)
}

/// The live traffic of an endpoint's zone ENIs (its owner or the service's owner), for the charts.
#[server(prefix = "/api", endpoint = "endpoint_traffic")]
pub async fn endpoint_traffic(
    endpoint_id: String,
) -> Result<crate::domain::dataplane::TrafficView, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.endpoint_traffic(&ctx, &endpoint_id).await.map_err(fail)
}
