//! Service discovery for consumers (ListVpcEndpointServicesByEndUser and the console's "Available
//! services"): the services an account may connect to in a region — its own, those whitelisting
//! it, and the managed services.

use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::catalogue::{CatalogueEntry, CataloguePage, page_window};
use crate::domain::model::ServiceView;
use crate::domain::state::ResourceStatus;
use crate::store::Conn;
use crate::store::accounts as aq;
use crate::store::services::{self as q, ServiceRow};
use std::collections::HashMap;

/// Filters of ListVpcEndpointServicesByEndUser; `None` / empty matches everything.
#[derive(Debug, Clone, Default)]
pub struct VisibleFilter {
    pub service_id: Option<String>,
    pub service_name: Option<String>,
    /// Interface or GatewayLoadBalancer.
    pub service_type: Option<String>,
    pub resource_group_id: Option<String>,
    /// Every `(key, value)` must be present (an empty value matches any value of the key).
    pub tags: Vec<(String, String)>,
}

impl Ops {
    /// The services in `region_id` the caller may see and connect to, managed services first.
    /// Services being created or deleted are left out.
    pub async fn list_visible_services(
        &self,
        ctx: &Ctx,
        region_id: &str,
        f: &VisibleFilter,
    ) -> Result<Vec<ServiceView>, ApiError> {
        let mut c = self.pool.acquire().await?;
        let mut out = Vec::new();
        for s in visible_rows(&mut c, ctx, region_id).await? {
            let v = self.service_view(&mut c, s).await?;
            let eq = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
            let tagged = f.tags.iter().all(|(k, val)| {
                v.tags
                    .iter()
                    .any(|(hk, hv)| hk == k && (val.is_empty() || hv == val))
            });
            if eq(&f.service_id, &v.id)
                && eq(&f.service_name, &v.name)
                && eq(&f.service_type, &v.service_type)
                && eq(&f.resource_group_id, &v.resource_group_id)
                && tagged
            {
                out.push(v);
            }
        }
        Ok(out)
    }

    /// The console's "Available services": the same services as
    /// [`Ops::list_visible_services`], searched (name, id, description, provider) and paged here,
    /// with the provider's name and without provider-side figures.
    pub async fn service_catalogue(
        &self,
        ctx: &Ctx,
        region_id: &str,
        query: &str,
        page: u32,
        page_size: u32,
    ) -> Result<CataloguePage, ApiError> {
        let (offset, limit) = page_window(page, page_size)?;
        let mut c = self.pool.acquire().await?;
        let mut providers: HashMap<String, String> = HashMap::new();
        let mut matching = Vec::new();
        for s in visible_rows(&mut c, ctx, region_id).await? {
            if !providers.contains_key(&s.account_id) {
                let name = aq::account(&mut c, &s.account_id)
                    .await?
                    .map_or_else(String::new, |a| a.name);
                providers.insert(s.account_id.clone(), name);
            }
            let entry = CatalogueEntry {
                provider_name: providers[&s.account_id].clone(),
                own: s.account_id == ctx.account_id,
                managed: s.managed_product.is_some(),
                service_type: super::service_reads::service_type(&s.resource_type).into(),
                zones: Vec::new(),
                id: s.id,
                name: s.name,
                description: s.description,
                region_id: s.region_id,
                provider_id: s.account_id,
                resource_type: s.resource_type,
                auto_accept: s.auto_accept,
                address_ip_version: s.address_ip_version,
                status: s.status,
            };
            if entry.matches(query) {
                matching.push(entry);
            }
        }
        let total = matching.len() as u64;
        let mut items: Vec<CatalogueEntry> =
            matching.into_iter().skip(offset).take(limit).collect();
        for e in &mut items {
            let mut zones: Vec<String> = q::resources(&mut c, &e.id)
                .await?
                .into_iter()
                .map(|r| r.zone_id)
                .collect();
            zones.sort();
            zones.dedup();
            e.zones = zones;
        }
        Ok(CataloguePage {
            items,
            total,
            page,
            page_size: limit as u32,
        })
    }
}

/// The rule of ListVpcEndpointServicesByEndUser: the store's visible services (own, whitelisting
/// the caller, managed) without those being created or deleted, managed services first.
async fn visible_rows(
    c: &mut Conn,
    ctx: &Ctx,
    region_id: &str,
) -> Result<Vec<ServiceRow>, ApiError> {
    Ok(q::visible(c, &ctx.account_id, region_id)
        .await?
        .into_iter()
        .filter(|s| s.status != ResourceStatus::Creating && s.status != ResourceStatus::Deleting)
        .collect())
}
