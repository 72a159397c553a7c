//! The consumer's "Available services": the services the active account may connect to.

use crate::domain::ApiError;
use crate::domain::catalogue::CataloguePage;
use leptos::prelude::*;

/// One page of the services the active account may use in `region`, matching `search` (name, id,
/// description or provider); `page` from 1, `page_size` up to 100 (0: the default).
#[server(prefix = "/api", endpoint = "available_services")]
pub async fn available_services(
    region: String,
    #[server(default)] search: String,
    page: u32,
    #[server(default)] page_size: u32,
) -> Result<CataloguePage, ApiError> {
    use super::context::*;
    let (ops, ctx) = caller().await?;
    ops.service_catalogue(&ctx, &region, &search, page, page_size)
        .await
        .map_err(fail)
}
