//! Cross-site request forgery guard for the console.
//!
//! Session cookies are `SameSite=Strict`, so browsers do not attach them to cross-site requests. As a
//! second line, a state-changing request that carries an `Origin` (or `Sec-Fetch-Site`) header from
//! another site is refused before it reaches a server function.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Refuses cross-site POST/PUT/PATCH/DELETE requests to console routes (`/api/…`).
pub async fn guard(req: Request<Body>, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && req.uri().path().starts_with("/api/") && is_cross_site(&req) {
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
    next.run(req).await
}

fn is_cross_site(req: &Request<Body>) -> bool {
    let h = req.headers();
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && (site == "cross-site" || site == "same-site")
    {
        return true;
    }
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
    match (h.get(header::ORIGIN).and_then(|v| v.to_str().ok()), host) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => {
            let origin_host = origin
                .split_once("://")
                .map(|(_, rest)| rest)
                .unwrap_or(origin);
            origin_host != host
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(origin: Option<&str>, fetch_site: Option<&str>) -> Request<Body> {
        let mut b = Request::post("/api/x").header("host", "127.0.0.1:3000");
        if let Some(o) = origin {
            b = b.header("origin", o);
        }
        if let Some(s) = fetch_site {
            b = b.header("sec-fetch-site", s);
        }
        b.body(Body::empty()).unwrap()
    }

    #[test]
    fn cross_site_detection() {
        assert!(!is_cross_site(&req(
            Some("http://127.0.0.1:3000"),
            Some("same-origin")
        )));
        assert!(!is_cross_site(&req(None, None)));
        assert!(is_cross_site(&req(Some("http://evil.example"), None)));
        assert!(is_cross_site(&req(None, Some("cross-site"))));
        assert!(is_cross_site(&req(Some("null"), None)));
    }
}
