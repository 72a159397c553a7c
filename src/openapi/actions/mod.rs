//! One function per API action: parameters in, operation call, documented response fields out.
//! Every decision (authorization, validation, state rules) is the operation layer's.

pub mod connections;
pub mod endpoints;
pub mod misc;
pub mod resources;
pub mod security_groups;
pub mod services;
pub mod tags;
pub mod whitelist;
pub mod zones;

use crate::domain::ApiError;
use crate::openapi::params::Params;
use crate::openapi::wire::Body;
use crate::ops::{Ctx, Ops};

/// Runs `action`; an unknown name gives `InvalidAction.NotFound` (HTTP 404).
pub async fn dispatch(ops: &Ops, ctx: &Ctx, action: &str, p: &Params) -> Result<Body, ApiError> {
    match action {
        "CreateVpcEndpointService" => services::create(ops, ctx, p).await,
        "GetVpcEndpointServiceAttribute" => services::get(ops, ctx, p).await,
        "ListVpcEndpointServices" => services::list(ops, ctx, p).await,
        "UpdateVpcEndpointServiceAttribute" => services::update(ops, ctx, p).await,
        "DeleteVpcEndpointService" => services::delete(ops, ctx, p).await,
        "AddUserToVpcEndpointService" => whitelist::add(ops, ctx, p).await,
        "RemoveUserFromVpcEndpointService" => whitelist::remove(ops, ctx, p).await,
        "ListVpcEndpointServiceUsers" => whitelist::list(ops, ctx, p).await,
        "AttachResourceToVpcEndpointService" => resources::attach(ops, ctx, p).await,
        "DetachResourceFromVpcEndpointService" => resources::detach(ops, ctx, p).await,
        "ListVpcEndpointServiceResources" => resources::list(ops, ctx, p).await,
        "UpdateVpcEndpointServiceResourceAttribute" => resources::update(ops, ctx, p).await,
        "UpdateVpcEndpointZoneConnectionResourceAttribute" => {
            resources::update_zone(ops, ctx, p).await
        }
        "CreateVpcEndpoint" => endpoints::create(ops, ctx, p).await,
        "GetVpcEndpointAttribute" => endpoints::get(ops, ctx, p).await,
        "ListVpcEndpoints" => endpoints::list(ops, ctx, p).await,
        "UpdateVpcEndpointAttribute" => endpoints::update(ops, ctx, p).await,
        "DeleteVpcEndpoint" => endpoints::delete(ops, ctx, p).await,
        "ListVpcEndpointConnections" => connections::list(ops, ctx, p).await,
        "EnableVpcEndpointConnection" => connections::enable(ops, ctx, p).await,
        "DisableVpcEndpointConnection" => connections::disable(ops, ctx, p).await,
        "UpdateVpcEndpointConnectionAttribute" => connections::update(ops, ctx, p).await,
        "EnableVpcEndpointZoneConnection" => connections::zone(ops, ctx, p, true).await,
        "DisableVpcEndpointZoneConnection" => connections::zone(ops, ctx, p, false).await,
        "AddZoneToVpcEndpoint" => zones::add(ops, ctx, p).await,
        "RemoveZoneFromVpcEndpoint" => zones::remove(ops, ctx, p).await,
        "ListVpcEndpointZones" => zones::list(ops, ctx, p).await,
        "AttachSecurityGroupToVpcEndpoint" => security_groups::attach(ops, ctx, p).await,
        "DetachSecurityGroupFromVpcEndpoint" => security_groups::detach(ops, ctx, p).await,
        "ListVpcEndpointSecurityGroups" => security_groups::list(ops, ctx, p).await,
        "ListVpcEndpointServicesByEndUser" => misc::by_end_user(ops, ctx, p).await,
        "TagResources" => tags::tag(ops, ctx, p).await,
        "UntagResources" => tags::untag(ops, ctx, p).await,
        "ListTagResources" => tags::list(ops, ctx, p).await,
        "ChangeResourceGroup" => tags::change_group(ops, ctx, p).await,
        "DescribeRegions" => misc::describe_regions(p),
        "DescribeZones" => misc::describe_zones(p),
        "CheckProductOpen" => Ok(misc::check_product_open()),
        "OpenPrivateLinkService" => Err(misc::open_service()),
        _ => Err(ApiError::new(
            "InvalidAction.NotFound",
            format!("Specified api \"{action}\" is not found, please check your url and method."),
        )
        .status(404)),
    }
}

/// `Tag.N.Key` / `Tag.N.Value` pairs (a tag without a key is passed on with an empty key, for the
/// operation layer to refuse).
pub(crate) fn tags(p: &Params) -> Vec<(String, String)> {
    p.objects("Tag")
        .into_iter()
        .map(|mut o| {
            (
                o.remove("Key").unwrap_or_default(),
                o.remove("Value").unwrap_or_default(),
            )
        })
        .collect()
}

/// True for actions that change state (ClientToken applies to these; reads ignore it).
pub fn changes_state(action: &str) -> bool {
    !["Get", "List", "Describe", "Check"]
        .iter()
        .any(|p| action.starts_with(p))
}

/// An empty success body (just `RequestId`).
pub(crate) fn done() -> Body {
    Body::new()
}
