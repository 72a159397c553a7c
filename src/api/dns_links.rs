//! VPC DNS links: which VPCs resolve the custom service domains of endpoints in another VPC.

use crate::domain::ApiError;
use crate::domain::model::VpcDnsLinkView;
use leptos::prelude::*;

/// The VPCs that resolve the custom domains of endpoints in `target_vpc_id`.
#[server(prefix = "/api", endpoint = "vpc_dns_links")]
pub async fn vpc_dns_links(target_vpc_id: String) -> Result<Vec<VpcDnsLinkView>, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.vpc_dns_links(&ctx, &target_vpc_id).await.map_err(fail)
}

/// Lets `vpc_id` resolve the custom domains of `target_vpc_id` (`link = true`) or stops it.
#[server(prefix = "/api", endpoint = "set_vpc_dns_link")]
pub async fn set_vpc_dns_link(
    vpc_id: String,
    target_vpc_id: String,
    link: bool,
) -> Result<(), ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.set_vpc_dns_link(&ctx, &vpc_id, &target_vpc_id, link)
        .await
        .map_err(fail)
}
