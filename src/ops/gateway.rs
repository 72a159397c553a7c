//! Gateway endpoints for OSS: created in one of the caller's VPCs, associated with that VPC's route
//! tables (each association adds a route for the OSS prefix in 100.64.0.0/10 with the endpoint as
//! next hop), governed by an endpoint policy. Creating → Active and Deleting → gone advance through
//! the reconciler.

use super::audit::Change;
use super::change::Done;
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::gateway::{
    GatewayEndpointView, is_gateway_service, oss_gateway_service, oss_prefix, system_route_table,
};
use crate::domain::region::region;
use crate::domain::state::{Machine, ResourceStatus};
use crate::domain::validate;
use crate::store::Conn;
use crate::store::gateways::{self as gq, GatewayRow};
use crate::store::inventory as inv;
use crate::store::iso;
use crate::store::links::{self, Link};
use serde_json::json;

/// Input of a gateway endpoint creation.
#[derive(Debug, Clone, Default)]
pub struct NewGatewayEndpoint {
    pub region_id: String,
    pub vpc_id: String,
    /// `com.aliyun.<region>.oss`; the only supported service.
    pub service_name: String,
    pub name: String,
    pub policy_document: Option<String>,
    /// Route tables of the VPC to associate now.
    pub route_tables: Vec<String>,
}

/// The association of gateway endpoint `id` with `route_table`.
fn route_link<'a>(id: &'a str, route_table: &'a str) -> Link<'a> {
    Link {
        table: "gateway_endpoint_route_tables",
        left: ("gateway_endpoint_id", id),
        right: ("route_table_id", route_table),
    }
}

fn not_found(id: &str) -> ApiError {
    ApiError::gateway_endpoint_not_found(id)
}

fn check_name(name: &str) -> Result<(), ApiError> {
    if !name.is_empty() {
        validate::endpoint_name(name)?;
    }
    Ok(())
}

/// The route tables a gateway endpoint may join: the VPC's system route table.
fn route_tables_of(vpc_id: &str) -> Vec<String> {
    vec![system_route_table(vpc_id)]
}

fn check_route_table(vpc_id: &str, table: &str) -> Result<(), ApiError> {
    if route_tables_of(vpc_id).iter().any(|t| t == table) {
        Ok(())
    } else {
        Err(ApiError::route_table_not_in_vpc(table, vpc_id))
    }
}

impl Ops {
    async fn owned_gateway(
        &self,
        c: &mut Conn,
        ctx: &Ctx,
        id: &str,
    ) -> Result<GatewayRow, ApiError> {
        match gq::get(c, id).await? {
            Some(g) if g.account_id == ctx.account_id && ctx.sees_region(&g.region_id) => Ok(g),
            _ => Err(not_found(id)),
        }
    }

    async fn gateway_view(
        &self,
        c: &mut Conn,
        g: GatewayRow,
    ) -> Result<GatewayEndpointView, ApiError> {
        let route_tables = gq::route_tables(c, &g.id).await?;
        Ok(GatewayEndpointView {
            id: g.id,
            name: g.name,
            region_id: g.region_id,
            vpc_id: g.vpc_id,
            service_name: g.service_name,
            prefix_cidr: g.prefix_cidr,
            policy_document: g.policy_document,
            status: g.status,
            route_tables,
            created_at: iso(g.created_at),
        })
    }

