//! Endpoint services, read side: a service's full view, one service, and the filtered list.

use super::{Ctx, Ops, Page, PageBuilder};
use crate::domain::ApiError;
use crate::domain::inventory::LbType;
use crate::domain::model::ServiceView;
use crate::domain::state::ConnectionStatus;
use crate::store::Conn;
use crate::store::services::{self as q, ServiceRow};
use crate::store::{iso, tags};

/// Filters of ListVpcEndpointServices.
#[derive(Debug, Clone, Default)]
pub struct ServiceFilter {
    pub service_id: Option<String>,
    pub service_name: Option<String>,
    pub status: Option<String>,
    pub business_status: Option<String>,
    pub auto_accept: Option<bool>,
    pub zone_affinity: Option<bool>,
    pub resource_type: Option<String>,
    pub address_ip_version: Option<String>,
    pub resource_id: Option<String>,
    pub resource_group_id: Option<String>,
    pub tags: Vec<(String, String)>,
}

pub(crate) fn service_type(resource_type: &str) -> &'static str {
    if resource_type == "gwlb" {
        "GatewayLoadBalancer"
    } else {
        "Interface"
    }
}

impl Ops {
    /// Builds the full view of a service.
    pub(crate) async fn service_view(
        &self,
        c: &mut Conn,
        s: ServiceRow,
    ) -> Result<ServiceView, ApiError> {
        let resources = q::resources(c, &s.id).await?;
        let mut zones: Vec<String> = resources.iter().map(|r| r.zone_id.clone()).collect();
        zones.sort();
        zones.dedup();
        let counts = q::connection_counts(c, &s.id).await?;
        let connection_count = counts
            .iter()
            .filter(|(st, _)| *st != ConnectionStatus::Disconnected)
            .map(|(_, n)| n)
            .sum();
        let pending_count = crate::store::endpoints::pending_for_service(c, &s.id).await?;
        Ok(ServiceView {
            service_type: service_type(&s.resource_type).into(),
            zones,
            supported_regions: q::supported_regions(c, &s.id).await?,
            tags: tags::of(c, &s.id).await?,
            created_at: iso(s.created_at),
            id: s.id,
            owner_id: s.account_id,
            region_id: s.region_id,
            name: s.name,
            domain: s.domain,
            description: s.description,
            status: s.status,
            business_status: s.business_status,
            resource_type: s.resource_type,
            auto_accept: s.auto_accept,
            zone_affinity: s.zone_affinity,
            address_ip_version: s.address_ip_version,
            connect_bandwidth: s.connect_bandwidth,
            payer: s.payer,
            resource_group_id: s.resource_group_id,
            managed_product: s.managed_product,
            custom_domain: s.custom_domain,
            policy_supported: s.policy_supported,
            connection_count,
            pending_count,
        })
    }

    /// GetVpcEndpointServiceAttribute: one service the caller owns.
    pub async fn get_service(&self, ctx: &Ctx, id: &str) -> Result<ServiceView, ApiError> {
        let mut c = self.pool.acquire().await?;
        let s = self.owned_service(&mut c, ctx, id).await?;
        self.service_view(&mut c, s).await
    }

    /// ListVpcEndpointServices: the caller's services in a region, filtered, paged by `next_token`.
    pub async fn list_services(
        &self,
        ctx: &Ctx,
        region_id: &str,
        f: &ServiceFilter,
        next_token: Option<&str>,
        max: i64,
    ) -> Result<Page<ServiceView>, ApiError> {
        let mut c = self.pool.acquire().await?;
        let mut page = PageBuilder::new(next_token, max);
        let mut after = String::new();
        loop {
            let chunk = q::owned_page(&mut c, &ctx.account_id, region_id, &after, 500).await?;
            let done = chunk.len() < 500;
            for s in chunk {
                after = s.id.clone();
                if !self.service_matches(&mut c, &s, f).await? {
                    continue;
                }
                let key = s.id.clone();
                let view = if page.wants(&key) {
                    Some(self.service_view(&mut c, s).await?)
                } else {
                    None
                };
                page.push(&key, view);
            }
            if done {
                return Ok(page.finish());
            }
        }
    }

    async fn service_matches(
        &self,
        c: &mut Conn,
        s: &ServiceRow,
        f: &ServiceFilter,
    ) -> Result<bool, ApiError> {
        let eq = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        if !(eq(&f.service_id, &s.id)
            && eq(&f.service_name, &s.name)
            && eq(&f.status, s.status.as_str())
            && eq(&f.business_status, s.business_status.as_str())
            && f.auto_accept.is_none_or(|a| a == s.auto_accept)
            && f.zone_affinity.is_none_or(|a| a == s.zone_affinity)
            && f.resource_type.as_deref().is_none_or(|t| {
                LbType::parse(t).map(|l| l.api_name()) == Some(s.resource_type.as_str())
            })
            && eq(&f.address_ip_version, s.address_ip_version.as_str())
            && eq(&f.resource_group_id, &s.resource_group_id))
        {
            return Ok(false);
        }
        if let Some(r) = &f.resource_id
            && !q::resources(c, &s.id)
                .await?
                .iter()
                .any(|x| &x.resource_id == r)
        {
            return Ok(false);
        }
        if !f.tags.is_empty() {
            let have = tags::of(c, &s.id).await?;
            if !f.tags.iter().all(|(k, v)| {
                have.iter()
                    .any(|(hk, hv)| hk == k && (v.is_empty() || hv == v))
            }) {
                return Ok(false);
            }
        }
        Ok(true)
    }
}
