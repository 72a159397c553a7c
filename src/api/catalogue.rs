//! The consumer's "Available services": the services the active account may connect to.

use crate::domain::ApiError;
use crate::domain::catalogue::{CataloguePage, CatalogueQuery};
use leptos::prelude::*;

/// One page of the services the active account may use in the query's region.
#[server(prefix = "/api", endpoint = "available_services")]
pub async fn available_services(query: CatalogueQuery) -> Result<CataloguePage, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.service_catalogue(
        &ctx,
        &query.region,
        &query.search,
        query.page,
        query.page_size,
    )
    .await
    .map_err(fail)
}
