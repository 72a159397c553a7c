//! Cross-site request forgery guard for the console.
//!
//! Session cookies are `SameSite=Strict`, so browsers do not attach them to cross-site requests. As a
//! second line, a state-changing request that carries an `Origin` (or `Sec-Fetch-Site`) header from
//! another site is refused before it reaches a server function. With a public URL (`--public-url`)
//! the `Origin` must be that URL's origin; without one it must name the request's `Host`.

use super::security::PublicUrl;
use axum::body::Body;
use axum::extract::State;
use axum::http::{Method, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Refuses cross-site POST/PUT/PATCH/DELETE requests to console routes (`/api/…`).
pub async fn guard(
    State(public_url): State<Option<PublicUrl>>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method
        && req.uri().path().starts_with("/api/")
        && is_cross_site(&req, public_url.as_ref())
    {
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
    next.run(req).await
}

fn is_cross_site(req: &Request<Body>, public_url: Option<&PublicUrl>) -> bool {
    let h = req.headers();
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && (site == "cross-site" || site == "same-site")
    {
        return true;
    }
    if let Some(url) = public_url {
        return match h.get(header::ORIGIN).map(|v| v.to_str()) {
            None => false,
            Some(Ok(origin)) => !origin.eq_ignore_ascii_case(url.origin()),
            Some(Err(_)) => true,
        };
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
        assert!(!is_cross_site(
            &req(Some("http://127.0.0.1:3000"), Some("same-origin")),
            None
        ));
        assert!(!is_cross_site(&req(None, None), None));
        assert!(is_cross_site(&req(Some("http://evil.example"), None), None));
        assert!(is_cross_site(&req(None, Some("cross-site")), None));
        assert!(is_cross_site(&req(Some("null"), None), None));
    }

    #[test]
    fn a_public_url_replaces_the_host_check() {
        let url = PublicUrl::parse("https://console.example.com").unwrap();
        let u = Some(&url);
        // Behind a proxy the Host is the upstream address; the Origin is the public one.
        assert!(!is_cross_site(
            &req(Some("https://console.example.com"), None),
            u
        ));
        assert!(is_cross_site(&req(Some("http://127.0.0.1:3000"), None), u));
        assert!(is_cross_site(
            &req(Some("http://console.example.com"), None),
            u
        ));
        assert!(is_cross_site(&req(Some("null"), None), u));
        assert!(!is_cross_site(&req(None, None), u));
    }
}