    /// Creates a gateway endpoint for OSS in one of the caller's VPCs (one per VPC and service).
    pub async fn create_gateway_endpoint(
        &self,
        ctx: &Ctx,
        n: NewGatewayEndpoint,
    ) -> Result<GatewayEndpointView, ApiError> {
        let r = region(&n.region_id).ok_or_else(|| {
            ApiError::illegal("RegionId", format!("unknown region `{}`", n.region_id))
        })?;
        if is_gateway_service(&n.service_name) != Some(r.id) {
            return Err(ApiError::gateway_service_not_supported(
                r.id,
                oss_gateway_service(r.id),
            ));
        }
        check_name(&n.name)?;
        if let Some(p) = n.policy_document.as_deref().filter(|p| !p.is_empty()) {
            validate::policy_document(p)?;
        }
        let service_name = n.service_name;
        let route_tables = n.route_tables;
        self.change(
            ctx,
            async |tx| {
                let vpc = inv::vpc(tx, &n.vpc_id)
                    .await?
                    .filter(|v| v.account_id == ctx.account_id && v.region_id == r.id)
                    .ok_or_else(|| ApiError::invalid_vpc(&n.vpc_id))?;
                for t in &route_tables {
                    check_route_table(&vpc.id, t)?;
                }
                if gq::exists_in_vpc(tx, &vpc.id, &service_name).await? {
                    return Err(ApiError::gateway_endpoint_exists(&vpc.id, &service_name));
                }
                Ok(vpc)
            },
            async |tx, vpc| {
                let row = GatewayRow {
                    id: self.ids.make("vpce", r.id_prefix),
                    account_id: ctx.account_id.clone(),
                    region_id: r.id.into(),
                    vpc_id: vpc.id,
                    name: n.name,
                    service_name: service_name.clone(),
                    policy_document: n.policy_document.filter(|p| !p.is_empty()),
                    prefix_cidr: oss_prefix(r.id).ok_or_else(ApiError::internal)?,
                    status: ResourceStatus::Creating,
                    due_at: Some(self.due()),
                    created_at: self.clock.now(),
                };
                gq::insert(tx, &row).await?;
                for t in &route_tables {
                    links::set(tx, &route_link(&row.id, t), true).await?;
                }
                let change = Change {
                    topic: "gateway",
                    action: "CreateGatewayEndpoint",
                    target: row.id.clone(),
                    region_id: row.region_id.clone(),
                    summary: format!(
                        "gateway endpoint for {} in {}",
                        row.service_name, row.vpc_id
                    ),
                    before: None,
                    after: Some(json!({"vpc": row.vpc_id, "route_tables": route_tables})),
                    audience: vec![],
                };
                let view = self.gateway_view(tx, row).await?;
                Ok(Done::with(view, change).wake())
            },
        )
        .await
    }

    /// The caller's gateway endpoints in `region_id`, newest first.
    pub async fn list_gateway_endpoints(
        &self,
        ctx: &Ctx,
        region_id: &str,
    ) -> Result<Vec<GatewayEndpointView>, ApiError> {
        let mut c = self.pool.acquire().await?;
        let rows = gq::list(&mut c, &ctx.account_id, region_id).await?;
        let mut out = Vec::with_capacity(rows.len());
        for g in rows {
            out.push(self.gateway_view(&mut c, g).await?);
        }
        Ok(out)
    }

    /// One of the caller's gateway endpoints.
    pub async fn get_gateway_endpoint(
        &self,
        ctx: &Ctx,
        id: &str,
    ) -> Result<GatewayEndpointView, ApiError> {
        let mut c = self.pool.acquire().await?;
        let g = self.owned_gateway(&mut c, ctx, id).await?;
        self.gateway_view(&mut c, g).await
    }

    /// Renames a gateway endpoint and/or replaces its policy (`Some("")` removes the policy).
    pub async fn update_gateway_endpoint(
        &self,
        ctx: &Ctx,
        id: &str,
        name: Option<String>,
        policy_document: Option<String>,
    ) -> Result<(), ApiError> {
        if let Some(n) = &name {
            check_name(n)?;
        }
        if let Some(p) = policy_document.as_deref().filter(|p| !p.is_empty()) {
            validate::policy_document(p)?;
        }
        self.change(
            ctx,
            async |tx| self.active_gateway(tx, ctx, id).await,
            async |tx, mut g| {
                let before = json!({"name": g.name, "policy": g.policy_document});
                let new_name = name.unwrap_or_else(|| g.name.clone());
                let new_policy = match policy_document {
                    Some(p) if p.is_empty() => None,
                    Some(p) => Some(p),
                    None => g.policy_document.clone(),
                };
                g.name = new_name.clone();
                g.policy_document = new_policy.clone();
                gq::update(tx, &g).await?;
                Ok(Done::new(Change {
                    topic: "gateway",
                    action: "UpdateGatewayEndpoint",
                    target: id.to_string(),
                    region_id: g.region_id,
                    summary: format!("gateway endpoint {id} updated"),
                    before: Some(before),
                    after: Some(json!({"name": new_name, "policy": new_policy})),
                    audience: vec![],
                }))
            },
        )
        .await
    }

    async fn active_gateway(
        &self,
        c: &mut Conn,
        ctx: &Ctx,
        id: &str,
    ) -> Result<GatewayRow, ApiError> {
        let g = self.owned_gateway(c, ctx, id).await?;
        if g.status != ResourceStatus::Active {
            return Err(ApiError::gateway_endpoint_busy(id, g.status));
        }
        Ok(g)
    }

