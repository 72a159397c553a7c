//! Service discovery for consumers (ListVpcEndpointServicesByEndUser): the services an account
//! may connect to in a region — its own, those whitelisting it, and the managed services.

use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::model::ServiceView;
use crate::domain::status_machine::resource as st;
use crate::store::services as q;

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
        for s in q::visible(&mut c, &ctx.account_id, region_id).await? {
            if s.status == st::CREATING || s.status == st::DELETING {
                continue;
            }
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
}
