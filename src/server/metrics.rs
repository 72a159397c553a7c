//! Prometheus metrics: request counts and latencies per route, rendered at `/metrics`, followed by
//! the data plane's traffic per endpoint zone (see `dataplane::traffic`, bounded labels).

use axum::body::Body;
use axum::extract::MatchedPath;
use axum::http::{Method, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the global recorder once; later calls reuse it.
pub fn install() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        PrometheusBuilder::new()
            .set_buckets(&[
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
            ])
            .expect("valid buckets")
            .install_recorder()
            .expect("install the metrics recorder")
    })
}

/// `GET /metrics`: the request metrics, then the data plane's per-zone traffic series.
pub async fn render(axum::extract::State(state): axum::extract::State<super::AppState>) -> String {
    let mut text = install().render();
    text.push_str(&state.ops.traffic.render());
    text
}

/// Records `http_requests_total` and `http_request_duration_seconds` by route, method and status.
///
/// Every label takes a bounded set of values, whatever clients send: the route is the matched
/// route pattern (never the request path; unmatched paths are `other`, static files `/pkg/*`),
/// the method one of the standard ones or `other`, the status a number.
pub async fn track(req: Request<Body>, next: Next) -> Response {
    let route = route_label(
        req.extensions()
            .get::<MatchedPath>()
            .map(MatchedPath::as_str),
        req.uri().path(),
    );
    let method = method_label(req.method());
    let start = Instant::now();
    let res = next.run(req).await;
    let labels = [
        ("route", route),
        ("method", method.to_string()),
        ("status", res.status().as_u16().to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(start.elapsed().as_secs_f64());
    res
}

/// The route label: a route pattern of the router, `/pkg/*` for the site's static files, or
/// `other` (the fallback and anything unmatched).
fn route_label(matched: Option<&str>, path: &str) -> String {
    match matched {
        // axum names its catch-all fallback with a private wildcard: that is not a route.
        Some(p) if !p.contains("__private__") => p.to_string(),
        _ if path.starts_with("/pkg/") => "/pkg/*".into(),
        _ => "other".into(),
    }
}

/// The method label: a standard method, or `other` (HTTP allows any token as a method).
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_bounded() {
        assert_eq!(
            route_label(Some("/services/{id}"), "/services/x"),
            "/services/{id}"
        );
        assert_eq!(
            route_label(Some("/{*__private__axum_fallback}"), "/a/b"),
            "other"
        );
        assert_eq!(route_label(None, "/pkg/linkyard.js"), "/pkg/*");
        assert_eq!(route_label(None, "/random"), "other");
        assert_eq!(method_label(&Method::from_bytes(b"XFOO").unwrap()), "other");
        assert_eq!(method_label(&Method::PATCH), "PATCH");
    }
}
