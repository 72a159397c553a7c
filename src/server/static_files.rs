//! The built site's assets (`/pkg/…`: the WASM, its JS glue and the CSS). Files compressed at
//! build time (`scripts/precompress.mjs` writes `.br` and `.gz` next to each) are served as they
//! are, so no page load pays for compressing a multi-megabyte WASM file on the fly; without them
//! the plain file is served (and the compression layer compresses it).

use axum::Router;
use axum::http::{HeaderValue, header};
use std::path::Path;
use tower::ServiceBuilder;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Adds `/pkg` served from `dir`, with precompressed variants and `Cache-Control: no-cache`
/// (file names carry no hash, so browsers revalidate with `If-Modified-Since` and get a 304).
pub fn with_pkg<S: Clone + Send + Sync + 'static>(router: Router<S>, dir: &Path) -> Router<S> {
    let files = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .service(ServeDir::new(dir).precompressed_br().precompressed_gzip());
    router.nest_service("/pkg", files)
}