    /// Associates (`true`) or dissociates a route table of the endpoint's VPC.
    pub async fn set_gateway_route_table(
        &self,
        ctx: &Ctx,
        id: &str,
        route_table: &str,
        associate: bool,
    ) -> Result<(), ApiError> {
        self.change(
            ctx,
            async |tx| {
                let g = self.active_gateway(tx, ctx, id).await?;
                check_route_table(&g.vpc_id, route_table)?;
                let present = links::exists(tx, &route_link(id, route_table)).await?;
                if present == associate {
                    return Err(if associate {
                        ApiError::route_table_associated(route_table, id)
                    } else {
                        ApiError::route_table_not_associated(route_table, id)
                    });
                }
                Ok(g)
            },
            async |tx, g| {
                links::set(tx, &route_link(id, route_table), associate).await?;
                let action = if associate {
                    "AssociateRouteTableWithGatewayEndpoint"
                } else {
                    "DissociateRouteTableFromGatewayEndpoint"
                };
                Ok(Done::new(Change {
                    topic: "gateway",
                    action,
                    target: id.to_string(),
                    region_id: g.region_id,
                    summary: format!(
                        "route {} → {id} {} {route_table}",
                        g.prefix_cidr,
                        if associate {
                            "added to"
                        } else {
                            "removed from"
                        }
                    ),
                    before: None,
                    after: Some(json!({"route_table": route_table, "associated": associate})),
                    audience: vec![],
                }))
            },
        )
        .await
    }

    /// Deletes a gateway endpoint (Deleting until the reconciler removes it with its routes).
    pub async fn delete_gateway_endpoint(&self, ctx: &Ctx, id: &str) -> Result<(), ApiError> {
        self.change(
            ctx,
            async |tx| {
                let g = self.owned_gateway(tx, ctx, id).await?;
                if g.status == ResourceStatus::Deleting {
                    return Err(ApiError::gateway_endpoint_deleting(id));
                }
                Ok(g)
            },
            async |tx, mut g| {
                let before = json!({"vpc": g.vpc_id, "status": g.status});
                g.status = g.status.to(ResourceStatus::Deleting)?;
                g.due_at = Some(self.due());
                gq::update(tx, &g).await?;
                Ok(Done::new(Change {
                    topic: "gateway",
                    action: "DeleteGatewayEndpoint",
                    target: id.to_string(),
                    region_id: g.region_id,
                    summary: format!("deleting gateway endpoint {id}"),
                    before: Some(before),
                    after: None,
                    audience: vec![],
                })
                .wake())
            },
        )
        .await
    }

    /// The route tables of one of the caller's VPCs that a gateway endpoint there may join.
    pub async fn gateway_route_tables(
        &self,
        ctx: &Ctx,
        vpc_id: &str,
    ) -> Result<Vec<String>, ApiError> {
        let mut c = self.pool.acquire().await?;
        match inv::vpc(&mut c, vpc_id).await? {
            Some(v) if v.account_id == ctx.account_id => Ok(route_tables_of(&v.id)),
            _ => Err(ApiError::invalid_vpc(vpc_id)),
        }
    }

    /// One due gateway endpoint (Creating → Active, Deleting → gone), in its own transaction;
    /// `false` when it is no longer due or in `expected`.
    pub(crate) async fn settle_gateway(
        &self,
        id: &str,
        expected: ResourceStatus,
        now: i64,
    ) -> Result<bool, ApiError> {
        self.change(
            &Ctx::system(),
            async |tx| {
                Ok(gq::get(tx, id)
                    .await?
                    .filter(|g| g.status == expected && g.due_at.is_some_and(|d| d <= now)))
            },
            async |tx, g| {
                let Some(mut g) = g else {
                    return Ok(Done::many(false, vec![]));
                };
                let status = g.status;
                let summary = if status == ResourceStatus::Deleting {
                    gq::delete(tx, id).await?;
                    "gateway endpoint deleted"
                } else {
                    g.status = g.status.to(ResourceStatus::Active)?;
                    g.due_at = None;
                    gq::update(tx, &g).await?;
                    "gateway endpoint Active"
                };
                let change = Change {
                    topic: "gateway",
                    action: "Reconcile",
                    target: id.to_string(),
                    region_id: g.region_id,
                    summary: summary.into(),
                    before: Some(json!({"status": status})),
                    after: None,
                    audience: vec![g.account_id],
                };
                Ok(Done::with(true, change))
            },
        )
        .await
    }
}
