//! `/metrics` stays bounded: whatever paths and methods clients send, the labels take a fixed set
//! of values (unmatched paths are `other`).
#![cfg(feature = "ssr")]

mod common;

use axum::body::Body;
use axum::http::Request;
use common::*;
use std::collections::BTreeSet;

/// The values of `label` in the Prometheus text.
fn label_values(text: &str, label: &str) -> BTreeSet<String> {
    let key = format!("{label}=\"");
    text.lines()
        .filter(|l| l.starts_with("http_request"))
        .filter_map(|l| {
            let start = l.find(&key)? + key.len();
            let end = l[start..].find('"')? + start;
            Some(l[start..end].to_string())
        })
        .collect()
}

#[tokio::test]
async fn metric_labels_do_not_grow_with_random_paths_or_methods() {
    let app = demo_app().await;
    let mut client = Client::new(&app);
    // A few real routes first, so the set holds more than `other`.
    for path in ["/healthz", "/readyz", "/", "/services", "/pkg/linkyard.js"] {
        client.get(path).await;
    }
    let baseline = label_values(&client.get("/metrics").await.body, "route");
    for i in 0..300u32 {
        let n = rand::random::<u64>();
        let path = match i % 6 {
            0 => format!("/random-{n:x}"),
            1 => format!("/api/no_such_function_{n:x}"),
            2 => format!("/services/epsrv-{n:x}/no/such/tab"),
            3 => format!("/pkg/{n:x}.wasm"),
            4 => format!("/{n:x}/{i}?q={n}"),
            _ => format!("/endpoints/%2e%2e/{n:x}"),
        };
        let method = match i % 4 {
            0 => "GET".to_string(),
            1 => "POST".to_string(),
            2 => format!("X{n:X}"),
            _ => "PROPFIND".to_string(),
        };
        let req = Request::builder()
            .method(method.as_str())
            .uri(path)
            .body(Body::empty())
            .unwrap();
        client.send(req).await;
    }
    let text = client.get("/metrics").await.body;
    let routes = label_values(&text, "route");
    let methods = label_values(&text, "method");
    let statuses = label_values(&text, "status");
    eprintln!("routes: {routes:?}\nmethods: {methods:?}\nstatuses: {statuses:?}");
    assert!(
        routes.len() <= baseline.len() + 4,
        "route labels grew with the requests: {routes:?}"
    );
    assert!(routes.contains("other"), "{routes:?}");
    for r in &routes {
        assert!(
            !r.contains("random-") && !r.contains("no_such") && !r.contains("no/such"),
            "a request path became a label: {r}"
        );
    }
    assert!(methods.len() <= 10, "method labels: {methods:?}");
    assert!(methods.iter().all(|m| !m.starts_with('X')), "{methods:?}");
    assert!(statuses.len() <= 12, "status labels: {statuses:?}");
}
