//! Endpoint security groups: attaching and detaching pass the endpoint through `Pending` and the
//! group through `Attaching` or `Detaching`.

use super::audit::Change;
use super::change::Done;
use super::endpoints::SGS_PER_ENDPOINT;
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::model::EndpointSgView;
use crate::domain::state::{Machine, ResourceStatus, SecurityGroupStatus};
use crate::store::endpoints as q;
use crate::store::inventory as inv;
use crate::store::services as svc;
use serde_json::json;

impl Ops {
    /// ListVpcEndpointSecurityGroups.
    pub async fn list_endpoint_sgs(
        &self,
        ctx: &Ctx,
        endpoint_id: &str,
    ) -> Result<Vec<EndpointSgView>, ApiError> {
        let mut c = self.pool.acquire().await?;
        let e = self.owned_endpoint(&mut c, ctx, endpoint_id).await?;
        Ok(q::security_groups(&mut c, &e.id)
            .await?
            .into_iter()
            .map(|g| EndpointSgView {
                sg_id: g.sg_id,
                status: g.status,
            })
            .collect())
    }

    /// AttachSecurityGroupToVpcEndpoint: the endpoint passes through `Pending`, the group `Attaching`.
    pub async fn attach_sg(
        &self,
        ctx: &Ctx,
        endpoint_id: &str,
        sg_id: &str,
    ) -> Result<(), ApiError> {
        self.change_sg(ctx, endpoint_id, sg_id, true).await
    }

    /// DetachSecurityGroupFromVpcEndpoint: the last group of an interface endpoint stays.
    pub async fn detach_sg(
        &self,
        ctx: &Ctx,
        endpoint_id: &str,
        sg_id: &str,
    ) -> Result<(), ApiError> {
        self.change_sg(ctx, endpoint_id, sg_id, false).await
    }

    async fn change_sg(
        &self,
        ctx: &Ctx,
        endpoint_id: &str,
        sg_id: &str,
        attach: bool,
    ) -> Result<(), ApiError> {
        self.change(
            ctx,
            async |tx| {
                let e = self.active_owned_endpoint(tx, ctx, endpoint_id).await?;
                if svc::get(tx, &e.service_id).await?.is_none() {
                    return Err(ApiError::service_deleted());
                }
                let current = q::security_groups(tx, &e.id).await?;
                let sg = match inv::security_group(tx, sg_id).await? {
                    Some(g) if g.account_id == ctx.account_id && g.vpc_id == e.vpc_id => g,
                    _ => return Err(ApiError::security_group_not_in_vpc(sg_id, &e.vpc_id)),
                };
                if attach {
                    if current.iter().any(|g| g.sg_id == sg_id) {
                        return Err(ApiError::security_group_attached(sg_id));
                    }
                    if current.is_empty() && e.endpoint_type == "GatewayLoadBalancer" {
                        return Err(ApiError::no_security_group_to_add_to());
                    }
                    if current.len() >= SGS_PER_ENDPOINT {
                        return Err(ApiError::quota(
                            "SecurityGroupPerEndpoint",
                            current.len() + 1,
                            SGS_PER_ENDPOINT,
                        ));
                    }
                    for g in &current {
                        if inv::security_group(tx, &g.sg_id)
                            .await?
                            .is_some_and(|x| x.sg_type != sg.sg_type)
                        {
                            return Err(ApiError::security_groups_of_one_type());
                        }
                    }
                } else {
                    if !current.iter().any(|g| g.sg_id == sg_id) {
                        return Err(ApiError::security_group_not_attached(sg_id));
                    }
                    if current.len() == 1 && e.endpoint_type != "GatewayLoadBalancer" {
                        return Err(ApiError::security_group_required());
                    }
                }
                Ok(e)
            },
            async |tx, mut e| {
                let due = self.due();
                let (status, action, verb) = if attach {
                    (
                        SecurityGroupStatus::Attaching,
                        "AttachSecurityGroupToVpcEndpoint",
                        "attaching",
                    )
                } else {
                    (
                        SecurityGroupStatus::Detaching,
                        "DetachSecurityGroupFromVpcEndpoint",
                        "detaching",
                    )
                };
                q::set_sg(tx, &e.id, sg_id, status, Some(due)).await?;
                e.status = e.status.to(ResourceStatus::Pending)?;
                e.due_at = Some(due);
                e.updated_at = self.clock.now();
                q::update(tx, &e).await?;
                Ok(Done::new(Change {
                    topic: "endpoint",
                    action,
                    target: e.id,
                    region_id: e.region_id,
                    summary: format!("{verb} security group {sg_id}"),
                    before: None,
                    after: Some(json!({"security_group": sg_id})),
                    audience: vec![],
                })
                .wake())
            },
        )
        .await
    }
}
