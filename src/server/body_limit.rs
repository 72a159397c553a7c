//! One request body limit for every route: a larger body is answered `413 Payload Too Large`
//! before any handler reads it, with a message that says so — Alibaba's error shape on the cloud
//! API (`POST /`), the console's JSON error shape on server functions (`/api/…`), plain text
//! elsewhere. Bodies without a `Content-Length` (chunked) are read up to the limit here.

use crate::domain::ApiError;
use crate::ops::ids;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Largest request body on any route (1 MiB): far above any form the console sends or any
/// parameter set of the cloud API.
pub const MAX_BODY: usize = 1 << 20;

/// Middleware: refuses bodies over [`MAX_BODY`] with 413.
pub async fn limit(req: Request, next: Next) -> Response {
    use axum::body::HttpBody as _;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let hint = req.body().size_hint();
    if declared.is_some_and(|n| n > MAX_BODY as u64) || hint.lower() > MAX_BODY as u64 {
        return too_large(&req);
    }
    if hint.upper().is_some_and(|n| n <= MAX_BODY as u64) {
        return next.run(req).await;
    }
    // A body of unknown length (chunked): read it here, up to the limit.
    let (parts, body) = req.into_parts();
    match to_bytes(body, MAX_BODY).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(_) => too_large(&Request::from_parts(parts, Body::empty())),
    }
}

/// The 413 answer in the shape the caller reads.
fn too_large(req: &Request) -> Response {
    let e = ApiError::new(
        "RequestEntityTooLarge",
        format!(
            "The request body is larger than {} KiB; send less data per request.",
            MAX_BODY / 1024
        ),
    )
    .status(413);
    metrics::counter!("http_requests_too_large_total").increment(1);
    let path = req.uri().path();
    if path == "/" {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("privatelink.aliyuncs.com");
        return crate::openapi::wire::failure(&ids::request_id(), host, &e);
    }
    if path.starts_with("/api/") {
        let body = serde_json::to_string(&e).unwrap_or_default();
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
    }
    (StatusCode::PAYLOAD_TOO_LARGE, e.message).into_response()
}
