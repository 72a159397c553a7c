//! The console adapter: `#[server]` functions. Each one finds the caller from the session, calls one
//! operation and returns its result; no rules live here.

pub mod activity;
pub mod bandwidth;
pub mod catalogue;
pub mod demo;
pub mod dns_links;
pub mod endpoints;
pub mod gateway;
pub mod inventory;
pub mod services;
pub mod session;
pub mod tags;

use crate::domain::ApiError;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    /// Bad arguments are the caller's fault (400); the rest is the server's (500). The HTTP
    /// status of the answer follows `http_status` (see `server::fn_status`).
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(e)
            | ServerFnErrorErr::Deserialization(e)
            | ServerFnErrorErr::MissingArg(e) => ApiError::new(
                "InvalidParameter",
                format!("The request's arguments could not be read: {e}"),
            ),
            ServerFnErrorErr::UnsupportedRequestMethod(m) => ApiError::new(
                "UnsupportedHTTPMethod",
                format!("This console function does not accept {m} requests."),
            )
            .status(405),
            other => ApiError::new(
                "RequestFailed",
                format!("The request could not be completed: {other}"),
            )
            .status(500),
        }
    }
}

/// Server-side helpers shared by the server functions.
#[cfg(feature = "ssr")]
pub mod context {
    use crate::auth;
    use crate::domain::ApiError;
    use crate::ops::{Ctx, Ops, Source};
    use crate::scenario::Scenario;
    use leptos::prelude::use_context;
    use std::sync::Arc;
    use tower_sessions::Session;

    /// What the server functions share, put in their context by whoever serves them (the
    /// server's router): the operations handle, the demo mode and the scenario the demo resets to.
    #[derive(Clone)]
    pub struct Console {
        pub ops: Ops,
        /// Demo mode: several accounts may be signed in at once, and demo tools are shown.
        pub demo_mode: bool,
        /// The scenario the demo resets to.
        pub scenario: Option<Arc<Scenario>>,
    }

    /// The console's shared state, from the context.
    pub fn state() -> Result<Console, ApiError> {
        use_context::<Console>().ok_or_else(ApiError::internal)
    }

    /// The caller's session.
    pub async fn session() -> Result<Session, ApiError> {
        leptos_axum::extract::<Session>()
            .await
            .map_err(|_| ApiError::internal())
    }

    /// The operations handle and a context acting as the signed-in account; refuses anonymous callers.
    pub async fn caller() -> Result<(Ops, Ctx), ApiError> {
        let state = state()?;
        let session = session().await?;
        let account = auth::active(&session)
            .await
            .inspect_err(|_| set_status(401))?;
        Ok((state.ops, Ctx::new(account.id, Source::Console)))
    }

    /// Sets the HTTP status of the server function's response.
    pub fn set_status(code: u16) {
        if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
            opts.set_status(
                axum::http::StatusCode::from_u16(code)
                    .unwrap_or(axum::http::StatusCode::BAD_REQUEST),
            );
        }
    }

    /// Adds a header to the server function's response.
    pub fn set_header(name: &'static str, value: &str) {
        if let (Some(opts), Ok(v)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            axum::http::HeaderValue::from_str(value),
        ) {
            opts.insert_header(axum::http::HeaderName::from_static(name), v);
        }
    }

    /// The caller's IP address (the TCP peer), or `unknown` when the server was not started with
    /// connection info (tests).
    pub fn client_address() -> String {
        use_context::<axum::http::request::Parts>()
            .and_then(|p| {
                p.extensions
                    .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                    .map(|c| c.0.ip().to_string())
            })
            .unwrap_or_else(|| "unknown".into())
    }

    /// Passes an operation's error through, setting its HTTP status.
    pub fn fail(e: ApiError) -> ApiError {
        set_status(e.http_status);
        e
    }
}
