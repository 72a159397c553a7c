//! Server functions whose arguments cannot be read fail inside the server-function framework,
//! which answers 500 whatever the error says. This middleware gives such answers the status their
//! [`ApiError`](crate::domain::ApiError) carries (400 for unreadable arguments), so a malformed
//! request is the caller's error, not the server's.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

/// Largest error body inspected.
const MAX_ERROR_BODY: usize = 64 << 10;

/// Middleware for `/api/…`: a 500 whose JSON body names another `http_status` takes that status.
pub async fn align(req: Request, next: Next) -> Response {
    let console_fn = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !console_fn || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let status = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("http_status")?.as_u64())
        .and_then(|s| u16::try_from(s).ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .filter(|s| s.is_client_error() || s.is_server_error());
    if let Some(s) = status {
        parts.status = s;
    }
    Response::from_parts(parts, Body::from(bytes))
}
