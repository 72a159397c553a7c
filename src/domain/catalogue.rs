//! The consumer's catalogue ("Available services"): one row per service an account may connect
//! to in a region, the search rule and the page limits. Which services are visible is decided by
//! `ops::discovery` (the rule behind ListVpcEndpointServicesByEndUser), not here.

use super::ApiError;
use super::state::{IpVersion, ResourceStatus};
use serde::{Deserialize, Serialize};

/// Rows per catalogue page when the caller does not say.
pub const DEFAULT_PAGE_SIZE: u32 = 20;
/// Most rows one catalogue page may hold.
pub const MAX_PAGE_SIZE: u32 = 100;

/// Which page of the catalogue to fetch: the services of `region` matching `search` (name, id,
/// description or provider); `page` from 1, `page_size` up to [`MAX_PAGE_SIZE`] (0: the default).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueQuery {
    pub region: String,
    #[serde(default)]
    pub search: String,
    pub page: u32,
    #[serde(default)]
    pub page_size: u32,
}

/// A service as a consumer may see it: no connection counts or other provider-side figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CatalogueEntry {
    pub id: String,
    /// `com.aliyuncs.privatelink.<region>.<id>`: what the create form takes.
    pub name: String,
    pub description: String,
    pub region_id: String,
    pub provider_id: String,
    pub provider_name: String,
    /// An Alibaba Cloud managed service (OSS, SLS …).
    pub managed: bool,
    /// The caller's own service.
    pub own: bool,
    /// API resource type: slb, alb, nlb, gwlb.
    pub resource_type: String,
    /// Interface or GatewayLoadBalancer: the endpoint type that connects to it.
    pub service_type: String,
    pub zones: Vec<String>,
    pub auto_accept: bool,
    /// IPv4 or DualStack.
    pub address_ip_version: IpVersion,
    /// Active, or Pending while the provider modifies it.
    pub status: ResourceStatus,
}

impl CatalogueEntry {
    /// True when `query` (trimmed, case-insensitive) occurs in the name, id, description,
    /// provider name or provider id. An empty query matches everything.
    pub fn matches(&self, query: &str) -> bool {
        let q = query.trim().to_lowercase();
        q.is_empty()
            || [
                &self.name,
                &self.id,
                &self.description,
                &self.provider_name,
                &self.provider_id,
            ]
            .iter()
            .any(|f| f.to_lowercase().contains(&q))
    }

    /// How connections to it are accepted, in the console's words.
    pub fn acceptance(&self) -> &'static str {
        if self.auto_accept {
            "Automatic"
        } else {
            "Provider accepts"
        }
    }

    /// The IP version in the console's words.
    pub fn ip_version(&self) -> &'static str {
        if self.address_ip_version.is_dual() {
            "Dual-stack"
        } else {
            "IPv4"
        }
    }
}

/// One page of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CataloguePage {
    pub items: Vec<CatalogueEntry>,
    /// Services matching the search (all pages).
    pub total: u64,
    /// 1-based page number of `items`.
    pub page: u32,
    pub page_size: u32,
}

impl CataloguePage {
    /// How many pages the matching services fill (at least 1).
    pub fn pages(&self) -> u32 {
        let size = u64::from(self.page_size.max(1));
        u32::try_from(self.total.div_ceil(size).max(1)).unwrap_or(u32::MAX)
    }
}

/// Checks a page request and returns `(offset, limit)`: page from 1, size 1 to [`MAX_PAGE_SIZE`]
/// (0 means [`DEFAULT_PAGE_SIZE`]).
pub fn page_window(page: u32, page_size: u32) -> Result<(usize, usize), ApiError> {
    let size = if page_size == 0 {
        DEFAULT_PAGE_SIZE
    } else {
        page_size
    };
    if size > MAX_PAGE_SIZE {
        return Err(ApiError::illegal(
            "PageSize",
            format!("at most {MAX_PAGE_SIZE} services per page"),
        ));
    }
    if page == 0 {
        return Err(ApiError::illegal("Page", "pages are numbered from 1"));
    }
    let offset = (page as usize - 1).saturating_mul(size as usize);
    Ok((offset, size as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_covers_name_id_description_and_provider() {
        let e = CatalogueEntry {
            id: "epsrv-bp1abc".into(),
            name: "com.aliyuncs.privatelink.cn-hangzhou.epsrv-bp1abc".into(),
            description: "Orders API".into(),
            provider_id: "1000000000000001".into(),
            provider_name: "Northwind Data".into(),
            ..Default::default()
        };
        for q in [
            "",
            "  ",
            "orders",
            "EPSRV-BP1",
            "northwind",
            "0000001",
            " privatelink.cn ",
        ] {
            assert!(e.matches(q), "{q:?}");
        }
        assert!(!e.matches("contoso"));
    }

    #[test]
    fn page_windows() {
        assert_eq!(page_window(1, 0).unwrap(), (0, 20));
        assert_eq!(page_window(3, 10).unwrap(), (20, 10));
        assert!(page_window(0, 10).is_err());
        assert!(page_window(1, 101).is_err());
        let p = CataloguePage {
            total: 41,
            page_size: 20,
            ..Default::default()
        };
        assert_eq!(p.pages(), 3);
        assert_eq!(CataloguePage::default().pages(), 1);
    }
}
