//! The HTTP server: console (SSR + server functions), SSE, health, metrics, and the layers around them.

pub mod activity_csv;
pub mod body_limit;
pub mod csrf;
pub mod fn_status;
pub mod metrics;
pub mod render_pool;
pub mod security;
pub mod sessions;
pub mod sse;
pub mod static_files;

use crate::ops::Ops;
use crate::ui::app::{App, shell};
use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::get;
use leptos::prelude::LeptosOptions;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use std::sync::OnceLock;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};

/// Everything the handlers share. The server functions get their part of it from the context
/// (`api::context::Console`).
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub ops: Ops,
    /// Demo mode: several accounts may be signed in at once, and demo tools are shown.
    pub demo_mode: bool,
    /// Signature nonces seen by the cloud API in the last half hour (replay protection).
    pub nonces: std::sync::Arc<crate::openapi::sign::NonceCache>,
    /// Per-AccessKey flow control of the cloud API.
    pub throttle: std::sync::Arc<crate::openapi::throttle::Throttle>,
    /// The AccessKeys signed requests used, read and opened once (kept exact; see `openapi::keys`).
    pub keys: std::sync::Arc<crate::openapi::keys::KeyCache>,
    /// The scenario the demo resets to.
    pub scenario: Option<std::sync::Arc<crate::scenario::Scenario>>,
    /// The URL browsers use (`--public-url`); `None`: plain http on the listening address.
    pub public_url: Option<security::PublicUrl>,
}

/// Builds the whole application router (used by `serve` and by tests).
pub async fn router(state: AppState) -> Result<Router, String> {
    metrics::install();
    let store = sessions::Sessions::open(&state.ops.pool).await?;
    store.spawn_cleanup();
    let sessions = SessionManagerLayer::new(store)
        .with_name(security::session_cookie_name(state.public_url.as_ref()))
        .with_secure(state.public_url.as_ref().is_some_and(|u| u.is_https()))
        .with_path("/")
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::hours(12),
        ));

    let routes = route_list();
    let leptos_options = state.leptos_options.clone();
    let pkg_dir =
        std::path::Path::new(&*leptos_options.site_root).join(&*leptos_options.site_pkg_dir);
    // The pages (and the server functions leptos registers with them) and the not-found page;
    // pages render on the render threads (see `render_pool`).
    let pages = Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let console = crate::api::context::Console {
                    ops: state.ops.clone(),
                    demo_mode: state.demo_mode,
                    scenario: state.scenario.clone(),
                };
                move || leptos::prelude::provide_context(console.clone())
            },
            move || shell(leptos_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(render_pool::render_on_own_thread));
    let app = static_files::with_pkg(Router::new(), &pkg_dir)
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics::render))
        .route("/events", get(sse::events))
        .route("/activity.csv", get(activity_csv::export))
        .merge(pages)
        .layer(axum::middleware::from_fn(fn_status::align))
        .layer(axum::middleware::from_fn_with_state(
            state.public_url.clone(),
            csrf::guard,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::openapi::intercept,
        ))
        .layer(axum::middleware::from_fn(body_limit::limit))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state);
    Ok(app)
}

/// The console's routes, generated once per process.
///
/// Generating runs the whole app once with resource loading switched off through a
/// *process-wide* flag (leptos_router's `RouteList::generate` holds leptos_server's
/// `SuppressResourceLoad`). A resource whose fetch is first polled while that flag is up — on any
/// thread, e.g. a page being rendered by a router built earlier — parks on a future that never
/// wakes, so that page's response never ends (leptos#4773). Every router used to generate the list
/// again, so building a second router in a process that serves pages (each integration test builds
/// its own, tests run in parallel) hung a render now and then. Generated once, before the first
/// router exists, the flag can never be up while a page renders: a thread that could render must
/// have passed through here, and `OnceLock` makes concurrent first callers wait for the one that
/// generates.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Ready when the database answers.
async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match sqlx::query("SELECT 1").execute(&state.ops.pool).await {
        Ok(_) => (StatusCode::OK, "ready"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}
