//! VPC DNS links: which VPCs resolve the custom service domains of endpoints in another VPC.

use crate::domain::ApiError;
use crate::domain::console::DnsLinkChange;
use crate::domain::model::VpcDnsLinkView;
use leptos::prelude::*;

/// The VPCs that resolve the custom domains of endpoints in `target_vpc_id`.
#[server(prefix = "/api", endpoint = "vpc_dns_links")]
pub async fn vpc_dns_links(target_vpc_id: String) -> Result<Vec<VpcDnsLinkView>, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.vpc_dns_links(&ctx, &target_vpc_id).await.map_err(fail)
}

/// Lets a VPC resolve the custom domains of the endpoints in another, or stops it.
#[server(prefix = "/api", endpoint = "set_vpc_dns_link")]
pub async fn set_vpc_dns_link(change: DnsLinkChange) -> Result<(), ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.set_vpc_dns_link(&ctx, &change.vpc_id, &change.target_vpc_id, change.link)
        .await
        .map_err(fail)
}
