//! Endpoints, read side: an endpoint's full view, one endpoint, and the filtered list.

use super::endpoints::EndpointFilter;
use super::{Ctx, Ops, Page};
use crate::domain::ApiError;
use crate::domain::model::EndpointView;
use crate::domain::state::ConnectionStatus;
use crate::store::Conn;
use crate::store::endpoints::{self as q, ConnectionRow, EndpointRow};
use crate::store::services::{self as svc, ServiceRow};
use crate::store::{iso, tags};
use std::collections::HashMap;

impl Ops {
    /// Builds the full view of an endpoint.
    pub(crate) async fn endpoint_view(
        &self,
        c: &mut Conn,
        e: EndpointRow,
    ) -> Result<EndpointView, ApiError> {
        let k = q::connection(c, &e.id).await?;
        let s = svc::get(c, &e.service_id).await?;
        let tags = tags::of(c, &e.id).await?;
        Ok(view_of(e, k.as_ref(), s.as_ref(), tags))
    }

    /// GetVpcEndpointAttribute.
    pub async fn get_endpoint(&self, ctx: &Ctx, id: &str) -> Result<EndpointView, ApiError> {
        let mut c = self.pool.acquire().await?;
        let e = self.owned_endpoint(&mut c, ctx, id).await?;
        self.endpoint_view(&mut c, e).await
    }

    /// ListVpcEndpoints: the caller's endpoints in a region, filtered, keyset-paged.
    pub async fn list_endpoints(
        &self,
        ctx: &Ctx,
        region_id: &str,
        f: &EndpointFilter,
        next_token: Option<&str>,
        max: i64,
    ) -> Result<Page<EndpointView>, ApiError> {
        let mut c = self.pool.acquire().await?;
        // Every filter is a condition in SQL: count and fetch one page there, then build the
        // page's views with one query per table instead of a scan of every endpoint the caller owns.
        let cols = q::EndpointColumns {
            id: f.endpoint_id.as_deref(),
            name: f.endpoint_name.as_deref(),
            status: f.status.as_deref(),
            endpoint_type: f.endpoint_type.as_deref(),
            vpc_id: f.vpc_id.as_deref(),
            service_name: f.service_name.as_deref(),
            service_region_id: f.service_region_id.as_deref(),
            address_ip_version: f.address_ip_version.as_deref(),
            resource_group_id: f.resource_group_id.as_deref(),
            connection_status: f.connection_status.as_deref(),
            tags: &f.tags,
        };
        let total = q::count_owned(&mut c, &ctx.account_id, region_id, &cols).await?;
        let max = max.max(1);
        let mut rows = q::owned_filtered_page(
            &mut c,
            &ctx.account_id,
            region_id,
            &cols,
            next_token.unwrap_or(""),
            max + 1,
        )
        .await?;
        let more = rows.len() as i64 > max;
        rows.truncate(max as usize);
        let ids: Vec<&str> = rows.iter().map(|e| e.id.as_str()).collect();
        let mut conns: HashMap<String, ConnectionRow> = q::connections_of(&mut c, &ids)
            .await?
            .into_iter()
            .map(|k| (k.endpoint_id.clone(), k))
            .collect();
        let mut tags_of: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for (id, k, v) in tags::of_many(&mut c, &ids).await? {
            tags_of.entry(id).or_default().push((k, v));
        }
        let mut services: HashMap<String, Option<ServiceRow>> = HashMap::new();
        let mut items = Vec::with_capacity(rows.len());
        for e in rows {
            if !services.contains_key(&e.service_id) {
                let s = svc::get(&mut c, &e.service_id).await?;
                services.insert(e.service_id.clone(), s);
            }
            let k = conns.remove(&e.id);
            let tags = tags_of.remove(&e.id).unwrap_or_default();
            let s = services.get(&e.service_id).and_then(Option::as_ref);
            items.push(view_of(e, k.as_ref(), s, tags));
        }
        let next_token = if more {
            items.last().map(|v| v.id.clone())
        } else {
            None
        };
        Ok(Page {
            items,
            next_token,
            total,
        })
    }
}

/// The full view of an endpoint from its row, connection, service and tags.
fn view_of(
    e: EndpointRow,
    k: Option<&ConnectionRow>,
    s: Option<&ServiceRow>,
    tags: Vec<(String, String)>,
) -> EndpointView {
    {
        EndpointView {
            connection_status: k
                .as_ref()
                .map_or(ConnectionStatus::ServiceDeleted, |k| k.status),
            bandwidth: k.as_ref().map_or(0, |k| k.bandwidth),
            awaiting_decision: k.is_some_and(|k| {
                k.status
                    .awaiting_decision(k.decided_by.is_some(), k.locked_from.is_some())
            }),
            reject_reason: k.as_ref().and_then(|k| k.reason.clone()),
            resource_owner: s.as_ref().is_some_and(|s| s.account_id == e.account_id),
            payer: s.as_ref().map_or("Endpoint".into(), |s| s.payer.clone()),
            tags,
            created_at: iso(e.created_at),
            id: e.id,
            owner_id: e.account_id,
            region_id: e.region_id,
            name: e.name,
            description: e.description,
            endpoint_type: e.endpoint_type,
            vpc_id: e.vpc_id,
            service_id: e.service_id,
            service_name: e.service_name,
            service_region_id: e.service_region_id,
            address_ip_version: e.address_ip_version,
            zone_affinity: e.zone_affinity,
            policy_document: e.policy_document,
            protected: e.protected,
            private_dns_enabled: e.private_dns_enabled,
            cross_region_bandwidth: e.cross_region_bandwidth,
            status: e.status,
            business_status: e.business_status,
            domain: e.domain,
            resource_group_id: e.resource_group_id,
        }
    }
}
