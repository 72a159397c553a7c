//! VPC DNS links: a custom service domain resolves only inside the VPC of the endpoint that enabled
//! it; another VPC of the same account resolves it once it is connected to that VPC and configured
//! to (one link, `vpc` → `target`). [`Ops::resolve`](super::dns) reads the links.

use super::audit::Change;
use super::change::Done;
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::model::VpcDnsLinkView;
use crate::store::inventory as inv;
use crate::store::links;
use serde_json::json;

impl Ops {
    /// Lets `vpc_id` resolve the custom domains of endpoints in `target_vpc_id` (`link = true`), or
    /// stops it. Both VPCs must be the caller's and in one region.
    pub async fn set_vpc_dns_link(
        &self,
        ctx: &Ctx,
        vpc_id: &str,
        target_vpc_id: &str,
        link: bool,
    ) -> Result<(), ApiError> {
        if vpc_id == target_vpc_id {
            return Err(ApiError::illegal(
                "TargetVpcId",
                "a VPC always resolves its own endpoints",
            ));
        }
        self.change(
            ctx,
            async |tx| {
                let mut regions = Vec::new();
                for id in [vpc_id, target_vpc_id] {
                    let v = inv::vpc(tx, id)
                        .await?
                        .filter(|v| v.account_id == ctx.account_id)
                        .ok_or_else(|| ApiError::invalid_vpc(id))?;
                    regions.push(v.region_id);
                }
                if regions[0] != regions[1] {
                    return Err(ApiError::illegal(
                        "TargetVpcId",
                        "both VPCs must be in one region",
                    ));
                }
                let present = links::exists(tx, &links::dns_link(vpc_id, target_vpc_id)).await?;
                if present == link {
                    return Err(if link {
                        ApiError::dns_link_exists(vpc_id, target_vpc_id)
                    } else {
                        ApiError::dns_link_not_found(vpc_id, target_vpc_id)
                    });
                }
                Ok(regions.swap_remove(0))
            },
            async |tx, region_id| {
                links::set(tx, &links::dns_link(vpc_id, target_vpc_id), link).await?;
                Ok(Done::new(Change {
                    topic: "inventory",
                    action: if link { "LinkVpcDns" } else { "UnlinkVpcDns" },
                    target: target_vpc_id.to_string(),
                    region_id,
                    summary: format!(
                        "{vpc_id} {} resolve custom domains of {target_vpc_id}",
                        if link { "may now" } else { "no longer may" }
                    ),
                    before: None,
                    after: Some(json!({"vpc": vpc_id, "target": target_vpc_id, "linked": link})),
                    audience: vec![],
                }))
            },
        )
        .await
    }

    /// Links into `target_vpc_id`: the VPCs (of the caller) that resolve its custom domains.
    pub async fn vpc_dns_links(
        &self,
        ctx: &Ctx,
        target_vpc_id: &str,
    ) -> Result<Vec<VpcDnsLinkView>, ApiError> {
        let rows = links::dns_links_to(
            &mut *self.pool.acquire().await?,
            target_vpc_id,
            &ctx.account_id,
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|(vpc_id, target_vpc_id)| VpcDnsLinkView {
                vpc_id,
                target_vpc_id,
            })
            .collect())
    }
}
